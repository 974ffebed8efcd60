"""docs/architecture.md names every module and package of src/draftbot."""

from __future__ import annotations

from pathlib import Path

import draftbot

PACKAGE = Path(draftbot.__file__).parent
DOC = Path(__file__).parent.parent / "docs" / "architecture.md"


def _entries() -> list[str]:
    """`name.py` for each module, `name/` for each package or data folder of src/draftbot."""
    names = []
    for entry in sorted(PACKAGE.iterdir()):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            names.append(entry.name + "/")
        elif entry.suffix == ".py":
            names.append(entry.name)
    return names


def test_the_package_has_modules_and_packages() -> None:
    entries = _entries()
    assert "model.py" in entries and "web/" in entries and "store/" in entries


def test_every_module_of_the_package_has_its_paragraph() -> None:
    doc = DOC.read_text(encoding="utf-8")
    missing = [name for name in _entries() if f"- **`{name}`**" not in doc]
    assert missing == [], f"docs/architecture.md has no paragraph for {missing}"


def test_the_layers_and_the_common_changes_are_described() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for heading in ("## Layers", "## Modules", "## Where to change the common things"):
        assert heading in doc
    for thing in ("wording of a section", "check rule", "question", "label", "storage backend"):
        assert thing in doc.lower()
