"""The fast read path of data files (libyaml) gives exactly the round-trip reader's data and
messages (issue 16: batch speed without a second set of YAML semantics)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from draftbot import datafile
from draftbot.datafile import DataFileError, _fast_yaml, _load_yaml, parse_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BUSY = (EXAMPLES / "busy-2023.yaml").read_text(encoding="utf-8")

# (what replaces, what it replaces it with) in busy-2023.yaml: YAML 1.1/1.2 traps, bad values,
# duplicate keys, aliases, tags, tabs, BOM, directives, merge keys, flow nesting.
MUTATIONS = [
    ("  report_year: 2023", "  report_year: 0o3747"),  # octal in YAML 1.2 = 2023
    ("  report_year: 2023", "  report_year: 02023"),  # YAML 1.2: decimal 2023, not octal
    ("  report_year: 2023", "  report_year: 2_023"),
    ("  report_year: 2023", "  report_year: 0x7E7"),
    ("  report_year: 2023", "  report_year: 0b11111100111"),
    ("  report_year: 2023", "  report_year: 2023.0"),
    ("  report_year: 2023", "  report_year: 2.023e3"),
    ("  report_year: 2023", "  report_year: yes"),
    ("  report_year: 2023", "  report_year: 0o8"),
    ("  report_year: 2023", "  report_year: 9:30"),
    ("  report_year: 2023", "  report_year: .inf"),
    ("  report_year: 2023", "  report_year: ~"),
    ("  report_year: 2023", "  report_year:"),
    ("  report_year: 2023", "  report_year: '2023'"),
    ("  publish_date: 2024-01-22", "  publish_date: 2024-13-45"),
    ("  publish_date: 2024-01-22", "  publish_date: 2024-01-22 09:30:00"),
    ("  publish_date: 2024-01-22", "  publish_date: 2024-1-22"),
    ("  publish_date: 2024-01-22", "  publish_date: '2024-01-22'"),
    ("  publish_date: 2024-01-22", "  publish_date: 20240122"),
    ("  licensing: 412", "  licensing: on"),
    ("  licensing: 412", "  licensing: off"),
    ("  licensing: 412", "  licensing: no"),
    ("  licensing: 412", "  licensing: true"),
    ("  licensing: 412", "  licensing: 012"),
    ("  licensing: 412", "  licensing: 0o12"),
    ("  licensing: 412", "  licensing: 1_000"),
    ("  licensing: 412", "  licensing: -3"),
    ("  licensing: 412", "  licensing: 4.5"),
    ("  licensing: 412", "  licensing: 四百"),
    ("  licensing: 412", "  licensing: 412\n  licensing: 413"),  # duplicate key
    ("  penalty: 37", "  penalty: &n 37\n  coercion_extra: *n"),  # anchor and alias
    ("  penalty: 37", "  penalty: !!str 37"),  # explicit tag
    ("  penalty: 37", "\tpenalty: 37"),  # tab indentation
    ("  penalty: 37", "  penalty:\t37"),  # tab as separator
    ("  fees_wan_yuan: 12.5", "  fees_wan_yuan: 12.50"),
    ("  fees_wan_yuan: 12.5", "  fees_wan_yuan: 1_2.5"),
    ("  fees_wan_yuan: 12.5", "  fees_wan_yuan: 12,5"),
    ("  fees_wan_yuan: 12.5", "  fees_wan_yuan: .nan"),
    ("meta:", "%YAML 1.1\n---\nmeta:"),  # YAML 1.1 directive: `yes` would be true
    ("meta:", "\ufeffmeta:"),  # byte order mark kept in the text
    ("meta:", "base: {x: 1}\nmeta:"),  # unknown key
    ("table4:", "table4:\n  <<: {review: {maintained: 1}}\ntable4_dup:"),  # merge key
    ("  review: {maintained: 1}", "  review: {maintained: 1, maintained: 2}"),
    (
        "  review: {maintained: 1}",
        "  review: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    ),
    ("  review: {maintained: 1}", "  review: {maintained: 1"),  # unclosed flow mapping
    ("  review: {maintained: 1}", "  review: maintained: 1"),  # colon in a plain value
    ("  channels: [", "  channels: 政府门户网站\n  channels_list: ["),
    ("  proactive_total: 215", "  proactive_total: 215\n  2023: 年度"),  # non-text key
]


def _corpus() -> list[str]:
    texts = [BUSY, *(p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml")))]
    for old, new in MUTATIONS:
        assert old in BUSY, old
        texts.append(BUSY.replace(old, new, 1))
    texts += ["", "- 1\n- 2\n", "纯文本", "meta: [\n", "a: b: c", "? [1, 2]\n: x\n"]
    return texts


def _plain(value: object) -> object:
    """Data with round-trip types (CommentedMap, ScalarInt…) as plain ones, NaN comparable."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return (kind.__name__, kind(value))
    return value


def _outcome(text: str) -> tuple[str, object]:
    try:
        return "report", parse_report(text, "样例.yaml").model_dump(mode="json")
    except DataFileError as exc:
        return "error", exc.render()


@pytest.mark.parametrize("text", _corpus(), ids=range(len(_corpus())))
def test_fast_data_equal_round_trip_data(text: str) -> None:
    fast = _fast_yaml(text)
    if fast is None:  # stepped aside: the round-trip reader decides alone
        return
    assert _plain(fast) == _plain(_load_yaml(text))


@pytest.mark.parametrize("text", _corpus(), ids=range(len(_corpus())))
def test_reports_and_messages_equal_with_and_without_fast_path(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_fast = _outcome(text)
    monkeypatch.setattr(datafile, "_fast_yaml", lambda _text: None)
    assert with_fast == _outcome(text)


def test_fast_path_reads_the_examples_and_yaml_1_2_traps() -> None:
    # the fast path really runs (it is not stepping aside for everything)
    assert _fast_yaml(BUSY) is not None
    assert _fast_yaml(BUSY) == _load_yaml(BUSY)
    data = _fast_yaml("a: yes\nb: 012\nc: 0o12\nd: 1_000\ne: on\nf: 2024-13-45\n")
    assert data == {"a": "yes", "b": 12, "c": 10, "d": 1000, "e": "on", "f": "2024-13-45"}


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key
        "a: &x 1\nb: *x\n",  # alias
        "a: !!str 1\n",  # tag
        "%YAML 1.1\n---\na: yes\n",  # directive
        "a:\n  <<: {b: 1}\n",  # merge key
        "a: {b: 1\n",  # syntax error
        "- 1\n",  # not a mapping
        "a:\tb\n",  # tab
        "a: " + "[" * 40 + "]" * 40 + "\n",  # too deep
    ],
)
def test_fast_path_steps_aside_where_it_could_differ(text: str) -> None:
    assert _fast_yaml(text) is None


def test_alias_message_names_its_line_through_the_fast_entry() -> None:
    text = BUSY.replace("  penalty: 37", "  penalty: &n 37\n  coercion_extra: *n", 1)
    with pytest.raises(DataFileError) as info:
        parse_report(text, "样例.yaml")
    line = text.splitlines().index("  coercion_extra: *n") + 1
    assert info.value.problems[0].line == line
    assert "不支持 YAML 别名（*n）" in info.value.problems[0].message


def test_fast_reader_rules_are_ruamels_yaml_1_2_rules() -> None:
    """The copied table (`YAML_1_2_IMPLICIT_RULES`) is ruamel's, rule for rule and in order."""
    import re

    from ruamel.yaml import resolver

    theirs = [(t, rx, list(f)) for v, t, rx, f in resolver.implicit_resolvers if (1, 2) in v]
    ours = datafile.YAML_1_2_IMPLICIT_RULES
    assert [(t, p, list(f)) for t, p, f in ours] == [(t, rx.pattern, f) for t, rx, f in theirs]
    for (_, pattern, _), (_, rx, _) in zip(ours, theirs, strict=True):
        # ours compile with re.X; ruamel's without it have no blanks or '#' to ignore
        assert rx.flags & re.X or not re.search(r"[\s#]", pattern)


# Plain scalars of every kind the rules tell apart, and the near misses (YAML 1.1 forms).
SCALARS = [
    *[
        "0",
        "7",
        "8",
        "9",
        "-0",
        "+1",
        "-12",
        "012",
        "019",
        "0o17",
        "0o8",
        "0b101",
        "0b2",
        "0x1F",
        "0xG",
        "1_000",
        "_1",
        "1__0",
        "-0x1",
    ],
    *[
        "1.5",
        "-1.5",
        "+.5",
        ".5",
        "1.",
        "1e3",
        "1E-3",
        "1.5e+3",
        ".5e3",
        ".5e+3",
        "1_0.5",
        ".inf",
        "-.Inf",
        "+.INF",
        ".nan",
        ".NaN",
    ],
    *[
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "yes",
        "Yes",
        "no",
        "NO",
        "on",
        "Off",
        "y",
        "n",
        "tRue",
    ],
    *["null", "Null", "NULL", "~", "nULL"],
    "2024-01-22",
    "2024-1-22",
    "2024-01-22 09:30:00",
    "2024-01-22T09:30:00Z",
    "2024-01-22t09:30:00.5+08:00",
    "2024-01-22 09:30:00 -8",
    "2024-13-45",
    "20240122",
    "9:30",
    "1:30:00",
    "190:20:30.15",
    "= x",
    "12,5",
    "四百",
    "1 000",
    "R&D",
    "<< x",
    "",
]


@pytest.mark.parametrize("scalar", SCALARS)
def test_fast_and_round_trip_readers_resolve_scalars_alike(scalar: str) -> None:
    import yaml
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    fast = datafile._FastResolver().resolve(yaml.ScalarNode, scalar, (True, False))
    round_trip = VersionedResolver(version=(1, 2)).resolve(ScalarNode, scalar, (True, False))
    assert fast == round_trip
    text = f"a: {scalar}\n"
    data = _fast_yaml(text)
    if data is not None:
        assert _plain(data) == _plain(_load_yaml(text))
