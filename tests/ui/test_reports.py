"""The Reports screen: the quarterly report's preview agrees with the core, its files are
written through the core, printing goes through QtPdf; and the figures CSV is exactly as the
core (and the command line) writes it."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PySide6.QtCore import QSize, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QAbstractButton, QLabel
from sqlalchemy import func, select

from scs_victims.accounts import Role
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.periods import Period, PeriodKind, period_containing, periods_between
from scs_victims.domain.rates import format_rate
from scs_victims.exports import figures_csv_text
from scs_victims.figures import ALL_AREA, compute_figures
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.reports.quarterly import render_quarterly_report
from scs_victims.reports.suppression import SUPPRESSED
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent, Incident
from tests.conftest import SHARED_DATA
from tests.ui.conftest import ErrorRecorder, shown
from ui.context import AppContext
from ui.reports.page import ReportsPage, offered_quarters
from ui.reports.summary_model import SummaryModel

from .conftest import wait_idle

SMALL_TODAY = date(2025, 6, 1)  # the last complete quarter is 2024/25 Q4: three DV incidents


def open_page(qtbot: Any, context: AppContext, today: Callable[[], date] = date.today
              ) -> ReportsPage:
    page = ReportsPage(context, today=today)
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    page.on_shown()
    wait_idle(qtbot, context)
    return page


@pytest.fixture
def page(qtbot: Any, demo_context: AppContext) -> ReportsPage:
    return open_page(qtbot, demo_context)


@pytest.fixture
def small_page(qtbot: Any, empty_context: AppContext) -> ReportsPage:
    load_wards(empty_context.user.database, SHARED_DATA / "wards.csv")
    import_incidents(empty_context.user.database, SHARED_DATA / "incidents-small.csv",
                     today=SMALL_TODAY)
    return open_page(qtbot, empty_context, lambda: SMALL_TODAY)


def choose(target: Path, asked: list[tuple[str, str]] | None = None
           ) -> Callable[[Any, str, str], str]:
    def chooser(_parent: Any, suggested: str, filters: str) -> str:
        if asked is not None:
            asked.append((suggested, filters))
        return str(target)
    return chooser


def cells(model: SummaryModel) -> dict[str, list[str]]:
    """Measure -> the row's cells as shown."""
    return {model.headerData(row, Qt.Orientation.Vertical):
            [model.index(row, column).data() for column in range(model.columnCount())]
            for row in range(model.rowCount())}


# The quarterly report --------------------------------------------------------------------


def test_quarters_offered_are_the_last_twelve_with_the_last_complete_chosen(
        page: ReportsPage) -> None:
    assert page.quarter.count() == 12
    running = period_containing(date.today(), PeriodKind.QUARTER)
    assert page.quarter.itemText(0) == f"{running.label} (in progress)"
    assert page.choice().quarter.end < running.start
    assert page.choice().quarter == offered_quarters(date.today())[1]
    assert [quarter.start for quarter in page.quarters] == sorted(
        (quarter.start for quarter in page.quarters), reverse=True)


def test_preview_shows_the_figures_of_the_chosen_quarter(
        qtbot: Any, page: ReportsPage, demo_context: AppContext) -> None:
    quarter = page.choice().quarter
    assert page.status.text().startswith(quarter.label)
    with demo_context.user.database.session() as session:
        rows = {row.crime_type: row for row in compute_figures(session, [quarter])
                if row.area == ALL_AREA}
    for crime_type in CRIME_TYPES:
        model = page.previews[crime_type].model
        headers = [model.headerData(column, Qt.Orientation.Horizontal)
                   for column in range(model.columnCount())]
        assert headers[0] == f"This quarter\n{quarter.label}"
        assert headers[-3:] == ["Target", "Baseline", "Status"]
        shown_cells = cells(model)
        row = rows[crime_type]
        assert row.incidents > 0
        assert shown_cells["Incidents"][0] == f"{row.incidents:,}"
        assert shown_cells["Victims"][0] == f"{row.victims:,}"
        assert shown_cells["Repeat victims"][0] == f"{row.repeat_victims:,}"
        assert shown_cells["Repeat incidents"][0] == f"{row.repeat_incidents:,}"
        assert shown_cells["Repeat victim rate"][0] == f"{format_rate(row.repeat_victim_rate)}%"
        assert shown_cells["Repeat incident rate"][0] == (
            f"{format_rate(row.repeat_incident_rate)}%")
        assert shown_cells["Rate per 1,000"][0] == format_rate(row.per_1000)
        chart = page.previews[crime_type].chart
        assert chart.points[-1].period == quarter
        assert chart.points[-1].repeat_victim_rate == row.repeat_victim_rate

    # Another quarter: the preview follows.
    page.quarter.setFocus()
    qtbot.keyClick(page.quarter, Qt.Key.Key_Down)
    wait_idle(qtbot, demo_context)
    earlier = page.choice().quarter
    assert earlier.end < quarter.start
    assert page.status.text().startswith(earlier.label)
    assert page.previews[CrimeType.ASB].model.headerData(
        0, Qt.Orientation.Horizontal) == f"This quarter\n{earlier.label}"


def test_summary_model_passes_the_model_tester(qtmodeltester: Any, page: ReportsPage) -> None:
    for preview in page.previews.values():
        assert preview.model.rowCount() == 7
        qtmodeltester.check(preview.model)


def test_publication_version_shows_small_counts_as_less_than_five(
        qtbot: Any, small_page: ReportsPage, empty_context: AppContext) -> None:
    assert small_page.choice().quarter.label == "2024/25 Q4"
    dv = small_page.previews[CrimeType.DV].model
    assert cells(dv)["Incidents"][0] == "3"
    qtbot.mouseClick(small_page.publish, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert small_page.publish.isChecked()
    assert "for publication" in small_page.status.text()
    shown_cells = cells(dv)
    assert shown_cells["Incidents"][0] == SUPPRESSED
    assert shown_cells["Repeat victim rate"][0] == ""  # computed from suppressed counts
    zeros = cells(small_page.previews[CrimeType.ASB].model)["Incidents"]
    assert "0" in zeros  # zeros stay zeros


def test_saving_the_report_pdf(qtbot: Any, small_page: ReportsPage, empty_context: AppContext,
                               tmp_path: Path, errors: ErrorRecorder) -> None:
    target = tmp_path / "report.pdf"
    asked: list[tuple[str, str]] = []
    small_page.choose_file = choose(target, asked)
    qtbot.mouseClick(small_page.pdf_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert not errors.errors
    assert target.read_bytes().startswith(b"%PDF")
    assert asked[0][0].endswith("repeat-victimisation-2024-25-Q4.pdf")
    assert "*.pdf" in asked[0][1]
    assert small_page.result.text() == f"Saved the 2024/25 Q4 report to {target}."
    assert small_page.pdf_button.isEnabled()


def test_saving_the_workbook(qtbot: Any, page: ReportsPage, demo_context: AppContext,
                             tmp_path: Path, errors: ErrorRecorder) -> None:
    target = tmp_path / "figures.xlsx"
    page.choose_file = choose(target)
    page.workbook_button.setFocus()
    qtbot.keyClick(page.workbook_button, Qt.Key.Key_Space)
    wait_idle(qtbot, demo_context)
    assert not errors.errors
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Summary", "By ward", "Trend", "Definitions"]
    values = [cell for row in workbook["Summary"].iter_rows(values_only=True) for cell in row]
    assert page.choice().quarter.label in values
    assert page.result.text() == f"Saved the workbook to {target}."


def incidents_in(database: Database, quarter: Period) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Incident).where(
            Incident.deleted_at.is_(None), Incident.occurred_on >= quarter.start,
            Incident.occurred_on <= quarter.end)) or 0


def test_incident_list_csv_has_a_row_per_incident_of_the_quarter(
        qtbot: Any, page: ReportsPage, demo_context: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "list.csv"
    asked: list[tuple[str, str]] = []
    page.choose_file = choose(target, asked)
    qtbot.mouseClick(page.list_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    quarter = page.choice().quarter
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = incidents_in(demo_context.user.database, quarter)
    assert expected > 100
    assert len(rows) == expected
    assert all(quarter.start.isoformat() <= row["occurred_on"] <= quarter.end.isoformat()
               for row in rows)
    assert "*.xlsx" in asked[0][1]
    assert page.result.text() == f"Saved {expected:,} incidents of {quarter.label} to {target}."


def test_incident_list_as_xlsx_by_its_extension(qtbot: Any, small_page: ReportsPage,
                                                 empty_context: AppContext,
                                                 tmp_path: Path) -> None:
    target = tmp_path / "list.xlsx"
    small_page.choose_file = choose(target)
    qtbot.mouseClick(small_page.list_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    sheet = load_workbook(target)["Incidents"]
    references = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert {"D5", "D6", "D8"} <= set(references)
    assert small_page.result.text().startswith("Saved 3 incidents of 2024/25 Q4")


def test_incident_list_with_another_extension_is_refused(
        qtbot: Any, small_page: ReportsPage, empty_context: AppContext, tmp_path: Path,
        errors: ErrorRecorder) -> None:
    target = tmp_path / "list.txt"
    small_page.choose_file = choose(target)
    qtbot.mouseClick(small_page.list_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert not target.exists()
    assert "does not end in .csv or .xlsx" in str(errors.errors[0])
    assert small_page.result.text() == "Nothing was saved."
    assert small_page.list_button.isEnabled()


def pdf_pages(path: Path, *, white: bool = False) -> int:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    count = document.pageCount()
    if white:
        # QtPdf renders a page's blank paper transparent; printed, it must be white paper
        # (a PDF printer would otherwise show black behind the text).
        corner = document.render(0, QSize(100, 140)).pixelColor(2, 2)
        assert (corner.red(), corner.green(), corner.blue(), corner.alpha()) == (255,) * 4
    document.close()
    return count


def test_printing_sends_every_page_of_the_report(
        qtbot: Any, small_page: ReportsPage, empty_context: AppContext, tmp_path: Path,
        errors: ErrorRecorder, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def no_temporary_file(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the report must never be written to a temporary file")

    for name in ("mkstemp", "NamedTemporaryFile", "TemporaryFile"):
        monkeypatch.setattr(tempfile, name, no_temporary_file)
    with empty_context.user.database.session() as session:
        expected = render_quarterly_report(session, small_page.choice().quarter)
    (tmp_path / "expected.pdf").write_bytes(expected)
    pages = pdf_pages(tmp_path / "expected.pdf")
    assert pages >= 3

    printed = tmp_path / "printed.pdf"

    def printer_to_file(_parent: Any) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(100)  # enough to check; keeps the test quick
        return printer

    small_page.choose_printer = printer_to_file
    qtbot.mouseClick(small_page.print_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert not errors.errors
    assert pdf_pages(printed, white=True) == pages
    assert small_page.result.text() == (f"Sent the 2024/25 Q4 report ({pages} pages) to the "
                                        "printer.")


def test_cancelling_the_print_dialog_prints_nothing(qtbot: Any, small_page: ReportsPage,
                                                    empty_context: AppContext) -> None:
    small_page.choose_printer = lambda _parent: None
    qtbot.mouseClick(small_page.print_button, Qt.MouseButton.LeftButton)
    assert not empty_context.operations.busy
    assert small_page.result.text() == ""


def test_every_control_has_a_mnemonic_of_its_own_and_a_name(page: ReportsPage) -> None:
    # (Buttons without text are Qt's own: table corners, tab bar scrolling.)
    texts = [button.text() for button in page.findChildren(QAbstractButton) if button.text()]
    texts += [label.text() for label in page.findChildren(QLabel)
              if label.buddy() and label.text()]
    texts += [page.tabs.tabText(index) for index in range(page.tabs.count())]
    keys = [text[text.index("&") + 1].lower() for text in texts if "&" in text]
    assert len(keys) == len(texts) == 18
    assert len(set(keys)) == len(keys), sorted(keys)
    assert not set(keys) & set("fevh"), "the menu bar's File, Edit, View and Help"
    for widget in (page.quarter, page.publish, page.pdf_button, page.workbook_button,
                   page.list_button, page.print_button, page.figures.export_button,
                   *(preview.table for preview in page.previews.values())):
        assert widget.accessibleName()


# The figures CSV --------------------------------------------------------------------------


def fill(qtbot: Any, page: ReportsPage, first: str, last: str) -> None:
    for field, text in ((page.figures.first, first), (page.figures.last, last)):
        field.clear()
        qtbot.keyClicks(field, text)


def test_export_writes_the_core_figures_csv(qtbot: Any, page: ReportsPage,
                                            demo_context: AppContext, tmp_path: Path) -> None:
    form = page.figures
    target = tmp_path / "figures.csv"
    asked: list[tuple[str, str]] = []
    page.choose_file = choose(target, asked)
    fill(qtbot, page, "01/04/2026", "30/09/2026")
    form.by.setCurrentIndex(form.by.findData(PeriodKind.MONTH.value))
    form.types[CrimeType.ASB].setChecked(False)
    form.by_ward.setFocus()
    qtbot.keyClick(form.by_ward, Qt.Key.Key_Space)
    assert form.by_ward.isChecked()
    qtbot.mouseClick(form.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)

    with demo_context.user.database.session() as session:
        rows = compute_figures(
            session, periods_between(date(2026, 4, 1), date(2026, 9, 30), PeriodKind.MONTH),
            [CrimeType.BURGLARY, CrimeType.DV], by_ward=True)
    expected = figures_csv_text(rows)
    assert target.read_bytes() == expected.encode("utf-8")
    assert len(rows) > 6 * 2  # 6 months × 2 types, and a row per ward as well as "All"
    assert {row.area for row in rows} > {"All", "Unknown"}
    assert asked[0][0].endswith("figures-20260401-20260930.csv")
    assert asked[0][1] == "CSV files (*.csv)"
    assert form.result.text() == f"Wrote {len(rows):,} rows to {target}."

    # The folder chosen is offered next time.
    form.export()
    assert asked[1][0] == str(tmp_path / "figures-20260401-20260930.csv")
    wait_idle(qtbot, demo_context)


def test_bad_dates_are_shown_on_their_fields(qtbot: Any, page: ReportsPage) -> None:
    form = page.figures
    page.choose_file = lambda _parent, _suggested, _filters: pytest.fail("no file is asked for")
    fill(qtbot, page, "31/02/2026", "01/01/2026")
    qtbot.mouseClick(form.export_button, Qt.MouseButton.LeftButton)
    assert form.errors["first"].text() == "From must be a date such as 31/03/2026."
    assert form.errors["first"].isVisibleTo(page)
    assert not form.errors["last"].isVisibleTo(page)
    fill(qtbot, page, "01/02/2026", "01/01/2026")
    qtbot.mouseClick(form.export_button, Qt.MouseButton.LeftButton)
    assert form.errors["last"].text() == "To must not be before From."
    assert not form.errors["first"].isVisibleTo(page)


def test_no_crime_type_is_refused(qtbot: Any, page: ReportsPage) -> None:
    form = page.figures
    page.choose_file = lambda _parent, _suggested, _filters: pytest.fail("no file is asked for")
    for box in form.types.values():
        box.setChecked(False)
    qtbot.mouseClick(form.export_button, Qt.MouseButton.LeftButton)
    assert form.errors["types"].text() == "Choose at least one crime type."


def test_cancelling_the_file_dialog_writes_nothing(qtbot: Any, page: ReportsPage,
                                                  demo_context: AppContext) -> None:
    page.choose_file = lambda _parent, _suggested, _filters: ""
    for button in (page.figures.export_button, page.pdf_button, page.workbook_button,
                   page.list_button):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert not demo_context.operations.busy
    assert page.figures.result.text() == ""
    assert page.result.text() == ""
    assert page.figures.export_button.isEnabled()


def test_the_incident_list_saved_by_an_analyst_is_an_export_in_their_name(
        qtbot: Any, make_context: Any, demo_db: Database, tmp_path: Path) -> None:
    context = make_context(demo_db, Role.ANALYST)
    page = open_page(qtbot, context)
    assert all(button.isVisibleTo(page) for button in (
        page.pdf_button, page.workbook_button, page.list_button, page.print_button))
    target = tmp_path / "list.csv"
    page.choose_file = choose(target)
    qtbot.mouseClick(page.list_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, context)
    with demo_db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.actor, event.entity) == ("test-analyst", "incident_list")
    assert json.loads(event.detail or "{}")["file"] == "list.csv"
