"""Container safety: what a hostile or malformed zip, tar(.gz) or gzip file gets.

One test per guard of ``engagemetrics.io._container`` (docs/importers.md, "Safety"): paths that
leave the archive, links and special files, zip, tar.gz and gzip bombs (each cap named in the
error), archives inside archives, members of the same name, files in a folder that are not
regular files, and where a compressed CAR is put while it is read.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

import engagemetrics as em
from engagemetrics.io import bluesky as bluesky_module
from engagemetrics.io._container import ExportFiles, Limits

OUTBOX = json.dumps({"type": "OrderedCollection", "orderedItems": []})
ACTOR = json.dumps({"type": "Person", "id": "https://h.example/users/me"})


def tar_with(path: Path, members: list[tarfile.TarInfo], data: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as t:
        for info in members:
            body = data.get(info.name)
            if body is not None:
                info.size = len(body)
            t.addfile(info, io.BytesIO(body) if body is not None else None)
    return path


def file_info(name: str) -> tarfile.TarInfo:
    return tarfile.TarInfo(name)


# --------------------------------------------------------------------------- paths
@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "data/../../x.js",
                                  "C:/Windows/x.js", "..\\..\\x.js"])
def test_zip_member_outside_the_archive_is_refused(tmp_path, name):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as z:
        z.writestr("outbox.json", OUTBOX)
        z.writestr(name, "x")
    with pytest.raises(em.UnsafeArchiveError, match="absolute or parent-relative"):
        em.load(tmp_path / "evil.zip")


@pytest.mark.parametrize("name", ["../evil.js", "/abs/evil.js"])
def test_tar_member_outside_the_archive_is_refused(tmp_path, name):
    path = tar_with(tmp_path / "evil.tar.gz", [file_info("outbox.json"), file_info(name)],
                    {"outbox.json": OUTBOX.encode(), name: b"x"})
    with pytest.raises(em.UnsafeArchiveError, match="absolute or parent-relative"):
        em.load(path)


# --------------------------------------------------------------------------- links
@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_tar_links_are_refused(tmp_path, kind):
    link = tarfile.TarInfo("actor.json")
    link.type = kind
    link.linkname = "/etc/passwd" if kind == tarfile.SYMTYPE else "outbox.json"
    path = tar_with(tmp_path / "links.tar.gz", [file_info("outbox.json"), link],
                    {"outbox.json": OUTBOX.encode()})
    word = "symbolic" if kind == tarfile.SYMTYPE else "hard"
    with pytest.raises(em.UnsafeArchiveError, match=f"{word} link"):
        em.load(path)


def test_tar_special_file_is_refused(tmp_path):
    fifo = tarfile.TarInfo("outbox.json")
    fifo.type = tarfile.FIFOTYPE
    path = tar_with(tmp_path / "fifo.tar.gz", [fifo], {})
    with pytest.raises(em.UnsafeArchiveError, match="special file"):
        ExportFiles(path)


def test_zip_member_marked_as_symlink_is_refused(tmp_path):
    info = zipfile.ZipInfo("actor.json")
    info.create_system = 3  # unix: the high 16 bits of external_attr are st_mode
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as z:
        z.writestr("outbox.json", OUTBOX)
        z.writestr(info, "/home/someone/.ssh/id_rsa")  # a link's data is its target
    with pytest.raises(em.UnsafeArchiveError, match="symbolic link"):
        em.load(tmp_path / "link.zip")
    # the same member as a regular file (mode S_IFREG) is read
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as z:
        z.writestr(info, "hello")
    assert ExportFiles(tmp_path / "plain.zip").read_text("actor.json") == "hello"


# --------------------------------------------------------------------------- bombs
def zeros_zip(path: Path, sizes: dict[str, int]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, size in sizes.items():
            z.writestr(name, b"0" * size)
    return path


def test_zip_member_over_max_member_bytes(tmp_path):
    path = zeros_zip(tmp_path / "big.zip", {"data/tweets.js": 3 * 2**20})
    with pytest.raises(em.UnsafeArchiveError, match=r"declares 3,145,728 bytes.*max_member_bytes=2,097,152"):
        ExportFiles(path, Limits(max_member_bytes=2 * 2**20, max_ratio=1e9))


def test_zip_member_over_max_ratio(tmp_path):
    path = zeros_zip(tmp_path / "bomb.zip", {"data/tweets.js": 4 * 2**20})
    # 4 MiB of one byte deflate to about 4 KiB: some thousand-fold, over the default 200
    with pytest.raises(em.UnsafeArchiveError, match=r"member data/tweets.js expands .*max_ratio=200"):
        em.load(path)


def test_zip_over_max_total_bytes(tmp_path):
    sizes = {f"data/part{i}.js": 2**19 for i in range(6)}  # 6 x 512 KiB, each under the floor
    path = zeros_zip(tmp_path / "many.zip", sizes)
    with pytest.raises(em.UnsafeArchiveError, match=r"expands to 3,145,728 bytes.*max_total_bytes=2,097,152"):
        ExportFiles(path, Limits(max_total_bytes=2 * 2**20, max_ratio=1e9))


def test_whole_zip_over_max_ratio(tmp_path):
    # no member is over the 1 MiB above which a member's own ratio is checked, but together
    # the members expand far more than max_ratio times the size of the zip
    sizes = {f"media/{i}.bin": 2**19 for i in range(8)}
    path = zeros_zip(tmp_path / "flat.zip", sizes)
    with pytest.raises(em.UnsafeArchiveError, match=r"its members expand .*-fold.*max_ratio=200"):
        ExportFiles(path)


def test_zip_over_max_members(tmp_path):
    path = zeros_zip(tmp_path / "crowd.zip", {f"{i}.txt": 1 for i in range(30)})
    with pytest.raises(em.UnsafeArchiveError, match=r"30 members.*max_members=20"):
        ExportFiles(path, Limits(max_members=20))


def test_tar_gz_bomb_stops_at_the_ratio_cap(tmp_path):
    body = b"0" * (8 * 2**20)
    path = tar_with(tmp_path / "bomb.tar.gz", [file_info("a.bin"), file_info("b.bin")],
                    {"a.bin": body, "b.bin": body})
    # 16 MiB from about 16 KiB: the cap (max(1 MiB, 200 x the file)) is reached while the
    # first member is skipped, before the second header is decompressed
    cap = max(2**20, 200 * path.stat().st_size)
    with pytest.raises(em.UnsafeArchiveError, match=rf"expand beyond {cap:,} bytes.*max_ratio=200"):
        ExportFiles(path)


def test_tar_member_over_max_member_bytes(tmp_path):
    path = tar_with(tmp_path / "big.tar.gz", [file_info("a.bin")], {"a.bin": b"0" * 2**20})
    with pytest.raises(em.UnsafeArchiveError, match=r"declares 1,048,576 bytes.*max_member_bytes=1,000"):
        ExportFiles(path, Limits(max_member_bytes=1000, max_ratio=1e9))


def test_gzip_bomb_research_log(tmp_path):
    path = tmp_path / "activity.txt.gz"
    rng = np.random.default_rng(0)
    n = 150_000  # about 3 MiB of lines, which gzip makes about 3 times smaller
    a, b = rng.integers(1, 10**6, size=(2, n))
    lines = "".join(f"{x} {y} {1341100972 + i} RT\n" for i, (x, y) in enumerate(zip(a, b, strict=True)))
    with gzip.open(path, "wb") as fh:
        fh.write(lines.encode())
    with pytest.raises(em.UnsafeArchiveError, match=r"max_ratio=2 times.*gzip bombs"):
        em.read_activity_log(ExportFiles(path, Limits(max_ratio=2)))
    with pytest.raises(em.UnsafeArchiveError, match=r"max_member_bytes=1,048,576"):
        em.load(path, limits=Limits(max_member_bytes=2**20, max_ratio=1e9))
    # within the limits it is read
    assert len(em.load(path).interactions) == n


def test_gzip_bomb_of_zeros_is_refused_by_load(tmp_path):
    path = tmp_path / "zeros.txt.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"\0" * (16 * 2**20))
    with pytest.raises(em.UnsafeArchiveError, match="max_ratio=200"):
        em.load(path)


def test_compressed_csv_of_read_follows_is_capped(tmp_path):
    path = tmp_path / "follows.csv.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"source,target\n" + b"a,b\n" * (4 * 2**20))
    with pytest.raises(em.UnsafeArchiveError, match="max_ratio=200"):
        em.read_follows(path)


# --------------------------------------------------------------------------- nesting
def test_archive_inside_an_archive_is_not_opened(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("outbox.json", OUTBOX)
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as z:
        z.writestr("archive-20260101000000-0123.zip", inner.getvalue())
    with pytest.raises(em.UnknownFormatError, match="archive inside the archive, which is not opened"):
        em.load(tmp_path / "outer.zip")
    # beside an export, it is a member like any other: never opened, counted in the ledger
    with zipfile.ZipFile(tmp_path / "mastodon.zip", "w") as z:
        z.writestr("outbox.json", OUTBOX)
        z.writestr("actor.json", ACTOR)
        z.writestr("media/old.zip", b"PK\x03\x04 not even a zip")
    a = em.load(tmp_path / "mastodon.zip")
    row = a.ledger[a.ledger["source"] == "old.zip"]
    assert row["reason"].tolist() == [
        "archive inside the archive, not opened (only one level of archives is read: extract "
        "the outer archive and load the folder)"
    ]
    assert row["count"].tolist() == [1]
    # not also counted among the files not read
    assert "media/" not in set(a.ledger["source"])


# --------------------------------------------------------------------------- duplicates
def test_zip_with_two_members_of_one_name(tmp_path):
    path = tmp_path / "twice.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("outbox.json", OUTBOX)
            z.writestr("actor.json", ACTOR)
            z.writestr("actor.json", ACTOR)
    a = em.load(path)  # the same contents twice: read once, and flagged in the ledger
    row = a.ledger[a.ledger["source"] == "actor.json"]
    assert row[["count", "action"]].values.tolist() == [[1, "flagged"]]
    assert "twice" in row["reason"].iloc[0]

    with pytest.warns(UserWarning, match="Duplicate name"):
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("outbox.json", OUTBOX)
            z.writestr("actor.json", ACTOR)
            z.writestr("actor.json", ACTOR.replace("me", "someone-else"))
    with pytest.raises(em.UnsafeArchiveError, match="two members are named 'actor.json'"):
        em.load(path)


def test_tar_with_two_members_of_one_name(tmp_path):
    members = [file_info("outbox.json"), file_info("actor.json"), file_info("actor.json")]
    with tarfile.open(tmp_path / "twice.tar.gz", "w:gz") as t:
        for info, body in zip(members, [OUTBOX, ACTOR, ACTOR.replace("me", "xx")], strict=True):
            info.size = len(body)
            t.addfile(info, io.BytesIO(body.encode()))
    with pytest.raises(em.UnsafeArchiveError, match="two members are named 'actor.json'"):
        em.load(tmp_path / "twice.tar.gz")


# --------------------------------------------------------------------------- folders
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_in_a_folder_is_skipped_and_noted(tmp_path):
    (tmp_path / "outbox.json").write_text(OUTBOX)
    (tmp_path / "actor.json").write_text(ACTOR)
    os.mkfifo(tmp_path / "likes.json")  # opening it would wait for a writer forever
    a = em.load(tmp_path)
    row = a.ledger[a.ledger["source"] == "likes.json"]
    assert row["reason"].str.startswith("not a regular file").tolist() == [True]
    with pytest.raises(em.InvalidArgumentError, match="neither a regular file nor a folder"):
        em.load(tmp_path / "likes.json")


# --------------------------------------------------------------------------- temporary files
@pytest.fixture(scope="module")
def car_bytes(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("car")
    account = em.datasets.generate_account(seed=3, n_accounts=40, n_posts=30, platform="bluesky")
    return em.datasets.write_bluesky_repo(account, folder / "repo.car").read_bytes()


def _spy_temporary_files(monkeypatch) -> list[int]:
    made: list[int] = []
    real = tempfile.TemporaryFile

    def spy(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", spy)
    return made


def test_car_in_a_stored_zip_is_read_in_place(tmp_path, monkeypatch, car_bytes):
    with zipfile.ZipFile(tmp_path / "bsky.zip", "w", zipfile.ZIP_STORED) as z:
        z.writestr("repo.car", car_bytes)
    (tmp_path / "repo.car").write_bytes(car_bytes)
    made = _spy_temporary_files(monkeypatch)
    from_zip = em.read_bluesky_repo(tmp_path / "bsky.zip")
    assert made == []  # no copy: the stored member is read where it lies
    plain = em.read_bluesky_repo(tmp_path / "repo.car")
    assert from_zip.posts.equals(plain.posts) and from_zip.follows.equals(plain.follows)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="O_TMPFILE is Linux's")
def test_car_in_a_deflated_zip_goes_to_an_anonymous_file(tmp_path, monkeypatch, car_bytes):
    with zipfile.ZipFile(tmp_path / "bsky.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("repo.car", car_bytes)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    made = _spy_temporary_files(monkeypatch)
    seen_during: list[list[str]] = []
    real_store = bluesky_module.BlockStore

    def store(fh, label):  # what the temporary directory holds while the CAR is read
        seen_during.append(os.listdir(scratch))
        return real_store(fh, label)

    monkeypatch.setattr(bluesky_module, "BlockStore", store)
    a = em.read_bluesky_repo(tmp_path / "bsky.zip")
    assert len(a.posts) > 0
    assert made == [1]  # one anonymous copy ...
    assert seen_during == [[]]  # ... with no name in the temporary directory, even while read
    assert os.listdir(scratch) == []
