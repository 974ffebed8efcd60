"""The text toolkit (draftbot.text): quantities, clauses, sentences and years, where the old
copies disagreed."""

from __future__ import annotations

import re

import pytest

from draftbot.checks import check_report
from draftbot.questions import create_report
from draftbot.review import review_report
from draftbot.text import (
    clauses,
    find_numbers,
    refusal_reason,
    sentence_pieces,
    split_sentences,
    wrong_years,
)


def test_a_thousands_comma_is_one_number_and_no_clause_break() -> None:
    (mention,) = find_numbers("收到申请1,200件")
    assert (mention.text, mention.value) == ("1,200件", 1200)
    assert list(clauses("收到申请1,200件，其中个人3件")) == ["收到申请1,200件", "其中个人3件"]
    assert list(clauses("个人3,企业1")) == ["个人3", "企业1"]  # not a thousands comma


def test_negative_numbers_are_refused_but_ranges_are_not_negative() -> None:
    (mention,) = find_numbers("行政处罚：-3")
    assert mention.value is None and "不小于 0" in mention.error
    assert "不小于 0" in refusal_reason("-3")
    assert all(m.error == "" for m in find_numbers("2023-2024学年共举办3场"))


def test_a_lone_chinese_numeral_counts_only_as_the_answer() -> None:
    assert [m.value for m in find_numbers("行政许可：三")] == [3]
    assert find_numbers("做到统一") == []
    assert find_numbers("一是加强培训") == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [("十余件", "约数"), ("三分之一", "比例"), ("三十二十", "不是规范"), ("12", "")],
)
def test_refusal_reasons(text: str, reason: str) -> None:
    got = refusal_reason(text)
    assert (reason in got) if reason else got == ""


def test_sentences_and_lossless_pieces() -> None:
    prose = "本年共收到申请12件。其中个人10件；企业2件！\n下一步将加强培训"
    assert split_sentences(prose) == [
        "本年共收到申请12件。",
        "其中个人10件；",
        "企业2件！",
        "下一步将加强培训",
    ]
    assert split_sentences(prose, at_semicolons=False)[1] == "其中个人10件；企业2件！"
    assert "".join(sentence_pieces(prose)) == prose
    assert "".join(sentence_pieces(prose, at_newlines=True)) == prose
    assert sentence_pieces("甲。。乙") == ["甲。。", "乙"]


@pytest.mark.parametrize(
    ("sentence", "wrong"),
    [
        ("本年组织2019年度政务公开培训两次", [2019]),
        ("2022年，我局组织培训两次", [2022]),  # X-07 used to miss it: no 本年
        ("截至2022年底，累计公开文件300件", [2022]),
        ("本年培训较2022年增加两次", []),  # the drafter used to drop it: a comparison
        ("本年报告于2024年1月20日发布", []),  # the closing date in the following year
        ("本年将于2024年开展专项检查", []),  # a plan
        ("本年依据《2021年政务公开工作要点》开展工作", []),  # a title
        ("本年收到申请12件", []),
    ],
)
def test_wrong_years(sentence: str, wrong: list[int]) -> None:
    assert wrong_years(sentence, 2023) == wrong


def test_typed_facts_and_prose_agree_on_a_wrong_year() -> None:
    report = create_report("某某县档案馆", "2023")
    report.facts.supervision_notes = "2022年，我局组织政务公开培训两次。本年培训较2022年增加两次。"
    report.narrative.overview_supervision = report.facts.supervision_notes
    x07 = [f.message for f in check_report(report) if f.code == "X-07"]
    p02 = [f.message for f in review_report(report) if f.code == "P-02"]
    assert len(x07) == 1 and "2022年，我局组织政务公开培训两次" in x07[0]
    assert len(p02) == 1 and "2022年" in p02[0]


def test_one_rule_for_control_characters() -> None:
    from draftbot.drafting.cleanup import clean_model_text
    from draftbot.export import xml_safe_text as clean_for_word
    from draftbot.questions import AnswerError, apply_answer, load_bank
    from draftbot.text import without_control

    typed = "培训\x7f两次\x00。\ud800"
    assert without_control(typed) == "培训两次。"
    assert clean_model_text(typed) == "培训两次。"  # the surrogate was kept by the drafter
    text, findings = clean_for_word(typed, "正文")
    assert text == "培训两次。" and "U+007F" in findings[0].message  # DEL was kept by the export
    report = create_report("某某县档案馆", "2023")
    with pytest.raises(AnswerError, match="控制字符"):  # and accepted by the interview
        apply_answer(load_bank(), report, "proactive_notes", "培训\x7f两次")


# The drafter's and the material screen's own sentence regexes before they used `text`;
# kept here only as the oracle that the one splitter cuts exactly where they did.
_OLD_OFFLINE_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_OLD_MATERIAL_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*|[。！？!?；;]+")
_SENTENCE_SAMPLES = [
    "本年新收申请30件。予以公开13件！是否还有？",
    "开展业务培训3次；印发制度2项。",
    "。。开头就是句号，中间有分号；结尾没有标点",
    "我局坚持公开为常态；不公开为例外！！？结束",
    "Hello! 这是混合的文字? 还有半角;分号",
    "",
    "；；；",
    "一行\n两行。\n\n三行！",
]


@pytest.mark.parametrize("line", [s for sample in _SENTENCE_SAMPLES for s in sample.split("\n")])
def test_the_material_screen_cuts_lines_where_it_always_did(line: str) -> None:
    assert sentence_pieces(line) == _OLD_MATERIAL_SENTENCE.findall(line)
    assert "".join(sentence_pieces(line)) == line


@pytest.mark.parametrize("text", _SENTENCE_SAMPLES)
def test_the_offline_drafter_cuts_sentences_where_it_always_did(text: str) -> None:
    old = [s.strip() for s in _OLD_OFFLINE_SENTENCE.findall(text) if s.strip(" \t\u3000。；;")]
    assert split_sentences(text, at_semicolons=False) == old


def test_the_offline_drafter_keeps_sentences_and_drops_bare_mentions() -> None:
    from draftbot.drafting.offline import without_clauses

    text = "开展业务培训，完善制度；组织培训3次。\n加强培训！"
    assert without_clauses(text, "培训") == "完善制度；组织培训3次。"
    assert without_clauses("全年没有相关内容", "培训") == "全年没有相关内容。"
