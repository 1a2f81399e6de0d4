"""Exports in pieces: a Mastodon archive with its CSVs beside it, one id per person."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import engagemetrics as em
from _fixtures_social import (
    SPLIT_BOB,
    SPLIT_CAROL,
    SPLIT_EGO,
    SPLIT_NAME,
    mastodon_split_files,
    write_container,
)
from engagemetrics.io.mastodon import read_mastodon_archive

ENGAGING = ["reply", "mention", "repost", "quote"]


def followee_engagement(archive: em.Archive) -> float:
    """Share of the accounts the ego follows that are targets of its replies, mentions,
    reposts or quotes (self excluded): computed here from the archive's tables."""
    it = archive.interactions
    mine = it[(it["actor"] == archive.ego) & it["kind"].isin(ENGAGING) & ~it["is_self"]]
    following = archive.following()
    return len(following & set(mine["target"])) / len(following)


def split_export(tmp_path: Path) -> tuple[Path, Path]:
    """A folder holding the archive zip and its CSV exports; returns (folder, zip)."""
    archive, csvs = mastodon_split_files()
    folder = tmp_path / "export"
    folder.mkdir()
    write_container(archive, folder / SPLIT_NAME, "zip")
    write_container(csvs, folder, "folder")
    return folder, folder / SPLIT_NAME


def check_one_id_per_person(a: em.Archive) -> None:
    # bob: the Mention tag's pair; carol: /users/carol means carol@mastodon.social (any
    # case); dan: in no post, so his acct is his id, counted in the ledger.
    assert a.ego == SPLIT_EGO
    assert a.following() == {SPLIT_BOB, SPLIT_CAROL, "dan@far.example"}
    ids = set(a.accounts["account_id"])
    assert {"bob@mastodon.social", "CAROL@Mastodon.Social", "carol@mastodon.social"}.isdisjoint(
        ids
    )
    aliases = dict(zip(a.accounts["account_id"], a.accounts["aliases"].tolist(), strict=True))
    assert "CAROL@Mastodon.Social" in aliases[SPLIT_CAROL]
    assert "bob@mastodon.social" in aliases[SPLIT_BOB]
    led = a.ledger.set_index("reason")
    unmatched = "following entry matched to no account seen in the archive (kept as given)"
    assert (led.loc[unmatched, "count"], led.loc[unmatched, "action"]) == (1, "flagged")
    # Followee engagement by hand: following {bob, carol, dan}; the ego replied to bob and
    # boosted carol; dan was never engaged -> 2 / 3 (before one id per person: 1 / 3).
    assert followee_engagement(a) == pytest.approx(2 / 3)


def test_csv_passed_to_load(tmp_path: Path) -> None:
    folder, archive = split_export(tmp_path)
    a = em.load(archive, following=folder / "following_accounts.csv")
    check_one_id_per_person(a)
    assert a.coverage.known("following") and not a.coverage.known("followers")


def test_csv_in_the_same_folder(tmp_path: Path) -> None:
    folder, _ = split_export(tmp_path)
    a = em.load(folder)
    check_one_id_per_person(a)
    assert a.exported_at == pd.Timestamp("2024-12-01 12:34:56", tz="UTC")  # the zip's name


def test_parts_given_as_a_list(tmp_path: Path) -> None:
    folder, archive = split_export(tmp_path)
    check_one_id_per_person(em.load([archive, folder / "following_accounts.csv"]))


def test_reader_takes_the_csv_too(tmp_path: Path) -> None:
    folder, archive = split_export(tmp_path)
    check_one_id_per_person(
        read_mastodon_archive(archive, following=folder / "following_accounts.csv")
    )


def test_ego_metrics_see_the_same_share(tmp_path: Path) -> None:
    folder, _ = split_export(tmp_path)
    row = em.ego_metrics(em.load(folder))
    assert float(row["followee_engagement"].iloc[0]) == pytest.approx(2 / 3)


def test_archive_alone_says_where_the_csv_is(tmp_path: Path) -> None:
    folder, archive = split_export(tmp_path)
    a = em.load(archive)
    assert a.following() == set()
    reason = a.coverage.reason("following")
    assert "following_accounts.csv lies beside the archive" in reason
    assert "following=" in reason


def test_other_csv_exports_are_counted(tmp_path: Path) -> None:
    folder, _ = split_export(tmp_path)
    led = em.load(folder).ledger
    counts = {
        (r.source, r.record_kind): r.count for r in led.itertuples() if r.source.endswith(".csv")
    }
    # rows written in mastodon_split_files: 2 mutes (after the header), 3 blocks, 2 list
    # members, 1 domain block, 2 bookmarks; the following CSV's unmatched dan is flagged
    assert counts == {
        ("muted_accounts.csv", "mute"): 2,
        ("blocked_accounts.csv", "block"): 3,
        ("lists.csv", "list member"): 2,
        ("blocked_domains.csv", "domain block"): 1,
        ("bookmarks.csv", "bookmark"): 2,
        ("following_accounts.csv", "following"): 1,
    }


@pytest.mark.parametrize("name", ["following_accounts.csv", "renamed.csv"])
def test_a_following_csv_alone_says_how_to_load_it(tmp_path: Path, name: str) -> None:
    folder, _ = split_export(tmp_path)
    alone = tmp_path / name
    alone.write_text((folder / "following_accounts.csv").read_text())
    with pytest.raises(em.ExportPartError) as info:
        em.load(alone)
    message = str(info.value)
    assert "Mastodon's following list" in message
    assert f"following={name!r}" in message and "--following" in message
    assert isinstance(info.value, em.UnknownFormatError)


def test_a_followers_csv_alone(tmp_path: Path) -> None:
    path = tmp_path / "follower_accounts.csv"
    path.write_text("Account address\nbob@mastodon.social\n")
    with pytest.raises(em.ExportPartError, match="followers="):
        em.load(path)


def test_followers_for_load(tmp_path: Path) -> None:
    folder, archive = split_export(tmp_path)
    followers = tmp_path / "followers.csv"
    followers.write_text("Account address\nbob@mastodon.social\nerin@e.example\n")
    a = em.load(folder, followers=followers)
    # bob maps to his URI (a mutual); erin is unknown and kept as her acct
    assert a.followers() == {SPLIT_BOB, "erin@e.example"}
    assert a.followers() & a.following() == {SPLIT_BOB}
    assert a.coverage.known("followers")


def test_following_refused_where_the_export_has_its_own(samples: Path, tmp_path: Path) -> None:
    car = samples / "bluesky" / "greenground.repo.car"
    with pytest.raises(em.InvalidArgumentError, match="following="):
        em.load(car, following=tmp_path / "x.csv")


def test_two_archives_in_one_folder_are_refused(tmp_path: Path) -> None:
    folder, archive = split_export(tmp_path)
    second = folder / "archive-20250101000000-0123456789abcdef0123456789abcdef.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(second, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
    with pytest.raises(em.InvalidArgumentError, match="2 Mastodon archives"):
        em.load(folder)


def test_csv_given_with_the_cli_option(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from engagemetrics.cli import main

    folder, archive = split_export(tmp_path)
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / archive.name).write_bytes(archive.read_bytes())  # the zip without its CSVs
    csv = folder / "following_accounts.csv"
    argv = [str(alone / archive.name), "--period", "2024Q4", "--format", "json"]
    assert main([*argv, "--following", str(csv)]) == 0
    report = json.loads(capsys.readouterr().out)
    follows = {row["number"]: row for row in report["follows"]}
    talk = {row["number"]: row for row in report["conversation"]}
    # following {bob, carol, dan}; in 2024Q4 the ego replied to bob and boosted carol: 2 / 3
    assert follows["following"]["value"] == 3
    assert talk["followee_engagement"]["value"] == pytest.approx(2 / 3)
    # and without it, the following list is unknown, not empty
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert {row["number"]: row for row in report["follows"]}["following"]["value"] is None
    talk = {row["number"]: row for row in report["conversation"]}
    assert talk["followee_engagement"]["value"] is None


@pytest.mark.samples
def test_ego_given_with_the_cli_option(samples: Path, tmp_path: Path, capsys) -> None:
    from engagemetrics.cli import main

    # The follow lists of the real X sample and an empty tweets.js: nothing names the owner.
    data = tmp_path / "subset" / "data"
    data.mkdir(parents=True)
    for name in ("follower.js", "following.js"):
        shutil.copy(samples / "twitter/milahu-twitter-milahu104-2026-03-06/data" / name, data)
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = [ ]", encoding="utf-8")
    assert main([str(tmp_path / "subset")]) == 4  # the export is not enough: no owner
    err = capsys.readouterr().err
    assert "--ego" in err and len(err.strip().splitlines()) == 1
    owner = "1964312974236991488"
    assert main([str(tmp_path / "subset"), "--ego", owner, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["header"]["account"] == owner
    follows = {row["number"]: row["value"] for row in report["follows"]}
    # README: 61 followers, 167 following, 6 mutual
    assert [follows[c] for c in ("followers", "following", "mutuals")] == [61, 167, 6]
