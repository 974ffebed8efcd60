"""The `draftbot` command line: a small package of thin command modules over the library.

One module per command group; the table `COMMANDS` names each command's function:

- `check.py`: check, schema, demo (read a data file and print);
- `interview.py`: interview (guided questions), chat (the assistant);
- `draft.py`: draft; `revisions.py`: revisions; `export.py`: export (.docx, PDF, 审阅稿); `importing.py`: import;
- `batch.py`: batch, rollup; `excel.py`: the excel group; `serve.py`: serve (the web app);
- `common.py`: the shared arguments, options and helpers; `usage.py`: usage and OS errors
  in Chinese; `lazy.py`: the root group that converts a command only when it runs;
  `roothelp.py`: the saved text of `draftbot --help`.

Importing this package imports nothing heavy: typer is imported when the app is first used
(`app`, built by `_build_app`), and `draftbot --help` prints the saved listing of
`roothelp.py` without typer at all. The library (pydantic models, LangChain, python-docx,
FastAPI …) is imported inside the commands that need it, so `draftbot --help` and
`draftbot check` start fast (issue 19; `tests/test_cli.py` checks what gets imported).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs --help a third
if TYPE_CHECKING:
    from typing import Any

    import typer

# Every command: name → "module:attribute" in this package. The order is the order of
# `draftbot --help`; a command's module is imported and converted only when it runs.
COMMANDS: dict[str, str] = {
    "check": "check:check",
    "schema": "check:schema",
    "demo": "check:demo",
    "serve": "serve:serve",
    "export": "export:export_",
    "import": "importing:import_",
    "interview": "interview:interview",
    "chat": "interview:chat",
    "draft": "draft:draft",
    "revisions": "revisions:revisions",
    "batch": "batch:batch",
    "rollup": "batch:rollup",
    "excel": "excel:excel_app",
    # ── Command groups of other parts go here, one module each with its typer.Typer:
    "users": "users:users_app",  # accounts of server mode (issue 17)
}


def _root() -> None:
    """政府信息公开工作年度报告起草助手：填报数据、勾稽校验、起草正文、导出 Word。"""


_app: typer.Typer | None = None


def _build_app() -> typer.Typer:
    """The typer app: the root group `LazyGroup` over `COMMANDS`, built once."""
    global _app
    if _app is not None:
        return _app
    import typer

    from .lazy import LazyGroup

    class _Commands(LazyGroup):
        lazy_commands = COMMANDS

    app = typer.Typer(
        name="draftbot",
        cls=_Commands,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    app.callback()(_root)
    _app = app
    return app


def __getattr__(name: str) -> Any:  # PEP 562: `from draftbot.cli import app` builds it
    if name == "app":
        return _build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _NeverRaised(Exception):
    """Stands in `main`'s `except` clauses for typer's exceptions when typer is not loaded."""


def main() -> None:
    """Run the CLI. Every way out is a Chinese message and an exit code, never a traceback:
    usage errors 2, Ctrl+C 130, a closed pipe (`draftbot check … | head`) ends quietly,
    disk and other OS errors and anything unexpected are described (usage.py); a library
    error (`DraftbotError`) that no command mapped is shown with its own message (exit 70).
    `draftbot --help` on a terminal of 80 columns or more (or a pipe) prints the saved
    listing without importing typer (`roothelp.py`); exactly `draftbot check FILE` and
    `draftbot draft FILE` run the command's body (`plain.run_check`, `plain.run_draft`)
    without typer, with the same output, files and exit code, and with the cyclic garbage
    collector off (`_one_shot`)."""
    argv = sys.argv[1:]
    if argv == ["--help"]:
        from .roothelp import print_saved_help

        if print_saved_help():
            sys.exit(0)
    from ..errors import DraftbotError
    from .plain import fast_check_file, fast_draft_file, json_command

    global _JSON_COMMAND
    _JSON_COMMAND = json_command(argv)  # errors of `check --json` … are printed as its JSON

    check_file = fast_check_file(argv)
    draft_file = fast_draft_file(argv)
    one_shot = check_file is not None or draft_file is not None
    if one_shot:
        _one_shot()
    no_args_is_help: type[BaseException] = _NeverRaised
    usage_error: type[BaseException] = _NeverRaised
    abort: type[BaseException] = _NeverRaised
    if check_file is None and draft_file is None:
        import typer

        from .usage import UsageError, click_exceptions

        no_args_is_help = click_exceptions.NoArgsIsHelpError
        usage_error, abort = UsageError, typer.Abort
    try:
        if check_file is not None:
            from .plain import run_check

            code: object = run_check(check_file)
        elif draft_file is not None:
            from pathlib import Path

            from .plain import run_draft

            code = run_draft(Path(draft_file))
        else:
            code = _build_app()(prog_name="draftbot", standalone_mode=False)
    except no_args_is_help as exc:
        exc.show()  # type: ignore[attr-defined]
        code = 0
    except usage_error as exc:
        import typer

        from .usage import usage_message

        _echo_quietly(usage_message(exc))
        code = 2
    except (KeyboardInterrupt, EOFError, abort):
        _echo_quietly("\n已中断。")
        code = 130
    except BrokenPipeError:
        _silence_stdout()
        code = 141
    except SystemExit as exc:  # typer ends a closed pipe with sys.exit(1)
        code = exc.code if isinstance(exc.code, int) else 1
    except OSError as exc:
        from .usage import os_error_message

        _echo_quietly(os_error_message(exc))
        code = 74
    except MemoryError:
        _echo_quietly("错误：内存不足，操作未完成；数据文件未被改动。请关闭其他程序后重试。")
        code = 70
    except DraftbotError as exc:  # a library error no command mapped: its own message
        _echo_quietly(f"错误：{exc.user_message()}")
        code = 70
    except Exception as exc:  # the last resort: a message, never a traceback
        from .usage import unexpected_message

        _echo_quietly(unexpected_message(exc))
        code = 70
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        _silence_stdout()
    if one_shot:
        import gc

        gc.freeze()  # what is left lives until exit: spare the exit its full collection
    sys.exit(code if isinstance(code, int) else 0)


def _one_shot() -> None:
    """Turn the cyclic garbage collector off for the rest of a one-shot command (the fast
    paths of `main`; issue 19). Nearly every object such a command makes (the modules, the
    report models pydantic builds, the report) lives until the process ends: the collector
    would traverse them again and again during the imports, freeing nothing (about 3 % of
    `draftbot check`), and `main` freezes them before exit so that the interpreter's last
    full collection skips them too (about 4 %). Reference counting still frees everything
    that is not in a cycle."""
    import gc

    gc.disable()


_JSON_COMMAND: str | None = None  # set by main() for a command run with --json


def _echo_quietly(message: str) -> None:
    """An error message on stderr; for a command run with --json, that command's JSON with
    the message as `error` on stdout (`plain.json_failure`), so every way out is JSON."""
    import contextlib

    import typer

    with contextlib.suppress(OSError, ValueError):  # stderr closed too: nothing more to say
        if _JSON_COMMAND is None:
            typer.echo(message, err=True)
        else:
            from .plain import json_failure

            typer.echo(json_failure(_JSON_COMMAND, message.strip()))


def _silence_stdout() -> None:
    """After the reader of our output went away (a closed pipe), drop what is left."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
