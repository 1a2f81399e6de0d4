"""The generators of benchmarks/large_exports.py write what they claim (at a small size).

The benchmark itself (several GB per export, peak memory) is run by hand, never here;
its figures are in benchmarks/LARGE_EXPORTS.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import engagemetrics as em

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
large_exports = pytest.importorskip("large_exports")

SIZE = 2**20  # 1 MiB of records


def test_x_archive_generator(tmp_path):
    path, counts = large_exports.write_x(tmp_path, SIZE)
    archive = em.load(path)
    assert counts["bytes"] >= SIZE
    assert len(archive.posts) == counts["posts"] > 0
    assert len(archive.follows) == counts["follows"]


def test_mastodon_archive_generator(tmp_path):
    path, counts = large_exports.write_mastodon(tmp_path, SIZE)
    archive = em.load(path)
    assert counts["bytes"] >= SIZE
    # every activity of the outbox is a post or a boost, each under its own new status id
    assert len(archive.posts) == counts["activities"] > 0
    assert archive.posts["post_id"].is_unique
    assert len(archive.follows) == counts["follows"] > 0


def test_bluesky_car_generator(tmp_path):
    path, counts = large_exports.write_bluesky(tmp_path, SIZE)
    assert path.stat().st_size == counts["bytes"] >= SIZE
    archive = em.load(path)
    kinds = archive.posts["kind"].astype(str).value_counts()
    assert kinds.get("repost", 0) == counts["repost"]
    assert len(archive.posts) == counts["post"] + counts["repost"]
    assert len(archive.follows) == counts["follow"]
    likes = archive.interactions[archive.interactions["kind"].astype(str) == "like"]
    assert len(likes) == counts["like"]
    assert counts["post"] + counts["repost"] + counts["follow"] + counts["like"] == counts["records"]
