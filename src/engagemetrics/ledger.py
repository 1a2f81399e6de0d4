"""The data-quality ledger: every record an input held that is not in a table, or is kept under a convention.

A ledger is a DataFrame with the columns ``source``, ``record_kind``, ``count``,
``reason``, ``action``. ``action`` is ``"dropped"`` (the record is in no table) or
``"flagged"`` (it is in a table, and metrics treat it by a named convention such as
``loops="drop"``). The table constructors of :mod:`engagemetrics.schema` attach their
ledger to the frame they return (read it with :func:`ledger_of`), and
:class:`engagemetrics.Archive` collects them into ``archive.ledger``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .exceptions import InvalidArgumentError

__all__ = [
    "DUPLICATE_EDGE",
    "LEDGER_COLUMNS",
    "SELF_FOLLOW",
    "SELF_INTERACTION",
    "Ledger",
    "attach_ledger",
    "ledger_of",
]

LEDGER_COLUMNS = ("source", "record_kind", "count", "reason", "action")

#: Reasons of the flags that the table constructors compute from a table's own rows.
SELF_FOLLOW = "self-follow (metrics drop it: loops='drop')"
DUPLICATE_EDGE = "duplicate edge (metrics collapse it: multi='collapse')"
SELF_INTERACTION = "self-interaction (kept; metrics exclude it by default)"
# Recomputed on every validation, so never carried from one table to its copy.
_STRUCTURAL_REASONS = frozenset({SELF_FOLLOW, DUPLICATE_EDGE, SELF_INTERACTION})
_ACTIONS = ("dropped", "flagged")
_ATTR = "ledger"


class Ledger:
    """Collects the records that were not taken into a table, and why.

    Examples
    --------
    >>> led = Ledger()
    >>> led.add("follows.csv", "follow", "source id missing", count=2)
    >>> led.add("follows.csv", "follow", "source id missing")
    >>> led.to_frame()[["record_kind", "count", "reason"]]
      record_kind  count             reason
    0      follow      3  source id missing
    """

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, str, str], int] = {}

    def add(
        self,
        source: str,
        record_kind: str,
        reason: str,
        count: int = 1,
        *,
        action: str = "dropped",
    ) -> None:
        """Count ``count`` records of ``record_kind`` from ``source`` for ``reason``."""
        if action not in _ACTIONS:
            raise InvalidArgumentError(f"action must be one of {_ACTIONS}, got {action!r}")
        count = int(count)
        if count <= 0:
            return
        key = (str(source), str(record_kind), str(reason), action)
        self._counts[key] = self._counts.get(key, 0) + count

    def extend(self, frame: pd.DataFrame | None, *, structural: bool = True) -> None:
        """Add every row of a ledger DataFrame.

        With ``structural=False`` the flags that the table constructors recompute
        from the table itself (self-follows, duplicate edges, self-interactions) are
        skipped, so a table validated twice, or an archive copied with
        :meth:`engagemetrics.Archive.replace`, is not flagged twice.
        """
        if frame is None or len(frame) == 0:
            return
        for source, kind, count, reason, action in frame[list(LEDGER_COLUMNS)].itertuples(
            index=False, name=None
        ):
            if not structural and reason in _STRUCTURAL_REASONS:
                continue
            self.add(str(source), str(kind), str(reason), int(count), action=str(action))

    def __len__(self) -> int:
        return len(self._counts)

    def to_frame(self) -> pd.DataFrame:
        """The ledger as a DataFrame with the columns of :data:`LEDGER_COLUMNS`."""
        rows = [(s, k, c, r, a) for (s, k, r, a), c in self._counts.items()]
        frame = pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))
        return frame.astype({"count": "int64"})


def ledger_of(frame: Any) -> pd.DataFrame:
    """The ledger a table constructor attached to ``frame`` (empty if none).

    Examples
    --------
    >>> from engagemetrics.schema import follows_table
    >>> f = follows_table(pd.DataFrame({"source": ["a", "a"], "target": ["b", "b"]}))
    >>> ledger_of(f)[["record_kind", "count", "action"]]
      record_kind  count   action
    0      follow      1  flagged
    """
    rows = frame.attrs.get(_ATTR) if hasattr(frame, "attrs") else None
    if rows is None:
        return Ledger().to_frame()
    if isinstance(rows, pd.DataFrame):
        return rows.astype({"count": "int64"})
    return pd.DataFrame(list(rows), columns=list(LEDGER_COLUMNS)).astype({"count": "int64"})


def attach_ledger(frame: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Attach ``ledger`` to ``frame`` (in ``frame.attrs``) and return ``frame``.

    The rows are stored as a tuple of plain tuples, not a DataFrame: pandas compares
    attrs with ``==`` when it propagates them (concat, merge), which a DataFrame cannot
    answer.

    Examples
    --------
    >>> led = Ledger()
    >>> led.add("in.csv", "post", "kind missing")
    >>> ledger_of(attach_ledger(pd.DataFrame(), led))["count"].tolist()
    [1]
    """
    frame.attrs[_ATTR] = tuple(tuple(row) for row in ledger.to_frame().itertuples(index=False))
    return frame
