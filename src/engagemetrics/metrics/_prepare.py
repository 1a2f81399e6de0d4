"""Input preparation: check the arguments, take the tables apart, and encode ids, once, at the door.

Every public metric starts here: its keywords are checked (:func:`check_choice`,
:func:`check_bool`, :func:`parse_window`, :func:`parse_freq`), what it was given is sorted out
(:func:`take_inputs`: an Archive, pandas tables, or frames of another engine), pandas tables
are validated once (:func:`follows_frame`, :func:`posts_frame`, :func:`interactions_frame`)
and account ids become integer codes once (:func:`encode_ids`, :func:`encode_tables`).
Nothing here computes a metric.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..archive import Archive
from ..coverage import Coverage
from ..exceptions import (
    ColumnTypeError,
    DataQualityWarning,
    InvalidArgumentError,
    SchemaError,
    UnsupportedBackendError,
)
from ..ledger import ledger_of
from ._definitions import FREQS, REQUIRES

__all__ = [
    "NAT",
    "account_ids",
    "as_text",
    "decimal_ids",
    "Encoded",
    "IdColumn",
    "Inputs",
    "Interactions",
    "Posts",
    "Window",
    "check_bool",
    "check_choice",
    "encode_ids",
    "encode_tables",
    "follows_frame",
    "id_column",
    "interactions_frame",
    "is_native",
    "ns",
    "parse_freq",
    "parse_window",
    "posts_frame",
    "take_inputs",
    "text_codes",
    "unknown_columns",
]

NAT = np.iinfo(np.int64).min
# Integer ids spanning at most this many values per id are coded by their offset (no sort).
_DENSE_SPAN_PER_ID = 4
_DENSE_SPAN_FLOOR = 1 << 16


# =========================================================================== arguments
def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``, else :class:`InvalidArgumentError`.

    Examples
    --------
    >>> check_choice("unit", "arcs", ("arcs", "pairs"))
    'arcs'
    """
    if not isinstance(value, str) or value not in choices:
        raise InvalidArgumentError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}"
        )
    return value


def check_bool(value: Any, name: str) -> bool:
    """``value`` as a bool if it is one, else :class:`InvalidArgumentError`."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidArgumentError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _instant(value: Any, name: str) -> pd.Timestamp | None:
    """A window bound as a UTC timestamp; naive values and strings are taken as UTC."""
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"{name} must be a timestamp (e.g. '2026-01-01' or a datetime), got {value!r}"
        ) from exc
    if ts is pd.NaT or pd.isna(ts):
        raise InvalidArgumentError(f"{name} must be a timestamp or None, got {value!r}")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.as_unit("ns")


class Window(NamedTuple):
    """Half-open ``[lo, hi)`` in int64 nanoseconds since the epoch, UTC; None = unbounded."""

    lo: int | None
    hi: int | None

    def mask(self, ns: np.ndarray) -> np.ndarray:
        """Which of the int64 nanosecond times ``ns`` lie inside (an undated one never does
        when the window is bounded)."""
        keep = np.ones(ns.shape[0], dtype=bool)
        if self.lo is not None:
            keep &= (ns >= self.lo) & (ns != NAT)
        if self.hi is not None:
            keep &= (ns < self.hi) & (ns != NAT)
        return keep

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The bounds as UTC datetimes (microseconds), for engines other than numpy."""
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        lo, hi = (
            None if v is None else epoch + dt.timedelta(microseconds=v // 1000)
            for v in (self.lo, self.hi)
        )
        return lo, hi

    def cut(self, lo: int | None, hi: int | None) -> Window:
        """The intersection with ``[lo, hi)``."""
        if lo is not None and self.lo is not None:
            lo = max(lo, self.lo)
        elif lo is None:
            lo = self.lo
        if hi is not None and self.hi is not None:
            hi = min(hi, self.hi)
        elif hi is None:
            hi = self.hi
        return Window(lo, hi)


def parse_window(start: Any, end: Any) -> Window:
    """The half-open window ``[start, end)``; :class:`InvalidArgumentError` when it is empty.

    Examples
    --------
    >>> w = parse_window("2026-01-01", None)
    >>> w.lo == pd.Timestamp("2026-01-01", tz="UTC").value, w.hi
    (True, None)
    """
    lo = _instant(start, "start")
    hi = _instant(end, "end")
    if lo is not None and hi is not None and lo >= hi:
        raise InvalidArgumentError(
            f"the window [start, end) is empty: start={lo} is not before end={hi}; "
            "swap them or widen the window"
        )
    return Window(None if lo is None else lo.value, None if hi is None else hi.value)


def parse_freq(freq: Any) -> str:
    """The pandas Period frequency of one of the accepted ``freq`` values.

    Examples
    --------
    >>> parse_freq("QE"), parse_freq("ME")
    ('Q', 'M')
    """
    if not isinstance(freq, str) or freq not in FREQS:
        raise InvalidArgumentError(
            f"freq must name calendar periods, one of {', '.join(map(repr, FREQS))} "
            f"(QE quarters, ME months, YE years, D days); got {freq!r}"
        )
    return FREQS[freq]


# =========================================================================== inputs
def is_native(data: Any) -> bool:
    """Whether ``data`` is a dataframe of another engine (Polars, DuckDB, PySpark...)."""
    if data is None or isinstance(data, (pd.DataFrame, dict, Archive)):
        return False
    module = type(data).__module__.split(".")[0]
    if module in ("polars", "duckdb", "pyspark", "narwhals", "pyarrow", "dask", "modin",
                  "cudf", "ibis", "sqlframe"):
        import narwhals.dependencies as nw_dependencies

        return bool(
            nw_dependencies.is_into_dataframe(data) or nw_dependencies.is_into_lazyframe(data)
        )
    return False


class Inputs(NamedTuple):
    """What a metric was given, taken apart."""

    follows: Any  # a pandas frame, a frame of another engine, or None
    posts: Any
    interactions: Any
    coverage: Coverage | None  # None: plain tables, taken as complete
    ego: str | None
    native: bool  # frames of another engine: the narwhals path computes


def take_inputs(
    follows: Any, posts: Any = None, interactions: Any = None, *, function: str
) -> Inputs:
    """Sort out the tables a metric was given: an Archive's, or plain frames.

    An :class:`~engagemetrics.Archive` stands for all its tables and brings its coverage;
    it cannot be combined with other tables (make one with ``archive.replace(...)``). A
    networkx graph, a list or another object is refused with the way to convert it.
    """
    if isinstance(posts, Archive) or isinstance(interactions, Archive):
        raise InvalidArgumentError(
            f"{function}() takes an em.Archive as its first argument (it stands for all its "
            "tables); pass it there, alone"
        )
    if isinstance(follows, Archive):
        if posts is not None or interactions is not None:
            raise InvalidArgumentError(
                f"{function}() was given an em.Archive and separate tables; an Archive stands "
                "for all its tables: pass archive.replace(posts=...) instead"
            )
        a = follows
        return Inputs(a.follows, a.posts, a.interactions, a.coverage, a.ego, False)
    tables = {"follows": follows, "posts": posts, "interactions": interactions}
    native = [name for name, table in tables.items() if is_native(table)]
    for name, table in tables.items():
        if table is None or isinstance(table, pd.DataFrame) or name in native:
            continue
        raise _not_a_table(table, name, function)
    if native and len(native) != sum(t is not None for t in tables.values()):
        pandas_ones = [n for n, t in tables.items() if t is not None and n not in native]
        raise UnsupportedBackendError(
            f"{function}() was given {', '.join(native)} on another engine and "
            f"{', '.join(pandas_ones)} as pandas; pass every table on the same engine"
        )
    return Inputs(follows, posts, interactions, None, None, bool(native))


_TABLE_NAMES = {"follows": "follow table", "posts": "posts table",
                "interactions": "interactions table"}


def _not_a_table(data: Any, name: str, function: str) -> UnsupportedBackendError:
    table = _TABLE_NAMES.get(name, f"{name} table")
    found = f"{type(data).__module__}.{type(data).__qualname__}"
    if type(data).__module__.startswith("networkx"):
        return UnsupportedBackendError(
            f"{function}() takes a {table}, not a networkx graph ({found}); pass "
            "networkx.to_pandas_edgelist(G) of a DiGraph (an undirected graph has no "
            "follow direction, so its reciprocity is undefined)"
        )
    return UnsupportedBackendError(
        f"{function}() takes the {table} as a pandas, Polars, DuckDB or PySpark DataFrame "
        f"(or an em.Archive); got {found}"
    )


def unknown_columns(coverage: Coverage | None, columns: Iterable[str]) -> dict[str, str]:
    """Each of ``columns`` that ``coverage`` does not cover, with the reason (for its scope's
    accounts: the ego of an ego's export, every account of a platform dataset).

    Examples
    --------
    >>> from engagemetrics.coverage import Coverage
    >>> c = Coverage("ego", {"followers": "a Bluesky repo has no follower list"})
    >>> unknown_columns(c, ["following", "followers", "follow_back_rate"])
    {'followers': 'a Bluesky repo has no follower list', 'follow_back_rate': 'a Bluesky repo has no follower list'}
    """
    if coverage is None:
        return {}
    out = {}
    for column in columns:
        alternatives = REQUIRES.get(column, ())
        if not alternatives or any(
            all(coverage.known(part) for part in parts) for parts in alternatives
        ):
            continue
        first = alternatives[0]
        out[column] = next(str(coverage.reason(p)) for p in first if not coverage.known(p))
    return out


# =========================================================================== validation
def _require(data: Any, table: str, needed: Iterable[str]) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise _not_a_table(data, table, "this metric")
    schema.require_columns(data, table, needed)
    return data


def _is_integer_ids(series: pd.Series) -> bool:
    if not pd.api.types.is_integer_dtype(series.dtype) or pd.api.types.is_bool_dtype(
        series.dtype
    ):
        return False
    if series.dtype.kind == "u" or str(series.dtype).startswith("UInt"):
        top = series.max()
        return bool(pd.isna(top) or int(top) < 2**63)
    return True


def _integer_or_missing(series: pd.Series) -> bool:
    """True for an integer column, or a column whose values are all missing."""
    if _is_integer_ids(series):
        return True
    if series.dtype.kind == "f":
        finite = series.dropna().to_numpy()
        return bool(np.all(np.mod(finite, 1) == 0) and np.all(np.abs(finite) < 2**53))
    return bool(series.isna().all())


def _as_category(series: pd.Series, dtype: pd.CategoricalDtype, column: str, table: str) -> Any:
    if series.dtype == dtype:
        return series.array
    lowered = series.astype("string").str.strip().str.lower()
    out = pd.Categorical(lowered.astype(object), dtype=dtype)
    unknown = lowered.notna().to_numpy() & pd.isna(out)
    if unknown.any():
        bad = sorted(set(lowered[unknown].tolist()))[:5]
        raise SchemaError(
            f"column {column!r} of the {table} table has values {bad!r} outside "
            f"{list(dtype.categories)!r}; map them to one of these"
        )
    return out


def _int_ids(series: pd.Series) -> Any:
    """An integer, whole-float or all-missing id column as a nullable Int64 array."""
    if series.dtype.kind == "f" or pd.api.types.is_integer_dtype(series.dtype):
        return series.astype("Int64").array
    return pd.Series([pd.NA] * len(series), dtype="Int64").array


def _visibility(frame: pd.DataFrame, table: str) -> Any:
    if "visibility" in frame.columns:
        return _as_category(frame["visibility"], schema.VISIBILITY_DTYPE, "visibility", table)
    return pd.Categorical.from_codes(
        np.full(len(frame), -1, dtype=np.int8), dtype=schema.VISIBILITY_DTYPE
    )


def _warn_dropped(validated: pd.DataFrame, table: str) -> None:
    ledger = ledger_of(validated)
    dropped = ledger[ledger["action"] == "dropped"] if len(ledger) else ledger
    if len(dropped):
        reasons = "; ".join(f"{r.count} {r.reason}" for r in dropped.itertuples(index=False))
        warnings.warn(
            f"{int(dropped['count'].sum())} row(s) of the {table} table could not be used "
            f"({reasons}); validate it with em.schema.{table}_table to see its ledger",
            DataQualityWarning,
            stacklevel=5,
        )


def _is_canonical(frame: pd.DataFrame, columns: Iterable[str], id_column: str, kind: str,
                  kind_dtype: Any) -> bool:
    return (
        all(c in frame.columns for c in columns)
        and frame[kind].dtype == kind_dtype
        and frame["created_at"].dtype == schema.TIMESTAMP_DTYPE
        and frame[id_column].dtype == schema.ID_DTYPE
        and frame["visibility"].dtype == schema.VISIBILITY_DTYPE
    )


def follows_frame(follows: Any) -> pd.DataFrame:
    """``source``/``target`` of a follow table; clean integer ids stay integers.

    A canonical table (string ids, none missing) is used as it is; anything else goes
    through :func:`engagemetrics.schema.follows_table`, and rows it cannot take are dropped
    with a :class:`~engagemetrics.DataQualityWarning`.
    """
    frame = _require(follows, "follows", ("source", "target"))
    if any(frame[c].dtype == object and pd.api.types.infer_dtype(frame[c]) == "integer"
           for c in ("source", "target")):
        # Python ints in an object column are integer ids: keep them integers.
        frame = frame.astype({c: "Int64" for c in ("source", "target")
                              if pd.api.types.infer_dtype(frame[c]) == "integer"})
    source, target = frame["source"], frame["target"]
    if source.dtype == schema.ID_DTYPE and target.dtype == schema.ID_DTYPE:
        if not (source.hasnans or target.hasnans):
            return frame[["source", "target"]]
    if _is_integer_ids(source) and _is_integer_ids(target):
        missing = source.isna().to_numpy() | target.isna().to_numpy()
        if missing.any():  # nullable integers: keep them integers, without the gaps
            warnings.warn(
                f"{int(missing.sum())} follow edge(s) have a missing source or target id and "
                "were ignored; em.read_follows drops and counts them in the ledger",
                DataQualityWarning,
                stacklevel=4,
            )
            kept = frame.loc[~missing, ["source", "target"]]
            return kept.astype({"source": "int64", "target": "int64"}).reset_index(drop=True)
        return frame[["source", "target"]]
    validated = schema.follows_table(frame)
    _warn_dropped(validated, "follows")
    return validated[["source", "target"]]


def posts_frame(posts: Any) -> pd.DataFrame:
    """The columns the metrics read of a posts table; integer ids may stay integers.

    A canonical posts table is used as it is. A frame whose ``author`` is an integer column
    (with integer, whole-float or missing ``parent_author``) and no missing author, time or
    kind keeps its integer ids (a research-scale log is not turned into text); anything else
    goes through :func:`engagemetrics.schema.posts_table`, and rows it cannot take are
    dropped with a :class:`~engagemetrics.DataQualityWarning`.
    """
    frame = _require(posts, "posts", ("post_id", "author", "created_at", "kind"))
    columns = ["author", "parent_author", "created_at", "kind", "visibility"]
    if _is_canonical(frame, schema.POSTS_COLUMNS, "author", "kind", schema.POST_KIND_DTYPE):
        return frame[columns]
    parent = frame["parent_author"] if "parent_author" in frame.columns else None
    if _is_integer_ids(frame["author"]) and (parent is None or _integer_or_missing(parent)):
        out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
        out["author"] = _int_ids(frame["author"])
        out["parent_author"] = (
            pd.array([pd.NA] * len(frame), dtype="Int64") if parent is None else _int_ids(parent)
        )
        out["created_at"] = schema.to_timestamp(
            frame["created_at"], column="created_at", table="posts"
        ).array
        out["kind"] = _as_category(frame["kind"], schema.POST_KIND_DTYPE, "kind", "posts")
        out["visibility"] = _visibility(frame, "posts")
        clean = not (out["author"].isna().any() or out["created_at"].isna().any())
        if clean and not out["kind"].isna().any():
            return out
    validated = schema.posts_table(frame)
    _warn_dropped(validated, "posts")
    return validated[columns]


def interactions_frame(interactions: Any) -> pd.DataFrame:
    """Like :func:`posts_frame`, for an interactions table (``actor``, ``target``, ``kind``)."""
    frame = _require(interactions, "interactions", ("actor", "target", "kind"))
    columns = ["actor", "target", "kind", "created_at", "visibility"]
    if _is_canonical(
        frame, schema.INTERACTIONS_COLUMNS, "actor", "kind", schema.INTERACTION_KIND_DTYPE
    ):
        return frame[columns]
    if _is_integer_ids(frame["actor"]) and _is_integer_ids(frame["target"]):
        out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
        out["actor"] = _int_ids(frame["actor"])
        out["target"] = _int_ids(frame["target"])
        out["kind"] = _as_category(
            frame["kind"], schema.INTERACTION_KIND_DTYPE, "kind", "interactions"
        )
        if "created_at" in frame.columns:
            out["created_at"] = schema.to_timestamp(
                frame["created_at"], column="created_at", table="interactions"
            ).array
        else:
            out["created_at"] = pd.Series(pd.NaT, index=out.index, dtype=schema.TIMESTAMP_DTYPE)
        out["visibility"] = _visibility(frame, "interactions")
        if not (
            out["actor"].isna().any() or out["target"].isna().any() or out["kind"].isna().any()
        ):
            return out
    validated = schema.interactions_table(frame)
    _warn_dropped(validated, "interactions")
    return validated[columns]


# =========================================================================== id encoding
class IdColumn(NamedTuple):
    """One id column ready to encode: int64 values with a validity mask, or a pyarrow array."""

    values: Any  # np.ndarray of int64 (integer ids) or a pyarrow string array
    valid: np.ndarray
    integer: bool


def id_column(values: Any) -> IdColumn:
    """Take one column of account ids (any pandas, numpy or pyarrow form)."""
    s = values if isinstance(values, pd.Series) else pd.Series(
        values.array if isinstance(values, pd.Index) else values
    )
    valid = s.notna().to_numpy()
    if _is_integer_ids(s):
        return IdColumn(s.to_numpy(dtype="int64", na_value=0), valid, True)
    if not valid.any():  # nothing to compare: fits integer and text tables alike
        return IdColumn(np.zeros(len(s), dtype="int64"), valid, True)
    text = s if s.dtype == schema.ID_DTYPE else schema.to_id(s)
    return IdColumn(_arrow(text), valid, False)


def _arrow(text: pd.Series) -> pa.Array:
    array = pa.array(text.array)
    if isinstance(array, pa.ChunkedArray):
        return array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
    return array


def encode_ids(columns: Sequence[IdColumn]) -> tuple[pd.Index, list[np.ndarray]]:
    """Integer codes in ``[0, n)`` for every id of ``columns`` (-1 where missing).

    Returns the ``n`` distinct ids sorted ascending (position = code) and one int64 code
    array per column. Integer ids stay integers: dense ones (spanning a few values per id)
    are numbered through a presence table, without a sort; sparse ones by a hash
    factorisation of their values and a sort of the distinct ids only. Text ids that are
    all canonical decimal integers take the integer path and are sorted as text at the end;
    other text is dictionary-encoded by pyarrow (one hash table for every column), and only
    the dictionary is sorted. Columns of both kinds are compared as text (an integer id 7
    equals the text "7").

    Examples
    --------
    >>> ids, (a, b) = encode_ids([id_column(["b", "a", None]), id_column(["c", "a"])])
    >>> ids.tolist(), a.tolist(), b.tolist()
    (['a', 'b', 'c'], [1, 0, -1], [2, 0])
    >>> ids, (a,) = encode_ids([id_column(pd.Series([30, 10, 30]))])
    >>> ids.tolist(), a.tolist()
    ([10, 30], [1, 0, 1])
    """
    if all(c.integer for c in columns):
        return _encode_integers(columns)
    texts = [as_text(c) for c in columns]
    numbers = decimal_ids(texts)
    if numbers is not None:
        ints, text_codes = _encode_integers(numbers)
        # the ids are text: sort them as text, and renumber the codes accordingly
        written = pa.array(ints.to_numpy().astype(str))
        order = pc.array_sort_indices(written).to_numpy()
        rank = np.empty(order.shape[0], dtype=np.int64)
        rank[order] = np.arange(order.shape[0], dtype=np.int64)
        uniques = pd.Index(pd.array(written.take(order), dtype=schema.ID_DTYPE), name="account")
        return uniques, [np.where(codes >= 0, rank[codes], -1) for codes in text_codes]
    return _encode_text(texts)


def as_text(column: IdColumn) -> pa.Array:
    """The ids of a column as a pyarrow string array (integers written in decimal)."""
    if not column.integer:
        return column.values
    return pa.array(column.values.astype(str), mask=~column.valid)


_DECIMAL = r"^(0|-?[1-9][0-9]{0,18})$"  # 19 digits at most; pc.cast refuses an overflow


def decimal_ids(texts: list[pa.Array]) -> list[IdColumn] | None:
    """The columns as integers if every id is a canonical decimal int64 ("42", never "042")."""
    for text in texts:  # a cheap look at a few ids first: DIDs and URIs fail here at once
        head = text.slice(0, 64).drop_null()
        if not pc.all(pc.match_substring_regex(head, _DECIMAL)).as_py():
            return None
    out = []
    for text in texts:
        try:
            ints = pc.cast(text, pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        if not pc.all(pc.equal(pc.cast(ints, text.type), text)).as_py():
            return None
        valid = np.asarray(text.is_valid())
        out.append(IdColumn(ints.fill_null(0).to_numpy(), valid, True))
    return out


def _encode_integers(columns: Sequence[IdColumn]) -> tuple[pd.Index, list[np.ndarray]]:
    everything = [c.values if c.valid.all() else c.values[c.valid] for c in columns]
    taken = np.concatenate(everything) if everything else np.empty(0, dtype=np.int64)
    del everything
    taken = taken.astype(np.int64, copy=False)
    low = int(taken.min()) if taken.shape[0] else 0
    span = int(taken.max()) - low + 1 if taken.shape[0] else 0
    if span <= max(_DENSE_SPAN_PER_ID * taken.shape[0], _DENSE_SPAN_FLOOR):
        # Dense ids (0..n-1 and the like): the id minus the smallest is a position in a
        # presence table; its running count numbers the ids in order. No sort at all.
        present = np.zeros(span, dtype=bool)
        offsets = taken - low
        present[offsets] = True
        numbering = np.cumsum(present, dtype=np.int64) - 1
        codes_taken = numbering[offsets]
        uniques = pd.Index(np.flatnonzero(present) + low, dtype="int64", name="account")
    else:
        # Sparse ids (snowflakes): a hash factorisation, then a sort of the distinct ids only.
        first_seen, found = pd.factorize(taken)
        order = np.argsort(found)
        rank = np.empty(order.shape[0], dtype=np.int64)
        rank[order] = np.arange(order.shape[0], dtype=np.int64)
        codes_taken = rank[first_seen]
        uniques = pd.Index(np.asarray(found)[order], dtype="int64", name="account")
    return uniques, _split(codes_taken, columns)


def _split(codes_taken: np.ndarray, columns: Sequence[IdColumn]) -> list[np.ndarray]:
    out, at = [], 0
    for c in columns:
        k = int(c.valid.sum())
        if k == len(c.valid):  # no missing id: the slice is the answer
            out.append(codes_taken[at : at + k])
        else:
            codes = np.full(len(c.valid), -1, dtype=np.int64)
            codes[c.valid] = codes_taken[at : at + k]
            out.append(codes)
        at += k
    return out


def text_codes(texts: list[pa.Array]) -> tuple[pa.Array, list[np.ndarray]]:
    """One pyarrow dictionary over every column: the distinct ids in the order they first
    appear, and per column the int64 code of each id (-1 where missing)."""
    large = any(pa.types.is_large_string(t.type) for t in texts)
    kind = pa.large_string() if large else pa.string()
    encoded = pc.dictionary_encode(
        pa.chunked_array([t if t.type == kind else t.cast(kind) for t in texts], type=kind)
    )
    dictionary = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], type=kind)
    indices = np.concatenate(
        [c.indices.fill_null(-1).to_numpy().astype(np.int64, copy=False) for c in encoded.chunks]
        or [np.empty(0, dtype=np.int64)]
    )
    bounds = np.cumsum([0, *(len(t) for t in texts)])
    return dictionary, [indices[bounds[i] : bounds[i + 1]] for i in range(len(texts))]


def _encode_text(texts: list[pa.Array]) -> tuple[pd.Index, list[np.ndarray]]:
    """:func:`text_codes`, renumbered so that codes follow the sorted ids."""
    dictionary, codes = text_codes(texts)
    order = pc.array_sort_indices(dictionary).to_numpy()
    rank = np.empty(order.shape[0] + 1, dtype=np.int64)
    rank[order] = np.arange(order.shape[0], dtype=np.int64)
    rank[-1] = -1  # a missing id: its code, -1, picks this last entry
    uniques = pd.Index(pd.array(dictionary.take(order), dtype=schema.ID_DTYPE), name="account")
    return uniques, [rank[c] for c in codes]


# =========================================================================== tables as arrays
class Posts(NamedTuple):
    """A posts table as arrays: author codes, kind codes, int64 ns times, direct flags."""

    author: np.ndarray
    kind: np.ndarray  # schema.POST_KINDS codes, -1 missing
    ns: np.ndarray
    direct: np.ndarray


class Interactions(NamedTuple):
    """An interactions table as arrays."""

    actor: np.ndarray
    target: np.ndarray
    kind: np.ndarray  # schema.INTERACTION_KINDS codes
    ns: np.ndarray
    direct: np.ndarray


class Encoded(NamedTuple):
    """Posts, interactions and extra id columns encoded together; position in ``ids`` = code."""

    ids: pd.Index
    posts: Posts | None
    interactions: Interactions | None
    extra: list[np.ndarray]  # codes of the extra id columns, in the order given


# post kind code -> interaction kind code of the interaction the post makes (-1: none); a
# thread is a reply to oneself (engagemetrics.derive.interactions_from_posts).
_POST_TO_INTERACTION = np.array(
    [
        -1 if k == "post" else schema.INTERACTION_KINDS.index("reply" if k == "thread" else k)
        for k in schema.POST_KINDS
    ]
    + [-1],  # the last entry answers a missing kind (code -1)
    dtype=np.int64,
)


def ns(series: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (NaT = :data:`NAT`)."""
    values = series.astype(schema.TIMESTAMP_DTYPE).dt.tz_convert(None)
    return np.asarray(values.to_numpy(dtype="datetime64[ns]")).view(np.int64)


def _category_codes(series: pd.Series, dtype: pd.CategoricalDtype) -> np.ndarray:
    return np.asarray(series.astype(dtype).cat.codes, dtype=np.int64)


def _is_direct(visibility: pd.Series) -> np.ndarray:
    codes = _category_codes(visibility, schema.VISIBILITY_DTYPE)
    return codes == schema.VISIBILITIES.index("direct")


def encode_tables(
    posts: pd.DataFrame | None, interactions: pd.DataFrame | None, extra: Sequence[Any] = ()
) -> Encoded:
    """Encode every id of prepared tables at once; ``interactions=None`` derives them.

    Derived interactions follow :func:`engagemetrics.derive.interactions_from_posts` without
    mentions or likes, which posts do not carry: a reply or thread is a ``reply`` to its
    parent author, a repost or quote an interaction of that kind to the original author.
    They are taken from the encoded post columns directly, so a large posts table is neither
    copied nor turned into text.
    """
    derive = posts is not None and interactions is None
    columns: list[IdColumn] = []
    if posts is not None:
        columns.append(id_column(posts["author"]))
        if derive:
            columns.append(id_column(posts["parent_author"]))
    if interactions is not None:
        columns += [id_column(interactions["actor"]), id_column(interactions["target"])]
    columns += [id_column(e) for e in extra]
    ids, codes = encode_ids(columns)
    at = 0
    p: Posts | None = None
    i: Interactions | None = None
    if posts is not None:
        p = Posts(
            codes[0],
            _category_codes(posts["kind"], schema.POST_KIND_DTYPE),
            ns(posts["created_at"]),
            _is_direct(posts["visibility"]),
        )
        at = 1
        if derive:
            parent = codes[1]
            at = 2
            made = _POST_TO_INTERACTION[p.kind]
            directed = (parent >= 0) & (made >= 0)
            i = Interactions(
                p.author[directed], parent[directed], made[directed], p.ns[directed],
                p.direct[directed],
            )
    if interactions is not None:
        i = Interactions(
            codes[at],
            codes[at + 1],
            _category_codes(interactions["kind"], schema.INTERACTION_KIND_DTYPE),
            ns(interactions["created_at"]),
            _is_direct(interactions["visibility"]),
        )
        at += 2
    return Encoded(ids, p, i, codes[at:])


def account_ids(accounts: Any) -> pd.Index | None:
    """The distinct ids of an ``accounts=`` argument (missing ones left out), or None.

    ``accounts`` is a list, Series or Index of ids, or a pandas frame with one column (or an
    ``account_id`` or ``account`` column). A single id, or something that is not a collection
    of ids, raises :class:`InvalidArgumentError`.
    """
    if accounts is None:
        return None
    if isinstance(accounts, pd.DataFrame):
        names = [str(c) for c in accounts.columns]
        name: str | None = next((n for n in ("account_id", "account") if n in names), None)
        if name is None and len(names) == 1:
            name = names[0]
        if name is None:
            raise InvalidArgumentError(
                f"accounts as a frame needs one column, or an 'account_id' or 'account' "
                f"column; it has {names}"
            )
        accounts = accounts[name]
    if isinstance(accounts, (str, bytes)) or not isinstance(accounts, Iterable):
        raise InvalidArgumentError(
            f"accounts must be an iterable of account ids (a list, a Series, an Index); got "
            f"{accounts!r}; wrap a single id in a list: accounts=[id]"
        )
    values = accounts if isinstance(accounts, (pd.Series, pd.Index)) else list(accounts)
    index = pd.Index(values)
    index = index[index.notna()].unique()
    if len(index) and not (pd.api.types.is_integer_dtype(index.dtype) or all(
        isinstance(v, (str, int, np.integer)) for v in index
    )):
        raise ColumnTypeError(
            f"accounts must hold ids as text or integers, found {index.dtype} values"
        )
    return index.rename("account")
