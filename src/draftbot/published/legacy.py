"""Legacy Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice when installed.

LibreOffice runs headless in a private temporary profile, in its own process group, and is
stopped after `CONVERT_TIMEOUT_S`; nothing else on the machine is touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .document import PublishedDocument, ReportImportError

CONVERT_TIMEOUT_S = 120
_NO_OFFICE = (
    "这是旧版 Word（.doc）或 WPS（.wps）文件，需要 LibreOffice 转换，但本机没有安装 LibreOffice；"
    "请用 Word 或 WPS 打开后另存为 .docx 再导入（或安装 LibreOffice 后重试）"
)


def find_office() -> str | None:
    """The LibreOffice command (`soffice` or `libreoffice`) on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str = ".doc", timeout: float = CONVERT_TIMEOUT_S) -> bytes:
    """The .docx bytes LibreOffice makes of a .doc/.wps.

    Raises `ReportImportError` when LibreOffice is missing, fails or takes too long.
    """
    office = find_office()
    if office is None:
        raise ReportImportError(_NO_OFFICE)
    with tempfile.TemporaryDirectory(prefix="draftbot-convert-") as folder:
        work = Path(folder)
        source = work / f"report{suffix}"
        source.write_bytes(data)
        out = work / "out"
        command = [
            office,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ]
        _run(command, timeout)
        result = out / "report.docx"
        if not result.exists():
            raise ReportImportError(
                "LibreOffice 无法转换这个文件（可能已损坏或设有密码）；"
                "请用 Word 或 WPS 打开后另存为 .docx 再导入"
            )
        return result.read_bytes()


def _run(command: list[str], timeout: float) -> None:
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise ReportImportError(
            f"LibreOffice 转换超过 {int(timeout)} 秒仍未完成，已停止；"
            "请用 Word 或 WPS 打开后另存为 .docx 再导入"
        ) from None


def read_legacy(data: bytes, filename: str = "") -> PublishedDocument:
    """Paragraphs and tables of a .doc/.wps, read from LibreOffice's .docx of it."""
    from .docx import read_docx

    suffix = ".wps" if filename.lower().endswith(".wps") else ".doc"
    document = read_docx(convert_to_docx(data, suffix))
    document.kind = suffix.lstrip(".")
    return document
