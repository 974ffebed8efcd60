"""Command-line usage errors (unknown option, missing argument …) as Chinese messages.

Typer/click word these in English; a clerk gets the same facts in Chinese instead, with the
command whose `--help` explains the usage.
"""

from __future__ import annotations

import errno
import re
from typing import Any

try:  # typer ≥ 0.25 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

UsageError = click_exceptions.UsageError
_NO_SUCH_COMMAND = re.compile(r"No such command '(.+?)'")
_EXTRA_ARGUMENTS = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)")


def usage_message(error: Any) -> str:
    """The Chinese text for a click `UsageError`, ending with where to find help."""
    ctx = getattr(error, "ctx", None)
    where = ctx.command_path if ctx is not None else "draftbot"
    return f"错误：{_describe(error)}\n运行 `{where} --help` 查看用法。"


_TYPE_WORDS = {"int": "整数", "float": "数字", "Path": "文件路径", "bool": "是或否"}


def _param_name(error: Any) -> str:
    param = error.param
    if param is None:
        return "参数"
    opts = getattr(param, "opts", None)
    if getattr(param, "param_type_name", "") == "option" and opts:
        return "/".join(opts)
    return str(getattr(param, "name", "参数")).upper()


def _bare_type(param: Any) -> str:
    """The parameter's type name (typer gives a method returning it, click a type object)."""
    bare = getattr(param, "bare_type", None)
    try:
        bare = bare() if callable(bare) and not isinstance(bare, type) else bare
    except Exception:  # an expected type is a nicety; the message stands without it
        return ""
    return str(getattr(bare, "__name__", bare))


def _describe(error: Any) -> str:
    if isinstance(error, click_exceptions.NoSuchOption):
        close = sorted(error.possibilities or ())
        hint = f"（是否想写 {'、'.join(close)}？）" if close else ""
        return f"没有这个选项：{error.option_name}{hint}"
    if isinstance(error, click_exceptions.MissingParameter):
        param = error.param
        what = "参数" if getattr(param, "param_type_name", "") == "argument" else "选项"
        help_words = getattr(param, "help", None)  # an argument has no help
        help_text = f"（{help_words}）" if help_words else ""
        return f"缺少{what} {_param_name(error)}{help_text}"
    if isinstance(error, click_exceptions.BadParameter):
        expected = _TYPE_WORDS.get(_bare_type(error.param), "")
        return f"{_param_name(error)} 的取值无效" + (f"，应为{expected}" if expected else "")
    match = _NO_SUCH_COMMAND.search(error.message or "")
    if match:
        return f"没有这个命令：{match.group(1)}"
    if "Missing command" in (error.message or ""):
        return "缺少命令"
    extra = _EXTRA_ARGUMENTS.search(error.message or "")
    if extra:
        return (
            f"多余的参数：{extra.group(1)}（这个命令一次只处理一个文件；"
            "多份报告可用 draftbot batch 一起处理）"
        )
    return f"用法不正确（{error.message}）"


_OS_ERRORS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EFBIG: "文件超过了系统允许的大小（磁盘配额或文件大小限制）",
    errno.EDQUOT: "超出了磁盘配额",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOENT: "找不到文件或文件夹",
}


def os_error_message(exc: OSError) -> str:
    """An operating-system error (disk full, no permission …) as a Chinese message naming the
    file; the data file itself is written atomically, so it is never left half-written."""
    reason = _OS_ERRORS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    where = f"“{exc.filename}”" if exc.filename else "文件"
    return (
        f"错误：无法读写{where}：{reason}。原有的数据文件未被改动；请腾出磁盘空间或检查权限后重试。"
    )


def unexpected_message(exc: BaseException) -> str:
    """The last-resort message for an error draftbot did not foresee (no traceback)."""
    return (
        f"错误：draftbot 遇到了未预料的问题（{type(exc).__name__}），操作未完成；"
        "数据文件未被改动。请把这条信息和所用的命令告诉维护人员。"
    )
