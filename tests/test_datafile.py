"""Loading data files: accepted spellings, and a Chinese message naming the cell for bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from draftbot.datafile import DataFileError, load_report, parse_report, save_report

BASE = "meta: {agency: 示例县民政局, region: 山西省运城市稷山县, report_year: 2022}\n"


def problems(text: str, source: str = "x.yaml") -> list[str]:
    with pytest.raises(DataFileError) as info:
        parse_report(text, source)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("raw", ['"3"', '" 3 "', '"３"', '"3.0"', "3.0", '"三"'])
def test_cell_spellings_are_normalised(raw):
    report = parse_report(BASE + f"table3:\n  granted: {{natural_person: {raw}}}\n")
    assert report.table3.granted.natural_person == 3


def test_chinese_twelve():
    report = parse_report(BASE + "table3:\n  granted: {commercial: 十二}\n")
    assert report.table3.granted.commercial == 12


@pytest.mark.parametrize(
    ("raw", "shown"),
    [('"-1"', "-1"), ("-1", "-1"), ("abc", "abc"), ("3.5", "3.5"), ('"1e9"', "1e9")],
)
def test_bad_cell_names_the_official_cell(raw, shown):
    found = problems(BASE + f"table3:\n  granted: {{natural_person: {raw}}}\n")
    assert found == [
        f"第 3 行，表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人：应为不小于 0 的整数，收到“{shown}”"
    ]


def test_too_large_value_rejected():
    found = problems(BASE + "table4:\n  review: {maintained: 5000000}\n")
    assert found == [
        "第 3 行，表四 · 行政复议 · 结果维持：数值过大（上限 1000000），收到“5000000”，请核对是否多输了位数"
    ]


def test_table2_cell_location():
    found = problems(BASE + "table2:\n  normative_documents: {in_force: -2}\n")
    assert found == [
        "第 3 行，表二 · 第二十条第（一）项 · 行政规范性文件 · 现行有效件数：应为不小于 0 的整数，收到“-2”"
    ]


def test_fee_with_too_many_decimals():
    found = problems(BASE + "table2:\n  fees_wan_yuan: 1.23456\n")
    assert found == [
        "第 3 行，表二 · 第二十条第（八）项 · 行政事业性收费 · 本年收费金额（单位：万元）："
        "金额最多保留 4 位小数，收到“1.23456”"
    ]


def test_grouped_row_location():
    found = problems(BASE + "table3:\n  unable_not_held: {research: x}\n")
    assert found == [
        "第 3 行，表三 · 三、本年度办理结果 ·（四）无法提供 · 1.本机关不掌握相关政府信息 · 科研机构："
        "应为不小于 0 的整数，收到“x”"
    ]


def test_unknown_key_suggests_nearest():
    found = problems(BASE + "table3:\n  granted: {natral_person: 1}\n")
    assert found == [
        "第 3 行，表三 · 三、本年度办理结果 ·（一）予以公开：未知的键“natral_person”，"
        "是否想写“natural_person”？"
    ]


def test_unknown_top_level_key():
    found = problems(BASE + "tabel3: {}\n")
    assert found == ["第 2 行，tabel3：未知的键“tabel3”，是否想写“table3”？"]


def test_missing_meta_field():
    found = problems("meta: {agency: 示例县民政局}\n")
    assert found == ["第 1 行，基本信息 · 统计年度：缺少必填项，请补充"]


def test_year_out_of_range():
    found = problems("meta: {agency: 示例县民政局, report_year: 2015}\n")
    assert len(found) == 1 and found[0].startswith("第 1 行，基本信息 · 统计年度：2015 年度")
    assert "旧格式" in found[0] and "本工具只支持 2019 年度起的格式" in found[0]
    found = problems("meta: {agency: 示例县民政局, report_year: 2007}\n")
    assert len(found) == 1 and found[0].startswith("第 1 行，基本信息 · 统计年度：2007 年")
    assert "早于《政府信息公开条例》施行（2008 年 5 月 1 日）" in found[0]
    assert "请核对统计年度" in found[0]


def test_invalid_yaml_has_line_number():
    found = problems(BASE + "table3:\n  granted: {natural_person: 1\n")
    assert len(found) == 1
    assert found[0].startswith("第 ")
    assert "不是有效的 YAML" in found[0]


def test_invalid_json_has_line_number():
    text = '{\n  "meta": {"agency": "示例县民政局", "report_year": 2022},\n  "table3": {,}\n}\n'
    found = problems(text, "x.json")
    assert found == [
        "第 3 行，文件：不是有效的 JSON：第 14 列附近有语法错误，请检查逗号、引号和括号"
    ]


def test_top_level_must_be_mapping():
    assert problems("- 1\n- 2\n") == ["文件：最外层应为键值结构（以 meta: 开头）"]


def test_2019_table_in_2021_report_is_rejected():
    found = problems(BASE + "table2_2019: {}\n")
    assert "但本报告使用 2021 格式" in found[0]


def test_missing_file_and_wrong_suffix(tmp_path: Path):
    with pytest.raises(DataFileError) as info:
        load_report(tmp_path / "nope.yaml")
    assert "找不到该文件" in info.value.render()
    other = tmp_path / "data.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_report(other)
    assert ".yaml、.yml 或 .json" in info.value.render()


def test_round_trip_yaml_and_json(tmp_path: Path, examples_dir: Path):
    for example in sorted(examples_dir.glob("*.yaml")):
        report = load_report(example)
        for suffix in (".yaml", ".json"):
            target = tmp_path / f"copy{suffix}"
            save_report(report, target)
            assert load_report(target) == report
    data = json.loads((tmp_path / "copy.json").read_text(encoding="utf-8"))
    assert "meta" in data


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path, examples_dir: Path):
    report = load_report(examples_dir / "busy-2023.yaml")
    target = tmp_path / "r.yaml"
    target.write_text("old", encoding="utf-8")
    save_report(report, target)
    assert [p.name for p in tmp_path.iterdir()] == ["r.yaml"]
    assert load_report(target) == report


def test_stated_totals_are_kept_not_replaced():
    report = parse_report(BASE + "table3:\n  new_received: {natural_person: 1, total: 5}\n")
    assert report.table3.new_received.total == 5
    assert report.table3.new_received.computed_total == 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("table3:\n  granted: {natural_person: 1\n", "花括号 { } 没有配对"),
        ("facts:\n  channels: [网站, 公众号\n", "方括号 [ ] 没有配对"),
        ("facts:\n  notes: 地址: 县政府: 三楼\n", "此处不能出现冒号"),
        ("facts:\n\tnotes: 有\n", "制表符"),
        ('facts:\n  notes: "没有结束的引号\n', "引号没有配对"),
        ("facts:\n    notes: 甲\n  other: 乙\n", "缩进不一致"),
    ],
)
def test_broken_yaml_is_described_in_chinese(body: str, words: str) -> None:
    """The parser's English problem text never reaches the clerk: common ones in words."""
    found = problems(BASE + body)
    assert len(found) == 1 and words in found[0], found
    assert not re.search(r"[A-Za-z]{4,}", found[0].split("YAML", 1)[1]), found
