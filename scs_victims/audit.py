"""The append-only audit log: who did what to which record, written in the same transaction.

Details go to the database only; they may hold personal data and are never logged to files.
"""

from __future__ import annotations

import getpass
import json
from datetime import date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import insert
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
            detail=None if detail is None else json.dumps(detail, default=_json_default,
                                                          sort_keys=True),
        )
    )
