"""The enumerated columns of incidents and people checked by comparisons, not IN lists.

SQLite builds a lookup table for an IN list of more than two values every time it checks a
row: the incidents' three such checks were over a third of the cost of inserting one. The
checks allow exactly what they allowed before (``models.one_of``). SQLite cannot alter a
check, so both tables are copied (foreign keys are checked after the copy, storage.database).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# table -> check name -> (column, allowed values, NULL allowed); frozen as of this revision.
_CHECKS: dict[str, dict[str, tuple[str, tuple[str, ...], bool]]] = {
    "incidents": {
        "crime_type_known": ("crime_type", ("asb", "burglary", "dv"), False),
        "source_known": ("source", ("police", "council", "housing", "health", "self", "other"),
                         True),
        "relationship_known": ("relationship", ("partner", "ex-partner", "family", "other"),
                               True),
    },
    "people": {
        "gender_known": ("gender", ("female", "male", "other", "unknown"), True),
    },
}


def _by_comparison(column: str, values: tuple[str, ...], or_null: bool) -> str:
    condition = " OR ".join(f"{column} = '{value}'" for value in values)
    return f"{column} IS NULL OR {condition}" if or_null else condition


def _by_list(column: str, values: tuple[str, ...], or_null: bool) -> str:
    condition = f"{column} IN ({', '.join(repr(value) for value in values)})"
    return f"{column} IS NULL OR {condition}" if or_null else condition


def _replace_checks(form: Callable[[str, tuple[str, ...], bool], str]) -> None:
    for table, checks in _CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, (column, values, or_null) in checks.items():
                full_name = op.f(f"ck_{table}_{name}")
                batch_op.drop_constraint(full_name, type_="check")
                batch_op.create_check_constraint(full_name, form(column, values, or_null))


def upgrade() -> None:
    _replace_checks(_by_comparison)


def downgrade() -> None:
    _replace_checks(_by_list)
