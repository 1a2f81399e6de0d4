"""Tests of the Bluesky CAR reader on the real sample repos and on synthetic CARs."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

import libipld
import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.exceptions import CorruptExportError, InvalidArgumentError
from engagemetrics.io._container import ExportFiles
from engagemetrics.io.bluesky import can_read, read_bluesky_repo, tid_to_timestamp

EGO = "did:plc:egoegoegoegoegoegoegoego"


# --------------------------------------------------------------------------- CAR builder
def _cid(block: bytes) -> bytes:
    return b"\x01q\x12 " + hashlib.sha256(block).digest()  # CIDv1, dag-cbor, sha2-256


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def build_car(
    records: dict[str, dict[str, Any]],
    *,
    did: str = EGO,
    drop: set[str] = frozenset(),  # type: ignore[assignment]
    root_override: bytes | None = None,
) -> bytes:
    """A CARv1 of a v3 repo with one flat MST node holding ``records`` (key -> record).

    Keys named in ``drop`` keep their MST entry but lose their record block (a partial CAR).
    """
    blocks: list[bytes] = []
    entries = []
    previous = b""
    for key in sorted(records):
        block = libipld.encode_dag_cbor(records[key])
        kb = key.encode()
        shared = 0
        while shared < min(len(kb), len(previous)) and kb[shared] == previous[shared]:
            shared += 1
        entries.append({"p": shared, "k": kb[shared:], "v": _cid(block), "t": None})
        previous = kb
        if key not in drop:
            blocks.append(block)
    node = libipld.encode_dag_cbor({"l": None, "e": entries})
    commit = libipld.encode_dag_cbor(
        {
            "did": did,
            "version": 3,
            "data": _cid(node),
            "rev": "3kly627gj4k2v",
            "prev": None,
            "sig": b"\x00",
        }
    )
    root = root_override if root_override is not None else _cid(commit)
    header = libipld.encode_dag_cbor({"version": 1, "roots": [root]})
    out = _varint(len(header)) + header
    for block in [commit, node, *blocks]:
        cid = _cid(block)
        out += _varint(len(cid) + len(block)) + cid + block
    return out


def _post(text: str, created: str = "2024-02-22T04:44:48.360Z", **extra: Any) -> dict:
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": created, **extra}


# --------------------------------------------------------------------------- independent oracle
def _typed_blocks(path: Path) -> list[dict]:
    """Every decoded block with a $type, found without walking the MST."""
    _header, blocks = libipld.decode_car(path.read_bytes())
    return [b for b in blocks.values() if isinstance(b, dict) and "$type" in b]


def _commit_did(path: Path) -> str:
    header, blocks = libipld.decode_car(path.read_bytes())
    return blocks[header["roots"][0]]["did"]


def _author(uri: str) -> str:
    return uri.split("/")[2]


SAMPLE_NAMES = [
    "bnewbold.robocracy.org.20250310005405.car",
    "paul_staging.repo.car",
    "greenground.repo.car",
    "msttest-06-reply.car",
]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_posts_kinds_and_links_follow_from_the_blocks(samples: Path, name: str) -> None:
    path = samples / "bluesky" / name
    blocks = _typed_blocks(path)
    ego = _commit_did(path)
    posts = [b for b in blocks if b["$type"] == "app.bsky.feed.post"]
    replies = [p for p in posts if "reply" in p]
    threads = [p for p in replies if _author(p["reply"]["parent"]["uri"]) == ego]
    quotes = [
        p
        for p in posts
        if "reply" not in p
        and p.get("embed", {}).get("$type")
        in ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia")
    ]
    reposts = [b for b in blocks if b["$type"] == "app.bsky.feed.repost"]
    likes = [b for b in blocks if b["$type"] == "app.bsky.feed.like"]

    archive = read_bluesky_repo(path)
    assert archive.ego == ego
    assert archive.platform == "bluesky"
    kinds = archive.posts["kind"].value_counts()
    assert len(archive.posts) == len(posts) + len(reposts)
    assert kinds["thread"] == len(threads)
    assert kinds["reply"] == len(replies) - len(threads)
    assert kinds["quote"] == len(quotes)
    assert kinds["repost"] == len(reposts)
    assert (archive.posts["author"] == ego).all()
    assert archive.posts["post_id"].str.startswith(f"at://{ego}/").all()
    likes_table = archive.interactions[archive.interactions["kind"] == "like"]
    assert len(likes_table) == len(likes)
    assert sorted(likes_table["post_id"]) == sorted(b["subject"]["uri"] for b in likes)
    assert sorted(likes_table["target"]) == sorted(_author(b["subject"]["uri"]) for b in likes)


def test_bnewbold_counts_from_readme(samples: Path) -> None:
    path = samples / "bluesky" / "bnewbold.robocracy.org.20250310005405.car"
    archive = read_bluesky_repo(path)
    kinds = archive.posts["kind"].value_counts()
    # README: 38 records: 23 posts, 2 replies, a quote, 3 follows, likes, a repost.
    assert kinds["post"] + kinds["reply"] + kinds["thread"] + kinds["quote"] == 23
    assert kinds["reply"] + kinds["thread"] == 2
    assert kinds["quote"] == 1
    assert kinds["repost"] == 1
    assert len(archive.follows) == 3
    assert (archive.follows["source"] == archive.ego).all()
    assert archive.follows["followed_at"].notna().all()
    # The non-Bluesky collections are counted, none silently skipped: 38 records in all.
    led = archive.ledger
    not_taken = led[(led["action"] == "dropped")]
    assert set(not_taken["record_kind"]) == {
        "blue.linkat.board",
        "com.atproto.lexicon.record",
        "com.atproto.lexicon.schema",
        "net.bnewbold.demo.mushroom",
    }
    n_likes = int((archive.interactions["kind"] == "like").sum())
    taken = 23 + 1 + 3 + n_likes + 1  # posts, repost, follows, likes, profile
    assert taken + int(not_taken["count"].sum()) == 38
    # Display name from the profile; exported_at from the file name.
    ego_row = archive.accounts[archive.accounts["account_id"] == archive.ego]
    assert ego_row["display_name"].iloc[0] == "now roaming free"
    assert archive.exported_at == pd.Timestamp("2025-03-10 00:54:05", tz="UTC")


def test_mentions_match_facets_and_entities(samples: Path) -> None:
    for name in SAMPLE_NAMES:
        path = samples / "bluesky" / name
        expected = Counter()
        for block in _typed_blocks(path):
            if block["$type"] != "app.bsky.feed.post":
                continue
            targets = {
                f["did"]
                for facet in block.get("facets", [])
                for f in facet["features"]
                if f["$type"] == "app.bsky.richtext.facet#mention"
            } | {
                e["value"]
                for e in block.get("entities", [])
                if e["type"] == "mention" and e["value"].startswith("did:")
            }
            parent = block.get("reply", {}).get("parent", {}).get("uri")
            targets.discard(_author(parent) if parent else None)  # a reply's @parent is no mention
            expected.update(targets)
        archive = read_bluesky_repo(path)
        got = Counter(archive.interactions.loc[archive.interactions["kind"] == "mention", "target"])
        assert got == expected, name


def test_paul_staging_v2(samples: Path) -> None:
    path = samples / "bluesky" / "paul_staging.repo.car"
    archive = read_bluesky_repo(path)
    kinds = archive.posts["kind"].value_counts()
    # README: 101 posts (19 replies), 60 likes, 15 reposts, 8 follows.
    assert len(archive.posts) - kinds["repost"] == 101
    assert kinds["reply"] + kinds["thread"] == 19
    assert kinds["repost"] == 15
    assert int((archive.interactions["kind"] == "like").sum()) == 60
    assert len(archive.follows) == 8
    assert archive.exported_at is None  # a v2 commit has no rev and the name no stamp
    # The file also holds blocks of earlier commits; each is counted, by type.
    all_blocks = Counter(b["$type"] for b in _typed_blocks(path))
    led = archive.ledger
    outside = led[led["reason"].str.startswith("record block not in the current tree")]
    outside_counts = dict(zip(outside["record_kind"], outside["count"], strict=True))
    assert outside_counts["app.bsky.graph.follow"] == all_blocks["app.bsky.graph.follow"] - 8
    assert outside_counts["app.bsky.feed.vote"] == all_blocks["app.bsky.feed.vote"]
    # Every typed block is in a table (the profile in accounts) or in the ledger.
    taken = 101 + 15 + 60 + 8 + 1
    assert taken + int(outside["count"].sum()) == sum(all_blocks.values())
    # recordWithMedia quotes have their parent set from embed.record.record.
    quotes = archive.posts[archive.posts["kind"] == "quote"]
    assert quotes["parent_id"].str.startswith("at://did:").all()


def test_greenground_two_follows(samples: Path) -> None:
    archive = read_bluesky_repo(samples / "bluesky" / "greenground.repo.car")
    assert len(archive.follows) == 2
    assert len(archive.posts) == 0
    assert archive.follows["target"].str.startswith("did:").all()


def test_msttest_self_reply_is_a_thread(samples: Path) -> None:
    archive = read_bluesky_repo(samples / "bluesky" / "msttest-06-reply.car")
    assert archive.posts["kind"].value_counts()[["post", "thread"]].tolist() == [1, 1]
    thread = archive.posts[archive.posts["kind"] == "thread"].iloc[0]
    first = archive.posts[archive.posts["kind"] == "post"].iloc[0]
    assert thread["parent_id"] == first["post_id"]
    assert thread["root_author"] == archive.ego
    assert int((archive.interactions["kind"] == "like").sum()) == 1
    assert archive.accounts.set_index("account_id").loc[archive.ego, "display_name"] == "msttest"


def test_repo_slice_partial_car_is_counted(samples: Path) -> None:
    path = samples / "bluesky" / "repo_slice.car"
    archive = read_bluesky_repo(path)
    assert len(archive.posts) == 1
    led = archive.ledger.set_index(["record_kind", "reason"])["count"]
    assert led[("app.bsky.feed.post", "record block missing from a partial CAR")] == 3


# --------------------------------------------------------------------------- synthetic quirks
def test_facet_byte_offsets_after_non_ascii_text(tmp_path: Path) -> None:
    text = "Grüße 🌍 an @anna.example heute"
    start = len(text[: text.index("@")].encode("utf-8"))  # bytes, not characters
    end = start + len(b"@anna.example")
    assert start != text.index("@")  # the quirk: byte and character offsets differ
    good = _post(
        text,
        facets=[
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:anna"}],
            }
        ],
    )
    char_based = _post(
        text,
        facets=[
            {
                "index": {"byteStart": text.index("@"), "byteEnd": text.index("@") + 13},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:bert"}],
            }
        ],
    )
    car = tmp_path / "repo.car"
    car.write_bytes(
        build_car(
            {
                "app.bsky.feed.post/3kly6hoz7is2v": good,
                "app.bsky.feed.post/3kly6hoz7is2w": char_based,
            }
        )
    )
    archive = read_bluesky_repo(car)
    mentions = archive.interactions[archive.interactions["kind"] == "mention"]
    assert sorted(mentions["target"]) == ["did:plc:anna", "did:plc:bert"]
    handles = archive.accounts.set_index("account_id")["handle"]
    assert handles["did:plc:anna"] == "anna.example"
    assert pd.isna(handles["did:plc:bert"])
    flagged = archive.ledger[archive.ledger["reason"].str.contains("does not start with '@'")]
    assert flagged["count"].sum() == 1
    assert (flagged["action"] == "flagged").all()


def test_created_at_with_offset_and_unparseable(tmp_path: Path) -> None:
    records = {
        "app.bsky.graph.follow/3kly627gj4k2v": {
            "$type": "app.bsky.graph.follow",
            "subject": "did:plc:bob",
            "createdAt": "2023-04-26T00:09:58-07:00",
        },
        "app.bsky.feed.post/3kly5whjwmc2v": _post("tid clock", created="yesterday-ish"),
        "app.bsky.feed.post/notatid": _post("no clock at all", created="31/02/2024"),
        "app.bsky.feed.post/3kly5whjwmc2w": _post("fine", created="2024-02-22T04:35:10+05:30"),
    }
    archive = read_bluesky_repo(build_car(records))
    assert archive.follows["followed_at"].iloc[0] == pd.Timestamp("2023-04-26 07:09:58", tz="UTC")
    by_text = archive.posts.set_index("text")["created_at"]
    assert by_text["fine"] == pd.Timestamp("2024-02-21 23:05:10", tz="UTC")
    # The TID 3kly5whjwmc2v encodes 2024-02-22; the record's own createdAt was garbage.
    assert by_text["tid clock"].date() == pd.Timestamp("2024-02-22").date()
    assert "no clock at all" not in by_text.index
    led = archive.ledger
    assert (
        led.loc[led["reason"].str.contains("used the time in the record key"), "count"].sum() == 1
    )
    assert led.loc[led["reason"].str.contains("created_at missing"), "count"].sum() == 1


def test_tid_decoding_hand_value() -> None:
    # 3jzfcijpj2z2a is the AT Protocol spec's example TID; its microseconds >> 10 bits.
    value = 0
    for c in "3jzfcijpj2z2a":
        value = value * 32 + "234567abcdefghijklmnopqrstuvwxyz".index(c)
    expected = pd.Timestamp(value >> 10, unit="us", tz="UTC")
    assert tid_to_timestamp("3jzfcijpj2z2a") == expected
    assert expected.year == 2023
    assert tid_to_timestamp("self") is None


def test_kinds_quote_repost_reply_and_ledger(tmp_path: Path) -> None:
    other = "did:plc:other"
    records = {
        "app.bsky.feed.post/3kly5whjwmc2a": _post(
            "quote",
            embed={
                "$type": "app.bsky.embed.record",
                "record": {"uri": f"at://{other}/app.bsky.feed.post/3aaa", "cid": "bafy"},
            },
        ),
        "app.bsky.feed.post/3kly5whjwmc2b": _post(
            "reply+quote",
            reply={
                "root": {"uri": f"at://{other}/app.bsky.feed.post/3r", "cid": "x"},
                "parent": {"uri": f"at://{other}/app.bsky.feed.post/3p", "cid": "x"},
            },
            embed={
                "$type": "app.bsky.embed.recordWithMedia",
                "record": {
                    "$type": "app.bsky.embed.record",
                    "record": {"uri": "at://did:plc:third/app.bsky.feed.post/3q", "cid": "y"},
                },
            },
        ),
        "app.bsky.feed.repost/3kly5whjwmc2c": {
            "$type": "app.bsky.feed.repost",
            "createdAt": "2024-02-22T06:37:22.782Z",
            "subject": {"uri": f"at://{other}/app.bsky.feed.post/3z", "cid": "z"},
        },
        "app.bsky.graph.block/3kly5whjwmc2d": {
            "$type": "app.bsky.graph.block",
            "subject": other,
            "createdAt": "2024-02-22T06:37:22.782Z",
        },
        "xyz.example.thing/3kly5whjwmc2e": {"$type": "xyz.example.thing"},
    }
    archive = read_bluesky_repo(build_car(records))
    posts = archive.posts.set_index("text", drop=False)
    assert posts.loc["quote", "kind"] == "quote"
    assert posts.loc["quote", "parent_author"] == other
    assert posts.loc["reply+quote", "kind"] == "reply"
    assert posts.loc["reply+quote", "root_id"] == f"at://{other}/app.bsky.feed.post/3r"
    repost = archive.posts[archive.posts["kind"] == "repost"].iloc[0]
    assert repost["parent_id"] == f"at://{other}/app.bsky.feed.post/3z"
    assert repost["post_id"] == f"at://{EGO}/app.bsky.feed.repost/3kly5whjwmc2c"
    kinds = Counter(archive.interactions["kind"])
    assert kinds == Counter({"quote": 1, "reply": 1, "repost": 1})
    led = archive.ledger.set_index(["record_kind", "reason"])["count"]
    assert led[("app.bsky.graph.block", "not used")] == 1
    assert led[("xyz.example.thing", "unknown collection")] == 1
    assert any("also quotes" in r for r in archive.ledger["reason"])


def test_legacy_entity_mentions_by_handle() -> None:
    post = _post(
        "hi @carol.test and @dave",
        entities=[
            {"type": "mention", "value": "did:plc:carol", "index": {"start": 3, "end": 14}},
            {"type": "mention", "value": "dave.test", "index": {"start": 19, "end": 24}},
            {"type": "link", "value": "https://x.test", "index": {"start": 0, "end": 1}},
        ],
    )
    car = build_car({"app.bsky.feed.post/3kly5whjwmc2v": post})
    plain = read_bluesky_repo(car)
    assert plain.interactions["target"].tolist() == ["did:plc:carol"]
    assert plain.ledger["reason"].str.contains("cannot be resolved").sum() == 1
    resolved = read_bluesky_repo(car, handles={"dave.test": "did:plc:dave"})
    assert sorted(resolved.interactions["target"]) == ["did:plc:carol", "did:plc:dave"]


def test_partial_synthetic_car_counts_missing_blocks() -> None:
    records = {
        f"app.bsky.feed.like/3kly5whjwmc2{c}": {
            "$type": "app.bsky.feed.like",
            "createdAt": "2024-02-22T06:37:17Z",
            "subject": {"uri": f"at://did:plc:x{c}/app.bsky.feed.post/3a", "cid": "q"},
        }
        for c in "abcd"
    }
    archive = read_bluesky_repo(build_car(records, drop={"app.bsky.feed.like/3kly5whjwmc2b"}))
    assert int((archive.interactions["kind"] == "like").sum()) == 3
    led = archive.ledger.set_index(["record_kind", "reason"])["count"]
    assert led[("app.bsky.feed.like", "record block missing from a partial CAR")] == 1


def test_corrupted_car_names_the_file(tmp_path: Path) -> None:
    good = build_car({"app.bsky.feed.post/3kly5whjwmc2v": _post("x")})
    broken = tmp_path / "broken.car"
    broken.write_bytes(good[:-7])
    with pytest.raises(CorruptExportError, match="broken.car"):
        read_bluesky_repo(broken)
    garbage = tmp_path / "garbage.car"
    garbage.write_bytes(b"\x05hello world")
    with pytest.raises(CorruptExportError, match="garbage.car"):
        read_bluesky_repo(garbage)


def test_root_that_is_not_a_commit(tmp_path: Path) -> None:
    record = _post("I am the root")
    car = build_car(
        {"app.bsky.feed.post/3kly5whjwmc2v": record},
        root_override=_cid(libipld.encode_dag_cbor(record)),
    )
    path = tmp_path / "notrepo.car"
    path.write_bytes(car)
    with pytest.raises(CorruptExportError, match="not a repository commit"):
        read_bluesky_repo(path)
    missing_root = build_car({}, root_override=_cid(b"absent"))
    with pytest.raises(CorruptExportError, match="root block"):
        read_bluesky_repo(missing_root)


def test_bad_argument_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError):
        read_bluesky_repo(42)  # type: ignore[arg-type]
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "repo.car").write_bytes(
        build_car(
            {
                "app.bsky.graph.follow/3kly627gj4k2v": {
                    "$type": "app.bsky.graph.follow",
                    "subject": "did:plc:b",
                    "createdAt": "2024-01-01T00:00:00Z",
                }
            }
        )
    )
    archive = read_bluesky_repo(tmp_path / "export")
    assert archive.follows["target"].tolist() == ["did:plc:b"]
    assert can_read(ExportFiles(tmp_path / "export")) is None
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("nothing")
    assert "no .car" in can_read(ExportFiles(tmp_path / "other"))


def test_lazy_public_name() -> None:
    assert em.read_bluesky_repo is read_bluesky_repo


def test_damaged_mst_entry_names_the_file(tmp_path: Path) -> None:
    node = libipld.encode_dag_cbor({"l": None, "e": [{"k": b"app.bsky.feed.post/x"}]})
    commit = libipld.encode_dag_cbor(
        {"did": EGO, "version": 3, "data": _cid(node), "rev": "3kly627gj4k2v", "prev": None}
    )
    header = libipld.encode_dag_cbor({"version": 1, "roots": [_cid(commit)]})
    data = _varint(len(header)) + header
    for block in (commit, node):
        data += _varint(len(_cid(block)) + len(block)) + _cid(block) + block
    path = tmp_path / "damaged.car"
    path.write_bytes(data)
    with pytest.raises(CorruptExportError, match=r"damaged.car.*MST entry"):
        read_bluesky_repo(path)
