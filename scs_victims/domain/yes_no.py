"""Y/N answers as spreadsheets and forms write them (formats.md: Y/N, also Yes/No, True/False,
1/0), for every Y/N column of every import."""

from __future__ import annotations

from typing import Final

_YES: Final = frozenset({"y", "yes", "true", "1"})
_NO: Final = frozenset({"n", "no", "false", "0"})


def parse_yes_no(text: str) -> bool | None:
    """Y/N, Yes/No, True/False, 1/0 (any case); None for anything else."""
    folded = text.strip().casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None

