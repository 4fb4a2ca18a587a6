"""Issue 18: importing a coordinator's MARAC history of 30,000 referrals (target 5,000/s).

    .venv/bin/python benchmarks/marac_import.py                      # 30,000 referrals
    .venv/bin/python benchmarks/marac_import.py --referrals 100000 --rounds 2

Generates synthetic referrals (the same victims referred again, perpetrators by reference,
by name and date of birth or by name only, dates of birth given only on a later referral,
fortnightly meetings) into a CSV, then for each round imports it into a fresh database
through the command line (``init`` first, as a user would; the whole ``marac import``
command timed), and reports wall time, referrals/s and peak memory (the command's processes
together), and the CPU time the command used (which other work on a shared machine inflates
far less than the wall time). Results go to benchmarks/out/marac-import.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import OUT, run_cli  # noqa: E402 - benchmarks/run.py, beside this file

TARGET_PER_S = 5_000
FORENAMES = ("Ann", "Zoë", "Siobhán", "Aisha", "Małgorzata", "Chloé", "Priya", "Grace",
             "Bethan", "Amara", "Ioana", "Hannah", "Keisha", "Renée", "Mei", "Fatima")
SURNAMES = ("O'Brien", "Kowalska", "D'Souza", "Okafor", "Lefèvre", "Ahmed", "Murphy",
            "Ó Súilleabháin", "Evans", "Nowak", "Øvergård", "Clarke", "Da Silva", "Mensah")
MEN = ("Darren", "Piotr", "Kieran", "Jamal", "Łukasz", "Sean", "Tomasz", "Kwame", "Yusuf")
AGENCIES = ("Police", "IDVA", "Children's Social Care", "Housing", "Primary Care", "Probation",
            "Mental Health", "Education", "Substance Misuse", "Other")
ETHNICITIES = ("White", "White: Irish", "Asian: Indian", "Black: Caribbean",
               "Mixed: White and Asian", "Other: Arab", "")
RELATIONSHIPS = ("partner", "ex-partner", "family", "other")
COLUMNS = ("referral_ref", "referral_date", "meeting_date", "victim_ref", "victim_forename",
           "victim_surname", "victim_dob", "victim_gender", "victim_ethnicity", "victim_lgbt",
           "victim_disabled", "perpetrator_ref", "perpetrator_forename", "perpetrator_surname",
           "perpetrator_dob", "relationship", "referring_agency", "dash_score",
           "professional_judgement", "children_count", "idva", "notes")


def write_referrals_csv(path: Path, count: int, *, seed: int = 7,
                        last: date | None = None) -> None:
    """``count`` synthetic referrals over five years up to ``last``, in date order."""
    rng = random.Random(seed)
    last = last or date.today() - timedelta(days=1)
    first = last - timedelta(days=5 * 365)
    days = (last - first).days
    victims = max(1, int(count * 0.6))  # about 40 % of referrals are of a victim seen before
    dates = sorted(first + timedelta(days=rng.randrange(days + 1)) for _ in range(count))
    first_wednesday = first + timedelta(days=(2 - first.weekday()) % 7)
    given_dob: set[int] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index, on in enumerate(dates):
            victim = rng.randrange(victims)
            # A victim's perpetrator: mostly the same one, sometimes another.
            perpetrator = victim * 2 + (rng.random() < 0.15)
            by_reference = victim % 3 == 0  # known by reference, born-on date given later
            dob = date(1950 + victim % 50, 1 + victim % 12, 1 + victim % 28)
            show_dob = not by_reference or victim in given_dob or rng.random() < 0.3
            if by_reference and show_dob:
                given_dob.add(victim)
            meeting = first_wednesday + timedelta(
                days=14 * ((on - first_wednesday).days // 14 + 1))
            kind = perpetrator % 5  # 0: reference, 1-3: name and birth date, 4: name only
            if kind != 0 and rng.random() < 0.1:
                kind = 4  # named only this time: matched by name within the victim's cases
            agencies = rng.sample(AGENCIES, 1 if rng.random() < 0.8 else 2)
            writer.writerow([
                f"MR-{seed}-{index:07d}", on.isoformat() if index % 2 else f"{on:%d/%m/%Y}",
                meeting.isoformat() if rng.random() < 0.9 else "",
                f"V{victim}" if by_reference else "",
                FORENAMES[victim % len(FORENAMES)],
                f"{SURNAMES[victim % len(SURNAMES)]}-{victim}",
                dob.isoformat() if show_dob else "",
                "female" if victim % 10 else "male",
                ETHNICITIES[victim % len(ETHNICITIES)], "N" if victim % 17 else "Y",
                "No" if victim % 11 else "Yes",
                f"P{perpetrator}" if kind == 0 else "",
                MEN[perpetrator % len(MEN)], f"{SURNAMES[perpetrator % len(SURNAMES)]}-P"
                f"{perpetrator}",
                date(1945 + perpetrator % 55, 1 + perpetrator % 12, 1).isoformat()
                if kind in (1, 2, 3) else "",
                RELATIONSHIPS[victim % len(RELATIONSHIPS)], ";".join(agencies),
                str(rng.randrange(25)), "Y" if rng.random() < 0.1 else "N",
                str(rng.randrange(4)), "IDVA service" if rng.random() < 0.5 else "",
                "synthetic",
            ])


def _children_cpu() -> float:
    """CPU seconds used so far by the commands this process ran (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"marac-referrals-{args.referrals}-{args.seed}.csv"
    if not csv_path.exists():
        write_referrals_csv(csv_path, args.referrals, seed=args.seed)
    db = OUT / "marac-import-bench.db"
    seconds: list[float] = []
    cpu: list[float] = []
    peaks: list[float] = []
    for _round in range(args.rounds):
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()
        run_cli(db, "init")
        before = _children_cpu()
        elapsed, peak = run_cli(db, "marac", "import", str(csv_path))
        seconds.append(elapsed)
        cpu.append(_children_cpu() - before)
        peaks.append(peak)
        print(f"import: {elapsed:.1f} s ({cpu[-1]:.1f} s of CPU), "
              f"{args.referrals / elapsed:,.0f} referrals/s (target {TARGET_PER_S:,}), "
              f"peak {peak:.0f} MB", flush=True)
    for leftover in db.parent.glob(db.name + "*"):
        leftover.unlink()
    median = statistics.median(seconds)
    result = {
        "referrals": args.referrals,
        "csv_mb": round(csv_path.stat().st_size / 2**20, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "date": date.today().isoformat(),
        "import_s": [round(value, 2) for value in seconds],
        "import_cpu_s": [round(value, 2) for value in cpu],
        "referrals_per_s": round(args.referrals / median),
        "peak_mb": round(max(peaks)),
        "target_per_s": TARGET_PER_S,
        "met": args.referrals / median >= TARGET_PER_S,
    }
    (OUT / "marac-import.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
