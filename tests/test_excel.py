"""The Excel 填报模板: layout as printed, round trip, messages for bad cells, LibreOffice Calc."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from draftbot.cli import app
from draftbot.datafile import DataFileError, load_report, parse_report
from draftbot.excel import FACTS_SHEET, GRID_TOP, fact_rows, import_xlsx, template_bytes
from draftbot.intake import load_bytes
from draftbot.model import Meta, Report, drop_redundant_totals
from draftbot.tables import report_grids

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
CARRIED = ("meta", "table2", "table2_2019", "table3", "table4", "narrative", "facts")


def _normalised(report: Report) -> Report:
    copy = report.model_copy(deep=True)
    drop_redundant_totals(copy)
    return copy


def _problems(data: bytes) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        import_xlsx(data, "填报.xlsx")
    return [str(p) for p in caught.value.problems]


def _edit(data: bytes, sheet: str, cell: str, value: object) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_of(report: Report, key: str) -> str:
    """The worksheet cell (e.g. D8) of a grid key in the template."""
    for grid in report_grids(report):
        for cell in grid.value_cells():
            if cell.key == key:
                return f"{openpyxl.utils.get_column_letter(cell.col + 1)}{GRID_TOP + cell.row}"
    raise KeyError(key)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_round_trip_is_the_identity_for_every_example(name: str):
    report = load_report(EXAMPLES / name)
    back = import_xlsx(template_bytes(report), name)
    expected = _normalised(report)
    # What the printed tables show is always the same, cell for cell.
    assert [g.matrix() for g in report_grids(back)] == [g.matrix() for g in report_grids(report)]
    assert back.meta == expected.meta
    assert back.narrative == expected.narrative
    if name == "errors-2020.yaml":
        # Deliberate F-02 defect: a 2019-only row filled in a 2021-format report. The 2021
        # table has no such row, so the template cannot carry it; everything else does.
        assert report.table3.other_processing.natural_person == 1
        expected.table3.other_processing = back.table3.other_processing
    for part in CARRIED:
        assert getattr(back, part) == getattr(expected, part), part


def test_same_data_gives_same_bytes():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    assert template_bytes(report) == template_bytes(report.model_copy(deep=True))


def test_table_sheets_are_laid_out_as_printed():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(report)))
    assert wb.sheetnames == [
        *("基本信息", "表二", "表三", "表四"),
        *("填报事实", "主动公开类别", "上年问题整改", "正文"),
    ]
    for grid in report_grids(report):
        ws = wb[grid.name]
        merged = {str(r) for r in ws.merged_cells.ranges}
        for cell in grid.cells:
            top = ws.cell(GRID_TOP + cell.row, cell.col + 1)
            expected = int(cell.text) if cell.kind == "value" and cell.text.isdigit() else cell.text
            if cell.kind == "value" and "." in cell.text:
                expected = float(cell.text)
            assert top.value == expected, (grid.name, cell)
            if cell.rowspan > 1 or cell.colspan > 1:
                first = top.coordinate
                last = ws.cell(
                    GRID_TOP + cell.row + cell.rowspan - 1, cell.col + cell.colspan
                ).coordinate
                assert f"{first}:{last}" in merged
            # Labels are locked against slips; number cells can be typed into.
            assert top.protection.locked is (cell.kind != "value")
        assert ws.protection.sheet


def test_blank_template_has_zeros_to_overwrite_and_blank_totals():
    blank = Report(meta=Meta(agency="某县审计局", report_year=2023))
    data = template_bytes(blank)
    ws = openpyxl.load_workbook(io.BytesIO(data))["表三"]
    assert ws[_cell_of(blank, "table3.granted.natural_person")].value == 0
    assert ws[_cell_of(blank, "table3.granted.total")].value is None
    assert import_xlsx(data) == blank


def test_a_2020_template_uses_the_2019_format():
    blank = Report(meta=Meta(agency="某县审计局", report_year=2020))
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(blank)))
    assert wb["表二"]["B4"].value == "本年新制作数量"


def test_bad_cell_gets_the_data_file_message_plus_sheet_and_cell():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    cell = _cell_of(report, "table3.granted.research")
    problems = _problems(_edit(template_bytes(report), "表三", cell, "三件半"))
    # The same wording as a data file with the same bad value.
    with pytest.raises(DataFileError) as yaml_error:
        parse_report(
            "meta: {agency: 某县审计局, report_year: 2023}\ntable3: {granted: {research: 三件半}}\n"
        )
    expected = yaml_error.value.problems[0]
    assert problems == [f"{expected.location}（工作表“表三” 单元格 {cell}）：{expected.message}"]
    assert "表三 · 三、本年度办理结果 ·（一）予以公开 · 科研机构" in problems[0]


def test_numbers_typed_as_text_are_read_like_any_answer():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    data = template_bytes(report)
    data = _edit(data, "表三", _cell_of(report, "table3.granted.research"), "１２")
    data = _edit(data, "表四", _cell_of(report, "table4.review.corrected"), "两")
    back = import_xlsx(data)
    assert back.table3.granted.research == 12
    assert back.table4.review.corrected == 2


def test_empty_number_cell_is_named_not_read_as_zero():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    cell = _cell_of(report, "table2.licensing")
    problems = _problems(_edit(template_bytes(report), "表二", cell, None))
    assert problems == [
        f"表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量（工作表“表二” 单元格 {cell}）："
        "此格为空；请填写数字，没有则填 0"
    ]


def test_formula_without_a_computed_value_is_flagged():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    cell = _cell_of(report, "table3.new_received.other")
    problems = _problems(_edit(template_bytes(report), "表三", cell, "=1+1"))
    assert len(problems) == 1
    assert f"单元格 {cell}" in problems[0]
    assert "公式没有计算结果" in problems[0]


def test_moved_rows_are_refused_with_the_cell():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    problems = _problems(_edit(template_bytes(report), "表三", "B10", "（一）予以公开"))
    assert len(problems) == 1
    assert "单元格 B10" in problems[0]
    assert "不要增删行列" in problems[0]


def test_missing_sheet_and_bad_year_are_named():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(report)))
    del wb["表四"]
    out = io.BytesIO()
    wb.save(out)
    assert any("工作表“表四”" in p and "缺少这张工作表" in p for p in _problems(out.getvalue()))
    problems = _problems(_edit(template_bytes(report), "基本信息", "B5", "二〇二三年"))
    assert problems == [
        "基本信息 · 统计年度（工作表“基本信息” 单元格 B5）：应为整数，收到“二〇二三年”"
    ]


def test_text_starting_with_equals_stays_text():
    report = load_report(EXAMPLES / "busy-2023.yaml")
    report.narrative.other_matters = '=HYPERLINK("http://example.invalid")本年无其他事项。'
    back = import_xlsx(template_bytes(report))
    assert back.narrative.other_matters == report.narrative.other_matters


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xd0\xcf\x11\xe0" + b"\0" * 600, "旧版 .xls"),
        (b"name,value\n1,2\n", "不是有效的 .xlsx"),
        (b"", "不是有效的 .xlsx"),
    ],
)
def test_wrong_files_get_one_friendly_message(data: bytes, words: str):
    problems = _problems(data)
    assert len(problems) == 1 and words in problems[0]


def test_word_document_named_xlsx_is_refused(tmp_path: Path):
    from draftbot.word import build_docx

    docx = build_docx(load_report(EXAMPLES / "busy-2023.yaml"), force=True).data
    assert "不是 Excel 表格" in _problems(docx)[0]


def test_zip_bomb_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "spreadsheetml")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert "压缩炸弹" in _problems(out.getvalue())[0]


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_intake_reads_xlsx_like_any_input():
    report = load_report(EXAMPLES / "seed-2022.yaml")
    assert load_bytes(template_bytes(report), "x.xlsx").table3 == _normalised(report).table3


def test_cli_template_then_import(tmp_path: Path):
    runner = CliRunner()
    target = tmp_path / "模板.xlsx"
    done = runner.invoke(app, ["excel", "template", "-o", str(target), "--year", "2023"])
    assert done.exit_code == 0, done.output
    # Agency left blank in the template: import names the cell to fill.
    done = runner.invoke(app, ["import", str(target)])
    assert done.exit_code == 2
    assert "基本信息 · 机关全称（工作表“基本信息” 单元格 B2）：缺少必填项" in done.output
    data = _edit(target.read_bytes(), "基本信息", "B2", "某县审计局")
    target.write_bytes(data)
    done = runner.invoke(app, ["import", str(target), "-o", str(tmp_path / "d.yaml")])
    assert done.exit_code == 0, done.output
    assert load_report(tmp_path / "d.yaml").meta.agency == "某县审计局"


def test_cli_export_refuses_to_overwrite(tmp_path: Path):
    runner = CliRunner()
    target = tmp_path / "b.xlsx"
    target.write_bytes(b"keep")
    done = runner.invoke(
        app, ["excel", "export", str(EXAMPLES / "busy-2023.yaml"), "-o", str(target)]
    )
    assert done.exit_code == 2 and target.read_bytes() == b"keep"


def _soffice() -> str:
    path = shutil.which("soffice")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("CI must have soffice (libreoffice-calc, see .ci/run)")
    pytest.skip("soffice not installed on this machine")


def test_template_opens_in_libreoffice_calc_and_survives_its_save(tmp_path: Path):
    """Calc opens every example's template, saves it as .xlsx, and it imports unchanged."""
    soffice = _soffice()
    sources = []
    for name in EXAMPLE_NAMES:
        path = tmp_path / "in" / f"{Path(name).stem}.xlsx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(template_bytes(load_report(EXAMPLES / name)))
        sources.append(path)
    command = [
        soffice,
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(tmp_path / "out"),
        *map(str, sources),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    for source in sources:
        saved = tmp_path / "out" / source.name
        assert saved.exists(), f"Calc did not convert {source.name}: {done.stdout}{done.stderr}"
        assert import_xlsx(saved.read_bytes()) == import_xlsx(source.read_bytes()), source.name


def _rich_facts_report() -> Report:
    """busy-2023 with every practice, fee and list filled (issue 12's facts)."""
    report = load_report(EXAMPLES / "busy-2023.yaml")
    facts = report.facts
    facts.practices = facts.practices.model_validate(
        {
            "review_methods": ["保密审查", "三审三校"],
            "updated_guides": ["政府信息公开指南", "主动公开目录"],
            "interpretation_forms": ["图解", "短视频"],
            "responses": 7,
            "new_media_accounts": 2,
            "reading_points": 3,
            "trained_people": 45,
            "supervision_methods": ["纳入年度绩效考核", "社会评议"],
            "circulars": 4,
        }
    )
    facts.area = facts.area.model_validate(
        {
            "key_areas": ["社会救助", "公共资源配置"],
            "proposals": 121,
            "gazette_issues": 6,
            "website_columns": ["惠企政策专区"],
            "villages": 18,
        }
    )
    facts.engagement = facts.engagement.model_validate(
        {"consultations": 9, "messages": 240, "messages_answered": 236, "suggestions": 80,
         "cppcc_proposals": 60}
    )  # fmt: skip
    facts.organisation = facts.organisation.model_validate(
        {"group_head": "局长", "staff": 3, "work_plan": "《2023年政务公开工作要点》"}
    )
    facts.info_fee = facts.info_fee.model_validate(
        {"notices_issued": 1, "notices_amount_yuan": "120.50", "collected_yuan": "120.5"}
    )
    facts.supervision_notes = "将政务公开纳入年度考核。\n第二段：开展社会评议。"
    facts.other_matters = "无。"
    facts.training_sessions = 2
    return report


def test_every_fact_field_has_a_row_in_the_template():
    """Every field of Facts (practices and fee included) is asked for in some sheet."""
    from draftbot.model import AreaWork, Engagement, Facts, InfoFee, Organisation, Practices

    paths = {row.path for row in fact_rows()}
    expected = {f"facts.{n}" for n in Facts.model_fields} - {
        "facts.practices",
        "facts.area",
        "facts.engagement",
        "facts.organisation",
        "facts.info_fee",
        "facts.proactive_categories",  # sheet 主动公开类别
        "facts.previous_problems",  # sheet 上年问题整改
    }
    expected |= {f"facts.practices.{n}" for n in Practices.model_fields}
    expected |= {f"facts.area.{n}" for n in AreaWork.model_fields}
    expected |= {f"facts.engagement.{n}" for n in Engagement.model_fields}
    expected |= {f"facts.organisation.{n}" for n in Organisation.model_fields}
    expected |= {f"facts.info_fee.{n}" for n in InfoFee.model_fields}
    assert paths == expected
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(_rich_facts_report())))
    labels = [wb[FACTS_SHEET].cell(r, 1).value for r in range(2, len(paths) + 2)]
    assert labels == [row.label for row in fact_rows()]
    assert wb[FACTS_SHEET]["B2"].value == 215  # 本年主动公开政府信息条数
    assert {"主动公开类别", "上年问题整改"} <= set(wb.sheetnames)


def test_facts_and_practices_round_trip_through_a_filled_template():
    report = _rich_facts_report()
    back = import_xlsx(template_bytes(report))
    assert back.facts == report.facts
    assert back.facts.practices.review_methods == ["保密审查", "三审三校"]
    assert back.facts.area.key_areas == ["社会救助", "公共资源配置"]
    assert back.facts.area.villages == 18 and back.facts.area.open_days is None
    assert back.facts.engagement.messages_answered == 236
    assert back.facts.engagement.attendees is None
    organisation = back.facts.organisation
    assert organisation.group_head == "局长" and organisation.staff == 3
    assert organisation.work_plan == "《2023年政务公开工作要点》"
    assert organisation.study_meetings is None
    assert back.facts.info_fee.notices_amount_yuan == report.facts.info_fee.notices_amount_yuan


def test_facts_typed_in_excel_are_read_back():
    """A clerk fills the practices, a category and a previous problem by hand."""
    blank = template_bytes(
        Report(meta=Meta(agency="某县统计局", level="县级部门", report_year=2023))
    )
    labels = {row.label: i for i, row in enumerate(fact_rows(), start=2)}
    row_of = {row.path: labels[row.label] for row in fact_rows()}
    data = _edit(
        blank, FACTS_SHEET, f"B{row_of['facts.practices.review_methods']}", "保密审查\n三审三校\n"
    )
    data = _edit(data, FACTS_SHEET, f"B{row_of['facts.practices.trained_people']}", 30)
    data = _edit(data, FACTS_SHEET, f"B{row_of['facts.channels']}", "政府门户网站")
    data = _edit(data, "主动公开类别", "A2", "统计公报")
    data = _edit(data, "主动公开类别", "B2", 12)
    data = _edit(data, "上年问题整改", "A2", "栏目更新不及时")
    back = import_xlsx(data)
    assert back.facts.practices.review_methods == ["保密审查", "三审三校"]
    assert back.facts.practices.trained_people == 30
    assert back.facts.channels == ["政府门户网站"]
    assert [(c.name, c.count) for c in back.facts.proactive_categories] == [("统计公报", 12)]
    assert back.facts.previous_problems[0].problem == "栏目更新不及时"
    assert back.facts.previous_problems[0].rectification == ""


def test_bad_fact_cells_are_named_by_sheet_and_cell():
    blank = template_bytes(
        Report(meta=Meta(agency="某县统计局", level="县级部门", report_year=2023))
    )
    labels = {row.label: i for i, row in enumerate(fact_rows(), start=2)}
    row = labels[next(r.label for r in fact_rows() if r.path == "facts.practices.circulars")]
    data = _edit(blank, FACTS_SHEET, f"B{row}", "三人")  # 通报 counts 次, never 人
    data = _edit(data, "主动公开类别", "A3", "统计公报")  # count missing
    problems = _problems(data)
    assert any(f"单元格 B{row}" in p and "三人" in p for p in problems), problems
    assert any("主动公开类别" in p and "单元格 B3" in p for p in problems), problems


def test_template_without_fact_sheets_still_imports():
    """A template made before the fact sheets existed reads as a report without facts."""
    report = load_report(EXAMPLES / "busy-2023.yaml")
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(report)))
    for sheet in (FACTS_SHEET, "主动公开类别", "上年问题整改"):
        del wb[sheet]
    out = io.BytesIO()
    wb.save(out)
    back = import_xlsx(out.getvalue())
    assert back.facts == type(report.facts)()
    assert back.table3 == _normalised(report).table3
