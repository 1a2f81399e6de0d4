"""The shape of the package, read from its source with ``ast``: imports run one way.

* the import graph of ``src/engagemetrics`` (imports inside functions included, so a late
  import cannot hide a cycle; ``if TYPE_CHECKING:`` blocks excluded, they never run) has
  no cycle;
* no module takes another module's private names (``from .x import _y``, ``x._y``);
* the data model (exceptions, ledger, schema, derive, coverage, archive) imports neither
  the readers (``io``) nor the metrics;
* ``metrics/`` imports downward only: definitions, then input preparation, then kernels
  and expressions, then one module per family, then ego and per-period assembly.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "engagemetrics"
MODEL = {
    "engagemetrics.exceptions",
    "engagemetrics.ledger",
    "engagemetrics.schema",
    "engagemetrics.derive",
    "engagemetrics.coverage",
    "engagemetrics.archive",
}
METRIC_LAYERS = {
    "_definitions": 1,
    "_prepare": 2,
    "_kernels": 3,
    "_frames": 3,
    "_assemble": 3,
    "graph": 3,
    "reciprocity": 4,
    "concentration": 4,
    "conversation": 4,
    "accounts": 4,
    "periods": 5,
    "ego": 5,
    # change over time (snapshots, cohorts, engagement lift): reads the period convention
    "change": 5,
}
# relationships and two-way conversations (issue 9, part A)
METRIC_LAYERS.update({"twoway": 4, "relationships": 4})


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(module: str, level: int, target: str | None) -> str:
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


class _Imports(ast.NodeVisitor):
    """Every engagemetrics module a file imports, and the private names it takes."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.edges: set[str] = set()
        self.private: list[str] = []
        self.aliases: dict[str, str] = {}  # local name -> engagemetrics module

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.startswith("engagemetrics"):
                self.edges.add(alias.name)
                self.aliases[alias.asname or alias.name] = alias.name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            source = _resolve(self.module, node.level, node.module)
        else:
            source = node.module or ""
        if not source.startswith("engagemetrics"):
            return
        for alias in node.names:
            candidate = f"{source}.{alias.name}"
            if candidate in MODULES:
                self.edges.add(candidate)
                self.aliases[alias.asname or alias.name] = candidate
            else:
                self.edges.add(source)
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    self.private.append(f"from {source} import {alias.name}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        value = node.value
        if (
            isinstance(value, ast.Name)
            and value.id in self.aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and f"{self.aliases[value.id]}.{node.attr}" not in MODULES
        ):
            self.private.append(f"{self.aliases[value.id]}.{node.attr}")
        self.generic_visit(node)


def _read(module: str) -> _Imports:
    visitor = _Imports(module)
    visitor.visit(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    return visitor


IMPORTS = {module: _read(module) for module in MODULES}


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, found in IMPORTS.items():
        # importing a submodule runs its package's __init__ first; that edge is implied
        graph[module] = {m for m in found.edges if m != module and m in MODULES}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_checker_finds_a_cycle_and_a_private_name():
    # the checker itself: a cycle through a late import is a cycle
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    late = _Imports("engagemetrics.metrics.accounts")
    late.visit(ast.parse("def f():\n    from .ego import ego_metrics\n    from .x import _y\n"))
    assert "engagemetrics.metrics.ego" in late.edges
    assert late.private == ["from engagemetrics.metrics.x import _y"]


def test_no_import_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_no_module_takes_another_modules_private_names():
    taken = {module: found.private for module, found in IMPORTS.items() if found.private}
    assert taken == {}


@pytest.mark.parametrize("module", sorted(MODEL))
def test_the_data_model_imports_no_reader_and_no_metric(module):
    upward = {m for m in IMPORTS[module].edges
              if m.startswith(("engagemetrics.io", "engagemetrics.metrics"))}
    assert upward == set()


def test_metrics_import_downward_only():
    assert set(METRIC_LAYERS) == {
        m.rsplit(".", 1)[1] for m in MODULES if m.startswith("engagemetrics.metrics.")
    }
    wrong = []
    for short, layer in METRIC_LAYERS.items():
        module = f"engagemetrics.metrics.{short}"
        for target in IMPORTS[module].edges:
            if target.startswith("engagemetrics.io"):
                wrong.append(f"{module} imports the reader {target}")
            if target.startswith("engagemetrics.metrics."):
                other = target.rsplit(".", 1)[1]
                if METRIC_LAYERS[other] > layer:
                    wrong.append(f"{module} (layer {layer}) imports {other} (layer "
                                 f"{METRIC_LAYERS[other]})")
    assert wrong == []
