"""The quarterly report PDF (issue 5, item 1): its numbers read back with pypdf and compared
with ``compute_figures`` on the public fixtures, publication mode, page furniture, the
definitions page and the command line."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.periods import Period, parse_period_label
from scs_victims.errors import InputRefused
from scs_victims.figures import ALL_AREA, FigureRow, compute_figures
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.marac.importing import import_referrals
from scs_victims.marac.safelives_return import compute_return
from scs_victims.reports.quarterly import render_quarterly_report, report_summary
from scs_victims.reports.suppression import SUPPRESSED, PublishedRow, suppress_figures
from scs_victims.services.dashboard import judge
from scs_victims.settings import load_area, load_rules, save_area, save_rules
from scs_victims.storage.database import Database, open_database
from tests.conftest import SHARED_DATA
from tests.helpers.cli import add_cli_admin, run_cli

QUARTER = "2024/25 Q2"  # its year to date spans two quarters
TODAY = date(2025, 6, 1)
AREA_NAME = "Barnet & <Friends> CSP"
MARKING = "OFFICIAL"
MEASURE_LABELS = ("Incidents", "Victims", "Repeat victims", "Repeat victim rate",
                  "Repeat incidents", "Repeat incident", "Rate per 1,000")


@pytest.fixture(scope="module")
def medium_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The medium public fixture, with an area name that needs escaping and a marking."""
    data = SHARED_DATA
    path = tmp_path_factory.mktemp("quarterly") / "medium.db"
    database = open_database(path)
    try:
        load_wards(database, data / "wards.csv")
        import_incidents(database, data / "incidents-medium.csv", today=TODAY)
        with database.session() as session:
            save_area(session, replace(load_area(session), area_name=AREA_NAME,
                                       protective_marking=MARKING))
    finally:
        database.close()
    return path


@pytest.fixture
def medium(medium_db: Path, tmp_path: Path) -> Iterator[Database]:
    """A copy each test may change."""
    copy = tmp_path / "medium.db"
    shutil.copy(medium_db, copy)
    database = open_database(copy)
    try:
        yield database
    finally:
        database.close()


def _render(database: Database, *, publish: bool = False, quarter: str = QUARTER) -> bytes:
    with database.session() as session:
        return render_quarterly_report(session, parse_period_label(quarter), publish=publish,
                                       today=TODAY)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text(extraction_mode="layout") for page in PdfReader(BytesIO(pdf)).pages]


def _cells(line: str) -> list[str]:
    """A table row laid out on one line: its cells are at least two spaces apart."""
    return [cell for cell in re.split(r"\s{2,}", line.strip()) if cell]


def _section(pages: list[str], start: str, end: str) -> list[str]:
    """The lines from the first holding ``start`` to the next holding ``end``."""
    lines = [line for page in pages for line in page.splitlines()]
    first = next(index for index, line in enumerate(lines) if start in line)
    last = next(index for index, line in enumerate(lines) if index > first and end in line)
    return lines[first:last]


# Formatting of our own, so the test does not trust the report's.
def _count(value: int | str) -> str:
    return value if isinstance(value, str) else f"{value:,}"


def _pct(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}%"


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _row_cells(row: FigureRow | PublishedRow) -> list[str]:
    cells = [_count(row.incidents), _count(row.victims), _count(row.repeat_victims),
             _pct(row.repeat_victim_rate), _count(row.repeat_incidents),
             _pct(row.repeat_incident_rate), _plain(row.per_1000)]
    return [cell for cell in cells if cell]


def _expected_rows(database: Database, *, publish: bool
                   ) -> tuple[dict[tuple[str, CrimeType, str], FigureRow | PublishedRow],
                              dict[str, Period]]:
    quarter = parse_period_label(QUARTER)
    periods = {"this": quarter, "previous": parse_period_label("2024/25 Q1"),
               "last year": parse_period_label("2023/24 Q2"),
               "year to date": Period(date(2024, 4, 1), quarter.end, "2024/25")}
    found: dict[tuple[str, CrimeType, str], FigureRow | PublishedRow] = {}
    with database.session() as session:
        for name, period in periods.items():
            rows = compute_figures(session, [period], by_ward=True)
            shown: list[FigureRow | PublishedRow] = (
                list(suppress_figures(rows)) if publish else list(rows))
            found.update(((name, row.crime_type, row.area), row) for row in shown)
    return found, periods


def _check_summary(pages: list[str], database: Database, *, publish: bool) -> int:
    """Every summary line against the figures; returns the number of cells compared."""
    expected, _periods = _expected_rows(database, publish=publish)
    with database.session() as session:
        area = load_area(session)
    lines = _section(pages, f"Summary: {QUARTER}", "Trend over eight quarters")
    rows = [_cells(line) for line in lines
            if _cells(line) and _cells(line)[0] in MEASURE_LABELS]
    assert len(rows) == len(CRIME_TYPES) * len(MEASURE_LABELS)
    compared = 0
    for type_index, crime_type in enumerate(CRIME_TYPES):
        figures = [expected[(name, crime_type, ALL_AREA)]
                   for name in ("this", "previous", "last year", "year to date")]
        for measure_index, (attribute, label) in enumerate(
                (("incidents", "Incidents"), ("victims", "Victims"),
                 ("repeat_victims", "Repeat victims"),
                 ("repeat_victim_rate", "Repeat victim rate"),
                 ("repeat_incidents", "Repeat incidents"),
                 ("repeat_incident_rate", "Repeat incident"),
                 ("per_1000", "Rate per 1,000"))):
            row = rows[type_index * len(MEASURE_LABELS) + measure_index]
            values = [getattr(figure, attribute) for figure in figures]
            if attribute.endswith("_rate"):
                cells = [_pct(value) for value in values]
                judged = judge(crime_type, attribute, values[0], area)
                cells += [_pct(judged.target), _pct(judged.baseline)]
                if judged.status.value != "none":
                    cells.append(judged.status.label)
                elif judged.target is None:
                    cells.append("No target")
                else:
                    cells.append("No rate")
            elif attribute == "per_1000":
                cells = [_plain(value) for value in values]
            else:
                cells = [_count(value) for value in values]
            assert row == [label, *(cell for cell in cells if cell)], (crime_type, label)
            compared += len(cells)
    return compared


def _check_wards(pages: list[str], database: Database, *, publish: bool) -> list[str]:
    """Every ward table row against the figures; returns every cell read."""
    expected, _periods = _expected_rows(database, publish=publish)
    read: list[str] = []
    for index, crime_type in enumerate(CRIME_TYPES):
        end = (f"{CRIME_TYPES[index + 1].label}: wards" if index + 1 < len(CRIME_TYPES)
               else "ASB case review thresholds and DV escalations")
        lines = _section(pages, f"{crime_type.label}: wards, {QUARTER}", end)
        names = [area for (name, kind, area) in expected
                 if name == "this" and kind is crime_type]
        seen = 0
        for line in lines:
            cells = _cells(line)
            if not cells or cells[0] not in (*names, "Whole area"):
                continue
            area = ALL_AREA if cells[0] == "Whole area" else cells[0]
            assert cells[1:] == _row_cells(expected[("this", crime_type, area)]), line
            read += cells[1:]
            seen += 1
        assert seen == len(names), crime_type
    return read


def test_every_number_agrees_with_compute_figures(medium: Database) -> None:
    pages = _pages(_render(medium))
    assert _check_summary(pages, medium, publish=False) >= 3 * 7 * 4
    cells = _check_wards(pages, medium, publish=False)
    assert len(cells) > 3 * 22 * 4
    assert SUPPRESSED not in "".join(pages)


def test_the_cover_and_at_a_glance_agree_with_the_summary(medium: Database) -> None:
    pages = _pages(_render(medium))
    cover = pages[0]
    assert AREA_NAME in cover  # escaped for ReportLab, printed as typed
    assert "2024/25 Q2: 1 July 2024 to 30 September 2024" in cover
    assert "Internal: for the partnership board" in cover
    with medium.session() as session:
        summary = report_summary(session, parse_period_label(QUARTER))
    for type_summary in summary.types:
        line = next(line for line in cover.splitlines()
                    if _cells(line) and _cells(line)[0] == type_summary.crime_type.label)
        victims, incidents = type_summary.lines[3], type_summary.lines[5]
        assert _cells(line)[1] == victims.values[0]
        assert _cells(line)[3] == incidents.values[0]
    # Burglary's repeat victim rate is far above the default 5.25% target: red, in words.
    burglary = summary.types[1].lines[3]
    assert burglary.status is not None and burglary.status.label == "Red"
    assert burglary.target == "5.25%"


def test_publication_shows_suppressed_counts_and_never_the_numbers_behind_them(
        medium: Database) -> None:
    pdf = _render(medium, publish=True)
    pages = _pages(pdf)
    _check_summary(pages, medium, publish=True)
    cells = _check_wards(pages, medium, publish=True)
    # The fixture's quarter has small ward counts, so suppression really happened.
    assert cells.count(SUPPRESSED) > 20
    expected, _periods = _expected_rows(medium, publish=False)
    published, _ = _expected_rows(medium, publish=True)
    hidden = [(key, name) for key, row in published.items() if key[0] == "this"
              for name in ("incidents", "victims", "repeat_victims", "repeat_incidents")
              if isinstance(getattr(row, name), str)]
    assert hidden
    for key, name in hidden:
        assert isinstance(getattr(expected[key], name), int)
    cover = pages[0]
    assert "For publication" in cover
    definitions = pages[-1]
    assert "Suppression for publication" in definitions
    # The list of alerts, with incident references, is left out.
    assert "ASB/20" not in "".join(pages) and "DV/20" not in "".join(pages)


def test_every_page_carries_the_marking_top_and_bottom_and_its_number(
        medium: Database) -> None:
    for publish in (False, True):
        pages = [page.extract_text() for page in
                 PdfReader(BytesIO(_render(medium, publish=publish))).pages]
        assert len(pages) >= 6
        for number, text in enumerate(pages, start=1):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            assert lines.count(MARKING) >= 2, number
            assert f"Page {number} of {len(pages)}" in text
            assert re.search(r"Produced \d{2}/\d{2}/\d{4} \d{2}:\d{2}", text)


def test_the_definitions_page_states_the_windows_in_force(medium: Database) -> None:
    def windows(pages: list[str]) -> dict[str, str]:
        lines = _section(pages, "Look-back windows in force", "Thresholds in force")
        return {cells[0]: cells[1] for cells in map(_cells, lines)
                if len(cells) == 2 and cells[0] in {kind.label for kind in CRIME_TYPES}}

    before = _pages(_render(medium))
    assert windows(before) == {kind.label: "12 months" for kind in CRIME_TYPES}
    assert "3 qualifying ASB complaints within 6 months" in before[-1]
    with medium.session() as session:
        save_rules(session, replace(load_rules(session), window_months_asb=6,
                                    dv_escalation_incidents=4))
    after = _pages(_render(medium))
    assert windows(after)[CrimeType.ASB.label] == "6 months"
    assert windows(after)[CrimeType.DV.label] == "12 months"
    assert "4 or more domestic abuse incidents" in after[-1]
    assert "Definitions" in after[-1] and "01/04/2021" in after[-1]


def test_marac_appears_once_there_are_referrals(medium: Database) -> None:
    assert "MARAC:" not in "".join(_pages(_render(medium)))
    import_referrals(medium, SHARED_DATA / "marac-referrals-medium.csv", today=TODAY)
    quarter = parse_period_label(QUARTER)
    with medium.session() as session:
        expected = compute_return(session, quarter.start, quarter.end)
    lines = _section(_pages(_render(medium)), f"MARAC: {QUARTER}", "Definitions")
    facts = {cells[0]: cells[-1] for cells in map(_cells, lines) if len(cells) >= 2}
    assert facts["Cases discussed"] == str(expected.total.counts["cases_discussed"])
    assert facts["Repeat cases"] == str(expected.total.counts["repeat_cases"])
    assert facts["Repeat rate"] == _pct(expected.repeat_rate)


def test_only_a_whole_quarter_is_accepted(medium: Database) -> None:
    with medium.session() as session, pytest.raises(InputRefused, match="not a quarter"):
        render_quarterly_report(session, parse_period_label("2024/25"))


def test_the_command_line_writes_the_pdf(medium: Database, tmp_path: Path) -> None:
    path = tmp_path / "medium.db"  # the copy the ``medium`` fixture made (open: kept plain)
    add_cli_admin(medium)
    out = tmp_path / "q2.pdf"
    done = run_cli(tmp_path, "report", "quarterly", "--quarter", QUARTER, "--out", out,
                   "--publish", db=path)
    assert done.returncode == 0, done.stderr
    assert f"Wrote the {QUARTER} report for publication to" in done.stdout
    assert "Suppression for publication" in _pages(out.read_bytes())[-1]
    refused = run_cli(tmp_path, "report", "quarterly", "--quarter", "2024/25",
                      "--out", out, db=path)
    assert refused.returncode == 1
    assert "'2024/25' is not a quarter" in refused.stderr
    usage = run_cli(tmp_path, "report", "quarterly", "--out", out, db=path)
    assert usage.returncode == 2
