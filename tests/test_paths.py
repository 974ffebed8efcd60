"""paths.py (walk, read, set, label) and the rendering and selection of structured findings."""

from __future__ import annotations

import pytest

from draftbot import paths
from draftbot.datafile import load_report
from draftbot.findings import (
    Finding,
    cells_of,
    in_section,
    in_table,
    placed,
    render_location,
)
from draftbot.model import Report


def test_walk_lists_every_leaf_field_in_model_order() -> None:
    leaves = paths.leaf_paths("table4.review")
    assert leaves == [
        f"table4.review.{c}" for c in paths.field_at("table4.review").annotation.model_fields
    ]
    assert "table3.granted.natural_person" in paths.leaf_paths()
    assert paths.leaf_paths("facts.problems") == ["facts.problems"]  # a list is one leaf
    assert paths.is_model_path("meta.publish_date") and not paths.is_model_path("meta.nothing")
    with pytest.raises(KeyError):
        paths.field_at("table3.nowhere")


def test_read_walks_models_dicts_and_lists(examples_dir) -> None:
    report = load_report(examples_dir / "busy-2023.yaml")
    assert (
        paths.read(report, "table3.granted.natural_person") == report.table3.granted.natural_person
    )
    data = report.model_dump()
    assert paths.read(data, "meta.agency") == report.meta.agency
    data["facts"]["problems"] = ["甲", "乙"]
    assert paths.read(data, "facts.problems.1") == "乙"
    assert paths.read({"previous_year": None}, "previous_year.in_force.regulations") is None


def test_set_value_fills_blank_parents_and_refuses_bad_places() -> None:
    data: dict = {}
    paths.set_value(data, "previous_year.in_force.regulations", 7)
    assert Report.model_validate({"meta": {"agency": "某县档案馆", "report_year": 2023}, **data})
    assert data["previous_year"]["in_force"]["regulations"] == 7
    items = {"facts": {"problems": ["甲"]}}
    paths.set_value(items, "facts.problems.0", "乙")
    assert items["facts"]["problems"] == ["乙"]
    for bad in ("facts.problems.1", "facts..x", "", "facts.problems.x"):
        with pytest.raises(KeyError):
            paths.set_value(items, bad, 1)
    with pytest.raises(KeyError):
        paths.set_value({"meta": {"agency": "某局"}}, "meta.agency.name", 1)


def test_labels_are_the_printed_places() -> None:
    assert paths.label("table3.granted.natural_person") == (
        "表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人"
    )
    assert paths.label("table3.carried_forward") == "表三 · 四、结转下年度继续办理"
    assert paths.label("table4.litigation_direct.pending") == (
        "表四 · 行政诉讼 · 未经复议直接起诉 · 尚未审结"
    )
    assert paths.label("table2.regulations") == "表二 · 第二十条第（一）项 · 规章"
    assert paths.label("table2") == "表二"
    assert paths.label("meta.region") == "基本信息 · 所在行政区划"
    assert paths.label(("facts", "problems", 1)) == "填报事实 · 本年存在的问题 · 第 2 项"
    assert (
        paths.label("facts.info_fee.collected_yuan") == "填报事实 · 信息处理费 · 实际收取的总金额"
    )
    assert paths.label("narrative.overview_platform") == "一、总体情况 ·（四）政府信息公开平台建设"
    assert paths.label("") == "数据文件"
    assert paths.label("meta.unknown_key") == "基本信息 · unknown_key"  # shown as spelled


def test_a_location_is_rendered_from_paths_section_and_topic() -> None:
    column = tuple(
        f"table3.{r}.research" for r in ("new_received", "carried_over", "carried_forward")
    )
    assert render_location(column, topic="勾稽关系") == "表三 · 勾稽关系 · 科研机构"
    assert render_location(("table3.carried_over.total",), topic="勾稽关系") == "表三 · 勾稽关系"
    assert render_location((), section="problems") == "正文 · 五、存在的主要问题及改进情况"
    assert (
        render_location(("table4.review.maintained", "table4.review.pending")) == "表四 · 行政复议"
    )
    assert render_location(()) == "全文"


def test_findings_are_selected_by_their_places_not_their_text() -> None:
    row = Finding("F-02", "error", "…", paths=("table3.other_other",))
    fee = Finding(
        "X-05", "warning", "…", paths=("table3.other_no_fee_paid.total", "facts.info_fee")
    )
    prose = Finding("P-01", "error", "…", section="problems")
    meta = Finding("X-04", "error", "…", paths=("meta.publish_date",))
    everything = [row, fee, prose, meta]
    assert in_table(everything, "表三") == [row, fee]
    assert in_table(everything, "表四") == []
    assert in_section(everything, "problems") == [prose]
    keys = [f"table3.other_other.{c}" for c in ("natural_person", "total")] + [
        "table3.granted.total"
    ]
    assert cells_of(row, keys) == keys[:2]  # a row finding flags the row's cells
    assert cells_of(Finding("V-02", "error", "…", paths=("table2",)), ["table2.licensing"]) == [
        "table2.licensing"
    ]
    assert prose.to_dict() == {
        "code": "P-01",
        "severity": "error",
        "location": "正文 · 五、存在的主要问题及改进情况",
        "message": "…",
        "hint": "",
        "paths": [],
        "section": "problems",
    }
    assert placed("narrative.problems") == {"section": "problems"}
    assert placed("meta.contact") == {"paths": ("meta.contact",)}


def test_a_place_cannot_be_given_as_display_text() -> None:
    with pytest.raises(TypeError):
        Finding("T3-03", "error", "表三 · 勾稽关系", "总计不符", "请核对")  # type: ignore[misc]
    with pytest.raises(ValueError, match="paths=, section= or topic="):
        Finding("T3-03", "error", "表三 · 勾稽关系", "总计不符")
    with pytest.raises(TypeError):
        Finding("T3-03", "error", "总计不符", paths="table3.granted.total")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown section"):
        Finding("P-01", "error", "…", section="五、存在的主要问题及改进情况")
    assert Finding("W-04", "warning", "…", topic="导出").location == "导出"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("table3.granted.natural_person", "count"),
        ("table2.fees_wan_yuan", "amount"),
        ("meta.publish_date", "date"),
        ("meta.agency", None),
        ("facts.problems.0", None),
        ("no.such.field", None),
    ],
)
def test_the_kind_of_answer_a_field_takes_is_read_from_the_model(path: str, kind: str) -> None:
    assert paths.field_kind(path) == kind


def test_an_amount_field_states_its_unit() -> None:
    assert paths.amount_unit("table2.fees_wan_yuan") == "万元"
    assert paths.amount_unit("facts.info_fee.collected_yuan") == "元"
