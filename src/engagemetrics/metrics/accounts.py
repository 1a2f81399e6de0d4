"""Per-account metrics: follow reciprocity beside conversation, one row per account."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InvalidArgumentError
from .conversation import (
    CONVERSATION_COLUMNS,
    _check_bool,
    _encode_tables,
    _log_exclusions,
    _post_arrays,
    _prepare_follows,
    _prepare_interactions,
    _prepare_posts,
    _ratio,
    _window,
)

__all__ = ["account_metrics"]

FOLLOW_COUNT_COLUMNS = ("followers", "following", "mutuals")
FOLLOW_RATE_COLUMNS = (
    "follow_ratio",
    "follow_back_rate",
    "reciprocation_rate",
    "reciprocity_dice",
    "reciprocity_jaccard",
)
FOLLOW_COLUMNS = (*FOLLOW_COUNT_COLUMNS, *FOLLOW_RATE_COLUMNS)
ACCOUNT_COLUMNS = (*FOLLOW_COLUMNS, *CONVERSATION_COLUMNS, "followee_engagement")


def _follow_rates(followers: np.ndarray, following: np.ndarray, mutuals: np.ndarray) -> dict:
    """The rates of METRICS.md section 2 from the three counts (NaN on a zero denominator)."""
    return {
        "follow_ratio": _ratio(followers, following),
        "follow_back_rate": _ratio(mutuals, following),
        "reciprocation_rate": _ratio(mutuals, followers),
        "reciprocity_dice": _ratio(2 * mutuals, followers + following),
        "reciprocity_jaccard": _ratio(mutuals, followers + following - mutuals),
    }


def _follow_columns(
    follows: Any, *, loops: str, multi: str, accounts: Iterable[Any] | None = None
) -> pd.DataFrame:
    """follow_counts plus the follow rates, index ``account``."""
    from .reciprocity import follow_counts

    counts = follow_counts(follows, loops=loops, multi=multi, accounts=accounts)
    c = {col: counts[col].to_numpy(dtype=np.int64) for col in FOLLOW_COUNT_COLUMNS}
    data = {**c, **_follow_rates(c["followers"], c["following"], c["mutuals"])}
    return pd.DataFrame(data, index=counts.index)[list(FOLLOW_COLUMNS)]


def _integer_edges(follows: Any) -> bool:
    """True for a frame whose ``source`` and ``target`` are integer columns without gaps."""
    return (
        isinstance(follows, pd.DataFrame)
        and "source" in follows.columns
        and "target" in follows.columns
        and follows["source"].dtype.kind in "iu"
        and follows["target"].dtype.kind in "iu"
    )


def _account_list(accounts: Any) -> pd.Series | None:
    if accounts is None:
        return None
    if isinstance(accounts, (str, bytes)) or not isinstance(accounts, Iterable):
        raise InvalidArgumentError(
            f"accounts must be a list of account ids, got {accounts!r}; "
            "wrap a single id in a list: accounts=[id]"
        )
    values = accounts if isinstance(accounts, (pd.Series, pd.Index)) else list(accounts)
    series = pd.Series(values)
    return series[series.notna()].reset_index(drop=True)


def account_metrics(
    follows: Any,
    posts: Any = None,
    *,
    interactions: Any = None,
    start: Any = None,
    end: Any = None,
    loops: str = "drop",
    multi: str = "collapse",
    accounts: Iterable[Any] | None = None,
    include_direct: bool = False,
    include_self: bool = False,
) -> pd.DataFrame:
    """Follow reciprocity and conversation of every account, one row per account.

    Parameters
    ----------
    follows : pandas.DataFrame or engagemetrics.Archive
        The follow table (``source`` follows ``target``), a snapshot: never filtered by the
        window. An :class:`~engagemetrics.Archive` also gives ``posts`` and
        ``interactions`` unless they are passed. A polars, DuckDB, Spark or narwhals frame
        is computed by :func:`engagemetrics.metrics._backend.account_metrics_nw`.
    posts : pandas.DataFrame, optional
        The posts table. Without it only the follow columns are returned. A canonical
        table is used as it is; integer ``author``/``parent_author`` ids stay integers;
        anything else is validated by :func:`engagemetrics.schema.posts_table`.
    interactions : pandas.DataFrame, optional
        The interactions table (needs ``posts``). Default: the archive's, or derived from
        ``posts`` (replies, threads, reposts and quotes to their parent author). When an
        archive is given together with ``posts=``, the interactions are derived from those
        posts, not taken from the archive.
    start, end : timestamp-like, optional
        Half-open window ``[start, end)`` in UTC (naive values and strings are taken as
        UTC) over posts and interactions.
    loops : {"drop", "mutual", "unreciprocated"}
        Self-follows, as in :func:`engagemetrics.metrics.reciprocity.follow_counts`.
    multi : {"collapse", "keep"}
        Duplicate follow edges, as in ``follow_counts``.
    accounts : iterable of ids, optional
        Accounts that get a row even when no table mentions them (zeros, NaN rates).
    include_direct : bool
        Count direct messages (private). Default False.
    include_self : bool
        Count self-interactions in ``outreach_breadth``. Default False.

    Returns
    -------
    pandas.DataFrame
        One row per account of the data: every account of ``follows`` (a self-follower
        included), every author of a post and actor of an interaction (at any time), and
        every one of ``accounts``. Index ``"account"`` sorted ascending (integer ids stay
        integers when every table has integer ids). Columns, in order:

        ========================== ======= =========================================
        ``followers``              int64   accounts following u
        ``following``              int64   accounts u follows
        ``mutuals``                int64   both, u itself excluded
        ``follow_ratio``           float64 followers / following
        ``follow_back_rate``       float64 mutuals / following
        ``reciprocation_rate``     float64 mutuals / followers
        ``reciprocity_dice``       float64 2·mutuals / (followers + following)
        ``reciprocity_jaccard``    float64 mutuals / (followers + following − mutuals)
        ========================== ======= =========================================

        and, when ``posts`` is given, the columns of
        :func:`engagemetrics.metrics.conversation.conversation_counts` (``posts``,
        ``replies``, ``broadcasts``, ``threads``, ``reposts``, ``quotes``,
        ``reply_to_broadcast_ratio``, ``reply_share``, ``thread_share``,
        ``outreach_breadth``) and ``followee_engagement`` (float64).

    Raises
    ------
    MissingColumnsError
        A table lacks a required column (also a ``KeyError``).
    InvalidArgumentError
        An empty window, ``interactions`` without ``posts``, or a bad ``loops``/``multi``.

    Notes
    -----
    Definitions are METRICS.md sections 2 (follow columns) and 3 (conversation). Counts are
    0, not NaN, when nothing happened; a ratio is NaN when its denominator is 0, so an
    account that only appears in posts has follow counts 0 and NaN follow rates. The
    ``follow_ratio`` is the vanity number: read it beside the reciprocity columns.
    ``reciprocity_dice`` equals ``networkx.reciprocity(G, u)`` on a simple graph without
    self-follows; ``reciprocity_jaccard`` is NodeXL's per-vertex reciprocated vertex pair
    ratio.

    Conventions, each a keyword: self-follows dropped (``loops="drop"``), duplicate edges
    collapsed (``multi="collapse"``), the window half-open in UTC, direct messages excluded
    (``include_direct=False``), self-interactions excluded from outreach and engagement
    (``include_self=False``). ``followee_engagement`` is the share of the *other* accounts
    u follows (distinct, a self-follow never counted) that u replied to, mentioned,
    reposted or quoted in the window; NaN when u follows nobody else.

    The work is vectorised: ids are encoded once (a sort for integer ids, a dictionary
    encoding for text), counts are ``numpy.bincount`` over the codes and distinct pairs
    come from sorted int64 keys.

    Examples
    --------
    >>> follows = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]})
    >>> m = account_metrics(follows)
    >>> m[["followers", "following", "mutuals", "follow_back_rate", "reciprocity_dice"]]
             followers  following  mutuals  follow_back_rate  reciprocity_dice
    account
    a                1          2        1               0.5          0.666667
    b                1          1        1               1.0          1.000000
    c                1          0        0               NaN          0.000000
    >>> posts = pd.DataFrame({"post_id": ["1", "2"], "author": ["a", "d"],
    ...                       "created_at": ["2026-01-01", "2026-01-02"],
    ...                       "kind": ["reply", "post"], "parent_author": ["b", None]})
    >>> m = account_metrics(follows, posts)
    >>> m.loc[["a", "d"], ["following", "follow_back_rate", "replies", "followee_engagement"]]
             following  follow_back_rate  replies  followee_engagement
    account
    a                2               0.5        1                  0.5
    d                0               NaN        0                  NaN
    """
    from ..archive import Archive

    if isinstance(follows, Archive):
        archive = follows
        follows = archive.follows
        if posts is None:
            posts = archive.posts
            if interactions is None:
                interactions = archive.interactions
    elif follows is not None and not isinstance(follows, (pd.DataFrame, dict)):
        from ._backend import account_metrics_nw

        return account_metrics_nw(
            follows,
            posts,
            interactions=interactions,
            start=start,
            end=end,
            loops=loops,
            multi=multi,
            accounts=accounts,
            include_direct=include_direct,
            include_self=include_self,
        )
    window = _window(start, end)
    include_direct = _check_bool(include_direct, "include_direct")
    include_self = _check_bool(include_self, "include_self")
    if posts is None and interactions is not None:
        raise InvalidArgumentError(
            "interactions= was given without posts=; the conversation columns need the posts "
            "table (pass posts=, or leave interactions out for the follow columns only)"
        )
    if follows is None:
        follows = pd.DataFrame(
            {"source": pd.Series([], dtype="int64"), "target": pd.Series([], dtype="int64")}
        )
    extra_accounts = _account_list(accounts)
    if posts is None and _integer_edges(follows):
        # The scale path (a research graph of integer ids, no posts): the follow kernel
        # already gives every row, so skip copying the edges and encoding them a second time.
        return _follow_columns(follows, loops=loops, multi=multi, accounts=extra_accounts)
    prepared_follows = _prepare_follows(follows)
    prepared_posts = prepared_interactions = None
    if posts is not None:
        prepared_posts = _prepare_posts(posts)
        if interactions is not None:
            prepared_interactions = _prepare_interactions(interactions)
    follow_part = _follow_columns(prepared_follows, loops=loops, multi=multi)

    extra = [pd.Series(follow_part.index)]
    if extra_accounts is not None:
        extra.append(extra_accounts)
    enc = _encode_tables(prepared_posts, prepared_interactions, prepared_follows, extra)
    n = len(enc.ids)
    present = np.zeros(n, dtype=bool)
    for codes in enc.extra:
        present[codes] = True
    follow_codes = enc.extra[0]
    data: dict[str, np.ndarray] = {}
    for col in FOLLOW_COUNT_COLUMNS:
        values = np.zeros(n, dtype=np.int64)
        values[follow_codes] = follow_part[col].to_numpy(dtype=np.int64)
        data[col] = values
    data.update(_follow_rates(data["followers"], data["following"], data["mutuals"]))
    columns = list(FOLLOW_COLUMNS)
    if posts is not None:
        data.update(_post_arrays(enc, window, include_direct, include_self))
        _log_exclusions(enc, window, include_direct, "account_metrics")
        present[enc.posts.author] = True  # type: ignore[union-attr]
        present[enc.interactions.actor] = True  # type: ignore[union-attr]
        columns = list(ACCOUNT_COLUMNS)
    rows = np.flatnonzero(present)
    result = pd.DataFrame(
        {c: data[c][rows] for c in columns}, index=enc.ids[rows].rename("account")
    )
    return result.astype(
        {c: ("int64" if data[c].dtype.kind in "iu" else "float64") for c in columns}
    )
