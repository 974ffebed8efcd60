"""Where a finding points inside its place: the text its message quotes.

The place itself (cells by data path, a prose section by key) is structured data on the
finding (`Finding.paths`, `Finding.section`); this module finds the sentence within the
section a prose finding quotes, for anchoring Word comments in the 审阅稿.
"""

from __future__ import annotations

import re

from .findings import Finding

_QUOTE = re.compile(r"“([^”]+)”")


def quoted_pieces(finding: Finding) -> list[str]:
    """Text the finding's message quotes (“…”), without the … of a shortened quote.

    Quotes inside a quoted sentence were turned into ‘’ by the review; both forms are given.
    """
    pieces = []
    for raw in _QUOTE.findall(finding.message):
        for piece in raw.strip("…").split("…"):
            if len(piece) >= 2:
                pieces += [piece, piece.replace("‘", "“").replace("’", "”")]
    return pieces
