"""From an open database to a signed-in user: the first administrator or the sign-in, then
a new password when an administrator has reset it. Cancelling any of them quits."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

from scs_victims.actions.base import SignedIn
from scs_victims.actions.opening import Database
from scs_victims.actions.signing_in import has_accounts, sign_out
from scs_victims.errors import ScsError
from ui.account.password import ChangePasswordDialog
from ui.account.sign_in import FirstAdminDialog, SignInDialog
from ui.operations import Operations

log = logging.getLogger(__name__)

# Shows a dialog and says whether it was accepted (tests drive the dialogs instead).
DialogRunner = Callable[[QDialog], bool]


def run_modal(dialog: QDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


def sign_in_flow(database: Database, operations: Operations, parent: QWidget | None = None,
                 *, run: DialogRunner = run_modal) -> SignedIn | None:
    """The signed-in user, or None when they chose to quit."""
    first: SignInDialog | FirstAdminDialog
    if has_accounts(database):
        first = SignInDialog(database, operations, parent)
    else:
        first = FirstAdminDialog(database, operations, parent)
    accepted = run(first)
    user, typed = first.user, first.password.text()
    first.password.clear()
    first.deleteLater()
    if not accepted or user is None:
        return None
    if user.account.must_change_password:
        change = ChangePasswordDialog(user, operations, parent, current=typed, required=True)
        changed = run(change)
        change.deleteLater()
        if not changed:
            end_sign_in(user)
            return None
    return user


def end_sign_in(user: SignedIn) -> None:
    """Record the sign-out; the window is closing whether or not that can be written."""
    try:
        sign_out(user)
    except ScsError as error:
        log.warning("The sign-out could not be recorded (%s)", type(error).__name__)
    except Exception:  # noqa: BLE001 - a bug is logged; closing goes on
        log.exception("The sign-out could not be recorded")
