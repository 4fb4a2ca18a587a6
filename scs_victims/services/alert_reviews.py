"""Marking alerts as reviewed, with a note, until a new incident makes them fire again.

An alert (``scs_victims.alerts``) is worked out afresh each day; nothing about it is stored.
A review is stored (``AlertReview``) against what identifies the alert: its kind, crime type
and canonical person or address, with the incidents behind it at the time. The alert then
counts as reviewed for as long as every incident behind it was among those: incidents
leaving the look-back window, or deleted, keep it reviewed; any incident new to it, however
it is dated, opens it again. Every review is kept (the latest one counts) and audited.

Choices of ours:

- CHOICE: a review is matched on the canonical subject id the alert carries. After a merge
  the surviving person's alert is a different subject, so it shows as open until reviewed
  again; an unmerge likewise re-opens the freed person's alerts.
- CHOICE: ``review_alert`` works the alert out again on the day given and records the
  incidents behind it then, so a review can only be made of an alert that is current.
- CHOICE: a review is changed by reviewing the alert again (the latest review counts; the
  earlier one stays in the table and the audit log). Changing a review someone else wrote
  is for supervisors (checked in ``scs_victims.actions.alerts``); ``review_in_force`` says
  whose review now covers an alert. The author is the ``actor`` name stored with the review.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from scs_victims.alerts import ADDRESS, PERSON, Alert, AlertKind, compute_alerts
from scs_victims.audit import current_actor, record
from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import InputRefused, NotFound
from scs_victims.settings import RuleSettings
from scs_victims.storage.models import Address, AlertReview, Person

NOTE_MAX_CHARS = 2_000
_CHUNK = 900  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class AlertKey:
    """What identifies an alert from one day to the next."""

    kind: AlertKind
    crime_type: CrimeType
    subject: str  # "person" or "address"
    subject_id: int


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    note: str
    reviewed_at: datetime
    actor: str
    latest_incident_id: int
    incident_ids: frozenset[int]


class AlertWithReview(NamedTuple):
    alert: Alert
    review: Review | None  # None: the alert is open


def alert_key(alert: Alert) -> AlertKey:
    return AlertKey(alert.kind, alert.crime_type, alert.subject, alert.subject_id)


def covers(review: Review, alert: Alert) -> bool:
    """Whether the review still holds: no incident behind the alert is new since."""
    return all(incident.id in review.incident_ids for incident in alert.incidents)


def open_alerts(session: Session, on: date, rules: RuleSettings | None = None
                ) -> list[AlertWithReview]:
    """Every alert current on ``on`` (as ``compute_alerts`` orders them), each with the review
    that still covers it, or None when it is open."""
    alerts = compute_alerts(session, on, rules)
    latest = _latest_reviews(session, {alert_key(alert) for alert in alerts})
    result = []
    for alert in alerts:
        review = latest.get(alert_key(alert))
        result.append(AlertWithReview(alert, review if review and covers(review, alert)
                                      else None))
    return result


def open_counts(items: Iterable[AlertWithReview]) -> dict[AlertKind, int]:
    """Open alerts by kind, every kind present (zero when none)."""
    counts = dict.fromkeys(AlertKind, 0)
    for item in items:
        if item.review is None:
            counts[item.alert.kind] += 1
    return counts


def review_alert(session: Session, key: AlertKey, note: str, on: date,
                 rules: RuleSettings | None = None) -> Review:
    """Mark the alert current on ``on`` as reviewed, with a note (audited)."""
    text = note.strip()
    if not text:
        raise InputRefused("Write a note saying what was done about this alert.")
    if len(text) > NOTE_MAX_CHARS:
        raise InputRefused(f"The note is too long: keep it under {NOTE_MAX_CHARS:,} characters.")
    alert = _current_alert(session, key, on, rules)
    ids = sorted(incident.id for incident in alert.incidents)
    reviewed_at = datetime.now().replace(microsecond=0)
    actor = current_actor()
    values = {
        "kind": key.kind.value, "crime_type": key.crime_type.value, "subject": key.subject,
        "subject_id": key.subject_id, "latest_incident_id": alert.incidents[-1].id,
        "incident_ids": json.dumps(ids), "note": text,
    }
    review_id = session.execute(
        insert(AlertReview).values(**values, reviewed_at=reviewed_at, actor=actor)
        .returning(AlertReview.id)
    ).scalar_one()
    detail = {name: value for name, value in values.items() if name != "incident_ids"}
    record(session, "insert", "alert_review", review_id, detail)
    return Review(review_id, text, reviewed_at, actor, alert.incidents[-1].id, frozenset(ids))


def review_in_force(session: Session, key: AlertKey, on: date,
                    rules: RuleSettings | None = None) -> Review | None:
    """The review that still covers the alert current on ``on`` (None: the alert is open);
    raises NotFound when the alert is no longer current."""
    review = _latest_reviews(session, {key}).get(key)
    if review is None:
        return None  # never reviewed: no need to work the alert out
    return review if covers(review, _current_alert(session, key, on, rules)) else None


def subject_names(session: Session, keys: Iterable[AlertKey]) -> dict[tuple[str, int], str]:
    """A display name for each person or address the alerts are about (for screens only:
    names are personal data and are never logged)."""
    people = sorted({key.subject_id for key in keys if key.subject == PERSON})
    addresses = sorted({key.subject_id for key in keys if key.subject == ADDRESS})
    names: dict[tuple[str, int], str] = {}
    for chunk in _chunks(people):
        for person_id, forename, surname in session.execute(
            select(Person.id, Person.forename, Person.surname).where(Person.id.in_(chunk))
        ):
            name = " ".join(part for part in (forename, surname) if part)
            names[(PERSON, person_id)] = name or f"Person #{person_id}"
    for chunk in _chunks(addresses):
        for address_id, line1, postcode in session.execute(
            select(Address.id, Address.line1, Address.postcode).where(Address.id.in_(chunk))
        ):
            name = ", ".join(part for part in (line1, postcode) if part)
            names[(ADDRESS, address_id)] = name or f"Address #{address_id}"
    return names


# --- helpers -------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _current_alert(session: Session, key: AlertKey, on: date,
                   rules: RuleSettings | None) -> Alert:
    # For a person, only their incidents are read; alerts on addresses need the whole kind.
    subject_ids = [key.subject_id] if key.subject == PERSON else None
    for alert in compute_alerts(session, on, rules, [key.kind], subject_ids):
        if alert_key(alert) == key:
            return alert
    raise NotFound("This alert is no longer current: refresh the list to see today's alerts.")


def _latest_reviews(session: Session, keys: set[AlertKey]) -> dict[AlertKey, Review]:
    """The latest review of each alert among ``keys`` (one indexed look-up per chunk)."""
    latest: dict[AlertKey, Review] = {}
    for subject in (PERSON, ADDRESS):
        ids = sorted({key.subject_id for key in keys if key.subject == subject})
        for chunk in _chunks(ids):
            newest = (
                select(func.max(AlertReview.id))
                .where(AlertReview.subject == subject, AlertReview.subject_id.in_(chunk))
                .group_by(AlertReview.subject_id, AlertReview.kind, AlertReview.crime_type)
            )
            for row in session.execute(select(AlertReview).where(AlertReview.id.in_(newest))
                                       ).scalars():
                key = AlertKey(AlertKind(row.kind), CrimeType(row.crime_type), row.subject,
                               row.subject_id)
                if key in keys:
                    latest[key] = Review(row.id, row.note, row.reviewed_at, row.actor,
                                         row.latest_incident_id,
                                         frozenset(json.loads(row.incident_ids)))
    return latest


__all__ = ["NOTE_MAX_CHARS", "AlertKey", "AlertWithReview", "Review", "alert_key", "covers",
           "open_alerts", "open_counts", "review_alert", "review_in_force", "subject_names"]
