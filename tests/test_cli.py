"""The command line, run as users run it: ``python -m scs_victims`` in a subprocess.

HOME and the XDG folders point into tmp_path, so the log file and the default database are
written there and can be inspected.
"""

from __future__ import annotations

import csv
import difflib
import io
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest

from scs_victims import __version__
from scs_victims.storage.database import DB_ENV_VAR
from tests.conftest import SHARED_DATA
from tests.helpers.cli import cli_env, log_files, run_cli
from tests.helpers.raw import connect as raw_connect
from tests.helpers.raw import copy_database
from tests.helpers.snapshot import (
    ACCESS_KINDS,
    RECORDS,
    audit_kinds_after,
    count,
    last_audit_id,
    snapshot,
)

FIGURES_HEADER = ("period,period_start,period_end,crime_type,ward,incidents,linked_incidents,"
                  "victims,repeat_incidents,repeat_victims,repeat_incident_rate,"
                  "repeat_victim_rate,concentration,per_1000")
WARDS = 21
AREAS_BY_WARD = 1 + WARDS + 1  # All, the wards, Unknown

INCIDENT_HEADER = ["reference", "crime_type", "occurred_on", "reported_on", "victim_ref",
                   "victim_forename", "victim_surname", "victim_dob", "victim_gender",
                   "address_line1", "address_line2", "town", "postcode", "uprn", "ward",
                   "perpetrator_forename", "perpetrator_surname", "perpetrator_dob",
                   "relationship", "source", "description"]


def _row(**cells: str) -> list[str]:
    unknown = set(cells) - set(INCIDENT_HEADER)
    assert not unknown, unknown
    return [cells.get(column, "") for column in INCIDENT_HEADER]


# A file with one good row and three bad ones; the people and places are invented.
BAD_ROWS = [
    _row(reference="N1", crime_type="dv", occurred_on="2024-06-01", victim_forename="Tamsin",
         victim_surname="Quillfeather", victim_dob="1981-03-04", address_line1="77 Larkspur Way",
         postcode="N3 2QZ", ward="Hendon", perpetrator_forename="Osric",
         perpetrator_surname="Vantablack", relationship="partner", source="police"),
    _row(reference="N2", crime_type="burglary", occurred_on="31/02/2024",
         address_line1="5 Wendlebury Close", postcode="NW7 4XJ", ward="Mill Hill"),
    _row(reference="N1", crime_type="asb", occurred_on="2024-06-02", victim_forename="Tamsin",
         victim_surname="Quillfeather", victim_dob="1981-03-04"),
    # B1 is already in the small fixture, with other details: a conflict.
    _row(reference="B1", crime_type="burglary", occurred_on="2023-05-02",
         address_line1="12 High Street", postcode="N3 1AA", ward="Finchley Church End"),
]
BAD_ROW_ERRORS = [
    "row 3: occurred_on: '31/02/2024' is not a date",
    "row 4: reference: 'N1' appears on an earlier row of this file",
    "row 5: reference: 'B1' is already in the database with different details",
]


def _write_csv(path: Path, rows: list[list[str]], header: list[str] = INCIDENT_HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    """Fail with the command's output unless it exited 0; return its stdout."""
    assert result.returncode == 0, (
        f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result.stdout


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout, result.stdout
    assert "Traceback" not in result.stderr, result.stderr


def _figure_rows(text: str) -> list[dict[str, str]]:
    assert text.splitlines()[0] == FIGURES_HEADER
    return list(csv.DictReader(io.StringIO(text)))


def _copy_db(template: Path, target: Path) -> Path:
    assert not Path(f"{template}-wal").exists(), "the template was not closed cleanly"
    return copy_database(template, target)


@pytest.fixture(scope="module")
def small_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wards and the 20 small-fixture incidents, loaded through the command line once."""
    sandbox = tmp_path_factory.mktemp("small-template")
    db = sandbox / "small.db"
    _ok(run_cli(sandbox, "wards", "load", SHARED_DATA / "wards.csv", db=db))
    _ok(run_cli(sandbox, "import", "incidents", SHARED_DATA / "incidents-small.csv", db=db))
    return db


@pytest.fixture
def small_db(small_db_template: Path, tmp_path: Path) -> Path:
    return _copy_db(small_db_template, tmp_path / "small.db")


# Reproducing the expected figures ---------------------------------------------------------

@pytest.mark.parametrize(("size", "incidents"), [("small", 20), ("medium", 1500)])
def test_figures_reproduce_the_expected_files_byte_for_byte(
        shared_data: Path, tmp_path: Path, size: str, incidents: int) -> None:
    db = tmp_path / f"{size}.db"
    out = tmp_path / f"figures-{size}.csv"

    loaded = _ok(run_cli(tmp_path, "wards", "load", shared_data / "wards.csv", db=db))
    assert f"{WARDS} wards added" in loaded
    imported = _ok(run_cli(tmp_path, "import", "incidents", shared_data / f"incidents-{size}.csv",
                           db=db))
    assert f"{incidents} new incidents, 0 already present and unchanged, 0 rejected" in imported
    wrote = _ok(run_cli(tmp_path, "figures", "--from", "2023-04-01", "--to", "2025-03-31",
                        "--by", "quarter", "--by-ward", "--format", "csv", "--out", out, db=db))

    expected = (shared_data / f"expected-figures-{size}.csv").read_bytes()
    actual = out.read_bytes()
    if actual != expected:
        diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                    actual.decode("utf-8", "replace").splitlines(),
                                    "expected", "actual", lineterm="", n=0)
        pytest.fail("figures differ from the expected file:\n" + "\n".join(list(diff)[:40]))
    assert f"Wrote {8 * 3 * AREAS_BY_WARD} rows" in wrote


# Refused input ----------------------------------------------------------------------------

def _fixture_personal_data(shared_data: Path) -> set[str]:
    """Names, street lines and postcodes in the small fixture and in BAD_ROWS."""
    columns = ("victim_forename", "victim_surname", "perpetrator_forename",
               "perpetrator_surname", "address_line1", "postcode")
    values: set[str] = set()
    with (shared_data / "incidents-small.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            values.update(row[column] for column in columns)
    for cells in BAD_ROWS:
        values.update(cells[INCIDENT_HEADER.index(column)] for column in columns)
    values.discard("")
    # Postcodes also in their compact form, names also upper-cased.
    return values | {value.replace(" ", "") for value in values} | {v.upper() for v in values}


def test_a_file_with_bad_rows_is_refused_whole_with_every_error_listed(
        small_db: Path, tmp_path: Path, shared_data: Path) -> None:
    bad = _write_csv(tmp_path / "bad.csv", BAD_ROWS)
    before = snapshot(small_db, RECORDS)
    audited = last_audit_id(small_db)

    result = run_cli(tmp_path, "import", "incidents", bad, db=small_db)

    assert result.returncode == 1, result
    _no_traceback(result)
    assert "bad.csv was not imported" in result.stderr
    assert "nothing was changed" in result.stderr
    error_lines = [line.strip() for line in result.stderr.splitlines()
                   if line.startswith("  row ")]
    assert len(error_lines) == len(BAD_ROW_ERRORS)
    for line, expected in zip(error_lines, BAD_ROW_ERRORS, strict=True):
        assert line.startswith(expected), (line, expected)
    assert snapshot(small_db, RECORDS) == before
    assert audit_kinds_after(small_db, audited) <= ACCESS_KINDS  # signed in, nothing else

    # The log says nothing about the people or places in the files.
    logs = log_files(tmp_path)
    assert logs, f"no log file under {tmp_path}"
    log_text = "\n".join(path.read_text(encoding="utf-8") for path in logs)
    assert "Traceback" not in log_text
    leaked = sorted(value for value in _fixture_personal_data(shared_data) if value in log_text)
    assert leaked == []


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(
        small_db: Path, tmp_path: Path) -> None:
    bad = _write_csv(tmp_path / "bad.csv", BAD_ROWS)
    rejects = tmp_path / "out" / "rejected.csv"
    rejects.parent.mkdir()

    out = _ok(run_cli(tmp_path, "import", "incidents", bad, "--skip-invalid", "--rejects",
                      rejects, db=small_db))

    assert "1 new incidents, 0 already present and unchanged, 3 rejected" in out
    assert str(rejects) in out
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.reader(handle))
    assert rejected[0] == [*INCIDENT_HEADER, "error"]
    assert [row[0] for row in rejected[1:]] == ["N2", "N1", "B1"]
    assert rejected[1][-1] == "occurred_on: '31/02/2024' is not a date"
    assert not list(rejects.parent.glob("*.partial"))
    assert count(small_db, "incidents") == 21


def test_importing_the_same_file_again_changes_no_incident(
        small_db: Path, tmp_path: Path, shared_data: Path) -> None:
    before = snapshot(small_db)

    out = _ok(run_cli(tmp_path, "import", "incidents", shared_data / "incidents-small.csv",
                      db=small_db))

    assert "0 new incidents, 20 already present and unchanged, 0 rejected" in out
    after = snapshot(small_db)
    for table in ("incidents", "people", "addresses", "wards"):
        assert after[table] == before[table], table
    assert after["import_runs"].rows == before["import_runs"].rows + 1


def test_a_file_that_does_not_exist_is_refused(small_db: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "import", "incidents", tmp_path / "missing.csv", db=small_db)
    assert result.returncode == 1, result
    _no_traceback(result)
    assert "missing.csv" in result.stderr


# Usage errors -----------------------------------------------------------------------------

FIGURES = ["figures", "--from", "2024-04-01", "--to", "2025-03-31"]


@pytest.mark.parametrize("args", [
    pytest.param(["bogus"], id="unknown-command"),
    pytest.param([*FIGURES, "--out", "-"], id="figures-without-format"),
    pytest.param(["figures", "--from", "2024-13-01", "--to", "2025-03-31", "--format", "csv",
                  "--out", "-"], id="bad-from-date"),
    pytest.param([*FIGURES, "--by", "week", "--format", "csv", "--out", "-"], id="bad-by"),
])
def test_usage_errors_exit_2_before_touching_the_database(tmp_path: Path,
                                                          args: list[str]) -> None:
    db = tmp_path / "never.db"
    result = run_cli(tmp_path, *args, db=db, init=False)
    assert result.returncode == 2, result
    _no_traceback(result)
    assert "usage:" in result.stderr
    assert result.stdout == ""
    assert not db.exists()
    if "2024-13-01" in args:
        assert "'2024-13-01' is not a date" in result.stderr


# Figures ----------------------------------------------------------------------------------

def _expected_small(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "expected-figures-small.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class FiguresCase(NamedTuple):
    by: str
    first: str
    last: str
    types: list[str]
    by_ward: bool
    labels: list[str]
    spans: list[tuple[str, str]] | None


@pytest.mark.parametrize("case", [
    pytest.param(FiguresCase(
        "month", "2024-04-01", "2025-03-31", [], False,
        ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10",
         "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"], None), id="month"),
    pytest.param(FiguresCase(
        "fy", "2023-04-01", "2025-03-31", [], False, ["2023/24", "2024/25"],
        [("2023-04-01", "2024-03-31"), ("2024-04-01", "2025-03-31")]), id="fy"),
    pytest.param(FiguresCase(
        "year", "2023-04-01", "2025-03-31", ["dv", "burglary"], False, ["2023", "2024", "2025"],
        [("2023-04-01", "2023-12-31"), ("2024-01-01", "2024-12-31"),
         ("2025-01-01", "2025-03-31")]), id="year-clipped-two-types"),
    pytest.param(FiguresCase(
        "quarter", "2024-04-01", "2025-03-31", ["asb"], True,
        ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"], None),
        id="quarter-asb-by-ward"),
])
def test_figures_periods_types_and_areas(
        small_db: Path, tmp_path: Path, shared_data: Path, case: FiguresCase) -> None:
    by, first, last, types, by_ward, labels, spans = case
    args = ["figures", "--from", first, "--to", last, "--by", by, "--format", "csv",
            "--out", "-"]
    if types:
        args += ["--type", *types]
    if by_ward:
        args.append("--by-ward")

    out = _ok(run_cli(tmp_path, *args, db=small_db))

    assert "Wrote" not in out  # --out - writes the CSV and nothing else to stdout
    rows = _figure_rows(out)
    wanted_types = [t for t in ("asb", "burglary", "dv") if not types or t in types]
    areas = AREAS_BY_WARD if by_ward else 1
    assert len(rows) == len(labels) * len(wanted_types) * areas
    # Periods oldest first, then crime types in the fixed order, then areas.
    assert [row["period"] for row in rows[::len(wanted_types) * areas]] == labels
    assert [row["crime_type"] for row in rows[:len(wanted_types) * areas:areas]] == wanted_types
    assert rows[0]["ward"] == "All"
    if not by_ward:
        assert {row["ward"] for row in rows} == {"All"}
    else:
        assert rows[1]["ward"] == "Brunswick Park"
        assert rows[areas - 1]["ward"] == "Unknown"
    if spans:
        got = [(row["period_start"], row["period_end"])
               for row in rows[::len(wanted_types) * areas]]
        assert got == spans
    # Incident counts add up to the expected quarterly figures over the same days.
    quarters = [row for row in _expected_small(shared_data)
                if first <= row["period_start"] and row["period_end"] <= last]
    for crime_type in wanted_types:
        total = sum(int(r["incidents"]) for r in rows
                    if r["crime_type"] == crime_type and r["ward"] == "All")
        expected = sum(int(r["incidents"]) for r in quarters
                       if r["crime_type"] == crime_type and r["ward"] == "All")
        assert total == expected, crime_type


def test_to_before_from_is_refused(small_db: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "figures", "--from", "2025-03-31", "--to", "2024-04-01",
                     "--format", "csv", "--out", tmp_path / "f.csv", db=small_db)
    assert result.returncode == 1, result
    _no_traceback(result)
    assert "--to must not be before --from" in result.stderr
    assert not (tmp_path / "f.csv").exists()


# Other commands ---------------------------------------------------------------------------

def test_version(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"scs-victims {__version__}"


def test_alerts_on_a_date_lists_them(small_db: Path, tmp_path: Path) -> None:
    out = _ok(run_cli(tmp_path, "alerts", "--on", "2025-03-31", db=small_db))
    lines = out.splitlines()
    assert lines[0].endswith(" alerts on 31/03/2025:")
    number = int(lines[0].split()[0])
    assert number == len(lines) - 1 > 0
    assert all(line.startswith("- ") for line in lines[1:])
    assert any("Repeat DV victim" in line for line in lines)
    assert any("Repeat burglary victim" in line for line in lines)


def test_alerts_default_to_today(tmp_path: Path) -> None:
    out = _ok(run_cli(tmp_path, "alerts", db=tmp_path / "empty.db"))
    assert f"{date.today():%d/%m/%Y}" in out


def test_demo_fills_a_new_database_once(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    out = _ok(run_cli(tmp_path, "demo", "--incidents", "2000", "--seed", "3", db=db))
    assert "demo borough is ready" in out
    assert count(db, "incidents") == 2000
    assert count(db, "wards") > 0
    before = snapshot(db, RECORDS)
    audited = last_audit_id(db)

    again = run_cli(tmp_path, "demo", "--incidents", "2000", "--seed", "3", db=db)

    assert again.returncode == 1, again
    _no_traceback(again)
    assert "already holds incidents" in again.stderr
    assert snapshot(db, RECORDS) == before
    assert audit_kinds_after(db, audited) <= ACCESS_KINDS
    checked = _ok(run_cli(tmp_path, "check", db=db))
    assert "is sound" in checked


def test_check_says_sound(small_db: Path, tmp_path: Path) -> None:
    out = _ok(run_cli(tmp_path, "check", db=small_db))
    assert out.strip() == f"{small_db} is sound."


def test_env_var_chooses_the_database_when_db_is_absent(small_db: Path, tmp_path: Path) -> None:
    env = cli_env(tmp_path, **{DB_ENV_VAR: str(small_db)})
    out = _ok(run_cli(tmp_path, "wards", "list", env=env))
    lines = out.splitlines()
    assert len(lines) == WARDS
    assert lines[0].startswith("Brunswick Park\t")

    # --db wins over the environment.
    other = tmp_path / "other.db"
    _ok(run_cli(tmp_path, "wards", "list", db=other, env=env))
    assert other.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG data folder on Linux")
def test_without_db_or_env_var_the_data_folder_is_used(tmp_path: Path) -> None:
    made = _ok(run_cli(tmp_path, "init"))
    assert "is its administrator" in made
    out = _ok(run_cli(tmp_path, "check"))
    default = tmp_path / "xdg-data" / "SCS Victims" / "scs-victims.db"
    assert default.exists()
    assert out.strip() == f"{default} is sound."


# Databases the command line must refuse ---------------------------------------------------

def test_a_database_from_a_newer_version_is_refused(small_db: Path, tmp_path: Path) -> None:
    connection = raw_connect(small_db)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    connection.close()
    before = snapshot(small_db)

    result = run_cli(tmp_path, "check", db=small_db)

    assert result.returncode == 1, result
    _no_traceback(result)
    assert "newer version of SCS Victims" in result.stderr
    assert snapshot(small_db) == before
    assert not (tmp_path / "backups").exists()


# (A folder and another application's SQLite file are refused in test_database.py too.)
@pytest.mark.parametrize("kind", ["text-file", "unmakeable-folder"])
def test_a_path_that_is_not_an_scs_database_is_refused(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "target"
    if kind == "text-file":
        target.write_text("Minutes of the partnership meeting\n" * 200, encoding="utf-8")
    else:
        blocker = tmp_path / "blocker"
        blocker.write_text("a file where a folder would have to be", encoding="utf-8")
        target = blocker / "sub" / "scs.db"
    before = target.read_bytes() if target.is_file() else None

    result = run_cli(tmp_path, "check", db=target, init=False)

    assert result.returncode == 1, result
    _no_traceback(result)
    assert "Something went wrong" not in result.stderr
    assert str(target) in result.stderr
    if kind == "text-file":
        assert target.read_bytes() == before


def test_a_database_from_an_earlier_version_is_updated_with_a_word_first(
        tmp_path: Path) -> None:
    from tests.helpers.revisions import database_at

    db = database_at(tmp_path / "old.db", "0006")
    refused = run_cli(tmp_path, "wards", "list", db=db, init=False)
    assert refused.returncode == 1 and "init" in refused.stderr  # updated, but no accounts
    assert "Updating the database for this version" in refused.stderr
    # The first administrator of the old database, as an administrator would set it up.
    made = run_cli(tmp_path, "init", db=db)
    _ok(made)
    _no_traceback(made)
    again = run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=db)
    assert "Updating the database" not in _ok(again) + again.stderr
    assert len(list((tmp_path / "backups").glob("old.*.pre-*.db"))) == 1
