"""``Archive``: one account's data (or a whole platform's) as the canonical tables."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from . import schema
from .exceptions import ColumnTypeError, NoEgoError

__all__ = ["Archive"]


class Archive:
    """One account's export, or a whole platform's dataset, as canonical tables.

    Parameters
    ----------
    follows, posts, interactions, accounts : pandas.DataFrame, optional
        Tables in (or coercible to) the canonical schema of :mod:`engagemetrics.schema`.
        Missing tables are empty. When ``interactions`` is None it is derived from
        ``posts`` (and ``mentions`` and ``likes``) by
        :func:`engagemetrics.schema.interactions_from_posts`.
    ego : str, optional
        Id of the archive's owner; None for a platform dataset.
    platform : str
        ``"twitter"``, ``"mastodon"``, ``"bluesky"``, ``"instagram"``, ``"linkedin"``,
        ``"research"``, ``"generic"``, ...
    exported_at : timestamp-like, optional
        When the export was made (the date of the follow snapshot).
    ledger : pandas.DataFrame, optional
        Records an importer did not take (see :class:`engagemetrics.schema.Ledger`).
        Ledgers attached to the tables (``.attrs["ledger"]``) are collected as well.
    mentions, likes : pandas.DataFrame, optional
        Used only to derive ``interactions``.

    Attributes
    ----------
    follows, posts, interactions, accounts, ledger : pandas.DataFrame
    ego, platform : str or None
    exported_at : pandas.Timestamp or None

    Examples
    --------
    >>> import engagemetrics as em
    >>> a = em.Archive(follows=pd.DataFrame({"source": ["me", "ann", "me"],
    ...                                      "target": ["ann", "me", "bob"]}), ego="me")
    >>> a
    Archive(platform='generic', ego='me', follows=3, posts=0, interactions=0, accounts=0, ledger=0)
    >>> sorted(a.following()), sorted(a.followers())
    (['ann', 'bob'], ['ann'])
    """

    def __init__(
        self,
        follows: Any = None,
        posts: Any = None,
        interactions: Any = None,
        accounts: Any = None,
        *,
        ego: str | int | None = None,
        platform: str = "generic",
        exported_at: Any = None,
        ledger: pd.DataFrame | None = None,
        mentions: pd.DataFrame | None = None,
        likes: pd.DataFrame | None = None,
    ) -> None:
        if ego is not None and not isinstance(ego, (str, int)):
            raise ColumnTypeError(f"ego must be an account id (str or int), got {type(ego).__name__}")
        self.ego = None if ego is None else str(ego)
        self.platform = str(platform)
        self.exported_at = None if exported_at is None else pd.Timestamp(exported_at)
        if self.exported_at is not None and self.exported_at.tzinfo is None:
            self.exported_at = self.exported_at.tz_localize("UTC")
        book = schema.Ledger()
        # The tables below recompute their structural flags; take only the rest.
        book.extend(ledger, structural=False)

        def take(table: pd.DataFrame) -> pd.DataFrame:
            book.extend(schema.ledger_of(table))
            table.attrs = {}
            return table

        self.follows = take(
            schema.follows_table(follows if follows is not None else {"source": [], "target": []})
        )
        self.posts = take(
            schema.posts_table(
                posts
                if posts is not None
                else {"post_id": [], "author": [], "created_at": [], "kind": []}
            )
        )
        if interactions is None:
            self.interactions = take(
                schema.interactions_from_posts(self.posts, mentions=mentions, likes=likes)
            )
        else:
            self.interactions = take(schema.interactions_table(interactions))
        self.accounts = schema.accounts_table(accounts)
        self.ledger = book.to_frame()

    # ------------------------------------------------------------------ ego views
    def _require_ego(self) -> str:
        if self.ego is None:
            raise NoEgoError(
                "this archive has no ego (it is a platform dataset); pass ego= to em.Archive "
                "or use em.account_metrics for every account"
            )
        return self.ego

    def following(self) -> set[str]:
        """Ids of the accounts the ego follows (self-follow excluded)."""
        ego = self._require_ego()
        f = self.follows
        return set(f.loc[(f["source"] == ego) & (f["target"] != ego), "target"].tolist())

    def followers(self) -> set[str]:
        """Ids of the accounts that follow the ego (self-follow excluded)."""
        ego = self._require_ego()
        f = self.follows
        return set(f.loc[(f["target"] == ego) & (f["source"] != ego), "source"].tolist())

    def with_followers(self, followers: Any, **kwargs: Any) -> Archive:
        """A new archive with the ego's followers added (for exports that lack them).

        See :func:`engagemetrics.io.followers.add_followers` for the accepted inputs
        (a CSV of account ids or handles, saved Bluesky ``getFollowers`` or Mastodon
        ``/followers`` API pages, or a DataFrame).
        """
        from .io.followers import add_followers

        return add_followers(self, followers, **kwargs)

    def replace(self, **tables: Any) -> Archive:
        """A copy of this archive with some tables or attributes replaced.

        Examples
        --------
        >>> import engagemetrics as em
        >>> a = em.Archive(ego="me").replace(platform="mastodon")
        >>> a.platform
        'mastodon'
        """
        args: dict[str, Any] = {
            "follows": self.follows,
            "posts": self.posts,
            "interactions": self.interactions,
            "accounts": self.accounts,
            "ego": self.ego,
            "platform": self.platform,
            "exported_at": self.exported_at,
            "ledger": self.ledger,
        }
        args.update(tables)
        return Archive(**args)

    # ------------------------------------------------------------------ display
    def _counts(self) -> dict[str, int]:
        return {
            "follows": len(self.follows),
            "posts": len(self.posts),
            "interactions": len(self.interactions),
            "accounts": len(self.accounts),
            "ledger": int(self.ledger["count"].sum()) if len(self.ledger) else 0,
        }

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self._counts().items())
        return f"Archive(platform={self.platform!r}, ego={self.ego!r}, {counts})"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{v:,}</td></tr>" for k, v in self._counts().items()
        )
        head = (
            f"<b>engagemetrics.Archive</b> platform={html.escape(self.platform)}, "
            f"ego={html.escape(str(self.ego))}, exported_at={html.escape(str(self.exported_at))}"
        )
        return f"<div>{head}<table>{rows}</table></div>"
