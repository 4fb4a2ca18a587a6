"""Incidents entered, edited, deleted and restored by hand, one at a time.

The form applies exactly the rules of an import row: an ``IncidentInput`` (text as typed,
dates as text or ``date`` values, hate_motivated as text or a bool) is checked by the
import's ``RowChecker`` as values, never written out as cells and read back, and people and
addresses are linked by the same keys (a record found by key is reused, otherwise one is
created with that key). After each change only the touched subjects' chains are
re-evaluated, with indexed look-ups, so the cost does not grow with the size of the database.

Choices of ours:

- CHOICE: a victim, perpetrator or address found by key is linked as it is; details typed on
  the form that differ from the stored record (another spelling, a gender) do not change it,
  as on import. Editing a person or address is a separate action.
- CHOICE: saving an edit whose fields all equal the stored ones changes nothing (no audit
  event, ``updated_at`` and ``content_hash`` kept), so a re-import of the original file still
  finds the row unchanged.
- CHOICE: when no ward list is loaded, a ward named on the form is created (unlisted), as
  on import.
- CHOICE: deleting is soft (``deleted_at``); a deleted incident keeps its reference, so the
  reference cannot be reused until it is restored and changed, and restoring never collides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, aliased

from scs_victims.audit import record
from scs_victims.domain.crime_types import CrimeType
from scs_victims.domain.dates import order_key
from scs_victims.domain.identity import normalise_postcode
from scs_victims.errors import FormInvalid, NotFound, RowError, UserError
from scs_victims.importing.incident_rows import (
    IncidentDraft,
    ParsedIncident,
    check_incident,
)
from scs_victims.repeats import Subject, clear_flags, refresh_subject_ids, refresh_subjects
from scs_victims.settings import RuleSettings, load_rules
from scs_victims.storage.models import Address, Incident, Person, Ward

_SHORT_NAMES = {CrimeType.ASB: "ASB", CrimeType.BURGLARY: "burglary", CrimeType.DV: "DV"}

# ParsedIncident fields that describe the incident (the ones its content hash covers), with the
# form field each belongs to (a time is typed in the occurred_on field).
_COMPARED_FIELDS: tuple[tuple[str, str], ...] = (
    ("reference", "reference"), ("crime_type", "crime_type"), ("occurred_on", "occurred_on"),
    ("occurred_time", "occurred_on"), ("reported_on", "reported_on"),
    ("victim_ref", "victim_ref"), ("victim_forename", "victim_forename"),
    ("victim_surname", "victim_surname"), ("victim_dob", "victim_dob"),
    ("victim_gender", "victim_gender"), ("address_line1", "address_line1"),
    ("address_line2", "address_line2"), ("town", "town"), ("postcode", "postcode"),
    ("uprn", "uprn"), ("ward_key", "ward"), ("perpetrator_forename", "perpetrator_forename"),
    ("perpetrator_surname", "perpetrator_surname"), ("perpetrator_dob", "perpetrator_dob"),
    ("relationship", "relationship"), ("source", "source"), ("description", "description"),
    ("case_ref", "case_ref"), ("hate_motivated", "hate_motivated"),
)  # fmt: skip


# What the incident form holds is the import's own draft of a row (one definition of an
# incident row): text as typed, dates also as ``date`` values (``occurred_on`` and
# ``reported_on`` a ``datetime`` when a time is known), ``hate_motivated`` also a bool.
IncidentInput = IncidentDraft


@dataclass(frozen=True, slots=True)
class IncidentResult:
    """An incident after a change, with its repeat status in words (UK dates, no names)."""

    id: int
    reference: str
    crime_type: CrimeType
    is_repeat: bool
    previous_reference: str | None
    previous_occurred_on: date | None
    explanation: str
    subject_id: int | None
    # For an edit: the form fields that changed (empty when nothing did).
    changed_fields: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class DeletedIncident:
    id: int
    reference: str
    crime_type: CrimeType
    occurred_on: date
    deleted_at: datetime
    deleted_reason: str | None


# Checking ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Wards:
    """The wards as the import sees them: case-folded name -> id (a few dozen rows at most);
    configured when any ward is on the area's list (wards load), as on import."""

    ids: dict[str, int]
    configured: bool


def _load_wards(session: Session) -> _Wards:
    rows = session.execute(select(Ward.name_key, Ward.id, Ward.listed)).all()
    return _Wards({key: ward_id for key, ward_id, _ in rows},
                  any(listed for _, _, listed in rows))


def _check(session: Session, data: IncidentInput, today: date | None, wards: _Wards,
           *, except_id: int | None) -> ParsedIncident:
    checked = check_incident(data, today=today or date.today(),
                             wards_configured=wards.configured, ward_keys=set(wards.ids))
    errors: dict[str, str] = {}
    if isinstance(checked, list):
        errors = _by_field(checked)
    reference = data.reference.strip() if isinstance(data.reference, str) else ""
    if reference and "reference" not in errors:
        problem = _reference_problem(session, reference, except_id)
        if problem is not None:
            errors["reference"] = problem
    if errors:
        raise FormInvalid(errors)
    assert not isinstance(checked, list)
    return checked


def _by_field(row_errors: Iterable[RowError]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in row_errors:
        name = error.column or "form"
        errors[name] = f"{errors[name]}; {error.reason}" if name in errors else error.reason
    return errors


def _reference_problem(session: Session, reference: str, except_id: int | None) -> str | None:
    found = session.execute(
        select(Incident.id, Incident.deleted_at).where(Incident.reference == reference)
    ).first()
    if found is None or found.id == except_id:
        return None
    if found.deleted_at is not None:
        return (f"'{reference}' belongs to a deleted incident: restore that one, or choose "
                "another reference")
    return f"'{reference}' is already used by another incident"


def validate_incident(session: Session, data: IncidentInput, *, today: date | None = None,
                      incident_id: int | None = None) -> ParsedIncident:
    """Check a form without saving it (``incident_id``: the incident being edited, whose own
    reference is not a duplicate). Raises ``FormInvalid``."""
    return _check(session, data, today, _load_wards(session), except_id=incident_id)


# Linking -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Links:
    victim: tuple[int, int] | None = None  # (id, canonical id)
    perpetrator: tuple[int, int] | None = None
    address: tuple[int, int] | None = None
    ward_id: int | None = None

    def subject(self, crime_type: CrimeType) -> int | None:
        link = self.address if crime_type.subject_is_address else self.victim
        return link[1] if link else None


def find_or_create(session: Session, model: type[Person] | type[Address], key: str,
                   values: dict[str, Any], *, now: datetime, entity: str,
                   fill: Iterable[str] = ()) -> tuple[int, int]:
    """(id, canonical id) of the person or address with this key, added (audited) when
    there is none. ``fill`` names details that a found record without them takes from
    ``values`` (audited): a date of birth given on a later MARAC referral, say."""
    fill = tuple(fill)
    found = session.execute(
        select(model.id, model.merged_into_id, *(getattr(model, name) for name in fill))
        .where(model.key == key)
    ).first()
    if found is not None:
        gaps = {name: values[name] for name in fill
                if getattr(found, name) is None and values.get(name) is not None}
        if gaps:
            session.execute(update(model).where(model.id == found.id).values(**gaps))
            record(session, "update", entity, found.id, gaps)
        return found.id, found.merged_into_id or found.id
    new_id: int = session.execute(
        insert(model).values(key=key, created_at=now, **values).returning(model.id)
    ).scalar_one()
    record(session, "insert", entity, new_id)
    return new_id, new_id


def _link(session: Session, parsed: ParsedIncident, wards: _Wards, now: datetime) -> _Links:
    links = _Links()
    if parsed.ward_key is not None:
        ward_id = wards.ids.get(parsed.ward_key)
        if ward_id is None:  # no ward list loaded: the name creates an unlisted ward, as on import
            ward_id = session.execute(
                insert(Ward).values(name=parsed.ward_name or parsed.ward_key,
                                    name_key=parsed.ward_key, position=len(wards.ids),
                                    listed=False)
                .returning(Ward.id)
            ).scalar_one()
            wards.ids[parsed.ward_key] = ward_id
        links.ward_id = ward_id
    if parsed.victim_key is not None:
        links.victim = find_or_create(session, Person, parsed.victim_key, {
            "reference": parsed.victim_ref, "forename": parsed.victim_forename,
            "surname": parsed.victim_surname, "date_of_birth": parsed.victim_dob,
            "gender": parsed.victim_gender,
        }, now=now, entity="person")
    if parsed.perpetrator_key is not None:
        links.perpetrator = find_or_create(session, Person, parsed.perpetrator_key, {
            "reference": None, "forename": parsed.perpetrator_forename,
            "surname": parsed.perpetrator_surname, "date_of_birth": parsed.perpetrator_dob,
            "gender": None,
        }, now=now, entity="person")
    if parsed.address_key is not None:
        links.address = find_or_create(session, Address, parsed.address_key, {
            "uprn": parsed.uprn, "line1": parsed.address_line1,
            "line2": parsed.address_line2, "town": parsed.town, "postcode": parsed.postcode,
            "ward_id": links.ward_id,
        }, now=now, entity="address")
    return links


def _incident_values(parsed: ParsedIncident, links: _Links) -> dict[str, Any]:
    return {
        "reference": parsed.reference,
        "crime_type": parsed.crime_type.value,
        "occurred_on": parsed.occurred_on,
        "occurred_time": parsed.occurred_time,
        "reported_on": parsed.reported_on,
        "source": parsed.source,
        "description": parsed.description,
        "address_id": links.address[0] if links.address else None,
        "victim_id": links.victim[0] if links.victim else None,
        "perpetrator_id": links.perpetrator[0] if links.perpetrator else None,
        "perpetrator_name": None if links.perpetrator else parsed.perpetrator_name,
        "relationship": parsed.relationship,
        "ward_id": links.ward_id,
        "subject_id": links.subject(parsed.crime_type),
        "content_hash": parsed.content_hash(),
        "case_ref": parsed.case_ref,
        "hate_motivated": parsed.hate_motivated,
    }


# Reading an incident back --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Current:
    id: int
    reference: str
    crime_type: str
    subject_id: int | None
    deleted_at: datetime | None


def _incident_row(session: Session, incident_id: int) -> _Current:
    row = session.execute(
        select(Incident.id, Incident.reference, Incident.crime_type, Incident.subject_id,
               Incident.deleted_at)
        .where(Incident.id == incident_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no incident with id {incident_id}.")
    return _Current(*row)


def _live_row(session: Session, incident_id: int) -> _Current:
    row = _incident_row(session, incident_id)
    if row.deleted_at is not None:
        raise UserError(f"Incident {row.reference} is deleted: restore it before changing it.")
    return row


def _stored_fields(session: Session, incident_id: int) -> dict[str, Any]:
    """The incident as a form would show it: ParsedIncident's field names (plus ``ward``,
    the ward's display name), values typed and normalised as the checker leaves them."""
    incident = session.execute(
        select(Incident.reference, Incident.crime_type, Incident.occurred_on,
               Incident.occurred_time, Incident.reported_on, Incident.relationship,
               Incident.source, Incident.description, Incident.victim_id,
               Incident.perpetrator_id, Incident.perpetrator_name, Incident.address_id,
               Incident.ward_id, Incident.case_ref, Incident.hate_motivated)
        .where(Incident.id == incident_id)
    ).one()
    values: dict[str, Any] = {
        "reference": incident.reference, "crime_type": CrimeType(incident.crime_type),
        "occurred_on": incident.occurred_on, "occurred_time": incident.occurred_time,
        "reported_on": incident.reported_on, "relationship": incident.relationship,
        "source": incident.source, "description": incident.description,
        "case_ref": incident.case_ref, "hate_motivated": incident.hate_motivated,
    }
    victim = _person(session, incident.victim_id)
    values.update(
        victim_ref=victim.reference if victim else None,
        victim_forename=victim.forename if victim else None,
        victim_surname=victim.surname if victim else None,
        victim_dob=victim.date_of_birth if victim else None,
        victim_gender=victim.gender if victim else None,
    )
    address = None
    if incident.address_id is not None:
        address = session.execute(
            select(Address.uprn, Address.line1, Address.line2, Address.town, Address.postcode)
            .where(Address.id == incident.address_id)
        ).first()
    postcode = address.postcode if address else None
    if victim is not None and victim.key and "|pc:" in victim.key:
        # A victim keyed by name and postcode: the key holds the postcode the incident was
        # written with (the address may have none, or be a UPRN-keyed dwelling stored with
        # another row's postcode); the form needs it to link the same victim again.
        postcode = normalise_postcode(victim.key.rsplit("|pc:", 1)[1]) or postcode
    values.update(
        uprn=address.uprn if address else None,
        address_line1=address.line1 if address else None,
        address_line2=address.line2 if address else None,
        town=address.town if address else None,
        postcode=postcode,
    )
    perpetrator = _person(session, incident.perpetrator_id)
    if perpetrator is not None:
        p_forename, p_surname = perpetrator.forename, perpetrator.surname
        p_dob = perpetrator.date_of_birth
    else:
        # Any split of the name at a space gives back the same name (it is not keyed).
        parts = (incident.perpetrator_name or "").rsplit(" ", 1)
        p_forename = parts[0] or None
        p_surname = parts[1] if len(parts) > 1 else None
        p_dob = None
    values.update(perpetrator_forename=p_forename, perpetrator_surname=p_surname,
                  perpetrator_dob=p_dob)
    ward = None
    if incident.ward_id is not None:
        ward = session.execute(
            select(Ward.name, Ward.name_key).where(Ward.id == incident.ward_id)
        ).first()
    values.update(ward_key=ward.name_key if ward else None, ward=ward.name if ward else None)
    return values


@dataclass(frozen=True, slots=True)
class _PersonFields:
    reference: str | None
    forename: str | None
    surname: str | None
    date_of_birth: date | None
    gender: str | None
    key: str | None


def _person(session: Session, person_id: int | None) -> _PersonFields | None:
    if person_id is None:
        return None
    row = session.execute(
        select(Person.reference, Person.forename, Person.surname, Person.date_of_birth,
               Person.gender, Person.key)
        .where(Person.id == person_id)
    ).first()
    return None if row is None else _PersonFields(*row)


def incident_people(session: Session, incident_id: int) -> tuple[int | None, int | None]:
    """The victim and the perpetrator of an incident (deleted ones too), each as the root of
    their merge group (None when the incident has none). Raises ``NotFound``."""
    victim, perpetrator = aliased(Person), aliased(Person)
    row = session.execute(
        select(func.coalesce(victim.merged_into_id, victim.id),
               func.coalesce(perpetrator.merged_into_id, perpetrator.id))
        .select_from(Incident)
        .outerjoin(victim, victim.id == Incident.victim_id)
        .outerjoin(perpetrator, perpetrator.id == Incident.perpetrator_id)
        .where(Incident.id == incident_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no incident with id {incident_id}.")
    return row[0], row[1]


def load_incident_input(session: Session, incident_id: int) -> IncidentInput:
    """The form for editing an incident, filled from what is stored (deleted ones too)."""
    _incident_row(session, incident_id)
    stored = _stored_fields(session, incident_id)
    occurred: date = stored["occurred_on"]
    if stored["occurred_time"] is not None:
        occurred = datetime.combine(stored["occurred_on"], stored["occurred_time"])
    return IncidentInput(
        reference=stored["reference"], crime_type=stored["crime_type"].value,
        occurred_on=occurred, reported_on=stored["reported_on"],
        victim_ref=stored["victim_ref"], victim_forename=stored["victim_forename"],
        victim_surname=stored["victim_surname"], victim_dob=stored["victim_dob"],
        victim_gender=stored["victim_gender"], address_line1=stored["address_line1"],
        address_line2=stored["address_line2"], town=stored["town"],
        postcode=stored["postcode"], uprn=stored["uprn"], ward=stored["ward"],
        perpetrator_forename=stored["perpetrator_forename"],
        perpetrator_surname=stored["perpetrator_surname"],
        perpetrator_dob=stored["perpetrator_dob"], relationship=stored["relationship"],
        source=stored["source"], description=stored["description"],
        case_ref=stored["case_ref"], hate_motivated=stored["hate_motivated"],
    )


def _changed_fields(stored: dict[str, Any], parsed: ParsedIncident) -> tuple[str, ...]:
    changed: list[str] = []
    for attribute, form_field in _COMPARED_FIELDS:
        if stored[attribute] != getattr(parsed, attribute) and form_field not in changed:
            changed.append(form_field)
    return tuple(changed)


# Results and explanations --------------------------------------------------------------


def _uk(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _months(count: int) -> str:
    return f"{count} month{'s' if count != 1 else ''}"


def repeat_explanation(crime_type: CrimeType, window_months: int, *, linked: bool,
                       previous_on: date | None = None) -> str:
    """A live incident's repeat status in words, from what is stored on it: whether it has a
    subject (``linked``) and, for a repeat, the date of the earlier incident that makes it
    one. Pure, so lists of many incidents can explain each row without a query."""
    name = _SHORT_NAMES[crime_type]
    window = _months(window_months)
    whose = "dwelling" if crime_type.subject_is_address else "victim"
    if not linked:
        return (f"Not a repeat: the incident has no {whose} that can be linked, so it "
                "cannot be a repeat.")
    if previous_on is not None:
        return (f"Repeat: the same {whose}'s previous {name} incident was on "
                f"{_uk(previous_on)}, within {window}.")
    where = "at this dwelling" if crime_type.subject_is_address else "for this victim"
    return f"Not a repeat: no earlier {name} incident {where} within {window}."


def _result(session: Session, incident_id: int, rules: RuleSettings,
            changed: tuple[str, ...] = ()) -> IncidentResult:
    row = session.execute(
        select(Incident.id, Incident.reference, Incident.crime_type, Incident.subject_id,
               Incident.is_repeat, Incident.previous_id, Incident.deleted_at)
        .where(Incident.id == incident_id)
    ).one()
    crime_type = CrimeType(row.crime_type)
    window_months = rules.window_months(crime_type)
    previous_reference: str | None = None
    previous_on: date | None = None
    if row.deleted_at is not None:
        explanation = "Not a repeat: the incident is deleted, and deleted incidents count for " \
                      "nothing."
    elif row.subject_id is None:
        explanation = repeat_explanation(crime_type, window_months, linked=False)
    elif row.is_repeat and row.previous_id is not None:
        previous = session.execute(
            select(Incident.reference, Incident.occurred_on).where(Incident.id == row.previous_id)
        ).one()
        previous_reference, previous_on = previous.reference, previous.occurred_on
        explanation = repeat_explanation(crime_type, window_months, linked=True,
                                         previous_on=previous_on)
    else:
        explanation = repeat_explanation(crime_type, window_months, linked=True)
        before = _preceding(session, crime_type, row.subject_id, incident_id)
        if before is not None:
            explanation = explanation[:-1] + f" (the previous one was on {_uk(before)})."
    return IncidentResult(
        id=row.id, reference=row.reference, crime_type=crime_type, is_repeat=bool(row.is_repeat),
        previous_reference=previous_reference, previous_occurred_on=previous_on,
        explanation=explanation, subject_id=row.subject_id, changed_fields=changed,
    )


def _preceding(session: Session, crime_type: CrimeType, subject_id: int,
               incident_id: int) -> date | None:
    """The date of the incident just before this one in its subject's chain, if any."""
    chain = session.execute(
        select(Incident.id, Incident.occurred_on, Incident.occurred_time, Incident.reference)
        .where(Incident.crime_type == crime_type.value, Incident.subject_id == subject_id,
               Incident.deleted_at.is_(None))
    ).all()
    ordered = sorted(chain, key=lambda item: order_key(item.occurred_on, item.occurred_time,
                                                       item.reference))
    for index, item in enumerate(ordered):
        if item.id == incident_id:
            if index == 0:
                return None
            on: date = ordered[index - 1].occurred_on
            return on
    return None


def explain_incident(session: Session, incident_id: int) -> IncidentResult:
    """An incident's current repeat status in words (for its detail view)."""
    _incident_row(session, incident_id)
    return _result(session, incident_id, load_rules(session))


# Services ------------------------------------------------------------------------------


def create_incident(session: Session, data: IncidentInput, *,
                    today: date | None = None) -> IncidentResult:
    """Check the form, link the victim, perpetrator and dwelling, save the incident and
    re-evaluate its subject's chain. Raises ``FormInvalid`` (nothing saved)."""
    wards = _load_wards(session)
    parsed = _check(session, data, today, wards, except_id=None)
    now = datetime.now()
    links = _link(session, parsed, wards, now)
    values = _incident_values(parsed, links)
    incident_id: int = session.execute(
        insert(Incident)
        .values(**values, is_repeat=False, previous_id=None, created_at=now, updated_at=now)
        .returning(Incident.id)
    ).scalar_one()
    record(session, "insert", "incident", incident_id, {"reference": parsed.reference})
    rules = load_rules(session)
    subject = values["subject_id"]
    if subject is not None:
        refresh_subjects(session, [(parsed.crime_type.value, subject)], rules)
    return _result(session, incident_id, rules)


def update_incident(session: Session, incident_id: int, data: IncidentInput, *,
                    today: date | None = None) -> IncidentResult:
    """Save an edited incident: the same checks as a new one (its reference may change to one
    not in use), links made again by key, and both its old and new chains re-evaluated."""
    row = _live_row(session, incident_id)
    wards = _load_wards(session)
    parsed = _check(session, data, today, wards, except_id=incident_id)
    rules = load_rules(session)
    changed = _changed_fields(_stored_fields(session, incident_id), parsed)
    if not changed:
        return _result(session, incident_id, rules)
    now = datetime.now()
    links = _link(session, parsed, wards, now)
    values = _incident_values(parsed, links)
    session.execute(
        update(Incident).where(Incident.id == incident_id).values(**values, updated_at=now)
    )
    touched: set[Subject] = set()
    if row.subject_id is not None:
        touched.add((row.crime_type, row.subject_id))
    if values["subject_id"] is not None:
        touched.add((parsed.crime_type.value, values["subject_id"]))
    else:
        clear_flags(session, [incident_id])
    record(session, "update", "incident", incident_id, {"fields": list(changed)})
    refresh_subjects(session, touched, rules)
    return _result(session, incident_id, rules, changed)


def delete_incident(session: Session, incident_id: int, reason: str) -> None:
    """Soft-delete an incident (a reason is required); the next incident of its subject is
    re-evaluated without it."""
    row = _incident_row(session, incident_id)
    if row.deleted_at is not None:
        raise UserError(f"Incident {row.reference} is already deleted.")
    text = (reason or "").strip()
    if not text:
        raise FormInvalid({"reason": "is required"},
                          "The incident was not deleted: give a reason for deleting it.")
    session.execute(
        update(Incident).where(Incident.id == incident_id)
        .values(deleted_at=datetime.now(), deleted_reason=text)
    )
    clear_flags(session, [incident_id])
    record(session, "delete", "incident", incident_id,
           {"reference": row.reference, "reason": text})
    if row.subject_id is not None:
        refresh_subjects(session, [(row.crime_type, row.subject_id)])


def restore_incident(session: Session, incident_id: int) -> IncidentResult:
    """Undo a deletion: the incident counts again and its chain is re-evaluated."""
    row = _incident_row(session, incident_id)
    if row.deleted_at is None:
        raise UserError(f"Incident {row.reference} is not deleted.")
    session.execute(
        update(Incident).where(Incident.id == incident_id)
        .values(deleted_at=None, deleted_reason=None)
    )
    record(session, "restore", "incident", incident_id, {"reference": row.reference})
    rules = load_rules(session)
    # Merges made while it was deleted have already re-pointed its subject; re-deriving it
    # costs one indexed look-up and guards against a stale one.
    touched = refresh_subject_ids(session, [incident_id])
    refresh_subjects(session, touched, rules)
    return _result(session, incident_id, rules)


def recently_deleted(session: Session, limit: int = 50) -> list[DeletedIncident]:
    """Deleted incidents, most recently deleted first."""
    rows = session.execute(
        select(Incident.id, Incident.reference, Incident.crime_type, Incident.occurred_on,
               Incident.deleted_at, Incident.deleted_reason)
        .where(Incident.deleted_at.is_not(None))
        .order_by(Incident.deleted_at.desc(), Incident.id.desc())
        .limit(limit)
    )
    return [
        DeletedIncident(id=row.id, reference=row.reference, crime_type=CrimeType(row.crime_type),
                        occurred_on=row.occurred_on, deleted_at=row.deleted_at,
                        deleted_reason=row.deleted_reason)
        for row in rows
    ]


__all__ = [
    "DeletedIncident",
    "FormInvalid",
    "IncidentInput",
    "IncidentResult",
    "create_incident",
    "delete_incident",
    "explain_incident",
    "incident_people",
    "load_incident_input",
    "recently_deleted",
    "restore_incident",
    "update_incident",
    "validate_incident",
]
