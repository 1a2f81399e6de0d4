"""Command line: ``engagemetrics [EXPORT]`` prints an account's core metrics.

Without an argument it audits the bundled demo account, so a fresh install shows
what the library measures. This is a thin layer: every number comes from
:func:`engagemetrics.ego_metrics` and :func:`engagemetrics.reciprocity`; a number that the
export does not hold is shown as unknown, with the reason, never as 0.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .exceptions import EngagemetricsError
from .metrics.ego import ego_metrics
from .metrics.graph import FollowGraph
from .metrics.reciprocity import not_whole_graph, reciprocity

__all__ = ["main", "summary"]

# (column, label, kind): kind "n" is a count, "r" a ratio shown with 3 decimals, "%" a share.
_ROWS = [
    ("followers", "followers", "n"),
    ("following", "following", "n"),
    ("mutuals", "mutuals", "n"),
    ("follow_ratio", "follower/following ratio (vanity number)", "r"),
    ("follow_back_rate", "follow-back rate (mutuals / following)", "%"),
    ("reciprocation_rate", "reciprocation rate (mutuals / followers)", "%"),
    ("reciprocity_dice", "node reciprocity (Dice)", "r"),
    ("posts", "posts authored", "n"),
    ("replies", "replies", "n"),
    ("broadcasts", "broadcasts (posts + thread continuations)", "n"),
    ("reply_to_broadcast_ratio", "reply-to-broadcast ratio", "r"),
    ("reply_share", "reply share", "%"),
    ("outreach_breadth", "distinct accounts replied to", "n"),
    ("followee_engagement", "followee engagement (share of followings engaged)", "%"),
    ("outreach_gini", "outreach concentration (Gini)", "r"),
    ("amplified", "reposts + quotes of others", "n"),
    ("amplified_accounts", "distinct accounts amplified", "n"),
]


def _fmt(value: Any, kind: str, unknown: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f"unknown ({unknown})" if unknown else "n/a"
    if kind == "n":
        return f"{int(value):,}"
    if kind == "%":
        return f"{100 * float(value):.1f}%"
    return f"{float(value):.3f}"


def _plain(value: Any) -> Any:
    """A JSON-ready Python value: None for missing, int for counts, float for ratios."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def summary(archive: Any, *, start: Any = None, end: Any = None) -> dict[str, Any]:
    """The numbers the command line shows, as a plain dict.

    Parameters
    ----------
    archive : engagemetrics.Archive
        An archive with an ego.
    start, end : timestamp-like, optional
        Half-open UTC window for posts and interactions.

    Returns
    -------
    dict
        ``platform``, ``ego``, ``window``, ``metrics`` (the ego's row of
        :func:`engagemetrics.ego_metrics`; None where the export does not cover a value),
        ``unknown`` (the reason for each such value), ``coverage`` (what the export holds),
        ``graph_reciprocity`` (None when the data is not a whole graph) and ``ledger``
        (records not taken, by reason).

    Examples
    --------
    >>> import engagemetrics as em
    >>> s = summary(em.datasets.demo())
    >>> s["metrics"]["followers"] > 0, type(s["metrics"]["followers"]).__name__
    (True, 'int')
    """
    row = ego_metrics(archive, start=start, end=end)
    unknown = dict(row.attrs.get("unknown", {}))
    graph = FollowGraph(archive)
    why = not_whole_graph(graph)
    graph_r = math.nan
    if why is not None:
        unknown["graph_reciprocity"] = why
    elif graph.graph_counts(loops="drop", multi="collapse").arcs == 0:
        unknown["graph_reciprocity"] = "undefined: no follow between two accounts"
    else:
        graph_r = reciprocity(graph)
    metrics = {k: _plain(v) for k, v in row.iloc[0].items()}
    led = archive.ledger
    return {
        "platform": archive.platform,
        "ego": archive.ego,
        "window": [None if start is None else str(start), None if end is None else str(end)],
        "metrics": metrics,
        "unknown": unknown,
        "coverage": archive.coverage.to_dict(),
        "graph_reciprocity": _plain(graph_r),
        "ledger": [
            {k: _plain(v) for k, v in rec.items()} for rec in led.to_dict("records")
        ],
    }


def _text(s: dict[str, Any]) -> str:
    lines = [f"engagemetrics: {s['platform']} account {s['ego']}"]
    if any(s["window"]):
        lines.append(f"window: [{s['window'][0] or '-inf'}, {s['window'][1] or '+inf'})")
    width = max(len(label) for _, label, _ in _ROWS)
    for key, label, kind in _ROWS:
        if key in s["metrics"]:
            value = _fmt(s["metrics"][key], kind, s["unknown"].get(key))
            lines.append(f"  {label:<{width}}  {value}")
    value = _fmt(s["graph_reciprocity"], "r", s["unknown"].get("graph_reciprocity"))
    lines.append(f"  {'reciprocity of the whole follow table':<{width}}  {value}")
    if s["ledger"]:
        lines.append("data-quality ledger (records not taken, or kept under a convention):")
        for rec in s["ledger"]:
            lines.append(f"  {rec['count']:>8,}  {rec['action']:<7}  {rec['record_kind']}: "
                         f"{rec['reason']} [{rec['source']}]")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``engagemetrics`` command.

    Examples
    --------
    >>> main(["--format", "json"]) == 0  # doctest: +ELLIPSIS
    {...
    True
    """
    parser = argparse.ArgumentParser(
        prog="engagemetrics",
        description="Relationship metrics of one account's export "
        "(default: the bundled demo account).",
    )
    parser.add_argument("export", nargs="?", help="an export as downloaded (zip, folder or file)")
    parser.add_argument(
        "--following",
        help="a following list kept apart from the export (Mastodon's following_accounts.csv)",
    )
    parser.add_argument(
        "--followers",
        help="the followers an export lacks: a CSV or saved API pages (Bluesky, Mastodon)",
    )
    parser.add_argument(
        "--ego", help="the export's owner, for exports that do not name it (X subsets, LinkedIn)"
    )
    parser.add_argument("--start", help="window start, inclusive (UTC), e.g. 2025-01-01")
    parser.add_argument("--end", help="window end, exclusive (UTC)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    try:
        if args.export is None:
            from .datasets import demo

            archive = demo()
        else:
            from .io.load import load

            archive = load(
                args.export, following=args.following, followers=args.followers, ego=args.ego
            )
        s = summary(archive, start=args.start, end=args.end)
    except (EngagemetricsError, OSError) as exc:  # OSError: missing, unreadable, a device
        print(f"engagemetrics: error: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(s, indent=2, default=str, allow_nan=False) if args.format == "json" else (
        _text(s)
    )
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader closed the pipe early (`| head`): not an error. Point stdout at devnull
        # so that the interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
