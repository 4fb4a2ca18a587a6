"""A second opener (issue 17): told who has the file open, and allowed to open it read-only,
every change then refused with nothing changed and every look still audited. Not on a
network drive, where the holder's exclusive lock keeps everyone else out."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from scs_victims.accounts import Role
from scs_victims.actions import imports, maintenance, people, settings, signing_in, users
from scs_victims.actions.opening import open_store
from scs_victims.actions.signing_in import InUse, sign_in
from scs_victims.errors import ReadOnlyOpen
from scs_victims.services.wards import WardEdit
from scs_victims.storage import network, presence
from scs_victims.storage.database import Database
from tests.conftest import SHARED_DATA
from tests.helpers.accounts import TEST_PASSWORD, signed_in
from tests.helpers.next_revision import ship_next_revision
from tests.helpers.raw import ADMIN, ADMIN_PASSWORD, connect, table_counts

HOLDER = "ada on PC-0142 since 09:14"


def _held_elsewhere(path: Path) -> None:
    """The file open on another computer since 09:14 today, as its lock file says."""
    since = datetime.combine(date.today(), datetime.min.time()).replace(hour=9, minute=14)
    presence.lock_path(path).write_text(json.dumps(
        {"account": "ada", "computer": "PC-0142", "pid": 4242, "since": since.isoformat()}))




def _audit_kinds(path: Path) -> list[tuple[str, str, str | None]]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.execute(
            "SELECT actor, action, detail FROM audit_events ORDER BY id"))
    finally:
        connection.close()


@pytest.fixture
def read_only(database: Database) -> signing_in.SignedIn:
    """An administrator signed in read-only while ada has the file open elsewhere."""
    signed_in(database, Role.ADMIN)
    assert database.path is not None
    _held_elsewhere(database.path)
    return sign_in(database, "test-admin", TEST_PASSWORD, read_only=True)


def test_a_second_opener_is_told_who_has_it_and_may_open_it_read_only(
        database: Database) -> None:
    signed_in(database, Role.OFFICER)
    assert database.path is not None
    _held_elsewhere(database.path)
    with pytest.raises(InUse) as refused:
        sign_in(database, "test-officer", TEST_PASSWORD)
    assert f"is in use by {HOLDER}" in str(refused.value)
    assert refused.value.read_only_possible and refused.value.holder.account == "ada"
    before = _audit_kinds(database.path)
    assert before[-1][1] == "sign_in"  # the refused sign-in recorded nothing

    user = sign_in(database, "test-officer", TEST_PASSWORD, read_only=True)
    assert user.read_only and user.in_use_by == HOLDER
    assert presence.holder(database.path).account == "ada"  # still theirs
    actor, kind, detail = _audit_kinds(database.path)[-1]
    assert (actor, kind, json.loads(detail or "{}")) == ("test-officer", "sign_in",
                                                         {"read_only": True})


def test_read_only_is_an_ordinary_sign_in_once_the_file_is_free(database: Database) -> None:
    signed_in(database, Role.OFFICER)
    assert database.path is not None
    presence.lock_path(database.path).unlink()
    user = sign_in(database, "test-officer", TEST_PASSWORD, read_only=True)
    assert not user.read_only
    assert presence.holder(database.path).account == "test-officer"


def test_every_change_is_refused_read_only_and_changes_nothing(
        read_only: signing_in.SignedIn, database: Database, tmp_path: Path) -> None:
    assert database.path is not None
    before_rows, before_audit = table_counts(database.path), _audit_kinds(database.path)
    wards = [WardEdit(None, "Synthetic Ward", None, 1000, 400)]
    attempts = [
        lambda: settings.save_wards(read_only, wards),
        lambda: settings.load_wards_file(read_only, SHARED_DATA / "wards.csv"),
        lambda: users.add_user(read_only, "someone-new", Role.OFFICER, "another-pass-5678"),
        lambda: maintenance.recompute(read_only),
        lambda: maintenance.load_demo(read_only, 10),
        lambda: imports.import_incidents(read_only, SHARED_DATA / "incidents-small.csv"),
        lambda: signing_in.change_own_password(read_only, TEST_PASSWORD,
                                               "another-pass-5678"),
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyOpen) as refused:
            attempt()
        assert str(refused.value) == (
            f"This database is open read-only because it is in use by {HOLDER}; nothing "
            "was changed. Close it and open it again once they have finished.")
    assert table_counts(database.path) == before_rows
    assert _audit_kinds(database.path) == before_audit
    assert not list(tmp_path.rglob("*.partial"))


def test_looking_read_only_is_still_audited(read_only: signing_in.SignedIn,
                                           database: Database) -> None:
    assert database.path is not None
    before = len(_audit_kinds(database.path))
    maintenance.overview(read_only, date.today())
    assert maintenance.check_file(read_only) == []
    backup = maintenance.back_up(read_only).value  # a copy: allowed, and recorded
    assert backup.path.is_file()
    signing_in.unlock(read_only, TEST_PASSWORD)  # the idle lock opens again
    added = _audit_kinds(database.path)[before:]
    assert [(actor, kind) for actor, kind, _detail in added] == [
        ("test-admin", "view"), ("test-admin", "backup"), ("test-admin", "unlock")]


def test_searches_and_reasons_to_open_a_restricted_record_are_recorded_read_only(
        database: Database) -> None:
    admin = signed_in(database, Role.ADMIN)
    settings.load_wards_file(admin, SHARED_DATA / "wards.csv")
    imports.import_incidents(admin, SHARED_DATA / "incidents-small.csv")
    assert database.path is not None
    connection = sqlite3.connect(database.path)
    person_id = connection.execute("SELECT min(id) FROM people").fetchone()[0]
    connection.close()
    people.restrict_person(admin, person_id, "synthetic reason to restrict")
    signed_in(database, Role.OFFICER)
    _held_elsewhere(database.path)
    officer = sign_in(database, "test-officer", TEST_PASSWORD, read_only=True)
    before = len(_audit_kinds(database.path))
    people.record_search(officer, "people by name", 3)
    people.break_glass(officer, person_id, "synthetic reason to look")
    added = _audit_kinds(database.path)[before:]
    assert [(actor, kind) for actor, kind, _detail in added] == [
        ("test-officer", "search"), ("test-officer", "break_glass")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux mount table")
def test_on_a_network_drive_there_is_no_read_only_open(
        database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    signed_in(database, Role.OFFICER)
    assert database.path is not None
    _held_elsewhere(database.path)
    mounts = tmp_path / "mounts"
    mounts.write_text(f"//server/share {tmp_path.resolve()} cifs rw 0 0\n")
    real = Path
    monkeypatch.setattr(network, "Path",
                        lambda path: mounts if path == "/proc/self/mounts" else real(path))
    assert network.on_network_drive(database.path)
    for read_only in (False, True):
        with pytest.raises(InUse) as refused:
            sign_in(database, "test-officer", TEST_PASSWORD, read_only=read_only)
        assert not refused.value.read_only_possible
        assert f"in use by {HOLDER}" in str(refused.value)
        assert "network drive" in str(refused.value)
    assert presence.holder(database.path).account == "ada"


def _encrypted(path: Path) -> Path:
    """A new encrypted database at ``path``, its administrator ADMIN, closed again."""
    store = open_store(path)
    user, _backup = signing_in.create_first_admin(store, ADMIN, ADMIN_PASSWORD)
    assert user.database.encrypted
    store.close()
    return path


def test_an_encrypted_file_in_use_opens_read_only_without_being_updated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _encrypted(tmp_path / "scs.db")
    _held_elsewhere(path)
    store = open_store(path)
    try:
        with pytest.raises(InUse) as refused:
            sign_in(store, ADMIN, ADMIN_PASSWORD)
        assert refused.value.read_only_possible and store.database is None  # not opened
        user = sign_in(store, ADMIN, ADMIN_PASSWORD, read_only=True)
        assert user.in_use_by == HOLDER
    finally:
        store.close()
    # A file this version would have to update is not updated under someone's feet.
    shipped = ship_next_revision(tmp_path / "versions", monkeypatch)
    store = open_store(path)
    try:
        for read_only in (False, True):
            with pytest.raises(InUse) as refused:
                sign_in(store, ADMIN, ADMIN_PASSWORD, read_only=read_only)
            assert not refused.value.read_only_possible
            assert "has to update it" in str(refused.value)
        assert store.database is None
    finally:
        store.close()
    assert _revision(path) == shipped
    assert not (path.parent / "backups").exists() or not list(
        (path.parent / "backups").glob("*.pre-*"))


def _revision(path: Path) -> str:
    connection = connect(path)
    try:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        connection.close()
