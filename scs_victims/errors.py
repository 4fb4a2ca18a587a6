"""One base exception, with errors a user can fix kept apart from bugs.

The command line and the desktop app show a ``UserError`` as its message (a short sentence);
anything else is a bug: it is logged with its traceback and the user sees a generic sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar


class ScsError(Exception):
    """Base of every exception the core raises on purpose.

    ``code`` classifies it for callers (the command line's exit status, the desktop app's
    handling, tests), so nothing depends on the wording of a message.
    """

    code: ClassVar[str] = "error"


class UserError(ScsError):
    """Something the user can put right: bad input, a refused operation, a missing file."""

    code = "user_error"


class InputRefused(UserError):
    """Input was refused and nothing was changed."""

    code = "input_refused"


class FormInvalid(InputRefused):
    """A form was refused and nothing was saved; ``errors`` maps a field name (an
    ``IncidentInput`` field, ``reason`` for a deletion, an account's ``name``...) to what is
    wrong with it, so the form can highlight that field."""

    code = "form_invalid"

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        self.errors: dict[str, str] = dict(errors)
        if message is None:
            names = ", ".join(self.errors)
            plural = "s need" if len(self.errors) != 1 else " needs"
            message = f"Nothing was saved: {len(self.errors)} field{plural} correcting " \
                      f"({names})."
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row of a file, with Excel's row number (the header is row 1)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.column:
            return f"row {self.row}: {self.column}: {self.reason}"
        return f"row {self.row}: {self.reason}"

    def for_terminal(self, label: str | None = None) -> str:
        """The message with the cell values it quotes hidden unless harmless (see
        ``shown_on_terminal``): a column shifted by one puts an address where a date
        belongs, and a terminal's scroll-back or a pasted log must not hold it.
        ``label`` names the column as the user's file does (an import profile)."""
        reason = _QUOTED.sub(lambda quoted: quoted[0] if shown_on_terminal(quoted[1])
                             else "(value not shown)", self.reason)
        column = label or self.column
        return f"row {self.row}: {column}: {reason}" if column else f"row {self.row}: {reason}"


# A value quoted in a row error: 'text' (the text may hold apostrophes, as in O'Brien).
_QUOTED = re.compile(r"'(.*?)'(?=\s|$|[,;:.)])")
# Values that say nothing about a person: dates and times, numbers, and references and
# codes with at least one digit and no spaces ("N1", "ASB/2024/000123").
_HARMLESS = re.compile(r"[0-9][0-9/:.\- T]{0,24}|(?=[^ ]*[0-9])[A-Za-z0-9/_\-.]{1,40}")
_HARMLESS_WORDS = frozenset({"asb", "burglary", "dv", "police", "council", "housing", "health",
                             "self", "other", "partner", "ex-partner", "family", "y", "n",
                             "yes", "no", "true", "false", "male", "female", "unknown"})


def shown_on_terminal(value: str) -> bool:
    """Whether a cell's value may be echoed in a message on the terminal."""
    return bool(_HARMLESS.fullmatch(value)) or value.strip().casefold() in _HARMLESS_WORDS


class FileRefused(InputRefused):
    """A whole file was refused; ``errors`` lists every row problem found."""

    code = "file_refused"

    def __init__(self, message: str, errors: list[RowError] | None = None,
                 total: int | None = None) -> None:
        super().__init__(message)
        self.errors: list[RowError] = list(errors or [])
        # How many problems there were in all; ``errors`` may hold only the first of them.
        self.total: int = len(self.errors) if total is None else total


class DatabaseError(UserError):
    """The database cannot be used as it is (written by a newer version, corrupt, locked)."""

    code = "database"


class DatabaseTooNew(DatabaseError):
    """The database was written by a newer version of SCS Victims."""

    code = "database_too_new"


class ConcurrentChange(UserError):
    """Another writer changed the same records at the same moment; retrying will work."""

    code = "concurrent_change"


class NotFound(UserError):
    """A record the user asked for does not exist (or was deleted)."""

    code = "not_found"


class Cancelled(ScsError):
    """Long work was cancelled by the user; whatever it had done was rolled back."""

    code = "cancelled"


class Bug(ScsError):
    """An internal invariant failed: a defect in SCS Victims, never the user's fault."""

    code = "bug"


class NotAllowed(UserError):
    """The signed-in account's role does not allow this; nothing changed and the refusal was
    recorded in the audit log."""

    code = "not_allowed"


class SignInRefused(UserError):
    """A wrong user name or password, or a disabled account; the failure was recorded."""

    code = "sign_in_refused"


class NoAccounts(UserError):
    """The database has no user accounts yet: its first administrator must be created."""

    code = "no_accounts"


class ReadOnlyOpen(UserError):
    """The database was opened read-only, someone else having it open: a change was asked
    for and nothing was changed."""

    code = "read_only"
