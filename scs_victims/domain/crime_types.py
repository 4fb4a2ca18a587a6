"""Crime types and the spellings accepted on import (definitions §1)."""

from __future__ import annotations

from enum import StrEnum


class CrimeType(StrEnum):
    """The three crime types, in the order every report lists them."""

    ASB = "asb"
    BURGLARY = "burglary"
    DV = "dv"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def subject_is_address(self) -> bool:
        """Burglary repeats are counted by dwelling; ASB and DV by victim (definitions §3)."""
        return self is CrimeType.BURGLARY


_LABELS = {
    CrimeType.ASB: "Anti-social behaviour",
    CrimeType.BURGLARY: "Domestic burglary",
    CrimeType.DV: "Domestic violence and abuse",
}

_SPELLINGS: dict[str, CrimeType] = {
    "asb": CrimeType.ASB,
    "anti-social behaviour": CrimeType.ASB,
    "antisocial behaviour": CrimeType.ASB,
    "burglary": CrimeType.BURGLARY,
    "domestic burglary": CrimeType.BURGLARY,
    "residential burglary": CrimeType.BURGLARY,
    "burglary - dwelling": CrimeType.BURGLARY,
    "burglary - residential": CrimeType.BURGLARY,
    "burglary (residential)": CrimeType.BURGLARY,
    "dv": CrimeType.DV,
    "da": CrimeType.DV,
    "domestic abuse": CrimeType.DV,
    "domestic violence": CrimeType.DV,
}

CRIME_TYPES: tuple[CrimeType, ...] = (CrimeType.ASB, CrimeType.BURGLARY, CrimeType.DV)


# Any dash counts as a hyphen ("Burglary – Residential", Home Office counting rules).
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-"})


def parse_crime_type(text: str) -> CrimeType | None:
    """The crime type a spelling names, or None when it names none (definitions §1)."""
    return _SPELLINGS.get(text.translate(_DASHES).strip().casefold())
