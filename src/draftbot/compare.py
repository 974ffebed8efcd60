"""Two years of one agency side by side: every table cell, and the prose with a diff.

`compare_reports(this, last)` gives the cells of the printed tables that exist in both years'
formats (with both values) and, per prose section, the text as runs of kept / added / removed
characters (difflib over characters, which suits Chinese prose without word breaks).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from . import paths
from .model import Report
from .outline import SECTION_KEYS
from .tables import report_grids
from .text import sentence_pieces

Op = Literal["same", "added", "removed"]


@dataclass(frozen=True)
class CellPair:
    location: str  # as the official table prints it
    this_year: str
    last_year: str

    @property
    def changed(self) -> bool:
        return self.this_year != self.last_year


@dataclass(frozen=True)
class SectionDiff:
    section: str  # a key of SECTION_KEYS
    runs: tuple[tuple[Op, str], ...]  # the text, this year against last year
    ratio: float  # 0…1: how alike the two texts are

    @property
    def unchanged(self) -> bool:
        return all(op == "same" for op, _ in self.runs)


def compare_reports(this: Report, last: Report) -> tuple[list[CellPair], list[SectionDiff]]:
    """(cells in table order, sections with text in either year)."""
    before = {
        cell.key: cell.text
        for grid in report_grids(last)
        for cell in grid.value_cells()
        if cell.key
    }
    cells = [
        CellPair(paths.label(cell.key), cell.text, before[cell.key])
        for grid in report_grids(this)
        for cell in grid.value_cells()
        if cell.key in before
    ]
    sections = []
    for key in SECTION_KEYS:
        new, old = getattr(this.narrative, key), getattr(last.narrative, key)
        if new.strip() or old.strip():
            sections.append(_diff(key, old, new))
    return cells, sections


CHARACTER_DIFF_LIMIT = 6000  # longer texts are compared sentence by sentence (bounded time)


def _diff(key: str, old: str, new: str) -> SectionDiff:
    if len(old) + len(new) > CHARACTER_DIFF_LIMIT:
        a, b = sentence_pieces(old, at_newlines=True), sentence_pieces(new, at_newlines=True)
    else:
        a, b = list(old), list(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    runs: list[tuple[Op, str]] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(b[b0:b1])))
            continue
        if a1 > a0:
            runs.append(("removed", "".join(a[a0:a1])))
        if b1 > b0:
            runs.append(("added", "".join(b[b0:b1])))
    return SectionDiff(key, tuple(runs), matcher.ratio())
