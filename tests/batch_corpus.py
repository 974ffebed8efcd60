"""A generated batch of a county's reports with deliberate defects, for the batch tests.

One fictional-figure county (安吉县, real place names, invented figures and sentences): 36
departments, 15 townships and the county government report for 2023, in a folder of data
files, Excel templates and Word files; nine 2022 reports in a .zip (one under the agency's
old name, one of an agency that did not report in 2023); three files that cannot be read.
The defects and the findings they must produce are listed in `EXPECTED_*`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from draftbot.datafile import dump_report
from draftbot.excel import template_bytes
from draftbot.model import AgencyLevel, ApplicantCounts, Meta, Report
from draftbot.word import build_docx

COUNTY = "安吉县"
REGION = "浙江省湖州市安吉县"
GOVERNMENT = "安吉县人民政府"
DEPARTMENTS = tuple(
    COUNTY + name
    for name in (
        "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
        "自然资源和规划局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
        "文化和广电旅游体育局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局",
        "市场监督管理局", "统计局", "医疗保障局", "综合行政执法局", "经济和信息化局",
        "发展和改革局", "科学技术局", "林业局", "体育局", "档案馆", "机关事务管理局",
        "数据局", "信访局", "人民防空办公室", "供销合作社", "残疾人联合会", "总工会",
        "妇女联合会", "民族宗教事务局",
    )
)  # fmt: skip
TOWNSHIPS = tuple(
    COUNTY + name
    for name in (
        "递铺街道办事处", "昌硕街道办事处", "灵峰街道办事处", "孝源街道办事处",
        "天子湖镇人民政府", "鄣吴镇人民政府", "杭垓镇人民政府", "孝丰镇人民政府",
        "报福镇人民政府", "章村镇人民政府", "天荒坪镇人民政府", "溪龙乡人民政府",
        "上墅乡人民政府", "山川乡人民政府", "梅溪镇人民政府",
    )
)  # fmt: skip
OLD_NAME = COUNTY + "文化和旅游局"  # 2022 name of 文化和广电旅游体育局
RENAMES = {OLD_NAME: COUNTY + "文化和广电旅游体育局"}
GONE = COUNTY + "粮食局"  # reported for 2022, not for 2023
EXPECTED_LIST = (COUNTY + "气象局",)  # on the office's list, never reported

# Defects, by agency.
UNBALANCED = DEPARTMENTS[0:3]  # T3-01: one application granted too few (自然人 and 总计 columns)
BAD_REVIEW_TOTAL = DEPARTMENTS[3:5]  # T4-01: 行政复议 总计 stated wrong
WITH_LAST_YEAR = (*DEPARTMENTS[5:13],)  # 2022 report in the .zip (文化… under its old name)
WRONG_CARRY_OVER = DEPARTMENTS[5:7]  # 上年结转 ≠ last year's 结转下年度 (自然人, 总计)
COPIED_PAIRS = ((DEPARTMENTS[13], DEPARTMENTS[14]), (TOWNSHIPS[0], TOWNSHIPS[1]))
POSES_AS_OTHER = TOWNSHIPS[2]  # opens a sentence with 安吉县教育局
LATE = DEPARTMENTS[15]  # published 2024-02-20
AS_XLSX = DEPARTMENTS[20:25]
AS_DOCX = DEPARTMENTS[25:27]

EXPECTED_FILES = 1 + len(DEPARTMENTS) + len(TOWNSHIPS) + 9 + 3
EXPECTED_STATUS = {"通过": 48, "有提示": 8, "有错误": 5, "处理失败": 0, "无法读取": 3}
EXPECTED_CODES = {"A-01": 4, "A-02": 1, "A-03": 1, "T3-01": 6, "T4-01": 2, "X-01": 4}

_COPIED_TEXT = (
    "本年度，{name}坚持以公开为常态、不公开为例外，围绕群众关切的重点领域持续加大信息发布力度，"
    "及时公开部门预决算、重大项目进展和民生实事办理情况，并通过门户网站专栏集中展示。"
    "同时，{name}建立信息发布前的保密审查和合法性审查流程，明确经办人与审核人的职责分工，"
    "确保发布内容准确、及时、规范，未发生因公开不当造成不良影响的情况。"
)
_COPIED_TEXT_2 = (
    "{name}把依申请公开作为回应群众诉求的重要渠道，申请受理、登记、审核、答复全程留痕，"
    "答复文书统一使用规范格式并载明救济途径。对内容不明确的申请，经办人员主动电话联系申请人，"
    "一次性告知需要补正的事项，帮助申请人准确描述所需信息，减少因理解偏差产生的争议。"
)
_POSING_TEXT = (
    "安吉县教育局认真贯彻落实政府信息公开工作要求，把政务公开纳入年度重点工作统筹推进。"
    "街道办事处主要负责同志牵头抓总，分管同志具体负责，明确专人承担日常公开工作。"
)


def _report(agency: str, level: AgencyLevel, year: int, i: int) -> Report:
    published = dt.date(year + 1, 3, 20) if level is AgencyLevel.county_government else None
    meta = Meta(
        agency=agency,
        level=level,
        region=REGION,
        report_year=year,
        publish_date=published or dt.date(year + 1, 1, 20),
    )
    report = Report(meta=meta)
    natural, commercial = i % 4, i % 2
    t3 = report.table3
    t3.new_received = ApplicantCounts(natural_person=natural, commercial=commercial)
    t3.granted = ApplicantCounts(natural_person=natural, commercial=commercial)
    report.table2.normative_documents.issued = i % 3
    report.table2.normative_documents.in_force = 10 + i
    report.table2.licensing = 5 * i
    report.facts.proactive_total = 20 + i
    return report


def _carry(report: Report, n: int) -> None:
    """One application carried into next year from this one (balanced)."""
    t3 = report.table3
    t3.new_received.natural_person += n
    t3.carried_forward = ApplicantCounts(natural_person=n)


def reports_2023() -> list[Report]:
    out = []
    agencies = [(a, AgencyLevel.county_department) for a in DEPARTMENTS]
    agencies += [(a, AgencyLevel.township) for a in TOWNSHIPS]
    for i, (agency, level) in enumerate(agencies):
        report = _report(agency, level, 2023, i)
        if agency in WITH_LAST_YEAR:
            carried = 2 if agency in WRONG_CARRY_OVER else 1
            report.table3.carried_over = ApplicantCounts(natural_person=carried)
            report.table3.granted.natural_person += carried
            report.table2.normative_documents.in_force = 10 + i + i % 3
        if agency in UNBALANCED:
            report.table3.new_received.natural_person += 1
        if agency in BAD_REVIEW_TOTAL:
            report.table4.review.maintained = 1
            report.table4.review.total = 2
        if agency == LATE:
            report.meta.publish_date = dt.date(2024, 2, 20)
        if agency in COPIED_PAIRS[0]:
            report.narrative.overview_proactive = _COPIED_TEXT.format(name=agency)
        if agency in COPIED_PAIRS[1]:
            report.narrative.overview_on_request = _COPIED_TEXT_2.format(name=agency)
        if agency == POSES_AS_OTHER:
            report.narrative.overview_intro = _POSING_TEXT
        out.append(report)
    government = _report(GOVERNMENT, AgencyLevel.county_government, 2023, 99)
    out.append(government)
    return out


def reports_2022() -> list[Report]:
    out = []
    for agency in WITH_LAST_YEAR:
        i = DEPARTMENTS.index(agency)
        name = OLD_NAME if agency == RENAMES[OLD_NAME] else agency
        report = _report(name, AgencyLevel.county_department, 2022, i)
        _carry(report, 1)
        out.append(report)
    out.append(_report(GONE, AgencyLevel.county_department, 2022, 40))
    return out


def write_corpus(folder: Path) -> Path:
    """Write the batch under `folder/批量` and return that folder."""
    root = folder / "批量"
    (root / "2023").mkdir(parents=True)
    for report in reports_2023():
        stem = root / "2023" / report.meta.agency
        if report.meta.agency in AS_XLSX:
            stem.with_suffix(".xlsx").write_bytes(template_bytes(report))
        elif report.meta.agency in AS_DOCX:
            # empty prose prints （待起草）: a formal export refuses that, a 草稿 keeps it
            stem.with_suffix(".docx").write_bytes(build_docx(report, force=True).data)
        else:
            stem.with_suffix(".yaml").write_text(dump_report(report), encoding="utf-8")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for report in reports_2022():
            z.writestr(f"2022年报告/{report.meta.agency}.yaml", dump_report(report).encode())
        z.writestr("__MACOSX/._x.yaml", b"\0")
    (root / "2022.zip").write_bytes(archive.getvalue())
    bad = root / "退回"
    bad.mkdir()
    (bad / "缩进错误.yaml").write_text(
        "meta:\n  agency: 某局\n report_year: 2023\n", encoding="utf-8"
    )
    (bad / "负数.yaml").write_text(
        "meta: {agency: 安吉县某中心, report_year: 2023}\ntable4: {review: {maintained: -1}}\n",
        encoding="utf-8",
    )
    (bad / "说明.txt").write_text("这是说明", encoding="utf-8")
    (bad / "~$临时.docx").write_bytes(b"lock")  # Word's lock file: ignored
    return root
