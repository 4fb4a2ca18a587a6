"""The MARAC actions: who may do what (refusals are sentences, and audited), what each print,
export and opening leaves in the audit log, restricted victims hidden from those who may not
see them, and the public fixtures' return reproduced byte for byte through the actions."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from scs_victims.accounts import Role
from scs_victims.actions import marac, marac_cases
from scs_victims.actions.base import SignedIn
from scs_victims.actions.marac import MeetingDocument
from scs_victims.actions.marac_cases import ReferralDraft
from scs_victims.errors import NotAllowed
from scs_victims.marac.cases import NewPerson, PerpetratorInput, ReferralInput, create_referral
from scs_victims.marac.meetings import assign_case, schedule_meeting
from scs_victims.marac.safelives_return import return_csv_text
from scs_victims.restricted import RESTRICTED_LABEL, set_restricted
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent, MaracMeeting, MaracReferral, Person
from tests.helpers.accounts import signed_in

MEETING = date(2025, 6, 10)
TODAY = date(2025, 6, 30)
PERIOD = (date(2024, 4, 1), date(2025, 3, 31))


def _events(database: Database, kind: str) -> list[AuditEvent]:
    with database.session() as session:
        found = list(session.scalars(select(AuditEvent).where(AuditEvent.action == kind)
                                     .order_by(AuditEvent.id)))
        session.expunge_all()
    return found


def _detail(event: AuditEvent) -> dict[str, Any]:
    return json.loads(event.detail or "{}")  # type: ignore[no-any-return]


def _person(database: Database, forename: str, surname: str, born: date | None = None) -> int:
    with database.session() as session:
        person = Person(forename=forename, surname=surname, date_of_birth=born,
                        created_at=datetime.now())
        session.add(person)
        session.flush()
        return person.id


def _case(database: Database, surname: str = "Quarrie",
          born: date = date(1990, 3, 4)) -> tuple[int, int, int]:
    """A referral of an invented victim on the list of the meeting of 10/06/2025:
    (victim id, referral id, meeting id)."""
    victim = _person(database, "Ffion", surname, born)
    perpetrator = _person(database, "Gareth", surname, date(1988, 1, 1))
    with database.session() as session:
        referral = create_referral(session, ReferralInput(
            reference=f"M-{surname[0]}", referral_date=date(2025, 6, 1), victim_id=victim,
            perpetrators=[PerpetratorInput(person_id=perpetrator)], agencies=["police"]),
            today=TODAY)
        meeting = session.scalar(select(MaracMeeting.id).where(
            MaracMeeting.meeting_date == MEETING)) or schedule_meeting(session, MEETING,
                                                                       None, None)
        assign_case(session, meeting, referral)
    return victim, referral, meeting


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split())
                    for page in PdfReader(BytesIO(path.read_bytes())).pages)


# --- refusals -------------------------------------------------------------------------------


def test_an_officer_is_refused_marac_work_with_a_sentence_and_it_is_audited(
        database: Database, tmp_path: Path) -> None:
    _victim, referral, meeting = _case(database)
    officer = signed_in(database, Role.OFFICER)
    sentence = ("Your role (officer) does not allow working on MARAC referrals, DASH, "
                "meetings and actions.")
    attempts: list[Callable[[], object]] = [
        lambda: marac_cases.list_referrals(officer),
        lambda: marac_cases.open_case(officer, referral),
        lambda: marac_cases.schedule_meeting(officer, date(2025, 7, 1), None, None),
        lambda: marac_cases.add_action(officer, 1, agency="police", what="Flag"),
        lambda: marac_cases.submit_referral(officer, ReferralDraft(
            victim=NewPerson(forename="Ada", surname="Wrenfield",
                             date_of_birth=date(1980, 1, 1))), TODAY),
        lambda: marac.import_referrals(officer, tmp_path / "none.csv"),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert str(refused.value) == sentence
    refusals = _events(database, "refused")
    assert len(refusals) == len(attempts)
    assert _detail(refusals[0]) == {"action": "marac_cases.list_referrals",
                                    "permission": "MARAC", "role": "officer"}
    assert {event.actor for event in refusals} == {officer.name}
    with database.session() as session:  # nothing changed, nobody added
        assert session.query(MaracMeeting).count() == 1
        assert session.query(Person).count() == 2
    assert _events(database, "view") == []
    del meeting


def test_an_analyst_is_refused_printing_packs_and_nothing_is_written(
        database: Database, tmp_path: Path) -> None:
    _case(database)
    analyst = signed_in(database, Role.ANALYST)
    out = tmp_path / "pack.pdf"
    with pytest.raises(NotAllowed) as refused:
        marac.print_meeting_pack(analyst, MEETING, out)
    assert str(refused.value) == "Your role (analyst) does not allow printing MARAC packs."
    assert not out.exists()
    [event] = _events(database, "refused")
    assert (event.actor, _detail(event)["action"]) == (analyst.name,
                                                       "marac.print_meeting_pack")
    assert _events(database, "print") == []
    with pytest.raises(NotAllowed, match="producing the SafeLives MARAC return"):
        marac.export_return(signed_in(database, Role.OFFICER), *PERIOD, "csv", None)


# --- what is recorded -----------------------------------------------------------------------


def test_printing_a_pack_leaves_a_print_event_naming_the_file_and_recipients(
        database: Database, tmp_path: Path) -> None:
    _victim, referral, meeting = _case(database)
    user = signed_in(database, Role.MARAC)
    out = tmp_path / "MARAC pack June.pdf"
    assert marac.print_meeting_pack(user, MEETING, out,
                                    recipients="Police, IDVA service") == out
    assert out.read_bytes().startswith(b"%PDF")
    [event] = _events(database, "print")
    assert (event.actor, event.entity, event.entity_id) == (user.name, "meeting", meeting)
    assert _detail(event) == {"document": "meeting pack", "file": "MARAC pack June.pdf",
                              "cases": [referral], "protected": False,
                              "recipients": "Police, IDVA service"}
    marac.print_meeting_pack(user, MEETING, tmp_path / "research.pdf", research_list=True)
    marac.print_meeting_document(user, meeting, MeetingDocument.ACTIONS_TRACKER,
                                 tmp_path / "tracker.pdf")
    marac.print_case_summary(user, referral, tmp_path / "summary.pdf", recipients="Housing")
    later = _events(database, "print")[1:]
    assert [(e.entity, e.entity_id, _detail(e)) for e in later] == [
        ("meeting", meeting, {"document": "research list", "file": "research.pdf",
                              "cases": [referral], "protected": False}),
        ("meeting", meeting, {"document": "actions tracker", "file": "tracker.pdf",
                              "cases": [referral], "protected": False}),
        ("marac_case", referral, {"document": "case summary", "file": "summary.pdf",
                                  "cases": [referral], "protected": False,
                                  "recipients": "Housing"})]


def test_opening_a_case_and_listing_referrals_are_recorded_without_names(
        database: Database) -> None:
    _victim, referral, meeting = _case(database)
    user = signed_in(database, Role.MARAC)
    rows = marac_cases.list_referrals(user)
    assert [row.victim_name for row in rows] == ["Quarrie, Ffion"]
    state = marac_cases.open_case(user, referral)
    assert state.victim_name == "Quarrie, Ffion"
    marac_cases.open_meeting(user, meeting, TODAY)
    [search] = _events(database, "search")
    assert _detail(search) == {"query": "marac_referrals", "people": 1}
    views = [(e.actor, e.entity, e.entity_id) for e in _events(database, "view")]
    assert views == [(user.name, "marac_case", referral), (user.name, "meeting", meeting)]
    assert all("Quarrie" not in (e.detail or "") for e in _events(database, "search"))


def test_writes_return_what_changed_and_are_attributed_to_the_user(database: Database) -> None:
    _victim, referral, meeting = _case(database)
    user = signed_in(database, Role.MARAC)
    changed = marac_cases.submit_referral(user, ReferralDraft(
        victim=NewPerson(forename="Ada", surname="Wrenfield", date_of_birth=date(1980, 1, 1)),
        perpetrators=[NewPerson(surname="Wrenfield")],
        fields={"reference": "M-NEW", "referral_date": date(2025, 6, 20),
                "agencies": ["idva"], "professional_judgement": True,
                "judgement_reason": "Escalating threats"}), TODAY)
    assert changed.changes.marac and changed.changes.people
    assert (changed.value.reference, changed.value.perpetrators) == ("M-NEW", "Wrenfield")
    added = marac_cases.assign_cases(user, meeting, [referral, changed.value.id])
    assert added.value == 1 and added.changes.marac
    inserts = [e for e in _events(database, "insert") if e.entity == "marac_referral"]
    assert inserts[-1].actor == user.name


def test_the_import_is_recorded_in_the_users_name(database: Database,
                                                 shared_data: Path) -> None:
    user = signed_in(database, Role.MARAC)
    changed = marac.import_referrals(user, shared_data / "marac-referrals-small.csv")
    assert changed.value.imported == 9 and changed.changes.marac
    [event] = _events(database, "import")
    assert event.actor == user.name
    assert _detail(event)["file"] == "marac-referrals-small.csv"
    assert {e.actor for e in _events(database, "insert")} == {user.name}


# --- the SafeLives return through the actions -----------------------------------------------


def _same_bytes(expected: bytes, actual: bytes) -> None:
    if actual != expected:
        diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                    actual.decode("utf-8", "replace").splitlines(),
                                    "expected", "actual", lineterm="", n=0)
        pytest.fail("the return differs from the expected file:\n" + "\n".join(list(diff)[:40]))


@pytest.mark.parametrize("size", ["small", "medium"])
def test_the_fixtures_return_reproduces_byte_for_byte_through_the_action(
        database: Database, shared_data: Path, tmp_path: Path, size: str) -> None:
    user = signed_in(database, Role.MARAC)
    summary = marac.import_referrals(user, shared_data / f"marac-referrals-{size}.csv").value
    assert summary.rejected == 0
    expected = (shared_data / f"expected-marac-return-{size}.csv").read_bytes()
    out = tmp_path / f"return-{size}.csv"
    marac.export_return(user, *PERIOD, "csv", out)
    _same_bytes(expected, out.read_bytes())
    to_stdout = marac.export_return(user, *PERIOD, "csv", None)
    _same_bytes(expected, return_csv_text(to_stdout.result).encode("utf-8"))
    exports = _events(database, "export")
    assert [(e.actor, e.entity, _detail(e)["file"]) for e in exports] == [
        (user.name, "marac_return", out.name), (user.name, "marac_return", "-")]
    assert _detail(exports[0])["from"] == "2024-04-01"


def test_the_return_preview_and_the_xlsx(database: Database, shared_data: Path,
                                        tmp_path: Path) -> None:
    user = signed_in(database, Role.MARAC)
    marac.import_referrals(user, shared_data / "marac-referrals-small.csv")
    shown = marac.safelives_return(user, *PERIOD)
    assert shown.result.total.counts["cases_discussed"] == 7
    assert shown.area_name
    [view] = [e for e in _events(database, "view") if e.entity == "marac_return"]
    assert _detail(view)["meetings"] == len(shown.result.meetings)
    out = tmp_path / "return.xlsx"
    marac.export_return(user, *PERIOD, "xlsx", out)
    assert out.stat().st_size > 0
    with pytest.raises(Exception, match="XLSX return needs a file"):
        marac.export_return(user, *PERIOD, "xlsx", None)


# --- restricted victims ---------------------------------------------------------------------


def _restrict(database: Database, person_id: int) -> None:
    with database.session() as session:
        set_restricted(session, person_id, True, "A colleague's family")


def test_a_restricted_victim_shows_as_restricted_to_those_who_may_not_see_them(
        database: Database, tmp_path: Path) -> None:
    victim, referral, meeting = _case(database, "Quarrie")
    _case(database, "Wrenfield", date(1985, 7, 9))
    _restrict(database, victim)
    coordinator = signed_in(database, Role.MARAC)
    supervisor = signed_in(database, Role.SUPERVISOR)

    def names(user: SignedIn) -> dict[str, tuple[str, str]]:
        return {row.reference: (row.victim_name, row.perpetrators)
                for row in marac_cases.list_referrals(user)}

    assert names(coordinator) == {"M-Q": (RESTRICTED_LABEL, RESTRICTED_LABEL),
                                  "M-W": ("Wrenfield, Ffion", "Wrenfield, Gareth")}
    assert names(supervisor)["M-Q"] == ("Quarrie, Ffion", "Quarrie, Gareth")
    assert marac_cases.open_case(coordinator, referral).victim_name == RESTRICTED_LABEL
    detail = marac_cases.open_meeting(coordinator, meeting, TODAY)
    assert sorted(case.victim_name for case in detail.cases) == [RESTRICTED_LABEL,
                                                                 "Wrenfield, Ffion"]
    with database.session() as session:  # another referral of hers, on no list yet
        create_referral(session, ReferralInput(
            reference="M-LATER", referral_date=date(2025, 6, 25), victim_id=victim,
            perpetrators=[PerpetratorInput(forename="Gareth", surname="Quarrie")],
            agencies=["idva"]), today=TODAY)
    assert [label for _id, label in marac_cases.unlisted_referrals(coordinator)] == [
        f"M-LATER: {RESTRICTED_LABEL}, referred 25/06/2025"]
    for case in detail.cases:  # so that the tracker names the cases
        marac_cases.add_action(coordinator, case.id, agency="housing", what="Lock change")

    for document in MeetingDocument:
        out = tmp_path / f"{document.name}.pdf"
        marac.print_meeting_document(coordinator, meeting, document, out)
        text = _pdf_text(out)
        assert RESTRICTED_LABEL in text, document
        assert "Quarrie" not in text, document
        assert "04/03/1990" not in text, document
        assert "Wrenfield" in text, document
    summary = tmp_path / "summary.pdf"
    marac.print_case_summary(coordinator, referral, summary)
    assert "Quarrie" not in _pdf_text(summary)
    marac.print_case_summary(supervisor, referral, summary)
    assert "Quarrie" in _pdf_text(summary)

    coordinator.glass_broken.add(victim)  # opened with a reason this sign-in
    assert names(coordinator)["M-Q"] == ("Quarrie, Ffion", "Quarrie, Gareth")
    with database.session() as session:  # counts never change
        assert session.query(MaracReferral).count() == 3
