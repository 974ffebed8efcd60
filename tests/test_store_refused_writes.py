"""After any refused write the next read works (issue 17, PostgreSQL connection state).

On PostgreSQL a pooled connection whose statement was refused must come back to the pool
idle: rolled back, settings as configured, or else discarded. Each kind of refusal is
played on a store whose pool holds ONE connection, so the next read gets the very
connection the refusal happened on; every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from databases import raw_connection, write_lock_held
from draftbot.model import Meta, Report
from draftbot.store import Store, StoreBusy, VersionConflict
from draftbot.store.dialects import PostgreSQLDatabase

BUSY_MS = 300


@pytest.fixture
def one_connection_store(store_location: str | Path) -> Iterator[Store]:
    """A store whose PostgreSQL pool has one connection (SQLite: one per thread anyway)."""
    opened = Store(store_location, busy_timeout_ms=BUSY_MS)
    if isinstance(opened.db, PostgreSQLDatabase):
        opened.db.close()
        opened.db = PostgreSQLDatabase(str(store_location), BUSY_MS, pool_size=1)
    yield opened
    opened.close()


def a_report(agency: str = "某县交通运输局") -> Report:
    return Report(meta=Meta(agency=agency, report_year=2025))


def backend(store: Store) -> object:
    """Which server process answers (PostgreSQL), to show the refused connection is reused."""
    if store.path is not None:
        return None
    return store.reader().execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"]


def unique_violation(store: Store) -> None:
    with store._transaction() as db:
        db.execute("INSERT INTO leases (name, holder, expires_at) VALUES ('x', 'a', 1)")
    with store._transaction() as db:
        db.execute("INSERT INTO leases (name, holder, expires_at) VALUES ('x', 'b', 2)")


def check_violation(store: Store) -> None:
    with store._transaction() as db:
        db.execute("INSERT INTO model_calls (counter, day, calls) VALUES ('c', '2026-12-01', -1)")


def append_only_violation(store: Store) -> None:
    store.append_chat("report:r", '{"role": "clerk", "text": "原话"}')
    with store._transaction() as db:
        db.execute("UPDATE chat_entries SET entry = 'x'")


def version_conflict(store: Store) -> None:
    stored = store.create(a_report())
    store.save(stored.id, a_report("某县交通运输局（新）"), stored.version)
    store.save(stored.id, a_report("某县交通运输局（旧页）"), stored.version)  # stale version


def refused_after_a_write(store: Store) -> None:
    """A statement refused after an earlier statement of the same transaction succeeded."""
    with store._transaction() as db:
        db.execute("INSERT INTO leases (name, holder, expires_at) VALUES ('y', 'a', 1)")
        db.execute("INSERT INTO no_such_table (a) VALUES (1)")


def error_in_python_mid_transaction(store: Store) -> None:
    with store._transaction() as db:
        db.execute("INSERT INTO leases (name, holder, expires_at) VALUES ('z', 'a', 1)")
        raise ValueError("the caller gave up half way")


def refused_at_commit(store: Store) -> None:
    """Every statement accepted, the COMMIT refused (a deferred foreign key)."""
    with store._transaction() as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS notes (report_id TEXT NOT NULL"
            " REFERENCES reports(id) DEFERRABLE INITIALLY DEFERRED)"
        )
    with store._transaction() as db:
        db.execute("INSERT INTO notes (report_id) VALUES ('no-such-report')")


def lock_timeout(store: Store) -> None:
    stored = store.create(a_report())
    with write_lock_held(store):
        store.save(stored.id, a_report("某县交通运输局（新）"), stored.version)


def refused_read(store: Store) -> None:
    store.reader().execute("SELECT no_such_column FROM reports")


REFUSALS: dict[str, tuple[Callable[[Store], object], tuple[type[Exception], ...]]] = {
    "unique": (unique_violation, (Exception,)),
    "check": (check_violation, (Exception,)),
    "append-only": (append_only_violation, (Exception,)),
    "version": (version_conflict, (VersionConflict,)),
    "after-a-write": (refused_after_a_write, (Exception,)),
    "python-error": (error_in_python_mid_transaction, (ValueError,)),
    "refused-commit": (refused_at_commit, (Exception,)),
    "lock-timeout": (lock_timeout, (StoreBusy,)),
    "refused-read": (refused_read, (Exception,)),
}


@pytest.mark.parametrize("kind", list(REFUSALS))
def test_the_next_read_and_write_work_after_a_refusal(one_connection_store: Store, kind: str):
    store = one_connection_store
    store.create(a_report("某县财政局"))
    before = backend(store)
    refuse, expected = REFUSALS[kind]
    with pytest.raises(expected):
        refuse(store)
    # the next read, on the same connection where the pool kept it
    assert "某县财政局" in [s.report.meta.agency for s in store.list()]
    assert store.take_lease("after", "a", now=10.0, seconds=5)  # and the next write
    assert store.event_times("nothing", 0.0) == []
    assert backend(store) == before  # the same connection, kept and clean, not replaced


@pytest.fixture
def pg_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A PostgreSQL store with a one-connection pool (for what only a server session has)."""
    from databases import fresh_schema

    with fresh_schema(request.getfixturevalue("pg_server_url")) as url:
        opened = Store(url, busy_timeout_ms=BUSY_MS)
        opened.db.close()
        opened.db = PostgreSQLDatabase(url, BUSY_MS, pool_size=1)
        yield opened
        opened.close()


def test_after_a_serialization_failure_the_next_read_works(pg_store: Store) -> None:
    before = backend(pg_store)
    # a serialization failure (or a deadlock) is "busy, try again", not "server unreachable"
    with pytest.raises(StoreBusy, match="数据库正忙"), pg_store._transaction() as db:
        db.execute("INSERT INTO leases (name, holder, expires_at) VALUES ('s', 'a', 1)")
        db.execute(
            "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access'"
            " USING ERRCODE = 'serialization_failure'; END $$"
        )
    assert pg_store.event_times("nothing", 0.0) == [] and backend(pg_store) == before
    assert pg_store.take_lease("s", "b", now=1.0, seconds=5)  # the refused insert is gone


def test_what_a_caller_changes_in_the_session_is_undone(pg_store: Store) -> None:
    """A SET, a session advisory lock or a temporary table does not reach the next borrower;
    the lock timeout of the store stays as configured."""
    before = backend(pg_store)
    with pg_store._transaction() as db:
        db.execute("SET lock_timeout = 123456")
        db.execute("SET search_path = pg_catalog")
        db.execute("SELECT pg_advisory_lock(42) AS locked")
        db.execute(f"CREATE TEMPORARY TABLE scratch_{before} (a INTEGER)")  # unique per session
    reader = pg_store.reader()
    assert backend(pg_store) == before
    assert reader.execute("SHOW lock_timeout").fetchone()["lock_timeout"] == f"{BUSY_MS}ms"
    assert pg_store.list() == []  # the test schema is found again (search_path restored)
    held = reader.execute(  # this session's locks: other test runs may share the cluster
        "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = ?", (before,)
    )
    assert held.fetchone()["n"] == 0
    temp = reader.execute(
        "SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = ?", (f"scratch_{before}",)
    )
    assert temp.fetchone()["n"] == 0


def test_a_connection_killed_by_the_server_is_replaced(pg_store: Store) -> None:
    pid = backend(pg_store)
    with raw_connection(pg_store) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert pg_store.list() == []  # a new connection answers, no error
    assert backend(pg_store) != pid
