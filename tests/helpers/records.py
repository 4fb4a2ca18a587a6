"""Every stored record, read through the application's own engine, to compare before/after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from scs_victims.storage.database import Database
from scs_victims.storage.models import Address, Incident, Person, Ward, table_of


def stored_records(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every column of every incident, person, address and ward: 'nothing changed' means
    equal."""
    result: dict[str, list[tuple[Any, ...]]] = {}
    with database.session() as session:
        for model in (Incident, Person, Address, Ward):
            table = table_of(model)
            result[table.name] = [tuple(row) for row in session.execute(
                select(table).order_by(table.c.id))]
    return result
