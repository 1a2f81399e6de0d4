"""Change over time: snapshots compared, follow events from their dates, cohorts, engagement lift.

Every number here is defined in ``docs/definitions.md``, "Change over time". The account ids of
every archive given to one function are encoded once, together (:func:`._prepare.encode_ids`),
so that an account is the same integer code in every snapshot; the follower and following
sets are sorted distinct codes, and every set operation is a ``searchsorted`` on them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import schema
from ..archive import Archive
from ..coverage import Coverage
from ..exceptions import InvalidArgumentError, NoEgoError, UnsupportedBackendError
from ._definitions import (
    CHANGE_COLUMNS,
    CHANGES,
    COHORT_COLUMNS,
    COMPARE_COLUMNS,
    COMPARE_RATES,
    ENGAGEMENT_KINDS,
    FOLLOW_BACK_COLUMNS,
    FOLLOW_EVENT_COLUMNS,
    FOLLOW_SIDES,
    FOLLOWED_FIRST,
    GONE_NEEDS,
    LIFT_COLUMNS,
    LIFT_COUNTS,
    LIFT_ENGAGED,
    LIFT_GROUPS,
    LIFT_METHOD,
    LIFT_OUTCOME,
    LIFT_UNIVERSE,
    LOST_AS,
    NS_PER_DAY,
)
from ._kernels import sorted_distinct
from ._prepare import (
    NAT,
    Window,
    check_bool,
    encode_ids,
    id_column,
    is_native,
    ns,
    parse_freq,
    parse_window,
)
from .followdates import (
    count_by_period,
    earliest_codes,
    follow_times,
    new_follows,
    owner_sides,
    undated_reason,
)
from .periods import period_bounds, period_range

__all__ = [
    "Comparison",
    "Lift",
    "compare",
    "engagement_lift",
    "follow_back",
    "follow_events",
    "follower_cohorts",
    "newcombe_interval",
    "wilson_interval",
]

_LATEST = np.iinfo(np.int64).max
# interaction kind code -> whether it engages; the last entry answers a missing kind (-1)
_ENGAGES = np.array([k in ENGAGEMENT_KINDS for k in schema.INTERACTION_KINDS] + [False])
_BASIS = (
    "lower bound: the follows made in the period that were still there at the export; "
    "follows made and undone before the export are in no export"
)


# =========================================================================== sets of codes
def _isin_sorted(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in the sorted distinct array ``members``."""
    if members.shape[0] == 0 or values.shape[0] == 0:
        return np.zeros(values.shape[0], dtype=bool)
    at = np.searchsorted(members, values)
    np.minimum(at, members.shape[0] - 1, out=at)
    return members[at] == values


def _minus(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    return values[~_isin_sorted(values, members)]


# =========================================================================== inputs
class _Need(NamedTuple):
    """What a function reads of one export besides its owner's follows."""

    others: bool = False  # the follow edges that do not touch the owner
    acts: bool = False  # the interactions
    posts: bool = False  # the accounts of the posts (author, parent and root authors)
    since: int | None = None  # only interactions and posts at or after (int64 ns)


class _Side(NamedTuple):
    codes: np.ndarray  # the owner's counterparts on one side: distinct codes, sorted
    made: np.ndarray  # when each follow was made (int64 ns, its earliest copy), NAT undated


class _Export(NamedTuple):
    """One export's tables as integer codes of the id index shared by every export given."""

    ego: int
    followers: _Side
    following: _Side
    others: np.ndarray  # accounts of the follow edges that do not touch the owner (repeats)
    actor: np.ndarray  # interactions (those at or after `since`)
    acted_on: np.ndarray
    kind: np.ndarray  # schema.INTERACTION_KINDS codes
    acted: np.ndarray  # int64 ns
    direct: np.ndarray
    posted: np.ndarray  # accounts of the posts at or after `since`, direct messages left out

    def side(self, side: str) -> _Side:
        return self.followers if side == "followers" else self.following

    def seen(self, include_direct: bool) -> np.ndarray:
        """Every account of a follow edge or an interaction (codes, with repeats)."""
        keep = slice(None) if include_direct else ~self.direct
        found = np.concatenate([self.followers.codes, self.following.codes, self.others,
                                self.actor[keep], self.acted_on[keep]])
        return found[found >= 0]

    def engaged(self, window: Window, include_direct: bool) -> np.ndarray:
        """Accounts the owner replied to, mentioned, reposted or quoted in the window (sorted
        distinct codes; itself never)."""
        keep = (
            (self.actor == self.ego)
            & (self.acted_on != self.ego)
            & (self.acted_on >= 0)
            & _ENGAGES[self.kind]
            & window.mask(self.acted)
        )
        if not include_direct:
            keep &= ~self.direct
        return sorted_distinct(self.acted_on[keep])


def _direct(visibility: pd.Series) -> np.ndarray:
    return (visibility.astype(object) == "direct").to_numpy(dtype=bool, na_value=False)


def _is(column: pd.Series, ego: Any) -> np.ndarray:
    return (column == ego).to_numpy(dtype=bool, na_value=False)


def _encode_exports(
    exports: Sequence[tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None, Any]],
    needs: Sequence[_Need],
) -> tuple[pd.Index, list[_Export]]:
    """Encode what each export needs, all at once: one code per account everywhere.

    ``exports`` are (follows, interactions, posts, owner) tables; only the owner's follow
    edges, and the rows the needs ask for, are encoded.
    """
    columns: list[Any] = []

    def add(values: Any) -> int:
        columns.append(id_column(values))
        return len(columns) - 1

    plans = []
    for (f, it, p, ego), need in zip(exports, needs, strict=True):
        schema.require_columns(f, "follows", ["source", "target"])
        plan: dict[str, Any] = {"ego": add(pd.Series([ego]))}
        fol, ing = owner_sides(f, ego)
        when = follow_times(f)
        plan["followers"] = (add(f["source"][fol]), when[fol])
        plan["following"] = (add(f["target"][ing]), when[ing])
        if need.others:
            rest = ~(_is(f["source"], ego) | _is(f["target"], ego))
            plan["others"] = (add(f["source"][rest]), add(f["target"][rest]))
        if need.acts and it is not None:
            schema.require_columns(it, "interactions",
                                   ["actor", "target", "kind", "created_at", "visibility"])
            at = ns(it["created_at"])
            keep = at >= need.since if need.since is not None else np.ones(len(it), bool)
            kept = it[keep]
            plan["acts"] = (
                add(kept["actor"]), add(kept["target"]),
                np.asarray(kept["kind"].astype(schema.INTERACTION_KIND_DTYPE).cat.codes,
                           dtype=np.int64),
                at[keep], _direct(kept["visibility"]),
            )
        if need.posts and p is not None:
            schema.require_columns(p, "posts", ["author", "parent_author", "root_author",
                                                "created_at", "visibility"])
            keep = ~_direct(p["visibility"])
            if need.since is not None:
                keep &= ns(p["created_at"]) >= need.since
            plan["posts"] = [add(p[c][keep]) for c in ("author", "parent_author", "root_author")]
        plans.append(plan)

    ids, codes = encode_ids(columns)
    n = len(ids)
    empty = np.empty(0, dtype=np.int64)
    out = []
    for plan in plans:
        sides = {s: _Side(*earliest_codes(codes[plan[s][0]], plan[s][1], n))
                 for s in FOLLOW_SIDES}
        others = (np.concatenate([codes[i] for i in plan["others"]]) if "others" in plan
                  else empty)
        if "acts" in plan:
            a, t, kind, at, direct = plan["acts"]
            acts = (codes[a], codes[t], kind, at, direct)
        else:
            acts = (empty, empty, empty, empty, np.empty(0, dtype=bool))
        posted = (np.concatenate([codes[i] for i in plan["posts"]]) if "posts" in plan
                  else empty)
        out.append(_Export(int(codes[plan["ego"]][0]), sides["followers"], sides["following"],
                           others[others >= 0], *acts, posted[posted >= 0]))
    return ids, out


def _of_archives(archives: Sequence[Archive], needs: Sequence[_Need]
                 ) -> tuple[pd.Index, list[_Export]]:
    return _encode_exports(
        [(a.follows, a.interactions, a.posts, a.ego) for a in archives], needs
    )


def _archive(value: Any, name: str, function: str) -> Archive:
    if not isinstance(value, Archive):
        raise InvalidArgumentError(
            f"{function}() takes exports of one account as em.Archive objects (with an owner "
            f"and an export date); {name} is a {type(value).__name__}. Load one with "
            "em.load(path), or build one with em.Archive(follows, posts, ego=..., "
            "exported_at=...)"
        )
    if value.ego is None:
        raise NoEgoError(
            f"{function}() compares exports of one account, and {name} has no owner (it is a "
            "platform dataset); pass ego= to em.Archive"
        )
    return value


def _when(archive: Archive) -> str:
    return "an unknown date" if archive.exported_at is None else str(archive.exported_at.date())


def _snapshots(archives: Sequence[Archive], names: Sequence[str], function: str) -> None:
    """One platform, one account, export dates known and strictly increasing."""
    platforms = {a.platform for a in archives} - {"generic"}
    if len(platforms) > 1:
        raise InvalidArgumentError(
            f"{function}() takes exports of one account on one platform; got exports of "
            f"{sorted(platforms)}, whose ids are not comparable"
        )
    first = archives[0]
    for name, a in zip(names, archives, strict=True):
        if a.exported_at is None:
            raise InvalidArgumentError(
                f"{function}() orders the exports by their export date, and {name} "
                f"({a.platform}, owner {a.ego}) has none; set it with "
                f"archive.replace(exported_at='YYYY-MM-DD')"
            )
        if not _same_account(first, a):
            raise InvalidArgumentError(
                f"{function}() takes exports of one account; {names[0]} is the export of "
                f"{first.ego!r} and {name} of {a.ego!r}. To join the exports of two "
                "accounts use em.merge(...)"
            )
    for k in range(len(archives) - 1):
        (n1, a1), (n2, a2) = (names[k], archives[k]), (names[k + 1], archives[k + 1])
        assert a1.exported_at is not None and a2.exported_at is not None
        if a1.exported_at == a2.exported_at:
            raise InvalidArgumentError(
                f"{function}() needs snapshots of different dates; {n1} and {n2} were both "
                f"exported at {a1.exported_at}"
            )
        if a1.exported_at > a2.exported_at:
            raise InvalidArgumentError(
                f"{function}() takes the exports oldest first; {n1} was exported at "
                f"{a1.exported_at} and {n2} at {a2.exported_at}, so {n2} is the older one: "
                "swap them"
            )


def _same_account(a: Archive, b: Archive) -> bool:
    """The owners are one account: the same id, or one's id resolves to the other's owner."""
    if a.ego == b.ego:
        return True
    for x, y in ((a, b), (b, a)):
        found = x.resolve([str(y.ego)]).iloc[0]
        if not pd.isna(found) and str(found) == x.ego:
            return True
    return False


def _side_reason(archive: Archive, name: str, side: str) -> str | None:
    why = archive.coverage.reason(side)
    return None if why is None else f"{why} (the {name} export, {_when(archive)})"


def _categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    dtype: pd.CategoricalDtype = pd.CategoricalDtype(list(categories))
    return pd.Categorical.from_codes(codes.astype(np.int8), dtype=dtype)


def _int64(values: Sequence[Any]) -> pd.arrays.IntegerArray:
    return pd.array([pd.NA if v is None else int(v) for v in values], dtype="Int64")


def _iso(ts: pd.Timestamp | None) -> str | None:
    return None if ts is None else ts.isoformat()


# =========================================================================== compare
class Comparison:
    """Two snapshots of one account's follows compared: see :func:`compare`.

    Attributes
    ----------
    summary : pandas.DataFrame
        Index ``side`` (``followers``, ``following``); Int64 ``start``, ``end``, ``new``,
        ``lost``, float64 ``churn_rate``, ``retention``, Int64 ``net_growth``. A side that
        either export lacks is missing throughout, the reason in ``summary.attrs["unknown"]``
        (side -> reason).
    changes : pandas.DataFrame
        One row per account that came or left, index ``account`` (sorted; an account that
        changed on both sides has two rows); categorical ``side``, ``change`` (``new``,
        ``lost``) and ``lost_as`` (``unfollowed``, ``gone``, ``unknown``; missing for a new
        account). ``changes.attrs["unknown"]`` says which sides have no rows because they are
        unknown, and why ``lost_as`` is ``"unknown"`` where it is.
    older_at, newer_at : pandas.Timestamp
        The export dates of the two snapshots.
    ego : str
        The owner's id (in the newer export).

    Examples
    --------
    >>> import pandas as pd
    >>> import engagemetrics as em
    >>> older = em.Archive(follows=pd.DataFrame({"source": ["ann", "me"],
    ...     "target": ["me", "bob"]}), ego="me", exported_at="2026-01-01")
    >>> newer = em.Archive(follows=pd.DataFrame({"source": ["cy", "me"],
    ...     "target": ["me", "bob"]}), ego="me", exported_at="2026-04-01")
    >>> c = em.compare(older, newer)
    >>> c.new_followers.tolist(), c.lost_followers.tolist()
    (['cy'], ['ann'])
    """

    def __init__(
        self,
        summary: pd.DataFrame,
        changes: pd.DataFrame,
        lists: dict[str, pd.Index | None],
        older_at: pd.Timestamp,
        newer_at: pd.Timestamp,
        ego: str,
    ) -> None:
        self.summary = summary
        self.changes = changes
        self._lists = lists
        self.older_at = older_at
        self.newer_at = newer_at
        self.ego = ego

    @property
    def new_followers(self) -> pd.Index | None:
        """Accounts that follow the owner in the newer export and did not in the older one
        (sorted); None when either export lacks the followers."""
        return self._lists["new_followers"]

    @property
    def lost_followers(self) -> pd.Index | None:
        """Accounts that followed the owner in the older export and do not in the newer one
        (sorted); None when either export lacks the followers."""
        return self._lists["lost_followers"]

    @property
    def new_following(self) -> pd.Index | None:
        """Accounts the owner follows in the newer export and did not in the older one
        (sorted); None when either export lacks the following."""
        return self._lists["new_following"]

    @property
    def lost_following(self) -> pd.Index | None:
        """Accounts the owner followed in the older export and does not in the newer one
        (sorted); None when either export lacks the following."""
        return self._lists["lost_following"]

    def _lost_lines(self) -> list[str]:
        lines = []
        for side in FOLLOW_SIDES:
            if side in self.summary.attrs.get("unknown", {}):
                lines.append(f"lost {side}: unknown ({self.summary.attrs['unknown'][side]})")
                continue
            rows = self.changes[(self.changes["side"] == side).to_numpy()
                                & (self.changes["change"] == "lost").to_numpy()]
            counts = rows["lost_as"].value_counts()
            split = ", ".join(f"{int(counts.get(k, 0))} {k}" for k in LOST_AS)
            lines.append(f"lost {side}: {split}")
        return lines

    def __repr__(self) -> str:
        head = (
            f"Comparison of two exports of {self.ego}: {self.older_at} -> {self.newer_at}"
        )
        return "\n".join([head, self.summary.to_string(), *self._lost_lines()])

    def _repr_html_(self) -> str:
        head = html.escape(
            f"Comparison of two exports of {self.ego}: {self.older_at} -> {self.newer_at}"
        )
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self._lost_lines())
        return f"<div><b>{head}</b>{self.summary.to_html()}<ul>{items}</ul></div>"


def compare(older: Archive, newer: Archive) -> Comparison:
    """Two exports of one account compared: new and lost followers and followings.

    Parameters
    ----------
    older, newer : engagemetrics.Archive
        Two exports (snapshots) of one account, of any layouts of one platform (an X archive
        folder against a later zip, say), each with its export date, ``older`` first. The
        owners must be one account: the same id, or ids that
        :meth:`~engagemetrics.Archive.resolve` maps to each other. Other accounts are
        compared by the ids the readers give them (one id per account).

    Returns
    -------
    Comparison
        ``summary`` (one row per side: ``start``, ``end``, ``new``, ``lost``, ``churn_rate``,
        ``retention``, ``net_growth``), ``changes`` (one row per account that came or left,
        with ``side``, ``change`` and ``lost_as``), and the id lists ``new_followers``,
        ``lost_followers``, ``new_following``, ``lost_following``.

    Raises
    ------
    InvalidArgumentError
        An argument that is not an Archive, exports of two accounts or two platforms, an
        export without a date, or exports not given oldest first.
    NoEgoError
        An archive without an owner (a platform dataset).
    MissingColumnsError
        A table of an archive lacks a column (an archive edited in place).

    Notes
    -----
    For a side (the owner's followers, or the accounts it follows), with *S* the accounts
    on that side in ``older`` and *E* in ``newer`` (the owner itself and duplicate edges
    left out): ``start`` = \\|S\\|, ``end`` = \\|E\\|, ``new`` = \\|E − S\\|, ``lost`` =
    \\|S − E\\|, ``churn_rate`` = lost / start, ``retention`` = (start − lost) / start (both
    NaN when start is 0), ``net_growth`` = end − start = new − lost. A side that either export
    lacks (a Bluesky repo has no follower list) is missing, with the reason.

    A lost account is ``"unfollowed"`` when the newer export shows it after the older export
    was made: in one of the newer follow lists, or as the author, parent author or root
    author of a post, or the actor or target of an interaction, dated on or after the older
    export's date (direct messages left out). It is ``"gone"`` when none of these shows it,
    which is what a deleted, suspended or deactivated account leaves, and also what an
    account that left and that the owner never met again leaves: the export cannot tell those
    two apart. It is ``"unknown"`` when it is not shown and the newer export lacks a part
    that could show it (a follow list, or both a post log and an interaction log); the reason
    is in ``changes.attrs["unknown"]["lost_as"]``. A reference older than the older export
    proves only that the account existed then, which its being on the list already says, so
    it does not count; nor does the accounts table, which carries no date. See
    ``docs/definitions.md``, "Change over time".

    Examples
    --------
    >>> import engagemetrics as em
    >>> older = em.Archive(follows=pd.DataFrame({"source": ["ann", "bob", "cy", "me"],
    ...                                          "target": ["me", "me", "me", "ann"]}),
    ...                    ego="me", exported_at="2026-01-01")
    >>> newer = em.Archive(follows=pd.DataFrame({"source": ["ann", "dee", "me", "me"],
    ...                                          "target": ["me", "me", "ann", "bob"]}),
    ...                    posts=pd.DataFrame({"post_id": ["1"], "author": ["me"],
    ...                        "created_at": ["2026-02-01"], "kind": ["reply"],
    ...                        "parent_author": ["cy"]}),
    ...                    ego="me", exported_at="2026-04-01")
    >>> c = em.compare(older, newer)
    >>> c.summary
               start  end  new  lost  churn_rate  retention  net_growth
    side
    followers      3    2    1     2    0.666667   0.333333          -1
    following      1    2    1     0    0.000000   1.000000           1
    >>> c.changes
                  side change     lost_as
    account
    bob      followers   lost  unfollowed
    bob      following    new         NaN
    cy       followers   lost  unfollowed
    dee      followers    new         NaN
    >>> c.lost_followers.tolist()
    ['bob', 'cy']
    """
    older = _archive(older, "older", "compare")
    newer = _archive(newer, "newer", "compare")
    _snapshots([older, newer], ["older", "newer"], "compare")
    assert older.exported_at is not None
    since = int(older.exported_at.value)
    ids, (o, n) = _of_archives(
        [older, newer], [_Need(), _Need(others=True, acts=True, posts=True, since=since)]
    )
    seen = _references(n)
    gone_why = _cannot_tell(newer)

    summary: dict[str, list[Any]] = {c: [] for c in COMPARE_COLUMNS}
    unknown: dict[str, str] = {}
    lists: dict[str, pd.Index | None] = {}
    accounts, sides, changes, lost_as = [], [], [], []
    for s, side in enumerate(FOLLOW_SIDES):
        why = _side_reason(older, "older", side) or _side_reason(newer, "newer", side)
        if why is not None:
            for column in COMPARE_COLUMNS:
                summary[column].append(np.nan if column in COMPARE_RATES else None)
            unknown[side] = why
            lists[f"new_{side}"] = lists[f"lost_{side}"] = None
            continue
        before, after = o.side(side).codes, n.side(side).codes
        came, left = _minus(after, before), _minus(before, after)
        start, end = before.shape[0], after.shape[0]
        summary["start"].append(start)
        summary["end"].append(end)
        summary["new"].append(came.shape[0])
        summary["lost"].append(left.shape[0])
        summary["churn_rate"].append(left.shape[0] / start if start else np.nan)
        summary["retention"].append((start - left.shape[0]) / start if start else np.nan)
        summary["net_growth"].append(end - start)
        lists[f"new_{side}"] = ids.take(came).rename("account")
        lists[f"lost_{side}"] = ids.take(left).rename("account")
        shown = _isin_sorted(left, seen)
        not_shown = LOST_AS.index("unknown" if gone_why else "gone")
        accounts += [came, left]
        sides += [np.full(came.shape[0] + left.shape[0], s, dtype=np.int64)]
        changes += [np.zeros(came.shape[0], np.int64), np.ones(left.shape[0], np.int64)]
        lost_as += [np.full(came.shape[0], -1, np.int64),
                    np.where(shown, LOST_AS.index("unfollowed"), not_shown)]

    table = pd.DataFrame(
        {c: (np.asarray(v, dtype=np.float64) if c in COMPARE_RATES else _int64(v))
         for c, v in summary.items()},
        index=pd.Index(list(FOLLOW_SIDES), name="side"),
    )
    table.attrs["unknown"] = dict(unknown)
    frame = _changes_frame(ids, accounts, sides, changes, lost_as)
    frame_unknown = {side: why for side, why in unknown.items()}
    if gone_why is not None and (frame["lost_as"] == "unknown").any():
        frame_unknown["lost_as"] = gone_why
    frame.attrs["unknown"] = frame_unknown
    assert newer.ego is not None and newer.exported_at is not None
    return Comparison(table, frame, lists, older.exported_at, newer.exported_at, newer.ego)


def _references(t: _Export) -> np.ndarray:
    """Accounts the newer export shows after the older one: its follow lists, and the
    accounts of its posts and interactions dated since (direct messages left out)."""
    found = np.concatenate([t.followers.codes, t.following.codes, t.others, t.posted,
                            t.actor[~t.direct], t.acted_on[~t.direct]])
    return sorted_distinct(found[found >= 0])


def _cannot_tell(newer: Archive) -> str | None:
    """Why the newer export cannot tell a gone account from one it does not mention."""
    for parts in GONE_NEEDS:
        if not any(newer.coverage.known(p) for p in parts):
            why = newer.coverage.reason(parts[0])
            return (
                f"the newer export ({_when(newer)}) lacks a part that could show an account "
                f"that left: {why}"
            )
    return None


def _changes_frame(
    ids: pd.Index,
    accounts: list[np.ndarray],
    sides: list[np.ndarray],
    changes: list[np.ndarray],
    lost_as: list[np.ndarray],
) -> pd.DataFrame:
    def joined(parts: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    account, side, change, fate = (joined(p) for p in (accounts, sides, changes, lost_as))
    order = np.lexsort((side, account))  # codes are in id order: sorted by account, then side
    frame = pd.DataFrame(
        {
            "side": _categorical(side[order], FOLLOW_SIDES),
            "change": _categorical(change[order], CHANGES),
            "lost_as": _categorical(fate[order], LOST_AS),
        },
        index=ids.take(account[order]).rename("account"),
    )
    return frame[list(CHANGE_COLUMNS)]


# =========================================================================== one account's follows
class _Follows(NamedTuple):
    """A follow table and what is known of it, with the account whose follows are asked."""

    table: pd.DataFrame
    coverage: Coverage | None
    ego: Any
    exported_at: pd.Timestamp | None


def _take_follows(follows: Any, ego: Any, function: str, *, need_ego: bool) -> _Follows:
    if isinstance(follows, Archive):
        owner = follows.ego if ego is None else ego
        if ego is not None and not follows.coverage.covers(str(ego)):
            raise InvalidArgumentError(
                f"{function}(): ego={ego!r} is not an owner of this archive, whose export "
                f"covers {sorted(follows.coverage.owners)} only"
            )
        table, coverage, exported = follows.follows, follows.coverage, follows.exported_at
    elif isinstance(follows, pd.DataFrame):
        owner, table, coverage, exported = ego, follows, None, None
    elif is_native(follows):
        raise UnsupportedBackendError(
            f"{function}() reads one account's follows, a small table: collect it to pandas "
            "first (e.g. frame.to_pandas() on Polars, .df() on DuckDB)"
        )
    else:
        raise UnsupportedBackendError(
            f"{function}() takes the follow table as a pandas DataFrame (or an em.Archive); "
            f"got {type(follows).__module__}.{type(follows).__qualname__}"
        )
    schema.require_columns(table, "follows", ["source", "target"])
    if need_ego and owner is None:
        raise NoEgoError(
            f"{function}() counts one account's follows: pass ego= with its id (an Archive "
            "brings its owner)"
        )
    return _Follows(table, coverage, owner, exported)


def _mutual_pairs(table: pd.DataFrame
                  ) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every mutual pair u < v of a follow table: codes, and when u -> v and v -> u were made
    (each edge at its earliest date).

    One sort of packed keys ``(min(u, v) * n + max(u, v)) * 2 + (u > v)``: the copies of an
    edge are neighbours (their earliest date is a ``minimum.reduceat``), and so are the two
    directions of a mutual pair, which differ only in the last bit.
    """
    ids, (source, target) = encode_ids([id_column(table["source"]), id_column(table["target"])])
    keep = (source >= 0) & (target >= 0) & (source != target)
    source, target = source[keep], target[keep]
    n = max(len(ids), 1)
    key = (np.minimum(source, target) * n + np.maximum(source, target)) * 2 + (source > target)
    order = np.argsort(key)
    key = key[order]
    when = follow_times(table)[keep][order]
    del source, target, order
    if key.shape[0] == 0:
        empty = np.empty(0, dtype=np.int64)
        return ids, empty, empty, empty, empty
    first = np.ones(key.shape[0], dtype=bool)
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    made = np.minimum.reduceat(np.where(when == NAT, _LATEST, when), starts)
    made[made == _LATEST] = NAT
    key = key[starts]
    low_to_high = np.flatnonzero((key[1:] >> 1) == (key[:-1] >> 1))  # then high -> low
    pair = key[low_to_high] >> 1
    return ids, pair // n, pair % n, made[low_to_high], made[low_to_high + 1]


def follow_events(
    follows: Any,
    *,
    ego: Any = None,
    freq: str | None = "QE",
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """New followers and new followings per period, from the dates the follows carry.

    Bluesky follows and Instagram followers carry the time each follow was made; X and
    Mastodon follow lists do not.

    Parameters
    ----------
    follows : engagemetrics.Archive or pandas.DataFrame
        An archive (its owner's follows, and what its export covers), or a follow table
        (``source``, ``target``, optional ``followed_at``) taken as complete.
    ego : account id, optional
        Whose follows: by default the archive's owner (another owner of a merged archive may
        be named); required with a plain table.
    freq : {"QE", "ME", "YE", "D", "QS", "MS", "YS"} or None
        Calendar periods (``docs/definitions.md``, "Periods"). None: one row for the window.
    start, end : timestamp-like, optional
        Half-open window ``[start, end)`` in UTC over the follow times.

    Returns
    -------
    pandas.DataFrame
        Int64 ``new_followers`` (accounts that started following the owner) and
        ``new_following`` (accounts the owner started following). With ``freq``: one row per
        period, index a :class:`pandas.PeriodIndex` named ``period``, from the period of
        ``start`` (else of the first dated follow) to the period of the export date (else of
        ``end``, else of the last dated follow), every period in between present, none after
        the export date. Without ``freq``: one row, index ``[ego]`` named ``account``.
        A side that is not known, or whose follows are not all dated, is missing, the reason
        in ``.attrs["unknown"]``; ``.attrs["basis"]`` says what the counts are.

    Raises
    ------
    NoEgoError
        A plain table without ``ego=``.
    InvalidArgumentError
        An unknown ``freq``, an empty window, or ``ego=`` naming an account that an
        archive's export does not cover.
    MissingColumnsError
        A follow table without ``source`` or ``target``.
    UnsupportedBackendError
        A table that is not a pandas DataFrame.

    Notes
    -----
    A follow counts in the period of its date (its earliest date, when an edge is listed
    twice). The counts are a lower bound: an export lists the follows that were still there
    when it was made, so a follow made and undone before the export is in no period. A window
    that starts after the export date has its counts missing: the export cannot hold them.

    Examples
    --------
    >>> import engagemetrics as em
    >>> follows = pd.DataFrame({
    ...     "source": ["ann", "bob", "me", "cy"], "target": ["me", "me", "ann", "me"],
    ...     "followed_at": ["2026-01-05", "2026-02-10", "2026-01-07", "2026-07-01"]})
    >>> a = em.Archive(follows=follows, ego="me", exported_at="2026-08-01")
    >>> em.follow_events(a, freq="QE")
            new_followers  new_following
    period
    2026Q1              2              1
    2026Q2              0              0
    2026Q3              1              0
    """
    period = None if freq is None else parse_freq(freq)
    window = parse_window(start, end)
    f = _take_follows(follows, ego, "follow_events", need_ego=True)
    exported = None if f.exported_at is None else int(f.exported_at.value)
    found = new_follows(f.table, f.ego, f.coverage, window)
    times, unknown = found.times, dict(found.unknown)

    if period is None:
        index = found.account
        late = exported is not None and window.lo is not None and window.lo >= exported
        if late:
            assert f.exported_at is not None
            for column in times:
                unknown[column] = (f"the window starts after the export ({f.exported_at}): "
                                   "the export cannot hold what happened then")
        values = {c: [times[c].shape[0] if c not in unknown else None]
                  for c in FOLLOW_EVENT_COLUMNS}
        out = pd.DataFrame({c: _int64(v) for c, v in values.items()}, index=index)
    else:
        periods = _event_periods(times, window, exported, period)
        starts = np.array([period_bounds(p)[0] for p in periods], dtype=np.int64)
        stop = period_bounds(periods[-1])[1] if periods else 0
        data = {}
        for column in FOLLOW_EVENT_COLUMNS:
            if column in unknown:
                data[column] = pd.array([pd.NA] * len(periods), dtype="Int64")
                continue
            data[column] = pd.array(count_by_period(times[column], starts, stop),
                                    dtype="Int64")
        out = pd.DataFrame(data, index=pd.PeriodIndex(periods, freq=period, name="period"))
    out.attrs["unknown"] = unknown
    out.attrs["basis"] = _BASIS
    return out


def _event_periods(times: dict[str, np.ndarray], window: Window, exported: int | None,
                   period: str) -> list[pd.Period]:
    """From the period of ``start`` (else of the first dated follow) to that of the export
    date (else of ``end``, else of the last dated follow)."""
    dated = np.concatenate([t for t in times.values()] or [np.empty(0, np.int64)])
    first = window.lo if window.lo is not None else (int(dated.min()) if dated.size else None)
    ends = [v for v in (exported, None if window.hi is None else window.hi - 1) if v is not None]
    last = min(ends) if ends else (int(dated.max()) if dated.size else None)
    if first is None:
        first = last
    if last is None:
        last = first
    if first is None or last is None or first > last:
        return []
    return period_range(first, last, period)


# =========================================================================== follow-back
def follow_back(follows: Any, *, ego: Any = None) -> pd.DataFrame:
    """Who followed first in each mutual pair, and how many days later the other followed back.

    Parameters
    ----------
    follows : engagemetrics.Archive or pandas.DataFrame
        An archive, or a follow table (``source``, ``target``, optional ``followed_at``)
        taken as complete.
    ego : account id, optional
        Whose mutual follows: by default the archive's owner. Without an owner (a plain table
        without ``ego=``, or a platform dataset) every mutual pair is a row.

    Returns
    -------
    pandas.DataFrame
        One row per mutual pair, index (``account``, ``counterpart``), sorted: with an ego,
        ``account`` is the ego; without, ``account`` < ``counterpart`` in the id order.
        Columns: ``i_followed_at`` (when ``account`` followed ``counterpart``),
        ``they_followed_at`` (the other way round), both ``datetime64[ns, UTC]`` (NaT where
        the follow carries no date); ``followed_first`` (categorical: ``account``,
        ``counterpart``, or ``both`` at the same instant; missing unless both are dated);
        ``follow_back_days`` (float: days between the two follows, NaN unless both are
        dated). ``.attrs["unknown"]`` maps each column missing for the table to its reason;
        when a follow side is unknown the mutual pairs are, and the table has no rows.

    Raises
    ------
    InvalidArgumentError
        ``ego=`` naming an account that an archive's export does not cover.
    MissingColumnsError, UnsupportedBackendError
        A follow table without ``source`` or ``target``, or not a pandas DataFrame.

    Notes
    -----
    Self-follows are left out and an edge listed twice counts once, at its earliest date.
    The follows are those still there at the export: a pair that was mutual and broke
    before is not a row.

    Examples
    --------
    >>> import engagemetrics as em
    >>> follows = pd.DataFrame({
    ...     "source": ["me", "ann", "me", "bob"], "target": ["ann", "me", "bob", "me"],
    ...     "followed_at": ["2026-01-01", "2026-01-03 12:00", "2026-02-01", "2026-01-20"]})
    >>> em.follow_back(follows, ego="me")[["followed_first", "follow_back_days"]]
                        followed_first  follow_back_days
    account counterpart
    me      ann                account               2.5
            bob            counterpart              12.0
    """
    f = _take_follows(follows, ego, "follow_back", need_ego=False)
    unknown: dict[str, str] = {}
    if f.coverage is not None:
        for side in ("following", "followers"):
            why = f.coverage.reason(side)
            if why is not None:
                unknown = {c: why for c in FOLLOW_BACK_COLUMNS}
                break
    if f.ego is not None:
        ids, (x,) = _encode_exports([(f.table, None, None, f.ego)], [_Need()])
        mine = _isin_sorted(x.following.codes, x.followers.codes)
        if unknown:
            mine[:] = False
        v = x.following.codes[mine]
        u = np.full(v.shape[0], x.ego, dtype=np.int64)
        i_made = x.following.made[mine]
        they_made = x.followers.made[np.searchsorted(x.followers.codes, v)]
    else:
        ids, u, v, i_made, they_made = _mutual_pairs(f.table)
        if unknown:
            u, v, i_made, they_made = (a[:0] for a in (u, v, i_made, they_made))
    dated = (i_made != NAT) & (they_made != NAT)
    first = np.where(i_made < they_made, 0, np.where(i_made > they_made, 1, 2))
    days = np.where(dated, np.abs(they_made - i_made) / NS_PER_DAY, np.nan)
    # the ids are sorted and distinct: they are the levels, the codes need no factorising
    levels: list[Any] = [ids, ids]
    codes: list[Any] = [u, v]
    index = pd.MultiIndex(levels=levels, codes=codes, names=["account", "counterpart"],
                          verify_integrity=False)
    out = pd.DataFrame(
        {
            "i_followed_at": _timestamps(i_made),
            "they_followed_at": _timestamps(they_made),
            "followed_first": _categorical(np.where(dated, first, -1), FOLLOWED_FIRST),
            "follow_back_days": days.astype(np.float64),
        },
        index=index,
    )
    if not unknown:
        sides = {"i_followed_at": "following", "they_followed_at": "followers"}
        for column, side in sides.items():
            if (out[column].isna()).any():
                unknown[column] = undated_reason(side if f.ego is not None else "follows",
                                           f.coverage)
        undated = unknown.get("i_followed_at") or unknown.get("they_followed_at")
        if undated is not None:
            unknown["followed_first"] = unknown["follow_back_days"] = undated
    out.attrs["unknown"] = unknown
    return out


def _timestamps(values: np.ndarray) -> pd.arrays.DatetimeArray:
    return pd.array(values.view("datetime64[ns]"), dtype="datetime64[ns]").tz_localize("UTC")


# =========================================================================== cohorts
def follower_cohorts(*archives: Archive, freq: str = "QE") -> pd.DataFrame:
    """Followers grouped by the period they followed, and how many still follow in later
    snapshots.

    Parameters
    ----------
    *archives : engagemetrics.Archive
        Exports of one account, oldest first, each with its export date. The cohorts are
        the followers of the first; each later export is a snapshot at which they are
        counted again.
    freq : {"QE", "ME", "YE", "D", "QS", "MS", "YS"}
        Calendar periods of the cohorts (``docs/definitions.md``, "Periods").

    Returns
    -------
    pandas.DataFrame
        Index (``cohort``, ``snapshot``): ``cohort`` the period in which the followers of the
        first export followed (a :class:`pandas.Period`; NaT for followers whose follow
        carries no date), from the first dated follow's period to the first export's period,
        every period in between present; ``snapshot`` each export's date (UTC), the first
        included. Columns: Int64 ``followers`` (the cohort's size in the first export),
        Int64 ``still_following`` (how many of them follow the owner at that snapshot),
        float ``survival`` = still_following / followers (NaN for an empty cohort). Sorted by
        cohort (NaT last) and snapshot. A count that an export cannot give (no follower list)
        is missing, the reason in ``.attrs["unknown"]``.

    Raises
    ------
    InvalidArgumentError
        No archive, exports of two accounts, an export without a date, exports not oldest
        first, or an unknown ``freq``.
    NoEgoError
        An archive without an owner.

    Notes
    -----
    A follower who left and came back between two snapshots counts as still following. The
    first export lists the followers it still had, so a cohort's size is a lower bound of
    the accounts that followed in that period. With one export the table holds the sizes
    only (survival 1).

    Examples
    --------
    >>> import engagemetrics as em
    >>> first = em.Archive(follows=pd.DataFrame({
    ...     "source": ["ann", "bob", "cy"], "target": "me",
    ...     "followed_at": ["2025-11-02", "2025-12-24", "2026-01-15"]}),
    ...     ego="me", exported_at="2026-02-01")
    >>> later = em.Archive(follows=pd.DataFrame({"source": ["bob", "cy"], "target": "me"}),
    ...                    ego="me", exported_at="2026-05-01")
    >>> em.follower_cohorts(first, later)
                                      followers  still_following  survival
    cohort snapshot
    2025Q4 2026-02-01 00:00:00+00:00          2                2       1.0
           2026-05-01 00:00:00+00:00          2                1       0.5
    2026Q1 2026-02-01 00:00:00+00:00          1                1       1.0
           2026-05-01 00:00:00+00:00          1                1       1.0
    """
    if not archives:
        raise InvalidArgumentError("follower_cohorts() needs one export or more (em.Archive)")
    names = [f"archive {i + 1}" for i in range(len(archives))]
    taken = [_archive(a, name, "follower_cohorts") for a, name in zip(archives, names,
                                                                        strict=True)]
    period = parse_freq(freq)
    _snapshots(taken, names, "follower_cohorts")
    ids, coded = _of_archives(taken, [_Need()] * len(taken))
    first = taken[0]
    assert first.exported_at is not None
    snapshots = pd.DatetimeIndex([a.exported_at for a in taken], name="snapshot")

    unknown: dict[str, str] = {}
    why = _side_reason(first, "first", "followers")
    if why is not None:  # nothing is known of the cohorts
        unknown = {c: why for c in COHORT_COLUMNS}
        index = pd.MultiIndex.from_arrays(
            [pd.PeriodIndex([pd.NaT] * len(taken), freq=period), snapshots],
            names=["cohort", "snapshot"],
        )
        out = pd.DataFrame(
            {"followers": _int64([None] * len(taken)),
             "still_following": _int64([None] * len(taken)),
             "survival": np.full(len(taken), np.nan)},
            index=index,
        )
        out.attrs["unknown"] = unknown
        return out

    members, made = coded[0].followers
    dated = made != NAT
    periods = (
        period_range(int(made[dated].min()), max(int(made[dated].max()),
                                                  int(first.exported_at.value)), period)
        if dated.any() else []
    )
    starts = np.array([period_bounds(p)[0] for p in periods], dtype=np.int64)
    cohort = np.where(dated, np.searchsorted(starts, made, side="right") - 1, len(periods))
    n_cohorts = len(periods) + int((~dated).any())  # the undated cohort last, if any
    size = np.bincount(cohort, minlength=n_cohorts)

    still: list[np.ndarray | None] = []
    reasons: list[str] = []
    for k, (archive, c) in enumerate(zip(taken, coded, strict=True)):
        why = _side_reason(archive, f"archive {k + 1}", "followers")
        if why is not None:
            still.append(None)
            reasons.append(why)
            continue
        later = c.followers.codes
        stays = _isin_sorted(members, later)
        still.append(np.bincount(cohort[stays], minlength=n_cohorts))
    if reasons:
        unknown["still_following"] = unknown["survival"] = "; ".join(reasons)

    labels = [*periods, *([pd.NaT] if n_cohorts > len(periods) else [])]
    n_snap = len(taken)
    index = pd.MultiIndex.from_arrays(
        [pd.PeriodIndex(np.repeat(np.array(labels, dtype=object), n_snap), freq=period),
         snapshots.take(np.tile(np.arange(n_snap), n_cohorts))],
        names=["cohort", "snapshot"],
    )
    sizes = np.repeat(size, n_snap)
    kept = np.full((n_cohorts, n_snap), -1, dtype=np.int64)
    for k, counts in enumerate(still):
        if counts is not None:
            kept[:, k] = counts
    kept_flat = kept.ravel()
    missing = kept_flat < 0
    with np.errstate(invalid="ignore", divide="ignore"):
        survival = np.where(missing | (sizes == 0), np.nan, kept_flat / np.maximum(sizes, 1))
    out = pd.DataFrame(
        {
            "followers": pd.array(sizes, dtype="Int64"),
            "still_following": pd.arrays.IntegerArray(np.where(missing, 0, kept_flat),
                                                      missing),
            "survival": survival.astype(np.float64),
        },
        index=index,
    )
    out.attrs["unknown"] = unknown
    return out


# =========================================================================== engagement lift
def wilson_interval(
    successes: Any, trials: Any, *, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score interval of a proportion ``successes / trials`` (vectorised).

    Parameters
    ----------
    successes, trials : array-like of int
        Counts, ``0 <= successes <= trials``.
    confidence : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper bounds (float64; NaN where ``trials`` is 0).

    Notes
    -----
    With *p* = x / n and *z* the normal quantile of 1 − (1 − confidence) / 2, the bounds
    are (p + z²/2n ∓ z √(p(1 − p)/n + z²/4n²)) / (1 + z²/n), without continuity correction.

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
    JASA 22 (1927) 209-212.

    Examples
    --------
    >>> low, high = wilson_interval([3], [10])
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.1078, 0.6032)
    """
    z = _z(confidence)
    x = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        scale = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / scale
        half = z * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / scale
    empty = n <= 0
    return (np.where(empty, np.nan, centre - half), np.where(empty, np.nan, centre + half))


def newcombe_interval(
    x1: int, n1: int, x2: int, n2: int, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval of the difference of two proportions x1/n1 − x2/n2.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Successes and trials of each group.
    confidence : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    (float, float)
        Lower and upper bounds; NaN when a group is empty.

    Notes
    -----
    With (l₁, u₁) and (l₂, u₂) the Wilson intervals of p₁ and p₂ (:func:`wilson_interval`)
    and d = p₁ − p₂: low = d − √((p₁ − l₁)² + (u₂ − p₂)²), high = d + √((u₁ − p₁)² +
    (p₂ − l₂)²). This is method 10 of Newcombe's comparison of eleven methods.

    References
    ----------
    R. G. Newcombe, "Interval estimation for the difference between independent proportions:
    comparison of eleven methods", Statistics in Medicine 17 (1998) 873-890.

    Examples
    --------
    >>> low, high = newcombe_interval(3, 10, 1, 10)
    >>> round(low, 4), round(high, 4)
    (-0.1598, 0.5141)
    """
    lows, highs = wilson_interval([x1, x2], [n1, n2], confidence=confidence)
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - lows[0]) ** 2 + (highs[1] - p2) ** 2)
    high = d + math.sqrt((highs[0] - p1) ** 2 + (p2 - lows[1]) ** 2)
    return (float(low), float(high))


def _z(confidence: Any) -> float:
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, (int, float, np.floating))
        or not 0.0 < float(confidence) < 1.0
    ):
        raise InvalidArgumentError(
            f"confidence must be a number between 0 and 1 (e.g. 0.95), got {confidence!r}"
        )
    return NormalDist().inv_cdf(1.0 - (1.0 - float(confidence)) / 2.0)


class Lift:
    """Engagement lift: does engaging earn followers? See :func:`engagement_lift`.

    Attributes
    ----------
    table : pandas.DataFrame
        Index ``group`` (``engaged``, ``not_engaged``); Int64 ``accounts`` (the group's
        size), Int64 ``followed`` (how many of them followed), float ``share`` = followed /
        accounts, float ``ci_low``, ``ci_high`` (Wilson interval of the share), str
        ``definition``. ``table.attrs["unknown"]``: column -> reason.
    difference : float
        share(engaged) − share(not_engaged); NaN when unknown or a group is empty.
    ci : tuple of float
        (low, high) of the difference at ``confidence``, by Newcombe's hybrid score interval.
    confidence : float
    method : str
        The interval's name.
    basis : str
        ``"snapshots"`` (two exports) or ``"follow dates"`` (one export whose followers are
        dated).
    period : tuple of pandas.Timestamp
        ``[start, end)`` of the period (``end`` None when unbounded).
    unknown : dict of str to str
        Why ``difference`` and ``ci`` are missing, when they are.
    members : dict of str to pandas.Index, or None
        The accounts of each group (sorted); None when the groups are unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> import engagemetrics as em
    >>> older = em.Archive(follows=pd.DataFrame({"source": ["me", "me"],
    ...     "target": ["ann", "bob"]}), ego="me", exported_at="2026-01-01")
    >>> newer = em.Archive(follows=pd.DataFrame({"source": ["me", "me", "ann"],
    ...     "target": ["ann", "bob", "me"]}), ego="me", exported_at="2026-04-01",
    ...     posts=pd.DataFrame({"post_id": ["1"], "author": "me", "kind": "reply",
    ...     "parent_author": "ann", "created_at": "2026-02-01"}))
    >>> lift = em.engagement_lift(older, newer)
    >>> lift.table["accounts"].tolist(), lift.table["followed"].tolist()
    ([1, 1], [1, 0])
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        confidence: float,
        basis: str,
        period: tuple[pd.Timestamp, pd.Timestamp | None],
        members: dict[str, pd.Index] | None,
        unknown: dict[str, str],
    ) -> None:
        self.table = table
        self.confidence = float(confidence)
        self.method = LIFT_METHOD
        self.basis = basis
        self.period = period
        self.members = members
        self.unknown = unknown
        counts = table[list(LIFT_COUNTS)]
        if unknown or counts.isna().any().any():
            self.difference = math.nan
            self.ci: tuple[float, float] = (math.nan, math.nan)
        else:
            (n1, n2), (x1, x2) = (counts[c].astype(int).tolist() for c in LIFT_COUNTS)
            self.difference = float(x1 / n1 - x2 / n2)
            self.ci = newcombe_interval(x1, n1, x2, n2, confidence=confidence)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the groups, the difference, its interval and the definitions
        (missing values are None)."""

        def value(v: Any) -> Any:
            if v is None or pd.isna(v):
                return None
            return int(v) if isinstance(v, (int, np.integer)) else v

        groups = {
            str(group): {c: value(row[c]) if c != "definition" else row[c]
                         for c in LIFT_COLUMNS}
            for group, row in self.table.astype(object).iterrows()
        }
        finite = not math.isnan(self.difference)
        return {
            "groups": groups,
            "difference": self.difference if finite else None,
            "ci": list(self.ci) if finite else None,
            "confidence": self.confidence,
            "method": self.method,
            "basis": self.basis,
            "period": [_iso(self.period[0]), _iso(self.period[1])],
            "unknown": {**self.table.attrs.get("unknown", {}), **self.unknown},
        }

    def _lines(self) -> list[str]:
        level = f"{self.confidence:.0%}"
        if math.isnan(self.difference):
            why = "; ".join(dict.fromkeys(self.unknown.values())) or "unknown"
            return [f"difference: unknown ({why})"]
        low, high = self.ci
        return [
            f"difference: {self.difference:+.3f} (share engaged - share not engaged), "
            f"{level} CI [{low:+.3f}, {high:+.3f}] ({self.method})"
        ]

    def __repr__(self) -> str:
        head = f"Lift ({self.basis}, period {self.period[0]} to {self.period[1]})"
        shown = self.table.drop(columns="definition").to_string()
        return "\n".join([head, shown, *self._lines()])

    def _repr_html_(self) -> str:
        head = html.escape(f"Lift ({self.basis}, period {self.period[0]} to {self.period[1]})")
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in self._lines())
        return f"<div><b>{head}</b>{self.table.to_html()}<ul>{lines}</ul></div>"


def engagement_lift(
    older: Archive,
    newer: Archive | None = None,
    *,
    start: Any = None,
    end: Any = None,
    confidence: float = 0.95,
    include_direct: bool = False,
) -> Lift:
    """Does engaging earn followers? The share of engaged accounts that followed the owner,
    against the share of the others.

    Parameters
    ----------
    older : engagemetrics.Archive
        An export of one account. With ``newer``, the snapshot at the period's start; alone,
        an export whose followers carry the date they followed (Instagram, or followers added
        with dates by :meth:`~engagemetrics.Archive.with_followers`).
    newer : engagemetrics.Archive, optional
        A later export of the same account: the snapshot at the period's end.
    start, end : timestamp-like, optional
        Only with one export: the period ``[start, end)`` in UTC; ``start`` is required, and
        ``end`` defaults to the export date (no bound when that is unknown).
    confidence : float
        Coverage of the intervals, in (0, 1). Default 0.95.
    include_direct : bool
        Count direct messages as engagement (and their accounts as seen). Default False.

    Returns
    -------
    Lift
        ``table`` (per group: ``accounts``, ``followed``, ``share``, ``ci_low``, ``ci_high``,
        ``definition``), ``difference``, ``ci``, ``members``, ``to_dict()``.

    Raises
    ------
    InvalidArgumentError
        Two exports with ``start``/``end`` (the snapshots fix the period), one export
        without ``start``, a ``confidence`` outside (0, 1), or the errors of :func:`compare`
        for the two exports.
    NoEgoError
        An archive without an owner.
    MissingColumnsError
        A table of an archive lacks a column.

    Notes
    -----
    **Two snapshots.** The period is [``older.exported_at``, ``newer.exported_at``). The
    universe is every account other than the owner that either export shows (in a follow
    edge or an interaction) and that did not follow the owner in ``older``. *Engaged*: those
    the owner replied to, mentioned, reposted or quoted in the period (from ``newer``'s log);
    *not engaged*: the rest of the universe. *Followed*: follows the owner in ``newer``.

    **One export with follower dates.** The period is [``start``, ``end``). The universe is
    every account other than the owner that the export shows and that has no follower edge
    dated before ``start``; *engaged* as above in the period; *followed*: a follower edge
    dated in the period. An export lists the followers it still has, so a past follower who
    left before the export counts as not following, and one who left before ``start`` is in
    the universe.

    The difference of the two shares has Newcombe's hybrid score interval (method 10: the
    Wilson intervals of the two shares combined, see :func:`newcombe_interval`). The groups
    are observed, not assigned: the lift is an association, and an account engaged after it
    followed counts as engaged. Missing, with the reason in ``unknown`` and
    ``table.attrs["unknown"]``: everything when the followers at the start are unknown (the
    universe), the engaged split when the owner's interactions are not in the export, the
    ``followed`` counts when the followers at the end are unknown; ``difference`` and ``ci``
    also when a group is empty. See ``docs/definitions.md``, "Engagement lift".

    References
    ----------
    R. G. Newcombe, "Interval estimation for the difference between independent proportions:
    comparison of eleven methods", Statistics in Medicine 17 (1998) 873-890.

    Examples
    --------
    >>> import engagemetrics as em
    >>> older = em.Archive(follows=pd.DataFrame({"source": ["ann", "me", "me", "me"],
    ...                                          "target": ["me", "bob", "cy", "dee"]}),
    ...                    ego="me", exported_at="2026-01-01")
    >>> replies = pd.DataFrame({"post_id": ["1", "2"], "author": "me", "kind": "reply",
    ...     "created_at": ["2026-01-10", "2026-02-10"], "parent_author": ["bob", "cy"]})
    >>> newer = em.Archive(follows=pd.DataFrame({"source": ["ann", "bob", "me", "me", "me"],
    ...                                          "target": ["me", "me", "bob", "cy", "dee"]}),
    ...                    posts=replies, ego="me", exported_at="2026-04-01")
    >>> lift = em.engagement_lift(older, newer)
    >>> lift.table[["accounts", "followed", "share"]]
                 accounts  followed  share
    group
    engaged             2         1    0.5
    not_engaged         1         0    0.0
    >>> round(lift.difference, 2)
    0.5
    """
    _z(confidence)
    include_direct = check_bool(include_direct, "include_direct")
    older = _archive(older, "older", "engagement_lift")
    if newer is not None:
        newer = _archive(newer, "newer", "engagement_lift")
        if start is not None or end is not None:
            raise InvalidArgumentError(
                "engagement_lift() with two exports measures the period between their export "
                "dates; start= and end= are for one export whose followers carry dates"
            )
        _snapshots([older, newer], ["older", "newer"], "engagement_lift")
        return _lift_snapshots(older, newer, confidence, include_direct)
    if start is None:
        raise InvalidArgumentError(
            "engagement_lift() with one export needs start= (the period is [start, end)); "
            "or pass a later export of the same account as newer="
        )
    window = parse_window(start, end if end is not None else older.exported_at)
    return _lift_dated(older, window, confidence, include_direct)


def _lift_snapshots(older: Archive, newer: Archive, confidence: float,
                    include_direct: bool) -> Lift:
    assert older.exported_at is not None and newer.exported_at is not None
    window = Window(int(older.exported_at.value), int(newer.exported_at.value))
    ids, (o, n) = _of_archives([older, newer], [_Need(others=True, acts=True)] * 2)
    needs = {
        "universe": _side_reason(older, "older", "followers"),
        "engaged": _made_reason(newer, "newer"),
        "followed": _side_reason(newer, "newer", "followers"),
    }
    seen = sorted_distinct(np.concatenate([o.seen(include_direct), n.seen(include_direct)]))
    seen = seen[(seen != o.ego) & (seen != n.ego)]
    followers_before = o.followers.codes
    universe = _minus(seen, followers_before)
    followed = n.followers.codes
    engaged = n.engaged(window, include_direct)
    return _lift(ids, universe, engaged, followed, needs, "snapshots", window, confidence)


def _lift_dated(archive: Archive, window: Window, confidence: float,
                include_direct: bool) -> Lift:
    ids, (a,) = _of_archives([archive], [_Need(others=True, acts=True)])
    needs = {
        "universe": _side_reason(archive, "given", "followers"),
        "engaged": _made_reason(archive, "given"),
        "followed": None,
    }
    members, made = a.followers
    if needs["universe"] is None and (made == NAT).any():
        needs["universe"] = undated_reason("followers", archive.coverage)
    seen = sorted_distinct(a.seen(include_direct))
    seen = seen[seen != a.ego]
    assert window.lo is not None
    universe = _minus(seen, members[made < window.lo])
    followed = members[window.mask(made)]
    engaged = a.engaged(window, include_direct)
    return _lift(ids, universe, engaged, followed, needs, "follow dates", window, confidence)


def _made_reason(archive: Archive, name: str) -> str | None:
    c = archive.coverage
    if c.known("posts") or c.known("interactions_made"):
        return None
    return f"{c.reason('interactions_made')} (the {name} export, {_when(archive)})"


def _lift(
    ids: pd.Index,
    universe: np.ndarray,
    engaged: np.ndarray,
    followed: np.ndarray,
    needs: dict[str, str | None],
    basis: str,
    window: Window,
    confidence: float,
) -> Lift:
    assert window.lo is not None
    start = pd.Timestamp(window.lo, tz="UTC")
    end = None if window.hi is None else pd.Timestamp(window.hi, tz="UTC")
    words = {"start": str(start), "end": "no end" if end is None else str(end)}
    universe_words = LIFT_UNIVERSE[basis].format(**words)
    outcome = LIFT_OUTCOME[basis].format(**words)
    definitions = [f"{universe_words}, {LIFT_ENGAGED[g].format(**words)}; {outcome}"
                   for g in LIFT_GROUPS]

    is_engaged = _isin_sorted(universe, engaged)
    has_followed = _isin_sorted(universe, followed)
    groups = [universe[is_engaged], universe[~is_engaged]]
    sizes: list[int | None] = [g.shape[0] for g in groups]
    hits: list[int | None] = [int(has_followed[is_engaged].sum()),
                              int(has_followed[~is_engaged].sum())]
    columns: dict[str, str] = {}
    unknown: dict[str, str] = {}
    why = needs["universe"] or needs["engaged"]
    if why is not None:
        sizes = hits = [None, None]
        columns = {c: why for c in ("accounts", "followed", "share", "ci_low", "ci_high")}
    elif needs["followed"] is not None:
        hits = [None, None]
        columns = {c: needs["followed"] for c in ("followed", "share", "ci_low", "ci_high")}
    if columns:
        unknown = {"difference": next(iter(columns.values())), "ci": next(iter(columns.values()))}
    else:
        for g, size in zip(LIFT_GROUPS, sizes, strict=True):
            if size == 0:
                empty = f"the {g.replace('_', ' ')} group is empty: its share is undefined"
                unknown = {"difference": empty, "ci": empty}
                break

    x = np.array([np.nan if v is None else v for v in hits], dtype=np.float64)
    n = np.array([np.nan if v is None else v for v in sizes], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, x / n, np.nan)
    low, high = wilson_interval(np.nan_to_num(x), np.nan_to_num(n), confidence=confidence)
    low = np.where(np.isnan(share), np.nan, low)
    high = np.where(np.isnan(share), np.nan, high)
    table = pd.DataFrame(
        {
            "accounts": _int64(sizes),
            "followed": _int64(hits),
            "share": share,
            "ci_low": low,
            "ci_high": high,
            "definition": pd.array(definitions, dtype=object),
        },
        index=pd.Index(list(LIFT_GROUPS), name="group"),
    )[list(LIFT_COLUMNS)]
    table.attrs["unknown"] = columns
    members = (
        None if why is not None
        else {g: ids.take(m).rename("account") for g, m in zip(LIFT_GROUPS, groups, strict=True)}
    )
    return Lift(table, confidence=confidence, basis=basis, period=(start, end),
                members=members, unknown=unknown)
