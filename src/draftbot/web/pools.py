"""Bounded worker pools, one per kind of blocking work, so no request blocks the event loop.

Parsing uploads, SQLite, building .docx files and model calls each run in worker threads of
their own kind, at most `workers` at a time. Beyond that, at most `queue` more callers wait
for a free worker, each for at most `wait` seconds: a normal burst (100 tabs autosaving at
once) is served in turn instead of refused. A request beyond the queue is answered at once
with 503 and a Chinese "busy" message, and so is one that waited its `wait` out; one heavy
kind can never take the threads the others need (docs/limits.md).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from .security import GuardError

T = TypeVar("T")


@dataclass(frozen=True)
class PoolSpec:
    """One kind of work: `workers` threads, `queue` more callers waiting at most `wait` s."""

    workers: int
    queue: int
    doing: str  # what the work is, for the busy message: 读取上传的文件 …
    wait: float = math.inf  # seconds a queued caller waits for a worker before 503

    @property
    def busy_message(self) -> str:
        return f"系统繁忙：同时{self.doing}的请求过多，请稍等几秒后重试，已填写的内容不受影响"


POOL_SPECS: dict[str, PoolSpec] = {
    "parse": PoolSpec(2, 4, "读取上传的文件", wait=10.0),
    # one autosave takes a few ms of one writer: 8 workers + 192 waiting serve a burst of 200
    # tabs saving at once within the 5 s (the database's own busy timeout is 5 s too)
    "store": PoolSpec(8, 192, "读写数据库", wait=5.0),
    "docx": PoolSpec(2, 8, "生成 Word 文档", wait=10.0),
    "model": PoolSpec(8, 16, "调用大模型识别句子", wait=30.0),
}


@dataclass
class Pool:
    """`workers` threads for one kind of work; `queue` more callers may wait, `wait` s each."""

    spec: PoolSpec
    slots: anyio.CapacityLimiter = field(init=False)  # who may run: taken before the thread
    threads: anyio.CapacityLimiter = field(init=False)  # the threads themselves
    pending: int = 0  # running + waiting

    def __post_init__(self) -> None:
        self.slots = anyio.CapacityLimiter(self.spec.workers)
        self.threads = anyio.CapacityLimiter(self.spec.workers)

    @property
    def waiting(self) -> int:
        """Callers queued for a worker right now."""
        return max(0, self.pending - self.slots.borrowed_tokens)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a worker thread, after waiting in the queue if all workers
        are busy. Raises `GuardError(503)` at once when the queue is full too, or after
        `spec.wait` seconds in the queue without a free worker."""
        if self.pending >= self.spec.workers + self.spec.queue:
            raise GuardError(503, self.spec.busy_message)
        self.pending += 1
        try:
            with anyio.move_on_after(self.spec.wait) as waited:
                await self.slots.acquire()
            if waited.cancelled_caught:  # no worker came free in time
                raise GuardError(503, self.spec.busy_message)
            try:
                call = functools.partial(fn, *args, **kwargs)
                return await anyio.to_thread.run_sync(call, limiter=self.threads)
            finally:
                self.slots.release()
        finally:
            self.pending -= 1


def make_pools(specs: dict[str, PoolSpec] | None = None) -> dict[str, Pool]:
    return {kind: Pool(spec) for kind, spec in (specs or POOL_SPECS).items()}


async def in_pool(request: Any, kind: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking `fn` in the app's pool for `kind` ("parse", "store", "docx", "model")."""
    pools: dict[str, Pool] = request.app.state.pools
    return await pools[kind].run(fn, *args, **kwargs)
