"""Guided steps: the same question bank, gates and help as the terminal interview."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from .. import questions as qb
from ..paths import label
from ..store import StoredReport, VersionConflict
from .context import VersionCache, report_page, store_of
from .pools import in_pool
from .security import GuardError
from .sentences import MAX_SENTENCE_CHARS, llm_parser, parse_sentence, proposal_view
from .views import finding_views

router = APIRouter()


@lru_cache(maxsize=1)
def bank() -> qb.QuestionBank:
    return qb.load_bank()


def _form_version(form: Any) -> int:
    try:
        return int(str(form.get("version", "")))
    except ValueError:
        raise GuardError(400, "缺少版本号，请刷新页面后重试") from None


def _question(question_id: str) -> qb.Question:
    try:
        return bank().get(question_id)
    except KeyError:
        raise GuardError(404, "没有这个问题") from None


def _steps(report: Any) -> list[dict[str, Any]]:
    """Each group of the bank with how many of its applicable questions are answered."""
    applicable = qb.applicable_questions(bank(), report)
    steps = []
    for group in bank().groups:
        mine = [q for q in applicable if q.group == group.id]
        done = sum(qb.is_answered(report, q.id) for q in mine)
        first_open = next((q.id for q in mine if not qb.is_answered(report, q.id)), None)
        steps.append(
            {
                "title": group.title,
                "done": done,
                "total": len(mine),
                "first": first_open or (mine[0].id if mine else None),
            }
        )
    return steps


def _interview_of(report: Any) -> dict[str, Any]:
    """Where the interview of `report` stands: groups, progress, answered questions."""
    return {
        "steps": _steps(report),
        "progress": qb.progress(bank(), report),
        "answered": [
            {"id": q.id, "prompt": q.prompt, "answer": qb.current_answer(q, report)}
            for q in qb.applicable_questions(bank(), report)
            if qb.is_answered(report, q.id)
        ],
    }


# Computed once per saved version (every answer bumps the version).
_interview_state: VersionCache[tuple[str, int], dict[str, Any]] = VersionCache(256)


def guide_page(
    request: Request,
    stored: StoredReport,
    question: qb.Question | None,
    *,
    status: int = 200,
    answer: str | None = None,
    problem: str = "",
    notice: list[Any] | None = None,
    finished: str | None = None,
    proposal: dict[str, Any] | None = None,
    cache_key: Hashable | None = None,
    converted: list[str] | None = None,
) -> Response:
    """The 引导填报 page at `question`. `cache_key` (plain GET only): the page follows from the
    report version and this key, so it is rendered once (context.page)."""
    report = stored.report
    context: dict[str, Any] = {
        **_interview_state.get((stored.id, stored.version), lambda: _interview_of(report)),
        "question": question,
        "problem": problem,
        "notice": notice or [],
        "finished": finished,
        "proposal": proposal,
        "converted": converted or [],
        "llm_parser": llm_parser(request.app.state.settings),
    }
    if question is not None:
        context.update(
            group=bank().group_title(question.group),
            prompt=qb.question_prompt(question, report),
            answer_format=qb.answer_format(question, terminal=False),
            multiline=qb.is_multiline(question),
            answer=qb.current_answer(question, report) if answer is None else answer,
            cells=[label(path) for path in question.fills] if question.table else [],
        )
    return report_page(
        request, "guide.html", stored, "guide", status=status, cache_key=cache_key, **context
    )


@router.get("/reports/{report_id}/guide")
def guide(request: Request, report_id: str, q: str | None = None) -> Response:
    stored = store_of(request).get(report_id)
    question: qb.Question | None
    if q:
        question = _question(q)
    else:
        question = _next_questions.get(
            (stored.id, stored.version), lambda: qb.next_question(bank(), stored.report)
        )
    return guide_page(request, stored, question, cache_key=question.id if question else "")


_next_questions: VersionCache[tuple[str, int], qb.Question | None] = VersionCache(1024)


@router.post("/reports/{report_id}/guide")
async def answer(request: Request, report_id: str) -> Response:
    form = await request.form()
    stored = await in_pool(request, "store", store_of(request).get, report_id)
    question = _question(str(form.get("question_id", "")))
    text = str(form.get("answer", ""))
    if qb.is_sentence_answer(question, text):
        if len(text) > MAX_SENTENCE_CHARS:
            problem = f"一次最多输入 {MAX_SENTENCE_CHARS} 字，请分几次描述"
            return await in_pool(
                request, "store", guide_page, request, stored, question,
                status=422, answer=text, problem=problem,
            )  # fmt: skip
        proposal = await _proposal(request, stored, question, text)
        return await in_pool(
            request, "store", guide_page, request, stored, question, answer=text, proposal=proposal
        )
    return await in_pool(
        request,
        "store",
        _save_answer,
        request,
        stored,
        question,
        lambda: qb.apply_answer(bank(), stored.report, question.id, text),
        _form_version(form),
        answer=text,
        converted=qb.answer_notes(question, text),
    )


@router.post("/reports/{report_id}/guide/back")
async def back(request: Request, report_id: str) -> Response:
    form = await request.form()
    store = store_of(request)
    stored = await in_pool(request, "store", store.get, report_id)
    updated, question = qb.go_back(bank(), stored.report)
    if question is None:
        return RedirectResponse(f"/reports/{report_id}/guide", status_code=303)
    await in_pool(request, "store", store.save, report_id, updated, _form_version(form))
    return RedirectResponse(f"/reports/{report_id}/guide?q={question.id}", status_code=303)


async def _proposal(
    request: Request, stored: StoredReport, question: qb.Question, text: str
) -> dict[str, Any]:
    settings = request.app.state.settings
    system_prompt = bank().freetext.system_prompt
    scope = list(question.fills)
    proposal = await in_pool(
        request, "model", parse_sentence, settings, system_prompt, text, scope, stored.report
    )
    return proposal_view(proposal, stored.report, label)


@router.post("/reports/{report_id}/guide/confirm")
async def confirm(request: Request, report_id: str) -> Response:
    """Save the cells proposed from a sentence at a gate (other cells of the gate become 0)."""
    form = await request.form()
    stored = await in_pool(request, "store", store_of(request).get, report_id)
    question = _question(str(form.get("question_id", "")))
    values = {
        key.removeprefix("cell:"): str(value)
        for key, value in form.multi_items()
        if key.startswith("cell:")
    }
    return await in_pool(
        request,
        "store",
        _save_answer,
        request,
        stored,
        question,
        lambda: qb.apply_values(bank(), stored.report, question.id, values),
        _form_version(form),
    )


def _save_answer(
    request: Request,
    stored: StoredReport,
    question: qb.Question,
    change: Callable[[], Any],
    based_on: int,
    answer: str | None = None,
    converted: list[str] | None = None,
) -> Response:
    """Apply an answer and save it; on a bad answer or a stale tab, ask again with a message."""
    try:
        saved = store_of(request).save(stored.id, change(), based_on)
    except qb.AnswerError as exc:
        return guide_page(request, stored, question, status=422, answer=answer, problem=str(exc))
    except VersionConflict as exc:
        return guide_page(
            request, exc.current, question, status=409, answer=answer, problem=str(exc)
        )
    return after_answer(request, saved, question, converted)


def after_answer(
    request: Request,
    saved: StoredReport,
    question: qb.Question,
    converted: list[str] | None = None,
) -> Response:
    """The next question; when a table was just completed, its check results first; what the
    saved answer converted (`questions.answer_notes`) is said above it."""
    table = qb.finished_table(bank(), saved.report, question)
    notice = finding_views(qb.table_findings(saved.report, table)) if table else []
    return guide_page(
        request,
        saved,
        qb.next_question(bank(), saved.report),
        notice=notice,
        finished=table,
        converted=converted,
    )
