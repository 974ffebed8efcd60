"""Pre-publication review of the prose (codes P-01 … P-12): contradictions with the tables,
wrong years, other regions' names and wrong level words, placeholders, copying from last
year, missing content, personal data, sub-parts with only general wording, sections
written before the tables changed, 五's problems and measures that do not fit, and one work stated
twice in a sub-part. Only sections with text are checked; the basic information (`meta.py`, M-01 … M-03) always.

`review_report(report)` returns `findings.Finding`s; `checks.check_report` includes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..findings import Finding
from ..model import Report
from ._text import SECTION_LABELS, drafted_sections
from .meta import check_meta

if TYPE_CHECKING:
    from .copying import similarity
    from .places import own_region
    from .privacy import is_id_number

__all__ = ["SECTION_LABELS", "is_id_number", "own_region", "review_report", "similarity"]

Review = Callable[[Report], Iterator[Finding]]

# The reviews of the prose, in the order they run (after `check_meta`): "module:function".
# They are imported when a report first has prose (issue 19: `draftbot check` of a report
# not yet drafted loads none of them; each of them finds nothing without prose).
_PROSE_REVIEWS = (
    "prose_vs_tables:check_prose_numbers",
    "years:check_years",
    "places:check_places",
    "placeholders:check_placeholders",
    "copying:check_copying",
    "content:check_content",
    "privacy:check_privacy",
    "generic:check_generic",
    "staleness:check_staleness",
    "measures:check_measures",
    "repeats:check_repeats",
)
_SECTION_ORDER = {key: i for i, key in enumerate(SECTION_LABELS)}
_PUBLIC = {"is_id_number": "privacy", "own_region": "places", "similarity": "copying"}


def _load(name: str) -> Any:
    """The attribute `name` ("module:attribute") of a module of this package, imported on
    first use."""
    import importlib

    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)


def __getattr__(name: str) -> object:
    """PEP 562: the prose reviews' helpers of `__all__` import their module on first use."""
    if name in _PUBLIC:
        return _load(f"{_PUBLIC[name]}:{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def review_report(report: Report) -> list[Finding]:
    """All prose findings, section by section in report order, then by code. The basic
    information (`check_meta`) is reviewed always, the prose reviews when a section has text
    (they find nothing otherwise)."""
    reviews: list[Review] = [check_meta]
    if next(drafted_sections(report.narrative), None) is not None:
        reviews += [_load(review) for review in _PROSE_REVIEWS]
    findings = [finding for review in reviews for finding in review(report)]
    return sorted(findings, key=lambda f: (_SECTION_ORDER.get(f.section or "", 99), f.code))
