"""Safe, streaming access to the files of an export: a folder, a zip, or a tar(.gz).

Nothing is ever extracted to disk, so no member can be written outside a target.
Members are read as streams, and every read is checked against limits that stop
zip bombs: a per-member and a total uncompressed size, and a compression ratio.
Importers see one interface whatever the container: :class:`ExportFiles`.
"""

from __future__ import annotations

import io
import os
import posixpath
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

from ..exceptions import CorruptExportError, UnsafeArchiveError

__all__ = ["ExportFiles", "Limits", "progress"]

T = TypeVar("T")


class Limits:
    """Safety limits for reading archives (all sizes uncompressed, in bytes)."""

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


class _LimitedReader(io.RawIOBase):
    """Wraps a member stream and raises once more than ``limit`` bytes come out."""

    def __init__(self, raw: IO[bytes], limit: int, label: str) -> None:
        self._raw = raw
        self._left = limit
        self._label = label

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), self._left + 1))
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


class ExportFiles:
    """The files of an export, addressed by their path relative to the export's root.

    Parameters
    ----------
    path : str or path
        A folder, a ``.zip``, or a ``.tar``/``.tar.gz``/``.tgz`` file.
    limits : Limits, optional

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
    """

    def __init__(self, path: str | os.PathLike[str], limits: Limits | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or DEFAULT_LIMITS
        self._zip: zipfile.ZipFile | None = None
        self._tar: tarfile.TarFile | None = None
        self._sizes: dict[str, int] = {}
        label = str(self.path)
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path}: no such file or folder")
        if self.path.is_dir():
            self.kind = "folder"
            for root, _dirs, files in os.walk(self.path):
                for f in files:
                    full = Path(root, f)
                    rel = full.relative_to(self.path).as_posix()
                    self._sizes[rel] = full.stat().st_size
        elif zipfile.is_zipfile(self.path):
            self.kind = "zip"
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise CorruptExportError(f"{label} is not a readable zip file: {exc}") from exc
            infos = self._zip.infolist()
            if len(infos) > self.limits.max_members:
                raise UnsafeArchiveError(f"{label} has {len(infos)} members, over the limit")
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                name = _clean_name(info.filename, label)
                if info.file_size > self.limits.max_member_bytes:
                    raise UnsafeArchiveError(
                        f"{label}: member {name} declares {info.file_size:,} bytes, over the "
                        f"limit of {self.limits.max_member_bytes:,}"
                    )
                if info.compress_size and info.file_size / info.compress_size > self.limits.max_ratio and info.file_size > 2**20:
                    raise UnsafeArchiveError(
                        f"{label}: member {name} expands {info.file_size / info.compress_size:.0f}"
                        f"-fold, over the safety ratio of {self.limits.max_ratio:.0f} "
                        "(possible zip bomb)"
                    )
                total += info.file_size
                self._sizes[name] = info.file_size
            if total > self.limits.max_total_bytes:
                raise UnsafeArchiveError(f"{label} expands to {total:,} bytes, over the limit")
        elif _is_tar(self.path):
            self.kind = "tar"
            try:
                self._tar = tarfile.open(self.path, "r:*")
                members = self._tar.getmembers()
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise CorruptExportError(f"{label} is not a readable tar file: {exc}") from exc
            total = 0
            for m in members:
                if not m.isfile():
                    continue
                name = _clean_name(m.name, label)
                if m.size > self.limits.max_member_bytes:
                    raise UnsafeArchiveError(f"{label}: member {name} is over the size limit")
                total += m.size
                self._sizes[name] = m.size
            if total > self.limits.max_total_bytes:
                raise UnsafeArchiveError(f"{label} expands to {total:,} bytes, over the limit")
        else:
            self.kind = "file"
            self._sizes[self.path.name] = self.path.stat().st_size

    # ------------------------------------------------------------------ queries
    def names(self) -> list[str]:
        """Every file, by its path relative to the root, sorted."""
        return sorted(self._sizes)

    def size(self, name: str) -> int:
        """Uncompressed size of a member."""
        return self._sizes[self.resolve(name)]

    def resolve(self, name: str) -> str:
        """The stored name of ``name``, also when the export is wrapped in one top folder.

        Raises KeyError when absent.
        """
        if name in self._sizes:
            return name
        hits = [n for n in self._sizes if n.endswith("/" + name)]
        if len(hits) == 1:
            return hits[0]
        raise KeyError(name)

    def find(self, basename_glob: str) -> list[str]:
        """Members whose base name matches a glob pattern (``followers_*.json``), sorted."""
        import fnmatch

        return sorted(
            n for n in self._sizes if fnmatch.fnmatch(posixpath.basename(n), basename_glob)
        )

    def __contains__(self, name: object) -> bool:
        try:
            self.resolve(str(name))
        except KeyError:
            return False
        return True

    # ------------------------------------------------------------------ reading
    def open(self, name: str) -> IO[bytes]:
        """A binary stream of a member, limited to its declared size."""
        stored = self.resolve(name)
        label = f"{self.path}:{stored}"
        limit = min(self._sizes[stored], self.limits.max_member_bytes)
        if self.kind == "folder":
            raw: IO[bytes] = open(self.path / stored, "rb")
        elif self.kind == "zip":
            assert self._zip is not None
            raw = self._zip.open(self._zip_name(stored))
        elif self.kind == "tar":
            assert self._tar is not None
            extracted = self._tar.extractfile(self._tar_name(stored))
            if extracted is None:
                raise CorruptExportError(f"{label} cannot be read")
            raw = extracted
        else:
            raw = open(self.path, "rb")
        return io.BufferedReader(_LimitedReader(raw, limit, label))

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
                f"{self.path}:{name} is not {encoding} text ({exc.reason} at byte {exc.start})"
            ) from exc

    def _zip_name(self, stored: str) -> str:
        assert self._zip is not None
        for info in self._zip.infolist():
            if info.filename.replace("\\", "/").lstrip("./") == stored or info.filename == stored:
                return info.filename
        return stored

    def _tar_name(self, stored: str) -> str:
        assert self._tar is not None
        for m in self._tar.getmembers():
            if m.name.lstrip("./") == stored or m.name == stored:
                return m.name
        return stored

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._tar is not None:
            self._tar.close()

    def __enter__(self) -> ExportFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_tar(path: Path) -> bool:
    name = path.name.lower()
    if not name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
        return False
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str = "",
             enabled: bool | None = None) -> Iterator[T]:
    """Wrap ``iterable`` in a tqdm progress bar when stderr is a terminal.

    Examples
    --------
    >>> list(progress(range(3), desc="reading"))  # no terminal here: no bar
    [0, 1, 2]
    """
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        return iter(iterable)
    from tqdm.auto import tqdm

    return iter(tqdm(iterable, total=total, desc=desc, leave=False))
