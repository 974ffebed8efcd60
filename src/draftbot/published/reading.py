"""From a published report's paragraphs and tables to report data, kept as published.

The tables are recognised by their official labels (whitespace, bracket width, punctuation and
行政规范性文件 vs 规范性文件 do not matter); a table cut in two at a page break is joined; a
cell that is blank, `/` or text, a row the table lacks and a row label printed differently
from the format become `source.notes` (see `model.Source`), so nothing is read as 0 unnoticed.
The six prose sections are found by their headings.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from .. import paths as data_paths
from ..checks import check_report
from ..datafile import problems_from_validation
from ..export import DRAFT_PLACEHOLDER
from ..findings import Finding
from ..formats import CONTENT, CURRENT_FORMAT, FORMATS, FormatVersion, default_format_for, format_of
from ..model import Meta, Report, drop_redundant_totals
from ..numbers import BLANK_MARKS, NumberError, normalize_text, parse_amount, parse_count
from ..outline import PROSE_PARTS
from ..tables import TABLE2_LABELS, Grid, table2_grid, table3_grid, table4_grid
from .document import Lattice, PublishedDocument, ReportImportError, visible_columns

# Finding codes the import reports as "uncertain" (the rest of `check` runs as usual).
IMPORT_CODES = ("I-", "V-02", "V-03")


@dataclass
class ImportResult:
    """An imported report and what the import could not take at face value."""

    report: Report
    read: list[str] = field(default_factory=list)  # what was found, one line each
    findings: list[Finding] = field(default_factory=list)  # uncertain cells and rows


def report_from_document(
    document: PublishedDocument,
    *,
    agency: str | None = None,
    report_year: int | None = None,
    filename: str = "",
) -> ImportResult:
    """The report data of a published document; `agency`/`report_year` win over the title.

    Raises `ReportImportError` when the title or a table cannot be found.
    """
    tables = join_split_tables(document.tables)
    title_agency, title_year = title_meta(document.paragraphs)
    agency = agency or title_agency
    report_year = report_year or title_year
    if not agency or not report_year:
        raise ReportImportError(
            "无法从标题识别机关名称和年度（标题应为“机关全称＋年份＋年政府信息公开工作年度报告”）；"
            "请用 --agency 和 --year 指定"
        )
    notes: dict[str, dict[str, str]] = {}
    table2_version, table2 = import_table2(tables, notes)
    table3_version, table3 = import_table3(tables, notes)
    version = table3_version or table2_version
    table4 = import_table4(tables, notes)
    meta: dict[str, Any] = {"agency": agency, "report_year": report_year}
    if version != default_format_for(report_year):
        meta["format_version"] = version
    narrative = narrative_sections(document.paragraphs, agency)
    publish_date = closing_date(document.paragraphs)
    if publish_date:
        meta["publish_date"] = publish_date
    data: dict[str, Any] = {
        "meta": meta,
        "table3": table3,
        "table4": table4,
        "narrative": narrative,
        "facts": {"problems": problems_from_prose(narrative.get("problems", ""))},
        "source": {"kind": "published", "file": filename[:300], "notes": notes},
    }
    data[format_of(table2_version).table2_field] = table2
    try:
        report = Report.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(str(p) for p in problems_from_validation(exc))
        raise ReportImportError(f"表格中的数字无法读取：{problems}") from None
    drop_redundant_totals(report)
    read = [
        f"标题：{agency}{report_year}年度，{version} 格式",
        f"表二（{table2_version} 格式）、表三（{version} 格式）、表四",
        "正文："
        + ("、".join(SECTION_NAMES[key] for key in narrative) if narrative else "没有找到"),
    ]
    uncertain = [f for f in check_report(report) if f.code.startswith(IMPORT_CODES)]
    return ImportResult(report, read, uncertain)


# --- labels and cells --------------------------------------------------------------------------

_PUNCT = re.compile(r"[\s()\[\]{}<>【】〔〕《》,.;:!?、。，；：！？“”‘’\"'·•・/／\\\-—–_]+")


def normalize_label(text: str) -> str:
    """A label reduced for matching: NFKC, no whitespace or punctuation, 行政规范性文件 → 规范性文件."""
    text = _PUNCT.sub("", unicodedata.normalize("NFKC", text))
    return text.replace("行政规范性文件", "规范性文件")


def is_value(text: str) -> bool:
    """A cell that holds a number, or is blank or a `/`-like mark where a number belongs."""
    return is_number(text) or normalize_text(text) in BLANK_MARKS


def is_number(text: str) -> bool:
    """A count (any spelling `parse_count` takes) or a signed decimal, e.g. `12`、`十二`、`-2`、`0.5`."""
    shown = normalize_text(text)
    try:
        parse_count(shown.lstrip("+-"))
    except NumberError:
        return bool(re.fullmatch(r"[+-]?\d+(?:\.\d+)?", shown))
    return True


def _cell_value(text: str, path: str, notes: dict[str, dict[str, str]]) -> str | None:
    """The printed text of a value cell; a text that is no number becomes a note (value None).

    Spaces inside a number (a line broken by the page editor: `12 .5`) do not count.
    """
    joined = re.sub(r"\s+", "", text)
    if joined and is_number(joined):
        return normalize_text(joined)
    if is_value(text):
        return normalize_text(text)
    try:
        parse_amount(text)
    except NumberError:
        notes[path] = {"kind": "mark", "printed": text.strip()[:200]}
        return None
    return normalize_text(text)


def distinct(row: list[tuple[int, str]]) -> list[str]:
    """Texts of a row's cells, one per cell however many grid columns it spans."""
    out, last = [], None
    for ident, text in row:
        if ident != last and ident != -1:
            out.append(text)
        last = ident
    return out


@lru_cache(maxsize=2)
def _empty_report(version: FormatVersion) -> Report:
    form = format_of(version)
    year = form.last_year or form.first_year
    return Report(meta=Meta(agency="示例机关", report_year=year))


@lru_cache(maxsize=1)
def _markers() -> dict[str, str]:
    """One label only each table has, normalized: 表二, 表三, 表四."""
    report = _empty_report(CURRENT_FORMAT.version)
    return {
        "表二": normalize_label(table2_grid(report).matrix()[0][0]),
        "表三": normalize_label(table3_grid(report).matrix()[0][3]),
        "表四": normalize_label(table4_grid(report).matrix()[1][5]),
    }


def _labels_of(table: Lattice) -> set[str]:
    return {normalize_label(text) for row in table for _, text in row}


def _which(table: Lattice) -> str | None:
    labels = _labels_of(table)
    for name, marker in _markers().items():
        if marker in labels:
            return name
    return None


def join_split_tables(tables: list[Lattice]) -> list[Lattice]:
    """Tables with the pieces of one table (cut at a page break) joined in order.

    A piece without any table's marker label, or with the same marker again (a repeated header
    row), continues the table before it.
    """
    out: list[Lattice] = []
    names: list[str | None] = []
    for piece in tables:
        table = visible_columns(piece)
        name = _which(table)
        if out and names[-1] is not None and (name is None or name == names[-1]):
            out[-1] = out[-1] + table
            continue
        out.append(table)
        names.append(name)
    return out


def _find_table(tables: list[Lattice], name: str, title: str) -> Lattice:
    for table in tables:
        if _which(table) == name:
            return table
    raise ReportImportError(f"文件中没有找到{title}；请确认这是按官方格式填写的年度报告")


# --- 表二 ---


@lru_cache(maxsize=2)
def _table2_layout(version: FormatVersion) -> dict[tuple[str, str], str]:
    """(row label, column header), normalized → data path, as the format describes 表二."""
    return {
        (normalize_label(row), normalize_label(column)): path
        for path, (_, row, column) in format_of(version).table2_labels.items()
    }


def _table2_cells(table: Lattice, version: FormatVersion) -> tuple[dict[str, str], dict[str, str]]:
    """Data path → printed text; and data path → row label as printed where it was misprinted."""
    mapping = _table2_layout(version)
    marker = normalize_label(CONTENT)
    values: dict[str, str] = {}
    misprints: dict[str, str] = {}
    headers: list[str] = []
    for row in table:
        cells = distinct(row)
        if not cells:
            continue
        first = normalize_label(cells[0])
        if first == marker:
            headers = [normalize_label(c) for c in cells[1:]]
            continue
        label = first
        if not any((first, h) in mapping for h in headers) and all(is_value(c) for c in cells[1:]):
            known = sorted({r for r, h in mapping if h in headers})
            close = difflib.get_close_matches(first, known, n=1, cutoff=0.7)
            label = close[0] if close else first
        for header, text in zip(headers, cells[1:], strict=False):
            key = mapping.get((label, header))
            if key:
                values[key] = text
                if label != first:
                    misprints[key] = cells[0]
    return values, misprints


def import_table2(
    tables: list[Lattice], notes: dict[str, dict[str, str]]
) -> tuple[FormatVersion, dict]:
    """表二's version and nested data; cells the table lacks are None with a note."""
    table = _find_table(tables, "表二", "表二（主动公开政府信息情况）")
    newest_first = sorted(FORMATS, reverse=True)  # on a tie the newer format wins
    found = {version: _table2_cells(table, version) for version in newest_first}
    version = max(found, key=lambda v: len(found[v][0]) / len(_table2_layout(v)))
    values, misprints = found[version]
    if not values:
        raise ReportImportError(
            "表二（主动公开政府信息情况）的栏目与 2019（试行）或 2021 格式都不一致；请核对表格是否完整"
        )
    prefix = format_of(version).table2_field
    out: dict[str, Any] = {}
    for path in _table2_layout(version).values():
        parts = path.split(".")
        if path in values:
            value = _cell_value(values[path], path, notes)
        else:
            row = ".".join(parts[:2])
            notes.setdefault(row, {"kind": "absent_row"})
            value = None
        data_paths.set_value(out, ".".join(parts[1:]), value)
    for key, row in out.items():
        if isinstance(row, dict) and all(f"{prefix}.{key}.{c}" not in values for c in row):
            out[key] = None  # the whole row is missing: one note for the row, not per cell
    for path, printed in misprints.items():
        row_path = ".".join(path.split(".")[:2])
        notes[row_path] = {
            "kind": "label",
            "printed": printed[:200],
            "expected": TABLE2_LABELS[path][1],
        }
    return version, out


# --- 表三 ---


@lru_cache(maxsize=2)
def _table3_leaves(version: FormatVersion) -> dict[str, tuple[str, str]]:
    """Normalized row label → (row key, label as printed in the format)."""
    grid = table3_grid(_empty_report(version))
    matrix = grid.matrix()
    leaves = {}
    for cell in grid.value_cells():
        key = (cell.key or "").split(".")[1]
        leaves[normalize_label(matrix[cell.row][2])] = (key, matrix[cell.row][2])
    return leaves


def _applicant_order(grid: Grid) -> tuple[str, ...]:
    first_body = min(cell.row for cell in grid.value_cells())
    cells = sorted((c for c in grid.value_cells() if c.row == first_body), key=lambda c: c.col)
    return tuple((c.key or "").split(".")[2] for c in cells)


def _table3_row(
    labels: list[str], values: list[str], leaves: dict[str, tuple[str, str]]
) -> tuple[str, str | None] | None:
    """(row key, misprinted label or None) for a row with these labels, else None."""
    label = normalize_label(labels[-1])
    if label in leaves:
        return leaves[label][0], None
    if not all(is_value(v) for v in values):
        return None
    close = difflib.get_close_matches(label, list(leaves), n=1, cutoff=0.75)
    return (leaves[close[0]][0], labels[-1]) if close else None


def import_table3(
    tables: list[Lattice], notes: dict[str, dict[str, str]]
) -> tuple[FormatVersion | None, dict]:
    """表三's version (None when its rows do not tell) and nested data; missing rows None."""
    table = _find_table(tables, "表三", "表三（收到和处理政府信息公开申请情况）")
    leaves = {label: row for v in FORMATS for label, row in _table3_leaves(v).items()}
    official = {key: text for key, text in leaves.values()}
    found: dict[str, list[str]] = {}
    for row in table:
        cells = distinct(row)
        labels = [text for text in cells[:-7] if text]
        if len(cells) < 8 or not labels:
            continue
        match = _table3_row(labels, cells[-7:], leaves)
        if match is None:
            continue
        key, misprint = match
        if key in found:
            raise ReportImportError(f"表三中“{labels[-1]}”一行出现了两次；请删去重复的行")
        found[key] = cells[-7:]
        if misprint:
            notes[f"table3.{key}"] = {
                "kind": "label",
                "printed": misprint[:200],
                "expected": official[key],
            }
    if not found:
        raise ReportImportError(
            "表三（收到和处理政府信息公开申请情况）中没有找到数字行；请核对表格"
        )
    versions = {f.version for f in FORMATS.values() if set(f.own_result_rows) & set(found)}
    if len(versions) > 1:
        raise ReportImportError(
            "表三同时含有 2019（试行）和 2021 格式的“（六）其他处理”行；请核对表格"
        )
    version = versions.pop() if versions else None
    grid = table3_grid(_empty_report(version or CURRENT_FORMAT.version))
    _check_header_columns(table, grid, "表三")
    order = _applicant_order(grid)
    out: dict[str, Any] = {}
    for key in dict.fromkeys((c.key or "").split(".")[1] for c in grid.value_cells()):
        if key not in found:
            out[key] = None  # noted as a missing row by the model
            continue
        out[key] = {
            column: _cell_value(text, f"table3.{key}.{column}", notes)
            for column, text in zip(order, found[key], strict=True)
        }
    return version, out


def _check_header_columns(table: Lattice, grid: Grid, name: str) -> None:
    """Each data column's header labels (bottom-aligned grid columns) match the official ones."""
    matrix = grid.matrix()
    data_cols = sorted({c.col for c in grid.value_cells()})
    header = [row for row in table[: grid.header_rows + 2] if row]
    for offset, col in enumerate(reversed(data_cols), start=1):
        expected = {normalize_label(matrix[r][col]) for r in range(grid.header_rows)}
        seen = {normalize_label(row[-offset][1]) for row in header if len(row) >= offset}
        if not expected <= seen:
            raise ReportImportError(
                f"{name}的第 {len(data_cols) - offset + 1} 个数据列应为“{matrix[grid.header_rows - 1][col]}”，"
                "与文件中的表头不一致；请核对列的顺序"
            )


# --- 表四 ---


def import_table4(tables: list[Lattice], notes: dict[str, dict[str, str]]) -> dict[str, Any]:
    """表四's nested data from its one row of numbers."""
    grid = table4_grid(_empty_report(CURRENT_FORMAT.version))
    table = _find_table(tables, "表四", "表四（政府信息公开行政复议、行政诉讼情况）")
    _check_header_columns(table, grid, "表四")
    value_cells = sorted(grid.value_cells(), key=lambda c: c.col)
    width = len(value_cells)
    for row in table[grid.header_rows :]:
        cells = distinct(row)
        values = cells[-width:]
        if len(cells) < width or not all(is_value(v) for v in values) or not any(values):
            continue
        out: dict[str, Any] = {}
        for cell, text in zip(value_cells, values, strict=True):
            _, block, column = (cell.key or "").split(".")
            out.setdefault(block, {})[column] = _cell_value(text, cell.key or "", notes)
        return out
    raise ReportImportError("表四（行政复议、行政诉讼情况）中没有找到数字行；请核对表格是否完整")


# --- title, prose, closing ---

_TITLE_RE = re.compile(r"^(.{2,100}?)((?:19|20)\d{2})年度?政府信息公开工作(?:年度)?报告")


def title_meta(paragraphs: list[str]) -> tuple[str | None, int | None]:
    """Agency and year from the title, which may run over up to three lines.

    The first paragraphs that read as a title win (a portal page has menus before it).
    """
    texts = [re.sub(r"\s+", "", p) for p in paragraphs[:300]]
    for end in range(len(texts)):
        for start in range(end, max(end - 3, -1), -1):
            match = _TITLE_RE.match("".join(texts[start : end + 1]))
            if match:
                return match.group(1), int(match.group(2))
    return None, None


SECTION_NAMES: dict[str, str] = {p.key: p.name for p in PROSE_PARTS}
_NUM = "一二三四五六七八九十"
_HEADINGS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(rf"^[{_NUM}][、.．]\s*总体情况"), "overview_intro"),
    (re.compile(rf"^[{_NUM}][、.．]\s*主动公开政府信息情况"), None),
    (re.compile(rf"^[{_NUM}][、.．]\s*收到和处理政府信息公开申请情况"), None),
    (re.compile(rf"^[{_NUM}][、.．]\s*政府信息公开行政复议"), None),
    (re.compile(rf"^[{_NUM}][、.．]\s*存在的主要问题"), "problems"),
    (re.compile(rf"^[{_NUM}][、.．]\s*其他需要报告的事项"), "other_matters"),
)
_SUBHEADINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"^[（(][{_NUM}][)）]\s*{name}\s*[。.：:]?\s*"), key)
    for name, key in (
        ("主动公开(?:情况)?", "overview_proactive"),
        ("依申请公开(?:情况)?", "overview_on_request"),
        ("政府信息管理(?:情况)?", "overview_management"),
        ("(?:政府信息公开)?平台建设(?:情况)?", "overview_platform"),
        ("监督保障(?:情况)?", "overview_supervision"),
    )
)
_DATE_RE = re.compile(r"^((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日$")


def narrative_sections(paragraphs: list[str], agency: str = "") -> dict[str, str]:
    """The prose of the sections found by their headings, one paragraph a line; closing left out."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for paragraph in paragraphs:
        text = paragraph.strip()
        if current is not None and _is_closing(text, agency):
            break  # the 落款: what follows is the page's footer, not the report
        heading = next((key for pattern, key in _HEADINGS if pattern.match(text)), "")
        if heading != "":
            current = heading
            continue
        if current is not None and current.startswith("overview"):
            sub = next(((p, key) for p, key in _SUBHEADINGS if p.match(text)), None)
            if sub is not None:
                current = sub[1]
                text = sub[0].sub("", text, count=1)
                if not text:
                    continue
        if current is not None and text != DRAFT_PLACEHOLDER:
            sections.setdefault(current, []).append(text)
    return {key: "\n".join(lines)[:20000] for key, lines in sections.items() if any(lines)}


def _is_closing(text: str, agency: str) -> bool:
    """A 落款 line: the agency's name alone or a date alone."""
    bare = re.sub(r"\s+", "", text)
    return bool(_DATE_RE.match(bare)) or bool(agency and bare == re.sub(r"\s+", "", agency))


_NEXT_PART = re.compile(r"[（(]二[)）]|改进措施|改进情况|整改情况|下一步")
_FIRST_LEAD = re.compile(r"^[（(]一[)）][^。：:]{0,20}[。：:]")
_ITEM = re.compile(r"[一二三四五六七八九十]是")
MAX_PROBLEM_CHARS = 500  # model.PreviousProblem.problem


def problems_from_prose(text: str) -> list[str]:
    """The problems a 五、存在的主要问题及改进情况 section names, one item each.

    The part before the improvements (（二）…, 改进措施, 整改情况, 下一步) is split at 一是、二是…;
    without such items it is one problem. Used so that next year's report starts from them.
    """
    cut = _NEXT_PART.search(text)
    part = _FIRST_LEAD.sub("", (text[: cut.start()] if cut else text).strip()).strip()
    pieces = _ITEM.split(part)
    items = pieces[1:] if len(pieces) > 1 else pieces
    out = []
    for item in items:
        item = item.strip(" \n；;。，,：:")
        if item:
            out.append(_clip(item))
    return out[:30]


def _clip(text: str) -> str:
    if len(text) <= MAX_PROBLEM_CHARS:
        return text
    head = text[:MAX_PROBLEM_CHARS]
    stop = head.rfind("。")
    return head[: stop + 1] if stop > 0 else head


def closing_date(paragraphs: list[str]) -> dt.date | None:
    """The 落款 date among the last paragraphs, e.g. 2024年1月22日."""
    for paragraph in reversed(paragraphs[-4:]):
        match = _DATE_RE.match(re.sub(r"\s+", "", paragraph))
        if match:
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None
