"""`scs-victims marac import` and `marac return` through the command line, on the fixtures."""

from __future__ import annotations

import difflib
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.helpers.cli import cli_env, command, run_cli

PERIOD = ("--from", "2024-04-01", "--to", "2025-03-31")


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _same_bytes(expected: bytes, actual: bytes) -> None:
    if actual != expected:
        diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                    actual.decode("utf-8", "replace").splitlines(),
                                    "expected", "actual", lineterm="", n=0)
        pytest.fail("the return differs from the expected file:\n" + "\n".join(list(diff)[:40]))


@pytest.mark.parametrize(("size", "referrals"), [("small", 9), ("medium", 600)])
def test_the_return_reproduces_the_expected_files_byte_for_byte(
        shared_data: Path, tmp_path: Path, size: str, referrals: int) -> None:
    db = tmp_path / f"{size}.db"
    out = tmp_path / f"return-{size}.csv"
    imported = _ok(run_cli(tmp_path, "marac", "import",
                           shared_data / f"marac-referrals-{size}.csv", db=db))
    assert f"{referrals} new MARAC referrals, 0 already present and unchanged, 0 rejected" \
        in imported
    _ok(run_cli(tmp_path, "marac", "return", *PERIOD, "--format", "csv", "--out", out, db=db))
    _same_bytes((shared_data / f"expected-marac-return-{size}.csv").read_bytes(),
                out.read_bytes())


def test_the_csv_goes_to_standard_output_with_a_dash(shared_data: Path, tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    _ok(run_cli(tmp_path, "marac", "import", shared_data / "marac-referrals-small.csv", db=db))
    # Bytes, not text: the line ends must reach the file exactly as written.
    result = subprocess.run(
        command("marac", "return", *PERIOD, "--format", "csv", "--out", "-", db=db),
        cwd=tmp_path, env=cli_env(tmp_path), capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
    _same_bytes((shared_data / "expected-marac-return-small.csv").read_bytes(), result.stdout)


def test_a_second_import_of_the_same_file_changes_nothing(shared_data: Path,
                                                          tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    _ok(run_cli(tmp_path, "marac", "import", shared_data / "marac-referrals-small.csv", db=db))
    again = _ok(run_cli(tmp_path, "marac", "import", shared_data / "marac-referrals-small.csv",
                        db=db))
    assert "0 new MARAC referrals, 9 already present and unchanged, 0 rejected" in again


def test_a_bad_file_is_refused_with_exit_1_and_row_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("referral_ref,referral_date,victim_ref,perpetrator_ref,referring_agency\n"
                   "R1,31/02/2024,V1,P1,Police\n", encoding="utf-8")
    result = run_cli(tmp_path, "marac", "import", bad, db=tmp_path / "t.db")
    assert result.returncode == 1
    assert "row 2: referral_date: '31/02/2024' is not a date" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "marac", "return", "--from", "2024-04-01", "--format", "csv",
                     "--out", "-", db=tmp_path / "t.db")
    assert result.returncode == 2
    assert run_cli(tmp_path, "marac", "return", *PERIOD, "--format", "pdf", "--out", "-",
                   db=tmp_path / "t.db").returncode == 2


def test_the_xlsx_has_real_numbers_and_a_summary(shared_data: Path, tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    out = tmp_path / "return.xlsx"
    _ok(run_cli(tmp_path, "marac", "import", shared_data / "marac-referrals-small.csv", db=db))
    _ok(run_cli(tmp_path, "settings", "set", "marac_dash_threshold", "14", db=db))
    _ok(run_cli(tmp_path, "marac", "return", *PERIOD, "--format", "xlsx", "--out", out, db=db))

    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Meetings", "Summary"]
    rows = list(workbook["Meetings"].iter_rows(values_only=True))
    assert rows[0][:3] == ("meeting_date", "cases_discussed", "repeat_cases")
    assert [row[0] for row in rows[1:]] == [datetime(2024, 5, 15), datetime(2024, 7, 10),
                                            datetime(2024, 8, 7), "Total"]
    total = rows[-1]
    assert total[1:4] == (7, 3, 9)
    assert isinstance(total[1], int)
    assert total[10] == 2.5  # ref_police: halves are real numbers
    summary = dict(workbook["Summary"].iter_rows(values_only=True))
    assert summary["Cases discussed"] == 7
    assert summary["Repeat cases"] == 3
    assert summary["Repeat rate (%)"] == pytest.approx(42.86)
    assert summary["Female population aged 16+"] == "not known"
    assert summary["SafeLives recommendation per 10,000 adult females"] == 40
    assert summary["12 months from"] == datetime(2024, 4, 1)
    assert date(2025, 3, 31) == summary["12 months to"].date()
