"""The LLM connection: the only module that imports LangChain and openai.

`ChatOpenAI` is built with an explicit timeout and `max_retries=0`; retries happen here, in
one bounded loop, so retry layers never multiply (reliability.md F-08). Every attempt has the
configured timeout as a hard deadline (a drip-feeding server cannot stall it), a 429 honours
Retry-After when the wait fits the section's budget, and non-retryable errors (content-safety
400s, bad key, unknown model, context overflow) stop at once. Only `finish_reason == "stop"`
with non-empty text is an accepted answer; every other outcome becomes an `LLMError` whose
message names the cause in Chinese.

Models are built once per event loop and configuration (`chat_model`) with their own HTTP
clients, so keep-alive connections are reused across drafts and never used on a loop that did
not open them; an http:// endpoint loads no TLS certificates. Importing this module is the
expensive part of the LLM path (about a second): `drafting.core` does it, and builds the first
model, in a worker thread with the cyclic GC paused, and only when a request is not answered by
the cache.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import weakref
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

import langsmith
import openai
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from ..config import Settings
from .aio import run_sync
from .calls import (
    CallBudget,
    Completion,
    ExtractionError,
    LLMError,
    Message,
    deadline_exceeded,
)
from .prompts import fence

__all__ = [
    "Completion",
    "ExtractionError",
    "LLMError",
    "Message",
    "build_chat_model",
    "chat_model",
    "complete",
    "deadline_exceeded",
    "extract_structured",
]

OnChunk = Callable[[str], None]
M = TypeVar("M", bound=BaseModel)
MODELS_PER_LOOP = 8  # distinct configurations kept per event loop (oldest dropped first)

_SAFETY_MARKERS = (
    "data_inspection_failed",
    "datainspectionfailed",
    "inappropriate content",
    "1301",
    "content_filter",
    "content exists risk",
    "high risk",
    "敏感",
    "不安全",
)
_CONTEXT_MARKERS = (
    "context_length_exceeded",
    "maximum context length",
    "input token length too long",
    "exceeded model token limit",
    "prompt is too long",
)
_BLOCKED_FINISH = ("content_filter", "sensitive")
_STREAM_CUT = "与模型服务的连接在输出过程中中断，内容不完整"
_models_lock = threading.Lock()
_models: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[Any, ...], ChatOpenAI]]
_models = weakref.WeakKeyDictionary()


@lru_cache(maxsize=1)
def _verified_tls() -> ssl.SSLContext:
    """The certificate store for https endpoints, loaded once per process (honours
    SSL_CERT_FILE / SSL_CERT_DIR like httpx's default)."""
    import httpx

    return httpx.create_ssl_context()


def _tls_for(base_url: str | None) -> ssl.SSLContext:
    """TLS settings for the endpoint. An http:// endpoint needs no certificates: it gets a
    context with none loaded, which still requires verification, so a redirect to https fails
    closed instead of connecting unverified."""
    if (base_url or "").lower().startswith("http://"):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return _verified_tls()


def build_chat_model(settings: Settings, *, streaming: bool = False) -> ChatOpenAI:
    """A new `ChatOpenAI` for `settings` with its own HTTP clients (timeout, no hidden retries).

    Prefer `chat_model`, which reuses one per event loop; a model's async connections may only
    be used on the loop that opened them. Sends `max_tokens` per answer; third-party tracing
    is off unless `DRAFTBOT_LANGSMITH_TRACING` turns it on (`configure_tracing`).
    """
    configure_tracing(settings)
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    tls = _tls_for(settings.llm_base_url)
    # LangChain documents these aliases (model, base_url, api_key, timeout); the pydantic
    # plugin knows only the field names behind them, hence the ignore
    return ChatOpenAI(  # type: ignore[call-arg]
        model=settings.model_name,
        base_url=settings.llm_base_url,
        api_key=api_key,
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout,
        max_retries=0,
        # `max_tokens` as most OpenAI-compatible services (DeepSeek, Qwen, vLLM, Ollama) name
        # it; LangChain would rename its own field to OpenAI's newer `max_completion_tokens`
        extra_body={"max_tokens": settings.llm_max_tokens},
        streaming=streaming,
        http_client=openai.DefaultHttpxClient(verify=tls, timeout=settings.llm_timeout),
        http_async_client=openai.DefaultAsyncHttpxClient(verify=tls, timeout=settings.llm_timeout),
    )


def configure_tracing(settings: Settings) -> None:
    """LangChain sends every run (the clerk's material, the agency's figures) to LangSmith
    when LANGSMITH_TRACING / LANGCHAIN_TRACING_V2 is set in the environment. draftbot turns
    that off process-wide unless its own setting `langsmith_tracing` is true; then the
    environment's LangSmith variables decide, as LangChain documents."""
    langsmith.configure(enabled=None if settings.langsmith_tracing else False)


def chat_model(
    settings: Settings,
    *,
    streaming: bool = False,
    loop: asyncio.AbstractEventLoop | None = None,
) -> ChatOpenAI:
    """The chat model for `settings` on `loop` (default: the running event loop), built once
    per loop and configuration, so pooled keep-alive connections are reused and never cross
    loops. A worker thread may build it ahead for a loop (`drafting.core.client_module`):
    the HTTP clients open no connection until the model is used on that loop.

    Without `loop`, must be called from a coroutine (raises `RuntimeError` otherwise).
    """
    loop = loop or asyncio.get_running_loop()
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
    key = (
        settings.llm_base_url,
        settings.model_name,
        api_key,
        settings.llm_temperature,
        settings.llm_timeout,
        settings.llm_max_tokens,
        settings.langsmith_tracing,
        streaming,
    )
    with _models_lock:  # built under the lock: concurrent callers wait for one build
        per_loop = _models.setdefault(loop, {})
        model = per_loop.get(key)
        if model is None:
            model = per_loop[key] = build_chat_model(settings, streaming=streaming)
            while len(per_loop) > MODELS_PER_LOOP:
                del per_loop[next(iter(per_loop))]
    return model


async def complete(
    settings: Settings,
    messages: Sequence[Message],
    *,
    deadline: float,
    on_chunk: OnChunk | None = None,
    on_restart: Callable[[], None] | None = None,
    budget: CallBudget | None = None,
) -> Completion:
    """One accepted answer for `messages` from the model, within `deadline`; every attempt
    is counted against `budget` (per-report and per-day caps) first.

    `deadline` is an absolute `loop.time()`. With `on_chunk` the answer is streamed; before a
    retry `on_restart` is called so a caller can discard partial text. The cache is the
    caller's business (`drafting.core`), so a cached answer needs no client import.
    Raises `LLMError` with a Chinese cause.
    """
    llm = chat_model(settings, streaming=on_chunk is not None)
    calls = 0

    async def attempt() -> str:
        nonlocal calls
        if budget is not None:
            budget.take()
        calls += 1
        if on_chunk is None:
            return accepted_text(await llm.ainvoke(list(messages)))
        return await _stream_once(llm, messages, on_chunk)

    text = await with_retries(settings, attempt, deadline=deadline, on_restart=on_restart)
    return Completion(text, calls=calls)


async def _stream_once(llm: ChatOpenAI, messages: Sequence[Message], on_chunk: OnChunk) -> str:
    parts: list[str] = []
    finish: str | None = None
    try:
        async for chunk in llm.astream(list(messages)):
            piece = _content(chunk)
            if piece:
                parts.append(piece)
                on_chunk(piece)
            finish = chunk.response_metadata.get("finish_reason") or finish
    except openai.APIConnectionError:
        if not parts:
            raise
        # A kept-alive (chunked) stream cut after some output: say so, not "cannot connect".
        raise LLMError(_STREAM_CUT, retryable=True) from None
    return _accept("".join(parts), finish, streamed=True)


def accepted_text(message: AIMessage | AIMessageChunk) -> str:
    return _accept(_content(message), message.response_metadata.get("finish_reason"))


def _content(message: AIMessage | AIMessageChunk) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content
    )


def _accept(text: str, finish: str | None, *, streamed: bool = False) -> str:
    if finish in _BLOCKED_FINISH:
        raise LLMError(f"内容被模型服务的内容安全审核拦截（finish_reason={finish}）")
    if finish == "length":
        raise LLMError("模型输出被截断（finish_reason=length），内容不完整", retryable=True)
    if finish is None and streamed:
        raise LLMError(_STREAM_CUT, retryable=True)
    if finish != "stop":
        raise LLMError(f"模型输出未正常结束（finish_reason={finish}）", retryable=True)
    if not text.strip():
        raise LLMError("模型返回了空白内容", retryable=True)
    return text


async def with_retries(
    settings: Settings,
    attempt: Callable[[], Awaitable[str]],
    *,
    deadline: float,
    on_restart: Callable[[], None] | None = None,
) -> str:
    """Call `attempt` up to `settings.attempts` times, each bounded by the timeout and deadline."""
    loop = asyncio.get_running_loop()
    failure = deadline_exceeded(settings)
    for number in range(settings.attempts):
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        if number and on_restart:
            on_restart()
        try:
            return await asyncio.wait_for(attempt(), min(settings.llm_timeout, remaining))
        except asyncio.TimeoutError:
            failure = LLMError(
                f"模型服务响应超时（单次请求超过 {settings.llm_timeout:g} 秒）", retryable=True
            )
        except LLMError as exc:
            failure = exc
        except Exception as exc:  # every transport/protocol failure gets a Chinese cause
            failure = classify_failure(exc, settings)
        if not failure.retryable or number + 1 == settings.attempts:
            break
        wait = failure.retry_after if failure.retry_after is not None else _backoff(number)
        if loop.time() + wait >= deadline:
            if failure.retry_after is not None:
                failure = LLMError(
                    f"{failure.cause}，服务要求 {failure.retry_after:g} 秒后再试，超出本段的时间预算"
                )
            break
        await asyncio.sleep(wait)
    raise failure


def _backoff(number: int) -> float:
    return min(0.25 * 2**number, 4.0)


def classify_failure(exc: Exception, settings: Settings) -> LLMError:
    """An exception from LangChain/openai/httpx as an `LLMError` with a Chinese cause."""
    host = settings.llm_host
    if isinstance(exc, openai.APITimeoutError):
        return LLMError(f"模型服务响应超时（{host}）", retryable=True)
    if isinstance(exc, openai.APIConnectionError):
        proxy = proxy_in_use(settings.llm_base_url or "https://api.openai.com/v1")
        if proxy:
            return LLMError(
                f"无法经代理 {proxy} 连接模型服务（{host}）：请检查代理是否可用，"
                "或在 NO_PROXY 中加入该地址",
                retryable=True,
            )
        return LLMError(
            f"无法连接模型服务（{host}），请检查网络或 DRAFTBOT_LLM_BASE_URL", retryable=True
        )
    if isinstance(exc, openai.APIStatusError):
        return _classify_status(exc, settings)
    if isinstance(exc, openai.APIError):
        return LLMError(f"模型服务在输出过程中报错：{_short(exc.message)}", retryable=True)
    if isinstance(exc, (ValueError, IndexError, KeyError, TypeError)):
        return LLMError(
            f"模型服务（{host}）返回的内容无法解析，请检查 DRAFTBOT_LLM_BASE_URL 或代理设置",
            retryable=True,
        )
    return LLMError(f"调用模型服务时出错（{type(exc).__name__}）", retryable=True)


def _classify_status(exc: openai.APIStatusError, settings: Settings) -> LLMError:
    code = exc.status_code
    detail = _error_text(exc)
    lowered = detail.lower()
    if code == 429:
        if "insufficient_quota" in lowered or "quota" in lowered:
            return LLMError("模型服务账户额度已用尽（HTTP 429），请充值或更换 DRAFTBOT_LLM_API_KEY")
        return LLMError("模型服务限流（HTTP 429）", retryable=True, retry_after=_retry_after(exc))
    if code in (401, 403):
        return LLMError(f"API 密钥被拒绝（HTTP {code}），请检查 DRAFTBOT_LLM_API_KEY")
    if code == 402:
        return LLMError("模型服务账户余额不足（HTTP 402），请充值后重试")
    if code == 404 or "model not exist" in lowered or "model_not_found" in lowered:
        return LLMError(
            f"模型“{settings.model_name}”或接口地址不存在（HTTP {code}），"
            "请检查 DRAFTBOT_LLM_MODEL 和 DRAFTBOT_LLM_BASE_URL"
        )
    if code == 400 and any(m in lowered for m in _SAFETY_MARKERS):
        return LLMError("内容被模型服务的内容安全审核拦截（HTTP 400），未重试")
    if code == 400 and any(m in lowered for m in _CONTEXT_MARKERS):
        return LLMError("输入过长，超出模型的上下文长度（HTTP 400），请精简填报的文字材料")
    if code >= 500 or code in (408, 409):
        return LLMError(f"模型服务暂时不可用（HTTP {code}）", retryable=True)
    return LLMError(f"请求被模型服务拒绝（HTTP {code}）：{_short(detail)}")


def proxy_in_use(url: str) -> str:
    """The proxy (scheme://host:port, without any password) the HTTP client uses for `url`
    from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, or "" when it connects directly."""
    import urllib.request
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if not parts.hostname or urllib.request.proxy_bypass(parts.hostname):
        return ""
    proxy = proxies.get(parts.scheme) or proxies.get("all") or ""
    if not proxy:
        return ""
    shown = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    return f"{shown.scheme}://{shown.hostname}" + (f":{shown.port}" if shown.port else "")


def _error_text(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        return json.dumps(inner, ensure_ascii=False) if isinstance(inner, dict) else str(inner)
    return str(body or exc.message)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw:
            try:
                return max(0.0, float(raw) * scale)
            except ValueError:
                return None
    return None


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"


# --- structured extraction ----------------------------------------------------------------


def extract_structured(settings: Settings, system: str, user_material: str, schema: type[M]) -> M:
    """Fields from a free-text sentence, through tool calling (works on DeepSeek, vLLM, Ollama).

    The text is fenced as material, never as instructions. Same timeout, retry and fault
    handling as drafting; a reply that does not fit `schema` is re-asked once with the error.
    Raises `ExtractionError` with a Chinese message on failure.
    """
    return run_sync(aextract_structured(settings, system, user_material, schema))


async def aextract_structured(
    settings: Settings, system: str, user_material: str, schema: type[M]
) -> M:
    if not settings.llm_configured:
        raise ExtractionError(settings.llm_problem)
    llm = chat_model(settings).with_structured_output(
        schema, method="function_calling", include_raw=True
    )
    messages: list[Message] = [
        ("system", system),
        ("human", fence("待提取的文字", user_material) + "\n请调用工具，按字段填写提取结果。"),
    ]
    parse_errors = 0
    budget = CallBudget.for_settings(settings)

    async def attempt() -> str:
        nonlocal parse_errors
        budget.take()
        result = await llm.ainvoke(list(messages))
        raw: AIMessage = result["raw"]
        finish = raw.response_metadata.get("finish_reason")
        if finish in _BLOCKED_FINISH or finish == "length":
            _accept("x", finish)
        parsed = result.get("parsed")
        if result.get("parsing_error") is not None or parsed is None:
            parse_errors += 1
            error = _short(str(result.get("parsing_error") or "没有调用工具"), 200)
            if parse_errors == 1:
                messages.append(("human", f"上次的结果不符合要求：{error}。请重新调用工具。"))
            raise LLMError(f"模型返回的结果不符合字段要求：{error}", retryable=parse_errors == 1)
        holder["value"] = parsed
        return "ok"

    holder: dict[str, Any] = {}
    deadline = asyncio.get_running_loop().time() + settings.section_deadline
    try:
        await with_retries(settings, attempt, deadline=deadline)
    except ExtractionError:
        raise
    except LLMError as exc:
        raise ExtractionError(f"无法从这句话中提取数据：{exc.cause}") from None
    return holder["value"]
