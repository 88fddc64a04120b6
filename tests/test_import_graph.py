"""The stages import only downward, extract <- normalize <- load <- pipeline <- cli,
and no module imports itself round a circle. Every import counts: a function-level
one too (it runs as surely as a top-level one, only later)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lower first. report/ renders what load reads, for the CLI's `report` command.
STAGES = ["extract", "normalize", "load", "report", "pipeline", "cli"]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {_module_name(p): p for stage in STAGES for p in (ROOT / stage).rglob("*.py")}


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project's modules `name` imports, anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # `from pkg import mod` imports pkg.mod; `from mod import name` imports mod.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:  # `import a.b.c` of a module a.b with attribute c
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def stage_of(module: str) -> int:
    return STAGES.index(module.split(".")[0])


def test_stages_import_only_downward():
    upward = sorted(
        f"{m} imports {t}" for m, targets in graph().items() for t in targets if stage_of(t) > stage_of(m)
    )
    assert upward == []


def circles(g: dict[str, set[str]]) -> list[set[str]]:
    """The modules that import one another round a circle, one set per circle
    (strongly connected components of more than one module, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        for t in sorted(g.get(m, ())):
            if t not in index:
                visit(t)
                low[m] = min(low[m], low[t])
            elif t in stack:
                low[m] = min(low[m], index[t])
        if low[m] == index[m]:
            comp = set()
            while True:
                t = stack.pop()
                comp.add(t)
                if t == m:
                    break
            if len(comp) > 1:
                found.append(comp)

    for m in sorted(g):
        if m not in index:
            visit(m)
    return found


def test_no_import_circles():
    assert circles(graph()) == []


def test_the_walk_sees_function_level_imports_and_circles():
    """The checker itself: it finds a circle made of a function-level import."""
    g = graph()
    assert "extract.container" in g["pipeline.file"]
    assert "cli.diff_view" in g["cli.main"]  # imported inside a command
    assert {"extract.model", "normalize.model"} in circles({**g, "extract.model": g["extract.model"] | {"normalize.model"}})
