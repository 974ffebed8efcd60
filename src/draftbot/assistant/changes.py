"""Proposed cell edits from what the clerk says, applied only on confirmation.

Two parsers: a move between columns ("予以公开里有一件是企业的，不是个人" → 予以公开 自然人 −1,
商业企业 +1) handled here, and every other sentence through the shared sentence parser
(`freetext_llm.propose`, the LLM with tool calling when configured). A proposal records the cells
before and after and a digest of the tables as they were; `apply_proposal` refuses it when
the tables changed since (another tab, another editor) and otherwise returns the new,
validated Report — the caller saves it through its normal save path.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ..answers import APPLICANT_WORDS
from ..datafile import problems_from_validation
from ..errors import DraftbotError
from ..freetext import OFFLINE_PARSER, TABLE3_ROWS, Proposal
from ..freetext_llm import propose
from ..model import Report
from ..paths import label as cell_label
from ..tables import APPLICANT_LABELS
from ..text import find_numbers
from .report_answers import cell_value, fmt_value

TABLE2_WORDS = ("规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "事业性收费")
TABLE4_WORDS = ("复议", "诉讼", "起诉", "维持", "纠正", "审结")
_NOT_BEFORE = re.compile(r"(?:不是|并非|而非|不属于|不该算|不应算)\s*$")


class ChangeError(DraftbotError):
    """A proposal that cannot be applied; the message is Chinese and says what to do."""


class StaleProposal(ChangeError):
    """The tables changed after the proposal was made."""


@dataclass(frozen=True)
class CellChange:
    path: str
    location: str
    before: str
    after: str
    value: int | Decimal
    source: str = ""


@dataclass(frozen=True)
class ChangeProposal:
    """Cell edits awaiting the clerk's confirmation; `digest` is of the tables they were based on."""

    id: str
    changes: tuple[CellChange, ...]
    digest: str
    notes: tuple[str, ...] = ()
    parser: str = ""
    unplaced: tuple[str, ...] = field(default_factory=tuple)
    model_calls: int = 0  # requests made to the model for this proposal (for the call caps)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored in the conversation."""
        return {
            "id": self.id,
            "digest": self.digest,
            "parser": self.parser,
            "notes": list(self.notes),
            "unplaced": list(self.unplaced),
            "changes": [
                {
                    "path": c.path,
                    "location": c.location,
                    "before": c.before,
                    "after": c.after,
                    "value": str(c.value),
                    "source": c.source,
                }
                for c in self.changes
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeProposal:
        """The proposal stored by `to_dict`."""
        return cls(
            id=str(data["id"]),
            digest=str(data["digest"]),
            parser=str(data.get("parser", "")),
            notes=tuple(data.get("notes", ())),
            unplaced=tuple(data.get("unplaced", ())),
            changes=tuple(
                CellChange(
                    path=str(c["path"]),
                    location=str(c["location"]),
                    before=str(c["before"]),
                    after=str(c["after"]),
                    value=_number(str(c["value"])),
                    source=str(c.get("source", "")),
                )
                for c in data["changes"]
            ),
        )


def _number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


def tables_digest(report: Report) -> str:
    """A digest of 表二/表三/表四 as stored: any edit of any cell changes it."""
    data = report.model_dump(mode="json", include={"table2", "table2_2019", "table3", "table4"})
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def looks_like_change(text: str) -> bool:
    """The clerk states a count ("予以公开改为5件", "有一件是企业的"): a change to propose.

    The caller first rules out questions (a question mark or question word).
    """
    return any(not m.fraction for m in find_numbers(text))


def scope_for(text: str) -> list[str]:
    """The table a sentence is about: 表四 and 表二 by their words, else 表三."""
    if "表四" in text or any(w in text for w in TABLE4_WORDS):
        return ["table4"]
    if "表二" in text or any(w in text for w in TABLE2_WORDS):
        return ["table2"]
    return ["table3"]


def propose_change(
    report: Report, text: str, settings: Any = None, system_prompt: str = ""
) -> ChangeProposal:
    """Cell edits `text` asks for, with the values before and after; nothing is applied."""
    moved = _column_move(report, text)
    if moved is not None:
        values, notes = moved
        sources, parser = dict.fromkeys(values, text), OFFLINE_PARSER
        unplaced: tuple[str, ...] = ()
        calls = 0
    else:
        proposal: Proposal = propose(
            text, scope_for(text), report.format_version, settings, system_prompt
        )
        values, sources = proposal.values, proposal.sources
        notes, parser = tuple(proposal.notes), proposal.parser
        unplaced = tuple(f"{u.text}：{u.reason}" for u in proposal.unplaced)
        calls = int(bool(getattr(settings, "llm_configured", False) and system_prompt))
    changes = tuple(
        CellChange(
            path,
            cell_label(path),
            fmt_value(cell_value(report, path)),
            fmt_value(value),
            value,
            sources.get(path, ""),
        )
        for path, value in values.items()
    )
    return ChangeProposal(
        uuid.uuid4().hex[:12], changes, tables_digest(report), notes, parser, unplaced, calls
    )


def _column_move(
    report: Report, text: str
) -> tuple[dict[str, int | Decimal], tuple[str, ...]] | None:
    """ "（row）里有 N 件是 A 的，不是 B" → new values moving N from column B to A, else None.

    A result row (or 结转下年度) names an application that was received this year, so
    一、本年新收 moves with it, keeping 表三 balanced (T3-01); a note says so.
    """
    row = next((k for k, words in TABLE3_ROWS if any(w in text for w in words)), None)
    if row is None or row.startswith("?"):
        return None
    row = report.format.result_row(row)
    to_col, from_col = None, None
    for key, words in APPLICANT_WORDS:
        for word in words:
            at = text.find(word)
            if at < 0:
                continue
            if _NOT_BEFORE.search(text[:at]):
                from_col = from_col or key
            else:
                to_col = to_col or key
            break
    counts = [m.value for m in find_numbers(text) if m.exact and m.value is not None]
    if not (to_col and from_col and to_col != from_col and len(counts) == 1):
        return None
    n = int(counts[0])
    rows = [row]
    notes: tuple[str, ...] = ()
    if row not in ("new_received", "carried_over"):
        rows.append("new_received")
        notes = (
            f"同一申请在“一、本年新收政府信息公开申请数量”中也从{APPLICANT_LABELS[from_col]}"
            f"移到{APPLICANT_LABELS[to_col]}，表三才能平衡；如果这件申请是上年结转的，"
            "请改为说明“上年结转”的调整",
        )
    values: dict[str, int | Decimal] = {}
    for key in rows:
        current = report.table3.row(key)
        held = current.column(from_col)
        if n <= 0 or held < n:
            raise ChangeError(
                f"{cell_label(f'table3.{key}.{from_col}')} 现在是 {held} 件，不够移出 {n} 件；"
                "请直接说明各列应填的件数"
            )
        values[f"table3.{key}.{from_col}"] = held - n
        values[f"table3.{key}.{to_col}"] = current.column(to_col) + n
    return values, notes


Apply = Callable[[Report, dict[str, str]], Report]


def apply_proposal(report: Report, proposal: ChangeProposal, apply: Apply | None = None) -> Report:
    """The report with the proposal's cells set, validated.

    `apply` is the caller's own edit path (path → typed text, as a form would send), e.g. the
    web app's form edits; it raises ChangeError for values it refuses. Without it the values
    are set here (a changed cell's note about how a published report printed it is dropped).
    Raises StaleProposal if the tables changed since the proposal was made, ChangeError if
    the proposal is empty or the values are not accepted (message names the cell).
    """
    if not proposal.changes:
        raise ChangeError("这项建议没有要修改的单元格")
    if tables_digest(report) != proposal.digest:
        raise StaleProposal(
            "表格在提出这项修改之后已经被改动（可能是在另一个窗口或由其他人修改），"
            "为免覆盖新的数字，这项修改没有应用；请查看当前表格，需要时重新提出"
        )
    if apply is not None:
        return apply(report, {c.path: str(c.value) for c in proposal.changes})
    data = report.model_dump(mode="json", exclude_none=True)
    notes = data.get("source", {}).get("notes", {})
    for change in proposal.changes:
        _set(data, change.path, change.value)
        notes.pop(change.path, None)
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        raise ChangeError("；".join(str(p) for p in problems_from_validation(exc))) from None


def _set(data: dict[str, Any], path: str, value: int | Decimal) -> None:
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        if node.get(part) is None:
            node[part] = {}
        node = node[part]
    node[parts[-1]] = str(value) if isinstance(value, Decimal) else value
