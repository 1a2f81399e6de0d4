"""The files of an X/Twitter archive as data: ``window.YTD.<type>.part<N> = [...]``, ids, times.

Each data file of an X archive is a JavaScript assignment. It is parsed as data, never
executed: the text after the first ``=`` is a JSON array, decoded one record at a time
(:class:`~engagemetrics.io._jsonstream.JSONStream`) so that a 1 GB ``tweets.js`` is never
held whole. Every number is a JSON string; ids are kept as text.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from ..exceptions import CorruptExportError
from ._container import ExportFiles
from ._jsonstream import JSONStream

__all__ = ["csv_header", "head", "id_of", "iter_records", "record_of", "type_of", "x_seconds"]

_YTD_EXPECTED = (
    "Expected 'window.YTD.<type>.part<N> = [ ... ]' with a JSON array after the '='; "
    "download the archive again, or remove the damaged file to read the rest"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
# "Fri Mar 06 13:02:05 +0000 2026": X's fixed English format, parsed here without the
# locale (datetime.strptime's %a/%b follow the process locale).
_X_TIME = re.compile(
    r"^\s*([A-Z][a-z]{2}) ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2})"
    r" (\d{4})\s*$"
)
# "2016-02-19 22:21:05 +0000" (legacy archives) and ISO 8601 ("2025-09-06T13:02:20.496Z").
ISO_TIME = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*"
    r"(?:(Z|UTC|GMT)|([+-])(\d{2}):?(\d{2}))?\s*$"
)
_PART = re.compile(r"-part\d+$")


def head(files: ExportFiles, name: str, size: int = 4096) -> str:
    """The first ``size`` bytes of a member as text (for detection)."""
    with files.open(name) as fh:
        return fh.read(size).decode("utf-8-sig", errors="replace")


def csv_header(text: str) -> list[str]:
    """The cells of the first line of a CSV text.

    Examples
    --------
    >>> csv_header('"tweet_id","timestamp","text"\\n1,2,3')
    ['tweet_id', 'timestamp', 'text']
    """
    first = text.splitlines()[0] if text else ""
    try:
        return [c.strip() for c in next(csv.reader([first]))]
    except StopIteration:
        return []


def iter_records(files: ExportFiles, stored: str, label: str) -> Iterator[Any]:
    """The records of one ``.js`` data file, decoded one at a time."""
    with files.open(stored) as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig")
        stream = JSONStream(handle, label, expected=_YTD_EXPECTED)
        try:
            yield from stream.items()
            files.note_repaired(stored, stream.repaired)
        except UnicodeDecodeError as exc:
            raise CorruptExportError(
                f"{label} is not UTF-8 text ({exc.reason}); download the archive again"
            ) from exc


def id_of(value: Any) -> str | None:
    """An id as text; ints are exact (JSON ints are Python ints), anything else is no id.

    Examples
    --------
    >>> id_of("2253756806"), id_of(9007199254740993), id_of(1.5), id_of("ann")
    ('2253756806', '9007199254740993', None, None)
    """
    if isinstance(value, str):
        value = value.strip()
        return value if value.isdigit() else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return None


def x_seconds(value: Any) -> int | None:
    """Unix seconds of ``"Fri Mar 06 13:02:05 +0000 2026"`` (or ISO 8601), else None.

    Examples
    --------
    >>> x_seconds("Fri Mar 06 13:02:05 +0000 2026"), x_seconds("2016-02-19 22:21:05 +0000")
    (1772802125, 1455920465)
    >>> x_seconds("Vie Mar 06 13:02:05 +0000 2026") is None
    True
    """
    if not isinstance(value, str):
        return None
    m = _X_TIME.match(value)
    if m:
        day, mon, dd, hh, mi, ss, sign, oh, om, yyyy = m.groups()
        month = _MONTHS.get(mon)
        if month is None or day not in _DAYS:
            return None
        fields = (int(yyyy), month, int(dd), int(hh), int(mi), int(ss))
        offset = (int(oh) * 3600 + int(om) * 60) * (1 if sign == "+" else -1)
    else:
        m = ISO_TIME.match(value)
        if not m:
            return None
        yyyy, mo, dd, hh, mi, ss, _z, sign, oh, om = m.groups()
        fields = (int(yyyy), int(mo), int(dd), int(hh), int(mi), int(ss))
        offset = 0 if sign is None else (int(oh) * 3600 + int(om) * 60) * (1 if sign == "+" else -1)
    if not (1 <= fields[1] <= 12 and 1 <= fields[2] <= 31 and fields[3] < 24 and fields[4] < 60):
        return None
    if fields[5] > 60:
        return None
    return calendar.timegm((*fields, 0, 0, 0)) - offset


def record_of(item: Any, key: str) -> dict[str, Any] | None:
    """The payload of ``{"<key>": {...}}``, or the bare object (older archives)."""
    if not isinstance(item, dict):
        return None
    inner = item.get(key, item)
    return inner if isinstance(inner, dict) else None


def type_of(basename: str) -> str:
    """Data type of a file name, as ``manifest.js`` names it.

    Examples
    --------
    >>> type_of("deleted-tweets-part1.js")
    'deletedTweets'
    """
    stem = _PART.sub("", basename.rsplit(".", 1)[0])
    first, *rest = stem.split("-")
    return first + "".join(w[:1].upper() + w[1:] for w in rest)
