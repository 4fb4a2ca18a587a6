"""MARAC meetings: finding or scheduling one, and putting referrals on its list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from scs_victims.audit import record
from scs_victims.errors import InputRefused, NotFound
from scs_victims.storage.models import MaracMeeting, MaracMeetingCase, MaracReferral


def meeting_on(session: Session, meeting_date: date, *, venue: str | None = None,
               chair: str | None = None, now: datetime | None = None) -> int:
    """The id of the meeting on that date, scheduling it when there is none (audited)."""
    found = session.scalar(select(MaracMeeting.id).where(MaracMeeting.meeting_date ==
                                                         meeting_date))
    if found is not None:
        return found
    meeting = MaracMeeting(meeting_date=meeting_date, venue=venue, chair=chair,
                           created_at=now or datetime.now())
    session.add(meeting)
    session.flush()
    record(session, "insert", "marac_meeting", meeting.id,
           {"meeting_date": meeting_date, "venue": venue, "chair": chair})
    return meeting.id


def schedule_meeting(session: Session, meeting_date: date, venue: str | None,
                     chair: str | None) -> int:
    """A new meeting; refuses a second meeting on the same date."""
    if session.scalar(select(MaracMeeting.id).where(MaracMeeting.meeting_date == meeting_date)):
        raise InputRefused(f"There is already a MARAC meeting on {meeting_date:%d/%m/%Y}.")
    return meeting_on(session, meeting_date, venue=venue, chair=chair)


def assign_case(session: Session, meeting_id: int, referral_id: int) -> int:
    """Put a referral on a meeting's list (audited); returns the meeting case id. Assigning
    it again to the same meeting changes nothing."""
    found = session.scalar(select(MaracMeetingCase.id).where(
        MaracMeetingCase.meeting_id == meeting_id, MaracMeetingCase.referral_id == referral_id))
    if found is not None:
        return found
    case = MaracMeetingCase(meeting_id=meeting_id, referral_id=referral_id)
    session.add(case)
    session.flush()
    record(session, "insert", "marac_case", case.id,
           {"meeting_id": meeting_id, "referral_id": referral_id})
    return case.id


def assign_cases(session: Session, meeting_id: int, referral_ids: Iterable[int]) -> int:
    """Put several referrals on a meeting's list in the caller's one transaction (each
    audited); returns how many were not on it already. A referral or meeting gone since it
    was chosen refuses the lot."""
    if session.get(MaracMeeting, meeting_id) is None:
        raise NotFound("That meeting no longer exists.")
    wanted = list(dict.fromkeys(referral_ids))
    if any(session.get(MaracReferral, referral_id) is None for referral_id in wanted):
        raise NotFound("A referral chosen no longer exists; nothing was added.")
    listed = set(session.scalars(select(MaracMeetingCase.referral_id).where(
        MaracMeetingCase.meeting_id == meeting_id)))
    added = [referral_id for referral_id in wanted if referral_id not in listed]
    for referral_id in added:
        assign_case(session, meeting_id, referral_id)
    return len(added)
