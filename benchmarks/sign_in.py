"""Issue 16: signing in takes under 1 s on this machine, Argon2id included.

    .venv/bin/python benchmarks/sign_in.py          # or: python3 tasks.py bench --only sign-in

Measures ``scs_victims.actions.signing_in.sign_in`` (what the sign-in window and every command
call): finding the account, verifying the password with argon2-cffi's default parameters,
and recording the sign-in in the audit log, on a fresh database in a temporary folder.
Twenty sign-ins after one warm-up; prints the median and the slowest.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

RUNS = 20
BENCH_NAME, BENCH_PASSWORD = "bench-admin", "bench-admin-pass-1"


def bench_user(database: object) -> object:
    """The benchmarks' synthetic administrator on ``database``, created on first use."""
    from scs_victims.actions.signing_in import create_first_admin, has_accounts, sign_in

    if not has_accounts(database):  # type: ignore[arg-type]
        return create_first_admin(database, BENCH_NAME, BENCH_PASSWORD)[0]  # type: ignore[arg-type]
    return sign_in(database, BENCH_NAME, BENCH_PASSWORD)  # type: ignore[arg-type]


def measure_sign_in(runs: int = RUNS) -> dict[str, float]:
    from scs_victims.actions.opening import open_store
    from scs_victims.actions.signing_in import create_first_admin, sign_in

    with tempfile.TemporaryDirectory() as folder:
        database = open_store(Path(folder) / "sign-in.db")
        try:
            create_first_admin(database, "bench-admin", "bench-admin-pass-1")
            sign_in(database, "bench-admin", "bench-admin-pass-1")  # warm-up
            timings = []
            for _ in range(runs):
                start = time.perf_counter()
                sign_in(database, "bench-admin", "bench-admin-pass-1")
                timings.append(time.perf_counter() - start)
        finally:
            database.close()
    result = {"sign_in_s": round(statistics.median(timings), 3),
              "sign_in_s_max": round(max(timings), 3)}
    print(f"sign-in (Argon2id verify + audit event): median {result['sign_in_s']} s, "
          f"slowest {result['sign_in_s_max']} s of {runs}", flush=True)
    return result


if __name__ == "__main__":
    sys.exit(0 if measure_sign_in()["sign_in_s"] < 1.0 else 1)
