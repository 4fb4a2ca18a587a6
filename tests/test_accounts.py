"""Accounts and signing in (issue 16, Build 1): Argon2id hashes, failures recorded for
administrators, disabling instead of deleting, resets that must be changed, the first
administrator of a database made before accounts (backed up first)."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from scs_victims import accounts
from scs_victims.accounts import Role
from scs_victims.actions import signing_in, users
from scs_victims.actions.maintenance import overview
from scs_victims.audit_trail import AuditFilter, audit_rows
from scs_victims.errors import FormInvalid, InputRefused, NoAccounts, NotAllowed, SignInRefused
from scs_victims.storage.database import Database
from scs_victims.storage.models import User
from tests.helpers.accounts import TEST_PASSWORD, signed_in


def _kinds(database: Database, kind: str) -> list[tuple[str, str | None]]:
    with database.session() as session:
        return [(row.user, row.detail) for row in audit_rows(session, AuditFilter(kind=kind))]


def test_a_database_without_accounts_asks_for_its_first_administrator(database: Database
                                                                      ) -> None:
    assert not signing_in.has_accounts(database)
    with pytest.raises(NoAccounts):
        signing_in.sign_in(database, "anyone", "whatever-password")
    admin, backup = signing_in.create_first_admin(database, "ada.admin", "first-admin-pass-9")
    assert backup is None  # nothing to lose in a new database
    assert admin.role is Role.ADMIN and not admin.account.must_change_password
    assert signing_in.has_accounts(database)
    with pytest.raises(FormInvalid):
        signing_in.create_first_admin(database, "second", "first-admin-pass-9")


def test_an_old_database_holding_records_is_backed_up_before_its_first_account(
        database: Database) -> None:
    from scs_victims.audit import record

    with database.session() as session:
        record(session, "load", "ward", 1)  # as every write before accounts left
    _admin, backup = signing_in.create_first_admin(database, "ada.admin", "first-admin-pass-9")
    assert backup is not None and backup.is_file()
    assert backup.parent.name == "backups"


def test_passwords_are_stored_as_argon2id_hashes(database: Database) -> None:
    signed_in(database, Role.OFFICER, "olive")
    with database.session() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert TEST_PASSWORD not in stored
    assert PasswordHasher().verify(stored, TEST_PASSWORD)


def test_a_hash_made_with_older_parameters_is_renewed_at_sign_in(database: Database) -> None:
    signed_in(database, Role.OFFICER, "olive")
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(TEST_PASSWORD)
    with database.session() as session:
        session.scalars(select(User)).one().password_hash = weak
    signing_in.sign_in(database, "olive", TEST_PASSWORD)
    with database.session() as session:
        renewed = session.scalars(select(User.password_hash)).one()
    assert renewed != weak and not PasswordHasher().check_needs_rehash(renewed)


@pytest.mark.parametrize("name", ["olive", "nobody"])
def test_a_wrong_password_or_unknown_name_is_refused_and_recorded(database: Database,
                                                                  name: str) -> None:
    signed_in(database, Role.OFFICER, "olive")
    with pytest.raises(SignInRefused, match="user name or password is not right"):
        signing_in.sign_in(database, name, "not-the-password")
    failures = _kinds(database, "sign_in_failed")
    assert len(failures) == 1
    assert failures[0][0] == ("olive" if name == "olive" else "unknown")
    assert "not-the-password" not in str(failures)
    if name == "olive":
        with database.session() as session:
            assert accounts.get_account(session, "olive").failed_sign_ins == 1


def test_names_are_matched_without_regard_to_case(database: Database) -> None:
    signed_in(database, Role.OFFICER, "Olive.Smith")
    assert signing_in.sign_in(database, "olive.smith", TEST_PASSWORD).name == "Olive.Smith"


def test_a_disabled_account_cannot_sign_in_or_act_and_is_never_deleted(database: Database
                                                                      ) -> None:
    admin = signed_in(database)
    officer = signed_in(database, Role.OFFICER, "olive")
    users.disable_user(admin, "olive")
    with pytest.raises(SignInRefused, match="disabled"):
        signing_in.sign_in(database, "olive", TEST_PASSWORD)
    with pytest.raises(NotAllowed, match="disabled"):
        overview(officer, date(2025, 1, 1))  # already signed in: refused at once
    assert [account.name for account in users.list_users(admin)] == ["olive", "test-admin"]
    users.enable_user(admin, "olive")
    assert signing_in.sign_in(database, "olive", TEST_PASSWORD).name == "olive"


def test_a_reset_password_must_be_changed_at_next_sign_in(database: Database) -> None:
    admin = signed_in(database)
    signed_in(database, Role.OFFICER, "olive")
    users.reset_password(admin, "olive", "handed-over-pass-1")
    olive = signing_in.sign_in(database, "olive", "handed-over-pass-1")
    assert olive.account.must_change_password
    with pytest.raises(FormInvalid) as refused:
        signing_in.change_own_password(olive, "wrong-current-1", "my-own-secret-22")
    assert "current_password" in refused.value.errors
    signing_in.change_own_password(olive, "handed-over-pass-1", "my-own-secret-22")
    again = signing_in.sign_in(database, "olive", "my-own-secret-22")
    assert not again.account.must_change_password


@pytest.mark.parametrize(("password", "field"), [("short", "password"),
                                                  ("aaaaaaaaaaaa", "password")])
def test_weak_new_passwords_are_refused_on_their_field(database: Database, password: str,
                                                       field: str) -> None:
    admin = signed_in(database)
    with pytest.raises(FormInvalid) as refused:
        users.add_user(admin, "newbie", Role.OFFICER, password)
    assert field in refused.value.errors


def test_the_last_administrator_cannot_be_disabled_or_demoted(database: Database) -> None:
    admin = signed_in(database)
    with pytest.raises(InputRefused, match="only administrator"):
        users.disable_user(admin, admin.name)
    with pytest.raises(InputRefused, match="only administrator"):
        users.set_role(admin, admin.name, Role.OFFICER)


def test_a_role_change_takes_effect_at_the_next_action(database: Database) -> None:
    admin = signed_in(database)
    officer = signed_in(database, Role.OFFICER, "olive")
    users.set_role(admin, "olive", Role.AUDITOR)
    with pytest.raises(NotAllowed, match=r"Your role \(auditor\) does not allow seeing "
                                         "figures."):
        overview(officer, date(2025, 1, 1))


def test_user_management_is_for_administrators_and_refusals_are_recorded(database: Database
                                                                         ) -> None:
    supervisor = signed_in(database, Role.SUPERVISOR)
    with pytest.raises(NotAllowed, match=r"Your role \(supervisor\) does not allow managing "
                                         "user accounts."):
        users.add_user(supervisor, "x", Role.OFFICER, "some-long-password")
    refused = _kinds(database, "refused")
    assert refused[0][0] == "test-supervisor"
    assert "users.add_user" in (refused[0][1] or "")


def test_sign_in_and_out_are_recorded_with_the_os_login(database: Database) -> None:
    user = signed_in(database, Role.OFFICER)
    signing_in.sign_out(user)
    with database.session() as session:
        rows = audit_rows(session, AuditFilter(user=user.name))
    assert [row.kind for row in rows][:2] == ["sign_out", "sign_in"]
    assert rows[0].os_login == user.login
