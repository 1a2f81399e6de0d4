"""ego_metrics against hand-worked answers (the table in test_conversation.py, ego = ann)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics import ego_metrics
from engagemetrics.exceptions import InvalidArgumentError, MissingColumnsError, NoEgoError
from test_conversation import NAN, assert_row, hand_archive

EXTRA = [
    "interlocutors",
    "outreach_gini",
    "outreach_entropy",
    "amplified",
    "amplified_accounts",
    "self_reposts",
    "mentions",
]
RELATIONAL = [
    "new_followers",
    "new_following",
    "reply_back_rate",
    "reply_back_hours_median",
    "answer_rate",
    "answer_hours_median",
]
# Follow snapshot of ann (loops="drop", multi="collapse"): see test_account_metrics.py.
ANN_FOLLOW = {
    "followers": 2,
    "following": 3,
    "mutuals": 2,
    "follow_ratio": 2 / 3,
    "follow_back_rate": 2 / 3,
    "reciprocation_rate": 1.0,
    "reciprocity_dice": 0.8,
    "reciprocity_jaccard": 2 / 3,
}
# ann's interactions (DM excluded): replies bob (p3), bob (p4), cat (p5); thread to herself
# (p2, excluded); mentions cat (p1) and dan (p5) -- the @bob of the reply p3 is the reply
# itself; repost of bob (p6); quote of herself (p7).
ANN_EXTRA = {
    "interlocutors": 3,  # {bob, cat} replied to + {cat, dan} mentioned
    # reply counts bob 2, cat 1 -> sorted [1, 2]: ((2-3)*1 + (4-3)*2) / (2 * 3) = 1/6
    "outreach_gini": 1 / 6,
    # p = (2/3, 1/3): H = 0.6365141683; / ln 2
    "outreach_entropy": 0.9182958340544896,
    "amplified": 1,  # p6
    "amplified_accounts": 1,  # bob
    "self_reposts": 1,  # p7
    "mentions": 2,  # cat, dan
}


def test_single_row_by_hand():
    m = ego_metrics(hand_archive())
    assert m.index.tolist() == ["ann"] and m.index.name == "account"
    assert m.columns.tolist()[-14:-7] == EXTRA and m.columns[-1] == "follow_basis"
    assert m.columns.tolist()[-7:-1] == RELATIONAL
    assert m.columns.tolist()[:-14] == em.account_metrics(hand_archive()).columns.tolist()
    assert m["follow_basis"].tolist() == ["snapshot"]
    assert_row(
        m,
        "ann",
        {
            **ANN_FOLLOW,
            **ANN_EXTRA,
            "posts": 8,
            "replies": 3,
            "broadcasts": 3,
            "outreach_breadth": 2,
            "followee_engagement": 2 / 3,
        },
    )
    # the ego's row equals account_metrics' row for the shared columns
    shared = em.account_metrics(hand_archive()).loc[["ann"]]
    pd.testing.assert_frame_equal(m[shared.columns], shared, check_index_type=False)


def test_include_direct():
    m = ego_metrics(hand_archive(), include_direct=True)
    assert_row(
        m,
        "ann",
        {
            "interlocutors": 4,  # + gus, the DM's recipient
            "outreach_breadth": 3,
            # reply counts bob 2, cat 1, gus 1 -> [1, 1, 2]: (-2*1 + 0*1 + 2*2) / (3 * 4)
            "outreach_gini": 1 / 6,
            # p = (1/2, 1/4, 1/4): H = 1.5 ln 2; / ln 3
            "outreach_entropy": 1.5 * math.log(2) / math.log(3),
            "replies": 4,
        },
    )


def test_quarters_with_an_empty_quarter_in_the_middle():
    q = ego_metrics(hand_archive().replace(exported_at="2026-07-15"), freq="QE")
    # ann is active in Q1 (p1-p7) and Q3 (p9 on 2026-07-01): Q2 is present with zeros
    assert isinstance(q.index, pd.PeriodIndex) and q.index.name == "period"
    assert [str(p) for p in q.index] == ["2026Q1", "2026Q2", "2026Q3"]
    # The follows carry no dates: a snapshot at the export (2026-07-15, in Q3). Before it
    # the counts are unknown, not the snapshot repeated.
    assert q["follow_basis"].tolist() == ["unknown", "unknown", "snapshot"]
    assert_row(q, q.index[2], ANN_FOLLOW)
    for period in q.index[:2]:
        assert q.loc[period, ["followers", "following", "mutuals"]].isna().all()
        assert q.loc[period, ["follow_back_rate", "reciprocity_dice"]].isna().all()
    assert "no follow dates" in q.attrs["unknown"]["followers"]
    assert_row(
        q,
        q.index[0],
        {
            **ANN_EXTRA,
            "posts": 7,
            "replies": 3,
            "broadcasts": 2,
            "reply_to_broadcast_ratio": 1.5,
            "reply_share": 0.6,
            "thread_share": 1 / 7,
            "outreach_breadth": 2,
            "followee_engagement": 2 / 3,
        },
    )
    assert_row(
        q,
        q.index[1],
        {
            "posts": 0,
            "replies": 0,
            "broadcasts": 0,
            "outreach_breadth": 0,
            "interlocutors": 0,
            "amplified": 0,
            "mentions": 0,
            "self_reposts": 0,
            "reply_to_broadcast_ratio": NAN,
            "reply_share": NAN,
            "thread_share": NAN,
            "outreach_gini": NAN,
            "outreach_entropy": NAN,
            "followee_engagement": 0.0,  # 0 of the 3 accounts she follows
        },
    )
    assert_row(
        q,
        q.index[2],
        {
            "posts": 1,
            "broadcasts": 1,
            "replies": 0,
            "reply_share": 0.0,
            "reply_to_broadcast_ratio": 0.0,
            "interlocutors": 0,
            "outreach_gini": NAN,
        },
    )
    for col in q.columns.drop("follow_basis"):
        assert str(q[col].dtype) in ("Int64", "float64")


def test_periods_are_cut_by_the_window():
    # [2026-01-12, 2026-07-01): p1, p2 (before) and p9 (at end) are out; one quarter left
    q = ego_metrics(hand_archive(), freq="QE", start="2026-01-12", end="2026-07-01")
    assert [str(p) for p in q.index] == ["2026Q1"]
    assert_row(
        q,
        q.index[0],
        {
            "posts": 5,  # p3, p4, p5, p6, p7
            "replies": 3,
            "broadcasts": 0,
            "reply_to_broadcast_ratio": NAN,
            "reply_share": 1.0,
            "interlocutors": 3,  # bob, cat replied; dan mentioned in p5 (p1's mention of cat is out)
            "mentions": 1,
        },
    )


def test_months():
    q = ego_metrics(hand_archive(), freq="ME", end="2026-03-01")
    assert [str(p) for p in q.index] == ["2026-01", "2026-02"]
    assert q["posts"].tolist() == [5, 2]  # Jan p1-p5; Feb p6, p7 (p8 is a DM)
    assert q["amplified"].tolist() == [0, 1]


def test_no_activity_gives_no_period_rows_but_one_ego_row():
    a = hand_archive()
    q = ego_metrics(a, freq="QE", start="2030-01-01")
    assert len(q) == 0 and isinstance(q.index, pd.PeriodIndex)
    row = ego_metrics(a, start="2030-01-01")
    assert_row(row, "ann", {**ANN_FOLLOW, "posts": 0, "interlocutors": 0, "outreach_gini": NAN})


def test_ego_without_anything():
    # No table given: nothing is known, so nothing is 0.
    m = ego_metrics(em.Archive(ego="nobody"))
    assert m.index.tolist() == ["nobody"]
    assert m.drop(columns="follow_basis").isna().all(axis=None)
    assert m.attrs["unknown"]["followers"] == "no follow table was given"
    assert m.attrs["unknown"]["posts"] == "no posts table was given"
    # Empty tables given: everything is known, and the counts are measured zeros.
    empty = em.Archive(
        follows=pd.DataFrame({"source": [], "target": []}),
        posts=pd.DataFrame({"post_id": [], "author": [], "created_at": [], "kind": []}),
        ego="nobody",
        scope="all",
    )
    assert_row(
        ego_metrics(empty),
        "nobody",
        {
            "followers": 0,
            "following": 0,
            "follow_ratio": NAN,
            "posts": 0,
            "followee_engagement": NAN,
            "mentions": 0,
            "replies_received": 0,
        },
    )


def test_errors():
    with pytest.raises(NoEgoError):
        ego_metrics(hand_archive(ego=None))
    with pytest.raises(InvalidArgumentError, match="freq"):
        ego_metrics(hand_archive(), freq="fortnightly")
    with pytest.raises(InvalidArgumentError, match="Archive"):
        ego_metrics(hand_archive().posts)
    a = hand_archive()
    a.posts = a.posts.drop(columns="kind")
    with pytest.raises(MissingColumnsError):
        ego_metrics(a)


@pytest.mark.samples
def test_real_twitter_archive(samples):
    folder = samples / "twitter" / "milahu-twitter-milahu104-2026-03-06"
    archive = em.read_twitter_archive(folder)
    m = ego_metrics(archive)
    row = m.iloc[0]
    # samples/README.md: 61 followers, 167 following, 6 mutual
    assert (row["followers"], row["following"], row["mutuals"]) == (61, 167, 6)
    # 2,045 tweets: 1,780 replies of which 42 to herself (threads), plus 13 mention-only
    # tweets that are addressed to an account (replies by METRICS.md): 1780 - 42 + 13
    assert row["posts"] == 2045
    assert row["threads"] == 42
    assert row["replies"] == 1780 - 42 + 13
    assert row["reposts"] == 239
    # outreach breadth counted independently: distinct reply-to users other than the ego
    text = (folder / "data" / "tweets.js").read_text(encoding="utf-8")
    tweets = json.loads(text[text.index("[") :])
    replied = {
        t["tweet"]["in_reply_to_user_id_str"]
        for t in tweets
        if t["tweet"].get("in_reply_to_user_id_str")
        and t["tweet"]["in_reply_to_user_id_str"] != archive.ego
    }
    assert row["outreach_breadth"] == len(replied)
    # the yearly rows add up to the whole
    years = ego_metrics(archive, freq="YE")
    assert years["posts"].sum() == 2045 and years["replies"].sum() == row["replies"]
