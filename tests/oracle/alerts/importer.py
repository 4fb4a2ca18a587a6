#!/usr/bin/env python3
"""Incident importer for the alerts oracle.

Copied from /work/oracle/figures/oracle.py (an independent reading of
formats.md "Incidents" and definitions.md sections 1-2, written without
reading /work/main), with three changes:
  * each Incident also keeps its reported date and source;
  * the wards list is optional (no wards configured: any ward text is accepted);
  * the figures part is removed (only subtract_months/add_months are kept).
"""

import calendar
import csv
import datetime as dt
import io
import re
import sys
import unicodedata

TODAY = dt.date.today()          # "not in the future" uses the real current date

CRIME_TYPES = ["asb", "burglary", "dv"]   # output order

# definitions.md section 1: accepted spellings (matched case-insensitively after trimming)
SPELLINGS = {
    "asb": "asb",
    "anti-social behaviour": "asb",
    "antisocial behaviour": "asb",
    "burglary": "burglary",
    "domestic burglary": "burglary",
    "residential burglary": "burglary",
    "burglary - dwelling": "burglary",
    "dv": "dv",
    "da": "dv",
    "domestic abuse": "dv",
    "domestic violence": "dv",
}

WINDOW_MONTHS = {"asb": 12, "burglary": 12, "dv": 12}   # W(T), default 12 for every type

# definitions.md section 2: address abbreviations
ABBREVIATIONS = {
    "ST": "STREET", "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE",
    "CL": "CLOSE", "CRES": "CRESCENT", "DR": "DRIVE",
    "GDNS": "GARDENS", "GRN": "GREEN", "GR": "GROVE", "GRO": "GROVE",
    "LN": "LANE", "PL": "PLACE", "SQ": "SQUARE",
    "CT": "COURT", "TER": "TERRACE", "TERR": "TERRACE", "PK": "PARK",
    "HSE": "HOUSE", "MWS": "MEWS", "WY": "WAY",
    "FLT": "FLAT",
}

GENDERS = {"female", "male", "other", "unknown", "f", "m"}
RELATIONSHIPS = {"partner", "ex-partner", "family", "other"}
SOURCES = {"police", "council", "housing", "health", "self", "other"}

INCIDENT_COLUMNS = [
    "reference", "crime_type", "occurred_on", "reported_on", "victim_ref",
    "victim_forename", "victim_surname", "victim_dob", "victim_gender",
    "address_line1", "address_line2", "town", "postcode", "uprn", "ward",
    "perpetrator_forename", "perpetrator_surname", "perpetrator_dob",
    "relationship", "source", "description",
]



class InvalidFile(Exception):
    pass


# ---------------------------------------------------------------- CSV reading

def read_csv_file(path):
    """Return (header, rows) with rows as lists; header names trimmed and lower-cased.

    UTF-8 with or without BOM; a file that is not valid UTF-8 is read as Windows-1252.
    """
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InvalidFile(f"{path}: empty file")
    header = [h.strip().lower() for h in rows[0]]
    return header, rows[1:]


def rows_as_dicts(header, rows, known_columns, required_columns, what):
    """Yield (excel_row_number, dict of known columns -> raw cell text)."""
    errors = []
    seen = set()
    for name in header:
        if name and name in seen and name in known_columns:
            errors.append(f"{what}: column '{name}' appears twice")
        seen.add(name)
    for name in required_columns:
        if name not in header:
            errors.append(f"{what}: required column '{name}' is missing")
    if errors:
        raise InvalidFile("\n".join(errors))
    out = []
    for i, row in enumerate(rows):
        excel_row = i + 2
        if all(cell.strip() == "" for cell in row):
            continue            # a blank line is not a row
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            errors.append(f"row {excel_row}: more cells than header columns")
            continue
        record = {name: "" for name in known_columns}
        for name, cell in zip(header, row):
            if name in known_columns:
                record[name] = cell
        out.append((excel_row, record))
    if errors:
        raise InvalidFile("\n".join(errors))
    return out


# ------------------------------------------------------------- value parsing

ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?$")
UK_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2}))?$")


def parse_date_time(text, allow_time=True):
    """'2024-05-31', '31/05/2024', '31/5/2024', optional ' 14:05' (or 'T14:05' in ISO).

    Returns (date, time or None); raises ValueError when it is not a date.
    """
    m = ISO_RE.match(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = UK_RE.match(text)
        if not m:
            raise ValueError("not a date")
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    date = dt.date(y, mo, d)          # raises ValueError for 31/02/2024
    time = None
    if m.group(4) is not None:
        if not allow_time:
            raise ValueError("a date without a time is expected")
        time = dt.time(int(m.group(4)), int(m.group(5)))
    return date, time


POSTCODE_SHAPES = [
    re.compile(r"^[A-Z][0-9][0-9][A-Z]{2}$"),            # A9 9AA
    re.compile(r"^[A-Z][0-9]{2}[0-9][A-Z]{2}$"),         # A99 9AA
    re.compile(r"^[A-Z][0-9][A-Z][0-9][A-Z]{2}$"),       # A9A 9AA
    re.compile(r"^[A-Z]{2}[0-9][0-9][A-Z]{2}$"),         # AA9 9AA
    re.compile(r"^[A-Z]{2}[0-9]{2}[0-9][A-Z]{2}$"),      # AA99 9AA
    re.compile(r"^[A-Z]{2}[0-9][A-Z][0-9][A-Z]{2}$"),    # AA9A 9AA
    re.compile(r"^GIR0AA$"),
]


def normalise_postcode(text):
    """Upper-case, spaces removed, shape checked; returns 'OUT IN' or raises ValueError."""
    compact = re.sub(r"\s+", "", text.upper())
    if not any(shape.match(compact) for shape in POSTCODE_SHAPES):
        raise ValueError("not a UK postcode")
    return compact[:-3] + " " + compact[-3:]


def normalise_name(text):
    """NFKD, combining marks dropped, case-folded, everything but a-z removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    no_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = no_marks.casefold()
    return "".join(c for c in folded if "a" <= c <= "z")


def normalise_address_line(text):
    upper = text.upper()
    spaced = "".join(c if ("A" <= c <= "Z" or "0" <= c <= "9") else " " for c in upper)
    words = spaced.split()            # runs of spaces collapse, ends trimmed
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


# ------------------------------------------------------------------ incidents

class Incident:
    def __init__(self, reference, crime_type, date, time, ward, person_key, address_key,
                 reported_date=None, source=None):
        self.reference = reference
        self.reported_date = reported_date  # date or None (no report date)
        self.source = source                # folded source or None
        self.crime_type = crime_type
        self.date = date
        self.time = time
        self.ward = ward                  # canonical ward name or None
        self.person_key = person_key      # None when it cannot be linked
        self.address_key = address_key    # None when no address
        self.is_repeat = False

    @property
    def subject(self):
        if self.crime_type == "burglary":
            return self.address_key
        return self.person_key

    def order_key(self):
        return (self.date, self.time or dt.time(0, 0), self.reference)


def load_incidents(path, wards_by_folded_name=None):
    header, rows = read_csv_file(path)
    records = rows_as_dicts(header, rows, INCIDENT_COLUMNS,
                            ["reference", "crime_type", "occurred_on"], "incidents")
    errors = []
    incidents = []
    seen_refs = set()
    for row_no, raw in records:
        v = {k: raw[k].strip() for k in raw}      # every cell trimmed
        row_errors = []

        def err(column, message):
            row_errors.append(f"row {row_no}: {column}: {message}")

        reference = v["reference"]
        if not reference:
            err("reference", "is required")
        elif reference in seen_refs:
            err("reference", f"'{reference}' appears twice in the file")
        else:
            seen_refs.add(reference)

        crime_type = SPELLINGS.get(v["crime_type"].casefold()) if v["crime_type"] else None
        if crime_type is None:
            err("crime_type", f"'{v['crime_type']}' is not a known crime type")

        occ_date = occ_time = None
        if not v["occurred_on"]:
            err("occurred_on", "is required")
        else:
            try:
                occ_date, occ_time = parse_date_time(v["occurred_on"])
                if occ_date > TODAY:
                    err("occurred_on", f"'{v['occurred_on']}' is in the future")
            except ValueError:
                err("occurred_on", f"'{v['occurred_on']}' is not a date")

        rep_date = None
        if v["reported_on"]:
            try:
                rep_date, rep_time = parse_date_time(v["reported_on"])
                if occ_date is not None:
                    if occ_time is not None and rep_time is not None:
                        before = (rep_date, rep_time) < (occ_date, occ_time)
                    else:
                        before = rep_date < occ_date
                    if before:
                        err("reported_on", "is before occurred_on")
                if rep_date > TODAY:
                    err("reported_on", "is in the future")
            except ValueError:
                err("reported_on", f"'{v['reported_on']}' is not a date")

        dob = None
        if v["victim_dob"]:
            try:
                dob, _ = parse_date_time(v["victim_dob"], allow_time=False)
                if dob > TODAY:
                    err("victim_dob", "is in the future")
            except ValueError:
                err("victim_dob", f"'{v['victim_dob']}' is not a date")

        if v["perpetrator_dob"]:
            try:
                pdob, _ = parse_date_time(v["perpetrator_dob"], allow_time=False)
                if pdob > TODAY:
                    err("perpetrator_dob", "is in the future")
            except ValueError:
                err("perpetrator_dob", f"'{v['perpetrator_dob']}' is not a date")

        if v["victim_gender"] and v["victim_gender"].casefold() not in GENDERS:
            err("victim_gender", f"'{v['victim_gender']}' is not allowed")
        if v["relationship"] and v["relationship"].casefold() not in RELATIONSHIPS:
            err("relationship", f"'{v['relationship']}' is not allowed")
        if v["source"] and v["source"].casefold() not in SOURCES:
            err("source", f"'{v['source']}' is not allowed")

        postcode = None
        if v["postcode"]:
            try:
                postcode = normalise_postcode(v["postcode"])
            except ValueError:
                err("postcode", f"'{v['postcode']}' is not a UK postcode")

        uprn = None
        if v["uprn"]:
            if not re.fullmatch(r"[0-9]+", v["uprn"]):
                err("uprn", "must be digits")
            else:
                significant = v["uprn"].lstrip("0")
                if not (1 <= len(significant) <= 12):
                    err("uprn", "must be 1-12 digits")
                else:
                    uprn = significant

        ward = None
        if v["ward"] and wards_by_folded_name is None:
            ward = v["ward"]                 # no wards configured: any ward is accepted
        elif v["ward"]:
            ward = wards_by_folded_name.get(v["ward"].casefold())
            if ward is None:
                err("ward", f"'{v['ward']}' is not a ward")

        # victim / person key (definitions.md section 2)
        forename, surname = v["victim_forename"], v["victim_surname"]
        if bool(forename) != bool(surname):
            err("victim_forename/victim_surname", "both or neither")
        person_key = None
        if v["victim_ref"]:
            person_key = "ref:" + v["victim_ref"].casefold()
        elif forename and surname:
            f, s = normalise_name(forename), normalise_name(surname)
            if dob is not None:
                person_key = f"name:{f}|{s}|{dob.isoformat()}"
            elif postcode is not None:
                person_key = f"name:{f}|{s}|pc:{postcode}"
            elif not v["victim_dob"] and not v["postcode"]:
                err("victim", "a victim with neither victim_ref, victim_dob nor postcode cannot be linked")
        if crime_type == "dv" and person_key is None and not row_errors:
            err("victim", "a dv row needs a victim that can be linked")

        # address key
        address_key = None
        if uprn is not None:
            address_key = "uprn:" + uprn
        elif v["address_line1"] and postcode is not None:
            address_key = ("addr:" + normalise_address_line(v["address_line1"])
                           + "|" + postcode.replace(" ", ""))
        if crime_type == "burglary" and not v["uprn"]:
            if not v["address_line1"]:
                err("address_line1", "is required for burglary without uprn")
            if not v["postcode"]:
                err("postcode", "is required for burglary without uprn")

        if row_errors:
            errors.extend(row_errors)
            continue
        incidents.append(Incident(reference, crime_type, occ_date, occ_time, ward,
                                  person_key, address_key, rep_date,
                                  v["source"].casefold() or None))
    if errors:
        raise InvalidFile("\n".join(errors))
    return incidents


# --------------------------------------------------------------------- wards

class Ward:
    def __init__(self, name, population, households):
        self.name = name
        self.population = population      # int or None (unknown)
        self.households = households


def parse_whole(text, column, row_no, errors):
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]+", text):
        errors.append(f"row {row_no}: {column}: '{text}' is not a whole number")
        return None
    return int(text)


def load_wards(path):
    header, rows = read_csv_file(path)
    records = rows_as_dicts(header, rows, ["ward", "code", "population", "households"],
                            ["ward"], "wards")
    errors = []
    wards = []
    seen = set()
    for row_no, raw in records:
        name = raw["ward"].strip()
        if not name:
            errors.append(f"row {row_no}: ward: is required")
            continue
        if name.casefold() in seen:
            errors.append(f"row {row_no}: ward: '{name}' appears twice")
            continue
        seen.add(name.casefold())
        population = parse_whole(raw["population"], "population", row_no, errors)
        households = parse_whole(raw["households"], "households", row_no, errors)
        wards.append(Ward(name, population, households))
    if errors:
        raise InvalidFile("\n".join(errors))
    return wards


# ------------------------------------------------------------------- repeats

def subtract_months(date, months):
    """Keep the day, clamped to the end of the month (31 May - 3 = 29 Feb 2024)."""
    total = date.year * 12 + (date.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def add_months(date, months):
    return subtract_months(date, -months)
