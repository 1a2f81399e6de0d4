"""Conversation metrics: who talks *with* whom rather than *to* whom, per account.

Definitions: ``docs/definitions.md``, "Conversation metrics". The per-account table of posts
and interactions made and received is built here once; :func:`engagemetrics.account_metrics`
puts the follow columns beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..coverage import Coverage
from . import _frames, _kernels
from ._assemble import mask_unknown, missing_column, pandas_frame
from ._definitions import (
    CONVERSATION_COLUMNS,
    FOLLOW_COLUMNS,
    FOLLOW_COUNT_COLUMNS,
    FOLLOW_RATES,
    INTERACTION_POST_COUNTS,
    POST_COUNTS,
    POST_RATES,
    Ratio,
)
from ._prepare import (
    Encoded,
    Inputs,
    Window,
    account_ids,
    check_bool,
    encode_tables,
    interactions_frame,
    parse_window,
    posts_frame,
    take_inputs,
)
from .graph import FollowGraph

__all__ = [
    "conversation_arrays",
    "conversation_counts",
    "counts_from_posts",
    "followee_engagement",
    "per_account",
]

_NO_POSTS = "no posts table was given (the counts come from the interactions made)"
_NO_FOLLOWS = "no follow table was given"
_ENGAGEMENT = Ratio((("engaged", 1),), (("followees", 1),))


def conversation_arrays(
    enc: Encoded, window: Window, *, include_direct: bool, include_self: bool, from_posts: bool
) -> tuple[dict[str, np.ndarray], list[str]]:
    """Per-code arrays of :data:`~._definitions.CONVERSATION_COLUMNS`, and the columns that
    cannot be computed (the post-only ones, when the counts come from interactions)."""
    n = len(enc.ids)
    every = _kernels.kept_interactions(enc, window, include_direct, include_self=True)
    null: list[str] = []
    if from_posts:
        arrays = _kernels.post_counts(enc, window, include_direct)
    else:
        arrays = {c: np.zeros(n, dtype=np.int64) for c in POST_COUNTS}
        arrays.update(_kernels.made_counts(every, n))
        null = [c for c in POST_COUNTS if c not in INTERACTION_POST_COUNTS]
        null += [name for name, r in POST_RATES.items() if r.columns & set(null)]
    for name, ratio in POST_RATES.items():
        arrays[name] = _kernels.evaluate(ratio, arrays)
    if include_self:
        acts = every
    else:
        acts = _kernels.kept_interactions(enc, window, include_direct, include_self=False)
    arrays["outreach_breadth"] = _kernels.outreach_breadth(acts, n)
    arrays.update(_kernels.received_counts(every, n))
    return arrays, null


def followee_engagement(
    graph: FollowGraph, graph_codes: np.ndarray, enc: Encoded, window: Window, *,
    include_direct: bool,
) -> np.ndarray:
    """Per code of ``enc``: the share of the other accounts it follows that it engaged with.

    ``graph_codes`` are the codes of ``enc`` of the graph's accounts (``graph.ids``, in
    order). Engagement is a reply, mention, repost or quote in the window (not a like, never
    oneself); the follows are the graph's, a snapshot, duplicates collapsed.
    """
    n = len(enc.ids)
    acts = _kernels.kept_interactions(enc, window, include_direct, include_self=False)
    actor, target = _kernels.engaged_pairs(acts, n)
    to_graph = np.full(n, -1, dtype=np.int64)
    to_graph[graph_codes] = graph.present_codes
    graph_actor, graph_target = to_graph[actor], to_graph[target]
    inside = (graph_actor >= 0) & (graph_target >= 0)
    hit = np.zeros(actor.shape[0], dtype=bool)
    hit[inside] = graph.has_edges(graph_actor[inside], graph_target[inside])
    followees = np.zeros(n, dtype=np.int64)
    following = graph.node_counts(loops="drop", multi="collapse").following
    followees[graph_codes] = following[graph.present_codes]
    engaged = np.bincount(actor[hit], minlength=n)
    return _kernels.evaluate(_ENGAGEMENT, {"engaged": engaged, "followees": followees})


def counts_from_posts(inputs: Inputs) -> bool:
    """Whether the post counts come from the post log (else from the interactions made)."""
    coverage: Coverage | None = inputs.coverage
    if coverage is not None:
        return coverage.known("posts") or not coverage.known("interactions_made")
    return inputs.posts is not None or inputs.interactions is None


def per_account(
    inputs: Inputs,
    graph: FollowGraph | None,
    *,
    window: Window,
    loops: str,
    multi: str,
    accounts: Iterable[Any] | None,
    include_direct: bool,
    include_self: bool,
    follow_columns: bool,
) -> pd.DataFrame:
    """The per-account table of posts, interactions and (optionally) follows, on pandas.

    Rows: every account of the follow graph, every author and every account of an
    interaction (actor or target, at any time, so that windows of one dataset give the same
    rows), and every one of ``accounts``.
    """
    from_posts = counts_from_posts(inputs)
    posts = None if inputs.posts is None else posts_frame(inputs.posts)
    interactions = None if inputs.interactions is None else interactions_frame(
        inputs.interactions
    )
    extra = [] if graph is None else [graph.ids]
    wanted = account_ids(accounts)
    if wanted is not None:
        extra.append(wanted)
    enc = encode_tables(posts, interactions, extra)
    n = len(enc.ids)
    arrays, null = conversation_arrays(
        enc, window, include_direct=include_direct, include_self=include_self,
        from_posts=from_posts,
    )
    present = np.zeros(n, dtype=bool)
    for codes in enc.extra:
        present[codes[codes >= 0]] = True
    if enc.posts is not None:
        present[enc.posts.author] = True
    if enc.interactions is not None:
        present[enc.interactions.actor] = True
        present[enc.interactions.target] = True
    columns = list(CONVERSATION_COLUMNS)
    if graph is not None:
        graph_codes = enc.extra[0]
        arrays["followee_engagement"] = followee_engagement(
            graph, graph_codes, enc, window, include_direct=include_direct
        )
        columns.append("followee_engagement")
        if follow_columns:
            counts = graph.node_counts(loops=loops, multi=multi)
            for column in FOLLOW_COUNT_COLUMNS:
                values = np.zeros(n, dtype=np.int64)
                values[graph_codes] = getattr(counts, column)[graph.present_codes]
                arrays[column] = values
            for name, ratio in FOLLOW_RATES.items():
                arrays[name] = _kernels.evaluate(ratio, arrays)
            columns = [*FOLLOW_COLUMNS, *columns]
    elif follow_columns:
        for column in (*FOLLOW_COLUMNS, "followee_engagement"):
            arrays[column] = np.zeros(n)
        columns = [*FOLLOW_COLUMNS, *columns, "followee_engagement"]
        null += [*FOLLOW_COLUMNS, "followee_engagement"]
    rows = np.flatnonzero(present)
    frame = pandas_frame(arrays, rows, enc.ids[rows].rename("account"), columns)
    for column in null:
        reason = _NO_FOLLOWS if column in (*FOLLOW_COLUMNS, "followee_engagement") else _NO_POSTS
        missing_column(frame, column)
        if inputs.coverage is None:
            frame.attrs.setdefault("unknown", {})[column] = reason
    return mask_unknown(frame, inputs.coverage)


def conversation_counts(
    follows: Any = None,
    posts: Any = None,
    *,
    interactions: Any = None,
    start: Any = None,
    end: Any = None,
    include_direct: bool = False,
    include_self: bool = False,
) -> Any:
    """Per-account conversation counts: replies against broadcasts, outreach, engagement.

    Parameters
    ----------
    follows : pandas.DataFrame, FollowGraph, Archive, or a Polars, DuckDB or Spark frame, optional
        A follow table (``source`` follows ``target``), a snapshot: not filtered by the window.
        Adds the ``followee_engagement`` column. An :class:`~engagemetrics.Archive` gives all
        its tables (and then no other table may be passed).
    posts : pandas.DataFrame or a frame of the same engine, optional
        A posts table (``post_id``, ``author``, ``created_at``, ``kind``; optional
        ``parent_author``, ``visibility``). A canonical table is used as it is; a frame with
        integer ``author`` ids keeps them; anything else is validated with
        :func:`engagemetrics.schema.posts_table`, and rows it cannot take are dropped with a
        :class:`~engagemetrics.DataQualityWarning`.
    interactions : pandas.DataFrame or a frame of the same engine, optional
        An interactions table (``actor``, ``target``, ``kind``, ``created_at``,
        ``visibility``). Default: derived from ``posts`` by the rule of
        :func:`engagemetrics.derive.interactions_from_posts` (a reply or thread to its
        parent author, a repost or quote to the original author; posts alone carry no
        mentions). Without ``posts`` (a research log of interactions) the counts of replies,
        threads, reposts and quotes come from the interactions each account made, and
        ``posts``, ``broadcasts`` and their ratios are missing.
    start, end : timestamp-like, optional
        The half-open window ``[start, end)`` in UTC; naive values and strings are taken
        as UTC. Filters posts and interactions; an undated interaction lies outside every
        bounded window.
    include_direct : bool
        Count direct messages (visibility ``"direct"``), which are private. Default False.
    include_self : bool
        Count self-interactions (an account replying to, reposting or mentioning itself)
        in ``outreach_breadth``. Default False. Post counts never depend on it: a thread
        continuation is a broadcast by definition.

    Returns
    -------
    pandas.DataFrame, or a frame of the input's engine
        One row per account that authored a post or took part in an interaction (at any time
        and visibility, so that windows of one dataset give the same rows), and per account
        of ``follows``; on pandas indexed by ``account`` (sorted ascending), on other engines
        with ``account`` as the first column. Columns, in order:

        ========================== ======= ==============================================
        ``posts``                  Int64   authored items of every kind
        ``replies``                Int64   ``reply`` posts (replies to others)
        ``broadcasts``             Int64   ``post`` + ``thread`` posts
        ``threads``                Int64   ``thread`` posts (replies to oneself)
        ``reposts``, ``quotes``    Int64   ``repost`` / ``quote`` posts
        reply_to_broadcast_ratio   float64 replies / broadcasts
        ``reply_share``            float64 replies / (replies + broadcasts)
        ``thread_share``           float64 threads / posts
        ``outreach_breadth``       Int64   distinct accounts replied to
        ``replies_received``       Int64   replies to the account by others
        ``mentions_received``      Int64   mentions of it by others
        ``reposts_received``       Int64   reposts of its posts by others
        ``quotes_received``        Int64   quotes of its posts by others
        ``followee_engagement``    float64 only with ``follows``: see Notes
        ========================== ======= ==============================================

        Missing (NA) where the data does not cover a count: with an Archive, what its export
        lacks (``.attrs["unknown"]`` gives the reasons).

    Raises
    ------
    MissingColumnsError
        If a table lacks a required column.
    InvalidArgumentError
        If the window is empty (``start >= end``) or not made of timestamps, or an Archive is
        combined with other tables.

    Notes
    -----
    Definitions are in ``docs/definitions.md`` ("Conversation metrics"). Counts are 0, not
    missing, when nothing happened; a ratio is NaN when its denominator is 0. Plain tables
    are taken as complete: pass an :class:`~engagemetrics.Archive` to have what its export
    lacks shown as missing. Conventions, each a keyword: the window is half-open and UTC
    (``start``, ``end``); direct messages are excluded (``include_direct=False``);
    self-interactions are excluded from outreach and engagement (``include_self=False``).

    ``outreach_breadth`` counts the distinct targets of the account's ``reply``
    interactions in the window. ``followee_engagement`` is ``|F(u) ∩ E(u)| / |F(u)|``
    where ``F(u)`` is the set of *other* accounts ``u`` follows (duplicates collapsed, a
    self-follow never counted) and ``E(u)`` the accounts ``u`` replied to, mentioned,
    reposted or quoted in the window; NaN when ``F(u)`` is empty. Likes are not engagement
    here. Received counts never count an account's interactions with itself.

    Examples
    --------
    >>> posts = pd.DataFrame({
    ...     "post_id": ["1", "2", "3", "4"], "author": ["ann", "ann", "ann", "bob"],
    ...     "created_at": ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
    ...     "kind": ["post", "thread", "reply", "repost"],
    ...     "parent_author": [None, "ann", "bob", "ann"]})
    >>> c = conversation_counts(posts=posts)
    >>> c[["posts", "replies", "broadcasts", "outreach_breadth", "replies_received"]]
             posts  replies  broadcasts  outreach_breadth  replies_received
    account
    ann          3        1           2                 1                 0
    bob          1        0           0                 0                 1
    >>> c["reply_share"].tolist()  # ann 1 / (1 + 2); bob 0 / 0
    [0.3333333333333333, nan]
    >>> follows = pd.DataFrame({"source": ["ann", "ann"], "target": ["bob", "cat"]})
    >>> conversation_counts(follows, posts)["followee_engagement"].tolist()  # ann 1/2
    [0.5, nan, nan]
    """
    window = parse_window(start, end)
    include_direct = check_bool(include_direct, "include_direct")
    include_self = check_bool(include_self, "include_self")
    graph = follows if isinstance(follows, FollowGraph) else None
    inputs = take_inputs(
        None if graph is not None else follows, posts, interactions,
        function="conversation_counts",
    )
    if inputs.native:
        return _frames.account_table(
            follows, posts, interactions, window=window, loops="drop", multi="collapse",
            accounts=None, include_direct=include_direct, include_self=include_self,
            follow_columns=False,
        )
    if graph is None and inputs.follows is not None:
        graph = FollowGraph(follows)
    if graph is not None and inputs.coverage is None:
        inputs = inputs._replace(coverage=graph.coverage, ego=graph.ego)
    return per_account(
        inputs, graph, window=window, loops="drop", multi="collapse", accounts=None,
        include_direct=include_direct, include_self=include_self, follow_columns=False,
    )
