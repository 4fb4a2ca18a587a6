"""What each role may do (issue 16's list), in one table the use-case layer enforces.

A permission's value is the phrase a refusal uses: "Your role (analyst) does not allow
printing MARAC packs."
"""

from __future__ import annotations

from enum import StrEnum

from scs_victims.accounts import Role


class Permission(StrEnum):
    SEE_PEOPLE = "opening or searching person records"
    EDIT_RECORDS = "changing people and incidents"
    WORK_ALERTS = "working on alerts"
    REVIEW_OTHERS_ALERTS = "changing another officer's alert review"
    IMPORT = "importing files"
    SEE_FIGURES = "seeing figures"
    PRODUCE_REPORTS = "producing reports"
    SEE_INCIDENT_LIST = "seeing the incident list"
    EXPORT_INCIDENTS = "exporting the incident list"
    SEE_NAMES = "seeing names in the incident list"
    MARAC = "working on MARAC referrals, DASH, meetings and actions"
    PRINT_MARAC = "printing MARAC packs"
    MARAC_RETURN = "producing the SafeLives MARAC return"
    RESTRICT = "marking records as restricted"
    OPEN_RESTRICTED = "opening restricted records without giving a reason"
    READ_AUDIT = "reading the audit log"
    MANAGE_USERS = "managing user accounts"
    CHANGE_SETTINGS = "changing settings"
    BACKUPS = "making or restoring backups"
    MAINTAIN = "maintaining the database (the demo borough, recomputing, checking the file)"


_OFFICER = frozenset({
    Permission.SEE_PEOPLE, Permission.EDIT_RECORDS, Permission.WORK_ALERTS,
    Permission.IMPORT, Permission.SEE_FIGURES, Permission.PRODUCE_REPORTS,
    Permission.SEE_INCIDENT_LIST, Permission.EXPORT_INCIDENTS, Permission.SEE_NAMES,
})
_MARAC = _OFFICER | {Permission.MARAC, Permission.PRINT_MARAC, Permission.MARAC_RETURN}
_SUPERVISOR = _MARAC | {Permission.RESTRICT, Permission.OPEN_RESTRICTED,
                        Permission.REVIEW_OTHERS_ALERTS, Permission.READ_AUDIT}
_ANALYST = frozenset({Permission.SEE_FIGURES, Permission.PRODUCE_REPORTS,
                      Permission.SEE_INCIDENT_LIST, Permission.EXPORT_INCIDENTS})
_AUDITOR = frozenset({Permission.READ_AUDIT})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: _OFFICER,
    Role.MARAC: _MARAC,
    Role.SUPERVISOR: _SUPERVISOR,
    Role.ANALYST: _ANALYST,
    Role.AUDITOR: _AUDITOR,
    Role.ADMIN: frozenset(Permission),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
