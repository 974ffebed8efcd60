"""P-07: drafted sections that leave out what they must contain.

Only sections with text are checked; an empty section is reported by the Word export as
（待起草）, not here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..model import Report
from ..patterns import lazy
from ._text import drafted_sections

CODE = "P-07"
# Sub-part of 一、总体情况 → (what it is about, words of which at least one must appear).
TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "overview_proactive": ("主动公开", ("主动公开", "公开", "发布")),
    "overview_on_request": ("依申请公开", ("申请",)),
    "overview_management": (
        "政府信息管理",
        ("管理", "审查", "审核", "目录", "清理", "规范性文件", "保密", "制度", "台账", "归档"),
    ),
    "overview_platform": (
        "政府信息公开平台建设",
        ("平台", "网站", "专栏", "栏目", "新媒体", "公众号", "公开栏", "客户端", "微博", "微信"),
    ),
    "overview_supervision": (
        "监督保障",
        ("监督", "考核", "考评", "培训", "评议", "责任", "督查", "检查", "问责", "领导小组"),
    ),
}
FEE_WORDS = ("信息处理费", "处理费", "收费", "收取", "费用")
PROBLEM_WORDS = (
    "问题", "不足", "不够", "不强", "不高", "不及时", "不完善", "不规范", "不到位", "有待",
    "欠缺", "薄弱", "滞后", "较少", "单一", "短板", "差距",
)  # fmt: skip
# Last year's problem as quoted in its rectification (上年报告提出的“……”问题): not a problem of
# this year's.
_LAST_YEARS = lazy(r"“[^”]*”(?:等)?(?:这[一个]?|的)?问题")
MEASURE_WORDS = (
    "措施", "改进", "整改", "加强", "完善", "建立", "健全", "推进", "落实", "提升", "强化",
    "规范", "下一步", "进一步",
)  # fmt: skip


def check_content(report: Report) -> Iterator[Finding]:
    for key, text in drafted_sections(report.narrative):
        if key in TOPICS:
            yield from _topic_finding(key, text)
        elif key == "other_matters" and _fee_due(report) and not _mentions(text, FEE_WORDS):
            yield _finding(
                key,
                "没有说明信息处理费的收取情况",
                "即使没有收取，也应写明，如“本年度未收取信息处理费”（国办函〔2020〕109号）",
            )
        elif key == "problems":
            yield from _problems_findings(text)


def _fee_due(report: Report) -> bool:
    """信息处理费 is reported from the 2021 format on (国办函〔2020〕109号 took effect in 2021);
    a report in the 2019 format (years 2019 and 2020) has nothing to say about it."""
    return report.format.info_fee


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _finding(key: str, message: str, hint: str) -> Finding:
    return Finding(CODE, "warning", message, hint, section=key)


def _topic_finding(key: str, text: str) -> Iterator[Finding]:
    topic, words = TOPICS[key]
    if not _mentions(text, words):
        yield _finding(
            key,
            f"这一部分没有写到{topic}的情况（未出现“{'”“'.join(words[:3])}”等词）",
            f"请在这一部分写明本年{topic}方面做了什么、结果如何",
        )


def _problems_findings(text: str) -> Iterator[Finding]:
    """五 names no problem of this year (last year's quoted problems do not count) or no
    measure. The offline drafter writes one forward-looking sentence, and no problem, when
    the clerk gave none and the data supports none: this finding asks for them."""
    if not _mentions(_LAST_YEARS.sub("", text), PROBLEM_WORDS):
        yield _finding(
            "problems",
            "没有写出具体存在的问题",
            "请至少写出一个本年工作中实际存在的问题，如“部分栏目更新不够及时”；经办人没有填写、"
            "数据也看不出问题时，离线起草只写一句改进打算，请补充填报“本年存在的问题”和"
            "“改进措施”后重新起草本段",
        )
    if not _mentions(text, MEASURE_WORDS):
        yield _finding(
            "problems",
            "没有写出改进措施",
            "请针对所列问题写明改进措施，如“建立栏目更新台账，明确责任科室和时限”",
        )
