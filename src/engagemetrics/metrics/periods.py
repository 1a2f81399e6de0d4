"""Per-period aggregates, and the one period convention of every per-period function.

A period is a UTC calendar period named by ``freq`` (``"QE"`` quarters, ``"ME"`` months,
``"YE"`` years, ``"D"`` days, or their start-of-period synonyms ``"QS"``, ``"MS"``, ``"YS"``,
which name the same periods) and labelled as pandas labels it: ``2026Q1``, ``2026-03``,
``2026``, ``2026-03-05``. On pandas the label is a :class:`pandas.Period`; on other engines it
is that text. :func:`engagemetrics.ego_metrics` and :func:`period_counts` share it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..archive import Archive
from ..exceptions import InvalidArgumentError
from . import _frames
from ._assemble import mask_unknown
from ._prepare import (
    Window,
    check_bool,
    interactions_frame,
    is_native,
    parse_freq,
    parse_window,
    posts_frame,
)

__all__ = ["period_bounds", "period_counts", "period_range", "period_window"]


def period_range(first_ns: int, last_ns: int, freq: str) -> list[pd.Period]:
    """Every period (pandas Period frequency ``freq``) from the one holding ``first_ns`` to
    the one holding ``last_ns`` (int64 nanoseconds, UTC)."""
    first = pd.Timestamp(first_ns).to_period(freq)
    last = pd.Timestamp(last_ns).to_period(freq)
    return list(pd.period_range(first, last, freq=freq))


def period_bounds(period: pd.Period) -> tuple[int, int]:
    """The period as half-open ``[start, end)`` int64 nanoseconds, UTC."""
    start = pd.Timestamp(period.start_time).tz_localize("UTC").as_unit("ns").value
    end = pd.Timestamp((period + 1).start_time).tz_localize("UTC").as_unit("ns").value
    return int(start), int(end)


def period_window(window: Window, period: pd.Period) -> Window:
    """The part of ``window`` inside ``period``."""
    return window.cut(*period_bounds(period))


def period_counts(
    posts: Any,
    *,
    interactions: Any = None,
    freq: str = "QE",
    start: Any = None,
    end: Any = None,
    include_direct: bool = False,
) -> Any:
    """Per-account, per-period post counts and ratios, on any engine.

    The per-period side of the conversation metrics (``docs/definitions.md``, "Conversation
    metrics"): one group-by on ``(account, period)``, so it runs on the engine that holds the
    posts, lazily when the frame is lazy.

    Parameters
    ----------
    posts : pandas, Polars (eager or lazy), DuckDB or PySpark frame, or an Archive
        ``author``, ``created_at`` (UTC timestamps), ``kind`` (``post``, ``reply``,
        ``thread``, ``repost``, ``quote``), optional ``visibility``. None with
        ``interactions=``. An :class:`~engagemetrics.Archive` gives its post log (or its
        interaction log when it has no post log), and what its export does not cover is
        missing.
    interactions : frame, optional
        Only without ``posts``: an interaction log (``actor``, ``target``, ``kind``,
        ``created_at``); replies, threads, reposts and quotes are counted from the
        interactions each account made, and ``posts``, ``broadcasts`` and their ratios are
        missing.
    freq : {"QE", "ME", "YE", "D", "QS", "MS", "YS"}
        Calendar periods (see the module's description); the same values as
        :func:`engagemetrics.ego_metrics` takes.
    start, end : timestamp-like, optional
        Half-open window ``[start, end)`` in UTC.
    include_direct : bool
        Count direct messages. Default False.

    Returns
    -------
    pandas.DataFrame, or a frame of the input's engine
        One row per account and period in which it posted: Int64 ``posts``, ``replies``,
        ``broadcasts``, ``threads``, ``reposts``, ``quotes`` and float64
        ``reply_to_broadcast_ratio``, ``reply_share``, ``thread_share`` (NaN when the
        denominator is 0). On pandas indexed by ``(account, period)``, ``period`` a
        :class:`pandas.Period`; on other engines ``account`` and ``period`` (its label as
        text, e.g. ``"2026Q1"``) are the first columns. Sorted by account and period.

    Raises
    ------
    UnsupportedBackendError, MissingColumnsError
        A table of an unsupported kind, or without a required column.
    InvalidArgumentError
        An unknown ``freq``, an empty window, or neither posts nor interactions.

    Notes
    -----
    Periods without a post have no row; their counts are 0.

    Examples
    --------
    >>> posts = pd.DataFrame({
    ...     "post_id": ["1", "2", "3"], "author": "a", "kind": ["post", "reply", "reply"],
    ...     "created_at": pd.to_datetime(["2026-01-05", "2026-02-05", "2026-04-05"], utc=True)})
    >>> period_counts(posts, freq="QE")[["posts", "replies", "reply_share"]]
                    posts  replies  reply_share
    account period
    a       2026Q1      2        1          0.5
            2026Q2      1        1          1.0
    """
    period = parse_freq(freq)
    window = parse_window(start, end)
    include_direct = check_bool(include_direct, "include_direct")
    coverage = None
    if isinstance(posts, Archive):
        if interactions is not None:
            raise InvalidArgumentError(
                "period_counts() was given an em.Archive and an interactions table; an Archive "
                "stands for all its tables"
            )
        archive = posts
        coverage = archive.coverage
        if coverage.known("posts") or not coverage.known("interactions_made"):
            posts, interactions = archive.posts, None
        else:
            posts, interactions = None, archive.interactions
    elif posts is not None and interactions is not None:
        raise InvalidArgumentError(
            "period_counts() counts a post log, or an interaction log when there is no post "
            "log; pass one of posts= and interactions=, not both"
        )
    if posts is None and interactions is None:
        raise InvalidArgumentError("period_counts() needs a posts table (or interactions=)")
    if not is_native(posts if posts is not None else interactions):
        posts = None if posts is None else posts_frame(posts)
        interactions = None if interactions is None else interactions_frame(interactions)
    out = _frames.period_table(
        posts, interactions, freq=period, window=window, include_direct=include_direct
    )
    if isinstance(out, pd.DataFrame):
        out = mask_unknown(out, coverage)
    return out
