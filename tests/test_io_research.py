"""Tests of the SNAP-style research readers (activity log, edge list)."""

from __future__ import annotations

import gzip
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.exceptions import CorruptExportError, EmptyInputError, InvalidArgumentError
from engagemetrics.io._container import ExportFiles
from engagemetrics.io.research import (
    can_read,
    read_activity_log,
    read_activity_table,
    read_edge_list,
    read_research_dataset,
)
from engagemetrics.ledger import ledger_of

HIGGS = "snap-higgs-twitter/higgs-activity_time.txt.gz"


def test_higgs_sample_counts_time_span_first_line(samples: Path) -> None:
    path = samples / HIGGS
    codes: Counter[str] = Counter()
    first = None
    t_min, t_max = None, None
    with gzip.open(path, "rt") as fh:
        for line in fh:
            a, b, t, code = line.split()
            first = first or (a, b, int(t), code)
            codes[code] += 1
            t_min = int(t) if t_min is None else min(t_min, int(t))
            t_max = int(t) if t_max is None else max(t_max, int(t))
    assert sum(codes.values()) == 563_069  # samples README
    archive = read_activity_log(path)
    assert archive.ego is None and archive.platform == "research"
    it = archive.interactions
    assert len(it) == sum(codes.values())
    kinds = it["kind"].value_counts()
    assert kinds["repost"] == codes["RT"] == 354_930
    assert kinds["mention"] == codes["MT"] == 171_237
    assert kinds["reply"] == codes["RE"] == 36_902
    assert it["created_at"].min() == pd.Timestamp(t_min, unit="s", tz="UTC")
    assert it["created_at"].max() == pd.Timestamp(t_max, unit="s", tz="UTC")
    assert t_min == 1341100972
    # Taken as published: the first two lines are the MT and RE of one tweet, both kept.
    head = it.iloc[:2]
    assert head["actor"].tolist() == [first[0], first[0]]
    assert head["target"].tolist() == [first[1], first[1]]
    assert head["kind"].tolist() == ["mention", "reply"]
    assert it["post_id"].isna().all()
    assert it["actor"].dtype == em.schema.ID_DTYPE
    dropped = archive.ledger[archive.ledger["action"] == "dropped"]
    assert dropped["count"].sum() == 0


def test_higgs_table_keeps_integer_ids(samples: Path) -> None:
    frame = read_activity_table(samples / HIGGS)
    assert len(frame) == 563_069
    assert frame["actor"].dtype == "int64" and frame["target"].dtype == "int64"
    assert frame.iloc[0][["actor", "target"]].tolist() == [223789, 213163]
    assert list(frame.columns) == ["actor", "target", "kind", "created_at"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_malformed_lines_are_counted(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "log.txt",
        "1 2 1341100972 RT\n"
        "only two\n"  # too few fields
        "1 2 3 4 5\n"  # too many
        "3 4 notatime RE\n"
        "5 6 1341100973 XX\n"
        "\n"
        "7 8 1341100974 MT\n",
    )
    archive = read_activity_log(path)
    assert archive.interactions[["actor", "target"]].values.tolist() == [["1", "2"], ["7", "8"]]
    led = archive.ledger.set_index("reason")["count"]
    assert led["line has fewer than 4 fields"] == 1
    assert led["line has more than 4 fields"] == 1
    assert led["time is not Unix seconds"] == 1
    assert led["code is not RT, MT or RE"] == 1
    # Six data lines: two taken, four counted.
    dropped = archive.ledger.loc[archive.ledger["action"] == "dropped", "count"].sum()
    assert len(archive.interactions) + dropped == 6


def test_string_ids_and_gzip_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "activity.dat"
    path.write_bytes(gzip.compress(b"alice bob 1341100972 RE\nbob alice 1341100980 RT\n"))
    archive = read_activity_log(path)
    assert archive.interactions["actor"].tolist() == ["alice", "bob"]
    frame = read_activity_table(path)
    assert frame["actor"].tolist() == ["alice", "bob"]  # not integers: stay strings
    assert frame["actor"].dtype == em.schema.ID_DTYPE


def test_nothing_parses_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "notes.txt", "hello world\nthis is not a log\n")
    with pytest.raises(CorruptExportError, match=r"notes.txt.*Data line 1"):
        read_activity_log(path)
    with pytest.raises(EmptyInputError):
        read_activity_log(_write(tmp_path / "empty.txt", ""))
    with pytest.raises(InvalidArgumentError):
        read_activity_log(123)  # type: ignore[arg-type]


def test_edge_list_integer_and_string_ids(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "edges.txt", "# Directed graph\n# FromNodeId\tToNodeId\n1\t2\n2 1\n1 3\n"
    )
    edges = read_edge_list(path)
    assert edges.dtypes.tolist() == ["int64", "int64"]
    assert edges.values.tolist() == [[1, 2], [2, 1], [1, 3]]
    strings = read_edge_list(path, as_strings=True)
    assert strings["source"].dtype == em.schema.ID_DTYPE
    assert strings["target"].tolist() == ["2", "1", "3"]
    # Hand value: 1<->2 mutual out of 3 arcs -> reciprocity 2/3.
    assert em.reciprocity(edges) == pytest.approx(2 / 3)
    # The int64 frame goes straight into account_metrics: hand counts per account.
    per_account = em.account_metrics(edges)
    assert per_account.loc[1, ["followers", "following"]].tolist() == [1, 2]
    assert per_account.loc[3, ["followers", "following"]].tolist() == [1, 0]


def test_edge_list_weight_gzip_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "higgs-retweet_network.edgelist.gz"
    path.write_bytes(gzip.compress(b"10 20 3\n20 10 1\n7\n1 2 3 4\n"))
    edges = read_edge_list(path)
    assert edges["weight"].tolist() == [3.0, 1.0]
    assert edges["source"].tolist() == [10, 20]
    led = ledger_of(edges).set_index("reason")["count"]
    assert led["line has fewer than 2 fields"] == 1
    assert led["line has more than 3 fields"] == 1
    with pytest.raises(CorruptExportError, match="no edge"):
        read_edge_list(_write(tmp_path / "x.txt", "justone\n"))


def test_can_read_and_dataset_dispatch(tmp_path: Path) -> None:
    log = _write(tmp_path / "log.txt", "1 2 1341100972 RT\n")
    edges = _write(tmp_path / "edges.txt", "1 2\n2 3\n")
    prose = _write(tmp_path / "prose.txt", "Dear diary, today I, well...\n")
    assert can_read(ExportFiles(log)) is None
    assert can_read(ExportFiles(edges)) is None
    assert "does not have lines" in can_read(ExportFiles(prose))
    a = read_research_dataset(log)
    assert len(a.interactions) == 1 and len(a.follows) == 0
    b = read_research_dataset(edges)
    assert b.follows[["source", "target"]].values.tolist() == [["1", "2"], ["2", "3"]]
    zipped = tmp_path / "bundle.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("data/higgs-activity_time.txt", "5 6 1341100972 MT\n")
    assert read_activity_log(zipped).interactions["target"].tolist() == ["6"]


def test_gzip_member_is_decompressed_under_the_size_caps(tmp_path: Path) -> None:
    # 1,000,000 identical lines of 18 bytes: 18 MB that gzip packs more than 200-fold, so
    # the decompressed stream passes the ratio cap (200 x the compressed size) and stops.
    body = b"1 2 1341100972 RT\n" * 1_000_000
    packed = gzip.compress(body, 9)
    assert len(body) > 200 * len(packed) and len(body) > 2**20
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(packed)
    with pytest.raises(em.UnsafeArchiveError, match="decompressed"):
        read_activity_log(path)
    # the same lines, fewer of them, are read
    small = tmp_path / "small.txt.gz"
    small.write_bytes(gzip.compress(b"1 2 1341100972 RT\n" * 10))
    assert len(read_activity_log(small).interactions) == 10


def test_lazy_public_names() -> None:
    assert em.read_activity_table is read_activity_table
    assert em.read_activity_log is read_activity_log
    assert em.read_edge_list is read_edge_list
