"""Sort-based numpy kernels for follow graphs: one sort of packed pair keys gives every count.

A follow edge ``u -> v`` between integer codes ``0 <= u, v < n_codes`` is packed into one
int64 *arc key* ``((min(u, v) << b) | max(u, v)) << 1 | (u > v)`` with ``b`` bits per code.
After one sort,

- equal neighbouring keys are duplicate edges (``multi="collapse"`` keeps the first),
- two distinct neighbouring keys with the same pair part ``key >> 1`` are the two directions
  of one pair: a mutual (reciprocated) pair,
- a self-follow ``u -> u`` has ``min == max`` and direction bit 0, so it can never be matched
  with another direction and is recognised after decoding.

Everything else is ``np.bincount`` over the decoded unique arcs. No hashing (``np.unique`` and
``np.isin`` on int64 use a hash table in numpy 2.4 and ran 35-55x slower than a sort plus a
comparison of neighbours, see PERFORMANCE.md). When the codes do not fit in 31 bits the packed
key would overflow and the kernel falls back to ``np.lexsort`` on the three columns.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["UniqueArcs", "unique_arcs"]

# 2 * 31 code bits + 1 direction bit = 63 bits: the largest packing an int64 holds.
_MAX_CODE_BITS = 31


class UniqueArcs(NamedTuple):
    """The distinct arcs of an edge list, sorted by (low code, high code, direction).

    ``low``/``high`` are the smaller/larger endpoint codes, ``backward`` is True when the arc
    goes from ``high`` to ``low``; ``multiplicity`` (only when asked for) counts the copies of
    each arc; ``mutual_first`` holds the positions ``i`` such that arcs ``i`` and ``i + 1`` are
    the two directions of one pair. Self-follows are arcs with ``low == high``.
    """

    low: np.ndarray
    high: np.ndarray
    backward: np.ndarray
    multiplicity: np.ndarray | None
    mutual_first: np.ndarray


def _first_of_runs(sorted_values: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal neighbours."""
    first = np.empty(sorted_values.shape[0], dtype=bool)
    if first.shape[0]:
        first[0] = True
        np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    return first


def _run_lengths(first: np.ndarray) -> np.ndarray:
    starts = np.flatnonzero(first)
    return np.diff(starts, append=first.shape[0]).astype(np.int64, copy=False)


def unique_arcs(
    source: np.ndarray, target: np.ndarray, n_codes: int, *, with_multiplicity: bool = False
) -> UniqueArcs:
    """Collapse an edge list of integer codes into its distinct arcs and mutual pairs.

    Parameters
    ----------
    source, target : numpy.ndarray of int64
        Codes in ``[0, n_codes)``; equal lengths. Not modified.
    n_codes : int
        Upper bound (exclusive) of the codes.
    with_multiplicity : bool
        Also count the copies of each distinct arc.

    Returns
    -------
    UniqueArcs

    Examples
    --------
    >>> arcs = unique_arcs(np.array([0, 1, 0, 0, 2]), np.array([1, 0, 2, 1, 2]), 3,
    ...                    with_multiplicity=True)
    >>> arcs.low.tolist(), arcs.high.tolist(), arcs.backward.tolist()
    ([0, 0, 0, 2], [1, 1, 2, 2], [False, True, False, False])
    >>> arcs.multiplicity.tolist(), arcs.mutual_first.tolist()
    ([2, 1, 1, 1], [0])
    """
    bits = max(int(n_codes - 1).bit_length(), 1)
    if bits > _MAX_CODE_BITS:
        return _unique_arcs_lexsort(source, target, with_multiplicity=with_multiplicity)

    # key = ((low << bits) | high) << 1 | backward, built in place to hold few temporaries.
    key = np.minimum(source, target)
    np.left_shift(key, bits, out=key)
    high = np.maximum(source, target)
    np.bitwise_or(key, high, out=key)
    del high
    np.left_shift(key, 1, out=key)
    np.bitwise_or(key, np.greater(source, target), out=key, casting="unsafe")
    key.sort()

    first = _first_of_runs(key)
    multiplicity = _run_lengths(first) if with_multiplicity else None
    key = key[first]
    del first

    backward = (key & 1).astype(bool)
    np.right_shift(key, 1, out=key)  # key is now the pair part
    pair_first = np.flatnonzero(key[1:] == key[:-1])
    low = key >> bits
    np.bitwise_and(key, (1 << bits) - 1, out=key)
    return UniqueArcs(low, key, backward, multiplicity, pair_first)


def _unique_arcs_lexsort(
    source: np.ndarray, target: np.ndarray, *, with_multiplicity: bool
) -> UniqueArcs:
    """:func:`unique_arcs` for codes too large to pack into one int64 key."""
    low = np.minimum(source, target)
    high = np.maximum(source, target)
    backward = source > target
    order = np.lexsort((backward, high, low))
    low, high, backward = low[order], high[order], backward[order]
    del order

    first = np.empty(low.shape[0], dtype=bool)
    if first.shape[0]:
        first[0] = True
        first[1:] = (
            (low[1:] != low[:-1]) | (high[1:] != high[:-1]) | (backward[1:] != backward[:-1])
        )
    multiplicity = _run_lengths(first) if with_multiplicity else None
    low, high, backward = low[first], high[first], backward[first]
    pair_first = np.flatnonzero((low[1:] == low[:-1]) & (high[1:] == high[:-1]))
    return UniqueArcs(low, high, backward, multiplicity, pair_first)


class GraphCounts(NamedTuple):
    """Graph-level counts after the loop and multi-edge conventions (see reciprocity.py)."""

    arcs: int  # L: arcs counted (loops included when kept)
    reciprocated_arcs: int  # R: arcs counted as reciprocated
    mutual_pairs: int  # M: unordered pairs {u, v}, u != v, with both directions
    asymmetric_pairs: int  # A: unordered pairs with exactly one direction
    loops: int  # self-follow arcs (with multiplicity under multi="keep")


def graph_counts(arcs: UniqueArcs, *, loops: str, multi: str) -> GraphCounts:
    """Arc and pair counts of a graph from its :class:`UniqueArcs`.

    Examples
    --------
    >>> arcs = unique_arcs(np.array([0, 1, 0, 3]), np.array([1, 0, 2, 3]), 4)
    >>> graph_counts(arcs, loops="mutual", multi="collapse")
    GraphCounts(arcs=4, reciprocated_arcs=3, mutual_pairs=1, asymmetric_pairs=1, loops=1)
    """
    is_loop = arcs.low == arcs.high
    n_mutual = int(arcs.mutual_first.shape[0])
    n_distinct_loops = int(np.count_nonzero(is_loop))
    n_distinct_non_loop = int(is_loop.shape[0]) - n_distinct_loops
    n_asymmetric = n_distinct_non_loop - 2 * n_mutual
    if multi == "keep":
        mult = arcs.multiplicity
        assert mult is not None  # the caller asked for it
        n_loops = int(mult[is_loop].sum())
        n_non_loop = int(mult.sum()) - n_loops
        # k copies of u->v and m of v->u: 2 min(k, m) reciprocated arcs (igraph, networkx).
        first = arcs.mutual_first
        reciprocated = 2 * int(np.minimum(mult[first], mult[first + 1]).sum())
    else:
        n_loops = n_distinct_loops
        n_non_loop = n_distinct_non_loop
        reciprocated = 2 * n_mutual
    n_arcs = n_non_loop
    if loops != "drop":
        n_arcs += n_loops
        if loops == "mutual":
            reciprocated += n_loops
    return GraphCounts(n_arcs, reciprocated, n_mutual, n_asymmetric, n_loops)


class NodeCounts(NamedTuple):
    """Per-code followers, following and mutuals, and which codes appear in any edge."""

    followers: np.ndarray
    following: np.ndarray
    mutuals: np.ndarray
    present: np.ndarray


def node_counts(
    arcs: UniqueArcs,
    n_codes: int,
    *,
    loops: str,
    multi: str,
    raw_source: np.ndarray | None = None,
    raw_target: np.ndarray | None = None,
) -> NodeCounts:
    """Per-code counts from :class:`UniqueArcs` (``raw_*`` codes are needed for multi="keep").

    Examples
    --------
    >>> src, dst = np.array([0, 1, 0, 2]), np.array([1, 0, 2, 2])
    >>> c = node_counts(unique_arcs(src, dst, 3), 3, loops="mutual", multi="collapse")
    >>> c.followers.tolist(), c.following.tolist(), c.mutuals.tolist()
    ([1, 1, 2], [2, 1, 1], [1, 1, 1])
    """
    backward = arcs.backward
    follower_code = np.where(backward, arcs.high, arcs.low)
    followed_code = np.where(backward, arcs.low, arcs.high)
    is_loop = arcs.low == arcs.high
    if multi == "keep":
        assert raw_source is not None and raw_target is not None
        following = np.bincount(raw_source, minlength=n_codes)
        followers = np.bincount(raw_target, minlength=n_codes)
        present = (following > 0) | (followers > 0)
        if loops == "drop":
            raw_loops = raw_source[raw_source == raw_target]
            loop_counts = np.bincount(raw_loops, minlength=n_codes)
            following -= loop_counts
            followers -= loop_counts
    else:
        following = np.bincount(follower_code, minlength=n_codes)
        followers = np.bincount(followed_code, minlength=n_codes)
        present = (following > 0) | (followers > 0)
        if loops == "drop":
            loop_counts = np.bincount(arcs.low[is_loop], minlength=n_codes)
            following -= loop_counts
            followers -= loop_counts
    del follower_code, followed_code

    first = arcs.mutual_first
    mutuals = np.bincount(arcs.low[first], minlength=n_codes)
    mutuals += np.bincount(arcs.high[first], minlength=n_codes)
    if loops == "mutual":
        # networkx's node level: u in pred(u) & succ(u) once u follows itself.
        mutuals += np.bincount(arcs.low[is_loop], minlength=n_codes)
    return NodeCounts(
        followers.astype(np.int64, copy=False),
        following.astype(np.int64, copy=False),
        mutuals.astype(np.int64, copy=False),
        present,
    )
