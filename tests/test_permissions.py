"""Each role can do exactly what issue 16's list says, for every action of the use-case layer:
the refusals are sentences, change nothing and are recorded; the allowed are not refused."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest

import scs_victims.actions
from scs_victims.accounts import Role
from scs_victims.actions.base import REGISTRY, ActionInfo, SignedIn, refusal_sentence
from scs_victims.actions.permissions import ROLE_PERMISSIONS, Permission
from scs_victims.audit_trail import AuditFilter, audit_rows
from scs_victims.errors import NotAllowed
from scs_victims.storage.database import Database, open_database
from tests.helpers.accounts import signed_in

# Functions of the actions package that are not use cases of a signed-in user: opening a
# file and signing in come before there is one.
NOT_ACTIONS = {"signing_in.has_accounts", "signing_in.sign_in",
               "signing_in.create_first_admin"}
_MODULES = [importlib.import_module(info.name) for info in
            pkgutil.iter_modules(scs_victims.actions.__path__, "scs_victims.actions.")]


def _public_functions() -> Iterator[str]:
    for module in _MODULES:
        short = module.__name__.rsplit(".", 1)[-1]
        if short in {"base", "permissions", "changes", "opening", "keys"}:
            continue
        for name, value in vars(module).items():
            # may_... and can_... are pure questions about a user (which buttons to show).
            if (inspect.isfunction(value) and not name.startswith(("_", "may_", "can_"))
                    and getattr(value, "__module__", "") == module.__name__
                    and next(iter(inspect.signature(value).parameters), "") == "user"):
                yield f"{short}.{name}"


def test_every_function_of_the_actions_taking_a_user_is_a_checked_action() -> None:
    unregistered = sorted(set(_public_functions()) - set(REGISTRY) - NOT_ACTIONS)
    assert unregistered == []


def test_the_roles_nest_as_the_issue_lists_them() -> None:
    officer, marac, supervisor = (ROLE_PERMISSIONS[role] for role in
                                  (Role.OFFICER, Role.MARAC, Role.SUPERVISOR))
    assert officer < marac < supervisor < ROLE_PERMISSIONS[Role.ADMIN]
    assert ROLE_PERMISSIONS[Role.AUDITOR] == {Permission.READ_AUDIT}
    assert Permission.SEE_PEOPLE not in ROLE_PERMISSIONS[Role.ANALYST]
    assert Permission.SEE_NAMES not in ROLE_PERMISSIONS[Role.ANALYST]
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Role, SignedIn]]:
    database = open_database(tmp_path_factory.mktemp("roles") / "roles.db")
    try:
        yield {role: signed_in(database, role) for role in Role}
    finally:
        database.close()


def _refusals(database: Database) -> int:
    with database.session() as session:
        return len(audit_rows(session, AuditFilter(kind="refused"), limit=None))


_CASES = [(info.name, role) for info in sorted(REGISTRY.values(), key=lambda i: i.name)
          for role in Role]


@pytest.mark.parametrize(("action_name", "role"), _CASES)
def test_each_role_is_refused_exactly_what_it_may_not_do(
        people: dict[Role, SignedIn], action_name: str, role: Role) -> None:
    info: ActionInfo = REGISTRY[action_name]
    user = people[role]
    before = _refusals(user.database)
    if info.permission is None or info.permission in ROLE_PERMISSIONS[role]:
        # Allowed: called without its arguments it fails for want of them, never refused.
        try:
            info.function(user)
        except NotAllowed as refused:  # pragma: no cover - the failure being tested for
            pytest.fail(f"{role.value} was refused {action_name}: {refused}")
        except Exception:  # noqa: BLE001, S110 - missing arguments, nothing to find, ...
            pass
        assert _refusals(user.database) == before
        return
    with pytest.raises(NotAllowed) as refused:
        info.function(user)
    assert str(refused.value) == refusal_sentence(role, info.permission)
    assert refused.value.code == "not_allowed"
    assert _refusals(user.database) == before + 1
