"""The MARAC rules of definitions §6: repeat referrals, the DASH score, the criteria.

A referral is a **repeat** when an earlier referral of the same case (the same canonical
victim and at least one perpetrator in common; the victim alone when
``RuleSettings.marac_repeat_victim_only``) has a referral date on or after this one's minus 12
calendar months, with the month arithmetic of definitions §3 (the boundary day counts).

Choices of ours (the definitions leave them open):

- CHOICE: "earlier" is the order of referral date, then reference (as incidents are ordered);
  two referrals of one case on the same day make the second a repeat.
- CHOICE: two perpetrators are the same when both are people with the same canonical person,
  or when at least one was recorded by name only (not enough to key a person, definitions §2)
  and the normalised names agree. The victim is the same in both, so a name is matched within
  that victim's cases only, as formats.md says.
- CHOICE: repeats are worked out whenever asked, never stored, so a merge of people or a new
  earlier referral changes them at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scs_victims.domain.dates import window_start
from scs_victims.domain.identity import normalise_name
from scs_victims.settings import RuleSettings, load_rules
from scs_victims.storage.models import MaracPerpetrator, MaracReferral, Person

REPEAT_WINDOW_MONTHS = 12
_CHUNK = 900


@dataclass(frozen=True, slots=True)
class PerpetratorIdentity:
    """Who a perpetrator is for the repeat rule: a canonical person, a name, or both."""

    person_id: int | None
    name_key: str | None

    def same_as(self, other: PerpetratorIdentity) -> bool:
        if self.person_id is not None and other.person_id is not None:
            return self.person_id == other.person_id
        return self.name_key is not None and self.name_key == other.name_key


@dataclass(frozen=True, slots=True)
class CaseReferral:
    """A referral as the repeat rule sees it."""

    id: int
    reference: str
    referral_date: date
    victim_id: int  # canonical person id
    perpetrators: tuple[PerpetratorIdentity, ...]


def name_key(forename: str | None, surname: str | None) -> str | None:
    """A perpetrator's name as the repeat rule compares it (definitions §2 normalisation)."""
    if not surname or not normalise_name(surname):
        return None
    return normalise_name(forename or "") + "|" + normalise_name(surname)


def same_case(a: CaseReferral, b: CaseReferral, victim_only: bool) -> bool:
    """Whether two referrals of one victim are the same case: a perpetrator in common, or
    the victim alone when ``victim_only``."""
    if victim_only:
        return True
    return any(p.same_as(q) for p in a.perpetrators for q in b.perpetrators)


def repeat_of(referrals: Iterable[CaseReferral], *, victim_only: bool = False) -> dict[int, int]:
    """For every referral that is a repeat, the latest earlier referral that makes it one."""
    by_victim: dict[int, list[CaseReferral]] = {}
    for referral in referrals:
        by_victim.setdefault(referral.victim_id, []).append(referral)
    found: dict[int, int] = {}
    for cases in by_victim.values():
        cases.sort(key=lambda item: (item.referral_date, item.reference))
        for index, referral in enumerate(cases):
            first_day = window_start(referral.referral_date, REPEAT_WINDOW_MONTHS)
            for earlier in reversed(cases[:index]):
                if earlier.referral_date < first_day:
                    break
                if same_case(referral, earlier, victim_only):
                    found[referral.id] = earlier.id
                    break
    return found


def load_case_referrals(session: Session, *, until: date | None = None,
                        victim_ids: Sequence[int] | None = None) -> list[CaseReferral]:
    """Referrals (up to ``until``; of these canonical victims only) with their perpetrators."""
    canonical = func.coalesce(Person.merged_into_id, Person.id)
    query = (select(MaracReferral.id, MaracReferral.reference, MaracReferral.referral_date,
                    canonical)
             .join(Person, Person.id == MaracReferral.victim_id))
    if until is not None:
        query = query.where(MaracReferral.referral_date <= until)
    rows: list[tuple[int, str, date, int]] = []
    if victim_ids is None:
        rows = [tuple(row) for row in session.execute(query)]  # type: ignore[misc]
    else:
        ids = sorted(set(victim_ids))
        for start in range(0, len(ids), _CHUNK):
            rows.extend(tuple(row) for row in session.execute(  # type: ignore[misc]
                query.where(canonical.in_(ids[start:start + _CHUNK]))))
    perpetrators = _perpetrators(session, [row[0] for row in rows])
    return [CaseReferral(row_id, reference, on, victim, tuple(perpetrators.get(row_id, ())))
            for row_id, reference, on, victim in rows]


def _perpetrators(session: Session,
                  referral_ids: Sequence[int]) -> dict[int, list[PerpetratorIdentity]]:
    found: dict[int, list[PerpetratorIdentity]] = {}
    query = (select(MaracPerpetrator.referral_id,
                    func.coalesce(Person.merged_into_id, Person.id),
                    func.coalesce(Person.forename, MaracPerpetrator.forename),
                    func.coalesce(Person.surname, MaracPerpetrator.surname))
             .outerjoin(Person, Person.id == MaracPerpetrator.person_id)
             .order_by(MaracPerpetrator.referral_id, MaracPerpetrator.position))
    ids = sorted(referral_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for referral_id, person_id, forename, surname in session.execute(
                query.where(MaracPerpetrator.referral_id.in_(chunk))):
            found.setdefault(referral_id, []).append(
                PerpetratorIdentity(person_id, name_key(forename, surname)))
    return found


def repeat_referrals(session: Session, *, until: date | None = None,
                     rules: RuleSettings | None = None) -> dict[int, int]:
    """Referral id -> the earlier referral that makes it a repeat, for referrals up to
    ``until`` (every earlier referral is read, so the window may reach before any period)."""
    rules = rules or load_rules(session)
    return repeat_of(load_case_referrals(session, until=until),
                     victim_only=rules.marac_repeat_victim_only)


def is_high_risk(dash_score: int | None, threshold: int) -> bool:
    """Visible high risk: a DASH score at or above the threshold."""
    return dash_score is not None and dash_score >= threshold


def meets_criteria(*, dash_score: int | None, threshold: int, professional_judgement: bool,
                   potential_escalation: bool, repeat: bool) -> bool:
    """Whether a referral meets at least one SafeLives criterion. Professional judgement can
    only add a case below the threshold, never remove one that meets it."""
    return (is_high_risk(dash_score, threshold) or professional_judgement
            or potential_escalation or repeat)


def potential_escalation(session: Session, victim_id: int, on: date,
                         rules: RuleSettings | None = None) -> bool:
    """DV potential escalation (definitions §5) for the victim as on ``on``, from the
    incident store: the same rule, settings and counting as the DV escalation alert."""
    from scs_victims.alerts import AlertKind, compute_alerts

    return bool(compute_alerts(session, on, rules, kinds=[AlertKind.DV_ESCALATION],
                               subject_ids=[victim_id]))
