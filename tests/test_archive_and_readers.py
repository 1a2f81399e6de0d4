"""em.Archive, the generic readers and the safe export container."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import zipfile

import pandas as pd
import pandas.testing as pdt
import pytest

import engagemetrics as em
from engagemetrics.io._container import ExportFiles, Limits


def test_archive_collects_ledgers_and_derives_interactions():
    follows = em.read_follows(
        pd.DataFrame({"source": ["me", "me", "ann", None], "target": ["ann", "ann", "me", "x"]})
    )
    posts = em.read_posts(
        pd.DataFrame(
            {
                "post_id": ["1", "2"],
                "author": ["me", "me"],
                "created_at": ["2026-01-01T10:00:00Z", "not a date"],
                "kind": ["reply", "post"],
                "parent_author": ["ann", None],
            }
        ),
        errors="coerce",
    )
    a = em.Archive(follows=follows, posts=posts, ego="me", platform="generic")
    assert a.following() == {"ann"} and a.followers() == {"ann"}
    assert len(a.posts) == 1
    assert a.interactions[["actor", "target"]].values.tolist() == [["me", "ann"]]
    led = a.ledger.set_index("reason")["count"]
    assert led["source or target id missing"] == 1
    assert led["created_at missing or not a timestamp"] == 1
    # every input record is in a table or counted as dropped
    dropped = a.ledger.loc[a.ledger["action"] == "dropped", "count"].sum()
    assert len(a.follows) + len(a.posts) + dropped == 4 + 2


def test_archive_without_ego_refuses_ego_views():
    a = em.Archive(follows=pd.DataFrame({"source": ["a"], "target": ["b"]}))
    with pytest.raises(em.NoEgoError):
        a.followers()
    assert "ego=None" in repr(a) and "<table>" in a._repr_html_()


def test_read_follows_from_csv_keeps_big_ids_and_maps_columns(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("follower,followee,when\n1964312974236991488,7,2024-02-22T04:37:15.801Z\n")
    f = em.read_follows(path, source="follower", target="followee", followed_at="when")
    assert f["source"].iloc[0] == "1964312974236991488"
    assert f["followed_at"].iloc[0] == pd.Timestamp("2024-02-22T04:37:15.801Z")


def test_read_follows_parquet_round_trip(tmp_path):
    frame = pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"]})
    frame.to_parquet(tmp_path / "f.parquet")
    got = em.read_follows(tmp_path / "f.parquet")
    assert got[["source", "target"]].astype(str).values.tolist() == [["a", "b"], ["b", "a"]]


def test_empty_and_headerless_files_are_clear_errors(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(em.EmptyInputError, match="0 bytes"):
        em.read_follows(tmp_path / "empty.csv")
    (tmp_path / "blank.csv").write_text("\n\n")
    with pytest.raises(em.EmptyInputError, match="header"):
        em.read_follows(tmp_path / "blank.csv")
    (tmp_path / "header_only.csv").write_text("source,target\n")
    assert len(em.read_follows(tmp_path / "header_only.csv")) == 0


def test_read_posts_with_keyword_mapping(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("id,user,time,type,to\n1,me,2026-01-01,reply,you\n")
    p = em.read_posts(path, post_id="id", author="user", created_at="time", kind="type",
                      parent_author="to")
    assert p["parent_author"].iloc[0] == "you"


def test_wrong_argument_type_is_ours():
    with pytest.raises(em.InvalidArgumentError, match="DataFrame"):
        em.read_follows(42)


# --------------------------------------------------------------------------- container
def test_container_reads_folder_zip_and_tar_alike(tmp_path):
    files = {"data/a.js": b"window.x = [1]", "data/b.json": b"{}"}
    folder = tmp_path / "folder"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    with zipfile.ZipFile(tmp_path / "x.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr("export/" + name, data)
    with tarfile.open(tmp_path / "x.tar.gz", "w:gz") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    for path in (folder, tmp_path / "x.zip", tmp_path / "x.tar.gz"):
        with ExportFiles(path) as ex:
            # a single top folder (export/) is looked through
            assert ex.read_bytes("data/a.js") == b"window.x = [1]"
            assert "data/b.json" in ex
            assert ex.find("*.js")[0].endswith("data/a.js")


def test_container_refuses_path_traversal(tmp_path):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as z:
        z.writestr("../../etc/passwd", "x")
    with pytest.raises(em.UnsafeArchiveError, match="parent-relative"):
        ExportFiles(tmp_path / "evil.zip")


def test_container_refuses_zip_bombs(tmp_path):
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data/tweets.js", b"0" * (8 * 2**20))
    with pytest.raises(em.UnsafeArchiveError, match="zip bomb"):
        ExportFiles(tmp_path / "bomb.zip")
    with pytest.raises(em.UnsafeArchiveError, match="over the limit"):
        ExportFiles(tmp_path / "bomb.zip", limits=Limits(max_member_bytes=2**20, max_ratio=1e9))


def test_container_corrupt_zip_is_ours(tmp_path):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("a.txt", "hello" * 100)
    data = bytearray(good.read_bytes())
    data[40:60] = b"\xff" * 20  # damage the member's data
    (tmp_path / "bad.zip").write_bytes(bytes(data))
    with pytest.raises(em.CorruptExportError, match=r"bad\.zip:a\.txt is damaged"):
        ExportFiles(tmp_path / "bad.zip").read_bytes("a.txt")


def test_container_opens_the_archives_in_a_folder_and_several_paths(tmp_path):
    # A Mastodon download: the archive zip, with its CSV export beside it
    folder = tmp_path / "download"
    folder.mkdir()
    with zipfile.ZipFile(folder / "archive-1.zip", "w") as z:
        z.writestr("outbox.json", "{}")
        z.writestr("media/a.png", "x")
    (folder / "following_accounts.csv").write_text("Account address\n")
    with ExportFiles(folder) as ex:
        assert ex.names() == [
            "archive-1.zip/media/a.png",
            "archive-1.zip/outbox.json",
            "following_accounts.csv",
        ]
        assert ex.archive_of("archive-1.zip/outbox.json") == "archive-1.zip"
        assert ex.inner_name("archive-1.zip/outbox.json") == "outbox.json"
        assert ex.archive_of("following_accounts.csv") == ""
        assert ex.read_text("outbox.json") == "{}"  # found under its archive's folder
        assert [p.name for p in ex.sources] == ["download", "archive-1.zip"]
        with ex.seekable("outbox.json") as fh:  # a zip member, copied to seek in it
            fh.seek(1)
            assert fh.read() == b"}"
    # the same two pieces given as a list
    with ExportFiles([folder / "archive-1.zip", folder / "following_accounts.csv"]) as ex:
        assert ex.kind == "several"
        assert ex.names() == [
            "archive-1.zip/media/a.png",
            "archive-1.zip/outbox.json",
            "following_accounts.csv",
        ]
        assert ex.read_text("following_accounts.csv") == "Account address\n"
    with pytest.raises(FileNotFoundError):
        ExportFiles([folder, tmp_path / "nowhere.zip"])
    with pytest.raises(em.InvalidArgumentError, match="list of paths"):
        ExportFiles(42)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- package
def test_import_stays_light():
    # `import engagemetrics` must stay fast (issue: well under a second). Speed is measured in
    # benchmarks/, not asserted here; this checks the cause: no heavy dependency and no reader
    # or metric module is imported until it is used.
    code = "import sys, engagemetrics; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    loaded = set(out.stdout.split())
    heavy = {"matplotlib", "matplotlib.pyplot", "networkx", "scipy", "narwhals", "polars",
             "duckdb", "pyspark", "libipld", "tqdm", "igraph"}
    assert not heavy & loaded
    ours = {m for m in loaded if m.startswith("engagemetrics")}
    assert ours == {"engagemetrics", "engagemetrics.archive", "engagemetrics.coverage",
                    "engagemetrics.derive", "engagemetrics.exceptions", "engagemetrics.identity",
                    "engagemetrics.io",
                    "engagemetrics.io.generic", "engagemetrics.ledger", "engagemetrics.schema"}


def test_public_names_resolve():
    for name in ("Archive", "read_follows", "read_posts", "schema", "MissingColumnsError",
                 "period_counts", "follow_counts", "DyadCensus", "load"):
        assert getattr(em, name) is not None
    with pytest.raises(AttributeError):
        em.no_such_thing  # noqa: B018


def test_archive_replace_returns_new_archive():
    a = em.Archive(follows=pd.DataFrame({"source": ["a"], "target": ["b"]}), ego="a")
    b = a.replace(platform="mastodon")
    assert b.platform == "mastodon" and a.platform == "generic"
    pdt.assert_frame_equal(a.follows, b.follows)


def test_one_list_of_platform_names():
    # every list of platforms in the package is drawn from engagemetrics.archive.PLATFORMS
    from engagemetrics.archive import PLATFORMS
    from engagemetrics.io.load import FORMATS

    assert set(em.datasets.PLATFORMS) <= set(PLATFORMS)
    assert set(em.datasets.EXPORT_PLATFORMS) <= set(PLATFORMS)
    assert set(FORMATS) <= set(PLATFORMS)
    for platform in em.datasets.EXPORT_PLATFORMS:  # and a written export reads back as such
        assert platform in FORMATS
