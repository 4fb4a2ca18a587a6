"""Alembic environment: always run on a connection handed over by scs_victims.storage."""

from __future__ import annotations

from alembic import context

from scs_victims.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached from the alembic CLI by mistake
    raise RuntimeError("Run migrations through scs_victims.storage.migrate.upgrade().")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
