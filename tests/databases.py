"""A PostgreSQL server for the tests and benches: the one named by
`DRAFTBOT_TEST_DATABASE_URL` (CI starts Debian's cluster and sets it), else a throwaway
cluster made with `initdb`/`pg_ctl` from /usr/lib/postgresql/*/bin in a temporary folder on
a free port (run as the `postgres` user when we are root: initdb refuses root)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

from draftbot.store import Store
from draftbot.store.dialects import PostgreSQLDatabase

ENV_URL = "DRAFTBOT_TEST_DATABASE_URL"


def _bindir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4])
    )
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: `apt-get install postgresql` (as .ci/run does), "
            f"or set {ENV_URL}"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A throwaway PostgreSQL cluster in `folder`: `url`, and `stop()`/`start()` to play a
    database server restart."""

    def __init__(self, folder: Path) -> None:
        self.bindir = _bindir()
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
            " -c fsync=off -c max_connections=300"
        )
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.folder / "log"),
                    "-w",
                    "-t",
                    "120",
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self, mode: str = "immediate") -> None:
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop"]),
            capture_output=True,
        )


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Start a private cluster; yield it; stop it and delete it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="draftbot-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    try:
        cluster = Cluster(folder)
        cluster.init()
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def server_url() -> Iterator[str]:
    """`DRAFTBOT_TEST_DATABASE_URL` when set, else a throwaway cluster's URL."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        yield url
        return
    with throwaway_cluster() as cluster:
        yield cluster.url


def with_search_path(url: str, schema: str) -> str:
    """`url` whose connections use `schema` (libpq `options`)."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A new empty schema on the server at `url`; yield a URL using it; drop it afterwards."""
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def raw_connection(store: Store) -> Iterator[Any]:
    """A connection of its own to the store's database, outside the store (autocommit), to
    play another program or an old version: `.execute(sql)` on either database."""
    if store.path is not None:
        db = sqlite3.connect(store.path, isolation_level=None)
        try:
            yield db
        finally:
            db.close()
    else:
        assert isinstance(store.db, PostgreSQLDatabase)
        with psycopg.connect(store.db.url, autocommit=True) as conn:
            yield conn


@contextmanager
def write_lock_held(store: Store) -> Iterator[None]:
    """Another connection holds the lock a report write needs, until the block ends."""
    with raw_connection(store) as db:
        if store.path is not None:
            db.execute("BEGIN IMMEDIATE")
        else:
            db.execute("BEGIN")
            db.execute("LOCK TABLE reports IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            db.execute("ROLLBACK")
