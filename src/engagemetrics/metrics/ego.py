"""The archive owner's (ego's) metrics, once or per calendar period."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..archive import Archive
from ..exceptions import InvalidArgumentError
from . import _kernels
from ._definitions import (
    ACCOUNT_COLUMNS,
    CONVERSATION_COLUMNS,
    EGO_EXTRA_COLUMNS,
    FOLLOW_COLUMNS,
    FOLLOW_COUNT_COLUMNS,
    FOLLOW_RATES,
    LOOPS,
    MULTIS,
    is_count,
)
from ._prepare import (
    Encoded,
    Inputs,
    Window,
    check_bool,
    check_choice,
    encode_tables,
    interactions_frame,
    parse_freq,
    parse_window,
    posts_frame,
    unknown_columns,
)
from .conversation import conversation_arrays, counts_from_posts, followee_engagement
from .graph import FollowGraph
from .periods import period_range, period_window

__all__ = ["EGO_COLUMNS", "ego_metrics"]

#: The columns of :func:`ego_metrics`, in order.
EGO_COLUMNS = (*ACCOUNT_COLUMNS, *EGO_EXTRA_COLUMNS, "follow_basis")


def ego_metrics(
    archive: Any,
    *,
    start: Any = None,
    end: Any = None,
    freq: str | None = None,
    include_direct: bool = False,
    loops: str = "drop",
    multi: str = "collapse",
) -> pd.DataFrame:
    """The archive owner's (ego's) relationship metrics, once or per calendar period.

    Parameters
    ----------
    archive : engagemetrics.Archive
        An archive with an ego.
    start, end : timestamp-like, optional
        The half-open window ``[start, end)`` in UTC (naive values and strings are taken
        as UTC). Filters posts and interactions; the follow table is a snapshot.
    freq : {"QE", "ME", "YE", "D", "QS", "MS", "YS"}, optional
        Calendar periods, as :func:`engagemetrics.period_counts` takes them: quarters,
        months, years or days, labelled ``2026Q1``, ``2026-03``, ``2026``, ``2026-03-05``.
    include_direct : bool
        Count direct messages. Default False (they are private).
    loops, multi : str
        Conventions of the follow counts, as in :func:`engagemetrics.follow_counts`:
        self-follows dropped, duplicate edges collapsed by default.

    Returns
    -------
    pandas.DataFrame
        Without ``freq``: one row, index ``[ego]`` named ``"account"``. With ``freq``: one
        row per period, index a :class:`pandas.PeriodIndex` named ``"period"``, from the
        first period with activity of the ego (a post or an interaction it made) inside the
        window to the period of the export date (or of the last activity when the export
        date is unknown), every period in between present; no period after the export date;
        no rows when there is no activity. Columns: those of
        :func:`engagemetrics.account_metrics` for the ego (``followers`` ...
        ``followee_engagement``), then:

        ======================= ======= ==================================================
        ``interlocutors``       Int64   distinct other accounts the ego replied to or
                                        mentioned
        ``outreach_gini``       float64 :func:`engagemetrics.gini` of the ego's reply
                                        counts across the accounts replied to
        ``outreach_entropy``    float64 :func:`engagemetrics.normalized_entropy` of the same
        ``amplified``           Int64   reposts + quotes of other accounts' posts
        ``amplified_accounts``  Int64   distinct accounts amplified
        ``self_reposts``        Int64   reposts + quotes of the ego's own posts
        ``mentions``            Int64   mention interactions to other accounts
        ``follow_basis``        str     what the follow counts of the row are: see Notes
        ======================= ======= ==================================================

        A value the export does not cover is missing (NA), and ``.attrs["unknown"]`` maps
        each such column to the reason.

    Raises
    ------
    NoEgoError
        If the archive has no ego (a platform dataset).
    InvalidArgumentError
        For an empty window, a ``freq`` that is not one of the choices, or an input that is
        not an Archive.

    Notes
    -----
    Definitions are in ``docs/definitions.md``; counts are 0 when nothing happened and
    ratios NaN when their denominator is 0. Self-interactions are excluded from every column
    except ``self_reposts`` (which counts them apart); ``outreach_gini`` and
    ``outreach_entropy`` are NaN in a period without replies to others, 0.0 and 1.0 with a
    single interlocutor.

    A follow table is a snapshot at the export date. ``follow_basis`` says what a row's
    follow counts are: ``"snapshot"`` (the follows as exported: the row without ``freq``,
    and the period that holds the export date); ``"lower bound"`` (a past period, from
    follows that carry the time they were made: those made before the period's end that
    were still there at the export; follows made and undone in between are not in any
    export); ``"unknown"`` (a past period when the follows carry no time: missing). A window
    that starts after the export date has its post and interaction columns missing: the
    export cannot hold them.

    Examples
    --------
    >>> import engagemetrics as em
    >>> posts = pd.DataFrame({
    ...     "post_id": ["1", "2", "3", "4"], "author": "me",
    ...     "created_at": ["2026-01-05", "2026-01-06", "2026-07-01", "2026-07-02"],
    ...     "kind": ["reply", "reply", "post", "repost"],
    ...     "parent_author": ["ann", "ann", None, "bob"]})
    >>> follows = pd.DataFrame({"source": ["me", "ann"], "target": ["ann", "me"]})
    >>> a = em.Archive(follows=follows, posts=posts, ego="me", exported_at="2026-08-01")
    >>> q = ego_metrics(a, freq="QE")
    >>> q[["mutuals", "replies", "interlocutors", "amplified", "follow_basis"]]
            mutuals  replies  interlocutors  amplified follow_basis
    period
    2026Q1     <NA>        2              1          0      unknown
    2026Q2     <NA>        0              0          0      unknown
    2026Q3        1        0              0          1     snapshot
    >>> ego_metrics(a)["outreach_gini"].tolist()  # one interlocutor: an equal split
    [0.0]
    """
    if not isinstance(archive, Archive):
        raise InvalidArgumentError(
            f"ego_metrics expects an em.Archive with an ego, got {type(archive).__name__}; "
            "build one with em.Archive(follows, posts, ego='your id')"
        )
    ego = archive.require_ego()
    window = parse_window(start, end)
    include_direct = check_bool(include_direct, "include_direct")
    check_choice("loops", loops, LOOPS)
    check_choice("multi", multi, MULTIS)
    period = None if freq is None else parse_freq(freq)
    own = _Own(archive, ego, loops=loops, multi=multi, include_direct=include_direct)
    exported = None if archive.exported_at is None else int(archive.exported_at.value)

    unknown = unknown_columns(archive.coverage, EGO_COLUMNS)
    if period is None:
        rows = [own.row(window, own.snapshot, "snapshot")]
        index: pd.Index = pd.Index([ego], dtype=archive.follows["source"].dtype, name="account")
        late = exported is not None and window.lo is not None and window.lo >= exported
    else:
        periods = own.periods(window, period, exported)
        rows = []
        for p in periods:
            cut = period_window(window, p)
            end_ns = cut.hi if cut.hi is not None else int(pd.Timestamp.max.value)
            # the period whose span holds the export instant (its end included: the state at
            # a period's end is the snapshot when the export was made at that instant)
            if exported is not None and cut.lo is not None and cut.lo < exported <= end_ns:
                basis, counts = "snapshot", own.snapshot
            else:
                basis, counts = own.dated(end_ns, unknown)
            rows.append(own.row(cut, counts, basis))
        index = pd.PeriodIndex(periods, freq=period, name="period")
        late = False
    frame = pd.DataFrame(rows, columns=list(EGO_COLUMNS), index=index)
    reasons = dict(own.reasons)  # follow counts missing in past periods, already NA there
    missing = dict(unknown)
    if late:
        assert archive.exported_at is not None
        why = (
            f"the window starts after the export ({archive.exported_at.date()}): the export "
            "cannot hold what happened then"
        )
        for column in EGO_COLUMNS:
            if column not in (*FOLLOW_COLUMNS, "follow_basis"):
                missing.setdefault(column, why)
    for column in missing:
        frame[column] = pd.NA if is_count(column) else np.nan
    frame = frame.astype(
        {c: ("Int64" if is_count(c) else "float64") for c in EGO_COLUMNS if c != "follow_basis"}
    )
    reasons.update(missing)
    frame.attrs["unknown"] = reasons
    return frame


class _Own:
    """The ego's part of an archive, encoded once for every window."""

    def __init__(self, archive: Archive, ego: str, *, loops: str, multi: str,
                 include_direct: bool) -> None:
        self.ego, self.loops, self.multi = ego, loops, multi
        self.include_direct = include_direct
        self.coverage = archive.coverage
        f = archive.follows
        touches = ((f["source"] == ego) | (f["target"] == ego)).to_numpy(dtype=bool,
                                                                          na_value=False)
        self.edges = f[touches]
        self.graph = FollowGraph(self.edges)
        self.snapshot = self._follow_counts(self.edges)
        p, it = archive.posts, archive.interactions
        mine = (p["author"] == ego).to_numpy(dtype=bool, na_value=False)
        about = ((it["actor"] == ego) | (it["target"] == ego)).to_numpy(dtype=bool,
                                                                         na_value=False)
        self.enc: Encoded = encode_tables(
            posts_frame(p[mine]), interactions_frame(it[about]),
            [self.graph.ids, pd.Series([ego], dtype=f["source"].dtype)],
        )
        self.code = int(self.enc.extra[1][0])
        self.from_posts = counts_from_posts(
            Inputs(f, p, it, archive.coverage, ego, False)
        )
        self.reasons: dict[str, str] = {}
        self.exported_at = archive.exported_at

    def _follow_counts(self, edges: pd.DataFrame) -> dict[str, Any]:
        graph = FollowGraph(edges)
        code = graph.codes_of(pd.Index([self.ego], dtype=graph.ids.dtype))[0]
        counts = graph.node_counts(loops=self.loops, multi=self.multi)
        return {
            c: (0 if code < 0 else int(getattr(counts, c)[code])) for c in FOLLOW_COUNT_COLUMNS
        }

    def dated(self, end_ns: int, unknown: dict[str, str]) -> tuple[str, dict[str, Any]]:
        """Follow counts at ``end_ns`` from dated follows, and what they are."""
        dates = self.coverage.follow_dates
        when = self.edges["followed_at"]
        before = (when < pd.Timestamp(end_ns, tz="UTC")).to_numpy(dtype=bool, na_value=False)
        counts: dict[str, Any] = self._follow_counts(self.edges[before])
        sides = {"followers": dates["followers"], "following": dates["following"]}
        date = "an unknown date" if self.exported_at is None else str(self.exported_at.date())
        for side, dated in sides.items():
            if not dated:
                counts[side] = pd.NA
                self.reasons.setdefault(
                    side,
                    f"the {side} carry no follow dates: counts before the export ({date}) "
                    "are unknown",
                )
        if not all(sides.values()):
            counts["mutuals"] = pd.NA
            self.reasons.setdefault("mutuals", self.reasons.get("followers")
                                    or self.reasons["following"])
        return ("lower bound" if any(sides.values()) else "unknown"), counts

    def periods(self, window: Window, period: str, exported: int | None) -> list[pd.Period]:
        """From the first period with activity in the window to the export's period."""
        stamps = []
        if self.enc.posts is not None:
            p = self.enc.posts
            keep = window.mask(p.ns) & (p.author == self.code)
            if not self.include_direct:
                keep &= ~p.direct
            stamps.append(p.ns[keep])
        if self.enc.interactions is not None:
            it = self.enc.interactions
            keep = window.mask(it.ns) & (it.ns != np.iinfo(np.int64).min) & (
                it.actor == self.code
            )
            if not self.include_direct:
                keep &= ~it.direct
            stamps.append(it.ns[keep])
        found = np.concatenate(stamps) if stamps else np.empty(0, dtype=np.int64)
        if found.shape[0] == 0:
            return []
        first, last = int(found.min()), int(found.max())
        if exported is not None:
            cap = exported if window.hi is None else min(exported, window.hi - 1)
            last = min(max(last, cap), exported - 1)  # a period must start before the export
            if first > last:
                return []
        return period_range(first, last, period)

    def row(self, window: Window, follows: dict[str, Any], basis: str) -> dict[str, Any]:
        """The ego's row for ``window``, with the follow counts given."""
        n_codes = len(self.enc.ids)
        arrays, null = conversation_arrays(
            self.enc, window, include_direct=self.include_direct, include_self=False,
            from_posts=self.from_posts,
        )
        row: dict[str, Any] = dict(follows)
        # a missing count is NaN here, and a ratio of a NaN is NaN: missing too
        counts = {c: np.array([np.nan if pd.isna(v) else v], dtype=np.float64)
                  for c, v in follows.items()}
        for name, ratio in FOLLOW_RATES.items():
            row[name] = float(_kernels.evaluate(ratio, counts)[0])
        for column in CONVERSATION_COLUMNS:
            row[column] = pd.NA if column in null else arrays[column][self.code]
        engagement = followee_engagement(
            self.graph, self.enc.extra[0], self.enc, window, include_direct=self.include_direct
        )
        row["followee_engagement"] = engagement[self.code] if n_codes else np.nan
        acts = _kernels.kept_interactions(self.enc, window, self.include_direct,
                                          include_self=True)
        row.update(_kernels.ego_extras(acts, self.code))
        row["follow_basis"] = basis
        return row
