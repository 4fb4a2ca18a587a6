"""Signing in and out, the first administrator of a database, one's own password, the
idle lock.

A database made before accounts existed has none: it asks for its first administrator, and
is backed up before that account is written (``create_first_admin``). The key of an
encrypted database will be wrapped for each account with a key derived from its password
(issue 17), so everything that unlocks the file goes through ``sign_in`` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scs_victims import accounts
from scs_victims.accounts import Account, Role
from scs_victims.actions.base import Consulted, SignedIn, action, writing
from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.audit import Actor, acting_as, os_login, record
from scs_victims.errors import FormInvalid, NoAccounts, SignInRefused
from scs_victims.storage.database import Database

WRONG = "The user name or password is not right; nothing was opened."
DISABLED = "This account is disabled; ask an administrator to enable it."


def has_accounts(database: Database) -> bool:
    with database.session() as session:
        return accounts.count_accounts(session) > 0


def sign_in(database: Database, name: str, password: str) -> SignedIn:
    """The account, once its password is verified; a failure is recorded for administrators
    (the audit log, and the account's count of failed sign-ins) and refused with a sentence."""
    login = os_login()
    with database.session(immediate=True) as session:
        if accounts.count_accounts(session) == 0:
            raise NoAccounts("This database has no user accounts yet: its first "
                             "administrator has to be created.")
        verdict = accounts.check_password(session, name, password)
        if verdict.account is None:
            known = verdict.known_name
            actor = Actor(accounts.get_account(session, name).name if known else "unknown",
                          None, login)
            reason = ("disabled account" if verdict.disabled else
                      "wrong password" if known else "unknown user name")
            with acting_as(actor):
                record(session, "sign_in_failed", "user", None, {"reason": reason})
            failure = SignInRefused(DISABLED if verdict.disabled and known else WRONG)
        else:
            with acting_as(Actor(verdict.account.name, verdict.account.id, login)):
                record(session, "sign_in", "user", verdict.account.id, None)
            return SignedIn(database, verdict.account, login)
    raise failure  # raised after the block, so the record of the failure is committed


def create_first_admin(database: Database, name: str, password: str,
                       full_name: str | None = None) -> tuple[SignedIn, Path | None]:
    """The first administrator of a database without accounts, signed in. A database that
    already holds records is backed up first; the backup's path is returned."""
    from scs_victims.services.backups import back_up_now

    backup: Path | None = None
    with database.session() as session:
        if accounts.count_accounts(session) > 0:
            raise FormInvalid({"name": "This database already has accounts: sign in instead."})
        holds_records = _holds_records(session)
    if holds_records and database.path is not None:
        backup = back_up_now(database).path
    login = os_login()
    with database.session(immediate=True) as session:
        if accounts.count_accounts(session) > 0:  # another process got there first
            raise FormInvalid({"name": "This database already has accounts: sign in instead."})
        account = accounts.create_account(session, name, Role.ADMIN, password,
                                          created_by=None, full_name=full_name,
                                          must_change_password=False)
        account = accounts.note_sign_in(session, account.id)
        with acting_as(Actor(account.name, account.id, login)):
            record(session, "user", "user", account.id,
                   {"created": account.name, "role": Role.ADMIN.value, "first": True,
                    "backup": backup.name if backup else None})
            record(session, "sign_in", "user", account.id, None)
    return SignedIn(database, account, login), backup


def _holds_records(session: object) -> bool:
    from sqlalchemy import exists, select
    from sqlalchemy.orm import Session

    from scs_victims.storage.models import AuditEvent

    assert isinstance(session, Session)
    return bool(session.scalar(select(exists().where(AuditEvent.id.is_not(None)))))


@dataclass(frozen=True, slots=True)
class PasswordChanged:
    account: Account


@action(None)
def change_own_password(user: SignedIn, current: str, new: str) -> Changed[PasswordChanged]:
    """The user's own new password (asked for at the next sign-in after a reset)."""
    with writing(user) as session:
        if accounts.check_password(session, user.name, current).account is None:
            raise FormInvalid({"current_password": "That is not your current password."})
        account = accounts.set_password(session, user.name, new, must_change=False)
        record(session, "user", "user", account.id, {"password_changed": account.name})
    user.account = account
    return Changed(PasswordChanged(account), OpChanges(accounts=True))


@action(None)
def unlock(user: SignedIn, password: str) -> None:
    """Open the window again after the idle lock: the same password as at sign-in."""
    with writing(user) as session:
        verdict = accounts.check_password(session, user.name, password)
        if verdict.account is not None:
            record(session, "unlock", "user", user.account.id, None)
            return
        record(session, "sign_in_failed", "user", user.account.id, {"reason": "wrong password "
                                                                    "at the idle lock"})
    raise SignInRefused("That is not the right password.")


@action(None)
def sign_out(user: SignedIn) -> None:
    from scs_victims.actions.base import record_events

    record_events(user, [Consulted("sign_out", "user", user.account.id)])
