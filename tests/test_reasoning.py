"""Reasoning blocks of reasoning models never reach a section or the exported .docx.

Every form is sent over real HTTP by the fake OpenAI-compatible server: `<think>` with and
without its opening tag, an empty block, an unclosed block, and a separate
`reasoning_content` field (plain and streamed). The scratch numbers inside the reasoning
(made-up figures a model thinks aloud about) must not make a good answer fall back either.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import docx
import pytest

from draftbot.config import Settings
from draftbot.datafile import load_report
from draftbot.drafting import apply_draft, draft_report
from draftbot.drafting.cleanup import strip_reasoning
from draftbot.drafting.core import stream_section
from draftbot.model import Report
from draftbot.word import build_docx
from fake_openai import FakeOpenAI, normal, reasoning

ANSWER = "本年主动公开政府信息215条，发布政策解读6条。"
THINKING = "先算一下：215减去199等于16，约占百分之八，再核对9999这个数。"
FORMS = {
    "with opening tag": f"<think>\n{THINKING}\n</think>\n\n{ANSWER}",
    "opening tag missing": f"{THINKING}\n</think>\n{ANSWER}",
    "empty block": f"<think>\n\n</think>\n\n{ANSWER}",
    "upper case, attributes": f'<THINK type="r">{THINKING}</THINK>{ANSWER}',
    "thinking tag": f"<thinking>{THINKING}</thinking>\n{ANSWER}",
}


def llm_settings(fake: FakeOpenAI, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        llm_base_url=fake.base_url,
        llm_model="fake-model",
        llm_api_key="sk-test",
        llm_timeout=30.0,
        llm_retries=0,
        cache_dir=tmp_path / "cache",
    )


@pytest.fixture
def busy(examples_dir: Path) -> Report:
    return load_report(examples_dir / "busy-2023.yaml")


@pytest.mark.parametrize("raw", FORMS.values(), ids=FORMS.keys())
def test_strip_reasoning_keeps_only_the_answer(raw: str) -> None:
    assert strip_reasoning(raw).strip() == ANSWER


def test_an_unclosed_block_is_all_reasoning() -> None:
    assert strip_reasoning(f"<think>{THINKING}") == ""


def _docx_text(report: Report) -> str:
    document = docx.Document(io.BytesIO(build_docx(report, force=True).data))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("raw", FORMS.values(), ids=FORMS.keys())
def test_each_think_form_is_removed_over_http_and_never_exported(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report, raw: str
) -> None:
    fake_openai.default = normal(raw)
    outcome = draft_report(busy, llm_settings(fake_openai, tmp_path), sections=["主动公开"])
    draft = outcome.sections["overview_proactive"]
    assert (draft.source, draft.text, draft.findings) == ("fake-model", ANSWER, [])
    assert fake_openai.calls == 1  # the scratch numbers did not cause a re-ask
    text = _docx_text(apply_draft(busy, outcome))
    assert ANSWER in text
    assert "think" not in text.lower() and "9999" not in text and "先算一下" not in text


def test_an_answer_that_is_all_reasoning_is_not_accepted(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
) -> None:
    fake_openai.default = normal(f"<think>{THINKING}")
    outcome = draft_report(busy, llm_settings(fake_openai, tmp_path), sections=["主动公开"])
    draft = outcome.sections["overview_proactive"]
    assert draft.source != "fake-model"
    assert THINKING not in draft.text
    assert [f.code for f in draft.findings] == ["D-02"]


def test_reasoning_content_is_never_part_of_the_answer(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
) -> None:
    fake_openai.default = reasoning(ANSWER, THINKING)
    outcome = draft_report(busy, llm_settings(fake_openai, tmp_path), sections=["主动公开"])
    draft = outcome.sections["overview_proactive"]
    assert (draft.source, draft.text) == ("fake-model", ANSWER)
    assert fake_openai.calls == 1


def test_streamed_reasoning_content_and_think_blocks_end_as_the_answer(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report
) -> None:
    settings = llm_settings(fake_openai, tmp_path)

    async def run() -> list:
        return [e async for e in stream_section(busy, settings, "主动公开")]

    for scenario in (reasoning(ANSWER, THINKING), normal(FORMS["opening tag missing"])):
        fake_openai.default = scenario
        events = asyncio.run(run())
        done = events[-1]
        assert (done.kind, done.text, done.source) == ("done", ANSWER, "fake-model")
        if scenario.reasoning:  # the separate field is not even shown while streaming
            assert THINKING not in "".join(e.text for e in events if e.kind == "token")
        assert fake_openai.requests[-1].body["stream"] is True


@pytest.mark.parametrize("raw", FORMS.values(), ids=FORMS.keys())
def test_a_streamed_reasoning_block_is_never_shown(
    fake_openai: FakeOpenAI, tmp_path: Path, busy: Report, raw: str
) -> None:
    settings = llm_settings(fake_openai, tmp_path)
    fake_openai.default = normal(raw)

    async def run() -> list:
        return [e async for e in stream_section(busy, settings, "主动公开")]

    events = asyncio.run(run())
    kinds = [e.kind for e in events]
    last_restart = max((i for i, k in enumerate(kinds) if k == "restart"), default=-1)
    shown = "".join(e.text for e in events[last_restart + 1 :] if e.kind == "token")
    assert shown.strip() == ANSWER and events[-1].text == ANSWER
    if raw.lstrip().startswith("<"):  # with its opening tag: not even a glimpse
        assert not any(THINKING[:6] in e.text for e in events if e.kind == "token")
