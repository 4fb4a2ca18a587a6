"""A database on a network drive (issue 17) is opened in rollback-journal mode with exclusive
locking, one connection at a time, and works as any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from scs_victims.accounts import Role
from scs_victims.actions import maintenance
from scs_victims.storage import database as database_module
from scs_victims.storage import network
from scs_victims.storage.database import open_database
from tests.helpers.accounts import signed_in


def test_the_mount_table_names_network_file_systems(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n"
                      "//server/share /mnt/council\\040share cifs rw 0 0\n"
                      "server:/export /srv/nfs nfs4 rw 0 0\n")
    real = Path

    def fake(path: str) -> Path:
        return mounts if path == "/proc/self/mounts" else real(path)

    monkeypatch.setattr(network, "Path", fake)
    assert network._mount_type_linux(real("/mnt/council share/scs.db")) == "cifs"
    assert network._mount_type_linux(real("/srv/nfs/team/scs.db")) == "nfs4"
    assert network._mount_type_linux(real("/home/officer/scs.db")) == "ext4"


def test_a_local_folder_is_not_a_network_drive(tmp_path: Path) -> None:
    assert not network.on_network_drive(tmp_path / "scs.db")


def test_on_a_network_drive_the_database_uses_a_rollback_journal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database_module, "on_network_drive", lambda _path: True)
    database = open_database(tmp_path / "shared.db")
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
            assert connection.exec_driver_sql("PRAGMA locking_mode").scalar() == "exclusive"
        admin = signed_in(database, Role.ADMIN)
        assert maintenance.check_file(admin) == []
        assert not (tmp_path / "shared.db-wal").exists()
    finally:
        database.close()
