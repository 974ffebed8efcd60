"""P-11: 五's problems and measures that do not fit each other or the data.

Three things a reviewer can decide exactly: the clerk entered a different number of problems
and measures (a problem left without a measure, or a measure answering nothing listed); a
measure of this year repeats what last year's problem was already reported as done
(上年问题的整改情况); a problem the tables or facts contradict (答复说理不充分 when every
application was granted in full, 未组织培训 with trainings reported, 未发布政策解读 with
interpretations reported, 未召开新闻发布会 with conferences reported). Last year's problems
quoted in 五 (上年报告提出的“……”问题) are not this year's and are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..facts import applications
from ..findings import Finding
from ..model import Report
from ..patterns import lazy
from ._text import drafted_sections, quote
from .copying import similarity

CODE = "P-11"
SECTION = "problems"
# review.copying.similarity of a measure to last year's rectification that makes it the same
SAME_MEASURE = 0.6
_QUOTED = lazy(r"“[^”]*”")
_ORDINAL = lazy(r"^(?:[一二三四五六七八九十]+是|[（(]?[一二三四五六七八九十\d]+[)）、.．])")
# (pattern of the problem, what in the data says otherwise, the fact's value) → message
_REASONING = lazy(
    r"说理[^。；，]{0,6}(?:不够?充分|不足|有待|欠缺)|理由[^。；，]{0,6}(?:不够?充分|不足)"
)
_NO_TRAINING = lazy(r"(?:未|没有)(?:组织|开展|举办)[^。；，]{0,10}培训|培训[^。；，]{0,4}没有开展")
_NO_INTERPRETATION = lazy(
    r"(?:未|没有)(?:发布|开展)[^。；，]{0,6}政策解读|政策解读[^。；，]{0,4}(?:工作)?没有开展"
)
_NO_PRESS = lazy(r"(?:未|没有)召开[^。；，]{0,4}新闻发布会|新闻发布会没有召开")


def repeats_fix(fixes: list[str], measure: str) -> bool:
    """Whether `measure` reads like one of `fixes` (last year's problems' rectifications,
    reported done this year): similarity at least `SAME_MEASURE`. The offline drafter uses it
    to choose no such measure."""
    return any(similarity(measure, fix.strip().rstrip("。")) >= SAME_MEASURE for fix in fixes)


def check_measures(report: Report) -> Iterator[Finding]:
    """P-11 findings on 五 (only when it has text)."""
    text = dict(drafted_sections(report.narrative)).get(SECTION)
    if not text:
        return
    yield from _counts(report)
    yield from _repeated_fixes(report, text)
    yield from _contradicted(report, text)


def _finding(message: str, hint: str) -> Finding:
    return Finding(CODE, "warning", message, hint, section=SECTION)


def _counts(report: Report) -> Iterator[Finding]:
    problems = [p for p in report.facts.problems if p.strip()]
    measures = [m for m in report.facts.measures if m.strip()]
    if problems and measures and len(problems) != len(measures):
        yield _finding(
            f"填报的本年问题{len(problems)}条、改进措施{len(measures)}条，数目不一致",
            "请核对每个问题是否都有对应的改进措施、每条措施是否都针对所列的问题；"
            "一条措施对应几个问题的，可以合并相应的问题",
        )


def _measure_clauses(report: Report, text: str) -> list[str]:
    """The measures entered, and the clauses of 五 outside the sentences that quote last
    year's problems (those state last year's rectification itself)."""
    clauses = [m.strip() for m in report.facts.measures if m.strip()]
    for sentence in re.split(r"(?<=。)", text):
        if _QUOTED.search(sentence):
            continue
        for clause in re.split(r"[；：\n]", sentence):
            clause = _ORDINAL.sub("", clause.strip(" 。"))
            if clause:
                clauses.append(clause)
    return clauses


def _repeated_fixes(report: Report, text: str) -> Iterator[Finding]:
    done = [p for p in report.facts.previous_problems if p.rectification.strip()]
    if not done:
        return
    told: set[str] = set()
    for clause in _measure_clauses(report, text):
        for item in done:
            fix = item.rectification.strip().rstrip("。")
            if fix in told or not repeats_fix([fix], clause):
                continue
            told.add(fix)
            yield _finding(
                f"改进措施{quote(clause)}与上年问题{quote(item.problem)}已报告完成的整改"
                f"{quote(fix)}相同",
                "上年已经做过的整改不宜再作为本年的改进措施；请写明本年针对所列问题的新措施，"
                "或说明上年的整改为何没有解决问题",
            )


def _contradicted(report: Report, text: str) -> Iterator[Finding]:
    own = _QUOTED.sub("", text)
    f, apps = report.facts, applications(report)
    checks = (
        (
            _REASONING,
            apps.done > 0 and apps.granted == apps.done,
            f"表三办结的{apps.done}件申请全部予以公开，没有需要说理的答复",
        ),
        (_NO_TRAINING, bool(f.training_sessions), f"填报本年组织培训{f.training_sessions}次"),
        (
            _NO_INTERPRETATION,
            bool(f.policy_interpretations),
            f"填报本年发布政策解读{f.policy_interpretations}条",
        ),
        (_NO_PRESS, bool(f.press_conferences), f"填报本年召开新闻发布会{f.press_conferences}场"),
    )
    for pattern, contradicted, fact in checks:
        found = pattern.search(own)
        if contradicted and found:
            yield _finding(
                f"所列问题{quote(found.group(0))}与数据不符：{fact}",
                "请删去数据不支持的问题，或核对表格和填报事实",
            )
