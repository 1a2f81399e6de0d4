"""X archives in pieces: without account.js and manifest.js, in several zips, and before 2019.

Partial archives are cut from the real sample (samples README: 61 followers, 167
following, 6 mutual); expected values are counted here from the files with json.
"""

from __future__ import annotations

import json
import shutil
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import engagemetrics as em
from _twitter_fixtures import EGO, follow_records, tweet, write_account, write_js, x_time
from engagemetrics.exceptions import DataQualityWarning, NoEgoError
from engagemetrics.io.twitter import read_twitter_archive

SAMPLE = "twitter/milahu-twitter-milahu104-2026-03-06"
OWNER = "1964312974236991488"


def scan(path: Path) -> list:
    return json.loads(path.read_text(encoding="utf-8-sig").split("=", 1)[1].strip().rstrip(";"))


@pytest.fixture(scope="module")
def full(samples: Path) -> em.Archive:
    return read_twitter_archive(samples / SAMPLE)


def copy_data(samples: Path, dest: Path, keep: set[str] | None = None) -> Path:
    data = dest / "data"
    data.mkdir(parents=True)
    for f in (samples / SAMPLE / "data").iterdir():
        if keep is None or f.name in keep:
            shutil.copy(f, data / f.name)
    return dest


def assert_same_follow_graph(a: em.Archive, full: em.Archive) -> None:
    assert a.followers() == full.followers() and len(a.followers()) == 61
    assert a.following() == full.following() and len(a.following()) == 167
    assert len(a.followers() & a.following()) == 6


def test_without_account_and_manifest_the_owner_is_found(
    samples: Path, tmp_path: Path, full: em.Archive
) -> None:
    root = copy_data(samples, tmp_path)
    (root / "data" / "account.js").unlink()
    (root / "data" / "manifest.js").unlink()
    a = em.load(root)
    assert a.ego == OWNER == full.ego
    assert_same_follow_graph(a, full)
    assert len(a.posts) == len(full.posts) == 2045
    # screen-name-change.js still names the owner (its accountId): taken, and said so
    owner_rows = a.ledger[a.ledger["record_kind"] == "owner"]
    assert owner_rows["source"].tolist() == ["screen-name-change.js"]
    assert (owner_rows["action"] == "flagged").all()


def test_published_subset_infers_the_owner_from_self_replies(
    samples: Path, tmp_path: Path, full: em.Archive
) -> None:
    # what public repositories often carry: tweets, followers, following, nothing else
    root = copy_data(samples, tmp_path, keep={"tweets.js", "follower.js", "following.js"})
    tweets = [item["tweet"] for item in scan(root / "data" / "tweets.js")]
    own = {t["id_str"] for t in tweets}
    self_replies = [t for t in tweets if t.get("in_reply_to_status_id_str") in own]
    assert {t["in_reply_to_user_id_str"] for t in self_replies} == {OWNER}
    assert len(self_replies) == 41  # of the 42 self-replies, one answers a tweet not here

    a = em.load(root)
    assert a.ego == OWNER
    assert_same_follow_graph(a, full)
    kinds = a.posts.set_index("post_id")["kind"].astype(str)
    assert kinds.to_dict() == full.posts.set_index("post_id")["kind"].astype(str).to_dict()
    owner = a.ledger[a.ledger["record_kind"] == "owner"]
    assert owner[["source", "count", "action"]].values.tolist() == [["tweets.js", 41, "flagged"]]
    assert "inferred from its self-replies" in owner["reason"].iloc[0]
    assert OWNER in owner["reason"].iloc[0]
    # the parts the subset holds are known; it has no account.js, which is no part
    assert a.coverage.known("followers") and a.coverage.known("following")


def test_no_evidence_raises_and_names_ego(tmp_path: Path) -> None:
    data = tmp_path / "data"
    tweets = [tweet("1", x_time(2026, 1, 1), "hello"), tweet("2", x_time(2026, 1, 2), "again")]
    write_js(data / "tweets.js", "YTD.tweets.part0", [{"tweet": t} for t in tweets])
    with pytest.raises(NoEgoError) as info:
        em.load(tmp_path)
    assert "ego=" in str(info.value) and "--ego" in str(info.value)
    assert em.load(tmp_path, ego="5").ego == "5"


def test_ego_given_against_account_js_is_warned_and_ledgered(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_account(data)
    write_js(data / "tweets.js", "YTD.tweets.part0", [{"tweet": tweet("1", x_time(2026, 1, 1), "x")}])
    with pytest.warns(DataQualityWarning, match=EGO):
        a = read_twitter_archive(tmp_path, ego="77")
    assert a.ego == "77"
    assert (a.ledger["record_kind"] == "owner").sum() == 1


def test_archive_in_two_zips(samples: Path, tmp_path: Path, full: em.Archive) -> None:
    data = samples / SAMPLE / "data"
    first = {"manifest.js", "account.js", "tweets.js"}
    folder = tmp_path / "download"
    folder.mkdir()
    for part, names in (
        ("part1", first),
        ("part2", {p.name for p in data.iterdir()} - first),
    ):
        with zipfile.ZipFile(folder / f"twitter-2026-03-06-0123abcd-{part}.zip", "w") as z:
            for name in sorted(names):
                z.write(data / name, f"data/{name}")
    a = em.load(folder)
    assert (a.ego, a.exported_at) == (full.ego, full.exported_at)
    for name in ("follows", "posts", "interactions", "accounts"):
        pdt.assert_frame_equal(getattr(a, name), getattr(full, name), obj=name)
    # the sample folder holds its licence beside data/, which no zip here holds
    led = full.ledger[full.ledger["source"] != "license.txt"].reset_index(drop=True)
    pdt.assert_frame_equal(a.ledger, led, obj="ledger")


def test_two_different_archives_in_one_folder_are_refused(samples: Path, tmp_path: Path) -> None:
    data = samples / SAMPLE / "data"
    folder = tmp_path / "downloads"
    folder.mkdir()
    for stamp in ("2026-03-06", "2026-04-01"):
        with zipfile.ZipFile(folder / f"twitter-{stamp}-0123abcd.zip", "w") as z:
            for f in sorted(data.iterdir()):
                text = f.read_text(encoding="utf-8")
                if f.name == "manifest.js":
                    text = text.replace("2026-03-06T13:15:31.187Z", f"{stamp}T00:00:00.000Z")
                z.writestr(f"data/{f.name}", text)
    with pytest.raises(em.InvalidArgumentError, match="X archives of different"):
        em.load(folder)


# --------------------------------------------------------------------------- before 2019
def grailbird_tweet(tweet_id: int, when: str, text: str, **extra: object) -> dict:
    """A tweet as the monthly files of a pre-2019 archive hold it (API v1.1 shape)."""
    out = {
        "source": "web",
        "entities": {"user_mentions": [], "media": [], "hashtags": [], "urls": []},
        "geo": {},
        "id_str": str(tweet_id),
        "text": text,
        "id": tweet_id,
        "created_at": when,
        "user": {
            "name": "Old Timer",
            "screen_name": "oldtimer",
            "protected": False,
            "id_str": "777",
            "id": 777,
            "verified": False,
        },
    }
    out.update(extra)
    return out


def write_grailbird(root: Path, *, details: bool = True, index_extra: int = 0) -> Path:
    js = root / "data" / "js"
    (js / "tweets").mkdir(parents=True)
    january = [
        grailbird_tweet(1001, "2015-01-24 02:02:37 +0000", "hello &amp; welcome"),
        grailbird_tweet(
            1002,
            "2015-01-25 10:00:00 +0000",
            "@friend hi",
            in_reply_to_status_id_str="55",
            in_reply_to_user_id_str="88",
            in_reply_to_screen_name="friend",
            entities={
                "user_mentions": [
                    {"name": "F", "screen_name": "friend", "indices": [0, 7],
                     "id_str": "88", "id": 88}
                ],
                "urls": [],
            },
        ),
    ]
    february = [
        grailbird_tweet(
            1003,
            "2015-02-01 10:00:00 +0000",
            "RT @someone: wow",
            retweeted_status=grailbird_tweet(66, "2015-01-01 00:00:00 +0000", "wow")
            | {"user": {"id_str": "99", "id": 99, "screen_name": "someone", "name": "S"}},
        ),
    ]
    for month, tweets in (("2015_01", january), ("2015_02", february)):
        (js / "tweets" / f"{month}.js").write_text(
            f"Grailbird.data.tweets_{month} = \n" + json.dumps(tweets, indent=2)
        )
    index = [
        {"file_name": "data/js/tweets/2015_02.js", "year": 2015, "var_name": "tweets_2015_02",
         "tweet_count": 1, "month": 2},
        {"file_name": "data/js/tweets/2015_01.js", "year": 2015, "var_name": "tweets_2015_01",
         "tweet_count": 2, "month": 1},
    ]
    if index_extra:
        index.append({"file_name": "data/js/tweets/2014_12.js", "year": 2014,
                      "var_name": "tweets_2014_12", "tweet_count": index_extra, "month": 12})
    (js / "tweet_index.js").write_text("var tweet_index = " + json.dumps(index))
    if details:
        (js / "user_details.js").write_text(
            'var user_details =  {\n  "screen_name" : "oldtimer",\n  "full_name" : "Old Timer",'
            '\n  "id" : "777",\n  "created_at" : "2009-01-01 00:00:00 +0000"\n}'
        )
    (root / "tweets.csv").write_text(
        '"tweet_id","in_reply_to_status_id","in_reply_to_user_id","timestamp","source","text",'
        '"retweeted_status_id","retweeted_status_user_id","retweeted_status_timestamp",'
        '"expanded_urls"\n'
        '"1001","","","2015-01-24 02:02:37 +0000","web","hello &amp; welcome","","","",""\n'
        '"1002","55","88","2015-01-25 10:00:00 +0000","web","@friend hi","","","",""\n'
        '"1003","","","2015-02-01 10:00:00 +0000","web","RT @someone: wow","66","99","",""\n'
    )
    return root


def test_grailbird_monthly_files(tmp_path: Path) -> None:
    a = em.load(write_grailbird(tmp_path / "old"))
    assert a.ego == "777"
    p = a.posts.set_index("post_id")
    assert p["kind"].astype(str).to_dict() == {"1001": "post", "1002": "reply", "1003": "repost"}
    assert p.loc["1001", "text"] == "hello & welcome"
    assert p.loc["1001", "created_at"] == pd.Timestamp("2015-01-24 02:02:37", tz="UTC")
    assert (p.loc["1003", "parent_id"], p.loc["1003", "parent_author"]) == ("66", "99")
    assert (p.loc["1002", "parent_id"], p.loc["1002", "parent_author"]) == ("55", "88")
    # the mention of the parent author is the reply itself (id from the entities)
    it = a.interactions
    assert sorted(zip(it["target"], it["kind"].astype(str), strict=True)) == [
        ("88", "reply"),
        ("99", "repost"),
    ]
    # tweets.csv holds the same 3 tweets: counted, not read twice
    led = a.ledger.set_index("source")
    assert led.loc["tweets.csv", "count"] == 3
    assert "same tweets" in led.loc["tweets.csv", "reason"]
    assert not a.coverage.known("followers") and not a.coverage.known("following")


def test_grailbird_owner_from_the_tweets_and_absent_month(tmp_path: Path) -> None:
    a = em.load(write_grailbird(tmp_path / "old", details=False, index_extra=4))
    assert a.ego == "777"  # each tweet's "user" is the owner: 3 tweets say so
    owner = a.ledger[a.ledger["record_kind"] == "owner"]
    assert owner["count"].tolist() == [3]
    absent = a.ledger.set_index("source").loc["2014_12.js"]
    assert (absent["count"], absent["reason"]) == (
        4,
        "listed in tweet_index.js, absent from this export (4 per the index)",
    )
    assert not a.coverage.known("posts")


def test_follower_js_listed_but_absent_is_unknown(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_account(data)
    write_js(data / "following.js", "YTD.following.part0", follow_records("following", ["3"]))
    from _twitter_fixtures import write_manifest

    write_manifest(
        data,
        {
            "account": [("account.js", 1)],
            "follower": [("follower.js", 5)],
            "following": [("following.js", 1)],
        },
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = read_twitter_archive(tmp_path)
    assert a.following() == {"3"}
    assert not a.coverage.known("followers")
    assert "absent" in a.coverage.reason("followers")
