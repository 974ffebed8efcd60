"""What a Chinese sentence claims about the report's numbers, and whether the data bears it out.

One text layer for the LLM guard (`drafting.guard`), the prose review (`review.prose_vs_tables`)
and their tests. `find_claims(text)` returns every quantity the text states, with

- its reading (`numbers.Reading`: value, exact or approximate, percent or not),
- the measure word after it (件、条、宗、封、户、位、处、册、倍 … any word: an unlisted measure
  word is still a quantity),
- its subject when the words before it name one (a cell or sum of cells of 表二/三/四, or a
  fact the clerk entered: see `SUBJECTS`), and whether that subject is certain (named right
  before the number) or only nearby,
- its scope: 本年 (default), 上年, 同比 (a year-on-year change), 占比 (a share), 累计/截至.

Numbers that are not quantities are recognised first and never become claims
(`non_quantities`): years and dates, the statistical period, document numbers of any issuer
in 〔〕 or [] brackets, 令第N号, article numbers and ordinals (第二十条, （一）, 一是, ①),
enumerations (三个方面, 以下两点), phone numbers, postcodes, hotlines (12345), statutory
periods (20个工作日, 60日内, 6个月内), numbers inside 《》 titles, web and mail addresses, and
fixed phrases (十四五, 二十大, 7×24小时, 一件事一次办, 最多跑一次, 100%).

`ground(claim, data)` says whether a claim is borne out by `ClaimData` (built from a `Report`
by `claim_data`): equal to its subject's value; a share or change computed from two data
quantities with the rounding the sentence uses; for a claim without subject, a value the data
holds. Approximate claims must bracket the value; they are never taken as exact.

Names the clerk chose (the 主动公开 categories with their counts, channels, named practices:
`declared_names`) are not table terms even when their words hold one: `bind_names` reads a
count written right after such a name as said of that name, so a category “行政处罚决定” of
35 条 is not 表二's 行政处罚 row, and two categories' counts swapped contradict each. The
review and the guard judge `bound_claims(find_claims(text), data)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Literal

from .model import Report, result_rows
from .numbers import NumberError, Reading, read_number
from .numbers import share_word_holds as share_holds
from .patterns import lazy as _lazy  # compiled on first use (issue 19)
from .tables import TABLE3_ROW_LABELS

Scope = Literal["本年", "上年", "同比", "占比", "累计"]
_CN = "零〇○一二两三四五六七八九十百千万亿"
_CN_DIGIT = "一二两三四五六七八九十"
_CIRCLED = {chr(0x2460 + i): str(i + 1) for i in range(20)}  # ① … ⑳
_MASK = "\u25a1"
# Traditional characters common in report prose → simplified, one for one, so that a model's
# traditional text is read (and flagged by the guard) rather than misread.
_PAIRS = (
    "這这個个們们來来時时為为國国與与說说對对會会過过還还開开關关發发經经務务資资處处辦办機机"
    "構构統统計计應应當当規规範范請请並并將将從从於于進进體体質质實实現现條条報报據据電电網网"
    "絡络護护權权總总數数單单審审議议訴诉訟讼結结轉转區区縣县鄉乡鎮镇劃划門门戶户專专欄栏項项"
    "場场讀读動动億亿萬万種种類类書书範范徵征後后臺台灣湾問问題题導导員员費费"
)
TRADITIONAL_TO_SIMPLIFIED = dict(
    zip(_PAIRS[0::2], _PAIRS[1::2], strict=True)
)  # □: same length, never a digit or a Chinese numeral

# --- non-quantities -----------------------------------------------------------------------

_N = rf"(?:\d+|[{_CN}]+)"
NON_QUANTITY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, _lazy(pattern))
    for kind, pattern in (
        ("网址或邮箱", r"(?:https?://|www\.)[\w./%?=&#:-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        ("书名", r"《[^《》]{0,60}》"),
        (
            "文号",
            r"[\u4e00-\u9fff]{0,16}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\d+\s*号",
        ),
        ("文号", r"[\u4e00-\u9fff]{0,12}令?第\s*\d+\s*号"),
        ("电话", r"(?<!\d)(?:0\d{2,3}[-－—]?)\d{7,8}(?:[-－—]\d{1,5})?(?!\d)"),
        ("电话", r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)[48]00[-－]?\d{3}[-－]?\d{4}(?!\d)"),
        ("邮编", r"(?:邮编|邮政编码)[:：\s]*\d{6}"),
        ("热线", r"(?<!\d)12\d{3}(?!\d)(?=[^。；;]{0,12}(?:热线|专线|服务电话|平台))"),
        (
            "热线",
            r"(?<!\d)(?:12345|12315|12320|12333|12348|12366|12369|12388|12390|110|119|120)(?=\s*(?:政务|便民|热线|服务|平台|专线|电话|等))|(?<!\d)(?:12345|12315|12366|12369|12388)(?!\d)",
        ),
        (
            "固定用语",
            r"7\s*[×xX*＊]\s*24\s*小时|[5５]\s*[×xX*＊]\s*8\s*小时|(?<![\d.])24\s*小时|一件事一次办|最多跑一次|一次都不跑|只进一扇门|一网通办|一网统管|一窗受理|一件事|一次性|一站式|一对一|一把手|一张网|一码通|一览表|一事一申请|三安全一稳定|两微一端|两个维护|四个意识|四个自信|两个确立|十[三四五六]五|二?十[一二三四五六七八九]?大|[十二]十?[一二三四五六七八九]?届[一二三四五六七八九]?中全会|第[一二三四五六七八九十]批|百分之百|(?<![\d.])100\s*[%％]|全覆盖",
        ),
        (
            "时间",
            r"(?:19|20)\d{2}\s*(?:[-—－~～至到]\s*(?:19|20)?\d{2}\s*)?(?=年)|[二][〇○零][一二三四五六七八九〇○零]{2}(?=年)",
        ),
        (
            "时间",
            rf"{_N}\s*月(?:份)?\s*(?:{_N}\s*[日号])?|(?<![\d{_CN}])\d{{1,2}}\s*日(?!内)(?=[^\d]|$)",
        ),
        ("时间", rf"{_N}\s*(?:个)?(?:季度|半年|周|小时|分钟|秒)"),
        (
            "法定期限",
            rf"{_N}\s*(?:个)?工作日(?:内)?|{_N}\s*(?:日|天|个月)内|(?<=延长)(?:答复期限)?{_N}\s*(?:日|天)|(?<=期限为){_N}\s*(?:日|天)",
        ),
        (
            "序号",
            rf"第\s*{_N}\s*(?:条|款|项|章|节|次会议|季度|批|届|号|名|部分|阶段|轮)?|[（(]\s*{_N}\s*[)）]|(?<![{_CN}])[{_CN_DIGIT}]+是(?=[^否])|其[一二三四五六七八九十]|[①-⑳]",
        ),
        (
            "枚举",
            rf"(?:以下|如下|下列|这|以上|主要有|包括)\s*{_N}\s*(?:个|项|点|类|方面|条)|{_N}\s*个\s*方面|{_N}\s*(?:个)?(?:环节|步骤|层级|维度)|[{_CN_DIGIT}]\s*(?:类|项)(?=[^\d]{{0,3}}(?:信息|内容|事项|工作|措施))",
        ),
    )
)
_LINE_NUMBERING = _lazy(rf"(?m)^\s*(?:\d+|[{_CN}]+)\s*(?:、|[.．](?!\d))")
# Words whose numeral characters are not numbers.
_NOT_NUMERAL_WORDS = (
    "十分", "百姓", "千万", "万一", "一些", "一直", "一般", "一起", "一定", "一道", "一致",
    "一体", "一方面", "一批", "一线", "一体化", "统一", "唯一", "进一步", "之一", "一贯",
    "千方百计", "万众", "一旦", "一律", "一并", "一同", "一切", "一体", "一站", "同一",
    "一手", "一把", "一步", "三番五次", "五花八门", "一级", "二级", "三级", "一类", "二类",
    "三类", "四类", "五类", "第一时间", "一网", "一门", "一窗", "一次性", "一号", "两级",
    "三级", "四级", "五级",
)  # fmt: skip


@dataclass(frozen=True)
class NonQuantity:
    kind: str  # 文号、电话、热线、法定期限、时间、序号、枚举、固定用语 …
    text: str
    start: int
    end: int


def non_quantities(text: str) -> list[NonQuantity]:
    """Every span of `text` whose numbers are not quantities, with its kind, in order."""
    found: list[NonQuantity] = []
    masked = text
    for kind, pattern in NON_QUANTITY_PATTERNS:
        for m in pattern.finditer(masked):
            if m.end() > m.start() and any(
                ch.isdigit() or ch in _CN or ch in _CIRCLED for ch in m.group(0)
            ):
                found.append(NonQuantity(kind, text[m.start() : m.end()], m.start(), m.end()))
        masked = pattern.sub(lambda m: _MASK * len(m.group(0)), masked)
    for m in _LINE_NUMBERING.finditer(masked):
        found.append(NonQuantity("序号", text[m.start() : m.end()], m.start(), m.end()))
    return sorted(found, key=lambda n: n.start)


def mask_non_quantities(text: str) -> str:
    """`text` with every non-quantity span replaced by □ (same length, same positions)."""
    chars = list(text)
    for span in non_quantities(text):
        chars[span.start : span.end] = _MASK * (span.end - span.start)
    masked = "".join(chars)
    for word in _NOT_NUMERAL_WORDS:
        masked = masked.replace(word, _MASK * len(word))
    return masked


# --- subjects -----------------------------------------------------------------------------

Values = Callable[[Report], tuple[int | Decimal, ...] | None]


@dataclass(frozen=True)
class Subject:
    """A quantity the prose may state: its key, its name in messages, the words that name it
    in prose (longest first wins), and the values the data allows (first one shown)."""

    key: str
    label: str
    words: tuple[str, ...]
    values: Values
    previous: Values | None = None  # last year's value, for 较上年 / 同比
    blocked_by: tuple[str, ...] = ()  # words right before the subject that change its meaning
    context: tuple[str, ...] = ()  # one of these must occur shortly before (自然人 → 申请)


def _rows_total(report: Report, prefix: str) -> int:
    rows = [k for k in result_rows(report.format_version) if k.startswith(prefix)]
    return sum(report.table3.row(k).shown_total for k in rows)


def _t3(name: str) -> Values:
    return lambda r: (getattr(r.table3, name).shown_total,)


def _applicant(column: str) -> Values:
    return lambda r: (r.table3.new_received.column(column),)


def _documents(key: str, column: int) -> Values:
    """表二 第二十条第（一）项 figure of row `key` in printed column `column` (0: the year's
    new documents; 1: 废止 / 新公开; 2: 现行有效 / 对外公开总数量), read as the format says."""
    return lambda r: (r.format.documents(r, key)[column],)


def _decisions(key: str) -> Values:
    """The year's 处理决定数量 of 表二 row `key`, read as the format says."""
    return lambda r: (r.format.decisions(r, key)[0],)


def _fee_amount(r: Report) -> tuple[int | Decimal, ...] | None:
    """表二 行政事业性收费 本年收费金额 (万元); None when the format has no such cell."""
    value = r.format.table2_value(r, "fees_wan_yuan")
    return None if value is None else (value,)


def _fact(name: str) -> Values:
    def values(r: Report) -> tuple[int, ...] | None:
        value = getattr(r.facts, name)
        return None if value is None else (value,)

    return values


def _previous(name: str) -> Values:
    def values(r: Report) -> tuple[int, ...] | None:
        value = getattr(r.previous_year, name) if r.previous_year else None
        return None if value is None else (value,)

    return values


def _case_outcome(case: str, column: str) -> Values:
    """表四 outcome `column` of 行政复议 (case "review") or of both 行政诉讼 blocks together
    (case "litigation": 未经复议直接起诉 + 复议后起诉)."""
    if case == "review":
        return lambda r: (getattr(r.table4.review, column),)
    return lambda r: (
        getattr(r.table4.litigation_direct, column)
        + getattr(r.table4.litigation_after_review, column),
    )


_T3 = "表三 "
_APPLICATION = ("申请",)
_REVIEW_VERBS = ("清理", "审查", "备案", "审核", "评估", "解读", "梳理", "合法性审查", "宣传")
SUBJECTS: tuple[Subject, ...] = (
    Subject(
        "new_received", "表三 一、本年新收政府信息公开申请数量（总计）",
        ("新收政府信息公开申请", "收到政府信息公开申请", "受理政府信息公开申请", "新收申请",
         "收到申请", "受理申请", "接到申请", "接收申请", "依申请公开申请", "新收", "申请数量",
         "公开申请"),
        # new, then new + carried over (allowed when the sentence says 含上年结转)
        lambda r: (r.table3.new_received.shown_total,
                   r.table3.new_received.shown_total + r.table3.carried_over.shown_total),
        previous=_previous("new_received_total"),
    ),
    Subject("carried_over", "表三 二、上年结转政府信息公开申请数量（总计）",
            ("上年结转政府信息公开申请", "上年结转的申请", "上年结转申请", "上年结转", "上年度结转",
             "上一年度结转", "上一年结转", "去年结转", "上年遗留"),
            _t3("carried_over")),
    Subject("natural_person", "表三 一、本年新收 · 自然人", ("自然人", "个人"),
            _applicant("natural_person"), context=_APPLICATION),
    Subject("commercial", "表三 一、本年新收 · 商业企业", ("商业企业", "企业"), _applicant("commercial"),
            context=_APPLICATION),
    Subject("research", "表三 一、本年新收 · 科研机构", ("科研机构",), _applicant("research"),
            context=_APPLICATION),
    Subject("social_welfare", "表三 一、本年新收 · 社会公益组织", ("社会公益组织", "公益组织"),
            _applicant("social_welfare"), context=_APPLICATION),
    Subject("legal_service", "表三 一、本年新收 · 法律服务机构", ("法律服务机构", "律师事务所", "律师"),
            _applicant("legal_service"), context=_APPLICATION),
    Subject("granted_or_partial", "表三（一）予以公开与（二）部分公开之和",
            ("予以公开及部分公开", "予以公开和部分公开", "予以公开与部分公开", "全部或部分公开",
             "全部公开和部分公开", "公开和部分公开"),
            lambda r: (r.table3.granted.shown_total + r.table3.partially_granted.shown_total,)),
    Subject("granted", _T3 + "（一）予以公开（总计）", ("予以公开", "全部公开", "同意公开"),
            _t3("granted")),
    Subject("partially_granted", _T3 + "（二）部分公开（总计）", ("部分公开", "区分处理"),
            _t3("partially_granted")),
    Subject("denied", _T3 + "（三）不予公开（合计）", ("不予公开",),
            lambda r: (_rows_total(r, "denied_"),)),
    Subject("unable", _T3 + "（四）无法提供（合计）", ("无法提供",), lambda r: (_rows_total(r, "unable_"),)),
    Subject("not_processed", _T3 + "（五）不予处理（合计）", ("不予处理",),
            lambda r: (_rows_total(r, "not_processed_"),)),
    Subject("other_processing", _T3 + "（六）其他处理（合计）", ("其他处理",),
            lambda r: (_rows_total(r, "other_"),)),
    Subject("done", _T3 + "（七）总计", ("办结", "办理完毕"),
            lambda r: (r.table3.results_column_total(r.format_version, "total"),),
            blocked_by=("按时", "依法")),
    Subject("carried_forward", "表三 四、结转下年度继续办理（总计）",
            ("结转下年度继续办理", "结转下一年度", "结转下年度", "结转下年", "结转至下年度",
             "结转到下年度", "继续办理", "结转至2", "结转到2", "正在办理"),
            _t3("carried_forward")),
    Subject("review", "表四 行政复议（总计）", ("行政复议",), lambda r: (r.table4.review.shown_total,)),
    Subject("litigation", "表四 行政诉讼（两类总计之和）", ("行政诉讼",),
            lambda r: (r.table4.litigation_direct.shown_total
                       + r.table4.litigation_after_review.shown_total,)),
    Subject("normative_repealed", "表二 行政规范性文件 本年废止件数",
            ("废止行政规范性文件", "废止规范性文件", "规范性文件废止", "废止"),
            _documents("normative_documents", 1),
            blocked_by=_REVIEW_VERBS),
    Subject("normative_in_force", "表二 行政规范性文件 现行有效件数",
            ("现行有效行政规范性文件", "现行有效规范性文件", "规范性文件现行有效", "现行有效"),
            _documents("normative_documents", 2)),
    Subject("normative_issued", "表二 行政规范性文件 本年制发件数",
            ("制发行政规范性文件", "印发行政规范性文件", "出台行政规范性文件", "制定行政规范性文件",
             "制发规范性文件", "印发规范性文件", "出台规范性文件", "制定规范性文件"),
            _documents("normative_documents", 0)),
    Subject("regulations_issued", "表二 规章 本年制发件数",
            ("制发规章", "印发规章", "出台规章", "制定规章"),
            _documents("regulations", 0)),
    # 规章's own 废止 / 现行有效 words, longer than the bare ones above: 废止规章1件 and 现行有效
    # 规章25件 are the 规章 row's, not the 行政规范性文件 row's (overview_management.j2)
    Subject("regulations_repealed", "表二 规章 本年废止件数",
            ("废止规章", "规章废止"), _documents("regulations", 1),
            blocked_by=_REVIEW_VERBS),
    Subject("regulations_in_force", "表二 规章 现行有效件数",
            ("现行有效规章", "现行有效的规章", "规章现行有效"), _documents("regulations", 2)),
    Subject("licensing", "表二 行政许可 本年处理决定数量", ("行政许可决定", "行政许可"),
            _decisions("licensing")),
    Subject("penalty", "表二 行政处罚 本年处理决定数量", ("行政处罚决定", "行政处罚"),
            _decisions("penalty")),
    Subject("coercion", "表二 行政强制 本年处理决定数量", ("行政强制决定", "行政强制措施", "行政强制"),
            _decisions("coercion")),
    Subject("fees", "表二 行政事业性收费 本年收费金额（万元）",
            ("行政事业性收费金额", "行政事业性收费", "收费金额"),
            _fee_amount),
    Subject("proactive_total", "填报的本年主动公开政府信息条数",
            ("主动公开政府信息", "主动公开政务信息", "主动公开各类信息", "主动公开信息", "主动公开"),
            _fact("proactive_total"), previous=_previous("proactive_total")),
    Subject("policy_interpretations", "填报的政策解读条数", ("政策解读",),
            _fact("policy_interpretations")),
    Subject("press_conferences", "填报的新闻发布会场次", ("新闻发布会",), _fact("press_conferences")),
    Subject("training_sessions", "填报的培训次数", ("培训",), _fact("training_sessions")),
    Subject("litigation_direct", "表四 行政诉讼 未经复议直接起诉（总计）",
            ("未经复议直接起诉", "直接起诉", "直接提起行政诉讼"),
            lambda r: (r.table4.litigation_direct.shown_total,)),
    Subject("litigation_after_review", "表四 行政诉讼 复议后起诉（总计）",
            ("复议后起诉", "经复议后起诉", "复议后提起行政诉讼"),
            lambda r: (r.table4.litigation_after_review.shown_total,)),
    *(
        Subject(f"{case}_{column}", f"表四 {what} {label}", words, _case_outcome(case, column),
                context=(what,))
        for case, what in (("review", "行政复议"), ("litigation", "行政诉讼"))
        for column, label, words in (
            ("maintained", "结果维持", ("结果维持", "维持")),
            ("corrected", "结果纠正", ("结果纠正", "纠正")),
            ("other", "其他结果", ("其他结果", "以其他方式结案")),
            ("pending", "尚未审结", ("尚未审结",)),
        )
    ),
)  # fmt: skip


def _answered(group: str, name: str) -> Values:
    """A count of `facts.<group>` (practices or area; None: not filled in, then not known)."""

    def values(r: Report) -> tuple[int, ...] | None:
        value = getattr(getattr(r.facts, group), name)
        return None if value is None else (value,)

    return values


def _practice(name: str) -> Values:
    """A count of `Practices`."""
    return _answered("practices", name)


# The practices' counts, each named by its own words, so that two of them swapped
# (政务新媒体账号14个、查阅点26个) contradict each; wordings as the offline drafter and
# clerks write them (prompts/offline/overview_platform.j2, overview_supervision.j2).
PRACTICE_SUBJECTS: tuple[Subject, ...] = (
    Subject("responses", "填报的回应社会关切次数", ("回应社会关切", "回应关切"),
            _practice("responses")),
    Subject("new_media_accounts", "填报的政务新媒体账号个数", ("政务新媒体账号", "新媒体账号"),
            _practice("new_media_accounts")),
    Subject("reading_points", "填报的政府信息公开查阅点（公开专区）个数",
            ("政府信息公开查阅点", "信息公开查阅点", "查阅点", "公开专区"),
            _practice("reading_points")),
    Subject("trained_people", "填报的参加政务公开培训人次", ("参训人员", "参训", "培训人员"),
            _practice("trained_people")),
    Subject("circulars", "填报的政务公开工作通报次数",
            ("通报政务公开工作", "政务公开工作通报", "工作通报"), _practice("circulars")),
    # 源头认定: the documents, then 其中认定为主动公开 (not 主动公开 alone: that is （一）'s 条数)
    Subject("attributed_documents", "填报的源头认定公开属性的公文件数",
            ("明确公开属性的公文", "认定公开属性的公文", "源头认定公文", "源头认定的公文",
             "公开属性认定", "源头认定"),
            _practice("attributed_documents")),
    Subject("attributed_public", "填报的认定为主动公开的公文件数",
            ("认定为主动公开的公文", "认定为主动公开", "列为主动公开", "属性为主动公开"),
            _practice("attributed_public")),
)  # fmt: skip


def _area_count(name: str) -> Values:
    """A count of `AreaWork`."""
    return _answered("area", name)


# The area's counts (facts.area: a government's or a 乡镇's), each named by its own words as
# the offline drafter writes them (村务、居务 rather than 村（居）务: a bracket ends the words
# a subject is looked for in) (prompts/offline/overview_proactive.j2, overview_platform.j2).
AREA_SUBJECTS: tuple[Subject, ...] = (
    Subject("proposals", "填报的公开建议提案办理结果件数",
            ("建议提案办理结果", "政协提案办理结果", "提案办理结果", "政协提案办理复文",
             "提案办理复文"),
            _area_count("proposals")),
    Subject("open_days", "填报的政府开放日活动次数",
            ("政府开放日活动", "政府开放日", "开放日活动", "开放日"), _area_count("open_days")),
    Subject("gazette_issues", "填报的政府公报期数", ("编印政府公报", "政府公报"),
            _area_count("gazette_issues")),
    Subject("gazette_documents", "填报的政府公报刊登文件件数",
            ("政府公报刊登文件", "刊登文件", "刊登"), _area_count("gazette_documents")),
    Subject("villages", "填报的开展村（居）务公开的村（社区）个数",
            ("开展村务、居务公开的村居", "居务公开覆盖村居", "村居"),
            _area_count("villages")),
    Subject("notice_boards", "填报的政务公开栏、村（居）务公开栏个数",
            ("村务公开栏", "政务公开栏", "公开栏"), _area_count("notice_boards")),
    # 议题 beside 常务会议 (study_meetings' word) and 列席 (attendees'): the topics' own words
    Subject("meeting_topics", "填报的政府常务会议议题公开、解读个数",
            ("常务会议议题", "会议议题", "议题"), _area_count("meeting_topics")),
    Subject("site_checks", "填报的政府网站和政务新媒体监测检查次数",
            ("监测检查", "常态化监测", "抽查检查"), _area_count("site_checks")),
    Subject("site_problems_fixed", "填报的监测检查发现并整改的问题个数",
            ("发现并整改问题", "督促整改问题", "整改问题"), _area_count("site_problems_fixed")),
    # 关停整合 政务新媒体账号 is not the accounts run (new_media_accounts: 政务新媒体账号)
    Subject("accounts_closed", "填报的关停整合政务新媒体账号个数",
            ("关停整合政务新媒体账号", "关停整合新媒体账号", "关停政务新媒体账号",
             "整合政务新媒体账号", "关停整合"),
            _area_count("accounts_closed")),
    Subject("covered_departments", "汇总报告汇总的部门报告个数", ("汇总部门报告",),
            _area_count("covered_departments")),
    Subject("covered_townships", "汇总报告汇总的乡镇（街道）报告个数", ("汇总乡镇报告",),
            _area_count("covered_townships")),
)  # fmt: skip


def _engagement_count(name: str) -> Values:
    """A count of `Engagement`."""
    return _answered("engagement", name)


def _handled(r: Report) -> tuple[int, ...] | None:
    """承办的人大代表建议和政协提案之和 (when both are given)."""
    total = r.facts.engagement.handled
    return None if total is None else (total,)


# 决策公开、政民互动和建议提案办理 (facts.engagement), each named by its own words as the offline
# drafter writes them (prompts/offline/overview_proactive.j2, overview_platform.j2,
# other_matters.j2): a count said of the wrong one (征求意见 as 列席 人次, 建议 as 提案)
# contradicts it. 办结 alone is 表三's; the answered messages are 办结群众留言 / 答复留言.
ENGAGEMENT_SUBJECTS: tuple[Subject, ...] = (
    Subject("consultations", "填报的公开征求意见的重大行政决策、政策文件草案项数",
            ("公开征求意见", "征求意见", "征求公众意见", "征求社会意见"),
            _engagement_count("consultations")),
    Subject("attendees", "填报的邀请列席政府常务会议人次",
            ("列席政府常务会议", "列席常务会议", "列席会议", "列席"),
            _engagement_count("attendees")),
    Subject("messages", "填报的收到群众留言件数",
            ("收到群众留言", "群众留言", "网民留言", "留言"), _engagement_count("messages")),
    Subject("messages_answered", "填报的办结（答复）群众留言件数",
            ("办结群众留言", "答复群众留言", "办结留言", "答复留言", "留言办结", "已办结答复"),
            _engagement_count("messages_answered")),
    # 12345 热线 (masked as a number: the words after it name the subject), 在线访谈, and the
    # posts of the 新媒体 accounts: 发布信息 is theirs only with 新媒体 just before (运营政务新媒体
    # 账号26个，全年发布信息3100条), never 主动公开's (主动公开政府信息3100条 is the total's).
    Subject("hotline_cases", "填报的12345政务服务便民热线受理群众诉求件数",
            ("政务服务便民热线", "便民热线", "服务热线", "热线转办件", "热线工单", "热线诉求",
             "热线"), _engagement_count("hotline_cases")),
    Subject("interviews", "填报的在线访谈、网上访谈期数",
            ("在线访谈", "网上访谈", "访谈节目", "访谈", "政民互动直播", "直播"),
            _engagement_count("interviews")),
    Subject("new_media_posts", "填报的政务新媒体全年发布信息条数",
            ("政务新媒体发布信息", "新媒体发布信息", "新媒体平台发布信息", "发布信息", "推送信息"),
            _engagement_count("new_media_posts"), context=("新媒体",)),
    Subject("suggestions", "填报的承办人大代表建议件数",
            ("承办人大代表建议", "人大代表建议", "代表建议"), _engagement_count("suggestions")),
    Subject("cppcc_proposals", "填报的承办政协提案件数",
            ("承办政协提案", "政协提案", "委员提案"), _engagement_count("cppcc_proposals")),
)  # fmt: skip
# 承办建议和提案的合计 (人大代表建议和政协提案共83件): said of both, it is their sum.
HANDLED_SUBJECT = Subject(
    "proposals_handled", "填报的承办人大代表建议和政协提案合计件数",
    ("人大代表建议和政协提案", "人大代表建议、政协提案", "建议和提案", "建议提案"), _handled,
)  # fmt: skip


def _organisation_count(name: str) -> Values:
    """A count of `Organisation`."""
    return _answered("organisation", name)


# How the work is organised (facts.organisation, every level): the staff and the study
# meetings, named as the offline drafter writes them (专兼职 rather than 专（兼）职: a bracket
# ends the words a subject is looked for in, so 职工作人员 names the staff after 专（兼）)
# (prompts/offline/overview_supervision.j2). Staff given in parts (专职2名、兼职2名) are not
# the total the clerk gave, and are flagged.
ORGANISATION_SUBJECTS: tuple[Subject, ...] = (
    Subject("staff", "填报的专兼职工作人员名数",
            ("专兼职工作人员", "专职工作人员", "兼职工作人员", "专兼职人员", "政务公开工作人员",
             "职工作人员"),
            _organisation_count("staff")),
    Subject("plan_tasks", "填报的年度工作要点任务项数",
            ("分解任务", "列出任务", "明确任务", "工作要点任务"),
            _organisation_count("plan_tasks")),
    Subject("plan_tasks_done", "填报的年度工作要点已完成任务项数",
            ("完成任务", "年底前完成"), _organisation_count("plan_tasks_done")),
    Subject("study_meetings", "填报的专题研究政务公开工作次数",
            ("专题研究政务公开工作", "专题研究政府信息公开工作", "专题研究", "常务会议",
             "班子会议", "党组会议"),
            _organisation_count("study_meetings")),
)  # fmt: skip
SUBJECTS = (
    SUBJECTS
    + PRACTICE_SUBJECTS
    + AREA_SUBJECTS
    + ENGAGEMENT_SUBJECTS
    + (HANDLED_SUBJECT,)
    + ORGANISATION_SUBJECTS
)
# A count of people said of a subject counted in sessions is the people's (培训320人次).
_BY_UNIT = {
    ("training_sessions", "人次"): "trained_people",
    ("training_sessions", "人"): "trained_people",
}
_WORDS = sorted(((w, s) for s in SUBJECTS for w in s.words), key=lambda p: -len(p[0]))


@dataclass(frozen=True)
class SubRow:
    """A reason row of 表三 三、本年度办理结果 (（三）1. … （六）3.): its row key, the group
    subject it belongs to, the words that name it on their own (属于国家秘密, 重复申请) and
    the words that name it only together with its group (因信访举报不予处理: 信访)."""

    key: str
    group: str
    words: tuple[str, ...]
    with_group: tuple[str, ...] = ()


# Row keys and labels as in `tables.TABLE3_ROW_LABELS`; the short forms are the ones clerks
# and models write (因“本机关不掌握”无法提供3件, 属于国家秘密不予公开1件, 重复申请2件).
SUB_ROWS: tuple[SubRow, ...] = (
    SubRow("denied_state_secret", "denied", ("属于国家秘密", "涉及国家秘密", "国家秘密")),
    SubRow("denied_law_prohibited", "denied",
           ("其他法律行政法规禁止公开", "法律行政法规禁止公开", "法律法规禁止公开"),
           ("禁止公开",)),
    SubRow("denied_three_security_one_stability", "denied",
           ("三安全一稳定", "危及国家安全、公共安全、经济安全和社会稳定"),
           ("危及国家安全", "社会稳定")),
    SubRow("denied_third_party", "denied",
           ("保护第三方合法权益", "损害第三方合法权益", "第三方合法权益"), ("第三方",)),
    SubRow("denied_internal_affairs", "denied", ("三类内部事务信息", "内部事务信息"),
           ("内部事务",)),
    SubRow("denied_process_info", "denied", ("四类过程性信息", "过程性信息")),
    SubRow("denied_enforcement_file", "denied", ("行政执法案卷", "执法案卷")),
    SubRow("denied_admin_query", "denied", ("行政查询事项",), ("行政查询",)),
    SubRow("unable_not_held", "unable",
           ("本机关不掌握相关政府信息", "不掌握相关政府信息", "本机关不掌握", "不掌握",
            "未掌握", "非本机关掌握")),
    SubRow("unable_need_creation", "unable",
           ("没有现成信息需要另行制作", "没有现成信息", "需要另行制作", "另行制作")),
    SubRow("unable_unclear_after_correction", "unable",
           ("补正后申请内容仍不明确", "申请内容仍不明确", "仍不明确"), ("不明确",)),
    SubRow("not_processed_petition", "not_processed",
           ("信访举报投诉类申请", "信访举报投诉类", "信访举报投诉"), ("信访", "举报", "投诉")),
    SubRow("not_processed_repeat", "not_processed", ("重复申请",)),
    SubRow("not_processed_publication", "not_processed", ("要求提供公开出版物", "公开出版物"),
           ("出版物",)),
    SubRow("not_processed_massive", "not_processed",
           ("无正当理由大量反复申请", "大量反复申请", "大量反复")),
    SubRow("not_processed_confirm", "not_processed",
           ("要求行政机关确认或重新出具已获取信息", "确认或重新出具", "重新出具"), ("确认",)),
    SubRow("other_no_correction", "other_processing",
           ("逾期不补正", "逾期未补正", "不补正", "未补正")),
    SubRow("other_no_fee_paid", "other_processing",
           ("逾期未按收费通知要求缴纳费用", "未按收费通知要求缴纳费用", "未按收费通知",
            "逾期未缴纳", "逾期未缴费", "未缴纳费用", "未缴纳信息处理费")),
    SubRow("other_other", "other_processing", (), ("其他情形", "其他原因")),
)  # fmt: skip
SUB_ROWS_BY_KEY = {row.key: row for row in SUB_ROWS}
_SUB_ROW_WORDS = sorted(((w, row) for row in SUB_ROWS for w in row.words), key=lambda p: -len(p[0]))


def _sub_row_values(key: str) -> Values:
    """The row's total, or None when the report's format has no such row (2019: （六）1.–3.)."""

    def values(r: Report) -> tuple[int, ...] | None:
        if key not in result_rows(r.format_version):
            return None
        return (r.table3.row(key).shown_total,)

    return values


def _sub_row_label(key: str) -> str:
    group, leaf = TABLE3_ROW_LABELS[key]
    return f"表三 三、本年度办理结果{group or ''} {leaf}"


SUBJECTS = SUBJECTS + tuple(
    Subject(row.key, _sub_row_label(row.key), (), _sub_row_values(row.key)) for row in SUB_ROWS
)
SUBJECTS_BY_KEY = {s.key: s for s in SUBJECTS}

# --- claims -------------------------------------------------------------------------------

_APPROX_BEFORE = r"(?:约有|大约|大概|约|将近|接近|近|超过|逾|差不多|不到|不足)"
_APPROX_AFTER = r"(?:有余|余|多|来|左右|上下)"
_NUMBER = _lazy(
    rf"(?P<before>{_APPROX_BEFORE})?\s*"
    rf"(?P<num>百分之[{_CN}点]+|[{_CN_DIGIT}]成[一二三四五六七八九]?"
    rf"|\d+(?:\.\d+)?(?:[十百千万亿](?!元)\d*)*|[{_CN}]+|[几数])"
    rf"(?P<after>{_APPROX_AFTER}|几)?\s*(?P<pct>%|％)?\s*"
    rf"(?P<unit>个百分点|人次|万元|亿元|[\u4e00-\u9fff]?)"
)
_MEASURE = (
    "件条次场个项家期篇份起名人类天元页批轮栏套部所宗封户位处册倍张台辆本期届项余"
    "趟则幅块座栋支箱袋盒首段集遍回"
)
# Measure words the data's quantities use: a number with another measure word (宗、封、户、
# 位、处、册、倍 …) and no subject is unexplained even when its value occurs in the data.
# The measure words of the tables' own figures: a count with one of them (or none: 合计32，)
# and no recognised subject is taken as one of the data's figures when the data holds it.
TABLE_UNITS = frozenset(["", "件"])
DATA_UNITS = frozenset(
    [
        "",
        "件",
        "条",
        "次",
        "场",
        "个",
        "项",
        "篇",
        "期",
        "起",
        "份",
        "家",
        "类",
        "名",
        "人",
        "人次",
        "元",
        "万元",
        "个百分点",
    ]
)
_SCOPE_CHANGE = _lazy(
    r"(?:较|比|同比|环比)(?:上年|去年|上一年度?|□{4}年)?[^，。；]{0,6}?"
    r"(?:增加|减少|增长|下降|上升|提高|降低|多|少)|同比|增长|下降|增幅|降幅"
)
# 同比下降50%，减少8条: a clause that is only the change verb states a change.
_CHANGE_CLAUSE = _lazy(r"\s*(?:共|再|又)?(?:增加|减少|多|少)(?:了)?\s*")
# 新收申请增加4件: a subject's words, then the change verb right before the number.
_CHANGE_VERB_LAST = _lazy(r"(?:增加|减少|多了|少了)\s*$")
# 由上年的180条增加到215条 (the subject's new value) and 比上年的26件增加4件 (its change):
# the words between a figure of last year and the next number.
_TO_VALUE = _lazy(r"\s*[件条次场篇项个]?\s*(?:增加|减少|上升|下降|增长|降低|提高)(?:到|至)\s*")
_BY_CHANGE = _lazy(r"\s*[件条次场篇项个]?\s*(?:增加|减少|增长|下降|多|少)了?\s*")
_SCOPE_PREVIOUS = _lazy(r"上年|去年|上一年度?|上年度")
_SCOPE_SHARE = _lazy(r"占|比例|比重|的比率|率为|率达")
_SCOPE_TOTAL = _lazy(r"累计|截至|截止|总数达")
_CLAUSE_END = "，,。；;：:！？!?\n（）()"


@dataclass(frozen=True)
class Claim:
    """One quantity stated in a text.

    `start`/`end` index the original text; `subject` is a `SUBJECTS` key or None;
    `certain` is True when the subject's words come right before the number.
    """

    text: str  # the number as written, with its approximate marks and %: 十余、44.7%
    start: int
    end: int
    reading: Reading
    unit: str
    subject: str | None = None
    certain: bool = False
    scope: Scope = "本年"
    clause: str = ""
    near: tuple[Decimal, ...] = ()  # exact counts stated before it in the same sentence
    with_carried: bool = False  # its sentence counts last year's carry-over in (含上年结转)
    part_subject: str | None = None  # for a share: the subject of the part (自然人 … 占 …)
    lead: str = ""  # the words of its sentence before it (plain text), for `bind_names`
    shadows: str | None = None  # a name the clerk declared also names this subject (`bind_names`)

    @property
    def value(self) -> Decimal:
        return self.reading.value

    @property
    def percent(self) -> bool:
        return self.reading.percent or self.unit == "个百分点"

    @property
    def category(self) -> str | None:
        """The clerk's 主动公开 category this count is bound to (`bind_names`), else None."""
        if self.subject is not None and self.subject.startswith(_CATEGORY):
            return self.subject[len(_CATEGORY) :]
        return None

    @property
    def unit_word(self) -> str:
        """The measure word, or "" when the number is followed by something else (共30，)."""
        if self.unit in DATA_UNITS or self.unit in _MEASURE or self.unit.startswith("个"):
            return self.unit
        return ""


def find_claims(text: str) -> list[Claim]:
    """Every quantity `text` states, in order, each with its subject and scope when known."""
    if len(text) > _CACHED_LENGTH:
        return list(_read_claims(text))
    return list(_claims_of(text))


_CACHED_LENGTH = 1000  # sentences up to this long are remembered (at most 2,048 of them)


@lru_cache(maxsize=2048)
def _claims_of(text: str) -> tuple[Claim, ...]:
    """`find_claims`, remembered: the web review re-reads the same sentences after each edit."""
    return _read_claims(text)


def _read_claims(text: str) -> tuple[Claim, ...]:
    plain = normalize_text_keep(text)
    masked = mask_non_quantities(plain)
    claims: list[Claim] = []
    for m in _NUMBER.finditer(masked):
        claim = _claim(plain, masked, m)
        if claim is not None:  # quote the clause as the text has it (⑨, full-width digits)
            claims.append(replace(claim, clause=_clause(text, claim.start)))
    return tuple(_inherit_subjects(plain, claims))


def normalize_text_keep(text: str) -> str:
    """Full-width digits to ASCII and circled digits to digits, one character for one."""
    out = []
    for ch in text:
        ch = TRADITIONAL_TO_SIMPLIFIED.get(ch, ch)
        if ch in _CIRCLED:
            out.append(_CIRCLED[ch] if len(_CIRCLED[ch]) == 1 else "□")
        elif ch in "０１２３４５６７８９":
            out.append(chr(ord(ch) - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def _claim(plain: str, masked: str, m: re.Match[str]) -> Claim | None:
    number = m.group("num")
    unit = m.group("unit") or ""
    is_cn = number[0] in _CN or number in "几数"
    if number in "几数" and not m.group("after") and (not unit or unit not in _MEASURE):
        return None
    if is_cn and not number.startswith("百分之") and "成" not in number:
        has_unit = bool(unit) and (unit in _MEASURE or unit in ("万元", "亿元", "人次", "个百分点"))
        if not has_unit and not (len(number) >= 2 and any(c in "十百千万" for c in number)):
            return None
        solo = number == "一" and not m.group("before") and not m.group("after")
        if solo and unit not in ("件", "起", "宗"):
            return None  # 一次检查, 一名同志: an article, not a count (一件申请 is a count)
    raw = (m.group("before") or "") + number + (m.group("after") or "") + (m.group("pct") or "")
    try:
        reading = _read(number, m)
    except NumberError:
        return None
    start = m.start("num") if not m.group("before") else m.start("before")
    end = m.end("pct") if m.group("pct") else (m.end("after") if m.group("after") else m.end("num"))
    if m.group("pct"):
        end = m.end("pct")
    if plain[m.start("num") - 1 : m.start("num")].isalpha() and plain[m.start("num") - 1].isascii():
        return None  # 5G, H7N9
    subject, certain, scope, part = _subject_and_scope(plain, masked, m.start("num"), start)
    subject = _BY_UNIT.get((subject or "", unit), subject)
    if unit == "个" and re.match(r"[\u4e00-\u9fff]", masked[m.end() : m.end() + 1] or " "):
        unit = "个" + masked[m.end()]  # 17个村: the noun says what is counted
    clause = _clause(plain, start)
    lead_start = _sentence_start(plain, start)
    lead = plain[lead_start:start]
    listed = _listed_subject(lead, masked, lead_start, start)
    if listed is not None and scope == "本年" and not m.group("pct"):
        subject, certain = listed, True  # 予以公开、部分公开分别为13件、4件
    return Claim(
        raw.strip(),
        start,
        end,
        reading,
        unit,
        subject,
        certain,
        scope,
        clause,
        part_subject=part,
        lead=lead,
    )


_RESPECTIVELY = _lazy(r"分别(?:为|是|有|达)?\s*[：:]?")


def _respective_item(lead: str) -> tuple[int, int] | None:
    """Where in `lead` (the words of a sentence before a number) the item this number is
    said of is named, when the number is the i-th after a list of names and 分别
    (予以公开、部分公开分别为13件、4件; 通知公告和工作动态分别为8条、5条): the i-th name, by
    the 、 between the numbers written before it. None when no such list is before it.
    Names are cut at 、 and, in the last one, at a single 和/及/与 (A、B和C)."""
    found = next(iter(reversed(list(_RESPECTIVELY.finditer(lead)))), None)  # the last one
    if found is None or re.search(r"[，,。；;（(]", lead[found.end() :]):
        return None
    index = len(re.findall(r"[、和及与]", lead[found.end() :]))
    start = max(lead.rfind(p, 0, found.start()) for p in "，,：:（(") + 1
    spans, at = [], start
    for piece in lead[start : found.start()].split("、"):
        spans.append((at, at + len(piece)))
        at += len(piece) + 1
    last_start, last_end = spans[-1]
    joined = re.split(r"[和及与]", lead[last_start:last_end])
    if len(joined) == 2:
        spans[-1:] = [
            (last_start, last_start + len(joined[0])),
            (last_end - len(joined[1]), last_end),
        ]
    if len(spans) < 2 or index >= len(spans):
        return None
    return spans[index]


def _listed_subject(lead: str, masked: str, lead_start: int, at: int) -> str | None:
    """The subject of a number listed after 分别 (`_respective_item`): the one its item names."""
    span = _respective_item(lead)
    if span is None:
        return None
    item = masked[lead_start + span[0] : lead_start + span[1]]
    found = _last_subject(item, masked, at)
    return found[1].key if found else None


def _read(number: str, m: re.Match[str]) -> Reading:
    text = number
    if number in "几数":
        text = "几"
    raw = (m.group("before") or "") + text + (m.group("after") or "") + (m.group("pct") or "")
    if number in "几数":
        return Reading(raw, Decimal(1), True, False, Decimal(1), Decimal(9))
    if m.group("after") == "几":  # 二十几
        raw = text + "几"
    return read_number(raw)


def _clause(text: str, at: int) -> str:
    start = at
    while start > 0 and text[start - 1] not in _CLAUSE_END:
        start -= 1
    end = at
    while end < len(text) and text[end] not in _CLAUSE_END:
        end += 1
    return text[start:end]


def _window(masked: str, at: int) -> tuple[str, int]:
    """The words before position `at` back to the clause start or the previous number."""
    start = at
    while start > 0 and masked[start - 1] not in _CLAUSE_END:
        if masked[start - 1].isdigit() and start < at - 1:
            break
        start -= 1
    return masked[start:at], start


_OTHER_THING = _lazy(r"信息|结果|公示|公告|事项|目录|专栏|栏目|资料|数据|文书|清单|标准|流程|指南")
_QUOTED = _lazy(r"“[^“”]{0,40}”|\"[^\"]{0,40}\"")


def _subject_and_scope(
    plain: str, masked: str, at: int, claim_start: int
) -> tuple[str | None, bool, Scope, str | None]:
    """(subject, certain, scope, part subject): for 自然人提出的占新收申请的73.3% the subject is
    the whole (新收) and the part subject 自然人."""
    window, window_start = _window(masked, claim_start)
    window = _QUOTED.sub(lambda m: _MASK * len(m.group(0)), window)  # a name, not a subject
    scope: Scope = "本年"
    if (
        _SCOPE_CHANGE.search(window)
        or _CHANGE_CLAUSE.fullmatch(window)
        or (_CHANGE_VERB_LAST.search(window) and _last_subject(window, masked, claim_start))
    ):
        scope = "同比"
    elif _SCOPE_SHARE.search(window):
        scope = "占比"
    elif _SCOPE_PREVIOUS.search(window) and "结转" not in window:
        scope = "上年"
    elif _SCOPE_TOTAL.search(window):
        scope = "累计"
    part: str | None = None
    if scope == "占比" and "占" in window:
        head, _, tail = window.rpartition("占")
        found = _last_subject(head, masked, claim_start)
        part = found[1].key if found else None
        whole = _last_subject(tail, masked, claim_start)
        if whole is None and found is not None:  # 新收申请中自然人提出的占七成: 新收 is the whole
            whole = _last_subject(head[: found[0] - len(found[2])], masked, claim_start)
        if whole is None:
            return None, False, scope, part
        return whole[1].key, True, scope, part
    best = _last_subject(window, masked, claim_start)
    sub_row = _sub_row(plain[window_start:claim_start], best, _reason_clause(plain, window_start))
    if sub_row is not None:
        key, end = sub_row
        gap = window[end:]
        certain = len(gap) <= 8 and not re.search(r"其中|包括|占", gap)
        return key, certain, scope, None
    if best is None:
        after = _subject_after(masked, at)
        return (after, True, scope, None) if after else (None, False, scope, None)
    gap = window[best[0] :]
    if _OTHER_THING.search(gap):
        return None, False, scope, None  # 行政处罚结果55条: other things, named after the subject
    certain = len(gap) <= 8 and not re.search(r"其中|包括|涉及|占", gap)
    return best[1].key, certain, scope, None


def _reason_clause(plain: str, window_start: int) -> str:
    """The clause before the number's own when it gives a reason (因…，无法提供1件), else ""."""
    if window_start < 1 or plain[window_start - 1] not in "，,":
        return ""
    start = window_start - 1
    while start > 0 and plain[start - 1] not in _CLAUSE_END:
        start -= 1
    clause = plain[start : window_start - 1]
    return clause if re.match(r"\s*(?:因|由于|鉴于)", clause) else ""


def _sub_row(
    window: str, best: tuple[int, Subject, str] | None, reason: str = ""
) -> tuple[str, int] | None:
    """(row key, end of the words naming it) when the words before a number name a reason row
    of 表三: on their own (属于国家秘密1件, 重复申请2件) when nothing else is named after them,
    or before or after their group (因“本机关不掌握”无法提供3件; 不予处理中信访举报类1件), or
    in a reason clause right before the group's (`reason`: 因需要另行制作，无法提供1件).
    `window` is the plain text (quotes and fixed phrases such as 三安全一稳定 kept)."""
    window = re.sub(r"[“”‘’\"]", " ", window)
    found: tuple[int, SubRow] | None = None
    for word, row in _SUB_ROW_WORDS:
        pos = window.rfind(word)
        if pos >= 0 and (found is None or pos + len(word) > found[0]):
            found = (pos + len(word), row)
    group = best[1].key if best is not None else None
    if found is not None:
        end, row = found
        if best is None or group == row.group or best[0] <= end:
            return row.key, max(end, best[0] if group == row.group and best else end)
    if best is None or group not in _GROUPS:
        return None
    for row in SUB_ROWS:
        if row.group == group and any(w in window for w in row.with_group):
            return row.key, best[0]
    for row in SUB_ROWS:  # 因申请的信息需要另行制作，无法提供1件
        if row.group == group and any(w in reason for w in row.words + row.with_group):
            return row.key, best[0]
    return None


_GROUPS = frozenset(row.group for row in SUB_ROWS)


def _last_subject(window: str, masked: str, claim_start: int) -> tuple[int, Subject, str] | None:
    """The subject whose words end last in `window` (the longer words first at a tie)."""
    best: tuple[int, Subject, str] | None = None
    for word, subject in _WORDS:
        pos = window.rfind(word)
        if pos < 0:
            continue
        end = pos + len(word)
        before = window[max(0, pos - 6) : pos]
        if any(b in before for b in subject.blocked_by):
            continue
        near = masked[max(0, claim_start - 80) : claim_start]
        if subject.context and not any(c in near for c in subject.context):
            continue
        if best is not None and (word in _OBJECT_NOUNS) != (best[2] in _OBJECT_NOUNS):
            # 办结政府信息公开申请29件: 申请 is what was 办结; the subject is the verb's, named
            # as near the number as the noun
            verb, noun = (
                ((end, subject, word), best)
                if best[2] in _OBJECT_NOUNS
                else (best, (end, subject, word))
            )
            best = (noun[0], verb[1], noun[2]) if verb[0] < noun[0] else verb
            continue
        longer = end == best[0] and len(word) > len(best[2]) if best else False
        # 维持 after 行政复议 … 行政诉讼: the outcome of the case named last
        nearer = (
            best is not None
            and end == best[0]
            and word == best[2]
            and _context_at(subject, near) > _context_at(best[1], near)
        )
        if best is None or end > best[0] or longer or nearer:
            best = (end, subject, word)
    return best


def _context_at(subject: Subject, near: str) -> int:
    """Where the last of `subject.context` occurs in `near` (-1: none)."""
    return max((near.rfind(c) for c in subject.context), default=-1)


# Nouns that name the applications themselves: after a verb that is a subject of its own
# (办结、结转、予以公开 …) they are its object.
_OBJECT_NOUNS = frozenset(("公开申请", "依申请公开申请", "申请数量"))


# 全县25个部门和12个乡镇（街道）: the roll-up's coverage (the opening's one number)
_AFTER_NOUNS = {
    "渠道": "channels",
    "公开渠道": "channels",
    "部门": "covered_departments",
    "乡镇": "covered_townships",
}


def _subject_after(masked: str, at: int) -> str | None:
    """3个渠道: a subject named by the noun after the measure word."""
    m = re.match(r"\s*[\d" + _CN + r"]+\s*个?", masked[at:])
    if not m:
        return None
    following = masked[at + m.end() : at + m.end() + 4]
    for noun, key in _AFTER_NOUNS.items():
        if following.startswith(noun):
            return key
    return None


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence holding position `at` begins (after 。；; or a line break)."""
    return max(text.rfind(p, 0, at) for p in "。；;\n") + 1


def _sentence_at(text: str, at: int) -> str:
    start = _sentence_start(text, at)
    ends = [i for i in (text.find(p, at) for p in "。；;\n") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


_APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service")
# Rows whose applicant breakdown prose gives (结转下年度的3件申请中，自然人2件).
_ROWS_BY_APPLICANT = (
    "carried_over",
    "granted",
    "partially_granted",
    "carried_forward",
    *(row.key for row in SUB_ROWS),
)


def _applicant_of_row(text: str, row: Claim | None, claim: Claim) -> str | None:
    """`row.applicant` when an applicant's count follows a count of another 表三 row and the
    words between make it the row's part (…的13件申请中，自然人10件)."""
    if row is None or claim.subject not in _APPLICANTS or claim.scope != "本年":
        return None
    if re.search(r"中|其中|包括", text[row.end : claim.start]):
        return f"{row.subject}.{claim.subject}"
    return None


def _inherit_subjects(text: str, claims: list[Claim]) -> list[Claim]:
    """较上年增加4件 after 收到申请30件 speaks of the same subject; every claim also learns
    the exact counts stated before it in its sentence (the parts a share may be of)."""
    out: list[Claim] = []
    previous: Claim | None = None
    row: Claim | None = None  # the last count of a row with an applicant breakdown
    near: list[Decimal] = []
    last_end = 0
    for claim in claims:
        if any(ch in "。；;\n" for ch in text[last_end : claim.start]):
            previous, near, row = None, [], None
        subject, scope, certain = claim.subject, claim.scope, claim.certain
        subject = _applicant_of_row(text, row, claim) or subject
        if subject is None and claim.scope == "同比" and previous and previous.subject:
            subject = previous.subject
        between = text[last_end : claim.start]
        if subject is None and previous and previous.subject and previous.scope == "上年":
            if _TO_VALUE.fullmatch(between):  # 由上年的180条增加到215条
                subject, scope, certain = previous.subject, "本年", True
            elif _BY_CHANGE.fullmatch(between):  # 比上年的26件增加4件
                subject, scope, certain = previous.subject, "同比", True
        sentence = _sentence_at(text, claim.start)
        with_carried = "结转" in sentence and "新收" not in claim.clause
        claim = replace(
            claim,
            subject=subject,
            scope=scope,
            certain=certain,
            near=tuple(near),
            with_carried=with_carried,
        )
        out.append(claim)
        if claim.subject in _ROWS_BY_APPLICANT and claim.scope == "本年" and not claim.percent:
            row = claim
        if claim.subject and claim.scope in ("本年", "上年", "同比") and not claim.percent:
            previous = claim
        if not claim.percent and not claim.reading.approximate:
            near.append(claim.value)
        last_end = claim.end
    return out


# --- data and grounding -------------------------------------------------------------------


@dataclass
class ClaimData:
    """What claims are checked against: subject values (allowed values, first shown), last
    year's values, every count and percent the data holds, and the base quantities from which
    shares and changes may be derived."""

    subjects: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)
    previous: dict[str, Decimal] = field(default_factory=dict)
    counts: set[Decimal] = field(default_factory=set)
    percents: set[Decimal] = field(default_factory=set)
    bases: set[Decimal] = field(default_factory=set)
    typed: set[tuple[Decimal, str]] = field(default_factory=set)  # (value, measure word)
    # names the clerk declared (`declared_names`): name as matched → its counts (() if none)
    names: dict[str, tuple[Decimal, ...]] = field(default_factory=dict)
    # the declared name each lead binds to (`bind_names`), remembered: guard and review bind
    # a claim, then `ground` and the message bind it again
    names_at: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    # 表三's shares as (part, whole) by `SHARE_LABELS` key (`facts.share_bases`, set with the
    # fact sheet), for shares in words; empty: none is checked
    shares: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add_counts(self, values: Iterable[int | Decimal]) -> None:
        for v in values:
            self.counts.add(Decimal(v))

    def add_typed(self, values: Iterable[int | Decimal], unit: str = "") -> None:
        """Numbers the clerk entered (typed in a text field, or a count field): `unit` is
        their measure word, "" when none is known (a count field, 共38次 → 38 and 次)."""
        for v in values:
            self.typed.add((Decimal(v), unit))

    def was_typed(self, claim: Claim) -> bool:
        """The clerk entered this number with the same measure word, or without one, or the
        claim has none: `全年回应社会关切38次` when the notes say 回应社会关切38次."""
        unit = claim.unit_word
        return any(claim.reading.admits(v) and _same_unit(unit, u) for v, u in self.typed)


def _same_unit(said: str, typed: str) -> bool:
    """Measure words that agree: equal, either missing, or 个 typed and 个村 said."""
    return not said or not typed or said == typed or (typed == "个" and said.startswith("个"))


def claim_data(report: Report) -> ClaimData:
    """The values of every `SUBJECTS` entry for `report`, and the pools derived from them."""
    data = ClaimData()
    for subject in SUBJECTS:
        values = subject.values(report)
        if values is not None:
            data.subjects[subject.key] = tuple(Decimal(v) for v in values)
            data.add_counts(values)
            data.bases.update(Decimal(v) for v in values)
        if subject.previous is not None:
            previous = subject.previous(report)
            if previous is not None:
                data.previous[subject.key] = Decimal(previous[0])
                data.add_counts(previous)
                data.bases.add(Decimal(previous[0]))
    for row in _ROWS_BY_APPLICANT:  # 予以公开的13件申请中，自然人提出10件
        if row in SUB_ROWS_BY_KEY and row not in result_rows(report.format_version):
            continue
        counts = report.table3.row(row)
        for applicant in _APPLICANTS:
            data.subjects[f"{row}.{applicant}"] = (Decimal(counts.column(applicant)),)
    facts = report.facts
    if facts.channels:
        data.subjects["channels"] = (Decimal(len(facts.channels)),)
    listed = [c.count for c in facts.proactive_categories]
    data.add_counts(listed)
    data.bases.update(Decimal(v) for v in listed)
    data.add_counts(
        len(items) for items in (facts.proactive_categories, facts.channels, facts.problems,
                                 facts.measures, facts.previous_problems) if items
    )  # fmt: skip
    fee = facts.info_fee
    data.add_counts([fee.notices_issued, fee.notices_amount_yuan, fee.collected_yuan])
    _add_typed(data, report)
    _add_names(data, report)
    return data


def _add_typed(data: ClaimData, report: Report) -> None:
    """Every number the clerk entered outside the tables: the figures of the facts (counts of
    categories, practices, fees, lists) and the numbers in any text the clerk typed (notes,
    channels, practices, problems, measures, last year's problems)."""
    facts = report.facts
    practices, fee = facts.practices, facts.info_fee
    fields: list[tuple[int | Decimal | None, str]] = [
        *((c.count, "条") for c in facts.proactive_categories),
        (facts.proactive_total, "条"),
        *((facts.policy_interpretations, u) for u in ("条", "篇")),
        *((facts.press_conferences, u) for u in ("场", "次")),
        *((facts.training_sessions, u) for u in ("次", "场", "期")),
        (practices.responses, "次"),
        (practices.new_media_accounts, "个"),
        (practices.reading_points, "个"),
        (practices.trained_people, "人次"),
        (practices.circulars, "次"),
        (facts.area.proposals, "件"),
        (facts.area.open_days, "次"),
        (facts.area.gazette_issues, "期"),
        (facts.area.gazette_documents, "件"),
        (facts.area.villages, "个"),
        (facts.area.notice_boards, "个"),
        (facts.engagement.consultations, "项"),
        (facts.engagement.attendees, "人次"),
        (facts.engagement.messages, "件"),
        (facts.engagement.messages_answered, "件"),
        (facts.engagement.hotline_cases, "件"),
        (facts.engagement.interviews, "期"),
        (facts.engagement.new_media_posts, "条"),
        (facts.engagement.suggestions, "件"),
        (facts.engagement.cppcc_proposals, "件"),
        (facts.organisation.staff, "名"),
        (facts.organisation.study_meetings, "次"),
        (facts.organisation.plan_tasks, "项"),
        (facts.organisation.plan_tasks_done, "项"),
        (practices.attributed_documents, "件"),
        (practices.attributed_public, "件"),
        (facts.area.meeting_topics, "个"),
        (facts.area.site_checks, "次"),
        (facts.area.site_problems_fixed, "个"),
        (facts.area.accounts_closed, "个"),
        (facts.area.covered_departments, "个"),
        (facts.area.covered_townships, "个"),
        (fee.notices_issued, "件"),
        (fee.notices_amount_yuan, "元"),
        (fee.collected_yuan, "元"),
    ]
    lists = (facts.proactive_categories, facts.channels, facts.problems, facts.measures,
             facts.previous_problems)  # fmt: skip
    fields += [(len(items), "个") for items in lists if items]
    for value, unit in fields:
        if value is not None:
            data.add_typed([value], unit)
    for text in typed_texts(report):
        for claim in find_claims(text):
            if not claim.percent:
                data.add_typed([claim.value], claim.unit_word)


def typed_texts(report: Report) -> list[str]:
    """The texts the clerk typed into the data (not the prose sections): every string of
    `report.facts` (notes, channels, category names, practices, problems, measures, last
    year's problems and their rectification) and last year's problems."""
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            if node.strip():
                out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(report.facts.model_dump())
    if report.previous_year is not None:
        walk(report.previous_year.problems)
    return out


def add_sheet_numbers(
    data: ClaimData, counts: Iterable[Decimal], percents: Iterable[Decimal]
) -> None:
    """Also allow the numbers a fact sheet lists (`facts.FactSheet`), as counts and bases."""
    counts = list(counts)
    data.counts.update(counts)
    data.bases.update(counts)
    data.percents.update(percents)


Verdict = Literal["grounded", "contradicts", "unexplained"]


def ground(claim: Claim, data: ClaimData) -> Verdict:
    """Whether the data bears `claim` out.

    "contradicts": the claim names a subject whose value differs (or a 同比 change that does
    not follow from this year's and last year's values); "unexplained": no subject and no
    data value or derived share/change fits; else "grounded". A count written right after a
    name the clerk declared is judged as said of that name first (`bind_names`,
    `_ground_declared`).
    """
    if claim.percent:
        return _ground_percent(claim, data)
    claim = bind_names(_known_row(claim, data), data)
    if claim.subject is not None and claim.subject.startswith(_CATEGORY):
        return _ground_declared(claim, data)
    if claim.subject is not None and claim.scope == "同比":
        now, before = data.subjects.get(claim.subject), data.previous.get(claim.subject)
        if now is not None and before is not None:
            return "grounded" if claim.reading.admits(abs(now[0] - before)) else "contradicts"
    if claim.subject is not None and claim.scope == "上年":
        before = data.previous.get(claim.subject)
        if before is not None:
            return "grounded" if claim.reading.admits(before) else "contradicts"
    if claim.subject is not None and claim.scope in ("本年", "累计"):
        allowed = data.subjects.get(claim.subject)
        if allowed is not None and claim.subject == "new_received" and not claim.with_carried:
            allowed = allowed[:1]  # 新收 32 件 when 30 are new and 2 carried over: wrong
        if allowed is not None:
            if any(claim.reading.admits(v) for v in allowed):
                return "grounded"
            return "contradicts"
    return "grounded" if _explained(claim, data) else "unexplained"


def _explained(claim: Claim, data: ClaimData) -> bool:
    """A count with no recognised subject (or a subject the data has no value for) is
    explained only by the clerk's own figures, whatever its measure word (issue 11): the
    same number entered in the data with the same or no measure word (`ClaimData.typed`);
    with 件 or no measure word, or as a 同比 change with a data measure word, a figure the
    data holds (a table cell or a sum of cells); said of last year (上年), one of last
    year's figures."""
    if data.was_typed(claim):
        return True
    table_figure = claim.unit_word in TABLE_UNITS  # 合计需办理32件
    change = claim.scope == "同比" and claim.unit_word in DATA_UNITS  # 比上年增加1次
    if (table_figure or change) and any(claim.reading.admits(v) for v in data.counts):
        return True  # a figure of the data the sentence does not name, or a change
    last_year = data.previous.values() if claim.scope == "上年" else ()
    return any(claim.reading.admits(v) for v in last_year)


def _known_row(claim: Claim, data: ClaimData) -> Claim:
    """A reason row the report's format does not have (2019: （六）1.–3.) speaks of its group."""
    row = SUB_ROWS_BY_KEY.get(claim.subject or "")
    if row is not None and claim.subject not in data.subjects:
        return replace(claim, subject=row.group)
    return claim


def _ground_percent(claim: Claim, data: ClaimData) -> Verdict:
    said = claim.value
    candidates, determinate = percent_candidates(claim, data)
    if claim.reading.approximate and not determinate:
        candidates = []  # 约占八成 of an unknown whole: only the shares the data states
    if any(_rounds_to(value, said, claim.reading) for value, _ in candidates):
        return "grounded"
    if determinate:
        return "contradicts"
    if any(_rounds_to(p, said, claim.reading) for p in data.percents):
        return "grounded"
    return "unexplained"


def percent_candidates(claim: Claim, data: ClaimData) -> tuple[list[tuple[Decimal, str]], bool]:
    """The values a percentage claim may have, each with how it is computed, and whether the
    sentence pins them down (both figures known) or only one side is known.

    同比: the change of the subject's figures (this year vs last), or of the two figures the
    sentence states. 占比 and other shares: part ÷ whole, where the part is the part subject
    (自然人…占…) or the last count stated before, and the whole is the subject (占办结总数);
    when only one side is known, any data quantity may be the other.
    """
    if claim.scope == "同比":
        now = data.subjects.get(claim.subject or "")
        before = data.previous.get(claim.subject or "")
        if now is not None and before:
            change = abs(now[0] - before) * 100 / before
            return [(change, f"按本年 {_fmt(now[0])}、上年 {_fmt(before)} 计算，变化幅度")], True
        if len(claim.near) >= 2:  # the sentence's own figures: now and before, or now and change
            out = []
            for i, a in enumerate(claim.near):
                for j, b in enumerate(claim.near):
                    if i == j or b <= 0:
                        continue
                    how = f"按句中的 {_fmt(a)} 和 {_fmt(b)} 计算，变化幅度"
                    if a == b:  # 8条，比上年减少8条、下降50%: now and change are equal
                        out.append((a * 100 / (b + a), how))
                        continue
                    out.append((abs(a - b) * 100 / b, how))
                    out.append((a * 100 / b, how))
                    if b > a:
                        out.append((a * 100 / (b - a), how))
                    out.append((a * 100 / (b + a), how))
            return out, True
    parts: tuple[Decimal, ...] = ()
    if claim.part_subject is not None:
        parts = data.subjects.get(claim.part_subject, ())[:1]
    elif claim.near:
        parts = claim.near[-1:]
    wholes = data.subjects.get(claim.subject or "", ())[:1] if claim.scope == "占比" else ()
    if parts and wholes:
        pairs = [(p, w) for p in parts for w in wholes]
    elif parts:
        pairs = [(p, w) for p in parts for w in data.bases if w > p]
    elif wholes:
        pairs = [(p, w) for w in wholes for p in data.bases if p < w]
    else:
        return [], False
    out = [(p * 100 / w, f"按 {_fmt(p)} ÷ {_fmt(w)} 计算，占比") for p, w in pairs if w > 0]
    if claim.scope == "同比" and parts:  # 增长 N%: a change from some data figure
        out += [(abs(p - w) * 100 / w, "变化幅度") for p in parts for w in data.bases if w > 0]
    return out, bool(parts and wholes)


def _rounds_to(actual: Decimal, said: Decimal, reading: Reading) -> bool:
    """44.65 may be written 44.7% or 45%: the sentence's precision, rounded half-up. A share
    in tenths (三成, 两成多, 近三成) holds within its own range (`numbers.read_number`)."""
    if reading.open_ends:
        return reading.admits(actual)
    if reading.approximate:
        return abs(actual - said) <= 5
    exponent = said.as_tuple().exponent  # 15.0% is said to one decimal
    places = Decimal(1).scaleb(min(exponent, 0) if isinstance(exponent, int) else 0)
    return actual.quantize(places, ROUND_HALF_UP) == said


def data_value_text(claim: Claim, data: ClaimData) -> str:
    """What the data says for the claim's subject, for messages: `表三 …（总计）为 4`."""
    return _value_text(bind_names(_known_row(claim, data), data), data)


def _value_text(claim: Claim, data: ClaimData) -> str:
    if claim.subject is None:
        return ""
    if claim.subject.startswith(_CATEGORY):
        return _declared_text(claim, data)
    if "." in claim.subject:  # a row's applicant column
        row, applicant = claim.subject.split(".")
        who = SUBJECTS_BY_KEY[applicant].label.split(" · ")[-1]
        values = data.subjects.get(claim.subject)
        shown = f"为 {_fmt(values[0])}" if values else ""
        return f"{SUBJECTS_BY_KEY[row].label} · {who}{shown}"
    subject = SUBJECTS_BY_KEY[claim.subject]
    if claim.scope == "同比" and claim.subject in data.previous:
        now = data.subjects[claim.subject][0]
        before = data.previous[claim.subject]
        return f"{subject.label}本年为 {_fmt(now)}、上年为 {_fmt(before)}"
    if claim.scope == "上年" and claim.subject in data.previous:
        return f"上年{subject.label}为 {_fmt(data.previous[claim.subject])}"
    values = data.subjects.get(claim.subject)
    return f"{subject.label}为 {_fmt(values[0])}" if values else ""


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in {"0", "-0"} else text


# --- names the clerk declared -------------------------------------------------------------
#
# A 主动公开 category, a channel or a named practice is a name the clerk chose, not a table
# term, even when its words hold one: a category “行政处罚决定” of 35 条 is not 表二's
# 行政处罚 row, and in “通知公告5条、工作动态8条” each count belongs to the name before it.

_CATEGORY = "类别:"  # subject keys of the clerk's 主动公开 categories: 类别:通知公告
_NAME_MARKS = _lazy(r"[“”‘’\"'「」『』\s]")  # left out when names are compared
# Words that may stand between a name and its number: 通知公告类8条, 政策文件（412条, 工作动态共5条
_NAME_GAP = _lazy(r"(?:类|信息|方面|事项|共计|共|合计|计|为|有|达|[（(:：])*")
# The sentence speaks of what was published (the categories' reading of a shadowed name);
# 信息公开、政务公开、予以公开 … name the work or an application's result, not a publication.
_PUBLISHING = _lazy(
    r"(?<!申请)(?<!信息)(?<!政务)(?<!予以)(?<!部分)(?<!不予)公开(?!申请|工作)"
    r"|发布|公布|公示|按内容|分类|类别"
)
# The measure words a subject's figure is counted in, where not 件 (the tables' word).
_COUNTED_IN: dict[str, tuple[str, ...]] = {
    "proactive_total": ("条",),
    "policy_interpretations": ("条", "篇"),
    "press_conferences": ("场", "次"),
    "training_sessions": ("次", "场", "期"),
    "responses": ("次",),
    "new_media_accounts": ("个",),
    "reading_points": ("个",),
    "trained_people": ("人次", "人"),
    "circulars": ("次",),
    "proposals": ("件",),
    "open_days": ("次", "场"),
    "gazette_issues": ("期",),
    "gazette_documents": ("件",),
    "villages": ("个",),
    "notice_boards": ("个", "块"),
    "consultations": ("项", "件", "个"),
    "attendees": ("人次", "人"),
    "messages": ("件", "条"),
    "messages_answered": ("件", "条"),
    "hotline_cases": ("件",),
    "interviews": ("期", "次", "场"),
    "new_media_posts": ("条", "篇"),
    "suggestions": ("件",),
    "cppcc_proposals": ("件",),
    "proposals_handled": ("件",),
    "staff": ("名", "人"),
    "study_meetings": ("次",),
    "plan_tasks": ("项",),
    "plan_tasks_done": ("项",),
    "attributed_documents": ("件",),
    "attributed_public": ("件",),
    "meeting_topics": ("个", "项"),
    "site_checks": ("次",),
    "site_problems_fixed": ("个", "处"),
    "accounts_closed": ("个",),
    "covered_departments": ("个",),
    "covered_townships": ("个",),
}


def name_key(name: str) -> str:
    """A declared name as it is matched in prose: simplified, without quotes or spaces."""
    return _NAME_MARKS.sub("", normalize_text_keep(name))


def declared_names(report: Report) -> dict[str, tuple[int, ...]]:
    """The names the clerk declared in `report.facts` (`name_key` → the counts declared for
    it): the 主动公开 categories with their counts (two categories of one name keep both),
    and, without a count, the channels and the named practices (forms of 政策解读, review
    methods, updated guides, supervision methods; the area's 重点领域 and website columns).
    Names shorter than two characters or made only of linking words (信息) are left out: they
    would bind any number."""
    facts, practices = report.facts, report.facts.practices
    names: dict[str, tuple[int, ...]] = {}
    for category in facts.proactive_categories:
        key = name_key(category.name)
        names[key] = (*names.get(key, ()), category.count)
    for item in (*facts.channels, *practices.interpretation_forms, *practices.review_methods,
                 *practices.updated_guides, *practices.supervision_methods,
                 *facts.area.key_areas, *facts.area.website_columns):  # fmt: skip
        names.setdefault(name_key(item), ())
    return {k: v for k, v in names.items() if len(k) >= 2 and not _NAME_GAP.fullmatch(k)}


@dataclass(frozen=True)
class CountTwin:
    """A count the clerk gave twice: a fact field (`subject`, a `SUBJECTS` key; `path` its
    place in the data) and a 主动公开 category of the same name (“政策解读” beside the
    政策解读 count), with both values."""

    subject: str
    path: str
    label: str
    category: str
    fact: int
    listed: int


# Fact counts a 主动公开 category may repeat, with their place in the data.
_TWIN_PATHS: dict[str, str] = {
    "policy_interpretations": "facts.policy_interpretations",
    "press_conferences": "facts.press_conferences",
    "training_sessions": "facts.training_sessions",
    **{s.key: f"facts.practices.{s.key}" for s in PRACTICE_SUBJECTS},
    **{s.key: f"facts.area.{s.key}" for s in AREA_SUBJECTS},
    **{s.key: f"facts.engagement.{s.key}" for s in ENGAGEMENT_SUBJECTS},
    **{s.key: f"facts.organisation.{s.key}" for s in ORGANISATION_SUBJECTS},
}
# A category is the fact's twin when its name, without one of these endings, is one of the
# fact's words: “政策解读类”, “新闻发布会”, not “培训通知” (published notices of trainings).
_TWIN_ENDING = _lazy(r"(?:类|信息|材料|情况)$")


def count_twins(report: Report) -> list[CountTwin]:
    """Each pair of a fact count the clerk filled in and a 主动公开 category of the same name,
    in category order (equal values included: the prose states the count once)."""
    out: list[CountTwin] = []
    for category in report.facts.proactive_categories:
        name = _TWIN_ENDING.sub("", name_key(category.name))
        for key, path in _TWIN_PATHS.items():
            subject = SUBJECTS_BY_KEY[key]
            values = subject.values(report)
            if values is not None and name in subject.words:
                out.append(
                    CountTwin(key, path, subject.label, category.name, int(values[0]),
                              category.count)
                )  # fmt: skip
    return out


def _add_names(data: ClaimData, report: Report) -> None:
    """`ClaimData.names`, and a subject `类别:<name>` for each category with a count."""
    for name, counts in declared_names(report).items():
        data.names[name] = tuple(Decimal(c) for c in counts)
        if counts:
            data.subjects[_CATEGORY + name] = data.names[name]


def _bound_name(lead: str, names: dict[str, tuple[Decimal, ...]]) -> str | None:
    """The declared name written right before a number (only linking words between, see
    `_NAME_GAP`; quotes and spaces left out): the one ending last, the longest at a tie
    (市级文件政策解读 over 政策解读)."""
    text = _NAME_MARKS.sub("", lead)
    best: tuple[int, int, str] | None = None  # (end, length, name)
    for name in names:
        pos = text.rfind(name)
        if pos < 0 or not _NAME_GAP.fullmatch(text, pos + len(name)):
            continue
        found = (pos + len(name), len(name), name)
        if best is None or found > best:
            best = found
    return best[2] if best else None


def _listed_name(lead: str, names: dict[str, tuple[Decimal, ...]]) -> str | None:
    """The declared name of a number listed after 分别 (`_respective_item`): the longest
    name its item ends with (通知公告、工作动态分别为8条、5条)."""
    span = _respective_item(lead)
    if span is None:
        return None
    item = _NAME_MARKS.sub("", lead[span[0] : span[1]])
    ending = [name for name in names if item.endswith(name)]
    return max(ending, key=len) if ending else None


def _subject_words(key: str) -> tuple[str, ...]:
    subject, row = SUBJECTS_BY_KEY.get(key), SUB_ROWS_BY_KEY.get(key)
    return (subject.words if subject else ()) + (row.words + row.with_group if row else ())


def _names_subject(name: str, key: str) -> tuple[bool, bool]:
    """(shared, wider) for a declared name and the subject `key` the words before the number
    name: `shared` when the name holds a word naming the subject (“行政处罚决定”, “行政许可”);
    `wider` when it holds none but is part of one (“规范性文件” in 现行有效规范性文件): the
    name is then the subject's own noun, and 制发行政规范性文件1件 or 现行有效的行政规范性文件
    共1件 speak of the table."""
    words = _subject_words(key)
    shared = any(w in name for w in words)
    return shared, not shared and any(name in w for w in words)


def bind_names(claim: Claim, data: ClaimData) -> Claim:
    """`claim` read as said of the name the clerk declared right before it, if any.

    - A 主动公开 category with a count (通知公告 8 条): the claim's subject becomes that
      category (`类别:通知公告`, certain), whatever table term was written before the name
      (主动公开通知公告8条); so two categories' counts swapped contradict each.
    - A category whose name is also the claim's table or fact term (“行政处罚决定”,
      “行政许可”, “政策解读”, “行政复议决定书”): the words alone cannot say which is meant,
      so the measure word and the sentence decide, as a careful reader would
      (`_readings`): the category's reading when it fits, else the table's reading when it
      fits, else the category with the table term in `shadows`, so that the claim
      contradicts and the message names both figures. A wrong number never passes: it
      must equal the category's count or the table's figure, each read as its reading
      allows.
    - A name without a count (a channel, a form of 政策解读 …) that holds the words of the
      claim's subject: the number is not that subject's (召开政策解读会3场 when 政策解读会 is
      a form the clerk named); the claim loses its subject and is judged like any count
      without one.
    - A name that is part of the claim's table term without holding any of its words
      (“规范性文件” in 制发行政规范性文件1件, 现行有效的行政规范性文件共1件) is the table's
      own noun: the claim is left to the table. Other claims are returned unchanged.

    Only counts of this year (not shares, not changes) are bound; binding twice gives the
    same claim.
    """
    if not data.names or claim.percent or claim.scope != "本年" or claim.category is not None:
        return claim
    if claim.lead in data.names_at:
        name = data.names_at[claim.lead]
    else:
        name = _bound_name(claim.lead, data.names) or _listed_name(claim.lead, data.names)
        data.names_at[claim.lead] = name
    if name is None:
        return claim
    shared, wider = _names_subject(name, claim.subject) if claim.subject else (False, False)
    if wider:
        return claim
    shadows = claim.subject if shared else None
    if not data.names[name]:
        return claim if shadows is None else replace(claim, subject=None, certain=False)
    if shadows is not None:
        as_category, as_table = _readings(claim, name, shadows, data)
        if as_table and not as_category:
            return claim  # 作出行政处罚决定37件: 表二's figure
    return replace(claim, subject=_CATEGORY + name, certain=True, shadows=shadows)


def _readings(claim: Claim, name: str, subject: str, data: ClaimData) -> tuple[bool, bool]:
    """(as the category, as the table) for a count after a category `name` that also names
    table or fact `subject` (a category “行政处罚决定” of 35 条 beside 表二's 37 decisions):

    - the category's count fits when the sentence counts published items: measure word 条
      (the unit of 主动公开 information) or none, or a sentence about publishing (公开、发布、
      按内容分 …); 作出行政处罚决定35件 is not a list of published items;
    - the table's (or fact's) figure fits when written with that figure's own measure word
      or none (件 for 表二 and 表四; 条 for 政策解读): 行政处罚决定37件 is 表二's figure,
      while 按内容分，行政处罚决定37条 counts published items, which the clerk declared as 35.
    """
    said = claim.reading
    published = claim.unit_word in ("", "条") or bool(_PUBLISHING.search(claim.lead))
    as_category = published and any(said.admits(v) for v in data.names[name])
    allowed = data.subjects.get(subject)
    units = _COUNTED_IN.get(subject, ("件",))
    fits_unit = claim.unit_word in ("", *units)
    as_table = allowed is not None and fits_unit and any(said.admits(v) for v in allowed)
    return as_category, as_table


def bound_claims(claims: Iterable[Claim], data: ClaimData) -> list[Claim]:
    """`bind_names` of each claim: what the review and the guard judge and report."""
    return [bind_names(claim, data) for claim in claims]


def _ground_declared(claim: Claim, data: ClaimData) -> Verdict:
    """A claim bound to a 主动公开 category (`bind_names`): grounded when it equals the
    category's count (and, for a name that is also a table term, the category's reading
    fits: `_readings`), else it contradicts."""
    name = claim.category or ""
    if claim.shadows is not None:
        return "grounded" if _readings(claim, name, claim.shadows, data)[0] else "contradicts"
    counts = data.subjects.get(claim.subject or "", ())
    return "grounded" if any(claim.reading.admits(v) for v in counts) else "contradicts"


def _declared_text(claim: Claim, data: ClaimData) -> str:
    """What the data says for a claim bound to a category, and for the term it shadows; when
    the number is the category's count but the sentence does not count published items
    (全年回应社会关切5次), the message says so."""
    name = claim.category or ""
    counts = data.subjects.get(claim.subject or "", ())
    said = f"填报的主动公开类别“{name}”为 {'、'.join(_fmt(v) for v in counts)}"
    if claim.shadows is None:
        return said
    other = _value_text(replace(claim, subject=claim.shadows, shadows=None), data)
    if other and any(claim.reading.admits(v) for v in counts):
        shown = "、".join(_fmt(v) for v in counts)
        return f"{other}（如指主动公开类别“{name}”，填报的是 {shown} 条，请写明是公开的信息条数）"
    return f"{said}，{other}" if other else said


# --- parts against stated totals ----------------------------------------------------------

_TOTAL_UNITS = ("件", "条", "起", "场", "次", "篇")
# After a total's measure word: 其中 (in brackets or not, with or without a colon) or
# "a、b分别为" (the parts' names, then their counts).
_PARTS_OPENING = _lazy(
    r"(?P<open>[，,]?\s*[（(]|[，,]?)\s*(?:其中(?P<colon>\s*[：:])?|[^，,。；;\d]{1,24}?分别(?:为|是)[：:]?)"
)


@dataclass(frozen=True)
class PartsOverTotal:
    """A stated total whose listed parts add up to more: `total_text` as written."""

    total_text: str
    total: int
    unit: str
    parts: list[tuple[str, int]]

    @property
    def added(self) -> int:
        return sum(v for _, v in self.parts)


_NOT_A_PART = _lazy(r"另|此外|结转|较|比|增|减|占|超|共|合计|累计|总计")


def _segment_end(text: str, at: int, layout: str) -> int:
    """Where a list of parts starting at `at` ends: the closing bracket (N 条（其中…）), the
    end of the sentence (其中：a；b；c), else the first ；."""
    stops = {"bracket": "）)", "colon": "。"}.get(layout, "；;。")
    ends = [i for i in (text.find(ch, at) for ch in stops) if i >= 0]
    return min(ends) if ends else len(text)


def _parts_after(text: str, total: Claim, claims: list[Claim]) -> list[Claim] | None:
    """The claims listed as parts of `total` (其中 a、b; （其中 a、b）; 其中：a；b; a、b分别为
    x、y), in order, stopping at a clause that is not an item (另有结转 2 件, 较上年…) or a
    number with another measure word; None when no list follows the total."""
    opening = _PARTS_OPENING.match(text, total.end + len(total.unit))
    if opening is None:
        return None
    layout = "bracket" if re.search(r"[（(]", opening.group("open")) else ""
    layout = layout or ("colon" if opening.group("colon") else "")
    end = _segment_end(text, opening.end(), layout)
    parts: list[Claim] = []
    for claim in claims:
        if claim.start < opening.end() or claim.start >= end:
            continue
        words = text[(parts[-1].end if parts else opening.end()) : claim.start]
        if claim.unit != total.unit or claim.percent or _NOT_A_PART.search(words + claim.clause):
            break
        if layout == "" and re.search(r"[；;]", words):
            break
        parts.append(claim)
    return parts


def parts_over_totals(text: str) -> list[PartsOverTotal]:
    """Totals whose listed parts (`_parts_after`) add up to more than the total, read from
    the claims of `text`. Fewer than two parts, or an approximate total or part, are not
    judged (a list may name only some kinds)."""
    found = []
    claims = find_claims(text)
    plain = normalize_text_keep(text)
    for total in claims:
        if total.unit not in _TOTAL_UNITS or total.percent:
            continue
        parts = _parts_after(plain, total, claims)
        if not parts or len(parts) < 2:
            continue
        if total.reading.approximate or any(p.reading.approximate for p in parts):
            continue
        values = [_whole(p.value) for p in parts]
        stated = _whole(total.value)
        if stated is None or any(v is None for v in values):
            continue
        listed = [(text[p.start : p.end] + p.unit, int(p.value)) for p in parts]
        item = PartsOverTotal(total.text, int(total.value), total.unit, listed)
        if item.added > stated:
            found.append(item)
    return found


def _whole(value: Decimal) -> int | None:
    return int(value) if value == value.to_integral_value() else None


# --- shares in words (全部、绝大多数、多数 …) ------------------------------------------------

ShareWhat = Literal[
    "自然人", "法人或其他组织", "予以公开", "公开", "未予公开", "不予公开", "无法提供", "不予处理",
    "结转下年度",
]  # fmt: skip
# What each share is of, as the messages name it: (the part, the whole). 公开 is 予以公开 and
# 部分公开 together; 未予公开 the rest of 办结; 结转下年度 is of every application handled.
SHARE_LABELS: dict[str, tuple[str, str]] = {
    "自然人": ("自然人", "新收"),
    "法人或其他组织": ("法人或其他组织", "新收"),
    "予以公开": ("予以公开", "办结"),
    "公开": ("予以公开和部分公开", "办结"),
    "未予公开": ("未予公开", "办结"),
    "不予公开": ("不予公开", "办结"),
    "无法提供": ("无法提供", "办结"),
    "不予处理": ("不予处理", "办结"),
    "结转下年度": ("结转下年度", "新收和上年结转"),
}
# Share words as written → the keys of `numbers.SHARE_WORD_ACCEPTS` (and 很少).
_WORD_KEYS = {
    "绝大多数": "绝大多数", "绝大部分": "绝大多数", "大多数": "大多数", "大部分": "大多数",
    "多数": "多数", "过半": "过半", "过半数": "过半", "半数以上": "半数以上", "一半以上": "半数以上",
    "半数": "半数", "一半": "半数", "少数": "少数", "小部分": "少数", "少部分": "少数",
    "很少": "很少", "极少": "很少", "少量": "很少", "全部": "全部", "均": "全部", "都": "全部",
    "为全部": "全部", "很高": "很高", "较高": "较高",
    "为一半": "半数", "接近一半": "近半", "较低": "较低",
}  # fmt: skip
_W = "(?<!极)(?P<w>绝大多数|绝大部分|大多数|大部分|多数|过半数?|半数以上|一半以上|半数|一半|少数|小部分|少部分|很少|极少|少量)"
_ALL = "(?P<w>全部|均|都)"
_NATURAL = r"(?:自然人|个人(?!信息|隐私|申请人?信息))"
_ORGS = r"法人(?:或|和|及|或者)其他组织"
_GROUP = "(?P<g>不予公开|无法提供|不予处理)"
_OF_DONE = "(?:办结(?:总数|申请|的申请)?的?)?"
# business other than applications that is also 办结 or 答复 (人大建议、政协提案、复议、信访 …)
_OTHER_BUSINESS = _lazy("建议|提案|复议|诉讼|信访|投诉|留言|热线|咨询")
# (what, pattern): the first pattern of a `what` that matches is its claim; a pattern without
# a group `w` states 全部, or the word after "!" in its key ("自然人!没有": 没有自然人提出的申请)
_SHARE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (what, _lazy(pattern))
    for what, pattern in (
        ("自然人!没有", rf"没有(?:任何)?{_NATURAL}"),
        ("自然人", rf"(?:全部|均|都|所有申请均)(?:是|为|来自|由)?{_NATURAL}"),
        ("自然人", rf"没有(?:任何)?{_ORGS}"),
        ("自然人!多数", rf"以{_NATURAL}(?:提出的?)?(?:申请)?为主"),
        ("自然人", rf"{_W}(?:的?申请|申请人)?(?:是|为|来自|由){_NATURAL}"),
        ("自然人", rf"{_NATURAL}[^，。；;]{{0,12}}?占(?:新收申请的?|申请总数的?)?{_W}"),
        ("法人或其他组织", rf"{_ALL}(?:是|为|来自|由)?{_ORGS}"),
        ("法人或其他组织!多数", rf"以{_ORGS}(?:提出的?)?(?:申请)?为主"),
        ("法人或其他组织", rf"{_W}(?:的?申请|申请人)?(?:是|为|来自|由){_ORGS}"),
        ("法人或其他组织", rf"{_ORGS}[^，。；;]{{0,12}}?占(?:新收申请的?|申请总数的?)?{_W}"),
        ("公开", rf"{_ALL}得到全部或部分公开"),
        ("公开", rf"{_W}(?:的?申请)?得到(?:全部或部分)?公开"),
        ("公开", rf"(?:全部或部分公开|得到公开|(?<![以分予])公开)的(?:申请)?占{_OF_DONE}{_W}"),
        ("公开", r"公开比例(?P<w>为全部|很高|较高|过半|为一半|接近一半|较低)"),
        ("予以公开", rf"(?:{_ALL}|结果均为)予以公开(?![^，。；;]{{0,4}}(?:或|和|及)?部分公开)"),
        (
            "予以公开",
            rf"{_W}(?:的?申请)?(?:被|已|得到)?予以公开(?![^，。；;]{{0,4}}(?:或|和|及)?部分公开)",
        ),
        ("予以公开", rf"予以公开的(?:申请)?占{_OF_DONE}{_W}"),
        ("未予公开", rf"未(?:予|能|获)?公开的(?:申请)?(?:只|仅)?占?{_OF_DONE}{_W}"),
        ("未予公开", rf"{_W}(?:的?申请)?未(?:予|能|获)公开"),
        (
            "结转下年度!没有",
            r"申请[^，。；;]{0,8}?(?:全部|均|都)(?:已|在|年内|当年|本年|年底前|按期|按时|法定期限内|依法)*"
            r"(?:办结|办理完毕|答复完毕)"
            r"|(?:没有|无|未有)(?:申请)?结转(?:到|至)?下一?年度|(?:没有|无)结转|年内答复了全部申请",
        ),
        ("结转下年度", rf"{_W}(?:的?申请)?(?:结转|跨年度|留待下一?年度)"),
    )
)
# 多数不予公开 / 无法提供的占多数 / 均为不予处理: a result group's share of 办结 (its word in `w`)
_GROUP_PATTERNS = (
    _lazy(rf"{_W}(?:的?申请)?(?:被|答复为|均为|为|属于)?{_GROUP}"),
    _lazy(rf"{_ALL}(?:被|答复为|为|属于)?{_GROUP}"),
    _lazy(rf"{_GROUP}的(?:申请|答复)?占{_OF_DONE}{_W}"),
)


@dataclass(frozen=True)
class ShareWordClaim:
    """A share of 表三 stated in words: `phrase` as written, `word` (a key of
    `numbers.SHARE_WORD_ACCEPTS`, or 没有 / 很少), `what` (a key of `SHARE_LABELS`: 自然人 of
    新收, 予以公开 of 办结 …)."""

    phrase: str
    word: str
    what: ShareWhat


def share_word_claims(text: str) -> list[ShareWordClaim]:
    """The shares of 表三 one sentence states in words: the applicant mix of 新收 (全部来自自然人,
    申请人绝大多数是自然人, 没有自然人提出的申请, 均为法人或其他组织), the results of 办结
    (全部予以公开, 全部或部分公开的占多数, 公开比例较高, 未予公开的很少, 多数不予公开, 大部分无法提供)
    and what was carried forward (全部办结, 没有结转下年度的申请, 少量申请结转下年度). Sentences
    about 上年结转 are not read (their mix is another row of 表三); results only in a sentence
    about applications (申请, 办结 or 答复)."""
    if re.search("上一?年度?结转", text):
        return []
    about_results = "申请" in text or (
        any(w in text for w in ("办结", "答复", "未予公开", "公开比例"))
        and not _OTHER_BUSINESS.search(text)
    )
    found: list[ShareWordClaim] = []
    seen: set[str] = set()
    for key, pattern in _SHARE_PATTERNS:
        what, _, default = key.partition("!")
        if what in seen or (what not in ("自然人", "法人或其他组织") and not about_results):
            continue
        m = pattern.search(text)
        if m:
            written = m.groupdict().get("w")
            word = _WORD_KEYS[written] if written else (default or "全部")
            found.append(ShareWordClaim(m.group(0), word, what))  # type: ignore[arg-type]
            seen.add(what)
    if about_results:
        for pattern in _GROUP_PATTERNS:
            for m in pattern.finditer(text):
                what = m.group("g")
                if what not in seen:
                    found.append(ShareWordClaim(m.group(0), _WORD_KEYS[m.group("w")], what))  # type: ignore[arg-type]
                    seen.add(what)
    return found


def share_word_holds(claim: ShareWordClaim, part: int, whole: int) -> bool:
    """Whether `part` of `whole` bears out the claim's word, by the drafter's thresholds
    (`numbers.share_word_holds`; a whole of 0 holds nothing, so nothing is contradicted)."""
    return share_holds(claim.word, part, whole)


@dataclass(frozen=True)
class ShareWordConflict:
    """A share in words the figures of 表三 do not bear out: the claim and its (part, whole)."""

    claim: ShareWordClaim
    part: int
    whole: int

    def data_text(self) -> str:
        """自然人 22 件，占新收 30 件的73%: what 表三 says, for messages."""
        label, of = SHARE_LABELS[self.claim.what]
        share = round(self.part * 100 / self.whole) if self.whole else 0
        return f"{label} {self.part} 件，占{of} {self.whole} 件的{share}%"


def share_word_conflicts(text: str, data: ClaimData) -> list[ShareWordConflict]:
    """The shares in words of one sentence (`share_word_claims`) that the report's figures
    (`ClaimData.shares`, from `facts.share_bases`) contradict: the one rule of the guard and
    P-01."""
    conflicts = []
    for claim in share_word_claims(text):
        base = data.shares.get(claim.what)
        if base is not None and not share_word_holds(claim, *base):
            conflicts.append(ShareWordConflict(claim, *base))
    return conflicts
