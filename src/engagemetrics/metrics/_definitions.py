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

# =========================================================================== relationships
# Issue 9, part A: the per-counterpart table, tie strength, quadrants, two-way conversations
# (docs/definitions.md, "Relationships" and "Two-way conversations"). Kept apart from the
# definitions above so that the families of other issues append beside it.

#: The interaction kind each pair of ``{k}_to`` / ``{k}_from`` columns counts.
RELATIONSHIP_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "replies": "reply",
        "mentions": "mention",
        "reposts": "repost",
        "quotes": "quote",
        "likes": "like",
    }
)
#: The states of ``follow_state``, in the order of its categories.
FOLLOW_STATES = ("mutual", "follows_me", "i_follow", "none", "unknown")
#: The default weights of the tie-strength components (a documented convention, not a fitted
#: model); ``engagemetrics.TIE_WEIGHTS``.
TIE_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "frequency": 0.30,
        "recency": 0.20,
        "duration": 0.15,
        "balance": 0.15,
        "kinds": 0.10,
        "mutual_follow": 0.10,
    }
)
#: ``frequency = e / (e + FREQUENCY_HALF)``: half-saturation at 10 engagement interactions.
FREQUENCY_HALF = 10.0
#: ``recency = 0.5 ** (days_since_last / RECENCY_HALF_LIFE_DAYS)``.
RECENCY_HALF_LIFE_DAYS = 90.0
#: ``duration = min(1, days between the first and last exchange / DURATION_FULL_DAYS)``.
DURATION_FULL_DAYS = 365.0
#: The default horizon of a reply back or an answer.
DEFAULT_HORIZON = "7D"

RELATIONSHIP_COLUMNS = (
    "i_follow",
    "follows_me",
    "follow_state",
    "i_followed_at",
    "they_followed_at",
    *(f"{k}_{side}" for k in RELATIONSHIP_KINDS for side in ("to", "from")),
    "engagement_to",
    "engagement_from",
    "exchanges",
    "engagement_to_ever",
    "engagement_from_ever",
    "first_exchange",
    "last_exchange",
    "days_since_last",
    "reply_back_rate",
    "reply_back_hours",
    "answer_rate",
    "answer_hours",
    *TIE_WEIGHTS,
    "tie_strength",
)
#: The pandas dtype of every relationship column.
RELATIONSHIP_DTYPES: Mapping[str, str] = MappingProxyType(
    {
        **{c: "boolean" for c in ("i_follow", "follows_me")},
        "follow_state": "category",
        **{c: "datetime64[ns, UTC]" for c in ("i_followed_at", "they_followed_at",
                                               "first_exchange", "last_exchange")},
        **{c: "Int64" for c in RELATIONSHIP_COLUMNS if c.endswith(("_to", "_from", "_ever"))},
        "exchanges": "Int64",
        **{c: "float64" for c in ("days_since_last", "reply_back_rate", "reply_back_hours",
                                   "answer_rate", "answer_hours", *TIE_WEIGHTS,
                                   "tie_strength")},
    }
)
#: The columns that count or time interactions in each direction of a pair.
TO_COLUMNS = (*(f"{k}_to" for k in RELATIONSHIP_KINDS), "engagement_to", "engagement_to_ever")
FROM_COLUMNS = (
    *(f"{k}_from" for k in RELATIONSHIP_KINDS), "engagement_from", "engagement_from_ever",
    "exchanges", "reply_back_rate", "reply_back_hours", "answer_rate", "answer_hours",
    "balance",
)

#: The quadrants of an ego's relationships, each with its definition.
QUADRANTS: Mapping[str, str] = MappingProxyType(
    {
        "engaged_mutuals": "mutual follow, at least one exchange in the window",
        "silent_mutuals": "mutual follow, no exchange in the window",
        "one_sided_outreach": (
            "the account engaged them in the window, they never engaged the account and do "
            "not follow it"
        ),
        "unfollowed_engagers": "they engaged the account in the window, it does not follow them",
    }
)

#: The columns of the per-account two-way table, each with its dtype.
TWO_WAY_DTYPES: Mapping[str, str] = MappingProxyType(
    {
        "replies": "Int64",
        "replied_back": "Int64",
        "reply_back_rate": "float64",
        "reply_back_hours_median": "float64",
        "addressed": "Int64",
        "answered": "Int64",
        "answer_rate": "float64",
        "answer_hours_median": "float64",
        "answer_hours_km_median": "float64",
        "threads_joined": "Int64",
        "mean_depth": "float64",
        "max_depth": "Int64",
        "turns": "float64",
    }
)
TWO_WAY_COLUMNS = tuple(TWO_WAY_DTYPES)
#: Two-way columns by what they need: the account's replies; the answers of those it replied
#: to; what others addressed to it (and its answers); the threads of the post log.
TWO_WAY_REPLY_BACK = ("replied_back", "reply_back_rate", "reply_back_hours_median")
TWO_WAY_ANSWER = ("addressed", "answered", "answer_rate", "answer_hours_median",
                  "answer_hours_km_median")
TWO_WAY_THREADS = ("threads_joined", "mean_depth", "max_depth", "turns")
