"""Excel in and out: the 填报模板, reading it back, and tabular exports. The only module
that imports openpyxl.

The 填报模板 has a sheet 基本信息 (label | value), one sheet per official table laid out as
printed (the grids of `tables.py`: labels character for character, merged cells; number cells
shaded and unlocked, everything else locked), a sheet 填报事实 (every field of `Facts`, its
`practices` and `info_fee`: label | value | how to fill), sheets 主动公开类别 and 上年问题整改
(one row per item), and a sheet 正文 (section | text). Lists are one item per line of a cell.
A workbook without the fact sheets (an older template) reads as a report without facts.
`import_xlsx` reads such a workbook back; every bad cell becomes a `DataFileError` problem
naming the table, row and column as printed, plus the sheet and cell (e.g. E7), in the same
words as for data files. Every workbook written here has fixed timestamps: the same data
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from . import paths
from .archives import ZipRefused, open_zip, stable_package
from .datafile import DataFileError, Problem, problems_from_validation
from .model import (
    AgencyLevel,
    AreaWork,
    Engagement,
    Facts,
    InfoFee,
    Organisation,
    Practices,
    Report,
    drop_redundant_totals,
)
from .outline import SECTION_KEYS, SECTION_LABELS, TABLE_SECTIONS
from .tables import Grid, report_grids

META_SHEET = "基本信息"
NARRATIVE_SHEET = "正文"
FACTS_SHEET = "填报事实"
CATEGORIES_SHEET = "主动公开类别"
PREVIOUS_SHEET = "上年问题整改"
CATEGORY_ROWS = 50  # Facts.proactive_categories holds at most 50
PREVIOUS_ROWS = 30  # Facts.previous_problems holds at most 30
TABLE_TITLES = {table: section.heading for table, section in TABLE_SECTIONS.items()}
GRID_TOP = 3  # 1-based worksheet row of a grid's first row (row 1: title, row 2: note)
META_FIELDS: tuple[tuple[str, str], ...] = (
    ("agency", "机关全称"),
    ("level", "机关层级"),
    ("region", "行政区划"),
    ("report_year", "统计年度"),
    ("format_version", "格式版本"),
    ("publish_date", "发布日期"),
    ("website", "电子版下载网址"),
    ("contact", "联系方式"),
    ("allowed_places", "允许地名（用“、”分隔）"),
)
PLACE_SEPARATOR = "、"
NARRATIVE_LABELS = SECTION_LABELS
FIXED_TIME = dt.datetime(2000, 1, 1)
AGENCY_PLACEHOLDER = "（请填写机关全称）"  # a blank template's agency: written as an empty cell
MAX_XLSX_MEMBERS = 200

_FONT = Font(name="宋体", size=10)
_BOLD = Font(name="宋体", size=10, bold=True)
_TITLE = Font(name="黑体", size=12)
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_LEFT = Alignment(wrap_text=True, vertical="center", horizontal="left")
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_UNLOCKED = Protection(locked=False)


# --- writing -------------------------------------------------------------------------------


def template_bytes(report: Report) -> bytes:
    """The 填报模板 for `report`'s year and format, filled with its data (.xlsx bytes).

    For an empty template pass a report with only `meta` set: number cells hold 0, 总计
    cells are left blank (the tool computes them).
    """
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)  # a new workbook has one worksheet
    _meta_sheet(first, report)
    for grid in report_grids(report):
        _grid_sheet(wb.create_sheet(grid.name), grid, report)
    _facts_sheet(wb.create_sheet(FACTS_SHEET), report.facts)
    _list_sheet(
        wb.create_sheet(CATEGORIES_SHEET),
        ("主动公开信息类别", "条数"),
        [(c.name, c.count) for c in report.facts.proactive_categories],
        CATEGORY_ROWS,
    )
    _list_sheet(
        wb.create_sheet(PREVIOUS_SHEET),
        ("上年报告所列问题", "本年整改情况"),
        [(p.problem, p.rectification or None) for p in report.facts.previous_problems],
        PREVIOUS_ROWS,
    )
    _narrative_sheet(wb.create_sheet(NARRATIVE_SHEET), report)
    return save_stable(wb)


@dataclass(frozen=True)
class FactRow:
    """One row of the 填报事实 sheet: the dotted data path, its label, and its kind —
    "count" (整数), "amount" (元, up to two decimals), "text", or "list" (one item per line)."""

    path: str
    label: str
    kind: str


_FACT_HINTS = {
    "count": "填整数；没有统计可留空",
    "amount": "填金额（元），可有两位小数",
    "text": "可留空；填写的内容会写入报告相应部分",
    "list": "每行一项（单元格内换行：Alt+Enter）；没有可留空",
}


def fact_rows() -> tuple[FactRow, ...]:
    """Every scalar or list field of `Facts`, `Facts.practices`, `Facts.area`,
    `Facts.engagement` and `Facts.info_fee`, in the model's order (the category and previous-problem lists have sheets of their own)."""
    rows: list[FactRow] = []
    for prefix, model in (
        ("facts", Facts),
        ("facts.practices", Practices),
        ("facts.area", AreaWork),
        ("facts.engagement", Engagement),
        ("facts.organisation", Organisation),
        ("facts.info_fee", InfoFee),
    ):
        for name, info in model.model_fields.items():
            if name in (
                "proactive_categories",
                "previous_problems",
                "practices",
                "area",
                "engagement",
                "organisation",
                "info_fee",
            ):
                continue
            label = info.description or name
            if model is InfoFee:
                label = f"信息处理费：{label}"
            annotation = repr(info.annotation)
            if annotation.startswith("list"):
                kind = "list"
            elif info.annotation is str or paths.field_kind(f"{prefix}.{name}") is None:
                kind = "text"  # 其他事项, 领导小组组长, 年度工作要点
            elif "Decimal" in annotation:
                kind = "amount"
            else:
                kind = "count"
            rows.append(FactRow(f"{prefix}.{name}", label, kind))
    return tuple(rows)


def _facts_sheet(ws: Worksheet, facts: Facts) -> None:
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 36
    for col, title in enumerate(("事项", "填写", "填写说明"), start=1):
        _put(ws, 1, col, title, _BOLD, _LEFT, border=True)
    data = facts.model_dump(mode="python")
    for row, fact in enumerate(fact_rows(), start=2):
        _put(ws, row, 1, fact.label, _FONT, _LEFT, border=True)
        value = paths.read({"facts": data}, fact.path)
        if fact.kind == "list":
            value = "\n".join(value) or None
        elif fact.kind == "text":
            value = value or None
        elif fact.kind == "amount" and value is not None:
            value = int(value) if value == value.to_integral_value() else value
        _put(ws, row, 2, value, _FONT, _LEFT, border=True, fill=True)
        _put(ws, row, 3, _FACT_HINTS[fact.kind], _FONT, _LEFT, border=True)
    _protect(ws)


def _list_sheet(
    ws: Worksheet, header: tuple[str, str], rows: list[tuple[Any, Any]], capacity: int
) -> None:
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["B"].width = 60
    for col, title in enumerate(header, start=1):
        _put(ws, 1, col, title, _BOLD, _LEFT, border=True)
    for i in range(capacity):
        first, second = rows[i] if i < len(rows) else (None, None)
        _put(ws, i + 2, 1, first, _FONT, _LEFT, border=True, fill=True)
        _put(ws, i + 2, 2, second, _FONT, _LEFT, border=True, fill=True)
    _protect(ws)


def _meta_sheet(ws: Worksheet, report: Report) -> None:
    ws.title = META_SHEET
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    note = (
        "黄色单元格为填写处。格式版本可留空：2019、2020 年度用 2019（试行）格式，之后用 2021 格式。"
        "改了统计年度或格式版本后，请重新生成模板。"
    )
    _put(ws, 1, 1, note, _FONT, _LEFT)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    ws.row_dimensions[1].height = 30
    meta = report.meta
    for i, (name, label) in enumerate(META_FIELDS, start=2):
        _put(ws, i, 1, label, _BOLD, _LEFT, border=True)
        value: Any = getattr(meta, name)
        if name == "level":
            value = meta.level.value
        elif name == "allowed_places":
            value = PLACE_SEPARATOR.join(meta.allowed_places) or None
        elif value in ("", AGENCY_PLACEHOLDER):
            value = None
        cell = _put(ws, i, 2, value, _FONT, _LEFT, border=True, fill=True)
        if name == "publish_date":
            cell.number_format = "yyyy-mm-dd"
    levels = DataValidation(
        type="list", formula1='"' + ",".join(level.value for level in AgencyLevel) + '"'
    )
    ws.add_data_validation(levels)
    levels.add("B3")
    _protect(ws)


def _grid_sheet(ws: Worksheet, grid: Grid, report: Report) -> None:
    _put(ws, 1, 1, TABLE_TITLES[grid.name], _TITLE, _LEFT)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.cols)
    note = "“总计”可留空，由工具计算；填写的总计会与各项之和核对。请勿增删行列。"
    _put(ws, 2, 1, note, _FONT, _LEFT)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=grid.cols)
    blank_totals = _is_blank(report)
    for cell in grid.cells:
        row, col = GRID_TOP + cell.row, 1 + cell.col
        if cell.kind == "value":
            value: Any = None if blank_totals and _is_total(cell.key) else _number(cell.text)
            _put(ws, row, col, value, _FONT, _WRAP, border=True, fill=True)
        else:
            font = _BOLD if cell.kind in ("title", "header") else _FONT
            align = _WRAP if cell.kind == "header" else _LEFT
            _put(ws, row, col, cell.text, font, align, border=True)
        if cell.rowspan > 1 or cell.colspan > 1:
            end_row, end_col = row + cell.rowspan - 1, col + cell.colspan - 1
            for r in range(row, end_row + 1):
                for c in range(col, end_col + 1):
                    ws.cell(r, c).border = _BOX
            ws.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)
    _grid_widths(ws, grid)
    _protect(ws)


def _grid_widths(ws: Worksheet, grid: Grid) -> None:
    if grid.name == "表三":
        widths = [6, 10, 34] + [9] * 7
    elif grid.name == "表二":
        widths = [22] + [16] * (grid.cols - 1)
    else:
        widths = [8] * grid.cols
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _narrative_sheet(ws: Worksheet, report: Report) -> None:
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
    _put(ws, 1, 1, "部分", _BOLD, _LEFT, border=True)
    _put(ws, 1, 2, "正文（可留空，由工具起草）", _BOLD, _LEFT, border=True)
    for i, key in enumerate(SECTION_KEYS, start=2):
        _put(ws, i, 1, NARRATIVE_LABELS[key], _FONT, _LEFT, border=True)
        text = getattr(report.narrative, key) or None
        _put(ws, i, 2, text, _FONT, _LEFT, border=True, fill=True)
    _protect(ws)


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    font: Font,
    align: Alignment,
    *,
    border: bool = False,
    fill: bool = False,
) -> XlCell:
    cell = ws.cell(row, col)
    assert isinstance(cell, XlCell)  # cells are written before their ranges are merged
    set_value(cell, value)
    cell.font, cell.alignment = font, align
    if border:
        cell.border = _BOX
    if fill:
        cell.fill, cell.protection = _INPUT, _UNLOCKED
    return cell


def set_value(cell: XlCell, value: Any) -> None:
    """Write `value`; text is always text (a leading = never becomes a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _protect(ws: Worksheet) -> None:
    """Labels locked against slips (no password); shaded cells stay editable."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _is_blank(report: Report) -> bool:
    return report == Report(meta=report.meta)


def _is_total(key: str | None) -> bool:
    return key is not None and (key.endswith(".total") or ".results_total." in key)


def _number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


def save_stable(wb: Workbook) -> bytes:
    """Workbook → .xlsx bytes with fixed timestamps (same content, same bytes)."""
    wb.properties.creator = "draftbot"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = None
    out = io.BytesIO()
    wb.save(out)
    return stable_package(out.getvalue(), FIXED_TIME)


@dataclass(frozen=True)
class SheetData:
    """One sheet of a tabular workbook: a header row, data rows, column widths (characters)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[int] = field(default_factory=tuple)


def tabular_bytes(sheets: Sequence[SheetData]) -> bytes:
    """Plain tables (summary, findings, breakdowns) as one .xlsx, header row frozen."""
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)  # a new workbook has one worksheet
    wb.remove(first)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for col, title in enumerate(sheet.header, start=1):
            _put(ws, 1, col, title, _BOLD, _WRAP, border=True)
        for r, row in enumerate(sheet.rows, start=2):
            for col, value in enumerate(row, start=1):
                set_value(ws.cell(r, col), value)
        for i, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        if sheet.rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{len(sheet.rows) + 1}"
    return save_stable(wb)


# --- reading -------------------------------------------------------------------------------


def import_xlsx(data: bytes, name: str = "填报模板.xlsx") -> Report:
    """Read a filled 填报模板 back into a Report; raises `DataFileError` naming every bad cell."""
    values, formulas = _open(data, name)
    problems: list[Problem] = []
    meta = _read_meta(values, formulas, name, problems)
    if problems:
        raise DataFileError(name, problems)
    try:
        shape = Report.model_validate({"meta": meta})
    except ValidationError as exc:
        raise DataFileError(name, _with_cells(exc, _meta_cells())) from None
    data_dict: dict[str, Any] = {"meta": meta}
    cells: dict[str, str] = {**_meta_cells()}
    for grid in report_grids(shape):
        if grid.name not in values.sheetnames:
            problems.append(Problem(f"工作表“{grid.name}”", _missing_sheet(grid.name)))
            continue
        _read_grid(values[grid.name], formulas[grid.name], grid, data_dict, cells, problems)
    data_dict["narrative"] = _read_narrative(values, problems)
    facts = _read_facts(values, formulas, cells, problems)
    if facts:
        data_dict["facts"] = facts
    if problems:
        raise DataFileError(name, problems)
    try:
        report = Report.model_validate(data_dict)
    except ValidationError as exc:
        raise DataFileError(name, _with_cells(exc, cells)) from None
    drop_redundant_totals(report)
    return report


def _open(data: bytes, name: str) -> tuple[Any, Any]:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataFileError(name, [Problem("文件", _OLE_MESSAGE)])
    try:
        with open_zip(data, max_members=MAX_XLSX_MEMBERS) as archive:
            content_types = archive.read("[Content_Types].xml")
    except (ZipRefused, KeyError) as exc:
        reason = str(exc) if isinstance(exc, ZipRefused) else "缺少内容类型说明"
        raise DataFileError(
            name, [Problem("文件", f"不是有效的 .xlsx 文件（{reason}）；{_RESAVE}")]
        ) from None
    if b"macroEnabled" in content_types:
        raise DataFileError(name, [Problem("文件", f"这是启用宏的表格（.xlsm）；{_RESAVE}")])
    if b"spreadsheetml" not in content_types:
        raise DataFileError(name, [Problem("文件", f"文件不是 Excel 表格；{_RESAVE}")])
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except (InvalidFileException, ValueError, KeyError, OSError, SyntaxError) as exc:
        del exc
        raise DataFileError(
            name, [Problem("文件", f"无法读取该表格（内容损坏或含有不支持的内容）；{_RESAVE}")]
        ) from None
    return values, formulas


_RESAVE = "请在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）后再导入"
_OLE_MESSAGE = (
    "这是旧版 .xls 文件或加了密码的表格；请在 Excel 或 WPS 中去掉密码、另存为 .xlsx 后再导入"
)


def _missing_sheet(sheet: str) -> str:
    return f"缺少这张工作表；请使用本工具生成的填报模板（draftbot excel template），不要删除或改名工作表“{sheet}”"


def _cell_value(values: Worksheet, formulas: Worksheet, row: int, col: int) -> tuple[Any, bool]:
    """(value, is_uncomputed_formula)."""
    value = values.cell(row, col).value
    if value is None:
        raw = formulas.cell(row, col).value
        if isinstance(raw, str) and raw.startswith("="):
            return None, True
    if isinstance(value, str):
        value = value.strip() or None
    return value, False


def _where(sheet: str, row: int, col: int) -> str:
    return f"（工作表“{sheet}” 单元格 {get_column_letter(col)}{row}）"


_FORMULA_MESSAGE = (
    "公式没有计算结果（文件不是由 Excel/WPS 保存的）；请在 Excel 或 WPS 中打开、保存后再导入"
)


def _meta_cells() -> dict[str, str]:
    return {f"meta.{n}": _where(META_SHEET, i, 2) for i, (n, _) in enumerate(META_FIELDS, start=2)}


def _read_meta(values: Any, formulas: Any, name: str, problems: list[Problem]) -> dict[str, Any]:
    if META_SHEET not in values.sheetnames:
        problems.append(Problem(f"工作表“{META_SHEET}”", _missing_sheet(META_SHEET)))
        return {}
    ws, wf = values[META_SHEET], formulas[META_SHEET]
    labels = {label: field_name for field_name, label in META_FIELDS}
    meta: dict[str, Any] = {}
    for row in range(1, min(ws.max_row, 50) + 1):
        label = ws.cell(row, 1).value
        field_name = labels.get(str(label).strip()) if label is not None else None
        if field_name is None:
            continue
        value, uncomputed = _cell_value(ws, wf, row, 2)
        if uncomputed:
            problems.append(
                Problem(f"基本信息 · {label}{_where(META_SHEET, row, 2)}", _FORMULA_MESSAGE)
            )
        elif value is not None:
            meta[field_name] = _meta_value(field_name, value)
    return meta


def _meta_value(field_name: str, value: Any) -> Any:
    if field_name == "publish_date" and isinstance(value, dt.datetime):
        return value.date()
    if field_name == "allowed_places":
        return [p.strip() for p in str(value).split(PLACE_SEPARATOR) if p.strip()]
    if field_name in ("format_version", "agency", "region", "website", "contact", "level"):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    return value


def _read_grid(
    ws: Worksheet,
    wf: Worksheet,
    grid: Grid,
    data: dict[str, Any],
    cells: dict[str, str],
    problems: list[Problem],
) -> None:
    for cell in grid.cells:
        row, col = GRID_TOP + cell.row, 1 + cell.col
        if cell.kind != "value":
            found = ws.cell(row, col).value
            if _label(found) != _label(cell.text):
                problems.append(
                    Problem(
                        f"{grid.name}{_where(grid.name, row, col)}",
                        f"此处应为“{cell.text}”，实际为“{found or ''}”；表格的行列被改动过。"
                        "请使用本工具生成的填报模板，不要增删行列",
                    )
                )
                return
            continue
        assert cell.key is not None
        cells[cell.key] = _where(grid.name, row, col)
        value, uncomputed = _cell_value(ws, wf, row, col)
        if uncomputed:
            problems.append(Problem(_location(cell.key) + cells[cell.key], _FORMULA_MESSAGE))
        elif value is None and not _is_total(cell.key):
            problems.append(
                Problem(_location(cell.key) + cells[cell.key], "此格为空；请填写数字，没有则填 0")
            )
        elif value is not None:
            paths.set_value(data, cell.key, _cell_number(value))


def _cell_number(value: Any) -> Any:
    """Numbers as Excel stores them; text and dates go to the model's parsers unchanged."""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return f"{value}（日期）"
    if isinstance(value, float) and not value.is_integer():
        return str(Decimal(repr(value)))
    return value


def _label(text: Any) -> str:
    from .published.reading import normalize_label

    return normalize_label(str(text or ""))


def _location(key: str) -> str:
    return paths.label(key)


def _narrative_key(label: str) -> str | None:
    """The section a 正文 sheet label names: the outline's label, or the spacing of workbooks
    written before (一、总体情况 （一）主动公开, 一、总体情况（导语））."""
    squeezed = re.sub(r"[\s·]", "", label).replace("（导语）", "导语")
    for key, known in SECTION_LABELS.items():
        if squeezed == re.sub(r"[\s·]", "", known):
            return key
    return None


def _read_narrative(values: Any, problems: list[Problem]) -> dict[str, str]:
    if NARRATIVE_SHEET not in values.sheetnames:
        return {}
    ws = values[NARRATIVE_SHEET]
    out: dict[str, str] = {}
    for row in range(2, min(ws.max_row, 50) + 1):
        key = _narrative_key(str(ws.cell(row, 1).value or ""))
        text = ws.cell(row, 2).value
        if key and text is not None and str(text).strip():
            out[key] = str(text)
    return out


def _read_facts(
    values: Any, formulas: Any, cells: dict[str, str], problems: list[Problem]
) -> dict[str, Any]:
    """The `facts` data of the fact sheets (absent sheets: nothing), cells noted in `cells`."""
    data: dict[str, Any] = {}
    if FACTS_SHEET in values.sheetnames:
        _read_fact_rows(values[FACTS_SHEET], formulas[FACTS_SHEET], data, cells, problems)
    lists = (
        (CATEGORIES_SHEET, "proactive_categories", ("name", "count"), CATEGORY_ROWS),
        (PREVIOUS_SHEET, "previous_problems", ("problem", "rectification"), PREVIOUS_ROWS),
    )
    for sheet, key, columns, capacity in lists:
        if sheet in values.sheetnames:
            items = _read_list_rows(
                values[sheet], formulas[sheet], key, columns, capacity, cells, problems
            )
            if items:
                data.setdefault("facts", {})[key] = items
    return data.get("facts", {})


def _read_fact_rows(
    ws: Worksheet,
    wf: Worksheet,
    data: dict[str, Any],
    cells: dict[str, str],
    problems: list[Problem],
) -> None:
    by_label = {fact.label: fact for fact in fact_rows()}
    for row in range(2, min(ws.max_row, 200) + 1):
        fact = by_label.get(str(ws.cell(row, 1).value or "").strip())
        if fact is None:
            continue
        where = _where(FACTS_SHEET, row, 2)
        cells[fact.path] = where
        value, uncomputed = _cell_value(ws, wf, row, 2)
        if uncomputed:
            problems.append(Problem(f"填报事实 · {fact.label}{where}", _FORMULA_MESSAGE))
            continue
        if value is None:
            continue
        if fact.kind == "list":
            items = [line.strip() for line in str(value).splitlines() if line.strip()]
            for i in range(len(items)):
                cells[f"{fact.path}.{i}"] = where
            value = items
        elif fact.kind == "text":
            value = str(value)
        else:
            value = _cell_number(value)
        paths.set_value(data, fact.path, value)


def _read_list_rows(
    ws: Worksheet,
    wf: Worksheet,
    key: str,
    columns: tuple[str, str],
    capacity: int,
    cells: dict[str, str],
    problems: list[Problem],
) -> list[dict[str, Any]]:
    sheet = ws.title
    items: list[dict[str, Any]] = []
    for row in range(2, min(ws.max_row, capacity + 1) + 1):
        read = [_cell_value(ws, wf, row, col) for col in (1, 2)]
        if any(uncomputed for _, uncomputed in read):
            problems.append(Problem(f"{sheet}{_where(sheet, row, 1)}", _FORMULA_MESSAGE))
            continue
        if all(value is None for value, _ in read):
            continue
        item: dict[str, Any] = {}
        for col, (name, (value, _)) in enumerate(zip(columns, read, strict=True), start=1):
            cells[f"facts.{key}.{len(items)}.{name}"] = _where(sheet, row, col)
            if value is None and name == "rectification":
                continue
            item[name] = (
                _cell_number(value) if name == "count" else ("" if value is None else str(value))
            )
        items.append(item)
    return items


def _with_cells(exc: ValidationError, cells: dict[str, str]) -> list[Problem]:
    """The data file's messages for each error, with the sheet and cell appended."""
    out = []
    for err, problem in zip(exc.errors(), problems_from_validation(exc), strict=True):
        loc = ".".join(str(p) for p in err["loc"])
        where = cells.get(loc, "")
        out.append(Problem(problem.location + where, problem.message))
    return out
