"""em.two_way_metrics against hand-worked answers, a hand Kaplan-Meier, and the Higgs log.

The interactions are the hand timeline of test_relationships.py (its docstring lists them);
the threads are a small post log with roots, below. Expected values are worked out by hand,
with the arithmetic in comments; on the Higgs log they come from plain-Python references
(tests/_higgs.py) on a sample of accounts.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import engagemetrics as em
from _higgs import WEEK, higgs_lines, km_median_reference, reference_account
from engagemetrics.exceptions import InvalidArgumentError
from engagemetrics.metrics import _kernels
from test_relationships import START, X_SAMPLE, alice, bob, hand_follows, hand_interactions

HIGGS = "snap-higgs-twitter/higgs-activity_time.txt.gz"
NAN = math.nan
COLUMNS = ["replies", "replied_back", "reply_back_rate", "reply_back_hours_median", "addressed",
           "answered", "answer_rate", "answer_hours_median", "answer_hours_km_median",
           "threads_joined", "mean_depth", "max_depth", "turns"]


def check(frame: pd.DataFrame, account: str, expected: dict) -> None:
    for column, value in expected.items():
        got = frame.loc[account, column]
        if isinstance(value, float) and math.isnan(value):
            assert pd.isna(got), f"{account} {column}: expected missing, got {got}"
        else:
            assert got == pytest.approx(value), f"{account} {column}: {value} != {got}"


# --------------------------------------------------------------------------- Kaplan-Meier
def test_kaplan_meier_median_by_hand_with_censoring():
    # group 0: events at 2, 5, 5, 9; censored at 3, 5, 7, 10, 12 (9 items)
    #   t=2: at risk 9, 1 event  -> S = 8/9
    #   t=5: at risk 7 (5, 5, 5, 7, 9, 10, 12; the item censored at 5 is still at risk),
    #        2 events            -> S = 8/9 * 5/7 = 40/63 = 0.635
    #   t=9: at risk 3, 1 event  -> S = 40/63 * 2/3 = 80/189 = 0.423 <= 1/2: median 9
    # group 1: event at 4, censored at 6 and 8: S(4) = 2/3, never <= 1/2: not reached
    # group 2: no item; group 3: events at 1 and 2 of two items: S(1) = 1/2: median 1
    durations = [2, 3, 5, 5, 5, 7, 9, 10, 12, 4, 6, 8, 1, 2]
    events = [True, False, True, True, False, False, True, False, False, True, False, False,
              True, True]
    groups = [0] * 9 + [1] * 3 + [3] * 2
    assert Fraction(8, 9) * Fraction(5, 7) * Fraction(2, 3) == Fraction(80, 189)
    rng = np.random.default_rng(3)
    order = rng.permutation(len(durations))  # the kernel sorts for itself
    # integer durations take one packed sort (here in steps of 10**9, as whole seconds in
    # nanoseconds); floats, and integers too wide to pack (d * 2**58 + 1), a lexsort
    for scale, shift, dtype in ((10**9, 0, np.int64), (1, 0, np.float64), (2**58, 1, np.int64)):
        wide = np.array(durations, dtype=np.int64) * scale + shift
        got = _kernels.km_median(np.array(groups)[order], wide[order].astype(dtype),
                                 np.array(events)[order], 4) / scale
        assert got[[0, 3]].tolist() == [9.0, 1.0]
        assert np.isnan(got[[1, 2]]).all()
    # the plain-Python product agrees on the same items
    assert km_median_reference(durations[:9], events[:9]) == 9.0
    assert math.isnan(km_median_reference(durations[9:12], events[9:12]))


# --------------------------------------------------------------------------- the hand timeline
def hand(**kwargs) -> pd.DataFrame:
    return em.two_way_metrics(hand_follows(), interactions=hand_interactions(), **kwargs)


# me without a window: replies 1, 3, 6, 10 (the DM 15 and the self-reply 16 never count);
# addressed by others: 2, 4, 5, 17 (ann) and 12 (dan); hal's mention 18 is undated: left out.
ME = {
    "replies": 4,
    "replied_back": 1,  # 1, by ann's 2 after 12 h; 3: ann's next reply 10 days later
    "reply_back_rate": 0.25,
    "reply_back_hours_median": 12.0,
    "addressed": 5,
    "answered": 2,  # 4 (54 h) and 5 (6 h), both by 6
    "answer_rate": 0.4,
    "answer_hours_median": 30.0,  # median of 6 and 54
    # observed until the last time in the data, 17 (Apr 5). Waits: 5 -> 6 h, 4 -> 54 h
    # (events); 2 and 12 censored at 168 h (the horizon); 17 censored at 0 h (observed no
    # longer). At 6 h: 4 at risk -> S = 3/4; at 54 h: 3 at risk -> S = 3/4 * 2/3 = 1/2.
    "answer_hours_km_median": 54.0,
}
ANN = {
    "replies": 3,  # 2, 4, 17
    "replied_back": 1,  # 4, answered by 6 after 54 h; 2: me's next reply 9.5 days later
    "reply_back_rate": 1 / 3,
    "reply_back_hours_median": 54.0,
    "addressed": 3,  # me's replies 1, 3, 6 (the repost 7 and quote 9 are no items)
    "answered": 1,  # 1, by 2 after 12 h
    "answer_rate": 1 / 3,
    "answer_hours_median": 12.0,
    # 12 h an event, 3 and 6 censored at 168 h: S(12) = 2/3, and no later event: not reached
    "answer_hours_km_median": NAN,
}
CAT = {"replies": 0, "reply_back_rate": NAN, "addressed": 2, "answered": 0, "answer_rate": 0.0,
       "answer_hours_median": NAN, "answer_hours_km_median": NAN}
DAN = {"replies": 1, "replied_back": 0, "reply_back_rate": 0.0, "addressed": 0,
       "answer_rate": NAN}


def test_hand_timeline_per_account():
    t = hand()
    assert t.columns.tolist() == COLUMNS
    assert t.index.name == "account" and t.index.is_monotonic_increasing
    # every account of the data: the DM's gus and the undated hal too
    assert t.index.tolist() == ["ann", "bob", "cat", "dan", "eve", "gus", "hal", "me"]
    for account, expected in {"me": ME, "ann": ANN, "cat": CAT, "dan": DAN}.items():
        check(t, account, expected)
    check(t, "eve", {"addressed": 1, "answered": 0})  # the mention 14
    check(t, "gus", {"addressed": 0, "answer_rate": NAN})  # only a DM
    for column in COLUMNS:
        assert str(t[column].dtype) == ("Int64" if column in (
            "replies", "replied_back", "addressed", "answered", "threads_joined", "max_depth")
            else "float64"), column
    # no posts: the thread measures are unknown, with the reason
    assert t[["threads_joined", "mean_depth", "max_depth", "turns"]].isna().all(axis=None)
    assert t.attrs["unknown"]["mean_depth"] == "no posts table was given"
    assert set(t.attrs["unknown"]) == {"threads_joined", "mean_depth", "max_depth", "turns"}


def test_window_items_answers_anywhere():
    t = hand(start=START, end="2026-04-01")
    # me: addressed 2, 4, 5, 12 (17 is after the end); answered 4 and 5: 1/2
    # KM: 5 -> 6 h and 4 -> 54 h events, 2 and 12 censored at 168 h: S = 3/4, then 1/2
    check(t, "me", {"replies": 4, "addressed": 4, "answered": 2, "answer_rate": 0.5,
                    "answer_hours_km_median": 54.0})
    # only January: me's 6 (Feb 1) answers ann's 4 (Jan 30) although it lies outside
    jan = hand(start=START, end="2026-02-01")
    check(jan, "me", {"addressed": 2, "answered": 1, "answer_hours_median": 54.0})
    # with the direct message: me -> gus (15) is a reply nobody answered: 1 of 5
    check(hand(include_direct=True), "me", {"replies": 5, "reply_back_rate": 0.2})
    # a shorter horizon: only 5 (6 h) is answered within a day
    check(hand(horizon="1D"), "me", {"answered": 1, "answer_hours_median": 6.0})
    for bad in ({"horizon": "0D"}, {"horizon": None}, {"start": "2026-05-01", "end": START},
                {"include_direct": 1}):
        with pytest.raises(InvalidArgumentError):
            hand(**bad)


# --------------------------------------------------------------------------- threads
# A post log with roots, as a whole platform's (every account's posts):
#
#   r1 ann post                       depth 0
#   x1 bob   reply to r1 (ann)        depth 1, turns 1 (ann -> bob)
#   x2 ann   reply to x1 (bob)        depth 2, turns 2
#   x3 bob   reply to x2 (ann)        depth 3, turns 3
#   x4 bob   thread, reply to x3      depth 4, turns 3 (bob -> bob: no change)
#   x5 cat   reply to x4 (bob)        depth 5, turns 4
#   r2 cat post;  y1 ann reply to r2  depth 1, turns 1
#   z1 dan   reply to q9 (gil), root q0: q9 is not in the log -> depth unknown
#   w1 eve   reply to x1, no root_id  -> unknown
#   v1 fay   reply to g0 (gil), which is its root (not in the log): depth 1, turns 1
#   h1 hal post
POSTS = [
    ("r1", "ann", "2026-01-01", "post", None, None, None),
    ("x1", "bob", "2026-01-02", "reply", "r1", "ann", "r1"),
    ("x2", "ann", "2026-01-03", "reply", "x1", "bob", "r1"),
    ("x3", "bob", "2026-01-04", "reply", "x2", "ann", "r1"),
    ("x4", "bob", "2026-01-05", "thread", "x3", "bob", "r1"),
    ("x5", "cat", "2026-01-06", "reply", "x4", "bob", "r1"),
    ("r2", "cat", "2026-01-07", "post", None, None, None),
    ("y1", "ann", "2026-01-08", "reply", "r2", "cat", "r2"),
    ("z1", "dan", "2026-01-09", "reply", "q9", "gil", "q0"),
    ("w1", "eve", "2026-01-10", "reply", "x1", "bob", None),
    ("v1", "fay", "2026-01-11", "reply", "g0", "gil", "g0"),
    ("h1", "hal", "2026-01-12", "post", None, None, None),
]


def thread_posts() -> pd.DataFrame:
    return pd.DataFrame(POSTS, columns=["post_id", "author", "created_at", "kind", "parent_id",
                                        "parent_author", "root_id"])


def test_threads_depth_and_turns_by_hand():
    t = em.two_way_metrics(posts=thread_posts())
    # ann: x2 (depth 2, turns 2), y1 (1, 1) in threads r1 and r2
    check(t, "ann", {"threads_joined": 2, "mean_depth": 1.5, "max_depth": 2, "turns": 1.5})
    # bob: x1 (1, 1) and x3 (3, 3); x4 is a thread continuation, not a reply
    check(t, "bob", {"threads_joined": 1, "mean_depth": 2.0, "max_depth": 3, "turns": 2.0})
    check(t, "cat", {"threads_joined": 1, "mean_depth": 5.0, "max_depth": 5, "turns": 4.0})
    # dan's root is known (one thread), the chain up to it is not
    check(t, "dan", {"threads_joined": 1, "mean_depth": NAN, "max_depth": NAN, "turns": NAN})
    check(t, "eve", {"threads_joined": NAN, "mean_depth": NAN, "turns": NAN})
    check(t, "fay", {"threads_joined": 1, "mean_depth": 1.0, "max_depth": 1, "turns": 1.0})
    # no reply: no thread joined, depths undefined
    check(t, "hal", {"threads_joined": 0, "mean_depth": NAN, "max_depth": NAN, "turns": NAN})
    assert "root_id" in t.attrs["unknown"]["threads_joined"]
    assert "not in the post log" in t.attrs["unknown"]["mean_depth"]
    # replies derived from the posts: ann's x2 (Jan 3) to bob answered by x3 a day later
    check(t, "ann", {"replies": 2, "replied_back": 1, "reply_back_hours_median": 24.0})
    # the window: January 1-5 holds ann's x2 and bob's x1, x3
    check(em.two_way_metrics(posts=thread_posts(), start="2026-01-01", end="2026-01-06"),
          "ann", {"threads_joined": 1, "mean_depth": 2.0})


def test_threads_need_roots_in_the_post_log():
    no_roots = thread_posts().drop(columns=["root_id"])
    t = em.two_way_metrics(posts=no_roots)
    assert t[["threads_joined", "mean_depth", "max_depth", "turns"]].isna().all(axis=None)
    assert "root_id" in t.attrs["unknown"]["turns"]


# --------------------------------------------------------------------------- what is known
def test_one_export_knows_the_owners_replies_not_the_answers():
    a = alice()
    t = em.two_way_metrics(a)
    check(t, "alice", {"replies": 3})  # a2, a3 to bob, a4 to cat
    for column in ["replied_back", "reply_back_rate", "addressed", "answered", "answer_rate",
                   "answer_hours_km_median"]:
        assert pd.isna(t.loc["alice", column]), column
    assert "not the replies and mentions others addressed to it" in t.attrs["unknown"][
        "answer_rate"]
    assert t.attrs["unknown"]["reply_back_rate"].startswith(
        "needs the replies of the accounts it replied to")
    # every other account: seen through alice only
    assert t.drop(index="alice").isna().all(axis=None)
    assert "other_accounts" in t.attrs


def test_merged_exports_answer_between_their_owners():
    both = em.merge(alice(), bob())
    t = em.two_way_metrics(both)
    # bob replied to alice (b1) and to dan (b2): dan is no owner, so whether dan replied back
    # is unknown; alice replied to bob twice and to cat once: cat's answers are unknown too
    assert pd.isna(t.loc["bob", "reply_back_rate"]) and pd.isna(t.loc["alice",
                                                                      "reply_back_rate"])
    a = alice().replace(posts=alice().posts[alice().posts["post_id"] != "a4"])
    t = em.two_way_metrics(em.merge(a, bob().replace(
        posts=bob().posts[bob().posts["post_id"] != "b2"])))
    # now each replied only to the other: alice's a2 (Jan 2) answered by b1 (Jan 3), a3 not
    check(t, "alice", {"replies": 2, "replied_back": 1, "reply_back_rate": 0.5,
                       "reply_back_hours_median": 24.0})
    # bob's b1 answered by alice's a3 (Jan 5) after 48 h
    check(t, "bob", {"replies": 1, "reply_back_rate": 1.0, "reply_back_hours_median": 48.0})
    assert pd.isna(t.loc["alice", "addressed"])  # what others addressed to her: unknown


def test_interactions_received_give_the_answer_rate():
    received = pd.DataFrame({"actor": ["cat", "bob"], "target": ["alice", "alice"],
                             "kind": ["reply", "mention"],
                             "created_at": ["2026-01-06 12:00", "2026-01-04"]})
    t = em.two_way_metrics(alice().with_interactions(received))
    # addressed to alice: cat's reply (Jan 6 12:00, never answered), bob's mention (Jan 4,
    # answered by a3 on Jan 5 after 24 h); alice's a4 to cat answered by cat after 12 h,
    # a2 and a3 to bob not (bob's mention is no reply)
    check(t, "alice", {"addressed": 2, "answered": 1, "answer_rate": 0.5,
                       "answer_hours_median": 24.0, "replies": 3, "replied_back": 1,
                       "reply_back_hours_median": 12.0})


@pytest.mark.samples
def test_real_x_archive(samples: Path) -> None:
    archive = em.load(samples / X_SAMPLE)
    t = em.two_way_metrics(archive)
    it = archive.interactions
    mine = it[(it["actor"] == archive.ego) & (it["target"] != archive.ego)
              & (it["kind"] == "reply") & it["created_at"].notna()
              & (it["visibility"].astype(object) != "direct")]
    assert t.loc[archive.ego, "replies"] == len(mine)
    reason = archive.coverage.reason("interactions_received")
    for column in ["reply_back_rate", "addressed", "answer_rate", "answer_hours_km_median"]:
        assert pd.isna(t.loc[archive.ego, column])
        assert reason in t.attrs["unknown"][column]
    # X records a reply's parent, not its root: the thread measures are unknown
    assert pd.isna(t.loc[archive.ego, "threads_joined"])


def test_demo_export():
    archive = em.datasets.demo()
    t = em.two_way_metrics(archive)
    it = archive.interactions
    mine = it[(it["actor"] == archive.ego) & (it["target"] != archive.ego)
              & (it["kind"] == "reply") & (it["visibility"].astype(object) != "direct")]
    assert t.loc[archive.ego, "replies"] == len(mine)
    assert pd.isna(t.loc[archive.ego, "answer_rate"])


# --------------------------------------------------------------------------- Higgs
@pytest.mark.samples
def test_higgs_accounts_against_a_plain_python_reference(samples: Path) -> None:
    lines = higgs_lines(samples / HIGGS)
    t = em.two_way_metrics(interactions=em.read_activity_table(samples / HIGGS))
    observed = max(time for _, _, time, _ in lines)  # no export date: the last line's time
    replying = sorted({a for a, b, _, code in lines if code == "RE" and a != b})
    addressed = sorted({b for a, b, _, code in lines if code in ("RE", "MT") and a != b})
    rng = random.Random(4)
    # the most active repliers, and accounts drawn at random among repliers and addressees
    busiest = t["replies"].astype("int64").nlargest(10).index.tolist()
    sample = sorted({*busiest, *rng.sample(replying, 40), *rng.sample(addressed, 40)})
    wanted = set(sample)
    involved: dict[int, list] = {u: [] for u in sample}
    for line in lines:
        for u in {line[0], line[1]} & wanted:
            involved[u].append(line)
    for u in sample:
        ref = reference_account(involved[u], u, observed, WEEK)
        row = t.loc[u]
        assert row["replies"] == ref["replies"] and row["replied_back"] == ref["replied_back"]
        assert row["addressed"] == ref["addressed"] and row["answered"] == ref["answered"]
        for column, hours in (("reply_back_hours_median", ref["reply_back_hours"]),
                              ("answer_hours_median", ref["answer_hours"])):
            assert isinstance(hours, list)
            if hours:
                assert row[column] == pytest.approx(float(np.median(hours))), (u, column)
            else:
                assert pd.isna(row[column]), (u, column)  # a row of mixed dtypes: <NA>
        km = ref["km_hours"]
        assert (math.isnan(km) and pd.isna(row["answer_hours_km_median"])) or row[
            "answer_hours_km_median"] == pytest.approx(km), u
    assert t.attrs["unknown"]["turns"] == "no posts table was given"


# --------------------------------------------------------------------------- kernels
@pytest.mark.parametrize("top", [2**20, 2**57, 2**62])
def test_pair_order_is_a_lexsort_by_pair_then_time(top):
    # small pairs: one packed sort; 2**57 with 2,000 positions (11 bits): split on 6 top
    # bits; 2**62: too many top bits, a stable sort by pair
    rng = np.random.default_rng(top % 97)
    pair = rng.choice(rng.integers(0, top, 50), 2_000)
    ns = np.sort(rng.integers(0, 10**6, 2_000))  # a log in time order, with ties
    assert _kernels.pair_order(pair, ns).tolist() == np.lexsort((np.arange(2_000), pair)
                                                                ).tolist()
    shuffled = rng.permutation(2_000)  # out of time order: a lexsort on both keys
    order = _kernels.pair_order(pair[shuffled], ns[shuffled])
    assert np.array_equal(pair[shuffled][order], np.sort(pair))
    assert all(np.all(np.diff(ns[shuffled][order][pair[shuffled][order] == p]) >= 0)
               for p in np.unique(pair))
