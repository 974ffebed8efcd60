"""A command group that converts only the command being run (issue 19: start-up time).

Typer turns every registered command into a click command (signature, type hints, every
parameter) before it runs any of them: 14 commands cost more than `draftbot check` itself
needs. `LazyGroup` keeps a table name → "module:attribute" (`draftbot.cli.COMMANDS`) and
converts a command when click asks for it; `draftbot --help` lists the commands from their
docstrings, without converting any (`tests/test_cli.py` checks the listing is the same as
the fully converted one).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

try:  # typer ≥ 0.25 vendors click
    from typer import _click as click
except ImportError:  # pragma: no cover - older typer uses click itself
    import click  # type: ignore[no-redef]

PACKAGE = "draftbot.cli"


def command_object(spec: str) -> Any:
    """The function or `typer.Typer` that `spec` ("module:attribute" in draftbot.cli) names."""
    module, _, attribute = spec.partition(":")
    return getattr(importlib.import_module(f"{PACKAGE}.{module}"), attribute)


def convert(name: str, spec: str) -> click.Command:
    """The click command for `spec`, converted as typer converts a registered command."""
    target = command_object(spec)
    if isinstance(target, typer.Typer):
        group = typer.main.get_group(target)
        group.name = name
        return group
    holder = typer.Typer(rich_markup_mode=None, add_completion=False)
    holder.command(name)(target)
    holder.callback()(lambda: None)  # a group, so that the command keeps its name
    return typer.main.get_group(holder).commands[name]


def summary_command(name: str, spec: str) -> click.Command:
    """A stand-in carrying only the name and help text, for the list in `--help`."""
    target = command_object(spec)
    if isinstance(target, typer.Typer):
        text = target.info.help
        help_text = text if isinstance(text, str) else None
    else:
        help_text = inspect.getdoc(target)
    return TyperCommand(name=name, help=help_text, rich_markup_mode=None)


class LazyGroup(TyperGroup):
    """The main group: commands converted on first use (see the module docstring).

    `lazy_commands` (name → "module:attribute") is set by `draftbot.cli`; its order is the
    order of `draftbot --help`.
    """

    lazy_commands: ClassVar[dict[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.lazy_commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.commands[cmd_name] = convert(cmd_name, self.lazy_commands[cmd_name])
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [summary_command(name, spec) for name, spec in self.lazy_commands.items()]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name in self.lazy_commands)
        with formatter.section("Commands"):
            formatter.write_dl([(cmd.name or "", cmd.get_short_help_str(limit)) for cmd in rows])
