"""PDF through LibreOffice: the only module that runs `soffice`.

`docx_to_pdf(data)` converts .docx bytes in a private temporary folder with its own
LibreOffice profile (so a LibreOffice the user has open is not disturbed) and returns the
PDF bytes. Nothing leaves the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERT_TIMEOUT_S = 180
SOFFICE_NAMES = ("soffice", "libreoffice")
_INSTALL_HINT = (
    "导出 PDF 需要 LibreOffice：请安装 LibreOffice（Debian/Ubuntu：sudo apt-get install "
    "libreoffice-writer；Windows/macOS：从 libreoffice.org 下载），或设置 DRAFTBOT_SOFFICE 为 "
    "soffice 程序的路径；也可以先导出 Word 文档，在 Word/WPS 中另存为 PDF"
)


class PdfUnavailable(Exception):
    """LibreOffice is not installed (or DRAFTBOT_SOFFICE points nowhere); the message says what to do."""


class PdfFailed(Exception):
    """LibreOffice ran but produced no PDF (timeout, crash); the message says what to do."""


def find_soffice() -> str | None:
    """The soffice program: DRAFTBOT_SOFFICE if set and executable, else on PATH; or None."""
    configured = os.environ.get("DRAFTBOT_SOFFICE", "").strip()
    if configured:
        return configured if shutil.which(configured) else None
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def docx_to_pdf(data: bytes, *, timeout_s: float = CONVERT_TIMEOUT_S) -> bytes:
    """The PDF of a .docx (bytes → bytes).

    Raises `PdfUnavailable` without LibreOffice, `PdfFailed` when the conversion fails or
    takes longer than `timeout_s` seconds.
    """
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable(_INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="draftbot-pdf-") as folder:
        work = Path(folder)
        source = work / "report.docx"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout_s, check=False, cwd=work)
        except subprocess.TimeoutExpired:
            raise PdfFailed(
                f"LibreOffice 在 {int(timeout_s)} 秒内未完成转换；请稍后重试，或先导出 Word 文档"
                "再另存为 PDF"
            ) from None
        except OSError as exc:
            raise PdfUnavailable(f"无法运行 {soffice}（{exc.strerror}）。{_INSTALL_HINT}") from None
        target = work / "report.pdf"
        if not target.is_file() or target.stat().st_size == 0:
            raise PdfFailed(
                "LibreOffice 未能生成 PDF；请关闭正在运行的 LibreOffice 后重试，或先导出 Word 文档"
                "再另存为 PDF"
            )
        return target.read_bytes()
