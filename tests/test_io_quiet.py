"""The library writes nothing by itself: loading any sample or generated export prints nothing.

Problems go to the ledger (and, where documented, a DataQualityWarning), never to stdout or
stderr. In-process, capfd sees the file descriptors; a subprocess with no logging
configuration also checks that nothing reaches Python's last-resort log handler (which
pytest's own log capture would hide).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import engagemetrics as em
from _fixtures_social import (
    instagram_2022_files,
    instagram_2024_files,
    instagram_2026_files,
    linkedin_2018_csv,
    linkedin_zip_files,
    mastodon_archive_files,
    mastodon_archive_name,
    mastodon_split_files,
    write_container,
)
from _twitter_fixtures import follow_records, tweet, write_js, x_time

SAMPLE_PATHS = [
    "twitter/milahu-twitter-milahu104-2026-03-06",
    "bluesky/bnewbold.robocracy.org.20250310005405.car",
    "bluesky/paul_staging.repo.car",
    "bluesky/greenground.repo.car",
    "bluesky/repo_slice.car",
    "bluesky/msttest-06-reply.car",
    "snap-higgs-twitter/higgs-activity_time.txt.gz",
]


def generated_exports(root: Path) -> list[Path]:
    """Every export the library's writers and the test fixtures produce, written under root."""
    paths: list[Path] = []
    for platform in em.datasets.EXPORT_PLATFORMS:
        folder = root / f"demo-{platform}"
        path = em.datasets.demo_export(platform, folder)
        paths.append(path)
        if platform == "mastodon":
            paths.append(folder)  # the archive with its CSVs beside it
    for variant, kind, suffix in (("2022", "tar.gz", ".tar.gz"), ("2024", "zip", ".zip"),
                                  ("2026", "folder", "")):
        dest = root / f"mastodon-{variant}" / (mastodon_archive_name(variant) + suffix)
        dest.parent.mkdir()
        paths.append(write_container(mastodon_archive_files(variant), dest, kind))
    split = root / "mastodon-split"
    archive, csvs = mastodon_split_files()
    split.mkdir()
    write_container(archive, split / "archive-20241201123456-0123456789abcdef0123456789abcdef.zip",
                    "zip")
    write_container(csvs, split, "folder")
    paths.append(split)
    for name, files in (("ig-2024", instagram_2024_files()), ("ig-2026", instagram_2026_files()),
                        ("ig-2022", instagram_2022_files())):
        paths.append(write_container(files, root / f"{name}.zip", "zip"))
    paths.append(write_container(linkedin_zip_files(), root / "Basic_LinkedInDataExport_12-08-2025.zip",
                                 "zip"))
    (root / "li2018").mkdir()
    (root / "li2018" / "Connections.csv").write_text(linkedin_2018_csv())
    paths.append(root / "li2018" / "Connections.csv")
    subset = root / "x-subset" / "data"
    tweets = [tweet("10", x_time(2026, 1, 1), "hi"),
              tweet("11", x_time(2026, 1, 2), "more", reply_to_status="10", reply_to_user="7")]
    write_js(subset / "tweets.js", "YTD.tweets.part0", [{"tweet": t} for t in tweets])
    write_js(subset / "follower.js", "YTD.follower.part0", follow_records("follower", ["3"]))
    paths.append(subset.parent)
    return paths


def _load_quietly(path: Path) -> em.Archive:
    with warnings.catch_warnings(record=True):  # a documented DataQualityWarning is allowed
        warnings.simplefilter("always")
        return em.load(path)


def test_samples_print_nothing(
    samples: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="engagemetrics")
    for rel in SAMPLE_PATHS:
        archive = _load_quietly(samples / rel)
        assert len(archive.follows) + len(archive.posts) + len(archive.interactions) > 0, rel
        out, err = capfd.readouterr()
        assert (out, err) == ("", ""), rel
    assert [r.getMessage() for r in caplog.records] == []


def test_generated_exports_print_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="engagemetrics")
    paths = generated_exports(tmp_path)
    capfd.readouterr()  # writing them is not what is checked here
    # 6 demo exports + the Mastodon demo folder + 3 Mastodon variants + the split export +
    # 3 Instagram + 2 LinkedIn + the X subset = 17
    assert len(paths) == 17
    for path in paths:
        archive = _load_quietly(path)
        assert archive.platform in em.archive.PLATFORMS, path
        out, err = capfd.readouterr()
        assert (out, err) == ("", ""), path
    assert [r.getMessage() for r in caplog.records] == []


def test_nothing_reaches_the_last_resort_log_handler(tmp_path: Path, samples: Path) -> None:
    paths = [str(p) for p in generated_exports(tmp_path)]
    paths += [str(samples / rel) for rel in SAMPLE_PATHS]
    script = (
        "import json, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "import engagemetrics as em\n"
        "for p in json.loads(sys.argv[1]):\n"
        "    em.load(p)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")
