"""When an owner's follows were made: the one definition of a new follow.

:func:`engagemetrics.follow_events`, :func:`engagemetrics.follower_cohorts` (both in
:mod:`.change`) and :func:`engagemetrics.ego_metrics` per period (:mod:`.ego`) read the dates
of an owner's follows through these functions, so that "a new follower in a period" has one
definition (``docs/definitions.md``, "Follow events from their dates"): one event per distinct
counterpart on each side, at the earliest date of the edge's copies, self-follows left out.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import schema
from ..coverage import Coverage
from ._definitions import FOLLOW_EVENT_COLUMNS, FOLLOW_EVENT_SIDES
from ._prepare import NAT, Window, encode_ids, id_column, ns

__all__ = [
    "NewFollows",
    "count_by_period",
    "earliest_codes",
    "follow_times",
    "new_follows",
    "owner_sides",
    "undated_reason",
]

_LATEST = np.iinfo(np.int64).max


def follow_times(follows: pd.DataFrame) -> np.ndarray:
    """``followed_at`` of every row of a follow table, as int64 ns (NAT where undated, and
    everywhere when the column is absent)."""
    if "followed_at" not in follows.columns:
        return np.full(len(follows), NAT, dtype=np.int64)
    when = follows["followed_at"]
    if when.dtype != schema.TIMESTAMP_DTYPE:
        when = schema.to_timestamp(when, column="followed_at", table="follows")
    return ns(when)


def owner_sides(follows: pd.DataFrame, ego: Any) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``follows`` that are the owner's followers (``x -> ego``) and its
    following (``ego -> x``); a self-follow is neither."""
    by = (follows["source"] == ego).to_numpy(dtype=bool, na_value=False)
    to = (follows["target"] == ego).to_numpy(dtype=bool, na_value=False)
    return to & ~by, by & ~to


def earliest_codes(codes: np.ndarray, when: np.ndarray, n_codes: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes (below ``n_codes``), sorted, each with its earliest time (NAT when
    none of its copies is dated): a scatter-minimum, no sort.

    Examples
    --------
    >>> found, made = earliest_codes(np.array([2, 0, 2]), np.array([30, NAT, 10]), 3)
    >>> found.tolist(), (made == NAT).tolist(), made[1]
    ([0, 2], [True, False], np.int64(10))
    """
    keep = codes >= 0
    codes, dated = codes[keep], np.where(when[keep] == NAT, _LATEST, when[keep])
    first = np.full(n_codes, _LATEST, dtype=np.int64)
    np.minimum.at(first, codes, dated)
    present = np.zeros(n_codes, dtype=bool)
    present[codes] = True
    found = np.flatnonzero(present)
    made = first[found]
    return found, np.where(made == _LATEST, NAT, made)


def undated_reason(side: str, coverage: Coverage | None) -> str:
    """Why the times of a side's follows are unknown (plain tables: some lack a date)."""
    if coverage is None:
        return (f"some of the {side} carry no follow date (followed_at is missing): when they "
                "were made is unknown")
    return (f"the {side} carry no follow dates (an export of this kind does not date them): "
            "when they were made is unknown")


class NewFollows(NamedTuple):
    """The owner's follows made in a window, per column of
    :data:`._definitions.FOLLOW_EVENT_COLUMNS`."""

    account: pd.Index  # the owner's id, as the encoded ids write it (one element)
    times: dict[str, np.ndarray]  # column -> when each new follow was made (int64 ns)
    unknown: dict[str, str]  # column -> why it is unknown (then not in times)


def new_follows(follows: pd.DataFrame, ego: Any, coverage: Coverage | None,
                window: Window) -> NewFollows:
    """The owner's new followers and new following in ``window``: one time per distinct
    counterpart (its earliest dated copy). A side that ``coverage`` does not cover, or whose
    follows are not all dated, is unknown, with the reason.

    Examples
    --------
    >>> follows = pd.DataFrame({"source": ["ann", "ann", "me"], "target": ["me", "me", "bob"],
    ...     "followed_at": pd.to_datetime(["2026-02-01", "2026-01-01", None], utc=True)})
    >>> found = new_follows(follows, "me", None, Window(None, None))
    >>> pd.to_datetime(found.times["new_followers"], utc=True).tolist()
    [Timestamp('2026-01-01 00:00:00+0000', tz='UTC')]
    >>> sorted(found.unknown)
    ['new_following']
    """
    fol, ing = owner_sides(follows, ego)
    when = follow_times(follows)
    rows = {"followers": fol, "following": ing}
    ids, codes = encode_ids([id_column(pd.Series([ego])),
                             *(id_column(follows["source" if side == "followers" else "target"]
                                         [rows[side]]) for side in ("followers", "following"))])
    sides = {side: earliest_codes(codes[k + 1], when[rows[side]], len(ids))[1]
             for k, side in enumerate(("followers", "following"))}
    times: dict[str, np.ndarray] = {}
    unknown: dict[str, str] = {}
    for column in FOLLOW_EVENT_COLUMNS:
        side = FOLLOW_EVENT_SIDES[column]
        why = None if coverage is None else coverage.reason(side)
        made = sides[side]
        if why is None and (made == NAT).any():
            why = undated_reason(side, coverage)
        if why is not None:
            unknown[column] = why
        else:
            times[column] = made[window.mask(made)]
    code = int(codes[0][0])
    return NewFollows(ids[code : code + 1].rename("account"), times, unknown)


def count_by_period(times: np.ndarray, starts: np.ndarray, stop: int) -> np.ndarray:
    """How many of ``times`` fall in each period ``[starts[k], starts[k + 1])``, the last
    ending at ``stop`` (periods contiguous and sorted; times outside count nowhere).

    Examples
    --------
    >>> count_by_period(np.array([5, 12, 13, 40]), np.array([0, 10, 20]), 30).tolist()
    [1, 2, 0]
    """
    if starts.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    t = times[(times >= starts[0]) & (times < stop)]
    slot = np.searchsorted(starts, t, side="right") - 1
    return np.bincount(slot, minlength=starts.shape[0]).astype(np.int64)
