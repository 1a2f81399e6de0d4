"""Every public function and class has a numpydoc docstring whose Examples section holds a
doctest (pytest runs them with --doctest-modules), and its sections parse with numpydoc."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import engagemetrics as em
from engagemetrics import datasets, plotting


def _public() -> dict[str, Any]:
    names: dict[str, Any] = {}
    for name in em.__all__:
        obj = getattr(em, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            continue  # exception classes are documented by the errors that raise them
        if inspect.isfunction(obj) or inspect.isclass(obj):
            names[f"em.{name}"] = obj
    for module, prefix in ((plotting, "em.plot"), (datasets, "em.datasets")):
        for name in getattr(module, "__all__", dir(module)):
            obj = getattr(module, name)
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__.startswith(module.__name__):
                names[f"{prefix}.{name}"] = obj
    return names


PUBLIC = _public()


def test_there_are_public_names():
    assert len(PUBLIC) > 40


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_docstring_has_a_running_example(name: str) -> None:
    obj = PUBLIC[name]
    doc = inspect.getdoc(obj) or ""
    numpydoc = pytest.importorskip("numpydoc.docscrape")
    parsed = numpydoc.FunctionDoc(obj) if not inspect.isclass(obj) else numpydoc.ClassDoc(obj)
    examples = "\n".join(parsed["Examples"])
    assert ">>>" in examples, f"{name}: its docstring has no Examples section with a doctest"
    assert doc.splitlines()[0].strip(), f"{name}: no summary line"
