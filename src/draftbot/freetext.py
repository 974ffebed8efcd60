"""Free-text answers → proposed table cells, without an LLM.

A clerk may describe a table in one sentence instead of filling it cell by cell:
`今年共收到5件申请，4件来自个人，1件来自企业；予以公开3件，1件本机关不掌握，1件结转到明年`.
`propose_cells` recognises the common phrasings of 表二, 表三 and 表四, numbers in Arabic or
Chinese (三百二十、两千零五), approximate numbers (十余件、约20件、20件左右) and fractions
(三分之一、80%), and returns a `Proposal`: the cells it can place, each with the words it
came from, and every number it could not place with the reason. Approximate numbers and
fractions are never placed. Nothing is saved here: the front-end shows the proposal and
saves it only when the user confirms (`questions.apply_values`). The LLM path, which checks a
model's proposal against the numbers the text holds, is `freetext_llm`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .answers import APPLICANT_WORDS, CASE_WORDS, is_zero_statement, kind_in
from .formats import FormatVersion, format_of
from .model import APPLICANT_COLUMNS, CASE_COLUMNS
from .text import Mention, clauses, find_numbers

# --- proposals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unplaced:
    text: str
    reason: str


OFFLINE_PARSER = "离线规则"


@dataclass
class Proposal:
    """Cells a sentence would fill (path → value, with the words each came from)."""

    values: dict[str, int | Decimal] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parser: str = OFFLINE_PARSER  # the model's name when an LLM produced it, else 离线规则

    def place(self, path: str, value: int | Decimal, source: str) -> bool:
        if path in self.values and self.values[path] != value:
            self.unplaced.append(
                Unplaced(source, f"与前面同一单元格的 {self.values[path]} 不一致，未采用")
            )
            return False
        self.values[path] = value
        self.sources[path] = source
        return True

    @property
    def empty(self) -> bool:
        return not self.values


TABLE3_ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("carried_over", ("上年结转", "去年结转", "上一年结转", "上年度结转", "上年转入", "去年转入",
                      "上年遗留", "去年遗留", "上年未办结", "去年未办结")),
    ("carried_forward", ("结转到明年", "结转至明年", "结转到下一年", "结转下年", "结转到下年",
                         "结转至下年", "转入下年", "转到明年", "转入明年", "未办结", "正在办理",
                         "仍在办理", "继续办理", "结转")),
    ("partially_granted", ("部分公开", "区分处理")),
    ("denied_state_secret", ("国家秘密",)),
    ("denied_law_prohibited", ("法律行政法规禁止", "法律法规禁止")),
    ("denied_three_security_one_stability", ("三安全一稳定", "国家安全", "公共安全", "经济安全",
                                             "社会稳定")),
    ("denied_third_party", ("第三方",)),
    ("denied_internal_affairs", ("内部事务",)),
    ("denied_process_info", ("过程性信息",)),
    ("denied_enforcement_file", ("执法案卷",)),
    ("denied_admin_query", ("行政查询",)),
    ("unable_not_held", ("不掌握", "未掌握", "不存在", "非本机关")),
    ("unable_need_creation", ("另行制作", "需要制作", "没有现成")),
    ("unable_unclear_after_correction", ("仍不明确", "内容不明确")),
    ("not_processed_petition", ("信访", "举报", "投诉")),
    ("not_processed_repeat", ("重复申请",)),
    ("not_processed_publication", ("出版物",)),
    ("not_processed_massive", ("大量反复",)),
    ("not_processed_confirm", ("要求确认", "重新出具")),
    ("other_no_correction", ("不补正", "未补正")),
    ("other_no_fee_paid", ("未缴纳", "未缴费", "未按收费通知", "逾期未缴")),
    ("other_other", ("撤回",)),
    ("?其他处理", ("其他处理", "其他方式处理", "其他情形")),
    ("?不予公开", ("不予公开",)),
    ("?无法提供", ("无法提供",)),
    ("?不予处理", ("不予处理",)),
    ("granted", ("予以公开", "全部公开", "同意公开", "准予公开", "已公开", "公开了")),
    ("new_received", ("收到", "新收", "受理", "接到", "接收", "共有", "申请")),
]  # fmt: skip
VAGUE_ROW_REASONS = {
    "?不予公开": "没有说明不予公开的理由（表三分 8 种理由），请逐项填写",
    "?无法提供": "没有说明无法提供的原因（表三分 3 种），请逐项填写",
    "?不予处理": "没有说明不予处理的原因（表三分 5 种），请逐项填写",
    "?其他处理": "需要选择：没有说明属于其他处理的哪一种（逾期不补正、逾期未缴费、其他），请选择后填写",
}
_REST_WORDS = ("其余", "其他均", "其他都", "剩下", "剩余", "余下")
_ALL_WORDS = ("都是", "均为", "均是", "全部", "全是", "全为", "都来自", "均来自", "都为")


def propose_cells(text: str, scope: list[str], version: FormatVersion) -> Proposal:
    """Cells of the tables under `scope` (data paths such as ["table3"]) that `text` states."""
    tables = {path.split(".")[0] for path in scope}
    if "table3" in tables:
        proposal = _table3(text, version)
    elif "table4" in tables:
        proposal = _table4(text)
    elif "table2" in tables:
        proposal = _table2(text)
    else:
        proposal = Proposal(unplaced=[Unplaced(text, "这一题不支持整句填写")])
    return _within_scope(proposal, scope)


def _within_scope(proposal: Proposal, scope: list[str]) -> Proposal:
    for path in list(proposal.values):
        if not any(path == p or path.startswith(p + ".") for p in scope):
            value = proposal.values.pop(path)
            source = proposal.sources.pop(path)
            proposal.unplaced.append(
                Unplaced(f"{value}（{source}）", "不属于本题的范围，请在对应的题目填写")
            )
    return proposal


def mark_unusable(proposal: Proposal, mention: Mention) -> bool:
    """List `mention` as not placed when it is malformed, a fraction or approximate (True)."""
    if mention.error:
        proposal.unplaced.append(Unplaced(mention.text, mention.error))
        return True
    if mention.fraction:
        proposal.unplaced.append(Unplaced(mention.text, "是比例，不是件数，请换算后填写确切数字"))
        return True
    if mention.approximate:
        proposal.unplaced.append(Unplaced(mention.text, "是约数，表中只能填确切数字"))
        return True
    return False


def _result_row(row: str, version: FormatVersion) -> str:
    """The row of the report's format a named row goes to; the vague “其他处理” is the 2019
    format's one （六）其他处理 row (formats.py `merged_rows`)."""
    form = format_of(version)
    if row == "?其他处理" and "other_processing" in form.result_rows:
        return "other_processing"
    return form.result_row(row)


def _table3(text: str, version: FormatVersion) -> Proposal:
    proposal = Proposal()
    totals: dict[str, tuple[int, str]] = {}
    current: str | None = None
    for clause in clauses(text):
        row = kind_in(clause, TABLE3_ROWS)
        if row is not None:
            row = _result_row(row, version)
        applicant = kind_in(clause, APPLICANT_WORDS, besides=TABLE3_ROWS)
        mentions = find_numbers(clause)
        if not mentions and is_zero_statement(clause) and not (row or "").startswith("?"):
            _place_zeros(proposal, row or current, applicant, clause)
        elif not mentions:
            if applicant and current in totals:
                _place_all_or_rest(proposal, totals, current, applicant, clause)
            continue
        if row is not None and row.startswith("?"):
            reason = VAGUE_ROW_REASONS[row]
            usable = [m for m in mentions if not mark_unusable(proposal, m)]
            proposal.unplaced += [Unplaced(m.text, reason) for m in usable]
            continue
        target_row = row or current
        for i, mention in enumerate(mentions):
            if mark_unusable(proposal, mention):
                continue
            if target_row is None or i > 0 or not isinstance(mention.value, int):
                proposal.unplaced.append(Unplaced(mention.text, "未能确定应填哪一行、哪一列"))
                continue
            if applicant:
                proposal.place(f"table3.{target_row}.{applicant}", mention.value, clause)
            elif row is not None:
                totals[row] = (mention.value, clause)
            else:
                proposal.unplaced.append(Unplaced(mention.text, "未能确定应填哪一行、哪一列"))
        if row is not None:
            current = row
    _settle_totals(proposal, totals, "table3", APPLICANT_COLUMNS)
    return proposal


def _place_zeros(proposal: Proposal, row: str | None, applicant: str | None, clause: str) -> None:
    """`新收申请：无` puts 0 in the row's columns; `企业没有` puts 0 in that column."""
    if row is None:
        return
    for column in [applicant] if applicant else APPLICANT_COLUMNS:
        proposal.place(f"table3.{row}.{column}", 0, clause)


def _place_all_or_rest(
    proposal: Proposal, totals: dict[str, tuple[int, str]], row: str, column: str, clause: str
) -> None:
    """`都是个人` puts a row's whole total in one column; `其余为企业` puts what is left."""
    total, _ = totals[row]
    if any(word in clause for word in _ALL_WORDS):
        del totals[row]
        proposal.place(f"table3.{row}.{column}", total, clause)
    elif any(word in clause for word in _REST_WORDS):
        placed = sum(int(v) for p, v in proposal.values.items() if p.startswith(f"table3.{row}."))
        if total - placed > 0:
            proposal.place(f"table3.{row}.{column}", total - placed, clause)


def _settle_totals(
    proposal: Proposal,
    totals: dict[str, tuple[int, str]],
    table: str,
    columns: tuple[str, ...],
) -> None:
    """A row's stated total: dropped when its columns add up to it, else kept as 总计."""
    for row, (total, source) in totals.items():
        parts = sum(int(proposal.values.get(f"{table}.{row}.{c}", 0)) for c in columns)
        if parts == total == 0:
            for column in columns:  # 新收申请0件: every column of the row is 0
                proposal.place(f"{table}.{row}.{column}", 0, source)
            continue
        if parts == total:
            continue
        only = _single_column(proposal, table, columns) if parts == 0 else None
        if only is not None:
            proposal.place(f"{table}.{row}.{only}", total, source)
            continue
        proposal.place(f"{table}.{row}.total", total, source)
        from .paths import label as cell_label

        where = cell_label(f"{table}.{row}")
        if parts:
            proposal.notes.append(f"{where}：总计 {total} 件，但分列合计 {parts} 件，请核对")
        else:
            proposal.notes.append(
                f"{where}：共 {total} 件，未说明分类，拟填入“总计”（确认后才写入），请再分列填写"
            )


def _single_column(proposal: Proposal, table: str, columns: tuple[str, ...]) -> str | None:
    """When every column-specific number so far is in one column, results belong to it too."""
    used = {
        path.split(".")[2]
        for path, value in proposal.values.items()
        if path.startswith(table + ".") and path.split(".")[2] in columns and value
    }
    return used.pop() if len(used) == 1 else None


_LITIGATION = "?行政诉讼"
TABLE4_BLOCKS: list[tuple[str, tuple[str, ...]]] = [
    ("litigation_after_review", ("复议后起诉", "复议后提起", "经复议后", "复议后又起诉")),
    ("litigation_direct", ("直接起诉", "未经复议", "直接向法院", "直接提起")),
    (_LITIGATION, ("行政诉讼", "起诉", "诉讼")),
    ("review", ("行政复议", "复议")),
]
LITIGATION_CHOICE = (
    "需要选择：没有说明行政诉讼是未经复议直接起诉还是复议后起诉（表四分两类），请选择后填写"
)


def _table4(text: str) -> Proposal:
    """表四 from a sentence; 行政诉讼 N 件 waits for 直接起诉 / 复议后起诉 and is never guessed."""
    proposal = Proposal()
    totals: dict[str, tuple[int, str]] = {}
    current: str | None = None
    for clause in clauses(text):
        block = kind_in(clause, TABLE4_BLOCKS)
        column = kind_in(clause, CASE_WORDS, besides=TABLE4_BLOCKS)
        mentions = [m for m in find_numbers(clause) if not mark_unusable(proposal, m)]
        # 行政诉讼1件，直接起诉: the kind comes after the number
        stated_later = block not in (None, _LITIGATION) and current == _LITIGATION
        if stated_later and not mentions and _LITIGATION in totals:
            totals[str(block)] = totals.pop(_LITIGATION)
        target = block or current
        if not mentions and column and target in totals and target != _LITIGATION:
            value, _ = totals.pop(target)
            proposal.place(f"table4.{target}.{column}", value, clause)
        for i, mention in enumerate(mentions):
            if target is None or i > 0 or not isinstance(mention.value, int):
                proposal.unplaced.append(
                    Unplaced(mention.text, "未能确定是复议还是诉讼、是哪种结果")
                )
            elif target == _LITIGATION and (column or _LITIGATION in totals):
                proposal.unplaced.append(Unplaced(mention.text, LITIGATION_CHOICE))
            elif column:
                proposal.place(f"table4.{target}.{column}", mention.value, clause)
            else:
                totals[target] = (mention.value, clause)
        if block is not None:
            current = block
    if _LITIGATION in totals:
        value, source = totals.pop(_LITIGATION)
        proposal.unplaced.append(Unplaced(f"{value}（{source}）", LITIGATION_CHOICE))
    _settle_totals(proposal, totals, "table4", CASE_COLUMNS)
    return proposal


TABLE2_ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("normative_documents", ("规范性文件",)),
    ("regulations", ("规章",)),
    ("licensing", ("行政许可", "许可")),
    ("penalty", ("行政处罚", "处罚")),
    ("coercion", ("行政强制", "强制")),
    ("fees_wan_yuan", ("收费",)),
]
TABLE2_DOC_COLUMNS: list[tuple[str, tuple[str, ...]]] = [
    ("repealed", ("废止", "失效")),
    ("in_force", ("现行有效", "有效")),
    ("issued", ("制发", "出台", "印发", "制定", "发布", "新发")),
]


def _table2(text: str) -> Proposal:
    proposal = Proposal()
    current: str | None = None
    for clause in clauses(text):
        row = kind_in(clause, TABLE2_ROWS) or current
        column = kind_in(clause, TABLE2_DOC_COLUMNS)
        mentions = [m for m in find_numbers(clause) if not mark_unusable(proposal, m)]
        zero_path = _table2_path(row, column)
        if not mentions and zero_path is not None and is_zero_statement(clause):
            proposal.place(zero_path, Decimal(0) if row == "fees_wan_yuan" else 0, clause)
        for i, mention in enumerate(mentions):
            path = _table2_path(row, column)
            value = _table2_value(row, mention)
            if path is None or value is None or i > 0:
                proposal.unplaced.append(Unplaced(mention.text, "未能确定应填表二的哪一格"))
            else:
                proposal.place(path, value, clause)
        if row in ("regulations", "normative_documents") or (row and not column):
            current = row
    return proposal


def _table2_path(row: str | None, column: str | None) -> str | None:
    if row in ("regulations", "normative_documents"):
        return f"table2.{row}.{column}" if column else None
    return f"table2.{row}" if row else None


def _table2_value(row: str | None, mention: Mention) -> int | Decimal | None:
    value = mention.value
    if value is None:  # a fraction or a vague word fills no cell
        return None
    if row == "fees_wan_yuan":
        if mention.unit == "元":
            return Decimal(value) / Decimal(10000)
        if mention.unit == "" and mention.text.endswith("万"):  # 收费12.5万: 万元 is meant
            return Decimal(value) / Decimal(10000)
        return Decimal(value) if mention.unit in ("万元", "") else None
    return value if isinstance(value, int) and mention.unit != "元" else None


def unplaced_numbers(text: str, proposal: Proposal) -> list[Unplaced]:
    """Exact numbers in the text that no proposed cell and no unplaced entry accounts for."""
    used = [str(v) for v in proposal.values.values()]
    listed = " ".join(u.text for u in proposal.unplaced)
    out = []
    for mention in find_numbers(text):
        if not mention.exact or mention.text in listed:
            continue
        if str(mention.value) in used:
            used.remove(str(mention.value))
            continue
        out.append(Unplaced(mention.text, "未能确定应填哪一格"))
    return out
