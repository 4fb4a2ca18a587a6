"""Issue 17: the encrypted database against the plain file of today, same machine, same run.

    .venv/bin/python benchmarks/encryption.py                    # 1,000,000 incidents
    .venv/bin/python benchmarks/encryption.py --incidents 200000

For each kind of file (plain, then encrypted, then plain and encrypted again: two rounds,
alternating, so that the host's changing speed falls on both), it times through fresh
processes: the import of the borough (whole command), ``figures`` for 8 quarters × 3 types ×
every ward (whole command), and opening the desktop app (process start to the main window
painted, signing in included: for the encrypted file that is unwrapping the key). Target:
each within 1.3 × the plain time. Results go to benchmarks/out/encryption.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
USER = {"SCS_VICTIMS_USER": "bench-admin", "SCS_VICTIMS_PASSWORD": "bench-admin-pass-1"}
TARGET_RATIO = 1.3

OPEN_CHILD = r'''
import os, sys, time
started = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, sys.argv[2])
from PySide6.QtCore import QSettings
from scs_victims.actions.opening import open_store
from scs_victims.actions.signing_in import sign_in
from ui.app import application, build_window
app = application()
store = open_store(sys.argv[1])
user = sign_in(store, os.environ["SCS_VICTIMS_USER"], os.environ["SCS_VICTIMS_PASSWORD"])
window = build_window(user, QSettings(sys.argv[3], QSettings.Format.IniFormat))
window.show()
app.processEvents()
window.repaint()
print(time.perf_counter() - started)
window.close()
store.close()
'''


def _cli(db: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scs_victims", "--db", str(db), *args], check=True,
                   env={**os.environ, **USER}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _open_app(db: Path) -> float:
    settings = OUT / "encryption-bench.ini"
    settings.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-c", OPEN_CHILD, str(db), str(ROOT), str(settings)],
                          check=True, env={**os.environ, **USER}, capture_output=True,
                          text=True)
    return float(done.stdout.strip().splitlines()[-1])


def _fresh(db: Path, encrypted: bool) -> None:
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    shutil.rmtree(db.parent / "backups", ignore_errors=True)
    if encrypted:
        _cli(db, "init")  # a new database, encrypted with its first administrator
        return
    # Today's plain file: the same schema and administrator, never encrypted.
    sys.path.insert(0, str(ROOT))
    from scs_victims import accounts
    from scs_victims.accounts import Role
    from scs_victims.storage.database import open_database

    database = open_database(db)
    with database.session() as session:
        accounts.create_account(session, USER["SCS_VICTIMS_USER"], Role.ADMIN,
                                USER["SCS_VICTIMS_PASSWORD"], created_by=None,
                                must_change_password=False)
    database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from scs_victims.demo import write_incidents_csv, write_wards_csv
    from scs_victims.domain.periods import PeriodKind, period_containing

    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"incidents-{args.incidents}-{args.seed}.csv"
    wards_path = OUT / f"wards-{args.seed}.csv"
    if not csv_path.exists():
        write_incidents_csv(csv_path, args.incidents, seed=args.seed)
    write_wards_csv(wards_path, seed=args.seed)
    last = period_containing(date.today(), PeriodKind.QUARTER)
    first = period_containing(last.start - timedelta(days=7 * 90), PeriodKind.QUARTER)
    figures = ("figures", "--from", first.start.isoformat(), "--to", last.end.isoformat(),
               "--by", "quarter", "--by-ward", "--format", "csv", "--out",
               str(OUT / "encryption-figures.csv"))
    times: dict[str, dict[str, list[float]]] = {
        kind: {"import_s": [], "figures_s": [], "open_app_s": []}
        for kind in ("plain", "encrypted")}
    for _round in range(args.rounds):
        for kind in ("plain", "encrypted"):
            db = OUT / "encryption-bench" / f"{kind}.db"
            db.parent.mkdir(parents=True, exist_ok=True)
            _fresh(db, kind == "encrypted")
            _cli(db, "wards", "load", str(wards_path))
            times[kind]["import_s"].append(_cli(db, "import", "incidents", str(csv_path)))
            times[kind]["figures_s"].append(statistics.median(_cli(db, *figures)
                                                              for _ in range(3)))
            times[kind]["open_app_s"].append(statistics.median(_open_app(db)
                                                               for _ in range(3)))
            print(kind, {step: round(values[-1], 2) for step, values in times[kind].items()},
                  flush=True)
    result: dict[str, object] = {"incidents": args.incidents, "date": date.today().isoformat(),
                                 "times": times, "ratios": {}}
    ok = True
    for step in ("import_s", "figures_s", "open_app_s"):
        plain = statistics.median(times["plain"][step])
        encrypted = statistics.median(times["encrypted"][step])
        ratio = encrypted / plain
        result["ratios"][step] = round(ratio, 3)  # type: ignore[index]
        ok &= ratio <= TARGET_RATIO
        print(f"{step}: plain {plain:.2f} s, encrypted {encrypted:.2f} s, ratio {ratio:.2f} "
              f"(target ≤ {TARGET_RATIO})", flush=True)
    (OUT / "encryption.json").write_text(json.dumps(result, indent=2))
    shutil.rmtree(OUT / "encryption-bench", ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
