#!/usr/bin/env python3
"""Figure requests for a generated data set, and the oracle's answers.

    python3 cases.py SEED OUTDIR

OUTDIR must already hold wards.csv and incidents.csv (from generate.py with the
same SEED).  Writes OUTDIR/cases.txt (one request per line: the arguments that
follow `--incidents FILE`) and OUTDIR/expected-N.csv for line N (from 1).

Every request uses --from/--to on period boundaries, except that when
SEED % 4 == 0 the LAST line is a request whose dates are not on period
boundaries (see CHOICES.md: periods are cut to --from/--to).
"""

import os
import random
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

TYPES = ["asb", "burglary", "dv"]


def types_args(rng):
    r = rng.random()
    if r < 0.5:
        return []
    chosen = rng.sample(TYPES, rng.randint(1, 2))
    if rng.random() < 0.5:
        chosen.sort()
    else:
        chosen.reverse()            # order given must not change the output order
    out = []
    for t in chosen:
        out += ["--type", t]
    return out


def ward_args(rng, p=0.6):
    return ["--by-ward"] if rng.random() < p else []


def make_requests(seed):
    rng = random.Random(seed * 7919 + 13)
    pool = []
    # financial-year quarters over one to three years
    fy = rng.randint(2019, 2024)
    span = rng.randint(1, min(3, 2026 - fy))
    pool.append(["--from", f"{fy}-04-01", "--to", f"{fy + span}-03-31", "--by", "quarter"]
                + ward_args(rng, 0.8) + types_args(rng))
    # the default --by (quarter), whole data span
    pool.append(["--from", "2019-04-01", "--to", "2026-09-30"] + types_args(rng))
    # months over a calendar year or a financial year
    y = rng.randint(2019, 2026)
    if rng.random() < 0.5:
        pool.append(["--from", f"{y}-01-01", "--to", f"{y}-12-31", "--by", "month"]
                    + ward_args(rng, 0.4) + types_args(rng))
    else:
        y = min(y, 2025)
        pool.append(["--from", f"{y}-04-01", "--to", f"{y + 1}-03-31", "--by", "month"]
                    + ward_args(rng, 0.4) + types_args(rng))
    # financial years
    a = rng.randint(2018, 2022)
    b = rng.randint(a + 1, 2026)
    pool.append(["--from", f"{a}-04-01", "--to", f"{b}-03-31", "--by", "fy"]
                + ward_args(rng) + types_args(rng))
    # calendar years
    a = rng.randint(2018, 2022)
    b = rng.randint(a, 2026)
    pool.append(["--from", f"{a}-01-01", "--to", f"{b}-12-31", "--by", "year"]
                + ward_args(rng) + types_args(rng))
    # a single month around 29 February or a financial year end
    y = rng.choice([2020, 2021, 2024, 2025])
    m = rng.choice(["02", "03", "04"])
    last = {"02": "29" if y % 4 == 0 else "28", "03": "31", "04": "30"}[m]
    pool.append(["--from", f"{y}-{m}-01", "--to", f"{y}-{m}-{last}", "--by", "month", "--by-ward"])

    n = rng.randint(3, 5)
    requests = rng.sample(pool, n)
    if seed % 4 == 0:
        # not on period boundaries (periods are cut to --from/--to)
        y = rng.randint(2020, 2024)
        by = rng.choice(["quarter", "month", "fy", "year"])
        requests.append(["--from", f"{y}-02-15", "--to", f"{y + 1}-11-10", "--by", by]
                        + ward_args(rng, 0.5) + types_args(rng))
    elif len(requests) < 6 and rng.random() < 0.5:
        requests.append(["--from", "2024-04-01", "--to", "2025-03-31", "--by", "quarter",
                         "--by-ward"])
    return requests


def run_cases(seed, outdir):
    requests = make_requests(seed)
    wards = os.path.join(outdir, "wards.csv")
    incidents = os.path.join(outdir, "incidents.csv")
    with open(os.path.join(outdir, "cases.txt"), "w", encoding="utf-8", newline="\n") as f:
        for args in requests:
            f.write(shlex.join(args) + "\n")
    for i, args in enumerate(requests, start=1):
        out = os.path.join(outdir, f"expected-{i}.csv")
        rc = oracle.main(["--wards", wards, "--incidents", incidents] + args + ["--out", out])
        if rc != 0:
            raise SystemExit(f"oracle failed on case {i}: {args}")
    return len(requests)


def main():
    if len(sys.argv) != 3:
        print("usage: python3 cases.py SEED OUTDIR", file=sys.stderr)
        return 1
    n = run_cases(int(sys.argv[1]), sys.argv[2])
    print(f"{sys.argv[2]}: {n} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
