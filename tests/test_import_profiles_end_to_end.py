"""Another system's export, read through an import profile (issue 18): the council's CSV and
its workbook give exactly the figures our own layout gives; rows of other crime types are
left out and counted; a re-import changes nothing; and the command line refuses what it
must without echoing anyone's details."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from tests.helpers.cli import run_cli

FIGURES = ("figures", "--from", "2023-04-01", "--to", "2025-03-31", "--by", "quarter",
           "--by-ward", "--format", "csv", "--out")


def _ok(result: object) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


@pytest.mark.parametrize("export", ["council-export-medium.csv", "council-export-medium.xlsx"])
def test_an_export_with_its_profile_gives_the_figures_of_our_own_layout(
        tmp_path: Path, export: str) -> None:
    db = tmp_path / "scs.db"
    _ok(run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=db))
    profile = SHARED_DATA / f"{export}.toml"
    said = _ok(run_cli(tmp_path, "import", "incidents", SHARED_DATA / export, "--profile",
                       profile, db=db))
    assert ": 1500 new incidents, 0 already present and unchanged, 0 rejected." in said
    assert "97 rows of other crime types left out by the profile." in said
    out = tmp_path / "figures.csv"
    _ok(run_cli(tmp_path, *FIGURES, out, db=db))
    assert out.read_bytes() == (SHARED_DATA / "expected-figures-medium.csv").read_bytes()
    again = _ok(run_cli(tmp_path, "import", "incidents", SHARED_DATA / export, "--profile",
                        profile, db=db))
    assert ": 0 new incidents, 1500 already present and unchanged, 0 rejected." in again


def test_a_profile_that_is_not_toml_is_refused_before_any_row(tmp_path: Path) -> None:
    db = tmp_path / "scs.db"
    profile = tmp_path / "broken.toml"
    profile.write_text('name = "x"\nkind = "incidents"\n[columns\n', encoding="utf-8")
    result = run_cli(tmp_path, "import", "incidents", SHARED_DATA / "council-export-medium.csv",
                     "--profile", profile, db=db)
    assert result.returncode == 1 and "broken.toml" in result.stderr
    assert "Traceback" not in result.stderr
    assert "0 new" not in result.stdout


def test_errors_name_their_column_and_never_echo_an_address(tmp_path: Path) -> None:
    """A shifted column puts an address where a date belongs: the terminal says which row
    and column, not the address."""
    source = SHARED_DATA / "council-export-medium.csv"
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    date_at, street_at = header.index("Incident Date"), header.index("Address 1")
    shifted = next(index for index, row in enumerate(rows[1:], start=1)
                   if row[1].startswith("Domestic") and row[street_at])
    street = rows[shifted][street_at]
    rows[shifted][date_at] = street
    path = tmp_path / "shifted.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    db = tmp_path / "scs.db"
    _ok(run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=db))
    result = run_cli(tmp_path, "import", "incidents", path, "--profile",
                     SHARED_DATA / "council-export-medium.csv.toml", db=db)
    assert result.returncode == 1
    assert f"row {shifted + 1}: Incident Date" in result.stderr, result.stderr
    assert street not in result.stderr and street not in result.stdout


def test_a_stray_quote_is_refused_naming_where_it_opened(tmp_path: Path) -> None:
    lines = (SHARED_DATA / "incidents-medium.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    broken = lines[10].split(",")
    broken[header.index("description")] = '"Shouted at the door'
    lines[10] = ",".join(broken)
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "scs.db"
    _ok(run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=db))
    result = run_cli(tmp_path, "import", "incidents", path, db=db)
    assert result.returncode == 1, result.stdout
    assert "row 11" in result.stderr and "never closed" in result.stderr, result.stderr
    assert "new incidents" not in result.stdout


def test_marac_referrals_from_a_workbook_with_a_profile_give_the_same_return(
        tmp_path: Path) -> None:
    """Another layout of the medium referrals (their headers, a full-name column, their
    agency words, a title row) as a workbook: the SafeLives return is byte for byte ours."""
    from openpyxl import Workbook

    with (SHARED_DATA / "marac-referrals-medium.csv").open(encoding="utf-8-sig",
                                                            newline="") as handle:
        rows = list(csv.DictReader(handle))
    theirs = {"referral_ref": "Ref No", "referral_date": "Referred", "meeting_date": "MARAC",
              "victim_ref": "Client ID", "victim_dob": "Client DOB",
              "victim_gender": "Client Gender"}
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Referrals"
    sheet.append(["MARAC referrals, synthetic"])
    other = [column for column in rows[0] if column not in theirs
             and column not in ("victim_forename", "victim_surname")]
    sheet.append([*theirs.values(), "Client", *other])
    for row in rows:
        name = ", ".join(part for part in (row["victim_surname"], row["victim_forename"])
                         if part)
        sheet.append([*(row[ours] for ours in theirs), name, *(row[column] for column in other)])
    workbook = tmp_path / "referrals.xlsx"
    book.save(workbook)
    profile = tmp_path / "referrals.toml"
    profile.write_text(
        'name = "Coordinator workbook"\nkind = "marac-referrals"\nsheet = "referrals"\n'
        'header_row = 2\ndates = "yyyy-mm-dd"\n[columns]\n'
        + "".join(f'{ours} = "{their}"\n' for ours, their in theirs.items())
        + 'victim_name = "Client"\n', encoding="utf-8")
    db = tmp_path / "scs.db"
    said = _ok(run_cli(tmp_path, "marac", "import", workbook, "--profile", profile, db=db))
    assert "600 new MARAC referrals, 0 already present and unchanged, 0 rejected" in said
    out = tmp_path / "return.csv"
    _ok(run_cli(tmp_path, "marac", "return", "--from", "2024-04-01", "--to", "2025-03-31",
                "--format", "csv", "--out", out, db=db))
    assert out.read_bytes() == (SHARED_DATA / "expected-marac-return-medium.csv").read_bytes()
