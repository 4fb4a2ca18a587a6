"""Audit events about runs of records; indexes of mostly empty columns hold only set values.

An import names the records it created by runs of consecutive ids (``last_entity_id``), not
with one event each: 2.25 million audit rows for a million-incident file became a handful.
The merge and perpetrator indexes keep only rows where the column is set, and the people's
and addresses' import indexes go (nothing looks records up by import any more).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ONLY_SET = (("people", "merged_into_id"), ("addresses", "merged_into_id"),
             ("incidents", "perpetrator_id"))


def _where(column: str) -> dict[str, sa.TextClause]:
    condition = sa.text(f"{column} IS NOT NULL")
    return {"sqlite_where": condition, "postgresql_where": condition}


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_entity_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_audit_events_runs", ["entity", "entity_id"], unique=False,
                              **_where("last_entity_id"))
    for table, column in _ONLY_SET:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_{column}")
            batch_op.create_index(f"ix_{table}_{column}", [column], unique=False,
                                  **_where(column))
    for table in ("people", "addresses"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_import_id")


def downgrade() -> None:
    for table in ("people", "addresses"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_import_id", ["import_id"], unique=False)
    for table, column in _ONLY_SET:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_{column}")
            batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_runs")
        batch_op.drop_column("last_entity_id")
