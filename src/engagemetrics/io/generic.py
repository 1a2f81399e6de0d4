"""Generic readers: a follow table or a posts table from CSV, Parquet or a DataFrame."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from .. import schema
from ..exceptions import (
    CorruptExportError,
    EmptyInputError,
    InvalidArgumentError,
    UnsafeArchiveError,
)

__all__ = ["read_follows", "read_posts", "read_table"]


def read_table(path_or_frame: Any, *, table: str = "table") -> tuple[pd.DataFrame, str]:
    """Read a CSV or Parquet file (or take a DataFrame) with every column as text.

    Ids are read as text so that a 64-bit id never passes through a float.
    Returns the frame and a name for the ledger.

    Examples
    --------
    >>> frame, name = read_table(pd.DataFrame({"a": [1]}))
    >>> name
    'DataFrame'
    """
    if isinstance(path_or_frame, pd.DataFrame):
        return path_or_frame, "DataFrame"
    if not isinstance(path_or_frame, (str, os.PathLike)):
        raise InvalidArgumentError(
            f"expected a path to a CSV or Parquet file, or a pandas DataFrame, for the {table} "
            f"table; got {type(path_or_frame).__name__}"
        )
    path = Path(path_or_frame)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    name = path.name
    suffixes = "".join(path.suffixes).lower()
    if path.stat().st_size == 0:
        raise EmptyInputError(f"{path} is empty (0 bytes); expected a {table} table with a header row")
    # Imported here: `import engagemetrics` stays light (the archive modules load on use).
    from ._container import DEFAULT_LIMITS, ExportFiles

    if ".parquet" in suffixes or suffixes.endswith(".pq"):
        _check_parquet(path, DEFAULT_LIMITS)
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many kinds
            raise CorruptExportError(f"{path} is not a readable Parquet file: {exc}") from exc
        return frame, name
    # Through the export container: a .csv.gz (or .bz2, .xz) is decompressed under the
    # limits against gzip bombs, and a zip holding one CSV is read from the zip.
    with ExportFiles(path) as files:
        members = files.names()
        if len(members) != 1:
            raise InvalidArgumentError(
                f"{path} holds {len(members)} files; pass the CSV or Parquet file of the "
                f"{table} table itself"
            )
        try:
            with files.open(members[0], gunzip=True) as fh:
                frame = pd.read_csv(fh, dtype=str, keep_default_na=False, na_values=[""])
        except pd.errors.EmptyDataError as exc:
            raise EmptyInputError(
                f"{path} has no header row; expected a {table} table, e.g. 'source,target'"
            ) from exc
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise CorruptExportError(f"{path} is not a readable CSV file: {exc}") from exc
    return frame, name


def _check_parquet(path: Path, limits: Any) -> None:
    """Refuse a Parquet file whose columns declare more bytes than the safety limits allow.

    Parquet compresses, and repeats values by run-length and dictionary encoding: a small
    file can declare gigabytes of rows. Its footer states the uncompressed size of every
    row group; that is checked before anything is decoded.
    """
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
        declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow raises many kinds
        raise CorruptExportError(f"{path} is not a readable Parquet file: {exc}") from exc
    size = path.stat().st_size
    if declared > limits.max_member_bytes:
        raise UnsafeArchiveError(
            f"{path}: its row groups declare {declared:,} bytes, over the limit "
            f"max_member_bytes={limits.max_member_bytes:,} (a safety limit against "
            "decompression bombs); not read"
        )
    if declared > limits.ratio_cap(size):
        raise UnsafeArchiveError(
            f"{path}: its row groups declare {declared:,} bytes from {size:,}, over the limit "
            f"max_ratio={limits.max_ratio:g} (a safety limit against decompression bombs); "
            "not read"
        )


def read_follows(
    path_or_frame: Any,
    *,
    source: str = "source",
    target: str = "target",
    followed_at: str | None = "followed_at",
    errors: str = "raise",
) -> pd.DataFrame:
    """Read a follow table (``source`` follows ``target``) from CSV, Parquet or a DataFrame.

    Parameters
    ----------
    path_or_frame : str, path or pandas.DataFrame
        A ``.csv`` (optionally compressed, e.g. ``.csv.gz``) or ``.parquet`` file, or a frame.
    source, target : str
        Names of the follower and the followed column.
    followed_at : str or None
        Name of the follow-time column, if there is one.
    errors : {"raise", "coerce"}
        Unparseable follow times raise :class:`~engagemetrics.TimestampParseError`, or
        with ``"coerce"`` become missing and are counted in the ledger.

    Returns
    -------
    pandas.DataFrame
        The canonical follows table; ``.attrs["ledger"]`` counts what was not taken.

    Examples
    --------
    >>> import engagemetrics as em
    >>> edges = pd.DataFrame({"follower": ["a", "b", "a"], "followee": ["b", "a", "c"]})
    >>> em.read_follows(edges, source="follower", target="followee")
      source target followed_at
    0      a      b         NaT
    1      b      a         NaT
    2      a      c         NaT
    """
    frame, name = read_table(path_or_frame, table="follows")
    return schema.follows_table(
        frame, source=source, target=target, followed_at=followed_at, errors=errors, origin=name
    )


def read_posts(
    path_or_frame: Any,
    *,
    columns: dict[str, str] | None = None,
    errors: str = "raise",
    **column_names: str,
) -> pd.DataFrame:
    """Read a posts table from CSV, Parquet or a DataFrame, mapping column names.

    Parameters
    ----------
    path_or_frame : str, path or pandas.DataFrame
    columns : dict, optional
        Canonical name -> your column name.
    errors : {"raise", "coerce"}
        For unparseable ``created_at`` values.
    **column_names : str
        The same mapping as keywords, e.g. ``author="user"``.

    Returns
    -------
    pandas.DataFrame
        The canonical posts table (see :func:`engagemetrics.schema.posts_table`).

    Examples
    --------
    >>> import engagemetrics as em
    >>> raw = pd.DataFrame({"id": ["1"], "user": ["me"], "time": ["2026-01-01T00:00:00Z"],
    ...                     "type": ["post"]})
    >>> em.read_posts(raw, post_id="id", author="user", created_at="time", kind="type")[
    ...     ["post_id", "author", "kind"]]
      post_id author  kind
    0       1     me  post
    """
    frame, name = read_table(path_or_frame, table="posts")
    mapping = dict(columns or {})
    mapping.update(column_names)
    return schema.posts_table(frame, columns=mapping, errors=errors, origin=name)
