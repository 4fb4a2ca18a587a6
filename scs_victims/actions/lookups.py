"""Look-ups while a form is filled in: people and addresses found as one types, a person to
put on a new incident, and the wards to choose from.

Each look-up that shows people or addresses is a ``search`` (the kind and how many were
shown, never the text); putting a chosen person on a form is a ``view`` of them. A restricted
person this user may not see is found without details (``PersonMatch.hidden``); using them
needs a reason first (``people.break_glass``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from scs_victims.actions.base import Consulted, SignedIn, action, consult
from scs_victims.actions.people import hide_rule, require_opened, searched
from scs_victims.actions.permissions import Permission
from scs_victims.services import incident_directory, lookups
from scs_victims.services.incident_directory import WardChoice
from scs_victims.services.lookups import AddressMatch, PersonMatch


@action(Permission.SEE_PEOPLE)
def find_people(user: SignedIn, text: str, limit: int = 20) -> list[PersonMatch]:
    """People whose name or reference matches ``text`` (name parts in any order)."""
    def read(session: Session) -> list[PersonMatch]:
        return lookups.search_people(session, text, limit, hide=hide_rule(session, user))

    return consult(user, read, lambda found: searched("people by name or reference",
                                                      len(found)) if text.strip() else [])


@action(Permission.SEE_PEOPLE)
def find_addresses(user: SignedIn, text: str, limit: int = 20) -> list[AddressMatch]:
    """Known dwellings by postcode, UPRN or first line."""
    return consult(user, lambda session: lookups.search_addresses(session, text, limit),
                   lambda found: searched("addresses by postcode, UPRN or first line",
                                          len(found), entity="address")
                   if text.strip() else [])


@action(Permission.SEE_PEOPLE)
def person_for_form(user: SignedIn, person_id: int) -> PersonMatch:
    """A person's details to fill a form with (a merged-away id gives its survivor). Raises
    ``RestrictedRecord`` for a restricted person this user has not opened with a reason."""
    def read(session: Session) -> PersonMatch:
        require_opened(session, user, [person_id])
        return lookups.person_match(session, person_id)

    return consult(user, read, lambda match: [Consulted("view", "person", match.id,
                                                        {"for": "a form"})])


@action(None)
def ward_choices(user: SignedIn) -> list[WardChoice]:
    """The wards in the area's order, for filters and forms."""
    return consult(user, incident_directory.ward_choices, lambda _wards: ())
