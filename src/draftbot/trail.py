"""The audit trail (审计日志) of server mode: who changed what, when, from where, old → new.

One append-only table `trail` (database triggers refuse UPDATE and DELETE, as for section
revisions). Report changes are recorded by `TrailStore` inside the store's own transaction
(one entry per changed cell, field, section or status), so a change and its entry are
committed together or not at all. The acting user and client address come from the
`acting` context (set per request by the web app, or by the command line).
(Not to be confused with `audit.py`, the cross-report checks A-01…A-04.)
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import dataclasses
import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from .serverdb import reader
from .store import ReportNotFound, Store, list_changed
from .store.dialects import Transaction

Kind = Literal["cell", "field", "section", "status", "account", "comment"]
KIND_LABELS: dict[str, str] = {
    "cell": "表格单元格",
    "field": "基本信息",
    "section": "正文",
    "status": "状态",
    "account": "账号",
    "comment": "审核意见",
}
TABLE_KEYS = ("table2", "table2_2019", "table3", "table4")
# Not user changes: the report's own revision list, and the digests the tool records of what
# each section was drafted from (`Report.drafted_from`, review P-10).
SKIPPED_KEYS = ("revisions", "drafted_from")
MAX_VALUE_CHARS = 20000


@dataclass(frozen=True)
class Actor:
    """Who acts: an account id and label (张三（经办人）) and the client address."""

    id: str
    label: str
    client: str


SYSTEM = Actor("", "系统", "")
_acting: contextvars.ContextVar[Actor] = contextvars.ContextVar("draftbot_actor", default=SYSTEM)


def now() -> dt.datetime:
    """The current UTC time, to the second (all stored times are ISO-8601 UTC)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def current_actor() -> Actor:
    return _acting.get()


@contextlib.contextmanager
def acting(actor: Actor) -> Iterator[None]:
    """Attribute every change made inside the block to `actor`."""
    token = _acting.set(actor)
    try:
        yield
    finally:
        _acting.reset(token)


def set_actor(actor: Actor) -> None:
    """Attribute the rest of this request's changes to `actor` (the web app, per request)."""
    _acting.set(actor)


@dataclass(frozen=True)
class Entry:
    """One audit trail entry; `at` is ISO-8601 UTC, values are text (JSON for non-text)."""

    seq: int  # the database's own running number: the order of entries
    id: str
    at: str
    actor_id: str
    actor: str
    client: str
    kind: str
    report_id: str
    subject_id: str
    target: str
    old_value: str
    new_value: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:MAX_VALUE_CHARS]


def record(
    db: Transaction,
    kind: Kind,
    target: str,
    old: Any,
    new: Any,
    *,
    report_id: str = "",
    subject_id: str = "",
) -> None:
    """Append one entry inside the caller's transaction `db`, by the current actor."""
    actor = current_actor()
    db.execute(
        "INSERT INTO trail (id, at, actor_id, actor, client, kind, report_id,"
        " subject_id, target, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uuid.uuid4().hex,
            now().isoformat(),
            actor.id,
            actor.label,
            actor.client,
            kind,
            report_id,
            subject_id,
            target,
            _text(old),
            _text(new),
        ),
    )


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted data paths → leaf values (lists are one value: a list is edited as a whole)."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1]: data}


def report_changes(old_json: str, new_json: str) -> list[tuple[Kind, str, Any, Any]]:
    """(kind, data path, old, new) for every leaf that differs between two report JSONs."""
    old = {k: v for k, v in json.loads(old_json).items() if k not in SKIPPED_KEYS}
    new = {k: v for k, v in json.loads(new_json).items() if k not in SKIPPED_KEYS}
    before, after = flatten(old), flatten(new)
    changes: list[tuple[Kind, str, Any, Any]] = []
    for path in sorted(set(before) | set(after)):
        if before.get(path) == after.get(path):
            continue
        head = path.split(".", 1)[0]
        kind: Kind = "section" if head == "narrative" else "cell" if head in TABLE_KEYS else "field"
        changes.append((kind, path, before.get(path), after.get(path)))
    return changes


class TrailStore(Store):
    """The store of server mode: every report change also appends audit trail entries in
    the same transaction (one per changed cell, field, section and status)."""

    def _bump(
        self,
        db: Transaction,
        report_id: str,
        based_on: int,
        *,
        data: str | None = None,
        status: str | None = None,
    ) -> int:
        old = db.execute("SELECT data, status FROM reports WHERE id = ?", (report_id,)).fetchone()
        version = super()._bump(db, report_id, based_on, data=data, status=status)
        if data is not None:
            for kind, path, before, after in report_changes(old["data"], data):
                record(db, kind, path, before, after, report_id=report_id)
        if status is not None and status != old["status"]:
            record(db, "status", "status", old["status"], status, report_id=report_id)
        return version

    def archive(self, report_id: str) -> None:
        """Archive as the store does, with one trail entry when the report was in the list."""
        self._set_archived(report_id, True)

    def unarchive(self, report_id: str) -> None:
        self._set_archived(report_id, False)

    def _set_archived(self, report_id: str, archived: bool) -> None:
        with self._transaction() as db:
            if db.execute("SELECT id FROM reports WHERE id = ?", (report_id,)).fetchone() is None:
                raise ReportNotFound(report_id)
            if archived:
                cursor = db.execute(
                    "INSERT INTO archived_reports (report_id, archived_at) VALUES (?, ?)"
                    " ON CONFLICT (report_id) DO NOTHING",
                    (report_id, now().isoformat()),
                )
            else:
                cursor = db.execute(
                    "DELETE FROM archived_reports WHERE report_id = ?", (report_id,)
                )
            if cursor.rowcount == 1:
                list_changed(db)
                states = ("在列表中", "已归档")
                record(
                    db,
                    "status",
                    "归档",
                    states[not archived],
                    states[archived],
                    report_id=report_id,
                )


def entries(
    store: Store,
    *,
    report_id: str | None = None,
    actor_id: str | None = None,
    subject_id: str | None = None,
    limit: int = 1000,
) -> list[Entry]:
    """Entries, newest first, of one report, by one actor, or about one account."""
    where, params = [], []
    for column, value in (
        ("report_id", report_id),
        ("actor_id", actor_id),
        ("subject_id", subject_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = "SELECT * FROM trail" + (" WHERE " + " OR ".join(where) if where else "")
    rows = reader(store).execute(
        sql + " ORDER BY seq DESC LIMIT ?", (*params, max(1, min(limit, 100000)))
    )
    names = [f.name for f in dataclasses.fields(Entry)]
    return [Entry(**{name: row[name] for name in names}) for row in rows]


CSV_COLUMNS = ("序号", "时间（UTC）", "操作人", "来源地址", "类别", "报告", "对象", "原值", "新值")


def entry_row(entry: Entry) -> list[Any]:
    return [
        entry.seq,
        entry.at,
        entry.actor,
        entry.client,
        entry.kind_label,
        entry.report_id,
        entry.target,
        entry.old_value,
        entry.new_value,
    ]


def to_csv(items: list[Entry]) -> bytes:
    """The entries as CSV (UTF-8 with BOM, so Excel shows the Chinese headers); values that
    a spreadsheet would run as formulas are neutralised as in the batch summary."""
    from .batch_summary import _csv_safe

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in items:
        writer.writerow([_csv_safe(value) for value in entry_row(entry)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(items: list[Entry]) -> bytes:
    """The entries as one .xlsx sheet (text stays text: a leading = is never a formula)."""
    from .excel import SheetData, tabular_bytes

    rows = [entry_row(entry) for entry in items]
    widths = (6, 26, 22, 16, 10, 34, 36, 30, 30)
    return tabular_bytes([SheetData("审计日志", CSV_COLUMNS, rows, widths)])
