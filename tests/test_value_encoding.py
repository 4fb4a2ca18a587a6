"""The parsing process's plain conversions store values exactly as the dialects would."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, TypeDecorator
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from scs_victims.errors import Bug
from scs_victims.importing.incidents import checker_encodings
from scs_victims.importing.pipeline import INCIDENT_VALUES, PERSON_VALUES
from scs_victims.importing.value_encoding import PLAIN_ENCODERS, conversions, converted
from scs_victims.storage.bulk import matching_encoders, value_encoders
from scs_victims.storage.models import Incident, Person, table_of

DATE_TEXT = "date as ISO text"
TIME_TEXT = "time as ISO text with microseconds"


def test_sqlite_stores_dates_and_times_as_iso_text_and_postgresql_as_they_are() -> None:
    on_sqlite = checker_encodings(sqlite.dialect())
    assert dict(zip(INCIDENT_VALUES, on_sqlite.incident, strict=True)) == {
        "occurred_on": DATE_TEXT, "occurred_time": TIME_TEXT, "reported_on": DATE_TEXT,
        "source": None, "description": None, "perpetrator_name": None, "relationship": None,
        "case_ref": None, "hate_motivated": "boolean as it is",
    }
    assert dict(zip(PERSON_VALUES, on_sqlite.person, strict=True))["date_of_birth"] == DATE_TEXT
    assert sum(name is not None for name in on_sqlite.person) == 1
    on_postgresql = checker_encodings(postgresql.psycopg.dialect())
    assert set(on_postgresql.person) == {None}
    assert dict(zip(INCIDENT_VALUES, on_postgresql.incident, strict=True)) == {
        **{name: None for name in INCIDENT_VALUES}, "hate_motivated": "boolean as it is"}


def _sqlite_processor(model: type[Incident] | type[Person], column: str) -> object:
    [process] = value_encoders(sqlite.dialect(), table_of(model), [column])
    return process


@given(st.dates(), st.times())
def test_the_plain_conversions_are_sqlalchemys_for_any_date_and_time(on: date, at: time) -> None:
    dialect: Dialect = sqlite.dialect()
    encodings = checker_encodings(dialect)
    processors = value_encoders(dialect, table_of(Incident), INCIDENT_VALUES)
    values = (on, at, on, "police", None, None, None, "ASB-1", True)
    expected = tuple(value if process is None else process(value)
                     for process, value in zip(processors, values, strict=True))
    assert converted(values, conversions(encodings.incident)) == expected


def test_a_processor_that_no_plain_conversion_reproduces_is_a_bug() -> None:
    class Shouting(TypeDecorator[str]):
        impl = Integer
        cache_ok = True

        def process_bind_param(self, value: object, dialect: Dialect) -> object:  # noqa: ARG002
            return None if value is None else f"{value}!"

    table = Table("odd", MetaData(), Column("id", Integer, primary_key=True),
                  Column("loud", Shouting()))
    with pytest.raises(Bug, match="odd.loud"):
        matching_encoders(sqlite.dialect(), table, ["id", "loud"], PLAIN_ENCODERS)


def test_the_parsing_process_does_not_load_sqlalchemy() -> None:
    """It imports the pipeline module alone: the ORM would cost each import about 30 MB
    and 0.4 s of start-up."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, scs_victims.importing.pipeline; "
         "print(sorted(name for name in sys.modules if name.split('.')[0] == 'sqlalchemy'))"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
