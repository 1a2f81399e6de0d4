"""Command line: ``engagemetrics [EXPORT]`` prints an account's core metrics.

Without an argument it audits the bundled demo account, so a fresh install shows
what the library measures. This is a thin layer: every number comes from
:func:`engagemetrics.ego_metrics` and :func:`engagemetrics.reciprocity`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .exceptions import EngagemetricsError

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


def _fmt(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if kind == "n":
        return f"{int(value):,}"
    if kind == "%":
        return f"{100 * float(value):.1f}%"
    return f"{float(value):.3f}"


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
        :func:`engagemetrics.ego_metrics`), ``graph_reciprocity`` and ``ledger``
        (records not taken, by reason).

    Examples
    --------
    >>> import engagemetrics as em
    >>> s = summary(em.datasets.demo())
    >>> s["metrics"]["followers"] > 0
    True
    """
    from .metrics.conversation import ego_metrics
    from .metrics.reciprocity import reciprocity

    row = ego_metrics(archive, start=start, end=end).iloc[0]
    graph_r = None if len(archive.follows) == 0 else reciprocity(archive.follows)
    metrics = {k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v)
               for k, v in row.items()}
    led = archive.ledger
    return {
        "platform": archive.platform,
        "ego": archive.ego,
        "window": [None if start is None else str(start), None if end is None else str(end)],
        "metrics": metrics,
        # NaN (a table of self-follows only) is not JSON: report it missing, like the metrics.
        "graph_reciprocity": None if graph_r is None or math.isnan(graph_r) else graph_r,
        "ledger": [
            {k: (v.item() if hasattr(v, "item") else v) for k, v in rec.items()}
            for rec in led.to_dict("records")
        ],
    }


def _text(s: dict[str, Any]) -> str:
    lines = [f"engagemetrics: {s['platform']} account {s['ego']}"]
    if any(s["window"]):
        lines.append(f"window: [{s['window'][0] or '-inf'}, {s['window'][1] or '+inf'})")
    width = max(len(label) for _, label, _ in _ROWS)
    for key, label, kind in _ROWS:
        if key in s["metrics"]:
            lines.append(f"  {label:<{width}}  {_fmt(s['metrics'][key], kind)}")
    if s["graph_reciprocity"] is not None:
        lines.append(f"  {'reciprocity of the whole follow table':<{width}}  "
                     f"{_fmt(s['graph_reciprocity'], 'r')}")
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

            archive = load(args.export)
        s = summary(archive, start=args.start, end=args.end)
    except (EngagemetricsError, OSError) as exc:  # OSError: missing, unreadable, a device
        print(f"engagemetrics: error: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(s, indent=2, default=str, allow_nan=False))
    else:
        print(_text(s))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
