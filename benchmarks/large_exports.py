"""Peak memory of loading exports of several GB: an X archive, a Mastodon archive, a Bluesky CAR.

This script

1. generates, with the library's own code, into a temporary directory: an X archive zip
   (``tweets.js`` streamed by ``benchmarks/import_memory.py``'s generator), a Mastodon
   archive zip (``outbox.json`` streamed from the activities that
   :func:`engagemetrics.datasets.write_mastodon_archive` writes, each repeated under new
   status ids) and a Bluesky ``repo.car`` (records streamed to disk, then the real MST of
   :mod:`engagemetrics.datasets` built over their keys, and the commit), each about
   ``--size-gb`` GB uncompressed;
2. loads each with ``em.load`` in a fresh child process that reports its peak resident
   memory (``VmHWM`` of ``/proc/self/status``: the high-water mark of the child's own
   address space; ``ru_maxrss`` is not used, as Linux carries the parent's peak into it
   across ``exec``, and the parent has just generated the export) and the largest RSS a thread saw
   polling ``/proc/self/statm`` every 50 ms, beside a child that only imports the library;
3. deletes the exports, keeps each row in ``benchmarks/large_exports.json`` and writes
   ``benchmarks/LARGE_EXPORTS.md`` from all of them: the size, the records in the tables and
   in the ledger, the time, the peak RSS, the ratio RSS / size, the commit measured and the
   machine's load (``uptime``) at the start and the end of each load.

Run from the repository root (it needs about 2 x ``--size-gb`` GB of free disk per export,
one at a time, in ``--tmp``; check ``df -h /tmp`` first)::

    python benchmarks/large_exports.py --size-gb 1 3

Each export is measured at every size given, so that the table shows whether peak memory
grows with the export in proportion (bounded by a fixed multiple of its size) or faster.

A small size (``--size-gb 0.01``) is what tests/test_large_exports.py generates to check
that the exports are what they claim to be; it is never run at scale by the test suite.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPORT = HERE / "LARGE_EXPORTS.md"
RESULTS = HERE / "large_exports.json"
HAND = "## What the figures say"
sys.path.insert(0, str(HERE))

import import_memory  # noqa: E402  (the X generator, in this folder)

GB = 10**9
WORDS = import_memory.WORDS


# --------------------------------------------------------------------------- X
def write_x(folder: Path, size: int) -> tuple[Path, dict[str, int]]:
    """An X archive zip whose ``tweets.js`` is about ``size`` bytes."""
    path = folder / f"twitter-2026-01-01-{'b' * 64}.zip"
    counts = import_memory.write_archive(path, max(1, size // 2**20))
    return path, {"posts": counts["tweets"], "follows": counts["followers"] + counts["following"],
                  "bytes": counts["bytes"]}


# --------------------------------------------------------------------------- Mastodon
def _mastodon_template(folder: Path) -> dict[str, bytes]:
    import engagemetrics as em

    account = em.datasets.generate_account(
        seed=7, n_accounts=200, n_posts=400, start="2025-01-01", end="2025-12-31",
        platform="mastodon",
    )
    path = em.datasets.write_mastodon_archive(
        account, folder / "template" / "archive-20260101000000-0123456789abcdef0123456789abcdef.zip"
    )
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    for csv in ("following_accounts.csv", "follower_accounts.csv"):
        members[csv] = (path.parent / csv).read_bytes()
    shutil.rmtree(path.parent)
    return members


_STATUS = re.compile(r"/statuses/(\d+)")


def write_mastodon(folder: Path, size: int) -> tuple[Path, dict[str, int]]:
    """A Mastodon archive zip whose ``outbox.json`` is about ``size`` bytes, with its CSVs."""
    members = _mastodon_template(folder)
    outbox = json.loads(members.pop("outbox.json"))
    items = []
    for item in outbox["orderedItems"]:
        text = json.dumps(item, ensure_ascii=False)
        own = _STATUS.search(str(item.get("id", "")))
        items.append((text, own.group(1) if own else None))
    out = folder / "mastodon"
    out.mkdir()
    path = out / "archive-20260101000000-0123456789abcdef0123456789abcdef.zip"
    n = 0
    written = 0
    head = {k: v for k, v in outbox.items() if k != "orderedItems"}
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "orderedItems": ['
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, body in members.items():
            if not name.endswith(".csv"):
                z.writestr(name, body)
        with z.open("outbox.json", "w", force_zip64=True) as raw:
            raw.write(opening.encode())
            written = len(opening)
            batch: list[str] = []
            while written < size:
                text, own = items[n % len(items)]
                if own is not None:  # a new status: its id, and its own URIs, made unique
                    new = str(10**17 + n)
                    text = text.replace(own, new)
                batch.append(text)
                written += len(text) + 2
                n += 1
                if len(batch) == 5_000:
                    raw.write(((", " if n > len(batch) else "") + ", ".join(batch)).encode())
                    batch = []
            if batch:
                raw.write(((", " if n > len(batch) else "") + ", ".join(batch)).encode())
            raw.write(b"]}")
    for csv in ("following_accounts.csv", "follower_accounts.csv"):
        (out / csv).write_bytes(members[csv])
    follows = sum(members[c].count(b"\n") - 1 for c in ("following_accounts.csv",
                                                       "follower_accounts.csv"))
    return out, {"activities": n, "follows": follows, "bytes": written}


# --------------------------------------------------------------------------- Bluesky
def write_bluesky(folder: Path, size: int, seed: int = 0) -> tuple[Path, dict[str, int]]:
    """A ``repo.car`` of about ``size`` bytes: follows, posts, replies, reposts and likes.

    Records are written to the file as they are made (after a header of fixed length);
    only their keys and CIDs are kept, to build the real MST (the writer of
    :func:`engagemetrics.datasets.write_bluesky_repo`) and the commit at the end.
    """
    import libipld

    from engagemetrics.datasets._generate import tid
    from engagemetrics.datasets._writers import _build_mst, _cid, _cid_text, _varint

    rng = np.random.default_rng(seed)
    did = "did:plc:" + base64.b32encode(hashlib.sha256(b"ego").digest()).decode().lower()[:24]
    others = [
        "did:plc:" + base64.b32encode(hashlib.sha256(b"%d" % i).digest()).decode().lower()[:24]
        for i in range(20_000)
    ]
    texts = [" ".join(rng.choice(WORDS, size=int(k)).tolist())
             for k in rng.integers(5, 40, size=2000)]
    path = folder / "repo.car"
    stand_in = _cid_text(_cid(b"stand-in"))
    collections = ("app.bsky.feed.like", "app.bsky.feed.post", "app.bsky.feed.repost",
                   "app.bsky.graph.follow")
    entries: dict[str, list[tuple[bytes, bytes]]] = {c: [] for c in collections}
    counts = {c.rsplit(".", 1)[1]: 0 for c in collections}
    micro = 1_735_689_600 * 10**6  # 2025-01-01
    placeholder = libipld.encode_dag_cbor({"version": 1, "roots": [_cid(b"")]})
    with open(path, "wb") as fh:
        fh.write(_varint(len(placeholder)) + placeholder)
        written = fh.tell()
        n = 0
        while written < size:
            kinds = rng.choice(5, size=10_000, p=[0.05, 0.35, 0.25, 0.10, 0.25])
            who = rng.integers(0, len(others), size=10_000)
            pick = rng.integers(0, len(texts), size=10_000)
            chunk = []
            for k, w, t in zip(kinds.tolist(), who.tolist(), pick.tolist(), strict=True):
                micro += 997
                n += 1
                when = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(micro // 10**6))
                other = others[w]
                ref = {"uri": f"at://{other}/app.bsky.feed.post/{tid(micro - 10**9)}",
                       "cid": stand_in}
                if k == 0:
                    collection = "app.bsky.graph.follow"
                    record = {"$type": collection, "subject": other, "createdAt": when}
                elif k in (1, 2):
                    collection = "app.bsky.feed.post"
                    record = {"$type": collection, "text": texts[t], "langs": ["en"],
                              "createdAt": when}
                    if k == 2:
                        record["reply"] = {"root": ref, "parent": ref}
                elif k == 3:
                    collection = "app.bsky.feed.repost"
                    record = {"$type": collection, "subject": ref, "createdAt": when}
                else:
                    collection = "app.bsky.feed.like"
                    record = {"$type": collection, "subject": ref, "createdAt": when}
                block = libipld.encode_dag_cbor(record)
                cid = _cid(block)
                entries[collection].append((f"{collection}/{tid(micro)}".encode(), cid))
                counts[collection.rsplit(".", 1)[1]] += 1
                chunk.append(_varint(len(cid) + len(block)) + cid + block)
            data = b"".join(chunk)
            fh.write(data)
            written += len(data)
        ordered = [e for c in collections for e in entries[c]]  # keys sorted: collections, TIDs
        del entries
        blocks: dict[bytes, bytes] = {}
        root = _build_mst(ordered, blocks)
        del ordered
        commit = libipld.encode_dag_cbor({"did": did, "version": 3, "data": root,
                                          "rev": tid(micro), "prev": None, "sig": b"\x30" * 64})
        commit_cid = _cid(commit)
        for cid, block in [(commit_cid, commit), *blocks.items()]:
            fh.write(_varint(len(cid) + len(block)) + cid + block)
        header = libipld.encode_dag_cbor({"version": 1, "roots": [commit_cid]})
        assert len(header) == len(placeholder)
        fh.seek(0)
        fh.write(_varint(len(header)) + header)
    counts["bytes"] = path.stat().st_size
    counts["records"] = n
    return path, counts


GENERATORS: dict[str, Callable[[Path, int], tuple[Path, dict[str, int]]]] = {
    "X": write_x,
    "Mastodon": write_mastodon,
    "Bluesky": write_bluesky,
}


# --------------------------------------------------------------------------- measuring
CHILD = r"""
import json, os, sys, threading, time

def hwm_kib():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))

def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

import engagemetrics as em
if sys.argv[1] == "--baseline":
    print(json.dumps({"peak_kib": hwm_kib()}))
    raise SystemExit
seen = [rss()]
done = threading.Event()
def poll():
    while not done.is_set():
        seen[0] = max(seen[0], rss())
        time.sleep(0.05)
threading.Thread(target=poll, daemon=True).start()
t0 = time.perf_counter()
a = em.load(sys.argv[1])
seconds = time.perf_counter() - t0
done.set()
print(json.dumps({
    "seconds": seconds,
    "peak_kib": hwm_kib(),
    "polled_peak": seen[0],
    "posts": len(a.posts), "follows": len(a.follows), "interactions": len(a.interactions),
    "ledger": int(a.ledger["count"].sum()) if len(a.ledger) else 0,
}))
"""


def measure(path: Path) -> dict[str, float]:
    run = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                         text=True)
    if run.returncode != 0:
        raise RuntimeError(f"loading {path} failed:\n{run.stderr[-4000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def export_size(path: Path) -> tuple[int, int]:
    """(bytes on disk, bytes uncompressed) of an export file or folder."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    disk = sum(p.stat().st_size for p in files)
    raw = 0
    for p in files:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                raw += sum(i.file_size for i in z.infolist())
        else:
            raw += p.stat().st_size
    return disk, raw


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def code_version() -> str:
    """The commit the library was loaded from, with ``+changes`` if ``src/`` differs from it."""
    root = HERE.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size-gb", type=float, nargs="+", default=[1.0, 3.0],
                        help="uncompressed size of each export, in GB; several sizes show "
                             "how memory grows (default 1 3)")
    parser.add_argument("--tmp", default=tempfile.gettempdir(),
                        help="where the exports are written, one at a time, then deleted")
    parser.add_argument("--only", choices=sorted(GENERATORS), action="append")
    parser.add_argument("--results", default=str(RESULTS),
                        help="JSON file of every measured row; a new row replaces the one of "
                             "the same export and size, the others are kept")
    parser.add_argument("--report", default=str(REPORT))
    args = parser.parse_args(argv)
    sizes = sorted(int(s * GB) for s in args.size_gb)
    free = shutil.disk_usage(args.tmp).free
    if free < 2.5 * sizes[-1]:
        parser.error(f"{args.tmp} has {free / GB:.1f} GB free; "
                     f"{2.5 * sizes[-1] / GB:.1f} GB needed")
    baseline = json.loads(subprocess.run([sys.executable, "-c", CHILD, "--baseline"],
                                         capture_output=True, text=True, check=True).stdout)
    results = Path(args.results)
    rows = json.loads(results.read_text()) if results.exists() else []
    version = code_version()
    for name, generate in GENERATORS.items():
        if args.only and name not in args.only:
            continue
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="engagemetrics-large-", dir=args.tmp) as root:
                t0 = time.perf_counter()
                path, counts = generate(Path(root), size)
                made = time.perf_counter() - t0
                disk, raw = export_size(path)
                load = uptime()
                figures = measure(path)
            print(name, size, counts, figures, flush=True)
            row = {"export": name, "size_gb": size / GB, "disk": disk, "raw": raw,
                   "generate_s": made, "counts": counts, "figures": figures,
                   "load_start": load, "load_end": uptime(), "code": version,
                   "when": time.strftime("%Y-%m-%d %H:%M"), "baseline_kib": baseline["peak_kib"],
                   "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                              f"Python {platform.python_version()}"}
            rows = [r for r in rows if (r["export"], r["size_gb"]) != (name, size / GB)]
            rows.append(row)
            rows.sort(key=lambda r: (list(GENERATORS).index(r["export"]), r["size_gb"]))
            # after each export, so that a long run leaves its figures so far
            results.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
            write_report(Path(args.report), rows)
    return 0


def _load(text: str) -> str:
    return text.split("load average:")[-1].strip()


def write_report(path: Path, rows: list[dict]) -> None:
    """Write the table of every row, keeping the text by hand below ``HAND`` in ``path``."""
    mib = 2**20
    kept = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if HAND in old:
            kept = old[old.index(HAND):]
    baselines = sorted({r["baseline_kib"] for r in rows})
    lines = [
        "# Loading large exports",
        "",
        "Each export is generated by `benchmarks/large_exports.py` with the library's own code "
        "into a temporary directory, loaded with `em.load` in a fresh child process, and deleted. "
        "Peak RSS is the child's `VmHWM` (the high-water mark of its resident set; not "
        "`ru_maxrss`, which Linux carries over from the parent that generated the export); "
        "'polled' is the largest RSS a thread saw reading `/proc/self/statm` every 50 ms. "
        "A child that only imports engagemetrics peaks at "
        + " to ".join(dict.fromkeys(f"{b / 1024:,.0f}" for b in (baselines[0], baselines[-1])))
        + " MiB.",
        "",
        "Command: `python benchmarks/large_exports.py --size-gb 1 3` (every row is kept in "
        "`benchmarks/large_exports.json`; a run with `--only` replaces only its own rows). "
        "'code' is the commit the library was loaded from.",
        "",
        "| export | uncompressed | on disk | records in tables (posts / follows / interactions) "
        "| records in the ledger | generate | load | peak RSS | polled | peak RSS / uncompressed "
        "| (peak RSS - import) / uncompressed | code, when | load average at start / end |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        f, raw = r["figures"], r["raw"]
        peak = f["peak_kib"] * 1024
        lines.append(
            f"| {r['export']} | {raw / mib:,.0f} MiB | {r['disk'] / mib:,.0f} MiB | "
            f"{f['posts']:,} / {f['follows']:,} / {f['interactions']:,} | {f['ledger']:,} | "
            f"{r['generate_s']:,.0f} s | {f['seconds']:,.0f} s | {peak / mib:,.0f} MiB | "
            f"{f['polled_peak'] / mib:,.0f} MiB | {peak / raw:.2f} | "
            f"{(peak - r['baseline_kib'] * 1024) / raw:.2f} | {r['code']}, {r['when']} | "
            f"{_load(r['load_start'])} / {_load(r['load_end'])} |"
        )
    lines += ["", "Machine: " + "; ".join(sorted({r["machine"] for r in rows}))
              + ", shared with other users.", "", "What the generators wrote:", ""]
    for r in rows:
        lines.append(f"- {r['export']} at {r['size_gb']:g} GB: "
                     + ", ".join(f"{k} {v:,}" for k, v in r["counts"].items()))
    lines += ["", "The ledger column is the sum of the ledger's counts (records flagged and kept "
              "in a table, and records dropped with their reason), so it overlaps the table rows.",
              ""]
    text = "\n".join(lines) + "\n"
    path.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
