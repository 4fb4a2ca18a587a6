"""Indexes for the Incidents screen's ward and repeats-only filters.

Without them, listing one ward's incidents or only the repeats, newest first, reads the whole
table (3-4 s on a million incidents). The repeats index is partial: only repeats are in it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SQLITE_REPEATS = sa.text("is_repeat = 1")
_POSTGRESQL_REPEATS = sa.text("is_repeat = true")


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_ward_id_occurred_on",
                              ["ward_id", "occurred_on", "crime_type"], unique=False)
        batch_op.create_index("ix_incidents_repeats", ["occurred_on", "crime_type"],
                              unique=False, sqlite_where=_SQLITE_REPEATS,
                              postgresql_where=_POSTGRESQL_REPEATS)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_repeats")
        batch_op.drop_index("ix_incidents_ward_id_occurred_on")
