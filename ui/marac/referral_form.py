"""The new MARAC referral form: who referred, the victim and perpetrator(s) from People (or
typed), children, consent and safe contact, and the criteria. After saving it says whether the
referral is a repeat (and of which referral) and whether the incident store shows potential
escalation. The core checks everything; each refusal shows under its field."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from scs_victims.actions.marac_cases import ReferralDraft, submit_referral, suggest_reference
from scs_victims.importing.incident_rows import RELATIONSHIPS
from scs_victims.marac.cases import ChildInput, NewPerson
from scs_victims.marac.dash import CURRENT_VERSION, available_versions, load_questions
from scs_victims.marac.queries import CRITERIA_LABELS, ReferralRow
from scs_victims.marac.vocabulary import AGENCY_LABELS, ETHNIC_GROUPS
from scs_victims.services.incidents import FormInvalid
from scs_victims.services.lookups import PersonMatch
from ui.context import AppContext
from ui.incidents.dialogs import error_label
from ui.incidents.pickers import person_label, person_picker, search_edit
from ui.marac.common import (
    Checked,
    ErrorLine,
    StatusLine,
    date_edit,
    labelled,
    read_date,
    tri_state,
    tri_value,
)
from ui.widgets import two_column_body

GENDERS = (("", None), ("Female", "female"), ("Male", "male"), ("Other", "other"),
           ("Unknown", "unknown"))


def _ethnicities() -> list[tuple[str, str | None]]:
    items: list[tuple[str, str | None]] = [("Not stated", None)]
    for group, categories in ETHNIC_GROUPS.items():
        items.extend((f"{group}: {category}", f"{group}: {category}") for category in categories)
    return items


def dash_sets() -> list[tuple[str, str | None]]:
    """The DASH question sets the application ships, the default first (its data None)."""
    default = load_questions(CURRENT_VERSION)
    items: list[tuple[str, str | None]] = [(f"Default: {default.title}", None)]
    for version in available_versions():
        questions = load_questions(version)
        items.append((f"{questions.title} ({version})", version))
    return items


def parse_children(text: str) -> tuple[list[ChildInput], str | None]:
    """One child per line, "age, school" (either may be left out)."""
    children = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        age_text, _, school = line.partition(",")
        age: int | None = None
        if age_text.strip():
            if not age_text.strip().isdigit():
                return [], (f"Line {number}: start with the child's age in years, then a comma "
                            "and the school.")
            age = int(age_text)
        children.append(ChildInput(age=age, school=school.strip() or None))
    return children, None


class PersonBox(QGroupBox):
    """A victim or a perpetrator: picked from People, or typed as a new person."""

    def __init__(self, context: AppContext, role: str, title: str) -> None:
        super().__init__(title)
        self.role = role
        self.existing: PersonMatch | None = None
        self.search = search_edit("Name or person reference", f"Find an existing {role}")
        self.picker = person_picker(context, self.search)
        self.picker.chosen.connect(self.use_person)
        self.status = StatusLine()
        self.forename = self._line("Forename")
        self.surname = self._line("Surname")
        self.dob = date_edit(f"{role.capitalize()} date of birth")
        self.reference = self._line("Person reference")
        form = QFormLayout(self)
        self.form = form
        find = QLabel("Find victi&m:" if role == "victim" else f"Find {role}:")
        find.setBuddy(self.search)
        form.addRow(find, self.search)
        form.addRow(self.status)
        form.addRow("Forename:", self.forename)
        form.addRow("Surname:", self.surname)
        form.addRow("Date of birth:", self.dob)
        form.addRow("Reference:", self.reference)
        for edit in (self.forename, self.surname, self.dob, self.reference):
            edit.textEdited.connect(self._typed)

    def _line(self, title: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(f"{self.role.capitalize()} {title.lower()}")
        return edit

    def use_person(self, match: PersonMatch) -> None:
        self.existing = match
        self.forename.setText(match.forename or "")
        self.surname.setText(match.surname or "")
        self.dob.setText("" if match.date_of_birth is None
                         else match.date_of_birth.strftime("%d/%m/%Y"))
        self.reference.setText(match.reference or "")
        self.status.setText(f"Existing person: {person_label(match)}")

    def _typed(self) -> None:
        self.existing = None
        typed = any(edit.text().strip() for edit in (self.forename, self.surname, self.reference))
        self.status.setText(f"New {self.role} unless the details match someone in People."
                            if typed else "")

    def has_details(self) -> bool:
        return self.existing is not None or any(
            edit.text().strip() for edit in (self.forename, self.surname, self.dob,
                                             self.reference))

    def new_person(self) -> tuple[NewPerson | None, str | None]:
        born, problem = read_date(self.dob.text(), required=False)
        if problem:
            return None, problem
        return NewPerson(forename=self.forename.text().strip() or None,
                         surname=self.surname.text().strip() or None, date_of_birth=born,
                         reference=self.reference.text().strip() or None), None

    def clear(self) -> None:
        self.existing = None
        for edit in (self.forename, self.surname, self.dob, self.reference, self.search):
            edit.clear()
        self.status.clear()


# A perpetrator as listed on the form: a person picked, or typed details.
Perpetrator = tuple[str, PersonMatch | NewPerson]


class ReferralForm(QDialog):
    saved = Signal(object)  # the ReferralRow of the referral just saved
    dash_requested = Signal(int)  # referral id: show its DASH checklist

    def __init__(self, context: AppContext, parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.context = context
        self.today = today
        self.perpetrators: list[Perpetrator] = []
        self.last_saved: ReferralRow | None = None
        self.saving = False
        self.setWindowTitle("New MARAC referral")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._build()
        self._suggest_reference()

    # Building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = QLabel()
        self.banner.setObjectName("resultBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setAccessibleName("Saved referral, repeat and escalation")
        self.banner.setVisible(False)
        self.form_error = error_label()

        self.reference = QLineEdit()
        self.reference.setAccessibleName("Referral reference")
        self.referral_date = date_edit("Referral date", self.today())
        self.incident_date = date_edit("Incident date (blank: the referral date)")
        self.incident_date.setToolTip("The date of the incident that prompted the referral, "
                                      "on or before the referral date")
        self.dash_version = QComboBox()
        self.dash_version.setAccessibleName("DASH question set")
        for text, version in dash_sets():
            self.dash_version.addItem(text, version)
        self.referrer = QLineEdit()
        self.referrer.setAccessibleName("Referrer (name and contact)")
        self.agencies = QListWidget()
        self.agencies.setAccessibleName("Referring agencies")
        for code, label in AGENCY_LABELS.items():
            item = QListWidgetItem(label, self.agencies)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        # All 14 sources in view: ticking them should not need scrolling.
        self.agencies.setFixedHeight(self.agencies.sizeHintForRow(0) * len(AGENCY_LABELS) + 6)
        self.checked: dict[str, ErrorLine] = {
            "reference": Checked(self.reference),
            "referral_date": Checked(self.referral_date),
            "agencies": Checked(self.agencies),
            "incident_date": Checked(self.incident_date),
            "dash_version": Checked(self.dash_version),
        }
        referral_box = QGroupBox("Referral")
        referral_form = QFormLayout(referral_box)
        self._row(referral_form, "&Reference:", "reference")
        self._row(referral_form, "Referral &date:", "referral_date")
        self._row(referral_form, "Incident date:", "incident_date")
        referrer_label = QLabel("Re&ferrer:")
        referrer_label.setBuddy(self.referrer)
        referral_form.addRow(referrer_label, self.referrer)
        self._row(referral_form, "Referring &agency\n(tick one or more):", "agencies")
        self._row(referral_form, "DASH &question set:", "dash_version")

        # Victim, with the details the SafeLives return counts.
        self.victim = PersonBox(self.context, "victim", "Victim")
        self.checked["victim_id"] = ErrorLine(self.victim.search)
        self.gender = QComboBox()
        self.gender.setAccessibleName("Victim gender")
        for text, value in GENDERS:
            self.gender.addItem(text, value)
        self.ethnicity = QComboBox()
        self.ethnicity.setAccessibleName("Victim ethnicity")
        for text, value in _ethnicities():
            self.ethnicity.addItem(text, value)
        self.lgbt = tri_state("Victim is LGBT+")
        self.disabled = tri_state("Victim is disabled")
        victim_form = self.victim.form
        victim_form.insertRow(2, self.checked["victim_id"].error)
        labelled(victim_form, "&Gender:", self.gender)
        labelled(victim_form, "E&thnicity:", self.ethnicity)
        labelled(victim_form, "&LGBT+:", self.lgbt)
        labelled(victim_form, "Disa&bled:", self.disabled)

        # Perpetrators: one or more, each added to the list.
        self.perpetrator = PersonBox(self.context, "perpetrator", "Perpetrator(s)")
        self.perpetrator_list = QListWidget()
        self.perpetrator_list.setAccessibleName("Perpetrators of this referral")
        self.perpetrator_list.setMaximumHeight(self.perpetrator_list.fontMetrics().height() * 4)
        self.add_perpetrator_button = QPushButton("Add &perpetrator")
        self.add_perpetrator_button.clicked.connect(self.add_perpetrator)
        self.remove_perpetrator_button = QPushButton("Remo&ve")
        self.remove_perpetrator_button.setAccessibleName("Remove the selected perpetrator")
        self.remove_perpetrator_button.clicked.connect(self.remove_perpetrator)
        self.relationship = QComboBox()
        self.relationship.setAccessibleName("Relationship of the perpetrator to the victim")
        self.relationship.addItem("", None)
        for relationship in RELATIONSHIPS:
            self.relationship.addItem(relationship.capitalize(), relationship)
        self.checked["perpetrators"] = Checked(self.perpetrator_list)
        self.checked["relationship"] = Checked(self.relationship)
        perpetrator_form = self.perpetrator.form
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_perpetrator_button)
        buttons.addWidget(self.remove_perpetrator_button)
        buttons.addStretch(1)
        perpetrator_form.addRow(buttons)
        labelled(perpetrator_form, "Listed:", self.perpetrator_list,
                 self._container("perpetrators"))
        labelled(perpetrator_form, "Relations&hip:", self.relationship,
                 self._container("relationship"))

        # Household, consent, criteria and the rest.
        self.children_count = QSpinBox()
        self.children_count.setRange(0, 99)
        self.children_count.setAccessibleName("Number of children in the household")
        self.children_text = QPlainTextEdit()
        self.children_text.setAccessibleName("Children, one per line: age, school (optional)")
        self.children_text.setPlaceholderText("Optional, one per line: age, school")
        self.children_text.setTabChangesFocus(True)
        self.children_text.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        self.checked["children_count"] = Checked(self.children_count)
        self.checked["children"] = Checked(self.children_text)
        self.consent = tri_state("Victim consents to the referral")
        self.safe_to_call = tri_state("Safe to call the victim")
        self.safe_contact = QLineEdit()
        self.safe_contact.setAccessibleName("Safe number and safe times to call")
        self.safe_contact.setPlaceholderText("Safe number, safe times")
        self.withhold_address = QCheckBox("&Withhold the victim's address from printed packs")
        self.judgement = QCheckBox("Referred on professional &judgement")
        self.judgement_reason = QPlainTextEdit()
        self.judgement_reason.setAccessibleName("Reason for the professional judgement")
        self.judgement_reason.setPlaceholderText("The concerns behind the professional judgement")
        self.judgement_reason.setTabChangesFocus(True)
        self.judgement_reason.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        self.checked["judgement_reason"] = Checked(self.judgement_reason)
        self.idva = QLineEdit()
        self.idva.setAccessibleName("IDVA")
        self.police_reference = QLineEdit()
        self.police_reference.setAccessibleName("Police reference")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        criteria_note = QLabel("Visible high risk comes from the DASH checklist (record it after "
                               "saving); repeat and potential escalation are worked out by the "
                               "application.")
        criteria_note.setWordWrap(True)
        other_box = QGroupBox("Household, consent and criteria")
        other = QFormLayout(other_box)
        self._row(other, "&Children:", "children_count")
        self._row(other, "Ages, schools:", "children")
        labelled(other, "Conse&nt:", self.consent)
        labelled(other, "Safe to call:", self.safe_to_call)
        labelled(other, "Safe contact:", self.safe_contact)
        other.addRow(self.withhold_address)
        other.addRow(criteria_note)
        other.addRow(self.judgement)
        self._row(other, "Reason:", "judgement_reason")
        labelled(other, "&IDVA:", self.idva)
        labelled(other, "Police referenc&e:", self.police_reference)
        labelled(other, "N&otes:", self.notes)

        left = QVBoxLayout()
        left.addWidget(referral_box)
        left.addWidget(self.victim)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.perpetrator)
        right.addWidget(other_box)
        right.addStretch(1)
        scroll = two_column_body(left, right)

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save the referral (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.dash_button = QPushButton("Record DASH chec&klist...")
        self.dash_button.setToolTip("Fill in the DASH checklist of the referral just saved")
        self.dash_button.clicked.connect(self._ask_dash)
        self.another_button = QPushButton("Ne&xt referral")
        self.another_button.clicked.connect(self.start_another)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.dash_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.another_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.dash_button.setVisible(False)
        self.another_button.setVisible(False)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.form_error)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        chain: list[QWidget] = [
            self.reference, self.referral_date, self.incident_date, self.referrer,
            self.agencies, self.dash_version,
            self.victim.search, self.victim.forename, self.victim.surname, self.victim.dob,
            self.victim.reference, self.gender, self.ethnicity, self.lgbt, self.disabled,
            self.perpetrator.search, self.perpetrator.forename, self.perpetrator.surname,
            self.perpetrator.dob, self.perpetrator.reference, self.add_perpetrator_button,
            self.remove_perpetrator_button, self.perpetrator_list, self.relationship,
            self.children_count, self.children_text, self.consent, self.safe_to_call,
            self.safe_contact, self.withhold_address, self.judgement, self.judgement_reason,
            self.idva, self.police_reference, self.notes, self.save_button, close]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.resize(1000, 760)

    def _container(self, name: str) -> QWidget:
        checked = self.checked[name]
        assert isinstance(checked, Checked)
        return checked.container

    def _row(self, form: QFormLayout, title: str, name: str) -> None:
        labelled(form, title, self.checked[name].widget, self._container(name))

    def _suggest_reference(self) -> None:
        user, on = self.context.user, self.today()

        def show(reference: str) -> None:
            if not self.reference.text():
                self.reference.setText(reference)

        self.context.operations.run(lambda _progress: suggest_reference(user, on), show,
                                    parent=self)

    # Perpetrators -------------------------------------------------------------------------

    def _current_perpetrator(self) -> tuple[Perpetrator | None, str | None]:
        box = self.perpetrator
        if box.existing is not None:
            return (person_label(box.existing), box.existing), None
        person, problem = box.new_person()
        if problem or person is None:
            return None, problem
        if not person.surname:
            return None, "Give at least the perpetrator's surname, or find them in People."
        name = " ".join(part for part in (person.forename, person.surname) if part)
        return (f"{name} (new)", person), None

    def add_perpetrator(self) -> bool:
        perpetrator, problem = self._current_perpetrator()
        self.checked["perpetrators"].show_error(problem)
        if perpetrator is None:
            return False
        self.perpetrators.append(perpetrator)
        self.perpetrator_list.addItem(perpetrator[0])
        self.perpetrator.clear()
        self.perpetrator.search.setFocus()
        return True

    def remove_perpetrator(self) -> None:
        row = self.perpetrator_list.currentRow()
        if 0 <= row < len(self.perpetrators):
            del self.perpetrators[row]
            self.perpetrator_list.takeItem(row)

    # Saving -------------------------------------------------------------------------------

    def checked_agencies(self) -> list[str]:
        return [str(item.data(Qt.ItemDataRole.UserRole))
                for item in (self.agencies.item(row) for row in range(self.agencies.count()))
                if item.checkState() == Qt.CheckState.Checked]

    def set_agencies(self, codes: list[str]) -> None:
        for row in range(self.agencies.count()):
            item = self.agencies.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in codes else Qt.CheckState.Unchecked)

    def _local_problems(self) -> tuple[dict[str, str], dict[str, Any]]:
        """What the form itself can tell is wrong (dates, children lines), and the values."""
        problems: dict[str, str] = {}
        values: dict[str, Any] = {}
        values["referral_date"], problem = read_date(self.referral_date.text(), required=True)
        if problem:
            problems["referral_date"] = problem
        values["incident_date"], problem = read_date(self.incident_date.text(), required=False)
        if problem:
            problems["incident_date"] = problem
        values["children"], problem = parse_children(self.children_text.toPlainText())
        if problem:
            problems["children"] = problem
        victim, problem = (None, None) if self.victim.existing else self.victim.new_person()
        if problem:
            problems["victim_id"] = f"Date of birth: {problem}"
        values["victim"] = self.victim.existing or victim
        if self.perpetrator.has_details() and not self.add_perpetrator():
            problems["perpetrators"] = self.checked["perpetrators"].error.text()
        return problems, values

    def save(self) -> None:
        if self.saving:
            return
        for checked in self.checked.values():
            checked.show_error(None)
        self.form_error.setVisible(False)
        problems, values = self._local_problems()
        if problems:
            self._show_problems(FormInvalid(problems))
            return
        victim = values["victim"]
        perpetrators = [person for _label, person in self.perpetrators]
        fields = {
            "reference": self.reference.text(), "referral_date": values["referral_date"],
            "agencies": self.checked_agencies(), "referrer": self.referrer.text().strip() or None,
            "relationship": self.relationship.currentData(),
            "children_count": self.children_count.value(), "children": values["children"],
            "consent": tri_value(self.consent), "safe_to_call": tri_value(self.safe_to_call),
            "safe_contact": self.safe_contact.text().strip() or None,
            "withhold_address": self.withhold_address.isChecked(),
            "professional_judgement": self.judgement.isChecked(),
            "judgement_reason": self.judgement_reason.toPlainText().strip() or None,
            "idva": self.idva.text().strip() or None,
            "police_reference": self.police_reference.text().strip() or None,
            "notes": self.notes.toPlainText().strip() or None,
            "victim_gender": self.gender.currentData(),
            "victim_ethnicity": self.ethnicity.currentData(),
            "victim_lgbt": tri_value(self.lgbt), "victim_disabled": tri_value(self.disabled),
            "incident_date": values["incident_date"],
            "dash_version": self.dash_version.currentData(),
        }
        user, today = self.context.user, self.today()
        # Without a victim the core is still asked, so every refusal shows at once.
        draft = ReferralDraft(victim=None if victim is None else _chosen(victim),
                              perpetrators=[_chosen(person) for person in perpetrators],
                              fields=fields)
        self.saving = True
        self.save_button.setEnabled(False)
        self.context.operations.run(lambda _progress: submit_referral(user, draft, today),
                                    self._saved, parent=self, on_failure=self._save_failed)

    def _saved(self, row: ReferralRow) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.last_saved = row
        repeat = (f"<b>Repeat</b> of referral {html.escape(row.repeat_of)} (same victim and "
                  "perpetrator within 12 months)." if row.repeat_of else
                  "<b>Not a repeat</b> (no referral of this case in the last 12 months).")
        escalation = ("<b>Potential escalation</b>: the incident store shows escalating domestic "
                      "abuse against this victim." if row.potential_escalation
                      else "No potential escalation in the incident store.")
        criteria = ", ".join(CRITERIA_LABELS[name] for name in row.criteria)
        met = (f"Criteria met: {criteria}." if criteria else
               "No criterion is met yet: record the DASH checklist, or professional judgement.")
        self.banner.setText(f"<b>Saved {html.escape(row.reference)}</b> for "
                            f"{html.escape(row.victim_name)}. {repeat} {escalation} {met}")
        self.banner.setVisible(True)
        self.setWindowTitle(f"MARAC referral {row.reference}")
        self.save_button.setEnabled(False)
        self.dash_button.setVisible(True)
        self.another_button.setVisible(True)
        self.saved.emit(row)

    def _save_failed(self, error: BaseException) -> bool:
        self.saving = False
        self.save_button.setEnabled(True)
        if not isinstance(error, FormInvalid):
            return False
        self._show_problems(error)
        return True

    def _show_problems(self, error: FormInvalid) -> None:
        first: QWidget | None = None
        general = []
        for name, message in error.errors.items():
            checked = self.checked.get(name)
            if checked is None:
                general.append(message)
                continue
            checked.show_error(message)
            first = first or checked.widget
        self.form_error.setText(" ".join(["Not saved: correct the fields marked.", *general]))
        self.form_error.setVisible(True)
        if first is not None:
            first.setFocus()

    def _ask_dash(self) -> None:
        if self.last_saved is not None:
            self.dash_requested.emit(self.last_saved.id)

    def start_another(self) -> None:
        """Clear the form for the next referral (the saved one stays saved)."""
        self.last_saved = None
        self.victim.clear()
        self.perpetrator.clear()
        self.perpetrators.clear()
        self.perpetrator_list.clear()
        for edit in (self.reference, self.referrer, self.safe_contact, self.idva,
                     self.police_reference, self.incident_date):
            edit.clear()
        for text in (self.children_text, self.judgement_reason, self.notes):
            text.clear()
        for combo in (self.gender, self.ethnicity, self.lgbt, self.disabled, self.relationship,
                      self.consent, self.safe_to_call, self.dash_version):
            combo.setCurrentIndex(0)
        self.children_count.setValue(0)
        self.withhold_address.setChecked(False)
        self.judgement.setChecked(False)
        self.set_agencies([])
        self.referral_date.setText(self.today().strftime("%d/%m/%Y"))
        self.banner.setVisible(False)
        self.dash_button.setVisible(False)
        self.another_button.setVisible(False)
        self.save_button.setEnabled(True)
        self.setWindowTitle("New MARAC referral")
        self._suggest_reference()
        self.reference.setFocus()


def _chosen(person: PersonMatch | NewPerson) -> int | NewPerson:
    """A person picked from People (their id), or the details typed."""
    return person.id if isinstance(person, PersonMatch) else person


def open_referral_form(context: AppContext, parent: QWidget,
                       today: Callable[[], date] = date.today) -> ReferralForm:
    """Open the form without blocking, so the coordinator can keep other screens in view."""
    form = ReferralForm(context, parent, today)
    form.setWindowModality(Qt.WindowModality.NonModal)
    form.show()
    form.activateWindow()
    return form
