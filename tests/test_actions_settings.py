"""The settings and import actions: who may read and change what, what each change says it
changed, and that the audit log names the signed-in account. Every record is invented."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from scs_victims.accounts import Role
from scs_victims.actions import imports
from scs_victims.actions import settings as settings_actions
from scs_victims.actions.base import REGISTRY, SignedIn
from scs_victims.actions.changes import OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.errors import InputRefused, NotAllowed
from scs_victims.importing.mapping import IGNORE, ColumnMapping
from scs_victims.services.wards import WardEdit
from scs_victims.settings import (
    AreaSettings,
    RuleSettings,
    SecuritySettings,
    load_rules,
    load_security,
)
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent, Setting
from tests.helpers.accounts import signed_in
from tests.helpers.records import stored_records
from tests.test_import_wards import write_wards

TODAY = date(2026, 1, 1)


def events(database: Database, kind: str) -> list[AuditEvent]:
    with database.session() as session:
        found = list(session.scalars(select(AuditEvent).where(AuditEvent.action == kind)
                                     .order_by(AuditEvent.id)))
        session.expunge_all()
    return found


@pytest.fixture
def admin(database: Database) -> SignedIn:
    return signed_in(database, Role.ADMIN)


@pytest.fixture
def officer(database: Database) -> SignedIn:
    return signed_in(database, Role.OFFICER)


@pytest.fixture
def small(database: Database, admin: SignedIn, shared_data: Path) -> Database:
    settings_actions.load_wards_file(admin, shared_data / "wards.csv")
    imports.import_incidents(admin, shared_data / "incidents-small.csv", today=TODAY)
    return database


def test_every_action_asks_for_the_permission_of_the_issue() -> None:
    expected = {
        "settings.rules": None, "settings.area": None, "settings.security": None,
        "settings.list_wards": None,
        "settings.change_rules": Permission.CHANGE_SETTINGS,
        "settings.save_area": Permission.CHANGE_SETTINGS,
        "settings.save_security": Permission.CHANGE_SETTINGS,
        "settings.save_wards": Permission.CHANGE_SETTINGS,
        "settings.load_wards_file": Permission.CHANGE_SETTINGS,
        "imports.preview": Permission.IMPORT, "imports.offered_mapping": Permission.IMPORT,
        "imports.save_mapping": Permission.IMPORT, "imports.check_incidents": Permission.IMPORT,
        "imports.import_incidents": Permission.IMPORT,
    }
    assert {name: REGISTRY[name].permission for name in expected} == expected


def test_an_officer_changing_a_rule_is_refused_and_the_refusal_recorded(
        database: Database, officer: SignedIn) -> None:
    with pytest.raises(NotAllowed) as refused:
        settings_actions.change_rules(officer, {"window_months_dv": 3})
    assert str(refused.value) == "Your role (officer) does not allow changing settings."
    [event] = events(database, "refused")
    assert event.actor == officer.name and event.account_id == officer.account.id
    assert json.loads(event.detail or "{}")["action"] == "settings.change_rules"
    with database.session() as session:
        assert load_rules(session).window_months_dv == 12
    assert events(database, "setting") == []


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_reads_the_settings(database: Database, role: Role) -> None:
    user = signed_in(database, role)
    assert settings_actions.rules(user) == RuleSettings()
    assert settings_actions.area(user) == AreaSettings()
    assert settings_actions.security(user) == SecuritySettings()
    assert settings_actions.list_wards(user) == []
    assert events(database, "refused") == []


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.ADMIN])
def test_only_an_administrator_changes_settings(database: Database, role: Role,
                                                tmp_path: Path) -> None:
    user = signed_in(database, role)
    path = write_wards(tmp_path / "wards.csv", [["Testford North", "", "100", ""]])
    attempts = [
        lambda: settings_actions.save_area(user, AreaSettings(area_name="Elsewhere")),
        lambda: settings_actions.save_security(user, SecuritySettings(5)),
        lambda: settings_actions.save_wards(user, [WardEdit(None, "Testford", None, None,
                                                            None)]),
        lambda: settings_actions.load_wards_file(user, path),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match=r"does not allow changing settings\.$"):
            attempt()
    assert len(events(database, "refused")) == len(attempts)
    assert settings_actions.area(user) == AreaSettings()
    assert settings_actions.list_wards(user) == []


def test_a_new_window_recomputes_and_says_so(small: Database, admin: SignedIn) -> None:
    seen: list[tuple[int, int | None]] = []
    changed = settings_actions.change_rules(admin, {"window_months_burglary": 3},
                                            lambda done, total: seen.append((done, total)))
    assert changed.value.recomputed and changed.value.flags_changed > 0
    assert changed.changes == OpChanges(rules=True, incidents=True, alerts=True)
    assert seen
    threshold = settings_actions.change_rules(admin, {"dv_escalation_incidents": 4})
    assert threshold.changes == OpChanges(rules=True)
    assert {(event.actor, event.account_id) for event in events(small, "setting")} == {
        (admin.name, admin.account.id)}


def test_the_idle_lock_round_trips_and_is_audited(database: Database,
                                                  admin: SignedIn) -> None:
    assert settings_actions.security(admin).idle_lock_minutes == 10
    for minutes in (1, 240, 25):
        changed = settings_actions.save_security(admin, SecuritySettings(minutes))
        assert changed.value == SecuritySettings(minutes)
        assert changed.changes == OpChanges(area=True)
        assert settings_actions.security(signed_in(database, Role.OFFICER)) == \
            SecuritySettings(minutes)
    settings_actions.save_security(admin, SecuritySettings(25))  # unchanged: no new event
    audited = events(database, "setting")
    assert [json.loads(event.detail or "{}") for event in audited] == [
        {"security": {"idle_lock_minutes": minutes}} for minutes in (1, 240, 25)]
    assert {event.actor for event in audited} == {admin.name}


@pytest.mark.parametrize("minutes", [0, -5, 241, 10_000, True, 2.5])
def test_an_idle_lock_out_of_range_is_refused(database: Database, admin: SignedIn,
                                              minutes: object) -> None:
    with pytest.raises(InputRefused, match="between 1 and 240"):
        settings_actions.save_security(admin, SecuritySettings(minutes))  # type: ignore[arg-type]
    assert settings_actions.security(admin) == SecuritySettings()
    assert events(database, "setting") == []


def test_an_idle_lock_stored_out_of_range_gives_the_default(database: Database) -> None:
    with database.session() as session:
        session.add(Setting(name="security", value=json.dumps({"idle_lock_minutes": 0})))
    with database.session() as session:
        assert load_security(session) == SecuritySettings()


def test_wards_saved_and_loaded_name_the_account(database: Database, admin: SignedIn,
                                                 tmp_path: Path) -> None:
    path = write_wards(tmp_path / "wards.csv", [["Testford North", "E05000001", "100", "40"]])
    loaded = settings_actions.load_wards_file(admin, path)
    assert (loaded.value.added, loaded.changes) == (1, OpChanges(wards=True))
    [ward] = settings_actions.list_wards(admin)
    saved = settings_actions.save_wards(admin, [
        WardEdit(ward.id, ward.name, ward.code, 120, 40),
        WardEdit(None, "Testford South", None, None, None)])
    assert (saved.value.added, saved.value.updated) == (1, 1)
    assert [item.name for item in settings_actions.list_wards(admin)] == [
        "Testford North", "Testford South"]
    written = events(database, "insert") + events(database, "update")
    assert len(written) == 3
    assert {(event.actor, event.account_id) for event in written} == {
        (admin.name, admin.account.id)}


def test_an_import_names_the_signed_in_account(database: Database, officer: SignedIn,
                                               shared_data: Path) -> None:
    changed = imports.import_incidents(officer, shared_data / "incidents-small.csv",
                                       today=TODAY)
    assert changed.value.committed and changed.value.imported > 0
    assert changed.changes == OpChanges(people=True, incidents=True, alerts=True, wards=True)
    written = events(database, "import") + events(database, "insert")
    assert any(event.action == "import" for event in written)
    assert {(event.actor, event.account_id) for event in written} == {
        (officer.name, officer.account.id)}


def test_an_analyst_may_not_import(database: Database, shared_data: Path) -> None:
    analyst = signed_in(database, Role.ANALYST)
    before = stored_records(database)
    with pytest.raises(NotAllowed, match=r"^Your role \(analyst\) does not allow importing "
                                         r"files\.$"):
        imports.import_incidents(analyst, shared_data / "incidents-small.csv", today=TODAY)
    with pytest.raises(NotAllowed):
        imports.preview(analyst, shared_data / "incidents-small.csv")
    assert stored_records(database) == before
    assert len(events(database, "refused")) == 2


def test_checking_and_mapping_a_file(database: Database, officer: SignedIn,
                                     shared_data: Path) -> None:
    path = shared_data / "incidents-small.csv"
    before = stored_records(database)
    preview = imports.preview(officer, path)
    assert preview.headers and not preview.needs_mapping
    checked = imports.check_incidents(officer, path, today=TODAY)
    assert checked.checked_only and checked.imported > 0
    assert stored_records(database) == before
    headers = ["Crime Ref", "Other"]
    offered, saved = imports.offered_mapping(officer, headers)
    assert not saved
    chosen = ColumnMapping({"Crime Ref": "reference", "Other": IGNORE})
    assert imports.save_mapping(officer, headers, chosen).changes == OpChanges()
    assert imports.offered_mapping(officer, headers) == (chosen, True)
    assert offered.column_for("Other") == IGNORE
