"""The signed-in user and the two ways an action reaches the database.

Every action is a function ``name(user: SignedIn, ...)`` decorated with ``@action(permission)``:
the decorator refuses (and audits the refusal) before any work when the user's role does
not allow it. Inside, an action opens exactly one unit of work:

- ``writing(user)``: one transaction whose audit events are attributed to the user;
- ``consult(user, read, seen)``: a read, then the consultation it was (``view``, ``search``,
  ``print``, ``export``) written to the audit log before the result is handed back, so nobody
  sees a record without it being recorded.

A user who signed in read-only (someone else has the file open: ``storage.presence``) is
refused every change with ``ReadOnlyOpen`` before it starts; their consultations are still
recorded (``recording`` writes events only, and is allowed).

Sessions never leave this layer: actions return plain data, and writes return ``Changed``
(the value and an ``OpChanges``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from scs_victims import accounts
from scs_victims.accounts import Account, Role
from scs_victims.actions.permissions import Permission, allows
from scs_victims.audit import Actor, acting_as, os_login, record
from scs_victims.errors import ConcurrentChange, NotAllowed, ReadOnlyOpen
from scs_victims.storage.database import Database

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
# A consultation written after a read is retried this often when another writer got in
# between (SQLite then refuses the late write of a read transaction).
AUDIT_ATTEMPTS = 5


@dataclass(eq=False)
class SignedIn:
    """Who is using the database now: the account (as it was at sign-in, its role re-read
    by every action) and the login beside it."""

    database: Database
    account: Account
    login: str | None = field(default_factory=os_login)
    # Restricted people this sign-in has opened with a reason (break glass): asked once.
    glass_broken: set[int] = field(default_factory=set)
    # Who else had the file open when this sign-in opened it read-only ("ada on PC-0142
    # since 09:14"); None for an ordinary sign-in.
    in_use_by: str | None = None

    @property
    def read_only(self) -> bool:
        return self.in_use_by is not None

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def role(self) -> Role:
        return self.account.role

    @property
    def location(self) -> str:
        return self.database.location

    @property
    def actor(self) -> Actor:
        return Actor(self.account.name, self.account.id, self.login)

    def can(self, permission: Permission) -> bool:
        return allows(self.account.role, permission)


@dataclass(frozen=True, slots=True)
class Consulted:
    """One audit event of consultation: what was seen, printed or exported."""

    kind: str  # view, search, print, export, break_glass
    entity: str  # person, incident, marac_case, meeting, report, incident_list, ...
    entity_id: int | None = None
    detail: dict[str, Any] | None = None


def refusal_sentence(role: Role, permission: Permission) -> str:
    return f"Your role ({role.value}) does not allow {permission.value}."


def refuse(user: SignedIn, permission: Permission, action_name: str) -> NotAllowed:
    """Record the refusal (in its own transaction: the refused work never started) and
    return the error to raise."""
    try:
        _append(user, [Consulted("refused", "action", None,
                                 {"action": action_name, "permission": permission.name,
                                  "role": user.role.value})])
    except Exception:  # noqa: BLE001 - the refusal stands even if it cannot be recorded
        log.exception("A refusal could not be recorded in the audit log")
    return NotAllowed(refusal_sentence(user.role, permission))


def require(user: SignedIn, permission: Permission, action_name: str = "") -> None:
    if not user.can(permission):
        raise refuse(user, permission, action_name or permission.name.lower())


def action(permission: Permission | None
           ) -> Callable[[Callable[Concatenate[SignedIn, P], T]],
                         Callable[Concatenate[SignedIn, P], T]]:
    """Mark a function as a use case: checked against ``permission`` (None: any signed-in
    user) before it runs, and listed in ``REGISTRY`` for the permission tests."""

    def decorate(function: Callable[Concatenate[SignedIn, P], T]
                 ) -> Callable[Concatenate[SignedIn, P], T]:
        name = f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}"

        @functools.wraps(function)
        def checked(user: SignedIn, /, *args: P.args, **kwargs: P.kwargs) -> T:
            if permission is not None:
                require(user, permission, name)
            token = _running.set((name, permission))
            try:
                return function(user, *args, **kwargs)
            finally:
                _running.reset(token)

        REGISTRY[name] = ActionInfo(name, permission, checked)
        return checked

    return decorate


@dataclass(frozen=True, slots=True)
class ActionInfo:
    name: str
    permission: Permission | None
    function: Callable[..., Any]


REGISTRY: dict[str, ActionInfo] = {}
# The action running on this thread and its permission, checked again against the role as
# stored now (an administrator may have changed it since sign-in).
_running: ContextVar[tuple[str, Permission | None] | None] = ContextVar(
    "scs_victims_action", default=None)


def _check_still_allowed(session: Session, user: SignedIn) -> None:
    """A disabled account or a changed role takes effect at once, not at the next sign-in."""
    current = accounts.account_by_id(session, user.account.id)
    if current is None or current.disabled:
        raise NotAllowed("Your account has been disabled; ask an administrator.")
    if current.role is not user.account.role:
        user.account = current
        running = _running.get()
        if running is not None and running[1] is not None:
            require(user, running[1], running[0])


def refuse_read_only(user: SignedIn) -> None:
    """Refuse a change before it starts when ``user`` opened the database read-only."""
    if user.in_use_by is not None:
        raise ReadOnlyOpen(f"This database is open read-only because it is in use by "
                           f"{user.in_use_by}; nothing was changed. Close it and open it "
                           "again once they have finished.")


def refuse_changes(user: SignedIn) -> None:
    """Refuse a change before it starts when ``user`` opened the database read-only, or the
    file has been found damaged (``storage.damage``: nothing more is written into it until
    a backup is restored)."""
    refuse_read_only(user)
    user.database.refuse_writes_if_damaged()


def confirm_account(user: SignedIn, *, writes: bool = True) -> None:
    """For work that opens its own sessions (imports, backups, the demo borough): the account
    is still enabled, and its role current, before the work starts; work that ``writes`` is
    refused to a read-only sign-in."""
    if writes:
        refuse_changes(user)
    with user.database.session() as session:
        _check_still_allowed(session, user)


@contextmanager
def writing(user: SignedIn, stop: Callable[[], bool] | None = None) -> Iterator[Session]:
    """One unit of work as ``user``: commits when the block ends, rolls back if it raises."""
    refuse_changes(user)
    with acting_as(user.actor), user.database.session(stop=stop, immediate=True) as session:
        _check_still_allowed(session, user)
        yield session


@contextmanager
def recording(user: SignedIn) -> Iterator[Session]:
    """A transaction that only records events (``record``, ``note``) about what the user
    did without changing anything: a backup made, a search run over a list the screen
    holds, a reason given to open a restricted record. Allowed to a read-only sign-in, like
    the consultations ``consult`` records."""
    with acting_as(user.actor), user.database.session(immediate=True) as session:
        _check_still_allowed(session, user)
        yield session


def consult(user: SignedIn, read: Callable[[Session], T],
            seen: Callable[[T], Iterable[Consulted]],
            stop: Callable[[], bool] | None = None) -> T:
    """Read, then record what the user saw; the result is returned only once recorded."""
    with acting_as(user.actor), user.database.session(stop=stop) as session:
        _check_still_allowed(session, user)
        result = read(session)
    events = list(seen(result))
    if events:
        _append(user, events)
    return result


def note(session: Session, events: Iterable[Consulted]) -> None:
    """Record consultations inside a write's own transaction (a print that also saves)."""
    for event in events:
        record(session, event.kind, event.entity, event.entity_id, event.detail)


def _append(user: SignedIn, events: list[Consulted]) -> None:
    for attempt in range(1, AUDIT_ATTEMPTS + 1):
        try:
            with acting_as(user.actor), user.database.session(immediate=True) as session:
                note(session, events)
            return
        except ConcurrentChange:
            if attempt == AUDIT_ATTEMPTS:
                raise


def record_events(user: SignedIn, events: Iterable[Consulted]) -> None:
    """Record events on their own (a sign-out, a print sent to a printer after rendering)."""
    _append(user, list(events))
