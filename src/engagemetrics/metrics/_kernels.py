"""Sort-based numpy kernels for follow graphs: one sort of packed pair keys gives every count.

A follow edge ``u -> v`` between integer codes ``0 <= u, v < n_codes`` is packed into one
int64 *arc key* ``((min(u, v) << b) | max(u, v)) << 1 | (u > v)`` with ``b`` bits per code.
After one sort,

- equal neighbouring keys are duplicate edges (``multi="collapse"`` counts them once),
- neighbouring keys that differ only in the direction bit (``a ^ b == 1``) are the two
  directions of one pair: a mutual (reciprocated) pair,
- a self-follow ``u -> u`` has direction bit 0 and no partner, so it is never mutual.

Per-account counts are ``np.bincount`` of the raw edges, corrected by the few duplicate
copies and self-follows; only the duplicates and the mutual pairs are decoded. No hashing
(``np.unique`` and ``np.isin`` on int64 use a hash table in numpy 2.4 and ran 35-55x slower
than a sort plus a comparison of neighbours, see PERFORMANCE.md). When the codes do not fit
in 31 bits the packed key would overflow, and the kernel falls back to ``np.lexsort`` on the
three columns.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

__all__ = ["GraphCounts", "NodeCounts", "SortedArcs", "graph_counts", "node_counts", "sort_arcs"]

# 2 * 31 code bits + 1 direction bit = 63 bits: the largest packing an int64 holds.
_MAX_CODE_BITS = 31
# Edges per chunk when building keys and comparing neighbours (8 MiB of int64).
_CHUNK = 1 << 20
# Below this many edges one sort is as fast as two threads and a merge.
_PARALLEL_SORT_MIN = 1 << 21


class SortedArcs(NamedTuple):
    """What one sort of an edge list reveals, decoded only where it is sparse.

    ``duplicate_source``/``duplicate_target``: codes of every copy of an edge beyond its first
    (self-follows included); ``mutual_low``/``mutual_high``: the two accounts of each mutual
    pair, low < high; ``mutual_copies`` (only when asked for): min(k, m) for each mutual pair
    with k copies of one direction and m of the other; ``loops``: the code of every
    self-follow edge (with its copies).
    """

    n_edges: int
    duplicate_source: np.ndarray
    duplicate_target: np.ndarray
    mutual_low: np.ndarray
    mutual_high: np.ndarray
    mutual_copies: np.ndarray | None
    loops: np.ndarray


def sort_arcs(
    source: np.ndarray, target: np.ndarray, n_codes: int, *, with_multiplicity: bool = False
) -> SortedArcs:
    """Find the duplicate edges, mutual pairs and self-follows of an edge list of codes.

    Parameters
    ----------
    source, target : numpy.ndarray of int64
        Codes in ``[0, n_codes)``; equal lengths. Not modified.
    n_codes : int
        Upper bound (exclusive) of the codes.
    with_multiplicity : bool
        Also count min(k, m) copies for each mutual pair (for ``multi="keep"``).

    Returns
    -------
    SortedArcs

    Examples
    --------
    >>> arcs = sort_arcs(np.array([0, 1, 0, 0, 2, 2]), np.array([1, 0, 2, 1, 2, 2]), 3,
    ...                  with_multiplicity=True)
    >>> arcs.duplicate_source.tolist(), arcs.duplicate_target.tolist()
    ([0, 2], [1, 2])
    >>> arcs.mutual_low.tolist(), arcs.mutual_high.tolist(), arcs.mutual_copies.tolist()
    ([0], [1], [1])
    >>> arcs.loops.tolist()
    [2, 2]
    """
    n_edges = int(source.shape[0])
    loops = source[source == target]
    bits = max(int(n_codes - 1).bit_length(), 1)
    if bits > _MAX_CODE_BITS:
        return _sort_arcs_lexsort(source, target, loops, with_multiplicity=with_multiplicity)

    # key = ((low << bits) | high) << 1 | (source > target). Built, and its neighbours
    # compared, in chunks: the only array as long as the edge list is the key itself
    # (8 bytes an edge), which keeps the peak near the 3x the raw edge arrays.
    key = np.empty(n_edges, dtype=np.int64)
    for lo in range(0, n_edges, _CHUNK):
        hi = min(lo + _CHUNK, n_edges)
        src, dst, out = source[lo:hi], target[lo:hi], key[lo:hi]
        np.minimum(src, dst, out=out)
        np.left_shift(out, bits, out=out)
        np.bitwise_or(out, np.maximum(src, dst), out=out)
        np.left_shift(out, 1, out=out)
        np.bitwise_or(out, np.greater(src, dst), out=out)
    _sort_in_place(key)

    # Neighbours: equal -> a duplicate copy; differing only in the direction bit -> mutual.
    duplicate_at, mutual_at = [], []
    for lo in range(0, max(n_edges - 1, 0), _CHUNK):
        hi = min(lo + _CHUNK, n_edges - 1)
        xor = np.bitwise_xor(key[lo + 1 : hi + 1], key[lo:hi])
        duplicate_at.append(np.flatnonzero(xor == 0) + (lo + 1))
        mutual_at.append(np.flatnonzero(xor == 1) + lo)
    empty = np.empty(0, dtype=np.intp)
    duplicates = key[np.concatenate(duplicate_at) if duplicate_at else empty]
    mutual_first = np.concatenate(mutual_at) if mutual_at else empty
    copies = _mutual_copies(key, mutual_first) if with_multiplicity else None
    pairs = key[mutual_first] >> 1
    del key
    mask = (1 << bits) - 1
    backward = (duplicates & 1).astype(bool)
    duplicates >>= 1
    low, high = duplicates >> bits, duplicates & mask
    return SortedArcs(
        n_edges,
        np.where(backward, high, low),
        np.where(backward, low, high),
        pairs >> bits,
        pairs & mask,
        copies,
        loops,
    )


def _sort_in_place(key: np.ndarray) -> None:
    """Sort ``key`` in place, on two cores when there are two and the array is large.

    numpy's sort releases the GIL: the two halves are sorted in two threads, then one stable
    sort merges the two sorted runs (timsort finds them; O(n)). On 10M int64 keys this took
    0.37-0.44 s against 0.64 s for one ``ndarray.sort()`` on this project's 2-core machine.
    The result is the same sorted array either way.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    if cores < 2 or key.shape[0] < _PARALLEL_SORT_MIN:
        key.sort()
        return
    half = key.shape[0] // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(np.ndarray.sort, (key[:half], key[half:])))
    key.sort(kind="stable")


def _mutual_copies(sorted_key: np.ndarray, mutual_first: np.ndarray) -> np.ndarray:
    """min(k, m): k copies of the key ending at each mutual_first, m of the next key."""
    # Sorted queries keep searchsorted fast (PERFORMANCE.md: unsorted ones ran 20x slower).
    forward_copies = mutual_first + 1 - np.searchsorted(sorted_key, sorted_key[mutual_first])
    backward_end = np.searchsorted(sorted_key, sorted_key[mutual_first + 1], side="right")
    return np.minimum(forward_copies, backward_end - (mutual_first + 1))


def _sort_arcs_lexsort(
    source: np.ndarray, target: np.ndarray, loops: np.ndarray, *, with_multiplicity: bool
) -> SortedArcs:
    """:func:`sort_arcs` for codes too large to pack into one int64 key."""
    low = np.minimum(source, target)
    high = np.maximum(source, target)
    backward = source > target
    order = np.lexsort((backward, high, low))
    low, high, backward = low[order], high[order], backward[order]
    del order
    same_pair = (low[1:] == low[:-1]) & (high[1:] == high[:-1])
    same_direction = backward[1:] == backward[:-1]
    duplicate = np.flatnonzero(same_pair & same_direction) + 1
    mutual_first = np.flatnonzero(same_pair & ~same_direction)
    copies = None
    if with_multiplicity:
        run_start = np.empty(low.shape[0], dtype=bool)
        run_start[:1] = True
        np.logical_not(same_pair & same_direction, out=run_start[1:])
        starts = np.flatnonzero(run_start)
        lengths = np.diff(starts, append=low.shape[0])
        run_of = np.cumsum(run_start) - 1
        copies = np.minimum(lengths[run_of[mutual_first]], lengths[run_of[mutual_first + 1]])
    dup_low, dup_high, dup_back = low[duplicate], high[duplicate], backward[duplicate]
    return SortedArcs(
        int(source.shape[0]),
        np.where(dup_back, dup_high, dup_low),
        np.where(dup_back, dup_low, dup_high),
        low[mutual_first],
        high[mutual_first],
        copies,
        loops,
    )


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    values = np.sort(values)
    if values.shape[0] < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


class GraphCounts(NamedTuple):
    """Graph-level counts after the loop and multi-edge conventions (see reciprocity.py)."""

    arcs: int  # L: arcs counted (loops included when kept)
    reciprocated_arcs: int  # R: arcs counted as reciprocated
    mutual_pairs: int  # M: unordered pairs {u, v}, u != v, with both directions
    asymmetric_pairs: int  # A: unordered pairs with exactly one direction
    loops: int  # self-follow arcs counted under multi (before loops=)


def graph_counts(arcs: SortedArcs, *, loops: str, multi: str) -> GraphCounts:
    """Arc and pair counts of a graph from its :class:`SortedArcs`.

    Examples
    --------
    >>> arcs = sort_arcs(np.array([0, 1, 0, 3, 3]), np.array([1, 0, 2, 3, 3]), 4)
    >>> graph_counts(arcs, loops="mutual", multi="collapse")
    GraphCounts(arcs=4, reciprocated_arcs=3, mutual_pairs=1, asymmetric_pairs=1, loops=1)
    """
    n_mutual = int(arcs.mutual_low.shape[0])
    n_raw_loops = int(arcs.loops.shape[0])
    n_distinct_loops = int(_distinct_sorted(arcs.loops).shape[0])
    n_distinct = arcs.n_edges - int(arcs.duplicate_source.shape[0])
    n_distinct_non_loop = n_distinct - n_distinct_loops
    n_asymmetric = n_distinct_non_loop - 2 * n_mutual
    if multi == "keep":
        assert arcs.mutual_copies is not None  # the caller asked for it
        n_loops = n_raw_loops
        n_non_loop = arcs.n_edges - n_raw_loops
        # k copies of u->v and m of v->u: 2 min(k, m) reciprocated arcs (igraph, networkx).
        reciprocated = 2 * int(arcs.mutual_copies.sum())
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
    arcs: SortedArcs,
    source: np.ndarray,
    target: np.ndarray,
    n_codes: int,
    *,
    loops: str,
    multi: str,
) -> NodeCounts:
    """Per-code counts from the raw edge codes and their :class:`SortedArcs`.

    Examples
    --------
    >>> src, dst = np.array([0, 1, 0, 2, 0]), np.array([1, 0, 2, 2, 1])
    >>> c = node_counts(sort_arcs(src, dst, 3), src, dst, 3, loops="mutual", multi="collapse")
    >>> c.followers.tolist(), c.following.tolist(), c.mutuals.tolist()
    ([1, 1, 2], [2, 1, 1], [1, 1, 1])
    """
    following = np.bincount(source, minlength=n_codes)
    followers = np.bincount(target, minlength=n_codes)
    present = (following > 0) | (followers > 0)
    loop_accounts = _distinct_sorted(arcs.loops)
    if multi == "collapse":
        following -= np.bincount(arcs.duplicate_source, minlength=n_codes)
        followers -= np.bincount(arcs.duplicate_target, minlength=n_codes)
    if loops == "drop":
        # a self-follow counted once (collapse) or with its copies (keep) comes off both.
        loop_counts = np.bincount(
            loop_accounts if multi == "collapse" else arcs.loops, minlength=n_codes
        )
        following -= loop_counts
        followers -= loop_counts

    mutuals = np.bincount(arcs.mutual_low, minlength=n_codes)
    mutuals += np.bincount(arcs.mutual_high, minlength=n_codes)
    if loops == "mutual":
        # networkx's node level: u is in pred(u) & succ(u) once u follows itself.
        mutuals[loop_accounts] += 1
    return NodeCounts(
        followers.astype(np.int64, copy=False),
        following.astype(np.int64, copy=False),
        mutuals.astype(np.int64, copy=False),
        present,
    )
