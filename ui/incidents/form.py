"""The new/edit incident form: quick to fill by keyboard, explains the repeat status on save.

The core checks everything (``services.incidents``); the form shows each refusal under its
field. Before a new person is created the core is asked for likely duplicates, and the officer
chooses between the existing person and a new one. Nothing typed is lost: a refused save keeps
every field, and closing with unsaved changes asks first.

Opening an incident is recorded as a view (``incidents.open_incident``); one with a restricted
person on it opens only after a reason (``ui.people.restricted``), as does using a restricted
person found by a picker or offered as a likely duplicate.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions import incidents, lookups
from scs_victims.actions.changes import Changed
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.importing.incident_rows import RELATIONSHIPS, SOURCES
from scs_victims.progress import ProgressCallback
from scs_victims.services.incidents import FormInvalid, IncidentInput, IncidentResult
from scs_victims.services.lookups import AddressMatch, LikelyDuplicate, PersonMatch
from ui.context import AppContext
from ui.incidents.fields import DuplicatesPanel, Field, as_form_text, calendar_button
from ui.incidents.pickers import address_picker, person_label, person_picker, search_edit
from ui.people.restricted import open_with_reason
from ui.widgets import error_label, two_column_body, uk_date

ConfirmDiscard = Callable[[QWidget], bool]

_TYPE_HINTS = {
    "": "Choose the crime type first: it decides which details are required.",
    "asb": "Anti-social behaviour: a victim is optional (not for environmental ASB); a named "
           "victim needs a date of birth, reference or postcode. Repeats count by victim.",
    "burglary": "Domestic burglary: the dwelling is required (first line and postcode, or "
                "UPRN). Repeats count by dwelling.",
    "dv": "Domestic abuse: a victim who can be linked is required (forename and surname with a "
          "date of birth or postcode, or a reference). Repeats count by victim.",
}
_VICTIM_KEY = ("victim_forename", "victim_surname", "victim_dob", "victim_ref")
# Hate motivated as the combo holds it (blank: not recorded) and as the core takes it.
_YES_NO = {"Y": True, "N": False}
_PERPETRATOR_KEY = ("perpetrator_forename", "perpetrator_surname", "perpetrator_dob")


def ask_discard(parent: QWidget) -> bool:
    """The real confirmation (tests pass their own function instead)."""
    answer = QMessageBox.question(
        parent, "Unsaved incident",
        "This incident has changes that are not saved. Close it and lose them?",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard


class _StatusLabel(QLabel):
    """A line that takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


def _status_label() -> QLabel:
    label = _StatusLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class _Description(QPlainTextEdit):
    """The last field: Enter saves (Shift+Enter starts a new line), Tab moves on."""

    def __init__(self, submit: Callable[[], None]) -> None:
        super().__init__()
        self._submit = submit
        self.setTabChangesFocus(True)
        self.setPlaceholderText("What happened (Shift+Enter for a new line)")
        self.setFixedHeight(self.fontMetrics().height() * 4 + 12)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self._submit()
            return
        super().keyPressEvent(event)


class IncidentForm(QDialog):
    """One incident, new (``incident_id`` None) or being edited."""

    def __init__(self, context: AppContext, parent: QWidget | None = None,
                 incident_id: int | None = None,
                 confirm_discard: ConfirmDiscard = ask_discard) -> None:
        super().__init__(parent)
        self.context = context
        self.incident_id = incident_id
        self.confirm_discard = confirm_discard
        self.fields: dict[str, Field] = {}
        self.existing: dict[str, PersonMatch | None] = {"victim": None, "perpetrator": None}
        # Details the officer chose to save as a new person despite likely duplicates.
        self.accepted_new: dict[str, tuple[str, ...]] = {}
        self.saved_values: dict[str, str] = {}
        self.last_result: IncidentResult | None = None
        self.saving = False
        self.setWindowTitle("New incident" if incident_id is None else "Edit incident")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._build()
        self._crime_type_changed()
        self.saved_values = self.values()
        self._load_wards()
        if incident_id is not None:
            self._load(incident_id)

    # Building -----------------------------------------------------------------------------

    def _line(self, name: str, title: str, accessible: str | None = None, *,
              date: bool = False, placeholder: str = "") -> Field:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder or ("dd/mm/yyyy" if date else ""))
        edit.setAccessibleName(accessible or title.replace("&", ""))
        extra = calendar_button(edit) if date else None
        field = Field(name, title, edit, accessible, extra)
        self.fields[name] = field
        return field

    def _combo(self, name: str, title: str, items: list[tuple[str, str]],
               accessible: str | None = None, *, editable: bool = False) -> Field:
        combo = QComboBox()
        combo.setEditable(editable)
        for text, data in items:
            combo.addItem(text, data)
        field = Field(name, title, combo, accessible)
        self.fields[name] = field
        return field

    @staticmethod
    def _rows(form: QFormLayout, *fields: Field) -> None:
        for field in fields:
            form.addRow(field.label, field.container)

    def _build(self) -> None:
        self.result_banner = QLabel()
        self.result_banner.setObjectName("resultBanner")
        self.result_banner.setWordWrap(True)
        self.result_banner.setTextFormat(Qt.TextFormat.RichText)
        self.result_banner.setAccessibleName("Saved incident and its repeat status")
        self.result_banner.setVisible(False)
        self.form_error = error_label()

        crime_types = [("Choose…", "")] + [(kind.label, kind.value) for kind in CRIME_TYPES]
        crime_type = self._combo("crime_type", "Crime &type", crime_types)
        reference = self._line("reference", "&Reference",
                               placeholder="CAD, CRIS or case number")
        occurred = self._line("occurred_on", "&Occurred on", date=True,
                              placeholder="dd/mm/yyyy, optional time hh:mm")
        reported = self._line("reported_on", "Re&ported on", date=True)
        source = self._combo("source", "So&urce",
                             [("", "")] + [(item.capitalize(), item) for item in SOURCES])
        case_ref = self._line("case_ref", "Case reference",
                              placeholder="ASB case (problem) reference, optional")
        hate = self._combo("hate_motivated", "Hate motivated",
                           [("", ""), ("Yes", "Y"), ("No", "N")],
                           "Hate motivated (as the complainant perceived it)")
        self.type_hint = QLabel()
        self.type_hint.setWordWrap(True)
        incident_box = QGroupBox("Incident")
        incident_form = QFormLayout(incident_box)
        self._rows(incident_form, crime_type, reference, occurred, reported, source, case_ref,
                   hate)
        incident_form.addRow(self.type_hint)
        assert isinstance(crime_type.widget, QComboBox)
        crime_type.widget.currentIndexChanged.connect(lambda _i: self._crime_type_changed())

        # Victim
        self.victim_search = search_edit("Name or person reference", "Find an existing victim")
        self.victim_picker = person_picker(self.context, self.victim_search)
        self.victim_picker.chosen.connect(lambda match: self.use_person("victim", match))
        self.victim_status = _status_label()
        victim_fields = [
            self._line("victim_forename", "&Forename", "Victim forename"),
            self._line("victim_surname", "Surna&me", "Victim surname"),
            self._line("victim_dob", "Date of &birth", "Victim date of birth", date=True),
            self._combo("victim_gender", "&Gender",
                        [("", ""), ("Female", "female"), ("Male", "male"), ("Other", "other"),
                         ("Unknown", "unknown")], "Victim gender"),
            self._line("victim_ref", "&Victim ref", "Victim reference"),
        ]
        self.victim_duplicates = DuplicatesPanel("victim")
        victim_box = QGroupBox("Victim")
        victim_form = QFormLayout(victim_box)
        find_victim = QLabel("F&ind victim")
        find_victim.setBuddy(self.victim_search)
        victim_form.addRow(find_victim, self.victim_search)
        victim_form.addRow(self.victim_status)
        self._rows(victim_form, *victim_fields)
        victim_form.addRow(self.victim_duplicates)

        # Address
        self.address_search = search_edit("Postcode, first line or UPRN", "Find a known address")
        self.address_picker = address_picker(self.context, self.address_search)
        self.address_picker.chosen.connect(self.use_address)
        self.address_status = _status_label()
        address_fields = [
            self._line("address_line1", "Address &line 1"),
            self._line("address_line2", "Line &2", "Address line 2"),
            self._line("town", "Town"),
            self._line("postcode", "Post&code"),
            self._line("uprn", "UPRN"),
            self._combo("ward", "&Ward", [("", "")], editable=True),
        ]
        address_box = QGroupBox("Address (the dwelling for a burglary)")
        address_form = QFormLayout(address_box)
        find_address = QLabel("Find &address")
        find_address.setBuddy(self.address_search)
        address_form.addRow(find_address, self.address_search)
        address_form.addRow(self.address_status)
        self._rows(address_form, *address_fields)

        # Perpetrator
        self.perpetrator_search = search_edit("Name or person reference",
                                              "Find an existing perpetrator")
        self.perpetrator_picker = person_picker(self.context, self.perpetrator_search)
        self.perpetrator_picker.chosen.connect(
            lambda match: self.use_person("perpetrator", match))
        self.perpetrator_status = _status_label()
        perpetrator_fields = [
            self._line("perpetrator_forename", "Forename", "Perpetrator forename"),
            self._line("perpetrator_surname", "Surname", "Perpetrator surname"),
            self._line("perpetrator_dob", "Date of birth", "Perpetrator date of birth",
                       date=True),
            self._combo("relationship", "Relations&hip",
                        [("", "")] + [(item.capitalize(), item) for item in RELATIONSHIPS],
                        "Relationship of the perpetrator to the victim"),
        ]
        self.perpetrator_duplicates = DuplicatesPanel("perpetrator")
        perpetrator_box = QGroupBox("Perpetrator (optional)")
        perpetrator_form = QFormLayout(perpetrator_box)
        find_perpetrator = QLabel("Find p&erpetrator")
        find_perpetrator.setBuddy(self.perpetrator_search)
        perpetrator_form.addRow(find_perpetrator, self.perpetrator_search)
        perpetrator_form.addRow(self.perpetrator_status)
        self._rows(perpetrator_form, *perpetrator_fields)
        perpetrator_form.addRow(self.perpetrator_duplicates)

        description = Field("description", "&Description", _Description(self.save))
        self.fields["description"] = description
        description_box = QWidget()
        description_layout = QFormLayout(description_box)
        description_layout.setContentsMargins(10, 0, 10, 0)
        self._rows(description_layout, description)

        for panel, role in ((self.victim_duplicates, "victim"),
                            (self.perpetrator_duplicates, "perpetrator")):
            panel.use_existing.connect(
                lambda duplicate, role=role: self._use_duplicate(role, duplicate))
            panel.create_new.connect(lambda role=role: self._accept_new(role))
        for name in (*_VICTIM_KEY, *_PERPETRATOR_KEY):
            widget = self.fields[name].widget
            assert isinstance(widget, QLineEdit)
            widget.textEdited.connect(lambda _text, name=name: self._person_edited(name))

        left = QVBoxLayout()
        left.addWidget(incident_box)
        left.addWidget(perpetrator_box)
        left.addWidget(description_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(victim_box)
        right.addWidget(address_box)
        right.addStretch(1)
        scroll = two_column_body(left, right)

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save the incident (Ctrl+S, or Enter)")
        self.save_button.clicked.connect(self.save)
        self.another_button = QPushButton("Record a&nother")
        self.another_button.setToolTip("Clear the form for the next incident")
        self.another_button.clicked.connect(self.start_another)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.another_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.another_button.setVisible(False)  # after addButton, which shows it
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.result_banner)
        layout.addWidget(self.form_error)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)

        chain: list[QWidget] = [
            crime_type.widget, reference.widget, occurred.widget, reported.widget,
            source.widget, case_ref.widget, hate.widget, self.victim_search,
            *(field.widget for field in victim_fields),
            self.address_search, *(field.widget for field in address_fields),
            self.perpetrator_search, *(field.widget for field in perpetrator_fields),
            description.widget, self.save_button, close,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.resize(980, 720)

    # Per-type requirements ----------------------------------------------------------------

    def _crime_type_changed(self) -> None:
        kind = self.fields["crime_type"].text()
        self.type_hint.setText(_TYPE_HINTS.get(kind, ""))
        required = {"crime_type", "reference", "occurred_on"}
        if kind == CrimeType.BURGLARY.value:
            required |= {"address_line1", "postcode"}
        if kind == CrimeType.DV.value:
            required |= {"victim_forename", "victim_surname"}
        for name, field in self.fields.items():
            field.set_required(name in required)
        self.fields["relationship"].widget.setEnabled(kind in ("", CrimeType.DV.value)
                                                      or bool(self.fields["relationship"]
                                                              .text()))

    # Values -------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        return {name: field.text() for name, field in self.fields.items()}

    def current_input(self) -> IncidentInput:
        text = self.values()
        # Text as typed (the core reads it as an import would); Yes/No as a bool.
        known = set(IncidentInput._fields) - {"hate_motivated"}
        return IncidentInput(hate_motivated=_YES_NO.get(text["hate_motivated"]),
                             **{name: value for name, value in text.items() if name in known})

    def set_input(self, data: IncidentInput) -> None:
        for name, field in self.fields.items():
            value = getattr(data, name, None)
            if isinstance(value, bool):
                value = "Y" if value else "N"
            field.set_text(as_form_text(value))
        self._crime_type_changed()

    def is_dirty(self) -> bool:
        return self.values() != self.saved_values

    # People and addresses -----------------------------------------------------------------

    def use_person(self, role: str, match: PersonMatch,
                   then: Callable[[], None] | None = None) -> None:
        """Fill a role's fields from an existing person (the key then links that person), and
        then run ``then``. A restricted person without details asks for a reason first."""
        if match.hidden:
            user, person_id = self.context.user, match.id
            open_with_reason(self.context, self,
                             lambda: lookups.person_for_form(user, person_id),
                             lambda found: self.use_person(role, found, then))
            return
        prefix = f"{role}_"
        self.fields[f"{prefix}forename"].set_text(match.forename or "")
        self.fields[f"{prefix}surname"].set_text(match.surname or "")
        self.fields[f"{prefix}dob"].set_text(uk_date(match.date_of_birth))
        if role == "victim":
            self.fields["victim_ref"].set_text(match.reference or "")
            self.fields["victim_gender"].set_text(match.gender or "")
            if match.key_postcode and not self.fields["postcode"].text().strip():
                self.fields["postcode"].set_text(match.key_postcode)
        self.existing[role] = match
        self._panel(role).setVisible(False)
        self._status(role).setText(f"Existing person: {person_label(match)}")
        if then is not None:
            then()

    def _use_duplicate(self, role: str, duplicate: LikelyDuplicate) -> None:
        self.use_person(role, duplicate.person, self.save)

    def _accept_new(self, role: str) -> None:
        self.accepted_new[role] = self._person_details(role)
        self._panel(role).setVisible(False)
        self._status(role).setText(f"New {role}: will be created when saved.")
        self.save()

    def _person_details(self, role: str) -> tuple[str, ...]:
        names = _VICTIM_KEY if role == "victim" else _PERPETRATOR_KEY
        return tuple(self.fields[name].text().strip().casefold() for name in
                     (*names, "postcode"))

    def _person_edited(self, name: str) -> None:
        role = "victim" if name.startswith("victim_") else "perpetrator"
        if self.existing[role] is not None:
            self.existing[role] = None
        typed = any(self.fields[field].text().strip() for field in
                    (_VICTIM_KEY if role == "victim" else _PERPETRATOR_KEY))
        self._status(role).setText(
            f"New {role} unless the details match someone recorded." if typed else "")

    def _status(self, role: str) -> QLabel:
        return self.victim_status if role == "victim" else self.perpetrator_status

    def _panel(self, role: str) -> DuplicatesPanel:
        return self.victim_duplicates if role == "victim" else self.perpetrator_duplicates

    def use_address(self, match: AddressMatch) -> None:
        for name, value in (("address_line1", match.line1), ("address_line2", match.line2),
                            ("town", match.town), ("postcode", match.postcode),
                            ("uprn", match.uprn), ("ward", match.ward)):
            self.fields[name].set_text(value or "")
        self.address_status.setText(f"Known address: {match.label}")

    # Loading ------------------------------------------------------------------------------

    def _load(self, incident_id: int) -> None:
        self.setEnabled(False)
        user = self.context.user

        def loaded(data: IncidentInput) -> None:
            has_victim = bool(data.victim_surname or data.victim_ref)
            has_perpetrator = bool(data.perpetrator_dob)
            self.set_input(data)
            self.setWindowTitle(f"Edit incident {data.reference}")
            if has_victim:
                self.victim_status.setText("Recorded victim (editing the details links "
                                           "another person).")
            if has_perpetrator:
                self.perpetrator_status.setText("Recorded perpetrator.")
            self.saved_values = self.values()
            self.setEnabled(True)
            self.fields["crime_type"].widget.setFocus()

        # A restricted record opened without a reason: the form closes, nothing shown.
        open_with_reason(self.context, self, lambda: incidents.open_incident(user, incident_id),
                         loaded, on_cancel=self.reject)

    def _load_wards(self) -> None:
        user = self.context.user

        def work(_progress: ProgressCallback) -> list[str]:
            return [ward.name for ward in lookups.ward_choices(user)]

        def loaded(names: list[str]) -> None:
            combo = self.fields["ward"].widget
            assert isinstance(combo, QComboBox)
            typed = combo.currentText()
            dirty = self.is_dirty()
            for name in names:
                combo.addItem(name, name)
            self.fields["ward"].set_text(typed)
            if not dirty:
                self.saved_values = self.values()

        self.context.operations.run(work, loaded, parent=self)

    # Saving -------------------------------------------------------------------------------

    def _duplicate_roles(self) -> set[str]:
        """Roles whose person would be new and has not been accepted as new."""
        roles = set()
        for role in ("victim", "perpetrator"):
            if self.existing[role] is None and \
                    self.accepted_new.get(role) != self._person_details(role):
                roles.add(role)
        return roles

    def save(self) -> None:
        if self.saving or not self.isEnabled():
            return
        data = self.current_input()
        check_roles = self._duplicate_roles()
        for field in self.fields.values():
            field.show_error(None)
        self.form_error.setVisible(False)
        user, incident_id = self.context.user, self.incident_id

        def work(_progress: ProgressCallback
                 ) -> Changed[IncidentResult] | dict[str, list[LikelyDuplicate]]:
            # Checked first (a refusal shows on its field), then likely duplicates offered
            # before a new person is made; only then saved.
            found = incidents.likely_duplicates(user, data, frozenset(check_roles),
                                                incident_id=incident_id)
            if found:
                return found
            if incident_id is None:
                return incidents.create_incident(user, data)
            return incidents.update_incident(user, incident_id, data)

        self.saving = True
        self.save_button.setEnabled(False)
        self.context.operations.run(work, self._saved, parent=self,
                                    on_failure=self._save_failed)

    def _saved(self, outcome: IncidentResult | dict[str, list[LikelyDuplicate]]) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(outcome, dict):
            for role, duplicates in outcome.items():
                self._panel(role).show_duplicates(duplicates)
            self.form_error.setText("Not saved yet: check the likely duplicate below.")
            self.form_error.setVisible(True)
            return
        was_edit = self.incident_id is not None
        self.last_result = outcome
        self.incident_id = outcome.id
        self.setWindowTitle(f"Incident {outcome.reference}")
        verdict = "Repeat" if outcome.is_repeat else "Not a repeat"
        saved = "Nothing changed in" if was_edit and not outcome.changed_fields else "Saved"
        # Amber for a repeat and green otherwise, and the words say the same.
        colour = "#b26a00" if outcome.is_repeat else "#2e7d32"
        reason = outcome.explanation.split(": ", 1)[-1]
        self.result_banner.setText(
            f"<b>{saved} {outcome.reference}.</b> <b style='color:{colour}'>{verdict}:</b> "
            f"{html.escape(reason)}")
        self.result_banner.setAccessibleDescription(outcome.explanation)
        self.result_banner.setVisible(True)
        self.another_button.setVisible(True)
        self.saved_values = self.values()

    def _save_failed(self, error: BaseException) -> bool:
        self.saving = False
        self.save_button.setEnabled(True)
        if not isinstance(error, FormInvalid):
            return False
        first: QWidget | None = None
        general = []
        titles = []
        for name, message in error.errors.items():
            field = self.fields.get(name)
            if field is None:
                general.append(message)
                continue
            title = field.accessible
            titles.append(title)
            # The core's reasons name the column ("is required ..."): lead with the field.
            starts_bare = message.split(" ", 1)[0] in ("is", "has")
            field.show_error(f"{title} {message}" if starts_bare
                             else message[:1].upper() + message[1:])
            if first is None:
                first = field.widget
        summary = (f"Not saved: check {', '.join(titles)}." if titles
                   else "The incident was not saved.")
        self.form_error.setText(" ".join([summary, *general]))
        self.form_error.setVisible(True)
        if first is not None:
            first.setFocus()
        return True

    def start_another(self) -> None:
        """Clear the form for the next incident (the saved one stays saved)."""
        self.incident_id = None
        self.last_result = None
        for field in self.fields.values():
            field.show_error(None)
            field.set_text("")
        self.existing = {"victim": None, "perpetrator": None}
        self.accepted_new.clear()
        for label in (self.victim_status, self.perpetrator_status, self.address_status):
            label.clear()
        self.result_banner.setVisible(False)
        self.another_button.setVisible(False)
        self.form_error.setVisible(False)
        self.setWindowTitle("New incident")
        self._crime_type_changed()
        self.saved_values = self.values()
        self.fields["crime_type"].widget.setFocus()

    # Closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        if self.is_dirty() and not self.confirm_discard(self):
            return
        super().reject()


def open_incident_form(context: AppContext, parent: QWidget,
                       incident_id: int | None = None, *,
                       victim_id: int | None = None) -> IncidentForm:
    """Open the form without blocking: the officer can keep other screens in view.
    ``victim_id`` starts a new incident with that person as the victim."""
    form = IncidentForm(context, parent, incident_id)
    form.setWindowModality(Qt.WindowModality.NonModal)
    form.show()
    form.activateWindow()
    if victim_id is not None and incident_id is None:
        user = context.user
        open_with_reason(context, form, lambda: lookups.person_for_form(user, victim_id),
                         lambda match: form.use_person("victim", match))
    return form
