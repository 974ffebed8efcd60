"""What each prose section was written against, and which sections may be out of date.

When the tool sets a section's text (the drafter's `apply_draft`, the web's generate, save,
approve and restore, all through `Store.save_section` / `Store.save`) it records a
`model.SectionBasis` in `Report.drafted_from`: a digest of the text and one of each table's
figures (表二、表三、表四; a stated total equal to its sum is the same figure as a computed
one). A section is *stale* when its text is still the recorded one but a table's figures
are not: the prose was written before the tables changed. Editing the text (in the web or in the data file) or regenerating it ends that.
Review rule P-10 (`review/staleness.py`) reports it.
"""

from __future__ import annotations

import hashlib
from typing import cast

from .model import Report, SectionBasis, drop_redundant_totals
from .outline import SECTION_KEYS, SectionKey

_DIGEST_CHARS = 16  # a change check, not a security measure: 64 bits are plenty


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def table_digests(report: Report) -> dict[str, str]:
    """{表二/表三/表四: digest of the figures the table prints}, in table order. A stated 总计
    equal to its sum is the figure the tool computes (`model.drop_redundant_totals` on a
    copy), so typing it is no change; the tables are dumped as JSON, not drawn as grids
    (about a fifth of the time: `draftbot check` pays this for every drafted report)."""
    view = report.model_copy(
        update={
            "table3": report.table3.model_copy(deep=True),
            "table4": report.table4.model_copy(deep=True),
        }
    )
    drop_redundant_totals(view)
    table2 = getattr(view, report.format.table2_field)
    return {
        "表二": _digest(table2.model_dump_json() if table2 is not None else ""),
        "表三": _digest(view.table3.model_dump_json()),
        "表四": _digest(view.table4.model_dump_json()),
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
