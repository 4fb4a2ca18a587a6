"""Import profiles (formats.md "Import profiles"): another system's columns and values read as
ours.

A profile is a TOML file. ``load_profile`` checks all of it before any row is read; ``bind``
matches it to a file's header row; ``BoundProfile.apply`` turns each of their rows into a row
of our columns, as text, so the checks of our own formats run on it unchanged. Dates in our
date columns become ISO text (the profile's ``dates`` form, two-digit years included); a date
the profile cannot read is passed on as written, so the check names it as the user wrote it.

This module uses no database: the checking process of a large import loads it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast

from scs_victims.errors import FileRefused, InputRefused, RowError
from scs_victims.importing.csv_source import summarise
from scs_victims.importing.workbook_source import Cell, cell_text

Kind = Literal["incidents", "marac-referrals"]
KINDS: tuple[Kind, ...] = ("incidents", "marac-referrals")
DATE_FORMS = ("dd/mm/yyyy", "dd/mm/yy", "yyyy-mm-dd", "mm/dd/yyyy")
SKIP = "skip"
ANY_VALUE = "*"
# A full name in one column, and the two columns of ours it fills (forename, surname).
NAME_COLUMNS = {"victim_name": ("victim_forename", "victim_surname"),
                "perpetrator_name": ("perpetrator_forename", "perpetrator_surname")}
# Our columns holding dates, by kind; the first two of incidents may carry a time. (No table
# of our columns says which hold dates, so they are listed here.)
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "incidents": ("occurred_on", "reported_on", "victim_dob", "perpetrator_dob"),
    "marac-referrals": ("referral_date", "meeting_date", "incident_date", "victim_dob",
                        "perpetrator_dob"),
}
_SETTINGS = ("name", "kind", "sheet", "header_row", "dates", "columns", "constants", "values")
_KIND_NAMES = {"incidents": "incident files", "marac-referrals": "MARAC referral files"}
_FIELD = re.compile(r"\{([^{}]*)\}")
_TIME = r"(?:{sep}(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?)?$"
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})" + _TIME.format(sep="[ T]"), re.ASCII)
# Each form of ``dates``: its pattern, and the groups holding day, month and year.
_FORMS: dict[str, tuple[re.Pattern[str], tuple[int, int, int]]] = {
    "dd/mm/yyyy": (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME.format(sep=" +"),
                              re.ASCII), (1, 2, 3)),
    "dd/mm/yy": (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})" + _TIME.format(sep=" +"),
                            re.ASCII), (1, 2, 3)),
    "mm/dd/yyyy": (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME.format(sep=" +"),
                              re.ASCII), (2, 1, 3)),
    "yyyy-mm-dd": (_ISO, (3, 2, 1)),
}
_MEMO_LIMIT = 100_000


class ProfileRefused(InputRefused):
    """A profile file that cannot be used; nothing was read from the data file."""


@dataclass(frozen=True)
class Profile:
    """One import profile, as its file says it (``values`` keys as written)."""

    name: str
    kind: Kind
    sheet: str | None = None
    header_row: int = 1
    dates: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # ours -> their column or template
    constants: dict[str, str] = field(default_factory=dict)  # ours -> the value of every row
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # ours -> theirs -> ours
    source: str = ""  # the file it was read from; empty when made in memory


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row the profile leaves out: ``column`` (ours) has a value it maps to ``skip``."""

    column: str


class SavedProfile(NamedTuple):
    """A profile file in the profiles folder: its profile, or why it cannot be used."""

    path: Path
    profile: Profile | None
    problem: str | None


# --- reading and writing profile files ------------------------------------------------------


def kind_columns(kind: Kind) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Our columns of ``kind`` and the required ones, read when asked (they grow)."""
    if kind == "incidents":
        from scs_victims.importing import incident_rows
        return incident_rows.INCIDENT_COLUMNS, incident_rows.REQUIRED_COLUMNS
    from scs_victims.marac import rows
    return rows.REFERRAL_COLUMNS, rows.REQUIRED_COLUMNS


def load_profile(path: Path, kind: Kind | None = None) -> Profile:
    """The profile in ``path``; refuses (``ProfileRefused``) a file that is not valid TOML, has
    a setting or column we do not know, maps a column twice, or maps onto a value we would
    refuse; and a profile for another kind of file than ``kind``."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ProfileRefused(f"There is no profile at {path}.") from None
    except OSError as exc:
        raise ProfileRefused(f"The profile {path} cannot be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise _refused(str(path), ["it is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise _refused(str(path), [str(exc)]) from None
    return parse_profile(data, kind, source=str(path))


def parse_profile(data: Mapping[str, Any], kind: Kind | None = None, *,
                  source: str = "") -> Profile:
    """A profile from parsed TOML; every problem is listed in one ``ProfileRefused``."""
    problems: list[str] = []
    for key in data:
        if key not in _SETTINGS:
            problems.append(f"unknown setting '{key}'")
    their_kind = data.get("kind")
    if their_kind is None:
        problems.append('kind is missing ("incidents" or "marac-referrals")')
        raise _refused(source, problems)
    if their_kind not in KINDS:
        problems.append(f'kind must be "incidents" or "marac-referrals", not {their_kind!r}')
        raise _refused(source, problems)
    if kind is not None and their_kind != kind:
        problems.append(f"it is a profile for {_KIND_NAMES[their_kind]}, "
                        f"not {_KIND_NAMES[kind]}")
        raise _refused(source, problems)
    profile_kind = cast(Kind, their_kind)
    name = data.get("name", Path(source).stem if source else "")
    if not isinstance(name, str) or not name.strip():
        problems.append("name must be text")
        name = ""
    sheet = data.get("sheet")
    if sheet is not None and (not isinstance(sheet, str) or not sheet.strip()):
        problems.append("sheet must be the name of a sheet")
        sheet = None
    header_row = data.get("header_row", 1)
    if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
        problems.append("header_row must be a whole number, 1 or more")
        header_row = 1
    dates = data.get("dates")
    if dates is not None and dates not in DATE_FORMS:
        problems.append(f"dates must be one of {', '.join(DATE_FORMS)}, not {dates!r}")
        dates = None

    ours, _required = kind_columns(profile_kind)
    columns = _columns(data.get("columns", {}), ours, profile_kind, problems)
    constants = _constants(data.get("constants", {}), ours, profile_kind, dates, problems)
    values = _values(data.get("values", {}), ours, profile_kind, dates, problems)
    _mapped_twice(columns, constants, problems)
    if problems:
        raise _refused(source, problems)
    return Profile(name=name.strip(), kind=profile_kind, sheet=sheet, header_row=header_row,
                   dates=dates, columns=columns, constants=constants, values=values,
                   source=source)


def _refused(source: str, problems: list[str]) -> ProfileRefused:
    label = Path(source).name if source else "The profile"
    return ProfileRefused(f"{label} is not a valid profile: {'; '.join(problems)}.")


def _table(value: object, name: str, problems: list[str]) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    problems.append(f"[{name}] must be a table")
    return {}


def _columns(value: object, ours: Sequence[str], kind: Kind,
             problems: list[str]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for key, theirs in _table(value, "columns", problems).items():
        if key not in ours and key not in NAME_COLUMNS:
            problems.append(f"[columns] {key}: not a column of {_KIND_NAMES[kind]}")
        elif not isinstance(theirs, str) or not theirs.strip():
            problems.append(f"[columns] {key}: must be the name of one of your columns")
        else:
            reason = template_problem(theirs)
            if reason is not None:
                problems.append(f"[columns] {key}: {reason}")
            else:
                columns[key] = theirs
    return columns


def _constants(value: object, ours: Sequence[str], kind: Kind, dates: str | None,
               problems: list[str]) -> dict[str, str]:
    constants: dict[str, str] = {}
    for key, given in _table(value, "constants", problems).items():
        if key not in ours:
            problems.append(f"[constants] {key}: not a column of {_KIND_NAMES[kind]}")
            continue
        # TOML's true/false for a Y/N column, and its whole numbers, are the text they say.
        constant = (("Y" if given else "N") if isinstance(given, bool)
                    else str(given) if isinstance(given, int) else given)
        if not isinstance(constant, str):
            problems.append(f"[constants] {key}: must be text")
            continue
        reason = refusal(kind, key, constant, dates)
        if reason is not None:
            problems.append(f'[constants] {key} = "{constant}": {reason}')
        else:
            constants[key] = constant
    return constants


def _values(value: object, ours: Sequence[str], kind: Kind, dates: str | None,
            problems: list[str]) -> dict[str, dict[str, str]]:
    values: dict[str, dict[str, str]] = {}
    for column, table in _table(value, "values", problems).items():
        if column not in ours:
            problems.append(f"[values.{column}]: not a column of {_KIND_NAMES[kind]}")
            continue
        if not isinstance(table, dict):
            problems.append(f"[values.{column}] must be a table")
            continue
        seen: dict[str, str] = {}
        kept: dict[str, str] = {}
        for theirs, target in table.items():
            key = theirs.strip().casefold()
            if not key:
                problems.append(f'[values.{column}] "{theirs}": blank cells are never '
                                "translated")
            elif key in seen:
                problems.append(f'[values.{column}] "{seen[key]}" and "{theirs}" are the '
                                "same value")
            elif not isinstance(target, str):
                problems.append(f'[values.{column}] "{theirs}": must be text')
            else:
                seen[key] = theirs
                reason = (None if target.strip().casefold() == SKIP
                          else refusal(kind, column, target, dates))
                if reason is not None:
                    problems.append(f'[values.{column}] "{theirs}" = "{target}": {reason}')
                else:
                    kept[theirs] = target
        values[column] = kept
    return values


def _mapped_twice(columns: dict[str, str], constants: dict[str, str],
                  problems: list[str]) -> None:
    for ours in columns:
        if ours in constants:
            problems.append(f"{ours} is both mapped to a column and given a constant")
    for name, parts in NAME_COLUMNS.items():
        if name not in columns:
            continue
        for part in parts:
            if part in columns or part in constants:
                problems.append(f"{name} and {part} both fill {part}")


def template_problem(text: str) -> str | None:
    """Why ``text`` is not a usable column name or template, or None."""
    if "{" not in text and "}" not in text:
        return None
    if any(not name.strip() for name in _FIELD.findall(text)):
        return f"'{text}' has empty braces: put a column name between them"
    rest = _FIELD.sub("", text)
    if "{" in rest or "}" in rest:
        return f"'{text}' has a brace without its pair"
    return None


def refusal(kind: Kind, column: str, value: str, dates: str | None = None) -> str | None:
    """Why our checks would refuse ``value`` in ``column`` (as a constant or a translation's
    target), or None; free-text columns take anything."""
    from scs_victims.domain.crime_types import parse_crime_type
    from scs_victims.importing.incident_rows import RELATIONSHIPS, SOURCES, victim_gender, yes_no

    text = value.strip()
    reasons: list[str] = []
    if column in DATE_COLUMNS[kind]:
        if read_date(text, dates, date.today()) is None:
            return f"'{value}' is not a date"
    elif column == "crime_type" and kind == "incidents":
        if parse_crime_type(text) is None:
            return (f"'{value}' is not a crime type this application records (ASB, burglary "
                    "or domestic abuse)")
    elif column == "victim_gender":
        victim_gender(text, lambda _column, reason: reasons.append(reason))
    elif column == "relationship" or (column == "source" and kind == "incidents"):
        allowed = RELATIONSHIPS if column == "relationship" else SOURCES
        if text.casefold() not in allowed:
            return f"'{value}' is not one of {', '.join(allowed)}"
    elif column in ("hate_motivated", "victim_lgbt", "victim_disabled",
                    "professional_judgement"):
        yes_no(column, text, lambda _column, reason: reasons.append(reason))
    elif kind == "marac-referrals":
        return _marac_refusal(column, value)
    return reasons[0] if reasons else None


def _marac_refusal(column: str, value: str) -> str | None:
    from scs_victims.marac.rows import dash_version
    from scs_victims.marac.vocabulary import parse_agency, parse_ethnicity

    text = value.strip()
    if column == "victim_ethnicity" and parse_ethnicity(text) is None:
        return f"'{value}' is not an ONS 2021 ethnic group or category"
    if column == "referring_agency":
        for part in text.split(";"):
            if part.strip() and parse_agency(part.strip()) is None:
                return f"'{part.strip()}' is not one of the SafeLives referral sources"
    if column == "dash_version" and text:
        reasons: list[str] = []
        dash_version(text, lambda _column, reason: reasons.append(reason))
        return reasons[0] if reasons else None
    return None


def profile_text(profile: Profile) -> str:
    """The profile as a TOML file (what ``load_profile`` reads back)."""
    import tomli_w

    data: dict[str, Any] = {"name": profile.name, "kind": profile.kind}
    if profile.sheet:
        data["sheet"] = profile.sheet
    if profile.header_row != 1:
        data["header_row"] = profile.header_row
    if profile.dates:
        data["dates"] = profile.dates
    data["columns"] = dict(profile.columns)
    if profile.constants:
        data["constants"] = dict(profile.constants)
    if profile.values:
        data["values"] = {column: dict(table) for column, table in profile.values.items()}
    text: str = tomli_w.dumps(data)
    return text


def profile_file_name(name: str) -> str:
    """The file name a profile called ``name`` is saved under."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    return f"{stem or 'profile'}.toml"


def save_profile(folder: Path, profile: Profile) -> Path:
    """Write ``profile`` into ``folder`` (replacing a profile of the same name) and return its
    path; refuses a profile that would not load back."""
    text = profile_text(profile)
    parse_profile(tomllib.loads(text), profile.kind, source=profile_file_name(profile.name))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / profile_file_name(profile.name)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
    return path


def list_profiles(folder: Path, kind: Kind | None = None) -> list[SavedProfile]:
    """The ``.toml`` files in ``folder`` by name, each with its profile or its problem;
    with ``kind``, only the profiles of that kind (and the files that cannot be read)."""
    if not folder.is_dir():
        return []
    listed: list[SavedProfile] = []
    for path in sorted(folder.glob("*.toml"), key=lambda item: item.name.casefold()):
        try:
            profile = load_profile(path)
        except ProfileRefused as exc:
            listed.append(SavedProfile(path, None, str(exc)))
            continue
        if kind is None or profile.kind == kind:
            listed.append(SavedProfile(path, profile, None))
    return listed


# --- dates ----------------------------------------------------------------------------------


def full_year(two_digits: int, today: date) -> int:
    """The latest year ending in ``two_digits`` that is not after ``today``'s year."""
    return today.year - (today.year - two_digits) % 100


def read_date(text: str, form: str | None, today: date) -> str | None:
    """``text`` as ISO text (``YYYY-MM-DD``, then `` HH:MM`` or `` HH:MM:SS`` when a time
    is written) read in ``form`` (ISO is always read; without a form, also ``dd/mm/yyyy``);
    None when it is not a date in that form."""
    stripped = text.strip()
    match = _ISO.match(stripped)
    groups = (3, 2, 1)
    if match is None:
        pattern, groups = _FORMS[form or "dd/mm/yyyy"]
        match = pattern.match(stripped)
        if match is None:
            return None
    day, month, year = (int(match[index]) for index in groups)
    if len(match[groups[2]]) == 2:
        year = full_year(year, today)
    try:
        on = date(year, month, day)
        at = None if match[4] is None else time(int(match[4]), int(match[5]),
                                                 int(match[6] or 0))
    except ValueError:
        return None
    if at is None:
        return on.isoformat()
    return f"{on.isoformat()} {at.isoformat('seconds' if match[6] else 'minutes')}"


# --- a profile matched to a file's header ---------------------------------------------------

# How one of our columns gets its value: from one of their cells, from a template of their
# cells, from a constant, or as a part (0 forename, 1 surname) of a full name.
_CELL, _TEMPLATE, _CONSTANT, _NAME_PART = range(4)
# A template: (literal, position of their cell or -1 for none) pairs, in order.
Template = tuple[tuple[str, int], ...]
# What names our column in messages: their column, or a template's (name, position) pairs.
Label = str | list[tuple[str, int]]


def split_name(full: str) -> tuple[str, str]:
    """(forename, surname) of a full name: ``Surname, Forename``, else split at the last
    space; one word is a surname."""
    text = full.strip()
    surname, comma, forename = text.partition(",")
    if comma:
        return forename.strip(), surname.strip()
    forename, _space, surname = text.rpartition(" ")
    return forename.strip(), surname.strip()


def _render(template: Template, cells: Sequence[Cell]) -> str:
    parts = []
    for literal, position in template:
        parts.append(literal)
        if position >= 0:
            value = cells[position]
            parts.append(value if value.__class__ is str else cell_text(value))
    return "".join(parts).strip()


class BoundProfile:
    """A profile matched to one file's header row: it turns their rows into ours.

    ``header`` lists our columns that get a value, in the order of our columns; ``apply``
    returns a row's cells in that order (text), or ``Skipped``.
    """

    def __init__(self, profile: Profile, their_header: Sequence[str], header: list[str],
                 plan: list[tuple[int, Any]], names: list[Template], labels: dict[str, Label],
                 used: set[int], today: date) -> None:
        self.profile = profile
        self.their_header = [cell.strip() for cell in their_header]
        self.header = header
        self.used = frozenset(used)  # positions of their columns the profile reads
        self.unknown_columns = [name for position, name in enumerate(self.their_header)
                                if name and position not in used]
        self._plan = plan
        self._names = names
        self._labels = labels
        self._today = today
        self._tables: list[tuple[int, str, dict[str, str], str | None]] = []
        for position, column in enumerate(header):
            table = profile.values.get(column)
            if table and plan[position][0] != _CONSTANT:
                folded = {key.strip().casefold(): _target(target)
                          for key, target in table.items()}
                star = folded.pop(ANY_VALUE, None)
                self._tables.append((position, column, folded, star))
        date_columns = DATE_COLUMNS[profile.kind]
        self._dates = ([position for position, column in enumerate(header)
                        if column in date_columns and plan[position][0] != _CONSTANT]
                       if profile.dates else [])
        self._read_dates: dict[str, str] = {}

    def apply(self, cells: Sequence[Cell]) -> list[str] | Skipped:
        """Their row (cells in their header's order) as our columns of ``header``."""
        names = [split_name(_render(template, cells)) for template in self._names]
        out: list[str] = []
        for how, what in self._plan:
            if how == _CELL:
                value = cells[what]
                out.append(value if value.__class__ is str else cell_text(value))
            elif how == _TEMPLATE:
                out.append(_render(what, cells))
            elif how == _CONSTANT:
                out.append(what)
            else:
                out.append(names[what[0]][what[1]])
        for position, column, table, star in self._tables:
            key = out[position].strip().casefold()
            if not key:
                continue  # a blank cell is never translated: it stays blank
            target = table.get(key, star)
            if target is None:
                continue
            if target == SKIP:
                return Skipped(column)
            out[position] = target
        for position in self._dates:
            if out[position]:
                out[position] = self._date(out[position])
        return out

    def _date(self, text: str) -> str:
        known = self._read_dates.get(text)
        if known is None:
            known = read_date(text, self.profile.dates, self._today) or text
            if len(self._read_dates) >= _MEMO_LIMIT:
                self._read_dates.clear()
            self._read_dates[text] = known
        return known

    def label(self, column: str, cells: Sequence[Cell] | None = None) -> str:
        """Their column that ``column`` (ours) comes from, for messages: a template's columns
        that are not blank in ``cells``, joined with `` + `` (its first column without
        ``cells``); our own name for a constant or a column nothing fills."""
        found = self._labels.get(column)
        if found is None:
            return column
        if isinstance(found, str):
            return found
        if cells is not None:
            filled = [name for name, position in found if cell_text(cells[position]).strip()]
            if filled:
                return " + ".join(filled)
        return found[0][0]


    def their_text(self, column: str, cells: Sequence[Cell]) -> str:
        """What their row says for ``column`` (ours) before any translation or reading of
        dates: a cell, a filled template, a part of a full name, or the constant."""
        if column not in self.header:
            return ""
        how, what = self._plan[self.header.index(column)]
        if how == _CELL:
            return cell_text(cells[what])
        if how == _TEMPLATE:
            return _render(what, cells)
        if how == _CONSTANT:
            return str(what)
        return split_name(_render(self._names[what[0]], cells))[what[1]]


def _target(target: str) -> str:
    """A translation's target, with ``skip`` in any case or spacing read as ``SKIP``."""
    return SKIP if target.strip().casefold() == SKIP else target


def bind(profile: Profile, their_header: list[str], *, ours: Sequence[str],
         required: Sequence[str], today: date) -> BoundProfile:
    """Match ``profile`` to a file's header row (their column names as written); refuses
    (``FileRefused``, before any row is read) a column the profile names that the file lacks
    or has twice, and a required column of ours that nothing fills."""
    row = profile.header_row
    positions: dict[str, int] = {}
    twice: set[str] = set()
    for position, cell in enumerate(their_header):
        folded = cell.strip().casefold()
        if folded in positions:
            twice.add(folded)
        elif folded:
            positions[folded] = position
    errors: list[RowError] = []
    used: set[int] = set()
    reported: set[str] = set()

    def position_of(name: str, column: str) -> int:
        folded = name.strip().casefold()
        position = positions.get(folded)
        if folded in reported:
            return -1
        if position is None:
            reported.add(folded)
            errors.append(RowError(row, name.strip(), f"the profile reads it for {column}, "
                                   "but the file has no column of that name (its columns: "
                                   f"{summarise([cell.strip() for cell in their_header])})"))
            return -1
        if folded in twice:
            reported.add(folded)
            errors.append(RowError(row, name.strip(), "this column appears twice in the header"))
            return -1
        used.add(position)
        return position

    def template(text: str, column: str) -> tuple[Template, list[tuple[str, int]]]:
        if "{" not in text:
            position = position_of(text, column)
            return (("", position),), [(their_header[position].strip() if position >= 0
                                       else text.strip(), position)]
        pieces: list[tuple[str, int]] = []
        named: list[tuple[str, int]] = []
        start = 0
        for match in _FIELD.finditer(text):
            position = position_of(match[1], column)
            pieces.append((text[start:match.start()], position))
            named.append((their_header[position].strip() if position >= 0
                          else match[1].strip(), position))
            start = match.end()
        pieces.append((text[start:], -1))
        return tuple(pieces), named

    fed: dict[str, tuple[int, Any]] = {}
    labels: dict[str, Label] = {}
    names: list[Template] = []
    name_of = {part: name for name, parts in NAME_COLUMNS.items() if name in profile.columns
               for part in parts}
    for column in ours:
        if column in fed:
            continue
        if column in name_of:  # the first of the two columns a full name fills
            text = profile.columns[name_of[column]]
            compiled, named = template(text, name_of[column])
            for part_index, part in enumerate(NAME_COLUMNS[name_of[column]]):
                fed[part] = (_NAME_PART, (len(names), part_index))
                labels[part] = named if "{" in text else named[0][0]
            names.append(compiled)
        elif column in profile.constants:
            fed[column] = (_CONSTANT, profile.constants[column])
        elif column in profile.columns:
            text = profile.columns[column]
            compiled, named = template(text, column)
            if "{" in text:
                fed[column] = (_TEMPLATE, compiled)
                labels[column] = named
            else:
                fed[column] = (_CELL, compiled[0][1])
                labels[column] = named[0][0]
    for column in ours:
        # Their column of our column's name keeps its meaning, unless the profile reads it.
        if column not in fed and column in positions and positions[column] not in used:
            fed[column] = (_CELL, position_of(column, column))
            labels[column] = their_header[positions[column]].strip()
    for column in required:
        if column not in fed:
            errors.append(RowError(row, column, "required column is missing: map one of your "
                                   "columns to it"))
    if errors:
        raise FileRefused("The header row has problems; nothing was imported.", errors)
    header = [column for column in ours if column in fed]
    plan = [fed[column] for column in header]
    return BoundProfile(profile, their_header, header, plan, names, labels, used, today)
