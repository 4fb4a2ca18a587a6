"""A synthetic borough: wards and incidents for demonstrations, training and load tests.

Officers cannot be shown real victims, and the application cannot be tried out, timed or
taught without data that behaves like the real thing. This module invents a borough whose
wards, streets and people are all made up, and writes incidents that:

* are valid under ``spec/formats.md`` row by row, so every file imports cleanly;
* vary spellings the way real exports do (crime type names, ``31/05/2024`` vs ``2024-05-31``,
  ``O'Brien`` vs ``OBRIEN``, ``St`` vs ``Street``, postcode spacing), so the identity rules of
  definitions §2 are exercised rather than bypassed;
* repeat the way partnerships see (definitions §3, 12-month window): roughly a quarter of DV
  victims, a fifth of ASB victims and under a tenth of burgled dwellings have a repeat, from a
  skewed "how many incidents does this subject suffer" distribution and clustered timing;
* include a small share of people keyed apart on purpose (a victim reference or date of birth
  missing from one row), which is what the merge feature exists for.

Everything comes from one ``random.Random(seed)``, so the same arguments give the same file,
and rows are streamed in shuffled chunks so a million rows need little memory.
"""

from __future__ import annotations

import bisect
import csv
import math
import random
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from scs_victims.progress import ProgressCallback, no_progress

if TYPE_CHECKING:
    from scs_victims.storage.database import Database

INCIDENT_COLUMNS: tuple[str, ...] = (
    "reference",
    "crime_type",
    "occurred_on",
    "reported_on",
    "victim_ref",
    "victim_forename",
    "victim_surname",
    "victim_dob",
    "victim_gender",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "uprn",
    "ward",
    "perpetrator_forename",
    "perpetrator_surname",
    "perpetrator_dob",
    "relationship",
    "source",
    "description",
)

WARD_COLUMNS: tuple[str, ...] = ("ward", "code", "population", "households")


@dataclass(frozen=True)
class DemoWard:
    """One invented ward; ``households`` is None for the ward whose count is "unknown"."""

    name: str
    code: str
    population: int
    households: int | None


# --------------------------------------------------------------------------------------------
# Invented vocabulary. Ward, town and street names are made up so that no real place is
# described; person names are common names of mixed origins combined at random, so no real
# person is described either.
# --------------------------------------------------------------------------------------------

_WARD_NAMES = (
    "Amberlow", "Birchcross", "Brackenfold", "Cinderbrook", "Copperdown", "Dunmere Vale",
    "Elderwick", "Fallowmead", "Gorsebridge", "Hazelcombe Rise", "Ivybeck", "Juniper Hollow",
    "Kestrelmoor", "Lanternfield", "Larkspur Green", "Mallowfield", "Orchardvale",
    "Pebblemarsh", "Quillmoor", "Rookhallow", "Sedgeworth Heath", "Thistlebury", "Umberlea",
    "Wrenhythe",
)  # fmt: skip
_WARD_COUNT = 20
_TOWN = "Fernhallow"

_FEMALE_NAMES = (
    "Aisha", "Amira", "Ana", "Aoife", "Bethany", "Chloe", "Chloé", "Emily", "Fatima", "Grace",
    "Hannah", "Ifeoma", "Jessica", "Joanne", "Keisha", "Kiran", "Leah", "Lucy", "Marta",
    "Maryam", "Mei", "Niamh", "Olivia", "Priya", "Renée", "Siobhán", "Sophie", "Zoë", "Zainab",
    "Agnieszka", "Ama", "Bronwen", "Catrin", "Deborah", "Ewa", "Farah", "Gemma", "Hui",
    "Ioana", "Jade", "Karen", "Lauren", "Mary-Jane", "Nadia", "Nkechi", "Paula", "Rachel",
    "Sadia", "Shauna", "Tanya", "Yasmin", "Ayşe", "Inês", "Mariana", "Roisin", "Stacey",
)  # fmt: skip
_MALE_NAMES = (
    "Daniel", "Ethan", "James", "Kwame", "Mohammed", "Oliver", "Ryan", "Tomasz", "Yusuf",
    "Adebayo", "Aidan", "Andrei", "Ben", "Callum", "Connor", "Darren", "Dylan", "Emeka",
    "Gareth", "Hamza", "Ibrahim", "Jamal", "Jean-Luc", "José", "Kofi", "Liam", "Luca", "Marek",
    "Nathan", "Omar", "Patrick", "Raj", "Sean", "Seán", "Tariq", "Wei", "Zach", "Dominik",
)  # fmt: skip
_SURNAMES = (
    "Adeyemi", "Ahmed", "Ali", "Begum", "Brown", "Clarke", "Cohen", "Da Silva", "Davies",
    "Evans", "Fernández", "Green", "Hall", "Hussain", "Johnson", "Jones", "Khan", "Kowalski",
    "Levy", "Lewis", "McCarthy", "Mensah", "Murphy", "Nowak", "O'Brien", "O'Neill", "Okafor",
    "Patel", "Roberts", "Singh", "Smith", "St John", "Taylor", "Thomas", "Van der Berg",
    "Walker", "Williams", "Wilson", "Wood", "Wright", "Abara", "Baptiste", "Chowdhury",
    "D'Souza", "Edwards", "Fitzgerald", "Gonçalves", "Hughes", "Ibrahim", "Jackson",
    "Kaur", "Lindqvist", "Mahmood", "Nguyen", "Oyelaran", "Popescu", "Quinn", "Rahman",
    "Smith-Jones", "Sørensen", "Turner", "Usman", "Vaughan", "Wiśniewska", "Yilmaz", "Zhang",
    "Mac an tSaoir", "Müller", "Brontë", "Owusu", "Harris", "Morgan",
)  # fmt: skip

_STEM_FIRST = (
    "Alder", "Ash", "Beech", "Birch", "Bramble", "Briar", "Cedar", "Chestnut", "Clover", "Elm",
    "Fern", "Foxglove", "Hawthorn", "Hazel", "Heather", "Holly", "Ivy", "Juniper", "Laurel",
    "Linden", "Maple", "Meadow", "Oak", "Orchard", "Poplar", "Rowan", "Sorrel", "Thistle",
    "Willow", "Yew", "Badger", "Heron", "Kingfisher", "Lark", "Otter", "Plover", "Raven",
    "Swallow", "Wren", "Falcon", "Copper", "Flint", "Granite", "Slate", "Amber", "Coral",
    "Marigold", "Primrose", "Bluebell", "Daisy",
)  # fmt: skip
_STEM_SECOND = (
    "", "field", "wood", "brook", "dale", "mere", "croft", "gate", "ley", "ridge", "bank",
    "hurst", "side", "mead", "ford", "wick", "holme", "stone", "well", "combe",
)  # fmt: skip

# (canonical, abbreviations the address key expands, weight). Abbreviated forms are the ones
# in definitions §2, so "12 Oak Rd." and "12 OAK ROAD" share a key.
_STREET_TYPES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("Road", "Rd", "Rd."), 25),
    (("Street", "St", "St."), 15),
    (("Close", "Cl"), 10),
    (("Avenue", "Ave", "Av"), 10),
    (("Lane", "Ln"), 8),
    (("Gardens", "Gdns"), 6),
    (("Drive", "Dr"), 6),
    (("Way", "Wy"), 5),
    (("Crescent", "Cres"), 4),
    (("Grove", "Gr", "Gro"), 4),
    (("Court", "Ct"), 3),
    (("Place", "Pl"), 3),
    (("Terrace", "Ter", "Terr"), 3),
    (("Green", "Grn"), 2),
    (("Park", "Pk"), 2),
    (("Mews", "Mws"), 2),
    (("Square", "Sq"), 2),
)

# Plausible-looking postcode areas; the districts and inward codes are drawn at random, and
# the street names are invented, so no generated address is a real one.
_AREAS_ONE = ("N", "E", "W", "B", "G", "L", "M", "S")
_AREAS_TWO = ("NW", "SE", "EN", "HA", "KT", "RM", "WD", "UB", "BR", "CR", "DA", "TW", "SM")
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # no C I K M O V (Royal Mail rule)
_DISTRICT_LETTERS = "ABCDEFGHJKPSTUW"

# (spelling, weight): the usual spellings most often, every accepted one sometimes.
_CRIME_SPELLINGS: dict[str, tuple[tuple[str, float], ...]] = {
    "asb": (("ASB", 34), ("Anti-social behaviour", 30), ("asb", 14),
            ("Antisocial behaviour", 10), ("anti-social behaviour", 8), ("ASB ", 4)),
    "burglary": (("Burglary", 32), ("Domestic burglary", 30), ("burglary", 14),
                 ("Residential burglary", 10), ("Burglary - dwelling", 10),
                 ("DOMESTIC BURGLARY", 4)),
    "dv": (("DV", 25), ("Domestic abuse", 25), ("DA", 18), ("Domestic violence", 14),
           ("dv", 10), ("domestic abuse", 8)),
}  # fmt: skip
_REFERENCE_PREFIX = {"asb": "ASB", "burglary": "BURGLARY", "dv": "DV"}

_SOURCES: dict[str, tuple[tuple[str, float], ...]] = {
    "asb": (("council", 25), ("housing", 22), ("police", 22), ("self", 6), ("other", 3),
            ("", 22)),
    "burglary": (("police", 65), ("council", 8), ("housing", 7), ("", 20)),
    "dv": (("police", 55), ("health", 7), ("housing", 7), ("council", 6), ("self", 4),
           ("other", 3), ("", 18)),
}  # fmt: skip
_GENDER_TEXT: dict[str, tuple[tuple[str, float], ...]] = {
    "female": (("", 30), ("F", 28), ("female", 42)),
    "male": (("", 30), ("M", 28), ("male", 42)),
    "other": (("", 30), ("other", 70)),
    "unknown": (("", 40), ("unknown", 60)),
}

_DESCRIPTIONS = {
    "asb": (
        "Noise from neighbouring property late at night",
        "Youths gathering and shouting outside the flats",
        "Verbal abuse from a neighbour over parking",
        "Eggs thrown at front windows",
        "Suspected drug dealing from the communal stairwell",
        'Caller said "it happens every weekend", wants a visit',
        "Dog barking for hours; owner abusive when approached",
        "Harassment on the landing, ongoing dispute",
        "Fireworks set off in the garden next door",
        "Car repeatedly blocking driveway, threats made",
    ),
    "env": (
        "Fly-tipping: mattress and bags of rubbish",
        "Graffiti on the bus shelter",
        "Abandoned vehicle, no tax",
        "Litter and broken glass in the alleyway",
        "Dog fouling on the footpath",
        "Needles found near the play area",
    ),
    "burglary": (
        "Rear door forced, jewellery taken",
        "Entry via insecure window; laptop stolen",
        "Attempted entry, lock snapped, nothing taken",
        "Keys taken through the letterbox, car stolen",
        "Front door kicked in while occupants away",
        "Distraction burglary, caller claimed to be from the water company",
        "Patio door smashed, cash and passports taken",
    ),
    "dv": (
        "Verbal argument escalated to assault",
        "Breach of non-molestation order",
        "Threats made by text message",
        "Controlling behaviour disclosed to health visitor",
        "Victim's phone damaged during argument",
        "Attended address uninvited, refused to leave",
        "Financial abuse disclosed at housing appointment",
    ),
}
# Rare descriptions that a spreadsheet would take for a formula: exports must neutralise them.
_FORMULA_LIKE = ("=repeat caller, see previous log", "+ follow-up visit booked", "-ve contact")

_RELATIONSHIPS = ("partner", "partner", "partner", "ex-partner", "ex-partner", "family", "other")

# How many incidents one subject suffers, P(k) for k = 1, 2, ... (skewed: most subjects once).
_CAREER_LENGTH = {
    "asb": (76, 12, 5.0, 2.6, 1.6, 1.0, 0.6, 0.4, 0.3, 0.2, 0.1),
    "burglary": (91, 6.5, 1.5, 0.6, 0.25, 0.15),
    "dv": (71, 14, 6.0, 3.4, 2.1, 1.3, 0.8, 0.6, 0.4, 0.3, 0.1, 0.1),
}
# Gap between a subject's incidents, in days: (probability, kind, parameter). "exp" is an
# exponential with that mean (clustered repeats), "late" is uniform from one to parameter
# days beyond a year (a return after the 12-month window, which does not count as a repeat).
_GAPS: dict[str, tuple[tuple[float, str, float], ...]] = {
    "asb": ((0.55, "exp", 25.0), (0.25, "exp", 110.0), (0.20, "late", 700.0)),
    "burglary": ((0.45, "exp", 35.0), (0.30, "exp", 170.0), (0.25, "late", 900.0)),
    "dv": ((0.60, "exp", 35.0), (0.28, "exp", 140.0), (0.12, "late", 600.0)),
}
# Share of subjects' careers (not incidents) by kind; careers are longer for DV than for
# burglary, so incidents end up near ASB 48% (a tenth of it environmental), DV 27%,
# burglary 25%.
_CAREER_KINDS: tuple[tuple[str, float], ...] = (
    ("asb", 0.415), ("env", 0.045), ("dv", 0.23), ("burglary", 0.31),
)  # fmt: skip

# Hours at which incidents happen, weights for 00..23.
_HOURS = {
    "asb": (3, 2, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 6, 7, 8, 9, 10, 9, 7, 5),
    "burglary": (3, 3, 3, 3, 2, 1, 1, 2, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5, 4, 4, 3),
    "dv": (8, 7, 5, 3, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 5, 6, 7, 8, 9, 10, 10, 9),
}

_T = TypeVar("_T")
_SIXTEEN_YEARS = 16 * 366  # days; a little over, so leap days never make a 15-year-old

_CHUNK = 8192  # rows shuffled together before they are written
_UPRN_MULTIPLIER = 7_919_113  # coprime with _UPRN_MODULUS, so dwelling -> UPRN is one-to-one
_UPRN_MODULUS = 99_900_000_000
_UPRN_BASE = 100_000_000


# --------------------------------------------------------------------------------------------
# Wards
# --------------------------------------------------------------------------------------------


def demo_wards(seed: int = 1) -> list[DemoWard]:
    """Twenty invented wards, alphabetical, one without a household count.

    One ward lacks households on purpose: burglary rates then fall back to population there
    and for the whole area (definitions §4), which a demonstration should show.
    """
    # A stream of its own, so the wards of a seed never depend on how many incidents follow.
    rng = random.Random(f"scs-victims-demo-wards:{seed}")
    names = sorted(rng.sample(_WARD_NAMES, _WARD_COUNT))
    codes = rng.sample(range(900_000, 1_000_000), _WARD_COUNT)
    unknown = rng.randrange(_WARD_COUNT)
    wards: list[DemoWard] = []
    for index, name in enumerate(names):
        population = rng.randint(9_000, 20_000)
        households = None if index == unknown else round(population / 2.6 * rng.uniform(0.9, 1.1))
        wards.append(DemoWard(name, f"E05{codes[index]:06d}", population, households))
    return wards


def write_wards_csv(path: Path, seed: int = 1) -> None:
    """The wards of ``demo_wards(seed)`` in the Wards format (formats.md), ready to load."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(WARD_COLUMNS)
        for ward in demo_wards(seed):
            households = "" if ward.households is None else str(ward.households)
            writer.writerow((ward.name, ward.code, str(ward.population), households))


# --------------------------------------------------------------------------------------------
# Incidents
# --------------------------------------------------------------------------------------------


def default_years(count: int) -> float:
    """How many years ``count`` incidents span by default: 20,000 over 3, 1,000,000 over 10.

    Logarithmic, because a bigger data set stands for a bigger borough *and* a longer
    history; clamped to 1..10 years and rounded to whole years so periods look tidy.
    """
    if count <= 0:
        return 1.0
    years = 3 + 4 * math.log10(count / 20_000)
    return float(max(1, min(10, round(years))))


def iter_incident_rows(
    count: int,
    *,
    seed: int = 1,
    end: date | None = None,
    years: float | None = None,
    wards: list[DemoWard] | None = None,
) -> Iterator[dict[str, str]]:
    """``count`` incident rows as a CSV reader would give them: keyed by INCIDENT_COLUMNS,
    every value a string ('' when empty).

    Incidents occur between ``end`` minus ``years`` and ``end`` (default today; a date after
    today is brought back to today so nothing is in the future). ``wards`` defaults to
    ``demo_wards(seed)``; an empty list leaves the ward column blank.
    """
    for row in _iter_row_lists(count, seed=seed, end=end, years=years, wards=wards):
        yield dict(zip(INCIDENT_COLUMNS, row, strict=True))


def write_incidents_csv(
    path: Path,
    count: int,
    *,
    seed: int = 1,
    end: date | None = None,
    years: float | None = None,
) -> None:
    """Write ``iter_incident_rows(count, ...)`` as an Incidents file (UTF-8, Excel quoting),
    streaming, so memory stays small however many rows are asked for."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(INCIDENT_COLUMNS)
        writer.writerows(_iter_row_lists(count, seed=seed, end=end, years=years, wards=None))


def _iter_row_lists(
    count: int,
    *,
    seed: int,
    end: date | None,
    years: float | None,
    wards: list[DemoWard] | None,
) -> Iterator[list[str]]:
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    if years is not None and not years > 0:
        raise ValueError(f"years must be positive, got {years}")
    today = date.today()
    if end is None:
        end = today
    elif isinstance(end, datetime):
        end = end.date()
    end = min(end, today)
    span_years = default_years(count) if years is None else float(years)
    if wards is None:
        wards = demo_wards(seed)
    return _Borough(count, seed, end, span_years, wards).rows()


@dataclass(slots=True)
class _Person:
    """A synthetic person as every row about them must agree on.

    Names and gender are weighted pick tables (see ``_table``) of the ways they get written.
    """

    forenames: tuple[str, ...]
    surnames: tuple[str, ...]
    gender: str
    gender_text: tuple[str, ...]
    dob_forms: tuple[str, str, str] | None
    dob_ordinal: int
    ref: str
    home: tuple[int, int, int]


def _name_variants(name: str) -> tuple[str, ...]:
    """Ways one name gets written that the person key treats as the same (definitions §2).

    Index 0 is the proper spelling, 1 upper case, 2 lower case, the rest punctuation,
    spacing and accent variants. Every variant normalises to the same letters by
    construction: only case, combining marks and non-letters change.
    """
    variants = [name, name.upper(), name.lower()]
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    if folded != name:
        variants += [folded, folded.upper()]
    if "'" in name:
        variants += [name.replace("'", ""), name.replace("'", "").upper(),
                     name.replace("'", " "), name.replace("'", "\u2019")]  # fmt: skip
    if " " in name:
        variants += [name.replace(" ", "  "), name.replace(" ", "")]
    if "-" in name:
        variants += [name.replace("-", " "), name.replace("-", "").upper()]
    return tuple(variants)


def _name_table(name: str) -> tuple[str, ...]:
    """Proper spelling 70%, upper case 15%, lower case 4%, other variants share the rest."""
    variants = _name_variants(name)
    others = variants[3:]
    pairs: list[tuple[str, float]] = [(variants[0], 70 if others else 81)]
    pairs += [(variants[1], 15), (variants[2], 4)]
    pairs += [(other, 11 / len(others)) for other in others]
    return _table(pairs, 100)


def _cumulative(weights: Sequence[float]) -> list[float]:
    """Running shares ending at exactly 1.0, for ``bisect`` on a uniform random number."""
    total = sum(weights)
    running = 0.0
    result = []
    for weight in weights:
        running += weight / total
        result.append(running)
    result[-1] = 1.0
    return result


def _table(pairs: Sequence[tuple[_T, float]], size: int) -> tuple[_T, ...]:
    """Exactly ``size`` values, each repeated in proportion to its weight.

    A weighted pick is then ``table[int(random() * size)]``: one multiply per row instead of
    a search, which is what keeps a million rows within the time budget.
    """
    total = sum(weight for _, weight in pairs)
    exact = [size * weight / total for _, weight in pairs]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(pairs)), key=lambda i: counts[i] - exact[i])
    for index in by_remainder[: size - sum(counts)]:
        counts[index] += 1
    table: list[_T] = []
    for (value, _), times in zip(pairs, counts, strict=True):
        table += [value] * times
    return tuple(table)


def _format_date(day: date) -> tuple[str, str, str]:
    """ISO, UK with zeros, UK without zeros: the three forms formats.md accepts."""
    return (
        f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
        f"{day.day:02d}/{day.month:02d}/{day.year:04d}",
        f"{day.day}/{day.month}/{day.year:04d}",
    )


_HHMM = tuple(f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60))
_DATE_FORM = _table(((0, 50), (1, 35), (2, 15)), 100)  # occurred_on: ISO, UK, UK unpadded
_DOB_FORM = _table(((0, 60), (1, 35), (2, 5)), 100)


class _Borough:
    """The generator's state: invented streets, people and the random stream."""

    def __init__(
        self, count: int, seed: int, end: date, years: float, wards: list[DemoWard]
    ) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.rand = self.rng.random
        self.end_ord = end.toordinal()
        self.start_ord = self.end_ord - max(0, round(years * 365.2425) - 1)
        self.day_forms = [
            _format_date(date.fromordinal(o)) for o in range(self.start_ord, self.end_ord + 1)
        ]
        self.stems = {
            kind: [f"{prefix}/{forms[0][:4]}" for forms in self.day_forms]
            for kind, prefix in _REFERENCE_PREFIX.items()
        }
        self.date_cache: dict[int, tuple[str, str, str]] = {}
        self.ward_text: list[tuple[str, ...]] = [
            _table(((w.name, 87.5), (w.name.upper(), 6), (w.name.lower(), 4), ("", 2.5)), 200)
            for w in wards
        ]
        self.ward_count = len(wards)
        self.forenames = {
            "female": [_name_table(n) for n in _FEMALE_NAMES],
            "male": [_name_table(n) for n in _MALE_NAMES],
        }
        self.surnames = [_name_table(n) for n in _SURNAMES]
        self.gender_text = {g: _table(pairs, 100) for g, pairs in _GENDER_TEXT.items()}
        self.crime_text = {k: _table(pairs, 100) for k, pairs in _CRIME_SPELLINGS.items()}
        self.crime_text["env"] = self.crime_text["asb"]
        self.source_text = {k: _table(pairs, 100) for k, pairs in _SOURCES.items()}
        self.source_text["env"] = self.source_text["asb"]
        self.description_text = {
            kind: _table(
                [("", 300.0)] + [(f, 1.0) for f in _FORMULA_LIKE]
                + [(t, 697 / len(texts)) for t in texts],
                1000,
            )
            for kind, texts in _DESCRIPTIONS.items()
        }  # fmt: skip
        self.hours = {
            kind: _table(list(zip(range(24), weights, strict=True)), 1000)
            for kind, weights in _HOURS.items()
        }
        self.hours["env"] = self.hours["asb"]
        self.lengths = {kind: _cumulative(p) for kind, p in _CAREER_LENGTH.items()}
        self.kinds = _table(_CAREER_KINDS, 1000)
        self.recent_people: list[_Person] = []
        self.person_serial = 0
        self._build_streets(wards)

    # -- places --------------------------------------------------------------------------

    def _build_streets(self, wards: list[DemoWard]) -> None:
        """Streets in proportion to ward population, enough that unrelated burglaries rarely
        land on the same dwelling by chance (that would be a repeat nobody planned)."""
        rng = self.rng
        n_streets = max(300, self.count // 20)
        stems = [a + b for a in _STEM_FIRST for b in _STEM_SECOND]
        type_table = _table([(i, w) for i, (_, w) in enumerate(_STREET_TYPES)], 1000)
        outwards = self._outward_codes(max(1, len(wards)) * 2)
        populations = [w.population for w in wards] or [1]
        # Some wards see more crime than their size suggests: a hot-spot multiplier.
        heat = [rng.uniform(0.5, 2.0) for _ in populations]
        per_ward = _cumulative(populations)
        self.street_names: list[tuple[str, ...]] = []
        self.street_postcodes: list[tuple[str, ...]] = []
        self.street_ward: list[int] = []
        self.street_max: list[int] = []
        weights: list[float] = []
        for _ in range(n_streets):
            ward = bisect.bisect_left(per_ward, rng.random())
            outward = outwards[2 * ward + (rng.random() < 0.4)]
            max_number = 8 + int(300 * rng.random() ** 2)
            postcodes = tuple(
                outward + " " + str(rng.randrange(10)) + "".join(rng.choices(_INWARD_LETTERS, k=2))
                for _ in range(1 + max_number // 60)
            )
            stem = rng.choice(stems)
            forms = _STREET_TYPES[type_table[int(rng.random() * 1000)]][0]
            # Proper form 72%, the abbreviations (definitions §2 table) share the rest.
            names = [(f"{stem} {forms[0]}", 72.0)]
            names += [(f"{stem} {form}", 28 / (len(forms) - 1)) for form in forms[1:]]
            self.street_names.append(_table(names, 25))
            self.street_postcodes.append(postcodes)
            self.street_ward.append(ward if wards else -1)
            self.street_max.append(max_number)
            weights.append(heat[ward] * max_number)
        self.street_cumulative = _cumulative(weights)

    def _outward_codes(self, how_many: int) -> list[str]:
        """Distinct outward codes covering the six UK shapes (A9, A99, A9A, AA9, AA99, AA9A)."""
        rng = self.rng
        one = rng.choice(_AREAS_ONE)
        two = rng.sample(_AREAS_TWO, 2)
        codes: list[str] = []
        seen: set[str] = set()
        while len(codes) < how_many:
            shape = rng.random()
            area = rng.choice(two)
            if shape < 0.35:
                code = f"{area}{rng.randint(1, 9)}"
            elif shape < 0.6:
                code = f"{area}{rng.randint(10, 29)}"
            elif shape < 0.72:
                code = f"{one}{rng.randint(1, 9)}"
            elif shape < 0.87:
                code = f"{one}{rng.randint(10, 22)}"
            elif shape < 0.94:
                code = f"{one}{rng.randint(1, 9)}{rng.choice(_DISTRICT_LETTERS)}"
            else:
                code = f"{area}{rng.randint(1, 9)}{rng.choice(_DISTRICT_LETTERS)}"
            if code not in seen:
                seen.add(code)
                codes.append(code)
        return codes

    def _dwelling(self) -> tuple[int, int, int]:
        """(street, house number, flat or 0); blocks of flats are about one number in five."""
        rand = self.rand
        street = bisect.bisect_left(self.street_cumulative, rand())
        number = 1 + int(rand() * self.street_max[street])
        flat = 1 + int(rand() * 24) if (number * 7 + street) % 5 == 0 else 0
        return street, number, flat

    def _uprn(self, dwelling: tuple[int, int, int]) -> str:
        """A made-up UPRN, one per dwelling (an affine bijection, so never shared)."""
        street, number, flat = dwelling
        index = (street * 1000 + number) * 32 + flat
        return str(_UPRN_BASE + (index * _UPRN_MULTIPLIER + 12_345) % _UPRN_MODULUS)

    def _postcode(self, dwelling: tuple[int, int, int]) -> str:
        street, number, _ = dwelling
        postcodes = self.street_postcodes[street]
        return postcodes[(number - 1) * len(postcodes) // self.street_max[street]]

    def _line1(self, dwelling: tuple[int, int, int]) -> str:
        """The first address line, spelt one of the ways real systems spell it; every
        spelling has the same address key (definitions §2)."""
        street, number, flat = dwelling
        rand = self.rand
        line = f"{number} {self.street_names[street][int(rand() * 25)]}"
        if flat:
            r = rand()
            if r < 0.55:
                line = f"Flat {flat} {line}"
            elif r < 0.85:
                line = f"Flat {flat}, {line}"
            else:
                line = f"Flt {flat} {line}"
        r = rand()
        if r < 0.15:
            return line.upper()
        if r < 0.22:
            return line.lower()
        return line

    def _postcode_text(self, postcode: str) -> str:
        """Postcodes as typed: spacing and case vary, the shape never does."""
        r = self.rand()
        if r < 0.62:
            return postcode
        if r < 0.77:
            return postcode.replace(" ", "")
        if r < 0.87:
            return postcode.lower()
        if r < 0.92:
            return postcode.lower().replace(" ", "")
        if r < 0.97:
            return f" {postcode} "
        return postcode.replace(" ", "  ")

    def _ward(self, ward: int) -> str:
        return self.ward_text[ward][int(self.rand() * 200)] if ward >= 0 else ""

    def _date_forms(self, ordinal: int) -> tuple[str, str, str]:
        forms = self.date_cache.get(ordinal)
        if forms is None:
            forms = self.date_cache[ordinal] = _format_date(date.fromordinal(ordinal))
        return forms

    # -- people --------------------------------------------------------------------------

    def _person(self, kind: str, first_day: int) -> _Person:
        """A new synthetic person old enough at ``first_day`` (16+ for DV, definitions §1)."""
        rand = self.rand
        recent = self.recent_people
        if recent and rand() < 0.03:
            # Some people are victims of more than one crime type (DV only from 16).
            known = recent[int(rand() * len(recent))]
            if kind != "dv" or known.dob_ordinal <= first_day - _SIXTEEN_YEARS:
                return known
        r = rand()
        female_share = 0.78 if kind == "dv" else 0.55
        if r < female_share:
            gender, pool = "female", self.forenames["female"]
        elif r < 0.985:
            gender, pool = "male", self.forenames["male"]
        else:
            gender = "other" if r < 0.993 else "unknown"
            pool = self.forenames["female" if rand() < 0.5 else "male"]
        forenames = pool[int(rand() * len(pool))]
        surnames = self.surnames[int(rand() * len(self.surnames))]
        low, high = (16, 75) if kind == "dv" else (16, 92)
        dob_ordinal = first_day - int((low + (high - low) * rand() ** 1.4) * 365.25) - 1
        dob_forms = self._date_forms(dob_ordinal) if rand() < 0.92 else None
        ref = ""
        if rand() < 0.25:
            self.person_serial += 1
            ref = f"P{self.person_serial:07d}"
        person = _Person(
            forenames=forenames, surnames=surnames, gender=gender,
            gender_text=self.gender_text[gender], dob_forms=dob_forms,
            dob_ordinal=dob_ordinal, ref=ref,
            home=self._dwelling(),
        )  # fmt: skip
        if len(recent) < 2000:
            recent.append(person)
        else:
            recent[int(rand() * 2000)] = person
        return person

    # -- dates ---------------------------------------------------------------------------

    def _career_days(self, kind: str) -> list[int]:
        """When one subject's incidents happen: a skewed count, clustered gaps.

        Careers may start up to a year before the period so that the first year holds
        repeats of earlier incidents (which the file does not contain), as real data does.
        """
        rng = self.rng
        rand = self.rand
        k = bisect.bisect_left(self.lengths[kind], rand()) + 1
        day = self.start_ord - 365 + int(rand() * (self.end_ord - self.start_ord + 366))
        days = [day]
        gaps = _GAPS[kind]
        for _ in range(k - 1):
            r = rand()
            choice = 0
            while choice < len(gaps) - 1 and r >= gaps[choice][0]:
                r -= gaps[choice][0]
                choice += 1
            _, shape, parameter = gaps[choice]
            if shape == "exp":
                day += int(rng.expovariate(1.0 / parameter))
            else:
                day += 366 + int(rand() * parameter)
            days.append(day)
        return [d for d in days if self.start_ord <= d <= self.end_ord]

    def _occurred(self, kind: str, day: int) -> str:
        rand = self.rand
        form = _DATE_FORM[int(rand() * 100)]
        text = self.day_forms[day - self.start_ord][form]
        # No time on the last day: the last day may be today, and a later hour of today
        # would be in the future.
        if day < self.end_ord and rand() < 0.45:
            hour = self.hours[kind][int(rand() * 1000)]
            separator = "T" if form == 0 and rand() < 0.2 else " "
            text = text + separator + _HHMM[hour * 60 + int(rand() * 60)]
        return text

    def _reported(self, day: int) -> str:
        """Mostly within days; a few over a month late (they miss the ASB review count)."""
        rand = self.rand
        if rand() < 0.3:
            return ""
        r = rand()
        if r < 0.45:
            lag = 0
        elif r < 0.85:
            lag = 1 + int(rand() * 10)
        elif r < 0.95:
            lag = 11 + int(rand() * 20)
        else:
            lag = 32 + int(rand() * 90)
        day = min(day + lag, self.end_ord)
        return self.day_forms[day - self.start_ord][0 if rand() < 0.55 else 1]

    # -- rows ----------------------------------------------------------------------------

    def _person_rows(self, kind: str, days: list[int]) -> list[list[str]]:
        """Rows for one ASB or DV victim; every row keeps the victim linkable."""
        rand = self.rand
        person = self._person(kind, days[0])
        home = person.home
        postcode = self._postcode(home)
        ward = self.street_ward[home[0]]
        uprn = self._uprn(home)
        perp_fore: tuple[str, ...] = ()
        perp_sur: tuple[str, ...] = ()
        perp_dob = relationship = ""
        if kind == "dv":
            male_perpetrator = (person.gender == "female") != (rand() < 0.12)
            pool = self.forenames["male" if male_perpetrator else "female"]
            relationship = _RELATIONSHIPS[int(rand() * len(_RELATIONSHIPS))]
            perp_fore = pool[int(rand() * len(pool))]
            perp_sur = (
                person.surnames
                if relationship == "family" or rand() < 0.3
                else self.surnames[int(rand() * len(self.surnames))]
            )
            if rand() < 0.45:
                age_days = int((17 + 50 * rand()) * 365.25)
                perp_dob = self._date_forms(days[0] - age_days)[0 if rand() < 0.6 else 1]
        stems = self.stems[kind]
        crime_text = self.crime_text[kind]
        source_text = self.source_text[kind]
        description_text = self.description_text[kind]
        start = self.start_ord
        rows: list[list[str]] = []
        for day in days:
            ref = person.ref
            dob = person.dob_forms[_DOB_FORM[int(rand() * 100)]] if person.dob_forms else ""
            if rand() < 0.015:
                # Keyed apart on purpose: one source system left out the reference or the
                # date of birth. Users join such people with a merge (definitions §2).
                if ref:
                    ref = ""
                elif dob:
                    dob = ""
            line1 = town = pc = uprn_text = ""
            if not ref and not dob or rand() < 0.88:
                line1 = self._line1(home)
                pc = self._postcode_text(postcode)
                if rand() < 0.15:
                    uprn_text = uprn
                if rand() < 0.5:
                    town = _TOWN
            where = ward if rand() < 0.9 or ward < 0 else int(rand() * self.ward_count)
            p_fore = p_sur = p_dob = p_rel = ""
            if perp_fore:
                if rand() < 0.85:
                    p_fore = perp_fore[int(rand() * 100)]
                    p_sur = perp_sur[int(rand() * 100)]
                    p_dob = perp_dob
                if rand() < 0.9:
                    p_rel = relationship
                if relationship == "partner" and rand() < 0.15:
                    relationship = "ex-partner"  # they separated after this incident
            rows.append([
                stems[day - start], crime_text[int(rand() * 100)], self._occurred(kind, day),
                self._reported(day), ref, person.forenames[int(rand() * 100)],
                person.surnames[int(rand() * 100)], dob,
                person.gender_text[int(rand() * 100)], line1, "", town, pc, uprn_text,
                self._ward(where), p_fore, p_sur, p_dob, p_rel,
                source_text[int(rand() * 100)], description_text[int(rand() * 1000)],
            ])  # fmt: skip
        return rows

    def _burglary_rows(self, days: list[int]) -> list[list[str]]:
        """Rows for one dwelling. Whether the UPRN is recorded is a habit of the dwelling's
        records, so its key stays stable; a few rows break the habit (merge candidates)."""
        rand = self.rand
        dwelling = self._dwelling()
        postcode = self._postcode(dwelling)
        uprn = self._uprn(dwelling)
        if rand() < 0.1 and len(uprn) < 12:
            uprn = "0" + uprn
        with_uprn = rand() < 0.3
        householder = self._person("burglary", days[0]) if rand() < 0.15 else None
        ward = self.street_ward[dwelling[0]]
        stems = self.stems["burglary"]
        crime_text = self.crime_text["burglary"]
        source_text = self.source_text["burglary"]
        description_text = self.description_text["burglary"]
        start = self.start_ord
        rows: list[list[str]] = []
        for day in days:
            uprn_text = uprn if with_uprn != (rand() < 0.015) else ""
            line1 = self._line1(dwelling)
            pc = self._postcode_text(postcode)
            if uprn_text and rand() < 0.05:
                line1 = pc = ""  # the UPRN alone identifies the dwelling
            fore = sur = ""
            if householder is not None:
                fore = householder.forenames[int(rand() * 100)]
                sur = householder.surnames[int(rand() * 100)]
            rows.append([
                stems[day - start], crime_text[int(rand() * 100)],
                self._occurred("burglary", day), self._reported(day), "", fore, sur, "", "",
                line1, "", _TOWN if rand() < 0.5 else "", pc, uprn_text, self._ward(ward),
                "", "", "", "", source_text[int(rand() * 100)],
                description_text[int(rand() * 1000)],
            ])  # fmt: skip
        return rows

    def _environmental_row(self) -> list[str]:
        """Environmental ASB: a place, no victim (it counts as an incident, never a repeat)."""
        rand = self.rand
        street, number, _ = self._dwelling()
        day = self.start_ord + int(rand() * (self.end_ord - self.start_ord + 1))
        r = rand()
        name = self.street_names[street][int(rand() * 25)]
        if r < 0.4:
            line1 = f"Rear of {number} {name}"
        elif r < 0.7:
            line1 = f"Alleyway off {name}"
        else:
            line1 = name
        return [
            self.stems["asb"][day - self.start_ord], self.crime_text["env"][int(rand() * 100)],
            self._occurred("env", day), self._reported(day), "", "", "", "", "", line1, "", "",
            self._postcode_text(self._postcode((street, number, 0))), "",
            self._ward(self.street_ward[street]), "", "", "", "",
            self.source_text["env"][int(rand() * 100)],
            self.description_text["env"][int(rand() * 1000)],
        ]  # fmt: skip

    def _career(self) -> list[list[str]]:
        kind = self.kinds[int(self.rand() * 1000)]
        if kind == "env":
            return [self._environmental_row()]
        days = self._career_days(kind)
        if not days:
            return []
        if kind == "burglary":
            return self._burglary_rows(days)
        return self._person_rows(kind, days)

    def rows(self) -> Iterator[list[str]]:
        """Rows in shuffled chunks, each with a reference unique across the output.

        A subject's incidents sit in one chunk, but the chunk mixes thousands of subjects,
        so the file reads like an export, not like a list of case files. References are
        numbered per type and year in the order rows are written.
        """
        counters: dict[str, int] = {}
        produced = 0
        buffer: list[list[str]] = []
        while produced < self.count:
            rows = self._career()
            if produced + len(rows) > self.count:
                rows = rows[: self.count - produced]
            buffer += rows
            produced += len(rows)
            if len(buffer) >= _CHUNK or produced >= self.count:
                self.rng.shuffle(buffer)
                for row in buffer:
                    stem = row[0]
                    serial = counters.get(stem, 0) + 1
                    counters[stem] = serial
                    row[0] = f"{stem}/{serial:06d}"
                yield from buffer
                buffer = []


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def load_demo_borough(database: Database, incidents: int = 20_000, seed: int = 1,
                      progress: ProgressCallback = no_progress) -> int:
    """Fill an empty database with the demo borough's wards and incidents; returns how many
    incidents were imported. Refuses a database that already holds incidents."""
    from sqlalchemy import func, select

    from scs_victims.errors import UserError
    from scs_victims.importing.incidents import import_incidents
    from scs_victims.importing.wards import load_wards
    from scs_victims.storage.models import Incident

    if incidents < 1:
        raise UserError("The demo borough needs 1 incident or more.")
    with database.session() as session:
        if session.scalar(select(func.count()).select_from(Incident)):
            raise UserError(f"{database.location} already holds incidents; the demo borough "
                            "goes into an empty database.")
    with tempfile.TemporaryDirectory(prefix="scs-demo-") as folder:
        wards_csv = Path(folder) / "wards.csv"
        incidents_csv = Path(folder) / "incidents.csv"
        write_wards_csv(wards_csv, seed=seed)
        write_incidents_csv(incidents_csv, incidents, seed=seed)
        load_wards(database, wards_csv)
        summary = import_incidents(database, incidents_csv, progress=progress)
    return summary.imported
