"""Twitter-shaped synthetic follow graphs and post logs for the benchmarks, cached as .npy.

A graph of ``m`` edges has ``n = m / 10`` accounts. Out-degrees follow a lognormal activity
weight and in-degrees a Pareto popularity weight (density exponent 2.3, so a few accounts have
hundreds of thousands of followers), drawn with one multinomial each; a share of the arcs is
then returned so that about 35% of all arcs are reciprocated (Kwak et al. measured 36% in
arcs on Twitter in 2009). Duplicates and self-follows are removed, so every tool (networkx,
igraph, pandas, numpy) sees the same simple graph, and account ids are a random relabelling of
``0..n-1`` (dense int64 ids, as in the SNAP datasets) in shuffled edge order.

The post log has one post per edge: kinds post/reply/thread/repost/quote; half of the replies
answer a followed account (so ``followee_engagement`` is not trivially 0), the rest and every
repost and quote go to an account drawn by popularity.

Everything is a deterministic function of ``(size, seed)``. Usage::

    python benchmarks/generate.py 1M 10M 100M       # writes benchmarks/_data/*.npy
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "_data"
SIZES = {"1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}
EDGES_PER_ACCOUNT = 10
RECIPROCATED_ARCS = 0.35
POST_KINDS = ("post", "reply", "thread", "repost", "quote")  # schema.POST_KINDS order
POST_KIND_SHARES = (0.35, 0.35, 0.10, 0.15, 0.05)
YEAR_NS = 365 * 86_400 * 10**9
START_NS = 1_735_689_600 * 10**9  # 2025-01-01T00:00Z


def _multinomial_ids(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` ids drawn with probability ``weights``, sorted (one multinomial + repeat)."""
    counts = rng.multinomial(total, weights / weights.sum())
    return np.repeat(np.arange(weights.shape[0], dtype=np.int64), counts)


def _weights(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    activity = rng.lognormal(mean=0.0, sigma=1.3, size=n)
    popularity = (1.0 - rng.random(n)) ** (-1.0 / 1.3)  # Pareto, P(X > x) ~ x^-1.3
    return activity, popularity


def _distinct_sorted(keys: np.ndarray) -> np.ndarray:
    keys.sort()
    first = np.empty(keys.shape[0], dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return keys[first]


def make_graph(n_edges: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """``(source, target, n_accounts)`` of a simple Twitter-shaped graph with about n_edges."""
    rng = np.random.default_rng(seed)
    n = max(n_edges // EDGES_PER_ACCOUNT, 10)
    activity, popularity = _weights(rng, n)
    # r = (R0 + 2k) / (U + k) with k returned arcs: about U = n_edges / (1 + f) base arcs
    f = RECIPROCATED_ARCS / (2.0 - RECIPROCATED_ARCS)
    n_base = int(n_edges / (1.0 + f))
    source = _multinomial_ids(rng, int(n_base * 1.3), activity)  # extra: duplicates go
    target = _multinomial_ids(rng, source.shape[0], popularity)
    rng.shuffle(target)
    keys = source * n + target
    del source, target
    keys = _distinct_sorted(keys)
    keys = keys[keys // n != keys % n]  # no self-follows
    rng.shuffle(keys)
    keys = keys[:n_base]
    low, high = np.minimum(keys // n, keys % n), np.maximum(keys // n, keys % n)
    pair = low * n + high
    del low, high
    order = np.argsort(pair, kind="stable")
    sorted_pair = pair[order]
    twice = np.zeros(pair.shape[0], dtype=bool)
    same = sorted_pair[1:] == sorted_pair[:-1]
    twice[order[1:][same]] = True
    twice[order[:-1][same]] = True
    del order, sorted_pair, same, pair
    natural = int(twice.sum())  # arcs already reciprocated by chance
    k = max(0, round((RECIPROCATED_ARCS * keys.shape[0] - natural) / (2.0 - RECIPROCATED_ARCS)))
    one_way = np.flatnonzero(~twice)
    returned = keys[rng.choice(one_way, size=min(k, one_way.shape[0]), replace=False)]
    keys = np.concatenate([keys, (returned % n) * n + returned // n])
    del returned, one_way, twice
    rng.shuffle(keys)
    label = rng.permutation(n).astype(np.int64)
    return label[keys // n], label[keys % n], n


def make_posts(
    source: np.ndarray, target: np.ndarray, n_accounts: int, n_posts: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """A post log: ``author``, ``kind`` (codes of POST_KINDS), ``parent_author`` (-1: none),
    ``created_at`` (int64 ns UTC in 2025)."""
    rng = np.random.default_rng(seed + 1)
    activity, popularity = _weights(rng, n_accounts)
    kind = rng.choice(len(POST_KINDS), size=n_posts, p=POST_KIND_SHARES).astype(np.int8)
    author = _multinomial_ids(rng, n_posts, activity)
    rng.shuffle(author)
    parent = _multinomial_ids(rng, n_posts, popularity)
    rng.shuffle(parent)
    # half of the replies answer an account the author follows
    reply = np.flatnonzero(kind == POST_KINDS.index("reply"))
    to_followee = reply[rng.random(reply.shape[0]) < 0.5]
    edge = rng.integers(0, source.shape[0], to_followee.shape[0])
    author[to_followee] = source[edge]
    parent[to_followee] = target[edge]
    parent[kind == POST_KINDS.index("post")] = -1
    is_thread = kind == POST_KINDS.index("thread")
    parent[is_thread] = author[is_thread]
    created = START_NS + np.sort(rng.integers(0, YEAR_NS, n_posts))
    return {"author": author, "kind": kind, "parent_author": parent, "created_at": created}


def paths(size: str, seed: int = 0) -> dict[str, Path]:
    """Cache files of one dataset."""
    stem = f"{size}_s{seed}"
    names = ["source", "target", "author", "kind", "parent_author", "created_at", "meta"]
    return {name: DATA / f"{stem}_{name}.npy" for name in names}


def ensure(size: str, seed: int = 0, *, log: bool = True) -> dict[str, Path]:
    """Generate (once) and cache the graph and post log of ``size``; return the paths."""
    files = paths(size, seed)
    if all(path.exists() for path in files.values()):
        return files
    DATA.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    n_edges = SIZES[size]
    source, target, n = make_graph(n_edges, seed)
    posts = make_posts(source, target, n, n_posts=n_edges, seed=seed)
    for name, values in {"source": source, "target": target, **posts}.items():
        np.save(files[name], values)
    np.save(files["meta"], np.array([source.shape[0], n], dtype=np.int64))
    if log:
        print(
            f"generated {size}: {source.shape[0]:,} edges, {n:,} accounts, "
            f"{posts['author'].shape[0]:,} posts in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
        )
    return files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["1M", "10M"], choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for size in args.sizes:
        ensure(size, args.seed)


if __name__ == "__main__":
    main()
