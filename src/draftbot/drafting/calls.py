"""What a model call returns or raises, importable without LangChain or openai.

The drafting core handles cache hits, failures and deadlines with these types, so a fully
cached run never imports the client libraries (`drafting.llm` re-exports them).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings

Message = tuple[str, str]  # (role, content): role is "system", "human" or "ai"


class LLMError(Exception):
    """A failed model call; `cause` is a Chinese sentence fit to show to the user."""

    def __init__(
        self, cause: str, *, retryable: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retryable = retryable
        self.retry_after = retry_after


class ExtractionError(LLMError):
    """Structured extraction failed; the message says why, in Chinese."""


@dataclass(frozen=True)
class Completion:
    """An accepted answer: its text, whether it came from the cache, and the HTTP calls paid."""

    text: str
    cached: bool = False
    calls: int = 0


def deadline_exceeded(settings: Settings) -> LLMError:
    """The failure for a section or report that ran out of its time budget (timeout × attempts)."""
    return LLMError(
        f"超过起草的时间上限 {settings.section_deadline:g} 秒"
        f"（单次超时 {settings.llm_timeout:g} 秒 × {settings.attempts} 次）仍未完成"
    )
