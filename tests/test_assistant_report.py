"""Questions about this report (findings explained, figures from the data) and proposed changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftbot.assistant.changes import ChangeError, StaleProposal, apply_proposal, propose_change
from draftbot.assistant.chat import Assistant
from draftbot.assistant.conversation import conversation_for_file, conversation_for_report
from draftbot.checks import check_report
from draftbot.datafile import load_report, save_report
from draftbot.model import Report


@pytest.fixture
def busy(examples_dir: Path) -> Report:
    return load_report(examples_dir / "busy-2023.yaml")


def _with(report: Report, **changes: int) -> Report:
    """`report` with dotted-path cells set (no validation shortcuts: goes through the model)."""
    data = report.model_dump(mode="json", exclude_none=True)
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return Report.model_validate(data)


# --- findings explained ---------------------------------------------------------------------


def test_why_table3_does_not_balance_names_the_numbers_and_the_cells(busy) -> None:
    broken = _with(busy, table3__granted__natural_person=11)  # one too many in 自然人
    reply = Assistant().answer(broken, "为什么表三不平衡？")
    assert reply.kind == "finding" and "T3-01" in reply.rule_ids
    assert "新收 22 + 上年结转 2 = 24" in reply.text and "相差 1 件" in reply.text
    paths = {c.path for c in reply.cells}
    assert {
        "table3.new_received.natural_person",
        "table3.carried_over.natural_person",
        "table3.granted.natural_person",
        "table3.carried_forward.natural_person",
    } <= paths
    assert not any(p.endswith(".commercial") for p in paths)  # the balanced column is not blamed
    assert "表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人 = 11" in reply.text


def test_a_stated_row_total_is_explained_with_its_six_cells(busy) -> None:
    broken = _with(busy, table3__new_received__total=31)
    reply = Assistant().answer(broken, "表三总计哪里不对？")
    assert "T3-03" in reply.rule_ids and "总计填写为 31" in reply.text
    assert {f"table3.new_received.{c}" for c in ("natural_person", "commercial", "total")} <= {
        c.path for c in reply.cells
    }


def test_a_stated_results_total_is_explained(busy) -> None:
    broken = _with(busy, table3__results_total__commercial=9)
    reply = Assistant().answer(broken, "表三（七）总计为什么报错？")
    assert "T3-04" in reply.rule_ids
    assert "table3.results_total.commercial" in {c.path for c in reply.cells}


def test_table4_block_total_is_explained(busy) -> None:
    broken = _with(busy, table4__review__total=2)
    reply = Assistant().answer(broken, "表四哪里不对？")
    assert reply.rule_ids == ("T4-01",)
    assert [c.path for c in reply.cells] == [
        f"table4.review.{c}" for c in ("maintained", "corrected", "other", "pending", "total")
    ]


def test_carried_over_against_last_year_is_explained(busy) -> None:
    broken = _with(
        busy, table3__carried_over__natural_person=3, table3__new_received__natural_person=21
    )
    reply = Assistant().answer(broken, "上年结转为什么有提示？")
    assert "X-01" in reply.rule_ids and "上年报告的结转下年度继续办理为 2 件" in reply.text
    assert "table3.carried_over.natural_person" in {c.path for c in reply.cells}


def test_in_force_continuity_is_explained(busy) -> None:
    broken = _with(busy, table2__normative_documents__in_force=27)
    reply = Assistant().answer(broken, "表二为什么有提示？")
    assert "X-02" in reply.rule_ids
    assert "table2.normative_documents.in_force" in {c.path for c in reply.cells}


def test_a_clean_table_says_it_has_no_finding(busy) -> None:
    assert not [f for f in check_report(busy) if f.location.startswith("表三")]
    reply = Assistant().answer(busy, "为什么表三不平衡？")
    assert reply.kind == "finding" and reply.text.startswith("本报告目前没有这方面的检查问题")
    assert not reply.cells


# --- figures from the data ------------------------------------------------------------------


def test_how_many_were_carried_over_is_read_from_the_data(busy) -> None:
    reply = Assistant().answer(busy, "去年结转几件？")
    assert reply.kind == "data"
    assert "二、上年结转政府信息公开申请数量”总计 2 件" in reply.text
    assert "T3-R02" in reply.rule_ids
    changed = _with(busy, table3__carried_over__commercial=1, table3__new_received__commercial=4)
    assert "总计 3 件" in Assistant().answer(changed, "去年结转几件？").text


def test_a_figure_of_one_column_and_of_table4(busy) -> None:
    assert "自然人为 10 件" in Assistant().answer(busy, "予以公开里个人有几件？").text
    reply = Assistant().answer(busy, "今年行政复议有几件？")
    assert "行政复议”总计 1 件（结果维持 1" in reply.text


# --- proposed changes -----------------------------------------------------------------------


def test_a_move_between_columns_is_proposed_not_applied(busy, tmp_path) -> None:
    path = tmp_path / "r.yaml"
    save_report(busy, path)
    before = path.read_bytes()
    assistant = Assistant(conversation=conversation_for_file(path))
    reply = assistant.ask(load_report(path), "予以公开里有一件是企业的，不是个人")
    assert reply.kind == "proposal"
    rows = [(c.path, c.before, c.after) for c in reply.proposal.changes]
    assert rows == [
        ("table3.granted.natural_person", "10", "9"),
        ("table3.granted.commercial", "3", "4"),
        ("table3.new_received.natural_person", "22", "21"),
        ("table3.new_received.commercial", "5", "6"),
    ]
    assert "本年新收" in reply.proposal.notes[0]
    assert "10 → 9" in reply.text
    assert path.read_bytes() == before  # nothing changes before confirmation

    updated = assistant.confirm(load_report(path), reply.proposal.id)
    assert updated.table3.granted.natural_person == 9 and updated.table3.granted.commercial == 4
    assert not [f for f in check_report(updated) if f.severity == "error"]


def test_a_sentence_of_figures_goes_through_the_sentence_parser(busy) -> None:
    reply = Assistant().answer(busy, "予以公开改为12件，都是个人")
    assert [(c.path, c.before, c.after) for c in reply.proposal.changes] == [
        ("table3.granted.natural_person", "10", "12")
    ]
    reply = Assistant().answer(busy, "行政复议2件，结果维持")
    assert reply.proposal.changes[0].path == "table4.review.maintained"


def test_a_move_of_more_than_the_cell_holds_is_refused(busy) -> None:
    reply = Assistant().answer(busy, "部分公开里有5件是企业的，不是律师")
    assert reply.kind == "error" and "现在是 1 件，不够移出 5 件" in reply.text
    reply = Assistant().answer(busy, "上年结转里有一件是企业的，不是个人")
    assert [(c.path, c.after) for c in reply.proposal.changes] == [
        ("table3.carried_over.natural_person", "1"),
        ("table3.carried_over.commercial", "1"),
    ]


def test_a_stale_proposal_after_another_edit_is_refused(busy, tmp_path) -> None:
    conversation = conversation_for_report(tmp_path, "ab" * 16)
    assistant = Assistant(conversation=conversation)
    reply = assistant.ask(busy, "予以公开里有一件是企业的，不是个人")
    other_tab = _with(
        busy, table3__granted__natural_person=8, table3__unable_not_held__natural_person=7
    )
    with pytest.raises(StaleProposal, match="已经被改动"):
        assistant.confirm(other_tab, reply.proposal.id)
    with pytest.raises(ChangeError, match="不存在，或已经确认、放弃过"):
        assistant.confirm(busy, reply.proposal.id)  # a refused proposal is settled for good
    assert conversation.entries()[-1]["status"] == "refused"


def test_a_confirmed_proposal_cannot_be_applied_twice(busy, tmp_path) -> None:
    assistant = Assistant(conversation=conversation_for_report(tmp_path, "cd" * 16))
    reply = assistant.ask(busy, "予以公开里有一件是企业的，不是个人")
    updated = assistant.confirm(busy, reply.proposal.id)
    assistant.record_applied(reply.proposal.id, version=7)
    with pytest.raises(ChangeError):
        assistant.confirm(updated, reply.proposal.id)
    assert assistant.conversation.entries()[-1]["text"] == "已按确认修改并保存（第 7 版）。"


def test_apply_checks_values_through_the_model(busy) -> None:
    proposal = propose_change(busy, "予以公开里有一件是企业的，不是个人")
    assert apply_proposal(busy, proposal).table3.granted.commercial == 4
    assert apply_proposal(busy, proposal) != busy  # the input report is not modified
    assert busy.table3.granted.commercial == 3


# --- the conversation ---------------------------------------------------------------------


def test_every_message_is_kept_in_order_and_a_torn_line_is_skipped(busy, tmp_path) -> None:
    path = tmp_path / "r.yaml"
    conversation = conversation_for_file(path)
    assistant = Assistant(conversation=conversation)
    assistant.ask(busy, "去年结转几件？")
    assistant.ask(busy, "")
    with open(conversation.path, "a", encoding="utf-8") as out:
        out.write('{"role": "clerk", "text": "半')  # a write cut by a power failure
    assistant.ask(busy, "统计期从哪天到哪天？")
    entries = conversation.entries()
    assert [e["role"] for e in entries] == ["clerk", "assistant"] * 3
    assert [e["text"] for e in entries if e["role"] == "clerk"] == [
        "去年结转几件？",
        "",
        "统计期从哪天到哪天？",
    ]
    assert entries[-1]["rules"][0] == "GEN-02"
    assert conversation.path.name == ".r.yaml.chat.jsonl"


def test_an_overlong_message_is_kept_but_not_processed(busy, tmp_path) -> None:
    assistant = Assistant(conversation=conversation_for_report(tmp_path, "ef" * 16))
    reply = assistant.ask(busy, "申请" * 1500)
    assert reply.kind == "error" and "超过了 2000 字" in reply.text
    assert assistant.conversation.entries()[0]["text"] == "申请" * 1500


def test_a_report_id_cannot_escape_the_chat_folder(tmp_path) -> None:
    with pytest.raises(ValueError):
        conversation_for_report(tmp_path, "../../etc/passwd")


def test_a_row_of_the_other_format_is_explained(examples_dir) -> None:
    report = load_report(examples_dir / "errors-2020.yaml")  # a 2021-only row filled in 2020
    reply = Assistant().answer(report, "表三（六）其他处理为什么报错？")
    assert "【F-02】" in reply.text and "T3-R25" in reply.rule_ids
    assert "table3.other_no_fee_paid.total" in {c.path for c in reply.cells}
