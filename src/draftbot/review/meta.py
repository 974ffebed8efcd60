"""M-01 … M-03: the basic information printed in the preamble and closing gets the checks
prose gets. Placeholders (XX, ××, 【】…) are errors, a “无” where a web address or contact
belongs is an error (it would be printed as is), and a value that does not look like what
the line says is a warning.

`meta_value_problem` is also used when the value is typed as an answer (questions.py), so
the clerk hears about it at once.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Severity
from ..model import Report
from ..patterns import lazy
from .placeholders import GAP_RE, PLACEHOLDER_RE

# The printed label of each checked meta field, as in the export (基本信息 · …).
META_FIELDS: dict[str, str] = {
    "agency": "机关全称",
    "region": "所在行政区划",
    "website": "电子版下载网址",
    "contact": "联系方式",
}
NOTHING_WORDS = frozenset(
    {
        "无",
        "暂无",
        "没有",
        "没",
        "无网址",
        "无网站",
        "不详",
        "待定",
        "略",
        "空",
        "/",
        "-",
        "—",
        "n/a",
        "na",
        "none",
        "null",
    }
)
_DOMAIN = lazy(r"(?i)(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?")
_SITE_WORDS = ("网", "平台", "专栏", "公众号", "客户端")
_PHONE = lazy(r"\d[\d\s-]{5,}\d")


def meta_value_problem(name: str, value: str) -> tuple[str, Severity, str, str] | None:
    """(code, severity, message, hint) for a meta value that should not be printed, or None.

    `name` is a key of META_FIELDS; an empty value is not a problem here (export marks it
    （待填写）).
    """
    text = value.strip()
    if not text or name not in META_FIELDS:
        return None
    label = META_FIELDS[name]
    found = PLACEHOLDER_RE.search(text) or GAP_RE.search(text)
    if found:
        return (
            "M-01",
            "error",
            f"“{text}”中有未填写的占位内容“{found.group(0).strip()}”，会原样印在报告中",
            f"请把{label}中的占位符换成实际内容",
        )
    if name in ("website", "contact") and text.lower().strip("。.") in NOTHING_WORDS:
        return (
            "M-02",
            "error",
            f"填写为“{text}”，报告中会印成“……可以在{text}下载”之类的句子"
            if name == "website"
            else f"填写为“{text}”，报告中会原样印出",
            "请填写本机关发布年度报告的网站或栏目（如“某某县人民政府门户网站‘政府信息公开’专栏”）；"
            "还不知道可以先留空，导出时以“（待填写）”提示"
            if name == "website"
            else "请填写联系地址和电话；还不知道可以先留空，导出时以“（待填写）”提示",
        )
    if name == "website" and not _DOMAIN.search(text) and not any(w in text for w in _SITE_WORDS):
        return (
            "M-03",
            "warning",
            f"“{text}”看起来不是网址或网站名称",
            "应写读者能找到报告电子版的地方，如网址或“某某县人民政府门户网站‘政府信息公开’专栏”",
        )
    if name == "contact" and not _PHONE.search(text) and "@" not in text:
        return (
            "M-03",
            "warning",
            f"“{text}”中没有电话号码或电子邮箱",
            "联系方式一般写明联系部门、地址和电话，便于公众咨询",
        )
    return None


def check_meta(report: Report) -> Iterator[Finding]:
    """M-01 … M-03 for each printed basic-information field."""
    for name in META_FIELDS:
        problem = meta_value_problem(name, getattr(report.meta, name))
        if problem is not None:
            code, severity, message, hint = problem
            yield Finding(code, severity, message, hint, paths=(f"meta.{name}",))
