"""Running ``python -m scs_victims`` in a subprocess with its data folder inside tmp_path,
signed in as a synthetic administrator (``SCS_VICTIMS_USER``/``SCS_VICTIMS_PASSWORD``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from scs_victims.storage.database import DB_ENV_VAR
from scs_victims.storage.keyring import keyring_path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The same as tests/helpers/raw.py, which reads the files this administrator's commands write.
ADMIN = "test-admin"
ADMIN_PASSWORD = "synthetic-admin-pass-1"
# Commands that need no account: they sign nobody in, or make the first one.
NO_SIGN_IN = {"init", "--help", "-h", "--version"}


def cli_env(sandbox: Path, **extra: str) -> dict[str, str]:
    """The environment for a CLI run: HOME and the XDG folders inside ``sandbox`` (so the log
    file and the default database land there), no inherited $SCS_VICTIMS_DB, UTF-8 output."""
    env = {name: value for name, value in os.environ.items() if name != DB_ENV_VAR}
    env.update(
        HOME=str(sandbox / "home"),
        USERPROFILE=str(sandbox / "home"),
        XDG_DATA_HOME=str(sandbox / "xdg-data"),
        XDG_CONFIG_HOME=str(sandbox / "xdg-config"),
        XDG_CACHE_HOME=str(sandbox / "xdg-cache"),
        XDG_STATE_HOME=str(sandbox / "xdg-state"),
        PYTHONUTF8="1",
        PYTHONIOENCODING="utf-8",
        SCS_VICTIMS_USER=ADMIN,
        SCS_VICTIMS_PASSWORD=ADMIN_PASSWORD,
    )
    env.update(extra)
    return env


def command(*args: str | os.PathLike[str], db: Path | None = None) -> list[str]:
    base = [sys.executable, "-m", "scs_victims"]
    if db is not None:
        base += ["--db", os.fspath(db)]
    return base + [os.fspath(arg) for arg in args]


def has_accounts(db: Path) -> bool:
    if not db.is_file():
        return False
    if keyring_path(db).is_file() and db.read_bytes()[:16] != b"SQLite format 3\x00":
        return True  # encrypted: made by init
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return bool(connection.execute("SELECT count(*) FROM users").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def run_cli(sandbox: Path, *args: str | os.PathLike[str], db: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 120, init: bool = True,
            ) -> subprocess.CompletedProcess[str]:
    """Run the command line to completion; ``sandbox`` holds HOME and the data folder.

    With ``init`` (the default), a database given with ``db`` that has no accounts yet (new,
    or made in the test process) first gets the test administrator (``init``), as a council
    would set it up once; pass ``init=False`` to see what a command does without."""
    first = os.fspath(args[0]) if args else ""
    if init and db is not None and first not in NO_SIGN_IN and not has_accounts(db) and (
            not db.exists() or _is_ours(db)):
        made = subprocess.run(command("init", db=db), cwd=sandbox, env=env or cli_env(sandbox),
                              capture_output=True, text=True, encoding="utf-8",
                              timeout=timeout, check=False)
        assert made.returncode == 0, made.stderr
    return subprocess.run(
        command(*args, db=db), cwd=sandbox, env=env or cli_env(sandbox), capture_output=True,
        text=True, encoding="utf-8", timeout=timeout, check=False,
    )


def log_files(sandbox: Path) -> list[Path]:
    """Every log file the application wrote under ``sandbox`` (any platform's data folder)."""
    return sorted(sandbox.rglob("scs-victims.log*"))


def _is_ours(db: Path) -> bool:
    """An SCS Victims database (so ``init`` may be run on it): it has a schema version."""
    if keyring_path(db).is_file():
        return True
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'"
            ).fetchone()[0] == 1
        finally:
            connection.close()
    except sqlite3.Error:
        return False


def add_cli_admin(database: object) -> None:
    """The administrator the command line signs in as, added to a database made in the test
    process (as ``init`` would add it)."""
    from scs_victims import accounts
    from scs_victims.accounts import Role
    from scs_victims.storage.database import Database

    assert isinstance(database, Database)
    with database.session() as session:
        accounts.create_account(session, ADMIN, Role.ADMIN, ADMIN_PASSWORD, created_by=None,
                                must_change_password=False)
