"""The package's import graph has no cycles (deferred imports inside functions count too), and
its layers import downwards only: scenarios → teams → agents → checks → backends → tools."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agents", "backends", "checks", "scenarios", "teams", "tools")
# Higher layers may import lower ones, never the reverse (run.py, serve.py and config.py
# sit on top; errors.py is shared by all).
LAYERS = ("scenarios", "teams", "agents", "checks", "backends", "tools")


def _modules() -> dict[str, Path]:
    found = {p.stem: p for p in ROOT.glob("*.py") if p.stem not in ("__init__", "conftest")}
    for package in PACKAGES:
        for path in (ROOT / package).glob("*.py"):
            found[f"{package}.{path.stem}" if path.stem != "__init__" else package] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports, wherever in the file the import stands."""
    package = name.split(".")[:-1] if "." in name and path.stem != "__init__" else name.split(".")[:1] * (
        path.stem == "__init__")
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and node.module.startswith("agentsynth"):
                module = node.module.removeprefix("agentsynth").lstrip(".")
            else:
                continue
            targets = [f"{module}.{alias.name}" if module else alias.name for alias in node.names] + [module]
        elif isinstance(node, ast.Import):
            targets = [a.name.removeprefix("agentsynth.") for a in node.names if a.name.startswith("agentsynth.")]
        for target in targets:
            if target in modules and target != name:
                found.add(target)
                break
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_layers_import_downwards_only():
    upward = []
    for module, imported in _graph().items():
        layer = module.split(".")[0]
        if layer not in LAYERS:
            continue
        for target in imported:
            other = target.split(".")[0]
            if other in LAYERS and LAYERS.index(other) < LAYERS.index(layer):
                upward.append(f"{module} imports {target}")
    assert sorted(upward) == []


def test_the_graph_sees_deferred_and_relative_imports():
    graph = _graph()
    assert "backends.local_llama" in graph["backends.models"]  # imported inside a function
    assert "checks.base" in graph["checks.qa"]
