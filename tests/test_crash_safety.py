"""A killed import leaves the database exactly as it was (one transaction per import).

The import runs in a real ``python -m scs_victims`` process, which is sent SIGKILL while it
is writing. Progress is read from the size of the ``-wal`` file: uncommitted pages spill into
it as the import streams, so its size says how far the import has gone on any machine speed.

Two files of ~60,000 invented rows are used: a compact one (checked in the writing process)
and one with descriptions, big enough for rows to be checked in a parsing process beside the
writer; that process must not outlive the killed writer.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from scs_victims.importing.incidents import import_incidents
from scs_victims.importing.pipeline import PARALLEL_MIN_BYTES
from scs_victims.importing.wards import load_wards
from scs_victims.storage.database import open_database
from tests.conftest import SHARED_DATA
from tests.helpers.cli import add_cli_admin, cli_env, command, run_cli
from tests.helpers.snapshot import RECORDS, TableState, audit_kinds_after, integrity, snapshot

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal"),
]

ROWS = 60_000
MAX_ATTEMPTS = 2  # the second attempt doubles the file if the first finished too soon
ATTEMPT_DEADLINE_SECONDS = 120
POLL_SECONDS = 0.005
CHILDREN_GONE_SECONDS = 15
DESCRIPTION = ("Synthetic test record: caller reported noise and damage to a fence; officer "
               "attended and gave advice. ") * 2
PROC = Path("/proc")


@dataclass(frozen=True)
class KillPoint:
    """Kill once the WAL holds ``wal_bytes``; ``described`` picks the file with descriptions.

    A full import of the compact file spills about 17 MB to the WAL, the described one about
    25 MB, before their final phase.
    """

    described: bool
    wal_bytes: int


KILL_POINTS = {
    "compact-just-started": KillPoint(described=False, wal_bytes=64 * 1024),
    "parallel-midway": KillPoint(described=True, wal_bytes=6 * 2**20),
    "parallel-late": KillPoint(described=True, wal_bytes=18 * 2**20),
}


def write_big_csv(path: Path, rows: int, *, described: bool = False) -> Path:
    """Invented, valid incidents: a third each of dv, asb and burglary, 2020–2024."""
    first = date(2020, 1, 1)
    days = (date(2024, 12, 31) - first).days + 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reference", "crime_type", "occurred_on", "victim_ref",
                         "address_line1", "postcode", "source", "description"])
        for number in range(1, rows + 1):
            occurred = (first + timedelta(days=(number * 7919) % days)).isoformat()
            reference = f"K{number:06d}"
            description = f"{number}. {DESCRIPTION}" if described else ""
            kind = number % 3
            if kind == 0:
                writer.writerow([reference, "dv", occurred, f"V{number % 4000}", "", "",
                                 "police", description])
            elif kind == 1:
                writer.writerow([reference, "asb", occurred, f"V{number % 4000}", "", "",
                                 "council", description])
            else:
                writer.writerow([reference, "burglary", occurred, "",
                                 f"{number % 900} Example Road", "ZZ9 9ZZ", "police",
                                 description])
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wards and the small fixture, already committed: what must survive every kill."""
    folder = tmp_path_factory.mktemp("crash-template")
    path = folder / "base.db"
    database = open_database(path)
    try:
        load_wards(database, SHARED_DATA / "wards.csv")
        summary = import_incidents(database, SHARED_DATA / "incidents-small.csv")
        assert summary.imported == 20
        add_cli_admin(database)  # the commands below sign in as it
    finally:
        database.close()
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture(scope="module")
def template_state(template: Path) -> dict[str, TableState]:
    state = snapshot(template)
    assert state["incidents"].rows == 20
    assert state["audit_events"].rows > 0
    return state


class _BigCsvs(dict[tuple[int, bool], Path]):
    """Big files by (rows, described), each written the first time it is asked for."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __missing__(self, key: tuple[int, bool]) -> Path:
        rows, described = key
        path = write_big_csv(self.folder / f"big-{rows}-{'described' if described else 'compact'}"
                             ".csv", rows, described=described)
        if described:
            assert path.stat().st_size >= PARALLEL_MIN_BYTES * 1.2, (
                "the described file no longer reaches the size checked in a parsing process")
        self[key] = path
        return path


@pytest.fixture(scope="module")
def big_csvs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, bool], Path]:
    return _BigCsvs(tmp_path_factory.mktemp("big-csv"))


def _children(pid: int) -> set[int]:
    """The child processes of ``pid`` (Linux /proc; empty elsewhere)."""
    found: set[int] = set()
    for children in PROC.glob(f"{pid}/task/*/children"):
        try:
            found.update(int(child) for child in children.read_text().split())
        except OSError:
            continue
    return found


def _running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def _kill_when_wal_reaches(process: subprocess.Popen[bytes], wal: Path,
                           threshold: int) -> tuple[bool, int, set[int]]:
    """SIGKILL the process once the WAL holds ``threshold`` bytes.

    Returns (killed while running, WAL size seen, its children just before the kill).
    """
    deadline = time.monotonic() + ATTEMPT_DEADLINE_SECONDS
    size = 0
    while process.poll() is None:
        try:
            size = wal.stat().st_size
        except FileNotFoundError:
            size = 0
        if size >= threshold:
            children = _children(process.pid)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return process.returncode == -signal.SIGKILL, size, children
        if time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=30)
            pytest.fail(f"the import had not written {threshold} bytes to the WAL after "
                        f"{ATTEMPT_DEADLINE_SECONDS} s (only {size}); the machine is too slow "
                        "or the import stalled")
        time.sleep(POLL_SECONDS)
    return False, size, set()


@pytest.mark.parametrize("point", list(KILL_POINTS.values()), ids=list(KILL_POINTS))
def test_killing_an_import_leaves_the_database_as_it_was(
        template: Path, template_state: dict[str, TableState],
        big_csvs: dict[tuple[int, bool], Path], tmp_path: Path, point: KillPoint) -> None:
    db = tmp_path / "live.db"
    wal = Path(f"{db}-wal")
    rows = ROWS
    outcomes: list[str] = []
    children: set[int] = set()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        shutil.copyfile(template, db)
        for leftover in (wal, Path(f"{db}-shm")):
            leftover.unlink(missing_ok=True)
        big = big_csvs[rows, point.described]
        log = tmp_path / f"attempt-{attempt}.out"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command("import", "incidents", big, db=db), cwd=tmp_path,
                env=cli_env(tmp_path), stdout=output, stderr=subprocess.STDOUT)
            try:
                killed, size, children = _kill_when_wal_reaches(process, wal, point.wal_bytes)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=30)
        if killed:
            break
        message = log.read_text(encoding="utf-8", errors="replace")
        if process.returncode != 0:
            pytest.fail(f"the import failed on its own (exit {process.returncode}) before the "
                        f"kill:\n{message}")
        outcomes.append(f"attempt {attempt}: {rows} rows finished before the WAL reached "
                        f"{point.wal_bytes} bytes (it reached {size})")
        rows *= 2
    else:
        pytest.fail("the import could never be killed while it was running: "
                    + "; ".join(outcomes))

    # The kill happened mid-transaction: uncommitted pages are still in the WAL.
    assert wal.exists() and wal.stat().st_size >= point.wal_bytes

    if point.described and PROC.is_dir() and (os.cpu_count() or 1) > 1:
        assert children, "expected the rows to be checked in a parsing process"
    # Nothing the import started outlives it (the parser stops when its pipe breaks).
    deadline = time.monotonic() + CHILDREN_GONE_SECONDS
    while any(_running(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [child for child in children if _running(child)] == []

    assert integrity(db) == ["ok"]
    # Every record as it was; the audit log holds at most the import's sign-in beside.
    records = {table: template_state[table] for table in RECORDS}
    assert snapshot(db, RECORDS) == records
    audited = template_state["audit_events"].rows
    assert audit_kinds_after(db, audited) <= {"sign_in"}
    # And the application opens it and finds it sound.
    checked = run_cli(tmp_path, "check", db=db)
    assert checked.returncode == 0, checked.stderr
    assert "is sound" in checked.stdout
    assert snapshot(db, RECORDS) == records
