"""Concentration of amounts across accounts: the Gini coefficient and normalised entropy.

Used for how evenly an account spreads its replies across the accounts it talks with
(``outreach_gini`` and ``outreach_entropy`` of :func:`engagemetrics.ego_metrics`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import InvalidArgumentError
from ._kernels import entropy_of, gini_of

__all__ = ["gini", "normalized_entropy"]


def gini(values: Any) -> float:
    """Gini coefficient of non-negative amounts (0 = equal, towards 1 = concentrated).

    Parameters
    ----------
    values : array-like of non-negative numbers
        E.g. the number of replies sent to each interlocutor.

    Returns
    -------
    float
        The population Gini coefficient, in ``[0, (k - 1) / k]`` for ``k`` values.

    Raises
    ------
    InvalidArgumentError
        If a value is negative, missing or not finite.

    Notes
    -----
    With the values sorted ascending, :math:`x_{(1)} \\le \\dots \\le x_{(k)}`,

    .. math:: G = \\frac{\\sum_{i=1}^{k} (2i - k - 1)\\, x_{(i)}}{k \\sum_i x_i}
              = \\frac{\\sum_i \\sum_j |x_i - x_j|}{2 k^2 \\bar{x}}

    (Gini 1912; the population form, without the ``k / (k - 1)`` small-sample factor).
    Edge cases, by convention:

    * no values, or all values zero: NaN (there is nothing to share out);
    * one positive value (one interlocutor): 0.0, the same as any equal split.
      Gini measures inequality *among* the accounts, not how many there are: read it
      beside the number of accounts (``outreach_breadth``).

    Zeros among positive values count as accounts that received nothing.
    Used for ``outreach_gini`` in :func:`ego_metrics` (``docs/definitions.md``, "Conversation metrics").

    Examples
    --------
    >>> gini([5, 5, 5])
    0.0
    >>> gini([1, 3])  # (|1-3| + |3-1|) / (2 * 2**2 * 2) = 4 / 16
    0.25
    >>> gini([0, 0, 10])  # ((-2)*0 + 0*0 + 2*10) / (3 * 10)
    0.6666666666666666
    >>> gini([7]), gini([])
    (0.0, nan)
    """
    return gini_of(_nonnegative(values, "gini"))


def normalized_entropy(values: Any) -> float:
    """Shannon entropy of the shares of ``values`` divided by its maximum ``ln(k)``.

    Parameters
    ----------
    values : array-like of non-negative numbers
        E.g. the number of replies sent to each interlocutor.

    Returns
    -------
    float
        In ``[0, 1]``: 1 when the amounts are equal, towards 0 when one dominates.

    Raises
    ------
    InvalidArgumentError
        If a value is negative, missing or not finite.

    Notes
    -----
    With shares :math:`p_i = x_i / \\sum_j x_j` over the ``k`` values,

    .. math:: J = \\frac{H}{\\ln k}, \\qquad H = -\\sum_i p_i \\ln p_i \\quad (0 \\ln 0 = 0)

    which is Pielou's evenness (Pielou, J. Theor. Biol. 13, 131-144, 1966). ``k`` counts
    every value given, zeros included (an account that received nothing lowers the
    evenness). Edge cases, by convention:

    * no values, or all values zero: NaN;
    * one value (one interlocutor): 1.0, an equal split over one account, matching
      :func:`gini` returning 0.0 there.

    Used for ``outreach_entropy`` in :func:`ego_metrics` (``docs/definitions.md``, "Conversation metrics").

    Examples
    --------
    >>> normalized_entropy([2, 2, 2, 2])
    1.0
    >>> round(normalized_entropy([3, 1]), 4)  # -(0.75 ln 0.75 + 0.25 ln 0.25) / ln 2
    0.8113
    >>> normalized_entropy([4, 0])  # H = 0: everything to one of two accounts
    0.0
    >>> normalized_entropy([9]), normalized_entropy([0, 0])
    (1.0, nan)
    """
    return entropy_of(_nonnegative(values, "normalized_entropy"))


def _nonnegative(values: Any, name: str) -> np.ndarray:
    try:
        x = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"{name} expects numbers (e.g. reply counts per account), got {values!r}"
        ) from exc
    bad = ~(np.isfinite(x) & (x >= 0))
    if bad.any():
        raise InvalidArgumentError(
            f"{name} expects non-negative finite amounts, found {x[bad][:3].tolist()!r}; "
            "drop missing values and pass counts"
        )
    return x
