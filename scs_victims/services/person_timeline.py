"""One person's page: their details, a timeline of every incident involving them (as victim
and as perpetrator, every crime type, newest first, each repeat explained), and their alerts.

A person here is their merge group: the root and everyone merged into it, so opening a
merged-away id shows the survivor. Reads are by the indexed victim and perpetrator columns,
so the cost follows the person's own history, not the size of the database.

Choices of ours:

- CHOICE: only live incidents are listed (deleted ones count for nothing; they are in
  "Recently deleted").
- CHOICE: a repeat's reason names the earlier incident of the same chain (``previous_id``) and
  the look-back window as now set; for burglary the chain is the dwelling's, which the reason
  says. On an incident where the person is the perpetrator, the repeat is the victim's.
- CHOICE: the addresses known are those of their incidents as victim, most recent first.
- CHOICE: a restricted person shown to a viewer who may not see them (``hidden_profile``: the
  compare view before a merge) keeps their counts, gender and merges; their name, date of
  birth, age, reference and addresses are left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from scs_victims.alerts import Alert, compute_alerts
from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.dates import order_key
from scs_victims.restricted import RESTRICTED_LABEL
from scs_victims.services.people import MergeRecord, list_merges, person_summary
from scs_victims.services.people_directory import age_on, display_name
from scs_victims.settings import RuleSettings, load_rules
from scs_victims.storage.models import Address, Incident, Person, Ward

_SHORT_NAMES = {CrimeType.ASB: "ASB", CrimeType.BURGLARY: "burglary", CrimeType.DV: "DV"}
_DESCRIPTION_CHARS = 80
VICTIM = "victim"
PERPETRATOR = "perpetrator"


@dataclass(frozen=True, slots=True)
class KnownAddress:
    line1: str | None
    line2: str | None
    town: str | None
    postcode: str | None
    ward: str

    @property
    def text(self) -> str:
        return ", ".join(part for part in (self.line1, self.line2, self.town, self.postcode)
                         if part)


@dataclass(frozen=True, slots=True)
class PersonProfile:
    id: int  # the root: the person every figure counts
    asked_id: int  # the id asked for (a merged-away id shows its survivor)
    name: str
    forename: str | None
    surname: str | None
    date_of_birth: date | None
    age: int | None
    gender: str | None
    ethnicity: str | None
    reference: str | None
    member_ids: tuple[int, ...]  # people merged into this one
    addresses: tuple[KnownAddress, ...]
    counts: dict[str, int]  # crime type -> incidents as victim
    last_incident: date | None
    perpetrator_incidents: int
    restricted: bool = False  # marked as a restricted record (its root is)
    hidden: bool = False  # restricted, and this viewer may not see the details


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    incident_id: int
    occurred_on: date
    crime_type: CrimeType
    reference: str
    role: str  # "victim" or "perpetrator"
    summary: str  # category and the start of the description
    ward: str
    is_repeat: bool
    reason: str  # why it is a repeat, or ""


@dataclass(frozen=True, slots=True)
class PersonDetail:
    profile: PersonProfile
    timeline: tuple[TimelineEntry, ...]
    alerts: tuple[Alert, ...]
    merges: tuple[MergeRecord, ...]


def _group(session: Session, person_id: int) -> tuple[int, tuple[int, ...]]:
    """The root and the members of a person's merge group (raises NotFound)."""
    summary = person_summary(session, person_id)
    return summary.root_id, summary.member_ids


def _uk(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _summary(category: str | None, description: str | None) -> str:
    text = " ".join((description or "").split())
    if len(text) > _DESCRIPTION_CHARS:
        text = text[:_DESCRIPTION_CHARS - 1].rstrip() + "\u2026"
    return " \u2014 ".join(part for part in (category, text) if part)


def _reason(crime_type: CrimeType, role: str, previous: date | None,
            rules: RuleSettings) -> str:
    months = rules.window_months(crime_type)
    window = f"{months} month{'s' if months != 1 else ''}"
    short = _SHORT_NAMES[crime_type]
    if crime_type.subject_is_address:
        whose = "at this dwelling"
    else:
        whose = "for this victim" if role == VICTIM else "for the victim"
    when = f" on {_uk(previous)}" if previous is not None else ""
    return f"Repeat: previous {short} incident {whose}{when}, within {window}."


def person_timeline(session: Session, person_id: int,
                    rules: RuleSettings | None = None) -> list[TimelineEntry]:
    """Every live incident with this person (or anyone merged with them) as victim or
    perpetrator, newest first, each repeat with its reason."""
    rules = rules or load_rules(session)
    root, members = _group(session, person_id)
    ids = [root, *members]
    ward_name = func.coalesce(Ward.name, "")
    rows = session.execute(
        select(Incident.id, Incident.occurred_on, Incident.occurred_time, Incident.crime_type,
               Incident.reference, Incident.victim_id, Incident.category,
               Incident.description, ward_name, Incident.is_repeat, Incident.previous_id)
        .outerjoin(Address, Address.id == Incident.address_id)
        .outerjoin(Ward, Ward.id == func.coalesce(Incident.ward_id, Address.ward_id))
        .where(Incident.deleted_at.is_(None),
               or_(Incident.victim_id.in_(ids), Incident.perpetrator_id.in_(ids)))
    ).all()
    previous_ids = [row.previous_id for row in rows if row.is_repeat and row.previous_id]
    previous_on = _dates(session, previous_ids)
    group = set(ids)
    entries = []
    ordered = sorted(rows, key=lambda row: order_key(row.occurred_on, row.occurred_time,
                                                     row.reference), reverse=True)
    for row in ordered:
        crime_type = CrimeType(row.crime_type)
        role = VICTIM if row.victim_id in group else PERPETRATOR
        reason = ""
        if row.is_repeat:
            reason = _reason(crime_type, role, previous_on.get(row.previous_id), rules)
        entries.append(TimelineEntry(
            incident_id=row.id, occurred_on=row.occurred_on, crime_type=crime_type,
            reference=row.reference, role=role,
            summary=_summary(row.category, row.description), ward=row[8],
            is_repeat=bool(row.is_repeat), reason=reason,
        ))
    return entries


def _dates(session: Session, incident_ids: Sequence[int]) -> dict[int, date]:
    if not incident_ids:
        return {}
    return {incident_id: on for incident_id, on in session.execute(
        select(Incident.id, Incident.occurred_on).where(Incident.id.in_(sorted(incident_ids))))}


def person_profile(session: Session, person_id: int, today: date | None = None
                   ) -> PersonProfile:
    """A person's details, the addresses they were victim at, and their counts."""
    root, members = _group(session, person_id)
    ids = [root, *members]
    person = session.execute(
        select(Person.forename, Person.surname, Person.date_of_birth, Person.gender,
               Person.ethnicity, Person.reference, Person.restricted).where(Person.id == root)
    ).one()
    live = Incident.deleted_at.is_(None)
    counts = {crime_type.value: 0 for crime_type in CrimeType}
    last: date | None = None
    for crime_type, count, latest in session.execute(
        select(Incident.crime_type, func.count(), func.max(Incident.occurred_on))
        .where(live, Incident.victim_id.in_(ids)).group_by(Incident.crime_type)
    ):
        counts[crime_type] = count
        last = latest if last is None or latest > last else last
    perpetrated = session.execute(
        select(func.count()).select_from(Incident).where(live, Incident.perpetrator_id.in_(ids))
    ).scalar_one()
    addresses = session.execute(
        select(Address.line1, Address.line2, Address.town, Address.postcode,
               func.coalesce(Ward.name, ""), func.max(Incident.occurred_on))
        .join(Incident, Incident.address_id == Address.id)
        .outerjoin(Ward, Ward.id == Address.ward_id)
        .where(live, Incident.victim_id.in_(ids))
        .group_by(Address.id, Address.line1, Address.line2, Address.town, Address.postcode,
                  Ward.name)
        .order_by(func.max(Incident.occurred_on).desc())
    ).all()
    return PersonProfile(
        id=root, asked_id=person_id, name=display_name(person.forename, person.surname),
        forename=person.forename, surname=person.surname,
        date_of_birth=person.date_of_birth,
        age=age_on(person.date_of_birth, today or date.today()), gender=person.gender,
        ethnicity=person.ethnicity, reference=person.reference, member_ids=members,
        addresses=tuple(KnownAddress(*row[:5]) for row in addresses), counts=counts,
        last_incident=last, perpetrator_incidents=perpetrated,
        restricted=bool(person.restricted),
    )


def hidden_profile(profile: PersonProfile) -> PersonProfile:
    """The profile as a viewer who may not see this restricted person gets it."""
    return dataclasses.replace(profile, name=RESTRICTED_LABEL, forename=None, surname=None,
                               date_of_birth=None, age=None, reference=None, addresses=(),
                               hidden=True)


def person_detail(session: Session, person_id: int, today: date | None = None) -> PersonDetail:
    """Everything a person's page shows, in one read."""
    today = today or date.today()
    rules = load_rules(session)
    profile = person_profile(session, person_id, today)
    return PersonDetail(
        profile=profile,
        timeline=tuple(person_timeline(session, profile.id, rules)),
        alerts=tuple(compute_alerts(session, today, rules, subject_ids=[profile.id])),
        merges=tuple(list_merges(session, "person", profile.id)),
    )


__all__ = [
    "PERPETRATOR",
    "VICTIM",
    "KnownAddress",
    "PersonDetail",
    "PersonProfile",
    "TimelineEntry",
    "hidden_profile",
    "person_detail",
    "person_profile",
    "person_timeline",
]
