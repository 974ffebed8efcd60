"""Regular expressions compiled the first time they are used (issue 19: start-up).

Compiling a pattern is pure Python in `re` and costs far more than matching a short text with
it; a module that holds many patterns paid for all of them at import, although one command
uses a few (`draftbot check` of a report without prose uses none of the review's).
`lazy(pattern)` stands in for `re.compile(pattern)`: it is used like a compiled pattern (its
methods and attributes: `search`, `finditer`, `sub`, `pattern` …), compiles on the first use
and then costs a plain attribute lookup. It is not an `re.Pattern` instance: pass it to no
`re.*` function (use its methods) and do not test it with `isinstance`.
"""

from __future__ import annotations

import re
from typing import cast


class _LazyPattern:
    """A regular expression compiled the first time one of its attributes is used; each
    attribute is then cached on the instance."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> object:
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self.__dict__["_compiled"] = re.compile(self._source, self._flags)
        value = getattr(compiled, name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"lazy({self._source!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`pattern` as something used like `re.compile(pattern, flags)`, compiled when first
    used; `re.error` is raised then, not here."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
