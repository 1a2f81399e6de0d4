"""Tests of add_followers / Archive.with_followers: followers that an export lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.exceptions import (
    CorruptExportError,
    EmptyInputError,
    InvalidArgumentError,
    MissingColumnsError,
    NoEgoError,
)
from engagemetrics.io.bluesky import read_bluesky_repo
from engagemetrics.io.followers import add_followers

ME = "did:plc:me"


def _bsky_archive() -> em.Archive:
    return em.Archive(
        follows=pd.DataFrame(
            {"source": [ME] * 3, "target": ["did:plc:a", "did:plc:b", "did:plc:c"]}
        ),
        accounts=pd.DataFrame(
            {
                "account_id": [ME, "did:plc:c"],
                "handle": [None, "cee.test"],
                "display_name": ["Me", None],
            }
        ),
        ego=ME,
        platform="bluesky",
    )


def _page(followers: list[dict], subject: str = ME, cursor: str | None = "c1") -> dict:
    page = {"subject": {"did": subject, "handle": "me.test"}, "followers": followers}
    if cursor:
        page["cursor"] = cursor
    return page


def test_bluesky_pages_in_a_folder_make_reciprocity_computable(tmp_path: Path) -> None:
    archive = _bsky_archive()
    assert archive.followers() == set()  # a repo has no followers
    pages = tmp_path / "followers"
    pages.mkdir()
    (pages / "page1.json").write_text(
        json.dumps(
            _page(
                [
                    {"did": "did:plc:a", "handle": "ay.test", "displayName": "Ay"},
                    {"did": "did:plc:x", "handle": "ex.test"},
                ]
            )
        )
    )
    (pages / "page2.json").write_text(
        json.dumps(
            _page(
                [
                    {"did": "did:plc:x", "handle": "ex.test"},  # pagination overlap
                    {"did": "did:plc:c", "handle": "cee.test"},
                    {"did": ME, "handle": "me.test"},
                ],
                cursor=None,
            )
        )
    )
    result = em.add_followers(archive, pages)
    # Hand count: followers a, x, c; following a, b, c; mutual a, c.
    assert result.followers() == {"did:plc:a", "did:plc:x", "did:plc:c"}
    assert result.followers() & result.following() == {"did:plc:a", "did:plc:c"}
    # The input is untouched; the new edges point at the ego and have no time.
    assert len(archive.follows) == 3 and archive.followers() == set()
    added = result.follows[result.follows["target"] == ME]
    assert len(added) == 3 and added["followed_at"].isna().all()
    led = result.ledger.set_index("reason")["count"]
    assert led["listed more than once in the input"] == 1
    assert led["the ego itself (a self-follow is not added)"] == 1
    # x is in no table of the archive: kept under its DID, and counted (a and c are known)
    assert led["follower entry matched to no account seen in the archive (kept as given)"] == 1
    accounts = result.accounts.set_index("account_id")
    assert accounts.loc["did:plc:a", "handle"] == "ay.test"
    assert accounts.loc["did:plc:a", "display_name"] == "Ay"
    assert accounts.loc[ME, "display_name"] == "Me"  # known values kept
    assert accounts.loc[ME, "handle"] == "me.test"  # the ego's handle, from the subject


def test_reciprocity_oracle_against_networkx(tmp_path: Path) -> None:
    nx = pytest.importorskip("networkx")
    archive = _bsky_archive()
    result = add_followers(archive, _page([{"did": "did:plc:a"}, {"did": "did:plc:z"}]))
    graph = nx.DiGraph()
    graph.add_edges_from(zip(result.follows["source"], result.follows["target"], strict=True))
    mutual = {n for n in graph.successors(ME) if graph.has_edge(n, ME)}
    assert mutual == result.followers() & result.following() == {"did:plc:a"}


def test_existing_follower_edge_is_counted_not_duplicated() -> None:
    archive = em.Archive(
        follows=pd.DataFrame({"source": [ME, "did:plc:a"], "target": ["did:plc:a", ME]}),
        ego=ME,
        platform="bluesky",
    )
    result = add_followers(archive, _page([{"did": "did:plc:a"}, {"did": "did:plc:n"}]))
    assert len(result.follows) == 3
    led = result.ledger.set_index("reason")["count"]
    assert led["already in the archive's follows"] == 1


def test_page_of_another_account_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="did:plc:someoneelse"):
        add_followers(_bsky_archive(), _page([{"did": "did:plc:a"}], subject="did:plc:someoneelse"))


def test_csv_of_dids_and_handles_for_bluesky(tmp_path: Path) -> None:
    path = tmp_path / "followers.csv"
    path.write_text("did:plc:a\n@cee.test\nunknown.test\n")
    result = add_followers(_bsky_archive(), path)
    # cee.test is a known handle of did:plc:c; unknown.test cannot become a DID offline.
    assert result.followers() == {"did:plc:a", "did:plc:c"}
    led = result.ledger.set_index("reason")["count"]
    assert led["handle not resolvable to a DID offline (identity is by DID)"] == 1


def test_real_bluesky_repo_with_followers(samples: Path) -> None:
    archive = read_bluesky_repo(samples / "bluesky" / "greenground.repo.car")
    followed = sorted(archive.following())
    page = {
        "subject": {"did": archive.ego},
        "followers": [{"did": followed[0]}, {"did": "did:plc:new"}],
    }
    result = em.add_followers(archive, page)
    assert result.followers() & result.following() == {followed[0]}
    assert result.platform == "bluesky" and result.ego == archive.ego


# ----------------------------------------------------------------------------- Mastodon
MASTO_EGO = "https://example.social/users/alice"
BOB_URI = "https://mastodon.social/users/bob"


def _masto_archive() -> em.Archive:
    # As the Mastodon reader builds it: bob's URI was revealed by a Mention, carol and
    # frank are known only by acct; handle = full acct.
    return em.Archive(
        follows=pd.DataFrame(
            {
                "source": [MASTO_EGO] * 3,
                "target": [BOB_URI, "carol@other.example", "frank@far.example"],
            }
        ),
        accounts=pd.DataFrame(
            {
                "account_id": [MASTO_EGO, BOB_URI, "carol@other.example", "frank@far.example"],
                "handle": [
                    "alice@example.social",
                    "bob@mastodon.social",
                    "carol@other.example",
                    "frank@far.example",
                ],
            }
        ),
        ego=MASTO_EGO,
        platform="mastodon",
    )


def _account(acct: str, url: str, uri: str | None = None, name: str = "") -> dict:
    account = {
        "id": "1099",
        "username": acct.split("@")[0],
        "acct": acct,
        "url": url,
        "display_name": name,
    }
    if uri:
        account["uri"] = uri
    return account


def test_mastodon_api_pages_map_to_reader_ids(tmp_path: Path) -> None:
    page = [
        _account("bob@mastodon.social", "https://mastodon.social/@bob", name="Bob"),
        _account(
            "carol@other.example",
            "https://other.example/@carol",
            uri="https://other.example/users/carol",
        ),
        _account("hal", "https://example.social/@hal"),  # local to the ego's server
        _account("gina@x.example", "https://x.example/@gina", uri="https://x.example/users/gina"),
    ]
    path = tmp_path / "followers_page1.json"
    path.write_text(json.dumps(page))
    archive = _masto_archive()
    result = em.add_followers(archive, path)
    # bob by handle -> his URI; carol by handle -> her acct id (the reader's id, not
    # the API uri); hal completed with the host of url; gina unknown -> full acct.
    assert result.followers() == {
        BOB_URI,
        "carol@other.example",
        "hal@example.social",
        "gina@x.example",
    }
    assert result.followers() & result.following() == {BOB_URI, "carol@other.example"}
    handles = result.accounts.set_index("account_id")["handle"]
    assert handles["hal@example.social"] == "hal@example.social"
    assert result.accounts.set_index("account_id").loc[BOB_URI, "display_name"] == "Bob"


def test_mastodon_followers_csv_account_address(tmp_path: Path) -> None:
    path = tmp_path / "follower_accounts.csv"
    path.write_text("Account address\nbob@mastodon.social\n@frank@far.example\nnew@y.example\n")
    result = add_followers(_masto_archive(), path)
    assert result.followers() == {BOB_URI, "frank@far.example", "new@y.example"}


def test_with_mastodon_reader(tmp_path: Path) -> None:
    from engagemetrics.io.mastodon import read_mastodon_archive

    ego = "https://example.social/users/alice"
    note = {
        "id": ego + "/statuses/1/activity",
        "type": "Create",
        "actor": ego,
        "published": "2024-01-01T00:00:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [BOB_URI],
        "object": {
            "id": ego + "/statuses/1",
            "type": "Note",
            "attributedTo": ego,
            "published": "2024-01-01T00:00:00Z",
            "content": "<p>hi @bob</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [BOB_URI],
            "tag": [{"type": "Mention", "href": BOB_URI, "name": "@bob@mastodon.social"}],
        },
    }
    (tmp_path / "actor.json").write_text(
        json.dumps({"id": ego, "type": "Person", "preferredUsername": "alice", "name": "Alice"})
    )
    (tmp_path / "outbox.json").write_text(
        json.dumps({"type": "OrderedCollection", "orderedItems": [note]})
    )
    (tmp_path / "following_accounts.csv").write_text(
        "Account address,Show boosts\nbob@mastodon.social,true\ncarol@other.example,true\n"
    )
    archive = read_mastodon_archive(tmp_path)
    api = [
        _account("bob@mastodon.social", "https://mastodon.social/@bob"),
        _account("zed@z.example", "https://z.example/@zed"),
    ]
    result = em.add_followers(archive, api)
    following = archive.following()
    assert len(following) == 2
    mutual = result.followers() & result.following()
    assert len(mutual) == 1
    assert next(iter(mutual)) in following


# ----------------------------------------------------------------------------- other inputs
def test_dataframe_input_twitter_ids_and_screen_names() -> None:
    archive = em.Archive(
        follows=pd.DataFrame({"source": ["1", "1"], "target": ["2", "3"]}),
        accounts=pd.DataFrame({"account_id": ["3"], "handle": ["carla"]}),
        ego="1",
        platform="twitter",
    )
    frame = pd.DataFrame({"account_id": ["2", "carla", "nobody", "9"]})
    result = add_followers(archive, frame)
    assert result.followers() == {"2", "3", "9"}
    led = result.ledger.set_index("reason")["count"]
    assert led["screen name not resolvable to an X account id offline"] == 1


def test_bad_inputs(tmp_path: Path) -> None:
    archive = _bsky_archive()
    with pytest.raises(NoEgoError):
        add_followers(em.Archive(), ["x"])  # type: ignore[list-item]
    with pytest.raises(InvalidArgumentError):
        add_followers(archive, 42)
    with pytest.raises(InvalidArgumentError, match="format"):
        add_followers(archive, pd.DataFrame({"did": ["did:plc:a"]}), format="xml")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CorruptExportError, match="bad.json"):
        add_followers(archive, bad)
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"data": []}))
    with pytest.raises(CorruptExportError, match="unknown shape"):
        add_followers(archive, odd)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EmptyInputError):
        add_followers(archive, empty)
    with pytest.raises(MissingColumnsError):
        add_followers(archive, pd.DataFrame({"x": [1], "y": [2]}))
