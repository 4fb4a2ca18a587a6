"""Benchmarks of issues #2 and #16 on a generated borough (default 1,000,000 incidents).

    python3 tasks.py bench                 # or: .venv/bin/python benchmarks/run.py
    python3 tasks.py bench --incidents 200000 --keep
    python3 tasks.py bench --only sign-in  # issue 16's sign-in alone (benchmarks/sign_in.py)

Each step runs the real command line in a fresh process, as a user would, and reports wall
time and peak resident memory (its processes together). Results are printed and written to
benchmarks/out/results.json; the README records a run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

TARGETS = {
    "import_rows_per_s": 25_000,
    "import_peak_mb": 400,
    "figures_s": 2.0,
    "recompute_s": 15.0,
    "add_incident_ms": 50.0,
    "sign_in_s": 1.0,
}
# Every command signs in (issue 16): the benchmark's own administrator, synthetic.
BENCH_USER = {"SCS_VICTIMS_USER": "bench-admin", "SCS_VICTIMS_PASSWORD": "bench-admin-pass-1"}


def run_cli(db: Path, *args: str) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one ``scs-victims`` command in a fresh process.

    The peak is that of the command's processes together (an import checks rows in a second
    process), sampled from /proc every 20 ms; where there is no /proc, the largest single
    process's."""
    start = time.perf_counter()
    # A wrapper process per command, so that ru_maxrss is this command's own largest process.
    wrapper = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "scs_victims", "--db", str(db),
         *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **BENCH_USER},
    )
    sampler = TreeMemory(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(args)}\n"
                         f"{stdout}\n{stderr}")
    largest_kb = int(stderr.strip().splitlines()[-1])
    return elapsed, (sampler.peak_kb if sampler.available else largest_kb) / 1024


class TreeMemory(threading.Thread):
    """The largest sum of resident memory over a process's descendants (Linux)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.available = Path(f"/proc/{pid}/status").exists()
        self.peak_kb = 0
        self._stopping = threading.Event()

    def run(self) -> None:
        while self.available and not self._stopping.wait(0.02):
            self.peak_kb = max(self.peak_kb, sum(map(_resident_kb, _tree(self.pid)[1:])))

    def stop(self) -> None:
        self._stopping.set()
        self.join()


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for parent in pids:  # grows as children are found
        try:
            for task in os.listdir(f"/proc/{parent}/task"):
                pids.extend(int(child) for child in
                            Path(f"/proc/{parent}/task/{task}/children").read_text().split())
        except OSError:
            pass  # it has just ended
    return pids


def _resident_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def time_add_incident(db: Path, repeats: int) -> list[float]:
    """Milliseconds to add one incident (validate, link, insert, re-evaluate its victim's
    repeats, audit, commit), each in its own transaction as the desktop app does it."""
    from scs_victims.actions.incidents import create_incident
    from scs_victims.actions.opening import open_store
    from scs_victims.actions.signing_in import sign_in
    from scs_victims.services.incidents import IncidentInput

    database = open_store(db)
    user = sign_in(database, BENCH_USER["SCS_VICTIMS_USER"], BENCH_USER["SCS_VICTIMS_PASSWORD"])
    timings = []
    try:
        for index in range(repeats):
            data = IncidentInput(
                reference=f"BENCH/{os.getpid()}/{index}",
                crime_type="dv",
                occurred_on=(date.today() - timedelta(days=index)).isoformat(),
                victim_forename="Bench",
                victim_surname="Marker",
                victim_dob="1980-01-01",
                postcode="ZE1 0AA",
                address_line1=f"{index} Benchmark Road",
                source="police",
            )
            start = time.perf_counter()
            create_incident(user, data)
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        database.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--only", choices=["sign-in"], default=None,
                        help="run one benchmark alone")
    args = parser.parse_args(argv)
    from sign_in import measure_sign_in

    if args.only == "sign-in":
        return 0 if measure_sign_in()["sign_in_s"] < TARGETS["sign_in_s"] else 1

    from scs_victims.demo import write_incidents_csv, write_wards_csv
    from scs_victims.domain.periods import PeriodKind, period_containing

    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"incidents-{args.incidents}-{args.seed}.csv"
    wards_path = OUT / f"wards-{args.seed}.csv"
    results: dict[str, object] = {
        "incidents": args.incidents,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "date": date.today().isoformat(),
    }
    if not csv_path.exists():
        start = time.perf_counter()
        write_incidents_csv(csv_path, args.incidents, seed=args.seed)
        results["generate_s"] = round(time.perf_counter() - start, 1)
    write_wards_csv(wards_path, seed=args.seed)
    results["csv_mb"] = round(csv_path.stat().st_size / 2**20, 1)

    db = OUT / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    run_cli(db, "init")
    run_cli(db, "wards", "load", str(wards_path))
    seconds, peak = run_cli(db, "import", "incidents", str(csv_path))
    results["import_s"] = round(seconds, 1)
    results["import_rows_per_s"] = round(args.incidents / seconds)
    results["import_peak_mb"] = round(peak)
    print(f"import: {seconds:.1f} s, {args.incidents / seconds:,.0f} rows/s, peak {peak:.0f} MB",
          flush=True)

    last = period_containing(date.today(), PeriodKind.QUARTER)
    first = period_containing(last.start - timedelta(days=7 * 90), PeriodKind.QUARTER)
    figure_times = []
    for _ in range(3):
        seconds, peak = run_cli(db, "figures", "--from", first.start.isoformat(), "--to",
                                last.end.isoformat(), "--by", "quarter", "--by-ward",
                                "--format", "csv", "--out", str(OUT / "figures.csv"))
        figure_times.append(seconds)
    results["figures_s"] = round(statistics.median(figure_times), 2)
    results["figures_rows"] = sum(1 for _ in (OUT / "figures.csv").open()) - 1
    print(f"figures (8 quarters x 3 types x every ward, whole command): "
          f"{results['figures_s']} s median of 3", flush=True)

    seconds, peak = run_cli(db, "recompute")
    results["recompute_s"] = round(seconds, 1)
    results["recompute_peak_mb"] = round(peak)
    print(f"full repeat recompute (whole command): {seconds:.1f} s, peak {peak:.0f} MB",
          flush=True)

    timings = time_add_incident(db, 30)
    results["add_incident_ms"] = round(statistics.median(timings), 1)
    results["add_incident_ms_max"] = round(max(timings), 1)
    print(f"add one incident: median {results['add_incident_ms']} ms, "
          f"max {results['add_incident_ms_max']} ms over {len(timings)}", flush=True)

    results.update(measure_sign_in())

    verdicts = {
        "sign_in_s": results["sign_in_s"] < TARGETS["sign_in_s"],  # type: ignore[operator]
        "import_rows_per_s": results["import_rows_per_s"] >= TARGETS["import_rows_per_s"],  # type: ignore[operator]
        "import_peak_mb": results["import_peak_mb"] < TARGETS["import_peak_mb"],  # type: ignore[operator]
        "figures_s": results["figures_s"] < TARGETS["figures_s"],  # type: ignore[operator]
        "recompute_s": results["recompute_s"] < TARGETS["recompute_s"],  # type: ignore[operator]
        "add_incident_ms": results["add_incident_ms"] < TARGETS["add_incident_ms"],  # type: ignore[operator]
    }
    results["targets"] = TARGETS
    results["met"] = verdicts
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
