"""The shared base of the read-only table models, on a tiny subclass."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from ui.table_model import RowsTableModel
from ui.widgets import ALIGN_RIGHT

NAME_ROLE = Qt.ItemDataRole.UserRole + 7


class PetsModel(RowsTableModel[tuple[str, int]]):
    HEADERS = ("Pet", "Legs")
    RIGHT_ALIGNED = (1,)
    SORT_ROLE = Qt.ItemDataRole.UserRole + 1

    def display(self, row: tuple[str, int], column: int) -> str:
        return row[0] if column == 0 else str(row[1])

    def sort_value(self, row: tuple[str, int], column: int) -> Any:
        return row[column]

    def tooltip(self, row: tuple[str, int], column: int) -> str | None:
        return f"{row[0]} the pet" if column == 0 else None

    def role_data(self, row: tuple[str, int], column: int, role: int) -> Any:  # noqa: ARG002
        return row[0].upper() if role == NAME_ROLE else None


def test_a_subclass_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = PetsModel()
    qtmodeltester.check(model)
    model.set_rows([("Rex", 4), ("Polly", 2), ("Slinky", 0)])
    qtmodeltester.check(model)


def test_headers_cells_and_hooks() -> None:
    model = PetsModel()
    model.set_rows([("Rex", 4), ("Polly", 2)])
    assert [model.headerData(column, Qt.Orientation.Horizontal) for column in range(2)] == [
        "Pet", "Legs"]
    assert model.headerData(2, Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.columnCount(model.index(0, 0)) == 0
    assert [model.index(1, column).data() for column in range(2)] == ["Polly", "2"]
    assert model.index(1, 1).data(PetsModel.SORT_ROLE) == 2
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Rex the pet"
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) == int(ALIGN_RIGHT.value)
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.index(0, 0).data(NAME_ROLE) == "REX"
    # Only the display roles a model names get the text: not the screen reader's by default.
    assert model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole) is None
    assert model.row_at(1) == ("Polly", 2)
    assert model.rows == [("Rex", 4), ("Polly", 2)]


def test_set_rows_resets_the_model_and_keeps_its_own_copy(qtbot: Any) -> None:
    model = PetsModel()
    rows = [("Rex", 4)]
    model.set_rows(rows)
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset], timeout=1000):
        model.set_rows([("Polly", 2), ("Slinky", 0)])
    assert model.rowCount() == 2
    assert model.index(0, 0).data() == "Polly"
    model.rows.clear()
    rows.clear()
    assert model.rowCount() == 2


def test_a_row_not_there_gives_none() -> None:
    model = PetsModel()
    model.set_rows([("Rex", 4)])
    # An index made for a row that has since gone (e.g. held across a reset) reads as nothing.
    stale = model.createIndex(5, 0)
    assert model.data(stale) is None
    assert model.data(stale, PetsModel.SORT_ROLE) is None
    assert model.data(QModelIndex()) is None
    assert model.index(1, 0).data() is None


def test_a_model_without_a_sort_role_answers_user_roles_through_role_data() -> None:
    class Plain(RowsTableModel[str]):
        HEADERS = ("Word",)

        def display(self, row: str, column: int) -> str:  # noqa: ARG002
            return row

    model = Plain()
    model.set_rows(["alpha"])
    assert model.index(0, 0).data() == "alpha"
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole + 1) is None
