"""Conversation metrics: who talks *with* whom rather than *to* whom (METRICS.md section 3)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import schema
from ..exceptions import (
    ColumnTypeError,
    DataQualityWarning,
    InvalidArgumentError,
    MissingColumnsError,
    NoEgoError,
    SchemaError,
)
from ..ledger import ledger_of

__all__ = ["conversation_counts", "ego_metrics", "gini", "normalized_entropy"]

logger = logging.getLogger("engagemetrics")

# Column orders are part of the contract (METRICS.md section 3); tests compare them.
POST_COUNT_COLUMNS = ("posts", "replies", "broadcasts", "threads", "reposts", "quotes")
POST_RATIO_COLUMNS = ("reply_to_broadcast_ratio", "reply_share", "thread_share")
CONVERSATION_COLUMNS = (*POST_COUNT_COLUMNS, *POST_RATIO_COLUMNS, "outreach_breadth")
EGO_EXTRA_COLUMNS = (
    "interlocutors",
    "outreach_gini",
    "outreach_entropy",
    "amplified",
    "amplified_accounts",
    "self_reposts",
    "mentions",
)
# Every metric column is int64 (a count) except these ratios (float64, NaN on a 0 denominator).
FLOAT_COLUMNS = frozenset(
    {
        "follow_ratio",
        "follow_back_rate",
        "reciprocation_rate",
        "reciprocity_dice",
        "reciprocity_jaccard",
        *POST_RATIO_COLUMNS,
        "followee_engagement",
        "outreach_gini",
        "outreach_entropy",
    }
)


def _column_dtypes(columns: Iterable[str]) -> dict[str, str]:
    return {c: "float64" if c in FLOAT_COLUMNS else "int64" for c in columns}


# Category codes of the canonical dtypes (schema.POST_KINDS / INTERACTION_KINDS order).
_POST_KIND_CODE = {k: i for i, k in enumerate(schema.POST_KINDS)}
_INTERACTION_KIND_CODE = {k: i for i, k in enumerate(schema.INTERACTION_KINDS)}
_DIRECT = "direct"
# post kind code -> interaction kind code of the interaction the post makes (-1: none);
# a thread is a reply to oneself (schema.interactions_from_posts).
_POST_TO_INTERACTION = np.array(
    [
        -1 if k == "post" else _INTERACTION_KIND_CODE["reply" if k == "thread" else k]
        for k in schema.POST_KINDS
    ]
    + [-1],  # the last entry answers a missing kind (code -1)
    dtype=np.int64,
)
# Integer ids spanning at most this many values per id are coded by offset (no sort).
_DENSE_SPAN_PER_ID = 4
_DENSE_SPAN_FLOOR = 1 << 16
_NAT = np.iinfo(np.int64).min


# =========================================================================== public helpers
def gini(values: Any) -> float:
    """Gini coefficient of non-negative amounts (0 = equal, towards 1 = concentrated).

    Parameters
    ----------
    values : array-like of non-negative numbers
        E.g. the number of replies sent to each interlocutor.

    Returns
    -------
    float
        The population Gini coefficient, in ``[0, (k - 1) / k]`` for ``k`` values.

    Raises
    ------
    InvalidArgumentError
        If a value is negative, missing or not finite.

    Notes
    -----
    With the values sorted ascending, :math:`x_{(1)} \\le \\dots \\le x_{(k)}`,

    .. math:: G = \\frac{\\sum_{i=1}^{k} (2i - k - 1)\\, x_{(i)}}{k \\sum_i x_i}
              = \\frac{\\sum_i \\sum_j |x_i - x_j|}{2 k^2 \\bar{x}}

    (Gini 1912; the population form, without the ``k / (k - 1)`` small-sample factor).
    Edge cases, by convention:

    * no values, or all values zero: NaN (there is nothing to share out);
    * one positive value (one interlocutor): 0.0, the same as any equal split.
      Gini measures inequality *among* the accounts, not how many there are: read it
      beside the number of accounts (``outreach_breadth``).

    Zeros among positive values count as accounts that received nothing.
    Used for ``outreach_gini`` in :func:`ego_metrics` (METRICS.md section 3).

    Examples
    --------
    >>> gini([5, 5, 5])
    0.0
    >>> gini([1, 3])  # (|1-3| + |3-1|) / (2 * 2**2 * 2) = 4 / 16
    0.25
    >>> gini([0, 0, 10])  # ((-2)*0 + 0*0 + 2*10) / (3 * 10)
    0.6666666666666666
    >>> gini([7]), gini([])
    (0.0, nan)
    """
    x = _nonnegative(values, "gini")
    total = x.sum()
    if x.size == 0 or total == 0:
        return float("nan")
    x = np.sort(x)
    k = x.size
    weights = 2.0 * np.arange(1, k + 1) - k - 1
    return float(max(0.0, (weights @ x) / (k * total)))


def normalized_entropy(values: Any) -> float:
    """Shannon entropy of the shares of ``values`` divided by its maximum ``ln(k)``.

    Parameters
    ----------
    values : array-like of non-negative numbers
        E.g. the number of replies sent to each interlocutor.

    Returns
    -------
    float
        In ``[0, 1]``: 1 when the amounts are equal, towards 0 when one dominates.

    Raises
    ------
    InvalidArgumentError
        If a value is negative, missing or not finite.

    Notes
    -----
    With shares :math:`p_i = x_i / \\sum_j x_j` over the ``k`` values,

    .. math:: J = \\frac{H}{\\ln k}, \\qquad H = -\\sum_i p_i \\ln p_i \\quad (0 \\ln 0 = 0)

    which is Pielou's evenness (Pielou, J. Theor. Biol. 13, 131-144, 1966). ``k`` counts
    every value given, zeros included (an account that received nothing lowers the
    evenness). Edge cases, by convention:

    * no values, or all values zero: NaN;
    * one value (one interlocutor): 1.0, an equal split over one account, matching
      :func:`gini` returning 0.0 there.

    Used for ``outreach_entropy`` in :func:`ego_metrics` (METRICS.md section 3).

    Examples
    --------
    >>> normalized_entropy([2, 2, 2, 2])
    1.0
    >>> round(normalized_entropy([3, 1]), 4)  # -(0.75 ln 0.75 + 0.25 ln 0.25) / ln 2
    0.8113
    >>> normalized_entropy([4, 0])  # H = 0: everything to one of two accounts
    0.0
    >>> normalized_entropy([9]), normalized_entropy([0, 0])
    (1.0, nan)
    """
    x = _nonnegative(values, "normalized_entropy")
    total = x.sum()
    if x.size == 0 or total == 0:
        return float("nan")
    k = x.size
    if k == 1:
        return 1.0
    p = x[x > 0] / total
    h = float(-(p * np.log(p)).sum())
    return float(min(1.0, max(0.0, h / np.log(k))))


def _nonnegative(values: Any, name: str) -> np.ndarray:
    try:
        x = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"{name} expects numbers (e.g. reply counts per account), got {values!r}"
        ) from exc
    bad = ~(np.isfinite(x) & (x >= 0))
    if bad.any():
        raise InvalidArgumentError(
            f"{name} expects non-negative finite amounts, found {x[bad][:3].tolist()!r}; "
            "drop missing values and pass counts"
        )
    return x


# =========================================================================== input handling
def _parse_instant(value: Any, name: str) -> pd.Timestamp | None:
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


class _Window(NamedTuple):
    """Half-open ``[lo, hi)`` in int64 nanoseconds; None = unbounded."""

    lo: int | None
    hi: int | None

    def mask(self, ns: np.ndarray) -> np.ndarray:
        keep = np.ones(ns.shape[0], dtype=bool)
        if self.lo is not None:
            keep &= (ns >= self.lo) & (ns != _NAT)
        if self.hi is not None:
            keep &= (ns < self.hi) & (ns != _NAT)
        return keep


def _window(start: Any, end: Any) -> _Window:
    lo = _parse_instant(start, "start")
    hi = _parse_instant(end, "end")
    if lo is not None and hi is not None and lo >= hi:
        raise InvalidArgumentError(
            f"the window [start, end) is empty: start={lo} is not before end={hi}; "
            "swap them or widen the window"
        )
    return _Window(None if lo is None else lo.value, None if hi is None else hi.value)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidArgumentError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _is_integer_ids(series: pd.Series) -> bool:
    if not pd.api.types.is_integer_dtype(series.dtype):
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


def _as_category(series: pd.Series, dtype: pd.CategoricalDtype, column: str, table: str):
    if series.dtype == dtype:
        return series
    lowered = series.astype("string").str.strip().str.lower()
    out = pd.Series(pd.Categorical(lowered.astype(object), dtype=dtype), index=series.index)
    unknown = lowered.notna().to_numpy() & out.isna().to_numpy()
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
        return pd.array(series.astype("Int64"), dtype="Int64")
    return pd.array([pd.NA] * len(series), dtype="Int64")


def _warn_dropped(validated: pd.DataFrame, table: str) -> None:
    ledger = ledger_of(validated)
    dropped = ledger[ledger["action"] == "dropped"] if len(ledger) else ledger
    if len(dropped):
        reasons = "; ".join(f"{r.count} {r.reason}" for r in dropped.itertuples(index=False))
        warnings.warn(
            f"{int(dropped['count'].sum())} row(s) of the {table} table could not be used "
            f"({reasons}); validate it with em.schema.{table}_table to see its ledger",
            DataQualityWarning,
            stacklevel=4,
        )


def _require_table(data: Any, table: str, needed: Iterable[str]) -> pd.DataFrame:
    if isinstance(data, dict):
        data = pd.DataFrame(data)
    if not isinstance(data, pd.DataFrame):
        raise ColumnTypeError(
            f"the {table} table must be a pandas DataFrame, got {type(data).__name__}; "
            "for polars, DuckDB or Spark frames use em.account_metrics"
        )
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise MissingColumnsError(table, missing, [str(c) for c in data.columns])
    return data


def _prepare_posts(posts: Any) -> pd.DataFrame:
    """The columns the metrics read, canonical except that integer ids may stay integers.

    A canonical posts table is used as it is. A frame whose ``author`` is an integer
    column (with integer, whole-float or missing ``parent_author``) and no missing
    author, time or kind keeps its integer ids (a research-scale log is not turned
    into strings); anything else goes through :func:`engagemetrics.schema.posts_table`.
    """
    frame = _require_table(posts, "posts", ("post_id", "author", "created_at", "kind"))
    if _is_canonical(frame, schema.POSTS_COLUMNS, "author", "kind", schema.POST_KIND_DTYPE):
        return frame[["author", "parent_author", "created_at", "kind", "visibility"]]
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
        out["kind"] = _as_category(frame["kind"], schema.POST_KIND_DTYPE, "kind", "posts").array
        out["visibility"] = _visibility(frame, "posts")
        clean = not (out["author"].isna().any() or out["created_at"].isna().any())
        if clean and not out["kind"].isna().any():
            return out
    validated = schema.posts_table(frame)
    _warn_dropped(validated, "posts")
    return validated[["author", "parent_author", "created_at", "kind", "visibility"]]


def _prepare_interactions(interactions: Any) -> pd.DataFrame:
    """Like :func:`_prepare_posts`, for an interactions table (``actor``, ``target``, ``kind``)."""
    frame = _require_table(interactions, "interactions", ("actor", "target", "kind"))
    cols = ["actor", "target", "kind", "created_at", "visibility"]
    if _is_canonical(
        frame, schema.INTERACTIONS_COLUMNS, "actor", "kind", schema.INTERACTION_KIND_DTYPE
    ):
        return frame[cols]
    if _is_integer_ids(frame["actor"]) and _is_integer_ids(frame["target"]):
        out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
        out["actor"] = _int_ids(frame["actor"])
        out["target"] = _int_ids(frame["target"])
        out["kind"] = _as_category(
            frame["kind"], schema.INTERACTION_KIND_DTYPE, "kind", "interactions"
        ).array
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
    return validated[cols]


def _prepare_follows(follows: Any) -> pd.DataFrame:
    """``source``/``target`` columns, integer ids kept as integers when clean."""
    frame = _require_table(follows, "follows", ("source", "target"))
    if (
        frame["source"].dtype == schema.ID_DTYPE
        and frame["target"].dtype == schema.ID_DTYPE
        and not (frame["source"].isna().any() or frame["target"].isna().any())
    ):
        return frame[["source", "target"]]
    if _is_integer_ids(frame["source"]) and _is_integer_ids(frame["target"]):
        if not (frame["source"].isna().any() or frame["target"].isna().any()):
            return pd.DataFrame(
                {
                    "source": frame["source"].to_numpy(dtype="int64"),
                    "target": frame["target"].to_numpy(dtype="int64"),
                }
            )
    validated = schema.follows_table(frame)
    _warn_dropped(validated, "follows")
    return validated[["source", "target"]]


def _visibility(frame: pd.DataFrame, table: str) -> Any:
    if "visibility" in frame.columns:
        return _as_category(frame["visibility"], schema.VISIBILITY_DTYPE, "visibility", table).array
    return pd.Categorical.from_codes(
        np.full(len(frame), -1, dtype=np.int8), dtype=schema.VISIBILITY_DTYPE
    )


def _is_canonical(
    frame: pd.DataFrame, columns: Iterable[str], id_column: str, kind: str, kind_dtype: Any
) -> bool:
    return (
        all(c in frame.columns for c in columns)
        and frame[kind].dtype == kind_dtype
        and frame["created_at"].dtype == schema.TIMESTAMP_DTYPE
        and frame[id_column].dtype == schema.ID_DTYPE
        and frame["visibility"].dtype == schema.VISIBILITY_DTYPE
    )


# =========================================================================== id encoding
class _Ids(NamedTuple):
    """One id column: int64 values (with a validity mask) or a string array."""

    values: Any
    valid: np.ndarray
    integer: bool


def _ids(values: Any) -> _Ids:
    s = pd.Series(values.array if isinstance(values, (pd.Series, pd.Index)) else values)
    valid = s.notna().to_numpy()
    if _is_integer_ids(s):
        return _Ids(s.to_numpy(dtype="int64", na_value=0), valid, True)
    if not valid.any():  # nothing to compare: fits integer and text tables alike
        return _Ids(np.zeros(len(s), dtype="int64"), valid, True)
    return _Ids(schema.to_id(s).array, valid, False)


def _as_string_ids(ids: _Ids) -> Any:
    if not ids.integer:
        return ids.values
    text = pd.Series(ids.values).astype(str).astype(schema.ID_DTYPE)
    text[~ids.valid] = pd.NA
    return text.array


def _encode(columns: list[_Ids]) -> tuple[pd.Index, list[np.ndarray]]:
    """Codes in ``[0, n)`` for every id of ``columns`` (-1 where missing), ids sorted ascending.

    Dense integer ids (spanning at most a few values per id) are numbered through a
    presence table, without a sort; other integer ids take one argsort of their
    concatenation and a comparison of neighbours (no hashing: numpy 2.4's ``np.unique``
    on int64 is slow, see PERFORMANCE.md); text ids go through ``pandas.factorize(sort=True)``, which
    pyarrow strings answer with a dictionary encoding. Mixed tables (one with
    integer ids, one with text) are compared as text.
    """
    lengths = [len(c.valid) for c in columns]
    if all(c.integer for c in columns):
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
            order = np.argsort(taken, kind="stable")  # measured faster than quicksort here
            ordered = taken[order]
            first = np.empty(ordered.shape[0], dtype=bool)
            if first.shape[0]:
                first[0] = True
                np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
            codes_taken = np.empty(taken.shape[0], dtype=np.int64)
            codes_taken[order] = np.cumsum(first, dtype=np.int64) - 1
            uniques = pd.Index(ordered[first], dtype="int64", name="account")
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
        return uniques, out
    texts = [pd.Series(_as_string_ids(c), dtype=schema.ID_DTYPE) for c in columns]
    joined = pd.concat(texts, ignore_index=True) if texts else pd.Series([], dtype=schema.ID_DTYPE)
    codes_all, uniques = pd.factorize(joined, sort=True)
    codes_all = np.asarray(codes_all, dtype=np.int64)
    bounds = np.cumsum([0, *lengths])
    out = [codes_all[bounds[i] : bounds[i + 1]] for i in range(len(columns))]
    uniques = pd.Index(uniques, name="account")
    if uniques.dtype != schema.ID_DTYPE:
        uniques = uniques.astype(schema.ID_DTYPE)
    return uniques, out


def _ns(series: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (NaT = int64 min)."""
    values = series.astype(schema.TIMESTAMP_DTYPE).dt.tz_convert(None)
    return np.asarray(values.to_numpy(dtype="datetime64[ns]")).view(np.int64)


def _codes_of(series: pd.Series, dtype: pd.CategoricalDtype) -> np.ndarray:
    return np.asarray(series.astype(dtype).cat.codes, dtype=np.int64)


# =========================================================================== core arrays
class _Posts(NamedTuple):
    author: np.ndarray  # codes
    kind: np.ndarray  # POST_KINDS codes
    ns: np.ndarray
    direct: np.ndarray


class _Interactions(NamedTuple):
    actor: np.ndarray
    target: np.ndarray
    kind: np.ndarray  # INTERACTION_KINDS codes
    ns: np.ndarray
    direct: np.ndarray


class _Encoded(NamedTuple):
    ids: pd.Index  # every id seen, sorted; position = code
    posts: _Posts | None
    interactions: _Interactions | None
    follow_source: np.ndarray | None
    follow_target: np.ndarray | None
    extra: list[np.ndarray]  # codes of the extra id columns, in the order given


def _encode_tables(
    posts: pd.DataFrame | None,
    interactions: pd.DataFrame | None,
    follows: pd.DataFrame | None,
    extra: list[Any],
) -> _Encoded:
    """Encode every id of the tables at once; ``interactions=None`` derives them from posts.

    Derived interactions follow :func:`engagemetrics.schema.interactions_from_posts`
    (without mentions or likes, which posts do not carry): a reply or thread is a
    ``reply`` to its parent author, a repost or quote an interaction of that kind to the
    original author. They are taken from the encoded post columns directly, so a large
    posts table is neither copied nor turned into text.
    """
    derive = posts is not None and interactions is None
    columns: list[_Ids] = []
    if posts is not None:
        columns.append(_ids(posts["author"]))
        if derive:
            columns.append(_ids(posts["parent_author"]))
    if interactions is not None:
        columns += [_ids(interactions["actor"]), _ids(interactions["target"])]
    if follows is not None:
        columns += [_ids(follows["source"]), _ids(follows["target"])]
    columns += [_ids(e) for e in extra]
    ids, codes = _encode(columns)
    at = 0
    p = i = None
    fs = ft = None
    if posts is not None:
        p = _Posts(
            codes[0],
            _codes_of(posts["kind"], schema.POST_KIND_DTYPE),
            _ns(posts["created_at"]),
            _is_direct(posts["visibility"]),
        )
        at = 1
        if derive:
            parent = codes[1]
            at = 2
            made = _POST_TO_INTERACTION[p.kind]
            directed = (parent >= 0) & (made >= 0)
            i = _Interactions(
                p.author[directed],
                parent[directed],
                made[directed],
                p.ns[directed],
                p.direct[directed],
            )
    if interactions is not None:
        i = _Interactions(
            codes[at],
            codes[at + 1],
            _codes_of(interactions["kind"], schema.INTERACTION_KIND_DTYPE),
            _ns(interactions["created_at"]),
            _is_direct(interactions["visibility"]),
        )
        at += 2
    if follows is not None:
        fs, ft = codes[at], codes[at + 1]
        at += 2
    return _Encoded(ids, p, i, fs, ft, codes[at:])


def _is_direct(visibility: pd.Series) -> np.ndarray:
    codes = _codes_of(visibility, schema.VISIBILITY_DTYPE)
    return codes == schema.VISIBILITIES.index(_DIRECT)


def _sorted_distinct(keys: np.ndarray) -> np.ndarray:
    keys = np.sort(keys)
    if keys.shape[0] < 2:
        return keys
    keep = np.empty(keys.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _post_arrays(
    enc: _Encoded, window: _Window, include_direct: bool, include_self: bool
) -> dict[str, np.ndarray]:
    """Per-code counts and ratios of METRICS.md section 3 (every code of ``enc.ids``)."""
    n = len(enc.ids)
    out: dict[str, np.ndarray] = {}
    p = enc.posts
    if p is None:  # callers always pass posts; an empty result keeps the types honest
        p = _Posts(*(np.empty(0, dtype=np.int64) for _ in range(3)), np.empty(0, dtype=bool))
    keep = window.mask(p.ns) & (p.kind >= 0)
    if not include_direct:
        keep &= ~p.direct
    # One bincount over (account, kind) cells gives every per-kind count at once.
    n_kinds = len(schema.POST_KINDS)
    cells = np.bincount(p.author[keep] * n_kinds + p.kind[keep], minlength=n * n_kinds)
    cells = cells.reshape(n, n_kinds).astype(np.int64, copy=False)
    k = _POST_KIND_CODE
    out["posts"] = cells.sum(axis=1)
    out["replies"] = cells[:, k["reply"]]
    out["broadcasts"] = cells[:, k["post"]] + cells[:, k["thread"]]
    out["threads"] = cells[:, k["thread"]]
    out["reposts"] = cells[:, k["repost"]]
    out["quotes"] = cells[:, k["quote"]]
    out["reply_to_broadcast_ratio"] = _ratio(out["replies"], out["broadcasts"])
    out["reply_share"] = _ratio(out["replies"], out["replies"] + out["broadcasts"])
    out["thread_share"] = _ratio(out["threads"], out["posts"])

    acts = _kept_interactions(enc, window, include_direct, include_self)
    actor, target, kind = acts
    is_reply = kind == _INTERACTION_KIND_CODE["reply"]
    replied = _sorted_distinct(actor[is_reply] * n + target[is_reply])
    out["outreach_breadth"] = np.bincount(replied // n, minlength=n).astype(np.int64)

    if enc.follow_source is not None:
        # reply, mention, repost, quote: every kind but like
        engaged = (kind != _INTERACTION_KIND_CODE["like"]) & (kind >= 0) & (actor != target)
        engaged_keys = _sorted_distinct(actor[engaged] * n + target[engaged])
        fs, ft = enc.follow_source, enc.follow_target
        other = fs != ft
        followed = _sorted_distinct(fs[other] * n + ft[other])
        followees = np.bincount(followed // n, minlength=n)
        if followed.shape[0] and engaged_keys.shape[0]:
            pos = np.searchsorted(followed, engaged_keys)  # sorted queries: fast
            pos[pos == followed.shape[0]] = 0
            hits = engaged_keys[followed[pos] == engaged_keys]
        else:
            hits = np.empty(0, dtype=np.int64)
        out["followee_engagement"] = _ratio(np.bincount(hits // n, minlength=n), followees)
    return out


def _log_exclusions(enc: _Encoded, window: _Window, include_direct: bool, where: str) -> None:
    """Say at DEBUG level how many posts the window and the DM convention left out."""
    if not logger.isEnabledFor(logging.DEBUG) or enc.posts is None:
        return
    inside = window.mask(enc.posts.ns)
    direct = int((inside & enc.posts.direct).sum()) if not include_direct else 0
    logger.debug(
        "%s: %d of %d posts outside the window [start, end); %d direct messages excluded "
        "(include_direct=False)",
        where,
        int((~inside).sum()),
        inside.shape[0],
        direct,
    )


def _kept_interactions(
    enc: _Encoded, window: _Window, include_direct: bool, include_self: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    it = enc.interactions
    if it is None:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    keep = window.mask(it.ns)
    if not include_direct:
        keep &= ~it.direct
    if not include_self:
        keep &= it.actor != it.target
    return it.actor[keep], it.target[keep], it.kind[keep]


def _frame(
    arrays: dict[str, np.ndarray], rows: np.ndarray, index: pd.Index, columns: Iterable[str]
) -> pd.DataFrame:
    data = {}
    for col in columns:
        values = arrays[col][rows]
        data[col] = values.astype(np.float64 if values.dtype.kind == "f" else np.int64)
    return pd.DataFrame(data, index=index)


# =========================================================================== conversation_counts
def conversation_counts(
    posts: Any,
    *,
    interactions: Any = None,
    follows: Any = None,
    start: Any = None,
    end: Any = None,
    include_direct: bool = False,
    include_self: bool = False,
) -> pd.DataFrame:
    """Per-account conversation counts: replies against broadcasts, outreach, engagement.

    Parameters
    ----------
    posts : pandas.DataFrame
        A posts table (``post_id``, ``author``, ``created_at``, ``kind``; optional
        ``parent_author``, ``visibility``). A canonical table is used as it is. A frame
        with integer ``author`` ids (integer or missing ``parent_author``) and no missing
        author, time or kind keeps its integer ids and is taken as it is (``post_id`` is
        not checked for duplicates). Anything else is validated with
        :func:`engagemetrics.schema.posts_table`, which turns ids into text; rows it cannot
        take are dropped with a :class:`~engagemetrics.DataQualityWarning`.
    interactions : pandas.DataFrame, optional
        An interactions table (``actor``, ``target``, ``kind``, ``created_at``,
        ``visibility``). Default: derived from ``posts`` by the rule of
        :func:`engagemetrics.schema.interactions_from_posts` (a reply or thread to its
        parent author, a repost or quote to the original author; posts alone carry no
        mentions).
    follows : pandas.DataFrame, optional
        A follow table (``source`` follows ``target``), a snapshot: not filtered by the
        window. Adds the ``followee_engagement`` column.
    start, end : timestamp-like, optional
        The half-open window ``[start, end)`` in UTC; naive values and strings are taken
        as UTC. Filters posts and interactions; an undated interaction lies outside every
        bounded window.
    include_direct : bool
        Count direct messages (visibility ``"direct"``), which are private. Default False.
    include_self : bool
        Count self-interactions (an account replying to, reposting or mentioning itself)
        in ``outreach_breadth``. Default False. Post counts never depend on it: a thread
        continuation is a broadcast by definition.

    Returns
    -------
    pandas.DataFrame
        One row per account that authored a post or acted in an interaction (at any time
        and visibility, so that windows of one dataset give the same rows), index
        ``"account"`` sorted ascending (integer ids stay integers). Columns, in order:

        ========================== ======= ==============================================
        ``posts``                  int64   authored items of every kind
        ``replies``                int64   ``reply`` posts
        ``broadcasts``             int64   ``post`` + ``thread`` posts
        ``threads``                int64   ``thread`` posts (replies to oneself)
        ``reposts``, ``quotes``    int64   ``repost`` / ``quote`` posts
        reply_to_broadcast_ratio   float64 replies / broadcasts
        ``reply_share``            float64 replies / (replies + broadcasts)
        ``thread_share``           float64 threads / posts
        ``outreach_breadth``       int64   distinct accounts replied to
        ``followee_engagement``    float64 only with ``follows``: see Notes
        ========================== ======= ==============================================

    Raises
    ------
    MissingColumnsError
        If a table lacks a required column.
    InvalidArgumentError
        If the window is empty (``start >= end``) or not made of timestamps.

    Notes
    -----
    Definitions are METRICS.md section 3. Counts are 0, not NaN, when nothing happened;
    a ratio is NaN when its denominator is 0. Conventions, each a keyword: the window is
    half-open and UTC (``start``, ``end``); direct messages are excluded
    (``include_direct=False``); self-interactions are excluded from outreach and
    engagement (``include_self=False``).

    ``outreach_breadth`` counts the distinct targets of the account's ``reply``
    interactions in the window. ``followee_engagement`` is
    ``|F(u) ∩ E(u)| / |F(u)|`` where ``F(u)`` is the set of *other* accounts ``u``
    follows (duplicates collapsed, a self-follow never counted) and ``E(u)`` the accounts
    ``u`` replied to, mentioned, reposted or quoted in the window; NaN when ``F(u)`` is
    empty. Likes are not engagement here.

    Examples
    --------
    >>> posts = pd.DataFrame({
    ...     "post_id": ["1", "2", "3", "4"], "author": ["ann", "ann", "ann", "bob"],
    ...     "created_at": ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
    ...     "kind": ["post", "thread", "reply", "repost"],
    ...     "parent_author": [None, "ann", "bob", "ann"]})
    >>> c = conversation_counts(posts)
    >>> c[["posts", "replies", "broadcasts", "outreach_breadth"]]
             posts  replies  broadcasts  outreach_breadth
    account
    ann          3        1           2                 1
    bob          1        0           0                 0
    >>> c["reply_share"].tolist()  # ann 1 / (1 + 2); bob 0 / 0
    [0.3333333333333333, nan]
    >>> follows = pd.DataFrame({"source": ["ann", "ann"], "target": ["bob", "cat"]})
    >>> conversation_counts(posts, follows=follows)["followee_engagement"].tolist()  # ann 1/2
    [0.5, nan]
    """
    window = _window(start, end)
    include_direct = _check_bool(include_direct, "include_direct")
    include_self = _check_bool(include_self, "include_self")
    prepared_posts = _prepare_posts(posts)
    prepared_interactions = None if interactions is None else _prepare_interactions(interactions)
    prepared_follows = None if follows is None else _prepare_follows(follows)
    enc = _encode_tables(prepared_posts, prepared_interactions, prepared_follows, [])
    arrays = _post_arrays(enc, window, include_direct, include_self)
    _log_exclusions(enc, window, include_direct, "conversation_counts")
    present = np.zeros(len(enc.ids), dtype=bool)
    present[enc.posts.author] = True  # type: ignore[union-attr]
    present[enc.interactions.actor] = True  # type: ignore[union-attr]
    rows = np.flatnonzero(present)
    columns = list(CONVERSATION_COLUMNS)
    if follows is not None:
        columns.append("followee_engagement")
    return _frame(arrays, rows, enc.ids[rows], columns)


# =========================================================================== ego_metrics
def _ego_extras(
    enc: _Encoded, ego_code: int, window: _Window, include_direct: bool
) -> dict[str, float]:
    """The ego-only columns (interlocutors, concentration, amplification, mentions)."""
    actor, target, kind = _kept_interactions(enc, window, include_direct, include_self=True)
    mine = actor == ego_code
    target, kind = target[mine], kind[mine]
    others = target != ego_code
    k = _INTERACTION_KIND_CODE
    reply = (kind == k["reply"]) & others
    mention = (kind == k["mention"]) & others
    amplify = (kind == k["repost"]) | (kind == k["quote"])
    reply_counts = np.bincount(target[reply])
    reply_counts = reply_counts[reply_counts > 0]
    return {
        "interlocutors": _sorted_distinct(target[reply | mention]).shape[0],
        "outreach_gini": gini(reply_counts),
        "outreach_entropy": normalized_entropy(reply_counts),
        "amplified": int((amplify & others).sum()),
        "amplified_accounts": _sorted_distinct(target[amplify & others]).shape[0],
        "self_reposts": int((amplify & ~others).sum()),
        "mentions": int(mention.sum()),
    }


def _period_offset(freq: Any):
    from pandas.tseries.frequencies import to_offset

    try:
        offset = to_offset(freq)
        pd.Period("2026-01-01", freq=offset)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"freq must be a pandas offset alias that names calendar periods, such as 'QE' "
            f"(quarters), 'ME' (months), 'YE' (years), 'W' (weeks) or 'D' (days); got {freq!r}"
        ) from exc
    return offset


def ego_metrics(
    archive: Any,
    *,
    start: Any = None,
    end: Any = None,
    freq: str | None = None,
    include_direct: bool = False,
    loops: str = "drop",
    multi: str = "collapse",
) -> pd.DataFrame:
    """The archive owner's (ego's) relationship metrics, once or per calendar period.

    Parameters
    ----------
    archive : engagemetrics.Archive
        An archive with an ego.
    start, end : timestamp-like, optional
        The half-open window ``[start, end)`` in UTC (naive values and strings are taken
        as UTC). Filters posts and interactions; the follow table is a snapshot.
    freq : str, optional
        A pandas offset alias of calendar periods: ``"QE"`` quarters, ``"ME"`` months,
        ``"YE"`` years, ``"W"`` weeks, ``"D"`` days. Periods are UTC calendar periods cut
        by the window.
    include_direct : bool
        Count direct messages. Default False (they are private).
    loops, multi : str
        Conventions of the follow counts, as in
        :func:`engagemetrics.metrics.reciprocity.follow_counts`: self-follows dropped,
        duplicate edges collapsed by default.

    Returns
    -------
    pandas.DataFrame
        Without ``freq``: one row, index ``[ego]`` named ``"account"``. With ``freq``:
        one row per period from the first to the last period with activity (an ego post
        or interaction) inside the window, every period in between present (zero counts
        where nothing happened); index a :class:`pandas.PeriodIndex` named ``"period"``
        (e.g. ``2026Q1``); no rows when there is no activity. Columns: those of
        :func:`engagemetrics.account_metrics` for the ego (``followers`` ... ``reciprocity_
        jaccard``, ``posts`` ... ``followee_engagement``) followed by:

        ======================= ======= ==================================================
        ``interlocutors``       int64   distinct other accounts the ego replied to or
                                        mentioned
        ``outreach_gini``       float64 :func:`gini` of the ego's reply counts across the
                                        accounts replied to
        ``outreach_entropy``    float64 :func:`normalized_entropy` of the same
        ``amplified``           int64   reposts + quotes of other accounts' posts
        ``amplified_accounts``  int64   distinct accounts amplified
        ``self_reposts``        int64   reposts + quotes of the ego's own posts
        ``mentions``            int64   mention interactions to other accounts
        ======================= ======= ==================================================

        The follow columns (``followers`` ... ``reciprocity_jaccard``) describe the
        follow snapshot and repeat on every period row.

    Raises
    ------
    NoEgoError
        If the archive has no ego (a platform dataset).
    InvalidArgumentError
        For an empty window or a ``freq`` that names no calendar period.

    Notes
    -----
    Definitions are METRICS.md sections 2 and 3; counts are 0 and ratios NaN when their
    denominator is 0. Self-interactions are excluded from every column except
    ``self_reposts`` (which counts them apart); ``outreach_gini`` and
    ``outreach_entropy`` are NaN in a period without replies to others, 0.0 and 1.0 with
    a single interlocutor (see :func:`gini`, :func:`normalized_entropy`).

    Examples
    --------
    >>> import engagemetrics as em
    >>> posts = pd.DataFrame({
    ...     "post_id": ["1", "2", "3", "4"], "author": "me",
    ...     "created_at": ["2026-01-05", "2026-01-06", "2026-07-01", "2026-07-02"],
    ...     "kind": ["reply", "reply", "post", "repost"],
    ...     "parent_author": ["ann", "ann", None, "bob"]})
    >>> follows = pd.DataFrame({"source": ["me", "ann"], "target": ["ann", "me"]})
    >>> a = em.Archive(follows=follows, posts=posts, ego="me")
    >>> q = ego_metrics(a, freq="QE")
    >>> q[["mutuals", "replies", "interlocutors", "amplified"]]
            mutuals  replies  interlocutors  amplified
    period
    2026Q1        1        2              1          0
    2026Q2        1        0              0          0
    2026Q3        1        0              0          1
    >>> ego_metrics(a)["outreach_gini"].tolist()  # one interlocutor: an equal split
    [0.0]
    """
    from ..archive import Archive

    if not isinstance(archive, Archive):
        raise InvalidArgumentError(
            f"ego_metrics expects an em.Archive with an ego, got {type(archive).__name__}; "
            "build one with em.Archive(follows, posts, ego='your id')"
        )
    if archive.ego is None:
        raise NoEgoError(
            "this archive has no ego (it is a platform dataset); pass ego= to em.Archive, "
            "or use em.account_metrics for every account"
        )
    window = _window(start, end)
    include_direct = _check_bool(include_direct, "include_direct")
    offset = None if freq is None else _period_offset(freq)
    ego = archive.ego

    from .accounts import _follow_columns  # the follow half of account_metrics

    # An archive's tables are canonical (these are no-ops) unless someone replaced one.
    posts = _prepare_posts(archive.posts)
    interactions = _prepare_interactions(archive.interactions)
    follows = _prepare_follows(archive.follows)
    enc = _encode_tables(
        posts[(posts["author"] == ego).to_numpy(dtype=bool, na_value=False)],
        interactions[(interactions["actor"] == ego).to_numpy(dtype=bool, na_value=False)],
        follows[(follows["source"] == ego).to_numpy(dtype=bool, na_value=False)],
        [pd.Series([ego], dtype=schema.ID_DTYPE)],
    )
    ego_code = int(enc.extra[0][0])
    follow_part = _follow_columns(follows, loops=loops, multi=multi, accounts=[ego])
    follow_row = follow_part.loc[ego]  # accounts=[ego] gives the ego a row in any case

    if offset is None:
        windows = [window]
        index = pd.Index(pd.array([ego], dtype=schema.ID_DTYPE), name="account")
    else:
        periods = _active_periods(enc, window, include_direct, offset)
        windows = [_cut(window, p) for p in periods]
        index = pd.PeriodIndex(periods, freq=offset, name="period") if periods else None
        if index is None:
            index = pd.PeriodIndex([], freq=offset, name="period")

    from .accounts import ACCOUNT_COLUMNS, FOLLOW_COLUMNS

    conv_columns = [*CONVERSATION_COLUMNS, "followee_engagement"]
    rows = []
    for w in windows:
        arrays = _post_arrays(enc, w, include_direct, include_self=False)
        row = {c: arrays[c][ego_code] for c in conv_columns}
        row.update(_ego_extras(enc, ego_code, w, include_direct))
        rows.append(row)
    result = pd.DataFrame(rows, columns=[*conv_columns, *EGO_EXTRA_COLUMNS], index=index)
    for col in FOLLOW_COLUMNS:
        result[col] = follow_row[col]  # the follow snapshot: the same on every period row
    result = result[[*ACCOUNT_COLUMNS, *EGO_EXTRA_COLUMNS]]
    return result.astype(_column_dtypes(result.columns))


def _active_periods(enc: _Encoded, window: _Window, include_direct: bool, offset: Any) -> list:
    """Every period from the first to the last with an ego post or interaction in the window."""
    stamps = []
    if enc.posts is not None:
        keep = window.mask(enc.posts.ns) & (include_direct | ~enc.posts.direct)
        stamps.append(enc.posts.ns[keep])
    if enc.interactions is not None:
        it = enc.interactions
        keep = window.mask(it.ns) & (it.ns != _NAT) & (include_direct | ~it.direct)
        stamps.append(it.ns[keep])
    ns = np.concatenate(stamps) if stamps else np.empty(0, dtype=np.int64)
    if ns.shape[0] == 0:
        return []
    first = pd.Timestamp(int(ns.min())).to_period(offset)
    last = pd.Timestamp(int(ns.max())).to_period(offset)
    return list(pd.period_range(first, last, freq=offset))


def _cut(window: _Window, period: pd.Period) -> _Window:
    lo = pd.Timestamp(period.start_time).tz_localize("UTC").as_unit("ns").value
    hi = pd.Timestamp((period + 1).start_time).tz_localize("UTC").as_unit("ns").value
    if window.lo is not None:
        lo = max(lo, window.lo)
    if window.hi is not None:
        hi = min(hi, window.hi)
    return _Window(lo, hi)
