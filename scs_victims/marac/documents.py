"""The printed MARAC documents: meeting pack, research list, case summary, actions tracker.

Each public function reads what it needs in the caller's session and returns PDF bytes; the
page furniture of definitions §7 (marking top and bottom, produced at, "Page x of y") comes
from ``scs_victims.pdf.base.Renderer``.

- The **meeting pack**: a cover, the confidentiality statement with the signature sheet
  (attendance by agency, apologies), the agenda (``scs_victims.marac.agenda``), then one
  section per case on the meeting's list, in agenda order, each on a new page.
- The **research list** goes to the agencies before the meeting: the names, dates of birth
  and addresses of the victims and perpetrators on the list, and nothing else.
  CHOICE: no perpetrator address is printed (the referral holds none).
- The **case summary**: one referral's case pages as of the print date, and every action
  recorded on it.
- The **actions tracker**: after the meeting, the actions agreed on each case with their
  status, and the actions still open from earlier meetings (landscape).

Each takes the reader's ``Sight`` (``scs_victims.marac.sight``): a restricted case the reader
may not see prints ``Restricted record`` for its people's names, dates of birth and address.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.errors import NotFound
from scs_victims.marac.agenda import (
    ADULTS_ONLY,
    TWELVE_MONTHS,
    WITH_CHILDREN,
    Agenda,
    AgendaCase,
    build_agenda,
)
from scs_victims.marac.case_pages import (
    ACTION_STATUS_LABELS,
    MaracRenderer,
    long_date,
)
from scs_victims.marac.case_sheet import CaseSheet, case_sheet
from scs_victims.marac.cases import outstanding_actions
from scs_victims.marac.queries import attendance
from scs_victims.marac.sight import FULL_SIGHT, RESTRICTED_LABEL, Sight
from scs_victims.marac.vocabulary import AGENCY_LABELS
from scs_victims.pdf.base import escape_text, uk_date
from scs_victims.services.people_directory import display_name
from scs_victims.settings import AreaSettings, load_area, load_rules
from scs_victims.storage.models import (
    MaracAction,
    MaracMeeting,
    MaracMeetingCase,
    MaracPerpetrator,
    MaracReferral,
    Person,
)

_OBSERVER_ROWS = 4


def marac_name(area: AreaSettings) -> str:
    return f"{area.area_name} MARAC"


def meeting_on_date(session: Session, meeting_date: date) -> int:
    """The id of the meeting held on a date (raises NotFound)."""
    found = session.scalar(select(MaracMeeting.id)
                           .where(MaracMeeting.meeting_date == meeting_date))
    if found is None:
        raise NotFound(f"There is no MARAC meeting on {uk_date(meeting_date)}.")
    return found


# Meeting pack ---------------------------------------------------------------------------


class MeetingPack(MaracRenderer):
    def __init__(self, agenda: Agenda, sheets: dict[int, CaseSheet],
                 attendance: dict[str, tuple[str, str | None]], area: AreaSettings) -> None:
        self.title = (f"{marac_name(area)} \u00b7 meeting pack \u00b7 "
                      f"{uk_date(agenda.meeting.meeting_date)}")
        super().__init__(marking=area.protective_marking, organisation=area.area_name)
        self.agenda, self.sheets, self.attendance = agenda, sheets, attendance
        self.name = marac_name(area)

    def story(self) -> list[Flowable]:
        story = [*self._cover(), PageBreak(), *self._confidentiality(), PageBreak(),
                 *self._agenda()]
        discussed = self.agenda.discussed
        for number, case in enumerate(discussed, start=1):
            story += [PageBreak(), *self.case_section(
                self.sheets[case.referral_id], number=number, section=case.section,
                meeting_date=self.agenda.meeting.meeting_date)]
        return story

    def _cover(self) -> list[Flowable]:
        meeting = self.agenda.meeting
        children = len(self.agenda.section(WITH_CHILDREN))
        adults = len(self.agenda.section(ADULTS_ONLY))
        notified = len(self.agenda.section(TWELVE_MONTHS))
        repeats = sum(1 for case in self.agenda.discussed if case.is_repeat)
        overdue = sum(1 for action in self.agenda.outstanding_actions if action.overdue)
        return [
            Spacer(0, 38 * mm),
            self.para("MULTI-AGENCY RISK ASSESSMENT CONFERENCE", "SmallMuted"),
            Spacer(0, 3 * mm),
            self.para(self.name, "Title"),
            self.para("Meeting pack", "Subtitle"),
            self.facts([
                ("Date", long_date(meeting.meeting_date)),
                ("Venue", meeting.venue or "To be confirmed"),
                ("Chair", meeting.chair or "To be confirmed"),
                ("Cases for discussion", f"{children + adults} ({children} with children, "
                                         f"{adults} adult-only), {repeats} of them repeat"),
                ("12-month notifications", str(notified)),
                ("Outstanding actions", f"{len(self.agenda.outstanding_actions)} "
                                        f"({overdue} overdue)"),
            ], label_width=0.3),
            Spacer(0, 12 * mm),
            self.para("This pack holds personal information about victims of domestic abuse, "
                      "their children and the people who harm them. Keep it secure at all "
                      "times. Do not copy, forward or file it. Hand it back to the "
                      "coordinator, or destroy it securely, at the end of the meeting.",
                      "Notice"),
        ]

    def _confidentiality(self) -> list[Flowable]:
        rows: list[list[object]] = []
        for code, label in AGENCY_LABELS.items():
            status, attendee = self.attendance.get(code, ("", None))
            rows.append([label, attendee or "",
                         {"present": "Present", "apologies": "Apologies"}.get(status, ""),
                         ""])
        rows += [["Observer", "", "", ""] for _ in range(_OBSERVER_ROWS)]
        return [
            self.para("Confidentiality statement", "Heading1"),
            self.para(self.agenda.confidentiality_statement),
            self.para("The Chair reads this statement at the start of the meeting. Everyone "
                      "present signs below; observers too.", "SmallMuted"),
            self.para("Attendance and signatures", "Heading2"),
            self.table(rows, [0.26, 0.3, 0.14, 0.3],
                       head=["Agency", "Name", "Attendance", "Signature"], banded=False,
                       row_heights=[8.6 * mm] * len(rows),
                       extra=[("VALIGN", (0, 1), (-1, -1), "MIDDLE")]),
        ]

    def _agenda(self) -> list[Flowable]:
        outstanding = self.agenda.outstanding_actions
        story: list[Flowable] = [
            self.para("Agenda", "Heading1"),
            self.para("1. Introductions", "Heading2"),
            self.para("2. Confidentiality statement", "Heading2"),
            self.para("The Chair reads the statement; everyone present signs the attendance "
                      "sheet."),
            self.para("3. Outstanding actions from earlier meetings", "Heading2"),
            (self.outstanding_table(outstanding, with_case=True) if outstanding
             else self.none_line("None: every earlier action is closed.")),
        ]
        numbers = {case.referral_id: number
                   for number, case in enumerate(self.agenda.discussed, start=1)}
        for item, label, empty in (
                (4, WITH_CHILDREN, "No cases with children at this meeting."),
                (5, ADULTS_ONLY, "No adult-only cases at this meeting.")):
            cases = self.agenda.section(label)
            story.append(self.para(f"{item}. {label}", "Heading2"))
            story.append(self._case_table(cases, numbers) if cases else self.none_line(empty))
        notified = self.agenda.section(TWELVE_MONTHS)
        story.append(self.para(f"6. Notification: {TWELVE_MONTHS}", "Heading2"))
        if notified:
            story.append(self.para("These cases were last referred 12 months ago: a new "
                                   "incident now makes a new referral, not a repeat. "
                                   "Agencies may close their flags.", "SmallMuted"))
            story.append(self.table(
                [[case.reference, case.victim_name, uk_date(case.referral_date)]
                 for case in notified], [0.25, 0.5, 0.25],
                head=["Reference", "Victim", "Last referral"]))
        else:
            story.append(self.none_line("No case reaches 12 months at this meeting."))
        story.append(self.para("7. Any other business", "Heading2"))
        return story

    def _case_table(self, cases: tuple[AgendaCase, ...], numbers: dict[int, int]) -> Flowable:
        rows = [[str(numbers[case.referral_id]), case.reference, case.victim_name,
                 uk_date(case.referral_date), str(case.children) if case.children else "",
                 self.markup("<b>Repeat</b>", "Cell") if case.is_repeat else "New"]
                for case in cases]
        return self.table(rows, [0.07, 0.2, 0.37, 0.14, 0.1, 0.12],
                          head=["No.", "Reference", "Victim", "Referred", "Children",
                                "Status"])


def render_meeting_pack(session: Session, meeting_id: int, *,
                        sight: Sight = FULL_SIGHT) -> bytes:
    """The meeting pack of a meeting (raises NotFound)."""
    today = date.today()
    agenda = build_agenda(session, meeting_id, today=today, sight=sight)
    meeting_date = agenda.meeting.meeting_date
    actions = outstanding_actions(session, meeting_date, on=today)
    rules = load_rules(session)
    sheets = {case.referral_id: case_sheet(session, case.referral_id, on=meeting_date,
                                           outstanding=actions, rules=rules, sight=sight)
              for case in agenda.discussed}
    return MeetingPack(agenda, sheets, attendance(session, meeting_id),
                       load_area(session)).render()


# Research list --------------------------------------------------------------------------


class ResearchList(MaracRenderer):
    def __init__(self, meeting_date: date, rows: list[list[object]],
                 area: AreaSettings) -> None:
        self.title = f"{marac_name(area)} \u00b7 research list \u00b7 {uk_date(meeting_date)}"
        super().__init__(marking=area.protective_marking, organisation=area.area_name)
        self.meeting_date, self.rows, self.name = meeting_date, rows, marac_name(area)

    def story(self) -> list[Flowable]:
        return [
            self.para(f"{self.name}: research list", "Heading1"),
            self.para(f"For the meeting on {long_date(self.meeting_date)}. Please check "
                      "these people against your agency's records and bring what is "
                      "relevant and proportionate to the meeting. The list holds names, "
                      "dates of birth and addresses only; do not record why these people "
                      "are on it.", "Body"),
            Spacer(0, 3 * mm),
            self.table(self.rows, [0.06, 0.24, 0.14, 0.32, 0.24],
                       head=["No.", "Victim", "Date of birth", "Address",
                             "Perpetrator(s), date of birth"]),
        ]


def render_research_list(session: Session, meeting_id: int, *,
                         sight: Sight = FULL_SIGHT) -> bytes:
    """Names, dates of birth and addresses of the cases on a meeting's list (a restricted
    case hidden from this reader: ``RESTRICTED_LABEL`` in every column)."""
    agenda = build_agenda(session, meeting_id, sight=sight)
    meeting_date = agenda.meeting.meeting_date
    hidden = sight.hidden(session, [case.victim_id for case in agenda.discussed])
    rows: list[list[object]] = []
    for number, case in enumerate(agenda.discussed, start=1):
        if case.victim_id in hidden:
            rows.append([str(number), *[RESTRICTED_LABEL] * 4])
            continue
        referral = session.get(MaracReferral, case.referral_id)
        assert referral is not None
        victim = session.get(Person, case.victim_id)
        assert victim is not None
        address = ("Withheld" if referral.withhold_address
                   else _latest_address(session, case.victim_id) or "Not recorded")
        rows.append([str(number), case.victim_name, uk_date(victim.date_of_birth),
                     address, _perpetrator_lines(session, case.referral_id, sight)])
    return ResearchList(meeting_date, rows, load_area(session)).render()


def _latest_address(session: Session, person_id: int) -> str | None:
    from scs_victims.services.person_timeline import person_profile

    addresses = person_profile(session, person_id).addresses
    return addresses[0].text if addresses else None


def _perpetrator_lines(session: Session, referral_id: int, sight: Sight) -> str:
    rows = session.execute(
        select(MaracPerpetrator.person_id, MaracPerpetrator.forename, MaracPerpetrator.surname,
               Person.forename, Person.surname, Person.date_of_birth)
        .outerjoin(Person, Person.id == MaracPerpetrator.person_id)
        .where(MaracPerpetrator.referral_id == referral_id)
        .order_by(MaracPerpetrator.position)).all()
    hidden = sight.hidden(session, [row[0] for row in rows])
    lines = []
    for person_id, forename, surname, person_forename, person_surname, dob in rows:
        if person_id in hidden:
            lines.append(RESTRICTED_LABEL)
            continue
        name = display_name(person_forename or forename, person_surname or surname)
        lines.append(f"{name}, {uk_date(dob)}" if dob else name)
    return "\n".join(lines)


# Case summary ---------------------------------------------------------------------------


class CaseSummary(MaracRenderer):
    def __init__(self, sheet: CaseSheet, area: AreaSettings) -> None:
        self.title = f"{marac_name(area)} \u00b7 case summary \u00b7 {sheet.reference}"
        super().__init__(marking=area.protective_marking, organisation=area.area_name)
        self.sheet = sheet

    def story(self) -> list[Flowable]:
        story = [self.para("MARAC case summary", "SmallMuted"), *self.case_section(self.sheet)]
        story.append(self.para("Actions recorded on this referral", "Heading2"))
        if not self.sheet.actions:
            story.append(self.none_line("No actions have been recorded on this referral."))
        else:
            story.append(self.table(
                [[uk_date(action.meeting_date), action.agency, action.owner or "",
                  action.what, uk_date(action.due_on),
                  ACTION_STATUS_LABELS.get(action.status, action.status)]
                 for action in self.sheet.actions],
                [0.12, 0.15, 0.14, 0.33, 0.1, 0.16],
                head=["Meeting", "Agency", "Owner", "Action", "Due", "Status"]))
        return story


def render_case_summary(session: Session, referral_id: int, *,
                        sight: Sight = FULL_SIGHT) -> bytes:
    """One referral's case as of today, with every action recorded on it (raises
    NotFound)."""
    today = date.today()
    sheet = case_sheet(session, referral_id, on=today,
                       outstanding=outstanding_actions(session, date.max, on=today),
                       sight=sight)
    return CaseSummary(sheet, load_area(session)).render()


# Actions tracker ------------------------------------------------------------------------


class ActionsTracker(MaracRenderer):
    pagesize = landscape(A4)

    def __init__(self, agenda: Agenda, area: AreaSettings, today: date) -> None:
        self.title = (f"{marac_name(area)} \u00b7 actions tracker \u00b7 "
                      f"{uk_date(agenda.meeting.meeting_date)}")
        super().__init__(marking=area.protective_marking, organisation=area.area_name)
        self.agenda, self.name, self.today = agenda, marac_name(area), today
        self.rows: list[list[object]] = []

    def story(self) -> list[Flowable]:
        meeting = self.agenda.meeting
        story: list[Flowable] = [
            self.para(f"{self.name}: actions tracker", "Heading1"),
            self.para(f"Actions agreed at the meeting on {long_date(meeting.meeting_date)}"
                      f"{f', chaired by {meeting.chair}' if meeting.chair else ''}. Status "
                      f"as on {uk_date(self.today)}.", "Body"),
        ]
        if self.rows:
            story.append(self.table(
                self.rows, [0.05, 0.19, 0.11, 0.11, 0.28, 0.08, 0.18],
                head=["No.", "Case", "Agency", "Owner", "Action", "Due", "Status"]))
        else:
            story.append(self.none_line("No actions were recorded at this meeting."))
        story.append(self.para("Still open from earlier meetings", "Heading2"))
        outstanding = self.agenda.outstanding_actions
        story.append(self.outstanding_table(outstanding, with_case=True) if outstanding
                     else self.none_line("None."))
        return story


def render_actions_tracker(session: Session, meeting_id: int, *,
                           sight: Sight = FULL_SIGHT) -> bytes:
    """The actions agreed at a meeting, and those still open from earlier ones."""
    today = date.today()
    agenda = build_agenda(session, meeting_id, today=today, sight=sight)
    numbers = {case.referral_id: number
               for number, case in enumerate(agenda.discussed, start=1)}
    names = {case.referral_id: case for case in agenda.discussed}
    found = list(session.execute(
        select(MaracMeetingCase.referral_id, MaracAction.agency, MaracAction.owner,
               MaracAction.what, MaracAction.due_on, MaracAction.status,
               MaracAction.completion_note)
        .join(MaracAction, MaracAction.meeting_case_id == MaracMeetingCase.id)
        .where(MaracMeetingCase.meeting_id == meeting_id)
        .order_by(MaracAction.id)))
    found.sort(key=lambda row: (numbers.get(row[0], 0), row[4] or date.max))
    tracker = ActionsTracker(agenda, load_area(session), today)
    for referral_id, agency, owner, what, due, status, note in found:
        case = names[referral_id]
        status_text = escape_text(ACTION_STATUS_LABELS.get(status, status))
        if status == "open" and due is not None and due < today:
            status_text = "<b>Open: OVERDUE</b>"
        if note:
            status_text += "<br/>" + escape_text(note)
        tracker.rows.append([str(numbers[referral_id]), f"{case.reference}\n{case.victim_name}",
                             AGENCY_LABELS.get(agency, agency), owner or "", what,
                             uk_date(due), tracker.markup(status_text, "Cell")])
    return tracker.render()

