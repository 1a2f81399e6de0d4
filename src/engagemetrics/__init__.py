"""engagemetrics: is a social presence a set of relationships or a megaphone?

Relationship metrics (reciprocity, conversation, outreach) from the follow graphs
and post logs in the exports people already own. Definitions follow
``docs/definitions`` (METRICS.md).

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

from .archive import Archive
from .exceptions import (
    ColumnTypeError,
    CorruptExportError,
    DataQualityWarning,
    EmptyInputError,
    EngagemetricsError,
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
    "account_metrics": "engagemetrics.metrics.accounts",
    "ego_metrics": "engagemetrics.metrics.conversation",
    "conversation_counts": "engagemetrics.metrics.conversation",
    "gini": "engagemetrics.metrics.conversation",
    "normalized_entropy": "engagemetrics.metrics.conversation",
    "follow_counts": "engagemetrics.metrics.reciprocity",
    "period_counts": "engagemetrics.metrics._backend",
    "DyadCensus": "engagemetrics.metrics.reciprocity",
    "load": "engagemetrics.io.load",
    "add_followers": "engagemetrics.io.followers",
    "read_twitter_archive": "engagemetrics.io.twitter",
    "read_mastodon_archive": "engagemetrics.io.mastodon",
    "read_bluesky_repo": "engagemetrics.io.bluesky",
    "read_instagram_export": "engagemetrics.io.instagram",
    "read_linkedin_export": "engagemetrics.io.linkedin",
    "read_activity_log": "engagemetrics.io.research",
    "read_edge_list": "engagemetrics.io.research",
    "read_activity_table": "engagemetrics.io.research",
    "ExportPartError": "engagemetrics.exceptions",
}
_SUBMODULES = {"schema", "datasets", "metrics", "io", "exceptions", "graph"}

__all__ = [
    "Archive",
    "ColumnTypeError",
    "CorruptExportError",
    "DataQualityWarning",
    "EmptyInputError",
    "EngagemetricsError",
    "InvalidArgumentError",
    "MissingColumnsError",
    "NoEgoError",
    "SchemaError",
    "TimestampParseError",
    "UnknownFormatError",
    "UnsafeArchiveError",
    "UnsupportedBackendError",
    "__version__",
    "datasets",
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
    if name in _SUBMODULES:
        module = importlib.import_module(f"engagemetrics.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'engagemetrics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from . import datasets, schema
    from .exceptions import ExportPartError  # noqa: F401
    from .io.bluesky import read_bluesky_repo  # noqa: F401
    from .io.followers import add_followers  # noqa: F401
    from .io.instagram import read_instagram_export  # noqa: F401
    from .io.linkedin import read_linkedin_export  # noqa: F401
    from .io.load import load  # noqa: F401
    from .io.mastodon import read_mastodon_archive  # noqa: F401
    from .io.research import read_activity_log, read_activity_table, read_edge_list  # noqa: F401
    from .io.twitter import read_twitter_archive  # noqa: F401
    from .metrics._backend import period_counts  # noqa: F401
    from .metrics.accounts import account_metrics  # noqa: F401
    from .metrics.conversation import (  # noqa: F401
        conversation_counts,
        ego_metrics,
        gini,
        normalized_entropy,
    )
    from .metrics.reciprocity import (  # noqa: F401
        DyadCensus,
        dyad_census,
        follow_counts,
        reciprocity,
        reciprocity_rho,
    )
