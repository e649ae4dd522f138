"""The import graph, built from the source with the standard library: no loop
between packages, every package below the ones that use it (``LAYERS``), and
no first-party import hidden inside a function to dodge a loop.

Test modules are leaves: nothing imports them, so they may import any
package and are left out of the graph."""

from __future__ import annotations

import ast
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

from changan_site.layers import LAYERS, ORDER

ROOT = Path(__file__).resolve().parents[2]
NOT_CODE = {".venv", "node_modules", "build", "dist", "var", ".git"}
# Benchmark scripts import the app code after django.setup(), and a data
# migration's function imports the helper it runs when it runs: nothing
# imports either, so an import inside their functions hides no loop.
LATE_IMPORTS_ALLOWED = {"bench"}
MAX_LINES = 800


def packages() -> set[str]:
    return {p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in NOT_CODE}


def is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def modules():
    for package in sorted(packages()):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if not is_test(relative):
                yield package, relative, ast.parse(path.read_text(encoding="utf-8"), str(relative))


def imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module.split(".")[0]]
    return []


def late_imports(tree: ast.Module, first_party: set[str]):
    """First-party imports inside a function body, outside an AppConfig's
    ``ready()`` (where Django expects handlers to be registered)."""
    for parent in ast.walk(tree):
        for function in ast.iter_child_nodes(parent):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(parent, ast.ClassDef) and function.name == "ready":
                continue
            if not isinstance(parent, ast.Module | ast.ClassDef):
                continue  # a function inside a function: its outer one reports it
            for node in ast.walk(function):
                if any(name in first_party for name in imported(node)):
                    yield function.name, node.lineno, ast.unparse(node)


def graph() -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> where (file:line)."""
    first_party = packages()
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for package, path, tree in modules():
        for node in ast.walk(tree):
            for name in imported(node):
                if name in first_party and name != package:
                    edges[package][name].append(f"{path}:{node.lineno}")
    return edges


def find_cycle(edges) -> list[str] | None:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for target in sorted(edges.get(node, {})):
            if found := visit(target, [*path, node]):
                return found
        done.add(node)
        return None

    for start in sorted(edges):
        if found := visit(start, []):
            return found
    return None


def test_every_package_has_a_layer():
    assert packages() - set(ORDER) == set(), "add the new package to changan_site/layers.py"
    assert len(ORDER) == len(set(ORDER))
    assert [name for name, _ in LAYERS]


def test_no_loop_between_packages():
    edges = graph()
    cycle = find_cycle(edges)
    where = [f"{a} -> {b}: {edges[a][b][0]}" for a, b in pairwise(cycle)] if cycle else []
    assert cycle is None, "import loop:\n" + "\n".join(where)


def test_each_package_imports_only_packages_below_it():
    rank = {package: i for i, package in enumerate(ORDER)}
    upward = [
        f"{package} imports {target} ({places[0]})"
        for package, targets in graph().items()
        for target, places in targets.items()
        if rank[target] > rank[package]
    ]
    assert upward == []


def test_no_first_party_import_inside_a_function():
    first_party = packages()
    late = [
        f"{path}:{line} in {function}(): {statement}"
        for package, path, tree in modules()
        if package not in LATE_IMPORTS_ALLOWED and "migrations" not in path.parts
        for function, line, statement in late_imports(tree, first_party)
    ]
    assert late == []


def test_no_module_over_800_lines():
    long = []
    for package in packages():
        for path in (ROOT / package).rglob("*.py"):
            lines = path.read_text(encoding="utf-8").count("\n")
            if "migrations" not in path.parts and lines > MAX_LINES:
                long.append(f"{path.relative_to(ROOT)}: {lines}")
    assert long == []


def test_the_checks_see_a_loop_and_a_late_import():
    # The checks themselves, on a made-up graph and module: a broken check
    # would pass every real tree.
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": []}, "b": {}}) is None
    tree = ast.parse(
        "import cases\n"
        "class Config:\n    def ready(self):\n        import cases\n"
        "def f():\n    import json\n    from cases import services\n"
    )
    assert [(f, line) for f, line, _ in late_imports(tree, {"cases"})] == [("f", 7)]
