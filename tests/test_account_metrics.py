"""account_metrics against hand-worked answers (the table in test_conversation.py) and networkx."""

from __future__ import annotations

import copy
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from engagemetrics import account_metrics
from engagemetrics.exceptions import InvalidArgumentError, MissingColumnsError
from test_conversation import (
    ANN_ALL,
    BOB_ALL,
    END,
    NAN,
    START,
    assert_row,
    hand_archive,
    hand_follows,
    hand_posts,
    int_follows,
    int_posts,
)

FOLLOW_COLUMNS = [
    "followers",
    "following",
    "mutuals",
    "follow_ratio",
    "follow_back_rate",
    "reciprocation_rate",
    "reciprocity_dice",
    "reciprocity_jaccard",
]
POST_COLUMNS = [
    "posts",
    "replies",
    "broadcasts",
    "threads",
    "reposts",
    "quotes",
    "reply_to_broadcast_ratio",
    "reply_share",
    "thread_share",
    "outreach_breadth",
    "replies_received",
    "mentions_received",
    "reposts_received",
    "quotes_received",
    "followee_engagement",
]
FLOATS = {
    "follow_ratio",
    "follow_back_rate",
    "reciprocation_rate",
    "reciprocity_dice",
    "reciprocity_jaccard",
    "reply_to_broadcast_ratio",
    "reply_share",
    "thread_share",
    "followee_engagement",
}

# Follow graph after loops="drop", multi="collapse":
# ann -> bob, cat, eve; bob -> ann; cat -> ann (dan -> dan dropped, ann -> bob once).
ANN_FOLLOW = {
    "followers": 2,  # bob, cat
    "following": 3,  # bob, cat, eve
    "mutuals": 2,  # bob, cat
    "follow_ratio": 2 / 3,
    "follow_back_rate": 2 / 3,  # 2 mutuals / 3 following
    "reciprocation_rate": 1.0,  # 2 / 2 followers
    "reciprocity_dice": 0.8,  # 2*2 / (2 + 3)
    "reciprocity_jaccard": 2 / 3,  # 2 / (2 + 3 - 2)
}
EVE_FOLLOW = {
    "followers": 1,
    "following": 0,
    "mutuals": 0,
    "follow_ratio": NAN,  # 1 / 0
    "follow_back_rate": NAN,  # 0 / 0
    "reciprocation_rate": 0.0,  # 0 / 1
    "reciprocity_dice": 0.0,  # 0 / 1
    "reciprocity_jaccard": 0.0,  # 0 / 1
}
NOTHING_FOLLOW = {
    "followers": 0,
    "following": 0,
    "mutuals": 0,
    **{c: NAN for c in FOLLOW_COLUMNS[3:]},
}


def test_follow_columns_only_by_hand():
    m = account_metrics(hand_follows())
    assert m.columns.tolist() == FOLLOW_COLUMNS
    # dan's only edge is a self-follow: he is an account of the table, with zeros
    assert m.index.tolist() == ["ann", "bob", "cat", "dan", "eve"]
    assert_row(m, "ann", ANN_FOLLOW)
    assert_row(m, "eve", EVE_FOLLOW)
    assert_row(m, "dan", NOTHING_FOLLOW)
    assert_row(m, "bob", {"followers": 1, "following": 1, "mutuals": 1, "reciprocity_dice": 1.0})


def test_archive_all_columns_by_hand():
    m = account_metrics(hand_archive())
    assert m.columns.tolist() == FOLLOW_COLUMNS + POST_COLUMNS
    for col in m.columns:
        assert str(m[col].dtype) == ("float64" if col in FLOATS else "Int64"), col
    # eve only in follows, fay only in posts, gus only the target of a DM
    assert m.index.tolist() == ["ann", "bob", "cat", "dan", "eve", "fay", "gus"]
    assert m.index.name == "account"
    assert_row(m, "ann", {**ANN_FOLLOW, **ANN_ALL, "followee_engagement": 2 / 3})
    assert_row(m, "bob", {**BOB_ALL, "followee_engagement": 1.0})
    # eve: follow counts, zero post counts, NaN post ratios, NaN engagement (follows nobody)
    assert_row(
        m,
        "eve",
        {
            **EVE_FOLLOW,
            "posts": 0,
            "replies": 0,
            "outreach_breadth": 0,
            "reply_share": NAN,
            "thread_share": NAN,
            "followee_engagement": NAN,
        },
    )
    # fay: an account only in posts: follow counts 0, follow rates NaN
    assert_row(m, "fay", {**NOTHING_FOLLOW, "posts": 1, "broadcasts": 1, "reply_share": 0.0})


def test_window_filters_posts_not_follows():
    m = account_metrics(hand_archive(), start=START, end=END)
    assert_row(m, "ann", {**ANN_FOLLOW, "posts": 7, "broadcasts": 2, "reply_share": 0.6})
    # cat's only post is before the window: 0 posts, but follows still count
    assert_row(
        m,
        "cat",
        {
            "followers": 1,
            "following": 1,
            "posts": 0,
            "reply_share": NAN,
            "followee_engagement": 0.0,
        },
    )  # follows ann, engaged nobody: 0 / 1


def test_include_direct_and_include_self():
    m = account_metrics(hand_archive(), include_direct=True)
    assert_row(m, "ann", {"posts": 9, "replies": 4, "outreach_breadth": 3})
    m = account_metrics(hand_archive(), include_self=True)
    assert_row(m, "ann", {"outreach_breadth": 3, "followee_engagement": 2 / 3})


def test_accounts_argument_adds_rows():
    m = account_metrics(hand_follows(), hand_posts(), accounts=["zed", "ann"])
    assert m.index.tolist() == ["ann", "bob", "cat", "dan", "eve", "fay", "gus", "zed"]
    assert_row(
        m,
        "zed",
        {
            **NOTHING_FOLLOW,
            "posts": 0,
            "reply_share": NAN,
            "outreach_breadth": 0,
            "followee_engagement": NAN,
        },
    )
    with pytest.raises(InvalidArgumentError, match="list"):
        account_metrics(hand_follows(), accounts="zed")


def test_loops_and_multi_are_passed_on():
    m = account_metrics(hand_follows(), multi="keep")
    assert m.loc["bob", "followers"] == 2  # ann -> bob twice
    m = account_metrics(hand_follows(), loops="mutual")
    # dan's self-follow counts once in followers and following, and as his own mutual
    assert_row(m, "dan", {"followers": 1, "following": 1, "mutuals": 1, "follow_back_rate": 1.0})
    with pytest.raises(InvalidArgumentError):
        account_metrics(hand_follows(), loops="keep-them")


def test_integer_ids_stay_integers():
    m = account_metrics(int_follows(), int_posts())
    assert m.index.dtype == np.dtype("int64")
    assert m.index.tolist() == [1, 2, 3, 4, 5, 6, 7]  # ann .. gus
    text = account_metrics(hand_follows(), hand_posts())
    pd.testing.assert_frame_equal(m.reset_index(drop=True), text.reset_index(drop=True))


def test_mixed_id_types_are_compared_as_text():
    m = account_metrics(int_follows(), hand_posts().replace({"author": {"ann": "1"}}))
    # "1" (text) in posts and 1 (int) in follows are one account
    assert m.loc["1", "following"] == 3 and m.loc["1", "posts"] == 8


def test_interactions_without_posts_give_made_and_received_counts():
    # ann's interactions only (derived from her posts), as a research log would hold them
    acts = hand_archive().interactions
    m = account_metrics(hand_follows(), interactions=acts)
    # ann's replies to others: p3, p4 (bob), p5 (cat); p8 is a DM; the thread p2 is hers
    assert_row(m, "ann", {**ANN_FOLLOW, "replies": 3, "threads": 1, "reposts": 1,
                          "quotes": 1, "outreach_breadth": 2, "followee_engagement": 2 / 3})
    assert pd.isna(m.loc["ann", "posts"]) and pd.isna(m.loc["ann", "reply_share"])
    assert m.attrs["unknown"]["broadcasts"].startswith("no posts table")


def test_an_archive_stands_for_all_its_tables():
    only_bob = hand_posts().query("author == 'bob'")
    with pytest.raises(InvalidArgumentError, match="replace"):
        account_metrics(hand_archive(), only_bob)
    m = account_metrics(hand_archive().replace(posts=only_bob))
    assert m.loc["ann", "posts"] == 0 and m.loc["bob", "posts"] == 3
    # the interactions are those of the new posts: ann engaged nobody
    assert m.loc["ann", "followee_engagement"] == 0.0


def test_empty_inputs():
    empty = pd.DataFrame({"source": pd.Series([], dtype=str), "target": pd.Series([], dtype=str)})
    m = account_metrics(empty)
    assert len(m) == 0 and m.columns.tolist() == FOLLOW_COLUMNS
    posts = pd.DataFrame({"post_id": [], "author": [], "created_at": [], "kind": []})
    m = account_metrics(empty, posts)
    assert len(m) == 0 and m.columns.tolist() == FOLLOW_COLUMNS + POST_COLUMNS
    assert m.index.name == "account"


def test_missing_columns_and_no_mutation():
    with pytest.raises(MissingColumnsError):
        account_metrics(hand_follows().rename(columns={"target": "dst"}))
    with pytest.raises(MissingColumnsError):
        account_metrics(hand_follows(), hand_posts().drop(columns="created_at"))
    follows, posts = hand_follows(), hand_posts()
    before = copy.deepcopy(follows), copy.deepcopy(posts)
    account_metrics(follows, posts, start=START)
    pd.testing.assert_frame_equal(follows, before[0])
    pd.testing.assert_frame_equal(posts, before[1])


@pytest.mark.parametrize("seed", [0, 1])
def test_follow_columns_against_networkx(seed):
    graph = nx.gnp_random_graph(60, 0.08, seed=seed, directed=True)  # simple, no loops
    edges = nx.to_pandas_edgelist(graph)
    m = account_metrics(edges)
    assert m.index.tolist() == sorted(n for n in graph if graph.degree(n) > 0)
    for node in m.index:
        followers, following = graph.in_degree(node), graph.out_degree(node)
        mutuals = len(set(graph.predecessors(node)) & set(graph.successors(node)))
        assert m.loc[node, "followers"] == followers
        assert m.loc[node, "following"] == following
        assert m.loc[node, "mutuals"] == mutuals
        assert m.loc[node, "reciprocity_dice"] == pytest.approx(nx.reciprocity(graph, node))
    rates = nx.reciprocity(graph, list(m.index))  # a dict for a list of nodes
    assert np.allclose(m["reciprocity_dice"].to_numpy(), [rates[n] for n in m.index])
    # the Dice value is the harmonic mean of follow-back and reciprocation rates
    both = m[(m["mutuals"] > 0)]
    harmonic = 2 / (1 / both["follow_back_rate"] + 1 / both["reciprocation_rate"])
    assert np.allclose(both["reciprocity_dice"], harmonic)


def test_nodexl_per_vertex_pair_ratio():
    # METRICS.md: A->B, B->C, A<->C, A<->D, D<->E, isolate F give 2/3, 0, 1/2, 1, 1, null
    follows = pd.DataFrame(
        [
            ("A", "B"),
            ("B", "C"),
            ("A", "C"),
            ("C", "A"),
            ("A", "D"),
            ("D", "A"),
            ("D", "E"),
            ("E", "D"),
        ],
        columns=["source", "target"],
    )
    m = account_metrics(follows, accounts=["F"])
    expected = [2 / 3, 0.0, 0.5, 1.0, 1.0, NAN]
    got = m.loc[["A", "B", "C", "D", "E", "F"], "reciprocity_jaccard"].tolist()
    assert all(
        (math.isnan(e) and math.isnan(g)) or g == pytest.approx(e)
        for e, g in zip(expected, got, strict=True)
    )


def test_other_dataframe_kinds_go_to_the_backend():
    pl = pytest.importorskip("polars")
    m = account_metrics(pl.from_pandas(hand_follows()), pl.from_pandas(hand_posts()))
    assert isinstance(m, pl.DataFrame)  # computed by the polars engine, not converted here
    got = m.to_pandas().set_index("account")
    expected = account_metrics(hand_follows(), hand_posts())
    assert got.index.tolist() == expected.index.tolist()
    assert got.columns.tolist() == expected.columns.tolist()
    assert np.allclose(got.to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True)
