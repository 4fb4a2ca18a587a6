"""Dropping and rebuilding indexes around a bulk load (storage.bulk.DeferredIndexes)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from scs_victims.storage.bulk import DeferredIndexes
from scs_victims.storage.database import Database
from scs_victims.storage.models import Address, Incident, Person, table_of

TABLES = [table_of(Incident), table_of(Person), table_of(Address)]


def _index_sql(connection: Connection) -> dict[str, str]:
    return dict(connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('incidents', 'people', 'addresses')").all())


def _settings(connection: Connection) -> tuple[object, object]:
    return (connection.exec_driver_sql("PRAGMA cache_size").scalar(),
            connection.exec_driver_sql("PRAGMA threads").scalar())


def test_indexes_come_back_as_they_were_and_the_connection_settings_too(
        database: Database) -> None:
    with database.engine.begin() as connection:
        before, settings = _index_sql(connection), _settings(connection)
        deferred = DeferredIndexes(connection, TABLES)
        deferred.drop()
        assert set(_index_sql(connection)) == set()
        deferred.rebuild()
        assert _index_sql(connection) == before
        # The rebuild sorts in small runs on helper threads, then gives the connection back
        # its own cache and threads.
        assert _settings(connection) == settings


def test_a_rolled_back_load_keeps_its_indexes(database: Database) -> None:
    with database.engine.connect() as connection:
        before = _index_sql(connection)
        connection.rollback()
        with connection.begin() as transaction:
            DeferredIndexes(connection, TABLES).drop()
            transaction.rollback()
        assert _index_sql(connection) == before


def test_indexes_of_some_columns_can_wait_for_a_second_rebuild(database: Database) -> None:
    with database.engine.begin() as connection:
        before = _index_sql(connection)
        deferred = DeferredIndexes(connection, [table_of(Incident)])
        deferred.drop()
        # ix_incidents_victim_id and ix_incidents_by_date hold a column;
        # ix_incidents_repeats is filtered by one (its condition names it, not its columns).
        deferred.rebuild(except_touching=("victim_id", "is_repeat"))
        assert set(_index_sql(connection)) == set(before) - {
            "ix_incidents_victim_id", "ix_incidents_repeats", "ix_incidents_by_date"}
        deferred.rebuild()
        assert _index_sql(connection) == before
