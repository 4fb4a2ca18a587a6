"""The closing definitions page of a figures report (definitions §7): each measure in words,
the windows and thresholds in force, the status rule, the data's date range and, for
publication, the suppression rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.platypus import Flowable

from scs_victims.domain.crime_types import CRIME_TYPES
from scs_victims.pdf.base import escape_text, uk_date
from scs_victims.services.dashboard import REPEAT_VICTIM_RATE, judge

if TYPE_CHECKING:
    from scs_victims.pdf.base import Renderer
    from scs_victims.reports.quarterly_data import QuarterData

MEASURE_WORDS = (
    ("Incidents", "Incidents of the crime type that occurred in the period in the area "
                  "(for a ward, the incident's own ward). Deleted incidents count for "
                  "nothing."),
    ("Victims", "Distinct victims among the incidents linked to a victim: people for ASB "
                "and domestic abuse, dwellings (addresses) for burglary. An incident with no "
                "identifiable victim still counts as an incident."),
    ("Repeat incident", "An incident is a repeat when the same victim (the same dwelling for "
                        "burglary) had an earlier incident of the same crime type on or after "
                        "its date minus the look-back window below. The earlier incident may "
                        "fall before the period and in any ward."),
    ("Repeat victims", "Distinct victims with at least one repeat incident in the period."),
    ("Repeat victim rate", "100 \u00d7 repeat victims \u00f7 victims."),
    ("Repeat incident rate", "100 \u00d7 repeat incidents \u00f7 incidents linked to a "
                             "victim."),
    ("Rate per 1,000", "1,000 \u00d7 incidents \u00f7 households for burglary (population "
                       "where households are unknown) or population for ASB and domestic "
                       "abuse; for the period as it is, not annualised."),
    ("Rounding", "Rates are rounded half away from zero to 2 decimal places. A rate whose "
                 "denominator is zero or unknown is left empty, never 0. A victim harmed in "
                 "two wards is a victim in each, so ward victims need not add up to the "
                 "whole area's."),
    ("Periods", "The financial year runs from 1 April to 31 March; Q1 is April to June, Q2 "
                "July to September, Q3 October to December, Q4 January to March. The "
                "financial year to date runs from 1 April to the end of the quarter."),
)


def _months(count: int) -> str:
    return f"{count} month" + ("" if count == 1 else "s")


def definitions_story(renderer: Renderer, data: QuarterData) -> list[Flowable]:
    rules, area = data.rules, data.area
    windows = [[crime_type.label, _months(rules.window_months(crime_type))]
               for crime_type in CRIME_TYPES]
    police = " reported by the police" if rules.dv_escalation_police_only else ""
    thresholds = [
        ["ASB case review threshold (a person)",
         f"{rules.asb_review_complaints} qualifying ASB complaints within "
         f"{_months(rules.asb_review_within_months)}; a complaint qualifies when reported "
         f"within {_months(rules.asb_review_reported_within_months)} of the incident (or "
         "with no report date)."],
        ["ASB case review threshold (community)",
         f"{rules.asb_review_community_people} different people reporting ASB at the same "
         f"address within {_months(rules.asb_review_community_within_months)}."],
        ["DV potential escalation",
         f"{rules.dv_escalation_incidents} or more domestic abuse incidents{police} for the "
         f"same victim within {_months(rules.dv_escalation_within_months)}."],
    ]
    if data.marac is not None:
        key = "the victim alone" if rules.marac_repeat_victim_only else (
            "the same victim and perpetrator")
        thresholds.append(["MARAC repeat",
                           f"A referral of {key} within 12 months of the last one. Cases "
                           "per 10,000 adult females: cases discussed in the 12 months "
                           "ending on the quarter's last day \u00f7 female population aged "
                           "16 and over \u00d7 10,000."])
    statuses = []
    for crime_type in CRIME_TYPES:
        for measure, label in ((REPEAT_VICTIM_RATE, "repeat victim rate"),
                               ("repeat_incident_rate", "repeat incident rate")):
            judged = judge(crime_type, measure, None, area)
            if judged.target is not None:
                rule = judged.rule.removeprefix(
                    "No rate: no victims were recorded in the period. ")
                statuses.append([f"{crime_type.label}, {label}", rule])
    held = ("No incidents are recorded." if data.data_range is None else
            f"The database holds incidents from {uk_date(data.data_range[0])} to "
            f"{uk_date(data.data_range[1])}. Figures are as on the day this report was "
            "produced; alerts as on " + uk_date(data.as_of) + ".")
    story: list[Flowable] = [
        renderer.para("Definitions", "Heading1"),
        renderer.para("How every figure in this report was counted "
                      "(SCS Victims definitions, sections 3 to 5)."),
        renderer.table([[renderer.markup(escape_text(name), "CellBold"), words]
                        for name, words in MEASURE_WORDS], [0.24, 0.76], banded=False),
        renderer.para("Look-back windows in force", "Heading2"),
        renderer.table(windows, [0.5, 0.5], head=["Crime type", "Window"], banded=False),
        renderer.para("Thresholds in force", "Heading2"),
        renderer.table(thresholds, [0.32, 0.68], banded=False),
        renderer.para("Status against target", "Heading2"),
    ]
    if statuses:
        story.append(renderer.table(statuses, [0.32, 0.68], banded=False))
    else:
        story.append(renderer.para("No targets are set, so no rate has a status."))
    story += [renderer.para("Data", "Heading2"), renderer.para(held)]
    if data.summary.publish:
        from scs_victims.reports.suppression import describe_rule

        story += [renderer.para("Suppression for publication", "Heading2"),
                  renderer.para(describe_rule())]
    return story
