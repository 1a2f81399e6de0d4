"""Two-way conversations per account: reply-back rate, answer rate and Kaplan-Meier latency,
and the depth and turns of the threads an account joins.

Definitions: ``docs/definitions.md``, "Two-way conversations". The input preparation that the
per-counterpart table (:mod:`.relationships`) shares with it lives here too
(:func:`prepare_conversation`, :func:`parse_horizon`, :class:`Known`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import schema
from ..coverage import Coverage
from ..exceptions import InvalidArgumentError, UnsupportedBackendError
from . import _kernels
from ._assemble import OTHER_ACCOUNTS
from ._definitions import (
    DEFAULT_HORIZON,
    TWO_WAY_ANSWER,
    TWO_WAY_COLUMNS,
    TWO_WAY_DTYPES,
    TWO_WAY_REPLY_BACK,
    TWO_WAY_THREADS,
)
from ._prepare import (
    NAT,
    Encoded,
    Window,
    check_bool,
    encode_ids,
    encode_tables,
    follows_frame,
    id_column,
    interactions_frame,
    parse_window,
    posts_frame,
    take_inputs,
)
from .graph import FollowGraph

__all__ = [
    "Conversation",
    "Known",
    "account_codes",
    "known_parts",
    "parse_horizon",
    "prepare_conversation",
    "reply_measures",
    "two_way_metrics",
]

HOUR_NS = 3_600 * 10**9
_REPLY = schema.INTERACTION_KINDS.index("reply")
_MENTION = schema.INTERACTION_KINDS.index("mention")
_REPLY_POST = schema.POST_KINDS.index("reply")
_CHAIN_KINDS = np.array([schema.POST_KINDS.index(k) for k in ("reply", "thread")])
_NO_POSTS = "no posts table was given"
_NO_FOLLOWS = "no follow table was given"
_NO_LOG = "no posts or interactions table was given"
_NO_ROOTS = (
    "some of its replies carry no thread root (root_id): X and Mastodon exports record a "
    "reply's parent, not its thread's root"
)
_BROKEN_CHAIN = (
    "the chain from some of its replies up to the thread's root passes through posts that "
    "are not in the post log"
)
_OTHER_ENGINES = (
    "{function}() works on pandas tables in memory; collect the account's neighbourhood "
    "first (its follows and the interactions it made or received, see docs/scaling.md), "
    "e.g. with .to_pandas() on a Polars or DuckDB frame"
)


# =========================================================================== arguments
def parse_horizon(horizon: Any) -> int:
    """A positive time span (``"7D"``, ``"36h"``, a :class:`pandas.Timedelta` or
    :class:`datetime.timedelta`) in nanoseconds.

    Examples
    --------
    >>> parse_horizon("7D") == 7 * 86_400 * 10**9
    True
    """
    if isinstance(horizon, (bool, np.bool_)) or not isinstance(
        horizon, (str, pd.Timedelta, dt.timedelta, np.timedelta64)
    ):
        raise InvalidArgumentError(
            f"horizon must be a time span such as '7D', '36h' or pd.Timedelta(days=7); got "
            f"{horizon!r}"
        )
    try:
        span = pd.Timedelta(horizon)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"horizon must be a time span such as '7D' or '36h'; got {horizon!r}"
        ) from exc
    if span is pd.NaT or pd.isna(span) or span <= pd.Timedelta(0):
        raise InvalidArgumentError(f"horizon must be a positive time span; got {horizon!r}")
    return int(span.value)


# =========================================================================== inputs
class Known(NamedTuple):
    """Per account code, which parts of its data the input covers (plain tables: all)."""

    made: np.ndarray  # its interactions made
    received: np.ndarray  # the interactions others addressed to it
    following: np.ndarray
    followers: np.ndarray
    posts: np.ndarray
    covered: np.ndarray  # an owner of the export (every account with scope "all")
    coverage: Coverage | None
    absent: dict[str, str]  # plain tables: the parts of a table not given, and why

    def reason(self, part: str) -> str:
        """Why ``part`` is unknown for a covered account, or why other accounts are."""
        if part in self.absent:
            return self.absent[part]
        if self.coverage is not None:
            why = self.coverage.reason(part)
            if why is not None:
                return why
        return OTHER_ACCOUNTS


def account_codes(ids: pd.Index, accounts: Any) -> np.ndarray:
    """The codes of ``accounts`` among ``ids`` (-1 where absent); integer ids match decimal
    text and the other way round.

    Examples
    --------
    >>> account_codes(pd.Index([3, 7]), ["7", 5]).tolist()
    [1, -1]
    """
    values = list(accounts)
    if not values or not len(ids):
        return np.full(len(values), -1, dtype=np.int64)
    if pd.api.types.is_integer_dtype(ids.dtype):
        wanted = [int(v) if isinstance(v, (int, np.integer)) or (
            isinstance(v, str) and v.lstrip("-").isdigit()) else None for v in values]
        found = ids.get_indexer(pd.Index([w if w is not None else -(2**62) for w in wanted]))
        return np.where([w is not None for w in wanted], found, -1).astype(np.int64)
    return ids.get_indexer(pd.Index([str(v) for v in values], dtype=object)).astype(np.int64)


def known_parts(coverage: Coverage | None, ids: pd.Index,
                absent: dict[str, str] | None = None) -> Known:
    """Which parts of each account's data ``coverage`` covers (None: every part of every
    account, as for plain tables, but for the ``absent`` parts of a table not given)."""
    n = len(ids)
    if coverage is None:
        absent = dict(absent or {})

        def given(name: str) -> np.ndarray:
            return np.full(n, name not in absent, dtype=bool)

        return Known(given("interactions_made"), given("interactions_received"),
                     given("following"), given("followers"), given("posts"),
                     np.ones(n, dtype=bool), None, absent)
    if coverage.scope == "all":
        covered = np.ones(n, dtype=bool)
    else:
        covered = np.zeros(n, dtype=bool)
        codes = account_codes(ids, sorted(coverage.owners))
        covered[codes[codes >= 0]] = True
    def part(name: str) -> np.ndarray:
        return covered & coverage.known(name)

    return Known(part("interactions_made"), part("interactions_received"), part("following"),
                 part("followers"), part("posts"), covered, coverage, {})


class Conversation(NamedTuple):
    """What a two-way measure was given, validated and encoded once."""

    enc: Encoded
    known: Known
    ego: str | None  # the archive's owner
    follows: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # source, target, followed_at ns
    posts: pd.DataFrame | None  # the posts frame whose rows enc.posts encodes
    parent_author: np.ndarray | None  # codes of the posts' parent authors
    thread_ids: pd.DataFrame | None  # post_id, parent_id, root_id of the same rows
    ledger: pd.DataFrame | None
    observed_until: int | None  # the export date, else the last time in the data (ns)
    empty: bool  # the tables held no row at all (before any narrowing to one account)


def _followed_at(follows: pd.DataFrame, kept: int) -> np.ndarray:
    """``followed_at`` of the rows :func:`follows_frame` kept, as ns (NAT: undated)."""
    if "followed_at" not in follows.columns:
        return np.full(kept, NAT, dtype=np.int64)
    table = follows if len(follows) == kept else schema.follows_table(follows)
    if len(table) != kept:  # rows dropped on a path that does not say which: undated
        return np.full(kept, NAT, dtype=np.int64)
    stamps = schema.to_timestamp(table["followed_at"], column="followed_at", table="follows")
    return np.asarray(stamps.dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")).view(
        np.int64)


def _thread_ids(posts: pd.DataFrame, kept: int) -> pd.DataFrame | None:
    """``post_id``, ``parent_id``, ``root_id`` of the rows :func:`posts_frame` kept."""
    if not {"parent_id", "root_id"} <= set(posts.columns):
        return None
    table = posts if len(posts) == kept else schema.posts_table(posts)
    if len(table) != kept:
        return None
    return table[["post_id", "parent_id", "root_id"]].reset_index(drop=True)


def _last_time(*frames: pd.DataFrame | None) -> int | None:
    found = [frame["created_at"].max() for frame in frames if frame is not None and len(frame)]
    found = [t for t in found if not pd.isna(t)]
    return int(max(found).value) if found else None


def _is_account(column: pd.Series, account: Any) -> np.ndarray | None:
    """Where ``column`` holds ``account`` (integer ids match decimal text and the other way
    round); None when it cannot (a text id against integer ids)."""
    value: Any = account
    if pd.api.types.is_integer_dtype(column.dtype):
        if isinstance(account, str):
            if not account.lstrip("-").isdigit():
                return None
            value = int(account)
    else:
        value = str(account)
    return np.asarray((column == value).to_numpy(dtype=bool, na_value=False))


def _around(frame: pd.DataFrame | None, columns: tuple[str, str], account: Any
            ) -> tuple[pd.DataFrame | None, np.ndarray | None]:
    """The rows of ``frame`` that involve ``account`` (in either column), and their mask."""
    if frame is None:
        return None, None
    first, second = (_is_account(frame[c], account) for c in columns)
    if first is None or second is None:
        return frame, None
    mask = first | second
    return frame[mask], mask


def prepare_conversation(
    follows: Any, posts: Any, interactions: Any, *, function: str, threads: bool = False,
    around: Any = None,
) -> Conversation:
    """Take the inputs apart, validate them and encode every id once.

    ``follows`` may be an :class:`~engagemetrics.Archive` (then alone), a
    :class:`~engagemetrics.FollowGraph`, a pandas table or None. Frames of other engines
    raise :class:`~engagemetrics.UnsupportedBackendError`. With ``threads``, the posts' ids
    and parent authors are kept for the thread measures. With ``around`` (an account, or
    None for the archive's owner), only the follows, posts and interactions that involve
    that account are encoded: one account's relationships need no other.
    """
    graph = follows if isinstance(follows, FollowGraph) else None
    inputs = take_inputs(None if graph is not None else follows, posts, interactions,
                         function=function)
    if inputs.native:
        raise UnsupportedBackendError(_OTHER_ENGINES.format(function=function))
    coverage = inputs.coverage
    ledger = None
    exported_at = None
    if coverage is not None:
        ledger = follows.ledger
        exported_at = follows.exported_at
    extra: list[Any] = []
    followed_at = None
    if graph is not None:
        coverage = graph.coverage
        extra = [graph.ids_of(graph.source), graph.ids_of(graph.target)]
        followed_at = np.full(graph.n_edges, NAT, dtype=np.int64)
    elif inputs.follows is not None:
        table = follows_frame(inputs.follows)
        extra = [table["source"], table["target"]]
        followed_at = _followed_at(inputs.follows, len(table))
    post_frame = None if inputs.posts is None else posts_frame(inputs.posts)
    act_frame = None if inputs.interactions is None else interactions_frame(inputs.interactions)
    empty = not any(len(x) for x in (*extra[:1], post_frame, act_frame) if x is not None)
    observed = None if exported_at is None else int(exported_at.value)
    if observed is None:
        observed = _last_time(post_frame, act_frame)
    if around is None and graph is None:
        around = inputs.ego
    if around is not None and not threads:
        act_frame, _ = _around(act_frame, ("actor", "target"), around)
        post_frame, _ = _around(post_frame, ("author", "parent_author"), around)
        if extra and followed_at is not None:
            _, mask = _around(pd.DataFrame({"source": extra[0], "target": extra[1]}),
                              ("source", "target"), around)
            if mask is not None:
                extra = [extra[0][mask], extra[1][mask]]
                followed_at = followed_at[mask]
    keep_threads = threads and post_frame is not None
    if keep_threads:
        assert post_frame is not None
        extra.append(post_frame["parent_author"])
    enc = encode_tables(post_frame, act_frame, extra)
    follow_codes = None
    if followed_at is not None:
        follow_codes = (enc.extra[0], enc.extra[1], followed_at)
    thread_ids = None
    parent_author = None
    if keep_threads:
        assert post_frame is not None
        parent_author = enc.extra[-1]
        thread_ids = _thread_ids(inputs.posts, len(post_frame))
    absent: dict[str, str] = {}
    if followed_at is None:
        absent["following"] = absent["followers"] = _NO_FOLLOWS
    if post_frame is None:
        absent["posts"] = _NO_POSTS
        if act_frame is None:
            absent["interactions_made"] = absent["interactions_received"] = _NO_LOG
    return Conversation(
        enc, known_parts(coverage, enc.ids, absent), inputs.ego if graph is None else graph.ego,
        follow_codes, post_frame, parent_author, thread_ids, ledger, observed, empty,
    )


# =========================================================================== events
class Events(NamedTuple):
    """The replies and mentions between two accounts, sorted by (pair, time), with the
    latency of each item's answer."""

    actor: np.ndarray
    target: np.ndarray
    kind: np.ndarray
    ns: np.ndarray
    item: np.ndarray  # in the window: an item waiting for an answer
    latency: np.ndarray  # ns to the answer within the horizon, or NO_ANSWER


def conversation_events(enc: Encoded, window: Window, horizon: int, *, include_direct: bool
                        ) -> Events:
    """Replies and mentions between two accounts (dated), and the answer to each one in the
    window: the first reply back from its target within the horizon."""
    n = len(enc.ids)
    it = enc.interactions
    if it is None or n == 0:
        empty = np.empty(0, dtype=np.int64)
        return Events(empty, empty, empty, empty, np.empty(0, dtype=bool), empty)
    keep = (it.actor != it.target) & (it.actor >= 0) & (it.target >= 0) & (it.ns != NAT)
    keep &= (it.kind == _REPLY) | (it.kind == _MENTION)
    if not include_direct:
        keep &= ~it.direct
    bits = _kernels.code_bits(n)
    key = _kernels.arc_keys(it.actor[keep], it.target[keep], bits)
    log = _kernels.sort_pairs(key >> 1, (key & 1).astype(bool), it.kind[keep], it.ns[keep])
    del key
    item = window.mask(log.ns)
    latency = _kernels.answer_latencies(
        log.pair, log.backward, log.ns, item, log.kind == _REPLY, horizon
    )
    low, high = log.pair >> bits, log.pair & ((1 << bits) - 1)
    actor = np.where(log.backward, high, low)
    target = np.where(log.backward, low, high)
    return Events(actor, target, log.kind, log.ns, item, latency)


# =========================================================================== threads
class Threads(NamedTuple):
    """Per account code: thread measures, and how many of its replies lack what they need."""

    joined: np.ndarray
    replies: np.ndarray
    depth_sum: np.ndarray
    depth_max: np.ndarray
    turns_sum: np.ndarray
    no_root: np.ndarray  # replies without a root id
    broken: np.ndarray  # replies whose chain to the root is not in the post log


def thread_measures(conv: Conversation, window: Window, *, include_direct: bool
                    ) -> Threads | None:
    """Depth and turns of every reply in the window, per author; None without thread ids."""
    enc, ids = conv.enc, conv.thread_ids
    if enc.posts is None or ids is None or conv.parent_author is None:
        return None
    n = len(enc.ids)
    p = enc.posts
    _, (post, parent, root) = encode_ids(
        [id_column(ids["post_id"]), id_column(ids["parent_id"]), id_column(ids["root_id"])]
    )
    n_posts = int(max(post.max(initial=-1), parent.max(initial=-1), root.max(initial=-1))) + 1
    row_of = np.full(n_posts, -1, dtype=np.int64)
    rows = np.arange(post.shape[0], dtype=np.int64)
    row_of[post[::-1]] = rows[::-1]  # the first row of a repeated post id
    parent_row = np.where(parent >= 0, row_of[np.maximum(parent, 0)], -1)
    in_chain = np.isin(p.kind, _CHAIN_KINDS)
    is_root = ~in_chain
    parent_is_root = in_chain & (parent >= 0) & (parent == root)
    # whose post the parent is: its row's author, else the parent_author the reply names
    spoken_to = np.where(parent_row >= 0, p.author[np.maximum(parent_row, 0)],
                         conv.parent_author)
    mute = in_chain & (spoken_to < 0)  # a change of speaker that cannot be told: unknown
    parent_row[mute] = -1
    parent_is_root &= ~mute
    change = (p.author != spoken_to).astype(np.int64)
    depth, turns = _kernels.reply_chains(parent_row, is_root, parent_is_root, change)
    mine = window.mask(p.ns) & (p.kind == _REPLY_POST)
    if not include_direct:
        mine &= ~p.direct
    author = p.author[mine]
    has_root = root[mine] >= 0
    pairs = _kernels.sorted_distinct(author[has_root] * n_posts + root[mine][has_root])
    joined = np.bincount(pairs // n_posts, minlength=n) if n_posts else np.zeros(n, np.int64)
    d, t = depth[mine], turns[mine]
    known = d >= 0
    depth_max = np.full(n, -1, dtype=np.int64)
    np.maximum.at(depth_max, author[known], d[known])
    return Threads(
        joined.astype(np.int64),
        np.bincount(author, minlength=n),
        np.bincount(author[known], weights=d[known], minlength=n),
        depth_max,
        np.bincount(author[known], weights=t[known], minlength=n),
        np.bincount(author[~has_root], minlength=n),
        np.bincount(author[~known], minlength=n),
    )


# =========================================================================== the table
def _frame(arrays: dict[str, np.ndarray], missing: dict[str, np.ndarray], rows: np.ndarray,
           index: pd.Index) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for column, dtype in TWO_WAY_DTYPES.items():
        values = np.asarray(arrays[column])[rows]
        na = np.asarray(missing[column])[rows]
        if dtype == "Int64":
            data[column] = pd.arrays.IntegerArray(values.astype(np.int64), na.copy())
        else:
            data[column] = np.where(na, np.nan, values.astype(np.float64))
    return pd.DataFrame(data, index=index)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.full(numerator.shape[0], np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _mark(missing: dict[str, np.ndarray], reasons: dict[str, list[str]], known: Known,
          columns: tuple[str, ...], where: np.ndarray, why: str) -> None:
    """Mark ``columns`` missing ``where``, with the reason (when an account of the export's
    scope is concerned)."""
    n = where.shape[0]
    for column in columns:
        missing[column] = missing.get(column, np.zeros(n, dtype=bool)) | where
        if (where & known.covered).any() and why not in reasons.setdefault(column, []):
            reasons[column].append(why)


def reply_measures(conv: Conversation, events: Events, item: np.ndarray, horizon: int
                   ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, list[str]]]:
    """The reply-back and answer columns of :func:`two_way_metrics` for the items ``item``
    (a subset of ``events.item``: the replies and mentions of one window), per account code.

    Returns the values, where each is missing (what the data does not cover), and the
    reasons per column. Answers are looked for in all the data, so that one window's items
    give the numbers :func:`two_way_metrics` gives for that window: ``ego_metrics`` per
    period reads the same definition.
    """
    enc, known = conv.enc, conv.known
    n = len(enc.ids)
    reply_item = item & (events.kind == _REPLY)
    back = reply_item & (events.latency >= 0)
    answered = item & (events.latency >= 0)
    latency = events.latency
    arrays: dict[str, np.ndarray] = {
        "replies": np.bincount(events.actor[reply_item], minlength=n),
        "replied_back": np.bincount(events.actor[back], minlength=n),
        "reply_back_hours_median": _kernels.group_median(events.actor[back], latency[back], n)
        / HOUR_NS,
        "addressed": np.bincount(events.target[item], minlength=n),
        "answered": np.bincount(events.target[answered], minlength=n),
        "answer_hours_median": _kernels.group_median(events.target[answered],
                                                     latency[answered], n) / HOUR_NS,
    }
    arrays["reply_back_rate"] = _ratio(arrays["replied_back"], arrays["replies"])
    arrays["answer_rate"] = _ratio(arrays["answered"], arrays["addressed"])
    waited = events.latency[item]
    observed = conv.observed_until if conv.observed_until is not None else 0
    censored = np.clip(np.minimum(horizon, observed - events.ns[item]), 0, None)
    arrays["answer_hours_km_median"] = _kernels.km_median(
        events.target[item], np.where(waited >= 0, waited, censored), waited >= 0, n
    ) / HOUR_NS

    # What is known, per account: its replies need its interactions made; their answers the
    # replies of everyone it replied to; what others addressed to it its interactions received.
    missing: dict[str, np.ndarray] = {}
    reasons: dict[str, list[str]] = {}

    def unknown(columns: tuple[str, ...], where: np.ndarray, why: str) -> None:
        _mark(missing, reasons, known, columns, where, why)

    unknown(("replies",), ~known.made, known.reason("interactions_made"))
    unknown(TWO_WAY_REPLY_BACK, ~known.made, known.reason("interactions_made"))
    blind = reply_item & ~known.made[events.target] & ~known.received[events.actor]
    unanswerable = np.bincount(events.actor[blind], minlength=n) > 0
    unknown(TWO_WAY_REPLY_BACK, ~known.received & unanswerable,
            "needs the replies of the accounts it replied to: "
            + known.reason("interactions_received"))
    unknown(TWO_WAY_ANSWER, ~known.received, known.reason("interactions_received"))
    unknown(TWO_WAY_ANSWER[1:], ~known.made, known.reason("interactions_made"))
    return arrays, missing, reasons


def two_way_metrics(
    follows: Any = None,
    posts: Any = None,
    *,
    interactions: Any = None,
    start: Any = None,
    end: Any = None,
    horizon: Any = DEFAULT_HORIZON,
    include_direct: bool = False,
) -> pd.DataFrame:
    """Two-way conversation per account: is it answered, does it answer, how deep it goes.

    Parameters
    ----------
    follows : pandas.DataFrame, FollowGraph or Archive, optional
        A follow table (its accounts get rows; the measures do not read follows). An
        :class:`~engagemetrics.Archive` gives all its tables and what its export covers
        (and then no other table may be passed).
    posts : pandas.DataFrame, optional
        A posts table. Its ``root_id`` and ``parent_id`` give the thread measures; without
        ``interactions`` the replies are derived from it (posts carry no mentions).
    interactions : pandas.DataFrame, optional
        An interactions table (``actor``, ``target``, ``kind``, ``created_at``); a research
        log (SNAP's ``RE`` lines are replies, ``MT`` lines mentions) is taken as published.
    start, end : timestamp-like, optional
        The half-open window ``[start, end)`` in UTC of the replies and of the items
        addressed to an account. Answers are looked for in all the data, after the window's
        end too.
    horizon : str or timedelta
        How long an answer may take: a reply or mention at time t is answered by a reply the
        other way in ``(t, t + horizon]``. Default ``"7D"``.
    include_direct : bool
        Count direct messages (private). Default False.

    Returns
    -------
    pandas.DataFrame
        One row per account of the data (every author, every account of an interaction at
        any time, every account of ``follows``), indexed by ``account``, sorted. Columns:

        =========================== ======= ===============================================
        ``replies``                 Int64   replies to others in the window (dated)
        ``replied_back``            Int64   of those, answered by a reply of the recipient
                                            within the horizon
        ``reply_back_rate``         float64 replied_back / replies
        ``reply_back_hours_median`` float64 median hours to the reply back, among those
                                            replied back
        ``addressed``               Int64   replies and mentions from others in the window
        ``answered``                Int64   of those, answered by a reply to the sender
                                            within the horizon
        ``answer_rate``             float64 answered / addressed
        ``answer_hours_median``     float64 median hours to answer, among those answered
        ``answer_hours_km_median``  float64 Kaplan-Meier median hours to answer, the
                                            unanswered censored; NaN when "not reached"
        ``threads_joined``          Int64   distinct threads (roots) of its replies
        ``mean_depth``              float64 mean depth of its replies below their root
        ``max_depth``               Int64   the deepest (NA when it made no reply)
        ``turns``                   float64 mean changes of speaker along the chain from
                                            the root down to each of its replies
        =========================== ======= ===============================================

        Missing (NA) where the data does not cover a value, with the reason in
        ``.attrs["unknown"]``: an X archive alone knows the owner's replies, not the answers
        of others nor what others addressed to the owner.

    Raises
    ------
    MissingColumnsError
        A table lacks a required column.
    InvalidArgumentError
        An empty window, a horizon that is not a positive time span, or an Archive with
        other tables.
    UnsupportedBackendError
        A frame of another engine (Polars, DuckDB, Spark): collect the data first.

    Notes
    -----
    Definitions are in ``docs/definitions.md`` ("Two-way conversations"). Items without a
    timestamp are left out: their answer cannot be placed in time. An MT and an RE line of
    one tweet in a SNAP log are two items addressed to the account, as the log publishes
    them. Self-interactions never count; direct messages only with ``include_direct``.

    The Kaplan-Meier (product-limit) median [1]_ treats each item addressed to the account as
    waiting for an answer: answered items are events at their latency, unanswered ones are
    censored at ``min(horizon, observed_until - t)``, where ``observed_until`` is the export
    date (else the last time in the data): an item near the end of the data had less time
    to be answered, and the rate alone counts it as unanswered. The median is the first
    latency at which the estimated share still waiting is at most one half; when that
    share stays above one half within the horizon, the median is "not reached" (NaN).

    Depth: a reply to the thread's root has depth 1, a reply to that reply depth 2, and so
    on, following ``parent_id`` up to ``root_id`` through the posts of the table. A value is
    missing when one of the account's replies carries no ``root_id`` or its chain passes
    through a post the table does not hold.

    References
    ----------
    .. [1] E. L. Kaplan and P. Meier, "Nonparametric estimation from incomplete
       observations", Journal of the American Statistical Association 53 (1958) 457-481.

    Examples
    --------
    >>> import engagemetrics as em
    >>> log = pd.DataFrame({
    ...     "actor": ["ann", "bob", "ann", "cat"], "target": ["bob", "ann", "cat", "ann"],
    ...     "kind": ["reply", "reply", "reply", "mention"],
    ...     "created_at": ["2026-01-01 00:00", "2026-01-01 06:00", "2026-01-02", "2026-01-20"]})
    >>> t = em.two_way_metrics(interactions=log)
    >>> t[["replies", "replied_back", "reply_back_rate", "reply_back_hours_median"]]
             replies  replied_back  reply_back_rate  reply_back_hours_median
    account
    ann            2             1              0.5                      6.0
    bob            1             0              0.0                      NaN
    cat            0             0              NaN                      NaN
    >>> t.loc[["ann"], ["addressed", "answered"]]  # bob's reply, cat's mention
             addressed  answered
    account
    ann              2         0
    """
    window = parse_window(start, end)
    horizon_ns = parse_horizon(horizon)
    include_direct = check_bool(include_direct, "include_direct")
    conv = prepare_conversation(follows, posts, interactions, function="two_way_metrics",
                                threads=True)
    enc, known = conv.enc, conv.known
    n = len(enc.ids)

    events = conversation_events(enc, window, horizon_ns, include_direct=include_direct)
    arrays, missing, reasons = reply_measures(conv, events, events.item, horizon_ns)

    def unknown(columns: tuple[str, ...], where: np.ndarray, why: str) -> None:
        _mark(missing, reasons, known, columns, where, why)

    threads = thread_measures(conv, window, include_direct=include_direct)
    if threads is None:
        zeros = np.zeros(n)
        for column in TWO_WAY_THREADS:
            arrays[column] = zeros
        why = _NO_POSTS if conv.posts is None else (
            "the posts table has no root_id and parent_id columns")
        unknown(TWO_WAY_THREADS, np.ones(n, dtype=bool), why)
    else:
        arrays["threads_joined"] = threads.joined
        arrays["mean_depth"] = _ratio(threads.depth_sum, threads.replies)
        arrays["max_depth"] = threads.depth_max
        arrays["turns"] = _ratio(threads.turns_sum, threads.replies)
        unknown(TWO_WAY_THREADS, ~known.posts, known.reason("posts"))
        unknown(TWO_WAY_THREADS, threads.no_root > 0, _NO_ROOTS)
        unknown(TWO_WAY_THREADS[1:], threads.broken > 0, _BROKEN_CHAIN)
        # the deepest of no reply is undefined: missing, as a mean of nothing is NaN
        missing["max_depth"] = missing["max_depth"] | (threads.replies == 0)
    for column in TWO_WAY_COLUMNS:
        missing.setdefault(column, np.zeros(n, dtype=bool))

    present = np.zeros(n, dtype=bool)
    if enc.posts is not None:
        present[enc.posts.author[enc.posts.author >= 0]] = True
    if enc.interactions is not None:
        for codes in (enc.interactions.actor, enc.interactions.target):
            present[codes[codes >= 0]] = True
    if conv.follows is not None:
        for codes in conv.follows[:2]:
            present[codes[codes >= 0]] = True
    rows = np.flatnonzero(present)
    frame = _frame(arrays, missing, rows, enc.ids[rows].rename("account"))
    frame.attrs["unknown"] = {c: "; ".join(why) for c, why in reasons.items()}
    if known.coverage is not None and known.coverage.scope == "ego":
        frame.attrs["other_accounts"] = OTHER_ACCOUNTS
    return frame
