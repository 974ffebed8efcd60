"""Dotted data paths of a `Report`: walk, read, set, label.

A data path names one place in the report data the way the data file spells it:
`table3.granted.natural_person`, `table2.regulations.in_force`, `meta.publish_date`,
`facts.problems.0` (list positions are numbers), `narrative.problems`. Every module that
addresses report data by path (question engine, web edits, Excel reader, findings, import
notes) goes through this module; the printed label of a path (`表三 · 三、本年度办理结果 ·
（一）予以公开 · 自然人`) is made here only, so a label edit in `tables.py` reaches every
message, highlight and correction question at once.

A narrative section is the place `narrative.<key>`; its label comes from the outline
(`outline.SECTION_LABELS`); a finding about it is printed at `outline.section_location`.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel

from . import tables
from .model import CountIn, Report, as_amount
from .numbers import DEFAULT_COUNT_UNITS
from .outline import SECTION_LABELS, section_location

# Labels of fields whose description does not give the printed name.
_FIELD_LABELS = {
    "meta": "基本信息",
    "agency": "机关全称",
    "level": "机关层级",
    "region": "所在行政区划",
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
    "info_fee": "信息处理费",
    "previous_problems": "上年问题整改情况",
    "proactive_categories": "主动公开信息分类",
}
TABLE_NAMES = {"table2": "表二", "table2_2019": "表二", "table3": "表三", "table4": "表四"}


def split(path: str) -> list[str]:
    """`"table3.granted.total"` → `["table3", "granted", "total"]`."""
    return path.split(".") if path else []


def table_of(path: str) -> str | None:
    """The official table a path lies in (`表二`/`表三`/`表四`), else None."""
    return TABLE_NAMES.get(path.split(".", 1)[0])


def within(path: str, scope: Sequence[str]) -> bool:
    """`path` is one of `scope` or lies under one of them."""
    return any(path == p or path.startswith(p + ".") for p in scope)


# --- walk: the model's fields ------------------------------------------------------------


def model_class(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside a field annotation (`X | None`, `list[X]`…), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_class(arg)
        if found is not None:
            return found
    return None


def field_at(path: str) -> Any:
    """The pydantic FieldInfo at a dotted path of `Report`; KeyError if there is none."""
    model: type[BaseModel] | None = Report
    field = None
    for part in split(path):
        if model is None or part not in model.model_fields:
            raise KeyError(path)
        field = model.model_fields[part]
        model = model_class(field.annotation)
    return field


def is_model_path(path: str) -> bool:
    """A path naming a field of `Report` (list positions not allowed)."""
    try:
        field_at(path)
    except KeyError:
        return False
    return True


def is_list(path: str) -> bool:
    """The field at `path` holds a list. KeyError if `path` is not a model path."""
    if not path:
        return False
    annotation = field_at(path).annotation
    return typing.get_origin(annotation) is list or any(
        typing.get_origin(a) is list for a in typing.get_args(annotation)
    )


def leaf_paths(prefix: str = "") -> list[str]:
    """Walk: every scalar or list field under `prefix` (all of `Report` when empty), dotted,
    in model order. KeyError if `prefix` is not a model path."""
    model = model_class(field_at(prefix).annotation) if prefix else Report
    if model is None or is_list(prefix):
        return [prefix]
    out: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        sub = model_class(field.annotation)
        if sub is None or is_list(path):
            out.append(path)
        else:
            out.extend(leaf_paths(path))
    return out


def blank(path: str) -> Any:
    """The default (all-zero) value of the field at `path`, as plain data. KeyError if none."""
    field = field_at(path)
    value = field.default_factory() if field.default_factory is not None else field.default
    if value is None and (cls := model_class(field.annotation)) is not None:
        value = cls()
    return value.model_dump() if isinstance(value, BaseModel) else value


# --- read and set --------------------------------------------------------------------------


def read(report: Report | BaseModel | dict[str, Any], path: str) -> Any:
    """The value at `path` of a report (or of its plain data); None when a part on the way is
    None. AttributeError/KeyError/IndexError if the path does not exist."""
    node: Any = report
    for part in split(path):
        if node is None:
            return None
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            node = node[int(part)]
        else:
            node = getattr(node, part)
    return node


def set_value(data: dict[str, Any], path: str, value: Any) -> None:
    """Place `value` at dotted `path` of plain report data, in place.

    A missing or None mapping on the way is created: the model's blank value where the path is
    a field of `Report`, else an empty mapping. List positions must exist (0 ≤ i < len).
    KeyError if a part is empty, a list position does not exist, or the path runs through a
    value that is neither a mapping nor a list.
    """
    parts = split(path)
    if not parts or any(not p for p in parts):
        raise KeyError(path)
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            node = node[_index(node, part)]
            continue
        if not isinstance(node, dict):
            raise KeyError(path)
        if node.get(part) is None:
            here = ".".join(parts[: i + 1])
            node[part] = blank(here) if is_model_path(here) else {}
            if node[part] is None:
                node[part] = {}
        node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[_index(node, last)] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise KeyError(path)


def _index(items: list[Any], part: str) -> int:
    if not part.isdigit() or int(part) >= len(items):
        raise KeyError(part)
    return int(part)


# --- label -----------------------------------------------------------------------------------


def join_label(*parts: str) -> str:
    """`表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人`: no space before a full-width bracket."""
    out = parts[0]
    for part in parts[1:]:
        out += (" ·" if part.startswith("（") else " · ") + part
    return out


def label(path: str | Sequence[Any]) -> str:
    """A data path as the official table prints it (`表三 · 三、本年度办理结果 ·（一）予以公开 ·
    自然人`), else by the field labels (`基本信息 · 发布日期`, `填报事实 · 存在的问题 · 第 2 项`).

    Accepts a dotted path or a pydantic error location (a tuple whose ints are list
    positions). Never raises: an unknown part is shown as spelled; the empty path is
    `数据文件`.
    """
    parts = label_parts(path)
    return join_label(*parts) if parts else "数据文件"


def label_parts(path: str | Sequence[Any]) -> list[str]:
    """The printed parts of a path's label, outermost first (`["表三", …, "自然人"]`)."""
    loc = tuple(_loc(path))
    dotted = ".".join(str(p) for p in loc)
    head = loc[0] if loc else None
    if head == "narrative" and len(loc) == 2 and loc[1] in SECTION_LABELS:
        return [SECTION_LABELS[str(loc[1])]]
    if head in ("table2", "table2_2019") and dotted in tables.TABLE2_LABELS:
        return ["表二", *tables.TABLE2_LABELS[dotted]]
    if len(loc) == 2 and head in ("table2", "table2_2019"):
        for key, (article, row, _column) in tables.TABLE2_LABELS.items():
            if key.startswith(dotted + "."):
                return ["表二", article, row]
    if len(loc) >= 2 and head == "table3" and loc[1] in tables.TABLE3_ROW_LABELS:
        parts = ["表三", *tables.table3_row_location(str(loc[1]))]
        if len(loc) > 2 and loc[2] in tables.APPLICANT_LABELS:
            parts.append(tables.APPLICANT_LABELS[str(loc[2])])
        return parts
    if len(loc) >= 2 and head == "table4" and loc[1] in tables.CASE_BLOCK_LABELS:
        parts = ["表四", tables.CASE_BLOCK_LABELS[str(loc[1])]]
        if len(loc) > 2 and loc[2] in tables.CASE_LABELS:
            parts.append(tables.CASE_LABELS[str(loc[2])])
        return parts
    return _labels_by_model(loc)


def section_label(key: str) -> str:
    """Where a finding on the narrative section `key` is printed (`outline.section_location`),
    e.g. `正文 · 五、存在的主要问题及改进情况`. KeyError for an unknown key."""
    return section_location(key)


def _loc(path: str | Sequence[Any]) -> list[Any]:
    parts = split(path) if isinstance(path, str) else list(path)
    return [int(p) if isinstance(p, str) and p.isdigit() else p for p in parts]


def _labels_by_model(loc: tuple[Any, ...]) -> list[str]:
    labels: list[str] = []
    model: type[BaseModel] | None = Report
    for part in loc:
        if isinstance(part, int):
            labels.append(f"第 {part + 1} 项")
            continue
        field = model.model_fields.get(str(part)) if model else None
        name = _FIELD_LABELS.get(str(part))
        if name is None and field is not None and field.description:
            name = field.description.split("：")[0].split("（")[0]
        labels.append(name or str(part))
        model = model_class(field.annotation) if field is not None else None
    return labels


# --- the kind of answer a field takes ----------------------------------------------------


def field_kind(path: str) -> Literal["count", "amount", "date"] | None:
    """The kind of answer the field at `path` takes (count, amount or date), None for any other
    field or a path that is not a field (list items, unknown names)."""
    try:
        field = field_at(path)
    except KeyError:
        return None
    found = _kinds_in(field.annotation) | _kinds_in_metadata(field.metadata)
    return found.pop() if len(found) == 1 else None


def amount_unit(path: str) -> str:
    """万元 or 元: the unit of the amount field at `path`, as its description states."""
    return "万元" if "万元" in (field_at(path).description or "") else "元"


def count_units(path: str) -> tuple[str, ...]:
    """The measure words the count field at `path` takes (件 for a table cell, 场 or 次 for
    新闻发布会 …), as its validator declares them. KeyError for a path that is not a field."""
    field = field_at(path)
    for meta in [*field.metadata, *_annotated_metadata(field.annotation)]:
        func = getattr(meta, "func", None)
        if isinstance(func, CountIn):
            return func.units
    return DEFAULT_COUNT_UNITS


def _annotated_metadata(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is typing.Annotated:
        return list(typing.get_args(annotation)[1:])
    return [m for arg in typing.get_args(annotation) for m in _annotated_metadata(arg)]


def _kinds_in(annotation: Any) -> set[Literal["count", "amount", "date"]]:
    if annotation is dt.date:
        return {"date"}
    if typing.get_origin(annotation) is typing.Annotated:
        return _kinds_in_metadata(list(typing.get_args(annotation)[1:]))
    out: set[Literal["count", "amount", "date"]] = set()
    for arg in typing.get_args(annotation):
        out |= _kinds_in(arg)
    return out


def _kinds_in_metadata(metadata: list[Any]) -> set[Literal["count", "amount", "date"]]:
    validators = {getattr(m, "func", None) for m in metadata}
    out: set[Literal["count", "amount", "date"]] = set()
    if any(isinstance(v, CountIn) for v in validators):
        out.add("count")
    if as_amount in validators:
        out.add("amount")
    return out
