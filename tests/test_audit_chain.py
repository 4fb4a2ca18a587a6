"""The audit log's hash chain: a deleted, an inserted and an altered event are each found,
and the first broken link is named (issue 16, Build 5)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from scs_victims.accounts import Role
from scs_victims.actions import audit_log
from scs_victims.audit import GENESIS_HASH, event_hash, record
from scs_victims.audit_trail import verify_chain
from scs_victims.storage.database import Database
from tests.helpers.accounts import signed_in


def _events(database: Database, count: int = 6) -> None:
    with database.session() as session:
        for number in range(1, count + 1):
            record(session, "view", "person", number, {"n": number})


def _tamper(path: Path, *statements: str) -> None:
    """What someone editing the file with another tool could do: the append-only triggers
    are dropped first."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute("DROP TRIGGER audit_events_no_update")
            connection.execute("DROP TRIGGER audit_events_no_delete")
            for statement in statements:
                connection.execute(statement)
    finally:
        connection.close()


def _check(database: Database) -> tuple[int, int | None, str]:
    with database.session() as session:
        result = verify_chain(session)
    broken = result.broken
    return result.events, (broken.event_id if broken else None), (str(broken) if broken
                                                                    else "")


def test_an_untouched_chain_is_intact(database: Database) -> None:
    _events(database)
    assert _check(database) == (6, None, "")


def test_the_chain_starts_from_the_genesis_hash_and_links_each_event(database: Database
                                                                     ) -> None:
    _events(database, 2)
    assert database.path is not None
    connection = sqlite3.connect(database.path)
    rows = connection.execute("SELECT id, prev_hash, hash FROM audit_events ORDER BY id"
                              ).fetchall()
    connection.close()
    assert rows[0][1] == GENESIS_HASH
    assert rows[1][1] == rows[0][2]


def test_a_deleted_event_is_found_at_the_next_one(database: Database) -> None:
    _events(database)
    assert database.path is not None
    _tamper(database.path, "DELETE FROM audit_events WHERE id = 3")
    events, broken_at, sentence = _check(database)
    assert broken_at == 4
    assert "deleted" in sentence


def test_an_altered_event_is_found_where_it_is(database: Database) -> None:
    _events(database)
    assert database.path is not None
    _tamper(database.path, "UPDATE audit_events SET actor = 'someone else' WHERE id = 2")
    assert _check(database)[1] == 2
    assert "altered" in _check(database)[2]


def test_an_inserted_event_is_found(database: Database) -> None:
    """An event slipped in between (the later ones renumbered to make room), with a hash
    that is right for its own fields: its link to the event before does not hold."""
    _events(database)
    assert database.path is not None
    connection = sqlite3.connect(database.path)
    prev = connection.execute("SELECT hash FROM audit_events WHERE id = 2").fetchone()[0]
    at = connection.execute("SELECT at FROM audit_events WHERE id = 3").fetchone()[0]
    connection.close()
    forged = event_hash(prev, 3, datetime.fromisoformat(at), "intruder", None, None, "view",
                        "person", 99, None, None)
    _tamper(database.path,
            "UPDATE audit_events SET id = id + 100 WHERE id >= 3",
            "UPDATE audit_events SET id = id - 99 WHERE id >= 103",
            "INSERT INTO audit_events (id, at, actor, action, entity, entity_id, prev_hash, "
            f"hash) VALUES (3, '{at}', 'intruder', 'view', 'person', 99, '{prev}', "
            f"'{forged}')")
    events, broken_at, sentence = _check(database)
    assert broken_at == 4  # the event that was third now follows the forged one
    assert sentence.startswith("The audit chain is broken at event 4")


def test_every_kind_of_write_through_the_actions_keeps_the_chain(database: Database) -> None:
    admin = signed_in(database, Role.ADMIN)
    _events(database, 3)
    audit_log.list_events(admin, audit_log.AuditFilter())
    check = audit_log.verify(admin)
    assert check.broken is None
    assert check.events >= 5


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ANALYST, Role.MARAC])
def test_only_auditors_supervisors_and_admins_read_the_log(database: Database, role: Role
                                                           ) -> None:
    from scs_victims.errors import NotAllowed

    user = signed_in(database, role)
    with pytest.raises(NotAllowed, match=rf"Your role \({role.value}\) does not allow "
                                         "reading the audit log."):
        audit_log.verify(user)
