"""Safe, streaming access to the files of an export: a folder, a zip, a tar(.gz), or several.

Nothing is ever extracted: members are read as streams, so no member can be written
outside a target. Every read is checked against the limits of :class:`Limits`, which stop
zip and gzip bombs: a per-member and a total uncompressed size, a compression ratio and a
number of members; a gzip-compressed member (a research log ``.txt.gz``) is decompressed
under the same limits. Importers see one interface whatever the container:
:class:`ExportFiles`.

What an archive may hold is checked when it is opened: a member with an absolute or
``..`` path, a link (a symbolic or hard link in a tar, a zip member whose external
attributes say it is a symbolic link) or any other special file, and two members of the
same name with different contents, are refused (:class:`UnsafeArchiveError`). Two
members of the same name with the same contents are read once and noted. An archive
inside an archive is never opened: it is a member like any other, noted as not read. The
notes reach the archive's ledger through :meth:`ExportFiles.note_into`.

The one exception to "nothing is written": a reader that needs random access to a
compressed member (a Bluesky ``repo.car`` inside a zip) gets it through
:meth:`ExportFiles.seekable`, which reads a stored (uncompressed) zip member or a member
of an uncompressed tar in place, and copies any other member to an anonymous temporary
file for the duration of the read (``docs/importers.md`` says where and for how long).

An export often comes in pieces: a Mastodon archive zip with its ``following_accounts.csv``
beside it, an Instagram download split into several zips, an X archive in parts. A folder
holding such pieces is one export: the archives in it are opened in place, and their
members are addressed as ``<archive name>/<member>``. Several paths can be given too.
"""

from __future__ import annotations

import bz2
import fnmatch
import gzip
import importlib
import io
import json
import lzma
import os
import posixpath
import re
import shutil
import stat
import struct
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
from ._jsonstream import REPAIRED_SURROGATES, repair_surrogates

__all__ = [
    "ExportFiles",
    "Limits",
    "Note",
    "date_in_name",
    "export_date",
    "opened",
    "progress",
]

T = TypeVar("T")

_ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")
_GZIP_MAGIC = b"\x1f\x8b"
_FLOOR = 2**20  # the ratio limit applies above 1 MiB: small files may compress well
# What a damaged zip, tar or compressed stream raises while it is read.
_DAMAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    gzip.BadGzipFile,
    lzma.LZMAError,
    EOFError,
    tarfile.TarError,
    OSError,
    struct.error,
    NotImplementedError,  # an unsupported compression method
    RuntimeError,  # an encrypted member
)
# Opening a damaged archive can raise ValueError too (a negative seek from a bad offset).
_DAMAGE_OR_VALUE: tuple[type[BaseException], ...] = (*_DAMAGE, ValueError)


class Limits:
    """Safety limits for reading archives (all sizes uncompressed, in bytes).

    Each limit is named in the error that it raises
    (:class:`~engagemetrics.UnsafeArchiveError`), so that a user who trusts a file can
    raise just that one: ``em.load(path, limits=em.Limits(max_ratio=1000))``.

    Parameters
    ----------
    max_member_bytes : int
        Largest member (also the largest decompressed ``.gz`` member). Default 8 GiB.
    max_total_bytes : int
        Largest sum of the members of one export. Default 64 GiB.
    max_ratio : float
        Largest compression ratio, uncompressed over compressed size: of one zip
        member, of a whole zip or tar.gz, of a gzip-compressed file. It applies above
        1 MiB uncompressed. Default 200 (text compresses about 10-fold).
    max_members : int
        Most members in one archive. Default 1,000,000.

    Raises
    ------
    InvalidArgumentError
        A limit is not a positive number.

    Examples
    --------
    >>> Limits(max_member_bytes=2**20).max_member_bytes
    1048576
    >>> Limits()
    Limits(max_member_bytes=8589934592, max_total_bytes=68719476736, max_ratio=200.0, max_members=1000000)
    """

    def __init__(
        self,
        max_member_bytes: int = 8 * 2**30,
        max_total_bytes: int = 64 * 2**30,
        max_ratio: float = 200.0,
        max_members: int = 1_000_000,
    ) -> None:
        for name, value in (
            ("max_member_bytes", max_member_bytes),
            ("max_total_bytes", max_total_bytes),
            ("max_ratio", max_ratio),
            ("max_members", max_members),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise InvalidArgumentError(f"Limits({name}=...) must be a positive number, got {value!r}")
        self.max_member_bytes = int(max_member_bytes)
        self.max_total_bytes = int(max_total_bytes)
        self.max_ratio = float(max_ratio)
        self.max_members = int(max_members)

    def __repr__(self) -> str:
        return (
            f"Limits(max_member_bytes={self.max_member_bytes}, max_total_bytes="
            f"{self.max_total_bytes}, max_ratio={self.max_ratio}, max_members={self.max_members})"
        )

    def ratio_cap(self, compressed: int) -> int:
        """The most bytes ``compressed`` bytes may expand to under ``max_ratio`` (>= 1 MiB)."""
        return max(_FLOOR, int(compressed * self.max_ratio))


DEFAULT_LIMITS = Limits()


def _over(label: str, what: str, limit: str, value: float) -> UnsafeArchiveError:
    """The error of a limit exceeded, naming the limit and how to raise it."""
    shown = f"{value:,.0f}" if limit != "max_ratio" else f"{value:g}"
    return UnsafeArchiveError(
        f"{label}: {what}, over the limit {limit}={shown} (a safety limit against zip "
        f"bombs); not read. If you trust the file, raise that limit: "
        f"em.load(path, limits=em.Limits({limit}=...))"
    )


#: One fact about the container for the archive's ledger:
#: (source, record kind, reason, count, action), the arguments of ``Ledger.add``.
Note = tuple[str, str, str, int, str]

_NESTED = (
    "archive inside the archive, not opened (only one level of archives is read: extract "
    "the outer archive and load the folder)"
)
_SAME_TWICE = "the same member twice in the archive, with the same contents (read once)"
_NOT_REGULAR = (
    "not a regular file (a FIFO, socket, device, folder link or broken link): not read"
)


def _clean_name(name: str, container: str) -> str:
    norm = name.replace("\\", "/")
    parts = [p for p in norm.split("/") if p not in ("", ".")]
    if norm.startswith("/") or ".." in parts or (parts and ":" in parts[0]) or "\x00" in norm:
        raise UnsafeArchiveError(
            f"{container}: member {name!r} has an absolute or parent-relative path; "
            "the archive is malformed or hostile and was not read"
        )
    return "/".join(parts)


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

    def close(self) -> None: ...


class _LimitedReader(io.RawIOBase):
    """Wraps a member stream and raises once more than ``limit`` bytes come out.

    ``why`` names the cap in the error (the size the member declares, or a limit).
    """

    def __init__(self, raw: _Readable, limit: int, label: str, why: str) -> None:
        self._raw = raw
        self._left = limit
        self._limit = limit
        self._label = label
        self._why = why

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._raw.read(min(len(buffer), self._left + 1))
        except UnsafeArchiveError:
            raise
        except _DAMAGE as exc:
            raise CorruptExportError(
                f"{self._label} is damaged ({type(exc).__name__}: {exc}); download the export "
                "again"
            ) from exc
        if len(data) > self._left:
            raise UnsafeArchiveError(
                f"{self._label} expands beyond {self._limit:,} bytes, {self._why}; not read "
                "further (possible zip bomb)"
            )
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _CappedStream(io.RawIOBase):
    """A seekable view of a decompressed stream that never goes past ``cap`` bytes.

    A tar.gz is read through it: tarfile seeks from header to header, and a seek or a
    read past the cap raises (naming the limit ``limit``) before anything beyond it is
    decompressed.
    """

    def __init__(self, raw: Any, cap: int, label: str, limit: tuple[str, float]) -> None:
        self._raw = raw
        self._cap = cap
        self._label = label
        self._limit = limit

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def _check(self, position: int) -> None:
        if position > self._cap:
            raise _over(
                self._label, f"its contents expand beyond {self._cap:,} bytes", *self._limit
            )

    def readinto(self, buffer: Any) -> int:
        here = self._raw.tell()
        try:
            data = self._raw.read(max(1, min(len(buffer), self._cap + 1 - here)))
        except _DAMAGE as exc:
            raise CorruptExportError(
                f"{self._label} is damaged ({type(exc).__name__}: {exc}); download it again"
            ) from exc
        self._check(here + len(data))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._raw.tell() + offset
        else:  # the end of a compressed stream is only known by decompressing it all
            raise io.UnsupportedOperation("seek from the end of a compressed stream")
        self._check(target)
        try:
            return int(self._raw.seek(target))
        except _DAMAGE as exc:
            raise CorruptExportError(
                f"{self._label} is damaged ({type(exc).__name__}: {exc}); download it again"
            ) from exc

    def tell(self) -> int:
        return int(self._raw.tell())

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Window(io.RawIOBase):
    """The bytes ``[start, start + size)`` of a file, seekable: a stored zip member in place."""

    def __init__(self, path: Path, start: int, size: int) -> None:
        self._fh = open(path, "rb")
        self._start = start
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = max(0, min(len(buffer), self._size - self._pos))
        if n == 0:
            return 0
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._fh.close()
        super().close()


def _is_archive_name(name: str) -> bool:
    return name.lower().endswith(_ARCHIVE_SUFFIXES)


def _is_tar(path: Path) -> bool:
    if not path.name.lower().endswith(_ARCHIVE_SUFFIXES[1:]):
        return False
    try:
        return tarfile.is_tarfile(path)
    except (OSError, EOFError, tarfile.TarError, zlib.error, lzma.LZMAError, ValueError):
        return False


# --------------------------------------------------------------------------- stores
class _Store:
    """One container of members: a folder, a zip, a tar or a single file."""

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sizes: dict[str, int] = {}
        self.notes: list[Note] = []
        self.nested: list[str] = []  # archives inside, not opened

    def open(self, stored: str) -> IO[bytes]:
        return open(self.path, "rb")

    def in_place(self, stored: str) -> IO[bytes] | None:
        """A seekable stream of the member read in place, or None when it cannot seek."""
        return open(self.path, "rb")

    def close(self) -> None:
        return None

    def _note_nested(self, name: str) -> None:
        if _is_archive_name(name):
            self.nested.append(name)
            self.notes.append((posixpath.basename(name), "file", _NESTED, 1, "dropped"))


class _FolderStore(_Store):
    kind = "folder"

    def open(self, stored: str) -> IO[bytes]:
        return open(self.path / stored, "rb")

    def in_place(self, stored: str) -> IO[bytes] | None:
        return open(self.path / stored, "rb")


class _ZipStore(_Store):
    kind = "zip"

    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__(path)
        label = str(path)
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except _DAMAGE_OR_VALUE as exc:
            raise CorruptExportError(f"{label} is not a readable zip file: {exc}") from exc
        try:
            self._index(infos, label, limits)
        except BaseException:
            self.zip.close()
            raise

    def _index(self, infos: list[zipfile.ZipInfo], label: str, limits: Limits) -> None:
        if len(infos) > limits.max_members:
            raise _over(label, f"it has {len(infos):,} members", "max_members", limits.max_members)
        self.original: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = _clean_name(info.filename, label)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafeArchiveError(
                    f"{label}: member {info.filename!r} is a symbolic link (its external "
                    "attributes say so); an export holds no links, so the archive is "
                    "malformed or hostile and was not read"
                )
            if info.is_dir() or not name:
                continue
            if info.file_size > limits.max_member_bytes:
                raise _over(
                    label,
                    f"member {name} declares {info.file_size:,} bytes",
                    "max_member_bytes",
                    limits.max_member_bytes,
                )
            if (
                info.file_size > _FLOOR
                and info.file_size > max(info.compress_size, 1) * limits.max_ratio
            ):
                raise _over(
                    label,
                    f"member {name} expands {info.file_size / max(info.compress_size, 1):,.0f}"
                    "-fold",
                    "max_ratio",
                    limits.max_ratio,
                )
            if name in self.original:
                first = self.original[name]
                if (first.CRC, first.file_size) != (info.CRC, info.file_size):
                    raise UnsafeArchiveError(
                        f"{label}: two members are named {name!r}, with different contents; "
                        "which one the export holds is ambiguous (a zip edited by appending "
                        "to it?), so it was not read. Extract it yourself, keep the right "
                        "file, and load the folder"
                    )
                self.notes.append((posixpath.basename(name), "file", _SAME_TWICE, 1, "flagged"))
                continue
            total += info.file_size
            self.sizes[name] = info.file_size
            self.original[name] = info
            self._note_nested(name)
        size = path_size(self.path)
        if total > _FLOOR and total > max(size, 1) * limits.max_ratio:
            raise _over(
                label,
                f"its members expand {total / max(size, 1):,.0f}-fold ({total:,} bytes from "
                f"{size:,})",
                "max_ratio",
                limits.max_ratio,
            )

    def open(self, stored: str) -> IO[bytes]:
        try:
            return self.zip.open(self.original[stored])
        except _DAMAGE_OR_VALUE as exc:
            raise CorruptExportError(f"{self.path}:{stored} cannot be read: {exc}") from exc

    def in_place(self, stored: str) -> IO[bytes] | None:
        info = self.original[stored]
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            return None
        try:  # the data follow the local header: 30 bytes, the name and the extra field
            with open(self.path, "rb") as fh:
                fh.seek(info.header_offset)
                header = fh.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                return None
            name_len, extra_len = struct.unpack("<HH", header[26:30])
        except (OSError, struct.error):
            return None
        start = info.header_offset + 30 + name_len + extra_len
        return io.BufferedReader(_Window(self.path, start, info.file_size))

    def close(self) -> None:
        self.zip.close()


def path_size(path: Path) -> int:
    """Size of a file on disk in bytes (0 when it cannot be read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _compressed_stream(path: Path) -> tuple[Any, str | None]:
    """The decompressed stream of a tar file and its compression (None: not compressed)."""
    with open(path, "rb") as fh:
        magic = fh.read(6)
    if magic[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(path, "rb"), "gzip"
    if magic[:3] == b"BZh":
        return bz2.BZ2File(path, "rb"), "bzip2"
    if magic == b"\xfd7zXZ\x00":
        return lzma.LZMAFile(path, "rb"), "xz"
    return open(path, "rb"), None


class _TarStore(_Store):
    kind = "tar"

    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__(path)
        label = str(path)
        size = path_size(path)
        raw, self.compression = _compressed_stream(path)
        # A compressed tar's headers lie inside the compressed stream: tarfile decompresses
        # up to each one. The stream refuses to go past the ratio and total limits, so a
        # tar.gz bomb stops there, before it is decompressed further.
        limit: tuple[str, float]
        if self.compression is None:
            cap, limit = size, ("max_total_bytes", limits.max_total_bytes)
        elif limits.ratio_cap(size) <= limits.max_total_bytes:
            cap, limit = limits.ratio_cap(size), ("max_ratio", limits.max_ratio)
        else:
            cap, limit = limits.max_total_bytes, ("max_total_bytes", limits.max_total_bytes)
        stream = io.BufferedReader(_CappedStream(raw, cap, label, limit), 1 << 16)
        try:
            self.tar = tarfile.open(fileobj=stream, mode="r:")
        except UnsafeArchiveError:
            stream.close()
            raise
        except _DAMAGE_OR_VALUE as exc:
            stream.close()
            raise CorruptExportError(f"{label} is not a readable tar file: {exc}") from exc
        try:
            self._index(label, limits, size)
        except UnsafeArchiveError:
            self.tar.close()
            stream.close()
            raise
        except _DAMAGE_OR_VALUE as exc:
            self.tar.close()
            stream.close()
            raise CorruptExportError(f"{label} is not a readable tar file: {exc}") from exc
        self._stream = stream

    def _index(self, label: str, limits: Limits, size: int) -> None:
        self.original: dict[str, tarfile.TarInfo] = {}
        total = count = 0
        while True:
            m = self.tar.next()
            if m is None:
                break
            count += 1
            if count > limits.max_members:
                raise _over(label, f"it has more than {limits.max_members:,} members",
                            "max_members", limits.max_members)
            name = _clean_name(m.name, label)
            if m.issym() or m.islnk():
                raise UnsafeArchiveError(
                    f"{label}: member {m.name!r} is a {'symbolic' if m.issym() else 'hard'} "
                    f"link (to {m.linkname!r}); an export holds no links, so the archive is "
                    "malformed or hostile and was not read"
                )
            if m.isdir() or not name:
                continue
            if not m.isfile():
                raise UnsafeArchiveError(
                    f"{label}: member {m.name!r} is a special file (a device or FIFO); an "
                    "export holds only files and folders, so the archive is malformed or "
                    "hostile and was not read"
                )
            if m.size > limits.max_member_bytes:
                raise _over(label, f"member {name} declares {m.size:,} bytes",
                            "max_member_bytes", limits.max_member_bytes)
            if name in self.original:
                first = self.original[name]
                if first.size != m.size or self._digest(first) != self._digest(m):
                    raise UnsafeArchiveError(
                        f"{label}: two members are named {name!r}, with different contents; "
                        "which one the export holds is ambiguous, so it was not read. Extract "
                        "it yourself, keep the right file, and load the folder"
                    )
                self.notes.append((posixpath.basename(name), "file", _SAME_TWICE, 1, "flagged"))
                continue
            total += m.size
            if total > limits.max_total_bytes:
                raise _over(label, f"its members declare {total:,} bytes", "max_total_bytes",
                            limits.max_total_bytes)
            self.sizes[name] = m.size
            self.original[name] = m
            self._note_nested(name)
        if total > _FLOOR and total > max(size, 1) * limits.max_ratio:
            raise _over(
                label,
                f"its members expand {total / max(size, 1):,.0f}-fold ({total:,} bytes from "
                f"{size:,})",
                "max_ratio",
                limits.max_ratio,
            )

    def _digest(self, member: tarfile.TarInfo) -> int:
        extracted = self.tar.extractfile(member)
        if extracted is None:
            return 0
        crc = 0
        with extracted:
            for chunk in iter(lambda: extracted.read(1 << 20), b""):
                crc = zlib.crc32(chunk, crc)
        return crc

    def open(self, stored: str) -> IO[bytes]:
        try:
            extracted = self.tar.extractfile(self.original[stored])
        except UnsafeArchiveError:
            raise
        except _DAMAGE_OR_VALUE as exc:
            raise CorruptExportError(f"{self.path}:{stored} cannot be read: {exc}") from exc
        if extracted is None:
            raise CorruptExportError(f"{self.path}:{stored} cannot be read")
        return extracted

    def in_place(self, stored: str) -> IO[bytes] | None:
        # A member of an uncompressed tar seeks in place; a compressed one cannot.
        return self.open(stored) if self.compression is None else None

    def close(self) -> None:
        self.tar.close()
        self._stream.close()


def _archive_store(path: Path, limits: Limits) -> _Store | None:
    """A zip or tar store of ``path``, or None when it is neither."""
    if path.name.lower().endswith(".zip") or not _is_archive_name(path.name):
        try:
            is_zip = zipfile.is_zipfile(path)
        except (OSError, ValueError):
            is_zip = False
        if is_zip:
            return _ZipStore(path, limits)
    if _is_tar(path):
        return _TarStore(path, limits)
    return None


def _regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (a link is followed); never opens it."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


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
        keeps its name). An archive inside an archive is not opened.
    limits : Limits, optional

    Attributes
    ----------
    notes : list of Note
        Facts about the container for the archive's ledger: a member found twice with
        the same contents, an archive inside an archive (not opened), a file in a
        folder that is not a regular file (not read). See :meth:`note_into`.
    nested : list of str
        The members that are archives inside an archive (never opened).

    Raises
    ------
    FileNotFoundError
        A path does not exist.
    CorruptExportError
        A zip or tar cannot be read.
    UnsafeArchiveError
        A member has an absolute or ``..`` path, is a link or a special file, shares its
        name with a member of other contents, or the export is over a limit of
        :class:`Limits` (named in the message).
    InvalidArgumentError
        ``path`` is neither a path nor a list of paths, or names something that is
        neither a regular file nor a folder (a FIFO, a device).

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
        if limits is not None and not isinstance(limits, Limits):
            raise InvalidArgumentError(
                f"limits must be an engagemetrics.Limits, got {type(limits).__name__}"
            )
        self.limits = limits or DEFAULT_LIMITS
        self._stores: list[_Store] = []
        self._members: dict[str, tuple[_Store, str]] = {}
        self._prefixes: dict[str, str] = {}  # member -> name of the archive it lies in
        #: The folders and archive files the export was read from (their names carry dates).
        self.sources: list[Path] = []
        self.notes: list[Note] = []
        # ledger id -> (the ledger, how many of self.notes it holds already): note_into
        self._noted: dict[int, tuple[Any, int]] = {}
        self.nested: list[str] = []
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
            if not p.is_dir() and not _regular(p):
                raise InvalidArgumentError(
                    f"{p} is neither a regular file nor a folder (a FIFO, socket or device); "
                    "an export is a file, a folder, or an archive"
                )
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
            total = sum(store.sizes[s] for store, s in self._members.values())
            if total > self.limits.max_total_bytes:
                raise _over(
                    str(self.path),
                    f"it expands to {total:,} bytes",
                    "max_total_bytes",
                    self.limits.max_total_bytes,
                )
        except BaseException:
            self.close()
            raise

    def _add(self, path: Path, prefix: str) -> str:
        """Add the members of one path under ``prefix``; return the kind of container."""
        self.sources.append(path)
        if path.is_dir():
            folder = _FolderStore(path)
            self._stores.append(folder)
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for d in dirs:  # a link to a folder is not walked into: say so
                    if Path(root, d).is_symlink():
                        self._note_odd(Path(root, d))
                for f in sorted(files):
                    full = Path(root, f)
                    if not _regular(full):
                        self._note_odd(full)
                        continue
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

    def _note_odd(self, path: Path) -> None:
        self.notes.append((path.name, "file", _NOT_REGULAR, 1, "dropped"))

    def _take(self, store: _Store, prefix: str, *, archive: str) -> None:
        for stored in store.sizes:
            name = _join(prefix, stored)
            self._members[name] = (store, stored)
            if archive:
                self._prefixes[name] = archive
        self.notes.extend(store.notes)
        self.nested.extend(_join(prefix, n) for n in store.nested)

    def note_into(self, ledger: Any) -> None:
        """Add :attr:`notes` to a :class:`~engagemetrics.ledger.Ledger`.

        Every reader calls it, so that what the container met (a member twice, an archive
        inside the archive, a file that is not a regular file) is in the archive's ledger.
        Each note goes in once: a reader calls it again after reading, for what reading
        met (:meth:`note_repaired`), and only the notes since its last call with that
        ledger are added.
        """
        done = self._noted.get(id(ledger), (ledger, 0))[1]
        for source, kind, reason, count, action in self.notes[done:]:
            ledger.add(source, kind, reason, count, action=action)
        self._noted[id(ledger)] = (ledger, len(self.notes))

    def unread(self, used: Iterable[str]) -> list[str]:
        """The members neither in ``used`` nor already in :attr:`notes` (nested archives)."""
        skip = set(used) | set(self.nested)
        return [n for n in self.names() if n not in skip]

    def count_unread(self, used: Iterable[str], home: str, ledger: Any, reason: str) -> None:
        """Count in ``ledger`` the members a reader did not read, by where they lie.

        A file is named by its path from ``home`` (the folder of the export's data, e.g.
        ``data`` in an X archive; outside it, from the archive's root); a file in a
        subfolder is counted with the others of that subfolder (``tweets_media/``), so that
        thousands of media files make one row. The names are the same whether the export
        is a zip, a tar.gz or its unpacked folder.
        """
        counts: dict[str, int] = {}
        home = home.strip("/")
        for name in self.unread(used):
            inner = self.inner_name(name)
            rel = inner[len(home) + 1 :] if home and inner.startswith(home + "/") else inner
            place = rel.split("/", 1)[0] + "/" if "/" in rel else rel
            counts[place] = counts.get(place, 0) + 1
        for place, n in sorted(counts.items()):
            ledger.add(place, "file", reason, n)

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

        With ``gunzip=True`` a member that starts with the magic bytes of gzip (or
        bzip2, or xz) is decompressed, limited to ``max_member_bytes`` and ``max_ratio``
        times its compressed size (at least 1 MiB).
        """
        stored_name = self.resolve(name)
        store, stored = self._members[stored_name]
        label = self.label(stored_name)
        size = store.sizes[stored]
        raw = io.BufferedReader(
            _LimitedReader(
                store.open(stored), size, label, "the size its archive declares for it"
            )
        )
        magic = raw.peek(6)[:6] if gunzip else b""
        if magic[:2] == _GZIP_MAGIC:
            decompressed: Any = gzip.GzipFile(fileobj=raw, mode="rb")
        elif magic[:3] == b"BZh":
            decompressed = bz2.BZ2File(raw, "rb")
        elif magic == b"\xfd7zXZ\x00":
            decompressed = lzma.LZMAFile(raw, "rb")
        else:
            return raw
        if self.limits.ratio_cap(size) <= self.limits.max_member_bytes:
            cap = self.limits.ratio_cap(size)
            why = (
                f"over the limit max_ratio={self.limits.max_ratio:g} times its compressed "
                f"size (a safety limit against gzip bombs; raise it with "
                "em.load(path, limits=em.Limits(max_ratio=...)) if you trust the file)"
            )
        else:
            cap = self.limits.max_member_bytes
            why = (
                f"over the limit max_member_bytes={cap:,} (a safety limit against gzip "
                "bombs; raise it with em.load(path, limits=em.Limits(max_member_bytes=...)) "
                "if you trust the file)"
            )
        return io.BufferedReader(_LimitedReader(decompressed, cap, label + " (decompressed)", why))

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
            value = json.loads(text)
        except RecursionError:
            raise CorruptExportError(
                f"{self.label(name)} is nested deeper than a JSON decoder can follow; expected "
                f"{expected}. The file is damaged or not what its name says"
            ) from None
        except json.JSONDecodeError as exc:
            raise CorruptExportError(
                f"{self.label(name)} is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                f"{exc.colno}); expected {expected}. The file is truncated or damaged: download "
                "the export again"
            ) from None
        if "\\ud" in text or "\\uD" in text:
            value, repaired = repair_surrogates(value)
            self.note_repaired(name, repaired)
        return value

    def note_repaired(self, name: str, strings: int) -> None:
        """Note that ``strings`` strings of a member held a lone surrogate, written out."""
        if strings:
            self.notes.append(
                (posixpath.basename(name), "text", REPAIRED_SURROGATES, strings, "flagged")
            )

    @contextmanager
    def seekable(self, name: str) -> Iterator[IO[bytes]]:
        """A seekable binary stream of a member.

        A file on disk, a stored (uncompressed) zip member and a member of an
        uncompressed tar are read in place. Any other member cannot seek (a compressed
        stream only reads forward): it is copied, streaming and under the size limits,
        to an anonymous temporary file (:func:`tempfile.TemporaryFile` in
        :func:`tempfile.gettempdir`: on Linux it has no name in the file system at all,
        elsewhere its name is removed as soon as it is created), which is closed, and so
        deleted, when the ``with`` block ends, and freed by the operating system if the
        process dies first.
        """
        stored_name = self.resolve(name)
        store, stored = self._members[stored_name]
        in_place = store.in_place(stored)
        if in_place is not None:
            with in_place as fh:
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
