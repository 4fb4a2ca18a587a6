"""One base exception, with errors a user can fix kept apart from bugs.

The command line and the desktop app show a ``UserError`` as its message (a short sentence);
anything else is a bug: it is logged with its traceback and the user sees a generic sentence.
"""

from __future__ import annotations

from dataclasses import dataclass


class ScsError(Exception):
    """Base of every exception the core raises on purpose."""


class UserError(ScsError):
    """Something the user can put right: bad input, a refused operation, a missing file."""


class InputRefused(UserError):
    """Input was refused and nothing was changed."""


class FormInvalid(InputRefused):
    """A form was refused and nothing was saved; ``errors`` maps a field name (an
    ``IncidentInput`` field, ``reason`` for a deletion, an account's ``name``...) to what is
    wrong with it, so the form can highlight that field."""

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


class FileRefused(InputRefused):
    """A whole file was refused; ``errors`` lists every row problem found."""

    def __init__(self, message: str, errors: list[RowError] | None = None,
                 total: int | None = None) -> None:
        super().__init__(message)
        self.errors: list[RowError] = list(errors or [])
        # How many problems there were in all; ``errors`` may hold only the first of them.
        self.total: int = len(self.errors) if total is None else total


class DatabaseError(UserError):
    """The database cannot be used as it is (written by a newer version, corrupt, locked)."""


class DatabaseTooNew(DatabaseError):
    """The database was written by a newer version of SCS Victims."""


class ConcurrentChange(UserError):
    """Another writer changed the same records at the same moment; retrying will work."""


class NotFound(UserError):
    """A record the user asked for does not exist (or was deleted)."""


class Cancelled(ScsError):
    """Long work was cancelled by the user; whatever it had done was rolled back."""


class Bug(ScsError):
    """An internal invariant failed: a defect in SCS Victims, never the user's fault."""
