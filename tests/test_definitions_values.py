"""Every reference value on docs/definitions.md, recomputed from the page itself.

The tables are parsed from the page, so that a number changed on the page (or in the code) fails
here: each cell is recomputed with engagemetrics, and with networkx or igraph where the page says
that tool gives it.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import engagemetrics as em

PAGE = Path(__file__).resolve().parents[1] / "docs" / "definitions.md"
TEXT = PAGE.read_text(encoding="utf-8")
FLAT = " ".join(TEXT.split())  # prose wraps lines: compare with whitespace collapsed

# The graphs of the graph-level table, by the label in its first column.
GRAPHS = {
    "A↔B, A→C": [("A", "B"), ("B", "A"), ("A", "C")],
    "A↔B, A→C, loop D→D": [("A", "B"), ("B", "A"), ("A", "C"), ("D", "D")],
    "1↔2, 2→3, 3→4, loop 4→4": [("1", "2"), ("2", "1"), ("2", "3"), ("3", "4"), ("4", "4")],
}
# NodeXL's per-vertex test graph: A→B, B→C, A↔C, A↔D, D↔E and an isolated F.
NODEXL = [("A", "B"), ("B", "C"), ("A", "C"), ("C", "A"), ("A", "D"), ("D", "A"),
          ("D", "E"), ("E", "D")]


def _table(header_start: str) -> list[dict[str, str]]:
    """The markdown table whose header row starts with ``header_start``, as dicts."""
    lines = TEXT.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    cells = [c.strip() for c in lines[at].strip("|").split("|")]
    rows = []
    for line in lines[at + 2:]:
        if not line.startswith("|"):
            break
        values = [c.strip() for c in line.strip("|").split("|")]
        rows.append(dict(zip(cells, values, strict=True)))
    return rows


def _first_number(cell: str) -> tuple[float, int]:
    """The first number of a cell and its count of decimals (NaN for "NaN")."""
    if cell.startswith("NaN"):
        return math.nan, 0
    text = re.match(r"-?\d+(?:\.(\d+))?", cell)
    assert text, cell
    return float(text.group(0)), len(text.group(1) or "")


def _agrees(value: float, cell: str) -> bool:
    expected, decimals = _first_number(cell)
    if math.isnan(expected):
        return math.isnan(value)
    return round(value, decimals) == expected


def _frame(edges: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["source", "target"])


def _igraph(edges: list[tuple[str, str]]):
    ig = pytest.importorskip("igraph")
    return ig.Graph.TupleList(edges, directed=True)


GRAPH_ROWS = _table("| graph | arcs, default")


def test_the_graph_level_table_lists_the_graphs_of_this_test():
    assert [row["graph"] for row in GRAPH_ROWS] == list(GRAPHS)


@pytest.mark.parametrize("row", GRAPH_ROWS, ids=lambda row: row["graph"])
def test_graph_reciprocity_reference_values(row):
    edges = GRAPHS[row["graph"]]
    follows = _frame(edges)
    g = _igraph(edges)
    cells = list(row.values())
    arcs, arcs_unrec, arcs_mutual, pairs, pairs_mutual, rho = cells[1:7]

    ours = em.reciprocity(follows)
    assert _agrees(ours, arcs)
    assert ours == pytest.approx(g.reciprocity())                       # loops ignored
    ours = em.reciprocity(follows, loops="unreciprocated")
    assert _agrees(ours, arcs_unrec)
    assert ours == pytest.approx(nx.overall_reciprocity(nx.DiGraph(edges)))
    ours = em.reciprocity(follows, loops="mutual")
    assert _agrees(ours, arcs_mutual)
    assert ours == pytest.approx(g.reciprocity(ignore_loops=False))
    ours = em.reciprocity(follows, unit="pairs")
    assert _agrees(ours, pairs)
    assert ours == pytest.approx(g.reciprocity(mode="ratio"))
    ours = em.reciprocity(follows, unit="pairs", loops="mutual")
    assert _agrees(ours, pairs_mutual)
    assert ours == pytest.approx(g.reciprocity(ignore_loops=False, mode="ratio"))

    assert _agrees(em.reciprocity_rho(follows), rho)
    with_isolate = re.search(r"\((\d\.\d+) with an isolate E", rho)
    if with_isolate:
        assert _agrees(em.reciprocity_rho(follows, accounts=["E"]), with_isolate.group(1))


def test_the_worked_example_and_the_dyad_censuses():
    # A↔B, A→C: M = 1, A = 1, n = 3, L = 3; ā = 3 / 6; ρ = (2/3 - 1/2) / (1 - 1/2) = 1/3.
    assert "arcs 2·1 / (2·1 + 1) = 0.667" in FLAT
    assert "ā = 3/6 = 0.5 and ρ = (0.667 − 0.5) / (1 − 0.5) = 0.333" in FLAT
    censuses = re.search(r"Its dyad census is \((\d+), (\d+), (\d+)\); the second graph's is "
                         r"\((\d+), (\d+), (\d+)\) .*?the third's \((\d+), (\d+), (\d+)\)", FLAT)
    assert censuses
    numbers = [int(n) for n in censuses.groups()]
    for i, edges in enumerate(GRAPHS.values()):
        census = em.dyad_census(_frame(edges))
        assert tuple(census) == tuple(numbers[3 * i: 3 * i + 3])
        # against networkx's triad-free count: mutual and asymmetric pairs of the simple graph
        simple = {(a, b) for a, b in edges if a != b}
        mutual = sum((b, a) in simple for a, b in simple) // 2
        assert census.mutual == mutual and census.asymmetric == len(simple) - 2 * mutual


def test_duplicate_edges():
    edges = [("A", "B"), ("A", "B"), ("B", "A")]
    follows = _frame(edges)
    multigraph = nx.MultiDiGraph(edges)
    g = _igraph(edges)
    assert ("`multi=\"collapse\"` (the default, as NodeXL) gives 1.0 in arcs and in pairs"
            in FLAT)
    assert em.reciprocity(follows) == 1.0 and em.reciprocity(follows, unit="pairs") == 1.0
    assert "`multi=\"keep\"` gives 0.667 in arcs" in FLAT and "and 0.5 in pairs" in FLAT
    keep = em.reciprocity(follows, multi="keep")
    assert round(keep, 3) == 0.667
    assert keep == pytest.approx(nx.overall_reciprocity(multigraph)) == pytest.approx(
        g.reciprocity())
    keep_pairs = em.reciprocity(follows, unit="pairs", multi="keep")
    assert keep_pairs == 0.5 == pytest.approx(g.reciprocity(mode="ratio"))
    assert "ρ is undefined (NaN) on it" in FLAT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(em.reciprocity_rho(follows))


def test_arcs_and_pairs_are_tied_and_kwak_converts():
    # r = 2 r_d / (1 + r_d) on every graph of the table
    for edges in GRAPHS.values():
        follows = _frame(edges)
        r_d = em.reciprocity(follows, unit="pairs")
        assert em.reciprocity(follows) == pytest.approx(2 * r_d / (1 + r_d))
    assert "2 × 0.221 / 1.221 = 0.362" in FLAT
    assert round(2 * 0.221 / 1.221, 3) == 0.362


NODE_ROWS = _table("| account | followers | following | mutuals")
NODE_COLUMNS = {
    "followers": "followers", "following": "following", "mutuals": "mutuals",
    "follow ratio": "follow_ratio", "follow-back rate": "follow_back_rate",
    "reciprocation rate": "reciprocation_rate", "Dice (networkx)": "reciprocity_dice",
    "Jaccard (NodeXL)": "reciprocity_jaccard",
}


def test_the_node_level_table_covers_nodexls_test_graph():
    assert [row["account"] for row in NODE_ROWS] == list("ABCDEF")
    assert set(NODE_ROWS[0]) == {"account", *NODE_COLUMNS}


@pytest.mark.parametrize("row", NODE_ROWS, ids=lambda row: row["account"])
def test_node_reciprocity_reference_values(row):
    metrics = em.account_metrics(_frame(NODEXL), accounts=["F"])
    ours = metrics.loc[row["account"]]
    for page_column, column in NODE_COLUMNS.items():
        value = ours[column]
        value = math.nan if pd.isna(value) else float(value)
        assert _agrees(value, row[page_column]), (page_column, value, row[page_column])
    graph = nx.DiGraph(NODEXL)
    graph.add_node("F")
    if graph.degree(row["account"]):
        assert ours["reciprocity_dice"] == pytest.approx(nx.reciprocity(graph, row["account"]))
    # Jaccard by hand from the sets: mutuals / (followers + following - mutuals)
    out = {b for a, b in NODEXL if a == row["account"]}
    into = {a for a, b in NODEXL if b == row["account"]}
    union = len(out | into)
    jaccard = len(out & into) / union if union else math.nan
    assert _agrees(jaccard, row["Jaccard (NodeXL)"])


@pytest.mark.parametrize(
    ("values", "gini", "entropy"),
    [((1, 1, 2), "0.167", "0.946"), ((3, 1, 0, 0), "0.625", "0.406")],
)
def test_concentration_reference_values(values, gini, entropy):
    # (1, 1, 2): sorted 1, 1, 2; Σ (2i - k - 1) x = -2 + 0 + 4 = 2; k Σx = 12; G = 1/6.
    listed = ", ".join(map(str, values))
    assert re.search(rf"\({listed}\) gives? G = (?:[^=]+ = )?{gini} and J = {entropy}", FLAT)
    assert _agrees(em.gini(list(values)), gini)
    assert _agrees(em.normalized_entropy(list(values)), entropy)
    shares = [v / sum(values) for v in values if v]
    by_hand = -sum(p * math.log(p) for p in shares) / math.log(len(values))
    assert _agrees(by_hand, entropy)


def test_concentration_edge_cases():
    assert "a single interlocutor gives G = 0.0 and J = 1.0; no reply gives NaN for both" in FLAT
    assert em.gini([5]) == 0.0 and em.normalized_entropy([5]) == 1.0
    assert math.isnan(em.gini([])) and math.isnan(em.normalized_entropy([]))
