"""Alerts on people and places (definitions §5), worked out as on a given day.

Four kinds, each with the incidents that caused it, oldest first:

- **Repeat victim**: for a crime type T and a subject (the canonical victim for ASB and DV, the
  canonical dwelling for burglary), the subject's latest live incident on or before the day is a
  repeat (the stored flag of definitions §3).
- **ASB case review threshold**: a canonical victim has at least ``asb_review_complaints``
  qualifying ASB complaints that occurred within ``asb_review_within_months`` months.
  A complaint qualifies when it has no report date, or was reported on or before its
  occurrence date plus ``asb_review_reported_within_months`` calendar months.
- **ASB case review threshold, community variant**: at least ``asb_review_community_people``
  different canonical victims with a qualifying ASB complaint at the same canonical address
  within ``asb_review_community_within_months`` months.
- **DV potential escalation**: at least ``dv_escalation_incidents`` DV incidents for the same
  canonical victim within ``dv_escalation_within_months`` months (police-reported only when
  ``dv_escalation_police_only`` is set).

Only live incidents (not deleted) that occurred on or before the day count. A window of M
months "ending on" a day D is [D − M calendar months, D], both days included, with the month
arithmetic of definitions §3 (29 Feb 2024 − 12 months = 28 Feb 2023).

Choices of ours (the definitions leave them open):

- CHOICE: a repeat-victim alert is current only while the subject's latest incident lies inside
  the look-back window W(T) ending on the day; older repeat histories raise no alert.
- CHOICE: a repeat-victim alert lists the run of consecutive repeats that ends with the latest
  incident, plus the incident that started the run (for A, B repeat, C repeat: A, B and C),
  however far back the run goes.
- CHOICE: the ASB and DV threshold windows end on the day itself; for the ASB case review this
  satisfies "first ≥ last − 6 months", as every listed complaint is within the window.
- CHOICE: the community variant counts qualifying complaints only (reported within the month,
  or with no report date), as the personal threshold does: the Act's case review threshold
  (s.104) is a number of qualifying complaints, and a local community variant is a threshold
  of that review. It lists every such complaint at the address in the window.
- CHOICE: with ``subject_ids`` (a person's page) only alerts about people are returned; the
  ids are resolved to their canonical people first, so a merged-away id finds its survivor.
  Alerts about addresses (burglary repeats, the community variant) are left out.
- CHOICE: the repeat flags are the stored ones (``incidents.is_repeat``, ``previous_id``),
  computed with the stored window settings; ``rules`` only changes which latest incidents are
  current. Likewise people are matched by the stored ``subject_id``, so merges count once the
  repeat engine has refreshed it.
- CHOICE: an explanation lists every incident date up to 10 incidents; a longer list is given
  as "from <first> to <last>" (``Alert.incidents`` always holds them all). A run that spans
  more than the window reads "N incidents, each within W months of the one before".
- Alerts are ordered by kind (as in ``AlertKind``), crime type (ASB, burglary, DV), then most
  recent incident first (ties: lower subject id first).

Explanations are one plain sentence with UK dates and never names or addresses, as they may
be logged. Everything returned is a plain frozen dataclass, never an ORM object.

Cost: one range read of live incidents with ``occurred_on`` in the widest window needed (a
year by default, about a tenth of a ten-year table), or for a person's page just their
incidents in it (index ``ix_incidents_subject_order``). Runs of repeats that reach back before
that window are followed for those subjects only, one window further back at a time.
SQLAlchemy expressions only, so it runs unchanged on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from scs_victims.domain.crime_types import CRIME_TYPES, CrimeType
from scs_victims.domain.dates import MIDNIGHT, add_months, order_key
from scs_victims.settings import RuleSettings, load_rules
from scs_victims.storage.models import Address, Incident, Person

# Ids per IN (...) list: well inside every database's limit on bound parameters.
_CHUNK = 900

# Explanations list every date up to this many incidents; beyond it, the first and the last.
_DATES_LISTED = 10

PERSON = "person"
ADDRESS = "address"

_SHORT_NAMES = {CrimeType.ASB: "ASB", CrimeType.BURGLARY: "burglary", CrimeType.DV: "DV"}


class AlertKind(StrEnum):
    """The kinds of alert, in the order results list them."""

    REPEAT_VICTIM = "repeat_victim"
    ASB_CASE_REVIEW = "asb_case_review"
    ASB_CASE_REVIEW_COMMUNITY = "asb_case_review_community"
    DV_ESCALATION = "dv_escalation"


_KIND_ORDER = {kind: index for index, kind in enumerate(AlertKind)}
_TYPE_ORDER = {crime_type: index for index, crime_type in enumerate(CRIME_TYPES)}


@dataclass(frozen=True, slots=True)
class AlertIncident:
    """One incident behind an alert."""

    id: int
    reference: str
    crime_type: str
    occurred_on: date
    is_repeat: bool


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert on a person or an address, as on ``as_of``."""

    kind: AlertKind
    crime_type: CrimeType
    subject: str  # "person" or "address"
    subject_id: int  # canonical person or address id
    as_of: date
    incidents: tuple[AlertIncident, ...]  # oldest first
    explanation: str


class _Row(NamedTuple):
    """A live incident as the rules need it (a tuple: cheap to build by the hundred thousand)."""

    id: int
    reference: str
    crime_type: str
    occurred_on: date
    occurred_time: time | None
    reported_on: date | None
    source: str | None
    subject_id: int | None
    is_repeat: bool
    previous_id: int | None
    address_id: int | None  # canonical address (loaded only when the community rule needs it)

    @property
    def order(self) -> tuple[datetime, str]:
        return order_key(self.occurred_on, self.occurred_time, self.reference)


def compute_alerts(
    session: Session,
    on: date,
    rules: RuleSettings | None = None,
    kinds: Iterable[AlertKind] | None = None,
    subject_ids: Iterable[int] | None = None,
) -> list[Alert]:
    """Every alert current on ``on``, optionally of some kinds or about some people only."""
    if rules is None:
        rules = load_rules(session)
    wanted = set(AlertKind) if kinds is None else {AlertKind(kind) for kind in kinds}
    people: set[int] | None = None
    if subject_ids is not None:
        people = _canonical_people(session, subject_ids)
        wanted.discard(AlertKind.ASB_CASE_REVIEW_COMMUNITY)
        if not people:
            return []
    repeat_types = [
        crime_type
        for crime_type in CRIME_TYPES
        if AlertKind.REPEAT_VICTIM in wanted
        and not (people is not None and crime_type.subject_is_address)
    ]

    # The first day each crime type must be read from: the widest window that needs it.
    starts: dict[CrimeType, date] = {}

    def need(crime_type: CrimeType, months: int) -> date:
        start = add_months(on, -months)
        starts[crime_type] = min(start, starts.get(crime_type, start))
        return start

    repeat_starts = {t: need(t, rules.window_months(t)) for t in repeat_types}
    review_start = (
        need(CrimeType.ASB, rules.asb_review_within_months)
        if AlertKind.ASB_CASE_REVIEW in wanted else None
    )
    community_start = (
        need(CrimeType.ASB, rules.asb_review_community_within_months)
        if AlertKind.ASB_CASE_REVIEW_COMMUNITY in wanted else None
    )
    escalation_start = (
        need(CrimeType.DV, rules.dv_escalation_within_months)
        if AlertKind.DV_ESCALATION in wanted else None
    )
    if not starts:
        return []

    by_type = _load_window(session, on, starts, people,
                           with_address=community_start is not None)

    found: list[tuple[Alert, tuple[datetime, str]]] = []
    for crime_type, start in repeat_starts.items():
        found.extend(_repeat_alerts(session, on, rules, crime_type, start=start,
                                    loaded_from=starts[crime_type],
                                    rows=by_type.get(crime_type.value, [])))
    asb_rows = by_type.get(CrimeType.ASB.value, [])
    if review_start is not None:
        found.extend(_review_alerts(on, rules, review_start, asb_rows))
    if community_start is not None:
        found.extend(_community_alerts(on, rules, community_start, asb_rows))
    if escalation_start is not None:
        found.extend(_escalation_alerts(on, rules, escalation_start,
                                        by_type.get(CrimeType.DV.value, [])))

    # Stable sorts, least significant key first.
    found.sort(key=lambda item: item[0].subject_id)
    found.sort(key=lambda item: item[1], reverse=True)
    found.sort(key=lambda item: (_KIND_ORDER[item[0].kind], _TYPE_ORDER[item[0].crime_type]))
    return [alert for alert, _latest in found]


# --- reading -------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _canonical_people(session: Session, subject_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(subject_ids))
    people: set[int] = set()
    for chunk in _chunks(ids):
        people.update(
            session.scalars(
                select(func.coalesce(Person.merged_into_id, Person.id)).where(Person.id.in_(chunk))
            )
        )
    return people


def _columns(with_address: bool) -> list[Any]:
    address = func.coalesce(Address.merged_into_id, Address.id) if with_address else null()
    return [
        Incident.id,
        Incident.reference,
        Incident.crime_type,
        Incident.occurred_on,
        Incident.occurred_time,
        Incident.reported_on,
        Incident.source,
        Incident.subject_id,
        Incident.is_repeat,
        Incident.previous_id,
        address,
    ]


def _load_window(
    session: Session,
    on: date,
    starts: dict[CrimeType, date],
    people: set[int] | None,
    *,
    with_address: bool,
) -> dict[str, list[_Row]]:
    """Live incidents of the wanted crime types, by type, from each type's start day to ``on``.

    One range read on ``occurred_on`` (plus the subjects, for a person's page); the per-type
    start days, which differ only when settings differ, are applied here rather than in SQL.
    """
    query = select(*_columns(with_address)).where(
        Incident.deleted_at.is_(None),
        Incident.occurred_on >= min(starts.values()),
        Incident.occurred_on <= on,
    )
    if len(starts) < len(CRIME_TYPES):
        query = query.where(Incident.crime_type.in_([crime_type.value for crime_type in starts]))
    if with_address:
        query = query.outerjoin(Address, Address.id == Incident.address_id)
    if people is None:
        selections = [query]
    else:
        selections = [query.where(Incident.subject_id.in_(chunk))
                      for chunk in _chunks(sorted(people))]
    first_day = {crime_type.value: start for crime_type, start in starts.items()}
    by_type: dict[str, list[_Row]] = {crime_type.value: [] for crime_type in starts}
    for selected in selections:
        for values in session.execute(selected):
            row = _Row._make(values)
            if row.occurred_on >= first_day[row.crime_type]:
                by_type[row.crime_type].append(row)
    return by_type


def _history(
    session: Session,
    crime_type: CrimeType,
    subject_ids: Sequence[int],
    since: date | None,
    before: date,
) -> list[_Row]:
    """These subjects' live incidents of one type in [since, before) (all before, if no since)."""
    rows: list[_Row] = []
    for chunk in _chunks(subject_ids):
        query = select(*_columns(False)).where(
            Incident.deleted_at.is_(None),
            Incident.crime_type == crime_type.value,
            Incident.subject_id.in_(chunk),
            Incident.occurred_on < before,
        )
        if since is not None:
            query = query.where(Incident.occurred_on >= since)
        rows.extend(_Row._make(values) for values in session.execute(query))
    return rows


# --- the rules -----------------------------------------------------------------------------


def _repeat_alerts(
    session: Session,
    on: date,
    rules: RuleSettings,
    crime_type: CrimeType,
    *,
    start: date,
    loaded_from: date,
    rows: list[_Row],
) -> list[tuple[Alert, tuple[datetime, str]]]:
    latest: dict[int, tuple[tuple[date, time, str], _Row]] = {}
    for row in rows:
        if row.subject_id is None:
            continue
        key = (row.occurred_on, row.occurred_time or MIDNIGHT, row.reference)
        current = latest.get(row.subject_id)
        if current is None or key > current[0]:
            latest[row.subject_id] = (key, row)
    # Every incident of these subjects after ``loaded_from`` is loaded, so the latest found is
    # the latest on or before ``on``; it must lie in the window and be a repeat.
    flagged = {
        subject: row
        for subject, (_key, row) in latest.items()
        if row.is_repeat and row.occurred_on >= start
    }
    if not flagged:
        return []
    window = rules.window_months(crime_type)
    by_id = {row.id: row for row in rows if row.subject_id in flagged}
    # Each run is walked back from the latest incident (latest first while walking).
    chains = {subject: [row] for subject, row in flagged.items()}
    unfinished = sorted(subject for subject, chain in chains.items() if not _walk(chain, by_id))
    while unfinished:
        # The run began before the rows read. Each repeat's previous incident is at most one
        # window before it, so reading one more window back always reaches the next link;
        # should the stored flags disagree with the window, the rest is read in one go.
        since: date | None = add_months(loaded_from, -window)
        earlier = _history(session, crime_type, unfinished, since, loaded_from)
        if not earlier:
            earlier = _history(session, crime_type, unfinished, None, loaded_from)
            since = None
        by_id.update((row.id, row) for row in earlier)
        unfinished = [subject for subject in unfinished if not _walk(chains[subject], by_id)]
        if since is None:
            break
        loaded_from = since
    for chain in chains.values():
        chain.reverse()

    short = _SHORT_NAMES[crime_type]
    who = "victim (dwelling)" if crime_type.subject_is_address else "victim"
    found = []
    for subject, chain in chains.items():
        first, last = chain[0], chain[-1]
        span = (
            f" in {_plural(window, 'month')}"
            if first.occurred_on >= add_months(last.occurred_on, -window)
            else f", each within {_plural(window, 'month')} of the one before"
        )
        explanation = (
            f"Repeat {short} {who}: {_plural(len(chain), 'incident')}{span} — {_dates(chain)}."
        )
        found.append(_alert(AlertKind.REPEAT_VICTIM, crime_type, subject, on, chain,
                            explanation=explanation,
                            subject=ADDRESS if crime_type.subject_is_address else PERSON))
    return found


def _walk(chain: list[_Row], by_id: dict[int, _Row]) -> bool:
    """Extend a run (latest first) back through repeats to the incident that started it.

    False when an earlier incident of the run is not (yet) among ``by_id``.
    """
    current = chain[-1]
    while current.is_repeat and current.previous_id is not None:
        previous = by_id.get(current.previous_id)
        if previous is None:
            return False
        # The previous incident is never later; a corrupt cache must not make a loop.
        if previous.occurred_on > current.occurred_on or len(chain) > len(by_id):
            return True
        chain.append(previous)
        current = previous
    return True


def _review_alerts(
    on: date, rules: RuleSettings, start: date, rows: list[_Row]
) -> list[tuple[Alert, tuple[datetime, str]]]:
    months = rules.asb_review_reported_within_months
    groups = _group(row for row in rows if row.occurred_on >= start and _qualifies(row, months))
    within = _plural(rules.asb_review_within_months, "month")
    found = []
    for subject, members in groups.items():
        if len(members) < rules.asb_review_complaints:
            continue
        explanation = (
            f"ASB case review threshold met: {_plural(len(members), 'qualifying complaint')} "
            f"within {within} — {_dates(members)}."
        )
        found.append(
            _alert(AlertKind.ASB_CASE_REVIEW, CrimeType.ASB, subject, on, members,
                   explanation=explanation)
        )
    return found


def _qualifies(row: _Row, months: int) -> bool:
    """A qualifying complaint (s.104(11)): reported within ``months`` of the incident, or with
    no report date."""
    return row.reported_on is None or row.reported_on <= add_months(row.occurred_on, months)


def _community_alerts(
    on: date, rules: RuleSettings, start: date, rows: list[_Row]
) -> list[tuple[Alert, tuple[datetime, str]]]:
    months = rules.asb_review_reported_within_months
    groups: dict[int, list[_Row]] = {}
    for row in rows:
        if (row.address_id is not None and row.subject_id is not None
                and row.occurred_on >= start and _qualifies(row, months)):
            groups.setdefault(row.address_id, []).append(row)
    within = _plural(rules.asb_review_community_within_months, "month")
    found = []
    for address, members in groups.items():
        people = len({row.subject_id for row in members})
        if people < rules.asb_review_community_people:
            continue
        members.sort(key=lambda row: row.order)
        explanation = (
            f"ASB case review threshold met (community): {people} different people reported ASB "
            f"at the same address within {within} — {_dates(members)}."
        )
        found.append(_alert(AlertKind.ASB_CASE_REVIEW_COMMUNITY, CrimeType.ASB, address, on,
                            members, explanation=explanation, subject=ADDRESS))
    return found


def _escalation_alerts(
    on: date, rules: RuleSettings, start: date, rows: list[_Row]
) -> list[tuple[Alert, tuple[datetime, str]]]:
    police_only = rules.dv_escalation_police_only
    groups = _group(
        row for row in rows
        if row.occurred_on >= start and (not police_only or row.source == "police")
    )
    noun = "police-reported DV incident" if police_only else "DV incident"
    within = _plural(rules.dv_escalation_within_months, "month")
    found = []
    for subject, members in groups.items():
        if len(members) < rules.dv_escalation_incidents:
            continue
        explanation = (
            f"DV potential escalation: {_plural(len(members), noun)} within {within} up to "
            f"{_uk(on)} — {_dates(members)}."
        )
        found.append(
            _alert(AlertKind.DV_ESCALATION, CrimeType.DV, subject, on, members,
                   explanation=explanation)
        )
    return found


# --- helpers -------------------------------------------------------------------------------


def _group(rows: Iterable[_Row]) -> dict[int, list[_Row]]:
    """Rows with a subject, by subject, each group oldest first."""
    groups: dict[int, list[_Row]] = {}
    for row in rows:
        if row.subject_id is not None:
            groups.setdefault(row.subject_id, []).append(row)
    for members in groups.values():
        members.sort(key=lambda row: row.order)
    return groups


def _alert(
    kind: AlertKind,
    crime_type: CrimeType,
    subject_id: int,
    on: date,
    rows: Sequence[_Row],
    *,
    explanation: str,
    subject: str = PERSON,
) -> tuple[Alert, tuple[datetime, str]]:
    """The alert (rows oldest first) and its sort key: its latest incident."""
    incidents = tuple(
        AlertIncident(row.id, row.reference, row.crime_type, row.occurred_on, bool(row.is_repeat))
        for row in rows
    )
    alert = Alert(kind, crime_type, subject, subject_id, on, incidents, explanation)
    return alert, rows[-1].order


def _uk(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _dates(rows: Sequence[_Row]) -> str:
    """Every date, or for a long list the first and the last."""
    if len(rows) > _DATES_LISTED:
        return f"from {_uk(rows[0].occurred_on)} to {_uk(rows[-1].occurred_on)}"
    return ", ".join(_uk(row.occurred_on) for row in rows)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


__all__ = ["ADDRESS", "PERSON", "Alert", "AlertIncident", "AlertKind", "compute_alerts"]
