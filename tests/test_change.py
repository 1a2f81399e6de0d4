"""Change over time: em.compare, follow_events, follow_back, follower_cohorts, engagement_lift.

Expected values are worked out by hand (the arithmetic is in the comments), planted by
construction in exports written in real layouts (the real X sample with follower.js and
following.js edited in a temporary copy; exports written by em.datasets), read from the
export files themselves with ``json``, or counted independently with pandas and Python sets.
Intervals are checked against hand arithmetic, scipy's Wilson interval and the values
Newcombe (1998) published.
"""

from __future__ import annotations

import json
import math
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import engagemetrics as em
from engagemetrics.exceptions import InvalidArgumentError, MissingColumnsError, NoEgoError
from engagemetrics.metrics.change import newcombe_interval, wilson_interval

X_SAMPLE = "twitter/milahu-twitter-milahu104-2026-03-06"
PAUL = "bluesky/paul_staging.repo.car"
BNEWBOLD = "bluesky/bnewbold.robocracy.org.20250310005405.car"
GREENGROUND = "bluesky/greenground.repo.car"
DAY = pd.Timedelta(days=1)


def utc(value: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz="UTC")


def follows(rows: list[tuple[str, str]] | list[tuple[str, str, str | None]]) -> pd.DataFrame:
    columns = ["source", "target", "followed_at"][: len(rows[0])] if rows else ["source",
                                                                                "target"]
    return pd.DataFrame(rows, columns=columns)


def posts(rows: list[tuple[str, str, str, str | None]], author: str = "me") -> pd.DataFrame:
    """(post_id, created_at, kind, parent_author) rows by ``author``."""
    frame = pd.DataFrame(rows, columns=["post_id", "created_at", "kind", "parent_author"])
    frame["author"] = author
    frame["parent_id"] = [f"x{i}" if p else None for i, p in enumerate(frame["parent_author"])]
    return frame


# =========================================================================== compare, by hand
def hand_snapshots() -> tuple[em.Archive, em.Archive]:
    """Two exports of "me", 2026-01-01 and 2026-04-01.

    Followers: older {ann, bob, cy, dee, eli, fay}, newer {ann, bob, gil, hal}.
    Following: older {ann, ivy, jo}, newer {ann, jo, kim}.
    Lost followers: cy (the owner replied to cy on 2026-02-01: unfollowed), dee (in the newer
    follow table, dee -> jo: unfollowed), eli (replied to on 2025-11-01 only, before the
    older export, which proves nothing: gone), fay (nowhere: gone). Lost following: ivy
    (mentioned on 2026-03-01: unfollowed).
    """
    older = em.Archive(
        follows=follows([("ann", "me"), ("bob", "me"), ("cy", "me"), ("dee", "me"),
                         ("eli", "me"), ("fay", "me"), ("me", "ann"), ("me", "ivy"),
                         ("me", "jo"), ("me", "me")]),
        posts=posts([("1", "2025-11-01", "reply", "eli")]),
        ego="me", exported_at="2026-01-01",
    )
    newer = em.Archive(
        follows=follows([("ann", "me"), ("bob", "me"), ("gil", "me"), ("hal", "me"),
                         ("hal", "me"), ("me", "ann"), ("me", "jo"), ("me", "kim"),
                         ("dee", "jo")]),
        posts=posts([("1", "2025-11-01", "reply", "eli"), ("2", "2026-02-01", "reply", "cy"),
                     ("3", "2026-03-01", "post", None)]),
        mentions=pd.DataFrame({"post_id": ["3"], "target": ["ivy"]}),
        ego="me", exported_at="2026-04-01",
    )
    return older, newer


def test_compare_counts_and_classifies_by_hand():
    c = em.compare(*hand_snapshots())
    s = c.summary
    # followers: start 6, end 4 (hal's duplicate edge counts once), new {gil, hal} = 2,
    # lost {cy, dee, eli, fay} = 4; churn 4/6, retention (6-4)/6 = 1/3, net 4-6 = -2.
    # following: start 3 (the self-follow left out), end 3, new {kim}, lost {ivy};
    # churn 1/3, retention 2/3, net 0.
    assert s.loc["followers", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        6, 4, 2, 4, -2]
    assert s.loc["followers", "churn_rate"] == pytest.approx(4 / 6)
    assert s.loc["followers", "retention"] == pytest.approx(2 / 6)
    assert s.loc["following", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        3, 3, 1, 1, 0]
    assert s.loc["following", "churn_rate"] == pytest.approx(1 / 3)
    assert s.loc["following", "retention"] == pytest.approx(2 / 3)
    assert s.attrs["unknown"] == {}

    expected = {
        "side": ["followers"] * 6 + ["following"] * 2,
        "change": ["lost", "lost", "lost", "lost", "new", "new", "lost", "new"],
        "lost_as": ["unfollowed", "unfollowed", "gone", "gone", None, None, "unfollowed", None],
    }
    got = c.changes
    assert got.index.equals(pd.Index(["cy", "dee", "eli", "fay", "gil", "hal", "ivy", "kim"],
                                     name="account", dtype=em.schema.ID_DTYPE))
    for column, values in expected.items():
        assert got[column].astype(object).where(got[column].notna(), None).tolist() == (
            values), column
    assert list(got["lost_as"].cat.categories) == ["unfollowed", "gone", "unknown"]
    assert c.new_followers.tolist() == ["gil", "hal"]
    assert c.lost_followers.tolist() == ["cy", "dee", "eli", "fay"]
    assert c.new_following.tolist() == ["kim"] and c.lost_following.tolist() == ["ivy"]
    assert c.new_followers.name == "account"


def test_an_account_that_changed_on_both_sides_has_two_rows():
    older = em.Archive(follows=follows([("bob", "me")]), ego="me", exported_at="2026-01-01",
                       posts=posts([]))
    newer = em.Archive(follows=follows([("me", "bob")]), ego="me", exported_at="2026-02-01",
                       posts=posts([]))
    changes = em.compare(older, newer).changes
    # bob left the followers (still in the newer follow list: unfollowed) and joined the
    # following
    assert changes.index.tolist() == ["bob", "bob"]
    assert changes["side"].tolist() == ["followers", "following"]
    assert changes["change"].tolist() == ["lost", "new"]


def test_a_side_either_export_lacks_is_missing_and_gone_cannot_be_told():
    older, newer = hand_snapshots()
    # the newer export as a Bluesky repo would be: no follower list
    newer = newer.replace(follows=newer.follows[newer.follows["target"] != "me"],
                          unknown={"followers": "a Bluesky repo has no follower list"})
    c = em.compare(older, newer)
    s = c.summary
    assert s.loc["followers"].isna().all()
    assert s.attrs["unknown"] == {
        "followers": "a Bluesky repo has no follower list (the newer export, 2026-04-01)"}
    assert c.new_followers is None and c.lost_followers is None
    # following is known: lost {ivy}, mentioned after the older export: unfollowed
    assert s.loc["following", ["start", "end", "new", "lost"]].tolist() == [3, 3, 1, 1]
    assert c.changes["lost_as"].dropna().tolist() == ["unfollowed"]

    # without the mention, ivy is shown nowhere, and the newer export has no follower list:
    # ivy may still follow the owner, so it is unknown, not gone
    quiet = newer.replace(posts=newer.posts[newer.posts["post_id"] != "3"], mentions=None)
    c = em.compare(older, quiet)
    assert c.changes.loc["ivy", "lost_as"] == "unknown"
    assert "a Bluesky repo has no follower list" in c.changes.attrs["unknown"]["lost_as"]
    assert "followers" in c.changes.attrs["unknown"]


def test_without_a_post_log_a_lost_account_shown_nowhere_is_unknown():
    older, newer = hand_snapshots()
    # an Instagram-like newer export: follow lists, no post log read
    bare = em.Archive(follows=newer.follows, ego="me", exported_at="2026-04-01",
                      platform="instagram",
                      unknown={"posts": "not read", "interactions_made": "not read"})
    c = em.compare(older, bare)
    lost = c.changes[c.changes["change"] == "lost"]["lost_as"]
    # dee is in a follow edge (dee -> jo): unfollowed; cy, eli, fay, ivy are shown nowhere
    assert lost.to_dict() == {"cy": "unknown", "dee": "unfollowed", "eli": "unknown",
                              "fay": "unknown", "ivy": "unknown"}
    assert c.changes.attrs["unknown"]["lost_as"].endswith("not read")


def test_compare_refuses_what_is_not_two_snapshots_of_one_account():
    older, newer = hand_snapshots()
    with pytest.raises(InvalidArgumentError, match="newer is the older one: swap them"):
        em.compare(newer, older)
    with pytest.raises(InvalidArgumentError, match="both exported at"):
        em.compare(older, older)
    with pytest.raises(InvalidArgumentError, match=r"replace\(exported_at="):
        em.compare(older.replace(exported_at=None), newer)
    with pytest.raises(InvalidArgumentError, match="exports of one account"):
        em.compare(older, newer.replace(ego="you"))
    with pytest.raises(InvalidArgumentError, match="on one platform"):
        em.compare(older.replace(platform="twitter"), newer.replace(platform="mastodon"))
    with pytest.raises(InvalidArgumentError, match="em.Archive"):
        em.compare(older.follows, newer)
    with pytest.raises(NoEgoError):
        em.compare(older, em.Archive(follows=newer.follows, exported_at="2026-04-01"))
    newer.posts = newer.posts.drop(columns="root_author")  # edited in place, against advice
    with pytest.raises(MissingColumnsError, match="root_author"):
        em.compare(older, newer)


def test_owners_whose_ids_resolve_to_each_other_are_one_account():
    # a Mastodon owner known by its actor URI in one export and by user@host in the other
    accounts = pd.DataFrame({"account_id": ["https://h.example/users/me"],
                             "aliases": [["me@h.example"]]})
    older = em.Archive(follows=follows([("a@x.example", "https://h.example/users/me")]),
                       accounts=accounts, ego="https://h.example/users/me",
                       platform="mastodon", exported_at="2026-01-01")
    newer = em.Archive(follows=follows([("b@x.example", "me@h.example")]), ego="me@h.example",
                       platform="mastodon", exported_at="2026-02-01")
    c = em.compare(older, newer)
    assert c.summary.loc["followers", ["start", "end", "new", "lost"]].tolist() == [1, 1, 1, 1]


# =========================================================================== compare, real X
def _ytd(path: Path) -> tuple[str, Any]:
    text = path.read_text(encoding="utf-8")
    at = text.index("=") + 1
    return text[:at] + " ", json.loads(text[at:])


def _write_ytd(path: Path, head: str, data: Any) -> None:
    path.write_text(head + json.dumps(data, indent=2), encoding="utf-8")


def _tweet_time(item: dict[str, Any]) -> pd.Timestamp:
    return pd.to_datetime(item["tweet"]["created_at"], format="%a %b %d %H:%M:%S %z %Y")


def _x_facts(folder: Path, since: pd.Timestamp) -> dict[str, Any]:
    """What the files of the real X sample say, read with json (not with the library)."""
    data = folder / "data"
    _, followers = _ytd(data / "follower.js")
    _, following = _ytd(data / "following.js")
    _, tweets = _ytd(data / "tweets.js")
    ego = json.loads((data / "account.js").read_text().split("=", 1)[1])[0]["account"][
        "accountId"]
    late = [t for t in tweets if _tweet_time(t) >= since]
    early = [t for t in tweets if _tweet_time(t) < since]
    late_text = json.dumps(late).lower()
    return {
        "ego": ego,
        "followers": [f["follower"]["accountId"] for f in followers],
        "following": [f["following"]["accountId"] for f in following],
        "late_replied": sorted({t["tweet"].get("in_reply_to_user_id_str") for t in late} - {
            None, ego}),
        # accounts the owner replied to before `since` whose id and handle appear in no
        # later tweet at all
        "early_only": sorted(
            (t["tweet"]["in_reply_to_user_id_str"], t["tweet"]["in_reply_to_screen_name"])
            for t in early
            if t["tweet"].get("in_reply_to_user_id_str") not in (None, ego)
            and t["tweet"].get("in_reply_to_screen_name")
            and t["tweet"]["in_reply_to_user_id_str"] not in late_text
            and t["tweet"]["in_reply_to_screen_name"].lower() not in late_text
        ),
    }


def _older_x_copy(sample: Path, tmp: Path, when: str, followers: list[str],
                  following: list[str]) -> Path:
    """A copy of the real X archive as it would have been exported at ``when``: the given
    follower and following lists, and only the tweets made before then."""
    folder = tmp / "twitter-older"
    shutil.copytree(sample, folder)
    data = folder / "data"
    for name, key, ids in (("follower", "follower", followers),
                           ("following", "following", following)):
        path = data / f"{name}.js"
        path.chmod(0o644)
        head, _ = _ytd(path)
        _write_ytd(path, head, [{key: {"accountId": i, "userLink":
                                       f"https://twitter.com/intent/user?user_id={i}"}}
                                for i in ids])
    cut = pd.Timestamp(when, tz="UTC")
    counts = {"follower": len(followers), "following": len(following)}
    for name, key in (("tweets", "tweets"), ("tweet-headers", "tweetHeaders")):
        path = data / f"{name}.js"
        path.chmod(0o644)
        head, items = _ytd(path)
        kept = [t for t in items if _tweet_time(t) < cut]
        _write_ytd(path, head, kept)
        counts[key] = len(kept)
    manifest = data / "manifest.js"
    manifest.chmod(0o644)
    head, config = _ytd(manifest)
    config["archiveInfo"]["generationDate"] = cut.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    for key, n in counts.items():
        config["dataTypes"][key]["files"][0]["count"] = str(n)
    _write_ytd(manifest, head, config)
    return folder


@pytest.fixture(scope="module")
def x_newer(samples: Path) -> em.Archive:
    return em.load(samples / X_SAMPLE)


@pytest.mark.samples
def test_real_x_archive_against_an_older_one_derived_from_it(samples, tmp_path, x_newer):
    since = utc("2025-12-01")
    facts = _x_facts(samples / X_SAMPLE, since)
    followers, following = facts["followers"], facts["following"]
    # the samples' README: 61 followers, 167 following, 6 mutual
    assert (len(followers), len(following), len(set(followers) & set(following))) == (
        61, 167, 6)
    mutual = sorted(set(followers) & set(following))
    not_following_back = sorted(set(following) - set(followers))
    not_followed = sorted(set(followers) - set(following))
    known = set(followers) | set(following)
    replied_late = next(a for a in facts["late_replied"] if a not in known)
    replied_early = next(a for a, _ in facts["early_only"] if a not in known)
    deleted, deleted_too = "1000000000000000001", "1000000000000000002"

    # Older followers: the real list without 3 (new in the newer one), with 4 more (lost):
    #   not_following_back[0]: the owner follows it in the newer export    -> unfollowed
    #   replied_late: replied to after 2025-12-01 in the newer tweets       -> unfollowed
    #   replied_early: replied to before 2025-12-01 only                    -> gone
    #   deleted: in no file                                                 -> gone
    # start = 61 - 3 + 4 = 62, end = 61, new 3, lost 4, churn 4/62, net -1.
    came = not_followed[:3]
    lost = [not_following_back[0], replied_late, replied_early, deleted]
    older_followers = [f for f in followers if f not in came] + lost
    # Older following: without 5 real ones (new), with 2 more (lost):
    #   not_followed[3]: follows the owner in the newer export -> unfollowed; deleted_too: gone
    # start = 167 - 5 + 2 = 164, end = 167, new 5, lost 2, churn 2/164, net +3.
    came_following = not_following_back[1:6]
    lost_following = [not_followed[3], deleted_too]
    older_following = [f for f in following if f not in came_following] + lost_following
    folder = _older_x_copy(samples / X_SAMPLE, tmp_path, "2025-12-01", older_followers,
                           older_following)
    older = em.load(folder)
    assert older.exported_at == since and older.ego == facts["ego"] == x_newer.ego
    assert older.posts["created_at"].max() < since

    c = em.compare(older, x_newer)
    s = c.summary
    assert s.loc["followers", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        62, 61, 3, 4, -1]
    assert s.loc["followers", "churn_rate"] == pytest.approx(4 / 62)
    assert s.loc["followers", "retention"] == pytest.approx(58 / 62)
    assert s.loc["following", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        164, 167, 5, 2, 3]
    assert s.loc["following", "churn_rate"] == pytest.approx(2 / 164)
    assert c.new_followers.tolist() == sorted(came)
    assert c.new_following.tolist() == sorted(came_following)
    fate = c.changes[c.changes["change"] == "lost"]
    assert fate[fate["side"] == "followers"]["lost_as"].astype(str).to_dict() == {
        not_following_back[0]: "unfollowed", replied_late: "unfollowed",
        replied_early: "gone", deleted: "gone"}
    assert fate[fate["side"] == "following"]["lost_as"].astype(str).to_dict() == {
        not_followed[3]: "unfollowed", deleted_too: "gone"}
    assert mutual  # the six mutuals stay on both sides: in no change row
    assert not set(mutual) & set(c.changes.index)
    text = repr(c)
    assert "lost followers: 2 unfollowed, 2 gone, 0 unknown" in text
    assert "<table" in c._repr_html_()


@pytest.mark.samples
def test_real_x_folder_against_a_later_zip_of_the_same_account(tmp_path, x_newer):
    x = x_newer
    followers, following = sorted(x.followers()), sorted(x.following())
    mutual = sorted(set(followers) & set(following))
    lonely = sorted(set(followers) - set(following))
    one_way = sorted(set(following) - set(followers))
    # The later export (2026-06-01, an X zip written by em.datasets): followers lose
    # mutual[:2] (still followed by the owner: unfollowed), lonely[0] (the owner replies to
    # it on 2026-04-01: unfollowed), lonely[1:3] (shown nowhere after 2026-03-06: gone), and
    # gain 4 new accounts; following loses one_way[:2] (gone) and gains one.
    # followers: start 61, end 61 - 5 + 4 = 60, new 4, lost 5; following: 167, 166, 1, 2.
    new_ids = [f"90000000000000000{i}" for i in range(5)]
    f = x.follows
    gone_followers = mutual[:2] + lonely[:3]
    keep = ~(((f["target"] == x.ego) & f["source"].isin(gone_followers))
             | ((f["source"] == x.ego) & f["target"].isin(one_way[:2])))
    added = follows([(i, x.ego) for i in new_ids[:4]] + [(x.ego, new_ids[4])])
    reply = pd.DataFrame({"post_id": ["2050000000000000000"], "author": [x.ego],
                          "created_at": [utc("2026-04-01")], "kind": ["reply"],
                          "parent_id": ["2049999999999999999"], "parent_author": [lonely[0]],
                          "text": ["thanks!"]})
    later = x.replace(follows=pd.concat([f[keep], em.schema.follows_table(added)],
                                        ignore_index=True),
                      posts=pd.concat([x.posts, em.schema.posts_table(reply)],
                                      ignore_index=True),
                      exported_at="2026-06-01")
    path = em.datasets.write_export(later, tmp_path / ("twitter-2026-06-01-" + "ab" * 32 +
                                                       ".zip"), platform="twitter")
    assert zipfile.is_zipfile(path)
    newer = em.load(path)
    assert newer.exported_at == utc("2026-06-01") and newer.ego == x.ego

    c = em.compare(x, newer)
    s = c.summary
    assert s.loc["followers", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        61, 60, 4, 5, -1]
    assert s.loc["followers", "churn_rate"] == pytest.approx(5 / 61)
    assert s.loc["following", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        167, 166, 1, 2, -1]
    assert c.new_followers.tolist() == new_ids[:4]
    assert c.new_following.tolist() == [new_ids[4]]
    lost = c.changes[c.changes["change"] == "lost"]
    assert lost[lost["side"] == "followers"]["lost_as"].astype(str).to_dict() == {
        **dict.fromkeys(mutual[:2], "unfollowed"), lonely[0]: "unfollowed",
        **dict.fromkeys(lonely[1:3], "gone")}
    assert lost[lost["side"] == "following"]["lost_as"].astype(str).to_dict() == dict.fromkeys(
        one_way[:2], "gone")


# =========================================================================== follow events
def test_follow_events_per_period_and_in_a_window_by_hand():
    a = em.Archive(
        follows=follows([
            ("ann", "me", "2025-12-31 23:59:59"),  # 2025Q4
            ("bob", "me", "2026-01-01 00:00:00"),  # 2026Q1, the first instant
            ("bob", "me", "2026-03-01"),  # a duplicate edge: counts once, at its first date
            ("cy", "me", "2026-05-05"),  # 2026Q2
            ("me", "me", "2026-02-02"),  # a self-follow: never counted
            ("me", "ann", "2026-01-02"),  # 2026Q1
            ("me", "dee", "2026-07-01"),  # 2026Q3
            ("bob", "cy", "2026-02-02"),  # not the owner's
        ]),
        ego="me", exported_at="2026-08-15")
    q = em.follow_events(a, freq="QE")
    # 2025Q4: ann; 2026Q1: bob / ann; 2026Q2: cy; 2026Q3 (the export's): dee
    assert q.index.tolist() == [pd.Period(p, "Q") for p in ("2025Q4", "2026Q1", "2026Q2",
                                                           "2026Q3")]
    assert q.index.name == "period"
    assert q["new_followers"].tolist() == [1, 1, 1, 0]
    assert q["new_following"].tolist() == [0, 1, 0, 1]
    assert q.attrs["unknown"] == {} and q.attrs["basis"].startswith("lower bound")
    # one window, no periods: [2026-01-01, 2026-06-01) holds bob, cy / ann
    w = em.follow_events(a, freq=None, start="2026-01-01", end="2026-06-01")
    assert w.index.tolist() == ["me"] and w.index.name == "account"
    assert w.iloc[0].tolist() == [2, 1]
    # a window clips the periods: from the period of start to the period of end
    m = em.follow_events(a, freq="ME", start="2026-02-01", end="2026-05-06")
    assert [str(p) for p in m.index] == ["2026-02", "2026-03", "2026-04", "2026-05"]
    assert m["new_followers"].tolist() == [0, 0, 0, 1]  # cy on 2026-05-05
    # the sum over periods is the window's count (what a per-period caller relies on)
    assert q.sum().tolist() == em.follow_events(a, freq=None).iloc[0].tolist() == [3, 2]
    # a window starting after the export: unknown, not 0
    late = em.follow_events(a, freq=None, start="2026-09-01")
    assert late.isna().all(axis=None)
    assert "after the export" in late.attrs["unknown"]["new_followers"]
    assert len(em.follow_events(a, freq="QE", start="2026-09-01")) == 0


def test_follow_events_of_a_plain_table_need_an_owner():
    table = follows([("ann", "me", "2026-01-05"), ("me", "ann", None)])
    with pytest.raises(NoEgoError, match="ego="):
        em.follow_events(table)
    out = em.follow_events(table, ego="me", freq="YE")
    # the following side has an undated edge: missing, with the reason
    assert out["new_followers"].tolist() == [1] and out["new_following"].isna().all()
    assert "followed_at is missing" in out.attrs["unknown"]["new_following"]
    with pytest.raises(InvalidArgumentError, match="freq"):
        em.follow_events(table, ego="me", freq="W")
    with pytest.raises(MissingColumnsError):
        em.follow_events(table.rename(columns={"target": "dst"}), ego="me")


@pytest.mark.samples
def test_real_x_archive_has_no_follow_dates(x_newer):
    out = em.follow_events(x_newer)
    # no date to place a follow: the export's quarter, missing, with the reason
    assert out.index.tolist() == [pd.Period("2026Q1", "Q")]
    assert out.isna().all(axis=None)
    assert set(out.attrs["unknown"]) == {"new_followers", "new_following"}
    assert "no follow dates" in out.attrs["unknown"]["new_followers"]


@pytest.mark.samples
def test_real_bluesky_follows_carry_their_dates(samples):
    paul = em.load(samples / PAUL)
    q = em.follow_events(paul, freq="QE")
    # its 8 follows: 2022-11-11 (x2), 2022-11-13 (x2), 2022-11-14 | 2023-02-16 |
    # 2023-04-05 (x2); no export date, so the periods end at the last follow
    assert [str(p) for p in q.index] == ["2022Q4", "2023Q1", "2023Q2"]
    assert q["new_following"].tolist() == [5, 1, 2]
    assert q["new_followers"].isna().all()
    assert q.attrs["unknown"] == {"new_followers": "a Bluesky repo has no follower list"}
    # independent count of the reader's table
    own = paul.follows[paul.follows["source"] == paul.ego]["followed_at"]
    counted = own.dt.tz_convert(None).dt.to_period("Q").value_counts().sort_index()
    assert counted.tolist() == [5, 1, 2]

    bnewbold = em.load(samples / BNEWBOLD)
    q = em.follow_events(bnewbold, freq="QE")
    # 2024-02-22 (x2), then 2025-02-26; exported 2025-03-10: the quarters in between are 0
    assert [str(p) for p in q.index] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"]
    assert q["new_following"].tolist() == [2, 0, 0, 0, 1]

    green = em.load(samples / GREENGROUND)
    m = em.follow_events(green, freq="D", start="2023-08-26")
    # 2023-08-27 only (the 08-25 follow is before start); days up to the export, 08-31
    assert [str(p) for p in m.index] == [f"2023-08-{d}" for d in range(26, 32)]
    assert m["new_following"].tolist() == [0, 1, 0, 0, 0, 0]


@pytest.fixture(scope="module")
def instagram_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return em.datasets.demo_export("instagram", tmp_path_factory.mktemp("instagram"))


def _instagram_json(path: Path) -> dict[str, dict[str, pd.Timestamp]]:
    """The usernames and follow times of an Instagram zip, read with json."""
    with zipfile.ZipFile(path) as z:
        followers = json.loads(z.read("connections/followers_and_following/followers_1.json"))
        following = json.loads(z.read("connections/followers_and_following/following.json"))[
            "relationships_following"]

    def times(items: list[dict[str, Any]]) -> dict[str, pd.Timestamp]:
        return {i["string_list_data"][0]["value"]:
                pd.Timestamp(i["string_list_data"][0]["timestamp"], unit="s", tz="UTC")
                for i in items}

    return {"followers": times(followers), "following": times(following)}


def test_instagram_follow_events_and_follow_back_against_its_files(instagram_path):
    a = em.load(instagram_path)
    files = _instagram_json(instagram_path)
    out = em.follow_events(a, freq="QE")
    for column, side in (("new_followers", "followers"), ("new_following", "following")):
        counted = Counter(t.tz_convert(None).to_period("Q") for t in files[side].values())
        expected = [counted.get(p, 0) for p in out.index]
        assert out[column].tolist() == expected
        assert sum(expected) == len(files[side])
    assert out.index[-1] == pd.Period("2026Q1", "Q")  # the export is dated 2026-01-01

    back = em.follow_back(a)
    mutual = sorted(set(files["followers"]) & set(files["following"]))
    assert back.index.get_level_values("counterpart").tolist() == mutual
    assert set(back.index.get_level_values("account")) == {a.ego}
    days = [abs((files["followers"][m] - files["following"][m]).total_seconds()) / 86400
            for m in mutual]
    np.testing.assert_allclose(back["follow_back_days"].to_numpy(), days)
    first = ["account" if files["following"][m] < files["followers"][m] else "counterpart"
             for m in mutual]
    assert back["followed_first"].astype(str).tolist() == first
    assert back.attrs["unknown"] == {}


# =========================================================================== follow-back
def test_follow_back_by_hand():
    table = follows([
        ("me", "ann", "2026-01-01"), ("ann", "me", "2026-01-03 12:00"),  # 2.5 days, me first
        ("me", "bob", "2026-02-01"), ("bob", "me", "2026-01-20"),  # 12 days, bob first
        ("bob", "me", "2026-01-10"),  # a duplicate edge: its earliest date, 2026-01-10
        ("me", "cy", "2026-03-01"), ("cy", "me", "2026-03-01"),  # the same instant
        ("me", "dee", None), ("dee", "me", "2026-01-01"),  # one side undated
        ("me", "eve", "2026-01-01"),  # not mutual
        ("me", "me", "2026-01-01"),  # a self-follow: never a pair
        ("ann", "bob", "2026-01-01"), ("bob", "ann", "2026-01-04"),  # mutual, not the owner's
    ])
    out = em.follow_back(table, ego="me")
    assert out.index.tolist() == [("me", "ann"), ("me", "bob"), ("me", "cy"), ("me", "dee")]
    assert out["followed_first"].astype(object).where(out["followed_first"].notna(),
                                                      None).tolist() == [
        "account", "counterpart", "both", None]
    # bob: 2026-02-01 - 2026-01-10 = 22 days
    np.testing.assert_allclose(out["follow_back_days"].to_numpy(), [2.5, 22.0, 0.0, np.nan])
    assert out.loc[("me", "dee"), "i_followed_at"] is pd.NaT
    assert out.loc[("me", "bob"), "they_followed_at"] == utc("2026-01-10")
    assert set(out.attrs["unknown"]) == {"i_followed_at", "followed_first", "follow_back_days"}

    pairs = em.follow_back(table)  # no owner: every mutual pair, account < counterpart
    assert pairs.index.tolist() == [("ann", "bob"), ("ann", "me"), ("bob", "me"), ("cy", "me"),
                                    ("dee", "me")]
    # ann -> bob 01-01, bob -> ann 01-04: ann first, 3 days; ann -> me 01-03 12:00 and
    # me -> ann 01-01: me (the counterpart) first
    assert pairs.loc[("ann", "bob"), "follow_back_days"] == 3.0
    assert pairs.loc[("ann", "me"), "followed_first"] == "counterpart"


def test_follow_back_agrees_with_a_pandas_merge_on_a_generated_graph():
    a = em.datasets.generate_account(seed=5, n_accounts=300, n_posts=10, platform="bluesky")
    f = a.follows
    assert f["followed_at"].notna().all()
    f = f[f["source"] != f["target"]].groupby(["source", "target"], as_index=False)[
        "followed_at"].min()
    both = f.merge(f, left_on=["source", "target"], right_on=["target", "source"],
                   suffixes=("", "_back"))
    both = both[both["source"] < both["target"]].sort_values(["source", "target"])
    out = em.follow_back(a.follows)  # a plain table: every mutual pair
    assert out.index.tolist() == list(zip(both["source"], both["target"], strict=True))
    days = (both["followed_at_back"] - both["followed_at"]).abs().dt.total_seconds() / 86400
    np.testing.assert_allclose(out["follow_back_days"].to_numpy(), days.to_numpy())
    assert len(out) > 100


@pytest.mark.samples
def test_follow_back_on_bluesky_with_dated_followers_added(samples):
    paul = em.load(samples / PAUL)
    assert len(em.follow_back(paul)) == 0  # followers unknown: so are the mutual pairs
    assert em.follow_back(paul).attrs["unknown"]["follow_back_days"] == (
        "a Bluesky repo has no follower list")
    wqz, zzm = "did:plc:wqzurwm3kmaig6e6hnc2gqwo", "did:plc:zzmlmgz6dra3d3kkquupqe2s"
    added = paul.with_followers(pd.DataFrame({
        "account_id": [wqz, zzm, "did:plc:someoneelse"],
        "followed_at": ["2022-11-10 20:50:54.036", "2023-02-26 19:03:32.588", "2023-01-01"]}))
    out = em.follow_back(added)
    # the repo: paul followed wqz on 2022-11-14 20:50:54.036 and zzm on 2023-02-16
    # 19:03:32.588. wqz followed four days earlier (counterpart first, 4.0 days); zzm ten
    # days later (account first, 10.0 days).
    assert out.index.get_level_values("counterpart").tolist() == [wqz, zzm]
    assert out["followed_first"].tolist() == ["counterpart", "account"]
    np.testing.assert_allclose(out["follow_back_days"].to_numpy(), [4.0, 10.0])


# =========================================================================== cohorts
def test_follower_cohorts_and_survival_by_hand():
    first = em.Archive(follows=follows([
        ("a1", "me", "2025-07-10"), ("a2", "me", "2025-08-01"), ("a3", "me", "2025-09-30"),
        ("b1", "me", "2025-12-01"),  # 2025Q4; 2026Q1 has nobody
        ("c1", "me", "2026-04-02"), ("c2", "me", "2026-05-01"),  # 2026Q2
        ("me", "a1", "2025-01-01"),  # following: no cohort
    ]), ego="me", exported_at="2026-06-30")
    second = em.Archive(follows=follows([("a1", "me"), ("a3", "me"), ("b1", "me"), ("c1", "me"),
                                         ("c2", "me"), ("new", "me")]),
                        ego="me", exported_at="2026-09-30")
    third = em.Archive(follows=follows([("a3", "me"), ("c1", "me"), ("c2", "me"), ("a2", "me")]),
                       ego="me", exported_at="2027-01-15")
    out = em.follower_cohorts(first, second, third)
    snaps = [utc("2026-06-30"), utc("2026-09-30"), utc("2027-01-15")]
    cohorts = ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert out.index.tolist() == [(pd.Period(c, "Q"), s) for c in cohorts for s in snaps]
    # 2025Q3 {a1, a2, a3}: 3, then {a1, a3} = 2, then {a3, a2} = 2 (a2 came back: counted)
    # 2025Q4 {b1}: 1, 1, 0;  2026Q1: empty (survival NaN);  2026Q2 {c1, c2}: 2, 2, 2
    # "new" joined after the first export: in no cohort
    assert out["followers"].tolist() == [3, 3, 3, 1, 1, 1, 0, 0, 0, 2, 2, 2]
    assert out["still_following"].tolist() == [3, 2, 2, 1, 1, 0, 0, 0, 0, 2, 2, 2]
    np.testing.assert_allclose(out["survival"].to_numpy(),
                               [1, 2 / 3, 2 / 3, 1, 1, 0, np.nan, np.nan, np.nan, 1, 1, 1])
    assert out.attrs["unknown"] == {}
    # one archive: the sizes only
    alone = em.follower_cohorts(first, freq="YE")
    assert alone.index.get_level_values("cohort").astype(str).tolist() == ["2025", "2026"]
    assert alone["followers"].tolist() == [4, 2]
    assert alone["survival"].tolist() == [1.0, 1.0]


def test_follower_cohorts_undated_and_unknown():
    undated = em.Archive(follows=follows([("a", "me"), ("b", "me", "2026-01-05")][:1]),
                         ego="me", exported_at="2026-02-01")
    mixed = em.Archive(follows=follows([("a", "me", None), ("b", "me", "2026-01-05")]),
                       ego="me", exported_at="2026-02-01")
    later = em.Archive(follows=follows([("b", "me")]), ego="me", exported_at="2026-03-01")
    out = em.follower_cohorts(mixed, later)
    # b in 2026Q1; a undated: the cohort NaT, last; its survival is still known
    cohorts = out.index.get_level_values("cohort")
    assert str(cohorts[0]) == "2026Q1" and cohorts[-1] is pd.NaT
    assert out["still_following"].tolist() == [1, 1, 1, 0]
    assert em.follower_cohorts(undated, later)["still_following"].tolist() == [1, 0]

    bluesky = later.replace(follows=later.follows.iloc[:0],
                            unknown={"followers": "a Bluesky repo has no follower list"},
                            exported_at="2026-04-01")
    out = em.follower_cohorts(mixed, later, bluesky)
    assert out.xs(utc("2026-04-01"), level="snapshot")["still_following"].isna().all()
    assert out.xs(utc("2026-03-01"), level="snapshot")["still_following"].tolist() == [1, 0]
    assert "a Bluesky repo has no follower list" in out.attrs["unknown"]["still_following"]
    first_unknown = em.follower_cohorts(bluesky)
    assert first_unknown["followers"].isna().all() and len(first_unknown) == 1
    assert set(first_unknown.attrs["unknown"]) == {"followers", "still_following", "survival"}
    with pytest.raises(InvalidArgumentError, match="swap them"):
        em.follower_cohorts(later, mixed)
    with pytest.raises(InvalidArgumentError, match="one export or more"):
        em.follower_cohorts()


def test_instagram_cohorts_survive_across_three_snapshots(instagram_path, tmp_path):
    first = em.load(instagram_path)
    files = _instagram_json(instagram_path)
    by_quarter: dict[pd.Period, list[str]] = {}
    for user, t in sorted(files["followers"].items()):
        by_quarter.setdefault(t.tz_convert(None).to_period("Q"), []).append(user)
    q3, q4 = by_quarter[pd.Period("2025Q3", "Q")], by_quarter[pd.Period("2025Q4", "Q")]
    # Planted: snapshot 2 (2026-04-01) loses 5 of 2025Q3 and 3 of 2025Q4 and gains 2 new
    # followers; snapshot 3 (2026-07-01) loses 4 more of 2025Q3.
    drop2, drop3 = q3[:5] + q4[:3], q3[5:9]
    f = first.follows

    def snapshot(dropped: list[str], when: str, name: str) -> em.Archive:
        keep = ~((f["target"] == first.ego) & f["source"].isin(dropped))
        extra = follows([("newcomer1", first.ego, when), ("newcomer2", first.ego, when)])
        archive = first.replace(follows=pd.concat([f[keep], em.schema.follows_table(extra)],
                                                  ignore_index=True), exported_at=when)
        path = em.datasets.write_export(archive, tmp_path / name, platform="instagram")
        return em.load(path)

    second = snapshot(drop2, "2026-04-01", "instagram-oknist-2026-04-01-aaaaaaaa.zip")
    third = snapshot(drop2 + drop3, "2026-07-01", "instagram-oknist-2026-07-01-bbbbbbbb.zip")
    out = em.follower_cohorts(first, second, third)
    survival = out["still_following"].unstack("snapshot")
    sizes = out["followers"].unstack("snapshot").iloc[:, 0]
    for quarter, users in by_quarter.items():
        assert sizes[quarter] == len(users)
    q3p, q4p = pd.Period("2025Q3", "Q"), pd.Period("2025Q4", "Q")
    assert survival.loc[q3p].tolist() == [len(q3), len(q3) - 5, len(q3) - 9]
    assert survival.loc[q4p].tolist() == [len(q4), len(q4) - 3, len(q4) - 3]
    others = survival.drop(index=[q3p, q4p])
    assert (others.iloc[:, 0] == others.iloc[:, 1]).all()
    assert (others.iloc[:, 1] == others.iloc[:, 2]).all()
    assert sizes.sum() == len(files["followers"])


# =========================================================================== engagement lift
def test_wilson_interval_by_hand_and_against_scipy():
    # x = 6, n = 20, z = 1.959964 (z^2 = 3.841459): p = 0.3, z^2/n = 0.192073,
    # centre = (0.3 + 0.096036) / 1.192073 = 0.332225,
    # half = 1.959964 * sqrt(0.3 * 0.7 / 20 + 3.841459 / 1600) / 1.192073
    #      = 1.959964 * sqrt(0.0105 + 0.002401) / 1.192073 = 1.959964 * 0.113582 / 1.192073
    #      = 0.186748  ->  [0.145477, 0.518973]
    low, high = wilson_interval([6, 4], [20, 50])
    assert low[0] == pytest.approx(0.145477, abs=1e-6)
    assert high[0] == pytest.approx(0.518973, abs=1e-6)
    for x, n, lo, hi in zip([6, 4], [20, 50], low, high, strict=True):
        ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert (lo, hi) == pytest.approx((ci.low, ci.high), abs=1e-12)
    ci = stats.binomtest(0, 7).proportion_ci(confidence_level=0.9, method="wilson")
    assert wilson_interval([0], [7], confidence=0.9)[1][0] == pytest.approx(ci.high)
    assert np.isnan(wilson_interval([0], [0])[0][0])


@pytest.mark.parametrize(
    ("counts", "published"),
    [
        # Newcombe (1998), Table II, method 10 (hybrid score, no continuity correction)
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0000)),
    ],
)
def test_newcombe_interval_reproduces_the_published_values(counts, published):
    assert newcombe_interval(*counts) == pytest.approx(published, abs=5e-5)


def lift_snapshots() -> tuple[em.Archive, em.Archive]:
    """A hand-built two-snapshot case: 20 accounts engaged, 6 of them followed; 50 not
    engaged, 4 of them followed. Period [2026-01-01, 2026-04-01)."""
    engaged = [f"e{i:02d}" for i in range(20)]
    others = [f"n{i:02d}" for i in range(50)]
    old_followers = ["f1", "f2"]
    # every account of the universe is seen through a follow edge of the owner
    older = em.Archive(
        follows=follows([(f, "me") for f in old_followers]
                        + [("me", a) for a in engaged + others]),
        posts=posts([("o1", "2025-12-01", "reply", "e00")]),
        ego="me", exported_at="2026-01-01")
    replies = [(f"r{i}", "2026-02-01", "reply", a) for i, a in enumerate(engaged[:15])]
    replies += [("q1", "2026-02-02", "quote", engaged[15]), ("q2", "2026-02-03", "repost",
                                                            engaged[16])]
    replies += [("m1", "2026-03-01", "post", None)]  # mentions e17, e18, e19
    replies += [
        ("x1", "2025-12-20", "reply", "n00"),  # before the period: not engaged
        ("x2", "2026-02-05", "reply", "f1"),  # f1 followed at the start: not in the universe
        ("x3", "2026-02-06", "thread", "me"),  # the owner itself: never
        ("x4", "2026-02-07", "reply", "n01"),  # a direct message: left out by default
    ]
    newer_posts = posts(replies)
    newer_posts["visibility"] = ["direct" if p == "x4" else "public"
                                 for p in newer_posts["post_id"]]
    newer = em.Archive(
        follows=follows([(f, "me") for f in old_followers + engaged[:6] + others[:4]]
                        + [("me", a) for a in engaged + others]),
        posts=newer_posts,
        mentions=pd.DataFrame({"post_id": ["m1"] * 3, "target": engaged[17:20]}),
        likes=pd.DataFrame({"actor": ["me"], "target": ["n02"], "created_at": ["2026-02-01"]}),
        ego="me", exported_at="2026-04-01")
    return older, newer


def test_engagement_lift_two_snapshots_by_hand():
    lift = em.engagement_lift(*lift_snapshots())
    t = lift.table
    # engaged: e00..e19 = 20 accounts, 6 follow at the end: 6/20 = 0.30
    # not engaged: n00..n49 = 50 (n00's reply was before the period, n01's is a DM, n02 was
    # only liked), 4 follow: 4/50 = 0.08. f1, f2 followed at the start: not in the universe.
    assert t["accounts"].tolist() == [20, 50]
    assert t["followed"].tolist() == [6, 4]
    assert t["share"].tolist() == pytest.approx([0.30, 0.08])
    # Wilson intervals (see test_wilson_interval_by_hand_and_against_scipy for 6/20):
    # 4/50: centre = (0.08 + 0.038415) / 1.076829 = 0.109966,
    #       half = 1.959964 * sqrt(0.001472 + 0.000384) / 1.076829 = 0.078416
    #       -> [0.031550, 0.188382]
    assert t["ci_low"].tolist() == pytest.approx([0.145477, 0.031550], abs=1e-6)
    assert t["ci_high"].tolist() == pytest.approx([0.518973, 0.188382], abs=1e-6)
    # d = 0.30 - 0.08 = 0.22
    # low  = 0.22 - sqrt((0.30 - 0.145477)^2 + (0.188382 - 0.08)^2)
    #      = 0.22 - sqrt(0.023877 + 0.011747) = 0.22 - 0.188743 = 0.031257
    # high = 0.22 + sqrt((0.518973 - 0.30)^2 + (0.08 - 0.031550)^2)
    #      = 0.22 + sqrt(0.047949 + 0.002347) = 0.22 + 0.224269 = 0.444269
    assert lift.difference == pytest.approx(0.22)
    assert lift.ci == pytest.approx((0.031257, 0.444269), abs=1e-6)
    assert lift.basis == "snapshots" and lift.unknown == {}
    assert lift.period == (utc("2026-01-01"), utc("2026-04-01"))
    assert "did not follow the owner in the older export" in t.loc["engaged", "definition"]
    assert "did not reply to" in t.loc["not_engaged", "definition"]
    assert lift.members["engaged"].tolist() == [f"e{i:02d}" for i in range(20)]
    # the DM counts when asked for: n01 joins the engaged group (not followed)
    with_dm = em.engagement_lift(*lift_snapshots(), include_direct=True)
    assert with_dm.table["accounts"].tolist() == [21, 49]
    # JSON and text
    d = lift.to_dict()
    json.dumps(d)
    assert d["groups"]["engaged"]["followed"] == 6 and d["ci"] == pytest.approx(
        [0.031257, 0.444269], abs=1e-6)
    assert "+0.220" in repr(lift) and "<table" in lift._repr_html_()
    wider = em.engagement_lift(*lift_snapshots(), confidence=0.99)
    assert wider.ci[0] < lift.ci[0] and wider.ci[1] > lift.ci[1]


def test_engagement_lift_empty_group_and_unknown_sides():
    older, newer = lift_snapshots()
    silent = newer.replace(posts=newer.posts.iloc[:0], mentions=None)
    lift = em.engagement_lift(older, silent)
    # nobody engaged in the period: the engaged group is empty, its share undefined
    assert lift.table["accounts"].tolist() == [0, 70]
    assert math.isnan(lift.table.loc["engaged", "share"])
    assert math.isnan(lift.difference) and all(math.isnan(v) for v in lift.ci)
    assert "engaged group is empty" in lift.unknown["difference"]
    assert lift.to_dict()["difference"] is None

    # the older followers unknown: no universe
    blind = older.replace(follows=older.follows[older.follows["target"] != "me"],
                          unknown={"followers": "a Bluesky repo has no follower list"})
    lift = em.engagement_lift(blind, newer)
    assert lift.table[["accounts", "followed"]].isna().all(axis=None)
    assert lift.members is None
    assert lift.unknown["difference"] == (
        "a Bluesky repo has no follower list (the older export, 2026-01-01)")
    assert "unknown (a Bluesky repo" in repr(lift)
    # the newer followers unknown: the groups are known, who followed is not
    blind = newer.replace(follows=newer.follows[newer.follows["target"] != "me"],
                          unknown={"followers": "a Bluesky repo has no follower list"})
    lift = em.engagement_lift(older, blind)
    assert lift.table["accounts"].tolist() == [20, 50]
    assert lift.table["followed"].isna().all() and lift.table["share"].isna().all()
    assert "newer export" in lift.table.attrs["unknown"]["followed"]
    # no post log in the newer export: who was engaged is unknown
    mute = em.Archive(follows=newer.follows, ego="me", exported_at="2026-04-01",
                      unknown={"posts": "not read", "interactions_made": "not read"})
    lift = em.engagement_lift(older, mute)
    assert lift.table["accounts"].isna().all()
    assert lift.unknown["difference"].startswith("not read")


def test_engagement_lift_refuses_bad_arguments():
    older, newer = lift_snapshots()
    with pytest.raises(InvalidArgumentError, match="start= and end="):
        em.engagement_lift(older, newer, start="2026-01-01")
    with pytest.raises(InvalidArgumentError, match="needs start="):
        em.engagement_lift(newer)
    for bad in (1.5, 0, True, "95%"):
        with pytest.raises(InvalidArgumentError, match="confidence"):
            em.engagement_lift(older, newer, confidence=bad)
    with pytest.raises(InvalidArgumentError, match="swap them"):
        em.engagement_lift(newer, older)


@pytest.mark.samples
def test_engagement_lift_on_bluesky_with_dated_followers(samples):
    paul = em.load(samples / PAUL)
    gone = em.engagement_lift(paul, start="2023-01-01", end="2023-04-01")
    assert gone.table["accounts"].isna().all()
    assert gone.unknown["difference"].startswith("a Bluesky repo has no follower list")

    p52, wqz = "did:plc:52h2g25cka2totzv3ooc364t", "did:plc:wqzurwm3kmaig6e6hnc2gqwo"
    zzm, j2g = "did:plc:zzmlmgz6dra3d3kkquupqe2s", "did:plc:2jgxyg77ov2ori6llrjfdq7h"
    kuf, new = "did:plc:kuf7zrzfm3yu223t6ezylvpw", "did:plc:newfollower0000000000000"
    a = paul.with_followers(pd.DataFrame({
        "account_id": [p52, wqz, zzm, j2g, new],
        "followed_at": ["2022-12-01", "2023-02-10", "2023-05-01", "2023-03-01", "2023-03-15"]}))
    lift = em.engagement_lift(a, start="2023-01-01", end="2023-04-01")
    # Engaged in [2023-01-01, 2023-04-01) (the repo's replies, mentions, reposts, quotes):
    # wqz, 52h, zzm, kuf; 52h followed before start: out of the universe. Engaged group
    # {wqz, zzm, kuf}: 3 accounts, wqz followed in the period (zzm after it): 1.
    # Not engaged: the rest of the universe; followed in the period: 2jg and the new one.
    assert lift.members["engaged"].tolist() == sorted([wqz, zzm, kuf])
    assert lift.table.loc["engaged", ["accounts", "followed"]].tolist() == [3, 1]
    # the universe, counted independently from the archive's tables
    seen = set(a.follows["source"]) | set(a.follows["target"]) | set(
        a.interactions["actor"]) | set(a.interactions["target"])
    universe = seen - {a.ego, p52}
    assert lift.table.loc["not_engaged", ["accounts", "followed"]].tolist() == [
        len(universe) - 3, 2]
    assert lift.basis == "follow dates"
    assert "without a follower edge dated before" in lift.table.loc["engaged", "definition"]


def test_engagement_lift_instagram_has_no_interactions(instagram_path):
    a = em.load(instagram_path)
    lift = em.engagement_lift(a, start="2025-10-01")
    assert lift.table["accounts"].isna().all()
    assert "Instagram" in lift.unknown["difference"]


def test_generated_x_snapshots_give_the_planted_churn_and_lift(tmp_path):
    """Two exports of one generated account, written as real X archives (zips), with the
    churn and the lift planted between them."""
    base = em.datasets.generate_account(seed=7, n_accounts=400, n_posts=150,
                                        start="2025-01-01", end="2026-01-01")
    ego = base.ego
    followers, following = sorted(base.followers()), sorted(base.following())
    candidates = sorted(set(following) - set(followers))  # the owner follows them, not back
    engaged, idle = candidates[:20], candidates[20:]
    assert len(idle) >= 10
    # Planted between 2026-01-01 and 2026-04-01: the owner replies to the 20 `engaged`;
    # 7 of them and 3 of the idle follow the owner; 4 old followers leave.
    left = followers[:4]
    f = base.follows
    mine = f[(f["source"] == ego) | (f["target"] == ego)]
    kept = mine[~((mine["target"] == ego) & mine["source"].isin(left))]
    joined = follows([(a, ego) for a in engaged[:7] + idle[:3]])
    replies = pd.DataFrame({
        "post_id": [str(3_000_000_000_000_000_000 + i) for i in range(20)],
        "author": ego, "created_at": [utc("2026-02-01") + i * DAY for i in range(20)],
        "kind": "reply", "parent_id": [str(2_900_000_000_000_000_000 + i) for i in range(20)],
        "parent_author": engaged, "text": "good point"})
    older = base.replace(follows=mine)
    newer = base.replace(
        follows=pd.concat([kept, em.schema.follows_table(joined)], ignore_index=True),
        posts=pd.concat([base.posts, em.schema.posts_table(replies)], ignore_index=True),
        exported_at="2026-04-01")
    old_path = em.datasets.write_export(older, tmp_path / "old.zip", platform="twitter")
    new_path = em.datasets.write_export(newer, tmp_path / "new.zip", platform="twitter")
    older, newer = em.load(old_path), em.load(new_path)

    c = em.compare(older, newer)
    n = len(followers)
    # followers: start n, end n - 4 + 10, new 10, lost 4; following unchanged
    assert c.summary.loc["followers", ["start", "end", "new", "lost"]].tolist() == [
        n, n + 6, 10, 4]
    assert c.summary.loc["followers", "churn_rate"] == pytest.approx(4 / n)
    assert c.summary.loc["following", ["new", "lost"]].tolist() == [0, 0]
    assert c.lost_followers.tolist() == left

    lift = em.engagement_lift(older, newer)
    assert lift.members["engaged"].tolist() == engaged
    assert lift.table.loc["engaged", ["accounts", "followed"]].tolist() == [20, 7]
    # not engaged: every other account either export shows, minus the old followers
    # (counted here with pandas from the loaded tables); 3 of them followed
    seen = set()
    for a in (older, newer):
        seen |= set(a.follows["source"]) | set(a.follows["target"])
        acts = a.interactions[a.interactions["visibility"].astype(object) != "direct"]
        seen |= set(acts["actor"]) | set(acts["target"])
    universe = seen - {ego} - set(followers)
    assert lift.table.loc["not_engaged", ["accounts", "followed"]].tolist() == [
        len(universe) - 20, 3]
    assert lift.difference == pytest.approx(7 / 20 - 3 / (len(universe) - 20))
