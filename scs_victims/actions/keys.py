"""Keeping an encrypted database's key file in step with its accounts: a new account or
password wraps the key for it, a disabled account loses its wrapping (storage.keyring)."""

from __future__ import annotations

from collections.abc import Callable

from scs_victims.actions.base import SignedIn
from scs_victims.storage.keyring import Keyring, read_keyring, write_keyring


def update_keyring(user: SignedIn, change: Callable[[Keyring, bytes], None]) -> None:
    """Apply ``change(keyring, key)`` to the key file of the user's (encrypted) database."""
    database = user.database
    if database.key is None or database.path is None:
        return
    keyring = read_keyring(database.path)
    if keyring is None:
        return
    change(keyring, database.key)
    write_keyring(database.path, keyring)


def holds_key(user: SignedIn, name: str) -> bool:
    """Whether ``name`` can unlock the user's database (always, for a plain one)."""
    database = user.database
    if database.key is None or database.path is None:
        return True
    keyring = read_keyring(database.path)
    return keyring is None or keyring.holds(name)


def wrap_for(user: SignedIn, name: str, password: str) -> None:
    update_keyring(user, lambda keyring, key: keyring.wrap(name, password, key))


def unwrap_for(user: SignedIn, name: str) -> None:
    update_keyring(user, lambda keyring, _key: keyring.remove(name))
