"""What an export covers: which tables and which sides of them are known, and why the rest is not.

An export holds only part of the picture, and which part differs by platform: a Bluesky repo
has no follower list, an Instagram export has no post log that engagemetrics reads, a research
log has interactions but no posts. A metric whose inputs are not covered is missing, with the
reason, never 0 (``docs/definitions.md``, "Unknown is not zero"). :class:`Coverage` is where an
:class:`~engagemetrics.Archive` keeps that knowledge.

The parts of an export (:data:`PARTS`):

=========================  ==========================================================
``following``              the follow edges *from* an account (whom it follows)
``followers``              the follow edges *to* an account (who follows it)
``posts``                  the items it authored
``interactions_made``      its replies, mentions, reposts, quotes (and likes)
``interactions_received``  those addressed to it by others
=========================  ==========================================================

The *scope* says whose parts are covered: ``"ego"`` for one account's export (the parts are
the owner's; every other account is seen only through the owner's data; several exports merged
with :func:`engagemetrics.merge` cover each of their owners) and ``"all"`` for a
whole-platform dataset or a table taken as complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from .exceptions import InvalidArgumentError

__all__ = ["PARTS", "SCOPES", "Coverage"]

PARTS = ("following", "followers", "posts", "interactions_made", "interactions_received")
SCOPES = ("ego", "all")


@dataclass(frozen=True)
class Coverage:
    """What an archive's export covers, and the reason for each part it does not.

    Built by :class:`~engagemetrics.Archive` from what its importer declares; read it as
    ``archive.coverage``.

    Parameters
    ----------
    scope : {"ego", "all"}
        ``"ego"``: the parts are the archive owner's (one account's export); ``"all"``:
        they are every account's (a whole-platform dataset).
    unknown : mapping of str to str
        Each part of :data:`PARTS` that the export does not hold, with the reason in
        words a user can act on (``"a Bluesky repo has no follower list"``).
    exported_at : pandas.Timestamp or None
        When the export was made: the date of the follow snapshot, and the end of what
        the post log can hold.
    follow_dates : mapping of str to bool
        For ``"following"`` and ``"followers"``: whether every known follow edge of that
        side carries the time it was made (Bluesky follows, Instagram followers) or not
        (X, Mastodon: a snapshot).
    log_span : tuple of two pandas.Timestamp, or None
        First and last timestamp of the post log (of the interaction log when there is
        no post log); None when the log is empty or unknown.
    owners : frozenset of str
        With ``scope="ego"``: the accounts whose parts are covered (the owner, and the owners
        of the other exports merged with it). Empty with ``scope="all"`` (every account).

    Examples
    --------
    >>> c = Coverage("ego", {"followers": "a Bluesky repo has no follower list"})
    >>> c.known("following"), c.known("followers")
    (True, False)
    >>> c.reason("followers")
    'a Bluesky repo has no follower list'
    >>> c.to_frame().loc["followers", "reason"]
    'a Bluesky repo has no follower list'
    """

    scope: str
    unknown: Mapping[str, str] = field(default_factory=dict)
    exported_at: pd.Timestamp | None = None
    follow_dates: Mapping[str, bool] = field(
        default_factory=lambda: {"following": False, "followers": False}
    )
    log_span: tuple[pd.Timestamp, pd.Timestamp] | None = None
    owners: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise InvalidArgumentError(f"scope must be 'ego' or 'all', got {self.scope!r}")
        bad = sorted(set(self.unknown) - set(PARTS))
        if bad:
            raise InvalidArgumentError(
                f"unknown parts must be among {PARTS}, got {bad}; name the part of the "
                "export that is missing, e.g. unknown={'followers': 'why'}"
            )
        for part, why in self.unknown.items():
            if not isinstance(why, str) or not why:
                raise InvalidArgumentError(
                    f"the reason why {part!r} is unknown must be a non-empty string, got {why!r}"
                )
        object.__setattr__(self, "owners", frozenset(self.owners))
        if self.scope == "all" and self.owners:
            raise InvalidArgumentError("scope='all' covers every account: give no owners")
        object.__setattr__(self, "unknown", MappingProxyType(dict(self.unknown)))
        object.__setattr__(self, "follow_dates", MappingProxyType(dict(self.follow_dates)))

    def covers(self, account: str) -> bool:
        """Whether the parts of ``account`` are covered (one of the owners, or anyone with
        ``scope="all"``)."""
        return self.scope == "all" or str(account) in self.owners

    def known(self, part: str) -> bool:
        """Whether the export holds ``part`` (one of :data:`PARTS`)."""
        self._check(part)
        return part not in self.unknown

    def reason(self, part: str) -> str | None:
        """Why ``part`` is unknown, or None when it is known."""
        self._check(part)
        return self.unknown.get(part)

    def _check(self, part: str) -> None:
        if part not in PARTS:
            raise InvalidArgumentError(f"part must be one of {PARTS}, got {part!r}")

    def to_frame(self) -> pd.DataFrame:
        """One row per part: ``known`` (bool) and ``reason`` (None when known), index ``part``."""
        return pd.DataFrame(
            {
                "known": [p not in self.unknown for p in PARTS],
                "reason": [self.unknown.get(p) for p in PARTS],
            },
            index=pd.Index(PARTS, name="part"),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: scope, export date, log span, and each part with its reason."""
        span = None if self.log_span is None else [t.isoformat() for t in self.log_span]
        return {
            "scope": self.scope,
            "owners": sorted(self.owners),
            "exported_at": None if self.exported_at is None else self.exported_at.isoformat(),
            "log_span": span,
            "follow_dates": dict(self.follow_dates),
            "parts": {p: {"known": p not in self.unknown, "reason": self.unknown.get(p)}
                      for p in PARTS},
        }

    def __repr__(self) -> str:
        known = [p for p in PARTS if p not in self.unknown]
        unknown = "; ".join(f"{p}: {why}" for p, why in self.unknown.items())
        owners = f", owners={sorted(self.owners)}" if self.scope == "ego" else ""
        return (
            f"Coverage(scope={self.scope!r}{owners}, known={known}, unknown={{{unknown}}}, "
            f"exported_at={self.exported_at}, log_span={self.log_span})"
        )
