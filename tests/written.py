"""Reports with every prose section written, as a clerk has them before a formal export.

A formal export refuses （待起草） sections, so tests of the formal document first draft the
prose with the offline drafter — the same path as `draftbot draft --offline`.
"""

from __future__ import annotations

from draftbot.config import Settings
from draftbot.drafting import apply_draft, draft_report
from draftbot.model import Report


def with_prose(report: Report) -> Report:
    """`report` with its empty sections drafted offline (written sections are kept)."""
    empty = [key for key, text in report.narrative.model_dump().items() if not text.strip()]
    if not empty:
        return report
    outcome = draft_report(report, Settings(), sections=empty, offline=True)
    return apply_draft(report, outcome)
