"""New columns of formats.md: an incident's ASB case reference and whether it was perceived as
hate-motivated; a MARAC referral's incident date and the DASH question set of its score; and
the rows an import profile left out, counted on each import run.

Every new column starts empty (NULL: not recorded; the default DASH set; no incident date, so
the referral date stands), and an import run made before counts no rows left out.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_ref", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("hate_motivated", sa.Boolean(), nullable=True))
    with op.batch_alter_table("marac_referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incident_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("dash_version", sa.String(length=80), nullable=True))
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rows_skipped", sa.Integer(), nullable=False,
                                      server_default=sa.text("0")))


def downgrade() -> None:
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_column("rows_skipped")
    with op.batch_alter_table("marac_referrals", schema=None) as batch_op:
        batch_op.drop_column("dash_version")
        batch_op.drop_column("incident_date")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("hate_motivated")
        batch_op.drop_column("case_ref")
