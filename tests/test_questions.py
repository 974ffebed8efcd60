"""The question bank (schemas/questions.yaml) and the engine in draftbot.questions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from draftbot import questions as qs
from draftbot.datafile import load_report
from draftbot.model import Report, Table3
from draftbot.paths import is_model_path
from draftbot.rollover import start_from_previous

# Fields no interview question fills, and why.
NOT_ASKED = {
    "meta.format_version": "chosen from the year",
    "meta.allowed_places": "set in review, when a place named in the prose is legitimate",
    "narrative": "drafted, then edited in review",
    "revisions": "kept by drafting",
    "drafted_from": "recorded when a section is drafted or saved (basis.py)",
    "previous_year": "copied from last year's report (rollover)",
    "interview": "the interview's own progress",
    "source": "written by draftbot import (provenance of published figures)",
    "table3.results_total": "computed (（七）总计)",
    "facts.area.covered_departments": "counted by the roll-up from the agencies it sums (rollup.py)",
    "facts.area.covered_townships": "counted by the roll-up from the agencies it sums (rollup.py)",
}


@pytest.fixture(scope="module")
def bank() -> qs.QuestionBank:
    return qs.load_bank()


def new_report(year: int = 2023) -> Report:
    return qs.create_report("某某县档案馆", str(year))


def answer_all(bank: qs.QuestionBank, report: Report, answers: dict[str, str]) -> Report:
    """Answer questions in order, taking `answers[id]` or a default for its kind."""
    defaults = {"gate": "否", "count": "0", "amount": "0", "choice": "1", "text": "测试"}
    while (q := qs.next_question(bank, report)) is not None:
        text = answers.get(q.id, defaults.get(q.kind, ""))
        report = qs.apply_answer(bank, report, q.id, text)
    return report


def test_bank_loads_and_every_question_names_real_fields(bank: qs.QuestionBank) -> None:
    assert len(bank.questions) > 40
    for question in bank.questions:
        for path in question.fills:
            assert is_model_path(path), (question.id, path)
        if question.gate:
            assert bank.get(question.gate).kind == "gate"


def test_every_input_field_is_reachable_by_a_question(bank: qs.QuestionBank) -> None:
    covered = qs.covered_paths(bank)
    missing = []
    for path in qs.leaf_paths():
        if any(path == p or path.startswith(p + ".") for p in NOT_ASKED):
            continue
        if path.endswith(".total") and path.split(".")[0] in ("table3", "table4"):
            continue  # 总计 is computed; a stated one comes only from a sentence
        if path not in covered:
            missing.append(path)
    assert missing == []


def test_the_level_choices_are_the_models_levels(bank: qs.QuestionBank) -> None:
    from draftbot.model import AgencyLevel

    assert bank.get("level").choices == [level.value for level in AgencyLevel]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["questions"][3].update(fills=["meta.agnecy"]), "字段 meta.agnecy 不存在"),
        (lambda d: d["questions"].append(dict(d["questions"][0])), "问题编号 agency 重复"),
        (lambda d: d["questions"][8].update(gate="nope"), "闸门 nope 不存在"),
        (
            lambda d: d["questions"][0].update(colour="red"),
            "第 1 个问题（agency）的 colour：未知的键",
        ),
        (
            lambda d: d["questions"][0].update(kind="counting"),
            "第 1 个问题（agency）的 kind：应为以下之一",
        ),
    ],
)
def test_a_broken_bank_is_rejected_with_a_message(tmp_path: Path, change, message: str) -> None:
    data = yaml.safe_load(qs.default_bank_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(qs.BankError) as err:
        qs.load_bank(path)
    assert message in str(err.value)
    assert "问题库" in str(err.value)


@pytest.mark.parametrize("year", [2023, 2020])
def test_all_zero_agency_takes_25_answers_and_passes_checks(
    bank: qs.QuestionBank, year: int
) -> None:
    report = new_report(year)
    count = 2  # agency and year
    while (q := qs.next_question(bank, report)) is not None:
        text = {"gate": "否", "count": "0", "amount": "0", "choice": "1"}.get(q.kind, "")
        if q.id == "region":
            text = "浙江省湖州市某某县"
        report = qs.apply_answer(bank, report, q.id, text)
        count += 1
    assert count <= 25
    assert report.table3 == Table3()
    from draftbot.checks import check_report
    from draftbot.findings import has_errors

    assert not has_errors(check_report(report))


def test_progress_counts_applicable_questions_and_grows_when_a_gate_opens(
    bank: qs.QuestionBank,
) -> None:
    report = new_report()
    assert str(qs.progress(bank, report)) == "第 3/25 题"
    for text in ("1", "某省某市某县", "某县门户网站", "", ""):
        report = qs.apply_answer(bank, report, qs.next_question(bank, report).id, text)
    assert qs.next_question(bank, report).id == "t2_documents"
    closed = qs.progress(bank, report).total
    opened = qs.apply_answer(bank, report, "t2_documents", "是")
    assert qs.progress(bank, opened).total == closed + 2
    assert qs.next_question(bank, opened).id == "t2_regulations"


def test_gate_no_fills_zeros_and_skips_its_questions(bank: qs.QuestionBank) -> None:
    report = new_report()
    report = report.model_copy(
        update={"table3": Table3.model_validate({"granted": {"research": 2}})}
    )
    report = qs.apply_answer(bank, report, "t3_gate", "否")
    assert report.table3 == Table3()
    assert not any(q.gate == "t3_gate" for q in qs.applicable_questions(bank, report))
    assert report.interview.gates["t3_gate"] == "no"


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("3", 3),
        ("１２", 12),
        ("十万零三", 100003),
        ("两百零五", 205),
        ("无", 0),
        ("没有", 0),
        ("12件", 12),
        ("二百五", 250),
        ("一千二", 1200),
        ("两万三", 23000),
        ("1万2千", 12000),
        ("3.5万", 35000),
    ],
)
def test_count_answers_accept_numerals(bank: qs.QuestionBank, typed: str, saved: int) -> None:
    report = qs.apply_answer(bank, new_report(), "t2_licensing", typed)
    assert report.table2.licensing == saved
    assert qs.is_answered(report, "t2_licensing")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("-3", "应为不小于 0 的整数，收到“-3”"),
        ("abc", "应为不小于 0 的整数，收到“abc”"),
        ("3.5", "应为不小于 0 的整数，收到“3.5”"),
        ("十余件", "“十余件”是约数"),
        ("约20", "“约20”是约数"),
        ("三分之一", "“三分之一”是比例"),
        ("三四件", "“三四件”是约数"),
        ("十几", "“十几”是约数"),
        ("百分之三十", "“百分之三十”是比例"),
        ("三十二十", "“三十二十”不是规范的中文数字"),
        ("两两", "“两两”不是规范的中文数字"),
        ("", "此题需要回答"),
    ],
)
def test_bad_count_answers_name_the_cell_and_save_nothing(
    bank: qs.QuestionBank, typed: str, expected: str
) -> None:
    report = new_report()
    with pytest.raises(qs.AnswerError) as err:
        qs.apply_answer(bank, report, "t2_licensing", typed)
    message = str(err.value)
    assert expected in message
    assert message.startswith("表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量")


def test_amounts_keep_decimals_and_refuse_too_many(bank: qs.QuestionBank) -> None:
    report = qs.apply_answer(bank, new_report(), "t2_fees", "12.5")
    assert report.table2.fees_wan_yuan == Decimal("12.5")
    with pytest.raises(qs.AnswerError, match="最多保留 4 位小数"):
        qs.apply_answer(bank, report, "t2_fees", "1.23456")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("自然人 3，商业企业 1", {"natural_person": 3, "commercial": 1}),
        ("个人三件、律师一件", {"natural_person": 3, "legal_service": 1}),
        ("3 1 0 0 0 2", {"natural_person": 3, "commercial": 1, "other": 2}),
        ("0", {}),
        ("无", {}),
    ],
)
def test_table3_row_answers(bank: qs.QuestionBank, typed: str, expected: dict[str, int]) -> None:
    report = qs.apply_answer(bank, new_report(), "t3_gate", "是")
    report = qs.apply_answer(bank, report, "t3_granted", typed)
    row = report.table3.granted
    assert {c: getattr(row, c) for c in type(row).model_fields if getattr(row, c)} == expected


@pytest.mark.parametrize("typed", ["5", "3 1", "自然人 3 火星人 2"])
def test_table3_row_answers_that_cannot_be_split_are_refused(
    bank: qs.QuestionBank, typed: str
) -> None:
    report = qs.apply_answer(bank, new_report(), "t3_gate", "是")
    with pytest.raises(qs.AnswerError) as err:
        qs.apply_answer(bank, report, "t3_granted", typed)
    assert "自然人" in str(err.value)


def test_numbers_answers_fill_in_order_and_name_each_column(bank: qs.QuestionBank) -> None:
    report = qs.apply_answer(bank, new_report(), "t2_documents", "是")
    report = qs.apply_answer(bank, report, "t2_normative_documents", "3 1 25")
    counts = report.table2.normative_documents
    assert (counts.issued, counts.repealed, counts.in_force) == (3, 1, 25)
    with pytest.raises(qs.AnswerError) as err:
        qs.apply_answer(bank, report, "t2_normative_documents", "3 1")
    assert "本年制发件数、本年废止件数、现行有效件数" in str(err.value)
    with pytest.raises(qs.AnswerError) as err:
        qs.apply_answer(bank, report, "t2_normative_documents", "3 -1 25")
    assert "行政规范性文件 · 本年废止件数：应为不小于 0 的整数" in str(err.value)


def test_table4_block_answer_labelled(bank: qs.QuestionBank) -> None:
    report = qs.apply_answer(bank, new_report(), "t4_gate", "是")
    report = qs.apply_answer(bank, report, "t4_review", "维持 1，尚未审结 1")
    assert (report.table4.review.maintained, report.table4.review.pending) == (1, 1)


@pytest.mark.parametrize(
    ("question", "typed", "own_words", "foreign_words"),
    [
        ("t4_review", "维持 1，外部 3", "结果维持 1，结果纠正 2", "自然人"),
        ("t4_litigation_direct", "纠正 2 另有 1", "结果维持 1，结果纠正 2", "自然人"),
        ("t3_new_received", "自然人 3，外国人 2", "自然人 1，商业企业 2", "维持"),
    ],
)
def test_a_row_it_cannot_read_is_explained_with_the_rows_own_example(
    bank: qs.QuestionBank, question: str, typed: str, own_words: str, foreign_words: str
) -> None:
    report = qs.apply_answer(bank, new_report(), "t4_gate", "是")
    report = qs.apply_answer(bank, report, "t3_gate", "是")
    with pytest.raises(qs.AnswerError) as err:
        qs.apply_answer(bank, report, question, typed)
    message = str(err.value)
    assert f"如“{own_words}”" in message and foreign_words not in message, message
    assert "总计由本工具计算" in message


def test_a_typed_total_is_accepted_when_it_adds_up_and_refused_with_both_numbers_when_not(
    bank: qs.QuestionBank,
) -> None:
    report = qs.apply_answer(bank, new_report(), "t4_gate", "是")
    kept = qs.apply_answer(bank, report, "t4_review", "维持 1，纠正 2，总计 3")
    review = kept.table4.review
    assert (review.maintained, review.corrected, review.total) == (1, 2, None)
    with pytest.raises(qs.AnswerError) as err:
        qs.apply_answer(bank, report, "t4_review", "维持 1，总计 3")
    assert "表四 · 行政复议" in str(err.value)
    assert "总计写的是 3 件，各类相加是 1 件" in str(err.value)
    assert "自然人" not in str(err.value)
    row = qs.apply_answer(bank, report, "t3_gate", "是")
    row = qs.apply_answer(bank, row, "t3_new_received", "个人 4，企业 1，合计 5")
    assert (row.table3.new_received.natural_person, row.table3.new_received.commercial) == (4, 1)


def test_go_back_reopens_the_last_answer_and_keeps_its_value(bank: qs.QuestionBank) -> None:
    report = new_report()
    report = qs.apply_answer(bank, report, "level", "乡镇")
    report = qs.apply_answer(bank, report, "region", "某省某市某县某镇")
    report, question = qs.go_back(bank, report)
    assert question.id == "region"
    assert qs.next_question(bank, report).id == "region"
    assert report.meta.region == "某省某市某县某镇"
    assert qs.current_answer(question, report) == "某省某市某县某镇"
    report, question = qs.go_back(bank, report)
    assert question.id == "level"
    report, question = qs.go_back(bank, report)
    assert question is None  # agency and year are not undone


def test_going_back_to_a_gate_offers_its_answer_and_keeping_it_changes_nothing(
    bank: qs.QuestionBank,
) -> None:
    report = qs.apply_values(bank, new_report(), "t4_gate", {"table4.review.maintained": 1})
    report, question = qs.go_back(bank, report)
    assert question.id == "t4_gate"
    assert not qs.is_answered(report, "t4_gate")
    assert qs.current_answer(question, report) == qs.GATE_TEXT_LABEL
    kept = qs.keep_answer(bank, report, "t4_gate")
    assert kept.interview.gates["t4_gate"] == "text"
    assert kept.table4.review.maintained == 1
    changed = qs.apply_answer(bank, report, "t4_gate", "否")
    assert changed.table4.review.maintained == 0


def test_proactive_details_are_skipped_and_zero_when_nothing_was_published(
    bank: qs.QuestionBank,
) -> None:
    report = qs.apply_answer(bank, new_report(), "proactive_total", "0")
    ids = {q.id for q in qs.applicable_questions(bank, report)}
    assert not ids & {"proactive_categories", "policy_interpretations", "press_conferences"}
    assert report.facts.policy_interpretations == 0
    assert report.facts.press_conferences == 0
    report = qs.apply_answer(bank, report, "proactive_total", "215")
    assert "proactive_categories" in {q.id for q in qs.applicable_questions(bank, report)}
    report = qs.apply_answer(
        bank, report, "proactive_categories", "政策解读 6\n土地征收信息 四十八"
    )
    assert [(c.name, c.count) for c in report.facts.proactive_categories] == [
        ("政策解读", 6),
        ("土地征收信息", 48),
    ]


def test_lists_and_lines(bank: qs.QuestionBank) -> None:
    report = qs.apply_answer(bank, new_report(), "channels", "政府门户网站、政务新媒体，公开栏")
    assert report.facts.channels == ["政府门户网站", "政务新媒体", "公开栏"]
    report = qs.apply_answer(bank, report, "problems", "1. 栏目更新不及时\n2、解读形式单一")
    assert report.facts.problems == ["栏目更新不及时", "解读形式单一"]


def test_rectifications_typed_and_from_last_year(bank: qs.QuestionBank, examples_dir: Path) -> None:
    report = qs.apply_answer(bank, new_report(), "previous_problems", "答复文书不规范：制定范本")
    assert report.facts.previous_problems[0].problem == "答复文书不规范"
    assert report.facts.previous_problems[0].rectification == "制定范本"

    last = load_report(examples_dir / "busy-2023.yaml")
    rolled = start_from_previous(last)
    question = bank.get("previous_problems")
    assert "部分栏目信息更新不够及时" in qs.question_prompt(question, rolled)
    with pytest.raises(qs.AnswerError, match="上年共 2 个问题"):
        qs.apply_answer(bank, rolled, "previous_problems", "只写了一条")
    done = qs.apply_answer(bank, rolled, "previous_problems", "建立台账\n推出图文解读")
    assert [p.rectification for p in done.facts.previous_problems] == ["建立台账", "推出图文解读"]
    assert done.facts.previous_problems[0].problem == "部分栏目信息更新不够及时"


def test_dates_years_and_choices(bank: qs.QuestionBank) -> None:
    report = qs.apply_answer(bank, new_report(), "publish_date", "2024年1月20日")
    assert str(report.meta.publish_date) == "2024-01-20"
    with pytest.raises(qs.AnswerError, match="应为日期"):
        qs.apply_answer(bank, report, "publish_date", "明天")
    with pytest.raises(qs.AnswerError, match="请输入序号或名称"):
        qs.apply_answer(bank, report, "level", "9")
    assert qs.apply_answer(bank, report, "level", "2").meta.level.value == "乡镇（街道）"
    with pytest.raises(qs.AnswerError, match="统计年度：2018 年度的报告使用 2019 年以前的旧格式"):
        qs.create_report("某某县档案馆", "2018")
    assert qs.create_report("某某县档案馆", "二〇二〇").format_version == "2019"


def test_control_characters_are_refused(bank: qs.QuestionBank) -> None:
    with pytest.raises(qs.AnswerError, match="控制字符"):
        qs.apply_answer(bank, new_report(), "proactive_notes", "正常\x00文字")


def test_2019_reports_ask_the_2019_table_two(bank: qs.QuestionBank) -> None:
    report = new_report(2020)
    ids = [q.id for q in qs.applicable_questions(bank, report)]
    assert "t2v2019_documents" in ids and "t2_documents" not in ids
    report = qs.apply_answer(bank, report, "t2v2019_licensing", "是")
    report = qs.apply_answer(bank, report, "t2v2019_licensing_items", "10 -2 35")
    assert report.table2_2019.licensing.change == -2
    report = qs.apply_answer(bank, report, "t2v2019_procurement", "2 15.5")
    assert report.table2_2019.procurement.amount == Decimal("15.5")


def test_table_checks_name_the_rows_to_correct(bank: qs.QuestionBank) -> None:
    report = qs.apply_answer(bank, new_report(), "t3_gate", "是")
    report = qs.apply_answer(bank, report, "t3_new_received", "自然人 2")
    q = bank.get("t3_new_received")
    assert qs.finished_table(bank, report, q) is None  # more 表三 questions to come
    values = {"table3.new_received.natural_person": 2, "table3.granted.total": 2}
    report = qs.apply_values(bank, report, "t3_gate", values)
    findings = qs.table_findings(report, "表三")
    assert {f.code for f in findings} >= {"T3-01", "T3-03"}
    choices = qs.correction_questions(bank, report, "表三", findings)
    assert choices[0].id == "t3_granted"
    assert qs.current_answer(choices[0], report) == "总计 2（与分列合计 0 不符）"
    # the sentence gave 予以公开 only as a total: its split is the next question, not skipped
    assert qs.finished_table(bank, report, bank.get("t3_gate")) is None
    asked = [
        q.id for q in qs.applicable_questions(bank, report) if not qs.is_answered(report, q.id)
    ]
    assert [q for q in asked if q.startswith("t3_")] == ["t3_granted"]
    with pytest.raises(qs.AnswerError, match="这一行共 2 件，这里分列合计 1 件"):
        qs.apply_answer(bank, report, "t3_granted", "自然人 1")
    fixed = qs.apply_answer(bank, report, "t3_granted", "自然人 2")
    assert fixed.table3.granted.total is None
    assert qs.finished_table(bank, fixed, bank.get("t3_granted")) == "表三"
    assert qs.table_findings(fixed, "表三") == []


def test_values_outside_the_gate_are_refused(bank: qs.QuestionBank) -> None:
    with pytest.raises(qs.AnswerError, match="不属于"):
        qs.apply_values(bank, new_report(), "t4_gate", {"table3.granted.research": 1})


def test_existing_values_count_as_the_gate_answer(
    bank: qs.QuestionBank, examples_dir: Path
) -> None:
    report = load_report(examples_dir / "busy-2023.yaml")
    assert qs.current_answer(bank.get("t3_gate"), report) == "是"
    assert qs.current_answer(bank.get("t3_new_received"), report).startswith("自然人 22")
    kept = qs.keep_answer(bank, report, "t3_gate")
    assert kept.interview.gates["t3_gate"] == "yes"
    assert kept.table3 == report.table3


def test_invisible_characters_are_removed_from_numbers_and_refused_in_text(
    bank: qs.QuestionBank,
) -> None:
    report = qs.apply_answer(bank, new_report(), "t2_licensing", "1\u200b000")
    assert report.table2.licensing == 1000
    with pytest.raises(qs.AnswerError, match="方向字符"):
        qs.apply_answer(bank, report, "proactive_notes", "正常\u202e文字")


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("镇政府", "乡镇（街道）"),
        ("某某乡人民政府", "乡镇（街道）"),
        ("街道办事处", "乡镇（街道）"),
        ("县人社局", "县级部门"),
        ("县市场监督管理局", "县级部门"),
        ("县政府", "区县政府"),
        ("市财政局", "市级部门"),
        ("2", "乡镇（街道）"),
    ],
)
def test_the_level_takes_an_obvious_name(bank: qs.QuestionBank, typed: str, level: str) -> None:
    assert qs.apply_answer(bank, new_report(), "level", typed).meta.level.value == level


@pytest.mark.parametrize("typed", ["县", "局", "档案"])
def test_an_unclear_level_is_refused_with_every_choice_listed(
    bank: qs.QuestionBank, typed: str
) -> None:
    with pytest.raises(qs.AnswerError) as err:
        qs.apply_answer(bank, new_report(), "level", typed)
    assert all(f"{i}. {c}" in str(err.value) for i, c in enumerate(bank.get("level").choices, 1))


def test_each_front_end_gets_its_own_key_hints(bank: qs.QuestionBank) -> None:
    for question in bank.questions:
        web = qs.answer_format(question, terminal=False)
        for text in (question.prompt, question.help, web):
            assert "回车" not in text and "空行" not in text, (question.id, text)
        terminal = qs.answer_format(question)
        if qs.is_multiline(question):
            assert "可写多行，输入空行结束" in terminal, question.id
        if question.optional and question.kind != "gate":
            assert "直接回车跳过" in terminal and "可不填" in web, question.id
    assert "问题：整改情况" in qs.answer_format(bank.get("previous_problems"))


def test_findings_outside_the_tables_name_the_questions_that_ask_for_them(
    bank: qs.QuestionBank,
) -> None:
    from draftbot.findings import Finding

    report = new_report()
    on_date = Finding("M-01", "error", "发布日期晚于规定", paths=("meta.publish_date",))
    on_prose = Finding("P-01", "error", "正文数字不符", section="overview_intro")
    assert [q.id for q in qs.questions_for_findings(bank, report, [on_date])] == ["publish_date"]
    assert qs.questions_for_findings(bank, report, [on_prose]) == []
