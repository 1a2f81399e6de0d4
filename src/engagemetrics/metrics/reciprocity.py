"""Reciprocity of a follow graph: per-account follow counts, graph reciprocity, ρ, dyad census.

Definitions and reference values: ``docs/definitions`` (METRICS.md section 2). The work is one
sort of packed pair keys (:mod:`engagemetrics.metrics._kernels`), so a 100M-edge int64 frame
takes seconds, not the minutes of a graph library.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..exceptions import (
    ColumnTypeError,
    DataQualityWarning,
    InvalidArgumentError,
    MissingColumnsError,
    UnsupportedBackendError,
)
from . import _kernels

__all__ = ["DyadCensus", "dyad_census", "follow_counts", "reciprocity", "reciprocity_rho"]

logger = logging.getLogger("engagemetrics")

UNITS = ("arcs", "pairs")
LOOPS = ("drop", "mutual", "unreciprocated")
MULTIS = ("collapse", "keep")

# Integer ids whose range is at most this many times the number of edges are their own codes
# (id - min): no hashing. Beyond it the bincounts would be mostly empty, so factorize instead.
_RANGE_CODES_PER_EDGE = 4
_RANGE_CODES_FLOOR = 1 << 16


class DyadCensus(NamedTuple):
    """Counts of the unordered pairs of distinct accounts of a follow graph.

    Attributes
    ----------
    mutual : int
        Pairs that follow each other (M).
    asymmetric : int
        Pairs where exactly one follows the other (A).
    null : int
        Pairs with no follow either way: N = n(n−1)/2 − M − A.

    Examples
    --------
    >>> census = DyadCensus(mutual=1, asymmetric=2, null=3)
    >>> census.mutual + census.asymmetric + census.null  # n(n-1)/2 pairs of 4 accounts
    6
    """

    mutual: int
    asymmetric: int
    null: int


# --------------------------------------------------------------------------- input handling
def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in choices:
        raise InvalidArgumentError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}"
        )


def _dispatch(follows: Any, function: str) -> pd.DataFrame | None:
    """The pandas follow table to work on, or None when another backend must take it."""
    from ..archive import Archive

    if isinstance(follows, Archive):
        follows = follows.follows
    if isinstance(follows, pd.DataFrame):
        missing = [c for c in ("source", "target") if c not in follows.columns]
        if missing:
            raise MissingColumnsError(
                "follows",
                missing,
                [str(c) for c in follows.columns],
                hint=(
                    "rename the columns to 'source' (the follower) and 'target' (the followed "
                    "account), or build the table with em.read_follows(frame, source=..., "
                    "target=...)"
                ),
            )
        return follows
    found = type(follows).__module__ + "." + type(follows).__qualname__
    if type(follows).__module__.startswith("networkx"):
        raise UnsupportedBackendError(
            f"{function}() takes a follow table, not a networkx graph ({found}); pass "
            "networkx.to_pandas_edgelist(G) of a DiGraph (an undirected graph has no follow "
            "direction, so its reciprocity is undefined)"
        )
    import narwhals.dependencies as nw_dependencies

    if nw_dependencies.is_into_dataframe(follows) or nw_dependencies.is_into_lazyframe(follows):
        return None
    raise UnsupportedBackendError(
        f"{function}() takes a follow table (a pandas, polars, DuckDB or Spark DataFrame with "
        f"'source' and 'target' columns, or an em.Archive); got {found}"
    )


def _backend() -> Any:
    from . import _backend as backend

    return backend


class _Coded(NamedTuple):
    """An edge list as integer codes, and how to turn codes back into ids."""

    source: np.ndarray
    target: np.ndarray
    n_codes: int
    offset: int | None  # id = code + offset (integer range codes), or
    uniques: pd.Index | None  # id = uniques[code] (factorized)
    id_dtype: Any


def _is_integer(series: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


def _encode(follows: pd.DataFrame) -> _Coded:
    """Integer codes of the ids: id − min for dense integer ids, else pd.factorize."""
    source, target = follows["source"], follows["target"]
    if (not _is_integer(source) or source.hasnans) or (not _is_integer(target) or target.hasnans):
        missing = source.isna().to_numpy() | target.isna().to_numpy()
        n_missing = int(missing.sum())
        if n_missing:
            warnings.warn(
                f"{n_missing} follow edge(s) have a missing source or target id and were "
                "ignored; em.read_follows drops and counts them in the ledger",
                DataQualityWarning,
                stacklevel=4,
            )
            source, target = source[~missing], target[~missing]
    n_edges = len(source)
    if _is_integer(source) and _is_integer(target) and n_edges:
        source_ids = source.to_numpy(dtype=np.int64 if source.dtype.kind != "u" else None)
        target_ids = target.to_numpy(dtype=np.int64 if target.dtype.kind != "u" else None)
        if source_ids.dtype == target_ids.dtype:
            low = min(int(source_ids.min()), int(target_ids.min()))
            high = max(int(source_ids.max()), int(target_ids.max()))
            span = high - low + 1
            limit = max(_RANGE_CODES_PER_EDGE * n_edges, _RANGE_CODES_FLOOR)
            if 0 <= low and high < limit:
                low, span = 0, high + 1  # small non-negative ids are their own codes
            if span <= limit:
                dtype = source.dtype if source.dtype == target.dtype else np.dtype(np.int64)
                return _Coded(
                    _shift(source_ids, low), _shift(target_ids, low), span, low, None, dtype
                )
    both = pd.concat([source, target], ignore_index=True)
    codes, uniques = pd.factorize(both)
    codes = codes.astype(np.int64, copy=False)
    return _Coded(
        codes[:n_edges], codes[n_edges:], len(uniques), None, pd.Index(uniques), uniques.dtype
    )


def _shift(ids: np.ndarray, low: int) -> np.ndarray:
    if low == 0 and ids.dtype == np.int64:
        return ids  # already codes: no copy (the kernels never write to their input)
    if ids.dtype.kind == "u":
        return (ids - np.uint64(low)).astype(np.int64)
    return ids - np.int64(low)


def _ids(coded: _Coded, codes: np.ndarray) -> pd.Index:
    if coded.uniques is not None:
        return coded.uniques.take(codes)
    if coded.offset and coded.offset > np.iinfo(np.int64).max - coded.n_codes:
        values = codes.astype(np.uint64) + np.uint64(coded.offset)  # uint64 ids near 2**64
    else:
        values = codes + coded.offset if coded.offset else codes.copy()
    return pd.Index(values).astype(coded.id_dtype)


def _extra_accounts(accounts: Iterable[Any] | None, coded: _Coded | None) -> pd.Index:
    """The ids of ``accounts=`` as an Index (checked against the kind of the follow ids)."""
    if accounts is None:
        return pd.Index([])
    if isinstance(accounts, (str, bytes)) or not isinstance(accounts, Iterable):
        raise InvalidArgumentError(
            f"accounts must be an iterable of account ids (a list, a Series, an Index); "
            f"got {type(accounts).__name__}"
        )
    extra = pd.Index(list(accounts) if not isinstance(accounts, pd.Index) else accounts)
    extra = extra.dropna().unique()
    if coded is not None and len(extra) and coded.n_codes:
        assert coded.offset is not None or coded.uniques is not None
        ids_kind = "integer" if coded.uniques is None else _id_kind(coded.uniques)
        if {ids_kind, _id_kind(extra)} == {"integer", "string"}:
            raise ColumnTypeError(
                f"accounts= holds {extra.dtype} ids but the follow table's ids are "
                f"{coded.id_dtype}; an id of one kind never equals an id of the other, so "
                "convert one side (e.g. accounts=[str(a) for a in accounts])"
            )
    return extra


def _id_kind(ids: pd.Index) -> str:
    """ "integer", "string" or another pandas inferred kind of some ids."""
    if pd.api.types.is_integer_dtype(ids.dtype):
        return "integer"
    return pd.api.types.infer_dtype(ids, skipna=True)


def _n_accounts(coded: _Coded, counts_present: np.ndarray, extra: pd.Index) -> int:
    """Accounts in any edge (a self-follow included) plus those only in ``accounts=``."""
    present = np.flatnonzero(counts_present)
    n = int(present.shape[0])
    if len(extra):
        n += int((~extra.isin(_ids(coded, present))).sum())
    return n


def _empty_warning(function: str, why: str, *, depth: int = 0) -> None:
    # depth: frames between the public function and this one, so the warning names the caller.
    message = f"{function}() is undefined: {why}; returning NaN"
    warnings.warn(message, DataQualityWarning, stacklevel=3 + depth)


def _log_conventions(arcs: _kernels.SortedArcs, loops: str, multi: str) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "follow graph: %d edges, %d duplicate copies (multi=%r), %d self-follow edges "
            "(loops=%r)",
            arcs.n_edges,
            arcs.duplicate_source.shape[0],
            multi,
            arcs.loops.shape[0],
            loops,
        )


def _prepare(
    follows: pd.DataFrame, multi: str, loops: str, *, graph_level: bool
) -> tuple[_Coded, _kernels.SortedArcs]:
    coded = _encode(follows)
    # Copies per mutual pair matter only to graph reciprocity of a multigraph.
    with_multiplicity = graph_level and multi == "keep"
    arcs = _kernels.sort_arcs(
        coded.source, coded.target, coded.n_codes, with_multiplicity=with_multiplicity
    )
    _log_conventions(arcs, loops, multi)
    return coded, arcs


# --------------------------------------------------------------------------- public functions
def follow_counts(
    follows: Any,
    *,
    loops: str = "drop",
    multi: str = "collapse",
    accounts: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """Followers, following and mutuals of every account of a follow graph.

    Parameters
    ----------
    follows : pandas.DataFrame, em.Archive or another DataFrame
        One row per follow edge, ``source`` follows ``target``; ids of any dtype (integer
        ids stay integers). An :class:`~engagemetrics.Archive` gives its ``follows``; a polars,
        DuckDB or Spark frame is computed by that engine.
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
    pandas.DataFrame
        Index ``account`` (the ids, sorted ascending): every account of an edge (an account
        whose only edge is a self-follow included) and every one of ``accounts``; int64
        columns ``followers``, ``following``, ``mutuals``.

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
    ``mutuals(u) = |followers(u) ∩ following(u) \\ {u}|``. The rates of METRICS.md section 2
    follow: follow-back rate = mutuals / following, reciprocation rate = mutuals / followers,
    Dice node reciprocity ``2·mutuals / (followers + following)`` (networkx
    ``reciprocity(G, u)``), Jaccard ``mutuals / (followers + following − mutuals)`` (NodeXL's
    per-vertex reciprocated vertex pair ratio).

    The counts come from one sort of packed pair keys; no Python loop over edges or accounts.

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
    _check_choice("loops", loops, LOOPS)
    _check_choice("multi", multi, MULTIS)
    table = _dispatch(follows, "follow_counts")
    if table is None:
        return _backend().follow_counts_nw(follows, loops=loops, multi=multi, accounts=accounts)

    coded, arcs = _prepare(table, multi, loops, graph_level=False)
    extra = _extra_accounts(accounts, coded)
    counts = _kernels.node_counts(
        arcs, coded.source, coded.target, coded.n_codes, loops=loops, multi=multi
    )
    present = np.flatnonzero(counts.present)
    if coded.uniques is not None:
        # factorize codes follow first appearance: sort the ids (not the edges) here.
        try:
            present = present[coded.uniques.take(present).argsort()]
        except TypeError as error:
            raise ColumnTypeError(
                "the follow table mixes account ids of different types (e.g. 1 and '1'), "
                "which cannot be sorted or matched; convert them first, e.g. "
                "follows.astype({'source': str, 'target': str})"
            ) from error
    frame = pd.DataFrame(
        {
            "followers": counts.followers[present],
            "following": counts.following[present],
            "mutuals": counts.mutuals[present],
        },
        index=_ids(coded, present).rename("account"),
    )
    if len(coded.source) == 0 and coded.uniques is not None:
        frame.index = frame.index.astype(table["source"].dtype)
    if len(extra):
        new = extra[~extra.isin(frame.index)]
        if len(new):
            try:  # keep the ids' dtype (pandas would widen uint64 + int64 to float64)
                new = new.astype(frame.index.dtype)
            except (TypeError, ValueError, OverflowError):
                pass
            zeros = np.zeros(len(new), dtype=np.int64)
            added = pd.DataFrame(
                {"followers": zeros, "following": zeros, "mutuals": zeros},
                index=pd.Index(new, name="account"),
            )
            frame = pd.concat([frame, added]).sort_index()
            frame.index.name = "account"
    return frame


def reciprocity(
    follows: Any, *, unit: str = "arcs", loops: str = "drop", multi: str = "collapse"
) -> float:
    """Graph reciprocity: the share of follows that are returned.

    Parameters
    ----------
    follows : pandas.DataFrame, em.Archive or another DataFrame
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
        In [0, 1]; NaN (with a :class:`~engagemetrics.DataQualityWarning` saying why) when the
        graph has no arc after the conventions.

    Raises
    ------
    MissingColumnsError, InvalidArgumentError, UnsupportedBackendError
        See :func:`follow_counts`.

    Notes
    -----
    With L arcs after the conventions, of which R are reciprocated, ``r = R / L``. The pair
    ratio is computed as ``r / (2 − r)`` (equivalently ``r = 2·r_pairs / (1 + r_pairs)``),
    which is M / (M + A) on a simple loop-free graph and reproduces igraph's ``mode="ratio"``
    under every loop and multi-edge convention. Kwak et al. report 22.1% reciprocated pairs on
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
    _check_choice("unit", unit, UNITS)
    _check_choice("loops", loops, LOOPS)
    _check_choice("multi", multi, MULTIS)
    table = _dispatch(follows, "reciprocity")
    if table is None:
        return _backend().reciprocity_nw(follows, unit=unit, loops=loops, multi=multi)
    if len(table) == 0:
        _empty_warning("reciprocity", "the follow table is empty")
        return math.nan
    _, arcs = _prepare(table, multi, loops, graph_level=True)
    counts = _kernels.graph_counts(arcs, loops=loops, multi=multi)
    return _ratio(counts, unit, "reciprocity")


def _ratio(counts: _kernels.GraphCounts, unit: str, function: str) -> float:
    if counts.arcs == 0:
        why = "every edge is a self-follow, and loops='drop'" if counts.loops else "no edges"
        _empty_warning(function, why, depth=1)
        return math.nan
    r = counts.reciprocated_arcs / counts.arcs
    return r / (2.0 - r) if unit == "pairs" else r


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
    follows : pandas.DataFrame, em.Archive or another DataFrame
        One row per follow edge, ``source`` follows ``target`` (see :func:`follow_counts`).
    accounts : iterable of ids, optional
        Accounts of the graph that may have no edge (they raise n and lower the density).
    loops, multi : str
        As in :func:`reciprocity`.

    Returns
    -------
    float
        ρ in [−1, 1] in practice: > 0 reciprocal, < 0 anti-reciprocal, 0 as random. NaN (with
        a :class:`~engagemetrics.DataQualityWarning`) when there is no arc, or when the density
        ā is 1 (a complete graph, where ρ is 0/0).

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
    _check_choice("loops", loops, LOOPS)
    _check_choice("multi", multi, MULTIS)
    table = _dispatch(follows, "reciprocity_rho")
    if table is None:
        return _backend().reciprocity_rho_nw(follows, accounts=accounts, loops=loops, multi=multi)
    if len(table) == 0:
        _extra_accounts(accounts, None)
        _empty_warning("reciprocity_rho", "the follow table is empty")
        return math.nan
    coded, arcs = _prepare(table, multi, loops, graph_level=True)
    extra = _extra_accounts(accounts, coded)
    counts = _kernels.graph_counts(arcs, loops=loops, multi=multi)
    r = _ratio(counts, "arcs", "reciprocity_rho")
    if math.isnan(r):
        return r
    present = _present_codes(coded)
    n = _n_accounts(coded, present, extra)
    if n < 2:
        _empty_warning("reciprocity_rho", f"the graph has {n} account, so no pair to reciprocate")
        return math.nan
    density = counts.arcs / (n * (n - 1))
    if density >= 1.0:
        _empty_warning(
            "reciprocity_rho", f"the density L/(n(n-1)) is {density:g}, so 1 - density is not > 0"
        )
        return math.nan
    return (r - density) / (1.0 - density)


def _present_codes(coded: _Coded) -> np.ndarray:
    """Which codes are accounts of an edge (all of them when the ids were factorized)."""
    present = np.zeros(coded.n_codes, dtype=bool)
    if coded.uniques is not None:
        present[:] = True
    else:
        present[coded.source] = True
        present[coded.target] = True
    return present


def dyad_census(
    follows: Any, *, accounts: Iterable[Any] | None = None, multi: str = "collapse"
) -> DyadCensus:
    """Mutual, asymmetric and null pairs of accounts (Holland and Leinhardt's dyad census).

    Parameters
    ----------
    follows : pandas.DataFrame, em.Archive or another DataFrame
        One row per follow edge, ``source`` follows ``target`` (see :func:`follow_counts`).
    accounts : iterable of ids, optional
        Accounts of the graph that may have no edge (each adds null pairs).
    multi : {"collapse", "keep"}
        Duplicate edges. A pair is mutual, asymmetric or null whatever the number of copies of
        its edges, so both choices give the same census (the keyword exists for symmetry with
        the other functions; igraph's ``dyad_census`` agrees on multigraphs).

    Returns
    -------
    DyadCensus
        ``(mutual, asymmetric, null)`` as ints. An empty follow table gives
        ``(0, 0, n(n−1)/2)`` with n the number of ``accounts``.

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
    _check_choice("multi", multi, MULTIS)
    table = _dispatch(follows, "dyad_census")
    if table is None:
        return _backend().dyad_census_nw(follows, accounts=accounts, multi=multi)
    if len(table) == 0:
        n = len(_extra_accounts(accounts, None))
        return DyadCensus(0, 0, n * (n - 1) // 2)
    coded, arcs = _prepare(table, "collapse", "drop", graph_level=True)
    extra = _extra_accounts(accounts, coded)
    counts = _kernels.graph_counts(arcs, loops="drop", multi="collapse")
    n = _n_accounts(coded, _present_codes(coded), extra)
    mutual, asymmetric = counts.mutual_pairs, counts.asymmetric_pairs
    return DyadCensus(mutual, asymmetric, n * (n - 1) // 2 - mutual - asymmetric)
