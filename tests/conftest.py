"""Shared fixtures: every test database is created by running the real migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scs_victims.storage.database import Database, open_database

# Qt never needs a screen in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_BESIDE = REPO_ROOT.parent / "shared" / "data"
FIXTURE_COPY = REPO_ROOT / "tests" / "fixtures" / "shared-data"


def _shared_data() -> Path:
    """The public fixtures: ``SCS_SHARED_DATA`` if set, else ``../shared/data`` (where other
    data sets are put to be checked the same way), else the copy kept in the repository."""
    named = os.environ.get("SCS_SHARED_DATA")
    if named:
        return Path(named)
    return SHARED_BESIDE if SHARED_BESIDE.is_dir() else FIXTURE_COPY


SHARED_DATA = _shared_data()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """A fresh SQLite file brought to head by the shipped Alembic migrations."""
    db = open_database(db_path)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the public fixtures are missing: expected them at {SHARED_DATA}")
    return SHARED_DATA
