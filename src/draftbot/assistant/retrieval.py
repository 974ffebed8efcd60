"""Deterministic retrieval over the rules: jieba tokens, BM25 ranking (rank_bm25), no model.

jieba and rank_bm25 are imported on first use only, so the CLI starts fast. Each rule is
indexed by its title, text and keywords (title and keywords count twice: they are what a
clerk says). A question shares too little with every rule → `covered` is False and the
answer says 规则中没有相关规定 with the closest rules, never an invented rule.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

from .rules import Rule, RuleBook

TOP_K = 3
# A question is covered when its best rule shares at least this many of its content words …
MIN_SHARED_WORDS = 2
# … and scores at least this BM25 score.
MIN_SCORE = 3.0

_STOPWORDS = frozenset(
    str.split(
        "的 了 吗 呢 吧 啊 么 是 在 要 有 和 与 或 就 还 也 都 把 被 给 让 对 从 到 这 那 哪 哪里 哪儿 哪一 "
        "什么 怎么 怎样 如何 为什么 多少 几 几个 一个 一件 应该 应当 可以 能 能不能 会 需要 请问 我们 我 你 "
        "他 她 它 他们 单位 这个 那个 一 个 件 些 吧 呀 算 填 计 写 里 中 上 下 时 后 前 又 再 "
        "一下 一般 是否 要不要 还是 情况 问题 哪项 哪行 哪一行 哪一项 哪一种 哪一类 一行 一项 一栏 "
        "今年 去年 本年 已经 不 没 吗？ 不要 后 什么样 样 怎么办 一直"
    )
)
_PUNCT = re.compile(r"^[\s\W_]+$")
_DOMAIN_WORDS = (
    "上年结转", "结转下年度", "部分公开", "予以公开", "不予公开", "无法提供", "不予处理", "其他处理",
    "区分处理", "勾稽关系", "三安全一稳定", "内部事务", "过程性信息", "执法案卷", "行政查询",
    "另行制作", "逾期不补正", "信息处理费", "收费通知", "行政复议", "行政诉讼", "复议后起诉",
    "直接起诉", "尚未审结", "结果维持", "结果纠正", "其他结果", "共同被告", "现行有效", "本年制发",
    "本年废止", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "主动公开",
    "依申请公开", "政府信息管理", "平台建设", "监督保障", "政策解读", "自然人", "商业企业",
    "科研机构", "社会公益组织", "法律服务机构", "律师事务所", "国家秘密", "第三方", "补正",
    "撤回", "重复申请", "公开出版物", "大量反复", "占位符", "统计期", "总计", "小计", "雷同",
    "表二", "表三", "表四", "没有现成", "不掌握",
)  # fmt: skip

_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    for word in _DOMAIN_WORDS:
        tokenizer.add_word(word, freq=200000)
    return tokenizer


def tokenize(text: str) -> list[str]:
    """Content words of `text` (jieba search mode, domain terms kept whole, stopwords dropped)."""
    with _lock:  # jieba's lazy dictionary load is not thread-safe
        words = list(_tokenizer().cut_for_search(text))
    out = []
    for word in words:
        word = word.strip().lower()
        if not word or word in _STOPWORDS or _PUNCT.match(word):
            continue
        out.append(word)
    return out


@dataclass(frozen=True)
class Hit:
    rule: Rule
    score: float


@dataclass(frozen=True)
class Retrieval:
    """The best rules for a question, best first; `covered` False → the rules do not say."""

    question: str
    hits: tuple[Hit, ...]
    covered: bool

    @property
    def ids(self) -> list[str]:
        """Ids of the rules shown, best first."""
        return [hit.rule.id for hit in self.hits]


class RuleIndex:
    """BM25 index over one rule book."""

    def __init__(self, book: RuleBook) -> None:
        from rank_bm25 import BM25Okapi

        self.book = book
        self._docs = [self._document(rule) for rule in book.rules]
        self._bm25 = BM25Okapi(self._docs)

    @staticmethod
    def _document(rule: Rule) -> list[str]:
        keywords = " ".join(rule.keywords)
        return tokenize(f"{rule.title} {rule.title} {keywords} {keywords} {rule.text}")

    def search(self, question: str, k: int = TOP_K) -> Retrieval:
        """The `k` best-matching rules for `question` and whether the rules cover it."""
        words = tokenize(question)
        if not words:
            return Retrieval(question, (), False)
        scores = self._bm25.get_scores(words)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
        hits = tuple(Hit(self.book.rules[i], float(scores[i])) for i in order if scores[i] > 0)
        covered = bool(hits) and self._covers(words, order[0], hits[0].score)
        return Retrieval(question, hits, covered)

    def _covers(self, words: list[str], best: int, score: float) -> bool:
        doc = set(self._docs[best])
        shared = sum(1 for w in set(words) if w in doc)
        return score >= MIN_SCORE and shared >= min(MIN_SHARED_WORDS, len(set(words)))


@functools.lru_cache(maxsize=4)
def index_for(book: RuleBook) -> RuleIndex:
    """The (cached) index of `book`."""
    return RuleIndex(book)
