"""Messages between the parsing process and the writer: marshal where it can, pickle otherwise,
and the same values (of the same types) either way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.dialects import postgresql, sqlite

from scs_victims.errors import RowError
from scs_victims.importing.incidents import ImportSummary, checker_encodings, import_incidents
from scs_victims.importing.pipeline import (
    CheckerConfig,
    checked_batches,
    decoded_message,
    encoded_message,
)
from scs_victims.storage.database import Database

TODAY = date(2026, 11, 21)
ROWS = ("reference,crime_type,occurred_on,reported_on,victim_forename,victim_surname,victim_dob,"
        "address_line1,postcode,source\n"
        "R1,dv,2024-02-29 14:05,01/03/2024,Ada,Testperson,1980-01-02,1 Invented Row,N3 1AA,"
        "police\n"
        "R2,burglary,01/03/2024,,,,,1 Invented Row,n31aa,\n"
        "R3,asb,2024-03-02,,Ada,Testperson,1980-01-02,,,council\n")
BAD_ROW = "R4,dv,31/02/2024,,,,,,,\n"


def _messages(path: Path, dialect: sqlite.dialect | postgresql.dialect
              ) -> list[tuple[object, ...]]:
    config = CheckerConfig(path=path, encoding="UTF-8", today=TODAY, wards_configured=False,
                           ward_keys=frozenset(), keep_raw=True,
                           encodings=checker_encodings(dialect))
    return [("batch", *batch) for batch in checked_batches(config, parallel=False)]


def _same(decoded: object, original: object) -> bool:
    """Equal, and of the very same types all the way down."""
    if type(decoded) is not type(original):
        return False
    if isinstance(original, (tuple, list)):
        assert isinstance(decoded, (tuple, list))
        return len(decoded) == len(original) and all(
            _same(inner, value) for inner, value in zip(decoded, original, strict=True))
    return decoded == original


def test_batches_for_sqlite_cross_as_marshal_data(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(ROWS, encoding="utf-8")
    [message] = _messages(path, sqlite.dialect())
    data = encoded_message(message)
    assert data[:1] == b"M"
    assert _same(decoded_message(data), message)


def test_row_errors_and_dates_as_they_are_go_pickled_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(ROWS + BAD_ROW, encoding="utf-8")
    [with_errors] = _messages(path, sqlite.dialect())
    rows = with_errors[3]
    assert isinstance(rows, list)
    assert any(isinstance(checked, list) and isinstance(checked[0], RowError)
               for _, _, checked, _ in rows)
    path.write_text(ROWS, encoding="utf-8")
    [with_dates] = _messages(path, postgresql.dialect())
    for message in (with_errors, with_dates):
        data = encoded_message(message)
        assert data[:1] == b"P"
        assert _same(decoded_message(data), message)


def test_a_parsing_process_sends_good_and_bad_rows_alike(database: Database,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(ROWS + BAD_ROW, encoding="utf-8")
    summaries: list[ImportSummary] = [
        import_incidents(database, path, parallel=parallel, skip_invalid=True, today=TODAY,
                         rejects_path=tmp_path / f"rejects-{parallel}.csv")
        for parallel in (True, False)
    ]
    across, here = summaries
    assert (across.imported, across.rejected) == (3, 1)
    assert (here.imported, here.unchanged, here.rejected) == (0, 3, 1)
    assert across.errors == here.errors
    assert ((tmp_path / "rejects-True.csv").read_bytes()
            == (tmp_path / "rejects-False.csv").read_bytes())
