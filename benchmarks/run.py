"""Per-account follow metrics and reciprocity: engagemetrics against its peers, in one run.

Every tool runs in its own subprocess on the same cached graph (``generate.py``), computes
followers, following and mutuals of every account plus the graph's reciprocity, and saves them;
this parent checks that all tools agree with the hand-tuned numpy baseline, then writes
``benchmarks/RESULTS.md`` with median times, peak memory and the ratios of the issue's goals.

Reproduce (about 15 minutes and 12 GB at 100M on a 2-core machine)::

    python benchmarks/run.py                       # 1M, 10M and 100M edges
    python benchmarks/run.py --sizes 1M --out /tmp/r.md   # a quick check (1 min)

Tools (``--tools`` selects some):

- ``ours``: ``em.account_metrics(df)`` then ``em.reciprocity(df)`` on a pandas int64 frame (two
  calls on a plain frame: each encodes and sorts the edges);
- ``ours: four measures``: ``g = em.FollowGraph(df)`` then ``em.account_metrics(g)``,
  ``em.reciprocity(g)``, ``em.reciprocity_rho(g)`` and ``em.dyad_census(g)``, timed together
  (the build included): one encoding and one sort shared by the four;
- ``ours: account_metrics``, ``ours: reciprocity``, ``ours: follow_counts``: one call alone;
- ``numpy``: one sort of canonical pair keys ``min(u,v)*N+max(u,v)``, mutual = key seen twice,
  ``bincount`` per account, and from its n accounts, L arcs and M mutual pairs the reciprocity,
  rho and dyad census (the baseline of ``../shared/PERFORMANCE.md``; it assumes a simple graph
  with dense ids, which the generator guarantees and which ours does not assume);
- ``pandas-merge``: ``df.merge(reversed df)`` and ``groupby().size()``;
- ``igraph``: graph build from the edge list, ``indegree``/``outdegree``/``is_mutual`` per edge
  summed per account with ``bincount``, ``reciprocity()``;
- ``networkx``: ``DiGraph`` build, ``in_degree``/``out_degree``, ``nx.reciprocity(G, G)`` per node
  and ``overall_reciprocity`` (1M only: it needs about 250 bytes per edge and a minute per 10M;
  its 10M time in the ratios is the 1M time scaled by the edge count, and marked so);
- ``duckdb``: ``em.account_metrics`` and ``em.reciprocity`` on a DuckDB relation over Parquet, with
  ``memory_limit`` at a quarter of the raw edge arrays (our narwhals path, spilling to disk),
  result written to Parquet;
- ``duckdb-sql``: the same counts as one hand-written SQL query under the same memory limit;
- ``polars``: ``em.account_metrics`` and ``em.reciprocity`` on a Polars DataFrame (narwhals path);
- ``posts: ours|duckdb|polars``: ``em.account_metrics(follows, posts, start=, end=)`` (20 columns);
- string ids, for two kinds of ids made from the same graph, ``decimal`` (``"12345"``, X/SNAP
  ids read as text) and ``did`` (``"did:plc:12345"``, Bluesky DIDs), in a pandas frame whose two
  columns are ``string[pyarrow]`` (built before the clock): ``ours: string ids (<kind>)`` is
  ``em.account_metrics(df)``; ``pyarrow dictionary + int path (<kind>)`` dictionary-encodes both
  columns with one pyarrow dictionary (``pc.dictionary_encode`` of a chunked array of both
  columns) and calls ``em.account_metrics`` on the int64 code frame (1M and 10M only).

Peak memory is the process's high-water mark during the timed calls (``VmHWM``, reset after the
input is loaded) minus the RSS of the interpreter with its libraries imported, so it includes
the input arrays themselves; "x raw" divides it by the raw edge arrays (16 bytes per edge),
also for the string-id tools, whose input (the text columns) is larger than that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (sibling script)

TOOLS = (
    "ours",
    "ours: four measures",
    "ours: account_metrics",
    "ours: reciprocity",
    "ours: follow_counts",
    "numpy",
    "pandas-merge",
    "igraph",
    "networkx",
    "duckdb",
    "duckdb-sql",
    "polars",
)
POST_TOOLS = ("posts: ours", "posts: duckdb", "posts: polars")
# Text ids made from the int ids of the same graph (what to prefix the decimal id with).
STRING_KINDS = {"decimal": "", "did": "did:plc:"}
STRING_OURS = {kind: f"ours: string ids ({kind})" for kind in STRING_KINDS}
STRING_BASE = {kind: f"pyarrow dictionary + int path ({kind})" for kind in STRING_KINDS}
STRING_TOOLS = tuple(t for kind in STRING_KINDS for t in (STRING_OURS[kind], STRING_BASE[kind]))
PLAN = {
    "1M": TOOLS + POST_TOOLS + STRING_TOOLS,
    "10M": tuple(t for t in TOOLS if t != "networkx") + POST_TOOLS + STRING_TOOLS,
    "100M": (
        "ours",
        "ours: four measures",
        "ours: account_metrics",
        "ours: reciprocity",
        "ours: follow_counts",
        "numpy",
        "duckdb",
        "duckdb-sql",
    ),
}
SKIPPED_WHY = {
    ("10M", "networkx"): "scaled from 1M (a DiGraph needs ~250 B/edge and about a minute per 10M)",
    ("100M", "networkx"): "runs out of memory near 55M edges (PERFORMANCE.md)",
    ("100M", "igraph"): "its build from Python was killed at 300 s and 18.7 GiB (PERFORMANCE.md)",
    ("100M", "pandas-merge"): "not in the 100M plan (7 s at 10M, memory grows with the merge)",
    ("100M", "polars"): "not in the 100M plan (77 s and 13.7 GiB in PERFORMANCE.md)",
    **{
        ("100M", tool): "string-id tools run at 1M and 10M only (the goal is stated at 10M; "
        "at 100M the text columns alone would hold about 3.0 GB (decimal) to 4.6 GB (did), "
        "large_string offsets included, before any work)"
        for tool in STRING_TOOLS
    },
}
TIMEOUT_S = 900


# =========================================================================== memory
def _status(field: str) -> int:
    """A ``VmRSS``/``VmHWM`` line of /proc/self/status, in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


# =========================================================================== workers
def _load(size: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    files = generate.paths(size, seed)
    return np.load(files["source"]), np.load(files["target"])


def _parquet(size: str, seed: int) -> Path:
    """The graph as one Parquet file (written once, for the DuckDB tools)."""
    path = generate.DATA / f"{size}_s{seed}_follows.parquet"
    if not path.exists():
        import pyarrow as pa
        import pyarrow.parquet as pq

        source, target = _load(size, seed)
        table = pa.table({"source": source, "target": target})
        pq.write_table(table, str(path) + ".tmp", row_group_size=1 << 20)
        os.replace(str(path) + ".tmp", path)
    return path


def _counts_of_frame(frame: Any) -> dict[str, np.ndarray]:
    """account/followers/following/mutuals arrays of a pandas frame indexed by account."""
    ordered = frame.sort_index()
    out = {"account": ordered.index.to_numpy(dtype=np.int64)}
    for name in ("followers", "following", "mutuals"):
        out[name] = ordered[name].to_numpy(dtype=np.int64)
    return out


def _string_kind(tool: str) -> str | None:
    """The kind of text ids a string-id tool takes, None for any other tool."""
    if tool not in STRING_TOOLS:
        return None
    return tool[tool.rindex("(") + 1 : -1]


def string_ids(ids: np.ndarray, kind: str) -> Any:
    """The text id of every int id (a pyarrow large_string array, as pandas stores it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(pa.array(ids), pa.large_string())
    if STRING_KINDS[kind]:
        prefix = pa.scalar(STRING_KINDS[kind], pa.large_string())
        text = pc.binary_join_element_wise(prefix, text, pa.scalar("", pa.large_string()))
    return text


def _string_frame(size: str, seed: int, kind: str) -> Any:
    """The graph with text ids: a pandas frame of two ``string[pyarrow]`` columns (no copy of
    the arrow arrays); the int arrays are freed before the clock starts."""
    import pandas as pd
    import pyarrow as pa

    columns = {
        name: pd.arrays.ArrowStringArray(pa.chunked_array([string_ids(ids, kind)]))
        for name, ids in zip(("source", "target"), _load(size, seed), strict=True)
    }
    frame = pd.DataFrame(columns, copy=False)
    assert all(dtype == "string[pyarrow]" for dtype in frame.dtypes), frame.dtypes
    pa.default_memory_pool().release_unused()  # the casts' scratch: not part of the input
    return frame


def prepare(tool: str, size: str, seed: int) -> Any:
    """The tool's input, built before the clock starts (a user already has it)."""
    kind = _string_kind(tool)
    if kind is not None:
        return _string_frame(size, seed, kind)
    source, target = _load(size, seed)
    if tool.startswith("ours") or tool == "pandas-merge":
        import pandas as pd

        return pd.DataFrame({"source": source, "target": target}, copy=False)
    if tool == "polars":
        import polars as pl

        return pl.DataFrame({"source": source, "target": target})
    if tool in ("duckdb", "duckdb-sql"):
        return _parquet(size, seed)
    if tool == "posts: ours":
        import pandas as pd

        follows = pd.DataFrame({"source": source, "target": target}, copy=False)
        return follows, _posts_pandas(size, seed)
    if tool == "posts: polars":
        import polars as pl

        follows = pl.DataFrame({"source": source, "target": target})
        return follows, pl.from_arrow(_posts_arrow(size, seed))
    if tool == "posts: duckdb":
        return _parquet(size, seed), _posts_parquet(size, seed)
    return source, target


def _posts_arrays(size: str, seed: int) -> dict[str, np.ndarray]:
    files = generate.paths(size, seed)
    return {
        name: np.load(files[name]) for name in ("author", "kind", "parent_author", "created_at")
    }


def _posts_pandas(size: str, seed: int) -> Any:
    """The post log as a pandas frame with int64 ids (the research-scale input)."""
    import pandas as pd

    arrays = _posts_arrays(size, seed)
    parent = pd.array(arrays["parent_author"], dtype="Int64")
    parent[arrays["parent_author"] < 0] = pd.NA
    return pd.DataFrame(
        {
            "post_id": np.arange(arrays["author"].shape[0], dtype=np.int64),
            "author": arrays["author"],
            "created_at": pd.to_datetime(arrays["created_at"], utc=True),
            "kind": pd.Categorical.from_codes(arrays["kind"], categories=generate.POST_KINDS),
            "parent_author": parent,
        }
    )


def _posts_arrow(size: str, seed: int) -> Any:
    import pyarrow as pa

    arrays = _posts_arrays(size, seed)
    kinds = pa.array(generate.POST_KINDS, type=pa.string())
    return pa.table(
        {
            "author": arrays["author"],
            "created_at": pa.array(arrays["created_at"], type=pa.timestamp("ns", tz="UTC")),
            "kind": kinds.take(pa.array(arrays["kind"].astype(np.int64))),
            "parent_author": pa.array(arrays["parent_author"], mask=arrays["parent_author"] < 0),
        }
    )


def _posts_parquet(size: str, seed: int) -> Path:
    path = generate.DATA / f"{size}_s{seed}_posts.parquet"
    if not path.exists():
        import pyarrow.parquet as pq

        pq.write_table(_posts_arrow(size, seed), str(path) + ".tmp", row_group_size=1 << 20)
        os.replace(str(path) + ".tmp", path)
    return path


WINDOW = {"start": "2025-04-01", "end": "2025-10-01"}  # half of the generated year


def _all_columns(frame: Any) -> dict[str, np.ndarray]:
    """Every column of an account_metrics frame (index account) as float64, sorted."""
    ordered = frame.sort_index()
    out = {"account": ordered.index.to_numpy(dtype=np.int64)}
    for name in ordered.columns:
        out[name] = ordered[name].to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def _graph_scalars(rho: float, census: Any) -> dict[str, np.ndarray]:
    """rho and the dyad census, as 0-d arrays beside the per-account counts."""
    return {
        "rho": np.float64(rho),
        "census_mutual": np.int64(census[0]),
        "census_asymmetric": np.int64(census[1]),
        "census_null": np.int64(census[2]),
    }


GRAPH_SCALARS = ("rho", "census_mutual", "census_asymmetric", "census_null")


def _string_counts(frame: Any, ids: Any = None) -> dict[str, np.ndarray]:
    """account (text, as a numpy unicode array)/followers/following/mutuals of an
    account_metrics frame; ``ids``: the pyarrow dictionary its int index codes."""
    if ids is None:
        accounts = frame.index.to_numpy(dtype=object)
    else:
        import pyarrow as pa

        accounts = ids.take(pa.array(frame.index.to_numpy(dtype=np.int64)))
        accounts = accounts.to_numpy(zero_copy_only=False)
    out = {"account": accounts.astype(str)}
    for name in ("followers", "following", "mutuals"):
        out[name] = frame[name].to_numpy(dtype=np.int64)
    return out


def _dictionary_codes(frame: Any) -> tuple[Any, Any]:
    """Both id columns dictionary-encoded with ONE pyarrow dictionary (shared codes): an int64
    code frame and the dictionary (code -> id)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    source, target = pa.array(frame["source"].array), pa.array(frame["target"].array)
    encoded = pc.dictionary_encode(pa.chunked_array([source, target]))
    codes = np.concatenate([c.indices.to_numpy() for c in encoded.chunks], dtype=np.int64)
    n = len(source)
    codes_frame = pd.DataFrame({"source": codes[:n], "target": codes[n:]}, copy=False)
    return codes_frame, encoded.chunk(0).dictionary


def work(tool: str, data: Any, scratch: Path) -> tuple[Any, float]:
    """Run one tool once: (per-account counts, reciprocity). The counts may be a function
    that makes them, called after the clock stops (a conversion only the check needs)."""
    if tool == "ours":
        import engagemetrics as em

        metrics = em.account_metrics(data)
        return _counts_of_frame(metrics), em.reciprocity(data)
    if tool == "ours: four measures":
        import engagemetrics as em

        graph = em.FollowGraph(data)
        metrics = em.account_metrics(graph)
        reciprocity = em.reciprocity(graph)
        rho = em.reciprocity_rho(graph)
        census = em.dyad_census(graph)
        return {**_counts_of_frame(metrics), **_graph_scalars(rho, census)}, reciprocity
    if tool == "ours: account_metrics":
        import engagemetrics as em

        return _counts_of_frame(em.account_metrics(data)), np.nan
    if tool == "ours: follow_counts":
        import engagemetrics as em

        return _counts_of_frame(em.follow_counts(data)), np.nan
    if tool in STRING_OURS.values():
        import engagemetrics as em

        metrics = em.account_metrics(data)
        return (lambda: _string_counts(metrics)), np.nan
    if tool in STRING_BASE.values():
        import engagemetrics as em

        codes, dictionary = _dictionary_codes(data)
        metrics = em.account_metrics(codes)
        return (lambda: _string_counts(metrics, dictionary)), np.nan
    if tool == "ours: reciprocity":
        import engagemetrics as em

        return {}, em.reciprocity(data)
    if tool == "posts: ours":
        import engagemetrics as em

        return _all_columns(em.account_metrics(*data, **WINDOW)), np.nan
    if tool == "posts: polars":
        import engagemetrics as em

        metrics = em.account_metrics(*data, **WINDOW).to_pandas().set_index("account")
        return _all_columns(metrics), np.nan
    if tool == "posts: duckdb":
        import engagemetrics as em

        connection = _duckdb_connection(data[0], scratch)
        follows = connection.read_parquet(str(data[0]))
        posts = connection.read_parquet(str(data[1]))
        out = scratch / "duckdb_posts.parquet"
        em.account_metrics(follows, posts, **WINDOW).write_parquet(str(out))
        connection.close()
        import pyarrow.parquet as pq

        metrics = pq.read_table(out).to_pandas().set_index("account")
        return _all_columns(metrics), np.nan
    if tool == "numpy":
        return _numpy_baseline(*data)
    if tool == "pandas-merge":
        return _pandas_merge(data)
    if tool == "igraph":
        return _igraph(*data)
    if tool == "networkx":
        return _networkx(*data)
    if tool == "duckdb":
        return _duckdb_ours(data, scratch)
    if tool == "duckdb-sql":
        return _duckdb_sql(data, scratch)
    if tool == "polars":
        import engagemetrics as em

        metrics = em.account_metrics(data).to_pandas().set_index("account")
        return _counts_of_frame(metrics), em.reciprocity(data)
    raise ValueError(tool)


def _numpy_baseline(source: np.ndarray, target: np.ndarray) -> tuple[dict, float]:
    n = int(max(source.max(), target.max())) + 1
    keys = np.minimum(source, target) * n + np.maximum(source, target)
    keys.sort()
    twice = keys[1:] == keys[:-1]
    mutual_pairs = keys[1:][twice]
    del keys, twice
    following = np.bincount(source, minlength=n)
    followers = np.bincount(target, minlength=n)
    mutuals = np.bincount(mutual_pairs // n, minlength=n) + np.bincount(
        mutual_pairs % n, minlength=n
    )
    present = np.flatnonzero((following > 0) | (followers > 0))
    counts = {
        "account": present.astype(np.int64),
        "followers": followers[present],
        "following": following[present],
        "mutuals": mutuals[present],
    }
    # the graph measures from n accounts, L arcs and M mutual pairs (a simple graph, no loops)
    n_accounts, arcs, mutual = present.shape[0], source.shape[0], mutual_pairs.shape[0]
    reciprocity = 2 * mutual / arcs
    density = arcs / (n_accounts * (n_accounts - 1))
    rho = (reciprocity - density) / (1.0 - density)
    census = (mutual, arcs - 2 * mutual, n_accounts * (n_accounts - 1) // 2 - arcs + mutual)
    return {**counts, **_graph_scalars(rho, census)}, reciprocity


def _pandas_merge(frame: Any) -> tuple[dict, float]:
    import pandas as pd

    reverse = frame.rename(columns={"source": "target", "target": "source"})
    mutual = frame.merge(reverse, on=["source", "target"])
    counts = pd.DataFrame(
        {
            "followers": frame.groupby("target").size(),
            "following": frame.groupby("source").size(),
            "mutuals": mutual.groupby("source").size(),
        }
    )
    counts = counts.fillna(0).astype(np.int64)
    counts.index.name = "account"
    return _counts_of_frame(counts), len(mutual) / len(frame)


def _igraph(source: np.ndarray, target: np.ndarray) -> tuple[dict, float]:
    import igraph as ig

    n = int(max(source.max(), target.max())) + 1
    # a list of tuples builds faster than a numpy array in python-igraph 1.0
    edges = list(zip(source.tolist(), target.tolist(), strict=True))
    graph = ig.Graph(n=n, edges=edges, directed=True)
    following = np.asarray(graph.outdegree(), dtype=np.int64)
    followers = np.asarray(graph.indegree(), dtype=np.int64)
    mutual = np.asarray(graph.is_mutual(loops=False), dtype=bool)
    # edge i of the graph is (source[i], target[i]): igraph keeps the given order
    mutuals = np.bincount(source[mutual], minlength=n)
    present = np.flatnonzero((following > 0) | (followers > 0))
    counts = {
        "account": present.astype(np.int64),
        "followers": followers[present],
        "following": following[present],
        "mutuals": mutuals[present],
    }
    return counts, graph.reciprocity()


def _networkx(source: np.ndarray, target: np.ndarray) -> tuple[dict, float]:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(zip(source.tolist(), target.tolist(), strict=True))
    nodes = np.fromiter(graph.nodes, dtype=np.int64, count=graph.number_of_nodes())
    followers = np.fromiter((d for _, d in graph.in_degree(nodes.tolist())), dtype=np.int64)
    following = np.fromiter((d for _, d in graph.out_degree(nodes.tolist())), dtype=np.int64)
    node_reciprocity = nx.reciprocity(graph, nodes.tolist())  # 2 mutuals / (in + out)
    dice = np.fromiter((node_reciprocity[u] for u in nodes.tolist()), dtype=float)
    mutuals = np.rint(dice * (followers + following) / 2).astype(np.int64)
    order = np.argsort(nodes)
    counts = {
        "account": nodes[order],
        "followers": followers[order],
        "following": following[order],
        "mutuals": mutuals[order],
    }
    return counts, nx.overall_reciprocity(graph)


def duckdb_limit_mb(n_edges: int) -> int:
    """A quarter of the raw edge arrays, and at least the ~128 MB DuckDB needs for the joins."""
    return max(16 * n_edges // 4 // 2**20, 128)


def _duckdb_connection(parquet: Path, scratch: Path) -> Any:
    import duckdb
    import pyarrow.parquet as pq

    limit_mb = duckdb_limit_mb(pq.ParquetFile(parquet).metadata.num_rows)
    connection = duckdb.connect(
        config={
            "memory_limit": f"{limit_mb}MB",
            "threads": 2,
            "temp_directory": str(scratch / "duckdb_spill"),
            "preserve_insertion_order": False,
        }
    )
    return connection


def _read_counts(path: Path) -> dict[str, np.ndarray]:
    import pyarrow.parquet as pq

    table = pq.read_table(path).sort_by("account")
    return {
        name: table[name].to_numpy().astype(np.int64)
        for name in ("account", "followers", "following", "mutuals")
    }


def _duckdb_ours(parquet: Path, scratch: Path) -> tuple[dict, float]:
    import engagemetrics as em

    connection = _duckdb_connection(parquet, scratch)
    follows = connection.read_parquet(str(parquet))
    out = scratch / "duckdb_metrics.parquet"
    em.account_metrics(follows).write_parquet(str(out))
    reciprocity = em.reciprocity(follows)
    connection.close()
    return _read_counts(out), reciprocity


DUCKDB_SQL = """
WITH e AS (SELECT DISTINCT source, target FROM read_parquet('{path}') WHERE source <> target),
m AS (SELECT e.source, e.target, (r.source IS NOT NULL)::BIGINT AS rec
      FROM e LEFT JOIN e AS r ON e.source = r.target AND e.target = r.source),
out_side AS (SELECT source AS account, count(*) AS following, sum(rec) AS mutuals
             FROM m GROUP BY source),
in_side AS (SELECT target AS account, count(*) AS followers FROM m GROUP BY target)
SELECT coalesce(o.account, i.account) AS account, coalesce(i.followers, 0) AS followers,
       coalesce(o.following, 0) AS following, coalesce(o.mutuals, 0) AS mutuals
FROM out_side o FULL OUTER JOIN in_side i ON o.account = i.account
"""


def _duckdb_sql(parquet: Path, scratch: Path) -> tuple[dict, float]:
    connection = _duckdb_connection(parquet, scratch)
    out = scratch / "duckdb_sql.parquet"
    connection.sql(DUCKDB_SQL.format(path=parquet)).write_parquet(str(out))
    reciprocated, arcs = connection.execute(
        f"""WITH e AS (SELECT DISTINCT source, target FROM read_parquet('{parquet}')
                       WHERE source <> target)
            SELECT count(r.source), count(*) FROM e
            LEFT JOIN e AS r ON e.source = r.target AND e.target = r.source"""
    ).fetchone()
    connection.close()
    return _read_counts(out), reciprocated / arcs


def worker(tool: str, size: str, seed: int, repeats: int, budget_s: float, result: Path) -> None:
    """Run in the subprocess: time ``repeats`` calls (fewer when over budget), save, report."""
    rss_imports = _status("VmRSS")
    data = prepare(tool, size, seed)
    rss_input = _status("VmRSS")
    input_bytes = _input_bytes(data)
    peak_ok = _reset_peak()
    times: list[float] = []
    counts: Any = None
    with tempfile.TemporaryDirectory(dir=generate.DATA) as scratch:
        while len(times) < repeats:
            counts = None  # the last repeat's results are not held during the next one
            began = time.perf_counter()
            counts, reciprocity = work(tool, data, Path(scratch))
            times.append(time.perf_counter() - began)
            if sum(times) > budget_s:
                break
    peak = _status("VmHWM")  # since the reset, or since the start when it was refused
    if callable(counts):
        counts = counts()
    np.savez(result, reciprocity=np.float64(reciprocity), **counts)
    print(
        json.dumps(
            {
                "times": times,
                "rss_imports": rss_imports,
                "rss_input": rss_input,
                "peak": peak,
                "peak_reset": peak_ok,
                "input_bytes": input_bytes,
            }
        )
    )


def _input_bytes(data: Any) -> int | None:
    """What a pandas input frame holds (its arrow buffers for text columns), None otherwise."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return int(data.memory_usage(index=False, deep=True).sum())
    return None


# =========================================================================== parent
def _preimport(tool: str) -> None:
    """Import the tool's libraries before the baseline RSS is read (they are not its work).

    Only public names: reading ``em.account_metrics`` imports the modules behind it (the
    library imports them on first use), the narwhals layer included."""
    import importlib

    import pandas  # noqa: F401

    ours = ["account_metrics", "reciprocity", "follow_counts"]
    if tool == "ours: four measures":
        ours += ["FollowGraph", "reciprocity_rho", "dyad_census"]
    modules = {
        "igraph": ["igraph"],
        "networkx": ["networkx"],
        "duckdb": ["duckdb", "pyarrow", "pyarrow.parquet"],
        "duckdb-sql": ["duckdb", "pyarrow.parquet"],
        "polars": ["polars"],
        "posts: duckdb": ["duckdb", "pyarrow", "pyarrow.parquet"],
        "posts: polars": ["polars"],
        **{t: ["pyarrow", "pyarrow.compute"] for t in STRING_TOOLS},
    }
    for name in modules.get(tool, []):
        importlib.import_module(name)
    if tool.startswith(("ours", "posts", "duckdb", "polars", "pyarrow")) and tool != "duckdb-sql":
        em = importlib.import_module("engagemetrics")
        for name in ours:
            getattr(em, name)


def run_tool(tool: str, size: str, seed: int, repeats: int, budget_s: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.npz"
        command = [
            sys.executable,
            __file__,
            "--worker",
            tool,
            "--size",
            size,
            "--seed",
            str(seed),
            "--repeats",
            str(repeats),
            "--budget",
            str(budget_s),
            "--result",
            str(result),
        ]
        began = time.perf_counter()
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            return {"tool": tool, "error": f"timed out after {TIMEOUT_S} s"}
        if done.returncode != 0:
            lines = (done.stderr or "").strip().splitlines()
            errors = [line for line in lines if "Error" in line or "Exception" in line]
            why = (errors or lines or ["no output"])[-1].strip().replace("|", "/")
            return {"tool": tool, "error": f"exit {done.returncode}: {why[:300]}"}
        report = json.loads(done.stdout.strip().splitlines()[-1])
        report["wall"] = time.perf_counter() - began
        with np.load(result) as saved:
            report["result"] = {name: saved[name] for name in saved.files}
        report["tool"] = tool
        return report


def agree(result: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> str:
    """Exact per-account counts and dyad census, reciprocity and rho to 1e-12 (what the tool
    computed of them)."""
    problems = []
    for name in ("account", "followers", "following", "mutuals", *GRAPH_SCALARS[1:]):
        if name not in result:
            continue
        if result[name].shape != reference[name].shape or not np.array_equal(
            result[name], reference[name]
        ):
            problems.append(name)
    for name in ("reciprocity", "rho"):
        if (
            name in result
            and not np.isnan(float(result[name]))
            and (abs(float(result[name]) - float(reference[name])) > 1e-12)
        ):
            problems.append(name)
    return "yes" if not problems else "NO: " + ", ".join(problems)


def agree_text(result: dict[str, np.ndarray], reference: dict[str, np.ndarray], kind: str) -> str:
    """A string-id tool's counts against numpy's, the numpy ids mapped to their text ids
    (the decimal string of the id, or "did:plc:" + it); both sides in text order."""
    expected = string_ids(reference["account"], kind).to_numpy(zero_copy_only=False).astype(str)
    if result["account"].shape != expected.shape:
        return f"NO: {result['account'].shape[0]:,} accounts, numpy {expected.shape[0]:,}"
    mine, theirs = np.argsort(result["account"]), np.argsort(expected)
    problems = [
        name
        for name, got, want in [("account", result["account"], expected)]
        + [(c, result[c], reference[c]) for c in ("followers", "following", "mutuals")]
        if not np.array_equal(got[mine], want[theirs])
    ]
    return "yes" if not problems else "NO: " + ", ".join(problems)


def agree_all(result: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> str:
    """Every column equal (NaN/null where the reference is NaN), to 1e-12 relative."""
    problems = [
        name
        for name in reference
        if name != "reciprocity"
        and (
            name not in result
            or result[name].shape != reference[name].shape
            or not np.allclose(result[name], reference[name], rtol=1e-12, atol=0, equal_nan=True)
        )
    ]
    return "yes" if not problems else "NO: " + ", ".join(problems)


def _source_state() -> str:
    """The commit of the library code measured, and whether src/ differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
        ).stdout.strip()
        # the tree of src/: other commits (docs, tests) during the run do not matter
        tree = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD:src"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown (no git)"
    return f"{head} (src/ tree {tree}){' with uncommitted changes in src/' if dirty else ''}"


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("engagemetrics", "numpy", "pandas", "narwhals", "polars", "duckdb", "igraph"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "absent"
    out["networkx"] = version("networkx")
    return out


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as info:
            mem_kb = int(info.readline().split()[1])
    except OSError:
        mem_kb = 0
    return f"{os.cpu_count()} cores ({cpu}), {mem_kb / 2**20:.0f} GiB RAM, {platform.platform()}"


def _gib(value: float) -> str:
    return f"{value / 2**30:.2f}"


def _fmt_s(value: float) -> str:
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def write_results(runs: dict[str, dict[str, Any]], meta: dict[str, Any], out: Path) -> str:
    lines = [
        "# Benchmarks: per-account follow metrics and reciprocity",
        "",
        "Generated by `benchmarks/run.py` in one run; do not edit by hand.",
        "",
        f"- Command: `{meta['command']}`",
        f"- Date (UTC): {meta['started']} to {meta['finished']}",
        f"- Machine: {meta['machine']}",
        f"- Load average (1/5/15 min) at start {meta['load_start']}, at end {meta['load_end']}"
        " — the machine is shared, so absolute times carry that noise; ratios are within one run.",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        f"- Library code: commit {meta['source_start']}"
        + (
            ""
            if meta["source_start"].split(" ", 1)[1] == meta["source_end"].split(" ", 1)[1]
            else f" at the start, {meta['source_end']} at the end: **the code changed during "
            "the run**, re-run before quoting these figures"
        ),
        "- Data: `benchmarks/generate.py` (seed 0): Twitter-shaped simple graphs, heavy-tailed "
        "in- and out-degrees, 35% of arcs reciprocated, 10 edges per account, dense int64 ids.",
        "- Task: followers, following and mutuals of every account, and the graph's "
        "reciprocity, build and conversion included; each tool in its own process; time = "
        "median of the repeats; memory = peak RSS during the calls minus the interpreter with "
        "its libraries (input arrays included); raw = the two int64 edge arrays (16 B/edge).",
        "",
    ]
    header_end = len(lines)
    goals: list[str] = []
    for size, by_tool in runs.items():
        reference = by_tool.get("numpy", {}).get("result")
        n_edges = meta["edges"][size]
        raw = 16 * n_edges
        median = {t: statistics.median(r["times"]) for t, r in by_tool.items() if "times" in r}
        lines += [
            f"## {size} edges ({n_edges:,} edges, {meta['accounts'][size]:,} accounts, "
            f"raw edge arrays {raw / 2**20:.0f} MiB; DuckDB memory_limit "
            f"{duckdb_limit_mb(n_edges)} MB)",
            "",
            "| tool | time (s) | repeats | × numpy | × ours | memory (GiB) | × raw "
            "| agrees with numpy |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for tool in TOOLS:
            if tool not in by_tool:
                why = SKIPPED_WHY.get((size, tool))
                if why:
                    lines.append(f"| {tool} | — | | | | | | skipped: {why} |")
                continue
            report = by_tool[tool]
            if "error" in report:
                lines.append(f"| {tool} | failed | | | | | | {report['error']} |")
                continue
            t = median[tool]
            used = report["peak"] - report["rss_imports"]
            vs_numpy = f"{t / median['numpy']:.2f}" if "numpy" in median else ""
            vs_ours = f"{t / median['ours']:.2f}×" if "ours" in median and tool != "ours" else ""
            if tool.startswith("ours: ") and tool != "ours: four measures":
                vs_ours = "(part of ours)"
            verdict = agree(report["result"], reference) if reference is not None else "n/a"
            lines.append(
                f"| {tool} | {_fmt_s(t)} | {len(report['times'])} | {vs_numpy} | {vs_ours} "
                f"| {_gib(used)} | {used / raw:.1f} | {verdict} |"
            )
        lines.append("")
        goals += _shared_sort_goal(size, by_tool, median, raw)
        if "ours" in median:
            ours = median["ours"]
            used = by_tool["ours"]["peak"] - by_tool["ours"]["rss_imports"]
            if size == "10M":
                if "numpy" in median:
                    ratio = ours / median["numpy"]
                    goals.append(
                        f"| 10M: ours (account_metrics + reciprocity) within 1.5× hand-tuned "
                        f"numpy | {ratio:.2f}× | {'met' if ratio <= 1.5 else 'MISSED'} |"
                    )
                    if "ours: account_metrics" in median:
                        ratio = median["ours: account_metrics"] / median["numpy"]
                        goals.append(
                            f"| 10M: per-account metrics alone (account_metrics) within 1.5× "
                            f"numpy (which also computes reciprocity) | {ratio:.2f}× "
                            f"| {'met' if ratio <= 1.5 else 'MISSED'} |"
                        )
                if "igraph" in median:
                    ratio = median["igraph"] / ours
                    goals.append(
                        f"| 10M: ours no slower than igraph (build included) | igraph takes "
                        f"{ratio:.1f}× ours | {'met' if ratio >= 1 else 'MISSED'} |"
                    )
                nx_1m = runs.get("1M", {}).get("networkx", {})
                if "times" in nx_1m:
                    scaled = statistics.median(nx_1m["times"]) * n_edges / meta["edges"]["1M"]
                    ratio = scaled / ours
                    goals.append(
                        f"| 10M: ours ≥ 100× faster than networkx | networkx {scaled:.0f} s "
                        f"(**scaled** ×{n_edges / meta['edges']['1M']:.1f} from its measured "
                        f"1M time) = {ratio:.0f}× ours | {'met' if ratio >= 100 else 'MISSED'} |"
                    )
                    if "ours: account_metrics" in median:
                        ratio = scaled / median["ours: account_metrics"]
                        goals.append(
                            f"| 10M: per-account metrics alone (account_metrics) ≥ 100× faster "
                            f"than networkx (**scaled**, as above) | {ratio:.0f}× "
                            f"| {'met' if ratio >= 100 else 'MISSED'} |"
                        )
                goals.append(
                    f"| 10M: ours' peak memory within 3× the raw edge arrays | {used / raw:.2f}× "
                    f"(input included) | {'met' if used <= 3 * raw else 'MISSED'} |"
                )
                alone = by_tool.get("ours: account_metrics", {})
                if "peak" in alone:
                    used_alone = alone["peak"] - alone["rss_imports"]
                    goals.append(
                        f"| 10M: account_metrics alone, peak memory within 3× raw "
                        f"| {used_alone / raw:.2f}× (input included) "
                        f"| {'met' if used_alone <= 3 * raw else 'MISSED'} |"
                    )
            if size == "1M" and "networkx" in median:
                ratio = median["networkx"] / ours
                goals.append(
                    f"| context, 1M measured: ours vs networkx | networkx takes {ratio:.0f}× "
                    "ours | (the goal is at 10M) |"
                )
            if size == "100M":
                goals.append(
                    f"| 100M completes on this machine | {_fmt_s(ours)} s, "
                    f"{_gib(used)} GiB ({used / raw:.2f}× raw) | met |"
                )
        elif size == "100M":
            goals.append(
                f"| 100M completes on this machine | {by_tool.get('ours', {}).get('error')} "
                "| MISSED |"
            )
    lines += _where_it_goes(runs, meta)
    string_lines, string_goals = _strings_section(runs, meta)
    lines += string_lines
    goals += string_goals
    lines += _posts_section(runs, meta)
    lines[header_end:header_end] = [
        "## Goals of the issue",
        "",
        "| goal | measured | verdict |",
        "|---|---|---|",
        *goals,
        "",
    ]
    profiles = meta.get("profiles") or ({"ours": meta["profile"]} if meta.get("profile") else {})
    if profiles:
        lines += ["## Where our time goes (10M, one run each, cProfile top entries)", ""]
        for tool, text in profiles.items():
            lines += [f"`{tool}`: {PROFILED[tool][0]}", "", "```", text.rstrip(), "```", ""]
    lines += [
        "## Notes",
        "",
        "- `ours` is what a user ran for this task before `FollowGraph`: `em.account_metrics(df)` "
        "(followers, following, mutuals and the five rates of every account) then "
        "`em.reciprocity(df)`, two calls on a plain frame that each encode and sort the edges; "
        "`ours: account_metrics`, `ours: reciprocity` and `ours: follow_counts` time each call "
        "alone (in their own processes). `× ours` divides a tool's time by `ours`.",
        "- `ours: four measures` is `g = em.FollowGraph(df)`, then `em.account_metrics(g)`, "
        "`em.reciprocity(g)`, `em.reciprocity_rho(g)` and `em.dyad_census(g)`, timed together "
        "with the build: one encoding and one sort for the four. Its rho and dyad census are "
        "checked against values the numpy baseline derives from its own n accounts, L arcs and "
        "M mutual pairs (census exact, rho to 1e-12).",
        "- `numpy` is the hand-tuned baseline: it assumes what the generator guarantees (no "
        "duplicate edges, no self-follows, dense ids) and computes nothing else. Ours makes no "
        "such assumption (it collapses duplicates, drops self-follows, keeps any int64 ids) and "
        "returns the full `account_metrics` frame (with the five rates) plus `reciprocity` as two "
        "separate calls.",
        "- `duckdb` runs `em.account_metrics` (our narwhals path) on a relation over Parquet with "
        "`memory_limit` at a quarter of the raw edge arrays and spills to a temporary directory; "
        "its memory column shows what the process held. `duckdb-sql` is the same computation "
        "written by hand in SQL, for the cost of the dataframe-agnostic layer.",
        "- networkx and igraph build their graph inside the timed call (a user must).",
        "",
    ]
    lines += _companion_results()
    text = "\n".join(lines)
    out.write_text(text)
    return text


# The figures of the other benchmark scripts, each measured beside plain pandas in its own
# run (relationships.py, change.py), copied in so that RESULTS.md holds every figure.
COMPANIONS = {
    "relationships.md": "Relationships and two-way conversations (`benchmarks/relationships.py`)",
    "CHANGE.md": "Change over time (`benchmarks/change.py`)",
}


def _companion_results() -> list[str]:
    lines: list[str] = []
    for name, title in COMPANIONS.items():
        path = HERE / name
        if not path.exists():
            continue
        body = path.read_text().splitlines()
        if body and body[0].startswith("# "):
            body = body[1:]  # the companion's own title: replaced by ours
        lines += [
            f"## {title}",
            "",
            f"Copied from [{name}]({name}) when this file was written; that script's own run, "
            "with its own date, commit and load, which it states below.",
            "",
            *(("#" + row) if row.startswith("## ") else row for row in body),
            "",
        ]
    return lines


def _used(report: dict[str, Any]) -> int:
    """Peak memory of a run above the interpreter with its libraries (input included)."""
    return int(report["peak"] - report["rss_imports"])


def _shared_sort_goal(
    size: str, by_tool: dict[str, Any], median: dict[str, float], raw: int
) -> list[str]:
    """The goal of the four graph measures sharing one sort (stated at 10M; context else)."""
    four = "ours: four measures"
    if four not in by_tool:
        return []
    if "error" in by_tool[four]:
        return [
            f"| {size}: four measures on one FollowGraph | {by_tool[four]['error']} | "
            f"{'MISSED' if size == '10M' else 'failed'} |"
        ]
    if "numpy" not in median:
        return []
    ratio = median[four] / median["numpy"]
    memory = _used(by_tool[four]) / raw
    before = ""
    if "ours" in median:
        before = (
            f"; before, two calls on a plain frame (`ours`): {median['ours'] / median['numpy']:.2f}"
            f"× numpy, {_used(by_tool['ours']) / raw:.2f}× raw"
        )
    measured = (
        f"{_fmt_s(median[four])} s = {ratio:.2f}× numpy ({_fmt_s(median['numpy'])} s); peak "
        f"{_gib(_used(by_tool[four]))} GiB = {memory:.2f}× raw (input included){before}"
    )
    if size != "10M":
        return [
            f"| context, {size}: four measures on one FollowGraph | {measured} | "
            "(the goal is at 10M) |"
        ]
    misses = [what for what, ok in (("time", ratio <= 1.5), ("memory", memory <= 3)) if not ok]
    verdict = "met" if not misses else "MISSED (" + " and ".join(misses) + ")"
    return [
        "| 10M: account_metrics, reciprocity, reciprocity_rho and dyad_census share one sort "
        "(`em.FollowGraph`, build included): within 1.5× the hand-tuned numpy, peak memory ≤ "
        f"3× the raw edge arrays | {measured} | {verdict} |"
    ]


def _strings_section(
    runs: dict[str, dict[str, Any]], meta: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """The string-id tables (ours against pyarrow dictionary + our int path) and their goals."""
    lines: list[str] = []
    goals: list[str] = []
    for size, by_tool in runs.items():
        if not any(t in by_tool or (size, t) in SKIPPED_WHY for t in STRING_TOOLS):
            continue
        n_edges = meta["edges"][size]
        raw = 16 * n_edges
        median = {t: statistics.median(r["times"]) for t, r in by_tool.items() if "times" in r}
        reference = by_tool.get("numpy", {}).get("result")
        int_path = median.get("ours: account_metrics")
        lines += [
            f"## String ids, {size} ({n_edges:,} edges)",
            "",
            "`em.account_metrics(df)` on the same graph with text ids in `string[pyarrow]` "
            "columns, against pyarrow dictionary-encoding both columns with one dictionary "
            "then `em.account_metrics` on the int64 codes (the goal's baseline). The text frame "
            "is built before the clock. *input* is what the text columns hold (offsets and "
            "characters of their arrow arrays); "
            "*× raw* still divides the peak (input included) by the two int64 edge arrays "
            "(16 B/edge), as in the tables above, so it is comparable with them. *× int ids* "
            "divides by `ours: account_metrics` on the int64 frame"
            + (f" ({_fmt_s(int_path)} s)" if int_path else " (not run)")
            + ".",
            "",
            "| tool | time (s) | repeats | × baseline | × int ids | input (B/edge) | "
            "memory (GiB) | × raw | agrees with numpy |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for kind in STRING_KINDS:
            base_t = median.get(STRING_BASE[kind])
            for tool in (STRING_OURS[kind], STRING_BASE[kind]):
                if tool not in by_tool:
                    why = SKIPPED_WHY.get((size, tool))
                    if why:
                        lines.append(f"| {tool} | — | | | | | | | skipped: {why} |")
                    continue
                report = by_tool[tool]
                if "error" in report:
                    lines.append(f"| {tool} | failed | | | | | | | {report['error']} |")
                    continue
                t = median[tool]
                used = _used(report)
                text = report.get("input_bytes") or report["rss_input"] - report["rss_imports"]
                verdict = (
                    agree_text(report["result"], reference, kind)
                    if reference is not None
                    else "n/a (numpy not run)"
                )
                lines.append(
                    f"| {tool} | {_fmt_s(t)} | {len(report['times'])} "
                    f"| {f'{t / base_t:.2f}' if base_t else ''} "
                    f"| {f'{t / int_path:.1f}' if int_path else ''} | {text / n_edges:.1f} "
                    f"| {_gib(used)} | {used / raw:.2f} | {verdict} |"
                )
            ours_t = median.get(STRING_OURS[kind])
            if ours_t is None or base_t is None:
                if size == "10M" and STRING_OURS[kind] in by_tool:
                    goals.append(
                        f"| 10M: string ids ({kind}) within 1.5× pyarrow dictionary + int path "
                        "| not measured (a tool failed or was not run) | MISSED |"
                    )
                continue
            ratio = ours_t / base_t
            measured = (
                f"ours {_fmt_s(ours_t)} s ÷ baseline {_fmt_s(base_t)} s = {ratio:.2f}×"
                + (f"; {ours_t / int_path:.1f}× ours on int64 ids" if int_path else "")
                + f"; peak {_used(by_tool[STRING_OURS[kind]]) / raw:.2f}× raw, baseline "
                f"{_used(by_tool[STRING_BASE[kind]]) / raw:.2f}× (inputs included)"
            )
            label = "decimal strings of the int ids" if kind == "decimal" else '"did:plc:" + id'
            if size == "10M":
                goals.append(
                    f"| 10M: string ids, {kind} ({label}): `em.account_metrics` within 1.5× of "
                    f"pyarrow dictionary-encoding + our int path, same run | {measured} "
                    f"| {'met' if ratio <= 1.5 else 'MISSED'} |"
                )
            else:
                goals.append(
                    f"| context, {size}: string ids, {kind} | {measured} | (the goal is at 10M) |"
                )
        lines.append("")
    return lines, goals


def _where_it_goes(runs: dict[str, dict[str, Any]], meta: dict[str, Any]) -> list[str]:
    """Split our time and memory between the follow kernel and the rest, size by size."""
    lines = ["## Where our time and memory go", ""]
    for size, by_tool in runs.items():
        parts = {
            t: r
            for t, r in by_tool.items()
            if t in ("numpy", "ours: follow_counts", "ours: account_metrics", "ours: reciprocity")
            and "times" in r
        }
        if len(parts) < 4:
            continue
        raw = 16 * meta["edges"][size]
        t = {k: statistics.median(r["times"]) for k, r in parts.items()}
        m = {k: (r["peak"] - r["rss_imports"]) for k, r in parts.items()}
        lines.append(
            f"- {size}: `follow_counts` (the sort-based kernel: followers, following, mutuals) "
            f"takes {_fmt_s(t['ours: follow_counts'])} s = "
            f"{t['ours: follow_counts'] / t['numpy']:.2f}× numpy and "
            f"{m['ours: follow_counts'] / raw:.1f}× the raw arrays (input included); "
            f"`account_metrics` adds {_fmt_s(t['ours: account_metrics'] - t['ours: follow_counts'])}"
            f" s and {_gib(m['ours: account_metrics'] - m['ours: follow_counts'])} GiB on top of "
            f"it (the five rates and the frame; differences within the noise of the repeats can "
            f"be negative); `reciprocity` sorts the edges again ({_fmt_s(t['ours: reciprocity'])}"
            f" s, {m['ours: reciprocity'] / raw:.1f}× raw)."
        )
    ten = runs.get("10M", {})
    needed = ("numpy", "ours", "ours: account_metrics", "ours: reciprocity")
    if len(lines) > 2 and all("times" in ten.get(k, {}) for k in needed):
        t = {k: statistics.median(ten[k]["times"]) for k in needed}
        m = {
            k: (ten[k]["peak"] - ten[k]["rss_imports"]) / (16 * meta["edges"]["10M"])
            for k in needed
        }
        lines += [
            "",
            f"At 10M, `account_metrics` alone takes {t['ours: account_metrics'] / t['numpy']:.2f}× "
            f"and `reciprocity` alone {t['ours: reciprocity'] / t['numpy']:.2f}× the baseline's "
            f"time; the two calls together {t['ours'] / t['numpy']:.2f}×, because each sorts the "
            "edges and the baseline sorts once for both. Peak memory with the input included: "
            f"{m['ours: account_metrics']:.2f}× raw for `account_metrics`, "
            f"{m['ours']:.2f}× for the two calls in one process, {m['numpy']:.2f}× for the "
            "baseline.",
        ]
        four = ten.get("ours: four measures", {})
        if "times" in four:
            t_four = statistics.median(four["times"])
            lines[-1] += (
                f" With one `FollowGraph` (one encoding, one sort) the four measures take "
                f"{_fmt_s(t_four)} s = {t_four / t['numpy']:.2f}× the baseline and "
                f"{_used(four) / (16 * meta['edges']['10M']):.2f}× raw: reciprocity, rho and the "
                f"dyad census add {_fmt_s(t_four - t['ours: account_metrics'])} s to "
                "`account_metrics` alone (a difference of medians from separate processes)."
            )
    return lines + [""] if len(lines) > 2 else []


def _posts_section(runs: dict[str, dict[str, Any]], meta: dict[str, Any]) -> list[str]:
    """The account_metrics-with-posts table: our pandas path against our narwhals engines."""
    lines: list[str] = []
    for size, by_tool in runs.items():
        done = {t: r for t, r in by_tool.items() if t in POST_TOOLS}
        if not done:
            continue
        reference = done.get("posts: ours", {}).get("result")
        n_edges = meta["edges"][size]
        lines += [
            f"## account_metrics with a post log, {size} ({n_edges:,} edges and "
            f"{generate.SIZES[size]:,} "
            f"posts, window {WINDOW['start']} to {WINDOW['end']})",
            "",
            "All 20 columns of `em.account_metrics(follows, posts, start=..., end=...)` on int64 "
            "ids: our pandas path against the same call on DuckDB (Parquet, same memory limit) "
            "and Polars frames.",
            "",
            "| engine | time (s) | repeats | × pandas | memory (GiB) | agrees with pandas |",
            "|---|---|---|---|---|---|",
        ]
        base = done.get("posts: ours")
        base_t = statistics.median(base["times"]) if base and "times" in base else None
        for tool in POST_TOOLS:
            report = done.get(tool)
            if report is None:
                continue
            label = tool.split(": ")[1].replace("ours", "pandas (ours)")
            if "error" in report:
                lines.append(f"| {label} | failed | | | | {report['error']} |")
                continue
            t = statistics.median(report["times"])
            used = report["peak"] - report["rss_imports"]
            ratio = f"{t / base_t:.2f}" if base_t else ""
            verdict = agree_all(report["result"], reference) if reference is not None else "n/a"
            lines.append(
                f"| {label} | {_fmt_s(t)} | {len(report['times'])} | {ratio} | {_gib(used)} "
                f"| {verdict} |"
            )
        lines.append("")
    return lines


# What the profile of a tool runs: (what it is, its code on `df`, the input frame).
PROFILED = {
    "ours": (
        "`em.account_metrics(df)` then `em.reciprocity(df)` on a plain frame",
        "em.account_metrics(df); em.reciprocity(df)",
        "int",
    ),
    "ours: four measures": (
        "`g = em.FollowGraph(df)` then the four measures on `g`",
        "g = em.FollowGraph(df); em.account_metrics(g); em.reciprocity(g); "
        "em.reciprocity_rho(g); em.dyad_census(g)",
        "int",
    ),
    **{
        tool: (
            f"`em.account_metrics(df)` on `string[pyarrow]` {kind} ids",
            "em.account_metrics(df)",
            kind,
        )
        for kind, tool in STRING_OURS.items()
    },
}


def _profile(tool: str, size: str, seed: int) -> str:
    """cProfile of one run of ``tool`` (see PROFILED), in a subprocess."""
    _, statement, frame = PROFILED[tool]
    load = (
        "df = pd.DataFrame({'source': np.load(p['source']), 'target': np.load(p['target'])},"
        " copy=False);"
        if frame == "int"
        else f"df = run._string_frame({size!r}, {seed}, {frame!r});"
    )
    code = (
        "import cProfile, pstats, io, numpy as np, pandas as pd, sys;"
        f"sys.path.insert(0, {str(HERE)!r}); import generate, run, engagemetrics as em;"
        f"run._preimport({tool!r});"
        f"p = generate.paths({size!r}, {seed});"
        f"{load}"
        f"pr = cProfile.Profile(); pr.enable(); {statement};"
        "pr.disable(); s = io.StringIO();"
        "pstats.Stats(pr, stream=s).sort_stats('tottime').print_stats(12);"
        "print(s.getvalue())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S
    )
    text = done.stdout if done.returncode == 0 else done.stderr[-2000:]
    keep = [line for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(keep) if "ncalls" in line), 0)
    head = [line for line in keep[:start] if "function calls" in line]
    return "\n".join(head + keep[start:])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1M", "10M", "100M"])
    parser.add_argument("--tools", nargs="+", default=[*TOOLS, *POST_TOOLS, *STRING_TOOLS])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of repeats per tool")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--render", action="store_true", help="rewrite RESULTS.md from the last run's saved data"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.render:
        runs, meta = _load_runs()
        write_results(runs, meta, args.out)
        return
    if args.worker:
        _preimport(args.worker)
        worker(args.worker, args.size, args.seed, args.repeats, args.budget, args.result)
        return

    argv_shown = sys.argv[1:] if argv is None else argv
    meta: dict[str, Any] = {
        "command": " ".join(["python benchmarks/run.py", shlex.join(argv_shown)]).strip(),
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "machine": _machine(),
        "load_start": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "source_start": _source_state(),
        "versions": _versions(),
        "edges": {},
        "accounts": {},
    }
    runs: dict[str, dict[str, Any]] = {}
    for size in args.sizes:
        files = generate.ensure(size, args.seed)
        n_edges, n_accounts = (int(v) for v in np.load(files["meta"]))
        meta["edges"][size], meta["accounts"][size] = n_edges, n_accounts
        runs[size] = {}
        for tool in PLAN[size]:
            if tool not in args.tools:
                continue
            fast = tool.startswith("ours") or tool == "numpy"
            repeats = args.repeats if size != "100M" or fast else 1
            print(f"[{size}] {tool} ...", file=sys.stderr, flush=True)
            report = run_tool(tool, size, args.seed, repeats, args.budget)
            runs[size][tool] = report
            shown = report.get("error") or (
                f"{statistics.median(report['times']):.2f} s, "
                f"{(report['peak'] - report['rss_imports']) / 2**30:.2f} GiB"
            )
            print(f"[{size}] {tool}: {shown}", file=sys.stderr, flush=True)
    if not args.no_profile and "10M" in args.sizes:
        meta["profiles"] = {
            tool: _profile(tool, "10M", args.seed) for tool in PROFILED if tool in args.tools
        }
    meta["finished"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    meta["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    meta["source_end"] = _source_state()
    _save_runs(runs, meta)
    write_results(runs, meta, args.out)
    print(f"wrote {args.out}", file=sys.stderr)


LAST_RUN = generate.DATA / "last_run"


def _save_runs(runs: dict[str, dict[str, Any]], meta: dict[str, Any]) -> None:
    """Keep the measurements (results as .npz) so RESULTS.md can be re-rendered: --render."""
    LAST_RUN.mkdir(parents=True, exist_ok=True)
    plain: dict[str, Any] = {"meta": meta, "runs": {}}
    for size, by_tool in runs.items():
        plain["runs"][size] = {}
        for tool, report in by_tool.items():
            plain["runs"][size][tool] = {k: v for k, v in report.items() if k != "result"}
            if "result" in report:
                name = f"{size}_{tool.replace(': ', '-').replace(' ', '_')}.npz"
                np.savez(LAST_RUN / name, **report["result"])
                plain["runs"][size][tool]["result_file"] = name
    (LAST_RUN / "runs.json").write_text(json.dumps(plain, indent=1))


def _load_runs() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    plain = json.loads((LAST_RUN / "runs.json").read_text())
    runs = plain["runs"]
    for by_tool in runs.values():
        for report in by_tool.values():
            if "result_file" in report:
                with np.load(LAST_RUN / report["result_file"]) as saved:
                    report["result"] = {name: saved[name] for name in saved.files}
    return runs, plain["meta"]


if __name__ == "__main__":
    main()
