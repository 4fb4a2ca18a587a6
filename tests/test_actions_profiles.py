"""The import-profile actions: saved profiles kept in the profiles folder (saved, listed, a
copy given to a colleague, added from one, removed), and what the wizard reads of a file;
each needs the IMPORT permission."""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path

import pytest

from scs_victims.accounts import Role
from scs_victims.actions import profiles
from scs_victims.actions.base import REGISTRY
from scs_victims.actions.permissions import Permission
from scs_victims.errors import InputRefused, NotAllowed
from scs_victims.importing.profile import Profile, ProfileRefused
from scs_victims.storage.database import Database
from tests.conftest import SHARED_DATA
from tests.helpers.accounts import signed_in

HOUSING = Profile(name="Housing provider", kind="incidents",
                  columns={"reference": "Job No", "crime_type": "Type", "occurred_on": "Date"},
                  constants={"source": "housing"}, values={"crime_type": {"*": "asb"}})


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data" / "profiles"
    monkeypatch.setattr(profiles, "profiles_folder", lambda **_options: folder)
    return folder


def test_every_profile_action_needs_the_import_permission() -> None:
    names = [name for name in REGISTRY if name.startswith("profiles.")]
    assert len(names) == 11
    assert {REGISTRY[name].permission for name in names} == {Permission.IMPORT}


def test_a_saved_profile_is_listed_copied_added_and_removed(database: Database, folder: Path,
                                                             tmp_path: Path) -> None:
    officer = signed_in(database, Role.OFFICER)
    assert profiles.list_saved(officer) == []
    path = profiles.save(officer, HOUSING)
    assert path == folder / "housing-provider.toml"
    if os.name != "nt":
        assert folder.stat().st_mode & 0o777 == 0o700
    [saved] = profiles.list_saved(officer, "incidents")
    assert saved.profile == dataclasses.replace(HOUSING, source=str(path))
    assert profiles.list_saved(officer, "marac-referrals") == []

    copy = profiles.save_copy(officer, HOUSING, tmp_path / "for-a-colleague.toml")
    assert profiles.open_profile(officer, copy).columns == HOUSING.columns
    other = dataclasses.replace(HOUSING, name="")
    with pytest.raises(ProfileRefused, match="name must be text"):
        profiles.save_copy(officer, other, tmp_path / "nameless.toml")
    assert not (tmp_path / "nameless.toml").exists()

    colleague = tmp_path / "colleague.toml"
    colleague.write_bytes((SHARED_DATA / "council-export-medium.csv.toml").read_bytes())
    added, replaced = profiles.add_from_file(officer, colleague)
    assert (added.name, replaced) == ("council-case-system-csv.toml", False)
    assert profiles.add_from_file(officer, colleague)[1] is True
    assert [entry.path.name for entry in profiles.list_saved(officer)] == [
        "council-case-system-csv.toml", "housing-provider.toml"]

    with pytest.raises(InputRefused, match=r"^for-a-colleague.toml is not one of your saved"):
        profiles.remove(officer, copy)
    assert copy.exists()
    profiles.remove(officer, path)
    assert not path.exists()
    assert [entry.path.name for entry in profiles.list_saved(officer)] == [
        "council-case-system-csv.toml"]


def test_a_broken_profile_is_listed_with_its_problem_and_refused(database: Database,
                                                                  folder: Path) -> None:
    officer = signed_in(database, Role.OFFICER)
    folder.mkdir(parents=True)
    (folder / "typo.toml").write_text('kind = "incidents"\nheader-row = 3\n', encoding="utf-8")
    [listed] = profiles.list_saved(officer)
    assert listed.profile is None
    assert listed.problem == "typo.toml is not a valid profile: unknown setting 'header-row'."
    with pytest.raises(ProfileRefused, match="unknown setting 'header-row'"):
        profiles.open_profile(officer, folder / "typo.toml")
    with pytest.raises(InputRefused):
        profiles.add_from_file(officer, folder / "typo.toml")


def test_the_wizard_reads_a_file_through_the_actions(database: Database) -> None:
    officer = signed_in(database, Role.OFFICER)
    path = SHARED_DATA / "council-export-medium.xlsx"
    start = profiles.file_start(officer, path)
    assert (start.sheet, start.header(3)[:2]) == ("Cases", ["Case Ref", "Category"])
    suggested = profiles.suggest(officer, start.header(3), "incidents", "Council")
    profile = dataclasses.replace(suggested, sheet="Cases", header_row=3)
    today = date(2026, 12, 8)
    shown = profiles.preview(officer, path, profile, today)
    assert shown.encoding == "Excel workbook, sheet 'Cases'" and len(shown.rows) == 20
    values = profiles.distinct_values(officer, path, profile, ["crime_type"], today=today)
    assert values["crime_type"].counts[0] == ("personal asb", 285)
    samples = profiles.date_samples(officer, path, profile, today)
    assert samples["occurred_on"][:2] == ["2021-11-30", "2024-08-03 01:28"]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
def test_a_role_that_cannot_import_has_no_profiles(database: Database, folder: Path,
                                                   role: Role) -> None:
    user = signed_in(database, role)
    with pytest.raises(NotAllowed, match="does not allow importing files"):
        profiles.list_saved(user)
    with pytest.raises(NotAllowed):
        profiles.save(user, HOUSING)
    assert not folder.exists()
