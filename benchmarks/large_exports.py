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
   memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and the largest RSS a thread saw
   polling ``/proc/self/statm`` every 50 ms, beside a child that only imports the library;
3. deletes the exports and writes ``benchmarks/LARGE_EXPORTS.md`` with the size, the records
   in the tables and in the ledger, the time, the peak RSS, the ratio RSS / size, and the
   machine's load (``uptime``) before and after.

Run from the repository root (it needs about 2 x ``--size-gb`` GB of free disk per export,
one at a time, in ``--tmp``; check ``df -h /tmp`` first)::

    python benchmarks/large_exports.py --size-gb 3

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
import json, os, resource, sys, threading, time

def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

import engagemetrics as em
if sys.argv[1] == "--baseline":
    print(json.dumps({"peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
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
    "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size-gb", type=float, default=3.0,
                        help="uncompressed size of each export, in GB (default 3)")
    parser.add_argument("--tmp", default=tempfile.gettempdir(),
                        help="where the exports are written, one at a time, then deleted")
    parser.add_argument("--only", choices=sorted(GENERATORS), action="append")
    parser.add_argument("--report", default=str(REPORT))
    args = parser.parse_args(argv)
    size = int(args.size_gb * GB)
    free = shutil.disk_usage(args.tmp).free
    if free < 2.5 * size:
        parser.error(f"{args.tmp} has {free / GB:.1f} GB free; {2.5 * size / GB:.1f} GB needed")
    baseline = json.loads(subprocess.run([sys.executable, "-c", CHILD, "--baseline"],
                                         capture_output=True, text=True, check=True).stdout)
    rows = []
    load_before = uptime()
    for name, generate in GENERATORS.items():
        if args.only and name not in args.only:
            continue
        with tempfile.TemporaryDirectory(prefix="engagemetrics-large-", dir=args.tmp) as root:
            t0 = time.perf_counter()
            path, counts = generate(Path(root), size)
            made = time.perf_counter() - t0
            disk, raw = export_size(path)
            load = uptime()
            figures = measure(path)
            print(name, counts, figures, flush=True)
            rows.append((name, disk, raw, made, counts, figures, load))
        # after each export, so that a long run leaves its figures so far
        write_report(Path(args.report), args.size_gb, baseline, rows, load_before, uptime())
    return 0


def write_report(path: Path, size_gb: float, baseline: dict, rows: list, before: str,
                 after: str) -> None:
    mib = 2**20
    lines = [
        "# Loading large exports",
        "",
        "Each export is generated by `benchmarks/large_exports.py` with the library's own code "
        "into a temporary directory, loaded with `em.load` in a fresh child process, and deleted. "
        "Peak RSS is the child's `ru_maxrss` (the largest resident set of the whole process); "
        "'polled' is the largest RSS a thread saw reading `/proc/self/statm` every 50 ms. "
        f"A child that only imports engagemetrics peaks at {baseline['peak_kib'] / 1024:,.0f} MiB.",
        "",
        f"Command: `python benchmarks/large_exports.py --size-gb {size_gb:g}`",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other users, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
        "",
        f"Load before: `{before}`",
        "",
        f"Load after: `{after}`",
        "",
        "| export | uncompressed | on disk | records in tables (posts / follows / interactions) "
        "| records in the ledger | generate | load | peak RSS | polled | peak RSS / uncompressed "
        "| load at start |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, disk, raw, made, _counts, f, load in rows:
        peak = f["peak_kib"] * 1024
        lines.append(
            f"| {name} | {raw / mib:,.0f} MiB | {disk / mib:,.0f} MiB | "
            f"{f['posts']:,} / {f['follows']:,} / {f['interactions']:,} | {f['ledger']:,} | "
            f"{made:,.0f} s | {f['seconds']:,.0f} s | {peak / mib:,.0f} MiB | "
            f"{f['polled_peak'] / mib:,.0f} MiB | {peak / raw:.2f} | "
            f"{load.split('load average:')[-1].strip()} |"
        )
    lines += ["", "What the generators wrote:", ""]
    for name, _disk, _raw, _made, counts, _f, _load in rows:
        lines.append(f"- {name}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
