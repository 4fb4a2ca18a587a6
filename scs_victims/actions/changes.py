"""What an action changed, so that each screen refreshes only on what concerns it (after
Anki's ``OpChanges``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OpChanges:
    people: bool = False  # people's details, merges, restrictions
    incidents: bool = False  # incidents added, edited, deleted; repeat flags
    alerts: bool = False  # alert reviews (alerts themselves follow incidents)
    marac: bool = False  # referrals, DASH, meetings, actions
    rules: bool = False  # windows and thresholds (definitions)
    area: bool = False  # area name, marking, targets
    wards: bool = False
    accounts: bool = False
    backups: bool = False

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(**{item.name: getattr(self, item.name) or getattr(other, item.name)
                            for item in fields(self)})

    def any(self, *names: str) -> bool:
        """Whether any of the named parts changed (``changes.any("incidents", "rules")``)."""
        return any(getattr(self, name) for name in names)

    def __bool__(self) -> bool:
        return any(getattr(self, item.name) for item in fields(self))


EVERYTHING = OpChanges(**{item.name: True for item in fields(OpChanges)})
RECORDS = OpChanges(people=True, incidents=True, alerts=True)


@dataclass(frozen=True, slots=True)
class Changed(Generic[T]):
    """A write's result and what it changed; the desktop app's operations layer passes
    ``value`` to the screen that asked and ``changes`` to every screen."""

    value: T
    changes: OpChanges
