"""The command line's accounts and audit commands, in the exact forms of issue 16."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.helpers.cli import ADMIN, ADMIN_PASSWORD, cli_env, run_cli
from tests.helpers.raw import connect as raw_connect

FIRST = {"SCS_VICTIMS_USER": "olive", "SCS_VICTIMS_PASSWORD": "olive-first-pass-1"}
OLIVE = {"SCS_VICTIMS_USER": "olive", "SCS_VICTIMS_PASSWORD": "olive-own-pass-22"}


def _env(sandbox: Path, **extra: str) -> dict[str, str]:
    return cli_env(sandbox, **extra)


def _ok(result: object) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    return str(result.stdout)  # type: ignore[attr-defined]


def _add_olive(tmp_path: Path, db: Path, role: str = "officer") -> None:
    _ok(run_cli(tmp_path, "users", "add", "olive", "--role", role, db=db,
                env=_env(tmp_path, SCS_VICTIMS_NEW_PASSWORD=FIRST["SCS_VICTIMS_PASSWORD"])))
    # A new account chooses its own password before anything else.
    _ok(run_cli(tmp_path, "password", db=db,
                env=_env(tmp_path, **FIRST,
                         SCS_VICTIMS_NEW_PASSWORD=OLIVE["SCS_VICTIMS_PASSWORD"])))


def _audit(tmp_path: Path, db: Path, *filters: str) -> list[dict[str, str]]:
    out = _ok(run_cli(tmp_path, "audit", "list", *filters, "--format", "csv", "--out", "-",
                      db=db))
    return list(csv.DictReader(io.StringIO(out)))


def test_init_makes_the_first_administrator_then_signs_in(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    out = _ok(run_cli(tmp_path, "init", db=db))
    assert f"{ADMIN} is its administrator" in out
    again = _ok(run_cli(tmp_path, "init", db=db))
    assert "already has accounts" in again


def test_a_command_on_a_database_without_accounts_says_to_run_init(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "wards", "list", db=tmp_path / "new.db", init=False)
    assert result.returncode == 1
    assert "init" in result.stderr and "Traceback" not in result.stderr


def test_a_wrong_password_exits_1_changes_nothing_and_is_recorded(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _ok(run_cli(tmp_path, "init", db=db))
    result = run_cli(tmp_path, "wards", "list", db=db,
                     env=_env(tmp_path, SCS_VICTIMS_PASSWORD="not-it-at-all"))
    assert result.returncode == 1
    assert result.stderr.strip() == ("The user name or password is not right; nothing was "
                                     "opened.")
    unknown = run_cli(tmp_path, "wards", "list", db=db,
                      env=_env(tmp_path, SCS_VICTIMS_USER="mallory"))
    assert unknown.returncode == 1
    failed = _audit(tmp_path, db, "--kind", "sign_in_failed")
    assert [row["user"] for row in failed] == [ADMIN, "unknown"]
    assert "not-it-at-all" not in str(failed) and "mallory" not in str(failed)
    users = _ok(run_cli(tmp_path, "users", "list", db=db))
    assert f"{ADMIN}\tadmin\tactive" in users


def test_without_credentials_and_no_terminal_a_sentence_says_how(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _ok(run_cli(tmp_path, "init", db=db))
    env = {key: value for key, value in _env(tmp_path).items()
           if not key.startswith("SCS_VICTIMS_")}
    result = run_cli(tmp_path, "wards", "list", db=db, env=env)
    assert result.returncode == 1
    assert "SCS_VICTIMS_USER" in result.stderr


def test_users_add_list_disable_enable_and_reset(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _add_olive(tmp_path, db)
    listing = _ok(run_cli(tmp_path, "users", "list", db=db))
    assert "olive\tofficer\tactive" in listing
    _ok(run_cli(tmp_path, "users", "disable", "olive", db=db))
    refused = run_cli(tmp_path, "wards", "list", db=db, env=_env(tmp_path, **OLIVE))
    assert refused.returncode == 1 and "disabled" in refused.stderr
    # Disabling took away its key to the encrypted file: enabling gives a new password.
    _ok(run_cli(tmp_path, "users", "enable", "olive", db=db,
                env=_env(tmp_path, SCS_VICTIMS_NEW_PASSWORD="back-again-pass-5")))
    _ok(run_cli(tmp_path, "password", db=db,
                env=_env(tmp_path, SCS_VICTIMS_USER="olive",
                         SCS_VICTIMS_PASSWORD="back-again-pass-5",
                         SCS_VICTIMS_NEW_PASSWORD=OLIVE["SCS_VICTIMS_PASSWORD"])))
    _ok(run_cli(tmp_path, "wards", "list", db=db, env=_env(tmp_path, **OLIVE)))
    _ok(run_cli(tmp_path, "users", "reset-password", "olive", db=db,
                env=_env(tmp_path, SCS_VICTIMS_NEW_PASSWORD="handed-over-pass-9")))
    reset = run_cli(tmp_path, "wards", "list", db=db,
                    env=_env(tmp_path, SCS_VICTIMS_USER="olive",
                             SCS_VICTIMS_PASSWORD="handed-over-pass-9"))
    assert reset.returncode == 1 and "Choose a new password first" in reset.stderr
    kinds = [row["detail"] for row in _audit(tmp_path, db, "--kind", "user")]
    assert any("disabled" in detail for detail in kinds)
    assert any("password_reset" in detail for detail in kinds)


def test_only_administrators_manage_users_and_the_refusal_is_a_recorded_sentence(
        tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _add_olive(tmp_path, db)
    result = run_cli(tmp_path, "users", "add", "eve", "--role", "admin", db=db,
                     env=_env(tmp_path, **OLIVE, SCS_VICTIMS_NEW_PASSWORD="eve-pass-12345"))
    assert result.returncode == 1
    assert result.stderr.strip() == ("Your role (officer) does not allow managing user "
                                     "accounts.")
    refused = _audit(tmp_path, db, "--kind", "refused")
    assert [row["user"] for row in refused] == ["olive"]
    audit = run_cli(tmp_path, "audit", "verify", db=db, env=_env(tmp_path, **OLIVE))
    assert audit.returncode == 1
    assert audit.stderr.strip() == "Your role (officer) does not allow reading the audit log."


def test_audit_list_writes_the_columns_and_filters(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _add_olive(tmp_path, db)
    out = tmp_path / "audit.csv"
    _ok(run_cli(tmp_path, "audit", "list", "--user", "olive", "--format", "csv", "--out", out,
                db=db))
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["when", "user", "kind", "record", "detail"]
    assert {row[1] for row in rows[1:]} == {"olive"}
    assert {row[2] for row in rows[1:]} >= {"sign_in", "user"}
    dated = _audit(tmp_path, db, "--from", "2000-01-01", "--to", "2000-12-31")
    assert dated == []


def test_audit_verify_names_the_first_broken_link(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _ok(run_cli(tmp_path, "init", db=db))
    _ok(run_cli(tmp_path, "wards", "list", db=db))
    intact = _ok(run_cli(tmp_path, "audit", "verify", db=db))
    assert intact.startswith("The audit chain is intact")
    connection = raw_connect(db)
    with connection:
        connection.execute("DROP TRIGGER audit_events_no_delete")
        connection.execute("DELETE FROM audit_events WHERE id = 2")
    connection.close()
    broken = run_cli(tmp_path, "audit", "verify", db=db)
    assert broken.returncode == 1
    assert broken.stderr.startswith("The audit chain is broken at event 3")


def test_the_actor_is_the_account_not_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _ok(run_cli(tmp_path, "init", db=db))
    _ok(run_cli(tmp_path, "wards", "list", db=db,
                env=_env(tmp_path, USER="impostor", USERNAME="impostor", LOGNAME="impostor")))
    rows = _audit(tmp_path, db)
    assert {row["user"] for row in rows} == {ADMIN}
    assert ADMIN_PASSWORD not in str(rows)
