"""One entry point that reads a report from any file format the tool understands.

`load_bytes(data, name)` picks a reader by the file name's suffix: data files (.yaml/.yml/
.json), published reports (.docx, .doc, .wps, .html, .htm, .mht, .mhtml, .pdf, through
`published.import_report`) and the Excel 填报模板 (.xlsx). Further formats plug in with
`register_reader`. Every problem, whatever the format, is raised as `datafile.DataFileError`
with Chinese messages naming the field (table, row, column) and what to do. What a published
report's import could not take at face value stays in `report.source.notes`, which
`check_report` lists (I-01).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .datafile import SUPPORTED_SUFFIXES as DATA_SUFFIXES
from .datafile import DataFileError, Problem, parse_report
from .model import Report
from .published import SUFFIXES as PUBLISHED_SUFFIXES

Reader = Callable[[bytes, str], Report]
"""A reader gets the file's bytes and its display name; returns a Report or raises
`DataFileError`."""

MAX_INPUT_BYTES = 30 * 1024 * 1024
_READERS: dict[str, Reader] = {}


def register_reader(suffixes: tuple[str, ...], reader: Reader) -> None:
    """Make `load_bytes` read files ending in `suffixes` (lower case, with the dot)."""
    for suffix in suffixes:
        _READERS[suffix.lower()] = reader


def supported_suffixes() -> tuple[str, ...]:
    """Every suffix some reader handles, sorted."""
    return tuple(sorted(_READERS))


def load_path(path: str | Path) -> Report:
    """Read the report in `path` (any supported format); raises `DataFileError`."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise DataFileError(path, [Problem("文件", _too_big())])
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(path, [Problem("文件", "找不到该文件，请检查路径")]) from None
    except OSError as exc:
        raise DataFileError(path, [Problem("文件", f"无法读取：{exc.strerror}")]) from None
    return load_bytes(data, str(path))


def load_bytes(data: bytes, name: str) -> Report:
    """Read a report from `data`, choosing the reader by `name`'s suffix."""
    suffix = Path(name).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        known = "、".join(supported_suffixes())
        raise DataFileError(name, [Problem("文件", f"不支持的文件类型“{suffix}”；可读取：{known}")])
    if len(data) > MAX_INPUT_BYTES:
        raise DataFileError(name, [Problem("文件", _too_big())])
    return reader(data, name)


def _too_big() -> str:
    return f"文件超过 {MAX_INPUT_BYTES // (1024 * 1024)} MB，不像是一份年度报告"


def _read_data_file(data: bytes, name: str) -> Report:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(
            name, [Problem("文件", "文件不是 UTF-8 编码，请另存为 UTF-8")]
        ) from None
    return parse_report(text, name)


def _read_published(data: bytes, name: str) -> Report:
    from .published import ReportImportError, import_report

    try:
        result = import_report(data, filename=Path(name).name)
    except ReportImportError as exc:
        raise DataFileError(name, [Problem("文件", str(exc))]) from None
    except MemoryError:
        raise DataFileError(name, [Problem("文件", "文件解压后过大，已拒绝读取")]) from None
    return result.report


def _read_xlsx(data: bytes, name: str) -> Report:
    from .excel import import_xlsx

    return import_xlsx(data, name)


register_reader(DATA_SUFFIXES, _read_data_file)
register_reader(PUBLISHED_SUFFIXES, _read_published)
register_reader((".xlsx",), _read_xlsx)
