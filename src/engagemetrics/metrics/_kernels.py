"""numpy kernels: one sort of a follow table for every follow count, bincounts for the rest.

Follow graphs: one sort of packed pair keys gives every count.

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
than a sort plus a comparison of neighbours on the machines we measured). When the codes do
not fit in 31 bits the packed key would overflow, and the kernel falls back to ``np.lexsort``
on the three columns.

Posts and interactions: per-account counts are ``np.bincount`` over (account, kind) cells of the
encoded tables (:mod:`._prepare`); distinct pairs come from sorted int64 keys. The formulas
(which kinds a column counts, which ratio a rate is) are read from :mod:`._definitions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ..schema import INTERACTION_KINDS, POST_KINDS
from ._definitions import (
    INTERACTION_POST_COUNTS,
    POST_COUNTS,
    RECEIVED_COUNTS,
    GraphCounts,
    Ratio,
)
from ._prepare import Encoded, Window

__all__ = [
    "NodeCounts",
    "SortedArcs",
    "arc_keys",
    "code_bits",
    "degrees",
    "entropy_of",
    "evaluate",
    "gini_of",
    "ego_extras",
    "engaged_pairs",
    "graph_counts",
    "has_arcs",
    "kept_interactions",
    "made_counts",
    "node_counts",
    "outreach_breadth",
    "post_counts",
    "received_counts",
    "sort_arcs",
    "sorted_distinct",
]

# 2 * 31 code bits + 1 direction bit = 63 bits: the largest packing an int64 holds.
_MAX_CODE_BITS = 31
# Edges per chunk when building keys and comparing neighbours (8 MiB of int64).
_CHUNK = 1 << 20


class SortedArcs(NamedTuple):
    """What one sort of an edge list reveals, decoded only where it is sparse.

    ``duplicate_source``/``duplicate_target``: codes of every copy of an edge beyond its first
    (self-follows included); ``mutual_low``/``mutual_high``: the two accounts of each mutual
    pair, low < high; ``mutual_copies``: min(k, m) for each mutual pair with k copies of one
    direction and m of the other (None on a graph without duplicate edges: all ones); ``loops``: the code of every self-follow edge (with its
    copies). ``key`` is the sorted array of packed arc keys (:func:`arc_keys`), kept so that
    later questions about the same edges (is u -> v an edge?) need no second sort; with codes
    too large to pack it is None and ``lexsorted`` holds the sorted (low, high, backward)
    records instead.
    """

    n_edges: int
    duplicate_source: np.ndarray
    duplicate_target: np.ndarray
    mutual_low: np.ndarray
    mutual_high: np.ndarray
    mutual_copies: np.ndarray | None
    loops: np.ndarray
    bits: int
    key: np.ndarray | None
    lexsorted: np.ndarray | None


def code_bits(n_codes: int) -> int:
    """Bits per code in a packed arc key."""
    return max(int(n_codes - 1).bit_length(), 1)


def arc_keys(source: np.ndarray, target: np.ndarray, bits: int, out: np.ndarray | None = None
             ) -> np.ndarray:
    """Packed keys ``((min(u, v) << bits) | max(u, v)) << 1 | (u > v)`` of arcs ``u -> v``.

    Both directions of a pair differ only in the last bit, so after a sort they are
    neighbours. Needs ``2 * bits + 1 <= 63``.

    Examples
    --------
    >>> arc_keys(np.array([0, 1]), np.array([1, 0]), 1).tolist()  # 0 -> 1 and 1 -> 0
    [2, 3]
    """
    if out is None:
        out = np.empty(source.shape[0], dtype=np.int64)
    np.minimum(source, target, out=out)
    np.left_shift(out, bits, out=out)
    np.bitwise_or(out, np.maximum(source, target), out=out)
    np.left_shift(out, 1, out=out)
    np.bitwise_or(out, np.greater(source, target), out=out)
    return out


def degrees(source: np.ndarray, target: np.ndarray, n_codes: int) -> tuple[np.ndarray, np.ndarray]:
    """Raw out- and in-degree of every code (copies and self-follows included).

    Counted in chunks: ``np.bincount`` copies an input it may not write to (pandas hands
    out read-only views), and a chunk's copy stays small where the whole column's would
    cost 8 bytes an edge.

    Examples
    --------
    >>> out, in_ = degrees(np.array([0, 0, 2]), np.array([1, 2, 2]), 3)
    >>> out.tolist(), in_.tolist()
    ([2, 0, 1], [0, 1, 2])
    """
    out = np.zeros(n_codes, dtype=np.int64)
    in_ = np.zeros(n_codes, dtype=np.int64)
    for lo in range(0, int(source.shape[0]), _CHUNK):
        hi = lo + _CHUNK
        out += np.bincount(source[lo:hi], minlength=n_codes)
        in_ += np.bincount(target[lo:hi], minlength=n_codes)
    return out, in_


def sort_arcs(source: np.ndarray, target: np.ndarray, n_codes: int) -> SortedArcs:
    """Find the duplicate edges, mutual pairs and self-follows of an edge list of codes.

    Parameters
    ----------
    source, target : numpy.ndarray of int64
        Codes in ``[0, n_codes)``; equal lengths. Not modified.
    n_codes : int
        Upper bound (exclusive) of the codes.

    Returns
    -------
    SortedArcs

    Examples
    --------
    >>> arcs = sort_arcs(np.array([0, 1, 0, 0, 2, 2]), np.array([1, 0, 2, 1, 2, 2]), 3)
    >>> arcs.duplicate_source.tolist(), arcs.duplicate_target.tolist()
    ([0, 2], [1, 2])
    >>> arcs.mutual_low.tolist(), arcs.mutual_high.tolist(), arcs.mutual_copies.tolist()
    ([0], [1], [1])
    >>> sort_arcs(np.array([0, 1]), np.array([1, 0]), 2).mutual_copies is None  # no duplicate
    True
    >>> arcs.loops.tolist()
    [2, 2]
    """
    n_edges = int(source.shape[0])
    loops = source[source == target]
    bits = code_bits(n_codes)
    if bits > _MAX_CODE_BITS:
        return _sort_arcs_lexsort(source, target, loops, bits)

    # Built, and its neighbours compared, in chunks: the only array as long as the edge list
    # is the key itself (8 bytes an edge), which keeps the peak near 3x the raw edge arrays.
    key = np.empty(n_edges, dtype=np.int64)
    for lo in range(0, n_edges, _CHUNK):
        hi = min(lo + _CHUNK, n_edges)
        arc_keys(source[lo:hi], target[lo:hi], bits, out=key[lo:hi])
    key.sort()  # numpy's SIMD sort: as fast as two threads and a merge here, and no buffer

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
    # on a simple graph every direction has one copy: nothing to store
    copies = _mutual_copies(key, mutual_first) if duplicates.shape[0] else None
    pairs = key[mutual_first] >> 1
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
        bits,
        key,
        None,
    )


def has_arcs(arcs: SortedArcs, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Whether each ``source[i] -> target[i]`` is an edge of the sorted graph.

    Examples
    --------
    >>> arcs = sort_arcs(np.array([0, 1, 2]), np.array([1, 0, 0]), 3)
    >>> has_arcs(arcs, np.array([0, 0, 2]), np.array([1, 2, 0])).tolist()
    [True, False, True]
    """
    if arcs.n_edges == 0:
        return np.zeros(source.shape[0], dtype=bool)
    if arcs.key is not None:
        queries = arc_keys(source, target, arcs.bits)
        order = np.argsort(queries)  # sorted queries keep searchsorted fast
        pos = np.searchsorted(arcs.key, queries[order])
        pos[pos == arcs.key.shape[0]] = 0
        found = np.empty(queries.shape[0], dtype=bool)
        found[order] = arcs.key[pos] == queries[order]
        return found
    assert arcs.lexsorted is not None
    queries = _records(np.minimum(source, target), np.maximum(source, target), source > target)
    pos = np.searchsorted(arcs.lexsorted, queries)
    pos[pos == arcs.lexsorted.shape[0]] = 0
    return np.asarray(arcs.lexsorted[pos] == queries)


def _records(low: np.ndarray, high: np.ndarray, backward: np.ndarray) -> np.ndarray:
    out = np.empty(low.shape[0], dtype=[("low", "<i8"), ("high", "<i8"), ("backward", "?")])
    out["low"], out["high"], out["backward"] = low, high, backward
    return out


def _mutual_copies(sorted_key: np.ndarray, mutual_first: np.ndarray) -> np.ndarray:
    """min(k, m): k copies of the key ending at each mutual_first, m of the next key."""
    # Sorted queries keep searchsorted fast (unsorted ones ran about 20x slower on our 2-core machine).
    forward_copies = mutual_first + 1 - np.searchsorted(sorted_key, sorted_key[mutual_first])
    backward_end = np.searchsorted(sorted_key, sorted_key[mutual_first + 1], side="right")
    return np.minimum(forward_copies, backward_end - (mutual_first + 1))


def _sort_arcs_lexsort(
    source: np.ndarray, target: np.ndarray, loops: np.ndarray, bits: int
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
        copies.astype(np.int64),
        loops,
        bits,
        None,
        _records(low, high, backward),
    )


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort and a comparison of neighbours; no hashing).

    Examples
    --------
    >>> sorted_distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    values = np.sort(values)
    if values.shape[0] < 2:
        return values
    keep = np.empty(values.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


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
    n_distinct_loops = int(sorted_distinct(arcs.loops).shape[0])
    n_distinct = arcs.n_edges - int(arcs.duplicate_source.shape[0])
    n_distinct_non_loop = n_distinct - n_distinct_loops
    n_asymmetric = n_distinct_non_loop - 2 * n_mutual
    if multi == "keep":
        n_loops = n_raw_loops
        n_non_loop = arcs.n_edges - n_raw_loops
        # k copies of u->v and m of v->u: 2 min(k, m) reciprocated arcs (igraph, networkx).
        copies = arcs.mutual_copies
        reciprocated = 2 * (n_mutual if copies is None else int(copies.sum()))
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
    """Per-code followers, following and mutuals."""

    followers: np.ndarray
    following: np.ndarray
    mutuals: np.ndarray


def node_counts(
    arcs: SortedArcs,
    out_degree: np.ndarray,
    in_degree: np.ndarray,
    *,
    loops: str,
    multi: str,
) -> NodeCounts:
    """Per-code counts from the raw degrees (``bincount`` of the codes) and the sorted arcs.

    Examples
    --------
    >>> src, dst = np.array([0, 1, 0, 2, 0]), np.array([1, 0, 2, 2, 1])
    >>> out, in_ = np.bincount(src, minlength=3), np.bincount(dst, minlength=3)
    >>> c = node_counts(sort_arcs(src, dst, 3), out, in_, loops="mutual", multi="collapse")
    >>> c.followers.tolist(), c.following.tolist(), c.mutuals.tolist()
    ([1, 1, 2], [2, 1, 1], [1, 1, 1])
    """
    n_codes = out_degree.shape[0]
    following = out_degree.astype(np.int64, copy=True)  # the raw degrees stay as they are
    followers = in_degree.astype(np.int64, copy=True)
    loop_accounts = sorted_distinct(arcs.loops)
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
    return NodeCounts(followers, following, mutuals.astype(np.int64, copy=False))


# =========================================================================== formulas
def evaluate(ratio: Ratio, counts: Mapping[str, np.ndarray]) -> np.ndarray:
    """A :class:`~._definitions.Ratio` of count arrays; NaN where the denominator is 0.

    Examples
    --------
    >>> from engagemetrics.metrics._definitions import FOLLOW_RATES
    >>> evaluate(FOLLOW_RATES["reciprocity_dice"],
    ...          {"followers": np.array([1, 0]), "following": np.array([2, 0]),
    ...           "mutuals": np.array([1, 0])}).round(3).tolist()
    [0.667, nan]
    """
    numerator = sum(weight * np.asarray(counts[c], dtype=np.float64) for c, weight in
                    ratio.numerator)
    denominator = sum(weight * np.asarray(counts[c], dtype=np.float64) for c, weight in
                      ratio.denominator)
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def gini_of(x: np.ndarray) -> float:
    """Population Gini coefficient of non-negative amounts; NaN when they sum to 0."""
    total = x.sum()
    if x.size == 0 or total == 0:
        return float("nan")
    x = np.sort(x)
    k = x.size
    weights = 2.0 * np.arange(1, k + 1) - k - 1
    return float(max(0.0, (weights @ x) / (k * total)))


def entropy_of(x: np.ndarray) -> float:
    """Shannon entropy of the shares of ``x`` over ``ln(k)``; NaN when they sum to 0."""
    total = x.sum()
    if x.size == 0 or total == 0:
        return float("nan")
    k = x.size
    if k == 1:
        return 1.0
    p = x[x > 0] / total
    h = float(-(p * np.log(p)).sum())
    return float(min(1.0, max(0.0, h / np.log(k))))


# =========================================================================== posts, interactions
_POST_KIND = {k: i for i, k in enumerate(POST_KINDS)}
_ACT_KIND = {k: i for i, k in enumerate(INTERACTION_KINDS)}


def post_counts(enc: Encoded, window: Window, include_direct: bool) -> dict[str, np.ndarray]:
    """The counts of :data:`~._definitions.POST_COUNTS` per code of ``enc.ids``."""
    n = len(enc.ids)
    p = enc.posts
    if p is None:
        return {c: np.zeros(n, dtype=np.int64) for c in POST_COUNTS}
    keep = window.mask(p.ns) & (p.kind >= 0)
    if not include_direct:
        keep &= ~p.direct
    # One bincount over (account, kind) cells gives every per-kind count at once.
    n_kinds = len(POST_KINDS)
    cells = np.bincount(p.author[keep] * n_kinds + p.kind[keep], minlength=n * n_kinds)
    cells = cells.reshape(n, n_kinds).astype(np.int64, copy=False)
    return {
        column: cells[:, [_POST_KIND[k] for k in kinds]].sum(axis=1)
        for column, kinds in POST_COUNTS.items()
    }


def kept_interactions(
    enc: Encoded, window: Window, include_direct: bool, include_self: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(actor, target, kind) codes of the interactions in the window."""
    it = enc.interactions
    if it is None:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    keep = window.mask(it.ns)
    if not include_direct:
        keep &= ~it.direct
    if not include_self:
        keep &= it.actor != it.target
    return it.actor[keep], it.target[keep], it.kind[keep]


def made_counts(
    acts: tuple[np.ndarray, np.ndarray, np.ndarray], n: int
) -> dict[str, np.ndarray]:
    """:data:`~._definitions.INTERACTION_POST_COUNTS` per actor, self-interactions included
    in ``acts`` (a reply to oneself is a thread)."""
    actor, target, kind = acts
    own = actor == target
    out = {}
    for column, (kind_name, whom) in INTERACTION_POST_COUNTS.items():
        selected = kind == _ACT_KIND[kind_name]
        if whom == "other":
            selected &= ~own
        elif whom == "self":
            selected &= own
        out[column] = np.bincount(actor[selected], minlength=n).astype(np.int64)
    return out


def received_counts(
    acts: tuple[np.ndarray, np.ndarray, np.ndarray], n: int
) -> dict[str, np.ndarray]:
    """:data:`~._definitions.RECEIVED_COUNTS` per target, from other accounts only."""
    actor, target, kind = acts
    others = actor != target
    return {
        column: np.bincount(target[others & (kind == _ACT_KIND[k])], minlength=n).astype(np.int64)
        for column, k in RECEIVED_COUNTS.items()
    }


def outreach_breadth(acts: tuple[np.ndarray, np.ndarray, np.ndarray], n: int) -> np.ndarray:
    """Distinct accounts each actor replied to."""
    actor, target, kind = acts
    is_reply = kind == _ACT_KIND["reply"]
    replied = sorted_distinct(actor[is_reply] * n + target[is_reply])
    return np.bincount(replied // n, minlength=n).astype(np.int64)


def engaged_pairs(acts: tuple[np.ndarray, np.ndarray, np.ndarray], n: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (actor, target) pairs of engagement (every kind but a like), self excluded."""
    actor, target, kind = acts
    engaged = (kind != _ACT_KIND["like"]) & (kind >= 0) & (actor != target)
    keys = sorted_distinct(actor[engaged] * n + target[engaged])
    return keys // n, keys % n


def ego_extras(acts: tuple[np.ndarray, np.ndarray, np.ndarray], ego: int) -> dict[str, float]:
    """The ego-only columns (interlocutors, concentration, amplification, mentions).

    ``acts`` are the ego's interactions in the window, self-interactions included.
    """
    actor, target, kind = acts
    mine = actor == ego
    target, kind = target[mine], kind[mine]
    others = target != ego
    reply = (kind == _ACT_KIND["reply"]) & others
    mention = (kind == _ACT_KIND["mention"]) & others
    amplify = (kind == _ACT_KIND["repost"]) | (kind == _ACT_KIND["quote"])
    reply_counts = np.bincount(target[reply]) if reply.any() else np.empty(0, dtype=np.int64)
    reply_counts = reply_counts[reply_counts > 0].astype(np.float64)
    return {
        "interlocutors": sorted_distinct(target[reply | mention]).shape[0],
        "outreach_gini": gini_of(reply_counts),
        "outreach_entropy": entropy_of(reply_counts),
        "amplified": int((amplify & others).sum()),
        "amplified_accounts": sorted_distinct(target[amplify & others]).shape[0],
        "self_reposts": int((amplify & ~others).sum()),
        "mentions": int(mention.sum()),
    }


# =========================================================================== relationships
# Issue 9, part A: pairs of accounts and two-way conversations (docs/definitions.md,
# "Relationships" and "Two-way conversations"). An interaction of a pair is an *event*: its
# pair (one int64: a counterpart code, or ``min << bits | max`` of two codes), its side
# (``backward``: False from the pair's first account to its second, True the other way), its
# kind and its time. Everything below works on events sorted by (pair, time), once.

#: The latency of an item that no answer followed within the horizon.
NO_ANSWER = -1
# A missing time, as _prepare.NAT (int64 nanoseconds).
_NAT = np.iinfo(np.int64).min
_REPLY, _MENTION, _LIKE = _ACT_KIND["reply"], _ACT_KIND["mention"], _ACT_KIND["like"]
_N_KINDS = len(INTERACTION_KINDS)
# Survival at or below this counts as having reached one half (exp(log(0.5)) may round up).
_HALF = 0.5 + 1e-9
# Pair and position packed into one non-negative int64 key.
_MAX_PACKED_BITS = 63
# Chains longer than 2**_MAX_JUMPS posts (or cycles in damaged data) are left unknown.
_MAX_JUMPS = 40


class PairLog(NamedTuple):
    """Events sorted by (pair, time), and where each pair's run starts."""

    pair: np.ndarray
    backward: np.ndarray
    kind: np.ndarray
    ns: np.ndarray
    starts: np.ndarray  # first position of each distinct pair
    run: np.ndarray  # index of each event's pair among the distinct pairs

    @property
    def pairs(self) -> np.ndarray:
        """The distinct pairs, sorted."""
        return self.pair[self.starts]


def pair_order(pair: np.ndarray, ns: np.ndarray) -> np.ndarray:
    """The order that sorts events by (pair, time).

    A log written as things happened is already in time order: then an event's position is
    its rank in time, and one sort of packed ``pair << p | position`` keys (a plain sort, on
    both cores when the array is large, no indirect sort) gives the order. When the packed
    key would not fit in 63 bits, the events are first split on the pair's top bits (a
    stable radix sort of one byte) and each part is sorted so. A log out of time order takes
    a lexsort on both keys.

    Examples
    --------
    >>> pair_order(np.array([2, 1, 2, 1]), np.array([10, 20, 5, 30])).tolist()
    [1, 3, 2, 0]
    >>> pair_order(np.array([2, 1, 2, 1]), np.array([5, 10, 20, 30])).tolist()
    [1, 3, 0, 2]
    """
    n = pair.shape[0]
    if n < 2:
        return np.arange(n, dtype=np.int64)
    if not bool(np.all(ns[1:] >= ns[:-1])):
        return np.lexsort((ns, pair))
    position_bits = int(n - 1).bit_length()
    room = _MAX_PACKED_BITS - position_bits
    pair_bits = max(int(pair.max()).bit_length(), 1)
    if pair_bits <= room:
        return _packed_order(pair, np.arange(n, dtype=np.int64), position_bits)
    split = pair_bits - room  # the top bits that do not fit beside the position
    if split > 8:
        return np.argsort(pair, kind="stable")
    part = (pair >> room).astype(np.uint8)
    by_part = np.argsort(part, kind="stable")  # a radix sort: positions ascend in each part
    bounds = np.concatenate([[0], np.cumsum(np.bincount(part, minlength=1 << split))])
    del part
    low_bits = (1 << room) - 1
    order = np.empty(n, dtype=np.int64)
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):  # at most 256 parts, not rows
        if hi > lo:
            positions = by_part[lo:hi]
            order[lo:hi] = _packed_order(pair[positions] & low_bits, positions, position_bits)
    return order


def _packed_order(pair: np.ndarray, positions: np.ndarray, position_bits: int) -> np.ndarray:
    """``positions`` ordered by (pair, position), by one sort of packed keys."""
    key = pair << position_bits
    key |= positions
    key.sort()
    key &= (1 << position_bits) - 1
    return key


def sort_pairs(pair: np.ndarray, backward: np.ndarray, kind: np.ndarray, ns: np.ndarray
               ) -> PairLog:
    """Sort events by (pair, time) once, and find the runs of each pair.

    Examples
    --------
    >>> log = sort_pairs(np.array([5, 3, 5]), np.array([False, True, True]),
    ...                  np.array([0, 0, 1]), np.array([20, 10, 10]))
    >>> log.pairs.tolist(), log.run.tolist(), log.ns.tolist()
    ([3, 5], [0, 1, 1], [10, 10, 20])
    """
    order = pair_order(pair, ns)
    p = pair[order]
    new = np.empty(p.shape[0], dtype=bool)
    new[:1] = True
    np.not_equal(p[1:], p[:-1], out=new[1:])
    run = np.cumsum(new) - 1
    return PairLog(p, backward[order], kind[order], ns[order], np.flatnonzero(new), run)


class PairCounts(NamedTuple):
    """Per group of a :class:`PairLog` (its ``run``), side 0 (to) and side 1 (from)."""

    window: np.ndarray  # (groups, kinds, 2) interactions in the window by kind and side
    ever: np.ndarray  # (groups, 2) engagement interactions in the history, by side
    first: np.ndarray  # (groups, 2) time of the first engagement in the history (NAT: none)
    last: np.ndarray  # (groups, 2) time of the last one


def pair_counts(log: PairLog, in_window: np.ndarray, in_history: np.ndarray,
                n_groups: int | None = None) -> PairCounts:
    """Counts and first and last engagement of every pair and side.

    ``in_window`` and ``in_history`` are masks in the log's sorted order: the window's
    interactions are counted by kind; the history's engagement interactions (every kind but
    a like) are counted and give the first and last exchange (they must be dated). The
    groups are the log's ``run`` (its distinct pairs, or rows they were mapped to, in the
    same order); ``n_groups`` defaults to the number of distinct pairs.

    Examples
    --------
    >>> log = sort_pairs(np.array([7, 7, 7]), np.array([False, True, False]),
    ...                  np.array([0, 1, 4]), np.array([1, 2, 3]))
    >>> c = pair_counts(log, np.ones(3, dtype=bool), np.ones(3, dtype=bool))
    >>> c.window[0, :, 0].tolist(), c.window[0, :, 1].tolist()  # to: a reply, a like
    ([1, 0, 0, 0, 1], [0, 1, 0, 0, 0])
    >>> c.ever.tolist(), c.first.tolist(), c.last.tolist()  # a like is no engagement
    ([[1, 1]], [[1, 2]], [[1, 2]])
    """
    n = log.starts.shape[0] if n_groups is None else n_groups
    side = log.backward.view(np.int8)
    cells = log.run[in_window] * (_N_KINDS * 2)
    cells += log.kind[in_window] * 2
    cells += side[in_window]
    window = np.bincount(cells, minlength=n * _N_KINDS * 2).reshape(n, _N_KINDS, 2)
    del cells
    engaged = in_history & (log.kind != _LIKE) & (log.kind >= 0) & (log.ns != _NAT)
    ever = np.bincount(log.run[engaged] * 2 + side[engaged], minlength=n * 2)
    first = np.full((n, 2), _NAT, dtype=np.int64)
    last = np.full((n, 2), _NAT, dtype=np.int64)
    for s in (0, 1):
        at = np.flatnonzero(engaged & (side == s))
        if not at.shape[0]:
            continue
        runs = log.run[at]  # ascending, and times ascend within a run
        head = np.empty(at.shape[0], dtype=bool)
        head[:1] = True
        np.not_equal(runs[1:], runs[:-1], out=head[1:])
        tail = np.empty(at.shape[0], dtype=bool)
        tail[-1:] = True
        np.not_equal(runs[1:], runs[:-1], out=tail[:-1])
        first[runs[head], s] = log.ns[at[head]]
        last[runs[tail], s] = log.ns[at[tail]]
    return PairCounts(window.astype(np.int64, copy=False),
                      ever.reshape(n, 2).astype(np.int64, copy=False), first, last)


def answer_latencies(
    pair: np.ndarray,
    backward: np.ndarray,
    ns: np.ndarray,
    item: np.ndarray,
    answer: np.ndarray,
    horizon: int,
) -> np.ndarray:
    """The time from each item to the first answer from the other side, within the horizon.

    ``pair``, ``backward`` and ``ns`` describe dated events sorted by (pair, time). For an
    item from one side of a pair at time t, the answer is the first ``answer`` event from the
    other side of the same pair at a time in (t, t + horizon]. Returns, per event, that
    answer's time minus t, or :data:`NO_ANSWER` (also for an event that is no item).

    One pass over the sorted events, no loop over pairs: the first position strictly later in
    time is the end of the run of equal (pair, time); the next answer from each side at or
    after every position is a running minimum of positions taken from the end; the answer
    must still be in the item's pair and within the horizon. The reply-back rate of a
    relationship and the answer rate of an account both read it.

    Examples
    --------
    >>> # pair 1: a -> b at 10, b -> a at 10 (same second: no answer), b -> a at 15;
    >>> # pair 2: a -> b at 0 and nothing back
    >>> answer_latencies(np.array([1, 1, 1, 2]), np.array([False, True, True, False]),
    ...                  np.array([10, 10, 15, 0]), np.array([True, False, False, True]),
    ...                  np.ones(4, dtype=bool), horizon=7).tolist()
    [5, -1, -1, -1]
    """
    n = pair.shape[0]
    out = np.full(n, NO_ANSWER, dtype=np.int64)
    items = np.flatnonzero(item)
    if n == 0 or items.shape[0] == 0:
        return out
    new_pair = np.empty(n, dtype=bool)
    new_pair[:1] = True
    np.not_equal(pair[1:], pair[:-1], out=new_pair[1:])
    new_run = new_pair.copy()
    new_run[1:] |= ns[1:] != ns[:-1]
    run_start = np.flatnonzero(new_run)
    later = np.append(run_start[1:], n)[np.cumsum(new_run)[items] - 1]
    pair_start = np.flatnonzero(new_pair)
    pair_end = np.append(pair_start[1:], n)[np.cumsum(new_pair)[items] - 1]
    del new_pair, new_run, run_start, pair_start
    position = np.arange(n, dtype=np.int64)
    found = np.empty(items.shape[0], dtype=np.int64)
    item_backward = backward[items]
    for side in (False, True):
        mine = item_backward == side  # items from this side: answered from the other
        at = np.where(answer & (backward != side), position, n)
        following = np.minimum.accumulate(at[::-1])[::-1]
        following = np.append(following, n)
        found[mine] = following[later[mine]]
        del at, following
    inside = found < pair_end
    reach = np.minimum(found, n - 1)
    latency = ns[reach] - ns[items]
    answered = inside & (latency <= horizon)
    out[items[answered]] = latency[answered]
    return out


def sorted_by_group(group: np.ndarray, values: np.ndarray, flag: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``group``, ``values`` (and a boolean ``flag``) sorted by (group, value, flag).

    Non-negative integer values are divided by their greatest common divisor (times of whole
    seconds give latencies in steps of 10**9 ns) and packed with the group (and the flag)
    into one int64 key: one plain sort, no indirect one, and the key holds everything. Other
    values, or keys that would not fit in 63 bits, take a lexsort.

    Examples
    --------
    >>> g, v, f = sorted_by_group(np.array([1, 0, 1]), np.array([5_000, 7_000, 3_000]),
    ...                           np.array([True, False, False]))
    >>> g.tolist(), v.tolist(), f.tolist()
    ([0, 1, 1], [7000, 3000, 5000], [False, False, True])
    """
    if values.dtype.kind in "iu" and values.shape[0] and int(values.min()) >= 0:
        step = max(int(np.gcd.reduce(values)), 1)
        scaled = values // step
        flag_bits = 0 if flag is None else 1
        value_bits = max(int(scaled.max()).bit_length(), 1)
        group_bits = max(int(group.max()).bit_length(), 1)
        if group_bits + value_bits + flag_bits <= _MAX_PACKED_BITS:
            key = group.astype(np.int64) << (value_bits + flag_bits)
            key |= scaled.astype(np.int64) << flag_bits
            if flag is not None:
                key |= flag
            del scaled
            key.sort()
            out_flag = None if flag is None else (key & 1).astype(bool)
            out_values = ((key >> flag_bits) & ((1 << value_bits) - 1)) * step
            key >>= value_bits + flag_bits
            return key, out_values, out_flag
    if flag is None:
        order = np.lexsort((values, group))
        return group[order], values[order], None
    order = np.lexsort((flag, values, group))
    return group[order], values[order], flag[order]


def group_median(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """The median of ``values`` in each of ``n_groups`` groups (NaN for an empty group).

    Examples
    --------
    >>> group_median(np.array([0, 0, 0, 2, 2]), np.array([3, 1, 2, 4, 6]), 3).tolist()
    [2.0, nan, 5.0]
    """
    out = np.full(n_groups, np.nan)
    if group.shape[0] == 0:
        return out
    _, v, _ = sorted_by_group(group, values)
    v = v.astype(np.float64)
    counts = np.bincount(group, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    has = counts > 0
    low = starts[has] + (counts[has] - 1) // 2
    high = starts[has] + counts[has] // 2
    out[has] = (v[low] + v[high]) / 2.0
    return out


def km_median(group: np.ndarray, duration: np.ndarray, event: np.ndarray, n_groups: int
              ) -> np.ndarray:
    """The Kaplan-Meier median of each group: the first time the survival estimate is at
    most one half; NaN where it never gets there (or the group is empty).

    ``duration`` is the time to the event where ``event`` is True, else the time at which
    the item was censored (still waiting when observation ended). The product-limit
    estimate is ``S(t) = prod over event times u <= t of (1 - d_u / n_u)``, with ``d_u``
    events at ``u`` and ``n_u`` items still at risk just before ``u`` (an item censored at
    ``u`` is at risk at ``u``). All groups at once: the items sorted by (group, time, events
    first), the product as a running sum of logarithms restarted at each group.

    Examples
    --------
    >>> # one group: events at 1 and 3, censored at 2 and 4: S(1) = 3/4, S(3) = 3/4 * 1/2
    >>> km_median(np.zeros(4, dtype=np.int64), np.array([1, 2, 3, 4]),
    ...           np.array([True, False, True, False]), 1).tolist()
    [3.0]
    """
    out = np.full(n_groups, np.nan)
    if group.shape[0] == 0:
        return out
    g, t, censored = sorted_by_group(group, duration, ~event)
    assert censored is not None
    new = np.empty(g.shape[0], dtype=bool)
    new[:1] = True
    new[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    starts = np.flatnonzero(new)
    del new
    run_group, run_time = g[starts], t[starts]
    deaths = np.add.reduceat((~censored).astype(np.int64), starts)
    group_end = np.cumsum(np.bincount(g, minlength=n_groups))[run_group]
    del g, t, censored
    at_risk = group_end - starts
    factor = 1.0 - deaths / at_risk
    dead = factor <= 0.0
    logs = np.log(np.where(dead, 1.0, factor))
    # the running sums restart at each group: subtract what the groups before it added
    first_run = np.empty(starts.shape[0], dtype=bool)
    first_run[:1] = True
    np.not_equal(run_group[1:], run_group[:-1], out=first_run[1:])
    head = np.cumsum(first_run) - 1
    cum_logs = np.cumsum(logs)
    cum_dead = np.cumsum(dead)
    base_logs = (cum_logs - logs)[first_run][head]
    base_dead = (cum_dead - dead)[first_run][head]
    survival = np.where(cum_dead - base_dead > 0, 0.0, np.exp(cum_logs - base_logs))
    reached = np.flatnonzero((survival <= _HALF) & (deaths > 0))
    if reached.shape[0]:
        groups = run_group[reached]
        keep = np.empty(reached.shape[0], dtype=bool)
        keep[:1] = True
        np.not_equal(groups[1:], groups[:-1], out=keep[1:])
        out[groups[keep]] = run_time[reached[keep]]
    return out


def reply_chains(parent_row: np.ndarray, is_root: np.ndarray, parent_is_root: np.ndarray,
                 change: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Depth below its thread's root, and changes of speaker on the way, of every post.

    ``parent_row`` is the row of each post's parent (-1 when the parent's post is not in
    the table); ``is_root`` marks the posts that start a thread (depth 0);
    ``parent_is_root`` the posts whose parent is their root (depth 1, whether the root's post
    is in the table or not); ``change`` is 1 where a post's author differs from its parent's.
    Returns ``(depth, turns)``, -1 where the chain up to the root is not in the table (or
    loops). Pointer jumping: each round adds the part of the chain the next post has
    already summed and jumps over it, so a chain of length L takes about log2(L) rounds of
    vectorised work.

    Examples
    --------
    >>> # 0 root (ann); 1 bob replies to 0; 2 ann replies to 1; 3 replies to a post not held
    >>> depth, turns = reply_chains(np.array([-1, 0, 1, -1]),
    ...                             np.array([True, False, False, False]),
    ...                             np.array([False, True, False, False]),
    ...                             np.array([0, 1, 1, 1]))
    >>> depth.tolist(), turns.tolist()
    ([0, 1, 2, -1], [0, 1, 2, -1])
    """
    done, broken = -2, -1
    depth = np.where(is_root, 0, 1).astype(np.int64)
    turns = np.where(is_root, 0, change).astype(np.int64)
    jump = np.where(is_root | parent_is_root, done, parent_row).astype(np.int64)
    for _ in range(_MAX_JUMPS):
        active = np.flatnonzero(jump >= 0)
        if not active.shape[0]:
            break
        ahead = jump[active]
        depth[active] += depth[ahead]
        turns[active] += turns[ahead]
        jump[active] = jump[ahead]
    unknown = jump != done
    depth[unknown] = broken
    turns[unknown] = broken
    return depth, turns


__all__ += [
    "NO_ANSWER",
    "PairCounts",
    "PairLog",
    "answer_latencies",
    "group_median",
    "km_median",
    "pair_counts",
    "pair_order",
    "reply_chains",
    "sort_pairs",
    "sorted_by_group",
]
