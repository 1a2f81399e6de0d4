"""Tests of the X/Twitter archive reader against the real sample and synthetic archives.

Expected values come from the files themselves (scanned here with json and regex, not
with the reader), from the samples README, or from hand calculation.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import engagemetrics as em
from _twitter_fixtures import (
    EGO,
    EGO_HANDLE,
    follow_records,
    mention,
    tweet,
    write_account,
    write_js,
    write_manifest,
    x_time,
)
from engagemetrics.exceptions import CorruptExportError, NoEgoError, UnsafeArchiveError
from engagemetrics.io._container import ExportFiles
from engagemetrics.io.twitter import can_read, read_twitter_archive

SAMPLE = "twitter/milahu-twitter-milahu104-2026-03-06"


# --------------------------------------------------------------------------- helpers
def scan(path: Path) -> list:
    """Independent parse of a data file: json after the first '='."""
    text = path.read_text(encoding="utf-8-sig")
    return json.loads(text.split("=", 1)[1].strip().rstrip(";"))


def dropped(archive: em.Archive, source: str) -> int:
    led = archive.ledger
    return int(led.loc[(led["source"] == source) & (led["action"] == "dropped"), "count"].sum())


def tables(archive: em.Archive) -> dict[str, pd.DataFrame]:
    # The sample folder holds the sample's licence beside data/: a file of the folder that
    # is no part of the archive (counted in the ledger as not read). Compared without it.
    ledger = archive.ledger[archive.ledger["source"] != "license.txt"].reset_index(drop=True)
    return {
        "follows": archive.follows,
        "posts": archive.posts,
        "interactions": archive.interactions,
        "accounts": archive.accounts,
        "ledger": ledger,
    }


def assert_same(a: em.Archive, b: em.Archive) -> None:
    assert (a.ego, a.platform, a.exported_at) == (b.ego, b.platform, b.exported_at)
    for name, frame in tables(a).items():
        pdt.assert_frame_equal(frame, tables(b)[name], obj=name)


@pytest.fixture(scope="module")
def sample_dir(samples: Path) -> Path:
    return samples / SAMPLE


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> em.Archive:
    return read_twitter_archive(sample_dir)


@pytest.fixture(scope="module")
def raw_tweets(sample_dir: Path) -> list[dict]:
    return [item["tweet"] for item in scan(sample_dir / "data" / "tweets.js")]


# --------------------------------------------------------------------------- real sample
def test_sample_ego_and_export_date(sample: em.Archive, sample_dir: Path) -> None:
    account = scan(sample_dir / "data" / "account.js")[0]["account"]
    assert sample.ego == account["accountId"] == "1964312974236991488"
    assert sample.platform == "twitter"
    assert sample.exported_at == pd.Timestamp("2026-03-06T13:15:31.187Z")


def test_sample_follows(sample: em.Archive, sample_dir: Path) -> None:
    followers = {r["follower"]["accountId"] for r in scan(sample_dir / "data" / "follower.js")}
    following = {r["following"]["accountId"] for r in scan(sample_dir / "data" / "following.js")}
    f = sample.follows
    from_tables_followers = set(f.loc[f["target"] == sample.ego, "source"])
    from_tables_following = set(f.loc[f["source"] == sample.ego, "target"])
    assert from_tables_followers == followers and len(followers) == 61
    assert from_tables_following == following and len(following) == 167
    assert len(from_tables_followers & from_tables_following) == 6  # samples README
    assert len(followers & following) == 6
    assert f["followed_at"].isna().all()  # X stores no follow time


def test_sample_every_tweet_accounted(sample: em.Archive, raw_tweets: list[dict]) -> None:
    assert len(raw_tweets) == 2045
    assert len(sample.posts) + dropped(sample, "tweets.js") == len(raw_tweets)
    assert set(sample.posts["post_id"]) <= {t["id_str"] for t in raw_tweets}


def test_sample_kinds(sample: em.Archive, raw_tweets: list[dict]) -> None:
    ego = sample.ego
    rts = {t["id_str"] for t in raw_tweets if t["full_text"].startswith("RT @")}
    self_replies = {
        t["id_str"]
        for t in raw_tweets
        if t.get("in_reply_to_user_id_str") == ego and not t["full_text"].startswith("RT @")
    }
    with_status = [t for t in raw_tweets if "in_reply_to_status_id_str" in t]
    mention_only = {
        t["id_str"]
        for t in raw_tweets
        if "in_reply_to_user_id_str" in t and "in_reply_to_status_id_str" not in t
    }
    assert (len(rts), len(self_replies), len(mention_only), len(with_status)) == (239, 42, 13, 1780)
    kinds = sample.posts.set_index("post_id")["kind"].astype(str)
    assert set(kinds[kinds == "repost"].index) == rts
    assert set(kinds[kinds == "thread"].index) == self_replies
    assert mention_only <= set(kinds[kinds == "reply"].index)
    assert (kinds == "reply").sum() == len(with_status) - len(self_replies) + len(mention_only)
    replies = sample.posts[sample.posts["kind"] == "reply"]
    mo = replies[replies["post_id"].isin(mention_only)]
    assert mo["parent_id"].isna().all() and mo["parent_author"].notna().all()


def test_sample_repost_parents(sample: em.Archive, raw_tweets: list[dict]) -> None:
    expected_author, expected_parent = {}, {}
    for t in raw_tweets:
        if not t["full_text"].startswith("RT @"):
            continue
        first = t["entities"]["user_mentions"][0]
        assert first["indices"][0] == "3"
        expected_author[t["id_str"]] = first["id_str"]
        media = t["entities"].get("media") or []
        if media and "source_status_id_str" in media[0]:
            expected_parent[t["id_str"]] = media[0]["source_status_id_str"]
    reposts = sample.posts[sample.posts["kind"] == "repost"].set_index("post_id")
    assert reposts["parent_author"].to_dict() == expected_author
    assert len(expected_parent) > 0
    assert reposts["parent_id"].dropna().to_dict() == expected_parent


def test_sample_repost_author_is_not_a_mention(sample: em.Archive) -> None:
    it = sample.interactions
    reposts = set(sample.posts.loc[sample.posts["kind"] == "repost", "post_id"])
    assert not it.loc[it["kind"] == "mention", "post_id"].isin(reposts).any()
    assert (it["kind"] == "repost").sum() == len(reposts)


def test_sample_html_unescaped(sample: em.Archive, raw_tweets: list[dict]) -> None:
    escaped = {t["id_str"]: t["full_text"] for t in raw_tweets if "&gt;" in t["full_text"]}
    assert len(escaped) == 262  # FORMATS.md 1.5
    text = sample.posts.set_index("post_id")["text"]
    for post_id, raw in escaped.items():
        assert text[post_id] == html.unescape(raw)
    assert not text.str.contains("&gt;", regex=False).any()


def test_sample_sorted_and_ids_exact(sample: em.Archive, raw_tweets: list[dict]) -> None:
    p = sample.posts
    assert p["created_at"].is_monotonic_increasing
    assert p["post_id"].dtype == em.schema.ID_DTYPE
    assert set(p["post_id"]) == {t["id_str"] for t in raw_tweets}


def test_sample_handles(sample: em.Archive, sample_dir: Path) -> None:
    change = scan(sample_dir / "data" / "screen-name-change.js")[0]["screenNameChange"]
    acc = sample.accounts.set_index("account_id")
    assert acc.loc[sample.ego, "handle"] == change["screenNameChange"]["changedTo"]
    assert acc.loc[sample.ego, "display_name"] == "Milan Hauth"
    # a mentioned account: id and handle as the tweets show them
    raw = scan(sample_dir / "data" / "tweets.js")
    m = next(
        m
        for t in raw
        for m in t["tweet"]["entities"]["user_mentions"]
        if m["screen_name"] == "SamaHoole"
    )
    assert acc.loc[m["id_str"], "handle"] == "SamaHoole"


def test_sample_ledger_says_what_was_read_and_what_is_absent(
    sample: em.Archive, sample_dir: Path
) -> None:
    manifest = json.loads((sample_dir / "data" / "manifest.js").read_text().split("=", 1)[1])[
        "dataTypes"
    ]
    listed = {
        f["fileName"].split("/")[-1]: int(f["count"])
        for spec in manifest.values()
        for f in spec.get("files", [])
    }
    present = {p.name for p in (sample_dir / "data").iterdir()}
    read_into_tables = {
        "tweets.js", "follower.js", "following.js", "account.js", "screen-name-change.js"
    }
    led = sample.ledger[sample.ledger["source"] != "posts"].set_index("source")
    assert led.index.is_unique
    for name, count in listed.items():
        if name in read_into_tables or count == 0 and name not in present:
            assert name not in led.index
        elif name in present:
            # read, and counted from the file itself: one record per item of its array
            assert led.loc[name, "reason"].startswith("read, not used"), name
            assert led.loc[name, "count"] == len(scan(sample_dir / "data" / name)), name
        else:
            assert led.loc[name, "reason"] == (
                f"listed in manifest.js, absent from this export ({count:,} per the manifest)"
            ), name
            assert led.loc[name, "count"] == count, name
    # the files of the folder that are no data file are counted as not read: X's field
    # dictionary in data/, and the sample's licence beside data/
    not_read = led[led["reason"].str.startswith("file not read")]
    assert not_read["count"].to_dict() == {"README.txt": 1, "license.txt": 1}
    led = led.drop(index=not_read.index)
    # every row about a file that is not in the folder says it is absent
    for name, reason in led["reason"].items():
        assert (name in present) != ("absent from this export" in reason), name
    # the examples
    assert led.loc["like.js", "count"] == 6_708
    assert led.loc["periscope-comments-made-by-user.js", "count"] == 6_985
    assert led.loc["block.js", "count"] == 606 and led.loc["tweet-headers.js", "count"] == 2045
    assert set(led.index) == {n for n, c in listed.items() if c} - read_into_tables


def test_sample_zip_and_data_folder_give_same_tables(
    sample: em.Archive, sample_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "twitter-2026-03-06-0123abcd.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted((sample_dir / "data").iterdir()):
            z.write(f, f"data/{f.name}")
    assert can_read(ExportFiles(target)) is None
    assert_same(read_twitter_archive(target), sample)
    assert_same(read_twitter_archive(sample_dir / "data"), sample)


def test_sample_twice_identical(sample: em.Archive, sample_dir: Path) -> None:
    assert_same(read_twitter_archive(sample_dir), sample)


# --------------------------------------------------------------------------- synthetic
def base_archive(root: Path, tweets: list, *, manifest: bool = True, **extra: list) -> Path:
    """A data/ folder with account.js, followers, followings and the given tweets."""
    data = root / "data"
    write_account(data)
    write_js(data / "follower.js", "YTD.follower.part0", follow_records("follower", ["11", "12"]))
    write_js(
        data / "following.js", "YTD.following.part0", follow_records("following", ["12", "13"])
    )
    write_js(data / "tweets.js", "YTD.tweets.part0", [{"tweet": t} for t in tweets])
    listed = {
        "account": [("account.js", 1)],
        "screenNameChange": [("screen-name-change.js", 1)],
        "follower": [("follower.js", 2)],
        "following": [("following.js", 2)],
        "tweets": [("tweets.js", len(tweets))],
    }
    for dtype, records in extra.items():
        name = re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), dtype) + ".js"
        write_js(data / name, f"YTD.{dtype}.part0", records)
        listed[dtype] = [(name, len(records))]
    if manifest:
        write_manifest(data, listed)
    return root


def test_kinds_on_synthetic_archive(tmp_path: Path) -> None:
    t = x_time(2026, 1, 5)
    tweets = [
        tweet("100", t, "hello &amp; welcome"),
        tweet(
            "101",
            x_time(2026, 1, 6),
            "@ann thanks",
            mentions=[mention("21", "ann", 0)],
            reply_to_status="900",
            reply_to_user="21",
            reply_to_handle="ann",
        ),
        tweet("102", x_time(2026, 1, 7), "more", reply_to_status="100", reply_to_user=EGO),
        tweet(
            "103",
            x_time(2026, 1, 8),
            "@bob hey",
            mentions=[mention("22", "bob", 0)],
            reply_to_user="22",
            reply_to_handle="bob",
        ),
        tweet("104", x_time(2026, 1, 9), "RT @ann: original", mentions=[mention("21", "ann", 3)]),
        tweet(
            "105", x_time(2026, 1, 10), "look https://t.co/x", urls=["https://x.com/ann/status/777"]
        ),
        tweet(
            "106",
            x_time(2026, 1, 11),
            "@ann @bob both",
            mentions=[mention("21", "ann", 0), mention("22", "bob", 5)],
            reply_to_status="901",
            reply_to_user="21",
        ),
    ]
    a = read_twitter_archive(base_archive(tmp_path, tweets))
    p = a.posts.set_index("post_id")
    assert p["kind"].astype(str).to_dict() == {
        "100": "post",
        "101": "reply",
        "102": "thread",
        "103": "reply",
        "104": "repost",
        "105": "quote",
        "106": "reply",
    }
    assert p.loc["100", "text"] == "hello & welcome"
    assert (p.loc["103", "parent_author"], pd.isna(p.loc["103", "parent_id"])) == ("22", True)
    assert (p.loc["102", "root_id"], p.loc["102", "root_author"]) == ("100", EGO)
    assert pd.isna(p.loc["101", "root_id"])  # parent outside the archive
    assert (p.loc["105", "parent_id"], p.loc["105", "parent_author"]) == ("777", "21")
    assert p.loc["104", "parent_author"] == "21"
    it = a.interactions
    triples = set(zip(it["post_id"], it["target"], it["kind"].astype(str), strict=True))
    assert triples == {
        ("101", "21", "reply"),
        ("102", EGO, "reply"),
        ("103", "22", "reply"),
        ("104", "21", "repost"),
        ("105", "21", "quote"),
        ("106", "21", "reply"),
        ("106", "22", "mention"),  # ann is the parent author: not an extra mention
    }
    assert a.exported_at == pd.Timestamp("2026-03-06T13:15:31.187Z")


def test_missing_reply_screen_name_keys_on_id(tmp_path: Path) -> None:
    tw = tweet("200", x_time(2026, 1, 1), "@x yes", reply_to_status="9", reply_to_user="31")
    assert "in_reply_to_screen_name" not in tw
    a = read_twitter_archive(base_archive(tmp_path, [tw]))
    assert a.posts.loc[0, "parent_author"] == "31" and a.posts.loc[0, "kind"] == "reply"


def test_old_tweet_js_2020_style_bare_objects(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_account(data)
    tweets = [
        tweet("300", x_time(2019, 5, 1), "bare one"),
        tweet("301", x_time(2019, 5, 2), "bare two", reply_to_status="300", reply_to_user=EGO),
    ]
    write_js(data / "tweet.js", "YTD.tweet.part0", tweets, style="2020")  # bare: no wrapper
    text = (data / "tweet.js").read_text()
    assert text.startswith("window.YTD.tweet.part0 = [ {") and "}, {" in text
    assert '"display_text_range" : [ "0", "8" ]' in text  # arrays inline
    write_js(
        data / "follower.js", "YTD.follower.part0", follow_records("follower", ["5"]), style="2020"
    )
    write_manifest(
        data,
        {
            "account": [("account.js", 1)],
            "tweet": [("tweet.js", 2)],
            "follower": [("follower.js", 1)],
        },
    )
    a = read_twitter_archive(tmp_path)
    assert list(a.posts["post_id"]) == ["300", "301"]
    assert list(a.posts["kind"].astype(str)) == ["post", "thread"]
    assert a.followers() == {"5"}


def test_multi_part_tweets_from_manifest(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_account(data)
    write_js(
        data / "tweets.js",
        "YTD.tweets.part0",
        [{"tweet": tweet("400", x_time(2026, 2, 2), "part zero")}],
    )
    write_js(
        data / "tweets-part1.js",
        "YTD.tweets.part1",
        [
            {"tweet": tweet("401", x_time(2026, 2, 1), "part one")},
            {"tweet": tweet("400", x_time(2026, 2, 2), "part zero again")},
        ],
    )
    write_manifest(
        data, {"account": [("account.js", 1)], "tweets": [("tweets.js", 1), ("tweets-part1.js", 2)]}
    )
    a = read_twitter_archive(tmp_path)
    assert list(a.posts["post_id"]) == ["401", "400"]  # sorted by time
    led = a.ledger.set_index("source")
    assert led.loc["tweets-part1.js", "reason"] == "duplicate tweet id (kept the first)"
    assert len(a.posts) + dropped(a, "tweets-part1.js") == 3


def test_follower_rows_without_account_id(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_account(data)
    write_js(
        data / "follower.js",
        "YTD.follower.part0",
        follow_records("follower", ["41", None], link_only=["42"]),
    )
    write_manifest(data, {"account": [("account.js", 1)], "follower": [("follower.js", 3)]})
    a = read_twitter_archive(tmp_path)
    assert a.followers() == {"41", "42"}
    led = a.ledger[a.ledger["source"] == "follower.js"].set_index("action")
    assert led.loc["dropped", "count"] == 1  # neither accountId nor an id in userLink
    assert led.loc["flagged", "count"] == 1  # id recovered from userLink


def test_quote_resolution_and_old_handle(tmp_path: Path) -> None:
    tweets = [
        tweet("500", x_time(2026, 1, 1), "hi @carol", mentions=[mention("51", "carol", 3)]),
        tweet("501", x_time(2026, 1, 2), "q", urls=["https://twitter.com/Carol/status/5001?s=20"]),
        tweet("502", x_time(2026, 1, 3), "q", urls=["https://x.com/egobefore/status/5002"]),
        tweet("503", x_time(2026, 1, 4), "q", urls=["https://x.com/stranger/status/5003"]),
    ]
    a = read_twitter_archive(base_archive(tmp_path, tweets))
    p = a.posts.set_index("post_id")
    assert (p["kind"].astype(str)[["501", "502", "503"]] == "quote").all()
    assert p.loc["501", "parent_author"] == "51"  # handle match is case-insensitive
    assert p.loc["502", "parent_author"] == EGO  # old handle from screen-name-change.js
    assert pd.isna(p.loc["503", "parent_author"]) and p.loc["503", "parent_id"] == "5003"
    led = a.ledger
    flagged = led[(led["record_kind"] == "quote") & (led["action"] == "flagged")]
    assert flagged["count"].sum() == 1
    assert a.accounts.set_index("account_id").loc[EGO, "handle"] == EGO_HANDLE


def test_retweet_media_source_and_unresolved_author(tmp_path: Path) -> None:
    tweets = [
        tweet(
            "600",
            x_time(2026, 1, 1),
            "RT @dan: pic",
            mentions=[mention("61", "dan", 3)],
            media_source=("6001", "61"),
        ),
        tweet("601", x_time(2026, 1, 2), "RT @gone: old"),  # author's mention missing
    ]
    a = read_twitter_archive(base_archive(tmp_path, tweets))
    p = a.posts.set_index("post_id")
    assert (p.loc["600", "parent_id"], p.loc["600", "parent_author"]) == ("6001", "61")
    assert p.loc["601", "kind"] == "repost" and pd.isna(p.loc["601", "parent_author"])
    led = a.ledger
    assert led.loc[led["record_kind"] == "repost", "action"].tolist() == ["flagged"]


def test_note_tweets_and_community_tweets(tmp_path: Path) -> None:
    long_text = "A long post that goes on " + "and on " * 60 + "& ends here."
    tweets = [
        tweet("700", x_time(2026, 1, 1, 10, 0, 0), long_text[:270] + "…"),
        tweet("701", x_time(2026, 1, 1, 10, 0, 0), "another tweet in the same second"),
    ]
    notes = [
        {
            "noteTweet": {
                "noteTweetId": "8001",
                "createdAt": "2026-01-01T10:00:00.000Z",
                "updatedAt": "2026-01-01T10:00:00.000Z",
                "lifecycle": {"value": "1", "name": "NoteTweetLifecycle"},
                "core": {
                    "styletags": [],
                    "urls": [],
                    "text": long_text,
                    "mentions": [],
                    "cashtags": [],
                    "hashtags": [],
                },
            }
        },
        {
            "noteTweet": {
                "noteTweetId": "8002",
                "createdAt": "2025-06-01T10:00:00.000Z",
                "core": {"text": "an orphan note", "mentions": []},
            }
        },
    ]
    community = [
        {
            "tweet": {
                **tweet("702", x_time(2026, 1, 2), "in a community"),
                "community_id_str": "99",
                "community_id": "99",
            }
        }
    ]
    a = read_twitter_archive(
        base_archive(tmp_path, tweets, noteTweet=notes, communityTweet=community)
    )
    p = a.posts.set_index("post_id")
    assert p.loc["700", "text"] == long_text
    assert p.loc["701", "text"] == "another tweet in the same second"
    assert p.loc["702", "kind"] == "post"
    led = a.ledger.set_index("source")
    assert led.loc["note-tweet.js", "count"] == 1  # the orphan note


def test_missing_manifest_globs_files(tmp_path: Path) -> None:
    tweets = [tweet("800", x_time(2026, 1, 1), "x"), tweet("801", x_time(2026, 1, 2), "y")]
    dms = [
        {
            "dmConversation": {
                "conversationId": "1-2",
                "messages": [
                    {
                        "messageCreate": {
                            "senderId": "1",
                            "recipientId": "2",
                            "text": "SECRET-DM-TEXT",
                            "createdAt": "2022-01-27T15:58:52.744Z",
                            "id": "3",
                        }
                    }
                ],
            }
        }
    ]
    likes = [
        {
            "like": {
                "tweetId": "9",
                "fullText": "z",
                "expandedUrl": "https://twitter.com/i/web/status/9",
            }
        }
    ] * 3
    root = base_archive(tmp_path, tweets, manifest=False)
    write_js(root / "data" / "direct-messages.js", "YTD.direct_messages.part0", dms)
    write_js(root / "data" / "like.js", "YTD.like.part0", likes)
    a = read_twitter_archive(root)
    assert a.ego == EGO and len(a.posts) == 2 and len(a.follows) == 4
    led = a.ledger.set_index("source")
    assert led.loc["like.js", "count"] == 3 and led.loc["direct-messages.js", "count"] == 1
    assert a.exported_at is None
    for frame in tables(a).values():
        assert "SECRET-DM-TEXT" not in frame.to_string()


def test_manifest_file_absent_is_counted(tmp_path: Path) -> None:
    root = base_archive(tmp_path, [tweet("810", x_time(2026, 1, 1), "x")])
    (root / "data" / "following.js").unlink()
    a = read_twitter_archive(root)
    assert a.following() == set()
    assert dropped(a, "following.js") == 2


def test_corrupt_tweets_js_names_the_file(tmp_path: Path) -> None:
    root = base_archive(tmp_path, [tweet("900", x_time(2026, 1, 1), "x")] * 1)
    path = root / "data" / "tweets.js"
    text = path.read_text()
    path.write_text(text.replace('"full_text" : "x"', '"full_text" : x'))
    with pytest.raises(CorruptExportError, match=r"tweets\.js.*line \d+ column \d+"):
        read_twitter_archive(root)
    path.write_text('window.YTD.tweets.part0 = [ {"tweet" : {"id_str" : "1"')  # truncated
    with pytest.raises(CorruptExportError, match=r"tweets\.js"):
        read_twitter_archive(root)


def test_corrupt_tweets_js_in_a_big_file(tmp_path: Path) -> None:
    # the damage sits after more than one read buffer of good records
    good = [tweet(str(10_000 + i), x_time(2026, 1, 1), "y" * 400) for i in range(3000)]
    root = base_archive(tmp_path, good)
    path = root / "data" / "tweets.js"
    path.write_text(path.read_text().rstrip()[:-1] + ", {oops} ]")
    with pytest.raises(CorruptExportError, match=r"tweets\.js is damaged"):
        read_twitter_archive(root)


def test_big_file_streams_across_buffers(tmp_path: Path) -> None:
    good = [tweet(str(10_000 + i), x_time(2026, 1, 1 + i % 28), "é" * 500) for i in range(3000)]
    root = base_archive(tmp_path, good)
    assert (root / "data" / "tweets.js").stat().st_size > 2 * 2**20
    a = read_twitter_archive(root)
    assert len(a.posts) == 3000 and set(a.posts["post_id"]) == {t["id_str"] for t in good}


def test_zip_with_path_traversal(tmp_path: Path) -> None:
    target = tmp_path / "twitter-2026-01-01-abc.zip"
    with zipfile.ZipFile(target, "w") as z:
        z.writestr("data/tweets.js", "window.YTD.tweets.part0 = [ ]")
        z.writestr("../evil.js", "x")
    with pytest.raises(UnsafeArchiveError):
        read_twitter_archive(target)


def test_large_ids_kept_exactly(tmp_path: Path) -> None:
    big = str(2**63 - 25)
    odd = str(2**53 + 1)
    tweets = [
        tweet(
            big,
            x_time(2026, 1, 1),
            "@z x",
            mentions=[mention(odd, "z", 0)],
            reply_to_status=str(2**60 + 3),
            reply_to_user=odd,
        )
    ]
    a = read_twitter_archive(base_archive(tmp_path, tweets))
    row = a.posts.iloc[0]
    assert (row["post_id"], row["parent_id"], row["parent_author"]) == (big, str(2**60 + 3), odd)
    assert a.accounts["account_id"].tolist().count(odd) == 1


def test_unsorted_input_sorted_by_time_then_numeric_id(tmp_path: Path) -> None:
    same = x_time(2026, 1, 2)
    tweets = [
        tweet("10", same, "b"),
        tweet("5", x_time(2026, 1, 3), "c"),
        tweet("9", same, "a"),
        tweet("7", x_time(2026, 1, 1), "d"),
    ]
    a = read_twitter_archive(base_archive(tmp_path, tweets))
    assert a.posts["post_id"].tolist() == ["7", "9", "10", "5"]


def test_created_at_parsed_without_locale(tmp_path: Path) -> None:
    tweets = [
        tweet("1", "Fri Mar 06 13:02:05 +0000 2026", "a"),
        tweet("2", "Sat Mar 07 01:00:00 +0200 2026", "b"),
        tweet("3", "Vie Mar 06 13:02:05 +0000 2026", "not English"),
    ]
    a = read_twitter_archive(base_archive(tmp_path, tweets))
    times = a.posts.set_index("post_id")["created_at"]
    assert times["1"] == pd.Timestamp("2026-03-06 13:02:05", tz="UTC")
    assert times["2"] == pd.Timestamp("2026-03-06 23:00:00", tz="UTC")
    assert "3" not in times.index and dropped(a, "tweets.js") == 1


# --------------------------------------------------------------------------- legacy archive
LEGACY_HEADER_2014 = (
    "tweet_id",
    "in_reply_to_status_id",
    "in_reply_to_user_id",
    "timestamp",
    "source",
    "text",
    "retweeted_status_id",
    "retweeted_status_user_id",
    "retweeted_status_timestamp",
    "expanded_urls",
)
LEGACY_HEADER_2013 = (
    "tweet_id",
    "in_reply_to_status_id",
    "in_reply_to_user_id",
    "retweeted_status_id",
    "retweeted_status_user_id",
    "timestamp",
    "source",
    "text",
    "expanded_urls",
)


def write_legacy(root: Path, header: tuple[str, ...], rows: list[dict], *, details: bool) -> Path:
    import csv

    root.mkdir(parents=True, exist_ok=True)
    with open(root / "tweets.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(c, "") for c in header])
    if details:
        js = root / "data" / "js"
        js.mkdir(parents=True)
        (js / "user_details.js").write_text(
            'var user_details =  {\n  "screen_name" : "oldtimer",\n  "full_name" : "Old Timer",\n'
            '  "id" : "777",\n  "created_at" : "2009-01-01 00:00:00 +0000"\n}'
        )
    return root


LEGACY_ROWS = [
    {
        "tweet_id": "1001",
        "timestamp": "2016-02-19 22:21:05 +0000",
        "source": '<a href="http://twitter.com">Twitter Web Client</a>',
        "text": "hello, world\nsecond line &amp; more",
        "expanded_urls": "",
    },
    {
        "tweet_id": "1002",
        "in_reply_to_status_id": "1001",
        "in_reply_to_user_id": "777",
        "timestamp": "2016-02-20 10:00:00 +0000",
        "text": "@oldtimer self, reply",
    },
    {
        "tweet_id": "1003",
        "in_reply_to_status_id": "55",
        "in_reply_to_user_id": "88",
        "timestamp": "2016-02-21 10:00:00 +0000",
        "text": "@friend hi",
    },
    {
        "tweet_id": "1004",
        "retweeted_status_id": "66",
        "retweeted_status_user_id": "99",
        "retweeted_status_timestamp": "2016-01-01 00:00:00 +0000",
        "timestamp": "2016-02-22 10:00:00 +0000",
        "text": "RT @someone: wow",
    },
    {
        "tweet_id": "1005",
        "timestamp": "2016-02-18 10:00:00 +0000",
        "text": "see this",
        "expanded_urls": "https://example.com,https://twitter.com/oldtimer/status/1001",
    },
]


@pytest.mark.parametrize("header", [LEGACY_HEADER_2014, LEGACY_HEADER_2013])
def test_legacy_tweets_csv(tmp_path: Path, header: tuple[str, ...]) -> None:
    root = write_legacy(tmp_path / "legacy", header, LEGACY_ROWS, details=True)
    assert can_read(ExportFiles(root)) is None
    a = read_twitter_archive(root)
    assert a.ego == "777" and len(a.follows) == 0
    p = a.posts.set_index("post_id")
    assert p["kind"].astype(str).to_dict() == {
        "1001": "post",
        "1002": "thread",
        "1003": "reply",
        "1004": "repost",
        "1005": "quote",
    }
    assert p.loc["1001", "text"] == "hello, world\nsecond line & more"
    assert p.loc["1001", "created_at"] == pd.Timestamp("2016-02-19 22:21:05", tz="UTC")
    assert (p.loc["1004", "parent_id"], p.loc["1004", "parent_author"]) == ("66", "99")
    assert p.loc["1005", "parent_author"] == "777"  # handle from user_details.js
    assert a.posts["post_id"].tolist() == ["1005", "1001", "1002", "1003", "1004"]
    led = a.ledger
    assert (led["record_kind"] == "follow list").sum() == 1
    assert (
        "no follower or following lists"
        in led.loc[led["record_kind"] == "follow list", "reason"].iloc[0]
    )
    # "@friend" has no id in tweets.csv: counted; "@oldtimer" resolves to the ego
    mentions = led[(led["record_kind"] == "mention")]
    assert mentions["count"].sum() == 1


def test_legacy_ego_inferred_or_required(tmp_path: Path) -> None:
    root = write_legacy(tmp_path / "a", LEGACY_HEADER_2014, LEGACY_ROWS, details=False)
    assert read_twitter_archive(root).ego == "777"  # the reply to its own tweet 1001
    rows = [r for r in LEGACY_ROWS if r["tweet_id"] != "1002"]
    root = write_legacy(tmp_path / "b", LEGACY_HEADER_2014, rows, details=False)
    with pytest.raises(NoEgoError, match="ego="):
        read_twitter_archive(root)
    assert read_twitter_archive(root, ego="777").ego == "777"


def test_legacy_csv_without_header_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "tweets.csv").write_text("a,b\n1,2\n")
    assert can_read(ExportFiles(tmp_path)) == "no manifest.js, tweets.js or tweets.csv"


# --------------------------------------------------------------------------- can_read
def test_can_read(tmp_path: Path) -> None:
    root = base_archive(tmp_path / "x", [tweet("1", x_time(2026, 1, 1), "x")])
    assert can_read(ExportFiles(root)) is None
    bare = tmp_path / "bare"
    write_js(bare / "tweet.js", "YTD.tweet.part0", [])
    assert can_read(ExportFiles(bare)) is None
    other = tmp_path / "other"
    other.mkdir()
    (other / "outbox.json").write_text("{}")
    (other / "tweets.js").write_text("console.log('not an archive')")
    assert can_read(ExportFiles(other)) == "no manifest.js, tweets.js or tweets.csv"


def test_every_synthetic_tweet_accounted(tmp_path: Path) -> None:
    tweets = [tweet(str(i), x_time(2026, 1, 1 + i % 9), "t") for i in range(1, 30)]
    tweets.append({"no": "id"})
    tweets.append(tweet("31", "yesterday", "bad date"))
    root = base_archive(tmp_path, tweets)
    raw = scan(root / "data" / "tweets.js")
    a = read_twitter_archive(root)
    assert len(a.posts) + dropped(a, "tweets.js") == len(raw) == 31
    assert re.fullmatch(r"\d+", a.posts["post_id"].iloc[0])


@pytest.mark.parametrize("n_before", [0, 2500])
def test_corrupt_position_is_exact(tmp_path: Path, n_before: int) -> None:
    good = [tweet(str(10_000 + i), x_time(2026, 1, 1), "ü" * 400) for i in range(n_before)]
    root = base_archive(tmp_path, [*good, tweet("99", x_time(2026, 1, 2), "BROKEN")])
    path = root / "data" / "tweets.js"
    text = path.read_text(encoding="utf-8").replace('"BROKEN"', "BROKEN")
    path.write_text(text, encoding="utf-8")
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "BROKEN" in line)
    col = text.splitlines()[line_no - 1].index("BROKEN") + 1
    with pytest.raises(CorruptExportError, match=rf"tweets\.js .*line {line_no} column {col}\b"):
        read_twitter_archive(root)


def test_without_text_and_without_follow_lists(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_account(data)
    write_js(
        data / "tweets.js",
        "YTD.tweets.part0",
        [{"tweet": tweet("1", x_time(2026, 1, 1), "hello &lt;3")}],
    )
    write_manifest(data, {"account": [("account.js", 1)], "tweets": [("tweets.js", 1)]})
    a = read_twitter_archive(tmp_path, text=False)
    assert "text" not in a.posts.columns and len(a.posts) == 1
    led = a.ledger[a.ledger["record_kind"] == "follow list"]
    assert sorted(led["source"]) == ["follower.js", "following.js"]
    assert (led["action"] == "flagged").all()


def test_manifest_without_index_falls_back_to_files(tmp_path: Path) -> None:
    root = base_archive(tmp_path, [tweet("1", x_time(2026, 1, 1), "x")])
    (root / "data" / "manifest.js").write_text(
        'window.__THAR_CONFIG = {"userInfo": {"accountId": "5"}}'
    )
    a = read_twitter_archive(root)
    assert a.ego == EGO  # account.js wins over the manifest
    assert len(a.posts) == 1 and len(a.follows) == 4


def test_damaged_manifest(tmp_path: Path) -> None:
    root = base_archive(tmp_path, [tweet("1", x_time(2026, 1, 1), "x")])
    (root / "data" / "manifest.js").write_text('window.__THAR_CONFIG = {"userInfo": ')
    with pytest.raises(CorruptExportError, match=r"manifest\.js"):
        read_twitter_archive(root)


def test_load_dispatches_to_this_reader(sample: em.Archive, sample_dir: Path) -> None:
    assert_same(em.load(sample_dir), sample)
