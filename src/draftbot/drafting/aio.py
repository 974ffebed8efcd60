"""Running the async drafting core from synchronous callers (CLI, scripts, web form handlers).

All synchronous callers of a process share ONE event loop, started on first use in a daemon
thread and kept for the life of the process. The model clients keep pooled HTTP connections
that belong to the loop they were opened on; a new loop per call (``asyncio.run``) would find
them bound to a closed loop, fail with "Event loop is closed" after the server had already
answered, and pay for every request twice. With one loop, the 1st and the 100th draft of a
process cost the same number of calls.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_owner_pid = 0


def shared_loop() -> asyncio.AbstractEventLoop:
    """The process's drafting event loop, running in a daemon thread; started on first use.

    A forked child gets its own loop (the parent's thread does not exist in it).
    """
    global _loop, _owner_pid
    with _lock:
        if _loop is None or _loop.is_closed() or _owner_pid != os.getpid():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="draftbot-llm", daemon=True)
            thread.start()
            _loop, _owner_pid = loop, os.getpid()
        return _loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on the shared loop and wait for its result (or exception).

    Works from any thread, also from code that runs inside another event loop (that loop's
    thread blocks while waiting, as any synchronous call does). Raises `RuntimeError` when
    called from the shared loop itself, which would wait for itself forever. On an interrupt
    (Ctrl-C) the coroutine is cancelled before the interrupt propagates.
    """
    loop = shared_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        coro.close()
        raise RuntimeError("run_sync cannot wait on the loop it is running on; await instead")
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return future.result()
    except BaseException:
        future.cancel()
        raise
