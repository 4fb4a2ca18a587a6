"""Running ``python -m scs_victims`` in a subprocess with its data folder inside tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scs_victims.storage.database import DB_ENV_VAR

REPO_ROOT = Path(__file__).resolve().parents[2]


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
    )
    env.update(extra)
    return env


def command(*args: str | os.PathLike[str], db: Path | None = None) -> list[str]:
    base = [sys.executable, "-m", "scs_victims"]
    if db is not None:
        base += ["--db", os.fspath(db)]
    return base + [os.fspath(arg) for arg in args]


def run_cli(sandbox: Path, *args: str | os.PathLike[str], db: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 120,
            ) -> subprocess.CompletedProcess[str]:
    """Run the command line to completion; ``sandbox`` holds HOME and the data folder."""
    return subprocess.run(
        command(*args, db=db), cwd=sandbox, env=env or cli_env(sandbox), capture_output=True,
        text=True, encoding="utf-8", timeout=timeout, check=False,
    )


def log_files(sandbox: Path) -> list[Path]:
    """Every log file the application wrote under ``sandbox`` (any platform's data folder)."""
    return sorted(sandbox.rglob("scs-victims.log*"))
