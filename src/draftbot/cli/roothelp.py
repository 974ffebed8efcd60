"""`draftbot --help` without importing typer (issue 19: importing typer alone takes about
six times as long as starting Python).

`roothelp.txt` holds exactly what typer prints for `draftbot --help` when it wraps at its
widest, that is on a terminal of at least `MIN_COLUMNS` columns or into a pipe (click wraps
help at min(columns, 80) − 2). On a narrower terminal `main` lets typer render it.
`tests/test_cli.py` checks that the saved text is typer's; after changing a command's
docstring or the command table, save it again with
`python -m draftbot.cli.roothelp > src/draftbot/cli/roothelp.txt`.
"""

from __future__ import annotations

import os
import sys

MIN_COLUMNS = 80
# A plain path (str): importing pathlib would cost a third of this fast path.
SAVED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "roothelp.txt")


def saved_text() -> str:
    """The saved `draftbot --help` text (UTF-8); OSError or UnicodeDecodeError when unreadable."""
    with open(SAVED, encoding="utf-8") as file:
        return file.read()


def terminal_columns() -> int:
    """The width click wraps for, as `shutil.get_terminal_size().columns` computes it (COLUMNS,
    else the terminal of stdout, else 80), without importing shutil."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def print_saved_help() -> bool:
    """Print the saved `draftbot --help` text on stdout; False (nothing printed) when the
    terminal is narrower than `MIN_COLUMNS` or the text cannot be read."""
    if terminal_columns() < MIN_COLUMNS:
        return False
    try:
        text = saved_text()
    except (OSError, UnicodeDecodeError):
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


def render() -> str:
    """What typer prints for `draftbot --help` on a terminal of `MIN_COLUMNS` columns or more:
    click then wraps at 80 − 2 = 78 columns (imports typer)."""
    from typer.testing import CliRunner

    from . import app

    result = CliRunner().invoke(
        app, ["--help"], prog_name="draftbot", terminal_width=MIN_COLUMNS - 2
    )
    return result.output


if __name__ == "__main__":  # pragma: no cover - the maintenance command in the docstring
    sys.stdout.write(render())
