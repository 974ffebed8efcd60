"""The database side of server mode: its tables and reads.

The tables (accounts, sessions, review workflow, audit trail) are the store migration
`store/migrations/0005_server_mode.sql`, applied with the others whenever a store opens, on
either database; databases that applied them under their former name `server_mode` keep
them. `reader` is the read connection accounts, workflow and trail query. Writes go through
the store's own transaction (`store._transaction()`).
"""

from __future__ import annotations

from .store import Reader, Store, migrations
from .store.dialects import split_migration

SERVER_MIGRATION = "0005_server_mode"


def append_only_tables() -> list[str]:
    """Tables the server-mode migration marks append-only (`-- append-only: <table>`)."""
    (migration,) = (m for m in migrations() if m.name == SERVER_MIGRATION)
    return [text for kind, text in split_migration(migration.sql) if kind == "append-only"]


def reader(store: Store) -> Reader:
    """Reads of server-mode tables (rows by column name, either database)."""
    return store.reader()
