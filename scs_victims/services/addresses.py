"""Addresses (dwellings): merging those keyed apart, undoing it, and a summary.

The merge itself is the one implementation shared with people (``services.people``); for an
address only its burglaries change subject, as burglary repeats are counted by dwelling.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.errors import NotFound
from scs_victims.services.people import (
    MergeResult,
    UnmergeResult,
    group_members,
    merge_records,
    unmerge,
)
from scs_victims.storage.models import Address


@dataclass(frozen=True, slots=True)
class AddressSummary:
    id: int
    uprn: str | None
    line1: str | None
    line2: str | None
    town: str | None
    postcode: str | None
    ward_id: int | None
    key: str | None
    root_id: int  # the dwelling every figure counts this one as
    member_ids: tuple[int, ...]  # the addresses merged into that root (not the root itself)


def merge_addresses(session: Session, kept_id: int, merged_id: int) -> MergeResult:
    """Merge two addresses keyed apart (a typing slip, a UPRN added later): one dwelling."""
    return merge_records(session, "address", kept_id, merged_id)


def unmerge_addresses(session: Session, merge_id: int) -> UnmergeResult:
    """Undo one address merge."""
    return unmerge(session, merge_id, kind="address")


def address_summary(session: Session, address_id: int) -> AddressSummary:
    row = session.execute(
        select(Address.id, Address.uprn, Address.line1, Address.line2, Address.town,
               Address.postcode, Address.ward_id, Address.key, Address.merged_into_id)
        .where(Address.id == address_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no address with id {address_id}.")
    root = row.merged_into_id or row.id
    return AddressSummary(
        id=row.id, uprn=row.uprn, line1=row.line1, line2=row.line2, town=row.town,
        postcode=row.postcode, ward_id=row.ward_id, key=row.key, root_id=root,
        member_ids=group_members(session, "address", root),
    )


__all__ = ["AddressSummary", "address_summary", "merge_addresses", "unmerge_addresses"]
