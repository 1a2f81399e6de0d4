"""Every tabular metric on every engine equals the pandas fast path, exactly, in one shape.

The narwhals path (``engagemetrics.metrics._frames``) computes the same definitions as the
numpy fast path. On pandas input both return the same frame (``assert_frame_equal`` with
exact values and dtypes); on Polars, DuckDB and PySpark the engine's frame, turned into
pandas by the documented rule (``account`` first column -> index, counts -> Int64, ratios ->
float64, period label -> Period), equals it exactly too. Hand-worked values anchor both.
"""

from __future__ import annotations

import math
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.metrics import _frames
from engagemetrics.metrics._prepare import parse_window

nw = pytest.importorskip("narwhals.stable.v2")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

LOOPS = ("drop", "mutual", "unreciprocated")
MULTIS = ("collapse", "keep")


# --------------------------------------------------------------------------- backends
@pytest.fixture(scope="session")
def duck() -> object:
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def spark() -> object:
    """One local[2] Spark session for the whole run (starting one costs seconds)."""
    pyspark_sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed")
    if shutil.which("java") is None:
        pytest.skip("PySpark needs Java (a JRE 17+) on PATH; none was found")
    # pyspark 4 warns that it does not fully support pandas 3; we pass it Arrow tables.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("engagemetrics-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


BACKENDS = [
    "pandas",
    "polars",
    "polars-lazy",
    "duckdb",
    pytest.param("pyspark", marks=pytest.mark.spark),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> tuple[str, object]:
    """(name, converter from a pandas frame to that backend's native frame)."""
    name = request.param
    if name == "pandas":
        return name, lambda frame: frame.copy()
    if name == "polars":
        return name, _to_polars
    if name == "polars-lazy":
        return name, lambda frame: _to_polars(frame).lazy()
    if name == "duckdb":
        connection = request.getfixturevalue("duck")
        return name, lambda frame: connection.from_arrow(_to_polars(frame).to_arrow())
    session = request.getfixturevalue("spark")
    return name, lambda frame: _to_spark(session, frame)


def _to_polars(frame: pd.DataFrame) -> object:
    columns = {}
    for name in frame.columns:
        series = frame[name]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
            values = [None if pd.isna(v) else str(v) for v in series.astype(object)]
            columns[name] = pl.Series(name, values, dtype=pl.String)
        else:
            columns[name] = pl.from_pandas(series)
    return pl.DataFrame(columns)


def _to_spark(session: object, frame: pd.DataFrame) -> object:
    # Through Arrow: pyspark's own pandas conversion does not know pandas 3's str dtype.
    return session.createDataFrame(_to_polars(frame).to_arrow())


def _to_pandas(native: object) -> pd.DataFrame:
    frame = nw.from_native(native)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return frame.to_pandas()


def _is_same_kind(result: object, given: object) -> bool:
    if isinstance(given, pd.DataFrame):
        return isinstance(result, pd.DataFrame)
    return type(result).__module__.split(".")[0] == type(given).__module__.split(".")[0] and (
        isinstance(nw.from_native(result), nw.LazyFrame)
        == isinstance(nw.from_native(given), nw.LazyFrame)
    )


# --------------------------------------------------------------------------- data
def random_follows(seed: int, *, n_accounts: int = 25, n_edges: int = 120, ids: str = "int"):
    """A small random follow table with self-follows, duplicates and reciprocated pairs."""
    rng = np.random.default_rng(seed)
    source = rng.integers(0, n_accounts, n_edges)
    target = rng.integers(0, n_accounts, n_edges)
    # reciprocate a third of the edges, duplicate a few, add self-follows
    back = rng.random(n_edges) < 0.35
    source, target = (
        np.concatenate([source, target[back], source[:7], [3, 3, 11]]),
        np.concatenate([target, source[back], target[:7], [3, 3, 11]]),
    )
    frame = pd.DataFrame({"source": source.astype(np.int64), "target": target.astype(np.int64)})
    if ids == "str":
        frame = frame.astype({"source": "str", "target": "str"}).map(lambda v: f"u{v}")
        frame = frame.astype("str")
    return frame


# --------------------------------------------------------------------------- account metrics
POST_KINDS = np.array(["post", "reply", "thread", "repost", "quote"], dtype=object)
ACT_KINDS = np.array(["reply", "mention", "repost", "quote", "like"], dtype=object)
VISIBILITY = np.array(["public", "unlisted", "followers", "direct", None], dtype=object)


def random_posts(seed: int, *, n_posts: int = 160, n_accounts: int = 30) -> pd.DataFrame:
    """Posts of every kind, some direct, some by accounts outside the follows."""
    rng = np.random.default_rng(seed)
    author = rng.integers(0, n_accounts + 6, n_posts).astype(np.int64)  # 25.. not in follows
    kind = POST_KINDS[rng.integers(0, 5, n_posts)]
    parent = pd.array(rng.integers(0, n_accounts, n_posts), dtype="Int64")
    parent[kind == "post"] = pd.NA
    parent[kind == "thread"] = pd.array(author[kind == "thread"], dtype="Int64")
    parent[rng.random(n_posts) < 0.05] = pd.NA  # a reply whose parent is unknown
    seconds = rng.integers(0, 365 * 86400, n_posts)
    created = pd.Series(pd.to_datetime("2026-01-01", utc=True) + pd.to_timedelta(seconds, "s"))
    return pd.DataFrame(
        {
            "post_id": [f"p{i}" for i in range(n_posts)],
            "author": author,
            "created_at": created.astype("datetime64[us, UTC]"),
            "kind": kind,
            "parent_author": parent,
            "visibility": VISIBILITY[rng.integers(0, 5, n_posts)],
        }
    )


def random_interactions(seed: int, *, n_rows: int = 200, n_accounts: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    actor = rng.integers(0, n_accounts + 3, n_rows).astype(np.int64)
    target = rng.integers(0, n_accounts, n_rows).astype(np.int64)
    target[:8] = actor[:8]  # self-interactions
    seconds = rng.integers(0, 365 * 86400, n_rows)
    created = pd.Series(pd.to_datetime("2026-01-01", utc=True) + pd.to_timedelta(seconds, "s"))
    created[rng.random(n_rows) < 0.05] = pd.NaT  # undated: outside every bounded window
    return pd.DataFrame(
        {
            "actor": actor,
            "target": target,
            "kind": ACT_KINDS[rng.integers(0, 5, n_rows)],
            "created_at": created.astype("datetime64[us, UTC]"),
            "visibility": VISIBILITY[rng.integers(0, 5, n_rows)],
        }
    )



# --------------------------------------------------------------------------- one shape
COUNT_COLUMNS = {
    "followers", "following", "mutuals", "posts", "replies", "broadcasts", "threads",
    "reposts", "quotes", "outreach_breadth", "replies_received", "mentions_received",
    "reposts_received", "quotes_received",
}


def _documented_shape(native: object, freq: str | None = None) -> pd.DataFrame:
    """A result as pandas by the documented rule (module docstring)."""
    if isinstance(native, pd.DataFrame):
        return native
    frame = nw.from_native(native)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    out = frame.to_pandas()
    keys = ["account", "period"] if "period" in out.columns else ["account"]
    assert out.columns.tolist()[: len(keys)] == keys  # the keys come first
    if out["account"].dtype.kind in "iu":
        out["account"] = out["account"].astype("int64")
    else:
        out["account"] = out["account"].astype(em.schema.ID_DTYPE)
    if "period" in keys:
        out["period"] = pd.PeriodIndex(out["period"].astype(str), freq=freq)
    out = out.set_index(keys if len(keys) > 1 else keys[0])
    return out.astype({c: "Int64" if c in COUNT_COLUMNS else "float64" for c in out.columns})


def assert_same(native: object, expected: pd.DataFrame, freq: str | None = None) -> None:
    pd.testing.assert_frame_equal(_documented_shape(native, freq), expected, check_exact=True)


# --------------------------------------------------------------------------- hand values
REFERENCE = pd.DataFrame({"source": ["A", "B", "A", "D"], "target": ["B", "A", "C", "D"]})


def test_reference_graph_by_hand(backend: tuple[str, object]) -> None:
    """The definitions page's second reference graph: A<->B, A->C, loop D->D."""
    _, convert = backend
    native = convert(REFERENCE)
    assert em.reciprocity(native) == pytest.approx(2 / 3)
    assert em.reciprocity(native, loops="unreciprocated") == pytest.approx(0.5)
    assert em.reciprocity(native, loops="mutual") == pytest.approx(0.75)
    assert em.reciprocity(native, unit="pairs", loops="mutual") == pytest.approx(0.6)
    assert em.reciprocity_rho(native) == pytest.approx(5 / 9)
    counts = _documented_shape(em.follow_counts(native))
    assert counts.loc["A"].tolist() == [1, 2, 1]
    assert counts.loc["D"].tolist() == [0, 0, 0]
    assert em.dyad_census(native) == (1, 1, 4)


# --------------------------------------------------------------------------- follow metrics
@pytest.mark.parametrize("ids", ["int", "str"])
def test_follow_counts_equal_pandas(backend: tuple[str, object], ids: str) -> None:
    name, convert = backend
    follows = random_follows(1, ids=ids)
    native = convert(follows)
    # Spark pays seconds per query: the defaults and the two non-default conventions only.
    combos = (
        [("drop", "collapse"), ("mutual", "keep"), ("unreciprocated", "collapse")]
        if name == "pyspark"
        else [(loops, multi) for loops in LOOPS for multi in MULTIS]
    )
    for loops, multi in combos:
        result = em.follow_counts(native, loops=loops, multi=multi)
        assert _is_same_kind(result, native)
        assert_same(result, em.follow_counts(follows, loops=loops, multi=multi))
        if name == "pandas":  # the narwhals path itself, on pandas: the same frame
            assert_same(
                _frames.follow_table(follows, loops=loops, multi=multi, accounts=None),
                em.follow_counts(follows, loops=loops, multi=multi),
            )
    assert follows.equals(random_follows(1, ids=ids))  # input unchanged


def test_graph_metrics_equal_pandas(backend: tuple[str, object]) -> None:
    name, convert = backend
    follows = random_follows(3)
    native = convert(follows)
    combos = (
        [("drop", "collapse"), ("unreciprocated", "keep")]
        if name == "pyspark"
        else [(loops, multi) for loops in LOOPS for multi in MULTIS]
    )
    for loops, multi in combos:
        # the graph counts are integers: equal, so every ratio made of them is equal
        got = _frames.graph_counts(native, loops=loops, multi=multi)
        assert got == em.FollowGraph(follows).graph_counts(loops=loops, multi=multi)
        for unit in ("arcs", "pairs"):
            value = em.reciprocity(native, unit=unit, loops=loops, multi=multi)
            assert isinstance(value, float)
            assert value == em.reciprocity(follows, unit=unit, loops=loops, multi=multi)
        assert em.reciprocity_rho(native, loops=loops, multi=multi) == em.reciprocity_rho(
            follows, loops=loops, multi=multi
        )
    extra = [1000, 1001, 3] if name != "duckdb" else None  # two isolates, one present
    assert em.reciprocity_rho(native, accounts=extra) == em.reciprocity_rho(
        follows, accounts=extra
    )
    assert em.dyad_census(native) == em.dyad_census(follows)


def test_accounts_as_frame_of_the_same_kind(backend: tuple[str, object]) -> None:
    _, convert = backend
    follows = random_follows(4)
    extra = pd.DataFrame({"account_id": np.array([1000, 1001, 3], dtype=np.int64)})
    native, native_extra = convert(follows), convert(extra)
    assert_same(
        em.follow_counts(native, accounts=native_extra),
        em.follow_counts(follows, accounts=[1000, 1001, 3]),
    )
    census = em.dyad_census(native, accounts=native_extra)
    assert census == em.dyad_census(follows, accounts=[1000, 1001, 3])


def test_empty_follows_give_nan_with_a_warning(backend: tuple[str, object]) -> None:
    _, convert = backend
    empty = pd.DataFrame({"source": [7, 8], "target": [7, 8]})  # self-follows only
    native = convert(empty)
    with pytest.warns(em.DataQualityWarning, match="self-follow"):
        assert math.isnan(em.reciprocity(native))
    assert_same(em.follow_counts(native), em.follow_counts(empty))


# --------------------------------------------------------------------------- errors
def test_errors_are_ours() -> None:
    frame = pl.DataFrame({"source": [1], "dst": [2]})
    with pytest.raises(em.MissingColumnsError, match="target"):
        em.follow_counts(frame)
    good = pl.DataFrame({"source": [1], "target": [2]})
    with pytest.raises(em.InvalidArgumentError, match="loops"):
        em.follow_counts(good, loops="keep")
    with pytest.raises(em.InvalidArgumentError, match="unit"):
        em.reciprocity(good, unit="dyads")
    with pytest.raises(em.InvalidArgumentError, match="accounts"):
        em.follow_counts(good, accounts="abc")
    with pytest.raises(em.InvalidArgumentError, match="FollowGraph"):
        em.FollowGraph(good)


def test_duckdb_list_of_accounts_is_refused_clearly(duck: object) -> None:
    relation = duck.sql("select 1::BIGINT as source, 2::BIGINT as target")
    with pytest.raises(em.InvalidArgumentError, match="same kind"):
        em.follow_counts(relation, accounts=[5])


def test_lazy_stays_lazy_and_nothing_runs_before_collect() -> None:
    lazy = pl.LazyFrame({"source": [1, 2], "target": [2, 1]})
    result = em.follow_counts(lazy)
    assert isinstance(result, pl.LazyFrame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert result.collect()["mutuals"].to_list() == [1, 1]


ACCOUNT_OPTIONS = [
    {},
    {"start": "2026-03-01", "end": "2026-09-01"},
    {"start": "2026-02-01", "include_direct": True, "include_self": True},
    {"end": "2026-06-15T12:00:00", "loops": "mutual", "multi": "keep"},
]


def _quiet(function, *args, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", em.DataQualityWarning)
        return function(*args, **options)


def test_account_metrics_follow_columns_only(backend: tuple[str, object]) -> None:
    _, convert = backend
    follows = random_follows(5)
    assert_same(em.account_metrics(convert(follows)), em.account_metrics(follows))


def test_account_metrics_with_posts_equal_pandas(backend: tuple[str, object]) -> None:
    name, convert = backend
    follows, posts = random_follows(6), random_posts(6)
    native_follows, native_posts = convert(follows), convert(posts)
    # Spark pays seconds per query: one window there, every option elsewhere.
    options = ACCOUNT_OPTIONS[1:2] if name == "pyspark" else ACCOUNT_OPTIONS
    for option in options:
        result = em.account_metrics(native_follows, native_posts, **option)
        assert _is_same_kind(result, native_follows)
        expected = _quiet(em.account_metrics, follows, posts, **option)
        assert_same(result, expected)
        if name == "pandas":  # the narwhals path itself gives the fast path's frame
            window = parse_window(option.get("start"), option.get("end"))
            assert_same(
                _frames.account_table(
                    follows, posts, None, window=window, loops=option.get("loops", "drop"),
                    multi=option.get("multi", "collapse"), accounts=None,
                    include_direct=option.get("include_direct", False),
                    include_self=option.get("include_self", False), follow_columns=True,
                ),
                expected,
            )
    assert posts.equals(random_posts(6))  # input unchanged


def test_account_metrics_with_interactions_equal_pandas(backend: tuple[str, object]) -> None:
    name, convert = backend
    follows, posts, acts = random_follows(7), random_posts(7), random_interactions(7)
    natives = [convert(frame) for frame in (follows, posts, acts)]
    options = ACCOUNT_OPTIONS[2:3] if name == "pyspark" else ACCOUNT_OPTIONS
    for option in options:
        result = em.account_metrics(natives[0], natives[1], interactions=natives[2], **option)
        expected = _quiet(em.account_metrics, follows, posts, interactions=acts, **option)
        assert_same(result, expected)


def test_interaction_log_without_posts_equal_pandas(backend: tuple[str, object]) -> None:
    """A research log: counts made and received from the interactions alone."""
    name, convert = backend
    follows, acts = random_follows(9), random_interactions(9)
    options = ACCOUNT_OPTIONS[1:2] if name == "pyspark" else ACCOUNT_OPTIONS[:2]
    for option in options:
        expected = _quiet(em.account_metrics, follows, interactions=acts, **option)
        assert expected["posts"].isna().all() and expected["replies"].notna().all()
        assert_same(em.account_metrics(convert(follows), interactions=convert(acts), **option),
                    expected)
        assert_same(em.conversation_counts(interactions=convert(acts), **option),
                    _quiet(em.conversation_counts, interactions=acts, **option))


def test_account_metrics_by_hand(backend: tuple[str, object]) -> None:
    """a<->b, a->c; a replies to b and posts, d only posts: values worked out by hand."""
    _, convert = backend
    follows = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]})
    posts = pd.DataFrame(
        {
            "post_id": ["1", "2", "3", "4", "5"],
            "author": ["a", "a", "a", "d", "a"],
            "created_at": pd.to_datetime(
                ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-02-01"], utc=True
            ),
            "kind": ["reply", "post", "thread", "post", "reply"],
            "parent_author": ["b", None, "a", None, "c"],
            "visibility": ["public", "public", None, "public", "direct"],
        }
    )
    got = _documented_shape(
        em.account_metrics(convert(follows), convert(posts), end="2026-01-04")
    )
    assert got.index.tolist() == ["a", "b", "c", "d"]
    a = got.loc["a"]
    # a: followers {b}, following {b, c}, mutuals {b}; posts in [.., 01-04): reply, post, thread
    assert a[["followers", "following", "mutuals", "posts", "replies", "broadcasts"]].tolist() == [
        1,
        2,
        1,
        3,
        1,
        2,
    ]
    assert a["reply_share"] == pytest.approx(1 / 3)
    assert a["thread_share"] == pytest.approx(1 / 3)
    assert a["followee_engagement"] == pytest.approx(1 / 2)  # replied to b, not (yet) to c
    assert a["reciprocity_jaccard"] == pytest.approx(1 / 2)
    # b received a's reply; c receives the reply of 02-01 only later, a DM besides
    assert got.loc["b", "replies_received"] == 1 and got.loc["c", "replies_received"] == 0
    assert got.loc["d", "posts"] == 0  # d's post is at 01-04: outside [start, end)
    assert pd.isna(got.loc["d", "follow_back_rate"])
    assert pd.isna(got.loc["c", "reply_to_broadcast_ratio"])


def test_account_metrics_refuses_mixed_engines(duck: object) -> None:
    follows = pl.DataFrame({"source": [1], "target": [2]})
    posts = duck.sql("select 1::BIGINT as author, now() as created_at, 'post' as kind")
    with pytest.raises(em.UnsupportedBackendError, match="same engine"):
        em.account_metrics(follows, posts)
    with pytest.raises(em.UnsupportedBackendError, match="same engine"):
        em.account_metrics(follows, pd.DataFrame({"author": [1]}))
    text_posts = pl.DataFrame({"author": ["1"], "created_at": [None], "kind": ["post"]})
    with pytest.raises(em.ColumnTypeError, match="one type"):
        em.account_metrics(follows, text_posts)
    with pytest.raises(em.InvalidArgumentError, match="empty"):
        em.account_metrics(follows, start="2026-02-01", end="2026-01-01")


# --------------------------------------------------------------------------- per period
def _expected_periods(posts: pd.DataFrame, freq: str, **window: str) -> pd.DataFrame:
    """An independent pandas count: filter, label the period by its start, count kinds."""
    kept = posts[posts["visibility"].astype(object) != "direct"]
    if "start" in window:
        kept = kept[kept["created_at"] >= pd.Timestamp(window["start"], tz="UTC")]
    if "end" in window:
        kept = kept[kept["created_at"] < pd.Timestamp(window["end"], tz="UTC")]
    naive = kept["created_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    period = naive.dt.to_period(freq)
    kind = kept["kind"].astype(object)
    table = pd.DataFrame(
        {
            "account": kept["author"].to_numpy(),
            "period": period.to_numpy(),
            "posts": 1,
            "replies": (kind == "reply").astype(int).to_numpy(),
            "broadcasts": kind.isin(["post", "thread"]).astype(int).to_numpy(),
            "threads": (kind == "thread").astype(int).to_numpy(),
            "reposts": (kind == "repost").astype(int).to_numpy(),
            "quotes": (kind == "quote").astype(int).to_numpy(),
        }
    )
    out = table.groupby(["account", "period"], as_index=False).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["reply_to_broadcast_ratio"] = np.where(
            out["broadcasts"] > 0, out["replies"] / out["broadcasts"], np.nan
        )
        both = out["replies"] + out["broadcasts"]
        out["reply_share"] = np.where(both > 0, out["replies"] / both, np.nan)
        out["thread_share"] = out["threads"] / out["posts"]
    return out


@pytest.mark.parametrize(("freq", "period"), [("QE", "Q"), ("ME", "M")])
def test_period_counts_equal_an_independent_count(
    backend: tuple[str, object], freq: str, period: str
) -> None:
    name, convert = backend
    if name == "pyspark" and freq != "QE":
        pytest.skip("one period on Spark keeps the file fast; the expressions are the same")
    posts = random_posts(8)
    window = {"start": "2026-02-01", "end": "2026-11-01"}
    expected = em.period_counts(posts, freq=freq, **window)
    assert isinstance(expected.index.get_level_values("period"), pd.PeriodIndex)
    assert_same(em.period_counts(convert(posts), freq=freq, **window), expected, period)
    # and the pandas result equals an independent count, by hand with pandas
    want = _expected_periods(posts, period, **window).set_index(["account", "period"])
    got = expected.astype("float64")
    pd.testing.assert_frame_equal(got, want.astype("float64"), check_names=False)


def test_period_counts_and_ego_metrics_share_one_convention() -> None:
    posts = random_posts(8).assign(author=1)
    archive = em.Archive(posts=posts, ego=1)
    for freq in ("QE", "ME", "YE", "D"):
        ego = em.ego_metrics(archive, freq=freq)
        counts = em.period_counts(archive, freq=freq).loc["1"]
        # the same labels, and the same numbers where both count
        assert counts.index.isin(ego.index).all()
        pd.testing.assert_frame_equal(counts, ego.loc[counts.index, counts.columns],
                                      check_names=False)
    for freq in ("W", "1mo", "fortnight"):
        with pytest.raises(em.InvalidArgumentError, match="freq"):
            em.period_counts(posts, freq=freq)
        with pytest.raises(em.InvalidArgumentError, match="freq"):
            em.ego_metrics(archive, freq=freq)


def test_accounts_from_an_eager_frame_of_another_kind() -> None:
    follows = pl.DataFrame({"source": [1, 2], "target": [2, 1]})
    extra = pd.DataFrame({"account_id": [9]})
    counts = em.follow_counts(follows, accounts=extra)
    assert counts.rows() == [(1, 1, 1, 1), (2, 1, 1, 1), (9, 0, 0, 0)]
