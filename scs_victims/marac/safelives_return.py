"""The SafeLives quarterly MARAC data return (definitions §6), as figures, CSV and XLSX.

One row per meeting held between two dates (in date order) and a ``Total`` row; plus, for the
period's last day, the rolling 12-month cases per 10,000 adult females against SafeLives'
recommended 40, and the repeat rate.

Choices of ours (the definitions leave them open):

- CHOICE: a meeting is listed when at least one case was discussed at it; a case is a referral
  on the meeting's list (a referral heard at two meetings counts at each).
- CHOICE: ages are whole years at the referral date; a birthday on the referral day counts
  (16 on the day of the 16th birthday). A victim or perpetrator without a date of birth is not
  counted as 16–17 or 17 or under.
- CHOICE: "perpetrators aged 17 or under" counts perpetrators, so a case with two young
  perpetrators counts two.
- CHOICE: the 12 months ending on a day D are the day after D − 12 months up to D (1 April
  2024 to 31 March 2025 for D = 31 March 2025).
- CHOICE: a case with n referring agencies counts 1/n to each (a half each for two); counts
  that are not whole print with up to 2 decimals (``3.5``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from scs_victims.domain.dates import window_start
from scs_victims.domain.rates import rate
from scs_victims.marac.rules import repeat_referrals
from scs_victims.marac.vocabulary import AGENCY_LABELS, is_minoritised
from scs_victims.services.people_directory import age_on
from scs_victims.settings import load_area, load_rules
from scs_victims.spreadsheets import SafeCsvWriter, xlsx_cell
from scs_victims.storage.models import (
    MaracMeeting,
    MaracMeetingCase,
    MaracPerpetrator,
    MaracReferral,
    MaracReferralAgency,
    Person,
)

COUNT_COLUMNS = ("cases_discussed", "repeat_cases", "children", "victims_bame", "victims_lgbt",
                 "victims_disabled", "victims_male", "victims_16_17", "perpetrators_under_18")
RETURN_COLUMNS = ("meeting_date", *COUNT_COLUMNS, *(f"ref_{code}" for code in AGENCY_LABELS))
RECOMMENDED_PER_10K = 40
ROLLING_MONTHS = 12
_CHUNK = 900


@dataclass(slots=True)
class ReturnRow:
    """One meeting's figures (or the total: ``meeting_date`` None, label ``Total``)."""

    meeting_date: date | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_COLUMNS, 0))
    referrals: dict[str, Fraction] = field(
        default_factory=lambda: dict.fromkeys(AGENCY_LABELS, Fraction(0)))

    @property
    def label(self) -> str:
        return "Total" if self.meeting_date is None else self.meeting_date.isoformat()

    def add(self, other: ReturnRow) -> None:
        for name, value in other.counts.items():
            self.counts[name] += value
        for code, share in other.referrals.items():
            self.referrals[code] += share


@dataclass(frozen=True, slots=True)
class SafeLivesReturn:
    first: date
    last: date
    meetings: tuple[ReturnRow, ...]
    total: ReturnRow
    rolling_first: date  # the 12 months ending on ``last``
    rolling_cases: int
    female_population_16_plus: int | None
    cases_per_10k: Decimal | None  # None when the population is not known
    recommended_cases: Decimal | None  # 40 per 10,000 adult females
    repeat_rate: Decimal | None  # percentage of the period's cases; None without cases
    repeat_victim_only: bool  # the repeat rule in force (definitions §6 setting)


@dataclass(frozen=True, slots=True)
class _Case:
    meeting_date: date
    referral_id: int
    referral_date: date
    children: int
    ethnicity: str | None
    lgbt: bool | None
    disabled: bool | None
    gender: str | None
    victim_dob: date | None


def compute_return(session: Session, first: date, last: date) -> SafeLivesReturn:
    """The return for meetings from ``first`` to ``last`` (both included)."""
    rules = load_rules(session)
    area = load_area(session)
    rolling_first = window_start(last, ROLLING_MONTHS) + timedelta(days=1)
    cases = _cases(session, min(first, rolling_first), last)
    in_period = [case for case in cases if first <= case.meeting_date <= last]
    repeats = repeat_referrals(session, until=last, rules=rules)
    referral_ids = sorted({case.referral_id for case in in_period})
    agencies = _agencies(session, referral_ids)
    young_perpetrators = _young_perpetrators(session, referral_ids)

    rows: dict[date, ReturnRow] = {}
    for case in in_period:
        row = rows.setdefault(case.meeting_date, ReturnRow(case.meeting_date))
        counts = row.counts
        counts["cases_discussed"] += 1
        counts["repeat_cases"] += case.referral_id in repeats
        counts["children"] += case.children
        counts["victims_bame"] += is_minoritised(case.ethnicity)
        counts["victims_lgbt"] += case.lgbt is True
        counts["victims_disabled"] += case.disabled is True
        counts["victims_male"] += case.gender == "male"
        counts["victims_16_17"] += age_on(case.victim_dob, case.referral_date) in (16, 17)
        counts["perpetrators_under_18"] += young_perpetrators.get(case.referral_id, 0)
        sources = agencies.get(case.referral_id, ())
        for code in sources:
            row.referrals[code] += Fraction(1, len(sources))
    meetings = tuple(rows[day] for day in sorted(rows))
    total = ReturnRow(None)
    for row in meetings:
        total.add(row)

    rolling_cases = sum(1 for case in cases if case.meeting_date >= rolling_first)
    population = area.female_population_16_plus
    per_10k = rate(rolling_cases, population, 10_000)
    recommended = (None if not population
                   else rate(RECOMMENDED_PER_10K * population, 10_000))
    return SafeLivesReturn(
        first=first, last=last, meetings=meetings, total=total, rolling_first=rolling_first,
        rolling_cases=rolling_cases, female_population_16_plus=population,
        cases_per_10k=per_10k, recommended_cases=recommended,
        repeat_rate=rate(total.counts["repeat_cases"], total.counts["cases_discussed"], 100),
        repeat_victim_only=rules.marac_repeat_victim_only)


def _cases(session: Session, first: date, last: date) -> list[_Case]:
    victim = aliased(Person)
    query = (
        select(MaracMeeting.meeting_date, MaracReferral.id, MaracReferral.referral_date,
               MaracReferral.children_count, MaracReferral.victim_ethnicity,
               MaracReferral.victim_lgbt, MaracReferral.victim_disabled,
               MaracReferral.victim_gender, victim.date_of_birth)
        .join(MaracMeetingCase, MaracMeetingCase.meeting_id == MaracMeeting.id)
        .join(MaracReferral, MaracReferral.id == MaracMeetingCase.referral_id)
        .join(victim, victim.id == MaracReferral.victim_id)
        .where(MaracMeeting.meeting_date >= first, MaracMeeting.meeting_date <= last)
    )
    return [_Case(*row) for row in session.execute(query)]


def _agencies(session: Session, referral_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for start in range(0, len(referral_ids), _CHUNK):
        chunk = referral_ids[start:start + _CHUNK]
        for referral_id, agency in session.execute(
                select(MaracReferralAgency.referral_id, MaracReferralAgency.agency)
                .where(MaracReferralAgency.referral_id.in_(chunk))):
            found.setdefault(referral_id, []).append(agency)
    return {referral_id: tuple(codes) for referral_id, codes in found.items()}


def _young_perpetrators(session: Session, referral_ids: Sequence[int]) -> dict[int, int]:
    """Per referral, its perpetrators aged 17 or under at the referral date."""
    found: dict[int, int] = {}
    for start in range(0, len(referral_ids), _CHUNK):
        chunk = referral_ids[start:start + _CHUNK]
        for referral_id, referred_on, born in session.execute(
                select(MaracPerpetrator.referral_id, MaracReferral.referral_date,
                       Person.date_of_birth)
                .join(MaracReferral, MaracReferral.id == MaracPerpetrator.referral_id)
                .join(Person, Person.id == MaracPerpetrator.person_id)
                .where(MaracPerpetrator.referral_id.in_(chunk))):
            age = age_on(born, referred_on)
            if age is not None and age <= 17:
                found[referral_id] = found.get(referral_id, 0) + 1
    return found


# --- output ---------------------------------------------------------------------------------


def format_count(value: Fraction | int) -> str:
    """``3`` -> ``'3'``, ``7/2`` -> ``'3.5'``, ``1/3`` -> ``'0.33'`` (half away from zero)."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    rounded = rate(value.numerator, value.denominator)
    assert rounded is not None
    return format(rounded.normalize(), "f")


def return_cells(row: ReturnRow) -> list[str]:
    return [row.label, *(str(row.counts[name]) for name in COUNT_COLUMNS),
            *(format_count(row.referrals[code]) for code in AGENCY_LABELS)]


def return_csv_text(result: SafeLivesReturn) -> str:
    """The CSV of the issue's columns, with Excel's CRLF line ends (as figures CSVs)."""
    buffer = io.StringIO(newline="")
    writer = SafeCsvWriter(buffer)
    writer.writerow(RETURN_COLUMNS)
    writer.writerows(return_cells(row) for row in (*result.meetings, result.total))
    return buffer.getvalue()


def _number(value: Fraction | int) -> int | float:
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)


def write_return_xlsx(result: SafeLivesReturn, path: Path, *, area_name: str,
                      produced_at: datetime | None = None, password: str | None = None) -> None:
    """A workbook with a ``Meetings`` sheet (real dates and numbers) and a ``Summary`` sheet,
    written beside ``path`` and renamed into place; with ``password``, protected with it
    (made and encrypted in memory: no plain copy is ever on disk)."""
    from scs_victims.exports import write_bytes_atomically
    from scs_victims.protection import check_password, protect

    check_password(password)
    data = return_xlsx_bytes(result, area_name=area_name, produced_at=produced_at)
    write_bytes_atomically(path, protect(data, "xlsx", password))


def return_xlsx_bytes(result: SafeLivesReturn, *, area_name: str,
                      produced_at: datetime | None = None) -> bytes:
    """The return's workbook as XLSX bytes, made in memory."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    from scs_victims.workbook_bytes import workbook_bytes

    workbook = Workbook()
    meetings = workbook.active
    assert meetings is not None
    meetings.title = "Meetings"
    meetings.append(list(RETURN_COLUMNS))
    for cell in meetings[1]:
        cell.font = Font(bold=True)
    for row in (*result.meetings, result.total):
        meetings.append([row.meeting_date or row.label,
                         *(row.counts[name] for name in COUNT_COLUMNS),
                         *(_number(row.referrals[code]) for code in AGENCY_LABELS)])
        if row.meeting_date is not None:
            meetings.cell(meetings.max_row, 1).number_format = "dd/mm/yyyy"
    meetings.freeze_panes = "B2"
    meetings.column_dimensions["A"].width = 14

    summary = workbook.create_sheet("Summary")
    for label, value in summary_lines(result, area_name=area_name,
                                      produced_at=produced_at or datetime.now()):
        summary.append([xlsx_cell(summary, label), xlsx_cell(summary, value)])
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 40
    return workbook_bytes(workbook)


def summary_lines(result: SafeLivesReturn, *, area_name: str,
                  produced_at: datetime) -> list[tuple[str, Any]]:
    """The summary as (label, value) pairs, for the XLSX and for reports."""
    total = result.total.counts

    def decimal(value: Decimal | None) -> float | str:
        return "not known" if value is None else float(value)

    repeat_rule = ("the same victim" if result.repeat_victim_only
                   else "the same victim and perpetrator")
    return [
        ("Area", area_name),
        ("Meetings from", result.first),
        ("Meetings to", result.last),
        ("Meetings", len(result.meetings)),
        ("Cases discussed", total["cases_discussed"]),
        ("Repeat cases", total["repeat_cases"]),
        ("Repeat rate (%)", decimal(result.repeat_rate)),
        ("12 months from", result.rolling_first),
        ("12 months to", result.last),
        ("Cases discussed in the 12 months", result.rolling_cases),
        ("Female population aged 16+", "not known" if result.female_population_16_plus is None
         else result.female_population_16_plus),
        ("Cases per 10,000 adult females (12 months)", decimal(result.cases_per_10k)),
        ("SafeLives recommendation per 10,000 adult females", RECOMMENDED_PER_10K),
        ("Recommended cases for the population (12 months)",
         decimal(result.recommended_cases)),
        ("Repeat rule", f"a referral of {repeat_rule} within 12 months of an earlier "
         "referral (the boundary day counts)"),
        ("Produced", produced_at.strftime("%d/%m/%Y %H:%M")),
    ]

