"""A large first load works its repeat flags out in memory (``importing.load_repeats``) while
the indexes are rebuilt. These tests hold it to the repeat engine: the flags it stores are the
ones the engine's own full pass would store, on awkward days (29 February, month ends), with
missing and explicit midnight times, and with same-moment incidents ordered by reference.
Every reference and victim here is invented.
"""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from scs_victims.domain.crime_types import CrimeType
from scs_victims.importing import incidents as incidents_module
from scs_victims.importing import load_repeats
from scs_victims.importing.incidents import import_incidents
from scs_victims.repeats import recompute_all
from scs_victims.settings import RuleSettings, save_rules
from scs_victims.storage.database import Database, open_database
from scs_victims.storage.models import Address, ImportRun, Incident, Person, table_of

TODAY = date(2026, 11, 1)
DAYS = st.sampled_from([
    date(2023, 2, 28), date(2023, 3, 1), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1),
    date(2024, 3, 31), date(2024, 4, 30), date(2025, 2, 28), date(2025, 3, 1),
])
DAYS = st.one_of(DAYS, DAYS, st.dates(min_value=date(2022, 1, 1), max_value=date(2026, 10, 1)))
TIMES = st.none() | st.sampled_from([time(0, 0), time(0, 1), time(23, 59)])
# (crime type, subject number, day, time, reference number): few subjects, so chains are long
# and same-moment incidents common.
INCIDENTS = st.lists(
    st.tuples(st.sampled_from(list(CrimeType)), st.integers(1, 3), DAYS, TIMES,
              st.integers(1, 999)),
    min_size=1, max_size=30, unique_by=lambda incident: incident[4],
)
WINDOWS = st.sampled_from([12, 12, 12, 1, 6]) | st.integers(1, 36)


def _write(path: Path, incidents: list[tuple[CrimeType, int, date, time | None, int]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reference", "crime_type", "occurred_on", "victim_ref", "uprn"])
        for crime_type, subject, on, at, number in incidents:
            when = on.isoformat() + ("" if at is None else f" {at:%H:%M}")
            # References in an order unrelated to the file's, so ties must be broken by them.
            writer.writerow([f"R{(number * 7919) % 1000:03d}-{number}", crime_type.value, when,
                             f"V{subject}", f"{subject}0001"])
    return path


def _flags(database: Database) -> dict[str, tuple[bool, str | None]]:
    """Each incident's flag and the reference of the incident that makes it a repeat."""
    with database.session() as session:
        rows = session.execute(select(Incident.id, Incident.reference, Incident.is_repeat,
                                      Incident.previous_id)).all()
    references = {incident_id: reference for incident_id, reference, _, _ in rows}
    return {reference: (bool(is_repeat), references.get(previous_id) if previous_id else None)
            for _, reference, is_repeat, previous_id in rows}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(incidents=INCIDENTS, windows=st.tuples(WINDOWS, WINDOWS, WINDOWS),
       noted=st.sampled_from([None, 2]))
def test_first_load_flags_are_the_engines(
    database: Database, tmp_path: Path,
    incidents: list[tuple[CrimeType, int, date, time | None, int]],
    windows: tuple[int, int, int], noted: int | None,
) -> None:
    path = _write(tmp_path / "incidents.csv", incidents)
    with database.session() as session:
        for model in (Incident, Person, Address, ImportRun):  # a first load each time
            session.execute(delete(model))
        save_rules(session, RuleSettings(window_months_asb=windows[0],
                                         window_months_burglary=windows[1],
                                         window_months_dv=windows[2]))
    # noted=2: more incidents than the notes may hold, so the engine's own passes run instead.
    engine_ran: list[str] = []

    def spy(name: str) -> object:
        original = getattr(incidents_module, name)
        return patch.object(incidents_module, name, side_effect=lambda *args, **kwargs: (
            engine_ran.append(name), original(*args, **kwargs))[1])

    with (patch.object(load_repeats, "MAX_NOTED_INCIDENTS", noted or 10**6),
          spy("recompute_flags"), spy("refresh_subjects")):
        summary = import_incidents(database, path, defer_indexes=True, today=TODAY)
    assert summary.imported == len(incidents)
    assert bool(engine_ran) == (noted is not None and len(incidents) > noted)
    # The indexes came back, whichever way the flags were worked out (in two steps when
    # the walk ran alongside the ones the flags leave alone).
    with database.engine.connect() as connection:
        stored = set(connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'incidents' "
            "AND sql IS NOT NULL").scalars())
    assert stored == {index.name for index in table_of(Incident).indexes}
    loaded = _flags(database)
    with database.session() as session:
        assert recompute_all(session) == 0  # the engine finds nothing to change
    assert _flags(database) == loaded


def test_same_moment_incidents_follow_reference_order(tmp_path: Path) -> None:
    """Three incidents of one victim on one day, written in the file against reference order:
    the first by reference is not a repeat, each later one repeats the one before it. Then, on
    other victims, the window's first day (inside) and the day before it (outside)."""
    path = tmp_path / "same-day.csv"
    path.write_text("reference,crime_type,occurred_on,victim_ref\n"
                    "C-3,asb,2024-02-29,V1\nA-1,asb,29/02/2024 00:00,V1\nB-2,asb,2024-02-29,V1\n"
                    "D-4,asb,2025-02-28,V1\nE-5,asb,2025-02-28,V3\nF-6,asb,2026-02-28,V3\n"
                    "G-7,dv,2024-03-01,V2\nH-8,dv,2025-03-02,V2\n", encoding="utf-8")
    database = open_database(tmp_path / "same-day.db")
    try:
        import_incidents(database, path, defer_indexes=True, today=TODAY)
        assert _flags(database) == {
            "A-1": (False, None), "B-2": (True, "A-1"), "C-3": (True, "B-2"),
            # 28 Feb 2025 looks back to 28 Feb 2024: 29 Feb 2024 is inside the window.
            "D-4": (True, "C-3"),
            # A victim without same-moment incidents: 28 Feb 2026 looks back to 28 Feb 2025,
            # the window's first day, which is inside.
            "E-5": (False, None), "F-6": (True, "E-5"),
            # 2 March 2025 looks back to 2 March 2024: 1 March 2024 is outside.
            "G-7": (False, None), "H-8": (False, None),
        }
    finally:
        database.close()
