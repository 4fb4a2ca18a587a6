"""MARAC files: importing referrals, the SafeLives return (Permission.MARAC_RETURN) and the
printed documents (Permission.PRINT_MARAC): meeting pack, research list, case summary and
actions tracker. The work on referrals, meetings and actions is in ``actions.marac_cases``.

Every document printed is a ``print`` event naming the file, the recipients when the user
gives them and the cases it holds, recorded before the file is written; every return saved
is an ``export`` event naming the file ("-" for standard output). Each file's event says
whether it was protected with a password (``protected``): a PDF or workbook saved with one is
encrypted in memory before it is written (``scs_victims.protection``); a CSV cannot be. A
restricted case the user may not see prints "Restricted record" for its people
(``scs_victims.marac.sight``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from scs_victims.actions.base import Consulted, SignedIn, action, confirm_account, consult
from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.actions.marac_cases import may_see
from scs_victims.actions.permissions import Permission
from scs_victims.audit import acting_as
from scs_victims.errors import InputRefused
from scs_victims.exports import write_bytes_atomically, write_text_atomically
from scs_victims.importing.incidents import ImportSummary
from scs_victims.importing.profile import Profile
from scs_victims.marac import documents
from scs_victims.marac.agenda import build_agenda
from scs_victims.marac.safelives_return import (
    SafeLivesReturn,
    compute_return,
    return_csv_text,
    write_return_xlsx,
)
from scs_victims.marac.sight import Sight
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.protection import check_password, protect, refuse_for_csv
from scs_victims.settings import load_area

RETURN_FORMATS = ("csv", "xlsx")


@action(Permission.MARAC)
def import_referrals(user: SignedIn, path: Path, *, skip_invalid: bool = False,
                     rejects_path: Path | None = None,
                     progress: ProgressCallback = no_progress,
                     profile: Profile | None = None) -> Changed[ImportSummary]:
    """Import a coordinator's referrals CSV: the whole file or nothing (``FileRefused``), or
    with ``skip_invalid`` the valid rows and a rejects file. The core records the ``import``
    event and every insert, in this user's name."""
    from scs_victims.marac.importing import import_referrals as import_file

    confirm_account(user)
    with acting_as(user.actor):
        summary = import_file(user.database, path, skip_invalid=skip_invalid,
                              rejects_path=rejects_path, progress=progress, profile=profile)
    return Changed(summary, OpChanges(people=True, marac=True))


# --- the SafeLives return -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReturnExport:
    result: SafeLivesReturn
    area_name: str


def _period(first: date, last: date) -> dict[str, Any]:
    if last < first:
        raise InputRefused("The first date must not be after the last.")
    return {"from": first, "to": last}


def _read_return(first: date, last: date) -> Callable[[Session], ReturnExport]:
    def read(session: Session) -> ReturnExport:
        return ReturnExport(compute_return(session, first, last), load_area(session).area_name)

    return read


@action(Permission.MARAC_RETURN)
def safelives_return(user: SignedIn, first: date, last: date) -> ReturnExport:
    """The return for the meetings held from ``first`` to ``last`` (figures, no names)."""
    period = _period(first, last)
    return consult(user, _read_return(first, last), lambda loaded: [
        Consulted("view", "marac_return", None,
                  {**period, "meetings": len(loaded.result.meetings)})])


@action(Permission.MARAC_RETURN)
def export_return(user: SignedIn, first: date, last: date, fmt: str,
                  out: Path | None, *, password: str | None = None) -> ReturnExport:
    """The return as CSV or XLSX written to ``out`` atomically (the XLSX protected with
    ``password`` when given); ``out`` None: the caller writes the CSV (``return_csv_text``)
    to standard output."""
    period = _period(first, last)
    if fmt not in RETURN_FORMATS:
        raise InputRefused(f"The return is saved as CSV or XLSX, not '{fmt}'.")
    if out is None and fmt == "xlsx":
        raise InputRefused("An XLSX return needs a file to be written to.")
    refuse_for_csv(fmt, password)
    check_password(password)
    detail: dict[str, Any] = {**period, "format": fmt, "file": "-" if out is None else out.name}
    if out is not None:
        detail["protected"] = password is not None
    loaded = consult(user, _read_return(first, last), lambda loaded: [
        Consulted("export", "marac_return", None, {
            **detail, "meetings": len(loaded.result.meetings)})])
    if out is not None and fmt == "csv":
        write_text_atomically(out, return_csv_text(loaded.result))
    elif out is not None:
        write_return_xlsx(loaded.result, out, area_name=loaded.area_name, password=password)
    return loaded


# --- printed documents ----------------------------------------------------------------------


class MeetingDocument(StrEnum):
    """The documents printed for a meeting (value: their name in the audit log)."""

    PACK = "meeting pack"
    RESEARCH_LIST = "research list"
    ACTIONS_TRACKER = "actions tracker"


_RENDERERS: dict[MeetingDocument, Callable[..., bytes]] = {
    MeetingDocument.PACK: documents.render_meeting_pack,
    MeetingDocument.RESEARCH_LIST: documents.render_research_list,
    MeetingDocument.ACTIONS_TRACKER: documents.render_actions_tracker,
}


@dataclass(frozen=True, slots=True)
class _Rendered:
    pdf: bytes
    entity_id: int
    cases: list[int]  # the referrals the document names


def _printed(document: str, entity: str, out: Path, recipients: str, password: str | None
             ) -> Callable[[_Rendered], list[Consulted]]:
    def seen(rendered: _Rendered) -> list[Consulted]:
        detail: dict[str, Any] = {"document": document, "file": out.name,
                                  "cases": rendered.cases, "protected": password is not None}
        if recipients.strip():
            detail["recipients"] = recipients.strip()
        return [Consulted("print", entity, rendered.entity_id, detail)]

    return seen


def _render_meeting(session: Session, meeting_id: int, document: MeetingDocument,
                    sight: Sight) -> _Rendered:
    pdf = _RENDERERS[document](session, meeting_id, sight=sight)
    agenda = build_agenda(session, meeting_id)
    named = agenda.cases if document is MeetingDocument.PACK else agenda.discussed
    return _Rendered(pdf, meeting_id, [case.referral_id for case in named])


def _print(user: SignedIn, read: Callable[[Session], _Rendered],
           seen: Callable[[_Rendered], list[Consulted]], out: Path,
           password: str | None) -> Path:
    rendered = consult(user, read, seen)
    write_bytes_atomically(out, protect(rendered.pdf, "pdf", password))
    return out


@action(Permission.PRINT_MARAC)
def print_meeting_document(user: SignedIn, meeting_id: int, document: MeetingDocument,
                           out: Path, *, recipients: str = "",
                           password: str | None = None) -> Path:
    """A meeting's pack, research list or actions tracker as a PDF at ``out``, protected
    with ``password`` when given."""
    check_password(password)
    sight = may_see(user)
    return _print(user, lambda session: _render_meeting(session, meeting_id, document, sight),
                  _printed(document.value, "meeting", out, recipients, password), out,
                  password)


@action(Permission.PRINT_MARAC)
def print_meeting_pack(user: SignedIn, meeting_date: date, out: Path, *,
                       research_list: bool = False, recipients: str = "",
                       password: str | None = None) -> Path:
    """The pack (or the research list) of the meeting held on ``meeting_date``, protected
    with ``password`` when given."""
    check_password(password)
    sight = may_see(user)
    document = MeetingDocument.RESEARCH_LIST if research_list else MeetingDocument.PACK

    def read(session: Session) -> _Rendered:
        meeting_id = documents.meeting_on_date(session, meeting_date)
        return _render_meeting(session, meeting_id, document, sight)

    return _print(user, read, _printed(document.value, "meeting", out, recipients, password),
                  out, password)


@action(Permission.PRINT_MARAC)
def print_case_summary(user: SignedIn, referral_id: int, out: Path, *,
                       recipients: str = "", password: str | None = None) -> Path:
    """One referral's case summary, with every action recorded on it, as a PDF at ``out``,
    protected with ``password`` when given."""
    check_password(password)
    sight = may_see(user)

    def read(session: Session) -> _Rendered:
        pdf = documents.render_case_summary(session, referral_id, sight=sight)
        return _Rendered(pdf, referral_id, [referral_id])

    return _print(user, read,
                  _printed("case summary", "marac_case", out, recipients, password), out,
                  password)
