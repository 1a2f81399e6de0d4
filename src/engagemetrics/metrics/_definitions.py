"""The definitions of the numbers, as data: column names and order, conventions, formulas.

Everything below the public functions reads its column names, conventions and formulas from
here, so that the numpy fast path (:mod:`._kernels`) and the narwhals expressions
(:mod:`._frames`) compute one definition each (``docs/definitions.md`` is the contract).

The shape of every per-account result is decided here, once:

- on pandas, accounts are the index, named ``account``, sorted ascending; a frame of an engine
  without an index (Polars, DuckDB, PySpark) carries ``account`` as its first column instead,
  sorted the same way;
- counts are ``Int64`` (pandas' nullable integer: missing when the export does not cover them),
  ratios ``float64`` (NaN when undefined or not covered); other engines use their own 64-bit
  integer and float types, with nulls;
- the column families present are those of the tables given: the follow columns always (first
  argument), the conversation columns when posts or interactions are given; an Archive gives
  every family, each column missing where its export does not cover it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from ..schema import POST_KINDS

__all__ = [
    "ACCOUNT_COLUMNS",
    "CONVERSATION_COLUMNS",
    "EGO_EXTRA_COLUMNS",
    "ENGAGEMENT_KINDS",
    "FOLLOW_COLUMNS",
    "FOLLOW_COUNT_COLUMNS",
    "FOLLOW_RATES",
    "FREQS",
    "GraphCounts",
    "INTERACTION_POST_COUNTS",
    "LOOPS",
    "MULTIS",
    "POST_COUNTS",
    "POST_COUNT_COLUMNS",
    "POST_RATES",
    "RECEIVED_COUNTS",
    "RECEIVED_COLUMNS",
    "REQUIRES",
    "UNITS",
    "Ratio",
    "is_count",
]

# --------------------------------------------------------------------------- conventions
UNITS = ("arcs", "pairs")
LOOPS = ("drop", "mutual", "unreciprocated")
MULTIS = ("collapse", "keep")

#: Calendar periods, the same for every per-period function: the accepted ``freq`` values,
#: each mapped to the pandas Period frequency that labels it ("2026Q1", "2026-03",
#: "2026-03-05", "2026"). Weeks are not offered: their first day is a convention that the
#: engines do not share.
FREQS: Mapping[str, str] = MappingProxyType(
    {"D": "D", "ME": "M", "MS": "M", "QE": "Q", "QS": "Q", "YE": "Y", "YS": "Y"}
)


# --------------------------------------------------------------------------- formulas
class GraphCounts(NamedTuple):
    """Graph-level counts after the loop and multi-edge conventions, from either path.

    Graph reciprocity is ``reciprocated_arcs / arcs`` (``unit="arcs"``) and
    ``M / (M + A)`` with ``M = reciprocated_arcs / 2``, ``A = arcs - reciprocated_arcs``
    (``unit="pairs"``); the dyad census is ``(mutual_pairs, asymmetric_pairs, null)``.
    """

    arcs: int  # L: arcs counted (loops included when kept)
    reciprocated_arcs: int  # R: arcs counted as reciprocated
    mutual_pairs: int  # M: unordered pairs {u, v}, u != v, with both directions
    asymmetric_pairs: int  # A: unordered pairs with exactly one direction
    loops: int  # self-follow arcs counted under multi (before loops=)


@dataclass(frozen=True)
class Ratio:
    """``numerator / denominator``, each a sum of count columns with integer weights.

    Missing (NaN, or null on other engines) when the denominator is 0. Both paths evaluate
    these: :func:`._kernels.evaluate` with numpy, :func:`._frames.ratio_expression` with
    narwhals.
    """

    numerator: tuple[tuple[str, int], ...]
    denominator: tuple[tuple[str, int], ...]

    @property
    def columns(self) -> frozenset[str]:
        """The count columns the ratio reads."""
        return frozenset(c for c, _ in (*self.numerator, *self.denominator))


def _ratio(numerator: Mapping[str, int], denominator: Mapping[str, int]) -> Ratio:
    return Ratio(tuple(numerator.items()), tuple(denominator.items()))


FOLLOW_COUNT_COLUMNS = ("followers", "following", "mutuals")
#: The rates of the follow graph (docs/definitions.md, "Follow-graph metrics").
FOLLOW_RATES: Mapping[str, Ratio] = MappingProxyType(
    {
        "follow_ratio": _ratio({"followers": 1}, {"following": 1}),
        "follow_back_rate": _ratio({"mutuals": 1}, {"following": 1}),
        "reciprocation_rate": _ratio({"mutuals": 1}, {"followers": 1}),
        "reciprocity_dice": _ratio({"mutuals": 2}, {"followers": 1, "following": 1}),
        "reciprocity_jaccard": _ratio(
            {"mutuals": 1}, {"followers": 1, "following": 1, "mutuals": -1}
        ),
    }
)
FOLLOW_COLUMNS = (*FOLLOW_COUNT_COLUMNS, *FOLLOW_RATES)

#: Count columns of the post log: the post kinds each one counts.
POST_COUNTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "posts": POST_KINDS,
        "replies": ("reply",),
        "broadcasts": ("post", "thread"),  # a thread continuation talks to the audience
        "threads": ("thread",),
        "reposts": ("repost",),
        "quotes": ("quote",),
    }
)
POST_COUNT_COLUMNS = tuple(POST_COUNTS)
#: The same counts where only the interactions an account made are known (a research log):
#: (interaction kind, to whom: "other", "self" or "any"). A reply to oneself is a thread
#: continuation, as in the post log; posts and broadcasts are unknown there.
INTERACTION_POST_COUNTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "replies": ("reply", "other"),
        "threads": ("reply", "self"),
        "reposts": ("repost", "any"),
        "quotes": ("quote", "any"),
    }
)
POST_RATES: Mapping[str, Ratio] = MappingProxyType(
    {
        "reply_to_broadcast_ratio": _ratio({"replies": 1}, {"broadcasts": 1}),
        "reply_share": _ratio({"replies": 1}, {"replies": 1, "broadcasts": 1}),
        "thread_share": _ratio({"threads": 1}, {"posts": 1}),
    }
)
#: Interactions addressed to an account by others: the interaction kind each column counts.
RECEIVED_COUNTS: Mapping[str, str] = MappingProxyType(
    {
        "replies_received": "reply",
        "mentions_received": "mention",
        "reposts_received": "repost",
        "quotes_received": "quote",
    }
)
RECEIVED_COLUMNS = tuple(RECEIVED_COUNTS)
#: Interaction kinds that engage an account (a like does not).
ENGAGEMENT_KINDS = ("reply", "mention", "repost", "quote")

CONVERSATION_COLUMNS = (
    *POST_COUNT_COLUMNS,
    *POST_RATES,
    "outreach_breadth",
    *RECEIVED_COLUMNS,
)
ACCOUNT_COLUMNS = (*FOLLOW_COLUMNS, *CONVERSATION_COLUMNS, "followee_engagement")
EGO_EXTRA_COLUMNS = (
    "interlocutors",
    "outreach_gini",
    "outreach_entropy",
    "amplified",
    "amplified_accounts",
    "self_reposts",
    "mentions",
)
_FLOAT_COLUMNS = frozenset(
    {*FOLLOW_RATES, *POST_RATES, "followee_engagement", "outreach_gini", "outreach_entropy"}
)


def is_count(column: str) -> bool:
    """Whether ``column`` is a count (``Int64``) rather than a ratio (``float64``)."""
    return column not in _FLOAT_COLUMNS


# --------------------------------------------------------------------------- coverage
_POSTS_OR_MADE = (("posts",), ("interactions_made",))
#: The parts of an export (engagemetrics.coverage.PARTS) each column needs: a tuple of
#: alternatives, each a tuple of parts that must all be known. The first alternative whose
#: parts are known is the one computed.
REQUIRES: Mapping[str, tuple[tuple[str, ...], ...]] = MappingProxyType(
    {
        "followers": (("followers",),),
        "following": (("following",),),
        **{c: (("followers", "following"),) for c in ("mutuals", *FOLLOW_RATES)},
        **{c: (("posts",),) for c in ("posts", "broadcasts", *POST_RATES)},
        **{c: _POSTS_OR_MADE for c in INTERACTION_POST_COUNTS},
        **{c: (("interactions_made",),) for c in ("outreach_breadth", *EGO_EXTRA_COLUMNS)},
        **{c: (("interactions_received",),) for c in RECEIVED_COLUMNS},
        "followee_engagement": (("following", "interactions_made"),),
    }
)


# =========================================================================== change over time
# Snapshots compared, follow events from their dates, follower cohorts and engagement lift
# (engagemetrics.metrics.change; docs/definitions.md, "Change over time").
__all__ += [
    "CHANGES",
    "CHANGE_COLUMNS",
    "COHORT_COLUMNS",
    "COMPARE_COLUMNS",
    "COMPARE_RATES",
    "FOLLOWED_FIRST",
    "FOLLOW_BACK_COLUMNS",
    "FOLLOW_EVENT_COLUMNS",
    "FOLLOW_EVENT_SIDES",
    "FOLLOW_SIDES",
    "GONE_NEEDS",
    "LIFT_COLUMNS",
    "LIFT_COUNTS",
    "LIFT_ENGAGED",
    "LIFT_GROUPS",
    "LIFT_METHOD",
    "LIFT_OUTCOME",
    "LIFT_UNIVERSE",
    "LOST_AS",
    "NS_PER_DAY",
]

#: The two sides of an account's follows, the rows of :func:`engagemetrics.compare`'s summary.
FOLLOW_SIDES = ("followers", "following")
#: Columns of ``Comparison.summary``: counts, then ``churn_rate = lost / start``,
#: ``retention = (start - lost) / start`` and ``net_growth = end - start``.
COMPARE_COLUMNS = ("start", "end", "new", "lost", "churn_rate", "retention", "net_growth")
COMPARE_RATES = ("churn_rate", "retention")
#: Columns of ``Comparison.changes``, and the values of its categorical columns.
CHANGE_COLUMNS = ("side", "change", "lost_as")
CHANGES = ("new", "lost")
#: What became of an account lost between two snapshots: still referenced by the newer
#: export after the older one was made ("unfollowed"), referenced nowhere there ("gone"),
#: or the newer export lacks the references that would tell ("unknown").
LOST_AS = ("unfollowed", "gone", "unknown")
#: The parts of the newer export that must be known for an account it never references
#: to count as gone: both follow lists, and a post log or an interaction log.
GONE_NEEDS = (("following",), ("followers",), ("posts", "interactions_made"))

#: Columns of :func:`engagemetrics.follow_events`: follows made in a period and still there
#: at the export (a lower bound), per side.
FOLLOW_EVENT_COLUMNS = ("new_followers", "new_following")
FOLLOW_EVENT_SIDES: Mapping[str, str] = MappingProxyType(
    {"new_followers": "followers", "new_following": "following"}
)
#: Columns of :func:`engagemetrics.follow_back`, one row per mutual pair.
FOLLOW_BACK_COLUMNS = ("i_followed_at", "they_followed_at", "followed_first", "follow_back_days")
#: Who followed first in a mutual pair ("both": at the same instant).
FOLLOWED_FIRST = ("account", "counterpart", "both")
NS_PER_DAY = 86_400 * 10**9

#: Columns of :func:`engagemetrics.follower_cohorts`, indexed by (cohort, snapshot).
COHORT_COLUMNS = ("followers", "still_following", "survival")

#: Rows and columns of ``Lift.table`` (:func:`engagemetrics.engagement_lift`).
LIFT_GROUPS = ("engaged", "not_engaged")
LIFT_COLUMNS = ("accounts", "followed", "share", "ci_low", "ci_high", "definition")
LIFT_COUNTS = ("accounts", "followed")
#: The interval of the difference of the two shares.
LIFT_METHOD = "Newcombe hybrid score interval (Newcombe 1998, method 10)"
#: The group definitions, filled with the period and the universe of the two modes.
LIFT_UNIVERSE: Mapping[str, str] = MappingProxyType(
    {
        "snapshots": (
            "accounts seen in either export (follows or interactions), other than the owner, "
            "that did not follow the owner in the older export ({start})"
        ),
        "follow dates": (
            "accounts seen in the export (follows or interactions), other than the owner, "
            "without a follower edge dated before {start}"
        ),
    }
)
LIFT_ENGAGED: Mapping[str, str] = MappingProxyType(
    {
        "engaged": "that the owner replied to, mentioned, reposted or quoted in [{start}, {end})",
        "not_engaged": "that the owner did not reply to, mention, repost or quote in "
        "[{start}, {end})",
    }
)
LIFT_OUTCOME: Mapping[str, str] = MappingProxyType(
    {
        "snapshots": "followed = follows the owner in the newer export ({end})",
        "follow dates": "followed = a follower edge dated in [{start}, {end})",
    }
)
