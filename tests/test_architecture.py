"""The shape of the code (issue 11, "Must show"; docs/architecture.md): no import circle between the
project's modules, no module over 600 lines and no function over 60 lines outside migrations and
tests, and the apps import one way.

The lists of present breaches below may only shrink: a breach not listed fails, and so does a listed
one that is gone (delete its line).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "bench", "contacts", "deputies", "feedback", "ops", "reports", "songjiang_liaison")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60

# Circles closed only through imports inside functions (deferred to call time). Each entry is a set of
# modules that import each other; a circle must stay within one entry.
KNOWN_CIRCLES = ()
LONG_MODULES: set[str] = set()
LONG_FUNCTIONS: set[str] = set()
# Which app may import which (docs/architecture.md): accounts is the ground floor, the registry
# (deputies) stands on it, activities (contacts) point at opinions (feedback), reports read them all.
# `ops` and `songjiang_liaison` (the project package: settings, API base, menu) are shared plumbing.
MAY_IMPORT = {
    "accounts": {"ops", "songjiang_liaison"},
    "deputies": {"accounts", "ops", "songjiang_liaison"},
    "feedback": {"accounts", "deputies", "ops", "songjiang_liaison"},
    "contacts": {"accounts", "deputies", "feedback", "ops", "songjiang_liaison"},
    "reports": {"accounts", "deputies", "feedback", "contacts", "ops", "songjiang_liaison"},
}
# Imports against those directions that are still to be moved (issue 11, item 9): "module -> app".
KNOWN_WRONG_WAY: set[str] = set()


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and "tests" not in path.parts:
                yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in _sources()}


def _targets(module: str, node, is_package: bool) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = module.split(".") if is_package else module.split(".")[:-1]
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
    found = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)
    return found


def _graph(*, deferred: bool) -> dict[str, set[str]]:
    """module -> the project modules it imports (at import time only, or also inside functions)."""
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if deferred:
            nodes = ast.walk(tree)
        else:
            nodes = (
                n
                for top in tree.body
                if not isinstance(top, ast.FunctionDef | ast.ClassDef)
                for n in ast.walk(top)
            )
        edges = set()
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges |= _targets(module, node, path.name == "__init__.py")
        graph[module] = edges
    return graph


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(component)
    return circles


def test_no_import_circle_at_import_time():
    assert _circles(_graph(deferred=False)) == []


def test_circles_through_deferred_imports_only_shrink():
    circles = _circles(_graph(deferred=True))
    new = [sorted(c) for c in circles if not any(c <= known for known in KNOWN_CIRCLES)]
    gone = [sorted(k) for k in KNOWN_CIRCLES if not any(c <= k for c in circles)]
    assert new == [], "a new import circle (move the shared code down, or import one way)"
    assert gone == [], "this circle is gone: delete it from KNOWN_CIRCLES"


def test_the_circle_engine_tasks_privacy_workflow_is_gone():
    graph = _graph(deferred=True)
    assert not any(m.startswith("feedback.workflow") for m in graph["feedback.privacy"])


def _breaches():
    modules, functions = set(), set()
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT).as_posix()
        if len(source.splitlines()) > MAX_MODULE_LINES:
            modules.add(name)
        for node in ast.walk(ast.parse(source)):
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                functions.add(f"{name}:{node.name}")
    return modules, functions


def test_no_new_long_module_or_function():
    modules, functions = _breaches()
    assert modules - LONG_MODULES == set(), f"over {MAX_MODULE_LINES} lines: split by subject"
    assert functions - LONG_FUNCTIONS == set(), f"over {MAX_FUNCTION_LINES} lines: split it"
    assert LONG_MODULES - modules == set(), "no longer too long: delete it from LONG_MODULES"
    assert LONG_FUNCTIONS - functions == set(), "no longer too long: delete it from LONG_FUNCTIONS"


def test_apps_import_one_way():
    wrong = set()
    for module, targets in _graph(deferred=True).items():
        app = module.split(".")[0]
        if app not in MAY_IMPORT:
            continue
        for target in targets:
            other = target.split(".")[0]
            if other != app and other not in MAY_IMPORT[app]:
                wrong.add(f"{module} -> {other}")
    assert wrong - KNOWN_WRONG_WAY == set(), "against the import directions of docs/architecture.md"
    assert KNOWN_WRONG_WAY - wrong == set(), "moved: delete it from KNOWN_WRONG_WAY"
