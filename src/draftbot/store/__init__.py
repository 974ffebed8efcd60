"""Persistence for reports and their section revisions, over SQLite or PostgreSQL.

The database is chosen by one setting, `DRAFTBOT_DATABASE_URL` (`open_store`): unset, the
SQLite file `draftbot.sqlite3` in the data folder; `postgresql://…`, a PostgreSQL database
(psycopg 3, one pool per process). The SQL is portable and written once (docs/storage.md);
the schema comes from the ordered migrations in `store/migrations/`, applied on open.

One row per report holds the whole report data as JSON plus a version number; every save
states the version it was based on, so a stale browser tab gets `VersionConflict` instead of
overwriting newer work. Section revisions are append-only (triggers refuse UPDATE and
DELETE). WAL journal, synchronous=FULL (a clerk types over days: commits must survive a
power cut), foreign keys on. Each write is one transaction. On PostgreSQL the same
guarantees hold: the versioned UPDATE, a trigger refusing UPDATE/DELETE/TRUNCATE of
revisions, one transaction per write.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import hashlib
import json
import stat
import threading
import uuid
from collections import OrderedDict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ..basis import record_basis
from ..errors import DraftbotError
from ..model import Report, Revision
from ..outline import SECTION_KEYS
from .dialects import (
    Busy,
    Database,
    Migration,
    Params,
    PostgreSQLDatabase,
    SQLiteDatabase,
    Transaction,
    Unreachable,
    is_postgresql_url,
    safe_url,
)

DB_FILENAME = "draftbot.sqlite3"
BUSY_TIMEOUT_MS = 5000

ReportStatus = Literal["drafting", "reviewing", "final"]
STATUS_LABELS: dict[str, str] = {"drafting": "填写中", "reviewing": "待审核", "final": "已定稿"}
RevisionKind = Literal["accepted", "failed"]


class StoreError(DraftbotError):
    """A persistence problem, with a Chinese message for the user."""


class StoreBusy(StoreError):
    """Another writer holds the database longer than the busy timeout; retry later."""


class ReportFinal(StoreError):
    """The report is 已定稿: its content is frozen until the status is changed back."""

    def __init__(self) -> None:
        super().__init__(
            "这份报告已定稿，内容不能再修改；如需修改，请先在“概况”中把状态改回“待审核”或“填写中”"
        )


class ReportNotFound(StoreError):
    def __init__(self, report_id: str) -> None:
        super().__init__("找不到这份报告，可能链接有误")
        self.report_id = report_id


class VersionConflict(StoreError):
    """The report changed since the caller loaded it (another tab or person saved first)."""

    def __init__(self, current: StoredReport, based_on: int) -> None:
        super().__init__(
            f"这份报告已在别处被修改（您打开的是第 {based_on} 版，现在是第 {current.version} 版）。"
            "为避免覆盖他人的修改，本次更改未保存；请刷新页面查看最新内容后再改。"
        )
        self.current = current
        self.based_on = based_on


@dataclass(frozen=True)
class ReportHeader:
    id: str
    version: int
    status: ReportStatus
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class StoredReport(ReportHeader):
    report: Report


@dataclass(frozen=True)
class ReportSummary:
    """One line of the report list, read without parsing the report: agency and year are
    stored on every save; `errors`/`warnings` are the check counts of `counted_version`
    (None, or a version older than `header.version`, means they must be recounted)."""

    header: ReportHeader
    agency: str
    report_year: int
    errors: int | None
    warnings: int | None
    counted_version: int | None

    @property
    def counted(self) -> bool:
        return self.counted_version == self.header.version


@dataclass(frozen=True)
class SummaryPage:
    """A page of the report list: its rows, the number of matching reports, and the page."""

    rows: list[ReportSummary]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class SectionRevision:
    id: int
    report_id: str
    section: str
    text: str
    source: str
    kind: RevisionKind
    note: str
    report_version: int
    created_at: dt.datetime

    def as_revision(self) -> Revision:
        """This entry as the data file's `Revision` (the one model of a revision)."""
        return Revision.model_validate(
            {
                "section": self.section,
                "text": self.text,
                "source": self.source,
                "saved_at": self.created_at,
                "kind": self.kind,
                "note": self.note,
            }
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _dump(report: Report) -> str:
    return report.model_dump_json(exclude_none=True)


class Store:
    """Reports and section revisions in SQLite or PostgreSQL; safe to share between threads.

    `location` is a SQLite file path, or a `postgresql://` URL. Raises `StoreError` (Chinese,
    naming DRAFTBOT_DATABASE_URL, password hidden) when the database cannot be reached.
    """

    def __init__(self, location: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.busy_timeout_ms = busy_timeout_ms
        self.db: Database
        self.path: Path | None = None
        if is_postgresql_url(location):
            try:
                self.db = PostgreSQLDatabase(str(location), busy_timeout_ms)
            except Unreachable:
                raise StoreError(
                    f"无法连接数据库 {safe_url(str(location))}：请检查 DRAFTBOT_DATABASE_URL"
                    "（地址、端口、用户名、密码、数据库名）以及数据库服务是否已启动"
                ) from None
        else:
            self.path = Path(location)
            make_private_folder(self.path.parent)
            self.db = SQLiteDatabase(self.path, busy_timeout_ms)
        self._counts: OrderedDict[bytes, tuple[int, int]] = OrderedDict()
        self._count_lock = threading.Lock()
        with self._translated():
            self.db.migrate(migrations())
        self._summarize_missing()
        if self.path is not None:
            for name in (self.path, *(self.path.with_name(self.path.name + s) for s in SIDE_FILES)):
                make_private_file(name)

    @classmethod
    def in_folder(cls, folder: str | Path) -> Store:
        return cls(Path(folder) / DB_FILENAME)

    @property
    def location(self) -> str:
        """Where the data is, safe to show: the SQLite file, or the URL without password."""
        return self.db.describe()

    # --- connections -------------------------------------------------------------------

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except Busy:
            raise StoreBusy("数据库正忙，请稍后再试；您的修改仍在页面上，未丢失") from None
        except Unreachable:
            raise StoreBusy("暂时连不上数据库，请稍后再试；您的修改仍在页面上，未丢失") from None

    @contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        """One write transaction; anything raised inside rolls the whole change back."""
        with self._translated(), self.db.transaction() as db:
            yield db

    def _read(self, sql: str, params: Params = ()) -> list[Any]:
        with self._translated():
            return self.db.read(sql, params)

    def _read_one(self, sql: str, params: Params = ()) -> Any:
        rows = self._read(sql, params)
        return rows[0] if rows else None

    def reader(self) -> Reader:
        """Reads for modules that keep their own tables (docs/storage.md): `execute(sql,
        params)` gives rows read by column name (`fetchone()`, `fetchall()`, iteration), the
        same on both databases. Writes go through `_transaction()`."""
        return Reader(self)

    def pragma(self, name: str) -> object:
        """A SQLite PRAGMA value (SQLite only)."""
        assert isinstance(self.db, SQLiteDatabase)
        return self.db.connection().execute(f"PRAGMA {name}").fetchone()[0]

    # --- reports -----------------------------------------------------------------------

    def create(self, report: Report) -> StoredReport:
        """Store a new report. The revisions it carries (a data file's history) move into
        the section history, oldest first, in the same transaction."""
        report_id = uuid.uuid4().hex
        now = _now().isoformat()
        history, report = report.revisions, report.model_copy(update={"revisions": []})
        with self._transaction() as db:
            db.execute(
                "INSERT INTO reports (id, version, status, data, created_at, updated_at)"
                " VALUES (?, 1, 'drafting', ?, ?, ?)",
                (report_id, _dump(report), now, now),
            )
            _write_summary(db, report_id, report.meta.agency, report.meta.report_year, now)
            for item in history:
                self._append(
                    db, report_id, item.section, item.text, item.source, item.kind, item.note, 1,
                    created_at=item.saved_at,
                )  # fmt: skip
            written = _stored(_row_or_missing(db, report_id))  # as written, not later
        return written

    def with_history(self, report_id: str) -> Report:
        """The report with its whole section history in `revisions` (oldest first): what a
        data-file download holds, so that the CLI and a re-upload see the same history."""
        stored = self.get(report_id)
        entry: SectionRevision
        history: tuple[Revision, ...] = ()
        for entry in reversed(self.revisions(report_id)):
            history += (entry.as_revision(),)
        return stored.report.model_copy(update={"revisions": [*stored.report.revisions, *history]})

    def get(self, report_id: str) -> StoredReport:
        row = self._read_one("SELECT * FROM reports WHERE id = ?", (report_id,))
        if row is None:
            raise ReportNotFound(report_id)
        return _stored(row)

    def list(self) -> list[StoredReport]:
        rows = self._read("SELECT * FROM reports ORDER BY updated_at DESC, id")
        return [_stored(row) for row in rows]

    def headers(self) -> builtins.list[ReportHeader]:
        """Id, version, status and times of every report, newest first, without parsing data."""
        rows = self._read(
            "SELECT id, version, status, created_at, updated_at FROM reports"
            " ORDER BY updated_at DESC, id"
        )
        return [
            ReportHeader(
                row["id"],
                row["version"],
                row["status"],
                dt.datetime.fromisoformat(row["created_at"]),
                dt.datetime.fromisoformat(row["updated_at"]),
            )
            for row in rows
        ]

    def summaries(
        self,
        query: str = "",
        *,
        offset: int = 0,
        limit: int = 50,
        archived: bool = False,
        only: Collection[str] | None = None,
    ) -> SummaryPage:
        """A page of the report list, last edited first (then last created), parsing no report.

        `query` keeps reports whose agency contains it or whose year equals it (spaces
        trimmed; matched in SQL). `offset`/`limit` are clamped to the matching rows (limit
        1–500). Archived reports are listed only with `archived` (and then only they).
        `only` (server mode) keeps just these report ids. The matching summaries are
        counted only when the page is full (a short page is the last one: its total is known).
        """
        limit = max(1, min(int(limit), 500))
        where, params = _summary_filter(query.strip())
        where = (where + " AND" if where else " WHERE") + (
            f" s.report_id {'' if archived else 'NOT '}IN (SELECT report_id FROM archived_reports)"
        )
        if only is not None:
            ids = sorted(only) or [""]
            where += f" AND s.report_id IN ({', '.join('?' * len(ids))})"
            params = (*params, *ids)
        # Filter, sort and page on the small summary rows (in the order of index 0009); read
        # only the page's report rows. version and status come before the (large) data column
        # of `reports`; the times are read from the summary so no report's data is touched.
        page_sql = (
            "SELECT r.id, r.version, r.status, s.created_at, s.updated_at, s.agency,"
            " s.report_year, s.errors, s.warnings, s.counted_version"
            " FROM report_summaries s JOIN reports r ON r.id = s.report_id"
            + where
            + " ORDER BY s.updated_at DESC, s.seq DESC, s.report_id DESC LIMIT ? OFFSET ?"
        )
        offset = max(0, int(offset))
        rows = self._read(page_sql, (*params, limit, offset))
        if 0 < len(rows) < limit or (offset == 0 and not rows):
            total = offset + len(rows)  # the last page: no count of every matching summary
        else:
            total = self._count(where, params)
        last = max(total - 1, 0) // limit * limit
        if offset > last:  # past the start of the last page: the last page
            offset = last
            rows = self._read(page_sql, (*params, limit, offset))
        return SummaryPage([_summary(row) for row in rows], total, offset, limit)

    def _count(self, where: str, params: Params) -> int:
        """Summaries matching `where`, counted once per state of the list: kept per filter
        until `list_changes` moves (raised in every transaction that changes what is counted;
        read first, so a count taken while another change commits is at least as new as the
        number it is kept under, and the next request sees the raised number and recounts)."""
        changes = self._read_one("SELECT n FROM list_changes WHERE id = 1")["n"]
        # by digest: in server mode `params` holds every report id the user may see
        key = hashlib.sha256(repr((where, tuple(params))).encode()).digest()
        with self._count_lock:
            kept = self._counts.get(key)
            if kept is not None and kept[0] == changes:
                self._counts.move_to_end(key)
                return kept[1]
        total = int(
            self._read_one("SELECT COUNT(*) AS n FROM report_summaries s" + where, params)["n"]
        )
        with self._count_lock:
            self._counts[key] = (changes, total)
            self._counts.move_to_end(key)
            while len(self._counts) > LIST_COUNTS_KEPT:
                self._counts.popitem(last=False)
        return total

    def store_counts(self, report_id: str, version: int, errors: int, warnings: int) -> None:
        """Record the check counts of `version` for the list (ignored if it is not current)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE report_summaries SET errors = ?, warnings = ?, counted_version = ?"
                " WHERE report_id = ?"
                " AND ? = (SELECT version FROM reports WHERE reports.id = report_summaries.report_id)",
                (errors, warnings, version, report_id, version),
            )

    def _summarize_missing(self) -> None:
        """Summaries for reports saved before the summary table existed (once, on upgrade)."""
        rows = self._read(
            "SELECT id, data, updated_at FROM reports"
            " WHERE id NOT IN (SELECT report_id FROM report_summaries)"
        )
        if not rows:
            return
        with self._transaction() as db:
            for row in rows:
                meta = json.loads(row["data"]).get("meta", {})
                agency, year = meta.get("agency", ""), meta.get("report_year", 0)
                _write_summary(db, row["id"], agency, year, row["updated_at"])

    def save(
        self, report_id: str, report: Report, based_on: int, *, source: str = "user"
    ) -> StoredReport:
        """Replace the report data if nobody saved since version `based_on`. Every narrative
        section this changes gets a history entry (by `source`), in the same transaction."""
        with self._transaction() as db:
            old = _stored(_row_or_missing(db, report_id)).report.narrative
            changed = [k for k in SECTION_KEYS if getattr(report.narrative, k) != getattr(old, k)]
            if changed:  # a section saved with new text is written against today's figures
                report = report.model_copy(deep=True)
                record_basis(report, changed)
            version = self._bump(db, report_id, based_on, data=_dump(report))
            _write_summary(db, report_id, report.meta.agency, report.meta.report_year, None)
            for section in changed:
                text = getattr(report.narrative, section)
                self._append(db, report_id, section, text, source, "accepted", "", version)
            written = _stored(_row_or_missing(db, report_id))  # as written, not later
        return written

    def set_status(self, report_id: str, status: ReportStatus, based_on: int) -> StoredReport:
        if status not in STATUS_LABELS:
            raise StoreError(f"未知的状态“{status}”")
        with self._transaction() as db:
            self._bump(db, report_id, based_on, status=status)
            written = _stored(_row_or_missing(db, report_id))  # as written, not later
        return written

    def _bump(
        self,
        db: Transaction,
        report_id: str,
        based_on: int,
        *,
        data: str | None = None,
        status: str | None = None,
    ) -> int:
        now = _now().isoformat()
        cursor = db.execute(
            "UPDATE reports SET version = version + 1, updated_at = ?,"
            " data = COALESCE(?, data), status = COALESCE(?, status)"
            " WHERE id = ? AND version = ? AND (CAST(? AS TEXT) IS NULL OR status != 'final')",
            (now, data, status, report_id, based_on, data),
        )
        db.execute(
            "UPDATE report_summaries SET updated_at = ? WHERE report_id = ?", (now, report_id)
        )
        if cursor.rowcount != 1:
            current = db.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
            if current is None:
                raise ReportNotFound(report_id)
            if current["version"] == based_on:
                raise ReportFinal()
            raise VersionConflict(_stored(current), based_on)
        return based_on + 1

    # --- sections ----------------------------------------------------------------------

    def save_section(
        self,
        report_id: str,
        section: str,
        text: str,
        *,
        source: str,
        based_on: int,
        note: str = "",
    ) -> StoredReport:
        """Set one narrative section and append it to the section's history, atomically."""
        _check_section(section)
        with self._transaction() as db:
            stored = _stored(_row_or_missing(db, report_id))
            if stored.version != based_on:
                raise VersionConflict(stored, based_on)
            report = stored.report.model_copy(deep=True)
            try:
                setattr(report.narrative, section, text)
            except ValidationError as exc:
                raise StoreError("正文过长，单节最多 20000 字，请精简") from exc
            record_basis(report, [section])  # written (or approved) against today's figures
            version = self._bump(db, report_id, based_on, data=_dump(report))
            _write_summary(db, report_id, report.meta.agency, report.meta.report_year, None)
            self._append(db, report_id, section, text, source, "accepted", note, version)
            written = _stored(_row_or_missing(db, report_id))  # as written, not later
        return written

    def record_failed_attempt(
        self, report_id: str, section: str, text: str, *, source: str, note: str
    ) -> None:
        """Keep a generation that did not pass (cut off, refused…) without touching the text."""
        _check_section(section)
        with self._transaction() as db:
            stored = _stored(_row_or_missing(db, report_id))
            self._append(db, report_id, section, text, source, "failed", note, stored.version)

    def _append(
        self,
        db: Transaction,
        report_id: str,
        section: str,
        text: str,
        source: str,
        kind: RevisionKind,
        note: str,
        version: int,
        *,
        created_at: dt.datetime | None = None,
    ) -> None:
        moment = (created_at or _now()).isoformat()
        db.execute(
            "INSERT INTO section_revisions"
            " (report_id, section, text, source, kind, note, report_version, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (report_id, section, text, source, kind, note, version, moment),
        )

    def revisions(
        self, report_id: str, section: str | None = None
    ) -> builtins.list[SectionRevision]:
        """A report's section revisions, newest first."""
        sql = "SELECT * FROM section_revisions WHERE report_id = ?"
        params: tuple[str, ...] = (report_id,)
        if section is not None:
            sql += " AND section = ?"
            params += (section,)
        rows = self._read(sql + " ORDER BY id DESC", params)
        return [_revision(row) for row in rows]

    def revision(self, report_id: str, revision_id: int) -> SectionRevision:
        row = self._read_one(
            "SELECT * FROM section_revisions WHERE report_id = ? AND id = ?",
            (report_id, revision_id),
        )
        if row is None:
            raise StoreError("找不到这条历史版本")
        return _revision(row)

    # --- archive: a report out of the list, never deleted --------------------------------

    def archive(self, report_id: str) -> None:
        """Take a report out of the main list; its data and history stay (`unarchive` undoes)."""
        with self._transaction() as db:
            _row_or_missing(db, report_id)
            db.execute(
                "INSERT INTO archived_reports (report_id, archived_at) VALUES (?, ?)"
                " ON CONFLICT (report_id) DO NOTHING",
                (report_id, _now().isoformat()),
            )
            list_changed(db)

    def unarchive(self, report_id: str) -> None:
        with self._transaction() as db:
            _row_or_missing(db, report_id)
            db.execute("DELETE FROM archived_reports WHERE report_id = ?", (report_id,))
            list_changed(db)

    def archived_ids(self) -> set[str]:
        rows = self._read("SELECT report_id FROM archived_reports")
        return {row["report_id"] for row in rows}

    def duplicated(self, among: Collection[tuple[str, int]] | None = None) -> set[tuple[str, int]]:
        """(agency, year) held by more than one report in the list (archived ones aside).
        With `among` (the rows of one list page) only those pairs are counted, so the
        grouping sorts a handful of rows instead of every report."""
        where, params = "", ()  # type: tuple[str, tuple[str, ...]]
        if among is not None:
            agencies = sorted({agency for agency, _ in among})
            if not agencies:
                return set()
            where = f" AND agency IN ({', '.join('?' * len(agencies))})"
            params = tuple(agencies)
        rows = self._read(
            "SELECT agency, report_year FROM report_summaries"
            " WHERE report_id NOT IN (SELECT report_id FROM archived_reports)"
            + where
            + " GROUP BY agency, report_year HAVING COUNT(*) > 1",
            params,
        )
        found = {(row["agency"], row["report_year"]) for row in rows}
        return found if among is None else found & set(among)

    # --- shared state: conversations, timed events ----------------------------------------

    def append_chat(self, conversation: str, entry: str) -> None:
        """Append one entry (a JSON text) to a conversation; committed durably on return."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO chat_entries (conversation, entry, created_at) VALUES (?, ?, ?)",
                (conversation, entry, _now().isoformat()),
            )

    def chat_entries(self, conversation: str) -> builtins.list[str]:
        """A conversation's entries (JSON texts), oldest first."""
        rows = self._read(
            "SELECT entry FROM chat_entries WHERE conversation = ? ORDER BY id", (conversation,)
        )
        return [str(row["entry"]) for row in rows]

    def import_chat(self, conversation: str, entries: builtins.list[str]) -> bool:
        """Take over the entries of an older conversation file, once: nothing is added when
        the conversation already has entries. True when they were added."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT COUNT(*) AS n FROM chat_entries WHERE conversation = ?", (conversation,)
            ).fetchone()
            if row["n"]:
                return False
            now = _now().isoformat()
            for entry in entries:
                db.execute(
                    "INSERT INTO chat_entries (conversation, entry, created_at) VALUES (?, ?, ?)",
                    (conversation, entry, now),
                )
        return True

    def record_event(self, name: str, at: float, *, forget_before: float) -> None:
        """Count one event named `name` at `at` (seconds since the epoch) for every instance;
        events of any name older than `forget_before` are dropped (bounded storage)."""
        with self._transaction() as db:
            db.execute("DELETE FROM rate_events WHERE at < ?", (forget_before,))
            db.execute("INSERT INTO rate_events (name, at) VALUES (?, ?)", (name, at))

    def event_times(self, name: str, since: float) -> builtins.list[float]:
        """Times (seconds since the epoch) of the events named `name` at or after `since`,
        oldest first."""
        rows = self._read(
            "SELECT at FROM rate_events WHERE name = ? AND at >= ? ORDER BY at", (name, since)
        )
        return [float(row["at"]) for row in rows]

    def take_lease(self, name: str, holder: str, *, now: float, seconds: float) -> bool:
        """Hold the lease `name` for `holder` until `now + seconds` (seconds since the epoch),
        unless someone else holds it unexpired. True when taken; the holder taking it again
        extends it (a long job renews its lease while it runs)."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " expires_at = excluded.expires_at"
                " WHERE leases.expires_at <= ? OR leases.holder = excluded.holder",
                (name, holder, now + seconds, now),
            )
            return cursor.rowcount == 1

    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease back (only its holder can)."""
        with self._transaction() as db:
            db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    # --- model calls per day ------------------------------------------------------------

    def take_calls(self, counter: str, day: str, calls: int, cap: int) -> bool:
        """Add `calls` to the count of `counter` on `day` (a `YYYY-MM-DD` string) unless the
        count would pass `cap`; True when added. Atomic for every instance: the check and the
        increment are one statement (`drafting.calls.DailyCalls`)."""
        if calls > cap:
            return False
        with self._transaction() as db:
            self._forget_old_calls(db, day)
            cursor = db.execute(
                "INSERT INTO model_calls (counter, day, calls) VALUES (?, ?, ?)"
                " ON CONFLICT (counter, day) DO UPDATE SET calls = model_calls.calls + excluded.calls"
                " WHERE model_calls.calls + excluded.calls <= ?",
                (counter, day, calls, cap),
            )
            return cursor.rowcount == 1

    def add_calls(self, counter: str, day: str, calls: int) -> None:
        """Add `calls` (already made) to the count of `counter` on `day`, whatever the cap."""
        with self._transaction() as db:
            self._forget_old_calls(db, day)
            db.execute(
                "INSERT INTO model_calls (counter, day, calls) VALUES (?, ?, ?)"
                " ON CONFLICT (counter, day) DO UPDATE SET calls = model_calls.calls + excluded.calls",
                (counter, day, calls),
            )

    def calls_on(self, counter: str, day: str) -> int:
        """The count of `counter` on `day` (0 when nothing was counted)."""
        row = self._read_one(
            "SELECT calls FROM model_calls WHERE counter = ? AND day = ?", (counter, day)
        )
        return int(row["calls"]) if row is not None else 0

    @staticmethod
    def _forget_old_calls(db: Transaction, day: str) -> None:
        """Counts of days more than a month before `day` are dropped (bounded storage)."""
        before = (dt.date.fromisoformat(day) - dt.timedelta(days=31)).isoformat()
        db.execute("DELETE FROM model_calls WHERE day < ?", (before,))

    # --- secrets -----------------------------------------------------------------------

    def secret(self, name: str) -> str:
        """A random value kept in the database, created on first use (e.g. the CSRF key)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO app_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (name, uuid.uuid4().hex + uuid.uuid4().hex),
            )
            row = db.execute("SELECT value FROM app_secrets WHERE name = ?", (name,)).fetchone()
        return str(row["value"])

    def integrity_ok(self) -> bool:
        """SQLite's integrity check; on PostgreSQL, whether every report row parses and has
        its summary."""
        if isinstance(self.db, SQLiteDatabase):
            return self.pragma("integrity_check") == "ok"
        missing = self._read_one(
            "SELECT COUNT(*) AS n FROM reports"
            " WHERE id NOT IN (SELECT report_id FROM report_summaries)"
        )["n"]
        self.list()  # raises if a row does not parse
        return missing == 0

    def close(self) -> None:
        self.db.close()


class Rows:
    """The rows of one read, already fetched (the connection is back in its pool)."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


class Reader:
    """`execute(sql, params)` → `Rows`, over the store's read path (see `Store.reader`)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def execute(self, sql: str, params: Params = ()) -> Rows:
        return Rows(self._store._read(sql, params))


def _check_section(section: str) -> None:
    if section not in SECTION_KEYS:
        raise StoreError(f"未知的正文部分“{section}”")


def _row_or_missing(db: Transaction, report_id: str) -> Any:
    row = db.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        raise ReportNotFound(report_id)
    return row


def list_changed(db: Transaction) -> None:
    """Raise the list's change counter (table `list_changes`) in transaction `db`: call it
    wherever a summary is added, its agency or year changes, or a report is archived or
    brought back; `Store.summaries` keeps its counts until the counter moves."""
    db.execute("UPDATE list_changes SET n = n + 1 WHERE id = 1")


LIST_COUNTS_KEPT = 256  # (filter, count) pairs kept per Store


def _write_summary(
    db: Transaction, report_id: str, agency: str, year: int, updated_at: str | None
) -> None:
    """Agency and year of a report for the list; `updated_at` for a new summary row (an
    existing row keeps the time set by `_bump`). Raises the list's change counter only when
    the row is new or its agency or year changes (a plain save leaves the counts alone)."""
    old = db.execute(
        "SELECT agency, report_year FROM report_summaries WHERE report_id = ?", (report_id,)
    ).fetchone()
    if old is None or (old["agency"], old["report_year"]) != (agency, year):
        list_changed(db)
    db.execute(
        "INSERT INTO report_summaries"
        " (report_id, agency, report_year, created_at, updated_at, seq)"
        " SELECT ?, ?, ?, created_at, COALESCE(?, updated_at),"
        " (SELECT COALESCE(MAX(seq), 0) + 1 FROM report_summaries) FROM reports WHERE id = ?"
        " ON CONFLICT (report_id) DO UPDATE SET agency = excluded.agency,"
        " report_year = excluded.report_year",
        (report_id, agency, year, updated_at, report_id),
    )


def _summary_filter(query: str) -> tuple[str, tuple[object, ...]]:
    if not query:
        return "", ()
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    year = int(query) if query.isdigit() and len(query) == 4 else -1
    return " WHERE (s.agency LIKE ? ESCAPE '\\' OR s.report_year = ?)", (pattern, year)


def _summary(row: Any) -> ReportSummary:
    header = ReportHeader(
        row["id"],
        row["version"],
        row["status"],
        dt.datetime.fromisoformat(row["created_at"]),
        dt.datetime.fromisoformat(row["updated_at"]),
    )
    return ReportSummary(
        header,
        row["agency"],
        row["report_year"],
        row["errors"],
        row["warnings"],
        row["counted_version"],
    )


class ParsedReports:
    """Reports parsed and validated from their stored JSON, kept per (report id, version):
    a bounded, thread-safe LRU map, so that reading an unchanged report costs no parsing.

    An entry is used only when the stored JSON is the very text it was parsed from, so a
    change made by another process over the same database (several web instances on one
    PostgreSQL) is never hidden: its new version, or its new text, misses the cache. The
    Report handed out is shared between readers: copy it (`model_copy(deep=True)`) before
    changing it, as every writer here does.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int], tuple[str, Report]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, report_id: str, version: int, data: str) -> Report:
        """The Report stored as `data`; raises pydantic's ValidationError like a parse."""
        key = (report_id, version)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] == data:
                self._items.move_to_end(key)
                return hit[1]
        report = Report.model_validate_json(data)
        with self._lock:
            self._items[key] = (data, report)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return report


PARSED_REPORTS_SIZE = 256  # ~0.1 MB each for a busy report: a few tens of MB at most
parsed_reports = ParsedReports(PARSED_REPORTS_SIZE)


def _stored(row: Any) -> StoredReport:
    return StoredReport(
        id=row["id"],
        version=row["version"],
        status=row["status"],
        report=parsed_reports.get(row["id"], row["version"], row["data"]),
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
    )


def _revision(row: Any) -> SectionRevision:
    return SectionRevision(
        id=row["id"],
        report_id=row["report_id"],
        section=row["section"],
        text=row["text"],
        source=row["source"],
        kind=row["kind"],
        note=row["note"],
        report_version=row["report_version"],
        created_at=dt.datetime.fromisoformat(row["created_at"]),
    )


SIDE_FILES = ("-wal", "-shm", "-journal")


# Migrations once applied under another name: a database that recorded the old name has them.
FORMER_NAMES: dict[str, tuple[str, ...]] = {
    # the server-mode tables were applied from data/server_tables.sql as `server_mode`
    "0005_server_mode": ("server_mode",),
}


def migrations() -> list[Migration]:
    """The schema migrations shipped in the package, in order (`NNNN_name.sql`)."""
    folder = resources.files(__package__) / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [
        Migration(name, f.read_text(encoding="utf-8"), FORMER_NAMES.get(name, ()))
        for f in files
        for name in [f.name.removesuffix(".sql")]
    ]


def open_store(
    database_url: str | None, data_dir: str | Path, store_class: type[Store] | None = None
) -> Store:
    """The store chosen by `DRAFTBOT_DATABASE_URL`: that database when set, else the SQLite
    file in `data_dir`. A URL that is neither PostgreSQL nor a `sqlite:///path` raises
    `StoreError`."""
    cls = store_class or Store
    url = (database_url or "").strip()
    if not url:
        return cls.in_folder(data_dir)
    if is_postgresql_url(url):
        return cls(url)
    if url.startswith("sqlite:///"):
        return cls(Path(url.removeprefix("sqlite:///")))
    raise StoreError(
        "DRAFTBOT_DATABASE_URL 应为 postgresql://用户:密码@主机:端口/数据库名"
        "，或 sqlite:///文件路径；不设置则使用数据目录中的 SQLite 文件"
    )


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and parents) and make it readable by this user only (0700): it holds
    every agency's unpublished figures. Silently left as it is where chmod is not supported."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        if folder.resolve() in (Path.home().resolve(), Path(folder.anchor)):
            return  # a data folder set to the home folder itself is left as the user keeps it
        if stat.S_IMODE(folder.stat().st_mode) & 0o077:
            folder.chmod(0o700)


def make_private_file(path: Path) -> None:
    """Make an existing file readable and writable by this user only (0600)."""
    with contextlib.suppress(OSError):
        if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
