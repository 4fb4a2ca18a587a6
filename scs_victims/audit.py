"""The append-only audit log: who did what to which record, and who looked, in a hash chain.

Details go to the database only; they may hold personal data and are never logged to files.

An event names one record (``entity_id``) or, for the records an import creates, a run of
consecutive ids (``entity_id`` to ``last_entity_id``): a million-row import writes a handful
of events instead of millions, and every record it created is still named by exactly one.
``events_for`` finds a record's events of both kinds.

Each event carries the hash of the one before it and its own hash over that and its fields
(``event_hash``), so ``verify_chain`` finds a deleted, inserted or altered event. The chain
has no secret: it shows tampering by anyone who edits the file with another tool, not by
someone who recomputes every later hash (the README says so).

The actor is whoever the use-case layer signed in (``acting_as``); work done with no one
signed in (a migration, a test calling a service directly) is the ``system``'s.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from scs_victims.storage.bulk import BulkInserter
from scs_victims.storage.models import AuditEvent, table_of

GENESIS_HASH = "0" * 64
# Any number: PostgreSQL writers queue on it so that the chain never forks (SQLite has one
# writer at a time anyway).
_PG_CHAIN_LOCK = 0x5C5A0D17


@cache
def os_login() -> str | None:
    """The operating-system login, from the operating system itself (not from USERNAME or
    LOGNAME, which anyone can set)."""
    try:
        if os.name == "nt":
            import ctypes

            size = ctypes.c_ulong(257)
            buffer = ctypes.create_unicode_buffer(size.value)
            windll = getattr(ctypes, "windll")  # noqa: B009 - absent on POSIX, for mypy
            if windll.advapi32.GetUserNameW(buffer, ctypes.byref(size)):
                return str(buffer.value)
            return None
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except Exception:  # noqa: BLE001 - a login without a name (some service accounts)
        return None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who an event is attributed to: the signed-in account and the login beside it."""

    name: str
    account_id: int | None
    os_login: str | None


SYSTEM = "system"
_acting: ContextVar[Actor | None] = ContextVar("scs_victims_actor", default=None)


def current() -> Actor:
    actor = _acting.get()
    return actor if actor is not None else Actor(SYSTEM, None, os_login())


def current_actor() -> str:
    """The name events and records written now are attributed to."""
    return current().name


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    """Attribute everything written in this block (on this thread) to ``actor``."""
    token = _acting.set(actor)
    try:
        yield
    finally:
        _acting.reset(token)


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def _detail_text(detail: dict[str, Any] | None) -> str | None:
    return None if detail is None else json.dumps(detail, default=_json_default,
                                                   sort_keys=True)


def event_hash(prev_hash: str, event_id: int, at: datetime, actor: str,
               account_id: int | None, login: str | None, action: str, entity: str,
               entity_id: int | None, last_entity_id: int | None, detail: str | None) -> str:
    """The one definition of an event's hash: SHA-256 of the previous hash and the fields."""
    fields = [event_id, at.isoformat(timespec="microseconds"), actor, account_id, login,
              action, entity, entity_id, last_entity_id, detail]
    text = prev_hash + json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chain_end(connection: Connection | Session) -> tuple[int, str]:
    """The next event's id and the hash it links to."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    if bind.dialect.name == "postgresql":
        connection.execute(select(_pg_lock()))
    # max() of the key is read from the end of the table's b-tree: no scan, whatever its size.
    newest = select(func.max(AuditEvent.id)).scalar_subquery()
    last = connection.execute(
        select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.id == newest)
    ).first()
    return (1, GENESIS_HASH) if last is None else (last[0] + 1, last[1])


def _pg_lock() -> Any:
    return func.pg_advisory_xact_lock(_PG_CHAIN_LOCK)


def _chained(connection: Connection | Session, events: list[dict[str, Any]]) -> None:
    """Give each event its id and links, then insert them all."""
    next_id, prev = _chain_end(connection)
    for event in events:
        event["id"] = next_id
        event["prev_hash"] = prev
        event["hash"] = prev = event_hash(
            prev, next_id, event["at"], event["actor"], event["account_id"],
            event["os_login"], event["action"], event["entity"], event["entity_id"],
            event["last_entity_id"], event["detail"])
        next_id += 1
    connection.execute(insert(AuditEvent), events)


def _event(action: str, entity: str, entity_id: int | None, detail: str | None, at: datetime,
           last_entity_id: int | None = None) -> dict[str, Any]:
    actor = current()
    return {"at": at, "actor": actor.name, "account_id": actor.account_id,
            "os_login": actor.os_login, "action": action, "entity": entity,
            "entity_id": entity_id, "last_entity_id": last_entity_id, "detail": detail}


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit event inside the caller's transaction."""
    _chained(session, [_event(action, entity, entity_id, _detail_text(detail),
                              datetime.now())])


# (action, entity, entity_id, detail): one event as ``record`` takes it.
Event = tuple[str, str, int | None, dict[str, Any] | None]
_EVENT_COLUMNS = ("id", "action", "entity", "entity_id", "detail", "prev_hash", "hash")


def record_all(connection: Connection, events: Iterable[Event]) -> None:
    """Append these events in their order inside the caller's transaction, with one
    statement: the events ``record`` would write one by one (chained alike), for work that
    writes many records at once (a MARAC import)."""
    at = datetime.now()
    actor = current()
    next_id, prev = _chain_end(connection)
    rows: list[tuple[Any, ...]] = []
    for action, entity, entity_id, detail in events:
        text = _detail_text(detail)
        linked = event_hash(prev, next_id, at, actor.name, actor.account_id, actor.os_login,
                            action, entity, entity_id, None, text)
        rows.append((next_id, action, entity, entity_id, text, prev, linked))
        next_id, prev = next_id + 1, linked
    # What the events share is written into the statement once.
    BulkInserter(connection, table_of(AuditEvent), _EVENT_COLUMNS, constants={
        "at": at, "actor": actor.name, "account_id": actor.account_id,
        "os_login": actor.os_login}).insert(rows)


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
    rows = [_event("insert", entity, first, text, at, last if last != first else None)
            for first, last in created.runs]
    if rows:
        _chained(connection, rows)


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
