"""User accounts: names, roles, Argon2id password hashes, disabling instead of deleting.

Services here take the caller's session like every other; permission checks and the audit of
who did it are the use-case layer's (scs_victims.actions.users).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scs_victims.errors import FormInvalid, InputRefused, NotFound
from scs_victims.storage.models import User

MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 60
# argon2-cffi's defaults (RFC 9106's second recommended option); ``needs_rehash`` notices when
# a newer release changes them and the password is hashed again at the next sign-in.
_hasher = PasswordHasher()
# Verified against when the name is unknown, so an unknown name takes as long as a wrong
# password and the time does not tell which names exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone's")


class Role(StrEnum):
    OFFICER = "officer"
    MARAC = "marac"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    ADMIN = "admin"


ROLE_DESCRIPTIONS = {
    Role.OFFICER: "people, incidents, alerts, imports, figures and reports",
    Role.MARAC: "as officer, plus MARAC referrals, DASH, meetings, actions, packs and the "
                "return",
    Role.SUPERVISOR: "as MARAC, plus restricted records and reviewing others' alerts",
    Role.ANALYST: "figures, reports and the incident list without names; no person records",
    Role.AUDITOR: "the audit log only",
    Role.ADMIN: "users, settings, backups, and everything above",
}


@dataclass(frozen=True, slots=True)
class Account:
    """A user account as plain data (never the ORM object)."""

    id: int
    name: str
    full_name: str | None
    role: Role
    disabled: bool
    must_change_password: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    failed_sign_ins: int
    last_failed_at: datetime | None


def _account(user: User) -> Account:
    return Account(user.id, user.name, user.full_name, Role(user.role), user.disabled,
                   user.must_change_password, user.created_at, user.last_sign_in_at,
                   user.failed_sign_ins, user.last_failed_at)


def name_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise InputRefused(f"'{text}' is not a role; the roles are {known}.") from None


def check_new_name(name: str) -> str:
    cleaned = unicodedata.normalize("NFKC", name).strip()
    if not cleaned:
        raise FormInvalid({"name": "Enter a user name."})
    if len(cleaned) > MAX_NAME_LENGTH or any(not (ch.isalnum() or ch in "._-@")
                                             for ch in cleaned):
        raise FormInvalid({"name": f"A user name is up to {MAX_NAME_LENGTH} letters, digits, "
                                   "dots, hyphens, underscores or @, without spaces."})
    return cleaned


def check_new_password(password: str, name: str, field: str = "password") -> None:
    """Length, as the NCSC advises, rather than rules about kinds of character."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FormInvalid({field: f"A password needs at least {MIN_PASSWORD_LENGTH} "
                                  "characters."})
    if name_key(password) == name_key(name) or len(set(password)) < 4:
        raise FormInvalid({field: "Choose a password that is harder to guess."})


def count_accounts(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def list_accounts(session: Session) -> list[Account]:
    return [_account(user) for user in session.scalars(select(User).order_by(User.name_key))]


def _find(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name_key == name_key(name))).first()


def get_account(session: Session, name: str) -> Account:
    user = _find(session, name)
    if user is None:
        raise NotFound(f"There is no user called '{name}'.")
    return _account(user)


def account_by_id(session: Session, account_id: int) -> Account | None:
    user = session.get(User, account_id)
    return None if user is None else _account(user)


def create_account(session: Session, name: str, role: Role, password: str, *,
                   created_by: str | None, full_name: str | None = None,
                   must_change_password: bool = True) -> Account:
    cleaned = check_new_name(name)
    if _find(session, cleaned) is not None:
        raise FormInvalid({"name": f"There is already a user called '{cleaned}'."})
    check_new_password(password, cleaned)
    user = User(name=cleaned, name_key=name_key(cleaned), full_name=(full_name or None),
                role=role.value, password_hash=_hasher.hash(password),
                must_change_password=must_change_password, disabled=False,
                created_at=datetime.now(), created_by=created_by, failed_sign_ins=0)
    session.add(user)
    session.flush()
    return _account(user)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a sign-in attempt found: the account when the password was right."""

    account: Account | None
    known_name: bool
    disabled: bool


def check_password(session: Session, name: str, password: str) -> Verdict:
    """Verify a password (Argon2id); count failures; rehash when parameters have changed."""
    user = _find(session, name)
    if user is None:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return Verdict(None, known_name=False, disabled=False)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_sign_ins += 1
        user.last_failed_at = datetime.now()
        return Verdict(None, known_name=True, disabled=user.disabled)
    if user.disabled:
        return Verdict(None, known_name=True, disabled=True)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_sign_ins = 0
    user.last_sign_in_at = datetime.now()
    session.flush()
    return Verdict(_account(user), known_name=True, disabled=False)


def note_sign_in(session: Session, account_id: int) -> Account:
    """An account signed in without a password check (its creation as first administrator)."""
    user = session.get(User, account_id)
    if user is None:
        raise NotFound("That account does not exist.")
    user.last_sign_in_at = datetime.now()
    session.flush()
    return _account(user)


def accept_proven(session: Session, name: str) -> Verdict:
    """The account whose password has just been proven another way (it unwrapped the
    encrypted database's key, with the same Argon2id cost): not verified a second time."""
    user = _find(session, name)
    if user is None:
        return Verdict(None, known_name=False, disabled=False)
    if user.disabled:
        return Verdict(None, known_name=True, disabled=True)
    user.failed_sign_ins = 0
    user.last_sign_in_at = datetime.now()
    session.flush()
    return Verdict(_account(user), known_name=True, disabled=False)


def _user(session: Session, name: str) -> User:
    user = _find(session, name)
    if user is None:
        raise NotFound(f"There is no user called '{name}'.")
    return user


def set_disabled(session: Session, name: str, disabled: bool) -> Account:
    user = _user(session, name)
    user.disabled = disabled
    if not disabled:
        user.failed_sign_ins = 0
    session.flush()
    return _account(user)


def set_role(session: Session, name: str, role: Role) -> Account:
    user = _user(session, name)
    user.role = role.value
    session.flush()
    return _account(user)


def set_password(session: Session, name: str, password: str, *, must_change: bool) -> Account:
    """A new password (reset by an administrator when ``must_change``, else the user's own)."""
    user = _user(session, name)
    check_new_password(password, user.name, "new_password")
    if not must_change:
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            pass
        else:
            raise FormInvalid({"new_password": "Choose a password you have not used here "
                                               "before."})
    user.password_hash = _hasher.hash(password)
    user.must_change_password = must_change
    session.flush()
    return _account(user)


def active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN.value, User.disabled.is_(False))) or 0
