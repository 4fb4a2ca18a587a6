"""The command line's signing in, and its commands about accounts and the audit log.

Every command signs in first: the user name and password come from ``SCS_VICTIMS_USER`` and
``SCS_VICTIMS_PASSWORD`` when set (scripts, CI, tests), else from the terminal. A new
password (``users add``, ``users reset-password``, ``password``) comes from
``SCS_VICTIMS_NEW_PASSWORD`` or is asked twice.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from scs_victims.accounts import Role, parse_role
from scs_victims.actions import audit_log, signing_in, users
from scs_victims.actions.base import SignedIn, require
from scs_victims.actions.permissions import Permission
from scs_victims.audit_trail import AuditFilter
from scs_victims.errors import FormInvalid, SignInRefused, UserError

USER_VAR = "SCS_VICTIMS_USER"
PASSWORD_VAR = "SCS_VICTIMS_PASSWORD"
NEW_PASSWORD_VAR = "SCS_VICTIMS_NEW_PASSWORD"
EXIT_OK, EXIT_REFUSED = 0, 1


def add_account_commands(commands: argparse._SubParsersAction[Any],
                         date_type: Callable[[str], date]) -> None:
    commands.add_parser("init", help="create a database (or open an old one) and its first "
                        "administrator")
    commands.add_parser("password", help="change your own password")
    users_parser = commands.add_parser("users", help="user accounts (administrators)")
    users_commands = users_parser.add_subparsers(dest="users_command", required=True,
                                                 metavar="ACTION",
                                                 parser_class=type(users_parser))
    add = users_commands.add_parser("add", help="add a user (password from "
                                    f"${NEW_PASSWORD_VAR} or asked)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--full-name", default=None, metavar="TEXT")
    users_commands.add_parser("list", help="every account, with its role and state")
    for verb, text in (("disable", "stop an account signing in (it is never deleted)"),
                       ("enable", "let a disabled account sign in again"),
                       ("reset-password", "a new password the user must change at next "
                        "sign-in")):
        command = users_commands.add_parser(verb, help=text)
        command.add_argument("name", metavar="NAME")
    role = users_commands.add_parser("role", help="change a user's role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", choices=[role.value for role in Role])

    audit = commands.add_parser("audit", help="the audit log (auditors, administrators, "
                                "supervisors)")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True,
                                          metavar="ACTION", parser_class=type(audit))
    listing = audit_commands.add_parser("list", help="events as CSV: when,user,kind,record,"
                                        "detail")
    listing.add_argument("--user", default=None, metavar="U")
    listing.add_argument("--kind", default=None, metavar="K")
    listing.add_argument("--record", default=None, metavar="ENTITY:ID",
                         help="one record, such as person:12")
    listing.add_argument("--from", dest="first", type=date_type, default=None, metavar="D")
    listing.add_argument("--to", dest="last", type=date_type, default=None, metavar="D")
    listing.add_argument("--format", choices=["csv"], required=True)
    listing.add_argument("--out", required=True, metavar="FILE",
                         help="output file, or - for standard output")
    audit_commands.add_parser("verify", help="check the chain of events: exit 0 intact, 1 "
                              "broken (the first broken link is named)")


def _say(message: str, stream: Any = None) -> None:
    print(message, file=stream or sys.stderr)


def _ask(prompt: str, secret: bool) -> str:
    if not sys.stdin.isatty():
        raise UserError(f"Give your user name and password: set {USER_VAR} and {PASSWORD_VAR}, "
                        "or run the command from a terminal.")
    return getpass.getpass(prompt) if secret else input(prompt)


def _credentials() -> tuple[str, str]:
    name = os.environ.get(USER_VAR) or _ask("User name: ", secret=False)
    password = os.environ.get(PASSWORD_VAR)
    if password is None:
        password = _ask("Password: ", secret=True)
    return name.strip(), password


def _new_password(label: str = "New password") -> str:
    given = os.environ.get(NEW_PASSWORD_VAR)
    if given is not None:
        return given
    first = _ask(f"{label}: ", secret=True)
    if _ask(f"{label} again: ", secret=True) != first:
        raise UserError("The two passwords are not the same; nothing was changed.")
    return first


def _form_sentence(error: FormInvalid) -> UserError:
    return UserError(" ".join(error.errors.values()) or str(error))


def sign_in_from_terminal(database: Any) -> SignedIn:
    try:
        name, password = _credentials()
        return signing_in.sign_in(database, name, password)
    except SignInRefused:
        raise
    except UserError as error:
        if error.code == "no_accounts":
            raise UserError("This database has no user accounts yet: create its first "
                            "administrator with 'scs-victims --db FILE init'.") from None
        raise


def initialise(database: Any) -> int:
    """A new database's first administrator, or sign-in to one that has accounts."""
    if signing_in.has_accounts(database):
        user = sign_in_from_terminal(database)
        print(f"{database.location} already has accounts; signed in as {user.name}.")
        return EXIT_OK
    name = os.environ.get(USER_VAR) or _ask("First administrator's user name: ", secret=False)
    password = os.environ.get(PASSWORD_VAR)
    if password is None:
        password = _new_password("Password")
    try:
        user, backup = signing_in.create_first_admin(database, name.strip(), password)
    except FormInvalid as error:
        raise _form_sentence(error) from None
    if backup is not None:
        print(f"The database was backed up first, to {backup}.")
    print(f"{database.location} is ready; {user.name} is its administrator.")
    return EXIT_OK


def password_command(user: SignedIn, _args: argparse.Namespace) -> int:
    current = os.environ.get(PASSWORD_VAR)
    if current is None:
        current = _ask("Current password: ", secret=True)
    try:
        signing_in.change_own_password(user, current, _new_password())
    except FormInvalid as error:
        raise _form_sentence(error) from None
    print(f"The password of {user.name} is changed.")
    return EXIT_OK


def _stamp(moment: Any) -> str:
    return "" if moment is None else f"{moment:%d/%m/%Y %H:%M}"


def users_command(user: SignedIn, args: argparse.Namespace) -> int:
    verb = args.users_command
    try:
        if verb == "list":
            print("name\trole\tstate\tlast sign-in\tfailed sign-ins")
            for account in users.list_users(user):
                state = "disabled" if account.disabled else (
                    "must change password" if account.must_change_password else "active")
                print(f"{account.name}\t{account.role.value}\t{state}\t"
                      f"{_stamp(account.last_sign_in_at)}\t{account.failed_sign_ins}")
            return EXIT_OK
        if verb == "add":
            role = parse_role(args.role)
            require(user, Permission.MANAGE_USERS, "users.add_user")
            account = users.add_user(user, args.name, role, _new_password(),
                                     args.full_name).value
            print(f"Added {account.name} ({account.role.value}); they choose a new password "
                  "at first sign-in.")
        elif verb == "disable":
            print(f"{users.disable_user(user, args.name).value.name} is disabled.")
        elif verb == "enable":
            print(f"{_enable(user, args.name).name} is enabled.")
        elif verb == "reset-password":
            require(user, Permission.MANAGE_USERS, "users.reset_password")
            account = users.reset_password(user, args.name, _new_password()).value
            print(f"The password of {account.name} is reset; they must change it at next "
                  "sign-in.")
        elif verb == "role":
            account = users.set_role(user, args.name, parse_role(args.role)).value
            print(f"{account.name} is now {account.role.value}.")
    except FormInvalid as error:
        raise _form_sentence(error) from None
    return EXIT_OK


def _enable(user: SignedIn, name: str) -> Any:
    """Enable an account; on an encrypted database one that was disabled needs a new password
    (its key was taken away), from $SCS_VICTIMS_NEW_PASSWORD or asked."""
    given = os.environ.get(NEW_PASSWORD_VAR)
    try:
        return users.enable_user(user, name, given).value
    except FormInvalid as error:
        if "new_password" not in error.errors or given is not None:
            raise
    print("Its access to the encrypted database was removed when it was disabled: give it a "
          "new password, to be changed at its next sign-in.")
    return users.enable_user(user, name, _new_password()).value


def _record_filter(text: str | None) -> tuple[str | None, int | None]:
    if not text:
        return None, None
    entity, _, number = text.partition(":")
    if not entity or (number and not number.isdigit()):
        raise UserError(f"'{text}' is not a record: give ENTITY:ID, such as person:12.")
    return entity, int(number) if number else None


def audit_command(user: SignedIn, args: argparse.Namespace) -> int:
    if args.audit_command == "verify":
        check = audit_log.verify(user)
        if check.broken is not None:
            _say(str(check.broken))
            return EXIT_REFUSED
        print(f"The audit chain is intact: {check.events} events.")
        return EXIT_OK
    if args.first and args.last and args.last < args.first:
        raise UserError("--to must not be before --from.")
    entity, entity_id = _record_filter(args.record)
    wanted = AuditFilter(user=args.user, kind=args.kind, entity=entity, entity_id=entity_id,
                         first=args.first, last=args.last)
    if args.out == "-":
        sys.stdout.write(audit_log.events_csv(user, wanted))
        return EXIT_OK
    written = audit_log.export_events(user, wanted, Path(args.out))
    _say(f"Wrote {written} events to {args.out}.", sys.stdout)
    return EXIT_OK
