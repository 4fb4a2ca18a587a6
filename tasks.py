#!/usr/bin/env python3
"""Set-up and everyday tasks in one place, so a fresh clone needs only Python 3.11+.

    python3 tasks.py run     # create .venv, install, open SCS Victims on the default database
    python3 tasks.py test    # create .venv, install, run lint, type checks and every test
    python3 tasks.py bench   # the benchmarks of benchmarks/README.md

Installing is skipped when pyproject.toml has not changed since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-pyproject.sha256"
MIN_PYTHON = (3, 11)


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def ensure_environment() -> Path:
    if sys.version_info < MIN_PYTHON:
        sys.exit(f"SCS Victims needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; "
                 f"this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing SCS Victims and its dependencies ...", flush=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                       check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"],
                       check=True)
        STAMP.write_text(wanted)
    return python


def run(python: Path, *args: str | Path) -> int:
    return subprocess.run([python, *map(str, args)], cwd=ROOT, check=False).returncode


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "run"
    rest = argv[1:]
    if task not in {"run", "test", "bench"}:
        print(__doc__)
        return 2
    python = ensure_environment()
    if task == "run":
        return run(python, "-m", "scs_victims", *rest)
    if task == "bench":
        return run(python, ROOT / "benchmarks" / "run.py", *rest)
    for step in (["-m", "ruff", "check", "scs_victims", "ui", "tests", "benchmarks", "tools"],
                 ["-m", "mypy"]):
        print(f"$ python {' '.join(step)}", flush=True)
        if (code := run(python, *step)) != 0:
            return code
    return run(python, "-m", "pytest", *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
