"""Per-account metrics: follow reciprocity beside conversation, one row per account."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from . import _frames, _kernels
from ._assemble import mask_unknown, pandas_frame
from ._definitions import FOLLOW_COLUMNS, FOLLOW_RATES, LOOPS, MULTIS
from ._prepare import check_bool, check_choice, parse_window, take_inputs
from .conversation import per_account
from .graph import FollowGraph
from .reciprocity import follow_arrays

__all__ = ["account_metrics"]


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
) -> Any:
    """Follow reciprocity and conversation of every account, one row per account.

    Parameters
    ----------
    follows : pandas.DataFrame, FollowGraph, Archive, or a Polars, DuckDB or Spark frame
        The follow table (``source`` follows ``target``), a snapshot: never filtered by the
        window; None when there is none (the follow columns are then missing). An
        :class:`~engagemetrics.Archive` gives all its tables, and what its export does not
        cover is missing; a :class:`~engagemetrics.FollowGraph` shares its sort with the other
        follow measures.
    posts : pandas.DataFrame or a frame of the same engine, optional
        The posts table. A canonical table is used as it is; integer ``author`` and
        ``parent_author`` ids stay integers; anything else is validated by
        :func:`engagemetrics.schema.posts_table`.
    interactions : pandas.DataFrame or a frame of the same engine, optional
        The interactions table. Default: derived from ``posts`` (replies, threads, reposts and
        quotes to their parent author). Given without ``posts`` (a research log), the counts
        of replies, threads, reposts and quotes come from the interactions each account made.
    start, end : timestamp-like, optional
        Half-open window ``[start, end)`` in UTC (naive values and strings are taken as
        UTC) over posts and interactions.
    loops : {"drop", "mutual", "unreciprocated"}
        Self-follows, as in :func:`engagemetrics.follow_counts`.
    multi : {"collapse", "keep"}
        Duplicate follow edges, as in :func:`engagemetrics.follow_counts`.
    accounts : iterable of ids, optional
        Accounts that get a row even when no table mentions them (zeros, NaN rates).
    include_direct : bool
        Count direct messages (private). Default False.
    include_self : bool
        Count self-interactions in ``outreach_breadth``. Default False.

    Returns
    -------
    pandas.DataFrame, or a frame of the input's engine
        One row per account of the data: every account of ``follows`` (a self-follower
        included), every account of a post or an interaction (at any time), and every one
        of ``accounts``; on pandas indexed by ``account`` (sorted ascending; integer ids stay
        integers when every table has integer ids), on other engines with ``account`` as the
        first column. Columns, in order:

        ========================== ======= =========================================
        ``followers``              Int64   accounts following u
        ``following``              Int64   accounts u follows
        ``mutuals``                Int64   both, u itself excluded
        ``follow_ratio``           float64 followers / following
        ``follow_back_rate``       float64 mutuals / following
        ``reciprocation_rate``     float64 mutuals / followers
        ``reciprocity_dice``       float64 2·mutuals / (followers + following)
        ``reciprocity_jaccard``    float64 mutuals / (followers + following − mutuals)
        ========================== ======= =========================================

        and, when ``posts`` or ``interactions`` is given (always for an Archive), the columns
        of :func:`engagemetrics.conversation_counts` (``posts`` ... ``quotes_received``) and
        ``followee_engagement``.

        A value the data does not cover is missing (NA): with an Archive, what its export
        lacks (a Bluesky repo has no follower list), and with one account's export every row
        but its owner's (the export covers its owner only); ``.attrs["unknown"]`` maps each
        missing column to the reason.

    Raises
    ------
    MissingColumnsError
        A table lacks a required column (also a ``KeyError``).
    InvalidArgumentError
        An empty window, a bad ``loops``/``multi``, or an Archive combined with other tables.

    Notes
    -----
    Definitions are in ``docs/definitions.md`` ("Follow-graph metrics", "Conversation
    metrics"). Counts are 0, not missing, when nothing happened; a ratio is NaN when its
    denominator is 0, so an account that only appears in posts has follow counts 0 and NaN
    follow rates. The ``follow_ratio`` is the vanity number: read it beside the reciprocity
    columns. ``reciprocity_dice`` equals ``networkx.reciprocity(G, u)`` on a simple graph
    without self-follows; ``reciprocity_jaccard`` is NodeXL's per-vertex reciprocated vertex
    pair ratio.

    Conventions, each a keyword: self-follows dropped (``loops="drop"``), duplicate edges
    collapsed (``multi="collapse"``), the window half-open in UTC, direct messages excluded
    (``include_direct=False``), self-interactions excluded from outreach and engagement
    (``include_self=False``). Plain tables are taken as complete.

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
    window = parse_window(start, end)
    check_choice("loops", loops, LOOPS)
    check_choice("multi", multi, MULTIS)
    include_direct = check_bool(include_direct, "include_direct")
    include_self = check_bool(include_self, "include_self")
    graph = follows if isinstance(follows, FollowGraph) else None
    inputs = take_inputs(
        None if graph is not None else follows, posts, interactions, function="account_metrics"
    )
    if inputs.native:
        return _frames.account_table(
            follows, posts, interactions, window=window, loops=loops, multi=multi,
            accounts=accounts, include_direct=include_direct, include_self=include_self,
            follow_columns=True,
        )
    if graph is None and inputs.follows is not None:
        graph = FollowGraph(follows)
    if graph is not None and inputs.coverage is None:
        inputs = inputs._replace(coverage=graph.coverage, ego=graph.ego)
    if inputs.posts is None and inputs.interactions is None:
        if graph is None:
            graph = FollowGraph(pd.DataFrame({"source": [], "target": []}))
        # The follow columns alone (a research graph): the kernel's rows are the answer.
        arrays, index = follow_arrays(graph, loops=loops, multi=multi, accounts=accounts)
        for name, ratio in FOLLOW_RATES.items():
            arrays[name] = _kernels.evaluate(ratio, arrays)
        result = pandas_frame(arrays, None, index, FOLLOW_COLUMNS)
        return mask_unknown(result, inputs.coverage)
    return per_account(
        inputs, graph, window=window, loops=loops, multi=multi, accounts=accounts,
        include_direct=include_direct, include_self=include_self, follow_columns=True,
    )
