#!/usr/bin/env python3
"""Independent oracle for the alerts of definitions.md section 5, "as on" a date D.

    python3 oracle.py --incidents INCIDENTS.csv --on YYYY-MM-DD --out OUT.csv

Written only from /work/shared/spec (definitions.md sections 1-3 and 5, formats.md
"Incidents"), without reading /work/main.  Standard library only.  The importer is
importer.py (copied from the figures oracle).  Every choice made where the spec is
open is in CHOICES.md; the numbers below are the spec's default settings.

Output: CSV (UTF-8, no BOM, CRLF), header `kind,crime_type,subject_key,references`,
one row per alert, rows sorted (plain string order, column by column).
"""

import argparse
import csv
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importer  # noqa: E402
from importer import add_months, subtract_months  # noqa: E402

# ------------------------------------------------------------ default settings
REPEAT_WINDOW_MONTHS = {"asb": 12, "burglary": 12, "dv": 12}  # W(T), definitions section 3
CASE_REVIEW_COMPLAINTS = 3          # qualifying complaints by one person ...
CASE_REVIEW_WINDOW_MONTHS = 6       # ... within 6 months
QUALIFYING_REPORT_MONTHS = 1        # reported within 1 month of the incident
COMMUNITY_PEOPLE = 5                # different people at the same address ...
COMMUNITY_WINDOW_MONTHS = 6         # ... within 6 months
DV_ESCALATION_INCIDENTS = 3         # 3 or more DV incidents ...
DV_ESCALATION_WINDOW_MONTHS = 12    # ... within the 12 months up to and including D
DV_POLICE_ONLY = False              # setting: count police-reported incidents only

HEADER = ["kind", "crime_type", "subject_key", "references"]


def order_key(inc):
    """definitions section 3: date, time (missing = 00:00), then reference (plain order)."""
    return (inc.date, inc.time or dt.time(0, 0), inc.reference)


def subject(inc):
    """Person key for asb and dv, address key for burglary (None: not linked)."""
    return inc.address_key if inc.crime_type == "burglary" else inc.person_key


def refs(incidents):
    return ";".join(sorted(i.reference for i in incidents))


# ----------------------------------------------------------------- the alerts

def repeat_victim_alerts(known):
    """The subject's latest incident of a type (section 3 order, up to D) is a repeat.

    i is a repeat exactly when the subject's immediately preceding incident of the
    same type occurred on or after date(i) - W months (boundary day counts).
    References: the latest incident and that immediately preceding one."""
    by_subject = {}
    for inc in known:
        s = subject(inc)
        if s is not None:
            by_subject.setdefault((inc.crime_type, s), []).append(inc)
    rows = []
    for (crime_type, s), incs in by_subject.items():
        incs.sort(key=order_key)
        if len(incs) < 2:
            continue
        latest, previous = incs[-1], incs[-2]
        boundary = subtract_months(latest.date, REPEAT_WINDOW_MONTHS[crime_type])
        if previous.date >= boundary:
            rows.append(["repeat_victim", crime_type, s, refs([previous, latest])])
    return rows


def qualifies(inc):
    """A complaint qualifies when reported within 1 month of the incident (dates only;
    reported on exactly occurred + 1 month, clamped, still qualifies).  No report date:
    it qualifies."""
    if inc.reported_date is None:
        return True
    return inc.reported_date <= add_months(inc.date, QUALIFYING_REPORT_MONTHS)


def in_window(inc, on, months):
    """Occurred in the `months` months up to and including D: D - months <= date <= D."""
    return subtract_months(on, months) <= inc.date <= on


def case_review_alerts(known, on):
    """A person with 3 qualifying ASB complaints in the 6 months up to and including D."""
    by_person = {}
    for inc in known:
        if (inc.crime_type == "asb" and inc.person_key is not None and qualifies(inc)
                and in_window(inc, on, CASE_REVIEW_WINDOW_MONTHS)):
            by_person.setdefault(inc.person_key, []).append(inc)
    return [["asb_case_review", "asb", person, refs(incs)]
            for person, incs in by_person.items() if len(incs) >= CASE_REVIEW_COMPLAINTS]


def community_alerts(known, on):
    """5 different people (person keys) with qualifying ASB complaints at the same address
    (address key) in the 6 months up to and including D."""
    by_address = {}
    for inc in known:
        if (inc.crime_type == "asb" and inc.person_key is not None
                and inc.address_key is not None and qualifies(inc)
                and in_window(inc, on, COMMUNITY_WINDOW_MONTHS)):
            by_address.setdefault(inc.address_key, []).append(inc)
    rows = []
    for address, incs in by_address.items():
        if len({i.person_key for i in incs}) >= COMMUNITY_PEOPLE:
            rows.append(["asb_case_review_community", "asb", address, refs(incs)])
    return rows


def dv_escalation_alerts(known, on):
    """3 or more DV incidents for the same victim in the 12 months up to and including D."""
    by_person = {}
    for inc in known:
        if inc.crime_type != "dv" or inc.person_key is None:
            continue
        if DV_POLICE_ONLY and inc.source != "police":
            continue
        if in_window(inc, on, DV_ESCALATION_WINDOW_MONTHS):
            by_person.setdefault(inc.person_key, []).append(inc)
    return [["dv_escalation", "dv", person, refs(incs)]
            for person, incs in by_person.items() if len(incs) >= DV_ESCALATION_INCIDENTS]


def alerts(incidents, on):
    """All alert rows as on D: only incidents that occurred on or before D are known."""
    known = [i for i in incidents if i.date <= on]
    rows = (repeat_victim_alerts(known) + case_review_alerts(known, on)
            + community_alerts(known, on) + dv_escalation_alerts(known, on))
    rows.sort()
    return rows


def write_rows(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        w.writerows(rows)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--incidents", required=True)
    p.add_argument("--on", required=True, help="the date D, YYYY-MM-DD")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    on = dt.date.fromisoformat(a.on)
    try:
        incidents = importer.load_incidents(a.incidents)
    except importer.InvalidFile as e:
        print(e, file=sys.stderr)
        return 2
    write_rows(a.out, alerts(incidents, on))
    return 0


if __name__ == "__main__":
    sys.exit(main())
