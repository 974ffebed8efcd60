"""outline.py is the one source of the report's sections: every place that names a section
(the exported .docx, the web pages, the drafter, the review, the Excel sheet, the model)
shows exactly the outline's keys, titles and labels, in the outline's order."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from typing import get_args

import docx
import openpyxl
import pytest

from draftbot import excel, outline
from draftbot.datafile import load_report
from draftbot.drafting import draft_offline, resolve_section
from draftbot.drafting.prompts import load_llm_prompts
from draftbot.export import plan_document, unwritten_findings
from draftbot.model import Narrative, Report, Revision
from draftbot.review import copying, review_report
from draftbot.review._text import Sentence, drafted_sections
from draftbot.web.views import TABLES, section_findings
from draftbot.word import build_docx
from web_helpers import create_report, make_client
from written import publishable

SRC = Path(__file__).resolve().parent.parent / "src" / "draftbot"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Hand-written from format-spec §2–§4, not from outline.py: the six headings and five sub-parts.
HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
SUB_PARTS = [
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
]


@pytest.fixture(scope="module")
def busy() -> Report:
    return publishable(load_report(EXAMPLES / "busy-2023.yaml"))


def _document_order() -> list[str]:
    """Headings and sub-part titles in the order the outline prints them."""
    out: list[str] = []
    for section in outline.SECTIONS:
        out.append(section.heading)
        out += [part.title for part in section.parts]
    return out


def test_outline_holds_the_official_headings_and_sub_parts() -> None:
    assert list(outline.SECTION_HEADINGS) == HEADINGS
    assert [p.title for p in outline.SECTIONS[0].parts] == SUB_PARTS
    assert [s.table for s in outline.SECTIONS] == [None, "表二", "表三", "表四", None, None]
    assert outline.SECTION_KEYS == (
        "overview_intro",
        "overview_proactive",
        "overview_on_request",
        "overview_management",
        "overview_platform",
        "overview_supervision",
        "problems",
        "other_matters",
    )


def test_the_model_narrative_and_revisions_use_the_outline_keys() -> None:
    assert tuple(Narrative.model_fields) == outline.SECTION_KEYS
    assert get_args(Revision.model_fields["section"].annotation) == outline.SECTION_KEYS
    for key in outline.SECTION_KEYS:
        assert Narrative.model_fields[key].description == outline.SECTION_LABELS[key]


def test_exported_docx_headings_are_the_outline_in_order(busy: Report) -> None:
    document = docx.Document(io.BytesIO(build_docx(busy).data))
    wanted = set(_document_order())
    printed = [p.text.strip() for p in document.paragraphs if p.text.strip() in wanted]
    assert printed == _document_order()


def test_export_plan_puts_each_prose_part_under_its_outline_heading(busy: Report) -> None:
    plan = plan_document(busy)
    heading, seen = "", []
    for block in plan.blocks:
        if block.kind in ("heading", "subheading"):
            heading = block.text
        elif block.section and (not seen or seen[-1][0] != block.section):
            seen.append((block.section, heading))
    expected = [
        (p.key, p.title if p.title in SUB_PARTS else s.heading)
        for s in outline.SECTIONS
        for p in s.prose
    ]
    assert seen == expected


def test_web_draft_page_and_table_names_are_the_outline(tmp_path: Path) -> None:
    client = make_client(tmp_path)
    report_id = create_report(client)
    html = client.get(f"/reports/{report_id}/draft").text
    nav = re.search(r'<nav class="panel section-nav".*?</nav>', html, re.S)
    assert nav is not None
    keys = re.findall(r'data-nav="(\w+)">([^<]+)<', nav.group(0))
    assert keys == [(p.key, p.label) for p in outline.PROSE_PARTS]
    assert [
        f"{number}、{name}"
        for number, name in zip("二三四", (n for _, n in TABLES.values()), strict=True)
    ] == HEADINGS[1:4]


def test_web_facts_form_legends_come_from_the_outline(tmp_path: Path) -> None:
    client = make_client(tmp_path)
    report_id = create_report(client)
    html = client.get(f"/reports/{report_id}/facts").text
    legends = re.findall(r"<legend>([^<]+)</legend>", html)
    assert SUB_PARTS[0] in legends
    assert f"{SUB_PARTS[1]} 至{SUB_PARTS[4]}" in legends
    assert HEADINGS[4] in legends and HEADINGS[5] in legends


def test_drafter_drafts_every_outline_part_and_knows_every_name(busy: Report) -> None:
    assert tuple(draft_offline(busy)) == outline.SECTION_KEYS
    for p in outline.PROSE_PARTS:
        for name in (p.key, p.title, p.label, *p.aliases):
            assert resolve_section(name) == p.key, name


def test_review_reads_the_outline_parts_and_locates_findings_by_its_labels(busy: Report) -> None:
    assert [key for key, _ in drafted_sections(busy.narrative)] == list(outline.SECTION_KEYS)
    for p in outline.PROSE_PARTS:
        assert Sentence(p.key, "本年度。").location == p.label
    copied = busy.model_copy(deep=True)
    assert copied.previous_year is not None
    for p in outline.PROSE_PARTS:  # every part long enough to compare, and as last year
        setattr(copied.narrative, p.key, f"本机关扎实做好{p.title}相关工作，稳步推进各项任务。" * 4)
    copied.previous_year.narrative = copied.narrative.model_copy()
    found = [f.location for f in review_report(copied) if f.code == copying.CODE]
    assert list(dict.fromkeys(found)) == [p.location for p in outline.PROSE_PARTS]


def test_one_location_per_section_in_export_drafter_and_web() -> None:
    empty = Report.model_validate({"meta": {"agency": "测试县教育局", "report_year": 2023}})
    w01 = unwritten_findings(empty)
    assert [f.location for f in w01] == [p.location for p in outline.PROSE_PARTS]
    for p in outline.PROSE_PARTS:
        assert p.location == f"正文 · {p.label}"
        assert outline.section_of_location(p.location) == p.key
        assert outline.section_of_location(p.label) == p.key
        assert section_findings(w01, p.key) == [w for w in w01 if w.location == p.location]


def test_excel_sheet_labels_are_the_outline_and_old_workbooks_still_read(busy: Report) -> None:
    book = openpyxl.load_workbook(io.BytesIO(excel.template_bytes(busy)))
    sheet = book[excel.NARRATIVE_SHEET]
    labels = [sheet.cell(row, 1).value for row in range(2, 2 + len(outline.SECTION_KEYS))]
    assert labels == [p.label for p in outline.PROSE_PARTS]
    tables = [book[name].cell(1, 1).value for name in book.sheetnames if name.startswith("表")]
    assert tables == HEADINGS[1:4]
    assert excel._narrative_key("一、总体情况 （一）主动公开") == "overview_proactive"
    assert excel._narrative_key("一、总体情况（导语）") == "overview_intro"
    assert excel._narrative_key("一、总体情况 ·（四）政府信息公开平台建设") == "overview_platform"
    assert excel._narrative_key("（四）平台") is None


def _string_constants(tree: ast.AST) -> list[ast.Constant]:
    """String constants that are not docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


# The importer of published reports matches headings as other agencies print them (numbering
# and wording vary), so it keeps its own tolerant patterns.
_READERS = {"published/reading.py"}


def test_no_module_but_outline_spells_a_section_title() -> None:
    titles = HEADINGS + SUB_PARTS
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name == "outline.py" or name in _READERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _string_constants(tree):
            offenders += [f"{name}:{node.lineno} {t}" for t in titles if t in node.value]
    for path in sorted((SRC / "web" / "templates").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"web/templates/{path.name} {t}" for t in titles if t in text]
    assert offenders == []


def test_bundled_section_prompts_name_their_section_as_the_outline() -> None:
    prompts = load_llm_prompts()
    for p in outline.PROSE_PARTS:
        meta = prompts[p.key].meta
        assert meta.id == p.key
        assert meta.title in (p.title, p.label), (p.key, meta.title)
        assert p.title in prompts[p.key].source  # the instruction names the part as printed
