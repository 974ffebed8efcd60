"""The database side of server mode: its tables (data/server_tables.sql) and reads.

The SQL follows the store's contract for adding tables (portable types, `?` placeholders,
rows read by column name, `{id_pk}` for an auto-numbered key, `-- append-only: <table>`
directive lines that become triggers
refusing UPDATE and DELETE). `install` applies the file idempotently (every statement is
`IF NOT EXISTS`); `reader` is the read connection accounts, workflow and trail query.
Writes go through the store's own transaction (`store._transaction()`).
"""

from __future__ import annotations

import re
from pathlib import Path

from .store import Reader, Store

SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "server_tables.sql"
_APPEND_ONLY = re.compile(r"^-- append-only: (\w+)\s*$", re.M)


def schema_sql() -> str:
    """The tables of server mode as one SQLite script, append-only directives expanded."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")

    def triggers(match: re.Match[str]) -> str:
        table = match.group(1)
        return "".join(
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table}\n"
            f"    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;\n"
            for op in ("UPDATE", "DELETE")
        )

    text = text.replace("{id_pk}", "INTEGER PRIMARY KEY AUTOINCREMENT")
    return _APPEND_ONLY.sub(triggers, text)


def append_only_tables() -> list[str]:
    """Tables the schema marks append-only."""
    return _APPEND_ONLY.findall(SCHEMA_FILE.read_text(encoding="utf-8"))


def install(store: Store) -> None:
    """Create the tables of server mode if missing, on either database: applied once as a
    store migration (`server_mode`; every statement is `IF NOT EXISTS`)."""
    from .store.dialects import Migration

    store.db.migrate([Migration("server_mode", SCHEMA_FILE.read_text(encoding="utf-8"))])


def reader(store: Store) -> Reader:
    """Reads of server-mode tables (rows by column name, either database)."""
    return store.reader()
