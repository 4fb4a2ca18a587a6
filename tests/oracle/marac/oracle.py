#!/usr/bin/env python3
"""Independent oracle for the SafeLives MARAC return (definitions.md §2 and §6).

Written only from /work/shared/spec; see CHOICES.md for every reading of an
ambiguous sentence.

    python3 oracle.py --referrals REFERRALS.csv --from YYYY-MM-DD --to YYYY-MM-DD --out OUT.csv
"""
import argparse
import calendar
import csv
import datetime as dt
import io
import re
import sys
import unicodedata

# --------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------

# The 14 SafeLives referral sources, in the column order of the return.
SOURCES = [
    ("police", "Police"),
    ("idva", "IDVA"),
    ("childrens_social_care", "Children's Social Care"),
    ("adult_social_care", "Adult Social Care"),
    ("primary_care", "Primary Care"),
    ("secondary_care", "Secondary Care"),
    ("mental_health", "Mental Health"),
    ("substance_misuse", "Substance Misuse"),
    ("probation", "Probation"),
    ("voluntary_sector", "Voluntary Sector"),
    ("mash", "MASH"),
    ("education", "Education"),
    ("housing", "Housing"),
    ("other", "Other"),
]

HEADER = [
    "meeting_date", "cases_discussed", "repeat_cases", "children",
    "victims_bame", "victims_lgbt", "victims_disabled", "victims_male",
    "victims_16_17", "perpetrators_under_18",
] + ["ref_" + code for code, _ in SOURCES]

# Racially minoritised (definitions §6): the Mixed, Asian, Black and Other
# groups of ONS 2021, plus White: Gypsy or Irish Traveller and White: Roma.
MINORITISED_GROUPS = {"mixed", "asian", "black", "other"}
MINORITISED_WHITE = {"gypsy or irish traveller", "roma"}

TRUE_WORDS = {"y", "yes", "true", "1"}
FALSE_WORDS = {"n", "no", "false", "0", ""}


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def parse_date(text):
    """2024-05-31, 31/05/2024 or 31/5/2024 (an optional time is ignored)."""
    s = (text or "").strip()
    if not s:
        return None
    s = re.split(r"[ T]", s, maxsplit=1)[0]
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError("not a date: %r" % text)


def minus_months(d, months):
    """Calendar months back, keeping the day, clamped to the end of the month."""
    total = d.year * 12 + (d.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def age_on(dob, day):
    """Whole years completed on `day` (a 29 February birthday falls on 1 March
    in a common year)."""
    years = day.year - dob.year
    if (day.month, day.day) < (dob.month, dob.day):
        years -= 1
    return years


def norm_name(text):
    """definitions §2: NFKD, drop combining marks, case-fold, keep only a-z."""
    s = unicodedata.normalize("NFKD", text or "")
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold()
    return "".join(ch for ch in s if "a" <= ch <= "z")


def yes(text):
    v = (text or "").strip().lower()
    if v in TRUE_WORDS:
        return True
    if v in FALSE_WORDS:
        return False
    raise ValueError("not a Y/N value: %r" % text)


def is_minoritised(ethnicity):
    s = " ".join((ethnicity or "").split()).lower()
    if not s:
        return False
    group, _, detail = s.partition(":")
    group, detail = group.strip(), detail.strip()
    if group in MINORITISED_GROUPS:
        return True
    if group == "white":
        return detail in MINORITISED_WHITE
    raise ValueError("unknown ethnicity: %r" % ethnicity)


def source_code(text):
    want = re.sub(r"[^a-z]", "", (text or "").lower())
    for code, label in SOURCES:
        if want == re.sub(r"[^a-z]", "", label.lower()):
            return code
    raise ValueError("unknown referring agency: %r" % text)


def fmt(x):
    """0.5, 2.5, 1, 0 (halves only ever arise)."""
    if x == int(x):
        return str(int(x))
    return ("%.2f" % x).rstrip("0").rstrip(".")


# --------------------------------------------------------------------------
# Reading referrals
# --------------------------------------------------------------------------

def read_rows(path):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader)]
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append({h: (values[i] if i < len(values) else "") for i, h in enumerate(header)})
    return rows


class Referral:
    pass


def load(path):
    refs = []
    for row in read_rows(path):
        r = Referral()
        g = lambda c: (row.get(c) or "").strip()
        r.ref = g("referral_ref")
        r.date = parse_date(g("referral_date"))
        r.meeting = parse_date(g("meeting_date"))
        r.victim_ref = g("victim_ref")
        r.victim_name = (norm_name(g("victim_forename")), norm_name(g("victim_surname")))
        r.victim_dob = parse_date(g("victim_dob"))
        r.male = g("victim_gender").lower() in ("male", "m")
        r.bame = is_minoritised(g("victim_ethnicity"))
        r.lgbt = yes(g("victim_lgbt"))
        r.disabled = yes(g("victim_disabled"))
        r.perp_ref = g("perpetrator_ref")
        r.perp_name = (norm_name(g("perpetrator_forename")), norm_name(g("perpetrator_surname")))
        r.perp_dob = parse_date(g("perpetrator_dob"))
        agencies = [a.strip() for a in g("referring_agency").split(";") if a.strip()]
        r.sources = [source_code(a) for a in agencies]
        r.children = int(g("children_count") or 0)
        refs.append(r)
    return refs


# --------------------------------------------------------------------------
# Identity (definitions §2, no postcode fallback) and cases
# --------------------------------------------------------------------------

def person_key(ref, name, dob):
    if ref:
        return "ref:" + ref.casefold()
    if dob:
        return "name:%s|%s|%s" % (name[0], name[1], dob.isoformat())
    return None


def order_key(r):
    # Referral date, ties broken by referral_ref (plain string order).
    return (r.date, r.ref)


def link_people(referrals):
    """Give every referral a victim key, a perpetrator key, and known dobs."""
    for r in referrals:
        r.victim = person_key(r.victim_ref, r.victim_name, r.victim_dob)
        if r.victim is None:
            raise ValueError("%s: victim needs victim_ref or victim_dob" % r.ref)
        r.perp = person_key(r.perp_ref, r.perp_name, r.perp_dob)

    by_victim = {}
    for r in sorted(referrals, key=order_key):
        by_victim.setdefault(r.victim, []).append(r)

    # A perpetrator with neither ref nor dob is matched by name within that
    # victim's cases: a keyed perpetrator of the same victim with the same
    # normalised name (the nearest earlier referral first, else the nearest
    # later one); failing that, all name-only mentions of that name for that
    # victim are one perpetrator.
    for r in referrals:
        if r.perp is not None:
            continue
        same = [o for o in by_victim[r.victim]
                if o.perp is not None and o.perp_name == r.perp_name
                and not o.perp.startswith("local:")]
        earlier = [o for o in same if order_key(o) < order_key(r)]
        if earlier:
            r.perp = earlier[-1].perp
        elif same:
            r.perp = same[0].perp
        else:
            r.perp = "local:%s#%s|%s" % (r.victim, r.perp_name[0], r.perp_name[1])

    # Dates of birth known for each person (used when a row has none).
    dobs = {}
    for r in referrals:
        if r.victim_dob:
            dobs.setdefault(r.victim, r.victim_dob)
        if r.perp_dob:
            dobs.setdefault(r.perp, r.perp_dob)
    for r in referrals:
        r.victim_dob_known = r.victim_dob or dobs.get(r.victim)
        r.perp_dob_known = r.perp_dob or dobs.get(r.perp)


def mark_repeats(referrals, months=12):
    """definitions §6: same victim and same perpetrator referred before, with a
    referral date on or after this referral's date minus 12 months."""
    last = {}
    for r in sorted(referrals, key=order_key):
        case = (r.victim, r.perp)
        prev = last.get(case)
        r.repeat = prev is not None and prev >= minus_months(r.date, months)
        last[case] = r.date


# --------------------------------------------------------------------------
# The return
# --------------------------------------------------------------------------

def empty_counts():
    c = {h: 0 for h in HEADER[1:]}
    return c


def add(counts, r):
    counts["cases_discussed"] += 1
    counts["repeat_cases"] += 1 if r.repeat else 0
    counts["children"] += r.children
    counts["victims_bame"] += 1 if r.bame else 0
    counts["victims_lgbt"] += 1 if r.lgbt else 0
    counts["victims_disabled"] += 1 if r.disabled else 0
    counts["victims_male"] += 1 if r.male else 0
    if r.victim_dob_known and 16 <= age_on(r.victim_dob_known, r.date) <= 17:
        counts["victims_16_17"] += 1
    if r.perp_dob_known and age_on(r.perp_dob_known, r.date) <= 17:
        counts["perpetrators_under_18"] += 1
    share = 1.0 / len(r.sources) if r.sources else 0
    for code in r.sources:
        counts["ref_" + code] += share


def build_return(referrals, start, end):
    link_people(referrals)
    mark_repeats(referrals)
    meetings = {}
    for r in referrals:
        if r.meeting is not None and start <= r.meeting <= end:
            add(meetings.setdefault(r.meeting, empty_counts()), r)
    lines = [HEADER]
    total = empty_counts()
    for day in sorted(meetings):
        c = meetings[day]
        lines.append([day.isoformat()] + [fmt(c[h]) for h in HEADER[1:]])
        for h in HEADER[1:]:
            total[h] += c[h]
    lines.append(["Total"] + [fmt(total[h]) for h in HEADER[1:]])
    return lines


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--referrals", required=True)
    p.add_argument("--from", dest="start", required=True)
    p.add_argument("--to", dest="end", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    lines = build_return(load(a.referrals), parse_date(a.start), parse_date(a.end))
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerows(lines)


if __name__ == "__main__":
    main()
