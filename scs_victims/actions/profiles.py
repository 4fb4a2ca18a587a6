"""Import profiles (formats.md "Import profiles"): the saved ones, kept as TOML files in the
user's profiles folder, and what the import wizard needs to build one from a file.

Each step needs the IMPORT permission. Profiles are files, not records: they hold column
names and value translations, never a person's details, so reading and writing them touches
neither the database nor the audit log (as looking at a file before an import does not).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from scs_victims.actions.base import SignedIn, action
from scs_victims.actions.permissions import Permission
from scs_victims.errors import InputRefused
from scs_victims.importing import preview as previews
from scs_victims.importing import profile as profiles
from scs_victims.importing.mapping import suggest_profile
from scs_victims.importing.preview import ColumnValues, FileStart, ProfilePreview
from scs_victims.importing.profile import Kind, Profile, SavedProfile
from scs_victims.progress import ProgressCallback, no_progress
from scs_victims.storage.database import data_folder
from scs_victims.storage.files import private_folder, write_bytes_privately


def profiles_folder(*, create: bool = False) -> Path:
    """Where saved profiles are kept: ``profiles`` in the user's data folder (made, owner
    only, when ``create``: to show it)."""
    folder = data_folder() / "profiles"
    return private_folder(folder) if create else folder


@action(Permission.IMPORT)
def list_saved(user: SignedIn, kind: Kind | None = None) -> list[SavedProfile]:
    """The saved profiles (of ``kind``, if given) by file name, each with its profile or
    why it cannot be used."""
    del user
    return profiles.list_profiles(profiles_folder(), kind)


@action(Permission.IMPORT)
def open_profile(user: SignedIn, path: Path, kind: Kind | None = None) -> Profile:
    """The profile in the file ``path``; refuses (``ProfileRefused``) one that cannot be
    used, saying why."""
    del user
    return profiles.load_profile(path, kind)


@action(Permission.IMPORT)
def save(user: SignedIn, profile: Profile) -> Path:
    """Save ``profile`` in the profiles folder (replacing the one of the same name) and
    return its file; refuses a profile that would not load back."""
    del user
    private_folder(profiles_folder())
    return profiles.save_profile(profiles_folder(), profile)


@action(Permission.IMPORT)
def save_copy(user: SignedIn, profile: Profile, path: Path) -> Path:
    """Write ``profile`` to the file ``path`` (to give to a colleague) and return it."""
    del user
    text = profiles.profile_text(profile)
    profiles.parse_profile(tomllib.loads(text), profile.kind, source=path.name)
    write_bytes_privately(path, text.encode("utf-8"))
    return path


@action(Permission.IMPORT)
def add_from_file(user: SignedIn, path: Path) -> tuple[Path, bool]:
    """Copy the profile in ``path`` (a colleague's) into the profiles folder, once checked;
    returns its new file and whether it replaced a profile of the same name."""
    del user
    profile = profiles.load_profile(path)
    target = profiles_folder() / profiles.profile_file_name(profile.name)
    replaced = target.exists()
    private_folder(profiles_folder())
    return profiles.save_profile(profiles_folder(), profile), replaced


@action(Permission.IMPORT)
def remove(user: SignedIn, path: Path) -> None:
    """Delete a saved profile's file; refuses a file outside the profiles folder."""
    del user
    folder = profiles_folder().resolve()
    if path.resolve().parent != folder or path.suffix != ".toml":
        raise InputRefused(f"{path.name} is not one of your saved profiles.")
    path.unlink(missing_ok=True)


@action(Permission.IMPORT)
def suggest(user: SignedIn, headers: Sequence[str], kind: Kind = "incidents",
            name: str = "") -> Profile:
    """A first profile for a file with these headers (see ``mapping.suggest_profile``)."""
    del user
    return suggest_profile(headers, kind, name)


@action(Permission.IMPORT)
def file_start(user: SignedIn, path: Path, sheet: str | None = None) -> FileStart:
    """The first rows of ``path`` as written (of ``sheet`` for a workbook), before any
    header is chosen."""
    del user
    return previews.file_start(path, sheet=sheet)


@action(Permission.IMPORT)
def preview(user: SignedIn, path: Path, profile: Profile, today: date | None = None
            ) -> ProfilePreview:
    """The first rows of ``path`` as ``profile`` will store them, with their problems."""
    del user
    return previews.preview(path, profile, today=today or date.today())


@action(Permission.IMPORT)
def distinct_values(user: SignedIn, path: Path, profile: Profile, columns: Sequence[str],
                    progress: ProgressCallback = no_progress, today: date | None = None
                    ) -> dict[str, ColumnValues]:
    """Their values of ``columns`` in ``path`` with a count of rows each (one pass)."""
    del user
    return previews.distinct_values(path, profile, columns, today=today or date.today(),
                                    progress=progress)


@action(Permission.IMPORT)
def date_samples(user: SignedIn, path: Path, profile: Profile, today: date | None = None
                 ) -> dict[str, list[str]]:
    """Their dates of each of our date columns, as written, from the first rows."""
    del user
    return previews.date_samples(path, profile, today=today or date.today())
