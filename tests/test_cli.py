"""The ``engagemetrics`` command: demo audit, JSON output, windows, errors, a real-format export."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.cli import main

# The demo account's follow snapshot as its generator specifies it (datasets.demo docstring):
# it follows 300 accounts, 600 follow it, 125 of them both ways.
DEMO_FOLLOWERS, DEMO_FOLLOWING, DEMO_MUTUALS = 600, 300, 125


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _number_after(label: str, text: str) -> str:
    """The value printed on the line that starts with ``label`` in the text audit."""
    match = re.search(rf"^\s+{re.escape(label)}\s+(\S+)\s*$", text, flags=re.MULTILINE)
    assert match, f"no line {label!r} in:\n{text}"
    return match.group(1)


@pytest.fixture(scope="module")
def demo():
    return em.datasets.demo()


def _replies_in(archive, start=None, end=None) -> int:
    """The ego's replies counted straight from the posts table (direct messages excluded)."""
    posts = archive.posts
    keep = (posts["author"] == archive.ego) & (posts["kind"] == "reply")
    keep &= posts["visibility"].astype(object) != "direct"
    if start is not None:
        keep &= posts["created_at"] >= pd.Timestamp(start, tz="UTC")
    if end is not None:
        keep &= posts["created_at"] < pd.Timestamp(end, tz="UTC")
    return int(keep.fillna(False).sum())


def test_default_audit_shows_follow_counts_and_ledger(capsys, demo):
    code, out, err = _run(capsys, [])
    assert code == 0
    assert err == ""
    assert out.startswith(f"engagemetrics: twitter account {demo.ego}")
    assert _number_after("followers", out) == f"{DEMO_FOLLOWERS:,}"
    assert _number_after("following", out) == f"{DEMO_FOLLOWING:,}"
    assert _number_after("mutuals", out) == f"{DEMO_MUTUALS:,}"
    # The vanity number is printed, but beside the follow-back rate: 125 / 300.
    assert _number_after("follower/following ratio (vanity number)", out) == "2.000"
    assert _number_after("follow-back rate (mutuals / following)", out) == "41.7%"
    assert _number_after("replies", out) == f"{_replies_in(demo):,}"
    assert "data-quality ledger" in out
    # Every ledger row of the archive is printed with its count and reason.
    for rec in demo.ledger.to_dict("records"):
        assert (
            f"{rec['count']:>8,}  {rec['action']:<7}  {rec['record_kind']}: {rec['reason']}" in out
        )


FLOAT_METRICS = {"follow_ratio", "follow_back_rate", "reciprocation_rate", "reciprocity_dice",
                 "reciprocity_jaccard", "reply_to_broadcast_ratio", "reply_share",
                 "thread_share", "followee_engagement", "outreach_gini", "outreach_entropy"}


def test_json_metrics_equal_ego_metrics(capsys, demo):
    code, out, _ = _run(capsys, ["--format", "json"])
    assert code == 0
    report = json.loads(out)
    assert report["platform"] == "twitter"
    assert report["ego"] == demo.ego
    assert report["window"] == [None, None]
    expected = em.ego_metrics(demo).iloc[0]
    assert set(report["metrics"]) == set(expected.index)
    for name, value in expected.items():
        got = report["metrics"][name]
        if name == "follow_basis":
            assert got == value == "snapshot"
        elif pd.isna(value):
            assert got is None, name
            assert report["unknown"].get(name) or name in FLOAT_METRICS, name
        else:
            assert math.isclose(got, float(value), rel_tol=1e-12), name
            if name not in FLOAT_METRICS:  # counts are JSON integers, not 61.0
                assert type(got) is int, name
    # Independent of ego_metrics: the generator's snapshot and a direct count of replies.
    assert (report["metrics"]["followers"], report["metrics"]["following"]) == (600, 300)
    assert report["metrics"]["mutuals"] == DEMO_MUTUALS
    assert report["metrics"]["replies"] == _replies_in(demo)
    assert report["ledger"] and all(rec["count"] > 0 for rec in report["ledger"])
    assert sum(r["count"] for r in report["ledger"]) == int(demo.ledger["count"].sum())


def test_window_changes_reply_counts_as_ego_metrics_does(capsys, demo):
    start, end = "2025-04-01", "2025-07-01"
    code, out, _ = _run(capsys, ["--format", "json", "--start", start, "--end", end])
    assert code == 0
    windowed = json.loads(out)
    assert windowed["window"] == [start, end]
    expected = em.ego_metrics(demo, start=start, end=end).iloc[0]
    assert windowed["metrics"]["replies"] == int(expected["replies"])
    assert windowed["metrics"]["posts"] == int(expected["posts"])
    assert windowed["metrics"]["replies"] == _replies_in(demo, start, end)
    # A quarter of a year of activity has fewer replies than the whole year.
    assert 0 < windowed["metrics"]["replies"] < _replies_in(demo)
    # The follow snapshot is not filtered by the window.
    assert windowed["metrics"]["followers"] == DEMO_FOLLOWERS

    code, text, _ = _run(capsys, ["--start", start, "--end", end])
    assert code == 0
    assert f"window: [{start}, {end})" in text
    assert _number_after("replies", text) == f"{_replies_in(demo, start, end):,}"


def test_bad_window_is_exit_2(capsys):
    code, out, err = _run(capsys, ["--start", "not a date"])
    assert code == 2
    assert out == ""
    assert "engagemetrics: error:" in err and "not a date" in err


def test_missing_path_is_exit_2_with_a_clear_message(capsys, tmp_path):
    missing = tmp_path / "no-such-export.zip"
    code, out, err = _run(capsys, [str(missing)])
    assert code == 2
    assert out == ""
    assert err.startswith("engagemetrics: error:")
    assert str(missing) in err
    assert "no such file" in err.lower()
    assert "Traceback" not in err


def test_garbage_file_is_exit_2_naming_the_formats_tried(capsys, tmp_path):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01\x02 this is not an export \xff\xfe")
    code, out, err = _run(capsys, [str(garbage)])
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    for platform in ("twitter", "mastodon", "bluesky", "instagram", "linkedin", "research"):
        assert platform in err, platform


def test_twitter_export_audited_by_path(capsys, tmp_path):
    path = em.datasets.demo_export("twitter", tmp_path)
    # Count followers, followings and the owner's id straight from the archive's .js files.
    with zipfile.ZipFile(path) as zf:
        followers = set(
            re.findall(r'"accountId"\s*:\s*"(\d+)"', zf.read("data/follower.js").decode())
        )
        following = set(
            re.findall(r'"accountId"\s*:\s*"(\d+)"', zf.read("data/following.js").decode())
        )
        ego = re.search(r'"accountId"\s*:\s*"(\d+)"', zf.read("data/account.js").decode()).group(1)
    code, out, err = _run(capsys, ["--format", "json", str(path)])
    assert code == 0, err
    report = json.loads(out)
    assert report["platform"] == "twitter"
    assert report["ego"] == ego
    assert report["metrics"]["followers"] == len(followers)
    assert report["metrics"]["following"] == len(following)
    assert report["metrics"]["mutuals"] == len(followers & following)

    code, text, _ = _run(capsys, [str(path)])
    assert code == 0
    assert text.startswith(f"engagemetrics: twitter account {ego}")
    assert _number_after("mutuals", text) == f"{len(followers & following):,}"


def test_module_runs_as_a_subprocess(demo):
    result = subprocess.run(
        [sys.executable, "-m", "engagemetrics.cli", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ego"] == demo.ego
    assert (report["metrics"]["followers"], report["metrics"]["mutuals"]) == (600, DEMO_MUTUALS)


def _strict_json(text: str):
    """Parse JSON as the standard defines it: NaN and Infinity are not JSON."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_json_is_strict_json_when_graph_reciprocity_is_undefined(capsys, monkeypatch):
    # A follow table of one self-follow: reciprocity has no arc to measure (NaN).
    lonely = em.Archive(follows=pd.DataFrame({"source": ["me"], "target": ["me"]}), ego="me",
                        scope="all")
    monkeypatch.setattr(em.datasets, "demo", lambda: lonely)
    code, out, _ = _run(capsys, ["--format", "json"])
    assert code == 0
    report = _strict_json(out)
    assert report["graph_reciprocity"] is None
    assert "undefined" in report["unknown"]["graph_reciprocity"]


def test_unreadable_export_is_exit_2(capsys, monkeypatch, tmp_path):
    def unreadable(path, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("engagemetrics.io.load.load", unreadable)
    code, out, err = _run(capsys, [str(tmp_path / "export.zip")])
    assert code == 2
    assert out == ""
    assert "Permission denied" in err
