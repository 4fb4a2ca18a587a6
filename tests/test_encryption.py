"""Encrypted at rest (issue 17): SQLCipher with a random key wrapped for each account, the
conversion of a plain database, encrypted backups and their restore, owner-only files."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from scs_victims.accounts import Role
from scs_victims.actions import maintenance, signing_in, users
from scs_victims.actions.opening import open_store
from scs_victims.audit_trail import AuditFilter, audit_rows
from scs_victims.errors import DatabaseError, SignInRefused
from scs_victims.storage.encryption import FileState, file_state
from scs_victims.storage.keyring import read_keyring
from tests.conftest import SHARED_DATA
from tests.helpers.cli import ADMIN, ADMIN_PASSWORD, run_cli
from tests.helpers.raw import database_key

VICTIM_SURNAME = b"O'Brien"  # a victim of the small public fixture (synthetic)
STREET = b"12 High Street"


def _ok(result: object) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    db = tmp_path / "data" / "scs.db"
    _ok(run_cli(tmp_path, "init", db=db))
    _ok(run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=db))
    _ok(run_cli(tmp_path, "import", "incidents", SHARED_DATA / "incidents-small.csv", db=db))
    _ok(run_cli(tmp_path, "backup", db=db))
    return db


def test_no_byte_of_the_database_or_its_backups_is_readable(loaded: Path) -> None:
    files = [path for path in _files(loaded.parent) if not path.name.endswith(".keys")]
    assert loaded in files and any(path.parent.name == "backups" for path in files)
    for path in files:
        data = path.read_bytes()
        assert VICTIM_SURNAME not in data and STREET not in data, path
        assert b"SQLite format 3" not in data, path
        if not path.name.endswith(("-wal", "-shm")):
            with pytest.raises(sqlite3.DatabaseError):
                sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()
    for path in _files(loaded.parent):  # the key files too
        assert VICTIM_SURNAME not in path.read_bytes()


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_every_file_is_readable_by_its_owner_only(loaded: Path) -> None:
    for path in _files(loaded.parent):
        assert path.stat().st_mode & 0o077 == 0, (path, oct(path.stat().st_mode))
    assert (loaded.parent / "backups").stat().st_mode & 0o077 == 0


def test_the_fixtures_reproduce_byte_for_byte_on_the_encrypted_file(loaded: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "figures.csv"
    _ok(run_cli(tmp_path, "figures", "--from", "2023-04-01", "--to", "2025-03-31", "--by",
                "quarter", "--by-ward", "--format", "csv", "--out", out, db=loaded))
    assert out.read_bytes() == (SHARED_DATA / "expected-figures-small.csv").read_bytes()
    assert file_state(loaded) is FileState.ENCRYPTED


def test_the_key_is_wrapped_per_account_and_survives_password_changes(loaded: Path) -> None:
    key = database_key(loaded)
    store = open_store(loaded)
    assert store.locked
    admin = signing_in.sign_in(store, ADMIN, ADMIN_PASSWORD)
    users.add_user(admin, "olive", Role.OFFICER, "first-pass-olive-1")
    olive = signing_in.sign_in(store, "olive", "first-pass-olive-1")
    signing_in.change_own_password(olive, "first-pass-olive-1", "own-pass-olive-22")
    assert database_key(loaded, "olive", "own-pass-olive-22") == key  # never re-encrypted
    with pytest.raises(SignInRefused):
        database_key(loaded, "olive", "first-pass-olive-1")
    users.disable_user(admin, "olive")
    keyring = read_keyring(loaded)
    assert keyring is not None and not keyring.holds("olive")
    with pytest.raises(SignInRefused, match="disabled"):
        signing_in.sign_in(open_store(loaded), "olive", "own-pass-olive-22")
    store.close()


def test_a_wrong_password_is_noted_beside_the_file_and_reaches_the_audit(loaded: Path
                                                                         ) -> None:
    with pytest.raises(SignInRefused):
        signing_in.sign_in(open_store(loaded), ADMIN, "not-the-password")
    keyring = read_keyring(loaded)
    assert keyring is not None and len(keyring.failures) == 1
    assert "not-the-password" not in str(keyring.to_json())
    store = open_store(loaded)
    admin = signing_in.sign_in(store, ADMIN, ADMIN_PASSWORD)
    with admin.database.session() as session:
        failed = audit_rows(session, AuditFilter(kind="sign_in_failed"))
    assert [row.user for row in failed] == [ADMIN]
    assert read_keyring(loaded).failures == []  # type: ignore[union-attr]
    store.close()


def test_a_plain_database_is_converted_with_its_first_administrator(tmp_path: Path) -> None:
    from scs_victims.demo import load_demo_borough
    from scs_victims.storage.database import open_database

    db = tmp_path / "old.db"
    plain = open_database(db)
    load_demo_borough(plain, 300, seed=2)
    plain.close()
    store = open_store(db)
    assert not store.locked
    admin, backup = signing_in.create_first_admin(store, "ada", "first-admin-pass-9")
    assert file_state(db) is FileState.ENCRYPTED
    assert backup is not None and file_state(backup) is FileState.ENCRYPTED
    assert not (tmp_path / "old.db.encrypting").exists()
    assert not (tmp_path / "old.db.plain-old").exists()
    overview = maintenance.overview(admin, __import__("datetime").date.today())
    assert overview.incidents == 300
    assert b"SQLite format 3" not in db.read_bytes()
    store.close()
    again = signing_in.sign_in(open_store(db), "ada", "first-admin-pass-9")
    assert again.database.encrypted


def test_a_backup_is_restored_and_one_from_another_database_refused(
        loaded: Path, tmp_path: Path) -> None:
    store = open_store(loaded)
    admin = signing_in.sign_in(store, ADMIN, ADMIN_PASSWORD)
    backup = sorted((loaded.parent / "backups").glob("scs.*.db"))[0]
    users.add_user(admin, "made-after", Role.OFFICER, "some-long-pass-1")
    restored = maintenance.restore_backup(admin, backup).value
    assert restored.safety_copy.path.is_file()
    names = [account.name for account in users.list_users(admin)]
    assert "made-after" not in names  # the backup is from before
    other = tmp_path / "other" / "scs.db"
    _ok(run_cli(tmp_path, "init", db=other))
    with pytest.raises(DatabaseError, match="not a backup of this database"):
        maintenance.restore_backup(admin, other)
    store.close()


@pytest.mark.skipif(sys.platform == "win32", reason="the CLI sandbox is POSIX here")
def test_restore_on_the_command_line(loaded: Path, tmp_path: Path) -> None:
    backup = sorted((loaded.parent / "backups").glob("scs.*.db"))[0]
    out = _ok(run_cli(tmp_path, "restore", backup, db=loaded))
    assert "Restored" in out
    refused = run_cli(tmp_path, "restore", tmp_path / "missing.db", db=loaded)
    assert refused.returncode == 1 and "no backup" in refused.stderr


def test_leftovers_of_killed_work_are_wiped_at_the_next_opening(loaded: Path) -> None:
    partial = loaded.parent / "backups" / "scs.20250101-000000.db.partial"
    partial.write_bytes(b"half a copy")
    (loaded.parent / "scs.db.encrypting").write_bytes(b"half an export")
    (loaded.parent / "scs.db.plain-old").write_bytes(b"SQLite format 3\x00 plaintext")
    open_store(loaded).close()
    assert not partial.exists()
    assert not (loaded.parent / "scs.db.encrypting").exists()
    assert not (loaded.parent / "scs.db.plain-old").exists()


def test_a_second_person_is_told_who_has_the_file_open(loaded: Path, tmp_path: Path) -> None:
    import json
    import socket

    from scs_victims.storage import presence

    lock = presence.lock_path(loaded)
    lock.write_text(json.dumps({"account": "ada", "computer": "PC-0142", "pid": 4242,
                                "since": "2026-12-07T09:14:00"}))
    refused = run_cli(tmp_path, "wards", "list", db=loaded)
    assert refused.returncode == 1
    assert "is in use by ada on PC-0142 since 09:14" in refused.stderr
    # A lock left on this computer by a process that is gone is cleared.
    lock.write_text(json.dumps({"account": "ada", "computer": socket.gethostname(),
                                "pid": 2**22 + 7, "since": "2026-12-07T09:14:00"}))
    _ok(run_cli(tmp_path, "wards", "list", db=loaded))
    assert not lock.exists()  # released when the command closed the file


def _rewrite_with_page_size(path: Path, page_size: int) -> None:
    """``path`` re-encrypted with the same key and ``page_size`` pages (as an earlier build
    made them), its key file saying so."""
    import json

    import sqlcipher3

    from scs_victims.storage.keyring import keyed, keyring_path

    key = database_key(path)
    copy = path.with_name("resized.db")
    source = keyed(sqlcipher3.connect(str(path), isolation_level=None), key)
    source.execute("ATTACH DATABASE ? AS resized KEY ?", (str(copy), f"x'{key.hex()}'"))
    source.execute(f"PRAGMA resized.cipher_page_size = {page_size}")
    source.execute("SELECT sqlcipher_export('resized')")
    version = source.execute("PRAGMA main.user_version").fetchone()[0]
    source.execute(f"PRAGMA resized.user_version = {int(version)}")
    source.execute("DETACH DATABASE resized")
    source.close()
    os.replace(copy, path)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    raw = json.loads(keyring_path(path).read_bytes())
    raw["cipher_page_size"] = page_size
    keyring_path(path).write_bytes(json.dumps(raw).encode())


def test_a_file_made_with_other_cipher_pages_opens_with_the_size_its_key_file_records(
        loaded: Path, tmp_path: Path) -> None:
    keyring = read_keyring(loaded)
    assert keyring is not None and keyring.cipher_page_size == 16384  # recorded for new files
    _rewrite_with_page_size(loaded, 4096)
    out = tmp_path / "figures.csv"
    _ok(run_cli(tmp_path, "figures", "--from", "2023-04-01", "--to", "2025-03-31", "--by",
                "quarter", "--by-ward", "--format", "csv", "--out", out, db=loaded))
    assert out.read_bytes() == (SHARED_DATA / "expected-figures-small.csv").read_bytes()
    # Its backups are made with the same pages, and restore.
    before = {path.name for path in (loaded.parent / "backups").iterdir()}
    _ok(run_cli(tmp_path, "backup", db=loaded))
    made = [path for path in (loaded.parent / "backups").iterdir()
            if path.name not in before and path.suffix == ".db"]
    assert len(made) == 1
    _ok(run_cli(tmp_path, "restore", made[0], db=loaded))
    _ok(run_cli(tmp_path, "check", db=loaded))


def test_a_key_file_naming_an_impossible_page_size_is_a_sentence(loaded: Path,
                                                                 tmp_path: Path) -> None:
    import json

    from scs_victims.storage.keyring import keyring_path

    raw = json.loads(keyring_path(loaded).read_bytes())
    raw["cipher_page_size"] = 3000
    keyring_path(loaded).write_bytes(json.dumps(raw).encode())
    result = run_cli(tmp_path, "check", db=loaded)
    assert result.returncode == 1, result.stderr
    assert "page size" in result.stderr and "Traceback" not in result.stderr


def test_on_windows_each_file_gets_an_access_list_admitting_its_user_alone() -> None:
    # The command itself runs only on Windows (untested here); its arguments are checked.
    from scs_victims.storage.files import windows_acl_command

    assert windows_acl_command(Path("C:/data/scs.db"), "COUNCIL\\ada", folder=False) == [
        "icacls", str(Path("C:/data/scs.db")), "/inheritance:r", "/grant:r", "COUNCIL\\ada:F",
        "/q"]
    assert windows_acl_command(Path("C:/data"), "ada", folder=True)[4] == "ada:(OI)(CI)F"
