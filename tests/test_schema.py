"""The canonical tables: dtypes, coercion, validation errors and the ledger."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import engagemetrics as em
from engagemetrics import schema
from engagemetrics.derive import interactions_from_posts
from engagemetrics.ledger import Ledger, ledger_of


def test_follows_dtypes_and_coercion_from_integers():
    f = schema.follows_table(pd.DataFrame({"source": [1, 2], "target": [2, 2**63 - 1]}))
    assert f.dtypes["source"] == schema.ID_DTYPE
    assert f.dtypes["followed_at"] == schema.TIMESTAMP_DTYPE
    assert f["target"].tolist() == ["2", str(2**63 - 1)]


def test_64_bit_ids_survive_exactly():
    big = "1964312974236991488"
    f = schema.follows_table({"source": [big], "target": [int(big)]})
    assert f["source"].iloc[0] == big
    assert f["target"].iloc[0] == big


def test_float_ids_are_refused_with_a_fix():
    with pytest.raises(em.ColumnTypeError, match="dtype=str"):
        schema.follows_table({"source": [1.5, 2.0], "target": ["a", "b"]})
    # whole floats (a CSV with a missing value) are accepted below 2**53
    f = schema.follows_table({"source": [1.0, np.nan], "target": ["a", "b"]})
    assert f["source"].tolist() == ["1"]


def test_missing_columns_error_is_ours_and_a_keyerror():
    with pytest.raises(em.MissingColumnsError) as info:
        schema.follows_table(pd.DataFrame({"src": ["a"], "dst": ["b"]}))
    assert isinstance(info.value, KeyError)
    assert "source" in str(info.value) and "'src'" in str(info.value)


def test_not_a_frame_is_a_clear_type_error():
    # one failure, one class: a list where a table is expected, wherever it is given
    for call in (schema.follows_table, em.follow_counts, em.account_metrics, em.FollowGraph):
        with pytest.raises(em.UnsupportedBackendError, match="DataFrame") as info:
            call([("a", "b")])
        assert isinstance(info.value, TypeError)


def test_unparseable_timestamps_raise_then_coerce_into_the_ledger():
    raw = pd.DataFrame(
        {"source": ["a", "b"], "target": ["b", "a"], "followed_at": ["2024-01-01", "yesterday"]}
    )
    with pytest.raises(em.TimestampParseError, match="'yesterday'"):
        schema.follows_table(raw)
    f = schema.follows_table(raw, errors="coerce")
    assert f["followed_at"].isna().tolist() == [False, True]
    led = ledger_of(f)
    assert led["count"].sum() == 1
    assert "not a timestamp" in led["reason"].iloc[0]


def test_timestamps_with_offsets_are_converted_to_utc():
    ts = schema.to_timestamp(["2023-04-26T00:09:58-07:00"])
    assert ts.iloc[0] == pd.Timestamp("2023-04-26T07:09:58Z")


def test_missing_ids_dropped_and_duplicates_and_loops_flagged():
    raw = pd.DataFrame(
        {"source": ["a", None, "a", "c", "a"], "target": ["b", "b", "b", "c", None]}
    )
    f = schema.follows_table(raw, origin="edges.csv")
    assert len(f) == 3  # the two rows without an id are gone
    led = ledger_of(f).set_index("reason")
    assert led.loc["source or target id missing", "count"] == 2
    assert led.loc["source or target id missing", "action"] == "dropped"
    dup = led.index[led.index.str.startswith("duplicate")][0]
    loop = led.index[led.index.str.startswith("self-follow")][0]
    assert led.loc[dup, "count"] == 1 and led.loc[dup, "action"] == "flagged"
    assert led.loc[loop, "count"] == 1


def test_validating_twice_does_not_double_the_ledger():
    raw = pd.DataFrame({"source": ["a", "a", None], "target": ["b", "b", "x"]})
    once = schema.follows_table(raw)
    twice = schema.follows_table(once)
    pdt.assert_frame_equal(ledger_of(once), schema.ledger_of(twice))


def test_input_is_not_mutated():
    raw = pd.DataFrame({"source": [1, 1], "target": [2, 2]})
    before = raw.copy(deep=True)
    schema.follows_table(raw)
    pdt.assert_frame_equal(raw, before)


def test_posts_table_kinds_and_errors():
    base = {
        "post_id": ["1", "2"],
        "author": ["me", "me"],
        "created_at": ["2026-01-01", "2026-01-02"],
        "kind": ["Post", "reply "],
    }
    p = schema.posts_table(base)
    assert p["kind"].tolist() == ["post", "reply"]
    assert p.dtypes["kind"] == schema.POST_KIND_DTYPE
    with pytest.raises(em.SchemaError, match="retweet"):
        schema.posts_table({**base, "kind": ["retweet", "post"]})
    with pytest.raises(em.MissingColumnsError, match="created_at"):
        schema.posts_table({k: v for k, v in base.items() if k != "created_at"})


def test_posts_duplicate_ids_counted():
    p = schema.posts_table(
        {
            "post_id": ["1", "1"],
            "author": ["me", "me"],
            "created_at": ["2026-01-01", "2026-01-01"],
            "kind": ["post", "post"],
        }
    )
    assert len(p) == 1
    assert ledger_of(p)["count"].sum() == 1


def test_interactions_from_posts_follows_the_rules():
    p = schema.posts_table(
        {
            "post_id": ["r", "rt", "q", "t", "p"],
            "author": ["me", "me", "me", "me", "me"],
            "created_at": pd.date_range("2026-01-01", periods=5, tz="UTC"),
            "kind": ["reply", "repost", "quote", "thread", "post"],
            "parent_id": ["x", "y", "z", "p", None],
            "parent_author": ["ann", "bob", "cat", "me", None],
        }
    )
    m = pd.DataFrame(
        {
            # the reply's leading @ann is the reply itself; @dan in it is a mention;
            # a repost's "RT @bob" is no mention; @eve twice in one post counts once
            "post_id": ["r", "r", "rt", "p", "p"],
            "target": ["ann", "dan", "bob", "eve", "eve"],
        }
    )
    it = interactions_from_posts(p, mentions=m)
    got = sorted(zip(it["target"], it["kind"].astype(str), it["is_self"], strict=True))
    assert got == [
        ("ann", "reply", False),
        ("bob", "repost", False),
        ("cat", "quote", False),
        ("dan", "mention", False),
        ("eve", "mention", False),
        ("me", "reply", True),
    ]


def test_accounts_table_keeps_last_handle():
    a = schema.accounts_table({"account_id": [1, 2, 1], "handle": ["old", "x", "new"]})
    assert a.set_index("account_id").loc["1", "handle"] == "new"


def test_ledger_refuses_unknown_action():
    with pytest.raises(em.InvalidArgumentError):
        Ledger().add("s", "k", "r", action="ignored")


def test_archive_copy_does_not_double_the_flags():
    a = em.Archive(follows={"source": ["a", "a", "c", None], "target": ["b", "b", "c", "x"]})
    b = a.replace().replace()
    pdt.assert_frame_equal(
        a.ledger.sort_values("reason").reset_index(drop=True),
        b.ledger.sort_values("reason").reset_index(drop=True),
    )
    assert a.ledger["count"].sum() == 3  # one dropped, one duplicate, one self-follow


def test_nullable_integer_ids_keep_missing_values():
    ids = schema.to_id(pd.Series([7, None, 2**62], dtype="Int64"))
    assert ids.tolist()[0] == "7" and ids.isna().tolist() == [False, True, False]
    assert ids.iloc[2] == str(2**62)


# --------------------------------------------------------------------------- bounded-memory helpers
@pytest.mark.parametrize("collide", [False, True])
def test_duplicated_matches_pandas_even_when_every_hash_collides(monkeypatch, collide):
    """posts_table and follows_table find duplicates by 64-bit hashes, then compare the
    rows whose hashes repeat exactly: a collision must never make a row a duplicate."""
    if collide:
        monkeypatch.setattr(pd.util, "hash_array",
                            lambda values, **kw: np.zeros(len(values), dtype=np.uint64))
    monkeypatch.setattr(schema, "_HASH_CHUNK", 3)  # several chunks in a small frame
    frame = pd.DataFrame({
        "source": pd.array(["a", "b", "a", None, "", None, "a", "c"], dtype=schema.ID_DTYPE),
        "target": pd.array(["x", "x", "x", "y", "y", "y", "z", "x"], dtype=schema.ID_DTYPE),
    })
    for columns in (["source"], ["source", "target"]):
        expected = frame.duplicated(columns).to_numpy()
        np.testing.assert_array_equal(schema._duplicated(frame, columns), expected)
    # by hand: rows 2 (a, x again) and 5 (missing, y again) repeat an earlier pair
    assert schema._duplicated(frame, ["source", "target"]).nonzero()[0].tolist() == [2, 5]


def test_posts_and_follows_count_duplicates_by_hand():
    posts = schema.posts_table({
        "post_id": ["1", "2", "1", "3", "2"], "author": ["me"] * 5,
        "created_at": ["2026-01-01"] * 5, "kind": ["post"] * 5,
        "text": pd.array(["a", "b", "c", None, "e"], dtype="string"),
    })
    assert posts["post_id"].tolist() == ["1", "2", "3"]
    assert posts["text"].tolist()[:2] == ["a", "b"] and posts["text"].isna().tolist()[2]
    assert posts["text"].dtype == pd.StringDtype("pyarrow")
    book = ledger_of(posts)
    assert book.loc[book["reason"].str.startswith("duplicate post_id"), "count"].sum() == 2
    follows = schema.follows_table({"source": ["a", "a", "b", "a"], "target": ["b", "b", "a", "b"]})
    book = ledger_of(follows)
    assert book.loc[book["reason"] == schema.DUPLICATE_EDGE, "count"].sum() == 2
    assert len(follows) == 4  # duplicates are kept in follows, only flagged


def test_category_maps_each_distinct_value_once_and_refuses_unknown_ones():
    kinds = schema._category(pd.Series([" Reply", None, "LIKE", "like"], dtype="string"),
                             schema.INTERACTION_KIND_DTYPE, column="kind", table="interactions")
    assert kinds.dtype == schema.INTERACTION_KIND_DTYPE
    assert kinds.astype(object).where(kinds.notna(), None).tolist() == ["reply", None, "like",
                                                                        "like"]
    with pytest.raises(em.SchemaError, match="'poke'"):
        schema._category(pd.Series(["like", "poke"]), schema.INTERACTION_KIND_DTYPE,
                         column="kind", table="interactions")


def test_interactions_are_in_time_order_with_missing_times_last():
    posts = schema.posts_table({
        "post_id": ["1", "2", "3"], "author": ["me"] * 3,
        "created_at": ["2026-01-03", "2026-01-01", "2026-01-02"],
        "kind": ["reply", "repost", "thread"], "parent_author": ["ann", "bob", "me"],
    })
    likes = pd.DataFrame({"actor": ["me", "me"], "target": ["cat", "dan"],
                          "created_at": [None, "2026-01-02"], "post_id": ["9", "8"]})
    likes["created_at"] = pd.to_datetime(likes["created_at"], utc=True)
    out = interactions_from_posts(posts, likes=likes)
    assert out["target"].tolist() == ["bob", "me", "dan", "ann", "cat"]  # equal times: stable
    assert out["kind"].astype(str).tolist() == ["repost", "reply", "like", "reply", "like"]
    assert out["created_at"].isna().tolist() == [False] * 4 + [True]
