"""Add the followers that an export lacks (CSV, saved API pages, or a DataFrame) to an Archive."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from .. import schema
from ..archive import Archive
from ..exceptions import (
    CorruptExportError,
    EmptyInputError,
    InvalidArgumentError,
    MissingColumnsError,
)
from ..ledger import Ledger

__all__ = ["add_followers"]

logger = logging.getLogger("engagemetrics")

_FORMATS = ("csv", "bluesky", "mastodon", "table")
# Column names tried, in order, for the follower's id in a CSV or a DataFrame.
_ID_COLUMNS = (
    "account address",
    "did",
    "account_id",
    "id",
    "user_id",
    "uri",
    "acct",
    "handle",
    "username",
    "screen_name",
    "follower",
    "followers",
    "account",
)
_HANDLE_COLUMNS = ("handle", "acct", "username", "screen_name")
_NAME_COLUMNS = ("display_name", "displayname", "name")


@dataclass
class _Follower:
    """One follower as the input gives it, before it is mapped to the archive's ids."""

    value: str | None = None  # a bare id, handle or acct (CSV, DataFrame)
    did: str | None = None  # Bluesky
    uri: str | None = None  # Mastodon actor URI (Account.uri, Mastodon >= 4.2)
    acct: str | None = None  # Mastodon acct (``bob`` if local, ``bob@host`` if remote)
    url: str | None = None  # Mastodon profile page, whose host completes a local acct
    handle: str | None = None
    display_name: str | None = None


def add_followers(
    archive: Archive,
    followers: Any,
    *,
    format: str | None = None,
    source: str | None = None,
) -> Archive:
    """A new Archive with the ego's followers added (``follower -> ego`` edges).

    Many exports lack the followers: a Bluesky repository holds only the follows
    its owner made, and Mastodon's archive holds neither list. This adds them from
    what the user saved separately.

    Parameters
    ----------
    archive : Archive
        An archive with an ego. It is not modified.
    followers : path, list of paths, dict, list of dicts or DataFrame
        * a CSV file: one column of ids, handles or accts, or a header row with an
          ``Account address`` column (Mastodon's CSV export) or one of ``did``,
          ``account_id``, ``id``, ``acct``, ``handle``, ``username``;
        * a JSON file, a folder of them, or the parsed JSON: pages of Bluesky's
          ``app.bsky.graph.getFollowers`` (``{"subject": profileView, "followers":
          [profileView, ...], "cursor": ...}``, each profileView with ``did``,
          ``handle``, ``displayName``), or pages of Mastodon's
          ``GET /api/v1/accounts/:id/followers`` (a JSON array of Account objects
          with ``id``, ``username``, ``acct``, ``url``, ``display_name`` and, since
          Mastodon 4.2, ``uri``);
        * a DataFrame with one of the id columns above (and optionally ``handle``,
          ``display_name``).
    format : {"csv", "bluesky", "mastodon", "table"}, optional
        Detected when omitted.
    source : str, optional
        Name of the input in the ledger (default: the file name).

    Returns
    -------
    Archive
        A new archive: ``follows`` gains one edge ``follower -> ego`` per new
        follower (``followed_at`` missing: neither API gives it); ``accounts``
        gains the followers, with handle and display name where the input has
        them (known values are not overwritten); the ledger counts every follower
        not added, and why.

    Raises
    ------
    NoEgoError
        The archive has no ego.
    InvalidArgumentError
        Unknown ``format``; a Bluesky page lists the followers of another account
        than the ego; an input of an unsupported type.
    CorruptExportError
        A file is not valid JSON/CSV, or JSON of neither API shape.

    Notes
    -----
    Identity follows the archive's id space (METRICS.md section 1):

    * **Bluesky**: by DID. A CSV value that is a handle is taken only when the
      archive knows that handle's DID (its accounts table); else it is counted.
    * **Mastodon**: the Mastodon reader names accounts by actor URI where the export
      reveals it and by ``user@domain`` otherwise, with ``handle = user@domain``.
      An API account is mapped, in order, by ``uri`` when the archive has that id;
      by its full acct (``acct``, completed with the host of ``url`` for a local
      account) when it matches a known account's handle or id; else its id is the
      full acct, as the reader does for accounts only known by acct. The profile
      ``url`` (``https://host/@bob``) is not an actor URI and is never used as an id.
    * **Other platforms**: a value that is an account id of the archive, or a known
      handle's id; else the value itself (for X, a non-numeric value that is not a
      known handle cannot be an id and is counted).

    Duplicates (within the input, and edges already in the archive) and the ego
    itself are not added; each is counted in the ledger.

    References
    ----------
    ``app.bsky.graph.getFollowers`` lexicon:
    https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/graph/getFollowers.json ;
    Mastodon: https://docs.joinmastodon.org/methods/accounts/#followers and
    https://docs.joinmastodon.org/entities/Account/

    Examples
    --------
    >>> import engagemetrics as em
    >>> a = em.Archive(follows=pd.DataFrame({"source": ["did:plc:me", "did:plc:me"],
    ...                                      "target": ["did:plc:ann", "did:plc:bob"]}),
    ...                ego="did:plc:me", platform="bluesky")
    >>> page = {"subject": {"did": "did:plc:me", "handle": "me.test"},
    ...         "followers": [{"did": "did:plc:ann", "handle": "ann.test"},
    ...                       {"did": "did:plc:cy", "handle": "cy.test"}]}
    >>> b = add_followers(a, page)
    >>> sorted(b.followers()), sorted(b.followers() & b.following())
    (['did:plc:ann', 'did:plc:cy'], ['did:plc:ann'])
    >>> len(a.follows), len(b.follows)
    (2, 4)
    """
    ego = archive.require_ego()
    if format is not None and format not in _FORMATS:
        raise InvalidArgumentError(
            f"format must be one of {_FORMATS} or None (detect), got {format!r}"
        )
    ledger = Ledger()
    entries: list[tuple[str, _Follower]] = []
    info: list[tuple[str, str | None, str | None]] = []
    for name, parsed in _inputs(followers, format, source):
        for item in parsed:
            if isinstance(item, _Subject):
                _check_subject(item, archive, name)
                # A repo never names its owner's handle; the page's subject does.
                info.append((ego, item.handle, item.display_name))
            else:
                entries.append((name, item))
    mapper = _Mapper(archive)
    seen: set[str] = set()
    existing = set(archive.followers())
    for name, follower in entries:
        account_id, reason = mapper.resolve(follower)
        if account_id is None:
            ledger.add(name, "follower", reason or "no id")
            continue
        info.append((account_id, mapper.handle_of(follower), follower.display_name))
        if account_id == ego:
            ledger.add(name, "follower", "the ego itself (a self-follow is not added)")
        elif account_id in seen:
            ledger.add(name, "follower", "listed more than once in the input")
        elif account_id in existing:
            ledger.add(name, "follower", "already in the archive's follows")
        else:
            seen.add(account_id)
    frame = pd.DataFrame(info, columns=["account_id", "handle", "display_name"])
    result = archive.with_followers(frame)
    # with_followers adds only the new ones; the ledger says why the others were not added.
    book = Ledger()
    book.extend(result.ledger)
    book.extend(ledger.to_frame())
    return result.replace(ledger=book.to_frame())


# --------------------------------------------------------------------------- inputs
@dataclass
class _Subject:
    """The account whose followers a Bluesky page lists."""

    did: str | None
    handle: str | None
    display_name: str | None = None


def _inputs(
    followers: Any, format: str | None, source: str | None
) -> Iterable[tuple[str, list[Any]]]:
    if isinstance(followers, pd.DataFrame):
        yield source or "DataFrame", _from_table(followers, source or "DataFrame")
        return
    if isinstance(followers, Mapping):
        yield source or "followers", _from_json(followers, format, source or "followers")
        return
    if isinstance(followers, (str, os.PathLike)):
        path = Path(followers)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".csv")
            )
            if not files:
                raise EmptyInputError(
                    f"{path} holds no .json or .csv file of followers; expected saved "
                    "getFollowers / followers API pages or a CSV"
                )
            for file in files:
                yield from _inputs(file, format, source)
            return
        yield source or path.name, _from_file(path, format, source or path.name)
        return
    if isinstance(followers, (list, tuple)):
        if followers and all(isinstance(x, Mapping) for x in followers):
            yield source or "followers", _from_json(list(followers), format, source or "followers")
            return
        if all(isinstance(x, (str, os.PathLike)) for x in followers):
            for item in followers:
                yield from _inputs(item, format, source)
            return
    raise InvalidArgumentError(
        "followers must be a path (CSV, JSON, or a folder of them), a list of paths, parsed "
        "API JSON (a getFollowers page dict, or a list of Mastodon Account dicts), or a "
        f"DataFrame; got {type(followers).__name__}"
    )


def _from_file(path: Path, format: str | None, name: str) -> list[Any]:
    raw = path.read_bytes()
    if not raw.strip():
        raise EmptyInputError(f"{path} is empty; expected followers (CSV or API JSON)")
    text = raw.decode("utf-8-sig", errors="replace")
    is_json = format in ("bluesky", "mastodon") or (
        format is None and (path.suffix.lower() == ".json" or text.lstrip()[:1] in "[{")
    )
    if is_json:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorruptExportError(
                f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}); expected a saved "
                "app.bsky.graph.getFollowers page or a Mastodon /followers response"
            ) from exc
        return _from_json(data, format, name)
    return _from_csv(text, name)


def _from_json(data: Any, format: str | None, name: str) -> list[Any]:
    if isinstance(data, Mapping) and "followers" in data and format in (None, "bluesky"):
        out: list[Any] = []
        subject = data.get("subject")
        if isinstance(subject, Mapping):
            out.append(
                _Subject(
                    _str(subject.get("did")),
                    _str(subject.get("handle")),
                    _str(subject.get("displayName")),
                )
            )
        if not isinstance(data["followers"], list):
            raise CorruptExportError(
                f"{name}: 'followers' is not a list; expected a getFollowers page"
            )
        for item in data["followers"]:
            if isinstance(item, Mapping):
                out.append(
                    _Follower(
                        did=_str(item.get("did")),
                        handle=_str(item.get("handle")),
                        display_name=_str(item.get("displayName")),
                    )
                )
            else:
                out.append(_Follower())
        return out
    if isinstance(data, list) and format in (None, "mastodon"):
        out = []
        for item in data:
            if not isinstance(item, Mapping):
                out.append(_Follower())
                continue
            out.append(
                _Follower(
                    uri=_str(item.get("uri")),
                    acct=_str(item.get("acct")),
                    url=_str(item.get("url")),
                    handle=_str(item.get("acct")),
                    display_name=_str(item.get("display_name")),
                )
            )
        return out
    found = sorted(data)[:6] if isinstance(data, Mapping) else type(data).__name__
    raise CorruptExportError(
        f"{name} is JSON of an unknown shape (found {found!r}); expected a Bluesky "
        "getFollowers page {'subject': ..., 'followers': [...]} or a Mastodon /followers "
        "response (a JSON array of Account objects)"
    )


def _from_csv(text: str, name: str) -> list[Any]:
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise EmptyInputError(f"{name} has no rows; expected one follower per row")
    header = [c.strip().lower() for c in rows[0]]
    id_col = next((header.index(c) for c in _ID_COLUMNS if c in header), None)
    if id_col is None:
        if len(header) > 1 and not _looks_like_id(rows[0][0]):
            raise CorruptExportError(
                f"{name} has columns {rows[0]!r} but none names the follower; expected one "
                f"column of ids/handles, or a header with one of {list(_ID_COLUMNS[:6])}"
            )
        id_col, body = 0, rows
    else:
        body = rows[1:]
    handle_col = next((header.index(c) for c in _HANDLE_COLUMNS if c in header), None)
    name_col = next((header.index(c) for c in _NAME_COLUMNS if c in header), None)
    out = []
    for row in body:
        value = row[id_col].strip() if id_col < len(row) else ""
        out.append(
            _Follower(
                value=value or None,
                handle=_cell(row, handle_col),
                display_name=_cell(row, name_col),
            )
        )
    return out


def _from_table(frame: pd.DataFrame, name: str) -> list[Any]:
    lowered = {str(c).strip().lower(): c for c in frame.columns}
    id_key = next((lowered[c] for c in _ID_COLUMNS if c in lowered), None)
    if id_key is None:
        if frame.shape[1] == 1:
            id_key = frame.columns[0]
        else:
            raise MissingColumnsError(
                "followers",
                ["did / account_id / id / acct / handle"],
                [str(c) for c in frame.columns],
                hint="name the follower column, e.g. frame.rename(columns={'x': 'account_id'})",
            )
    handle_key = next((lowered[c] for c in _HANDLE_COLUMNS if c in lowered), None)
    name_key = next((lowered[c] for c in _NAME_COLUMNS if c in lowered), None)
    ids = schema.to_id(frame[id_key], column=str(id_key), table="followers")
    handles = frame[handle_key].astype(object) if handle_key is not None else None
    names = frame[name_key].astype(object) if name_key is not None else None
    out = []
    for i, value in enumerate(ids.astype(object)):
        out.append(
            _Follower(
                value=None if pd.isna(value) else str(value),
                handle=_str(handles.iloc[i]) if handles is not None else None,
                display_name=_str(names.iloc[i]) if names is not None else None,
            )
        )
    return out


def _check_subject(subject: _Subject, archive: Archive, name: str) -> None:
    if subject.did and archive.ego and subject.did != archive.ego:
        raise InvalidArgumentError(
            f"{name} lists the followers of {subject.did} ({subject.handle}), but the archive's "
            f"ego is {archive.ego}; save getFollowers?actor={archive.ego} instead"
        )


# --------------------------------------------------------------------------- identity
class _Mapper:
    """Maps a follower of the input to an account id of the archive's id space."""

    def __init__(self, archive: Archive) -> None:
        self.platform = archive.platform
        self.ego = archive.ego or ""
        accounts = archive.accounts
        self.ids = set(accounts["account_id"].dropna().tolist())
        self.ids |= set(archive.follows["source"].tolist()) | set(archive.follows["target"])
        known = accounts.dropna(subset=["handle"])
        self.by_handle = {
            _key(h): i for h, i in zip(known["handle"], known["account_id"], strict=True)
        }
        self.ego_host = self._ego_host(accounts)

    def _ego_host(self, accounts: pd.DataFrame) -> str | None:
        row = accounts[accounts["account_id"] == self.ego]
        handle = row["handle"].iloc[0] if len(row) else None
        if isinstance(handle, str) and "@" in handle.strip("@"):
            return handle.strip("@").split("@", 1)[1].lower()
        host = _host(self.ego)
        return host or None

    def handle_of(self, f: _Follower) -> str | None:
        if self.platform == "mastodon":
            return self._full_acct(f.acct or f.handle, f.url) or f.handle
        return f.handle

    def _full_acct(self, acct: str | None, url: str | None) -> str | None:
        if not acct:
            return None
        acct = acct.strip().lstrip("@")
        if "@" in acct:
            return acct
        host = _host(url) if url else self.ego_host
        return f"{acct}@{host}" if host else None

    def resolve(self, f: _Follower) -> tuple[str | None, str | None]:
        """(account id, None) or (None, the reason it cannot be mapped)."""
        if self.platform == "bluesky":
            did = f.did or (f.value if f.value and f.value.startswith("did:") else None)
            if did:
                return did, None
            handle = f.handle or f.value
            if handle and _key(handle) in self.by_handle:
                return self.by_handle[_key(handle)], None
            return None, "handle not resolvable to a DID offline (identity is by DID)"
        if self.platform == "mastodon":
            if f.uri and f.uri in self.ids:
                return f.uri, None
            value = f.value
            if value and value.startswith(("https://", "http://")):
                return value, None
            acct = self._full_acct(f.acct or value, f.url)
            if acct is None:
                return None, "acct without a domain, and the ego's server is unknown"
            # A known handle maps to the id the reader chose (a URI where the export
            # revealed one); otherwise the full acct is the id, as in the reader.
            return self.by_handle.get(_key(acct), acct), None
        value = f.value or f.did or f.acct or f.handle
        if not value:
            return None, "no id"
        if value in self.ids:
            return value, None
        if _key(value) in self.by_handle:
            return self.by_handle[_key(value)], None
        if self.platform == "twitter" and not value.isdigit():
            return None, "screen name not resolvable to an X account id offline"
        return value, None


# --------------------------------------------------------------------------- helpers
def _str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _cell(row: list[str], col: int | None) -> str | None:
    if col is None or col >= len(row):
        return None
    return _str(row[col])


def _key(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def _host(uri: str) -> str:
    try:
        return (urlsplit(uri).hostname or "").lower()
    except ValueError:
        return ""


def _looks_like_id(value: str) -> bool:
    v = value.strip()
    return v.startswith(("did:", "http", "@")) or "@" in v or v.isdigit()
