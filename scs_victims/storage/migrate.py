"""Alembic, configured in code, with its scripts shipped inside the package.

Alembic is imported only when a migration has to run: opening a database that is already
current (every command, every start of the app) only compares its stored revision with
``SCHEMA_HEAD``, which a test keeps equal to the newest script's revision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "scs_victims.storage:migrations"
SCHEMA_HEAD = "0010"
_VERSION_TABLE = "alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_head() -> str:
    """The newest revision among the shipped scripts (reads them with Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def head_revision() -> str:
    return SCHEMA_HEAD


def is_known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return any(script.revision == revision for script in scripts.walk_revisions())


def current_revision(connection: Connection) -> str | None:
    """The revision stored in the database, or None for a database never migrated."""
    if not inspect(connection).has_table(_VERSION_TABLE):
        return None
    revision = connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalar()
    return None if revision is None else str(revision)


def upgrade(connection: Connection, target: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), target)
