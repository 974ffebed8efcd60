"""One turn of the assistant: the clerk's words → a reply (rules cited, report explained, or a
change proposed for confirmation). The CLI and the web call `answer` and `confirm`.

Routing, all deterministic: a question about a finding ("为什么表三不平衡？") → the findings
explained from the data; a statement of figures or a correction → a proposal (never applied
here); a question for a figure ("去年结转几件？") → the data; anything else → the rules. For
the rules, a configured model gets the retrieved rules, the report's fact sheet and the
question, each fenced as material; its answer may cite only existing rule ids (others are
removed and the retrieved ids cited instead) and use only numbers of the data or the cited
rules (else the rules are quoted verbatim instead). Calls are capped per report and per day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..drafting.calls import ASSISTANT, Clock, DailyCalls, day_start, utc_now
from ..model import Report
from ..store import StoreError
from .changes import (
    Apply,
    ChangeError,
    ChangeProposal,
    apply_proposal,
    looks_like_change,
    propose_change,
)
from .conversation import Conversation
from .reply import Reply, _with_note
from .report_answers import (
    answer_from_data,
    explain_findings,
    is_data_question,
    is_finding_question,
)
from .retrieval import Retrieval, index_for
from .rules import RuleBook, load_rules

NOT_COVERED = "规则中没有相关规定"
MAX_QUESTION_CHARS = 2000
_QUESTION_CUES = re.compile(
    r"[?？]|吗|呢|怎么|如何|为什么|哪|什么|几|多少|是否|能不能|要不要|可不可以"
)


@dataclass
class Assistant:
    """The assistant for one report; `settings` with an LLM endpoint enable the model path."""

    book: RuleBook = field(default_factory=load_rules)
    settings: Any = None
    conversation: Conversation | None = None
    clock: Clock = utc_now  # the current aware time, for the day of the caps (tests inject it)

    # --- one turn ---------------------------------------------------------------------------

    def answer(self, report: Report, message: str) -> Reply:
        """The reply to `message` about `report`; nothing in the report is changed."""
        text = message.strip()
        if not text:
            return Reply("error", "请输入问题，或说明要修改的数字。")
        if len(text) > MAX_QUESTION_CHARS:
            return Reply(
                "error",
                f"这段话有 {len(text)} 字，超过了 {MAX_QUESTION_CHARS} 字；请分几次提问（原文已保存在对话记录中）。",
            )
        if is_finding_question(text):
            return self._findings(report, text)
        if looks_like_change(text) and not _QUESTION_CUES.search(text):
            return self._proposal(report, text)
        if is_data_question(text):
            data = answer_from_data(report, text)
            if data is not None:
                rules = self._rules_for_cells([c.path for c in data.cells])
                return Reply("data", data.text, rules, data.cells)
        return self._rules_answer(report, text)

    def ask(self, report: Report, message: str) -> Reply:
        """`answer`, with the clerk's words stored first and the reply after (if a conversation)."""
        if self.conversation is not None:
            self.conversation.append("clerk", message)
        reply = self.answer(report, message)
        if self.conversation is not None:
            self.conversation.append("assistant", reply.text, **reply.to_entry())
        return reply

    def confirm(self, report: Report, proposal_id: str, apply: Apply | None = None) -> Report:
        """The report with the stored proposal applied (through `apply`, the caller's edit path,
        if given); the caller saves it.

        Raises ChangeError (StaleProposal when the tables changed since) with a Chinese message;
        a refused or applied proposal is settled in the conversation and cannot be used again.
        """
        if self.conversation is None:
            raise ChangeError("没有对话记录，无法确认修改")
        data = self.conversation.proposal(proposal_id)
        if data is None:
            raise ChangeError("这项修改建议不存在，或已经确认、放弃过；请重新提出")
        proposal = ChangeProposal.from_dict(data)
        try:
            updated = apply_proposal(report, proposal, apply)
        except ChangeError as exc:
            self.conversation.append("system", str(exc), settles=proposal_id, status="refused")
            raise
        return updated

    def record_applied(self, proposal_id: str, version: int | None = None) -> None:
        """Note in the conversation that the proposal was saved (at store `version`, if any)."""
        if self.conversation is not None:
            where = f"（第 {version} 版）" if version is not None else ""
            self.conversation.append(
                "system",
                f"已按确认修改并保存{where}。",
                settles=proposal_id,
                status="applied",
                version=version,
            )

    def dismiss(self, proposal_id: str) -> None:
        """Note that the clerk declined the proposal; it can no longer be confirmed."""
        if self.conversation is not None:
            self.conversation.append(
                "system", "已放弃这项修改。", settles=proposal_id, status="dismissed"
            )

    # --- kinds of answer --------------------------------------------------------------------

    def _findings(self, report: Report, text: str) -> Reply:
        codes: dict[str, list[str]] = {}
        for rule in self.book.rules:
            for code in rule.checks:
                codes.setdefault(code, []).append(rule.id)
        explanations = explain_findings(report, text, codes)
        if not explanations:
            retrieval = index_for(self.book).search(text)
            return Reply(
                "finding",
                "本报告目前没有这方面的检查问题：各项检查都已通过。"
                + _closest(retrieval, "相关规则"),
                tuple(retrieval.ids),
            )
        body = "\n\n".join(e.text() for e in explanations)
        rule_ids = tuple(dict.fromkeys(r for e in explanations for r in e.rule_ids))
        cells = tuple(dict.fromkeys(c for e in explanations for c in e.cells))
        cited = self._quote(rule_ids)
        return Reply("finding", body + (f"\n\n依据：\n{cited}" if cited else ""), rule_ids, cells)

    def _proposal(self, report: Report, text: str) -> Reply:
        cap = self._cap_reason() if _llm_on(self.settings) else ""
        settings = None if cap else self.settings
        prompt = self._extraction_prompt() if settings is not None else ""
        try:
            proposal = propose_change(report, text, settings, prompt)
        except ChangeError as exc:
            return Reply("error", str(exc))
        self._count_calls(proposal.model_calls)
        notes = (
            *proposal.notes,
            *([cap.replace("以下为规则原文", "已改用离线规则识别")] if cap else []),
        )
        if not proposal.changes:
            reasons = "；".join(proposal.unplaced) or "没有找到要修改的单元格和数字"
            return Reply(
                "error",
                f"没能从这句话确定要修改的单元格（{reasons}）。请写明表、行和件数，"
                "如“予以公开改为5件，都是自然人”。",
                notes=notes,
                model_calls=proposal.model_calls,
            )
        lines = [f"{c.location}：{c.before} → {c.after}" for c in proposal.changes]
        text_out = "建议这样修改（确认后才会保存）：\n" + "\n".join(lines)
        if proposal.unplaced:
            text_out += "\n未采用：" + "；".join(proposal.unplaced)
        return Reply(
            "proposal", text_out, self._rules_for_cells([c.path for c in proposal.changes]),
            proposal=proposal, notes=notes, source=proposal.parser, model_calls=proposal.model_calls,
        )  # fmt: skip

    def _rules_answer(self, report: Report, text: str) -> Reply:
        retrieval = index_for(self.book).search(text)
        offline = _offline_rules_reply(self.book, retrieval)
        if not _llm_on(self.settings):
            return offline
        cap = self._cap_reason()
        if cap:
            return _with_note(offline, cap)
        from .model_answer import model_rules_answer

        return model_rules_answer(
            self.settings, self.book, report, text, retrieval, offline, self._count_calls
        )

    # --- helpers ------------------------------------------------------------------------------

    def _quote(self, rule_ids: tuple[str, ...]) -> str:
        return "\n".join(r.quoted() for i in rule_ids if (r := self.book.get(i)) is not None)

    def _rules_for_cells(self, paths: list[str]) -> tuple[str, ...]:
        """The row rules (T2-R/T3-R/T4-R) about these cells, in rule order; rules about a whole
        table only when no rule names the rows."""
        row_rules = [r for r in self.book.rules if r.id.startswith(("T2-R", "T3-R", "T4-R"))]
        for specific in (True, False):
            found = [
                rule.id
                for rule in row_rules
                if any(
                    p.startswith(c + ".") and ("." in c) == specific
                    for p in paths
                    for c in rule.cells
                )
            ]
            if found:
                return tuple(found)
        return ()

    def _extraction_prompt(self) -> str:
        if not _llm_on(self.settings):
            return ""
        from ..questions import load_bank

        return load_bank().freetext.system_prompt

    def _cap_reason(self) -> str:
        """Why the model may not be asked now (a Chinese note), or "" when it may."""
        per_report = int(getattr(self.settings, "assistant_calls_per_report", 50))
        today = day_start(self.clock())
        if self.conversation is not None and self.conversation.calls_since(today) >= per_report:
            return f"本报告今天向大模型提问已达 {per_report} 次的上限，以下为规则原文"
        try:
            day = self._day_count()
            used = day.used()
        except StoreError:
            return "无法读取今天向大模型提问的次数（数据库暂时不可用），以下为规则原文"
        if used >= day.cap:
            return f"今天向大模型提问已达 {day.cap} 次的上限，以下为规则原文"
        return ""

    def _day_count(self) -> DailyCalls:
        """Today's count of the assistant's model calls (DRAFTBOT_ASSISTANT_CALLS_PER_DAY),
        in the conversation's store when it has one, else in `counter_store(settings)`."""
        per_day = int(getattr(self.settings, "assistant_calls_per_day", 500))
        store = getattr(self.conversation, "store", None)
        return DailyCalls.for_settings(self.settings, ASSISTANT, per_day, store, self.clock)

    def _count_calls(self, calls: int) -> None:
        if calls > 0:
            self._day_count().add(calls)


def _llm_on(settings: Any) -> bool:
    return bool(getattr(settings, "llm_configured", False))


def _offline_rules_reply(book: RuleBook, retrieval: Retrieval) -> Reply:
    if not retrieval.covered:
        return Reply(
            "not_covered",
            NOT_COVERED + "。" + _closest(retrieval, "最接近的规则"),
            tuple(retrieval.ids),
        )
    quoted = "\n".join(hit.rule.quoted() for hit in retrieval.hits)
    return Reply("rules", f"根据填报规则：\n{quoted}", tuple(retrieval.ids))


def _closest(retrieval: Retrieval, label: str) -> str:
    if not retrieval.hits:
        return "可以问表二、表三、表四各行各列怎么填，勾稽关系，正文各部分写什么，发布期限和信息处理费。"
    return f"{label}：\n" + "\n".join(hit.rule.quoted() for hit in retrieval.hits)
