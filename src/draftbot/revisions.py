"""One section history for the CLI and the web: how a `model.Revision` is listed.

The data file keeps the history in `Report.revisions`; the web store keeps it in its section
history and writes it into every data-file download (`Store.with_history`), and a data file
uploaded to the web brings its history along (`Store.create`). `draftbot revisions` and the web
history page list the same entries with the same labels.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Revision

# Who wrote a text, as the history shows it; any other source is a model's name.
SOURCE_LABELS = {
    "user": "手工编辑",
    "offline": "离线模板",
    "restore": "从历史恢复",
    "reviewed": "人工审核通过",
    "": "被替换的原文",
}
KIND_LABELS = {"accepted": "采用", "failed": "未通过"}
PREVIEW_CHARS = 60


def source_label(source: str) -> str:
    """The Chinese label of a revision's source (a model's name is shown as it is)."""
    return SOURCE_LABELS.get(source, source)


def newest_first(revisions: Iterable[Revision], section: str | None = None) -> list[Revision]:
    """The revisions of `section` (all sections when None), newest first, as the web lists them."""
    chosen = [r for r in revisions if section is None or r.section == section]
    return chosen[::-1]


def preview(text: str) -> str:
    """The first `PREVIEW_CHARS` characters of a text, as the history lists it."""
    return text[:PREVIEW_CHARS]
