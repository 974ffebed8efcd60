"""Roll-up into the 本级政府's report: cell sums, traceability, missing agencies, prose."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import batch_corpus as corpus
from draftbot.batch import BatchOptions, run_batch
from draftbot.batch_summary import rollup_sheets
from draftbot.checks import check_report
from draftbot.cli import app
from draftbot.datafile import load_report
from draftbot.drafting import apply_draft
from draftbot.excel import tabular_bytes
from draftbot.model import AgencyLevel, Report, drop_redundant_totals
from draftbot.rollup import RollUpError, draft_rollup, roll_up
from draftbot.tables import report_grids
from test_llm import llm_settings
from test_properties import SETTINGS, consistent_reports

STRUCTURE_CODES = {"T3-01", "T3-03", "T3-04", "T4-01"}


def _number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


def _grid_values(report: Report) -> dict[str, int | Decimal]:
    """Every value cell of the printed tables, totals computed from their parts."""
    copy = report.model_copy(deep=True)
    drop_redundant_totals(copy)
    for name in type(copy.table3).model_fields:
        row = getattr(copy.table3, name)
        if row is not None:
            row.total = None
    copy.table3.results_total = None
    for block in ("review", "litigation_direct", "litigation_after_review"):
        getattr(copy.table4, block).total = None
    return {
        cell.key: _number(cell.text)
        for grid in report_grids(copy)
        for cell in grid.value_cells()
        if cell.key
    }


@SETTINGS
@given(st.lists(consistent_reports(), min_size=1, max_size=6))
def test_rollup_tables_equal_the_cell_by_cell_sums(drawn: list[Report]):
    year = drawn[0].meta.report_year
    same_year = [r for r in drawn if r.meta.report_year == year]
    sources = [(f"{i}.yaml", r) for i, r in enumerate(same_year)]
    for i, (_, report) in enumerate(sources):
        report.meta.agency = f"某县第{i + 1}局"
    rollup = roll_up(sources, agency="某县人民政府")
    summed = _grid_values(rollup.report)
    parts = [_grid_values(r) for _, r in sources]
    for key, value in summed.items():
        assert value == sum(p[key] for p in parts), key
        assert sum(c.value for c in rollup.trace(key)) == value, key
    # Consistent contributors give a consistent roll-up (T3-01 per column holds for sums).
    assert not {f.code for f in check_report(rollup.report)} & STRUCTURE_CODES


@pytest.fixture(scope="module")
def county_rollup(tmp_path_factory: pytest.TempPathFactory):
    root = corpus.write_corpus(tmp_path_factory.mktemp("county"))
    result = run_batch([root], BatchOptions(renames=corpus.RENAMES, jobs=1))
    rollup = roll_up(
        result.reports(),
        agency=corpus.GOVERNMENT,
        region=corpus.REGION,
        expected=corpus.EXPECTED_LIST,
        renames=corpus.RENAMES,
    )
    return result, rollup


def test_county_rollup_scope_and_missing_agencies(county_rollup):
    _, rollup = county_rollup
    agencies = [agency for _, agency in rollup.contributors]
    assert len(agencies) == len(corpus.DEPARTMENTS) + len(corpus.TOWNSHIPS) == 51
    assert corpus.GOVERNMENT not in agencies
    reasons = {agency: why for _, agency, why in rollup.excluded}
    assert reasons[corpus.GOVERNMENT] == "这是本级政府自己的报告，不参与汇总"
    assert reasons[corpus.GONE] == "统计年度为 2022 年，不是 2023 年"
    assert len(reasons) == 1 + 9
    # On the office's list, and reported last year but not this year; the renamed one is present.
    assert rollup.missing == [*corpus.EXPECTED_LIST, corpus.GONE]
    # The two reports read from Word carry no facts: the total is left out, and said so.
    (note,) = rollup.notes
    assert note.startswith("主动公开政府信息条数：")
    assert all(name in note for name in corpus.AS_DOCX)
    assert rollup.report.facts.proactive_total is None


def test_county_rollup_every_number_traces_to_its_contributors(county_rollup):
    result, rollup = county_rollup
    contributors = {agency: r for _, r in result.reports() for agency in [r.meta.agency]}
    t3 = rollup.report.table3
    expected_new = sum(
        contributors[a].table3.new_received.computed_total for _, a in rollup.contributors
    )
    assert t3.new_received.shown_total == expected_new
    for grid in report_grids(rollup.report):
        for cell in grid.value_cells():
            trace = rollup.trace(cell.key)
            assert sum(c.value for c in trace) == _number(cell.text), cell.key
            assert all(c.value for c in trace)
    # A contributor's misstated 总计 is not carried into the roll-up.
    assert rollup.report.table4.review.total is None
    assert rollup.report.table4.review.shown_total == len(corpus.BAD_REVIEW_TOTAL)
    trace = rollup.trace("table4.review.total")
    assert sorted(c.agency for c in trace) == sorted(corpus.BAD_REVIEW_TOTAL)


def test_breakdown_sheet_lists_each_agencys_value(county_rollup):
    _, rollup = county_rollup
    wb = openpyxl.load_workbook(io.BytesIO(tabular_bytes(rollup_sheets(rollup))))
    ws = wb["汇总明细"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["表格位置", "汇总数"] and len(header) == 2 + 51
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    licensing = rows["表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量"]
    assert licensing[1] == sum(licensing[2:]) == rollup.report.table2.licensing
    scope = [row for row in wb["汇总范围"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in scope if r[2].startswith("缺报")] == rollup.missing


def test_rollup_prose_offline_speaks_of_the_summed_figures(county_rollup):
    from draftbot.config import load_settings

    _, rollup = county_rollup
    outcome = draft_rollup(rollup, load_settings(), offline=True)
    drafted = apply_draft(rollup.report, outcome)
    new = rollup.report.table3.new_received.shown_total
    # the opening summarises in words; （二） gives the summed total
    assert re.search(
        f"(?:收|受理)政府信息公开申请{new}件|新收申请{new}件", drafted.narrative.overview_on_request
    )
    assert corpus.GOVERNMENT in drafted.narrative.overview_intro
    assert not [f for f in check_report(drafted) if f.code == "P-01"]


def test_rollup_prose_through_the_model_keeps_the_number_guard(
    county_rollup, fake_openai, tmp_path: Path
):
    from fake_openai import normal

    _, rollup = county_rollup
    fake_openai.default = normal("全县本年收到申请9999件。")
    outcome = draft_rollup(rollup, llm_settings(fake_openai, tmp_path))
    assert fake_openai.calls > 0
    assert {d.source for d in outcome.sections.values()} == {"offline"}
    assert any("9999" in f.message for f in outcome.findings)
    drafted = apply_draft(rollup.report, outcome)
    assert all("9999" not in text for text in drafted.narrative.model_dump().values())


def test_nothing_to_sum_is_a_clear_error(examples_dir: Path):
    report = load_report(examples_dir / "busy-2023.yaml")
    with pytest.raises(RollUpError, match="没有 2023 年度的部门或乡镇报告可以汇总"):
        roll_up([("a.yaml", report)], agency=report.meta.agency)


def test_mixed_formats_are_refused(examples_dir: Path):
    a = load_report(examples_dir / "busy-2023.yaml")
    b = load_report(examples_dir / "seed-2022.yaml")
    b.meta.report_year, b.meta.format_version, b.meta.agency = 2023, "2019", "某县某局"
    with pytest.raises(RollUpError, match="格式不一致"):
        roll_up([("a", a), ("b", b)], agency="某县人民政府")


def test_cli_rollup_writes_report_and_breakdown(tmp_path: Path):
    root = corpus.write_corpus(tmp_path)
    names = tmp_path / "名单.txt"
    names.write_text("\n".join(corpus.EXPECTED_LIST) + "\n", encoding="utf-8")
    renames = tmp_path / "更名.yaml"
    renames.write_text(f"{corpus.OLD_NAME}: {corpus.RENAMES[corpus.OLD_NAME]}\n", encoding="utf-8")
    out, sheet = tmp_path / "全县.yaml", tmp_path / "明细.xlsx"
    args = ["rollup", str(root), "--agency", corpus.GOVERNMENT, "-o", str(out)]
    args += ["--expected", str(names), "--breakdown", str(sheet), "--renames", str(renames)]
    args += ["--draft", "--offline", "-j", "1"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "汇总了 51 个机关的 2023 年度报告" in done.output
    assert (
        f"缺报机关（名单或上年报告中有、本年没有）：{corpus.EXPECTED_LIST[0]}、{corpus.GONE}"
        in done.output
    )
    assert "无法读取" in done.output  # the three bad files are named, not silently dropped
    (note,) = [line for line in done.output.splitlines() if "的报告有错误，已按原样汇总" in line]
    named = note.removeprefix("提示：").split(" ")[0].split("、")
    assert sorted(named) == sorted(corpus.UNBALANCED + corpus.BAD_REVIEW_TOTAL)
    report = load_report(out)
    assert report.meta.level is AgencyLevel.county_government
    assert report.narrative.overview_intro
    assert openpyxl.load_workbook(sheet).sheetnames == ["汇总明细", "汇总范围"]
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "已存在" in again.output


def _practice_reports(examples_dir: Path) -> list[tuple[str, Report]]:
    """Three 县级部门 of one county, each reporting different practices of the year."""
    from draftbot.model import Practices

    base = load_report(examples_dir / "busy-2023.yaml")
    specs = [
        ("安吉县教育局", ["保密审查", "三审三校"], ["图解"], 20, ["纳入年度绩效考核"]),
        ("安吉县民政局", ["保密审查"], ["图解", "短视频"], 15, []),
        ("安吉县水利局", [], [], 10, ["社会评议"]),
    ]
    reports = []
    for agency, review, forms, people, supervision in specs:
        report = base.model_copy(deep=True)
        report.meta.agency, report.previous_year = agency, None
        report.facts.practices = Practices(
            review_methods=review,
            interpretation_forms=forms,
            trained_people=people,
            supervision_methods=supervision,
        )
        reports.append((f"{agency}.yaml", report))
    return reports


def test_rollup_merges_the_agencies_practices(examples_dir: Path):
    reports = _practice_reports(examples_dir)
    rollup = roll_up(reports, agency="安吉县人民政府", region="浙江省湖州市安吉县")
    practices = rollup.report.facts.practices
    # each practice once, the one most agencies named first
    assert practices.review_methods == ["保密审查", "三审三校"]
    assert practices.interpretation_forms == ["图解", "短视频"]
    assert practices.supervision_methods == ["社会评议", "纳入年度绩效考核"]
    assert practices.trained_people == 20 + 15 + 10
    assert practices.circulars is None  # nobody reported it: not invented, no note
    assert rollup.notes == []
    # one agency leaves a count out: not summed, and said so
    reports[2][1].facts.practices.trained_people = None
    rollup = roll_up(reports, agency="安吉县人民政府", region="浙江省湖州市安吉县")
    assert rollup.report.facts.practices.trained_people is None
    assert rollup.notes == [
        "参加政务公开培训人次：安吉县水利局 未填写，未汇总此项，请补充后重新汇总"
    ]


def test_rollup_prose_offline_tells_the_agencies_practices_in_the_area_voice(examples_dir: Path):
    from draftbot.config import load_settings

    rollup = roll_up(
        _practice_reports(examples_dir), agency="安吉县人民政府", region="浙江省湖州市安吉县"
    )
    drafted = apply_draft(rollup.report, draft_rollup(rollup, load_settings(), offline=True))
    text = drafted.narrative
    assert "全县" in text.overview_intro and "主动公开政府信息" in text.overview_proactive
    assert "图解、短视频" in text.overview_proactive
    assert "保密审查、三审三校" in text.overview_management
    assert "参训45人次" in text.overview_supervision
    assert "社会评议" in text.overview_supervision
    assert "将政务公开工作纳入年度绩效考核" in text.overview_supervision
    assert "本机关" not in "".join(text.model_dump().values())
    # the roll-up carries no problems of its own and three small departments' tables support none:
    # 五 is one forward-looking sentence and P-07 asks the government for its problems
    prose = [f.code for f in check_report(drafted) if f.code.startswith("P-")]
    assert prose == ["P-07"]


def test_rollup_prose_through_the_model_gets_the_practices_and_keeps_the_guard(
    examples_dir: Path, fake_openai, tmp_path: Path
):
    from fake_openai import normal

    rollup = roll_up(
        _practice_reports(examples_dir), agency="安吉县人民政府", region="浙江省湖州市安吉县"
    )
    fake_openai.default = normal("全县落实保密审查、三审三校，培训参训4500人次。")
    outcome = draft_rollup(rollup, llm_settings(fake_openai, tmp_path))
    prompts = [r.prompt_text for r in fake_openai.requests if r.path.endswith("/chat/completions")]
    assert any("三审三校" in p and "短视频" in p for p in prompts)
    # the invented 4500 is refused by the guard; the offline draft takes its place
    assert any("4500" in f.message for f in outcome.findings)
    drafted = apply_draft(rollup.report, outcome)
    assert all("4500" not in t for t in drafted.narrative.model_dump().values())
    assert "三审三校" in drafted.narrative.overview_management
