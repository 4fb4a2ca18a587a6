"""The schema: typed SQLAlchemy models with named constraints.

Derived columns (``incidents.subject_id``, ``is_repeat``, ``previous_id``) are a cache kept
current by ``scs_victims.repeats``; everything else is what users and imports wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import cast

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values: Sequence[str], *, or_null: bool = False) -> str:
    """A check that ``column`` holds one of ``values`` (or is NULL, with ``or_null``).

    Comparisons joined by OR rather than ``IN (...)``: SQLite builds a lookup table for an IN
    list of more than two values every time it checks a row, which was over a third of the
    cost of inserting an incident (3.5 of 9 µs a row on a million-row import). Used on the
    tables that imports fill row by row.
    """
    condition = " OR ".join(f"{column} = '{value}'" for value in values)
    return f"{column} IS NULL OR {condition}" if or_null else condition


def _only_set(name: str, column: str) -> Index:
    """An index of a column that is mostly empty (merges, perpetrators), holding only the
    rows where it is set: lookups by value use it, and bulk loads barely pay for it."""
    condition = f"{column} IS NOT NULL"
    return Index(name, column, sqlite_where=text(condition), postgresql_where=text(condition))


class Ward(Base):
    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Case-folded name, so imports match wards case-insensitively with an index.
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    code: Mapped[str | None] = mapped_column(String(20))
    population: Mapped[int | None] = mapped_column(Integer)
    households: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    # True for wards of the area's list (wards load, Settings); False for a ward an import
    # named before any list was loaded. Only a listed ward restricts what imports accept.
    listed: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint("population IS NULL OR population >= 0", name="population_not_negative"),
        CheckConstraint("households IS NULL OR households >= 0", name="households_not_negative"),
    )


class ImportRun(Base):
    """One run of an import: which file, how it was read, what it did."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(400))
    encoding: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(120))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    # Rows an import profile left out ("skip"): never checked, never rejected (0010).
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The identity key of definitions §2 that first linked this person; None for people
    # entered without enough to key them.
    key: Mapped[str | None] = mapped_column(String(300), unique=True)
    reference: Mapped[str | None] = mapped_column(String(100))
    forename: Mapped[str | None] = mapped_column(String(100))
    surname: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(10))
    ethnicity: Mapped[str | None] = mapped_column(String(80))
    # Always points at the surviving root of a merge group (never at another merged person).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # A restricted record (a colleague's family, a high-profile case): counted as any other,
    # shown by name only to supervisors, opened by others with a logged reason.
    restricted: Mapped[bool] = mapped_column(Boolean, server_default=false())
    restricted_at: Mapped[datetime | None] = mapped_column(DateTime)
    restricted_by: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (
        CheckConstraint(one_of("gender", ("female", "male", "other", "unknown"), or_null=True),
                        name="gender_known"),
        Index("ix_people_surname_forename", "surname", "forename"),
        Index("ix_people_reference", "reference"),
        _only_set("ix_people_merged_into_id", "merged_into_id"),
    )


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(300), unique=True)
    uprn: Mapped[str | None] = mapped_column(String(12))
    line1: Mapped[str | None] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(100))
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (_only_set("ix_addresses_merged_into_id", "merged_into_id"),)


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    crime_type: Mapped[str] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(60))
    occurred_on: Mapped[date] = mapped_column(Date)
    occurred_time: Mapped[time | None] = mapped_column(Time)
    reported_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str | None] = mapped_column(Text)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"), index=True)
    victim_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    perpetrator_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # A perpetrator named without a date of birth cannot be keyed to a person (definitions
    # §2); the name is kept as written.
    perpetrator_name: Mapped[str | None] = mapped_column(String(200))
    relationship: Mapped[str | None] = mapped_column(String(12))
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    # Derived, kept current by scs_victims.repeats: the canonical victim (asb, dv) or dwelling
    # (burglary) id; whether this is a repeat; the earlier incident that makes it one.
    subject_id: Mapped[int | None] = mapped_column(Integer)
    is_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_id: Mapped[int | None] = mapped_column(Integer)
    # Fingerprint of the fields as imported or last saved: decides "same row" on re-import.
    content_hash: Mapped[str] = mapped_column(String(40))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_reason: Mapped[str | None] = mapped_column(Text)
    # The ASB case (problem) reference of the source system, grouping related complaints
    # (definitions §5); whether the complainant perceived the behaviour as motivated by hate
    # (None: not recorded). Both 0010.
    case_ref: Mapped[str | None] = mapped_column(String(100))
    hate_motivated: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (
        CheckConstraint(one_of("crime_type", ("asb", "burglary", "dv")), name="crime_type_known"),
        CheckConstraint(one_of("source", ("police", "council", "housing", "health", "self",
                                          "other"), or_null=True), name="source_known"),
        CheckConstraint(one_of("relationship", ("partner", "ex-partner", "family", "other"),
                               or_null=True), name="relationship_known"),
        CheckConstraint(
            "reported_on IS NULL OR reported_on >= occurred_on", name="reported_after_occurred"
        ),
        Index("ix_incidents_subject_order", "crime_type", "subject_id", "occurred_on"),
        _only_set("ix_incidents_perpetrator_id", "perpetrator_id"),
        # Covers what the figures read, so that they come from the index alone (0009).
        Index("ix_incidents_by_date", "occurred_on", "crime_type", "ward_id", "subject_id",
              "is_repeat", "deleted_at"),
        # Only the few deleted incidents are indexed: "Recently deleted" reads them without
        # scanning the table, and imports pay nothing for it.
        Index("ix_incidents_deleted_at", "deleted_at",
              sqlite_where=text("deleted_at IS NOT NULL"),
              postgresql_where=text("deleted_at IS NOT NULL")),
        # The Incidents screen's ward and repeats-only filters, newest first (migration 0004).
        Index("ix_incidents_ward_id_occurred_on", "ward_id", "occurred_on", "crime_type"),
        Index("ix_incidents_repeats", "occurred_on", "crime_type",
              sqlite_where=text("is_repeat = 1"), postgresql_where=text("is_repeat = true")),
    )


class Merge(Base):
    """A merge of two people (or two addresses), kept so that it can be undone."""

    __tablename__ = "merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    kept_id: Mapped[int] = mapped_column(Integer)
    merged_id: Mapped[int] = mapped_column(Integer)
    # Ids that had been merged into merged_id and were re-pointed at kept_id (JSON list).
    moved_ids: Mapped[str] = mapped_column(Text, default="[]")
    merged_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(120))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('person', 'address')", name="kind_known"),
        CheckConstraint("kept_id <> merged_id", name="not_self"),
    )


class Setting(Base):
    """A named setting whose value is JSON text; defaults live in scs_victims.settings."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# Every kind of audit event (``audit list --kind``); frozen in migrations when it changes.
AUDIT_ACTIONS = (
    "insert", "update", "delete", "restore", "merge", "unmerge", "import", "setting",
    "recompute", "load", "sign_in", "sign_in_failed", "sign_out", "view", "search", "print",
    "export", "refused", "break_glass", "user", "restrict", "backup", "unlock",
)  # fmt: skip


class AuditEvent(Base):
    """Append-only: storage forbids UPDATE and DELETE on this table (see the migration).

    Each event carries the hash of the one before it (``prev_hash``) and its own (``hash``,
    over ``prev_hash`` and its fields: scs_victims.audit.event_hash), so a deleted, inserted
    or altered event breaks the chain where it happened.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    # The signed-in account's name (or "system" for work no one signed in for).
    actor: Mapped[str] = mapped_column(String(120))
    account_id: Mapped[int | None] = mapped_column(Integer)
    # The operating-system login beside it, read from the operating system.
    os_login: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    # Set on an event about a run of records, ids entity_id..last_entity_id (an import's).
    last_entity_id: Mapped[int | None] = mapped_column(Integer)
    # What changed or was seen, as JSON; never logged to files.
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint(one_of("action", AUDIT_ACTIONS), name="action_known"),
        Index("ix_audit_events_entity", "entity", "entity_id"),
        # The few events about runs of records, for finding those that include one id.
        Index("ix_audit_events_runs", "entity", "entity_id",
              sqlite_where=text("last_entity_id IS NOT NULL"),
              postgresql_where=text("last_entity_id IS NOT NULL")),
        Index("ix_audit_events_actor_at", "actor", "at"),
        Index("ix_audit_events_action_at", "action", "at"),
    )


USER_ROLES = ("officer", "marac", "supervisor", "analyst", "auditor", "admin")


class User(Base):
    """A named account. Never deleted (its audit trail stays attributable): disabled."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Compared case-insensitively: stored as typed, unique in lower case.
    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(60))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Wrong passwords since the last good sign-in (shown to administrators).
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint(one_of("role", USER_ROLES), name="role_known"),
    )


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, typed as one (for bulk statements)."""
    return cast(Table, model.__table__)


class AlertReview(Base):
    """An officer's review of an alert, with a note (scs_victims.services.alert_reviews).

    The alert is identified as it identifies itself: its kind, crime type and canonical
    person or address. ``incident_ids`` (JSON list) are the incidents behind it when reviewed;
    the alert counts as reviewed while every incident behind it is among them.
    """

    __tablename__ = "alert_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    crime_type: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int] = mapped_column(Integer)
    latest_incident_id: Mapped[int] = mapped_column(Integer)
    incident_ids: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(120))

    __table_args__ = (
        CheckConstraint(
            "kind IN ('repeat_victim', 'asb_case_review', 'asb_case_review_community', "
            "'dv_escalation')",
            name="kind_known",
        ),
        CheckConstraint("crime_type IN ('asb', 'burglary', 'dv')", name="crime_type_known"),
        CheckConstraint("subject IN ('person', 'address')", name="subject_known"),
        Index("ix_alert_reviews_subject", "subject", "subject_id", "kind"),
    )


# --- MARAC (definitions §6; scs_victims.marac) ----------------------------------------------
# The SafeLives sources of a referral, stored as these codes (scs_victims.marac.vocabulary).
MARAC_AGENCY_CODES = (
    "police", "idva", "childrens_social_care", "adult_social_care", "primary_care",
    "secondary_care", "mental_health", "substance_misuse", "probation", "voluntary_sector",
    "mash", "education", "housing", "other",
)  # fmt: skip
MARAC_ACTION_STATUSES = ("open", "done", "not_possible", "agency_did_not_act")
_AGENCY_LIST = ", ".join(f"'{code}'" for code in MARAC_AGENCY_CODES)


class MaracMeeting(Base):
    __tablename__ = "marac_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_date: Mapped[date] = mapped_column(Date, unique=True)
    venue: Mapped[str | None] = mapped_column(String(200))
    chair: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class MaracReferral(Base):
    """A referral of a case (a victim and the perpetrator(s) of the abuse against them).

    Whether it is a repeat is never stored: it depends on other referrals and on merges of
    people, so scs_victims.marac.rules works it out whenever it is needed. Potential
    escalation is stored as found in the incident store when the referral was recorded.
    Ethnicity, gender, LGBT+ and disability are kept as recorded on the referral, for the
    SafeLives return.
    """

    __tablename__ = "marac_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    referral_date: Mapped[date] = mapped_column(Date, index=True)
    victim_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    victim_gender: Mapped[str | None] = mapped_column(String(10))
    victim_ethnicity: Mapped[str | None] = mapped_column(String(80))
    victim_lgbt: Mapped[bool | None] = mapped_column(Boolean)
    victim_disabled: Mapped[bool | None] = mapped_column(Boolean)
    relationship: Mapped[str | None] = mapped_column(String(12))
    referrer: Mapped[str | None] = mapped_column(String(200))
    children_count: Mapped[int] = mapped_column(Integer, default=0)
    consent: Mapped[bool | None] = mapped_column(Boolean)
    safe_to_call: Mapped[bool | None] = mapped_column(Boolean)
    safe_contact: Mapped[str | None] = mapped_column(Text)  # safe number, safe times
    # Printed packs leave the victim's address out when this is set.
    withhold_address: Mapped[bool] = mapped_column(Boolean, default=False)
    dash_score: Mapped[int | None] = mapped_column(Integer)
    professional_judgement: Mapped[bool] = mapped_column(Boolean, default=False)
    judgement_reason: Mapped[str | None] = mapped_column(Text)
    potential_escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    idva: Mapped[str | None] = mapped_column(String(200))
    police_reference: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(40))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # The incident that prompted the referral (None: the referral date stands), and the DASH
    # question set its score comes from (None: the default set, dash.CURRENT_VERSION). 0010.
    incident_date: Mapped[date | None] = mapped_column(Date)
    dash_version: Mapped[str | None] = mapped_column(String(80))

    __table_args__ = (
        CheckConstraint("dash_score IS NULL OR (dash_score >= 0 AND dash_score <= 24)",
                        name="dash_score_range"),
        CheckConstraint("children_count >= 0", name="children_not_negative"),
        CheckConstraint(
            "victim_gender IS NULL OR victim_gender IN ('female', 'male', 'other', 'unknown')",
            name="victim_gender_known",
        ),
        CheckConstraint(
            "relationship IS NULL OR relationship IN ('partner', 'ex-partner', 'family', 'other')",
            name="relationship_known",
        ),
    )


class MaracReferralAgency(Base):
    """A referring agency of a referral: a case referred by two counts one half to each."""

    __tablename__ = "marac_referral_agencies"

    referral_id: Mapped[int] = mapped_column(ForeignKey("marac_referrals.id"), primary_key=True)
    agency: Mapped[str] = mapped_column(String(30), primary_key=True)

    __table_args__ = (
        CheckConstraint(f"agency IN ({_AGENCY_LIST})", name="agency_known"),
    )


class MaracPerpetrator(Base):
    """A perpetrator of a referral: a person, or only a name when there was not enough to key
    one (definitions §2); a name is matched within the victim's own cases."""

    __tablename__ = "marac_perpetrators"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("marac_referrals.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    forename: Mapped[str | None] = mapped_column(String(100))
    surname: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("person_id IS NOT NULL OR surname IS NOT NULL", name="person_or_name"),
    )


class MaracChild(Base):
    __tablename__ = "marac_children"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("marac_referrals.id"), index=True)
    age: Mapped[int | None] = mapped_column(Integer)
    school: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (CheckConstraint("age IS NULL OR age >= 0", name="age_not_negative"),)


class DashAssessment(Base):
    """A DASH risk checklist, with the version of its questions and the threshold then."""

    __tablename__ = "dash_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("marac_referrals.id"), index=True)
    questions_version: Mapped[str] = mapped_column(String(60))
    threshold: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    assessed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class DashAnswer(Base):
    __tablename__ = "dash_answers"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("dash_assessments.id"),
                                               primary_key=True)
    question: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer: Mapped[str] = mapped_column(String(10))
    # Who gave the information, when it was not the victim.
    source: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        CheckConstraint("answer IN ('yes', 'no', 'dont_know')", name="answer_known"),
    )


class MaracMeetingCase(Base):
    """A referral on a meeting's list, with what the agencies shared about it."""

    __tablename__ = "marac_meeting_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("marac_meetings.id"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("marac_referrals.id"), index=True)
    information_shared: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("meeting_id", "referral_id"),
    )


class MaracAttendance(Base):
    __tablename__ = "marac_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("marac_meetings.id"), primary_key=True)
    agency: Mapped[str] = mapped_column(String(30), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    attendee: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        CheckConstraint(f"agency IN ({_AGENCY_LIST})", name="agency_known"),
        CheckConstraint("status IN ('present', 'apologies')", name="status_known"),
    )


class MaracAction(Base):
    __tablename__ = "marac_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_case_id: Mapped[int] = mapped_column(ForeignKey("marac_meeting_cases.id"),
                                                 index=True)
    agency: Mapped[str] = mapped_column(String(30))
    owner: Mapped[str | None] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    completion_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint(f"agency IN ({_AGENCY_LIST})", name="agency_known"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in MARAC_ACTION_STATUSES) + ")",
            name="status_known",
        ),
        Index("ix_marac_actions_status_due_on", "status", "due_on"),
    )
