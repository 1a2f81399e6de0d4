"""Reader for X/Twitter account archives: the ``twitter-*.zip`` download, its parts, and older layouts.

This module builds the tables; where the files lie is :mod:`engagemetrics.io._twitter_layout`
and how one file is decoded is :mod:`engagemetrics.io._ytd`. The conventions are listed in
:func:`read_twitter_archive` and in ``docs/importers.md``.
"""

from __future__ import annotations

import csv
import html
import io
import os
import posixpath
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..archive import Archive
from ..exceptions import CorruptExportError, DataQualityWarning, InvalidArgumentError, NoEgoError
from ..identity import IdentityIndex
from ..ledger import Ledger
from ._container import ExportFiles, opened, progress
from ._posts import PostRows
from ._twitter_layout import LEGACY_COLUMNS, DataFile, Layout, find_layout, looks_like_x
from ._ytd import id_of, iter_records, record_of, x_seconds

__all__ = ["can_read", "read_twitter_archive"]

_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d+)",
    re.IGNORECASE,
)
_RT_PREFIX = re.compile(r"^RT @([A-Za-z0-9_]{1,15})")
_HANDLE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})")

_TWEET_TYPES = ("tweets", "tweet")
# Data types read into tables (or for the owner's id); every other type is counted.
_READ_TYPES = {
    *_TWEET_TYPES,
    "follower",
    "following",
    "account",
    "screenNameChange",
    "noteTweet",
    "communityTweet",
    "tweetHeaders",
}
_DM_REASON = "direct messages are private: counted, never kept (their text is never shown)"
_NOT_USED = "read, not used by engagemetrics"
# Types counted with their own reason (record kind, reason).
_SKIPPED_REASONS = {
    "like": (
        "like",
        "read, not used: like.js has no liked-author id and no timestamp, so a like cannot "
        "become an interaction",
    ),
    "deletedTweets": (
        "deleted tweet",
        "read, not used: deleted by the owner before the export (X keeps them ~14 days), "
        "not the account's posts",
    ),
    "directMessages": ("direct message conversation", _DM_REASON),
    "directMessagesGroup": ("group direct message conversation", _DM_REASON),
    "directMessageHeaders": ("direct message header", _DM_REASON),
    "directMessageGroupHeaders": ("group direct message header", _DM_REASON),
    "block": ("block", "read, not used: a block list is not a canonical table"),
    "mute": ("mute", "read, not used: a mute list is not a canonical table"),
}


# --------------------------------------------------------------------------- public API
def can_read(files: ExportFiles) -> str | None:
    """Whether ``files`` look like an X/Twitter archive.

    Parameters
    ----------
    files : engagemetrics.io._container.ExportFiles
        The opened export.

    Returns
    -------
    str or None
        None when the files look like an X archive (``manifest.js`` holding
        ``window.__THAR_CONFIG``; or ``tweets.js``, ``tweet.js``, ``tweets-part1.js`` or
        ``account.js`` holding ``window.YTD``; or the monthly ``data/js/tweets/YYYY_MM.js``
        files of an archive from before 2019; or a legacy ``tweets.csv`` with its
        ``tweet_id,...,timestamp,...,text`` header), else a short reason why not.

    Examples
    --------
    >>> import os, tempfile
    >>> from engagemetrics.io._container import ExportFiles
    >>> d = tempfile.mkdtemp()
    >>> with open(os.path.join(d, "tweets.js"), "w") as fh:
    ...     _ = fh.write("window.YTD.tweets.part0 = [ ]")
    >>> can_read(ExportFiles(d)) is None
    True
    >>> can_read(ExportFiles(tempfile.mkdtemp()))
    'no manifest.js, tweets.js or tweets.csv'
    """
    return None if looks_like_x(files) else "no manifest.js, tweets.js or tweets.csv"


def read_twitter_archive(
    path: str | os.PathLike[str] | ExportFiles,
    *,
    ego: str | int | None = None,
    text: bool = True,
    show_progress: bool = False,
) -> Archive:
    """Read an X/Twitter account archive into an :class:`engagemetrics.Archive`.

    Parameters
    ----------
    path : str, path or ExportFiles
        The zip X sends (``twitter-YYYY-MM-DD-<hex>.zip``), the folder it unpacks to,
        its ``data/`` folder, a folder holding the zips of an archive in several parts,
        a published subset of an archive (``tweets.js``, ``follower.js``,
        ``following.js``), or an archive from before 2019 (``data/js/tweets/`` and
        ``tweets.csv``).
    ego : str or int, optional
        The owner's numeric account id. When omitted it is read from ``account.js``,
        ``manifest.js``, ``user_details.js``, ``screen-name-change.js`` or
        ``tweet-headers.js``, else inferred from the archive's self-replies (see Notes).
    text : bool, default True
        Keep the post text (HTML entities unescaped) in a ``text`` column of ``posts``.
    show_progress : bool, default False
        Show a progress bar while reading tweets (tqdm, on stderr).

    Returns
    -------
    engagemetrics.Archive
        ``platform="twitter"``, ``ego`` the owner's id, ``exported_at`` the manifest's
        ``generationDate`` (else the date in the zip's name); ``follows`` (followers ->
        ego, ego -> followings), ``posts``, ``interactions`` (derived from posts and
        mentions), ``accounts`` (ids with the handles and names the archive reveals, past
        handles in ``aliases``) and ``ledger`` (every record not taken, or taken under a
        convention, with its reason). A list the export lacks (no ``follower.js``, a file
        the manifest lists but the export does not hold) is unknown in ``coverage``.

    Raises
    ------
    CorruptExportError
        A data file is damaged (not JSON after its ``window.YTD... =`` prefix, not
        UTF-8, a CSV without the legacy header), naming the file and the position.
    UnsafeArchiveError
        The zip has a member with an absolute or ``..`` path, or expands too much.
    NoEgoError
        Nothing in the archive names or reveals its owner, and no ``ego=`` is given.
    InvalidArgumentError
        ``ego`` is not an id.
    FileNotFoundError
        ``path`` does not exist.

    Notes
    -----
    Conventions (``docs/definitions.md``, ``docs/importers.md``):

    * Every tweet's author is the ego. ``kind``: a text starting with ``"RT @"`` (or a
      tweet with ``retweeted_status``) is a ``repost`` (original author = the first user
      mention when its indices start at 3, else the handle after ``RT @`` where it
      resolves to an id; original id from ``entities.media[].source_status_id_str``
      when present); a tweet with ``in_reply_to_user_id`` is a ``reply`` (``thread`` when
      that user is the ego), also without ``in_reply_to_status_id`` (a mention-only
      tweet addressed to that user); a non-reply with a status URL
      (``https://(twitter|x).com/<user>/status/<id>``) in ``entities.urls[].expanded_url``
      is a ``quote`` of the last such URL (this also catches tweets that only link to a
      tweet; X writes no quote field); else ``post``.
    * ``root_id``/``root_author`` are set for a reply whose chain of parents can be
      followed inside the archive up to a post that is not a reply.
    * Handles resolve to ids through the archive itself: user mentions, reply targets,
      ``account.js``, ``manifest.js`` and ``screen-name-change.js`` (the ego's old
      handles). A handle seen for two ids resolves to none. A quote or repost whose
      original author stays unknown is kept and flagged in the ledger.
    * ``accounts`` keeps, per id, the handle and name of the latest tweet that shows
      them (the ego: ``account.js``), and every other handle seen in ``aliases``.
    * The owner: ``ego=``, else ``account.js``, ``manifest.js``, ``user_details.js``,
      ``screen-name-change.js``, ``tweet-headers.js`` or the ``user`` of the tweets of
      an archive from before 2019. Without any of these (a published subset of an
      archive), the owner is inferred from the archive's self-replies: a reply to one of
      the archive's own tweets was written by the owner to the owner, so its
      ``in_reply_to_user_id`` is the owner's id. The ledger says that the owner was
      inferred, and from how many self-replies.
    * Long posts (``note-tweet.js``) replace the truncated text of the tweet created in
      the same second whose text starts the same; unmatched notes are counted.
      Posts in ``community-tweet.js`` are posts like those of ``tweets.js``.
    * Likes, deleted tweets, direct messages, blocks, mutes and every other data type
      are read and counted in the ledger ("read, not used"); a file that the manifest
      lists but the export does not hold is counted with the manifest's count ("listed in
      manifest.js, absent from this export"). Direct messages are never kept.
    * ``visibility`` is missing: the archive does not say whether the account was
      protected when it posted.
    * Before 2019: the monthly ``data/js/tweets/YYYY_MM.js`` files are read like
      ``tweets.js`` (they carry mention ids), and ``tweets.csv``, which holds the same
      tweets, is counted; with ``tweets.csv`` alone, columns are mapped by header name,
      retweets are explicit and mentions carry no ids (resolved through the archive's
      handles, else counted). Neither has follow lists: ``following`` and ``followers``
      are unknown.

    Examples
    --------
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> def write(name, text):
    ...     with open(os.path.join(d, name), "w", encoding="utf-8") as fh:
    ...         _ = fh.write(text)
    >>> write("account.js", 'window.YTD.account.part0 = [{"account": {"accountId": "10",'
    ...       ' "username": "me", "accountDisplayName": "Me"}}]')
    >>> write("following.js", 'window.YTD.following.part0 = [{"following": {"accountId": "20"}}]')
    >>> write("tweets.js", 'window.YTD.tweets.part0 = [{"tweet": {"id_str": "9007199254740993",'
    ...       ' "created_at": "Fri Mar 06 13:02:05 +0000 2026", "full_text": "@ann hi &amp; bye",'
    ...       ' "in_reply_to_user_id_str": "20", "in_reply_to_status_id_str": "5",'
    ...       ' "entities": {"user_mentions": [{"id_str": "20", "screen_name": "ann",'
    ...       ' "indices": ["0", "4"]}]}}}]')
    >>> a = read_twitter_archive(d)
    >>> a.ego, len(a.follows), a.posts["post_id"].iloc[0], a.posts["text"].iloc[0]
    ('10', 1, '9007199254740993', '@ann hi & bye')
    >>> a.interactions[["actor", "target", "kind"]].values.tolist()
    [['10', '20', 'reply']]
    >>> a.coverage.reason("followers")
    'the export has no follower.js: the followers list is unknown'
    """
    if ego is not None and (
        not isinstance(ego, (str, int)) or isinstance(ego, bool) or id_of(ego) is None
    ):
        raise InvalidArgumentError(
            f"ego must be a numeric X account id (str or int), got {ego!r}"
        )
    with opened(path) as files:
        return _XReader(files, ego=ego, keep_text=text, show_progress=show_progress).read()


# --------------------------------------------------------------------------- collectors
@dataclass
class _Accounts:
    """Handles and names seen per account id (latest wins); every handle is an alias."""

    latest: dict[str, list[Any]] = field(default_factory=dict)  # id -> [t, handle, t, name]
    handles: dict[str, list[str]] = field(default_factory=dict)  # id -> handles seen
    pinned: set[str] = field(default_factory=set)  # ids whose handle/name is authoritative
    index: IdentityIndex = field(default_factory=lambda: IdentityIndex("twitter"))

    def see(self, account: str | None, handle: Any, name: Any, when: float) -> None:
        if account is None:
            return
        handle = handle.strip().lstrip("@") if isinstance(handle, str) else None
        name = name if isinstance(name, str) and name.strip() else None
        if handle:
            seen = self.handles.setdefault(account, [])
            if handle not in seen:
                seen.append(handle)
                self.index.add(account, aliases=[handle])
        if account in self.pinned:
            return
        row = self.latest.setdefault(account, [-np.inf, None, -np.inf, None])
        if handle and when >= row[0]:
            row[0], row[1] = when, handle
        if name and when >= row[2]:
            row[2], row[3] = when, name

    def pin(self, account: str, handle: Any, name: Any) -> None:
        self.see(account, handle, name, np.inf)
        self.pinned.add(account)

    def resolve(self, handle: str | None) -> str | None:
        return self.index.resolve(handle, handle=True) if handle else None

    def frame(self) -> pd.DataFrame:
        rows = [
            (k, v[1], v[3], [h for h in self.handles.get(k, []) if h != v[1]])
            for k, v in self.latest.items()
            if v[1] or v[3]
        ]
        frame = pd.DataFrame(rows, columns=["account_id", "handle", "display_name", "aliases"])
        frame["_len"] = frame["account_id"].str.len()
        frame = frame.sort_values(["_len", "account_id"], kind="mergesort")
        return frame.drop(columns="_len").reset_index(drop=True)


@dataclass
class _Pending:
    """A link by handle that waits until every handle of the archive is known."""

    row: int
    handle: str | None
    link: str  # "reply", "repost" or "quote"
    label: str


# --------------------------------------------------------------------------- the reader
class _XReader:
    def __init__(
        self,
        files: ExportFiles,
        *,
        ego: str | int | None,
        keep_text: bool,
        show_progress: bool,
    ) -> None:
        self.files = files
        self.ego_arg = None if ego is None else str(ego)
        self.keep_text = keep_text
        self.show_progress = show_progress
        self.ledger = Ledger()
        self.accounts = _Accounts()
        self.posts = PostRows(keep_text=keep_text)
        self.pending: list[_Pending] = []
        self.mention_handles: list[tuple[str, str, str]] = []  # post, handle, source
        self.followers: list[str] = []
        self.following: list[str] = []
        # Parts of the export it does not hold, with the reason (engagemetrics.coverage).
        self.unknown: dict[str, str] = {}
        # What names the owner: (source, account id) in order of trust, and counted votes.
        self.named: list[tuple[str, str]] = []
        self.votes: dict[str, Counter[str]] = {}
        self.used: set[str] = set()
        self._tweets_label = "tweets.js"  # the first file of tweets read, for the ledger

    # ------------------------------------------------------------------ layout
    def read(self) -> Archive:
        layout = find_layout(self.files)
        self.files.note_into(self.ledger)
        self.used |= layout.read_aside
        for name in layout.duplicates:
            self.used.add(name)
            self.ledger.add(
                posixpath.basename(name),
                "file",
                "the same file again in another part of the download (read once)",
            )
        if layout.kind == "modern":
            self._read_modern(layout)
        else:
            self._read_legacy(layout)
        read = [f.stored for f in layout.files if f.stored] + sorted(layout.read_aside)
        home = posixpath.dirname(self.files.inner_name(read[0])) if read else ""
        self.files.count_unread(
            self.used,
            home,
            self.ledger,
            "file not read (media, the archive's viewer, X's field dictionary, or another "
            "file)",
        )
        self.files.note_into(self.ledger)  # what reading met (text repaired)
        return self._build(layout)

    def _absent(self, f: DataFile, kind: str) -> None:
        """Count a file its index lists but the export does not hold."""
        index = f.index or "the index"
        if f.count is None:
            self.ledger.add(
                f.label, "file", f"listed in {index}, absent from this export (no count given)"
            )
        else:
            self.ledger.add(
                f.label,
                kind,
                f"listed in {index}, absent from this export ({f.count:,} per the "
                f"{'manifest' if index == 'manifest.js' else 'index'})",
                f.count,
            )

    def _present(self, entries: list[DataFile], kind: str) -> list[DataFile]:
        """The files of ``entries`` the export holds; the others counted as absent."""
        out = []
        for f in entries:
            if f.stored is None:
                self._absent(f, kind)
            else:
                self.used.add(f.stored)
                out.append(f)
        return out

    def _read_modern(self, layout: Layout) -> None:
        for f in self._present(layout.of_type("account"), "account"):
            for item in iter_records(self.files, f.stored or "", f.label):
                rec = record_of(item, "account")
                account = id_of(rec.get("accountId")) if rec else None
                if rec is None or account is None:
                    self.ledger.add(f.label, "account", "record without accountId")
                    continue
                self.named.append(("account.js", account))
                self.accounts.pin(account, rec.get("username"), rec.get("accountDisplayName"))
        if layout.manifest is not None:
            self._manifest_owner(layout.manifest)
        for f in self._present(layout.of_type("screenNameChange"), "screen name change"):
            self._read_renames(f)
        for dtype, part in (("follower", "followers"), ("following", "following")):
            listed = layout.of_type(dtype)
            present = self._present(listed, dtype)
            if not listed:
                self.unknown[part] = f"the export has no {dtype}.js: the {part} list is unknown"
                self.ledger.add(
                    f"{dtype}.js",
                    "follow list",
                    f"no {dtype}.js in this export: the {part} list is unknown, not empty",
                    action="flagged",
                )
            elif len(present) < len(listed):
                self.unknown[part] = (
                    f"{dtype}.js is listed in manifest.js but absent from this export: the "
                    f"{part} list is unknown"
                )
            for f in present:
                self._read_follows(dtype, f)
        tweet_files = layout.of_type(*_TWEET_TYPES)
        present = self._present(tweet_files, "tweet")
        if not tweet_files:
            self.unknown["posts"] = "the export has no tweets.js: its post log is unknown"
            self.unknown["interactions_made"] = self.unknown["posts"]
        elif len(present) < len(tweet_files):
            missing = ", ".join(f.label for f in tweet_files if f.stored is None)
            self.unknown["posts"] = (
                f"{missing} listed in manifest.js but absent from this export: the post log "
                "is incomplete"
            )
            self.unknown["interactions_made"] = self.unknown["posts"]
        for f in present:
            self._read_tweets(f, "tweet")
        for f in self._present(layout.of_type("communityTweet"), "community tweet"):
            self._read_tweets(f, "community tweet")
        notes: list[Any] = []
        for f in self._present(layout.of_type("noteTweet"), "note tweet"):
            notes += self._read_notes(f)
        self._match_notes(notes)
        for f in self._present(layout.of_type("tweetHeaders"), "tweet header"):
            self._read_headers(f)
        for f in layout.files:
            if f.dtype not in _READ_TYPES:
                self._count_unused(f)

    def _manifest_owner(self, manifest: dict[str, Any]) -> None:
        user = manifest.get("userInfo") or {}
        account = id_of(user.get("accountId")) if isinstance(user, dict) else None
        if account is not None:
            self.named.append(("manifest.js", account))
            if account not in self.accounts.pinned:
                self.accounts.pin(account, user.get("userName"), user.get("displayName"))

    def _read_renames(self, f: DataFile) -> None:
        for item in iter_records(self.files, f.stored or "", f.label):
            rec = record_of(item, "screenNameChange")
            account = id_of(rec.get("accountId")) if rec else None
            change = rec.get("screenNameChange") if rec else None
            if account is None or not isinstance(change, dict):
                self.ledger.add(f.label, "screen name change", "record without accountId")
                continue
            self.named.append(("screen-name-change.js", account))
            when = x_seconds(change.get("changedAt")) or 0
            # old handles resolve to the ego (a quote URL can carry them) but the
            # accounts table keeps the current one (pinned from account.js)
            self.accounts.see(account, change.get("changedFrom"), None, when - 1)
            self.accounts.see(account, change.get("changedTo"), None, when)

    def _read_headers(self, f: DataFile) -> None:
        """``tweet-headers.js``: one header per own tweet, each naming its author (the owner)."""
        votes = self.votes.setdefault("tweet-headers.js", Counter())
        n = 0
        for item in iter_records(self.files, f.stored or "", f.label):
            n += 1
            rec = record_of(item, "tweet")
            user = id_of(rec.get("user_id")) if rec else None
            if user is not None:
                votes[user] += 1
        self.ledger.add(
            f.label,
            "tweet header",
            "read, not used: the headers of the tweets in tweets.js (their author names the "
            "owner when nothing else does)",
            n,
        )

    def _read_follows(self, dtype: str, f: DataFile) -> None:
        ids = self.followers if dtype == "follower" else self.following
        for item in iter_records(self.files, f.stored or "", f.label):
            rec = record_of(item, dtype)
            account = id_of(rec.get("accountId")) if rec else None
            if account is None and rec is not None:
                m = re.search(r"[?&]user_id=(\d+)", str(rec.get("userLink", "")))
                if m:
                    account = m.group(1)
                    self.ledger.add(
                        f.label, dtype, "accountId missing: id taken from userLink",
                        action="flagged",
                    )
            if account is None:
                self.ledger.add(f.label, dtype, "record without accountId (nor a userLink id)")
                continue
            ids.append(account)

    def _count_unused(self, f: DataFile) -> None:
        record_kind, reason = _SKIPPED_REASONS.get(f.dtype, (f.dtype, _NOT_USED))
        if f.dtype.startswith("directMessage") and f.dtype not in _SKIPPED_REASONS:
            record_kind, reason = f.dtype, _DM_REASON
        if f.stored is None:
            self._absent(f, record_kind)
            return
        self.used.add(f.stored)
        # Counted from the file itself, keeping none of its records.
        count = sum(1 for _ in iter_records(self.files, f.stored, f.label))
        self.ledger.add(f.label, record_kind, reason, count)

    # ------------------------------------------------------------------ tweets
    def _read_tweets(self, f: DataFile, kind: str) -> None:
        if not self.posts.seen:
            self._tweets_label = f.label
        records = progress(
            iter_records(self.files, f.stored or "", f.label),
            total=f.count,
            desc=f.label,
            enabled=self.show_progress,
        )
        for item in records:
            self._take_tweet(record_of(item, "tweet"), f.label, kind)

    def _take_tweet(
        self, tw: dict[str, Any] | None, label: str, kind_name: str, *, text_mentions: bool = False
    ) -> None:
        """One tweet of any layout: classify it, and keep its links and mentions."""
        ledger, accounts, posts = self.ledger, self.accounts, self.posts
        if tw is None:
            ledger.add(label, kind_name, "record is not a JSON object")
            return
        post_id = id_of(tw.get("id_str")) or id_of(tw.get("id"))
        if post_id is None:
            ledger.add(label, kind_name, "tweet without id_str")
            return
        seconds = x_seconds(tw.get("created_at"))
        if seconds is None:
            ledger.add(label, kind_name, "created_at missing or not X's date format")
            return
        if post_id in posts.seen:
            ledger.add(label, kind_name, "duplicate tweet id (kept the first)")
            return
        raw = tw.get("full_text")
        if not isinstance(raw, str):
            text_field = tw.get("text")
            raw = text_field if isinstance(text_field, str) else ""
        found_entities = tw.get("entities")
        entities: dict[str, Any] = found_entities if isinstance(found_entities, dict) else {}
        mentions = [m for m in entities.get("user_mentions") or [] if isinstance(m, dict)]
        for m in mentions:
            accounts.see(
                id_of(m.get("id_str")) or id_of(m.get("id")),
                m.get("screen_name"),
                m.get("name"),
                seconds,
            )
        found_user = tw.get("user")
        user = found_user if isinstance(found_user, dict) else None
        if user is not None:  # archives before 2019 name each tweet's author (the owner)
            author = id_of(user.get("id_str")) or id_of(user.get("id"))
            if author is not None:
                self.votes.setdefault("tweet's user", Counter())[author] += 1
                accounts.see(author, user.get("screen_name"), user.get("name"), seconds)
        reply_user = id_of(tw.get("in_reply_to_user_id_str")) or id_of(
            tw.get("in_reply_to_user_id")
        )
        reply_status = id_of(tw.get("in_reply_to_status_id_str")) or id_of(
            tw.get("in_reply_to_status_id")
        )
        reply_handle = tw.get("in_reply_to_screen_name")
        accounts.see(reply_user, reply_handle, None, seconds)

        pending: tuple[str | None, str] | None = None
        parent_id = parent_author = None
        found_original = tw.get("retweeted_status")
        original = found_original if isinstance(found_original, dict) else None
        if raw.startswith("RT @") or original is not None:
            kind = "repost"
            if original is not None:
                parent_id = id_of(original.get("id_str")) or id_of(original.get("id"))
                found_user = original.get("user")
                ouser: dict[str, Any] = found_user if isinstance(found_user, dict) else {}
                parent_author = id_of(ouser.get("id_str")) or id_of(ouser.get("id"))
                accounts.see(parent_author, ouser.get("screen_name"), ouser.get("name"), seconds)
            first = mentions[0] if mentions else None
            if parent_author is None and first is not None and _index0(first) == 3:
                parent_author = id_of(first.get("id_str")) or id_of(first.get("id"))
            if parent_id is None:
                parent_id = _media_source(tw)
            if parent_author is None:
                rt = _RT_PREFIX.match(raw)
                pending = (rt.group(1) if rt else None, "repost")
        elif reply_user is not None or reply_status is not None:
            kind = "reply"  # "thread" when the parent author is the ego (set in _build)
            parent_id, parent_author = reply_status, reply_user
            if parent_author is None:
                pending = (reply_handle if isinstance(reply_handle, str) else None, "reply")
        else:
            quoted: re.Match[str] | None = None
            for u in entities.get("urls") or []:
                url = u.get("expanded_url") if isinstance(u, dict) else None
                status = _STATUS_URL.match(url) if isinstance(url, str) else None
                if status:
                    quoted = status
            if quoted is not None:
                kind, parent_id = "quote", quoted.group(2)
                pending = (quoted.group(1), "quote")
            else:
                kind = "post"
        text = html.unescape(raw)
        row = posts.add(
            post_id, "", seconds, kind, parent_id=parent_id, parent_author=parent_author, text=text
        )
        if pending is not None:
            self.pending.append(_Pending(row, pending[0], pending[1], label))
        if kind == "repost":
            return  # the RT's mentions are the original author's (docs/definitions.md)
        for m in mentions:
            target = id_of(m.get("id_str")) or id_of(m.get("id"))
            if target is not None:
                posts.mention(post_id, target)
            else:
                self.mention_handles.append((post_id, str(m.get("screen_name") or ""), label))
        if text_mentions:
            for handle in _HANDLE_IN_TEXT.findall(text):
                self.mention_handles.append((post_id, handle, label))

    def _read_notes(self, f: DataFile) -> list[Any]:
        notes = []
        for item in iter_records(self.files, f.stored or "", f.label):
            rec = record_of(item, "noteTweet")
            core = rec.get("core") if rec else None
            text = core.get("text") if isinstance(core, dict) else None
            seconds = x_seconds(rec.get("createdAt")) if rec else None
            if not isinstance(core, dict) or not isinstance(text, str) or seconds is None:
                self.ledger.add(f.label, "note tweet", "note without core.text or createdAt")
                continue
            handles = [
                m.get("screenName") or m.get("screen_name")
                for m in core.get("mentions") or []
                if isinstance(m, dict)
            ]
            notes.append((seconds, text, [h for h in handles if isinstance(h, str)], f.label))
        return notes

    def _match_notes(self, notes: list[Any]) -> None:
        """Give long posts their full text: the tweet of the same second whose text starts alike."""
        if not notes:
            return
        posts = self.posts
        by_second: dict[int, list[int]] = {}
        for row, sec in enumerate(posts.created_at):
            by_second.setdefault(sec, []).append(row)
        taken: set[int] = set()
        for seconds, text, handles, label in notes:
            candidates = [
                r
                for s in (seconds, seconds - 1, seconds + 1)
                for r in by_second.get(s, [])
                if r not in taken
            ]
            if len(candidates) > 1 and self.keep_text:
                start = _start(text)
                candidates = [r for r in candidates if _start(posts.text[r] or "") == start]
            if len(candidates) != 1:
                reason = (
                    "note tweet matched no tweet (none created in the same second with the "
                    "same start)"
                    if not candidates
                    else "note tweet matched several tweets (same second, same start)"
                )
                self.ledger.add(label, "note tweet", reason)
                continue
            row = candidates[0]
            taken.add(row)
            if self.keep_text:
                posts.text[row] = text
            for handle in handles:
                self.mention_handles.append((posts.post_id[row], handle, label))

    # ------------------------------------------------------------------ before 2019
    def _read_legacy(self, layout: Layout) -> None:
        if layout.user_details is not None:
            self._user_details(layout.user_details)
        if layout.kind == "grailbird":
            tweet_files = layout.of_type("tweets")
            present = self._present(tweet_files, "tweet")
            if len(present) < len(tweet_files):
                self.unknown["posts"] = (
                    "monthly tweet files listed in tweet_index.js are absent from this export: "
                    "the post log is incomplete"
                )
                self.unknown["interactions_made"] = self.unknown["posts"]
            for f in present:
                self._read_tweets(f, "tweet")
            if layout.legacy_csv is not None:
                self.used.add(layout.legacy_csv)
                self.ledger.add(
                    posixpath.basename(layout.legacy_csv),
                    "tweet",
                    "the same tweets as data/js/tweets/ (read from there, with mention ids)",
                    self._csv_rows(layout.legacy_csv, count_only=True),
                )
        elif layout.legacy_csv is not None:
            self.used.add(layout.legacy_csv)
            self._csv_rows(layout.legacy_csv, count_only=False)
        self.ledger.add(
            "tweets.csv" if layout.kind == "csv" else "tweet_index.js",
            "follow list",
            "an archive from before 2019 has no follower or following lists: follows is empty",
            action="flagged",
        )
        legacy = "an X archive from before 2019 has no follower or following lists"
        self.unknown["following"] = self.unknown["followers"] = legacy

    def _user_details(self, stored: str) -> None:
        self.used.add(stored)
        label = posixpath.basename(stored)
        details = self.files.read_json(
            stored, expected="the archive owner's details", assignment=True
        )
        account = id_of(details.get("id")) if isinstance(details, dict) else None
        if not isinstance(details, dict) or account is None:
            self.ledger.add(label, "user details", "no numeric id")
            return
        self.named.append(("user_details.js", account))
        self.accounts.pin(account, details.get("screen_name"), details.get("full_name"))

    def _csv_rows(self, stored: str, *, count_only: bool) -> int:
        """Read ``tweets.csv`` (or count its rows), columns mapped by header name."""
        label = posixpath.basename(stored)
        n = 0
        with self.files.open(stored) as raw:
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            try:
                reader = csv.DictReader(handle)
                header = set(reader.fieldnames or [])
                if not LEGACY_COLUMNS <= header:
                    raise CorruptExportError(
                        f"{label} lacks the columns {sorted(LEGACY_COLUMNS - header)} of X's "
                        f"legacy archive; found {sorted(header)}; expected the tweets.csv of a "
                        "pre-2019 archive (tweet_id, in_reply_to_status_id, ..., timestamp, text)"
                    )
                if not count_only:
                    self._tweets_label = label
                for rec in progress(reader, desc=label, enabled=self.show_progress):
                    n += 1
                    if not count_only:
                        self._take_tweet(_csv_tweet(rec), label, "tweet", text_mentions=True)
            except csv.Error as exc:
                raise CorruptExportError(
                    f"{label} is not a readable CSV file ({exc}); download the archive again"
                ) from exc
            except UnicodeDecodeError as exc:
                raise CorruptExportError(f"{label} is not UTF-8 text ({exc.reason})") from exc
        return n

    # ------------------------------------------------------------------ the owner
    def _owner(self) -> str:
        """The owner's id: given, named by a file, or inferred from self-replies."""
        trust = ("account.js", "manifest.js", "user_details.js", "screen-name-change.js")
        self.named.sort(key=lambda pair: trust.index(pair[0]))
        named = self.named[0][1] if self.named else None
        if self.ego_arg is not None:
            if named is not None and named != self.ego_arg:
                source = self.named[0][0]
                message = (
                    f"ego={self.ego_arg} given, but {source} names the account {named}; "
                    f"the tables are built for {self.ego_arg}"
                )
                warnings.warn(message, DataQualityWarning, stacklevel=4)
                self.ledger.add(source, "owner", message, action="flagged")
            return self.ego_arg
        if named is not None:
            source = self.named[0][0]
            if source in ("screen-name-change.js",):
                self.ledger.add(
                    source,
                    "owner",
                    "account.js and manifest.js absent: the owner's id is taken from "
                    "screen-name-change.js",
                    action="flagged",
                )
            return named
        for source, votes in self.votes.items():
            if votes:
                owner, n = votes.most_common(1)[0]
                self.ledger.add(
                    source,
                    "owner",
                    f"account.js and manifest.js absent: the owner's id ({owner}) is taken "
                    f"from {source}",
                    n,
                    action="flagged",
                )
                return owner
        votes = self._self_reply_votes()
        if votes:
            owner, n = votes.most_common(1)[0]
            self.ledger.add(
                self._tweets_label,
                "owner",
                f"account.js and manifest.js absent: the owner's id ({owner}) is inferred from "
                "its self-replies (replies to the archive's own tweets, whose "
                "in_reply_to_user_id is the owner)",
                n,
                action="flagged",
            )
            dissent = sum(votes.values()) - n
            self.ledger.add(
                self._tweets_label,
                "owner",
                "replies to the archive's own tweets addressed to another account than the "
                "inferred owner",
                dissent,
                action="flagged",
            )
            return owner
        raise NoEgoError(
            f"{self.files.path}: nothing in this X archive names its owner (no account.js, "
            "manifest.js, user_details.js, screen-name-change.js or tweet-headers.js) and no "
            "tweet replies to another of its tweets, from which the owner could be inferred. "
            "Pass the owner's numeric account id: em.load(path, ego='<id>') or "
            "read_twitter_archive(path, ego='<id>'); on the command line, --ego <id>"
        )

    def _self_reply_votes(self) -> Counter[str]:
        """``in_reply_to_user_id`` of every reply to one of the archive's own tweets."""
        posts = self.posts
        own = posts.seen
        return Counter(
            author
            for kind, parent, author in zip(
                posts.kind, posts.parent_id, posts.parent_author, strict=True
            )
            if kind == "reply" and parent in own and author is not None
        )

    # ------------------------------------------------------------------ tables
    def _build(self, layout: Layout) -> Archive:
        ego = self._owner()
        posts, accounts, ledger = self.posts, self.accounts, self.ledger
        # Links by handle wait until every handle of the archive is known.
        reasons = {
            "quote": "quote whose quoted author is unknown (the status URL's handle matches "
            "no known id)",
            "repost": "retweet whose original author is unknown (no mention id, handle "
            "unresolved)",
            "reply": "reply whose parent author is unknown (no in_reply_to_user_id)",
        }
        for p in self.pending:
            author = accounts.resolve(p.handle)
            if author is None:
                ledger.add(p.label, p.link, reasons[p.link], action="flagged")
            posts.parent_author[p.row] = author
        for post_id, handle, label in self.mention_handles:
            target = accounts.resolve(handle)
            if target is None:
                ledger.add(label, "mention", "mention by handle only, no account id resolves it")
            else:
                posts.mention(post_id, target)
        posts.kind = [
            "thread" if k == "reply" and a == ego else k
            for k, a in zip(posts.kind, posts.parent_author, strict=True)
        ]
        posts.author = [ego] * len(posts)
        posts.root_id, posts.root_author = self._roots(ego)
        created = pd.to_datetime(np.asarray(posts.created_at, dtype="int64"), unit="s", utc=True)
        frame = posts.frame(pd.Series(created))
        frame["_len"] = frame["post_id"].str.len()
        frame = frame.sort_values(["created_at", "_len", "post_id"], kind="mergesort")
        frame = frame.drop(columns="_len").reset_index(drop=True)
        mentions = posts.mentions()
        follows = pd.DataFrame(
            {
                "source": pd.Series(self.followers + [ego] * len(self.following),
                                    dtype=schema.ID_DTYPE),
                "target": pd.Series([ego] * len(self.followers) + self.following,
                                    dtype=schema.ID_DTYPE),
            }
        )
        follows["followed_at"] = pd.Series(pd.NaT, index=follows.index,
                                           dtype=schema.TIMESTAMP_DTYPE)
        posts.release()
        self.followers.clear()
        self.following.clear()
        return Archive(
            follows=follows,
            posts=frame,
            accounts=accounts.frame(),
            ego=ego,
            platform="twitter",
            exported_at=layout.exported_at,
            ledger=ledger.to_frame(),
            mentions=mentions,
            unknown=self.unknown,
        )

    def _roots(self, ego: str) -> tuple[list[str | None], list[str | None]]:
        """Conversation roots: follow parents inside the archive up to a non-reply post."""
        posts = self.posts
        parent = {
            p: posts.parent_id[i]
            for i, (p, k) in enumerate(zip(posts.post_id, posts.kind, strict=True))
            if k in ("reply", "thread")
        }
        own = posts.seen
        memo: dict[str, str | None] = {}
        root_id: list[str | None] = []
        for p, k in zip(posts.post_id, posts.kind, strict=True):
            if k not in ("reply", "thread"):
                root_id.append(None)
                continue
            chain, cur, found = [], p, None
            while True:
                if cur in memo:
                    found = memo[cur]
                    break
                if cur not in parent:  # an own post that is not a reply: the root
                    found = cur if cur != p else None
                    break
                nxt = parent[cur]
                chain.append(cur)
                if nxt is None or nxt not in own or nxt in chain:
                    found = None  # mention-only, parent outside the archive, or a cycle
                    break
                cur = nxt
            for c in chain:
                memo[c] = found
            root_id.append(found)
        return root_id, [None if r is None else ego for r in root_id]


def _csv_tweet(rec: dict[str, Any]) -> dict[str, Any]:
    """A row of ``tweets.csv`` in the shape of a tweet object (one classifier for both)."""

    def cell(name: str) -> str:
        value = rec.get(name)
        return value.strip() if isinstance(value, str) else ""

    tweet: dict[str, Any] = {
        "id_str": cell("tweet_id"),
        "created_at": cell("timestamp"),
        "full_text": rec.get("text") or "",
        "in_reply_to_status_id_str": cell("in_reply_to_status_id") or None,
        "in_reply_to_user_id_str": cell("in_reply_to_user_id") or None,
        "entities": {
            "urls": [{"expanded_url": u.strip()} for u in cell("expanded_urls").split(",")],
        },
    }
    if id_of(cell("retweeted_status_id")):
        tweet["retweeted_status"] = {
            "id_str": cell("retweeted_status_id"),
            "user": {"id_str": cell("retweeted_status_user_id")},
        }
    return tweet


def _index0(mention: dict[str, Any]) -> int | None:
    indices = mention.get("indices")
    if isinstance(indices, list) and indices:
        try:
            return int(indices[0])
        except (TypeError, ValueError):
            return None
    return None


def _media_source(tweet: dict[str, Any]) -> str | None:
    for holder in (tweet.get("entities"), tweet.get("extended_entities")):
        media = holder.get("media") if isinstance(holder, dict) else None
        for item in media or []:
            if isinstance(item, dict):
                source = id_of(item.get("source_status_id_str")) or id_of(
                    item.get("source_status_id")
                )
                if source is not None:
                    return source
    return None


def _start(text: str, size: int = 40) -> str:
    """The first characters of a text with spaces collapsed and HTML entities unescaped."""
    return " ".join(html.unescape(text).split())[:size]
