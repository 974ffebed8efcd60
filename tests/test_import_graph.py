"""The import graph of src/draftbot: no cycles, and no library module imports the CLI or web.

The graph is read from the source with `ast` (nothing is imported): every `import` and
`from … import …` of a draftbot module, including `from . import x` and imports inside
functions (a deferred import that closes a cycle is still a cycle; only imports under
`if TYPE_CHECKING:` are left out, they never run). Importing `a.b.c` also runs `a.b`'s
`__init__`, so a module depends on every package above what it imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import draftbot

PACKAGE = Path(draftbot.__file__).parent
UPPER_LAYERS = ("draftbot.web", "draftbot.cli", "draftbot.__main__")


def _modules() -> dict[str, tuple[Path, bool]]:
    out: dict[str, tuple[Path, bool]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif not _is_type_checking(node):
            todo.extend(ast.iter_child_nodes(node))
    return found


def _targets(node: ast.Import | ast.ImportFrom, here: str, modules: set[str]) -> set[str]:
    """The draftbot modules one import statement runs (with the packages above them)."""
    if isinstance(node, ast.Import):
        named = {alias.name for alias in node.names}
    else:
        if node.level:
            base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
            module = ".".join([*base, node.module] if node.module else base)
        else:
            module = node.module or ""
        named = {module} | {f"{module}.{alias.name}" for alias in node.names}
    out = set()
    for name in named:
        parts = name.split(".")
        out |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return {name for name in out if name in modules}


def import_graph() -> dict[str, set[str]]:
    """Module → the draftbot modules it imports (a package's own parents left out)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        here = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps: set[str] = set()
        for node in _imports(tree):
            deps |= _targets(node, here, set(modules))
        graph[name] = {d for d in deps if d != name and not name.startswith(d + ".")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, …, a], or [] when the graph has none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def test_the_graph_is_read_from_the_real_package() -> None:
    graph = import_graph()
    assert {"draftbot.checks", "draftbot.findings", "draftbot.paths", "draftbot.review"} <= set(
        graph
    )
    # the reader sees relative, deferred and `from . import x` imports
    assert "draftbot.findings" in graph["draftbot.checks"]
    assert "draftbot.paths" in graph["draftbot.findings"]
    assert "draftbot.questions" in graph["draftbot.interview"]
    assert "draftbot.drafting.llm" in graph["draftbot.freetext_llm"]  # imported inside a function


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_the_package() -> None:
    cycle = find_cycle(import_graph())
    assert not cycle, "import cycle: " + " → ".join(cycle)


def test_the_library_never_imports_the_cli_or_the_web_app() -> None:
    upward = sorted(
        f"{name} → {dep}"
        for name, deps in import_graph().items()
        if not name.startswith(UPPER_LAYERS)
        for dep in deps
        if dep.startswith(UPPER_LAYERS)
    )
    assert upward == []
