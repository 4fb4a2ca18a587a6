"""Issue 17: a plain database killed with SIGKILL at random moments of its conversion (``init``:
the first administrator, and the file encrypted) is left whole every time, at council scale.

    .venv/bin/python tools/kill_conversion.py --incidents 1000000 --kills 12 [--seed 7]
                                              [--stratified] [--workdir DIR]

1. Builds once (cached in the work folder, default benchmarks/out/kill-conversion/) a plain
   SQLite database without accounts: the demo borough's wards and ``--incidents`` synthetic
   incidents, imported with the core as a file of the version before accounts would hold.
2. Times one whole ``init`` of a copy (a subprocess: ``python -m scs_victims --db F init``,
   the test administrator of tests/helpers/cli.py): its length is T.
3. ``--kills`` times: copies the plain file alone into a fresh folder, starts ``init`` and
   SIGKILLs it at a moment drawn uniformly from (0, 1.1 × T) (seeded; ``--stratified``: one
   moment in each of ``--kills`` equal slices of it, so that no unlucky draw leaves the end
   untried). Then checks, as another program would read it: SQLite's integrity check; the
   file plain with no account or encrypted with exactly one; the rows of every table but
   ``users`` and ``audit_events`` counted as in the original (the audit log: as many, or the
   first administrator's 2 or 3 events more once encrypted); then opens it the app's own way
   once more (``check`` on the command line when encrypted, ``open_store`` when plain) and
   checks that no leftover of the conversion (``.encrypting``, ``.plain-old``, ``*.partial``,
   the key file of a plain file) remains and that no backup beside an encrypted file is
   plaintext.
4. Prints one line per kill and a summary, and writes benchmarks/out/kill-conversion.json.

The plain file is built at this code's schema revision (its name carries it), so ``init``
converts it without updating it first. Exits 1 if any check fails (the folder of a failed
kill is kept for a post-mortem), 2 if the code's schema revision changed during the run.
POSIX only (SIGKILL).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scs_victims.storage.encryption import (  # noqa: E402
    ENCRYPTING,
    PLAIN_OLD,
    FileState,
    file_state,
)
from scs_victims.storage.keyring import keyring_path  # noqa: E402
from scs_victims.storage.migrate import SCHEMA_HEAD  # noqa: E402
from scs_victims.storage.presence import lock_path  # noqa: E402
from tests.helpers.cli import cli_env, command  # noqa: E402
from tests.helpers.raw import connect  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
RESULT = OUT / "kill-conversion.json"
SPAN = 1.1  # kills fall in (0, SPAN × T): the last tenth after a whole conversion has ended
# Written by the conversion besides the first administrator: not counted against the original.
ACCOUNT_TABLES = ("users", "audit_events")
FIRST_ADMIN_EVENTS = (2, 3)  # "user" and "sign_in" in the copy; "sign_in" after the swap
STAMP = re.compile(r"\d{8}-\d{6}(-\d+)?\.")  # a backup's date in its name
OPEN_PLAIN = ("import sys; from scs_victims.actions.opening import open_store; "
              "open_store(sys.argv[1]).close()")


# --------------------------------------------------------------------------------------------
# The plain database
# --------------------------------------------------------------------------------------------


def build_plain(workdir: Path, incidents: int, seed: int) -> Path:
    """The cached plain database of ``incidents`` demo incidents (built under another name and
    renamed once whole, so a build that was stopped is never taken for one)."""
    plain = workdir / f"plain-{incidents}-{seed}-{SCHEMA_HEAD}.db"
    if plain.is_file():
        print(f"plain database: {plain} (cached)", flush=True)
        return plain
    from scs_victims.audit import Actor, acting_as, os_login
    from scs_victims.demo import write_incidents_csv, write_wards_csv
    from scs_victims.importing.incidents import import_incidents
    from scs_victims.importing.wards import load_wards
    from scs_victims.storage.database import open_database

    started = time.perf_counter()
    building = workdir / "building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    wards_csv = building / "wards.csv"
    incidents_csv = building / "incidents.csv"
    write_wards_csv(wards_csv, seed=seed)
    write_incidents_csv(incidents_csv, incidents, seed=seed)
    print(f"plain database: {incidents:,} incidents written as CSV in "
          f"{time.perf_counter() - started:.0f} s; importing", flush=True)
    db = building / plain.name
    database = open_database(db)
    try:
        # The version before accounts attributed everything to the computer's login.
        with acting_as(Actor(os_login() or "officer", None, os_login())):
            load_wards(database, wards_csv)
            summary = import_incidents(database, incidents_csv)
    finally:
        database.close()
    if summary.imported != incidents:
        raise SystemExit(f"the import took {summary.imported} incidents of {incidents}")
    # The file alone must hold everything: it is the only file each kill copies.
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    for leftover in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if leftover.exists() and leftover.stat().st_size:
            raise SystemExit(f"{leftover} still holds pages after the checkpoint")
    os.replace(db, plain)
    shutil.rmtree(building)
    print(f"plain database: {plain} built in {time.perf_counter() - started:.0f} s "
          f"({plain.stat().st_size / 2**20:,.0f} MiB)", flush=True)
    return plain


def census(path: Path) -> dict[str, int]:
    """Rows in every table, read as another program would (keyed when encrypted)."""
    connection = connect(path)
    try:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        return {name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
                for name in names}
    finally:
        connection.close()


def integrity(path: Path) -> list[str]:
    connection = connect(path)
    try:
        return [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


# --------------------------------------------------------------------------------------------
# One conversion, killed or not
# --------------------------------------------------------------------------------------------


@dataclass
class Kill:
    number: int
    delay_s: float  # the moment of the SIGKILL, from the start of the process
    killed: bool = False  # still running at that moment
    exit_code: int | None = None  # when it finished first
    outcome: str = ""  # plain or encrypted
    stage: list[str] = field(default_factory=list)  # what lay beside the file after the kill
    reopen_s: float = 0.0
    failures: list[str] = field(default_factory=list)

    def line(self, total: int) -> str:
        how = "killed" if self.killed else f"finished (exit {self.exit_code})"
        checks = "all checks passed" if not self.failures else "FAILED: " + "; ".join(
            self.failures)
        beside = ", ".join(self.stage) or "nothing"
        return (f"kill {self.number}/{total}: at {self.delay_s:7.2f} s  {self.outcome or '?'} "
                f"({how}); beside it: {beside}; reopened in {self.reopen_s:.1f} s; {checks}")


def start_init(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    """``init`` as the tests run it: the test administrator, HOME inside ``folder``."""
    with (folder / "init.out").open("wb") as out:
        return subprocess.Popen(command("init", db=db), cwd=folder, env=cli_env(folder),
                                stdout=out, stderr=subprocess.STDOUT)


def fresh_copy(plain: Path, folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = folder / "council.db"
    shutil.copyfile(plain, db)  # the file alone: no -wal, no backups, no key file
    return db


def timed_conversion(plain: Path, workdir: Path, original: dict[str, int]
                     ) -> tuple[float, dict[str, float]]:
    """How long a whole ``init`` takes, and when (seconds from its start) each file of the
    conversion was first seen beside the database, watched four times a second."""
    folder = workdir / "timed"
    db = fresh_copy(plain, folder)
    timeline: dict[str, float] = {}
    started = time.perf_counter()
    process = start_init(folder, db)
    while True:
        now = round(time.perf_counter() - started, 2)
        seen = [STAMP.sub("", name) for name in beside(db)]
        if file_state(db) is FileState.ENCRYPTED:
            seen.append("(the file encrypted)")
        for name in seen:
            timeline.setdefault(name, now)
        try:
            code = process.wait(timeout=0.25)
            break
        except subprocess.TimeoutExpired:
            continue
    length = time.perf_counter() - started
    problems = [] if code == 0 else [f"init exited {code}: {(folder / 'init.out').read_text()}"]
    if not problems:
        problems = check_whole(db, original, expect_encrypted=True)
    if problems:
        raise SystemExit(f"the unkilled conversion failed ({folder}): {'; '.join(problems)}")
    shutil.rmtree(folder)
    return length, timeline


def kill_at(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL ``process`` ``delay`` seconds after it started; whether it was still running."""
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        process.kill()  # SIGKILL on POSIX
        process.wait()
        return True


def beside(db: Path) -> list[str]:
    """What lies beside the database, named by its part in the conversion."""
    names = sorted(path.name.removeprefix(db.name) or "(the file)"
                   for path in db.parent.glob(db.name + "?*"))
    backups = db.parent / "backups"
    if backups.is_dir():
        names += sorted(f"backups/{path.name.removeprefix(db.stem + '.')}"
                        for path in backups.iterdir())
    return names


def leftovers(db: Path) -> list[str]:
    """What a killed conversion may leave and the next opening must clear."""
    found = [path for path in db.parent.glob(db.name + ENCRYPTING + "*")]
    found += [path for path in (db.with_name(db.name + PLAIN_OLD),) if path.exists()]
    backups = db.parent / "backups"
    if backups.is_dir():
        found += list(backups.glob("*.partial"))
        found += list(backups.glob(f"*{ENCRYPTING}*")) + list(backups.glob(f"*{PLAIN_OLD}"))
    if file_state(db) is FileState.PLAIN and keyring_path(db).exists():
        found.append(keyring_path(db))
    return sorted(str(path.relative_to(db.parent)) for path in found)


def plain_backups(db: Path) -> list[str]:
    backups = db.parent / "backups"
    if not backups.is_dir():
        return []
    return sorted(path.name for path in backups.iterdir()
                  if path.is_file() and file_state(path) is FileState.PLAIN)


def check_whole(db: Path, original: dict[str, int], expect_encrypted: bool | None = None
                ) -> list[str]:
    """Whatever is at the database's name is one whole file: plain with no account, or
    encrypted with one, every record of the original in it. The problems found."""
    state = file_state(db)
    if state not in (FileState.PLAIN, FileState.ENCRYPTED):
        return [f"the file is {state.value}"]
    encrypted = state is FileState.ENCRYPTED
    problems = []
    if expect_encrypted is not None and encrypted is not expect_encrypted:
        problems.append(f"{state.value}, expected otherwise")
    try:
        verdict = integrity(db)
        counts = census(db)
    except Exception as exc:  # noqa: BLE001 - a file that cannot be read is the finding
        return [*problems, f"unreadable as {state.value}: {type(exc).__name__}: {exc}"]
    if verdict != ["ok"]:
        problems.append(f"integrity_check: {verdict[:3]}")
    users = counts.get("users")
    if users != (1 if encrypted else 0):
        problems.append(f"{state.value} with {users} accounts")
    same = {name: rows for name, rows in counts.items() if name not in ACCOUNT_TABLES}
    expected = {name: rows for name, rows in original.items() if name not in ACCOUNT_TABLES}
    if same != expected:
        differ = {name: (expected.get(name), same.get(name))
                  for name in sorted(set(same) | set(expected))
                  if same.get(name) != expected.get(name)}
        problems.append(f"rows differ (original, now): {differ}")
    events = counts.get("audit_events", -1) - original["audit_events"]
    if events not in (FIRST_ADMIN_EVENTS if encrypted else (0,)):
        problems.append(f"{events:+} audit events")
    return problems


def reopen(db: Path) -> list[str]:
    """Open the file the app's own way once more (a new process, as at the next start)."""
    folder = db.parent
    encrypted = file_state(db) is FileState.ENCRYPTED
    args = command("check", db=db) if encrypted else [sys.executable, "-c", OPEN_PLAIN, str(db)]
    done = subprocess.run(args, cwd=folder, env=cli_env(folder), capture_output=True,
                          text=True, encoding="utf-8", check=False)
    problems = []
    if done.returncode != 0:
        problems.append(f"reopening exited {done.returncode}: "
                        f"{(done.stderr or done.stdout).strip()[-300:]}")
    left = leftovers(db)
    if left:
        problems.append(f"left after reopening: {left}")
    if (file_state(db) is FileState.ENCRYPTED) is not encrypted:
        problems.append("reopening changed the file's state")
    plain = plain_backups(db) if encrypted else []  # a plain file's own backups may be plain
    if plain:
        problems.append(f"plaintext backups beside the encrypted file: {plain}")
    return problems


def one_kill(number: int, delay: float, plain: Path, workdir: Path,
             original: dict[str, int]) -> Kill:
    result = Kill(number, round(delay, 3))
    folder = workdir / f"kill-{number}"
    db = fresh_copy(plain, folder)
    process = start_init(folder, db)
    result.killed = kill_at(process, delay)
    if not result.killed:
        result.exit_code = process.returncode
        if process.returncode != 0:
            result.failures.append(f"init exited {process.returncode}")
    lock = lock_path(db).name.removeprefix(db.name)
    result.stage = [name for name in beside(db) if name != lock]
    state = file_state(db)
    result.outcome = state.value
    result.failures += check_whole(db, original,
                                   expect_encrypted=None if result.killed else True)
    started = time.perf_counter()
    result.failures += reopen(db)
    result.reopen_s = round(time.perf_counter() - started, 2)
    if not result.failures:
        shutil.rmtree(folder)
    return result


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def kill_moments(rng: random.Random, kills: int, span: float, stratified: bool
                 ) -> list[float]:
    """``kills`` moments drawn uniformly from (0, span); stratified: the k-th from the k-th of
    ``kills`` equal slices, then shuffled."""
    if not stratified:
        return [rng.uniform(0, span) for _ in range(kills)]
    width = span / kills
    moments = [rng.uniform(slot * width, (slot + 1) * width) for slot in range(kills)]
    rng.shuffle(moments)
    return moments


def schema_head_now() -> str:
    """The newest schema revision of the code as it is on disk now (others may change it)."""
    done = subprocess.run([sys.executable, "-c", "from scs_victims.storage.migrate import "
                           "SCHEMA_HEAD; print(SCHEMA_HEAD)"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7,
                        help="seeds the demo borough and the moments of the kills")
    parser.add_argument("--workdir", type=Path, default=OUT / "kill-conversion")
    parser.add_argument("--stratified", action="store_true",
                        help="one kill in each of --kills equal slices of the span (in random "
                             "order), so that every part of the conversion is hit")
    args = parser.parse_args(argv)
    if sys.platform == "win32":
        parser.error("SIGKILL is a POSIX signal")
    started = time.perf_counter()
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    plain = build_plain(workdir, args.incidents, args.seed)
    original = census(plain)
    if original.get("users"):
        raise SystemExit(f"{plain} has accounts; delete it to build it again")
    print(f"schema revision {SCHEMA_HEAD}; original rows: {original}", flush=True)

    length, timeline = timed_conversion(plain, workdir, original)
    print(f"an unkilled init (conversion) takes T = {length:.2f} s; first seen (s): "
          + ", ".join(f"{name} {moment:.1f}" for name, moment in timeline.items()), flush=True)

    delays = kill_moments(random.Random(args.seed), args.kills, SPAN * length,
                          args.stratified)
    print("kill moments (s): " + ", ".join(f"{delay:.2f}" for delay in delays), flush=True)
    kills: list[Kill] = []
    for number, delay in enumerate(delays, start=1):
        kill = one_kill(number, delay, plain, workdir, original)
        kills.append(kill)
        print(kill.line(args.kills), flush=True)

    failed = [kill for kill in kills if kill.failures]
    head_after = schema_head_now()
    outcomes = {f"{kill.outcome}, {'killed' if kill.killed else 'finished'}":
                sum(1 for other in kills if (other.outcome, other.killed) ==
                    (kill.outcome, kill.killed)) for kill in kills}
    total = time.perf_counter() - started
    print(f"summary: {len(kills)} kills, {len(failed)} failed; outcomes {outcomes}; "
          f"T = {length:.2f} s; {args.incidents:,} incidents; "
          f"{plain.stat().st_size / 2**20:,.0f} MiB plain; run took {total / 60:.1f} min",
          flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps({
        "incidents": args.incidents, "seed": args.seed, "kills": len(kills),
        "stratified": args.stratified, "timeline_s": timeline,
        "schema": SCHEMA_HEAD, "schema_after": head_after,
        "failed": len(failed), "conversion_s": round(length, 2),
        "plain_mib": round(plain.stat().st_size / 2**20, 1), "original_rows": original,
        "outcomes": outcomes, "runtime_s": round(total, 1),
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": {"system": platform.platform(), "cpus": os.cpu_count()},
        "results": [asdict(kill) for kill in kills],
    }, indent=2))
    print(f"written: {RESULT.relative_to(ROOT)}", flush=True)
    if head_after != SCHEMA_HEAD:
        print(f"the schema's head moved from {SCHEMA_HEAD} to {head_after} during the run, so "
              "the later kills converted a file that needed an update first: run it again",
              flush=True)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
