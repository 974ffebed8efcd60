"""Web app through FastAPI's TestClient: pages, live checks, conflicts, exports, restarts."""

from __future__ import annotations

import io
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from draftbot.datafile import parse_report
from draftbot.store import Store
from web_helpers import (
    answer_guide,
    create_report,
    csrf,
    draft_all,
    edit,
    fill_basic_info,
    headers,
    make_client,
    version_of,
)
from written import publishable


@pytest.fixture
def client(tmp_path: Path):
    with make_client(tmp_path) as c:
        yield c


def test_list_and_new_report_pages(client) -> None:
    assert "还没有报告" in client.get("/").text
    assert "新建报告" in client.get("/reports/new").text
    report_id = create_report(client)
    page = client.get("/").text
    assert "测试县教育局" in page and "2024" in page and "填写中" in page
    assert f"/reports/{report_id}" in page


def test_every_report_page_renders_in_chinese(client) -> None:
    report_id = create_report(client)
    for path in (
        "",
        "/guide",
        "/facts",
        "/tables/2",
        "/tables/3",
        "/tables/4",
        "/draft",
        "/export",
    ):
        response = client.get(f"/reports/{report_id}{path}")
        assert response.status_code == 200, path
        assert 'lang="zh-CN"' in response.text
        assert "起草：离线模板" in response.text  # the active drafter is always visible


def test_new_report_with_bad_input_names_the_field(client) -> None:
    response = client.post(
        "/reports", data={"csrf_token": csrf(client), "agency": "x", "report_year": "明年"}
    )
    assert response.status_code == 400
    assert "机关全称" in response.text and "统计年度" in response.text
    assert 'value="明年"' in response.text  # what the user typed is kept in the form


def test_table_forms_use_the_official_labels_and_merges(client) -> None:
    report_id = create_report(client)
    page = client.get(f"/reports/{report_id}/tables/3").text
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in page
    assert 'rowspan="8"' in page and "（三）不予公开" in page  # 8 merged 不予公开 rows
    assert 'colspan="5"' in page and "法人或其他组织" in page
    assert 'data-key="table3.granted.research"' in page
    # totals are computed, not typed
    assert 'data-key="table3.granted.total"' not in page
    assert 'data-cell="table3.granted.total"' in page
    page4 = client.get(f"/reports/{report_id}/tables/4").text
    assert "未经复议直接起诉" in page4 and "复议后起诉" in page4


def test_live_edit_saves_recomputes_totals_and_flags_cells(client) -> None:
    report_id = create_report(client)
    response = edit(client, report_id, {"table3.new_received.natural_person": "三"})
    assert response.status_code == 200
    state = response.json()
    assert state["values"]["table3.new_received.total"] == "3"
    balance = [f for f in state["findings"] if f["code"] == "T3-01"]
    assert balance and "table3.new_received.natural_person" in balance[0]["keys"]
    assert "相差 3 件" in balance[0]["message"]
    assert state["n_errors"] >= 1
    # the table page highlights the offending cells server-side too
    page = client.get(f"/reports/{report_id}/tables/3").text
    assert 'class="value flagged"' in page
    fixed = edit(client, report_id, {"table3.granted.natural_person": "3"}).json()
    assert not [f for f in fixed["findings"] if f["code"] == "T3-01"]


def test_invalid_cell_is_rejected_with_its_official_location(client) -> None:
    report_id = create_report(client)
    version = version_of(client, report_id)
    response = edit(client, report_id, {"table3.granted.research": "很多"}, version)
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem["key"] == "table3.granted.research"
    assert problem["location"] == "表三 · 三、本年度办理结果 ·（一）予以公开 · 科研机构"
    assert "很多" in problem["message"]
    assert version_of(client, report_id) == version  # nothing saved
    # the message the page shows names the table, row and column, not only the fault
    assert response.json()["message"] == (
        "有填写不正确的内容，未保存：表三 · 三、本年度办理结果 ·（一）予以公开 · 科研机构："
        + problem["message"]
    )
    assert problem["shown"] == response.json()["message"].removeprefix(
        "有填写不正确的内容，未保存："
    )
    facts = edit(client, report_id, {"facts.press_conferences": "3人"}).json()
    assert facts["message"].startswith("有填写不正确的内容，未保存：")
    assert "新闻发布会" in facts["message"] and "“场”" in facts["message"]


def test_an_amount_in_yuan_is_converted_and_the_answer_says_so(client) -> None:
    report_id = create_report(client)
    response = edit(client, report_id, {"table2.fees_wan_yuan": "3000元"})
    assert response.status_code == 200
    assert response.json()["values"]["table2.fees_wan_yuan"] == "0.3"
    [note] = response.json()["notes"]
    assert "行政事业性收费" in note and note.endswith("已按 3000 元 = 0.3 万元 填写")
    as_typed = edit(client, report_id, {"table2.fees_wan_yuan": "0.3"})
    assert as_typed.json()["notes"] == []  # nothing converted, nothing said
    guided = answer_guide(client, report_id, "t2_fees", "1200元")
    assert guided.status_code == 200
    assert "已按 1200 元 = 0.12 万元 填写" in guided.text
    assert Store.in_folder(client.app.state.config.data_dir).get(
        report_id
    ).report.table2.fees_wan_yuan == Decimal("0.12")


@pytest.mark.parametrize(
    ("typed", "saved", "refused"),
    [("二百五", "250", ""), ("1万2千", "12000", ""), ("两万三", "23000", ""),
     ("三四", "", "“三四”是约数"), ("三十二十", "", "“三十二十”不是规范的中文数字")],
)  # fmt: skip
def test_table_cells_read_chinese_numerals_like_the_interview(
    client, typed: str, saved: str, refused: str
) -> None:
    report_id = create_report(client)
    response = edit(client, report_id, {"table3.new_received.natural_person": typed})
    if saved:
        assert response.status_code == 200
        assert response.json()["values"]["table3.new_received.natural_person"] == saved
    else:
        assert response.status_code == 422
        assert refused in response.json()["problems"][0]["message"]


def test_two_tabs_get_a_conflict_and_nothing_is_overwritten(client) -> None:
    report_id = create_report(client)
    version = version_of(client, report_id)
    first = edit(client, report_id, {"table2.licensing": "7"}, version)
    assert first.status_code == 200
    second = edit(client, report_id, {"table2.licensing": "9"}, version)  # the stale tab
    assert second.status_code == 409
    assert "已在别处被修改" in second.json()["message"]
    assert client.get(f"/api/reports/{report_id}/state").json()["values"]["table2.licensing"] == "7"
    stale_section = client.post(
        f"/api/reports/{report_id}/sections/problems",
        json={"version": version, "text": "旧标签页的文字"},
        headers=headers(client),
    )
    assert stale_section.status_code == 409


def test_facts_and_meta_fields_autosave(client) -> None:
    report_id = create_report(client)
    changes = {
        "facts.problems": "培训不够\n栏目更新慢",
        "facts.proactive_categories": "政策解读：3\n通知公告 12",
        "facts.proactive_total": "二十",
        "meta.region": "某省某市某县",
    }
    assert edit(client, report_id, changes).status_code == 200
    report = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
    assert report.facts.problems == ["培训不够", "栏目更新慢"]
    assert [(c.name, c.count) for c in report.facts.proactive_categories] == [
        ("政策解读", 3),
        ("通知公告", 12),
    ]
    assert report.facts.proactive_total == 20
    assert report.meta.region == "某省某市某县"
    bad = edit(client, report_id, {"facts.proactive_categories": "政策解读很多"})
    assert bad.status_code == 422 and "类别：条数" in bad.json()["message"]


def test_section_edit_history_diff_and_restore(client) -> None:
    report_id = create_report(client)

    def save(text: str):
        return client.post(
            f"/api/reports/{report_id}/sections/problems",
            json={"version": version_of(client, report_id), "text": text},
            headers=headers(client),
        )

    assert save("第一稿：培训不足。").status_code == 200
    assert save("第二稿：培训不足，栏目更新慢。").json()["text"].startswith("第二稿")
    history = client.get(f"/api/reports/{report_id}/sections/problems/history").json()
    assert [r["preview"][:3] for r in history["revisions"]] == ["第二稿", "第一稿"]
    oldest = history["revisions"][-1]["id"]
    diff = client.get(f"/api/reports/{report_id}/revisions/{oldest}/diff").json()
    assert ["-", "一"] in diff["pieces"] and ["+", "二"] in diff["pieces"]
    restored = client.post(
        f"/api/reports/{report_id}/revisions/{oldest}/restore",
        json={"version": version_of(client, report_id)},
        headers=headers(client),
    )
    assert restored.json()["text"] == "第一稿：培训不足。"
    after = client.get(f"/api/reports/{report_id}/sections/problems/history").json()
    assert len(after["revisions"]) == 3 and after["revisions"][0]["source"] == "从历史恢复"


def test_status_change(client) -> None:
    report_id = create_report(client)
    response = client.post(
        f"/reports/{report_id}/status",
        data={"csrf_token": csrf(client), "status": "reviewing", "version": "1"},
    )
    assert response.status_code == 200 and "待审核" in client.get("/").text


def test_export_blocks_on_errors_and_forced_export_is_marked_draft(client) -> None:
    report_id = create_report(client)
    edit(client, report_id, {"table3.new_received.natural_person": "2"})
    blocked = client.get(f"/reports/{report_id}/download.docx")
    assert blocked.status_code == 409
    assert "不能导出正式文档" in blocked.text and "相差 2 件" in blocked.text
    forced = client.get(f"/reports/{report_id}/download.docx?force=1")
    assert forced.status_code == 200
    assert "filename*=UTF-8''" in forced.headers["content-disposition"]
    doc = Document(io.BytesIO(forced.content))
    header_text = " ".join(p.text for s in doc.sections for p in s.header.paragraphs)
    assert "草稿" in header_text


def test_export_docx_tables_match_the_data_and_data_file_round_trips(client) -> None:
    report_id = create_report(client)
    changes = {
        "table3.new_received.natural_person": "4",
        "table3.new_received.commercial": "1",
        "table3.granted.natural_person": "3",
        "table3.unable_not_held.commercial": "1",
        "table3.carried_forward.natural_person": "1",
        "table2.licensing": "12",
        "table4.review.maintained": "2",
    }
    assert edit(client, report_id, changes).json()["n_errors"] == 0
    draft_all(client, report_id)
    fill_basic_info(client, report_id)
    response = client.get(f"/reports/{report_id}/download.docx")
    assert response.status_code == 200
    from draftbot.word import import_docx

    back = import_docx(response.content)
    assert back.table3.new_received.natural_person == 4
    assert back.table3.unable_not_held.commercial == 1
    assert back.table2.licensing == 12 and back.table4.review.maintained == 2
    data = client.get(f"/reports/{report_id}/download.yaml").text
    assert parse_report(data, "x.yaml").table3.granted.natural_person == 3
    as_json = client.get(f"/reports/{report_id}/download.json")
    assert parse_report(as_json.text, "x.json").table2.licensing == 12


def test_start_from_a_previous_report_in_the_list(client, examples_dir: Path) -> None:
    from draftbot.datafile import load_report

    store = Store.in_folder(client.app.state.config.data_dir)
    last = store.create(load_report(examples_dir / "busy-2023.yaml"))
    response = client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client), "source_id": last.id},
        follow_redirects=False,
    )
    assert response.status_code == 303
    new = store.get(str(response.headers["location"]).rsplit("/", 1)[1]).report
    assert new.meta.report_year == last.report.meta.report_year + 1
    assert new.table3.carried_over.values() == last.report.table3.carried_forward.values()
    assert [p.problem for p in new.facts.previous_problems] == last.report.facts.problems


def test_start_from_an_uploaded_data_file_and_docx(client, examples_dir: Path) -> None:
    text = (examples_dir / "seed-2022.yaml").read_bytes()
    response = client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client)},
        files={"file": ("上年.yaml", text, "application/yaml")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    from draftbot.datafile import load_report
    from draftbot.word import build_docx

    docx = build_docx(publishable(load_report(examples_dir / "busy-2023.yaml"))).data
    response = client.post(
        "/reports/from-previous",
        data={"csrf_token": csrf(client)},
        files={"file": ("上年报告.docx", docx, "application/octet-stream")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get("/").text
    assert "2023" in page and "2024" in page


def test_restart_keeps_everything(tmp_path: Path) -> None:
    with make_client(tmp_path) as first:
        report_id = create_report(first)
        edit(first, report_id, {"table2.penalty": "37"})
    with make_client(tmp_path) as second:  # a new app and connection on the same folder
        state = second.get(f"/api/reports/{report_id}/state").json()
        assert state["values"]["table2.penalty"] == "37"
        assert state["version"] == 2


def test_busy_database_answers_503_and_the_edit_can_be_retried(client, monkeypatch) -> None:
    report_id = create_report(client)
    store = client.app.state.store
    blocker = sqlite3.connect(store.path, isolation_level=None)
    monkeypatch.setattr(store, "busy_timeout_ms", 100)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        busy = edit(client, report_id, {"table2.licensing": "4"}, 1)
    finally:
        blocker.execute("ROLLBACK")
    assert busy.status_code == 503 and "数据库正忙" in busy.json()["message"]
    assert edit(client, report_id, {"table2.licensing": "4"}, 1).status_code == 200


def test_final_report_is_frozen_until_its_status_changes(client) -> None:
    report_id = create_report(client)
    draft_all(client, report_id)
    fill_basic_info(client, report_id)
    client.post(
        f"/reports/{report_id}/status",
        data={
            "csrf_token": csrf(client),
            "status": "final",
            "version": str(version_of(client, report_id)),
        },
    )
    assert "本报告已定稿" in client.get(f"/reports/{report_id}/tables/2").text
    frozen = edit(client, report_id, {"table2.licensing": "3"})
    assert frozen.status_code == 423 and "已定稿" in frozen.json()["message"]
    section = client.post(
        f"/api/reports/{report_id}/sections/problems",
        json={"version": version_of(client, report_id), "text": "改一下"},
        headers=headers(client),
    )
    assert section.status_code == 423
    generate = client.post(
        f"/api/reports/{report_id}/sections/problems/generate",
        json={"version": version_of(client, report_id)},
        headers=headers(client),
    )
    assert generate.status_code == 423
    assert client.get(f"/reports/{report_id}/download.docx").status_code == 200  # still exportable
    client.post(
        f"/reports/{report_id}/status",
        data={
            "csrf_token": csrf(client),
            "status": "reviewing",
            "version": str(version_of(client, report_id)),
        },
    )
    assert edit(client, report_id, {"table2.licensing": "3"}).status_code == 200


def test_the_allowed_places_hint_names_a_field_the_page_has(client) -> None:
    report_id = create_report(client, agency="安吉县自然资源和规划局", year="2023")
    edit(client, report_id, {"meta.region": "浙江省湖州市安吉县"})
    saved = client.post(
        f"/api/reports/{report_id}/sections/overview_platform",
        json={"version": version_of(client, report_id), "text": "本局协助德清县开展政务公开培训。"},
        headers=headers(client),
    ).json()
    (finding,) = [f for f in saved["section_findings"] if "德清县" in f["message"]]
    assert "“允许地名”（网页：概况 · 基本信息" in finding["hint"]
    overview = client.get(f"/reports/{report_id}").text
    assert 'data-key="meta.allowed_places"' in overview
    state = edit(client, report_id, {"meta.allowed_places": "德清县\n"}).json()
    assert not [f for f in state["findings"] if "德清县" in f["message"]]
    assert "德清县</textarea>" in client.get(f"/reports/{report_id}").text


@pytest.mark.parametrize(
    ("table", "example", "cells"),
    [
        ("2", "作出行政许可决定412件", {"table2.licensing": "412", "table2.penalty": "37"}),
        ("3", "今年共收到申请5件", {"table3.new_received.natural_person": "4"}),
        ("4", "被申请行政复议2件", {"table4.review.maintained": "1"}),
    ],
)
def test_each_table_shows_its_own_example_sentence_and_it_parses_there(
    client, table: str, example: str, cells: dict[str, str]
) -> None:
    import re

    report_id = create_report(client)
    page = client.get(f"/reports/{report_id}/tables/{table}").text
    shown = re.search(r'<p class="hint" id="chat-example">例如：“([^”]+)”', page)
    assert shown and example in shown.group(1)
    others = {"2": "作出行政许可决定412件", "3": "今年共收到申请5件", "4": "被申请行政复议2件"}
    assert all(text not in page for t, text in others.items() if t != table)
    proposal = client.post(
        f"/api/reports/{report_id}/tables/{table}/propose",
        json={"text": shown.group(1)},
        headers=headers(client),
    ).json()
    proposed = {c["key"]: c["value"] for c in proposal["cells"]}
    assert cells.items() <= proposed.items() and proposal["unplaced"] == []
    assert all(key.startswith(f"table{table}.") for key in proposed)
    assert not any("已填入" in note for note in proposal["notes"])  # nothing is written yet
    assert version_of(client, report_id) == 1


def test_the_area_work_is_on_the_facts_page_and_autosaves(client) -> None:
    report_id = create_report(client)  # a 县级部门: the area's work is not its to report
    assert 'data-key="facts.area.proposals"' not in client.get(f"/reports/{report_id}/facts").text
    assert edit(client, report_id, {"meta.level": "区县政府"}).status_code == 200
    assert 'data-key="facts.area.proposals"' in client.get(f"/reports/{report_id}/facts").text
    changes = {
        "facts.area.key_areas": "社会救助\n公共资源配置",
        "facts.area.gazette_issues": "十二",
        "facts.area.website_columns": "惠企政策专区",
        "facts.area.villages": "",
    }
    assert edit(client, report_id, changes).status_code == 200
    area = Store.in_folder(client.app.state.config.data_dir).get(report_id).report.facts.area
    assert area.key_areas == ["社会救助", "公共资源配置"] and area.gazette_issues == 12
    assert area.website_columns == ["惠企政策专区"] and area.villages is None
    page = client.get(f"/reports/{report_id}/facts").text
    for key in ("facts.area.proposals", "facts.area.notice_boards", "facts.area.open_days"):
        assert f'data-key="{key}"' in page
    assert 'data-key="facts.area.gazette_issues" value="12"' in page
    assert "社会救助\n公共资源配置</textarea>" in page
    bad = edit(client, report_id, {"facts.area.notice_boards": "好多"})
    assert bad.status_code == 422
    (problem,) = bad.json()["problems"]
    assert problem["key"] == "facts.area.notice_boards" and "好多" in problem["message"]


def test_the_organisation_is_on_the_facts_page_and_autosaves(client) -> None:
    report_id = create_report(client)  # a 县级部门: every level reports its organisation
    page = client.get(f"/reports/{report_id}/facts").text
    for key in ("group_head", "staff", "study_meetings", "work_plan"):
        assert f'data-key="facts.organisation.{key}"' in page
    changes = {
        "facts.organisation.group_head": "由局长任组长",
        "facts.organisation.staff": "三名",
        "facts.organisation.study_meetings": "",
        "facts.organisation.work_plan": "2024年政务公开工作要点",
    }
    assert edit(client, report_id, changes).status_code == 200
    org = Store.in_folder(client.app.state.config.data_dir).get(report_id).report.facts.organisation
    assert (org.group_head, org.staff, org.study_meetings) == ("局长", 3, None)
    assert org.work_plan == "《2024年政务公开工作要点》"
    page = client.get(f"/reports/{report_id}/facts").text
    assert 'data-key="facts.organisation.group_head" value="局长"' in page
    assert 'data-key="facts.organisation.staff" value="3"' in page
    cleared = edit(client, report_id, {"facts.organisation.group_head": ""})
    assert cleared.status_code == 200
    org = Store.in_folder(client.app.state.config.data_dir).get(report_id).report.facts.organisation
    assert org.group_head is None
    bad = edit(client, report_id, {"facts.organisation.group_head": "张伟"})
    assert bad.status_code == 422
    (problem,) = bad.json()["problems"]
    assert problem["key"] == "facts.organisation.group_head"
    assert "领导小组组长" in problem["message"] and "张伟" in problem["message"]


def test_practices_are_on_the_facts_page_and_autosave(client) -> None:
    report_id = create_report(client)
    page = client.get(f"/reports/{report_id}/facts").text
    for key in (
        "facts.practices.review_methods",
        "facts.practices.trained_people",
        "facts.practices.supervision_methods",
    ):
        assert f'data-key="{key}"' in page
    changes = {
        "facts.practices.review_methods": "保密审查\n三审三校",
        "facts.practices.new_media_accounts": "三",
        "facts.practices.trained_people": "",
    }
    assert edit(client, report_id, changes).status_code == 200
    practices = (
        Store.in_folder(client.app.state.config.data_dir).get(report_id).report.facts.practices
    )
    assert practices.review_methods == ["保密审查", "三审三校"]
    assert practices.new_media_accounts == 3 and practices.trained_people is None
    bad = edit(client, report_id, {"facts.practices.reading_points": "很多"})
    assert bad.status_code == 422
    (problem,) = bad.json()["problems"]
    assert problem["location"] == "填报事实 · 本年的具体做法 · 政府信息公开查阅点、公开专区"
