"""Peak memory of importing a large X archive (about 1 GB of ``tweets.js``).

Issue 3: "a 1 GB archive must load without holding several copies of it in memory".
This script

1. writes a synthetic X archive zip into ``benchmarks/_data/`` (gitignored), streaming
   the tweets in the 2026 style that :func:`engagemetrics.datasets.write_twitter_archive`
   writes (every number a string, English ``created_at``, HTML-escaped text, replies,
   threads, ``RT @`` retweets, quotes as status URLs), so the generator stays small;
2. loads it with ``em.read_twitter_archive`` in a fresh subprocess and records that
   process's peak resident memory (``resource.getrusage(...).ru_maxrss``), beside a
   baseline subprocess that only imports the library;
3. writes the figures and the exact command into ``benchmarks/IMPORT_MEMORY.md``
   (its "Import memory" section).

Run from the repository root::

    /work/venv/bin/python benchmarks/import_memory.py --size-mb 1024

``--keep`` keeps the generated zip for a second run (it is reused when present).
"""

from __future__ import annotations

import argparse
import html
import json
import platform
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "_data"
REPORT = ROOT / "benchmarks" / "IMPORT_MEMORY.md"
TWITTER_EPOCH_MS = 1288834974657
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WORDS = (
    "data graph notes coffee morning paper draft thread ideas garden music bikes trains python "
    "pandas maps rain tea weekend review talk slides code books walk city lunch model bug fix "
    "release workshop question answer plots sky & <3 -> café 🙂"
).split()
EGO = "1234567890123456789"
EGO_HANDLE = "bench_ego"


def _json(value: object) -> str:
    """X's 2026 print style for one item of a data file (2-space indent, ``"k" : v``)."""
    text = json.dumps(value, indent=2, separators=(",", " : "), ensure_ascii=False)
    return "  " + text.replace("[]", "[ ]").replace("{}", "{ }").replace("\n", "\n  ")


def _template(kind: str) -> list[str]:
    """A tweet of ``kind`` serialised once, split at its placeholders (filled per tweet)."""
    mention = {
        "name": "@@NAME@@",
        "screen_name": "@@HANDLE@@",
        "indices": ["@@MSTART@@", "@@MEND@@"],
        "id_str": "@@UID@@",
        "id": "@@UID@@",
    }
    mentions = [mention] if kind in ("reply", "repost") else []
    urls = []
    if kind == "quote":
        urls = [
            {
                "url": "https://t.co/@@TCO@@",
                "expanded_url": "https://x.com/@@HANDLE@@/status/@@QID@@",
                "display_url": "x.com/@@HANDLE@@/stat\u2026",
                "indices": ["@@USTART@@", "@@UEND@@"],
            }
        ]
    tweet: dict[str, object] = {
        "edit_info": {
            "initial": {
                "editTweetIds": ["@@ID@@"],
                "editableUntil": "@@UNTIL@@",
                "editsRemaining": "5",
                "isEditEligible": False,
            }
        },
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": mentions, "urls": urls},
        "display_text_range": ["0", "@@LEN@@"],
        "favorite_count": "0",
    }
    if kind in ("reply", "thread"):
        tweet["in_reply_to_status_id_str"] = "@@PID@@"
    tweet["id_str"] = "@@ID@@"
    if kind in ("reply", "thread"):
        tweet["in_reply_to_user_id"] = "@@RUID@@"
    tweet["truncated"] = False
    tweet["retweet_count"] = "0"
    tweet["id"] = "@@ID@@"
    if kind in ("reply", "thread"):
        tweet["in_reply_to_status_id"] = "@@PID@@"
    tweet["created_at"] = "@@CREATED@@"
    tweet["favorited"] = False
    tweet["full_text"] = "@@TEXT@@"
    tweet["lang"] = "en"
    if kind in ("reply", "thread"):
        tweet["in_reply_to_screen_name"] = "@@RHANDLE@@"
        tweet["in_reply_to_user_id_str"] = "@@RUID@@"
    return re.split(r"(@@[A-Z]+@@)", _json({"tweet": tweet}))


def _fill(parts: list[str], values: dict[str, str]) -> str:
    return "".join(values.get(p, p) for p in parts)


def _esc(text: str) -> str:
    """Text as it sits inside a JSON string in the file: HTML-escaped (as X does), then JSON."""
    return json.dumps(html.escape(text, quote=False), ensure_ascii=False)[1:-1]


def write_archive(path: Path, size_mb: int, seed: int = 0) -> dict[str, int]:
    """Stream a synthetic X archive whose ``tweets.js`` is about ``size_mb`` MB."""
    rng = np.random.default_rng(seed)
    target = size_mb * 1024 * 1024
    n_accounts = 200_000
    account_ids = np.sort(rng.choice(10**12, size=n_accounts, replace=False)) + 10**6
    handles = [f"user{i:06d}" for i in range(n_accounts)]
    templates = {k: _template(k) for k in ("post", "reply", "thread", "repost", "quote")}
    texts = [
        " ".join(rng.choice(WORDS, size=int(n)).tolist()) for n in rng.integers(5, 30, size=2000)
    ]
    start_ms = 1_420_070_400_000  # 2015-01-01
    counts = {"tweets": 0, "bytes": 0, "followers": 50_000, "following": 5_000}
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("data/tweets.js", "w", force_zip64=True) as raw:
            raw.write(b"window.YTD.tweets.part0 = [\n")
            written = 28
            last_id = None
            ms = start_ms
            first = True
            while written < target:
                n = 20_000
                kinds = rng.choice(5, size=n, p=[0.45, 0.30, 0.08, 0.12, 0.05])
                step = rng.integers(1_000, 400_000, size=n)
                who = rng.integers(0, n_accounts, size=n)
                text_pick = rng.integers(0, len(texts), size=n)
                low_bits = rng.integers(0, 2**22, size=n)
                chunk = []
                for i in range(n):
                    ms += int(step[i])
                    tweet_id = str(((ms - TWITTER_EPOCH_MS) << 22) | int(low_bits[i]))
                    seconds = ms // 1000
                    t = time.gmtime(seconds)
                    created = (
                        f"{DAYS[t.tm_wday]} {MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} "
                        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000 {t.tm_year}"
                    )
                    until = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds + 3600))
                    body = texts[int(text_pick[i])]
                    k = ("post", "reply", "thread", "repost", "quote")[int(kinds[i])]
                    if k == "thread" and last_id is None:
                        k = "post"
                    handle = handles[int(who[i])]
                    uid = str(int(account_ids[int(who[i])]))
                    values = {"@@ID@@": tweet_id, "@@CREATED@@": created, "@@UNTIL@@": until}
                    if k == "reply":
                        text = f"@{handle} {body}"
                        values |= {
                            "@@PID@@": str(int(tweet_id) - 7_000_000_000),
                            "@@RUID@@": uid,
                            "@@RHANDLE@@": handle,
                            "@@MSTART@@": "0",
                            "@@MEND@@": str(1 + len(handle)),
                        }
                    elif k == "thread":
                        text = body
                        values |= {"@@PID@@": last_id, "@@RUID@@": EGO, "@@RHANDLE@@": EGO_HANDLE}
                    elif k == "repost":
                        text = f"RT @{handle}: {body}"
                        if len(text) > 140:
                            text = text[:139] + "\u2026"
                        values |= {"@@MSTART@@": "3", "@@MEND@@": str(4 + len(handle))}
                    elif k == "quote":
                        short = f"{tweet_id[-10:]}"
                        text = f"{body} https://t.co/{short}"
                        values |= {
                            "@@TCO@@": short,
                            "@@QID@@": str(int(tweet_id) - 3_000_000_000),
                            "@@USTART@@": str(len(body) + 1),
                            "@@UEND@@": str(len(text)),
                        }
                    else:
                        text = body
                    values |= {
                        "@@TEXT@@": _esc(text),
                        "@@LEN@@": str(len(text)),
                        "@@NAME@@": handle.capitalize(),
                        "@@HANDLE@@": handle,
                        "@@UID@@": uid,
                    }
                    if k in ("post", "thread"):
                        last_id = tweet_id
                    chunk.append(("" if first else ",\n") + _fill(templates[k], values))
                    first = False
                    counts["tweets"] += 1
                data = "".join(chunk).encode("utf-8")
                raw.write(data)
                written += len(data)
            raw.write(b"\n]")
            counts["bytes"] = written + 2

        def id_file(kind: str, ids: np.ndarray) -> str:
            items = [
                _json(
                    {
                        kind: {
                            "accountId": str(int(x)),
                            "userLink": f"https://twitter.com/intent/user?user_id={int(x)}",
                        }
                    }
                )
                for x in ids
            ]
            return f"window.YTD.{kind}.part0 = [\n" + ",\n".join(items) + "\n]"

        followers = rng.choice(account_ids, size=counts["followers"], replace=False)
        following = rng.choice(account_ids, size=counts["following"], replace=False)
        zf.writestr("data/follower.js", id_file("follower", followers))
        zf.writestr("data/following.js", id_file("following", following))
        account = {
            "account": {
                "email": "bench@example.com",
                "createdVia": "web",
                "username": EGO_HANDLE,
                "accountId": EGO,
                "createdAt": "2012-01-01T00:00:00.000Z",
                "accountDisplayName": "Bench Ego",
            }
        }
        zf.writestr("data/account.js", "window.YTD.account.part0 = [\n" + _json(account) + "\n]")
        files = {
            "account": ("data/account.js", 1),
            "follower": ("data/follower.js", counts["followers"]),
            "following": ("data/following.js", counts["following"]),
            "tweets": ("data/tweets.js", counts["tweets"]),
        }
        manifest = {
            "userInfo": {"accountId": EGO, "userName": EGO_HANDLE, "displayName": "Bench Ego"},
            "archiveInfo": {
                "sizeBytes": str(counts["bytes"]),
                "generationDate": "2026-01-01T00:00:00.000Z",
                "isPartialArchive": False,
                "maxPartSizeBytes": "53687091200",
            },
            "dataTypes": {
                key: {"files": [{"fileName": f, "globalName": f"YTD.{key}.part0", "count": str(c)}]}
                for key, (f, c) in files.items()
            },
        }
        zf.writestr("data/manifest.js", "window.__THAR_CONFIG = " + json.dumps(manifest, indent=2))
    return counts


CHILD = r"""
import json, os, resource, sys, threading, time, traceback
import engagemetrics as em
import pandas as pd


def rss_mib():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
current = rss_mib()
if sys.argv[1] == "--baseline":
    print(json.dumps({"base_kib": base, "current_mib": current}))
    raise SystemExit
# Which step of the import holds the memory: sample RSS and the main thread's stack.
PHASES = (
    ("interactions_from_posts", "Archive(): interactions_from_posts (schema.py)"),
    ("posts_table", "Archive(): posts_table (schema.py)"),
    ("follows_table", "Archive(): follows_table (schema.py)"),
    ("_build", "reader: lists -> DataFrames (io/twitter.py _build)"),
    ("_read_tweets", "reader: parsing tweets.js (io/twitter.py _read_tweets)"),
)
phase_max = {}
main = threading.main_thread().ident
done = threading.Event()


def sample():
    while not done.is_set():
        frame = sys._current_frames().get(main)
        names = {f.name for f in traceback.extract_stack(frame)} if frame else set()
        label = next((lab for key, lab in PHASES if key in names), "other")
        phase_max[label] = max(phase_max.get(label, 0.0), rss_mib())
        time.sleep(0.05)


sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
t0 = time.perf_counter()
archive = em.read_twitter_archive(sys.argv[1], show_progress=False)
seconds = time.perf_counter() - t0
done.set()
sampler.join()
tables = sum(
    int(getattr(archive, name).memory_usage(deep=True).sum())
    for name in ("follows", "posts", "interactions", "accounts", "ledger")
)
print(json.dumps({
    "base_kib": base,
    "current_mib": current,
    "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "seconds": seconds,
    "posts": len(archive.posts),
    "follows": len(archive.follows),
    "interactions": len(archive.interactions),
    "tables_bytes": tables,
    "kinds": archive.posts["kind"].astype(str).value_counts().to_dict(),
    "phase_max_mib": phase_max,
}))
"""


def measure(path: Path) -> dict[str, object]:
    """Run the import in fresh subprocesses and return their figures."""
    base = json.loads(
        subprocess.run(
            [sys.executable, "-c", CHILD, "--baseline"], capture_output=True, text=True, check=True
        ).stdout
    )
    run = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"the import failed:\n{run.stderr[-4000:]}")
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    figures["import_only_kib"] = base["base_kib"]
    figures["import_only_current_mib"] = base["current_mib"]
    return figures


def write_report(
    path: Path,
    counts: dict[str, int],
    figures: dict[str, object],
    command: str,
    write_seconds: float,
) -> None:
    mib = 1024 * 1024
    tweets_mib = counts["bytes"] / mib
    peak = figures["peak_kib"] / 1024
    base = figures["import_only_kib"] / 1024
    current = figures["import_only_current_mib"]
    lines = [
        "# Import memory",
        "",
        "Issue 3: a 1 GB archive must load without holding several copies of it in memory.",
        "",
        f"Command (from the repository root): `{command}`",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}. The archive is synthetic (2026-style "
        "`tweets.js`, written by `benchmarks/import_memory.py`); the import runs "
        "`em.read_twitter_archive` in a fresh subprocess and the figure is that process's "
        "peak resident set size (`ru_maxrss`).",
        "",
        "| quantity | value |",
        "|---|---|",
        f"| `data/tweets.js` (uncompressed) | {tweets_mib:,.0f} MiB ({counts['tweets']:,} tweets) |",
        f"| zip on disk | {path.stat().st_size / mib:,.0f} MiB |",
        f"| follower.js / following.js | {counts['followers']:,} / {counts['following']:,} ids |",
        f"| peak RSS of the import process (`ru_maxrss`) | {peak:,.0f} MiB "
        f"= {peak / tweets_mib:.2f} x the size of tweets.js |",
        f"| RSS after `import engagemetrics` (current / peak during the import statement) | "
        f"{current:,.0f} / {base:,.0f} MiB |",
        f"| peak above the current RSS after import | {peak - current:,.0f} MiB "
        f"= {(peak - current) / tweets_mib:.2f} x the size of tweets.js |",
        f"| canonical tables held at the end (deep memory usage) | "
        f"{figures['tables_bytes'] / mib:,.0f} MiB |",
        f"| import time | {figures['seconds']:,.0f} s |",
        f"| rows read | {figures['posts']:,} posts, {figures['follows']:,} follows, "
        f"{figures['interactions']:,} interactions |",
        f"| time to write the archive | {write_seconds:,.0f} s (0 when reused) |",
        "",
        f"Post kinds read: {figures['kinds']}.",
        "",
        "Highest RSS seen in each step of the import (sampled every 50 ms from the import "
        "process's main-thread stack):",
        "",
        "| step | highest RSS |",
        "|---|---|",
        *(
            f"| {label} | {value:,.0f} MiB |"
            for label, value in sorted(figures["phase_max_mib"].items(), key=lambda kv: -kv[1])
        ),
        "",
    ]
    text = "\n".join(lines)
    if REPORT.exists():
        old = REPORT.read_text(encoding="utf-8")
        # Replace only this script's section; other sections of the file are kept.
        pattern = re.compile(r"^# Import memory\n.*?(?=^# |\Z)", re.S | re.M)
        text = pattern.sub(lambda _: text, old) if pattern.search(old) else old + "\n" + text
    REPORT.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of tweets.js in MiB")
    parser.add_argument("--keep", action="store_true", help="keep the generated archive")
    parser.add_argument("--no-report", action="store_true", help="print, do not write the .md")
    args = parser.parse_args(argv)
    path = DATA / f"twitter-2026-01-01-{'0' * 56}{args.size_mb:08d}.zip"
    counts_file = path.with_suffix(".json")
    t0 = time.perf_counter()
    if path.exists() and counts_file.exists():
        counts = json.loads(counts_file.read_text())
    else:
        counts = write_archive(path, args.size_mb)
        counts_file.write_text(json.dumps(counts))
    write_seconds = time.perf_counter() - t0
    figures = measure(path)
    command = f"/work/venv/bin/python benchmarks/import_memory.py --size-mb {args.size_mb}"
    print(json.dumps({"counts": counts, **figures}, indent=2))
    if not args.no_report:
        write_report(path, counts, figures, command, write_seconds)
    if not args.keep:
        path.unlink()
        counts_file.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
