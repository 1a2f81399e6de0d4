"""Relationships: one row per counterpart (or per pair), tie strength, quadrants, dormant ties.

Definitions: ``docs/definitions.md``, "Relationships". The follow graph and the conversation
log joined per relationship: who follows whom, who engages whom in each direction, whether
replies are answered, and a transparent tie-strength score whose components are columns.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..exceptions import InvalidArgumentError, MissingColumnsError
from . import _kernels
from ._definitions import (
    DEFAULT_HORIZON,
    DURATION_FULL_DAYS,
    FOLLOW_STATES,
    FREQUENCY_HALF,
    QUADRANTS,
    RECENCY_HALF_LIFE_DAYS,
    RELATIONSHIP_COLUMNS,
    RELATIONSHIP_DTYPES,
    RELATIONSHIP_KINDS,
    TIE_WEIGHTS,
)
from ._prepare import NAT, check_bool, parse_window
from .twoway import (
    HOUR_NS,
    Conversation,
    Known,
    account_codes,
    parse_horizon,
    prepare_conversation,
)

__all__ = ["TIE_WEIGHTS", "Quadrants", "dormant", "quadrants", "relationships"]

DAY_NS = 86_400 * 10**9
_KIND_CODE = {name: schema.INTERACTION_KINDS.index(kind) for name, kind in
              RELATIONSHIP_KINDS.items()}
_ENGAGEMENT = [schema.INTERACTION_KINDS.index(k) for k in ("reply", "mention", "repost",
                                                            "quote")]
_REPLY = schema.INTERACTION_KINDS.index("reply")
_MENTION = schema.INTERACTION_KINDS.index("mention")
_STATE = {state: code for code, state in enumerate(FOLLOW_STATES)}
_NEVER = np.iinfo(np.int64).max
_OWNER_ONLY = "the owner's interactions only: the others' are not in the export"
_BOTH = "the interactions of both accounts of each pair, in both directions"
_MIXED = (
    "both directions where the data holds the counterpart's interactions with the account "
    "(an owner of a merged export, or what others addressed to the account); the account's "
    "interactions only elsewhere"
)


# =========================================================================== arguments
def tie_weights(weights: Any) -> dict[str, float]:
    """:data:`TIE_WEIGHTS` with ``weights`` (a mapping of some component names to numbers
    >= 0) put over them.

    Examples
    --------
    >>> tie_weights({"balance": 0.5})["balance"], tie_weights(None)["frequency"]
    (0.5, 0.3)
    """
    merged = dict(TIE_WEIGHTS)
    if weights is None:
        return merged
    if not isinstance(weights, Mapping):
        raise InvalidArgumentError(
            f"weights must be a mapping of tie-strength components to numbers, e.g. "
            f"{{'balance': 0.3}}; got {type(weights).__name__}"
        )
    unknown = sorted(str(k) for k in weights if k not in TIE_WEIGHTS)
    if unknown:
        raise InvalidArgumentError(
            f"weights names unknown components {unknown}; the components are "
            f"{list(TIE_WEIGHTS)}"
        )
    for name, value in weights.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)
        ) or not math.isfinite(float(value)) or float(value) < 0:
            raise InvalidArgumentError(
                f"the weight of {name!r} must be a finite number >= 0; got {value!r}"
            )
        merged[name] = float(value)
    if sum(merged.values()) <= 0:
        raise InvalidArgumentError("at least one tie-strength weight must be positive")
    return merged


def _instant(value: Any, name: str) -> int | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"{name} must be a timestamp (e.g. '2026-01-01' or a datetime), got {value!r}"
        ) from exc
    if ts is pd.NaT or pd.isna(ts):
        raise InvalidArgumentError(f"{name} must be a timestamp or None, got {value!r}")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return int(ts.as_unit("ns").value)


def _ego_code(conv: Conversation, ego: Any) -> int | None:
    """The code of the account whose relationships are wanted; None for every pair; -1 when
    it appears in no table of an archive (no rows)."""
    if ego is None:
        ego = conv.ego
        if ego is None:
            return None
    elif isinstance(ego, (bool, np.bool_)) or not isinstance(ego, (str, int, np.integer)):
        raise InvalidArgumentError(f"ego must be an account id (str or int), got {ego!r}")
    coverage = conv.known.coverage
    if coverage is not None and coverage.scope == "ego" and str(ego) not in coverage.owners:
        raise InvalidArgumentError(
            f"ego={ego!r} is not an owner of this archive ({sorted(coverage.owners)}): its "
            "relationships are not in the export; pass one of the owners, or merge its "
            "export in with em.merge"
        )
    code = int(account_codes(conv.enc.ids, [ego])[0])
    if code < 0 and coverage is None and not conv.empty:
        raise InvalidArgumentError(
            f"ego={ego!r} appears in no table; give the id of an account of the data (an "
            "integer id may be given as an int or as its decimal text)"
        )
    return code


def _likes_unknown(conv: Conversation) -> str | None:
    """Why likes cannot be counted: the export's ledger dropped likes it could not place."""
    ledger = conv.ledger
    if ledger is None or not len(ledger):
        return None
    dropped = ledger[(ledger["record_kind"] == "like") & (ledger["action"] == "dropped")
                     & (ledger["count"] > 0)]
    if not len(dropped):
        return None
    why = "; ".join(f"{r.source}: {r.reason}" for r in dropped.itertuples(index=False))
    return f"the export holds likes it cannot attribute to a liked account ({why})"


# =========================================================================== the pair table
def _pairs_of(actor: np.ndarray, target: np.ndarray, ego: int | None, bits: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """(pair, backward): the counterpart and whether the act comes from it (an ego), or the
    packed pair ``min << bits | max`` and whether it runs from the higher code."""
    if ego is not None:
        return np.where(actor == ego, target, actor), actor != ego
    key = _kernels.arc_keys(actor, target, bits)
    return key >> 1, (key & 1).astype(bool)


def _follow_arcs(conv: Conversation, ego: int | None, bits: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The distinct follow arcs ``pair * 2 + backward``, sorted, and the earliest time each
    was made (NAT: undated); self-follows never count."""
    if conv.follows is None:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    source, target, at = conv.follows
    keep = (source >= 0) & (target >= 0) & (source != target)
    if ego is not None:
        keep &= (source == ego) | (target == ego)
    pair, backward = _pairs_of(source[keep], target[keep], ego, bits)
    arcs = pair * 2 + backward
    when = at[keep]
    order = np.lexsort((np.where(when == NAT, _NEVER, when), arcs))
    arcs, when = arcs[order], when[order]
    first = np.empty(arcs.shape[0], dtype=bool)
    first[:1] = True
    np.not_equal(arcs[1:], arcs[:-1], out=first[1:])
    return arcs[first], when[first]


def _lookup(sorted_keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of sorted ``queries`` in ``sorted_keys``, and whether each is there."""
    if not sorted_keys.shape[0]:
        return np.zeros(queries.shape[0], dtype=np.int64), np.zeros(queries.shape[0], bool)
    pos = np.searchsorted(sorted_keys, queries)
    pos[pos == sorted_keys.shape[0]] = 0
    return pos, sorted_keys[pos] == queries


def _empty(index_dtype: Any) -> pd.DataFrame:
    index = pd.MultiIndex.from_arrays(
        [pd.Index([], dtype=index_dtype), pd.Index([], dtype=index_dtype)],
        names=["account", "counterpart"],
    )
    return pd.DataFrame({c: _column([], c) for c in RELATIONSHIP_COLUMNS}, index=index)


def _column(values: Any, column: str, missing: np.ndarray | None = None) -> Any:
    dtype = RELATIONSHIP_DTYPES[column]
    values = np.asarray(values)
    n = values.shape[0]
    na = np.zeros(n, dtype=bool) if missing is None else missing
    if dtype == "boolean":
        return pd.arrays.BooleanArray(values.astype(bool), na.copy())
    if dtype == "Int64":
        return pd.arrays.IntegerArray(values.astype(np.int64), na.copy())
    if dtype == "category":
        return pd.Categorical.from_codes(values.astype(np.int8),
                                         categories=pd.Index(FOLLOW_STATES))
    if dtype.startswith("datetime"):
        stamps = np.where(na, NAT, values.astype(np.int64)).view("datetime64[ns]")
        return pd.DatetimeIndex(stamps).tz_localize("UTC")
    return np.where(na, np.nan, values.astype(np.float64))


def relationships(
    follows: Any,
    posts: Any = None,
    *,
    interactions: Any = None,
    ego: Any = None,
    start: Any = None,
    end: Any = None,
    horizon: Any = DEFAULT_HORIZON,
    weights: Mapping[str, float] | None = None,
    as_of: Any = None,
    include_direct: bool = False,
) -> pd.DataFrame:
    """One row per relationship: follow state, engagement each way, answers, tie strength.

    Parameters
    ----------
    follows : pandas.DataFrame, FollowGraph or Archive
        The follow table (``source`` follows ``target``; ``followed_at`` read where given),
        a snapshot, or None. An :class:`~engagemetrics.Archive` gives all its tables and what
        its export covers: its owner's relationships, or another owner's with ``ego=``.
    posts : pandas.DataFrame, optional
        The posts table; without ``interactions``, replies, reposts and quotes are derived
        from it (posts carry no mentions).
    interactions : pandas.DataFrame, optional
        The interactions table (``actor``, ``target``, ``kind``, ``created_at``).
    ego : str or int, optional
        The account whose relationships are wanted: one row per counterpart. Default: the
        archive's owner; with plain tables and no ``ego``, one row per pair of accounts.
    start, end : timestamp-like, optional
        The half-open window ``[start, end)`` in UTC of the interaction counts, the
        reply-back and answer rates and the tie strength's frequency, balance and kinds.
        First and last exchange look at everything before ``end``.
    horizon : str or timedelta
        How long a reply back or an answer may take. Default ``"7D"``.
    weights : mapping of str to float, optional
        Weights of some or all tie-strength components, put over
        :data:`engagemetrics.TIE_WEIGHTS`.
    as_of : timestamp-like, optional
        The "now" of ``days_since_last`` and recency. Default: ``end``, else the export
        date, else the latest time in the data.
    include_direct : bool
        Count direct messages (private). Default False; a counterpart seen only in direct
        messages then gets no row.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``account``, ``counterpart``), sorted. With an ego, ``account`` is the
        ego and there is a row per other account it follows, that follows it, or with an
        interaction either way at any time; without, a row per pair of accounts with a
        follow or an interaction either way, ``account`` the lower id, and "to" meaning from
        ``account`` to ``counterpart``. Columns, in order:

        ======================================= ========= ====================================
        ``i_follow``, ``follows_me``            boolean   the follow each way (NA: unknown)
        ``follow_state``                        category  mutual, follows_me, i_follow, none
                                                          or unknown
        ``i_followed_at``, ``they_followed_at`` datetime  when that follow was made (NaT:
                                                          none, or the export does not say)
        ``{kind}_to``, ``{kind}_from``          Int64     replies, mentions, reposts,
                                                          quotes, likes each way, in the
                                                          window
        ``engagement_to``, ``engagement_from``  Int64     replies + mentions + reposts +
                                                          quotes each way, in the window
        ``exchanges``                           Int64     engagement_to + engagement_from
        ``engagement_to_ever``, ``_from_ever``  Int64     the same before ``end`` (any start)
        ``first_exchange``, ``last_exchange``   datetime  first and last engagement either
                                                          way before ``end`` (NaT: none)
        ``days_since_last``                     float64   days from the last exchange to
                                                          ``as_of``
        ``reply_back_rate``                     float64   share of the account's replies to
                                                          the counterpart answered by a
                                                          reply within the horizon
        ``reply_back_hours``                    float64   median hours to that reply back
        ``answer_rate``, ``answer_hours``       float64   the same for the counterpart's
                                                          replies and mentions, answered by
                                                          the account
        ``frequency`` ... ``mutual_follow``     float64   the tie-strength components
        ``tie_strength``                        float64   their weighted mean
        ======================================= ========= ====================================

        A value whose direction the data does not hold is missing: with one X archive,
        every ``_from`` column, ``exchanges``, the rates and ``balance``.
        ``.attrs["unknown"]`` maps each missing column to the reason, ``.attrs["basis"]``
        says which interactions the exchange times and components count, and
        ``.attrs["as_of"]`` is the "now" used.

    Raises
    ------
    MissingColumnsError
        A table lacks a required column.
    InvalidArgumentError
        An empty window, a bad horizon, weight or timestamp, an ``ego`` that is not an owner
        of the archive (or in no table), or an Archive with other tables.
    UnsupportedBackendError
        A frame of another engine: collect the ego's neighbourhood first
        (``docs/scaling.md``).

    Notes
    -----
    Definitions are in ``docs/definitions.md`` ("Relationships"). Knowing a direction: the
    interactions from u to v are known when u's interactions made are in the data or v's
    interactions received are; one account's export holds its own side only, two exports
    merged with :func:`engagemetrics.merge` hold both sides between their owners, and
    :meth:`engagemetrics.Archive.with_interactions` adds what others addressed to the owner.

    Tie strength follows Granovetter's dimensions of a tie [1]_ (time, emotional intensity,
    intimacy, reciprocal services) and the predictors Gilbert and Karahalios found on
    social media [2]_, measured from what exports hold:

    - ``frequency = e / (e + 10)``, e the engagement interactions in the window (both
      directions where known, the known one otherwise);
    - ``recency = 0.5 ** (days_since_last / 90)``, 0 without an exchange;
    - ``duration = min(1, days from the first to the last exchange / 365)``;
    - ``balance = 1 - |to - from| / (to + from)`` over the window's engagement (NaN when a
      direction is unknown or nothing was exchanged);
    - ``kinds`` = engagement kinds used either way / 4;
    - ``mutual_follow`` = 1 mutual, 0 not, NaN unknown;
    - ``tie_strength`` = sum(w_i x_i) / sum(w_i) over the components that are not NaN.

    The transforms and :data:`engagemetrics.TIE_WEIGHTS` are a documented convention, not a
    model fitted to anyone's ties: compare tie strengths within one table, and override
    ``weights`` to weigh what matters to you.

    References
    ----------
    .. [1] M. S. Granovetter, "The strength of weak ties", American Journal of Sociology 78
       (1973) 1360-1380.
    .. [2] E. Gilbert and K. Karahalios, "Predicting tie strength with social media", CHI
       2009, 211-220.

    Examples
    --------
    >>> import engagemetrics as em
    >>> follows = pd.DataFrame({"source": ["me", "ann", "me"], "target": ["ann", "me", "bob"]})
    >>> log = pd.DataFrame({"actor": ["me", "ann", "me"], "target": ["ann", "me", "cy"],
    ...                     "kind": ["reply", "reply", "mention"],
    ...                     "created_at": ["2026-01-01", "2026-01-02", "2026-01-03"]})
    >>> rel = em.relationships(follows, interactions=log, ego="me", as_of="2026-01-11")
    >>> rel[["follow_state", "exchanges", "reply_back_rate", "tie_strength"]].round(3)
                        follow_state  exchanges  reply_back_rate  tie_strength
    account counterpart
    me      ann               mutual          2              1.0         0.512
            bob             i_follow          0              NaN         0.000
            cy                  none          1              NaN         0.240
    >>> rel.loc[("me", "ann"), ["days_since_last", "balance", "mutual_follow"]].tolist()
    [9.0, 1.0, 1.0]
    """
    window = parse_window(start, end)
    horizon_ns = parse_horizon(horizon)
    include_direct = check_bool(include_direct, "include_direct")
    weight = tie_weights(weights)
    as_of_ns = _instant(as_of, "as_of")
    conv = prepare_conversation(follows, posts, interactions, function="relationships",
                                around=ego)
    ego_code = _ego_code(conv, ego)
    ids, known = conv.enc.ids, conv.known
    if ego_code is not None and ego_code < 0:
        return _finish(_empty(ids.dtype), {}, None, as_of_ns)
    bits = _kernels.code_bits(max(len(ids), 1))
    now = as_of_ns if as_of_ns is not None else (
        window.hi if window.hi is not None else conv.observed_until)
    likes_why = _likes_unknown(conv)
    log = _pair_log(conv, ego_code, bits, include_direct)
    conv = conv._replace(enc=conv.enc._replace(interactions=None, posts=None))  # done with

    # ------------------------------------------------------------ rows
    arcs, arcs_at = _follow_arcs(conv, ego_code, bits)
    rows = _kernels.sorted_distinct(np.concatenate([log.pairs, arcs >> 1]))
    n_rows = rows.shape[0]
    # each event's row: the pairs of the log are among the rows, in the same order
    np.take(np.searchsorted(rows, log.pairs), log.run, out=log.run, mode="clip")
    if ego_code is not None:
        account = np.full(n_rows, ego_code, dtype=np.int64)
        counterpart = rows
    else:
        account, counterpart = rows >> bits, rows & ((1 << bits) - 1)
    to_known = known.made[account] | known.received[counterpart]
    from_known = known.made[counterpart] | known.received[account]
    i_follow_known = known.following[account] | known.followers[counterpart]
    follows_me_known = known.following[counterpart] | known.followers[account]
    index = pd.MultiIndex.from_arrays(
        [ids.take(account), ids.take(counterpart)], names=["account", "counterpart"]
    )
    del account, counterpart
    data: dict[str, Any] = {}
    missing: dict[str, np.ndarray] = {}

    def put(column: str, values: Any, unknown: np.ndarray) -> None:
        data[column] = _column(values, column, unknown)
        missing[column] = unknown

    # ------------------------------------------------------------ follows
    state = np.full(n_rows, _STATE["none"], dtype=np.int8)
    for name, back, known_side, at_column in (
        ("i_follow", 0, i_follow_known, "i_followed_at"),
        ("follows_me", 1, follows_me_known, "they_followed_at"),
    ):
        at, found = _lookup(arcs, rows * 2 + back)
        put(name, found, ~known_side)
        state[found] += _STATE["i_follow" if back == 0 else "follows_me"] - _STATE["none"]
        put(at_column, np.where(found, arcs_at[at] if arcs.shape[0] else NAT, NAT),
            ~known_side)
    # none 3; i_follow 3 - 1 = 2; follows_me 3 - 2 = 1; both 3 - 1 - 2 = 0: mutual
    follow_unknown = ~i_follow_known | ~follows_me_known
    state[follow_unknown] = _STATE["unknown"]
    del arcs, arcs_at, rows, i_follow_known, follows_me_known

    # ------------------------------------------------------------ interactions
    in_window = window.mask(log.ns)
    history = log.ns != NAT
    if window.hi is not None:
        history &= log.ns < window.hi
    if now is not None:
        history &= log.ns <= now
    window_counts, ever, first_at, last_at = _kernels.pair_counts(log, in_window, history,
                                                                  n_rows)
    del history
    answers = _answers(log, in_window, horizon_ns, n_rows)
    del log, in_window
    sides_known = np.stack([to_known, from_known], axis=1)
    for name, code in _KIND_CODE.items():
        for s, label in enumerate(("to", "from")):
            unknown = ~sides_known[:, s] | (likes_why is not None and name == "likes")
            put(f"{name}_{label}", window_counts[:, code, s], unknown)
    engaged = window_counts[:, _ENGAGEMENT, :].sum(axis=1)
    held = np.where(sides_known[:, None, :], window_counts[:, _ENGAGEMENT, :], 0)
    kinds_used = (held.sum(axis=2) > 0).sum(axis=1)
    del held, window_counts
    for s, label in enumerate(("to", "from")):
        put(f"engagement_{label}", engaged[:, s], ~sides_known[:, s])
    both_known = to_known & from_known
    put("exchanges", engaged.sum(axis=1), ~both_known)
    for s, label in enumerate(("to", "from")):
        put(f"engagement_{label}_ever", ever[:, s], ~sides_known[:, s])
    first = np.where(sides_known & (first_at != NAT), first_at, _NEVER).min(axis=1)
    last = np.where(sides_known, last_at, NAT).max(axis=1)
    del ever, first_at, last_at
    had = last != NAT
    first[~had] = NAT
    put("first_exchange", first, ~had)
    put("last_exchange", last, ~had)
    days = np.full(n_rows, np.nan)
    if now is not None:
        days[had] = (now - last[had]) / DAY_NS
    put("days_since_last", days, ~had)
    for name, (items, done, median) in answers.items():
        rate = np.full(n_rows, np.nan)
        np.divide(done, items, out=rate, where=items > 0)
        put(f"{name}_rate", rate, ~both_known)
        put(f"{name}_hours", median, ~both_known)
    del answers

    # ------------------------------------------------------------ tie strength
    e = np.where(sides_known, engaged, 0).sum(axis=1).astype(np.float64)
    to_e, from_e = engaged[:, 0].astype(np.float64), engaged[:, 1].astype(np.float64)
    del engaged
    total = to_e + from_e
    imbalance = np.full(n_rows, np.nan)
    np.divide(np.abs(to_e - from_e), total, out=imbalance, where=total > 0)
    none_known = ~to_known & ~from_known
    components = {
        "frequency": (e / (e + FREQUENCY_HALF), none_known),
        "recency": (np.where(had, 0.5 ** (np.nan_to_num(days) / RECENCY_HALF_LIFE_DAYS), 0.0),
                    none_known | (had & (now is None))),
        "duration": (np.where(had, np.minimum(1.0, (last - first) / DAY_NS
                                              / DURATION_FULL_DAYS), 0.0), none_known),
        "balance": (1.0 - imbalance, ~both_known | (total == 0)),
        "kinds": (kinds_used / len(_ENGAGEMENT), none_known),
        "mutual_follow": ((state == _STATE["mutual"]).astype(np.float64), follow_unknown),
    }
    numerator = np.zeros(n_rows)
    denominator = np.zeros(n_rows)
    for name, (values, unknown) in components.items():
        put(name, values, unknown)
        numerator += np.where(unknown, 0.0, weight[name] * np.nan_to_num(values))
        denominator += np.where(unknown, 0.0, weight[name])
    del components
    tie = np.full(n_rows, np.nan)
    np.divide(numerator, denominator, out=tie, where=denominator > 0)
    put("tie_strength", tie, denominator <= 0)
    put("follow_state", state, follow_unknown)  # the state "unknown", not a missing value

    frame = pd.DataFrame({c: data.pop(c) for c in RELATIONSHIP_COLUMNS}, index=index,
                         copy=False)
    reasons = _reasons(known, likes_why, to_known, from_known, ~missing["i_follow"],
                       ~missing["follows_me"], missing)
    return _finish(frame, reasons, (to_known, from_known), now)


def _pair_log(conv: Conversation, ego: int | None, bits: int, include_direct: bool
              ) -> _kernels.PairLog:
    """The interactions between two accounts (with the ego, if any), sorted by pair."""
    it = conv.enc.interactions
    if it is None or not it.actor.shape[0]:
        empty = np.empty(0, dtype=np.int64)
        return _kernels.sort_pairs(empty, np.empty(0, dtype=bool), empty.astype(np.int8), empty)
    keep = (it.actor >= 0) & (it.target >= 0) & (it.actor != it.target)
    if not include_direct:
        keep &= ~it.direct
    if ego is not None:
        keep &= (it.actor == ego) | (it.target == ego)
    pair, backward = _pairs_of(it.actor[keep], it.target[keep], ego, bits)
    return _kernels.sort_pairs(pair, backward, it.kind[keep].astype(np.int8), it.ns[keep])


def _answers(log: _kernels.PairLog, in_window: np.ndarray, horizon: int, n_rows: int
             ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per row: the account's replies and their replies back; the counterpart's replies and
    mentions and the account's answers (items, answered, median hours). The reply-back
    search runs once for both."""
    events = ((log.kind == _REPLY) | (log.kind == _MENTION)) & (log.ns != NAT)
    row, side, kind = log.run[events], log.backward[events], log.kind[events]
    item = in_window[events]
    latency = _kernels.answer_latencies(log.pair[events], side, log.ns[events], item,
                                        kind == _REPLY, horizon)
    answered = latency >= 0
    out = {}
    for name, chosen in (("reply_back", item & (kind == _REPLY) & ~side),
                         ("answer", item & side)):
        done = chosen & answered
        out[name] = (
            np.bincount(row[chosen], minlength=n_rows),
            np.bincount(row[done], minlength=n_rows),
            _kernels.group_median(row[done], latency[done], n_rows) / HOUR_NS,
        )
    return out


def _reasons(
    known: Known,
    likes_why: str | None,
    to_known: np.ndarray,
    from_known: np.ndarray,
    i_follow_known: np.ndarray,
    follows_me_known: np.ndarray,
    missing: dict[str, np.ndarray],
) -> dict[str, str]:
    """Why each column is missing where it is (only columns with a missing value)."""
    made, received = known.reason("interactions_made"), known.reason("interactions_received")
    why_to = f"the account's interactions with the counterpart are not in the data ({made})"
    why_from = (
        f"the counterpart's interactions with the account are not in the data ({received})"
    )
    sides = {
        "to": (to_known, why_to),
        "from": (from_known, why_from),
        "i_follow": (i_follow_known, "whom the account follows is not in the data ("
                     f"{known.reason('following')})"),
        "follows_me": (follows_me_known, "who follows the account is not in the data ("
                       f"{known.reason('followers')})"),
    }
    needs = {
        "i_follow": ("i_follow",), "follows_me": ("follows_me",),
        "follow_state": ("i_follow", "follows_me"), "mutual_follow": ("i_follow", "follows_me"),
        "i_followed_at": ("i_follow",), "they_followed_at": ("follows_me",),
        "exchanges": ("to", "from"), "balance": ("to", "from"),
        "reply_back_rate": ("to", "from"), "reply_back_hours": ("to", "from"),
        "answer_rate": ("to", "from"), "answer_hours": ("to", "from"),
    }
    out: dict[str, str] = {}
    for column in RELATIONSHIP_COLUMNS:
        if column in needs:
            wanted = needs[column]
        elif column.endswith(("_to", "_to_ever")):
            wanted = ("to",)
        elif column.endswith(("_from", "_from_ever")):
            wanted = ("from",)
        else:
            continue  # undefined, not unknown: no exchange to time or weigh
        why = [text for side in wanted for known_side, text in [sides[side]]
               if (~known_side).any()]
        if column.startswith("likes_") and likes_why is not None:
            why.append(likes_why)
        if why and missing[column].any():
            out[column] = "; ".join(why)
    for column in ("frequency", "recency", "duration", "kinds", "tie_strength"):
        if missing[column].any() and (~to_known & ~from_known).any():
            out[column] = f"{why_to}; {why_from}"
    return out


def _finish(frame: pd.DataFrame, reasons: dict[str, str],
            sides: tuple[np.ndarray, np.ndarray] | None, now: int | None) -> pd.DataFrame:
    frame.attrs["unknown"] = reasons
    if sides is None or (sides[0].all() and sides[1].all()):
        basis = _BOTH
    elif sides[0].all() and not sides[1].any():
        basis = _OWNER_ONLY
    else:
        basis = _MIXED
    frame.attrs["basis"] = basis
    frame.attrs["as_of"] = None if now is None else pd.Timestamp(now, tz="UTC")
    return frame


# =========================================================================== quadrants
def _require(table: pd.DataFrame, needed: tuple[str, ...]) -> None:
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise MissingColumnsError(
            "relationships", missing, [str(c) for c in table.columns],
            hint="pass the table that em.relationships(...) returns",
        )


class Quadrants:
    """The four quadrants of an account's relationships: counts, shares and members.

    Made by :func:`quadrants`. A quadrant whose membership the data cannot decide for some
    counterparts has ``accounts`` missing (NA) and the reason in ``unknown``; ``at_least``
    counts the counterparts known to be in it, and ``members`` lists them.

    Attributes
    ----------
    summary : pandas.DataFrame
        Index ``quadrant`` (engaged_mutuals, silent_mutuals, one_sided_outreach,
        unfollowed_engagers); columns ``accounts`` (Int64, NA when unknown), ``at_least``
        (Int64), ``share`` (of the counterparts; NaN when unknown), ``definition``,
        ``unknown`` (the reason, or None).
    members : dict of str to pandas.Index
        The counterparts known to be in each quadrant.
    account : object
        The account whose relationships these are (None for a table without rows).
    counterparts : int
        Rows of the relationship table.

    Examples
    --------
    >>> import pandas as pd
    >>> import engagemetrics as em
    >>> follows = pd.DataFrame({"source": ["me", "ann", "me"], "target": ["ann", "me", "bob"]})
    >>> posts = pd.DataFrame({"post_id": ["1"], "author": "me", "kind": "reply",
    ...     "parent_author": "ann", "created_at": "2026-02-01"})
    >>> q = em.quadrants(em.relationships(follows, posts, ego="me"))
    >>> q.counterparts, q.summary["at_least"].tolist()
    (2, [1, 0, 0, 0])
    """

    def __init__(self, summary: pd.DataFrame, members: dict[str, pd.Index], account: Any,
                 counterparts: int) -> None:
        self.summary = summary
        self.members = members
        self.account = account
        self.counterparts = counterparts

    def __repr__(self) -> str:
        lines = [f"Quadrants of {self.account!r} ({self.counterparts} counterparts)"]
        for name, row in self.summary.iterrows():
            count = "unknown" if pd.isna(row["accounts"]) else str(row["accounts"])
            share = "" if pd.isna(row["share"]) else f" ({row['share']:.1%})"
            line = f"  {name:<20} {count}{share}"
            if row["unknown"] is not None:
                line += f", at least {row['at_least']}: {row['unknown']}"
            lines.append(line)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = (f"<b>Quadrants</b> of {html.escape(str(self.account))} "
                f"({self.counterparts:,} counterparts)")
        return f"<div>{head}{self.summary.to_html(na_rep='unknown')}</div>"


_QUADRANT_NEEDS = ("follow_state", "i_follow", "follows_me", "engagement_to",
                   "engagement_from", "engagement_from_ever")


def quadrants(relationships: pd.DataFrame) -> Quadrants:
    """Engaged mutuals, silent mutuals, one-sided outreach and unfollowed engagers.

    Parameters
    ----------
    relationships : pandas.DataFrame
        The table of one account's relationships, from :func:`relationships` with an ego
        (or one account's rows of a table of every pair:
        ``rel.xs(account, drop_level=False)``).

    Returns
    -------
    Quadrants
        ``summary`` (counts, shares, definitions, reasons) and ``members``.

    Raises
    ------
    InvalidArgumentError
        A table of several accounts' relationships, or not a DataFrame.
    MissingColumnsError
        The table lacks a column of :func:`relationships` that the quadrants read.

    Notes
    -----
    Definitions are in ``docs/definitions.md`` ("Relationships"), with the window of the
    table:

    - engaged mutuals: mutual follow, at least one exchange in the window;
    - silent mutuals: mutual follow, no exchange in the window;
    - one-sided outreach: the account engaged them in the window (``engagement_to > 0``),
      they never engaged it (``engagement_from_ever == 0``) and do not follow it;
    - unfollowed engagers: they engaged the account in the window (``engagement_from > 0``)
      and it does not follow them.

    A counterpart's membership is decided where the data allows: with one X archive, a
    mutual the owner engaged is an engaged mutual, but whether one it did not engage
    engaged the owner is unknown; a quadrant with an undecided counterpart has its count
    missing, with the reason. The quadrants need not cover every counterpart, and a
    counterpart is in at most one of them.

    Examples
    --------
    >>> import engagemetrics as em
    >>> follows = pd.DataFrame({"source": ["me", "ann", "me", "bob", "cy"],
    ...                         "target": ["ann", "me", "bob", "me", "me"]})
    >>> log = pd.DataFrame({"actor": ["me", "cy", "me"], "target": ["ann", "me", "dee"],
    ...                     "kind": ["reply", "mention", "reply"],
    ...                     "created_at": ["2026-01-01", "2026-01-02", "2026-01-03"]})
    >>> q = em.quadrants(em.relationships(follows, interactions=log, ego="me"))
    >>> q.summary["accounts"].tolist()
    [1, 1, 1, 1]
    >>> {name: list(ids) for name, ids in q.members.items()}
    {'engaged_mutuals': ['ann'], 'silent_mutuals': ['bob'], 'one_sided_outreach': ['dee'], 'unfollowed_engagers': ['cy']}
    """
    if not isinstance(relationships, pd.DataFrame):
        raise InvalidArgumentError(
            f"quadrants() takes the table of em.relationships(...), got "
            f"{type(relationships).__name__}"
        )
    _require(relationships, _QUADRANT_NEEDS)
    index = relationships.index
    if not isinstance(index, pd.MultiIndex) or list(index.names) != ["account", "counterpart"]:
        raise InvalidArgumentError(
            f"quadrants() takes a table indexed by (account, counterpart), as "
            f"em.relationships returns it; this one is indexed by {list(index.names)}"
        )
    accounts = index.get_level_values("account").unique()
    if len(accounts) > 1:
        raise InvalidArgumentError(
            f"quadrants() takes one account's relationships; this table holds "
            f"{len(accounts)} accounts' ({list(accounts[:3])}...); pick one with "
            "rel.xs(account, drop_level=False), or call em.relationships(..., ego=account)"
        )
    rel = relationships
    mutual = (rel["follow_state"] == "mutual").astype("boolean").mask(
        rel["follow_state"] == "unknown")
    engaged_to = rel["engagement_to"] > 0
    engaged_from = rel["engagement_from"] > 0
    exchanged = engaged_to | engaged_from
    membership = {
        "engaged_mutuals": mutual & exchanged,
        "silent_mutuals": mutual & ~exchanged,
        "one_sided_outreach": engaged_to & (rel["engagement_from_ever"] == 0)
        & ~rel["follows_me"],
        "unfollowed_engagers": engaged_from & ~rel["i_follow"],
    }
    reasons = relationships.attrs.get("unknown", {})
    why_of = {
        "engaged_mutuals": ("follow_state", "exchanges", "engagement_from"),
        "silent_mutuals": ("follow_state", "exchanges", "engagement_from"),
        "one_sided_outreach": ("engagement_from_ever", "follows_me"),
        "unfollowed_engagers": ("engagement_from", "i_follow"),
    }
    n = len(rel)
    rows = []
    members: dict[str, pd.Index] = {}
    counterparts = index.get_level_values("counterpart")
    for name, member in membership.items():
        member = member.astype("boolean")
        sure = member.fillna(False).to_numpy(dtype=bool)
        undecided = bool(member.isna().any())
        members[name] = counterparts[sure]
        count = pd.NA if undecided else int(sure.sum())
        why = None
        if undecided:
            found = [reasons[c] for c in why_of[name] if c in reasons]
            why = "; ".join(dict.fromkeys(found)) or "a side of these relationships is unknown"
        rows.append({
            "accounts": count,
            "at_least": int(sure.sum()),
            "share": np.nan if undecided or n == 0 else sure.sum() / n,
            "definition": QUADRANTS[name],
            "unknown": why,
        })
    summary = pd.DataFrame(rows, index=pd.Index(list(QUADRANTS), name="quadrant"))
    summary = summary.astype({"accounts": "Int64", "at_least": "Int64", "share": "float64"})
    return Quadrants(summary, members, accounts[0] if len(accounts) else None, n)


# =========================================================================== dormant
def dormant(relationships: pd.DataFrame, *, days: float = 90) -> pd.DataFrame:
    """The re-engage list: relationships with a past exchange and none in the last ``days``.

    Parameters
    ----------
    relationships : pandas.DataFrame
        A table of :func:`relationships` (one account's, or every pair's).
    days : float
        How long without an exchange makes a relationship dormant. Default 90.

    Returns
    -------
    pandas.DataFrame
        The rows of ``relationships`` whose last exchange is more than ``days`` days before
        its ``as_of`` (``days_since_last > days``), strongest past tie first
        (``tie_strength`` descending, then the most recent ``last_exchange``; an unknown
        tie strength last). Same columns and attrs.

    Raises
    ------
    InvalidArgumentError
        ``days`` is not a number >= 0, or ``relationships`` is not a DataFrame.
    MissingColumnsError
        The table lacks ``days_since_last``, ``last_exchange`` or ``tie_strength``.

    Notes
    -----
    The exchanges are those of the table (``.attrs["basis"]``): with one account's export,
    the owner's own engagement only, so a counterpart who wrote to the owner recently but
    whom the owner did not answer is listed too.

    Examples
    --------
    >>> import engagemetrics as em
    >>> log = pd.DataFrame({"actor": ["me", "me", "ann", "me"],
    ...                     "target": ["ann", "bob", "me", "cy"],
    ...                     "kind": ["reply", "reply", "reply", "mention"],
    ...                     "created_at": ["2025-01-01", "2025-06-01", "2025-01-02",
    ...                                    "2025-12-30"]})
    >>> rel = em.relationships(None, interactions=log, ego="me", as_of="2026-01-01")
    >>> em.dormant(rel).index.get_level_values("counterpart").tolist()  # cy is recent
    ['ann', 'bob']
    """
    if not isinstance(relationships, pd.DataFrame):
        raise InvalidArgumentError(
            f"dormant() takes the table of em.relationships(...), got "
            f"{type(relationships).__name__}"
        )
    if isinstance(days, (bool, np.bool_)) or not isinstance(
        days, (int, float, np.integer, np.floating)
    ) or not math.isfinite(float(days)) or days < 0:
        raise InvalidArgumentError(f"days must be a number of days >= 0, got {days!r}")
    _require(relationships, ("days_since_last", "last_exchange", "tie_strength"))
    rel = relationships
    quiet = (rel["last_exchange"].notna() & (rel["days_since_last"] > float(days))).to_numpy(
        dtype=bool)
    out = rel[quiet]
    order = np.lexsort((
        -out["last_exchange"].to_numpy(dtype="datetime64[ns]").view(np.int64),
        -np.nan_to_num(out["tie_strength"].to_numpy(dtype=np.float64), nan=-1.0),
    ))
    result = out.iloc[order]
    result.attrs = dict(rel.attrs)
    return result
