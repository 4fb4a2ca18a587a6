"""Incidents: the list, the form (open, check for likely duplicates, save), deleting and
restoring.

What is recorded (never a typed search text):

- each list of incidents read for the screen: ``search`` with the kind of query (what it was
  filtered by) and how many incidents matched;
- opening an incident in the form: ``view`` of the incident and of each person on it;
- likely duplicates shown before a new person is saved: ``search`` with how many.

The list is open to analysts without names: for a user without ``SEE_NAMES`` the victim and
perpetrator columns are empty and search text never matches a surname. A restricted person
the user may not see is "Restricted record" in the list (with the victim's address), and an
incident with such a person on it opens only after a reason (``people.break_glass``).
"""

from __future__ import annotations

import dataclasses
from array import array
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from scs_victims.actions.base import Consulted, SignedIn, action, consult, writing
from scs_victims.actions.changes import RECORDS, Changed
from scs_victims.actions.people import hide_rule, require_opened, searched
from scs_victims.actions.permissions import Permission
from scs_victims.services import incident_directory, incidents
from scs_victims.services.incident_directory import IncidentListing, IncidentQuery, IncidentRow
from scs_victims.services.incidents import DeletedIncident, IncidentInput, IncidentResult
from scs_victims.services.lookups import LikelyDuplicate
from scs_victims.services.lookups import likely_duplicates as find_duplicates
from scs_victims.services.search_copy import IncidentSearchCopy

# The list of incidents is a figure's detail: every role that sees figures may list them
# (analysts without names).
LIST = Permission.SEE_INCIDENT_LIST
VICTIM, PERPETRATOR = "victim", "perpetrator"


# The list --------------------------------------------------------------------------------

def _as_allowed(user: SignedIn, query: IncidentQuery) -> IncidentQuery:
    if user.can(Permission.SEE_NAMES) or not query.search_names:
        return query
    return dataclasses.replace(query, search_names=False)


def _without_names(user: SignedIn, rows: list[IncidentRow]) -> list[IncidentRow]:
    """Without SEE_NAMES (analysts) neither names nor the address: a home address names its
    household as surely as a name does. The ward stays, as in the figures."""
    if user.can(Permission.SEE_NAMES):
        return rows
    return [row._replace(victim=None, perpetrator=None, address=None) for row in rows]


def query_kind(query: IncidentQuery) -> str:
    """What a list was filtered by, in words (never the text typed)."""
    parts = [name for name, used in (
        ("text", bool(query.text.strip())), ("crime type", bool(query.crime_types)),
        ("ward", query.ward_id is not None),
        ("dates", query.date_from is not None or query.date_to is not None),
        ("repeats only", query.repeats_only), ("chosen incidents", bool(query.incident_ids)),
    ) if used]
    return "incidents by " + ", ".join(parts) if parts else "incidents"


@action(LIST)
def list_incidents(user: SignedIn, query: IncidentQuery, first: int,
                   search_copy: IncidentSearchCopy | None = None,
                   stop: Callable[[], bool] | None = None) -> IncidentListing:
    """How many incidents match, their ids in order and the first ``first`` rows
    (``incident_directory.incident_listing``). ``stop``: return True to end the read inside
    the database (a newer search overtook it)."""
    query = _as_allowed(user, query)

    def read(session: Session) -> IncidentListing:
        listing = incident_directory.incident_listing(session, query, first, search_copy,
                                                      hide=hide_rule(session, user))
        return listing._replace(rows=_without_names(user, listing.rows))

    return consult(user, read, lambda listing: searched(query_kind(query), listing.total,
                                                        entity="incident_list"), stop=stop)


@action(LIST)
def incident_ids(user: SignedIn, query: IncidentQuery,
                 stop: Callable[[], bool] | None = None) -> array[int]:
    """Every id a query selects, in its order (the rest of a long search)."""
    query = _as_allowed(user, query)
    return consult(user, lambda session: incident_directory.incident_ids(session, query),
                   lambda _ids: (), stop=stop)


@action(LIST)
def incident_rows(user: SignedIn, ids: list[int]) -> list[IncidentRow]:
    """The rows of these incidents (a page of the list scrolled to)."""
    def read(session: Session) -> list[IncidentRow]:
        return _without_names(user, incident_directory.incident_rows(
            session, ids, hide=hide_rule(session, user)))

    return consult(user, read, lambda _rows: ())


@action(LIST)
def load_search_copy(user: SignedIn) -> IncidentSearchCopy:
    """Every reference and date in memory, for fast searches (no names)."""
    return consult(user, IncidentSearchCopy.load, lambda _copy: ())


# The form --------------------------------------------------------------------------------

@action(Permission.SEE_PEOPLE)
def open_incident(user: SignedIn, incident_id: int) -> IncidentInput:
    """An incident as the form shows it (deleted ones too). Raises ``RestrictedRecord`` when
    a restricted person on it is hidden from this user."""
    def read(session: Session) -> tuple[IncidentInput, tuple[int | None, int | None]]:
        people = incidents.incident_people(session, incident_id)
        require_opened(session, user, people)
        return incidents.load_incident_input(session, incident_id), people

    def seen(result: tuple[IncidentInput, tuple[int | None, int | None]]) -> list[Consulted]:
        _data, people = result
        return [Consulted("view", "incident", incident_id), *(
            Consulted("view", "person", person_id, {"incident": incident_id, "as": role})
            for person_id, role in zip(people, (VICTIM, PERPETRATOR), strict=True)
            if person_id is not None)]

    return consult(user, read, seen)[0]


@action(Permission.EDIT_RECORDS)
def likely_duplicates(user: SignedIn, data: IncidentInput, roles: frozenset[str], *,
                      incident_id: int | None = None,
                      today: date | None = None) -> dict[str, list[LikelyDuplicate]]:
    """Check the form (raises ``FormInvalid``) and, for each of ``roles`` ("victim",
    "perpetrator") whose person would be new, the existing people they may really be."""
    def read(session: Session) -> dict[str, list[LikelyDuplicate]]:
        parsed = incidents.validate_incident(session, data, today=today,
                                             incident_id=incident_id)
        hide = hide_rule(session, user)
        found: dict[str, list[LikelyDuplicate]] = {}
        if VICTIM in roles and parsed.victim_key is not None:
            found[VICTIM] = find_duplicates(
                session, forename=parsed.victim_forename, surname=parsed.victim_surname,
                date_of_birth=parsed.victim_dob, postcode=parsed.postcode,
                reference=parsed.victim_ref, hide=hide)
        if PERPETRATOR in roles and parsed.perpetrator_key is not None:
            found[PERPETRATOR] = find_duplicates(
                session, forename=parsed.perpetrator_forename,
                surname=parsed.perpetrator_surname, date_of_birth=parsed.perpetrator_dob,
                hide=hide)
        return {role: people for role, people in found.items() if people}

    def seen(found: dict[str, list[LikelyDuplicate]]) -> list[Consulted]:
        shown = sum(len(people) for people in found.values())
        return searched("likely duplicates", shown) if shown else []

    return consult(user, read, seen)


@action(Permission.EDIT_RECORDS)
def create_incident(user: SignedIn, data: IncidentInput,
                    today: date | None = None) -> Changed[IncidentResult]:
    """Save a new incident (raises ``FormInvalid``, nothing saved); its repeat status in
    words."""
    with writing(user) as session:
        result = incidents.create_incident(session, data, today=today)
    return Changed(result, RECORDS)


@action(Permission.EDIT_RECORDS)
def update_incident(user: SignedIn, incident_id: int, data: IncidentInput,
                    today: date | None = None) -> Changed[IncidentResult]:
    """Save an edited incident (the people on it must be open to this user)."""
    with writing(user) as session:
        require_opened(session, user, incidents.incident_people(session, incident_id))
        result = incidents.update_incident(session, incident_id, data, today=today)
    return Changed(result, RECORDS)


@action(Permission.EDIT_RECORDS)
def delete_incident(user: SignedIn, incident_id: int, reason: str) -> Changed[None]:
    """Delete an incident, saying why (it can be restored)."""
    with writing(user) as session:
        incidents.delete_incident(session, incident_id, reason)
    return Changed(None, RECORDS)


@action(Permission.EDIT_RECORDS)
def restore_incident(user: SignedIn, incident_id: int) -> Changed[IncidentResult]:
    with writing(user) as session:
        result = incidents.restore_incident(session, incident_id)
    return Changed(result, RECORDS)


@action(Permission.EDIT_RECORDS)
def recently_deleted(user: SignedIn, limit: int = 50) -> list[DeletedIncident]:
    """Deleted incidents, most recently deleted first (references and reasons, no names)."""
    return consult(user, lambda session: incidents.recently_deleted(session, limit),
                   lambda _rows: ())
