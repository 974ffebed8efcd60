"""What the assistant says (`Reply`).

Shared by the offline answers (`chat`) and the model path (`model_answer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

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
