"""One account, one id: the forms an account appears under, per platform, and how they meet.

An export names the same person in several ways. A Mastodon outbox uses actor URIs
(``https://host/users/bob``), its CSV exports use ``bob@host``, and profile links use
``https://host/@bob``; an X archive gives numeric ids in some places and screen names in
others; Bluesky records use DIDs where people see handles. Every account keeps **one
canonical id** (``docs/importers.md``, "One account, one id"), and every other form seen for
it is recorded in the ``aliases`` column of the accounts table. This module holds the rules
by which a form meets an account; it reads no file.

The rules, per platform:

* **Mastodon** (and the fediverse): the pairs the export itself states (a Mention tag's
  ``href`` with its ``name``, ``actor.json``'s ``id`` with ``preferredUsername`` and
  ``url``) are recorded as aliases by the reader; beyond them, only the classic shapes
  ``https://host/users/<name>`` and ``https://host/@<name>`` mean ``<name>@host``
  (case-insensitive). A numeric URI (``https://host/ap/users/<digits>``) reveals no name:
  it meets an ``acct`` only through a stated pair.
* **X**: a numeric id; or a screen name, case-insensitive, without ``@``.
* **Bluesky**: a DID; or a handle, case-insensitive, without ``@`` or ``at://``.
* **Instagram / Threads**: the username, case-insensitive, without ``@``.
* **LinkedIn**: the profile URL in its normal form (:func:`normalise_profile_url`).
* Anything else: the exact text.

Examples
--------
>>> index = IdentityIndex("mastodon")
>>> index.add("https://mastodon.social/users/carol")
>>> index.add("https://mastodon.social/ap/users/1168", aliases=["bob@mastodon.social"])
>>> index.resolve("@Carol@mastodon.social"), index.resolve("https://mastodon.social/@bob")
('https://mastodon.social/users/carol', 'https://mastodon.social/ap/users/1168')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd

from .exceptions import InvalidArgumentError

__all__ = [
    "IdentityIndex",
    "acct_key",
    "home_host",
    "host_of",
    "lookup_keys",
    "normalise_profile_url",
    "standalone_id",
]

# /users/<name> (Mastodon before numeric ids, Pleroma, Akkoma, GoToSocial) and the profile
# URL /@<name>, which Mastodon also writes as /@<name>@<host> for a remote account.
_CLASSIC_PATH = re.compile(r"^/(?:users/|@)([^/@?#\s]+)(?:@([^/?#\s]+))?/?$")
_ACCT = re.compile(r"^@?([^@\s/]+)@([^@\s/]+\.[^@\s/]+)$")

#: Why a form that matches no account cannot be an id of its own, per platform.
_NOT_AN_ID = {
    "twitter": "screen name not resolvable to an X account id offline",
    "bluesky": "handle not resolvable to a DID offline (identity is by DID)",
    "mastodon": "acct without a domain, and the ego's server is unknown",
}


def host_of(uri: Any) -> str:
    """The lower-cased host of a URL, or ``""`` when it has none.

    Examples
    --------
    >>> host_of("https://Mastodon.Social/users/bob")
    'mastodon.social'
    >>> host_of("bob@mastodon.social")
    ''
    """
    if not isinstance(uri, str):
        return ""
    try:
        return (urlsplit(uri.strip()).hostname or "").lower()
    except ValueError:
        return ""


def acct_key(acct: str) -> str:
    """A handle or ``user@host`` as a lookup key: stripped, without a leading ``@``, lower-cased.

    Examples
    --------
    >>> acct_key(" @Bob@Mastodon.Social ")
    'bob@mastodon.social'
    """
    return acct.strip().lstrip("@").lower()


def home_host(account_id: str, handle: str | None = None) -> str | None:
    """The server of a fediverse account: the host of its ``user@host`` handle, else of its URI.

    It completes an acct written without a host (``bob`` for a local account).

    Examples
    --------
    >>> home_host("https://mastodon.social/ap/users/1168", "alice@mastodon.social")
    'mastodon.social'
    >>> home_host("https://example.social/users/alice")
    'example.social'
    """
    if isinstance(handle, str) and "@" in handle.strip().lstrip("@"):
        return handle.strip().lstrip("@").split("@", 1)[1].lower()
    return host_of(account_id) or None


def normalise_profile_url(url: str | None) -> str | None:
    """A LinkedIn profile URL in one canonical form, or None when it is not one.

    The scheme becomes ``https``, any ``*.linkedin.com`` host ``www.linkedin.com``;
    query, fragment and trailing slash go; the path's first two segments
    (``in/<slug>``) are percent-decoded and lower-cased.

    Parameters
    ----------
    url : str or None

    Returns
    -------
    str or None
        ``https://www.linkedin.com/in/<slug>``, or None for an empty or non-LinkedIn URL.

    Examples
    --------
    >>> normalise_profile_url("http://uk.linkedin.com/in/Bob-Sacheli/?trk=x#top")
    'https://www.linkedin.com/in/bob-sacheli'
    >>> normalise_profile_url("https://www.linkedin.com/in/j%C3%BCrgen-m")
    'https://www.linkedin.com/in/jürgen-m'
    >>> normalise_profile_url("") is None
    True
    """
    if not isinstance(url, str) or not url.strip():
        return None
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return None
    segments = [s for s in unquote(parts.path).split("/") if s]
    if len(segments) < 2:
        return None
    return f"https://www.linkedin.com/{segments[0].lower()}/{segments[1].lower()}"


def _mastodon_keys(form: str) -> tuple[str, ...]:
    if form.startswith(("https://", "http://")):
        host = host_of(form)
        try:
            path = urlsplit(form).path
        except ValueError:
            path = ""
        match = _CLASSIC_PATH.match(path)
        if host and match:
            name, other_host = match.groups()
            return (f"uri:{form}", f"acct:{name.lower()}@{(other_host or host).lower()}")
        return (f"uri:{form}",)
    match = _ACCT.match(form)
    if match:
        return (f"acct:{match.group(1).lower()}@{match.group(2).lower()}",)
    return (f"raw:{form}",)


def lookup_keys(platform: str, form: Any, *, handle: bool = False) -> tuple[str, ...]:
    """The keys under which ``form`` can meet an account of ``platform``, most specific first.

    Two forms name the same account when they share a key (and no other account has
    that key). The keys follow the rules in the module docstring.

    Parameters
    ----------
    platform : str
        One of :data:`engagemetrics.archive.PLATFORMS`.
    form : str
        An id, handle, ``user@host``, actor URI or profile URL as an export writes it.
    handle : bool, default False
        The form is known to be a handle (for X: a screen name made of digits is then a
        name, not an account id).

    Returns
    -------
    tuple of str
        Empty when ``form`` is not a non-empty string.

    Examples
    --------
    >>> lookup_keys("mastodon", "https://mastodon.social/users/Bob")
    ('uri:https://mastodon.social/users/Bob', 'acct:bob@mastodon.social')
    >>> lookup_keys("mastodon", "https://mastodon.social/ap/users/116840387061670746")
    ('uri:https://mastodon.social/ap/users/116840387061670746',)
    >>> lookup_keys("twitter", "@SamaHoole"), lookup_keys("twitter", "2253756806")
    (('name:samahoole',), ('id:2253756806',))
    >>> lookup_keys("bluesky", "at://Jacob.Gold")
    ('handle:jacob.gold',)
    """
    if not isinstance(form, str):
        return ()
    text = form.strip()
    if not text:
        return ()
    if platform == "mastodon":
        return _mastodon_keys(text)
    if platform == "twitter":
        if text.isdigit() and not handle:
            return (f"id:{text}",)
        return (f"name:{acct_key(text)}",)
    if platform == "bluesky":
        bare = text[5:] if text.lower().startswith("at://") else text
        bare = bare.split("/", 1)[0] if bare.startswith("did:") else bare
        if bare.startswith("did:"):
            return (f"did:{bare}",)
        return (f"handle:{acct_key(bare)}",)
    if platform in ("instagram", "threads"):
        return (f"name:{acct_key(text)}",)
    if platform == "linkedin":
        url = normalise_profile_url(text) if "linkedin.com" in text.lower() else None
        return (f"url:{url}",) if url else (f"raw:{text}",)
    return (f"raw:{text}",)


def standalone_id(platform: str, form: Any) -> tuple[str | None, str | None]:
    """A form that matches no account, as an id of its own: ``(id, None)`` or ``(None, why not)``.

    An X screen name cannot be an id (the numeric id is unknown offline), nor can a
    Bluesky handle (the DID is) or a Mastodon ``user`` without a host. Every other form
    is kept as it is (without a leading ``@``).

    Examples
    --------
    >>> standalone_id("mastodon", "@frank@far.example")
    ('frank@far.example', None)
    >>> standalone_id("twitter", "nobody")
    (None, 'screen name not resolvable to an X account id offline')
    """
    if not isinstance(form, str) or not form.strip():
        return None, "no id"
    text = form.strip()
    if platform == "twitter":
        return (text, None) if text.isdigit() else (None, _NOT_AN_ID["twitter"])
    if platform == "bluesky":
        keys = lookup_keys("bluesky", text)
        if keys and keys[0].startswith("did:did:"):
            return keys[0][4:], None
        return None, _NOT_AN_ID["bluesky"]
    if platform == "mastodon":
        if text.startswith(("https://", "http://")):
            return text, None
        if _ACCT.match(text):
            return text.lstrip("@"), None
        return None, _NOT_AN_ID["mastodon"]
    return text.lstrip("@") if platform in ("instagram", "threads") else text, None


class IdentityIndex:
    """Maps every form of an account to its canonical id, by the rules of one platform.

    Accounts are added with their canonical id and the other forms seen for them;
    :meth:`resolve` then maps any form to the id. A key shared by two accounts (one
    handle seen for two ids) resolves to neither.

    Parameters
    ----------
    platform : str
        One of :data:`engagemetrics.archive.PLATFORMS`.

    Examples
    --------
    >>> index = IdentityIndex("twitter")
    >>> index.add("1964312974236991488", handle="milahu104", aliases=["HauthMilan34580"])
    >>> index.resolve("@hauthmilan34580"), index.resolve("42") is None
    ('1964312974236991488', True)
    """

    def __init__(self, platform: str) -> None:
        if not isinstance(platform, str):
            raise InvalidArgumentError(f"platform must be a str, got {type(platform).__name__}")
        self.platform = platform
        self._ids: set[str] = set()
        self._keys: dict[str, set[str]] = {}

    @classmethod
    def from_accounts(cls, platform: str, accounts: pd.DataFrame) -> IdentityIndex:
        """An index of the accounts of a canonical accounts table (id, handle and aliases).

        Examples
        --------
        >>> from engagemetrics.schema import accounts_table
        >>> acc = accounts_table({"account_id": ["did:plc:a"], "handle": ["ann.test"]})
        >>> IdentityIndex.from_accounts("bluesky", acc).resolve("@Ann.test")
        'did:plc:a'
        """
        index = cls(platform)
        aliases = (
            accounts["aliases"].tolist() if "aliases" in accounts.columns else [None] * len(accounts)
        )
        handles = (
            accounts["handle"].tolist() if "handle" in accounts.columns else [None] * len(accounts)
        )
        for account_id, handle, forms in zip(
            accounts["account_id"].tolist(), handles, aliases, strict=True
        ):
            if isinstance(account_id, str):
                index.add(
                    account_id,
                    handle=handle if isinstance(handle, str) else None,
                    aliases=[] if forms is None or forms is pd.NA else list(forms),
                )
        return index

    def add(
        self, account_id: str, *, handle: str | None = None, aliases: Iterable[Any] = ()
    ) -> None:
        """Register an account by its canonical id, its handle and the other forms seen for it."""
        self._ids.add(account_id)
        for key in lookup_keys(self.platform, account_id):
            self._keys.setdefault(key, set()).add(account_id)
        for form in (handle, *aliases):
            for key in lookup_keys(self.platform, form, handle=True):
                self._keys.setdefault(key, set()).add(account_id)

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def resolve(self, form: Any, *, handle: bool = False) -> str | None:
        """The canonical id of the account ``form`` names, or None (no account, or two).

        Parameters
        ----------
        form : str
            Any form of an account (see :func:`lookup_keys`).
        handle : bool, default False
            ``form`` is known to be a handle.

        Returns
        -------
        str or None
        """
        if not isinstance(form, str):
            return None
        text = form.strip()
        if text in self._ids and not handle:
            return text
        for key in lookup_keys(self.platform, text, handle=handle):
            ids = self._keys.get(key)
            if ids is not None:
                return next(iter(ids)) if len(ids) == 1 else None
        return None
