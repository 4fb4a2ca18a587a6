"""Reviews of alerts: who marked which alert as reviewed, when, with what note.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("crime_type", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("latest_incident_id", sa.Integer(), nullable=False),
        sa.Column("incident_ids", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "kind IN ('repeat_victim', 'asb_case_review', 'asb_case_review_community', "
            "'dv_escalation')",
            name=op.f("ck_alert_reviews_kind_known"),
        ),
        sa.CheckConstraint("crime_type IN ('asb', 'burglary', 'dv')",
                           name=op.f("ck_alert_reviews_crime_type_known")),
        sa.CheckConstraint("subject IN ('person', 'address')",
                           name=op.f("ck_alert_reviews_subject_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_reviews")),
    )
    with op.batch_alter_table("alert_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_alert_reviews_subject", ["subject", "subject_id", "kind"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_reviews_subject")
    op.drop_table("alert_reviews")
