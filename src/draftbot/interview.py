"""`draftbot interview FILE`: the guided questions in the terminal.

A thin loop over `questions` (what to ask, how to apply an answer) and `freetext` (a sentence
→ proposed cells). Every accepted answer is written to the data file atomically before the
next question is asked, so Ctrl-C, end of input or a killed process lose nothing; running the
command again resumes at the first unanswered question.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from . import questions as qs
from .checks import check_report
from .datafile import DataFileError, atomic_write_text, load_report, save_report
from .findings import SEVERITY_LABELS, Finding, has_errors
from .freetext import Proposal
from .model import InterviewProgress, Report

TABLE_NAMES = ("表二", "表三", "表四")

if TYPE_CHECKING:
    from .config import Settings

ProposeFn = Callable[[qs.Question, Report, str], Proposal]


class _Stop(Exception):
    """The user ended input (EOF) or interrupted; everything answered is already saved."""


class Interview:
    def __init__(self, path: Path, bank: qs.QuestionBank, propose: ProposeFn) -> None:
        self.path = path
        self.bank = bank
        self.propose = propose
        self.revisiting: set[str] = set()
        self.group: str | None = None

    # --- input and output -----------------------------------------------------------------

    def say(self, text: str = "") -> None:
        print(text, flush=True)

    def read(self, prompt: str, multiline: bool = False) -> str:
        try:
            first = input(prompt)
            if not multiline or not first.strip() or _is_command(first):
                return first.strip()
            lines = [first]
            while line := input("  … ").strip():
                lines.append(line)
            return "\n".join(lines)
        except EOFError:
            raise _Stop from None

    def save(self, report: Report) -> Report:
        save_report(report, self.path)
        return report

    # --- the loop -------------------------------------------------------------------------

    def run(self) -> int:
        report = self.open()
        asked = False
        while (question := qs.next_question(self.bank, report)) is not None:
            asked = True
            report = self.ask(question, report, str(qs.progress(self.bank, report)))
            table = qs.finished_table(self.bank, report, question)
            if table is not None and qs.is_answered(report, question.id):
                report = self.review_table(table, report)
        if not asked:  # a finished report opened again: offer to correct what the checks found
            report = self.offer_corrections(report)
        self.finish(report)
        return 0

    def offer_corrections(self, report: Report) -> Report:
        """On a finished report, each table whose checks fail gets its correction questions
        (`review_table`), then the questions asking for the places of other errors; Enter
        skips each offer."""
        failing = [t for t in TABLE_NAMES if has_errors(qs.table_findings(report, t))]
        if not failing and not qs.questions_for_findings(self.bank, report, _other_errors(report)):
            return report  # nothing a question can correct (errors in the prose, if any)
        self.say("全部问题都已回答，但检查发现错误，可以现在更正（每处直接回车跳过）。")
        for table in failing:
            report = self.review_table(table, report)
        while True:
            others = _other_errors(report)
            choices = qs.questions_for_findings(self.bank, report, others)
            if not choices:
                return report
            self.say("\n其他检查发现以下错误：")
            for f in others:
                self.say(f"  [{SEVERITY_LABELS[f.severity]}] {f.location}：{f.message}")
            if not (question := self.pick_correction(choices, report)):
                return report
            report = self.ask(question, report, "更正")

    def pick_correction(self, choices: list[qs.Question], report: Report) -> qs.Question | None:
        """The question the clerk picks from `choices` by number; None when Enter is pressed."""
        self.say("可以更正的项目：")
        for i, q in enumerate(choices, 1):
            self.say(f"  {i}. {q.prompt}（当前：{qs.current_answer(q, report) or '未填'}）")
        while True:
            pick = self.read(
                "请输入要更正的序号（直接回车暂不更正，以后可用 draftbot check 再查）：\n> "
            )
            if not pick:
                return None
            if pick.isdigit() and 1 <= int(pick) <= len(choices):
                question = choices[int(pick) - 1]
                self.revisiting.add(question.id)
                return question
            self.say(f"请输入 1 到 {len(choices)} 之间的序号。")

    def open(self) -> Report:
        if self.path.exists():
            report = load_report(self.path)
            if report.interview is None:
                # A file made by hand or by another tool: its values are real, Enter keeps them.
                self.revisiting = {q.id for q in self.bank.questions}
                progress = InterviewProgress(answered=list(qs.CREATION_QUESTIONS))
                report = report.model_copy(update={"interview": progress})
            self.say(f"继续填写 {self.path}（{report.meta.agency}{report.meta.report_year}年度）。")
            self.say("随时输入 ? 查看说明，输入“上一题”返回修改；每个回答都会立即保存。")
            return report
        self.say(f"新建报告数据文件 {self.path}。")
        self.say("随时输入 ? 查看说明，输入“上一题”返回修改；每个回答都会立即保存。")
        answers = self.pending_creation_answers()
        for qid in qs.CREATION_QUESTIONS:
            if qid in answers:
                self.say(f"（已保存的回答：{self.bank.get(qid).prompt} {answers[qid]}）")
                continue
            answers[qid] = self.ask_creation(self.bank.get(qid))
            # Until the report file can exist, the answers wait in a side file, so nothing typed is lost.
            atomic_write_text(self.pending_path, json.dumps(answers, ensure_ascii=False))
        report = qs.create_report(answers["agency"], answers["report_year"])
        self.say(
            f"已创建：{report.meta.agency}{report.meta.report_year}年度（{report.format_version} 格式）。"
        )
        report = self.save(report)
        self.pending_path.unlink(missing_ok=True)
        return report

    @property
    def pending_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.new.json")

    def pending_creation_answers(self) -> dict[str, str]:
        """Creation answers saved by an earlier run that stopped before the file existed."""
        try:
            saved = json.loads(self.pending_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        answers = {}
        for qid in qs.CREATION_QUESTIONS:
            text = saved.get(qid) if isinstance(saved, dict) else None
            if not isinstance(text, str):
                break
            try:
                qs.check_creation_answer(qid, text)
            except qs.AnswerError:
                break
            answers[qid] = text
        return answers

    def ask_creation(self, question: qs.Question) -> str:
        while True:
            text = self.read(f"\n{question.prompt}\n> ")
            if text in qs.HELP_COMMANDS:
                self.say(question.help)
                continue
            if text in qs.BACK_COMMANDS:
                self.say("这是最开始的问题，请直接回答。")
                continue
            try:
                qs.check_creation_answer(question.id, text)
            except qs.AnswerError as exc:
                self.say(f"✗ {exc}")
                continue
            return text

    def ask(self, question: qs.Question, report: Report, label: str) -> Report:
        """Ask until an answer is accepted and saved (or the user goes back)."""
        if question.group != self.group:
            self.group = question.group
            self.say(f"\n—— {self.bank.group_title(question.group)} ——")
        current = ""
        if question.id in self.revisiting:
            current = qs.current_answer(question, report)
            current = current or ("否" if question.kind == "gate" else "")  # all of it is 0
        keep = f"（当前：{current}，直接回车保留）" if current else ""
        # several lines, a list of choices or a skip key: say how to answer up front
        upfront = qs.is_multiline(question) or question.kind == "choice" or question.optional
        how = f"\n（{qs.answer_format(question)}）" if upfront and question.kind != "gate" else ""
        prompt = f"\n【{label}】{qs.question_prompt(question, report)}{keep}{how}\n> "
        while True:
            text = self.read(prompt, qs.is_multiline(question))
            if text in qs.HELP_COMMANDS:
                self.say(f"说明：{question.help}\n回答方式：{qs.answer_format(question)}")
                continue
            if text in qs.BACK_COMMANDS:
                return self.back(report)
            if not text and current:
                return self.save(qs.keep_answer(self.bank, report, question.id))
            if qs.is_sentence_answer(question, text):
                updated = self.freetext(question, report, text)
                if updated is not None:
                    return updated
                continue
            try:
                updated = qs.apply_answer(self.bank, report, question.id, text)
            except qs.AnswerError as exc:
                self.say(f"✗ {exc}")
                continue
            for note in qs.answer_notes(question, text):
                self.say(f"  注意：{note}")
            self.revisiting.discard(question.id)
            return self.save(updated)

    def back(self, report: Report) -> Report:
        report, previous = qs.go_back(self.bank, report)
        if previous is None:
            self.say("已经是第一题了。")
            return report
        self.revisiting.add(previous.id)
        self.say(f"返回上一题：{previous.prompt}")
        return self.save(report)

    # --- free text ------------------------------------------------------------------------

    def freetext(self, question: qs.Question, report: Report, text: str) -> Report | None:
        """Show what a sentence would fill; save only when the user confirms."""
        try:
            proposal = self.propose(question, report, text)
        except qs.AnswerError as exc:
            self.say(f"✗ {exc}")
            return None
        self.show_proposal(proposal)
        if proposal.empty:
            self.say(
                "没有识别出可以填入表格的确切数字。请换个说法，或回答“是”逐项填写、“否”全部填 0。"
            )
            return None
        while True:
            answer = self.read("以上数字填入表格吗？本题范围内未提到的单元格填 0。（是/否）\n> ")
            decision = qs.parse_yes_no(answer)
            if decision is not None:
                break
            self.say("请回答“是”或“否”。")
        if not decision:
            self.say("未保存。请重新回答本题。")
            return None
        try:
            updated = qs.apply_values(self.bank, report, question.id, proposal.values)
        except qs.AnswerError as exc:
            self.say(f"✗ {exc}")
            return None
        self.say("已保存。")
        return self.save(updated)

    def show_proposal(self, proposal: Proposal) -> None:
        if proposal.values:
            self.say("识别结果（将填入的单元格）：")
            for path, value in proposal.values.items():
                self.say(f"  {paths.label(path)}：{value}　← “{proposal.sources[path]}”")
        for note in proposal.notes:
            self.say(f"  注意：{note}")
        if proposal.unplaced:
            self.say("以下数字没有填入（不会猜测）：")
            for item in proposal.unplaced:
                self.say(f"  - “{item.text}”：{item.reason}")

    # --- checks after a table -------------------------------------------------------------

    def review_table(self, table: str, report: Report) -> Report:
        """Run the table's checks; on errors, offer to correct a cell, until clean or skipped."""
        while True:
            findings = qs.table_findings(report, table)
            if not findings:
                self.say(f"✓ {table}检查通过。")
                return report
            self.say(f"\n{table}检查发现以下问题：")
            for f in findings:
                self.say(f"  [{SEVERITY_LABELS[f.severity]}] {f.location}：{f.message}")
                if f.hint:
                    self.say(f"      建议：{f.hint}")
            if not has_errors(findings):
                return report
            choices = qs.correction_questions(self.bank, report, table, findings)
            question = self.pick_correction(choices, report)
            if question is None:
                return report
            report = self.ask(question, report, "更正")

    def finish(self, report: Report) -> None:
        findings = check_report(report)
        errors = sum(f.severity == "error" for f in findings)
        self.say("\n全部问题已回答，数据已保存到 " + str(self.path) + "。")
        if errors:
            self.say(f"还有 {errors} 个错误需要更正，请运行 draftbot check {self.path} 查看。")
        else:
            self.say(f"检查通过（提示 {len(findings)} 个）。")
        self.say(
            f"下一步：draftbot draft {self.path} 起草正文，draftbot export {self.path} 导出 Word。"
        )


def _other_errors(report: Report) -> list[Finding]:
    """The errors of `report` outside 表二–表四 (meta, facts, prose)."""
    return [
        f
        for f in check_report(report)
        if f.severity == "error" and not any(t in f.tables for t in TABLE_NAMES)
    ]


def _is_command(text: str) -> bool:
    text = text.strip()
    return text in qs.HELP_COMMANDS or text in qs.BACK_COMMANDS


def offline_proposer(question: qs.Question, report: Report, text: str) -> Proposal:
    from .freetext import propose_cells

    return propose_cells(text, question.fills, report.format_version)


def llm_proposer(settings: Settings, bank: qs.QuestionBank) -> ProposeFn:
    def propose(question: qs.Question, report: Report, text: str) -> Proposal:
        from .freetext_llm import propose

        scope, version = question.fills, report.format_version
        return propose(text, scope, version, settings, bank.freetext.system_prompt)

    return propose


def choose_proposer(bank: qs.QuestionBank, use_llm: bool) -> ProposeFn:
    """The LLM path when an endpoint is configured (and wanted), else the offline parser."""
    if not use_llm:
        return offline_proposer
    from .config import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"{exc}；整句回答改用离线规则解析。", flush=True)
        return offline_proposer
    if not settings.llm_configured:
        return offline_proposer
    print(f"整句回答由大模型（{settings.model_name}）解析，经你确认后才保存。", flush=True)
    return llm_proposer(settings, bank)


def run_interview(
    path: Path,
    *,
    bank_path: Path | None = None,
    use_llm: bool = True,
    propose: ProposeFn | None = None,
) -> int:
    """Run the interview on `path`; the exit code (0 done or stopped, 2 unusable file)."""
    try:
        bank = qs.load_bank(bank_path)
    except qs.BankError as exc:
        print(exc, flush=True)
        return 2
    interview = Interview(path, bank, propose or choose_proposer(bank, use_llm))
    try:
        return interview.run()
    except DataFileError as exc:
        print(exc.render(), flush=True)
        return 2
    except _Stop:
        print(f"\n输入结束。已回答的内容都已保存到 {path}，再次运行同一命令即可继续。", flush=True)
        return 0
    except KeyboardInterrupt:
        print(f"\n已中断。已回答的内容都已保存到 {path}，再次运行同一命令即可继续。", flush=True)
        return 130
