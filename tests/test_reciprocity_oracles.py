"""Property tests: reciprocity metrics against networkx and igraph on multigraphs with loops."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagemetrics.exceptions import DataQualityWarning
from engagemetrics.metrics.reciprocity import (
    dyad_census,
    follow_counts,
    reciprocity,
    reciprocity_rho,
)


def _ig():
    """igraph, or a skip of the one test that needs it (networkx tests run regardless)."""
    return pytest.importorskip("igraph", reason="igraph is not installed (pip install igraph)")


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def edge_lists(draw: st.DrawFn) -> tuple[list[tuple[int, int]], str]:
    """Up to 30 accounts and 80 edges, self-follows and duplicates likely; an id kind."""
    n = draw(st.integers(min_value=1, max_value=30))
    node = st.integers(min_value=0, max_value=n - 1)
    edges = draw(st.lists(st.tuples(node, node), min_size=1, max_size=80))
    # Force some duplicates and loops into the draw, which random pairs rarely give.
    if draw(st.booleans()):
        edges += draw(st.lists(st.sampled_from(edges), max_size=10))
    if draw(st.booleans()):
        edges += [(u, u) for u in draw(st.lists(node, max_size=4))]
    kind = draw(st.sampled_from(["dense int", "sparse int", "str"]))
    return edges, kind


def _ids(edges: list[tuple[int, int]], kind: str) -> list[tuple[object, object]]:
    if kind == "dense int":
        return edges
    if kind == "sparse int":  # a range far larger than the edge count: factorized, still ints
        return [(u * 10**12 + 7, v * 10**12 + 7) for u, v in edges]
    return [(f"acct{u}", f"acct{v}") for u, v in edges]


def _frame(edges: list[tuple[object, object]]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["source", "target"])


def _igraph(edges: list[tuple[object, object]], *, collapse: bool) -> object:
    ig = _ig()
    names = sorted({x for e in edges for x in e}, key=str)
    index = {name: i for i, name in enumerate(names)}
    graph = ig.Graph(n=len(names), edges=[(index[u], index[v]) for u, v in edges], directed=True)
    if collapse:
        graph.simplify(multiple=True, loops=False)
    return graph


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return function(*args, **kwargs)


def _same(ours: float, theirs: float) -> bool:
    return (math.isnan(ours) and math.isnan(theirs)) or math.isclose(ours, theirs, abs_tol=1e-12)


@SETTINGS
@given(edge_lists(), st.sampled_from(["collapse", "keep"]))
def test_unreciprocated_loops_match_networkx_overall_reciprocity(drawn, multi):
    edges, kind = drawn
    edges = _ids(edges, kind)
    graph = nx.MultiDiGraph(edges) if multi == "keep" else nx.DiGraph(edges)
    expected = nx.overall_reciprocity(graph)  # counts a loop as an unreciprocated arc
    assert _same(reciprocity(_frame(edges), loops="unreciprocated", multi=multi), expected)


@SETTINGS
@given(edge_lists(), st.sampled_from(["collapse", "keep"]))
def test_dropped_loops_match_networkx_without_self_loops(drawn, multi):
    edges, kind = drawn
    edges = _ids(edges, kind)
    graph = nx.MultiDiGraph(edges) if multi == "keep" else nx.DiGraph(edges)
    graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    ours = _quiet(reciprocity, _frame(edges), loops="drop", multi=multi)
    if graph.number_of_edges() == 0:
        assert math.isnan(ours)
    else:
        assert _same(ours, nx.overall_reciprocity(graph))


@SETTINGS
@given(
    edge_lists(),
    st.sampled_from(["drop", "mutual"]),
    st.sampled_from(["collapse", "keep"]),
    st.sampled_from(["arcs", "pairs"]),
)
def test_reciprocity_matches_igraph(drawn, loops, multi, unit):
    edges, kind = drawn
    edges = _ids(edges, kind)
    graph = _igraph(edges, collapse=multi == "collapse")
    ignore_loops = loops == "drop"
    mode = "default" if unit == "arcs" else "ratio"
    ours = _quiet(reciprocity, _frame(edges), unit=unit, loops=loops, multi=multi)
    n_loops = sum(graph.is_loop())
    if ignore_loops and n_loops == graph.ecount():
        # igraph divides 0 by 0 here (NaN); ours says why in a warning and returns NaN.
        assert math.isnan(ours)
        return
    theirs = graph.reciprocity(ignore_loops=ignore_loops, mode=mode)
    assert _same(ours, theirs), (ours, theirs)


@SETTINGS
@given(edge_lists())
def test_dyad_census_matches_igraph(drawn):
    edges, kind = drawn
    edges = _ids(edges, kind)
    # igraph's census of a multigraph with loops: loops form no dyad, copies do not matter.
    theirs = tuple(_igraph(edges, collapse=False).dyad_census())
    assert tuple(dyad_census(_frame(edges))) == theirs


@SETTINGS
@given(
    edge_lists(),
    st.sampled_from(["drop", "mutual", "unreciprocated"]),
    st.sampled_from(["collapse", "keep"]),
)
def test_follow_counts_match_networkx_degrees(drawn, loops, multi):
    edges, kind = drawn
    edges = _ids(edges, kind)
    graph = nx.MultiDiGraph(edges) if multi == "keep" else nx.DiGraph(edges)
    nodes = sorted(graph.nodes)
    simple = nx.DiGraph(graph)
    if loops == "drop":
        graph.remove_edges_from(list(nx.selfloop_edges(graph)))

    def mutuals(u: object) -> int:
        both = set(simple.predecessors(u)) & set(simple.successors(u))
        return len(both) if loops == "mutual" else len(both - {u})

    expected = pd.DataFrame(
        {
            "followers": [graph.in_degree(u) for u in nodes],
            "following": [graph.out_degree(u) for u in nodes],
            "mutuals": [mutuals(u) for u in nodes],
        },
        index=pd.Index(nodes, name="account"),
    ).astype("Int64")
    ours = follow_counts(_frame(edges), loops=loops, multi=multi)
    pd.testing.assert_frame_equal(ours, expected, check_index_type=False)
    assert list(ours.index) == nodes
    if kind != "str":
        assert pd.api.types.is_integer_dtype(ours.index.dtype)


@SETTINGS
@given(
    edge_lists(),
    st.sampled_from(["drop", "unreciprocated"]),
    st.sampled_from(["collapse", "keep"]),
    st.integers(min_value=0, max_value=3),
)
def test_rho_matches_formula_from_networkx_counts(drawn, loops, multi, n_isolates):
    edges, kind = drawn
    edges = _ids(edges, kind)
    isolates = (
        [f"iso{i}" for i in range(n_isolates)]
        if kind == "str"
        else [-1 - i for i in range(n_isolates)]
    )
    graph = nx.MultiDiGraph(edges) if multi == "keep" else nx.DiGraph(edges)
    n = graph.number_of_nodes() + n_isolates
    if loops == "drop":
        graph.remove_edges_from(list(nx.selfloop_edges(graph)))
    arcs = graph.number_of_edges()
    ours = _quiet(reciprocity_rho, _frame(edges), accounts=isolates, loops=loops, multi=multi)
    if arcs == 0 or n < 2 or arcs >= n * (n - 1):
        assert math.isnan(ours)
        return
    r = nx.overall_reciprocity(graph)
    density = arcs / (n * (n - 1))
    assert math.isclose(ours, (r - density) / (1 - density), abs_tol=1e-12)


@SETTINGS
@given(edge_lists())
def test_dice_with_loops_as_mutuals_matches_networkx_node_reciprocity(drawn):
    edges, kind = drawn
    edges = _ids(edges, kind)
    graph = nx.DiGraph(edges)
    # networkx's node level counts a self-follow as a mutual (u in pred(u) & succ(u)).
    expected = nx.reciprocity(graph, list(graph.nodes))
    counts = follow_counts(_frame(edges), loops="mutual")
    dice = 2 * counts["mutuals"] / (counts["followers"] + counts["following"])
    assert dice.to_dict() == pytest.approx(expected)
