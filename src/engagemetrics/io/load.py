"""``em.load``: recognise an export's platform and read it with the matching reader."""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any

from ..archive import Archive
from ..exceptions import InvalidArgumentError, UnknownFormatError
from ._container import ExportFiles

__all__ = ["FORMATS", "load"]

logger = logging.getLogger("engagemetrics")

#: Formats in the order they are tried: (module, reader function). Each module
#: defines ``can_read(files: ExportFiles) -> str | None`` (None: it can read
#: them; a string: why not). Research logs come last: their detector is the
#: loosest (any whitespace-separated text of ids).
FORMATS: dict[str, tuple[str, str]] = {
    "twitter": ("engagemetrics.io.twitter", "read_twitter_archive"),
    "mastodon": ("engagemetrics.io.mastodon", "read_mastodon_archive"),
    "bluesky": ("engagemetrics.io.bluesky", "read_bluesky_repo"),
    "instagram": ("engagemetrics.io.instagram", "read_instagram_export"),
    "linkedin": ("engagemetrics.io.linkedin", "read_linkedin_export"),
    "research": ("engagemetrics.io.research", "read_research_dataset"),
}


def load(path: str | os.PathLike[str], *, format: str | None = None, **kwargs: Any) -> Archive:
    """Read any supported export into an :class:`~engagemetrics.Archive`.

    The export is opened once (a folder, a zip or tar.gz, or a single file such as
    a ``.car``, an activity log, ``Connections.csv`` or ``outbox.json``), then each
    format's detector is asked in a fixed order: twitter, mastodon, bluesky,
    instagram, linkedin, research. The first that recognises the files reads them.

    Parameters
    ----------
    path : str or path
        The export.
    format : str, optional
        Skip detection and use this reader (one of :data:`FORMATS`).
    **kwargs
        Passed to the reader (e.g. ``ego=`` for LinkedIn, ``handles=`` for Bluesky).

    Returns
    -------
    Archive

    Raises
    ------
    UnknownFormatError
        No format recognises the export; the message lists every format tried and
        why it did not fit (a reader module that fails to import is listed with its
        import error, not raised).
    InvalidArgumentError
        ``format`` is not a known format.
    FileNotFoundError
        ``path`` does not exist.

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
    if format is not None:
        if format not in FORMATS:
            raise InvalidArgumentError(
                f"format must be one of {sorted(FORMATS)}, got {format!r}; or leave it out "
                "to detect the format"
            )
        module, reader = _import(format)
        if module is None:
            raise InvalidArgumentError(f"the {format} reader cannot be imported: {reader}")
        return getattr(module, reader)(path, **kwargs)
    attempts: dict[str, str] = {}
    with ExportFiles(path) as files:
        chosen = None
        for name in FORMATS:
            module, detail = _import(name)
            if module is None:
                attempts[name] = f"reader unavailable ({detail})"
                continue
            detector = getattr(module, "can_read", None)
            if detector is None:
                attempts[name] = "reader has no can_read()"
                continue
            try:
                reason = detector(files)
            except Exception as exc:  # a probe must not stop the other formats
                logger.debug("can_read of %s failed on %s", name, path, exc_info=True)
                reason = f"could not inspect the files ({type(exc).__name__}: {exc})"
            if reason is None:
                chosen = (name, getattr(module, detail))
                break
            attempts[name] = str(reason)
    if chosen is None:
        raise UnknownFormatError(path, attempts)
    name, read = chosen
    logger.debug("load %s as %s", path, name)
    return read(path, **kwargs)


def _import(name: str) -> tuple[Any, str]:
    """The reader module and function name, or (None, why it cannot be imported)."""
    module_name, reader = FORMATS[name]
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # a broken or absent reader is one failed attempt, not a crash
        return None, f"{type(exc).__name__}: {exc}"
    if not hasattr(module, reader):
        return None, f"{module_name} has no {reader}()"
    return module, reader
