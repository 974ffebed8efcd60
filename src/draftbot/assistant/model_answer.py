"""The model path for rules questions: retrieved rules + fact sheet + question → a checked answer.

The rules, the report's facts and the clerk's words each go in as fenced material (never as
instructions). The answer is accepted only after two checks: every rule id it cites exists
(non-existent ids are removed and the retrieved rules cited instead, with a note), and every
number in it is a number of this report's data or of the cited rules (else the rules are
quoted verbatim instead, with a note). Timeouts, retries and faults are the drafting ones;
any failure falls back to the offline answer with the cause said.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..claims import find_claims
from ..drafting.guard import ungrounded_claims
from ..drafting.prompts import fence
from ..facts import build_fact_sheet
from ..model import Report
from ..resources import bundled_dir
from .reply import RULE_ID_IN_TEXT, Reply, _with_note
from .retrieval import Retrieval
from .rules import RuleBook

MAX_RULES_IN_PROMPT = 6
# The model cannot change anything; an answer claiming it did (an obeyed injection) is refused.
_ACTION_CLAIM = re.compile(
    r"已(?:经)?(?:为您|帮您|替您)?(?:将|把)?[^。；\n]{0,30}?(?:改为|改成|修改|更改|保存|删除|清零|更新|调整为)"
)


def system_prompt(settings: Any) -> str:
    """`assistant/system.md` from the user's prompts folder if present, else the bundled one."""
    override = getattr(settings, "prompts_dir", None)
    for folder in (Path(override) if override else None, bundled_dir("prompts")):
        if folder is not None and (folder / "assistant" / "system.md").is_file():
            return (folder / "assistant" / "system.md").read_text(encoding="utf-8")
    raise FileNotFoundError("找不到助手的提示词 assistant/system.md")


def messages_for(
    settings: Any, book: RuleBook, report: Report, question: str, retrieval: Retrieval
) -> list[tuple[str, str]]:
    """The system prompt and one human message holding the three fenced materials."""
    rules = [hit.rule for hit in retrieval.hits]
    for rule_id in (i for r in list(rules) for i in r.related):
        if len(rules) < MAX_RULES_IN_PROMPT and (extra := book.get(rule_id)) and extra not in rules:
            rules.append(extra)
    sheet = build_fact_sheet(report)
    facts = "\n".join([f"报告：{report.meta.agency}{report.meta.report_year}年度", *sheet.lines()])
    human = "\n\n".join(
        [
            fence("填报规则", "\n".join(r.quoted() for r in rules) or "（没有检索到相关规则）"),
            fence("本报告的数据", facts),
            fence("经办人的问题", question),
            "请按系统提示的要求回答经办人的问题，并用 [编号] 注明依据的规则。",
        ]
    )
    return [("system", system_prompt(settings)), ("human", human)]


def model_rules_answer(
    settings: Any,
    book: RuleBook,
    report: Report,
    question: str,
    retrieval: Retrieval,
    offline: Any,
    count_calls: Callable[[int], None],
) -> Any:
    """The model's answer, checked; `offline` (a Reply) is returned with a note on any failure.
    The HTTP calls paid are passed to `count_calls` (the per-day cap)."""
    from ..drafting.aio import run_sync
    from ..drafting.llm import LLMError, complete

    messages = messages_for(settings, book, report, question, retrieval)

    async def call() -> Any:
        deadline = asyncio.get_running_loop().time() + settings.section_deadline
        return await complete(settings, messages, deadline=deadline)

    try:
        completion = run_sync(call())
    except LLMError as exc:
        count_calls(1)
        return _with_note(offline, f"大模型未能回答（{exc.cause}），以下为规则原文")
    calls = max(1, completion.calls)
    count_calls(calls)
    text, notes = completion.text.strip(), []

    cited = list(dict.fromkeys(m.group(1) for m in RULE_ID_IN_TEXT.finditer(text)))
    unknown = [i for i in cited if book.get(i) is None]
    if unknown:
        for rule_id in unknown:
            text = text.replace(f"[{rule_id}]", "").replace(rule_id, "")
        notes.append(f"模型引用了不存在的规则编号 {'、'.join(unknown)}，已删去，并附上检索到的规则")
    valid = [i for i in cited if book.get(i) is not None]
    if not valid:
        valid = list(retrieval.ids)
    wrong = unmatched_numbers(text, report, [book.get(i) for i in valid])
    note = ""
    if _ACTION_CLAIM.search(text):
        note = "模型的回答声称修改了数据；助手不能修改表格（修改须由您确认），已改用规则原文"
    elif wrong:
        note = (
            f"模型回答中的数字 {'、'.join(wrong)} 在本报告数据和所引规则中都找不到，已改用规则原文"
        )
    if note:
        reply = _with_note(offline, note)
        return Reply(
            reply.kind, reply.text, reply.rule_ids, reply.cells, None, reply.source,
            reply.notes, calls,
        )  # fmt: skip
    rules_text = "\n".join(r.quoted() for i in valid if (r := book.get(i)) is not None)
    kind = "not_covered" if text.startswith("规则中没有相关规定") else "rules"
    body = f"{text}\n\n所引规则：\n{rules_text}" if rules_text else text
    return Reply(kind, body, tuple(valid), (), None, settings.model_name, tuple(notes), calls)


def unmatched_numbers(text: str, report: Report, rules: list[Any]) -> list[str]:
    """Quantities in `text` that neither this report's data bears out nor the cited rules say.

    The same claims check as drafted prose (`drafting.guard.ungrounded_claims`): a number is
    checked against the quantity its sentence speaks of, so a figure that exists elsewhere in
    the data with another meaning is still caught. Numbers written in the cited rules (fee
    thresholds, periods) are allowed as quoted. Returns the offending number texts, each once.
    """
    text = RULE_ID_IN_TEXT.sub("", text)  # rule ids are not quantities
    sheet = build_fact_sheet(report)
    from_rules: set[Decimal] = set()
    for rule in rules:
        if rule is not None:
            from_rules.update(c.value for c in find_claims(f"{rule.title}。{rule.text}"))
    out: dict[str, None] = {}
    for item in ungrounded_claims(text, sheet):
        values = {c.value for c in find_claims(item.text)}
        if values and values <= from_rules:
            continue
        out.setdefault(item.text, None)
    return list(out)
