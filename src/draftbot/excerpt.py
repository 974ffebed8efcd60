"""Quoting what the user typed back in a message: short, and with invisible characters shown.

A message that echoes the input must stay small whatever the input (a 3 MB value is quoted as
its first characters and its length) and must show characters the eye cannot see: `1\u200b000`
is quoted as `1〔零宽空格〕000`, so the clerk can find and delete it (docs/limits.md).
"""

from __future__ import annotations

import unicodedata

MAX_EXCERPT_CHARS = 40

_INVISIBLE_NAMES = {
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "零宽不换行空格",
    "\ufeff": "零宽不换行空格",
    "\u00a0": "不换行空格",
    "\u3000": "全角空格",
    "\t": "制表符",
    "\n": "换行",
    "\r": "回车",
}


def excerpt(value: object, limit: int = MAX_EXCERPT_CHARS) -> str:
    """`value` as text of at most `limit` visible characters (plus a length note when cut),
    with zero-width, control and other invisible characters written out as 〔名称〕."""
    text = str(value)
    cut = len(text) > limit
    shown = "".join(_visible(ch) for ch in text[:limit])
    return f"{shown}…（共 {len(text)} 个字符）" if cut else shown


def _visible(ch: str) -> str:
    name = _INVISIBLE_NAMES.get(ch)
    if name is not None:
        return f"〔{name}〕"
    if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
        return f"〔U+{ord(ch):04X}〕"
    return ch
