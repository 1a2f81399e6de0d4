"""Research datasets: SNAP-style activity logs and follow edge lists, streamed."""

from __future__ import annotations

import gzip
import os
import posixpath
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..archive import Archive
from ..exceptions import CorruptExportError, EmptyInputError, InvalidArgumentError
from ..ledger import Ledger, attach_ledger, ledger_of
from ._container import ExportFiles, opened, progress

__all__ = [
    "can_read",
    "read_activity_log",
    "read_activity_table",
    "read_edge_list",
    "read_research_dataset",
]

#: SNAP's interaction codes and the canonical interaction kind of each.
ACTIVITY_KINDS = {"RT": "repost", "MT": "mention", "RE": "reply"}

_CHUNK = 1_000_000
_ACTIVITY_LINE = re.compile(rb"^\s*\S+\s+\S+\s+\d+\s+(RT|MT|RE)\s*$")
_EDGE_LINE = re.compile(rb"^\s*\S+[ \t]+\S+([ \t]+[-+0-9.eE]+)?\s*$")
_SKIP_RE = re.compile(r"Skipping line (\d+)")
_NAMES = (
    "*.txt",
    "*.txt.gz",
    "*.edgelist",
    "*.edgelist.gz",
    "*.edges",
    "*.edges.gz",
    "*.tsv",
    "*.tsv.gz",
    "*.dat",
    "*.dat.gz",
)


# --------------------------------------------------------------------------- opening
def _data_member(files: ExportFiles) -> str:
    """The one data file of the export (the file itself, or the one in a folder or zip)."""
    if files.kind == "file":
        return files.names()[0]
    found = sorted({n for pattern in _NAMES for n in files.find(pattern)})
    if len(found) != 1:
        what = "no" if not found else f"{len(found)} ({', '.join(found[:4])})"
        raise InvalidArgumentError(
            f"{files.path} holds {what} research data files (*.txt, *.edgelist, *.gz); pass the "
            "file itself"
        )
    return found[0]


def _check_path(path: Any) -> None:
    if not isinstance(path, (str, os.PathLike, ExportFiles)):
        raise InvalidArgumentError(
            f"expected a path to a SNAP-style text file (plain or .gz), got {type(path).__name__}"
        )


def _first_lines(files: ExportFiles, name: str, n: int = 20) -> list[bytes]:
    lines: list[bytes] = []
    try:
        with files.open(name, gunzip=True) as fh:
            for line in fh:
                line = line.strip()
                if line and not line.startswith((b"#", b"%")):
                    lines.append(line)
                if len(lines) >= n:
                    break
    except (OSError, EOFError, gzip.BadGzipFile):
        return []
    return lines


def _sniff(files: ExportFiles, name: str) -> str | None:
    lines = _first_lines(files, name)
    if not lines:
        return None
    if all(_ACTIVITY_LINE.match(x) for x in lines):
        return "activity"
    if all(_EDGE_LINE.match(x) for x in lines) and all(b"," not in x for x in lines):
        return "edges"
    return None


def _chunks(
    files: ExportFiles,
    name: str,
    names: list[str],
    dtypes: dict[str, Any],
    *,
    label: str,
    bad_lines: list[int],
    chunksize: int,
    fast: bool = False,
    show: bool = False,
) -> Iterator[pd.DataFrame]:
    """Chunks of a whitespace-separated file; lines with too many fields are recorded."""
    with files.open(name, gunzip=True) as fh, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            reader = pd.read_csv(
                fh,
                sep=r"\s+",
                header=None,
                names=names,
                dtype=dtypes,
                comment="#",
                skip_blank_lines=True,
                on_bad_lines="warn",
                chunksize=chunksize,
                engine="c",
                keep_default_na=False,
                na_values=[""],
            )
            # A bar of chunks read (tqdm), only when asked for.
            chunks = progress(
                reader, desc=f"reading {name} ({chunksize:,} lines a chunk)", enabled=show
            )
            for chunk in chunks:
                for w in caught:
                    bad_lines.extend(int(m) for m in _SKIP_RE.findall(str(w.message)))
                caught.clear()
                yield chunk
            for w in caught:
                bad_lines.extend(int(m) for m in _SKIP_RE.findall(str(w.message)))
        except pd.errors.EmptyDataError as exc:
            raise EmptyInputError(
                f"{label} is empty; expected lines 'userA userB unixtime RT|MT|RE' or 'a b'"
            ) from exc
        except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as exc:
            raise CorruptExportError(
                f"{label} is not a readable whitespace-separated text file ({exc})"
            ) from exc
        except (ValueError, OverflowError) as exc:
            if fast:
                raise _NotClean from exc
            raise


# --------------------------------------------------------------------------- activity log
def read_activity_log(
    path: str | os.PathLike[str] | ExportFiles,
    *,
    chunksize: int = _CHUNK,
    show_progress: bool = False,
) -> Archive:
    """Read a SNAP-style interaction log (``userA userB unixtime RT|MT|RE``) as an Archive.

    One line is one interaction: *A* retweeted (``RT``), mentioned (``MT``) or
    replied to (``RE``) *B* at Unix time ``unixtime`` (SNAP's "Higgs Twitter"
    dataset). Plain text or gzip; the file is read in chunks. For the bare
    interactions with integer ids (the scale path), use :func:`read_activity_table`.

    Parameters
    ----------
    path : str, path or ExportFiles
        The log (``higgs-activity_time.txt`` or ``.txt.gz``), or a folder/zip holding
        exactly one such file.
    chunksize : int
        Lines per chunk.
    show_progress : bool, default False
        Show a progress bar over the chunks (tqdm, on stderr).

    Returns
    -------
    Archive
        ``ego=None``, ``platform="research"``, the interactions table with string ids
        (the canonical tables' id type) and ``post_id`` missing (the log has no tweet
        ids); follows and posts are unknown (see ``archive.coverage``).

    Raises
    ------
    CorruptExportError
        No line of the file is an interaction; the message shows the first bad line
        with its number.
    EmptyInputError
        The file holds no data line.
    InvalidArgumentError
        ``path`` is not a path, or a folder holds no or several data files.

    Notes
    -----
    The log is taken as published, one interaction per line (``docs/definitions.md``):
    SNAP writes an ``MT`` line beside every ``RE`` line of the same tweet, and this
    reader does not remove it. Lines with the wrong number of fields, a time that is
    not an integer or an unknown code are counted in the ledger and skipped.

    References
    ----------
    De Domenico, Lima, Mougel & Musolesi, "The Anatomy of a Scientific Rumor",
    Sci. Rep. 3:2980 (2013); https://snap.stanford.edu/data/higgs-twitter.html

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "activity.txt")
    >>> _ = open(p, "w").write("1 2 1341100972 MT\\n1 2 1341100972 RE\\n3 1 1341101181 RT\\n")
    >>> archive = read_activity_log(p)
    >>> archive.interactions[["actor", "target", "kind"]]
      actor target     kind
    0     1      2  mention
    1     1      2    reply
    2     3      1   repost
    """
    frame = read_activity_table(
        path, as_strings=True, chunksize=chunksize, show_progress=show_progress
    )
    # The frame carries its ledger (attrs), which the Archive collects.
    return Archive(
        interactions=frame,
        ego=None,
        platform="research",
        unknown={
            "following": "an activity log lists interactions, not follows",
            "followers": "an activity log lists interactions, not follows",
            "posts": "an activity log lists interactions, not the posts themselves (no "
            "broadcast is listed)",
        },
    )


def read_activity_table(
    path: str | os.PathLike[str] | ExportFiles,
    *,
    as_strings: bool = False,
    chunksize: int = _CHUNK,
    show_progress: bool = False,
) -> pd.DataFrame:
    """Read a SNAP-style interaction log as a plain DataFrame (integer ids kept as integers).

    The same reading as :func:`read_activity_log`, for the scale path: a log of
    millions of lines stays compact, and the metrics take the frame as it is.

    Parameters
    ----------
    path : str, path or ExportFiles
        As in :func:`read_activity_log`.
    as_strings : bool, default False
        False: ``actor`` and ``target`` are ``int64`` when every id is an integer;
        else, or with True, canonical string ids (``string[pyarrow]``).
    chunksize : int
        Lines per chunk.
    show_progress : bool, default False
        Show a progress bar over the chunks (tqdm, on stderr).

    Returns
    -------
    pandas.DataFrame
        Columns ``actor``, ``target``, ``kind`` (categorical ``repost``/``mention``/
        ``reply``) and ``created_at`` (UTC); the ledger in ``.attrs["ledger"]`` (read it
        with :func:`engagemetrics.ledger.ledger_of`).

    Raises
    ------
    CorruptExportError, EmptyInputError, InvalidArgumentError
        As :func:`read_activity_log`.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "activity.txt")
    >>> _ = open(p, "w").write("1 2 1341100972 MT\\n3 1 1341101181 RT\\n")
    >>> frame = read_activity_table(p)
    >>> frame["actor"].dtype, frame["created_at"].iloc[0]
    (dtype('int64'), Timestamp('2012-07-01 00:02:52+0000', tz='UTC'))
    """
    _check_path(path)
    with opened(path) as files:
        name = _data_member(files)
        label = files.label(name)
        origin = Path(name).name
        try:  # clean integer files parse several times faster with typed columns
            passed = _activity_pass(
                files, name, label, origin, chunksize, fast=True, show=show_progress
            )
        except _NotClean:
            passed = _activity_pass(
                files, name, label, origin, chunksize, fast=False, show=show_progress
            )
        _note_container(files, name, passed[0])
    ledger, actors, targets, times, kinds = passed
    actor = pd.concat(actors, ignore_index=True)
    target = pd.concat(targets, ignore_index=True)
    created = pd.to_datetime(np.concatenate(times), unit="s", utc=True)
    ids = schema.to_id if as_strings else _ids
    frame = pd.DataFrame(
        {
            "actor": ids(actor),
            "target": ids(target),
            "kind": pd.Categorical(np.concatenate(kinds), dtype=schema.INTERACTION_KIND_DTYPE),
            "created_at": pd.Series(created).astype(schema.TIMESTAMP_DTYPE).array,
        }
    )
    return attach_ledger(frame, ledger)


def _note_container(files: ExportFiles, name: str, ledger: Ledger) -> None:
    """What the container noted, and the files of a folder or zip beside the data file."""
    files.note_into(ledger)
    files.count_unread(
        {name}, posixpath.dirname(files.inner_name(name)), ledger,
        "file other than the data file (not read)",
    )


class _NotClean(Exception):
    """The typed fast path met a value that is not an integer: re-read as text."""


_ACTIVITY_COLUMNS = ["actor", "target", "time", "code"]
_FAST_DTYPES = {"actor": "int64", "target": "int64", "time": "int64", "code": "category"}


def _activity_pass(
    files: ExportFiles,
    name: str,
    label: str,
    origin: str,
    chunksize: int,
    *,
    fast: bool,
    show: bool,
) -> tuple[Ledger, list[pd.Series], list[pd.Series], list[np.ndarray], list[np.ndarray]]:
    """One streaming pass over an activity log; every line kept or counted."""
    ledger = Ledger()
    bad_lines: list[int] = []
    first_bad: tuple[int, str] | None = None
    actors: list[pd.Series] = []
    targets: list[pd.Series] = []
    times: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    n_lines = 0
    dtypes = _FAST_DTYPES if fast else dict.fromkeys(_ACTIVITY_COLUMNS, str)
    for chunk in _chunks(
        files,
        name,
        _ACTIVITY_COLUMNS,
        dtypes,
        label=label,
        bad_lines=bad_lines,
        chunksize=chunksize,
        fast=fast,
        show=show,
    ):
        n_lines += len(chunk)
        seconds = pd.to_numeric(chunk["time"], errors="coerce")
        code = chunk["code"].astype(object).map(ACTIVITY_KINDS)
        missing_fields = (chunk["code"].isna() | chunk["time"].isna()).to_numpy()
        bad_time = seconds.isna().to_numpy() & ~missing_fields
        bad_code = code.isna().to_numpy() & ~bad_time & ~missing_fields
        ok = (
            chunk["actor"].notna().to_numpy()
            & chunk["target"].notna().to_numpy()
            & ~missing_fields
            & ~bad_time
            & ~bad_code
        )
        ledger.add(origin, "interaction", "line has fewer than 4 fields", int(missing_fields.sum()))
        ledger.add(origin, "interaction", "time is not Unix seconds", int(bad_time.sum()))
        ledger.add(origin, "interaction", "code is not RT, MT or RE", int(bad_code.sum()))
        if first_bad is None and not ok.all():
            pos = int(np.flatnonzero(~ok)[0])
            values = [str(v) for v in chunk.iloc[pos].tolist() if not pd.isna(v)]
            first_bad = (int(chunk.index[pos]) + 1, " ".join(values))
        keep = chunk[ok]
        actors.append(keep["actor"])
        targets.append(keep["target"])
        times.append(seconds[ok].to_numpy(dtype="int64"))
        kinds.append(code[ok].to_numpy(dtype=object))
    ledger.add(origin, "interaction", "line has more than 4 fields", len(bad_lines))
    if sum(len(a) for a in actors) == 0:
        if n_lines == 0 and not bad_lines:
            raise EmptyInputError(
                f"{label} holds no data lines; expected 'userA userB unixtime RT|MT|RE'"
            )
        where = ""
        candidates = [x for x in [first_bad, (bad_lines[0], "") if bad_lines else None] if x]
        if candidates:
            line_no, text = min(candidates)
            where = f" Data line {line_no} " + (f"is {text!r}." if text else "has too many fields.")
        raise CorruptExportError(
            f"{label} holds no interaction line: expected 'userA userB unixtime RT|MT|RE' "
            f"(SNAP activity log, whitespace-separated).{where}"
        )
    return ledger, actors, targets, times, kinds


def _ledger(frame: pd.DataFrame) -> Ledger:
    book = Ledger()
    book.extend(ledger_of(frame))
    return book


def _ids(values: pd.Series) -> pd.Series:
    """int64 when every id is a decimal integer that fits, else canonical strings."""
    as_int = pd.to_numeric(values, errors="coerce", downcast=None)
    if as_int.notna().all() and as_int.dtype.kind == "i":
        return as_int.astype("int64")
    return schema.to_id(values)


# --------------------------------------------------------------------------- edge list
def read_edge_list(
    path: str | os.PathLike[str] | ExportFiles,
    *,
    as_strings: bool = False,
    chunksize: int = _CHUNK,
    show_progress: bool = False,
) -> pd.DataFrame:
    """Read a SNAP-style follow edge list (``a b`` per line: *a* follows *b*).

    Lines starting with ``#`` are comments. An optional third column (a weight)
    is kept as ``weight``. Plain text or gzip; read in chunks.

    Parameters
    ----------
    path : str, path or ExportFiles
        ``higgs-social_network.edgelist``, ``twitter_combined.txt.gz`` and the like,
        or a folder/zip holding exactly one such file.
    as_strings : bool, default False
        False: ``source`` and ``target`` are ``int64`` when every id is an integer
        (the scale path: a million-edge graph stays compact, and
        ``em.account_metrics`` and ``em.reciprocity`` take it as it is); else, or
        with True, canonical string ids (``string[pyarrow]``).
    chunksize : int
        Lines per chunk.
    show_progress : bool, default False
        Show a progress bar over the chunks (tqdm, on stderr).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target`` (and ``weight`` when the file has a third
        column), ledger in ``.attrs["ledger"]``. A plain DataFrame, not an
        Archive: wrap it with ``em.Archive(follows=...)`` to get canonical tables.

    Raises
    ------
    CorruptExportError
        No line is an edge; the message names the first bad line.
    InvalidArgumentError
        ``path`` is not a path, or a folder holds no or several data files.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "edges.txt")
    >>> _ = open(p, "w").write("# a follows b\\n1 2\\n2 1\\n1 3\\n")
    >>> edges = read_edge_list(p)
    >>> edges.dtypes.tolist(), edges.values.tolist()
    ([dtype('int64'), dtype('int64')], [[1, 2], [2, 1], [1, 3]])
    >>> read_edge_list(p, as_strings=True)["source"].tolist()
    ['1', '2', '1']
    """
    _check_path(path)
    ledger = Ledger()
    bad_lines: list[int] = []
    columns = ["source", "target", "weight"]
    parts: list[pd.DataFrame] = []
    has_weight = False
    first_bad: int | None = None
    with opened(path) as files:
        name = _data_member(files)
        label = files.label(name)
        origin = Path(name).name
        for chunk in _chunks(
            files,
            name,
            columns,
            dict.fromkeys(columns, str),
            label=label,
            bad_lines=bad_lines,
            chunksize=chunksize,
            show=show_progress,
        ):
            ok = chunk["source"].notna() & chunk["target"].notna()
            ledger.add(origin, "follow", "line has fewer than 2 fields", int((~ok).sum()))
            if first_bad is None and not ok.all():
                first_bad = int(chunk.index[np.flatnonzero(~ok.to_numpy())[0]]) + 1
            chunk = chunk[ok]
            has_weight = has_weight or bool(chunk["weight"].notna().any())
            parts.append(chunk)
        _note_container(files, name, ledger)
    ledger.add(origin, "follow", "line has more than 3 fields", len(bad_lines))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    if len(frame) == 0:
        line = min([x for x in [first_bad, bad_lines[0] if bad_lines else None] if x], default=None)
        hint = f" Data line {line} is not 'a b'." if line else ""
        raise CorruptExportError(
            f"{label} holds no edge: expected lines 'a b' (a follows b), '#' comments "
            f"allowed.{hint}"
        )
    out = pd.DataFrame(
        {
            "source": schema.to_id(frame["source"]) if as_strings else _ids(frame["source"]),
            "target": schema.to_id(frame["target"]) if as_strings else _ids(frame["target"]),
        }
    )
    if not as_strings and out["source"].dtype != out["target"].dtype:
        out = out.astype({"source": schema.ID_DTYPE, "target": schema.ID_DTYPE})
        out["source"] = schema.to_id(frame["source"]).array
        out["target"] = schema.to_id(frame["target"]).array
    if has_weight:
        weight = pd.to_numeric(frame["weight"], errors="coerce")
        ledger.add(
            origin,
            "follow",
            "weight is not a number (kept the edge)",
            int((weight.isna() & frame["weight"].notna()).sum()),
            action="flagged",
        )
        out["weight"] = weight.to_numpy()
    return attach_ledger(out, ledger)


# --------------------------------------------------------------------------- detection
def can_read(files: ExportFiles) -> str | None:
    """None if ``files`` is a SNAP-style activity log or edge list, else the reason it is not.

    Parameters
    ----------
    files : ExportFiles

    Returns
    -------
    str or None

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "log.txt")
    >>> _ = open(p, "w").write("1 2 1341100972 RT\\n")
    >>> can_read(ExportFiles(p)) is None
    True
    """
    candidates = sorted({n for pattern in _NAMES for n in files.find(pattern)})
    if files.kind == "file":
        candidates = files.names()
    if len(candidates) != 1:
        return (
            "not one whitespace-separated text file (*.txt, *.edgelist, plain or .gz) "
            "of 'a b' edges or 'a b time RT|MT|RE' interactions"
        )
    if _sniff(files, candidates[0]) is None:
        return (
            f"{candidates[0]} does not have lines 'a b' (edge list) or 'a b unixtime "
            "RT|MT|RE' (activity log)"
        )
    return None


def read_research_dataset(path: str | os.PathLike[str] | ExportFiles, **kwargs: Any) -> Archive:
    """Read a SNAP-style file as an Archive: an activity log, or an edge list as follows.

    Used by :func:`engagemetrics.load`. An activity log goes to
    :func:`read_activity_log`; an edge list to :func:`read_edge_list` with string ids,
    as the ``follows`` table of an Archive with ``ego=None``.

    Parameters
    ----------
    path : str, path or ExportFiles
        The file, or a folder/zip holding exactly one.
    **kwargs
        Passed to the reader (``chunksize=``, ``show_progress=``).

    Returns
    -------
    Archive

    Raises
    ------
    CorruptExportError, EmptyInputError, InvalidArgumentError
        As :func:`read_activity_log` and :func:`read_edge_list`.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "edges.txt")
    >>> _ = open(p, "w").write("1 2\\n2 1\\n")
    >>> read_research_dataset(p)
    Archive(platform='research', ego=None, follows=2, posts=0, interactions=0, accounts=0, ledger=0 rows)
    """
    _check_path(path)
    with opened(path) as files:
        shape = _sniff(files, _data_member(files))
        if shape == "activity":
            return read_activity_log(files, **kwargs)
        edges = read_edge_list(files, as_strings=True, **kwargs)
    # The weight is not a follow column; the ledger travels with the selected columns.
    return Archive(
        follows=attach_ledger(edges[["source", "target"]].copy(), _ledger(edges)),
        ego=None,
        platform="research",
        unknown={
            "posts": "a follow edge list holds no posts",
            "interactions_made": "a follow edge list holds no interactions",
            "interactions_received": "a follow edge list holds no interactions",
        },
    )
