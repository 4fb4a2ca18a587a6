"""User accounts, restricted people, and an audit log of consultation in a hash chain.

The audit table is copied into its new shape (more kinds of event, the account beside the
operating-system login, and each event's links in the chain), the existing events chained in
the order they were written. Its append-only triggers go with the old table and are made
again on the new one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from scs_victims.audit import GENESIS_HASH, event_hash

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen as of this revision (models.AUDIT_ACTIONS, models.USER_ROLES).
_ACTIONS = (
    "insert", "update", "delete", "restore", "merge", "unmerge", "import", "setting",
    "recompute", "load", "sign_in", "sign_in_failed", "sign_out", "view", "search", "print",
    "export", "refused", "break_glass", "user", "restrict", "backup", "unlock",
)  # fmt: skip
_ROLES = ("officer", "marac", "supervisor", "analyst", "auditor", "admin")
_COPY_BATCH = 5_000


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return " OR ".join(f"{column} = '{value}'" for value in values)


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")


def _make_append_only() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    else:
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )


def _new_audit_table(name: str) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("os_login", sa.String(length=120), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("last_entity_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(_one_of("action", _ACTIONS),
                           name=op.f("ck_audit_events_action_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )


def _copy_chained(old: str, new: sa.Table) -> None:
    connection = op.get_bind()
    prev, after = GENESIS_HASH, 0
    while True:
        rows = connection.execute(sa.text(
            f"SELECT id, at, actor, action, entity, entity_id, last_entity_id, detail FROM {old} "
            "WHERE id > :after ORDER BY id LIMIT :limit"), {"after": after, "limit": _COPY_BATCH}
        ).all()
        if not rows:
            return
        events = []
        for row in rows:
            at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(row.at)
            own = event_hash(prev, row.id, at, row.actor, None, None, row.action, row.entity,
                             row.entity_id, row.last_entity_id, row.detail)
            events.append({"id": row.id, "at": at, "actor": row.actor, "account_id": None,
                           "os_login": None, "action": row.action, "entity": row.entity,
                           "entity_id": row.entity_id, "last_entity_id": row.last_entity_id,
                           "detail": row.detail, "prev_hash": prev, "hash": own})
            prev = own
        connection.execute(new.insert(), events)
        after = rows[-1].id


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("name_key", sa.String(length=60), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=True),
        sa.Column("last_sign_in_at", sa.DateTime(), nullable=True),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(_one_of("role", _ROLES), name=op.f("ck_users_role_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name_key", name=op.f("uq_users_name_key")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restricted", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("restricted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("restricted_by", sa.String(length=120), nullable=True))

    _drop_append_only_triggers()
    # Index and key names are the schema's (SQLite) or the table's namespace's (PostgreSQL):
    # the old table gives them up before the new one takes them.
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_runs")
        batch_op.drop_index("ix_audit_events_entity")
    op.rename_table("audit_events", "audit_events_unchained")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events_unchained RENAME CONSTRAINT pk_audit_events "
                   "TO pk_audit_events_unchained")
    new = _new_audit_table("audit_events")
    _copy_chained("audit_events_unchained", new)
    op.drop_table("audit_events_unchained")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_entity", ["entity", "entity_id"], unique=False)
        condition = sa.text("last_entity_id IS NOT NULL")
        batch_op.create_index("ix_audit_events_runs", ["entity", "entity_id"], unique=False,
                              sqlite_where=condition, postgresql_where=condition)
        batch_op.create_index("ix_audit_events_actor_at", ["actor", "at"], unique=False)
        batch_op.create_index("ix_audit_events_action_at", ["action", "at"], unique=False)
    _make_append_only()


def downgrade() -> None:
    raise NotImplementedError("The audit chain and the accounts are not taken back: restore "
                              "the backup made before the upgrade instead.")
