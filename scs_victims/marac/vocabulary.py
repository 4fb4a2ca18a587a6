"""The words MARAC records use: SafeLives sources and ONS 2021 ethnicity (yes/no answers are
every import's: ``scs_victims.domain.yes_no``).

Each ``parse_*`` takes text as a person or a spreadsheet wrote it and returns our stored form,
or None when the text is not one of the accepted spellings.
"""

from __future__ import annotations

import re
from typing import Final

from scs_victims.storage.models import MARAC_AGENCY_CODES

# The 14 SafeLives referral sources, in the order of the return (definitions §6).
AGENCY_LABELS: Final[dict[str, str]] = {
    "police": "Police",
    "idva": "IDVA",
    "childrens_social_care": "Children's Social Care",
    "adult_social_care": "Adult Social Care",
    "primary_care": "Primary Care",
    "secondary_care": "Secondary Care",
    "mental_health": "Mental Health",
    "substance_misuse": "Substance Misuse",
    "probation": "Probation",
    "voluntary_sector": "Voluntary Sector",
    "mash": "MASH",
    "education": "Education",
    "housing": "Housing",
    "other": "Other",
}
assert tuple(AGENCY_LABELS) == MARAC_AGENCY_CODES

# Other names SafeLives material uses for the same sources (research/marac.md §1.1).
_AGENCY_ALIASES: Final[dict[str, str]] = {
    "secondary care acute trust": "secondary_care",
    "acute trust": "secondary_care",
    "drug and alcohol": "substance_misuse",
    "drugs and alcohol": "substance_misuse",
    "multi agency safeguarding hub": "mash",
    "independent domestic violence advisor": "idva",
    "independent domestic violence adviser": "idva",
}

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> str:
    """Case-folded, apostrophes dropped, ``&`` read as ``and``, other punctuation as spaces."""
    folded = text.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_WORD.sub(" ", folded).split())


_AGENCY_WORDS: Final[dict[str, str]] = {
    **{_words(label): code for code, label in AGENCY_LABELS.items()},
    **{_words(code): code for code in AGENCY_LABELS},
    **{_words(alias): code for alias, code in _AGENCY_ALIASES.items()},
}


def parse_agency(text: str) -> str | None:
    """``"children's social care"``, ``"CHILDRENS SOCIAL CARE"`` -> ``'childrens_social_care'``."""
    return _AGENCY_WORDS.get(_words(text))


# ONS 2021 ethnic groups and categories (England and Wales), short form "Group: Category".
ETHNIC_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "Asian": ("Bangladeshi", "Chinese", "Indian", "Pakistani", "Other Asian"),
    "Black": ("African", "Caribbean", "Other Black"),
    "Mixed": ("White and Asian", "White and Black African", "White and Black Caribbean",
              "Other Mixed"),
    "White": ("English, Welsh, Scottish, Northern Irish or British", "Irish",
              "Gypsy or Irish Traveller", "Roma", "Other White"),
    "Other": ("Arab", "Any other ethnic group"),
}
# The ONS long names of the groups, accepted before the colon too.
_GROUP_LONG_NAMES: Final[dict[str, str]] = {
    "Asian, Asian British or Asian Welsh": "Asian",
    "Black, Black British, Black Welsh, Caribbean or African": "Black",
    "Mixed or Multiple ethnic groups": "Mixed",
    "Other ethnic group": "Other",
}
# Black, Asian or racially minoritised (definitions §6): these groups, and two White categories.
_MINORITISED_GROUPS: Final = frozenset({"Asian", "Black", "Mixed", "Other"})
_MINORITISED_WHITE: Final = frozenset({"White: Gypsy or Irish Traveller", "White: Roma"})


def _ethnicity_table() -> dict[str, str]:
    table: dict[str, str] = {}
    groups = {group: group for group in ETHNIC_GROUPS} | _GROUP_LONG_NAMES
    for written, group in groups.items():
        table[_words(written)] = group
        for category in ETHNIC_GROUPS[group]:
            table[_words(f"{written} {category}")] = f"{group}: {category}"
    return table


_ETHNICITIES: Final[dict[str, str]] = _ethnicity_table()


def parse_ethnicity(text: str) -> str | None:
    """``'asian: indian'`` -> ``'Asian: Indian'``; ``'Black'`` -> ``'Black'`` (the group only)."""
    return _ETHNICITIES.get(_words(text))


def is_minoritised(ethnicity: str | None) -> bool:
    """Black, Asian or racially minoritised as SafeLives counts it (None: not stated)."""
    if ethnicity is None:
        return False
    group = ethnicity.split(":", 1)[0]
    return group in _MINORITISED_GROUPS or ethnicity in _MINORITISED_WHITE
