"""PDFs printed by LibreOffice from our own .docx, and .doc files LibreOffice made of them.

Round trip: every example → .docx → PDF → import gives the same tables cell by cell, and the
prose sections back (PDF text is compared without spaces: the PDF keeps none of the original
spacing after full-width punctuation). One table is made to run over three pages.
Needs `soffice` and `pdftoppm` (Debian libreoffice-writer, poppler-utils; .ci/run installs them).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from draftbot.datafile import load_report
from draftbot.model import SECTION_KEYS, Report
from draftbot.published import ReportImportError, import_report, legacy
from draftbot.tables import report_grids
from draftbot.word import build_docx
from portal_pages import report_2019

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _require(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must have {', '.join(missing)} (see .ci/run)")
    pytest.skip(f"{', '.join(missing)} not installed on this machine")


def sources() -> dict[str, Report]:
    reports = {name: load_report(EXAMPLES / f"{name}.yaml") for name in EXAMPLE_NAMES}
    reports["format-2019"] = report_2019()
    return reports


def _tall_table3(data: bytes) -> bytes:
    """The .docx with 表三's rows made tall, so that LibreOffice breaks it over pages."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(content)
                table3 = list(root.iter(f"{{{W}}}tbl"))[1]
                for trpr in table3.iter(f"{{{W}}}trPr"):
                    height = etree.SubElement(trpr, f"{{{W}}}trHeight")
                    height.set(f"{{{W}}}val", "700")
                    height.set(f"{{{W}}}hRule", "atLeast")
                content = etree.tostring(root)
            target.writestr(info.filename, content)
    return out.getvalue()


def _soffice(folder: Path, target: str, files: list[Path]) -> None:
    command = [
        "soffice",
        f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(folder),
        *map(str, files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    for path in files:
        made = folder / f"{path.stem}.{target.split(':')[0]}"
        assert made.exists(), f"soffice did not convert {path}: {done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each source as .docx, .pdf and .doc (plus a split-table PDF), in two soffice runs."""
    _require("soffice")
    folder = tmp_path_factory.mktemp("converted")
    docx_files = []
    for name, report in sources().items():
        path = folder / f"{name}.docx"
        path.write_bytes(build_docx(report, force=True).data)
        docx_files.append(path)
    split = folder / "split-table3.docx"
    split.write_bytes(_tall_table3((folder / "busy-2023.docx").read_bytes()))
    line_ends = folder / "line-end-punctuation.docx"
    line_ends.write_bytes(build_docx(_punctuation_at_line_ends(), force=True).data)
    _soffice(folder, "pdf", [*docx_files, split, line_ends])
    _soffice(folder, "doc", [path for path in docx_files if path.stem in DOC_NAMES])
    return folder


PUNCTUATION = "，、；：。）”"


def _punctuation_at_line_ends() -> Report:
    """The seed report with one section made of paragraphs whose line ends fall on every
    character of a sentence in turn, so some full-width mark lands at the right margin."""
    report = sources()["seed-2022-as-published"]
    lead = "我局依法做好政府信息公开工作并及时更新相关栏目内容"
    marks = ["部门文件、", "部门文件；", "部门文件：", "（部门文件）", "“部门文件”"]
    paragraphs = [
        f"{lead[:shift]}本年度，我局主动公开政府信息{count}条。其中，{mark}法规规章5条，"
        f"市级文件政策解读{count}条，工作计划和总结5条。"
        for shift in range(len(lead))
        for count, mark in zip(("3", "13", "213", "7"), (marks * 2)[shift % 5 :], strict=False)
    ]
    narrative = report.narrative.model_copy(update={"overview_proactive": "\n".join(paragraphs)})
    return report.model_copy(update={"narrative": narrative})


def test_full_width_punctuation_at_a_line_end_is_printed(converted: Path) -> None:
    """LibreOffice dropped a full-width comma that fell at a line end unless the paragraph
    lets punctuation hang past the margin (w:overflowPunct); every mark must reach the PDF."""
    docx = zipfile.ZipFile(converted / "line-end-punctuation.docx")
    written = "".join(etree.fromstring(docx.read("word/document.xml")).itertext())
    with pdfplumber.open(converted / "line-end-punctuation.pdf") as pdf:
        printed = "".join(page.extract_text() or "" for page in pdf.pages)
    assert {mark: printed.count(mark) for mark in PUNCTUATION} == {
        mark: written.count(mark) for mark in PUNCTUATION
    }


def assert_same_tables(back: Report, source: Report) -> None:
    assert back.meta.agency == source.meta.agency
    assert back.meta.report_year == source.meta.report_year
    assert back.format_version == source.format_version
    assert [g.matrix() for g in report_grids(back)] == [g.matrix() for g in report_grids(source)]


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", [*EXAMPLE_NAMES, "format-2019"])
def test_pdf_round_trip_is_the_identity_for_the_tables(converted: Path, name: str) -> None:
    source = sources()[name]
    result = import_report(converted / f"{name}.pdf")
    assert_same_tables(result.report, source)
    assert result.findings == []
    for key in SECTION_KEYS:
        assert _bare(getattr(result.report.narrative, key)) == _bare(
            getattr(source.narrative, key)
        ), key
    assert result.report.meta.publish_date == source.meta.publish_date


def test_table_running_over_three_pages_is_joined(converted: Path) -> None:
    path = converted / "split-table3.pdf"
    with pdfplumber.open(path) as pdf:
        pages_with_tables = sum(1 for page in pdf.pages if page.find_tables())
    assert pages_with_tables >= 4  # 表二, 表三 on two pages or more, 表四
    result = import_report(path)
    assert_same_tables(result.report, sources()["busy-2023"])
    assert result.findings == []


DOC_NAMES = ("busy-2023", "seed-2022-as-published", "format-2019")  # each run starts LibreOffice


@pytest.mark.parametrize("name", DOC_NAMES)
def test_doc_made_by_libreoffice_imports(converted: Path, name: str) -> None:
    source = sources()[name]
    result = import_report(converted / f"{name}.doc")
    assert_same_tables(result.report, source)
    for key in SECTION_KEYS:
        assert getattr(result.report.narrative, key) == getattr(source.narrative, key).strip()


def test_wps_file_is_converted_the_same_way(converted: Path, tmp_path: Path) -> None:
    wps = tmp_path / "上年报告.wps"
    shutil.copy(converted / "busy-2023.doc", wps)
    result = import_report(wps)
    assert_same_tables(result.report, sources()["busy-2023"])
    assert result.report.source.file == "上年报告.wps"


def test_doc_without_libreoffice_says_what_to_do(
    converted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(legacy, "find_office", lambda: None)
    with pytest.raises(
        ReportImportError, match=r"本机没有安装 LibreOffice；请用 Word 或 WPS 打开后另存为 \.docx"
    ):
        import_report(converted / "busy-2023.doc")


def test_damaged_doc_is_a_message(tmp_path: Path) -> None:
    _require("soffice")
    bad = tmp_path / "坏.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ReportImportError, match="LibreOffice 无法转换这个文件"):
        import_report(bad)


# --- PDFs that cannot be read --------------------------------------------------------------------


def _image_pdf(gray: bytes, width: int, height: int) -> bytes:
    """A one-page PDF that is only a grey-scale picture, as a scanner makes it."""
    pixels = zlib.compress(gray)
    content = f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
        "/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
        f"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
        f"/Length {len(pixels)} >>\nstream\n".encode()
        + pixels
        + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_scanned_pdf_is_named_as_having_no_text_layer(converted: Path, tmp_path: Path) -> None:
    _require("pdftoppm")
    prefix = tmp_path / "page"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-gray",
            "-f",
            "3",
            "-l",
            "3",
            str(converted / "busy-2023.pdf"),
            str(prefix),
        ],
        check=True,
        capture_output=True,
    )
    pgm = next(tmp_path.glob("page*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", pgm)
    width, height = int(header.group(1)), int(header.group(2))
    scan = _image_pdf(pgm[header.end() :], width, height)
    with pytest.raises(ReportImportError, match="没有文字层（可能是扫描件或图片）"):
        import_report(scan, filename="扫描件.pdf")


def test_damaged_pdf_is_a_message() -> None:
    with pytest.raises(ReportImportError, match="PDF 文件已损坏"):
        import_report(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", filename="x.pdf")


def test_pdf_reading_is_bounded_in_time(converted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from draftbot.published import pdf

    monkeypatch.setattr(pdf, "MAX_PDF_SECONDS", -1)
    with pytest.raises(ReportImportError, match="PDF 读取超过 -1 秒仍未完成，已停止"):
        import_report(converted / "busy-2023.pdf")
