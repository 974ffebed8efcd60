"""Issue 11, remaining gaps: a change written with its percentage (比上年减少8条、下降50%),
and 表三's sub-reason rows as claim subjects."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from draftbot.claims import SUB_ROWS, SubRow, claim_data, find_claims, ground, parts_over_totals
from draftbot.datafile import load_report
from draftbot.drafting.guard import ungrounded_claims
from draftbot.facts import build_fact_sheet
from draftbot.model import Report
from draftbot.review import review_report
from draftbot.tables import TABLE3_ROW_LABELS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


@pytest.fixture(scope="module")
def busy() -> Report:
    return load_report(ROOT / "examples" / "busy-2023.yaml")


def _halved(busy: Report) -> Report:
    """busy-2023 with last year's 主动公开 at 430: this year's 215 is a fall of 215, 50%."""
    assert busy.previous_year is not None
    previous = busy.previous_year.model_copy(update={"proactive_total": 430})
    return busy.model_copy(update={"previous_year": previous})


def _verdicts(report: Report, text: str) -> list[tuple[str, str]]:
    data = claim_data(report)
    return [(c.text, ground(c, data)) for c in find_claims(text)]


def _p01(report: Report, text: str) -> list[str]:
    narrative = report.narrative.model_copy(update={"overview_on_request": text})
    updated = report.model_copy(update={"narrative": narrative})
    return [f.message for f in review_report(updated) if f.code == "P-01"]


# --- a change and its percentage written together ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "主动公开政府信息215条，比上年减少215条、下降50%。",
        "主动公开政府信息215条，同比下降50%，减少215条。",
        "主动公开信息215条，较上年减少215条，降幅50%。",
    ],
)
def test_a_fall_equal_to_this_years_figure_is_grounded(busy: Report, text: str) -> None:
    report = _halved(busy)
    assert {verdict for _, verdict in _verdicts(report, text)} == {"grounded"}
    assert not ungrounded_claims(text, build_fact_sheet(report))
    assert _p01(report, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "主动公开政府信息215条，比上年增加35条、增长19.4%。",
        "主动公开政府信息215条，同比增长19.4%，增加35条。",
        "开展培训3次，比上年减少3次、下降50%。",
        "开展培训3次，同比下降50%，减少3次。",
        "开展培训3次，比上年增加1次、增长50%。",
    ],
)
def test_a_change_and_its_percentage_together_are_grounded(busy: Report, text: str) -> None:
    assert {verdict for _, verdict in _verdicts(busy, text)} == {"grounded"}
    assert not ungrounded_claims(text, build_fact_sheet(busy))
    assert _p01(busy, text) == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("主动公开政府信息215条，比上年减少215条、下降40%。", "40%"),
        ("主动公开政府信息215条，同比下降50%，减少200条。", "200"),
        ("主动公开政府信息215条，同比增长19.4%，增加36条。", "36"),
        ("主动公开政府信息215条，比上年增加35条、增长25%。", "25%"),
    ],
)
def test_a_wrong_change_or_percentage_is_still_caught(busy: Report, text: str, wrong: str) -> None:
    report = _halved(busy) if "减少" in text or "下降" in text else busy
    verdicts = dict(_verdicts(report, text))
    assert verdicts[wrong] == "contradicts"
    assert wrong in [item.text for item in ungrounded_claims(text, build_fact_sheet(report))]
    assert _p01(report, text)


def test_a_clause_of_only_a_change_verb_is_a_change_of_the_subject_before() -> None:
    claims = find_claims("主动公开政府信息215条，同比增长19.4%，增加35条。")
    assert [(c.text, c.subject, c.scope) for c in claims][-1] == ("35", "proactive_total", "同比")
    # 宣传展板 names no subject (公开栏 does since the area's notice boards: facts.area)
    other = find_claims("主动公开政府信息215条，增加宣传展板36个。")
    assert (other[-1].subject, other[-1].scope) == (None, "本年")


# --- 表三's reason rows as claim subjects ---------------------------------------------------

_GROUP_WORDS = {
    "denied": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "other_processing": "作其他处理",
}


def _report_with_rows(year: int) -> Report:
    """A report whose every reason row of 表三 holds its own value (row i: i + 2), so that a
    claim grounded against the wrong row is seen."""
    from draftbot.model import result_rows

    version = "2019" if year < 2021 else "2021"
    rows = [
        k for k in result_rows(version) if k.split("_")[0] in ("denied", "unable", "not", "other")
    ]
    table3 = {key: {"natural_person": index + 2} for index, key in enumerate(rows)}
    total = sum(index + 2 for index in range(len(rows)))
    table3["new_received"] = {"natural_person": total}
    return Report.model_validate(
        {"meta": {"agency": "某县某局", "report_year": year}, "table3": table3}
    )


def _row_sentences(row: SubRow, value: int) -> list[str]:
    """How clerks and models name the row: the reason before the group word (quoted or not),
    and the reason alone when its words name it on their own."""
    group = _GROUP_WORDS[row.group]
    reason = row.words[0] if row.words else row.with_group[0]
    out = [f"因“{reason}”{group}{value}件。", f"因{reason}{group}{value}件。"]
    if row.words:
        out += [f"{row.words[-1]}的申请{value}件。"]
    return out


def _value(report: Report, key: str) -> int:
    return report.table3.row(key).shown_total


@pytest.mark.parametrize("row", SUB_ROWS, ids=lambda r: r.key)
def test_each_reason_row_is_a_subject_in_the_2021_format(row: SubRow) -> None:
    report = _report_with_rows(2023)
    assert report.format_version == "2021"
    data = claim_data(report)
    right = _value(report, row.key)
    for text in _row_sentences(row, right):
        claims = find_claims(text)
        assert [(c.subject, ground(c, data)) for c in claims] == [(row.key, "grounded")], text
        assert _p01(report, text) == [], text
    for text in _row_sentences(row, right + 40):
        claims = find_claims(text)
        assert [(c.subject, ground(c, data)) for c in claims] == [(row.key, "contradicts")], text
        _group, leaf = TABLE3_ROW_LABELS[row.key]
        messages = _p01(report, text)
        assert len(messages) == 1 and leaf in messages[0] and f"为 {right}" in messages[0], text
        named = ungrounded_claims(text, build_fact_sheet(report))
        assert [item.text for item in named] == [str(right + 40)], text
        assert leaf in named[0].data


@pytest.mark.parametrize("row", SUB_ROWS, ids=lambda r: r.key)
def test_each_reason_row_is_a_subject_in_the_2019_format(row: SubRow) -> None:
    """2019 (试行) has the （三）–（五） reason rows, and （六）其他处理 as one row: a reason of
    （六） is grounded against that row."""
    report = _report_with_rows(2020)
    assert report.format_version == "2019"
    data = claim_data(report)
    key = row.key if row.group != "other_processing" else "other_processing"
    right = _value(report, key)
    for text in _row_sentences(row, right):
        assert [ground(c, data) for c in find_claims(text)] == ["grounded"], text
        assert _p01(report, text) == [], text
    for text in _row_sentences(row, right + 40):
        assert [ground(c, data) for c in find_claims(text)] == ["contradicts"], text
        messages = _p01(report, text)
        assert len(messages) == 1 and f"为 {right}" in messages[0], text


def test_a_reason_after_the_number_leaves_the_group_total(busy: Report) -> None:
    """无法提供8件，主要是本机关不掌握…: 8 is the group's total (7 are 不掌握, 1 另行制作)."""
    claims = find_claims("无法提供8件，主要是本机关不掌握相关政府信息。")
    assert [(c.text, c.subject) for c in claims] == [("8", "unable")]
    assert _p01(busy, "无法提供8件，主要是本机关不掌握相关政府信息。") == []


def test_parts_of_a_group_name_their_rows(busy: Report) -> None:
    text = "不予公开2件，其中保护第三方合法权益1件、属于四类过程性信息1件。"
    assert [c.subject for c in find_claims(text)] == [
        "denied",
        "denied_third_party",
        "denied_process_info",
    ]
    assert _p01(busy, text) == []
    wrong = "因“本机关不掌握”无法提供3件。"
    assert any("1.本机关不掌握相关政府信息为 7" in m for m in _p01(busy, wrong))


# --- kinds the held-out corpus revealed --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subject", "scope", "verdict"),
    [
        # a verb that is a subject, then the applications as its object
        ("全年办结依申请公开申请29件。", "done", "本年", "grounded"),
        ("全年办结政府信息公开申请32件。", "done", "本年", "contradicts"),
        # a reason clause before the group's clause
        ("由于申请内容本机关不掌握，无法提供7件。", "unable_not_held", "本年", "grounded"),
        ("由于申请内容本机关不掌握，无法提供8件。", "unable_not_held", "本年", "contradicts"),
        # a subject, then the change verb right before the number
        ("主动公开信息增加35条。", "proactive_total", "同比", "grounded"),
        ("主动公开信息增加30条。", "proactive_total", "同比", "contradicts"),
    ],
)
def test_kinds_of_the_held_out_corpus(
    busy: Report, text: str, subject: str, scope: str, verdict: str
) -> None:
    data = claim_data(busy)
    claim = find_claims(text)[-1]
    assert (claim.subject, claim.scope, ground(claim, data)) == (subject, scope, verdict)
    assert bool(_p01(busy, text)) == (verdict == "contradicts")


@pytest.mark.parametrize(
    ("text", "verdicts"),
    [
        ("主动公开信息由上年的180条上升至215条。", ["grounded", "grounded"]),
        ("主动公开信息由上年的180条上升至251条。", ["grounded", "contradicts"]),
        ("新收申请较上年的26件多了4件。", ["grounded", "grounded"]),
        ("新收申请较上年的26件多了6件。", ["grounded", "contradicts"]),
    ],
)
def test_a_figure_after_last_years_speaks_of_the_same_subject(
    busy: Report, text: str, verdicts: list[str]
) -> None:
    data = claim_data(busy)
    assert [ground(c, data) for c in find_claims(text)] == verdicts
    assert bool(_p01(busy, text)) == ("contradicts" in verdicts)


@pytest.mark.parametrize("text", ["组织入户走访六十余趟。", "收集意见建议八十则。"])
def test_more_measure_words_are_unexplained(busy: Report, text: str) -> None:
    named = ungrounded_claims(text, build_fact_sheet(busy))
    assert len(named) == 1
    assert _p01(busy, text)


@pytest.mark.parametrize(
    ("text", "subjects", "verdicts"),
    [
        ("部分公开的4件申请中，自然人3件、法律服务机构1件。",
         ["partially_granted", "partially_granted.natural_person", "partially_granted.legal_service"],
         ["grounded", "grounded", "grounded"]),
        ("部分公开的4件申请中，自然人4件。",
         ["partially_granted", "partially_granted.natural_person"], ["grounded", "contradicts"]),
        ("本年新收申请30件，其中自然人22件。", ["new_received", "natural_person"],
         ["grounded", "grounded"]),
    ],
)  # fmt: skip
def test_an_applicants_count_after_a_rows_count_is_that_rows_column(
    busy: Report, text: str, subjects: list[str], verdicts: list[str]
) -> None:
    data = claim_data(busy)
    claims = find_claims(text)
    assert [c.subject for c in claims] == subjects
    assert [ground(c, data) for c in claims] == verdicts
    messages = _p01(busy, text)
    assert bool(messages) == ("contradicts" in verdicts)
    if messages:
        assert "（二）部分公开" in messages[0] and "自然人为 3" in messages[0]


# --- parts against stated totals, read from the claims --------------------------------------


@pytest.mark.parametrize(
    ("text", "total", "parts"),
    [
        ("主动公开信息120条，其中工作动态80条、通知公告50条。", 120, [80, 50]),
        ("主动公开信息120条（其中工作动态80条、通知公告50条）。", 120, [80, 50]),
        ("主动公开信息120条，其中：工作动态80条；通知公告30条；人事信息20条。", 120, [80, 30, 20]),
        ("主动公开信息120条，其中，工作动态80条，通知公告50条。", 120, [80, 50]),
        ("收到申请三十件，自然人、企业分别为二十二件、十件。", 30, [22, 10]),
        ("收到申请３０件，其中自然人２２件、企业１０件。", 30, [22, 10]),
    ],
)
def test_parts_over_a_total_in_every_layout(text: str, total: int, parts: list[int]) -> None:
    (found,) = parts_over_totals(text)
    assert (found.total, [v for _, v in found.parts]) == (total, parts)


@pytest.mark.parametrize(
    "text",
    [
        "主动公开信息120条，其中工作动态80条、通知公告40条。",
        "主动公开信息120条（其中工作动态80条），通知公告50条。",
        "主动公开信息120条，其中工作动态80条；另发布通知公告50条。",
        "收到申请30件，其中自然人22件，另有上年结转20件。",
        "收到申请30件，自然人、企业分别为22件、8件。",
        "主动公开信息120条，其中工作动态80余条、通知公告50条。",
        "主动公开信息120条，较上年增加50条，增长80条。",
    ],
)
def test_no_parts_over_a_total_where_none_are_listed_beyond_it(text: str) -> None:
    assert parts_over_totals(text) == []


def test_parts_over_a_total_reach_the_review_and_the_guard(busy: Report) -> None:
    text = "本年共收到政府信息公开申请30件，自然人、商业企业分别为22件、10件。"
    messages = _p01(busy, text)
    assert any("22 + 10 = 32件，多于总数" in m for m in messages)
    named = [item.text for item in ungrounded_claims(text, build_fact_sheet(busy))]
    assert "10" in named


def test_the_held_out_corpus_is_measured_separately() -> None:
    """The held-out corpus (written before the engine was run on it) has its own numbers; the
    guard meets the goals on it (the review's misses are recorded in bench/results/)."""
    from claims_eval import GOAL_FALSE_ALARMS, GOAL_MISSES, HELDOUT, evaluate, load_corpus

    corpus = load_corpus(HELDOUT)
    assert len(corpus["legitimate"]) >= 60 and len(corpus["wrong"]) >= 40
    built = {e["text"] for e in load_corpus()["legitimate"] + load_corpus()["wrong"]}
    assert not built & {e["text"] for e in corpus["legitimate"] + corpus["wrong"]}
    result = evaluate(corpus)
    assert result.guard_false_alarms.rate <= GOAL_FALSE_ALARMS, result.guard_false_alarms.failed
    assert result.guard_misses.rate <= GOAL_MISSES, result.guard_misses.failed
    assert result.review_false_alarms.rate <= GOAL_FALSE_ALARMS, result.review_false_alarms.failed


# --- a count with no recognised subject (issue 11: unexplained whatever its measure word) ---


def _with_notes(report: Report, notes: str) -> Report:
    return report.model_copy(
        update={"facts": report.facts.model_copy(update={"platform_notes": notes})}
    )


@pytest.mark.parametrize(
    ("text", "wrong", "notes"),
    [
        ("在17个村设立公开栏。", "17", "在17个村设立政务公开栏"),
        ("接待来访群众580人次。", "580", "全年接待来访群众580人次"),
        ("更新办事指南64项。", "64", "更新办事指南64项"),
        ("印制宣传折页五千份。", "五千", "印制宣传折页5000份"),
    ],
)
def test_guard_and_review_ground_a_subjectless_count_only_by_the_clerks_text(
    busy: Report, text: str, wrong: str, notes: str
):
    assert [item.text for item in ungrounded_claims(text, build_fact_sheet(busy))] == [wrong]
    assert len(_p01(busy, text)) == 1
    typed = _with_notes(busy, notes)
    assert ungrounded_claims(text, build_fact_sheet(typed)) == []
    assert _p01(typed, text) == []


def test_the_clerks_number_with_another_measure_word_does_not_ground_a_count(busy: Report):
    typed = _with_notes(busy, "全年接待来访群众580人次")
    assert [
        item.text for item in ungrounded_claims("发放资料580份。", build_fact_sheet(typed))
    ] == ["580"]
    assert len(_p01(typed, "发放资料580份。")) == 1


def test_last_years_figure_grounds_a_subjectless_count_said_of_last_year(busy: Report):
    assert busy.previous_year is not None and busy.previous_year.proactive_total
    n = busy.previous_year.proactive_total
    claims = find_claims(f"上年设置宣传展板{n}个。")
    assert [(c.subject, c.scope) for c in claims] == [(None, "上年")]
    assert [ground(c, claim_data(busy)) for c in claims] == ["grounded"]
    other = find_claims(f"本年设置宣传展板{n}个。")  # the same number said of this year
    assert [ground(c, claim_data(busy)) for c in other] == ["unexplained"]
