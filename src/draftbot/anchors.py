"""Where a finding points: the table cells (by cell key) or the prose section and sentence.

Used by the web page (highlighting cells) and by the 审阅稿 (anchoring Word comments).
Findings carry a printed location (`表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人`,
`正文 · 五、存在的主要问题及改进情况`…) and, for prose, a quote of the sentence; this module
turns those back into places.
"""

from __future__ import annotations

import functools
import re

from .checks import Finding
from .outline import SECTION_LABELS
from .tables import APPLICANT_LABELS, table2_location, table3_location, table4_location

BALANCE_ROWS = ("new_received", "carried_over", "results_total", "carried_forward")
_QUOTE = re.compile(r"“([^”]+)”")


@functools.lru_cache(maxsize=4096)
def cell_location(key: str) -> str:
    """The printed location of a value cell key such as `table3.granted.natural_person`."""
    parts = key.split(".")
    if parts[0] == "table3":
        return table3_location(parts[1], parts[2])
    if parts[0] == "table4":
        return table4_location(parts[1], parts[2])
    return table2_location(key)


def finding_keys(finding: Finding, keys: list[str]) -> list[str]:
    """The value cells (among `keys`) a finding is about, in `keys` order; [] if none."""
    if finding.code == "T3-01" and finding.location == "表三 · 勾稽关系":
        # the reminder of an unfilled 表三: at the carried-over applications it is about
        return [k for k in ("table3.carried_over.total",) if k in keys]
    if finding.code == "T3-01":
        column = finding.location.rsplit(" · ", 1)[-1]
        name = next((k for k, v in APPLICANT_LABELS.items() if v == column), None)
        return [f"table3.{row}.{name}" for row in BALANCE_ROWS if f"table3.{row}.{name}" in keys]
    hits = []
    for key in keys:
        location = cell_location(key)
        if location == finding.location or location.startswith(finding.location + " "):
            hits.append(key)
    return hits


def finding_section(finding: Finding) -> str | None:
    """The narrative key (SECTION_KEYS) a prose finding is located in, or None."""
    location = finding.location.removeprefix("正文 · ")
    for key, label in SECTION_LABELS.items():
        if location == label:
            return key
    return None


def quoted_pieces(finding: Finding) -> list[str]:
    """Text the finding's message quotes (“…”), without the … of a shortened quote.

    Quotes inside a quoted sentence were turned into ‘’ by the review; both forms are given.
    """
    pieces = []
    for raw in _QUOTE.findall(finding.message):
        for piece in raw.strip("…").split("…"):
            if len(piece) >= 2:
                pieces += [piece, piece.replace("‘", "“").replace("’", "”")]
    return pieces
