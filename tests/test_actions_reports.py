"""Figures, reports and alerts through the use-case layer: who may do what, what each leaves
in the audit log, and what an analyst's files leave out."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from scs_victims.accounts import Role
from scs_victims.actions import alerts, figures, reports
from scs_victims.actions.base import REGISTRY, SignedIn
from scs_victims.actions.permissions import Permission
from scs_victims.alerts import AlertKind
from scs_victims.audit import acting_as
from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.periods import PeriodKind, parse_period_label, periods_between
from scs_victims.errors import NotAllowed, NotFound
from scs_victims.exports import figures_csv_text
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.reports.incident_list import LIST_COLUMNS
from scs_victims.restricted import RESTRICTED_LABEL, set_restricted
from scs_victims.services.alert_reviews import AlertKey
from scs_victims.storage.database import Database
from scs_victims.storage.models import Address, AuditEvent, Person
from tests.conftest import SHARED_DATA
from tests.helpers.accounts import signed_in

FIRST, LAST = date(2023, 4, 1), date(2025, 3, 31)
ON = date(2025, 3, 31)  # six alerts on the small borough: four about people
QUARTER = parse_period_label("2024/25 Q4")
DV_REPEAT_4 = AlertKey(AlertKind.REPEAT_VICTIM, CrimeType.DV, "person", 4)


@pytest.fixture
def small(database: Database) -> Database:
    load_wards(database, SHARED_DATA / "wards.csv")
    import_incidents(database, SHARED_DATA / "incidents-small.csv", today=date(2025, 6, 1))
    return database


def events(database: Database, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(actor, entity, detail) of every event of one kind, oldest first."""
    with database.session() as session:
        return [(event.actor, event.entity, json.loads(event.detail or "{}"))
                for event in session.scalars(select(AuditEvent).where(
                    AuditEvent.action == action).order_by(AuditEvent.id))]


# Exports and prints leave their events -------------------------------------------------------


def test_exporting_the_incident_list_leaves_an_export_event_naming_the_file(
        small: Database, tmp_path: Path) -> None:
    officer = signed_in(small, Role.OFFICER)
    out = tmp_path / "incidents-2024.csv"
    written = reports.export_incident_list(officer, out, FIRST, LAST, [], "csv")
    assert written > 0
    [(actor, entity, detail)] = events(small, "export")
    assert (actor, entity) == ("test-officer", "incident_list")
    assert detail["file"] == "incidents-2024.csv"
    assert detail["incidents"] == written
    assert str(tmp_path) not in json.dumps(detail)  # the name, not where it was put


def _names(database: Database) -> tuple[set[str], set[str]]:
    """Every name part, and every full name and first address line, of the database."""
    with database.session() as session:
        people = session.execute(select(Person.forename, Person.surname)).all()
        lines = set(session.scalars(select(Address.line1)))
    parts = {part for person in people for part in person if part}
    full = {f"{person.forename} {person.surname}" for person in people
            if person.forename and person.surname} | {line for line in lines if line}
    return parts, full


def test_an_analysts_incident_list_has_no_names(small: Database, tmp_path: Path) -> None:
    analyst = signed_in(small, Role.ANALYST)
    assert not analyst.can(Permission.SEE_NAMES)
    parts, full = _names(small)
    assert parts and full  # the small borough names its victims and perpetrators

    out = tmp_path / "list.csv"
    written = reports.export_incident_list(analyst, out, FIRST, LAST, [], "csv")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == LIST_COLUMNS
    assert len(rows) == written + 1
    workbook_path = tmp_path / "list.xlsx"
    reports.export_incident_list(analyst, workbook_path, FIRST, LAST, [], "xlsx")
    sheet = load_workbook(workbook_path)["Incidents"]
    cells = [str(cell) for row in rows for cell in row] + [
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row
        if cell is not None]
    assert not set(cells) & parts
    assert not [cell for cell in cells for name in full if name in cell]


def test_the_quarterly_report_is_a_print_event_with_its_file_and_recipients(
        small: Database, tmp_path: Path) -> None:
    analyst = signed_in(small, Role.ANALYST)
    out = tmp_path / "report.pdf"
    assert reports.print_quarterly_report(analyst, QUARTER, out, publish=True,
                                          recipients="Partnership board") == out
    assert out.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.partial"))
    reports.quarterly_report_for_printer(analyst, QUARTER, "Office printer")
    printed = events(small, "print")
    assert [(actor, entity) for actor, entity, _detail in printed] == [
        ("test-analyst", "report")] * 2
    assert printed[0][2] == {"quarter": "2024/25 Q4", "publish": True, "file": "report.pdf",
                             "protected": False, "recipients": "Partnership board"}
    assert printed[1][2]["printer"] == "Office printer"


# Figures ---------------------------------------------------------------------------------


def test_export_figures_writes_what_the_figures_command_always_wrote(
        small: Database, tmp_path: Path) -> None:
    officer = signed_in(small, Role.OFFICER)
    out = tmp_path / "figures.csv"
    done = figures.export_figures(officer, out, FIRST, LAST, PeriodKind.QUARTER, [],
                                  by_ward=True, fmt="csv", publish=False)
    assert out.read_bytes() == (SHARED_DATA / "expected-figures-small.csv").read_bytes()
    assert done.csv_text is None
    to_stdout = figures.export_figures(officer, None, FIRST, LAST, PeriodKind.QUARTER, [],
                                       by_ward=True, fmt="csv", publish=False)
    assert to_stdout.csv_text is not None
    assert to_stdout.csv_text.encode("utf-8") == out.read_bytes()
    assert to_stdout.rows == done.rows
    published = figures.export_figures(officer, None, FIRST, LAST, PeriodKind.QUARTER, [],
                                       by_ward=True, fmt="csv", publish=True)
    assert published.csv_text is not None and "<5" in published.csv_text
    exported = events(small, "export")
    assert [detail["file"] for _actor, _entity, detail in exported] == [
        "figures.csv", "-", "-"]
    assert exported[0][2]["rows"] == done.rows


def test_figure_rows_are_the_core_figures_and_a_view(small: Database) -> None:
    analyst = signed_in(small, Role.ANALYST)
    periods = periods_between(FIRST, LAST, PeriodKind.QUARTER)
    rows = figures.figure_rows(analyst, periods, [CrimeType.DV], by_ward=True)
    assert figures_csv_text(rows) == figures_csv_text(
        [row for row in figures.figure_rows(analyst, periods, by_ward=True)
         if row.crime_type is CrimeType.DV])
    (actor, entity, detail), _second = events(small, "view")
    assert (actor, entity) == ("test-analyst", "figures")
    assert detail["types"] == ["dv"] and detail["rows"] == len(rows)


def test_an_auditor_is_refused_figures_with_a_sentence_and_an_event(small: Database) -> None:
    auditor = signed_in(small, Role.AUDITOR)
    with pytest.raises(NotAllowed) as refused:
        figures.figure_rows(auditor, periods_between(FIRST, LAST, PeriodKind.QUARTER))
    assert str(refused.value) == "Your role (auditor) does not allow seeing figures."
    [(actor, entity, detail)] = events(small, "refused")
    assert (actor, entity) == ("test-auditor", "action")
    assert detail == {"action": "figures.figure_rows", "permission": "SEE_FIGURES",
                      "role": "auditor"}
    assert events(small, "view") == []  # nothing was read


# Alerts ----------------------------------------------------------------------------------


def test_current_alerts_is_a_search_with_the_count_shown(small: Database) -> None:
    officer = signed_in(small, Role.OFFICER)
    found = alerts.current_alerts(officer, ON)
    assert len(found) == 6
    [(actor, entity, detail)] = events(small, "search")
    assert (actor, entity) == ("test-officer", "alert")
    assert detail == {"query": "alerts", "on": "2025-03-31", "alerts": 6, "people": 4}


def test_a_restricted_subject_is_named_only_for_those_who_may_see_them(
        small: Database) -> None:
    supervisor = signed_in(small, Role.SUPERVISOR)
    with acting_as(supervisor.actor), small.session() as session:
        set_restricted(session, 4, True, "A colleague's relative")
    officer = signed_in(small, Role.OFFICER)
    shown = alerts.alert_list(officer, ON)
    assert shown.names[("person", 4)] == RESTRICTED_LABEL
    assert shown.names[("person", 2)] != RESTRICTED_LABEL
    assert len(shown.items) == 6 and sum(shown.counts.values()) == 6  # still counted
    full = alerts.alert_list(supervisor, ON)
    assert full.names[("person", 4)] not in {RESTRICTED_LABEL, "Person #4"}
    officer.glass_broken.add(4)  # opened with a reason
    assert alerts.alert_list(officer, ON).names[("person", 4)] == full.names[("person", 4)]
    for _actor, _entity, detail in events(small, "search"):
        assert full.names[("person", 4)] not in json.dumps(detail)


def test_only_the_author_or_a_supervisor_changes_an_alert_review(small: Database) -> None:
    officer = signed_in(small, Role.OFFICER)
    colleague = signed_in(small, Role.OFFICER, "officer-two")
    supervisor = signed_in(small, Role.SUPERVISOR)

    def note_in_force() -> str | None:
        [item] = [item for item in alerts.alert_list(supervisor, ON).items
                  if item.alert.subject_id == 4 and item.alert.crime_type is CrimeType.DV]
        return None if item.review is None else item.review.note

    first = alerts.review_alert(officer, DV_REPEAT_4, "Phoned her.", ON)
    assert first.changes.alerts and first.value.actor == "test-officer"
    with pytest.raises(NotAllowed, match=r"^Your role \(officer\) does not allow changing "
                       r"another officer's alert review\.$"):
        alerts.review_alert(colleague, DV_REPEAT_4, "Not mine to change.", ON)
    assert note_in_force() == "Phoned her."
    alerts.review_alert(officer, DV_REPEAT_4, "Phoned her; safety plan agreed.", ON)
    assert note_in_force() == "Phoned her; safety plan agreed."  # one's own: allowed

    alerts.review_alert(supervisor, DV_REPEAT_4, "Referred to MARAC.", ON)
    assert note_in_force() == "Referred to MARAC."
    with pytest.raises(NotAllowed):
        alerts.review_alert(officer, DV_REPEAT_4, "Back to my note.", ON)
    assert note_in_force() == "Referred to MARAC."
    refusals = events(small, "refused")
    assert [(actor, detail["action"]) for actor, _entity, detail in refusals] == [
        ("officer-two", "alerts.review_alert"), ("test-officer", "alerts.review_alert")]
    assert alerts.may_change_review(supervisor, first.value)
    assert not alerts.may_change_review(colleague, first.value)


# Every action of this area, every role ------------------------------------------------------


def _calls(tmp_path: Path) -> dict[str, Callable[[SignedIn], object]]:
    periods = periods_between(QUARTER.start, QUARTER.end, PeriodKind.QUARTER)
    return {
        "figures.dashboard": lambda user: figures.dashboard(user, ON),
        "figures.overdue_marac_actions": lambda user: figures.overdue_marac_actions(user, ON),
        "figures.figure_rows": lambda user: figures.figure_rows(user, periods),
        "figures.export_figures": lambda user: figures.export_figures(
            user, None, QUARTER.start, QUARTER.end, PeriodKind.QUARTER, [], by_ward=False,
            fmt="csv", publish=False),
        "reports.report_summary": lambda user: reports.report_summary(user, QUARTER),
        "reports.print_quarterly_report": lambda user: reports.print_quarterly_report(
            user, QUARTER, tmp_path / "report.pdf"),
        "reports.quarterly_report_for_printer": lambda user:
            reports.quarterly_report_for_printer(user, QUARTER, "printer"),
        "reports.save_report_workbook": lambda user: reports.save_report_workbook(
            user, QUARTER, tmp_path / "figures.xlsx"),
        "reports.export_incident_list": lambda user: reports.export_incident_list(
            user, tmp_path / "list.csv", QUARTER.start, QUARTER.end, [], "csv"),
        "alerts.current_alerts": lambda user: alerts.current_alerts(user, ON),
        "alerts.alert_list": lambda user: alerts.alert_list(user, ON),
        "alerts.review_alert": lambda user: alerts.review_alert(
            user, DV_REPEAT_4, "Seen.", ON),
    }


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_exactly_what_its_permissions_say(
        database: Database, tmp_path: Path, role: Role) -> None:
    user = signed_in(database, role)
    calls = _calls(tmp_path)
    ours = {name for name in REGISTRY if name.split(".")[0] in {"figures", "reports", "alerts"}}
    assert ours == set(calls)
    for name, call in calls.items():
        permission = REGISTRY[name].permission
        assert permission is not None
        if user.can(permission):
            try:
                call(user)
            except NotFound:  # an empty database has no alert to review
                assert name == "alerts.review_alert"
        else:
            with pytest.raises(NotAllowed, match=rf"^Your role \({role.value}\) does not "
                               rf"allow {permission.value}\.$"):
                call(user)
    refused = [detail["action"] for _actor, _entity, detail in events(database, "refused")]
    assert refused == [name for name, _call in calls.items()
                       if not user.can(REGISTRY[name].permission)]  # type: ignore[arg-type]
