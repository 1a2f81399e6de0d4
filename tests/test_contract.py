"""The contract every public metric keeps, checked the same way for each.

For every public metric of ``em.__all__`` (a test fails if one has no spec here):

* canonical input is accepted and gives the documented output (type, columns, dtypes,
  ``account`` index sorted);
* an :class:`~engagemetrics.Archive` is accepted wherever a table is, and gives the same
  result as its tables when it covers every account;
* a :class:`~engagemetrics.FollowGraph` is accepted wherever a follow table is;
* a missing column raises our MissingColumnsError (which is also a KeyError);
* empty input gives what the docstring documents (NaN with a warning, zeros, no rows);
* the input is not mutated.

Inputs are the canonical tables of the hand-built timeline in test_conversation.py.
Follow graph after the default conventions: ann<->bob, ann<->cat, ann->eve and the
self-follow of dan dropped; n = 5 accounts (dan counts: he appears in the table).
"""

from __future__ import annotations

import copy
import inspect
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.exceptions import DataQualityWarning, MissingColumnsError
from test_conversation import hand_follows, hand_mentions, hand_posts

# The documented columns, written out here (not read from the library).
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
    "replies_received",
    "mentions_received",
    "reposts_received",
    "quotes_received",
]
PERIOD_COLS = POST_COLS[:9]
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
ACCOUNT_COLS = [*FOLLOW_COLS, *RATE_COLS, *POST_COLS, "followee_engagement"]
FOLLOW_ACCOUNTS = ["ann", "bob", "cat", "dan", "eve"]
# every account of the posts or their interactions: fay posts; gus is the target of a DM
POST_ACCOUNTS = ["ann", "bob", "cat", "dan", "fay", "gus"]


def archive() -> em.Archive:
    """The whole (small) platform: every account's posts and follows, owner ann."""
    return em.Archive(
        follows=hand_follows(), posts=hand_posts(), mentions=hand_mentions(), ego="ann",
        scope="all",
    )


def canonical_tables() -> dict[str, Any]:
    a = archive()
    return {"follows": a.follows, "posts": a.posts, "interactions": a.interactions,
            "archive": a, "graph": em.FollowGraph(a.follows)}


def empty_tables() -> dict[str, Any]:
    follows = em.schema.follows_table({"source": [], "target": []})
    posts = em.schema.posts_table({"post_id": [], "author": [], "created_at": [], "kind": []})
    a = em.Archive(follows=follows, posts=posts, ego="ann", scope="all")
    return {"follows": follows, "posts": posts, "interactions": a.interactions, "archive": a,
            "graph": em.FollowGraph(follows)}


def check_frame(result: Any, columns: list[str], index: str | list[str] = "account") -> None:
    assert isinstance(result, pd.DataFrame)
    assert result.columns.tolist() == columns
    names = [index] if isinstance(index, str) else index
    assert list(result.index.names) == names
    for col in columns:
        if col == "follow_basis":
            continue
        assert str(result[col].dtype) == ("float64" if col in FLOAT_COLS else "Int64"), col
    assert result.index.is_monotonic_increasing and result.index.is_unique


@dataclass
class Spec:
    name: str
    call: Callable[[dict[str, Any]], Any]  # on plain tables (or the FollowGraph)
    on_archive: Callable[[em.Archive], Any] | None  # the same with the Archive instead
    broken_table: str  # which input loses a column in the missing-column check
    broken_column: str
    check: Callable[[Any], None]  # output on the canonical input
    check_empty: Callable[[Any], None]
    empty_warns: bool = False
    on_graph: Callable[[em.FollowGraph], Any] | None = None


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


def _frame(columns: list[str], rows: list[Any], index: str | list[str] = "account"
           ) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        check_frame(x, columns, index)
        assert x.index.tolist() == rows

    return check


SPECS = [
    # 4 reciprocated arcs (ann<->bob, ann<->cat) of 5 arcs
    Spec("reciprocity", lambda t: em.reciprocity(t["follows"]), em.reciprocity,
         "follows", "target", _float(4 / 5), _nan, empty_warns=True, on_graph=em.reciprocity),
    # a = L / (n(n-1)) = 5 / 20 = 0.25; rho = (0.8 - 0.25) / (1 - 0.25)
    Spec("reciprocity_rho", lambda t: em.reciprocity_rho(t["follows"]), em.reciprocity_rho,
         "follows", "source", _float(0.55 / 0.75), _nan, empty_warns=True,
         on_graph=em.reciprocity_rho),
    # M = 2, A = 1, N = 5*4/2 - 3 = 7
    Spec("dyad_census", lambda t: em.dyad_census(t["follows"]), em.dyad_census,
         "follows", "target", _census((2, 1, 7)), _census((0, 0, 0)), on_graph=em.dyad_census),
    Spec("follow_counts", lambda t: em.follow_counts(t["follows"]), em.follow_counts,
         "follows", "source", _frame(FOLLOW_COLS, FOLLOW_ACCOUNTS), _frame(FOLLOW_COLS, []),
         on_graph=em.follow_counts),
    Spec("account_metrics", lambda t: em.account_metrics(t["follows"], t["posts"],
                                                         interactions=t["interactions"]),
         em.account_metrics, "posts", "author",
         _frame(ACCOUNT_COLS, [*FOLLOW_ACCOUNTS[:4], "eve", "fay", "gus"]),
         _frame(ACCOUNT_COLS, []),
         on_graph=lambda g: em.account_metrics(g, archive().posts,
                                               interactions=archive().interactions)),
    Spec("conversation_counts",
         lambda t: em.conversation_counts(t["follows"], t["posts"],
                                          interactions=t["interactions"]),
         em.conversation_counts, "posts", "kind",
         _frame([*POST_COLS, "followee_engagement"], [*FOLLOW_ACCOUNTS, "fay", "gus"]),
         _frame([*POST_COLS, "followee_engagement"], [])),
    Spec("ego_metrics", lambda t: em.ego_metrics(t["archive"]), em.ego_metrics,
         "archive.posts", "created_at",
         _frame([*ACCOUNT_COLS, *EGO_COLS, "follow_basis"], ["ann"]),
         _frame([*ACCOUNT_COLS, *EGO_COLS, "follow_basis"], ["ann"])),
    Spec("period_counts", lambda t: em.period_counts(t["posts"], freq="YE"),
         lambda a: em.period_counts(a, freq="YE"), "posts", "created_at",
         _frame(PERIOD_COLS, [(a, pd.Period(y, "Y")) for a, y in
                              [("ann", "2026"), ("bob", "2026"), ("cat", "2025"),
                               ("dan", "2026"), ("fay", "2026")]], ["account", "period"]),
         _frame(PERIOD_COLS, [], ["account", "period"])),
    Spec("gini", lambda t: em.gini([1, 3]), None, "", "", _float(0.25), _nan,
         empty_warns=False),
    Spec("normalized_entropy", lambda t: em.normalized_entropy([2, 2]), None, "", "",
         _float(1.0), _nan),
]
# --------------------------------------------------------------------------- change over time
# Two snapshots of ann's account from the canonical tables: the older one (2026-01-01) without
# the edge bob -> ann, the newer one (2026-07-01) as it is. Followers of ann: {cat} then
# {bob, cat}; following: {bob, cat, eve} in both. Follows carry no dates.
OLDER, NEWER = "2026-01-01", "2026-07-01"


def _snapshot(t: dict[str, Any], exported_at: str, *, without_bob: bool = False) -> em.Archive:
    a = em.Archive(follows=t["follows"], posts=t["posts"], interactions=t["interactions"],
                   ego="ann", scope="all", exported_at=exported_at)
    if without_bob:
        f = a.follows
        a = a.replace(follows=f[~((f["source"] == "bob") & (f["target"] == "ann"))])
    return a


def _pair(t: dict[str, Any]) -> tuple[em.Archive, em.Archive]:
    return _snapshot(t, OLDER, without_bob=True), _snapshot(t, NEWER)


def _check_comparison(expected: dict[str, list[Any]]) -> Callable[[Any], None]:
    def check(c: Any) -> None:
        assert isinstance(c, em.Comparison)
        s = c.summary
        assert s.columns.tolist() == ["start", "end", "new", "lost", "churn_rate", "retention",
                                      "net_growth"]
        assert s.index.name == "side" and s.index.tolist() == ["followers", "following"]
        for col in s.columns:
            assert str(s[col].dtype) == ("float64" if col in ("churn_rate", "retention")
                                         else "Int64"), col
        assert {k: s[k].tolist() for k in ("start", "end", "new", "lost")} == expected
        assert c.changes.columns.tolist() == ["side", "change", "lost_as"]
        assert c.changes.index.name == "account" and c.changes.index.is_monotonic_increasing

    return check


def _check_events(values: list[Any]) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        check_frame(x, ["new_followers", "new_following"])
        assert x.index.tolist() == ["ann"]
        assert [None if pd.isna(v) else v for v in x.iloc[0].tolist()] == values

    return check


def _check_follow_back(rows: list[tuple[str, str]]) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        assert isinstance(x, pd.DataFrame)
        assert x.columns.tolist() == ["i_followed_at", "they_followed_at", "followed_first",
                                      "follow_back_days"]
        assert list(x.index.names) == ["account", "counterpart"]
        assert [str(x[c].dtype) for c in x.columns] == [
            "datetime64[ns, UTC]", "datetime64[ns, UTC]", "category", "float64"]
        assert x.index.tolist() == rows and x.index.is_monotonic_increasing

    return check


# --------------------------------------------------------------------------- relationships
# Relationships and two-way conversations (issue 9, part A): the documented columns and
# dtypes, written out here. On the timeline, ann's counterparts are bob and cat (mutual),
# eve (ann follows her) and dan (ann mentions him in p5); gus only in a direct message.
REL_COLS = [
    "i_follow", "follows_me", "follow_state", "i_followed_at", "they_followed_at",
    *(f"{k}_{side}" for k in ("replies", "mentions", "reposts", "quotes", "likes")
      for side in ("to", "from")),
    "engagement_to", "engagement_from", "exchanges", "engagement_to_ever",
    "engagement_from_ever", "first_exchange", "last_exchange", "days_since_last",
    "reply_back_rate", "reply_back_hours", "answer_rate", "answer_hours", "frequency",
    "recency", "duration", "balance", "kinds", "mutual_follow", "tie_strength",
]
REL_DTYPES = {
    **{c: "Int64" for c in REL_COLS if c.endswith(("_to", "_from", "_ever"))},
    "exchanges": "Int64", "i_follow": "boolean", "follows_me": "boolean",
    "follow_state": "category",
    **{c: "datetime64[ns, UTC]" for c in ("i_followed_at", "they_followed_at",
                                           "first_exchange", "last_exchange")},
}
TWO_WAY_COLS = ["replies", "replied_back", "reply_back_rate", "reply_back_hours_median",
                "addressed", "answered", "answer_rate", "answer_hours_median",
                "answer_hours_km_median", "threads_joined", "mean_depth", "max_depth", "turns"]
TWO_WAY_COUNTS = {"replies", "replied_back", "addressed", "answered", "threads_joined",
                  "max_depth"}
QUADRANT_NAMES = ["engaged_mutuals", "silent_mutuals", "one_sided_outreach",
                  "unfollowed_engagers"]


def _relationship_frame(rows: list[tuple[str, str]]) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        assert isinstance(x, pd.DataFrame) and x.columns.tolist() == REL_COLS
        assert list(x.index.names) == ["account", "counterpart"]
        assert x.index.tolist() == rows
        assert x.index.is_monotonic_increasing and x.index.is_unique
        for column in REL_COLS:
            assert str(x[column].dtype) == REL_DTYPES.get(column, "float64"), column

    return check


def _check_cohorts(sizes: list[int]) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        assert isinstance(x, pd.DataFrame)
        assert x.columns.tolist() == ["followers", "still_following", "survival"]
        assert list(x.index.names) == ["cohort", "snapshot"]
        assert [str(x[c].dtype) for c in x.columns] == ["Int64", "Int64", "float64"]
        assert x["followers"].tolist() == sizes

    return check


def _two_way_frame(rows: list[str]) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        assert isinstance(x, pd.DataFrame) and x.columns.tolist() == TWO_WAY_COLS
        assert x.index.name == "account" and x.index.tolist() == rows
        for column in TWO_WAY_COLS:
            assert str(x[column].dtype) == ("Int64" if column in TWO_WAY_COUNTS else
                                            "float64"), column

    return check


def _check_lift(accounts: list[int], followed: list[int], difference: float | None
                ) -> Callable[[Any], None]:
    def check(lift: Any) -> None:
        assert isinstance(lift, em.Lift)
        t = lift.table
        assert t.columns.tolist() == ["accounts", "followed", "share", "ci_low", "ci_high",
                                      "definition"]
        assert t.index.name == "group" and t.index.tolist() == ["engaged", "not_engaged"]
        assert [str(t[c].dtype) for c in t.columns[:5]] == ["Int64", "Int64", "float64",
                                                           "float64", "float64"]
        assert t["accounts"].tolist() == accounts and t["followed"].tolist() == followed
        if difference is None:
            assert math.isnan(lift.difference) and "difference" in lift.unknown
        else:
            assert lift.difference == pytest.approx(difference)

    return check


def _quadrants(accounts: list[Any], counterparts: int) -> Callable[[Any], None]:
    def check(x: Any) -> None:
        assert isinstance(x, em.Quadrants) and x.counterparts == counterparts
        assert x.summary.index.tolist() == QUADRANT_NAMES
        assert x.summary.columns.tolist() == ["accounts", "at_least", "share", "definition",
                                              "unknown"]
        assert str(x.summary["accounts"].dtype) == "Int64"
        assert x.summary["accounts"].tolist() == accounts
        assert list(x.members) == QUADRANT_NAMES

    return check


SPECS += [
    # followers {cat} -> {bob, cat}; following {bob, cat, eve} in both
    Spec("compare", lambda t: em.compare(*_pair(t)), None, "posts", "author",
         _check_comparison({"start": [1, 3], "end": [2, 3], "new": [1, 0], "lost": [0, 0]}),
         _check_comparison({"start": [0, 0], "end": [0, 0], "new": [0, 0], "lost": [0, 0]})),
    # the follows carry no dates: missing; empty follows: a measured 0
    Spec("follow_events", lambda t: em.follow_events(t["follows"], ego="ann", freq=None),
         lambda a: em.follow_events(a, freq=None), "follows", "source",
         _check_events([None, None]), _check_events([0, 0])),
    # ann <-> bob and ann <-> cat are the mutual pairs
    Spec("follow_back", lambda t: em.follow_back(t["follows"], ego="ann"), em.follow_back,
         "follows", "target", _check_follow_back([("ann", "bob"), ("ann", "cat")]),
         _check_follow_back([])),
    # one undated cohort {cat} (bob -> ann is not in the older export), at two snapshots
    Spec("follower_cohorts", lambda t: em.follower_cohorts(*_pair(t)), None, "follows",
         "target", _check_cohorts([1, 1]), _check_cohorts([])),
    # universe {bob, dan, eve} (cat followed at the start, gus only in a DM, fay in no
    # interaction); engaged in the period: bob (replies, repost) and dan (mention);
    # followed at the end: bob. Engaged 1/2, not engaged 0/1.
    Spec("engagement_lift", lambda t: em.engagement_lift(*_pair(t)), None, "follows", "target",
         _check_lift([2, 1], [1, 0], 0.5), _check_lift([0, 0], [0, 0], None)),
]


def _ann_relationships(t: dict[str, Any]) -> Any:
    return em.relationships(t["follows"], t["posts"], interactions=t["interactions"], ego="ann")


ANN_COUNTERPARTS = [("ann", "bob"), ("ann", "cat"), ("ann", "dan"), ("ann", "eve")]
SPECS += [
    Spec("relationships", _ann_relationships, em.relationships, "posts", "author",
         _relationship_frame(ANN_COUNTERPARTS), _relationship_frame([]),
         on_graph=lambda g: em.relationships(g, archive().posts,
                                             interactions=archive().interactions, ego="ann")),
    # bob and cat: mutual, engaged; eve: ann follows her, engaged her not; dan: ann
    # mentioned him (p5), he never engaged her and does not follow her
    Spec("quadrants", lambda t: em.quadrants(_ann_relationships(t)), None, "posts", "author",
         _quadrants([2, 0, 1, 0], 4), _quadrants([0, 0, 0, 0], 0)),
    # no exchange within 90 days of the last time in the data (2026-07-01) but with bob (b3,
    # 2026-06-30): cat (last c1/p5 in January), dan (p5)
    Spec("dormant", lambda t: em.dormant(_ann_relationships(t)),
         lambda a: em.dormant(em.relationships(a)), "posts", "kind",
         _relationship_frame([("ann", "cat"), ("ann", "dan")]), _relationship_frame([])),
    Spec("two_way_metrics",
         lambda t: em.two_way_metrics(t["follows"], t["posts"], interactions=t["interactions"]),
         em.two_way_metrics, "interactions", "actor",
         _two_way_frame([*FOLLOW_ACCOUNTS, "fay", "gus"]), _two_way_frame([]),
         on_graph=lambda g: em.two_way_metrics(g, archive().posts,
                                               interactions=archive().interactions)),
]

EMPTY_CALLS = {
    "gini": lambda t: em.gini([]),
    "normalized_entropy": lambda t: em.normalized_entropy([]),
}
IDS = [s.name for s in SPECS]


def test_every_public_metric_has_a_spec():
    metrics = {
        name for name in em.__all__
        if inspect.isfunction(getattr(em, name))
        and getattr(em, name).__module__.startswith("engagemetrics.metrics")
    }
    assert metrics == set(IDS)


def _broken(tables: dict[str, Any], spec: Spec) -> dict[str, Any]:
    tables = dict(tables)
    if spec.broken_table == "archive.posts":
        # an archive edited in place, against its advice: the metrics still check
        tables["archive"].posts = tables["archive"].posts.drop(columns=spec.broken_column)
    else:
        tables[spec.broken_table] = tables[spec.broken_table].drop(columns=spec.broken_column)
    return tables


def _frames(tables: dict[str, Any]) -> dict[str, pd.DataFrame]:
    frames = {"follows": tables["follows"], "posts": tables["posts"],
              "interactions": tables["interactions"]}
    for name in ("follows", "posts", "interactions", "accounts"):
        frames[f"archive.{name}"] = getattr(tables["archive"], name)
    return frames


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_canonical_input_gives_documented_output(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)  # clean input: no warning
        result = spec.call(canonical_tables())
    spec.check(result)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.on_archive], ids=lambda s: s.name)
def test_an_archive_is_accepted_wherever_a_table_is(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        tables = spec.call(canonical_tables())
        whole = spec.on_archive(archive())
    spec.check(whole)
    if isinstance(tables, pd.DataFrame):
        pd.testing.assert_frame_equal(whole, tables)
    else:
        assert whole == tables


@pytest.mark.parametrize("spec", [s for s in SPECS if s.on_graph], ids=lambda s: s.name)
def test_a_follow_graph_is_accepted_wherever_a_follow_table_is(spec):
    graph = canonical_tables()["graph"]
    result = spec.on_graph(graph)
    spec.check(result)
    expected = spec.call(canonical_tables())
    if isinstance(result, pd.DataFrame):
        pd.testing.assert_frame_equal(result, expected)
    else:
        assert result == expected


@pytest.mark.parametrize("spec", [s for s in SPECS if s.broken_table], ids=lambda s: s.name)
def test_missing_column_is_our_error(spec):
    tables = _broken(canonical_tables(), spec)
    with pytest.raises(MissingColumnsError) as caught:
        spec.call(tables)
    assert isinstance(caught.value, KeyError)
    assert spec.broken_column in str(caught.value)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_empty_input_as_documented(spec):
    call = EMPTY_CALLS.get(spec.name, spec.call)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(empty_tables())
    spec.check_empty(result)
    warned = any(issubclass(w.category, DataQualityWarning) for w in caught)
    assert warned == spec.empty_warns


@pytest.mark.parametrize("spec", [s for s in SPECS if s.broken_table], ids=lambda s: s.name)
def test_input_not_mutated(spec):
    tables = canonical_tables()
    before = {name: copy.deepcopy(frame) for name, frame in _frames(tables).items()}
    spec.call(tables)
    if spec.on_archive:
        spec.on_archive(tables["archive"])
    for name, frame in _frames(tables).items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)
