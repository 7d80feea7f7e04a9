"""A throwaway PostgreSQL server on loopback, for tests/test_postgres_store.py and bench/postgres_load.py.

``postgres_server()`` runs Debian's server binaries (``/usr/lib/postgresql/<version>/bin``): initdb
into a temporary folder, ``pg_ctl start`` on a free port on 127.0.0.1 (its socket in the same
folder), and, on leaving the ``with`` block (even after a failure), ``pg_ctl stop`` and removal of
the folder. PostgreSQL refuses to run as root, so as root the binaries run as user ``postgres``
through ``runuser``. ``find_server_bin()`` is None when no binaries are installed (the tests then
skip; ``apt-get install postgresql`` provides them).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "dyads"


def find_server_bin() -> Path | None:
    """The folder holding initdb and pg_ctl (the newest installed version), or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name or 0)
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def why_unavailable() -> str | None:
    """None when a throwaway server can be started here, else the reason it cannot."""
    if find_server_bin() is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root but there is no 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root but runuser is missing"
    return None


@dataclass(frozen=True)
class Server:
    """A running throwaway server: connect as ``url(dbname)``."""

    host: str
    port: int

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """Create database ``name`` (a plain identifier) and return its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')  # faster than WAL_LOG for a small database
        return self.url(name)

    def create_schema(self, name: str, *, dbname: str = "postgres") -> str:
        """Create schema ``name`` (a plain identifier) in ``dbname`` and return a URL whose
        sessions use it (``search_path``): a fresh, empty store in milliseconds."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as con:
            con.execute(f'CREATE SCHEMA "{name}"')
        return f"{self.url(dbname)}?options=-csearch_path%3D{name}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(args: list[str], *, as_postgres: bool) -> None:
    command = ["runuser", "-u", "postgres", "--", *args] if as_postgres else args
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


@contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[Server]:
    """Start a throwaway server; stop it and delete its files afterwards.

    ``durable=False`` (tests) turns fsync off; ``durable=True`` keeps PostgreSQL's defaults
    (fsync, synchronous commit), as a real deployment would run, for benchmarks.
    """
    reason = why_unavailable()
    if reason is not None:
        raise RuntimeError(reason)
    bin_dir = find_server_bin()
    assert bin_dir is not None
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="dyads-pg-"))
    data, sockets, log = root / "data", root / "sock", root / "server.log"
    sockets.mkdir()
    if as_postgres:
        owner = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    started = False
    try:
        _run(
            [str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "-U", SUPERUSER, "--encoding=UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            as_postgres=as_postgres,
        )
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"],
             as_postgres=as_postgres)
        started = True
        yield Server(host="127.0.0.1", port=port)
    finally:
        if started:
            try:
                _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], as_postgres=as_postgres)
            except (RuntimeError, subprocess.TimeoutExpired):
                pass  # the folder goes anyway; a server left running has lost its files
        shutil.rmtree(root, ignore_errors=True)
