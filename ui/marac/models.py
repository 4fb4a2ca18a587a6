"""Table models of the MARAC screen, each over plain rows from ``scs_victims.marac.queries``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from scs_victims.domain.identity import normalise_name
from scs_victims.marac.case_pages import ACTION_STATUS_LABELS
from scs_victims.marac.queries import (
    CRITERIA_LABELS,
    ActionRow,
    MeetingCaseRow,
    MeetingRow,
    ReferralRow,
)
from scs_victims.marac.safelives_return import RETURN_COLUMNS, ReturnRow, return_cells
from scs_victims.marac.vocabulary import AGENCY_LABELS
from ui.table_model import RowsTableModel, change_filter
from ui.widgets import uk_date

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def agencies_text(codes: tuple[str, ...]) -> str:
    return ", ".join(AGENCY_LABELS[code] for code in codes)


class ReferralsModel(RowsTableModel[ReferralRow]):
    HEADERS = ("Date", "Reference", "Victim", "Perpetrator(s)", "Referred by", "DASH",
               "Criteria", "Repeat", "Meeting")
    DATE, REFERENCE, VICTIM, PERPETRATORS, AGENCIES, DASH, CRITERIA, REPEAT, MEETING = range(9)
    RIGHT_ALIGNED = (DASH,)
    SORT_ROLE = SORT_ROLE

    def display(self, row: ReferralRow, column: int) -> str:
        criteria = ", ".join(CRITERIA_LABELS[name] for name in row.criteria)
        return (uk_date(row.referral_date), row.reference, row.victim_name, row.perpetrators,
                agencies_text(row.agencies),
                "" if row.dash_score is None else str(row.dash_score),
                criteria or "None met", yes_no(row.is_repeat),
                uk_date(row.meetings[-1]) if row.meetings else "")[column]

    def tooltip(self, row: ReferralRow, column: int) -> str | None:
        if column == self.REPEAT and row.repeat_of:
            return f"A repeat of referral {row.repeat_of} (within 12 months)"
        if column == self.DASH and row.dash_score is not None:
            return (f"{row.dash_score} Yes answers; {row.threshold} or more is visible high "
                    "risk")
        return None

    def sort_value(self, row: ReferralRow, column: int) -> Any:
        if column == self.DATE:
            # One string: Qt cannot compare a Python tuple, and would leave the rows as
            # loaded (newest first) whichever way the header's arrow points.
            return f"{row.referral_date.isoformat()} {row.reference}"
        if column == self.DASH:
            return -1 if row.dash_score is None else row.dash_score
        if column == self.MEETING:
            return row.meetings[-1].isoformat() if row.meetings else ""
        return self.display(row, column).casefold()


# The filters of the referrals list: (label, test).
REFERRAL_FILTERS: tuple[tuple[str, Callable[[ReferralRow], bool]], ...] = (
    ("All referrals", lambda _row: True),
    ("Repeats", lambda row: row.is_repeat),
    ("Not yet on a meeting", lambda row: not row.meetings),
    ("No DASH recorded", lambda row: row.dash_score is None),
    ("Criteria not met", lambda row: not row.meets_criteria),
)


class ReferralsFilter(QSortFilterProxyModel):
    """Typed text (reference, victim, perpetrator) and one of ``REFERRAL_FILTERS``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._test: Callable[[ReferralRow], bool] = REFERRAL_FILTERS[0][1]
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        self._change(lambda: setattr(self, "_words", [normalise_name(word) or word.casefold()
                                                      for word in text.split()]))

    def set_filter(self, index: int) -> None:
        self._change(lambda: setattr(self, "_test", REFERRAL_FILTERS[index][1]))

    def _change(self, apply: Callable[[], None]) -> None:
        change_filter(self, apply)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, ReferralsModel) or source_parent.isValid():
            return False
        row = model.row_at(source_row)
        if not self._test(row):
            return False
        if not self._words:
            return True
        names = normalise_name(f"{row.victim_name} {row.perpetrators}")
        reference = row.reference.casefold()
        return all(word in names or word in reference for word in self._words)


class MeetingsModel(RowsTableModel[MeetingRow]):
    HEADERS = ("Date", "Venue", "Chair", "Cases", "Open actions")
    RIGHT_ALIGNED = (3, 4)

    def display(self, row: MeetingRow, column: int) -> str:
        return (uk_date(row.meeting_date), row.venue or "", row.chair or "", str(row.cases),
                str(row.open_actions))[column]


class CasesModel(RowsTableModel[MeetingCaseRow]):
    """The cases on the selected meeting's list, in agenda order."""

    HEADERS = ("Section", "Reference", "Victim", "Children", "Repeat", "Information shared")
    RIGHT_ALIGNED = (3,)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sections: dict[int, str] = {}  # referral id -> agenda section

    def set_cases(self, rows: list[MeetingCaseRow], sections: dict[int, str]) -> None:
        self.sections = sections
        self.set_rows(rows)

    def display(self, row: MeetingCaseRow, column: int) -> str:
        shared = (row.information_shared or "").replace("\n", " ")
        return (self.sections.get(row.referral_id, ""), row.reference, row.victim_name,
                str(row.children_count), yes_no(row.is_repeat), shared)[column]


class ActionsModel(RowsTableModel[ActionRow]):
    """Actions; an overdue one says so in words, not only by its marking."""

    HEADERS = ("Case", "Agency", "Owner", "Action", "Due", "Status", "Note")
    STATUS = 5

    def display(self, row: ActionRow, column: int) -> str:
        status = ACTION_STATUS_LABELS.get(row.status, row.status)
        if row.overdue:
            status = "Open: OVERDUE"
        return (row.reference, AGENCY_LABELS.get(row.agency, row.agency), row.owner or "",
                row.what, uk_date(row.due_on), status, row.completion_note or "")[column]

    def role_data(self, row: ActionRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.overdue and column == self.STATUS:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def tooltip(self, row: ActionRow, column: int) -> str | None:
        if column == 3:
            return row.what
        if row.overdue:
            return f"Overdue: it was due on {uk_date(row.due_on)}"
        return None


class ReturnModel(RowsTableModel[ReturnRow]):
    """The SafeLives return, one row per meeting and the total, as the CSV writes it."""

    HEADERS = RETURN_COLUMNS
    RIGHT_ALIGNED = tuple(range(1, len(RETURN_COLUMNS)))

    def display(self, row: ReturnRow, column: int) -> str:
        cells = return_cells(row)
        if column == 0 and row.meeting_date is not None:
            return uk_date(row.meeting_date)
        return cells[column]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole
                and 0 <= section < len(self.HEADERS)):
            return self.HEADERS[section]
        return super().headerData(section, orientation, role)
