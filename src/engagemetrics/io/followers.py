"""Add the followers that an export lacks (CSV, saved API pages, or a DataFrame) to an Archive."""

from __future__ import annotations

import csv
import io
import os
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import schema
from ..archive import Archive
from ..exceptions import (
    CorruptExportError,
    EmptyInputError,
    InvalidArgumentError,
    MissingColumnsError,
)
from ..identity import IdentityIndex, home_host, host_of, standalone_id
from ..ledger import Ledger
from ._container import ExportFiles

__all__ = ["AccountEntry", "EntryMapper", "add_followers", "read_account_csv"]

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
class AccountEntry:
    """One account of a follow list as the input gives it, before it is mapped to an id."""

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
    Identity follows the archive's id space (docs/definitions.md, "The canonical tables"):

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
    archive.require_ego()
    if format is not None and format not in _FORMATS:
        raise InvalidArgumentError(
            f"format must be one of {_FORMATS} or None (detect), got {format!r}"
        )
    return add_parsed_followers(archive, _inputs(followers, format, source))


def add_parsed_followers(archive: Archive, inputs: Iterable[tuple[str, list[Any]]]) -> Archive:
    """:func:`add_followers` on inputs already parsed: ``(name, entries)`` per input.

    The Mastodon reader uses it for the followers CSV it finds inside an export.
    """
    ego = archive.require_ego()
    ledger = Ledger()
    entries: list[tuple[str, AccountEntry]] = []
    rows: list[tuple[str, str | None, str | None, list[str]]] = []
    for name, parsed in inputs:
        for item in parsed:
            if isinstance(item, _Subject):
                _check_subject(item, archive, name)
                # A repo never names its owner's handle; the page's subject does.
                rows.append((ego, item.handle, item.display_name, []))
            elif isinstance(item, _Noted):
                ledger.add(*item.note[:4], action=item.note[4])
            else:
                entries.append((name, item))
    mapper = EntryMapper.of(archive)
    seen: set[str] = set()
    existing = set(archive.followers())
    for name, follower in entries:
        account_id, reason, matched = mapper.map(follower)
        if account_id is None:
            ledger.add(name, "follower", reason or "no id")
            continue
        if not matched:
            mapper.index.add(account_id, handle=mapper.handle_of(follower))
        forms = [f for f in mapper.forms(follower) if f != account_id]
        rows.append((account_id, mapper.handle_of(follower), follower.display_name, forms))
        if account_id == ego:
            ledger.add(name, "follower", "the ego itself (a self-follow is not added)")
        elif account_id in seen:
            ledger.add(name, "follower", "listed more than once in the input")
        elif account_id in existing:
            ledger.add(name, "follower", "already in the archive's follows")
        else:
            seen.add(account_id)
            if not matched:
                ledger.add(name, "follower", UNMATCHED.format(side="follower"), action="flagged")
    frame = pd.DataFrame(rows, columns=["account_id", "handle", "display_name", "aliases"])
    result = archive.with_followers(frame)
    # with_followers adds only the new ones; the ledger says why the others were not added.
    book = Ledger()
    book.extend(result.ledger)
    book.extend(ledger.to_frame())
    return result.replace(ledger=book.to_frame())


# --------------------------------------------------------------------------- inputs
@dataclass
class _Noted:
    """A fact about the container the followers came in (a file not read), for the ledger."""

    note: tuple[str, str, str, int, str]


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
        # A file, or a folder or zip of saved pages: read through the export container.
        parsed: list[tuple[str, list[Any]]] = []
        with ExportFiles(followers) as files:
            members = files.names()
            if files.kind != "file":
                members = [n for n in members if n.lower().endswith((".json", ".csv"))]
            if not members:
                raise EmptyInputError(
                    f"{followers} holds no .json or .csv file of followers; expected saved "
                    "getFollowers / followers API pages or a CSV"
                )
            book = Ledger()
            files.note_into(book)
            files.count_unread(members, "", book, "neither JSON nor CSV (not read)")
            noted: list[Any] = [
                _Noted((str(source), str(kind), str(reason), int(count), str(action)))
                for source, kind, count, reason, action in book.to_frame().itertuples(
                    index=False, name=None
                )
            ]
            for member in members:
                label = source or posixpath.basename(member)
                parsed.append((label, _from_member(files, member, format, label)))
        if noted:
            parsed.append((files.path.name, noted))
        yield from parsed
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


def _from_member(files: ExportFiles, member: str, format: str | None, name: str) -> list[Any]:
    """The followers of one saved file: API pages (JSON) or a CSV."""
    text = files.read_text(member)
    if not text.strip():
        raise EmptyInputError(
            f"{files.label(member)} is empty; expected followers (CSV or API JSON)"
        )
    is_json = format in ("bluesky", "mastodon") or (
        format is None and (member.lower().endswith(".json") or text.lstrip()[:1] in "[{")
    )
    if is_json:
        data = files.read_json(
            member,
            expected="a saved app.bsky.graph.getFollowers page or a Mastodon /followers response",
        )
        return _from_json(data, format, name)
    return read_account_csv(text, name)


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
                    AccountEntry(
                        did=_str(item.get("did")),
                        handle=_str(item.get("handle")),
                        display_name=_str(item.get("displayName")),
                    )
                )
            else:
                out.append(AccountEntry())
        return out
    if isinstance(data, list) and format in (None, "mastodon"):
        out = []
        for item in data:
            if not isinstance(item, Mapping):
                out.append(AccountEntry())
                continue
            out.append(
                AccountEntry(
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


def read_account_csv(text: str, name: str) -> list[AccountEntry]:
    """The accounts of a follow-list CSV: one per row, header optional.

    A header row is recognised by a column named like an account (``Account address``,
    Mastodon's; ``did``, ``account_id``, ``id``, ``acct``, ``handle``, ...), and then
    ``handle`` and ``display_name`` columns are read too; without one, column 0 holds
    the accounts (Mastodon's 2-column and header-less exports, Pleroma, Takahe). An
    empty cell gives an entry without a value (the caller counts it).

    Parameters
    ----------
    text : str
        The CSV.
    name : str
        The file's name, for messages.

    Returns
    -------
    list of AccountEntry

    Raises
    ------
    EmptyInputError
        The text holds no row.
    CorruptExportError
        It is not readable CSV, or has a header that names no account column.

    Examples
    --------
    >>> [e.value for e in read_account_csv(
    ...     "Account address,Show boosts\\nbob@mastodon.social,true\\n,false\\n", "f.csv")]
    ['bob@mastodon.social', None]
    >>> [e.value for e in read_account_csv("carol@other.example,true,false,\\n", "f.csv")]
    ['carol@other.example']
    """
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise CorruptExportError(
            f"{name} is not a readable CSV file ({exc}); expected one account per row"
        ) from exc
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
            AccountEntry(
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
            AccountEntry(
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
#: Ledger reason of a follow-list entry kept under its own form (``side``: following, follower).
UNMATCHED = "{side} entry matched to no account seen in the archive (kept as given)"


class EntryMapper:
    """Maps an entry of a follow list to an account id of an export's id space.

    Every form the entry carries (an actor URI, an acct, a DID, a handle, a profile URL)
    is looked up in the export's accounts by the identity rules of its platform
    (:mod:`engagemetrics.identity`); the first that meets an account gives its canonical
    id. An entry that meets none keeps a form that can be an id of its own (for
    Mastodon its full ``user@host``, the form a following CSV gives, so that the same
    person meets across lists), else it cannot be placed.

    Parameters
    ----------
    index : IdentityIndex
        The accounts known so far (the mapper adds none by itself).
    ego_host : str, optional
        The ego's server, which completes a Mastodon acct written without a host.
    """

    def __init__(self, index: IdentityIndex, ego_host: str | None = None) -> None:
        self.index = index
        self.platform = index.platform
        self.ego_host = ego_host

    @classmethod
    def of(cls, archive: Archive) -> EntryMapper:
        """A mapper over an archive's accounts and every id its tables use."""
        return cls(archive._identity_index(), ego_host=_ego_host(archive))

    def _full_acct(self, acct: str | None, url: str | None) -> str | None:
        if not acct:
            return None
        acct = acct.strip().lstrip("@")
        if "@" in acct:
            return acct
        host = host_of(url) if url else self.ego_host
        return f"{acct}@{host}" if host else None

    def forms(self, entry: AccountEntry) -> list[str]:
        """Every form of the entry, the most telling first."""
        if self.platform == "mastodon":
            value = entry.value
            if value and not value.startswith(("https://", "http://")):
                value = self._full_acct(value, None) or value
            found = [entry.uri, self._full_acct(entry.acct, entry.url), value, entry.url]
        elif self.platform == "bluesky":
            found = [entry.did, entry.value, entry.handle]
        else:
            found = [entry.value, entry.did, entry.acct, entry.handle]
        out: list[str] = []
        for form in found:
            if form and form.strip() and form.strip() not in out:
                out.append(form.strip())
        return out

    def handle_of(self, entry: AccountEntry) -> str | None:
        """The handle the entry shows (for Mastodon, the full ``user@host``)."""
        if self.platform == "mastodon":
            return self._full_acct(entry.acct or entry.handle or entry.value, entry.url) or (
                entry.handle
            )
        return entry.handle

    def map(self, entry: AccountEntry) -> tuple[str | None, str | None, bool]:
        """``(id, None, True)`` for a known account; ``(id, None, False)`` for a form kept
        as an id of its own; ``(None, why, False)`` when it cannot be placed."""
        forms = self.forms(entry)
        for form in forms:
            found = self.index.resolve(form)
            if found is not None:
                return found, None, True
        if not forms:
            return None, "no id", False
        if self.platform == "mastodon":
            # the acct (what a CSV names), else the actor URI; a profile URL is no id
            forms = [f for f in forms if f != entry.url] or forms
            forms.sort(key=lambda f: f.startswith(("https://", "http://")))
        reason = None
        for form in forms:
            account_id, why = standalone_id(self.platform, form)
            if account_id is not None:
                return account_id, None, False
            reason = reason or why
        return None, reason, False


def _ego_host(archive: Archive) -> str | None:
    accounts = archive.accounts
    row = accounts[accounts["account_id"] == archive.ego]
    handle = row["handle"].iloc[0] if len(row) else None
    return home_host(archive.ego or "", handle if isinstance(handle, str) else None)


# --------------------------------------------------------------------------- helpers
def _str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _cell(row: list[str], col: int | None) -> str | None:
    if col is None or col >= len(row):
        return None
    return _str(row[col])


def _looks_like_id(value: str) -> bool:
    v = value.strip()
    return v.startswith(("did:", "http", "@")) or "@" in v or v.isdigit()
