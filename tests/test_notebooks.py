"""The example notebooks: stored without outputs, linking pages that exist, each one running
top to bottom without an error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# A markdown link to a documentation page, as it works from notebooks/: ../docs/page.md#anchor
DOCS_LINK = re.compile(r"\]\(\.\./docs/([\w-]+\.md)(?:#([\w-]+))?\)")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _slug(heading: str) -> str:
    """The anchor myst-parser gives a heading (GitHub's rule): lower case, punctuation
    dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_there_are_numbered_notebooks():
    assert NOTEBOOKS, "notebooks/ should hold numbered example notebooks (01_..., 02_...)"
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1)), [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    dirty = [
        i
        for i, cell in enumerate(_cells(path))
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert dirty == [], f"{path.name}: cells {dirty} hold outputs or execution counts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_links_to_documentation_pages_that_exist(path):
    text = "\n".join(
        "".join(cell["source"]) for cell in _cells(path) if cell["cell_type"] == "markdown"
    )
    broken = []
    for page, anchor in DOCS_LINK.findall(text):
        target = ROOT / "docs" / page
        if not target.exists():
            broken.append(page)
            continue
        headings = re.findall(r"^#{1,3} (.+)$", target.read_text(encoding="utf-8"), re.MULTILINE)
        if anchor and anchor not in {_slug(h) for h in headings}:
            broken.append(f"{page}#{anchor}")
    assert broken == []
    # Every link to a page goes through ../docs/ (the docs build rewrites that prefix).
    assert not re.search(r"\]\((?!\.\./docs/|https?://|#)[^)]*\.md", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors


def test_the_audit_notebook_runs_on_an_export_given_in_its_parameters_cell(tmp_path):
    """What papermill does with ``-p EXPORT ...``: the cell tagged "parameters" is followed by
    one that sets the values; the notebook then audits that export, not the demo."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    import engagemetrics as em

    path = ROOT / "notebooks" / "04_quarterly_audit.ipynb"
    nb = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and nb.cells[tagged[0]].cell_type == "code"
    assert all(c.cell_type == "markdown" for c in nb.cells[: tagged[0]])  # the first code cell
    for name in ("EXPORT", "PERIOD", "PREVIOUS"):
        assert re.search(rf"^{name} = None\b", nb.cells[tagged[0]].source, re.MULTILINE), name
    export = em.datasets.demo_export("bluesky", tmp_path / "export")
    injected = nbformat.v4.new_code_cell(f'EXPORT = {str(export)!r}\nPERIOD = "2025Q3"')
    nb.cells.insert(tagged[0] + 1, injected)
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    header = next(
        out["data"]["text/plain"]
        for cell in nb.cells
        if cell.cell_type == "code" and cell.source.rstrip().endswith("report.header")
        for out in cell.outputs
        if out.get("output_type") == "execute_result"
    )
    assert "'platform': 'bluesky'" in header and "'period': '2025Q3'" in header
    assert "'demo': False" in header
