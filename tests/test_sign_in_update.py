"""Signing in to an encrypted file of an earlier version updates it (issue 17: no freeze):
the sign-in hears how far the backup and the migration are, and may stop them, the file
then as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scs_victims.actions import signing_in
from scs_victims.actions.opening import open_store
from scs_victims.errors import Cancelled
from scs_victims.storage import database as database_module
from scs_victims.storage import presence
from tests.helpers import next_revision
from tests.helpers.next_revision import ship_next_revision
from tests.helpers.raw import ADMIN, ADMIN_PASSWORD, connect, table_counts


def encrypted_one_revision_behind(path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An encrypted database at ``path`` (administrator ADMIN) whose schema is one revision
    behind this (test) version's head; the revision it is at."""
    store = open_store(path)
    try:
        user, _backup = signing_in.create_first_admin(store, ADMIN, ADMIN_PASSWORD)
        assert user.database.encrypted
    finally:
        store.close()
    return ship_next_revision(path.parent / "next-revision", monkeypatch)


def revision(path: Path) -> str:
    connection = connect(path)
    try:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        connection.close()




@pytest.fixture
def gate() -> Iterator[None]:
    """The test migration keeps running until the gate opens (always open at the end)."""
    next_revision.GATE.clear()
    yield
    next_revision.GATE.set()


def test_the_update_at_sign_in_is_heard_stage_by_stage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database_module, "BACKUP_STEP_PAGES", 1)
    path = tmp_path / "scs.db"
    encrypted_one_revision_behind(path, monkeypatch)
    heard: list[tuple[str, int, int]] = []
    store = open_store(path)
    try:
        user = signing_in.sign_in(store, ADMIN, ADMIN_PASSWORD,
                                  progress=lambda *step: heard.append(step))
        assert user.name == ADMIN and not user.read_only
    finally:
        store.close()
    stages = [stage for stage, _done, _total in heard]
    checking = stages.index(database_module.CHECKING_BACKUP)
    assert set(stages[:checking]) == {database_module.BACKING_UP}
    assert stages[checking + 1:] == [database_module.MIGRATING]
    assert revision(path) == next_revision.REVISION
    assert len(list((tmp_path / "backups").glob("scs.*.pre-*.db"))) == 1


@pytest.mark.usefixtures("gate")
def test_stopping_the_update_at_sign_in_leaves_the_file_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "scs.db"
    before = encrypted_one_revision_behind(path, monkeypatch)
    counts = table_counts(path)
    migrating = False

    def heard(stage: str, _done: int, _total: int) -> None:
        nonlocal migrating
        migrating = migrating or stage == database_module.MIGRATING

    store = open_store(path)
    try:
        with pytest.raises(Cancelled):
            signing_in.sign_in(store, ADMIN, ADMIN_PASSWORD, progress=heard,
                               stop=lambda: migrating)
        assert migrating and store.database is None  # still locked
        assert presence.holder(path) is None  # nobody signed in
        assert revision(path) == before and table_counts(path) == counts
        next_revision.GATE.set()
        signing_in.sign_in(store, ADMIN, ADMIN_PASSWORD)  # and it can still be updated
    finally:
        store.close()
    assert revision(path) == next_revision.REVISION
