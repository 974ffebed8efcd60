"""Reading and writing report data files (YAML or JSON), with Chinese error messages.

Every problem with a file becomes a `DataFileError` whose `problems` name the field as
printed in the official table (or its Chinese description), the line where that is known,
and what to do. Writes are atomic: a crash mid-write leaves the old file intact.
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import tables
from .model import OTHER_ROWS_2021, Report, result_rows

SUPPORTED_SUFFIXES = (".yaml", ".yml", ".json")
# libyaml's safe loader when PyYAML has it (ten times faster: batches of a thousand files).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FIELD_LABELS = {
    "meta": "基本信息",
    "agency": "机关全称",
    "level": "机关层级",
    "region": "行政区划",
    "report_year": "统计年度",
    "publish_date": "发布日期",
    "format_version": "格式版本",
    "facts": "填报事实",
    "narrative": "正文",
    "previous_year": "上年数据",
    "table2": "表二",
    "table2_2019": "表二（2019 格式）",
    "table3": "表三",
    "table4": "表四",
}


@dataclass(frozen=True)
class Problem:
    location: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"第 {self.line} 行，" if self.line else ""
        return f"{where}{self.location}：{self.message}"


class DataFileError(Exception):
    """A data file that cannot be used; `problems` says where and why, in Chinese."""

    def __init__(self, path: str | Path, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def render(self) -> str:
        head = f"数据文件 {self.path} 有 {len(self.problems)} 处问题："
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


def load_report(path: str | Path) -> Report:
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DataFileError(path, [Problem("文件", "请使用 .yaml、.yml 或 .json 格式的数据文件")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(path, [Problem("文件", "找不到该文件，请检查路径")]) from None
    except UnicodeDecodeError:
        raise DataFileError(
            path, [Problem("文件", "文件不是 UTF-8 编码，请另存为 UTF-8")]
        ) from None
    except OSError as exc:
        raise DataFileError(path, [Problem("文件", f"无法读取：{exc.strerror}")]) from None
    return parse_report(text, path)


def parse_report(text: str, source: str | Path = "<数据>") -> Report:
    """Parse YAML or JSON text into a `Report`, raising `DataFileError` on any problem."""
    data = _parse_mapping(text, source)
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        raise DataFileError(source, problems_from_validation(exc, text)) from None


def _parse_mapping(text: str, source: str | Path) -> dict[str, Any]:
    is_json = str(source).lower().endswith(".json")
    try:
        data = json.loads(text) if is_json else yaml.load(text, Loader=_SAFE_LOADER)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            source,
            [
                Problem(
                    "文件",
                    f"不是有效的 JSON：第 {exc.colno} 列附近有语法错误，请检查逗号、引号和括号",
                    exc.lineno,
                )
            ],
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or "格式错误"
        raise DataFileError(
            source, [Problem("文件", f"不是有效的 YAML（{reason}），请检查缩进和冒号", line)]
        ) from None
    if not isinstance(data, dict):
        raise DataFileError(source, [Problem("文件", "最外层应为键值结构（以 meta: 开头）")])
    return data


def problems_from_validation(exc: ValidationError, text: str = "") -> list[Problem]:
    lines = _line_index(text)
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        problems.append(
            Problem(describe_location(loc), _message_for(err, loc), _line_of(lines, loc))
        )
    return problems


def describe_location(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as the official table prints it, else by field labels."""
    path = ".".join(str(p) for p in loc)
    if loc and loc[0] in ("table2", "table2_2019") and path in tables.TABLE2_LABELS:
        return tables.table2_location(path)
    if len(loc) == 2 and loc[0] in ("table2", "table2_2019"):
        row = tables.table2_row_location(path)
        if row:
            return row
    if len(loc) >= 2 and loc[0] == "table3" and loc[1] in tables.TABLE3_ROW_LABELS:
        column = loc[2] if len(loc) > 2 and loc[2] in tables.APPLICANT_LABELS else None
        return tables.table3_location(str(loc[1]), column)
    if len(loc) >= 2 and loc[0] == "table4" and loc[1] in tables.CASE_BLOCK_LABELS:
        column = loc[2] if len(loc) > 2 and loc[2] in tables.CASE_LABELS else None
        return tables.table4_location(str(loc[1]), column)
    return tables.join_location(*_labels_by_model(loc)) if loc else "数据文件"


def _labels_by_model(loc: tuple[Any, ...]) -> list[str]:
    labels: list[str] = []
    model: type[BaseModel] | None = Report
    for part in loc:
        if isinstance(part, int):
            labels.append(f"第 {part + 1} 项")
            continue
        field = model.model_fields.get(str(part)) if model else None
        label = _FIELD_LABELS.get(str(part))
        if label is None and field is not None and field.description:
            label = field.description.split("：")[0].split("（")[0]
        labels.append(label or str(part))
        model = _submodel(field.annotation) if field is not None else None
    return labels


def _submodel(annotation: Any) -> type[BaseModel] | None:
    candidates = [annotation, *getattr(annotation, "__args__", ())]
    for candidate in candidates:
        inner = getattr(candidate, "__args__", ())
        for c in (candidate, *inner):
            if isinstance(c, type) and issubclass(c, BaseModel):
                return c
    return None


def _message_for(err: Any, loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    if kind.startswith("draftbot_"):
        return err["msg"]
    if kind == "extra_forbidden":
        return _unknown_key_message(loc)
    ctx = err.get("ctx") or {}
    given = err.get("input")
    if given is None and kind in ("model_type", "model_attributes_type", "dict_type"):
        return "此行为空；请填写各格的数字，没有发生的事项填 0（删去这一行也表示全部为 0）"
    if given is None and kind.endswith("_type"):
        return "此项为空；请填写，或删去这一项"
    messages = {
        "missing": "缺少必填项，请补充",
        "string_too_short": f"至少 {ctx.get('min_length')} 个字",
        "string_too_long": f"最多 {ctx.get('max_length')} 个字，请精简",
        "too_long": f"最多 {ctx.get('max_length')} 项",
        "greater_than_equal": f"应不小于 {ctx.get('ge')}，收到“{given}”",
        "less_than_equal": f"应不大于 {ctx.get('le')}，收到“{given}”",
        "int_parsing": f"应为整数，收到“{given}”",
        "int_from_float": f"应为整数，收到“{given}”",
        "date_from_datetime_parsing": f"应为日期（如 2023-01-18），收到“{given}”",
        "date_parsing": f"应为日期（如 2023-01-18），收到“{given}”",
        "date_type": f"应为日期（如 2023-01-18），收到“{given}”",
        "enum": f"应为以下之一：{ctx.get('expected')}，收到“{given}”",
        "literal_error": f"应为以下之一：{ctx.get('expected')}，收到“{given}”",
        "model_type": "此处应为一组“键: 值”",
        "model_attributes_type": "此处应为一组“键: 值”",
        "dict_type": "此处应为一组“键: 值”",
        "list_type": "此处应为列表（每行以 - 开头）",
        "string_type": f"应为文字，收到“{given}”",
    }
    return messages.get(kind, f"取值无效（{err['msg']}）")


def _unknown_key_message(loc: tuple[Any, ...]) -> str:
    key = str(loc[-1])
    model: type[BaseModel] | None = Report
    for part in loc[:-1]:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        model = _submodel(field.annotation) if field is not None else None
    valid = list(model.model_fields) if model else []
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    hint = f"，是否想写“{close[0]}”？" if close else f"。可用的键：{'、'.join(valid)}"
    return f"未知的键“{key}”{hint}"


def _line_of(lines: dict[tuple[str, ...], int], loc: tuple[Any, ...]) -> int | None:
    """Line of the error's key, or of its nearest parent that the file spells out."""
    key = tuple(str(p) for p in loc)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None


def _line_index(text: str) -> dict[tuple[str, ...], int]:
    """Map every key path in a YAML/JSON text to its 1-based line number."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    index: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, str(key_node.value))
                index[child] = key_node.start_mark.line + 1
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = (*path, str(i))
                index[child] = item.start_mark.line + 1
                walk(item, child)

    if root is not None:
        walk(root, ())
    return index


def report_to_data(report: Report) -> dict[str, Any]:
    """Plain JSON-compatible data, without empty defaults, for writing back to a file.

    A published report keeps every 表三 row, so that a row the original lacked (noted in
    `source.notes`) stays distinguishable from one that was printed with zeros.
    """
    data = report.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    if report.is_published:
        # every row of the format, plus any other row that holds numbers (F-02 reports it)
        stated = data.get("table3", {})
        full = report.table3.model_dump(mode="json", exclude_none=True)
        data["table3"] = {
            key: value
            for key, value in full.items()
            if key in stated
            or key not in ("other_processing", *OTHER_ROWS_2021)
            or key in result_rows(report.format_version)
        }
    return data


def dump_report(report: Report, fmt: str = "yaml") -> str:
    data = report_to_data(report)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def save_report(report: Report, path: str | Path) -> None:
    path = Path(path)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    atomic_write_text(path, dump_report(report, fmt))


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
