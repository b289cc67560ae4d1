"""Checks of a package's layout: the imports between its modules (a lazy import inside a function counts
too) and the size limits of the house (modules up to 400 lines, functions up to 60).

Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import REPO_ROOT

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules(package: str) -> dict[str, Path]:
    folder = REPO_ROOT.joinpath(*package.split("."))
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(REPO_ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_within(package: str) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports anywhere in its code (the package itself left out)."""
    modules = _modules(package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                edges.add(node.module)
                edges.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names)
        graph[name] = {edge for edge in edges if edge in modules and edge not in (name, package)}
    return graph


def import_cycles(package: str) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted; [] when layered."""
    graph = imports_within(package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(cycles)


def oversized(package: str) -> list[str]:
    """``path: N lines`` for each module or function of ``package`` over the limits."""
    found: list[str] = []
    for path in _modules(package).values():
        text = path.read_text(encoding="utf-8")
        shown = path.relative_to(REPO_ROOT)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found.append(f"{shown}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{shown}:{node.lineno} {node.name}(): {length} lines")
    return found
