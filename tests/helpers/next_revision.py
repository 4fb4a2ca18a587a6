"""A schema revision one past the shipped head, so that a file at today's head is out of date
(as every file will be when the next migration ships): for tests of updating an encrypted
file at sign-in, which cannot be made at an earlier revision (accounts came with the head).

The revision's migration adds a table, then keeps running short SQL statements until
``GATE`` is set: a test holds it open to watch the update and cancel it (each statement can
be interrupted, as a real migration's can)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from scs_victims.storage import migrate

REVISION = "test_next"
GATE = threading.Event()
GATE.set()
SHIPPED = Path(migrate.__file__).resolve().parent / "migrations" / "versions"

_SCRIPT = '''"""One revision past the shipped head (tests only).

Revision ID: {revision}
Revises: {head}
"""

import time

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from tests.helpers.next_revision import GATE

    op.create_table("test_next_revision", sa.Column("id", sa.Integer(), primary_key=True))
    bind = op.get_bind()
    deadline = time.monotonic() + 60
    while not GATE.is_set() and time.monotonic() < deadline:
        bind.exec_driver_sql(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
            "SELECT count(*) FROM c").scalar()


def downgrade() -> None:
    op.drop_table("test_next_revision")
'''


def ship_next_revision(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """From now on (for this test), the head is a revision after the shipped one."""
    head = migrate.SCHEMA_HEAD
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{REVISION}.py").write_text(_SCRIPT.format(revision=REVISION, head=head),
                                           encoding="utf-8")
    shipped_config = migrate.alembic_config

    def config(connection: object = None) -> object:
        result = shipped_config(connection)  # type: ignore[arg-type]
        result.set_main_option("path_separator", "os")
        result.set_main_option("version_locations", os.pathsep.join([str(SHIPPED),
                                                                     str(folder)]))
        return result

    monkeypatch.setattr(migrate, "alembic_config", config)
    monkeypatch.setattr(migrate, "SCHEMA_HEAD", REVISION)
    return head
