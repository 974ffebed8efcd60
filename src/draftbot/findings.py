"""What a check found, and where: the one home of `Finding`.

A finding is addressed by data, never by its display text: `paths` are the dotted data paths
it concerns (for a cell, the cell's path, e.g. `table3.granted.natural_person`; for a row or
a whole table, the row's or table's path; for a field, e.g. `meta.publish_date`), or
`section` is the narrative key it concerns (`problems`). The printed `location` is rendered
from them through `paths.label` and the section titles, so consumers (web highlighting,
correction questions, Word comments, filters) use `paths`/`section` and a label edit changes
only the text a person reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, Literal

from . import paths as data_paths

Severity = Literal["error", "warning"]
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "提示"}
WHOLE_REPORT = "全文"


@dataclass(frozen=True)
class Finding:
    """One finding of a check, review, audit, export or drafting step.

    code: stable rule code (`T3-01`, `P-03`…); severity: `error` blocks export, `warning` not;
    message/hint: Simplified Chinese, the message with the actual numbers; paths: dotted data
    paths concerned, most specific first (cells, rows, tables or fields); section: a narrative
    key (`model.SECTION_KEYS`) for a finding about prose; topic: the name of a relation
    between several cells (`勾稽关系`), printed after the table name instead of the row, or
    the name of what a finding without a data place is about (`导出`).

    paths/section/topic are keyword-only and at least one is required, so a place can never
    be passed as display text: ValueError if none is given or `section` is not a narrative
    key, TypeError if `paths` is not a tuple of dotted paths.
    """

    code: str
    severity: Severity
    message: str
    hint: str = ""
    _: KW_ONLY
    paths: tuple[str, ...] = ()
    section: str | None = None
    topic: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.paths, tuple) or not all(
            isinstance(p, str) and p for p in self.paths
        ):
            raise TypeError(f"Finding {self.code}: paths must be a tuple of dotted data paths")
        if self.section is not None and self.section not in data_paths.SECTION_LABELS:
            raise ValueError(f"Finding {self.code}: unknown section {self.section!r}")
        if not (self.paths or self.section or self.topic):
            raise ValueError(f"Finding {self.code}: give paths=, section= or topic=")

    @property
    def location(self) -> str:
        """The place as printed for a person, rendered from `section`/`paths`/`topic`."""
        return render_location(self.paths, self.section, self.topic)

    @property
    def tables(self) -> tuple[str, ...]:
        """The official tables (`表二`/`表三`/`表四`) the finding's paths lie in, in order."""
        found = (data_paths.table_of(p) for p in self.paths)
        return tuple(dict.fromkeys(t for t in found if t))

    def concerns(self, path: str) -> bool:
        """The finding is about the data at `path` (one of its paths or under one of them)."""
        return data_paths.within(path, self.paths)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: code, severity, location (for people), message, hint, paths, section."""
        return {
            "code": self.code,
            "severity": self.severity,
            "location": self.location,
            "message": self.message,
            "hint": self.hint,
            "paths": list(self.paths),
            "section": self.section,
        }


def render_location(paths: Sequence[str], section: str | None = None, topic: str = "") -> str:
    """The printed place of a finding.

    A section → its title as printed (`一、总体情况 ·（一）主动公开`). One path → its label
    (`表三 · 二、上年结转政府信息公开申请数量 · 自然人`). A topic → the table or field group,
    the topic, and the column all paths share (`表三 · 勾稽关系 · 自然人`). Several paths →
    the label parts they share. A topic alone → the topic. Nothing → `全文`.
    """
    if section is not None:
        return data_paths.section_label(section)
    if not paths:
        return topic or WHOLE_REPORT
    labels = [data_paths.label_parts(p) for p in paths]
    if topic:
        last = {parts[-1] for parts in labels}
        tail = [labels[0][-1]] if len(paths) > 1 and len(last) == 1 else []
        return data_paths.join_label(labels[0][0], topic, *tail)
    if len(labels) == 1:
        return data_paths.join_label(*labels[0])
    shared: list[str] = []
    for group in zip(*labels, strict=False):
        if len(set(group)) > 1:
            break
        shared.append(group[0])
    return data_paths.join_label(*(shared or labels[0]))


def placed(path: str) -> dict[str, Any]:
    """Keyword arguments placing a finding at a data path: `section=` for a narrative section
    (`narrative.problems`), else `paths=(path,)`."""
    if path.startswith("narrative.") and path.count(".") == 1:
        return {"section": path.removeprefix("narrative.")}
    return {"paths": (path,)}


def has_errors(findings: Iterable[Finding]) -> bool:
    """Any finding is an error (errors block a formal export)."""
    return any(f.severity == "error" for f in findings)


def in_table(findings: Iterable[Finding], table: str) -> list[Finding]:
    """The findings concerning a cell, row or the whole of one table (`表二`/`表三`/`表四`)."""
    return [f for f in findings if table in f.tables]


def in_section(findings: Iterable[Finding], section: str) -> list[Finding]:
    """The findings about one narrative section (a key of `model.SECTION_KEYS`)."""
    return [f for f in findings if f.section == section]


def cells_of(finding: Finding, keys: Iterable[str]) -> list[str]:
    """The value cells (among `keys`, in `keys` order) a finding concerns; [] if none."""
    return [key for key in keys if finding.concerns(key)]
