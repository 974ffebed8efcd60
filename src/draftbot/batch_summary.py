"""A batch's summary as rows, JSON, CSV and .xlsx: one row per file (agency and year).

Columns: the file, agency, level, year, status, numbers of errors and warnings, key figures
of the tables, last year's report found, drafting and export outcome, then one column per
finding code that occurs in the batch (how many times in that report). Same batch, same
bytes: rows in batch order, codes sorted, no times or machine paths added.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import BatchItem, BatchResult
from .model import Report

if TYPE_CHECKING:
    from .rollup import RollUp

FIXED_COLUMNS: tuple[str, ...] = (
    "序号",
    "文件",
    "机关",
    "层级",
    "年度",
    "格式",
    "状态",
    "错误",
    "提示",
    "新收申请",
    "上年结转",
    "办理结果总计",
    "结转下年度",
    "行政复议",
    "行政诉讼",
    "主动公开信息条数",
    "上年报告",
    "起草",
    "导出",
    "说明",
)
FINDING_COLUMNS: tuple[str, ...] = ("序号", "文件", "机关", "级别", "代码", "位置", "问题", "建议")
SUMMARY_FILES = ("汇总.xlsx", "汇总.csv", "汇总.json")
_CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def key_figures(report: Report) -> dict[str, int | None]:
    """The figures a 政务公开办 compares across agencies (counts of 件 or 条)."""
    t3, t4, version = report.table3, report.table4, report.format_version
    return {
        "新收申请": t3.new_received.shown_total,
        "上年结转": t3.carried_over.shown_total,
        "办理结果总计": t3.results_column_total(version, "total"),
        "结转下年度": t3.carried_forward.shown_total,
        "行政复议": t4.review.shown_total,
        "行政诉讼": t4.litigation_direct.shown_total + t4.litigation_after_review.shown_total,
        "主动公开信息条数": report.facts.proactive_total,
    }


def summary_table(result: BatchResult) -> tuple[list[str], list[list[Any]]]:
    """(header, rows): the fixed columns, then one count column per finding code."""
    codes = list(result.code_counts())
    header = [*FIXED_COLUMNS, *codes]
    rows = [_row(i, item, codes) for i, item in enumerate(result.items, start=1)]
    return header, rows


def _row(number: int, item: BatchItem, codes: list[str]) -> list[Any]:
    report = item.report
    meta = report.meta if report else None
    figures = key_figures(report) if report else {}
    counts = item.code_counts()
    note = item.error or item.export_note
    return [
        number,
        item.source,
        meta.agency if meta else "",
        meta.level.value if meta else "",
        meta.report_year if meta else "",
        report.format_version if report else "",
        item.status,
        item.errors if report else "",
        item.warnings if report else "",
        *(_blank(figures.get(name)) for name in FIXED_COLUMNS[9:16]),
        item.previous_source,
        item.drafted_by,
        item.exported,
        note,
        *(counts.get(code, 0) for code in codes),
    ]


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def findings_table(result: BatchResult) -> tuple[list[str], list[list[Any]]]:
    """Every finding of every report: one row each, in batch order."""
    rows = []
    for number, item in enumerate(result.items, start=1):
        agency = item.report.meta.agency if item.report else ""
        for f in item.findings:
            level = "错误" if f.severity == "error" else "提示"
            rows.append([number, item.source, agency, level, f.code, f.location, f.message, f.hint])
    return list(FINDING_COLUMNS), rows


def summary_json(result: BatchResult) -> str:
    """The machine-readable summary (UTF-8 JSON text)."""
    items = []
    for item in result.items:
        report = item.report
        items.append(
            {
                "source": item.source,
                "agency": report.meta.agency if report else None,
                "level": report.meta.level.value if report else None,
                "report_year": report.meta.report_year if report else None,
                "format_version": report.format_version if report else None,
                "status": item.status,
                "error": item.error or None,
                "errors": item.errors,
                "warnings": item.warnings,
                "codes": item.code_counts(),
                "figures": key_figures(report) if report else None,
                "previous_source": item.previous_source or None,
                "drafted_sections": item.drafted,
                "drafted_by": item.drafted_by or None,
                "exported": item.exported or None,
                "exported_pdf": item.exported_pdf or None,
                "export_note": item.export_note or None,
                "findings": [f.to_dict() for f in item.findings],
            }
        )
    payload = {
        "files": len(result.items),
        "status": result.status_counts(),
        "codes": result.code_counts(),
        "items": items,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def summary_csv(result: BatchResult) -> str:
    """The summary table as CSV (opens in Excel/WPS: write it as UTF-8 with BOM). Text that
    a spreadsheet would run as a formula is prefixed with an apostrophe."""
    header, rows = summary_table(result)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_safe(v) for v in row])
    return out.getvalue()


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_CSV_FORMULA_STARTS):
        return "'" + value
    return value


def summary_xlsx(result: BatchResult, extra: list[Any] | None = None) -> bytes:
    """汇总 and 问题清单 sheets (plus `extra` `excel.SheetData`, e.g. a roll-up breakdown)."""
    from .excel import SheetData, tabular_bytes

    header, rows = summary_table(result)
    widths = [
        6,
        36,
        28,
        12,
        6,
        6,
        8,
        6,
        6,
        *([10] * 7),
        30,
        10,
        36,
        40,
        *([7] * (len(header) - 20)),
    ]
    f_header, f_rows = findings_table(result)
    sheets = [
        SheetData("汇总", header, rows, widths),
        SheetData("问题清单", f_header, f_rows, [6, 36, 28, 6, 7, 40, 60, 60]),
        *(extra or []),
    ]
    return tabular_bytes(sheets)


def write_summary(result: BatchResult, folder: Path, extra: list[Any] | None = None) -> list[Path]:
    """Write 汇总.xlsx, 汇总.csv and 汇总.json into `folder` (atomically); their paths."""
    from .datafile import atomic_write_bytes, atomic_write_text

    xlsx, csv_path, json_path = (folder / name for name in SUMMARY_FILES)
    atomic_write_bytes(xlsx, summary_xlsx(result, extra))
    atomic_write_bytes(csv_path, summary_csv(result).encode("utf-8-sig"))
    atomic_write_text(json_path, summary_json(result))
    return [xlsx, csv_path, json_path]


def rollup_sheets(rollup: RollUp) -> list[Any]:
    """The roll-up's sheets for a workbook: 汇总明细 (every roll-up cell and each agency's
    value in it) and 汇总范围 (who is summed, who is left out and why, who is missing)."""
    from .excel import SheetData
    from .rollup import breakdown_rows

    header, rows = breakdown_rows(rollup)
    scope = [[agency, source, "已汇总"] for source, agency in rollup.contributors]
    scope += [[agency, source, f"未汇总：{why}"] for source, agency, why in rollup.excluded]
    scope += [[agency, "", "缺报：本批没有该机关本年度的报告"] for agency in rollup.missing]
    scope += [["", "", f"提示：{note}"] for note in rollup.notes]
    return [
        SheetData("汇总明细", header, rows, [60, 10, *([12] * (len(header) - 2))]),
        SheetData("汇总范围", ["机关", "文件", "情况"], scope, [30, 40, 60]),
    ]
