"""How long work reports progress and is cancelled.

A callback receives (done, total); total is None when it is not known yet. To cancel, the
callback raises ``scs_victims.errors.Cancelled``: the work stops and its transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressCallback = Callable[[int, int | None], None]


def no_progress(_done: int, _total: int | None) -> None:
    """The callback used when nobody is watching."""
