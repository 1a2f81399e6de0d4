"""Pseudonymize an archive before sharing it: keyed hashes for every id, handle and name; no text.

An export names real people: the owner, everyone they follow, reply to or mention, and
what they wrote. :func:`pseudonymize` replaces every such name by a keyed hash and drops
the post text, so that an archive can be shared (with a colleague, in a bug report) and
its metrics recomputed, without the names. ``docs/privacy.md`` says what the library never
shows, and how to share a pseudonymized archive.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import schema
from .archive import Archive
from .coverage import PARTS
from .exceptions import InvalidArgumentError, UnsupportedBackendError
from .ledger import LEDGER_COLUMNS

__all__ = ["DIGITS", "pseudonym", "pseudonymize"]

#: Hexadecimal digits of a pseudonym (64 bits of the HMAC-SHA256).
DIGITS = 16
# The kinds of names, each hashed under its own tag and shown with its own first letter.
_ACCOUNT, _POST, _NAME = "account", "post", "name"
_LETTER = {_ACCOUNT: "u", _POST: "p", _NAME: "n"}
_ACCOUNT_COLUMNS = {
    "follows": ("source", "target"),
    "posts": ("author", "parent_author", "root_author"),
    "interactions": ("actor", "target"),
}
_POST_COLUMNS = {"posts": ("post_id", "parent_id", "root_id"), "interactions": ("post_id",)}
# Punctuation around a name in a sentence of the ledger: "(1964312974236991488)", "'bob'".
_EDGES = "()[]{}'\"`,;.!?"
_ABSOLUTE_PATH = re.compile(r"^(?:/|~|[A-Za-z]:[\\/])")


def _key(salt: str | bytes) -> bytes:
    if isinstance(salt, str):
        salt = salt.encode("utf-8")
    if not isinstance(salt, (bytes, bytearray)) or not salt:
        raise InvalidArgumentError(
            "salt must be a non-empty secret (str or bytes), e.g. secrets.token_hex(16); keep "
            "it to pseudonymize later exports the same way, and never share it; got "
            f"{salt!r}" if not isinstance(salt, (bytes, bytearray)) else
            "salt must be a non-empty secret (str or bytes), e.g. secrets.token_hex(16); got "
            "an empty one"
        )
    return bytes(salt)


def pseudonym(value: str, salt: str | bytes, *, kind: str = _ACCOUNT) -> str:
    """The pseudonym of one id, handle or name, as :func:`pseudonymize` writes it.

    ``letter + hex(HMAC-SHA256(salt, kind + ":" + value))[:16]``, where ``letter`` is
    ``u`` for an account (its id, handle or any other form of it), ``p`` for a post and
    ``n`` for a display name. The same value and salt always give the same pseudonym;
    without the salt it cannot be computed, so a name cannot be tested against it.

    Parameters
    ----------
    value : str
        The id, handle or name.
    salt : str or bytes
        The secret key (a string is encoded as UTF-8).
    kind : {"account", "post", "name"}

    Returns
    -------
    str

    Raises
    ------
    InvalidArgumentError
        ``salt`` is empty or not a string, or ``kind`` is not one of the three.

    Examples
    --------
    >>> pseudonym("bob@mastodon.social", "s3cret")
    'u975da5798d473c42'
    >>> import hashlib, hmac  # the same, by hand
    >>> "u" + hmac.new(b"s3cret", b"account:bob@mastodon.social", hashlib.sha256).hexdigest()[:16]
    'u975da5798d473c42'
    >>> pseudonym("bob@mastodon.social", "s3cret") == pseudonym("bob@mastodon.social", "other")
    False
    """
    if kind not in _LETTER:
        raise InvalidArgumentError(f"kind must be one of {sorted(_LETTER)}, got {kind!r}")
    return _Hasher(_key(salt)).one(str(value), kind)


class _Hasher:
    """Keyed hashes of many values, each hashed once."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.seen: dict[tuple[str, str], str] = {}

    def one(self, value: str, kind: str) -> str:
        found = self.seen.get((kind, value))
        if found is None:
            message = f"{kind}:{value}".encode("utf-8", "surrogatepass")
            digest = hmac.new(self.key, message, hashlib.sha256).hexdigest()
            found = self.seen[(kind, value)] = _LETTER[kind] + digest[:DIGITS]
        return found

    def column(self, values: pd.Series, kind: str) -> pd.Series:
        """A column of ids, each distinct value hashed once (missing stays missing)."""
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
        mapped = np.array([self.one(str(v), kind) for v in uniques] + [None], dtype=object)
        return pd.Series(mapped[codes], index=values.index, dtype=values.dtype)

    def lists(self, values: pd.Series, kind: str) -> pd.Series:
        """A column of lists of strings (``accounts.aliases``), each string hashed."""
        chunked = pa.chunked_array(pa.array(values.array)) if len(values) else None
        if chunked is None:
            return values
        array = chunked.combine_chunks()
        flat = array.flatten().to_pylist()
        hashed = pa.array([None if v is None else self.one(v, kind) for v in flat], pa.string())
        rebuilt = pa.ListArray.from_arrays(array.offsets, hashed, mask=array.is_null())
        return pd.Series(rebuilt, index=values.index, dtype=values.dtype)

    def check(self) -> None:
        """Refuse the (astronomically unlikely) case of two values with one pseudonym."""
        made = list(self.seen.values())
        if len(set(made)) != len(made):
            raise InvalidArgumentError(
                "two different values got the same pseudonym with this salt; choose another salt"
            )


def pseudonymize(archive: Archive, salt: str | bytes) -> Archive:
    """A copy of an archive with every id, handle and name replaced by a keyed hash, and no text.

    Every account id and every other form of an account (handles, ``aliases``) becomes
    :func:`pseudonym` of it, in every table: ``follows``, ``posts`` (authors, parent and
    root authors), ``interactions``, ``accounts``, the ``ego`` and the owners of merged
    exports (``coverage.owners``). Post ids (which can embed account ids: Mastodon status
    URIs, Bluesky ``at://`` URIs) are hashed the same way, in ``posts`` (``post_id``,
    ``parent_id``, ``root_id``) and ``interactions``. Display names are hashed too. The
    post ``text`` column is dropped. The ledger's and the coverage's sentences keep their
    meaning, with every id, handle and name in them replaced by its pseudonym, and a
    path on the reader's disk replaced by its last part.

    The same value and salt give the same pseudonym, so archives pseudonymized with one
    salt still meet each other (:func:`engagemetrics.merge` works on them), and every
    metric is unchanged: an account's numbers are the same under its pseudonym.

    Parameters
    ----------
    archive : Archive
        Any archive (an export read by :func:`engagemetrics.load`, or built from tables).
    salt : str or bytes
        A secret key: long and random (``secrets.token_hex(16)``). Keep it private and
        keep it: whoever has it can test a guessed name against a pseudonym, and the same
        salt pseudonymizes a later export consistently.

    Returns
    -------
    Archive
        A new archive; ``archive`` is not modified. Timestamps, kinds, visibility, the
        coverage (what is known and why) and the ledger's counts are kept.

    Raises
    ------
    InvalidArgumentError
        ``salt`` is empty or not a string or bytes.
    UnsupportedBackendError
        ``archive`` is not an :class:`~engagemetrics.Archive`.

    Notes
    -----
    A pseudonym is ``letter + hex(HMAC-SHA256(salt, kind + ":" + value))[:16]``, where
    ``letter`` and ``kind`` are ``u``/``account`` for an account's id or handle, ``p``/``post``
    for a post id and ``n``/``name`` for a display name (``docs/privacy.md``). 64 bits: two
    of ten million values share one with a chance of about one in 370,000; the function
    checks, and asks for another salt if it ever happens.

    Pseudonymized is not anonymous: the timestamps and the shape of the follow graph stay,
    and can identify an account to someone who knows it well. Share with care.

    References
    ----------
    Krawczyk, Bellare & Canetti, "HMAC: Keyed-Hashing for Message Authentication",
    RFC 2104 (1997).

    Examples
    --------
    >>> import engagemetrics as em
    >>> a = em.Archive(follows=pd.DataFrame({"source": ["me", "ann", "me"],
    ...                                      "target": ["ann", "me", "bob"]}), ego="me")
    >>> p = em.pseudonymize(a, "s3cret")
    >>> p.ego == em.privacy.pseudonym("me", "s3cret")
    True
    >>> sorted(p.following()) == sorted(em.privacy.pseudonym(x, "s3cret") for x in ["ann", "bob"])
    True
    >>> p.follows["source"].iloc[0]
    'u95cf26aa317eda73'
    >>> em.reciprocity(p.follows) == em.reciprocity(a.follows)  # 2 of 3 edges reciprocated
    True
    """
    if not isinstance(archive, Archive):
        raise UnsupportedBackendError(
            f"pseudonymize takes an engagemetrics.Archive, got {type(archive).__name__}; "
            "wrap tables with em.Archive(follows=..., posts=..., ego=...)"
        )
    hasher = _Hasher(_key(salt))
    tables: dict[str, pd.DataFrame] = {}
    for name, canonical in (
        ("follows", schema.FOLLOWS_COLUMNS),
        ("posts", schema.POSTS_COLUMNS),
        ("interactions", schema.INTERACTIONS_COLUMNS),
    ):
        frame = getattr(archive, name)
        # the canonical columns only: the text, and any other column, is dropped
        frame = frame[[c for c in canonical if c in frame.columns]].copy()
        for column in _ACCOUNT_COLUMNS.get(name, ()):
            frame[column] = hasher.column(frame[column], _ACCOUNT)
        for column in _POST_COLUMNS.get(name, ()):
            frame[column] = hasher.column(frame[column], _POST)
        tables[name] = frame
    accounts = archive.accounts.copy()
    accounts["account_id"] = hasher.column(accounts["account_id"], _ACCOUNT)
    accounts["handle"] = hasher.column(accounts["handle"], _ACCOUNT)
    accounts["display_name"] = hasher.column(accounts["display_name"], _NAME)
    accounts["aliases"] = hasher.lists(accounts["aliases"], _ACCOUNT)

    ego = None if archive.ego is None else hasher.one(archive.ego, _ACCOUNT)
    owners = [hasher.one(o, _ACCOUNT) for o in sorted(archive.coverage.owners - {archive.ego})]
    scrub = _scrubber(archive, hasher)
    ledger = archive.ledger[list(LEDGER_COLUMNS)].copy()
    for column in ("source", "reason"):
        ledger[column] = [scrub(str(v)) for v in ledger[column]]
    unknown: dict[str, str | None] = {
        part: None if (why := archive.coverage.reason(part)) is None else scrub(why)
        for part in PARTS
    }
    hasher.check()
    return Archive(
        follows=tables["follows"],
        posts=tables["posts"],
        interactions=tables["interactions"],
        accounts=accounts,
        ego=ego,
        platform=archive.platform,
        exported_at=archive.exported_at,
        ledger=ledger,
        scope=archive.coverage.scope,
        unknown=unknown,
        owners=owners,
    )


def _scrubber(archive: Archive, hasher: _Hasher) -> Callable[[str], str]:
    """Replaces, in a sentence of the ledger or coverage, every name the archive knows.

    A word that is an id, handle, alias, post id or display name is replaced by its
    pseudonym; the owners' names are replaced inside words too (a download's file name
    holds the owner's username: ``instagram-<username>-<date>.zip``); an absolute path on
    the reader's disk keeps only its last part.
    """
    known: dict[str, str] = {}

    def add(values: Iterable[Any], kind: str) -> None:
        for v in values:
            if isinstance(v, str) and v:
                known.setdefault(v, hasher.one(v, kind))

    accounts = archive.accounts
    add(pd.unique(accounts["display_name"].dropna().to_numpy(dtype=object)), _NAME)
    for name, columns in _POST_COLUMNS.items():
        for column in columns:
            add(pd.unique(getattr(archive, name)[column].dropna().to_numpy(dtype=object)), _POST)
    for name, columns in _ACCOUNT_COLUMNS.items():
        for column in columns:
            add(pd.unique(getattr(archive, name)[column].dropna().to_numpy(dtype=object)),
                _ACCOUNT)
    add(pd.unique(accounts["account_id"].dropna().to_numpy(dtype=object)), _ACCOUNT)
    add(pd.unique(accounts["handle"].dropna().to_numpy(dtype=object)), _ACCOUNT)
    aliases = accounts["aliases"]
    if len(aliases):
        add(pa.chunked_array(pa.array(aliases.array)).combine_chunks().flatten().to_pylist(),
            _ACCOUNT)
    owners = {archive.ego, *archive.coverage.owners} - {None}
    rows = accounts[accounts["account_id"].isin(list(owners))]
    forms: list[tuple[str, str]] = []
    for account, handle, display, more in rows.itertuples(index=False, name=None):
        for form, kind in ((account, _ACCOUNT), (handle, _ACCOUNT), (display, _NAME),
                           *((a, _ACCOUNT) for a in (more if more is not None else []))):
            if isinstance(form, str) and len(form) >= 3:
                forms.append((form, hasher.one(form, kind)))
    forms += [(str(o), hasher.one(str(o), _ACCOUNT)) for o in owners if len(str(o)) >= 3]
    # "ego" is the placeholder owner of exports that do not name theirs: a word of the prose
    forms = sorted((p for p in forms if p[0] != "ego"), key=lambda pair: -len(pair[0]))
    # inside a word, but not inside a longer id or a pseudonym: no letter or digit around
    inside = (
        re.compile(
            "(?<![A-Za-z0-9])(?:" + "|".join(re.escape(f) for f, _ in forms) + ")(?![A-Za-z0-9])",
            re.IGNORECASE,
        )
        if forms
        else None
    )
    by_lower = {f.lower(): p for f, p in forms}

    def word(token: str) -> str:
        core = token.strip(_EDGES)
        if not core:
            return token
        start = token.index(core)
        if core in known:
            new = known[core]
        elif _ABSOLUTE_PATH.match(core):
            new = "<path>/" + os.path.basename(core.rstrip("/\\"))
        else:
            return token
        return token[:start] + new + token[start + len(core) :]

    def scrub(text: str) -> str:
        out = " ".join(word(t) for t in text.split(" "))
        if inside is not None:
            out = inside.sub(lambda m: by_lower.get(m.group(0).lower(), m.group(0)), out)
        return out

    return scrub
