"""What the assistant says (`Reply`) and the per-day cap on its model calls.

Shared by the offline answers (`chat`) and the model path (`model_answer`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafile import atomic_write_text
from .changes import ChangeProposal
from .report_answers import CellView

OFFLINE_SOURCE = "规则原文"
RULE_ID_IN_TEXT = re.compile(r"\[?\b([A-Z]{1,3}[0-9]?-R?[0-9]{2})\b\]?")


@dataclass(frozen=True)
class Reply:
    """What the assistant says. `kind`: rules | not_covered | finding | data | proposal | error."""

    kind: str
    text: str
    rule_ids: tuple[str, ...] = ()
    cells: tuple[CellView, ...] = ()
    proposal: ChangeProposal | None = None
    source: str = OFFLINE_SOURCE
    notes: tuple[str, ...] = ()
    model_calls: int = 0

    def to_entry(self) -> dict[str, Any]:
        """The fields stored in the conversation (besides role and text)."""
        entry: dict[str, Any] = {
            "kind": self.kind,
            "rules": list(self.rule_ids),
            "source": self.source,
            "notes": list(self.notes),
            "cells": [
                {"path": c.path, "location": c.location, "value": c.value} for c in self.cells
            ],
        }
        if self.proposal is not None:
            entry["proposal"] = self.proposal.to_dict()
        if self.model_calls:
            entry["model_calls"] = self.model_calls
        return entry


def _with_note(reply: Reply, note: str) -> Reply:
    return Reply(
        reply.kind, reply.text, reply.rule_ids, reply.cells, reply.proposal, reply.source,
        (*reply.notes, note), reply.model_calls,
    )  # fmt: skip


# --- the per-day cap across reports -------------------------------------------------------------


def _calls_file(settings: Any) -> Path:
    return Path(settings.data_dir) / "assistant-calls.json"


def daily_calls(settings: Any) -> int:
    """Model calls the assistant made today (UTC) on this machine's data folder."""
    try:
        data = json.loads(_calls_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return int(data.get(_today(), 0)) if isinstance(data, dict) else 0


def count_calls(settings: Any, calls: int) -> None:
    """Add `calls` to today's count (only today's count is kept)."""
    if calls <= 0:
        return
    path = _calls_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _calls_lock:  # the web app answers in several worker threads
        atomic_write_text(path, json.dumps({_today(): daily_calls(settings) + calls}))


_calls_lock = threading.Lock()


def _today() -> str:
    return dt.datetime.now(dt.timezone.utc).date().isoformat()
