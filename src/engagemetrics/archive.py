"""``Archive``: one account's data (or a whole platform's) as the canonical tables, and what it covers."""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import schema
from .coverage import PARTS, Coverage
from .derive import interactions_from_posts
from .exceptions import ColumnTypeError, InvalidArgumentError, NoEgoError
from .identity import IdentityIndex
from .ledger import Ledger, ledger_of

__all__ = ["PLATFORMS", "Archive", "merge"]

#: The platform names an archive can carry, the same everywhere (readers, writers, CLI).
PLATFORMS = (
    "twitter",
    "mastodon",
    "bluesky",
    "instagram",
    "threads",
    "linkedin",
    "research",
    "generic",
)

_NO_FOLLOWS = "no follow table was given"
_NO_POSTS = "no posts table was given"
_NO_INTERACTIONS = "no posts or interactions table was given"
_OWN_EXPORT = (
    "an account's export holds its own posts, not the replies and mentions others "
    "addressed to it"
)


class Archive:
    """One account's export, or a whole platform's dataset, as canonical tables.

    Parameters
    ----------
    follows, posts, interactions, accounts : pandas.DataFrame, optional
        Tables in (or coercible to) the canonical schema of :mod:`engagemetrics.schema`.
        A table not given is empty, and what it would hold is unknown (see ``unknown``).
        When ``interactions`` is None it is derived from ``posts`` (and ``mentions`` and
        ``likes``) by :func:`engagemetrics.derive.interactions_from_posts`.
    ego : str, optional
        Id of the archive's owner; None for a platform dataset.
    platform : str
        One of :data:`PLATFORMS`.
    exported_at : timestamp-like, optional
        When the export was made (the date of the follow snapshot). Naive values are UTC.
    ledger : pandas.DataFrame, optional
        Records an importer did not take (see :mod:`engagemetrics.ledger`). Ledgers
        attached to the tables are collected as well.
    mentions, likes : pandas.DataFrame, optional
        Used only to derive ``interactions``.
    scope : {"ego", "all"}, optional
        Whose data the tables cover: the owner's (``"ego"``, the default when ``ego`` is
        given) or every account's (``"all"``, the default without an ego). See
        :class:`~engagemetrics.coverage.Coverage`.
    unknown : mapping of str to str or None, optional
        Parts of the export (:data:`engagemetrics.coverage.PARTS`) that it does not hold,
        each with the reason. By default a table that is not given is unknown, and with
        ``scope="ego"`` so are the interactions others addressed to the owner; a reason of
        None marks such a part as known after all.

    Attributes
    ----------
    follows, posts, interactions, accounts, ledger : pandas.DataFrame
    ego, platform : str or None
    exported_at : pandas.Timestamp or None
    coverage : engagemetrics.coverage.Coverage

    Notes
    -----
    Treat the tables as read-only: to change one, make a new archive with
    :meth:`replace`, which validates it and keeps the coverage in step.

    Examples
    --------
    >>> import engagemetrics as em
    >>> a = em.Archive(follows=pd.DataFrame({"source": ["me", "ann", "me"],
    ...                                      "target": ["ann", "me", "bob"]}), ego="me")
    >>> a
    Archive(platform='generic', ego='me', follows=3, posts=0, interactions=0, accounts=0, ledger=0 rows)
    >>> sorted(a.following()), sorted(a.followers())
    (['ann', 'bob'], ['ann'])
    >>> a.coverage.reason("posts")
    'no posts table was given'
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
        scope: str | None = None,
        unknown: Mapping[str, str | None] | None = None,
        owners: Iterable[str] | None = None,
    ) -> None:
        if ego is not None and not isinstance(ego, (str, int)):
            raise ColumnTypeError(f"ego must be an account id (str or int), got {type(ego).__name__}")
        if platform not in PLATFORMS:
            raise InvalidArgumentError(
                f"platform must be one of {PLATFORMS}, got {platform!r}; use 'generic' for "
                "tables of another source"
            )
        self.ego = None if ego is None else str(ego)
        self.platform = str(platform)
        self.exported_at = _utc(exported_at)
        book = Ledger()
        # The tables below recompute their structural flags; take only the rest.
        book.extend(ledger, structural=False)

        def take(table: pd.DataFrame) -> pd.DataFrame:
            book.extend(ledger_of(table))
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
        # Kept so that replace(posts=...) derives the interactions of the new posts.
        self._mentions, self._likes = mentions, likes
        self._derived = interactions is None
        if interactions is None:
            self.interactions = take(
                interactions_from_posts(self.posts, mentions=mentions, likes=likes)
            )
        else:
            self.interactions = take(schema.interactions_table(interactions))
        self.accounts = schema.accounts_table(accounts)
        self.ledger = book.to_frame()
        self.coverage = self._coverage(
            scope,
            unknown,
            given={"follows": follows, "posts": posts, "interactions": interactions},
            owners=owners,
        )

    # ------------------------------------------------------------------ coverage
    def _coverage(
        self,
        scope: str | None,
        unknown: Mapping[str, str | None] | None,
        given: Mapping[str, Any],
        owners: Iterable[str] | None,
    ) -> Coverage:
        if scope is None:
            scope = "ego" if self.ego is not None else "all"
        if scope == "ego" and self.ego is None:
            raise NoEgoError("scope='ego' needs an ego: pass ego= with the owner's account id")
        defaults: dict[str, str | None] = {}
        if given["follows"] is None:
            defaults["following"] = defaults["followers"] = _NO_FOLLOWS
        if given["posts"] is None:
            defaults["posts"] = _NO_POSTS
            if given["interactions"] is None:
                defaults["interactions_made"] = _NO_INTERACTIONS
                defaults["interactions_received"] = _NO_INTERACTIONS
        if scope == "ego" and "interactions_received" not in defaults:
            defaults["interactions_received"] = _OWN_EXPORT
        defaults.update(unknown or {})
        reasons = {part: why for part, why in defaults.items() if why is not None}
        covered = frozenset() if scope == "all" else frozenset(
            {str(self.ego), *(str(o) for o in owners or ())}
        )
        return Coverage(
            scope,
            reasons,
            exported_at=self.exported_at,
            follow_dates=self._follow_dates(scope),
            log_span=self._log_span(scope),
            owners=covered,
        )

    def _follow_dates(self, scope: str) -> dict[str, bool]:
        f = self.follows
        dated = f["followed_at"].notna()
        if scope == "ego":
            sides = {"following": f["source"] == self.ego, "followers": f["target"] == self.ego}
        else:
            everything = pd.Series(True, index=f.index)
            sides = {"following": everything, "followers": everything}
        return {
            side: bool(mask.any() and dated[mask.to_numpy(dtype=bool)].all())
            for side, mask in sides.items()
        }

    def _log_span(self, scope: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        if len(self.posts):
            times, who = self.posts["created_at"], self.posts["author"]
        else:
            times, who = self.interactions["created_at"], self.interactions["actor"]
        if scope == "ego":
            times = times[(who == self.ego).to_numpy(dtype=bool, na_value=False)]
        times = times.dropna()
        if times.empty:
            return None
        return (times.min(), times.max())

    # ------------------------------------------------------------------ ego views
    def require_ego(self) -> str:
        """The ego's id; :class:`~engagemetrics.NoEgoError` for a platform dataset."""
        if self.ego is None:
            raise NoEgoError(
                "this archive has no ego (it is a platform dataset); pass ego= to em.Archive "
                "or use em.account_metrics for every account"
            )
        return self.ego

    def following(self) -> set[str]:
        """Ids of the accounts the ego follows (self-follow excluded)."""
        ego = self.require_ego()
        f = self.follows
        return set(f.loc[(f["source"] == ego) & (f["target"] != ego), "target"].tolist())

    def followers(self) -> set[str]:
        """Ids of the accounts that follow the ego (self-follow excluded)."""
        ego = self.require_ego()
        f = self.follows
        return set(f.loc[(f["target"] == ego) & (f["source"] != ego), "source"].tolist())

    def resolve(self, values: Any) -> pd.Series:
        """The canonical account ids of any forms of accounts (ids, handles, ``user@host``, URLs).

        Each value is mapped by the identity rules of the archive's platform
        (:mod:`engagemetrics.identity`; ``docs/importers.md``, "One account, one id") to an
        account of :attr:`accounts` (its id, handle or one of its ``aliases``), or to an id
        that the other tables use.

        Parameters
        ----------
        values : list-like of str, or str
            Forms of accounts, e.g. ``["bob@mastodon.social",
            "https://mastodon.social/@bob"]``.

        Returns
        -------
        pandas.Series
            ``string[pyarrow]`` canonical ids, missing where a value matches no account (or
            matches two, as a handle seen for two ids does). A Series keeps its index; a
            single string gives a Series of one.

        Raises
        ------
        ColumnTypeError
            ``values`` holds something other than ids (see :func:`~engagemetrics.schema.to_id`).

        Examples
        --------
        >>> import engagemetrics as em
        >>> a = em.Archive(accounts=pd.DataFrame({
        ...     "account_id": ["https://mastodon.social/users/carol",
        ...                    "https://mastodon.social/ap/users/1168"],
        ...     "aliases": [[], ["bob@mastodon.social"]]}), platform="mastodon")
        >>> a.resolve(["carol@mastodon.social", "@Bob@mastodon.social", "dan@x.example"]).tolist()
        ['https://mastodon.social/users/carol', 'https://mastodon.social/ap/users/1168', <NA>]
        """
        if isinstance(values, str):
            values = [values]
        forms = schema.to_id(values, column="values", table="resolve")
        index = self._identity_index()
        found = {v: index.resolve(v) for v in pd.unique(forms.dropna().to_numpy(dtype=object))}
        return forms.astype(object).map(found).astype(schema.ID_DTYPE)

    def _identity_index(self) -> IdentityIndex:
        """The accounts, then the ids the tables use without an accounts row (an X follow
        list, a research log), by the platform's identity rules."""
        index = IdentityIndex.from_accounts(self.platform, self.accounts)
        for account_id in self._table_ids():
            if account_id not in index:
                index.add(account_id)
        return index

    def _table_ids(self) -> list[str]:
        columns = [
            self.follows["source"],
            self.follows["target"],
            self.posts["author"],
            self.posts["parent_author"],
            self.interactions["actor"],
            self.interactions["target"],
        ]
        if self.ego is not None:
            columns.append(pd.Series([self.ego], dtype=schema.ID_DTYPE))
        joined = pd.concat([c.dropna() for c in columns], ignore_index=True)
        return [str(v) for v in pd.unique(joined.to_numpy(dtype=object))]

    def with_followers(self, followers: Any) -> Archive:
        """A new archive with the ego's followers added, which makes them known.

        For exports that lack the followers (a Bluesky repo, a Mastodon archive, an X
        archive without ``follower.js``).

        Parameters
        ----------
        followers : list-like of ids, or pandas.DataFrame
            The followers' account ids (a list, Series or Index), or a DataFrame with an
            ``account_id`` column and optionally ``handle``, ``display_name``,
            ``followed_at`` and ``aliases`` (other forms of each follower). Each id
            may be any form of the account (a handle, ``user@host``, a profile URL):
            it is mapped to the archive's canonical id by :meth:`resolve`, and kept
            as it is when it matches no account. To read them from a file (a CSV,
            saved Bluesky ``getFollowers`` or Mastodon ``/followers`` API pages), use
            :func:`engagemetrics.add_followers`, which also counts in the ledger what
            it cannot place.

        Returns
        -------
        Archive
            The same tables with one ``follower -> ego`` edge per new follower (those
            already present, the ego itself and repeats are not added twice) and the
            ``followers`` part of :attr:`coverage` known.

        Raises
        ------
        NoEgoError
            The archive has no ego.
        InvalidArgumentError
            ``followers`` is a path or a single string rather than a collection of ids.

        Examples
        --------
        >>> import engagemetrics as em
        >>> a = em.Archive(follows=pd.DataFrame({"source": ["me", "me"], "target": ["ann", "bob"]}),
        ...                ego="me", unknown={"followers": "a Bluesky repo has no follower list"})
        >>> a.coverage.known("followers")
        False
        >>> b = a.with_followers(["ann", "cy"])
        >>> sorted(b.followers()), b.coverage.known("followers")
        (['ann', 'cy'], True)
        >>> m = em.Archive(follows=pd.DataFrame({"source": ["https://h.example/users/me"],
        ...                                      "target": ["https://mastodon.social/users/bob"]}),
        ...                ego="https://h.example/users/me", platform="mastodon")
        >>> sorted(m.with_followers(["bob@mastodon.social"]).followers())
        ['https://mastodon.social/users/bob']
        """
        ego = self.require_ego()
        table = _follower_table(followers)
        # Every form names its account by the archive's canonical id; a form that matches
        # no account stays as it is, and is kept among the account's aliases otherwise.
        given = table["account_id"]
        canonical = self.resolve(given).fillna(given)
        table["aliases"] = [
            [*forms, form] if form != account else list(forms)
            for form, account, forms in zip(
                given.tolist(), canonical.tolist(), table["aliases"].tolist(), strict=True
            )
        ]
        table["account_id"] = canonical.array
        new = table[(table["account_id"] != ego) & ~table["account_id"].isin(list(self.followers()))]
        new = new.drop_duplicates("account_id")
        added = pd.DataFrame(
            {
                "source": new["account_id"].to_numpy(dtype=object),
                "target": ego,
                "followed_at": new["followed_at"].to_numpy(),
            }
        )
        follows = pd.concat([self.follows, schema.follows_table(added)], ignore_index=True)
        # What the input says of every account (the ego's handle too); the archive's own
        # values come last so that accounts_table keeps them.
        columns = ["account_id", "handle", "display_name", "aliases"]
        accounts = pd.DataFrame(
            {c: [*table[c].tolist(), *self.accounts[c].astype(object).tolist()] for c in columns}
        )
        unknown: dict[str, str | None] = {part: None for part in PARTS}
        unknown.update(self.coverage.unknown)
        unknown["followers"] = None
        return self.replace(follows=follows, accounts=accounts, unknown=unknown)

    def with_interactions(self, received: Any) -> Archive:
        """A new archive with the interactions others addressed to the owner, which makes them
        known.

        An export holds the owner's own posts, not the replies and mentions others addressed
        to it; a notifications dump, or an incoming-mentions table, does. With it, the
        owner's answer rate and reply-back rate are known.

        Parameters
        ----------
        received : pandas.DataFrame
            An interactions table (``actor``, ``target``, ``kind``, ``created_at``; see
            :func:`engagemetrics.schema.interactions_table`). Rows addressed to the owner by
            another account are added; any other row, and any row the archive already holds
            (same actor, target, kind, time and post), is counted in the ledger and left out.

        Returns
        -------
        Archive

        Raises
        ------
        NoEgoError
            The archive has no owner.
        MissingColumnsError
            ``received`` lacks ``actor``, ``target`` or ``kind``.

        Examples
        --------
        >>> import engagemetrics as em
        >>> a = em.Archive(posts=pd.DataFrame({"post_id": ["1"], "author": ["me"],
        ...     "created_at": ["2026-01-01"], "kind": ["reply"], "parent_author": ["ann"]}),
        ...     ego="me")
        >>> a.coverage.known("interactions_received")
        False
        >>> b = a.with_interactions(pd.DataFrame({"actor": ["ann"], "target": ["me"],
        ...     "kind": ["reply"], "created_at": ["2026-01-02"]}))
        >>> b.coverage.known("interactions_received"), len(b.interactions)
        (True, 2)
        """
        ego = self.require_ego()
        table = schema.interactions_table(received, origin="received interactions")
        book = Ledger()
        book.extend(self.ledger)
        book.extend(ledger_of(table), structural=False)
        addressed = (table["target"] == ego) & (table["actor"] != ego)
        book.add("received interactions", "interaction",
                 "not addressed to the owner by another account (not added)",
                 int((~addressed).sum()))
        incoming = table[addressed.to_numpy(dtype=bool)]
        # A row the archive already holds (the same actor, target, kind, time and post) is
        # not added twice: a notifications dump often repeats what the export derived.
        keys = [c for c in ("actor", "target", "kind", "created_at", "post_id")
                if c in incoming.columns and c in self.interactions.columns]
        if len(incoming) and len(self.interactions):
            held = pd.MultiIndex.from_frame(self.interactions[keys].astype(object))
            repeated = pd.MultiIndex.from_frame(incoming[keys].astype(object)).isin(held)
            book.add("received interactions", "interaction",
                     "already in the archive (not added again)", int(repeated.sum()))
            incoming = incoming[~repeated]
        interactions = pd.concat([self.interactions, incoming], ignore_index=True)
        unknown: dict[str, str | None] = {part: self.coverage.unknown.get(part) for part in PARTS}
        unknown["interactions_received"] = None
        return self.replace(interactions=interactions, unknown=unknown, ledger=book.to_frame())

    def replace(self, **changes: Any) -> Archive:
        """A copy of this archive with some tables or attributes replaced.

        Any keyword of :class:`Archive` may be given. When ``posts`` is replaced and
        ``interactions`` is not, the interactions are derived again from the new posts
        if they were derived in the first place (an interaction log given as such is
        kept). The coverage is kept unless ``unknown=`` or ``scope=`` is given.

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
            "mentions": self._mentions,
            "likes": self._likes,
            "scope": self.coverage.scope,
            "unknown": {part: self.coverage.unknown.get(part) for part in PARTS},
            "owners": sorted(self.coverage.owners - {self.ego}),
        }
        rederive = self._derived and "posts" in changes and "interactions" not in changes
        if rederive:
            args["interactions"] = None
        args.update(changes)
        result = Archive(**args)
        if "interactions" not in changes and not rederive:
            result._derived = self._derived  # carried over as it was made
        return result

    # ------------------------------------------------------------------ display
    def _counts(self) -> dict[str, int]:
        return {
            "follows": len(self.follows),
            "posts": len(self.posts),
            "interactions": len(self.interactions),
            "accounts": len(self.accounts),
        }

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self._counts().items())
        return (
            f"Archive(platform={self.platform!r}, ego={self.ego!r}, {counts}, "
            f"ledger={len(self.ledger)} rows)"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{v:,}</td></tr>" for k, v in self._counts().items()
        )
        rows += f"<tr><th>ledger</th><td>{len(self.ledger):,} rows</td></tr>"
        unknown = "".join(
            f"<li>{html.escape(part)}: unknown ({html.escape(why)})</li>"
            for part, why in self.coverage.unknown.items()
        )
        head = (
            f"<b>engagemetrics.Archive</b> platform={html.escape(self.platform)}, "
            f"ego={html.escape(str(self.ego))}, exported_at={html.escape(str(self.exported_at))}"
        )
        return f"<div>{head}<table>{rows}</table><ul>{unknown}</ul></div>"


def _utc(value: Any) -> pd.Timestamp | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        return None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _follower_table(followers: Any) -> pd.DataFrame:
    """``account_id`` (ids), ``handle``, ``display_name``, ``followed_at`` from ids or a frame."""
    if isinstance(followers, (str, bytes, os.PathLike)):
        raise InvalidArgumentError(
            f"with_followers takes the followers' ids (a list, Series or DataFrame), got "
            f"{followers!r}; to read them from a file or saved API pages use "
            "em.add_followers(archive, path)"
        )
    if isinstance(followers, pd.DataFrame):
        schema.require_columns(followers, "followers", ["account_id"])
        frame = followers
    elif isinstance(followers, Iterable):
        frame = pd.DataFrame({"account_id": list(followers)})
    else:
        raise InvalidArgumentError(
            f"with_followers takes a list of account ids or a DataFrame with an "
            f"'account_id' column, got {type(followers).__name__}"
        )
    ids = schema.to_id(frame["account_id"], column="account_id", table="followers")
    out = pd.DataFrame({"account_id": ids.array})
    for column in ("handle", "display_name"):
        out[column] = (
            frame[column].astype(object).to_numpy() if column in frame.columns else None
        )
    # other forms of each follower the caller already knows (kept among its aliases)
    out["aliases"] = (
        [list(v) if isinstance(v, (list, tuple, np.ndarray)) else [] for v in
         frame["aliases"].tolist()]
        if "aliases" in frame.columns
        else [[] for _ in range(len(out))]
    )
    if "followed_at" in frame.columns:
        out["followed_at"] = schema.to_timestamp(
            frame["followed_at"], column="followed_at", table="followers"
        ).array
    else:
        out["followed_at"] = pd.Series(pd.NaT, index=out.index, dtype=schema.TIMESTAMP_DTYPE)
    return out[out["account_id"].notna()]


# --------------------------------------------------------------------------- merge
def merge(*archives: Archive) -> Archive:
    """One archive of the exports of several accounts of one platform.

    A single export holds one side of a conversation: the owner's replies, not the answers.
    Merged, the exports of two accounts that talk to each other hold both sides of their
    exchanges, so that reply-back rates between them are known
    (:func:`engagemetrics.relationships`).

    Parameters
    ----------
    *archives : Archive
        Exports of one platform, each with its owner. The first archive's owner is the
        merged archive's ``ego``; every owner is one of its ``coverage.owners``.

    Returns
    -------
    Archive
        The tables of every archive together. A follow edge or a post that several exports
        hold (alice follows bob is in alice's following and in bob's followers) is kept once;
        duplicates within one export are kept, as that export had them. The interactions are
        derived again from the merged posts, mentions and likes (an interaction log given as
        such is kept). The ledgers are joined. A part of the export is known only if every
        archive knows it, and the reason names the archive that does not. ``exported_at`` is
        the earliest export date (a follow snapshot is no later than its oldest part).

    Raises
    ------
    InvalidArgumentError
        Fewer than two archives, an archive without an owner, archives of different
        platforms, or two exports of the same owner (compare snapshots with
        :func:`engagemetrics.compare`).

    Examples
    --------
    >>> import engagemetrics as em
    >>> alice = em.Archive(follows=pd.DataFrame({"source": ["alice"], "target": ["bob"]}),
    ...                    ego="alice")
    >>> bob = em.Archive(follows=pd.DataFrame({"source": ["alice", "bob"],
    ...                                        "target": ["bob", "alice"]}), ego="bob")
    >>> both = em.merge(alice, bob)
    >>> both.ego, sorted(both.coverage.owners), len(both.follows)
    ('alice', ['alice', 'bob'], 2)
    """
    if len(archives) < 2:
        raise InvalidArgumentError(f"merge() takes two archives or more, got {len(archives)}")
    for archive in archives:
        if not isinstance(archive, Archive) or archive.ego is None:
            raise InvalidArgumentError(
                "merge() takes the exports of accounts (em.Archive with an ego); got "
                f"{archive!r}"
            )
    platforms = {a.platform for a in archives}
    if len(platforms) > 1:
        raise InvalidArgumentError(
            f"merge() takes exports of one platform (their ids are comparable), got "
            f"{sorted(platforms)}"
        )
    egos = [str(a.ego) for a in archives]
    if len(set(egos)) < len(egos):
        raise InvalidArgumentError(
            "merge() got two exports of the same account; to compare two snapshots of one "
            "account use em.compare(older, newer)"
        )
    book = Ledger()
    for archive in archives:
        book.extend(archive.ledger, structural=False)
    derived = all(a._derived for a in archives)
    return Archive(
        follows=_once(a.follows for a in archives),
        posts=pd.concat([a.posts for a in archives], ignore_index=True).drop_duplicates(
            "post_id"
        ),
        interactions=None if derived else _once(a.interactions for a in archives),
        accounts=pd.concat([a.accounts for a in archives], ignore_index=True),
        mentions=_concat(a._mentions for a in archives) if derived else None,
        likes=_concat(a._likes for a in archives) if derived else None,
        ego=egos[0],
        owners=egos[1:],
        platform=platforms.pop(),
        exported_at=min((a.exported_at for a in archives if a.exported_at is not None),
                        default=None),
        ledger=book.to_frame(),
        scope="ego",
        unknown=_unknown(archives),
    )


def _once(tables: Any) -> pd.DataFrame:
    """Rows of several exports' tables, each row that two exports hold kept once (the rows
    duplicated within one export stay as that export had them)."""
    frames = [t.reset_index(drop=True) for t in tables]
    out = [frames[0]]
    seen = frames[0].drop_duplicates()
    for frame in frames[1:]:
        marked = frame.merge(seen, how="left", indicator=True)
        out.append(frame[(marked["_merge"] == "left_only").to_numpy()])
        seen = pd.concat([seen, frame], ignore_index=True).drop_duplicates()
    return pd.concat(out, ignore_index=True)


def _concat(tables: Any) -> pd.DataFrame | None:
    given = [t for t in tables if t is not None and len(t)]
    return pd.concat(given, ignore_index=True) if given else None


def _unknown(archives: tuple[Archive, ...]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for part in PARTS:
        owners_by_reason: dict[str, list[str]] = {}
        for a in archives:
            why = a.coverage.reason(part)
            if why is not None:
                owners_by_reason.setdefault(why, []).append(str(a.ego))
        out[part] = "; ".join(
            f"{why} (the export of {', '.join(owners)})" for why, owners in owners_by_reason.items()
        ) or None
    return out
