"""conversation_counts, gini and normalized_entropy against hand-worked answers.

The hand-built table (``hand_posts``) is shared with test_account_metrics.py and
test_ego_metrics.py. Every expected value below is worked out by hand from it.

Timeline (window used in the tests: [2026-01-01, 2026-07-01), half-open, UTC):

=====  ====  ===================  ======  =================  =============================
id     by    created_at (UTC)     kind    parent_author      notes
=====  ====  ===================  ======  =================  =============================
p1     ann   2026-01-10           post                       mentions cat
p2     ann   2026-01-11           thread  ann (p1)           a thread is a broadcast
p3     ann   2026-01-12           reply   bob (b1)           mentions bob (= the reply)
p4     ann   2026-01-13           reply   bob (b2)
p5     ann   2026-01-14           reply   cat (c1)           mentions dan
p6     ann   2026-02-01           repost  bob (b1)
p7     ann   2026-02-02           quote   ann (p1)           a self-quote
p8     ann   2026-02-03           reply   gus                visibility direct (a DM)
p9     ann   2026-07-01 00:00:00  post                       exactly at the window's end
b1     bob   2026-01-01 00:00:00  post                       exactly at the window's start
b2     bob   2026-01-20           reply   ann (p1)
b3     bob   2026-06-30 23:59:59  repost  ann (p1)           last second inside
c1     cat   2025-12-31 23:59:59  reply   ann                before the window
d1     dan   2026-02-10           quote   cat (c1)
f1     fay   2026-03-01           post                       fay appears only in posts
=====  ====  ===================  ======  =================  =============================

Follows: ann->bob (twice), bob->ann, ann->cat, cat->ann, ann->eve, dan->dan (self-follow).
"""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics import conversation_counts, gini, normalized_entropy
from engagemetrics.exceptions import DataQualityWarning, InvalidArgumentError, MissingColumnsError

NAN = float("nan")
START, END = "2026-01-01", "2026-07-01"

POST_ROWS = [
    # post_id, author, created_at, kind, parent_id, parent_author, visibility
    ("p1", "ann", "2026-01-10T00:00:00Z", "post", None, None, "public"),
    ("p2", "ann", "2026-01-11T00:00:00Z", "thread", "p1", "ann", "public"),
    ("p3", "ann", "2026-01-12T00:00:00Z", "reply", "b1", "bob", "public"),
    ("p4", "ann", "2026-01-13T00:00:00Z", "reply", "b2", "bob", "public"),
    ("p5", "ann", "2026-01-14T00:00:00Z", "reply", "c1", "cat", "unlisted"),
    ("p6", "ann", "2026-02-01T00:00:00Z", "repost", "b1", "bob", "public"),
    ("p7", "ann", "2026-02-02T00:00:00Z", "quote", "p1", "ann", "public"),
    ("p8", "ann", "2026-02-03T00:00:00Z", "reply", "g1", "gus", "direct"),
    ("p9", "ann", "2026-07-01T00:00:00Z", "post", None, None, "public"),
    ("b1", "bob", "2026-01-01T00:00:00Z", "post", None, None, "public"),
    ("b2", "bob", "2026-01-20T00:00:00Z", "reply", "p1", "ann", "public"),
    ("b3", "bob", "2026-06-30T23:59:59Z", "repost", "p1", "ann", "public"),
    ("c1", "cat", "2025-12-31T23:59:59Z", "reply", "a0", "ann", "public"),
    ("d1", "dan", "2026-02-10T00:00:00Z", "quote", "c1", "cat", None),
    ("f1", "fay", "2026-03-01T00:00:00Z", "post", None, None, "public"),
]
MENTION_ROWS = [("p1", "cat"), ("p3", "bob"), ("p5", "dan")]
FOLLOW_ROWS = [
    ("ann", "bob"),
    ("ann", "bob"),
    ("bob", "ann"),
    ("ann", "cat"),
    ("cat", "ann"),
    ("ann", "eve"),
    ("dan", "dan"),
]
# The same accounts as integers, for the integer-id path.
INT_IDS = {"ann": 1, "bob": 2, "cat": 3, "dan": 4, "eve": 5, "fay": 6, "gus": 7}


def hand_posts() -> pd.DataFrame:
    """The timeline above as a plain (non-canonical) DataFrame of text."""
    cols = ["post_id", "author", "created_at", "kind", "parent_id", "parent_author", "visibility"]
    return pd.DataFrame(POST_ROWS, columns=cols)


def hand_mentions() -> pd.DataFrame:
    return pd.DataFrame(MENTION_ROWS, columns=["post_id", "target"])


def hand_follows() -> pd.DataFrame:
    return pd.DataFrame(FOLLOW_ROWS, columns=["source", "target"])


def hand_archive(ego: str | None = "ann") -> em.Archive:
    """Every account's posts and follows: a whole (small) platform, with ``ego`` as owner."""
    return em.Archive(
        follows=hand_follows(), posts=hand_posts(), mentions=hand_mentions(), ego=ego, scope="all"
    )


def int_posts() -> pd.DataFrame:
    """hand_posts with integer account ids (nullable Int64 where a parent is missing)."""
    frame = hand_posts()
    frame["author"] = frame["author"].map(INT_IDS).astype("int64")
    frame["parent_author"] = frame["parent_author"].map(INT_IDS).astype("Int64")
    return frame


def int_follows() -> pd.DataFrame:
    frame = hand_follows()
    return frame.apply(lambda col: col.map(INT_IDS)).astype("int64")


def assert_row(frame: pd.DataFrame, account, expected: dict) -> None:
    row = frame.loc[account]
    for col, value in expected.items():
        got = row[col]
        if isinstance(value, float) and math.isnan(value):
            # a row of Int64 and float64 columns is Float64: NaN reads back as <NA>
            assert pd.isna(got), f"{account} {col}: expected NaN, got {got}"
        else:
            assert got == pytest.approx(value), f"{account} {col}: expected {value}, got {got}"


# --------------------------------------------------------------------------- whole period
# ann without a window, DM excluded: p1-p7 and p9 = 8 posts.
ANN_ALL = {
    "posts": 8,
    "replies": 3,  # p3, p4, p5
    "broadcasts": 3,  # posts p1, p9 + thread p2
    "threads": 1,
    "reposts": 1,
    "quotes": 1,
    "reply_to_broadcast_ratio": 1.0,  # 3 / 3
    "reply_share": 0.5,  # 3 / (3 + 3)
    "thread_share": 0.125,  # 1 / 8
    "outreach_breadth": 2,  # {bob, cat}; the thread to herself is not outreach
}
BOB_ALL = {
    "posts": 3,
    "replies": 1,
    "broadcasts": 1,
    "threads": 0,
    "reposts": 1,
    "quotes": 0,
    "reply_to_broadcast_ratio": 1.0,  # 1 / 1
    "reply_share": 0.5,  # 1 / (1 + 1)
    "thread_share": 0.0,  # 0 / 3
    "outreach_breadth": 1,  # {ann}
}
CAT_ALL = {
    "posts": 1,
    "replies": 1,
    "broadcasts": 0,
    "reply_to_broadcast_ratio": NAN,  # 1 / 0
    "reply_share": 1.0,  # 1 / (1 + 0)
    "thread_share": 0.0,
    "outreach_breadth": 1,
}
DAN_ALL = {
    "posts": 1,
    "quotes": 1,
    "replies": 0,
    "broadcasts": 0,
    "reply_to_broadcast_ratio": NAN,  # 0 / 0
    "reply_share": NAN,  # 0 / 0
    "thread_share": 0.0,  # 0 / 1
    "outreach_breadth": 0,
}


def test_whole_period_by_hand():
    c = conversation_counts(posts=hand_posts())
    # Rows: every author and every account of an interaction (gus: the target of ann's DM
    # reply p8, which is excluded from the counts but not from the rows); eve is only in the
    # follows, which are not given here.
    assert c.index.tolist() == ["ann", "bob", "cat", "dan", "fay", "gus"]
    assert c.index.name == "account"
    assert_row(c, "ann", ANN_ALL)
    assert_row(c, "bob", BOB_ALL)
    assert_row(c, "cat", CAT_ALL)
    assert_row(c, "dan", DAN_ALL)
    # fay: one post; 0 replies / 1 broadcast
    assert_row(
        c,
        "fay",
        {
            "posts": 1,
            "broadcasts": 1,
            "reply_to_broadcast_ratio": 0.0,
            "reply_share": 0.0,
            "outreach_breadth": 0,
        },
    )
    assert "followee_engagement" not in c.columns
    # Received, from others only (the posts are taken as every account's):
    # ann: replies b2 (bob) and c1 (cat); repost b3 (bob); her self-quote p7 is not counted.
    assert_row(c, "ann", {"replies_received": 2, "reposts_received": 1, "quotes_received": 0,
                          "mentions_received": 0})
    # bob: replies p3, p4 and repost p6, all by ann.
    assert_row(c, "bob", {"replies_received": 2, "reposts_received": 1})
    # cat: reply p5 (ann) and quote d1 (dan); gus: only a DM, excluded by default.
    assert_row(c, "cat", {"replies_received": 1, "quotes_received": 1})
    assert_row(c, "gus", {"replies_received": 0, "posts": 0})


def test_received_from_an_interaction_log_only():
    # A research log: interactions, no posts. Replies made are the reply interactions to
    # others; a reply to oneself is a thread; posts and broadcasts are unknown.
    log = pd.DataFrame({"actor": [1, 1, 2, 2, 3], "target": [2, 1, 1, 1, 1],
                        "kind": ["reply", "reply", "repost", "mention", "reply"]})
    c = conversation_counts(interactions=log)
    assert c.index.tolist() == [1, 2, 3]
    assert c.loc[1, "replies"] == 1 and c.loc[1, "threads"] == 1  # 1->2; 1->1
    assert c.loc[2, "reposts"] == 1 and c.loc[3, "replies"] == 1
    # received by 1: replies from 3 (1), reposts from 2 (1), mentions from 2 (1)
    assert_row(c, 1, {"replies_received": 1, "reposts_received": 1, "mentions_received": 1})
    assert c["posts"].isna().all() and c["broadcasts"].isna().all()
    assert c["reply_share"].isna().all()
    assert "no posts table" in c.attrs["unknown"]["posts"]


def test_columns_and_dtypes():
    c = conversation_counts(hand_follows(), hand_posts())
    assert c.columns.tolist() == [
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
    floats = {"reply_to_broadcast_ratio", "reply_share", "thread_share", "followee_engagement"}
    for col in c.columns:
        assert str(c[col].dtype) == ("float64" if col in floats else "Int64"), col


def test_window_is_half_open():
    c = conversation_counts(posts=hand_posts(), start=START, end=END)
    # ann: p9 at exactly `end` is out: 7 posts, broadcasts p1 + p2 = 2.
    assert_row(
        c,
        "ann",
        {
            "posts": 7,
            "replies": 3,
            "broadcasts": 2,
            "threads": 1,
            "reply_to_broadcast_ratio": 1.5,  # 3 / 2
            "reply_share": 0.6,  # 3 / (3 + 2)
            "thread_share": 1 / 7,
            "outreach_breadth": 2,
        },
    )
    # bob: b1 at exactly `start` is in, b3 one second before `end` is in.
    assert_row(c, "bob", BOB_ALL)
    # cat: c1 one second before `start` is out: zero counts, NaN ratios, still a row.
    assert_row(
        c,
        "cat",
        {
            "posts": 0,
            "replies": 0,
            "broadcasts": 0,
            "outreach_breadth": 0,
            "reply_to_broadcast_ratio": NAN,
            "reply_share": NAN,
            "thread_share": NAN,
        },
    )
    assert c.index.tolist() == ["ann", "bob", "cat", "dan", "fay", "gus"]


def test_window_bounds_are_utc_and_accept_timestamps():
    # 2026-07-01T02:00+02:00 is 2026-07-01T00:00Z: p9 still out.
    aware = pd.Timestamp("2026-07-01T02:00:00+02:00")
    c = conversation_counts(posts=hand_posts(), start=pd.Timestamp("2026-01-01"), end=aware)
    assert c.loc["ann", "posts"] == 7
    # one nanosecond later, p9 is in
    c = conversation_counts(posts=hand_posts(), end=pd.Timestamp("2026-07-01 00:00:00.000000001"))
    assert c.loc["ann", "posts"] == 8


def test_include_direct():
    c = conversation_counts(posts=hand_posts(), include_direct=True)
    assert_row(
        c,
        "ann",
        {
            "posts": 9,
            "replies": 4,  # + p8, the DM to gus
            "reply_to_broadcast_ratio": 4 / 3,
            "reply_share": 4 / 7,  # 4 / (4 + 3)
            "thread_share": 1 / 9,
            "outreach_breadth": 3,  # {bob, cat, gus}
        },
    )


def test_include_self():
    c = conversation_counts(posts=hand_posts(), include_self=True)
    # the thread p2 is a reply interaction ann -> ann: breadth {ann, bob, cat} = 3
    assert c.loc["ann", "outreach_breadth"] == 3
    # post counts do not depend on it: a thread stays a broadcast
    assert c.loc["ann", "replies"] == 3 and c.loc["ann", "broadcasts"] == 3


def test_followee_engagement_by_hand():
    c = conversation_counts(hand_follows(), hand_posts())
    # ann follows {bob, cat, eve}; engaged bob (p3, p4, p6) and cat (p5): 2 / 3.
    # bob follows {ann} and replied to her: 1 / 1. cat: 1 / 1 (c1 -> ann).
    # dan's only follow is himself: no other account followed -> NaN. fay follows nobody.
    expected = {"ann": 2 / 3, "bob": 1.0, "cat": 1.0, "dan": NAN, "fay": NAN}
    for account, value in expected.items():
        assert_row(c, account, {"followee_engagement": value})
    # in the window cat's reply is out: 0 / 1 (0, not NaN: cat follows someone)
    w = conversation_counts(hand_follows(), hand_posts(), start=START, end=END)
    assert w.loc["cat", "followee_engagement"] == 0.0


def test_interactions_with_mentions_count_as_engagement():
    archive = hand_archive()
    c = conversation_counts(archive.follows, archive.posts, interactions=archive.interactions)
    # the mention of dan (p5) is engagement but dan is not followed: ann still 2 / 3
    assert c.loc["ann", "followee_engagement"] == pytest.approx(2 / 3)
    # a mention of eve makes it 3 / 3
    extra = pd.DataFrame(
        {
            "actor": ["ann"],
            "target": ["eve"],
            "kind": ["mention"],
            "created_at": ["2026-03-03"],
            "visibility": ["public"],
        }
    )
    merged = pd.concat(
        [archive.interactions.astype({"kind": object, "visibility": object}), extra],
        ignore_index=True,
    )
    c = conversation_counts(archive.follows, archive.posts, interactions=merged)
    assert c.loc["ann", "followee_engagement"] == 1.0
    # a like is not engagement
    merged.loc[len(merged) - 1, "kind"] = "like"
    c = conversation_counts(archive.follows, archive.posts, interactions=merged)
    assert c.loc["ann", "followee_engagement"] == pytest.approx(2 / 3)


def test_integer_ids_stay_integers():
    c = conversation_counts(int_follows(), int_posts())
    assert c.index.dtype == np.dtype("int64")
    assert c.index.tolist() == [1, 2, 3, 4, 5, 6, 7]  # eve (5) follows, gus (7) a target
    text = conversation_counts(hand_follows(), hand_posts())
    pd.testing.assert_frame_equal(c.reset_index(drop=True), text.reset_index(drop=True))


def test_large_integer_ids_keep_every_digit():
    big = 1964312974236991488  # beyond 2**53: a float would change it
    posts = pd.DataFrame(
        {
            "post_id": [1, 2],
            "author": [big, big + 1],
            "created_at": ["2026-01-01", "2026-01-02"],
            "kind": ["post", "reply"],
            "parent_author": pd.array([pd.NA, big], dtype="Int64"),
        }
    )
    c = conversation_counts(posts=posts)
    assert c.index.tolist() == [big, big + 1]
    assert c.loc[big + 1, "outreach_breadth"] == 1


def test_canonical_input_is_not_mutated():
    posts = em.schema.posts_table(hand_posts())
    before = copy.deepcopy(posts)
    conversation_counts(hand_follows(), posts, start=START)
    pd.testing.assert_frame_equal(posts, before)


def test_empty_posts():
    empty = pd.DataFrame({"post_id": [], "author": [], "created_at": [], "kind": []})
    c = conversation_counts(posts=empty)
    assert len(c) == 0 and c.index.name == "account"
    assert c.columns.tolist()[:3] == ["posts", "replies", "broadcasts"]


def test_errors():
    with pytest.raises(MissingColumnsError):
        conversation_counts(posts=hand_posts().drop(columns="kind"))
    with pytest.raises(KeyError):  # our error is also a KeyError
        conversation_counts(posts=hand_posts().drop(columns="author"))
    with pytest.raises(InvalidArgumentError, match="start"):
        conversation_counts(posts=hand_posts(), start="2026-02-01", end="2026-01-01")
    with pytest.raises(InvalidArgumentError):
        conversation_counts(posts=hand_posts(), start="not a date")
    with pytest.raises(InvalidArgumentError):
        conversation_counts(posts=hand_posts(), include_direct="yes")
    with pytest.raises(em.SchemaError, match="kind"):
        bad = hand_posts()
        bad.loc[0, "kind"] = "tweet"
        conversation_counts(posts=bad)


def test_unusable_rows_are_warned_not_silent():
    posts = hand_posts()
    posts.loc[len(posts)] = ["z1", None, "2026-01-01", "post", None, None, "public"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = conversation_counts(posts=posts)
    assert any(issubclass(w.category, DataQualityWarning) for w in caught)
    assert c["posts"].sum() == 14  # the 15 hand rows minus the DM


# --------------------------------------------------------------------------- gini / entropy
def test_gini_by_hand():
    assert gini([1, 3]) == pytest.approx(0.25)  # (-1*1 + 1*3) / (2 * 4)
    assert gini([2, 1]) == pytest.approx(1 / 6)  # sorted [1, 2]: (-1 + 2) / (2 * 3)
    assert gini([1, 1, 2]) == pytest.approx(1 / 6)  # (-2*1 + 0*1 + 2*2) / (3 * 4)
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)  # (3*4) / (4*4): the max (k-1)/k
    assert gini([3, 3]) == 0.0
    assert gini([5]) == 0.0  # one interlocutor: an equal split
    assert math.isnan(gini([])) and math.isnan(gini([0, 0]))
    with pytest.raises(InvalidArgumentError):
        gini([1, -1])
    with pytest.raises(InvalidArgumentError):
        gini([1, NAN])


def test_gini_equals_mean_absolute_difference_definition():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 20, size=17).astype(float)
    # independent formula: sum_i sum_j |xi - xj| / (2 n^2 mean)
    expected = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert gini(x) == pytest.approx(expected)


def test_normalized_entropy_by_hand():
    # p = (2/3, 1/3): H = -(2/3 ln 2/3 + 1/3 ln 1/3) = 0.636514; / ln 2
    assert normalized_entropy([2, 1]) == pytest.approx(0.9182958340544896)
    # p = (1/2, 1/4, 1/4): H = 1.5 ln 2; / ln 3
    assert normalized_entropy([2, 1, 1]) == pytest.approx(1.5 * math.log(2) / math.log(3))
    assert normalized_entropy([5, 5, 5]) == pytest.approx(1.0)
    assert normalized_entropy([5, 0]) == 0.0
    assert normalized_entropy([7]) == 1.0
    assert math.isnan(normalized_entropy([])) and math.isnan(normalized_entropy([0]))
    with pytest.raises(InvalidArgumentError):
        normalized_entropy([-2, 1])


# --------------------------------------------------------------------------- cross-checks
def test_derived_interactions_match_schema_rule():
    # conversation_counts derives interactions from the encoded posts; the foundation's
    # schema.interactions_from_posts is an independent implementation of the same rule
    posts = em.schema.posts_table(hand_posts())
    derived = conversation_counts(hand_follows(), posts, include_self=True)
    explicit = conversation_counts(
        hand_follows(), posts, interactions=em.derive.interactions_from_posts(posts),
        include_self=True,
    )
    pd.testing.assert_frame_equal(derived, explicit)


def _random_posts(seed: int, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(["post", "reply", "thread", "repost", "quote"], n)
    authors = rng.integers(0, 6, n)
    parents = rng.integers(0, 8, n)
    parent_author = np.where(kinds == "thread", authors, parents).astype(object)
    parent_author[kinds == "post"] = None
    return pd.DataFrame(
        {
            "post_id": np.arange(n),
            "author": authors,
            "created_at": pd.Timestamp("2026-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 90 * 86400, n), unit="s"),
            "kind": kinds,
            "parent_author": pd.array(parent_author, dtype="Int64"),
            "visibility": rng.choice(["public", "direct"], n, p=[0.85, 0.15]),
        }
    )


@pytest.mark.parametrize("seed", range(5))
def test_invariants_on_random_tables(seed):
    posts = _random_posts(seed)
    cut = "2026-02-10T05:00:00"
    whole = conversation_counts(posts=posts)
    first = conversation_counts(posts=posts, end=cut)
    second = conversation_counts(posts=posts, start=cut)
    counts = ["posts", "replies", "broadcasts", "threads", "reposts", "quotes"]
    # adjacent half-open windows add up: nothing counted twice or lost at the boundary
    pd.testing.assert_frame_equal(first[counts] + second[counts], whole[counts])
    # the kinds partition the posts
    kinds = whole["replies"] + whole["broadcasts"] + whole["reposts"] + whole["quotes"]
    assert (kinds == whole["posts"]).all()
    assert (whole["outreach_breadth"] <= whole["replies"]).all()
    share = whole["reply_share"].dropna()
    assert ((share >= 0) & (share <= 1)).all()
    # DMs excluded by default: counted with include_direct, by an independent count
    direct = conversation_counts(posts=posts, include_direct=True)
    per_author = posts.groupby("author").size()
    assert direct["posts"][direct["posts"] > 0].to_dict() == per_author.to_dict()
    public = posts[posts["visibility"] != "direct"].groupby("author").size()
    assert whole["posts"][whole["posts"] > 0].to_dict() == public.to_dict()
