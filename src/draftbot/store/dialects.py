"""The two databases under the store: SQLite (stdlib `sqlite3`) and PostgreSQL (psycopg 3).

Both run the same portable SQL written with `?` placeholders (docs/storage.md). A `Database`
gives reads (`read`), write transactions (`transaction`, yielding a `Transaction` whose
`execute` returns a DB-API cursor whose rows are read by column name) and the migrations
(`migrate`). Lock waits longer than the busy timeout, and a pool with no free connection,
raise `Busy`; a database that cannot be reached raises `Unreachable`.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import urlsplit, urlunsplit

from ..errors import DraftbotError

Params = Sequence[object]

#: The advisory lock id taken by every instance while it applies migrations (PostgreSQL).
MIGRATION_LOCK_ID = 0x64726166  # "draf"


class Busy(DraftbotError):
    """A lock or a pooled connection was not had within the busy timeout."""


class Unreachable(DraftbotError):
    """The database server cannot be reached (wrong address, server down, refused login)."""


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Transaction(Protocol):
    def execute(self, sql: str, params: Params = ()) -> Cursor: ...


@dataclass(frozen=True)
class Migration:
    """One ordered schema change: `name` like `0001_baseline`, `sql` the file's text;
    `formerly` the names it was recorded under before (a database that applied it under one
    of them does not apply it again)."""

    name: str
    sql: str
    formerly: tuple[str, ...] = ()


def is_postgresql_url(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def safe_url(url: str) -> str:
    """The URL with its password replaced by `***` (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


_DIRECTIVE = re.compile(r"^--\s*append-only:\s*(\w+)\s*$")


def split_migration(sql: str) -> list[tuple[str, str]]:
    """The statements of a migration file as (kind, text): kind "sql" for a statement (ended
    by `;` at the end of a line), "append-only" for a `-- append-only: table` directive."""
    parts: list[tuple[str, str]] = []
    current: list[str] = []
    for line in sql.splitlines():
        directive = _DIRECTIVE.match(line.strip())
        if directive:
            parts.append(("append-only", directive.group(1)))
            continue
        if line.strip().startswith("--"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            text = "\n".join(current).strip().rstrip(";").strip()
            if text:
                parts.append(("sql", text))
            current = []
    if "\n".join(current).strip():
        parts.append(("sql", "\n".join(current).strip()))
    return parts


class Database:
    """Common part of both databases: migrations applied once each, under a lock."""

    name = ""
    id_pk = ""  # the type of an integer key numbered by the database ({id_pk} in migrations)
    blob = ""  # the type of a column of bytes ({blob} in migrations)
    IntegrityError: type[Exception] = Exception

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        raise NotImplementedError
        yield

    def read(self, sql: str, params: Params = ()) -> list[Any]:
        raise NotImplementedError

    def append_only(self, table: str) -> list[str]:
        raise NotImplementedError

    def lock_for_migrations(self, tx: Transaction) -> None:
        """Make concurrent instances apply migrations one after the other."""

    def migrate(self, migrations: Sequence[Migration]) -> list[str]:
        """Apply the migrations not yet applied, in order, in one transaction; their names."""
        applied: list[str] = []
        with self.transaction() as tx:
            self.lock_for_migrations(tx)
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {
                row["name"] for row in tx.execute("SELECT name FROM schema_migrations").fetchall()
            }
            for migration in migrations:
                if migration.name in done or done.intersection(migration.formerly):
                    continue
                for kind, text in split_migration(migration.sql):
                    if kind == "append-only":
                        for statement in self.append_only(text):
                            tx.execute(statement)
                    else:
                        tx.execute(text.replace("{id_pk}", self.id_pk).replace("{blob}", self.blob))
                tx.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, CURRENT_TIMESTAMP)",
                    (migration.name,),
                )
                applied.append(migration.name)
        return applied

    def describe(self) -> str:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


# --- SQLite ------------------------------------------------------------------------------


class SQLiteDatabase(Database):
    """One file; one connection per thread; WAL, synchronous=FULL, foreign keys on; writes in
    `BEGIN IMMEDIATE` transactions that wait at most `busy_timeout_ms` for the write lock."""

    name = "sqlite"
    id_pk = "INTEGER PRIMARY KEY AUTOINCREMENT"
    blob = "BLOB"
    IntegrityError = sqlite3.IntegrityError

    def __init__(self, path: Path, busy_timeout_ms: int) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            # the busy timeout must hold from the first statement: switching a new file to WAL
            # takes a lock that another instance starting at the same moment may hold
            db = sqlite3.connect(
                self.path, isolation_level=None, timeout=self.busy_timeout_ms / 1000
            )
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT; anything raised inside, or a refused COMMIT, rolls the
        whole change back and leaves the connection out of any transaction."""
        db = self.connection()
        db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise Busy() from exc
        try:
            yield cast(Transaction, db)
        except BaseException:
            self._abandon(db)
            raise
        try:
            db.execute("COMMIT")  # refused e.g. by a deferred constraint: then rolled back
        except BaseException:
            self._abandon(db)
            raise

    def _abandon(self, db: sqlite3.Connection) -> None:
        """Roll back what is left of a failed transaction, so this thread's connection is
        usable for the next one (SQLite may have rolled back by itself already); a connection
        that cannot even roll back is closed, and the next use opens a new one."""
        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except sqlite3.Error:
            db.close()
            self._local.db = None

    def read(self, sql: str, params: Params = ()) -> list[Any]:
        return self.connection().execute(sql, tuple(params)).fetchall()

    def append_only(self, table: str) -> list[str]:
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()}"
            f" BEFORE {verb} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            for verb in ("UPDATE", "DELETE")
        ]

    def describe(self) -> str:
        return str(self.path)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


# --- PostgreSQL ---------------------------------------------------------------------------


class _PgTransaction:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return _pg_execute(self._conn, sql, params)


def _pg_sql(sql: str) -> str:
    """Portable `?` placeholders as psycopg's `%s` (a literal `%` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _pg_execute(conn: Any, sql: str, params: Params) -> Cursor:
    if params:
        return conn.execute(_pg_sql(sql), tuple(params))
    return conn.execute(sql)


#: Run on a connection given back to the pool, after psycopg_pool has rolled back any
#: transaction left open or aborted: whatever a caller changed in the session (a `SET`, a
#: cursor, a LISTEN, a session advisory lock, a temporary table) is undone, so the next
#: borrower gets the connection as it was opened. Not `DISCARD ALL`, which would also drop
#: psycopg's prepared statements on every return.
SESSION_RESET = "CLOSE ALL; UNLISTEN *; RESET ALL; SELECT pg_advisory_unlock_all(); DISCARD TEMP"

#: Marks a connection used for a write transaction or given back after an error: only those
#: are reset. A plain read (one of the store's SELECTs, in autocommit) changes nothing in the
#: session and keeps its connection without the extra round trip.
_TOUCHED = "_draftbot_touched"


def _reset_session(conn: Any) -> None:
    """psycopg_pool's `reset` hook; a connection it cannot reset is discarded by the pool."""
    if vars(conn).pop(_TOUCHED, False):
        conn.execute(SESSION_RESET)


def _with_lock_timeout(url: str, busy_timeout_ms: int) -> str:
    """The URL's libpq `options` plus `-c lock_timeout=…`: set at connection start, so it is
    the session default that `RESET ALL` returns to."""
    from psycopg.conninfo import conninfo_to_dict

    given = str(conninfo_to_dict(url).get("options") or "")
    return f"{given} -c lock_timeout={int(busy_timeout_ms)}".strip()


class PostgreSQLDatabase(Database):
    """A psycopg 3 connection pool (opened once per process). Each write is one transaction
    (READ COMMITTED; the store's versioned UPDATEs make lost updates impossible); lock waits
    are bounded by `lock_timeout` = the busy timeout. A connection comes back to the pool
    rolled back (psycopg_pool) and, after a write or an error, reset (`SESSION_RESET`); one
    that the server dropped is replaced when next borrowed (`check`)."""

    name = "postgresql"
    id_pk = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    blob = "BYTEA"

    def __init__(self, url: str, busy_timeout_ms: int, *, pool_size: int = 10) -> None:
        import psycopg
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self._psycopg = psycopg
        self.url = url
        try:  # one direct try first: a wrong address or password fails at once, clearly
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as exc:
            raise Unreachable(str(exc)) from None
        self.busy_timeout_ms = busy_timeout_ms
        self.IntegrityError = psycopg.IntegrityError
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={
                "autocommit": True,
                "row_factory": dict_row,
                "connect_timeout": 10,
                "options": _with_lock_timeout(url, busy_timeout_ms),
            },
            check=ConnectionPool.check_connection,
            reset=_reset_session,
            open=False,
            name="draftbot",
        )
        try:
            self._pool.open(wait=True, timeout=15)
        except Exception as exc:
            self._pool.close()
            raise Unreachable(str(exc)) from None
        # a database dropped without close() closes its pool then, in the thread dropping it
        # (left to the pool's own __del__, that may run in a pool worker, which cannot join
        # itself)
        weakref.finalize(self, self._pool.close)

    @contextmanager
    def _connection(self, *, write: bool) -> Iterator[Any]:
        """A pooled connection; `write` marks it for the session reset when given back."""
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection(timeout=max(self.busy_timeout_ms / 1000, 1)) as conn:
                if write:
                    setattr(conn, _TOUCHED, True)
                try:
                    yield conn
                except BaseException:
                    setattr(conn, _TOUCHED, True)
                    raise
        except PoolTimeout as exc:
            raise Busy() from exc
        except (
            self._psycopg.errors.LockNotAvailable,  # lock_timeout
            self._psycopg.errors.SerializationFailure,
            self._psycopg.errors.DeadlockDetected,
            self._psycopg.errors.QueryCanceled,  # statement_timeout set by an administrator
        ) as exc:
            raise Busy() from exc  # the server is there and the write may simply be retried
        except self._psycopg.OperationalError as exc:
            raise Unreachable(str(exc)) from exc

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._connection(write=True) as conn, conn.transaction():
            yield _PgTransaction(conn)

    def read(self, sql: str, params: Params = ()) -> list[Any]:
        with self._connection(write=False) as conn:
            return _pg_execute(conn, sql, params).fetchall()

    def lock_for_migrations(self, tx: Transaction) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(?) AS locked", (MIGRATION_LOCK_ID,))

    def append_only(self, table: str) -> list[str]:
        return [
            "CREATE OR REPLACE FUNCTION draftbot_append_only() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN"
            " RAISE EXCEPTION '% is append-only', TG_TABLE_NAME"
            " USING ERRCODE = 'integrity_constraint_violation'; END $$",
            f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION draftbot_append_only()",
            f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION draftbot_append_only()",
        ]

    def describe(self) -> str:
        return safe_url(self.url)

    def close(self) -> None:
        self._pool.close()
