"""Word → PDF through LibreOffice (`soffice --headless`), for exports.

LibreOffice is found as `published.legacy` finds it (which converts .doc/.wps for import).
One `soffice` run converts many files (starting LibreOffice costs seconds; each file then
takes a fraction of a second). A private profile folder keeps it from clashing with a
LibreOffice the user has open.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import DraftbotError

TIMEOUT_S = 60.0  # per file, on top of a fixed start-up allowance
START_S = 60.0


class PdfError(DraftbotError):
    """PDF conversion is not possible; the message (Chinese) says why and what to do."""


def soffice_path() -> str:
    """The LibreOffice command; raises `PdfError` when it is not installed."""
    from .published.legacy import find_office

    path = find_office()
    if path is None:
        raise PdfError(
            "导出 PDF 需要 LibreOffice（soffice 命令），本机没有安装；"
            "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer）或只导出 Word"
        )
    return path


def convert_to_pdf(docs: Sequence[Path], folder: Path) -> dict[Path, Path | None]:
    """Convert every .docx into `folder`; maps each input to its PDF, or None if it failed.

    Raises `PdfError` when LibreOffice is missing or does not finish in time.
    """
    if not docs:
        return {}
    command = soffice_path()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="draftbot-lo-") as profile:
        args = [
            command,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, docs),
        ]
        try:
            subprocess.run(
                args,
                capture_output=True,
                timeout=START_S + TIMEOUT_S * len(docs),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PdfError("LibreOffice 转换 PDF 超时；请减少一次转换的文件数量后重试") from None
        except OSError as exc:
            raise PdfError(f"无法运行 LibreOffice：{exc.strerror}") from None
    out: dict[Path, Path | None] = {}
    for doc in docs:
        pdf = folder / (doc.stem + ".pdf")
        out[doc] = pdf if pdf.exists() and pdf.stat().st_size > 0 else None
    return out


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF of one .docx (bytes → bytes), for `draftbot export --pdf` and the web download.

    Raises `PdfError` when LibreOffice is missing, too slow, or makes no PDF.
    """
    with tempfile.TemporaryDirectory(prefix="draftbot-pdf-") as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(data)
        pdf = convert_to_pdf([source], Path(folder) / "out")[source]
        if pdf is None:
            raise PdfError(
                "LibreOffice 未能生成 PDF；请关闭正在运行的 LibreOffice 后重试，"
                "或先导出 Word 文档再另存为 PDF"
            )
        return pdf.read_bytes()
