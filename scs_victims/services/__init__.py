"""The core services the desktop app calls: one user action, one call, one session.

Every service takes the caller's ``Session`` (from ``Database.session()``), works inside it and
never commits: the caller's ``with`` block commits when the action succeeds and rolls back when
a service raises. Services return plain dataclasses, never ORM objects, and never import Qt.
Refusals are ``UserError`` subclasses (``FormInvalid`` carries per-field messages, ``NotFound``
an unknown id) whose message is a short sentence that may be shown as it is.

Repeat flags are kept current incrementally: a service re-evaluates only the chains of the
subjects (canonical victims or dwellings) that its change touched, never the whole table.
"""

from __future__ import annotations

from scs_victims.services.addresses import (
    AddressSummary,
    address_summary,
    merge_addresses,
    unmerge_addresses,
)
from scs_victims.services.incidents import (
    DeletedIncident,
    FormInvalid,
    IncidentInput,
    IncidentResult,
    create_incident,
    delete_incident,
    explain_incident,
    load_incident_input,
    recently_deleted,
    restore_incident,
    update_incident,
    validate_incident,
)
from scs_victims.services.people import (
    MergeRecord,
    MergeResult,
    PersonSummary,
    UnmergeResult,
    list_merges,
    merge_people,
    person_summary,
    unmerge,
)

__all__ = [
    "AddressSummary",
    "DeletedIncident",
    "FormInvalid",
    "IncidentInput",
    "IncidentResult",
    "MergeRecord",
    "MergeResult",
    "PersonSummary",
    "UnmergeResult",
    "address_summary",
    "create_incident",
    "delete_incident",
    "explain_incident",
    "list_merges",
    "load_incident_input",
    "merge_addresses",
    "merge_people",
    "person_summary",
    "recently_deleted",
    "restore_incident",
    "unmerge",
    "unmerge_addresses",
    "update_incident",
    "validate_incident",
]
