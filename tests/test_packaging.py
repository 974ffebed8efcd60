"""The wheel ships the data folders (prompts, schemas, examples) inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_data_folders(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("draftbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("prompts", "schemas", "examples"):
        source_files = [
            p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()
        ]
        assert source_files, folder
        for rel in source_files:
            assert f"draftbot/{rel}" in names, rel
    assert "draftbot/schemas/report.schema.json" in names
    migrations = sorted((ROOT / "src" / "draftbot" / "store" / "migrations").glob("*.sql"))
    assert migrations  # the store builds its schema from these: they must ship
    for path in migrations:
        assert f"draftbot/store/migrations/{path.name}" in names, path.name


def test_bundled_dir_finds_checkout_folders():
    from draftbot.resources import bundled_dir

    assert (bundled_dir("schemas") / "report.schema.json").is_file()
    assert (bundled_dir("examples") / "seed-2022.yaml").is_file()
