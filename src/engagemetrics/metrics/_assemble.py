"""Results in the documented shape: pandas frames of per-account arrays, and what is unknown.

Every per-account pandas result is built here (:func:`pandas_frame`: ``account`` index, Int64
counts, float64 ratios) and every one gets its missing values here (:func:`mask_unknown`):
the columns an export does not cover are NA for the accounts it covers, with the reasons in
``frame.attrs["unknown"]``; with one account's export, the rows of every other account are NA
throughout (the export covers its owner only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..coverage import Coverage
from ._definitions import is_count
from ._prepare import unknown_columns

__all__ = ["OTHER_ACCOUNTS", "mask_unknown", "missing_column", "pandas_frame"]

#: Why the rows of other accounts are missing in a table made from one account's export.
OTHER_ACCOUNTS = (
    "an account's export covers its owner only; other accounts appear in it only through "
    "their relationship with the owner"
)


def pandas_frame(
    arrays: Mapping[str, np.ndarray],
    rows: np.ndarray | None,
    index: pd.Index,
    columns: Iterable[str],
) -> pd.DataFrame:
    """The rows ``rows`` (None: all) of per-code ``arrays`` as a frame: Int64 counts, float64
    ratios."""
    data: dict[str, Any] = {}
    for column in columns:
        values = np.asarray(arrays[column])
        if rows is not None:
            values = values[rows]
        if is_count(column):
            data[column] = pd.arrays.IntegerArray(
                values.astype(np.int64, copy=False), np.zeros(values.shape[0], dtype=bool)
            )
        else:
            data[column] = values.astype(np.float64, copy=False)
    return pd.DataFrame(data, index=index, copy=False)  # the arrays are ours: no copy


def missing_column(frame: pd.DataFrame, column: str) -> None:
    """Make ``column`` missing in every row of ``frame``, in place, keeping its dtype."""
    if is_count(column):
        frame[column] = pd.array([pd.NA] * len(frame), dtype="Int64")
    else:
        frame[column] = np.full(len(frame), np.nan)


def mask_unknown(frame: pd.DataFrame, coverage: Coverage | None) -> pd.DataFrame:
    """Set what ``coverage`` does not cover to NA, in place; return ``frame``.

    For a whole-platform dataset (scope ``"all"``) an uncovered column is NA in every row;
    for one account's export (scope ``"ego"``) it is NA in the owner's row, and every other
    account's row is NA throughout. ``frame.attrs["unknown"]`` maps each column that is
    missing for the covered accounts to its reason.
    """
    if coverage is None:
        return frame
    reasons = unknown_columns(coverage, frame.columns)
    if coverage.scope == "ego":
        accounts = (
            frame.index.get_level_values("account")
            if isinstance(frame.index, pd.MultiIndex)
            else frame.index
        )
        others = ~pd.Index(accounts).astype(str).isin(list(coverage.owners))
        for column in frame.columns:
            if is_count(column):
                frame.loc[others, column] = pd.NA
            else:
                frame.loc[others, column] = np.nan
        frame.attrs["other_accounts"] = OTHER_ACCOUNTS
    for column, reason in reasons.items():
        missing_column(frame, column)
        unknown = dict(frame.attrs.get("unknown", {}))
        unknown[column] = reason
        frame.attrs["unknown"] = unknown
    return frame
