"""Benchmark of issue #5: a year's quarterly report for a 1,000,000-incident borough.

    .venv/bin/python benchmarks/report.py [--source benchmarks/out/desktop-1000000.db]
                                          [--year 2025/26] [--runs 3]

"A year's report" is the report for the financial year's last quarter (Q4): its summary
carries the whole financial year (the year to date at Q4), beside the quarter, the previous
quarter and the same quarter a year before; its charts the eight quarters to the year's end;
its ward tables, ASB case review and DV escalation counts and definitions as for any quarter.

The source database is never touched: it is copied to benchmarks/out/report-bench.db (brought
to the current schema there, untimed) unless that copy is already as new as the source. Each
run renders the internal report and the version for publication, timed from the first query
to the PDF bytes. Results are printed and written to benchmarks/out/report-results.json; the
last PDFs to benchmarks/out/report-<year>-Q4.pdf and report-<year>-Q4-publish.pdf (look at
them). Target: under 10 s each.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE.parent))

from sqlalchemy import func, select  # noqa: E402

from scs_victims.domain.periods import parse_period_label  # noqa: E402
from scs_victims.reports.quarterly import render_quarterly_report  # noqa: E402
from scs_victims.storage.database import open_database  # noqa: E402
from scs_victims.storage.models import Incident  # noqa: E402

TARGET_S = 10.0


def _copy(source: Path) -> Path:
    copy = OUT / "report-bench.db"
    if not copy.exists() or copy.stat().st_mtime < source.stat().st_mtime:
        print(f"Copying {source.name} to {copy.name} ...", flush=True)
        shutil.copyfile(source, copy)
    return copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=OUT / "desktop-1000000.db")
    parser.add_argument("--year", default="2025/26", help="the financial year")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.source.exists():
        print(f"{args.source} is missing: run benchmarks/desktop.py first.")
        return 1
    database = open_database(_copy(args.source))  # migrations run here, untimed
    quarter = parse_period_label(f"{args.year} Q4")
    today = max(date.today(), quarter.end)
    results: dict[str, object] = {"python": platform.python_version(),
                                  "machine": platform.machine(),
                                  "quarter": quarter.label, "target_s": TARGET_S}
    try:
        with database.session() as session:
            results["incidents"] = session.scalar(select(func.count()).select_from(Incident))
            results["incidents_in_year"] = session.scalar(
                select(func.count()).select_from(Incident).where(
                    Incident.occurred_on >= date(quarter.end.year - 1, 4, 1),
                    Incident.occurred_on <= quarter.end))
        for publish in (False, True):
            name = "publish" if publish else "internal"
            times, pdf = [], b""
            for _ in range(args.runs):
                started = time.perf_counter()
                with database.session() as session:
                    pdf = render_quarterly_report(session, quarter, publish=publish,
                                                  today=today)
                times.append(time.perf_counter() - started)
            suffix = "-publish" if publish else ""
            target = OUT / f"report-{args.year.replace('/', '-')}-Q4{suffix}.pdf"
            target.write_bytes(pdf)
            results[f"{name}_s_median"] = round(statistics.median(times), 2)
            results[f"{name}_s_max"] = round(max(times), 2)
            results[f"{name}_bytes"] = len(pdf)
            print(f"{name:>8}: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
                  f"over {args.runs} runs, {len(pdf):,} bytes -> {target.name}", flush=True)
    finally:
        database.close()
    results["met"] = all(isinstance(value, float) and value < TARGET_S
                         for key, value in results.items() if key.endswith("_s_max"))
    (OUT / "report-results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0 if results["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
