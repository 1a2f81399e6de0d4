"""Reciprocity of a follow graph: per-account follow counts, graph reciprocity, ρ, dyad census.

Definitions and reference values: ``docs/definitions.md``, "Follow-graph metrics". On pandas
the work is one sort of packed pair keys (:class:`~engagemetrics.FollowGraph`), so a
100M-edge int64 frame takes seconds, not the minutes of a graph library; frames of other
engines are computed by their engine with the same definitions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import _frames
from ._assemble import mask_unknown, pandas_frame
from ._definitions import FOLLOW_COUNT_COLUMNS, LOOPS, MULTIS, UNITS, GraphCounts
from ._prepare import account_ids, check_choice, take_inputs
from .graph import FollowGraph, warn_undefined

__all__ = ["DyadCensus", "dyad_census", "follow_counts", "reciprocity", "reciprocity_rho"]

_WHOLE_GRAPH = (
    "an account's export holds only its owner's follows, not the follows among the other "
    "accounts of the graph"
)


class DyadCensus(NamedTuple):
    """Counts of the unordered pairs of distinct accounts of a follow graph.

    Attributes
    ----------
    mutual : int or None
        Pairs that follow each other (M).
    asymmetric : int or None
        Pairs where exactly one follows the other (A).
    null : int or None
        Pairs with no follow either way: N = n(n−1)/2 − M − A.

    Notes
    -----
    Every field is None when the data does not cover the whole graph (one account's
    export), with a :class:`~engagemetrics.DataQualityWarning` saying why.

    Examples
    --------
    >>> census = DyadCensus(mutual=1, asymmetric=2, null=3)
    >>> census.mutual + census.asymmetric + census.null  # n(n-1)/2 pairs of 4 accounts
    6
    """

    mutual: int | None
    asymmetric: int | None
    null: int | None


# --------------------------------------------------------------------------- input
def graph_of(follows: Any, function: str) -> FollowGraph | None:
    """The :class:`FollowGraph` to measure, or None when another engine must compute."""
    if isinstance(follows, FollowGraph):
        return follows
    inputs = take_inputs(follows, function=function)
    if inputs.native:
        return None
    return FollowGraph(follows)


def not_whole_graph(graph: FollowGraph) -> str | None:
    """Why the graph's data does not cover the whole follow graph, or None when it does."""
    coverage = graph.coverage
    if coverage is None:
        return None
    for part in ("following", "followers"):
        if not coverage.known(part):
            return coverage.reason(part)
    return _WHOLE_GRAPH if coverage.scope == "ego" else None


def reciprocity_of(counts: GraphCounts, unit: str) -> float:
    """Graph reciprocity from its counts (NaN without arcs): ``R / L`` in arcs, ``R / (2L − R)``
    in pairs (= M / (M + A) with M = R/2, A = L − R)."""
    if counts.arcs == 0:
        return math.nan
    if unit == "pairs":
        return counts.reciprocated_arcs / (2 * counts.arcs - counts.reciprocated_arcs)
    return counts.reciprocated_arcs / counts.arcs


def _no_arcs(counts: GraphCounts) -> str:
    if counts.loops:
        return "every edge is a self-follow, and loops='drop'"
    return "the follow table is empty"


# --------------------------------------------------------------------------- public functions
def follow_counts(
    follows: Any,
    *,
    loops: str = "drop",
    multi: str = "collapse",
    accounts: Iterable[Any] | None = None,
) -> Any:
    """Followers, following and mutuals of every account of a follow graph.

    Parameters
    ----------
    follows : pandas.DataFrame, FollowGraph, Archive, or a Polars, DuckDB or Spark frame
        One row per follow edge, ``source`` follows ``target``; ids of any dtype (integer
        ids stay integers). An :class:`~engagemetrics.Archive` gives its follows, and what
        its export does not cover is missing.
    loops : {"drop", "mutual", "unreciprocated"}
        Self-follows. ``"drop"`` (default) ignores them. Otherwise a self-follow counts once
        in the account's followers and once in its following; ``"mutual"`` also counts the
        account as its own mutual (networkx's node level: ``u in pred(u) & succ(u)``).
    multi : {"collapse", "keep"}
        Duplicate edges. ``"collapse"`` (default) counts them once; ``"keep"`` counts
        followers and following with multiplicity (in- and out-degree of a multigraph);
        mutuals stays a count of distinct accounts.
    accounts : iterable of ids, optional
        Accounts to include even when no edge has them (they get zeros).

    Returns
    -------
    pandas.DataFrame, or a frame of the input's engine
        ``Int64`` columns ``followers``, ``following``, ``mutuals``, one row per account of
        an edge (an account whose only edge is a self-follow included) and per one of
        ``accounts``; on pandas indexed by ``account`` (sorted ascending), on other engines
        with ``account`` as the first column. Missing (NA) where an archive's export does not
        cover a count (``.attrs["unknown"]`` says why).

    Raises
    ------
    MissingColumnsError
        ``follows`` lacks ``source`` or ``target``.
    InvalidArgumentError
        ``loops`` or ``multi`` is not one of its choices.
    UnsupportedBackendError
        ``follows`` is not a DataFrame (a networkx graph, a list...).

    Notes
    -----
    ``following(u)`` are the accounts u follows, ``followers(u)`` the accounts following u and
    ``mutuals(u) = |followers(u) ∩ following(u) \\ {u}|`` (``docs/definitions.md``).

    References
    ----------
    .. [#] M. E. J. Newman, *Networks*, 2nd ed., Oxford University Press (2018), §6.11.

    Examples
    --------
    >>> follows = pd.DataFrame({"source": ["a", "b", "a", "a"], "target": ["b", "a", "c", "b"]})
    >>> follow_counts(follows)
             followers  following  mutuals
    account
    a                1          2        1
    b                1          1        1
    c                1          0        0
    >>> follow_counts(follows, multi="keep", accounts=["z"]).loc[["b", "z"], "followers"].tolist()
    [2, 0]
    """
    check_choice("loops", loops, LOOPS)
    check_choice("multi", multi, MULTIS)
    graph = graph_of(follows, "follow_counts")
    if graph is None:
        return _frames.follow_table(follows, loops=loops, multi=multi, accounts=accounts)
    return counts_frame(graph, loops=loops, multi=multi, accounts=accounts)


def follow_arrays(
    graph: FollowGraph, *, loops: str, multi: str, accounts: Iterable[Any] | None
) -> tuple[dict[str, np.ndarray], pd.Index]:
    """The follow counts of every account of ``graph`` and of ``accounts`` (zeros), sorted
    by account: one array per column of :data:`~._definitions.FOLLOW_COUNT_COLUMNS`."""
    counts = graph.node_counts(loops=loops, multi=multi)
    arrays = {c: getattr(counts, c)[graph.present_codes] for c in FOLLOW_COUNT_COLUMNS}
    index = graph.ids
    extra = account_ids(accounts)
    new = pd.Index([]) if extra is None else extra[graph.codes_of(extra) < 0]
    if len(new):
        try:  # keep the ids' dtype (pandas would widen uint64 + int64 to float64)
            new = new.astype(index.dtype)
        except (TypeError, ValueError, OverflowError):
            pass
        joined = index.append(pd.Index(new))
        order = np.argsort(joined, kind="stable")
        zeros = np.zeros(len(new), dtype=np.int64)
        arrays = {c: np.concatenate([a, zeros])[order] for c, a in arrays.items()}
        index = joined[order].rename("account")
    return arrays, index


def counts_frame(
    graph: FollowGraph, *, loops: str, multi: str, accounts: Iterable[Any] | None
) -> pd.DataFrame:
    """:func:`follow_counts` of a :class:`FollowGraph`, with the rows of ``accounts``."""
    arrays, index = follow_arrays(graph, loops=loops, multi=multi, accounts=accounts)
    frame = pandas_frame(arrays, None, index, FOLLOW_COUNT_COLUMNS)
    return mask_unknown(frame, graph.coverage)


def reciprocity(
    follows: Any, *, unit: str = "arcs", loops: str = "drop", multi: str = "collapse"
) -> float:
    """Graph reciprocity: the share of follows that are returned.

    Parameters
    ----------
    follows : pandas.DataFrame, FollowGraph, Archive, or a Polars, DuckDB or Spark frame
        One row per follow edge, ``source`` follows ``target`` (see :func:`follow_counts`).
    unit : {"arcs", "pairs"}
        ``"arcs"`` (default): Newman's r = reciprocated arcs / arcs = 2M / (2M + A), the
        value of ``networkx.overall_reciprocity`` and igraph ``reciprocity()`` on a simple
        graph without loops. ``"pairs"``: M / (M + A), the share of connected pairs that are
        mutual (igraph ``mode="ratio"``, NodeXL's reciprocated vertex pair ratio).
    loops : {"drop", "mutual", "unreciprocated"}
        Self-follows. ``"drop"`` (default) ignores them; ``"mutual"`` counts each as an arc
        that is reciprocated (igraph ``ignore_loops=False``); ``"unreciprocated"`` counts each
        as an arc that is not (``networkx.overall_reciprocity``).
    multi : {"collapse", "keep"}
        Duplicate edges. ``"collapse"`` (default) counts them once; ``"keep"`` treats the graph
        as a multigraph: k copies of u→v and m of v→u give 2·min(k, m) reciprocated arcs
        (igraph, networkx ``MultiDiGraph``).

    Returns
    -------
    float
        In [0, 1]. NaN, with a :class:`~engagemetrics.DataQualityWarning` saying why, when the
        graph has no arc after the conventions, or when the data does not hold the whole
        graph (an account's export holds only its owner's follows).

    Raises
    ------
    MissingColumnsError, InvalidArgumentError, UnsupportedBackendError
        See :func:`follow_counts`.

    Notes
    -----
    With L arcs after the conventions, of which R are reciprocated, ``r = R / L``; the pair
    ratio is ``R / (2L − R)``, which is M / (M + A) on a simple loop-free graph and
    reproduces igraph's ``mode="ratio"`` under every loop and multi-edge convention
    (``r = 2·r_pairs / (1 + r_pairs)``). Kwak et al. report 22.1% reciprocated pairs on
    Twitter in 2009, which is 2·0.221 / 1.221 = 0.362 in arcs.

    References
    ----------
    .. [#] M. E. J. Newman, S. Forrest, J. Balthrop, "Email networks and the spread of computer
       viruses", Phys. Rev. E 66, 035101 (2002).
    .. [#] H. Kwak, C. Lee, H. Park, S. Moon, "What is Twitter, a social network or a news
       media?", WWW 2010.

    Examples
    --------
    >>> follows = pd.DataFrame({"source": ["A", "B", "A"], "target": ["B", "A", "C"]})
    >>> round(reciprocity(follows), 3)
    0.667
    >>> reciprocity(follows, unit="pairs")
    0.5
    """
    check_choice("unit", unit, UNITS)
    check_choice("loops", loops, LOOPS)
    check_choice("multi", multi, MULTIS)
    graph = graph_of(follows, "reciprocity")
    if graph is None:
        counts = _frames.graph_counts(follows, loops=loops, multi=multi)
    else:
        why = not_whole_graph(graph)
        if why is not None:
            warn_undefined("reciprocity", why, unknown=True)
            return math.nan
        counts = graph.graph_counts(loops=loops, multi=multi)
    if counts.arcs == 0:
        warn_undefined("reciprocity", _no_arcs(counts))
    return reciprocity_of(counts, unit)


def reciprocity_rho(
    follows: Any,
    *,
    accounts: Iterable[Any] | None = None,
    loops: str = "drop",
    multi: str = "collapse",
) -> float:
    """Density-corrected reciprocity ρ of Garlaschelli and Loffredo.

    Parameters
    ----------
    follows : pandas.DataFrame, FollowGraph, Archive, or a Polars, DuckDB or Spark frame
        One row per follow edge, ``source`` follows ``target`` (see :func:`follow_counts`).
    accounts : iterable of ids, optional
        Accounts of the graph that may have no edge (they raise n and lower the density).
    loops, multi : str
        As in :func:`reciprocity`.

    Returns
    -------
    float
        ρ in [−1, 1] in practice: > 0 reciprocal, < 0 anti-reciprocal, 0 as random. NaN (with
        a :class:`~engagemetrics.DataQualityWarning`) when there is no arc, fewer than two
        accounts, the density ā is 1 (a complete graph, where ρ is 0/0), or the data does not
        hold the whole graph.

    Raises
    ------
    MissingColumnsError, InvalidArgumentError, UnsupportedBackendError, ColumnTypeError
        See :func:`follow_counts`; ColumnTypeError when ``accounts`` ids are of another kind
        (int vs str) than the follow ids.

    Notes
    -----
    ``ρ = (r − ā) / (1 − ā)`` with r the arc reciprocity of :func:`reciprocity` and
    ``ā = L / (n(n − 1))``, L the arcs after the conventions and n the accounts: every account
    of an edge (an account whose only edge is a self-follow included) plus ``accounts``.

    References
    ----------
    .. [#] D. Garlaschelli, M. I. Loffredo, "Patterns of link reciprocity in directed
       networks", Phys. Rev. Lett. 93, 268701 (2004).

    Examples
    --------
    >>> follows = pd.DataFrame({"source": ["A", "B", "A", "D"], "target": ["B", "A", "C", "D"]})
    >>> round(reciprocity_rho(follows), 3)
    0.556
    >>> round(reciprocity_rho(follows, accounts=["E"]), 3)
    0.608
    """
    check_choice("loops", loops, LOOPS)
    check_choice("multi", multi, MULTIS)
    graph = graph_of(follows, "reciprocity_rho")
    if graph is None:
        counts = _frames.graph_counts(follows, loops=loops, multi=multi)
        n = _frames.n_accounts(follows, accounts)
    else:
        extra = account_ids(accounts)
        why = not_whole_graph(graph)
        if why is not None:
            warn_undefined("reciprocity_rho", why, unknown=True)
            return math.nan
        counts = graph.graph_counts(loops=loops, multi=multi)
        n = graph.n_accounts(extra)
    if counts.arcs == 0:
        warn_undefined("reciprocity_rho", _no_arcs(counts))
        return math.nan
    if n < 2:
        warn_undefined("reciprocity_rho", f"the graph has {n} account, so no pair to reciprocate")
        return math.nan
    density = counts.arcs / (n * (n - 1))
    if density >= 1.0:
        warn_undefined(
            "reciprocity_rho", f"the density L/(n(n-1)) is {density:g}, so 1 - density is not > 0"
        )
        return math.nan
    return (reciprocity_of(counts, "arcs") - density) / (1.0 - density)


def dyad_census(follows: Any, *, accounts: Iterable[Any] | None = None) -> DyadCensus:
    """Mutual, asymmetric and null pairs of accounts (Holland and Leinhardt's dyad census).

    Parameters
    ----------
    follows : pandas.DataFrame, FollowGraph, Archive, or a Polars, DuckDB or Spark frame
        One row per follow edge, ``source`` follows ``target`` (see :func:`follow_counts`).
        A pair is mutual, asymmetric or null whatever the number of copies of its edges, so
        there is no ``multi=`` choice to make (igraph's ``dyad_census`` agrees on
        multigraphs).
    accounts : iterable of ids, optional
        Accounts of the graph that may have no edge (each adds null pairs).

    Returns
    -------
    DyadCensus
        ``(mutual, asymmetric, null)`` as ints. An empty follow table gives
        ``(0, 0, n(n−1)/2)`` with n the number of ``accounts``. Every field is None, with a
        :class:`~engagemetrics.DataQualityWarning`, when the data does not hold the whole
        graph (an account's export).

    Raises
    ------
    MissingColumnsError, InvalidArgumentError, UnsupportedBackendError, ColumnTypeError
        See :func:`reciprocity_rho`.

    Notes
    -----
    A self-follow never forms a dyad (a dyad is a pair of distinct accounts), but its account
    counts in n. With n accounts (those of any edge, plus ``accounts``), M mutual and A
    asymmetric pairs, ``null = n(n − 1)/2 − M − A``.

    References
    ----------
    .. [#] P. W. Holland, S. Leinhardt, "A method for detecting structure in sociometric
       data", American Journal of Sociology 76, 492-513 (1970).

    Examples
    --------
    >>> follows = pd.DataFrame({"source": ["A", "B", "A", "D"], "target": ["B", "A", "C", "D"]})
    >>> dyad_census(follows)
    DyadCensus(mutual=1, asymmetric=1, null=4)
    >>> dyad_census(follows, accounts=["E"]).null
    8
    """
    graph = graph_of(follows, "dyad_census")
    if graph is None:
        counts = _frames.graph_counts(follows, loops="drop", multi="collapse")
        n = _frames.n_accounts(follows, accounts)
    else:
        extra = account_ids(accounts)
        why = not_whole_graph(graph)
        if why is not None:
            warn_undefined("dyad_census", why, unknown=True)
            return DyadCensus(None, None, None)
        counts = graph.graph_counts(loops="drop", multi="collapse")
        n = graph.n_accounts(extra)
    mutual, asymmetric = counts.mutual_pairs, counts.asymmetric_pairs
    return DyadCensus(mutual, asymmetric, n * (n - 1) // 2 - mutual - asymmetric)
