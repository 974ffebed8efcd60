"""Reports with a few values changed, going through the model as a data file would.

`changed(report, table3__granted__natural_person=5)` sets the value at a path whose parts are
joined by `__`; a value of None removes the key (the field falls back to its default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from draftbot.datafile import load_report
from draftbot.model import Report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def changed(report: Report, **changes: Any) -> Report:
    """`report` with each `a__b__c=value` set (missing parents created), validated again."""
    data = report.model_dump(mode="json")
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return Report.model_validate(data)


def example(name: str, **changes: Any) -> Report:
    """The example `examples/<name>` (e.g. "busy-2023.yaml") with `changes` as in `changed`."""
    return changed(load_report(EXAMPLES / name), **changes)
