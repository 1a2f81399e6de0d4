"""Reader for the follow lists of an Instagram (or Threads) "Download your information" export.

The JSON export (a zip, or its unpacked folder; ``docs/importers.md``)
holds ``connections/followers_and_following/`` (older exports:
``followers_and_following/``) with ``followers_1.json``, ``followers_2.json``, ...
and ``following.json``. Threads data ships in the same export under
``your_instagram_activity/threads/``.

Identity and ego
----------------
* Accounts are **usernames**: the export has no numeric ids, so a rename looks like
  an unfollow plus a new follow.
* The ego's username comes, in order, from ``ego=``; from
  ``personal_information/personal_information/personal_information.json`` (or the
  older ``personal_information/personal_information.json``):
  ``profile_user[0].string_map_data.Username.value``; from the download's name
  ``instagram-<username>-YYYY-MM-DD-<hash>.zip``. When none says it, the ego is the
  placeholder ``"ego"`` and the ledger says so.
* ``exported_at`` is the date in the download's name (day precision), when present.

Records
-------
* Username lookup order: ``string_list_data[0].value`` -> ``title`` -> last path
  segment of ``href`` (``/_u/``, a leading ``@``, query and fragment stripped). The
  localized ``label_values`` shape is read too (the value of a label that means
  "username", else of an ``href``).
* Timestamps are Unix seconds: for followers, when they followed the ego; for
  following, when the ego followed them (``followed_at``).
* A one-item list may be a bare object; double-encoded UTF-8 (mojibake) is repaired.
* Other relationship files (close friends, blocked, restricted, follow requests,
  recently unfollowed, dismissed suggestions, favourites) are not follow edges:
  their records are counted in the ledger with the reason. Files elsewhere in the
  export are counted as files not read.

Threads: the followers/following files under ``threads/`` (wrapped in
``text_post_app_text_post_app_followers`` / ``..._following`` in third-party
fixtures; not verified against a real export) are read with the same rules when
``platform="threads"``, or automatically when the export has no Instagram lists.
"""

from __future__ import annotations

import os
import posixpath
import re
import warnings
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd

from ..archive import Archive
from ..exceptions import CorruptExportError, DataQualityWarning, InvalidArgumentError
from ..ledger import Ledger
from ._container import ExportFiles, export_date, opened

__all__ = ["can_read", "read_instagram_export", "repair_mojibake", "username_of"]

_EXPORT_NAME = re.compile(r"instagram-(?P<user>[A-Za-z0-9._]+)-(?P<date>\d{4}-\d{2}-\d{2})-")
_FOLLOWERS = re.compile(r"^followers(?:_\d+)?\.json$")
_FOLLOWING = re.compile(r"^following(?:_\d+)?\.json$")
_FOLLOW_DIRS = ("followers_and_following",)
_THREADS_DIR = "threads"
_PERSONAL_INFO = (
    "personal_information/personal_information/personal_information.json",
    "personal_information/personal_information.json",
    "account_information/personal_information.json",
)
# Labels meaning "username" in localized exports (label_values shape).
_USERNAME_LABELS = {
    "username",
    "user name",
    "nome de usuário",
    "nome utente",
    "nombre de usuario",
    "nom d'utilisateur",
    "nom d’utilisateur",
    "benutzername",
    "gebruikersnaam",
    "kullanıcı adı",
    "nazwa użytkownika",
}
# Relationship files that are not follow edges, and why (matched on the file's stem).
_OTHER_LISTS = {
    "close_friends": ("close_friend", "close-friends list, not a follow edge"),
    "blocked_profiles": ("blocked", "blocked profile, not a follow edge"),
    "blocked_accounts": ("blocked", "blocked profile, not a follow edge"),
    "recently_unfollowed_profiles": (
        "unfollowed",
        "recently unfollowed by the ego: a past follow, not in the snapshot (count kept "
        "for change over time)",
    ),
    "recently_unfollowed_accounts": (
        "unfollowed",
        "recently unfollowed by the ego: a past follow, not in the snapshot (count kept "
        "for change over time)",
    ),
    "pending_follow_requests": ("follow_request", "follow request sent, not accepted"),
    "follow_requests_you've_received": (
        "follow_request",
        "follow request received, not accepted",
    ),
    "recent_follow_requests": ("follow_request", "recent follow request, not a follow edge"),
    "removed_suggestions": ("suggestion", "dismissed suggestion, not a follow edge"),
    "restricted_profiles": ("restricted", "restricted profile, not a follow edge"),
    "profiles_you've_favorited": ("favorite", "feed favourite, not a follow edge"),
    "hide_story_from": ("hidden_story", "story hidden from, not a follow edge"),
}


# --------------------------------------------------------------------------- helpers
def repair_mojibake(text: str) -> str:
    """Undo Meta's double encoding of UTF-8 (``"Ã¡"`` -> ``"á"``) when it round-trips.

    A string is re-read as UTF-8 from its Latin-1 bytes only when every character
    fits in Latin-1 and the bytes are valid UTF-8; otherwise it is returned as is,
    so correct text (``"café"``) is never damaged.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        The repaired text, or ``text`` unchanged.

    Examples
    --------
    >>> repair_mojibake("Jos\\u00c3\\u00a9")
    'José'
    >>> repair_mojibake("café")
    'café'
    """
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return repair_mojibake(value.strip())
    return None


def _username_from_href(href: Any) -> str | None:
    if not isinstance(href, str) or not href.strip():
        return None
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return None
    segments = [s for s in unquote(parts.path).split("/") if s and s != "_u"]
    if not segments:
        return None
    return _text(segments[-1].lstrip("@"))


def username_of(record: Any) -> str | None:
    """The username of one relationship record, or None.

    Order: ``string_list_data[0].value``, then ``title``, then the last path segment
    of ``href`` (``/_u/``, ``@``, query and fragment stripped); for the localized
    ``label_values`` shape, the value whose label means "username", else the
    username in an ``href``. Strings are repaired with :func:`repair_mojibake`.

    Parameters
    ----------
    record : dict
        One item of a followers / following list (any of the shapes listed in the module docstring).

    Returns
    -------
    str or None
        None when the record carries no username (or is not a JSON object).

    Examples
    --------
    >>> username_of({"title": "", "string_list_data": [
    ...     {"href": "https://www.instagram.com/ann", "value": "ann", "timestamp": 1}]})
    'ann'
    >>> username_of({"title": "bob", "string_list_data": [
    ...     {"href": "https://www.instagram.com/_u/bob", "timestamp": 1}]})
    'bob'
    >>> username_of({"string_list_data": {"href": "https://www.instagram.com/_u/cy?x=1#f"}})
    'cy'
    """
    if not isinstance(record, Mapping):
        return None
    entries = record.get("string_list_data")
    if isinstance(entries, Mapping):
        entries = [entries]
    first = entries[0] if isinstance(entries, list) and entries else {}
    if not isinstance(first, Mapping):
        first = {}
    name = _text(first.get("value")) or _text(record.get("title"))
    if name:
        return name
    name = _username_from_href(first.get("href"))
    if name:
        return name
    labels = record.get("label_values")
    if isinstance(labels, Mapping):
        labels = [labels]
    if isinstance(labels, list):
        hrefs: list[str | None] = []
        for entry in labels:
            if not isinstance(entry, Mapping):
                continue
            label = _text(entry.get("label"))
            if label and label.casefold() in _USERNAME_LABELS and _text(entry.get("value")):
                return _text(entry.get("value"))
            hrefs.append(_username_from_href(entry.get("href")))
        for found in hrefs:
            if found:
                return found
    return None


def _timestamp_of(record: Mapping[str, Any]) -> Any:
    entries = record.get("string_list_data")
    if isinstance(entries, Mapping):
        entries = [entries]
    if isinstance(entries, list) and entries and isinstance(entries[0], Mapping):
        value = entries[0].get("timestamp")
        if value is not None:
            return value
    return record.get("timestamp")


def _records(data: Any, label: str, files: ExportFiles) -> list[Any]:
    """The list of relationship records in one file, whatever its wrapper."""
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        if "string_list_data" in data or "label_values" in data:
            return [data]  # a one-item list written as a bare object
        wrapped = [
            v
            for k, v in data.items()
            if str(k).startswith(("relationships_", "text_post_app_"))
            and isinstance(v, (list, Mapping))
        ]
        if len(wrapped) != 1 and len(data) == 1:
            wrapped = [v for v in data.values() if isinstance(v, (list, Mapping))]
        if len(wrapped) == 1:
            inner = wrapped[0]
            return inner if isinstance(inner, list) else [inner]
        if not data:
            return []
    raise CorruptExportError(
        f"{files.path}:{label} should hold a list of relationship records (a JSON array, or "
        f'an object like {{"relationships_following": [...]}}), but it holds '
        f"{_describe(data)}; the file is damaged or not an Instagram follow list"
    )


def _describe(data: Any) -> str:
    if isinstance(data, Mapping):
        return f"an object with the keys {sorted(map(str, data))[:5]!r}"
    return f"a {type(data).__name__}"


def _load_json(files: ExportFiles, name: str) -> Any:
    return files.read_json(
        name, expected="an Instagram relationship list (download your information in JSON format)"
    )


def _in_dir(name: str, directory: str) -> bool:
    return directory in name.split("/")[:-1]


def _follow_files(
    files: ExportFiles, platform: str, duplicates: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """The followers and following files of ``platform``; a file that another part of a
    download in several zips holds again goes to ``duplicates`` (read once)."""
    followers: list[str] = []
    following: list[str] = []
    seen: set[str] = set()
    for name in files.names():
        base = posixpath.basename(name).lower()
        threads = _in_dir(name, _THREADS_DIR)
        instagram = any(_in_dir(name, d) for d in _FOLLOW_DIRS) and not threads
        if (platform == "threads" and not threads) or (platform == "instagram" and not instagram):
            continue
        if _FOLLOWERS.match(base) or _FOLLOWING.match(base):
            inner = files.inner_name(name)
            if inner in seen:
                if duplicates is not None:
                    duplicates.append(name)
                continue
            seen.add(inner)
        if _FOLLOWERS.match(base):
            followers.append(name)
        elif _FOLLOWING.match(base):
            following.append(name)
    return followers, following


_HTML_HINT = (
    "this is the HTML variant of the Instagram export (followers_1.html); it has minute "
    "precision and misleading time zones. Download your information again choosing the "
    "JSON format"
)


def _html_lists(files: ExportFiles) -> bool:
    return any(
        re.match(r"^follow(?:ers|ing)(?:_\d+)?\.html$", posixpath.basename(n).lower())
        and any(_in_dir(n, d) for d in (*_FOLLOW_DIRS, _THREADS_DIR))
        for n in files.names()
    )


def _detect_platform(files: ExportFiles) -> str | None:
    for platform in ("instagram", "threads"):
        followers, following = _follow_files(files, platform)
        if followers or following:
            return platform
    return None


def can_read(files: ExportFiles) -> str | None:
    """None if ``files`` holds Instagram or Threads follow lists, else the reason it does not.

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
    >>> (d / "connections" / "followers_and_following").mkdir(parents=True)
    >>> _ = (d / "connections" / "followers_and_following" / "followers_1.json").write_text("[]")
    >>> can_read(ExportFiles(d)) is None
    True
    """
    if _detect_platform(files) is None:
        if _html_lists(files):
            return _HTML_HINT
        return (
            "no followers_*.json or following.json under followers_and_following/ or "
            "threads/ (an Instagram JSON export has connections/followers_and_following/)"
        )
    return None


def _personal_info(
    files: ExportFiles, platform: str, ledger: Ledger, consulted: set[str]
) -> tuple[str | None, str | None]:
    """(username, display name) from personal_information.json, if present.

    Every file opened goes to ``consulted``; one that names no username is counted.
    """
    names = files.names()
    candidates = [n for n in names if posixpath.basename(n) == "personal_information.json"]
    ordered = sorted(
        candidates,
        key=lambda n: (
            (not _in_dir(n, _THREADS_DIR)) if platform == "threads" else _in_dir(n, _THREADS_DIR),
            not any(n.endswith(p) for p in _PERSONAL_INFO),
            n.count("/"),
            n,
        ),
    )
    for name in ordered:
        consulted.add(name)
        try:
            data = _load_json(files, name)
        except CorruptExportError:
            ledger.add(
                posixpath.basename(name),
                "file",
                "not valid JSON: the owner's username not taken from it",
            )
            continue
        users = data.get("profile_user") if isinstance(data, Mapping) else None
        if isinstance(users, Mapping):
            users = [users]
        fields = (
            users[0].get("string_map_data")
            if isinstance(users, list) and users and isinstance(users[0], Mapping)
            else None
        )
        if not isinstance(fields, Mapping):
            ledger.add(
                posixpath.basename(name), "profile", "no profile_user with a Username (not used)"
            )
            continue

        def value(key: str, fields: Mapping[str, Any] = fields) -> str | None:
            entry = fields.get(key)
            return _text(entry.get("value")) if isinstance(entry, Mapping) else None

        username = value("Username")
        if username:
            return username, value("Name")
        ledger.add(
            posixpath.basename(name), "profile", "no profile_user with a Username (not used)"
        )
    return None, None


# --------------------------------------------------------------------------- reader
def read_instagram_export(
    path: str | os.PathLike[str] | ExportFiles,
    *,
    ego: str | None = None,
    platform: str = "auto",
) -> Archive:
    """Read the follow lists of an Instagram / Threads export into an :class:`~engagemetrics.Archive`.

    Parameters
    ----------
    path : str, path or ExportFiles
        The downloaded zip (``instagram-<user>-<date>-<hash>.zip``), its folder (JSON
        format), or a folder holding the several zips of one large download (their
        ``followers_1.json``, ``followers_2.json``, ... are read together; a file two
        parts both hold is read once).
    ego : str, optional
        The owner's username, when the export does not say it.
    platform : {"auto", "instagram", "threads"}
        Which lists to read. ``"auto"`` reads Instagram's when present, else Threads'.

    Returns
    -------
    Archive
        ``follows`` (follower -> ego and ego -> following, ``followed_at`` from the
        export's timestamps), ``accounts`` (usernames), an empty ``posts``;
        ``platform`` is ``"instagram"`` or ``"threads"``.

    Raises
    ------
    CorruptExportError
        If a follow list is not valid JSON or not a list of records, or if the export
        holds no follow list of the requested platform.
    InvalidArgumentError
        If ``platform`` is not one of the choices, or the folder holds the downloads of
        different accounts or dates.

    Warns
    -----
    DataQualityWarning
        The export does not name its owner and no ``ego=`` is given: the ego is the
        placeholder ``"ego"`` (the ledger says so too).

    Notes
    -----
    Conventions (identity, ego, record shapes, files not used) are listed in the
    module docstring (``engagemetrics.io.instagram``).

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> ff = d / "connections" / "followers_and_following"
    >>> ff.mkdir(parents=True)
    >>> rec = lambda u, t: {"title": "", "media_list_data": [], "string_list_data": [
    ...     {"href": "https://www.instagram.com/" + u, "value": u, "timestamp": t}]}
    >>> _ = (ff / "followers_1.json").write_text(json.dumps([rec("ann", 1733433674)]))
    >>> _ = (ff / "following.json").write_text(json.dumps({"relationships_following": [
    ...     {"title": "ann", "string_list_data": [
    ...         {"href": "https://www.instagram.com/_u/ann", "timestamp": 1727000000}]}]}))
    >>> a = read_instagram_export(d, ego="me")
    >>> sorted(a.following()), sorted(a.followers())
    (['ann'], ['ann'])
    >>> str(a.follows["followed_at"].iloc[0])
    '2024-12-05 21:21:14+00:00'
    """
    if platform not in ("auto", "instagram", "threads"):
        raise InvalidArgumentError(
            f"platform must be 'auto', 'instagram' or 'threads', got {platform!r}"
        )
    if ego is not None and (not isinstance(ego, str) or not ego.strip()):
        raise InvalidArgumentError(f"ego must be a username (non-empty str), got {ego!r}")
    with opened(path) as files:
        return _read(files, ego=ego, platform=platform)


def _read(files: ExportFiles, *, ego: str | None, platform: str) -> Archive:
    chosen = _detect_platform(files) if platform == "auto" else platform
    if chosen is None:
        if _html_lists(files):
            raise CorruptExportError(f"{files.path}: {_HTML_HINT}")
        raise CorruptExportError(
            f"{files.path} holds no Instagram or Threads follow list; expected "
            "connections/followers_and_following/followers_1.json and following.json "
            "(request the export in JSON format, with 'Followers and following' selected)"
        )
    duplicates: list[str] = []
    followers_files, following_files = _follow_files(files, chosen, duplicates)
    if not followers_files and not following_files:
        raise CorruptExportError(
            f"{files.path} holds no {chosen} follow list (followers_*.json / following.json)"
        )
    ledger = Ledger()
    files.note_into(ledger)
    for name in duplicates:
        ledger.add(
            posixpath.basename(name),
            "file",
            "the same follow list again in another part of the download (read once)",
        )
    names = [p.name for p in files.sources] + files.names()
    match = next((m for m in map(_EXPORT_NAME.search, names) if m), None)
    downloads = {m.group("user", "date") for m in map(_EXPORT_NAME.search, names) if m}
    if len(downloads) > 1:
        raise InvalidArgumentError(
            f"{files.path} holds Instagram downloads of different accounts or dates "
            f"({', '.join('-'.join(d) for d in sorted(downloads))}); load one at a time (the "
            "zips of one download share the account and the date in their names)"
        )
    consulted: set[str] = set()
    info_user, info_name = _personal_info(files, chosen, ledger, consulted)
    if ego is None:
        ego = info_user or (match.group("user") if match else None)
        if ego is None:
            ego = "ego"
            message = (
                "the export does not name its owner: ego is the placeholder 'ego' (pass ego=)"
            )
            ledger.add(files.path.name, "ego", message, action="flagged")
            warnings.warn(f"{files.path}: {message}", DataQualityWarning, stacklevel=3)
    exported_at = export_date(files, _EXPORT_NAME, "%Y-%m-%d")

    sources: list[str] = []
    targets: list[str] = []
    times: list[Any] = []
    repaired = 0
    for names, direction in ((followers_files, "follower"), (following_files, "following")):
        for name in names:
            label = posixpath.relpath(name, posixpath.dirname(posixpath.dirname(name)))
            for record in _records(_load_json(files, name), label, files):
                username = username_of(record)
                if username is None:
                    ledger.add(label, direction, "record without a username")
                    continue
                if _raw_username(record) not in (None, username):
                    repaired += 1
                sources.append(username if direction == "follower" else ego)
                targets.append(ego if direction == "follower" else username)
                times.append(_timestamp_of(record))
    ledger.add(
        files.path.name,
        "account",
        "username repaired from double-encoded UTF-8",
        repaired,
        action="flagged",
    )
    _count_other_files(
        files,
        chosen,
        set(followers_files) | set(following_files) | set(duplicates) | consulted,
        ledger,
    )

    stamp = pd.to_numeric(pd.Series(times, dtype=object), errors="coerce")
    bad_time = stamp.isna() & pd.Series([t is not None for t in times], dtype=bool)
    ledger.add(
        files.path.name,
        "follow",
        "timestamp not a number (kept, followed_at missing)",
        int(bad_time.sum()),
        action="flagged",
    )
    followed_at = pd.to_datetime(stamp, unit="s", utc=True, errors="coerce")
    follows = pd.DataFrame({"source": sources, "target": targets, "followed_at": followed_at})
    files.note_into(ledger)  # what reading met (text repaired)

    usernames = sorted((set(sources) | set(targets)) - {ego})
    accounts = pd.DataFrame(
        {
            "account_id": [ego, *usernames],
            "handle": [ego, *usernames],
            "display_name": [info_name if ego == info_user else None] + [None] * len(usernames),
        }
    )
    return Archive(
        follows=follows,
        accounts=accounts,
        ego=ego,
        platform=chosen,
        exported_at=exported_at,
        ledger=ledger.to_frame(),
        unknown={
            "posts": f"engagemetrics does not read the {chosen.capitalize()} post log",
            "interactions_made": f"engagemetrics does not read {chosen.capitalize()} "
            "comments, likes or messages",
        },
    )


def _raw_username(record: Any) -> str | None:
    """The username as stored (before mojibake repair), to count repairs."""
    if not isinstance(record, Mapping):
        return None
    entries = record.get("string_list_data")
    if isinstance(entries, Mapping):
        entries = [entries]
    first = entries[0] if isinstance(entries, list) and entries else {}
    for value in (first.get("value") if isinstance(first, Mapping) else None, record.get("title")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _ext(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def _count_other_files(
    files: ExportFiles, platform: str, read: set[str], ledger: Ledger
) -> None:
    """Count the records of relationship files that are not follow edges, and other files."""
    handled = set(read)
    counted: set[str] = set()
    for name in files.unread(read):
        base = posixpath.basename(name)
        inner = files.inner_name(name)
        if inner in counted and _ext(base) == ".json":
            handled.add(name)
            ledger.add(base, "file", "the same file again in another part of the download")
            continue
        counted.add(inner)
        stem, ext = posixpath.splitext(base)
        lower = base.lower()
        follow_list = bool(_FOLLOWERS.match(lower) or _FOLLOWING.match(lower))
        # Relationship files live beside Instagram's follow lists; Threads' folder
        # holds posts and activity, which are files not read.
        in_lists = (
            platform == "instagram"
            and any(_in_dir(name, d) for d in _FOLLOW_DIRS)
            and not _in_dir(name, _THREADS_DIR)
        )
        if in_lists and ext.lower() == ".json" and not follow_list:
            handled.add(name)
            kind, reason = _OTHER_LISTS.get(stem.lower(), ("record", "relationship list not used"))
            try:
                records = _records(_load_json(files, name), base, files)
            except CorruptExportError:
                ledger.add(base, "file", "damaged JSON, not read")
                continue
            ledger.add(base, kind, reason, len(records))
        elif _in_dir(name, _THREADS_DIR) and follow_list:
            handled.add(name)
            ledger.add(base, "file", "Threads follow list (read it with platform='threads')")
        elif any(_in_dir(name, d) for d in _FOLLOW_DIRS) and follow_list:
            handled.add(name)
            ledger.add(base, "file", "Instagram follow list (read it with platform='instagram')")
    files.count_unread(handled, "", ledger, "file outside the follow lists (not read)")
