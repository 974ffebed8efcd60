"""The review workflow of server mode: 提交审核 → 退回修改 / 审核通过 (已定稿), comments on a
section or a table cell, the area status of the 政务公开办 and each user's 待我处理 list.

Tables: `report_access` (which agency and area a report belongs to — set from the creating
account, not from the editable report data — whether it was returned, and the review round)
and `review_comments` (append-only). Status changes go through the store's versioned
`_bump` in one transaction with the workflow row, so the audit trail records them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from .accounts import Account, list_accounts
from .outline import SECTION_LABELS
from .serverdb import reader
from .store import STATUS_LABELS, Store, StoreError
from .trail import now, record

MAX_COMMENT_CHARS = 2000
STAGE_LABELS = {
    "none": "未开始",
    "drafting": "填写中",
    "returned": "已退回修改",
    "reviewing": "待审核",
    "final": "已定稿",
}


class WorkflowError(StoreError):
    """A workflow step that is not possible now; the message (Chinese) says why."""


@dataclass(frozen=True)
class Access:
    """Whose a report is: the agency and area of the account that created it."""

    report_id: str
    agency: str
    area: str
    returned: bool
    review_round: int


@dataclass(frozen=True)
class Comment:
    id: str
    report_id: str
    review_round: int
    target: str  # "section:<key>" or a table cell's data path (table3.…)
    body: str
    author: str
    created_at: str


@dataclass(frozen=True)
class AgencyStatus:
    """One line of the area status: an agency and where its report of the year stands."""

    agency: str
    stage: str
    report_id: str

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]


@dataclass(frozen=True)
class Task:
    """One line of 待我处理: what to do with which report."""

    report_id: str
    title: str
    action: str
    href: str


def claim(store: Store, report_id: str, agency: str, area: str) -> None:
    """Record that `report_id` belongs to `agency` in `area` (once: later calls keep it)."""
    with store._transaction() as db:
        db.execute(
            "INSERT INTO report_access (report_id, agency, area) VALUES (?, ?, ?)"
            " ON CONFLICT (report_id) DO NOTHING",
            (report_id, agency, area),
        )


def access_of(store: Store, report_id: str) -> Access:
    """The report's agency and area; a report made before server mode (no row) belongs to
    the agency named in its data and to no area."""
    db = reader(store)
    row = db.execute("SELECT * FROM report_access WHERE report_id = ?", (report_id,)).fetchone()
    if row is not None:
        return Access(
            report_id, row["agency"], row["area"], bool(row["returned"]), row["review_round"]
        )
    summary = db.execute(
        "SELECT agency FROM report_summaries WHERE report_id = ?", (report_id,)
    ).fetchone()
    return Access(report_id, summary["agency"] if summary else "", "", False, 0)


def visible_report_ids(store: Store, account: Account) -> frozenset[str] | None:
    """Reports `account` may see (None: every report, for a 系统管理员)."""
    if account.role == "sysadmin":
        return None
    db = reader(store)
    if account.role == "office":
        rows = db.execute("SELECT report_id FROM report_access WHERE area = ?", (account.area,))
        return frozenset(row["report_id"] for row in rows)
    rows = db.execute(
        "SELECT report_id FROM report_access WHERE agency = ?"
        " UNION SELECT report_id FROM report_summaries WHERE agency = ?"
        " AND report_id NOT IN (SELECT report_id FROM report_access)",
        (account.agency, account.agency),
    )
    return frozenset(row["report_id"] for row in rows)


def _change_status(
    store: Store, report_id: str, based_on: int, expected: str, status: str, returned: bool
) -> None:
    with store._transaction() as db:
        row = db.execute("SELECT status FROM reports WHERE id = ?", (report_id,)).fetchone()
        if row is not None and row["status"] != expected:
            raise WorkflowError(
                f"这份报告当前是“{STATUS_LABELS[row['status']]}”，不能进行这一步；请刷新页面"
            )
        store._bump(db, report_id, based_on, status=status)
        bump_round = 1 if status == "reviewing" else 0
        db.execute(
            "UPDATE report_access SET returned = ?, review_round = review_round + ?"
            " WHERE report_id = ?",
            (1 if returned else 0, bump_round, report_id),
        )


def submit(store: Store, report_id: str, based_on: int) -> None:
    """提交审核: 填写中 → 待审核 (a new review round)."""
    _change_status(store, report_id, based_on, "drafting", "reviewing", False)


def return_report(store: Store, report_id: str, based_on: int) -> None:
    """退回修改: 待审核 → 填写中, with this round's comments shown to the clerk; at least
    one comment must say what to change."""
    access = access_of(store, report_id)
    if not [c for c in comments(store, report_id) if c.review_round == access.review_round]:
        raise WorkflowError("退回前请至少写一条审核意见，说明需要修改什么")
    _change_status(store, report_id, based_on, "reviewing", "drafting", True)


def approve(store: Store, report_id: str, based_on: int) -> None:
    """审核通过: 待审核 → 已定稿 (the content is frozen)."""
    _change_status(store, report_id, based_on, "reviewing", "final", False)


def add_comment(store: Store, report_id: str, target: str, body: str, author: Account) -> Comment:
    """A reviewer's comment on a section (`section:<key>`) or a table cell (its data path),
    allowed while the report waits for review."""
    body = body.strip()
    if not body:
        raise WorkflowError("审核意见不能为空")
    if len(body) > MAX_COMMENT_CHARS:
        raise WorkflowError(f"审核意见最多 {MAX_COMMENT_CHARS} 字，请精简")
    if not valid_target(target):
        raise WorkflowError("请选择意见针对的正文部分或表格单元格")
    access = access_of(store, report_id)
    comment_id = uuid.uuid4().hex
    with store._transaction() as db:
        row = db.execute("SELECT status FROM reports WHERE id = ?", (report_id,)).fetchone()
        if row is None or row["status"] != "reviewing":
            raise WorkflowError("只有“待审核”的报告可以写审核意见")
        db.execute(
            "INSERT INTO review_comments (id, report_id, review_round, target, body,"
            " author_id, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                comment_id,
                report_id,
                access.review_round,
                target,
                body,
                author.id,
                author.label,
                now().isoformat(),
            ),
        )
        record(db, "comment", target, "", body, report_id=report_id)
    return next(c for c in comments(store, report_id) if c.id == comment_id)


def valid_target(target: str) -> bool:
    """A section key (`section:summary`) or a table cell path (`table3.…`, letters, digits,
    dots and underscores only)."""
    if target.startswith("section:"):
        return target[len("section:") :] in SECTION_LABELS
    head = target.split(".", 1)[0]
    return (
        head in ("table2", "table2_2019", "table3", "table4")
        and len(target) <= 200
        and all(ch.isalnum() or ch in "._" for ch in target)
    )


def target_label(target: str) -> str:
    """How a comment's target is printed: 正文：… or the cell's location in its table."""
    from .paths import label as cell_location

    if target.startswith("section:"):
        return "正文：" + SECTION_LABELS.get(target[len("section:") :], target)
    try:
        return cell_location(target)
    except (KeyError, IndexError, ValueError):
        return target


def open_comments(store: Store, report_id: str) -> list[Comment]:
    """The comments of the latest review round that has comments, while the report is not
    final: what the clerk has to work on (returned) or what the reviewer wrote so far."""
    row = reader(store).execute("SELECT status FROM reports WHERE id = ?", (report_id,))
    status = row.fetchone()
    if status is None or status["status"] == "final":
        return []
    found = comments(store, report_id)
    if not found:
        return []
    latest = max(c.review_round for c in found)
    return [c for c in found if c.review_round == latest]


def comments(store: Store, report_id: str) -> list[Comment]:
    """A report's comments, oldest first."""
    rows = reader(store).execute(
        "SELECT * FROM review_comments WHERE report_id = ? ORDER BY created_at, id", (report_id,)
    )
    return [
        Comment(
            row["id"],
            row["report_id"],
            row["review_round"],
            row["target"],
            row["body"],
            row["author"],
            row["created_at"],
        )
        for row in rows
    ]


def _stage(status: str, returned: bool) -> str:
    if status == "drafting":
        return "returned" if returned else "drafting"
    return status


def area_status(store: Store, area: str, year: int) -> list[AgencyStatus]:
    """Every agency of `area` (from its accounts and its reports) and the stage of its
    report for `year` (未开始 when it has none), by agency name."""
    db = reader(store)
    agencies = {a.agency for a in list_accounts(store, area) if a.agency}
    rows = db.execute(
        "SELECT a.agency, a.returned, r.id, r.status, r.updated_at FROM report_access a"
        " JOIN reports r ON r.id = a.report_id"
        " JOIN report_summaries s ON s.report_id = a.report_id"
        " WHERE a.area = ? AND s.report_year = ?"
        " AND a.report_id NOT IN (SELECT report_id FROM archived_reports)"
        " ORDER BY r.updated_at",
        (area, year),
    ).fetchall()
    latest = {row["agency"]: row for row in rows}  # the last edited report per agency
    agencies |= set(latest)
    result = []
    for agency in sorted(agencies):
        row = latest.get(agency)
        if row is None:
            result.append(AgencyStatus(agency, "none", ""))
        else:
            result.append(AgencyStatus(agency, _stage(row["status"], row["returned"]), row["id"]))
    return result


def tasks(store: Store, account: Account) -> list[Task]:
    """待我处理: a 经办人's returned reports, a 审核人's reports waiting for review."""
    if account.role not in ("clerk", "reviewer"):
        return []
    rows = reader(store).execute(
        "SELECT r.id, r.status, a.returned, s.agency, s.report_year FROM report_access a"
        " JOIN reports r ON r.id = a.report_id JOIN report_summaries s ON s.report_id = r.id"
        " WHERE a.agency = ? ORDER BY r.updated_at DESC",
        (account.agency,),
    )
    found = []
    for row in rows:
        title = f"{row['agency']} {row['report_year']} 年度报告"
        if account.role == "clerk" and row["status"] == "drafting" and row["returned"]:
            found.append(Task(row["id"], title, "已退回修改，请按审核意见修改后重新提交", ""))
        elif account.role == "reviewer" and row["status"] == "reviewing":
            found.append(Task(row["id"], title, "待审核", ""))
    return [Task(t.report_id, t.title, t.action, f"/reports/{t.report_id}/review") for t in found]
