"""``FollowGraph``: a follow table validated, encoded and sorted once, for every follow measure."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..archive import Archive
from ..coverage import Coverage
from ..exceptions import ColumnTypeError, DataQualityWarning, InvalidArgumentError
from . import _kernels
from ._prepare import (
    as_text,
    decimal_ids,
    encode_ids,
    follows_frame,
    id_column,
    is_native,
    text_codes,
)

__all__ = ["FollowGraph", "warn_undefined"]

# Integer ids whose range is at most this many times the number of edges are their own codes
# (id - min): no hashing, no copy. Beyond it the bincounts would be mostly empty.
_RANGE_CODES_PER_EDGE = 4
_RANGE_CODES_FLOOR = 1 << 16


class FollowGraph:
    """A follow table validated, encoded and sorted once, shared by every follow measure.

    Every follow measure (:func:`~engagemetrics.follow_counts`,
    :func:`~engagemetrics.account_metrics`, :func:`~engagemetrics.reciprocity`,
    :func:`~engagemetrics.reciprocity_rho`, :func:`~engagemetrics.dyad_census`) takes a
    ``FollowGraph`` wherever it takes a follow table. Given a table, each call encodes the ids
    and sorts the edges anew; given a ``FollowGraph``, they share one encoding and one sort,
    as several networkx functions share one ``DiGraph``.

    Parameters
    ----------
    follows : pandas.DataFrame or engagemetrics.Archive
        One row per follow edge, ``source`` follows ``target`` (ids of any dtype; integer ids
        stay integers). An Archive gives its follow table and what its export covers.

    Attributes
    ----------
    n_edges : int
        Edges of the table, duplicates and self-follows included.
    ids : pandas.Index
        Every account of an edge (a self-follower included), sorted ascending.
    coverage : engagemetrics.coverage.Coverage or None
        The archive's coverage, None for a plain table (taken as complete).

    Notes
    -----
    The graph holds the edges' integer codes and, after the first measure, their sorted
    packed keys (8 bytes an edge). Treat the table it was made from as read-only while the
    graph is in use: the graph does not see later changes.

    Examples
    --------
    >>> import engagemetrics as em
    >>> g = em.FollowGraph(pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]}))
    >>> g
    FollowGraph(3 edges, 3 accounts)
    >>> round(em.reciprocity(g), 3), em.dyad_census(g)
    (0.667, DyadCensus(mutual=1, asymmetric=1, null=1))
    """

    def __init__(self, follows: Any) -> None:
        self.coverage: Coverage | None = None
        self.ego: str | None = None
        if isinstance(follows, Archive):
            self.coverage, self.ego = follows.coverage, follows.ego
            follows = follows.follows
        if is_native(follows):
            raise InvalidArgumentError(
                "FollowGraph holds a pandas follow table in memory; for a Polars, DuckDB or "
                "Spark frame call the measures on the frame itself (the engine computes them)"
            )
        table = follows_frame(follows)
        self.n_edges = len(table)
        self._encode(table)
        self._arcs: _kernels.SortedArcs | None = None
        self._counts: dict[tuple[str, str], _kernels.NodeCounts] = {}
        # The raw degrees: every count starts from them, and they say which codes are used.
        self.out_degree, self.in_degree = _kernels.degrees(self.source, self.target, self.n_codes)
        # The accounts of an edge, in the order of their ids (the order of every output).
        used = np.flatnonzero((self.out_degree > 0) | (self.in_degree > 0))
        self.present_codes = self._in_id_order(used)
        self.ids = self.ids_of(self.present_codes)

    # ------------------------------------------------------------------ encoding
    def _encode(self, table: pd.DataFrame) -> None:
        """Integer codes of the ids, with as little work on the edges as their kind allows.

        Dense integer ids are their own codes (id - min, no copy for int64 from 0). Text ids
        that are all canonical decimal integers (X and SNAP ids read as text) take the same
        path and are turned back into text for the output only. Other text is coded by one
        pyarrow dictionary, in the order of first appearance: only the distinct ids (not
        the edges) are sorted, to give the output its order. Sparse integers are
        factorised (:func:`encode_ids`).
        """
        source, target = table["source"], table["target"]
        self._offset: int | None = None
        self._uniques: pd.Index | None = None
        self._as_text = False  # integer codes of ids that are text
        self._dtype: Any = source.dtype
        if not self.n_edges:
            self.source = self.target = np.empty(0, dtype=np.int64)
            self.n_codes = 0
            self._uniques = pd.Index([], dtype=source.dtype, name="account")
            return
        columns = [id_column(source), id_column(target)]
        if not all(c.integer for c in columns):
            texts = [as_text(c) for c in columns]
            numbers = decimal_ids(texts)
            if numbers is None:
                dictionary, (self.source, self.target) = text_codes(texts)
                self._uniques = pd.Index(pd.array(dictionary, dtype=schema.ID_DTYPE),
                                         name="account")
                self.n_codes = len(self._uniques)
                return
            columns, self._as_text = numbers, True
            self._dtype = schema.ID_DTYPE
        source_ids, target_ids = columns[0].values, columns[1].values
        if _is_integer(source) and source.dtype.kind == "u":
            source_ids = source.to_numpy()
        if _is_integer(target) and target.dtype.kind == "u":
            target_ids = target.to_numpy()
        if source_ids.dtype == target_ids.dtype:
            low = min(int(source_ids.min()), int(target_ids.min()))
            high = max(int(source_ids.max()), int(target_ids.max()))
            span = high - low + 1
            limit = max(_RANGE_CODES_PER_EDGE * self.n_edges, _RANGE_CODES_FLOOR)
            if 0 <= low and high < limit:
                low, span = 0, high + 1  # small non-negative ids are their own codes
            if span <= limit:
                if not self._as_text:
                    self._dtype = (
                        source.dtype if source.dtype == target.dtype else np.dtype(np.int64)
                    )
                self.source, self.target = _shift(source_ids, low), _shift(target_ids, low)
                self.n_codes, self._offset = span, low
                return
        uniques, (self.source, self.target) = encode_ids(columns)
        self._uniques = uniques.astype(schema.ID_DTYPE) if self._as_text else uniques
        self._as_text = False  # the uniques are already the ids, in order
        self.n_codes = len(uniques)

    def _in_id_order(self, codes: np.ndarray) -> np.ndarray:
        """``codes`` reordered so that their ids ascend (as text for text ids)."""
        if self._as_text:
            text = pa.array(self._raw_ids(codes).astype(str))
            return codes[pc.array_sort_indices(text).to_numpy()]
        if self._uniques is not None and not self._uniques.is_monotonic_increasing:
            order = pc.array_sort_indices(pa.array(self._uniques.take(codes).array)).to_numpy()
            return codes[order]
        return codes

    def _raw_ids(self, codes: np.ndarray) -> np.ndarray:
        offset = self._offset or 0
        if offset > np.iinfo(np.int64).max - self.n_codes:
            return codes.astype(np.uint64) + np.uint64(offset)  # uint64 ids near 2**64
        return codes + offset if offset else codes.copy()

    def ids_of(self, codes: np.ndarray) -> pd.Index:
        """The account ids of ``codes``, as an Index named ``account``."""
        if self._uniques is not None:
            return self._uniques.take(codes).rename("account")
        values = self._raw_ids(codes)
        if self._as_text:
            return pd.Index(pd.array(values.astype(str), dtype=schema.ID_DTYPE), name="account")
        return pd.Index(values, name="account").astype(self._dtype)

    def codes_of(self, ids: pd.Index) -> np.ndarray:
        """The codes of ``ids`` (-1 for an id that is in no edge).

        Raises :class:`~engagemetrics.ColumnTypeError` when the ids are of another kind than
        the graph's (text against integers): an id of one kind never equals one of the other.
        """
        if len(ids) and self.n_edges and {_kind(self.ids), _kind(ids)} == {"integer", "string"}:
            raise ColumnTypeError(
                f"accounts= holds {ids.dtype} ids but the follow table's ids are "
                f"{self.ids.dtype}; an id of one kind never equals an id of the other, so "
                "convert one side (e.g. accounts=[str(a) for a in accounts])"
            )
        if not len(self.ids):
            return np.full(len(ids), -1, dtype=np.int64)
        position = self.ids.get_indexer(ids)
        return np.where(position >= 0, self.present_codes[position], -1)

    # ------------------------------------------------------------------ measures
    @property
    def arcs(self) -> _kernels.SortedArcs:
        """The sorted edges (computed on first use, then shared)."""
        if self._arcs is None:
            self._arcs = _kernels.sort_arcs(self.source, self.target, self.n_codes)
        return self._arcs

    def node_counts(self, *, loops: str, multi: str) -> _kernels.NodeCounts:
        """Followers, following and mutuals per code under the conventions."""
        key = (loops, multi)
        if key not in self._counts:
            self._counts[key] = _kernels.node_counts(
                self.arcs, self.out_degree, self.in_degree, loops=loops, multi=multi
            )
        return self._counts[key]

    def graph_counts(self, *, loops: str, multi: str) -> _kernels.GraphCounts:
        """Arc and pair counts of the whole graph under the conventions."""
        return _kernels.graph_counts(self.arcs, loops=loops, multi=multi)

    def has_edges(self, source: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Whether each ``source[i] -> target[i]`` (codes) is an edge."""
        return _kernels.has_arcs(self.arcs, source, target)

    def n_accounts(self, extra: pd.Index | None = None) -> int:
        """Accounts of the graph: those of an edge, plus any of ``extra`` not among them."""
        n = len(self.ids)
        if extra is not None and len(extra):
            n += int((self.codes_of(extra) < 0).sum())
        return n

    def __len__(self) -> int:
        return self.n_edges

    def __repr__(self) -> str:
        return f"FollowGraph({self.n_edges} edges, {len(self.ids)} accounts)"


def _is_integer(series: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


def _shift(ids: np.ndarray, low: int) -> np.ndarray:
    if low == 0 and ids.dtype == np.int64:
        return ids  # already codes: no copy (the kernels never write to their input)
    if ids.dtype.kind == "u":
        return (ids - np.uint64(low)).astype(np.int64)
    return ids - np.int64(low)


def _kind(ids: pd.Index) -> str:
    """ "integer", "string" or another pandas inferred kind of some ids."""
    if pd.api.types.is_integer_dtype(ids.dtype):
        return "integer"
    return pd.api.types.infer_dtype(ids, skipna=True)


def warn_undefined(function: str, why: str, *, unknown: bool = False, stacklevel: int = 3
                   ) -> None:
    """Say, with a :class:`~engagemetrics.DataQualityWarning`, why a measure is NaN: it is
    undefined (0/0), or unknown (the data does not cover it)."""
    state = "unknown" if unknown else "undefined"
    warnings.warn(f"{function}() is {state}: {why}; returning NaN", DataQualityWarning,
                  stacklevel=stacklevel + 1)
