"""Alerts: the people and places that need action today, and their reviews.

Listing alerts shows people, so it is recorded as a ``search`` (the kind of list, the day,
how many alerts and how many people; never a name). A restricted person an alert is about is
named "Restricted record" for a user who may not see them (``scs_victims.restricted``); the
alert itself, and every count, stays.

A review is changed by reviewing the alert again; changing a review someone else wrote needs
``REVIEW_OTHERS_ALERTS`` (supervisors): an officer may change only their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from scs_victims.actions.base import Consulted, SignedIn, action, consult, refuse, writing
from scs_victims.actions.changes import Changed, OpChanges
from scs_victims.actions.permissions import Permission
from scs_victims.alerts import PERSON, Alert, AlertKind, compute_alerts
from scs_victims.restricted import RESTRICTED_LABEL, hidden_people
from scs_victims.services import alert_reviews
from scs_victims.services.alert_reviews import (
    AlertKey,
    AlertWithReview,
    Review,
    alert_key,
    open_alerts,
    open_counts,
    review_in_force,
    subject_names,
)


@dataclass(frozen=True, slots=True)
class AlertList:
    """The alerts current on a day, each with the review that still covers it."""

    on: date
    items: list[AlertWithReview]
    # (subject, subject id) -> a name to show ("Restricted record" where the user may not
    # see it); personal data, for the screen only.
    names: dict[tuple[str, int], str]
    counts: dict[AlertKind, int]  # open alerts by kind, every kind present


def _searched(on: date, alerts: list[Alert]) -> list[Consulted]:
    people = {alert.subject_id for alert in alerts if alert.subject == PERSON}
    return [Consulted("search", "alert", None, {"query": "alerts", "on": on,
                                               "alerts": len(alerts), "people": len(people)})]


@action(Permission.WORK_ALERTS)
def current_alerts(user: SignedIn, on: date) -> list[Alert]:
    """Every alert current on ``on`` (as ``compute_alerts`` orders them; no names)."""
    return consult(user, lambda session: compute_alerts(session, on),
                   lambda alerts: _searched(on, alerts))


@action(Permission.WORK_ALERTS)
def alert_list(user: SignedIn, on: date) -> AlertList:
    """The Alerts screen's list: every current alert, its review, and whom it is about."""
    def read(session: Session) -> AlertList:
        items = open_alerts(session, on)
        keys = [alert_key(item.alert) for item in items]
        names = subject_names(session, keys)
        hidden = hidden_people(session, (key.subject_id for key in keys
                                         if key.subject == PERSON),
                               sees_restricted=user.can(Permission.OPEN_RESTRICTED),
                               opened=user.glass_broken)
        for person_id in hidden:
            names[(PERSON, person_id)] = RESTRICTED_LABEL
        return AlertList(on, items, names, open_counts(items))

    return consult(user, read, lambda found: _searched(on, [item.alert
                                                            for item in found.items]))


def may_change_review(user: SignedIn, review: Review) -> bool:
    """Whether ``user`` may replace ``review``: their own, or anyone's for a supervisor."""
    return review.actor == user.name or user.can(Permission.REVIEW_OTHERS_ALERTS)


@action(Permission.WORK_ALERTS)
def review_alert(user: SignedIn, key: AlertKey, note: str, on: date) -> Changed[Review]:
    """Mark the alert current on ``on`` as reviewed, with a note saying what was done; an
    alert already reviewed gets the new note in place of the old (audited by the core)."""
    with writing(user) as session:
        previous = review_in_force(session, key, on)
        refused = previous is not None and not may_change_review(user, previous)
        review = None if refused else alert_reviews.review_alert(session, key, note, on)
    if review is None:  # nothing was written: the refusal is recorded on its own
        raise refuse(user, Permission.REVIEW_OTHERS_ALERTS, "alerts.review_alert")
    return Changed(review, OpChanges(alerts=True))
