"""docs/check_rendered.py finds what it is meant to find, on a small hand-made build.

The checker itself runs in .ci/run on the real build (links of every page, the notebook pages
opened in chromium); here its link walk is shown to catch a missing file and a missing anchor,
and to pass a build whose links all hold.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _checker():
    path = ROOT / "docs" / "check_rendered.py"
    spec = importlib.util.spec_from_file_location("check_rendered", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build(tmp_path: Path, links: str) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "style.css").write_text("body {}")
    (tmp_path / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="_static/style.css"></head><body>'
        f'<h1 id="top">x</h1>{links}<a href="https://example.org/nowhere">out</a></body></html>')
    (tmp_path / "sub" / "page.html").write_text(
        '<html><body><section id="unknown-is-not-zero"><a href="../index.html#top">up</a>'
        '<img src="../_static/style.css"></section></body></html>')
    return tmp_path


def test_a_build_whose_links_hold_passes(tmp_path):
    root = _build(tmp_path, '<a href="sub/page.html#unknown-is-not-zero">a</a><a href="#top">b</a>'
                            '<a href="sub/page.html">c</a>')
    assert _checker().broken_links(root) == []


def test_a_missing_file_and_a_missing_anchor_are_found(tmp_path):
    root = _build(tmp_path, '<a href="sub/missing.html">a</a><a href="sub/page.html#periods">b</a>'
                            '<a href="#nowhere">c</a><img src="_static/plot.png">')
    problems = _checker().broken_links(root)
    assert len(problems) == 4, problems
    assert any("sub/missing.html" in p and "no such file" in p for p in problems)
    assert any("no anchor #periods" in p for p in problems)
    assert any("no anchor #nowhere" in p for p in problems)
    assert any("_static/plot.png" in p for p in problems)


def test_the_build_folder_may_be_given_relative(tmp_path, monkeypatch):
    # .ci/run passes docs/_build/html, relative: the notebook pages are opened in chromium
    # through file:// URIs, which need an absolute path
    (tmp_path / "build").mkdir()
    root = _build(tmp_path / "build", '<a href="sub/page.html">a</a>')
    checker = _checker()
    seen: list[Path] = []
    monkeypatch.setattr(checker, "_chromium", lambda: "chromium")
    monkeypatch.setattr(checker, "missing_plots",
                        lambda built, notebooks, browser: seen.append(built) or [])
    monkeypatch.chdir(tmp_path)
    assert checker.main(["build"]) == 0
    assert seen == [root] and seen[0].is_absolute()
