"""Administrators' work on accounts: add, disable and enable, reset a password, change a
role. Nobody deletes an account: its audit trail stays attributable."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scs_victims import accounts
from scs_victims.accounts import Account, Role
from scs_victims.actions import keys
from scs_victims.actions.base import SignedIn, action, consult, writing
from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.audit import record
from scs_victims.errors import FormInvalid, InputRefused

_CHANGED = OpChanges(accounts=True)


@action(Permission.MANAGE_USERS)
def list_users(user: SignedIn) -> list[Account]:
    return consult(user, accounts.list_accounts, lambda _accounts: [])


@action(Permission.MANAGE_USERS)
def add_user(user: SignedIn, name: str, role: Role, password: str,
             full_name: str | None = None) -> Changed[Account]:
    """A new account, whose password the user must change at first sign-in."""
    with writing(user) as session:
        account = accounts.create_account(session, name, role, password, created_by=user.name,
                                          full_name=full_name, must_change_password=True)
        record(session, "user", "user", account.id, {"created": account.name,
                                                     "role": role.value})
    keys.wrap_for(user, account.name, password)
    return Changed(account, _CHANGED)


def _refuse_last_admin(session: Session, name: str) -> None:
    target = accounts.get_account(session, name)
    if target.role is Role.ADMIN and not target.disabled and accounts.active_admins(
            session) <= 1:
        raise InputRefused(f"{target.name} is the only administrator left; make another "
                           "administrator first.")


@action(Permission.MANAGE_USERS)
def disable_user(user: SignedIn, name: str) -> Changed[Account]:
    with writing(user) as session:
        _refuse_last_admin(session, name)
        account = accounts.set_disabled(session, name, True)
        record(session, "user", "user", account.id, {"disabled": account.name})
    keys.unwrap_for(user, account.name)  # it can no longer unlock the file
    return Changed(account, _CHANGED)


@action(Permission.MANAGE_USERS)
def enable_user(user: SignedIn, name: str, new_password: str | None = None
                ) -> Changed[Account]:
    """Let a disabled account sign in again. On an encrypted database its key was taken
    away when it was disabled: it gets ``new_password`` (to change at next sign-in) and the
    key wrapped with it."""
    needs_password = not keys.holds_key(user, name)
    if needs_password and not new_password:
        raise FormInvalid({"new_password": "Give the account a new password: its access to "
                                           "the encrypted database was removed when it was "
                                           "disabled."})
    with writing(user) as session:
        account = accounts.set_disabled(session, name, False)
        if needs_password and new_password:
            account = accounts.set_password(session, name, new_password, must_change=True)
        record(session, "user", "user", account.id, {"enabled": account.name,
                                                     "password_reset": needs_password})
    if needs_password and new_password:
        keys.wrap_for(user, account.name, new_password)
    return Changed(account, _CHANGED)


@action(Permission.MANAGE_USERS)
def reset_password(user: SignedIn, name: str, new_password: str) -> Changed[Account]:
    """A password the administrator passes on; the user must change it at next sign-in."""
    with writing(user) as session:
        account = accounts.set_password(session, name, new_password, must_change=True)
        record(session, "user", "user", account.id, {"password_reset": account.name})
    if not account.disabled:  # a disabled account gets its key back when enabled
        keys.wrap_for(user, account.name, new_password)
    return Changed(account, _CHANGED)


@action(Permission.MANAGE_USERS)
def set_role(user: SignedIn, name: str, role: Role) -> Changed[Account]:
    with writing(user) as session:
        if role is not Role.ADMIN:
            _refuse_last_admin(session, name)
        account = accounts.set_role(session, name, role)
        record(session, "user", "user", account.id, {"role": role.value,
                                                     "account": account.name})
    return Changed(account, _CHANGED)
