"""Reading and writing report data files (YAML or JSON), with Chinese error messages.

Every problem with a file becomes a `DataFileError` whose `problems` name the field as
printed in the official table (or its Chinese description), the line where that is known,
and what to do. Input is bounded before it is parsed or reported (size, keys, nesting, no
YAML aliases, duplicate keys refused, at most `MAX_PROBLEMS` problems quoting short
excerpts; docs/limits.md). YAML is written round-trip (ruamel.yaml): the clerk's comments,
key order and style survive a save. Reading takes a fast path first (libyaml through PyYAML's
C parser, with ruamel's YAML 1.2 resolver rules) and falls back to the round-trip reader for
anything the fast path does not reproduce exactly (aliases, tags, merge keys, directives,
duplicate keys, any error): the data and every message are the round-trip reader's.
Writes are atomic: a crash or a full disk mid-write leaves the old file intact.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml as pyyaml
from pydantic import BaseModel, ValidationError

from . import paths
from .errors import DraftbotError
from .excerpt import excerpt
from .formats import OTHER_ROWS_2021
from .model import Report, result_rows

if TYPE_CHECKING:
    from ruamel.yaml import YAML

SUPPORTED_SUFFIXES = (".yaml", ".yml", ".json")
MAX_DATA_FILE_BYTES = 5 * 1024 * 1024  # a real report's data file is under 50 KB
MAX_NESTING_DEPTH = 32  # the data model nests at most 6 levels
MAX_DATA_ITEMS = 10_000  # keys and list items; a real report has a few hundred
MAX_PROBLEMS = 20  # problems listed per file; the rest are counted
MAX_LINE_INDEX_BYTES = 512 * 1024  # JSON text re-read for line numbers only up to this size


@dataclass(frozen=True)
class Problem:
    location: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"第 {self.line} 行，" if self.line else ""
        return f"{where}{self.location}：{self.message}"


class DataFileError(DraftbotError):
    """A data file that cannot be used; `problems` says where and why, in Chinese."""

    def __init__(self, path: str | Path, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def render(self) -> str:
        head = f"数据文件 {self.path} 有 {len(self.problems)} 处问题："
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    def user_message(self) -> str:
        """The problems under a head line naming the file (`render()`)."""
        return self.render()


def load_report(path: str | Path) -> Report:
    """Read a data file (at most `MAX_DATA_FILE_BYTES`); raises `DataFileError`."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DataFileError(path, [Problem("文件", "请使用 .yaml、.yml 或 .json 格式的数据文件")])
    try:
        if path.stat().st_size > MAX_DATA_FILE_BYTES:
            raise DataFileError(path, [Problem("文件", _too_large())])
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
    """Parse YAML or JSON text into a `Report`, raising `DataFileError` on any problem.

    Bounded before anything is built: at most `MAX_DATA_FILE_BYTES` of text, nesting at most
    `MAX_NESTING_DEPTH` levels, no YAML aliases, no duplicate keys; at most `MAX_PROBLEMS`
    problems are listed, each quoting at most a short excerpt of the input.
    """
    if len(text) > MAX_DATA_FILE_BYTES or len(text.encode("utf-8")) > MAX_DATA_FILE_BYTES:
        raise DataFileError(source, [Problem("文件", _too_large())])
    items = _estimated_items(text)
    if items > MAX_DATA_ITEMS:
        raise DataFileError(
            source,
            [
                Problem(
                    "文件",
                    f"文件中的键和列表项过多（约 {items} 个，上限 {MAX_DATA_ITEMS}）；"
                    "一份年度报告的数据文件只有几百项，请检查是否选错了文件",
                )
            ],
        )
    data = None if _is_json(source) else _fast_yaml(text)
    if data is not None:
        try:
            return Report.model_validate(data)
        except ValidationError:
            pass  # the round-trip reader below locates every problem by line
    data = _parse_mapping(text, source)
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        raise DataFileError(
            source, problems_from_validation(exc, text, data, limit=MAX_PROBLEMS)
        ) from None


def _estimated_items(text: str) -> int:
    """An estimate of keys and list items (the `:` or the `,`, whichever are more), in a few
    milliseconds before parsing: the parse and the error list of 200,000 keys take seconds."""
    return max(text.count(":"), text.count(",")) + text.count("\n-")


def _too_large() -> str:
    return f"文件过大（上限 {MAX_DATA_FILE_BYTES // (1024 * 1024)} MB），请检查是否选错了文件"


def _is_json(source: str | Path) -> bool:
    return str(source).lower().endswith(".json")


def _parse_mapping(text: str, source: str | Path) -> dict[str, Any]:
    try:
        data = _parse_json(text) if _is_json(source) else _load_yaml(text)
    except _DuplicateKey as exc:
        raise DataFileError(source, [exc.problem(text)]) from None
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
    except RecursionError:
        raise DataFileError(source, [Problem("文件", _too_deep())]) from None
    except _AliasFound as exc:
        raise DataFileError(
            source,
            [
                Problem(
                    "文件",
                    f"数据文件不支持 YAML 别名（*{excerpt(exc.name)}），请把内容直接写出来",
                    exc.line,
                )
            ],
        ) from None
    except Exception as exc:
        if _is_too_deep(exc):
            raise DataFileError(source, [Problem("文件", _too_deep())]) from None
        if not _is_yaml_error(exc):
            raise
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = yaml_problem_in_words(getattr(exc, "problem", None) or "")
        raise DataFileError(
            source, [Problem("文件", f"不是有效的 YAML（{reason}），请检查缩进和冒号", line)]
        ) from None
    if not isinstance(data, dict):
        raise DataFileError(source, [Problem("文件", "最外层应为键值结构（以 meta: 开头）")])
    if _depth(data) > MAX_NESTING_DEPTH:
        raise DataFileError(source, [Problem("文件", _too_deep())])
    return data


# The YAML parsers' problem texts (PyYAML and ruamel.yaml word them alike), in the clerk's
# words; a problem not listed is called a 格式错误 (the line number still points at it).
_YAML_PROBLEMS = (
    ("expected ',' or '}'", "花括号 { } 没有配对，或两项之间缺少逗号"),
    ("expected ',' or ']'", "方括号 [ ] 没有配对，或两项之间缺少逗号"),
    ("mapping values are not allowed", "此处不能出现冒号：冒号后应有空格，值里的冒号请加引号"),
    ("'\\t'", "含有制表符（Tab），请改用空格缩进"),
    ("found unexpected end of stream", "引号没有配对"),
    ("expected <block end>", "缩进不一致"),
    ("could not find expected ':'", "缺少冒号"),
    ("did not find expected key", "缩进不一致或缺少键名"),
    ("did not find expected '-'", "列表项的缩进不一致"),
)


def yaml_problem_in_words(problem: str) -> str:
    """A YAML parser's `problem` text (English) as a short Chinese phrase; "格式错误" when
    the problem is not one of the common ones."""
    return next((words for key, words in _YAML_PROBLEMS if key in problem), "格式错误")


def yaml_error_in_words(exc: BaseException) -> str:
    """A YAML parser error as "第 N 行：<problem in words>" (no line when the parser gave none)."""
    mark = getattr(exc, "problem_mark", None)
    reason = yaml_problem_in_words(getattr(exc, "problem", None) or "")
    return f"第 {mark.line + 1} 行：{reason}" if mark is not None else reason


def _too_deep() -> str:
    return f"嵌套层数过多（上限 {MAX_NESTING_DEPTH} 层），请检查文件是否损坏或选错了文件"


def _depth(data: Any) -> int:
    """Nesting depth of parsed data, without recursion (stops counting past the limit)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING_DEPTH:
            return depth
        children = node.values() if isinstance(node, dict) else node
        if isinstance(node, (dict, list)):
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _parse_json(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_unique_pairs)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key, None, None)
        result[key] = value
    return result


class _DuplicateKey(Exception):
    """A key written twice in one mapping; `first`/`second` are 1-based lines when known."""

    def __init__(self, key: str, first: int | None, second: int | None) -> None:
        super().__init__(key)
        self.key, self.first, self.second = key, first, second

    def problem(self, text: str) -> Problem:
        first, second = self.first, self.second
        if first is None or second is None:
            found = _lines_with_key(text, self.key)
            first, second = [*found, None, None][:2]
        if first and second:
            where = f"第 {first} 行和第 {second} 行"
        else:
            where = f"第 {first} 行的同一层中" if first else "同一层中"
        return Problem(
            "文件",
            f"键“{excerpt(self.key)}”在{where}重复出现，程序不会替您选择；请删除或合并其中一处",
            second,
        )


def _lines_with_key(text: str, key: str) -> list[int | None]:
    pattern = re.compile(r'(?:^|[{,\s])"?' + re.escape(key) + r'"?\s*:')
    found: list[int | None] = []
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line):
            found.append(number)
            if len(found) == 2:
                break
    return found


class _AliasFound(Exception):
    def __init__(self, name: str, line: int) -> None:
        super().__init__(name)
        self.name, self.line = name, line


@cache
def _round_trip_classes() -> tuple[type[Any], type[Any]]:
    """The round-trip reader's composer and constructor, made on first use: ruamel.yaml is
    imported only to write YAML or when the fast reader steps aside (issue 19: `draftbot
    check` of an ordinary file never imports it)."""
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
    from ruamel.yaml.events import AliasEvent

    class _NoAliasComposer(Composer):
        """Refuses `*alias` at once: data files never need them, and expanding nested aliases
        is how a few hundred bytes become gigabytes (issue 13, kind 1)."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.parser.check_event(AliasEvent):
                event = self.parser.peek_event()
                raise _AliasFound(str(event.anchor), event.start_mark.line + 1)
            return super().compose_node(parent, index)

    class _DataConstructor(RoundTripConstructor):
        """Round-trip constructor that reports duplicate keys with both lines and leaves an
        impossible date (`2024-13-45`) as text, so the field check names it."""

        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except (ValueError, OverflowError, ConstructorError):
                return node.value

        def check_mapping_key(
            self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
        ) -> bool:
            if key in mapping:
                first = mapping.lc.key(key)[0] + 1 if hasattr(mapping, "lc") else None
                raise _DuplicateKey(str(key), first, key_node.start_mark.line + 1)
            return True

    _DataConstructor.add_constructor(
        "tag:yaml.org,2002:timestamp", _DataConstructor.construct_yaml_timestamp
    )
    return _NoAliasComposer, _DataConstructor


def _yaml() -> YAML:
    """A round-trip YAML instance: keeps comments, key order and styles; bounded depth."""
    from ruamel.yaml import YAML

    composer, constructor = _round_trip_classes()
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = composer
    yaml.Constructor = constructor
    yaml.max_depth = MAX_NESTING_DEPTH
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load_yaml(text: str) -> Any:
    """Data from YAML text, read round-trip (YAML 1.2: `no` stays text, `9:30` is not a
    number); refuses aliases with their line, duplicate keys and deep nesting."""
    if _flow_depth(text) > MAX_NESTING_DEPTH:
        from ruamel.yaml.composer import MaxDepthExceededError

        raise MaxDepthExceededError(None, None, "too deep", None)
    return _yaml().load(text)


def _is_too_deep(exc: BaseException) -> bool:
    """Whether `exc` is the round-trip reader refusing nesting over `MAX_NESTING_DEPTH`."""
    from ruamel.yaml.composer import MaxDepthExceededError

    return isinstance(exc, MaxDepthExceededError)


def _is_yaml_error(exc: BaseException) -> bool:
    """Whether `exc` is the round-trip reader's syntax error (any `ruamel.yaml` YAMLError)."""
    from ruamel.yaml.error import YAMLError

    return isinstance(exc, YAMLError)


_FAST_REFUSED = re.compile(r"[!&*%<\t]")
"""Characters after which the fast reader steps aside for the round-trip one: tags (`!`),
anchors and aliases (`&`, `*`), directives (`%YAML 1.1`), merge keys (`<<`) and tabs. Rare in
data files (a value like `R&D` merely takes the slower path)."""


# ruamel.yaml's YAML 1.2 implicit rules (ruamel/yaml/resolver.py `implicit_resolvers`, the
# entries for (1, 2)), copied so the fast reader need not import ruamel: (tag, pattern
# compiled with re.X, first characters). tests/test_datafile_fast.py checks they are
# ruamel's, rule for rule, and that both resolve a corpus of scalars alike.
YAML_1_2_IMPLICIT_RULES: tuple[tuple[str, str, str | tuple[str, ...]], ...] = (
    ("tag:yaml.org,2002:bool", "^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "tag:yaml.org,2002:float",
        """^(?:
         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\\.(?:inf|Inf|INF)
        |\\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    (
        "tag:yaml.org,2002:int",
        """^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""",
        "-+0123456789",
    ),
    ("tag:yaml.org,2002:merge", "^(?:<<)$", "<"),
    (
        "tag:yaml.org,2002:null",
        """^(?: ~
        |null|Null|NULL
        | )$""",
        ("~", "n", "N", ""),
    ),
    (
        "tag:yaml.org,2002:timestamp",
        """^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \\t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?
        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
    ("tag:yaml.org,2002:value", "^(?:=)$", "="),
    ("tag:yaml.org,2002:yaml", "^(?:!|&|\\*)$", "!&*"),
)


class _FastResolver(pyyaml.resolver.BaseResolver):
    """PyYAML resolver with ruamel's YAML 1.2 implicit rules (`YAML_1_2_IMPLICIT_RULES`):
    `yes`/`no`/`on`/`off` stay text, `012` is twelve, `0o12` is ten, `1_000` a thousand."""


_FastResolver.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in YAML_1_2_IMPLICIT_RULES:
    _FastResolver.add_implicit_resolver(_tag, re.compile(_pattern, re.X), list(_first))


class _FastConstructor(pyyaml.constructor.SafeConstructor):
    """Plain Python data with the round-trip reader's YAML 1.2 values; a duplicate or merge
    key makes it give up (`_FastGiveUp`) so the round-trip reader reports it."""

    def construct_yaml_int(self, node: Any) -> int:
        text = str(self.construct_scalar(node)).replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        bases = {"0b": 2, "0x": 16, "0o": 8}
        base = bases.get(digits[:2], 10)
        return sign * int(digits[2:] if base != 10 else digits, base)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return node.value

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _FastGiveUp
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool, type(None), dt.date)) or key in seen:
                raise _FastGiveUp
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_FastConstructor.yaml_constructors = {
    **pyyaml.constructor.SafeConstructor.yaml_constructors,
    "tag:yaml.org,2002:int": _FastConstructor.construct_yaml_int,
    "tag:yaml.org,2002:timestamp": _FastConstructor.construct_yaml_timestamp,
}


class _FastGiveUp(Exception):
    """The fast reader cannot promise the round-trip reader's result for this text."""


_FastParser: Any = getattr(getattr(pyyaml, "cyaml", None), "CParser", None)


def _fast_yaml(text: str) -> dict[str, Any] | None:
    """YAML data read by libyaml, identical to `_load_yaml(text)`, or None when the text
    needs the round-trip reader (no C parser; tags, anchors, aliases, directives, merge or
    duplicate keys, tabs; a syntax error; nesting over the limit; not a mapping). About
    fifteen times faster than the round-trip reader on a report's data file."""
    if _FastParser is None or _FAST_REFUSED.search(text) or _flow_depth(text) > MAX_NESTING_DEPTH:
        return None
    loader = _FastLoader(text)
    try:
        data = loader.get_single_data()
    except (pyyaml.YAMLError, _FastGiveUp, RecursionError, ValueError, TypeError):
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or _depth(data) > MAX_NESTING_DEPTH:
        return None
    return data


if _FastParser is not None:

    class _FastLoader(_FastParser, _FastConstructor, _FastResolver):
        def __init__(self, stream: str) -> None:
            _FastParser.__init__(self, stream)
            _FastConstructor.__init__(self)
            _FastResolver.__init__(self)


def _flow_depth(text: str) -> int:
    """Deepest `[`/`{` nesting, from the brackets alone (a regex pass in C, then a short loop)."""
    depth = deepest = 0
    for ch in _NOT_BRACKET.sub("", text):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def problems_from_validation(
    exc: ValidationError, text: str = "", data: Any = None, *, limit: int | None = None
) -> list[Problem]:
    """One `Problem` per pydantic error (the first `limit` of them, then one line saying how
    many more), located by line when the parsed `data` (or a short `text`) tells it."""
    errors = exc.errors(include_url=False, include_context=True, include_input=True)
    shown = errors if limit is None else errors[:limit]
    lines = _line_index(data, text)
    problems = []
    for err in shown:
        loc = tuple(err["loc"])
        problems.append(Problem(paths.label(loc), _message_for(err, loc), _line_of(lines, loc)))
    if len(errors) > len(shown):
        problems.append(
            Problem("文件", f"另有 {len(errors) - len(shown)} 处问题未列出，请先改正以上各处")
        )
    return problems


def pydantic_message(err: Any) -> str:
    """A pydantic error dict as a short Chinese sentence (no location), for any model."""
    return _message_for(err, tuple(err.get("loc", ())))


def _message_for(err: Any, loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    if kind.startswith("draftbot_"):
        return err["msg"]
    if kind == "extra_forbidden":
        return _unknown_key_message(loc)
    ctx = err.get("ctx") or {}
    raw_input = err.get("input")
    if raw_input is None and kind in ("model_type", "model_attributes_type", "dict_type"):
        return "此行为空；请填写各格的数字，没有发生的事项填 0（删去这一行也表示全部为 0）"
    if raw_input is None and kind.endswith("_type"):
        return "此项为空；请填写，或删去这一项"
    given = _shown_input(raw_input)
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
        "bool_parsing": f"应为“是”或“否”（true / false），收到“{given}”",
        "bool_type": f"应为“是”或“否”（true / false），收到“{given}”",
        "float_parsing": f"应为数字，收到“{given}”",
        "decimal_parsing": f"应为数字，收到“{given}”",
        "too_short": f"至少 {ctx.get('min_length')} 项",
        "value_error": f"取值无效：{excerpt(ctx.get('error', ''), 80)}",
        "datetime_parsing": f"应为日期和时间，收到“{given}”",
        "datetime_from_date_parsing": f"应为日期和时间，收到“{given}”",
    }
    return messages.get(kind, _GENERIC_MESSAGES.get(kind.split("_")[0], "取值无效，请按说明修改"))


_GENERIC_MESSAGES = {
    "int": "应为整数",
    "float": "应为数字",
    "decimal": "应为数字",
    "bool": "应为“是”或“否”（true / false）",
    "date": "应为日期（如 2023-01-18）",
    "datetime": "应为日期和时间（如 2023-01-18 09:30）",
    "string": "应为文字",
    "list": "此处应为列表（每行以 - 开头）",
    "dict": "此处应为一组“键: 值”",
    "too": "项数不符合要求",
    "value": "取值无效，请按说明修改",
}


def _shown_input(given: Any) -> str:
    """The offending input, quoted briefly (a whole sub-tree is summarised, never printed)."""
    if isinstance(given, dict):
        return f"含 {len(given)} 个键的键值结构"
    if isinstance(given, list):
        return f"含 {len(given)} 项的列表"
    return excerpt(given)


def _unknown_key_message(loc: tuple[Any, ...]) -> str:
    key = str(loc[-1])
    model: type[BaseModel] | None = Report
    for part in loc[:-1]:
        if model is None or isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        model = paths.model_class(field.annotation) if field is not None else None
    valid = list(model.model_fields) if model else []
    import difflib

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


def _line_index(data: Any, text: str = "") -> dict[tuple[str, ...], int]:
    """Map key paths to 1-based lines: from round-trip YAML data's own marks, else (JSON) by
    reading a text of at most `MAX_LINE_INDEX_BYTES` once more as YAML."""
    if not hasattr(data, "lc") and text and len(text) <= MAX_LINE_INDEX_BYTES:
        try:
            data = _load_yaml(text)
        except Exception:  # line numbers are a nicety: the problems stand without them
            return {}
    index: dict[tuple[str, ...], int] = {}
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        marks = getattr(node, "lc", None)  # ruamel's line/column marks
        if marks is None:
            continue
        if isinstance(node, dict):
            items = [(str(k), v, marks.key(k)) for k, v in node.items()]
        elif isinstance(node, list):
            items = [(str(i), v, marks.item(i)) for i, v in enumerate(node)]
        else:
            continue
        for name, value, mark in items:
            child = (*path, name)
            if mark is not None:  # keys brought in by a merge key (`<<`) have no line
                index[child] = mark[0] + 1
            stack.append((value, child))
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


def dump_report(report: Report, fmt: str = "yaml", previous: str | None = None) -> str:
    """The report as YAML (default) or JSON text.

    With `previous` (the YAML text the report was read from) the clerk's comments, key order,
    quoting and flow/block style are kept: only changed values are replaced, keys that now
    hold an empty default are removed unless the file spelled them out, new keys are
    inserted in the data model's order."""
    data = report_to_data(report)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    yaml = _yaml()
    target: Any = None
    if previous is not None:
        try:
            target = yaml.load(previous)
        except Exception:  # an unreadable old file is simply replaced
            target = None
    full = report.model_dump(mode="json", exclude_none=True)
    if isinstance(target, dict):
        _merge_mapping(target, full, data)
    else:
        target = data
    stream = io.StringIO()
    yaml.dump(target, stream)
    return stream.getvalue()


def _merge_mapping(target: Any, full: dict[str, Any], slim: dict[str, Any]) -> None:
    """Make `target` (round-trip data) hold `full`, keeping what it already says alike."""
    for key in [
        k for k in target if k not in full or (k not in slim and not _same(target[k], full[k]))
    ]:
        del target[key]
    position = 0
    for key, value in full.items():
        if key in target:
            target[key] = _merged(target[key], value, slim.get(key, value))
            position = list(target).index(key) + 1
        elif key in slim:
            target.insert(position, key, slim[key])
            position += 1


def _merged(old: Any, full: Any, slim: Any) -> Any:
    if isinstance(old, dict) and isinstance(full, dict):
        _merge_mapping(old, full, slim if isinstance(slim, dict) else full)
        return old
    if isinstance(old, list) and isinstance(full, list):
        slim_items = slim if isinstance(slim, list) and len(slim) == len(full) else full
        for i, (item, slim_item) in enumerate(zip(full, slim_items, strict=True)):
            if i < len(old):
                old[i] = _merged(old[i], item, slim_item)
            else:
                old.append(slim_item)
        del old[len(full) :]
        return old
    return old if _same(old, full) else full


def _same(old: Any, new: Any) -> bool:
    """Whether a value read from the file already says `new` (JSON-mode) data."""
    if isinstance(old, (dt.date, dt.datetime)):
        return old.isoformat() == new
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    if isinstance(old, (int, float)) and isinstance(new, str):  # amounts are text in JSON mode
        try:
            return Decimal(str(old)) == Decimal(new)
        except ArithmeticError:
            return False
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in new)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    return bool(old == new)


def save_report(report: Report, path: str | Path) -> None:
    """Write the report to `path` atomically; an existing YAML file keeps its comments,
    order and style (`dump_report(previous=…)`). Raises `OSError` when the disk refuses."""
    path = Path(path)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    previous = None
    if fmt == "yaml":
        try:
            if path.stat().st_size <= MAX_DATA_FILE_BYTES:
                previous = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            previous = None
    atomic_write_text(path, dump_report(report, fmt, previous))


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
    except OSError as exc:  # disk full, quota, permissions: name the file the user asked for
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
