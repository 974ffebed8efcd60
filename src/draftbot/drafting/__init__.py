"""Drafting the report's prose sections.

Public API (see docs/drafting.md): `draft_report`, `adraft_report`, `stream_section`,
`apply_draft`, `DraftOutcome`, `SectionDraft`, `DraftEvent`, and `offline.draft_offline`.
LangChain/openai are imported only by `drafting.llm`, and only when a model is called; the
offline drafter (`drafting.offline`) only when a section is drafted offline or
`draft_offline` is first looked up here (issue 19: a cached `draftbot draft` never needs it).
"""

from typing import TYPE_CHECKING, Any

from ..outline import SECTION_TITLES
from .core import (
    OFFLINE_SOURCE,
    DraftEvent,
    DraftOutcome,
    SectionDraft,
    adraft_report,
    apply_draft,
    draft_report,
    stream_section,
)
from .sections import UnknownSectionError, resolve_section

if TYPE_CHECKING:
    from .offline import draft_offline


def __getattr__(name: str) -> Any:  # PEP 562: `draft_offline` imports the offline drafter
    if name == "draft_offline":
        from .offline import draft_offline

        return draft_offline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "OFFLINE_SOURCE",
    "SECTION_TITLES",
    "DraftEvent",
    "DraftOutcome",
    "SectionDraft",
    "UnknownSectionError",
    "adraft_report",
    "apply_draft",
    "draft_offline",
    "draft_report",
    "resolve_section",
    "stream_section",
]
