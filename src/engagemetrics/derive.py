"""The interactions table derived from posts, mentions and likes, by the rules of the definitions.

The rules (``docs/definitions.md``, "The canonical tables") are written once, here: the
importers and :class:`engagemetrics.Archive` call :func:`interactions_from_posts`, and the
metrics' fast path computes the same rule on encoded columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import (
    INTERACTIONS_COLUMNS,
    interactions_table,
    is_canonical_posts,
    posts_table,
    require_columns,
    to_id,
)

__all__ = ["interactions_from_posts"]


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
    parts = []
    has_parent = posts["parent_author"].notna()
    reply_like = posts["kind"].isin(["reply", "thread"]) & has_parent
    amplify = posts["kind"].isin(["repost", "quote"]) & has_parent
    direct = posts[reply_like | amplify]
    if len(direct):
        kind = direct["kind"].astype(object).replace({"thread": "reply"})
        parts.append(
            pd.DataFrame(
                {
                    "actor": direct["author"].array,
                    "target": direct["parent_author"].array,
                    "kind": kind.array,
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
        joined = joined[keep.astype(bool)]
        parts.append(
            pd.DataFrame(
                {
                    "actor": joined["author"].array,
                    "target": joined["target"].array,
                    "kind": "mention",
                    "created_at": joined["created_at"].array,
                    "post_id": joined["post_id"].array,
                    "visibility": joined["visibility"].array,
                }
            )
        )
    if likes is not None and len(likes):
        lk = likes.copy()
        lk["kind"] = "like"
        parts.append(lk[[c for c in lk.columns if c in INTERACTIONS_COLUMNS]])
    if parts:
        frame = pd.concat([p.astype({"kind": object}) for p in parts], ignore_index=True)
    else:
        frame = pd.DataFrame({c: [] for c in ("actor", "target", "kind")})
    out = interactions_table(frame, origin="posts")
    order = np.argsort(out["created_at"].to_numpy(), kind="stable")
    result = out.iloc[order].reset_index(drop=True)
    result.attrs = out.attrs
    return result
