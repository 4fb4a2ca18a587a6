"""The printed MARAC documents, read back as text: what every page carries, the case order,
names printed intact, and what the research list must not hold."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from scs_victims.marac.cases import (
    ChildInput,
    PerpetratorInput,
    ReferralInput,
    add_action,
    create_referral,
    record_dash,
    set_action_status,
    set_attendance,
)
from scs_victims.marac.documents import (
    render_actions_tracker,
    render_case_summary,
    render_meeting_pack,
    render_research_list,
)
from scs_victims.marac.meetings import assign_case, schedule_meeting
from scs_victims.pdf import escape_text
from scs_victims.services.incidents import IncidentInput, create_incident
from scs_victims.settings import load_area, save_area
from scs_victims.storage.database import Database
from scs_victims.storage.models import MaracMeetingCase
from tests.helpers.cli import run_cli

MEETING = date(2025, 6, 10)
MARKING = "OFFICIAL-SENSITIVE PERSONAL"
ZOE = "O'Brien-Ñúñez, Zoë"
PERPETRATOR = "Smith & <Sons>, Dean"


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text with runs of white space made one space."""
    assert pdf.startswith(b"%PDF")
    return [" ".join((page.extract_text() or "").split())
            for page in PdfReader(BytesIO(pdf)).pages]


def _victim(database: Database, forename: str, surname: str, born: date, line1: str,
            *incident_days: int) -> int:
    """A DV victim with incidents that many days before the meeting; their person id."""
    victim_id = 0
    with database.session() as session:
        for number, days in enumerate(incident_days):
            result = create_incident(session, IncidentInput(
                reference=f"DV-{surname[:3].upper()}-{number}", crime_type="dv",
                occurred_on=MEETING - timedelta(days=days), victim_forename=forename,
                victim_surname=surname, victim_dob=born, address_line1=line1,
                town="Enfield", postcode="EN1 1AA", relationship="ex-partner",
                description="Threats at the door"), today=MEETING)
            victim_id = result.subject_id or victim_id
    return victim_id


@pytest.fixture
def meeting(database: Database) -> int:
    """A meeting with a children's case (Zoë), another (Kim) and an adult-only case (Ann,
    address withheld), in the database order that differs from the agenda's."""
    ann = _victim(database, "Ann", "Adult", date(1970, 1, 1), "99 Secret Road", 30)
    zoe = _victim(database, "Zoë", "O'Brien-Ñúñez", date(1990, 2, 3), "1 Rue d'Église",
                  200, 40, 400)
    kim = _victim(database, "Kim", "Kids", date(1985, 5, 5), "7 Oak Lane", 50)
    with database.session() as session:
        save_area(session, replace(load_area(session), protective_marking=MARKING))
        earlier = schedule_meeting(session, MEETING - timedelta(days=28), None, None)
        meeting_id = schedule_meeting(session, MEETING, "Civic Centre", "Chair Person")
        set_attendance(session, meeting_id, "police", "present", "PC Ada")
        set_attendance(session, meeting_id, "housing", "apologies")
        cases = [
            (ann, "M-ANN", date(2025, 5, 1), 0, True),
            (zoe, "M-ZOE", date(2025, 6, 1), 2, False),
            (kim, "M-KIM", date(2025, 6, 3), 1, False),
        ]
        for victim, reference, on, children, withhold in cases:
            referral = create_referral(session, ReferralInput(
                reference=reference, referral_date=on, victim_id=victim,
                perpetrators=[PerpetratorInput(forename="Dean", surname="Smith & <Sons>")],
                agencies=["police", "idva"], children_count=children,
                children=[ChildInput(age=6, school="St Mary's")] if children else (),
                withhold_address=withhold, victim_gender="female"), today=MEETING)
            if reference == "M-ZOE":
                record_dash(session, referral, {1: ("yes", None), 2: ("no", None),
                                                4: ("yes", "Police")},
                            assessed_on=on)
                old = create_referral(session, ReferralInput(
                    reference="M-ZOE-OLD", referral_date=date(2024, 9, 1), victim_id=victim,
                    perpetrators=[PerpetratorInput(forename="Dean",
                                                   surname="Smith & <Sons>")],
                    agencies=["police"]), today=MEETING)
                add_action(session, assign_case(session, earlier, old), agency="housing",
                           what="Fit new locks", due_on=MEETING - timedelta(days=14))
            assign_case(session, meeting_id, referral)
    return meeting_id


def test_every_page_carries_the_marking_twice_the_time_and_page_x_of_y(
        database: Database, meeting: int) -> None:
    with database.session() as session:
        documents = [render_meeting_pack(session, meeting),
                     render_research_list(session, meeting),
                     render_actions_tracker(session, meeting)]
    for pdf in documents:
        pages = pdf_pages(pdf)
        for number, text in enumerate(pages, start=1):
            assert text.count(MARKING) == 2, text
            assert f"Page {number} of {len(pages)}" in text
            assert re.search(r"Produced \d\d/\d\d/\d{4} \d\d:\d\d", text)


def test_the_pack_has_a_cover_the_statement_the_agenda_and_children_cases_first(
        database: Database, meeting: int) -> None:
    with database.session() as session:
        pages = pdf_pages(render_meeting_pack(session, meeting))
    text = " ".join(pages)
    assert "Community Safety Partnership MARAC" in pages[0]
    assert "Tuesday 10 June 2025" in pages[0] and "Civic Centre" in pages[0]
    assert "Chair Person" in pages[0]
    assert "Confidentiality statement" in pages[1] and "PC Ada" in pages[1]
    assert "Apologies" in pages[1]
    headings = [f"1. {ZOE}", "2. Kids, Kim", "3. Adult, Ann"]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    # Each case starts its own page.
    starts = [next(i for i, page in enumerate(pages) if heading in page)
              for heading in headings]
    assert starts == sorted(starts) and len(set(starts)) == 3


def test_a_case_section_holds_the_victim_dash_incidents_history_and_actions(
        database: Database, meeting: int) -> None:
    with database.session() as session:
        text = " ".join(pdf_pages(render_meeting_pack(session, meeting)))
    zoe = text[text.index(f"1. {ZOE}"):text.index("2. Kids, Kim")]
    assert ZOE in zoe and "03/02/1990" in zoe and "1 Rue d'Église" in zoe
    assert PERPETRATOR in zoe and "St Mary's" in zoe
    assert "Score 2 of 24" in zoe
    assert "Has the current incident resulted in injury" in zoe
    assert "Are you very frightened?" not in zoe  # answered No
    assert "Police" in zoe
    # Incidents of the 12 months to the meeting: 40 and 200 days before, not 400.
    assert "DV-O'B-0" in zoe and "DV-O'B-1" in zoe and "DV-O'B-2" not in zoe
    assert "Repeat" in zoe
    assert "M-ZOE-OLD" in zoe and "Fit new locks" in zoe and "OVERDUE" in zoe
    assert "Repeat of M-ZOE-OLD" in zoe
    assert "Actions agreed" in zoe
    ann = text[text.index("3. Adult, Ann"):]
    assert "99 Secret Road" not in text and "Withheld" in ann


def test_the_research_list_holds_names_dates_of_birth_and_addresses_only(
        database: Database, meeting: int) -> None:
    with database.session() as session:
        text = " ".join(pdf_pages(render_research_list(session, meeting)))
    for expected in (ZOE, "03/02/1990", "1 Rue d'Église", "Kids, Kim", "05/05/1985",
                     PERPETRATOR):
        assert expected in text
    assert text.index(ZOE) < text.index("Kids, Kim") < text.index("Adult, Ann")
    for absent in ("DASH", "Score", "injury", "DV-", "Repeat", "Threats", "99 Secret Road",
                   "M-ZOE", "Fit new locks", "St Mary's"):
        assert absent not in text


def test_the_case_summary_and_the_actions_tracker(database: Database, meeting: int) -> None:
    with database.session() as session:
        zoe_case = session.scalars(select(MaracMeetingCase).where(
            MaracMeetingCase.meeting_id == meeting).order_by(MaracMeetingCase.id)).all()[1]
        done = add_action(session, zoe_case.id, agency="idva", owner="A & B <IDVA>",
                          what="Safety plan", due_on=MEETING + timedelta(days=7))
        set_action_status(session, done, "done", "Plan agreed")
        stuck = add_action(session, zoe_case.id, agency="police", what="Warning letter")
        set_action_status(session, stuck, "agency_did_not_act")
        summary = " ".join(pdf_pages(render_case_summary(session, zoe_case.referral_id)))
        tracker = " ".join(pdf_pages(render_actions_tracker(session, meeting)))
    assert "MARAC case summary" in summary and ZOE in summary and "M-ZOE" in summary
    assert "Safety plan" in summary and "Done" in summary
    assert "actions tracker" in tracker and "A & B <IDVA>" in tracker
    assert "Plan agreed" in tracker and "Agency did not act" in tracker
    assert "Fit new locks" in tracker  # still open from the earlier meeting


def test_a_case_shows_its_incident_date_and_dash_question_set(database: Database,
                                                               meeting: int) -> None:
    victim = _victim(database, "Ivy", "Incident", date(1980, 8, 8), "3 Elm Row", 20)
    with database.session() as session:
        dated = create_referral(session, ReferralInput(
            reference="M-IVY", referral_date=date(2025, 6, 2), victim_id=victim,
            perpetrators=[PerpetratorInput(forename="Dean", surname="Smith & <Sons>")],
            agencies=["police"], incident_date=date(2025, 5, 30)), today=MEETING)
        zoe = session.scalars(select(MaracMeetingCase).where(
            MaracMeetingCase.meeting_id == meeting).order_by(MaracMeetingCase.id)).all()[1]
        ivy_text = " ".join(pdf_pages(render_case_summary(session, dated)))
        zoe_text = " ".join(pdf_pages(render_case_summary(session, zoe.referral_id)))
    title = "SafeLives DASH risk identification checklist (RIC)"
    assert "Incident date 30/05/2025" in ivy_text
    assert f"DASH question set Default: {title}" in ivy_text
    assert "Incident date Not recorded (the referral date is used)" in zoe_text
    # Zoë's checklist was recorded: its set is the referral's now.
    assert f"DASH question set {title} (version safelives-dash-ric-2009-paraphrase-1)" \
        in zoe_text


def test_escape_text_keeps_markup_characters_as_text() -> None:
    assert escape_text("A & <b>B</b>\nC") == "A &amp; &lt;b&gt;B&lt;/b&gt;<br/>C"
    assert escape_text("Zoe\u0308") == "Zoë"  # combining diaeresis made one letter
    assert escape_text(None) == ""


def test_the_command_line_prints_the_pack_and_the_research_list(
        database: Database, meeting: int, db_path: Path, tmp_path: Path) -> None:
    del meeting
    database.close()
    pack, research = tmp_path / "pack.pdf", tmp_path / "research.pdf"
    args = ("marac", "pack", "--meeting", "10/06/2025")
    done = run_cli(tmp_path, *args, "--out", pack, db=db_path)
    assert done.returncode == 0, done.stderr
    assert "Wrote the meeting pack for 10/06/2025" in done.stdout
    done = run_cli(tmp_path, *args, "--out", research, "--research-list", db=db_path)
    assert done.returncode == 0, done.stderr
    assert "Confidentiality statement" in " ".join(pdf_pages(pack.read_bytes()))
    assert "DASH" not in " ".join(pdf_pages(research.read_bytes()))
    missing = tmp_path / "missing.pdf"
    refused = run_cli(tmp_path, "marac", "pack", "--meeting", "2025-06-11", "--out", missing,
                      db=db_path)
    assert refused.returncode == 1
    assert "There is no MARAC meeting on 11/06/2025." in refused.stderr
    assert not missing.exists()
