"""Pre-publication review of the prose (codes P-01 … P-09): contradictions with the tables,
wrong years, other regions' names and wrong level words, placeholders, copying from last
year, missing content, personal data and sub-parts with only general wording. Only
sections with text are checked.

`review_report(report)` returns `findings.Finding`s; `checks.check_report` includes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..findings import Finding
from ..model import Report
from ._text import SECTION_LABELS
from .content import check_content
from .copying import check_copying, similarity
from .generic import check_generic
from .meta import check_meta
from .placeholders import check_placeholders
from .places import check_places, own_region
from .privacy import check_privacy, is_id_number
from .prose_vs_tables import check_prose_numbers
from .years import check_years

__all__ = ["REVIEWS", "SECTION_LABELS", "is_id_number", "own_region", "review_report", "similarity"]

REVIEWS: tuple[Callable[[Report], Iterator[Finding]], ...] = (
    check_meta,
    check_prose_numbers,
    check_years,
    check_places,
    check_placeholders,
    check_copying,
    check_content,
    check_privacy,
    check_generic,
)
_SECTION_ORDER = {key: i for i, key in enumerate(SECTION_LABELS)}


def review_report(report: Report) -> list[Finding]:
    """All prose findings, section by section in report order, then by code."""
    findings = [finding for review in REVIEWS for finding in review(report)]
    return sorted(findings, key=lambda f: (_SECTION_ORDER.get(f.section or "", 99), f.code))
