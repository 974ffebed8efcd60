"""Drafting a report's prose: LLM when configured, offline templates otherwise or as fallback.

Per section the LLM path is: render the prompts → answer (cache or model, bounded retries)
→ clean up (reasoning blocks first) → claim guard → one re-ask naming the clauses and what
the data says → accept; else drop only the offending sentences when the rest still reads as a
paragraph (with a finding quoting them), or fall back to the offline text with a finding. Sections are drafted concurrently (at most
`llm_max_concurrency` at a time); the whole report is bounded by `timeout × attempts`.

The cache is looked up before anything else: a fully cached run never imports LangChain or
openai. When a section misses, `drafting.llm` is imported and the chat model built in a worker
thread (once per process, cyclic GC paused; `_load_client`) before the report's deadline
starts, so a slow import on a loaded machine never eats the model calls' time. The offline texts are rendered only when a
section needs them (offline mode or a fallback), and `drafting.offline` is imported only then.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import importlib
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from ..basis import record_basis
from ..config import Settings
from ..facts import FactSheet, build_fact_sheet
from ..findings import Finding
from ..model import MAX_SECTION_CHARS, Report, Revision
from ..outline import SECTION_KEYS, SECTION_TITLES
from ..review._text import quote
from .aio import run_sync
from .cache import ResponseCache, cache_key
from .calls import CallBudget, Completion, LLMError, Message, deadline_exceeded
from .cleanup import VisibleStream, clean_model_text, script_problem
from .guard import describe_claims, drop_clauses, ungrounded_claims
from .material import LeftOut, screen_report
from .prompts import PromptSet, fence, load_llm_prompts
from .sections import SECTION_TOPICS, resolve_section, section_material
from .voice import voice_for

if TYPE_CHECKING:  # the offline drafter is imported when a section needs it (issue 19)
    from .offline import OfflineDraft

OFFLINE_SOURCE = "offline"
EventKind = Literal["token", "restart", "done"]


@dataclass(frozen=True)
class SectionDraft:
    section: str
    text: str
    source: str  # the model name, or "offline"
    findings: list[Finding] = field(default_factory=list)
    cached: bool = False


@dataclass
class DraftOutcome:
    sections: dict[str, SectionDraft]
    drafter: str  # settings.drafter_label, or 离线模板 when --offline
    llm_calls: int = 0

    @property
    def findings(self) -> list[Finding]:
        return [f for d in self.sections.values() for f in d.findings]


@dataclass(frozen=True)
class DraftEvent:
    """What `stream_section` yields: text chunks, a restart (discard the chunks shown so
    far), and finally `done` with the guarded text, its source and findings."""

    kind: EventKind
    section: str
    text: str = ""
    source: str = ""
    findings: tuple[Finding, ...] = ()


Emit = Callable[[DraftEvent], None]


@dataclass
class _Job:
    report: Report
    settings: Settings
    sheet: FactSheet
    instruction: str | None
    prompts: PromptSet | None = None
    cache: ResponseCache | None = None
    calls: int = 0
    budget: CallBudget | None = None  # per-report and per-day call caps of this run
    left_out: list[LeftOut] = field(default_factory=list)  # clerk's lines no drafter saw
    messages: dict[str, list[Message]] = field(default_factory=dict)  # first round, per section
    _offline: OfflineDraft | None = None

    @property
    def offline(self) -> OfflineDraft:
        """The offline texts of every section, rendered on first use (the offline drafter is
        imported here, so a run the model or the cache answers never loads it)."""
        if self._offline is None:
            from .offline import render_offline

            self._offline = render_offline(
                self.report, self.settings.prompts_dir, self.sheet, self.instruction
            )
        return self._offline


def _left_out_findings(job: _Job, section: str) -> list[Finding]:
    """D-03 for each line of the clerk's material screened out before drafting."""
    return [
        Finding(
            "D-03",
            "warning",
            item.message,
            "正文只写报告内容；如这一行确是要写入的情况，请改写成普通的陈述句后重新起草",
            section=section,
        )
        for item in job.left_out
        if item.section == section
    ]


def _offline_draft(job: _Job, section: str, findings: list[Finding]) -> SectionDraft:
    findings = findings + _left_out_findings(job, section)
    dropped = [
        Finding(
            "D-03",
            "warning",
            f"填报的“{d.label}”中有内容未写入正文：{quote(d.sentence)}（{d.reason}）",
            "如需写入，请把数字填到对应的表格或字段中，或修改这句话后重新起草",
            section=section,
        )
        for d in job.offline.dropped
        if d.section == section
    ]
    return SectionDraft(
        section,
        job.offline.texts[section],
        OFFLINE_SOURCE,
        findings + dropped + _instruction_findings(job, section),
    )


def _instruction_findings(job: _Job, section: str) -> list[Finding]:
    """D-05: what the offline drafter made of the 修改要求 (only when it drafted offline by
    choice; on the LLM path the model reads the instruction)."""
    message = job.offline.instruction.message()
    if not message or job.prompts is not None:
        return []
    hint = (
        "需要其他修改时，可直接在文本框中修改本段，或配置大模型后重新起草"
        if job.offline.instruction.ignored
        else ""
    )
    return [Finding("D-05", "warning", message, hint, section=section)]


def _visible_stream(section: str, emit: Emit) -> tuple[Callable[[str], None], Callable[[], None]]:
    """Token and restart callbacks that never show a reasoning block (`VisibleStream`)."""
    stream = VisibleStream()

    def on_chunk(piece: str) -> None:
        restart, text = stream.feed(piece)
        if restart:
            emit(DraftEvent("restart", section))
        if text:
            emit(DraftEvent("token", section, text))

    def on_restart() -> None:
        stream.reset()
        emit(DraftEvent("restart", section))

    return on_chunk, on_restart


def _script_findings(section: str, script: str) -> list[Finding]:
    if script != "繁体字":
        return []
    return [
        Finding(
            "D-04",
            "warning",
            "大模型写出的文字中有繁体字，报告正文应使用简体中文",
            "请把繁体字改为简体字后再发布，或重新起草本段",
            section=section,
        )
    ]


def _fallback(job: _Job, section: str, code: str, message: str, hint: str) -> SectionDraft:
    finding = Finding(code, "warning", message, hint, section=section)
    return _offline_draft(job, section, [finding])


def section_messages(job: _Job, section: str) -> list[Message]:
    """The first-round messages of `section` (system + user prompt), rendered once per job."""
    if section not in job.messages:
        job.messages[section] = _render_messages(job, section)
    return list(job.messages[section])


def _render_messages(job: _Job, section: str) -> list[Message]:
    assert job.prompts is not None
    meta = job.report.meta
    voice = voice_for(meta.agency, meta.level)
    common = {
        "agency": meta.agency,
        "year": meta.report_year,
        "me": voice.self_name,
        "area": voice.area,
    }
    system = job.prompts["system"].render(**common, level=meta.level.value, region=meta.region)
    material = "\n\n".join(
        fence(label, text) for label, text in section_material(job.report, section)
    )
    user = job.prompts[section].render(
        **common,
        title=SECTION_TITLES[section],
        facts=job.sheet.lines(*SECTION_TOPICS[section]),
        material=material,
        instruction=fence("修改要求", job.instruction) if job.instruction else "",
    )
    return [("system", system), ("human", user)]


async def _draft_with_llm(
    job: _Job, section: str, emit: Emit | None, deadline: float
) -> SectionDraft:
    """One section on the LLM path; `deadline` (loop time) bounds it, retries and re-ask included."""
    settings = job.settings
    remaining = deadline - asyncio.get_running_loop().time()
    try:
        return await asyncio.wait_for(
            _guarded_answer(job, section, emit, deadline), max(remaining, 0) + 0.05
        )
    except LLMError as exc:
        cause = exc.cause
    except asyncio.TimeoutError:
        cause = deadline_exceeded(settings).cause
    if emit:
        emit(DraftEvent("restart", section))
    return _fallback(
        job,
        section,
        "D-02",
        f"大模型起草失败：{cause}。本段已改用离线模板起草",
        "可稍后重新起草本段；离线模板的文字已按数据写成，可直接审核使用",
    )


async def _guarded_answer(
    job: _Job, section: str, emit: Emit | None, deadline: float
) -> SectionDraft:
    settings = job.settings
    on_chunk, on_restart = _visible_stream(section, emit) if emit else (None, None)
    messages = section_messages(job, section)
    heading = SECTION_TITLES[section]
    first = await _answer(job, messages, deadline, on_chunk, on_restart)
    text = clean_model_text(first.text, heading)
    if not text:
        raise LLMError("模型返回的内容去掉格式符号后为空")
    _check_length(text)
    script = script_problem(text)
    if script == "英文":
        raise LLMError("模型用英文写了这一段，报告正文应使用简体中文")
    unmatched = ungrounded_claims(text, job.sheet)
    if not unmatched:
        return SectionDraft(
            section,
            text,
            settings.model_name,
            _script_findings(section, script) + _left_out_findings(job, section),
            first.cached,
        )
    if on_restart:
        on_restart()
    reask = job.prompts["reask"].render(unmatched=describe_claims(unmatched))  # type: ignore[index]
    messages = [*messages, ("ai", first.text), ("human", reask)]
    second = await _answer(job, messages, deadline, on_chunk, on_restart)
    text = clean_model_text(second.text, heading)
    _check_length(text)
    still = ungrounded_claims(text, job.sheet)
    if text and not still:
        return SectionDraft(
            section, text, settings.model_name, _left_out_findings(job, section), second.cached
        )
    if on_restart:
        on_restart()
    kept = drop_clauses(text, still) if text else None
    if kept is not None and not ungrounded_claims(kept, job.sheet):
        finding = Finding(
            "D-01",
            "warning",
            f"大模型写出的数字与数据不符，要求改正后仍未改正：{describe_claims(still)}；"
            "已删去这些句子，本段其余文字保留",
            "请核对删去的内容；如需写入，请把数字填到对应的表格或字段中后重新起草本段",
            section=section,
        )
        findings = [finding, *_left_out_findings(job, section)]
        return SectionDraft(section, kept, settings.model_name, findings, second.cached)
    return _fallback(
        job,
        section,
        "D-01",
        f"大模型写出的数字与数据不符，要求改正后仍未改正：{describe_claims(still or unmatched)}；"
        "本段已改用离线模板起草",
        "正文中的每个数字都应能在表格或填报事实中找到；可补充数据后重新起草本段",
    )


async def _answer(
    job: _Job,
    messages: list[Message],
    deadline: float,
    on_chunk: Callable[[str], None] | None,
    on_restart: Callable[[], None] | None,
) -> Completion:
    """The cached answer to `messages`, else one from the model (stored in the cache)."""
    key = cache_key(job.settings, messages) if job.cache else ""
    if job.cache and (hit := job.cache.get(key)) is not None:
        if on_chunk:
            on_chunk(hit)
        return Completion(hit, cached=True)
    llm = await client_module(job.settings, streaming=on_chunk is not None)
    answer = await llm.complete(
        job.settings,
        messages,
        deadline=deadline,
        on_chunk=on_chunk,
        on_restart=on_restart,
        budget=job.budget,
    )
    job.calls += answer.calls
    if job.cache:  # written (and fsync'ed) off the loop: the other sections' answers go on
        await asyncio.to_thread(job.cache.put, key, answer.text)
    return answer


def _check_length(text: str) -> None:
    """A section longer than the data model allows is refused (then drafted offline)."""
    if len(text) > MAX_SECTION_CHARS:
        raise LLMError(f"模型返回的正文过长（{len(text)} 字，每部分上限 {MAX_SECTION_CHARS} 字）")


async def client_module(settings: Settings | None = None, *, streaming: bool = False) -> ModuleType:
    """`drafting.llm`, imported in a worker thread on first use so the event loop (the web
    server's, or the one preparing the other sections) keeps running meanwhile. With
    `settings`, the chat model for them on the running loop is built in that thread too
    (`llm.chat_model`): building it imports the rest of the client lazily (openai's chat
    resources, the HTTP transport), which belongs with the import, not on the loop.

    Raises `LLMError` (Chinese cause) when the client libraries cannot be imported, so the
    sections fall back to the offline drafter with a finding instead of a traceback.
    """
    name = f"{__package__}.llm"
    module = sys.modules.get(name)
    if module is not None and not getattr(module.__spec__, "_initializing", False):
        return module
    loop = asyncio.get_running_loop()
    return await asyncio.to_thread(_load_client, name, settings, loop, streaming)


def _load_client(
    name: str, settings: Settings | None, loop: asyncio.AbstractEventLoop, streaming: bool
) -> ModuleType:
    """Import `name` (LangChain + openai: ~2,000 modules, hundreds of thousands of objects
    that live as long as the process) and build the model, with the cyclic garbage collector
    paused; then move every object alive at that point to the collector's permanent
    generation (`gc.freeze`).

    The collector would otherwise traverse the growing heap again and again during the
    import (about a fifth of its CPU time) and once more at interpreter exit (about a
    quarter); the frozen objects are module-level state that is never garbage anyway.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        module = importlib.import_module(name)
        if settings is not None:
            module.chat_model(settings, streaming=streaming, loop=loop)
        return module
    except ImportError as exc:
        raise LLMError(
            f"无法加载大模型客户端库 {exc.name or name}（未安装或已损坏），"
            "请在 draftbot 所在的 Python 环境中重新安装 draftbot，或用 --offline 离线起草"
        ) from None
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


async def _client_if_needed(job: _Job, sections: Sequence[str], *, streaming: bool) -> None:
    """Import the client and build the model when any of `sections` misses the cache, before
    the report's deadline starts: the deadline bounds the model calls (timeout × attempts),
    not a one-off import that a loaded machine may slow down. A failed import is left for
    the sections to meet again (each falls back offline with the cause)."""
    if job.cache is None:
        return
    cache = job.cache
    if all(cache.get(cache_key(job.settings, section_messages(job, k))) for k in sections):
        return
    try:
        await client_module(job.settings, streaming=streaming)
    except LLMError:
        return


def _prepare(report: Report, settings: Settings, instruction: str | None, use_llm: bool) -> _Job:
    report, left_out = screen_report(report)  # before any drafter sees the clerk's text
    sheet = build_fact_sheet(report)
    job = _Job(report, settings, sheet, (instruction or "").strip() or None)
    job.left_out = left_out
    if use_llm:
        job.prompts = load_llm_prompts(settings.prompts_dir)
        job.cache = ResponseCache(settings.effective_cache_dir)
        job.budget = CallBudget.for_settings(settings)
    return job


def _sections(sections: Sequence[str] | None) -> list[str]:
    if not sections:
        return list(SECTION_KEYS)
    keys = [resolve_section(s) for s in sections]
    return [k for k in SECTION_KEYS if k in keys]


def _draft_offline(
    report: Report,
    settings: Settings,
    keys: list[str],
    instruction: str | None,
    offline: bool,
) -> DraftOutcome:
    """Every section in `keys` from the offline templates (offline asked for, or no model)."""
    job = _prepare(report, settings, instruction, False)
    drafts = {k: _offline_draft(job, k, []) for k in keys}
    return DraftOutcome(drafts, "离线模板" if offline else settings.drafter_label)


async def adraft_report(
    report: Report,
    settings: Settings,
    *,
    sections: Sequence[str] | None = None,
    instruction: str | None = None,
    offline: bool = False,
) -> DraftOutcome:
    """Draft the given sections (all by default) concurrently; never raises for LLM faults."""
    keys = _sections(sections)
    use_llm = settings.llm_configured and not offline
    if not use_llm:
        return _draft_offline(report, settings, keys, instruction, offline)
    job = _prepare(report, settings, instruction, use_llm)
    limit = asyncio.Semaphore(settings.llm_max_concurrency)
    await _client_if_needed(job, keys, streaming=False)
    # One deadline for the whole report: waiting for a free slot counts against it, so a
    # report never takes longer than timeout × attempts, however many sections it has.
    deadline = asyncio.get_running_loop().time() + settings.section_deadline

    async def one(key: str) -> SectionDraft:
        async with limit:
            return await _draft_with_llm(job, key, None, deadline)

    results = await asyncio.gather(*(one(k) for k in keys))
    return DraftOutcome(dict(zip(keys, results, strict=False)), settings.drafter_label, job.calls)


def draft_report(
    report: Report,
    settings: Settings,
    *,
    sections: Sequence[str] | None = None,
    instruction: str | None = None,
    offline: bool = False,
) -> DraftOutcome:
    """Synchronous `adraft_report` (for the CLI and scripts). Without a model it drafts in
    the calling thread: no hop to the shared event loop (issue 19)."""
    if offline or not settings.llm_configured:
        return _draft_offline(report, settings, _sections(sections), instruction, offline)
    return run_sync(
        adraft_report(report, settings, sections=sections, instruction=instruction, offline=offline)
    )


async def stream_section(
    report: Report,
    settings: Settings,
    section: str,
    instruction: str | None = None,
    *,
    offline: bool = False,
) -> AsyncIterator[DraftEvent]:
    """Draft one section, yielding `token` chunks as they arrive, `restart` when the text
    shown so far must be discarded (retry, re-ask, fallback), then one `done` event."""
    key = resolve_section(section)
    use_llm = settings.llm_configured and not offline
    job = _prepare(report, settings, instruction, use_llm)
    if not use_llm:
        draft = _offline_draft(job, key, [])
        yield DraftEvent("token", key, draft.text)
        yield DraftEvent("done", key, draft.text, draft.source, tuple(draft.findings))
        return
    queue: asyncio.Queue[DraftEvent] = asyncio.Queue()
    await _client_if_needed(job, [key], streaming=True)
    deadline = asyncio.get_running_loop().time() + settings.section_deadline
    task = asyncio.ensure_future(_draft_with_llm(job, key, queue.put_nowait, deadline))
    try:
        while not (task.done() and queue.empty()):
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                yield getter.result()
            else:
                getter.cancel()
        draft = task.result()
    finally:
        if not task.done():
            task.cancel()
    yield DraftEvent("done", key, draft.text, draft.source, tuple(draft.findings))


def apply_draft(report: Report, outcome: DraftOutcome) -> Report:
    """A copy of `report` with the drafted texts in `narrative`; every replaced non-empty
    text is appended to `revisions` first, so no text is ever lost. Each drafted section's
    basis (`basis.record_basis`: the figures it was written from) is recorded, also when the
    new text equals the old."""
    updated = report.model_copy(deep=True)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for key, draft in outcome.sections.items():
        old = getattr(updated.narrative, key)
        if old == draft.text:
            continue
        if old.strip():
            updated.revisions.append(Revision(section=key, text=old, source="", saved_at=now))  # type: ignore[arg-type]
        setattr(updated.narrative, key, draft.text)
    record_basis(updated, list(outcome.sections))
    return updated
