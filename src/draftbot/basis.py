"""What each prose section was written against, and which sections may be out of date.

When the tool sets a section's text (the drafter's `apply_draft`, the web's generate, save,
approve and restore, all through `Store.save_section` / `Store.save`) it records a
`model.SectionBasis` in `Report.drafted_from`: a digest of the text and one of each table's
printed figures (表二、表三、表四 as `tables.report_grids` prints them, so a stated total equal to
its sum is the same figure as a computed one). A section is *stale* when its text is still
the recorded one but a table's figures are not: the prose was written before the tables
changed. Editing the text (in the web or in the data file) or regenerating it ends that.
Review rule P-10 (`review/staleness.py`) reports it.
"""

from __future__ import annotations

import hashlib
from typing import cast

from .model import Report, SectionBasis
from .outline import SECTION_KEYS, SectionKey
from .tables import report_grids

_DIGEST_CHARS = 16  # a change check, not a security measure: 64 bits are plenty


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def table_digests(report: Report) -> dict[str, str]:
    """{表二/表三/表四: digest of the figures the table prints}, in table order."""
    return {
        grid.name: _digest("\x1f".join(cell.text for cell in grid.value_cells()))
        for grid in report_grids(report)
    }


def record_basis(report: Report, keys: tuple[str, ...] | list[str] = SECTION_KEYS) -> None:
    """Record (in place) what the sections `keys` are written against now; an empty section
    has no basis. Callers pass the sections whose text they just set."""
    tables: dict[str, str] | None = None
    for name in keys:
        key = cast(SectionKey, name)
        text = getattr(report.narrative, key)
        if not text.strip():
            report.drafted_from.pop(key, None)
            continue
        tables = tables or table_digests(report)
        report.drafted_from[key] = SectionBasis(text=_digest(text), tables=dict(tables))


def stale_sections(report: Report) -> dict[SectionKey, list[str]]:
    """{section key: the tables (表二…) whose figures changed since its unchanged text was
    set}, in document order; sections without a record or edited since are not listed."""
    if not report.drafted_from:
        return {}
    now = table_digests(report)
    stale: dict[SectionKey, list[str]] = {}
    for name in SECTION_KEYS:
        key = cast(SectionKey, name)
        basis = report.drafted_from.get(key)
        if basis is None or basis.text != _digest(getattr(report.narrative, key)):
            continue
        changed = [name for name, digest in now.items() if basis.tables.get(name) != digest]
        if changed:
            stale[key] = changed
    return stale
