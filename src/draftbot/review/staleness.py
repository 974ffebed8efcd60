"""P-10: prose written before the tables changed. A section whose text is still the one the
tool last set (drafted, generated, saved) while a table's printed figures have changed since
(`basis.stale_sections`) may state numbers that are no longer true; the finding names the
section and the tables and asks to regenerate it or check its numbers. Editing or
regenerating the section ends it."""

from __future__ import annotations

from collections.abc import Iterator

from ..basis import stale_sections
from ..findings import Finding
from ..model import Report

CODE = "P-10"


def check_staleness(report: Report) -> Iterator[Finding]:
    """One warning per section written before a table's figures changed (`section=` key)."""
    for key, tables in stale_sections(report).items():
        names = "、".join(tables)
        yield Finding(
            CODE,
            "warning",
            f"这一部分起草后，{names}的数字有改动，正文中的说法可能已过时",
            f"请重新生成这一部分，或核对其中的数字与{names}是否一致后修改保存",
            section=key,
        )
