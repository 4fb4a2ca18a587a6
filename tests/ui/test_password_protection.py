"""Saving a PDF or workbook with a password from the desktop app (issue 17, item 6): the box
and the password twice on the Reports screen and on MARAC's return tab; a short or mistyped
password is highlighted and nothing is saved; a CSV is refused; the audit says whether each
file was protected. The passwords and people are invented."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import msoffcrypto  # type: ignore[import-untyped]
import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.marac.importing import import_referrals
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent
from tests.conftest import SHARED_DATA
from tests.ui.conftest import shown, wait_idle
from ui.context import AppContext
from ui.marac.page import MaracPage
from ui.password_protection import CSV_REFUSED, NOT_THE_SAME
from ui.reports.page import ReportsPage

PASSWORD = "synthetic-file-pass-1"
TODAY = date(2025, 6, 1)  # the last complete quarter is 2024/25 Q4
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def _no_file_asked(*_args: Any) -> str:
    pytest.fail("no file is asked for while the password will not do")


def _decrypted(path: Path) -> bytes:
    office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
    office.load_key(password=PASSWORD)
    plain = io.BytesIO()
    office.decrypt(plain)
    return plain.getvalue()


def _exports(database: Database) -> list[dict[str, Any]]:
    with database.session() as session:
        return [json.loads(event.detail or "{}") for event in session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(("print", "export")))
            .order_by(AuditEvent.id))]


def _type(qtbot: Any, field: Any, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


@pytest.fixture
def page(qtbot: Any, empty_context: AppContext) -> ReportsPage:
    load_wards(empty_context.user.database, SHARED_DATA / "wards.csv")
    import_incidents(empty_context.user.database, SHARED_DATA / "incidents-small.csv",
                     today=TODAY)
    page = ReportsPage(empty_context, today=lambda: TODAY)
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    page.on_shown()
    wait_idle(qtbot, empty_context)
    return page


def test_the_reports_screen_saves_a_workbook_with_a_password(
        qtbot: Any, page: ReportsPage, empty_context: AppContext, tmp_path: Path) -> None:
    protection = page.protection
    assert protection.password.isHidden() and protection.again.isHidden()
    qtbot.mouseClick(protection.enabled, Qt.MouseButton.LeftButton)
    assert protection.wanted
    assert protection.password.isVisible() and protection.again.isVisible()
    assert protection.password.echoMode() == protection.password.EchoMode.Password

    # Too short: the password field is highlighted, no file is asked for.
    page.choose_file = _no_file_asked
    _type(qtbot, protection.password, "short")
    _type(qtbot, protection.again, "short")
    qtbot.mouseClick(page.workbook_button, Qt.MouseButton.LeftButton)
    assert protection.error.isVisible()
    assert "at least 8 characters" in protection.error.text()
    assert protection.password.property("invalid") is True
    assert protection.again.property("invalid") is not True

    # Typed differently the second time: the second field is highlighted.
    _type(qtbot, protection.password, PASSWORD)
    _type(qtbot, protection.again, PASSWORD + "x")
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    assert protection.error.text() == NOT_THE_SAME
    assert protection.again.property("invalid") is True
    assert protection.password.property("invalid") is not True

    # Right: the workbook is saved in Office's encrypted container.
    _type(qtbot, protection.again, PASSWORD)
    target = tmp_path / "figures.xlsx"
    page.choose_file = lambda _parent, _suggested, _filters: str(target)
    qtbot.mouseClick(page.workbook_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert not protection.error.isVisible()
    assert protection.password.property("invalid") is not True
    assert page.result.text() == (f"Saved the workbook to {target}, protected with the "
                                  "password.")
    assert target.read_bytes().startswith(OLE_MAGIC)
    assert load_workbook(io.BytesIO(_decrypted(target))).sheetnames == [
        "Summary", "By ward", "Trend", "Definitions"]

    # A CSV incident list cannot be protected: refused before anything is written.
    listed = tmp_path / "incidents.csv"
    asked: list[str] = []

    def choose_csv(_parent: Any, suggested: str, _filters: str) -> str:
        asked.append(suggested)
        return str(listed)

    page.choose_file = choose_csv
    qtbot.mouseClick(page.list_button, Qt.MouseButton.LeftButton)
    assert [Path(name).name for name in asked] == ["incidents-2024-25-Q4.xlsx"]  # as protected
    assert protection.error.text() == CSV_REFUSED
    assert not listed.exists()

    # Unticked: the fields are emptied and hidden, and the PDF is saved as ever.
    qtbot.mouseClick(protection.enabled, Qt.MouseButton.LeftButton)
    assert protection.password.text() == "" and protection.password.isHidden()
    report = tmp_path / "report.pdf"
    page.choose_file = lambda _parent, _suggested, _filters: str(report)
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert not PdfReader(report).is_encrypted
    assert [(detail["file"], detail["protected"]) for detail in
            _exports(empty_context.user.database)] == [("figures.xlsx", True),
                                                       ("report.pdf", False)]
    assert all(PASSWORD not in json.dumps(detail)
               for detail in _exports(empty_context.user.database))


def test_the_marac_return_is_saved_protected_and_its_csv_refused(
        qtbot: Any, empty_context: AppContext, tmp_path: Path) -> None:
    import_referrals(empty_context.user.database, SHARED_DATA / "marac-referrals-small.csv")
    page = MaracPage(empty_context)
    page.today = lambda: date(2025, 6, 30)
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    page.on_shown()
    wait_idle(qtbot, empty_context)
    page.tabs.setCurrentWidget(page.returns)
    tab = page.returns
    tab.first.setText("01/04/2024")
    tab.last.setText("31/03/2025")
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    qtbot.mouseClick(tab.protection.enabled, Qt.MouseButton.LeftButton)
    _type(qtbot, tab.protection.password, PASSWORD)
    _type(qtbot, tab.protection.again, PASSWORD)

    page.choose_file = _no_file_asked
    qtbot.mouseClick(tab.csv_button, Qt.MouseButton.LeftButton)
    assert tab.protection.error.text() == CSV_REFUSED

    page.choose_file = lambda _p, _t, suggested, _f: str(tmp_path / suggested)
    qtbot.mouseClick(tab.xlsx_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    saved = tmp_path / "MARAC return 2024-04-01 to 2025-03-31.xlsx"
    assert saved.read_bytes().startswith(OLE_MAGIC)
    assert load_workbook(io.BytesIO(_decrypted(saved))).sheetnames == ["Meetings", "Summary"]
    assert tab.saved.label.text() == (f"The return (protected with the password) saved to "
                                      f"{saved}.")
    [detail] = _exports(empty_context.user.database)
    assert (detail["file"], detail["protected"]) == (saved.name, True)
