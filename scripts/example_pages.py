"""Render the offline drafts of two examples as published pages: docs/images/draft-*.png.

Usage: .venv/bin/python scripts/example_pages.py [--dpi 60]
Each example is drafted with the offline templates, exported to .docx, converted to PDF by
LibreOffice (headless, a throw-away profile) and cut into one PNG per page with pdftoppm, so
a reader can judge the prose as it will be published. Needs `soffice` and `pdftoppm`
(Debian libreoffice-writer, poppler-utils).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from draftbot.config import load_settings
from draftbot.datafile import load_report
from draftbot.drafting import apply_draft, draft_report
from draftbot.word import build_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {"busy-2023": "县级部门", "county-gov-2023": "区县政府"}


def render(name: str, folder: Path, dpi: int) -> list[Path]:
    report = load_report(ROOT / "examples" / f"{name}.yaml")
    drafted = apply_draft(report, draft_report(report, load_settings(), offline=True))
    docx = folder / f"{name}.docx"
    docx.write_bytes(build_docx(drafted).data)
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    out = ROOT / "docs" / "images"
    for old in out.glob(f"draft-{name}-*.png"):
        old.unlink()
    prefix = out / f"draft-{name}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(folder / f"{name}.pdf"), str(prefix)],
        check=True, timeout=120,
    )  # fmt: skip
    return sorted(out.glob(f"draft-{name}-*.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, level in EXAMPLES.items():
            pages = render(name, Path(tmp), args.dpi)
            print(f"{name}（{level}）：{len(pages)} 页 → " + "、".join(p.name for p in pages))


if __name__ == "__main__":
    main()
