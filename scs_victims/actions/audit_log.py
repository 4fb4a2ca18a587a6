"""Reading the audit log (auditors, administrators, supervisors): lists, exports, who has
seen a record, and the check of the chain. Reading the log is itself recorded."""

from __future__ import annotations

from pathlib import Path

from scs_victims.actions.base import Consulted, SignedIn, action, consult
from scs_victims.actions.permissions import Permission
from scs_victims.audit_trail import (
    AuditFilter,
    AuditRow,
    ChainCheck,
    Viewer,
    audit_csv_text,
    audit_rows,
    verify_chain,
    who_has_seen,
)
from scs_victims.exports import write_text_atomically


def _filter_detail(wanted: AuditFilter) -> dict[str, object]:
    return {key: value for key, value in (
        ("user", wanted.user), ("kind", wanted.kind), ("entity", wanted.entity),
        ("entity_id", wanted.entity_id), ("from", wanted.first), ("to", wanted.last))
        if value is not None}


@action(Permission.READ_AUDIT)
def list_events(user: SignedIn, wanted: AuditFilter) -> list[AuditRow]:
    """The newest events matching ``wanted`` (as many as a screen shows)."""
    return consult(user, lambda session: audit_rows(session, wanted), lambda rows: [
        Consulted("view", "audit", None, {**_filter_detail(wanted), "events": len(rows)})])


@action(Permission.READ_AUDIT)
def export_events(user: SignedIn, wanted: AuditFilter, out: Path) -> int:
    """Every event matching ``wanted`` as CSV (``when,user,kind,record,detail``)."""
    rows = consult(user, lambda session: audit_rows(session, wanted, limit=None),
                   lambda rows: [Consulted("export", "audit", None, {
                       **_filter_detail(wanted), "events": len(rows), "file": out.name})])
    write_text_atomically(out, audit_csv_text(rows))
    return len(rows)


@action(Permission.READ_AUDIT)
def events_csv(user: SignedIn, wanted: AuditFilter) -> str:
    """Every event matching ``wanted`` as CSV text (the command line's standard output)."""
    rows = consult(user, lambda session: audit_rows(session, wanted, limit=None),
                   lambda rows: [Consulted("export", "audit", None, {
                       **_filter_detail(wanted), "events": len(rows), "file": "-"})])
    return audit_csv_text(rows)


@action(Permission.READ_AUDIT)
def record_viewers(user: SignedIn, entity: str, entity_id: int) -> list[Viewer]:
    """Who has seen this record: every account that opened, printed or exported it."""
    return consult(user, lambda session: who_has_seen(session, entity, entity_id),
                   lambda _viewers: [Consulted("view", "audit", None, {
                       "who_has_seen": f"{entity} {entity_id}"})])


@action(Permission.READ_AUDIT)
def verify(user: SignedIn) -> ChainCheck:
    return consult(user, verify_chain, lambda check: [Consulted("view", "audit", None, {
        "verified": check.events, "intact": check.broken is None})])
