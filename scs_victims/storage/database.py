"""Opening the database: where it lives, the SQLite pragmas, migrations after a backup.

The caller owns sessions: ``Database.session()`` gives one per user action; services take it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
import sqlcipher3
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlalchemy.orm import Session, sessionmaker

from scs_victims.errors import Bug, Cancelled, ConcurrentChange, DatabaseError, DatabaseTooNew
from scs_victims.storage import migrate, presence
from scs_victims.storage.damage import clear_damage, damage_noted, note_damage
from scs_victims.storage.failures import SQLITE_CORRUPT, DatabaseDamaged, sqlite_code
from scs_victims.storage.files import owner_only, private_folder
from scs_victims.storage.keyring import cipher_page_size, keyed
from scs_victims.storage.network import on_network_drive

log = logging.getLogger(__name__)

APP_NAME = "SCS Victims"
DB_ENV_VAR = "SCS_VICTIMS_DB"
DEFAULT_FILE_NAME = "scs-victims.db"
BACKUPS_KEPT = 5
# How often (in SQLite virtual-machine steps, well under a millisecond) a session's ``stop``
# is asked whether its query is still wanted.
STOP_CHECK_STEPS = 10_000
# The execution option that makes a session's transaction take SQLite's write lock at once.
IMMEDIATE_OPTION = "scs_begin_immediate"


def data_folder() -> Path:
    """The user's data folder for SCS Victims (created on demand)."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def resolve_location(explicit: str | os.PathLike[str] | None = None) -> str:
    """``--db`` if given, else ``$SCS_VICTIMS_DB``, else the default file in the data folder."""
    if explicit:
        return os.fspath(explicit)
    from_env = os.environ.get(DB_ENV_VAR)
    if from_env:
        return from_env
    return os.fspath(data_folder() / DEFAULT_FILE_NAME)


def is_url(location: str) -> bool:
    return "://" in location


@dataclass
class Database:
    """An open database: the engine, a session factory and where it is; ``key`` is the
    SQLCipher key of an encrypted file (None for a plain file or a server database)."""

    engine: Engine
    location: str
    sessions: sessionmaker[Session]
    key: bytes | None = field(default=None, repr=False)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return None if is_url(self.location) else Path(self.location)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, stop: Callable[[], bool] | None = None, *,
                immediate: bool = False) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back if it raises.

        A clash with another writer (the file busy past the timeout, or the same record saved
        by someone else at the same moment) becomes a ``ConcurrentChange`` the user can retry;
        nothing of this unit of work is kept.

        ``stop`` lets work that nobody wants any more (a search overtaken by more typing) end
        inside a long SQLite query: it is asked every few thousand SQLite steps, and once it
        says True the query ends and the block raises ``Cancelled``. A server database
        ignores it (the block then runs to the end).

        ``immediate`` (SQLite) takes the write lock when the block starts, so that work which
        reads before it writes (the audit chain's end, then the new event) waits its turn
        behind another writer instead of being refused when that writer commits first.
        """
        try:
            with self.sessions() as session, session.begin():
                if immediate and self.is_sqlite:
                    session.connection(execution_options={IMMEDIATE_OPTION: True})
                with self._stopping(session, stop):
                    yield session
        except sa_exc.IntegrityError as exc:
            if not _is_unique_violation(exc):
                raise
            raise ConcurrentChange(
                "Someone else saved the same record at the same moment; nothing was saved. "
                "Try again."
            ) from exc
        except sa_exc.OperationalError as exc:
            if stop is not None and _is_interrupted(exc) and stop():
                raise Cancelled from exc
            if not _is_busy(exc):
                self._note_if_damaged(exc)
                raise
            raise ConcurrentChange(
                "The database is busy with another change; nothing was saved. Try again in a "
                "moment."
            ) from exc
        except sa_exc.DatabaseError as exc:  # SQLite reports damage as a DatabaseError
            self._note_if_damaged(exc)
            raise

    @contextmanager
    def _stopping(self, session: Session, stop: Callable[[], bool] | None) -> Iterator[None]:
        """``stop`` is asked while this session's queries run (``_stoppable``)."""
        if stop is None or not self.is_sqlite:
            yield
            return
        with _stoppable(session.connection(), stop):
            yield

    def backup(self, target: Path) -> Path:
        """A consistent copy made with SQLite's backup API, checked with integrity_check."""
        if self.path is None:
            raise DatabaseError("Backups of a server database are made on the server.")
        return backup_sqlite_file(self.path, target, key=self.key)

    def integrity_problems(self) -> list[str]:
        """What ``PRAGMA integrity_check`` reports; an empty list means the file is sound.
        The file is marked damaged, or the mark removed, accordingly (``storage.damage``)."""
        if not self.is_sqlite:
            return []
        try:
            with self.engine.connect() as connection:
                rows = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        except sa_exc.DatabaseError as exc:
            if sqlite_code(exc) != SQLITE_CORRUPT:
                raise
            rows = ["one of its pages cannot be read (damaged, or changed by another program)"]
        problems = [] if rows == ["ok"] else [str(row) for row in rows]
        if self.path is not None:
            if problems:
                note_damage(self.path, len(problems))
            else:
                clear_damage(self.path)
        return problems

    @property
    def damaged_since(self) -> datetime | None:
        """When the file was found damaged, if it is marked so (``storage.damage``)."""
        return damage_noted(self.path) if self.path is not None else None

    def refuse_writes_if_damaged(self) -> None:
        """Refuse a write (``DatabaseDamaged``) while the file is marked damaged."""
        found = self.damaged_since
        if found is not None:
            raise DatabaseDamaged(
                f"{self.path} was found damaged on {found:%d/%m/%Y at %H:%M}; nothing was "
                "written to it. Restore the latest backup (Settings, or 'scs-victims restore'),"
                " or ask your support team.")

    def _note_if_damaged(self, error: BaseException) -> None:
        if self.path is not None and sqlite_code(error) == SQLITE_CORRUPT:
            note_damage(self.path, 1)

    def close(self) -> None:
        self.engine.dispose()
        if self.path is not None:
            presence.release(self.path)  # if this process had signed in to it


def _is_unique_violation(exc: sa_exc.IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text


_OPERATIONAL_ERRORS = (sqlite3.OperationalError, sqlcipher3.OperationalError)
_DRIVER_CONNECTIONS = (sqlite3.Connection, sqlcipher3.Connection)


def _is_interrupted(exc: sa_exc.OperationalError) -> bool:
    return isinstance(exc.orig, _OPERATIONAL_ERRORS) and "interrupted" in str(exc.orig)


def connect_file(path: Path, key: bytes | None, *, read_only: bool = False,
                 page_size: int | None = None) -> Any:
    """A DB-API connection to the file: SQLCipher with ``key`` set before anything else, or
    the standard module for a plain file. Every opening of the file goes through here.
    An encrypted file is read with the page size its key file records, unless ``page_size``
    says (a new copy of another file)."""
    target, uri = (f"file:{path}?mode=ro", True) if read_only else (str(path), False)
    if key is None:
        return sqlite3.connect(target, uri=uri, check_same_thread=False)
    connection = sqlcipher3.connect(target, uri=uri, check_same_thread=False)
    try:
        keyed(connection, key, page_size or cipher_page_size(path))
    except BaseException:
        connection.close()
        raise
    return connection


def _is_busy(exc: sa_exc.OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


def open_database(location: str | os.PathLike[str] | None = None, *, migrate_schema: bool = True,
                  backup_before_migrating: bool = True, progress: OpeningProgress | None = None,
                  stop: Callable[[], bool] | None = None,
                  key: bytes | None = None) -> Database:
    """Open (creating if need be) and bring the schema up to date.

    A database written by a newer version is refused with ``DatabaseTooNew``. Before
    migrating an existing SQLite file, a backup copy is made beside it. Both can take a while
    on a large file: ``progress`` hears how far they are, and once ``stop`` says True they
    end with ``Cancelled``, the file as it was and no half-made backup left behind.
    """
    resolved = resolve_location(location)
    if is_url(resolved):
        engine = create_engine(resolved, hide_parameters=True)
    else:
        path = Path(resolved).expanduser()
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder, not a database file.")
        try:
            private_folder(path.parent)
        except OSError as exc:
            raise DatabaseError(
                f"The folder for {path} cannot be created ({exc.strerror or exc})."
            ) from exc
        _refuse_foreign_sqlite_file(path, key)
        engine = _sqlite_engine(path, key)
        resolved = os.fspath(path)
    database = Database(engine=engine, location=resolved,
                        sessions=sessionmaker(engine, expire_on_commit=False), key=key)
    try:
        if migrate_schema:
            _bring_up_to_date(database, backup_before_migrating, progress, stop)
    except Exception:
        engine.dispose()
        raise
    if database.path is not None:
        owner_only(database.path)
    return database


def _refuse_foreign_sqlite_file(path: Path, key: bytes | None = None) -> None:
    """Refuse another program's SQLite file before our pragmas (WAL) change anything in it."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        connection = connect_file(path, key, read_only=True)
        try:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except (sqlite3.DatabaseError, sqlcipher3.DatabaseError):
        return  # not a database at all: the engine's first connection says so clearly
    if tables and "alembic_version" not in tables:
        raise DatabaseError(
            f"{path} is not an SCS Victims database (it has tables but no schema version). "
            "Choose another file."
        )


# SQLite's page cache per connection. The desktop app holds a few connections (one per worker
# thread), so it stays modest; bulk work raises it on its own connection (storage.bulk).
CACHE_KIB = 32 * 1024

# The sqlite3 module binds None and booleans only after failing to find an adapter for them,
# which raises and discards two AttributeErrors per value: a third of a bulk insert's
# binding time on rows with a few empty cells. Adapters that give the values it would bind
# anyway (NULL, 0 and 1) are found at the first lookup.
def _null(value: None) -> None:
    return value


for _driver in (sqlite3, sqlcipher3):
    _driver.register_adapter(type(None), _null)
    _driver.register_adapter(bool, int)


def _sqlite_engine(path: Path, key: bytes | None = None) -> Engine:
    # On a network drive WAL does not work: a rollback journal with exclusive locking, and one
    # connection at a time (an exclusive lock is held until the connection closes, so a
    # second connection of ours would wait on the first).
    network = on_network_drive(path)
    options: dict[str, Any] = {"pool_size": 1, "max_overflow": 0} if network else {}
    if network:
        log.info("The database is on a network drive: rollback journal, exclusive locking")
    # hide_parameters: error messages (and so logs) must never carry names or addresses.
    if key is None:
        engine = create_engine(f"sqlite:///{path}", hide_parameters=True, **options)
    else:
        # The same SQLite dialect over SQLCipher's driver, each connection keyed first (before
        # the pragmas below: the key must come before the file is read).
        engine = create_engine(f"sqlite:///{path}", hide_parameters=True, module=sqlcipher3,
                               creator=lambda: connect_file(path, key), **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module, whose legacy mode commits DDL
        # silently; SQLAlchemy's "begin" below issues BEGIN itself (SQLAlchemy SQLite docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if network:
                cursor.execute("PRAGMA locking_mode=EXCLUSIVE")
                cursor.execute("PRAGMA journal_mode=DELETE")
            else:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


# (stage, done, total): stage BACKING_UP counts pages copied; the others have no count (0, 0).
OpeningProgress = Callable[[str, int, int], None]
BACKING_UP = "backing up"
CHECKING_BACKUP = "checking the backup"
MIGRATING = "migrating"


def schema_update_needed(location: str | os.PathLike[str] | None = None,
                         key: bytes | None = None) -> bool:
    """Whether opening this SQLite file will migrate it (so back it up first): a quick look
    that changes nothing. False for a new file, a server database or one not ours (opening
    then says what is wrong)."""
    resolved = resolve_location(location)
    if is_url(resolved):
        return False
    path = Path(resolved).expanduser()
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        connection = connect_file(path, key, read_only=True)
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except (sqlite3.DatabaseError, sqlcipher3.DatabaseError):
        return False
    return row is not None and row[0] != migrate.head_revision() and migrate.is_known_revision(
        row[0])


def _bring_up_to_date(database: Database, backup_first: bool,
                      progress: OpeningProgress | None = None,
                      stop: Callable[[], bool] | None = None) -> None:
    try:
        with database.engine.connect() as connection:
            current = migrate.current_revision(connection)
            has_tables = bool(inspect(connection).get_table_names())
    except SQLAlchemyDatabaseError as exc:
        # Not an SQLite file at all, unreadable, or locked: the user can choose another file.
        raise DatabaseError(
            f"{database.location} cannot be opened as a database ({exc.orig}). "
            "Choose another file."
        ) from exc
    head = migrate.head_revision()
    if current == head:
        return
    if current is not None and not migrate.is_known_revision(current):
        raise DatabaseTooNew(
            f"{database.location} was written by a newer version of SCS Victims. Install that "
            "version to open it; this one has not changed it."
        )
    if current is None and has_tables:
        raise DatabaseError(
            f"{database.location} is not an SCS Victims database (it has tables but no "
            "schema version). Choose another file."
        )
    if backup_first and current is not None and database.path is not None:
        target = _free_backup_name(database.path, head)
        backup_sqlite_file(database.path, target, progress=progress, stop=stop,
                           key=database.key)
        _prune_backups(target.parent, database.path.stem)
        log.info("Backed up the database before migrating it to %s", head)
    if progress is not None:
        progress(MIGRATING, 0, 0)
    with database.engine.connect() as connection, _foreign_keys_checked_at_commit(connection):
        try:
            with connection.begin(), _stoppable(connection, stop):
                migrate.upgrade(connection)
                _check_foreign_keys(connection)
        except sa_exc.OperationalError as exc:
            if stop is not None and _is_interrupted(exc) and stop():
                raise Cancelled from exc
            raise
    log.info("Database schema is now at %s (was %s)", head, current)


@contextmanager
def _stoppable(connection: Connection, stop: Callable[[], bool] | None) -> Iterator[None]:
    """Let ``stop`` end a long statement on this connection: SQLite's progress handler asks
    it every few thousand steps. Removed before the commit or rollback, which must always
    finish."""
    driver_connection = connection.connection.driver_connection
    if stop is None or not isinstance(driver_connection, _DRIVER_CONNECTIONS):
        yield
        return
    driver_connection.set_progress_handler(lambda: 1 if stop() else 0, STOP_CHECK_STEPS)
    try:
        yield
    finally:
        driver_connection.set_progress_handler(None, 0)


@contextmanager
def _foreign_keys_checked_at_commit(connection: Connection) -> Iterator[None]:
    """SQLite's own procedure for changing a table it cannot alter (sqlite.org/lang_altertable):
    foreign keys off while a migration copies a table and drops the original, which would
    otherwise fail for a table others refer to; the whole database is checked before the
    commit instead. The setting only changes outside a transaction, so it is made on the
    driver's connection, and restored before the connection goes back to the pool."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver_connection.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
    if broken is not None:
        raise Bug(f"Migrating left a broken reference in table {broken[0]}; nothing changed.")


# Pages copied per step of a backup, between which progress is told and ``stop`` is asked.
BACKUP_STEP_PAGES = 4096


def backup_sqlite_file(source: Path, target: Path, *, progress: OpeningProgress | None = None,
                       stop: Callable[[], bool] | None = None,
                       key: bytes | None = None) -> Path:
    """Copy a live SQLite file with the backup API (consistent even while it is in use).

    ``progress`` hears the pages copied so far; once ``stop`` says True the copy ends with
    ``Cancelled`` and the unfinished file is removed. The copy is made under a ``.partial``
    name and takes its own only once checked, so a killed process never leaves a half copy
    that looks like a backup. An encrypted database's copy is encrypted with the same key
    (SQLCipher copies its pages as they are), and every copy is owner-only."""
    private_folder(target.parent)
    if target.exists():
        raise DatabaseError(f"{target} already exists; choose another name for the backup.")
    partial = target.with_name(target.name + ".partial")

    def step_done(_status: int, remaining: int, total: int) -> None:
        if stop is not None and stop():
            raise Cancelled  # sqlite3 then abandons the backup and raises this
        if progress is not None:
            progress(BACKING_UP, total - remaining, total)

    src = connect_file(source, key, read_only=True)
    try:
        partial.unlink(missing_ok=True)  # left by a process killed while copying
        dst = connect_file(partial, key, page_size=cipher_page_size(source) if key else None)
        owner_only(partial)
        try:
            src.backup(dst, pages=BACKUP_STEP_PAGES, progress=step_done)
            # The copy must not depend on a -wal file beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
            if progress is not None:
                progress(CHECKING_BACKUP, 0, 0)
            if stop is not None:
                dst.set_progress_handler(lambda: 1 if stop() else 0, STOP_CHECK_STEPS)
            result = dst.execute("PRAGMA integrity_check").fetchone()
        finally:
            dst.close()
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, _OPERATIONAL_ERRORS) and "interrupted" in str(exc):
            raise Cancelled from exc
        raise
    finally:
        src.close()
    if result is None or result[0] != "ok":
        partial.unlink(missing_ok=True)
        raise DatabaseError("The backup copy failed its integrity check; nothing was changed.")
    os.replace(partial, target)
    return target


def _free_backup_name(path: Path, head: str) -> Path:
    """backups/NAME.YYYYMMDD-HHMMSS.pre-REVISION.db, numbered when a backup of the same second
    exists (a migration stopped and started again at once)."""
    stamp = f"{path.stem}.{datetime.now():%Y%m%d-%H%M%S}"
    target = path.parent / "backups" / f"{stamp}.pre-{head}{path.suffix}"
    number = 1
    while target.exists():
        number += 1
        target = path.parent / "backups" / f"{stamp}-{number}.pre-{head}{path.suffix}"
    return target


def _prune_backups(folder: Path, stem: str) -> None:
    backups = sorted(folder.glob(f"{stem}.*.pre-*"))
    for old in backups[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
