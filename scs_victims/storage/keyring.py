"""The database key, wrapped for each account, in a small file beside the database.

An encrypted database (SQLCipher) has one random 256-bit key. Each account holds it wrapped
with a key derived from its password (Argon2id, then AES-256-GCM), so a password change or
reset re-wraps the key and never re-encrypts the file, and an account whose wrapping is
removed (disabled) cannot open it any more. The wrappings live in ``NAME.db.keys`` beside the
database: they must be readable before the database is, and are safe to store (each is as
strong as its password). Failed unlocks are noted here too, since a wrong password cannot
write to the encrypted file; the next sign-in moves them into the audit log.

The keyring file is written atomically and readable by its owner only; the key itself never
reaches a log or an error message.
"""

from __future__ import annotations

import base64
import json
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from scs_victims.errors import DatabaseError, SignInRefused
from scs_victims.storage.files import owner_only, write_bytes_privately

KEY_BYTES = 32
SUFFIX = ".keys"
FORMAT = "scs-victims-keyring"
VERSION = 1
# argon2-cffi's defaults (RFC 9106's second recommended option), as for password hashes.
KDF = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
MAX_FAILURES_KEPT = 1000
# Pages of 16 KB rather than SQLCipher's 4 KB: a page is decrypted and its HMAC checked as a
# whole, so long reads cost a quarter of the checks. Every connection to an encrypted file
# must use the page size it was made with, so the key file records it: a later version may
# choose another size for new files and still open these.
CIPHER_PAGE_SIZE = 16384


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def keyring_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _derive(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=kdf["time_cost"],
                           memory_cost=kdf["memory_cost"], parallelism=kdf["parallelism"],
                           hash_len=KEY_BYTES, type=Type.ID)


@dataclass
class Keyring:
    """The wrappings of one database's key, by account (name compared without case)."""

    database_id: str
    wrappings: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)
    # Accounts whose wrapping was removed when they were disabled: named only so that a
    # sign-in can say so (nothing here opens anything).
    disabled: list[str] = field(default_factory=list)
    cipher_page_size: int = CIPHER_PAGE_SIZE

    # Wrapping and unwrapping -------------------------------------------------------------

    def wrap(self, name: str, password: str, key: bytes) -> None:
        """Hold ``key`` for ``name``, wrapped with ``password`` (replacing any earlier one)."""
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        account = _name_key(name)
        wrapped = AESGCM(_derive(password, salt, KDF)).encrypt(
            nonce, key, self._context(account))
        self.wrappings[account] = {"salt": _b64(salt), "nonce": _b64(nonce),
                                   "wrapped": _b64(wrapped), "kdf": dict(KDF)}
        if account in self.disabled:
            self.disabled.remove(account)

    def unwrap(self, name: str, password: str) -> bytes:
        """The database key, if ``password`` is ``name``'s; ``SignInRefused`` otherwise (the
        same for an unknown name, so that the answer does not tell which names exist)."""
        account = _name_key(name)
        entry = self.wrappings.get(account)
        if entry is None:
            _derive(password, secrets.token_bytes(16), KDF)  # the same time as a wrong password
            raise SignInRefused(DISABLED if account in self.disabled else WRONG)
        try:
            kek = _derive(password, _unb64(entry["salt"]), entry["kdf"])
            return AESGCM(kek).decrypt(_unb64(entry["nonce"]), _unb64(entry["wrapped"]),
                                       self._context(account))
        except (InvalidTag, KeyError, ValueError, TypeError):
            raise SignInRefused(WRONG) from None

    def remove(self, name: str) -> None:
        account = _name_key(name)
        self.wrappings.pop(account, None)
        if account not in self.disabled:
            self.disabled.append(account)

    def holds(self, name: str) -> bool:
        return _name_key(name) in self.wrappings

    def _context(self, account: str) -> bytes:
        # Binds a wrapping to its account and database: one cannot be copied onto another.
        return f"{FORMAT}/{self.database_id}/{account}".encode()

    # Failed unlocks ----------------------------------------------------------------------

    def note_failure(self, name: str, reason: str, at: datetime) -> None:
        known = _name_key(name) in self.wrappings
        self.failures.append({"name": _name_key(name) if known else "unknown",
                              "reason": reason, "at": at.isoformat(timespec="seconds")})
        del self.failures[:-MAX_FAILURES_KEPT]

    def take_failures(self) -> list[dict[str, str]]:
        taken, self.failures = self.failures, []
        return taken

    # The file ----------------------------------------------------------------------------

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "version": VERSION, "database_id": self.database_id,
                           "accounts": self.wrappings, "failures": self.failures,
                           "disabled": self.disabled,
                           "cipher_page_size": self.cipher_page_size},
                          indent=1, sort_keys=True).encode("utf-8")


WRONG = "The user name or password is not right; nothing was opened."
DISABLED = "This account is disabled; ask an administrator to enable it."


def new_keyring() -> Keyring:
    return Keyring(database_id=secrets.token_hex(16))


def read_keyring(database: Path) -> Keyring | None:
    """The keyring beside ``database``, or None when there is none (a plain database)."""
    path = keyring_path(database)
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DatabaseError(f"The key file {path} cannot be read ({type(exc).__name__}); "
                            "restore it from the backups folder or ask your support team."
                            ) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise DatabaseError(f"{path} is not an SCS Victims key file.")
    return Keyring(str(raw.get("database_id", "")), dict(raw.get("accounts") or {}),
                   list(raw.get("failures") or []), list(raw.get("disabled") or []),
                   _page_size(raw.get("cipher_page_size", CIPHER_PAGE_SIZE), path))


def _page_size(value: object, path: Path) -> int:
    if isinstance(value, int) and value in PAGE_SIZES:
        return value
    raise DatabaseError(f"{path} names a page size this version cannot open; restore the key "
                        "file from the backups folder or ask your support team.")


# The page sizes SQLCipher accepts (a power of two from 512 bytes to 64 KB).
PAGE_SIZES = frozenset(2 ** n for n in range(9, 17))


def cipher_page_size(database: Path) -> int:
    """The page size the encrypted file at ``database`` was made with (from its key file);
    the current size for a file that has none yet (one being made now)."""
    try:
        keyring = read_keyring(database)
    except DatabaseError:
        return CIPHER_PAGE_SIZE  # the key file's own error is reported where it is read
    return CIPHER_PAGE_SIZE if keyring is None else keyring.cipher_page_size


def write_keyring(database: Path, keyring: Keyring) -> Path:
    """Replace the keyring beside ``database`` atomically (owner-only)."""
    path = keyring_path(database)
    write_bytes_privately(path, keyring.to_json())
    owner_only(path)
    return path



def keyed(connection: Any, key: bytes, page_size: int = CIPHER_PAGE_SIZE) -> Any:
    """Key a fresh SQLCipher connection before anything else reads the file."""
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    # SQLCipher's own complaints (a wrong key's failed page checks) would go to stderr; the
    # error raised says what the user needs to know.
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")  # a raw key: no derivation
    if page_size not in PAGE_SIZES:
        raise ValueError("not a page size SQLCipher accepts")
    connection.execute(f"PRAGMA cipher_page_size = {int(page_size)}")
    return connection
