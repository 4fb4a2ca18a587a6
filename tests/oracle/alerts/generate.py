#!/usr/bin/env python3
"""Data sets that exercise the alerts of definitions.md section 5.

    python3 generate.py SEED OUTDIR

writes into OUTDIR:
  incidents.csv   valid incidents file (formats.md), 200-1500 rows, 2019-01-01..2026-06-30
  wards.csv       the wards the incidents use (load it first if the project needs wards)
  cases.txt       3-5 lines `--on YYYY-MM-DD`
  expected-N.csv  oracle.py's alerts for line N of cases.txt (from 1)
  scenarios.txt   the planted scenarios: label, anchor date, references (for diagnosis)

Everything is synthetic.  The same seed always gives the same files.  Background
incidents come from the figures oracle's generator (figgen.py); on top of them, for
each anchor date D of cases.txt, small "scenarios" put incidents exactly on, one day
before and one day after the alert boundaries (D - 6 months, D - 12 months, report
exactly 1 month after the incident, ...).  cases.txt holds each anchor D and the day
before it (and sometimes the day after), so the boundaries are seen from both sides.
Each scenario incident's description names its scenario.
"""

import datetime as dt
import io
import csv
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import figgen  # noqa: E402
import importer  # noqa: E402
import oracle  # noqa: E402
from importer import add_months, subtract_months  # noqa: E402

FIRST_DAY = figgen.FIRST_DAY          # 2019-01-01
LAST_DAY = figgen.LAST_DAY            # 2026-06-30
DAY = dt.timedelta(days=1)

# Sets with SEED % 4 == 3 use anchors around 29 February.
LEAP_ANCHORS = {
    3: ("2024-08-31", "2025-02-28"),     # D-6m = 2024-02-29; D-12m = 2024-02-28
    7: ("2024-02-29", "2025-03-01"),     # D-12m = 2023-02-28, D-6m = 2023-08-29; 2024-03-01
    11: ("2024-08-29", "2025-02-28"),    # 08-28/29/30 -> 02-28/29/29
    15: ("2020-08-31", "2021-03-01"),    # D-6m = 2020-02-29; D-12m = 2020-03-01
    19: ("2020-02-29", "2021-02-28"),    # D-12m = 2019-02-28; D-12m = 2020-02-28
}


def d(text):
    return dt.date.fromisoformat(text)


def clamp_date(day):
    return min(max(day, FIRST_DAY), LAST_DAY)


def between(rng, lo, hi):
    """A random date in [lo, hi] (lo <= hi)."""
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


class Builder:
    """Adds scenario incidents with fresh people and addresses."""

    def __init__(self, rng, wards, rare_names):
        self.rng = rng
        self.wards = wards
        self.ward_names = [w["ward"] for w in wards]
        self.rare_names = rare_names
        self.incidents = []
        self.scenarios = []          # (label, anchor, [incident dicts])
        self.ref_counter = 0
        self.used_uprns = set()

    # ---------------------------------------------------------------- subjects
    def person(self, modes=("ref", "dob", "pc")):
        rng = self.rng
        p = figgen.make_person(rng, self.wards, self.rare_names)
        p.mode = rng.choice(list(modes))
        if p.mode in ("ref", "refsplit"):
            self.ref_counter += 1
            # a namespace the background never uses
            p.ref = rng.choice([f"SV{self.ref_counter:05d}", f"sv-{self.ref_counter}",
                                f"Vic {self.ref_counter}/A"])
        return p

    def address(self):
        rng = self.rng
        a = figgen.make_address(rng, self.wards, set())
        if a.mode == "mixed":
            a.mode = rng.choice(["uprn", "line"])
        if a.mode == "uprn":
            while True:
                u = rng.randint(10 ** 10, 10 ** 12 - 1)
                if u not in self.used_uprns:
                    self.used_uprns.add(u)
                    a.uprn = u
                    break
        else:
            a.uprn = None
        return a

    # ---------------------------------------------------------------- reports
    def good_report(self, day):
        """A report date that qualifies (within 1 month), or None (no report date)."""
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            return None
        if r < 0.65:
            return day
        limit = add_months(day, 1)
        return between(rng, day, limit)

    # ---------------------------------------------------------------- incidents
    def _add(self, label, anchor, crime_type, day, fields, reported="good", time=False,
             source=None):
        rng = self.rng
        assert FIRST_DAY <= day <= LAST_DAY, (label, day)
        if reported == "good":
            reported = self.good_report(day)
        inc = {
            "crime_type": crime_type, "date": day,
            "time": figgen.random_time(rng) if time is False else time,
            "ward": rng.choice(self.ward_names + [None]),
            "fields": dict(fields), "reported": reported,
        }
        inc["fields"]["description"] = f"alerts scenario {label} (D {anchor.isoformat()})"
        if source is not None:
            inc["fields"]["source"] = source
        self.incidents.append(inc)
        return inc

    def person_incident(self, label, anchor, p, crime_type, day, **kw):
        return self._add(label, anchor, crime_type, day,
                         figgen.person_fields(self.rng, p, crime_type), **kw)

    def community_incident(self, label, anchor, p, a, day, **kw):
        """An ASB complaint by person p at address a."""
        f = figgen.person_fields(self.rng, p, "asb")
        for k in ("postcode", "address_line1", "uprn"):
            f.pop(k, None)
        af = figgen.address_fields(self.rng, a)
        if p.mode == "pc" and "postcode" not in af:
            af["postcode"] = figgen.postcode_variant(self.rng, a.postcode)
        f.update(af)
        return self._add(label, anchor, "asb", day, f, **kw)

    def address_incident(self, label, anchor, a, crime_type, day, **kw):
        return self._add(label, anchor, crime_type, day, figgen.address_fields(self.rng, a), **kw)

    def scenario(self, label, anchor, incidents):
        self.scenarios.append((label, anchor, incidents))


# ------------------------------------------------------------------ scenarios
# Each takes (builder, D) and plants incidents for fresh subjects.  Dates outside
# 2019-01-01..2026-06-30 are never produced (scenarios that would need them are skipped).

def ok(*days):
    return all(FIRST_DAY <= x <= LAST_DAY for x in days)


def asb_person_dates(b, label, D, days, reports=None, modes=("ref", "dob", "pc")):
    if not ok(*days):
        return
    p = b.person(modes)
    incs = []
    for k, day in enumerate(days):
        rep = "good" if reports is None else reports[k]
        incs.append(b.person_incident(label, D, p, "asb", day, reported=rep))
    b.scenario(label, D, incs)


def cr_scenarios(b, D):
    rng = b.rng
    m6 = subtract_months(D, 6)
    mid = lambda lo, hi: between(rng, lo, hi)  # noqa: E731
    asb_person_dates(b, "cr-first-on-boundary", D, [m6, mid(m6 + DAY, D - DAY), D])
    asb_person_dates(b, "cr-first-6-months-and-a-day-before", D,
                     [m6 - DAY, mid(m6 + DAY, D - DAY), D])
    asb_person_dates(b, "cr-first-one-day-inside", D, [m6 + DAY, mid(m6 + DAY, D - DAY), D - DAY])
    asb_person_dates(b, "cr-third-on-day-after-D", D, [m6 + DAY * 3, mid(m6 + DAY, D), D + DAY])
    asb_person_dates(b, "cr-inside-window", D, sorted(mid(m6, D) for _ in range(3)))
    asb_person_dates(b, "cr-no-report-dates", D, sorted(mid(m6, D) for _ in range(3)),
                     reports=[None, None, None])
    # report exactly 1 month after the incident, on a month end when possible
    for label, extra in (("cr-report-exactly-1-month-after", 0),
                         ("cr-report-1-month-and-a-day-after", 1)):
        days = sorted(mid(m6, D) for _ in range(3))
        ends = [x for x in (dt.date(y, m, dd) for y in range(m6.year, D.year + 1)
                            for m in range(1, 13) for dd in (29, 30, 31)
                            if _valid(y, m, dd)) if m6 <= x <= D and x.month in (1, 3, 5, 8, 10)]
        leap = [x for x in ends if x.month == 1 and x.year % 4 == 0]
        if leap and rng.random() < 0.8:
            ends = leap
        k = rng.randrange(3)
        if ends and rng.random() < 0.7:
            chosen = rng.choice(ends)
            days[k] = chosen
            days.sort()
            k = days.index(chosen)      # the month-end complaint is the one reported late/on time
        reports = ["good", "good", "good"]
        reports[k] = add_months(days[k], 1) + DAY * extra
        asb_person_dates(b, label, D, days, reports=reports)
    # four complaints in the window, one reported late
    days = sorted(mid(m6, D) for _ in range(4))
    reports = ["good"] * 4
    late = rng.randrange(4)
    reports[late] = add_months(days[late], 1) + DAY * rng.randint(1, 20)
    asb_person_dates(b, "cr-four-one-late", D, days, reports=reports)
    # same-day complaints
    day = mid(m6, D)
    asb_person_dates(b, "cr-two-on-one-day", D, sorted([day, day, mid(m6, D)]))
    # a threshold met in the past only (not in the 6 months up to D)
    end = m6 - DAY * rng.randint(1, 300)
    start = subtract_months(end, 6)
    asb_person_dates(b, "cr-threshold-met-only-in-the-past", D,
                     [start, mid(start, end), end])
    # three within 6 months of each other, the first before D - 6 months
    first = m6 - DAY * rng.randint(1, 40)
    asb_person_dates(b, "cr-straddles-window-start", D,
                     [first, mid(m6 + DAY, D - DAY), min(D, add_months(first, 6))])
    # person written sometimes with, sometimes without a date of birth (two keys)
    asb_person_dates(b, "cr-person-keyed-two-ways", D, sorted(mid(m6, D) for _ in range(3)),
                     modes=("split",))
    # ASB with only a victim reference
    days = sorted(mid(m6, D) for _ in range(3))
    if ok(*days):
        p = b.person(("ref",))
        incs = []
        for day in days:
            ref = rng.choice([p.ref, p.ref.lower(), p.ref.upper(), " " + p.ref + " "])
            incs.append(b._add("cr-victim-ref-only", D, "asb", day, {"victim_ref": ref}))
        b.scenario("cr-victim-ref-only", D, incs)


def _valid(y, m, dd):
    try:
        dt.date(y, m, dd)
        return True
    except ValueError:
        return False


def community(b, label, D, people_days, reports=None, env_days=()):
    """people_days: one list of dates per person."""
    all_days = [x for days in people_days for x in days] + list(env_days)
    if not ok(*all_days):
        return
    a = b.address()
    incs = []
    for n, days in enumerate(people_days):
        p = b.person(("ref", "dob", "pc"))
        for k, day in enumerate(days):
            rep = "good"
            if reports and (n, k) in reports:
                rep = reports[(n, k)]
            incs.append(b.community_incident(label, D, p, a, day, reported=rep))
    for day in env_days:                     # environmental ASB there: no victim
        incs.append(b._add(label, D, "asb", day, figgen.address_fields(b.rng, a)))
    b.scenario(label, D, incs)


def cc_scenarios(b, D):
    rng = b.rng
    m6 = subtract_months(D, 6)
    mid = lambda: between(rng, m6 + DAY, D - DAY)  # noqa: E731
    community(b, "cc-5-people-first-on-boundary", D, [[m6], [mid()], [mid()], [mid()], [D]])
    community(b, "cc-5-people-first-6-months-and-a-day-before", D,
              [[m6 - DAY], [mid()], [mid()], [mid()], [D]])
    community(b, "cc-5-people-fifth-on-day-after-D", D,
              [[m6 + DAY], [mid()], [mid()], [mid()], [D + DAY]])
    community(b, "cc-4-people-many-complaints", D,
              [[mid(), mid()], [mid(), mid()], [mid()], [mid(), mid(), mid()]])
    community(b, "cc-5-people-one-reported-late", D,
              [[mid()], [mid()], [mid()], [mid()], [mid()]],
              reports={(rng.randrange(5), 0): "late"})
    community(b, "cc-4-people-and-environmental-asb", D,
              [[mid()], [mid()], [mid()], [mid()]], env_days=[mid(), mid()])
    community(b, "cc-7-people-one-on-boundary", D, [[mid()] for _ in range(6)] + [[m6, mid()]])
    # fix the late report placeholders
    for inc in b.incidents:
        if inc["reported"] == "late":
            inc["reported"] = add_months(inc["date"], 1) + DAY


def dv_person_dates(b, label, D, days, sources=None, times=None):
    if not ok(*days):
        return
    p = b.person(("ref", "dob", "pc"))
    incs = []
    for k, day in enumerate(days):
        kw = {}
        if sources:
            kw["source"] = sources[k]
        if times:
            kw["time"] = times[k]
        incs.append(b.person_incident(label, D, p, "dv", day, **kw))
    b.scenario(label, D, incs)


def dv_scenarios(b, D):
    rng = b.rng
    m12 = subtract_months(D, 12)
    mid = lambda: between(rng, m12 + DAY, D - DAY)  # noqa: E731
    dv_person_dates(b, "dv-first-on-boundary", D, [m12, mid(), D])
    dv_person_dates(b, "dv-first-12-months-and-a-day-before", D, [m12 - DAY, mid(), D])
    dv_person_dates(b, "dv-third-on-day-after-D", D, [m12 + DAY, mid(), D + DAY])
    dv_person_dates(b, "dv-exactly-12-months-apart", D, [subtract_months(D, 24), m12, D])
    dv_person_dates(b, "dv-inside-window-any-source", D, sorted(mid() for _ in range(4)),
                    sources=[rng.choice(["police", "council", "housing", "health", "self", "other", ""])
                             for _ in range(4)])
    end = m12 - DAY * rng.randint(1, 400)
    dv_person_dates(b, "dv-three-in-12-months-only-in-the-past", D,
                    [subtract_months(end, 12), between(rng, subtract_months(end, 12), end), end])
    day = mid()
    dv_person_dates(b, "dv-three-on-one-day", D, [day, day, day],
                    times=[None, dt.time(0, 0), dt.time(rng.randint(0, 23), 30)])


def rv_scenarios(b, D):
    rng = b.rng
    m12 = subtract_months(D, 12)

    def chain(label, days, crime_type=None, times=None):
        if not ok(*days):
            return
        crime_type = crime_type or rng.choice(["asb", "burglary", "dv"])
        incs = []
        if crime_type == "burglary":
            a = b.address()
            for k, day in enumerate(days):
                kw = {"time": times[k]} if times else {}
                incs.append(b.address_incident(label, D, a, "burglary", day, **kw))
        else:
            p = b.person(("ref", "dob", "pc"))
            for k, day in enumerate(days):
                kw = {"time": times[k]} if times else {}
                incs.append(b.person_incident(label, D, p, crime_type, day, **kw))
        b.scenario(label, D, incs)

    for ct in ("asb", "burglary", "dv"):
        chain(f"rv-{ct}-exactly-12-months", [m12, D], ct)
        chain(f"rv-{ct}-12-months-and-a-day", [m12 - DAY, D], ct)
    chain("rv-previous-on-boundary-latest-after-D", [subtract_months(D + DAY, 12), D + DAY],
          "burglary")
    if D - dt.timedelta(days=900) >= FIRST_DAY:
        # the latest incident is a repeat but 2+ years old: still an alert (no expiry)
        old = between(rng, FIRST_DAY, D - dt.timedelta(days=900))
        chain("rv-old-repeat-still-latest", [old, old + dt.timedelta(days=rng.randint(1, 300))])
    if D - dt.timedelta(days=800) >= FIRST_DAY:
        # a repeat, then a fresh (non-repeat) incident: no alert any more
        old = between(rng, FIRST_DAY, D - dt.timedelta(days=800))
        chain("rv-repeat-then-fresh-incident",
              [old, old + dt.timedelta(days=30), old + dt.timedelta(days=30 + rng.randint(370, 700))])
    chain("rv-three-on-D-same-day", [D, D, D], rng.choice(["burglary", "dv"]),
          times=rng.choice([[None, None, None], [dt.time(0, 0), None, dt.time(0, 1)],
                            [dt.time(9, 0), dt.time(9, 0), None]]))


# ------------------------------------------------------------------ the set

def case_dates(rng, seed):
    if seed % 4 == 3:
        a, b_ = (d(x) for x in LEAP_ANCHORS[seed])
        anchors = [a, b_]
        dates = [a - DAY, a, a + DAY, b_ - DAY, b_]
        if rng.random() < 0.5:
            dates.remove(a + DAY)
    else:
        a = between(rng, d("2020-03-01"), d("2026-06-20"))
        if rng.random() < 0.3:        # a month end
            a = add_months(dt.date(a.year, a.month, 1), 1) - DAY
            if a > d("2026-06-20"):
                a = d("2026-05-31")
        n = rng.randint(3, 5)
        anchors = [a]
        dates = [a - DAY, a]
        if n >= 3:
            dates.append(a + DAY)
        if n >= 4:
            while True:
                b_ = between(rng, d("2020-03-01"), d("2026-06-20"))
                if abs((b_ - a).days) > 40:
                    break
            anchors.append(b_)
            dates.append(b_)
            if n == 5:
                dates.append(b_ - DAY)
    return anchors, sorted(set(dates))


def render(b_rng, incidents, path):
    """Write the incidents file (columns shuffled or not, header case varied)."""
    rng = b_rng
    cols = list(importer.INCIDENT_COLUMNS)
    for c in ["address_line2", "town", "perpetrator_dob", "relationship", "victim_gender"]:
        if rng.random() < 0.12:
            cols.remove(c)
    extras = rng.sample(figgen.EXTRA_COLUMNS, rng.randint(0, 2))
    all_cols = cols + extras
    if rng.random() < 0.5:
        rng.shuffle(all_cols)
    style = rng.choice(["lower", "lower", "upper", "title", "spaced", "mixed"])
    header = [figgen.header_text(rng, style, c) for c in all_cols]
    rows = []
    for inc in incidents:
        cells = dict(inc["fields"])
        cells["reference"] = inc["reference"]
        cells["crime_type"] = rng.choice(figgen.CRIME_SPELLINGS[inc["crime_type"]])
        cells["occurred_on"] = figgen.render_date_time(rng, inc["date"], inc["time"])
        cells["ward"] = figgen.ward_cell(rng, inc["ward"])
        for k, v in figgen.common_fields(rng, inc["crime_type"]).items():
            cells.setdefault(k, v)
        rep = inc.get("reported", "random")
        if rep == "random":
            cells["reported_on"] = figgen.reported(rng, inc["date"])
        elif rep is None:
            cells["reported_on"] = ""
        else:
            cells["reported_on"] = figgen.render_date(rng, rep)
        for e in extras:
            cells[e] = rng.choice(["", "x", "1", "see file", "a,b"])
        rows.append([cells.get(c, "") for c in all_cols])
    figgen.write_csv(path, header, rows, bom=rng.random() < 0.5, crlf=rng.random() < 0.5)


def generate(seed, outdir):
    rng = random.Random(seed * 1009 + 7)
    os.makedirs(outdir, exist_ok=True)
    for name in os.listdir(outdir):
        if name.startswith("expected-"):
            os.remove(os.path.join(outdir, name))

    anchors, dates = case_dates(rng, seed)
    wards = figgen.make_wards(rng, seed)
    rare_names = seed % 3 == 0

    b = Builder(rng, wards, rare_names)
    for D in anchors:
        cr_scenarios(b, D)
        cc_scenarios(b, D)
        dv_scenarios(b, D)
        rv_scenarios(b, D)
    planted = b.incidents

    target_total = rng.randint(max(200, len(planted) + 100), 1500)
    background = figgen.make_incidents(rng, wards, target_total - len(planted), rare_names)
    background = background[:target_total - len(planted)]
    for inc in background:
        inc["reported"] = "random"
    incidents = background + planted
    rng.shuffle(incidents)
    figgen.references(rng, incidents)

    # wards.csv: the figures generator's wards (all known populations irrelevant here)
    wrows = [[w["ward"], w["code"],
              "" if w["population"] is None else str(w["population"]),
              "" if w["households"] is None else str(w["households"])] for w in wards]
    figgen.write_csv(os.path.join(outdir, "wards.csv"),
                     ["ward", "code", "population", "households"], wrows, bom=False, crlf=True)
    inc_path = os.path.join(outdir, "incidents.csv")
    render(rng, incidents, inc_path)

    # self-check: the file is valid for the importer, with and without the wards list
    loaded_wards = importer.load_wards(os.path.join(outdir, "wards.csv"))
    loaded = importer.load_incidents(inc_path, {w.name.casefold(): w.name for w in loaded_wards})
    assert len(loaded) == len(incidents) and 200 <= len(loaded) <= 1500, len(loaded)
    assert all(FIRST_DAY <= i.date <= LAST_DAY for i in loaded)

    with open(os.path.join(outdir, "cases.txt"), "w", encoding="utf-8", newline="\n") as f:
        for D in dates:
            f.write(f"--on {D.isoformat()}\n")
    for n, D in enumerate(dates, start=1):
        rc = oracle.main(["--incidents", inc_path, "--on", D.isoformat(),
                          "--out", os.path.join(outdir, f"expected-{n}.csv")])
        assert rc == 0

    with open(os.path.join(outdir, "scenarios.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# planted scenarios: label | anchor D | references (occurred dates)\n")
        f.write(f"# cases: {' '.join(x.isoformat() for x in dates)}\n")
        for label, anchor, incs in b.scenarios:
            parts = sorted((i["date"], i["reference"]) for i in incs)
            f.write(f"{label} | {anchor.isoformat()} | "
                    + ", ".join(f"{r} ({day.isoformat()})" for day, r in parts) + "\n")
    return len(incidents), dates


def main():
    if len(sys.argv) != 3:
        print("usage: python3 generate.py SEED OUTDIR", file=sys.stderr)
        return 1
    n, dates = generate(int(sys.argv[1]), sys.argv[2])
    print(f"{sys.argv[2]}: {n} incidents, {len(dates)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
