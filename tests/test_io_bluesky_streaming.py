"""The Bluesky reader streams a CAR: it indexes blocks and decodes them one at a time."""

from __future__ import annotations

import hashlib
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import libipld
import pandas as pd
import pytest

from engagemetrics.exceptions import CorruptExportError
from engagemetrics.io.bluesky import read_bluesky_repo

SAMPLE_NAMES = [
    "bnewbold.robocracy.org.20250310005405.car",
    "paul_staging.repo.car",
    "greenground.repo.car",
    "msttest-06-reply.car",
    "repo_slice.car",
]


def _oracle(path: Path) -> dict[str, Any]:
    """What the CAR holds, from libipld's whole-file decoder and a recursive MST walk."""
    header, blocks = libipld.decode_car(path.read_bytes())
    commit = blocks[header["roots"][0]]
    reached: dict[str, bytes] = {}

    def walk(cid: bytes) -> None:
        node = blocks.get(cid)
        if node is None:
            return
        if node.get("l"):
            walk(node["l"])
        key = b""
        for entry in node["e"]:
            key = key[: entry["p"]] + entry["k"]
            reached[key.decode()] = entry["v"]
            if entry.get("t"):
                walk(entry["t"])

    walk(commit["data"])
    present = {k: blocks[v] for k, v in reached.items() if v in blocks}
    by_collection = Counter(k.split("/")[0] for k in present)
    outside = Counter(
        b["$type"]
        for cid, b in blocks.items()
        if cid not in set(reached.values()) and isinstance(b, dict) and "$type" in b
    )
    return {
        "did": commit["did"],
        "post_ids": sorted(
            f"at://{commit['did']}/{k}"
            for k in present
            if k.split("/")[0] in ("app.bsky.feed.post", "app.bsky.feed.repost")
        ),
        "follow_targets": sorted(
            r["subject"] for k, r in present.items() if k.startswith("app.bsky.graph.follow/")
        ),
        "likes": by_collection["app.bsky.feed.like"],
        "missing_records": len(reached) - len(present),
        "outside": outside,
    }


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_read_without_whole_file_decoder(
    samples: Path, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = samples / "bluesky" / name
    expected = _oracle(path)  # computed before the whole-file decoder is disabled
    zipped = tmp_path / "export.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(path, f"bluesky-export/{name}")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read_bluesky_repo must not decode the whole CAR at once")

    monkeypatch.setattr(libipld, "decode_car", refuse)
    from_file = read_bluesky_repo(path)
    assert from_file.ego == expected["did"]
    assert sorted(from_file.posts["post_id"].tolist()) == expected["post_ids"]
    assert sorted(from_file.follows["target"].tolist()) == expected["follow_targets"]
    assert int((from_file.interactions["kind"] == "like").sum()) == expected["likes"]
    ledger = from_file.ledger
    missing = ledger[ledger["reason"] == "record block missing from a partial CAR"]
    assert int(missing["count"].sum()) == expected["missing_records"]
    outside = ledger[ledger["reason"].str.startswith("record block not in the current tree")]
    assert dict(zip(outside["record_kind"], outside["count"], strict=True)) == dict(
        expected["outside"]
    )
    # The zip member (copied to a temporary file) and the bytes give the same tables.
    for other in (read_bluesky_repo(zipped), read_bluesky_repo(path.read_bytes())):
        for table in ("follows", "posts", "interactions", "accounts"):
            pd.testing.assert_frame_equal(getattr(other, table), getattr(from_file, table))
        pd.testing.assert_frame_equal(
            other.ledger.drop(columns="source", errors="ignore"),
            from_file.ledger.drop(columns="source", errors="ignore"),
        )


def test_damaged_block_inside_the_file_names_the_file(tmp_path: Path) -> None:
    # A well-framed CAR whose record block is not DAG-CBOR: only decoding it reveals it.
    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out)

    def cid(block: bytes) -> bytes:
        return b"\x01q\x12 " + hashlib.sha256(block).digest()

    record = b"\xff\xff\xff"
    node = libipld.encode_dag_cbor(
        {"l": None, "e": [{"p": 0, "k": b"app.bsky.feed.post/3a", "v": cid(record), "t": None}]}
    )
    commit = libipld.encode_dag_cbor({"did": "did:plc:me", "version": 3, "data": cid(node)})
    header = libipld.encode_dag_cbor({"version": 1, "roots": [cid(commit)]})
    data = varint(len(header)) + header
    for block in (commit, node, record):
        data += varint(len(cid(block)) + len(block)) + cid(block) + block
    path = tmp_path / "badblock.car"
    path.write_bytes(data)
    with pytest.raises(CorruptExportError, match=r"badblock.car.*not readable DAG-CBOR"):
        read_bluesky_repo(path)
