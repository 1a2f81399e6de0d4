"""The posts a reader finds, collected column by column and built into the canonical table once.

Every reader meets posts one record at a time (a tweet, an outbox activity, a repo record).
:class:`PostRows` keeps them as plain column lists, which weigh far less than the records,
lets a reader fill in a parent author once every handle of the export is known, and builds
the typed columns of the posts table (``docs/definitions.md``, "The canonical tables") in
one step.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import schema

__all__ = ["PostRows"]


class PostRows:
    """Column lists of the posts read so far, plus the (post, account) pairs they mention.

    Examples
    --------
    >>> rows = PostRows()
    >>> row = rows.add("1", "me", "2026-01-01T00:00:00Z", "reply", parent_id="9")
    >>> rows.parent_author[row] = "ann"  # known once the whole export is read
    >>> rows.mention("1", "bob")
    >>> created = schema.to_timestamp(rows.created_at)
    >>> rows.frame(created)[["post_id", "kind", "parent_author"]]
      post_id   kind parent_author
    0       1  reply           ann
    >>> rows.mentions()["target"].tolist()
    ['bob']
    """

    def __init__(self, *, keep_text: bool = True) -> None:
        self.keep_text = keep_text
        self.post_id: list[str] = []
        self.author: list[str] = []
        self.created_at: list[Any] = []
        self.kind: list[str] = []
        self.parent_id: list[str | None] = []
        self.parent_author: list[str | None] = []
        self.root_id: list[str | None] = []
        self.root_author: list[str | None] = []
        self.visibility: list[str | None] = []
        self.text: list[str | None] = []
        self.seen: set[str] = set()
        self._mention_post: list[str] = []
        self._mention_target: list[str] = []

    def __len__(self) -> int:
        return len(self.post_id)

    def add(
        self,
        post_id: str,
        author: str,
        created_at: Any,
        kind: str,
        *,
        parent_id: str | None = None,
        parent_author: str | None = None,
        root_id: str | None = None,
        root_author: str | None = None,
        visibility: str | None = None,
        text: str | None = None,
    ) -> int:
        """Add one post; return its row number."""
        self.post_id.append(post_id)
        self.author.append(author)
        self.created_at.append(created_at)
        self.kind.append(kind)
        self.parent_id.append(parent_id)
        self.parent_author.append(parent_author)
        self.root_id.append(root_id)
        self.root_author.append(root_author)
        self.visibility.append(visibility)
        self.text.append(text if self.keep_text else None)
        self.seen.add(post_id)
        return len(self.post_id) - 1

    def mention(self, post_id: str, target: str) -> None:
        """Record that ``post_id`` mentions the account ``target``."""
        self._mention_post.append(post_id)
        self._mention_target.append(target)

    def mentions(self) -> pd.DataFrame:
        """The mentions as a frame (``post_id``, ``target``) for the interaction rules."""
        return pd.DataFrame(
            {
                "post_id": pd.Series(self._mention_post, dtype=schema.ID_DTYPE),
                "target": pd.Series(self._mention_target, dtype=schema.ID_DTYPE),
            }
        )

    def frame(self, created_at: pd.Series) -> pd.DataFrame:
        """The posts as typed columns, ``created_at`` parsed by the caller (one per row)."""
        n = len(self.post_id)
        out = pd.DataFrame(
            {
                "post_id": pd.Series(self.post_id, dtype=schema.ID_DTYPE),
                "author": pd.Series(self.author, dtype=schema.ID_DTYPE),
                "created_at": pd.Series(created_at.array, dtype=schema.TIMESTAMP_DTYPE),
                "kind": pd.Series(self.kind, dtype=object).astype(schema.POST_KIND_DTYPE),
                "parent_id": pd.Series(self.parent_id, dtype=schema.ID_DTYPE),
                "parent_author": pd.Series(self.parent_author, dtype=schema.ID_DTYPE),
                "root_id": pd.Series(self.root_id, dtype=schema.ID_DTYPE),
                "root_author": pd.Series(self.root_author, dtype=schema.ID_DTYPE),
                "visibility": pd.Series(self.visibility, dtype=object, index=range(n)).astype(
                    schema.VISIBILITY_DTYPE
                ),
            }
        )
        if self.keep_text:
            out["text"] = pd.Series(self.text, dtype=pd.StringDtype("pyarrow"))
        return out

    def release(self) -> None:
        """Drop every list once the tables are built, before the Archive validates them.

        The Python objects weigh about as much as the export's post file; holding them
        while the Archive coerces its tables was half of an import's peak memory.
        """
        for values in (
            self.post_id,
            self.author,
            self.created_at,
            self.kind,
            self.parent_id,
            self.parent_author,
            self.root_id,
            self.root_author,
            self.visibility,
            self.text,
            self._mention_post,
            self._mention_target,
        ):
            values.clear()
        self.seen.clear()
