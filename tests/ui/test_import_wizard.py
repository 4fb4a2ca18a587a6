"""The import wizard, driven through its widgets: a bad row, a mapped file, skipping invalid
rows, and cancelling a long import. Every name and reference is invented."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from scs_victims.demo import write_incidents_csv
from scs_victims.errors import RowError
from scs_victims.importing.mapping import IGNORE
from scs_victims.storage.models import AuditEvent
from tests.helpers.records import stored_records
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.context import AppContext
from ui.importer.models import PreviewModel, RowErrorsModel
from ui.importer.wizard import ImportWizard

# QWizard resizes itself between pages; the offscreen platform says it cannot pass the new
# size hints on to a window system (there is none). Not a fault of the wizard.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HEADER = ["reference", "crime_type", "occurred_on", "address_line1", "postcode", "source"]
THEIR_HEADER = ["Crime Ref", "Type", "Date", "Address", "Post Code", "Officer"]
RECENT = (date.today() - timedelta(days=30)).strftime("%d/%m/%Y")


def write_rows(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def good_rows(count: int) -> list[list[str]]:
    return [[f"WZ-{n}", "burglary", RECENT, f"{n} Invented Lane", "N3 1AA", "police"]
            for n in range(count)]


def open_wizard(qtbot: Any, context: AppContext, path: Path,
                rejects: Path | None = None) -> ImportWizard:
    wizard = ImportWizard(context, choose_file=lambda _parent, _start: path,
                          choose_rejects=lambda _parent, _start: rejects)
    qtbot.addWidget(wizard)
    wizard.open()
    qtbot.mouseClick(wizard.choose_page.browse_button, Qt.MouseButton.LeftButton)
    assert wizard.choose_page.path_edit.text() == str(path)
    return wizard


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
    assert wizard.currentPage() is wizard.preview_page
    preview = wizard.preview_page.model
    assert preview.rowCount() == 3 and preview.columnCount() == len(HEADER)
    assert preview.headerData(0, Qt.Orientation.Vertical) == "2"
    assert "read as UTF-8" in wizard.preview_page.status.text()
    next_page(qtbot, empty_context, wizard)  # no mapping needed: straight to the check
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
    assert wizard.preview_page.model.index(0, 0).data() == "WZ-0"
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


def test_a_file_with_other_headers_is_mapped_and_the_mapping_remembered(
        qtbot: Any, empty_context: AppContext, tmp_path: Path) -> None:
    rows = [[*row[:5], "PC Invented"] for row in good_rows(2)]
    path = write_rows(tmp_path / "theirs.csv", rows, THEIR_HEADER)
    wizard = open_wizard(qtbot, empty_context, path)
    next_page(qtbot, empty_context, wizard)
    assert "not those of the standard incident file" in wizard.preview_page.notes.text()
    next_page(qtbot, empty_context, wizard)
    page = wizard.mapping_page
    assert wizard.currentPage() is page
    chosen = {header: combo.currentData() for header, combo in page.combos.items()}
    assert chosen == {"Crime Ref": "reference", "Type": "crime_type", "Date": "occurred_on",
                      "Address": "address_line1", "Post Code": "postcode", "Officer": IGNORE}
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    date_combo = page.combos["Date"]
    date_combo.setCurrentIndex(date_combo.findData(IGNORE))
    assert not next_button.isEnabled()
    assert page.problems.text() == "Choose a column for occurred_on (required)."
    date_combo.setCurrentIndex(date_combo.findData("occurred_on"))
    officer = page.combos["Officer"]
    officer.setCurrentIndex(officer.findData("victim_surname"))
    officer.setCurrentIndex(officer.findData(IGNORE))
    assert next_button.isEnabled()
    next_page(qtbot, empty_context, wizard)
    assert wizard.check_page.result.text().startswith("Every row is valid. 2 rows read")
    next_page(qtbot, empty_context, wizard)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page)
    assert wizard.summary_page.values["imported"].text() == "2"
    assert wizard.summary_page.values["ignored"].text() == "Officer"

    # A second file with the same columns is offered the saved mapping.
    second = ImportWizard(empty_context, choose_file=lambda _parent, _start: path)
    qtbot.addWidget(second)
    second.open()
    second.choose_page.path_edit.setText(str(path))
    next_page(qtbot, empty_context, second)
    next_page(qtbot, empty_context, second)
    assert second.mapping_page.saved_note.isVisible()
    assert second.mapping_page.combos["Date"].currentData() == "occurred_on"


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
