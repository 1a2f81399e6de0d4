"""Change over time at scale: snapshots of a large account, and follow-back over a whole graph.

Each case runs in its own subprocess (its inputs built before the clock), beside a plain pandas
peer that computes the same numbers, and the parent checks that both agree, then writes
``benchmarks/CHANGE.md``: median time of three repeats, peak memory (``VmHWM`` after the
inputs are built, minus the RSS before the timed calls), the machine's load, the commit.

Cases:

- ``snapshots``: one account with 1,000,000 followers and 100,000 followings (X-shaped decimal
  text ids, as ``em.load`` gives them), two exports 90 days apart with 5% of the followers
  replaced, 2,000,000 interactions of the owner; ``em.compare``, ``em.engagement_lift``,
  ``em.follower_cohorts`` and ``em.follow_events`` (followers dated, as Instagram's), against
  pandas ``isin`` set arithmetic for the comparison (new, lost and the lost accounts found in
  the newer export's references) and the lift's counts;
- ``follow-back``: ``em.follow_back`` of every mutual pair of the generated Twitter-shaped graph
  (``generate.py``, 1M or 10M edges, each edge given a random date in 2025), against a pandas
  ``merge`` of the edge table with its reverse.

Usage::

    python benchmarks/change.py                 # snapshots + follow-back at 1M and 10M edges
    python benchmarks/change.py --cases snapshots --out /tmp/change.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CASES = ("snapshots", "follow-back 1M", "follow-back 10M")
N_FOLLOWERS, N_FOLLOWING, N_ACTS = 1_000_000, 100_000, 2_000_000
DAY_NS = 86_400 * 10**9


def _rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _timed(fn: Any, repeats: int = 3) -> tuple[float, int, Any]:
    times, peak, result = [], 0, None
    for _ in range(repeats):
        result = None
        base = _rss("VmRSS")
        _reset_peak()
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
        peak = max(peak, _rss("VmHWM") - base)
    return statistics.median(times), peak, result


# --------------------------------------------------------------------------- snapshots
def _snapshot_inputs() -> dict[str, Any]:
    import engagemetrics as em

    rng = np.random.default_rng(0)
    ego = "1000000000000000000"
    universe = (np.int64(10**17) + rng.choice(10**12, size=3_000_000, replace=False)).astype(str)
    followers = universe[:N_FOLLOWERS]
    following = universe[N_FOLLOWERS // 2 : N_FOLLOWERS // 2 + N_FOLLOWING]  # half mutual
    churned = N_FOLLOWERS // 20
    newer_followers = np.concatenate([followers[churned:],
                                      universe[2_000_000 : 2_000_000 + churned]])
    start = pd.Timestamp("2025-10-01", tz="UTC")
    end = pd.Timestamp("2025-12-30", tz="UTC")
    followed = pd.Timestamp("2020-01-01", tz="UTC").value + rng.integers(
        0, (start - pd.Timestamp("2020-01-01", tz="UTC")).value, N_FOLLOWERS)

    def follow_table(fol: np.ndarray, ing: np.ndarray, dates: np.ndarray | None) -> pd.DataFrame:
        frame = pd.DataFrame({
            "source": pd.array(np.concatenate([fol, np.full(ing.shape[0], ego)]),
                               dtype="string[pyarrow]"),
            "target": pd.array(np.concatenate([np.full(fol.shape[0], ego), ing]),
                               dtype="string[pyarrow]"),
        })
        if dates is not None:
            frame["followed_at"] = pd.to_datetime(
                np.concatenate([dates, np.full(ing.shape[0], dates.min())]), utc=True)
        return frame

    acts_target = universe[rng.integers(0, 3_000_000, N_ACTS)]
    acts = pd.DataFrame({
        "actor": pd.array(np.full(N_ACTS, ego), dtype="string[pyarrow]"),
        "target": pd.array(acts_target, dtype="string[pyarrow]"),
        "kind": pd.Categorical(rng.choice(["reply", "mention", "repost", "quote", "like"],
                                          N_ACTS), categories=em.schema.INTERACTION_KINDS),
        "created_at": pd.to_datetime(start.value - 200 * DAY_NS
                                     + rng.integers(0, 289 * DAY_NS, N_ACTS), utc=True),
    })
    older = em.Archive(follows=follow_table(followers, following, followed),
                       interactions=acts[acts["created_at"] < start], ego=ego,
                       exported_at=start)
    newer = em.Archive(follows=follow_table(newer_followers, following, None),
                       interactions=acts, ego=ego, exported_at=end)
    return {"older": older, "newer": newer, "ego": ego, "start": start}


def _pandas_compare(older: Any, newer: Any, ego: str, start: pd.Timestamp) -> dict[str, int]:
    out = {}
    for side, mine, other in (("followers", "target", "source"),
                              ("following", "source", "target")):
        a = older.follows.loc[older.follows[mine] == ego, other]
        b = newer.follows.loc[newer.follows[mine] == ego, other]
        out[f"new_{side}"] = int((~b.isin(a)).sum())
        lost = a[~a.isin(b)]
        out[f"lost_{side}"] = len(lost)
        it = newer.interactions
        later = it[it["created_at"] >= start]
        refs = pd.concat([newer.follows["source"], newer.follows["target"], later["actor"],
                          later["target"]])
        out[f"unfollowed_{side}"] = int(lost.isin(refs).sum())
    return out


def _pandas_lift(older: Any, newer: Any, ego: str, start: pd.Timestamp) -> list[int]:
    seen = pd.concat([a.follows[c] for a in (older, newer) for c in ("source", "target")]
                     + [a.interactions[c] for a in (older, newer) for c in ("actor", "target")])
    seen = seen[seen != ego].drop_duplicates()
    before = older.follows.loc[older.follows["target"] == ego, "source"]
    universe = seen[~seen.isin(before)]
    it = newer.interactions
    engaged = it.loc[(it["actor"] == ego) & (it["created_at"] >= start)
                     & it["kind"].isin(["reply", "mention", "repost", "quote"]), "target"]
    is_engaged = universe.isin(engaged)
    followed = universe.isin(newer.follows.loc[newer.follows["target"] == ego, "source"])
    return [int(is_engaged.sum()), int((is_engaged & followed).sum()),
            int((~is_engaged).sum()), int((~is_engaged & followed).sum())]


def run_snapshots() -> list[dict[str, Any]]:
    import engagemetrics as em

    inputs = _snapshot_inputs()
    older, newer, ego, start = (inputs[k] for k in ("older", "newer", "ego", "start"))
    rows = []
    t, mem, c = _timed(lambda: em.compare(older, newer))
    lost = c.changes[c.changes["change"] == "lost"]
    ours = {f"{k}_{side}": int(v) for side in ("followers", "following")
            for k, v in (("new", c.summary.loc[side, "new"]),
                         ("lost", c.summary.loc[side, "lost"]),
                         ("unfollowed", ((lost["side"] == side)
                                         & (lost["lost_as"] == "unfollowed")).sum()))}
    tp, memp, peer = _timed(lambda: _pandas_compare(older, newer, ego, start))
    rows += [{"case": "snapshots", "what": "em.compare", "seconds": t, "peak": mem,
              "agree": ours == peer},
             {"case": "snapshots", "what": "pandas isin (compare)", "seconds": tp,
              "peak": memp, "agree": True}]
    t, mem, lift = _timed(lambda: em.engagement_lift(older, newer))
    counts = [int(v) for v in lift.table[["accounts", "followed"]].to_numpy().ravel()]
    tp, memp, peer_lift = _timed(lambda: _pandas_lift(older, newer, ego, start))
    rows += [{"case": "snapshots", "what": "em.engagement_lift", "seconds": t, "peak": mem,
              "agree": counts == peer_lift},
             {"case": "snapshots", "what": "pandas isin (lift counts)", "seconds": tp,
              "peak": memp, "agree": True}]
    t, mem, _ = _timed(lambda: em.follower_cohorts(older, newer))
    rows.append({"case": "snapshots", "what": "em.follower_cohorts", "seconds": t, "peak": mem,
                 "agree": None})
    t, mem, _ = _timed(lambda: em.follow_events(older, freq="QE"))
    rows.append({"case": "snapshots", "what": "em.follow_events", "seconds": t, "peak": mem,
                 "agree": None})
    return rows


# --------------------------------------------------------------------------- follow-back
def run_follow_back(size: str) -> list[dict[str, Any]]:
    import generate

    import engagemetrics as em

    files = generate.ensure(size, log=False)
    source, target = np.load(files["source"]), np.load(files["target"])
    rng = np.random.default_rng(1)
    when = pd.to_datetime(pd.Timestamp("2025-01-01", tz="UTC").value
                          + rng.integers(0, 365 * DAY_NS, source.shape[0]), utc=True)
    table = pd.DataFrame({"source": source, "target": target, "followed_at": when})
    del source, target

    def peer() -> pd.DataFrame:
        both = table.merge(table, left_on=["source", "target"], right_on=["target", "source"],
                           suffixes=("", "_back"))
        both = both[both["source"] < both["target"]]
        days = (both["followed_at_back"] - both["followed_at"]).abs().dt.total_seconds() / 86400
        return pd.DataFrame({"source": both["source"].to_numpy(),
                             "target": both["target"].to_numpy(),
                             "days": days.to_numpy()}).sort_values(["source", "target"])

    t, mem, ours = _timed(lambda: em.follow_back(table))
    tp, memp, theirs = _timed(peer)
    agree = (len(ours) == len(theirs)
             and np.array_equal(ours.index.get_level_values(0).to_numpy(),
                                theirs["source"].to_numpy())
             and np.array_equal(ours.index.get_level_values(1).to_numpy(),
                                theirs["target"].to_numpy())
             and np.allclose(ours["follow_back_days"].to_numpy(), theirs["days"].to_numpy()))
    label = f"follow-back {size}"
    return [{"case": label, "what": "em.follow_back (every mutual pair)", "seconds": t,
             "peak": mem, "agree": agree, "rows": len(ours), "edges": len(table)},
            {"case": label, "what": "pandas merge with the reverse", "seconds": tp,
             "peak": memp, "agree": True, "rows": len(theirs), "edges": len(table)}]


# --------------------------------------------------------------------------- driver
def _child(case: str) -> None:
    rows = run_snapshots() if case == "snapshots" else run_follow_back(case.split()[-1])
    print(json.dumps(rows))


def _render(rows: list[dict[str, Any]], loads: tuple[Any, Any], out: Path) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=HERE).stdout.strip()
    lines = [
        "# Change over time at scale",
        "",
        "Written by `python benchmarks/change.py` (see its docstring for the cases). Median of "
        "three repeats; peak = `VmHWM` during the timed calls minus the RSS before them (the "
        "inputs are built before the clock).",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}",
        f"- commit: {commit}",
        f"- load average (1, 5, 15 min) at start: {loads[0]}, at end: {loads[1]}",
        "",
        "| case | what | seconds | peak MiB | × pandas | agrees with pandas |",
        "|---|---|---|---|---|---|",
    ]
    peers = {r["case"]: r for r in rows if r["what"].startswith("pandas")}
    for r in rows:
        ratio = ""
        peer = peers.get(r["case"])
        if not r["what"].startswith("pandas") and peer and r["agree"] is not None:
            ratio = f"{r['seconds'] / peer['seconds']:.2f}"
        agree = {True: "yes", False: "NO", None: "-"}[r["agree"]] if not r["what"].startswith(
            "pandas") else ""
        lines.append(f"| {r['case']} | {r['what']} | {r['seconds']:.3f} | "
                     f"{r['peak'] / 2**20:.0f} | {ratio} | {agree} |")
    sizes = {r["case"]: (r.get("edges"), r.get("rows")) for r in rows if "edges" in r}
    lines += ["", "Snapshots: 1,000,000 followers and 100,000 followings, 5% of the followers "
              "replaced between the two exports, 2,000,000 interactions of the owner. "
              "The lift's pandas peer is compared with the two groups' counts; the compare "
              "peer with new, lost and unfollowed per side."]
    for case, (edges, n_rows) in sizes.items():
        lines.append(f"{case}: {edges:,} edges, {n_rows:,} mutual pairs.")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    parser.add_argument("--out", type=Path, default=HERE / "CHANGE.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    loads = [os.getloadavg()]
    rows: list[dict[str, Any]] = []
    for case in args.cases:
        done = subprocess.run([sys.executable, __file__, "--child", case], capture_output=True,
                              text=True, check=True)
        rows += json.loads(done.stdout.strip().splitlines()[-1])
    loads.append(os.getloadavg())
    _render(rows, (tuple(round(v, 2) for v in loads[0]), tuple(round(v, 2) for v in loads[1])),
            args.out)
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
