#!/usr/bin/env python3
"""Helpers copied unchanged from /work/oracle/figures/generate.py (the figures
oracle's generator, written from the spec alone); only its import of the figures
oracle now points at importer.py.  The alerts generator (generate.py) uses its
name, address, date and rendering helpers and its background incidents.
Its own entry point is kept as it was:

    python3 figgen.py SEED OUTDIR

writes OUTDIR/wards.csv and OUTDIR/incidents.csv.  Everything is synthetic
(invented names, addresses, references and populations).  The same seed always
gives the same files.  The result is checked by loading it with oracle.py's
importer, so every file written is valid under the oracle's reading of formats.md.
"""

import calendar
import csv
import datetime as dt
import io
import os
import random
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importer as oracle  # noqa: E402  (copied helpers: subtract_months, importer)

FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2026, 6, 30)
LATEST_REPORT = dt.date(2026, 11, 20)      # reported_on never after this (today is 2026-11-21)

# ------------------------------------------------------------------ word lists

WARD_NAMES = [
    "Ashcombe", "Brook Green", "Castle Vale", "Dunmore", "Elmstead", "Fairholme",
    "Greystones", "Hollins Park", "Ivybridge East", "Juniper Hill", "Kestrel Fields",
    "Larkspur", "Marsh End", "Northgate", "Orchard Rise", "Pinfold", "Quarry Bank",
    "Rookwood", "Saltmarsh", "Thornbury West", "Upper Wrenfield", "Vicarage Cross",
    "Willowmere", "Yewtree", "St Anne's & Priory", "Kingsmead-on-Lea",
]
WARD_NAMES_WITH_COMMA = ["Brook, Upper", "Dale, Lower and Middle"]

FORENAMES = [
    "Zoë", "Chloë", "Renée", "José", "Siân", "Aoife", "Niamh", "Dafydd", "Amira",
    "Priya", "Grace", "Daniel", "Fatima", "Tomasz", "Ifeoma", "Kwame", "Hannah",
    "Ethan", "Mary-Jane", "Jean Paul", "Anne-Marie", "Bethany", "Noël", "Agnès",
    "Kemi", "Ola", "Ruth", "Samir", "Yusuf", "Ana", "Ann", "Anne", "Jo", "Joe",
]
SURNAMES = [
    "O'Brien", "O’Neill", "McDonald", "Mac Donald", "St John", "Van der Berg",
    "Smith-Jones", "D'Souza", "Fernández", "Müller", "Nguyễn", "Patel", "Khan",
    "Nowak", "Okafor", "Mensah", "Begum", "Walker", "Wright", "Levy", "Cohen",
    "Ó Súilleabháin", "Ní Bhriain", "Brontë", "Løvland", "Çelik", "ffrench",
]
RARE_SURNAMES = ["Strauß", "Łukasiewicz", "Ørsted"]   # letters NFKD does not decompose

STREET_NAMES = [
    "High", "Station", "Church", "Mill", "Kings", "Queens", "Victoria", "Albert",
    "Elm", "Oak", "Cedar", "Rose", "Priory", "Manor", "Regent", "Ashley", "Brent",
    "Hill", "Park", "Lyndhurst", "St Albans", "Dr Johnson", "Court", "Green",
    "Stanley", "Drayton", "Clifton", "Place", "Avenue Farm", "Parkside",
]
# long form -> abbreviations of definitions.md section 2
STREET_TYPES = {
    "STREET": ["ST"], "ROAD": ["RD"], "AVENUE": ["AVE", "AV"], "CLOSE": ["CL"],
    "CRESCENT": ["CRES"], "DRIVE": ["DR"], "GARDENS": ["GDNS"], "GREEN": ["GRN"],
    "GROVE": ["GR", "GRO"], "LANE": ["LN"], "PLACE": ["PL"], "SQUARE": ["SQ"],
    "COURT": ["CT"], "TERRACE": ["TER", "TERR"], "PARK": ["PK"], "MEWS": ["MWS"],
    "WAY": ["WY"],
}
PREFIX_TYPES = {"FLAT": ["FLT"], "HOUSE": ["HSE"]}

DESCRIPTIONS = [
    "", "", "", "", "Noise", "Rear door forced", "Window smashed, nothing taken",
    'Neighbour said "again", 3rd time', "Line one\nLine two", "=SUM(A1:A9)",
    '=HYPERLINK("http://example.invalid","x")', "+44 7700 900000", "@mention; door",
    "  leading spaces kept", "Café noise, ‘smart’ quotes", "Comma, comma, comma",
    '"Quoted whole"', "-minus first", "Tab\there", "Multi\r\nline CRLF",
]

EXTRA_COLUMNS = ["notes_internal", "Officer", "force_id", "Risk Level", "legacy ref"]

CRIME_SPELLINGS = {
    "asb": ["ASB", "asb", "Anti-social behaviour", "Antisocial behaviour",
            "ANTI-SOCIAL BEHAVIOUR", "antisocial Behaviour", " ASB "],
    "burglary": ["Burglary", "burglary", "Domestic burglary", "Residential burglary",
                 "Burglary - dwelling", "BURGLARY", "domestic Burglary ", "BURGLARY - DWELLING"],
    "dv": ["DV", "dv", "DA", "da", "Domestic abuse", "Domestic violence",
           "DOMESTIC ABUSE", " Domestic Violence"],
}

GENDERS = ["female", "male", "other", "unknown", "F", "M"]
RELATIONSHIPS = ["partner", "ex-partner", "family", "other"]
SOURCES = ["police", "council", "housing", "health", "self", "other"]


# --------------------------------------------------------------- date helpers

def add_months(date, months):
    return oracle.subtract_months(date, -months)


def random_date(rng, lo=FIRST_DAY, hi=LAST_DAY):
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def boundary_dates():
    """Days where periods start or end, and 28/29 February."""
    out = []
    for y in range(2019, 2027):
        for m in range(1, 13):
            out.append(dt.date(y, m, 1))
            out.append(dt.date(y, m, calendar.monthrange(y, m)[1]))
        out.append(dt.date(y, 2, 28))
    return [d for d in out if FIRST_DAY <= d <= LAST_DAY]


BOUNDARY_DATES = boundary_dates()


def next_date(rng, prev):
    """The date of the next incident of a chain, chosen to sit on the tricky spots."""
    kind = rng.choices(
        ["exact", "day_before", "day_after", "same_day", "short", "medium", "long"],
        weights=[14, 10, 10, 8, 25, 20, 13])[0]
    if kind in ("exact", "day_before", "day_after"):
        # want i with i - 12 months == prev (+1 when prev is one day before the boundary,
        # -1 when prev is one day after it)
        offset = {"exact": 0, "day_before": 1, "day_after": -1}[kind]
        candidates = []
        for delta in range(355, 375):
            cand = prev + dt.timedelta(days=delta)
            if (oracle.subtract_months(cand, 12) - prev).days == offset:
                candidates.append(cand)
        if candidates:
            return rng.choice(candidates)
        return prev + dt.timedelta(days=366)
    if kind == "same_day":
        return prev
    if kind == "short":
        return prev + dt.timedelta(days=rng.randint(1, 90))
    if kind == "medium":
        return prev + dt.timedelta(days=rng.randint(91, 350))
    return prev + dt.timedelta(days=rng.randint(380, 900))


def chain_start(rng):
    r = rng.random()
    if r < 0.15:
        return rng.choice(BOUNDARY_DATES)
    if r < 0.25:
        # around 29 February
        y = rng.choice([2019, 2020, 2021, 2023, 2024, 2025])
        days = [dt.date(y, 2, 27), dt.date(y, 2, 28), dt.date(y, 3, 1)]
        if calendar.isleap(y):
            days.append(dt.date(y, 2, 29))
            days.append(dt.date(y, 2, 29))
        return rng.choice(days)
    return random_date(rng)


# ------------------------------------------------------------ text rendering

def strip_accents(text):
    d = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c)))


def name_variant(rng, name):
    """A spelling of name that should give the same normalised name (usually)."""
    v = name
    ops = rng.sample(range(8), rng.randint(0, 3))
    for op in ops:
        if op == 0:
            v = v.upper()
        elif op == 1:
            v = v.lower()
        elif op == 2:
            v = strip_accents(v)
        elif op == 3:
            v = v.replace("'", rng.choice(["", " ", "’", "`"])).replace("’", rng.choice(["'", "", " "]))
        elif op == 4:
            v = v.replace(" ", rng.choice(["", "-", "  "])).replace("-", rng.choice(["", " ", "-"]))
        elif op == 5:
            v = unicodedata.normalize("NFD", v)
        elif op == 6:
            v = v.title() if "ff" not in v else v
        elif op == 7:
            v = v.replace(".", "")
    return v


def postcode_variant(rng, pc):
    """pc is 'OUT IN'."""
    out, inw = pc.split(" ")
    sep = rng.choice(["", " ", " ", " ", "  "])
    v = out + sep + inw
    r = rng.random()
    if r < 0.25:
        v = v.lower()
    elif r < 0.35:
        v = v[0] + v[1:].lower()
    if rng.random() < 0.1:
        v = " " + v + " "
    return v


def random_postcode(rng):
    L = "ABCDEFGHJKLMNOPRSTUWYZ"
    D = "0123456789"
    shape = rng.choice(["A9", "A99", "A9A", "AA9", "AA99", "AA9A"])
    out = "".join(rng.choice(L) if ch == "A" else rng.choice(D) for ch in shape)
    inw = rng.choice(D) + rng.choice(L) + rng.choice(L)
    return out + " " + inw


def line_variant(rng, words):
    """words: canonical upper-case long-form words, e.g. ['FLAT', '2', '7', 'STATION', 'ROAD'].
    Returns a rendering with abbreviations, punctuation and case changes."""
    out = []
    for i, w in enumerate(words):
        table = STREET_TYPES if i == len(words) - 1 else PREFIX_TYPES
        if w in table and rng.random() < 0.5:
            w = rng.choice(table[w])
            if rng.random() < 0.3:
                w += "."
        out.append(w)
    text = ""
    for i, w in enumerate(out):
        if i:
            sep = " "
            if out[i - 1].isdigit() and rng.random() < 0.2:
                sep = rng.choice([", ", ",", " ,  "])
            elif rng.random() < 0.05:
                sep = "  "
            text += sep
        text += w
    r = rng.random()
    if r < 0.4:
        text = text.title()
    elif r < 0.6:
        text = text.lower()
    if rng.random() < 0.05:
        text = text + "."
    return text


def render_date(rng, date, style=None):
    style = style or rng.choice(["iso", "iso", "dmy", "dmy", "d/m"])
    if style == "iso":
        return date.isoformat()
    if style == "dmy":
        return f"{date.day:02d}/{date.month:02d}/{date.year}"
    # single-digit day and month where possible, sometimes mixed
    d = str(date.day) if rng.random() < 0.8 else f"{date.day:02d}"
    m = str(date.month) if rng.random() < 0.8 else f"{date.month:02d}"
    return f"{d}/{m}/{date.year}"


def render_date_time(rng, date, time):
    style = rng.choice(["iso", "iso", "dmy", "d/m"])
    text = render_date(rng, date, style)
    if time is not None:
        sep = rng.choice([" ", "T"]) if style == "iso" else " "
        text += sep + f"{time.hour:02d}:{time.minute:02d}"
    return text


def random_time(rng):
    r = rng.random()
    if r < 0.4:
        return None
    if r < 0.5:
        return dt.time(0, 0)
    if r < 0.55:
        return dt.time(23, 59)
    return dt.time(rng.randint(0, 23), rng.randint(0, 59))


def uprn_variant(rng, uprn):
    s = str(uprn)
    r = rng.random()
    if r < 0.5:
        return s
    if r < 0.85:
        return s.zfill(12)
    if len(s) == 12:
        return "0" + s                 # 13 characters, as in the public fixture
    return s.zfill(rng.randint(len(s), 12))


# ----------------------------------------------------------------- entities

class Person:
    pass


class Address:
    pass


def make_wards(rng, seed):
    n = rng.randint(6, 20)
    names = rng.sample(WARD_NAMES, n)
    if rng.random() < 0.2:
        names[rng.randrange(n)] = rng.choice(WARD_NAMES_WITH_COMMA)
    wards = []
    for name in names:
        pop = rng.randint(8000, 22000)
        hh = int(pop / rng.uniform(2.2, 2.9))
        wards.append({"ward": name, "code": f"E05{rng.randint(0, 999999):06d}",
                      "population": pop, "households": hh})
    # unknown households / population, and zero denominators, varied by seed
    mode = seed % 5
    if mode in (0, 3):
        rng.choice(wards)["households"] = None
    if mode == 1:
        w = rng.choice(wards)
        w["population"] = None
        if rng.random() < 0.5:
            w["households"] = None
    if mode == 2 and rng.random() < 0.7:
        rng.choice(wards)["households"] = 0
    if mode == 3 and rng.random() < 0.5:
        w = rng.choice(wards)
        w["population"] = None
        w["households"] = None
    if mode == 4 and rng.random() < 0.5:
        rng.choice(wards)["population"] = 0
    return wards


def make_person(rng, wards, rare_names):
    p = Person()
    p.forename = rng.choice(FORENAMES)
    surnames = SURNAMES + (RARE_SURNAMES if rare_names else [])
    p.surname = rng.choice(surnames)
    p.dob = random_date(rng, dt.date(1940, 1, 1), dt.date(2008, 12, 31))
    if rng.random() < 0.04:
        p.dob = dt.date(rng.choice([1972, 1980, 1988, 1996, 2000, 2004]), 2, 29)
    p.ref = None
    p.postcode = random_postcode(rng)
    p.line = [str(rng.randint(1, 250)), rng.choice(STREET_NAMES).upper(),
              rng.choice(list(STREET_TYPES))]
    p.ward = rng.choice(wards)["ward"]
    p.mode = rng.choices(["ref", "dob", "pc", "split", "refsplit"],
                         weights=[20, 35, 25, 10, 10])[0]
    if p.mode in ("ref", "refsplit"):
        p.ref = rng.choice([f"P{rng.randint(1, 99999):05d}", f"p{rng.randint(1, 9999)}",
                            f"VR-{rng.randint(100, 999)}-{rng.choice('ABCXYZ')}"])
    return p


def make_address(rng, wards, used_uprns):
    a = Address()
    words = []
    if rng.random() < 0.25:
        words += [rng.choice(["FLAT", "FLAT", "HOUSE"]), str(rng.randint(1, 40))]
    words += [str(rng.randint(1, 300))]
    words += rng.choice(STREET_NAMES).upper().split()
    words.append(rng.choice(list(STREET_TYPES)))
    a.words = words
    a.postcode = random_postcode(rng)
    a.ward = rng.choice(wards)["ward"]
    a.mode = rng.choices(["uprn", "line", "mixed"], weights=[35, 55, 10])[0]
    a.uprn = None
    if a.mode != "line":
        while True:
            digits = rng.choice([12, 12, 11, 10, 9, 6, 2])
            u = rng.randint(10 ** (digits - 1), 10 ** digits - 1)
            if u not in used_uprns:
                used_uprns.add(u)
                a.uprn = u
                break
    return a


# ------------------------------------------------------------------ incidents

def chain_dates(rng, k):
    dates = [chain_start(rng)]
    while len(dates) < k:
        nxt = next_date(rng, dates[-1])
        if nxt > LAST_DAY:
            break
        dates.append(nxt)
    return dates


def incident_ward(rng, home):
    r = rng.random()
    if r < 0.78:
        return home
    if r < 0.9:
        return "__other__"
    return None


def person_fields(rng, p, crime_type):
    """Victim cells for person p (asb / dv)."""
    f = {}
    use_ref = p.mode == "ref" or (p.mode == "refsplit" and rng.random() < 0.5)
    if use_ref:
        ref = p.ref
        r = rng.random()
        if r < 0.2:
            ref = ref.lower()
        elif r < 0.35:
            ref = ref.upper()
        elif r < 0.4:
            ref = " " + ref + " "
        f["victim_ref"] = ref
        r = rng.random()
        if r < 0.6:
            f["victim_forename"] = name_variant(rng, p.forename)
            f["victim_surname"] = name_variant(rng, p.surname)
        elif r < 0.7:
            f["victim_forename"] = p.forename
            f["victim_surname"] = p.surname + "-" + rng.choice(SURNAMES)   # renamed
        if rng.random() < 0.5:
            f["victim_dob"] = render_date(rng, p.dob)
        if rng.random() < 0.7:
            f["postcode"] = postcode_variant(rng, p.postcode)
        return f
    f["victim_forename"] = name_variant(rng, p.forename)
    f["victim_surname"] = name_variant(rng, p.surname)
    with_dob = p.mode == "dob" or (p.mode in ("split", "refsplit") and rng.random() < 0.5)
    if with_dob:
        f["victim_dob"] = render_date(rng, p.dob)
        if rng.random() < 0.6:
            f["postcode"] = postcode_variant(rng, p.postcode)
    else:
        f["postcode"] = postcode_variant(rng, p.postcode)
    if "postcode" in f and rng.random() < 0.8:
        f["address_line1"] = line_variant(rng, p.line)
    return f


def address_fields(rng, a):
    f = {}
    use_uprn = a.mode == "uprn" or (a.mode == "mixed" and rng.random() < 0.5)
    if use_uprn:
        f["uprn"] = uprn_variant(rng, a.uprn)
        if rng.random() < 0.6:
            f["address_line1"] = line_variant(rng, a.words)
            f["postcode"] = postcode_variant(rng, a.postcode)
        elif rng.random() < 0.3:
            f["postcode"] = postcode_variant(rng, a.postcode)
    else:
        f["address_line1"] = line_variant(rng, a.words)
        f["postcode"] = postcode_variant(rng, a.postcode)
    return f


def common_fields(rng, crime_type):
    f = {}
    if rng.random() < 0.5:
        f["victim_gender"] = rng.choice(GENDERS)
    if rng.random() < 0.7:
        f["source"] = rng.choice(SOURCES)
    if crime_type == "dv":
        if rng.random() < 0.7:
            f["relationship"] = rng.choice(RELATIONSHIPS)
        if rng.random() < 0.6:
            f["perpetrator_forename"] = rng.choice(FORENAMES)
            f["perpetrator_surname"] = rng.choice(SURNAMES)
            if rng.random() < 0.4:
                f["perpetrator_dob"] = render_date(
                    rng, random_date(rng, dt.date(1950, 1, 1), dt.date(2008, 1, 1)))
    if rng.random() < 0.3:
        f["town"] = rng.choice(["Northtown", "Southby", "Eastwick", ""])
    if rng.random() < 0.15:
        f["address_line2"] = rng.choice(["Rear", "Block B", "c/o Housing, Unit 3"])
    f["description"] = rng.choice(DESCRIPTIONS)
    return f


def make_incidents(rng, wards, n_target, rare_names):
    used_uprns = set()
    ward_names = [w["ward"] for w in wards]
    people = []
    addresses = []
    incidents = []      # dicts: crime_type, date, time, ward, fields

    def add(crime_type, date, home_ward, fields, ward=False, time=False):
        w = incident_ward(rng, home_ward) if ward is False else ward
        if w == "__other__":
            w = rng.choice(ward_names)
        incidents.append({"crime_type": crime_type, "date": date,
                          "time": random_time(rng) if time is False else time,
                          "ward": w, "fields": fields})

    # 29 February and the 12-month boundary around it, with a fresh subject per pair:
    # (earlier date, later date); the later one is a repeat when the earlier one is on
    # or after later - 12 months (29 Feb 2024 - 12 months = 28 Feb 2023).
    for y in rng.sample([2020, 2024], rng.randint(1, 2)):
        pairs = [
            ((y - 1, 2, 28), (y, 2, 29)),      # exactly on the clamped boundary: repeat
            ((y - 1, 2, 27), (y, 2, 29)),      # one day before it: not a repeat
            ((y - 1, 3, 1), (y, 2, 29)),       # one day after it: repeat
            ((y, 2, 29), (y + 1, 2, 28)),      # boundary 28 Feb y, 29 Feb is after it: repeat
            ((y, 2, 29), (y + 1, 3, 1)),       # boundary 1 Mar y: not a repeat
            ((y, 2, 28), (y + 1, 2, 28)),      # exact: repeat
            ((y, 2, 29), (y + 1, 2, 27)),      # well inside: repeat
        ]
        for early, late in rng.sample(pairs, rng.randint(4, len(pairs))):
            e, l = dt.date(*early), dt.date(*late)
            if e < FIRST_DAY:
                continue
            if rng.random() < 0.5:
                p = make_person(rng, wards, rare_names)
                p.mode = {"split": "dob", "refsplit": "ref"}.get(p.mode, p.mode)
                people.append(p)
                crime_type = rng.choice(["asb", "dv"])
                add(crime_type, e, p.ward, person_fields(rng, p, crime_type))
                add(crime_type, l, p.ward, person_fields(rng, p, crime_type))
            else:
                a = make_address(rng, wards, used_uprns)
                if a.mode == "mixed":
                    a.mode = "uprn"
                addresses.append(a)
                add("burglary", e, a.ward, address_fields(rng, a))
                add("burglary", l, a.ward, address_fields(rng, a))

    while len(incidents) < n_target:
        r = rng.random()
        k = min(1 + int(rng.expovariate(0.45)), 12)
        if r < 0.45:
            if not people or rng.random() < 0.6:
                people.append(make_person(rng, wards, rare_names))
            p = rng.choice(people)
            crime_type = "asb" if rng.random() < 0.55 else "dv"
            for d in chain_dates(rng, k):
                add(crime_type, d, p.ward, person_fields(rng, p, crime_type))
        elif r < 0.8:
            if not addresses or rng.random() < 0.6:
                addresses.append(make_address(rng, wards, used_uprns))
            a = rng.choice(addresses)
            for d in chain_dates(rng, k):
                f = address_fields(rng, a)
                if rng.random() < 0.3:        # a named victim on a burglary row
                    p = make_person(rng, wards, rare_names)
                    f["victim_forename"] = p.forename
                    f["victim_surname"] = p.surname
                    f["victim_dob"] = render_date(rng, p.dob)
                add("burglary", d, a.ward, f)
        elif r < 0.88:
            # environmental ASB: no victim
            f = {}
            if rng.random() < 0.6:
                f["address_line1"] = rng.choice(["Car park off Station Road", "Rear of 12-14 High St",
                                                 "Alleyway", "Recreation ground"])
            if rng.random() < 0.6:
                f["postcode"] = postcode_variant(rng, random_postcode(rng))
            add("asb", random_date(rng), rng.choice(ward_names), f)
        elif r < 0.93:
            # ASB with a victim reference only (no names)
            if not people:
                continue
            p = rng.choice([q for q in people if q.ref] or people)
            if not p.ref:
                continue
            for d in chain_dates(rng, k):
                add("asb", d, p.ward, {"victim_ref": rng.choice([p.ref, p.ref.lower(), p.ref.upper()])})
        else:
            # same-day pile-up: one subject, two or three incidents the same day,
            # in different wards, ordered by time, or by reference on a tie
            day = chain_start(rng)
            pattern = rng.choice(["times", "tie_none", "tie_same", "none_vs_midnight", "mixed"])
            if rng.random() < 0.5:
                p = make_person(rng, wards, rare_names)
                if p.mode == "refsplit":
                    p.mode = "ref"
                if p.mode == "split":
                    p.mode = "dob"
                people.append(p)
                crime_type = rng.choice(["asb", "dv"])
                fields = lambda: person_fields(rng, p, crime_type)   # noqa: E731
            else:
                a = make_address(rng, wards, used_uprns)
                if a.mode == "mixed":
                    a.mode = "line"
                addresses.append(a)
                crime_type = "burglary"
                fields = lambda: address_fields(rng, a)   # noqa: E731
            if pattern == "times":
                times = sorted(rng.sample(range(24 * 60), 3))
                times = [dt.time(t // 60, t % 60) for t in times]
            elif pattern == "tie_none":
                times = [None, None, None]
            elif pattern == "tie_same":
                t = dt.time(rng.randint(0, 23), rng.choice([0, 15, 30, 45]))
                times = [t, t, t]
            elif pattern == "none_vs_midnight":
                times = [None, dt.time(0, 0), dt.time(0, 1)]
            else:
                times = [None, dt.time(rng.randint(0, 23), rng.randint(0, 59)), None]
            count = rng.choice([2, 2, 3])
            wards_used = rng.sample(ward_names + [None], count)
            # sometimes an earlier incident in the window, or just outside it
            if rng.random() < 0.4:
                before = next_date_back(rng, day)
                if before >= FIRST_DAY:
                    add(crime_type, before, wards_used[0], fields(), ward=wards_used[0])
            for i in range(count):
                add(crime_type, day, wards_used[i], fields(), ward=wards_used[i], time=times[i])
    return incidents


def next_date_back(rng, day):
    """An earlier date exactly on, one day before, or one day after the 12-month boundary."""
    boundary = oracle.subtract_months(day, 12)
    return boundary + dt.timedelta(days=rng.choice([0, -1, 1]))


# ------------------------------------------------------------------ rendering

def references(rng, incidents):
    style = rng.choice(["typed", "cad", "plain", "mixedcase"])
    used = set()
    for inc in incidents:
        while True:
            n = rng.randint(1, 999999 if style != "plain" else 99999)
            if style == "typed":
                ref = f"{inc['crime_type'].upper()}/{inc['date'].year}/{n:06d}"
            elif style == "cad":
                ref = f"CAD{n}"
            elif style == "plain":
                ref = f"C-{n}"
            else:
                ref = rng.choice(["cr", "CR", "Cr", "x", "X"]) + str(n)
            if ref not in used:
                used.add(ref)
                inc["reference"] = ref
                break


def reported(rng, date):
    r = rng.random()
    if r < 0.4:
        return ""
    if r < 0.6:
        rd = date
    else:
        rd = date + dt.timedelta(days=int(rng.expovariate(0.1)))
    rd = min(rd, LATEST_REPORT)
    return render_date(rng, rd)


def ward_cell(rng, name):
    if name is None:
        return "" if rng.random() < 0.9 else "  "
    r = rng.random()
    if r < 0.65:
        return name
    if r < 0.8:
        return name.upper()
    if r < 0.9:
        return name.lower()
    if r < 0.95:
        return " " + name + " "
    return name.swapcase()


def header_text(rng, style, name):
    if style == "lower":
        return name
    if style == "upper":
        return name.upper()
    if style == "title":
        return name.title()
    if style == "spaced":
        return " " + name + " "
    return rng.choice([name, name.upper(), name.title(), " " + name])


def write_csv(path, header, rows, bom, crlf):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        f.write(buf.getvalue())


def generate(seed, outdir):
    rng = random.Random(seed)
    os.makedirs(outdir, exist_ok=True)

    wards = make_wards(rng, seed)
    n_target = rng.choice([rng.randint(300, 800), rng.randint(600, 1500), rng.randint(1500, 3000)])
    rare_names = seed % 3 == 0
    incidents = make_incidents(rng, wards, n_target, rare_names)
    incidents = incidents[:3000]
    rng.shuffle(incidents)
    references(rng, incidents)

    # --- wards.csv
    wcols = ["ward", "code", "population", "households"]
    if rng.random() < 0.3:
        wcols.remove("code")
    if rng.random() < 0.5:
        rng.shuffle(wcols)
    wextra = ["note"] if rng.random() < 0.3 else []
    wstyle = rng.choice(["lower", "upper", "title", "spaced", "mixed"])
    wheader = [header_text(rng, wstyle, c) for c in wcols + wextra]
    wrows = []
    for w in wards:
        row = []
        for c in wcols:
            v = w[c]
            row.append("" if v is None else str(v))
        row += ["invented" for _ in wextra]
        wrows.append(row)
    write_csv(os.path.join(outdir, "wards.csv"), wheader, wrows,
              bom=rng.random() < 0.4, crlf=rng.random() < 0.5)

    # --- incidents.csv
    cols = list(oracle.INCIDENT_COLUMNS)
    optional = ["address_line2", "town", "perpetrator_forename", "perpetrator_surname",
                "perpetrator_dob", "relationship", "source", "description",
                "victim_gender", "reported_on"]
    for c in optional:
        if rng.random() < 0.12:
            cols.remove(c)
    if "perpetrator_forename" not in cols or "perpetrator_surname" not in cols:
        for c in ("perpetrator_forename", "perpetrator_surname"):
            if c in cols:
                cols.remove(c)
    extras = rng.sample(EXTRA_COLUMNS, rng.randint(0, 2))
    all_cols = cols + extras
    if rng.random() < 0.5:
        rng.shuffle(all_cols)
    style = rng.choice(["lower", "lower", "upper", "title", "spaced", "mixed"])
    header = [header_text(rng, style, c) for c in all_cols]

    rows = []
    for inc in incidents:
        cells = dict(inc["fields"])
        cells["reference"] = inc["reference"]
        cells["crime_type"] = rng.choice(CRIME_SPELLINGS[inc["crime_type"]])
        cells["occurred_on"] = render_date_time(rng, inc["date"], inc["time"])
        cells["ward"] = ward_cell(rng, inc["ward"])
        for k, v in common_fields(rng, inc["crime_type"]).items():
            cells.setdefault(k, v)
        if "reported_on" in cols:
            cells["reported_on"] = reported(rng, inc["date"])
        for e in extras:
            cells[e] = rng.choice(["", "x", "1", "see file", "a,b"])
        rows.append([cells.get(c, "") for c in all_cols])
    write_csv(os.path.join(outdir, "incidents.csv"), header, rows,
              bom=rng.random() < 0.5, crlf=rng.random() < 0.5)

    # --- self-check with the oracle's importer
    loaded_wards = oracle.load_wards(os.path.join(outdir, "wards.csv"))
    by_folded = {w.name.casefold(): w.name for w in loaded_wards}
    loaded = oracle.load_incidents(os.path.join(outdir, "incidents.csv"), by_folded)
    assert len(loaded) == len(incidents), (len(loaded), len(incidents))
    return len(incidents)


def main():
    if len(sys.argv) != 3:
        print("usage: python3 generate.py SEED OUTDIR", file=sys.stderr)
        return 1
    n = generate(int(sys.argv[1]), sys.argv[2])
    print(f"{sys.argv[2]}: {n} incidents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
