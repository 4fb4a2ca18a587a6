"""Settings > Import profiles, driven through its widgets: the saved profiles listed (a broken
one with its problem), one added from a colleague's file, the folder shown, one removed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from scs_victims.accounts import Role
from scs_victims.actions import profiles
from scs_victims.importing.profile import Profile, SavedProfile, save_profile
from scs_victims.storage.database import Database
from tests.conftest import SHARED_DATA
from tests.ui.conftest import ErrorRecorder, shown, wait_idle
from ui.context import AppContext
from ui.settings.page import SettingsPage
from ui.settings.profiles_model import FILE, KIND, NAME, PROBLEM, ProfilesModel

HOUSING = Profile(name="Housing provider", kind="incidents",
                  columns={"reference": "Job No", "crime_type": "Type", "occurred_on": "Date"},
                  constants={"source": "housing"})


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "profiles"
    monkeypatch.setattr(profiles, "profiles_folder", lambda **_options: folder)
    save_profile(folder, HOUSING)
    (folder / "broken.toml").write_text('name = "Broken\nkind = "incidents"\n',
                                        encoding="utf-8")
    return folder


def profiles_tab(qtbot: Any, context: AppContext) -> SettingsPage:
    page = SettingsPage(context)
    page.window_for_test = shown(page, qtbot)  # type: ignore[attr-defined]  # kept alive
    page.on_shown()
    assert page.profiles is not None
    page.tabs.setCurrentWidget(page.profiles)
    wait_idle(qtbot, context)
    return page


def listed(page: SettingsPage) -> list[tuple[str, ...]]:
    assert page.profiles is not None
    model = page.profiles.model
    return [tuple(model.index(row, column).data() for column in (NAME, KIND, FILE))
            for row in range(model.rowCount())]


def test_profiles_are_listed_added_shown_and_removed(qtbot: Any, empty_context: AppContext,
                                                     folder: Path, tmp_path: Path,
                                                     errors: ErrorRecorder) -> None:
    page = profiles_tab(qtbot, empty_context)
    tab = page.profiles
    assert tab is not None
    assert listed(page) == [("broken", "", "broken.toml"),
                            ("Housing provider", "Incidents", "housing-provider.toml")]
    assert tab.model.index(0, PROBLEM).data().startswith("broken.toml is not a valid profile: ")

    # A colleague's profile, added from its file.
    colleague = tmp_path / "from-a-colleague.toml"
    colleague.write_bytes((SHARED_DATA / "council-export-medium.xlsx.toml").read_bytes())
    tab.choose_file = lambda _parent: colleague
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert tab.status.text() == ("Added from-a-colleague.toml as "
                                 "council-case-system-workbook.toml.")
    assert ("Council case system (workbook)", "Incidents",
            "council-case-system-workbook.toml") in listed(page)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert tab.status.text().endswith(", replacing the profile of the same name.")
    tab.choose_file = lambda _parent: folder / "broken.toml"
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert tab.status.text().startswith("broken.toml is not a valid profile: ")
    assert len(listed(page)) == 3

    opened: list[Path] = []
    tab.open_folder = opened.append
    qtbot.mouseClick(tab.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [folder]

    # Removing asks first; saying no keeps the file.
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert tab.status.text() == "Choose the profile to remove first."
    asked: list[str] = []
    tab.confirm = lambda _parent, question: asked.append(question) or False
    tab.table.setCurrentIndex(tab.model.index(2, NAME))
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert asked == ["Remove the import profile 'Housing provider' (housing-provider.toml)? "
                     "Its file is deleted."]
    assert (folder / "housing-provider.toml").exists()
    tab.confirm = lambda _parent, _question: True
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, empty_context)
    assert tab.status.text() == "The profile 'Housing provider' was removed."
    assert not (folder / "housing-provider.toml").exists()
    assert [name for name, _kind, _file in listed(page)] == [
        "broken", "Council case system (workbook)"]
    assert errors.errors == []


@pytest.mark.parametrize(("role", "sees"), [(Role.OFFICER, True), (Role.ANALYST, False),
                                            (Role.AUDITOR, False)])
def test_only_roles_that_import_see_the_profiles(qtbot: Any, make_context: Any,
                                                 database: Database, folder: Path,
                                                 role: Role, sees: bool) -> None:
    del folder
    page = SettingsPage(make_context(database, role))
    qtbot.addWidget(page)
    tabs = [page.tabs.tabText(index) for index in range(page.tabs.count())]
    assert ("I&mport profiles" in tabs) is sees
    assert (page.profiles is not None) is sees


def test_the_profiles_model_passes_the_model_tester(qtmodeltester: Any, tmp_path: Path) -> None:
    model = ProfilesModel()
    model.set_rows([SavedProfile(tmp_path / "housing.toml", HOUSING, None),
                    SavedProfile(tmp_path / "bad.toml", None, "bad.toml is not a valid "
                                 "profile: kind is missing")])
    qtmodeltester.check(model)
    assert model.index(0, KIND).data() == "Incidents"
    assert model.index(1, NAME).data() == "bad"
    assert model.index(1, FILE).data(Qt.ItemDataRole.ToolTipRole) == str(tmp_path / "bad.toml")
    assert model.index(1, PROBLEM).data().endswith("kind is missing")
