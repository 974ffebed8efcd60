"""A fake OpenAI-compatible chat-completions server for tests (stdlib only, 127.0.0.1:0).

Usage::

    with FakeOpenAI() as fake:                      # or the `fake_openai` fixture
        fake.reply = lambda body: "本年主动公开政府信息13条。"
        fake.script(rate_limited(retry_after=1))    # the next request gets a 429, then normal
        ... point the client at fake.base_url with any API key ...
        assert fake.calls == 2

Each request is answered by the next scripted `Scenario`, or by `fake.default` when the script
is empty. A request with `"stream": true` is answered with server-sent events. Every request is
recorded (time, path, headers, JSON body) in `fake.requests`.

Like real providers the server speaks HTTP/1.1 and keeps connections alive (streams use chunked
transfer encoding), so a client's connection pool is exercised; `fake.connections` counts the
TCP connections accepted. `close()` also closes the idle kept-alive connections.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Content-safety blocks as Chinese providers send them (reliability.md d5).
PROVIDER_400_BODIES: dict[str, dict[str, Any]] = {
    "dashscope": {
        "error": {
            "code": "data_inspection_failed",
            "message": "Input data may contain inappropriate content.",
            "type": "data_inspection_failed",
        }
    },
    "zhipu": {
        "error": {
            "code": "1301",
            "message": "系统检测到输入或生成内容可能包含不安全或敏感内容，请您避免输入易产生敏感内容的提示语，感谢您的配合。",
        }
    },
    "moonshot": {
        "error": {
            "type": "content_filter",
            "message": "The request was rejected because it was considered high risk",
        }
    },
    "deepseek": {"error": {"message": "Content Exists Risk", "type": "invalid_request_error"}},
    "context_length": {
        "error": {
            "message": "This model's maximum context length is 8192 tokens.",
            "type": "invalid_request_error",
            "code": "context_length_exceeded",
        }
    },
}


@dataclass
class Scenario:
    """How to answer one request.

    kind: normal | status | hang | drip | stream_cut | html | empty_body | no_choices |
    sse_error | tool_call. `finish_reason` and `text` shape a normal answer (use
    finish_reason "length" / "content_filter" / "sensitive" for those cases).
    """

    kind: str = "normal"
    text: str | None = None  # None: use FakeOpenAI.reply(body)
    delay: float = 0.0
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    finish_reason: str = "stop"
    arguments: dict[str, Any] | None = None  # for tool_call
    chunks_before_cut: int = 2
    reasoning: str | None = None  # sent as `reasoning_content` before the answer (DeepSeek-R1)


def normal(text: str | None = None, delay: float = 0.0) -> Scenario:
    return Scenario(text=text, delay=delay)


def rate_limited(retry_after: float = 1, body: Any = None) -> Scenario:
    body = body or {"error": {"message": "Rate limit reached", "type": "rate_limit_error"}}
    return Scenario("status", status=429, body=body, headers={"Retry-After": f"{retry_after:g}"})


def server_error(status: int = 500) -> Scenario:
    return Scenario("status", status=status, body={"error": {"message": "upstream failure"}})


def provider_400(provider: str) -> Scenario:
    return Scenario("status", status=400, body=PROVIDER_400_BODIES[provider])


def status(code: int, message: str = "error") -> Scenario:
    return Scenario("status", status=code, body={"error": {"message": message}})


def hang() -> Scenario:
    return Scenario("hang")


def drip() -> Scenario:
    """Keep-alive padding forever (blank lines, or SSE comments when streaming)."""
    return Scenario("drip")


def empty() -> Scenario:
    return Scenario(text="  ")


def truncated(text: str = "本年主动公开政府信息") -> Scenario:
    return Scenario(text=text, finish_reason="length")


def filtered() -> Scenario:
    return Scenario(text="", finish_reason="content_filter")


def stream_cut(text: str | None = None, after: int = 2) -> Scenario:
    return Scenario("stream_cut", text=text, chunks_before_cut=after)


def reasoning(text: str, thinking: str) -> Scenario:
    """An answer with a separate `reasoning_content` field, as DeepSeek-R1 and vLLM send it."""
    return Scenario(text=text, reasoning=thinking)


def tool_call(arguments: dict[str, Any]) -> Scenario:
    return Scenario("tool_call", arguments=arguments, finish_reason="tool_calls")


@dataclass(frozen=True)
class RecordedRequest:
    time: float
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])

    @property
    def prompt_text(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages)


def _default_reply(body: dict[str, Any]) -> str:
    return "本年按照有关规定开展政府信息公开工作。"


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.default = Scenario()
        self.reply: Callable[[dict[str, Any]], str] = _default_reply
        self._script: deque[Scenario] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._open: set[Any] = set()  # sockets of the connections being served
        self.connections = 0
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:  # idle kept-alive connections would otherwise stay open
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- control -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *scenarios: Scenario) -> None:
        with self._lock:
            self._script.extend(scenarios)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()
        self.default = Scenario()
        self.reply = _default_reply

    @property
    def calls(self) -> int:
        return sum(r.path.endswith("/chat/completions") for r in self.requests)

    def _next(self, body: dict[str, Any], path: str, headers: dict[str, str]) -> Scenario:
        with self._lock:
            self.requests.append(RecordedRequest(time.monotonic(), path, headers, body))
            return self._script.popleft() if self._script else self.default

    def _opened(self, sock: Any) -> None:
        with self._lock:
            self._open.add(sock)
            self.connections += 1

    def _closed(self, sock: Any) -> None:
        with self._lock:
            self._open.discard(sock)

    def _wait(self, seconds: float) -> bool:
        """Sleep, but wake when the server stops; True if stopped."""
        return self._stop.wait(seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 makes concurrent clients wait for TCP SYN retries.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client dropping a kept-alive connection (timeout, shutdown) is normal, not an error.
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real providers
        timeout = 60  # an idle kept-alive connection is closed after a minute

        def setup(self) -> None:
            super().setup()
            fake._opened(self.connection)

        def finish(self) -> None:
            fake._closed(self.connection)
            with contextlib.suppress(OSError):
                super().finish()

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {}
            scenario = fake._next(body, self.path, {k.lower(): v for k, v in self.headers.items()})
            if scenario.delay and fake._wait(scenario.delay):
                self.close_connection = True
                return
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                _respond(self, fake, scenario, body)

    return Handler


def _respond(
    h: BaseHTTPRequestHandler, fake: FakeOpenAI, s: Scenario, body: dict[str, Any]
) -> None:
    streaming = bool(body.get("stream"))
    if s.kind == "status":
        _send_json(h, s.status, s.body, s.headers)
    elif s.kind == "hang":
        fake._wait(60)
        h.close_connection = True
    elif s.kind == "drip":
        _drip(h, fake, streaming)
    elif s.kind == "html":
        _send_raw(h, 200, b"<html><body>Gateway</body></html>", "text/html")
    elif s.kind == "empty_body":
        _send_raw(h, 200, b"", "application/json")
    elif s.kind == "no_choices":
        _send_json(h, 200, {**_envelope(body), "choices": []})
    elif s.kind == "tool_call":
        _send_json(h, 200, _tool_call_completion(body, s.arguments or {}))
    else:
        text = s.text if s.text is not None else fake.reply(body)
        if streaming:
            _send_stream(h, body, text, s)
        else:
            _send_json(h, 200, _completion(body, text, s.finish_reason, s.reasoning))


def _envelope(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": body.get("model", "fake-model"),
    }


def _completion(
    body: dict[str, Any], text: str, finish_reason: str, reasoning: str | None = None
) -> dict[str, Any]:
    content = text if finish_reason != "content_filter" else None
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    return {
        **_envelope(body),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _tool_call_completion(body: dict[str, Any], arguments: dict[str, Any]) -> dict[str, Any]:
    tools = body.get("tools") or [{"function": {"name": "extract"}}]
    name = tools[0]["function"]["name"]
    call = {
        "id": "call_fake",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments, ensure_ascii=False)},
    }
    return {
        **_envelope(body),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": None, "tool_calls": [call]},
                "finish_reason": "tool_calls",
            }
        ],
    }


def _send_json(
    h: BaseHTTPRequestHandler, code: int, payload: Any, headers: dict[str, str] | None = None
) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    _send_raw(h, code, data, "application/json", headers)


def _send_raw(
    h: BaseHTTPRequestHandler,
    code: int,
    data: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    h.send_response(code)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        h.send_header(name, value)
    h.end_headers()
    h.wfile.write(data)
    h.wfile.flush()


def _chunks(text: str, size: int = 8) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _start_chunked(h: BaseHTTPRequestHandler, content_type: str) -> None:
    h.send_response(200)
    h.send_header("Content-Type", content_type)
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()


def _chunk(h: BaseHTTPRequestHandler, data: bytes) -> None:
    """One piece of a chunked body; an empty `data` ends the body (the connection stays open)."""
    h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
    h.wfile.flush()


def _sse(h: BaseHTTPRequestHandler, payload: Any) -> None:
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    _chunk(h, f"data: {data}\n\n".encode())


def _delta(body: dict[str, Any], content: str | None, finish: str | None) -> dict[str, Any]:
    delta = {"content": content} if content is not None else {}
    return {
        **_envelope(body),
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _send_stream(h: BaseHTTPRequestHandler, body: dict[str, Any], text: str, s: Scenario) -> None:
    _start_chunked(h, "text/event-stream")
    for piece in _chunks(s.reasoning) if s.reasoning else []:
        chunk = _delta(body, None, None)
        chunk["choices"][0]["delta"] = {"reasoning_content": piece}
        _sse(h, chunk)
    pieces = _chunks(text) if s.finish_reason != "content_filter" else []
    for i, piece in enumerate(pieces):
        if s.kind == "stream_cut" and i == s.chunks_before_cut:
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(2)  # drop the socket mid-stream: no finish_reason, no [DONE]
            return
        if s.kind == "sse_error" and i == s.chunks_before_cut:
            _sse(
                h, {"error": {"message": "stream interrupted by upstream", "type": "server_error"}}
            )
            _chunk(h, b"")
            return
        _sse(h, _delta(body, piece, None))
    _sse(h, _delta(body, None, s.finish_reason))
    _sse(h, "[DONE]")
    _chunk(h, b"")


def _drip(h: BaseHTTPRequestHandler, fake: FakeOpenAI, streaming: bool) -> None:
    _start_chunked(h, "text/event-stream" if streaming else "application/json")
    padding = b": keep-alive\n\n" if streaming else b"\n"
    while not fake._wait(0.2):
        _chunk(h, padding)
    h.close_connection = True
