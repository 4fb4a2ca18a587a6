"""A checksum of what a database holds, read with the sqlite3 module (not the app)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.raw import connect

TABLES = ("wards", "import_runs", "people", "addresses", "incidents", "audit_events",
          "merges", "settings", "alembic_version")
# What users recorded, without the audit log, which also records that someone signed in (and
# so grows even when a command refuses its input and changes nothing else).
RECORDS = tuple(table for table in TABLES if table != "audit_events")
# The kinds of audit event a refused command may still leave.
ACCESS_KINDS = frozenset({"sign_in", "sign_in_failed", "refused", "view", "search"})


@dataclass(frozen=True)
class TableState:
    rows: int
    sha256: str


def snapshot(path: Path, tables: tuple[str, ...] = TABLES) -> dict[str, TableState]:
    """Row count and SHA-256 of every row (in primary-key order) of each table.

    Opening the file runs SQLite's recovery, so after a crash this is what any later
    connection will see.
    """
    connection = connect(path)
    try:
        result: dict[str, TableState] = {}
        for table in tables:
            digest = hashlib.sha256()
            count = 0
            order = "1" if table == "alembic_version" else "rowid"
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY {order}"):
                digest.update(repr(row).encode("utf-8"))
                digest.update(b"\n")
                count += 1
            result[table] = TableState(count, digest.hexdigest())
        return result
    finally:
        connection.close()


def integrity(path: Path) -> list[str]:
    connection = connect(path)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def count(path: Path, table: str) -> int:
    connection = connect(path)
    try:
        value: int = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return value
    finally:
        connection.close()


def audit_kinds_after(path: Path, last_id: int) -> set[str]:
    """The kinds of the audit events written after event ``last_id``."""
    connection = connect(path)
    try:
        return {row[0] for row in connection.execute(
            "SELECT action FROM audit_events WHERE id > ?", (last_id,))}
    finally:
        connection.close()


def last_audit_id(path: Path) -> int:
    connection = connect(path)
    try:
        value: int = connection.execute(
            "SELECT coalesce(max(id), 0) FROM audit_events").fetchone()[0]
        return value
    finally:
        connection.close()
