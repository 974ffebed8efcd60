"""表二 规章 and 行政规范性文件 in the offline drafter's own words are read as their own rows
(trial fault 1): 废止规章1件 is the 规章 row's 废止, never the 行政规范性文件 row's, for every
level and every wording the drafter picks; a wrong 规章 figure is still caught."""

from __future__ import annotations

import pytest

from changed import example
from draftbot.claims import find_claims
from draftbot.drafting import offline
from draftbot.drafting.offline import draft_offline
from draftbot.model import AgencyLevel, Report
from draftbot.review.prose_vs_tables import check_prose_numbers

# (规章, 行政规范性文件) as (制发, 废止, 现行有效): each row alone, each with nothing repealed,
# and both together; the figures differ between the rows so that a sentence bound to the
# wrong row contradicts it.
ROWS = {
    "规章": ((2, 4, 30), (0, 0, 0)),
    "规章无废止": ((0, 0, 7), (0, 0, 0)),
    "规范性文件": ((0, 0, 0), (3, 1, 25)),
    "规范性文件无废止": ((0, 0, 0), (0, 0, 25)),
    "两行": ((2, 4, 30), (3, 1, 25)),
}
WORDINGS = range(10)  # the most shapes any of the drafter's choices has (（一）'s 表二 sentence)


def _report(level: AgencyLevel, rows: str) -> Report:
    regs, norms = ROWS[rows]
    keys = ("issued", "repealed", "in_force")
    return example(
        "busy-2023.yaml",
        meta__level=level.value,
        table2__regulations=dict(zip(keys, regs, strict=True)),
        table2__normative_documents=dict(zip(keys, norms, strict=True)),
    )


def _drafted(report: Report, wording: int, monkeypatch: pytest.MonkeyPatch) -> Report:
    """`report` with the offline draft in which every choice of sentence shape is option
    `wording` (modulo the number of options)."""
    monkeypatch.setattr(offline, "variant", lambda seed, key, count: wording % max(count, 1))
    texts = draft_offline(report)
    return report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})


def _p01(report: Report) -> list[str]:
    return [f.message for f in check_prose_numbers(report) if f.code == "P-01"]


@pytest.mark.parametrize("level", list(AgencyLevel), ids=lambda lv: lv.value)
@pytest.mark.parametrize("rows", list(ROWS))
def test_every_wording_of_table_two_documents_is_grounded(
    level: AgencyLevel, rows: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _report(level, rows)
    for wording in WORDINGS:
        drafted = _drafted(report, wording, monkeypatch)
        management = drafted.narrative.overview_management or ""
        assert _p01(drafted) == [], (wording, management)


def test_the_drafter_writes_the_rules_rows_in_the_management_part(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The property above is about real sentences: the 规章 figures are in the draft."""
    drafted = _drafted(_report(AgencyLevel.township, "两行"), 0, monkeypatch)
    management = drafted.narrative.overview_management or ""
    assert "废止规章4件" in management and "规章30件" in management, management


@pytest.mark.parametrize(
    ("wrong", "label"),
    [("废止规章4件", "规章 本年废止"), ("规章30件", "规章 现行有效")],
)
def test_a_wrong_rules_figure_is_named_as_the_rules_row(
    wrong: str, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    drafted = _drafted(_report(AgencyLevel.township, "两行"), 0, monkeypatch)
    management = drafted.narrative.overview_management or ""
    bad = management.replace(wrong, wrong.replace("4件", "5件").replace("30件", "31件"))
    report = drafted.model_copy(
        update={"narrative": drafted.narrative.model_copy(update={"overview_management": bad})}
    )
    messages = _p01(report)
    assert messages and all(label in m for m in messages), messages


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("本年废止规章1件，目前现行有效规章25件", ["regulations_repealed", "regulations_in_force"]),
        ("年内废止行政规范性文件2件", ["normative_repealed"]),
        ("截至年底，现行有效的规章共3件", ["regulations_in_force"]),
        ("截至年底现行有效行政规范性文件12件", ["normative_in_force"]),
    ],
)
def test_the_rows_own_words_name_the_row(text: str, subjects: list[str]) -> None:
    assert [c.subject for c in find_claims(text)] == subjects
