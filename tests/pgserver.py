"""A throwaway PostgreSQL cluster for the district tests (Debian's `postgresql`): initdb in a
short temporary folder owned by `postgres` (the server refuses root), local connections
trusted for the test's own set-up, TCP on 127.0.0.1 with passwords (scram) for the wards."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("postgresql is not installed: run tests/system-setup.sh")
    return found[-1]


def _as_postgres(*args: str) -> subprocess.CompletedProcess:
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*runner, *args], capture_output=True, text=True, check=True)


class PgServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="pg", dir="/tmp"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        _as_postgres(
            _bin("initdb"),
            "-D",
            str(self.dir / "data"),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.start()

    def start(self) -> None:
        options = f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_postgres(
            _bin("pg_ctl"),
            "-D",
            str(self.dir / "data"),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "immediate") -> None:
        _as_postgres(_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", mode, "-w", "stop")

    def admin(self, sql: str, database: str = "postgres") -> None:
        with psycopg.connect(
            host=str(self.dir), port=self.port, user="postgres", dbname=database, autocommit=True
        ) as conn:
            conn.execute(sql)

    def database(self, name: str, user: str, password: str) -> str:
        """A fresh database owned by ``user`` (made with ``password``): its URL without the
        password, as a ward's schedules.toml holds it."""
        self.admin(f"DROP DATABASE IF EXISTS {name}")
        self.admin(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}') THEN "
            f"CREATE ROLE {user} LOGIN PASSWORD '{password}'; END IF; END $$"
        )
        self.admin(f"CREATE DATABASE {name} OWNER {user}")
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        try:
            self.stop("fast")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
