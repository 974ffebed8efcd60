"""Turning a model's answer into plain section text: no reasoning, no markdown, no chat,
no heading.

Reasoning models (DeepSeek-R1, QwQ, Qwen3 behind Ollama or vLLM) put their thinking in a
`<think>…</think>` block before the answer, sometimes without the opening tag, sometimes
empty; `strip_reasoning` removes it before anything else looks at the text. (A
`reasoning_content` field next to the answer never reaches the text: the client reads only
`content`.) Each non-empty line of the result is one paragraph (the exporter makes it so).
"""

from __future__ import annotations

import re

from ..claims import TRADITIONAL_TO_SIMPLIFIED
from ..text import without_control

_FENCE = re.compile(r"^\s*```.*$", re.M)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_BULLET = re.compile(r"^\s*[-*+•·▪●]\s+")
_NUMBERED = re.compile(r"^\s*(\d+)[.)．]\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(.+?)\1")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_PREAMBLE = re.compile(
    r"^(?:好的|好|当然|没问题|以下是|下面是|根据您?(?:提供|给出)的|根据(?:上述|以上)|"
    r"我(?:将|已|来)|这是|Sure|OK|Okay|Here)[^。\n]{0,60}?[：:]\s*$",
    re.I,
)
_PREAMBLE_INLINE = re.compile(
    r"^(?:好的|当然|没问题)[，,！!。]\s*(?:以下是[^。：:\n]{0,40}[：:。])?\s*"
)
_SIGN_OFF = re.compile(
    r"^(?:以上(?:是|为|内容)|如(?:需|果需要|有需要)|希望|请(?:根据|核对|审阅)|注[：:]|说明[：:]|备注[：:])"
)
_INDENT = re.compile(r"^[\s\u3000]+")
_REASONING_TAGS = r"(?:think|thinking|reasoning|reflection)"
_REASONING_BLOCK = re.compile(rf"<{_REASONING_TAGS}\b[^>]*>.*?</{_REASONING_TAGS}\s*>", re.I | re.S)
_REASONING_CLOSE = re.compile(rf"</{_REASONING_TAGS}\s*>", re.I)
_REASONING_OPEN = re.compile(rf"<{_REASONING_TAGS}\b[^>]*>", re.I)


def strip_reasoning(text: str) -> str:
    """The answer without its reasoning block, in every form models send it.

    `<think>…</think>` blocks (also empty ones) are removed; a lone `</think>` means the
    opening tag was left out, so everything before it is reasoning; an opening tag that is
    never closed means the answer is all reasoning and nothing is left.
    """
    text = _REASONING_BLOCK.sub("", text)
    closes = list(_REASONING_CLOSE.finditer(text))
    if closes:
        text = text[closes[-1].end() :]
    opened = _REASONING_OPEN.search(text)
    if opened:
        text = text[: opened.start()]
    return text


class VisibleStream:
    """What to show of a streamed answer while it arrives: reasoning blocks never appear.

    `feed(piece)` returns (restart, text): when a lone `</think>` shows that the text shown
    so far was reasoning, `restart` is True and `text` is everything visible from scratch;
    otherwise `text` is the newly visible part. A tag still being typed (`<thi`) is held back.
    """

    def __init__(self) -> None:
        self._raw = ""
        self._shown = ""

    def feed(self, piece: str) -> tuple[bool, str]:
        self._raw += piece
        raw = self._raw
        cut = raw.rfind("<")
        if cut >= 0 and ">" not in raw[cut:] and len(raw) - cut <= 12:
            raw = raw[:cut]  # perhaps the start of a tag
        visible = strip_reasoning(raw)
        if visible.startswith(self._shown):
            new, self._shown = visible[len(self._shown) :], visible
            return False, new
        self._shown = visible
        return True, visible

    def reset(self) -> None:
        self._raw = self._shown = ""


def clean_model_text(text: str, heading: str = "") -> str:
    """Plain paragraphs: reasoning blocks, markdown, chatty preamble/sign-off and a repeated
    heading removed."""
    text = strip_reasoning(text)
    text = without_control(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _FENCE.sub("", text)
    lines = [_clean_line(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    lines = _drop_chat(lines)
    if lines and heading and _is_heading(lines[0], heading):
        lines = lines[1:]
    return "\n".join(lines)


def _clean_line(line: str) -> str:
    if _RULE.match(line):
        return ""
    if _HEADING.match(line):
        bare = _HEADING.sub("", line).strip("*_ ")
        if len(bare) <= 30 and not bare.endswith(("。", "；", "！")):
            return ""  # a markdown heading: the exporter prints the real headings
        line = bare
    line = _QUOTE.sub("", line)
    line = _BULLET.sub("", line)
    line = _NUMBERED.sub(r"\1.", line)
    for _ in range(2):
        line = _EMPHASIS.sub(r"\2", line)
    line = line.replace("**", "")
    return _INDENT.sub("", line).rstrip()


def _drop_chat(lines: list[str]) -> list[str]:
    if lines and _PREAMBLE.match(lines[0]):
        lines = lines[1:]
    if lines:
        lines[0] = _PREAMBLE_INLINE.sub("", lines[0])
    while lines and _SIGN_OFF.match(lines[-1]):
        lines = lines[:-1]
    return [line for line in lines if line]


def _is_heading(line: str, heading: str) -> bool:
    bare = re.sub(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[)）]", "", heading)
    stripped = line.strip("：: ")
    return stripped in (heading, bare) or (len(stripped) <= len(heading) + 2 and bare in stripped)


# Characters that exist only in traditional writing (their simplified forms differ), common in
# report prose; `claims` reads them as their simplified forms (`TRADITIONAL_TO_SIMPLIFIED`).
_TRADITIONAL = frozenset(TRADITIONAL_TO_SIMPLIFIED)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def script_problem(text: str) -> str:
    """“英文” when the text is mostly English words, “繁体字” when it uses traditional
    characters (three or more), else "": a report is written in simplified Chinese."""
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    cjk = len(_CJK.findall(text))
    if latin > 20 and latin > cjk:
        return "英文"
    if sum(ch in _TRADITIONAL for ch in text) >= 3:
        return "繁体字"
    return ""
