"""The official layout as OOXML: fonts and sizes, paragraphs, and the tables drawn from the
grids of `tables.py` (merges, widths, rows kept together).

Layout follows GB/T 9704-2012 (A4, margins 37/35/28/26 mm, 三号 仿宋 body on a fixed 28.95 pt
line, 黑体 / 楷体 headings); sizes are in points, widths in twips. Strings only: the document
itself is assembled by `writer.py`.
"""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from docx.oxml.ns import nsdecls
from docx.shared import Mm

from ..export import Block
from ..tables import Cell, Grid
from ..text import sentence_pieces

# --- typography -------------------------------------------------------------------------------

LATIN = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
PAGE_NUMBER_FONT = "宋体"

SIZE_TITLE = 22.0  # 二号
SIZE_BODY = 16.0  # 三号
SIZE_PAGE_NUMBER = 14.0  # 四号
SIZE_TABLE = 10.5  # 五号 (表二, portrait)
SIZE_TABLE_SMALL = 9.0  # 小五 (表三、表四, landscape)
LINE_PITCH = 28.95  # pt, GB/T 9704 行 = 1 + 7/8 of a 三号 character
INDENT = 2 * SIZE_BODY  # two characters

A4_SHORT, A4_LONG = Mm(210), Mm(297)
MARGINS_PORTRAIT = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# The portrait 版心 turned a quarter: the binding margin is now at the top.
MARGINS_LANDSCAPE = {"top": 28, "bottom": 26, "left": 37, "right": 35}

TWIPS_PER_MM = 1440 / 25.4
# Column widths in mm per table layout; every row must still fit the 版心 width.
COLUMN_WIDTHS_MM: dict[tuple[str, int], tuple[float, ...]] = {
    ("表二", 4): (50.0, 35.0, 35.0, 35.0),
    ("表二", 5): (40.0, 29.0, 29.0, 29.0, 29.0),
    ("表三", 10): (7.0, 25.0, 82.0, 12.0, 15.5, 15.5, 22.0, 22.0, 12.0, 12.0),
    ("表四", 15): (15.0,) * 15,
}
CELL_MARGIN_TWIPS = 45  # left/right padding inside table cells (0.8 mm)


@lru_cache(maxsize=64)  # a few fonts and sizes per document, asked for per run
def run_props(east_asia: str, size: float, latin: str = LATIN, bold: bool = False) -> str:
    """`w:rPr` of a run: East-Asian and Latin font, size in points (stored as half-points)."""
    half_points = round(size * 2)
    return (
        f'<w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" '
        f'w:cs="{latin}" w:hint="eastAsia"/>{"<w:b/><w:bCs/>" if bold else ""}'
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'
    )


def run_xml(text: str, rpr: str) -> str:
    """A `w:r` of `text` (XML-escaped, spaces kept) with the run properties `rpr`."""
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


@lru_cache(maxsize=256)  # a few dozen shapes per document, asked for per paragraph
def para_props(
    *,
    align: str = "both",
    first_line: float = INDENT,
    right: float = 0.0,
    line: float = LINE_PITCH,
    before: float = 0.0,
    after: float = 0.0,
    keep_next: bool = False,
    outline: int | None = None,
) -> str:
    """`w:pPr` of a paragraph: alignment, first-line indent and right indent in points,
    exact line pitch in points, space after, keep-with-next, outline level.

    Punctuation may hang past the right margin (`w:overflowPunct`, Word's own default, written
    out because LibreOffice reads its absence as "off" and then drops a full-width comma that
    falls at a line end from the printed page)."""
    spacing = f'w:before="{round(before * 20)}" w:after="{round(after * 20)}"'
    if line:
        spacing += f' w:line="{round(line * 20)}" w:lineRule="exact"'
    return (
        "<w:pPr>"
        + ("<w:keepNext/>" if keep_next else "")
        + '<w:widowControl w:val="0"/>'
        + '<w:overflowPunct w:val="1"/>'
        + f"<w:spacing {spacing}/>"
        + f'<w:ind w:left="0" w:right="{round(right * 20)}" w:firstLine="{round(first_line * 20)}"/>'
        + f'<w:jc w:val="{align}"/>'
        + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
        + "</w:pPr>"
    )


def paragraph_xml(block: Block, *, first_closing: bool = False, by_sentence: bool = False) -> str:
    """The `w:p` of one block (title, heading, subheading, body, closing) in the official
    fonts and spacing; `by_sentence` writes one run per sentence (for comment anchors)."""
    body_rpr = run_props(BODY_FONT, SIZE_BODY)
    if block.kind == "title":
        rpr = run_props(TITLE_FONT, SIZE_TITLE)
        runs = f"<w:r>{rpr}<w:br/></w:r>".join(
            run_xml(line, rpr) for line in block.text.split("\n")
        )
        ppr = para_props(align="center", first_line=0, line=36.0, after=LINE_PITCH)
        return f"<w:p {nsdecls('w')}>{ppr}{runs}</w:p>"
    if block.kind == "heading":
        ppr = para_props(keep_next=True, outline=0)
        return f"<w:p {nsdecls('w')}>{ppr}{run_xml(block.text, run_props(HEADING_FONT, SIZE_BODY))}</w:p>"
    if block.kind == "subheading":
        ppr = para_props(keep_next=True, outline=1)
        return f"<w:p {nsdecls('w')}>{ppr}{run_xml(block.text, run_props(SUBHEADING_FONT, SIZE_BODY))}</w:p>"
    if block.kind == "closing":
        # 落款 two blank lines below the text, 右空二字
        before = 2 * LINE_PITCH if first_closing else 0.0
        ppr = para_props(align="right", first_line=0, right=INDENT, before=before)
        return f"<w:p {nsdecls('w')}>{ppr}{run_xml(block.text, body_rpr)}</w:p>"
    runs = run_xml(block.lead, run_props(SUBHEADING_FONT, SIZE_BODY)) if block.lead else ""
    pieces = sentence_pieces(block.text) if by_sentence else [block.text]
    runs += "".join(run_xml(piece, body_rpr) for piece in pieces if piece)
    return f"<w:p {nsdecls('w')}>{para_props()}{runs}</w:p>"


# --- tables -----------------------------------------------------------------------------------


def table_xml(grid: Grid) -> str:
    """The `w:tbl` of a grid: fixed column widths (mm → twips), merges, header rows repeated."""
    widths = [round(mm * TWIPS_PER_MM) for mm in COLUMN_WIDTHS_MM[(grid.name, grid.cols)]]
    size = SIZE_TABLE if grid.name == "表二" else SIZE_TABLE_SMALL
    starts = _cell_starts(grid)
    keep = _kept_rows(grid)
    rows = "".join(_row_xml(grid, r, starts[r], widths, size, r in keep) for r in range(grid.rows))
    return f"<w:tbl {nsdecls('w')}>{_table_properties(widths)}{rows}</w:tbl>"


def _table_properties(widths: list[int]) -> str:
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(
        border.format(b) for b in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    margins = "".join(
        f'<w:{side} w:w="{w}" w:type="dxa"/>'
        for side, w in (
            ("top", 14),
            ("left", CELL_MARGIN_TWIPS),
            ("bottom", 14),
            ("right", CELL_MARGIN_TWIPS),
        )
    )
    return (
        f'<w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f"<w:tblCellMar>{margins}</w:tblCellMar>"
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
    )


def _cell_starts(grid: Grid) -> list[list[tuple[Cell, bool]]]:
    """Per row, the cells that begin a `w:tc` there, left to right; True = vMerge continuation."""
    starts: list[list[tuple[Cell, bool]]] = [[] for _ in range(grid.rows)]
    for cell in grid.cells:
        starts[cell.row].append((cell, False))
        for r in range(cell.row + 1, cell.row + cell.rowspan):
            starts[r].append((cell, True))
    for row in starts:
        row.sort(key=lambda item: item[0].col)
    return starts


def _kept_rows(grid: Grid) -> set[int]:
    """Rows kept on the page of the next row: the repeated header, a row without values (a
    block's heading or column labels) and every row of a merged label but its last.

    Elsewhere a table may break between rows (its header repeats), so a table that does not
    fit the rest of a page no longer leaves that page mostly empty.
    """
    keep = set(range(grid.header_rows))
    valued = {cell.row for cell in grid.value_cells()}
    keep |= {r for r in range(grid.rows) if r not in valued}
    for cell in grid.cells:
        keep |= set(range(cell.row, cell.row + cell.rowspan - 1))
    return keep - {grid.rows - 1}


def _row_xml(
    grid: Grid, r: int, cells: list[tuple[Cell, bool]], widths: list[int], size: float, keep: bool
) -> str:
    header = "<w:tblHeader/>" if r < grid.header_rows else ""
    tcs = "".join(_cell_xml(cell, continued, widths, size, keep) for cell, continued in cells)
    return f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>{tcs}</w:tr>"


def _cell_xml(cell: Cell, continued: bool, widths: list[int], size: float, keep: bool) -> str:
    # long row labels (表三 c1–c2) read better flush left; headers, numbers, groups centred
    flush_left = cell.kind == "label" and cell.rowspan == 1 and cell.col + cell.colspan > 2
    head = _cell_head(
        sum(widths[cell.col : cell.col + cell.colspan]),
        cell.colspan,
        cell.rowspan > 1,
        continued,
        flush_left,
        size,
        keep,
    )
    text = "" if continued else run_xml(cell.text, run_props(TABLE_FONT, size))
    return f"{head}{text}</w:p></w:tc>"


@lru_cache(maxsize=512)  # a few dozen shapes per table, asked for per cell
def _cell_head(
    width: int,
    colspan: int,
    merged: bool,
    continued: bool,
    flush_left: bool,
    size: float,
    keep: bool,
) -> str:
    """A `w:tc` up to its paragraph's first run: width (twips), span, vertical merge, layout."""
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if colspan > 1:
        tcpr += f'<w:gridSpan w:val="{colspan}"/>'
    if merged:
        tcpr += "<w:vMerge/>" if continued else '<w:vMerge w:val="restart"/>'
    tcpr += '<w:vAlign w:val="center"/>'
    ppr = para_props(
        align="left" if flush_left else "center",
        first_line=0,
        line=size + 2.0,
        keep_next=keep,
    )
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p>{ppr}"
