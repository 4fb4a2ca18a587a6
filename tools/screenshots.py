"""Screenshots of the main screens for the README, made from a synthetic demo database.

    .venv/bin/python tools/screenshots.py [--db PATH] [--out docs/screenshots]

Without --db a fresh demo borough (20,000 synthetic incidents) is built in a temporary folder.
Runs headless (QT_QPA_PLATFORM=offscreen), so it works on a machine without a screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

from scs_victims.actions.opening import open_store  # noqa: E402
from scs_victims.actions.signing_in import create_first_admin, has_accounts, sign_in  # noqa: E402
from scs_victims.demo import load_demo_borough  # noqa: E402
from ui.app import application, build_window  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

SIZE = (1400, 860)


def settle(window: MainWindow, seconds: float = 0.5) -> None:
    """Let background work finish and the screen repaint."""
    deadline = time.monotonic() + 60
    while window.context.operations.busy and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


SHOTS_USER, SHOTS_PASSWORD = "screenshots-admin", "screenshots-pass-1"


def new_dialogs(before: set[QWidget]) -> list[QDialog]:
    return [widget for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QDialog) and widget.isVisible() and widget not in before]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = application()
    with tempfile.TemporaryDirectory(prefix="scs-shots-") as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "demo.db"
            database = open_store(db)
            load_demo_borough(database, 20_000, seed=1)
            database.close()
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        database = open_store(db)
        # A synthetic administrator: every screen is shown.
        user = (sign_in(database, SHOTS_USER, SHOTS_PASSWORD) if has_accounts(database)
                else create_first_admin(database, SHOTS_USER, SHOTS_PASSWORD)[0])
        window = build_window(user, settings)
        window.resize(*SIZE)
        window.show()
        settle(window)
        for row, (title, _page) in enumerate(window.pages):
            window.navigation.setCurrentRow(row)
            settle(window, 1.0)
            path = args.out / f"{title.lower()}.png"
            window.grab().save(str(path))
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        # The person detail (timeline) and the incident form, over the People screen.
        window.go_to(window.people)
        settle(window, 1.0)
        model = window.people.model
        # The person with the most incidents: their timeline shows repeats and alerts.
        rows = [model.row_at(row) for row in range(model.rowCount())]
        busiest = max(rows, key=lambda person: person.asb + person.burglary + person.dv)
        before = set(QApplication.topLevelWidgets())
        window.context.signals.open_person.emit(busiest.id)
        settle(window, 1.5)
        for dialog in new_dialogs(before):
            dialog.resize(1100, 760)
            settle(window, 0.3)
            dialog.grab().save(str(args.out / "person.png"))
            print("wrote person.png")
            dialog.close()
        before = set(QApplication.topLevelWidgets())
        window.context.signals.new_incident.emit()
        settle(window, 1.0)
        for dialog in new_dialogs(before):
            dialog.grab().save(str(args.out / "incident-form.png"))
            print("wrote incident-form.png")
            dialog.close()
        window.close()
        window.context.database.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
