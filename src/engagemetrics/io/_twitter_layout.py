"""Where the data of an X/Twitter archive lies: the layouts of 2019 onwards and before.

* **Modern** (2019 onwards): ``data/<type>.js`` files listed in ``data/manifest.js``
  (``dataTypes.<type>.files[]``, with a record count each); large types are split into
  ``<type>-part1.js``, ... An archive can come in several zips, or as a published subset
  without ``manifest.js``: then the ``window.YTD`` files are found by their content.
* **Grailbird** (before 2019): ``data/js/tweets/YYYY_MM.js`` (``Grailbird.data.tweets_YYYY_MM
  = [...]``) listed in ``data/js/tweet_index.js``, the owner in ``data/js/user_details.js``,
  and the same tweets again in ``tweets.csv``.
* **CSV** (before 2019, the CSV alone): ``tweets.csv``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..exceptions import CorruptExportError, InvalidArgumentError
from ._container import ExportFiles, export_date
from ._ytd import ISO_TIME, csv_header, head, type_of

__all__ = ["LEGACY_COLUMNS", "DataFile", "Layout", "find_layout", "looks_like_x"]

LEGACY_COLUMNS = {"tweet_id", "timestamp", "text"}
_ANCHORS = ("tweets.js", "tweet.js", "tweets-part*.js", "tweet-part*.js", "account.js")
_MONTHLY = re.compile(r"^\d{4}_\d{2}\.js$")
_ZIP_DATE = re.compile(r"twitter-(\d{4}-\d{2}-\d{2})-[0-9a-f]+", re.IGNORECASE)


@dataclass
class DataFile:
    """One data file of the archive, as its index lists it or as found."""

    dtype: str  # the manifest's data type: "tweets", "follower", "like", ...
    label: str  # its base name, the ledger's source
    stored: str | None  # its member name; None when the index lists it but it is absent
    count: int | None = None  # the record count its index states
    index: str | None = None  # "manifest.js" or "tweet_index.js" when listed there


@dataclass
class Layout:
    """The data files of an archive, and what else it holds."""

    kind: str  # "modern", "grailbird" or "csv"
    files: list[DataFile] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    exported_at: pd.Timestamp | None = None
    user_details: str | None = None  # Grailbird's data/js/user_details.js
    legacy_csv: str | None = None  # tweets.csv
    duplicates: list[str] = field(default_factory=list)  # a file again in another part
    read_aside: set[str] = field(default_factory=set)  # index files read for the layout

    def of_type(self, *dtypes: str) -> list[DataFile]:
        """The files of these types, parts in order (``tweets.js``, ``tweets-part1.js``, ...)."""

        def part(f: DataFile) -> tuple[int, str]:
            m = re.search(r"-part(\d+)\.js$", f.label)
            return (int(m.group(1)) if m else 0, f.label)

        return sorted((f for f in self.files if f.dtype in dtypes), key=part)


def _is_ytd(files: ExportFiles, name: str) -> bool:
    return "window.YTD" in head(files, name, 512)


def _manifests(files: ExportFiles) -> list[str]:
    return [n for n in files.find("manifest.js") if "__THAR_CONFIG" in head(files, n)]


def _monthly(files: ExportFiles) -> list[str]:
    return [
        n
        for n in files.names()
        if _MONTHLY.match(posixpath.basename(n))
        and posixpath.dirname(n).endswith("js/tweets")
    ]


def _legacy_csvs(files: ExportFiles) -> list[str]:
    return [n for n in files.find("tweets.csv") if LEGACY_COLUMNS <= set(csv_header(head(files, n)))]


def looks_like_x(files: ExportFiles) -> bool:
    """Whether ``files`` hold an X archive of any layout (see the module docstring)."""
    if _manifests(files):
        return True
    if any(_is_ytd(files, n) for pattern in _ANCHORS for n in files.find(pattern)):
        return True
    if any("Grailbird" in head(files, n, 512) for n in _monthly(files)):
        return True
    return bool(_legacy_csvs(files))


def find_layout(files: ExportFiles) -> Layout:
    """The layout of the archive ``files`` holds.

    Raises
    ------
    CorruptExportError
        ``manifest.js`` is damaged, or the export holds no X archive.
    InvalidArgumentError
        The export holds the manifests of two different archives.
    """
    manifests = _manifests(files)
    if manifests:
        return _modern_from_manifest(files, manifests)
    anchors = [n for pattern in _ANCHORS for n in files.find(pattern) if _is_ytd(files, n)]
    if anchors:
        return _modern_found(files, anchors, manifest=None)
    monthly = _monthly(files)
    if monthly:
        return _grailbird(files, monthly)
    legacy = _legacy_csvs(files)
    if legacy:
        layout = Layout("csv", legacy_csv=min(legacy, key=len))
        layout.user_details = _first(files, "user_details.js")
        layout.exported_at = export_date(files, _ZIP_DATE, "%Y-%m-%d")
        return layout
    raise CorruptExportError(
        f"{files.path} holds no manifest.js, tweets.js, tweet.js, data/js/tweets/ or tweets.csv; "
        "expected the zip X sends (twitter-YYYY-MM-DD-<hex>.zip), its folder, or its data/ folder"
    )


def _first(files: ExportFiles, basename: str) -> str | None:
    found = files.find(basename)
    return min(found, key=lambda n: (n.count("/"), n)) if found else None


def _modern_from_manifest(files: ExportFiles, manifests: list[str]) -> Layout:
    stored = min(manifests, key=lambda n: (n.count("/"), n))
    manifest = files.read_json(
        stored, expected="an object after 'window.__THAR_CONFIG ='", assignment=True
    )
    if not isinstance(manifest, dict):
        raise CorruptExportError(
            "manifest.js is damaged: expected an object after 'window.__THAR_CONFIG =', "
            f"found {type(manifest).__name__}; download the archive again"
        )
    types = manifest.get("dataTypes")
    if not isinstance(types, dict):
        # an index without its list of files: find the data files by their content
        anchors = [n for pattern in _ANCHORS for n in files.find(pattern) if _is_ytd(files, n)]
        layout = _modern_found(files, anchors, manifest=manifest)
        layout.read_aside.update(manifests)
        return layout
    layout = Layout("modern", manifest=manifest)
    layout.read_aside.update(manifests)
    for other in manifests:
        if other == stored:
            continue
        if files.archive_of(other) != files.archive_of(stored) and _identity(
            files.read_json(other, expected="an object", assignment=True)
        ) != _identity(manifest):
            raise InvalidArgumentError(
                f"{files.path} holds X archives of different accounts or dates "
                f"({files.archive_of(stored) or '.'}, {files.archive_of(other) or '.'}); load "
                "one at a time (the parts of one download share their manifest's account and "
                "generation date)"
            )
        layout.duplicates.append(other)
    home = files.archive_of(stored)
    folder = posixpath.dirname(stored)
    listed: set[str] = set()
    for dtype, spec in types.items():
        entries = spec.get("files", []) if isinstance(spec, dict) else []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("fileName"), str):
                continue
            name = entry["fileName"]
            try:
                count: int | None = int(entry.get("count"))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                count = None
            hits = _where(files, name, folder)
            hits.sort(key=lambda n: (files.archive_of(n) != home, n.count("/"), n))
            listed.update(hits)
            layout.duplicates += hits[1:]
            base = posixpath.basename(name)
            layout.files.append(
                DataFile(str(dtype), base, hits[0] if hits else None, count, "manifest.js")
            )
    # data files the manifest does not list (a part added by hand, a newer type)
    data_dirs = {posixpath.dirname(f.stored) for f in layout.files if f.stored} | {folder}
    for name in files.names():
        if (
            name not in listed
            and name not in manifests
            and posixpath.dirname(name) in data_dirs
            and name.endswith(".js")
            and _is_ytd(files, name)
        ):
            base = posixpath.basename(name)
            layout.files.append(DataFile(type_of(base), base, name))
    layout.exported_at = _generation_date(manifest) or export_date(files, _ZIP_DATE, "%Y-%m-%d")
    return layout


def _where(files: ExportFiles, file_name: str, folder: str) -> list[str]:
    """Members that are the manifest's ``file_name`` (``data/tweets.js``), in any part."""
    base = posixpath.basename(file_name)
    local = posixpath.join(folder, base) if folder else base
    return [
        n
        for n in files.names()
        if n == local or n == file_name or n.endswith("/" + file_name)
        or (posixpath.basename(n) == base and posixpath.dirname(n).endswith("data"))
    ]


def _modern_found(files: ExportFiles, anchors: list[str], *, manifest: Any) -> Layout:
    """Without a usable manifest: every ``window.YTD`` file beside the anchors, in any part."""
    layout = Layout("modern", manifest=manifest if isinstance(manifest, dict) else None)
    folders = {posixpath.dirname(n) for n in anchors}
    seen: dict[str, str] = {}
    for name in files.names():
        if posixpath.dirname(name) not in folders or not name.endswith(".js"):
            continue
        base = posixpath.basename(name)
        if base == "manifest.js" or not _is_ytd(files, name):
            continue
        if base in seen:  # the same file in another part of the download
            layout.duplicates.append(name)
            continue
        seen[base] = name
        layout.files.append(DataFile(type_of(base), base, name))
    layout.exported_at = (
        _generation_date(layout.manifest) if layout.manifest else None
    ) or export_date(files, _ZIP_DATE, "%Y-%m-%d")
    return layout


def _grailbird(files: ExportFiles, monthly: list[str]) -> Layout:
    layout = Layout("grailbird")
    index = _first(files, "tweet_index.js")
    counts: dict[str, int | None] = {}
    if index is not None:
        layout.read_aside.add(index)
        listed = files.read_json(
            index, expected="a list of the monthly tweet files", assignment=True
        )
        for entry in listed if isinstance(listed, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("file_name"), str):
                count = entry.get("tweet_count")
                counts[posixpath.basename(entry["file_name"])] = (
                    count if isinstance(count, int) else None
                )
    present = {posixpath.basename(n): n for n in sorted(monthly)}
    for base in sorted(set(counts) | set(present)):
        layout.files.append(
            DataFile(
                "tweets",
                base,
                present.get(base),
                counts.get(base),
                "tweet_index.js" if base in counts else None,
            )
        )
    layout.user_details = _first(files, "user_details.js")
    csvs = _legacy_csvs(files)
    layout.legacy_csv = min(csvs, key=len) if csvs else None
    layout.exported_at = export_date(files, _ZIP_DATE, "%Y-%m-%d")
    return layout


def _identity(manifest: Any) -> tuple[Any, Any]:
    """(account id, generation date) of a manifest: the same in every part of one download."""
    if not isinstance(manifest, dict):
        return (None, None)
    user, info = manifest.get("userInfo"), manifest.get("archiveInfo")
    return (
        user.get("accountId") if isinstance(user, dict) else None,
        info.get("generationDate") if isinstance(info, dict) else None,
    )


def _generation_date(manifest: dict[str, Any]) -> pd.Timestamp | None:
    info = manifest.get("archiveInfo") or {}
    generated = info.get("generationDate") if isinstance(info, dict) else None
    if isinstance(generated, str) and ISO_TIME.match(generated):
        stamp = pd.Timestamp(generated)  # ISO 8601: no locale involved
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
        return stamp.tz_convert("UTC")
    return None
