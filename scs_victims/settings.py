"""Settings of the definitions (windows, thresholds), of the area and of security (the idle
lock), with their defaults.

Stored as JSON text in the ``settings`` table; a missing row means the default below.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from sqlalchemy.orm import Session

from scs_victims.audit import record
from scs_victims.domain.crime_types import CrimeType
from scs_victims.errors import InputRefused
from scs_victims.storage.models import Setting


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Every number of definitions §3 and §5 that a partnership may change."""

    window_months_asb: int = 12
    window_months_burglary: int = 12
    window_months_dv: int = 12
    # ASB case review threshold (ASB, Crime and Policing Act 2014 s.104).
    asb_review_complaints: int = 3
    asb_review_within_months: int = 6
    asb_review_reported_within_months: int = 1
    asb_review_community_people: int = 5
    asb_review_community_within_months: int = 6
    # DV potential escalation.
    dv_escalation_incidents: int = 3
    dv_escalation_within_months: int = 12
    dv_escalation_police_only: bool = False
    # MARAC (definitions §6): a DASH score at or above this is visible high risk; a repeat
    # referral is keyed on the victim and perpetrator, or on the victim alone when set.
    marac_dash_threshold: int = 14
    marac_repeat_victim_only: bool = False

    def window_months(self, crime_type: CrimeType) -> int:
        value: int = getattr(self, f"window_months_{crime_type.value}")
        return value

    @property
    def windows(self) -> dict[CrimeType, int]:
        return {crime_type: self.window_months(crime_type) for crime_type in CrimeType}

    def validated(self) -> RuleSettings:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.type in ("int", int) and (not isinstance(value, int) or value < 1):
                label = item.name.replace("_", " ")
                raise InputRefused(f"{label} must be a whole number of 1 or more.")
        return self


@dataclass(frozen=True, slots=True)
class AreaSettings:
    """Who the reports are for and how they are marked, and the partnership's targets.

    ``targets`` and ``baselines`` are percentages keyed ``<crime type>_<measure>``, the
    measure being ``repeat_victim_rate`` or ``repeat_incident_rate`` (lower is better). A
    missing key means none is set. The 2011–14 strategy gives targets only, so no baseline is
    set by default; the dashboard then judges "amber" against the target alone
    (scs_victims.services.dashboard).
    """

    area_name: str = "Community Safety Partnership"
    protective_marking: str = "OFFICIAL-SENSITIVE"
    targets: dict[str, float] = field(default_factory=lambda: {
        "burglary_repeat_victim_rate": 5.25,
        "dv_repeat_incident_rate": 21.0,
    })
    baselines: dict[str, float] = field(default_factory=dict)
    # For MARAC cases per 10,000 adult females (definitions §6); None when not known.
    female_population_16_plus: int | None = None


IDLE_LOCK_MINUTES_MIN = 1
IDLE_LOCK_MINUTES_MAX = 240  # four hours: a longer wait is no lock


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    """How the desktop app protects an unattended window (issue 16, Build 7)."""

    # The window hides its content and asks for the password again after this long
    # without input.
    idle_lock_minutes: int = 10

    def validated(self) -> SecuritySettings:
        value = self.idle_lock_minutes
        if (not isinstance(value, int) or isinstance(value, bool)
                or not IDLE_LOCK_MINUTES_MIN <= value <= IDLE_LOCK_MINUTES_MAX):
            raise InputRefused(f"The idle lock must be a whole number of minutes between "
                               f"{IDLE_LOCK_MINUTES_MIN} and {IDLE_LOCK_MINUTES_MAX}.")
        return self


_RULES = "rules"
_AREA = "area"
_SECURITY = "security"


def _load(session: Session, name: str) -> dict[str, Any]:
    row = session.get(Setting, name)
    if row is None:
        return {}
    loaded = json.loads(row.value)
    return loaded if isinstance(loaded, dict) else {}


def _store(session: Session, name: str, value: dict[str, Any]) -> None:
    row = session.get(Setting, name)
    text = json.dumps(value, sort_keys=True)
    if row is None:
        session.add(Setting(name=name, value=text))
    else:
        row.value = text


def load_rules(session: Session) -> RuleSettings:
    known = {item.name for item in fields(RuleSettings)}
    stored = {key: value for key, value in _load(session, _RULES).items() if key in known}
    return replace(RuleSettings(), **stored)


def windows_changed(old: RuleSettings, new: RuleSettings) -> bool:
    return old.windows != new.windows


def save_rules(session: Session, rules: RuleSettings) -> RuleSettings:
    """Store new rule settings (audited). The caller recomputes repeats if windows changed."""
    rules.validated()
    old = load_rules(session)
    _store(session, _RULES, asdict(rules))
    changed = {k: v for k, v in asdict(rules).items() if asdict(old)[k] != v}
    if changed:
        record(session, "setting", "settings", None, changed)
    return old


def load_area(session: Session) -> AreaSettings:
    known = {item.name for item in fields(AreaSettings)}
    stored = {key: value for key, value in _load(session, _AREA).items() if key in known}
    return replace(AreaSettings(), **stored)


def save_area(session: Session, area: AreaSettings) -> None:
    _store(session, _AREA, asdict(area))
    record(session, "setting", "settings", None, {"area": asdict(area)})


def load_security(session: Session) -> SecuritySettings:
    """The stored security settings; a stored value out of range (edited by hand) gives the
    default rather than no lock at all."""
    known = {item.name for item in fields(SecuritySettings)}
    stored = {key: value for key, value in _load(session, _SECURITY).items() if key in known}
    try:
        return replace(SecuritySettings(), **stored).validated()
    except InputRefused:
        return SecuritySettings()


def save_security(session: Session, security: SecuritySettings) -> SecuritySettings:
    """Store new security settings (audited when they change); returns the old ones."""
    security.validated()
    old = load_security(session)
    _store(session, _SECURITY, asdict(security))
    changed = {k: v for k, v in asdict(security).items() if asdict(old)[k] != v}
    if changed:
        record(session, "setting", "settings", None, {"security": changed})
    return old
