"""Reader for a Mastodon account archive (``outbox.json``, ``actor.json``, ``likes.json``) and its CSVs.

The archive ("Request your archive") is a ``.zip`` (Mastodon >= 4.1) or a ``.tar.gz``
(older servers), or the unpacked folder. Followers and following are not in the
archive: they come from the CSV exports (Settings > Import and export > Data export:
``following_accounts.csv``, and a followers CSV where a server offers one), passed as
``following=`` / ``followers=``, or found in the same folder as the archive (load the
folder). The other CSV exports (mutes, blocks, lists, domain blocks, bookmarks) are
counted in the ledger.

Identity (one account, one id)
------------------------------
The archive names accounts by **actor URI** (``https://host/users/bob``, or the
numeric ``https://host/ap/users/1168...`` of 2026 servers), the CSV exports by
**acct** (``bob@host``), profile links by ``https://host/@bob``. Every account keeps
its actor URI as its id where the archive shows one, and every other form seen is one
of its ``aliases`` (``docs/importers.md``, "One account, one id"). A form meets an
account only by what the export states or by the classic shapes
(:mod:`engagemetrics.identity`):

* ``actor.json``: the ego's URI with ``preferredUsername@<host of id>`` and its
  profile ``url``;
* every ``Mention`` tag in the outbox: ``name`` (``@bob@host``, or ``@bob`` for a
  local account, whose host is then the host of ``href``) with ``href`` (the URI);
* ``https://host/users/<name>`` and ``https://host/@<name>`` mean ``<name>@host``
  (so a boost of ``https://host/users/carol/statuses/1`` meets ``carol@host`` in the
  following CSV). A numeric URI meets an acct only through a stated pair.

A CSV entry that meets no account stays its acct (``frank@far.example``), with
``handle`` the same, and the ledger counts it ("following entry matched to no account
seen in the archive"). Nothing is guessed beyond these rules.

Conventions
-----------
* ``post_id`` is the Note's ``id`` URI (for a boost, the ``Announce`` activity's id).
* Whom a reply answers (and whose post a boost or quote shares): the addressed actor
  (``Mention`` tag or ``cc``) whose URI the parent URI extends; the URI pattern
  ``/users/<name>/statuses/<id>`` (or ``/ap/users/<id>/statuses/<id>``); the one
  addressed actor on the parent's server (a Misskey ``/notes/<id>`` reply that names one
  ``misskey.io`` actor); the one addressed actor. Else ``parent_author`` is missing
  and the ledger flags it.
* ``inReplyTo`` under the ego's actor URI -> ``kind = "thread"``.
* A reply that also quotes stays a reply (flagged).
* Direct messages are kept with ``visibility = "direct"`` (metrics exclude them by
  default), and their text is **never** stored: ``text`` is missing for them.
* ``text`` is the HTML ``content`` turned into plain text; the content warning
  (``summary``), attachments, hashtags, emoji, edits and the 2026 embedded
  ``likes``/``shares`` counts are not used.
* ``likes.json`` holds status URIs only: a like becomes an interaction (without a
  time) only when its author resolves from the URI pattern; the others, and every
  bookmark, are counted in the ledger.
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pandas as pd

from .. import schema
from ..archive import Archive
from ..exceptions import CorruptExportError, EmptyInputError, InvalidArgumentError
from ..identity import IdentityIndex, home_host, host_of
from ..ledger import Ledger
from ._activitypub import (
    actor_candidates,
    as_list,
    author_of,
    html_to_text,
    quote_of,
    resolve_status_author,
    uri_of,
    visibility_of,
)
from ._container import ExportFiles, export_date, opened, progress
from ._jsonstream import JSONStream
from ._posts import PostRows
from .followers import (
    UNMATCHED,
    EntryMapper,
    add_followers,
    add_parsed_followers,
    read_account_csv,
)

__all__ = [
    "can_read",
    "html_to_text",
    "part_of_export",
    "read_mastodon_archive",
    "resolve_status_author",
]

_POST_TYPES = ("Note", "Question")
_ARCHIVE_NAME = re.compile(r"archive-(\d{14})-[0-9a-fA-F]{32}")
_FOLLOWING_NAMES = ("following_accounts.csv",)
_FOLLOWER_NAMES = ("follower_accounts.csv", "followers_accounts.csv", "followers.csv")
# The other CSV exports of Settings > Import and export: (record kind, reason).
_OTHER_CSVS = {
    "muted_accounts.csv": ("mute", "mute list: not a canonical table (muting is not unfollowing)"),
    "blocked_accounts.csv": (
        "block",
        "block list: not a canonical table (blocking is not following)",
    ),
    "blocked_domains.csv": ("domain block", "domain block list: not a canonical table"),
    "lists.csv": ("list member", "list membership: not a follow edge (not used)"),
    "bookmarks.csv": ("bookmark", "bookmarks are private and not an interaction (not used)"),
}
_ACCOUNT_ADDRESS = "account address"
_OUTBOX_EXPECTED = (
    "Expected an ActivityStreams OrderedCollection with an 'orderedItems' list; the file "
    "is not a Mastodon outbox, or it is damaged: download the archive again"
)


# --------------------------------------------------------------------------- detection
def _named(files: ExportFiles, basenames: Iterable[str]) -> list[str]:
    wanted = {b.lower() for b in basenames}
    return [n for n in files.names() if posixpath.basename(n).lower() in wanted]


def can_read(files: ExportFiles) -> str | None:
    """None if ``files`` looks like a Mastodon account archive, else the reason it does not.

    Parameters
    ----------
    files : ExportFiles

    Returns
    -------
    str or None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> can_read(ExportFiles(d)) is None
    False
    >>> _ = (d / "outbox.json").write_text('{"orderedItems": []}')
    >>> can_read(ExportFiles(d)) is None
    True
    """
    if not _named(files, ["outbox.json"]):
        return "no outbox.json (a Mastodon account archive holds outbox.json and actor.json)"
    return None


def _follow_list_side(files: ExportFiles, name: str) -> str | None:
    """``"following"`` / ``"followers"`` when ``name`` is a Mastodon follow-list CSV."""
    base = posixpath.basename(name).lower()
    if base in _FOLLOWING_NAMES:
        return "following"
    if base in _FOLLOWER_NAMES:
        return "followers"
    if not base.endswith(".csv"):
        return None
    with files.open(name) as fh:
        first = fh.read(256).decode("utf-8-sig", errors="replace").splitlines()[:1]
    header = [c.strip().lower() for c in next(csv.reader(first), [])]
    if header[:1] == [_ACCOUNT_ADDRESS]:
        # following_accounts.csv has 'Show boosts'; a followers CSV only the address
        return "following" if len(header) > 2 or "show boosts" in header else "followers"
    return None


def part_of_export(files: ExportFiles) -> str | None:
    """A message when ``files`` is a Mastodon follow-list CSV given without its archive.

    :func:`engagemetrics.load` raises :class:`~engagemetrics.ExportPartError` with it:
    the CSV says whom an account follows, but not whose list it is nor what that
    account posted, which its archive holds.

    Parameters
    ----------
    files : ExportFiles

    Returns
    -------
    str or None
        None when ``files`` is not such a piece (or holds an archive too).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "following_accounts.csv"
    >>> _ = p.write_text("Account address,Show boosts\\nbob@mastodon.social,true\\n")
    >>> print(part_of_export(ExportFiles(p)))  # doctest: +ELLIPSIS
    following_accounts.csv is Mastodon's following list ... following='following_accounts.csv') ...
    """
    if _named(files, ["outbox.json"]):
        return None
    for name in files.names():
        side = _follow_list_side(files, name)
        if side is None:
            continue
        base = posixpath.basename(name)
        what = "following list (whom the account follows)" if side == "following" else (
            "followers list (who follows the account)"
        )
        return (
            f"{base} is Mastodon's {what}, not an account archive: alone it does not say whose "
            "list it is, nor what that account posted. Load it with its archive: "
            f"em.load('archive-<date>-<hex>.zip', {side}={base!r}) (on the command line: "
            f"engagemetrics archive-<date>-<hex>.zip --{side} {base}), or put it in one "
            "folder with the archive and load the folder"
        )
    return None


# --------------------------------------------------------------------------- reader
def read_mastodon_archive(
    path: str | os.PathLike[str] | ExportFiles,
    *,
    following: str | os.PathLike[str] | None = None,
    followers: Any = None,
    show_progress: bool = False,
) -> Archive:
    """Read a Mastodon account archive, and its follow lists, into an :class:`~engagemetrics.Archive`.

    Parameters
    ----------
    path : str, path or ExportFiles
        The archive as downloaded (``archive-YYYYMMDDHHMMSS-<hex>.zip`` or ``.tar.gz``),
        the unpacked folder, a folder holding the archive with its CSV exports, or a
        lone ``outbox.json``.
    following : str or path, optional
        ``following_accounts.csv`` (Settings > Import and export > Data export). When
        None, a ``following_accounts.csv`` in the export (beside the archive in the
        folder, or inside it) is used.
    followers : optional
        A followers CSV (header ``Account address``) where the server offers one, or
        anything :func:`engagemetrics.add_followers` takes (saved ``/followers`` API
        pages). When None, ``follower_accounts.csv`` / ``followers.csv`` in the export
        are used.
    show_progress : bool, default False
        Show a progress bar while reading the outbox (tqdm, on stderr).

    Returns
    -------
    Archive
        ``platform="mastodon"``, ``ego`` = the actor URI, ``exported_at`` from the
        archive's file name when it carries one. ``posts`` has a ``text`` column
        (missing for direct messages). Interactions are derived from posts, mention
        tags and resolvable likes. ``accounts`` lists every account seen, with the
        forms it appeared under in ``aliases``. The parts without a list (no
        following CSV, no followers CSV) are unknown in ``archive.coverage``.

    Raises
    ------
    CorruptExportError
        ``outbox.json`` is missing, or it (or ``actor.json``, ``likes.json``) is not
        valid JSON or not shaped like an ActivityStreams collection; a CSV is not
        readable.
    InvalidArgumentError
        ``following=`` is not a path to a CSV file, or the export holds several
        Mastodon archives.

    Notes
    -----
    Identity, reply resolution, visibility and privacy conventions are described
    in the module docstring (``engagemetrics.io.mastodon``). Records not taken are
    counted in ``archive.ledger`` with their reason.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> me = "https://example.social/users/alice"
    >>> note = {"id": me + "/statuses/1", "type": "Note", "attributedTo": me,
    ...         "published": "2026-01-02T03:04:05Z", "content": "<p>hello &amp; bye</p>",
    ...         "inReplyTo": "https://mastodon.social/users/bob/statuses/9",
    ...         "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [],
    ...         "tag": [{"type": "Mention", "href": "https://mastodon.social/users/bob",
    ...                  "name": "@bob@mastodon.social"}]}
    >>> outbox = {"type": "OrderedCollection", "totalItems": 1, "orderedItems": [
    ...     {"id": note["id"] + "/activity", "type": "Create", "actor": me,
    ...      "published": note["published"], "to": note["to"], "cc": [], "object": note}]}
    >>> _ = (d / "outbox.json").write_text(json.dumps(outbox))
    >>> _ = (d / "actor.json").write_text(json.dumps(
    ...     {"type": "Person", "id": me, "preferredUsername": "alice"}))
    >>> _ = (d / "following_accounts.csv").write_text(
    ...     "Account address,Show boosts,Notify on new posts,Languages\\n"
    ...     "bob@mastodon.social,true,false,\\n")
    >>> a = read_mastodon_archive(d)
    >>> a.ego, sorted(a.following())
    ('https://example.social/users/alice', ['https://mastodon.social/users/bob'])
    >>> a.posts[["kind", "parent_author", "visibility", "text"]].iloc[0].tolist()
    ['reply', 'https://mastodon.social/users/bob', 'public', 'hello & bye']
    >>> a.interactions[["target", "kind"]].values.tolist()
    [['https://mastodon.social/users/bob', 'reply']]
    >>> a.coverage.reason("followers")
    'a Mastodon archive has no follower list (add it with followers= or em.add_followers)'
    """
    if following is not None and not isinstance(following, (str, os.PathLike)):
        raise InvalidArgumentError(
            f"following= must be the path of Mastodon's following_accounts.csv, got "
            f"{type(following).__name__}"
        )
    with opened(path) as files:
        reader = _Reader(files, show_progress=show_progress)
        archive, found_followers = reader.read(following, followers_given=followers is not None)
    if followers is not None:
        return add_followers(archive, followers)
    if found_followers is not None:
        return add_parsed_followers(archive, [found_followers])
    return archive


class _Reader:
    """One pass over an archive: the ego, the outbox, likes, and the CSV exports."""

    def __init__(self, files: ExportFiles, *, show_progress: bool) -> None:
        self.files = files
        self.show_progress = show_progress
        self.ledger = Ledger()
        self.index = IdentityIndex("mastodon")
        # account id -> [handle, display name, aliases]
        self.accounts: dict[str, list[Any]] = {}
        self.posts = PostRows()
        self.used: set[str] = set()
        self.ego = ""
        self.own_followers: set[str] = set()

    # ------------------------------------------------------------------ accounts
    def account(
        self,
        account_id: str,
        *,
        handle: str | None = None,
        name: str | None = None,
        forms: Iterable[str | None] = (),
    ) -> None:
        """Register an account and the other forms seen for it."""
        row = self.accounts.setdefault(account_id, [None, None, []])
        if handle and row[0] is None:
            row[0] = handle
        if name and row[1] is None:
            row[1] = name
        new = [f for f in (handle, *forms) if f and f != account_id and f not in row[2]]
        row[2].extend(new)
        self.index.add(account_id, aliases=new)

    # ------------------------------------------------------------------ layout
    def _outbox(self) -> str:
        found = _named(self.files, ["outbox.json"])
        if not found:
            raise CorruptExportError(
                f"{self.files.path} has no outbox.json; expected a Mastodon account archive "
                "(archive-<date>-<hex>.zip or .tar.gz, or its unpacked folder). "
                "Request it under Settings -> Import and export -> Request your archive"
            )
        archives = sorted({self.files.archive_of(n) for n in found})
        if len(archives) > 1:
            raise InvalidArgumentError(
                f"{self.files.path} holds {len(archives)} Mastodon archives "
                f"({', '.join(a or '.' for a in archives[:4])}); load one at a time, each "
                "with its own CSV exports"
            )
        return min(found, key=lambda n: (n.count("/"), n))

    def _near(self, outbox: str, basenames: Iterable[str]) -> str | None:
        """The member of one of ``basenames`` closest to the outbox (same folder first)."""
        hits = _named(self.files, basenames)
        if not hits:
            return None
        folder, archive = posixpath.dirname(outbox), self.files.archive_of(outbox)
        return min(
            hits,
            key=lambda n: (
                posixpath.dirname(n) != folder,
                self.files.archive_of(n) != archive,
                n.count("/"),
                n,
            ),
        )

    # ------------------------------------------------------------------ reading
    def read(
        self, following: Any, *, followers_given: bool
    ) -> tuple[Archive, tuple[str, list[Any]] | None]:
        files, ledger = self.files, self.ledger
        outbox = self._outbox()
        files.note_into(ledger)
        source = posixpath.basename(outbox)
        self.used.add(outbox)
        self._read_ego(outbox)
        ego = self.ego

        unknown_activity: Counter[str] = Counter()
        items = progress(
            self._stream(outbox), desc=f"reading {source}", enabled=self.show_progress
        )
        for item in items:
            if not isinstance(item, Mapping):
                ledger.add(source, "activity", "not a JSON object")
                continue
            activity_type = item.get("type")
            if activity_type == "Create":
                self._take_create(item, source)
            elif activity_type == "Announce":
                self._take_announce(item, source)
            else:
                unknown_activity[str(activity_type)] += 1
        for key, n in sorted(unknown_activity.items()):
            ledger.add(source, "activity", f"activity type {key!r} not used", n)
        created = schema.to_timestamp(
            pd.Series(self.posts.created_at, dtype=object), errors="coerce"
        )
        posts = schema.posts_table(
            self.posts.frame(created), errors="coerce", origin=source
        )
        mentions = self.posts.mentions()
        self.posts.release()

        likes = self._read_likes(outbox)
        bookmarks = self._near(outbox, ["bookmarks.json"])
        if bookmarks is not None:
            self.used.add(bookmarks)
            ledger.add(
                posixpath.basename(bookmarks),
                "bookmark",
                "bookmarks are private and not an interaction (not used)",
                len(self._collection(bookmarks)),
            )

        unknown: dict[str, str] = {}
        follow_src: list[str] = []
        follow_dst: list[str] = []
        found_following = self._near(outbox, _FOLLOWING_NAMES) if following is None else None
        if following is not None or found_following is not None:
            label, entries = self._csv(following, found_following, "following")
            for target in self._map_following(label, entries):
                follow_src.append(ego)
                follow_dst.append(target)
        else:
            unknown["following"] = self._no_following_reason()
        found_followers = None if followers_given else self._near(outbox, _FOLLOWER_NAMES)
        followers_csv = None
        if found_followers is not None:
            followers_csv = self._csv(None, found_followers, "followers")
        unknown["followers"] = (
            "a Mastodon archive has no follower list (add it with followers= or "
            "em.add_followers)"
        )
        for name in files.names():
            base = posixpath.basename(name).lower()
            if base in _OTHER_CSVS and name not in self.used:
                self.used.add(name)
                kind, reason = _OTHER_CSVS[base]
                ledger.add(posixpath.basename(name), kind, reason, self._count_rows(name))
        files.count_unread(
            self.used,
            posixpath.dirname(files.inner_name(outbox)),
            ledger,
            "media or other file (not read)",
        )
        files.note_into(ledger)  # what reading met (text repaired)

        accounts = pd.DataFrame(
            {
                "account_id": list(self.accounts),
                "handle": [row[0] for row in self.accounts.values()],
                "display_name": [row[1] for row in self.accounts.values()],
                "aliases": [row[2] for row in self.accounts.values()],
            }
        )
        archive = Archive(
            follows=pd.DataFrame({"source": follow_src, "target": follow_dst}),
            posts=posts,
            accounts=accounts,
            ego=ego,
            platform="mastodon",
            exported_at=export_date(files, _ARCHIVE_NAME, "%Y%m%d%H%M%S"),
            ledger=ledger.to_frame(),
            mentions=mentions,
            likes=likes,
            unknown=unknown,
        )
        return archive, followers_csv

    def _no_following_reason(self) -> str:
        reason = (
            "a Mastodon archive has no following list (add following_accounts.csv from "
            "Settings > Import and export > Data export, with following=)"
        )
        path = self.files.path
        if self.files.kind in ("zip", "tar") and (path.parent / "following_accounts.csv").is_file():
            reason += (
                f"; {path.parent / 'following_accounts.csv'} lies beside the archive: pass it "
                "with following=, or load the folder that holds both"
            )
        return reason

    def _stream(self, name: str) -> Iterator[Any]:
        """The activities of ``outbox.json``, decoded one at a time (an outbox can be large)."""
        label = self.files.label(name)
        with self.files.open(name) as raw:
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig")
            stream = JSONStream(handle, label, expected=_OUTBOX_EXPECTED)
            try:
                yield from stream.members("orderedItems")
                self.files.note_repaired(name, stream.repaired)
            except UnicodeDecodeError as exc:
                raise CorruptExportError(
                    f"{label} is not UTF-8 text ({exc.reason}); {_OUTBOX_EXPECTED}"
                ) from exc
            if "orderedItems" not in stream.header:
                raise CorruptExportError(
                    f"{label} should be an ActivityStreams OrderedCollection with an "
                    "'orderedItems' list, but it is an object without an orderedItems list; "
                    "the file is not a Mastodon outbox, or it is damaged"
                )

    def _read_ego(self, outbox: str) -> None:
        actor: Mapping[str, Any] = {}
        actor_name = self._near(outbox, ["actor.json"])
        if actor_name is not None:
            self.used.add(actor_name)
            loaded = self.files.read_json(actor_name, expected="an ActivityPub Person object")
            if not isinstance(loaded, Mapping):
                raise CorruptExportError(
                    f"{self.files.label(actor_name)} should be a JSON object (an ActivityPub "
                    f"Person), but it is a {type(loaded).__name__}"
                )
            actor = loaded
        ego = uri_of(actor.get("id"))
        if ego is None:
            # A first pass over the stream: the outbox is read twice rather than held.
            actors = [
                i.get("actor")
                for i in self._stream(outbox)
                if isinstance(i, Mapping) and isinstance(i.get("actor"), str)
            ]
            if not actors:
                raise CorruptExportError(
                    f"{self.files.path}: neither actor.json nor the outbox names the account's "
                    "actor URI; expected actor.json with an 'id', or activities with an 'actor'"
                )
            # most frequent actor; ties go to the first seen (Counter keeps insertion order)
            ego = str(Counter(actors).most_common(1)[0][0])
            self.ledger.add(
                "actor.json",
                "file",
                "actor.json missing or without id: ego taken from the outbox",
                action="flagged",
            )
        self.ego = ego
        followers_url = actor.get("followers")
        self.own_followers = {ego + "/followers"}
        if isinstance(followers_url, str):
            self.own_followers.add(followers_url)
        username = actor.get("preferredUsername")
        handle = f"{username}@{host_of(ego)}" if isinstance(username, str) and username else None
        name = actor.get("name") if isinstance(actor.get("name"), str) else None
        url = actor.get("url") if isinstance(actor.get("url"), str) else None
        self.account(ego, handle=handle, name=name, forms=[url])

    # ------------------------------------------------------------------ outbox items
    def _take_create(self, activity: Mapping[str, Any], source: str) -> None:
        ledger, ego = self.ledger, self.ego
        obj = activity.get("object")
        if not isinstance(obj, Mapping):
            ledger.add(source, "activity", "Create without an embedded object")
            return
        obj_type = obj.get("type")
        if obj_type not in _POST_TYPES:
            ledger.add(source, "activity", f"Create of object type {obj_type!r} not used")
            return
        post_id = uri_of(obj.get("id"))
        if post_id is None:
            ledger.add(source, "post", "Note without an id")
            return
        author = uri_of(obj.get("attributedTo")) or uri_of(activity.get("actor")) or ego
        visibility = visibility_of(activity, obj, self.own_followers)
        for tag in as_list(obj.get("tag")):
            if isinstance(tag, Mapping) and tag.get("type") == "Mention":
                href = uri_of(tag.get("href"))
                if not href:
                    ledger.add(source, "mention", "Mention tag without href")
                    continue
                self.posts.mention(post_id, href)
                name = tag.get("name")
                acct = None
                if isinstance(name, str) and name.strip("@ "):
                    acct = name.strip().lstrip("@")
                    if "@" not in acct:  # a local account: Mastodon writes "@bob"
                        acct = f"{acct}@{host_of(href)}"
                self.account(href, handle=acct)
        candidates = actor_candidates(obj, activity, ego, self.own_followers)
        for candidate in candidates:
            self.account(candidate)

        kind = "post"
        parent_id: str | None = None
        parent_author: str | None = None
        in_reply_to = uri_of(obj.get("inReplyTo"))
        is_quote, quoted, revoked = quote_of(obj)
        if in_reply_to:
            parent_id = in_reply_to
            parent_author = author_of(in_reply_to, candidates, ego)
            kind = "thread" if parent_author == ego else "reply"
            if parent_author is None:
                ledger.add(
                    source,
                    "post",
                    "reply whose parent author is not revealed (no Mention tag or cc actor "
                    "owns the parent, and its URI names no author): parent_author missing",
                    action="flagged",
                )
            if is_quote:
                ledger.add(
                    source, "post", "reply that also quotes (kept as a reply)", action="flagged"
                )
        elif is_quote:
            kind = "quote"
            parent_id = quoted
            if revoked:
                ledger.add(
                    source,
                    "post",
                    "quote revoked (Tombstone): quoted author unknown",
                    action="flagged",
                )
            elif quoted:
                parent_author = author_of(quoted, candidates, ego)
                if parent_author is None:
                    ledger.add(
                        source,
                        "post",
                        "quoted author not revealed by the URI (parent_author missing)",
                        action="flagged",
                    )
        if parent_author is not None:
            self.account(parent_author)
        self.posts.add(
            post_id,
            author,
            obj.get("published") or activity.get("published"),
            kind,
            parent_id=parent_id,
            parent_author=parent_author,
            visibility=visibility,
            text=None if visibility == "direct" else html_to_text(obj.get("content")),
        )

    def _take_announce(self, activity: Mapping[str, Any], source: str) -> None:
        post_id = uri_of(activity.get("id"))
        boosted = uri_of(activity.get("object"))
        if post_id is None or boosted is None:
            self.ledger.add(source, "activity", "Announce without an id or object")
            return
        candidates = actor_candidates({}, activity, self.ego, self.own_followers)
        for candidate in candidates:
            self.account(candidate)
        boosted_author = author_of(boosted, candidates, self.ego)
        if boosted_author is None:
            self.ledger.add(
                source,
                "post",
                "boosted author not revealed (parent_author missing)",
                action="flagged",
            )
        else:
            self.account(boosted_author)
        self.posts.add(
            post_id,
            uri_of(activity.get("actor")) or self.ego,
            activity.get("published"),
            "repost",
            parent_id=boosted,
            parent_author=boosted_author,
            visibility=visibility_of(activity, {}, self.own_followers),
        )

    # ------------------------------------------------------------------ likes
    def _collection(self, name: str) -> list[Any]:
        data = self.files.read_json(name, expected="an OrderedCollection of status URIs")
        items = data.get("orderedItems") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise CorruptExportError(
                f"{self.files.label(name)} should be an OrderedCollection with an "
                f"'orderedItems' list of status URIs, but it is {type(data).__name__}"
                + ("" if not isinstance(data, Mapping) else " without such a list")
            )
        return items

    def _read_likes(self, outbox: str) -> pd.DataFrame | None:
        name = self._near(outbox, ["likes.json"])
        if name is None:
            return None
        self.used.add(name)
        label = posixpath.basename(name)
        targets: list[str] = []
        post_ids: list[str] = []
        for item in self._collection(name):
            uri = uri_of(item)
            author = resolve_status_author(uri)
            if uri is None:
                self.ledger.add(label, "like", "not a status URI")
            elif author is None:
                self.ledger.add(label, "like", "liked status's author not revealed by its URI")
            else:
                self.account(author)
                targets.append(author)
                post_ids.append(uri)
        return pd.DataFrame(
            {
                "actor": pd.Series([self.ego] * len(targets), dtype=schema.ID_DTYPE),
                "target": pd.Series(targets, dtype=schema.ID_DTYPE),
                "created_at": pd.Series(
                    pd.NaT, index=range(len(targets)), dtype=schema.TIMESTAMP_DTYPE
                ),
                "post_id": pd.Series(post_ids, dtype=schema.ID_DTYPE),
            }
        )

    # ------------------------------------------------------------------ CSV exports
    def _csv(self, given: Any, found: str | None, what: str) -> tuple[str, list[Any]]:
        """The entries of a follow-list CSV given as a path, or found in the export."""
        if given is not None:
            with opened(given, self.files.limits) as csv_files:
                if csv_files.kind != "file":
                    raise InvalidArgumentError(
                        f"{what}= must be a CSV file (e.g. following_accounts.csv), got the "
                        f"{csv_files.kind} {given}"
                    )
                name = csv_files.names()[0]
                text = csv_files.read_text(name)
        else:
            assert found is not None
            self.used.add(found)
            name, text = posixpath.basename(found), self.files.read_text(found)
        try:
            return name, read_account_csv(text, name)
        except EmptyInputError:
            return name, []  # an empty list: the account follows nobody

    def _map_following(self, label: str, entries: list[Any]) -> list[str]:
        """The following CSV's accounts as ids; every entry placed or counted."""
        mapper = EntryMapper(self.index, ego_host=home_host(self.ego, self.accounts[self.ego][0]))
        out: list[str] = []
        for entry in entries:
            if entry.value is None:
                self.ledger.add(label, "following", "account address empty")
                continue
            account_id, reason, matched = mapper.map(entry)
            if account_id is None:
                self.ledger.add(label, "following", reason or "no id")
                continue
            acct = mapper.handle_of(entry)
            forms = [f for f in mapper.forms(entry) if f != account_id]
            self.account(account_id, handle=acct, forms=forms)
            if not matched:
                self.ledger.add(
                    label, "following", UNMATCHED.format(side="following"), action="flagged"
                )
            out.append(account_id)
        return out

    def _count_rows(self, name: str) -> int:
        """Rows of a CSV export, without its header."""
        try:
            rows = [
                r
                for r in csv.reader(io.StringIO(self.files.read_text(name)))
                if any(c.strip() for c in r)
            ]
        except csv.Error as exc:
            raise CorruptExportError(
                f"{self.files.label(name)} is not a readable CSV file ({exc})"
            ) from exc
        header = rows[:1] and rows[0][0].strip().lower() in (_ACCOUNT_ADDRESS, "list title")
        return len(rows) - (1 if header else 0)
