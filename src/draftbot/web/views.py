"""Presentation helpers: official grids as HTML rows, findings mapped onto table cells.

Nothing here decides a number or a rule; it only arranges what tables.py and checks.py say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from ..findings import SEVERITY_LABELS, Finding, cells_of, in_section, in_table
from ..model import APPLICANT_COLUMNS, Report
from ..outline import TABLE_SECTIONS
from ..tables import (
    Cell,
    Grid,
    table2_grid,
    table3_grid,
    table4_grid,
)

# Page number of a table → (table, its section's name), from the outline.
TABLES: dict[str, tuple[str, str]] = {
    str(number): (table, TABLE_SECTIONS[table].name)
    for number, table in ((2, "表二"), (3, "表三"), (4, "表四"))
}


def grid_for(report: Report, table: str) -> Grid:
    return {"2": table2_grid, "3": table3_grid, "4": table4_grid}[table](report)


def grid_rows(grid: Grid) -> list[list[Cell]]:
    """Cells row by row, left to right; positions covered by a merge are simply absent."""
    rows: list[list[Cell]] = [[] for _ in range(grid.rows)]
    for cell in grid.cells:
        rows[cell.row].append(cell)
    return [sorted(row, key=lambda c: c.col) for row in rows]


def is_computed(key: str) -> bool:
    """总计 cells are computed by the tool (a stated total from an import is still checked)."""
    parts = key.split(".")
    return parts[0] in ("table3", "table4") and (
        parts[-1] == "total" or parts[1] == "results_total"
    )


def grid_values(grid: Grid) -> dict[str, str]:
    return {cell.key: cell.text for cell in grid.value_cells() if cell.key}


@dataclass(frozen=True)
class FindingView:
    code: str
    severity: str
    severity_label: str
    location: str
    message: str
    hint: str
    keys: tuple[str, ...] = ()  # the value cells of the page it concerns (highlighted)
    paths: tuple[str, ...] = ()
    section: str | None = None
    tables: tuple[str, ...] = ()  # 表二/表三/表四 it concerns (the findings list filters on it)

    def to_json(self) -> dict[str, Any]:
        """Every field; tuples become lists in JSON."""
        return asdict(self)


def finding_views(findings: list[Finding], keys: list[str] | None = None) -> list[FindingView]:
    """Findings as shown; `keys` are the value cells of the page, those a finding concerns
    are its `keys` (highlighted)."""
    return [
        FindingView(
            f.code,
            f.severity,
            SEVERITY_LABELS[f.severity],
            f.location,
            f.message,
            f.hint,
            tuple(cells_of(f, keys)) if keys else (),
            f.paths,
            f.section,
            f.tables,
        )
        for f in findings
    ]


def table_findings(findings: list[Finding], table_name: str) -> list[Finding]:
    """Findings concerning one official table (`表二`/`表三`/`表四`)."""
    return in_table(findings, table_name)


def section_findings(findings: list[Finding], section: str) -> list[Finding]:
    """Findings about this narrative section: prose review and drafting findings."""
    return in_section(findings, section)


def counts(findings: list[Finding]) -> tuple[int, int]:
    errors = sum(f.severity == "error" for f in findings)
    return errors, len(findings) - errors


def local_time(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level diff (Chinese has no word spaces) as (op, text) pieces, op in = + -."""
    import difflib

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("=", old[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(("-", old[i1:i2]))
        if j2 > j1:
            pieces.append(("+", new[j1:j2]))
    return pieces


def stated_totals(report: Report) -> set[str]:
    """总计 cells holding a stated (typed or imported) total rather than the computed one."""
    keys: set[str] = set()
    t3 = report.table3
    for name in type(t3).model_fields:
        row = getattr(t3, name)
        if name == "results_total":
            if row is not None:
                keys.update(f"table3.results_total.{c}" for c in (*APPLICANT_COLUMNS, "total"))
        elif row.total is not None:
            keys.add(f"table3.{name}.total")
    for block in type(report.table4).model_fields:
        if getattr(report.table4, block).total is not None:
            keys.add(f"table4.{block}.total")
    return keys
