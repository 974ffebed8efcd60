"""A local cache of accepted model answers, keyed by the exact request.

Only finished answers (finish_reason "stop", non-empty) are stored, so re-running with
unchanged inputs costs no calls while a failed call is always tried again. The cache is an
optimisation: a folder that cannot be read or written only costs calls (and logs a warning).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import Settings
from ..datafile import atomic_write_text

log = logging.getLogger(__name__)
CACHE_VERSION = 1


def request_key(payload: dict[str, Any]) -> str:
    data = json.dumps({"v": CACHE_VERSION, **payload}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def cache_key(settings: Settings, messages: Sequence[tuple[str, str]]) -> str:
    """The cache key of one chat request: endpoint, model, temperature and the exact messages."""
    return request_key(
        {
            "base_url": settings.llm_base_url or "",
            "model": settings.model_name,
            "temperature": settings.llm_temperature,
            "messages": [list(m) for m in messages],
        }
    )


class ResponseCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder) / "llm"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> str | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("draftbot 缓存文件无法读取（%s），将重新请求模型", exc)
            return None
        text = data.get("text") if isinstance(data, dict) else None
        return text if isinstance(text, str) and text.strip() else None

    def put(self, key: str, text: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, json.dumps({"text": text}, ensure_ascii=False))
        except OSError as exc:
            log.warning("draftbot 缓存目录不可写（%s），本次结果未缓存", exc)
