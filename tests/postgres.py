"""A real PostgreSQL server for the tests: initdb and pg_ctl in a temp dir, 127.0.0.1 only, on a
free port, stopped at the end (as the postgres user when the tests run as root: initdb refuses root)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import free_port


def _binary(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        if os.environ.get("CI"):
            raise AssertionError("PostgreSQL is not installed (the test command installs Debian's postgresql)")
        pytest.skip("PostgreSQL is not installed (apt install postgresql)")
    # not under pytest's temp dir: that is private to root, and the server runs as postgres
    root = Path(tempfile.mkdtemp(prefix="avtalebot-pg-"))
    run_as = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    db = root / "db"
    subprocess.run([*run_as, initdb, "-D", str(db), "-A", "trust", "-U", "avtalebot", "-E", "UTF8", "--no-sync"],
                   check=True, capture_output=True)  # fmt: skip
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run([*run_as, pg_ctl, "-D", str(db), "-o", opts, "-l", str(root / "log"), "-w", "start"],
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield f"postgresql://avtalebot@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(db), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_database(postgres_url) -> str:
    """A fresh, empty database on the shared server for one test."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"
