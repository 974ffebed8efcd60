"""Safe reading of zip containers (.zip of reports, .xlsx) before anything unpacks them.

Limits follow the Python docs' "Decompression pitfalls": number of members, the sum of the
declared sizes, and the compression ratio of large members (zip bombs). Every refusal is a
`ZipRefused` with a Chinese reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import zipfile
from pathlib import PurePosixPath

from .errors import DraftbotError

MAX_MEMBERS = 5000
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


class ZipRefused(DraftbotError):
    """A container that is not a readable zip or exceeds a limit; the message is Chinese."""


def open_zip(data: bytes, *, max_members: int = MAX_MEMBERS) -> zipfile.ZipFile:
    """A `ZipFile` over `data` after checking the limits; raises `ZipRefused`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ZipRefused("文件已损坏或不是 zip 压缩包") from None
    if len(members) > max_members:
        raise ZipRefused(f"包含的文件过多（超过 {max_members} 个）")
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise ZipRefused("解压后体积过大")
    for member in members:
        if member.file_size > MAX_MEMBER_BYTES:
            raise ZipRefused(f"其中的 {member.filename} 解压后过大")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
            raise ZipRefused("压缩比异常（疑似压缩炸弹）")
    return archive


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than its declared size; raises `ZipRefused`."""
    try:
        with archive.open(member) as handle:
            data = handle.read(member.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise ZipRefused(f"其中的 {member.filename} 已损坏或加了密码") from None
    if len(data) > member.file_size:
        raise ZipRefused(f"其中的 {member.filename} 大小与声明不符")
    return data


def member_name(member: zipfile.ZipInfo) -> str | None:
    """The member's path for display (GBK names of Chinese Windows zips decoded), or None
    for folders, hidden files and paths that climb out of the archive."""
    name = member.filename
    if not member.flag_bits & 0x800:  # no UTF-8 flag: cp437 per the zip spec, often really GBK
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    path = PurePosixPath(name.replace("\\", "/"))
    if member.is_dir() or ".." in path.parts or path.is_absolute():
        return None
    if any(part.startswith((".", "__MACOSX")) for part in path.parts):
        return None
    return str(path)


def stable_package(data: bytes, when: dt.datetime) -> bytes:
    """The same Office package (.docx/.xlsx) with every timestamp set to `when`: the zip
    members' dates and docProps/core.xml's created/modified. Equal content, equal bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    # compresslevel 1: the rewrite costs a third of the default level, files grow a few %.
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "docProps/core.xml":
                content = _CORE_TIME_RE.sub(rb"\g<1>" + stamp + rb"\2", content)
            info = zipfile.ZipInfo(member.filename, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, content)
    return out.getvalue()


_CORE_TIME_RE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)")
