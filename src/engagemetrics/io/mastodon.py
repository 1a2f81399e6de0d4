"""Reader for a Mastodon account archive (``outbox.json``, ``actor.json``, ``likes.json``).

The archive ("Request your archive") is a ``.zip`` (Mastodon >= 4.1) or a ``.tar.gz``
(older servers), or the unpacked folder; see ``../shared/FORMATS.md`` section 2.
Followers and following are not in the archive: they come from the CSV exports
(``following_accounts.csv``, and a followers CSV where a server offers one), passed
as ``following=`` / ``followers=`` or found beside the archive's files.

Identity (one id space)
-----------------------
The archive names accounts by **actor URI** (``https://host/users/bob``, or the
numeric ``https://host/ap/users/1168...`` of 2026 servers), the CSV exports by
**acct** (``bob@host``). The two are joined only where the export itself reveals
the pair:

* ``actor.json``: the ego's ``preferredUsername@<host of id>`` is the ego's URI;
* every ``Mention`` tag in the outbox: ``name`` (``@bob@host``, or ``@bob`` for a
  local account, whose host is then the host of ``href``) with ``href`` (the URI).

An acct with a revealed URI is replaced by that URI. Any other acct stays the id
(``bob@host``), and the accounts table records ``handle = acct`` for it. The acct is
never turned into a URI by guessing (``https://host/users/bob`` is wrong for the
numeric URIs of 2026 and for other server software). Limit: an account followed
but never mentioned keeps its acct id, so a like or boost resolved to its URI
(from a URI pattern) and its follow edge are two ids; reciprocity is unaffected,
because following and followers CSVs go through the same mapping.

Conventions
-----------
* ``post_id`` is the Note's ``id`` URI (for a boost, the ``Announce`` activity's id).
* Reply targets: the ``Mention``/``cc`` actor that owns the ``inReplyTo`` URI, then the
  URI pattern ``/users/<name>/statuses/<id>`` (or ``/ap/users/<id>/statuses/<id>``) ->
  ``https://host/users/<name>``, then the only mentioned actor. Misskey ``/notes/``
  and Pleroma ``/objects/`` URIs have no author: such replies are kept with
  ``parent_author`` missing and flagged in the ledger.
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
import json
import logging
import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from .. import schema
from ..archive import Archive
from ..exceptions import CorruptExportError, InvalidArgumentError
from ..ledger import Ledger
from ._container import ExportFiles, progress
from ._jsonstream import JSONStream

__all__ = ["can_read", "html_to_text", "read_mastodon_archive", "resolve_status_author"]

logger = logging.getLogger("engagemetrics")

PUBLIC = frozenset(
    {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public", "as#Public"}
)
_POST_TYPES = ("Note", "Question")
_ARCHIVE_NAME = re.compile(r"archive-(\d{14})-[0-9a-fA-F]{32}")
_STATUS_PATTERN = re.compile(r"^(https?://[^/]+/(?:ap/)?users/[^/]+)/statuses/[^/]+")
_FOLLOWING_NAMES = ("following_accounts.csv",)
_FOLLOWER_NAMES = ("follower_accounts.csv", "followers_accounts.csv", "followers.csv")


# --------------------------------------------------------------------------- small helpers
class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(content: str | None) -> str | None:
    """Plain text of a Mastodon ``content`` HTML fragment.

    Tags are removed, entities unescaped, ``<br>`` becomes a line break and
    paragraphs are separated by a blank line. Mastodon's hidden URL parts
    (``<span class="invisible">``) are kept, so links come out whole.

    Parameters
    ----------
    content : str or None

    Returns
    -------
    str or None
        None when ``content`` is None.

    Examples
    --------
    >>> html_to_text('<p>Hi <a href="https://x.example/@bob">@<span>bob</span></a> &amp; co</p><p>2<br>3</p>')
    'Hi @bob & co\\n\\n2\\n3'
    """
    if content is None:
        return None
    parser = _TextExtractor()
    parser.feed(str(content))
    parser.close()
    return "".join(parser.parts).strip()


def resolve_status_author(status_uri: str | None) -> str | None:
    """The actor URI that a Mastodon status URI reveals, or None.

    Only Mastodon's patterns ``https://host/users/<name>/statuses/<id>`` and the
    numeric ``https://host/ap/users/<id>/statuses/<id>`` reveal their author; the
    actor URI is the part before ``/statuses/``. Misskey ``/notes/<id>``,
    Pleroma ``/objects/<uuid>`` and other URIs give None.

    Parameters
    ----------
    status_uri : str or None
        A status (post) URI, e.g. an ``inReplyTo`` or a ``likes.json`` item.

    Returns
    -------
    str or None
        The author's actor URI, kept opaque (no username is parsed out of it).

    Examples
    --------
    >>> resolve_status_author("https://mastodon.social/users/bob/statuses/109485912099807950")
    'https://mastodon.social/users/bob'
    >>> resolve_status_author("https://mastodon.social/ap/users/116840387061670746/statuses/1")
    'https://mastodon.social/ap/users/116840387061670746'
    >>> resolve_status_author("https://misskey.io/notes/9abcdef") is None
    True
    """
    if not isinstance(status_uri, str):
        return None
    match = _STATUS_PATTERN.match(status_uri)
    return match.group(1) if match else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _uri(value: Any) -> str | None:
    """The URI of a JSON-LD reference (a string, or an object with ``id``)."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Mapping):
        ident = value.get("id")
        return ident if isinstance(ident, str) and ident else None
    return None


def _member(files: ExportFiles, basenames: Iterable[str]) -> str | None:
    """The shallowest member whose lower-cased base name is one of ``basenames``."""
    wanted = {b.lower() for b in basenames}
    hits = [n for n in files.names() if posixpath.basename(n).lower() in wanted]
    if not hits:
        return None
    return min(hits, key=lambda n: (n.count("/"), n))


def _stream_outbox(files: ExportFiles, name: str) -> Iterator[Any]:
    """The activities of ``outbox.json``, decoded one at a time (an outbox can be large)."""
    label = f"{files.path}:{name}"
    expected = (
        "Expected an ActivityStreams OrderedCollection with an 'orderedItems' list; the file "
        "is not a Mastodon outbox, or it is damaged: download the archive again"
    )
    with files.open(name) as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig")
        stream = JSONStream(handle, label, expected=expected)
        try:
            yield from stream.members("orderedItems")
        except UnicodeDecodeError as exc:
            raise CorruptExportError(f"{label} is not UTF-8 text ({exc.reason}); {expected}") from exc
        if "orderedItems" not in stream.header:
            raise CorruptExportError(
                f"{label} should be an ActivityStreams OrderedCollection with an 'orderedItems' "
                "list, but it is an object without an orderedItems list; the file is not a "
                "Mastodon outbox, or it is damaged"
            )


def _load_json(files: ExportFiles, name: str, what: str) -> Any:
    text = files.read_text(name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorruptExportError(
            f"{files.path}:{name} is not valid JSON ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}); expected {what}. The file is truncated or damaged: "
            "download the archive again"
        ) from exc


def _host(uri: str) -> str:
    try:
        return (urlsplit(uri).hostname or "").lower()
    except ValueError:
        return ""


def _acct_key(acct: str) -> str:
    return acct.strip().lstrip("@").lower()


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
    if _member(files, ["outbox.json"]) is None:
        return "no outbox.json (a Mastodon account archive holds outbox.json and actor.json)"
    return None


# --------------------------------------------------------------------------- CSV exports
def _read_acct_csv(text: str, label: str, ledger: Ledger) -> list[str]:
    """Account addresses (column 0) of a Mastodon CSV export, header optional."""
    accts: list[str] = []
    reader = csv.reader(io.StringIO(text))
    first = True
    for row in reader:
        if first:
            first = False
            if row and row[0].strip().lower() == "account address":
                continue
        if not row or not any(cell.strip() for cell in row):
            continue
        acct = row[0].strip().lstrip("@")
        if not acct:
            ledger.add(label, "account", "account address empty")
            continue
        accts.append(acct)
    return accts


def _csv_text(source: Any, files: ExportFiles, found: str | None, what: str) -> tuple[str, str]:
    """Text and a ledger label of a CSV given as a path, or found inside the archive."""
    if source is not None:
        if not isinstance(source, (str, os.PathLike)):
            raise InvalidArgumentError(
                f"{what}= must be the path of a Mastodon CSV export, got {type(source).__name__}"
            )
        with ExportFiles(source) as csv_files:
            name = csv_files.names()[0] if csv_files.kind == "file" else None
            if name is None:
                raise InvalidArgumentError(
                    f"{what}= must be a CSV file (e.g. following_accounts.csv), got the "
                    f"{csv_files.kind} {source}"
                )
            return csv_files.read_text(name), name
    assert found is not None
    return files.read_text(found), posixpath.basename(found)


# --------------------------------------------------------------------------- reader
def read_mastodon_archive(
    path: str | os.PathLike[str] | ExportFiles,
    *,
    following: str | os.PathLike[str] | None = None,
    followers: str | os.PathLike[str] | None = None,
) -> Archive:
    """Read a Mastodon account archive into an :class:`~engagemetrics.Archive`.

    Parameters
    ----------
    path : str, path or ExportFiles
        The archive as downloaded (``archive-YYYYMMDDHHMMSS-<hex>.zip`` or ``.tar.gz``),
        the unpacked folder, or a lone ``outbox.json``.
    following : str or path, optional
        ``following_accounts.csv`` (Settings -> Import and export -> Data export).
        When None, a ``following_accounts.csv`` inside the archive or folder is used.
    followers : str or path, optional
        A followers CSV (header ``Account address``), where the server offers one.
        When None, ``follower_accounts.csv`` / ``followers.csv`` inside are used.

    Returns
    -------
    Archive
        ``platform="mastodon"``, ``ego`` = the actor URI, ``exported_at`` from the
        archive's file name when it carries one. ``posts`` has a ``text`` column
        (missing for direct messages). Interactions are derived from posts, mention
        tags and resolvable likes.

    Raises
    ------
    CorruptExportError
        If ``outbox.json`` (or ``actor.json``, ``likes.json``) is not valid JSON or
        not shaped like an ActivityStreams collection.
    UnknownFormatError
        Never; see :func:`can_read`. A folder without ``outbox.json`` raises
        :class:`CorruptExportError`.

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
    """
    files = path if isinstance(path, ExportFiles) else ExportFiles(path)
    try:
        return _read(files, following=following, followers=followers)
    finally:
        if not isinstance(path, ExportFiles):
            files.close()


def _read(files: ExportFiles, *, following: Any, followers: Any) -> Archive:
    ledger = Ledger()
    outbox_name = _member(files, ["outbox.json"])
    if outbox_name is None:
        raise CorruptExportError(
            f"{files.path} has no outbox.json; expected a Mastodon account archive "
            "(archive-<date>-<hex>.zip or .tar.gz, or its unpacked folder). "
            "Request it under Settings -> Import and export -> Request your archive"
        )
    def outbox_items() -> Iterator[Any]:
        return _stream_outbox(files, outbox_name)

    source = posixpath.basename(outbox_name)

    # ---- the ego
    actor: Mapping[str, Any] = {}
    actor_name = _member(files, ["actor.json"])
    if actor_name is not None:
        loaded = _load_json(files, actor_name, "an ActivityPub Person object")
        if not isinstance(loaded, Mapping):
            raise CorruptExportError(
                f"{files.path}:{actor_name} should be a JSON object (an ActivityPub Person), "
                f"but it is a {type(loaded).__name__}"
            )
        actor = loaded
    ego = _uri(actor.get("id"))
    if ego is None:
        # A first pass over the stream: the outbox is read twice rather than held.
        actors = [i.get("actor") for i in outbox_items() if isinstance(i, Mapping)]
        actors = [a for a in actors if isinstance(a, str)]
        if not actors:
            raise CorruptExportError(
                f"{files.path}: neither actor.json nor the outbox names the account's actor "
                "URI; expected actor.json with an 'id', or activities with an 'actor'"
            )
        # most frequent actor; ties go to the first seen (Counter keeps insertion order)
        ego = Counter(actors).most_common(1)[0][0]
        ledger.add(
            "actor.json",
            "file",
            "actor.json missing or without id: ego taken from the outbox",
            action="flagged",
        )
    followers_url = actor.get("followers") if isinstance(actor.get("followers"), str) else None
    own_followers = {ego + "/followers"} | ({followers_url} if followers_url else set())

    acct_to_uri: dict[str, str] = {}
    accounts: dict[str, tuple[str | None, str | None]] = {}
    username = actor.get("preferredUsername")
    ego_handle = f"{username}@{_host(ego)}" if isinstance(username, str) and username else None
    if ego_handle:
        acct_to_uri[_acct_key(ego_handle)] = ego
    display = actor.get("name") if isinstance(actor.get("name"), str) else None
    accounts[ego] = (ego_handle, display)

    # ---- the outbox
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "post_id",
            "author",
            "created_at",
            "kind",
            "parent_id",
            "parent_author",
            "visibility",
            "text",
        )
    }
    mentions: list[tuple[str, str]] = []
    unknown_activity: dict[str, int] = {}
    for item in progress(outbox_items(), desc=f"reading {source}"):
        if not isinstance(item, Mapping):
            ledger.add(source, "activity", "not a JSON object")
            continue
        activity_type = item.get("type")
        if activity_type == "Create":
            _take_create(
                item, ego, own_followers, rows, mentions, acct_to_uri, accounts, ledger, source
            )
        elif activity_type == "Announce":
            _take_announce(item, ego, own_followers, rows, ledger, source)
        else:
            key = str(activity_type)
            unknown_activity[key] = unknown_activity.get(key, 0) + 1
    for key, n in sorted(unknown_activity.items()):
        ledger.add(source, "activity", f"activity type {key!r} not used", n)
    posts = schema.posts_table(pd.DataFrame(rows), errors="coerce", origin=source)

    # ---- likes and bookmarks
    likes = _read_likes(files, ego, ledger)
    bookmarks_name = _member(files, ["bookmarks.json"])
    if bookmarks_name is not None:
        marked = _collection_items(files, bookmarks_name)
        ledger.add(
            posixpath.basename(bookmarks_name),
            "bookmark",
            "bookmarks are private and not an interaction (not used)",
            len(marked),
        )

    # ---- follows from the CSV exports
    follow_src: list[str] = []
    follow_dst: list[str] = []
    found_following = _member(files, _FOLLOWING_NAMES) if following is None else None
    if following is not None or found_following is not None:
        text, label = _csv_text(following, files, found_following, "following")
        for acct in _read_acct_csv(text, label, ledger):
            follow_src.append(ego)
            follow_dst.append(_account_id(acct, acct_to_uri, accounts))
    found_followers = _member(files, _FOLLOWER_NAMES) if followers is None else None
    if followers is not None or found_followers is not None:
        text, label = _csv_text(followers, files, found_followers, "followers")
        for acct in _read_acct_csv(text, label, ledger):
            follow_src.append(_account_id(acct, acct_to_uri, accounts))
            follow_dst.append(ego)
    if following is None and found_following is None:
        logger.info(
            "mastodon: no following_accounts.csv given; the follow table has no "
            "following edges (pass following=)"
        )
    follows = pd.DataFrame({"source": follow_src, "target": follow_dst})

    used = {
        outbox_name,
        actor_name,
        _member(files, ["likes.json"]),
        bookmarks_name,
        found_following,
        found_followers,
    }
    other = sum(1 for n in files.names() if n not in used)
    ledger.add(files.path.name, "file", "media or other file (not read)", other)

    account_frame = pd.DataFrame(
        {
            "account_id": list(accounts),
            "handle": [h for h, _ in accounts.values()],
            "display_name": [d for _, d in accounts.values()],
        }
    )
    mention_frame = pd.DataFrame(mentions, columns=["post_id", "target"])
    unknown: dict[str, str] = {}
    if following is None and found_following is None:
        unknown["following"] = (
            "a Mastodon archive has no following list (add following_accounts.csv from "
            "Settings > Import and export)"
        )
    if followers is None and found_followers is None:
        unknown["followers"] = (
            "a Mastodon archive has no follower list (add it with em.add_followers)"
        )
    return Archive(
        follows=follows,
        posts=posts,
        accounts=account_frame,
        ego=ego,
        platform="mastodon",
        exported_at=_exported_at(files),
        ledger=ledger.to_frame(),
        mentions=mention_frame,
        likes=likes,
        unknown=unknown,
    )


def _exported_at(files: ExportFiles) -> pd.Timestamp | None:
    match = _ARCHIVE_NAME.search(files.path.name)
    if not match:
        return None
    try:
        return pd.Timestamp(pd.to_datetime(match.group(1), format="%Y%m%d%H%M%S", utc=True))
    except ValueError:
        return None


def _account_id(
    acct: str, acct_to_uri: Mapping[str, str], accounts: dict[str, tuple[str | None, str | None]]
) -> str:
    uri = acct_to_uri.get(_acct_key(acct))
    account_id = uri if uri is not None else acct
    if account_id not in accounts or accounts[account_id][0] is None:
        accounts[account_id] = (acct, accounts.get(account_id, (None, None))[1])
    return account_id


def _visibility(
    activity: Mapping[str, Any], obj: Mapping[str, Any], own_followers: set[str]
) -> str:
    to = _as_list(obj.get("to", activity.get("to")))
    cc = _as_list(obj.get("cc", activity.get("cc")))
    if any(x in PUBLIC for x in to):
        return "public"
    if any(x in PUBLIC for x in cc):
        return "unlisted"
    if any(x in own_followers for x in to):
        return "followers"
    return "direct"


def _actor_candidates(
    obj: Mapping[str, Any], activity: Mapping[str, Any], ego: str, own_followers: set[str]
) -> list[str]:
    """Actor URIs that a status addresses: its Mention tags, then the actors in ``cc``."""
    found: list[str] = []
    for tag in _as_list(obj.get("tag")):
        if isinstance(tag, Mapping) and tag.get("type") == "Mention":
            href = _uri(tag.get("href"))
            if href:
                found.append(href)
    for entry in _as_list(obj.get("cc")) + _as_list(activity.get("cc")):
        uri = _uri(entry)
        if (
            uri
            and uri not in PUBLIC
            and uri not in own_followers
            and not uri.endswith(("/followers", "/following"))
        ):
            found.append(uri)
    unique = list(dict.fromkeys(found))
    return [u for u in unique if u != ego]


def _author_of(target_uri: str, candidates: list[str], ego: str) -> str | None:
    """Author of ``target_uri``: owning candidate, URI pattern, then a lone candidate."""
    if target_uri.startswith(ego + "/"):
        return ego
    owners = [c for c in candidates if target_uri.startswith(c.rstrip("/") + "/")]
    if owners:
        return max(owners, key=len)
    by_pattern = resolve_status_author(target_uri)
    if by_pattern is not None:
        return by_pattern
    if len(candidates) == 1:
        return candidates[0]
    return None


def _quote_of(obj: Mapping[str, Any]) -> tuple[bool, str | None, bool]:
    """(is a quote, quoted URI, revoked) from ``quote`` / ``quoteUri`` / ``_misskey_quote``."""
    for key in ("quote", "quoteUri", "_misskey_quote", "quoteUrl"):
        value = obj.get(key)
        if value is None:
            continue
        if isinstance(value, Mapping) and value.get("type") == "Tombstone":
            return True, _uri(value), True
        uri = _uri(value)
        if uri:
            return True, uri, False
    return False, None, False


def _take_create(
    activity: Mapping[str, Any],
    ego: str,
    own_followers: set[str],
    rows: dict[str, list[Any]],
    mentions: list[tuple[str, str]],
    acct_to_uri: dict[str, str],
    accounts: dict[str, tuple[str | None, str | None]],
    ledger: Ledger,
    source: str,
) -> None:
    obj = activity.get("object")
    if not isinstance(obj, Mapping):
        ledger.add(source, "activity", "Create without an embedded object")
        return
    obj_type = obj.get("type")
    if obj_type not in _POST_TYPES:
        ledger.add(source, "activity", f"Create of object type {obj_type!r} not used")
        return
    post_id = _uri(obj.get("id"))
    if post_id is None:
        ledger.add(source, "post", "Note without an id")
        return
    author = _uri(obj.get("attributedTo")) or _uri(activity.get("actor")) or ego
    visibility = _visibility(activity, obj, own_followers)
    candidates = _actor_candidates(obj, activity, ego, own_followers)

    for tag in _as_list(obj.get("tag")):
        if isinstance(tag, Mapping) and tag.get("type") == "Mention":
            href = _uri(tag.get("href"))
            if not href:
                ledger.add(source, "mention", "Mention tag without href")
                continue
            mentions.append((post_id, href))
            name = tag.get("name")
            if isinstance(name, str) and name.strip("@"):
                acct = name.strip().lstrip("@")
                if "@" not in acct:  # a local account: Mastodon writes "@bob"
                    acct = f"{acct}@{_host(href)}"
                acct_to_uri.setdefault(_acct_key(acct), href)
                if href not in accounts or accounts[href][0] is None:
                    accounts[href] = (acct, None)

    kind = "post"
    parent_id: str | None = None
    parent_author: str | None = None
    in_reply_to = _uri(obj.get("inReplyTo"))
    is_quote, quoted, revoked = _quote_of(obj)
    if in_reply_to:
        parent_id = in_reply_to
        parent_author = _author_of(in_reply_to, candidates, ego)
        kind = "thread" if parent_author == ego else "reply"
        if parent_author is None:
            ledger.add(
                source,
                "post",
                "reply whose parent author the URI does not reveal "
                "(Misskey/Pleroma/other; parent_author missing)",
                action="flagged",
            )
        if is_quote:
            ledger.add(source, "post", "reply that also quotes (kept as a reply)", action="flagged")
    elif is_quote:
        kind = "quote"
        parent_id = quoted
        if revoked:
            ledger.add(
                source, "post", "quote revoked (Tombstone): quoted author unknown", action="flagged"
            )
        elif quoted:
            parent_author = _author_of(quoted, candidates, ego)
            if parent_author is None:
                ledger.add(
                    source,
                    "post",
                    "quoted author not revealed by the URI (parent_author missing)",
                    action="flagged",
                )
    text = None if visibility == "direct" else html_to_text(obj.get("content"))
    rows["post_id"].append(post_id)
    rows["author"].append(author)
    rows["created_at"].append(obj.get("published") or activity.get("published"))
    rows["kind"].append(kind)
    rows["parent_id"].append(parent_id)
    rows["parent_author"].append(parent_author)
    rows["visibility"].append(visibility)
    rows["text"].append(text)


def _take_announce(
    activity: Mapping[str, Any],
    ego: str,
    own_followers: set[str],
    rows: dict[str, list[Any]],
    ledger: Ledger,
    source: str,
) -> None:
    post_id = _uri(activity.get("id"))
    boosted = _uri(activity.get("object"))
    if post_id is None or boosted is None:
        ledger.add(source, "activity", "Announce without an id or object")
        return
    candidates = _actor_candidates({}, activity, ego, own_followers)
    boosted_author = _author_of(boosted, candidates, ego)
    if boosted_author is None:
        ledger.add(
            source, "post", "boosted author not revealed (parent_author missing)", action="flagged"
        )
    rows["post_id"].append(post_id)
    rows["author"].append(_uri(activity.get("actor")) or ego)
    rows["created_at"].append(activity.get("published"))
    rows["kind"].append("repost")
    rows["parent_id"].append(boosted)
    rows["parent_author"].append(boosted_author)
    rows["visibility"].append(_visibility(activity, {}, own_followers))
    rows["text"].append(None)


def _collection_items(files: ExportFiles, name: str) -> list[Any]:
    data = _load_json(files, name, "an OrderedCollection of status URIs")
    items = data.get("orderedItems") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise CorruptExportError(
            f"{files.path}:{name} should be an OrderedCollection with an 'orderedItems' list "
            f"of status URIs, but it is {type(data).__name__}"
            + ("" if not isinstance(data, Mapping) else " without such a list")
        )
    return items


def _read_likes(files: ExportFiles, ego: str, ledger: Ledger) -> pd.DataFrame | None:
    name = _member(files, ["likes.json"])
    if name is None:
        return None
    label = posixpath.basename(name)
    targets: list[str] = []
    post_ids: list[str] = []
    for item in _collection_items(files, name):
        uri = _uri(item)
        author = resolve_status_author(uri)
        if uri is None:
            ledger.add(label, "like", "not a status URI")
        elif author is None:
            ledger.add(label, "like", "liked status's author not revealed by its URI")
        else:
            targets.append(author)
            post_ids.append(uri)
    return pd.DataFrame(
        {
            "actor": pd.Series([ego] * len(targets), dtype=schema.ID_DTYPE),
            "target": pd.Series(targets, dtype=schema.ID_DTYPE),
            "created_at": pd.Series(
                pd.NaT, index=range(len(targets)), dtype=schema.TIMESTAMP_DTYPE
            ),
            "post_id": pd.Series(post_ids, dtype=schema.ID_DTYPE),
        }
    )
