"""What a document is made of, independent of Word: the placeholders and export-time codes,
the `Block`s and the `DocumentPlan`, the title's line breaks, prose cut into paragraphs, and
text cleaned of characters a .docx cannot hold (with a W-02 warning). Section headings and
labels come from `outline.py`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from ..findings import Finding, placed
from ..tables import Grid
from ..text import CONTROL_RE

DRAFT_PLACEHOLDER = "（待起草）"
MISSING_PLACEHOLDER = "（待填写）"
DRAFT_MARK = "草稿"


# Export-time finding codes.
EMPTY_SECTION = "W-01"
BAD_CHARACTERS = "W-02"
MISSING_META = "W-03"
FORCED_DRAFT = "W-04"


BlockKind = Literal["title", "heading", "subheading", "body", "table", "closing", "landscape"]


@dataclass(frozen=True)
class Block:
    """One paragraph or table of the document.

    `lead` is a （一）-style run-in heading at the start of a body paragraph (drawn in 楷体);
    `landscape` blocks open (text "on") and close (text "off") a landscape section.
    """

    kind: BlockKind
    text: str = ""
    lead: str = ""
    grid: Grid | None = None
    placeholder: bool = False
    section: str = ""  # the narrative key (SECTION_KEYS) a prose block belongs to
    fields: tuple[str, ...] = ()  # meta fields (TEMPLATE_VARIABLES) printed in this line


@dataclass
class DocumentPlan:
    """The document as blocks in order, with the export-time findings; `draft` when forced
    past errors (every page header then says 草稿)."""

    title: str  # one line, cleaned: for the document properties
    agency: str  # cleaned
    blocks: list[Block]
    findings: list[Finding] = field(default_factory=list)
    draft: bool = False


# --- text cleaning ---------------------------------------------------------------------------

# Characters XML 1.0 cannot hold (python-docx raises on them), lone surrogates, DEL.
XML_INVALID = CONTROL_RE


def xml_safe_text(text: str, path: str) -> tuple[str, list[Finding]]:
    """`text` (found at data path `path`) without XML-invalid characters, and a warning
    naming what was removed."""
    bad = XML_INVALID.findall(text)
    if not bad:
        return text, []
    shown = "、".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(bad))
    finding = Finding(
        BAD_CHARACTERS,
        "warning",
        f"删除了 {len(bad)} 个无法写入 Word 的控制字符（{shown}），其余文字保留",
        "这些字符通常来自复制粘贴；请在导出的文档中核对该处文字",
        **placed(path),
    )
    return XML_INVALID.sub("", text), [finding]


def text_lines(text: str) -> list[str]:
    """Each non-blank line of `text` (any newline convention), stripped."""
    # str.replace, not re.split: compiling that pattern (a set of non-Latin characters) costs
    # more than all the lines of a report (issue 19)
    for newline in ("\r\n", "\r", "\u2028", "\u2029"):
        text = text.replace(newline, "\n")
    return [line.strip() for line in text.split("\n") if line.strip()]


# --- title -----------------------------------------------------------------------------------

TITLE_SUFFIX = "年政府信息公开工作年度报告"
TITLE_LINE_WIDTH = 20.0  # 二号 characters per line of the 156 mm 版心
_DIVISION_ENDS = "省市县区州盟旗乡镇"


def _width(text: str) -> float:
    return sum(0.5 if unicodedata.east_asian_width(ch) in "NaH" else 1.0 for ch in text)


def _title_breaks(agency: str, year: int) -> list[int]:
    """Offsets in the title where a line may break without splitting a word."""
    breaks = [i + 1 for i, ch in enumerate(agency[:-1]) if ch in _DIVISION_ENDS]
    breaks += [m.end() for m in re.finditer("人民政府|办公室", agency) if m.end() < len(agency)]
    after_year = len(agency) + len(str(year)) + 1
    breaks += [len(agency), after_year, after_year + len("政府信息公开工作")]
    return sorted(set(breaks))


def title_lines(agency: str, year: int) -> list[str]:
    """The title in one to three lines of similar width (GB/T 9704 梯形/菱形 arrangement)."""
    title = f"{agency}{year}{TITLE_SUFFIX}"
    if _width(title) <= TITLE_LINE_WIDTH:
        return [title]
    breaks = _title_breaks(agency, year)
    candidates = [[b] for b in breaks] + [[a, b] for a in breaks for b in breaks if a < b]
    best: list[str] | None = None
    best_score = float("inf")
    for cut in candidates:
        bounds = [0, *cut, len(title)]
        lines = [title[a:b] for a, b in pairwise(bounds)]
        widths = [_width(line) for line in lines]
        overflow = sum(max(0.0, w - TITLE_LINE_WIDTH) for w in widths)
        score = overflow * 100 + len(lines) * 3 + (max(widths) - min(widths))
        if score < best_score:
            best, best_score = lines, score
    return best or [title]


# --- narrative -------------------------------------------------------------------------------

_RUN_IN_HEADING = re.compile(r"^（[一二三四五六七八九十]+）")
_RUN_IN_MAX = 30


def prose_blocks(text: str) -> list[Block]:
    """Each line a body paragraph; a leading （一）… heading is split off as a 楷体 lead."""
    blocks = []
    for line in text_lines(text):
        if not _RUN_IN_HEADING.match(line):
            blocks.append(Block("body", line))
            continue
        head, stop, rest = line.partition("。")
        if stop and len(head) < _RUN_IN_MAX:
            blocks.append(Block("body", rest, lead=head + stop))
        elif not stop and len(line) <= _RUN_IN_MAX:
            blocks.append(Block("subheading", line))
        else:
            blocks.append(Block("body", line))
    return blocks
