"""Reading the audit log: filtered lists, who has seen a record, and checking the chain."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from scs_victims.audit import GENESIS_HASH, event_hash
from scs_victims.storage.models import AuditEvent

# How many events a screen shows at once (the CSV export has them all).
SCREEN_LIMIT = 5_000
VERIFY_BATCH = 5_000
AUDIT_CSV_COLUMNS = ("when", "user", "kind", "record", "detail")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    user: str | None = None
    kind: str | None = None
    entity: str | None = None  # "person", "incident", "marac_case", ...
    entity_id: int | None = None
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    user: str
    os_login: str | None
    kind: str
    entity: str
    entity_id: int | None
    last_entity_id: int | None
    detail: str | None

    @property
    def record(self) -> str:
        """``person 12``, ``incident 3-90`` (a run an import created), or the table alone."""
        if self.entity_id is None:
            return self.entity
        if self.last_entity_id is not None:
            return f"{self.entity} {self.entity_id}-{self.last_entity_id}"
        return f"{self.entity} {self.entity_id}"


def _filtered(query: Select[Any], wanted: AuditFilter
              ) -> Select[Any]:
    if wanted.user:
        query = query.where(AuditEvent.actor == wanted.user)
    if wanted.kind:
        query = query.where(AuditEvent.action == wanted.kind)
    if wanted.entity:
        query = query.where(AuditEvent.entity == wanted.entity)
    if wanted.entity_id is not None:
        query = query.where(or_(
            AuditEvent.entity_id == wanted.entity_id,
            and_(AuditEvent.last_entity_id.is_not(None),
                 AuditEvent.entity_id < wanted.entity_id,
                 AuditEvent.last_entity_id >= wanted.entity_id)))
    if wanted.first:
        query = query.where(AuditEvent.at >= datetime.combine(wanted.first, time()))
    if wanted.last:
        query = query.where(AuditEvent.at < datetime.combine(wanted.last + timedelta(days=1),
                                                              time()))
    return query


def _row(event: AuditEvent) -> AuditRow:
    return AuditRow(event.id, event.at, event.actor, event.os_login, event.action,
                    event.entity, event.entity_id, event.last_entity_id, event.detail)


def audit_rows(session: Session, wanted: AuditFilter, limit: int | None = SCREEN_LIMIT
               ) -> list[AuditRow]:
    """Events matching ``wanted``, newest first (at most ``limit``)."""
    query = _filtered(select(AuditEvent), wanted).order_by(AuditEvent.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [_row(event) for event in session.scalars(query)]


def audit_csv_text(rows: list[AuditRow]) -> str:
    """``when,user,kind,record,detail``, oldest first (formats.md: the audit CSV)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AUDIT_CSV_COLUMNS)
    for row in sorted(rows, key=lambda row: row.id):
        writer.writerow([row.at.isoformat(sep=" ", timespec="seconds"), row.user, row.kind,
                         row.record, row.detail or ""])
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Viewer:
    """One account that opened, printed or exported a record, and when it last did."""

    user: str
    kind: str
    times: int
    last_at: datetime


def who_has_seen(session: Session, entity: str, entity_id: int) -> list[Viewer]:
    """Every account that viewed, printed or exported this record (break-glass included)."""
    seen: dict[tuple[str, str], Viewer] = {}
    query = _filtered(select(AuditEvent), AuditFilter(entity=entity, entity_id=entity_id)
                      ).where(AuditEvent.action.in_(("view", "print", "export", "break_glass")))
    for event in session.scalars(query.order_by(AuditEvent.id)):
        key = (event.actor, event.action)
        earlier = seen.get(key)
        seen[key] = Viewer(event.actor, event.action, (earlier.times if earlier else 0) + 1,
                           event.at)
    return sorted(seen.values(), key=lambda viewer: viewer.last_at, reverse=True)


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """The first place where the chain does not hold."""

    event_id: int
    at: datetime | None
    problem: str

    def __str__(self) -> str:
        when = f" ({self.at:%d/%m/%Y %H:%M:%S})" if self.at else ""
        return f"The audit chain is broken at event {self.event_id}{when}: {self.problem}"


@dataclass(frozen=True, slots=True)
class ChainCheck:
    events: int
    broken: BrokenLink | None


def _events_in_order(session: Session) -> Iterator[AuditEvent]:
    after = 0
    while True:
        batch = session.scalars(select(AuditEvent).where(AuditEvent.id > after)
                                .order_by(AuditEvent.id).limit(VERIFY_BATCH)).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].id
        session.expunge_all()


def verify_chain(session: Session) -> ChainCheck:
    """Walk the chain from the first event; name the first event whose link does not hold."""
    expected_prev, expected_id, count = GENESIS_HASH, 1, 0
    for event in _events_in_order(session):
        count += 1
        own = event_hash(event.prev_hash, event.id, event.at, event.actor, event.account_id,
                         event.os_login, event.action, event.entity, event.entity_id,
                         event.last_entity_id, event.detail)
        if event.hash != own:
            return ChainCheck(count, BrokenLink(
                event.id, event.at, "its content was altered after it was written."))
        if event.prev_hash != expected_prev:
            missing = event.id != expected_id
            problem = ("the event before it is missing (deleted)." if missing else
                       "it does not follow the event before it (an event was inserted or "
                       "removed here).")
            return ChainCheck(count, BrokenLink(event.id, event.at, problem))
        expected_prev, expected_id = event.hash, event.id + 1
    return ChainCheck(count, None)
