"""Reader for LinkedIn's ``Connections.csv`` (alone, or in the data-export zip).

LinkedIn's export (``Basic_LinkedInDataExport_MM-DD-YYYY.zip`` or ``Complete_...zip``,
``docs/importers.md``) holds ``Connections.csv`` in one of two formats:

* current (about 2020 on): a ``Notes:`` preamble, then
  ``First Name,Last Name,URL,Email Address,Company,Position,Connected On`` with dates
  ``07 Dec 2025``; the header line is searched for, never skipped by count;
* 2018: no preamble, no ``URL`` column, dates ``1/8/18, 6:14 PM``.

Conventions
-----------
* A connection is mutual: it becomes **two** follow edges, ego -> contact and
  contact -> ego, both with ``followed_at`` = ``Connected On`` (midnight UTC for the
  current format; the 2018 clock time is taken as UTC, its zone is not stated).
* Identity: the profile URL, normalised to ``https://www.linkedin.com/in/<slug>``
  (scheme, host and country subdomain unified; query, fragment and trailing slash
  removed; slug percent-decoded and lower-cased). Without a URL (2018 format, or an
  empty cell) the id is the ``urn:li:member:<n>`` that 2018 exports may put in the
  e-mail column, else ``name:<first last>`` (case-folded, spaces collapsed):
  stable across exports, but two contacts with the same name share it (flagged in
  the ledger as a duplicate edge).
* ``Email Address`` (except a member URN), ``Company`` and ``Position`` are never
  read into a table: e-mail
  addresses are third parties' personal data.
* Ego: ``ego=`` if given, else ``"ego"`` (``Connections.csv`` does not name its
  owner); the ego's display name comes from ``Profile.csv`` when the zip has it.
* ``exported_at``: the date in the zip's name ``..._MM-DD-YYYY.zip``, when present.
* ``messages.csv`` and the other files are not used; their rows/files are counted
  in the ledger.
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re

import pandas as pd

from ..archive import Archive
from ..exceptions import CorruptExportError, InvalidArgumentError
from ..identity import normalise_profile_url
from ..ledger import Ledger
from ._container import ExportFiles, export_date, opened

__all__ = ["can_read", "normalise_profile_url", "read_linkedin_export"]

_EXPORT_NAME = re.compile(r"LinkedInDataExport_(\d{2}-\d{2}-\d{4})", re.IGNORECASE)
_HEADER_KEYS = ("first name", "last name", "connected on")
_CURRENT_DATE = "%d %b %Y"
_DATE_2018 = "%m/%d/%y, %I:%M %p"


def _name_id(first: str, last: str) -> str | None:
    name = " ".join(f"{first} {last}".split()).casefold()
    return f"name:{name}" if name else None


def _connections_member(files: ExportFiles) -> str | None:
    hits = [n for n in files.names() if posixpath.basename(n).lower() == "connections.csv"]
    if hits:
        return min(hits, key=lambda n: (n.count("/"), n))
    if files.kind == "file" and files.names()[0].lower().endswith(".csv"):
        # A lone CSV under another name: accept it when its header is LinkedIn's.
        with files.open(files.names()[0]) as fh:
            head = fh.read(4096).decode("utf-8-sig", errors="replace").lower()
        if all(k in head for k in _HEADER_KEYS):
            return files.names()[0]
    return None


def can_read(files: ExportFiles) -> str | None:
    """None if ``files`` is a LinkedIn export (or ``Connections.csv``), else the reason.

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
    >>> _ = (d / "Connections.csv").write_text(
    ...     "First Name,Last Name,URL,Email Address,Company,Position,Connected On\\n")
    >>> can_read(ExportFiles(d / "Connections.csv")) is None
    True
    """
    if _connections_member(files) is None:
        return (
            "no Connections.csv (a LinkedIn data export holds Connections.csv with the "
            "header First Name,Last Name,...,Connected On)"
        )
    return None


def _rows(text: str, label: str, files: ExportFiles) -> tuple[list[str], list[list[str]]]:
    """The header and data rows of Connections.csv, preamble skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            cells = [c.strip().lower() for c in row]
            if all(k in cells for k in _HEADER_KEYS):
                return [c.strip() for c in row], list(reader)
    except csv.Error as exc:
        raise CorruptExportError(
            f"{files.path}:{label} is not a readable CSV file ({exc}); expected LinkedIn's "
            "Connections.csv"
        ) from exc
    raise CorruptExportError(
        f"{files.path}:{label} has no header line 'First Name,Last Name,...,Connected On'; "
        "expected LinkedIn's Connections.csv (current or 2018 format). Was the file edited?"
    )


def _parse_dates(values: list[str]) -> pd.Series:
    s = pd.Series(values, dtype=object)
    current = pd.to_datetime(s, format=_CURRENT_DATE, errors="coerce", utc=True)
    old = pd.to_datetime(s, format=_DATE_2018, errors="coerce", utc=True)
    return current.fillna(old)


def _profile_name(files: ExportFiles, ledger: Ledger) -> str | None:
    hits = [n for n in files.names() if posixpath.basename(n).lower() == "profile.csv"]
    if not hits:
        return None
    try:
        reader = csv.DictReader(io.StringIO(files.read_text(hits[0]), newline=""))
        row = next(reader, None)
    except (csv.Error, CorruptExportError):
        ledger.add(
            posixpath.basename(hits[0]), "file", "not readable: the ego's display name unknown"
        )
        return None
    if not row:
        return None
    name = " ".join(str(row.get(k) or "").strip() for k in ("First Name", "Last Name")).strip()
    return name or None


def read_linkedin_export(
    path: str | os.PathLike[str] | ExportFiles, *, ego: str | None = None
) -> Archive:
    """Read LinkedIn connections into an :class:`~engagemetrics.Archive`.

    Parameters
    ----------
    path : str, path or ExportFiles
        ``Basic_LinkedInDataExport_MM-DD-YYYY.zip`` / ``Complete_...zip``, its folder,
        or ``Connections.csv`` alone.
    ego : str, optional
        The owner's id (e.g. their normalised profile URL); ``"ego"`` by default.

    Returns
    -------
    Archive
        ``platform="linkedin"``; two follow edges per connection; ``accounts`` with
        the contact's name as ``display_name`` and URL slug as ``handle``.

    Raises
    ------
    CorruptExportError
        If there is no ``Connections.csv`` or it has no header line.
    InvalidArgumentError
        If ``ego`` is not a non-empty string.

    Notes
    -----
    Identity, dates and privacy conventions are listed in the module docstring
    (``engagemetrics.io.linkedin``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "Connections.csv").write_text(
    ...     "Notes:\\n\\"When exporting your connection data, ...\\"\\n\\n"
    ...     "First Name,Last Name,URL,Email Address,Company,Position,Connected On\\n"
    ...     "Bob,Sacheli,https://www.linkedin.com/in/bob-sacheli,,\\"Acme, Inc.\\",CEO,07 Dec 2025\\n")
    >>> a = read_linkedin_export(d / "Connections.csv")
    >>> a.follows[["source", "target"]].values.tolist()
    [['ego', 'https://www.linkedin.com/in/bob-sacheli'], ['https://www.linkedin.com/in/bob-sacheli', 'ego']]
    >>> str(a.follows["followed_at"].iloc[0])
    '2025-12-07 00:00:00+00:00'
    """
    if ego is not None and (not isinstance(ego, str) or not ego.strip()):
        raise InvalidArgumentError(f"ego must be a non-empty string, got {ego!r}")
    with opened(path) as files:
        return _read(files, ego=ego or "ego")


def _read(files: ExportFiles, *, ego: str) -> Archive:
    member = _connections_member(files)
    if member is None:
        raise CorruptExportError(
            f"{files.path} has no Connections.csv; expected LinkedIn's data export "
            "(Settings -> Data privacy -> Get a copy of your data, with Connections)"
        )
    label = posixpath.basename(member)
    ledger = Ledger()
    files.note_into(ledger)
    header, rows = _rows(files.read_text(member), label, files)
    column = {name.lower(): i for i, name in enumerate(header)}

    def cell(row: list[str], name: str) -> str:
        i = column.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    ids: list[str] = []
    handles: list[str | None] = []
    names: list[str | None] = []
    dates: list[str] = []
    for row in rows:
        if not any(c.strip() for c in row):
            continue  # blank line, not a record
        first, last = cell(row, "first name"), cell(row, "last name")
        url_text = cell(row, "url")
        url = normalise_profile_url(url_text)
        if url_text and url is None:
            ledger.add(
                label,
                "connection",
                "URL is not a LinkedIn profile URL (id from name)",
                action="flagged",
            )
        # 2018 exports may hold a member URN (an id, not an address) in the e-mail
        # column; only that form is read from it, never an e-mail address.
        email_cell = cell(row, "email address")
        urn = email_cell if email_cell.startswith("urn:li:member:") else None
        account = url or urn or _name_id(first, last)
        if account is None:
            ledger.add(label, "connection", "neither profile URL nor name (deleted member?)")
            continue
        ids.append(account)
        handles.append(url.rsplit("/", 1)[-1] if url else None)
        names.append(" ".join(f"{first} {last}".split()) or None)
        dates.append(cell(row, "connected on"))
    by_name = sum(1 for i in ids if i.startswith("name:"))
    ledger.add(
        label,
        "connection",
        "no profile URL: id derived from the name (contacts with the same name share it)",
        by_name,
        action="flagged",
    )
    followed_at = _parse_dates(dates)
    bad = followed_at.isna() & pd.Series([bool(d) for d in dates], dtype=bool)
    ledger.add(
        label,
        "connection",
        "Connected On not a date (kept, followed_at missing)",
        int(bad.sum()),
        action="flagged",
    )
    n = len(ids)
    follows = pd.DataFrame(
        {
            "source": [ego] * n + ids,
            "target": ids + [ego] * n,
            "followed_at": pd.concat([followed_at, followed_at], ignore_index=True),
        }
    )
    accounts = pd.DataFrame(
        {
            "account_id": [ego, *ids],
            "handle": [None, *handles],
            "display_name": [_profile_name(files, ledger), *names],
        }
    )
    _count_other_files(files, member, ledger)
    return Archive(
        follows=follows,
        accounts=accounts,
        ego=ego,
        platform="linkedin",
        exported_at=export_date(files, _EXPORT_NAME, "%m-%d-%Y"),
        ledger=ledger.to_frame(),
        unknown={
            "posts": "a LinkedIn export has no post log that engagemetrics reads",
            "interactions_made": "engagemetrics does not read LinkedIn messages.csv into "
            "interactions",
        },
    )


def _count_other_files(files: ExportFiles, member: str, ledger: Ledger) -> None:
    handled: set[str] = {member}
    for name in files.unread({member}):
        base = posixpath.basename(name).lower()
        if base == "profile.csv":
            handled.add(name)  # read for the ego's display name
        elif base == "messages.csv":
            handled.add(name)
            try:
                text = files.read_text(name)
                count = sum(1 for row in csv.reader(io.StringIO(text, newline="")) if row) - 1
            except (csv.Error, CorruptExportError):
                ledger.add(posixpath.basename(name), "file", "damaged, not read")
                continue
            ledger.add(
                posixpath.basename(name),
                "message",
                "private messages: not used as interactions",
                max(count, 0),
            )
    files.count_unread(
        handled, posixpath.dirname(files.inner_name(member)), ledger,
        "file other than Connections.csv (not read)",
    )
