"""The definitions' rules, the area's details and the wards: read by everyone signed in
(forms need them), changed by administrators."""

from __future__ import annotations

from scs_victims.actions.base import SignedIn, action, writing
from scs_victims.settings import AreaSettings, RuleSettings, load_area, load_rules


@action(None)
def rules(user: SignedIn) -> RuleSettings:
    with writing(user) as session:
        return load_rules(session)


@action(None)
def area(user: SignedIn) -> AreaSettings:
    with writing(user) as session:
        return load_area(session)
