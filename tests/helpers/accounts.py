"""Signed-in test users: each test acts through the use-case layer as an account of a role."""

from __future__ import annotations

from scs_victims import accounts
from scs_victims.accounts import Role
from scs_victims.actions.base import SignedIn
from scs_victims.actions.signing_in import sign_in
from scs_victims.storage.database import Database

TEST_PASSWORD = "synthetic-pass-1234"


def signed_in(database: Database, role: Role = Role.ADMIN, name: str | None = None
              ) -> SignedIn:
    """An account of ``role`` (created on first use, named after the role) signed in."""
    name = name or f"test-{role.value}"
    with database.session() as session:
        try:
            accounts.get_account(session, name)
        except accounts.NotFound:
            accounts.create_account(session, name, role, TEST_PASSWORD, created_by=None,
                                    must_change_password=False)
    return sign_in(database, name, TEST_PASSWORD)
