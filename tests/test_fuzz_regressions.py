"""Regression tests: each escape the fuzzer (tests/test_fuzz_importers.py) found, made small.

Each case failed with an exception that is not one of engagemetrics' own (a UnicodeEncodeError
from a lone UTF-16 surrogate written as a JSON escape; a RecursionError from a deeply nested
document) before the importers handled it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import engagemetrics as em
from _fuzz import read_members, small_account, write
from engagemetrics.exceptions import CorruptExportError
from engagemetrics.io._jsonstream import REPAIRED_SURROGATES, repair_surrogates

DEEP = 100_000  # far past the decoder's recursion limit (about 1,000 levels)


def _ledger_reasons(archive: em.Archive) -> set[str]:
    return set(archive.ledger["reason"])


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("exports")
    x = em.datasets.write_twitter_archive(
        small_account("twitter"), root / f"twitter-2026-01-01-{'a' * 64}.zip"
    )
    mastodon = em.datasets.write_mastodon_archive(
        small_account("mastodon"),
        root / "m" / "archive-20260101000000-0123456789abcdef0123456789abcdef.zip",
    )
    insta = em.datasets.write_instagram_export(
        small_account("instagram"), root / "instagram-oknist-2026-01-01-ff2e005e.zip"
    )
    return {
        "twitter": read_members(x),
        "mastodon": read_members(mastodon),
        "instagram": read_members(insta),
    }


def _zip(files: dict[str, bytes], path: Path) -> Path:
    return write(files, path, "zip")


def _replace_once(body: bytes, old: str, new: str) -> bytes:
    text = body.decode("utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")


# --------------------------------------------------------------------------- lone surrogates
def test_repair_surrogates_writes_the_escape_out():
    value = json.loads('{"k\\ud800": ["a\\udfffb", "ok", 1, {"x": "\\ud83d"}]}')
    fixed, n = repair_surrogates(value)
    # three strings held a lone surrogate: the key, "a\udfffb" and "\ud83d"
    assert n == 3
    assert fixed == {"k\\ud800": ["a\\udfffb", "ok", 1, {"x": "\\ud83d"}]}
    json.dumps(fixed, ensure_ascii=False).encode("utf-8")  # now writable as UTF-8


def test_x_archive_with_a_lone_surrogate_in_a_tweet_loads(exports, tmp_path):
    files = dict(exports["twitter"])
    files["data/tweets.js"] = _replace_once(files["data/tweets.js"], '"full_text" : "',
                                            '"full_text" : "\\ud800')
    files["data/account.js"] = _replace_once(files["data/account.js"], '"username" : "',
                                             '"username" : "\\udfff')
    archive = em.read_twitter_archive(_zip(files, tmp_path / "x.zip"))
    clean = em.read_twitter_archive(_zip(exports["twitter"], tmp_path / "clean.zip"))
    assert len(archive.posts) == len(clean.posts)  # the record is kept
    assert REPAIRED_SURROGATES in _ledger_reasons(archive)
    assert REPAIRED_SURROGATES not in _ledger_reasons(clean)
    # every string of every table can be written as UTF-8 (Parquet, CSV, the report)
    for table in (archive.posts, archive.accounts, archive.interactions):
        for column in table.select_dtypes(include=["object", "string"]):
            for v in table[column].dropna():
                str(v).encode("utf-8")


def test_mastodon_outbox_with_a_lone_surrogate_loads(exports, tmp_path):
    files = dict(exports["mastodon"])
    files["outbox.json"] = _replace_once(files["outbox.json"], '"content": "',
                                         '"content": "\\ud800')
    archive = em.read_mastodon_archive(_zip(files, tmp_path / "m.zip"))
    clean = em.read_mastodon_archive(_zip(exports["mastodon"], tmp_path / "clean.zip"))
    assert len(archive.posts) == len(clean.posts)
    assert REPAIRED_SURROGATES in _ledger_reasons(archive)


def test_instagram_handle_with_a_lone_surrogate_loads(exports, tmp_path):
    files = dict(exports["instagram"])
    name = "connections/followers_and_following/following.json"
    files[name] = _replace_once(files[name], '"value": "', '"value": "\\ud800')
    archive = em.read_instagram_export(_zip(files, tmp_path / "instagram-oknist-2026-01-01-ff2e005e.zip"))
    assert REPAIRED_SURROGATES in _ledger_reasons(archive)
    handles = archive.accounts["handle"].dropna().astype(str)
    assert any(h.startswith("\\ud800") for h in handles)  # written out, not dropped


# --------------------------------------------------------------------------- deep nesting
def test_deeply_nested_x_data_file_is_a_corrupt_export(exports, tmp_path):
    files = dict(exports["twitter"])
    files["data/follower.js"] = b"window.YTD.follower.part0 = [" + b"[" * DEEP + b"]" * DEEP + b"]"
    with pytest.raises(CorruptExportError, match="nested deeper"):
        em.read_twitter_archive(_zip(files, tmp_path / "x.zip"))


def test_deeply_nested_instagram_file_is_a_corrupt_export(exports, tmp_path):
    files = dict(exports["instagram"])
    name = "connections/followers_and_following/following.json"
    files[name] = b'{"relationships_following": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    path = _zip(files, tmp_path / "instagram-oknist-2026-01-01-ff2e005e.zip")
    with pytest.raises(CorruptExportError, match="nested deeper"):
        em.read_instagram_export(path)


def test_deeply_nested_mastodon_actor_is_a_corrupt_export(exports, tmp_path):
    files = dict(exports["mastodon"])
    files["actor.json"] = b'{"a": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    with pytest.raises(CorruptExportError, match="nested deeper"):
        em.read_mastodon_archive(_zip(files, tmp_path / "m.zip"))



def test_a_car_repeating_one_block_loads_in_linear_time(tmp_path: Path) -> None:
    # A hostile CAR: one record block written 100,000 times after an empty repo. The index
    # resolves repeated CIDs per run of equal keys with one set, not by looking back over
    # every earlier copy (quadratic: 5e9 reads here, a hang).
    import hashlib

    import libipld

    from _fuzz import time_bound, write_car

    def cid(block: bytes) -> bytes:
        return b"\x01\x71\x12\x20" + hashlib.sha256(block).digest()

    node = libipld.encode_dag_cbor({"l": None, "e": []})
    commit = libipld.encode_dag_cbor({"did": "did:plc:me", "version": 3, "data": cid(node),
                                      "rev": "3l2q5b2cmsc2x", "prev": None})
    like = libipld.encode_dag_cbor({"$type": "app.bsky.feed.like",
                                    "createdAt": "2026-01-01T00:00:00Z"})
    header = libipld.encode_dag_cbor({"version": 1, "roots": [cid(commit)]})
    sections = [(cid(commit), commit), (cid(node), node)]
    sections += [(cid(like), like)] * 100_000
    path = tmp_path / "repeated.car"
    path.write_bytes(write_car(header, sections))
    with time_bound(60):
        archive = em.read_bluesky_repo(path)
    assert archive.ego == "did:plc:me" and archive.posts.empty
    # the 100,000 copies are one block: one like outside the tree, counted once
    ledger = archive.ledger.set_index("record_kind")
    assert ledger.loc["app.bsky.feed.like", "count"] == 1
