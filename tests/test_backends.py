"""Every lazy-capable metric on every backend equals the pandas fast path (and hand values)."""

from __future__ import annotations

import math
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

import engagemetrics as em
from engagemetrics.metrics import _backend
from engagemetrics.metrics.reciprocity import follow_counts

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


def _expected_counts(follows: pd.DataFrame, **options: object) -> pd.DataFrame:
    return follow_counts(follows, **options).reset_index()


def _assert_frames_equal(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    result = result.sort_values("account").reset_index(drop=True)
    expected = expected.sort_values("account").reset_index(drop=True)
    assert list(result.columns) == list(expected.columns)
    assert result["account"].astype(object).tolist() == expected["account"].astype(object).tolist()
    for name in expected.columns.drop("account"):
        got = pd.to_numeric(result[name].astype("Float64"), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        want = pd.to_numeric(expected[name].astype("Float64"), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=name, equal_nan=True)


# --------------------------------------------------------------------------- hand values
REFERENCE = pd.DataFrame({"source": ["A", "B", "A", "D"], "target": ["B", "A", "C", "D"]})


def test_reference_graph_by_hand(backend: tuple[str, object]) -> None:
    """METRICS.md's second reference graph: A<->B, A->C, loop D->D (and isolate E)."""
    _, convert = backend
    native = convert(REFERENCE)
    assert _backend.reciprocity_nw(native) == pytest.approx(2 / 3)
    assert _backend.reciprocity_nw(native, loops="unreciprocated") == pytest.approx(0.5)
    assert _backend.reciprocity_nw(native, loops="mutual") == pytest.approx(0.75)
    assert _backend.reciprocity_nw(native, unit="pairs", loops="mutual") == pytest.approx(0.6)
    assert _backend.reciprocity_rho_nw(native) == pytest.approx(5 / 9)
    counts = _to_pandas(_backend.follow_counts_nw(native)).set_index("account")
    assert counts.loc["A"].tolist() == [1, 2, 1]
    assert counts.loc["D"].tolist() == [0, 0, 0]
    assert _backend.dyad_census_nw(native) == (1, 1, 4)


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
        result = _backend.follow_counts_nw(native, loops=loops, multi=multi)
        assert _is_same_kind(result, native)
        got = _to_pandas(result)
        assert got.columns.tolist() == ["account", "followers", "following", "mutuals"]
        assert all(pd.api.types.is_integer_dtype(got[c]) for c in got.columns[1:])
        expected = _expected_counts(follows, loops=loops, multi=multi)
        _assert_frames_equal(got, expected)
    assert follows.equals(random_follows(1, ids=ids))  # input unchanged


def test_public_functions_dispatch(backend: tuple[str, object]) -> None:
    """em.reciprocity & co. hand a non-pandas frame to the narwhals path."""
    name, convert = backend
    follows = random_follows(2)
    native = convert(follows)
    if name != "pandas":
        counts = _to_pandas(em.metrics.reciprocity.follow_counts(native))
        _assert_frames_equal(counts, _expected_counts(follows))
        assert em.reciprocity(native) == pytest.approx(em.reciprocity(follows), rel=1e-12)
        assert em.dyad_census(native) == em.dyad_census(follows)
        rho = em.reciprocity_rho(native, accounts=None)
        assert rho == pytest.approx(em.reciprocity_rho(follows), rel=1e-12)
        posts = random_posts(2)
        metrics = _to_pandas(em.account_metrics(native, convert(posts)))
        _assert_frames_equal(metrics, _expected_account_metrics(follows, posts))


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
        for unit in ("arcs", "pairs"):
            got = _backend.reciprocity_nw(native, unit=unit, loops=loops, multi=multi)
            want = em.reciprocity(follows, unit=unit, loops=loops, multi=multi)
            assert isinstance(got, float)
            assert got == pytest.approx(want, rel=1e-12), (unit, loops, multi)
        got = _backend.reciprocity_rho_nw(native, loops=loops, multi=multi)
        want = em.reciprocity_rho(follows, loops=loops, multi=multi)
        assert got == pytest.approx(want, rel=1e-12), (loops, multi)
    extra = [1000, 1001, 3]  # two isolates and one account already present
    assert _backend.reciprocity_rho_nw(native, accounts=extra if name != "duckdb" else None) == (
        pytest.approx(
            em.reciprocity_rho(follows, accounts=extra if name != "duckdb" else None), rel=1e-12
        )
    )
    assert _backend.dyad_census_nw(native) == em.dyad_census(follows)


def test_accounts_as_frame_of_the_same_kind(backend: tuple[str, object]) -> None:
    _, convert = backend
    follows = random_follows(4)
    extra = pd.DataFrame({"account_id": np.array([1000, 1001, 3], dtype=np.int64)})
    native, native_extra = convert(follows), convert(extra)
    counts = _to_pandas(_backend.follow_counts_nw(native, accounts=native_extra))
    _assert_frames_equal(counts, _expected_counts(follows, accounts=[1000, 1001, 3]))
    census = _backend.dyad_census_nw(native, accounts=native_extra)
    assert census == em.dyad_census(follows, accounts=[1000, 1001, 3])


def test_empty_follows_give_nan_with_a_warning(backend: tuple[str, object]) -> None:
    _, convert = backend
    empty = pd.DataFrame({"source": [7, 8], "target": [7, 8]})  # self-follows only
    native = convert(empty)
    with pytest.warns(em.DataQualityWarning):
        assert math.isnan(_backend.reciprocity_nw(native))
    counts = _to_pandas(_backend.follow_counts_nw(native))
    assert counts["account"].tolist() == [7, 8]
    assert counts[["followers", "following", "mutuals"]].to_numpy().sum() == 0


# --------------------------------------------------------------------------- errors
def test_errors_are_ours() -> None:
    frame = pl.DataFrame({"source": [1], "dst": [2]})
    with pytest.raises(em.MissingColumnsError, match="target"):
        _backend.follow_counts_nw(frame)
    with pytest.raises(em.UnsupportedBackendError, match="narwhals"):
        _backend.reciprocity_nw([(1, 2)])
    good = pl.DataFrame({"source": [1], "target": [2]})
    with pytest.raises(em.InvalidArgumentError, match="loops"):
        _backend.follow_counts_nw(good, loops="keep")
    with pytest.raises(em.InvalidArgumentError, match="unit"):
        _backend.reciprocity_nw(good, unit="dyads")
    with pytest.raises(em.InvalidArgumentError, match="accounts"):
        _backend.follow_counts_nw(good, accounts="abc")


def test_duckdb_list_of_accounts_is_refused_clearly(duck: object) -> None:
    relation = duck.sql("select 1::BIGINT as source, 2::BIGINT as target")
    with pytest.raises(em.InvalidArgumentError, match="same kind"):
        _backend.follow_counts_nw(relation, accounts=[5])


def test_lazy_stays_lazy_and_nothing_runs_before_collect() -> None:
    lazy = pl.LazyFrame({"source": [1, 2], "target": [2, 1]})
    result = _backend.follow_counts_nw(lazy)
    assert isinstance(result, pl.LazyFrame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert result.collect()["mutuals"].to_list() == [1, 1]


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


def _expected_account_metrics(*args: object, **options: object) -> pd.DataFrame:
    from engagemetrics.metrics.accounts import account_metrics

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", em.DataQualityWarning)
        return account_metrics(*args, **options).reset_index()


ACCOUNT_OPTIONS = [
    {},
    {"start": "2026-03-01", "end": "2026-09-01"},
    {"start": "2026-02-01", "include_direct": True, "include_self": True},
    {"end": "2026-06-15T12:00:00", "loops": "mutual", "multi": "keep"},
]


def test_account_metrics_follow_columns_only(backend: tuple[str, object]) -> None:
    _, convert = backend
    follows = random_follows(5)
    result = _backend.account_metrics_nw(convert(follows))
    got = _to_pandas(result)
    _assert_frames_equal(got, _expected_account_metrics(follows))


def test_account_metrics_with_posts_equal_pandas(backend: tuple[str, object]) -> None:
    name, convert = backend
    follows, posts = random_follows(6), random_posts(6)
    native_follows, native_posts = convert(follows), convert(posts)
    # Spark pays seconds per query: one window there, every option elsewhere.
    options = ACCOUNT_OPTIONS[1:2] if name == "pyspark" else ACCOUNT_OPTIONS
    for option in options:
        result = _backend.account_metrics_nw(native_follows, native_posts, **option)
        assert _is_same_kind(result, native_follows)
        got = _to_pandas(result)
        expected = _expected_account_metrics(follows, posts, **option)
        _assert_frames_equal(got, expected)
    assert posts.equals(random_posts(6))  # input unchanged


def test_account_metrics_with_interactions_equal_pandas(backend: tuple[str, object]) -> None:
    name, convert = backend
    follows, posts, acts = random_follows(7), random_posts(7), random_interactions(7)
    natives = [convert(frame) for frame in (follows, posts, acts)]
    options = ACCOUNT_OPTIONS[2:3] if name == "pyspark" else ACCOUNT_OPTIONS
    for option in options:
        result = _backend.account_metrics_nw(
            natives[0], natives[1], interactions=natives[2], **option
        )
        expected = _expected_account_metrics(follows, posts, interactions=acts, **option)
        _assert_frames_equal(_to_pandas(result), expected)


def test_account_metrics_by_hand(backend: tuple[str, object]) -> None:
    """a<->b, a->c; a replies to b and posts, d only posts: values worked out by hand."""
    _, convert = backend
    follows = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]})
    posts = pd.DataFrame(
        {
            "author": ["a", "a", "a", "d", "a"],
            "created_at": pd.to_datetime(
                ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-02-01"], utc=True
            ),
            "kind": ["reply", "post", "thread", "post", "reply"],
            "parent_author": ["b", None, "a", None, "c"],
            "visibility": ["public", "public", None, "public", "direct"],
        }
    )
    got = _to_pandas(
        _backend.account_metrics_nw(convert(follows), convert(posts), end="2026-01-04")
    ).set_index("account")
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
    assert got.loc["d", "posts"] == 0  # d's post is at 01-04: outside [start, end)
    assert pd.isna(got.loc["d", "follow_back_rate"])
    assert pd.isna(got.loc["c", "reply_to_broadcast_ratio"])


def test_account_metrics_refuses_mixed_engines(duck: object) -> None:
    follows = pl.DataFrame({"source": [1], "target": [2]})
    posts = duck.sql("select 1::BIGINT as author, now() as created_at, 'post' as kind")
    with pytest.raises(em.UnsupportedBackendError, match="same engine"):
        _backend.account_metrics_nw(follows, posts)
    text_posts = pl.DataFrame({"author": ["1"], "created_at": [None], "kind": ["post"]})
    with pytest.raises(em.ColumnTypeError, match="one type"):
        _backend.account_metrics_nw(follows, text_posts)
    with pytest.raises(em.InvalidArgumentError, match="empty"):
        _backend.account_metrics_nw(follows, start="2026-02-01", end="2026-01-01")


# --------------------------------------------------------------------------- per period
def _expected_periods(posts: pd.DataFrame, freq: str, **window: str) -> pd.DataFrame:
    """An independent pandas count: filter, label the period by its start, count kinds."""
    kept = posts[posts["visibility"].astype(object) != "direct"]
    if "start" in window:
        kept = kept[kept["created_at"] >= pd.Timestamp(window["start"], tz="UTC")]
    if "end" in window:
        kept = kept[kept["created_at"] < pd.Timestamp(window["end"], tz="UTC")]
    naive = kept["created_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    period = naive.dt.to_period(freq).dt.start_time.dt.tz_localize("UTC")
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


@pytest.mark.parametrize(("freq", "pandas_freq"), [("QE", "Q"), ("1mo", "M")])
def test_period_counts_equal_an_independent_count(
    backend: tuple[str, object], freq: str, pandas_freq: str
) -> None:
    name, convert = backend
    if name == "pyspark" and freq != "QE":
        pytest.skip("one period on Spark keeps the file fast; the expressions are the same")
    posts = random_posts(8)
    window = {"start": "2026-02-01", "end": "2026-11-01"}
    got = _to_pandas(_backend.period_counts_nw(convert(posts), freq=freq, **window))
    want = _expected_periods(posts, pandas_freq, **window)
    got["period"] = pd.to_datetime(got["period"], utc=True)
    keys = ["account", "period"]
    got, want = got.sort_values(keys).reset_index(drop=True), want.sort_values(keys)
    assert got["period"].tolist() == want["period"].tolist()
    _assert_frames_equal(got.drop(columns="period"), want.drop(columns="period"))


def test_period_counts_refuse_weeks() -> None:
    posts = pl.DataFrame({"author": [1], "created_at": [None], "kind": ["post"]})
    with pytest.raises(em.InvalidArgumentError, match="freq"):
        _backend.period_counts_nw(posts, freq="W")


def test_accounts_from_an_eager_frame_of_another_kind() -> None:
    follows = pl.DataFrame({"source": [1, 2], "target": [2, 1]})
    extra = pd.DataFrame({"account_id": [9]})
    counts = _backend.follow_counts_nw(follows, accounts=extra)
    assert counts.rows() == [(1, 1, 1, 1), (2, 1, 1, 1), (9, 0, 0, 0)]
