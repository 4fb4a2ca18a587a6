"""The ``scs-victims`` command line.

Exit status: 0 done, 1 input refused or the work could not be done (a sentence says why),
2 a usage error, 3 an internal error (details in the log file; ``--debug`` prints them).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from scs_victims import __version__
from scs_victims.actions.base import SignedIn
from scs_victims.actions.opening import (
    explain_failure,
    open_store,
    owner_only_from_now,
    schema_update_needed,
)
from scs_victims.actions.permissions import Permission
from scs_victims.cli_accounts import (
    add_account_commands,
    audit_command,
    initialise,
    password_command,
    sign_in_from_terminal,
    users_command,
)
from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.dates import DateFormatError, parse_date
from scs_victims.domain.periods import PeriodKind, period_containing
from scs_victims.domain.rates import format_rate
from scs_victims.errors import Cancelled, FileRefused, UserError
from scs_victims.importing.csv_source import summarise
from scs_victims.importing.profile import Kind, Profile, load_profile
from scs_victims.logs import configure_file_logging

if TYPE_CHECKING:
    from scs_victims.importing.incidents import ImportSummary

log = logging.getLogger("scs_victims.cli")

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
MAX_ERRORS_SHOWN = 200


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except DateFormatError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date (use 2024-04-01 or 01/04/2024)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="scs-victims", description="SCS Victims: repeat victimisation records, "
                     "alerts and figures for community safety partnerships.")
    parser.add_argument("--db", metavar="PATH", help="database file (default: $SCS_VICTIMS_DB "
                        "or scs-victims.db in your data folder)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    wards = commands.add_parser("wards", help="the area's wards")
    wards_commands = wards.add_subparsers(dest="wards_command", required=True, metavar="ACTION",
                                          parser_class=_Parser)
    wards_load = wards_commands.add_parser("load", help="replace the ward list from a CSV file")
    wards_load.add_argument("file", type=Path, metavar="FILE.csv")
    wards_commands.add_parser("list", help="show the wards")

    imports = commands.add_parser("import", help="import records from a CSV file")
    import_commands = imports.add_subparsers(dest="import_kind", required=True, metavar="KIND",
                                             parser_class=_Parser)
    incidents = import_commands.add_parser("incidents", help="import an incident extract")
    _add_import_options(incidents)

    figures = commands.add_parser("figures", help="repeat victimisation figures")
    figures.add_argument("--from", dest="first", type=_date, required=True, metavar="DATE")
    figures.add_argument("--to", dest="last", type=_date, required=True, metavar="DATE")
    figures.add_argument("--by", choices=[kind.value for kind in PeriodKind], default="quarter")
    figures.add_argument("--type", dest="types", nargs="+", action="extend",
                         choices=[crime_type.value for crime_type in CRIME_TYPES],
                         help="crime types (default: all)")
    figures.add_argument("--by-ward", action="store_true", help="a row for every ward too")
    figures.add_argument("--format", choices=["csv", "xlsx"], required=True)
    figures.add_argument("--out", required=True, metavar="FILE",
                         help="output file, or - for CSV on standard output")
    figures.add_argument("--publish", action="store_true",
                         help="for publication: counts of 1 to 4 shown as <5 (and the counts "
                         "that would reveal them withheld), their rates left blank")
    _password_option(figures, "the workbook (xlsx only)")
    _add_export_commands(commands)

    alerts = commands.add_parser("alerts", help="people and places that need action")
    alerts.add_argument("--on", type=_date, default=None, metavar="DATE",
                        help="as on this date (default: today)")

    demo = commands.add_parser("demo", help="fill an empty database with a synthetic borough")
    demo.add_argument("--incidents", type=int, default=20_000, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")

    settings = commands.add_parser("settings", help="windows and thresholds of the definitions")
    settings_commands = settings.add_subparsers(dest="settings_command", required=True,
                                                metavar="ACTION", parser_class=_Parser)
    settings_commands.add_parser("show", help="show every setting")
    settings_set = settings_commands.add_parser(
        "set", help="change one setting (a new window recomputes every repeat)")
    settings_set.add_argument("name", metavar="NAME")
    settings_set.add_argument("value", metavar="VALUE")

    _add_marac_commands(commands)
    _add_report_commands(commands)

    commands.add_parser("recompute", help="recompute every repeat flag")
    commands.add_parser("check", help="check the database file is sound")
    commands.add_parser("backup", help="a checked copy of the database in its backups folder")
    restore = commands.add_parser("restore", help="put a backup back in place of the database "
                                  "(the database is backed up first)")
    restore.add_argument("backup", type=Path, metavar="BACKUP")
    add_account_commands(commands, _date)
    return parser


def _add_import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE",
                        help="a CSV file (UTF-8, Windows-1252 or UTF-16) or an Excel workbook")
    parser.add_argument("--profile", type=Path, metavar="P.toml",
                        help="how another system's columns and values map onto ours "
                        "(an import profile: see formats.md)")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="import the valid rows and write the others to a rejects file")
    parser.add_argument("--rejects", type=Path, metavar="OUT.csv",
                        help="where --skip-invalid writes rejected rows "
                        "(default: FILE-rejects.csv beside the input)")


def _add_export_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    export = commands.add_parser("export", help="lists for analysts")
    export_commands = export.add_subparsers(dest="export_kind", required=True, metavar="KIND",
                                            parser_class=_Parser)
    incidents = export_commands.add_parser(
        "incidents", help="one row per incident, with its repeat flag and reason")
    incidents.add_argument("--from", dest="first", type=_date, required=True, metavar="DATE")
    incidents.add_argument("--to", dest="last", type=_date, required=True, metavar="DATE")
    incidents.add_argument("--type", dest="types", nargs="+", action="extend",
                           choices=[crime_type.value for crime_type in CRIME_TYPES],
                           help="crime types (default: all)")
    incidents.add_argument("--format", choices=["csv", "xlsx"], required=True)
    incidents.add_argument("--out", type=Path, required=True, metavar="FILE")
    _password_option(incidents, "the workbook (xlsx only)")


def _add_report_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    report = commands.add_parser("report", help="reports for the partnership board")
    report_commands = report.add_subparsers(dest="report_kind", required=True, metavar="KIND",
                                            parser_class=_Parser)
    quarterly = report_commands.add_parser(
        "quarterly", help="the quarterly repeat-victimisation report, as PDF")
    quarterly.add_argument("--quarter", required=True, metavar="QUARTER",
                           help='a financial quarter, such as "2024/25 Q1"')
    quarterly.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    quarterly.add_argument("--publish", action="store_true",
                           help="for publication: counts of 1 to 4 shown as <5 (and the counts "
                           "that would reveal them withheld), their rates left blank")
    _password_option(quarterly, "the PDF")


def _add_marac_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    marac = commands.add_parser("marac", help="MARAC referrals and the SafeLives return")
    marac_commands = marac.add_subparsers(dest="marac_command", required=True,
                                          metavar="ACTION", parser_class=_Parser)
    marac_import = marac_commands.add_parser("import", help="import MARAC referrals")
    _add_import_options(marac_import)
    marac_return = marac_commands.add_parser("return",
                                             help="the SafeLives quarterly MARAC data return")
    marac_return.add_argument("--from", dest="first", type=_date, required=True,
                              metavar="DATE")
    marac_return.add_argument("--to", dest="last", type=_date, required=True, metavar="DATE")
    marac_return.add_argument("--format", choices=["csv", "xlsx"], required=True)
    marac_return.add_argument("--out", required=True, metavar="FILE",
                              help="output file, or - for CSV on standard output")
    _password_option(marac_return, "the workbook (xlsx only)")
    marac_pack = marac_commands.add_parser("pack", help="print a meeting's pack as PDF")
    marac_pack.add_argument("--meeting", type=_date, required=True, metavar="DATE",
                            help="the date of the meeting")
    marac_pack.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    marac_pack.add_argument("--research-list", action="store_true",
                            help="print the research list for the agencies instead")
    _password_option(marac_pack, "the PDF")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    owner_only_from_now()  # the database's files, backups, the log: readable by us alone
    log_path = configure_file_logging()
    if args.command is None:
        return _run_desktop(args)
    try:
        return _dispatch(args)
    except FileRefused as exc:
        _say(str(exc))
        _print_row_errors(exc)
        return EXIT_REFUSED
    except UserError as exc:
        _say(str(exc))
        return EXIT_REFUSED
    except Cancelled:
        _say("Cancelled; nothing was changed.")
        return EXIT_REFUSED
    except KeyboardInterrupt:
        _say("Interrupted; nothing was changed.")
        return EXIT_REFUSED
    except BrokenPipeError:
        # The reader of our output went away (`... | head`): not an error of ours.
        _quiet_stdout()
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place bugs become a sentence
        explained = explain_failure(exc, f"The database {args.db or ''}".rstrip())
        if explained is not None:
            log.warning("Database failure in command %s: %s", args.command, explained.code)
            _say(str(explained))
            return EXIT_REFUSED
        log.exception("Unexpected error in command %s", args.command)
        if args.debug:
            raise
        where = f" Details are in {log_path}." if log_path else ""
        _say(f"Something went wrong inside SCS Victims ({type(exc).__name__}).{where} "
             "Run again with --debug to see them here.")
        return EXIT_BUG


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's exit flush does not fail on the closed pipe."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _say(message: str, stream: TextIO | None = None) -> None:
    print(message, file=stream or sys.stderr)


def _print_row_errors(exc: FileRefused) -> None:
    for error in exc.errors[:MAX_ERRORS_SHOWN]:
        _say(f"  {error.for_terminal()}")
    shown = min(len(exc.errors), MAX_ERRORS_SHOWN)
    if exc.total > shown:
        _say(f"  ... and {exc.total - shown} more.")


def _desktop_launcher() -> Callable[..., int] | None:
    """The desktop front end, found through its entry point so the core never imports it."""
    # Imported here: reading the installed packages' metadata costs every other command
    # 20 ms of start-up.
    from importlib.metadata import entry_points

    for entry in entry_points(group="scs_victims.frontends", name="desktop"):
        try:
            launcher: Callable[..., int] = entry.load()
        except ImportError:
            log.exception("The desktop front end is installed but cannot be loaded")
            return None
        return launcher
    return None


def _run_desktop(args: argparse.Namespace) -> int:
    launcher = _desktop_launcher()
    if launcher is not None:
        return launcher(db=args.db)
    try:
        return _dispatch_to(_overview, args)
    except UserError as exc:
        _say(str(exc))
        return EXIT_REFUSED


def _overview(user: SignedIn, _args: argparse.Namespace) -> int:
    """Without the desktop front end: what is in the database, and this year's figures."""
    from scs_victims.actions import maintenance

    today = date.today()
    overview = maintenance.overview(user, today)
    print(f"SCS Victims {__version__}: database {user.location}")
    if not overview.incidents:
        if sys.stdin.isatty() and user.can(Permission.MAINTAIN) and input(
                "The database is empty. Load the demo borough (synthetic people)? [Y/n] "
        ).strip().lower() in {"", "y", "yes"}:
            args = argparse.Namespace(incidents=20_000, seed=1)
            _demo(user, args)
            return _overview(user, args)
        print("It holds no incidents yet. Try:  scs-victims demo   or   "
              "scs-victims import incidents FILE.csv")
        return EXIT_OK
    year = period_containing(today, PeriodKind.FINANCIAL_YEAR)
    rows = overview.rows
    print(f"{overview.incidents} incidents. Financial year {year.label} so far, whole area:")
    print(f"  {'period':<11} {'type':<9} {'incidents':>9} {'victims':>8} "
          f"{'repeat victims %':>16} {'repeat incidents %':>18}")
    for row in rows:
        print(f"  {row.period.label:<11} {row.crime_type.value:<9} {row.incidents:>9} "
              f"{row.victims:>8} {format_rate(row.repeat_victim_rate):>16} "
              f"{format_rate(row.repeat_incident_rate):>18}")
    print("Run 'scs-victims --help' for every command.")
    return EXIT_OK


def _dispatch(args: argparse.Namespace) -> int:
    return _dispatch_to(_HANDLERS[args.command], args)


Handler = Callable[[SignedIn, argparse.Namespace], int]


def _dispatch_to(handler: Handler, args: argparse.Namespace) -> int:
    """Open the database (updating it first if need be), sign in, run the command."""
    if schema_update_needed(args.db):
        _say("Updating the database for this version of SCS Victims (a backup copy is made "
             "first); on a large database this takes a minute or two.")
    database = open_store(args.db)
    try:
        if args.command == "init":
            return initialise(database)
        user = sign_in_from_terminal(database)
        if user.account.must_change_password and args.command != "password":
            raise UserError("Choose a new password first (yours was set by an administrator): "
                            f"'scs-victims --db \"{user.location}\" password'.")
        return handler(user, args)
    finally:
        database.close()


def _wards(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions import settings

    if args.wards_command == "load":
        summary = settings.load_wards_file(user, args.file).value
        _say(f"Loaded {args.file.name}: {summary.added} wards added, {summary.updated} updated, "
             f"{summary.removed} removed.", sys.stdout)
        _mention_unknown_columns(summary.unknown_columns)
        return EXIT_OK
    for ward in settings.list_wards(user):
        print(f"{ward.name}\t{ward.code or ''}\t{ward.population or ''}\t"
              f"{ward.households or ''}")
    return EXIT_OK


def _mention_unknown_columns(columns: list[str]) -> None:
    if columns:
        _say(f"Columns ignored (not known): {summarise(columns)}.", sys.stdout)


class _ProgressLine:
    """A percentage on stderr while long work runs, only when someone is watching."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = -1
        self.active = sys.stderr.isatty()

    def __call__(self, done: int, total: int | None) -> None:
        if not self.active or not total:
            return
        percent = int(100 * done / total)
        if percent != self.shown:
            self.shown = percent
            print(f"\r{self.label}: {percent}%", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.active and self.shown >= 0:
            print(file=sys.stderr)


def _report_import(file_name: str, summary: ImportSummary, noun: str) -> int:
    """What an import did, in the same words for every kind of file."""
    encoding = "" if summary.encoding == "UTF-8" else f" (read as {summary.encoding})"
    _say(f"Imported {file_name}{encoding}: {summary.imported} new {noun}, "
         f"{summary.unchanged} already present and unchanged, {summary.rejected} rejected.",
         sys.stdout)
    for column, rows in summary.skipped.items():
        what = "of other crime types " if column == "crime_type" else ""
        why = "" if column == "crime_type" else f" (their value for {column})"
        _say(f"{rows:,} row{'s' if rows != 1 else ''} {what}left out by the profile{why}.",
             sys.stdout)
    if summary.rejects_path is not None:
        _say(f"Rejected rows were written to {summary.rejects_path}.", sys.stdout)
        for error in summary.errors[:MAX_ERRORS_SHOWN]:
            _say(f"  {error.for_terminal()}")
    _mention_unknown_columns(summary.unknown_columns)
    return EXIT_OK


def _profile(args: argparse.Namespace, kind: Kind) -> Profile | None:
    """The ``--profile`` file, checked before any row is read."""
    return None if args.profile is None else load_profile(args.profile, kind)


def _import(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.imports import import_incidents

    progress = _ProgressLine(f"Importing {args.file.name}")
    try:
        summary = import_incidents(user, args.file, skip_invalid=args.skip_invalid,
                                   rejects_path=args.rejects, progress=progress,
                                   profile=_profile(args, "incidents")).value
    finally:
        progress.finish()
    return _report_import(args.file.name, summary, "incidents")


def _figures(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.figures import export_figures

    if args.last < args.first:
        raise UserError("--to must not be before --from.")
    if args.format == "xlsx" and args.out == "-":
        raise UserError("A workbook needs a file: give --out FILE.xlsx.")
    password = _password_from_env(args, args.format)
    types = [CrimeType(value) for value in args.types] if args.types else list(CRIME_TYPES)
    out = None if args.out == "-" else Path(args.out)
    written = export_figures(user, out, args.first, args.last, PeriodKind(args.by), types,
                             by_ward=args.by_ward, fmt=args.format, publish=args.publish,
                             password=password)
    if written.csv_text is not None:
        sys.stdout.write(written.csv_text)
    else:
        _say(f"Wrote {written.rows} rows to {args.out}.", sys.stdout)
    return EXIT_OK


def _export(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.reports import export_incident_list

    if args.last < args.first:
        raise UserError("--to must not be before --from.")
    types = [CrimeType(value) for value in args.types] if args.types else []
    password = _password_from_env(args, args.format)
    progress = _ProgressLine(f"Writing {args.out.name}")
    try:
        written = export_incident_list(user, args.out, args.first, args.last, types,
                                       args.format, progress=progress, password=password)
    finally:
        progress.finish()
    _say(f"Wrote {written} incidents to {args.out}.", sys.stdout)
    return EXIT_OK


def _alerts(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.alerts import current_alerts

    on = args.on or date.today()
    alerts = current_alerts(user, on)
    if not alerts:
        print(f"No alerts on {on:%d/%m/%Y}.")
        return EXIT_OK
    print(f"{len(alerts)} alerts on {on:%d/%m/%Y}:")
    for alert in alerts:
        print(f"- {alert.subject} #{alert.subject_id}: {alert.explanation}")
    return EXIT_OK


def _demo(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.maintenance import load_demo

    if args.incidents < 1:
        raise UserError("--incidents must be 1 or more.")
    progress = _ProgressLine("Loading the demo borough")
    try:
        imported = load_demo(user, args.incidents, args.seed, progress).value
    finally:
        progress.finish()
    print(f"The demo borough is ready in {user.location}: {imported} synthetic "
          "incidents.")
    return EXIT_OK


def _settings(user: SignedIn, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from scs_victims.actions import settings
    from scs_victims.services.rules import parse_rule_value

    if args.settings_command == "show":
        for name, value in asdict(settings.rules(user)).items():
            print(f"{name} = {'yes' if value is True else 'no' if value is False else value}")
        return EXIT_OK
    value = parse_rule_value(args.name, args.value)
    progress = _ProgressLine("Recomputing repeats")
    try:
        change = settings.change_rules(user, {args.name: value}, progress).value
    finally:
        progress.finish()
    print(f"{args.name} is now {args.value}."
          + (f" Repeat flags recomputed: {change.flags_changed} changed." if change.recomputed
             else ""))
    return EXIT_OK


def _recompute(user: SignedIn, _args: argparse.Namespace) -> int:
    from scs_victims.actions.maintenance import recompute

    progress = _ProgressLine("Recomputing repeats")
    try:
        changed = recompute(user, progress).value
    finally:
        progress.finish()
    print(f"Repeat flags recomputed: {changed} changed.")
    return EXIT_OK


def _check(user: SignedIn, _args: argparse.Namespace) -> int:
    from scs_victims.actions.maintenance import check_file

    problems = check_file(user)
    if problems:
        _say(f"{user.location} has problems: {'; '.join(problems[:5])}")
        return EXIT_REFUSED
    print(f"{user.location} is sound.")
    return EXIT_OK


def _backup(user: SignedIn, _args: argparse.Namespace) -> int:
    from scs_victims.actions.maintenance import back_up

    backup = back_up(user).value
    print(f"Backed up to {backup.path}.")
    return EXIT_OK


def _restore(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.maintenance import restore_backup

    restored = restore_backup(user, args.backup).value
    print(f"Restored {restored.backup.name}. The database as it was just before is kept in "
          f"{restored.safety_copy.path}.")
    return EXIT_OK


def _marac(user: SignedIn, args: argparse.Namespace) -> int:
    return _MARAC_HANDLERS[args.marac_command](user, args)


def _marac_import(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.marac import import_referrals

    progress = _ProgressLine(f"Importing {args.file.name}")
    try:
        summary = import_referrals(user, args.file, skip_invalid=args.skip_invalid,
                                   rejects_path=args.rejects, progress=progress,
                                   profile=_profile(args, "marac-referrals")).value
    finally:
        progress.finish()
    return _report_import(args.file.name, summary, "MARAC referrals")


def _marac_return(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.marac import export_return
    from scs_victims.marac.safelives_return import return_csv_text

    if args.last < args.first:
        raise UserError("--to must not be before --from.")
    if args.format == "xlsx" and args.out == "-":
        raise UserError("An XLSX return needs a file: give --out FILE.xlsx.")
    password = _password_from_env(args, args.format)
    out = None if args.out == "-" else Path(args.out)
    written = export_return(user, args.first, args.last, args.format, out, password=password)
    if out is None:
        sys.stdout.write(return_csv_text(written.result))
        return EXIT_OK
    _say(f"Wrote the return for {len(written.result.meetings)} meetings to {args.out}.",
         sys.stdout)
    return EXIT_OK


def _marac_pack(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.marac import print_meeting_pack

    print_meeting_pack(user, args.meeting, args.out, research_list=args.research_list,
                       password=_password_from_env(args, "pdf"))
    what = "research list" if args.research_list else "meeting pack"
    _say(f"Wrote the {what} for {args.meeting:%d/%m/%Y} to {args.out}.", sys.stdout)
    return EXIT_OK


def _report(user: SignedIn, args: argparse.Namespace) -> int:
    from scs_victims.actions.reports import print_quarterly_report
    from scs_victims.domain.periods import parse_period_label

    try:
        quarter = parse_period_label(args.quarter)
    except ValueError as exc:
        raise UserError(f"{exc}.") from None
    print_quarterly_report(user, quarter, args.out, publish=args.publish,
                           password=_password_from_env(args, "pdf"))
    version = " for publication" if args.publish else ""
    _say(f"Wrote the {quarter.label} report{version} to {args.out}.", sys.stdout)
    return EXIT_OK


def _password_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--password-from-env", metavar="VAR",
                        help=f"protect {what} with the password held in the environment "
                        "variable VAR (at least 8 characters; never typed on the command line)")


def _password_from_env(args: argparse.Namespace, fmt: str) -> str | None:
    """The password of --password-from-env VAR, read from the environment (so it never shows
    in the list of processes or the shell's history); None without the option."""
    import os

    from scs_victims.protection import password_problem

    name = args.password_from_env
    if name is None:
        return None
    if fmt == "csv":
        raise UserError("A CSV file cannot be protected with a password: use --format xlsx, "
                        "or leave out --password-from-env.")
    password = os.environ.get(name, "")
    if not password:
        raise UserError(f"--password-from-env {name}: the environment variable {name} is "
                        "not set or is empty; set it to the password for the file. Nothing "
                        "was written.")
    problem = password_problem(password)
    if problem is not None:
        raise UserError(f"The password in {name} is too short: {problem[0].lower()}"
                        f"{problem[1:]} Nothing was written.")
    return password


_MARAC_HANDLERS: dict[str, Handler] = {
    "import": _marac_import,
    "return": _marac_return,
    "pack": _marac_pack,
}


_HANDLERS = {
    "wards": _wards,
    "import": _import,
    "figures": _figures,
    "export": _export,
    "alerts": _alerts,
    "demo": _demo,
    "settings": _settings,
    "recompute": _recompute,
    "check": _check,
    "backup": _backup,
    "restore": _restore,
    "marac": _marac,
    "report": _report,
    "init": lambda _user, _args: EXIT_OK,  # done before signing in (_dispatch_to)
    "users": users_command,
    "audit": audit_command,
    "password": password_command,
}
