"""Starting this year's report from last year's: carry forward what the format links."""

from __future__ import annotations

from .model import Meta, PreviousInForce, PreviousProblem, PreviousYear, Report, Table3


def previous_year_block(last: Report) -> PreviousYear:
    """What this year's checks and drafting need to know about last year's report."""
    form = last.format
    in_force = PreviousInForce()  # a format without 现行有效件数 carries nothing over
    if form.in_force_column is not None:
        at = form.document_columns.index(form.in_force_column)
        in_force = PreviousInForce(
            regulations=form.documents(last, "regulations")[at],
            normative_documents=form.documents(last, "normative_documents")[at],
        )
    return PreviousYear(
        in_force=in_force,
        carried_forward=last.table3.carried_forward.model_copy(update={"total": None}),
        new_received_total=last.table3.new_received.shown_total,
        proactive_total=last.facts.proactive_total,
        problems=list(last.facts.problems),
        narrative=last.narrative.model_copy(),
    )


def start_from_previous(last: Report) -> Report:
    """A new report for the following year: same agency, 上年结转 = last year's 结转下年度.

    Last year's problems become this year's list to report rectification on; 现行有效件数
    starts from last year's; the other numbers of this year start at zero for the clerk to fill.
    """
    meta = Meta(
        agency=last.meta.agency,
        level=last.meta.level,
        region=last.meta.region,
        report_year=last.meta.report_year + 1,
        website=last.meta.website,
        contact=last.meta.contact,
        allowed_places=list(last.meta.allowed_places),
    )
    previous = previous_year_block(last)
    assert previous.carried_forward is not None  # previous_year_block always fills it
    table3 = Table3(carried_over=previous.carried_forward.model_copy())
    report = Report(meta=meta, table3=table3, previous_year=previous)
    # Last year's 现行有效件数 is this year's baseline; 制发 and 废止 move it from there.
    for key in ("regulations", "normative_documents"):
        in_force = getattr(previous.in_force, key)
        if in_force is not None:
            getattr(report.table2, key).in_force = in_force
    report.facts.previous_problems = [PreviousProblem(problem=p) for p in last.facts.problems]
    return report
