"""The definitions as narwhals expressions: the same numbers on Polars, DuckDB and PySpark.

The public functions run a numpy fast path on pandas and hand frames of other engines to the
functions here. These compute with narwhals expressions only (``group_by``/``agg``, joins,
filters), so one code runs eagerly on Polars, lazily on a Polars ``LazyFrame``, beyond memory
on a DuckDB relation and on a cluster on a PySpark ``DataFrame``; the caller gets back the kind
of frame it passed (lazy stays lazy). Column names, formulas and conventions come from
:mod:`._definitions`, the same as the fast path's, and the result has the documented shape
(``account`` as the first column, counts Int64, ratios Float64, null where missing). They also
run on pandas frames, which :func:`finish` turns into the fast path's pandas shape.

By the nature of lazy engines, nothing is collected except scalar results, and no
data-quality ledger is produced (rows without the ids or times a metric needs are left out,
as the pandas path's validation does, but not counted).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from ..exceptions import (
    ColumnTypeError,
    InvalidArgumentError,
    MissingColumnsError,
    UnsupportedBackendError,
)
from ..schema import ID_DTYPE
from ._definitions import (
    CONVERSATION_COLUMNS,
    ENGAGEMENT_KINDS,
    FOLLOW_COUNT_COLUMNS,
    FOLLOW_RATES,
    INTERACTION_POST_COUNTS,
    POST_COUNT_COLUMNS,
    POST_COUNTS,
    POST_RATES,
    RECEIVED_COUNTS,
    GraphCounts,
    Ratio,
    is_count,
)
from ._prepare import Window

__all__ = [
    "account_table",
    "finish",
    "follow_table",
    "graph_counts",
    "n_accounts",
    "period_table",
    "ratio_expression",
]

Frame = Any  # nw.DataFrame[Any] | nw.LazyFrame[Any]

# Internal column names that cannot clash with a user's columns.
_LO = "__em_low"  # the smaller id of an unordered pair {u, v} (u == v for a self-follow)
_HI = "__em_high"
_F = "__em_forward"  # copies of low -> high (a self-follow counts here)
_B = "__em_backward"  # copies of high -> low
_LOOP = "__em_loop"
_LOOPS = "__em_loop_copies"  # a self-follow's copies under multi=, before loops=
_MUT = "__em_mutual"
_FOLLOWEES = "__em_followees"  # distinct other accounts followed
_ENGAGED = "__em_engaged"
_SIDE = "__em_side"
_POST_KINDS = tuple(POST_COUNTS["posts"])


# =========================================================================== frames
def wrap(data: Any, table: str, required: Iterable[str]) -> Frame:
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


def _schema(frame: Frame) -> Any:
    return frame.collect_schema() if isinstance(frame, nw.LazyFrame) else frame.schema


def _collect_row(frame: Frame) -> dict[str, Any]:
    """The single row of a tiny aggregate frame as a dict of Python values."""
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return dict(zip(frame.columns, frame.rows()[0], strict=True))


def _int(value: Any) -> int:
    """A count from an aggregate (an empty sum is null on SQL engines)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0
    return int(value)


def _with(frame: Frame, expressions: Iterable[Any]) -> Frame:
    """``frame.with_columns(*expressions)``, or ``frame`` when there are none (lazy engines
    refuse an empty ``with_columns``)."""
    expressions = list(expressions)
    return frame.with_columns(*expressions) if expressions else frame


def _as_int(condition: Any) -> Any:
    return nw.when(condition).then(nw.lit(1)).otherwise(nw.lit(0)).cast(nw.Int64)


def ratio_expression(ratio: Ratio) -> Any:
    """A :class:`~._definitions.Ratio` as a narwhals expression; null where the denominator
    is 0 (the fast path's NaN)."""
    numerator = sum((weight * nw.col(c) for c, weight in ratio.numerator), nw.lit(0))
    denominator = sum((weight * nw.col(c) for c, weight in ratio.denominator), nw.lit(0))
    return nw.when(denominator != 0).then(numerator / denominator).cast(nw.Float64)


def _same_engine(base: Frame, other: Frame, table: str) -> Frame:
    """``other`` on ``base``'s engine (an eager frame is made lazy when ``base`` is lazy)."""
    if other.implementation != base.implementation:
        raise UnsupportedBackendError(
            f"the {table} table is a {other.implementation} frame but the first table is a "
            f"{base.implementation} frame; pass every table on the same engine (e.g. "
            "duckdb.from_arrow(...) or spark.createDataFrame(...) for each of them)"
        )
    if isinstance(base, nw.LazyFrame) and not isinstance(other, nw.LazyFrame):
        return other.lazy()
    if isinstance(other, nw.LazyFrame) and not isinstance(base, nw.LazyFrame):
        return other.collect()
    return other


def _id_kind(dtype: Any) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype == nw.String or dtype == nw.Categorical or dtype == nw.Enum:
        return "text"
    return str(dtype)


def _check_id_types(*columns: tuple[Frame, str, str]) -> None:
    """Ids compared across tables must share a type (an int never equals its text)."""
    seen = [(table, column, _schema(frame)[column]) for frame, table, column in columns]
    if len({_id_kind(dtype) for _, _, dtype in seen}) > 1:
        found = ", ".join(f"{table}.{column}: {dtype}" for table, column, dtype in seen)
        raise ColumnTypeError(
            f"account ids must have one type in every table, found {found}; cast them to the "
            "same type (e.g. all strings) before calling"
        )


def finish(frame: Frame, columns: Iterable[str], *, index: Iterable[str] = ("account",)) -> Any:
    """The native frame in the documented shape: ``account`` first and sorted, counts Int64,
    ratios Float64; on pandas, the fast path's shape (``account`` the index, ``Int64`` counts,
    ``float64`` ratios)."""
    keys = list(index)
    columns = list(columns)
    frame = frame.select(*keys, *columns).sort(*keys)
    if not frame.implementation.is_pandas_like():
        return frame.with_columns(
            nw.col(c).cast(nw.Int64) if is_count(c) else nw.col(c).cast(nw.Float64)
            for c in columns
        ).to_native()
    native = frame.to_native()
    if pd.api.types.is_integer_dtype(native["account"].dtype):
        native = native.astype({"account": "int64"})
    else:  # text ids: the canonical id dtype
        native = native.astype({"account": ID_DTYPE})
    native = native.astype({c: "Int64" if is_count(c) else "float64" for c in columns})
    return native.set_index(keys if len(keys) > 1 else keys[0])


def _missing(columns: Iterable[str]) -> list[Any]:
    """Null columns (a float null on every engine; :func:`finish` gives counts their type)."""
    return [nw.lit(None).cast(nw.Float64).alias(c) for c in columns]


# =========================================================================== follows
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
    pairs = pairs.with_columns(
        is_loop.alias(_LOOP),
        nw.when(is_loop).then(nw.col(_F)).otherwise(nw.lit(0)).cast(nw.Int64).alias(_LOOPS),
    )
    if loops == "drop":
        pairs = pairs.with_columns(
            nw.when(nw.col(_LOOP)).then(nw.lit(0)).otherwise(nw.col(_F)).cast(nw.Int64).alias(_F)
        )
    mutual = (nw.col(_F) > 0) & (nw.col(_B) > 0) & ~nw.col(_LOOP)
    return pairs.with_columns(mutual.alias(_MUT))


def _ids_like(frame: Frame, ids: Any, dtype: Any) -> Frame:
    """A one-column frame ``account`` of the same engine as ``frame`` holding ``ids``."""
    try:
        given = nw.from_native(ids)
    except TypeError:
        given = None
    if given is not None:
        names = _columns(given)
        name: str | None = next((n for n in ("account", "account_id") if n in names), None)
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
    made: Frame
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


def _universe(parts: list[Frame]) -> Frame:
    """The distinct ``account`` values of several one-column frames."""
    if len(parts) == 1:
        return parts[0].unique()
    return nw.concat(parts, how="vertical").drop_nulls().unique()


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
    names = list(FOLLOW_COUNT_COLUMNS)
    if followees:
        followed = nw.when(low).then(forward).otherwise(backward)
        columns.append(_as_int(~loop & (followed > 0)).alias(_FOLLOWEES))
        names.append(_FOLLOWEES)
    parts = [pairs.join(sides, how="cross").select(*columns)]
    if accounts is not None:
        extra = _ids_like(follows, accounts, _schema(follows)["source"])
        parts.append(extra.select("account", *(nw.lit(0).cast(nw.Int64).alias(n) for n in names)))
    rows = nw.concat(parts, how="vertical")
    counts = rows.group_by("account").agg(nw.col(name).sum() for name in names)
    return counts.with_columns(nw.col(name).cast(nw.Int64) for name in names)


def follow_table(follows: Any, *, loops: str, multi: str, accounts: Any) -> Any:
    """``account`` and the follow counts of every account, in the documented shape."""
    frame = wrap(follows, "follows", ["source", "target"])
    counts = _node_counts(frame, loops=loops, multi=multi, accounts=accounts)
    return finish(counts, FOLLOW_COUNT_COLUMNS)


def graph_counts(follows: Any, *, loops: str, multi: str) -> GraphCounts:
    """The graph-level counts (:class:`~._definitions.GraphCounts`) on the engine."""
    frame = wrap(follows, "follows", ["source", "target"])
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
            nw.col(_LOOPS).sum().alias("loops"),
        )
    )
    return GraphCounts(
        _int(row["arcs"]),
        _int(row["reciprocated"]),
        _int(row["mutual_pairs"]),
        _int(row["asymmetric"]),
        _int(row["loops"]),
    )


def n_accounts(follows: Any, accounts: Any) -> int:
    """Accounts of the graph: every id of an edge (a self-follow included) and ``accounts``."""
    frame = wrap(follows, "follows", ["source", "target"])
    ids = frame.select("source", "target").drop_nulls()
    parts = [
        ids.select(nw.col("source").alias("account")),
        ids.select(nw.col("target").alias("account")),
    ]
    if accounts is not None:
        parts.append(_ids_like(frame, accounts, _schema(frame)["source"]))
    return _int(_collect_row(_universe(parts).select(nw.len().alias("n")))["n"])


# =========================================================================== posts, interactions
def _kept(frame: Frame, window: Window, *, include_direct: bool, columns: list[str]) -> Frame:
    """Rows dated inside the window (an undated row is outside any bounded window), not direct."""
    conditions = []
    lo, hi = window.bounds()
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


def _post_flags(kind: Any) -> list[Any]:
    return [
        _as_int(kind.is_in(list(kinds))).alias(column) for column, kinds in POST_COUNTS.items()
    ]


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


def _made_flags(kind: Any) -> list[Any]:
    own = nw.col("actor") == nw.col("target")
    out = []
    for column, (kind_name, whom) in INTERACTION_POST_COUNTS.items():
        condition = kind == kind_name
        if whom == "other":
            condition = condition & ~own
        elif whom == "self":
            condition = condition & own
        out.append(_as_int(condition).alias(column))
    return out


def _tables(
    base: Frame | None, posts: Any, interactions: Any
) -> tuple[Frame | None, list[str], Frame | None, list[str], bool]:
    """The post and interaction frames on the first table's engine (interactions derived
    from posts when not given)."""
    post_frame = None
    post_columns: list[str] = []
    if posts is not None:
        post_frame = wrap(posts, "posts", ["author", "created_at", "kind"])
        if base is not None:
            post_frame = _same_engine(base, post_frame, "posts")
        post_columns = _columns(post_frame)
        # As the pandas path's validation: a post without author, time or kind is not taken.
        post_frame = post_frame.filter(
            ~nw.col("author").is_null(), ~nw.col("created_at").is_null(),
            ~nw.col("kind").is_null(),
        )
    given = interactions is not None
    if given:
        acts = wrap(interactions, "interactions", ["actor", "target", "kind"])
        reference = base if base is not None else post_frame
        if reference is not None:
            acts = _same_engine(reference, acts, "interactions")
        acts = acts.filter(
            ~nw.col("actor").is_null(), ~nw.col("target").is_null(), ~nw.col("kind").is_null()
        )
        act_columns = _columns(acts)
    elif post_frame is not None:
        acts, act_columns = _interactions_of(post_frame, post_columns)
    else:
        acts, act_columns = None, []
    return post_frame, post_columns, acts, act_columns, given


def _conversation(
    post_frame: Frame | None,
    post_columns: list[str],
    acts: Frame,
    act_columns: list[str],
    window: Window,
    *,
    include_direct: bool,
    include_self: bool,
) -> tuple[list[Frame], list[str]]:
    """Per-account aggregates of the conversation columns, and the columns that are null
    (the post-only ones when there is no post log)."""
    kind = nw.col("kind").cast(nw.String)
    parts = []
    null_columns: list[str] = []
    every = _kept(acts, window, include_direct=include_direct, columns=act_columns).select(
        "actor", "target", kind.alias("kind")
    )
    if post_frame is not None:
        kept = _kept(post_frame, window, include_direct=include_direct, columns=post_columns)
        kept = kept.filter(kind.is_in(list(_POST_KINDS)))
        flags = kept.select(nw.col("author").alias("account"), *_post_flags(kind))
        parts.append(flags.group_by("account").agg(nw.col(c).sum() for c in POST_COUNT_COLUMNS))
    else:
        flags = every.select(nw.col("actor").alias("account"), *_made_flags(nw.col("kind")))
        parts.append(
            flags.group_by("account").agg(nw.col(c).sum() for c in INTERACTION_POST_COUNTS)
        )
        null_columns = [c for c in POST_COUNT_COLUMNS if c not in INTERACTION_POST_COUNTS]
    not_self = nw.col("actor") != nw.col("target")
    replies = every.filter(nw.col("kind") == "reply")
    if not include_self:
        replies = replies.filter(not_self)
    parts.append(
        replies.select("actor", "target").unique().group_by("actor")
        .agg(nw.len().alias("outreach_breadth")).rename({"actor": "account"})
    )
    received = every.filter(not_self).select(
        nw.col("target").alias("account"),
        *(_as_int(nw.col("kind") == k).alias(c) for c, k in RECEIVED_COUNTS.items()),
    )
    parts.append(received.group_by("account").agg(nw.col(c).sum() for c in RECEIVED_COUNTS))
    return parts, null_columns


def account_table(
    follows: Any,
    posts: Any,
    interactions: Any,
    *,
    window: Window,
    loops: str,
    multi: str,
    accounts: Any,
    include_direct: bool,
    include_self: bool,
    follow_columns: bool,
) -> Any:
    """Per-account follow and conversation columns on the engine, in the documented shape.

    ``follow_columns`` says whether the follow family is part of the result (it always is
    for ``account_metrics``; ``conversation_counts`` has it only as ``followee_engagement``).
    The follow family is null when ``follows`` is None; the conversation family is present
    when ``posts`` or ``interactions`` is given.
    """
    base = None if follows is None else wrap(follows, "follows", ["source", "target"])
    post_frame, post_columns, acts, act_columns, given = _tables(base, posts, interactions)
    reference = base if base is not None else post_frame if post_frame is not None else acts
    assert reference is not None
    id_columns = []
    if base is not None:
        id_columns += [(base, "follows", "source"), (base, "follows", "target")]
    if post_frame is not None:
        id_columns.append((post_frame, "posts", "author"))
        if "parent_author" in post_columns:
            id_columns.append((post_frame, "posts", "parent_author"))
    if given and acts is not None:
        id_columns += [(acts, "interactions", "actor"), (acts, "interactions", "target")]
    _check_id_types(*id_columns)
    conversation = acts is not None
    dtype = _schema(id_columns[0][0])[id_columns[0][2]]

    parts_universe = []
    joins = []
    if base is not None:
        counts = _node_counts(
            base, loops=loops, multi=multi, accounts=accounts, followees=conversation
        )
        parts_universe.append(counts.select("account"))
        joins.append(counts)
    elif accounts is not None:
        parts_universe.append(_ids_like(reference, accounts, dtype))
    columns: list[str] = []
    null_columns: list[str] = []
    if follow_columns:
        columns += [*FOLLOW_COUNT_COLUMNS, *FOLLOW_RATES]
        if base is None:
            null_columns += columns
    if conversation:
        assert acts is not None
        if post_frame is not None:
            parts_universe.append(post_frame.select(nw.col("author").cast(dtype).alias("account")))
        ends = acts.select(nw.col("actor").alias("a"), nw.col("target").alias("b"))
        parts_universe += [
            ends.select(nw.col("a").cast(dtype).alias("account")),
            ends.select(nw.col("b").cast(dtype).alias("account")),
        ]
        aggregates, nulls = _conversation(
            post_frame, post_columns, acts, act_columns, window,
            include_direct=include_direct, include_self=include_self,
        )
        joins += aggregates
        null_columns += nulls
        columns += list(CONVERSATION_COLUMNS)
        if base is not None or follow_columns:
            columns.append("followee_engagement")
            if base is None:
                null_columns.append("followee_engagement")
            else:
                kept = _kept(acts, window, include_direct=include_direct, columns=act_columns)
                # A semi-join needs no distinct right side: the raw follow edges will do.
                followed = base.select("source", "target").filter(
                    nw.col("source") != nw.col("target")
                )
                engaged = (
                    kept.filter(
                        nw.col("kind").cast(nw.String).is_in(list(ENGAGEMENT_KINDS)),
                        nw.col("actor") != nw.col("target"),
                    )
                    .select(nw.col("actor").alias("source"), "target")
                    .unique()
                    .join(followed, on=["source", "target"], how="semi")
                    .group_by("source")
                    .agg(nw.len().alias(_ENGAGED))
                    .rename({"source": "account"})
                )
                joins.append(engaged)
    table = _universe(parts_universe)
    for part in joins:
        table = table.join(part, on="account", how="left")
    counts_present = [c for c in _columns(table) if c != "account"]
    table = _with(table, (nw.col(c).fill_null(0).cast(nw.Int64) for c in counts_present))
    table = _with(table, _missing(null_columns))
    rates = {**FOLLOW_RATES, **POST_RATES}
    if "followee_engagement" in columns and "followee_engagement" not in null_columns:
        rates["followee_engagement"] = Ratio(((_ENGAGED, 1),), ((_FOLLOWEES, 1),))
    table = _with(
        table,
        (
            nw.lit(None).cast(nw.Float64).alias(name)
            if ratio.columns & set(null_columns)
            else ratio_expression(ratio).alias(name)
            for name, ratio in rates.items()
            if name in columns and name not in null_columns
        ),
    )
    return finish(table, columns)


# =========================================================================== per period
def _label(freq: str) -> Any:
    """The period's label as text, as ``str(pandas.Period)`` writes it: 2026Q1, 2026-03,
    2026-03-05, 2026."""
    created = nw.col("created_at")
    if freq == "D":
        return created.dt.to_string("%Y-%m-%d")
    if freq == "M":
        return created.dt.to_string("%Y-%m")
    year = created.dt.year().cast(nw.String)
    if freq == "Y":
        return year
    month = created.dt.month()
    quarter = (
        nw.when(month <= 3).then(nw.lit("Q1"))
        .otherwise(nw.when(month <= 6).then(nw.lit("Q2"))
                   .otherwise(nw.when(month <= 9).then(nw.lit("Q3")).otherwise(nw.lit("Q4"))))
    )
    return nw.concat_str([year, quarter])


def period_table(
    posts: Any, interactions: Any, *, freq: str, window: Window, include_direct: bool
) -> Any:
    """Per-account, per-period post counts and ratios on the engine, in the documented shape
    (``account`` and ``period`` first; on pandas both are the index, ``period`` a Period)."""
    post_frame, post_columns, acts, act_columns, _ = _tables(None, posts, interactions)
    kind = nw.col("kind").cast(nw.String)
    null_columns: list[str] = []
    if post_frame is not None:
        kept = _kept(post_frame, window, include_direct=include_direct, columns=post_columns)
        kept = kept.filter(kind.is_in(list(_POST_KINDS)))
        flags = kept.select(
            nw.col("author").alias("account"), _label(freq).alias("period"), *_post_flags(kind)
        )
        counted = list(POST_COUNT_COLUMNS)
    else:
        assert acts is not None
        kept = _kept(acts, window, include_direct=include_direct, columns=act_columns)
        flags = kept.select(
            nw.col("actor").alias("account"), _label(freq).alias("period"), *_made_flags(kind)
        )
        counted = list(INTERACTION_POST_COUNTS)
        null_columns = [c for c in POST_COUNT_COLUMNS if c not in INTERACTION_POST_COUNTS]
    counts = flags.group_by("account", "period").agg(nw.col(c).sum() for c in counted)
    counts = counts.with_columns(nw.col(c).cast(nw.Int64) for c in counted)
    counts = _with(counts, _missing(null_columns))
    counts = counts.with_columns(
        ratio_expression(r).alias(name) if not (r.columns & set(null_columns))
        else nw.lit(None).cast(nw.Float64).alias(name) for name, r in POST_RATES.items()
    )
    out = finish(counts, [*POST_COUNT_COLUMNS, *POST_RATES], index=("account", "period"))
    if isinstance(out, pd.DataFrame):
        periods = pd.PeriodIndex(out.index.get_level_values("period").astype(str), freq=freq)
        out.index = pd.MultiIndex.from_arrays(
            [out.index.get_level_values("account"), periods], names=["account", "period"]
        )
    return out
