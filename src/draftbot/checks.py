"""Arithmetic and consistency rules of the format (format-spec §7) → findings.

Each rule has a stable code, a severity, the data paths it concerns (`draftbot.findings`;
the printed location is rendered from them), a Chinese message with the actual numbers and a
hint of what to correct. Errors block export; warnings do not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

from .findings import Finding, Severity
from .formats import FORMATS, default_format_for
from .model import (
    APPLICANT_COLUMNS,
    ApplicantCounts,
    Report,
    beijing_today,
    iter_amount_and_count_cells,
    result_rows,
)
from .numbers import TYPED_BOUNDS, format_amount
from .review import review_report
from .tables import APPLICANT_LABELS, CASE_BLOCK_LABELS, TABLE3_ROW_LABELS
from .text import split_sentences, wrong_years

BALANCE_ROWS = ("new_received", "carried_over", "results_total", "carried_forward")
BALANCE_TOPIC = "勾稽关系"


Rule = Callable[[Report], Iterator[Finding]]
_RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    _RULES.append(fn)
    return fn


def check_report(report: Report) -> list[Finding]:
    """All table and consistency findings in table order, then the prose review (P-xx)."""
    return [finding for check in _RULES for finding in check(report)] + review_report(report)


def _col(name: str) -> str:
    return f"{APPLICANT_LABELS[name]}列"


# --- 表三 -------------------------------------------------------------------------------


def table3_awaits_entries(report: Report) -> bool:
    """表三 holds only the 上年结转 carried over from last year: nothing typed in it yet."""
    t3 = report.table3
    rows = ["new_received", "carried_forward", *result_rows(report.format_version)]
    untouched = all(t3.row(k).computed_total == 0 and t3.row(k).total is None for k in rows)
    return untouched and t3.results_total is None and t3.carried_over.shown_total > 0


@rule
def t3_01_balance(report: Report) -> Iterator[Finding]:
    """T3-01: per column, 一 + 二 = （七）总计 + 四.

    While 表三 holds only the carried-over applications (a report just started from last
    year's), one reminder says what is still to fill instead of an error per column; the
    export gate still refuses a formal document until the table balances.
    """
    t3, version = report.table3, report.format_version
    if table3_awaits_entries(report):
        yield table3_reminder(report, "warning")
        return
    for name in (*APPLICANT_COLUMNS, "total"):
        new, carried = t3.new_received.column(name), t3.carried_over.column(name)
        done = t3.results_column_total(version, name)
        forward = t3.carried_forward.column(name)
        if new + carried != done + forward:
            diff = abs(new + carried - done - forward)
            yield Finding(
                "T3-01",
                "error",
                f"{_col(name)}：新收 {new} + 上年结转 {carried} = {new + carried}，"
                f"但办理结果总计 {done} + 结转下年度 {forward} = {done + forward}，相差 {diff} 件",
                "第一项加第二项之和应等于第三项加第四项之和：请核对本列的新收、上年结转、"
                "各项办理结果和结转下年度的件数",
                paths=tuple(f"table3.{row}.{name}" for row in BALANCE_ROWS),
                topic=BALANCE_TOPIC,
            )


def table3_reminder(report: Report, severity: Severity) -> Finding:
    """T3-01 for a 表三 that holds only last year's carried-over applications."""
    carried = report.table3.carried_over
    parts = "、".join(
        f"{APPLICANT_LABELS[name]} {carried.column(name)} 件"
        for name in APPLICANT_COLUMNS
        if carried.column(name)
    )
    return Finding(
        "T3-01",
        severity,
        f"表三尚未填写：上年结转的 {carried.shown_total} 件申请（{parts}）"
        "还没有办理结果，也没有结转下年度",
        "请在表三填写本年新收的申请、各项办理结果和结转下年度的件数（可用引导填报）；"
        "填写后按列核对勾稽关系",
        # at the carried-over applications it is about
        paths=("table3.carried_over.total",),
        topic=BALANCE_TOPIC,
    )


@rule
def t3_03_row_totals(report: Report) -> Iterator[Finding]:
    """T3-03: per row, a stated 总计 equals the sum of the six applicant columns."""
    t3 = report.table3
    keys = ["new_received", "carried_over", *result_rows(report.format_version)]
    keys += ["results_total", "carried_forward"]
    for key in keys:
        row = t3.results_total if key == "results_total" else t3.row(key)
        if row is None or row.total is None or row.total == row.computed_total:
            continue
        parts = " + ".join(str(v) for v in row.values())
        yield Finding(
            "T3-03",
            "error",
            f"总计填写为 {row.total}，但六类申请人合计 {parts} = {row.computed_total}",
            "总计应等于自然人与五类法人或其他组织之和；可删去总计由工具自动计算",
            paths=(f"table3.{key}.total",),
        )


@rule
def t3_04_results_total(report: Report) -> Iterator[Finding]:
    """T3-04: per column, a stated （七）总计 equals the sum of the result rows."""
    t3, version = report.table3, report.format_version
    if t3.results_total is None:
        return
    computed = t3.computed_results_total(version)
    for name in (*APPLICANT_COLUMNS, "total"):
        stated = t3.results_total.column(name)
        if name == "total":
            expected = sum(t3.row(k).shown_total for k in result_rows(version))
        else:
            expected = computed.column(name)
        if stated != expected:
            yield Finding(
                "T3-04",
                "error",
                f"{_col(name)}：（七）总计填写为 {stated}，但（一）至（六）各项合计为 {expected}，"
                f"相差 {abs(stated - expected)} 件",
                "（七）总计应等于（一）予以公开至（六）其他处理各项之和；可删去由工具自动计算",
                paths=(f"table3.results_total.{name}",),
            )


@rule
def t3_rows_of_other_format(report: Report) -> Iterator[Finding]:
    """F-02: 表三 rows that do not exist in the report's format version hold numbers."""
    version = report.format_version
    for key in report.format.other_result_rows:
        row = report.table3.row(key)
        if row.computed_total or row.total:
            label = TABLE3_ROW_LABELS[key][1]
            yield Finding(
                "F-02",
                "error",
                f"本报告使用 {version} 格式，表三没有“{label}”这一行，但填写了 {row.shown_total} 件",
                "2019（试行）格式只有一行（六）其他处理（other_processing）；2021 格式分为三行"
                "（other_no_correction、other_no_fee_paid、other_other）。请移到对应的行",
                paths=(f"table3.{key}",),
            )


# --- 表四 -------------------------------------------------------------------------------


@rule
def t4_01_block_totals(report: Report) -> Iterator[Finding]:
    """T4-01: for each block, a stated 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    for block in CASE_BLOCK_LABELS:
        counts = getattr(report.table4, block)
        if counts.total is None or counts.total == counts.computed_total:
            continue
        yield Finding(
            "T4-01",
            "error",
            f"总计填写为 {counts.total}，但结果维持 {counts.maintained} + 结果纠正 {counts.corrected}"
            f" + 其他结果 {counts.other} + 尚未审结 {counts.pending} = {counts.computed_total}",
            "总计应等于四项之和；可删去总计由工具自动计算",
            paths=(f"table4.{block}.total",),
        )


# --- cross-year -------------------------------------------------------------------------


@rule
def x_01_carried_over(report: Report) -> Iterator[Finding]:
    """X-01: this year's 上年结转 equals last year's 结转下年度, per column."""
    previous = report.previous_year
    if previous is None or previous.carried_forward is None:
        return
    last: ApplicantCounts = previous.carried_forward
    now = report.table3.carried_over
    for name in (*APPLICANT_COLUMNS, "total"):
        if last.column(name) != now.column(name):
            yield Finding(
                "X-01",
                "warning",
                f"上年结转填写为 {now.column(name)} 件，但上年报告的结转下年度继续办理为 "
                f"{last.column(name)} 件",
                "本年的上年结转一般应等于上年报告的“四、结转下年度继续办理”；请核对其中一处",
                paths=(f"table3.carried_over.{name}",),
            )


@rule
def u_01_amount_units(report: Report) -> Iterator[Finding]:
    """U-01 (warning): a money value that looks entered in 元 where the field is in 万元, or
    the other way round (rules and thresholds in `draftbot.units`)."""
    from .units import unit_suspicions

    for s in unit_suspicions(report):
        yield Finding(
            "U-01",
            "warning",
            s.message(),
            f"请按{s.declared}填写；如确实是这个数，可忽略本提示",
            paths=(s.field,),
        )


@rule
def x_02_in_force(report: Report) -> Iterator[Finding]:
    """X-02 (warning): last in_force + issued − repealed ≈ this year's in_force."""
    previous, form = report.previous_year, report.format
    if previous is None or form.in_force_column is None:
        return
    for key, label in form.table2_rows("documents"):
        last = getattr(previous.in_force, key)
        if last is None:
            continue
        issued, repealed, in_force = form.documents(report, key)
        expected = last + issued - repealed
        if expected != in_force:
            yield Finding(
                "X-02",
                "warning",
                f"{label}：上年现行有效 {last} + 本年制发 {issued} - 本年废止 "
                f"{repealed} = {expected}，但本年现行有效填写为 {in_force}",
                "如有修订、失效或重新发布，相差属正常；否则请核对现行有效件数",
                paths=(form.table2_path(key, form.in_force_column),),
            )


# --- published reports (values kept as printed, design §7) ---------------------------------


@rule
def i_01_published_notes(report: Report) -> Iterator[Finding]:
    """I-01…I-03 (warnings): blank or `/` cells, missing rows, misprinted labels of a published report."""
    if report.source is None:
        return
    for path, note in report.source.notes.items():
        where = (path,)
        if note.kind == "absent_row":
            yield Finding(
                "I-02",
                "warning",
                "原报告的表格中没有这一行，按 0 计算",
                "官方格式要求列出每一行；起草新报告时请补上这一行（没有发生的填 0）",
                paths=where,
            )
        elif note.kind == "label":
            yield Finding(
                "I-03",
                "warning",
                f"原报告此栏印作“{note.printed}”，与官方格式的“{note.expected}”不一致，已按对应的栏目读取",
                "起草新报告时请使用官方格式的栏目名称",
                paths=where,
            )
        else:
            printed = f"“{note.printed}”" if note.printed else "空白"
            yield Finding(
                "I-01",
                "warning",
                f"原报告此格为{printed}，不是数字；核对时按 0 计算",
                "官方格式要求每格填写数字，没有发生的事项填 0；起草新报告时请填写",
                paths=where,
            )


@rule
def i_04_published_sizes(report: Report) -> Iterator[Finding]:
    """I-04 (warning): a published value beyond the bounds a clerk may type (kept as printed)."""
    if not report.is_published:
        return
    tables = [("table2", report.table2), ("table3", report.table3), ("table4", report.table4)]
    if report.table2_2019 is not None:
        tables.append(("table2_2019", report.table2_2019))
    for name, table in tables:
        for path, value in iter_amount_and_count_cells(table, name):
            if isinstance(value, Decimal):
                exponent = value.normalize().as_tuple().exponent
                too_many = isinstance(exponent, int) and -exponent > TYPED_BOUNDS.amount_decimals
                if value > TYPED_BOUNDS.max_amount or too_many:
                    yield Finding(
                        "I-04",
                        "warning",
                        f"原报告此格为 {format_amount(value)}，超出通常的金额范围或位数，已按原样保留",
                        "请与原报告核对；起草新报告时金额最多保留 "
                        f"{TYPED_BOUNDS.amount_decimals} 位小数",
                        paths=(path,),
                    )
            elif value > TYPED_BOUNDS.max_count:
                yield Finding(
                    "I-04",
                    "warning",
                    f"原报告此格为 {value}，超过通常的上限 {TYPED_BOUNDS.max_count}，已按原样保留",
                    "请与原报告核对是否多印了位数；若为全市（全省）汇总数字则属正常",
                    paths=(path,),
                )


@rule
def v_02_tables_of_other_format(report: Report) -> Iterator[Finding]:
    """V-02/V-03: a 表二 of the other format than the stated one (mixed formats)."""
    own = report.format
    for other in FORMATS.values():
        table = getattr(report, other.table2_field)
        if other is own or table is None:
            continue
        if not other.table2_optional and table == type(table)():
            continue  # an untouched default table
        if other.table2_optional:
            # only a published report gets here: the model refuses this for typed data
            yield Finding(
                "V-03",
                "warning",
                f"原报告使用 {own.phrase}，但表二仍是 {other.phrase}（新旧格式混用），"
                f"已按原样保留在 {other.table2_field}",
                f"起草新报告时请使用 {own.phrase}的表二",
                paths=("table2",),
            )
        else:
            yield Finding(
                "V-02",
                "warning" if report.is_published else "error",
                f"填写了 {other.phrase}的表二（{other.table2_field}），"
                f"但本报告使用 {own.phrase}，这张表不会导出",
                f"请把数字填到 {own.version} 格式的表二（{own.table2_field}），"
                f"或把 meta.format_version 改为 {other.version}",
                paths=("table2",),
            )


# --- meta and inputs ----------------------------------------------------------------------


@rule
def v_01_format_version(report: Report) -> Iterator[Finding]:
    """V-01: the format version fits the report year."""
    meta = report.meta
    expected = default_format_for(meta.report_year)
    if meta.format_version and meta.format_version != expected:
        yield Finding(
            "V-01",
            "error",
            f"{meta.report_year} 年度报告应使用 {expected} 格式，但指定了 {meta.format_version} 格式",
            "2019、2020 年度使用 2019（试行）格式，2021 年度起使用 2021 格式；"
            "可删去 format_version 由工具自动选择",
            paths=("meta.format_version",),
        )


@rule
def v_04_report_year(report: Report) -> Iterator[Finding]:
    """V-04: the 统计年度 is not after this year (Beijing time). The report on year Y is
    written in Y+1, so a later year is a typo; the model already refuses years before the
    first format (2019, formats.py) and before the 条例 (2008) with their own messages."""
    year, today = report.meta.report_year, beijing_today()
    if year > today.year:
        yield Finding(
            "V-04",
            "error",
            f"统计年度为 {year} 年，晚于今年（{today.year} 年）：这一年还没有开始，不能编制它的年度报告",
            f"统计年度是报告所统计的那一年，{year} 年度报告应在 {year + 1} 年初编制发布；"
            "请核对统计年度（一般为发布年份的上一年）",
            paths=("meta.report_year",),
        )


@rule
def x_04_publish_date(report: Report) -> Iterator[Finding]:
    """X-04: the publish date falls after the statistical year (normally in the next year)."""
    meta = report.meta
    date = meta.publish_date
    if date is None:
        return
    year_end = dt.date(meta.report_year, 12, 31)
    if date <= year_end:
        yield Finding(
            "X-04",
            "error",
            f"发布日期 {_cn_date(date)} 早于统计期结束（{meta.report_year}年12月31日）",
            f"{meta.report_year} 年度报告应在 {meta.report_year + 1} 年发布；请核对统计年度或发布日期",
            paths=("meta.publish_date",),
        )
    elif date.year > meta.report_year + 1:
        yield Finding(
            "X-04",
            "warning",
            f"发布日期 {_cn_date(date)} 晚于 {meta.report_year + 1} 年，"
            f"而统计年度为 {meta.report_year} 年",
            "年度报告一般应于次年 1 月 31 日前发布；请核对统计年度是否写错",
            paths=("meta.publish_date",),
        )


def _text_inputs(report: Report) -> Iterator[tuple[str, str]]:
    """(data path, text) of every free-text input of the facts."""
    facts = report.facts
    for name in ("proactive_notes", "on_request_notes", "management_notes", "platform_notes"):
        yield f"facts.{name}", getattr(facts, name)
    yield "facts.supervision_notes", facts.supervision_notes
    yield "facts.other_matters", facts.other_matters
    for i, text in enumerate(facts.problems):
        yield f"facts.problems.{i}", text
    for i, text in enumerate(facts.measures):
        yield f"facts.measures.{i}", text
    for i, item in enumerate(facts.previous_problems):
        yield f"facts.previous_problems.{i}.rectification", item.rectification


@rule
def x_07_year_in_inputs(report: Report) -> Iterator[Finding]:
    """X-07: a typed sentence presents another year as the report year (`text.wrong_years`)."""
    year = report.meta.report_year
    for path, text in _text_inputs(report):
        for sentence in split_sentences(text):
            sentence = sentence.rstrip("。；;！!？?")
            wrong = wrong_years(sentence, year)
            if wrong:
                shown = "、".join(f"{y}年" for y in wrong)
                yield Finding(
                    "X-07",
                    "warning",
                    f"“{sentence.strip()}”说的是本年，却写了 {shown}，而统计年度为 {year} 年",
                    "可能沿用了往年的文字；请改为本年度或删去年份",
                    paths=(path,),
                )


@rule
def x_05_fee_notices(report: Report) -> Iterator[Finding]:
    """X-05: applications dropped for unpaid fees need charge notices; collected ≤ billed."""
    fee = report.facts.info_fee
    unpaid = report.table3.other_no_fee_paid.shown_total
    if report.format.info_fee and unpaid > fee.notices_issued:
        yield Finding(
            "X-05",
            "warning",
            f"因逾期未缴费不再处理的申请有 {unpaid} 件，但填报的收费通知只有 {fee.notices_issued} 件",
            "只有发出收费通知的申请才可能因逾期未缴费而终止；请核对表三该行或信息处理费情况",
            paths=("table3.other_no_fee_paid.total", "facts.info_fee.notices_issued"),
        )
    if fee.collected_yuan > fee.notices_amount_yuan:
        yield Finding(
            "X-05",
            "warning",
            f"实际收取 {fee.collected_yuan} 元，多于收费通知总金额 {fee.notices_amount_yuan} 元",
            "实际收取的金额一般不超过收费通知的金额；请核对",
            paths=("facts.info_fee",),
        )


@rule
def f_01_proactive_categories(report: Report) -> Iterator[Finding]:
    """F-01: the listed categories of published items do not exceed the stated total."""
    facts = report.facts
    if facts.proactive_total is None or not facts.proactive_categories:
        return
    listed = sum(c.count for c in facts.proactive_categories)
    if listed > facts.proactive_total:
        parts = " + ".join(f"{c.name} {c.count}" for c in facts.proactive_categories)
        yield Finding(
            "F-01",
            "warning",
            f"分类合计 {parts} = {listed} 条，多于填报的主动公开总数 {facts.proactive_total} 条",
            "请核对总数或各分类条数",
            paths=("facts.proactive_total",),
        )


@rule
def f_03_count_given_twice(report: Report) -> Iterator[Finding]:
    """F-03: a fact count and a 主动公开 category of the same name (`claims.count_twins`:
    政策解读 8 beside a category “政策解读” of 6) hold different values."""
    from .claims import count_twins

    for twin in count_twins(report):
        if twin.fact == twin.listed:
            continue
        what = twin.label.removeprefix("填报的")
        yield Finding(
            "F-03",
            "warning",
            f"同一个数填了两个不同的值：{what}填的是 {twin.fact}，"
            f"主动公开分类“{twin.category}”填的是 {twin.listed} 条",
            f"请核对哪一个是对的，把另一处改成相同的数；正文只写{what}（{twin.fact}），"
            f"不再列出分类“{twin.category}”的条数",
            paths=(twin.path, "facts.proactive_categories"),
        )


def _cn_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


# Words of the clerk's 其他需要报告的事项 that explain why some 建议提案 results are not published.
_UNPUBLISHED_WHY = ("未公开", "不公开", "不予公开", "不宜公开", "涉密", "涉及国家秘密", "暂缓公开")


@rule
def f_04_proposals_published(report: Report) -> Iterator[Finding]:
    """F-04 (warning): fewer 建议提案 results published than 建议提案 handled, and the clerk's
    其他需要报告的事项 does not say why: the prose states both counts, and a reader asks about
    the rest."""
    facts = report.facts
    handled, published = facts.engagement.handled, facts.area.proposals
    if handled is None or published is None or published >= handled:
        return
    if any(word in facts.other_matters for word in _UNPUBLISHED_WHY):
        return
    yield Finding(
        "F-04",
        "warning",
        f"承办人大代表建议和政协提案共 {handled} 件，公开办理结果 {published} 件，"
        f"有 {handled - published} 件没有公开办理结果，也没有说明原因",
        "请核对这两个数；确有未公开的，在“其他需要报告的事项”中说明原因"
        "（如涉及国家秘密、办理结果不宜公开）",
        paths=(
            "facts.area.proposals",
            "facts.engagement.suggestions",
            "facts.engagement.cppcc_proposals",
        ),
    )
