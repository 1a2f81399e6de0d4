"""``em.load``: recognise an export's platform and read it with the matching reader."""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Sequence
from typing import Any

from ..archive import Archive
from ..exceptions import (
    ExportPartError,
    InvalidArgumentError,
    UnknownFormatError,
    UnsafeArchiveError,
)
from ._container import ExportFiles, Limits

__all__ = ["FORMATS", "Limits", "load"]

#: Formats in the order they are tried: (module, reader function). Each module
#: defines ``can_read(files: ExportFiles) -> str | None`` (None: it can read
#: them; a string: why not), and may define ``part_of_export(files) -> str | None``
#: (a message when the files are one piece of an export given alone). Research logs
#: come last: their detector is the loosest (any whitespace-separated text of ids).
FORMATS: dict[str, tuple[str, str]] = {
    "twitter": ("engagemetrics.io.twitter", "read_twitter_archive"),
    "mastodon": ("engagemetrics.io.mastodon", "read_mastodon_archive"),
    "bluesky": ("engagemetrics.io.bluesky", "read_bluesky_repo"),
    "instagram": ("engagemetrics.io.instagram", "read_instagram_export"),
    "linkedin": ("engagemetrics.io.linkedin", "read_linkedin_export"),
    "research": ("engagemetrics.io.research", "read_research_dataset"),
}

# Formats whose reader takes a separate following list itself (Mastodon's CSV export).
_OWN_FOLLOW_LISTS = ("mastodon",)


def load(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    format: str | None = None,
    following: Any = None,
    followers: Any = None,
    ego: str | int | None = None,
    show_progress: bool = False,
    limits: Limits | None = None,
    **kwargs: Any,
) -> Archive:
    """Read any supported export into an :class:`~engagemetrics.Archive`.

    The export is opened once (a folder, a zip or tar.gz, a single file such as a
    ``.car``, an activity log, ``Connections.csv`` or ``outbox.json``, or several
    paths that are parts of one export), then each format's detector is asked in a
    fixed order: twitter, mastodon, bluesky, instagram, linkedin, research. The first
    that recognises the files reads them, from the export already opened.

    A folder may hold an export in pieces: the archive zip beside its CSV exports (a
    Mastodon archive and ``following_accounts.csv``), or the several zips of one
    Instagram or X download. The archives in the folder are read in place.

    Parameters
    ----------
    path : str, path, or a list of them
        The export, or its parts.
    format : str, optional
        Skip detection and use this reader (one of :data:`FORMATS`).
    following : str or path, optional
        A following list kept apart from the export: Mastodon's
        ``following_accounts.csv`` (Settings > Import and export > Data export). Only
        for Mastodon, whose archive has no following list; the other platforms' exports
        hold their own (an :class:`~engagemetrics.InvalidArgumentError` says so).
    followers : optional
        The followers an export lacks (Mastodon, Bluesky, an X archive without
        ``follower.js``): anything :func:`engagemetrics.add_followers` takes (a CSV,
        saved API pages, a DataFrame). Entries are mapped to the archive's ids; those
        that match no account are kept as they are and counted in the ledger.
    ego : str or int, optional
        The export's owner, for the formats that may not name it (X, Instagram, LinkedIn:
        passed to their reader). An export that names its owner (Mastodon, Bluesky) is
        checked against it: a different owner raises
        :class:`~engagemetrics.InvalidArgumentError`.
    show_progress : bool
        Show a progress bar on stderr while a large file is read (the readers of large
        exports: X, Mastodon, research logs; the others are quick). Default False: the
        library writes nothing by itself.
    limits : Limits, optional
        The safety limits against zip and gzip bombs (:class:`Limits`: the size of a
        member and of the whole export, the compression ratio, the number of members).
        An export over a limit raises :class:`~engagemetrics.UnsafeArchiveError`, whose
        message names the limit; raise only that one for a file you trust.
    **kwargs
        Passed to the reader (e.g. ``handles=`` for Bluesky).

    Returns
    -------
    Archive

    Raises
    ------
    UnknownFormatError
        No format recognises the export; the message lists every format tried and
        why it did not fit.
    ExportPartError
        The path is one piece of an export given alone, e.g. Mastodon's
        ``following_accounts.csv``: the message says how to pass it with its archive.
    InvalidArgumentError
        ``format`` is not a known format, or ``following=``/``followers=`` is given
        for an export that cannot take it.
    UnsafeArchiveError
        The archive is malformed or hostile (a member with an absolute or ``..`` path, a
        link, two members of one name with different contents) or over a limit of
        ``limits``.
    CorruptExportError
        A file of the export is damaged (truncated, not the JSON, CSV or CAR it should be).
    FileNotFoundError
        ``path`` does not exist.
    ImportError
        A reader module cannot be imported (a broken installation): it is raised, not
        taken for a format that does not fit.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "activity.txt")
    >>> _ = open(p, "w").write("1 2 1341100972 RT\\n2 1 1341100980 RE\\n")
    >>> load(p)
    Archive(platform='research', ego=None, follows=0, posts=0, interactions=2, accounts=0, ledger=0 rows)
    >>> try:
    ...     load(tempfile.mkdtemp())
    ... except UnknownFormatError as err:
    ...     sorted(err.attempts) == sorted(FORMATS)
    True
    """
    if format is not None and format not in FORMATS:
        raise InvalidArgumentError(
            f"format must be one of {sorted(FORMATS)}, got {format!r}; or leave it out "
            "to detect the format"
        )
    with ExportFiles(path, limits) as files:
        name = format if format is not None else _detect(files, path)
        module = importlib.import_module(FORMATS[name][0])
        read = getattr(module, FORMATS[name][1])
        if name in _OWN_FOLLOW_LISTS:
            kwargs.update(following=following, followers=followers)
        elif following is not None:
            raise InvalidArgumentError(
                f"following= adds a following list kept apart from the export, which only a "
                f"Mastodon archive needs (following_accounts.csv); a {name} export holds its own "
                "following list. Leave following= out"
            )
        accepted = inspect.signature(read).parameters
        if ego is not None and "ego" in accepted:
            kwargs["ego"] = ego
        if show_progress and "show_progress" in accepted:
            kwargs["show_progress"] = True
        archive: Archive = read(files, **kwargs)
    if ego is not None and archive.ego is not None and archive.ego != str(ego):
        raise InvalidArgumentError(
            f"this {name} export names its owner {archive.ego!r}, but ego={ego!r} was given; "
            "leave ego= (--ego) out for this export"
        )
    if followers is not None and name not in _OWN_FOLLOW_LISTS:
        if archive.ego is None:
            raise InvalidArgumentError(
                f"followers= adds the followers of an account, but this {name} dataset has no "
                "owner (ego); leave followers= out"
            )
        from .followers import add_followers

        archive = add_followers(archive, followers)
    return archive


def _detect(files: ExportFiles, path: Any) -> str:
    """The first format whose detector accepts ``files``; else a clear error."""
    attempts: dict[str, str] = {}
    modules = {name: importlib.import_module(module) for name, (module, _) in FORMATS.items()}
    for name, module in modules.items():
        detector = getattr(module, "can_read", None)
        if detector is None:
            attempts[name] = "reader has no can_read()"
            continue
        try:
            reason = detector(files)
        except (ImportError, UnsafeArchiveError):
            raise  # a broken installation, or a hostile file: not a format that does not fit
        except Exception as exc:  # a probe that fails must not stop the other formats
            reason = f"could not inspect the files ({type(exc).__name__}: {exc})"
        if reason is None:
            return name
        attempts[name] = str(reason)
    for module in modules.values():
        hint = getattr(module, "part_of_export", None)
        message = hint(files) if hint is not None else None
        if message:
            raise ExportPartError(path, message)
    if files.nested:
        attempts["archives inside"] = (
            f"{', '.join(files.nested[:3])} is an archive inside the archive, which is not "
            "opened (only one level of archives is read): extract the outer archive and load "
            "the folder"
        )
    raise UnknownFormatError(path, attempts)
