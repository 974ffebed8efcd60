"""Reports as a clerk has them before a formal export: every prose section written and the
basic information the preamble and closing print (发布日期, 电子版下载网址, 联系方式) filled in.

A formal export refuses （待起草） sections and （待填写） fields, so tests of the formal document
first fill what the clerk would: the date, site and contact line an office gives every year,
then the prose drafted with the offline drafter — the same path as `draftbot draft --offline`.
"""

from __future__ import annotations

import datetime as dt

from draftbot.config import Settings
from draftbot.drafting import apply_draft, draft_report
from draftbot.model import Report


def publishable(report: Report) -> Report:
    """`report` with its empty basic-information fields and empty sections filled (what is
    already there is kept): the date in January of the next year, the agency's own site
    column and office telephone, the prose drafted offline."""
    meta = report.meta
    filled = {
        "publish_date": meta.publish_date or dt.date(meta.report_year + 1, 1, 20),
        "website": meta.website or f"{meta.agency}门户网站“政府信息公开”专栏",
        "contact": meta.contact or f"{meta.agency}办公室，电话 0571-87000000",
    }
    report = report.model_copy(update={"meta": meta.model_copy(update=filled)})
    empty = [key for key, text in report.narrative.model_dump().items() if not text.strip()]
    if not empty:
        return report
    outcome = draft_report(report, Settings(), sections=empty, offline=True)
    return apply_draft(report, outcome)
