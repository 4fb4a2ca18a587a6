"""Logging to a file in the user's data folder. Never log names, addresses or row contents:
messages carry counts, ids, file names and exception types only."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE_NAME = "scs-victims.log"


def log_folder() -> Path:
    from scs_victims.storage.database import data_folder
    from scs_victims.storage.files import private_folder

    return private_folder(data_folder() / "logs")


def configure_file_logging(level: int = logging.INFO) -> Path | None:
    """Send the application's log to a rotating file; returns its path (None if unwritable)."""
    try:
        path = log_folder() / LOG_FILE_NAME
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        return None
    from scs_victims.storage.files import owner_only

    owner_only(path)  # an existing log from before; new ones are made under umask 077
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    return path
