"""Batches of many reports: a generated county with deliberate defects, counted exactly."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import batch_corpus as corpus
from draftbot import batch as batch_module
from draftbot.batch import BatchOptions, run_batch
from draftbot.batch_summary import (
    FIXED_COLUMNS,
    summary_csv,
    summary_json,
    summary_table,
    summary_xlsx,
)
from draftbot.cli import app
from draftbot.datafile import dump_report, load_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus.write_corpus(tmp_path_factory.mktemp("county"))


@pytest.fixture(scope="module")
def checked(county: Path):
    """The county batch run in two worker processes."""
    return run_batch([county], BatchOptions(renames=corpus.RENAMES, jobs=2))


def _item(result, agency: str, year: int = 2023):
    (item,) = [
        i
        for i in result.items
        if i.report and (i.report.meta.agency, i.report.meta.report_year) == (agency, year)
    ]
    return item


def test_generated_county_summary_counts_exactly(checked):
    assert len(checked.items) == corpus.EXPECTED_FILES
    assert checked.status_counts() == corpus.EXPECTED_STATUS
    assert checked.code_counts() == corpus.EXPECTED_CODES


def test_every_defect_is_found_on_its_own_report(checked):
    def codes(agency: str) -> dict[str, int]:
        return _item(checked, agency).code_counts()

    for agency in corpus.UNBALANCED:
        assert codes(agency) == {"T3-01": 2}
    for agency in corpus.BAD_REVIEW_TOTAL:
        assert codes(agency) == {"T4-01": 1}
    for agency in corpus.WRONG_CARRY_OVER:
        assert codes(agency) == {"X-01": 2}
    for pair in corpus.COPIED_PAIRS:
        for agency, other in (pair, pair[::-1]):
            (finding,) = _item(checked, agency).findings
            assert finding.code == "A-01" and other in finding.message
    (posing,) = _item(checked, corpus.POSES_AS_OTHER).findings
    assert posing.code == "A-02" and "安吉县教育局的口吻" in posing.message
    (late,) = _item(checked, corpus.LATE).findings
    assert late.code == "A-03" and "2024年1月31日" in late.message
    assert _item(checked, corpus.GOVERNMENT).findings == []  # 20 March: within 31 March


def test_bad_files_get_a_row_with_their_message(checked):
    failed = {Path(i.source).name: i.error for i in checked.items if i.report is None}
    assert set(failed) == {"缩进错误.yaml", "负数.yaml", "说明.txt"}
    assert (
        failed["负数.yaml"] == "第 2 行，表四 · 行政复议 · 结果维持：应为不小于 0 的整数，收到“-1”"
    )
    assert "不支持的文件类型“.txt”" in failed["说明.txt"]
    assert not any("~$" in i.source or "__MACOSX" in i.source for i in checked.items)


def test_last_year_found_by_normalised_name_and_rename_map(county: Path, checked):
    renamed = corpus.RENAMES[corpus.OLD_NAME]
    assert _item(checked, renamed).previous_source.endswith(f"2022年报告/{corpus.OLD_NAME}.yaml")
    with_last = [i for i in checked.items if i.previous_source]
    assert len(with_last) == len(corpus.WITH_LAST_YEAR)
    without_map = run_batch([county], BatchOptions(jobs=1))
    assert _item(without_map, renamed).previous_source == ""


def test_same_input_same_bytes_whatever_the_number_of_workers(county: Path, checked):
    again = run_batch([county], BatchOptions(renames=corpus.RENAMES, jobs=1))
    assert summary_json(again) == summary_json(checked)
    assert summary_csv(again) == summary_csv(checked)
    assert summary_xlsx(again) == summary_xlsx(checked)


def test_summary_has_one_row_per_file_with_counts_by_code(checked):
    header, rows = summary_table(checked)
    assert header == [*FIXED_COLUMNS, *corpus.EXPECTED_CODES]
    by_agency = {row[2]: dict(zip(header, row, strict=True)) for row in rows if row[2]}
    unbalanced = by_agency[corpus.UNBALANCED[0]]
    assert (unbalanced["状态"], unbalanced["错误"], unbalanced["T3-01"]) == ("有错误", 2, 2)
    assert by_agency[corpus.DEPARTMENTS[20]]["文件"].endswith(".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(summary_xlsx(checked)))
    assert wb.sheetnames == ["汇总", "问题清单"]
    assert wb["汇总"].max_row == corpus.EXPECTED_FILES + 1
    assert wb["问题清单"].max_row == sum(corpus.EXPECTED_CODES.values()) + 1
    payload = json.loads(summary_json(checked))
    assert payload["status"] == corpus.EXPECTED_STATUS
    assert payload["codes"] == corpus.EXPECTED_CODES


def test_csv_opens_in_excel_and_never_runs_formulas(tmp_path: Path):
    report = load_report(EXAMPLES / "seed-2022.yaml")
    report.meta.agency = "=HYPERLINK(1)局"
    (tmp_path / "a.yaml").write_text(dump_report(report), encoding="utf-8")
    result = run_batch([tmp_path], BatchOptions(jobs=1))
    assert "'=HYPERLINK(1)局" in summary_csv(result)
    ws = openpyxl.load_workbook(io.BytesIO(summary_xlsx(result)))["汇总"]
    assert ws["C2"].value == "=HYPERLINK(1)局" and ws["C2"].data_type == "s"


def test_zip_members_gbk_names_nested_zips_and_unsafe_paths(tmp_path: Path):
    data = (EXAMPLES / "busy-2023.yaml").read_bytes()
    gbk = "报告/自然资源.yaml".encode("gbk")  # as a Chinese Windows zip tool writes it
    placeholder = b"Q" * (len(gbk) - 5) + b".yaml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(placeholder.decode(), data)
        z.writestr("../逃逸.yaml", data)
        z.writestr("内层.zip", b"PK")
        z.writestr("图片.png", b"\x89PNG")
    # Same length, no UTF-8 flag: the name bytes are GBK, as in zips made on Chinese Windows.
    (tmp_path / "上报.zip").write_bytes(out.getvalue().replace(placeholder, gbk))
    (tmp_path / "坏.zip").write_bytes(b"not a zip")
    result = run_batch([tmp_path / "上报.zip", tmp_path / "坏.zip"], BatchOptions(jobs=1))
    rows = {
        i.source.split("/", 1)[-1] if "上报.zip" in i.source else i.source: i for i in result.items
    }
    names = sorted(Path(name).name for name in rows)
    assert names == ["内层.zip", "图片.png", "坏.zip", "自然资源.yaml"]
    good = next(i for i in result.items if i.source.endswith("报告/自然资源.yaml"))
    assert good.status == "通过"
    nested = next(i for i in result.items if i.source.endswith("内层.zip"))
    assert "请先解压" in nested.error
    broken = next(i for i in result.items if i.source.endswith("坏.zip"))
    assert broken.error.startswith("文件：压缩包无法读取")


def test_unexpected_error_in_one_report_does_not_stop_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name in ("seed-2022.yaml", "busy-2023.yaml"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    real = batch_module.check_report

    def fragile(report):
        if report.meta.report_year == 2022:
            raise RuntimeError("boom")
        return real(report)

    monkeypatch.setattr(batch_module, "check_report", fragile)
    result = run_batch([tmp_path], BatchOptions(jobs=1))
    assert [i.status for i in result.items] == ["通过", "处理失败"]
    assert "意外错误（RuntimeError）" in result.items[1].error


def test_draft_fills_only_empty_sections_and_exports_same_bytes(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    busy = load_report(EXAMPLES / "busy-2023.yaml")
    busy.narrative.overview_intro = "本机关自己写的导语，不应被改动。"
    (source / "busy.yaml").write_text(dump_report(busy), encoding="utf-8")
    (source / "errors.yaml").write_bytes((EXAMPLES / "errors-2020.yaml").read_bytes())
    runs = []
    for n in (1, 2):
        options = BatchOptions(draft=True, offline=True, export_dir=tmp_path / f"out{n}", jobs=1)
        runs.append(run_batch([source], options))
    first, errors = runs[0].items
    assert "overview_intro" not in first.drafted and "overview_proactive" in first.drafted
    assert first.drafted_by == "离线模板"
    assert first.exported == "安吉县自然资源和规划局2023年政府信息公开工作年度报告.docx"
    assert errors.exported == "" and errors.export_note.startswith("数据检查发现 8 个错误")
    assert "电子版下载网址（meta.website）" in errors.export_note
    assert errors.export_note.endswith("未导出（改正或起草后重新运行，或加 --force 导出草稿）")
    docs = [sorted(p.name for p in (tmp_path / f"out{n}").iterdir()) for n in (1, 2)]
    assert docs[0] == docs[1] == [first.exported]
    one, two = ((tmp_path / f"out{n}" / first.exported).read_bytes() for n in (1, 2))
    assert one == two
    from draftbot.word import import_docx

    assert import_docx(one).table3 == busy.table3


def test_cli_batch_writes_summary_and_exits_one_on_errors(tmp_path: Path, county: Path):
    runner = CliRunner()
    out = tmp_path / "结果"
    args = ["batch", str(county), "-o", str(out), "--renames", str(_renames(tmp_path)), "-j", "1"]
    done = runner.invoke(app, args)
    assert done.exit_code == 1, done.output
    assert "共 64 个文件：通过 48 份，有提示 8 份，有错误 5 份，无法读取 3 份。" in done.output
    assert sorted(p.name for p in out.iterdir()) == ["汇总.csv", "汇总.json", "汇总.xlsx"]
    assert (
        json.loads((out / "汇总.json").read_text(encoding="utf-8"))["codes"]
        == corpus.EXPECTED_CODES
    )
    assert (out / "汇总.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_batch_rejects_a_bad_rename_map(tmp_path: Path):
    bad = tmp_path / "更名.yaml"
    bad.write_text("- 只有一项\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["batch", str(EXAMPLES), "--renames", str(bad)])
    assert done.exit_code == 2
    assert "应为“旧名称: 新名称”的列表" in done.output


def _renames(folder: Path) -> Path:
    path = folder / "更名.yaml"
    path.write_text(f"{corpus.OLD_NAME}: {corpus.RENAMES[corpus.OLD_NAME]}\n", encoding="utf-8")
    return path


def test_agency_names_are_compared_normalised_and_through_renames():
    from draftbot.audit import agency_key

    assert agency_key("安吉县 教育局") == agency_key("安吉县教育局") == agency_key("安吉县·教育局")
    chain = {"甲县文化局": "甲县文化和旅游局", "甲县文化和旅游局": "甲县文化广电旅游局"}
    assert agency_key("甲县文化局", chain) == agency_key("甲县文化广电旅游局")
    loop = {"甲局": "乙局", "乙局": "甲局"}
    assert agency_key("甲局", loop) in {"甲局", "乙局"}  # a loop in the map ends, it does not hang


def test_publish_deadline_by_level(examples_dir: Path):
    import datetime as dt

    from draftbot.audit import publish_deadline
    from draftbot.model import AgencyLevel

    report = load_report(examples_dir / "busy-2023.yaml")
    assert publish_deadline(report) == dt.date(2024, 1, 31)
    report.meta.level = AgencyLevel.township
    assert publish_deadline(report) == dt.date(2024, 1, 31)
    report.meta.level = AgencyLevel.city_government
    assert publish_deadline(report) == dt.date(2024, 3, 31)


def test_cli_exports_word_and_pdf(tmp_path: Path):
    import os
    import shutil

    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have soffice (see .ci/run)")
        pytest.skip("soffice not installed on this machine")
    source = tmp_path / "in"
    source.mkdir()
    seed = load_report(EXAMPLES / "seed-2022.yaml")  # the clerk gives the site and contact
    seed.meta.website = "稷山县人民政府门户网站“政府信息公开”专栏"
    seed.meta.contact = "稷山县工科局办公室，电话 0359-5500000"
    (source / "seed-2022.yaml").write_text(dump_report(seed), encoding="utf-8")
    (source / "busy-2023.yaml").write_bytes((EXAMPLES / "busy-2023.yaml").read_bytes())
    out = tmp_path / "报告"
    args = [
        "batch",
        str(source),
        "--export",
        str(out),
        "--pdf",
        "--draft",  # a formal export needs every prose section written
        "--offline",
        "-o",
        str(tmp_path / "s"),
        "-j",
        "1",
    ]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "已导出 2 份 Word 报告、2 份 PDF 到" in done.output
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs == [
        "安吉县自然资源和规划局2023年政府信息公开工作年度报告.pdf",
        "稷山县工科局2022年政府信息公开工作年度报告.pdf",
    ]
    assert all((out / p).read_bytes().startswith(b"%PDF") for p in pdfs)
    items = json.loads((tmp_path / "s" / "汇总.json").read_text(encoding="utf-8"))["items"]
    assert sorted(i["exported_pdf"] for i in items) == pdfs


def test_pdf_needs_export():
    done = CliRunner().invoke(app, ["batch", str(EXAMPLES), "--pdf"])
    assert done.exit_code == 2 and "--pdf 需要与 --export" in done.output


def test_text_nearly_the_same_as_last_years_report_in_the_batch_is_flagged(
    tmp_path: Path, examples_dir: Path
):
    """Issue 12: a section copied from the same agency's report of last year, found in the
    batch (no previous_year block in the file), gets P-06 with the similarity and a hint."""
    last = load_report(examples_dir / "seed-2022-as-published.yaml")
    this = last.model_copy(deep=True)
    this.meta.report_year = 2023
    this.previous_year = None
    (tmp_path / "2022.yaml").write_text(dump_report(last), encoding="utf-8")
    (tmp_path / "2023.yaml").write_text(dump_report(this), encoding="utf-8")
    result = run_batch([tmp_path], BatchOptions(jobs=1))
    item = next(i for i in result.items if i.source.endswith("2023.yaml"))
    copied = [f for f in item.findings if f.code == "P-06"]
    assert copied, [f.code for f in item.findings]
    similar = [f for f in copied if "文字相似度约为 100%" in f.message]
    assert similar and all("请根据本年工作重写" in f.hint for f in similar)
    earlier = next(i for i in result.items if i.source.endswith("2022.yaml"))
    assert not [f for f in earlier.findings if f.code == "P-06"]
