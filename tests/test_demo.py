"""The synthetic borough: valid rows, deterministic output, realistic repeat rates.

Assertion messages name rows and columns only, never the synthetic names or addresses, so
a failure prints nothing that looks like personal data.
"""

from __future__ import annotations

import csv
import hashlib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from scs_victims.demo import (
    INCIDENT_COLUMNS,
    DemoWard,
    default_years,
    demo_wards,
    iter_incident_rows,
    write_incidents_csv,
    write_wards_csv,
)
from scs_victims.domain.crime_types import CrimeType, parse_crime_type
from scs_victims.domain.dates import DateFormatError, add_months, parse_date, parse_date_time
from scs_victims.domain.identity import (
    address_key,
    normalise_address_line,
    normalise_name,
    normalise_postcode,
    person_key,
)
from scs_victims.repeats import ChainItem, evaluate_chain

END = date(2025, 3, 31)
COUNT = 20_000
SEED = 7

FORMATS_COLUMNS = (
    "reference,crime_type,occurred_on,reported_on,victim_ref,victim_forename,victim_surname,"
    "victim_dob,victim_gender,address_line1,address_line2,town,postcode,uprn,ward,"
    "perpetrator_forename,perpetrator_surname,perpetrator_dob,relationship,source,description"
).split(",")
GENDERS = {"", "female", "male", "other", "unknown", "F", "M"}
RELATIONSHIPS = {"", "partner", "ex-partner", "family", "other"}
SOURCES = {"", "police", "council", "housing", "health", "self", "other"}
REFERENCE = re.compile(r"^(ASB|BURGLARY|DV)/(\d{4})/(\d{6,})$")
WARD_CODE = re.compile(r"^E05\d{6}$")


class _Rows(list[dict[str, str]]):
    """Generated rows whose repr is a count: pytest shows fixture values in a failure's
    traceback, and synthetic names and addresses should not be printed as if real."""

    def __repr__(self) -> str:
        return f"<{len(self)} demo incident rows>"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _Rows(iter_incident_rows(COUNT, seed=SEED, end=END))


def _digest(generated: Iterable[dict[str, str]]) -> str:
    return hashlib.sha256(repr(list(generated)).encode()).hexdigest()


def _postcode(row: dict[str, str]) -> str | None:
    return normalise_postcode(row["postcode"]) if row["postcode"].strip() else None


def _person_key(row: dict[str, str]) -> str | None:
    dob = parse_date(row["victim_dob"]) if row["victim_dob"] else None
    return person_key(
        reference=row["victim_ref"] or None,
        forename=row["victim_forename"] or None,
        surname=row["victim_surname"] or None,
        date_of_birth=dob,
        postcode=_postcode(row),
    )


def _address_key(row: dict[str, str]) -> str | None:
    return address_key(
        uprn=row["uprn"] or None, line1=row["address_line1"] or None, postcode=_postcode(row)
    )


def _problems(number: int, row: dict[str, str], ward_names: set[str], end: date) -> list[str]:
    """Every way the row breaks formats.md; messages carry row number and column only."""
    problems: list[str] = []

    def bad(column: str) -> None:
        problems.append(f"row {number}: {column}")

    if tuple(row) != INCIDENT_COLUMNS or not all(isinstance(v, str) for v in row.values()):
        return [f"row {number}: columns"]
    crime_type = parse_crime_type(row["crime_type"])
    if crime_type is None:
        bad("crime_type")
    try:
        occurred, _ = parse_date_time(row["occurred_on"])
    except DateFormatError:
        return [*problems, f"row {number}: occurred_on"]
    if occurred > end:
        bad("occurred_on after end")
    if row["reported_on"]:
        try:
            reported, _ = parse_date_time(row["reported_on"])
            if reported < occurred or reported > end:
                bad("reported_on")
        except DateFormatError:
            bad("reported_on")
    for column in ("victim_dob", "perpetrator_dob"):
        if row[column]:
            try:
                if parse_date(row[column]) > occurred:
                    bad(column)
            except DateFormatError:
                bad(column)
    if bool(row["victim_forename"]) != bool(row["victim_surname"]):
        bad("victim names: both or neither")
    if row["victim_gender"] not in GENDERS:
        bad("victim_gender")
    if row["postcode"].strip() and normalise_postcode(row["postcode"]) is None:
        bad("postcode")
    if row["uprn"] and not re.fullmatch(r"\d{1,12}", row["uprn"]):
        bad("uprn")
    if row["ward"] and row["ward"].casefold() not in ward_names:
        bad("ward")
    if row["relationship"] not in RELATIONSHIPS:
        bad("relationship")
    if row["source"] not in SOURCES:
        bad("source")
    if crime_type is CrimeType.ASB:
        named = bool(row["victim_forename"])
        if named and _person_key(row) is None:
            bad("asb victim cannot be linked")
        if not named and (row["victim_ref"] or row["victim_dob"]):
            bad("asb victim details without a name")
    elif crime_type is CrimeType.DV:
        if _person_key(row) is None:
            bad("dv victim cannot be linked")
        if row["victim_dob"] and add_months(occurred, -16 * 12) < parse_date(row["victim_dob"]):
            bad("dv victim under 16")
    elif crime_type is CrimeType.BURGLARY:
        has_address = bool(row["address_line1"].strip()) and _postcode(row) is not None
        if not (has_address or row["uprn"]) or _address_key(row) is None:
            bad("burglary dwelling")
    if crime_type is not CrimeType.DV and (
        row["relationship"] or row["perpetrator_forename"] or row["perpetrator_surname"]
    ):
        bad("perpetrator details outside dv")
    return problems


# -- wards -----------------------------------------------------------------------------------


def test_demo_wards_are_plausible_and_deterministic() -> None:
    wards = demo_wards()
    assert wards == demo_wards(1)
    assert wards != demo_wards(2)
    assert 18 <= len(wards) <= 22
    assert len({w.name.casefold() for w in wards}) == len(wards)
    assert len({w.code for w in wards}) == len(wards)
    assert all(WARD_CODE.match(w.code) for w in wards)
    assert all(9_000 <= w.population <= 20_000 for w in wards)
    assert sum(w.households is None for w in wards) == 1  # the fallback to population
    for ward in wards:
        if ward.households is not None:
            assert 0.85 <= ward.households * 2.6 / ward.population <= 1.15


def test_demo_ward_names_are_not_the_public_fixture_wards(shared_data: Path) -> None:
    with (shared_data / "wards.csv").open(encoding="utf-8-sig", newline="") as handle:
        real = {row["ward"].casefold() for row in csv.DictReader(handle)}
    assert not real & {w.name.casefold() for w in demo_wards()}


def test_write_wards_csv(tmp_path: Path) -> None:
    path = tmp_path / "wards.csv"
    write_wards_csv(path, seed=3)
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.reader(handle))
    assert read[0] == ["ward", "code", "population", "households"]
    expected = [
        [w.name, w.code, str(w.population), "" if w.households is None else str(w.households)]
        for w in demo_wards(3)
    ]
    assert read[1:] == expected


# -- incidents: shape and determinism --------------------------------------------------------


def test_incident_columns_are_the_formats_columns() -> None:
    assert list(INCIDENT_COLUMNS) == FORMATS_COLUMNS


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first = _digest(iter_incident_rows(3000, seed=11, end=END))
    assert first == _digest(iter_incident_rows(3000, seed=11, end=END))
    assert first != _digest(iter_incident_rows(3000, seed=12, end=END))


def test_count_is_exact_and_zero_is_empty() -> None:
    assert sum(1 for _ in iter_incident_rows(1234, seed=2, end=END)) == 1234
    assert list(iter_incident_rows(0, end=END)) == []
    with pytest.raises(ValueError):
        list(iter_incident_rows(-1, end=END))


def test_write_incidents_csv_matches_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    write_incidents_csv(path, 2500, seed=5, end=END)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == list(INCIDENT_COLUMNS)
        written = list(reader)
    assert written == list(iter_incident_rows(2500, seed=5, end=END))


def test_references_are_unique_and_well_formed(rows: list[dict[str, str]]) -> None:
    references = [row["reference"] for row in rows]
    assert len(set(references)) == len(references)
    assert all(REFERENCE.match(reference) for reference in references)


def test_every_row_is_valid(rows: list[dict[str, str]]) -> None:
    ward_names = {w.name.casefold() for w in demo_wards(SEED)}
    problems = [p for n, row in enumerate(rows, 2) for p in _problems(n, row, ward_names, END)]
    assert problems[:20] == []


def test_dates_stay_inside_the_span(rows: list[dict[str, str]]) -> None:
    occurred = [parse_date_time(row["occurred_on"])[0] for row in rows]
    assert max(occurred) <= END
    assert default_years(COUNT) == 3
    assert min(occurred) >= add_months(END, -36)
    assert min(occurred) <= add_months(END, -35)  # the whole span is used


def test_default_end_is_today_and_a_future_end_is_brought_back() -> None:
    today = date.today()
    for end in (None, date(today.year + 1, 1, 1)):
        for row in iter_incident_rows(500, seed=4, end=end):
            assert parse_date_time(row["occurred_on"])[0] <= today
            if row["reported_on"]:
                assert parse_date_time(row["reported_on"])[0] <= today


def test_default_years() -> None:
    assert default_years(500) == 1
    assert default_years(20_000) == 3
    assert default_years(1_000_000) == 10
    assert default_years(50_000_000) == 10
    years_given = [
        parse_date_time(row["occurred_on"])[0]
        for row in iter_incident_rows(2000, seed=3, end=END, years=0.5)
    ]
    assert min(years_given) >= date(2024, 9, 30)


def test_wards_argument_decides_the_ward_column() -> None:
    mine = [
        DemoWard("North", "E05999991", 10_000, 4_000),
        DemoWard("South", "E05999992", 12_000, None),
    ]
    generated = iter_incident_rows(2000, seed=1, end=END, wards=mine)
    seen = {row["ward"].casefold() for row in generated}
    assert seen <= {"north", "south", ""} and {"north", "south"} <= seen
    assert {row["ward"] for row in iter_incident_rows(300, seed=1, end=END, wards=[])} == {""}


# -- incidents: realism ----------------------------------------------------------------------


def test_spelling_variety(rows: list[dict[str, str]]) -> None:
    """The identity and import rules must be exercised, not bypassed."""
    spellings: defaultdict[CrimeType, set[str]] = defaultdict(set)
    for row in rows:
        crime_type = parse_crime_type(row["crime_type"])
        assert crime_type is not None
        spellings[crime_type].add(row["crime_type"])
    assert all(len(spellings[t]) >= 4 for t in CrimeType)
    occurred = [row["occurred_on"] for row in rows]
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", t) for t in occurred)
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", t) for t in occurred)
    assert any(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", t) for t in occurred)
    assert any(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", t) and len(t) < 10 for t in occurred)
    postcodes = [row["postcode"] for row in rows if row["postcode"]]
    assert any(" " not in p for p in postcodes) and any(p != p.upper() for p in postcodes)
    assert any(p != p.strip() for p in postcodes)
    assert len({normalise_postcode(p)[:-4] for p in postcodes}) >= 10  # type: ignore[index]
    lines = [row["address_line1"] for row in rows]
    assert any(re.search(r"\bRd\b", line) for line in lines)
    assert any(re.search(r"\bSt\b", line) for line in lines)
    assert any(line.startswith("Flt ") for line in lines)
    surnames = [row["victim_surname"] for row in rows]
    assert any(s.isupper() for s in surnames) and any("'" in s for s in surnames)
    assert any(normalise_name(s) != s.casefold() for s in surnames if s)  # accents, apostrophes
    uprns = [row["uprn"] for row in rows if row["uprn"]]
    assert any(u.startswith("0") for u in uprns)
    assert {row["victim_gender"] for row in rows} == GENDERS
    assert {row["source"] for row in rows} == SOURCES


def test_crime_mix_and_environmental_asb(rows: list[dict[str, str]]) -> None:
    kinds = Counter(parse_crime_type(row["crime_type"]) for row in rows)
    for crime_type in CrimeType:
        assert 0.15 <= kinds[crime_type] / len(rows) <= 0.6
    asb = [row for row in rows if parse_crime_type(row["crime_type"]) is CrimeType.ASB]
    no_victim = sum(1 for row in asb if not row["victim_forename"])
    assert 0.05 <= no_victim / len(asb) <= 0.12


def test_spelling_variants_keep_the_same_identity(rows: list[dict[str, str]]) -> None:
    """Rows that share a victim reference describe one person; rows that share a UPRN
    describe one dwelling. Their names, dates of birth and address keys must agree."""
    names: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
    births: defaultdict[str, set[date]] = defaultdict(set)
    places: defaultdict[str, set[str | None]] = defaultdict(set)
    for row in rows:
        if row["victim_ref"]:
            ref = row["victim_ref"]
            names[ref].add(
                (normalise_name(row["victim_forename"]), normalise_name(row["victim_surname"]))
            )
            if row["victim_dob"]:
                births[ref].add(parse_date(row["victim_dob"]))
        burglary = parse_crime_type(row["crime_type"]) is CrimeType.BURGLARY
        if burglary and row["uprn"] and row["address_line1"]:
            key = address_key(uprn=None, line1=row["address_line1"], postcode=_postcode(row))
            places[row["uprn"].lstrip("0")].add(key)
    assert len(names) > 500 and len(places) > 200
    assert [ref for ref, seen in names.items() if len(seen) > 1] == []
    assert [ref for ref, seen in births.items() if len(seen) > 1] == []
    assert sum(1 for seen in places.values() if len(seen) > 1) == 0
    # Abbreviations really were seen through, not merely absent.
    assert any(
        normalise_address_line(row["address_line1"]) != row["address_line1"].upper() for row in rows
    )


def test_repeat_victim_rates_are_realistic(rows: list[dict[str, str]]) -> None:
    """definitions §3 with the default 12-month window, over the whole file."""
    chains: defaultdict[tuple[CrimeType, str], list[ChainItem]] = defaultdict(list)
    for number, row in enumerate(rows):
        crime_type = parse_crime_type(row["crime_type"])
        assert crime_type is not None
        key = _address_key(row) if crime_type.subject_is_address else _person_key(row)
        if key is None:
            continue
        on, at = parse_date_time(row["occurred_on"])
        chains[(crime_type, key)].append(ChainItem(number, on, at, row["reference"]))
    victims: Counter[CrimeType] = Counter()
    repeat_victims: Counter[CrimeType] = Counter()
    for (crime_type, _), items in chains.items():
        victims[crime_type] += 1
        if any(flag.is_repeat for flag in evaluate_chain(items, 12)):
            repeat_victims[crime_type] += 1
    rates = {t: 100 * repeat_victims[t] / victims[t] for t in CrimeType}
    assert all(5 <= rate <= 35 for rate in rates.values()), rates
    assert 20 <= rates[CrimeType.DV] <= 35, rates
    assert 10 <= rates[CrimeType.ASB] <= 30, rates
    assert 5 <= rates[CrimeType.BURGLARY] <= 12, rates


@pytest.mark.slow
def test_generation_is_fast_enough(tmp_path: Path) -> None:
    """A million rows should take well under a minute; 100,000 gives a generous margin."""
    path = tmp_path / "big.csv"
    started = time.process_time()
    write_incidents_csv(path, 100_000, seed=1, end=END)
    assert time.process_time() - started < 12
    with path.open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in handle) == 100_001
