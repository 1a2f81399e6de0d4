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
            .str.fullmatch(r"at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.(post|repost)/[2-7a-z]{13}")
            .all()
        )
        reposts = a.posts[a.posts["kind"] == "repost"]["post_id"]
        assert reposts.str.contains("/app.bsky.feed.repost/", regex=False).all()
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


# ----------------------------------------------------------------------------- writers
# Expected values come from the generator's tables (the truth the files were written
# from) or from the files themselves, scanned here with json / regex / libipld; the
# platform readers are other modules, so a round trip checks writer and reader
# against each other and against FORMATS.md.
import gzip  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import zipfile  # noqa: E402

from engagemetrics.datasets import (  # noqa: E402
    demo_export,
    write_activity_log,
    write_bluesky_repo,
    write_export,
    write_instagram_export,
    write_linkedin_export,
    write_mastodon_archive,
    write_twitter_archive,
)

SMALL = {"seed": 7, "n_accounts": 300, "n_posts": 400}


@pytest.fixture(scope="module")
def accounts() -> dict[str, em.Archive]:
    return {p: generate_account(platform=p, **SMALL) for p in em.datasets.PLATFORMS}


def _ytd(text: str) -> list:
    """Parse a ``window.YTD.x.part0 = [...]`` file the robust way FORMATS.md 1.2 gives."""
    return json.loads(text.split("=", 1)[1].strip().rstrip(";"))


def _kind_counts(archive: em.Archive, *, with_direct: bool) -> dict[str, int]:
    mine = _ego_posts(archive)
    if not with_direct:
        mine = mine[mine["visibility"].astype(object) != "direct"]
    return mine["kind"].astype(str).value_counts().to_dict()


def _ego_interactions(archive: em.Archive, kind: str, *, with_direct: bool) -> pd.DataFrame:
    it = archive.interactions
    out = it[(it["actor"] == archive.ego) & (it["kind"] == kind)]
    if not with_direct:
        out = out[out["visibility"].astype(object) != "direct"]
    return out


def _pairs(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(zip(frame["post_id"], frame["target"], strict=True))


# ---- X
def test_twitter_files_follow_formats(accounts, tmp_path):
    a = accounts["twitter"]
    path = write_twitter_archive(a, tmp_path / "twitter-2026-01-01-abc.zip")
    zf = zipfile.ZipFile(path)
    manifest_text = zf.read("data/manifest.js").decode()
    assert manifest_text.startswith("window.__THAR_CONFIG = {")
    manifest = json.loads(manifest_text.split("=", 1)[1])
    assert manifest["userInfo"]["accountId"] == a.ego
    for entry in manifest["dataTypes"].values():
        for part in entry["files"]:
            items = _ytd(zf.read(part["fileName"]).decode())
            assert part["count"] == str(len(items))
            assert part["globalName"].startswith("YTD.")
    tweets_text = zf.read("data/tweets.js").decode()
    assert tweets_text.startswith("window.YTD.tweets.part0 = [\n  {\n")
    tweets = [item["tweet"] for item in _ytd(tweets_text)]
    assert len(tweets) == len(_ego_posts(a)) - int((_ego_posts(a)["visibility"] == "direct").sum())
    x_time = re.compile(
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \+0000 \d{4}"
    )

    def numbers_are_strings(value):
        if isinstance(value, dict):
            return all(numbers_are_strings(v) for v in value.values())
        if isinstance(value, list):
            return all(numbers_are_strings(v) for v in value)
        return not isinstance(value, (int, float)) or isinstance(value, bool)

    assert all(numbers_are_strings(t) for t in tweets)
    assert all(x_time.fullmatch(t["created_at"]) for t in tweets)
    assert all(t["retweeted"] is False for t in tweets)
    rts = [t for t in tweets if t["full_text"].startswith("RT @")]
    assert len(rts) == _kind_counts(a, with_direct=False)["repost"]
    assert all(t["entities"]["user_mentions"][0]["indices"][0] == "3" for t in rts)
    # HTML escaping: no raw "<" or a bare "&" that is not an entity
    assert any("&amp;" in t["full_text"] or "&lt;" in t["full_text"] for t in tweets)
    assert not any(re.search(r"<|&(?!amp;|lt;|gt;)", t["full_text"]) for t in tweets)
    # Mention indices point at "@handle" in the unescaped text.
    import html

    for t in tweets:
        text = html.unescape(t["full_text"])
        for m in t["entities"]["user_mentions"]:
            start, end = int(m["indices"][0]), int(m["indices"][1])
            assert text[start:end] == "@" + m["screen_name"]
    replies = [t for t in tweets if "in_reply_to_status_id_str" in t]
    threads = [t for t in replies if t["in_reply_to_user_id_str"] == a.ego]
    mention_only = [
        t for t in tweets if "in_reply_to_user_id_str" in t and "in_reply_to_status_id_str" not in t
    ]
    counts = _kind_counts(a, with_direct=False)
    assert len(threads) == counts["thread"]
    assert len(replies) + len(mention_only) == counts["reply"] + counts["thread"]
    assert len(mention_only) > 0
    quotes = [
        t for t in tweets if any("/status/" in u["expanded_url"] for u in t["entities"]["urls"])
    ]
    assert len(quotes) == counts["quote"]
    follower = _ytd(zf.read("data/follower.js").decode())
    assert {x["follower"]["accountId"] for x in follower} == a.followers()
    assert set(follower[0]["follower"]) == {"accountId", "userLink"}
    dms = _ytd(zf.read("data/direct-messages.js").decode())
    assert sum(len(c["dmConversation"]["messages"]) for c in dms) == int(
        (_ego_posts(a)["visibility"] == "direct").sum()
    )


def test_twitter_round_trip(accounts, tmp_path):
    a = accounts["twitter"]
    back = em.read_twitter_archive(write_twitter_archive(a, tmp_path / "x.zip"))
    assert back.ego == a.ego
    assert back.following() == a.following() and back.followers() == a.followers()
    assert _kind_counts(back, with_direct=True) == _kind_counts(a, with_direct=False)
    assert _pairs(_ego_interactions(back, "mention", with_direct=True)) == _pairs(
        _ego_interactions(a, "mention", with_direct=False)
    )
    for kind in ("reply", "repost"):
        got = _ego_interactions(back, kind, with_direct=True)
        want = _ego_interactions(a, kind, with_direct=False)
        assert _pairs(got) == _pairs(want)
    # A quote is only a status URL: its author is known when the handle is known.
    got = _ego_interactions(back, "quote", with_direct=True)
    want = _ego_interactions(a, "quote", with_direct=False)
    assert set(_pairs(got)) <= set(_pairs(want))


# ---- Mastodon
def test_mastodon_files_follow_formats(accounts, tmp_path):
    a = accounts["mastodon"]
    path = write_mastodon_archive(a, tmp_path / "archive-20260101000000-0123.zip")
    zf = zipfile.ZipFile(path)
    outbox = json.loads(zf.read("outbox.json"))
    assert outbox["type"] == "OrderedCollection"
    items = outbox["orderedItems"]
    counts = _kind_counts(a, with_direct=True)
    assert sum(i["type"] == "Announce" for i in items) == counts["repost"]
    assert sum(i["type"] == "Create" for i in items) == len(_ego_posts(a)) - counts["repost"]
    assert all("@context" not in i for i in items)
    published = [i["published"] for i in items]
    assert published == sorted(published)  # oldest first
    public = "https://www.w3.org/ns/activitystreams#Public"
    vis = {"public": 0, "unlisted": 0, "followers": 0, "direct": 0}
    for i in items:
        if i["type"] != "Create":
            continue
        obj = i["object"]
        if public in obj["to"]:
            vis["public"] += 1
        elif public in obj["cc"]:
            vis["unlisted"] += 1
        elif any(x.endswith("/followers") for x in obj["to"]):
            vis["followers"] += 1
        else:
            vis["direct"] += 1
    mine = _ego_posts(a)
    want = mine[mine["kind"] != "repost"]["visibility"].astype(str).value_counts().to_dict()
    assert {k: v for k, v in vis.items() if v} == want
    likes = json.loads(zf.read("likes.json"))
    assert "totalItems" not in likes and len(likes["orderedItems"]) == 200
    following = (tmp_path / "following_accounts.csv").read_text().splitlines()
    assert following[0] == "Account address,Show boosts,Notify on new posts,Languages"
    handle = dict(zip(a.accounts["account_id"], a.accounts["handle"], strict=True))
    assert {line.split(",")[0] for line in following[1:]} == {handle[x] for x in a.following()}


def test_mastodon_round_trip(accounts, tmp_path):
    a = accounts["mastodon"]
    path = write_mastodon_archive(a, tmp_path / "archive.zip")
    back = em.read_mastodon_archive(
        path,
        following=tmp_path / "following_accounts.csv",
        followers=tmp_path / "follower_accounts.csv",
    )
    assert back.ego == a.ego
    # The reader keeps an acct as the id unless the outbox revealed its URI: compare accts.
    handle = dict(zip(a.accounts["account_id"], a.accounts["handle"], strict=True))

    def acct(x: str) -> str:
        return handle.get(x, x)

    assert {acct(x) for x in back.following()} == {handle[x] for x in a.following()}
    assert {acct(x) for x in back.followers()} == {handle[x] for x in a.followers()}
    assert _kind_counts(back, with_direct=True) == _kind_counts(a, with_direct=True)
    mine = _ego_posts(a).set_index("post_id")["visibility"].astype(str)
    got = back.posts.set_index("post_id")["visibility"].astype(str)
    pd.testing.assert_series_equal(got.sort_index(), mine.sort_index(), check_names=False)
    for kind in ("mention", "reply", "repost", "quote", "like"):
        got_pairs = _ego_interactions(back, kind, with_direct=True)
        want_pairs = _ego_interactions(a, kind, with_direct=True)
        if kind == "like":  # likes.json has status URIs only: compare targets
            assert sorted(got_pairs["target"]) == sorted(want_pairs["target"])
        else:
            assert _pairs(got_pairs) == _pairs(want_pairs)


# ---- Bluesky
def _walk_mst_checking_layers(blocks, cid, expected=None):
    """Keys in walk order; asserts every entry of a node sits at the node's layer (leading
    zero bits of SHA-256(key) counted in pairs) and every subtree one layer lower."""
    node = blocks[cid]

    def layer_of(key: bytes) -> int:
        bits = "".join(f"{b:08b}" for b in hashlib.sha256(key).digest())
        return (len(bits) - len(bits.lstrip("0"))) // 2

    keys, previous = [], b""
    for entry in node["e"]:
        previous = previous[: entry["p"]] + entry["k"]
        keys.append(previous)
    layers = {layer_of(k) for k in keys}
    if keys:
        assert len(layers) == 1
        layer = layers.pop()
        assert expected is None or layer == expected
    else:
        assert expected is not None and node["l"] is not None  # only an intermediate node
        layer = expected
    out = []
    if node["l"] is not None:
        out += _walk_mst_checking_layers(blocks, node["l"], layer - 1)
    for key, entry in zip(keys, node["e"], strict=True):
        out.append(key.decode())
        if entry["t"] is not None:
            out += _walk_mst_checking_layers(blocks, entry["t"], layer - 1)
    return out


def test_bluesky_car_is_valid(accounts, tmp_path):
    libipld = pytest.importorskip("libipld")
    a = accounts["bluesky"]
    data = write_bluesky_repo(a, tmp_path / "repo.car").read_bytes()
    header, blocks = libipld.decode_car(data)
    assert header["version"] == 1
    commit = blocks[header["roots"][0]]
    assert commit["did"] == a.ego and commit["version"] == 3 and commit["prev"] is None
    # Every CID is the sha2-256 of its block: re-read the raw CAR sections independently.
    pos = 0

    def varint():
        nonlocal pos
        shift = value = 0
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    length = varint()
    pos += length
    n_blocks = 0
    while pos < len(data):
        length = varint()
        section = data[pos : pos + length]
        pos += length
        cid, block = section[:36], section[36:]
        assert cid[:4] == b"\x01\x71\x12\x20" and cid[4:] == hashlib.sha256(block).digest()
        n_blocks += 1
    assert n_blocks == len(blocks)
    keys = _walk_mst_checking_layers(blocks, commit["data"])
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    collections = pd.Series([k.split("/")[0] for k in keys]).value_counts().to_dict()
    counts = _kind_counts(a, with_direct=False)
    assert collections["app.bsky.graph.follow"] == len(a.following())
    assert collections["app.bsky.feed.repost"] == counts["repost"]
    assert collections["app.bsky.feed.post"] == sum(counts.values()) - counts["repost"]
    assert collections["app.bsky.feed.like"] == 200
    # Facets are UTF-8 byte offsets that cover "@handle".
    handles = set(a.accounts["handle"])
    n_facets = 0
    for key in keys:
        if not key.startswith("app.bsky.feed.post/"):
            continue
        entry = _record_of(blocks, commit["data"], key)
        raw = entry["text"].encode("utf-8")
        for facet in entry.get("facets", []):
            piece = raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
            assert piece.startswith("@") and piece[1:] in handles
            n_facets += 1
    assert n_facets > 0
    # Strong refs to the ego's own records carry those records' real CIDs.
    cid_of = _record_cids(blocks, commit["data"])
    checked = 0
    for cid in cid_of.values():
        record = blocks[cid]
        reply = record.get("reply") if isinstance(record, dict) else None
        if not reply:
            continue
        parent = reply["parent"]["uri"]
        prefix = f"at://{a.ego}/"
        if parent.startswith(prefix):
            assert reply["parent"]["cid"] == libipld.encode_cid(cid_of[parent[len(prefix) :]])
            checked += 1
    assert checked == _kind_counts(a, with_direct=False)["thread"]


def _record_cids(blocks, root):
    """Every key of the MST with its record CID (test helper)."""
    out, stack = {}, [root]
    while stack:
        node = blocks[stack.pop()]
        if node["l"] is not None:
            stack.append(node["l"])
        previous = b""
        for entry in node["e"]:
            previous = previous[: entry["p"]] + entry["k"]
            out[previous.decode()] = entry["v"]
            if entry["t"] is not None:
                stack.append(entry["t"])
    return out


def _record_of(blocks, root, wanted):
    """Find one record by key with a plain in-order walk (test helper)."""
    stack = [root]
    while stack:
        node = blocks[stack.pop()]
        if node["l"] is not None:
            stack.append(node["l"])
        previous = b""
        for entry in node["e"]:
            key = previous[: entry["p"]] + entry["k"]
            previous = key
            if key.decode() == wanted:
                return blocks[entry["v"]]
            if entry["t"] is not None:
                stack.append(entry["t"])
    raise AssertionError(wanted)


def test_bluesky_round_trip(accounts, tmp_path):
    a = accounts["bluesky"]
    back = em.read_bluesky_repo(write_bluesky_repo(a, tmp_path / "repo.car"))
    assert back.ego == a.ego
    assert back.following() == a.following()
    f = back.follows.set_index("target")["followed_at"].sort_index()
    g = a.follows[a.follows["source"] == a.ego].set_index("target")["followed_at"].sort_index()
    pd.testing.assert_series_equal(f, g, check_names=False)
    assert _kind_counts(back, with_direct=True) == _kind_counts(a, with_direct=False)
    mine = _ego_posts(a)
    mine = mine[mine["visibility"] != "direct"]
    assert set(back.posts["post_id"]) == set(mine["post_id"])
    for kind in ("mention", "reply", "repost", "quote"):
        assert _pairs(_ego_interactions(back, kind, with_direct=True)) == _pairs(
            _ego_interactions(a, kind, with_direct=False)
        )
    assert _pairs(_ego_interactions(back, "like", with_direct=True)) == _pairs(
        _ego_interactions(a, "like", with_direct=True)
    )


# ---- Instagram, LinkedIn, SNAP
def test_instagram_files_and_round_trip(accounts, tmp_path):
    a = accounts["instagram"]
    path = write_instagram_export(a, tmp_path / "ig.zip", style="2025", per_file=50)
    zf = zipfile.ZipFile(path)
    folder = "connections/followers_and_following/"
    parts = sorted(n for n in zf.namelist() if n.startswith(folder + "followers_"))
    assert len(parts) == -(-len(a.followers()) // 50)
    followers = [x for p in parts for x in json.loads(zf.read(p))]
    assert {x["string_list_data"][0]["value"] for x in followers} == a.followers()
    following = json.loads(zf.read(folder + "following.json"))["relationships_following"]
    assert {x["title"] for x in following} == a.following()
    assert all("/_u/" in x["string_list_data"][0]["href"] for x in following)
    back = em.load(path)
    assert back.platform == "instagram" and back.ego == a.ego
    assert back.following() == a.following() and back.followers() == a.followers()
    key = ["source", "target"]
    got = back.follows.sort_values(key).reset_index(drop=True)
    want = a.follows[(a.follows["source"] == a.ego) | (a.follows["target"] == a.ego)]
    want = want.sort_values(key).reset_index(drop=True)
    pd.testing.assert_series_equal(got["followed_at"], want["followed_at"])


def test_linkedin_file_and_round_trip(accounts, tmp_path):
    a = accounts["linkedin"]
    path = write_linkedin_export(a, tmp_path / "Basic_LinkedInDataExport_01-01-2026.zip")
    text = zipfile.ZipFile(path).read("Connections.csv").decode()
    lines = text.split("\r\n")
    assert lines[0] == "Notes:" and lines[3].startswith("First Name,Last Name,URL,")
    rows = [line for line in lines[4:] if line]
    assert len(rows) == len(a.following())
    assert all(re.search(r",\d\d [A-Z][a-z]{2} \d{4}$", r) for r in rows)
    assert not any(re.search(r"@(?!example\.com)", r) for r in rows)  # only fake e-mails
    back = em.read_linkedin_export(path, ego=a.ego)
    assert back.following() == a.following() == back.followers()
    dates = back.follows[back.follows["source"] == a.ego].set_index("target")["followed_at"]
    ours = a.follows[a.follows["target"] == a.ego].set_index("source")["followed_at"]
    theirs = a.follows[a.follows["source"] == a.ego].set_index("target")["followed_at"]
    later = np.maximum(ours.sort_index(), theirs.sort_index()).dt.normalize()
    pd.testing.assert_series_equal(dates.sort_index(), later, check_names=False)


def test_activity_log_file_and_round_trip(accounts, tmp_path):
    a = accounts["twitter"]
    path = write_activity_log(a, tmp_path / "log.txt.gz")
    lines = gzip.open(path, "rt").read().splitlines()
    parts = [line.split(" ") for line in lines]
    assert all(len(p) == 4 and p[0].isdigit() and p[1].isdigit() for p in parts)
    times = [int(p[2]) for p in parts]
    assert times == sorted(times)
    kinds = a.interactions["kind"].astype(str).value_counts()
    got = pd.Series([p[3] for p in parts]).value_counts()
    assert got["RT"] == kinds["repost"] + kinds["quote"]
    assert got["RE"] == kinds["reply"]
    assert got["MT"] == kinds["mention"] + kinds["reply"]  # SNAP's MT beside every RE
    back = em.read_activity_log(path)
    assert len(back.interactions) == len(lines)


# ---- dispatch, demo_export, determinism
def test_write_export_dispatch_and_errors(accounts, tmp_path):
    a = accounts["twitter"]
    assert write_export(a, tmp_path / "a.zip", platform="twitter").exists()
    with pytest.raises(InvalidArgumentError, match="platform"):
        write_export(a, tmp_path / "a.zip", platform="x")  # one name per platform
    with pytest.raises(InvalidArgumentError, match="platform"):
        write_export(a, tmp_path / "a.zip", platform="myspace")
    with pytest.raises(em.NoEgoError):
        write_twitter_archive(em.Archive(), tmp_path / "b.zip")
    with pytest.raises(InvalidArgumentError):
        write_instagram_export(a, tmp_path / "c.zip", style="1999")


def test_writers_are_reproducible(accounts, tmp_path):
    for platform, name in (("twitter", "x.zip"), ("bluesky", "repo.car")):
        first = write_export(accounts[platform], tmp_path / "1" / name, platform=platform)
        second = write_export(accounts[platform], tmp_path / "2" / name, platform=platform)
        assert first.read_bytes() == second.read_bytes()


def test_demo_export_loads(tmp_path):
    path = demo_export("twitter", tmp_path)
    assert re.fullmatch(r"twitter-2026-01-01-[0-9a-f]{64}\.zip", path.name)
    back = em.load(path)
    assert (len(back.following()), len(back.followers())) == (300, 600)
    demo = em.datasets.demo()
    assert _kind_counts(back, with_direct=True) == _kind_counts(demo, with_direct=False)


@pytest.mark.parametrize("source", em.datasets.PLATFORMS)
@pytest.mark.parametrize("target", ["twitter", "mastodon", "bluesky", "instagram", "linkedin"])
def test_any_archive_writes_as_any_platform(source, target, tmp_path):
    """Ids of another platform get stand-ins of the target's shape; the follow graph survives."""
    a = generate_account(seed=4, n_accounts=60, n_posts=60, platform=source)
    name = {"bluesky": "repo.car"}.get(target, "export.zip")
    path = write_export(a, tmp_path / name, platform=target)
    if target == "mastodon":
        back = em.read_mastodon_archive(path, following=tmp_path / "following_accounts.csv")
    else:
        back = em.load(path)
    mutual = a.following() & a.followers()
    expected = len(mutual) if target == "linkedin" else len(a.following())
    assert len(back.following()) == expected
    if target in ("twitter", "mastodon", "bluesky"):
        mine = _ego_posts(a)
        written = mine if target == "mastodon" else mine[mine["visibility"] != "direct"]
        assert len(back.posts) == len(written)
        # Nothing is lost but what the format cannot carry: X's like.js has no author.
        assert not (mine["visibility"] == "direct").any()  # too small for DMs
        n_likes = len(_ego_interactions(a, "like", with_direct=True))
        # (files the reader does not read, such as X's "Your archive.html", are counted
        # in the ledger as files, not records)
        led = back.ledger
        dropped = led.loc[(led["action"] == "dropped") & (led["record_kind"] != "file"), "count"]
        assert int(dropped.sum()) == (n_likes if target == "twitter" else 0)


@pytest.mark.parametrize("platform", em.datasets.PLATFORMS)
@pytest.mark.parametrize(
    ("n_posts", "end"), [(0, "2025-01-02"), (5, "2025-01-02"), (1000, "2025-01-02")]
)
def test_small_and_crowded_windows(platform, n_posts, end):
    """The ego writes exactly n_posts items inside the window, each after its parent."""
    a = generate_account(
        seed=1, n_accounts=30, n_posts=n_posts, start="2025-01-01", end=end, platform=platform
    )
    assert len(_ego_posts(a)) == n_posts
    assert (a.posts["created_at"] < pd.Timestamp(end, tz="UTC")).all()
    linked = a.posts.merge(a.posts, left_on="parent_id", right_on="post_id", suffixes=("", "_p"))
    assert (linked["created_at"] > linked["created_at_p"]).all()


def test_demo_previous_is_the_demo_a_quarter_earlier_with_the_documented_changes(demo):
    older = em.datasets.demo_previous()
    ego = demo.ego
    start = pd.Timestamp("2025-10-01", tz="UTC")
    assert older.ego == ego and older.exported_at == start
    assert older.posts["created_at"].max() < start <= demo.posts["created_at"].max()
    assert len(older.posts) == int((demo.posts["created_at"] < start).sum())

    def side(archive, column):
        f = archive.follows
        other = "source" if column == "target" else "target"
        return set(f.loc[f[column] == ego, other])

    new_followers = side(demo, "target") - side(older, "target")
    log = demo.interactions
    engaged = set(log.loc[(log["actor"] == ego) & (log["created_at"] >= start)
                          & log["kind"].isin(["reply", "mention", "repost", "quote"]), "target"])
    followers = side(demo, "target")
    # the docstring: half of the followers engaged in the quarter, a tenth of the others
    assert len(new_followers & engaged) == round(0.5 * len(followers & engaged))
    assert len(new_followers - engaged) == round(0.1 * len(followers - engaged))
    assert len(side(older, "target") - followers) == 30
    assert len(side(demo, "source") - side(older, "source")) == 20
    assert len(side(older, "source") - side(demo, "source")) == 12
    # the other accounts' follows are the demo's
    others = lambda a: a.follows[(a.follows["source"] != ego) & (a.follows["target"] != ego)]  # noqa: E731
    assert len(others(older)) == len(others(demo))
    # deterministic
    pd.testing.assert_frame_equal(em.datasets.demo_previous().follows, older.follows)
