"""P-09: a sub-part of 一、总体情况 that holds only general wording and no concrete practice.

When the clerk reports nothing for （一）（三）（四）（五）, the offline drafter writes one short
true sentence (我局依照《条例》管理政府信息。) rather than a stock paragraph claiming work nobody
reported; this check makes the reviewer see it. A section counts as concrete when it has a
figure, a quoted name, or one of the practice words below (保密审查, 目录, 专栏, 培训 …).
（二）依申请公开 always states 表三's facts and is not checked here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..model import Report
from ..patterns import lazy
from ._text import drafted_sections

CODE = "P-09"
MESSAGE = "此部分只有通用表述，建议补充具体做法"
CHECKED: dict[str, str] = {
    "overview_proactive": "主动公开的其他情况（公开了哪些重点信息、政策解读的形式等）",
    "overview_management": "政府信息管理情况（如公开前保密审查、目录和指南更新、规范性文件清理）",
    "overview_platform": "政府信息公开平台建设情况（如门户网站专栏、政务新媒体、查阅点）",
    "overview_supervision": "监督保障情况（如培训次数和人数、考核、社会评议、责任追究）",
}
CONCRETE_WORDS = (
    "保密审查", "三审三校", "审查", "审核", "目录", "指南", "清理", "台账", "归档", "制度",
    "机制", "流程", "方案", "清单", "专人", "领导小组", "专栏", "栏目", "网站", "公众号",
    "微信", "微博", "客户端", "新媒体", "公开栏", "查阅点", "查阅室", "专区", "大厅", "热线",
    "广播", "电视", "报刊", "培训", "考核", "考评", "评议", "通报", "督查", "检查", "问责",
    "解读", "发布会", "图解", "视频", "回应", "整改", "规范性文件", "规章", "决定", "公示",
    "公告", "动态", "计划", "总结", "预算", "决算", "政务公开",
)  # fmt: skip
_FIGURE = lazy(r"\d|[一二两三四五六七八九十百千]+(?:件|条|次|场|人|个|项|期|篇|名)")


def is_generic(text: str) -> bool:
    """True when `text` has no figure, no quoted name and none of `CONCRETE_WORDS`."""
    if _FIGURE.search(text) or "“" in text:
        return False
    return not any(word in text for word in CONCRETE_WORDS)


def check_generic(report: Report) -> Iterator[Finding]:
    for key, text in drafted_sections(report.narrative):
        if key in CHECKED and is_generic(text):
            yield Finding(
                CODE,
                "warning",
                MESSAGE,
                f"请补充填报“{CHECKED[key]}”后重新起草本段，或直接在正文中写明本年的具体做法",
                section=key,
            )
