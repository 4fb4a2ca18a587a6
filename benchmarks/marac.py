"""MARAC benchmarks of issue #4: the meeting pack and the SafeLives return.

    .venv/bin/python benchmarks/marac.py [--cases 25] [--referrals 1500] [--runs 3]

Builds a fresh database (benchmarks/out/marac-bench.db) holding a meeting of 25 cases, each
with a DASH checklist, children for some, DV incidents over the last year and earlier
referrals, plus an earlier meeting with open actions; then times the meeting pack (agenda,
case reads and the PDF), the research list and the actions tracker. Separately it records a
year of 1,500 referrals over 12 monthly meetings and times the SafeLives return (figures, CSV
and XLSX). Synthetic people only.

Results are printed and written to benchmarks/out/marac-results.json; the pack itself to
benchmarks/out/marac-pack.pdf (look at it). Targets: pack under 5 s, return under 2 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE.parent))

from scs_victims.marac.cases import (  # noqa: E402
    ChildInput,
    PerpetratorInput,
    ReferralInput,
    add_action,
    create_referral,
    record_dash,
    set_attendance,
)
from scs_victims.marac.documents import (  # noqa: E402
    render_actions_tracker,
    render_meeting_pack,
    render_research_list,
)
from scs_victims.marac.meetings import assign_case, schedule_meeting  # noqa: E402
from scs_victims.marac.safelives_return import (  # noqa: E402
    compute_return,
    return_csv_text,
    write_return_xlsx,
)
from scs_victims.services.incidents import IncidentInput, create_incident  # noqa: E402
from scs_victims.storage.database import Database, open_database  # noqa: E402
from scs_victims.storage.models import (  # noqa: E402
    MARAC_AGENCY_CODES,
    MaracMeeting,
    MaracMeetingCase,
    MaracPerpetrator,
    MaracReferral,
    MaracReferralAgency,
    Person,
)

TARGETS = {"pack_s": 5.0, "return_s": 2.0}
FORENAMES = ("Zoë", "Siobhán", "Aisha", "Małgorzata", "Chloé", "Priya", "Grace", "Nguyễn Thị",
             "Bethan", "Amara", "Ioana", "Hannah")
SURNAMES = ("O'Brien-Ñúñez", "Kowalska", "D'Souza", "Okafor", "Lefèvre", "Ahmed", "Murphy",
            "Ó Súilleabháin", "Evans", "Nowak", "Øvergård", "Clarke")
MEN = ("Darren", "Piotr", "Kieran", "Jamal", "Łukasz", "Sean")


def _victim(index: int) -> tuple[str, str]:
    return (FORENAMES[index % len(FORENAMES)],
            f"{SURNAMES[(index * 7) % len(SURNAMES)]}{'' if index < 12 else f'-{index}'}")


def build_meeting(database: Database, cases: int, meeting_date: date) -> int:
    """A meeting of ``cases`` referrals with DASH, incidents and children; returns its id."""
    previous_date = meeting_date - timedelta(days=28)
    with database.session() as session:
        earlier = schedule_meeting(session, previous_date, "Civic Centre, Room 2",
                                   "DI Sarah Whitfield")
        meeting = schedule_meeting(session, meeting_date, "Civic Centre, Committee Room 1",
                                   "DI Sarah Whitfield")
        for position, agency in enumerate(MARAC_AGENCY_CODES[:10]):
            set_attendance(session, meeting, agency,
                           "apologies" if position % 4 == 3 else "present",
                           None if position % 4 == 3 else f"Attendee {position + 1}")
    for index in range(cases):
        forename, surname = _victim(index)
        born = date(1975 + index % 25, 1 + index % 12, 1 + index % 27)
        victim_id = 0
        with database.session() as session:
            for number in range(3 + index % 4):
                result = create_incident(session, IncidentInput(
                    reference=f"DV/{index:03d}/{number}", crime_type="dv",
                    occurred_on=meeting_date - timedelta(days=20 + 70 * number + index),
                    victim_forename=forename, victim_surname=surname, victim_dob=born,
                    address_line1=f"{10 + index} Acacia Avenue", town="Enfield",
                    postcode=f"EN{1 + index % 3} {index % 9}AB",
                    perpetrator_forename=MEN[index % len(MEN)], perpetrator_surname="Harrow",
                    perpetrator_dob=date(1970 + index % 20, 3, 3), relationship="ex-partner",
                    source="police",
                    description="Verbal abuse and threats at the door; neighbours called "
                    "the police. Damage to the front door & window."),
                    today=meeting_date)
                victim_id = result.subject_id or victim_id
            perpetrator = session.query(Person.id).filter(
                Person.forename == MEN[index % len(MEN)],
                Person.date_of_birth == date(1970 + index % 20, 3, 3)).scalar()
            if index % 5 == 0:
                old = create_referral(session, ReferralInput(
                    reference=f"MARAC/{index:03d}/A", referral_date=meeting_date
                    - timedelta(days=200), victim_id=victim_id,
                    perpetrators=[PerpetratorInput(person_id=perpetrator)],
                    agencies=["police"]), today=meeting_date)
                case = assign_case(session, earlier, old)
                add_action(session, case, agency="housing", owner="Housing Options team",
                           what="Fit target-hardening to the front door and rear window.",
                           due_on=previous_date + timedelta(days=14))
            referral = create_referral(session, ReferralInput(
                reference=f"MARAC/{index:03d}/B", referral_date=meeting_date
                - timedelta(days=10 + index % 9), victim_id=victim_id,
                perpetrators=[PerpetratorInput(person_id=perpetrator)],
                agencies=["police", "idva"] if index % 3 == 0 else ["police"],
                referrer="PC 1234 Jones", relationship="ex-partner",
                children_count=index % 3,
                children=[ChildInput(age=4 + child, school="Oakwood Primary")
                          for child in range(index % 3)],
                consent=index % 2 == 0, withhold_address=index % 7 == 6,
                professional_judgement=index % 4 == 1,
                judgement_reason="Escalating stalking after separation" if index % 4 == 1
                else None, idva="Safe Haven IDVA service", police_reference=f"CR/{index:05d}",
                notes="Victim left the relationship in the spring; contact over the "
                "children continues.", victim_gender="female",
                victim_ethnicity="White: Irish" if index % 2 else "Asian: Indian"),
                today=meeting_date)
            answers = {n: ("yes" if (n + index) % 3 else "no", "Police" if n == 2 else None)
                       for n in range(1, 25)}
            record_dash(session, referral, answers, assessed_on=meeting_date
                        - timedelta(days=12))
            assign_case(session, meeting, referral)
    return meeting


def build_year(database: Database, referrals: int, last: date) -> None:
    """``referrals`` over 12 monthly meetings ending on ``last``, written straight to the
    tables (the return reads them; how they were entered does not matter here)."""
    now = datetime.now()
    with database.session() as session:
        meetings = []
        for month in range(12):
            meeting = MaracMeeting(meeting_date=last - timedelta(days=30 * month),
                                   venue="Civic Centre", chair="Chair", created_at=now)
            session.add(meeting)
            meetings.append(meeting)
        session.flush()
        for index in range(referrals):
            victim = Person(forename=f"V{index}", surname="Year", created_at=now,
                            date_of_birth=date(1960 + index % 45, 1, 1), gender="female")
            perpetrator = Person(forename=f"P{index % 1200}", surname="Year", created_at=now,
                                 date_of_birth=date(1955 + index % 50, 1, 1), gender="male")
            session.add_all([victim, perpetrator])
            session.flush()
            meeting = meetings[index % 12]
            referral = MaracReferral(
                reference=f"YEAR/{index:05d}", referral_date=meeting.meeting_date
                - timedelta(days=7), victim_id=victim.id, victim_gender="female",
                victim_ethnicity="Black: African" if index % 5 == 0 else None,
                victim_lgbt=index % 17 == 0, victim_disabled=index % 11 == 0,
                children_count=index % 3, dash_score=14 + index % 8, content_hash="",
                created_at=now, updated_at=now)
            session.add(referral)
            session.flush()
            session.add(MaracPerpetrator(referral_id=referral.id, person_id=perpetrator.id,
                                         position=0))
            for code in MARAC_AGENCY_CODES[index % 14:index % 14 + 1 + index % 2]:
                session.add(MaracReferralAgency(referral_id=referral.id, agency=code))
            session.add(MaracMeetingCase(meeting_id=meeting.id, referral_id=referral.id))


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    """Median and worst wall seconds of ``runs`` calls."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), max(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=25)
    parser.add_argument("--referrals", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    meeting_date = date.today() - timedelta(days=1)
    results: dict[str, object] = {"python": platform.python_version(),
                                  "machine": platform.machine(), "cases": args.cases,
                                  "referrals": args.referrals, "targets": TARGETS}

    pack_db = OUT / "marac-bench.db"
    pack_db.unlink(missing_ok=True)
    database = open_database(pack_db)
    try:
        start = time.perf_counter()
        meeting = build_meeting(database, args.cases, meeting_date)
        results["build_meeting_s"] = round(time.perf_counter() - start, 2)
        pdf = b""

        def pack() -> None:
            nonlocal pdf
            with database.session() as session:
                pdf = render_meeting_pack(session, meeting)

        median, worst = timed(args.runs, pack)
        (OUT / "marac-pack.pdf").write_bytes(pdf)
        results.update(pack_s=round(median, 3), pack_worst_s=round(worst, 3),
                       pack_bytes=len(pdf), pack_pages=pdf.count(b"/Type /Page\n"))
        for name, render in (("research_list", render_research_list),
                             ("actions_tracker", render_actions_tracker)):
            def other(render: Callable[..., bytes] = render) -> None:
                with database.session() as session:
                    render(session, meeting)

            results[f"{name}_s"] = round(timed(args.runs, other)[0], 3)
    finally:
        database.close()

    year_db = OUT / "marac-year.db"
    year_db.unlink(missing_ok=True)
    database = open_database(year_db)
    try:
        last = date.today()
        build_year(database, args.referrals, last)

        def year_return() -> None:
            with database.session() as session:
                result = compute_return(session, last - timedelta(days=364), last)
            return_csv_text(result)
            write_return_xlsx(result, OUT / "marac-return.xlsx", area_name="Benchmark")

        median, worst = timed(args.runs, year_return)
        results.update(return_s=round(median, 3), return_worst_s=round(worst, 3))
    finally:
        database.close()

    (OUT / "marac-results.json").write_text(json.dumps(results, indent=2) + "\n",
                                            encoding="utf-8")
    for key, value in results.items():
        print(f"{key:>22}: {value}")
    ok = (float(results["pack_s"]) < TARGETS["pack_s"]  # type: ignore[arg-type]
          and float(results["return_s"]) < TARGETS["return_s"])  # type: ignore[arg-type]
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
