"""Writers of an Archive as real platform exports (X zip, Mastodon zip, Bluesky CAR, ...).

Every writer follows the platform's real export (``docs/importers.md``): the files it
writes have the names, layouts, field types and quirks of the platform's own export, so
that :func:`engagemetrics.load` can be shown (and tested) on a real file layout.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import html
import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..archive import Archive
from ..exceptions import InvalidArgumentError, NoEgoError
from ._generate import BASE32_SORTABLE, TWITTER_EPOCH_MS, tid

__all__ = [
    "EXPORT_PLATFORMS",
    "demo_export",
    "write_activity_log",
    "write_bluesky_repo",
    "write_export",
    "write_instagram_export",
    "write_linkedin_export",
    "write_mastodon_archive",
    "write_twitter_archive",
]

# The platforms (of engagemetrics.archive.PLATFORMS) whose exports can be written.
EXPORT_PLATFORMS = ("twitter", "mastodon", "bluesky", "instagram", "linkedin", "research")

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_DEFAULT_MASTODON_HOST = "social.example"
# A mention in text: "@handle", "@user@host" (Mastodon) or "@name.bsky.social".
_MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.\-]*(?:@[A-Za-z0-9.\-]+)?)")


# =========================================================================== shared helpers
class _View:
    """What every writer needs from an archive: the ego, names, its items, mentions."""

    def __init__(self, archive: Archive) -> None:
        if not isinstance(archive, Archive):
            raise InvalidArgumentError(
                f"expected an engagemetrics.Archive, got {type(archive).__name__}; build one "
                "with em.Archive(...) or em.datasets.generate_account(...)"
            )
        if archive.ego is None:
            raise NoEgoError(
                "an export belongs to one account, but this archive has no ego; pass ego= "
                "to em.Archive"
            )
        self.archive = archive
        self.ego = archive.ego
        acc = archive.accounts
        self.handle: dict[str, str] = {}
        self.name: dict[str, str] = {}
        for account_id, handle, name in zip(
            acc["account_id"].tolist(),
            acc["handle"].tolist(),
            acc["display_name"].tolist(),
            strict=True,
        ):
            if isinstance(handle, str) and handle:
                self.handle[account_id] = handle
            if isinstance(name, str) and name:
                self.name[account_id] = name
        self.by_handle = {h.lower(): a for a, h in self.handle.items()}
        f = archive.follows
        self.following = _ordered_unique(
            f.loc[(f["source"] == self.ego) & (f["target"] != self.ego)], "target"
        )
        self.followers = _ordered_unique(
            f.loc[(f["target"] == self.ego) & (f["source"] != self.ego)], "source"
        )
        posts = archive.posts
        mine = posts[posts["author"] == self.ego]
        self.posts = mine.sort_values("created_at", kind="stable").reset_index(drop=True)
        self.exported_at = archive.exported_at or (
            posts["created_at"].max() if len(posts) else pd.Timestamp("2026-01-01", tz="UTC")
        )
        inter = archive.interactions
        self.likes = inter[(inter["kind"] == "like") & (inter["actor"] == self.ego)]
        mention_rows = inter[(inter["kind"] == "mention") & (inter["actor"] == self.ego)]
        self.mention_targets: dict[str, list[str]] = {}
        for pid, target in zip(
            mention_rows["post_id"].tolist(), mention_rows["target"].tolist(), strict=True
        ):
            self.mention_targets.setdefault(pid, []).append(target)

    def handle_of(self, account_id: Any) -> str:
        """The account's handle, or a stable stand-in made from its id."""
        if isinstance(account_id, str) and account_id in self.handle:
            return self.handle[account_id]
        digest = hashlib.sha256(str(account_id).encode()).hexdigest()[:8]
        return f"user_{digest}"

    def name_of(self, account_id: Any) -> str:
        if isinstance(account_id, str) and account_id in self.name:
            return self.name[account_id]
        return self.handle_of(account_id)

    def text_of(self, row: Any) -> str:
        """The post's text, with every mention of the interactions table present as @handle."""
        text = row.text if isinstance(getattr(row, "text", None), str) else ""
        present = {a for _, _, a in self.mentions_in(text)}
        extra = [t for t in self.mention_targets.get(row.post_id, []) if t not in present]
        for target in extra:
            text = f"{text} @{self.handle_of(target)}".strip()
        return text

    def mentions_in(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, account id) of each known ``@handle`` in ``text`` (character offsets)."""
        found = []
        for match in _MENTION.finditer(text):
            token = match.group(1)
            candidates = [token, token.rstrip(".-"), token.split("@")[0]]
            for cand in candidates:
                account = self.by_handle.get(cand.lower())
                if account is not None:
                    start = match.start()
                    found.append((start, start + 1 + len(cand), account))
                    break
        return found


def _ordered_unique(frame: pd.DataFrame, column: str) -> list[str]:
    """Ids in the order of the follow time when known (newest first), else table order."""
    if frame["followed_at"].notna().any():
        frame = frame.sort_values("followed_at", ascending=False, kind="stable")
    return list(dict.fromkeys(frame[column].tolist()))


def _stable_rng(*parts: Any) -> np.random.Generator:
    """A generator seeded from the content, so that a writer's output is reproducible."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _timestamp(value: Any) -> pd.Timestamp:
    """A table cell (a UTC timestamp, typed loosely by itertuples) as a UTC Timestamp."""
    return pd.Timestamp(value).tz_convert("UTC")


def _iso_ms(value: Any) -> str:
    """``2025-09-06T13:02:20.496Z``."""
    ts = _timestamp(value)
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _iso_s(value: Any) -> str:
    """``2022-12-09T21:50:13Z``."""
    return _timestamp(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _x_time(ts: pd.Timestamp) -> str:
    """X's ``Fri Mar 06 13:02:05 +0000 2026``, in English whatever the locale."""
    ts = pd.Timestamp(ts).tz_convert("UTC")
    return (
        f"{_DAY_NAMES[ts.weekday()]} {_MONTH_NAMES[ts.month - 1]} {ts.day:02d} "
        f"{ts.hour:02d}:{ts.minute:02d}:{ts.second:02d} +0000 {ts.year}"
    )


def _as_path(path: Any, what: str) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgumentError(
            f"{what} must be a file path (str or pathlib.Path), got {type(path).__name__}"
        )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _x_json(value: Any, level: int = 0, *, inline_lists: bool = False) -> str:
    """JSON the way X's exporter prints it: 2-space indent, ``"key" : value``, ``[ ]``.

    ``inline_lists`` gives the manifest's ``[ { ... } ]`` style.
    """
    pad = "  " * level
    if isinstance(value, Mapping):
        if not value:
            return "{ }"
        body = ",\n".join(
            f"{pad}  {json.dumps(str(k), ensure_ascii=False)} : "
            f"{_x_json(v, level + 1, inline_lists=inline_lists)}"
            for k, v in value.items()
        )
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[ ]"
        if inline_lists:
            return "[ " + ", ".join(_x_json(v, level, inline_lists=True) for v in value) + " ]"
        body = ",\n".join(f"{pad}  {_x_json(v, level + 1)}" for v in value)
        return "[\n" + body + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def _zip_writer(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)


def _write_member(zf: zipfile.ZipFile, name: str, data: str | bytes) -> int:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # A fixed date keeps the zip reproducible byte for byte.
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, raw)
    return len(raw)


# =========================================================================== X / Twitter
def _snowflake_time(account_id: str) -> pd.Timestamp | None:
    if not account_id.isdigit() or int(account_id) < 2**41:
        return None
    ms = (int(account_id) >> 22) + TWITTER_EPOCH_MS
    return pd.Timestamp(ms, unit="ms", tz="UTC")


def _x_id(value: Any, fallback_seed: str) -> str:
    """A numeric id for X: the value when it is one, else a stable 19-digit stand-in."""
    if isinstance(value, str) and value.isdigit():
        return value
    digest = hashlib.sha256(f"{fallback_seed}\x1f{value}".encode()).digest()
    return str(10**18 + int.from_bytes(digest[:8], "little") % (8 * 10**18))


def _tco(seed: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    digest = hashlib.sha256(seed.encode()).digest()
    return "https://t.co/" + "".join(alphabet[b % len(alphabet)] for b in digest[:10])


def _user_mention(view: _View, account: str, start: int, end: int) -> dict[str, Any]:
    uid = _x_id(account, "account")
    return {
        "name": view.name_of(account),
        "screen_name": view.handle_of(account),
        "indices": [str(start), str(end)],
        "id_str": uid,
        "id": uid,
    }


def _tweet(view: _View, row: Any) -> dict[str, Any]:
    """One ``{"tweet": {...}}`` item of ``tweets.js`` in the 2026 style."""
    post_id = _x_id(row.post_id, "post")
    kind = str(row.kind)
    urls: list[dict[str, Any]] = []
    if kind == "repost":
        author = row.parent_author if isinstance(row.parent_author, str) else None
        handle = view.handle_of(author)
        body = view.text_of(row)
        text = f"RT @{handle}: {body}"
        if len(text) > 140:  # X truncates the retweeted text with an ellipsis
            text = text[:139] + "\u2026"
        mentions = [_user_mention(view, author, 3, 4 + len(handle))] if author else []
    else:
        text = view.text_of(row)
        if kind == "quote" and isinstance(row.parent_id, str):
            short = _tco(row.post_id)
            quoted_handle = view.handle_of(row.parent_author)
            expanded = f"https://x.com/{quoted_handle}/status/{_x_id(row.parent_id, 'post')}"
            start = len(text) + 1
            text = f"{text} {short}"
            urls.append(
                {
                    "url": short,
                    "expanded_url": expanded,
                    "display_url": f"x.com/{quoted_handle}/stat\u2026"[:26],
                    "indices": [str(start), str(start + len(short))],
                }
            )
        mentions = [_user_mention(view, a, s, e) for s, e, a in view.mentions_in(text)]
    created = pd.Timestamp(row.created_at)
    tweet: dict[str, Any] = {
        "edit_info": {
            "initial": {
                "editTweetIds": [post_id],
                "editableUntil": _iso_ms(created + pd.Timedelta(hours=1)),
                "editsRemaining": "5",
                "isEditEligible": kind not in ("repost", "reply"),
            }
        },
        "retweeted": False,  # always false in real archives, even on retweets
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": mentions, "urls": urls},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": "0",
    }
    reply_to_user = None
    reply_to_status = None
    if kind in ("reply", "thread") and isinstance(row.parent_author, str):
        reply_to_user = _x_id(row.parent_author, "account")
        if isinstance(row.parent_id, str):
            reply_to_status = _x_id(row.parent_id, "post")
    if reply_to_status is not None:
        tweet["in_reply_to_status_id_str"] = reply_to_status
    tweet["id_str"] = post_id
    if reply_to_user is not None:
        tweet["in_reply_to_user_id"] = reply_to_user
    tweet["truncated"] = False
    tweet["retweet_count"] = "0"
    tweet["id"] = post_id
    if reply_to_status is not None:
        tweet["in_reply_to_status_id"] = reply_to_status
    if urls:
        tweet["possibly_sensitive"] = False
    tweet["created_at"] = _x_time(created)
    tweet["favorited"] = False
    tweet["full_text"] = html.escape(text, quote=False)  # X escapes &, < and > only
    tweet["lang"] = "en"
    if reply_to_user is not None:
        tweet["in_reply_to_screen_name"] = view.handle_of(row.parent_author)
        tweet["in_reply_to_user_id_str"] = reply_to_user
    return {"tweet": tweet}


def _x_data_file(type_name: str, items: Iterable[Any]) -> str:
    """``window.YTD.<type>.part0 = [ ... ]`` in the 2026 style."""
    body = ",\n".join("  " + _x_json(item, 1) for item in items)
    if not body:
        return f"window.YTD.{type_name}.part0 = [ ]"
    return f"window.YTD.{type_name}.part0 = [\n{body}\n]"


def _manifest_entry(file_name: str, global_name: str, count: int) -> dict[str, Any]:
    return {"files": [{"fileName": file_name, "globalName": global_name, "count": str(count)}]}


def write_twitter_archive(archive: Archive, path: str | os.PathLike[str]) -> Path:
    """Write an archive as an X/Twitter account archive zip (2026 layout).

    Parameters
    ----------
    archive : Archive
        The account; its ego's posts, follows and likes are written.
    path : str or path
        The zip to write (X names it ``twitter-YYYY-MM-DD-<64 hex>.zip``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    NoEgoError
        If the archive has no ego.
    InvalidArgumentError
        If ``archive`` is not an Archive or ``path`` not a path.

    Notes
    -----
    Members: ``data/manifest.js`` (``window.__THAR_CONFIG`` with
    ``userInfo``, ``archiveInfo`` and ``dataTypes.<type>.files[]``), ``data/account.js``,
    ``data/follower.js``, ``data/following.js`` (``accountId`` and ``userLink`` only),
    ``data/tweets.js`` (newest first), ``data/like.js`` and, when the archive has
    direct messages, ``data/direct-messages.js``. As in real archives: every number
    is a JSON string; ``created_at`` is ``"%a %b %d %H:%M:%S +0000 %Y"`` in English;
    ``full_text`` is HTML-escaped; a repost is only ``RT @handle: `` text (truncated
    with ``…`` beyond 140 characters) with ``user_mentions[0]`` at indices
    ``["3", ...]``, no retweeted id; a quote is a status URL in ``entities.urls``;
    a reply carries its parent's ``@handle`` first and ``in_reply_to_*``; a thread
    continuation replies to the ego's own id; a mention-only post has
    ``in_reply_to_user_id`` without a status id. Mention indices are character
    offsets in the unescaped text. A non-numeric id (an archive from another
    platform) is replaced by a stable numeric stand-in.

    Posts with ``visibility == "direct"`` go to ``direct-messages.js`` (X's DMs are
    not tweets), without their leading ``@handle``. ``like.js`` has no author and
    no time, as in real archives; its ``fullText`` is a placeholder.

    Examples
    --------
    >>> import tempfile, zipfile, pathlib
    >>> from engagemetrics.datasets import generate_account
    >>> a = generate_account(seed=2, n_accounts=40, n_posts=30)
    >>> p = write_twitter_archive(a, pathlib.Path(tempfile.mkdtemp()) / "x.zip")
    >>> names = zipfile.ZipFile(p).namelist()
    >>> "data/manifest.js" in names and "data/tweets.js" in names
    True
    >>> zipfile.ZipFile(p).read("data/tweets.js").decode()[:33]
    'window.YTD.tweets.part0 = [\\n  {\\n '
    """
    view = _View(archive)
    out = _as_path(path, "path")
    ego_id = _x_id(view.ego, "account")
    ego_handle = view.handle_of(view.ego)
    public = view.posts[view.posts["visibility"].astype(object) != "direct"]
    direct = view.posts[view.posts["visibility"].astype(object) == "direct"]
    files: dict[str, tuple[str, str]] = {}  # type key -> (member, text)
    counts: dict[str, int] = {}

    created = _snowflake_time(ego_id) or pd.Timestamp("2011-06-01T12:00:00", tz="UTC")
    account = [
        {
            "account": {
                "email": f"{ego_handle.lower()}@example.com",
                "createdVia": "web",
                "username": ego_handle,
                "accountId": ego_id,
                "createdAt": _iso_ms(created),
                "accountDisplayName": view.name_of(view.ego),
            }
        }
    ]
    files["account"] = ("data/account.js", _x_data_file("account", account))
    counts["account"] = 1
    for key, ids in (("follower", view.followers), ("following", view.following)):
        items = []
        for account_id in ids:
            uid = _x_id(account_id, "account")
            items.append(
                {
                    key: {
                        "accountId": uid,
                        "userLink": f"https://twitter.com/intent/user?user_id={uid}",
                    }
                }
            )
        files[key] = (f"data/{key}.js", _x_data_file(key, items))
        counts[key] = len(items)
    # Real tweets.js files are not sorted; newest first is what recent archives show.
    tweets = [_tweet(view, row) for row in public.iloc[::-1].itertuples(index=False)]
    files["tweets"] = ("data/tweets.js", _x_data_file("tweets", tweets))
    counts["tweets"] = len(tweets)
    likes = []
    for pid in view.likes["post_id"].tolist():
        tweet_id = _x_id(pid, "post")
        words = _stable_rng("like", tweet_id).integers(0, 6, size=6)
        text = " ".join(("so", "good", "this", "yes", "thread", "read")[w] for w in words)
        likes.append(
            {
                "like": {
                    "tweetId": tweet_id,
                    "fullText": text,
                    "expandedUrl": f"https://twitter.com/i/web/status/{tweet_id}",
                }
            }
        )
    files["like"] = ("data/like.js", _x_data_file("like", likes))
    counts["like"] = len(likes)
    if len(direct):
        conversations: dict[str, list[dict[str, Any]]] = {}
        for row in direct.itertuples(index=False):
            text = view.text_of(row)
            spans = view.mentions_in(text)
            recipient = spans[0][2] if spans else row.parent_author
            if spans and spans[0][0] == 0:
                text = text[spans[0][1] :].lstrip()
            rid = _x_id(recipient, "account")
            conv = "-".join(sorted((ego_id, rid), key=int))
            conversations.setdefault(conv, []).append(
                {
                    "messageCreate": {
                        "recipientId": rid,
                        "reactions": [],
                        "urls": [],
                        "text": text,
                        "mediaUrls": [],
                        "senderId": ego_id,
                        "id": _x_id(row.post_id, "post"),
                        "createdAt": _iso_ms(row.created_at),
                    }
                }
            )
        dms = [
            {"dmConversation": {"conversationId": c, "messages": m[::-1]}}
            for c, m in conversations.items()
        ]
        files["directMessages"] = (
            "data/direct-messages.js",
            _x_data_file("direct_messages", dms),
        )
        counts["directMessages"] = len(dms)

    global_names = {"directMessages": "YTD.direct_messages.part0"}
    data_types = {
        key: _manifest_entry(member, global_names.get(key, f"YTD.{key}.part0"), counts[key])
        for key, (member, _) in sorted(files.items())
    }
    size = sum(len(text.encode("utf-8")) for _, text in files.values())
    manifest = {
        "userInfo": {
            "accountId": ego_id,
            "userName": ego_handle,
            "displayName": view.name_of(view.ego),
        },
        "archiveInfo": {
            "sizeBytes": str(size),
            "generationDate": _iso_ms(view.exported_at),
            "isPartialArchive": False,
            "maxPartSizeBytes": "53687091200",
        },
        "dataTypes": data_types,
    }
    with _zip_writer(out) as zf:
        _write_member(
            zf, "data/manifest.js", "window.__THAR_CONFIG = " + _x_json(manifest, inline_lists=True)
        )
        for member, text in files.values():
            _write_member(zf, member, text)
        _write_member(
            zf,
            "Your archive.html",
            "<!DOCTYPE html><html><head><title>Your archive</title></head>"
            "<body>Synthetic archive written by engagemetrics.</body></html>",
        )
    return out


# =========================================================================== Mastodon
def _host_of(uri: str) -> str:
    match = re.match(r"https?://([^/]+)", uri)
    return match.group(1) if match else _DEFAULT_MASTODON_HOST


# Ids that already are ActivityPub actor / status URIs (others get one made up).
_ACTOR_URI = re.compile(r"^https?://[^/]+/(?:ap/)?users/[^/]+$")
_STATUS_URI = re.compile(r"^https?://[^/]+/(?:ap/)?users/[^/]+/statuses/[^/]+(?:/activity)?$")


class _MastodonIds:
    """Actor URIs, accts and status URIs for any archive (URIs kept when they are URIs)."""

    def __init__(self, view: _View) -> None:
        self.view = view
        self.ego = self.actor(view.ego)

    def actor(self, account_id: Any) -> str:
        if isinstance(account_id, str) and _ACTOR_URI.match(account_id):
            return account_id
        handle = self.view.handle_of(account_id)
        user, _, host = handle.partition("@")
        user = re.sub(r"[^A-Za-z0-9_]", "_", user)
        return f"https://{host or _DEFAULT_MASTODON_HOST}/users/{user}"

    def acct(self, account_id: Any) -> str:
        handle = self.view.handle.get(account_id) if isinstance(account_id, str) else None
        if handle and "@" in handle:
            return handle.lstrip("@")
        actor = self.actor(account_id)
        return f"{actor.rstrip('/').rsplit('/', 1)[1]}@{_host_of(actor)}"

    def status(self, post_id: Any, author: Any) -> str:
        if isinstance(post_id, str) and _STATUS_URI.match(post_id):
            return post_id
        digits = (
            post_id
            if isinstance(post_id, str) and post_id.isdigit()
            else str(int(hashlib.sha256(str(post_id).encode()).hexdigest()[:15], 16))
        )
        return f"{self.actor(author)}/statuses/{digits}"


def _mastodon_content(view: _View, ids: _MastodonIds, text: str) -> tuple[str, list[dict]]:
    """HTML ``content`` with h-card mention links, and the ``Mention`` tags."""
    parts: list[str] = []
    tags: list[dict[str, Any]] = []
    pos = 0
    ego_host = _host_of(ids.ego)
    seen: set[str] = set()
    for start, end, account in view.mentions_in(text):
        parts.append(html.escape(text[pos:start], quote=False))
        actor = ids.actor(account)
        acct = ids.acct(account)
        user, _, host = acct.partition("@")
        profile = f"https://{host or _host_of(actor)}/@{user}"
        parts.append(
            f'<span class="h-card" translate="no"><a href="{html.escape(profile)}" '
            f'class="u-url mention">@<span>{html.escape(user)}</span></a></span>'
        )
        if actor not in seen:
            seen.add(actor)
            # Mastodon names a local account "@bob" and a remote one "@bob@host".
            name = f"@{user}" if host == ego_host else f"@{acct}"
            tags.append({"type": "Mention", "href": actor, "name": name})
        pos = end
    parts.append(html.escape(text[pos:], quote=False))
    return "<p>" + "".join(parts) + "</p>", tags


def _mastodon_items(view: _View, ids: _MastodonIds) -> list[dict[str, Any]]:
    ego = ids.ego
    followers = ego + "/followers"
    host = _host_of(ego)
    user = ego.rstrip("/").rsplit("/", 1)[1]
    items: list[dict[str, Any]] = []
    for row in view.posts.itertuples(index=False):
        published = _iso_s(row.created_at)
        kind = str(row.kind)
        visibility = str(row.visibility) if isinstance(row.visibility, str) else "public"
        if kind == "repost":
            original = ids.status(row.parent_id, row.parent_author)
            original_author = ids.actor(row.parent_author)
            status = ids.status(row.post_id, view.ego)
            activity_id = status if status.endswith("/activity") else status + "/activity"
            items.append(
                {
                    "id": activity_id,
                    "type": "Announce",
                    "actor": ego,
                    "published": published,
                    "to": [_AS_PUBLIC],
                    "cc": [original_author, followers],
                    "object": original,
                }
            )
            continue
        note_id = ids.status(row.post_id, view.ego)
        content, tags = _mastodon_content(view, ids, view.text_of(row))
        mentioned = [t["href"] for t in tags]
        if visibility == "public":
            to, cc = [_AS_PUBLIC], [followers, *mentioned]
        elif visibility == "unlisted":
            to, cc = [followers], [_AS_PUBLIC, *mentioned]
        elif visibility == "followers":
            to, cc = [followers], mentioned
        else:  # direct: only the mentioned actors
            to, cc = mentioned, []
        in_reply_to = None
        if kind in ("reply", "thread") and isinstance(row.parent_id, str):
            in_reply_to = ids.status(row.parent_id, row.parent_author)
        number = note_id.rstrip("/").rsplit("/", 1)[1]
        note: dict[str, Any] = {
            "id": note_id,
            "type": "Note",
            "summary": None,
            "inReplyTo": in_reply_to,
            "published": published,
            "url": f"https://{host}/@{user}/{number}",
            "attributedTo": ego,
            "to": to,
            "cc": cc,
            "sensitive": False,
            "atomUri": note_id,
            "inReplyToAtomUri": in_reply_to,
            "conversation": f"tag:{host},{published[:10]}:objectId={number[-9:]}"
            ":objectType=Conversation",
            "content": content,
            "contentMap": {"en": content},
            "attachment": [],
            "tag": tags,
            "replies": {
                "id": f"{note_id}/replies",
                "type": "Collection",
                "first": {
                    "type": "CollectionPage",
                    "next": f"{note_id}/replies?only_other_accounts=true&page=true",
                    "partOf": f"{note_id}/replies",
                    "items": [],
                },
            },
        }
        if kind == "quote" and isinstance(row.parent_id, str):
            quoted = ids.status(row.parent_id, row.parent_author)
            # FEP-044f "quote" with the compatibility aliases Mastodon 4.5 writes.
            note["quote"] = quoted
            note["_misskey_quote"] = quoted
            note["quoteUri"] = quoted
        items.append(
            {
                "id": note_id + "/activity",
                "type": "Create",
                "actor": ego,
                "published": published,
                "to": to,
                "cc": cc,
                "object": note,
            }
        )
    return items


def _acct_csv(rows: list[list[str]], header: list[str] | None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_mastodon_archive(
    archive: Archive,
    path: str | os.PathLike[str],
    *,
    following_csv: bool = True,
    followers_csv: bool = True,
) -> Path:
    """Write an archive as a Mastodon account archive zip, with its CSV exports beside it.

    Parameters
    ----------
    archive : Archive
        The account.
    path : str or path
        The zip to write (Mastodon names it ``archive-YYYYMMDDHHMMSS-<32 hex>.zip``).
    following_csv : bool
        Also write ``following_accounts.csv`` in the same folder (Settings > Import
        and export > Data export; it is not part of the archive).
    followers_csv : bool
        Also write ``follower_accounts.csv`` (header ``Account address``), which only
        some servers offer; without it the ego's followers are unknown.

    Returns
    -------
    pathlib.Path
        ``path`` (the zip).

    Raises
    ------
    NoEgoError
        If the archive has no ego.

    Notes
    -----
    The zip holds ``outbox.json`` (an ``OrderedCollection``, oldest first, of
    ``Create`` activities with an embedded ``Note`` and ``Announce`` boosts whose
    ``object`` is the boosted status URI and whose ``cc`` names its author),
    ``actor.json``, ``likes.json`` and ``bookmarks.json`` in the 4.2-4.4 style (2024):
    no per-item ``@context``, no signatures, no ``totalItems`` in likes. Mentions
    are ``Mention`` tags (``@bob`` for an account of the ego's server, ``@bob@host``
    otherwise) and h-card links in the HTML ``content``; a reply's parent author is
    mentioned, as Mastodon does. Visibility is encoded in ``to``/``cc``: public
    (``as:Public`` in ``to``), unlisted (in ``cc``), followers (the ego's
    ``/followers`` in ``to``), direct (only actors). A quote carries ``quote``,
    ``quoteUri`` and ``_misskey_quote``. ``totalItems`` of the outbox is the item count
    plus a few (it is the server's ``statuses_count``, which differs in real exports).
    Non-URI ids (from another platform) become ``https://social.example/users/<handle>``.

    Examples
    --------
    >>> import tempfile, zipfile, pathlib
    >>> from engagemetrics.datasets import generate_account
    >>> a = generate_account(seed=2, n_accounts=40, n_posts=30, platform="mastodon")
    >>> p = write_mastodon_archive(a, pathlib.Path(tempfile.mkdtemp()) / "archive.zip")
    >>> sorted(zipfile.ZipFile(p).namelist())
    ['actor.json', 'bookmarks.json', 'likes.json', 'outbox.json']
    >>> (p.parent / "following_accounts.csv").read_text().splitlines()[0]
    'Account address,Show boosts,Notify on new posts,Languages'
    """
    view = _View(archive)
    out = _as_path(path, "path")
    ids = _MastodonIds(view)
    ego = ids.ego
    host = _host_of(ego)
    user = ego.rstrip("/").rsplit("/", 1)[1]
    items = _mastodon_items(view, ids)
    outbox = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": len(items) + 3,
        "orderedItems": items,
    }
    first = view.posts["created_at"].min() if len(view.posts) else view.exported_at
    actor = {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/v1",
        ],
        "id": ego,
        "type": "Person",
        "following": f"{ego}/following",
        "followers": f"{ego}/followers",
        "inbox": f"{ego}/inbox",
        "outbox": "outbox.json",
        "featured": f"{ego}/collections/featured",
        "preferredUsername": user,
        "name": view.name_of(view.ego),
        "summary": "<p>Synthetic account written by engagemetrics.</p>",
        "url": f"https://{host}/@{user}",
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "published": _iso_s(pd.Timestamp(first).normalize() - pd.Timedelta(days=400)),
        "likes": "likes.json",
        "bookmarks": "bookmarks.json",
    }
    liked = [
        ids.status(p, a) for p, a in zip(view.likes["post_id"], view.likes["target"], strict=True)
    ]
    likes = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "likes.json",
        "type": "OrderedCollection",
        "orderedItems": liked,
    }
    bookmarks = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "bookmarks.json",
        "type": "OrderedCollection",
        "orderedItems": [],
    }
    with _zip_writer(out) as zf:
        _write_member(zf, "outbox.json", json.dumps(outbox, ensure_ascii=False))
        _write_member(zf, "actor.json", json.dumps(actor, ensure_ascii=False))
        _write_member(zf, "likes.json", json.dumps(likes, ensure_ascii=False))
        _write_member(zf, "bookmarks.json", json.dumps(bookmarks, ensure_ascii=False))
    if following_csv:
        rows = [[ids.acct(a), "true", "false", ""] for a in view.following]
        (out.parent / "following_accounts.csv").write_text(
            _acct_csv(rows, ["Account address", "Show boosts", "Notify on new posts", "Languages"]),
            encoding="utf-8",
        )
    if followers_csv:
        rows = [[ids.acct(a)] for a in view.followers]
        (out.parent / "follower_accounts.csv").write_text(
            _acct_csv(rows, ["Account address"]), encoding="utf-8"
        )
    return out


# =========================================================================== Bluesky
def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _cid(block: bytes) -> bytes:
    """CIDv1, dag-cbor codec (0x71), sha2-256 multihash: the CID of a DAG-CBOR block."""
    return b"\x01\x71\x12\x20" + hashlib.sha256(block).digest()


def _cid_text(cid: bytes) -> str:
    """The base32 (multibase ``b``) text of a CID, as strong refs hold it: ``bafyrei...``."""
    return "b" + base64.b32encode(cid).decode().lower().rstrip("=")


def _key_layer(key: bytes) -> int:
    """MST layer of a key: leading zero bits of SHA-256(key), counted in pairs (fanout 4)."""
    digest = hashlib.sha256(key).digest()
    zeros = 0
    for byte in digest:
        if byte == 0:
            zeros += 8
            continue
        zeros += 8 - byte.bit_length()
        break
    return zeros // 2


def _build_mst(entries: list[tuple[bytes, bytes]], blocks: dict[bytes, bytes]) -> bytes:
    """Build the repository MST over sorted ``(key, record CID)``; return the root CID.

    Each key sits at its layer; keys between two entries of a node, and before the
    first, go into subtrees one layer down (``t`` and ``l``), down to layer 0. Key
    suffixes are prefix-compressed against the previous key of the same node.
    """
    import libipld

    layers = [_key_layer(k) for k, _ in entries]
    top = max(layers) if layers else 0

    def build(lo: int, hi: int, layer: int) -> bytes | None:
        if lo >= hi:
            return None
        here = [i for i in range(lo, hi) if layers[i] == layer]
        left = build(lo, here[0] if here else hi, layer - 1) if layer > 0 else None
        node_entries = []
        previous = b""
        for j, i in enumerate(here):
            key, value = entries[i]
            shared = 0
            for a, b in zip(previous, key, strict=False):
                if a != b:
                    break
                shared += 1
            nxt = here[j + 1] if j + 1 < len(here) else hi
            right = build(i + 1, nxt, layer - 1) if layer > 0 else None
            node_entries.append({"p": shared, "k": key[shared:], "v": value, "t": right})
            previous = key
        block = libipld.encode_dag_cbor({"l": left, "e": node_entries})
        cid = _cid(block)
        blocks[cid] = block
        return cid

    root = build(0, len(entries), top)
    if root is None:  # an empty repository: one node without entries
        block = libipld.encode_dag_cbor({"l": None, "e": []})
        root = _cid(block)
        blocks[root] = block
    return root


def _bsky_did(view: _View, account_id: Any) -> str:
    if isinstance(account_id, str) and account_id.startswith("did:"):
        return account_id
    digest = hashlib.sha256(str(account_id).encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def _unique_tid(ts: pd.Timestamp, used: set[str], salt: str) -> str:
    micro = pd.Timestamp(ts).value // 1000
    clock = int(hashlib.sha256(salt.encode()).hexdigest()[:3], 16) & 1023
    while True:
        key = tid(micro, clock)
        if key not in used:
            used.add(key)
            return key
        micro += 1


def _bsky_uri_rkey(post_id: Any, did: str, collection: str) -> str | None:
    prefix = f"at://{did}/{collection}/"
    if isinstance(post_id, str) and post_id.startswith(prefix):
        rkey = post_id[len(prefix) :]
        if re.fullmatch(f"[{BASE32_SORTABLE}]{{13}}", rkey):
            return rkey
    return None


def write_bluesky_repo(archive: Archive, path: str | os.PathLike[str]) -> Path:
    """Write an archive as a Bluesky repository export (``repo.car``: CARv1, repo v3).

    Parameters
    ----------
    archive : Archive
        The account: its follows, posts, reposts and likes become records.
    path : str or path
        The CAR file to write (the app saves ``repo.car``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    NoEgoError
        If the archive has no ego.

    Notes
    -----
    Layout: a CARv1 header ``{"version": 1, "roots": [commit]}``,
    then ``varint(len) | CID | block`` for the commit (``{"did", "version": 3,
    "data", "rev", "prev": null, "sig"}``), every MST node and every record. Blocks
    are DAG-CBOR (encoded by ``libipld``); CIDs are CIDv1 dag-cbor sha2-256 of the
    block bytes. The MST is the real one: keys ``<collection>/<rkey>`` sorted, each
    at the layer given by the leading zero bits of SHA-256(key) counted in pairs,
    subtrees one layer down (empty intermediate nodes kept), key suffixes
    prefix-compressed. Records: ``app.bsky.graph.follow`` (``subject`` DID,
    ``createdAt``), ``app.bsky.feed.post`` (``text``, ``langs``, ``createdAt``,
    ``reply.root``/``reply.parent`` strong refs, mention ``facets`` with UTF-8
    byte offsets, quotes as ``app.bsky.embed.record``), ``app.bsky.feed.repost``,
    ``app.bsky.feed.like`` and the profile (``app.bsky.actor.profile/self``). Strong
    refs hold ``cid`` as text: the real CID for the ego's own records, a stand-in
    (the CID of the URI) for others'. rkeys are TIDs: the post's own when its id is
    an ``at://`` URI of the ego, else made from ``createdAt``. The signature is a
    placeholder (nothing here can sign for a DID). The ego's followers are not
    written (they live in the followers' repositories), nor are direct messages
    (Bluesky chat is not in the CAR).

    Examples
    --------
    >>> import tempfile, pathlib, libipld
    >>> from engagemetrics.datasets import generate_account
    >>> a = generate_account(seed=2, n_accounts=40, n_posts=30, platform="bluesky")
    >>> p = write_bluesky_repo(a, pathlib.Path(tempfile.mkdtemp()) / "repo.car")
    >>> header, blocks = libipld.decode_car(p.read_bytes())
    >>> blocks[header["roots"][0]]["did"] == a.ego
    True
    """
    import libipld

    view = _View(archive)
    out = _as_path(path, "path")
    did = _bsky_did(view, view.ego)
    used: dict[str, set[str]] = {}
    records: dict[str, dict[str, Any]] = {}  # "<collection>/<rkey>" -> record
    own_cids: dict[str, str] = {}  # post_id -> "collection/rkey"

    def rkey_for(collection: str, post_id: Any, when: pd.Timestamp) -> str:
        taken = used.setdefault(collection, set())
        rkey = _bsky_uri_rkey(post_id, did, collection)
        if rkey is not None and rkey not in taken:
            taken.add(rkey)
            return rkey
        return _unique_tid(when, taken, f"{collection}{post_id}")

    f = archive.follows
    mine = f[(f["source"] == view.ego) & (f["target"] != view.ego)]
    mine = mine.drop_duplicates("target")
    for target, when in zip(mine["target"].tolist(), mine["followed_at"].tolist(), strict=True):
        when = view.exported_at if pd.isna(when) else when
        key = "app.bsky.graph.follow/" + rkey_for("app.bsky.graph.follow", None, when)
        records[key] = {
            "$type": "app.bsky.graph.follow",
            "subject": _bsky_did(view, target),
            "createdAt": _iso_ms(when),
        }

    def ref(post_id: Any, author: Any) -> dict[str, str]:
        """A strong ref: own records by their real CID (filled in later), others by a stand-in."""
        if isinstance(post_id, str) and post_id.startswith("at://"):
            uri = post_id
        else:
            uri = f"at://{_bsky_did(view, author)}/app.bsky.feed.post/" + tid(
                int(hashlib.sha256(str(post_id).encode()).hexdigest()[:12], 16)
            )
        stand_in = _cid_text(_cid(libipld.encode_dag_cbor({"uri": uri})))
        return {"uri": uri, "cid": stand_in}

    posts = view.posts[view.posts["visibility"].astype(object) != "direct"]
    pending_refs: list[tuple[dict[str, str], str]] = []
    for row in posts.itertuples(index=False):
        kind = str(row.kind)
        when = _timestamp(row.created_at)
        post_id = str(row.post_id)
        if kind == "repost":
            key = "app.bsky.feed.repost/" + rkey_for("app.bsky.feed.repost", post_id, when)
            subject = ref(row.parent_id, row.parent_author)
            pending_refs.append((subject, subject["uri"]))
            records[key] = {
                "$type": "app.bsky.feed.repost",
                "subject": subject,
                "createdAt": _iso_ms(when),
            }
            own_cids[post_id] = key
            continue
        key = "app.bsky.feed.post/" + rkey_for("app.bsky.feed.post", post_id, when)
        own_cids[post_id] = key
        text = view.text_of(row)
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "langs": ["en"],
            "createdAt": _iso_ms(when),
        }
        facets = []
        for start, end, account in view.mentions_in(text):
            byte_start = len(text[:start].encode("utf-8"))
            byte_end = byte_start + len(text[start:end].encode("utf-8"))
            facets.append(
                {
                    "$type": "app.bsky.richtext.facet",
                    "index": {"byteStart": byte_start, "byteEnd": byte_end},
                    "features": [
                        {
                            "$type": "app.bsky.richtext.facet#mention",
                            "did": _bsky_did(view, account),
                        }
                    ],
                }
            )
        if facets:
            record["facets"] = facets
        if kind in ("reply", "thread") and isinstance(row.parent_id, str):
            parent = ref(row.parent_id, row.parent_author)
            root_id = row.root_id if isinstance(row.root_id, str) else row.parent_id
            root_author = row.root_author if isinstance(row.root_author, str) else row.parent_author
            root = ref(root_id, root_author)
            pending_refs.extend([(parent, parent["uri"]), (root, root["uri"])])
            record["reply"] = {"root": root, "parent": parent}
        elif kind == "quote" and isinstance(row.parent_id, str):
            quoted = ref(row.parent_id, row.parent_author)
            pending_refs.append((quoted, quoted["uri"]))
            record["embed"] = {"$type": "app.bsky.embed.record", "record": quoted}
        records[key] = record

    for target, pid, when in zip(
        view.likes["target"].tolist(),
        view.likes["post_id"].tolist(),
        view.likes["created_at"].tolist(),
        strict=True,
    ):
        when = view.exported_at if pd.isna(when) else when
        key = "app.bsky.feed.like/" + rkey_for("app.bsky.feed.like", None, when)
        subject = ref(pid, target)
        records[key] = {
            "$type": "app.bsky.feed.like",
            "subject": subject,
            "createdAt": _iso_ms(when),
        }

    records["app.bsky.actor.profile/self"] = {
        "$type": "app.bsky.actor.profile",
        "displayName": view.name_of(view.ego),
        "description": "Synthetic account written by engagemetrics.",
    }

    # Own records are referenced by their real CID. Parents come before children in
    # time, so encode in time order; a ref to a record not yet encoded keeps its stand-in.
    blocks: dict[bytes, bytes] = {}
    record_cid: dict[str, bytes] = {}
    own_uri = {f"at://{did}/{k}": k for k in records}
    refs_by_uri: dict[str, list[dict[str, str]]] = {}
    for strong_ref, uri in pending_refs:
        refs_by_uri.setdefault(uri, []).append(strong_ref)
    for key in sorted(records, key=lambda k: (k.split("/", 1)[1] == "self", k.split("/", 1)[1])):
        block = libipld.encode_dag_cbor(records[key])
        cid = _cid(block)
        blocks[cid] = block
        record_cid[key] = cid
        for strong_ref in refs_by_uri.get(f"at://{did}/{key}", []):
            strong_ref["cid"] = _cid_text(cid)
    del own_uri
    entries = sorted((k.encode("utf-8"), record_cid[k]) for k in records)
    mst_root = _build_mst(entries, blocks)
    last = max((k.split("/", 1)[1] for k in records if not k.endswith("/self")), default=None)
    rev = last if last else tid(pd.Timestamp(view.exported_at).value // 1000)
    # placeholder, not a real signature
    signature = b"\x30" + hashlib.sha512(mst_root).digest()[:63]
    commit = libipld.encode_dag_cbor(
        {"did": did, "version": 3, "data": mst_root, "rev": rev, "prev": None, "sig": signature}
    )
    commit_cid = _cid(commit)
    header = libipld.encode_dag_cbor({"version": 1, "roots": [commit_cid]})
    with open(out, "wb") as fh:
        fh.write(_varint(len(header)) + header)
        for cid, block in [(commit_cid, commit), *blocks.items()]:
            fh.write(_varint(len(cid) + len(block)) + cid + block)
    return out


# =========================================================================== Instagram
def write_instagram_export(
    archive: Archive,
    path: str | os.PathLike[str],
    *,
    style: str = "2024",
    per_file: int = 10_000,
) -> Path:
    """Write an archive's follow lists as an Instagram "Download your information" zip (JSON).

    Parameters
    ----------
    archive : Archive
        The account; only the ego's followers and following are written (the export
        has no follow graph beyond the ego, and no posts here).
    path : str or path
        The zip to write (Instagram names it ``instagram-<username>-YYYY-MM-DD-<hash>.zip``).
    style : {"2024", "2025"}
        ``"2024"``: ``following.json`` items like the followers' (``title: ""``, a
        ``value`` and a plain ``href``); ``"2025"``: the newer shape (``title`` = the
        username, no ``value``, a ``/_u/`` href).
    per_file : int
        Followers per ``followers_<n>.json`` (large accounts get several files).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    InvalidArgumentError
        If ``style`` or ``per_file`` is not valid.

    Notes
    -----
    ``connections/followers_and_following/followers_1.json`` is a top-level array,
    ``following.json`` is ``{"relationships_following": [...]}``; ``timestamp`` is Unix
    seconds (``followed_at``; the export date when unknown). Accounts are usernames:
    the archive's handle (its id when it has none). The owner's username is in
    ``personal_information/personal_information/personal_information.json``.

    Examples
    --------
    >>> import tempfile, zipfile, json, pathlib
    >>> from engagemetrics.datasets import generate_account
    >>> a = generate_account(seed=2, n_accounts=40, n_posts=0, platform="instagram")
    >>> p = write_instagram_export(a, pathlib.Path(tempfile.mkdtemp()) / "ig.zip")
    >>> z = zipfile.ZipFile(p)
    >>> len(json.loads(z.read("connections/followers_and_following/followers_1.json")))
    16
    """
    if style not in ("2024", "2025"):
        raise InvalidArgumentError(f"style must be '2024' or '2025', got {style!r}")
    if isinstance(per_file, bool) or not isinstance(per_file, int) or per_file < 1:
        raise InvalidArgumentError(f"per_file must be a positive integer, got {per_file!r}")
    view = _View(archive)
    out = _as_path(path, "path")
    f = archive.follows
    when = dict(
        zip(
            zip(f["source"].tolist(), f["target"].tolist(), strict=True),
            f["followed_at"].tolist(),
            strict=True,
        )
    )
    fallback = int(pd.Timestamp(view.exported_at).timestamp())

    def stamp(edge: tuple[str, str]) -> int:
        value = when.get(edge)
        return fallback if value is None or pd.isna(value) else int(value.timestamp())

    def item(username: str, ts: int, newer: bool) -> dict[str, Any]:
        if newer:
            return {
                "title": username,
                "string_list_data": [
                    {"href": f"https://www.instagram.com/_u/{username}", "timestamp": ts}
                ],
            }
        return {
            "title": "",
            "media_list_data": [],
            "string_list_data": [
                {
                    "href": f"https://www.instagram.com/{username}",
                    "value": username,
                    "timestamp": ts,
                }
            ],
        }

    followers = [item(view.handle_of(a), stamp((a, view.ego)), False) for a in view.followers]
    following = [
        item(view.handle_of(a), stamp((view.ego, a)), style == "2025") for a in view.following
    ]
    ego_name = view.handle_of(view.ego)
    personal = {
        "profile_user": [
            {
                "media_map_data": {},
                "string_map_data": {
                    "Username": {"href": "", "value": ego_name, "timestamp": 0},
                    "Name": {"href": "", "value": view.name_of(view.ego), "timestamp": 0},
                },
            }
        ]
    }
    folder = "connections/followers_and_following/"
    with _zip_writer(out) as zf:
        chunks = [followers[i : i + per_file] for i in range(0, len(followers), per_file)] or [[]]
        for n, chunk in enumerate(chunks, 1):
            _write_member(zf, f"{folder}followers_{n}.json", json.dumps(chunk, indent=2))
        _write_member(
            zf,
            f"{folder}following.json",
            json.dumps({"relationships_following": following}, indent=2),
        )
        _write_member(
            zf,
            "personal_information/personal_information/personal_information.json",
            json.dumps(personal, indent=2),
        )
    return out


# =========================================================================== LinkedIn
_LINKEDIN_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
_COMPANIES = ("Acme, Inc.", "Example Labs", "Northwind", "Globex", "Initech", "")
_POSITIONS = ("Data Analyst", "Engineer", "Researcher", "Product Manager", "Consultant", "")


def write_linkedin_export(archive: Archive, path: str | os.PathLike[str]) -> Path:
    """Write an archive's connections as LinkedIn's ``Connections.csv`` (or its data-export zip).

    Parameters
    ----------
    archive : Archive
        The account. Its connections are its mutual follows (a LinkedIn connection
        exists only when both accepted).
    path : str or path
        ``...zip`` writes ``Basic_LinkedInDataExport_MM-DD-YYYY.zip`` style content
        (``Connections.csv`` and ``Profile.csv``); any other name writes the CSV alone.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    The current format: the ``Notes:`` preamble, a blank line,
    then ``First Name,Last Name,URL,Email Address,Company,Position,Connected On``,
    RFC 4180 quoting (``"Acme, Inc."``), CRLF line ends, dates ``07 Dec 2025``.
    Names split the display name at the first space; the URL is the account id
    when it is a LinkedIn profile URL, else ``https://www.linkedin.com/in/<handle>``.
    E-mail addresses are mostly empty, the rest invented under ``example.com``.
    ``Connected On`` is the later of the two follow times, else the export date.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from engagemetrics.datasets import generate_account
    >>> a = generate_account(seed=2, n_accounts=40, n_posts=0, platform="linkedin")
    >>> p = write_linkedin_export(a, pathlib.Path(tempfile.mkdtemp()) / "Connections.csv")
    >>> p.read_text().splitlines()[0]
    'Notes:'
    """
    view = _View(archive)
    out = _as_path(path, "path")
    followers = set(view.followers)
    contacts = [a for a in view.following if a in followers]
    f = archive.follows
    times: dict[str, pd.Timestamp] = {}
    for src, dst, when in zip(
        f["source"].tolist(), f["target"].tolist(), f["followed_at"].tolist(), strict=True
    ):
        other = dst if src == view.ego else src if dst == view.ego else None
        if other is not None and not pd.isna(when):
            times[other] = max(times.get(other, when), when)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    for account in contacts:
        first, _, last = view.name_of(account).partition(" ")
        if isinstance(account, str) and account.startswith("https://www.linkedin.com/in/"):
            url = account
        else:
            url = f"https://www.linkedin.com/in/{view.handle_of(account).lower()}"
        rng = _stable_rng("linkedin", account)
        email = f"{first}.{last}@example.com".lower() if rng.random() < 0.15 else ""
        when = times.get(account, view.exported_at)
        writer.writerow(
            [
                first,
                last,
                url,
                email,
                _COMPANIES[int(rng.integers(0, len(_COMPANIES)))],
                _POSITIONS[int(rng.integers(0, len(_POSITIONS)))],
                f"{when.day:02d} {_MONTH_NAMES[when.month - 1]} {when.year}",
            ]
        )
    text = _LINKEDIN_NOTES.replace("\n", "\r\n") + buffer.getvalue()
    if out.suffix.lower() == ".zip":
        first, _, last = view.name_of(view.ego).partition(" ")
        profile = io.StringIO()
        pw = csv.writer(profile, lineterminator="\r\n")
        pw.writerow(["First Name", "Last Name", "Headline", "Industry"])
        pw.writerow([first, last, "Synthetic account", "Research"])
        with _zip_writer(out) as zf:
            _write_member(zf, "Connections.csv", text)
            _write_member(zf, "Profile.csv", profile.getvalue())
    else:
        out.write_bytes(text.encode("utf-8"))
    return out


# =========================================================================== SNAP log
def write_activity_log(
    archive: Archive, path: str | os.PathLike[str], *, mention_beside_reply: bool = True
) -> Path:
    """Write an archive's interactions as a SNAP-style activity log (``a b t RT|MT|RE``).

    Parameters
    ----------
    archive : Archive
        Any archive; its whole interactions table is written (a platform log).
    path : str or path
        The file; gzip-compressed when the name ends in ``.gz``.
    mention_beside_reply : bool
        Write an ``MT`` line beside every ``RE`` line for the same pair and second,
        as SNAP's higgs-twitter log does.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    One line per interaction, ``userA userB unixtime TYPE``, space-separated, no
    header, sorted by time: ``repost`` and ``quote`` -> ``RT`` (the log has no quote
    type; quotes of 2012 were manual retweets), ``mention`` -> ``MT``, ``reply`` ->
    ``RE``. Likes and interactions without a time are not written (the log has no
    such lines). Ids are anonymised integers: numeric ids are kept, others are
    numbered 1, 2, ... in the order of the accounts table, then of appearance.

    Examples
    --------
    >>> import tempfile, pathlib, gzip
    >>> from engagemetrics.datasets import generate_account
    >>> a = generate_account(seed=2, n_accounts=40, n_posts=30)
    >>> p = write_activity_log(a, pathlib.Path(tempfile.mkdtemp()) / "log.txt.gz")
    >>> line = gzip.open(p, "rt").readline().split()
    >>> len(line), line[3] in {"RT", "MT", "RE"}
    (4, True)
    """
    out = _as_path(path, "path")
    if not isinstance(archive, Archive):
        raise InvalidArgumentError(
            f"expected an engagemetrics.Archive, got {type(archive).__name__}"
        )
    inter = archive.interactions
    code = {"repost": "RT", "quote": "RT", "mention": "MT", "reply": "RE"}
    kinds = inter["kind"].astype(object)
    keep = kinds.isin(list(code)) & inter["created_at"].notna()
    rows = inter[keep]
    actors = rows["actor"].tolist()
    targets = rows["target"].tolist()
    numbering: dict[str, str] = {}
    if not all(str(x).isdigit() for x in actors + targets):
        for account in archive.accounts["account_id"].tolist() + actors + targets:
            numbering.setdefault(account, str(len(numbering) + 1))

    def number(account: str) -> str:
        return numbering.get(account, account)

    seconds = (rows["created_at"].astype("int64") // 10**9).tolist()
    lines = []
    for a, b, t, k in zip(actors, targets, seconds, rows["kind"].astype(object), strict=True):
        lines.append((t, f"{number(a)} {number(b)} {t} {code[k]}"))
        if k == "reply" and mention_beside_reply:
            lines.append((t, f"{number(a)} {number(b)} {t} MT"))
    lines.sort(key=lambda x: x[0])
    text = "".join(line + "\n" for _, line in lines).encode("ascii")
    if out.name.endswith(".gz"):
        with (
            open(out, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh,
        ):
            fh.write(text)
    else:
        out.write_bytes(text)
    return out


# =========================================================================== dispatch
_WRITERS = {
    "twitter": write_twitter_archive,
    "mastodon": write_mastodon_archive,
    "bluesky": write_bluesky_repo,
    "instagram": write_instagram_export,
    "linkedin": write_linkedin_export,
    "research": write_activity_log,
}


def write_export(archive: Archive, path: str | os.PathLike[str], *, platform: str) -> Path:
    """Write an archive as the real export of ``platform``.

    Parameters
    ----------
    archive : Archive
    path : str or path
        The file to write (zip, CAR, CSV or ``.txt.gz``, as the platform exports).
    platform : {"twitter", "mastodon", "bluesky", "instagram", "linkedin", "research"}
        ``"research"`` writes the interactions as a SNAP-style activity log.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InvalidArgumentError
        If the platform is unknown.

    See Also
    --------
    write_twitter_archive, write_mastodon_archive, write_bluesky_repo,
    write_instagram_export, write_linkedin_export, write_activity_log

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from engagemetrics.datasets import generate_account
    >>> a = generate_account(seed=2, n_accounts=40, n_posts=20, platform="bluesky")
    >>> write_export(a, pathlib.Path(tempfile.mkdtemp()) / "repo.car", platform="bluesky").name
    'repo.car'
    """
    writer = _WRITERS.get(platform) if isinstance(platform, str) else None
    if writer is None:
        raise InvalidArgumentError(f"platform must be one of {EXPORT_PLATFORMS}, got {platform!r}")
    return writer(archive, path)


def _demo_file_name(platform: str, archive: Archive) -> str:
    stamp = archive.exported_at or pd.Timestamp("2026-01-01", tz="UTC")
    digest = hashlib.sha256(f"{platform}{archive.ego}".encode()).hexdigest()
    view = _View(archive)
    if platform == "twitter":
        return f"twitter-{stamp:%Y-%m-%d}-{digest}.zip"
    if platform == "mastodon":
        return f"archive-{stamp:%Y%m%d%H%M%S}-{digest[:32]}.zip"
    if platform == "bluesky":
        return "repo.car"
    if platform == "instagram":
        return f"instagram-{view.handle_of(view.ego)}-{stamp:%Y-%m-%d}-{digest[:8]}.zip"
    if platform == "linkedin":
        return f"Basic_LinkedInDataExport_{stamp:%m-%d-%Y}.zip"
    return "demo-activity_time.txt.gz"


def demo_export(platform: str, directory: str | os.PathLike[str], *, seed: int = 0) -> Path:
    """Write the demo account as a real export of ``platform`` into ``directory``.

    Parameters
    ----------
    platform : {"twitter", "mastodon", "bluesky", "instagram", "linkedin", "research"}
    directory : str or path
        Created if needed.
    seed : int
        Seed of the demo account.

    Returns
    -------
    pathlib.Path
        The export's file, named as the platform names it
        (``twitter-2026-01-01-<hex>.zip``, ``archive-<stamp>-<hex>.zip``, ``repo.car``,
        ``instagram-<user>-<date>-<hash>.zip``, ``Basic_LinkedInDataExport_<date>.zip``,
        ``demo-activity_time.txt.gz``). For Mastodon, ``following_accounts.csv`` and
        ``follower_accounts.csv`` are written beside the zip.

    Notes
    -----
    The account is :func:`engagemetrics.datasets.generate_account` with the demo's
    sizes and ``platform`` set, so ids have the platform's shape (DIDs for Bluesky,
    actor URIs for Mastodon, usernames for Instagram, profile URLs for LinkedIn).
    The research log is the X demo's interactions, written as a SNAP-style activity log.

    Examples
    --------
    >>> import tempfile
    >>> demo_export("bluesky", tempfile.mkdtemp()).name
    'repo.car'
    """
    from ._generate import generate_account

    name = platform
    if name not in EXPORT_PLATFORMS:
        raise InvalidArgumentError(f"platform must be one of {EXPORT_PLATFORMS}, got {platform!r}")
    archive = generate_account(
        seed=seed,
        n_accounts=1500,
        n_posts=2000,
        start="2025-01-01",
        end="2026-01-01",
        platform="twitter" if name == "research" else name,
    )
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    return write_export(archive, folder / _demo_file_name(name, archive), platform=name)
