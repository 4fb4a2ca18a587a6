"""Files that leave the app protected with a password (issue 17, item 6): PDFs with AES-256,
workbooks with Office's own encryption, made in memory so that no file (not even a temporary
one) ever holds the plain document; the audit says whether each file was protected; and
``--password-from-env VAR`` on the command line. Every person and password here is invented."""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msoffcrypto  # type: ignore[import-untyped]
import olefile  # type: ignore[import-untyped]
import pikepdf
import pytest
from msoffcrypto.exceptions import InvalidKeyError  # type: ignore[import-untyped]
from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError
from sqlalchemy import select

from scs_victims.actions import figures, marac, reports
from scs_victims.actions.base import SignedIn
from scs_victims.actions.marac import MeetingDocument
from scs_victims.domain.crime_types import CRIME_TYPES
from scs_victims.domain.periods import PeriodKind, parse_period_label, periods_between
from scs_victims.errors import Cancelled, FormInvalid, InputRefused
from scs_victims.figures import compute_figures
from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.wards import load_wards
from scs_victims.marac.importing import import_referrals
from scs_victims.protection import check_password, protect_pdf, protect_workbook
from scs_victims.reports.incident_list import export_incident_list
from scs_victims.reports.workbook import figures_workbook_bytes
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent, MaracMeeting, MaracReferral
from scs_victims.workbook_bytes import workbook_bytes
from tests.conftest import SHARED_DATA
from tests.helpers.accounts import signed_in
from tests.helpers.cli import cli_env, log_files, run_cli

PASSWORD = "synthetic-file-pass-1"
QUARTER = parse_period_label("2024/25 Q4")
FIRST, LAST = date(2024, 4, 1), date(2025, 3, 31)
MEETING = date(2024, 5, 15)  # a meeting of the small MARAC fixture
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


# Watching every file opened for writing -----------------------------------------------------

_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_watchers: list[list[str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _watchers:
        return
    try:
        path, mode, flags = args
        if isinstance(path, int) or path is None:
            return
        if (flags or 0) & _WRITING or (mode and any(letter in mode for letter in "wax+")):
            _watchers[-1].append(os.fsdecode(os.fspath(path)))
    except Exception:  # noqa: BLE001 - an audit hook must never break an open
        return


sys.addaudithook(_audit)  # Python's audit events see every open, os.open and tempfile's too


@contextmanager
def files_written() -> Iterator[list[str]]:
    """Every path opened for writing from Python (io.open, os.open, tempfile) meanwhile."""
    written: list[str] = []
    _watchers.append(written)
    try:
        yield written
    finally:
        _watchers.remove(written)


# Reading protected files --------------------------------------------------------------------


def pdf_text(data: bytes, password: str | None = None) -> str:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        assert reader.decrypt(password)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def decrypted_workbook(data: bytes, password: str) -> bytes:
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
    return plain.getvalue()


def cells(data: bytes, *, skip_produced: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: [row for row in sheet.iter_rows(values_only=True)
                          if not (skip_produced and row and row[0] == "Produced")]
            for sheet in workbook.worksheets}


def assert_protected_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        _ = reader.pages[0].extract_text()
    assert not PdfReader(io.BytesIO(data)).decrypt("not-the-password")
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(io.BytesIO(data))
    with pikepdf.open(io.BytesIO(data), password=PASSWORD) as pdf:
        assert pdf.encryption.R == 6  # AES-256 (PDF 2.0's handler)
        assert pdf.encryption.bits == 256
        assert pdf.encryption.stream_method.name == "aesv3"
        assert pdf.allow.print_highres


def assert_protected_workbook(data: bytes) -> None:
    assert data.startswith(OLE_MAGIC)
    assert olefile.isOleFile(io.BytesIO(data))
    with pytest.raises((InvalidFileException, zipfile.BadZipFile)):
        load_workbook(io.BytesIO(data))
    with pytest.raises(InvalidKeyError):
        decrypted_workbook(data, "not-the-password")
    assert decrypted_workbook(data, PASSWORD).startswith(b"PK")


# The core functions -------------------------------------------------------------------------


@pytest.fixture
def small(database: Database) -> Database:
    load_wards(database, SHARED_DATA / "wards.csv")
    import_incidents(database, SHARED_DATA / "incidents-small.csv", today=date(2025, 6, 1))
    import_referrals(database, SHARED_DATA / "marac-referrals-small.csv")
    return database


def test_a_protected_pdf_reads_back_the_same_text_only_with_its_password(
        small: Database) -> None:
    user = signed_in(small)
    plain = reports.quarterly_report_for_printer(user, QUARTER, "Test printer")
    protected = protect_pdf(plain, PASSWORD)
    assert_protected_pdf(protected)
    text = pdf_text(protected, PASSWORD)
    assert text == pdf_text(plain)
    assert "OFFICIAL" in text and QUARTER.label in text  # the marking, as before


def test_a_protected_workbook_decrypts_to_the_same_cells(small: Database) -> None:
    with small.session() as session:
        rows = compute_figures(session, periods_between(FIRST, LAST, PeriodKind.QUARTER),
                               list(CRIME_TYPES), by_ward=True)
    plain = figures_workbook_bytes(rows, area_name="Synthetic Borough", period_label="2024/25",
                                   marking="OFFICIAL-SENSITIVE", publish=False, definitions=[],
                                   produced_at=datetime(2025, 6, 1, 9, 14))
    protected = protect_workbook(plain, PASSWORD)
    assert_protected_workbook(protected)
    again = decrypted_workbook(protected, PASSWORD)
    assert cells(again) == cells(plain)
    assert ("Marking", "OFFICIAL-SENSITIVE") in [row[:2] for row in cells(again)["Summary"]]


def test_workbooks_are_made_in_memory_without_openpyxl_temporary_files() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Synthetic", 1])
    with files_written() as written:
        data = workbook_bytes(workbook)
    assert written == []
    assert cells(data) == {"Sheet": [("Synthetic", 1)]}


@pytest.mark.parametrize("password", ["", "short", "seven77"])
def test_a_password_needs_eight_characters(password: str) -> None:
    with pytest.raises(FormInvalid) as refused:
        check_password(password)
    assert refused.value.errors == {"password": "A password must have at least 8 characters."}
    assert password not in str(refused.value) or not password
    check_password("eight888")
    check_password(None)


# Every action that writes a PDF or a workbook -----------------------------------------------

Save = Callable[[SignedIn, Path, str | None], object]


def _meeting(database: Database) -> int:
    with database.session() as session:
        found = session.scalar(select(MaracMeeting.id).where(
            MaracMeeting.meeting_date == MEETING))
    assert found is not None
    return found


def _referral(database: Database) -> int:
    with database.session() as session:
        found = session.scalar(select(MaracReferral.id).order_by(MaracReferral.id))
    assert found is not None
    return found


# (name, kind, audit action, audit entity, save)
SAVES: list[tuple[str, str, str, str, Save]] = [
    ("quarterly report", "pdf", "print", "report",
     lambda user, out, password: reports.print_quarterly_report(
         user, QUARTER, out, publish=True, password=password)),
    ("report workbook", "xlsx", "export", "figures",
     lambda user, out, password: reports.save_report_workbook(
         user, QUARTER, out, password=password)),
    ("incident list", "xlsx", "export", "incident_list",
     lambda user, out, password: reports.export_incident_list(
         user, out, FIRST, LAST, [], "xlsx", password=password)),
    ("figures", "xlsx", "export", "figures",
     lambda user, out, password: figures.export_figures(
         user, out, FIRST, LAST, PeriodKind.QUARTER, [], by_ward=True, fmt="xlsx",
         publish=False, password=password)),
    ("SafeLives return", "xlsx", "export", "marac_return",
     lambda user, out, password: marac.export_return(
         user, FIRST, LAST, "xlsx", out, password=password)),
    ("meeting pack", "pdf", "print", "meeting",
     lambda user, out, password: marac.print_meeting_pack(
         user, MEETING, out, password=password)),
    ("research list", "pdf", "print", "meeting",
     lambda user, out, password: marac.print_meeting_pack(
         user, MEETING, out, research_list=True, password=password)),
    ("actions tracker", "pdf", "print", "meeting",
     lambda user, out, password: marac.print_meeting_document(
         user, _meeting(user.database), MeetingDocument.ACTIONS_TRACKER, out,
         password=password)),
    ("case summary", "pdf", "print", "marac_case",
     lambda user, out, password: marac.print_case_summary(
         user, _referral(user.database), out, password=password)),
]


def _events(database: Database) -> list[AuditEvent]:
    with database.session() as session:
        found = list(session.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(("print", "export"))).order_by(AuditEvent.id)))
        session.expunge_all()
    return found


@pytest.mark.parametrize(("name", "kind", "action", "entity", "save"), SAVES,
                         ids=[save[0] for save in SAVES])
def test_each_file_is_written_once_protected_and_the_audit_says_so(
        small: Database, tmp_path: Path, name: str, kind: str, action: str, entity: str,
        save: Save) -> None:
    user = signed_in(small)
    out = tmp_path / f"{name}.{kind}"
    with files_written() as written:
        save(user, out, PASSWORD)
    # Only the partial file beside the target was ever written (then renamed into place):
    # no temporary file anywhere, no plain copy first.
    assert written == [str(out) + ".partial"], written
    assert sorted(path.name for path in tmp_path.iterdir() if path.name != "test.db"
                  and not path.name.startswith("test.db")) == [out.name]
    data = out.read_bytes()
    if kind == "pdf":
        assert_protected_pdf(data)
        assert "OFFICIAL" in pdf_text(data, PASSWORD)  # the protective marking, as today
    else:
        assert_protected_workbook(data)
        opened = cells(decrypted_workbook(data, PASSWORD))
        if name != "SafeLives return":  # the return has never carried one: SafeLives' format
            assert all(any(row[:1] == ("Marking",) for row in sheet)
                       for sheet in opened.values())

    plain_out = tmp_path / f"{name} plain.{kind}"
    with files_written() as written:
        save(user, plain_out, None)
    assert written == [str(plain_out) + ".partial"], written
    plain = plain_out.read_bytes()
    assert plain.startswith(b"%PDF" if kind == "pdf" else b"PK")
    if kind == "pdf":
        assert not PdfReader(io.BytesIO(plain)).is_encrypted

    events = _events(small)
    assert [(event.action, event.entity) for event in events] == [(action, entity)] * 2
    details = [json.loads(event.detail or "{}") for event in events]
    assert [(detail["file"], detail["protected"]) for detail in details] == [
        (out.name, True), (plain_out.name, False)]
    assert all(PASSWORD not in (event.detail or "") for event in events)


@pytest.mark.parametrize(("name", "kind", "action", "entity", "save"), SAVES,
                         ids=[save[0] for save in SAVES])
def test_a_short_password_is_refused_before_anything_is_written(
        small: Database, tmp_path: Path, name: str, kind: str, action: str, entity: str,
        save: Save) -> None:
    del action, entity
    user = signed_in(small)
    out = tmp_path / f"{name}.{kind}"
    with pytest.raises(FormInvalid) as refused:
        save(user, out, "short")
    assert set(refused.value.errors) == {"password"}
    assert not out.exists() and not out.with_name(out.name + ".partial").exists()
    assert _events(small) == []


def test_a_csv_cannot_be_protected(small: Database, tmp_path: Path) -> None:
    user = signed_in(small)
    out = tmp_path / "list.csv"
    with pytest.raises(InputRefused, match="CSV file cannot be protected"):
        reports.export_incident_list(user, out, FIRST, LAST, [], "csv", password=PASSWORD)
    with pytest.raises(InputRefused, match="CSV file cannot be protected"):
        figures.export_figures(user, out, FIRST, LAST, PeriodKind.QUARTER, [], by_ward=False,
                               fmt="csv", publish=False, password=PASSWORD)
    with pytest.raises(InputRefused, match="CSV file cannot be protected"):
        marac.export_return(user, FIRST, LAST, "csv", out, password=PASSWORD)
    assert not out.exists()
    assert _events(small) == []
    # Without a password the CSV is written as ever, and says it was not protected.
    figures.export_figures(user, out, FIRST, LAST, PeriodKind.QUARTER, [], by_ward=False,
                           fmt="csv", publish=False)
    [event] = _events(small)
    assert json.loads(event.detail or "{}")["protected"] is False


def test_a_cancelled_protected_list_leaves_nothing(small: Database, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from scs_victims.reports import incident_list

    out = tmp_path / "list.xlsx"
    monkeypatch.setattr(incident_list, "_PROGRESS_EVERY", 1)  # a word after every row

    def cancel_midway(done: int, _total: int | None) -> None:
        if done == 3:
            raise Cancelled

    with small.session() as session, pytest.raises(Cancelled):
        export_incident_list(session, out, FIRST, LAST, [], "xlsx", progress=cancel_midway,
                             password=PASSWORD)
    assert sorted(path.name for path in tmp_path.iterdir()
                  if not path.name.startswith("test.db")) == []


def test_the_streamed_list_is_a_whole_workbook_either_way(small: Database,
                                                          tmp_path: Path) -> None:
    with small.session() as session:
        plain_count = export_incident_list(session, tmp_path / "plain.xlsx", FIRST, LAST, [],
                                           "xlsx")
        protected_count = export_incident_list(session, tmp_path / "locked.xlsx", FIRST, LAST,
                                               [], "xlsx", password=PASSWORD)
    assert plain_count == protected_count > 0
    plain = cells((tmp_path / "plain.xlsx").read_bytes(), skip_produced=True)
    locked = cells(decrypted_workbook((tmp_path / "locked.xlsx").read_bytes(), PASSWORD),
                   skip_produced=True)
    assert plain == locked
    assert len(plain["Incidents"]) == 6 + 1 + plain_count  # header (less Produced), columns, rows


# The command line ---------------------------------------------------------------------------

ENV_VAR = "SCS_TEST_FILE_PASSWORD"


def _ok(result: Any) -> str:
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def test_the_command_line_protects_each_file_with_the_password_from_the_environment(
        tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    _ok(run_cli(tmp_path, "wards", "load", SHARED_DATA / "wards.csv", db=db))
    _ok(run_cli(tmp_path, "import", "incidents", SHARED_DATA / "incidents-small.csv", db=db))
    _ok(run_cli(tmp_path, "marac", "import", SHARED_DATA / "marac-referrals-small.csv", db=db))
    env = cli_env(tmp_path, **{ENV_VAR: PASSWORD})
    period = ("--from", FIRST.isoformat(), "--to", LAST.isoformat())
    runs: list[tuple[str, tuple[str, ...]]] = [
        ("report.pdf", ("report", "quarterly", "--quarter", QUARTER.label)),
        ("pack.pdf", ("marac", "pack", "--meeting", MEETING.isoformat())),
        ("return.xlsx", ("marac", "return", *period, "--format", "xlsx")),
        ("figures.xlsx", ("figures", *period, "--format", "xlsx")),
        ("incidents.xlsx", ("export", "incidents", *period, "--format", "xlsx")),
    ]
    for name, args in runs:
        out = tmp_path / name
        _ok(run_cli(tmp_path, *args, "--out", out, "--password-from-env", ENV_VAR, db=db,
                    env=env))
        if name.endswith(".pdf"):
            assert_protected_pdf(out.read_bytes())
        else:
            assert_protected_workbook(out.read_bytes())
    for log in log_files(tmp_path):
        assert PASSWORD not in log.read_text(encoding="utf-8", errors="replace")


def test_the_command_line_refuses_a_missing_short_or_csv_password(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    report = ("report", "quarterly", "--quarter", QUARTER.label, "--out", tmp_path / "r.pdf",
              "--password-from-env", ENV_VAR)

    unset = run_cli(tmp_path, *report, db=db)
    assert unset.returncode == 1
    assert f"the environment variable {ENV_VAR} is not set or is empty" in unset.stderr
    assert "Traceback" not in unset.stderr

    empty = run_cli(tmp_path, *report, db=db, env=cli_env(tmp_path, **{ENV_VAR: ""}))
    assert empty.returncode == 1
    assert "is not set or is empty" in empty.stderr

    short = run_cli(tmp_path, *report, db=db, env=cli_env(tmp_path, **{ENV_VAR: "short"}))
    assert short.returncode == 1
    assert f"The password in {ENV_VAR} is too short" in short.stderr
    assert "short" not in short.stderr.replace("too short", "")
    assert not (tmp_path / "r.pdf").exists()

    env = cli_env(tmp_path, **{ENV_VAR: PASSWORD})
    for args in (("figures", "--from", "2024-04-01", "--to", "2025-03-31", "--format", "csv",
                  "--out", tmp_path / "f.csv"),
                 ("export", "incidents", "--from", "2024-04-01", "--to", "2025-03-31",
                  "--format", "csv", "--out", tmp_path / "i.csv"),
                 ("marac", "return", "--from", "2024-04-01", "--to", "2025-03-31",
                  "--format", "csv", "--out", "-")):
        refused = run_cli(tmp_path, *args, "--password-from-env", ENV_VAR, db=db, env=env)
        assert refused.returncode == 1, refused.stderr
        assert "A CSV file cannot be protected with a password" in refused.stderr
        assert refused.stdout == ""
    assert not (tmp_path / "f.csv").exists() and not (tmp_path / "i.csv").exists()
