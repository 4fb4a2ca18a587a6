"""The incident form driven through its widgets: repeats explained on save, inline errors,
likely duplicates, pickers, editing, and never losing typed text.

Every name, date of birth and address here is invented.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from sqlalchemy import func, select

from scs_victims.accounts import Role
from scs_victims.actions import incidents, lookups, people
from scs_victims.audit_trail import AuditFilter, AuditRow, audit_rows
from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.incidents import IncidentInput
from scs_victims.storage.models import Incident, Person
from tests.ui.conftest import ErrorRecorder, wait_idle
from ui.context import AppContext
from ui.incidents.form import IncidentForm, open_incident_form
from ui.people import restricted as restricted_ui

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _earlier_dv(context: AppContext, days_ago: int = 60, reference: str = "DV-TEST-1") -> None:
    incidents.create_incident(context.user, IncidentInput(
        reference=reference, crime_type="dv",
        occurred_on=date.today() - timedelta(days=days_ago),
        victim_forename="Morwenna", victim_surname="Quillfeather", victim_dob="04/03/1990"))


def _form(qtbot: Any, context: AppContext, incident_id: int | None = None,
          answers: list[bool] | None = None) -> IncidentForm:
    asked = answers if answers is not None else []

    def confirm(_parent: Any) -> bool:
        asked.append(True)
        return False

    form = IncidentForm(context, None, incident_id, confirm_discard=confirm)
    qtbot.addWidget(form)
    form.show()
    wait_idle(qtbot, context)
    return form


def _type(qtbot: Any, form: IncidentForm, name: str, text: str) -> None:
    widget = form.fields[name].widget
    if isinstance(widget, QComboBox) and not widget.isEditable():
        widget.setCurrentIndex(widget.findData(text))
        return
    target = widget.lineEdit() if isinstance(widget, QComboBox) else widget
    assert target is not None
    target.setFocus()
    qtbot.keyClicks(target, text)


def _count(context: AppContext, model: Any = Incident) -> int:
    with context.user.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _fill_dv(qtbot: Any, form: IncidentForm, reference: str, occurred: str,
             forename: str = "Morwenna", surname: str = "Quillfeather",
             dob: str = "04/03/1990") -> None:
    _type(qtbot, form, "crime_type", "dv")
    _type(qtbot, form, "reference", reference)
    _type(qtbot, form, "occurred_on", occurred)
    _type(qtbot, form, "victim_forename", forename)
    _type(qtbot, form, "victim_surname", surname)
    _type(qtbot, form, "victim_dob", dob)


def test_a_repeat_dv_victim_is_flagged_and_explained_on_save(
        qtbot: Any, demo_context: AppContext, errors: ErrorRecorder) -> None:
    _earlier_dv(demo_context)
    form = _form(qtbot, demo_context)
    yesterday = date.today() - timedelta(days=1)
    _fill_dv(qtbot, form, "DV-TEST-2", _uk(yesterday))
    _type(qtbot, form, "source", "police")
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=10_000):
        qtbot.keyClick(form.fields["description"].widget, Qt.Key.Key_Return)  # Enter saves
    banner = form.result_banner.text()
    assert form.result_banner.isVisible()
    assert "Saved DV-TEST-2" in banner and "Repeat:" in banner
    earlier = _uk(date.today() - timedelta(days=60))
    assert f"previous DV incident was on {earlier}, within 12 months" in banner
    assert form.last_result is not None and form.last_result.is_repeat
    assert form.last_result.previous_reference == "DV-TEST-1"
    assert not form.is_dirty() and errors.errors == []


def test_a_bad_date_is_shown_on_its_field_and_nothing_is_saved(
        qtbot: Any, demo_context: AppContext) -> None:
    before = _count(demo_context)
    form = _form(qtbot, demo_context)
    _fill_dv(qtbot, form, "DV-TEST-3", "31/02/2024")
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, demo_context)
    field = form.fields["occurred_on"]
    assert field.error.isVisible() and "'31/02/2024' is not a date" in field.error.text()
    assert field.widget.property("invalid") is True
    assert "not a date" in field.widget.accessibleDescription()
    assert field.widget.hasFocus()
    assert not form.fields["reference"].error.isVisible()
    assert form.form_error.isVisible() and "Occurred on" in form.form_error.text()
    assert _count(demo_context) == before
    # Everything typed is still there; a future date is refused the same way.
    assert form.fields["victim_surname"].text() == "Quillfeather"
    line = field.widget
    assert isinstance(line, QLineEdit)
    line.setText(_uk(date.today() + timedelta(days=3)))
    form.save()
    wait_idle(qtbot, demo_context)
    assert "in the future" in field.error.text()
    assert _count(demo_context) == before


def test_burglary_marks_the_dwelling_required(qtbot: Any, demo_context: AppContext) -> None:
    form = _form(qtbot, demo_context)
    _type(qtbot, form, "crime_type", "burglary")
    assert form.fields["address_line1"].label.text().endswith("*")
    assert form.fields["postcode"].widget.accessibleName() == "Postcode (required)"
    assert not form.fields["victim_surname"].label.text().endswith("*")
    _type(qtbot, form, "crime_type", "dv")
    assert form.fields["victim_surname"].label.text().endswith("*")
    assert not form.fields["postcode"].label.text().endswith("*")


def test_a_likely_duplicate_is_offered_before_a_new_person(
        qtbot: Any, demo_context: AppContext) -> None:
    _earlier_dv(demo_context, days_ago=400)
    people = _count(demo_context, Person)
    form = _form(qtbot, demo_context)
    _fill_dv(qtbot, form, "DV-TEST-4", _uk(date.today() - timedelta(days=2)),
             forename="Morwena")  # one letter short, same date of birth
    form.save()
    wait_idle(qtbot, demo_context)
    panel = form.victim_duplicates
    assert panel.isVisible()
    assert "Morwenna Quillfeather" in panel.list.item(0).text()
    assert "same date of birth" in panel.list.item(0).text()
    assert _count(demo_context, Person) == people
    qtbot.mouseClick(panel.use_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    assert form.fields["victim_forename"].text() == "Morwenna"
    assert form.last_result is not None and form.last_result.reference == "DV-TEST-4"
    assert _count(demo_context, Person) == people  # the existing person was linked


def test_saving_as_a_new_person_despite_the_warning(qtbot: Any,
                                                    demo_context: AppContext) -> None:
    _earlier_dv(demo_context, days_ago=400)
    people = _count(demo_context, Person)
    form = _form(qtbot, demo_context)
    _fill_dv(qtbot, form, "DV-TEST-5", _uk(date.today() - timedelta(days=2)),
             forename="Morgan")  # same surname, initial and date of birth: perhaps a twin
    form.save()
    wait_idle(qtbot, demo_context)
    assert form.victim_duplicates.isVisible()
    qtbot.mouseClick(form.victim_duplicates.new_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, demo_context)
    assert form.last_result is not None and not form.last_result.is_repeat
    assert _count(demo_context, Person) == people + 1


# The completer's popup raises itself and grabs the keyboard: the offscreen platform cannot.
@pytest.mark.qt_log_ignore("This plugin does not support (grabbing the keyboard|raise\\(\\)|"
                           "propagateSizeHints)")
def test_the_person_picker_fills_the_victim(qtbot: Any, demo_context: AppContext) -> None:
    _earlier_dv(demo_context)
    form = _form(qtbot, demo_context)
    form.victim_search.setFocus()
    qtbot.keyClicks(form.victim_search, "quillf")
    with qtbot.waitSignal(form.victim_picker.results_shown, timeout=10_000) as shown:
        pass
    assert shown.args == [1]
    assert form.victim_picker.completer.popup().isVisible()
    popup = form.victim_picker.completer.popup()
    popup.setCurrentIndex(popup.model().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.fields["victim_surname"].text() == "Quillfeather"
    assert form.fields["victim_dob"].text() == "04/03/1990"
    assert "Existing person" in form.victim_status.text()


def test_the_address_picker_reuses_a_known_address(qtbot: Any,
                                                   demo_context: AppContext) -> None:
    incidents.create_incident(demo_context.user, IncidentInput(
        reference="BUR-TEST-1", crime_type="burglary", occurred_on=date.today(),
        address_line1="7 Lanternwick Row", postcode="ZZ9 9ZZ"))
    form = _form(qtbot, demo_context)
    form.address_search.setText("zz99zz")
    with qtbot.waitSignal(form.address_picker.results_shown, timeout=10_000):
        form.address_picker.search_now()
    form.address_picker.choose(form.address_picker.matches[0])
    assert form.fields["address_line1"].text() == "7 Lanternwick Row"
    assert form.fields["postcode"].text() == "ZZ9 9ZZ"


def test_editing_an_incident(qtbot: Any, demo_context: AppContext) -> None:
    _earlier_dv(demo_context)
    with demo_context.user.database.session() as session:
        incident_id = session.scalar(select(Incident.id).where(
            Incident.reference == "DV-TEST-1"))
    assert incident_id is not None
    form = open_incident_form(demo_context, None, incident_id)  # type: ignore[arg-type]
    qtbot.addWidget(form)
    form.confirm_discard = lambda _parent: True
    wait_idle(qtbot, demo_context)
    assert form.windowTitle() == "Edit incident DV-TEST-1"
    assert form.fields["victim_surname"].text() == "Quillfeather"
    assert not form.is_dirty()
    _type(qtbot, form, "description", "Neighbour called the police")
    _type(qtbot, form, "relationship", "ex-partner")
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=10_000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.last_result is not None
    assert set(form.last_result.changed_fields) == {"description", "relationship"}
    with demo_context.user.database.session() as session:
        stored = session.get(Incident, incident_id)
        assert stored is not None
        assert (stored.description, stored.relationship) == ("Neighbour called the police",
                                                              "ex-partner")


def test_case_reference_and_hate_motivated_are_saved_shown_and_edited(
        qtbot: Any, demo_context: AppContext, errors: ErrorRecorder) -> None:
    form = _form(qtbot, demo_context)
    _type(qtbot, form, "crime_type", "asb")
    _type(qtbot, form, "reference", "ASB-TEST-20")
    _type(qtbot, form, "occurred_on", _uk(date.today() - timedelta(days=3)))
    _type(qtbot, form, "case_ref", " ASB/PROBLEM/7 ")
    hate = form.fields["hate_motivated"].widget
    assert isinstance(hate, QComboBox)
    assert [hate.itemText(index) for index in range(hate.count())] == ["", "Yes", "No"]
    hate.setFocus()
    qtbot.keyClicks(hate, "Y")  # keyboard selection in the combo
    assert hate.currentText() == "Yes"
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=10_000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert errors.errors == []
    with demo_context.user.database.session() as session:
        stored = session.execute(select(Incident.id, Incident.case_ref, Incident.hate_motivated)
                                 .where(Incident.reference == "ASB-TEST-20")).one()
    assert stored[1:] == ("ASB/PROBLEM/7", True)

    edit = open_incident_form(demo_context, None, stored[0])  # type: ignore[arg-type]
    qtbot.addWidget(edit)
    edit.confirm_discard = lambda _parent: True
    wait_idle(qtbot, demo_context)
    assert edit.fields["case_ref"].text() == "ASB/PROBLEM/7"
    assert edit.fields["hate_motivated"].widget.currentText() == "Yes"  # type: ignore[union-attr]
    assert not edit.is_dirty()
    _type(qtbot, edit, "hate_motivated", "N")
    with qtbot.waitSignal(demo_context.signals.data_changed, timeout=10_000):
        qtbot.mouseClick(edit.save_button, Qt.MouseButton.LeftButton)
    assert edit.last_result is not None
    assert edit.last_result.changed_fields == ("hate_motivated",)
    with demo_context.user.database.session() as session:
        assert session.get(Incident, stored[0]).hate_motivated is False  # type: ignore[union-attr]


def test_a_case_reference_too_long_is_shown_on_its_field(qtbot: Any,
                                                         demo_context: AppContext) -> None:
    before = _count(demo_context)
    form = _form(qtbot, demo_context)
    _type(qtbot, form, "crime_type", "asb")
    _type(qtbot, form, "reference", "ASB-TEST-21")
    _type(qtbot, form, "occurred_on", _uk(date.today() - timedelta(days=3)))
    _type(qtbot, form, "case_ref", "C" * 101)
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, demo_context)
    field = form.fields["case_ref"]
    assert field.error.isVisible()
    assert field.error.text() == "Case reference is longer than 100 characters"
    assert field.widget.hasFocus() and _count(demo_context) == before


def test_closing_with_unsaved_text_asks_first(qtbot: Any, demo_context: AppContext) -> None:
    asked: list[bool] = []
    untouched = IncidentForm(demo_context, None, confirm_discard=lambda _p: asked.append(True)
                             or False)
    untouched.show()
    wait_idle(qtbot, demo_context)
    with qtbot.waitSignal(untouched.destroyed):  # nothing typed: closes without asking
        untouched.close()
    assert asked == []

    form = _form(qtbot, demo_context, answers=asked)
    _type(qtbot, form, "reference", "ASB-TEST-9")
    form.reject()  # Esc or Close
    assert asked == [True] and form.isVisible()
    assert form.fields["reference"].text() == "ASB-TEST-9"


# Restricted records -------------------------------------------------------------------------


def _restrict_morwenna(context: AppContext, make_context: Callable[..., AppContext]) -> int:
    (match,) = lookups.find_people(context.user, "Quillfeather")
    supervisor = make_context(context.user.database, Role.SUPERVISOR)
    people.restrict_person(supervisor.user, match.id, "A colleague's relative")
    return match.id


def _events(context: AppContext, kind: str) -> list[AuditRow]:
    user = context.user
    with user.database.session() as session:
        return audit_rows(session, AuditFilter(kind=kind, user=user.name), limit=None)


def test_an_incident_with_a_restricted_victim_opens_only_with_a_reason(
        qtbot: Any, demo_context: AppContext, make_context: Callable[..., AppContext],
        monkeypatch: pytest.MonkeyPatch, errors: ErrorRecorder) -> None:
    _earlier_dv(demo_context)
    morwenna = _restrict_morwenna(demo_context, make_context)
    with demo_context.user.database.session() as session:
        incident_id = session.scalar(select(Incident.id).where(
            Incident.reference == "DV-TEST-1"))
    assert incident_id is not None
    officer = make_context(demo_context.user.database, Role.OFFICER)

    monkeypatch.setattr(restricted_ui, "ask_reason", lambda _parent, _title, _question: None)
    refused = open_incident_form(officer, None, incident_id)  # type: ignore[arg-type]
    closed: list[bool] = []
    refused.destroyed.connect(lambda: closed.append(True))
    qtbot.waitUntil(lambda: bool(closed), timeout=10_000)  # closed without showing anything
    assert _events(officer, "view") == []

    monkeypatch.setattr(restricted_ui, "ask_reason",
                        lambda _parent, _title, _question: "Court date next week")
    form = open_incident_form(officer, None, incident_id)  # type: ignore[arg-type]
    qtbot.addWidget(form)
    qtbot.waitUntil(form.isEnabled, timeout=10_000)
    assert form.fields["victim_surname"].text() == "Quillfeather"
    (glass,) = _events(officer, "break_glass")
    assert glass.entity_id == morwenna
    assert json.loads(glass.detail or "") == {"reason": "Court date next week"}
    views = {(row.entity, row.entity_id) for row in _events(officer, "view")}
    assert views == {("incident", incident_id), ("person", morwenna)}
    assert errors.errors == []


@pytest.mark.qt_log_ignore("This plugin does not support (grabbing the keyboard|raise\\(\\)|"
                           "propagateSizeHints)")
def test_a_restricted_person_from_the_picker_is_used_only_with_a_reason(
        qtbot: Any, demo_context: AppContext, make_context: Callable[..., AppContext],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _earlier_dv(demo_context)
    _restrict_morwenna(demo_context, make_context)
    officer = make_context(demo_context.user.database, Role.OFFICER)
    form = _form(qtbot, officer)
    form.victim_search.setText("quillf")
    with qtbot.waitSignal(form.victim_picker.results_shown, timeout=10_000):
        form.victim_picker.search_now()
    (match,) = form.victim_picker.matches
    assert match.hidden and form.victim_picker.model.item(0).text() == RESTRICTED_LABEL
    monkeypatch.setattr(restricted_ui, "ask_reason",
                        lambda _parent, _title, _question: "Linking a new incident")
    form.victim_picker.choose(match)
    qtbot.waitUntil(lambda: form.fields["victim_surname"].text() == "Quillfeather",
                    timeout=10_000)
    assert form.fields["victim_dob"].text() == "04/03/1990"
    assert len(_events(officer, "break_glass")) == 1
