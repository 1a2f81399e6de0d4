"""Reciprocity metrics: METRICS.md section 2 reference values, conventions, errors, id dtypes."""

from __future__ import annotations

import math
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.exceptions import (
    ColumnTypeError,
    DataQualityWarning,
    InvalidArgumentError,
    MissingColumnsError,
    UnsupportedBackendError,
)
from engagemetrics.metrics import _kernels
from engagemetrics.metrics.reciprocity import (
    DyadCensus,
    dyad_census,
    follow_counts,
    reciprocity,
    reciprocity_rho,
)


def frame(edges: list[tuple[object, object]]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["source", "target"])


# The reference graphs of METRICS.md section 2.
G1 = [("A", "B"), ("B", "A"), ("A", "C")]
G2 = [*G1, ("D", "D")]  # plus isolate E, passed as accounts=
G3 = [("A", "B"), ("A", "B"), ("B", "A")]
G4 = [(1, 2), (2, 1), (2, 3), (3, 4), (4, 4)]


@pytest.fixture(params=["packed key", "lexsort"])
def kernel(request, monkeypatch):
    """Run a test with the packed-key sort and again with the lexsort fallback."""
    if request.param == "lexsort":
        monkeypatch.setattr(_kernels, "_MAX_CODE_BITS", 0)
    return request.param


# --------------------------------------------------------------------------- reference table
# (graph, keywords, expected): every cell of the table, expected values by hand.
REFERENCE = [
    # A<->B, A->C
    pytest.param(G1, {"loops": "unreciprocated"}, 2 / 3, id="g1-networkx-overall"),
    pytest.param(G1, {"loops": "drop"}, 2 / 3, id="g1-igraph-default-loops-ignored"),
    pytest.param(G1, {"loops": "mutual"}, 2 / 3, id="g1-igraph-default-loops-kept"),
    pytest.param(G1, {"unit": "pairs"}, 0.5, id="g1-igraph-ratio-nodexl-pair"),
    pytest.param(G1, {}, 2 / 3, id="g1-nodexl-edge"),
    # same + loop D->D (+ isolate E, which changes only rho)
    pytest.param(G2, {"loops": "unreciprocated"}, 0.5, id="g2-networkx-overall"),
    pytest.param(G2, {"loops": "drop"}, 2 / 3, id="g2-igraph-default-loops-ignored"),
    pytest.param(G2, {"loops": "mutual"}, 0.75, id="g2-igraph-default-loops-kept"),
    pytest.param(G2, {"unit": "pairs"}, 0.5, id="g2-igraph-ratio-loops-ignored"),
    pytest.param(G2, {"unit": "pairs", "loops": "mutual"}, 0.6, id="g2-igraph-ratio-loops-kept"),
    pytest.param(G2, {}, 2 / 3, id="g2-nodexl-edge"),
    # A->B twice, B->A
    pytest.param(G3, {"multi": "keep", "loops": "unreciprocated"}, 2 / 3, id="g3-networkx"),
    pytest.param(G3, {"multi": "keep"}, 2 / 3, id="g3-igraph-default"),
    pytest.param(G3, {"multi": "keep", "unit": "pairs"}, 0.5, id="g3-igraph-ratio"),
    pytest.param(G3, {"unit": "pairs"}, 1.0, id="g3-nodexl-pair"),
    pytest.param(G3, {}, 1.0, id="g3-nodexl-edge"),
    # 1<->2, 2->3, 3->4, 4->4
    pytest.param(G4, {"loops": "unreciprocated"}, 0.4, id="g4-networkx-overall"),
    pytest.param(G4, {"loops": "drop"}, 0.5, id="g4-igraph-default-loops-ignored"),
    pytest.param(G4, {"loops": "mutual"}, 0.6, id="g4-igraph-default-loops-kept"),
    pytest.param(G4, {"unit": "pairs"}, 1 / 3, id="g4-igraph-ratio-loops-ignored"),
    pytest.param(G4, {"unit": "pairs", "loops": "mutual"}, 3 / 7, id="g4-igraph-ratio-loops-kept"),
    pytest.param(G4, {}, 0.5, id="g4-nodexl-edge"),
]


@pytest.mark.parametrize(("edges", "keywords", "expected"), REFERENCE)
def test_reference_table(edges, keywords, expected, kernel):
    assert reciprocity(frame(edges), **keywords) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("edges", "accounts", "expected"),
    [
        pytest.param(G1, None, 1 / 3, id="g1"),  # r 2/3, a 3/6
        pytest.param(G2, None, 5 / 9, id="g2-without-E"),  # 0.556: a = 3/12
        pytest.param(G2, ["E"], (2 / 3 - 3 / 20) / (1 - 3 / 20), id="g2-with-E"),  # 0.608
        pytest.param(G4, None, 0.25, id="g4"),  # r 1/2, a 4/12
    ],
)
def test_reference_rho(edges, accounts, expected, kernel):
    assert reciprocity_rho(frame(edges), accounts=accounts) == pytest.approx(expected, abs=1e-12)


def test_reference_rho_rounded_values():
    assert round(reciprocity_rho(frame(G2)), 3) == 0.556
    assert round(reciprocity_rho(frame(G2), accounts=["E"]), 3) == 0.608


@pytest.mark.parametrize("multi", ["collapse", "keep"])
def test_rho_of_a_complete_pair_is_undefined(multi):
    with pytest.warns(DataQualityWarning, match="density"):
        assert math.isnan(reciprocity_rho(frame(G3), multi=multi))


def test_rho_of_a_single_account_is_undefined():
    with pytest.warns(DataQualityWarning, match="1 account"):
        assert math.isnan(reciprocity_rho(frame([("a", "a")]), loops="unreciprocated"))


def test_reference_dyad_census(kernel):
    assert dyad_census(frame(G1)) == DyadCensus(1, 1, 1)
    # D counts as an account (its self-follow forms no dyad); E adds 4 null pairs.
    assert dyad_census(frame(G2)) == DyadCensus(mutual=1, asymmetric=1, null=4)
    assert dyad_census(frame(G2), accounts=["E"]) == DyadCensus(1, 1, 8)
    assert dyad_census(frame(G3)) == (1, 0, 0)  # duplicates never change a dyad's state
    assert dyad_census(frame(G4)) == DyadCensus(1, 2, 3)
    assert all(type(x) is int for x in dyad_census(frame(G4)))


def test_nodexl_per_vertex_pair_ratio(kernel):
    follows = frame([("A", "B"), ("B", "C"), ("A", "C"), ("C", "A"), ("A", "D"), ("D", "A")])
    follows = pd.concat([follows, frame([("D", "E"), ("E", "D")])], ignore_index=True)
    counts = follow_counts(follows, accounts=["F"])
    union = counts["followers"] + counts["following"] - counts["mutuals"]
    ratio = counts["mutuals"] / union.where(union > 0)
    assert ratio.index.tolist() == ["A", "B", "C", "D", "E", "F"]
    assert ratio.iloc[:5].tolist() == pytest.approx([2 / 3, 0, 1 / 2, 1, 1])
    assert pd.isna(ratio["F"])  # an isolate: 0 / 0, missing


def test_kwak_pairs_to_arcs():
    # 221 mutual pairs and 779 one-way pairs: 22.1% of pairs reciprocated, as Kwak et al.
    mutual = [(2 * i, 2 * i + 1) for i in range(221)] + [(2 * i + 1, 2 * i) for i in range(221)]
    one_way = [(10_000 + i, 20_000 + i) for i in range(779)]
    follows = frame(mutual + one_way)
    assert reciprocity(follows, unit="pairs") == pytest.approx(0.221)
    assert reciprocity(follows) == pytest.approx(2 * 0.221 / 1.221)
    assert round(reciprocity(follows), 3) == 0.362


def test_node_level_matches_networkx_dice_on_simple_graph():
    follows = frame([("a", "b"), ("b", "a"), ("a", "c"), ("c", "d"), ("d", "c"), ("d", "a")])
    counts = follow_counts(follows)
    dice = 2 * counts["mutuals"] / (counts["followers"] + counts["following"])
    graph = nx.DiGraph(list(follows.itertuples(index=False, name=None)))
    assert dice.to_dict() == pytest.approx(nx.reciprocity(graph, list(graph.nodes)))


# --------------------------------------------------------------------------- conventions
def test_follow_counts_loop_conventions(kernel):
    follows = frame([("a", "a"), ("a", "a"), ("a", "b"), ("b", "a"), ("c", "c")])
    dropped = follow_counts(follows)
    assert dropped.to_dict("index") == {
        "a": {"followers": 1, "following": 1, "mutuals": 1},
        "b": {"followers": 1, "following": 1, "mutuals": 1},
        "c": {"followers": 0, "following": 0, "mutuals": 0},  # only a self-follow: still listed
    }
    kept = follow_counts(follows, loops="unreciprocated")
    assert kept.loc["a"].tolist() == [2, 2, 1]  # the loop once in followers and in following
    assert kept.loc["c"].tolist() == [1, 1, 0]
    mutual = follow_counts(follows, loops="mutual")
    assert mutual.loc["a"].tolist() == [2, 2, 2]  # a is its own mutual, as networkx's node level
    assert mutual.loc["c"].tolist() == [1, 1, 1]
    multi = follow_counts(follows, loops="unreciprocated", multi="keep")
    assert multi.loc["a"].tolist() == [3, 3, 1]  # two copies of the loop


def test_follow_counts_multi_keep_counts_copies_but_not_mutuals(kernel):
    follows = frame([("a", "b"), ("a", "b"), ("a", "b"), ("b", "a"), ("c", "a")])
    collapsed = follow_counts(follows)
    kept = follow_counts(follows, multi="keep")
    assert collapsed.loc["b"].tolist() == [1, 1, 1]
    assert kept.loc["b"].tolist() == [3, 1, 1]
    assert kept.loc["a"].tolist() == [2, 3, 1]


def test_multi_keep_reciprocity_uses_min_copies(kernel):
    # 3 copies a->b and 2 b->a: 2 min(3, 2) = 4 of 5 arcs reciprocated; c->d one-way.
    follows = frame([("a", "b")] * 3 + [("b", "a")] * 2 + [("c", "d")])
    assert reciprocity(follows, multi="keep") == pytest.approx(4 / 6)
    assert reciprocity(follows) == pytest.approx(2 / 3)
    assert reciprocity(follows, multi="keep", unit="pairs") == pytest.approx((4 / 6) / (2 - 4 / 6))


def test_pairs_identity_holds_for_every_convention():
    for loops in ("drop", "mutual", "unreciprocated"):
        for multi in ("collapse", "keep"):
            r = reciprocity(frame(G4 + [(1, 2)]), loops=loops, multi=multi)
            pairs = reciprocity(frame(G4 + [(1, 2)]), loops=loops, multi=multi, unit="pairs")
            assert r == pytest.approx(2 * pairs / (1 + pairs))


def test_archive_input_gives_the_same_numbers():
    archive = em.Archive(follows=frame(G2))
    assert reciprocity(archive) == reciprocity(frame(G2))
    assert reciprocity_rho(archive, accounts=["E"]) == pytest.approx(0.6078431372549)
    assert dyad_census(archive) == (1, 1, 4)
    assert follow_counts(archive).loc["A"].tolist() == [1, 2, 1]


# --------------------------------------------------------------------------- ids
def test_integer_ids_stay_integers(kernel):
    big = 1_234_567_890_123_456_789  # a 64-bit id that a float would round
    follows = pd.DataFrame(
        {
            "source": np.array([big, 5, big], dtype=np.int64),
            "target": np.array([5, big, 7], dtype=np.int64),
        }
    )
    counts = follow_counts(follows, accounts=[3])
    assert counts.index.dtype == np.int64
    assert counts.index.name == "account"
    assert counts.index.tolist() == [3, 5, 7, big]
    assert counts.loc[big].tolist() == [1, 2, 1]
    assert counts.dtypes.tolist() == [pd.Int64Dtype()] * 3


@pytest.mark.parametrize("dtype", ["int64", "int32", "Int64", "uint64", "int64[pyarrow]"])
def test_dense_integer_ids_of_any_integer_dtype(dtype, kernel):
    follows = frame([(10, 11), (11, 10), (10, 12)]).astype(dtype)
    counts = follow_counts(follows, accounts=[13])
    assert pd.api.types.is_integer_dtype(counts.index.dtype)
    assert counts.index.tolist() == [10, 11, 12, 13]
    assert counts["mutuals"].tolist() == [1, 1, 0, 0]
    assert reciprocity(follows) == pytest.approx(2 / 3)


@pytest.mark.parametrize("dtype", ["object", "str", "string[pyarrow]"])
def test_string_ids(dtype, kernel):
    follows = frame([("b", "a"), ("a", "b"), ("a", "c")]).astype(dtype)
    counts = follow_counts(follows)
    assert counts.index.tolist() == ["a", "b", "c"]
    assert counts["following"].tolist() == [2, 1, 0]
    assert reciprocity(follows) == pytest.approx(2 / 3)


def test_accounts_of_the_other_id_kind_are_refused():
    with pytest.raises(ColumnTypeError, match="accounts"):
        reciprocity_rho(frame(G4), accounts=["5"])
    with pytest.raises(ColumnTypeError, match="accounts"):
        follow_counts(frame(G1), accounts=[5])


def test_integer_ids_in_an_object_column_match_integer_accounts():
    follows = frame(G4).astype(object)
    assert reciprocity_rho(follows, accounts=[5]) == pytest.approx((0.5 - 0.2) / 0.8)
    assert follow_counts(follows, accounts=[5]).index.tolist() == [1, 2, 3, 4, 5]


def test_mixed_id_types_in_one_column_are_compared_as_text():
    # ids are text (the canonical tables' rule): the integer 1 and the text "1" are one id
    counts = follow_counts(frame([(1, "a"), ("a", "1"), ("a", 2)]))
    assert counts.index.tolist() == ["1", "2", "a"]
    assert counts.loc["1", "mutuals"] == 1


def test_missing_ids_are_ignored_with_a_warning():
    follows = frame([("a", "b"), ("b", None), ("b", "a")])
    with pytest.warns(DataQualityWarning, match="1 row.*source or target id missing"):
        assert reciprocity(follows) == 1.0
    ints = pd.DataFrame({"source": pd.array([1, 2, 2], dtype="Int64"),
                         "target": pd.array([2, None, 1], dtype="Int64")})
    with pytest.warns(DataQualityWarning, match="1 follow edge"):
        assert follow_counts(ints).index.tolist() == [1, 2]


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("function", [reciprocity, reciprocity_rho, dyad_census, follow_counts])
def test_missing_column(function):
    with pytest.raises(MissingColumnsError, match="target") as info:
        function(pd.DataFrame({"source": ["a"], "dst": ["b"]}))
    assert isinstance(info.value, KeyError)
    assert "dst" in str(info.value)


@pytest.mark.parametrize(
    ("function", "keyword", "choices"),
    [
        (reciprocity, "unit", ["arcs", "pairs"]),
        (reciprocity, "loops", ["drop", "mutual", "unreciprocated"]),
        (reciprocity, "multi", ["collapse", "keep"]),
        (reciprocity_rho, "loops", ["drop", "mutual", "unreciprocated"]),
        (reciprocity_rho, "multi", ["collapse", "keep"]),
        (follow_counts, "loops", ["drop", "mutual", "unreciprocated"]),
        (follow_counts, "multi", ["collapse", "keep"]),
    ],
)
def test_bad_keyword(function, keyword, choices):
    with pytest.raises(InvalidArgumentError) as info:
        function(frame(G1), **{keyword: "sometimes"})
    message = str(info.value)
    assert keyword in message and "sometimes" in message
    assert all(repr(choice) in message for choice in choices)


@pytest.mark.parametrize("function", [reciprocity, reciprocity_rho])
def test_empty_input_is_nan_with_a_reason(function):
    with pytest.warns(DataQualityWarning, match="empty"):
        assert math.isnan(function(frame([])))


@pytest.mark.parametrize("function", [reciprocity, reciprocity_rho])
def test_only_self_follows_is_nan_with_a_reason(function):
    with pytest.warns(DataQualityWarning, match="self-follow"):
        assert math.isnan(function(frame([("a", "a")])))


def test_empty_follow_counts_and_census():
    counts = follow_counts(frame([]))
    assert counts.empty
    assert counts.columns.tolist() == ["followers", "following", "mutuals"]
    assert counts.dtypes.tolist() == [pd.Int64Dtype()] * 3
    assert counts.index.name == "account"
    assert follow_counts(frame([]), accounts=["x", "y"]).loc["y"].tolist() == [0, 0, 0]
    assert dyad_census(frame([])) == (0, 0, 0)
    assert dyad_census(frame([]), accounts=["x", "y", "z"]) == (0, 0, 3)


@pytest.mark.parametrize(
    "garbage",
    [nx.Graph([("a", "b")]), nx.DiGraph([("a", "b")]), [("a", "b")], {"a": "b"}, "a,b", None],
    ids=["undirected-graph", "digraph", "list", "dict", "str", "None"],
)
@pytest.mark.parametrize("function", [reciprocity, reciprocity_rho, dyad_census, follow_counts])
def test_input_that_is_not_a_follow_table(function, garbage):
    with pytest.raises(UnsupportedBackendError, match="follow table"):
        function(garbage)


def test_other_dataframes_go_to_their_engine(monkeypatch):
    polars = pytest.importorskip("polars")
    from engagemetrics.metrics import _frames

    calls = []
    real = {name: getattr(_frames, name) for name in ("graph_counts", "follow_table")}
    for name in real:

        def spy(follows, _name=name, **keywords):
            calls.append((_name, keywords))
            return real[_name](follows, **keywords)

        monkeypatch.setattr(_frames, name, spy)
    follows = polars.DataFrame({"source": ["a", "b"], "target": ["b", "a"]})
    assert reciprocity(follows, unit="pairs") == 1.0
    follow_counts(follows, loops="mutual")
    assert [name for name, _ in calls] == ["graph_counts", "follow_table"]
    assert calls[0][1] == {"loops": "drop", "multi": "collapse"}
    assert calls[1][1]["loops"] == "mutual"


@pytest.mark.parametrize("function", [reciprocity, reciprocity_rho, dyad_census, follow_counts])
def test_input_is_not_mutated(function):
    follows = pd.DataFrame(
        {
            "source": np.array([3, 1, 1, 2, 2], dtype=np.int64),
            "target": np.array([1, 3, 1, 3, 3], dtype=np.int64),
            "followed_at": pd.to_datetime(["2024-01-01"] * 5, utc=True),
        }
    )
    before = follows.copy(deep=True)
    source_values = follows["source"].to_numpy().copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        function(follows)
    pd.testing.assert_frame_equal(follows, before)
    np.testing.assert_array_equal(follows["source"].to_numpy(), source_values)


def test_accounts_given_as_one_string_is_refused():
    # networkx would iterate "abc" letter by letter; we say what we expected.
    with pytest.raises(InvalidArgumentError, match="iterable of account ids"):
        reciprocity_rho(frame(G1), accounts="abc")


def test_copies_of_a_self_follow_under_keep_and_mutual(kernel):
    # igraph on this multigraph: reciprocity(ignore_loops=False) 0.8, mode="ratio" 2/3,
    # dyad_census (1, 0, 2): 2 min(2, 1) + 2 loop copies = 4 reciprocated of 5 arcs.
    follows = frame([("a", "b"), ("a", "b"), ("b", "a"), ("c", "c"), ("c", "c")])
    assert reciprocity(follows, loops="mutual", multi="keep") == pytest.approx(0.8)
    assert reciprocity(follows, loops="mutual", multi="keep", unit="pairs") == pytest.approx(2 / 3)
    assert reciprocity(follows, loops="mutual") == pytest.approx(1.0)  # 2 + 1 loop of 3
    assert dyad_census(follows) == DyadCensus(1, 0, 2)


def test_edge_lookup_and_followee_engagement_in_both_kernels(kernel):
    # a -> b, b -> a, a -> c (twice), c -> c; the lookup answers from the one sort
    graph = em.FollowGraph(frame([("a", "b"), ("b", "a"), ("a", "c"), ("a", "c"), ("c", "c")]))
    code = dict(zip(graph.ids, graph.present_codes, strict=True))
    asked = [("a", "b"), ("b", "a"), ("a", "c"), ("c", "a"), ("c", "c"), ("b", "c")]
    found = graph.has_edges(np.array([code[u] for u, _ in asked]),
                            np.array([code[v] for _, v in asked]))
    assert found.tolist() == [True, True, True, False, True, False]
    # a replies to c and mentions b: 2 of the 2 others she follows; b engages nobody
    posts = pd.DataFrame({"post_id": ["1"], "author": ["a"], "created_at": ["2026-01-01"],
                          "kind": ["reply"], "parent_author": ["c"]})
    acts = pd.DataFrame({"actor": ["a", "a"], "target": ["c", "b"], "kind": ["reply", "mention"]})
    m = em.account_metrics(graph, posts, interactions=acts)
    assert m.loc["a", "followee_engagement"] == 1.0 and m.loc["b", "followee_engagement"] == 0.0


@pytest.mark.parametrize("seed", range(4))
def test_text_ids_of_every_kind_give_the_integer_counts(seed, kernel):
    # the same graph with ids as integers, as decimal text (X, SNAP read as text), as text
    # that is not a number (DIDs), and sparse decimal text (snowflakes): one answer
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, 60, 400), rng.integers(0, 60, 400)
    ints = pd.DataFrame({"source": src, "target": dst})
    expected = follow_counts(ints)
    forms = {
        "decimal": lambda v: str(v),
        "did": lambda v: f"did:plc:{v:04d}x",
        "snowflake": lambda v: str(1_964_312_974_236_991_488 + v * 7_919),
    }
    for name, form in forms.items():
        text = ints.map(form).astype("string[pyarrow]")
        got = follow_counts(text)
        assert got.index.tolist() == sorted(form(v) for v in expected.index), name
        mapped = expected.rename(index=form).loc[got.index]
        np.testing.assert_array_equal(got.to_numpy(dtype="int64"),
                                      mapped.to_numpy(dtype="int64"), err_msg=name)
        assert reciprocity(text) == reciprocity(ints), name
        assert dyad_census(text) == dyad_census(ints), name
