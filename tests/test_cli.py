"""The ``engagemetrics`` command: the audit, its formats, its errors and their exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.cli import EXIT_CODES, main

# The demo account's follow snapshot as its generator specifies it (datasets.demo docstring):
# it follows 300 accounts, 600 follow it, 125 of them both ways.
DEMO_FOLLOWERS, DEMO_FOLLOWING, DEMO_MUTUALS = 600, 300, 125


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _number_after(label: str, text: str) -> str:
    """The value printed on the line that starts with ``label`` in the text audit."""
    match = re.search(rf"^\s+{re.escape(label)}\s+(\S+)", text, flags=re.MULTILINE)
    assert match, f"no line {label!r} in:\n{text}"
    return match.group(1)


def _numbers(section: list[dict]) -> dict[str, dict]:
    return {row["number"]: row for row in section}


@pytest.fixture(scope="module")
def demo():
    return em.datasets.demo()


def _own(archive, kind=None, start=None, end=None) -> int:
    """The owner's posts of a kind counted straight from the posts table (DMs excluded)."""
    posts = archive.posts
    keep = (posts["author"] == archive.ego) & (posts["visibility"].astype(object) != "direct")
    if kind is not None:
        keep &= posts["kind"] == kind
    if start is not None:
        keep &= posts["created_at"] >= pd.Timestamp(start, tz="UTC")
    if end is not None:
        keep &= posts["created_at"] < pd.Timestamp(end, tz="UTC")
    return int(keep.fillna(False).sum())


# --------------------------------------------------------------------------- the audit
def test_demo_audit_as_text(capsys, demo):
    code, out, err = _run(capsys, ["audit", "--demo"])
    assert (code, err) == (0, "")
    handle = demo.accounts.set_index("account_id").loc[demo.ego, "handle"]
    assert out.splitlines()[0] == (
        f"engagemetrics audit: @{handle} on twitter [the bundled demo account, synthetic]"
    )
    assert "export date: 2026-01-01" in out and "post log: 2025-01-01" in out
    assert "period audited: 2025Q4 (compared with 2025Q3)" in out
    assert _number_after("followers", out) == f"{DEMO_FOLLOWERS:,}"
    assert _number_after("mutuals", out) == f"{DEMO_MUTUALS:,}"
    # the vanity number beside the follow-back rate: 600 / 300, and 125 / 300
    assert _number_after("follower/following ratio", out) == "2.000"
    assert _number_after("follow-back rate", out) == "41.7%"
    # 2025Q4 replies, and their change from 2025Q3, counted straight from the posts
    q4 = _own(demo, "reply", "2025-10-01", "2026-01-01")
    q3 = _own(demo, "reply", "2025-07-01", "2025-10-01")
    line = next(x for x in out.splitlines() if x.strip().startswith("replies "))
    assert line.split()[1:] == [f"{q4:,}", f"({q4 - q3:+,})"]
    assert "replies received          unknown (an account's export holds its own posts" in out
    for rec in demo.ledger.to_dict("records"):
        assert f"{rec['count']:>8,}  {rec['action']:<7}  {rec['record_kind']}: {rec['reason']}" in out
    assert "docs/definitions.md" in out


def test_demo_audit_as_json(capsys, demo):
    code, out, _ = _run(capsys, ["audit", "--demo", "--format", "json"])
    assert code == 0
    report = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    assert report["kind"] == "account" and report["header"]["account"] == demo.ego
    follows = _numbers(report["follows"])
    assert (follows["followers"]["value"], follows["following"]["value"],
            follows["mutuals"]["value"]) == (DEMO_FOLLOWERS, DEMO_FOLLOWING, DEMO_MUTUALS)
    assert all(type(follows[k]["value"]) is int for k in ("followers", "following", "mutuals"))
    talk = _numbers(report["conversation"])
    assert talk["posts"]["value"] == _own(demo, None, "2025-10-01", "2026-01-01")
    assert talk["posts"]["previous"] == _own(demo, None, "2025-07-01", "2025-10-01")
    assert talk["mentions_received"]["value"] is None
    assert talk["mentions_received"]["unknown"].startswith("an account's export")
    assert report["ledger"] and all(rec["count"] > 0 for rec in report["ledger"])
    # the periods are the quarters of ego_metrics, as JSON
    assert [p["period"] for p in report["periods"]][-1] == "2025Q4"


def test_period_option(capsys, demo):
    code, out, _ = _run(capsys, ["audit", "--demo", "--period", "2025Q2", "--format", "json"])
    assert code == 0
    report = json.loads(out)
    assert (report["header"]["period"], report["header"]["previous_period"]) == ("2025Q2",
                                                                                 "2025Q1")
    talk = _numbers(report["conversation"])
    assert talk["replies"]["value"] == _own(demo, "reply", "2025-04-01", "2025-07-01")
    code, out, _ = _run(capsys, ["audit", "--demo", "--period", "2025-05", "--format", "json"])
    talk = _numbers(json.loads(out)["conversation"])
    assert talk["replies"]["value"] == _own(demo, "reply", "2025-05-01", "2025-06-01")


@pytest.mark.parametrize(("suffix", "check"), [
    (".json", lambda text: json.loads(text)["kind"] == "account"),
    (".md", lambda text: text.startswith("# engagemetrics audit: @")),
    (".html", lambda text: text.startswith("<!DOCTYPE html>") and "</html>" in text),
    (".txt", lambda text: text.startswith("engagemetrics audit: @")),
])
def test_out_writes_the_format_of_its_suffix(capsys, tmp_path, suffix, check):
    path = tmp_path / f"report{suffix}"
    code, out, err = _run(capsys, ["audit", "--demo", "--out", str(path)])
    assert (code, out, err) == (0, "", "")
    assert check(path.read_text(encoding="utf-8"))


def test_an_export_by_path(capsys, tmp_path, demo):
    path = em.datasets.write_export(demo, tmp_path / "twitter-2026-01-01-abc.zip",
                                    platform="twitter")
    code, out, _ = _run(capsys, [str(path), "--format", "json"])  # `audit` may be left out
    assert code == 0
    report = json.loads(out)
    follows = _numbers(report["follows"])
    assert follows["followers"]["value"] == len(demo.followers())
    assert follows["mutuals"]["value"] == len(demo.followers() & demo.following())


def test_previous_export_gives_the_follow_changes(capsys, tmp_path, demo):
    newer = em.datasets.write_export(demo, tmp_path / "new" / "twitter-2026-01-01-a.zip",
                                     platform="twitter")
    # an older snapshot: 25 fewer followers
    gone = sorted(demo.followers())[:25]
    older_follows = demo.follows[~(demo.follows["source"].isin(gone)
                                   & (demo.follows["target"] == demo.ego))]
    older = em.datasets.write_export(demo.replace(follows=older_follows,
                                                  exported_at="2025-10-01"),
                                     tmp_path / "old" / "twitter-2025-10-01-b.zip",
                                     platform="twitter")
    code, out, _ = _run(capsys, [str(newer), "--previous", str(older), "--format", "json"])
    assert code == 0
    report = json.loads(out)
    followers = _numbers(report["follows"])["followers"]
    assert (followers["previous"], followers["change"]) == (DEMO_FOLLOWERS - 25, 25)
    # churn: the 25 came, none left; the lift counts them among those who followed
    churn = {row["side"]: row for row in report["churn"]["sides"]}
    assert [churn["followers"][k] for k in ("start", "end", "new", "lost")] == [
        DEMO_FOLLOWERS - 25, DEMO_FOLLOWERS, 25, 0]
    assert sorted(r["account"] for r in report["churn"]["accounts"]) == gone
    groups = {row["group"]: row for row in report["lift"]["groups"]}
    assert groups["engaged"]["followed"] + groups["not_engaged"]["followed"] == 25
    assert report["lift"]["basis"] == "snapshots"
    # and the text shows the sections
    code, out, _ = _run(capsys, [str(newer), "--previous", str(older)])
    assert "Churn since the previous export (2025-10-01 to 2026-01-01):" in out
    assert "new followers (25): " in out and "and 5 more (all in the JSON)" in out
    assert "Engagement lift" in out and "Relationship quadrants in 2025Q4:" in out


def test_a_research_dataset_gets_a_dataset_summary(capsys, tmp_path):
    path = em.datasets.demo_export("research", tmp_path)
    code, out, _ = _run(capsys, ["audit", str(path), "--format", "json"])
    assert code == 0
    report = json.loads(out)
    assert report["kind"] == "dataset"
    sizes = {row["table"]: row["rows"] for row in report["dataset"]["size"]}
    archive = em.load(path)
    assert sizes["interactions"] == len(archive.interactions)
    reciprocity = {row["measure"]: row for row in report["dataset"]["reciprocity"]}
    assert reciprocity["reciprocity (arcs)"]["value"] is None  # a log holds no follows
    assert "not follows" in reciprocity["reciprocity (arcs)"]["unknown"]


def test_help_has_examples_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as done:
        main(["audit", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "engagemetrics audit --demo --out report.html" in text
    for code, meaning in EXIT_CODES.items():
        assert f"  {code}  {meaning}"[:60] in text


# --------------------------------------------------------------------------- errors
def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("engagemetrics: error: ")
    return lines[0]


def test_missing_path(capsys, tmp_path):
    code, out, err = _run(capsys, ["audit", str(tmp_path / "nope.zip")])
    assert (code, out) == (3, "")
    assert "no such file" in _one_line_error(err)


def test_empty_file(capsys, tmp_path):
    (tmp_path / "export.zip").write_bytes(b"")
    code, _, err = _run(capsys, ["audit", str(tmp_path / "export.zip")])
    assert code == 3 and "the file is empty (0 bytes)" in _one_line_error(err)


def test_not_a_zip(capsys, tmp_path):
    (tmp_path / "export.zip").write_bytes(b"this is not a zip at all")
    code, _, err = _run(capsys, ["audit", str(tmp_path / "export.zip")])
    assert code == 3 and "not a valid zip file" in _one_line_error(err)


def test_not_an_export_is_short(capsys, tmp_path):
    with zipfile.ZipFile(tmp_path / "holiday.zip", "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff")
    code, _, err = _run(capsys, ["audit", str(tmp_path / "holiday.zip")])
    line = _one_line_error(err)
    assert code == 3 and "is not an export engagemetrics reads" in line
    assert len(line) < 300  # the specific reason, not every format's story


def test_usage_errors(capsys, tmp_path):
    for argv in (["audit", "--demo", "--period", "someday"], ["audit", "--no-such-option"],
                 ["audit"], ["audit", "--demo", "export.zip"],
                 ["audit", "--demo", "--out", str(tmp_path / "report.pdf")]):
        code, out, err = _run(capsys, argv)
        assert (code, out) == (2, ""), argv
        _one_line_error(err)


def test_output_that_cannot_be_written(capsys, tmp_path):
    code, _, err = _run(capsys, ["audit", "--demo", "--out",
                                 str(tmp_path / "no-such-folder" / "r.json")])
    assert code == 5 and "cannot write" in _one_line_error(err)


def test_an_internal_error_is_one_line_and_debug_adds_the_traceback(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something we did not expect")

    monkeypatch.setattr("engagemetrics.report.audit", broken)
    code, out, err = _run(capsys, ["audit", "--demo"])
    assert (code, out) == (1, "")
    assert "internal error (RuntimeError: something we did not expect)" in _one_line_error(err)
    code, _, err = _run(capsys, ["audit", "--demo", "--debug"])
    assert code == 1 and "Traceback (most recent call last)" in err


def test_unreadable_export(capsys, monkeypatch, tmp_path):
    def unreadable(path, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("engagemetrics.io.load.load", unreadable)
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as z:
        z.writestr("data/tweets.js", "window.YTD.tweets.part0 = []")
    code, out, err = _run(capsys, ["audit", str(tmp_path / "export.zip")])
    assert (code, out) == (3, "")
    assert "Permission denied" in _one_line_error(err)


# --------------------------------------------------------------------------- as a program
def _program(*args: str) -> list[str]:
    return [sys.executable, "-m", "engagemetrics", *args]


def test_python_dash_m_runs_the_command():
    done = subprocess.run(_program("audit", "--demo", "--format", "json"), capture_output=True,
                          text=True, check=False, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["header"]["demo"] is True


def test_a_reader_that_closes_the_pipe_early_is_no_error():
    for _ in range(3):  # a race in the old command: it failed in 4 runs of 6
        process = subprocess.Popen(_program("audit", "--demo"), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()  # like `| head -1`
        err = process.stderr.read()
        process.stderr.close()
        assert process.wait() == 0
        assert first.startswith(b"engagemetrics audit:") and err == b""


def test_main_from_the_shell(tmp_path: Path):
    out = tmp_path / "report.html"
    done = subprocess.run(_program("audit", "--demo", "--out", str(out)), capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_progress_bar_on_request(capsys, tmp_path, demo):
    path = em.datasets.write_export(demo, tmp_path / "twitter-2026-01-01-abc.zip",
                                    platform="twitter")
    code, out, err = _run(capsys, ["audit", str(path), "--progress"])
    assert code == 0 and out.startswith("engagemetrics audit:")
    assert "tweets.js:" in err and "%|" in err  # tqdm's bar, on stderr only
    code, _, err = _run(capsys, ["audit", str(path), "--no-progress"])
    assert (code, err) == (0, "")


def test_demo_audit_compares_with_the_demos_earlier_export(capsys, demo):
    """--demo audits the demo against its export of a quarter earlier: churn and lift are
    numbers, counted here straight from the two snapshots' tables."""
    older = em.datasets.demo_previous()
    code, out, err = _run(capsys, ["audit", "--demo", "--format", "json"])
    assert (code, err) == (0, "")
    report = json.loads(out)
    ego = demo.ego

    def followers(archive):
        f = archive.follows
        return set(f.loc[f["target"] == ego, "source"])

    def following(archive):
        f = archive.follows
        return set(f.loc[f["source"] == ego, "target"])

    sides = {row["side"]: row for row in report["churn"]["sides"]}
    for side, of in (("followers", followers), ("following", following)):
        assert [sides[side][k] for k in ("start", "end", "new", "lost")] == [
            len(of(older)), len(of(demo)), len(of(demo) - of(older)), len(of(older) - of(demo))
        ]
    assert sides["followers"]["lost"] > 0 and sides["followers"]["new"] > 0
    # lift, by its definition (docs/definitions.md): accounts either export shows, other than
    # the owner, not following it in the older one; engaged = the owner replied to,
    # mentioned, reposted or quoted them between the exports; followed = follow it after
    seen = set()
    for archive in (older, demo):
        seen |= set(archive.follows["source"]) | set(archive.follows["target"])
        seen |= set(archive.interactions["actor"]) | set(archive.interactions["target"])
    universe = seen - {ego} - followers(older)
    log = demo.interactions
    between = (log["created_at"] >= older.exported_at) & (log["created_at"] < demo.exported_at)
    engaged = set(log.loc[(log["actor"] == ego) & between
                          & log["kind"].isin(["reply", "mention", "repost", "quote"]),
                          "target"]) & universe
    groups = {g["group"]: g for g in report["lift"]["groups"]}
    for name, members in (("engaged", engaged), ("not_engaged", universe - engaged)):
        assert [groups[name]["accounts"], groups[name]["followed"]] == [
            len(members), len(members & followers(demo))
        ]
    assert groups["engaged"]["share"] > groups["not_engaged"]["share"]  # planted by the demo


def test_demo_with_previous_is_refused(capsys, tmp_path):
    code, out, err = _run(capsys, ["audit", "--demo", "--previous", str(tmp_path / "x.zip")])
    assert code == 2 and out == ""
    assert "demo's own earlier export is used" in err
