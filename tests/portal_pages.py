"""Report pages in the style of government portals, written from our own example data.

The page is what a portal's CMS makes of a report pasted from Word: menus and links before the
title, headings in <strong>, cells with stray <span>/<font> tags, &nbsp; and line breaks,
tables with rowspan/colspan (from the official grids), sometimes wrapped in a layout table.
No published text is copied: the sentences are the example's own.
"""

from __future__ import annotations

import re
from html import escape

from draftbot.export import plan_document
from draftbot.model import Report
from draftbot.tables import Grid

NAV = (
    '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
    '<a href="/zwgk/ndbg/">政府信息公开年报</a></div>'
    '<ul class="links"><li><a href="/a.html">政策解读</a></li><li><a href="/b.html">'
    "信息公开指南</a></li></ul>"
)
FOOTER = '<div class="footer">主办单位：示例办公室　<span>网站标识码：0000000000</span></div>'


def cell_html(text: str, quirky: bool) -> str:
    if not quirky:
        return escape(text)
    if re.fullmatch(r"[\d.]+", text):
        return f'&nbsp;<span style="font-family:宋体">{escape(text)}</span>&nbsp;'
    # a label broken over lines by the editor, inside font/span tags
    middle = len(text) // 2
    return (
        f'<p style="text-align:center"><font face="宋体"><span lang="EN-US">{escape(text[:middle])}'
        f"</span>\n    <br/>{escape(text[middle:])}</font></p>"
    )


def table_html(grid: Grid, quirky: bool = True) -> str:
    rows = []
    for r in range(grid.rows):
        cells = []
        for cell in sorted((c for c in grid.cells if c.row == r), key=lambda c: c.col):
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f" colspan='{cell.colspan}'"
            cells.append(f'<td{attrs} valign="middle">{cell_html(cell.text, quirky)}</td>')
        rows.append("<tr>\n  " + "\n  ".join(cells) + "\n</tr>")
    return (
        '<table border="1" cellspacing="0" class="MsoNormalTable"><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def portal_page(report: Report, *, quirky: bool = True, layout_table: bool = False) -> str:
    """The report as a portal page (HTML text)."""
    plan = plan_document(report, force=True)
    parts = []
    for block in plan.blocks:
        if block.kind == "title":
            parts.append(f'<h1 class="title">{escape(block.text).replace(chr(10), "<br>")}</h1>')
        elif block.kind == "heading":
            parts.append(f'<p style="text-indent:2em"><strong>{escape(block.text)}</strong></p>')
        elif block.kind == "subheading":
            parts.append(f'<p style="text-indent:2em"><b><span>{escape(block.text)}</span></b></p>')
        elif block.kind == "body":
            lead = f"<b>{escape(block.lead)}</b>" if block.lead else ""
            parts.append(f'<p style="text-indent:2em">{lead}<span>{escape(block.text)}</span></p>')
        elif block.kind == "closing":
            parts.append(f'<p style="text-align:right">{escape(block.text)}</p>')
        elif block.kind == "table" and block.grid is not None:
            parts.append(table_html(block.grid, quirky))
    content = "\n".join(parts)
    if layout_table:
        content = f'<table width="100%"><tr><td class="content">{content}</td></tr></table>'
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报_示例门户网站'
        f"</title><script>var x = '<table>';</script></head><body>{NAV}"
        f'<div class="article">{content}</div>{FOOTER}</body></html>'
    )


def as_mht(html: str) -> bytes:
    """The page as a web archive (.mht), quoted-printable in UTF-8, as browsers save it."""
    import quopri

    body = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    return (
        "From: <Saved by Blink>\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: http://example/a.html\r\n\r\n"
        f"{body}\r\n------B--\r\n"
    ).encode("ascii")


def report_2019() -> Report:
    """A 2020 report in the 2019 (试行) format, with prose of its own."""
    return Report.model_validate(
        {
            "meta": {"agency": "某市某区人民政府办公室", "report_year": 2020},
            "table2_2019": {
                "regulations": {"made": 1, "published": 1, "total_public": 9},
                "normative_documents": {"made": 4, "published": 4, "total_public": 31},
                "licensing": {"previous_items": 12, "change": -2, "decisions": 130},
                "other_services": {"previous_items": 3, "change": 1, "decisions": 7},
                "penalty": {"previous_items": 5, "change": 0, "decisions": 11},
                "fees": {"previous_items": 2, "change": -1},
                "procurement": {"projects": 3, "amount": "251000"},
            },
            "table3": {
                "new_received": {"natural_person": 6, "commercial": 2},
                "granted": {"natural_person": 3, "commercial": 1},
                "other_processing": {"natural_person": 2},
                "unable_not_held": {"commercial": 1},
                "carried_forward": {"natural_person": 1},
            },
            "table4": {"litigation_direct": {"corrected": 1}},
            "narrative": {
                "overview_intro": "2020年，区政府办公室认真贯彻《条例》，政务公开工作稳步推进。",
                "overview_proactive": "全年通过区政府门户网站主动公开政府信息1250条。",
                "problems": "（一）存在的问题。公开内容不够全面。\n（二）改进措施。加强培训。",
                "other_matters": "本年度未收取信息处理费。",
            },
        }
    )
