"""Changing the rule settings of the definitions; a new window recomputes every repeat."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from sqlalchemy.orm import Session

from scs_victims.audit import record
from scs_victims.errors import InputRefused
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.repeats import recompute_all
from scs_victims.settings import RuleSettings, load_rules, save_rules, windows_changed

DASH_THRESHOLD_MAX = 24  # the DASH checklist's questions: a higher threshold is never met


@dataclass(frozen=True, slots=True)
class RulesChange:
    """What a change of settings did."""

    old: RuleSettings
    new: RuleSettings
    recomputed: bool
    flags_changed: int


def rule_names() -> list[str]:
    return [item.name for item in fields(RuleSettings)]


def parse_rule_value(name: str, text: str) -> int | bool:
    """A setting's value from text, checked against its type."""
    kinds = {item.name: item.type for item in fields(RuleSettings)}
    if name not in kinds:
        raise InputRefused(f"There is no setting called '{name}'. Settings: "
                           f"{', '.join(rule_names())}.")
    if kinds[name] in (bool, "bool"):
        folded = text.strip().casefold()
        if folded in {"yes", "y", "true", "1", "on"}:
            return True
        if folded in {"no", "n", "false", "0", "off"}:
            return False
        raise InputRefused(f"{name} takes yes or no, not '{text}'.")
    if not text.strip().isdigit():
        raise InputRefused(f"{name} takes a whole number of 1 or more, not '{text}'.")
    return int(text)


def change_rules(session: Session, changes: dict[str, int | bool],
                 progress: ProgressCallback = no_progress) -> RulesChange:
    """Store new settings (audited); when a look-back window changed, recompute every repeat
    flag in the same transaction, reporting progress (cancel by raising Cancelled)."""
    old = load_rules(session)
    unknown = sorted(set(changes) - set(rule_names()))
    if unknown:
        raise InputRefused(f"There is no setting called '{unknown[0]}'.")
    new = replace(old, **changes).validated()  # type: ignore[arg-type]  # names checked above
    if not 1 <= new.marac_dash_threshold <= DASH_THRESHOLD_MAX:
        raise InputRefused(f"marac_dash_threshold must be between 1 and {DASH_THRESHOLD_MAX}, "
                           "the number of DASH questions.")
    save_rules(session, new)
    if not windows_changed(old, new):
        return RulesChange(old, new, recomputed=False, flags_changed=0)
    changed = recompute_all(session, new, progress)
    record(session, "recompute", "incident", None, {"reason": "window changed",
                                                    "flags_changed": changed})
    return RulesChange(old, new, recomputed=True, flags_changed=changed)
