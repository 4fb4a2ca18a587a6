#!/usr/bin/env python3
"""Hand-made boundary cases for oracle.py, with answers worked out by hand.

    python3 selftest.py          # prints each case and "failures: 0" at the end

Every expected row below was written by hand from definitions.md section 5 and the
choices in CHOICES.md, not produced by the oracle.  Each case is a tiny incidents
file and one or more dates D.
"""

import csv
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

COLUMNS = ["reference", "crime_type", "occurred_on", "reported_on", "victim_ref",
           "victim_forename", "victim_surname", "victim_dob", "address_line1",
           "postcode", "uprn", "source"]


def row(ref, ctype, occ, rep="", vref="", fn="", sn="", dob="", line="", pc="", uprn="",
        source=""):
    return [ref, ctype, occ, rep, vref, fn, sn, dob, line, pc, uprn, source]


CASES = []


def case(name, rows, expectations):
    CASES.append((name, rows, expectations))


# ---------------------------------------------------------------- case review
# D = 2024-08-31: D - 6 months = 2024-02-29 (clamped).  Also 2024-08-29 and 08-30.
# D = 2024-08-28: D - 6 months = 2024-02-28.  D = 2024-09-01: 2024-03-01.
case("case review: 6-month window ending on D, boundary day, 29 February", [
    row("A1", "asb", "2024-02-29", vref="RA"),
    row("A2", "asb", "2024-05-10", rep="2024-05-10", vref="ra"),
    row("A3", "asb", "2024-08-31", vref=" Ra "),
    row("B1", "asb", "2024-02-28", vref="RB"),          # one day before 29 Feb boundary
    row("B2", "asb", "2024-05-10", vref="RB"),
    row("B3", "asb", "2024-08-31", vref="RB"),
    row("C1", "asb", "28/02/2024", vref="RC"),
    row("C2", "asb", "2024-04-01", vref="RC"),
    row("C3", "asb", "2024-08-28 23:59", vref="RC"),
], {
    "2024-08-31": [
        "asb_case_review,asb,ref:ra,A1;A2;A3",
        "repeat_victim,asb,ref:ra,A2;A3",
        "repeat_victim,asb,ref:rb,B2;B3",
        "repeat_victim,asb,ref:rc,C2;C3",
    ],
    "2024-08-30": [          # A3, B3 not yet known; C1 outside (boundary 29 Feb)
        "repeat_victim,asb,ref:ra,A1;A2",
        "repeat_victim,asb,ref:rb,B1;B2",
        "repeat_victim,asb,ref:rc,C2;C3",
    ],
    "2024-08-28": [          # boundary 28 Feb: C1 on it counts; C3 on D counts
        "asb_case_review,asb,ref:rc,C1;C2;C3",
        "repeat_victim,asb,ref:ra,A1;A2",
        "repeat_victim,asb,ref:rb,B1;B2",
        "repeat_victim,asb,ref:rc,C2;C3",
    ],
    "2024-09-01": [          # boundary 1 March: A1 falls out
        "repeat_victim,asb,ref:ra,A2;A3",
        "repeat_victim,asb,ref:rb,B2;B3",
        "repeat_victim,asb,ref:rc,C2;C3",
    ],
    "2024-08-27": [          # C3 unknown; C: C1, C2 only
        "repeat_victim,asb,ref:ra,A1;A2",
        "repeat_victim,asb,ref:rb,B1;B2",
        "repeat_victim,asb,ref:rc,C1;C2",
    ],
})

# A threshold met long ago (three complaints within 6 months of each other in 2023)
# is not an alert on D when fewer than 3 lie in the 6 months up to D.
case("case review: old threshold does not alert today", [
    row("O1", "asb", "2023-01-10", vref="RO"),
    row("O2", "asb", "2023-03-10", vref="RO"),
    row("O3", "asb", "2023-07-10", vref="RO"),
    row("O4", "asb", "2023-12-01", vref="RO"),
], {
    "2023-07-10": ["asb_case_review,asb,ref:ro,O1;O2;O3",
                   "repeat_victim,asb,ref:ro,O2;O3"],
    "2023-07-11": ["repeat_victim,asb,ref:ro,O2;O3"],      # O1 is before 2023-01-11
    "2024-01-09": ["repeat_victim,asb,ref:ro,O3;O4"],      # O3, O4 only (from 2023-07-09)
    "2024-01-10": ["repeat_victim,asb,ref:ro,O3;O4"],
})

# D = 2024-03-31 (window from 2023-09-30).
case("case review: report within 1 month (clamped), one day late, no report date", [
    # L: 31 Jan + 1 month = 29 Feb 2024 (reported on it: qualifies)
    row("L1", "asb", "2024-01-31", rep="2024-02-29", fn="Lena", sn="Fox", dob="1980-01-01"),
    row("L2", "asb", "2024-02-10", rep="10/03/2024", fn="LENA", sn="fox", dob="01/01/1980"),
    row("L3", "asb", "2024-03-01", fn="lena", sn="Fox", dob="1/1/1980"),
    # M: 31 Jan reported 1 March: one day late; M4 reported 12 Mar for 11 Feb: late
    row("M1", "asb", "2024-01-31", rep="2024-03-01", fn="Mo", sn="Reid", pc="AB1 2CD"),
    row("M2", "asb", "2024-02-10", rep="2024-03-10", fn="MO", sn="reid", pc="ab12cd"),
    row("M3", "asb", "2024-03-01", rep="2024-03-01", fn="mo", sn="Reid", pc="Ab1  2cd"),
    row("M4", "asb", "2024-02-11", rep="2024-03-12", fn="Mo", sn="Reid", pc="AB12CD"),
    # N: 29 Feb + 1 month = 29 March
    row("N1", "asb", "2024-02-29", rep="2024-03-29", vref=" N-1 "),
    row("N2", "asb", "2024-02-29", rep="2024-03-30", vref="n-1"),
    row("N3", "asb", "2024-03-05", rep="2024-03-05 10:00", vref="N-1"),
    row("N4", "asb", "2024-03-06", vref="N-1"),
], {
    "2024-03-31": [
        "asb_case_review,asb,name:lena|fox|1980-01-01,L1;L2;L3",
        "asb_case_review,asb,ref:n-1,N1;N3;N4",
        "repeat_victim,asb,name:lena|fox|1980-01-01,L2;L3",
        "repeat_victim,asb,name:mo|reid|pc:AB1 2CD,M3;M4",
        "repeat_victim,asb,ref:n-1,N3;N4",
    ],
})

# ---------------------------------------------------------------- community
# D = 2025-08-31: window from 2025-02-28.
case("community: 5 people at one address, boundary, 4 people, late report", [
    row("P1a", "asb", "2025-02-28", vref="P1", uprn="000123"),
    row("P2", "asb", "2025-03-15", vref="P2", uprn="123"),
    row("P3", "asb", "2025-04-01", vref="P3", uprn="0123"),
    row("P4", "asb", "2025-06-01", vref="P4", uprn="123", line="1 Any Street", pc="ZZ9 9ZZ"),
    row("P5", "asb", "2025-08-31", vref="P5", uprn="123"),
    row("P1b", "asb", "2025-07-01", vref="p1", uprn="123"),
    row("E1", "asb", "2025-05-01", uprn="123"),                    # no victim: not a person
    row("Q1", "asb", "2025-02-27", fn="Ann", sn="One", dob="1970-01-01", line="5 Elm Rd", pc="ZZ1 1ZZ"),
    row("Q2", "asb", "2025-03-01", fn="Ann", sn="Two", dob="1970-01-01", line="5 elm road", pc="zz11zz"),
    row("Q3", "asb", "2025-04-01", fn="Ann", sn="Three", dob="1970-01-01", line="5, ELM RD.", pc="ZZ11ZZ"),
    row("Q4", "asb", "2025-05-01", fn="Ann", sn="Four", dob="1970-01-01", line="5 Elm Road", pc="ZZ1 1ZZ"),
    row("Q5", "asb", "2025-06-01", fn="Ann", sn="Five", dob="1970-01-01", line="5 Elm Road", pc="ZZ1 1ZZ"),
    row("Q6", "asb", "2025-05-05", rep="2025-06-06", fn="Ann", sn="Six", dob="1970-01-01",
        line="5 Elm Road", pc="ZZ1 1ZZ"),                          # reported late: not qualifying
    row("Q7", "asb", "2025-05-05", rep="2025-06-05", fn="Ann", sn="Seven", dob="1970-01-01",
        line="5 Elm Road", pc="ZZ1 2ZZ"),                          # another address
], {
    "2025-08-31": [
        "asb_case_review_community,asb,uprn:123,P1a;P1b;P2;P3;P4;P5",
        "repeat_victim,asb,ref:p1,P1a;P1b",
    ],
    "2025-08-30": [                                                # P5 unknown: 4 people
        "repeat_victim,asb,ref:p1,P1a;P1b",
    ],
    # window from 2024-12-01: Q1..Q5 are 5 people at 5 ELM ROAD (Q6 late, Q7 elsewhere);
    # at uprn 123 only P1..P4 are known
    "2025-06-01": [
        "asb_case_review_community,asb,addr:5 ELM ROAD|ZZ11ZZ,Q1;Q2;Q3;Q4;Q5",
    ],
    "2025-08-27": [                                                # window from 2025-02-27
        "asb_case_review_community,asb,addr:5 ELM ROAD|ZZ11ZZ,Q1;Q2;Q3;Q4;Q5",
        "repeat_victim,asb,ref:p1,P1a;P1b",
    ],
    "2025-08-28": [                                                # from 2025-02-28: Q1 out
        "repeat_victim,asb,ref:p1,P1a;P1b",
    ],
})

# ---------------------------------------------------------------- DV escalation
# D = 2025-02-28: 12 months before = 2024-02-28.  D = 2025-03-01: 2024-03-01.
case("dv escalation: 12 months up to and including D, 29 February", [
    row("V1a", "dv", "2024-02-28", fn="Zoë", sn="O'Brien", dob="1990-02-03"),
    row("V1b", "dv", "2024-10-01", fn="ZOE", sn="OBRIEN", dob="03/02/1990", source="council"),
    row("V1c", "dv", "2025-02-28T08:00", fn="zoe", sn="o brien", dob="1990-02-03"),
    row("V2a", "DA", "2024-02-27", vref="V2"),
    row("V2b", "DA", "2024-10-01", vref="V2"),
    row("V2c", "DA", "2025-02-28", vref="V2"),
    row("V3a", "dv", "2024-02-29", vref="V3"),
    row("V3b", "dv", "2024-03-01", vref="V3"),
    row("V3c", "dv", "2024-03-02", vref="V3"),
], {
    "2025-02-28": [
        "dv_escalation,dv,name:zoe|obrien|1990-02-03,V1a;V1b;V1c",
        "dv_escalation,dv,ref:v3,V3a;V3b;V3c",
        "repeat_victim,dv,name:zoe|obrien|1990-02-03,V1b;V1c",
        "repeat_victim,dv,ref:v2,V2b;V2c",
        "repeat_victim,dv,ref:v3,V3b;V3c",
    ],
    "2025-03-01": [
        "repeat_victim,dv,name:zoe|obrien|1990-02-03,V1b;V1c",
        "repeat_victim,dv,ref:v2,V2b;V2c",
        "repeat_victim,dv,ref:v3,V3b;V3c",
    ],
    "2025-02-27": [          # from 2024-02-27: V2a in, but V1c/V2c unknown
        "dv_escalation,dv,ref:v3,V3a;V3b;V3c",
        "repeat_victim,dv,name:zoe|obrien|1990-02-03,V1a;V1b",
        "repeat_victim,dv,ref:v2,V2a;V2b",
        "repeat_victim,dv,ref:v3,V3b;V3c",
    ],
    "2024-03-02": [
        "dv_escalation,dv,ref:v3,V3a;V3b;V3c",
        "repeat_victim,dv,ref:v3,V3b;V3c",
    ],
    "2024-03-01": [          # V3c unknown
        "repeat_victim,dv,ref:v3,V3a;V3b",
    ],
})

# ---------------------------------------------------------------- repeat victim
case("repeat victim: boundary, UPRN zeros, no expiry, same-day order", [
    row("H1", "burglary", "2023-05-01", line="12 High Street", pc="N3 1AA"),
    row("H2", "burglary", "01/05/2024", line="12 High St.", pc="n31aa"),
    row("G1", "burglary", "2023-06-30", uprn="100012345678", line="3 Oak Gardens", pc="EN5 1XY"),
    row("G2", "burglary", "2024-07-01", uprn="0100012345678", line="3 Oak Gdns", pc="EN5 1XY"),
    row("K1", "dv", "2020-01-10", vref="K"),
    row("K2", "dv", "2020-02-10", vref="K"),
    row("K3", "dv", "2022-01-01", vref="K"),
    row("W-1", "asb", "2024-06-01 00:00", vref="W"),
    row("W-2", "asb", "2024-06-01", vref="W"),
    row("W-3", "asb", "2024-06-01 00:01", vref="W"),
    row("W-0", "asb", "2024-05-31 23:59", vref="W"),
], {
    # the latest K is K3 (2022-01-01); its predecessor K2 (2020-02-10) is before
    # 2021-01-01, so K is not a repeat victim any more
    "2024-05-01": ["repeat_victim,burglary,addr:12 HIGH STREET|N31AA,H1;H2"],
    "2024-04-30": [],
    "2021-12-31": ["repeat_victim,dv,ref:k,K1;K2"],   # old repeat, no expiry
    "2022-01-01": [],
    # W's four ASB complaints (no report date) also meet the case review threshold
    "2024-06-01": ["asb_case_review,asb,ref:w,W-0;W-1;W-2;W-3",
                   "repeat_victim,asb,ref:w,W-2;W-3",
                   "repeat_victim,burglary,addr:12 HIGH STREET|N31AA,H1;H2"],
    "2024-07-01": ["asb_case_review,asb,ref:w,W-0;W-1;W-2;W-3",
                   "repeat_victim,asb,ref:w,W-2;W-3",
                   "repeat_victim,burglary,addr:12 HIGH STREET|N31AA,H1;H2"],
    "2024-05-31": ["repeat_victim,burglary,addr:12 HIGH STREET|N31AA,H1;H2"],
})

# The public small fixture (read only), worked by hand.
# The public fixture: SCS_SHARED_DATA, else the copy kept with the tests.
PUBLIC_SMALL = os.path.join(
    os.environ.get("SCS_SHARED_DATA", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   os.pardir, os.pardir, "fixtures",
                                                   "shared-data")),
    "incidents-small.csv")
PUBLIC_EXPECTATIONS = {
    "2024-09-30": [
        "asb_case_review,asb,name:daniel|nowak|1970-01-01,A1;A2;A3",
        "dv_escalation,dv,name:zoe|obrien|1990-02-03,D1;D2;D3",
        "repeat_victim,asb,name:daniel|nowak|1970-01-01,A2;A3",
        "repeat_victim,burglary,addr:12 HIGH STREET|N31AA,B1;B2",
        "repeat_victim,dv,name:amira|khan|1985-07-07,D10;D9",
        "repeat_victim,dv,name:zoe|obrien|1990-02-03,D2;D3",
    ],
    "2025-03-31": [          # A1, A2 and D1 have left the windows
        "repeat_victim,asb,name:daniel|nowak|1970-01-01,A2;A3",
        "repeat_victim,burglary,addr:12 HIGH STREET|N31AA,B1;B2",
        "repeat_victim,burglary,addr:FLAT 2 7 STATION ROAD|NW42AB,B3;B4",
        "repeat_victim,dv,name:amira|khan|1985-07-07,D10;D9",
        "repeat_victim,dv,name:priya|patel|pc:NW9 5QQ,D4;D5",
        "repeat_victim,dv,name:zoe|obrien|1990-02-03,D2;D3",
        "repeat_victim,dv,ref:p123,D7;D8",
    ],
}


def run():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n, (name, rows, expectations) in enumerate(CASES, start=1):
            path = os.path.join(tmp, f"case{n}.csv")
            with open(path, "w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(COLUMNS)
                w.writerows(rows)
            for on, expected in expectations.items():
                out = os.path.join(tmp, "out.csv")
                rc = oracle.main(["--incidents", path, "--on", on, "--out", out])
                got = open(out, encoding="utf-8").read().splitlines()[1:] if rc == 0 else ["rc", rc]
                ok = got == sorted(expected)
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'} {name} / {on}")
                if not ok:
                    print("   expected:", sorted(expected))
                    print("   got:     ", got)
        if os.path.exists(PUBLIC_SMALL):
            for on, expected in PUBLIC_EXPECTATIONS.items():
                out = os.path.join(tmp, "out.csv")
                rc = oracle.main(["--incidents", PUBLIC_SMALL, "--on", on, "--out", out])
                got = open(out, encoding="utf-8").read().splitlines()[1:] if rc == 0 else ["rc", rc]
                ok = got == sorted(expected)
                failures += not ok
                print(f"{'ok  ' if ok else 'FAIL'} public incidents-small.csv / {on}")
                if not ok:
                    print("   expected:", sorted(expected))
                    print("   got:     ", got)
    print(f"failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(run())
