"""Relationships and two-way conversations at scale: the SNAP Higgs log and generated logs.

Measures, each tool in its own process (input loaded before the clock):

* ``em.relationships`` for every pair of accounts and ``em.two_way_metrics`` for every account,
  on the SNAP Higgs activity log (563,069 lines) and on generated logs of 10M and 100M
  interactions with follow graphs of 1M and 10M edges;
* beside them, a plain pandas peer: ``groupby`` of the per-pair counts (one row per unordered
  pair, a column per kind and direction), the part of the relationship table that a group-by
  can give; its counts are checked against ours (a fingerprint of every count column);
* where the pair table of every pair does not fit in memory, the two-way table of every account
  and the relationship table of one account's neighbourhood (the busiest account's).

Writes ``benchmarks/relationships.md`` with the command, the machine, its load at the start and
the end, the versions and the commit. Usage::

    python benchmarks/relationships.py                      # Higgs, 10M, 100M (about 20 min)
    python benchmarks/relationships.py --sizes higgs 10M    # a few minutes

The generated log (deterministic from the seed, cached in ``benchmarks/_data``): the follow graph
of ``generate.py`` with m = interactions / 10 edges; 80% of the interactions run along a follow
arc drawn with a lognormal weight per arc (a few ties carry most of the traffic); 15% of those
that are replies get a reply back along the reverse arc after an exponential delay (mean 6 h);
the rest go between accounts drawn by activity and popularity, mostly pairs without a follow.
Kinds: reply 35%, mention 20%, repost 30%, quote 5%, like 10%; times uniform over 2025 in whole
seconds (as X and SNAP record them), the log in time order as it would be written. Ids are
int64, dense as in SNAP.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "relationships.md"
HIGGS = ROOT.parent / "shared" / "samples" / "snap-higgs-twitter" / "higgs-activity_time.txt.gz"
SIZES = {"10M": 10_000_000, "100M": 100_000_000}
FOLLOWS_OF = {"10M": "1M", "100M": "10M"}
KIND_SHARES = (0.35, 0.20, 0.30, 0.05, 0.10)  # reply, mention, repost, quote, like
ALONG_FOLLOWS = 0.80
REPLIED_BACK = 0.15
TIMEOUT_S = 3600
GIB = 1024**3
# Each worker's address space is capped (RLIMIT_AS), so that a table that does not fit fails
# with a MemoryError in that worker instead of waking the kernel's OOM killer on a shared
# machine. The cap is on virtual memory, somewhat above the resident peak it allows.
MEMORY_CAP = 21 * GIB


# =========================================================================== data
def _draw(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` indices drawn with probability ``weights``, shuffled (one multinomial)."""
    counts = rng.multinomial(total, weights / weights.sum())
    drawn = np.repeat(np.arange(weights.shape[0], dtype=np.int64), counts)
    rng.shuffle(drawn)
    return drawn


def log_paths(size: str, seed: int) -> dict[str, Path]:
    stem = f"rel_{size}_s{seed}"
    return {name: generate.DATA / f"{stem}_{name}.npy"
            for name in ("actor", "target", "kind", "created_at")}


def make_log(size: str, seed: int = 0) -> dict[str, Path]:
    """Generate (once) and cache the interaction log of ``size``."""
    files = log_paths(size, seed)
    if all(p.exists() for p in files.values()):
        return files
    began = time.perf_counter()
    graph = generate.ensure(FOLLOWS_OF[size], seed, log=False)
    source, target = np.load(graph["source"]), np.load(graph["target"])
    n_accounts = int(np.load(graph["meta"])[1])
    n = SIZES[size]
    rng = np.random.default_rng(seed + 11)
    n_along = int(n * ALONG_FOLLOWS)
    weight = rng.lognormal(0.0, 1.5, size=source.shape[0])
    arcs = _draw(rng, n_along, weight)
    actor, tgt = source[arcs], target[arcs]
    del arcs, weight, source, target
    kind = rng.choice(5, size=n_along, p=KIND_SHARES).astype(np.int8)
    start = generate.START_NS
    year_s = generate.YEAR_NS // 10**9
    when = start + rng.integers(0, year_s, n_along) * 10**9  # whole seconds, as X and SNAP
    replies = np.flatnonzero(kind == 0)
    back = replies[rng.random(replies.shape[0]) < REPLIED_BACK]
    delay = (rng.exponential(6 * 3600, back.shape[0]).astype(np.int64) + 1) * 10**9
    n_back = back.shape[0]
    n_random = n - n_along - n_back
    # the same activity and popularity weights as generate.py's graph
    r_actor = _draw(rng, n_random, rng.lognormal(0.0, 1.3, n_accounts))
    r_target = _draw(rng, n_random, (1.0 - rng.random(n_accounts)) ** (-1.0 / 1.3))
    loop = r_actor == r_target
    r_target[loop] = (r_target[loop] + 1) % n_accounts
    columns = {
        "actor": np.concatenate([actor, tgt[back], r_actor]),
        "target": np.concatenate([tgt, actor[back], r_target]),
        "kind": np.concatenate([kind, np.zeros(n_back, np.int8),
                                rng.choice(5, size=n_random, p=KIND_SHARES).astype(np.int8)]),
        "created_at": np.concatenate([when, when[back] + delay,
                                      start + rng.integers(0, year_s, n_random) * 10**9]),
    }
    del actor, tgt, kind, when, r_actor, r_target
    order = np.argsort(columns["created_at"], kind="stable")  # a log in time order
    for name, values in columns.items():
        np.save(files[name], values[order])
    print(f"generated the {size} log in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return files


def _frames(size: str, seed: int) -> tuple[Any, Any]:
    """The follow table and the interaction log as pandas frames (int64 ids)."""
    import pandas as pd

    from engagemetrics.schema import INTERACTION_KIND_DTYPE

    graph = generate.paths(FOLLOWS_OF[size], seed)
    follows = pd.DataFrame({"source": np.load(graph["source"]),
                            "target": np.load(graph["target"])})
    files = log_paths(size, seed)
    log = pd.DataFrame({
        "actor": np.load(files["actor"]),
        "target": np.load(files["target"]),
        "kind": pd.Categorical.from_codes(np.load(files["kind"]), dtype=INTERACTION_KIND_DTYPE),
        "created_at": pd.to_datetime(np.load(files["created_at"]), utc=True),
    })
    return follows, log


def _higgs() -> Any:
    import engagemetrics as em

    return em.read_activity_table(HIGGS)


# =========================================================================== the tools
def _fingerprint(low: np.ndarray, high: np.ndarray, counts: dict[str, np.ndarray]
                 ) -> dict[str, str]:
    """An order-free digest of per-pair count columns: sum of count * hash(pair), mod 2**64."""
    with np.errstate(over="ignore"):
        h = (low.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ (
            high.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F))
        h ^= h >> np.uint64(29)
        out = {name: str(int((values.astype(np.uint64) * h).sum(dtype=np.uint64)))
               for name, values in counts.items()}
    out["rows"] = str(int(low.shape[0]))
    return out


COUNT_COLUMNS = [f"{k}_{side}" for k in ("replies", "mentions", "reposts", "quotes", "likes")
                 for side in ("to", "from")]


def _ours_pairs(follows: Any, log: Any) -> tuple[dict[str, Any], dict[str, str]]:
    import engagemetrics as em

    rel = em.relationships(follows, interactions=log)
    # the pairs with an interaction: the peer's rows (follow-only pairs are all zeros)
    touched = (rel["exchanges"] + rel["likes_to"] + rel["likes_from"]).to_numpy() > 0
    index = rel.index
    low = index.get_level_values(0).to_numpy()[touched]
    high = index.get_level_values(1).to_numpy()[touched]
    counts = {c: rel[c].to_numpy(dtype=np.int64)[touched] for c in COUNT_COLUMNS}
    info = {"rows": len(rel), "mutual": int((rel["follow_state"] == "mutual").sum()),
            "reply_back_rate_mean": float(rel["reply_back_rate"].mean())}
    return info, _fingerprint(low, high, counts)


def _pandas_pairs(log: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The per-pair counts with pandas alone: one row per unordered pair, a column per kind and
    direction ("to" from the lower id)."""
    import pandas as pd

    actor, target = log["actor"], log["target"]
    frame = pd.DataFrame({
        "low": np.minimum(actor, target), "high": np.maximum(actor, target),
        "side": np.where(actor > target, "from", "to"), "kind": log["kind"],
    })[(actor != target).to_numpy()]
    table = frame.groupby(["low", "high", "kind", "side"], observed=True).size().unstack(
        ["kind", "side"], fill_value=0)
    names = {"reply": "replies", "mention": "mentions", "repost": "reposts", "quote": "quotes",
             "like": "likes"}
    counts = {}
    for column in COUNT_COLUMNS:
        name, side = column.rsplit("_", 1)
        kind = next(k for k, v in names.items() if v == name)
        counts[column] = (table[(kind, side)].to_numpy(dtype=np.int64) if (kind, side) in
                          table.columns else np.zeros(len(table), dtype=np.int64))
    low = table.index.get_level_values(0).to_numpy()
    high = table.index.get_level_values(1).to_numpy()
    return {"rows": len(table)}, _fingerprint(low, high, counts)


def _ours_two_way(log: Any) -> tuple[dict[str, Any], dict[str, str]]:
    import engagemetrics as em

    t = em.two_way_metrics(interactions=log)
    return {"rows": len(t), "replies": int(t["replies"].sum()),
            "replied_back": int(t["replied_back"].sum()),
            "answered": int(t["answered"].sum())}, {}


def _ours_neighbourhood(follows: Any, log: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """One account's relationship table from the full log: the busiest replier's."""
    import engagemetrics as em

    replies = log["actor"][(log["kind"] == "reply").to_numpy()]
    ego = int(replies.value_counts().index[0])
    rel = em.relationships(follows, interactions=log, ego=ego)
    return {"rows": len(rel), "ego": ego}, {}


TOOLS = {
    "ours: relationships (every pair)": "pairs",
    "pandas: groupby per-pair counts": "pandas",
    "ours: two_way_metrics (every account)": "two_way",
    "ours: relationships (one account)": "ego",
}


def work(tool: str, follows: Any, log: Any) -> tuple[dict[str, Any], dict[str, str]]:
    kind = TOOLS[tool]
    if kind == "pairs":
        return _ours_pairs(follows, log)
    if kind == "pandas":
        return _pandas_pairs(log)
    if kind == "two_way":
        return _ours_two_way(log)
    return _ours_neighbourhood(follows, log)


# =========================================================================== measuring
def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def worker(tool: str, size: str, seed: int, repeats: int) -> None:
    import pandas  # noqa: F401

    import engagemetrics as em

    em.relationships, em.two_way_metrics  # noqa: B018  (import the modules before the baseline)
    rss_imports = _status("VmRSS")
    if size == "higgs":
        follows, log = None, _higgs()
    else:
        follows, log = _frames(size, seed)
    input_bytes = int(log.memory_usage(deep=True).sum()) + (
        0 if follows is None else int(follows.memory_usage(deep=True).sum()))
    rss_input = _status("VmRSS")
    peak_ok = _reset_peak()
    times, info, digest = [], {}, {}
    for _ in range(repeats):
        info, digest = {}, {}
        gc.collect()
        began = time.perf_counter()
        info, digest = work(tool, follows, log)
        times.append(time.perf_counter() - began)
    print(json.dumps({"times": times, "rss_imports": rss_imports, "rss_input": rss_input,
                      "peak": _status("VmHWM"), "peak_reset": peak_ok,
                      "input_bytes": input_bytes, "info": info, "digest": digest,
                      "n_interactions": len(log),
                      "n_follows": 0 if follows is None else len(follows)}))


def run_tool(tool: str, size: str, seed: int, repeats: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", tool, "--size", size, "--seed", str(seed),
               "--repeats", str(repeats)]
    began = time.perf_counter()
    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                              check=False, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        return {"tool": tool, "size": size, "error": f"timed out after {TIMEOUT_S} s"}
    if done.returncode != 0:
        lines = (done.stderr or "").strip().splitlines()
        why = (lines or ["no output"])[-1].strip().replace("|", "/")
        if done.returncode in (-9, 137):
            why = "killed (out of memory)"
        elif "MemoryError" in (done.stderr or "") or "Unable to allocate" in (done.stderr or ""):
            why = f"out of memory: MemoryError under the {MEMORY_CAP / GIB:.0f} GiB cap"
        return {"tool": tool, "size": size, "error": f"exit {done.returncode}: {why[:300]}"}
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report.update(tool=tool, size=size, wall=time.perf_counter() - began)
    return report


# =========================================================================== the page
def _load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=False).stdout.strip()

    dirty = git("status", "--porcelain", "--", "src")
    return git("rev-parse", "--short", "HEAD") + (" (src/ modified)" if dirty else "")


def _machine() -> str:
    with open("/proc/meminfo") as info:
        total = int(info.readline().split()[1]) * 1024
    return (f"{platform.machine()}, {os.cpu_count()} cores, {total / GIB:.1f} GiB RAM, "
            f"Linux {platform.release()}, Python {platform.python_version()}")


def _versions() -> str:
    import numpy
    import pandas

    import engagemetrics

    return (f"engagemetrics {engagemetrics.__version__}, numpy {numpy.__version__}, "
            f"pandas {pandas.__version__}")


def _gib(n: float) -> str:
    return f"{n / GIB:.2f} GiB"


def write(runs: list[dict[str, Any]], meta: dict[str, Any], out: Path) -> None:
    lines = [
        "# Relationships and two-way conversations: time and memory",
        "",
        f"Written by `{meta['command']}` on {meta['date']}.",
        "",
        f"- machine: {meta['machine']}",
        f"- load average (1 / 5 / 15 min): {meta['load_start']} at the start, "
        f"{meta['load_end']} at the end (the machine is shared: other work ran beside these "
        "measurements, so times are upper bounds)",
        f"- versions: {meta['versions']}; commit measured: {meta['commit']}",
        "- each tool in its own process; the input (pandas frames with int64 ids) is loaded "
        "before the clock; time is the median of the repeats; *peak* is the process's peak "
        "RSS during the calls (input included), *work* the peak minus the RSS with the input "
        "loaded.",
        "",
    ]
    by_size: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        by_size.setdefault(run["size"], []).append(run)
    for size, group in by_size.items():
        first = next((r for r in group if "error" not in r), None)
        title = "SNAP Higgs activity log" if size == "higgs" else f"Generated log, {size}"
        lines += [f"## {title}", ""]
        if first is not None:
            lines += [
                f"{first['n_interactions']:,} interactions, {first['n_follows']:,} follow "
                f"edges; input {_gib(first['input_bytes'])} as pandas frames.",
                "",
            ]
        lines += ["| tool | time (s) | × pandas | peak | work | rows | repeats |",
                  "|---|---|---|---|---|---|---|"]
        peer = next((r for r in group if r["tool"].startswith("pandas") and "error" not in r),
                    None)
        peer_time = float(np.median(peer["times"])) if peer else None
        for run in group:
            if "error" in run:
                lines.append(f"| {run['tool']} | {run['error']} | | | | | |")
                continue
            t = float(np.median(run["times"]))
            ratio = f"{t / peer_time:.2f}" if peer_time else ""
            lines.append(
                f"| {run['tool']} | {t:.2f} | {ratio} | {_gib(run['peak'])} | "
                f"{_gib(run['peak'] - run['rss_input'])} | {run['info'].get('rows', ''):,} | "
                f"{len(run['times'])} |"
            )
        ours = next((r for r in group if r["tool"].startswith("ours: relationships (every")
                     and "error" not in r), None)
        if ours and peer:
            same = ours["digest"] == peer["digest"]
            lines += ["", f"Per-pair counts, ours against pandas: "
                          f"{'identical' if same else 'DIFFERENT'} (a fingerprint of each of "
                          f"the ten count columns over {peer['info']['rows']:,} pairs)."]
        for run in group:
            if run["tool"].startswith("ours: relationships (one") and "error" not in run:
                lines += ["", f"One account's table: the busiest replier "
                              f"({run['info']['ego']}), {run['info']['rows']:,} counterparts."]
        lines.append("")
    lines += [
        "## Reading the figures",
        "",
        "- `ours: relationships (every pair)` computes the whole table of "
        "docs/definitions.md (\"Relationships\"): follow state each way, counts by kind and "
        "direction, first and last exchange, reply-back and answer rates with their median "
        "latencies, the tie-strength components. The pandas peer computes the per-pair counts "
        "only (one `groupby` and an `unstack`): the part a group-by can give. Ours sorts the "
        "pair events once by (pair, time) (a log in time order: one plain sort of packed "
        "pair-and-position keys) and reads everything from that order; medians and "
        "Kaplan-Meier medians sort packed (group, latency) keys.",
        "- `work` is the memory the call needs beyond its input; the pair table itself holds "
        "about 260 bytes a row (34 columns).",
        f"- every worker runs under a {MEMORY_CAP / GIB:.0f} GiB cap on its address space, so "
        "that a table too large for the machine fails alone (a MemoryError) rather than "
        "waking the OOM killer on a shared machine.",
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["higgs", "10M", "100M"])
    parser.add_argument("--tools", nargs="*", default=list(TOOLS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker")
    parser.add_argument("--size")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT, help="the page to write")
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.size, args.seed, args.repeats)
        return
    meta = {"command": "python benchmarks/relationships.py " + " ".join(
        argv if argv is not None else sys.argv[1:]), "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_start": _load(), "machine": _machine(), "versions": _versions(),
        "commit": _commit()}
    runs = []
    for size in args.sizes:
        if size != "higgs":
            make_log(size, args.seed)
        repeats = 1 if size == "100M" else 3
        for tool in args.tools:
            if size == "higgs" and TOOLS[tool] == "ego":
                continue
            report = run_tool(tool, size, args.seed, repeats)
            runs.append(report)
            shown = report.get("error") or f"{np.median(report['times']):.2f} s, peak " \
                f"{_gib(report['peak'])}"
            print(f"{size} {tool}: {shown} (load {_load()})", file=sys.stderr)
    meta["load_end"] = _load()
    write(runs, meta, args.out)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
