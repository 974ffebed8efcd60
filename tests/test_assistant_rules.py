"""The rules file (schemas/rules.yaml) and the deterministic retrieval over it (no model)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from draftbot.assistant.chat import NOT_COVERED, Assistant
from draftbot.assistant.retrieval import index_for
from draftbot.assistant.rules import RULES_ENV, RulesError, load_rules
from draftbot.datafile import load_report
from draftbot.questions import leaf_paths

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = yaml.safe_load(
    (Path(__file__).parent / "data" / "assistant_questions.yaml").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def book():
    return load_rules()


# --- the data file ------------------------------------------------------------------------


def test_bundled_rules_load_with_unique_ids_and_known_cells(book) -> None:
    ids = [r.id for r in book.rules]
    assert len(ids) == len(set(ids)) >= 60
    for rule in book.rules:
        for prefix in rule.cells:
            assert leaf_paths(prefix), f"{rule.id}: 单元格 {prefix} 不存在"
        for other in rule.related:
            assert book.get(other) is not None


def test_every_check_a_rule_names_is_a_real_check_code(book) -> None:
    sources = "".join(
        p.read_text(encoding="utf-8")
        for p in [ROOT / "src/draftbot/checks.py", *(ROOT / "src/draftbot/review").glob("*.py")]
    )
    produced = set(re.findall(r'"([A-Z]\d?-\d{2})"', sources)) | {"T3-02", "X-03"}
    for rule in book.rules:
        unknown = set(rule.checks) - produced
        assert not unknown, f"{rule.id} 引用了不存在的检查 {unknown}"


def test_each_arithmetic_check_has_its_rule(book) -> None:
    for code in ("T3-01", "T3-03", "T3-04", "T4-01", "X-01", "X-02", "X-05"):
        assert book.get(code) is not None
        assert code in {c for r in book.for_check(code) for c in r.checks}


def test_yaml_folding_leaves_no_space_between_chinese_characters(book) -> None:
    for rule in book.rules:
        assert not re.search(r"[\u4e00-\u9fff，。；） ] [\u4e00-\u9fff（“]", rule.text), rule.id


def _write(tmp_path: Path, rules: list[dict]) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(
        yaml.safe_dump({"version": 1, "rules": rules}, allow_unicode=True), encoding="utf-8"
    )
    return path


GOOD = {
    "id": "T3-R01",
    "topic": "表三",
    "title": "本地规则",
    "text": "本地的填报口径说明，共十个字以上。",
}


def test_a_users_rules_file_replaces_the_bundled_one(tmp_path, monkeypatch) -> None:
    path = _write(tmp_path, [GOOD])
    assert [r.id for r in load_rules(path).rules] == ["T3-R01"]
    monkeypatch.setenv(RULES_ENV, str(path))
    assert [r.id for r in load_rules().rules] == ["T3-R01"]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([GOOD, GOOD], "规则编号 T3-R01 重复"),
        ([{**GOOD, "id": "第一条"}], "编号格式应如"),
        ([{**GOOD, "related": ["X-99"]}], "不存在的编号 X-99"),
        ([{**GOOD, "topic": "表五"}], "规则 T3-R01 的 topic"),
        ([{**GOOD, "text": ""}], "规则 T3-R01 的 text"),
        ([{**GOOD, "extra": 1}], "不认识的字段"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_rule(tmp_path, rules, expected) -> None:
    with pytest.raises(RulesError) as info:
        load_rules(_write(tmp_path, rules))
    assert expected in str(info.value)


def test_a_missing_or_broken_rules_file_says_so(tmp_path) -> None:
    with pytest.raises(RulesError, match="找不到规则文件"):
        load_rules(tmp_path / "none.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RulesError, match="不是有效的 YAML"):
        load_rules(broken)


# --- retrieval --------------------------------------------------------------------------------


def test_the_question_set_is_large_and_cites_existing_rules(book) -> None:
    assert len(QUESTIONS["questions"]) >= 60
    for item in QUESTIONS["questions"]:
        assert all(book.get(i) for i in item["cite"]), item


def test_the_right_rule_is_among_the_three_shown_for_nine_in_ten_questions(book) -> None:
    index = index_for(book)
    misses = [
        item["q"]
        for item in QUESTIONS["questions"]
        if not set(item["cite"]) & set(index.search(item["q"]).ids)
    ]
    share = 1 - len(misses) / len(QUESTIONS["questions"])
    assert share >= 0.9, misses


def test_questions_the_rules_do_not_cover_get_no_invented_rule(book, examples_dir) -> None:
    report = load_report(examples_dir / "busy-2023.yaml")
    assistant = Assistant(book)
    for question in QUESTIONS["uncovered"]:
        reply = assistant.answer(report, question)
        assert reply.kind == "not_covered", question
        assert reply.text.startswith(NOT_COVERED)
        assert all(book.get(i) for i in reply.rule_ids)


def test_an_offline_answer_quotes_the_rules_verbatim_with_their_ids(book, examples_dir) -> None:
    report = load_report(examples_dir / "busy-2023.yaml")
    reply = Assistant(book).answer(report, "申请人自己撤回了申请，应该填在哪一行？")
    assert reply.kind == "rules" and "T3-R25" in reply.rule_ids
    for rule_id in reply.rule_ids:
        rule = book.get(rule_id)
        assert f"[{rule.id}] {rule.title}：{rule.text}" in reply.text
