"""Shares in words (trial fault 6): each band of `share_words` and `share_tenths` at both of its
edges, and the ranges `read_number` gives 成 back, so that 1 of 4 never reads 三成 — in the
drafter's words nor, written by hand, past the claims check."""

from __future__ import annotations

from decimal import Decimal

import pytest

from changed import example
from draftbot.drafting import offline
from draftbot.drafting.offline import draft_offline
from draftbot.model import Report
from draftbot.numbers import read_number, share_tenths, share_words
from draftbot.review.prose_vs_tables import check_prose_numbers

# (part, whole, words): the lowest and the highest share of each band
SHARE_WORDS = [
    (1, 1, "全部"),
    (7, 7, "全部"),
    (9, 10, "绝大多数"),
    (99, 100, "绝大多数"),
    (6, 10, "多数"),
    (899, 1000, "多数"),
    (10001, 20000, "过半"),  # a hair over half: 过半, never 近半
    (599, 1000, "过半"),
    (1, 2, "半数"),
    (500, 1000, "半数"),
    (2, 5, "近半"),
    (4999, 10000, "近半"),
    (1, 1000, "少数"),
    (399, 1000, "少数"),
    (0, 5, ""),
    (3, 0, ""),
]


@pytest.mark.parametrize(("part", "whole", "words"), SHARE_WORDS)
def test_share_words_bands_at_their_edges(part: int, whole: int, words: str) -> None:
    assert share_words(part, whole) == words


# (part, whole, tenths): exact tenths, the half-way shares, and each side of a half-way share
SHARE_TENTHS = [
    (1, 5, "两成"),
    (199, 1000, ""),  # under a fifth: no share
    (1, 4, "两成多"),  # 25%: as near 两成 as 三成, so neither
    (249, 1000, "约两成"),
    (251, 1000, "约三成"),
    (3, 10, "三成"),
    (7, 20, "三成多"),
    (349, 1000, "约三成"),
    (351, 1000, "约四成"),
    (3, 4, "七成多"),
    (19, 20, "九成多"),
    (949, 1000, "约九成"),
    (951, 1000, ""),  # nearer 十成 than 九成: no tenths
    (1, 2, "五成"),
]


@pytest.mark.parametrize(("part", "whole", "words"), SHARE_TENTHS)
def test_share_tenths_at_the_edges(part: int, whole: int, words: str) -> None:
    assert share_tenths(part, whole) == words


@pytest.mark.parametrize(("part", "whole", "words"), [t for t in SHARE_TENTHS if t[2]])
def test_each_tenths_word_reads_back_to_its_share(part: int, whole: int, words: str) -> None:
    share = Decimal(part) * 100 / whole
    assert read_number(words.replace("约", "")).admits(share)


@pytest.mark.parametrize(
    ("words", "inside", "outside"),
    [
        ("三成", ("25.1", "34.9"), ("25", "35")),
        ("约三成", ("25.1", "34.9"), ("25", "35")),
        ("三成多", ("30.1", "39.9"), ("30", "40")),
        ("超过三成", ("30.1", "39.9"), ("30", "40")),
        ("近三成", ("20.1", "29.9"), ("20", "30")),
        ("不到三成", ("20.1", "29.9"), ("20", "30")),
    ],
)
def test_tenths_readings_at_their_edges(
    words: str, inside: tuple[str, str], outside: tuple[str, str]
) -> None:
    reading = read_number(words)
    assert all(reading.admits(Decimal(v)) for v in inside), words
    assert not any(reading.admits(Decimal(v)) for v in outside), words


def _one_of_four() -> Report:
    """4 closed applications, 1 of them 无法提供 (25%)."""
    return example(
        "busy-2023.yaml",
        table3={
            "new_received": {"natural_person": 4},
            "granted": {"natural_person": 3},
            "unable_not_held": {"natural_person": 1},
        },
        previous_year=None,
    )


def _with(report: Report, section: str, text: str) -> Report:
    return report.model_copy(
        update={"narrative": report.narrative.model_copy(update={section: text})}
    )


def test_one_of_four_is_not_written_as_three_tenths(monkeypatch: pytest.MonkeyPatch) -> None:
    report = _one_of_four()
    texts = []
    for wording in range(6):  # every shape of （二）, some of which give the share
        monkeypatch.setattr(offline, "variant", lambda seed, key, n, w=wording: w % max(n, 1))
        texts.append(draft_offline(report)["overview_on_request"])
    assert any("占办结总数的两成多" in t for t in texts), texts
    for text in texts:
        assert "三成" not in text, text
        drafted = _with(report, "overview_on_request", text)
        assert not [f for f in check_prose_numbers(drafted) if f.code == "P-01"], text


@pytest.mark.parametrize("said", ["约占办结总数的三成", "占办结总数的两成"])
def test_one_of_four_written_as_a_wrong_tenth_is_caught(said: str) -> None:
    text = f"已办结4件，予以公开3件，无法提供1件，{said}。"
    report = _with(_one_of_four(), "overview_on_request", text)
    messages = [f.message for f in check_prose_numbers(report) if f.code == "P-01"]
    assert messages and said[-2:] in messages[0], messages
