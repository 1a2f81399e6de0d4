"""engagemetrics: is a social presence a set of relationships or a megaphone?

Relationship metrics (reciprocity, conversation, outreach) from the follow graphs
and post logs in the exports people already own. What every number means is defined
in ``docs/definitions.md``.

Examples
--------
>>> import engagemetrics as em
>>> follows = em.read_follows(pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]}))
>>> round(em.reciprocity(follows), 3)
0.667
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

import pandas as pd  # noqa: F401  (doctest namespace)

from .archive import Archive, merge
from .coverage import Coverage
from .exceptions import (
    ColumnTypeError,
    CorruptExportError,
    DataQualityWarning,
    EmptyInputError,
    EngagemetricsError,
    ExportPartError,
    InvalidArgumentError,
    MissingColumnsError,
    NoEgoError,
    SchemaError,
    TimestampParseError,
    UnknownFormatError,
    UnsafeArchiveError,
    UnsupportedBackendError,
)
from .io.generic import read_follows, read_posts

__version__ = "0.1.0"

# The library writes nothing by itself: its logger has a handler that drops records,
# so that Python's last-resort handler never prints them. Applications that configure
# logging still see them.
logging.getLogger("engagemetrics").addHandler(logging.NullHandler())

# Public names that live in modules imported on first use, so that
# `import engagemetrics` stays fast and never imports matplotlib.
_LAZY = {
    "reciprocity": "engagemetrics.metrics.reciprocity",
    "reciprocity_rho": "engagemetrics.metrics.reciprocity",
    "dyad_census": "engagemetrics.metrics.reciprocity",
    "follow_counts": "engagemetrics.metrics.reciprocity",
    "DyadCensus": "engagemetrics.metrics.reciprocity",
    "FollowGraph": "engagemetrics.metrics.graph",
    "account_metrics": "engagemetrics.metrics.accounts",
    "conversation_counts": "engagemetrics.metrics.conversation",
    "ego_metrics": "engagemetrics.metrics.ego",
    "period_counts": "engagemetrics.metrics.periods",
    "gini": "engagemetrics.metrics.concentration",
    "normalized_entropy": "engagemetrics.metrics.concentration",
    "audit": "engagemetrics.report",
    "Audit": "engagemetrics.report",
    "load": "engagemetrics.io.load",
    "Limits": "engagemetrics.io.load",
    "pseudonymize": "engagemetrics.privacy",
    "add_followers": "engagemetrics.io.followers",
    "read_twitter_archive": "engagemetrics.io.twitter",
    "read_mastodon_archive": "engagemetrics.io.mastodon",
    "read_bluesky_repo": "engagemetrics.io.bluesky",
    "read_instagram_export": "engagemetrics.io.instagram",
    "read_linkedin_export": "engagemetrics.io.linkedin",
    "read_activity_log": "engagemetrics.io.research",
    "read_edge_list": "engagemetrics.io.research",
    "read_activity_table": "engagemetrics.io.research",
    # change over time: snapshots, follow events, cohorts, engagement lift
    "compare": "engagemetrics.metrics.change",
    "Comparison": "engagemetrics.metrics.change",
    "follow_events": "engagemetrics.metrics.change",
    "follow_back": "engagemetrics.metrics.change",
    "follower_cohorts": "engagemetrics.metrics.change",
    "engagement_lift": "engagemetrics.metrics.change",
    "Lift": "engagemetrics.metrics.change",
    # relationships and two-way conversations
    "relationships": "engagemetrics.metrics.relationships",
    "quadrants": "engagemetrics.metrics.relationships",
    "dormant": "engagemetrics.metrics.relationships",
    "Quadrants": "engagemetrics.metrics.relationships",
    "TIE_WEIGHTS": "engagemetrics.metrics.relationships",
    "two_way_metrics": "engagemetrics.metrics.twoway",
}
_SUBMODULES = {
    "coverage", "datasets", "derive", "exceptions", "io", "ledger", "metrics", "plotting",
    "privacy", "schema",
}
# Short names of submodules: `em.plot.plot_quadrants(...)`.
_ALIASES = {"plot": "plotting"}

__all__ = [
    "Archive",
    "Coverage",
    "ColumnTypeError",
    "CorruptExportError",
    "DataQualityWarning",
    "EmptyInputError",
    "EngagemetricsError",
    "ExportPartError",
    "InvalidArgumentError",
    "MissingColumnsError",
    "NoEgoError",
    "SchemaError",
    "TimestampParseError",
    "UnknownFormatError",
    "UnsafeArchiveError",
    "UnsupportedBackendError",
    "__version__",
    "merge",
    "coverage",
    "datasets",
    "derive",
    "ledger",
    "plot",
    "plotting",
    "privacy",
    "read_follows",
    "read_posts",
    "schema",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES or name in _ALIASES:
        module = importlib.import_module(f"engagemetrics.{_ALIASES.get(name, name)}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'engagemetrics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from . import coverage, datasets, derive, ledger, plotting, privacy, schema
    from . import plotting as plot
    from .io.bluesky import read_bluesky_repo  # noqa: F401
    from .io.followers import add_followers  # noqa: F401
    from .io.instagram import read_instagram_export  # noqa: F401
    from .io.linkedin import read_linkedin_export  # noqa: F401
    from .io.load import Limits, load  # noqa: F401
    from .io.mastodon import read_mastodon_archive  # noqa: F401
    from .io.research import read_activity_log, read_activity_table, read_edge_list  # noqa: F401
    from .io.twitter import read_twitter_archive  # noqa: F401
    from .metrics.accounts import account_metrics  # noqa: F401
    from .metrics.change import (  # noqa: F401
        Comparison,
        Lift,
        compare,
        engagement_lift,
        follow_back,
        follow_events,
        follower_cohorts,
    )
    from .metrics.concentration import gini, normalized_entropy  # noqa: F401
    from .metrics.conversation import conversation_counts  # noqa: F401
    from .metrics.ego import ego_metrics  # noqa: F401
    from .metrics.graph import FollowGraph  # noqa: F401
    from .metrics.periods import period_counts  # noqa: F401
    from .metrics.reciprocity import (  # noqa: F401
        DyadCensus,
        dyad_census,
        follow_counts,
        reciprocity,
        reciprocity_rho,
    )

    # relationships and two-way conversations (issue 9, part A)
    from .metrics.relationships import (  # noqa: F401
        TIE_WEIGHTS,
        Quadrants,
        dormant,
        quadrants,
        relationships,
    )
    from .metrics.twoway import two_way_metrics  # noqa: F401
    from .privacy import pseudonymize  # noqa: F401
    from .report import Audit, audit  # noqa: F401
