#!/usr/bin/env python3
"""Self-checks of the oracle and the generated sets.

    python3 selftest.py

1. The oracle reproduces the public expected MARAC returns (line endings ignored).
2. Every sets/seed-NNN/expected-N.csv is what the oracle gives for line N of cases.txt.
3. Scenario rows (notes column) come out as their notes say (repeat or not; ages).
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oracle  # noqa: E402

# The public fixtures: SCS_SHARED_DATA, else the copy kept with the tests.
DATA = os.environ.get("SCS_SHARED_DATA",
                      os.path.join(HERE, os.pardir, os.pardir, "fixtures", "shared-data"))


def text(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return f.read().replace("\r\n", "\n")


def run(referrals, start, end):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.csv")
        subprocess.run([sys.executable, os.path.join(HERE, "oracle.py"), "--referrals", referrals,
                        "--from", start, "--to", end, "--out", out], check=True)
        return text(out)


def check_notes(path):
    bad = []
    rows = oracle.read_rows(path)
    refs = oracle.load(path)
    oracle.link_people(refs)
    oracle.mark_repeats(refs)
    for row, r in zip(rows, refs):
        n = row["notes"]
        if not n:
            continue
        expect = None
        if any(w in n for w in ("not a repeat", "new referral", "not matched", "separate cases",
                                "12 months and one day")):
            expect = False
        elif any(w in n for w in ("a repeat", ": repeat", "repeat of")):
            expect = True
        if expect is not None and r.repeat != expect:
            bad.append((r.ref, "repeat=%s" % r.repeat, n))
        va = oracle.age_on(r.victim_dob_known, r.date) if r.victim_dob_known else None
        pa = oracle.age_on(r.perp_dob_known, r.date) if r.perp_dob_known else None
        m = re.search(r"referred [^:]*: (\d+)", n)
        if m and "victim born" in n and va != int(m.group(1)):
            bad.append((r.ref, "victim age %s" % va, n))
        if m and "perpetrator born" in n and pa != int(m.group(1)):
            bad.append((r.ref, "perpetrator age %s" % pa, n))
        for k in (16, 17, 18):
            if "victim's %dth birthday" % k in n and va != k:
                bad.append((r.ref, "victim age %s" % va, n))
        for k in (17, 18):
            if "perpetrator's %dth birthday" % k in n and pa != k:
                bad.append((r.ref, "perpetrator age %s" % pa, n))
        if "aged 16 from the dob" in n and va != 16:
            bad.append((r.ref, "victim age %s" % va, n))
        if "aged 17 from the dob" in n and pa != 17:
            bad.append((r.ref, "perpetrator age %s" % pa, n))
    return bad


def main():
    failures = 0
    for size in ("small", "medium"):
        got = run(os.path.join(DATA, "marac-referrals-%s.csv" % size), "2024-04-01", "2025-03-31")
        ok = got == text(os.path.join(DATA, "expected-marac-return-%s.csv" % size))
        print("public %-6s %s" % (size, "OK" if ok else "DIFFERENT"))
        failures += not ok
    for d in sorted(glob.glob(os.path.join(HERE, "sets", "seed-*"))):
        ref = os.path.join(d, "referrals.csv")
        lines = [l.split() for l in open(os.path.join(d, "cases.txt")) if l.strip()]
        for i, parts in enumerate(lines, 1):
            got = run(ref, parts[1], parts[3])
            if got != text(os.path.join(d, "expected-%d.csv" % i)):
                print("%s expected-%d.csv DIFFERENT" % (os.path.basename(d), i))
                failures += 1
        bad = check_notes(ref)
        for b in bad:
            print(os.path.basename(d), *b)
        failures += len(bad)
    print("failures:", failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
