"""What the two number checks say of one sentence put into a report: the drafting guard's
ungrounded numbers and the review's P-01 findings, for the tests of each kind of fact."""

from __future__ import annotations

from draftbot.drafting.guard import ungrounded_claims
from draftbot.facts import build_fact_sheet
from draftbot.findings import Finding
from draftbot.model import Report
from draftbot.review import review_report


def guard_flags(report: Report, text: str) -> list[str]:
    """The numbers of `text` (as written) the drafting guard finds no ground for in `report`."""
    return [c.text for c in ungrounded_claims(text, build_fact_sheet(report))]


def p01_findings(report: Report, section: str, text: str) -> list[Finding]:
    """The review's P-01 findings on `report` with `text` as its `section` (a SECTION_KEYS key)."""
    narrative = report.narrative.model_copy(update={section: text})
    drafted = report.model_copy(update={"narrative": narrative})
    return [f for f in review_report(drafted) if f.code == "P-01"]
