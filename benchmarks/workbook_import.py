"""Issue 18: importing the generated borough from an Excel workbook instead of a CSV.

    .venv/bin/python benchmarks/workbook_import.py                    # 1,000,000 incidents
    .venv/bin/python benchmarks/workbook_import.py --incidents 100000

The borough's CSV (as benchmarks/run.py makes it) is written once as a workbook, dates as
date cells and a title above the header as councils' exports have, with the profile that
reads it; then the CSV and the workbook are each imported into a fresh database through the
command line, and wall time and peak memory (the command's processes together) are
compared. There is no target: the issue asks for the workbook's time to be measured and
recorded. Results go to benchmarks/out/workbook-import.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import OUT, run_cli  # noqa: E402 - benchmarks/run.py, beside this file

DATE_COLUMNS = ("reported_on", "victim_dob", "perpetrator_dob")


def _cell(column: str, text: str) -> object:
    from scs_victims.domain.dates import parse_date, parse_date_time

    if not text:
        return None
    if column == "occurred_on":
        on, at = parse_date_time(text)
        return on if at is None else datetime.combine(on, at)
    if column in DATE_COLUMNS:
        return parse_date(text)
    return text


def write_workbook(source: Path, target: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Incidents")
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        sheet.append(["Incidents extract (synthetic)"])
        sheet.append([])
        sheet.append(header)
        for row in reader:
            sheet.append([_cell(column, text) for column, text in zip(header, row, strict=True)])
    book.save(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    from scs_victims.demo import write_incidents_csv, write_wards_csv

    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"incidents-{args.incidents}-{args.seed}.csv"
    if not csv_path.exists():
        write_incidents_csv(csv_path, args.incidents, seed=args.seed)
    wards = OUT / f"wards-{args.seed}.csv"
    write_wards_csv(wards, seed=args.seed)
    workbook = OUT / f"incidents-{args.incidents}-{args.seed}.xlsx"
    if not workbook.exists():
        write_workbook(csv_path, workbook)
    profile = OUT / "workbook-import.toml"
    profile.write_text('name = "Benchmark workbook"\nkind = "incidents"\nsheet = "Incidents"\n'
                       "header_row = 3\n", encoding="utf-8")
    result: dict[str, object] = {"incidents": args.incidents, "date": date.today().isoformat(),
                                 "workbook_mb": round(workbook.stat().st_size / 2**20, 1)}
    for kind, command in (("csv", [str(csv_path)]),
                          ("xlsx", [str(workbook), "--profile", str(profile)])):
        db = OUT / "workbook-bench" / f"{kind}.db"
        db.parent.mkdir(parents=True, exist_ok=True)
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()
        run_cli(db, "init")
        run_cli(db, "wards", "load", str(wards))
        seconds, peak = run_cli(db, "import", "incidents", *command)
        result[kind] = {"seconds": round(seconds, 1), "rows_per_s": round(args.incidents / seconds),
                        "peak_mb": round(peak)}
        print(kind, result[kind], flush=True)
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()
    (OUT / "workbook-import.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
