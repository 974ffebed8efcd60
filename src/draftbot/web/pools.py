"""Bounded worker pools, one per kind of blocking work, so no request blocks the event loop.

Parsing uploads, SQLite, building .docx files and model calls each run in worker threads of
their own kind, at most `workers` at a time with at most `queue` more waiting. A request
beyond that is answered at once with 503 and a Chinese "busy" message instead of piling up;
one heavy kind can never take the threads the others need (docs/limits.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from .security import GuardError

T = TypeVar("T")


@dataclass(frozen=True)
class PoolSpec:
    workers: int
    queue: int
    doing: str  # what the work is, for the busy message: 读取上传的文件 …


POOL_SPECS: dict[str, PoolSpec] = {
    "parse": PoolSpec(2, 4, "读取上传的文件"),
    "store": PoolSpec(8, 64, "读写数据库"),
    "docx": PoolSpec(2, 8, "生成 Word 文档"),
    "model": PoolSpec(8, 16, "调用大模型识别句子"),
}


@dataclass
class Pool:
    """`workers` threads for one kind of work, `queue` more callers may wait for one."""

    spec: PoolSpec
    limiter: anyio.CapacityLimiter = field(init=False)
    pending: int = 0

    def __post_init__(self) -> None:
        self.limiter = anyio.CapacityLimiter(self.spec.workers)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a worker thread; raises `GuardError(503)` when full."""
        if self.pending >= self.spec.workers + self.spec.queue:
            raise GuardError(
                503,
                f"系统繁忙：同时{self.spec.doing}的请求过多，请稍等几秒后重试，已填写的内容不受影响",
            )
        self.pending += 1
        try:
            call = functools.partial(fn, *args, **kwargs)
            return await anyio.to_thread.run_sync(call, limiter=self.limiter)
        finally:
            self.pending -= 1


def make_pools(specs: dict[str, PoolSpec] | None = None) -> dict[str, Pool]:
    return {kind: Pool(spec) for kind, spec in (specs or POOL_SPECS).items()}


async def in_pool(request: Any, kind: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking `fn` in the app's pool for `kind` ("parse", "store", "docx", "model")."""
    pools: dict[str, Pool] = request.app.state.pools
    return await pools[kind].run(fn, *args, **kwargs)
