"""Whether a report may be exported as a formal document: the gate (check errors, sections
still （待起草）, basic-information fields the preamble or closing would print as （待填写）,
表三 not yet filled) and the `ExportBlocked` refusal."""

from __future__ import annotations

from collections.abc import Sequence

from ..checks import check_report, table3_awaits_entries, table3_reminder
from ..errors import DraftbotError
from ..findings import Finding, has_errors
from ..model import Report
from ..outline import SECTION_KEYS, SECTION_LABELS
from ..paths import label_parts
from .blocks import (
    DRAFT_PLACEHOLDER,
    EMPTY_SECTION,
    MISSING_META,
    MISSING_PLACEHOLDER,
    XML_INVALID,
    text_lines,
)
from .template import META_PATHS, DocumentTemplate, load_document_template, meta_values

# Where the web app edits the basic information (the 概况 page's 基本信息 form).
WEB_META_PLACE = "“概况”页的“基本信息”"
_LABEL_OF_PATH = {path: label_parts(path)[-1] for path in META_PATHS.values()}  # as 概况 says


def where_to_fill(path: str) -> str:
    """Where a clerk fills the meta field at data path `path`, in the web app and in the data
    file: “网页版在“概况”页的“基本信息”中，数据文件中为 meta.publish_date”."""
    return f"网页版在{WEB_META_PLACE}中，数据文件中为 {path}"


class ExportBlocked(DraftbotError):
    """A formal export is refused: the checks found errors, prose sections are unwritten, or
    basic-information fields the document prints are empty.

    `findings` are the check findings plus one error per unwritten section (W-01) and per
    missing field (W-03); `unwritten` the labels of the sections still reading （待起草）;
    `missing` the data paths (`meta.publish_date` …) that would print （待填写）. `force`
    exports a 草稿. The message names the data-file keys (for the command line);
    `reasons(data_keys=False)` names the fields only (for the web page, which links to 概况).
    """

    def __init__(
        self,
        findings: list[Finding],
        unwritten: list[str] | None = None,
        missing: list[str] | None = None,
    ) -> None:
        self.findings = findings
        self.unwritten = list(unwritten or [])
        self.missing = list(missing or [])
        super().__init__(
            "；".join(self.reasons(data_keys=True))
            + "，未导出正式文档。请先改正、填写或起草（draftbot check 可查看详情，"
            "draftbot draft 可起草正文），或使用 --force 导出标有“草稿”的文档"
        )

    def reasons(self, *, data_keys: bool) -> list[str]:
        """Why the export is refused, one phrase per kind; with `data_keys` each missing field
        is followed by its data-file key (`发布日期（落款日期）（meta.publish_date）`)."""
        errors = sum(f.severity == "error" for f in self.findings)
        errors -= len(self.unwritten) + len(self.missing)
        reasons = []
        if errors:
            reasons.append(f"数据检查发现 {errors} 个错误")
        if self.unwritten:
            reasons.append(
                f"正文还有 {len(self.unwritten)} 部分{DRAFT_PLACEHOLDER}：{'、'.join(self.unwritten)}"
            )
        if self.missing:
            names = [
                f"{_LABEL_OF_PATH[p]}（{p}）" if data_keys else _LABEL_OF_PATH[p]
                for p in self.missing
            ]
            reasons.append(
                f"基本信息还有 {len(self.missing)} 项未填写，正式文档中会印成"
                f"“{MISSING_PLACEHOLDER}”：{'、'.join(names)}"
            )
        return reasons


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


def missing_meta(report: Report, template: DocumentTemplate | None = None) -> list[str]:
    """Data paths (`meta.publish_date` …) of the basic-information fields the preamble or
    closing of `template` (default: the one `load_document_template()` finds) prints but the
    report leaves empty: the document would print （待填写） there. In template order of
    `META_PATHS`."""
    used = (template or load_document_template()).variables
    values = meta_values(report)
    return [
        META_PATHS[name]
        for name in META_PATHS
        if name in used and not XML_INVALID.sub("", values[name]).strip()
    ]


def missing_meta_findings(
    report: Report, template: DocumentTemplate | None = None
) -> list[Finding]:
    """One error (W-03) per field of `missing_meta`: a formal document never prints （待填写）."""
    return [
        Finding(
            MISSING_META,
            "error",
            f"{_LABEL_OF_PATH[path]}未填写，正式文档中不能印成“{MISSING_PLACEHOLDER}”",
            f"请填写{_LABEL_OF_PATH[path]}（{where_to_fill(path)}）；"
            "确需先给领导看，可导出标注“草稿”的文档，其中暂以“（待填写）”占位",
            paths=(path,),
        )
        for path in missing_meta(report, template)
    ]


def gate(
    report: Report,
    *,
    force: bool = False,
    findings: Sequence[Finding] | None = None,
    template: DocumentTemplate | None = None,
) -> list[Finding]:
    """The check findings plus unwritten-section errors (W-01) and missing-field errors (W-03).

    Raises `ExportBlocked` when any is an error (unless forced): a formal document has no
    errors, no （待起草） section and no （待填写） field. `findings` are `check_report(report)`
    when the caller already has them (the web caches them per version), so a report is
    checked once; `template` is the preamble/closing that will be printed (default: the one
    `load_document_template()` finds), which decides which empty fields matter.
    """
    unwritten = unwritten_findings(report)
    missing = missing_meta_findings(report, template)
    checked = check_report(report) if findings is None else list(findings)
    findings = checked + unwritten + missing
    if table3_awaits_entries(report):  # a reminder while editing, a blocker for publishing
        findings = [f for f in findings if f.code != "T3-01"]
        findings.append(table3_reminder(report, "error"))
    if has_errors(findings) and not force:
        raise ExportBlocked(
            findings,
            [SECTION_LABELS[f.section or ""] for f in unwritten],
            [f.paths[0] for f in missing],
        )
    return findings
