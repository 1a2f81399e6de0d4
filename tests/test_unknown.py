"""Unknown is not zero: on real and generated exports, what an export lacks is missing, with
its reason, in every table, text and JSON; what it holds is unchanged.

Expected values come from the exports themselves (their files, read here with ``json``,
``gzip`` and ``csv``), from the samples' README, or from the archive's tables counted
directly with pandas, never from the metric under test.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.cli import main

X_SAMPLE = "twitter/milahu-twitter-milahu104-2026-03-06"
BLUESKY = "bluesky/paul_staging.repo.car"
HIGGS = "snap-higgs-twitter/higgs-activity_time.txt.gz"
FOLLOW = ["followers", "following", "mutuals"]
FOLLOW_RATES = ["follow_ratio", "follow_back_rate", "reciprocation_rate", "reciprocity_dice",
                "reciprocity_jaccard"]
RECEIVED = ["replies_received", "mentions_received", "reposts_received", "quotes_received"]


def _own_posts(archive: em.Archive) -> pd.DataFrame:
    p = archive.posts
    mine = (p["author"] == archive.ego) & (p["visibility"].astype(object) != "direct")
    return p[mine.fillna(False).astype(bool)]


def _agree(archive: em.Archive) -> pd.Series:
    """ego_metrics' row and account_metrics' row for the ego: equal on every shared column."""
    ego = em.ego_metrics(archive)
    accounts = em.account_metrics(archive)
    shared = accounts.columns
    assert set(shared) <= set(ego.columns)
    pd.testing.assert_frame_equal(
        ego.loc[:, shared], accounts.loc[[archive.ego]], check_index_type=False
    )
    assert ego.attrs["unknown"] == {
        c: why for c, why in ego.attrs["unknown"].items() if c in ego.columns
    }
    return ego.iloc[0]


# --------------------------------------------------------------------------- Bluesky
@pytest.mark.samples
def test_bluesky_repo_has_no_follower_list(samples: Path, capsys: pytest.CaptureFixture) -> None:
    archive = em.load(samples / BLUESKY)
    reason = "a Bluesky repo has no follower list"
    assert archive.coverage.reason("followers") == reason
    row = _agree(archive)
    for column in ["followers", "mutuals", *FOLLOW_RATES]:
        assert pd.isna(row[column]), column
        assert em.ego_metrics(archive).attrs["unknown"][column] == reason
    # what the repo holds is unchanged: its 8 follows (README) and its own posts
    assert row["following"] == 8 == len(archive.following())
    own = _own_posts(archive)
    assert row["posts"] == len(own) and row["replies"] == int((own["kind"] == "reply").sum())
    # text: "unknown (the reason)"; JSON: null, the reason beside it
    assert main([str(samples / BLUESKY)]) == 0
    text = capsys.readouterr().out
    followers_line = next(line for line in text.splitlines() if line.strip().startswith(
        "followers"))
    assert followers_line.split(None, 1)[1].strip() == f"unknown ({reason})"
    assert "0.0%" not in text.split("follow-back rate")[1].splitlines()[0]
    assert main([str(samples / BLUESKY), "--format", "json"]) == 0
    follows = {row["number"]: row for row in json.loads(capsys.readouterr().out)["follows"]}
    assert follows["followers"]["value"] is None
    assert follows["follow_back_rate"]["value"] is None
    assert follows["followers"]["unknown"] == reason
    assert follows["following"]["value"] == 8


@pytest.mark.samples
def test_bluesky_followers_added_as_ids_become_known(samples: Path) -> None:
    archive = em.load(samples / BLUESKY)
    followed = sorted(archive.following())
    added = archive.with_followers([followed[0], followed[1], "did:plc:someoneelse"])
    assert added.coverage.known("followers")
    row = em.ego_metrics(added).iloc[0]
    # 3 followers, 2 of whom it follows: mutuals 2, follow-back 2/8, Dice 2*2/(3+8)
    assert (row["followers"], row["following"], row["mutuals"]) == (3, 8, 2)
    assert row["follow_back_rate"] == pytest.approx(2 / 8)
    assert row["reciprocity_dice"] == pytest.approx(4 / 11)
    assert "followers" not in em.ego_metrics(added).attrs["unknown"]


@pytest.mark.samples
def test_bluesky_follows_carry_dates_so_past_quarters_are_lower_bounds(samples: Path) -> None:
    archive = em.load(samples / BLUESKY)
    quarters = em.ego_metrics(archive, freq="QE")
    follows = archive.follows[archive.follows["source"] == archive.ego]
    assert follows["followed_at"].notna().all()
    for period, row in quarters.iterrows():
        end = (period + 1).start_time.tz_localize("UTC")
        # following by the quarter's end: the follows dated before it, counted directly
        made = follows.loc[follows["followed_at"] < end, "target"].nunique()
        if row["follow_basis"] == "snapshot":
            assert row["following"] == len(archive.following())
        else:
            assert row["follow_basis"] == "lower bound"
            assert row["following"] == made, period
        assert pd.isna(row["followers"])  # never known, in any period


# --------------------------------------------------------------------------- X
@pytest.mark.samples
def test_x_archive_quarters_before_the_export_have_no_follow_counts(samples: Path) -> None:
    archive = em.read_twitter_archive(samples / X_SAMPLE)
    quarters = em.ego_metrics(archive, freq="QE")
    # the export is dated 2026-03-06: 2026Q1 holds the snapshot, no later quarter exists
    assert str(quarters.index[-1]) == "2026Q1"
    assert quarters["follow_basis"].tolist() == ["unknown"] * (len(quarters) - 1) + ["snapshot"]
    last = quarters.iloc[-1]
    assert (last["followers"], last["following"], last["mutuals"]) == (61, 167, 6)  # README
    past = quarters.iloc[:-1]
    assert past[FOLLOW].isna().all(axis=None) and past[FOLLOW_RATES].isna().all(axis=None)
    assert "no follow dates" in quarters.attrs["unknown"]["followers"]
    # the posts are the same whichever way they are cut
    assert quarters["posts"].sum() == em.ego_metrics(archive)["posts"].iloc[0] == 2045
    _agree(archive)


@pytest.mark.samples
def test_a_window_after_the_export_is_unknown(samples: Path, capsys) -> None:
    archive = em.read_twitter_archive(samples / X_SAMPLE)
    row = em.ego_metrics(archive, start="2027-01-01")
    assert row[["posts", "replies", "outreach_breadth", "reply_share"]].isna().all(axis=None)
    assert "starts after the export (2026-03-06)" in row.attrs["unknown"]["posts"]
    assert row["followers"].iloc[0] == 61  # the snapshot itself is known
    assert em.ego_metrics(archive, start="2027-01-01", freq="QE").empty  # none invented
    assert main([str(samples / X_SAMPLE), "--period", "2027Q1"]) == 0
    out = capsys.readouterr().out
    posts = next(line for line in out.splitlines() if line.strip().startswith("posts "))
    assert "unknown (the window starts after the export (2026-03-06)" in posts


# --------------------------------------------------------------------------- Instagram, LinkedIn
@pytest.mark.parametrize("platform", ["instagram", "linkedin"])
def test_exports_without_a_post_log_show_conversation_as_unknown(platform, tmp_path) -> None:
    path = em.datasets.demo_export(platform, tmp_path)
    archive = em.load(path)
    row = _agree(archive)
    unknown = em.ego_metrics(archive).attrs["unknown"]
    for column in ["posts", "replies", "reply_share", "outreach_breadth", "followee_engagement",
                   "amplified", *RECEIVED]:
        assert pd.isna(row[column]), column
        assert column in unknown, column
    # the follow lists are there: counted directly from the archive's follow table
    assert row["followers"] == len(archive.followers())
    assert row["following"] == len(archive.following())
    assert row["mutuals"] == len(archive.followers() & archive.following())


# --------------------------------------------------------------------------- Mastodon
def test_mastodon_archive_without_its_following_csv(tmp_path) -> None:
    written = em.datasets.demo_export("mastodon", tmp_path / "written")
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(written, alone / written.name)  # the zip without the CSVs beside it
    archive = em.load(alone / written.name)
    row = _agree(archive)
    assert pd.isna(row["following"]) and pd.isna(row["followee_engagement"])
    assert pd.isna(row["followers"]) and pd.isna(row["follow_back_rate"])
    assert "following_accounts.csv" in em.ego_metrics(archive).attrs["unknown"]["following"]
    own = _own_posts(archive)
    assert row["posts"] == len(own)  # the outbox is read as before


# --------------------------------------------------------------------------- every platform
@pytest.mark.parametrize("platform", ["twitter", "mastodon", "bluesky", "instagram", "linkedin"])
def test_ego_metrics_and_account_metrics_agree_for_the_ego(platform, tmp_path) -> None:
    archive = em.load(em.datasets.demo_export(platform, tmp_path))
    _agree(archive)
    # every other account of an owner's export is unknown throughout
    others = em.account_metrics(archive).drop(index=archive.ego)
    assert others.isna().all(axis=None)


def test_demo_archive_agrees_and_knows_its_follows() -> None:
    archive = em.datasets.demo()
    row = _agree(archive)
    assert (row["followers"], row["following"]) == (len(archive.followers()),
                                                   len(archive.following()))


# --------------------------------------------------------------------------- research logs
@pytest.mark.samples
def test_snap_log_counts_made_and_received_per_account(samples: Path) -> None:
    made: dict[str, Counter[str]] = {c: Counter() for c in ("RE", "RE-self", "RT", "MT")}
    received: dict[str, Counter[str]] = {c: Counter() for c in ("RE", "RT", "MT")}
    with gzip.open(samples / HIGGS, "rt") as fh:
        for line in fh:
            a, b, _, code = line.split()
            made["RE-self" if code == "RE" and a == b else code][a] += 1
            if a != b:
                received[code][b] += 1
    archive = em.load(samples / HIGGS)
    m = em.account_metrics(archive)
    # replies per account = its RE lines to others; a RE line to oneself is a thread
    replies = m["replies"][m["replies"] > 0]
    assert replies.to_dict() == dict(made["RE"])
    threads = m["threads"][m["threads"] > 0]
    assert threads.to_dict() == dict(made["RE-self"])
    assert int(m["replies"].sum() + m["threads"].sum()) == 36_902  # every RE line (README)
    assert m["reposts"][m["reposts"] > 0].to_dict() == dict(made["RT"])
    assert m["replies_received"][m["replies_received"] > 0].to_dict() == dict(received["RE"])
    assert m["mentions_received"][m["mentions_received"] > 0].to_dict() == dict(received["MT"])
    # what a log of interactions cannot hold is missing, with the reason
    assert m[[*FOLLOW, *FOLLOW_RATES, "posts", "broadcasts", "reply_share"]].isna().all(axis=None)
    assert "interactions, not follows" in m.attrs["unknown"]["followers"]
    assert "not the posts themselves" in m.attrs["unknown"]["posts"]
    # conversation_counts gives the same columns from the same log
    c = em.conversation_counts(archive)
    pd.testing.assert_frame_equal(c, m[c.columns])
    # every account of the log has a row: actors and targets
    assert len(m) == len(set(made["RE"]) | set(made["RE-self"]) | set(made["RT"])
                         | set(made["MT"]) | set(received["RE"]) | set(received["RT"])
                         | set(received["MT"]))


def test_interaction_log_periods_count_what_each_account_made() -> None:
    log = pd.DataFrame({
        "actor": ["a", "a", "a", "b"], "target": ["b", "a", "c", "a"],
        "kind": ["reply", "reply", "repost", "reply"],
        "created_at": pd.to_datetime(["2026-01-05", "2026-02-01", "2026-04-01", "2026-04-02"],
                                     utc=True)})
    archive = em.Archive(interactions=log, unknown={"posts": "a log of interactions"})
    q = em.period_counts(archive, freq="QE")
    # a: Q1 one reply to b and one to herself (a thread); Q2 one repost. b: Q2 one reply.
    assert q.loc[("a", pd.Period("2026Q1", "Q")), ["replies", "threads"]].tolist() == [1, 1]
    assert q.loc[("a", pd.Period("2026Q2", "Q")), "reposts"] == 1
    assert q.loc[("b", pd.Period("2026Q2", "Q")), "replies"] == 1
    assert q["posts"].isna().all() and q["reply_share"].isna().all()


# --------------------------------------------------------------------------- archives
def test_replacing_the_posts_derives_the_interactions_again(tmp_path) -> None:
    archive = em.load(em.datasets.demo_export("twitter", tmp_path))  # derived from posts
    assert len(archive.interactions) > 0
    empty = archive.posts.iloc[:0]
    replaced = archive.replace(posts=empty)
    assert len(replaced.interactions) == 0
    assert em.ego_metrics(replaced)["outreach_breadth"].iloc[0] == 0
    # an interaction log given as such is kept when the posts change
    log = em.Archive(interactions=archive.interactions, ego=archive.ego)
    assert len(log.replace(posts=empty).interactions) == len(archive.interactions)


def test_coverage_describes_every_part() -> None:
    archive = em.datasets.demo()
    table = archive.coverage.to_frame()
    assert table.index.tolist() == list(em.coverage.PARTS)
    assert table.loc["interactions_received", "known"] == np.False_
    as_json = json.loads(json.dumps(archive.coverage.to_dict()))
    assert as_json["scope"] == "ego"
    assert as_json["exported_at"] == archive.exported_at.isoformat()
    assert as_json["parts"]["followers"] == {"known": True, "reason": None}
