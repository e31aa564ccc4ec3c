"""The package's modules import one another in one direction: no cycle anywhere (the core, the command
line and the web application alike), and no core module reaches for the command line or the web
application (nor Django), which sit on top of it.

Read from the source with ``ast``, imports inside functions included (they form a cycle as well, only
later), imports under ``if TYPE_CHECKING:`` left out (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
SHELLS = ("xephang.cli", "xephang.web", "xephang.__main__")


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in sorted((SRC / "xephang").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts.pop()
        out[".".join(parts)] = (path, package)
    return out


def _type_checking_only(tree: ast.AST) -> set[int]:
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skip


def _source(node: ast.ImportFrom, here: str) -> str:
    """The module a ``from ... import`` reads from, relative imports resolved against package ``here``."""
    if not node.level:
        return node.module or ""
    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(name: str, path: Path, package: bool, modules) -> set[str]:
    """Every module ``name`` imports (``from pkg import mod`` counts as ``pkg.mod`` when it is one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    here = name if package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            target = _source(node, here)
            subs = {f"{target}.{a.name}" for a in node.names} & modules.keys()
            found |= subs or {target}
    return found - {name}


def _graph():
    modules = _modules()
    return {name: _imports(name, path, package, modules) for name, (path, package) in modules.items()}


def _core(name: str) -> bool:
    return name.startswith("xephang") and not name.startswith(SHELLS)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read():
    graph = _graph()
    assert "xephang.pipeline" in graph["xephang.cli.period"]
    assert {"xephang.scoring", "xephang.ranking", "xephang.datasets"} <= graph["xephang.pipeline"]
    # an import inside a function counts
    assert "xephang.io" in graph["xephang.pipeline"]


def test_the_core_has_no_import_cycle():
    graph = _graph()
    core = {m: {t for t in targets if _core(t)} for m, targets in graph.items() if _core(m)}
    assert _cycles(core) == []


def test_the_package_has_no_import_cycle():
    """The web application included: each of its rules lives in one module that the modules using it
    import, never the other way round as well (models -> frozen, immutable; integrity -> models)."""
    graph = _graph()
    package = {m: {t for t in targets if t.startswith("xephang")} for m, targets in graph.items()}
    cycles = _cycles(package)
    assert cycles == [], "\n".join(
        " -> ".join(f"{m} ({', '.join(sorted(package[m] & set(c)))})" for m in c) for c in cycles
    )


def test_the_web_models_import_none_of_the_modules_built_on_them():
    """``models`` guards its rows with ``frozen`` and ``immutable``, which know no model by import: the
    verification (``integrity``), publication and scoring sit above the models."""
    graph = _graph()
    assert {"xephang.web.frozen", "xephang.web.immutable"} <= graph["xephang.web.models"]
    for below in ("xephang.web.frozen", "xephang.web.immutable"):
        assert not {t for t in graph[below] if t.startswith("xephang.web")}, below
    assert "xephang.web.models" in graph["xephang.web.integrity"]


def test_the_cycle_finder_finds_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_core_imports_neither_the_command_line_nor_the_web():
    wrong = {
        (m, t)
        for m, targets in _graph().items()
        if _core(m)
        for t in targets
        if t.startswith(("xephang.cli", "xephang.web", "django"))
    }
    assert wrong == set()


def test_no_package_reaches_for_another_packages_private_names():
    """A helper another package needs is public where it lives (``xephang.display`` for wordings), so
    a change to a private helper stays inside its own package."""
    modules = _modules()
    wrong = []
    for name, (path, package) in modules.items():
        here = name if package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            target = _source(node, here)
            if target.startswith("xephang.") and target.split(".")[1] != name.split(".")[1]:
                wrong += [
                    f"{name}: {target}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert wrong == []


def test_every_import_of_the_package_names_a_module_that_exists():
    """A module moved to another package keeps no relative import pointing at its old neighbours."""
    modules = _modules()
    missing = {
        (m, t) for m, targets in _graph().items() for t in targets if t.startswith("xephang") and t not in modules
    }
    assert missing == set()


if __name__ == "__main__":  # the figures: python tests/test_import_graph.py
    graph = _graph()
    package = {m: {t for t in targets if t.startswith("xephang")} for m, targets in graph.items()}
    cycles = _cycles(package)
    print(f"modules {len(package)}, imports between them {sum(map(len, package.values()))}, cycles {len(cycles)}")
    for c in cycles:
        print("  " + ", ".join(c))
