"""Safe, streaming access to the files of an export: a folder, a zip, a tar(.gz), or several.

Nothing is ever extracted to disk, so no member can be written outside a target.
Members are read as streams, and every read is checked against limits that stop
zip bombs: a per-member and a total uncompressed size, and a compression ratio; a
gzip-compressed member (a research log ``.txt.gz``) is decompressed under the same
limits. Importers see one interface whatever the container: :class:`ExportFiles`.

An export often comes in pieces: a Mastodon archive zip with its ``following_accounts.csv``
beside it, an Instagram download split into several zips, an X archive in parts. A folder
holding such pieces is one export: the archives in it are opened in place, and their
members are addressed as ``<archive name>/<member>``. Several paths can be given too.
"""

from __future__ import annotations

import fnmatch
import gzip
import importlib
import io
import json
import os
import posixpath
import re
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import pandas as pd

from ..exceptions import CorruptExportError, InvalidArgumentError, UnsafeArchiveError

__all__ = ["ExportFiles", "Limits", "date_in_name", "export_date", "opened", "progress"]

T = TypeVar("T")

_ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
_GZIP_MAGIC = b"\x1f\x8b"


class Limits:
    """Safety limits for reading archives (all sizes uncompressed, in bytes).

    Parameters
    ----------
    max_member_bytes : int
        Largest member (also the largest decompressed ``.gz`` member).
    max_total_bytes : int
        Largest sum of the members of one export.
    max_ratio : float
        Largest compression ratio of a member above 1 MiB (zip and gzip).
    max_members : int
        Most members in one archive.

    Examples
    --------
    >>> Limits(max_member_bytes=2**20).max_member_bytes
    1048576
    """

    def __init__(
        self,
        max_member_bytes: int = 8 * 2**30,
        max_total_bytes: int = 64 * 2**30,
        max_ratio: float = 200.0,
        max_members: int = 1_000_000,
    ) -> None:
        self.max_member_bytes = max_member_bytes
        self.max_total_bytes = max_total_bytes
        self.max_ratio = max_ratio
        self.max_members = max_members


DEFAULT_LIMITS = Limits()


def _clean_name(name: str, container: str) -> str:
    norm = name.replace("\\", "/")
    parts = [p for p in norm.split("/") if p not in ("", ".")]
    if norm.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        raise UnsafeArchiveError(
            f"{container}: member {name!r} has an absolute or parent-relative path; "
            "the archive is malformed or hostile and was not read"
        )
    return "/".join(parts)


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

    def close(self) -> None: ...


class _LimitedReader(io.RawIOBase):
    """Wraps a member stream and raises once more than ``limit`` bytes come out."""

    def __init__(self, raw: _Readable, limit: int, label: str) -> None:
        self._raw = raw
        self._left = limit
        self._label = label

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._raw.read(min(len(buffer), self._left + 1))
        except (zipfile.BadZipFile, zlib.error, gzip.BadGzipFile, EOFError, tarfile.TarError) as exc:
            raise CorruptExportError(
                f"{self._label} is damaged ({type(exc).__name__}: {exc}); download the export "
                "again"
            ) from exc
        if len(data) > self._left:
            raise UnsafeArchiveError(
                f"{self._label} expands beyond the size it declares or the safety limit; "
                "not read further (possible zip bomb)"
            )
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _is_archive_name(name: str) -> bool:
    return name.lower().endswith(_ARCHIVE_SUFFIXES)


def _is_tar(path: Path) -> bool:
    if not path.name.lower().endswith(_ARCHIVE_SUFFIXES[1:]):
        return False
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


# --------------------------------------------------------------------------- stores
class _Store:
    """One container of members: a folder, a zip, a tar or a single file."""

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sizes: dict[str, int] = {}

    def open(self, stored: str) -> IO[bytes]:
        return open(self.path, "rb")

    def disk_path(self, stored: str) -> Path | None:
        """The member as a file on disk (seekable in place), or None inside an archive."""
        return self.path

    def close(self) -> None:
        return None


class _FolderStore(_Store):
    kind = "folder"

    def open(self, stored: str) -> IO[bytes]:
        return open(self.path / stored, "rb")

    def disk_path(self, stored: str) -> Path | None:
        return self.path / stored


class _ZipStore(_Store):
    kind = "zip"

    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__(path)
        label = str(path)
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise CorruptExportError(f"{label} is not a readable zip file: {exc}") from exc
        if len(infos) > limits.max_members:
            raise UnsafeArchiveError(f"{label} has {len(infos)} members, over the limit")
        self.original: dict[str, str] = {}
        for info in infos:
            if info.is_dir():
                continue
            name = _clean_name(info.filename, label)
            if info.file_size > limits.max_member_bytes:
                raise UnsafeArchiveError(
                    f"{label}: member {name} declares {info.file_size:,} bytes, over the "
                    f"limit of {limits.max_member_bytes:,}"
                )
            if (
                info.compress_size
                and info.file_size > 2**20
                and info.file_size / info.compress_size > limits.max_ratio
            ):
                raise UnsafeArchiveError(
                    f"{label}: member {name} expands {info.file_size / info.compress_size:.0f}"
                    f"-fold, over the safety ratio of {limits.max_ratio:.0f} "
                    "(possible zip bomb)"
                )
            self.sizes[name] = info.file_size
            self.original[name] = info.filename

    def open(self, stored: str) -> IO[bytes]:
        try:
            return self.zip.open(self.original[stored])
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise CorruptExportError(f"{self.path}:{stored} cannot be read: {exc}") from exc

    def disk_path(self, stored: str) -> Path | None:
        return None

    def close(self) -> None:
        self.zip.close()


class _TarStore(_Store):
    kind = "tar"

    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__(path)
        label = str(path)
        try:
            self.tar = tarfile.open(path, "r:*")
            members = self.tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise CorruptExportError(f"{label} is not a readable tar file: {exc}") from exc
        if len(members) > limits.max_members:
            raise UnsafeArchiveError(f"{label} has {len(members)} members, over the limit")
        self.original: dict[str, tarfile.TarInfo] = {}
        for m in members:
            if not m.isfile():
                continue
            name = _clean_name(m.name, label)
            if m.size > limits.max_member_bytes:
                raise UnsafeArchiveError(f"{label}: member {name} is over the size limit")
            self.sizes[name] = m.size
            self.original[name] = m

    def open(self, stored: str) -> IO[bytes]:
        try:
            extracted = self.tar.extractfile(self.original[stored])
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise CorruptExportError(f"{self.path}:{stored} cannot be read: {exc}") from exc
        if extracted is None:
            raise CorruptExportError(f"{self.path}:{stored} cannot be read")
        return extracted

    def disk_path(self, stored: str) -> Path | None:
        return None

    def close(self) -> None:
        self.tar.close()


def _archive_store(path: Path, limits: Limits) -> _Store | None:
    """A zip or tar store of ``path``, or None when it is neither."""
    if path.name.lower().endswith(".zip") or not _is_archive_name(path.name):
        if zipfile.is_zipfile(path):
            return _ZipStore(path, limits)
    if _is_tar(path):
        return _TarStore(path, limits)
    return None


# --------------------------------------------------------------------------- ExportFiles
class ExportFiles:
    """The files of an export, addressed by their path relative to the export's root.

    Parameters
    ----------
    path : str, path, or a list of them
        A folder, a ``.zip``, a ``.tar``/``.tar.gz``/``.tgz`` file, a single file, or
        several of these (the parts of one export). The zips and tars inside a folder
        are opened too: their members are named ``<archive path>/<member>``, as are the
        members of each folder or archive when several paths are given (a plain file
        keeps its name).
    limits : Limits, optional

    Raises
    ------
    FileNotFoundError
        A path does not exist.
    CorruptExportError
        A zip or tar cannot be read.
    UnsafeArchiveError
        A member has an absolute or ``..`` path, or is over the size limits.
    InvalidArgumentError
        ``path`` is neither a path nor a list of paths.

    Examples
    --------
    >>> import tempfile, zipfile, os
    >>> d = tempfile.mkdtemp()
    >>> with zipfile.ZipFile(os.path.join(d, "x.zip"), "w") as z:
    ...     z.writestr("data/a.txt", "hello")
    >>> files = ExportFiles(os.path.join(d, "x.zip"))
    >>> files.names()
    ['data/a.txt']
    >>> files.read_text("data/a.txt")
    'hello'
    >>> _ = open(os.path.join(d, "following_accounts.csv"), "w").write("Account address\\n")
    >>> ExportFiles(d).names()  # a folder: the zip in it is opened as well
    ['following_accounts.csv', 'x.zip/data/a.txt']
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        limits: Limits | None = None,
    ) -> None:
        self.limits = limits or DEFAULT_LIMITS
        self._stores: list[_Store] = []
        self._members: dict[str, tuple[_Store, str]] = {}
        self._prefixes: dict[str, str] = {}  # member -> name of the archive it lies in
        #: The folders and archive files the export was read from (their names carry dates).
        self.sources: list[Path] = []
        if isinstance(path, (str, os.PathLike)):
            paths = [Path(path)]
        elif isinstance(path, Sequence) and path and all(
            isinstance(p, (str, os.PathLike)) for p in path
        ):
            paths = [Path(p) for p in path]
        else:
            raise InvalidArgumentError(
                "an export is a path (a folder, a zip or tar.gz, or a single file) or a list "
                f"of paths (the parts of one export); got {type(path).__name__}"
            )
        for p in paths:
            if not p.exists():
                raise FileNotFoundError(f"{p}: no such file or folder")
        self.path = paths[0]
        self.paths = paths
        try:
            if len(paths) == 1:
                self.kind = self._add(paths[0], "")
            else:
                self.kind = "several"
                used: set[str] = set()
                for p in paths:
                    prefix = p.name
                    while prefix in used:
                        prefix = "_" + prefix
                    used.add(prefix)
                    self._add(p, prefix)
        except BaseException:
            self.close()
            raise
        total = sum(store.sizes[s] for store, s in self._members.values())
        if total > self.limits.max_total_bytes:
            self.close()
            raise UnsafeArchiveError(f"{self.path} expands to {total:,} bytes, over the limit")

    def _add(self, path: Path, prefix: str) -> str:
        """Add the members of one path under ``prefix``; return the kind of container."""
        self.sources.append(path)
        if path.is_dir():
            folder = _FolderStore(path)
            self._stores.append(folder)
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for f in sorted(files):
                    full = Path(root, f)
                    rel = full.relative_to(path).as_posix()
                    nested = _archive_store(full, self.limits) if _is_archive_name(f) else None
                    if nested is not None:
                        self._stores.append(nested)
                        self.sources.append(full)
                        self._take(nested, _join(prefix, rel), archive=_join(prefix, rel))
                    else:
                        folder.sizes[rel] = full.stat().st_size
                        self._members[_join(prefix, rel)] = (folder, rel)
                        if prefix:
                            self._prefixes[_join(prefix, rel)] = prefix
            return "folder"
        store = _archive_store(path, self.limits)
        if store is None:  # a plain file: its own name (made unique among several paths)
            store = _Store(path)
            store.sizes[path.name] = path.stat().st_size
            self._stores.append(store)
            self._members[prefix or path.name] = (store, path.name)
            return store.kind
        self._stores.append(store)
        self._take(store, prefix, archive=prefix)
        return store.kind

    def _take(self, store: _Store, prefix: str, *, archive: str) -> None:
        for stored in store.sizes:
            name = _join(prefix, stored)
            self._members[name] = (store, stored)
            if archive:
                self._prefixes[name] = archive

    # ------------------------------------------------------------------ queries
    def names(self) -> list[str]:
        """Every file, by its path relative to the root, sorted."""
        return sorted(self._members)

    def size(self, name: str) -> int:
        """Uncompressed size of a member."""
        store, stored = self._members[self.resolve(name)]
        return store.sizes[stored]

    def resolve(self, name: str) -> str:
        """The stored name of ``name``, also when the export is wrapped in one top folder.

        Raises KeyError when absent or ambiguous.
        """
        if name in self._members:
            return name
        hits = [n for n in self._members if n.endswith("/" + name)]
        if len(hits) == 1:
            return hits[0]
        raise KeyError(name)

    def find(self, basename_glob: str) -> list[str]:
        """Members whose base name matches a glob pattern (``followers_*.json``), sorted."""
        return sorted(
            n for n in self._members if fnmatch.fnmatch(posixpath.basename(n), basename_glob)
        )

    def archive_of(self, name: str) -> str:
        """The archive (or part) a member lies in, as named in :meth:`names`; ``""`` for the root."""
        return self._prefixes.get(name, "")

    def inner_name(self, name: str) -> str:
        """A member's path inside its own archive (without the ``<archive>/`` prefix)."""
        prefix = self._prefixes.get(name, "")
        return name[len(prefix) + 1 :] if prefix else name

    def label(self, name: str) -> str:
        """How to name a member in a message: ``<export path>:<member>``."""
        return str(self.path) if self.kind == "file" else f"{self.path}:{name}"

    def __contains__(self, name: object) -> bool:
        try:
            self.resolve(str(name))
        except KeyError:
            return False
        return True

    # ------------------------------------------------------------------ reading
    def open(self, name: str, *, gunzip: bool = False) -> IO[bytes]:
        """A binary stream of a member, limited to its declared size.

        With ``gunzip=True`` a member that starts with the gzip magic bytes is
        decompressed, limited to ``max_member_bytes`` and ``max_ratio`` times its
        compressed size (at least 1 MiB).
        """
        stored_name = self.resolve(name)
        store, stored = self._members[stored_name]
        label = self.label(stored_name)
        size = store.sizes[stored]
        raw = io.BufferedReader(
            _LimitedReader(store.open(stored), min(size, self.limits.max_member_bytes), label)
        )
        if not gunzip or raw.peek(2)[:2] != _GZIP_MAGIC:
            return raw
        cap = min(self.limits.max_member_bytes, max(2**20, int(size * self.limits.max_ratio)))
        decompressed = gzip.GzipFile(fileobj=raw, mode="rb")
        return io.BufferedReader(_LimitedReader(decompressed, cap, label + " (decompressed)"))

    def read_bytes(self, name: str) -> bytes:
        """The whole member as bytes."""
        with self.open(name) as fh:
            return fh.read()

    def read_text(self, name: str, encoding: str = "utf-8-sig") -> str:
        """The whole member as text (a byte-order mark is dropped)."""
        data = self.read_bytes(name)
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise CorruptExportError(
                f"{self.label(name)} is not {encoding} text ({exc.reason} at byte {exc.start})"
            ) from exc

    def read_json(self, name: str, *, expected: str, assignment: bool = False) -> Any:
        """A whole member decoded as JSON; damage raises :class:`CorruptExportError`.

        Parameters
        ----------
        name : str
        expected : str
            What the file should hold, for the message (``"an ActivityPub Person"``).
        assignment : bool, default False
            The file is a JavaScript assignment (``window.__THAR_CONFIG = {...}``,
            ``var user_details = {...}``): the JSON after the first ``=`` is decoded.
        """
        text = self.read_text(name)
        if assignment:
            head = re.split(r"[\[{]", text, maxsplit=1)[0]
            if "=" in head:
                text = text.split("=", 1)[1]
            text = text.strip().rstrip(";").strip()
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorruptExportError(
                f"{self.label(name)} is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                f"{exc.colno}); expected {expected}. The file is truncated or damaged: download "
                "the export again"
            ) from None

    @contextmanager
    def seekable(self, name: str) -> Iterator[IO[bytes]]:
        """A seekable binary stream of a member.

        A file on disk is opened in place; a member of a zip or tar is copied, streaming
        and under the size limits, to an anonymous temporary file first (a compressed
        member cannot seek).
        """
        stored_name = self.resolve(name)
        store, stored = self._members[stored_name]
        on_disk = store.disk_path(stored)
        if on_disk is not None:
            with open(on_disk, "rb") as fh:
                yield fh
            return
        with tempfile.TemporaryFile(prefix="engagemetrics-") as tmp:
            with self.open(stored_name) as member:
                shutil.copyfileobj(member, tmp, 1 << 20)
            tmp.seek(0)
            yield tmp

    def close(self) -> None:
        """Close every archive opened."""
        for store in self._stores:
            store.close()

    def __enter__(self) -> ExportFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


@contextmanager
def opened(path: Any, limits: Limits | None = None) -> Iterator[ExportFiles]:
    """The export ``path`` as :class:`ExportFiles`: opened here and closed after, or as given.

    Readers accept an already opened export (:func:`engagemetrics.load` opens it once)
    or a path.

    Examples
    --------
    >>> import tempfile
    >>> with opened(tempfile.mkdtemp()) as files:
    ...     files.kind
    'folder'
    """
    if isinstance(path, ExportFiles):
        yield path
        return
    files = ExportFiles(path, limits)
    try:
        yield files
    finally:
        files.close()


def export_date(files: ExportFiles, pattern: re.Pattern[str], fmt: str) -> pd.Timestamp | None:
    """The date a platform writes into its download's name, from the export's paths.

    ``pattern`` is searched in the names of the export's folders and archives (see
    :attr:`ExportFiles.sources`), then of its members; its group ``date`` (else its first
    group) is parsed with ``fmt`` as UTC. None when no name carries a valid date.

    Examples
    --------
    >>> import tempfile, pathlib, re
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "twitter-2026-03-06-0123abcd"
    >>> d.mkdir()
    >>> export_date(ExportFiles(d), re.compile(r"twitter-(\\d{4}-\\d{2}-\\d{2})-"), "%Y-%m-%d")
    Timestamp('2026-03-06 00:00:00+0000', tz='UTC')
    """
    names = [p.name for p in files.sources]
    names += [posixpath.basename(n) for n in files.names()]
    for name in names:
        found = date_in_name(name, pattern, fmt)
        if found is not None:
            return found
    return None


def date_in_name(name: str, pattern: re.Pattern[str], fmt: str) -> pd.Timestamp | None:
    """The date ``pattern`` finds in one file name (group ``date``, else group 1), as UTC.

    Examples
    --------
    >>> import re
    >>> date_in_name("bob.20250310005405.car", re.compile(r"(20\\d{12})"), "%Y%m%d%H%M%S")
    Timestamp('2025-03-10 00:54:05+0000', tz='UTC')
    >>> date_in_name("repo.car", re.compile(r"(20\\d{12})"), "%Y%m%d%H%M%S") is None
    True
    """
    match = pattern.search(name)
    if not match:
        return None
    text = match.group("date") if "date" in pattern.groupindex else match.group(1)
    try:
        return pd.Timestamp(pd.to_datetime(text, format=fmt, utc=True))
    except (ValueError, OverflowError):
        return None


def progress(
    iterable: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool | None = None
) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm progress bar when asked to.

    A library writes nothing by itself: the bar is shown only with ``enabled=True``
    (a reader's ``show_progress=True``), never by default.

    Examples
    --------
    >>> list(progress(range(3), desc="reading"))  # not asked for: no bar
    [0, 1, 2]
    """
    if not enabled:
        return iter(iterable)
    # tqdm ships no type hints (types-tqdm is not a dependency): imported as a module.
    tqdm = importlib.import_module("tqdm.auto").tqdm
    return iter(tqdm(iterable, total=total, desc=desc, leave=False))
