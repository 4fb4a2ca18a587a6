"""The pages of one MARAC case, shared by the meeting pack and the case summary."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from scs_victims.marac.case_sheet import CaseSheet, PersonLine
from scs_victims.marac.cases import OutstandingAction
from scs_victims.marac.dash import CURRENT_VERSION, available_versions, load_questions
from scs_victims.marac.sight import RESTRICTED_LABEL
from scs_victims.marac.vocabulary import AGENCY_LABELS
from scs_victims.pdf.base import RULE, Renderer, escape_text, uk_date

ACTION_STATUS_LABELS = {
    "open": "Open",
    "done": "Done",
    "not_possible": "Not possible: circumstances changed",
    "agency_did_not_act": "Agency did not act",
}
_NOT_RECORDED = "Not recorded"


def long_date(day: date) -> str:
    """``Tuesday 14 May 2025``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def yes_no(value: bool | None) -> str:
    return _NOT_RECORDED if value is None else ("Yes" if value else "No")


def born(day: date | None, age: int | None) -> str:
    if day is None:
        return _NOT_RECORDED
    return f"{uk_date(day)} (age {age})" if age is not None else uk_date(day)


def dash_set_label(version: str | None) -> str:
    """A referral's DASH question set in words (None: the default set)."""
    if version is not None and version not in available_versions():
        return version  # recorded by a version of the application that shipped it
    questions = load_questions(version or CURRENT_VERSION)
    text = f"{questions.title} (version {questions.version})"
    return text if version else f"Default: {text}"


def _born(person: PersonLine) -> str:
    return RESTRICTED_LABEL if person.restricted else born(person.date_of_birth, person.age)


class MaracRenderer(Renderer):
    """A MARAC document: the case pages and tables they share."""

    def none_line(self, text: str) -> Flowable:
        return self.para(text, "SmallMuted")

    def action_grid(self, rows: int = 6) -> Flowable:
        """Empty rows to write the actions agreed at the meeting in."""
        return self.table([[""] * 4 for _ in range(rows)], [0.52, 0.18, 0.18, 0.12],
                          head=["Action", "Agency", "Owner", "Due by"], banded=False,
                          row_heights=[10 * mm] * rows,
                          extra=[("GRID", (0, 0), (-1, -1), 0.5, RULE)])

    def outstanding_table(self, actions: Sequence[OutstandingAction], *,
                          with_case: bool) -> Flowable:
        """Open actions; an overdue one says so under its due date, in words."""
        head = ["Meeting", *(["Case"] if with_case else []), "Agency", "Owner", "Action",
                "Due"]
        widths = ([0.12, 0.14, 0.14, 0.15, 0.33, 0.12] if with_case
                  else [0.12, 0.15, 0.17, 0.44, 0.12])
        rows = []
        for action in actions:
            due = escape_text(uk_date(action.due_on) or "No date")
            if action.overdue:
                due += "<br/><b>OVERDUE</b>"
            rows.append([uk_date(action.meeting_date),
                         *([action.referral_reference] if with_case else []),
                         AGENCY_LABELS.get(action.agency, action.agency), action.owner or "",
                         action.what, self.markup(due, "Cell")])
        return self.table(rows, widths, head=head)

    def case_section(self, sheet: CaseSheet, *, number: int | None = None,
                     section: str | None = None, meeting_date: date | None = None
                     ) -> list[Flowable]:
        """Everything the meeting needs on one case; ``number``: its place on the agenda."""
        title = escape_text(sheet.victim.name)
        if number is not None:
            title = f"{number}. {title}"
        status = "<b>REPEAT</b>" if sheet.repeat_of is not None else "New"
        line = [f"Reference {escape_text(sheet.reference)}",
                f"referred {uk_date(sheet.referral_date)}", status]
        if section is not None:
            line.insert(0, escape_text(section))
        story: list[Flowable] = [
            self.markup(title, "Heading1"),
            self.markup(" \u00b7 ".join(line), "SmallMuted"),
            Spacer(0, 4 * mm),
            self.markup("Victim", "Heading2"),
            self._victim(sheet),
            self.markup("Perpetrator" + ("s" if len(sheet.perpetrators) > 1 else ""),
                        "Heading2"),
            self._perpetrators(sheet),
            self.markup("Referral and criteria", "Heading2"),
            *self._referral(sheet),
            self.markup("DASH risk checklist", "Heading2"),
            *self._dash(sheet),
            self.markup(f"Incidents in the 12 months to {uk_date(sheet.on)}", "Heading2"),
            self._incidents(sheet),
            self.markup("Earlier MARAC referrals", "Heading2"),
            self._earlier(sheet),
            self.markup("Outstanding actions", "Heading2"),
            (self.outstanding_table(sheet.outstanding, with_case=True) if sheet.outstanding
             else self.none_line("No open actions from earlier meetings.")),
        ]
        if meeting_date is not None:
            story.append(self._at_the_meeting(sheet, title, meeting_date))
        return story

    def _at_the_meeting(self, sheet: CaseSheet, title: str, meeting_date: date) -> Flowable:
        """Space to write in, kept together and named, since it often starts a page."""
        notes = self.table([[""]], [1.0], banded=False, row_heights=[48 * mm],
                           extra=[("BOX", (0, 0), (-1, -1), 0.5, RULE)])
        return KeepTogether([
            self.markup(f"At the meeting on {uk_date(meeting_date)}", "Heading2"),
            self.markup(f"{title} \u00b7 {escape_text(sheet.reference)}", "SmallMuted"),
            Spacer(0, 2 * mm),
            self.markup("Information shared", "Heading3"),
            notes,
            self.markup("Actions agreed", "Heading3"),
            self.action_grid(7),
        ])

    def _victim(self, sheet: CaseSheet) -> Flowable:
        if sheet.address_withheld:
            address = "Withheld (safe to withhold)"
        else:
            address = sheet.address or _NOT_RECORDED
        children = (f"{sheet.children_count}" if sheet.children_count else "None")
        details = [f"aged {age}" if age is not None else "age not recorded"
                   for age, _ in sheet.children]
        details = [f"{text}, {school}" if school else text
                   for text, (_, school) in zip(details, sheet.children, strict=True)]
        if details:
            children += ": " + "; ".join(details)
        return self.facts([
            ("Name", sheet.victim.name),
            ("Date of birth", _born(sheet.victim)),
            ("Gender", (sheet.gender or "").capitalize() or _NOT_RECORDED),
            ("Ethnicity", sheet.ethnicity or "Not stated"),
            ("Address", address),
            ("Children in the household", children),
            ("Consent to refer", yes_no(sheet.consent)),
            ("IDVA", sheet.idva or "None allocated"),
        ])

    def _perpetrators(self, sheet: CaseSheet) -> Flowable:
        relationship = (sheet.relationship or _NOT_RECORDED).capitalize()
        rows = [[person.name, _born(person), relationship]
                for person in sheet.perpetrators]
        return self.table(rows, [0.4, 0.3, 0.3],
                          head=["Name", "Date of birth", "Relationship to the victim"])

    def _referral(self, sheet: CaseSheet) -> list[Flowable]:
        if sheet.dash_score is None:
            risk = "No DASH score recorded"
        else:
            risk = f"DASH score {sheet.dash_score}; the threshold is {sheet.threshold}"
        repeat = "No earlier referral of this case within 12 months"
        if sheet.repeat_of is not None:
            repeat = (f"Repeat of {sheet.repeat_of[0]}, referred "
                      f"{uk_date(sheet.repeat_of[1])}")
        criteria = self.table(
            [["Visible high risk", yes_no(sheet.high_risk), risk],
             ["Professional judgement", yes_no(sheet.professional_judgement),
              sheet.judgement_reason or ""],
             ["Potential escalation", yes_no(sheet.potential_escalation),
              "From the incident store when the referral was recorded"],
             ["Repeat referral", yes_no(sheet.repeat_of is not None), repeat]],
            [0.26, 0.08, 0.66], head=["Criterion", "Met", "Detail"])
        return [
            self.facts([
                ("Referred by", ", ".join(sheet.agencies) or _NOT_RECORDED),
                ("Referrer", sheet.referrer or _NOT_RECORDED),
                ("Incident date", uk_date(sheet.incident_date) if sheet.incident_date
                 else "Not recorded (the referral date is used)"),
                ("DASH question set", dash_set_label(sheet.dash_version)),
                ("Police reference", sheet.police_reference or "None"),
                ("Reason and notes", sheet.notes or "None recorded"),
            ]),
            Spacer(0, 2 * mm),
            criteria,
        ]

    def _dash(self, sheet: CaseSheet) -> list[Flowable]:
        dash = sheet.dash
        if dash is None:
            return [self.none_line("No DASH checklist has been recorded for this referral.")]
        summary = (f"<b>Score {dash.score}</b> of 24 (threshold {dash.threshold}), "
                   f"assessed {uk_date(dash.assessed_on)}. {len(dash.yes_answers)} Yes, "
                   f"{dash.dont_know} Don't know. Checklist version "
                   f"{escape_text(dash.version)}.")
        story: list[Flowable] = [self.markup(summary, "Body")]
        if dash.yes_answers:
            story.append(self.table(
                [[str(answer.number), answer.text, answer.source or "Victim"]
                 for answer in dash.yes_answers],
                [0.06, 0.74, 0.2], head=["No.", "Answered Yes", "Source"]))
        return story

    def _incidents(self, sheet: CaseSheet) -> Flowable:
        if not sheet.incidents:
            return self.none_line("No incidents recorded in these 12 months.")
        rows = [[uk_date(entry.occurred_on), entry.crime_type.value.upper()
                 if entry.crime_type.value != "burglary" else "Burglary",
                 entry.reference, entry.role.capitalize(), entry.summary,
                 self.markup("<b>Repeat</b><br/>"
                             + escape_text(entry.reason.removeprefix("Repeat: ")), "Cell")
                 if entry.is_repeat else "No"]
                for entry in sheet.incidents]
        return self.table(rows, [0.12, 0.09, 0.13, 0.11, 0.32, 0.23],
                          head=["Date", "Type", "Reference", "Role", "What happened",
                                "Repeat"])

    def _earlier(self, sheet: CaseSheet) -> Flowable:
        if not sheet.earlier:
            return self.none_line("None: this is the victim's first MARAC referral.")
        rows = [[uk_date(item.referral_date), item.reference, item.perpetrators,
                 "Yes" if item.same_case else "No (another perpetrator)",
                 ", ".join(uk_date(day) for day in item.meetings) or "Not heard"]
                for item in sheet.earlier]
        return self.table(rows, [0.12, 0.16, 0.3, 0.2, 0.22],
                          head=["Referred", "Reference", "Perpetrator(s)", "Same case",
                                "Heard at"])
