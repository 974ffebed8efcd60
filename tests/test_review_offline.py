"""No false alarms on our own text: the offline drafter's sections pass the prose review."""

from __future__ import annotations

from pathlib import Path

import pytest

from changed import example as _variant
from draftbot.datafile import load_report
from draftbot.drafting.offline import draft_offline
from draftbot.model import Report
from draftbot.review import review_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def _drafted(report: Report) -> Report:
    texts = draft_offline(report)
    return report.model_copy(update={"narrative": report.narrative.model_copy(update=texts)})


def _findings(report: Report) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity, f.location) for f in review_report(_drafted(report))]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_offline_draft_of_every_example_passes_the_review(name: str):
    report = load_report(EXAMPLES / name)
    assert all(_drafted(report).narrative.model_dump().values())  # every section drafted
    assert _findings(report) == []


@pytest.mark.parametrize(
    "report",
    [
        _variant("busy-2023.yaml", previous_year=None),
        _variant(
            "busy-2023.yaml",
            meta__level="市级部门",
            meta__region="浙江省湖州市",
            meta__agency="湖州市自然资源和规划局",
        ),
        _variant(
            "busy-2023.yaml",
            facts__info_fee={
                "notices_issued": 1,
                "notices_amount_yuan": 300,
                "collected_yuan": 200,
            },
        ),
        _variant(
            "errors-2020.yaml",
            meta__format_version=None,
            meta__publish_date="2021-01-20",
            facts__proactive_total=25,
            table2={},
            table2_2019={
                "normative_documents": {"made": 2, "published": 2, "total_public": 7},
                "licensing": {"previous_items": 3, "change": 1, "decisions": 40},
            },
        ),
    ],
    ids=["no-previous-year", "city-department", "fees-collected", "format-2019"],
)
def test_offline_draft_of_variants_passes_the_review(report: Report):
    assert _findings(report) == []


def test_offline_draft_without_facts_flags_each_general_sub_part():
    """Nothing reported for （一）（三）（四）（五）: one short sentence each, and P-09 so the
    reviewer sees it. No problem from the clerk and none the data supports: 五 gets one
    forward-looking sentence, no invented shortcoming, and P-07 asks for the problems."""
    report = _variant("seed-2022.yaml", facts={})
    findings = _findings(report)
    assert findings == [
        ("P-09", "warning", f"正文 · 一、总体情况 ·{part}")
        for part in (
            "（一）主动公开",
            "（三）政府信息管理",
            "（四）政府信息公开平台建设",
            "（五）监督保障",
        )
    ] + [("P-07", "warning", "正文 · 五、存在的主要问题及改进情况")]
    (problem,) = [f for f in review_report(_drafted(report)) if f.code == "P-07"]
    assert problem.message == "没有写出具体存在的问题"
    assert "本年存在的问题" in problem.hint
