"""The conversation with the assistant, kept beside the report: an append-only log.

For a data file `2023年报.yaml` it is the JSON-lines file `.2023年报.yaml.chat.jsonl` in the
same folder; in the web app it is in the store (table chat_entries, append-only, shared by
every app instance), one conversation per report; a report's older file under the data
folder's `chat/` is taken over on first read. The clerk's words are written (and fsync'ed /
committed) before anything is done with them, so nothing typed is lost; a line that cannot be
read (a torn write at a power cut) is skipped, the rest is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

MAX_MESSAGE_CHARS = 20000
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
_REPORT_ID = re.compile(r"^[0-9a-f]{8,64}$")


def conversation_for_file(report_path: str | Path) -> Conversation:
    """The conversation kept beside a report data file."""
    path = Path(report_path)
    return Conversation(path.with_name(f".{path.name}.chat.jsonl"))


def conversation_for_report(
    data_dir: str | Path, report_id: str, store: Any = None
) -> Conversation:
    """The conversation of a stored report (web app); `report_id` is the store's hex id. With
    `store` (a `draftbot.store.Store`) it lives in the database; without, in a file."""
    if not _REPORT_ID.match(report_id):
        raise ValueError("报告编号无效")
    path = Path(data_dir) / "chat" / f"{report_id}.jsonl"
    if store is None:
        return Conversation(path)
    return StoredConversation(store, f"report:{report_id}", path)


class Conversation:
    """Append-only log of entries (dicts with at least `role` and `text`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _lock(self) -> threading.Lock:
        key = str(self.path.resolve())
        with _locks_guard:
            return _locks.setdefault(key, threading.Lock())

    def append(self, role: str, text: str, **extra: Any) -> dict[str, Any]:
        """Write one entry durably and return it (with its time)."""
        entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(), "role": role, "text": text}
        entry.update(extra)
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        with self._lock():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a+b") as out:
                if out.tell() > 0:
                    out.seek(-1, os.SEEK_END)
                    if out.read(1) != b"\n":  # a line torn by a crash: end it, keep ours whole
                        line = "\n" + line
                out.write(line.encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """All readable entries, oldest first."""
        return _parse(self._lines())

    def _lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def proposal(self, proposal_id: str) -> dict[str, Any] | None:
        """The stored proposal with this id, if it is still open (neither applied nor refused)."""
        found = None
        for entry in self.entries():
            data = entry.get("proposal")
            if isinstance(data, dict) and data.get("id") == proposal_id:
                found = data
            if entry.get("settles") == proposal_id:
                return None
        return found

    def calls_since(self, since: dt.datetime) -> int:
        """Model calls recorded in this conversation since `since` (for the per-report cap)."""
        return _calls_since(self.entries(), since)


def _calls_since(entries: list[dict[str, Any]], since: dt.datetime) -> int:
    """The `model_calls` of the entries written at or after `since`."""
    total = 0
    for entry in entries:
        calls = entry.get("model_calls", 0)
        if not calls:
            continue
        try:
            at = dt.datetime.fromisoformat(str(entry["at"]))
        except (KeyError, ValueError):
            continue
        if at >= since:
            total += int(calls)
    return total


def _parse(lines: list[str]) -> list[dict[str, Any]]:
    """The readable entries among JSON lines (a torn or foreign line is skipped)."""
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and "role" in entry:
            out.append(entry)
    return out


class StoredConversation(Conversation):
    """A conversation kept in the store (shared by every app instance); `legacy_path` is the
    file an earlier version kept it in, taken over on first read."""

    def __init__(self, store: Any, name: str, legacy_path: Path) -> None:
        super().__init__(legacy_path)
        self.store = store
        self.name = name

    def append(self, role: str, text: str, **extra: Any) -> dict[str, Any]:
        entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(), "role": role, "text": text}
        entry.update(extra)
        self.store.append_chat(self.name, json.dumps(entry, ensure_ascii=False, default=str))
        return entry

    def _lines(self) -> list[str]:
        lines: list[str] = self.store.chat_entries(self.name)
        if not lines and self.path.exists():
            old = super()._lines()
            if old and self.store.import_chat(self.name, old):
                return old
            lines = self.store.chat_entries(self.name)
        return lines
