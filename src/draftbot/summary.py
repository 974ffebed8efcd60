"""A short plain-Chinese summary of a report's data, for the terminal."""

from __future__ import annotations

from .model import Report
from .numbers import format_amount


def summary_lines(report: Report) -> list[str]:
    meta, t3, t4 = report.meta, report.table3, report.table4
    version = report.format_version
    new = t3.new_received.shown_total
    carried = t3.carried_over.shown_total
    done = t3.results_column_total(version, "total")
    forward = t3.carried_forward.shown_total
    cases = [
        getattr(t4, b).shown_total
        for b in ("review", "litigation_direct", "litigation_after_review")
    ]
    lines = [
        f"{meta.agency}{meta.report_year}年政府信息公开工作年度报告（{version} 格式）",
        f"  申请：新收 {new} 件，上年结转 {carried} 件，办结 {done} 件，结转下年度 {forward} 件",
        f"  行政复议 {cases[0]} 件，行政诉讼 {cases[1] + cases[2]} 件"
        f"（未经复议直接起诉 {cases[1]} 件，复议后起诉 {cases[2]} 件）",
    ]
    if report.format.table2_field == "table2":
        t2 = report.table2
        lines.append(
            f"  规章制发 {t2.regulations.issued} 件，行政规范性文件制发 {t2.normative_documents.issued} 件；"
            f"行政许可 {t2.licensing}、行政处罚 {t2.penalty}、行政强制 {t2.coercion}；"
            f"行政事业性收费 {format_amount(t2.fees_wan_yuan)} 万元"
        )
    if report.facts.proactive_total is not None:
        lines.append(f"  主动公开政府信息 {report.facts.proactive_total} 条")
    lines.append(prose_line(report))
    return lines


def prose_line(report: Report) -> str:
    """How many of the 8 prose sections are written; the unwritten ones block a formal export."""
    from .export import unwritten_sections
    from .outline import SECTION_LABELS

    unwritten = unwritten_sections(report)
    total = len(SECTION_LABELS)
    line = f"  正文：已有 {total - len(unwritten)} / {total} 部分"
    if unwritten:
        line += f"；{len(unwritten)} 部分（待起草），导出正式文档前需起草：{'、'.join(unwritten)}"
    return line
