"""Signing in and out, the first administrator of a database, one's own password, the
idle lock.

A database made before accounts existed has none: it asks for its first administrator. That
is also when it is encrypted (``storage.encryption.convert``): a random key, wrapped for the
administrator in the key file beside it, with a checked, encrypted backup first when it holds
records. Signing in to an encrypted database unwraps its key with the password
(``storage.keyring``) before anything is read; a wrong password is noted in the key file and
moved into the audit log at the next sign-in. Changing or resetting a password re-wraps the
key; disabling an account removes its wrapping.

Someone else having the file open refuses the sign-in (``InUse``, naming them); asked with
``read_only``, it opens the file without claiming it, and every change is then refused
(``actions.base``). Where that is not possible (a network drive, or a file this version
would have to update first) ``InUse.read_only_possible`` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from scs_victims import accounts
from scs_victims.accounts import Account, Role
from scs_victims.actions import keys
from scs_victims.actions.base import Consulted, SignedIn, action, recording, writing
from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.actions.opening import Store
from scs_victims.audit import Actor, acting_as, os_login, record
from scs_victims.errors import FormInvalid, NoAccounts, SignInRefused
from scs_victims.storage import presence
from scs_victims.storage.database import (
    Database,
    OpeningProgress,
    backup_sqlite_file,
    open_database,
    schema_update_needed,
)
from scs_victims.storage.encryption import convert
from scs_victims.storage.keyring import (
    Keyring,
    keyring_path,
    new_key,
    new_keyring,
    read_keyring,
    write_keyring,
)
from scs_victims.storage.presence import InUse  # also for the front ends

WRONG = "The user name or password is not right; nothing was opened."
DISABLED = "This account is disabled; ask an administrator to enable it."
ALREADY = "This database already has accounts: sign in instead."


def has_accounts(store: Store | Database) -> bool:
    if isinstance(store, Store):
        if store.database is None:
            return True  # encrypted: its key file holds the accounts' wrappings
        store = store.database
    with store.session() as session:
        return accounts.count_accounts(session) > 0


def _unlocked(store: Store, name: str, password: str, read_only: bool,
              progress: OpeningProgress | None, stop: Callable[[], bool] | None
              ) -> tuple[Database, list[dict[str, str]]]:
    """The encrypted database opened with the key ``password`` unwraps (migrated if need be:
    ``progress`` hears how far, ``stop`` ends it with ``Cancelled``, the file as it was),
    and the failed unlocks noted since the last sign-in."""
    assert store.path is not None
    keyring = read_keyring(store.path)
    if keyring is None:
        raise SignInRefused(f"The key file of {store.path} is missing; nothing was opened.")
    try:
        key = keyring.unwrap(name, password)
    except SignInRefused:
        keyring.note_failure(name, "wrong password or unknown user name", datetime.now())
        write_keyring(store.path, keyring)
        raise
    if store.database is None or store.database.key != key:
        _refuse_if_in_use(store.path, key, read_only)
        if store.database is not None:
            store.database.close()
            store.database = None
        store.database = open_database(store.path, key=key, progress=progress, stop=stop)
    failures = keyring.take_failures()
    if failures:
        write_keyring(store.path, keyring)
    return store.database, failures


def _refuse_if_in_use(path: Path, key: bytes, read_only: bool) -> None:
    """Before the file is opened (and perhaps updated): refused at once when someone else
    has it open, unless a read-only look is asked for and possible. A file this version
    would have to update is not updated under someone else's feet, even to read it."""
    refusal = presence.in_use(path)
    if refusal is None:
        return
    if refusal.read_only_possible and schema_update_needed(path, key):
        raise InUse(f"{path.name} is in use by {refusal.holder.described}, and this version "
                    "of SCS Victims has to update it before opening it, even read-only. Ask "
                    "them to close it, then try again; nothing was opened.", refusal.holder,
                    read_only_possible=False)
    if not (read_only and refusal.read_only_possible):
        raise refusal


def _claim(path: Path, account: Account, read_only: bool) -> str | None:
    """Claim the file for ``account``; with ``read_only``, when someone else has it open,
    who they are instead (the file then stays theirs)."""
    try:
        presence.claim(path, account.name)
    except InUse as refusal:
        if not (read_only and refusal.read_only_possible):
            raise
        if account.must_change_password:
            raise InUse(f"{path.name} is in use by {refusal.holder.described}, and your "
                        "password has to be changed before you can work, which cannot be "
                        "done read-only. Ask them to close it, then try again; nothing was "
                        "opened.", refusal.holder, read_only_possible=False) from None
        return refusal.holder.described
    return None


def sign_in(store: Store | Database, name: str, password: str, *, read_only: bool = False,
            progress: OpeningProgress | None = None,
            stop: Callable[[], bool] | None = None) -> SignedIn:
    """The account, once its password is verified; a failure is recorded for administrators
    (the audit log, and the account's count of failed sign-ins) and refused with a sentence.

    Refused with ``InUse`` when someone else has the file open; with ``read_only`` (after
    that refusal, when it says it is possible) the user is signed in read-only instead, or
    as usual if the file has been closed meanwhile. Opening an encrypted file may update it
    for this version first: ``progress`` hears how far, and ``stop`` ends it with
    ``Cancelled``, the file as it was."""
    login = os_login()
    failures: list[dict[str, str]] = []
    proven = False  # the password already unwrapped the key: one Argon2id run, not two
    if isinstance(store, Store):
        if store.path is not None and keyring_path(store.path).is_file() and (
                store.database is None or store.database.encrypted):
            database, failures = _unlocked(store, name, password, read_only, progress, stop)
            proven = True
        else:
            assert store.database is not None
            database = store.database
    else:
        database = store
    with database.session(immediate=True) as session:
        for noted in failures:  # wrong passwords that could not open the file
            with acting_as(Actor(noted.get("name", "unknown"), None, login)):
                record(session, "sign_in_failed", "user", None,
                       {"reason": noted.get("reason", ""), "at": noted.get("at", ""),
                        "noted": "key file"})
        if accounts.count_accounts(session) == 0:
            raise NoAccounts("This database has no user accounts yet: its first "
                             "administrator has to be created.")
        verdict = (accounts.accept_proven(session, name) if proven
                   else accounts.check_password(session, name, password))
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
            # Refused, and nothing recorded, if someone else has the file open now (unless
            # a read-only look was asked for).
            in_use_by = (_claim(database.path, verdict.account, read_only)
                         if database.path is not None else None)
            with acting_as(Actor(verdict.account.name, verdict.account.id, login)):
                record(session, "sign_in", "user", verdict.account.id,
                       {"read_only": True} if in_use_by is not None else None)
            return SignedIn(database, verdict.account, login, in_use_by=in_use_by)
    raise failure  # raised after the block, so the record of the failure is committed


def _write_first_admin(database: Database, name: str, password: str, full_name: str | None,
                       backup: Path | None) -> Account:
    login = os_login()
    with database.session(immediate=True) as session:
        if accounts.count_accounts(session) > 0:  # another process got there first
            raise FormInvalid({"name": ALREADY})
        account = accounts.create_account(session, name, Role.ADMIN, password,
                                          created_by=None, full_name=full_name,
                                          must_change_password=False)
        account = accounts.note_sign_in(session, account.id)
        with acting_as(Actor(account.name, account.id, login)):
            record(session, "user", "user", account.id,
                   {"created": account.name, "role": Role.ADMIN.value, "first": True,
                    "backup": backup.name if backup else None,
                    "encrypted": database.encrypted})
            record(session, "sign_in", "user", account.id, None)
    return account


def create_first_admin(store: Store | Database, name: str, password: str,
                       full_name: str | None = None) -> tuple[SignedIn, Path | None]:
    """The first administrator of a database without accounts, signed in; the database file
    is encrypted at the same time (a ``Store`` of a plain SQLite file). A database that
    already holds records is backed up first (encrypted); the backup's path is returned."""
    database = store.database if isinstance(store, Store) else store
    if database is None:
        raise FormInvalid({"name": ALREADY})
    with database.session() as session:
        if accounts.count_accounts(session) > 0:
            raise FormInvalid({"name": ALREADY})
        holds_records = _holds_records(session)
    accounts.check_new_name(name)
    accounts.check_new_password(password, name)
    if isinstance(store, Store) and store.path is not None and not database.encrypted:
        return _encrypt_with_first_admin(store, name, password, full_name, holds_records)
    from scs_victims.services.backups import back_up_now

    backup = back_up_now(database).path if holds_records and database.path else None
    account = _write_first_admin(database, name, password, full_name, backup)
    return SignedIn(database, account, os_login()), backup


def _encrypt_with_first_admin(store: Store, name: str, password: str, full_name: str | None,
                              holds_records: bool) -> tuple[SignedIn, Path | None]:
    from scs_victims.services.backups import free_backup_path

    assert store.path is not None and store.database is not None
    path, key, keyring = store.path, new_key(), new_keyring()
    keyring.wrap(name, password, key)
    store.database.close()
    store.database = None
    target = free_backup_path(path, "pre-encryption") if holds_records else None
    made: list[Path] = []

    def prepare(copy: Path) -> None:
        encrypted = open_database(copy, key=key, migrate_schema=False)
        try:
            _write_first_admin(encrypted, name, password, full_name, target)
            # Everything into the file itself before it is renamed (no -wal left behind);
            # outside any transaction, on the driver's own connection.
            raw = encrypted.engine.raw_connection()
            try:
                raw.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA wal_checkpoint(TRUNCATE)")
                raw.driver_connection.execute("PRAGMA journal_mode=DELETE")  # type: ignore[union-attr]
            finally:
                raw.close()
        finally:
            encrypted.close()

    def backup(copy: Path) -> Path:
        if target is None:
            return copy
        backup_sqlite_file(copy, target, key=key)
        _keyring_beside(target, keyring)
        made.append(target)
        return target

    try:
        convert(path, key, keyring, prepare, backup)
    finally:
        store.database = open_database(path, key=store_key(path, key))
    user = sign_in(store, name, password)
    return user, (made[0] if made else None)


def store_key(path: Path, key: bytes) -> bytes | None:
    """The key to open ``path`` with after a conversion: ``key`` if it took place."""
    from scs_victims.storage.encryption import FileState, file_state

    return key if file_state(path) is FileState.ENCRYPTED else None


def _keyring_beside(backup: Path, keyring: Keyring) -> None:
    """A copy of the key file beside a backup, so that the backup can be restored even if
    the database and its key file are lost (its wrappings are as strong as the passwords)."""
    write_keyring(backup, keyring)


def _holds_records(session: Session) -> bool:
    from sqlalchemy import exists, select

    from scs_victims.storage.models import AuditEvent

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
    keys.wrap_for(user, account.name, new)
    user.account = account
    return Changed(PasswordChanged(account), OpChanges(accounts=True))


@action(None)
def unlock(user: SignedIn, password: str) -> None:
    """Open the window again after the idle lock: the same password as at sign-in."""
    with recording(user) as session:
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
