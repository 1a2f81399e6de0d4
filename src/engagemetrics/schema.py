"""The canonical tables and their validation (``docs/definitions.md``, "The canonical tables").

Every importer produces these four tables and every metric reads only them:

========================  ===================================================================
table                     columns (dtype)
========================  ===================================================================
``follows``               ``source``, ``target`` (string ids), ``followed_at`` (UTC or NaT)
``posts``                 ``post_id``, ``author``, ``created_at``, ``kind`` (category),
                          ``parent_id``, ``parent_author``, ``root_id``, ``root_author``,
                          ``visibility`` (category), optional ``text``
``interactions``          ``actor``, ``target``, ``kind`` (category), ``created_at``,
                          ``post_id``, ``visibility``, ``is_self`` (bool)
``accounts``              ``account_id``, ``handle``, ``display_name``, ``aliases``
========================  ===================================================================

Ids are strings (``string[pyarrow]``): a 64-bit id never passes through a float.
Timestamps are ``datetime64[ns, UTC]``. The constructors here validate and coerce,
and raise our own exceptions with a message that says what to change. Records that a
constructor cannot take are counted in the ledger it attaches to the returned frame
(:mod:`engagemetrics.ledger`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .exceptions import (
    ColumnTypeError,
    InvalidArgumentError,
    MissingColumnsError,
    SchemaError,
    TimestampParseError,
    UnsupportedBackendError,
)
from .ledger import (
    DUPLICATE_EDGE,
    SELF_FOLLOW,
    SELF_INTERACTION,
    Ledger,
    attach_ledger,
    ledger_of,
)

__all__ = [
    "ACCOUNTS_COLUMNS",
    "ALIASES_DTYPE",
    "FOLLOWS_COLUMNS",
    "ID_DTYPE",
    "INTERACTIONS_COLUMNS",
    "INTERACTION_KINDS",
    "INTERACTION_KIND_DTYPE",
    "POSTS_COLUMNS",
    "POST_KINDS",
    "POST_KIND_DTYPE",
    "TIMESTAMP_DTYPE",
    "VISIBILITIES",
    "VISIBILITY_DTYPE",
    "accounts_table",
    "follows_table",
    "interactions_table",
    "is_canonical_posts",
    "posts_table",
    "require_columns",
    "to_id",
    "to_timestamp",
]

ID_DTYPE = pd.StringDtype("pyarrow")
TIMESTAMP_DTYPE = pd.DatetimeTZDtype("ns", "UTC")

POST_KINDS = ("post", "reply", "thread", "repost", "quote")
INTERACTION_KINDS = ("reply", "mention", "repost", "quote", "like")
VISIBILITIES = ("public", "unlisted", "followers", "direct")

POST_KIND_DTYPE = pd.CategoricalDtype(list(POST_KINDS))
INTERACTION_KIND_DTYPE = pd.CategoricalDtype(list(INTERACTION_KINDS))
VISIBILITY_DTYPE = pd.CategoricalDtype(list(VISIBILITIES))

FOLLOWS_COLUMNS = ("source", "target", "followed_at")
POSTS_COLUMNS = (
    "post_id",
    "author",
    "created_at",
    "kind",
    "parent_id",
    "parent_author",
    "root_id",
    "root_author",
    "visibility",
)
INTERACTIONS_COLUMNS = (
    "actor",
    "target",
    "kind",
    "created_at",
    "post_id",
    "visibility",
    "is_self",
)
ACCOUNTS_COLUMNS = ("account_id", "handle", "display_name", "aliases")
#: dtype of ``accounts.aliases``: a list of strings per account (Arrow-backed).
ALIASES_DTYPE = pd.ArrowDtype(pa.list_(pa.string()))


# --------------------------------------------------------------------------- coercion
def _require_frame(data: Any, table: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        return pd.DataFrame(dict(data))
    raise UnsupportedBackendError(
        f"the {table} table must be a pandas DataFrame (or a dict of columns), "
        f"got {type(data).__name__}; build one with pd.DataFrame(...) or read a file "
        f"with em.read_follows / em.read_posts"
    )


def require_columns(frame: pd.DataFrame, table: str, needed: Iterable[str]) -> None:
    """Raise :class:`~engagemetrics.MissingColumnsError` unless ``frame`` has every column of ``needed``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"source": []}), "follows", ["source", "target"])
    Traceback (most recent call last):
    ...
    engagemetrics.exceptions.MissingColumnsError: the follows table needs the column(s) ['target'], ...
    """
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise MissingColumnsError(table, missing, [str(c) for c in frame.columns])


def to_id(values: Any, *, column: str = "id", table: str = "table") -> pd.Series:
    """Coerce a column of account or post ids to the canonical string dtype.

    Integers become their decimal text. Floats are refused unless every value is a
    whole number below 2**53 (a 64-bit id that passed through a float has already
    lost digits). Missing values stay missing.

    Parameters
    ----------
    values : array-like
        The ids.
    column, table : str
        Names used in error messages.

    Returns
    -------
    pandas.Series
        dtype ``string[pyarrow]``.

    Raises
    ------
    ColumnTypeError
        If the values are floats with fractions or beyond 2**53, or of an
        unsupported type (dates, booleans).

    Examples
    --------
    >>> to_id([1964312974236991488, 7]).tolist()
    ['1964312974236991488', '7']
    >>> to_id(["did:plc:abc", None]).isna().tolist()
    [False, True]
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return s.astype(ID_DTYPE)
    kind = s.dtype.kind
    if kind in "iu":
        if s.hasnans:  # a nullable Int64/UInt64 column with <NA>: missing stays missing
            return s.astype(ID_DTYPE)
        return s.astype("int64" if kind == "i" else "uint64").astype(str).astype(ID_DTYPE)
    if kind == "f":
        finite = s.dropna()
        if len(finite) and (
            not np.all(np.mod(finite.to_numpy(), 1) == 0)
            or np.abs(finite.to_numpy()).max() >= 2**53
        ):
            raise ColumnTypeError(
                f"column {column!r} of the {table} table holds floating-point numbers, "
                "which cannot be ids (a 64-bit id read as a float has lost digits); "
                "read the file with the column as text, e.g. pd.read_csv(..., dtype=str)"
            )
        text = s.astype("Int64").astype(str).where(s.notna())
        return text.astype(ID_DTYPE)
    if kind in "bmMc":
        raise ColumnTypeError(
            f"column {column!r} of the {table} table holds {s.dtype} values, which cannot "
            "be account or post ids; pass the id column (text or integers)"
        )
    if kind == "O" or isinstance(s.dtype, (pd.StringDtype, pd.CategoricalDtype)):
        s = s.astype(object)
        bad = s.map(lambda v: not (v is None or v is pd.NA or isinstance(v, (str, int, np.integer)))
                    and not (isinstance(v, float) and np.isnan(v)))
        if bad.any():
            example = s[bad].iloc[0]
            raise ColumnTypeError(
                f"column {column!r} of the {table} table must hold ids as text or integers, "
                f"found a {type(example).__name__} ({example!r}); convert the column to text"
            )
        return s.map(lambda v: v if isinstance(v, str) or v is None or v is pd.NA
                     or (isinstance(v, float)) else str(v)).astype(ID_DTYPE)
    raise ColumnTypeError(
        f"column {column!r} of the {table} table has dtype {s.dtype}, which cannot hold ids"
    )


def to_timestamp(
    values: Any,
    *,
    column: str = "timestamp",
    table: str = "table",
    errors: str = "raise",
    unit: str = "s",
) -> pd.Series:
    """Parse a column of timestamps to ``datetime64[ns, UTC]``.

    Strings are parsed as ISO 8601 (with or without an offset; without one they
    are taken as UTC), numbers as Unix time in ``unit``, naive datetimes as UTC.

    Parameters
    ----------
    values : array-like
    column, table : str
        Names used in error messages.
    errors : {"raise", "coerce"}
        ``"raise"`` (default) raises :class:`TimestampParseError` naming examples of
        the values that are not dates; ``"coerce"`` makes them missing (callers count
        them in the ledger).
    unit : str
        Unit of numeric timestamps, ``"s"`` (Unix seconds) by default.

    Examples
    --------
    >>> to_timestamp(["2026-03-06T13:02:05Z", "2026-03-06 14:02:05+01:00"]).tolist()
    [Timestamp('2026-03-06 13:02:05+0000', tz='UTC'), Timestamp('2026-03-06 13:02:05+0000', tz='UTC')]
    >>> to_timestamp([1341100972]).iloc[0]
    Timestamp('2012-07-01 00:02:52+0000', tz='UTC')
    """
    if errors not in ("raise", "coerce"):
        raise InvalidArgumentError(f"errors must be 'raise' or 'coerce', got {errors!r}")
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE)
    if s.dtype.kind == "M":
        return s.dt.tz_localize("UTC").astype(TIMESTAMP_DTYPE)
    if s.dtype.kind in "iuf":
        out = pd.to_datetime(s, unit=unit, utc=True, errors="coerce")  # type: ignore[call-overload]  # pandas-stubs: unit= takes a str alias; "s" is one
        bad = out.isna() & s.notna()
    else:
        obj = s.astype(object)
        present = obj.notna() & (obj.astype(str).str.strip() != "")
        out = pd.to_datetime(obj.where(present), utc=True, errors="coerce", format="mixed")
        bad = out.isna() & present
    if bad.any() and errors == "raise":
        examples = ", ".join(repr(v) for v in s[bad].unique()[:3])
        raise TimestampParseError(
            f"column {column!r} of the {table} table has {int(bad.sum())} value(s) that are "
            f"not timestamps, e.g. {examples}; expected ISO 8601 text "
            "(2026-03-06T13:02:05Z), datetimes, or Unix seconds. Fix the values, or pass "
            "errors='coerce' to make them missing and count them in the ledger"
        )
    return out.astype(TIMESTAMP_DTYPE)


def _rename(frame: pd.DataFrame, mapping: Mapping[str, str | None]) -> pd.DataFrame:
    """Select and rename user columns to canonical names (mapping canonical -> user)."""
    return frame.rename(columns={v: k for k, v in mapping.items() if v is not None and v != k})


def _category(values: Any, dtype: pd.CategoricalDtype, *, column: str, table: str) -> pd.Series:
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype) and list(s.dtype.categories) == list(
        dtype.categories
    ):
        return s
    # Each distinct value is checked and mapped once; rows keep only their codes (a column
    # of a million "like" is one string here, not a million).
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    lowered = [str(u).strip().lower() for u in uniques]
    categories = list(dtype.categories)
    unknown = sorted(set(lowered) - set(categories))
    if unknown:
        raise SchemaError(
            f"column {column!r} of the {table} table has values {unknown[:5]!r} outside "
            f"{categories!r}; map them to one of these"
        )
    # position -1 (a missing value's code) reads the last entry, which is -1: missing
    to_category = np.array([categories.index(v) for v in lowered] + [-1], dtype=np.int64)
    return pd.Series(
        pd.Categorical.from_codes(to_category[codes], dtype=dtype), index=s.index, name=s.name
    )


_HASH_CHUNK = 65_536


def _duplicated(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """``frame.duplicated(columns)`` as a boolean array, in memory bounded per row.

    pandas hashes string columns through one Python object per value (about 250 bytes a
    row for the whole column at once); here each chunk of rows is hashed to 64 bits and
    dropped, and only rows whose hashes repeat are compared exactly with pandas, so a
    hash collision can never mark a row as a duplicate.
    """
    n = len(frame)
    if n == 0:
        return np.zeros(0, dtype=bool)
    key = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in columns:
            col = frame[column]
            for start in range(0, n, _HASH_CHUNK):
                part = col.iloc[start:start + _HASH_CHUNK]
                # a missing value hashes like "": the exact comparison tells them apart
                values = part.to_numpy(dtype=object, na_value="")
                hashed = pd.util.hash_array(values, categorize=False)
                key[start:start + _HASH_CHUNK] = (
                    key[start:start + _HASH_CHUNK] * np.uint64(1_000_003) + hashed
                )
    maybe = pd.Series(key).duplicated(keep=False).to_numpy()
    out = np.zeros(n, dtype=bool)
    if maybe.any():
        out[np.flatnonzero(maybe)] = frame.loc[maybe, columns].duplicated().to_numpy()
    return out


def keep_rows(frame: pd.DataFrame, keep: Any) -> pd.DataFrame:
    """The rows of ``frame`` where ``keep`` is true, numbered from 0; ``frame`` itself when
    every row is kept.

    Each column is filtered on its own: on Arrow string columns held in several chunks,
    ``frame[keep]`` (rows taken by position) was measured to hold about three times the
    memory of the rows it kept; a filter per column holds about what it keeps.

    Parameters
    ----------
    frame : pandas.DataFrame
    keep : array-like of bool
        One value per row.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> f = pd.DataFrame({"a": ["x", "y", "z"], "b": [1, 2, 3]})
    >>> keep_rows(f, [True, False, True])
       a  b
    0  x  1
    1  z  3
    """
    mask = np.asarray(keep, dtype=bool)
    if mask.all():
        return frame
    out = pd.DataFrame(
        {c: frame[c].array[mask] for c in frame.columns},
        index=pd.RangeIndex(int(mask.sum())),
    )
    out.attrs = frame.attrs
    return out


# --------------------------------------------------------------------------- follows
def follows_table(
    data: Any,
    *,
    source: str = "source",
    target: str = "target",
    followed_at: str | None = "followed_at",
    errors: str = "raise",
    origin: str = "follows",
) -> pd.DataFrame:
    """Validate and coerce a follow table: one row per directed edge, ``source`` follows ``target``.

    Rows whose source or target is missing cannot be an edge: they are dropped and
    counted in the ledger. Duplicate edges and self-follows are kept as they are in
    the input (metrics collapse and drop them by default, see ``multi=`` and
    ``loops=``) and flagged in the ledger.

    Parameters
    ----------
    data : pandas.DataFrame or dict of columns
    source, target, followed_at : str
        Names of the columns in ``data`` (``followed_at`` may be absent or None).
    errors : {"raise", "coerce"}
        What to do with unparseable ``followed_at`` values (see :func:`to_timestamp`).
    origin : str
        Name of the input, used in the ledger's ``source`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target`` (``string[pyarrow]``), ``followed_at``
        (``datetime64[ns, UTC]``), with the ledger in ``.attrs["ledger"]`` (read it with :func:`ledger_of`).

    Raises
    ------
    MissingColumnsError
        If ``source`` or ``target`` is not a column.

    Examples
    --------
    >>> f = follows_table(pd.DataFrame({"src": [1, 2], "dst": [2, 1]}), source="src", target="dst")
    >>> f
      source target followed_at
    0      1      2         NaT
    1      2      1         NaT
    >>> f.dtypes.astype(str).tolist()
    ['string', 'string', 'datetime64[ns, UTC]']
    """
    frame = _require_frame(data, "follows")
    require_columns(frame, "follows", [source, target])
    ledger = Ledger()
    ledger.extend(ledger_of(frame), structural=False)
    out = pd.DataFrame(
        {
            "source": to_id(frame[source], column=source, table="follows").array,
            "target": to_id(frame[target], column=target, table="follows").array,
        }
    ).astype({"source": ID_DTYPE, "target": ID_DTYPE})
    if followed_at is not None and followed_at in frame.columns:
        ts = to_timestamp(frame[followed_at], column=followed_at, table="follows", errors=errors)
        ledger.add(
            origin,
            "follow",
            "followed_at is not a timestamp (kept the edge, time set missing)",
            int((ts.isna() & frame[followed_at].notna()).sum()),
            action="flagged",
        )
        out["followed_at"] = ts.array
    else:
        out["followed_at"] = pd.Series(pd.NaT, index=out.index, dtype=TIMESTAMP_DTYPE)
    out = out.astype({"followed_at": TIMESTAMP_DTYPE})
    missing = out["source"].isna() | out["target"].isna()
    ledger.add(origin, "follow", "source or target id missing", int(missing.sum()))
    out = keep_rows(out, ~missing)
    loops = out["source"] == out["target"]
    ledger.add(origin, "follow", SELF_FOLLOW, int(loops.sum()),
               action="flagged")
    dup = _duplicated(out, ["source", "target"])
    ledger.add(origin, "follow", DUPLICATE_EDGE,
               int(dup.sum()), action="flagged")
    return attach_ledger(out, ledger)


# --------------------------------------------------------------------------- posts
def posts_table(
    data: Any,
    *,
    columns: Mapping[str, str] | None = None,
    errors: str = "raise",
    origin: str = "posts",
) -> pd.DataFrame:
    """Validate and coerce a posts table (one row per item authored by an account).

    ``post_id``, ``author``, ``created_at`` and ``kind`` are required; the other
    canonical columns are filled with missing values when absent. ``kind`` must be
    one of :data:`POST_KINDS`; ``visibility`` one of :data:`VISIBILITIES` or missing
    (unknown). ``text`` is kept when present. Rows without an id or author are
    dropped and counted; duplicate ``post_id`` rows after the first are dropped and
    counted.

    Parameters
    ----------
    data : pandas.DataFrame or dict of columns
    columns : mapping, optional
        Canonical name -> name in ``data``, e.g. ``{"author": "user_id"}``.
    errors : {"raise", "coerce"}
        For unparseable ``created_at`` values: raise, or drop the row and count it.
    origin : str
        Name of the input, used in the ledger.

    Returns
    -------
    pandas.DataFrame
        The canonical posts table; :func:`ledger_of` gives its ledger.

    Examples
    --------
    >>> p = posts_table({"post_id": [1, 2], "author": ["me", "me"],
    ...                  "created_at": ["2026-01-01", "2026-01-02"],
    ...                  "kind": ["post", "reply"], "parent_author": [None, "you"]})
    >>> p[["post_id", "kind", "parent_author"]]
      post_id   kind parent_author
    0       1   post          <NA>
    1       2  reply           you
    """
    frame = _require_frame(data, "posts")
    if columns:
        frame = _rename(frame, columns)
    require_columns(frame, "posts", ["post_id", "author", "created_at", "kind"])
    ledger = Ledger()
    ledger.extend(ledger_of(frame), structural=False)
    n = len(frame)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    for col in ("post_id", "author"):
        out[col] = to_id(frame[col], column=col, table="posts").array
    created = to_timestamp(frame["created_at"], column="created_at", table="posts", errors=errors)
    out["created_at"] = created.array
    out["kind"] = _category(frame["kind"], POST_KIND_DTYPE, column="kind", table="posts").array
    for col in ("parent_id", "parent_author", "root_id", "root_author"):
        if col in frame.columns:
            out[col] = to_id(frame[col], column=col, table="posts").array
        else:
            out[col] = pd.Series(pd.NA, index=out.index, dtype=ID_DTYPE)
    if "visibility" in frame.columns:
        out["visibility"] = _category(
            frame["visibility"], VISIBILITY_DTYPE, column="visibility", table="posts"
        ).array
    else:
        out["visibility"] = pd.Categorical([None] * n, dtype=VISIBILITY_DTYPE)
    if "text" in frame.columns:
        text = frame["text"]
        if isinstance(text.dtype, pd.StringDtype):  # no detour through Python objects
            out["text"] = text.astype(pd.StringDtype("pyarrow")).array
        else:
            out["text"] = text.astype(object).to_numpy()
            out["text"] = out["text"].astype(pd.StringDtype("pyarrow"))
    out = out.astype(
        {
            "post_id": ID_DTYPE,
            "author": ID_DTYPE,
            "parent_id": ID_DTYPE,
            "parent_author": ID_DTYPE,
            "root_id": ID_DTYPE,
            "root_author": ID_DTYPE,
            "created_at": TIMESTAMP_DTYPE,
            "kind": POST_KIND_DTYPE,
            "visibility": VISIBILITY_DTYPE,
        }
    )
    bad_time = out["created_at"].isna()
    ledger.add(origin, "post", "created_at missing or not a timestamp", int(bad_time.sum()))
    no_id = out["post_id"].isna() | out["author"].isna()
    ledger.add(origin, "post", "post_id or author missing", int((no_id & ~bad_time).sum()))
    no_kind = out["kind"].isna() & ~no_id & ~bad_time
    ledger.add(origin, "post", "kind missing", int(no_kind.sum()))
    out = keep_rows(out, ~(bad_time | no_id | no_kind))
    dup = _duplicated(out, ["post_id"])
    ledger.add(origin, "post", "duplicate post_id (kept the first)", int(dup.sum()))
    out = keep_rows(out, ~dup)
    return attach_ledger(out, ledger)


# --------------------------------------------------------------------------- interactions
def interactions_table(
    data: Any,
    *,
    columns: Mapping[str, str] | None = None,
    errors: str = "raise",
    origin: str = "interactions",
) -> pd.DataFrame:
    """Validate and coerce an interactions table (directed acts from ``actor`` to ``target``).

    ``actor``, ``target`` and ``kind`` are required (``kind`` one of
    :data:`INTERACTION_KINDS`); ``created_at``, ``post_id`` and ``visibility`` are
    filled with missing values when absent; ``is_self`` is computed. Rows without
    actor or target are dropped and counted.

    Examples
    --------
    >>> it = interactions_table({"actor": [1, 2], "target": [2, 2], "kind": ["reply", "mention"]})
    >>> it[["actor", "target", "kind", "is_self"]]
      actor target     kind  is_self
    0     1      2    reply    False
    1     2      2  mention     True
    """
    frame = _require_frame(data, "interactions")
    if columns:
        frame = _rename(frame, columns)
    require_columns(frame, "interactions", ["actor", "target", "kind"])
    ledger = Ledger()
    ledger.extend(ledger_of(frame), structural=False)
    n = len(frame)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["actor"] = to_id(frame["actor"], column="actor", table="interactions").array
    out["target"] = to_id(frame["target"], column="target", table="interactions").array
    out["kind"] = _category(
        frame["kind"], INTERACTION_KIND_DTYPE, column="kind", table="interactions"
    ).array
    if "created_at" in frame.columns:
        out["created_at"] = to_timestamp(
            frame["created_at"], column="created_at", table="interactions", errors=errors
        ).array
    else:
        out["created_at"] = pd.Series(pd.NaT, index=out.index, dtype=TIMESTAMP_DTYPE)
    if "post_id" in frame.columns:
        out["post_id"] = to_id(frame["post_id"], column="post_id", table="interactions").array
    else:
        out["post_id"] = pd.Series(pd.NA, index=out.index, dtype=ID_DTYPE)
    if "visibility" in frame.columns:
        out["visibility"] = _category(
            frame["visibility"], VISIBILITY_DTYPE, column="visibility", table="interactions"
        ).array
    else:
        out["visibility"] = pd.Categorical([None] * n, dtype=VISIBILITY_DTYPE)
    out = out.astype(
        {
            "actor": ID_DTYPE,
            "target": ID_DTYPE,
            "kind": INTERACTION_KIND_DTYPE,
            "created_at": TIMESTAMP_DTYPE,
            "post_id": ID_DTYPE,
            "visibility": VISIBILITY_DTYPE,
        }
    )
    missing = out["actor"].isna() | out["target"].isna() | out["kind"].isna()
    ledger.add(origin, "interaction", "actor, target or kind missing", int(missing.sum()))
    out = keep_rows(out, ~missing)
    out["is_self"] = (out["actor"] == out["target"]).astype(bool)
    ledger.add(origin, "interaction", SELF_INTERACTION,
               int(out["is_self"].sum()), action="flagged")
    return attach_ledger(out, ledger)


# --------------------------------------------------------------------------- accounts
def _alias_list(value: Any, account_id: Any) -> list[str]:
    """One cell of ``aliases`` as a list of distinct strings without the account's own id."""
    own = account_id if isinstance(account_id, str) else None
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        items: Iterable[Any] = [value]
    elif isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Series)):
        items = value
    else:
        raise ColumnTypeError(
            f"column 'aliases' of the accounts table must hold lists of account forms (str), "
            f"found a {type(value).__name__} ({value!r}); give a list per account, e.g. "
            "[\"bob@mastodon.social\"]"
        )
    out: list[str] = []
    for item in items:
        if item is None or item is pd.NA or (isinstance(item, float) and np.isnan(item)):
            continue
        if not isinstance(item, str):
            raise ColumnTypeError(
                f"column 'aliases' of the accounts table must hold strings, found a "
                f"{type(item).__name__} ({item!r}) among the aliases of {account_id!r}"
            )
        text = item.strip()
        if text and text != own and text not in out:
            out.append(text)
    return out


def accounts_table(data: Any = None, *, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Validate and coerce an accounts table: one row per account, by its canonical id.

    ``account_id`` is required; ``handle``, ``display_name`` and ``aliases`` are optional.
    ``aliases`` lists every other form under which the export names the account (a
    past handle, ``user@host``, a profile URL), as a list of strings per account; see
    ``docs/importers.md``, "One account, one id". Rows without an id are dropped.
    Duplicate account ids become one row that keeps the last non-missing handle and
    display name and the union of the aliases (in the order first seen).

    Parameters
    ----------
    data : pandas.DataFrame or dict of columns, optional
        None gives an empty table.
    columns : mapping, optional
        Canonical name -> name in ``data``, e.g. ``{"account_id": "did"}``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ACCOUNTS_COLUMNS`: ``account_id`` and ``handle``
        (``string[pyarrow]``), ``display_name`` (``string[pyarrow]``) and ``aliases``
        (:data:`ALIASES_DTYPE`, an empty list when none is known).

    Raises
    ------
    MissingColumnsError
        ``account_id`` is not a column.
    ColumnTypeError
        ``aliases`` holds something other than lists of strings.

    Examples
    --------
    >>> a = accounts_table({"account_id": [1, 1], "handle": ["old", "new"],
    ...                     "aliases": [["old"], ["@old", "1"]]})
    >>> a[["account_id", "handle", "display_name"]]
      account_id handle display_name
    0          1    new         <NA>
    >>> a["aliases"].tolist()
    [['old', '@old']]
    """
    if data is None:
        data = {"account_id": []}
    frame = _require_frame(data, "accounts")
    if columns:
        frame = _rename(frame, columns)
    require_columns(frame, "accounts", ["account_id"])
    ids = to_id(frame["account_id"], column="account_id", table="accounts")
    out = pd.DataFrame({"account_id": ids.array})
    for col in ("handle", "display_name"):
        vals = frame[col].astype(object) if col in frame.columns else pd.Series([None] * len(frame))
        out[col] = vals.to_numpy()
    out = out.astype(
        {"account_id": ID_DTYPE, "handle": ID_DTYPE, "display_name": pd.StringDtype("pyarrow")}
    )
    if "aliases" in frame.columns:
        aliases = [
            _alias_list(value, account_id)
            for value, account_id in zip(
                frame["aliases"].astype(object).tolist(), ids.tolist(), strict=True
            )
        ]
    else:
        aliases = [[] for _ in range(len(frame))]
    keep = out["account_id"].notna().to_numpy()
    out = out[keep].reset_index(drop=True)
    aliases = [a for a, k in zip(aliases, keep, strict=True) if k]
    if out["account_id"].duplicated().any():
        merged: dict[str, list[str]] = {}
        for account_id, forms in zip(out["account_id"].tolist(), aliases, strict=True):
            known = merged.setdefault(account_id, [])
            known.extend(f for f in forms if f not in known)
        out = out.groupby("account_id", sort=False, as_index=False).agg("last")
        out = out.astype(
            {"account_id": ID_DTYPE, "handle": ID_DTYPE, "display_name": pd.StringDtype("pyarrow")}
        )
        aliases = [merged[a] for a in out["account_id"].tolist()]
    out["aliases"] = pd.Series(
        pa.array(aliases, type=pa.list_(pa.string())), dtype=ALIASES_DTYPE, index=out.index
    )
    return out.reset_index(drop=True)


def is_canonical_posts(frame: Any) -> bool:
    """Whether ``frame`` already is a canonical posts table (columns and dtypes).

    Examples
    --------
    >>> is_canonical_posts(posts_table({"post_id": [1], "author": ["me"],
    ...                                 "created_at": ["2026-01-01"], "kind": ["post"]}))
    True
    >>> is_canonical_posts(pd.DataFrame({"post_id": [1]}))
    False
    """
    return (
        isinstance(frame, pd.DataFrame)
        and all(c in frame.columns for c in POSTS_COLUMNS)
        and frame["kind"].dtype == POST_KIND_DTYPE
        and frame["created_at"].dtype == TIMESTAMP_DTYPE
        and frame["author"].dtype == ID_DTYPE
    )
