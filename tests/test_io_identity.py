"""One account, one id: identity rules, the accounts table's aliases, Archive.resolve."""

from __future__ import annotations

import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics import schema
from engagemetrics.identity import IdentityIndex, lookup_keys, standalone_id

BOB_NUMERIC = "https://mastodon.social/ap/users/116800000000000001"
CAROL = "https://mastodon.social/users/carol"


# --------------------------------------------------------------------------- rules
@pytest.mark.parametrize(
    "form",
    [
        "https://mastodon.social/users/carol",
        "https://Mastodon.Social/@Carol",
        "carol@mastodon.social",
        "@CAROL@mastodon.social",
        "https://other.example/@carol@mastodon.social",  # a remote profile shown elsewhere
    ],
)
def test_mastodon_classic_shapes_mean_the_same_acct(form: str) -> None:
    assert "acct:carol@mastodon.social" in lookup_keys("mastodon", form)


def test_mastodon_numeric_uri_reveals_no_name() -> None:
    assert lookup_keys("mastodon", BOB_NUMERIC) == (f"uri:{BOB_NUMERIC}",)
    assert lookup_keys("mastodon", "https://misskey.io/notes/9abc") == (
        "uri:https://misskey.io/notes/9abc",
    )
    assert lookup_keys("mastodon", "bob") == ("raw:bob",)  # no host: nothing to meet


def test_x_and_bluesky_keys() -> None:
    assert lookup_keys("twitter", "@SamaHoole") == ("name:samahoole",)
    assert lookup_keys("twitter", "2253756806") == ("id:2253756806",)
    assert lookup_keys("twitter", "2253756806", handle=True) == ("name:2253756806",)
    assert lookup_keys("bluesky", "did:plc:abc") == ("did:did:plc:abc",)
    assert lookup_keys("bluesky", "at://did:plc:abc/app.bsky.feed.post/3k") == ("did:did:plc:abc",)
    assert lookup_keys("bluesky", "@Jacob.Gold") == ("handle:jacob.gold",)
    assert lookup_keys("generic", "x") == ("raw:x",)
    assert lookup_keys("twitter", None) == () and lookup_keys("twitter", "  ") == ()


def test_a_key_shared_by_two_accounts_resolves_to_neither() -> None:
    index = IdentityIndex("twitter")
    index.add("1", handle="ann")
    index.add("2", handle="ANN")  # the same handle seen for another id
    index.add("3", handle="cy")
    assert index.resolve("ann") is None
    assert index.resolve("@Cy") == "3" and index.resolve("3") == "3"
    assert index.resolve("4") is None and len(index) == 3 and "1" in index


def test_standalone_ids() -> None:
    assert standalone_id("twitter", "123") == ("123", None)
    assert standalone_id("twitter", "@ann")[0] is None
    assert standalone_id("bluesky", "did:plc:a") == ("did:plc:a", None)
    assert standalone_id("bluesky", "ann.test")[0] is None
    assert standalone_id("mastodon", "https://h.example/ap/users/1") == (
        "https://h.example/ap/users/1",
        None,
    )
    assert standalone_id("mastodon", "bob") == (
        None,
        "acct without a domain, and the ego's server is unknown",
    )
    assert standalone_id("instagram", "@ann") == ("ann", None)


# --------------------------------------------------------------------------- accounts table
def test_accounts_table_aliases_dtype_and_merge() -> None:
    table = schema.accounts_table(
        {
            "account_id": ["a", "b", "a", None],
            "handle": ["old", None, "new", "x"],
            "aliases": [["old", "a", " @old "], None, ("@old", "zed"), ["lost"]],
        }
    )
    assert list(table.columns) == list(schema.ACCOUNTS_COLUMNS)
    assert table["aliases"].dtype == schema.ALIASES_DTYPE
    rows = {r.account_id: (r.handle, list(r.aliases)) for r in table.itertuples()}
    # a: last handle "new"; aliases in the order first seen, its own id and repeats dropped
    assert rows == {"a": ("new", ["old", "@old", "zed"]), "b": (pd.NA, [])}


def test_accounts_table_without_aliases_gives_empty_lists() -> None:
    table = schema.accounts_table({"account_id": ["a"]})
    assert table["aliases"].tolist() == [[]]
    assert len(schema.accounts_table()) == 0


def test_accounts_table_refuses_aliases_that_are_not_lists() -> None:
    with pytest.raises(em.ColumnTypeError, match="aliases"):
        schema.accounts_table({"account_id": ["a"], "aliases": [3]})
    with pytest.raises(em.ColumnTypeError, match="strings"):
        schema.accounts_table({"account_id": ["a"], "aliases": [[3]]})


# --------------------------------------------------------------------------- Archive.resolve
def _mastodon() -> em.Archive:
    return em.Archive(
        follows=pd.DataFrame({"source": ["https://h.example/users/me"], "target": [CAROL]}),
        accounts=pd.DataFrame(
            {
                "account_id": [BOB_NUMERIC],
                "handle": ["bob@mastodon.social"],
                "aliases": [["https://mastodon.social/@bob"]],
            }
        ),
        ego="https://h.example/users/me",
        platform="mastodon",
    )


def test_resolve_every_form_to_the_canonical_id() -> None:
    a = _mastodon()
    values = pd.Series(
        [
            "bob@mastodon.social",  # the handle of the numeric URI (a stated pair)
            "https://mastodon.social/@bob",  # an alias
            "@Carol@Mastodon.social",  # carol is only in follows: rule 2 on her URI
            "https://mastodon.social/users/bob",  # rule 2 gives bob@mastodon.social
            "dan@x.example",  # nobody
            None,
        ],
        index=[10, 11, 12, 13, 14, 15],
    )
    got = a.resolve(values)
    assert got.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert got.dtype == schema.ID_DTYPE
    assert got.tolist()[:4] == [BOB_NUMERIC, BOB_NUMERIC, CAROL, BOB_NUMERIC]
    assert got.isna().tolist() == [False] * 4 + [True, True]
    assert a.resolve("carol@mastodon.social").tolist() == [CAROL]


def test_with_followers_maps_forms_and_keeps_them_as_aliases() -> None:
    a = _mastodon()
    b = a.with_followers(["bob@mastodon.social", "carol@mastodon.social", "eve@e.example"])
    # bob and carol map to their canonical ids; eve matches nothing and stays as given
    assert b.followers() == {BOB_NUMERIC, CAROL, "eve@e.example"}
    aliases = dict(zip(b.accounts["account_id"], b.accounts["aliases"].tolist(), strict=True))
    assert aliases[CAROL] == ["carol@mastodon.social"]
    assert sorted(aliases[BOB_NUMERIC]) == ["bob@mastodon.social", "https://mastodon.social/@bob"]
    assert aliases["eve@e.example"] == []
    assert a.followers() == set()  # the input archive is unchanged


def test_with_followers_twitter_screen_name() -> None:
    a = em.Archive(
        follows=pd.DataFrame({"source": ["1"], "target": ["3"]}),
        accounts=pd.DataFrame({"account_id": ["3"], "handle": ["carla"]}),
        ego="1",
        platform="twitter",
    )
    assert a.with_followers(["@Carla", "9"]).followers() == {"3", "9"}
