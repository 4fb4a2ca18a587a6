"""The import wizard, driven through its widgets: a bad row, a file of other columns turned
into an import profile (the council export into the fixture's profile, by keyboard and
mouse), skipping invalid rows, and cancelling a long import. Every name and reference is
invented."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWizard
from sqlalchemy import select

from scs_victims.actions import profiles
from scs_victims.demo import write_incidents_csv
from scs_victims.errors import RowError
from scs_victims.importing.csv_source import open_csv
from scs_victims.importing.incident_rows import INCIDENT_COLUMNS, REQUIRED_COLUMNS
from scs_victims.importing.preview import StoredRow
from scs_victims.importing.profile import ANY_VALUE, SKIP, Profile, load_profile
from scs_victims.storage.models import AuditEvent
from tests.conftest import SHARED_DATA
from tests.helpers.records import stored_records
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.context import AppContext
from ui.importer.columns_page import CONSTANT, NOT_IN_FILE
from ui.importer.models import PreviewModel, RowErrorsModel
from ui.importer.stored_model import StoredRowsModel
from ui.importer.values_model import AS_WRITTEN, BLANK, OURS, ValueChoice, ValueChoicesModel
from ui.importer.wizard import ImportWizard

# QWizard resizes itself between pages; the offscreen platform says it cannot pass the new
# size hints on to a window system (there is none). Not a fault of the wizard.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HEADER = ["reference", "crime_type", "occurred_on", "address_line1", "postcode", "source"]
THEIR_HEADER = ["Crime Ref", "Type", "Date", "Address", "Post Code", "Officer"]
RECENT_DATE = date.today() - timedelta(days=30)
RECENT = RECENT_DATE.strftime("%d/%m/%Y")
RECENT_SPOKEN = f"{RECENT_DATE.day} {RECENT_DATE:%B %Y}"


def write_rows(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def good_rows(count: int) -> list[list[str]]:
    return [[f"WZ-{n}", "burglary", RECENT, f"{n} Invented Lane", "N3 1AA", "police"]
            for n in range(count)]


@pytest.fixture(autouse=True)
def profiles_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Saved profiles go to the test's folder, never the user's."""
    folder = tmp_path / "profiles"
    monkeypatch.setattr(profiles, "profiles_folder", lambda **_options: folder)
    return folder


def open_wizard(qtbot: Any, context: AppContext, path: Path,
                rejects: Path | None = None, copy: Path | None = None) -> ImportWizard:
    wizard = ImportWizard(context, choose_file=lambda _parent, _start: path,
                          choose_rejects=lambda _parent, _start: rejects,
                          choose_copy=lambda _parent, _start: copy)
    qtbot.addWidget(wizard)
    wizard.open()
    wait_idle(qtbot, context)
    qtbot.mouseClick(wizard.choose_page.browse_button, Qt.MouseButton.LeftButton)
    assert wizard.choose_page.path_edit.text() == str(path)
    return wizard


def type_choice(qtbot: Any, combo: QComboBox, text: str) -> None:
    """Choose an item of a combo by typing its first letters, as a keyboard user does (no
    space: a space opens the list)."""
    assert " " not in text
    combo.setFocus()
    qtbot.keyClicks(combo, text)
    # The letters typed into a combo make one search until this pause has passed.
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    assert combo.currentText().casefold().startswith(text.casefold()), combo.currentText()


def click(qtbot: Any, wizard: ImportWizard, button: QWizard.WizardButton) -> None:
    widget = wizard.button(button)
    assert widget.isVisible() and widget.isEnabled(), f"{button} is not available"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def next_page(qtbot: Any, context: AppContext, wizard: ImportWizard) -> None:
    page = wizard.currentPage()
    commit = page.isCommitPage()
    click(qtbot, wizard, QWizard.WizardButton.CommitButton if commit
          else QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is not page
    wait_idle(qtbot, context)


def error_rows(wizard: ImportWizard) -> list[tuple[Any, ...]]:
    model = wizard.check_page.errors_table.model()
    return [tuple(model.index(row, column).data() for column in range(3))
            for row in range(model.rowCount())]


def test_a_bad_row_is_listed_and_nothing_is_imported(qtbot: Any, empty_context: AppContext,
                                                     tmp_path: Path) -> None:
    rows = good_rows(3)
    rows[1][2] = "31/02/2024"
    bad = write_rows(tmp_path / "bad.csv", rows)
    before = stored_records(empty_context.user.database)
    wizard = open_wizard(qtbot, empty_context, bad)
    next_page(qtbot, empty_context, wizard)
    assert wizard.currentPage() is wizard.layout_page
    preview = wizard.layout_page.model
    assert preview.rowCount() == 4 and preview.columnCount() == len(HEADER)
    assert preview.headerData(1, Qt.Orientation.Vertical) == "2"
    assert preview.headerData(0, Qt.Orientation.Horizontal) == "A"
    assert "read as UTF-8" in wizard.layout_page.status.text()
    assert wizard.layout_page.header_spin.value() == 1
    assert "without a profile" in wizard.layout_page.note.text()
    next_page(qtbot, empty_context, wizard)  # our own columns: straight to the check
    assert wizard.currentPage() is wizard.check_page
    assert error_rows(wizard) == [(3, "occurred_on", "'31/02/2024' is not a date")]
    assert "1 row have problems" in wizard.check_page.result.text()
    assert wizard.check_page.errors_table.isVisible()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert stored_records(empty_context.user.database) == before

    # Back to the start, choose a corrected file, and import it.
    click(qtbot, wizard, QWizard.WizardButton.BackButton)
    click(qtbot, wizard, QWizard.WizardButton.BackButton)
    assert wizard.currentPage() is wizard.choose_page
    good = write_rows(tmp_path / "good.csv", good_rows(3))
    wizard.choose_page.path_edit.clear()
    qtbot.keyClicks(wizard.choose_page.path_edit, str(good))
    next_page(qtbot, empty_context, wizard)
    assert wizard.layout_page.model.index(1, 0).data() == "WZ-0"
    next_page(qtbot, empty_context, wizard)
    assert wizard.check_page.result.text().startswith("Every row is valid. 3 rows read: 3 new")
    with qtbot.waitSignal(empty_context.signals.data_changed, timeout=20_000):
        next_page(qtbot, empty_context, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page)
    values = wizard.summary_page.values
    assert (values["imported"].text(), values["unchanged"].text(),
            values["rejected"].text()) == ("3", "0", "0")
    assert wizard.summary_page.heading.text() == "good.csv was imported."
    assert len(stored_records(empty_context.user.database)["incidents"]) == 3
    with empty_context.user.database.session() as session:
        actors = set(session.execute(select(AuditEvent.actor, AuditEvent.account_id)
                                     .where(AuditEvent.action == "import")))
    assert actors == {(empty_context.user.name, empty_context.user.account.id)}


def test_skipping_invalid_rows_saves_them_to_a_rejects_file(qtbot: Any,
                                                            empty_context: AppContext,
                                                            tmp_path: Path) -> None:
    rows = good_rows(4)
    rows[2][1] = "arson"
    rejects = tmp_path / "chosen-rejects.csv"
    wizard = open_wizard(qtbot, empty_context, write_rows(tmp_path / "mixed.csv", rows),
                         rejects)
    next_page(qtbot, empty_context, wizard)
    next_page(qtbot, empty_context, wizard)
    page = wizard.check_page
    assert page.rejects_edit.text() == str(tmp_path / "mixed-rejects.csv")
    assert not page.rejects_edit.isEnabled()
    page.skip_box.click()
    qtbot.mouseClick(page.rejects_button, Qt.MouseButton.LeftButton)
    assert page.rejects_edit.text() == str(rejects)
    next_page(qtbot, empty_context, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page)
    values = wizard.summary_page.values
    assert (values["imported"].text(), values["rejected"].text(),
            values["rejects"].text()) == ("3", "1", str(rejects))
    with rejects.open(encoding="utf-8-sig", newline="") as handle:
        assert [row[0] for row in csv.reader(handle)] == ["reference", "WZ-2"]


def test_a_file_with_other_columns_becomes_a_profile_offered_next_time(
        qtbot: Any, empty_context: AppContext, tmp_path: Path, profiles_folder: Path) -> None:
    rows = [[*row[:5], "PC Invented"] for row in good_rows(2)]
    path = write_rows(tmp_path / "theirs.csv", rows, THEIR_HEADER)
    wizard = open_wizard(qtbot, empty_context, path)
    next_page(qtbot, empty_context, wizard)
    assert wizard.layout_page.note.text().startswith("Row 1 names 6 columns: Crime Ref, Type")
    next_page(qtbot, empty_context, wizard)
    page = wizard.columns_page
    assert wizard.currentPage() is page
    chosen = {column: row.choice for column, row in page.rows.items()
              if row.choice != NOT_IN_FILE}
    assert chosen == {"reference": "Crime Ref", "crime_type": "Type", "occurred_on": "Date",
                      "address_line1": "Address", "postcode": "Post Code"}
    assert page.unread.text() == "Not read: Officer."
    assert page.rows["occurred_on"].sample.text() == f"e.g. {RECENT}"
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    type_choice(qtbot, page.rows["occurred_on"].combo, "(not")
    assert not next_button.isEnabled()
    assert page.problems.text() == "Choose where occurred_on comes from (it is required)."
    type_choice(qtbot, page.rows["occurred_on"].combo, "Date")
    # Every row comes from the police: a constant, checked as a value of ours.
    type_choice(qtbot, page.rows["source"].combo, "(the")
    qtbot.keyClicks(page.rows["source"].detail, "fire")
    assert page.problems.text() == ("source: 'fire' is not one of police, council, housing, "
                                    "health, self, other.")
    page.rows["source"].detail.clear()
    qtbot.keyClicks(page.rows["source"].detail, "police")
    assert next_button.isEnabled()
    next_page(qtbot, empty_context, wizard)
    values = wizard.values_page
    assert list(values.models) == ["crime_type"]  # a constant is never translated
    assert [(row.value, row.rows, row.target) for row in values.models["crime_type"].rows] == [
        ("burglary", 2, "burglary"), (ANY_VALUE, 0, SKIP)]
    next_page(qtbot, empty_context, wizard)
    assert wizard.dates_page.form_combo.currentData() == "dd/mm/yyyy"
    assert wizard.dates_page.samples.text() == (
        f"occurred_on (Date): '{RECENT}' is {RECENT_SPOKEN}. The only date of the first rows "
        "reads.")
    next_page(qtbot, empty_context, wizard)
    stored = wizard.stored_page.model
    assert stored.rowCount() == 2 and stored.index(0, 0).data() == "stored"
    source_column = 1 + [stored.headerData(column, Qt.Orientation.Horizontal)
                         for column in range(1, stored.columnCount())].index("source")
    assert stored.index(1, source_column).data() == "police"
    next_page(qtbot, empty_context, wizard)
    save = wizard.save_page
    assert save.name_edit.text() == "theirs"
    save.name_edit.clear()
    qtbot.keyClicks(save.name_edit, "Invented system")
    assert str(profiles_folder / "invented-system.toml") in save.where.text()
    next_page(qtbot, empty_context, wizard)
    saved = load_profile(profiles_folder / "invented-system.toml")
    assert saved.columns == {"reference": "Crime Ref", "crime_type": "Type",
                             "occurred_on": "Date", "address_line1": "Address",
                             "postcode": "Post Code"}
    assert (saved.constants, saved.dates) == ({"source": "police"}, "dd/mm/yyyy")
    assert saved.values == {"crime_type": {"burglary": "burglary", "*": SKIP}}
    assert wizard.check_page.result.text().startswith("Every row is valid. 2 rows read")
    next_page(qtbot, empty_context, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page)
    summary = wizard.summary_page.values
    assert summary["imported"].text() == "2"
    assert summary["ignored"].text() == "Officer"
    assert summary["profile"].text().startswith("Invented system (saved as ")

    # The next file from the same system: the saved profile is offered and fills the pages.
    second = open_wizard(qtbot, empty_context, path)
    assert second.choose_page.profile_combo.count() == 2
    type_choice(qtbot, second.choose_page.profile_combo, "Invented")
    next_page(qtbot, empty_context, second)
    next_page(qtbot, empty_context, second)
    rows_page = second.columns_page.rows
    assert rows_page["reference"].choice == "Crime Ref"
    assert (rows_page["source"].choice, rows_page["source"].detail.text()) == (
        CONSTANT, "police")


def stored_rows(path: Path, profile: Profile) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every row of ``path`` as ``profile`` turns it into ours: the import's input."""
    with open_csv(path, required=REQUIRED_COLUMNS, known=INCIDENT_COLUMNS, profile=profile,
                  today=date.today()) as source:
        return source.header, [(row.number, row.cells, row.skipped) for row in source.rows()]


def test_the_council_export_gives_the_fixture_profile_and_its_figures(
        qtbot: Any, empty_context: AppContext, tmp_path: Path, profiles_folder: Path) -> None:
    from scs_victims.actions import settings as settings_actions
    from scs_victims.domain.periods import PeriodKind, periods_between
    from scs_victims.exports import figures_csv_text
    from scs_victims.figures import compute_figures

    settings_actions.load_wards_file(empty_context.user, SHARED_DATA / "wards.csv")
    path = SHARED_DATA / "council-export-medium.csv"
    fixture = load_profile(SHARED_DATA / "council-export-medium.csv.toml")
    copy = tmp_path / "for-a-colleague.toml"
    wizard = open_wizard(qtbot, empty_context, path, copy=copy)
    next_page(qtbot, empty_context, wizard)
    assert wizard.layout_page.header_spin.value() == 1
    next_page(qtbot, empty_context, wizard)
    columns = wizard.columns_page
    # The suggestion reads the export's headers as the fixture does: "Case Ref" is the
    # reference, "Complainant" a full name, the date and time columns one template.
    assert columns.profile().columns == fixture.columns
    assert columns.rows["victim_forename"].combo.isEnabled() is False
    type_choice(qtbot, columns.rows["description"].combo, "(not")
    type_choice(qtbot, columns.rows["description"].combo, "Notes")
    next_page(qtbot, empty_context, wizard)
    values = wizard.values_page
    assert list(values.models) == ["crime_type", "victim_gender", "relationship", "source"]
    crime_types = {row.value: (row.rows, row.target)
                   for row in values.models["crime_type"].rows}
    assert crime_types["Burglary - Residential"] == (177, "burglary")
    assert crime_types["Vehicle Crime"] == (26, SKIP)
    # Burglary only by a spelling definitions §1 accepts, never by a guess from a word.
    assert crime_types["Burglary - Business and Community"] == (25, SKIP)
    assert crime_types["BURGLARY (DWELLING)"] == (155, SKIP)
    values.tabs.setCurrentIndex(0)
    type_choice(qtbot, values.combo_for("crime_type", "BURGLARY (DWELLING)"), "burglary")
    assert values.models["crime_type"].rows[-1].target == SKIP  # all other values
    assert values.warning.text() == ""
    next_page(qtbot, empty_context, wizard)
    assert wizard.dates_page.form_combo.currentData() == "dd/mm/yy"
    assert "'30/11/21' is 30 November 2021" in wizard.dates_page.samples.text()
    next_page(qtbot, empty_context, wizard)
    stored = wizard.stored_page.model
    assert stored.rowCount() == 20
    outcomes = [stored.index(row, 0).data() for row in range(20)]
    assert set(outcomes) <= {"stored"} | {outcome for outcome in outcomes
                                          if outcome.startswith("left out (crime_type")}
    next_page(qtbot, empty_context, wizard)
    save = wizard.save_page
    save.name_edit.clear()
    qtbot.keyClicks(save.name_edit, "Council case system")
    qtbot.mouseClick(save.copy_button, Qt.MouseButton.LeftButton)
    assert save.status.text() == f"A copy was saved as {copy}."
    built = wizard.save_page.profile()
    assert (built.columns, built.constants, built.dates) == (
        fixture.columns, fixture.constants, fixture.dates)
    # Not the same file, but the same rows for the import: every row, left out or not.
    assert stored_rows(path, built) == stored_rows(path, fixture)
    next_page(qtbot, empty_context, wizard)
    assert load_profile(profiles_folder / "council-case-system.toml") == dataclasses.replace(
        built, source=str(profiles_folder / "council-case-system.toml"))
    assert load_profile(copy).values == built.values
    wait_idle(qtbot, empty_context, timeout=120_000)
    assert wizard.check_page.result.text().startswith(
        "Every row is valid. 1,597 rows read: 1,500 new"), wizard.check_page.result.text()
    with qtbot.waitSignal(empty_context.signals.data_changed, timeout=120_000):
        next_page(qtbot, empty_context, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=120_000)
    summary = wizard.summary_page.values
    assert (summary["imported"].text(), summary["rejected"].text()) == ("1,500", "0")
    assert summary["skipped"].text() == "97 (other crime types)"
    periods = periods_between(date(2023, 4, 1), date(2025, 3, 31), PeriodKind.QUARTER)
    with empty_context.user.database.session() as session:
        text = figures_csv_text(compute_figures(session, periods, by_ward=True))
    assert text == (SHARED_DATA / "expected-figures-medium.csv").read_bytes().decode("utf-8")


def test_the_workbook_export_gives_its_fixture_profile(
        qtbot: Any, empty_context: AppContext) -> None:
    path = SHARED_DATA / "council-export-medium.xlsx"
    fixture = load_profile(SHARED_DATA / "council-export-medium.xlsx.toml")
    wizard = open_wizard(qtbot, empty_context, path)
    next_page(qtbot, empty_context, wizard)
    layout = wizard.layout_page
    assert layout.sheet_combo.isVisible() and layout.sheet_combo.currentText() == "Cases"
    assert layout.header_spin.value() == 3  # a title, an empty row, then the header
    assert "is an Excel workbook" in layout.status.text()
    layout.header_spin.setFocus()
    qtbot.keyClick(layout.header_spin, Qt.Key.Key_Up)
    assert layout.note.text().startswith("Row 4 names 10 columns: BURGLARY/2021/000186")
    qtbot.keyClick(layout.header_spin, Qt.Key.Key_Down)
    assert layout.note.text().startswith("Row 3 names 20 columns: Case Ref, Category")
    next_page(qtbot, empty_context, wizard)
    assert wizard.columns_page.profile().columns == fixture.columns
    next_page(qtbot, empty_context, wizard)
    type_choice(qtbot, wizard.values_page.combo_for("crime_type", "BURGLARY (DWELLING)"),
                "burglary")
    next_page(qtbot, empty_context, wizard)
    assert wizard.dates_page.form_combo.currentData() == "yyyy-mm-dd"  # date cells
    next_page(qtbot, empty_context, wizard)
    next_page(qtbot, empty_context, wizard)
    built = wizard.save_page.profile()
    assert (built.sheet, built.header_row) == ("Cases", 3)
    assert stored_rows(path, built) == stored_rows(path, fixture)


def test_cancelling_a_long_import_changes_nothing(qtbot: Any, empty_context: AppContext,
                                                  errors: ErrorRecorder,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    write_incidents_csv(path, 50_000, seed=5)
    before = stored_records(empty_context.user.database)
    wizard = open_wizard(qtbot, empty_context, path)
    next_page(qtbot, empty_context, wizard)
    next_page(qtbot, empty_context, wizard)
    wait_idle(qtbot, empty_context, timeout=120_000)
    assert wizard.check_page.result.text().startswith("Every row is valid. 50,000 rows read")
    cancelled: list[bool] = []
    original_follow = wizard.import_page.progress.follow

    def follow(task: Any, text: str) -> None:
        original_follow(task, text)

        def first_progress(_done: int, _total: int) -> None:
            if not cancelled:
                cancelled.append(True)
                qtbot.mouseClick(wizard.import_page.progress.cancel_button,
                                 Qt.MouseButton.LeftButton)

        task.progressed.connect(first_progress)

    wizard.import_page.progress.follow = follow  # type: ignore[method-assign]
    click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    wait_idle(qtbot, empty_context, timeout=120_000)
    assert cancelled
    assert wizard.currentPage() is wizard.import_page
    assert wizard.import_page.result.text() == "The import was cancelled; nothing was changed."
    assert wizard.import_page.again_button.isVisible()
    assert stored_records(empty_context.user.database) == before
    assert errors.errors == []


def test_cancelling_the_check_says_nothing_changed(qtbot: Any, empty_context: AppContext,
                                                   tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, empty_context, write_rows(tmp_path / "f.csv", good_rows(5)))
    next_page(qtbot, empty_context, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    qtbot.mouseClick(wizard.check_page.progress.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    if wizard.check_page.state.check is None:  # the check may finish before the click lands
        assert wizard.check_page.result.text() == "Checking was cancelled; nothing was changed."
        assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
        qtbot.mouseClick(wizard.check_page.again_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, empty_context)
    assert wizard.check_page.result.text().startswith("Every row is valid.")


def test_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    preview = PreviewModel()
    preview.set_rows(["a", "b"], [["1", "x" * 100], ["2", ""]], [2, 3])
    qtmodeltester.check(preview)
    assert preview.index(0, 1).data().endswith("\u2026")
    assert preview.data(QModelIndex()) is None
    errors = RowErrorsModel()
    errors.set_errors([RowError(3, "occurred_on", "is required"), RowError(5, "", "bad")],
                      lambda column: f"{column} (theirs)")
    qtmodeltester.check(errors)
    assert errors.index(0, 1).data() == "occurred_on (theirs)"
    assert errors.index(1, 1).data() == ""
    stored = StoredRowsModel()
    stored.set_rows(["reference", "crime_type"], [
        StoredRow(2, ["A-1", "asb"]), StoredRow(3, [], "crime_type", their_value="Vehicle"),
        StoredRow(4, ["A-2", "x" * 100], problems=["Category: 'x' is not a crime type"])])
    qtmodeltester.check(stored)
    assert [stored.index(row, 0).data() for row in range(3)] == [
        "stored", "left out (crime_type 'Vehicle')", "Category: 'x' is not a crime type"]
    assert stored.headerData(1, Qt.Orientation.Vertical) == "3"
    assert stored.index(2, 2).data().endswith("\u2026")
    assert stored.index(1, 1).data() == ""
    choices = ValueChoicesModel()
    choices.set_choices([ValueChoice("Personal ASB", 1200, "asb"),
                         ValueChoice(ANY_VALUE, 3, SKIP), ValueChoice(BLANK, 7, AS_WRITTEN)],
                        [("(as written)", AS_WRITTEN), ("asb", "asb"), ("leave out", SKIP)])
    qtmodeltester.check(choices)
    assert [choices.index(row, 0).data() for row in range(3)] == [
        "Personal ASB", "(all other values)", "(blank)"]
    assert choices.index(0, 1).data() == "1,200"
    assert choices.index(1, OURS).data() == "leave out"
    assert not choices.setData(choices.index(2, OURS), SKIP)  # blank cells stay blank
    assert not choices.setData(choices.index(0, OURS), "burglary")  # not a choice
    assert choices.setData(choices.index(0, OURS), AS_WRITTEN)
    assert choices.translations() == {ANY_VALUE: SKIP}
