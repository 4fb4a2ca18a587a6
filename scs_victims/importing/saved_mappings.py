"""Column mappings remembered per header layout, in the ``settings`` table (see ``mapping``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy.orm import Session

from scs_victims.importing.incident_rows import INCIDENT_COLUMNS
from scs_victims.importing.mapping import (
    IGNORE,
    ColumnMapping,
    folded_header,
    header_signature,
    suggest_mapping,
)
from scs_victims.storage.models import Setting

_SETTING_PREFIX = "import_mapping:"


def _setting_name(headers: Sequence[str]) -> str:
    return _SETTING_PREFIX + header_signature(headers)


def saved_mapping(session: Session, headers: Sequence[str]) -> ColumnMapping | None:
    """The mapping last used for files with these headers, if one was saved."""
    row = session.get(Setting, _setting_name(headers))
    if row is None:
        return None
    try:
        stored = json.loads(row.value)
    except ValueError:
        return None
    if not isinstance(stored, dict):
        return None
    columns = {str(theirs): str(ours) for theirs, ours in stored.items()
               if str(ours) == IGNORE or str(ours) in INCIDENT_COLUMNS}
    # Keyed by the headers as written in the file now: the signature ignores case.
    by_folded = {folded_header(theirs): ours for theirs, ours in columns.items()}
    return ColumnMapping({header: by_folded.get(folded_header(header), IGNORE)
                          for header in headers if header.strip()})


def save_mapping(session: Session, headers: Sequence[str], mapping: ColumnMapping) -> None:
    """Remember ``mapping`` for files with these headers (replacing any earlier one)."""
    name = _setting_name(headers)
    text = json.dumps(dict(mapping.columns), sort_keys=True)
    row = session.get(Setting, name)
    if row is None:
        session.add(Setting(name=name, value=text))
    else:
        row.value = text


def offered_mapping(session: Session, headers: Sequence[str]) -> tuple[ColumnMapping, bool]:
    """The mapping to offer for these headers and whether it is one saved earlier."""
    saved = saved_mapping(session, headers)
    if saved is not None:
        return saved, True
    return suggest_mapping(headers), False
