"""Reader for X/Twitter account archives (the ``twitter-*.zip`` download, 2019 onwards and legacy).

The archive's ``.js`` files are JavaScript assignments (``window.YTD.tweets.part0 = [...]``).
They are parsed as data, never executed: the text after the first ``=`` is a JSON array,
decoded here one record at a time so that a 1 GB ``tweets.js`` is never held as a whole.
See ``../shared/FORMATS.md`` section 1 for the formats and ``METRICS.md`` section 1 for the
tables. The legacy pre-2019 archive (``tweets.csv``) is read as well.
"""

from __future__ import annotations

import calendar
import csv
import html
import io
import json
import logging
import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..archive import Archive
from ..exceptions import CorruptExportError, InvalidArgumentError, NoEgoError
from ..ledger import Ledger
from ._container import ExportFiles, progress
from ._jsonstream import JSONStream

__all__ = ["can_read", "read_twitter_archive"]

logger = logging.getLogger("engagemetrics")

_YTD_EXPECTED = (
    "Expected 'window.YTD.<type>.part<N> = [ ... ]' with a JSON array after the '='; "
    "download the archive again, or remove the damaged file to read the rest"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
# "Fri Mar 06 13:02:05 +0000 2026": X's fixed English format, parsed here without the
# locale (datetime.strptime's %a/%b follow the process locale).
_X_TIME = re.compile(
    r"^\s*([A-Z][a-z]{2}) ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2}) (\d{4})\s*$"
)
# "2016-02-19 22:21:05 +0000" (legacy tweets.csv) and ISO 8601 ("2025-09-06T13:02:20.496Z").
_ISO_TIME = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(?:(Z|UTC|GMT)|([+-])(\d{2}):?(\d{2}))?\s*$"
)
_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d+)",
    re.IGNORECASE,
)
_RT_PREFIX = re.compile(r"^RT @([A-Za-z0-9_]{1,15})")
_HANDLE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})")
_PART = re.compile(r"-part\d+$")
_ZIP_DATE = re.compile(r"twitter-(\d{4}-\d{2}-\d{2})-[0-9a-f]+", re.IGNORECASE)

# Data types read into tables; the manifest key and the base name of the first file.
_TWEET_TYPES = ("tweets", "tweet")
_READ_TYPES = {
    "tweets",
    "tweet",
    "follower",
    "following",
    "account",
    "screenNameChange",
    "noteTweet",
    "communityTweet",
}
_DM_REASON = "direct messages are private: not read by engagemetrics (their text is never shown)"
# Types counted with their own reason (everything else: "not used by engagemetrics").
_SKIPPED_REASONS = {
    "like": (
        "like",
        "like.js has no liked-author id and no timestamp: a like cannot become an interaction",
    ),
    "deletedTweets": (
        "deleted tweet",
        "deleted by the owner before the export (X keeps them ~14 days): not the account's posts",
    ),
    "directMessages": ("direct message conversation", _DM_REASON),
    "directMessagesGroup": ("group direct message conversation", _DM_REASON),
    "directMessageHeaders": ("direct message header", _DM_REASON),
    "directMessageGroupHeaders": ("group direct message header", _DM_REASON),
    "block": ("block", "block list: not a canonical table (blocking is not following)"),
    "mute": ("mute", "mute list: not a canonical table (muting is not unfollowing)"),
}
_NOT_USED = "not used by engagemetrics"

_LEGACY_COLUMNS = {"tweet_id", "timestamp", "text"}


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
        ``account.js`` holding ``window.YTD``; or a legacy ``tweets.csv`` with its
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
    for name in files.find("manifest.js"):
        if "__THAR_CONFIG" in _head(files, name):
            return None
    for pattern in ("tweets.js", "tweet.js", "tweets-part*.js", "tweet-part*.js", "account.js"):
        for name in files.find(pattern):
            if "window.YTD" in _head(files, name):
                return None
    for name in files.find("tweets.csv"):
        if _LEGACY_COLUMNS <= set(_csv_header(_head(files, name))):
            return None
    return "no manifest.js, tweets.js or tweets.csv"


def read_twitter_archive(
    path: str | os.PathLike[str] | ExportFiles,
    *,
    ego: str | int | None = None,
    text: bool = True,
    show_progress: bool | None = None,
) -> Archive:
    """Read an X/Twitter account archive into an :class:`engagemetrics.Archive`.

    Parameters
    ----------
    path : str, path or ExportFiles
        The zip X sends (``twitter-YYYY-MM-DD-<hex>.zip``), the folder it unpacks to,
        its ``data/`` folder, or a legacy (pre-2019) archive holding ``tweets.csv``.
    ego : str or int, optional
        The owner's numeric account id. Read from ``account.js`` (else ``manifest.js``)
        when omitted; needed only for a legacy archive without ``user_details.js`` in
        which the owner cannot be inferred (see Notes).
    text : bool, default True
        Keep the post text (HTML entities unescaped) in a ``text`` column of ``posts``.
    show_progress : bool, optional
        Show a progress bar while reading tweets (default: only on a terminal).

    Returns
    -------
    engagemetrics.Archive
        ``platform="twitter"``, ``ego`` the owner's id, ``exported_at`` the manifest's
        ``generationDate``; ``follows`` (followers -> ego, ego -> followings),
        ``posts``, ``interactions`` (derived from posts and mentions), ``accounts``
        (ids with the handles and names the archive reveals) and ``ledger`` (every
        record not taken, or taken under a convention, with its reason).

    Raises
    ------
    CorruptExportError
        A data file is damaged (not JSON after its ``window.YTD... =`` prefix, not
        UTF-8, a CSV without the legacy header), naming the file and the position.
    UnsafeArchiveError
        The zip has a member with an absolute or ``..`` path, or expands too much.
    NoEgoError
        A legacy archive whose owner cannot be determined and no ``ego=`` given.
    FileNotFoundError
        ``path`` does not exist.

    Notes
    -----
    Conventions (``METRICS.md`` section 1, ``FORMATS.md`` section 1):

    * Every tweet's author is the ego. ``kind``: a text starting with ``"RT @"`` is a
      ``repost`` (original author = the first user mention when its indices start at
      3, else the handle after ``RT @`` where it resolves to an id; original id from
      ``entities.media[].source_status_id_str`` when present); a tweet with
      ``in_reply_to_user_id`` is a ``reply`` (``thread`` when that user is the ego),
      also without ``in_reply_to_status_id`` (a mention-only tweet addressed to that
      user); a non-reply with a status URL (``https://(twitter|x).com/<user>/status/<id>``)
      in ``entities.urls[].expanded_url`` is a ``quote`` of the last such URL (this also
      catches tweets that only link to a tweet; X writes no quote field); else ``post``.
    * ``root_id``/``root_author`` are set for a reply whose chain of parents can be
      followed inside the archive up to a post that is not a reply.
    * Handles resolve to ids through the archive itself: user mentions, reply targets,
      ``account.js``, ``manifest.js`` and ``screen-name-change.js`` (the ego's old
      handles). A handle seen for two ids resolves to none. A quote or repost whose
      original author stays unknown is kept and flagged in the ledger.
    * ``accounts`` keeps, per id, the handle and name of the latest tweet that shows
      them (the ego: ``account.js``).
    * Long posts (``note-tweet.js``) replace the truncated text of the tweet created in
      the same second whose text starts the same; unmatched notes are counted.
      Posts in ``community-tweet.js`` are posts like those of ``tweets.js``.
    * Likes, deleted tweets, direct messages, blocks, mutes and every other data type
      are counted in the ledger (counts from the manifest when it lists the file), and
      direct messages are never read beyond counting.
    * ``visibility`` is missing: the archive does not say whether the account was
      protected when it posted.
    * Legacy ``tweets.csv`` (before 2019): columns are mapped by header name; retweets
      are explicit; mentions carry no ids (counted); there are no follow lists
      (``follows`` is empty, and the ledger says so). The ego comes from ``ego=``, else
      ``data/js/user_details.js``, else the ``in_reply_to_user_id`` of replies to the
      archive's own tweets (the owner answering themself), else ``NoEgoError``.

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
    """
    if ego is not None and not isinstance(ego, (str, int)):
        raise InvalidArgumentError(
            f"ego must be a numeric X account id (str or int), got {type(ego).__name__}"
        )
    own = not isinstance(path, ExportFiles)
    files = ExportFiles(path) if own else path  # type: ignore[arg-type]
    try:
        reader = _ArchiveReader(files, ego=ego, keep_text=text, show_progress=show_progress)
        return reader.read()
    finally:
        if own:
            files.close()


# --------------------------------------------------------------------------- parsing helpers
def _head(files: ExportFiles, name: str, size: int = 4096) -> str:
    with files.open(name) as fh:
        return fh.read(size).decode("utf-8-sig", errors="replace")


def _csv_header(head: str) -> list[str]:
    first = head.splitlines()[0] if head else ""
    try:
        return [c.strip() for c in next(csv.reader([first]))]
    except StopIteration:
        return []


def _iter_records(files: ExportFiles, stored: str, label: str) -> Iterator[Any]:
    """Yield the records of one ``.js`` data file, decoding it incrementally."""
    with files.open(stored) as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig")
        try:
            yield from JSONStream(handle, label, expected=_YTD_EXPECTED).items()
        except UnicodeDecodeError as exc:
            raise CorruptExportError(
                f"{label} is not UTF-8 text ({exc.reason}); download the archive again"
            ) from exc


def _parse_js_object(files: ExportFiles, stored: str, label: str) -> Any:
    """Parse a small ``name = {...}`` file (``manifest.js``, ``user_details.js``) whole."""
    text = files.read_text(stored)
    body = text.split("=", 1)[1] if "=" in text.split("{", 1)[0] else text
    body = body.strip().rstrip(";").strip()
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise CorruptExportError(
            f"{label} is damaged: not JSON after its '=' prefix ({exc.msg} at line "
            f"{exc.lineno} column {exc.colno}); download the archive again"
        ) from None


def _id(value: Any) -> str | None:
    """An id as text; ints are exact (JSON ints are Python ints), floats are refused."""
    if isinstance(value, str):
        value = value.strip()
        return value if value.isdigit() else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return None


def _x_seconds(value: Any) -> int | None:
    """Unix seconds of ``"Fri Mar 06 13:02:05 +0000 2026"`` (or ISO 8601), else None."""
    if not isinstance(value, str):
        return None
    m = _X_TIME.match(value)
    if m:
        day, mon, dd, hh, mi, ss, sign, oh, om, yyyy = m.groups()
        month = _MONTHS.get(mon)
        if month is None or day not in _DAYS:
            return None
        fields = (int(yyyy), month, int(dd), int(hh), int(mi), int(ss))
        offset = (int(oh) * 3600 + int(om) * 60) * (1 if sign == "+" else -1)
    else:
        m = _ISO_TIME.match(value)
        if not m:
            return None
        yyyy, mo, dd, hh, mi, ss, _z, sign, oh, om = m.groups()
        fields = (int(yyyy), int(mo), int(dd), int(hh), int(mi), int(ss))
        offset = 0 if sign is None else (int(oh) * 3600 + int(om) * 60) * (1 if sign == "+" else -1)
    if not (1 <= fields[1] <= 12 and 1 <= fields[2] <= 31 and fields[3] < 24 and fields[4] < 60):
        return None
    if fields[5] > 60:
        return None
    return calendar.timegm((*fields, 0, 0, 0)) - offset


def _record(item: Any, key: str) -> dict[str, Any] | None:
    """The payload of ``{"<key>": {...}}``, or the bare object (older archives)."""
    if not isinstance(item, dict):
        return None
    inner = item.get(key, item)
    return inner if isinstance(inner, dict) else None


def _type_of(basename: str) -> str:
    """Data type of a file name: ``deleted-tweets-part1.js`` -> ``deletedTweets``."""
    stem = _PART.sub("", basename.rsplit(".", 1)[0])
    head, *rest = stem.split("-")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


# --------------------------------------------------------------------------- collectors
@dataclass
class _Accounts:
    """Handles and names seen per account id (latest wins), and handle -> ids."""

    latest: dict[str, list[Any]] = field(default_factory=dict)  # id -> [t, handle, t, name]
    by_handle: dict[str, set[str]] = field(default_factory=dict)
    pinned: set[str] = field(default_factory=set)  # ids whose handle/name is authoritative

    def see(self, account: str | None, handle: Any, name: Any, when: float) -> None:
        if account is None:
            return
        handle = handle.strip().lstrip("@") if isinstance(handle, str) else None
        name = name if isinstance(name, str) and name.strip() else None
        if handle:
            self.by_handle.setdefault(handle.lower(), set()).add(account)
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
        if not handle:
            return None
        ids = self.by_handle.get(handle.lower())
        return next(iter(ids)) if ids is not None and len(ids) == 1 else None

    def frame(self) -> pd.DataFrame:
        rows = [(k, v[1], v[3]) for k, v in self.latest.items() if v[1] or v[3]]
        return pd.DataFrame(rows, columns=["account_id", "handle", "display_name"], dtype=object)


@dataclass
class _Posts:
    """Column lists of the posts read so far (raw records are dropped as they come)."""

    post_id: list[str] = field(default_factory=list)
    seconds: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    parent_id: list[str | None] = field(default_factory=list)
    parent_author: list[str | None] = field(default_factory=list)
    text: list[str | None] = field(default_factory=list)
    # (row, handle, kind of link) waiting for the handle -> id map of the whole archive
    pending: list[tuple[int, str | None, str, str]] = field(default_factory=list)
    mention_post: list[str] = field(default_factory=list)
    mention_target: list[str] = field(default_factory=list)
    mention_handles: list[tuple[str, str, str]] = field(default_factory=list)  # post, handle, src
    seen: set[str] = field(default_factory=set)

    def add(
        self,
        post_id: str,
        seconds: int,
        kind: str,
        parent_id: str | None,
        parent_author: str | None,
        text: str | None,
    ) -> int:
        self.post_id.append(post_id)
        self.seconds.append(seconds)
        self.kind.append(kind)
        self.parent_id.append(parent_id)
        self.parent_author.append(parent_author)
        self.text.append(text)
        self.seen.add(post_id)
        return len(self.post_id) - 1

    def release(self) -> None:
        """Drop every list once the tables are built, before Archive() validates them.

        The Python objects weigh about as much as the whole tweets.js; holding them
        while the Archive coerces its tables was half of the import's peak memory.
        """
        for values in (self.post_id, self.seconds, self.kind, self.parent_id,
                       self.parent_author, self.text, self.pending, self.mention_post,
                       self.mention_target, self.mention_handles):
            values.clear()
        self.seen.clear()


# --------------------------------------------------------------------------- the reader
class _ArchiveReader:
    def __init__(
        self,
        files: ExportFiles,
        *,
        ego: str | int | None,
        keep_text: bool,
        show_progress: bool | None,
    ) -> None:
        self.files = files
        self.ego_arg = None if ego is None else str(ego)
        self.ego: str | None = None
        self.keep_text = keep_text
        self.show_progress = show_progress
        self.ledger = Ledger()
        self.accounts = _Accounts()
        self.posts = _Posts()
        self.follows_source: list[str] = []
        self.follows_target: list[str] = []
        self.exported_at: pd.Timestamp | None = None
        # Parts of the export it does not hold, with the reason (engagemetrics.coverage).
        self.unknown: dict[str, str] = {}
        self.manifest: dict[str, Any] | None = None
        self.manifest_dir = ""
        self.names = set(files.names())

    # ------------------------------------------------------------------ layout
    def read(self) -> Archive:
        manifests = [
            n for n in self.files.find("manifest.js") if "__THAR_CONFIG" in _head(self.files, n)
        ]
        if manifests:
            stored = min(manifests, key=len)
            self.manifest_dir = posixpath.dirname(stored)
            manifest = _parse_js_object(self.files, stored, "manifest.js")
            if not isinstance(manifest, dict):
                raise CorruptExportError(
                    "manifest.js is damaged: expected an object after 'window.__THAR_CONFIG =', "
                    f"found {type(manifest).__name__}; download the archive again"
                )
            self.manifest = manifest
            return self._read_modern(self._manifest_files())
        listing = self._globbed_files()
        if listing:
            return self._read_modern(listing)
        legacy = self.files.find("tweets.csv")
        if legacy:
            return self._read_legacy(min(legacy, key=len))
        raise CorruptExportError(
            f"{self.files.path} holds no manifest.js, tweets.js, tweet.js or tweets.csv; "
            "expected the zip X sends (twitter-YYYY-MM-DD-<hex>.zip), its folder, or its data/ folder"
        )

    def _locate(self, file_name: str) -> str | None:
        base = posixpath.basename(file_name)
        local = posixpath.join(self.manifest_dir, base) if self.manifest_dir else base
        if local in self.names:
            return local
        try:
            return self.files.resolve(file_name)
        except KeyError:
            return None

    def _manifest_files(self) -> list[tuple[str, str, str | None, int | None]]:
        """(type, label, stored name or None, manifest count) for every listed file."""
        assert self.manifest is not None
        out = []
        types = self.manifest.get("dataTypes")
        if not isinstance(types, dict):
            logger.warning("manifest.js has no 'dataTypes' index: reading the data files found")
            return self._globbed_files()
        for dtype, spec in types.items():
            for entry in (spec or {}).get("files", []) if isinstance(spec, dict) else []:
                if not isinstance(entry, dict) or not isinstance(entry.get("fileName"), str):
                    continue
                name = entry["fileName"]
                try:
                    count = int(entry.get("count"))
                except (TypeError, ValueError):
                    count = None
                out.append((dtype, posixpath.basename(name), self._locate(name), count))
        return out

    def _globbed_files(self) -> list[tuple[str, str, str | None, int | None]]:
        """Without a manifest: the ``.js`` files beside tweets.js / account.js."""
        anchors = []
        for pattern in ("tweets.js", "tweet.js", "tweets-part*.js", "tweet-part*.js", "account.js"):
            anchors += [n for n in self.files.find(pattern) if "window.YTD" in _head(self.files, n)]
        if not anchors:
            return []
        folder = posixpath.dirname(min(anchors, key=len))
        logger.info("X archive without manifest.js: reading the data files in %r", folder or ".")
        out = []
        for name in self.files.names():
            if posixpath.dirname(name) == folder and name.endswith(".js"):
                base = posixpath.basename(name)
                if base != "manifest.js":
                    out.append((_type_of(base), base, name, None))
        return out

    # ------------------------------------------------------------------ modern archive
    def _read_modern(self, listing: list[tuple[str, str, str | None, int | None]]) -> Archive:
        by_type: dict[str, list[tuple[str, str | None, int | None]]] = {}
        for dtype, label, stored, count in listing:
            by_type.setdefault(dtype, []).append((label, stored, count))
        if self.manifest is not None:
            info = self.manifest.get("archiveInfo") or {}
            generated = info.get("generationDate") if isinstance(info, dict) else None
            if isinstance(generated, str) and _ISO_TIME.match(generated):
                stamp = pd.Timestamp(generated)  # ISO 8601: no locale involved
                stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
                self.exported_at = stamp.tz_convert("UTC")
            elif generated is not None:
                logger.warning("manifest.js: generationDate %r is not ISO 8601", generated)
        else:
            m = _ZIP_DATE.search(self.files.path.name)
            if m:  # the zip's name is the only date left
                self.exported_at = pd.Timestamp(m.group(1), tz="UTC")

        self._read_ego(by_type)
        if not any(dtype in by_type for dtype in _TWEET_TYPES):
            self.unknown["posts"] = "the export has no tweets.js: its post log is unknown"
            self.unknown["interactions_made"] = self.unknown["posts"]
        for dtype in ("follower", "following"):
            if dtype not in by_type:
                part = {"follower": "followers", "following": "following"}[dtype]
                self.unknown[part] = (
                    f"the export has no {dtype}.js: the {dtype} list is unknown"
                )
                self.ledger.add(
                    f"{dtype}.js",
                    "follow list",
                    f"no {dtype}.js in this export: the {dtype} list is unknown, not empty",
                    action="flagged",
                )
            for label, stored, count in by_type.get(dtype, []):
                self._read_follows(dtype, label, stored, count)
        for dtype in _TWEET_TYPES:
            for label, stored, count in self._parts(by_type.get(dtype, [])):
                self._read_tweets(label, stored, count, "tweet")
        for label, stored, count in self._parts(by_type.get("communityTweet", [])):
            self._read_tweets(label, stored, count, "community tweet")
        notes = []
        for label, stored, count in self._parts(by_type.get("noteTweet", [])):
            notes += self._read_notes(label, stored, count)
        self._match_notes(notes)
        for dtype, entries in by_type.items():
            if dtype not in _READ_TYPES:
                for label, stored, count in entries:
                    self._count_skipped(dtype, label, stored, count)
        return self._build()

    @staticmethod
    def _parts(entries: list[tuple[str, str | None, int | None]]) -> list[Any]:
        def part(e: tuple[str, str | None, int | None]) -> int:
            m = re.search(r"-part(\d+)\.js$", e[0])
            return int(m.group(1)) if m else 0

        return sorted(entries, key=part)

    def _missing(self, label: str, kind: str, count: int | None) -> None:
        self.ledger.add(
            label,
            kind,
            "listed in manifest.js but absent from the export (manifest count)",
            count or 0,
        )

    def _read_ego(self, by_type: dict[str, list[tuple[str, str | None, int | None]]]) -> None:
        found: str | None = None
        for label, stored, count in by_type.get("account", []):
            if stored is None:
                self._missing(label, "account", count)
                continue
            for item in _iter_records(self.files, stored, label):
                rec = _record(item, "account")
                account = _id(rec.get("accountId")) if rec else None
                if account is None:
                    self.ledger.add(label, "account", "record without accountId")
                    continue
                found = found or account
                self.accounts.pin(account, rec.get("username"), rec.get("accountDisplayName"))
        if self.manifest is not None:
            user = self.manifest.get("userInfo") or {}
            account = _id(user.get("accountId")) if isinstance(user, dict) else None
            if account is not None:
                found = found or account
                self.accounts.see(account, user.get("userName"), user.get("displayName"), 0)
                if account not in self.accounts.pinned:
                    self.accounts.pin(account, user.get("userName"), user.get("displayName"))
        if self.ego_arg is not None:
            if found is not None and found != self.ego_arg:
                logger.warning(
                    "ego=%s given; the archive's account.js says %s", self.ego_arg, found
                )
            found = self.ego_arg
        if found is None:
            raise NoEgoError(
                f"{self.files.path}: neither account.js nor manifest.js names the account's "
                "owner; pass ego='<numeric account id>' to read_twitter_archive"
            )
        self.ego = found
        for label, stored, count in by_type.get("screenNameChange", []):
            if stored is None:
                self._missing(label, "screen name change", count)
                continue
            for item in _iter_records(self.files, stored, label):
                rec = _record(item, "screenNameChange")
                account = _id(rec.get("accountId")) if rec else None
                change = rec.get("screenNameChange") if rec else None
                if account is None or not isinstance(change, dict):
                    self.ledger.add(label, "screen name change", "record without accountId")
                    continue
                when = _x_seconds(change.get("changedAt")) or 0
                # old handles resolve to the ego (a quote URL can carry them) but the
                # accounts table keeps the current one (pinned from account.js)
                self.accounts.see(account, change.get("changedFrom"), None, when - 1)
                self.accounts.see(account, change.get("changedTo"), None, when)

    def _read_follows(self, dtype: str, label: str, stored: str | None, count: int | None) -> None:
        if stored is None:
            self._missing(label, dtype, count)
            return
        assert self.ego is not None
        for item in _iter_records(self.files, stored, label):
            rec = _record(item, dtype)
            account = _id(rec.get("accountId")) if rec else None
            if account is None and rec is not None:
                m = re.search(r"[?&]user_id=(\d+)", str(rec.get("userLink", "")))
                if m:
                    account = m.group(1)
                    self.ledger.add(
                        label, dtype, "accountId missing: id taken from userLink", action="flagged"
                    )
            if account is None:
                self.ledger.add(label, dtype, "record without accountId (nor a userLink id)")
                continue
            if dtype == "follower":
                self.follows_source.append(account)
                self.follows_target.append(self.ego)
            else:
                self.follows_source.append(self.ego)
                self.follows_target.append(account)

    # ------------------------------------------------------------------ tweets
    def _read_tweets(self, label: str, stored: str | None, count: int | None, kind: str) -> None:
        if stored is None:
            self._missing(label, kind, count)
            return
        records = progress(
            _iter_records(self.files, stored, label),
            total=count,
            desc=label,
            enabled=self.show_progress,
        )
        for item in records:
            self._take_tweet(_record(item, "tweet"), label, kind)

    def _take_tweet(self, tw: dict[str, Any] | None, label: str, kind_name: str) -> None:
        ledger, accounts, posts = self.ledger, self.accounts, self.posts
        if tw is None:
            ledger.add(label, kind_name, "record is not a JSON object")
            return
        post_id = _id(tw.get("id_str")) or _id(tw.get("id"))
        if post_id is None:
            ledger.add(label, kind_name, "tweet without id_str")
            return
        seconds = _x_seconds(tw.get("created_at"))
        if seconds is None:
            ledger.add(label, kind_name, "created_at missing or not X's date format")
            return
        if post_id in posts.seen:
            ledger.add(label, kind_name, "duplicate tweet id (kept the first)")
            return
        raw = tw.get("full_text")
        if not isinstance(raw, str):
            raw = tw.get("text") if isinstance(tw.get("text"), str) else ""
        entities = tw.get("entities") if isinstance(tw.get("entities"), dict) else {}
        mentions = [m for m in entities.get("user_mentions") or [] if isinstance(m, dict)]
        for m in mentions:
            accounts.see(
                _id(m.get("id_str")) or _id(m.get("id")),
                m.get("screen_name"),
                m.get("name"),
                seconds,
            )
        reply_user = _id(tw.get("in_reply_to_user_id_str")) or _id(tw.get("in_reply_to_user_id"))
        reply_status = _id(tw.get("in_reply_to_status_id_str")) or _id(
            tw.get("in_reply_to_status_id")
        )
        reply_handle = tw.get("in_reply_to_screen_name")
        accounts.see(reply_user, reply_handle, None, seconds)

        pending: tuple[str | None, str] | None = None
        parent_id = parent_author = None
        original = (
            tw.get("retweeted_status") if isinstance(tw.get("retweeted_status"), dict) else None
        )
        if raw.startswith("RT @") or original is not None:
            kind = "repost"
            if original is not None:
                parent_id = _id(original.get("id_str")) or _id(original.get("id"))
                user = original.get("user") if isinstance(original.get("user"), dict) else {}
                parent_author = _id(user.get("id_str")) or _id(user.get("id"))
            first = mentions[0] if mentions else None
            if parent_author is None and first is not None and _index0(first) == 3:
                parent_author = _id(first.get("id_str")) or _id(first.get("id"))
            if parent_id is None:
                parent_id = _media_source(tw)
            if parent_author is None:
                m = _RT_PREFIX.match(raw)
                pending = (m.group(1) if m else None, "repost")
        elif reply_user is not None or reply_status is not None:
            kind = "reply"  # "thread" when the parent author is the ego (set in _build)
            parent_id, parent_author = reply_status, reply_user
            if parent_author is None:
                pending = (reply_handle if isinstance(reply_handle, str) else None, "reply")
        else:
            quoted = None
            for u in entities.get("urls") or []:
                m = (
                    _STATUS_URL.match(str(u.get("expanded_url", "")))
                    if isinstance(u, dict)
                    else None
                )
                if m:
                    quoted = m
            if quoted is not None:
                kind, parent_id = "quote", quoted.group(2)
                pending = (quoted.group(1), "quote")
            else:
                kind = "post"
        text = html.unescape(raw) if self.keep_text else None
        row = posts.add(post_id, seconds, kind, parent_id, parent_author, text)
        if pending is not None:
            posts.pending.append((row, pending[0], pending[1], label))
        if kind == "repost":
            return  # the RT's mentions are the original author's (METRICS.md)
        for m in mentions:
            target = _id(m.get("id_str")) or _id(m.get("id"))
            if target is not None:
                posts.mention_post.append(post_id)
                posts.mention_target.append(target)
            else:
                posts.mention_handles.append((post_id, str(m.get("screen_name") or ""), label))

    def _read_notes(self, label: str, stored: str | None, count: int | None) -> list[Any]:
        if stored is None:
            self._missing(label, "note tweet", count)
            return []
        notes = []
        for item in _iter_records(self.files, stored, label):
            rec = _record(item, "noteTweet")
            core = rec.get("core") if rec else None
            text = core.get("text") if isinstance(core, dict) else None
            seconds = _x_seconds(rec.get("createdAt")) if rec else None
            if not isinstance(text, str) or seconds is None:
                self.ledger.add(label, "note tweet", "note without core.text or createdAt")
                continue
            handles = [
                m.get("screenName") or m.get("screen_name")
                for m in core.get("mentions") or []
                if isinstance(m, dict)
            ]
            notes.append((seconds, text, [h for h in handles if isinstance(h, str)], label))
        return notes

    def _match_notes(self, notes: list[Any]) -> None:
        """Give long posts their full text: the tweet of the same second whose text starts alike."""
        if not notes:
            return
        posts = self.posts
        by_second: dict[int, list[int]] = {}
        for row, sec in enumerate(posts.seconds):
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
                    "note tweet matched no tweet (none created in the same second with the same start)"
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
                posts.mention_handles.append((posts.post_id[row], handle, label))

    def _count_skipped(self, dtype: str, label: str, stored: str | None, count: int | None) -> None:
        record_kind, reason = _SKIPPED_REASONS.get(dtype, (dtype, _NOT_USED))
        if dtype.startswith("directMessage") and dtype not in _SKIPPED_REASONS:
            record_kind, reason = dtype, _DM_REASON
        if count is None:
            if stored is None:
                return
            # No manifest count: count the records, keeping none of them.
            count = sum(1 for _ in _iter_records(self.files, stored, label))
        self.ledger.add(label, record_kind, reason, count)

    # ------------------------------------------------------------------ legacy archive
    def _read_legacy(self, stored: str) -> Archive:
        label = posixpath.basename(stored)
        details = self._legacy_details()
        rows: list[dict[str, str]] = []
        with self.files.open(stored) as raw:
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            try:
                reader = csv.DictReader(handle)
                header = set(reader.fieldnames or [])
                if not _LEGACY_COLUMNS <= header:
                    raise CorruptExportError(
                        f"{label} lacks the columns {sorted(_LEGACY_COLUMNS - header)} of X's "
                        f"legacy archive; found {sorted(header)}; expected the tweets.csv of a "
                        "pre-2019 archive (tweet_id, in_reply_to_status_id, ..., timestamp, text)"
                    )
                keep = (
                    "tweet_id",
                    "in_reply_to_status_id",
                    "in_reply_to_user_id",
                    "timestamp",
                    "text",
                    "retweeted_status_id",
                    "retweeted_status_user_id",
                    "expanded_urls",
                )
                for rec in progress(reader, desc=label, enabled=self.show_progress):
                    rows.append(
                        {
                            k: (rec.get(k) or "").strip() if k != "text" else rec.get(k) or ""
                            for k in keep
                        }
                    )
            except csv.Error as exc:
                raise CorruptExportError(
                    f"{label} is not a readable CSV file ({exc}); download the archive again"
                ) from exc
            except UnicodeDecodeError as exc:
                raise CorruptExportError(f"{label} is not UTF-8 text ({exc.reason})") from exc
        own_ids = {r["tweet_id"] for r in rows}
        ego = self.ego_arg or (details[0] if details else None)
        if ego is None:
            # Replies to the archive's own tweets were written by the owner to the owner.
            votes = Counter(
                r["in_reply_to_user_id"]
                for r in rows
                if r["in_reply_to_status_id"] in own_ids and _id(r["in_reply_to_user_id"])
            )
            if votes:
                ego = votes.most_common(1)[0][0]
                logger.info("legacy X archive: owner %s inferred from self-replies", ego)
        if ego is None:
            raise NoEgoError(
                f"{self.files.path}: a legacy X archive (tweets.csv) without data/js/user_details.js "
                "and without replies to its own tweets: the owner's id cannot be determined; pass "
                "ego='<numeric account id>' to read_twitter_archive"
            )
        self.ego = ego
        if details:
            self.accounts.pin(details[0], details[1], details[2])
        posts = self.posts
        for r in rows:
            post_id = _id(r["tweet_id"])
            if post_id is None:
                self.ledger.add(label, "tweet", "tweet without tweet_id")
                continue
            seconds = _x_seconds(r["timestamp"])
            if seconds is None:
                self.ledger.add(label, "tweet", "timestamp missing or not a date")
                continue
            if post_id in posts.seen:
                self.ledger.add(label, "tweet", "duplicate tweet id (kept the first)")
                continue
            raw = r["text"]
            pending = None
            parent_id = parent_author = None
            if _id(r["retweeted_status_id"]) or raw.startswith("RT @"):
                kind = "repost"
                parent_id = _id(r["retweeted_status_id"])
                parent_author = _id(r["retweeted_status_user_id"])
                if parent_author is None:
                    m = _RT_PREFIX.match(raw)
                    pending = (m.group(1) if m else None, "repost")
            elif _id(r["in_reply_to_user_id"]) or _id(r["in_reply_to_status_id"]):
                kind = "reply"
                parent_id = _id(r["in_reply_to_status_id"])
                parent_author = _id(r["in_reply_to_user_id"])
                if parent_author is None:  # flagged once the handles are known
                    pending = (None, "reply")
            else:
                quoted = None
                for url in r["expanded_urls"].split(","):
                    m = _STATUS_URL.match(url.strip())
                    if m:
                        quoted = m
                if quoted is not None:
                    kind, parent_id = "quote", quoted.group(2)
                    pending = (quoted.group(1), "quote")
                else:
                    kind = "post"
            text = html.unescape(raw)
            row = posts.add(
                post_id, seconds, kind, parent_id, parent_author, text if self.keep_text else None
            )
            if pending is not None:
                posts.pending.append((row, pending[0], pending[1], label))
            if kind != "repost":
                for handle in _HANDLE_IN_TEXT.findall(text):
                    posts.mention_handles.append((post_id, handle, label))
        self.ledger.add(
            label,
            "follow list",
            "the legacy (pre-2019) archive has no follower or following lists: follows is empty",
            action="flagged",
        )
        legacy = "a legacy (pre-2019) X archive has no follower or following lists"
        self.unknown["following"] = self.unknown["followers"] = legacy
        return self._build()

    def _legacy_details(self) -> tuple[str, Any, Any] | None:
        names = self.files.find("user_details.js")
        if not names:
            return None
        stored = min(names, key=len)
        details = _parse_js_object(self.files, stored, posixpath.basename(stored))
        if not isinstance(details, dict) or _id(details.get("id")) is None:
            self.ledger.add(posixpath.basename(stored), "user details", "no numeric id")
            return None
        return _id(details.get("id")), details.get("screen_name"), details.get("full_name")  # type: ignore[return-value]

    # ------------------------------------------------------------------ tables
    def _build(self) -> Archive:
        ego = self.ego
        assert ego is not None
        posts, accounts, ledger = self.posts, self.accounts, self.ledger
        # Links by handle wait until every handle of the archive is known.
        reasons = {
            "quote": "quote whose quoted author is unknown (the status URL's handle matches no known id)",
            "repost": "retweet whose original author is unknown (no mention id, handle unresolved)",
            "reply": "reply whose parent author is unknown (no in_reply_to_user_id)",
        }
        for row, handle, link, label in posts.pending:
            author = accounts.resolve(handle)
            if author is None:
                ledger.add(label, link, reasons[link], action="flagged")
            posts.parent_author[row] = author
        for post_id, handle, label in posts.mention_handles:
            target = accounts.resolve(handle)
            if target is None:
                ledger.add(label, "mention", "mention by handle only, no account id resolves it")
            else:
                posts.mention_post.append(post_id)
                posts.mention_target.append(target)
        kinds = [
            "thread" if k == "reply" and a == ego else k
            for k, a in zip(posts.kind, posts.parent_author, strict=True)
        ]
        root_id, root_author = self._roots(kinds)
        frame = pd.DataFrame(
            {
                "post_id": pd.Series(posts.post_id, dtype=schema.ID_DTYPE),
                "author": pd.Series([ego] * len(posts.post_id), dtype=schema.ID_DTYPE),
                "created_at": pd.to_datetime(
                    np.asarray(posts.seconds, dtype="int64"), unit="s", utc=True
                ).astype(schema.TIMESTAMP_DTYPE),
                "kind": pd.Series(kinds, dtype=object).astype(schema.POST_KIND_DTYPE),
                "parent_id": pd.Series(posts.parent_id, dtype=schema.ID_DTYPE),
                "parent_author": pd.Series(posts.parent_author, dtype=schema.ID_DTYPE),
                "root_id": pd.Series(root_id, dtype=schema.ID_DTYPE),
                "root_author": pd.Series(root_author, dtype=schema.ID_DTYPE),
                "visibility": pd.Categorical([None] * len(kinds), dtype=schema.VISIBILITY_DTYPE),
            }
        )
        if self.keep_text:
            frame["text"] = pd.Series(posts.text, dtype=pd.StringDtype("pyarrow"))
        frame["_len"] = frame["post_id"].str.len()
        frame = frame.sort_values(["created_at", "_len", "post_id"], kind="mergesort")
        frame = frame.drop(columns="_len").reset_index(drop=True)
        mentions = pd.DataFrame(
            {
                "post_id": pd.Series(posts.mention_post, dtype=schema.ID_DTYPE),
                "target": pd.Series(posts.mention_target, dtype=schema.ID_DTYPE),
            }
        )
        follows = pd.DataFrame(
            {
                "source": pd.Series(self.follows_source, dtype=schema.ID_DTYPE),
                "target": pd.Series(self.follows_target, dtype=schema.ID_DTYPE),
                "followed_at": pd.Series(
                    pd.NaT, index=range(len(self.follows_source)), dtype=schema.TIMESTAMP_DTYPE
                ),
            }
        )
        posts.release()
        self.follows_source.clear()
        self.follows_target.clear()
        del kinds, root_id, root_author
        acc = accounts.frame()
        acc["_len"] = acc["account_id"].str.len()
        acc = acc.sort_values(["_len", "account_id"], kind="mergesort").drop(columns="_len")
        return Archive(
            follows=follows,
            posts=frame,
            accounts=acc.reset_index(drop=True),
            ego=ego,
            platform="twitter",
            exported_at=self.exported_at,
            ledger=ledger.to_frame(),
            mentions=mentions,
            unknown=self.unknown,
        )

    def _roots(self, kinds: list[str]) -> tuple[list[str | None], list[str | None]]:
        """Conversation roots: follow parents inside the archive up to a non-reply post."""
        posts = self.posts
        parent = {
            p: posts.parent_id[i]
            for i, (p, k) in enumerate(zip(posts.post_id, kinds, strict=True))
            if k in ("reply", "thread")
        }
        own = posts.seen
        memo: dict[str, str | None] = {}
        root_id: list[str | None] = []
        for p, k in zip(posts.post_id, kinds, strict=True):
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
        return root_id, [None if r is None else self.ego for r in root_id]


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
                source = _id(item.get("source_status_id_str")) or _id(item.get("source_status_id"))
                if source is not None:
                    return source
    return None


def _start(text: str, size: int = 40) -> str:
    """The first characters of a text with spaces collapsed and HTML entities unescaped."""
    return " ".join(html.unescape(text).split())[:size]
