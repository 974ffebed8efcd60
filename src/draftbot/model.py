"""Pydantic models of one 政府信息公开工作年度报告's data.

Field names follow format-spec §5 (English snake_case); the Chinese labels they stand for
live in `tables.py`. Totals are computed by the tool; a total stated in a file (for example
transcribed from a published report) is kept as `total` and checked, never replaced.
"""

import contextvars
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, TypeGuard, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PlainSerializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .excerpt import excerpt
from .formats import (
    CURRENT_FORMAT,
    FORMATS,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    RESULT_ROWS_COMMON,
    FormatDescription,
    FormatVersion,
    default_format_for,
    format_of,
    parse_format_version,
)
from .numbers import (
    BLANK_MARKS,
    DEFAULT_COUNT_UNITS,
    PUBLISHED_BOUNDS,
    TYPED_BOUNDS,
    Bounds,
    NumberError,
    blank_message,
    format_amount,
    normalize_text,
    parse_amount,
    parse_count,
)
from .outline import SECTION_KEYS, SECTION_LABELS, SectionKey

FIRST_REPORT_YEAR = min(f.first_year for f in FORMATS.values())  # the first format's first year
REGULATION_YEAR = 2008  # 《政府信息公开条例》 took effect on 2008-05-01: no report before
#: Report years, publish dates and daily caps follow the calendar in Beijing (UTC+8, no DST).
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def beijing_today() -> dt.date:
    """Today's date in Beijing, whatever the machine's time zone."""
    return dt.datetime.now(BEIJING).date()


def _report_year(year: int) -> int:
    """A 统计年度 the tool has a format for (`FIRST_REPORT_YEAR` on; formats.py), else a
    Chinese message saying why: before 2008 no report exists, 2008–2018 used the old format."""
    if year < REGULATION_YEAR:
        raise PydanticCustomError(
            "draftbot_year",
            f"{year} 年早于《政府信息公开条例》施行（2008 年 5 月 1 日），没有这一年度的年度报告；"
            "请核对统计年度（报告所统计的那一年，一般为发布年份的上一年）",
        )
    if year < FIRST_REPORT_YEAR:
        supported = "；".join(
            f"{f.phrase}：{f.first_year}" + (f"～{f.last_year} 年度" if f.last_year else " 年度起")
            for f in sorted(FORMATS.values(), key=lambda f: f.first_year)
        )
        raise PydanticCustomError(
            "draftbot_year",
            f"{year} 年度的报告使用 {FIRST_REPORT_YEAR} 年以前的旧格式，本工具只支持 "
            f"{FIRST_REPORT_YEAR} 年度起的格式（{supported}）；请核对统计年度",
        )
    return year


# Set while a report read from a published document is validated (design §7, provenance):
# its values get the wide `PUBLISHED_BOUNDS`; values a clerk types keep `TYPED_BOUNDS`.
_BOUNDS: contextvars.ContextVar[Bounds] = contextvars.ContextVar("bounds", default=TYPED_BOUNDS)


class CountIn:
    """The validator of a count field whose text may end in one of `units` (场, 次 …): `raw`
    (int, or text such as “1,200”、“三”、“两场”) → int ≥ 0 within the bounds in force; raises
    pydantic's `PydanticCustomError` (type `draftbot_count`) with a Chinese message otherwise.

    The one declaration of a count field's unit: `paths.count_units` reads it for the
    interview and the web forms, so all three accept and refuse the same measure words.
    `max_count` raises the typed bound for a count that is real beyond it (a province's 12345
    hotline: millions of cases a year); the published bounds, wider, stay."""

    def __init__(self, *units: str, max_count: int | None = None) -> None:
        self.units: tuple[str, ...] = units
        self.max_count = max_count

    def __call__(self, raw: object) -> int:
        bounds = _BOUNDS.get()
        if self.max_count is not None and self.max_count > bounds.max_count:
            bounds = dataclasses.replace(bounds, max_count=self.max_count)
        try:
            return parse_count(raw, bounds, self.units)
        except NumberError as exc:
            raise PydanticCustomError("draftbot_count", str(exc)) from None


as_count = CountIn(*DEFAULT_COUNT_UNITS)  # a table cell: 件 (个, 条)


def as_amount(raw: object) -> Decimal:
    """The validator of every amount field: `raw` (number or text such as “3.5”) → a Decimal
    ≥ 0 in the field's unit (元 or 万元), within the bounds in force; raises
    `PydanticCustomError` (type `draftbot_amount`) with a Chinese message otherwise."""
    try:
        return parse_amount(raw, _BOUNDS.get())
    except NumberError as exc:
        raise PydanticCustomError("draftbot_amount", str(exc)) from None


def _signed_count(raw: object) -> int:
    """2019 表二 本年增/减 may be negative: parse the magnitude, keep the sign."""
    blank = blank_message(raw)
    if blank:
        raise PydanticCustomError("draftbot_count", blank)
    text = normalize_text(str(raw))
    negative = text.startswith("-")
    try:
        value = parse_count(text.lstrip("+-"), _BOUNDS.get())
    except NumberError:
        raise PydanticCustomError(
            "draftbot_count", f"应为整数（可为负数），收到“{excerpt(raw)}”"
        ) from None
    return -value if negative else value


Count = Annotated[int, BeforeValidator(as_count), Field(json_schema_extra={"minimum": 0})]
_NON_NEGATIVE = Field(json_schema_extra={"minimum": 0})
# Counts in their own units (the question bank asks for the same unit).
SessionCount = Annotated[int, BeforeValidator(CountIn("场", "次")), _NON_NEGATIVE]  # 新闻发布会
TimesCount = Annotated[int, BeforeValidator(CountIn("次", "期", "场")), _NON_NEGATIVE]  # 培训, 通报
AccountCount = Annotated[int, BeforeValidator(CountIn("个", "处")), _NON_NEGATIVE]  # 账号, 查阅点
PeopleCount = Annotated[int, BeforeValidator(CountIn("人次", "人")), _NON_NEGATIVE]  # 培训人次
IssueCount = Annotated[int, BeforeValidator(CountIn("期")), _NON_NEGATIVE]  # 政府公报
ItemCount = Annotated[int, BeforeValidator(CountIn("项", "件", "个")), _NON_NEGATIVE]  # 征求意见
MessageCount = Annotated[int, BeforeValidator(CountIn("件", "条")), _NON_NEGATIVE]  # 留言
StaffCount = Annotated[int, BeforeValidator(CountIn("名", "人")), _NON_NEGATIVE]  # 工作人员
# 热线受理 and 新媒体发布信息: a province's hotline takes millions of cases a year, its accounts post
# hundreds of thousands to millions of items (typed bounds 100 million and 10 million).
CaseCount = Annotated[
    int, BeforeValidator(CountIn("件", max_count=100_000_000)), _NON_NEGATIVE
]  # 热线受理
PostCount = Annotated[
    int, BeforeValidator(CountIn("条", "篇", max_count=10_000_000)), _NON_NEGATIVE
]  # 新媒体发布信息
SignedCount = Annotated[int, BeforeValidator(_signed_count)]
Amount = Annotated[
    Decimal,
    BeforeValidator(as_amount),
    PlainSerializer(format_amount, return_type=str, when_used="json"),
    Field(json_schema_extra={"type": ["string", "number"]}),
]


def _list() -> list[Any]:
    return []


def _dict() -> dict[str, Any]:
    return {}


_M = TypeVar("_M", bound=BaseModel)


def _made(model: type[_M]) -> Callable[[], _M]:
    """The default factory `model()` as a plain function: pydantic reads a default factory's
    signature, and a model class's (or `list`'s) signature costs many times a function's."""

    def make() -> _M:
        return model()

    return make


MAX_SECTION_CHARS = 20000  # one narrative section; a longer model answer falls back offline


class Strict(BaseModel):
    """Base for every data model: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class AgencyLevel(str, Enum):
    county_department = "县级部门"
    township = "乡镇（街道）"
    city_department = "市级部门"
    provincial_department = "省级部门"
    county_government = "区县政府"
    city_government = "市级政府"
    provincial_government = "省级政府"
    other = "其他"

    @property
    def is_government(self) -> bool:
        """Whether this is a people's government (区县、市级、省级政府), whose report covers its
        whole area, rather than a department or a 乡镇（街道）."""
        return self.name.endswith("_government")


class Meta(Strict):
    agency: str = Field(min_length=2, max_length=100, description="机关全称，如 稷山县工业和科技局")
    level: AgencyLevel = Field(AgencyLevel.county_department, description="机关层级")
    region: str = Field("", max_length=60, description="所在行政区划全称，如 山西省运城市稷山县")
    report_year: Annotated[int, AfterValidator(_report_year)] = Field(
        le=2100, json_schema_extra={"minimum": FIRST_REPORT_YEAR}, description="统计年度"
    )
    publish_date: dt.date | None = Field(None, description="发布日期（落款日期）")
    format_version: FormatVersion | None = Field(
        None, description="格式版本：2019/2020 年度用 2019（试行），之后用 2021；留空自动选择"
    )
    website: str = Field("", max_length=200, description="电子版下载网址（政府门户网站）")
    contact: str = Field("", max_length=200, description="联系方式（地址、电话等）")
    allowed_places: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=_list,
        max_length=50,
        description="允许地名：正文中可以出现的其他地区名称或层级用语（如对口帮扶的地区），"
        "审校时不再提示",
    )

    @property
    def effective_format(self) -> FormatVersion:
        if self.format_version:
            return self.format_version
        return default_format_for(self.report_year)


# --- 表二 ---------------------------------------------------------------------------------


class DocumentCounts(Strict):
    """表二 第二十条第（一）项, 2021: 本年制发件数 / 本年废止件数 / 现行有效件数."""

    issued: Count = 0
    repealed: Count = 0
    in_force: Count = 0


class Table2(Strict):
    """表二 (2021 format)."""

    regulations: DocumentCounts = Field(default_factory=_made(DocumentCounts))
    normative_documents: DocumentCounts = Field(default_factory=_made(DocumentCounts))
    licensing: Count = 0
    penalty: Count = 0
    coercion: Count = 0
    fees_wan_yuan: Amount = Field(Decimal(0), description="行政事业性收费 本年收费金额（万元）")


class DocumentCounts2019(Strict):
    """表二 第二十条第（一）项, 2019: 本年新制作数量 / 本年新公开数量 / 对外公开总数量."""

    made: Count = 0
    published: Count = 0
    total_public: Count = 0


class ItemCounts2019(Strict):
    """2019 表二 rows with 上一年项目数量 / 本年增/减 / 处理决定数量."""

    previous_items: Count = 0
    change: SignedCount = 0
    decisions: Count = 0


class FeeItems2019(Strict):
    previous_items: Count = 0
    change: SignedCount = 0


class Procurement2019(Strict):
    projects: Count = Field(0, description="政府集中采购 采购项目数量（个）")
    amount: Amount = Field(
        Decimal(0), description="政府集中采购 采购总金额（万元；251000元填 25.1）"
    )


class Table2v2019(Strict):
    """表二 (2019 试行 format)."""

    regulations: DocumentCounts2019 = Field(default_factory=_made(DocumentCounts2019))
    normative_documents: DocumentCounts2019 = Field(default_factory=_made(DocumentCounts2019))
    licensing: ItemCounts2019 = Field(default_factory=_made(ItemCounts2019))
    other_services: ItemCounts2019 = Field(default_factory=_made(ItemCounts2019))
    penalty: ItemCounts2019 = Field(default_factory=_made(ItemCounts2019))
    coercion: ItemCounts2019 = Field(default_factory=_made(ItemCounts2019))
    fees: FeeItems2019 = Field(default_factory=_made(FeeItems2019))
    procurement: Procurement2019 = Field(default_factory=_made(Procurement2019))


# --- 表三 ---------------------------------------------------------------------------------

APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other",
)


class ApplicantCounts(Strict):
    """One row of 表三: six applicant columns plus an optional stated 总计."""

    natural_person: Count = 0
    commercial: Count = 0
    research: Count = 0
    social_welfare: Count = 0
    legal_service: Count = 0
    other: Count = 0
    total: Count | None = Field(None, description="总计：留空则由工具计算；填写则与计算值核对")

    @property
    def computed_total(self) -> int:
        return sum(self.values())

    @property
    def shown_total(self) -> int:
        """The 总计 printed in the table: the stated one if given, else the computed one."""
        return self.computed_total if self.total is None else self.total

    def values(self) -> list[int]:
        return [getattr(self, name) for name in APPLICANT_COLUMNS]

    def column(self, name: str) -> int:
        return self.shown_total if name == "total" else getattr(self, name)


def _row() -> ApplicantCounts:
    return ApplicantCounts()


def result_rows(version: FormatVersion) -> tuple[str, ...]:
    """The 本年度办理结果 rows (（一）…（六）) of a format version, in table order."""
    return format_of(version).result_rows


class Table3(Strict):
    """表三 收到和处理政府信息公开申请情况."""

    new_received: ApplicantCounts = Field(default_factory=_row)
    carried_over: ApplicantCounts = Field(default_factory=_row)
    granted: ApplicantCounts = Field(default_factory=_row)
    partially_granted: ApplicantCounts = Field(default_factory=_row)
    denied_state_secret: ApplicantCounts = Field(default_factory=_row)
    denied_law_prohibited: ApplicantCounts = Field(default_factory=_row)
    denied_three_security_one_stability: ApplicantCounts = Field(default_factory=_row)
    denied_third_party: ApplicantCounts = Field(default_factory=_row)
    denied_internal_affairs: ApplicantCounts = Field(default_factory=_row)
    denied_process_info: ApplicantCounts = Field(default_factory=_row)
    denied_enforcement_file: ApplicantCounts = Field(default_factory=_row)
    denied_admin_query: ApplicantCounts = Field(default_factory=_row)
    unable_not_held: ApplicantCounts = Field(default_factory=_row)
    unable_need_creation: ApplicantCounts = Field(default_factory=_row)
    unable_unclear_after_correction: ApplicantCounts = Field(default_factory=_row)
    not_processed_petition: ApplicantCounts = Field(default_factory=_row)
    not_processed_repeat: ApplicantCounts = Field(default_factory=_row)
    not_processed_publication: ApplicantCounts = Field(default_factory=_row)
    not_processed_massive: ApplicantCounts = Field(default_factory=_row)
    not_processed_confirm: ApplicantCounts = Field(default_factory=_row)
    other_no_correction: ApplicantCounts = Field(default_factory=_row)
    other_no_fee_paid: ApplicantCounts = Field(default_factory=_row)
    other_other: ApplicantCounts = Field(default_factory=_row)
    other_processing: ApplicantCounts = Field(
        default_factory=_row, description="（六）其他处理：仅 2019（试行）格式使用"
    )
    results_total: ApplicantCounts | None = Field(
        None, description="（七）总计：留空则由工具计算；填写则与计算值核对"
    )
    carried_forward: ApplicantCounts = Field(default_factory=_row)

    def row(self, key: str) -> ApplicantCounts:
        if key == "results_total":
            return self.results_total or self.computed_results_total(None)
        return getattr(self, key)

    def computed_results_total(self, version: FormatVersion | None) -> ApplicantCounts:
        """（七）总计 as the sum of the result rows (both variants' rows when version is None)."""
        keys = (
            RESULT_ROWS_COMMON + OTHER_ROWS_2021 + OTHER_ROWS_2019
            if version is None
            else result_rows(version)
        )
        sums = {col: sum(getattr(getattr(self, k), col) for k in keys) for col in APPLICANT_COLUMNS}
        # a computed sum is not an entry: the per-cell bound (MAX_COUNT) does not apply to it,
        # and rows near the bound must not turn a total into a validation error
        return ApplicantCounts.model_construct(**sums)

    def results_column_total(self, version: FormatVersion, column: str) -> int:
        """The （七）总计 cell: stated if given, else computed. In the 总计 column the computed
        value is the sum of each result row's 总计 (a row may state only its total)."""
        if self.results_total is not None:
            return self.results_total.column(column)
        if column == "total":
            return sum(self.row(key).shown_total for key in result_rows(version))
        return sum(getattr(getattr(self, key), column) for key in result_rows(version))


# --- 表四 ---------------------------------------------------------------------------------

CASE_COLUMNS: tuple[str, ...] = ("maintained", "corrected", "other", "pending")


class CaseCounts(Strict):
    """One block of 表四: 结果维持 / 结果纠正 / 其他结果 / 尚未审结 and 总计."""

    maintained: Count = 0
    corrected: Count = 0
    other: Count = 0
    pending: Count = 0
    total: Count | None = Field(None, description="总计：留空则由工具计算；填写则与计算值核对")

    @property
    def computed_total(self) -> int:
        return self.maintained + self.corrected + self.other + self.pending

    @property
    def shown_total(self) -> int:
        return self.computed_total if self.total is None else self.total


class Table4(Strict):
    """表四 政府信息公开行政复议、行政诉讼情况."""

    review: CaseCounts = Field(default_factory=_made(CaseCounts))
    litigation_direct: CaseCounts = Field(default_factory=_made(CaseCounts))
    litigation_after_review: CaseCounts = Field(default_factory=_made(CaseCounts))


# --- narrative inputs ---------------------------------------------------------------------


class PublishedCategory(Strict):
    """One category of proactively published information, e.g. 政策解读 3 条."""

    name: str = Field(min_length=1, max_length=60)
    count: Count


class PreviousProblem(Strict):
    problem: str = Field(min_length=1, max_length=500)
    rectification: str = Field("", max_length=2000, description="本年整改情况")


class InfoFee(Strict):
    """信息处理费 (国办函〔2020〕109号)."""

    notices_issued: Count = Field(0, description="发出收费通知的件数")
    notices_amount_yuan: Amount = Field(Decimal(0), description="收费通知的总金额（元）")
    collected_yuan: Amount = Field(Decimal(0), description="实际收取的总金额（元）")


PracticeItem = Annotated[str, Field(min_length=1, max_length=60)]


class Practices(Strict):
    """Concrete practices of the year, asked one by one; each answer becomes one clause of
    its sub-part of 一、总体情况 (None / empty: not reported, nothing is written)."""

    review_methods: list[PracticeItem] = Field(
        default_factory=_list,
        max_length=10,
        description="信息发布前的审查做法（如 保密审查、三审三校；写入（三））",
    )
    updated_guides: list[PracticeItem] = Field(
        default_factory=_list,
        max_length=10,
        description="本年更新的公开指南、公开目录（写入（三））",
    )
    interpretation_forms: list[PracticeItem] = Field(
        default_factory=_list,
        max_length=10,
        description="政策解读采用的形式（如 文字解读、图解、视频、问答；写入（一））",
    )
    responses: TimesCount | None = Field(None, description="回应社会关切的次数（次；写入（一））")
    new_media_accounts: AccountCount | None = Field(
        None, description="运营的政务新媒体账号（个；写入（四））"
    )
    reading_points: AccountCount | None = Field(
        None, description="政府信息公开查阅点、公开专区（个；写入（四））"
    )
    trained_people: PeopleCount | None = Field(
        None, description="参加政务公开培训的人次（写入（五））"
    )
    supervision_methods: list[PracticeItem] = Field(
        default_factory=_list,
        max_length=10,
        description="监督考核的做法（如 纳入年度绩效考核、社会评议、责任追究；写入（五））",
    )
    circulars: TimesCount | None = Field(
        None, description="政务公开工作通报的次数（次；写入（五））"
    )
    attributed_documents: Count | None = Field(
        None, description="起草时即认定公开属性的公文（源头认定；件；写入（三））"
    )
    attributed_public: Count | None = Field(
        None, description="其中认定为主动公开的公文（件；写入（三））"
    )

    @model_validator(mode="after")
    def _public_within_attributed(self) -> "Practices":
        """认定为主动公开的公文不多于源头认定公开属性的公文."""
        got, public = self.attributed_documents, self.attributed_public
        if got is not None and public is not None and public > got:
            raise PydanticCustomError(
                "draftbot_facts",
                f"认定为主动公开的公文（facts.practices.attributed_public，{public} 件）多于"
                f"源头认定公开属性的公文（facts.practices.attributed_documents，{got} 件）；"
                "请核对这两个数",
            )
        return self


class AreaWork(Strict):
    """What a government (区县/市/省政府) or a 乡镇（街道） reports for its whole area, asked one
    by one; each answer becomes one clause of its sub-part of 一、总体情况 (None / empty: not
    reported, nothing is written). Counts are in the unit their description names."""

    key_areas: list[PracticeItem] = Field(
        default_factory=_list,
        max_length=15,
        description="本年重点公开的领域（如 财政预决算、重大建设项目、公共资源配置、社会救助；写入（一））",
    )
    proposals: Count | None = Field(
        None, description="公开人大代表建议、政协提案办理结果（件；写入第六部分）"
    )
    open_days: TimesCount | None = Field(None, description="举办政府开放日活动（次；写入（一））")
    gazette_issues: IssueCount | None = Field(None, description="编印政府公报（期；写入（四））")
    gazette_documents: Count | None = Field(
        None, description="政府公报刊登的文件（件；写入（四））"
    )
    website_columns: list[PracticeItem] = Field(
        default_factory=_list,
        max_length=10,
        description="政府网站本年新开设或改版的栏目、专题（写入（四））",
    )
    villages: Count | None = Field(
        None, description="开展村（居）务公开的村（社区）（个；写入（四））"
    )
    notice_boards: Count | None = Field(
        None, description="设置的政务公开栏、村（居）务公开栏（个；写入（四））"
    )
    meeting_topics: ItemCount | None = Field(
        None, description="政府常务会议议题会后公开或解读（个；写入（一））"
    )
    site_checks: TimesCount | None = Field(
        None, description="对本地区政府网站和政务新媒体的监测检查（次；写入（四））"
    )
    site_problems_fixed: ItemCount | None = Field(
        None, description="监测检查发现并整改的问题（个；写入（四））"
    )
    accounts_closed: AccountCount | None = Field(
        None, description="关停、整合的政务新媒体账号（个；写入（四）；不是运营的账号数）"
    )
    covered_departments: Count | None = Field(
        None, description="汇总报告汇总的部门报告（个；由汇总计算，写入开头）"
    )
    covered_townships: Count | None = Field(
        None, description="汇总报告汇总的乡镇（街道）报告（个；由汇总计算，写入开头）"
    )


class Engagement(Strict):
    """决策公开、政民互动和建议提案办理: what any agency may count (列席政府常务会议: the
    governments), asked one by one; each answer becomes one clause (征求意见 and 列席 in
    （一）主动公开, 留言 in （四）平台建设 as the website's or hotline's work, 承办建议提案 in
    第六部分 beside `AreaWork.proposals`; 12345 热线受理、在线访谈 and 新媒体发布信息 in （四）
    with the 留言, so that 政民互动 reads as one passage and the posts follow the accounts they were
    posted from, `Practices.new_media_accounts`). None: not reported, nothing is written."""

    consultations: ItemCount | None = Field(
        None, description="公开征求意见的重大行政决策、政策文件草案（项；写入（一））"
    )
    attendees: PeopleCount | None = Field(
        None, description="邀请公众代表、利益相关方列席政府常务会议（人次；写入（一））"
    )
    messages: MessageCount | None = Field(
        None,
        description="政府网站留言、信箱等收到的群众留言（件；写入（四）；"
        "热线受理的另填 hotline_cases）",
    )
    messages_answered: MessageCount | None = Field(
        None, description="其中已办结（答复）的留言（件；写入（四））"
    )
    hotline_cases: CaseCount | None = Field(
        None,
        description="12345 政务服务便民热线（或本机关的服务热线）受理、办理的群众诉求（件；写入（四））",
    )
    interviews: TimesCount | None = Field(
        None, description="举办或参加的在线访谈、网上访谈、政民互动直播（期、次或场；写入（四））"
    )
    new_media_posts: PostCount | None = Field(
        None, description="政务新媒体全年发布信息（条；写入（四），紧跟政务新媒体账号）"
    )
    suggestions: Count | None = Field(
        None, description="承办（主办）的人大代表建议（件；写入第六部分）"
    )
    cppcc_proposals: Count | None = Field(
        None, description="承办（主办）的政协提案（件；写入第六部分）"
    )

    @model_validator(mode="after")
    def _answered_within_received(self) -> "Engagement":
        """办结的留言不多于收到的留言."""
        got, done = self.messages, self.messages_answered
        if got is not None and done is not None and done > got:
            raise PydanticCustomError(
                "draftbot_facts",
                f"已办结（答复）的留言（facts.engagement.messages_answered，{done} 件）多于"
                f"收到的留言（facts.engagement.messages，{got} 件）；请核对这两个数",
            )
        return self

    @property
    def handled(self) -> int | None:
        """承办的人大代表建议和政协提案之和, when both are given (else not known)."""
        if self.suggestions is None or self.cppcc_proposals is None:
            return None
        return self.suggestions + self.cppcc_proposals


# A post, as a leading group's head is named in reports: 局长, 镇长, 分管副县长, 党组书记、局长.
_POST = re.compile(r"[\u4e00-\u9fff、]{2,12}")
_POST_WORDS = re.compile(r"^由?(.+?)(?:(?:担任|任)(?:领导小组)?组长)?$")
_POST_ENDS = "长任记员人席导"  # 局长 主任 书记 委员 负责人 主席 主要领导
_DIGITS = re.compile(r"[0-9０-９〇零一二三四五六七八九十百千两]")
# A document title: 2023年政务公开工作要点, 关于印发…实施方案的通知 (no sentence inside).
_TITLE = re.compile(r"[^《》<>。；;！!？?了\n]{4,60}")
_TITLE_END = ("要点", "方案", "计划", "安排", "清单", "任务", "意见", "通知", "办法", "细则")


def _post_title(raw: object) -> str | None:
    """The validator of `Organisation.group_head`: a post (局长, 分管副县长), written as the
    clerk may answer it (由局长任组长 → 局长); blank is None (not reported); Chinese message
    naming the field otherwise."""
    if raw is None or not str(raw).strip():
        return None
    text = normalize_text(str(raw)).replace(" ", "").strip("。，,；;")
    match = _POST_WORDS.match(text)
    post = match.group(1) if match else text
    if not _POST.fullmatch(post) or _DIGITS.search(post) or post[-1] not in _POST_ENDS:
        raise PydanticCustomError(
            "draftbot_post",
            "领导小组组长应填写职务名称（2～12 个汉字，不含数字），如 局长、镇长、分管副县长；"
            f"收到“{excerpt(raw)}”",
        )
    return post


def _plan_title(raw: object) -> str | None:
    """The validator of `Organisation.work_plan`: a document title, kept in 《》
    (2023年政务公开工作要点 → 《2023年政务公开工作要点》; an inner title in 〈〉 is kept);
    blank is None (not reported); Chinese message naming the field otherwise (a sentence, 《》
    inside, no 公开, or no 要点/方案/计划… at the end)."""
    if raw is None or not str(raw).strip():
        return None
    text = normalize_text(str(raw)).strip().strip("。，,；;")
    inner = text[1:-1] if text.startswith("《") and text.endswith("》") else text
    if not _TITLE.fullmatch(inner) or "公开" not in inner or not inner.endswith(_TITLE_END):
        raise PydanticCustomError(
            "draftbot_title",
            "年度工作要点应填写文件标题（4～60 个字，含“公开”，以 要点、方案、计划 等结尾，不含句号），"
            f"如 《2023年政务公开工作要点》；收到“{excerpt(raw)}”",
        )
    return f"《{inner}》"


# Blank answers are None (not reported), as an empty count is.
PostTitle = Annotated[str | None, BeforeValidator(_post_title)]  # at most 12 characters
PlanTitle = Annotated[str | None, BeforeValidator(_plan_title)]  # at most 60 inside 《》


class Organisation(Strict):
    """How the work is organised (every level): the 政务公开工作领导小组's head, the staff, the
    leadership's study meetings and the year's plan, asked one by one; each answer becomes
    one clause of （五）监督保障 (None: not reported, nothing is written)."""

    group_head: PostTitle = Field(
        None, description="政务公开工作领导小组组长的职务（如 局长、镇长、分管副县长；写入（五））"
    )
    staff: StaffCount | None = Field(
        None, description="负责政务公开工作的专兼职工作人员（名；写入（五））"
    )
    study_meetings: TimesCount | None = Field(
        None,
        description="领导班子专题研究政务公开工作的次数（班子会议或政府常务会议；次；写入（五））",
    )
    work_plan: PlanTitle = Field(
        None, description="本年印发的政务公开工作要点或实施方案的标题（写入（五））"
    )
    plan_tasks: ItemCount | None = Field(
        None, description="年度工作要点分解的任务（项；写入（五），各级人民政府）"
    )
    plan_tasks_done: ItemCount | None = Field(
        None, description="其中本年已完成的任务（项；写入（五））"
    )

    @model_validator(mode="after")
    def _done_within_tasks(self) -> "Organisation":
        """已完成的任务不多于工作要点的任务."""
        tasks, done = self.plan_tasks, self.plan_tasks_done
        if tasks is not None and done is not None and done > tasks:
            raise PydanticCustomError(
                "draftbot_facts",
                f"已完成的任务（facts.organisation.plan_tasks_done，{done} 项）多于年度工作要点"
                f"的任务（facts.organisation.plan_tasks，{tasks} 项）；请核对这两个数",
            )
        return self


class Facts(Strict):
    """What the clerk tells about the year; the drafter writes the prose from it."""

    proactive_total: Count | None = Field(None, description="本年主动公开政府信息条数")
    proactive_categories: list[PublishedCategory] = Field(default_factory=_list, max_length=50)
    policy_interpretations: Count | None = Field(None, description="发布政策解读条数")
    press_conferences: SessionCount | None = Field(None, description="召开新闻发布会场次")
    channels: list[str] = Field(default_factory=_list, max_length=30, description="主动公开渠道")
    proactive_notes: str = Field("", max_length=5000, description="主动公开的其他情况")
    on_request_notes: str = Field("", max_length=5000, description="依申请公开的工作情况")
    management_notes: str = Field("", max_length=5000, description="政府信息管理情况")
    platform_notes: str = Field("", max_length=5000, description="政府信息公开平台建设情况")
    supervision_notes: str = Field("", max_length=5000, description="监督保障情况")
    training_sessions: TimesCount | None = Field(None, description="组织政务公开培训次数")
    problems: list[str] = Field(default_factory=_list, max_length=30, description="本年存在的问题")
    measures: list[str] = Field(default_factory=_list, max_length=30, description="改进措施")
    previous_problems: list[PreviousProblem] = Field(default_factory=_list, max_length=30)
    practices: Practices = Field(default_factory=_made(Practices), description="本年的具体做法")
    area: AreaWork = Field(
        default_factory=_made(AreaWork),
        description="各级人民政府、乡镇（街道）本地区的做法（重点领域、公报、网站栏目、村务公开）",
    )
    engagement: Engagement = Field(
        default_factory=_made(Engagement),
        description="决策公开、政民互动和建议提案办理（征求意见、列席会议、留言、热线、在线访谈、"
        "新媒体发布信息、承办建议提案）",
    )
    organisation: Organisation = Field(
        default_factory=_made(Organisation),
        description="工作的组织（领导小组、工作人员、专题研究、年度工作要点）",
    )
    info_fee: InfoFee = Field(default_factory=_made(InfoFee))
    other_matters: str = Field("", max_length=5000, description="其他需要报告的事项")

    @model_validator(mode="after")
    def _published_within_handled(self) -> "Facts":
        """公开办理结果的建议提案不多于承办的建议和提案之和 (when both handled counts are given)."""
        handled, published = self.engagement.handled, self.area.proposals
        if handled is not None and published is not None and published > handled:
            raise PydanticCustomError(
                "draftbot_facts",
                f"公开办理结果的建议提案（facts.area.proposals，{published} 件）多于承办的"
                f"人大代表建议（facts.engagement.suggestions，{self.engagement.suggestions} 件）"
                f"和政协提案（facts.engagement.cppcc_proposals，"
                f"{self.engagement.cppcc_proposals} 件）之和 {handled} 件；请核对这三个数",
            )
        return self

    @model_validator(mode="after")
    def _posts_need_accounts(self) -> "Facts":
        """新媒体发布信息 needs an account to post from: not more than 0 when 0 accounts are run."""
        accounts, posts = self.practices.new_media_accounts, self.engagement.new_media_posts
        if accounts == 0 and posts:
            raise PydanticCustomError(
                "draftbot_facts",
                f"政务新媒体全年发布信息（facts.engagement.new_media_posts，{posts} 条），"
                f"但运营的政务新媒体账号（facts.practices.new_media_accounts）为 0 个；"
                "请核对这两个数",
            )
        return self


def _prose(key: SectionKey) -> str:
    """A narrative field: at most MAX_SECTION_CHARS, described by its place in the outline."""
    return Field("", max_length=MAX_SECTION_CHARS, description=SECTION_LABELS[key])


class Narrative(Strict):
    """The prose of the report, part by part (drafted, then reviewed by a person); the fields
    are the prose parts of `outline.SECTIONS`, in document order."""

    overview_intro: str = _prose("overview_intro")
    overview_proactive: str = _prose("overview_proactive")
    overview_on_request: str = _prose("overview_on_request")
    overview_management: str = _prose("overview_management")
    overview_platform: str = _prose("overview_platform")
    overview_supervision: str = _prose("overview_supervision")
    problems: str = _prose("problems")
    other_matters: str = _prose("other_matters")


if tuple(Narrative.model_fields) != SECTION_KEYS:  # pragma: no cover - a wrong edit
    raise RuntimeError("Narrative's fields differ from outline.SECTION_KEYS")


class Revision(Strict):
    """A text a section had, kept so that no text is ever lost: the one model of a revision
    for the CLI (`Report.revisions` in the data file) and the web (the store's section
    history, written into every data-file download). `kind` is accepted (the text was in the
    report) or failed (a generation that did not pass and never replaced the text)."""

    section: SectionKey
    text: str
    source: str = Field("", description="谁写的：模型名、offline（离线模板）或 user（手工编辑）")
    saved_at: dt.datetime | None = None
    kind: Literal["accepted", "failed"] = Field(
        "accepted", description="accepted 曾是正文；failed 生成未通过、未替换正文"
    )
    note: str = Field("", max_length=2000, description="说明，如未通过的原因")


class SectionBasis(Strict):
    """What a prose section was written against when the tool last set it (drafted,
    generated, saved): digests of its text and of each table's printed figures, so a later
    change of the figures under an unchanged text shows the section may be out of date
    (`basis.py`, review P-10). Written by the tool; a hand-edited text simply no longer
    matches `text`."""

    text: str = Field(max_length=64, description="正文的摘要")
    tables: dict[str, Annotated[str, Field(max_length=64)]] = Field(
        default_factory=dict, max_length=3, description="表二、表三、表四所印数字的摘要"
    )


class PreviousInForce(Strict):
    regulations: Count | None = None
    normative_documents: Count | None = None


class PreviousYear(Strict):
    """Last year's figures, for cross-year checks and year-on-year comparisons."""

    in_force: PreviousInForce = Field(
        default_factory=_made(PreviousInForce), description="上年表二 现行有效件数"
    )
    carried_forward: ApplicantCounts | None = Field(
        None, description="上年表三 四、结转下年度继续办理（各列）"
    )
    new_received_total: Count | None = Field(None, description="上年新收申请总数")
    proactive_total: Count | None = Field(None, description="上年主动公开信息条数")
    problems: list[str] = Field(default_factory=_list, max_length=30, description="上年报告的问题")
    narrative: Narrative | None = Field(None, description="上年报告正文（用于比对重复率）")


InterviewGate = Literal["yes", "no", "text"]


class InterviewProgress(Strict):
    """Which guided questions were answered, so an interview resumes where it stopped."""

    answered: list[str] = Field(
        default_factory=_list, max_length=1000, description="已回答的问题编号（按回答顺序）"
    )
    gates: dict[str, InterviewGate] = Field(
        default_factory=_dict,
        description="闸门问题的回答：yes 逐项填写，no 全部为 0，text 已用一句话填写",
    )


# --- provenance (design §7) ----------------------------------------------------------------

NoteKind = Literal["blank", "mark", "absent_row", "label"]


class PublishedNote(Strict):
    """How one cell or row of a published report was printed when it was not a plain number.

    The table keeps 0 in that cell for the arithmetic; this note keeps what was printed, so the
    checks report it at its cell and nothing is silently read as 0.
    """

    kind: NoteKind = Field(
        description="blank 空白；mark 符号（如 /）；absent_row 缺行；label 栏目名错印"
    )
    printed: str = Field("", max_length=200, description="原报告中印的内容，如“/”或错印的栏目名")
    expected: str = Field("", max_length=200, description="官方格式中的栏目名（栏目名错印时）")


class Source(Strict):
    """Where the report's figures came from: typed by a clerk, or read from a published report.

    Published values are kept as printed: counts up to `PUBLISHED_BOUNDS` load (the usual bounds
    become warnings), blank and `/` cells and missing rows are noted in `notes` (data path such
    as `table3.granted.natural_person` or `table3.granted` → note), a 2019 表二 in a 2021 report
    is kept with a warning.
    """

    kind: Literal["typed", "published"] = Field(
        "typed", description="typed 经办人填写；published 从已发布的报告中读取"
    )
    file: str = Field("", max_length=300, description="读取的原报告文件名")
    notes: dict[str, PublishedNote] = Field(
        default_factory=_dict, max_length=2000, description="原报告中不是数字的单元格和缺少的行"
    )


def _is_published(data: object) -> TypeGuard[dict[str, object]]:
    source = data.get("source") if isinstance(data, dict) else None
    if isinstance(source, Source):
        return source.kind == "published"
    return isinstance(source, dict) and source.get("kind") == "published"


def _row_model(annotation: object) -> type[BaseModel] | None:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and normalize_text(value) in BLANK_MARKS)


def _published_node(
    node: dict[str, object], model: type[BaseModel], path: str, notes: dict[str, object]
) -> dict[str, object]:
    """`node` with blank cells as 0 (a 总计 as not stated) and null rows dropped, noted in `notes`."""
    out = dict(node)
    for name, field in model.model_fields.items():
        if name not in out:
            continue
        value, where = out[name], f"{path}.{name}"
        row = _row_model(field.annotation)
        if row is not None:
            if isinstance(value, dict):
                out[name] = _published_node(value, row, where, notes)
            elif value is None and field.default is not None:
                notes.setdefault(where, {"kind": "absent_row"})
                del out[name]
        elif _is_blank(value) and not (value is None and field.default is None):
            printed = "" if value is None else normalize_text(str(value))
            notes.setdefault(where, {"kind": "mark" if printed else "blank", "printed": printed})
            out[name] = None if field.default is None else 0
    return out


_PUBLISHED_TABLES: tuple[tuple[str, type[BaseModel]], ...] = (
    ("table2", Table2),
    ("table2_2019", Table2v2019),
    ("table3", Table3),
    ("table4", Table4),
)


def _published_data(data: dict[str, object]) -> dict[str, object]:
    """A published report's raw data with its blank cells and missing rows turned into notes."""
    data = dict(data)
    raw = data["source"]
    if isinstance(raw, Source):
        source = raw.model_dump()
    else:
        assert isinstance(raw, dict)  # `_is_published` lets only a Source or a dict through
        source = dict(raw)
    given = source.get("notes")
    notes = dict(given) if isinstance(given, dict) else {}
    for table, model in _PUBLISHED_TABLES:
        value = data.get(table)
        if isinstance(value, dict):
            data[table] = _published_node(value, model, table, notes)
    table3 = data.get("table3")
    if isinstance(table3, dict):
        for key in (
            "new_received",
            "carried_over",
            *result_rows(_data_format(data)),
            "carried_forward",
        ):
            if key not in table3:
                notes.setdefault(f"table3.{key}", {"kind": "absent_row"})
    source["notes"] = notes if given is None or isinstance(given, dict) else given  # reported
    data["source"] = source
    return data


def _data_format(data: dict[str, object]) -> FormatVersion:
    meta = data.get("meta")
    if isinstance(meta, dict):
        stated = parse_format_version(meta.get("format_version"))
        if stated:
            return stated
        year = meta.get("report_year")
        if isinstance(year, int):
            return default_format_for(year)
    return CURRENT_FORMAT.version


def iter_amount_and_count_cells(node: BaseModel, path: str) -> Iterator[tuple[str, int | Decimal]]:
    """Every numeric cell under `node` as (data path, value), e.g. ("table3.granted.research", 2)."""
    for name in type(node).model_fields:
        value = getattr(node, name)
        where = f"{path}.{name}"
        if isinstance(value, BaseModel):
            yield from iter_amount_and_count_cells(value, where)
        elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            yield where, value


class Report(Strict):
    """The whole data of one annual report."""

    meta: Meta
    table2: Table2 = Field(default_factory=_made(Table2), description="表二（2021 格式）")
    table2_2019: Table2v2019 | None = Field(
        None, description="表二（2019 试行格式，仅 2019/2020 年度）"
    )
    table3: Table3 = Field(default_factory=_made(Table3))
    table4: Table4 = Field(default_factory=_made(Table4))
    facts: Facts = Field(default_factory=_made(Facts))
    narrative: Narrative = Field(default_factory=_made(Narrative))
    revisions: list[Revision] = Field(default_factory=_list)
    drafted_from: dict[SectionKey, SectionBasis] = Field(
        default_factory=dict,
        description="各部分正文起草或保存时的表格数字（摘要，由工具记录）：之后表格数字改动而正文未改时提示正文可能过时",
    )
    previous_year: PreviousYear | None = None
    interview: InterviewProgress | None = Field(None, description="引导式填报的进度")
    source: Source | None = Field(
        None, description="数据来源：省略为经办人填写；从已发布报告读取时为 published"
    )

    @property
    def is_published(self) -> bool:
        """True when the figures were read from a published report (kept as printed)."""
        return self.source is not None and self.source.kind == "published"

    @model_validator(mode="wrap")
    @classmethod
    def _published_values(
        cls, data: object, handler: ModelWrapValidatorHandler["Report"]
    ) -> "Report":
        """A published report's values load with `PUBLISHED_BOUNDS`, blanks kept as notes."""
        if not _is_published(data):
            return handler(data)
        token = _BOUNDS.set(PUBLISHED_BOUNDS)
        try:
            return handler(_published_data(data))
        finally:
            _BOUNDS.reset(token)

    @property
    def format_version(self) -> FormatVersion:
        return self.meta.effective_format

    @property
    def format(self) -> FormatDescription:
        """The description of this report's format version (what differs between versions)."""
        return format_of(self.format_version)

    @model_validator(mode="after")
    def _no_optional_table2_of_other_format(self) -> "Report":
        """A typed report holds no 表二 of another format (a published one may: V-03)."""
        own = self.format
        for other in FORMATS.values():
            if (
                other is not own
                and other.table2_optional
                and getattr(self, other.table2_field) is not None
                and not self.is_published
            ):
                raise PydanticCustomError(
                    "draftbot_format",
                    f"填写了 {other.table2_field}（{other.version} 试行格式的表二），"
                    f"但本报告使用 {own.version} 格式；"
                    f"请改填 {own.table2_field}，或把 meta.format_version 设为 {other.version}",
                )
        return self


def drop_redundant_totals(report: Report) -> None:
    """Forget every stated 总计 that equals its sum, so the tool computes it (in place).

    Readers of printed tables (Word, Excel) call this: a printed total that adds up is not
    a stated total, and dropping it makes data → table → data the identity.
    """
    t3 = report.table3
    for name in type(t3).model_fields:
        row = getattr(t3, name)
        if row is not None and row.total is not None and row.total == row.computed_total:
            row.total = None
    if t3.results_total is not None:
        computed = t3.computed_results_total(report.format_version)
        stated = t3.results_total
        if stated.values() == computed.values() and stated.shown_total == computed.shown_total:
            t3.results_total = None
    for block in ("review", "litigation_direct", "litigation_after_review"):
        counts = getattr(report.table4, block)
        if counts.total is not None and counts.total == counts.computed_total:
            counts.total = None
