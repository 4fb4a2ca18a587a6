#!/usr/bin/env python3
"""Build the 40 data sets: sets/seed-001 ... sets/seed-040.

    python3 make_sets.py [FIRST LAST]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402
import generate  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    first, last = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (1, 40)
    for seed in range(first, last + 1):
        outdir = os.path.join(HERE, "sets", f"seed-{seed:03d}")
        if os.path.isdir(outdir):
            for name in os.listdir(outdir):
                if name.startswith("expected-") or name in ("cases.txt", "wards.csv", "incidents.csv"):
                    os.remove(os.path.join(outdir, name))
        n = generate.generate(seed, outdir)
        k = cases.run_cases(seed, outdir)
        print(f"seed-{seed:03d}: {n} incidents, {k} cases")


if __name__ == "__main__":
    main()
