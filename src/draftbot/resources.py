"""Locating the data folders that ship with draftbot (prompts/, schemas/, examples/).

In a wheel they live inside the package (hatch force-include); in a checkout or an editable
install they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parent.parent


def bundled_dir(name: str) -> Path:
    """The shipped folder `name` (e.g. "prompts"), wherever this install keeps it."""
    for candidate in (_PACKAGE_DIR / name, _REPO_DIR / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"draftbot 安装不完整：找不到自带的 {name} 目录")


def bundled_file(folder: str, name: str) -> Path:
    return bundled_dir(folder) / name
