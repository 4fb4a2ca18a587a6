"""The MARAC rules of definitions §6, each at its boundary, through import and the return."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import select

from scs_victims.marac.importing import import_referrals
from scs_victims.marac.rows import REFERRAL_COLUMNS
from scs_victims.marac.rules import (
    CaseReferral,
    PerpetratorIdentity,
    is_high_risk,
    meets_criteria,
    repeat_of,
    repeat_referrals,
)
from scs_victims.marac.safelives_return import SafeLivesReturn, compute_return, format_count
from scs_victims.marac.vocabulary import is_minoritised, parse_agency, parse_ethnicity
from scs_victims.services.rules import change_rules
from scs_victims.settings import load_area, save_area
from scs_victims.storage.database import Database
from scs_victims.storage.models import AuditEvent, MaracReferral, Person

TODAY = date(2026, 1, 1)


def referral(reference: str, referral_date: str, *, meeting: str = "2025-12-01",
             **values: str) -> dict[str, str]:
    """A valid row: victim Ann Lee (1990) and perpetrator Bob Lee (1988) unless told."""
    row = {"referral_ref": reference, "referral_date": referral_date, "meeting_date": meeting,
           "victim_forename": "Ann", "victim_surname": "Lee", "victim_dob": "1990-01-01",
           "victim_gender": "female", "perpetrator_forename": "Bob",
           "perpetrator_surname": "Lee", "perpetrator_dob": "1988-01-01",
           "referring_agency": "Police", "dash_score": "15"}
    row.update(values)
    return row


def write_csv(path: Path, rows: list[dict[str, str]],
              fieldnames: Sequence[str] = REFERRAL_COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


def load(database: Database, tmp_path: Path, rows: list[dict[str, str]]) -> None:
    import_referrals(database, write_csv(tmp_path / "referrals.csv", rows), today=TODAY)


def repeats(database: Database) -> set[str]:
    with database.session() as session:
        found = repeat_referrals(session)
        references = {row_id: reference for row_id, reference in
                      session.execute(select(MaracReferral.id, MaracReferral.reference))}
    return {references[referral_id] for referral_id in found}


def the_return(database: Database, first: str = "2000-01-01",
               last: str = "2025-12-31") -> SafeLivesReturn:
    with database.session() as session:
        return compute_return(session, date.fromisoformat(first), date.fromisoformat(last))


# Repeat referrals -------------------------------------------------------------------------

def test_a_referral_exactly_twelve_months_after_the_last_is_a_repeat(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10"), referral("B", "2025-05-10")])
    assert repeats(database) == {"B"}


def test_a_referral_a_day_after_twelve_months_is_a_new_referral(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10"), referral("B", "2025-05-11")])
    assert repeats(database) == set()


def test_the_window_runs_from_the_last_referral_not_the_first(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("A", "2023-01-10"), referral("B", "2023-12-01"),
                              referral("C", "2024-11-30")])
    assert repeats(database) == {"B", "C"}


def test_29_february_minus_twelve_months_is_28_february(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("A", "2023-02-28"), referral("B", "2024-02-29"),
                              referral("C", "2023-02-27", victim_forename="Cat"),
                              referral("D", "2024-02-29", victim_forename="Cat")])
    assert repeats(database) == {"B"}


def test_the_same_victim_with_another_perpetrator_is_not_a_repeat(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10"),
                              referral("B", "2024-06-10", perpetrator_forename="Carl",
                                       perpetrator_surname="Moe")])
    assert repeats(database) == set()


def test_the_victim_only_setting_makes_it_a_repeat(database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10"),
                              referral("B", "2024-06-10", perpetrator_forename="Carl",
                                       perpetrator_surname="Moe")])
    with database.session() as session:
        change_rules(session, {"marac_repeat_victim_only": True})
    assert repeats(database) == {"B"}
    assert the_return(database).repeat_victim_only is True


def test_another_victim_with_the_same_perpetrator_is_not_a_repeat(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10"),
                              referral("B", "2024-06-10", victim_forename="Dee")])
    assert repeats(database) == set()


def test_a_perpetrator_known_by_name_only_is_matched_within_the_victims_cases(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [
        referral("A", "2024-05-10"),
        referral("B", "2024-06-10", perpetrator_dob="", perpetrator_forename="BOB",
                 perpetrator_surname="lee"),
        referral("C", "2024-06-10", victim_forename="Dee", perpetrator_dob=""),
    ])
    assert repeats(database) == {"B"}


def test_a_later_referral_does_not_make_an_earlier_one_a_repeat(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("B", "2024-06-10"), referral("A", "2024-05-10")])
    assert repeats(database) == {"B"}


def test_the_repeat_rule_on_plain_values() -> None:
    bob = PerpetratorIdentity(7, "bob|lee")
    by_name = PerpetratorIdentity(None, "bob|lee")
    other = PerpetratorIdentity(8, "bob|lee")  # another person of the same name
    cases = [CaseReferral(1, "A", date(2024, 1, 31), 1, (bob,)),
             CaseReferral(2, "B", date(2024, 12, 31), 1, (by_name,)),
             CaseReferral(3, "C", date(2025, 12, 31), 1, (other,)),
             CaseReferral(4, "D", date(2025, 12, 31), 2, (bob,))]
    assert repeat_of(cases) == {2: 1, 3: 2}
    assert repeat_of(cases, victim_only=True) == {2: 1, 3: 2}


# Criteria ---------------------------------------------------------------------------------

def test_visible_high_risk_at_and_above_the_threshold() -> None:
    assert not is_high_risk(13, 14)
    assert is_high_risk(14, 14)
    assert not is_high_risk(None, 14)
    # Professional judgement can add a case below the threshold, never remove one above it.
    assert meets_criteria(dash_score=11, threshold=14, professional_judgement=True,
                          potential_escalation=False, repeat=False)
    assert meets_criteria(dash_score=14, threshold=14, professional_judgement=False,
                          potential_escalation=False, repeat=False)
    assert not meets_criteria(dash_score=13, threshold=14, professional_judgement=False,
                              potential_escalation=False, repeat=False)


# The return -------------------------------------------------------------------------------

def test_two_sources_count_a_half_each(database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10", referring_agency="Police;IDVA"),
                              referral("B", "2024-05-11", victim_forename="Dee",
                                       referring_agency="POLICE ; housing")])
    total = the_return(database).total
    assert total.referrals["police"] == 1
    assert total.referrals["idva"] == Fraction(1, 2)
    assert total.referrals["housing"] == Fraction(1, 2)
    assert sum(total.referrals.values()) == 2


def test_agency_spellings() -> None:
    assert parse_agency("children's social care") == "childrens_social_care"
    assert parse_agency("CHILDRENS SOCIAL CARE") == "childrens_social_care"
    assert parse_agency("Drug & Alcohol") == parse_agency("drug and alcohol") == \
        "substance_misuse"
    assert parse_agency("Secondary Care/Acute Trust") == "secondary_care"
    assert parse_agency("Fire service") is None


def test_counts_print_whole_or_with_their_half() -> None:
    assert format_count(Fraction(3)) == "3"
    assert format_count(Fraction(7, 2)) == "3.5"
    assert format_count(Fraction(0)) == "0"
    assert format_count(Fraction(1, 3)) == "0.33"


@pytest.mark.parametrize(("born", "counted"), [
    ("2008-05-10", True),   # 16th birthday on the referral day
    ("2008-05-11", False),  # 16 tomorrow: 15 on the day
    ("2006-05-11", True),   # 17, turning 18 the next day
    ("2006-05-10", False),  # 18 on the referral day
])
def test_victims_aged_16_or_17_at_the_referral_date(
        database: Database, tmp_path: Path, born: str, counted: bool) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10", victim_dob=born)])
    assert the_return(database).total.counts["victims_16_17"] == int(counted)


@pytest.mark.parametrize(("born", "counted"), [
    ("2006-05-11", True),   # 17 on the referral day
    ("2006-05-10", False),  # 18 on the referral day
])
def test_perpetrators_aged_17_or_under(database: Database, tmp_path: Path, born: str,
                                       counted: bool) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10", perpetrator_dob=born)])
    assert the_return(database).total.counts["perpetrators_under_18"] == int(counted)


def test_a_date_of_birth_given_later_completes_a_victim_known_by_reference(
        database: Database, tmp_path: Path) -> None:
    # The first referral (in the file) names her by reference alone; a later row gives her
    # date of birth. She is 16 at both referrals, and counted at both.
    load(database, tmp_path, [
        referral("A", "2024-01-12", victim_ref="V1", victim_dob=""),
        referral("B", "2023-12-16", victim_ref="V1", victim_dob="2007-12-10"),
    ])
    assert the_return(database).total.counts["victims_16_17"] == 2
    with database.session() as session:
        assert session.scalars(select(Person.date_of_birth).where(Person.reference == "V1")
                               ).all() == [date(2007, 12, 10)]
        assert session.execute(select(AuditEvent.action, AuditEvent.detail)
                               .where(AuditEvent.action == "update")).all() == [
            ("update", '{"date_of_birth": "2007-12-10"}')]


def test_a_known_date_of_birth_is_never_replaced_by_another_rows(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [
        referral("A", "2024-01-12", victim_ref="V1", victim_dob="2007-12-10"),
        referral("B", "2024-02-12", victim_ref="V1", victim_dob="1990-01-01"),
    ])
    with database.session() as session:
        assert session.scalars(select(Person.date_of_birth).where(Person.reference == "V1")
                               ).all() == [date(2007, 12, 10)]
    assert the_return(database).total.counts["victims_16_17"] == 2


def test_a_date_of_birth_given_later_completes_a_perpetrator_known_by_reference(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [
        referral("A", "2024-01-12", perpetrator_ref="P1", perpetrator_dob=""),
        referral("B", "2024-03-12", perpetrator_ref="P1", perpetrator_dob="2006-05-11"),
    ])
    assert the_return(database).total.counts["perpetrators_under_18"] == 2


@pytest.mark.parametrize(("written", "minoritised"), [
    ("Asian: Indian", True), ("Black", True), ("Mixed: White and Asian", True),
    ("Other: Arab", True), ("other", True), ("White: Gypsy or Irish Traveller", True),
    ("White: Roma", True), ("White: Irish", False), ("White", False),
    ("White: English, Welsh, Scottish, Northern Irish or British", False),
    ("White: Other White", False), ("", False),
])
def test_black_asian_or_racially_minoritised_victims(
        database: Database, tmp_path: Path, written: str, minoritised: bool) -> None:
    load(database, tmp_path, [referral("A", "2024-05-10", victim_ethnicity=written)])
    assert the_return(database).total.counts["victims_bame"] == int(minoritised)


def test_ethnicity_spellings() -> None:
    assert parse_ethnicity("asian: indian") == "Asian: Indian"
    assert parse_ethnicity("Asian, Asian British or Asian Welsh: Indian") == "Asian: Indian"
    assert parse_ethnicity(" WHITE:ROMA ") == "White: Roma"
    assert parse_ethnicity("Martian") is None
    assert is_minoritised(None) is False


def test_meetings_in_date_order_then_the_total_within_the_period(
        database: Database, tmp_path: Path) -> None:
    load(database, tmp_path, [
        referral("A", "2024-03-01", meeting="2024-03-20", children_count="1"),
        referral("B", "2024-05-01", meeting="2024-06-12", victim_forename="Dee",
                 children_count="2", victim_gender="male", victim_lgbt="Yes",
                 victim_disabled="true"),
        referral("C", "2024-04-02", meeting="2024-04-17", victim_forename="Eve",
                 victim_lgbt="0", victim_disabled="N"),
        referral("D", "2024-04-03", meeting="", victim_forename="Fay"),
    ])
    result = the_return(database, "2024-04-01", "2024-06-30")
    assert [row.label for row in result.meetings] == ["2024-04-17", "2024-06-12"]
    counts = result.total.counts
    assert (counts["cases_discussed"], counts["children"], counts["victims_male"],
            counts["victims_lgbt"], counts["victims_disabled"]) == (2, 2, 1, 1, 1)


def test_cases_per_10000_adult_females_over_the_rolling_twelve_months(
        database: Database, tmp_path: Path) -> None:
    rows = [referral(f"R{i}", "2024-03-01", meeting="2024-03-31", victim_forename=f"V{i}")
            for i in range(3)]  # the day before the 12 months: not counted
    rows += [referral(f"S{i}", "2024-03-01", meeting="2024-04-01", victim_forename=f"W{i}")
             for i in range(5)]
    load(database, tmp_path, rows)
    assert the_return(database, "2025-01-01", "2025-03-31").cases_per_10k is None
    with database.session() as session:
        save_area(session, replace(load_area(session), female_population_16_plus=2_000))
    result = the_return(database, "2025-01-01", "2025-03-31")
    assert result.rolling_first == date(2024, 4, 1)
    assert result.rolling_cases == 5
    assert str(result.cases_per_10k) == "25.00"
    assert str(result.recommended_cases) == "8.00"
    assert result.repeat_rate is None  # no case in the quarter itself
