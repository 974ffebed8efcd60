"""SQLite persistence for reports and their section revisions.

One row per report holds the whole report data as JSON plus a version number; every save
states the version it was based on, so a stale browser tab gets `VersionConflict` instead of
overwriting newer work. Section revisions are append-only (triggers refuse UPDATE and
DELETE). WAL journal, synchronous=FULL (a clerk types over days: commits must survive a
power cut), foreign keys on. Each write is one transaction.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import json
import sqlite3
import stat
import threading
import uuid
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from .model import Report, Revision
from .outline import SECTION_KEYS

DB_FILENAME = "draftbot.sqlite3"
BUSY_TIMEOUT_MS = 5000

ReportStatus = Literal["drafting", "reviewing", "final"]
STATUS_LABELS: dict[str, str] = {"drafting": "填写中", "reviewing": "待审核", "final": "已定稿"}
RevisionKind = Literal["accepted", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'drafting'
        CHECK (status IN ('drafting', 'reviewing', 'final')),
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS section_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL REFERENCES reports(id),
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'accepted' CHECK (kind IN ('accepted', 'failed')),
    note TEXT NOT NULL DEFAULT '',
    report_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS section_revisions_by_report
    ON section_revisions (report_id, section, id);
CREATE TRIGGER IF NOT EXISTS section_revisions_no_update
    BEFORE UPDATE ON section_revisions
    BEGIN SELECT RAISE(ABORT, 'section revisions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS section_revisions_no_delete
    BEFORE DELETE ON section_revisions
    BEGIN SELECT RAISE(ABORT, 'section revisions are append-only'); END;
CREATE TABLE IF NOT EXISTS report_summaries (
    report_id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    agency TEXT NOT NULL,
    report_year INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    errors INTEGER,
    warnings INTEGER,
    counted_version INTEGER
);
CREATE INDEX IF NOT EXISTS report_summaries_by_update ON report_summaries (updated_at DESC);


CREATE TABLE IF NOT EXISTS archived_reports (
    report_id TEXT PRIMARY KEY REFERENCES reports(id),
    archived_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class StoreError(Exception):
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
    """Reports and section revisions in one SQLite file; safe to share between threads."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        make_private_folder(self.path.parent)
        self._local = threading.local()
        # executescript commits on its own; the schema is idempotent (IF NOT EXISTS)
        self._connection().executescript(_SCHEMA)
        self._summarize_missing()
        for name in (self.path, *(self.path.with_name(self.path.name + s) for s in SIDE_FILES)):
            make_private_file(name)

    @classmethod
    def in_folder(cls, folder: str | Path) -> Store:
        return cls(Path(folder) / DB_FILENAME)

    # --- connections -------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; anything raised inside rolls the whole change back."""
        db = self._connection()
        db.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreBusy("数据库正忙，请稍后再试；您的修改仍在页面上，未丢失") from exc
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def pragma(self, name: str) -> object:
        return self._connection().execute(f"PRAGMA {name}").fetchone()[0]

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
        return self.get(report_id)

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
        row = (
            self._connection()
            .execute("SELECT * FROM reports WHERE id = ?", (report_id,))
            .fetchone()
        )
        if row is None:
            raise ReportNotFound(report_id)
        return _stored(row)

    def list(self) -> list[StoredReport]:
        rows = self._connection().execute("SELECT * FROM reports ORDER BY updated_at DESC, id")
        return [_stored(row) for row in rows]

    def headers(self) -> builtins.list[ReportHeader]:
        """Id, version, status and times of every report, newest first, without parsing data."""
        rows = self._connection().execute(
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
        `only` (server mode) keeps just these report ids.
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
        db = self._connection()
        total = db.execute("SELECT COUNT(*) FROM report_summaries s" + where, params).fetchone()[0]
        offset = max(0, min(int(offset), max(total - 1, 0) // limit * limit))
        # Filter, sort and page on the small summary rows; read only the page's report rows.
        rows = db.execute(
            # version and status come before the (large) data column of `reports`; the
            # times are read from the summary so no report's data pages are touched
            "SELECT r.id, r.version, r.status, s.created_at, s.updated_at, s.agency,"
            " s.report_year, s.errors, s.warnings, s.counted_version"
            " FROM report_summaries s JOIN reports r ON r.id = s.report_id"
            + where
            + " ORDER BY s.updated_at DESC, s.rowid DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return SummaryPage([_summary(row) for row in rows], total, offset, limit)

    def store_counts(self, report_id: str, version: int, errors: int, warnings: int) -> None:
        """Record the check counts of `version` for the list (ignored if it is not current)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE report_summaries SET errors = ?, warnings = ?, counted_version = ?"
                " WHERE report_id = ?"
                " AND ? = (SELECT version FROM reports WHERE id = report_id)",
                (errors, warnings, version, report_id, version),
            )

    def _summarize_missing(self) -> None:
        """Summaries for reports saved before the summary table existed (once, on upgrade)."""
        db = self._connection()
        rows = db.execute(
            "SELECT id, data, updated_at FROM reports"
            " WHERE id NOT IN (SELECT report_id FROM report_summaries)"
        ).fetchall()
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
            version = self._bump(db, report_id, based_on, data=_dump(report))
            _write_summary(db, report_id, report.meta.agency, report.meta.report_year, None)
            for section in SECTION_KEYS:
                text = getattr(report.narrative, section)
                if text != getattr(old, section):
                    self._append(db, report_id, section, text, source, "accepted", "", version)
        return self.get(report_id)

    def set_status(self, report_id: str, status: ReportStatus, based_on: int) -> StoredReport:
        if status not in STATUS_LABELS:
            raise StoreError(f"未知的状态“{status}”")
        with self._transaction() as db:
            self._bump(db, report_id, based_on, status=status)
        return self.get(report_id)

    def _bump(
        self,
        db: sqlite3.Connection,
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
            " WHERE id = ? AND version = ? AND (? IS NULL OR status != 'final')",
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
            version = self._bump(db, report_id, based_on, data=_dump(report))
            _write_summary(db, report_id, report.meta.agency, report.meta.report_year, None)
            self._append(db, report_id, section, text, source, "accepted", note, version)
        return self.get(report_id)

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
        db: sqlite3.Connection,
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
        rows = self._connection().execute(sql + " ORDER BY id DESC", params)
        return [_revision(row) for row in rows]

    def revision(self, report_id: str, revision_id: int) -> SectionRevision:
        row = (
            self._connection()
            .execute(
                "SELECT * FROM section_revisions WHERE report_id = ? AND id = ?",
                (report_id, revision_id),
            )
            .fetchone()
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
                "INSERT OR IGNORE INTO archived_reports (report_id, archived_at) VALUES (?, ?)",
                (report_id, _now().isoformat()),
            )

    def unarchive(self, report_id: str) -> None:
        with self._transaction() as db:
            _row_or_missing(db, report_id)
            db.execute("DELETE FROM archived_reports WHERE report_id = ?", (report_id,))

    def archived_ids(self) -> set[str]:
        rows = self._connection().execute("SELECT report_id FROM archived_reports")
        return {row["report_id"] for row in rows}

    def duplicated(self) -> set[tuple[str, int]]:
        """(agency, year) held by more than one report in the list (archived ones aside)."""
        rows = self._connection().execute(
            "SELECT agency, report_year FROM report_summaries"
            " WHERE report_id NOT IN (SELECT report_id FROM archived_reports)"
            " GROUP BY agency, report_year HAVING COUNT(*) > 1"
        )
        return {(row["agency"], row["report_year"]) for row in rows}

    # --- secrets -----------------------------------------------------------------------

    def secret(self, name: str) -> str:
        """A random value kept in the database, created on first use (e.g. the CSRF key)."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO app_secrets (name, value) VALUES (?, ?)",
                (name, uuid.uuid4().hex + uuid.uuid4().hex),
            )
            row = db.execute("SELECT value FROM app_secrets WHERE name = ?", (name,)).fetchone()
        return str(row["value"])

    def integrity_ok(self) -> bool:
        return self._connection().execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _check_section(section: str) -> None:
    if section not in SECTION_KEYS:
        raise StoreError(f"未知的正文部分“{section}”")


def _row_or_missing(db: sqlite3.Connection, report_id: str) -> sqlite3.Row:
    row = db.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        raise ReportNotFound(report_id)
    return row


def _write_summary(
    db: sqlite3.Connection, report_id: str, agency: str, year: int, updated_at: str | None
) -> None:
    """Agency and year of a report for the list; `updated_at` for a new summary row (an
    existing row keeps the time set by `_bump`)."""
    db.execute(
        "INSERT INTO report_summaries (report_id, agency, report_year, created_at, updated_at)"
        " SELECT ?, ?, ?, created_at, COALESCE(?, updated_at) FROM reports WHERE id = ?"
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


def _summary(row: sqlite3.Row) -> ReportSummary:
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


def _stored(row: sqlite3.Row) -> StoredReport:
    return StoredReport(
        id=row["id"],
        version=row["version"],
        status=row["status"],
        report=Report.model_validate_json(row["data"]),
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
    )


def _revision(row: sqlite3.Row) -> SectionRevision:
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
