"""Tests of the demo generator and of the real-format export writers."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.datasets import generate_account
from engagemetrics.exceptions import InvalidArgumentError


@pytest.fixture(scope="module")
def demo() -> em.Archive:
    return em.datasets.demo()


def _ego_posts(archive: em.Archive) -> pd.DataFrame:
    return archive.posts[archive.posts["author"] == archive.ego]


# ----------------------------------------------------------------------------- generator
def test_demo_is_deterministic_and_leaves_global_rng_alone(demo):
    np.random.seed(123)  # noqa: NPY002
    before = np.random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    again = em.datasets.demo()
    # the generator drew nothing from the global state
    assert np.random.random() == before  # noqa: NPY002
    for table in ("follows", "posts", "interactions", "accounts"):
        pd.testing.assert_frame_equal(getattr(demo, table), getattr(again, table))
    other = em.datasets.demo(seed=1)
    assert not other.posts["post_id"].equals(demo.posts["post_id"])


def test_demo_ego_follow_counts(demo):
    f = demo.follows
    following = set(f.loc[f["source"] == demo.ego, "target"])
    followers = set(f.loc[f["target"] == demo.ego, "source"])
    assert (len(following), len(followers), len(following & followers)) == (300, 600, 125)
    assert f["followed_at"].isna().all()  # X-like: no follow timestamps


def test_demo_graph_shape(demo):
    f = demo.follows
    graph = nx.DiGraph()
    graph.add_edges_from(zip(f["source"], f["target"], strict=True))
    assert 300 <= graph.number_of_nodes() <= 2000
    assert not any(u == v for u, v in graph.edges())
    assert graph.number_of_edges() == len(f)  # no duplicate edges: the demo is clean
    assert 0.3 <= nx.overall_reciprocity(graph) <= 0.4
    # Heavy tail: among accounts other than the ego, the top in-degree is many times the median.
    indeg = np.array([d for n, d in graph.in_degree() if n != demo.ego])
    assert indeg.max() >= 8 * np.median(indeg)
    # Edges among the neighbourhood, not only around the ego.
    assert ((f["source"] != demo.ego) & (f["target"] != demo.ego)).sum() > 3 * 900


def test_demo_posts(demo):
    posts = demo.posts
    mine = _ego_posts(demo)
    assert len(mine) == 2000
    assert set(mine["kind"].astype(str)) == {"post", "reply", "thread", "repost", "quote"}
    assert mine["created_at"].min() >= pd.Timestamp("2025-01-01", tz="UTC")
    assert mine["created_at"].max() < pd.Timestamp("2026-01-01", tz="UTC")
    assert mine["post_id"].str.fullmatch(r"\d{18,19}").all()
    assert posts["post_id"].is_unique
    # X snowflakes: the id grows with time.
    by_time = mine.sort_values("created_at")["post_id"].astype("int64")
    assert by_time.is_monotonic_increasing
    following = demo.following()
    replies = mine[(mine["kind"] == "reply") & mine["parent_id"].notna()]
    assert replies["parent_author"].isin(following).any()
    assert (~replies["parent_author"].isin(following)).any()
    # Mention-only posts: addressed to an account with no parent post.
    assert ((mine["kind"] == "reply") & mine["parent_id"].isna()).sum() > 10
    threads = mine[mine["kind"] == "thread"]
    assert (threads["parent_author"] == demo.ego).all()
    assert threads["parent_id"].isin(mine["post_id"]).all()
    assert (mine["visibility"] == "direct").sum() == 10


def test_demo_two_way_conversations(demo):
    posts = demo.posts
    theirs = posts[posts["author"] != demo.ego]
    assert len(theirs) > 100
    assert (theirs["parent_author"] == demo.ego).all()
    assert theirs["parent_id"].isin(posts["post_id"]).all()
    mine = _ego_posts(demo)
    answers = mine[mine["parent_id"].isin(theirs["post_id"])]
    assert len(answers) > 50
    joined = answers.merge(theirs, left_on="parent_id", right_on="post_id", suffixes=("", "_p"))
    assert (joined["created_at"] > joined["created_at_p"]).all()
    assert (joined["parent_author"] == joined["author_p"]).all()


def test_demo_interactions_follow_library_rules(demo):
    inter = demo.interactions
    mine = _ego_posts(demo)
    counts = inter[inter["actor"] == demo.ego]["kind"].astype(str).value_counts()
    n_reply_like = int(mine["kind"].isin(["reply", "thread"]).sum())
    assert counts["reply"] == n_reply_like
    assert counts["repost"] == int((mine["kind"] == "repost").sum())
    assert counts["like"] == 1000
    # The text carries every mention: count "@handle" tokens that are not the leading
    # @parent of a reply, and that are not in a repost.
    handles = dict(zip(demo.accounts["handle"], demo.accounts["account_id"], strict=True))
    expected = 0
    for row in mine.itertuples():
        if row.kind == "repost":
            continue
        tokens = [t for t in row.text.split() if t.startswith("@") and t[1:] in handles]
        targets = {handles[t[1:]] for t in tokens}
        if row.kind in ("reply", "thread") and row.parent_author in targets:
            targets.discard(row.parent_author)
        expected += len(targets)
    assert counts["mention"] == expected


def test_demo_accounts_are_invented(demo):
    acc = demo.accounts
    assert len(acc) == 1500 and acc["account_id"].is_unique and acc["handle"].is_unique
    assert acc["handle"].str.fullmatch(r"[a-z0-9_]{1,15}").all()
    assert demo.ego in set(acc["account_id"])


@pytest.mark.parametrize(
    ("platform", "pattern"),
    [
        ("bluesky", r"did:plc:[a-z2-7]{24}"),
        ("mastodon", r"https://[a-z.]+\.example(\.[a-z]+)?/users/\w+"),
        ("instagram", r"[a-z0-9_]+"),
        ("linkedin", r"https://www\.linkedin\.com/in/[a-z0-9-]+"),
    ],
)
def test_platform_shaped_ids(platform, pattern):
    a = generate_account(seed=3, n_accounts=80, n_posts=120, platform=platform)
    assert a.platform == platform
    assert a.accounts["account_id"].str.fullmatch(pattern).all()
    if platform == "bluesky":
        assert (
            a.posts["post_id"]
            .str.fullmatch(r"at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.post/[2-7a-z]{13}")
            .all()
        )
        assert a.follows["followed_at"].notna().all()
    if platform == "mastodon":
        assert a.follows["followed_at"].isna().all()
        assert set(a.posts["visibility"].astype(str)) >= {"public", "unlisted", "direct"}
    if platform == "linkedin":
        assert a.following() == a.followers()


def test_generate_account_validates():
    with pytest.raises(InvalidArgumentError, match="n_accounts"):
        generate_account(n_accounts=5)
    with pytest.raises(InvalidArgumentError, match="platform"):
        generate_account(platform="myspace")
    with pytest.raises(InvalidArgumentError, match="fit"):
        generate_account(n_accounts=50, n_following=40, n_followers=40, n_mutuals=5)
    with pytest.raises(InvalidArgumentError, match="end"):
        generate_account(start="2025-01-02", end="2025-01-01")


def test_generate_account_sizes():
    a = generate_account(seed=5, n_accounts=300, n_posts=500, start="2024-03-01", end="2024-06-01")
    mine = _ego_posts(a)
    assert len(mine) == 500
    assert mine["created_at"].min() >= pd.Timestamp("2024-03-01", tz="UTC")
    assert mine["created_at"].max() < pd.Timestamp("2024-06-01", tz="UTC")
    assert len(a.accounts) == 300
