"""ActivityPub objects as a Mastodon outbox writes them: text, visibility, and whom a post answers.

These rules read one activity at a time and know nothing of files; the Mastodon reader
(:mod:`engagemetrics.io.mastodon`) applies them to every item of ``outbox.json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from ..identity import host_of

__all__ = [
    "PUBLIC",
    "actor_candidates",
    "as_list",
    "author_of",
    "html_to_text",
    "quote_of",
    "resolve_status_author",
    "uri_of",
    "visibility_of",
]

PUBLIC = frozenset(
    {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public", "as#Public"}
)
_STATUS_PATTERN = re.compile(r"^(https?://[^/]+/(?:ap/)?users/[^/]+)/statuses/[^/]+")


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


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be one item or a list, as a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def uri_of(value: Any) -> str | None:
    """The URI of a JSON-LD reference (a string, or an object with ``id``)."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Mapping):
        ident = value.get("id")
        return ident if isinstance(ident, str) and ident else None
    return None


def visibility_of(
    activity: Mapping[str, Any], obj: Mapping[str, Any], own_followers: set[str]
) -> str:
    """``public``, ``unlisted``, ``followers`` or ``direct``, from the addressing."""
    to = as_list(obj.get("to", activity.get("to")))
    cc = as_list(obj.get("cc", activity.get("cc")))
    if any(x in PUBLIC for x in to):
        return "public"
    if any(x in PUBLIC for x in cc):
        return "unlisted"
    if any(x in own_followers for x in to):
        return "followers"
    return "direct"


def actor_candidates(
    obj: Mapping[str, Any], activity: Mapping[str, Any], ego: str, own_followers: set[str]
) -> list[str]:
    """Actor URIs that a status addresses: its Mention tags, then the actors in ``cc``."""
    found: list[str] = []
    for tag in as_list(obj.get("tag")):
        if isinstance(tag, Mapping) and tag.get("type") == "Mention":
            href = uri_of(tag.get("href"))
            if href:
                found.append(href)
    for entry in as_list(obj.get("cc")) + as_list(activity.get("cc")):
        uri = uri_of(entry)
        if (
            uri
            and uri not in PUBLIC
            and uri not in own_followers
            and not uri.endswith(("/followers", "/following"))
        ):
            found.append(uri)
    unique = list(dict.fromkeys(found))
    return [u for u in unique if u != ego]


def author_of(target_uri: str, candidates: list[str], ego: str) -> str | None:
    """The author of the status ``target_uri`` (a reply's parent, a boosted or quoted post).

    In order: the ego when the URI is under the ego's; the addressed actor (Mention tag
    or ``cc``) whose URI the status URI extends; the author the URI pattern reveals
    (:func:`resolve_status_author`); the one addressed actor on the status's server (a
    status lives on its author's server, so a Misskey ``/notes/<id>`` reply that names
    one ``misskey.io`` actor names its author); the one addressed actor. Else None.

    Examples
    --------
    >>> author_of("https://misskey.io/notes/9abc",
    ...           ["https://misskey.io/users/9xyz", "https://other.example/users/carol"],
    ...           "https://example.social/users/alice")
    'https://misskey.io/users/9xyz'
    >>> author_of("https://misskey.io/notes/9abc", [], "https://example.social/users/alice") is None
    True
    """
    if target_uri.startswith(ego + "/"):
        return ego
    owners = [c for c in candidates if target_uri.startswith(c.rstrip("/") + "/")]
    if owners:
        return max(owners, key=len)
    by_pattern = resolve_status_author(target_uri)
    if by_pattern is not None:
        return by_pattern
    host = host_of(target_uri)
    same_server = [c for c in candidates if host and host_of(c) == host]
    if len(same_server) == 1:
        return same_server[0]
    if len(candidates) == 1:
        return candidates[0]
    return None


def quote_of(obj: Mapping[str, Any]) -> tuple[bool, str | None, bool]:
    """(is a quote, quoted URI, revoked) from ``quote`` / ``quoteUri`` / ``_misskey_quote``."""
    for key in ("quote", "quoteUri", "_misskey_quote", "quoteUrl"):
        value = obj.get(key)
        if value is None:
            continue
        if isinstance(value, Mapping) and value.get("type") == "Tombstone":
            return True, uri_of(value), True
        uri = uri_of(value)
        if uri:
            return True, uri, False
    return False, None, False
