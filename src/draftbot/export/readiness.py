"""Whether a report may be exported as a formal document: the gate (check errors, sections
still （待起草）, 表三 not yet filled) and the `ExportBlocked` refusal."""

from __future__ import annotations

from collections.abc import Sequence

from ..checks import check_report, table3_awaits_entries, table3_reminder
from ..errors import DraftbotError
from ..findings import Finding, has_errors
from ..model import Report
from ..outline import SECTION_KEYS, SECTION_LABELS
from .blocks import DRAFT_PLACEHOLDER, EMPTY_SECTION, XML_INVALID, text_lines


class ExportBlocked(DraftbotError):
    """A formal export is refused: the checks found errors, or prose sections are unwritten.

    `findings` are the check findings plus one error (W-01) per unwritten section;
    `unwritten` the labels of the sections still reading （待起草）. `force` exports a 草稿.
    """

    def __init__(self, findings: list[Finding], unwritten: list[str] | None = None) -> None:
        self.findings = findings
        self.unwritten = list(unwritten or [])
        errors = sum(f.severity == "error" for f in findings) - len(self.unwritten)
        reasons = []
        if errors:
            reasons.append(f"数据检查发现 {errors} 个错误")
        if self.unwritten:
            reasons.append(
                f"正文还有 {len(self.unwritten)} 部分{DRAFT_PLACEHOLDER}：{'、'.join(self.unwritten)}"
            )
        super().__init__(
            "；".join(reasons) + "，未导出正式文档。请先改正或起草（draftbot check 可查看详情，"
            "draftbot draft 可起草正文），或使用 --force 导出标有“草稿”的文档"
        )


def unwritten_sections(report: Report) -> list[str]:
    """Labels (as printed in the document) of prose sections without text: （待起草） in export."""
    return [SECTION_LABELS[key] for key in _unwritten_keys(report)]


def _unwritten_keys(report: Report) -> list[str]:
    return [key for key in SECTION_KEYS if not _has_text(getattr(report.narrative, key))]


def _has_text(text: str) -> bool:
    """Whether `text` prints anything: a line left once the XML-invalid characters are gone.
    A blank text (every section of a report not yet drafted) is answered without the
    pattern, which then is never compiled (issue 19: `draftbot check`)."""
    return bool(text.strip()) and bool(text_lines(XML_INVALID.sub("", text)))


def unwritten_findings(report: Report) -> list[Finding]:
    """One error (W-01) per unwritten section: a formal document cannot print （待起草）."""
    return [
        Finding(
            EMPTY_SECTION,
            "error",
            f"这一部分还没有正文，正式文档中不能以“{DRAFT_PLACEHOLDER}”发布",
            "请起草或填写这一部分；确需先给领导看，可导出标注“草稿”的文档",
            section=key,
        )
        for key in _unwritten_keys(report)
    ]


def gate(
    report: Report, *, force: bool = False, findings: Sequence[Finding] | None = None
) -> list[Finding]:
    """The check findings plus unwritten-section errors (W-01).

    Raises `ExportBlocked` when any is an error (unless forced): a formal document has no
    errors and no （待起草） section. `findings` are `check_report(report)` when the caller
    already has them (the web caches them per version), so a report is checked once.
    """
    unwritten = unwritten_findings(report)
    checked = check_report(report) if findings is None else list(findings)
    findings = checked + unwritten
    if table3_awaits_entries(report):  # a reminder while editing, a blocker for publishing
        findings = [f for f in findings if f.code != "T3-01"]
        findings.append(table3_reminder(report, "error"))
    if has_errors(findings) and not force:
        raise ExportBlocked(findings, [SECTION_LABELS[f.section or ""] for f in unwritten])
    return findings
