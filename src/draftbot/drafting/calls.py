"""What a model call returns or raises, importable without LangChain or openai.

The drafting core handles cache hits, failures and deadlines with these types, so a fully
cached run never imports the client libraries (`drafting.llm` re-exports them).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import DraftbotError
from ..model import BEIJING

if TYPE_CHECKING:
    from ..store import Store

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


#: The day of the per-day caps is the calendar day in Beijing time (`model.BEIJING`), whatever
#: the server's clock zone: clerks expect the count to start again at midnight there.

#: The counters of the per-day caps (`model_calls.counter`).
DRAFTING = "drafting"
ASSISTANT = "assistant"

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.timezone.utc)


def day_of(moment: dt.datetime) -> str:
    """The Beijing calendar day of an aware `moment`, as `YYYY-MM-DD`."""
    return moment.astimezone(BEIJING).date().isoformat()


def day_start(moment: dt.datetime) -> dt.datetime:
    """Midnight (Beijing time) that began the day of an aware `moment`."""
    return moment.astimezone(BEIJING).replace(hour=0, minute=0, second=0, microsecond=0)


_counter_stores: dict[str, Store] = {}
_counter_stores_lock = threading.Lock()


def counter_store(settings: Any) -> Store:
    """The store the per-day counts live in when the caller has none at hand (the command
    line, a batch worker): the database of `DRAFTBOT_DATABASE_URL`, else the SQLite file in
    the data folder, the same one `draftbot serve` uses. Opened once per process and kept.
    Raises `StoreError` (Chinese) when it cannot be opened."""
    from ..store import open_store

    secret: Any = getattr(settings, "database_url", None)  # a SecretStr in Settings (a password)
    url = secret.get_secret_value() if hasattr(secret, "get_secret_value") else str(secret or "")
    data_dir = settings.data_dir
    key = url or str(data_dir)
    with _counter_stores_lock:
        store = _counter_stores.get(key)
        if store is None:
            store = _counter_stores[key] = open_store(url or None, data_dir)
        return store


class DailyCalls:
    """The model calls of one counter (`DRAFTING` or `ASSISTANT`) on the current Beijing day,
    counted in the store's `model_calls` table, so every app instance and the command line
    share one count. `clock` gives the current aware time (tests inject it).

    `take(n)` adds `n` only if the count stays within `cap`, atomically (never more than `cap`
    successes, however many instances ask at once); `add(n)` counts calls already made."""

    def __init__(self, store: Store, counter: str, cap: int, clock: Clock = utc_now) -> None:
        self.store = store
        self.counter = counter
        self.cap = cap
        self.clock = clock

    @classmethod
    def for_settings(
        cls,
        settings: Any,
        counter: str,
        cap: int,
        store: Store | None = None,
        clock: Clock = utc_now,
    ) -> DailyCalls:
        """The counter in `store`, else in `counter_store(settings)`."""
        return cls(store if store is not None else counter_store(settings), counter, cap, clock)

    def today(self) -> str:
        """The current Beijing day, `YYYY-MM-DD`."""
        return day_of(self.clock())

    def take(self, calls: int = 1) -> bool:
        """Count `calls` more unless that passes the cap; True when counted. Raises
        `StoreError` (Chinese) when the database cannot be written."""
        return self.store.take_calls(self.counter, self.today(), calls, self.cap)

    def add(self, calls: int) -> None:
        """Count `calls` already made (nothing for 0)."""
        if calls > 0:
            self.store.add_calls(self.counter, self.today(), calls)

    def used(self) -> int:
        """Calls counted today."""
        return self.store.calls_on(self.counter, self.today())


class CallBudget:
    """Counts model calls: at most `per_report` for one drafting run and, when `day` is given,
    at most `day.cap` per Beijing calendar day for everyone using the same database (counted in
    the store, `DailyCalls`). `take()` raises a non-retryable `LLMError` once either cap is
    reached, or when the day's count cannot be written."""

    _lock = threading.Lock()

    def __init__(self, per_report: int, day: DailyCalls | None = None, refusal: str = "") -> None:
        self.per_report = per_report
        self.day = day
        self.refusal = refusal  # why every take() refuses: the day's count cannot be kept
        self.used = 0

    @classmethod
    def for_settings(cls, settings: Settings, store: Store | None = None) -> CallBudget:
        """The caps `DRAFTBOT_LLM_MAX_CALLS_PER_REPORT` and `…_PER_DAY` (0 = no daily cap);
        the day's count in `store`, else in `counter_store(settings)`, opened only when a daily
        cap is set. When that store cannot be opened every `take()` refuses, with the cause
        (each section is then drafted offline, saying why)."""
        per_day = settings.llm_max_calls_per_day
        if not per_day:
            return cls(settings.llm_max_calls_per_report)
        from ..store import StoreError

        try:
            day = DailyCalls.for_settings(settings, DRAFTING, per_day, store)
        except StoreError as exc:
            return cls(settings.llm_max_calls_per_report, refusal=_uncountable(exc).cause)
        return cls(settings.llm_max_calls_per_report, day)

    def take(self) -> None:
        """Count one call, or raise `LLMError` when a cap is reached."""
        from ..store import StoreError

        with self._lock:
            if self.refusal:
                raise LLMError(self.refusal)
            if self.used >= self.per_report:
                raise LLMError(
                    f"本次起草调用模型的次数已达上限 {self.per_report} 次"
                    "（DRAFTBOT_LLM_MAX_CALLS_PER_REPORT）"
                )
            if self.day is not None:
                try:
                    taken = self.day.take()
                except StoreError as exc:
                    raise _uncountable(exc) from None
                if not taken:
                    raise LLMError(
                        f"今天调用模型的次数已达上限 {self.day.cap} 次"
                        "（DRAFTBOT_LLM_MAX_CALLS_PER_DAY，按北京时间计日），"
                        "明天再试，或改用离线模板"
                    )
            self.used += 1


def _uncountable(exc: Exception) -> LLMError:
    return LLMError(
        f"无法记录今天调用模型的次数（{exc}），为不超过 DRAFTBOT_LLM_MAX_CALLS_PER_DAY 的上限，"
        "本次未调用模型"
    )
