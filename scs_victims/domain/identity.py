"""Who and where is "the same": person keys, address keys, postcodes (definitions §2)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_POSTCODE_SHAPE = re.compile(
    r"^(?:[A-Z][0-9]|[A-Z][0-9]{2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9]|[A-Z]{2}[0-9]{2}|[A-Z]{2}[0-9][A-Z])"
    r"[0-9][A-Z]{2}$"
)
_NOT_A_TO_Z = re.compile(r"[^a-z]+")
_UPPER_ALNUM_WORD = re.compile(r"[A-Z0-9]+")

ADDRESS_ABBREVIATIONS: dict[str, str] = {
    "ST": "STREET", "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE",
    "CL": "CLOSE", "CRES": "CRESCENT", "DR": "DRIVE",
    "GDNS": "GARDENS", "GRN": "GREEN", "GR": "GROVE", "GRO": "GROVE",
    "LN": "LANE", "PL": "PLACE", "SQ": "SQUARE",
    "CT": "COURT", "TER": "TERRACE", "TERR": "TERRACE", "PK": "PARK",
    "HSE": "HOUSE", "MWS": "MEWS", "WY": "WAY",
    "FLT": "FLAT",
}  # fmt: skip


def normalise_postcode(text: str) -> str | None:
    """``'n31aa'`` -> ``'N3 1AA'``; None when the text has no UK postcode shape."""
    compact = "".join(text.split())
    if not compact.isascii():
        # Checked before upper-casing, which would turn e.g. 'ß' into 'SS' and 'ﬀ' into 'FF'.
        return None
    compact = compact.upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    if not _POSTCODE_SHAPE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_name(text: str) -> str:
    """A name part as the person key sees it: ``"O'Brien"``, ``'o brien'`` -> ``'obrien'``.

    NFKD then dropping combining marks turns ``Zoë`` into ``Zoe``; case-folding before the
    a–z filter keeps ``ß`` as ``ss``.
    """
    if text.isascii():
        # The common case, made cheap: NFKD leaves ASCII text as it is, none of it is a
        # combining mark, and ASCII case-folds as it lower-cases.
        folded = text.lower()
        return folded if folded.isalpha() else _NOT_A_TO_Z.sub("", folded)
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_A_TO_Z.sub("", without_marks.casefold())


def person_key(
    *,
    reference: str | None,
    forename: str | None,
    surname: str | None,
    date_of_birth: date | None,
    postcode: str | None,
) -> str | None:
    """The key that first links an incident's victim to a person, or None when it cannot.

    ``postcode`` must already be normalised (``normalise_postcode``).
    """
    if reference is not None and reference.strip():
        return "ref:" + reference.strip().casefold()
    if not forename or not forename.strip() or not surname or not surname.strip():
        return None
    names = normalise_name(forename) + "|" + normalise_name(surname)
    if date_of_birth is not None:
        return f"name:{names}|{date_of_birth.isoformat()}"
    if postcode:
        return f"name:{names}|pc:{postcode.replace(' ', '')}"
    return None


def normalise_address_line(line: str) -> str:
    """``'12 High St.'`` -> ``'12 HIGH STREET'``."""
    words = _UPPER_ALNUM_WORD.findall(line.upper())
    return " ".join([ADDRESS_ABBREVIATIONS.get(word, word) for word in words])


def normalise_uprn(uprn: str) -> str:
    """Digits without leading zeros (``'0100012345678'`` -> ``'100012345678'``)."""
    return uprn.strip().lstrip("0") or "0"


def address_key(*, uprn: str | None, line1: str | None, postcode: str | None) -> str | None:
    """The key that first links a dwelling, or None when there is not enough to key it.

    ``postcode`` must already be normalised.
    """
    if uprn is not None and uprn.strip():
        return "uprn:" + normalise_uprn(uprn)
    if not line1 or not postcode:
        return None
    line = normalise_address_line(line1)
    if not line:
        return None
    return f"addr:{line}|{postcode.replace(' ', '')}"
