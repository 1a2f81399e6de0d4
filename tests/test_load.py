"""Tests of em.load: format detection in a fixed order, and a clear error otherwise."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

import engagemetrics as em
from engagemetrics.exceptions import InvalidArgumentError, UnknownFormatError
from engagemetrics.io import load as load_module
from engagemetrics.io.load import FORMATS, load


def test_order_is_fixed() -> None:
    assert list(FORMATS) == ["twitter", "mastodon", "bluesky", "instagram", "linkedin", "research"]
    assert em.load is load


def test_bluesky_car_single_file_and_zipped(samples: Path, tmp_path: Path) -> None:
    car = samples / "bluesky" / "greenground.repo.car"
    archive = load(car)
    assert archive.platform == "bluesky"
    assert len(archive.follows) == 2
    zipped = tmp_path / "export.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.write(car, "repo.car")
    assert len(load(zipped).follows) == 2


def test_research_log_and_edge_list(samples: Path, tmp_path: Path) -> None:
    archive = load(samples / "snap-higgs-twitter" / "higgs-activity_time.txt.gz")
    assert archive.platform == "research"
    assert len(archive.interactions) == 563_069  # samples README
    edges = tmp_path / "social.edgelist.gz"
    edges.write_bytes(gzip.compress(b"# a follows b\n1 2\n2 1\n3 1\n"))
    follows = load(edges).follows
    assert follows[["source", "target"]].values.tolist() == [["1", "2"], ["2", "1"], ["3", "1"]]


def test_garbage_file_lists_every_format(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnknownFormatError) as info:
        load(garbage)
    assert sorted(info.value.attempts) == sorted(FORMATS)
    message = str(info.value)
    for name in FORMATS:
        assert f"{name}:" in message
    assert "garbage.bin" in message


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError) as info:
        load(tmp_path)
    assert set(info.value.attempts) == set(FORMATS)
    assert "no .car file" in info.value.attempts["bluesky"]


def test_missing_path() -> None:
    with pytest.raises(FileNotFoundError):
        load("/nonexistent/export.zip")


def test_broken_reader_module_raises_instead_of_not_fitting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reader that cannot be imported is a broken installation, not a format that does
    # not fit: it must not read as "no format recognises the export".
    formats = dict(FORMATS)
    formats["twitter"] = ("engagemetrics.io.no_such_reader", "read_it")
    monkeypatch.setattr(load_module, "FORMATS", formats)
    log = tmp_path / "log.txt"
    log.write_text("1 2 1341100972 RT\n")
    with pytest.raises(ModuleNotFoundError, match="no_such_reader"):
        load(log)
    with pytest.raises(ModuleNotFoundError):
        load(log, format="twitter")


def _empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def test_detector_that_raises_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engagemetrics.io.bluesky as bluesky

    def boom(files: object) -> str | None:
        raise OSError("disk on fire")

    monkeypatch.setattr(bluesky, "can_read", boom)
    with pytest.raises(UnknownFormatError) as info:
        load(_empty(tmp_path))
    assert "disk on fire" in info.value.attempts["bluesky"]


def test_explicit_format(samples: Path, tmp_path: Path) -> None:
    assert load(samples / "bluesky" / "msttest-06-reply.car", format="bluesky").platform == (
        "bluesky"
    )
    with pytest.raises(InvalidArgumentError, match="format must be one of"):
        load(tmp_path, format="myspace")


# ----------------------------------------------------------------- other helpers' formats
def test_twitter_sample_folder(samples: Path) -> None:
    folder = samples / "twitter" / "milahu-twitter-milahu104-2026-03-06"
    archive = load(folder)
    assert archive.platform == "twitter"
    assert len(archive.followers()) == 61  # samples README
    assert len(archive.following()) == 167


def test_mastodon_outbox(tmp_path: Path) -> None:
    actor = "https://example.social/users/me"
    (tmp_path / "actor.json").write_text(
        json.dumps({"id": actor, "type": "Person", "preferredUsername": "me"})
    )
    (tmp_path / "outbox.json").write_text(
        json.dumps({"type": "OrderedCollection", "totalItems": 0, "orderedItems": []})
    )
    archive = load(tmp_path)
    assert archive.platform == "mastodon"


def test_linkedin_connections_csv(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        'Notes:\n"When exporting your connection data..."\n\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,Lovelace,https://www.linkedin.com/in/ada,,Engines,Analyst,06 Mar 2026\n"
    )
    archive = load(path)
    assert archive.platform == "linkedin"


def test_instagram_followers_json(tmp_path: Path) -> None:
    folder = tmp_path / "connections" / "followers_and_following"
    folder.mkdir(parents=True)
    (folder / "followers_1.json").write_text(
        json.dumps(
            [
                {
                    "title": "",
                    "media_list_data": [],
                    "string_list_data": [
                        {
                            "href": "https://www.instagram.com/ann",
                            "value": "ann",
                            "timestamp": 1700000000,
                        }
                    ],
                }
            ]
        )
    )
    archive = load(tmp_path, ego="me")
    assert archive.platform in ("instagram", "threads")


def test_followers_for_an_export_that_lacks_them(samples: Path, tmp_path: Path) -> None:
    car = samples / "bluesky" / "greenground.repo.car"
    repo = load(car)
    assert not repo.coverage.known("followers")
    followed = sorted(repo.following())
    page = tmp_path / "followers.json"
    page.write_text(
        json.dumps(
            {
                "subject": {"did": repo.ego},
                "followers": [{"did": followed[0]}, {"did": "did:plc:someonenew"}],
            }
        )
    )
    a = load(car, followers=page)
    # 2 followers; the one the repo follows too is the only mutual
    assert a.followers() == {followed[0], "did:plc:someonenew"}
    assert a.followers() & a.following() == {followed[0]}
    assert a.coverage.known("followers")


def test_followers_refused_for_a_dataset_without_owner(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("1 2 1341100972 RT\n")
    with pytest.raises(InvalidArgumentError, match="no owner"):
        load(log, followers=["1"])
