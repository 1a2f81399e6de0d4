"""Follow and account metrics written once on narwhals: Polars, DuckDB, PySpark (and pandas).

The pandas functions (:func:`engagemetrics.reciprocity`, :func:`engagemetrics.account_metrics`,
...) run a sort-based numpy fast path on pandas input and hand any other dataframe to the
functions here. These compute with narwhals expressions only (``group_by``/``agg``, joins,
filters), so the same code runs eagerly on pandas and Polars, lazily on a Polars ``LazyFrame``,
beyond memory on a DuckDB relation and on a cluster on a PySpark ``DataFrame``. The caller gets
back the kind of frame it passed in (lazy stays lazy); scalar metrics return Python numbers.

Conventions are those of ``METRICS.md`` section 2 and of the pandas functions, keyword for
keyword: ``loops`` is ``"drop"`` (default), ``"mutual"`` or ``"unreciprocated"``; ``multi`` is
``"collapse"`` (default) or ``"keep"``. Under ``multi="keep"``, ``k`` copies of ``u -> v`` and
``m`` copies of ``v -> u`` make ``2 min(k, m)`` reciprocated arcs (igraph's and networkx's
count), followers and following count copies, and mutuals count distinct accounts.

Differences from the pandas path, by nature of lazy engines:

- a missing ratio is a *null* on Polars, DuckDB and PySpark (``NaN`` on pandas);
- rows are sorted by ``account``, but a lazy engine only keeps that order when it is asked
  to (DuckDB and Spark do for a final ``ORDER BY``);
- nothing is collected except the scalar results; no data-quality ledger is produced (the
  pandas path counts dropped loops and duplicates; here they follow the keywords silently,
  as documented);
- ``accounts=`` takes a sequence of ids, or a one-column frame of the same kind as
  ``follows`` (required for DuckDB, whose relations cannot be combined across connections).
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import warnings
from collections.abc import Iterable
from typing import Any

import narwhals.stable.v2 as nw

from ..exceptions import (
    ColumnTypeError,
    DataQualityWarning,
    InvalidArgumentError,
    MissingColumnsError,
    UnsupportedBackendError,
)
from .accounts import FOLLOW_COUNT_COLUMNS, FOLLOW_RATE_COLUMNS
from .conversation import CONVERSATION_COLUMNS, POST_COUNT_COLUMNS

__all__ = [
    "FOLLOW_COLUMNS",
    "POST_COLUMNS",
    "account_metrics_nw",
    "dyad_census_nw",
    "follow_counts_nw",
    "is_narwhals_native",
    "period_counts_nw",
    "reciprocity_nw",
    "reciprocity_rho_nw",
]

logger = logging.getLogger("engagemetrics")

LOOPS = ("drop", "mutual", "unreciprocated")
MULTI = ("collapse", "keep")
UNITS = ("arcs", "pairs")

# The output columns are the pandas path's, named once (accounts.py, conversation.py).
FOLLOW_COLUMNS = FOLLOW_COUNT_COLUMNS
RATE_COLUMNS = FOLLOW_RATE_COLUMNS
POST_COLUMNS = (*CONVERSATION_COLUMNS, "followee_engagement")
ENGAGEMENT_KINDS = ("reply", "mention", "repost", "quote")

# pandas offset aliases people use for audits -> narwhals ``dt.truncate`` intervals.
_FREQ_ALIASES = {
    "D": "1d",
    "MS": "1mo",
    "ME": "1mo",
    "M": "1mo",
    "QS": "1q",
    "QE": "1q",
    "Q": "1q",
    "YS": "1y",
    "YE": "1y",
    "Y": "1y",
}

# Internal column names that cannot clash with a user's columns.
_LO = "__em_low"  # the smaller id of an unordered pair {u, v} (u == v for a self-follow)
_HI = "__em_high"
_F = "__em_forward"  # copies of low -> high (a self-follow counts here)
_B = "__em_backward"  # copies of high -> low
_LOOP = "__em_loop"
_MUT = "__em_mutual"
_FOLLOWEES = "__em_followees"  # distinct other accounts followed
_ENGAGED = "__em_engaged"
_SIDE = "__em_side"

Frame = Any  # nw.DataFrame[Any] | nw.LazyFrame[Any]


# --------------------------------------------------------------------------- helpers
def is_narwhals_native(data: Any) -> bool:
    """Whether ``data`` is a dataframe that narwhals can wrap (pandas, Polars, DuckDB, Spark...).

    Examples
    --------
    >>> import polars as pl
    >>> is_narwhals_native(pl.DataFrame({"a": [1]})), is_narwhals_native([1, 2])
    (True, False)
    """
    try:
        nw.from_native(data)
    except TypeError:
        return False
    return True


def _wrap(data: Any, table: str, required: Iterable[str]) -> Frame:
    """``nw.from_native`` with our errors: unsupported kind, or missing columns."""
    try:
        frame = nw.from_native(data)
    except TypeError as err:
        raise UnsupportedBackendError(
            f"the {table} table must be a dataframe that narwhals supports (pandas, Polars "
            f"DataFrame or LazyFrame, DuckDB relation, PySpark DataFrame), but it is a "
            f"{type(data).__module__}.{type(data).__name__}; convert it to one of these first"
        ) from err
    found = _columns(frame)
    missing = [name for name in required if name not in found]
    if missing:
        raise MissingColumnsError(table, missing, found)
    return frame


def _columns(frame: Frame) -> list[str]:
    if isinstance(frame, nw.LazyFrame):
        return list(frame.collect_schema().names())
    return list(frame.columns)


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InvalidArgumentError(f"{name} must be one of {choices!r}, got {value!r}")


def _collect_row(frame: Frame) -> dict[str, Any]:
    """The single row of a tiny aggregate frame as a dict of Python values."""
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    names = frame.columns
    values = frame.rows()[0]
    return dict(zip(names, values, strict=True))


def _int(value: Any) -> int:
    """A count from an aggregate (an empty sum is null on SQL engines)."""
    if value is None:
        return 0
    if isinstance(value, float) and math.isnan(value):
        return 0
    return int(value)


def _pair_table(follows: Frame, *, loops: str, multi: str) -> Frame:
    """One row per unordered pair ``{low, high}`` of the follow table, with its arc counts.

    ``_F`` counts the copies of ``low -> high`` and ``_B`` those of ``high -> low`` (0/1 under
    ``multi="collapse"``); a self-follow is the pair ``{u, u}`` with its copies in ``_F``
    (set to 0 under ``loops="drop"``, the row kept so that its account still has a row).
    One aggregation gives every count: no self-join, which lazy engines without common
    subplan elimination (DuckDB, Spark) would run more than once.
    """
    edges = follows.select("source", "target").drop_nulls()
    source, target = nw.col("source"), nw.col("target")
    forward = source <= target
    one, zero = nw.lit(1), nw.lit(0)
    rows = edges.select(
        nw.when(forward).then(source).otherwise(target).alias(_LO),
        nw.when(forward).then(target).otherwise(source).alias(_HI),
        nw.when(forward).then(one).otherwise(zero).cast(nw.Int64).alias(_F),
        nw.when(forward).then(zero).otherwise(one).cast(nw.Int64).alias(_B),
    )
    if multi == "collapse":
        pairs = rows.group_by(_LO, _HI).agg(nw.col(_F).max(), nw.col(_B).max())
    else:
        pairs = rows.group_by(_LO, _HI).agg(nw.col(_F).sum(), nw.col(_B).sum())
    # SQL engines widen sums (DuckDB: HUGEINT); every count is int64 from here on.
    pairs = pairs.with_columns(nw.col(_F).cast(nw.Int64), nw.col(_B).cast(nw.Int64))
    is_loop = nw.col(_LO) == nw.col(_HI)
    if loops == "drop":
        pairs = pairs.with_columns(
            nw.when(is_loop).then(nw.lit(0)).otherwise(nw.col(_F)).cast(nw.Int64).alias(_F)
        )
    mutual = (nw.col(_F) > 0) & (nw.col(_B) > 0) & ~is_loop
    return pairs.with_columns(is_loop.alias(_LOOP), mutual.alias(_MUT))


def _as_int(condition: Any) -> Any:
    return nw.when(condition).then(nw.lit(1)).otherwise(nw.lit(0)).cast(nw.Int64)


def _ids_like(frame: Frame, ids: Any, dtype: Any) -> Frame:
    """A one-column frame ``account`` of the same backend as ``frame`` holding ``ids``."""
    if is_narwhals_native(ids):
        given = nw.from_native(ids)
        names = _columns(given)
        name = next((n for n in ("account", "account_id") if n in names), None)
        if name is None and len(names) == 1:
            name = names[0]
        if name is None:
            raise MissingColumnsError(
                "accounts",
                ["account_id"],
                names,
                hint="pass a one-column frame, or one with an 'account_id' or 'account' column",
            )
        if given.implementation == frame.implementation:
            given = given.select(nw.col(name).cast(dtype).alias("account"))
            if isinstance(frame, nw.LazyFrame) and not isinstance(given, nw.LazyFrame):
                given = given.lazy()
            return given
        if isinstance(given, nw.LazyFrame):
            raise UnsupportedBackendError(
                f"accounts is a lazy {given.implementation} frame but follows is a "
                f"{frame.implementation} frame; pass accounts on the same engine, or as a list"
            )
        ids = given.get_column(name).to_list()  # an eager frame of another kind: its values
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise InvalidArgumentError(
            f"accounts must be a sequence of account ids or a one-column frame, got {ids!r}"
        )
    values = list(ids)
    implementation = frame.implementation
    if isinstance(frame, nw.DataFrame):
        made = nw.from_dict({"account": values}, backend=implementation)
    else:
        eager = nw.from_dict({"account": values}, backend="pyarrow")
        if implementation.is_polars():
            made = eager.lazy(backend="polars")
        elif implementation.is_pyspark() or implementation.is_spark_like():
            session = frame.to_native().sparkSession
            made = eager.lazy(backend=implementation, session=session)
        else:
            raise InvalidArgumentError(
                f"on a {implementation} lazy frame, accounts must be a frame of the same kind "
                "(e.g. a DuckDB relation from the same connection as follows), not a list: "
                "relations of different connections cannot be joined"
            )
    return made.select(nw.col("account").cast(dtype))


def _account_universe(parts: list[Frame]) -> Frame:
    """The distinct ``account`` values of several one-column frames."""
    if len(parts) == 1:
        return parts[0]
    return nw.concat(parts, how="vertical").drop_nulls().unique()


def _schema(frame: Frame) -> Any:
    return frame.collect_schema() if isinstance(frame, nw.LazyFrame) else frame.schema


def _finish(frame: Frame) -> Any:
    return frame.sort("account").to_native()


def _ratio(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator``, missing where the denominator is 0 (never inf)."""
    return nw.when(denominator > 0).then(numerator / denominator)


def _node_counts(
    follows: Frame, *, loops: str, multi: str, accounts: Any, followees: bool = False
) -> Frame:
    """``account, followers, following, mutuals`` (and ``_FOLLOWEES``) of every account."""
    pairs = _pair_table(follows, loops=loops, multi=multi)
    forward, backward = nw.col(_F), nw.col(_B)
    loop, mutual = nw.col(_LOOP), nw.col(_MUT)
    # networkx's node level: u in pred(u) & succ(u) once u follows itself (counted once).
    own_mutual = (mutual | (loop & (forward > 0))) if loops == "mutual" else mutual
    # Each pair row counts for both of its accounts. A cross join with two rows (cut from
    # the input itself, so it lives on the same engine, connection or session) reads the
    # pair table once; a concat of two selections would aggregate it twice on engines
    # without common subplan elimination (DuckDB, Spark).
    edges = follows.select("source")
    sides = nw.concat(
        [
            edges.head(1).select(nw.lit(0).cast(nw.Int64).alias(_SIDE)),
            edges.head(1).select(nw.lit(1).cast(nw.Int64).alias(_SIDE)),
        ],
        how="vertical",
    )
    low = nw.col(_SIDE) == 0
    columns = [
        nw.when(low).then(nw.col(_LO)).otherwise(nw.col(_HI)).alias("account"),
        nw.when(low).then(backward).otherwise(forward).alias("followers"),
        nw.when(low).then(forward).otherwise(backward).alias("following"),
        _as_int(nw.when(low).then(own_mutual).otherwise(mutual)).alias("mutuals"),
    ]
    names = list(FOLLOW_COLUMNS)
    if followees:
        followed = nw.when(low).then(forward).otherwise(backward)
        columns.append(_as_int(~loop & (followed > 0)).alias(_FOLLOWEES))
        names.append(_FOLLOWEES)
    parts = [pairs.join(sides, how="cross").select(*columns)]
    if accounts is not None:
        dtype = _schema(follows)["source"]
        extra = _ids_like(follows, accounts, dtype)
        parts.append(extra.select("account", *(nw.lit(0).cast(nw.Int64).alias(n) for n in names)))
    rows = nw.concat(parts, how="vertical")
    counts = rows.group_by("account").agg(nw.col(name).sum() for name in names)
    return counts.with_columns(nw.col(name).cast(nw.Int64) for name in names)


def _validate_follow_options(loops: str, multi: str) -> None:
    _check_choice("loops", loops, LOOPS)
    _check_choice("multi", multi, MULTI)


# --------------------------------------------------------------------------- follow metrics
def follow_counts_nw(
    follows: Any, *, loops: str = "drop", multi: str = "collapse", accounts: Any = None
) -> Any:
    """Followers, following and mutuals of every account, on any narwhals-supported frame.

    Parameters
    ----------
    follows : pandas, Polars (eager or lazy), DuckDB or PySpark frame
        Columns ``source`` (follows) ``target``; ids of any comparable type.
    loops : {"drop", "mutual", "unreciprocated"}
        Self-follows: dropped; counted as follower, following and mutual; or counted as
        follower and following but never mutual.
    multi : {"collapse", "keep"}
        Duplicate edges collapsed, or counted as copies (followers and following count copies;
        mutuals always count distinct accounts).
    accounts : sequence or frame, optional
        Extra accounts (isolates) that get a row of zeros.

    Returns
    -------
    frame of the same kind as ``follows``
        Columns ``account``, ``followers``, ``following``, ``mutuals`` (int64), one row per
        account, sorted by ``account``.

    Raises
    ------
    UnsupportedBackendError
        ``follows`` is not a dataframe.
    MissingColumnsError
        ``source`` or ``target`` is missing.
    InvalidArgumentError
        A keyword is outside its choices.

    Examples
    --------
    >>> import polars as pl
    >>> follows = pl.DataFrame({"source": [1, 2, 1, 3], "target": [2, 1, 3, 3]})
    >>> follow_counts_nw(follows).rows()
    [(1, 1, 2, 1), (2, 1, 1, 1), (3, 1, 0, 0)]
    """
    _validate_follow_options(loops, multi)
    frame = _wrap(follows, "follows", ["source", "target"])
    return _finish(_node_counts(frame, loops=loops, multi=multi, accounts=accounts))


def _graph_counts(frame: Frame, *, loops: str, multi: str) -> dict[str, int]:
    pairs = _pair_table(frame, loops=loops, multi=multi)
    forward, backward = nw.col(_F), nw.col(_B)
    loop, mutual = nw.col(_LOOP), nw.col(_MUT)
    # k copies of u->v and m of v->u: 2 min(k, m) reciprocated arcs (igraph, networkx)
    pair_reciprocated = 2 * nw.when(forward < backward).then(forward).otherwise(backward)
    loop_reciprocated = forward if loops == "mutual" else nw.lit(0)
    row = _collect_row(
        pairs.select(
            (forward + backward).sum().cast(nw.Int64).alias("arcs"),
            nw.when(loop)
            .then(loop_reciprocated)
            .otherwise(pair_reciprocated)
            .cast(nw.Int64)
            .sum()
            .alias("reciprocated"),
            _as_int(mutual).sum().alias("mutual_pairs"),
            _as_int(~loop & ~mutual).sum().alias("asymmetric"),
            nw.len().alias("pairs"),
        )
    )
    return {name: _int(value) for name, value in row.items()}


def reciprocity_nw(
    follows: Any, *, unit: str = "arcs", loops: str = "drop", multi: str = "collapse"
) -> float:
    """Graph reciprocity of a follow graph held in any narwhals-supported frame.

    Parameters
    ----------
    follows : pandas, Polars, DuckDB or PySpark frame
        Columns ``source``, ``target``.
    unit : {"arcs", "pairs"}
        ``"arcs"``: reciprocated arcs / arcs (Newman's r, ``networkx.overall_reciprocity``);
        ``"pairs"``: M / (M + A) with M = reciprocated arcs / 2 (igraph ``mode="ratio"``).
    loops, multi : str
        As in :func:`follow_counts_nw`; a kept loop is an arc, reciprocated under
        ``loops="mutual"`` (igraph) and not under ``"unreciprocated"`` (networkx).

    Returns
    -------
    float
        NaN (with a :class:`DataQualityWarning`) when no arc is left.

    Examples
    --------
    >>> import polars as pl
    >>> follows = pl.LazyFrame({"source": ["A", "B", "A"], "target": ["B", "A", "C"]})
    >>> round(reciprocity_nw(follows), 3), reciprocity_nw(follows, unit="pairs")
    (0.667, 0.5)
    """
    _check_choice("unit", unit, UNITS)
    _validate_follow_options(loops, multi)
    frame = _wrap(follows, "follows", ["source", "target"])
    counts = _graph_counts(frame, loops=loops, multi=multi)
    return _reciprocity_from(counts, unit)


def _reciprocity_from(counts: dict[str, int], unit: str) -> float:
    arcs, reciprocated = counts["arcs"], counts["reciprocated"]
    if arcs == 0:
        warnings.warn(
            "reciprocity is undefined: the follow graph has no arc (after the loops/multi "
            "conventions); returning NaN",
            DataQualityWarning,
            stacklevel=3,
        )
        return math.nan
    if unit == "arcs":
        return reciprocated / arcs
    mutual_pairs = reciprocated / 2
    return mutual_pairs / (mutual_pairs + arcs - reciprocated)


def _n_accounts(follows: Frame, accounts: Any) -> int:
    """Accounts of the graph: every id of an edge (a self-follow included) and ``accounts``."""
    ids = follows.select("source", "target").drop_nulls()
    parts = [
        ids.select(nw.col("source").alias("account")),
        ids.select(nw.col("target").alias("account")),
    ]
    if accounts is not None:
        parts.append(_ids_like(follows, accounts, _schema(follows)["source"]))
    universe = _account_universe(parts)
    return _int(_collect_row(universe.select(nw.len().alias("n")))["n"])


def reciprocity_rho_nw(
    follows: Any, *, loops: str = "drop", multi: str = "collapse", accounts: Any = None
) -> float:
    """Garlaschelli-Loffredo density-corrected reciprocity on any narwhals-supported frame.

    ``rho = (r - a) / (1 - a)`` with ``r`` the arc reciprocity and ``a = L / (n (n - 1))``;
    ``n`` counts every account of ``follows`` (a self-follow included) plus ``accounts``.

    Parameters
    ----------
    follows : pandas, Polars, DuckDB or PySpark frame
        Columns ``source``, ``target``.
    loops, multi : str
        As in :func:`reciprocity_nw`.
    accounts : sequence or frame, optional
        Extra (isolated) accounts counted in ``n``.

    Returns
    -------
    float
        NaN with a :class:`DataQualityWarning` when undefined (no arc, fewer than two
        accounts, or a complete graph).

    Examples
    --------
    >>> import polars as pl
    >>> follows = pl.DataFrame({"source": ["A", "B", "A", "D"], "target": ["B", "A", "C", "D"]})
    >>> round(reciprocity_rho_nw(follows), 3), round(reciprocity_rho_nw(follows, accounts=["E"]), 3)
    (0.556, 0.608)
    """
    _validate_follow_options(loops, multi)
    frame = _wrap(follows, "follows", ["source", "target"])
    counts = _graph_counts(frame, loops=loops, multi=multi)
    n = _n_accounts(frame, accounts)
    if counts["arcs"] == 0 or n < 2:
        warnings.warn(
            f"reciprocity rho is undefined for {counts['arcs']} arcs among {n} accounts; "
            "returning NaN",
            DataQualityWarning,
            stacklevel=2,
        )
        return math.nan
    r = counts["reciprocated"] / counts["arcs"]
    density = counts["arcs"] / (n * (n - 1))
    if density >= 1:
        warnings.warn(
            "reciprocity rho is undefined for a complete graph (density 1); returning NaN",
            DataQualityWarning,
            stacklevel=2,
        )
        return math.nan
    return (r - density) / (1 - density)


def dyad_census_nw(follows: Any, *, multi: str = "collapse", accounts: Any = None) -> Any:
    """Mutual, asymmetric and null dyads of a follow graph on any narwhals-supported frame.

    Self-follows are never dyads; duplicate edges never change a dyad's state.

    Parameters
    ----------
    follows : pandas, Polars, DuckDB or PySpark frame
        Columns ``source``, ``target``.
    multi : {"collapse", "keep"}
        Accepted for symmetry with the other functions; it does not change the census.
    accounts : sequence or frame, optional
        Extra (isolated) accounts counted in the null dyads.

    Returns
    -------
    DyadCensus
        ``(mutual, asymmetric, null)`` as ints, ``null = n(n-1)/2 - mutual - asymmetric``
        (the named tuple of :func:`engagemetrics.dyad_census`).

    Examples
    --------
    >>> import polars as pl
    >>> follows = pl.DataFrame({"source": ["A", "B", "A"], "target": ["B", "A", "C"]})
    >>> dyad_census_nw(follows, accounts=["E"])
    DyadCensus(mutual=1, asymmetric=1, null=4)
    """
    _check_choice("multi", multi, MULTI)
    frame = _wrap(follows, "follows", ["source", "target"])
    counts = _graph_counts(frame, loops="drop", multi="collapse")
    n = _n_accounts(frame, accounts)
    mutual = counts["mutual_pairs"]
    asymmetric = counts["asymmetric"]
    from .reciprocity import DyadCensus  # imported here: reciprocity imports this module lazily

    return DyadCensus(mutual, asymmetric, n * (n - 1) // 2 - mutual - asymmetric)


# --------------------------------------------------------------------------- account metrics
def _same_backend(base: Frame, other: Frame, table: str) -> Frame:
    """``other`` on ``base``'s engine (an eager frame is made lazy when ``base`` is lazy)."""
    if other.implementation != base.implementation:
        raise UnsupportedBackendError(
            f"the {table} table is a {other.implementation} frame but follows is a "
            f"{base.implementation} frame; pass every table on the same engine (e.g. "
            "duckdb.from_arrow(...) or spark.createDataFrame(...) for each of them)"
        )
    if isinstance(base, nw.LazyFrame) and not isinstance(other, nw.LazyFrame):
        return other.lazy()
    if isinstance(other, nw.LazyFrame) and not isinstance(base, nw.LazyFrame):
        return other.collect()
    return other


def _check_id_types(*columns: tuple[Frame, str, str]) -> None:
    """Ids compared across tables must share a type (an int never equals its text)."""
    seen: list[tuple[str, str, Any]] = []
    for frame, table, column in columns:
        seen.append((table, column, _schema(frame)[column]))
    kinds = {_id_kind(dtype) for _, _, dtype in seen}
    if len(kinds) > 1:
        found = ", ".join(f"{table}.{column}: {dtype}" for table, column, dtype in seen)
        raise ColumnTypeError(
            f"account ids must have one type in every table, found {found}; cast them to the "
            "same type (e.g. all strings) before calling"
        )


def _id_kind(dtype: Any) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum:
        return "text"
    return str(dtype)


def _window_bounds(start: Any, end: Any) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    """UTC ``datetime`` bounds of the half-open window (parsed as the pandas path does)."""
    from .conversation import _window  # validation and messages shared with the pandas path

    window = _window(start, end)
    return tuple(  # type: ignore[return-value]
        None
        if value is None
        else _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(microseconds=value // 1000)
        for value in (window.lo, window.hi)
    )


def _kept(
    frame: Frame,
    bounds: tuple[_dt.datetime | None, _dt.datetime | None],
    *,
    include_direct: bool,
    columns: list[str],
) -> Frame:
    """Rows dated inside the window (an undated row is outside any bounded window), not direct."""
    conditions = []
    lo, hi = bounds
    if lo is not None or hi is not None:
        if "created_at" not in columns:
            return frame.head(0)
        if lo is not None:
            conditions.append(nw.col("created_at") >= lo)
        if hi is not None:
            conditions.append(nw.col("created_at") < hi)
        conditions.append(~nw.col("created_at").is_null())
    if not include_direct and "visibility" in columns:
        visibility = nw.col("visibility").cast(nw.String)
        conditions.append(visibility.is_null() | (visibility != "direct"))
    return frame.filter(*conditions) if conditions else frame


def _flag(condition: Any, name: str) -> Any:
    return nw.when(condition).then(nw.lit(1)).otherwise(nw.lit(0)).cast(nw.Int64).alias(name)


def _post_counts(posts: Frame, columns: list[str], bounds: Any, include_direct: bool) -> Frame:
    kind = nw.col("kind").cast(nw.String)
    kept = _kept(posts, bounds, include_direct=include_direct, columns=columns)
    kept = kept.filter(kind.is_in(["post", "reply", "thread", "repost", "quote"]))
    flags = kept.select(
        nw.col("author").alias("account"),
        _flag(nw.lit(True), "posts"),
        _flag(kind == "reply", "replies"),
        _flag(kind.is_in(["post", "thread"]), "broadcasts"),
        _flag(kind == "thread", "threads"),
        _flag(kind == "repost", "reposts"),
        _flag(kind == "quote", "quotes"),
    )
    return flags.group_by("account").agg(nw.col(name).sum() for name in POST_COUNT_COLUMNS)


def _interactions_of(posts: Frame, columns: list[str]) -> tuple[Frame, list[str]]:
    """Reply (thread -> reply), repost and quote interactions of posts, to the parent author."""
    kind = nw.col("kind").cast(nw.String)
    keep = ["created_at"] + (["visibility"] if "visibility" in columns else [])
    if "parent_author" not in columns:
        derived = posts.head(0)
        parent = nw.col("author")
    else:
        derived = posts.filter(
            ~nw.col("parent_author").is_null(), kind.is_in(["reply", "thread", "repost", "quote"])
        )
        parent = nw.col("parent_author")
    derived = derived.select(
        nw.col("author").alias("actor"),
        parent.alias("target"),
        nw.when(kind == "thread").then(nw.lit("reply")).otherwise(kind).alias("kind"),
        *keep,
    )
    return derived, ["actor", "target", "kind", *keep]


def account_metrics_nw(
    follows: Any,
    posts: Any = None,
    *,
    interactions: Any = None,
    start: Any = None,
    end: Any = None,
    loops: str = "drop",
    multi: str = "collapse",
    accounts: Any = None,
    include_direct: bool = False,
    include_self: bool = False,
) -> Any:
    """Follow reciprocity and conversation of every account, on any narwhals-supported frame.

    The same numbers as :func:`engagemetrics.account_metrics`, computed by the engine that
    holds the data (Polars, DuckDB, PySpark; pandas too) with narwhals expressions only.

    Parameters
    ----------
    follows : pandas, Polars (eager or lazy), DuckDB or PySpark frame
        ``source`` follows ``target``: a snapshot, never filtered by the window.
    posts : frame of the same engine, optional
        ``author``, ``created_at`` (UTC timestamps), ``kind`` (one of ``post``, ``reply``,
        ``thread``, ``repost``, ``quote``, lower case; other values are not counted),
        optional ``parent_author`` and ``visibility``. Without it only the follow columns
        are returned.
    interactions : frame of the same engine, optional
        ``actor``, ``target``, ``kind`` (``reply``, ``mention``, ``repost``, ``quote``,
        ``like``), optional ``created_at`` and ``visibility``. Default: derived from
        ``posts`` (a reply or thread to its parent author, a repost or quote to the
        original author).
    start, end : timestamp-like, optional
        Half-open window ``[start, end)`` in UTC (naive values and strings taken as UTC),
        applied to posts and interactions with microsecond precision.
    loops, multi : str
        Follow conventions, as in :func:`follow_counts_nw`.
    accounts : sequence or frame, optional
        Accounts that get a row even when no table mentions them.
    include_direct : bool
        Count direct messages (``visibility == "direct"``). Default False.
    include_self : bool
        Count self-interactions in ``outreach_breadth``. Default False.

    Returns
    -------
    frame of the same kind as ``follows``
        ``account`` and the columns of :func:`engagemetrics.account_metrics`, in its order:
        int64 counts and float64 ratios (missing where the denominator is 0: NaN on pandas,
        null on the other engines). One row per account of ``follows``, author of a post,
        actor of an interaction (at any time) or one of ``accounts``, sorted by account.

    Raises
    ------
    UnsupportedBackendError
        A table is not a dataframe, or the tables are on different engines.
    MissingColumnsError
        A table lacks a required column.
    ColumnTypeError
        Account ids have different types in different tables (e.g. int and text).
    InvalidArgumentError
        An empty window, ``interactions`` without ``posts``, or a bad keyword.

    Notes
    -----
    Definitions and conventions are those of ``account_metrics`` (METRICS.md sections 2 and
    3). ``followee_engagement`` is the share of the *other* accounts u follows (distinct) that
    u replied to, mentioned, reposted or quoted in the window (never counting u itself); the
    lazy engines compute it with a semi-join of distinct (actor, target) pairs on the distinct
    follow pairs, so no order and no collect to pandas is needed.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> follows = pl.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]})
    >>> posts = pl.DataFrame({
    ...     "author": ["a", "d"], "kind": ["reply", "post"], "parent_author": ["b", None],
    ...     "created_at": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)] * 2})
    >>> m = account_metrics_nw(follows.lazy(), posts.lazy()).collect()
    >>> m.select("account", "following", "follow_back_rate", "replies", "followee_engagement").rows()
    [('a', 2, 0.5, 1, 0.5), ('b', 1, 1.0, 0, 0.0), ('c', 0, None, 0, None), ('d', 0, None, 0, None)]
    """
    from .conversation import _check_bool

    _validate_follow_options(loops, multi)
    include_direct = _check_bool(include_direct, "include_direct")
    include_self = _check_bool(include_self, "include_self")
    bounds = _window_bounds(start, end)
    if posts is None and interactions is not None:
        raise InvalidArgumentError(
            "interactions= was given without posts=; the conversation columns need the posts "
            "table (pass posts=, or leave interactions out for the follow columns only)"
        )
    base = _wrap(follows, "follows", ["source", "target"])
    follow_part = _node_counts(
        base, loops=loops, multi=multi, accounts=accounts, followees=posts is not None
    )
    follow_rates = _follow_rate_exprs()
    if posts is None:
        return _finish(follow_part.with_columns(*follow_rates))

    post_frame = _same_backend(
        base, _wrap(posts, "posts", ["author", "created_at", "kind"]), "posts"
    )
    post_columns = _columns(post_frame)
    # As the pandas path's schema validation: a post without author, time or kind is not taken.
    post_frame = post_frame.filter(
        ~nw.col("author").is_null(), ~nw.col("created_at").is_null(), ~nw.col("kind").is_null()
    )
    if interactions is None:
        acts, act_columns = _interactions_of(post_frame, post_columns)
    else:
        acts = _same_backend(
            base, _wrap(interactions, "interactions", ["actor", "target", "kind"]), "interactions"
        )
        act_columns = _columns(acts)
    _check_id_types(
        (base, "follows", "source"),
        (base, "follows", "target"),
        (post_frame, "posts", "author"),
        *([(post_frame, "posts", "parent_author")] if "parent_author" in post_columns else []),
        *(
            [(acts, "interactions", "actor"), (acts, "interactions", "target")]
            if interactions is not None
            else []
        ),
    )

    dtype = _schema(base)["source"]
    authors = post_frame.select(nw.col("author").cast(dtype).alias("account"))
    actors = acts.select(nw.col("actor").cast(dtype).alias("account"))
    universe = _account_universe([follow_part.select("account"), authors, actors])

    counts = _post_counts(post_frame, post_columns, bounds, include_direct)
    kept = _kept(acts, bounds, include_direct=include_direct, columns=act_columns)
    kind = nw.col("kind").cast(nw.String)
    kept = kept.select("actor", "target", kind.alias("kind"))
    not_self = nw.col("actor") != nw.col("target")
    outreach_acts = kept.filter(nw.col("kind") == "reply")
    if not include_self:
        outreach_acts = outreach_acts.filter(not_self)
    outreach = (
        outreach_acts.select("actor", "target")
        .unique()
        .group_by("actor")
        .agg(nw.len().alias("outreach_breadth"))
    )
    # A semi-join needs no distinct right side: the raw follow edges will do.
    followed = base.select("source", "target").filter(nw.col("source") != nw.col("target"))
    engaged = (
        kept.filter(nw.col("kind").is_in(list(ENGAGEMENT_KINDS)), not_self)
        .select(nw.col("actor").alias("source"), "target")
        .unique()
        .join(followed, on=["source", "target"], how="semi")
        .group_by("source")
        .agg(nw.len().alias(_ENGAGED))
    )

    table = (
        universe.join(follow_part, on="account", how="left")
        .join(counts, on="account", how="left")
        .join(outreach.rename({"actor": "account"}), on="account", how="left")
        .join(engaged.rename({"source": "account"}), on="account", how="left")
    )
    count_columns = [*FOLLOW_COLUMNS, *POST_COUNT_COLUMNS, "outreach_breadth", _FOLLOWEES]
    count_columns.append(_ENGAGED)
    table = table.with_columns(nw.col(name).fill_null(0).cast(nw.Int64) for name in count_columns)
    replies, broadcasts = nw.col("replies"), nw.col("broadcasts")
    table = table.with_columns(
        *follow_rates,
        _ratio(replies, broadcasts).cast(nw.Float64).alias("reply_to_broadcast_ratio"),
        _ratio(replies, replies + broadcasts).cast(nw.Float64).alias("reply_share"),
        _ratio(nw.col("threads"), nw.col("posts")).cast(nw.Float64).alias("thread_share"),
        _ratio(nw.col(_ENGAGED), nw.col(_FOLLOWEES)).cast(nw.Float64).alias("followee_engagement"),
    )
    return _finish(table.select("account", *FOLLOW_COLUMNS, *RATE_COLUMNS, *POST_COLUMNS))


def _follow_rate_exprs() -> list[Any]:
    followers, following, mutuals = nw.col("followers"), nw.col("following"), nw.col("mutuals")
    rates = {
        "follow_ratio": _ratio(followers, following),
        "follow_back_rate": _ratio(mutuals, following),
        "reciprocation_rate": _ratio(mutuals, followers),
        "reciprocity_dice": _ratio(2 * mutuals, followers + following),
        "reciprocity_jaccard": _ratio(mutuals, followers + following - mutuals),
    }
    return [expr.cast(nw.Float64).alias(name) for name, expr in rates.items()]


# --------------------------------------------------------------------------- per period
def _every(freq: str) -> str:
    every = _FREQ_ALIASES.get(freq, freq)
    digits = every.rstrip("dmoqy")
    unit = every[len(digits) :]
    if not (isinstance(freq, str) and digits.isdigit() and unit in ("d", "mo", "q", "y")):
        raise InvalidArgumentError(
            f"freq must name calendar periods: a pandas alias ({', '.join(_FREQ_ALIASES)}) or a "
            f"narwhals interval such as '1d', '1mo', '1q', '1y'; got {freq!r}"
        )
    return every


def period_counts_nw(
    posts: Any,
    *,
    freq: str = "QE",
    start: Any = None,
    end: Any = None,
    include_direct: bool = False,
) -> Any:
    """Per-account, per-period post counts and ratios, on any narwhals-supported frame.

    The per-period side of the conversation metrics (METRICS.md section 3, "computed per
    period"): one group-by on ``(account, period)``, so it runs on the engine that holds the
    posts, lazily when the frame is lazy.

    Parameters
    ----------
    posts : pandas, Polars (eager or lazy), DuckDB or PySpark frame
        ``author``, ``created_at`` (UTC timestamps), ``kind`` (``post``, ``reply``,
        ``thread``, ``repost``, ``quote``), optional ``visibility``.
    freq : str
        Calendar periods: a pandas alias (``"QE"``/``"QS"`` quarters, ``"ME"``/``"MS"``
        months, ``"YE"``/``"YS"`` years, ``"D"`` days) or a narwhals interval (``"1q"``,
        ``"2mo"``...). Weeks are not offered: their start day is a convention that engines
        do not share.
    start, end : timestamp-like, optional
        Half-open window ``[start, end)`` in UTC.
    include_direct : bool
        Count direct messages. Default False.

    Returns
    -------
    frame of the same kind as ``posts``
        ``account``, ``period`` (the first instant of the period, UTC), the int64 counts
        ``posts``, ``replies``, ``broadcasts``, ``threads``, ``reposts``, ``quotes`` and the
        float64 ratios ``reply_to_broadcast_ratio``, ``reply_share``, ``thread_share``
        (missing when the denominator is 0): one row per account and period in which it
        posted, sorted by account and period.

    Raises
    ------
    UnsupportedBackendError, MissingColumnsError, InvalidArgumentError
        As in :func:`account_metrics_nw`; InvalidArgumentError also for an unknown ``freq``.

    Notes
    -----
    A period is labelled by its first instant (pandas' ``"QE"`` labels the same quarter by
    its last day). Periods without a post have no row; their counts are 0.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> posts = pl.DataFrame({
    ...     "author": ["a", "a", "a"], "kind": ["post", "reply", "reply"],
    ...     "created_at": [dt.datetime(2026, m, 5, tzinfo=dt.UTC) for m in (1, 2, 4)]})
    >>> out = period_counts_nw(posts, freq="QE")
    >>> [(row[1].month, row[2], row[3]) for row in out.rows()]  # (quarter start, posts, replies)
    [(1, 2, 1), (4, 1, 1)]
    """
    from .conversation import _check_bool

    every = _every(freq)
    include_direct = _check_bool(include_direct, "include_direct")
    bounds = _window_bounds(start, end)
    frame = _wrap(posts, "posts", ["author", "created_at", "kind"])
    columns = _columns(frame)
    frame = frame.filter(
        ~nw.col("author").is_null(), ~nw.col("created_at").is_null(), ~nw.col("kind").is_null()
    )
    kept = _kept(frame, bounds, include_direct=include_direct, columns=columns)
    kind = nw.col("kind").cast(nw.String)
    kept = kept.filter(kind.is_in(["post", "reply", "thread", "repost", "quote"]))
    flags = kept.select(
        nw.col("author").alias("account"),
        nw.col("created_at").dt.truncate(every).alias("period"),
        _flag(nw.lit(True), "posts"),
        _flag(kind == "reply", "replies"),
        _flag(kind.is_in(["post", "thread"]), "broadcasts"),
        _flag(kind == "thread", "threads"),
        _flag(kind == "repost", "reposts"),
        _flag(kind == "quote", "quotes"),
    )
    counts = flags.group_by("account", "period").agg(
        nw.col(name).sum() for name in POST_COUNT_COLUMNS
    )
    counts = counts.with_columns(nw.col(name).cast(nw.Int64) for name in POST_COUNT_COLUMNS)
    replies, broadcasts = nw.col("replies"), nw.col("broadcasts")
    counts = counts.with_columns(
        _ratio(replies, broadcasts).cast(nw.Float64).alias("reply_to_broadcast_ratio"),
        _ratio(replies, replies + broadcasts).cast(nw.Float64).alias("reply_share"),
        _ratio(nw.col("threads"), nw.col("posts")).cast(nw.Float64).alias("thread_share"),
    )
    return counts.sort("account", "period").to_native()


# The public name (``em.period_counts``): the per-period aggregate runs on every engine,
# pandas included, so it has no separate pandas fast path to dispatch to.
period_counts = period_counts_nw
