"""The interactions table derived from posts, mentions and likes, by the rules of the definitions.

The rules (``docs/definitions.md``, "The canonical tables") are written once, here: the
importers and :class:`engagemetrics.Archive` call :func:`interactions_from_posts`, and the
metrics' fast path computes the same rule on encoded columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import (
    INTERACTION_KIND_DTYPE,
    INTERACTIONS_COLUMNS,
    interactions_table,
    is_canonical_posts,
    keep_rows,
    posts_table,
    require_columns,
    to_id,
)

__all__ = ["interactions_from_posts"]


def _kinds(names: list[str | None], codes: np.ndarray) -> pd.Categorical:
    """Interaction kinds from codes into ``names`` (code -1 or a name None: missing),
    without a string per row."""
    categories = list(INTERACTION_KIND_DTYPE.categories)
    to_kind = np.array([-1 if n is None else categories.index(n) for n in names] + [-1],
                       dtype=np.int64)
    return pd.Categorical.from_codes(to_kind[codes], dtype=INTERACTION_KIND_DTYPE)


def interactions_from_posts(
    posts: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    likes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Derive the interactions table from posts (``docs/definitions.md``, "The canonical tables").

    Rules:

    * a ``reply`` or ``thread`` post is a ``reply`` interaction to its ``parent_author``;
    * a ``repost`` or ``quote`` is an interaction of that kind to its ``parent_author``
      (the original author);
    * each row of ``mentions`` (``post_id``, ``target``) is a ``mention``, except:
      a mention of the parent author in a reply (the leading ``@handle`` a reply
      carries is the reply itself, not an extra mention), any mention in a repost
      (``RT @x:`` is not a mention, and the reposted text's mentions are the original
      author's), and repeated mentions of one account in one post;
    * each row of ``likes`` (``actor``, ``target``, optional ``created_at``, ``post_id``)
      is a ``like``;
    * self-interactions are kept and flagged in ``is_self``.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table.
    mentions : pandas.DataFrame, optional
        One row per (post, mentioned account): columns ``post_id``, ``target``.
    likes : pandas.DataFrame, optional
        One row per like whose liked author is known.

    Returns
    -------
    pandas.DataFrame
        A canonical interactions table, sorted by ``created_at``.

    Examples
    --------
    >>> p = posts_table({"post_id": ["1", "2"], "author": ["me", "me"],
    ...                  "created_at": ["2026-01-01", "2026-01-02"], "kind": ["reply", "post"],
    ...                  "parent_id": ["9", None], "parent_author": ["ann", None]})
    >>> m = pd.DataFrame({"post_id": ["1", "1", "2"], "target": ["ann", "bob", "bob"]})
    >>> interactions_from_posts(p, mentions=m)[["actor", "target", "kind", "post_id"]]
      actor target     kind post_id
    0    me    ann    reply       1
    1    me    bob  mention       1
    2    me    bob  mention       2
    """
    posts = posts if is_canonical_posts(posts) else posts_table(posts)
    # the parts are built in a function of their own, so that nothing else holds them
    parts = _interaction_parts(posts, mentions, likes)
    if parts:
        frame = pd.concat(parts, ignore_index=True)  # one kind dtype: stays categorical
    else:
        frame = pd.DataFrame({c: [] for c in ("actor", "target", "kind")})
    out = interactions_table(frame, origin="posts")
    del frame, parts
    return _by_time(out)


def _interaction_parts(
    posts: pd.DataFrame, mentions: pd.DataFrame | None, likes: pd.DataFrame | None
) -> list[pd.DataFrame]:
    """The replies, reposts and quotes; the mentions; the likes: one frame each."""
    parts = []
    has_parent = posts["parent_author"].notna()
    reply_like = posts["kind"].isin(["reply", "thread"]) & has_parent
    amplify = posts["kind"].isin(["repost", "quote"]) & has_parent
    # only the columns an interaction takes (not the text) are copied with the rows
    direct = keep_rows(
        posts[["author", "parent_author", "kind", "created_at", "post_id", "visibility"]],
        (reply_like | amplify).to_numpy(),
    )
    if len(direct):
        # a thread post is a reply to oneself: the kinds map category to category ("post"
        # rows are not among them)
        as_interaction = {"reply": "reply", "thread": "reply", "repost": "repost",
                          "quote": "quote"}
        kind = _kinds(
            [as_interaction.get(c) for c in direct["kind"].cat.categories],
            direct["kind"].cat.codes.to_numpy(),
        )
        parts.append(
            pd.DataFrame(
                {
                    "actor": direct["author"].array,
                    "target": direct["parent_author"].array,
                    "kind": kind,
                    "created_at": direct["created_at"].array,
                    "post_id": direct["post_id"].array,
                    "visibility": direct["visibility"].array,
                }
            )
        )
    if mentions is not None and len(mentions):
        require_columns(mentions, "mentions", ["post_id", "target"])
        m = pd.DataFrame(
            {
                "post_id": to_id(mentions["post_id"], column="post_id", table="mentions").array,
                "target": to_id(mentions["target"], column="target", table="mentions").array,
            }
        ).dropna()
        m = m.drop_duplicates(["post_id", "target"])
        joined = m.merge(
            posts[["post_id", "author", "created_at", "kind", "parent_author", "visibility"]],
            on="post_id",
            how="inner",
        )
        is_reply = joined["kind"].isin(["reply", "thread"])
        parent_mention = is_reply & (joined["target"] == joined["parent_author"]).fillna(False)
        keep = ~parent_mention & (joined["kind"] != "repost")
        joined = keep_rows(joined, keep.astype(bool).to_numpy())
        parts.append(
            pd.DataFrame(
                {
                    "actor": joined["author"].array,
                    "target": joined["target"].array,
                    "kind": _kinds(["mention"], np.zeros(len(joined), dtype=np.int8)),
                    "created_at": joined["created_at"].array,
                    "post_id": joined["post_id"].array,
                    "visibility": joined["visibility"].array,
                }
            )
        )
    if likes is not None and len(likes):
        lk = likes.copy()
        lk["kind"] = _kinds(["like"], np.zeros(len(lk), dtype=np.int8))
        parts.append(lk[[c for c in lk.columns if c in INTERACTIONS_COLUMNS]])
    return parts


def _by_time(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` in the order of ``created_at`` (stable; missing times last).

    The times are compared as int64 nanoseconds (not one Timestamp object per row), and
    the columns are reordered one at a time, each dropped from ``table`` as its sorted
    copy is made, so that the table is not held twice.
    """
    when = table["created_at"]
    key = when.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT")).view(np.int64)
    key = np.where(when.isna().to_numpy(), np.iinfo(np.int64).max, key)
    if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
        return table
    order = np.argsort(key, kind="stable")
    attrs = table.attrs
    columns = {}
    for column in list(table.columns):
        columns[column] = table.pop(column).array.take(order)
    result = pd.DataFrame(columns, index=pd.RangeIndex(len(order)))
    result.attrs = attrs
    return result
