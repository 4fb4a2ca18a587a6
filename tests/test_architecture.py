"""The core never imports Qt or the ui package (checked on the source and at run time)."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "scs_victims"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "ui")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_core_module_imports_qt_or_ui() -> None:
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for name in _imported_modules(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(CORE.parent)} imports {name}")
    assert offenders == []


def test_importing_the_whole_core_loads_no_qt() -> None:
    code = (
        "import pkgutil, importlib, sys, scs_victims\n"
        "for m in pkgutil.walk_packages(scs_victims.__path__, 'scs_victims.'):\n"
        "    if '.migrations' in m.name or m.name == 'scs_victims.__main__':\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        f"bad = [n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


UI = CORE.parent / "ui"
# The screens present what the core computes and call its services; queries and storage stay
# in the core, so a PostgreSQL deployment or a new front end never has to read the ui.
UI_FORBIDDEN = ("sqlalchemy", "alembic", "sqlite3", "scs_victims.storage.models")


def test_the_ui_reaches_storage_only_through_the_core() -> None:
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        for name in _imported_modules(path):
            if name in UI_FORBIDDEN or name.split(".")[0] in UI_FORBIDDEN:
                offenders.append(f"{path.relative_to(UI.parent)} imports {name}")
    assert offenders == []


# --- One way in: the screens and the command line reach the core only through actions ------

FRONT_ENDS = sorted([*UI.rglob("*.py"), *CORE.glob("cli*.py")])
STORAGE_MODULES = ("sqlalchemy", "alembic", "sqlite3", "scs_victims.storage")
_TAKES_STORAGE = re.compile(r"\b(Session|Database|Connection|Engine)\b")


def _imported_names(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.module, alias.name) for alias in node.names)
    return found


def _opens_sessions(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"session", "sessions"}]


def test_front_ends_import_no_storage() -> None:
    offenders = []
    for path in FRONT_ENDS:
        for name in _imported_modules(path):
            if any(name == forbidden or name.startswith(forbidden + ".")
                   for forbidden in STORAGE_MODULES):
                offenders.append(f"{path.relative_to(CORE.parent)} imports {name}")
    assert offenders == []


def test_front_ends_open_no_session() -> None:
    offenders = [f"{path.relative_to(CORE.parent)}:{line}" for path in FRONT_ENDS
                 for line in _opens_sessions(path)]
    assert offenders == []


def test_front_ends_call_no_core_function_that_takes_a_session_or_database() -> None:
    """Anything that works on the database is reached through scs_victims.actions, where
    permission is checked and consultation recorded; plain types, constants and pure
    functions may still be imported from where they are defined."""
    offenders = []
    for path in FRONT_ENDS:
        for module_name, name in _imported_names(path):
            if not module_name.startswith("scs_victims") or module_name.startswith(
                    "scs_victims.actions"):
                continue
            value = getattr(importlib.import_module(module_name), name, None)
            if not inspect.isfunction(value):
                continue
            parameters = inspect.signature(value).parameters.values()
            if any(_TAKES_STORAGE.search(str(parameter.annotation))
                   for parameter in parameters):
                offenders.append(f"{path.relative_to(CORE.parent)} uses "
                                 f"{module_name}.{name}")
    assert offenders == []
