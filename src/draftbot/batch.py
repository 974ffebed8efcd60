"""Many reports at once: read, check across reports, draft and export, in worker processes.

`run_batch(paths, options)` takes files, folders and .zip archives; every supported file
(see `intake.supported_suffixes`) becomes one `BatchItem`, in a fixed order (paths as given,
folders and archives sorted), whatever the number of workers. A file that cannot be read
gets an item with its message; it never stops the batch. The result's rows, its JSON, CSV
and .xlsx are the same bytes for the same input.

Phases: 1. read every file (workers); 2. cross-report audit in this process (`audit.py`:
last year's report of the same agency, copied prose, another agency's name, late
publication); 3. per report (workers): checks, optional offline/LLM draft of the empty
sections, optional .docx export.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache, lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

from .archives import ZipRefused, member_name, open_zip, read_member
from .checks import check_report
from .datafile import DataFileError
from .findings import Finding
from .intake import load_bytes, load_path, supported_suffixes
from .model import Report

Progress = Callable[[str, int, int], None]
"""progress(phase label, done, total)."""

STATUS_UNREADABLE = "无法读取"
STATUS_FAILED = "处理失败"
STATUS_ERRORS = "有错误"
STATUS_WARNINGS = "有提示"
STATUS_OK = "通过"
_IGNORED_NAMES = ("~$", ".", "__MACOSX", "Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class Source:
    """One input file: on disk, or a member of a .zip (`member` is its name in the archive)."""

    name: str  # shown to the user: the path, or archive.zip/member
    path: Path
    member: str | None = None
    error: str | None = None  # set when the input cannot even be listed (bad zip, no such path)

    def read_report(self) -> Report:
        """The report in this source; raises `DataFileError`."""
        if self.error is not None:
            raise DataFileError(self.name, [_problem(self.error)])
        if self.member is None:
            return load_path(self.path)
        try:
            archive = _open_archive(self.path)
            data = read_member(archive, archive.getinfo(self.member))
        except (ZipRefused, KeyError, OSError) as exc:
            raise DataFileError(self.name, [_problem(f"无法从压缩包中读取：{exc}")]) from None
        return load_bytes(data, self.name)


def _problem(message: str) -> Any:
    from .datafile import Problem

    return Problem("文件", message)


@lru_cache(maxsize=4)  # a batch reads one archive member after another; keep a few open
def _open_archive(path: Path) -> zipfile.ZipFile:
    return open_zip(path.read_bytes())


def collect_sources(paths: Iterable[str | Path], shown_from: Path | None = None) -> list[Source]:
    """Every report file under `paths`, in order: files as given, folders and archives sorted.

    Unsupported files inside folders and archives are listed with a message, except office
    lock files, hidden files and folders. A missing path or a bad archive is one source with
    its message. Names are shown as given, or relative to `shown_from`.
    """
    out: list[Source] = []

    def shown(path: Path) -> str:
        if shown_from is not None and path.is_relative_to(shown_from):
            return str(path.relative_to(shown_from))
        return str(path)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                rel = file.relative_to(path)
                if not _ignored(rel.parts):
                    out.extend(_file_sources(file, shown(file)))
        elif path.exists():
            out.extend(_file_sources(path, shown(path)))
        else:
            out.append(Source(str(path), path, error="找不到该文件或文件夹，请检查路径"))
    return out


def _ignored(parts: Sequence[str]) -> bool:
    return any(part.startswith(_IGNORED_NAMES) or part in _IGNORED_NAMES for part in parts)


def _file_sources(path: Path, name: str) -> list[Source]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _zip_sources(path, name)
    if suffix not in supported_suffixes():
        return [Source(name, path, error=_unsupported(suffix))]
    return [Source(name, path)]


def _unsupported(suffix: str) -> str:
    known = "、".join((*supported_suffixes(), ".zip"))
    return f"不支持的文件类型“{suffix or '无扩展名'}”；可读取：{known}"


def _zip_sources(path: Path, name: str) -> list[Source]:
    try:
        archive = _open_archive(path)
    except (ZipRefused, OSError) as exc:
        return [Source(name, path, error=f"压缩包无法读取：{exc}")]
    out = []
    members = sorted(
        ((member_name(m), m) for m in archive.infolist()), key=lambda pair: pair[0] or ""
    )
    for shown, member in members:
        if shown is None or _ignored(Path(shown).parts):
            continue
        display = f"{name}/{shown}"
        suffix = Path(shown).suffix.lower()
        if suffix not in supported_suffixes():
            message = "压缩包中的压缩包不会展开；请先解压" if suffix == ".zip" else None
            out.append(Source(display, path, error=message or _unsupported(suffix)))
        else:
            out.append(Source(display, path, member.filename))
    return out


# --- options and results ------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    """What to do with every report: draft the empty sections, export .docx to a folder."""

    draft: bool = False
    offline: bool = False  # draft with the offline templates even when a model is configured
    export_dir: Path | None = None
    force: bool = False  # export reports with errors too, marked 草稿
    pdf: bool = False  # also convert every exported .docx to PDF (LibreOffice)
    jobs: int = 0  # worker processes; 0 = one per CPU core
    renames: dict[str, str] = field(default_factory=dict)  # old agency name → new name
    shown_from: Path | None = None  # show file names relative to this folder


@dataclass
class BatchItem:
    """One input file's outcome."""

    source: str
    report: Report | None = None
    error: str = ""  # why the file could not be read or processed
    findings: list[Finding] = field(default_factory=list)
    previous_source: str = ""  # the file holding last year's report of the same agency
    drafted: list[str] = field(default_factory=list)  # section keys drafted here
    drafted_by: str = ""
    exported: str = ""  # file name of the exported .docx
    exported_pdf: str = ""  # file name of its PDF
    export_note: str = ""

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def status(self) -> str:
        if self.report is None:
            return STATUS_UNREADABLE
        if self.error:
            return STATUS_FAILED
        if self.errors:
            return STATUS_ERRORS
        return STATUS_WARNINGS if self.warnings else STATUS_OK

    def code_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.code] = counts.get(f.code, 0) + 1
        return dict(sorted(counts.items()))


@dataclass
class BatchResult:
    items: list[BatchItem]
    options: BatchOptions

    def reports(self) -> list[tuple[str, Report]]:
        """(source, report) of every readable item, in batch order."""
        return [(item.source, item.report) for item in self.items if item.report is not None]

    def sources_with_errors(self) -> list[str]:
        """Sources of the readable reports whose checks found errors."""
        return [item.source for item in self.items if item.report is not None and item.errors]

    def status_counts(self) -> dict[str, int]:
        order = (STATUS_OK, STATUS_WARNINGS, STATUS_ERRORS, STATUS_FAILED, STATUS_UNREADABLE)
        return {s: sum(item.status == s for item in self.items) for s in order}

    def code_counts(self) -> dict[str, int]:
        """How many findings of each code across the batch."""
        total: dict[str, int] = {}
        for item in self.items:
            for code, n in item.code_counts().items():
                total[code] = total.get(code, 0) + n
        return dict(sorted(total.items()))


# --- running ------------------------------------------------------------------------------


def run_batch(
    paths: Iterable[str | Path],
    options: BatchOptions | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Read, audit, check and (optionally) draft and export every report under `paths`."""
    options = options or BatchOptions()
    sources = collect_sources(paths, options.shown_from)
    with _Workers(options.jobs) as workers:
        return _run(sources, options, workers, progress)


_CRASHED = "处理该文件的工作进程意外退出（可能是内存不足）；请单独检查该文件"


def _run(
    sources: list[Source], options: BatchOptions, workers: _Workers, progress: Progress | None
) -> BatchResult:
    from .audit import audit

    loaded = workers.map(_load_one, sources, "读取", progress, lambda _: (None, _CRASHED))
    items = [
        BatchItem(s.name, report=r, error=e) for s, (r, e) in zip(sources, loaded, strict=True)
    ]
    result = audit([(i.source, i.report) for i in items], options.renames)
    tasks = []
    names = _export_names(items) if options.export_dir else {}
    for index, item in enumerate(items):
        item.previous_source = result.previous_source.get(index, "")
        if item.report is None:
            continue
        report = result.reports[index]
        tasks.append(_Task(index, report, options, names.get(index, ""), item.source))
    done = workers.map(_process_one, tasks, "检查", progress, _crashed_outcome)
    for task, outcome in zip(tasks, done, strict=True):
        item = items[task.index]
        item.findings = outcome.findings + result.findings.get(task.index, [])
        item.drafted, item.drafted_by = outcome.drafted, outcome.drafted_by
        item.exported, item.export_note = outcome.exported, outcome.export_note
        item.error = outcome.failure
    if options.pdf and options.export_dir is not None:
        _convert_pdfs(items, options.export_dir, progress)
    return BatchResult(items, options)


def _convert_pdfs(items: list[BatchItem], folder: Path, progress: Progress | None) -> None:
    """Every exported .docx to PDF in one LibreOffice run; a failure is noted per report."""
    from .pdf_export import PdfError, convert_to_pdf

    exported = [item for item in items if item.exported]
    if progress:
        progress("转换 PDF", 0, len(exported))
    try:
        pdfs = convert_to_pdf([folder / item.exported for item in exported], folder)
    except PdfError as exc:
        for item in exported:
            item.export_note += f"；未转换 PDF：{exc}"
        return
    for item in exported:
        pdf = pdfs.get(folder / item.exported)
        if pdf is None:
            item.export_note += "；PDF 转换失败（LibreOffice 未能打开该文件）"
        else:
            item.exported_pdf = pdf.name
    if progress:
        progress("转换 PDF", len(exported), len(exported))


def _crashed_outcome(task: _Task) -> _Outcome:
    return _Outcome([], failure=_CRASHED)


def _load_one(source: Source) -> tuple[Report | None, str]:
    try:
        return source.read_report(), ""
    except DataFileError as exc:
        return None, "；".join(str(p) for p in exc.problems)
    except Exception as exc:  # one unexpected file must not stop the batch
        return None, _unexpected(exc)


def _unexpected(exc: BaseException) -> str:
    return (
        f"处理该文件时出现意外错误（{type(exc).__name__}）；其他文件不受影响。"
        "请检查文件内容，或把该文件反馈给维护人员"
    )


@dataclass(frozen=True)
class _Task:
    index: int
    report: Report
    options: BatchOptions
    export_name: str
    source: str


@dataclass
class _Outcome:
    findings: list[Finding]
    drafted: list[str] = field(default_factory=list)
    drafted_by: str = ""
    exported: str = ""
    export_note: str = ""
    failure: str = ""


def _process_one(task: _Task) -> _Outcome:
    outcome = _Outcome([])
    try:
        outcome.findings = check_report(task.report)
        _draft_and_export(task, outcome)
    except Exception as exc:  # one unexpected failure must not stop the batch
        outcome.failure = _unexpected(exc)
    return outcome


def _draft_and_export(task: _Task, outcome: _Outcome) -> None:
    report = task.report
    if task.options.draft:
        report = _draft_empty(report, task.options, outcome)
    if task.options.export_dir is not None:
        _export(report, task, outcome)


def _draft_empty(report: Report, options: BatchOptions, outcome: _Outcome) -> Report:
    from .drafting import apply_draft, draft_report
    from .outline import SECTION_KEYS

    empty = [key for key in SECTION_KEYS if not getattr(report.narrative, key).strip()]
    if not empty:
        return report
    drafted = draft_report(report, _settings(), sections=empty, offline=options.offline)
    outcome.drafted = list(drafted.sections)
    sources = sorted({d.source for d in drafted.sections.values()})
    outcome.drafted_by = "、".join("离线模板" if s == "offline" else s for s in sources)
    return apply_draft(report, drafted)


@cache
def _settings() -> Any:
    from .config import load_settings

    return load_settings()


def _export(report: Report, task: _Task, outcome: _Outcome) -> None:
    from .archives import stable_package
    from .datafile import atomic_write_bytes
    from .export import ExportBlocked
    from .word import build_docx

    assert task.options.export_dir is not None
    try:
        built = build_docx(report, force=task.options.force)
    except ExportBlocked as exc:  # errors, or prose sections still （待起草）
        why = str(exc).split("，未导出正式文档")[0]
        outcome.export_note = f"{why}，未导出（改正或起草后重新运行，或加 --force 导出草稿）"
        return
    when = dt.datetime.combine(report.meta.publish_date or dt.date(2000, 1, 1), dt.time())
    target = task.options.export_dir / task.export_name
    try:
        atomic_write_bytes(target, stable_package(built.data, when))
    except OSError as exc:
        outcome.export_note = f"无法写入 {target}：{exc.strerror}"
        return
    outcome.exported = task.export_name
    outcome.export_note = (
        "已导出（草稿）" if task.options.force and outcome_has_errors(outcome) else "已导出"
    )


def outcome_has_errors(outcome: _Outcome) -> bool:
    return any(f.severity == "error" for f in outcome.findings)


_UNSAFE_NAME_RE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _export_names(items: Sequence[BatchItem]) -> dict[int, str]:
    """A distinct, safe .docx file name per readable item: 机关2023年政府信息公开工作年度报告.docx."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for index, item in enumerate(items):
        if item.report is None:
            continue
        meta = item.report.meta
        stem = _UNSAFE_NAME_RE.sub(
            "_", f"{meta.agency}{meta.report_year}年政府信息公开工作年度报告"
        )
        name, n = f"{stem}.docx", 2
        while name in used:
            name, n = f"{stem}（{n}）.docx", n + 1
        used.add(name)
        names[index] = name
    return names


# --- workers ------------------------------------------------------------------------------

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


class _Workers:
    """A pool of worker processes, started on first use and shared by the batch's phases.

    Workers are spawned (not forked), so a script calling `run_batch` with more than one
    job needs the usual `if __name__ == "__main__":` guard.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs or default_jobs()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def map(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        label: str,
        progress: Progress | None,
        on_crash: Callable[[T], R],
    ) -> list[R]:
        """`fn` over `items`, results in order; small batches run in this process. Items of
        a worker that dies (out of memory, killed) get `on_crash(item)`."""
        total = len(items)
        if progress:
            progress(label, 0, total)
        if self.jobs <= 1 or total < 4:
            out = []
            for i, item in enumerate(items, start=1):
                out.append(fn(item))
                if progress:
                    progress(label, i, total)
            return out
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=get_context("spawn"))
        size = max(1, min(25, total // (self.jobs * 4)))
        chunks = [items[i : i + size] for i in range(0, total, size)]
        results: list[list[R]] = [[] for _ in chunks]
        futures = {self._pool.submit(_run_chunk, fn, chunk): i for i, chunk in enumerate(chunks)}
        done = 0
        for future in as_completed(futures):
            index = futures[future]
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                results[index] = [on_crash(item) for item in chunks[index]]
            done += len(chunks[index])
            if progress:
                progress(label, done, total)
        return [r for chunk in results for r in chunk]


def _run_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(item) for item in chunk]
