"""Property-based tests: consistent reports are clean; one wrong cell is found where it is."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from draftbot import paths
from draftbot.checks import check_report
from draftbot.model import (
    APPLICANT_COLUMNS,
    CASE_COLUMNS,
    ApplicantCounts,
    CaseCounts,
    Meta,
    PreviousInForce,
    PreviousYear,
    Report,
    Table3,
    Table4,
    result_rows,
)
from draftbot.tables import APPLICANT_LABELS

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YEARS = st.sampled_from([2019, 2020, 2021, 2022, 2023, 2024, 2025])


@st.composite
def split(draw, total: int, parts: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(bounds)]


@st.composite
def consistent_reports(draw, stated_totals: bool | None = None) -> Report:
    year = draw(YEARS)
    version = "2019" if year in (2019, 2020) else "2021"
    rows = ["carried_forward", *result_rows(version)]
    cells: dict[str, dict[str, int]] = {key: {} for key in ["new_received", "carried_over", *rows]}
    for column in APPLICANT_COLUMNS:
        new, carried = draw(st.integers(0, 40)), draw(st.integers(0, 10))
        cells["new_received"][column] = new
        cells["carried_over"][column] = carried
        for key, value in zip(rows, draw(split(new + carried, len(rows))), strict=True):
            cells[key][column] = value
    state = draw(st.booleans()) if stated_totals is None else stated_totals
    t3 = Table3(**{key: _row(values, state) for key, values in cells.items()})
    if state:
        t3.results_total = t3.computed_results_total(version).model_copy(
            update={"total": t3.computed_results_total(version).computed_total}
        )
    t4 = Table4(
        **{
            block: _case(draw, state)
            for block in ("review", "litigation_direct", "litigation_after_review")
        }
    )
    report = Report(meta=Meta(agency="示例县民政局", report_year=year), table3=t3, table4=t4)
    # Applications dropped for unpaid fees imply that charge notices were issued.
    report.facts.info_fee.notices_issued = t3.other_no_fee_paid.computed_total
    if version == "2021":
        docs = report.table2.normative_documents
        docs.issued, docs.repealed = draw(st.integers(0, 9)), draw(st.integers(0, 9))
        docs.in_force = draw(st.integers(docs.repealed, 60))
        previous_in_force = docs.in_force - docs.issued + docs.repealed
        report.previous_year = PreviousYear(
            in_force=PreviousInForce(normative_documents=max(previous_in_force, 0)),
            carried_forward=ApplicantCounts(**cells["carried_over"]),
        )
        if previous_in_force < 0:
            report.previous_year.in_force.normative_documents = None
    return report


def _row(values: dict[str, int], stated: bool) -> ApplicantCounts:
    row = ApplicantCounts(**values)
    return row.model_copy(update={"total": row.computed_total}) if stated else row


def _case(draw, stated: bool) -> CaseCounts:
    counts = CaseCounts(**{name: draw(st.integers(0, 5)) for name in CASE_COLUMNS})
    return counts.model_copy(update={"total": counts.computed_total}) if stated else counts


@SETTINGS
@given(consistent_reports())
def test_consistent_reports_have_no_findings(report: Report):
    assert check_report(report) == []


@SETTINGS
@given(consistent_reports(stated_totals=False), st.data())
def test_one_changed_cell_is_found_in_its_column(report: Report, data):
    report.facts.info_fee.notices_issued = 1000  # keep the fee cross-check out of the way
    version = report.format_version
    row_key = data.draw(
        st.sampled_from(["new_received", *result_rows(version), "carried_forward"]), label="row"
    )
    column = data.draw(st.sampled_from(APPLICANT_COLUMNS), label="column")
    row = report.table3.row(row_key)
    old = getattr(row, column)
    new = data.draw(st.integers(0, 60).filter(lambda v: v != old), label="new value")
    setattr(row, column, new)
    found = [(f.code, f.location) for f in check_report(report)]
    assert found == [
        ("T3-01", f"表三 · 勾稽关系 · {APPLICANT_LABELS[column]}"),
        ("T3-01", "表三 · 勾稽关系 · 总计"),
    ]


@SETTINGS
@given(consistent_reports(stated_totals=True), st.data())
def test_one_wrong_stated_total_is_found_on_its_row(report: Report, data):
    report.facts.info_fee.notices_issued = 1000  # keep the fee cross-check out of the way
    version = report.format_version
    row_key = data.draw(st.sampled_from(result_rows(version)), label="row")
    row = report.table3.row(row_key)
    row.total = data.draw(st.integers(0, 300).filter(lambda v: v != row.computed_total))
    found = [(f.code, f.location) for f in check_report(report)]
    assert found == [
        ("T3-03", paths.label(f"table3.{row_key}.total")),
        ("T3-04", paths.label("table3.results_total.total")),
    ]


@SETTINGS
@given(consistent_reports(stated_totals=True), st.data())
def test_one_wrong_case_cell_is_found_in_its_block(report: Report, data):
    block = data.draw(st.sampled_from(["review", "litigation_direct", "litigation_after_review"]))
    column = data.draw(st.sampled_from(CASE_COLUMNS))
    counts = getattr(report.table4, block)
    old = getattr(counts, column)
    setattr(counts, column, data.draw(st.integers(0, 9).filter(lambda v: v != old)))
    found = [(f.code, f.location) for f in check_report(report)]
    assert found == [("T4-01", paths.label(f"table4.{block}.total"))]


@SETTINGS
@given(consistent_reports(stated_totals=False), st.data())
def test_carried_over_mismatch_with_last_year_is_a_warning(report: Report, data):
    if report.previous_year is None:
        return
    column = data.draw(st.sampled_from(APPLICANT_COLUMNS))
    last = report.previous_year.carried_forward
    setattr(last, column, getattr(last, column) + data.draw(st.integers(1, 5)))
    found = [(f.code, f.severity, f.location) for f in check_report(report)]
    assert found == [
        ("X-01", "warning", paths.label(f"table3.carried_over.{column}")),
        ("X-01", "warning", paths.label("table3.carried_over.total")),
    ]
