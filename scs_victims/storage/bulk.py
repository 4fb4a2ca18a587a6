"""Fast bulk inserts for imports: SQL compiled once by the dialect, values converted by the
column types' own bind processors, rows handed to the driver's executemany.

SQLAlchemy's generic executemany builds a parameter dictionary per row, which costs more than
SQLite's insert itself on million-row imports. This keeps the dialect's SQL and conversions
(so PostgreSQL works unchanged) and skips only that per-row bookkeeping.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import (
    Column,
    Index,
    MetaData,
    Table,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable

from scs_victims.errors import Bug

_Processor = Callable[[Any], Any] | None


def value_encoders(dialect: Dialect, table: Table, columns: Sequence[str]) -> list[_Processor]:
    """The dialect's own conversion of each column's Python values (None: sent as they are)."""
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in columns]


def matching_encoders(dialect: Dialect, table: Table, columns: Sequence[str],
                      candidates: Mapping[str, tuple[Callable[[Any], Any], Sequence[Any]]]
                      ) -> tuple[str | None, ...]:
    """For each column, the name of the candidate (a conversion and its probe values) that
    converts every probe exactly as the dialect's own processor does; None where the dialect
    sends values as they are. A parsing process can then apply the candidates without
    SQLAlchemy, and rows reach the writer in the form the driver stores.

    Raises ``Bug`` for a processor that no candidate reproduces: a dialect this application
    does not know how to load in bulk."""
    names: list[str | None] = []
    for column, process in zip(columns, value_encoders(dialect, table, columns), strict=True):
        if process is None:
            names.append(None)
            continue
        found = [name for name, (convert, probes) in candidates.items()
                 if _converts_alike(process, convert, probes)]
        if not found:
            raise Bug(f"no plain conversion stores {table.name}.{column} as "
                      f"{dialect.name} does")
        names.append(found[0])
    return tuple(names)


def _converts_alike(process: Callable[[Any], Any], convert: Callable[[Any], Any],
                    probes: Sequence[Any]) -> bool:
    try:
        return all(process(probe) == convert(probe) for probe in probes)
    except (TypeError, ValueError, AttributeError):
        return False  # a processor for another kind of value


class BulkInserter:
    """Inserts tuples of ``columns`` into ``table`` through one compiled statement.

    Columns named in ``encoded`` arrive already converted (see ``value_encoders``). When every
    column has arrived converted and in the table's order, rows go to the driver untouched.
    ``constants`` are the same on every row: the dialect writes them into the statement as
    literals, so they are not bound a million times over.
    """

    def __init__(self, connection: Connection, table: Table, columns: Sequence[str],
                 encoded: Iterable[str] = (), constants: Mapping[str, Any] | None = None
                 ) -> None:
        self._connection = connection
        self._table = table
        self._columns = list(columns)
        dialect = connection.dialect
        values: dict[str, Any] = {name: None for name in columns}
        for name, value in (constants or {}).items():
            values[name] = literal(value, table.c[name].type, literal_execute=True)
        compiled = insert(table).values(values).compile(
            dialect=dialect, compile_kwargs={"render_postcompile": True})
        self._sql = str(compiled)
        self._positional = bool(compiled.positiontup)
        order = list(compiled.positiontup or columns)
        self._order = [self._columns.index(name) for name in order]
        self._names = order
        done = set(encoded)
        self._processors: list[_Processor] = [
            None if name in done else process
            for name, process in zip(order, value_encoders(dialect, table, order), strict=True)
        ]
        self._untouched = (self._positional and self._order == list(range(len(order)))
                           and all(process is None for process in self._processors))

    def insert(self, rows: Iterable[Sequence[Any]]) -> int:
        if self._untouched:
            batch = rows if isinstance(rows, list) else list(rows)
            if batch:
                self._connection.exec_driver_sql(self._sql, batch)
            return len(batch)
        order, processors = self._order, self._processors
        converted: list[Any] = []
        for row in rows:
            values = [row[index] for index in order]
            for position, process in enumerate(processors):
                if process is not None and values[position] is not None:
                    values[position] = process(values[position])
            converted.append(tuple(values) if self._positional
                             else dict(zip(self._names, values, strict=True)))
        if converted:
            self._connection.exec_driver_sql(self._sql, converted)
        return len(converted)


class BulkStatement:
    """One statement with named bind parameters run over many rows, compiled once.

    Rows are tuples in the order of ``names``, their values already in the driver's form
    (numbers, text, booleans pass as they are). For full-table passes, where SQLAlchemy's
    per-row parameter dictionaries cost more than the database's own work.
    """

    def __init__(self, connection: Connection, statement: ClauseElement,
                 names: Sequence[str]) -> None:
        self._connection = connection
        compiled = cast(SQLCompiler, statement.compile(dialect=connection.dialect))
        self._sql = str(compiled)
        self._names = list(names)
        self._order = ([self._names.index(name) for name in compiled.positiontup]
                       if compiled.positiontup else None)

    def run(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        parameters: list[Any]
        if self._order is not None:
            order = self._order
            parameters = [tuple(row[index] for index in order) for row in rows]
        else:
            parameters = [dict(zip(self._names, row, strict=True)) for row in rows]
        self._connection.exec_driver_sql(self._sql, parameters)


def stream_rows(connection: Connection, query: Executable, batch: int = 20_000
                ) -> Iterator[tuple[Any, ...]]:
    """The rows of a query as the driver returns them (ISO text for SQLite dates, 0 and 1 for
    its booleans), fetched in batches: a pass over many rows without per-row result objects,
    which cost more than the database's own work (0.4 s of 0.9 s for 200,000 rows). The
    query's parameters are bound by the dialect as usual."""
    with _reading_settings(connection):
        result = connection.execute(query)
        try:
            # The DBAPI cursor under the result: its rows before SQLAlchemy's processing.
            cursor = result.cursor
            while rows := cursor.fetchmany(batch):
                yield from rows
        finally:
            result.close()


# A long read of an encrypted file keeps more pages decrypted in SQLite's cache: decrypting a
# page again costs far more than copying it from the system's cache. `figures` on a million
# incidents: 2.1-2.2 s with the usual 32 MB, 1.2-1.5 s with this (the cache is given back
# after the read).
ENCRYPTED_READ_CACHE_KIB = 256 * 1024


@contextmanager
def _reading_settings(connection: Connection) -> Iterator[None]:
    driver = connection.connection.driver_connection
    if connection.dialect.name != "sqlite" or type(driver).__module__.split(".")[0] != (
            "sqlcipher3"):
        yield
        return
    cache_size = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    connection.exec_driver_sql(f"PRAGMA cache_size=-{ENCRYPTED_READ_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={cache_size}")


class DeferredIndexes:
    """Drop the non-unique indexes of some tables for a bulk load, and build them again.

    Building an index once from sorted data is far cheaper than updating it row by row from
    random keys. Both steps run inside the caller's transaction, so a rollback (or a killed
    process) restores the indexes with everything else. Unique indexes stay: the load uses
    them to find existing records.
    """

    def __init__(self, connection: Connection, tables: Sequence[Table]) -> None:
        self._connection = connection
        self._indexes = [index for table in tables for index in sorted(
            table.indexes, key=lambda index: index.name or "") if not index.unique]
        self._dropped: list[Index] = []

    def drop(self) -> None:
        for index in self._indexes:
            index.drop(self._connection)
        self._dropped = list(self._indexes)

    def rebuild(self, *, except_touching: Collection[str] = ()) -> None:
        """Build the dropped indexes again; with ``except_touching``, only those that neither
        hold nor are filtered by any of these columns (the rest wait for another call)."""
        held_back = [index for index in self._dropped if _touches(index, except_touching)]
        with _index_build_settings(self._connection):
            for index in self._dropped:
                if index not in held_back:
                    index.create(self._connection)
        self._dropped = held_back


def _touches(index: Index, columns: Collection[str]) -> bool:
    if not columns:
        return False
    if any(column.name in columns for column in index.columns):
        return True
    # A partial index's condition, written for each dialect.
    words = re.compile(r"\b(?:" + "|".join(map(re.escape, columns)) + r")\b")
    return any(words.search(str(options["where"]))
               for options in index.dialect_options.values()
               if options.get("where") is not None)


# SQLite sorts an index's keys in runs the size of the page cache. One run of a million keys
# in a 128 MB cache sorts slower than many cache-sized runs merged, and only separate runs
# can be sorted by helper threads: 6.6 s against 3.8 s for the fourteen indexes of a
# million-incident load on two cores.
INDEX_SORT_RUN_KIB = 2 * 1024
MAX_SORT_THREADS = 4


@contextmanager
def _index_build_settings(connection: Connection) -> Iterator[None]:
    if connection.dialect.name != "sqlite":
        yield
        return
    cache_size = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    threads = int(connection.exec_driver_sql("PRAGMA threads").scalar() or 0)
    connection.exec_driver_sql(f"PRAGMA cache_size=-{INDEX_SORT_RUN_KIB}")
    connection.exec_driver_sql(
        f"PRAGMA threads={min(MAX_SORT_THREADS, os.cpu_count() or 1)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA threads={threads}")
        connection.exec_driver_sql(f"PRAGMA cache_size={cache_size}")


class KeyLookup:
    """``SELECT columns FROM table WHERE key IN (...)`` for batches of keys, compiled once per
    batch size and run straight on the driver (SQLAlchemy's per-call expansion of a long IN
    list costs more than the lookup itself)."""

    def __init__(self, connection: Connection, table: Table, key: str,
                 columns: Sequence[str]) -> None:
        self._connection = connection
        self._table = table
        self._key = key
        self._columns = list(columns)
        self._sql: dict[int, tuple[str, list[str] | None]] = {}

    def _statement(self, size: int) -> tuple[str, list[str] | None]:
        cached = self._sql.get(size)
        if cached is None:
            dialect = self._connection.dialect
            query = select(*(self._table.c[name] for name in self._columns)).where(
                self._table.c[self._key].in_([f"k{index}" for index in range(size)]))
            compiled = query.compile(dialect=dialect,
                                     compile_kwargs={"render_postcompile": True})
            names = None if compiled.positiontup else list(compiled.params)
            cached = self._sql[size] = (str(compiled), names)
        return cached

    def rows(self, keys: Sequence[Any]) -> list[Any]:
        if not keys:
            return []
        sql, names = self._statement(len(keys))
        parameters: Any = tuple(keys) if names is None else dict(zip(names, keys, strict=True))
        return list(self._connection.exec_driver_sql(sql, parameters).all())


class IdAllocator:
    """Ids for a table's new rows, handed out before they are inserted, so that a bulk load
    knows each new record's id without reading it back.

    SQLite: the caller's transaction must already have written (it then holds the database's
    only write lock, so nobody else can take the ids after the current largest).
    PostgreSQL: the ids come from the column's own sequence, as concurrent sessions' do.
    """

    def __init__(self, connection: Connection, table: Table, column: str = "id") -> None:
        self._connection = connection
        self._table = table
        self._column = column
        self._next: int | None = None
        if connection.dialect.name == "sqlite":
            largest = connection.execute(select(func.max(table.c[column]))).scalar()
            self._next = (largest or 0) + 1

    def take(self, count: int) -> Sequence[int]:
        """``count`` new ids: a ``range`` on SQLite (consecutive), a list elsewhere."""
        if count <= 0:
            return []
        if self._next is not None:
            first = self._next
            self._next += count
            return range(first, first + count)
        return list(self._connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, :column)) "
                 "FROM generate_series(1, :count)"),
            {"table": self._table.name, "column": self._column, "count": count},
        ).scalars())


# About the indexes a large import keeps up to date and looks keys up in. With 128 MB the
# import's two processes together reached 415 MB on a million rows (430 MB re-importing
# them), over the 400 MB allowed; 96 MB measured as fast. With 64 MB the writer fell behind
# the checking process at times (its queue full for 1-10 s of the import).
BULK_CACHE_KIB = 96 * 1024


@contextmanager
def bulk_cache(connection: Connection) -> Iterator[None]:
    """A larger page cache on this connection while bulk work runs (SQLite only; other
    databases size their caches themselves)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    from scs_victims.storage.database import CACHE_KIB

    connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")


def create_scratch_table(connection: Connection, name: str, columns: Sequence[Column[Any]]
                         ) -> Table:
    """A temporary table for the caller's transaction, kept on disk rather than in memory.

    Creating it is part of the transaction: a rollback removes it. The caller drops it before
    committing, so a pooled connection never carries it into the next unit of work.
    """
    table = Table(name, MetaData(), *columns, prefixes=["TEMPORARY"])
    table.create(connection)
    return table
