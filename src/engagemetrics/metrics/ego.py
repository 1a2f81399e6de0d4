"""The archive owner's (ego's) metrics, once or per calendar period."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..archive import Archive
from ..exceptions import InvalidArgumentError
from . import _kernels
from ._assemble import OTHER_ACCOUNTS
from ._definitions import (
    ACCOUNT_COLUMNS,
    CHANGE_SUFFIX,
    CONVERSATION_COLUMNS,
    DEFAULT_HORIZON,
    EGO_EXTRA_COLUMNS,
    EGO_RELATIONAL_COLUMNS,
    EGO_TWO_WAY_COLUMNS,
    FOLLOW_COLUMNS,
    FOLLOW_COUNT_COLUMNS,
    FOLLOW_EVENT_COLUMNS,
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
from .followdates import new_follows
from .graph import FollowGraph
from .periods import period_range, period_window
from .twoway import (
    Events,
    account_codes,
    conversation_events,
    known_parts,
    parse_horizon,
    prepare_conversation,
    reply_measures,
)

__all__ = ["EGO_COLUMNS", "ego_metrics"]

#: The columns of :func:`ego_metrics`, in order.
EGO_COLUMNS = (*ACCOUNT_COLUMNS, *EGO_EXTRA_COLUMNS, *EGO_RELATIONAL_COLUMNS, "follow_basis")


def ego_metrics(
    archive: Any,
    *,
    start: Any = None,
    end: Any = None,
    freq: str | None = None,
    include_direct: bool = False,
    loops: str = "drop",
    multi: str = "collapse",
    horizon: Any = DEFAULT_HORIZON,
    changes: bool = False,
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
    horizon : str or timedelta
        How long a reply back or an answer may take, as in
        :func:`engagemetrics.two_way_metrics`. Default ``"7D"``.
    changes : bool
        Only with ``freq``: add ``<column>_change`` for every numeric column, the row's value
        minus the previous period's (for a ratio, the difference of the two ratios, not a
        percentage); missing in the first period and where either value is missing. Default
        False. See Notes.

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

        =========================== ======= ==================================================
        ``interlocutors``           Int64   distinct other accounts the ego replied to or
                                            mentioned
        ``outreach_gini``           float64 :func:`engagemetrics.gini` of the ego's reply
                                            counts across the accounts replied to
        ``outreach_entropy``        float64 :func:`engagemetrics.normalized_entropy` of the same
        ``amplified``               Int64   reposts + quotes of other accounts' posts
        ``amplified_accounts``      Int64   distinct accounts amplified
        ``self_reposts``            Int64   reposts + quotes of the ego's own posts
        ``mentions``                Int64   mention interactions to other accounts
        ``new_followers``           Int64   accounts that started following the ego in the
                                            row's window, from the follow dates, as
                                            :func:`engagemetrics.follow_events` counts them
        ``new_following``           Int64   accounts the ego started following, the same way
        ``reply_back_rate``         float64 of the ego's replies in the window, the share
                                            replied back within ``horizon``, as
                                            :func:`engagemetrics.two_way_metrics` defines it
        ``reply_back_hours_median`` float64 median hours to the reply back
        ``answer_rate``             float64 of the replies and mentions addressed to the ego
                                            in the window, the share it answered
        ``answer_hours_median``     float64 median hours to its answer
        ``follow_basis``            str     what the follow counts of the row are: see Notes
        =========================== ======= ==================================================

        A value the export does not cover is missing (NA), and ``.attrs["unknown"]`` maps
        each such column to the reason.

    Raises
    ------
    NoEgoError
        If the archive has no ego (a platform dataset).
    InvalidArgumentError
        For an empty window, a ``freq`` that is not one of the choices, ``changes=True``
        without ``freq``, a horizon that is not a positive time span, or an input that is
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

    ``new_followers`` and ``new_following`` are missing where the follows of that side carry
    no date (X, Mastodon) or the export lacks the side (a Bluesky repo has no follower list);
    where they are dated, a row without a new follow has a measured 0. They count the follows
    made in the row's window that were still there at the export (a lower bound). The
    two-way columns are missing where the export holds one side of the conversation only
    (an X archive alone has not the replies of others): see ``docs/definitions.md``, "Two-way
    conversations".

    With ``changes=True``, the change of a follow count between two past periods is the
    change of two lower bounds: the follows made in the later period that were still there at
    the export, never an unfollow. It is not a bound on the net change; the rows'
    ``follow_basis`` says which counts are lower bounds, and ``docs/definitions.md``
    ("Periods") says more.

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

    New follows from dated follows, and the change from the quarter before:

    >>> dated = pd.DataFrame({"source": ["me", "me", "ann"], "target": ["ann", "bob", "me"],
    ...     "followed_at": ["2026-01-10", "2026-04-02", "2026-04-03"]})
    >>> b = em.Archive(follows=dated, posts=posts, ego="me", exported_at="2026-08-01")
    >>> q = ego_metrics(b, freq="QE", changes=True)
    >>> q[["new_following", "new_followers", "new_following_change", "replies_change"]]
            new_following  new_followers  new_following_change  replies_change
    period
    2026Q1              1              0                  <NA>            <NA>
    2026Q2              1              1                     0              -2
    2026Q3              0              0                    -1               0
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
    horizon_ns = parse_horizon(horizon)
    changes = check_bool(changes, "changes")
    if changes and period is None:
        raise InvalidArgumentError(
            "ego_metrics(changes=True) gives the change from one period to the next, and "
            "without freq= there is one row and no previous period; pass freq='QE' (or "
            "'ME', 'YE', 'D')"
        )
    own = _Own(archive, ego, loops=loops, multi=multi, include_direct=include_direct,
               window=window, horizon=horizon_ns)
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
    missing.update(own.new.unknown)  # new follows of a side not covered or not dated
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
    if changes:
        frame = _with_changes(frame, reasons)
    frame.attrs["unknown"] = reasons
    return frame


def _with_changes(frame: pd.DataFrame, reasons: dict[str, str]) -> pd.DataFrame:
    """``<column>_change`` for every numeric column: the row minus the row before."""
    numeric = [c for c in frame.columns if c != "follow_basis"]
    first = str(frame.index[0]) if len(frame) else ""
    changed = {}
    for column in numeric:
        name = column + CHANGE_SUFFIX
        changed[name] = frame[column] - frame[column].shift(1)
        if frame.empty:
            continue
        why = [f"the first period ({first}) has no period before it"]
        if column in reasons and frame[column].isna().any():
            why.append(f"{column} is missing in this period or the one before: "
                       f"{reasons[column]}")
        reasons[name] = "; ".join(why)
    return pd.concat([frame, pd.DataFrame(changed, index=frame.index)], axis=1)


class _Own:
    """The ego's part of an archive, encoded once for every window."""

    def __init__(self, archive: Archive, ego: str, *, loops: str, multi: str,
                 include_direct: bool, window: Window, horizon: int) -> None:
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
        # the follows made in the window (follow_events' definition), cut per row below
        self.new = new_follows(f, ego, archive.coverage, window)
        # the replies and mentions between the ego and others, each with its answer's latency
        # (two_way_metrics' definition), the items of each row picked by time below
        self.horizon = horizon
        self.conv = prepare_conversation(archive, None, None, function="ego_metrics")
        self.events = conversation_events(self.conv.enc, window, horizon,
                                          include_direct=include_direct)
        self.two_way_code = int(account_codes(self.conv.enc.ids, [ego])[0])
        if self.two_way_code < 0:  # the ego is in no table: no item, and what is known of it
            only = pd.Index([ego])
            self.conv = self.conv._replace(
                enc=self.conv.enc._replace(ids=only),
                known=known_parts(self.conv.known.coverage, only, self.conv.known.absent),
            )
            self.events = Events(*(values[:0] for values in self.events))
            self.two_way_code = 0

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
        for column in FOLLOW_EVENT_COLUMNS:
            times = self.new.times.get(column)
            row[column] = pd.NA if times is None else int(window.mask(times).sum())
        events = self.events
        item = events.item & window.mask(events.ns)
        arrays, missing, why = reply_measures(self.conv, events, item, self.horizon)
        code = self.two_way_code
        for column in EGO_TWO_WAY_COLUMNS:
            if missing[column][code]:
                row[column] = np.nan
                self.reasons.setdefault(column, "; ".join(why.get(column, ()))
                                        or OTHER_ACCOUNTS)
            else:
                row[column] = float(arrays[column][code])
        row["follow_basis"] = basis
        return row
