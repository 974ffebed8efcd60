"""Free-text answers → proposed table cells through an LLM (tool calling), checked against the
numbers the text really holds; the offline parser (`freetext.propose_cells`) answers when no
model is configured or the model fails.

`propose` is the one entry point of the interview, the web chat box and the guided steps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from .freetext import (
    LITIGATION_CHOICE,
    TABLE3_ROWS,
    TABLE4_BLOCKS,
    VAGUE_ROW_REASONS,
    Proposal,
    Unplaced,
    mark_unusable,
    propose_cells,
    unplaced_numbers,
)
from .model import FormatVersion
from .text import Mention, find_numbers

if TYPE_CHECKING:
    from .config import Settings


class ExtractedCell(BaseModel):
    cell: str = Field(description="单元格编号，必须是系统提示中列出的编号之一")
    value: float = Field(description="材料中明确写出的数字")
    approximate: bool = Field(False, description="材料中这个数是约数（如十余件、约20件）时为 true")
    quote: str = Field("", description="材料中对应的原文")


class NotPlaced(BaseModel):
    text: str = Field(description="材料中的数字及上下文")
    reason: str = Field(description="为什么不能填入单元格")


class Extraction(BaseModel):
    """从材料中提取的表格单元格数值。"""

    cells: list[ExtractedCell] = Field(default_factory=list)
    unplaced: list[NotPlaced] = Field(default_factory=list)


def allowed_cells(scope: list[str], version: FormatVersion) -> dict[str, str]:
    """Cell path → label as printed in the official table, for every cell in `scope`."""
    from .questions import cell_label, leaf_paths
    from .tables import table3_row_keys

    rows = set(table3_row_keys(version)) - {"results_total"}
    out = {}
    for prefix in scope:
        for path in leaf_paths(prefix):
            parts = path.split(".")
            if parts[0] == "table3" and (len(parts) < 3 or parts[1] not in rows):
                continue
            out[path] = cell_label(path)
    return out


def extraction_system_prompt(base: str, cells: dict[str, str]) -> str:
    listed = "\n".join(f"- {path}：{label}" for path, label in cells.items())
    return f"{base.rstrip()}\n\n可填写的单元格（编号：表中位置）：\n{listed}\n"


def propose(
    text: str,
    scope: list[str],
    version: FormatVersion,
    settings: Settings | None = None,
    system_prompt: str = "",
) -> Proposal:
    """The LLM path when `settings` configure an endpoint (and a prompt is given), else offline."""
    if settings is not None and settings.llm_configured and system_prompt:
        return propose_with_llm(settings, text, scope, version, system_prompt)
    return propose_cells(text, scope, version)


def propose_with_llm(
    settings: Settings, text: str, scope: list[str], version: FormatVersion, system_prompt: str
) -> Proposal:
    """Cells through an LLM (tool calling), checked against the numbers the text really holds.

    A value the text does not contain, a cell outside `scope`, or an approximate number is
    listed as not placed; every exact number of the text that no cell uses is listed too.
    If the LLM fails, the offline parser answers and a note says so.
    """
    from .drafting.llm import ExtractionError, extract_structured

    cells = allowed_cells(scope, version)
    try:
        result = extract_structured(
            settings, extraction_system_prompt(system_prompt, cells), text, Extraction
        )
    except ExtractionError as exc:
        proposal = propose_cells(text, scope, version)
        proposal.notes.insert(0, f"大模型解析失败（{exc}），已改用离线规则解析")
        return proposal
    proposal = _checked_extraction(result, text, cells)
    proposal.parser = settings.model_name
    return proposal


def _checked_extraction(result: Extraction, text: str, cells: dict[str, str]) -> Proposal:
    proposal = Proposal()
    mentions = find_numbers(text)
    exact = [m.value for m in mentions if m.exact]
    for item in result.cells:
        value = _as_number(item.value)
        shown = f"{value}（{item.quote}）" if item.quote else str(value)
        if item.cell not in cells:
            proposal.unplaced.append(
                Unplaced(shown, f"模型给出的单元格“{item.cell}”不在本题范围内，未采用")
            )
        elif item.approximate or _approximate_in_text(value, mentions):
            proposal.unplaced.append(Unplaced(shown, "是约数，表中只能填确切数字"))
        elif value not in exact:
            proposal.unplaced.append(
                Unplaced(shown, "原文中没有这个确切数字，未采用（不推算、不猜测）")
            )
        elif (choice := _unstated_kind(item.cell, text)) is not None:
            proposal.unplaced.append(Unplaced(shown, choice))
        elif isinstance(value, Decimal) and not cells[item.cell].endswith("万元）"):
            proposal.unplaced.append(Unplaced(shown, "件数应为整数"))
        else:
            proposal.place(item.cell, value, item.quote or text)
    proposal.unplaced += [Unplaced(u.text, u.reason) for u in result.unplaced]
    listed = " ".join(u.text for u in proposal.unplaced)
    for mention in mentions:
        if not mention.exact and mention.text not in listed:
            mark_unusable(proposal, mention)
    proposal.unplaced += unplaced_numbers(text, proposal)
    _drop_matching_totals(proposal)
    return proposal


_KIND_WORDS: dict[str, tuple[tuple[str, ...], str]] = {
    "table4.litigation_direct.": (dict(TABLE4_BLOCKS)["litigation_direct"], LITIGATION_CHOICE),
    "table4.litigation_after_review.": (
        dict(TABLE4_BLOCKS)["litigation_after_review"],
        LITIGATION_CHOICE,
    ),
    **{
        f"table3.{row}.": (dict(TABLE3_ROWS)[row], VAGUE_ROW_REASONS["?其他处理"])
        for row in ("other_no_correction", "other_no_fee_paid", "other_other")
    },
}


def _unstated_kind(cell: str, text: str) -> str | None:
    """A model that puts 行政诉讼 N 件 under 直接起诉, or 其他处理 N 件 under one of its three
    sub-rows, guessed: the text must name the kind, else the cell needs a choice."""
    for prefix, (words, reason) in _KIND_WORDS.items():
        if cell.startswith(prefix) and not any(word in text for word in words):
            return reason
    return None


def _as_number(value: float) -> int | Decimal:
    return int(value) if float(value).is_integer() else Decimal(str(value))


def _approximate_in_text(value: int | Decimal, mentions: list[Mention]) -> bool:
    """The value occurs in the text only as an approximate number."""
    matching = [m for m in mentions if m.value == value]
    return bool(matching) and all(m.approximate for m in matching)


def _drop_matching_totals(proposal: Proposal) -> None:
    for path in [p for p in proposal.values if p.endswith(".total")]:
        row = path.removesuffix(".total")
        parts = [v for p, v in proposal.values.items() if p.startswith(row + ".") and p != path]
        if parts and sum(parts) == proposal.values[path]:
            del proposal.values[path]
            del proposal.sources[path]
