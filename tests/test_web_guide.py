"""Guided steps and the table chat box through the web (question bank, gates, sentences)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from draftbot.store import Store
from web_helpers import (
    answer_guide,
    confirm_guide,
    create_report,
    csrf,
    headers,
    make_client,
    proposed_cells,
    version_of,
)

SENTENCE = (
    "今年共收到申请5件，4件来自个人，1件来自企业；予以公开3件，1件本机关不掌握，1件结转下年度"
)


@pytest.fixture
def client(tmp_path: Path):
    with make_client(tmp_path) as c:
        yield c


def _current_question(html: str) -> str:
    found = re.search(r'name="question_id" value="([a-z0-9_]+)"', html)
    assert found, "no question on the page"
    return found.group(1)


def test_new_report_starts_after_the_creation_questions(client) -> None:
    report_id = create_report(client)
    page = client.get(f"/reports/{report_id}/guide").text
    assert _current_question(page) == "level"
    assert "本机关属于哪一层级" in page and re.search(r"第 3/\d+ 题", page)
    assert "县级部门" in page  # the help text of the question bank


def test_answer_is_saved_and_the_next_question_follows(client) -> None:
    report_id = create_report(client)
    page = answer_guide(client, report_id, "level", "2")
    assert page.status_code == 200
    assert _current_question(page.text) == "region"
    report = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
    assert report.meta.level.value == "乡镇（街道）"
    assert "level" in report.interview.answered


def test_bad_answer_keeps_the_text_and_explains(client) -> None:
    report_id = create_report(client)
    version = version_of(client, report_id)
    page = answer_guide(client, report_id, "t2_licensing", "好几件")
    assert page.status_code == 422
    assert 'value="好几件"' in page.text and "行政许可" in page.text
    assert version_of(client, report_id) == version


def test_no_at_a_gate_zeroes_the_table_and_shows_its_checks(client) -> None:
    report_id = create_report(client)
    page = answer_guide(client, report_id, "t3_gate", "否")
    assert page.status_code == 200
    assert "表三已填完，检查未发现问题" in page.text
    report = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
    assert report.interview.gates["t3_gate"] == "no"
    assert report.table3.new_received.shown_total == 0


def test_sentence_at_a_gate_is_proposed_then_confirmed(client) -> None:
    report_id = create_report(client)
    version = version_of(client, report_id)
    page = answer_guide(client, report_id, "t3_gate", SENTENCE)
    assert page.status_code == 200 and "从这句话识别出的数字" in page.text
    assert "4件来自个人" in page.text
    assert version_of(client, report_id) == version  # nothing saved before confirmation
    cells = proposed_cells(page.text)
    assert cells["table3.new_received.natural_person"] == "4"
    confirmed = confirm_guide(client, report_id, version, "t3_gate", cells)
    assert confirmed.status_code == 200 and "表三已填完" not in confirmed.text
    report = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
    # three rows came only as totals: their splits are still to be asked, nothing else in 表三
    from draftbot import questions as qs

    bank = qs.load_bank()
    pending = [
        q.id
        for q in qs.applicable_questions(bank, report)
        if q.id.startswith("t3_") and not qs.is_answered(report, q.id)
    ]
    assert pending == ["t3_granted", "t3_unable_not_held", "t3_carried_forward"]
    assert report.interview.gates["t3_gate"] == "text"
    assert report.table3.new_received.natural_person == 4
    assert report.table3.new_received.commercial == 1
    assert report.table3.denied_state_secret.shown_total == 0
    for question, split in (
        ("t3_granted", "自然人 3"),
        ("t3_unable_not_held", "商业企业 1"),
        ("t3_carried_forward", "自然人 1"),
    ):
        page = answer_guide(client, report_id, question, split)
        assert page.status_code == 200, page.text
    assert "表三已填完，检查未发现问题" in page.text


def test_back_reopens_the_previous_question(client) -> None:
    report_id = create_report(client)
    answer_guide(client, report_id, "level", "县级部门")
    back = client.post(
        f"/reports/{report_id}/guide/back",
        data={"csrf_token": csrf(client), "version": str(version_of(client, report_id))},
        follow_redirects=False,
    )
    assert back.status_code == 303 and back.headers["location"].endswith("?q=level")
    page = client.get(back.headers["location"]).text
    assert _current_question(page) == "level" and 'value="县级部门"' in page


def test_table_chat_box_proposes_without_saving(client) -> None:
    report_id = create_report(client)
    version = version_of(client, report_id)
    response = client.post(
        f"/api/reports/{report_id}/tables/4/propose",
        json={"text": "行政复议2件，其中维持1件、纠正1件"},
        headers=headers(client),
    )
    assert response.status_code == 200
    cells = {c["key"]: c for c in response.json()["cells"]}
    assert cells["table4.review.maintained"]["value"] == "1"
    assert cells["table4.review.corrected"]["location"] == "表四 · 行政复议 · 结果纠正"
    assert cells["table4.review.corrected"]["current"] == "0"
    assert version_of(client, report_id) == version
    vague = client.post(
        f"/api/reports/{report_id}/tables/3/propose",
        json={"text": "收到十余件申请"},
        headers=headers(client),
    ).json()
    assert not vague["cells"] and vague["unplaced"]
    empty = client.post(
        f"/api/reports/{report_id}/tables/3/propose", json={"text": " "}, headers=headers(client)
    )
    assert empty.status_code == 400 and "一句话" in empty.json()["message"]


def test_web_prompts_name_no_terminal_keys(client) -> None:
    from draftbot import questions as qs

    report_id = create_report(client)
    for question in qs.load_bank().questions:
        if question.id in qs.CREATION_QUESTIONS:
            continue
        page = client.get(f"/reports/{report_id}/guide?q={question.id}").text
        main = page.split('id="answer-form"', 1)[1].split('class="answered"', 1)[0]
        for key_word in ("回车", "空行", "Enter"):
            assert key_word not in main, (question.id, key_word)
    rectifications = client.get(f"/reports/{report_id}/guide?q=previous_problems").text
    assert "写成“问题：整改情况”" in rectifications


def test_the_level_takes_an_obvious_name_and_lists_the_choices_otherwise(client) -> None:
    report_id = create_report(client)
    page = answer_guide(client, report_id, "level", "镇政府")
    assert page.status_code == 200
    report = Store.in_folder(client.app.state.config.data_dir).get(report_id).report
    assert report.meta.level.value == "乡镇（街道）"
    refused = answer_guide(client, report_id, "level", "县")  # 县级部门 or 区县政府?
    assert refused.status_code == 422
    assert "1. 县级部门" in refused.text and "5. 区县政府" in refused.text
