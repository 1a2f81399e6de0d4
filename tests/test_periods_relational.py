"""ego_metrics per period with the relational measures of issue 9: new follows, reply-back and
answer rates, and the change from one period to the next (``changes=True``).

Every expected value is worked out by hand from the small timeline below (the arithmetic in the
comments), or counted directly from a sample export with pandas.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.exceptions import InvalidArgumentError
from engagemetrics.metrics.ego import EGO_COLUMNS
from test_conversation import hand_archive

NAN = math.nan
RELATIONAL = ["new_followers", "new_following", "reply_back_rate", "reply_back_hours_median",
              "answer_rate", "answer_hours_median"]


def timeline() -> em.Archive:
    """Three quarters of "me", exported 2026-08-01 (in Q3); every side known (scope "all").

    Follows (dated):
      me -> ann 01-10 (Q1), me -> bob 04-02 (Q2), me -> me 05-01 (a self-follow: never counts);
      cy -> me 02-01 (Q1) and again 03-01 (a second copy: counts once, at 02-01), ann -> me
      04-03 (Q2).
    Replies and mentions (times UTC):
      Q1  02-01 00:00 me  -> bob  reply    never replied back
          03-30 00:00 bob -> me   mention  answered by me's reply of 04-02 00:00: 72 h
          03-31 20:00 me  -> ann  reply    replied back by ann at 04-01 02:00: 6 h
      Q2  04-01 02:00 ann -> me   reply    never answered (me never replies to ann again)
          04-02 00:00 me  -> bob  reply    replied back by bob at 04-02 12:00: 12 h
          04-02 12:00 bob -> me   reply    answered by me's reply of 04-03 00:00: 12 h
          04-03 00:00 me  -> bob  reply    never replied back
      Q3  07-10 00:00 cy  -> me   mention  never answered
    """
    follows = pd.DataFrame({
        "source": ["me", "me", "me", "cy", "cy", "ann"],
        "target": ["ann", "bob", "me", "me", "me", "me"],
        "followed_at": ["2026-01-10", "2026-04-02", "2026-05-01", "2026-02-01", "2026-03-01",
                        "2026-04-03"],
    })
    log = pd.DataFrame({
        "actor": ["me", "bob", "me", "ann", "me", "bob", "me", "cy"],
        "target": ["bob", "me", "ann", "me", "bob", "me", "bob", "me"],
        "kind": ["reply", "mention", "reply", "reply", "reply", "reply", "reply", "mention"],
        "created_at": ["2026-02-01 00:00", "2026-03-30 00:00", "2026-03-31 20:00",
                       "2026-04-01 02:00", "2026-04-02 00:00", "2026-04-02 12:00",
                       "2026-04-03 00:00", "2026-07-10 00:00"],
    })
    return em.Archive(follows=follows, interactions=log, ego="me", scope="all",
                      exported_at="2026-08-01")


# What each quarter holds, by hand (see timeline()):
#   Q1: following ann (1), follower cy (1); me's replies 02-01 (no), 03-31 (6 h): 1 of 2 = 0.5,
#       median 6 h; addressed to me: bob's mention (72 h): 1 of 1 = 1.0, median 72 h.
#   Q2: following bob (1), follower ann (1); me's replies 04-02 (12 h), 04-03 (no): 0.5,
#       median 12 h; addressed: ann 04-01 (no), bob 04-02 (12 h): 0.5, median 12 h.
#   Q3: no follow; no reply by me: reply-back rate 0/0 = NaN; addressed: cy's mention
#       (unanswered): 0 of 1 = 0.0, median of no answer = NaN.
BY_HAND = pd.DataFrame(
    {
        "new_followers": [1, 1, 0],
        "new_following": [1, 1, 0],
        "reply_back_rate": [0.5, 0.5, NAN],
        "reply_back_hours_median": [6.0, 12.0, NAN],
        "answer_rate": [1.0, 0.5, 0.0],
        "answer_hours_median": [72.0, 12.0, NAN],
    },
    index=pd.PeriodIndex(["2026Q1", "2026Q2", "2026Q3"], freq="Q", name="period"),
).astype({"new_followers": "Int64", "new_following": "Int64"})


def test_quarters_by_hand() -> None:
    q = em.ego_metrics(timeline(), freq="QE")
    pd.testing.assert_frame_equal(q[RELATIONAL], BY_HAND)
    # every side is known: none of these is missing (the posts are: no post log was given)
    assert not set(RELATIONAL) & set(q.attrs["unknown"])
    # the follow counts of the quarters: lower bounds before the export's quarter, then the
    # snapshot (the self-follow dropped): following ann | ann, bob | ann, bob
    assert q["follow_basis"].tolist() == ["lower bound", "lower bound", "snapshot"]
    assert q["following"].tolist() == [1, 2, 2] and q["followers"].tolist() == [1, 2, 2]


def test_the_whole_export_row_by_hand() -> None:
    row = em.ego_metrics(timeline())
    # every follow: following ann, bob; followers cy (once), ann
    assert row["new_following"].tolist() == [2] and row["new_followers"].tolist() == [2]
    # me's 4 replies, 2 replied back (6 h, 12 h): 0.5, median (6 + 12) / 2 = 9 h; addressed 4
    # (bob's mention 72 h, ann no, bob 12 h, cy no): 0.5, median (72 + 12) / 2 = 42 h
    assert row[RELATIONAL[2:]].iloc[0].tolist() == [0.5, 9.0, 0.5, 42.0]
    # a window: [2026-02-15, 2026-04-02) holds cy's second copy only (its follow is dated
    # 02-01: not new here), ann's follow back 04-03 is out; me's reply 03-31 (back 6 h)
    window = em.ego_metrics(timeline(), start="2026-02-15", end="2026-04-02")
    assert window[["new_followers", "new_following"]].iloc[0].tolist() == [0, 0]
    assert window["reply_back_rate"].iloc[0] == 1.0
    # addressed in the window: bob's mention 03-30 (answered 72 h, after the window's end:
    # answers are looked for in all the data) and ann's reply 04-01 02:00 (not): 1 of 2
    assert window["answer_rate"].iloc[0] == 0.5
    assert window["answer_hours_median"].iloc[0] == 72.0


def test_one_definition_per_number() -> None:
    """Each quarter's numbers are follow_events' and two_way_metrics' in that quarter."""
    archive = timeline()
    q = em.ego_metrics(archive, freq="QE")
    events = em.follow_events(archive, freq="QE")
    pd.testing.assert_frame_equal(q[["new_followers", "new_following"]], events)
    for period in q.index:
        start, end = period.start_time, (period + 1).start_time
        two_way = em.two_way_metrics(archive, start=start, end=end)
        for column in RELATIONAL[2:]:
            want = two_way.loc["me", column]
            assert q.loc[period, column] == pytest.approx(want, nan_ok=True), column


def test_changes_by_hand() -> None:
    q = em.ego_metrics(timeline(), freq="QE", changes=True)
    # the columns: every numeric column, then its change, in the same order
    numeric = [c for c in EGO_COLUMNS if c != "follow_basis"]
    assert q.columns.tolist() == [*EGO_COLUMNS, *(f"{c}_change" for c in numeric)]
    expected = {
        # Q2 - Q1, Q3 - Q2
        "new_following_change": [pd.NA, 1 - 1, 0 - 1],
        "new_followers_change": [pd.NA, 0, -1],
        "following_change": [pd.NA, 2 - 1, 2 - 2],
        "reply_back_rate_change": [NAN, 0.5 - 0.5, NAN],  # Q3's rate is 0/0
        "reply_back_hours_median_change": [NAN, 12.0 - 6.0, NAN],
        "answer_rate_change": [NAN, 0.5 - 1.0, 0.0 - 0.5],  # a difference of ratios
        "answer_hours_median_change": [NAN, 12.0 - 72.0, NAN],
    }
    for column, values in expected.items():
        got = q[column]
        if column.startswith(("new_", "following")):
            assert str(got.dtype) == "Int64"
            assert got.tolist()[1:] == values[1:] and pd.isna(got.iloc[0]), column
        else:
            assert str(got.dtype) == "float64"
            np.testing.assert_allclose(got.to_numpy(), values, equal_nan=True, err_msg=column)
    # the first quarter has no quarter before it: missing, and said why
    assert "the first period (2026Q1) has no period before it" in (
        q.attrs["unknown"]["answer_rate_change"])
    # the plain columns are unchanged by changes=True
    pd.testing.assert_frame_equal(q[list(EGO_COLUMNS)],
                                  em.ego_metrics(timeline(), freq="QE"))


def test_changes_against_pandas_diff() -> None:
    # a pandas oracle: the change is .diff() of the column, for every numeric column
    q = em.ego_metrics(hand_archive().replace(exported_at="2026-07-15"), freq="QE",
                       changes=True)
    for column in [c for c in EGO_COLUMNS if c != "follow_basis"]:
        want = q[column].astype("float64").diff()
        got = q[f"{column}_change"].astype("float64")
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), equal_nan=True,
                                   err_msg=column)


def test_changes_of_no_period() -> None:
    q = em.ego_metrics(timeline(), freq="QE", changes=True, start="2030-01-01")
    assert q.empty and "answer_rate_change" in q.columns
    assert not any(c.endswith("_change") for c in q.attrs["unknown"])


def test_changes_need_freq_and_a_bool() -> None:
    with pytest.raises(InvalidArgumentError, match="freq"):
        em.ego_metrics(timeline(), changes=True)
    with pytest.raises(InvalidArgumentError, match="changes"):
        em.ego_metrics(timeline(), freq="QE", changes="yes")
    with pytest.raises(InvalidArgumentError, match="horizon"):
        em.ego_metrics(timeline(), horizon="-1D")


def test_the_horizon_is_two_way_metrics_horizon() -> None:
    # horizon 10 h: Q1's reply back took 6 h (kept), bob's answer 72 h (now unanswered);
    # Q2's 12 h reply back and 12 h answer are now too late
    q = em.ego_metrics(timeline(), freq="QE", horizon="10h")
    assert q["reply_back_rate"].tolist()[:2] == [0.5, 0.0]
    assert q["answer_rate"].tolist() == [0.0, 0.0, 0.0]


# --------------------------------------------------------------------------- unknown
def test_undated_follows_leave_new_follows_missing_with_the_reason() -> None:
    # hand_archive's follows carry no date (as X and Mastodon lists): new follows are unknown
    # in every row, whole export included; they are not 0
    archive = hand_archive().replace(exported_at="2026-07-15")
    for frame in (em.ego_metrics(archive, freq="QE", changes=True), em.ego_metrics(archive)):
        assert frame[["new_followers", "new_following"]].isna().all(axis=None)
        for column in ("new_followers", "new_following"):
            assert "carry no follow date" in frame.attrs["unknown"][column]
    q = em.ego_metrics(archive, freq="QE", changes=True)
    assert q["new_followers_change"].isna().all()
    assert "new_followers is missing in this period or the one before" in (
        q.attrs["unknown"]["new_followers_change"])
    assert "carry no follow date" in q.attrs["unknown"]["new_followers_change"]


def test_dated_follows_without_a_new_one_give_a_measured_zero() -> None:
    q = em.ego_metrics(timeline(), freq="QE")
    assert q.loc[pd.Period("2026Q3", "Q"), "new_followers"] == 0
    assert "new_followers" not in q.attrs["unknown"]


def test_one_sided_export_leaves_two_way_missing_with_two_way_metrics_reasons() -> None:
    # one account's export: its own replies, none of the others'. Its replies in Q1, nothing
    # in Q2, a post in Q3 (exported 2026-08-01)
    posts = pd.DataFrame({
        "post_id": ["1", "2", "3"], "author": "me", "kind": ["reply", "reply", "post"],
        "created_at": ["2026-01-05", "2026-02-06", "2026-07-01"],
        "parent_author": ["ann", "bob", None],
    })
    follows = pd.DataFrame({"source": ["me"], "target": ["ann"]})
    archive = em.Archive(follows=follows, posts=posts, ego="me", exported_at="2026-08-01")
    q = em.ego_metrics(archive, freq="QE")
    two_way = em.two_way_metrics(archive)
    # the answers need what others addressed to me: not in the export, in every quarter
    assert q["answer_rate"].isna().all() and q["answer_hours_median"].isna().all()
    assert q.attrs["unknown"]["answer_rate"] == two_way.attrs["unknown"]["answer_rate"]
    # Q1's 2 replies: whether they were replied back is unknown (the others' replies are not
    # in the export), not 0
    assert math.isnan(q["reply_back_rate"].iloc[0])
    assert q.attrs["unknown"]["reply_back_rate"] == two_way.attrs["unknown"]["reply_back_rate"]
    assert "needs the replies of the accounts it replied to" in (
        q.attrs["unknown"]["reply_back_rate"])
    # the follow it made carries no date: its new following is unknown; nobody follows it
    # (the follow table is complete), so no follower is new: a measured 0, as in follow_events
    assert q["new_following"].isna().all() and q["new_followers"].tolist() == [0, 0, 0]
    assert "carry no follow date" in q.attrs["unknown"]["new_following"]


def test_an_owner_in_no_table_has_nothing_to_rate() -> None:
    # nothing given: the two-way columns are unknown, with a reason
    row = em.ego_metrics(em.Archive(ego="nobody"))
    assert row[RELATIONAL].isna().all(axis=None)
    assert set(RELATIONAL) <= set(row.attrs["unknown"])


# --------------------------------------------------------------------------- samples
@pytest.mark.samples
def test_bluesky_new_following_per_quarter_is_a_count_of_its_dated_follows(
        samples: Path) -> None:
    archive = em.load(samples / "bluesky" / "paul_staging.repo.car")
    q = em.ego_metrics(archive, freq="QE", changes=True)
    follows = archive.follows[archive.follows["source"] == archive.ego]
    first = follows.groupby("target")["followed_at"].min()  # each account once, earliest
    by_quarter = first.dt.tz_convert(None).dt.to_period("Q").value_counts()
    want = by_quarter.reindex(q.index, fill_value=0)
    assert q["new_following"].tolist() == want.tolist()
    assert q["new_following"].sum() == len(first) == 8  # every follow falls in a row
    assert q["new_following_change"].tolist()[1:] == want.diff().tolist()[1:]
    # a Bluesky repo has no follower list
    assert q["new_followers"].isna().all()
    assert q.attrs["unknown"]["new_followers"] == "a Bluesky repo has no follower list"
    # the whole export row: all 8
    assert em.ego_metrics(archive)["new_following"].iloc[0] == 8


@pytest.mark.samples
def test_x_archive_has_no_follow_dates_and_no_answers(samples: Path) -> None:
    archive = em.read_twitter_archive(
        samples / "twitter" / "milahu-twitter-milahu104-2026-03-06")
    q = em.ego_metrics(archive, freq="QE")
    assert q[["new_followers", "new_following", "answer_rate"]].isna().all(axis=None)
    assert "no follow dates" in q.attrs["unknown"]["new_following"]
    # reply-back is unknown in every quarter with a reply to another account; NaN without one
    assert q["reply_back_rate"].isna().all()
    assert "needs the replies of the accounts it replied to" in (
        q.attrs["unknown"]["reply_back_rate"])
