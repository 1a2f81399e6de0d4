"""The contract every public metric keeps, checked the same way for each (STYLE.md, Habits).

* canonical input is accepted and gives the documented output (columns, dtypes, type);
* a missing column raises our MissingColumnsError (which is also a KeyError);
* empty input gives what the docstring documents (NaN with a warning, zeros, no rows);
* the input is not mutated.

Inputs are the canonical tables of the hand-built timeline in test_conversation.py.
Follow graph after the default conventions: ann<->bob, ann<->cat, ann->eve and the
self-follow of dan dropped; n = 5 accounts (dan counts: he appears in the table).
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.exceptions import DataQualityWarning, MissingColumnsError
from engagemetrics.metrics.conversation import conversation_counts
from engagemetrics.metrics.reciprocity import follow_counts
from test_conversation import hand_follows, hand_mentions, hand_posts

FOLLOW_COLS = ["followers", "following", "mutuals"]
RATE_COLS = [
    "follow_ratio",
    "follow_back_rate",
    "reciprocation_rate",
    "reciprocity_dice",
    "reciprocity_jaccard",
]
POST_COLS = [
    "posts",
    "replies",
    "broadcasts",
    "threads",
    "reposts",
    "quotes",
    "reply_to_broadcast_ratio",
    "reply_share",
    "thread_share",
    "outreach_breadth",
]
EGO_COLS = [
    "interlocutors",
    "outreach_gini",
    "outreach_entropy",
    "amplified",
    "amplified_accounts",
    "self_reposts",
    "mentions",
]
FLOAT_COLS = {
    *RATE_COLS,
    "reply_to_broadcast_ratio",
    "reply_share",
    "thread_share",
    "followee_engagement",
    "outreach_gini",
    "outreach_entropy",
}


def canonical_tables() -> dict[str, Any]:
    posts = em.schema.posts_table(hand_posts())
    return {
        "follows": em.schema.follows_table(hand_follows()),
        "posts": posts,
        "archive": em.Archive(
            follows=hand_follows(), posts=hand_posts(), mentions=hand_mentions(), ego="ann"
        ),
    }


def empty_tables() -> dict[str, Any]:
    return {
        "follows": em.schema.follows_table({"source": [], "target": []}),
        "posts": em.schema.posts_table({"post_id": [], "author": [], "created_at": [], "kind": []}),
        "archive": em.Archive(ego="ann"),
    }


def check_frame(result: Any, columns: list[str], index_name: str = "account") -> None:
    assert isinstance(result, pd.DataFrame)
    assert result.columns.tolist() == columns
    assert result.index.name == index_name
    for col in columns:
        assert str(result[col].dtype) == ("float64" if col in FLOAT_COLS else "int64"), col
    if index_name == "account":
        assert result.index.is_monotonic_increasing and result.index.is_unique


@dataclass
class Spec:
    name: str
    call: Callable[[dict[str, Any]], Any]
    broken_table: str  # which input loses a column in the missing-column check
    broken_column: str
    check: Callable[[Any], None]  # output on the canonical input
    check_empty: Callable[[Any], None]
    empty_warns: bool = False


ACCOUNT_COLS = [*FOLLOW_COLS, *RATE_COLS, *POST_COLS, "followee_engagement"]


def _nan(x: Any) -> None:
    assert isinstance(x, float) and math.isnan(x)


def _float(expected: float) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        assert isinstance(x, float) and x == pytest.approx(expected)

    return check


def _census(expected: tuple[int, int, int]) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        assert tuple(x) == expected and all(type(v) is int for v in x)

    return check


def _frame(columns: list[str], rows: list[str]) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        check_frame(x, columns)
        assert x.index.tolist() == rows

    return check


def _ego_without_data(x: Any) -> None:
    _frame([*ACCOUNT_COLS, *EGO_COLS], ["ann"])(x)
    assert x["posts"].iloc[0] == 0 and x["followers"].iloc[0] == 0
    assert math.isnan(x["follow_ratio"].iloc[0])


FOLLOW_ACCOUNTS = ["ann", "bob", "cat", "dan", "eve"]
SPECS = [
    # 4 reciprocated arcs (ann<->bob, ann<->cat) of 5 arcs
    Spec(
        "reciprocity",
        lambda t: em.reciprocity(t["follows"]),
        "follows",
        "target",
        _float(4 / 5),
        _nan,
        empty_warns=True,
    ),
    # a = L / (n(n-1)) = 5 / 20 = 0.25; rho = (0.8 - 0.25) / (1 - 0.25)
    Spec(
        "reciprocity_rho",
        lambda t: em.reciprocity_rho(t["follows"]),
        "follows",
        "source",
        _float(0.55 / 0.75),
        _nan,
        empty_warns=True,
    ),
    # M = 2, A = 1, N = 5*4/2 - 3 = 7
    Spec(
        "dyad_census",
        lambda t: em.dyad_census(t["follows"]),
        "follows",
        "target",
        _census((2, 1, 7)),
        _census((0, 0, 0)),
    ),
    Spec(
        "follow_counts",
        lambda t: follow_counts(t["follows"]),
        "follows",
        "source",
        _frame(FOLLOW_COLS, FOLLOW_ACCOUNTS),
        _frame(FOLLOW_COLS, []),
    ),
    Spec(
        "account_metrics",
        lambda t: em.account_metrics(t["follows"], t["posts"]),
        "posts",
        "author",
        _frame(ACCOUNT_COLS, [*FOLLOW_ACCOUNTS, "fay"]),
        _frame(ACCOUNT_COLS, []),
    ),
    Spec(
        "conversation_counts",
        lambda t: conversation_counts(t["posts"]),
        "posts",
        "kind",
        _frame(POST_COLS, ["ann", "bob", "cat", "dan", "fay"]),
        _frame(POST_COLS, []),
    ),
    Spec(
        "ego_metrics",
        lambda t: em.ego_metrics(t["archive"]),
        "archive.posts",
        "created_at",
        _frame([*ACCOUNT_COLS, *EGO_COLS], ["ann"]),
        _ego_without_data,
    ),
]
IDS = [s.name for s in SPECS]


def _broken(tables: dict[str, Any], spec: Spec) -> dict[str, Any]:
    tables = dict(tables)
    if spec.broken_table == "archive.posts":
        archive = tables["archive"]
        archive.posts = archive.posts.drop(columns=spec.broken_column)
    else:
        tables[spec.broken_table] = tables[spec.broken_table].drop(columns=spec.broken_column)
    return tables


def _frames(tables: dict[str, Any]) -> dict[str, pd.DataFrame]:
    frames = {"follows": tables["follows"], "posts": tables["posts"]}
    for name in ("follows", "posts", "interactions", "accounts"):
        frames[f"archive.{name}"] = getattr(tables["archive"], name)
    return frames


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_canonical_input_gives_documented_output(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)  # clean input: no warning
        result = spec.call(canonical_tables())
    spec.check(result)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_missing_column_is_our_error(spec):
    tables = _broken(canonical_tables(), spec)
    with pytest.raises(MissingColumnsError) as caught:
        spec.call(tables)
    assert isinstance(caught.value, KeyError)
    assert spec.broken_column in str(caught.value)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_empty_input_as_documented(spec):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = spec.call(empty_tables())
    spec.check_empty(result)
    warned = any(issubclass(w.category, DataQualityWarning) for w in caught)
    assert warned == spec.empty_warns


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_input_not_mutated(spec):
    tables = canonical_tables()
    before = {name: copy.deepcopy(frame) for name, frame in _frames(tables).items()}
    spec.call(tables)
    for name, frame in _frames(tables).items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)
