"""The append-only audit log: who did what to which record, written in the same transaction.

Details go to the database only; they may hold personal data and are never logged to files.

An event names one record (``entity_id``) or, for the records an import creates, a run of
consecutive ids (``entity_id`` to ``last_entity_id``): a million-row import writes a handful
of events instead of millions, and every record it created is still named by exactly one.
``events_for`` finds a record's events of both kinds.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from scs_victims.storage.models import AuditEvent


@cache
def current_actor() -> str:
    """The operating-system user: who did it, until the app has accounts of its own."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some service environments
        return "unknown"


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def _detail_text(detail: dict[str, Any] | None) -> str | None:
    return None if detail is None else json.dumps(detail, default=_json_default,
                                                   sort_keys=True)


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit event inside the caller's transaction."""
    session.execute(
        insert(AuditEvent).values(
            at=datetime.now(),
            actor=current_actor(),
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=_detail_text(detail),
        )
    )


class IdRuns:
    """The ids of records created one after another, kept as runs of consecutive ids."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, int]] = []

    def add(self, ids: Iterable[int]) -> None:
        runs = self.runs
        if isinstance(ids, range) and ids.step == 1:
            # A run already (a bulk load's ids): joined in one step, not id by id.
            if ids:
                first, last = ids.start, ids.stop - 1
                if runs and runs[-1][1] + 1 == first:
                    first = runs.pop()[0]
                runs.append((first, last))
            return
        for record_id in ids:
            if runs and runs[-1][1] + 1 == record_id:
                runs[-1] = (runs[-1][0], record_id)
            else:
                runs.append((record_id, record_id))

    def __len__(self) -> int:
        return sum(last - first + 1 for first, last in self.runs)


def record_created(connection: Connection, entity: str, created: IdRuns, at: datetime,
                   detail: dict[str, Any] | None = None) -> None:
    """One ``insert`` event per run of created ids (a single record's run names it alone)."""
    text = _detail_text(detail)
    actor = current_actor()
    rows = [{"at": at, "actor": actor, "action": "insert", "entity": entity,
             "entity_id": first, "last_entity_id": last if last != first else None,
             "detail": text} for first, last in created.runs]
    if rows:
        connection.execute(insert(AuditEvent), rows)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    last_entity_id: int | None
    detail: str | None


def events_for(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    """Every event about one record, oldest first: its own, and runs that include it."""
    rows = session.execute(
        select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.entity,
               AuditEvent.entity_id, AuditEvent.last_entity_id, AuditEvent.detail)
        .where(AuditEvent.entity == entity, or_(
            AuditEvent.entity_id == entity_id,
            and_(AuditEvent.last_entity_id.is_not(None), AuditEvent.entity_id < entity_id,
                 AuditEvent.last_entity_id >= entity_id),
        ))
        .order_by(AuditEvent.id)
    ).all()
    return [AuditEntry(*row) for row in rows]
