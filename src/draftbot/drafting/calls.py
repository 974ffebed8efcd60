"""What a model call returns or raises, importable without LangChain or openai.

The drafting core handles cache hits, failures and deadlines with these types, so a fully
cached run never imports the client libraries (`drafting.llm` re-exports them).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..errors import DraftbotError

Message = tuple[str, str]  # (role, content): role is "system", "human" or "ai"


class LLMError(DraftbotError):
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


class CallBudget:
    """Counts model calls: at most `per_report` for one drafting run and, when `per_day` > 0,
    at most `per_day` per calendar day on this computer (counted in `day_file`).
    `take()` raises a non-retryable `LLMError` once either cap is reached."""

    _lock = threading.Lock()

    def __init__(self, per_report: int, per_day: int = 0, day_file: Path | None = None) -> None:
        self.per_report = per_report
        self.per_day = per_day
        self.day_file = day_file
        self.used = 0

    @classmethod
    def for_settings(cls, settings: Settings) -> CallBudget:
        """The caps `DRAFTBOT_LLM_MAX_CALLS_PER_REPORT` and `…_PER_DAY` (0 = no daily cap)."""
        per_day = settings.llm_max_calls_per_day
        day_file = settings.data_dir / "llm-calls-today.json" if per_day else None
        return cls(settings.llm_max_calls_per_report, per_day, day_file)

    def take(self) -> None:
        """Count one call, or raise `LLMError` when a cap is reached."""
        with self._lock:
            if self.used >= self.per_report:
                raise LLMError(
                    f"本次起草调用模型的次数已达上限 {self.per_report} 次"
                    "（DRAFTBOT_LLM_MAX_CALLS_PER_REPORT）"
                )
            if self.per_day and self.day_file is not None:
                self._take_daily(self.day_file)
            self.used += 1

    def _take_daily(self, day_file: Path) -> None:
        today = dt.date.today().isoformat()
        try:
            saved = json.loads(day_file.read_text(encoding="utf-8"))
            count = int(saved["calls"]) if saved.get("date") == today else 0
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            count = 0
        if count >= self.per_day:
            raise LLMError(
                f"今天调用模型的次数已达上限 {self.per_day} 次（DRAFTBOT_LLM_MAX_CALLS_PER_DAY），"
                "明天再试，或改用离线模板"
            )
        day_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = day_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"date": today, "calls": count + 1}), encoding="utf-8")
        os.replace(tmp, day_file)
