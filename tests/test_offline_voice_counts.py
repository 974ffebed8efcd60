"""The offline drafter's wording as kinds (second reading): the voice of the level (列席 and
the meeting that studies the work named per level, no 科室 in a government's own words),
plural and majority words only where the count bears them out (均/件件/逐件/多数/少数 at counts
1, 2, 3 and many), the 建议提案 sentence with its subject and the F-04 check, 留言 办结 bound to
留言 for the claims check, connectors that do not chain, and the opening's grammar."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

import draftbot.drafting.offline as offline
from changed import changed, example
from draftbot.checks import check_report
from draftbot.drafting.offline import render_offline
from draftbot.model import Report
from draftbot.numbers import SHARE_WORDS_MIN, prose_share_words

ROUNDS = 18  # more than the largest number of variants of one choice
COUNTS = (1, 2, 3, 40)  # one, two, three, many


def every_variant(report: Report, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The report's offline texts with every `variant` choice forced to i (mod its count)."""
    for i in range(ROUNDS):
        monkeypatch.setattr(offline, "variant", lambda seed, key, count, i=i: i % max(count, 1))
        yield render_offline(report).texts
    monkeypatch.undo()


def _findings(report: Report, texts: dict[str, str]) -> list[Any]:
    drafted = changed(report, narrative=texts)
    return check_report(drafted)


# --- kind 5: plural and majority words by count -----------------------------------------------


def test_share_words_need_a_count_that_bears_them() -> None:
    assert prose_share_words(1, 1) == ""  # 均/全部 of one item is not said
    assert prose_share_words(2, 2) == "全部"
    assert prose_share_words(2, 3) == ""  # 「多数申请予以公开」 on 3 applications
    assert prose_share_words(1, 3) == ""
    assert prose_share_words(3, 5) == ""
    assert prose_share_words(SHARE_WORDS_MIN - 3, SHARE_WORDS_MIN) == "多数"
    assert prose_share_words(2, 40) == "少数"


@pytest.mark.parametrize("n", COUNTS)
def test_messages_all_answered_words_fit_the_count(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    report = example("busy-2023.yaml", facts__engagement={"messages": n, "messages_answered": n})
    for texts in every_variant(report, monkeypatch):
        platform = texts["overview_platform"]
        assert f"收到群众留言{n}件" in platform
        if n == 1:
            for word in ("件件", "均已", "全部办结"):
                assert word not in platform, platform


@pytest.mark.parametrize("granted", COUNTS)
def test_opened_share_words_only_on_enough_applications(
    granted: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """予以公开 `granted` of `granted` + 2: no 多数/少数/较高 share words on a handful."""
    total = granted + 2
    report = example(
        "busy-2023.yaml",
        table3={
            "new_received": {"natural_person": total},
            "granted": {"natural_person": granted},
            "unable_not_held": {"natural_person": 2},
        },
        table4={},
        previous_year=None,
    )
    for texts in every_variant(report, monkeypatch):
        text = texts["overview_on_request"]
        small = total < SHARE_WORDS_MIN
        for word in (
            "多数申请",
            "少数申请",
            "占多数",
            "公开比例较高",
            "公开比例较低",
            "公开比例过半",
            "大多是",
        ):
            assert not (small and word in text), (word, text)
        assert not re.search(r"(?<![0-9])1件[^。；，]{0,6}均", text), text


@pytest.mark.parametrize("corrected", (1, 2))
def test_one_corrected_case_is_not_reviewed_case_by_case(
    corrected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = example(
        "busy-2023.yaml",
        table4={"review": {"maintained": 1, "corrected": corrected}},
        facts__problems=[],
        facts__measures=[],
    )
    seen = ""
    for texts in every_variant(report, monkeypatch):
        seen += texts["problems"]
        if corrected == 1:
            assert "逐件复盘" not in texts["problems"]
    assert "复盘" in seen  # the measure is still said


def test_one_staff_is_not_mostly_part_time() -> None:
    report = example(
        "busy-2023.yaml",
        facts__organisation={"staff": 1},
        facts__problems=["政务公开工作人员多为兼职，业务能力有待提高"],
    )
    text = render_offline(report).texts["problems"]
    assert "多为兼职" not in text and "为兼职" in text


# --- kind 4: the voice of the level -----------------------------------------------------------


def _township(**changes: Any) -> Report:
    return example(
        "busy-2023.yaml",
        meta__agency="双桥镇人民政府",
        meta__level="乡镇（街道）",
        **changes,
    )


def test_township_attendees_name_its_own_meeting(monkeypatch: pytest.MonkeyPatch) -> None:
    report = _township(facts__engagement={"consultations": 2, "attendees": 6})
    seen = ""
    for texts in every_variant(report, monkeypatch):
        seen += texts["overview_proactive"]
        assert "常务会议" not in texts["overview_proactive"]
    assert "镇长办公会议" in seen and "6人次" in seen
    county = example("county-gov-2023.yaml", facts__engagement={"attendees": 6})
    assert "政府常务会议" in render_offline(county).texts["overview_proactive"]


@pytest.mark.parametrize(
    ("name", "level", "body"),
    [
        ("busy-2023.yaml", None, "召开局领导班子会议专题研究政务公开工作3次"),
        ("county-gov-2023.yaml", None, "县政府常务会议专题研究政务公开工作3次"),
        ("busy-2023.yaml", "双桥镇人民政府", "召开镇党政班子会议专题研究政务公开工作3次"),
        ("busy-2023.yaml", "凤山街道办事处", "召开街道党政班子会议专题研究政务公开工作3次"),
    ],
)
def test_study_meetings_name_the_body(
    name: str, level: str | None, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    changes: dict[str, Any] = {"facts__organisation": {"study_meetings": 3}}
    if level:
        changes.update(meta__agency=level, meta__level="乡镇（街道）")
    report = example(name, facts__supervision_notes="", **changes)
    for texts in every_variant(report, monkeypatch):
        assert body in texts["overview_supervision"], texts["overview_supervision"]


def test_a_government_drafter_never_says_keshi(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drafter's own words for a government (no clerk notes) name 部门, never 科室."""
    report = example(
        "county-gov-2023.yaml",
        **{f"facts__{k}_notes": "" for k in ("proactive", "on_request", "management")},
        facts__platform_notes="",
        facts__supervision_notes="",
        facts__other_matters="",
        facts__problems=[],
        facts__measures=[],
        facts__practices={},
    )
    for texts in every_variant(report, monkeypatch):
        assert "科室" not in "".join(texts.values())


# --- kind 6: engagement ------------------------------------------------------------------------


def test_proposals_sentence_has_its_subject_and_f04(monkeypatch: pytest.MonkeyPatch) -> None:
    report = example(
        "county-gov-2023.yaml",
        facts__engagement={"suggestions": 96, "cppcc_proposals": 131},
        facts__other_matters="",
    )
    for texts in every_variant(report, monkeypatch):
        other = texts["other_matters"]
        sentence = next(s for s in other.split("。") if "人大代表建议96件" in s)
        assert "县政府" in sentence and "143件" in sentence, other
        assert not other.startswith(("另外", "承办"))
    found = [f for f in check_report(report) if f.code == "F-04"]
    assert len(found) == 1 and found[0].severity == "warning" and "84" in found[0].message
    explained = changed(
        report, facts__other_matters="有84件建议提案的办理结果涉及国家秘密，未公开。"
    )
    assert not [f for f in check_report(explained) if f.code == "F-04"]
    whole = changed(report, facts__area__proposals=227)
    assert not [f for f in check_report(whole) if f.code == "F-04"]


def test_clerks_proposals_words_join_the_counted_line() -> None:
    report = example(
        "county-gov-2023.yaml",
        facts__engagement={"suggestions": 1},
        facts__area__proposals=None,
        facts__other_matters="承办的人大代表建议和政协提案均在规定时限内办结，办理结果已公开。",
    )
    other = render_offline(report).texts["other_matters"]
    assert "承办人大代表建议1件，在规定时限内办结，办理结果已公开" in other, other
    assert other.count("人大代表建议") == 1


@pytest.mark.parametrize("answered", (1, 39))
def test_answered_messages_are_read_as_messages_not_table3(
    answered: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """办结 alone is 表三's: the answered count stays bound to 留言, so the claims check finds
    nothing wrong with the drafted sentence and 表三's 办结 is not contradicted."""
    report = example(
        "busy-2023.yaml", facts__engagement={"messages": 40, "messages_answered": answered}
    )
    for texts in every_variant(report, monkeypatch):
        assert f"{answered}件" in texts["overview_platform"]
        assert "办结群众留言" not in texts["overview_platform"]
        wrong = [f for f in _findings(report, texts) if f.code == "P-01"]
        assert not wrong, (wrong, texts["overview_platform"])


# --- kinds 7, 8, 9 -----------------------------------------------------------------------------

_CONNECTOR = re.compile(r"(?:^|[。；])(同时|此外|另外|与此同时)，")


@pytest.mark.parametrize("name", ["busy-2023.yaml", "county-gov-2023.yaml"])
def test_connectors_do_not_chain_and_the_opening_reads(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = example(name)
    for texts in every_variant(report, monkeypatch):
        for key in ("overview_management", "overview_platform", "overview_supervision"):
            assert len(_CONNECTOR.findall(texts[key])) <= 1, texts[key]
        assert (
            not texts["other_matters"].startswith("另外") and "另外，" not in texts["other_matters"]
        )
        intro = texts["overview_intro"]
        for wrong in ("就数据而言", "而言", "经常性工作", "一是", "做好", "抓好"):
            assert wrong not in intro, (wrong, intro)
        assert not re.search(r"(?:我局|全县|县政府)还", intro), intro
        assert "未组织政务公开业务培训" not in texts["overview_supervision"]


def test_other_organisations_column_reads_naturally_and_is_grounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = example(
        "busy-2023.yaml",
        table3={
            "new_received": {"natural_person": 9, "other": 2},
            "granted": {"natural_person": 9, "other": 2},
        },
        table4={},
    )
    seen = ""
    for texts in every_variant(report, monkeypatch):
        seen += texts["overview_on_request"]
        assert "“其他”" not in texts["overview_on_request"]
        assert not [f for f in _findings(report, texts) if f.code == "P-01"]
    assert "其他法人或组织2件" in seen


def test_government_table2_says_whose_figures() -> None:
    report = example("county-gov-2023.yaml")
    text = render_offline(report).texts["overview_proactive"]
    assert "全县各级行政机关" in text
    assert not re.search(r"全县(?:全年|本年)?(?:印发|出台|制发|制定)", text), text


@pytest.mark.parametrize("staff", COUNTS)
@pytest.mark.parametrize("name", ["busy-2023.yaml", "county-gov-2023.yaml"])
def test_staff_words_fit_the_count_and_stay_grounded(
    staff: int, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One person is not 专兼职工作人员; the count stays bound to the staff for the claims check."""
    report = example(name, facts__organisation={"staff": staff}, facts__supervision_notes="")
    for texts in every_variant(report, monkeypatch):
        text = texts["overview_supervision"]
        assert f"{staff}名" in text, text
        assert ("专兼职" in text) == (staff > 1), text
        assert not [f for f in _findings(report, texts) if f.code == "P-01"], text
