"""Fuzzing every importer with real and generated exports, mutated (tests/_fuzz.py).

The property: whatever the file holds, an importer answers with an Archive or with one of
engagemetrics' own errors (engagemetrics.exceptions), never with another exception, and
within a time bound. The mutations are those of tests/_fuzz.py: truncated and flipped
bytes, wrong JSON/CSV/CBOR types, missing and extra keys, huge numbers, odd Unicode, empty
files, missing files, the wrong file in the right place.

CI runs 20 to 25 derandomized examples per importer (the hypothesis profile ``ci``,
the default), each under hypothesis's deadline and a SIGALRM watchdog (tests/_fuzz.py). A longer run (thousands of random
examples each)::

    HYPOTHESIS_PROFILE=long python -m pytest -n 2 -p no:cacheprovider tests/test_fuzz_importers.py
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engagemetrics as em
from _fuzz import (
    Files,
    mutate,
    mutate_bytes,
    only_our_errors,
    read_members,
    scaled,
    small_account,
    split_js,
    write,
)
from engagemetrics.io.bluesky import read_bluesky_repo

SAMPLE_X = "twitter/milahu-twitter-milahu104-2026-03-06"
CONTAINERS = st.sampled_from(["folder", "folder", "zip", "tar.gz"])


def _is_archive(result: object) -> bool:
    return isinstance(result, em.Archive | em.EngagemetricsError)


def _write_export(files: Files, kind: str, root: Path, name: str = "export") -> Path:
    suffix = {"folder": "", "zip": ".zip", "tar.gz": ".tar.gz"}[kind]
    return write(files, root / f"{name}{suffix}", kind)


def _fuzz_reader(data, seeds: list[Files], read, donors: list[Files] = ()) -> None:
    seed = data.draw(st.sampled_from(range(len(seeds))), label="seed")
    files = mutate(data, seeds[seed], donors)
    kind = data.draw(CONTAINERS, label="container")
    with tempfile.TemporaryDirectory() as root:
        path = _write_export(files, kind, Path(root))
        use_load = data.draw(st.booleans(), label="via em.load")
        result = only_our_errors(lambda: em.load(path) if use_load else read(path))
    assert _is_archive(result), result


def _slice_js(raw: bytes, keep: int) -> bytes:
    prefix, value = split_js(raw)
    items = value[:keep] if isinstance(value, list) else value
    return prefix + json.dumps(items, indent=2, ensure_ascii=False).encode()


# --------------------------------------------------------------------------- seeds
@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, list[Files]]:
    """Small exports of every platform: generated, and cut from the real samples."""
    root = tmp_path_factory.mktemp("seeds")
    out: dict[str, list[Files]] = {}
    x = em.datasets.write_twitter_archive(
        small_account("twitter"), root / f"twitter-2026-01-01-{'a' * 64}.zip"
    )
    out["twitter"] = [read_members(x)]
    mastodon = em.datasets.write_mastodon_archive(
        small_account("mastodon"), root / "m" / "archive-20260101000000-0123456789abcdef0123456789abcdef.zip"
    )
    members = read_members(mastodon)
    for csv in ("following_accounts.csv", "follower_accounts.csv"):
        members[csv] = (mastodon.parent / csv).read_bytes()
    members["muted_accounts.csv"] = b"Account address,Hide notifications\nann@h.example,true\n"
    members["blocked_accounts.csv"] = b"bob@h.example\n"
    members["lists.csv"] = b"Friends,cy@h.example\n"
    out["mastodon"] = [members]
    car = em.datasets.write_bluesky_repo(small_account("bluesky"), root / "repo.car")
    out["bluesky"] = [{"repo.car": car.read_bytes()}]
    insta = em.datasets.write_instagram_export(
        small_account("instagram"), root / "instagram-oknist-2026-01-01-ff2e005e.zip"
    )
    out["instagram"] = [read_members(insta)]
    linked = em.datasets.write_linkedin_export(
        small_account("linkedin"), root / "Basic_LinkedInDataExport_01-01-2026.zip"
    )
    members = read_members(linked)
    members["messages.csv"] = (
        b"CONVERSATION ID,FROM,TO,DATE,CONTENT\n1,Ann,Me,2025-03-04 10:00:00 UTC,\"hi, you\"\n"
    )
    out["linkedin"] = [members]
    log = em.datasets.write_activity_log(small_account("twitter"), root / "activity.txt")
    lines = log.read_bytes().splitlines(keepends=True)[:40]
    out["research"] = [{"activity.txt": b"".join(lines)}, {"edges.txt": b"# a b\n1 2\n2 1\n1 3\n"}]
    return out


@pytest.fixture(scope="module")
def real_seeds(seeds, samples) -> dict[str, list[Files]]:
    """The seeds above, and the same cut from the real samples (which the fixture may skip)."""
    out = {k: list(v) for k, v in seeds.items()}
    data = samples / SAMPLE_X / "data"
    keep = {"tweets.js": 12, "follower.js": 8, "following.js": 8, "block.js": 4, "mute.js": 4,
            "tweet-headers.js": 6, "account.js": 1, "screen-name-change.js": 2}
    files = {f"data/{n}": _slice_js((data / n).read_bytes(), k) for n, k in keep.items()}
    files["data/manifest.js"] = (data / "manifest.js").read_bytes()
    out["twitter"].append(files)
    for car in sorted((samples / "bluesky").glob("*.car")):
        out["bluesky"].append({car.name: car.read_bytes()})
    with gzip.open(samples / "snap-higgs-twitter" / "higgs-activity_time.txt.gz") as fh:
        head = b"".join(next(fh) for _ in range(40))
    out["research"].append({"higgs-activity_time.txt": head})
    return out


# --------------------------------------------------------------------------- importers
@scaled(25)
@given(data=st.data())
def test_x_archive(real_seeds, data):
    _fuzz_reader(data, real_seeds["twitter"], em.read_twitter_archive,
                 donors=real_seeds["mastodon"])


@scaled(25)
@given(data=st.data())
def test_mastodon_archive_and_csvs(seeds, data):
    _fuzz_reader(data, seeds["mastodon"], em.read_mastodon_archive, donors=seeds["twitter"])


@scaled(25)
@given(data=st.data())
def test_bluesky_car(real_seeds, data):
    seeds = real_seeds["bluesky"]
    files = mutate(data, seeds[data.draw(st.sampled_from(range(len(seeds))), label="seed")],
                   real_seeds["mastodon"])
    with tempfile.TemporaryDirectory() as root:
        how = data.draw(st.sampled_from(["file", "folder", "zip", "bytes"]), label="how")
        if how == "bytes":
            body = next(iter(files.values()), b"")
            result = only_our_errors(lambda: read_bluesky_repo(body))
        else:
            if how == "file" and len(files) == 1:
                path = Path(root) / next(iter(files))
                path.write_bytes(next(iter(files.values())))
            else:
                path = _write_export(files, "zip" if how == "zip" else "folder", Path(root))
            result = only_our_errors(lambda: em.load(path) if data.draw(st.booleans())
                                     else read_bluesky_repo(path))
    assert _is_archive(result), result


@scaled(20)
@given(data=st.data())
def test_instagram_json(seeds, data):
    _fuzz_reader(data, seeds["instagram"], em.read_instagram_export, donors=seeds["mastodon"])


@scaled(20)
@given(data=st.data())
def test_linkedin_csv(seeds, data):
    _fuzz_reader(data, seeds["linkedin"], em.read_linkedin_export, donors=seeds["research"])


@scaled(20)
@given(data=st.data())
def test_research_logs(real_seeds, data):
    seeds = real_seeds["research"]
    files = mutate(data, seeds[data.draw(st.sampled_from(range(len(seeds))), label="seed")],
                   real_seeds["linkedin"])
    if not files:
        return
    name, body = next(iter(files.items()))
    if data.draw(st.booleans(), label="gzip"):
        name, body = name + ".gz", gzip.compress(body)
        if data.draw(st.booleans(), label="damage the gzip"):
            body = mutate_bytes(data, body)
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / name
        path.write_bytes(body)
        read = data.draw(st.sampled_from([em.load, em.read_activity_log, em.read_edge_list,
                                          em.read_activity_table]), label="reader")
        result = only_our_errors(lambda: read(path))
    assert isinstance(result, em.Archive | em.EngagemetricsError | pd.DataFrame), result


# --------------------------------------------------------------------------- add_followers
@pytest.fixture(scope="module")
def follower_bases(seeds) -> dict[str, em.Archive]:
    with tempfile.TemporaryDirectory() as root:
        car = Path(root) / "repo.car"
        car.write_bytes(seeds["bluesky"][0]["repo.car"])
        bluesky = read_bluesky_repo(car)
        folder = write(seeds["mastodon"][0], Path(root) / "m", "folder")
        mastodon = em.read_mastodon_archive(folder)
    return {"bluesky": bluesky, "mastodon": mastodon}


@pytest.fixture(scope="module")
def follower_inputs(follower_bases) -> list[tuple[str, Files]]:
    bsky = follower_bases["bluesky"]
    page = {
        "subject": {"did": bsky.ego, "handle": "me.test"},
        "followers": [{"did": "did:plc:ann", "handle": "ann.test", "displayName": "Ann"},
                      {"did": "did:plc:bob", "handle": "bob.test"}],
        "cursor": "abc",
    }
    accounts = [
        {"id": "1", "username": "ann", "acct": "ann@h.example", "url": "https://h.example/@ann",
         "uri": "https://h.example/users/ann", "display_name": "Ann"},
        {"id": "2", "username": "bob", "acct": "bob", "url": "https://x.example/@bob"},
    ]
    return [
        ("bluesky", {"page1.json": json.dumps(page).encode(),
                     "followers.csv": b"did,handle\ndid:plc:cy,cy.test\n"}),
        ("mastodon", {"followers.json": json.dumps(accounts).encode(),
                      "follower_accounts.csv": b"Account address\nann@h.example\nbob@x.example\n"}),
    ]


@scaled(20)
@given(data=st.data())
def test_add_followers_csv_and_api_pages(follower_bases, follower_inputs, data):
    platform, files = follower_inputs[data.draw(st.sampled_from([0, 1]), label="input")]
    files = mutate(data, files)
    with tempfile.TemporaryDirectory() as root:
        folder = write(files, Path(root) / "pages", "folder")
        target = data.draw(st.sampled_from(["folder", *sorted(files)]), label="given")
        path = folder if target == "folder" else folder / target
        result = only_our_errors(lambda: em.add_followers(follower_bases[platform], path))
    assert _is_archive(result), result


# --------------------------------------------------------------------------- containers
@scaled(20)
@given(data=st.data())
def test_damaged_containers(seeds, data):
    platform = data.draw(st.sampled_from(["twitter", "mastodon", "instagram", "linkedin"]))
    kind = data.draw(st.sampled_from(["zip", "tar.gz"]), label="container")
    with tempfile.TemporaryDirectory() as root:
        path = _write_export(seeds[platform][0], kind, Path(root))
        path.write_bytes(mutate_bytes(data, path.read_bytes()))
        result = only_our_errors(lambda: em.load(path))
    assert _is_archive(result), result


# --------------------------------------------------------------------------- generic CSV
GENERIC_FOLLOWS = (
    b"source,target,followed_at\nann,bob,2025-01-02T10:00:00Z\nbob,ann,2025-01-03\n"
    b"cy,ann,\nann,cy,2025-02-01 12:00:00+00:00\n"
)
GENERIC_POSTS = (
    b"post_id,author,created_at,kind,parent_id,parent_author\n"
    b"1,ann,2025-01-02T10:00:00Z,post,,\n2,bob,2025-01-02T11:00:00Z,reply,1,ann\n"
    b"3,ann,2025-01-03T09:00:00Z,reply,2,bob\n4,cy,2025-01-04,repost,1,ann\n"
)


@scaled(20)
@given(data=st.data())
def test_generic_csv(data):
    which = data.draw(st.sampled_from(["follows", "posts"]), label="table")
    body = GENERIC_FOLLOWS if which == "follows" else GENERIC_POSTS
    files = mutate(data, {f"{which}.csv": body}, [{"posts.csv": GENERIC_POSTS}])
    if not files:
        return
    name, body = next(iter(files.items()))
    if data.draw(st.booleans(), label="gzip"):
        name, body = name + ".gz", gzip.compress(body)
    read = em.read_follows if which == "follows" else em.read_posts
    errors = data.draw(st.sampled_from(["raise", "coerce", "drop"]), label="errors")
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / name
        path.write_bytes(body)
        result = only_our_errors(lambda: read(path, errors=errors))
    assert isinstance(result, pd.DataFrame | em.EngagemetricsError), result
