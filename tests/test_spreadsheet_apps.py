"""Files we write, opened by a real spreadsheet program: no cell runs as a formula.

Needs LibreOffice (`soffice`); skipped, and says so, where it is not installed (CI machines).
LibreOffice converts our CSV and XLSX to its own XLSX, recalculating; openpyxl then reads what
LibreOffice made of every cell: the text as written, never a formula or a computed number.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from scs_victims.spreadsheets import SafeCsvWriter, safe_cell_text, xlsx_cell

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

DANGEROUS = ["=1+1", "+2+3", "-2+3", "@SUM(1,1)", "=HYPERLINK(\"http://example.invalid\",\"x\")",
             "\t=1+1", "'=1+1", "=cmd|' /C calc'!A0", "O'Brien", "-", "plain text"]


def _convert(source: Path, folder: Path) -> Path:
    out = folder / "converted"
    out.mkdir(exist_ok=True)
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=120)
    return out / (source.stem + ".xlsx")


def _cells(path: Path) -> list[object]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [row[0].value for row in sheet.iter_rows()]


@pytest.mark.slow
def test_libreoffice_runs_no_formula_from_our_csv(tmp_path: Path) -> None:
    path = tmp_path / "cells.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeCsvWriter(handle)
        for text in DANGEROUS:
            writer.writerow([text])
    values = _cells(_convert(path, tmp_path))
    # Shown as the protected text, apostrophe and all (OWASP): never a formula, never a number.
    assert values == [safe_cell_text(text) for text in DANGEROUS]


@pytest.mark.slow
def test_libreoffice_runs_no_formula_from_our_xlsx(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for text in DANGEROUS:
        sheet.append([xlsx_cell(sheet, text)])
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    values = _cells(_convert(path, tmp_path))
    # CHOICE (spreadsheets.py): XML keeps a tab but turns a carriage return into a line feed.
    assert values == DANGEROUS
