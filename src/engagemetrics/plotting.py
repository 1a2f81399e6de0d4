"""Plots of the library's results: each is ``plot_<name>(data, ..., *, ax=None) -> Axes``.

Every plot takes what engagemetrics returns (the per-period frame of
:func:`engagemetrics.ego_metrics`, one of its rows, an :class:`~engagemetrics.Archive`,
a posts table, the quadrant summary), draws on ``ax`` when given (else on a new figure's
axes) and returns the Axes. matplotlib and networkx are imported inside the functions, so
that ``import engagemetrics`` never imports them; the module is also ``em.plot``.

Defaults meant to be read as they are: a title, axes labelled with their units, a legend
where there are several series, the colour-blind-safe Okabe-Ito palette
(:data:`OKABE_ITO`), and a marker, hatch or label beside every colour. A value that is
unknown (``docs/definitions.md``, "Unknown is not zero") is never drawn as 0: it is left
out, and a note under the plot says what is unknown and why. Each artist a plot draws
carries a ``gid`` (``"engagemetrics:<role>"``), which SVG output keeps as an element id.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .archive import Archive
from .exceptions import InvalidArgumentError, MissingColumnsError, UnsupportedBackendError
from .metrics._definitions import ENGAGEMENT_KINDS, FOLLOW_RATES, POST_RATES, Ratio
from .schema import TIMESTAMP_DTYPE, to_timestamp

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "DEFAULT_RATES",
    "OKABE_ITO",
    "QUADRANTS",
    "RATE_COLUMNS",
    "plot_activity_heatmap",
    "plot_ego_network",
    "plot_follow_back_funnel",
    "plot_metrics_over_time",
    "plot_quadrants",
    "plot_replies_vs_broadcasts",
]

#: The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), in its published
#: order: eight colours that readers with any common colour-vision deficiency tell apart.
OKABE_ITO: Mapping[str, str] = MappingProxyType(
    {
        "black": "#000000",
        "orange": "#E69F00",
        "sky_blue": "#56B4E9",
        "bluish_green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish_purple": "#CC79A7",
    }
)
# The series colours, in order of use; yellow is left out: it does not stand out on white.
_SERIES = ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "black")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_LINESTYLES = ("-", "--", "-.", ":", "-", "--", "-.")
_UNKNOWN_FILL = "#DDDDDD"  # grey: no palette colour means "unknown"
_NOTE_COLOUR = "#333333"
_WRAP = 100

#: The rate columns :func:`plot_metrics_over_time` draws (shares, drawn in percent), each
#: with its label.
RATE_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "follow_back_rate": "follow-back rate",
        "reciprocation_rate": "reciprocation rate",
        "reciprocity_dice": "node reciprocity (Dice)",
        "reciprocity_jaccard": "node reciprocity (Jaccard)",
        "reply_share": "reply share",
        "thread_share": "thread share",
        "followee_engagement": "followee engagement",
    }
)
#: The columns :func:`plot_metrics_over_time` draws by default.
DEFAULT_RATES = ("follow_back_rate", "reply_share", "followee_engagement")

#: The relationship quadrants that :func:`plot_quadrants` draws, each with its cell of the
#: 2x2 grid as ``(engages, mutual)`` (1 is yes), its title and what it holds.
QUADRANTS: Mapping[str, tuple[int, int, str, str]] = MappingProxyType(
    {
        "engaged_mutuals": (1, 1, "Engaged mutuals", "we follow each other, and I engage them"),
        "silent_mutuals": (0, 1, "Silent mutuals", "we follow each other, and nothing is said"),
        "one_sided_outreach": (
            1, 0, "One-sided outreach", "I engage them; they never answer or follow back"
        ),
        "unfollowed_engagers": (
            0, 0, "Unfollowed engagers", "they engage me; I do not follow them"
        ),
    }
)
_QUADRANT_COLOURS = {
    "engaged_mutuals": "bluish_green",
    "silent_mutuals": "sky_blue",
    "one_sided_outreach": "orange",
    "unfollowed_engagers": "reddish_purple",
}
_RATIOS: Mapping[str, Ratio] = MappingProxyType({**FOLLOW_RATES, **POST_RATES})
_PERIOD_NAMES = {"Q": "quarter", "M": "month", "Y": "year", "A": "year", "D": "day"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Node kinds of the ego network: label, marker, colour.
_NODE_KINDS = {
    "mutual": ("mutual follow", "o", "bluish_green"),
    "following": ("I follow", "^", "blue"),
    "follower": ("follows me", "v", "orange"),
    "other": ("no follow (interactions only)", "s", "reddish_purple"),
}
_TOP_LABELS = 5


# --------------------------------------------------------------------------- helpers
def _axes(ax: Any, size: tuple[float, float]) -> Axes:
    """``ax`` checked, or the axes of a new figure."""
    from matplotlib.axes import Axes

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size, layout="constrained")
        return ax
    if not isinstance(ax, Axes):
        raise InvalidArgumentError(
            f"ax must be a matplotlib Axes, got {type(ax).__name__}; pass ax=None for a new "
            "figure, or e.g. fig, ax = plt.subplots()"
        )
    return ax


def _frame(data: Any, what: str, how: str) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise UnsupportedBackendError(
            f"{what} must be a pandas DataFrame, got {type(data).__name__}; {how}"
        )
    return data


def _require(frame: pd.DataFrame, table: str, columns: Iterable[str], how: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnsError(table, missing, [str(c) for c in frame.columns], hint=how)


def _floats(values: pd.Series) -> np.ndarray:
    """A column as float64, missing values NaN (never 0)."""
    return np.asarray(pd.to_numeric(values, errors="coerce").astype("Float64")
                      .to_numpy(dtype="float64", na_value=np.nan))


def _note(ax: Axes, lines: Sequence[str], *, below_label: bool = True) -> None:
    """Write ``lines`` under the plot (under the x-axis label), wrapped."""
    if not lines:
        return
    text = "\n".join(textwrap.fill(line, _WRAP, subsequent_indent="  ") for line in lines)
    ycoords: Any = ax.xaxis.label if below_label else "axes fraction"
    note = ax.annotate(
        text, xy=(0, 0), xycoords=("axes fraction", ycoords), xytext=(0, -6),
        textcoords="offset points", ha="left", va="top", fontsize="small",
        color=_NOTE_COLOUR, annotation_clip=False,
    )
    note.set_gid("engagemetrics:note")


def _runs(labels: Sequence[str], positions: Sequence[int]) -> str:
    """Period labels at ``positions``, consecutive ones as ``first–last``."""
    runs: list[list[int]] = []
    for p in positions:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    parts = [labels[r[0]] if len(r) == 1 else f"{labels[r[0]]}–{labels[r[-1]]}" for r in runs]
    return ", ".join(parts)


def _periods(periods: Any, name: str) -> tuple[pd.DataFrame, list[str], str]:
    """The per-period frame checked; its labels and the name of its period."""
    how = "pass the frame of em.ego_metrics(archive, freq='QE')"
    frame = _frame(periods, name, how)
    if not isinstance(frame.index, pd.PeriodIndex):
        raise InvalidArgumentError(
            f"{name} must be indexed by periods (a PeriodIndex named 'period'), got a "
            f"{type(frame.index).__name__}; {how}. For one row, use plot_follow_back_funnel"
        )
    labels = [str(p) for p in frame.index]
    unit = _PERIOD_NAMES.get(str(frame.index.freqstr).split("-")[0], "period")
    return frame, labels, unit


def _period_axis(ax: Axes, labels: Sequence[str], unit: str) -> None:
    positions = np.arange(len(labels))
    step = max(1, int(np.ceil(len(labels) / 12)))  # at most a dozen tick labels
    ax.set_xticks(positions[::step], [labels[i] for i in positions[::step]])
    ax.set_xlabel(f"{unit.capitalize()} (UTC calendar)")
    if len(labels):
        ax.set_xlim(-0.6, len(labels) - 0.4)


def _unknown(frame: pd.DataFrame | pd.Series) -> Mapping[str, str]:
    found = frame.attrs.get("unknown") or {}
    return found if isinstance(found, Mapping) else {}


def _missing_notes(frame: pd.DataFrame, column: str, label: str, labels: Sequence[str]) -> list[str]:
    """A note per reason why ``column`` is missing in some periods."""
    values = _floats(frame[column])
    where = np.flatnonzero(np.isnan(values))
    if where.size == 0:
        return []
    unknown = _unknown(frame)
    ratio = _RATIOS.get(column)
    inputs = [] if ratio is None else [c for c, _ in (*ratio.numerator, *ratio.denominator)]
    by_reason: dict[str, list[int]] = {}
    for position in where.tolist():
        row = frame.iloc[position]
        if inputs and all(c in frame.columns for c in inputs):
            gone = [c for c in dict.fromkeys(inputs) if pd.isna(row[c])]
            if gone:
                why = "unknown: " + unknown.get(gone[0], unknown.get(column, f"{gone[0]} unknown"))
            else:
                below = " + ".join(dict.fromkeys(c for c, _ in ratio.denominator))  # type: ignore[union-attr]
                why = f"undefined: no {below} (nothing to divide by)"
        else:
            why = "unknown: " + unknown.get(column, "no reason given")
        by_reason.setdefault(why, []).append(position)
    return [f"{label} in {_runs(labels, spots)} {why}" for why, spots in by_reason.items()]


def _count_notes(frame: pd.DataFrame, column: str, labels: Sequence[str]) -> list[str]:
    where = np.flatnonzero(np.isnan(_floats(frame[column])))
    if where.size == 0:
        return []
    why = _unknown(frame).get(column, "no reason given")
    return [f"{column} in {_runs(labels, where.tolist())} unknown: {why}"]


# --------------------------------------------------------------------------- 1. over time
def plot_metrics_over_time(
    periods: pd.DataFrame, columns: str | Sequence[str] | None = None, *, ax: Any = None
) -> Axes:
    """Rates per period, in percent: one line per rate, a gap where a rate is missing.

    Parameters
    ----------
    periods : pandas.DataFrame
        The per-period frame of :func:`engagemetrics.ego_metrics` with ``freq`` (a
        :class:`pandas.PeriodIndex` named ``"period"``); its ``attrs["unknown"]`` gives the
        reasons of missing values.
    columns : str or sequence of str, optional
        Rate columns to draw, among :data:`RATE_COLUMNS` (shares, drawn in percent). By
        default :data:`DEFAULT_RATES`: ``follow_back_rate``, ``reply_share``,
        ``followee_engagement``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        One line per column (``Line2D``, labelled; y in percent, NaN where missing), a
        legend, and a note for each missing stretch with its reason.

    Raises
    ------
    UnsupportedBackendError
        If ``periods`` is not a pandas DataFrame.
    InvalidArgumentError
        If its index is not a PeriodIndex, a column is not a rate of :data:`RATE_COLUMNS`,
        no column is chosen, or ``ax`` is not an Axes.
    MissingColumnsError
        If a chosen column is not in the frame.

    Notes
    -----
    The x-axis holds one position per period, labelled as pandas labels periods
    (``2026Q1``); periods are UTC calendar periods (``docs/definitions.md``, "Periods"). The
    y-axis runs from 0 to 100 %, so that two plots compare at a glance. A missing rate is
    left out, never drawn as 0: "unknown" when its inputs are not in the export (a past
    period's follow counts of an export whose follows carry no dates), "undefined" when its
    denominator is 0 (a period without posts).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import engagemetrics as em
    >>> periods = em.ego_metrics(em.datasets.demo(), freq="QE")
    >>> ax = em.plot.plot_metrics_over_time(periods)
    >>> [line.get_label() for line in ax.get_lines()]
    ['follow-back rate', 'reply share', 'followee engagement']
    >>> ax.get_ylabel()
    'Rate (%)'
    >>> plt.close("all")
    """
    frame, labels, unit = _periods(periods, "periods")
    if columns is None:
        chosen: list[str] = list(DEFAULT_RATES)
    elif isinstance(columns, str):
        chosen = [columns]
    else:
        chosen = list(columns)
    if not chosen:
        raise InvalidArgumentError(
            f"columns is empty; choose one or more of {sorted(RATE_COLUMNS)}, or pass "
            "columns=None for the default"
        )
    wrong = [c for c in chosen if c not in RATE_COLUMNS]
    if wrong or len(set(chosen)) != len(chosen):
        raise InvalidArgumentError(
            f"columns must be distinct rate columns among {sorted(RATE_COLUMNS)}, got "
            f"{chosen!r}; counts and ratios that are not shares (follow_ratio, "
            "reply_to_broadcast_ratio) are not drawn in percent"
        )
    _require(frame, "periods", chosen, "pass the frame of em.ego_metrics(archive, freq='QE')")
    ax = _axes(ax, (8.0, 4.5))
    x = np.arange(len(frame))
    notes: list[str] = []
    for i, column in enumerate(chosen):
        label = RATE_COLUMNS[column]
        k = i % len(_SERIES)
        (line,) = ax.plot(
            x, _floats(frame[column]) * 100.0, label=label, color=OKABE_ITO[_SERIES[k]],
            marker=_MARKERS[k], linestyle=_LINESTYLES[k], linewidth=2, markersize=6,
            clip_on=False,
        )
        line.set_gid(f"engagemetrics:rate:{column}")
        notes += _missing_notes(frame, column, label, labels)
    if frame.empty:
        notes.append("no periods: the archive holds no activity of its owner")
    ax.set_ylim(0, 100)
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(100))
    ax.set_ylabel("Rate (%)")
    _period_axis(ax, labels, unit)
    ax.set_title(f"Relationship rates per {unit}")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="best")
    _note(ax, notes)
    return ax


# --------------------------------------------------------------------------- 2. replies
def plot_replies_vs_broadcasts(periods: pd.DataFrame, *, ax: Any = None) -> Axes:
    """Replies against broadcasts per period, as grouped bars of counts.

    Parameters
    ----------
    periods : pandas.DataFrame
        The per-period frame of :func:`engagemetrics.ego_metrics` with ``freq``; it needs
        the columns ``replies`` and ``broadcasts`` (``docs/definitions.md``, "Conversation
        metrics": replies to others; original posts and thread posts).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        Two bar containers, ``replies`` (left of each period, plain) and ``broadcasts``
        (right, hatched), their heights the counts (NaN where missing), a legend, and a note
        for each missing stretch with its reason.

    Raises
    ------
    UnsupportedBackendError
        If ``periods`` is not a pandas DataFrame.
    InvalidArgumentError
        If its index is not a PeriodIndex, or ``ax`` is not an Axes.
    MissingColumnsError
        If ``replies`` or ``broadcasts`` is not in the frame.

    Notes
    -----
    Grouped rather than stacked bars: the question is which of the two is larger in each
    period, and grouped bars share a baseline. A measured 0 is a bar of height 0; a missing
    count (an interaction log without posts has no broadcasts) is no bar, with a note.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import engagemetrics as em
    >>> periods = em.ego_metrics(em.datasets.demo(), freq="QE")
    >>> ax = em.plot.plot_replies_vs_broadcasts(periods)
    >>> [c.get_label() for c in ax.containers]
    ['replies', 'broadcasts']
    >>> [int(bar.get_height()) for bar in ax.containers[0]] == periods["replies"].tolist()
    True
    >>> plt.close("all")
    """
    frame, labels, unit = _periods(periods, "periods")
    _require(frame, "periods", ["replies", "broadcasts"],
             "pass the frame of em.ego_metrics(archive, freq='QE')")
    ax = _axes(ax, (8.0, 4.5))
    x = np.arange(len(frame))
    width = 0.4
    styles = {"replies": ("blue", "", -width / 2), "broadcasts": ("orange", "//", width / 2)}
    notes: list[str] = []
    for column, (colour, hatch, shift) in styles.items():
        bars = ax.bar(
            x + shift, _floats(frame[column]), width=width, label=column,
            color=OKABE_ITO[colour], hatch=hatch, edgecolor="white", linewidth=0.5,
        )
        for bar in bars:
            bar.set_gid(f"engagemetrics:bars:{column}")
        notes += _count_notes(frame, column, labels)
    if frame.empty:
        notes.append("no periods: the archive holds no activity of its owner")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Posts (count)")
    _period_axis(ax, labels, unit)
    ax.set_title(f"Replies and broadcasts per {unit}")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(loc="best")
    _note(ax, notes)
    return ax


# --------------------------------------------------------------------------- 3. quadrants
def plot_quadrants(summary: Any, *, ax: Any = None) -> Axes:
    """The four relationship quadrants as a 2x2 grid, with the accounts in each.

    Parameters
    ----------
    summary : pandas.DataFrame or an object with a ``summary`` DataFrame
        Indexed by quadrant (the keys of :data:`QUADRANTS`: ``engaged_mutuals``,
        ``silent_mutuals``, ``one_sided_outreach``, ``unfollowed_engagers``) with an
        ``Int64`` column ``accounts`` (missing when unknown) and optionally ``at_least``
        (the accounts known to be in a quadrant whose count is unknown), ``share`` and a
        text column ``unknown`` (the reason, or None): :func:`engagemetrics.quadrants`, or
        its ``.summary``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        Four rectangles (a palette colour each; an unknown quadrant grey and hatched), each
        with its title, its count of accounts and share (or "unknown", and "at least" the
        accounts known to be in it) and what it holds; the reasons of the unknown
        quadrants are noted under the plot, once each.

    Raises
    ------
    UnsupportedBackendError
        If ``summary`` is neither a DataFrame nor has a ``summary`` DataFrame.
    MissingColumnsError
        If the ``accounts`` column is absent.
    InvalidArgumentError
        If a quadrant is absent from the index, or ``ax`` is not an Axes.

    Notes
    -----
    Columns: do I engage them (reply, mention, repost, quote)? Rows: do we follow each
    other? Engaged mutuals are top right, silent mutuals top left, one-sided outreach bottom
    right and unfollowed engagers (they engage me, I do not follow them) bottom left.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import engagemetrics as em
    >>> summary = pd.DataFrame(
    ...     {"accounts": pd.array([40, 85, 120, pd.NA], dtype="Int64"),
    ...      "unknown": [None, None, None, "the export holds no follower list"]},
    ...     index=pd.Index(["engaged_mutuals", "silent_mutuals", "one_sided_outreach",
    ...                     "unfollowed_engagers"], name="quadrant"))
    >>> ax = em.plot.plot_quadrants(summary)
    >>> len(ax.patches)
    4
    >>> [" ".join(t.get_text().split()) for t in ax.texts if "unknown" in t.get_text()]
    ['unknown', 'Unfollowed engagers: unknown (the export holds no follower list)']
    >>> plt.close("all")
    """
    if not isinstance(summary, pd.DataFrame) and isinstance(
        getattr(summary, "summary", None), pd.DataFrame
    ):
        summary = summary.summary
    how = "pass em.quadrants(relationships) or its .summary"
    frame = _frame(summary, "summary", how)
    _require(frame, "quadrant summary", ["accounts"], how)
    absent = [q for q in QUADRANTS if q not in frame.index]
    if absent:
        raise InvalidArgumentError(
            f"the quadrant summary must be indexed by the quadrants {list(QUADRANTS)}; "
            f"{absent} are absent (index: {[str(i) for i in frame.index]}); {how}"
        )
    ax = _axes(ax, (7.5, 6.0))
    from matplotlib.patches import Rectangle

    counts = _floats(frame["accounts"].loc[list(QUADRANTS)])
    reasons = (frame["unknown"].loc[list(QUADRANTS)].tolist() if "unknown" in frame.columns
               else [None] * len(QUADRANTS))
    at_least = (_floats(frame["at_least"].loc[list(QUADRANTS)]) if "at_least" in frame.columns
                else np.full(len(QUADRANTS), np.nan))
    shares = (_floats(frame["share"].loc[list(QUADRANTS)]) if "share" in frame.columns
              else np.full(len(QUADRANTS), np.nan))
    # the reasons go under the plot, once each, with the quadrants they make unknown
    unknown: dict[str, list[str]] = {}
    for (name, (engages, mutual, title, holds)), count, reason, least, share in zip(
        QUADRANTS.items(), counts, reasons, at_least, shares, strict=True
    ):
        known = not np.isnan(count)
        # inset, so that the cells stand apart; an unknown one's hatch takes its edge colour
        cell = Rectangle(
            (engages + 0.015, mutual + 0.015), 0.97, 0.97,
            facecolor=OKABE_ITO[_QUADRANT_COLOURS[name]] if known else _UNKNOWN_FILL,
            alpha=0.45 if known else 1.0, hatch="" if known else "//",
            edgecolor="none" if known else "#999999", linewidth=1, label=title,
        )
        cell.set_gid(f"engagemetrics:quadrant:{name}")
        ax.add_patch(cell)
        cx = engages + 0.5
        ax.text(cx, mutual + 0.82, title, ha="center", va="center", fontweight="bold",
                fontsize="medium")
        if known:
            value = f"{int(count):,} accounts" if count != 1 else "1 account"
            ax.text(cx, mutual + 0.56, value, ha="center", va="center", fontsize="x-large")
            if not np.isnan(share):
                ax.text(cx, mutual + 0.42, f"{share:.1%} of its relationships", ha="center",
                        va="center", fontsize="small")
        else:
            why = "no reason given" if reason is None or pd.isna(reason) else str(reason)
            unknown.setdefault(why, []).append(title)
            ax.text(cx, mutual + 0.56, "unknown", ha="center", va="center", fontsize="large",
                    style="italic",
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
            if not np.isnan(least) and least > 0:
                ax.text(cx, mutual + 0.42, f"at least {int(least):,}", ha="center",
                        va="center", fontsize="medium",
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        ax.text(cx, mutual + 0.2, textwrap.fill(holds, 28), ha="center", va="center",
                fontsize="small", color=_NOTE_COLOUR)
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.set_xticks([0.5, 1.5], ["no", "yes"])
    ax.set_yticks([0.5, 1.5], ["no", "yes"])
    ax.set_xlabel("Do I engage them? (replies, mentions, reposts, quotes)")
    ax.set_ylabel("Do we follow each other?")
    ax.set_title("Relationship quadrants (accounts)")
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_aspect("equal")
    _note(ax, [f"{', '.join(titles)}: unknown ({why})" for why, titles in unknown.items()])
    return ax


# --------------------------------------------------------------------------- 4. funnel
def plot_follow_back_funnel(row: Any, *, ax: Any = None) -> Axes:
    """The follow-back funnel: whom I follow and who follows back, who follows me and whom
    I follow back, with the rates written on the bars.

    Parameters
    ----------
    row : pandas.Series or one-row pandas.DataFrame
        One row of :func:`engagemetrics.ego_metrics` (or of
        :func:`engagemetrics.account_metrics`): ``following``, ``followers``, ``mutuals``;
        ``follow_back_rate`` and ``reciprocation_rate`` are read when present. The reasons
        of missing values come from ``attrs["unknown"]`` (kept by ``frame.iloc[i]``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        Four horizontal bars, top to bottom: ``following``, ``mutuals`` (the follow-back
        rate written on it), ``followers``, ``mutuals`` (the reciprocation rate); an unknown
        count is no bar (NaN width) but the word "unknown", and a note under the plot gives
        the reason ("followers unknown: the reason").

    Raises
    ------
    UnsupportedBackendError
        If ``row`` is neither a Series nor a DataFrame.
    InvalidArgumentError
        If a frame has other than one row, or ``ax`` is not an Axes.
    MissingColumnsError
        If ``following``, ``followers`` or ``mutuals`` is absent.

    Notes
    -----
    Follow-back rate = mutuals / following; reciprocation rate = mutuals / followers
    (``docs/definitions.md``, "Follow-graph metrics"). A row whose ``follow_basis`` is
    ``"lower bound"`` says so in a note.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import engagemetrics as em
    >>> row = em.ego_metrics(em.datasets.demo())
    >>> ax = em.plot.plot_follow_back_funnel(row)
    >>> [float(bar.get_width()) for bar in ax.patches]
    [300.0, 125.0, 600.0, 125.0]
    >>> [t.get_text() for t in ax.texts if "rate" in t.get_text()]
    ['125 (follow-back rate 41.7%)', '125 (reciprocation rate 20.8%)']
    >>> plt.close("all")
    """
    how = "pass em.ego_metrics(archive) or one row of it, e.g. frame.iloc[-1]"
    if isinstance(row, pd.DataFrame):
        if len(row) != 1:
            raise InvalidArgumentError(
                f"plot_follow_back_funnel draws one row, got a frame of {len(row)} rows; "
                "pick one, e.g. frame.iloc[-1] (the latest period)"
            )
        attrs = _unknown(row)
        series = row.iloc[0]
    elif isinstance(row, pd.Series):
        attrs, series = _unknown(row), row
    else:
        raise UnsupportedBackendError(
            f"row must be a pandas Series or a one-row DataFrame, got {type(row).__name__}; {how}"
        )
    found = [str(c) for c in series.index]
    missing = [c for c in ("following", "followers", "mutuals") if c not in series.index]
    if missing:
        raise MissingColumnsError("ego_metrics row", missing, found, hint=how)
    ax = _axes(ax, (8.0, 4.0))
    following, followers, mutuals = (
        float(np.nan if pd.isna(series[c]) else series[c])
        for c in ("following", "followers", "mutuals")
    )

    def rate(column: str, denominator: float) -> float:
        if column in series.index:
            value = series[column]
            return float("nan") if pd.isna(value) else float(value)
        return mutuals / denominator if denominator else float("nan")

    steps = [
        ("I follow", "following", following, "blue", "", None),
        ("… who follow me back", "mutuals", mutuals, "blue", "//",
         ("follow-back rate", rate("follow_back_rate", following), "following")),
        ("Follow me", "followers", followers, "orange", "", None),
        ("… whom I follow back", "mutuals", mutuals, "orange", "//",
         ("reciprocation rate", rate("reciprocation_rate", followers), "followers")),
    ]
    y = np.arange(len(steps))[::-1]
    bars = ax.barh(
        y, [s[2] for s in steps], color=[OKABE_ITO[s[3]] for s in steps], height=0.6,
        hatch=None, edgecolor="white",
    )
    for bar, step in zip(bars, steps, strict=True):
        bar.set_hatch(step[4])
        bar.set_gid(f"engagemetrics:funnel:{step[1]}")
    known = [s[2] for s in steps if not np.isnan(s[2])]
    reach = max(known) if known and max(known) > 0 else 1.0
    notes: list[str] = []
    for yy, (_, column, count, _, _, ratio) in zip(y, steps, strict=True):
        if np.isnan(count):
            text = "unknown"
            note = f"{column} unknown: {attrs.get(column, 'no reason given')}"
            if note not in notes:
                notes.append(note)
        else:
            text = f"{int(count):,}"
            if ratio is not None:
                name, value, base = ratio
                if np.isnan(value):
                    base_value = following if base == "following" else followers
                    state = ("undefined: 0 " + base) if base_value == 0 else "unknown"
                    text += f" ({name} {state})"
                else:
                    text += f" ({name} {value:.1%})"
        ax.text((0 if np.isnan(count) else count) + reach * 0.01, yy, text, va="center",
                ha="left", fontsize="medium", style="italic" if np.isnan(count) else "normal")
    ax.set_yticks(y, [s[0] for s in steps])
    if not known:
        ax.set_xticks([])  # no count is known: a scale would suggest one
    ax.set_xlim(0, reach * 1.45)
    ax.set_xlabel("Accounts (count)")
    which = series.name  # the account, or the period
    ax.set_title("Follow-back funnel" + ("" if which is None else f" ({which})"))
    ax.set_ylim(-0.6, len(steps) - 0.4)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    if "follow_basis" in series.index and series["follow_basis"] == "lower bound":
        notes.append(
            "lower bounds: the follows made before the period's end that were still there at "
            "the export"
        )
    _note(ax, notes)
    return ax


# --------------------------------------------------------------------------- 5. network
def plot_ego_network(archive: Any, *, top: int = 50, ax: Any = None) -> Axes:
    """The owner's network: the owner in the centre, the counterparts around by follow and
    interaction ties.

    Parameters
    ----------
    archive : engagemetrics.Archive
        An archive with an owner (ego).
    top : int
        How many counterparts to draw: those with the most interactions with the owner
        (made and received), then the mutual follows, then one-way follows (ties by id).
        Default 50.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        Drawn with networkx: one node collection per kind of counterpart (mutual follow
        ``o``, I follow ``^``, follows me ``v``, no follow ``s``) and the owner (``*``); a
        line collection per kind of follow edge (mutual solid, I follow dashed, follows me
        dotted); curved interaction edges whose width grows with the number of interactions
        (``0.5 + 4.5 * n / max n`` points); a legend of node and edge kinds; the owner and
        the five counterparts with the most interactions labelled by handle.

    Raises
    ------
    UnsupportedBackendError
        If ``archive`` is not an :class:`~engagemetrics.Archive`.
    NoEgoError
        If the archive has no owner (a platform dataset).
    InvalidArgumentError
        If ``top`` is not a positive integer, or ``ax`` is not an Axes.

    Notes
    -----
    Interactions are replies, mentions, reposts and quotes between the owner and another
    account, in both directions, as the archive holds them; likes, direct messages and
    self-interactions are left out. An archive whose followers are unknown
    (``archive.coverage.known("followers")`` is False) draws no "follows me" and no mutual
    edges, and says so; the same for the following list. Interactions others addressed to
    the owner are in an account's own export only when added
    (:meth:`engagemetrics.Archive.with_interactions`); the note says when they are
    unknown.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import engagemetrics as em
    >>> ax = em.plot.plot_ego_network(em.datasets.demo(), top=30)
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['owner', 'mutual follow (...)']
    >>> plt.close("all")
    """
    if not isinstance(archive, Archive):
        raise UnsupportedBackendError(
            f"plot_ego_network expects an em.Archive, got {type(archive).__name__}; load one "
            "with em.load(path), or build one with em.Archive(follows, posts, ego='your id')"
        )
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise InvalidArgumentError(
            f"top must be a positive integer (how many counterparts to draw), got {top!r}"
        )
    ego = archive.require_ego()
    ax = _axes(ax, (8.0, 7.0))
    import networkx as nx
    from matplotlib.lines import Line2D

    coverage = archive.coverage
    notes = []
    following = archive.following() if coverage.known("following") else set()
    followers = archive.followers() if coverage.known("followers") else set()
    for part, edges in (("following", "'I follow'"), ("followers", "'follows me'")):
        if not coverage.known(part):
            notes.append(f"{part} unknown: {coverage.reason(part)}; no {edges} or mutual "
                         "edges drawn")
    for part, words in (("interactions_made", "interactions made"),
                        ("interactions_received", "interactions received")):
        if not coverage.known(part):
            notes.append(f"{words} unknown: {coverage.reason(part)}; the widths count what "
                         "the archive holds")

    it = archive.interactions
    engaging = (
        it["kind"].isin(ENGAGEMENT_KINDS).to_numpy(dtype=bool, na_value=False)
        & ~(it["visibility"] == "direct").to_numpy(dtype=bool, na_value=False)
        & (it["actor"] != it["target"]).to_numpy(dtype=bool, na_value=False)
    )
    made = (it["actor"] == ego).to_numpy(dtype=bool, na_value=False) & engaging
    received = (it["target"] == ego).to_numpy(dtype=bool, na_value=False) & engaging
    partners = pd.concat([it.loc[made, "target"], it.loc[received, "actor"]]).astype(str)
    ties = partners.value_counts()
    ids = pd.Index(sorted(following | followers | set(ties.index)), dtype=object)
    ids = ids[ids != ego]
    table = pd.DataFrame(
        {
            "interactions": ties.reindex(ids, fill_value=0).to_numpy(dtype=np.int64),
            "i_follow": ids.isin(list(following)),
            "follows_me": ids.isin(list(followers)),
        },
        index=ids,
    )
    table["follow_ties"] = table["i_follow"].astype(int) + table["follows_me"].astype(int)
    table = table.rename_axis("account").reset_index().sort_values(
        ["interactions", "follow_ties", "account"], ascending=[False, False, True],
        kind="stable",
    ).head(int(top))
    table["kind"] = np.select(
        [table["i_follow"] & table["follows_me"], table["i_follow"], table["follows_me"]],
        ["mutual", "following", "follower"], default="other",
    )
    order = {k: i for i, k in enumerate(_NODE_KINDS)}
    ring = table.assign(_k=table["kind"].map(order)).sort_values("_k", kind="stable")
    graph = nx.Graph()
    graph.add_node(ego)
    graph.add_nodes_from(ring["account"])
    pos = nx.shell_layout(graph, [[ego], list(ring["account"])] if len(ring) else [[ego]])
    if len(ring) == 0:
        pos = {ego: np.zeros(2)}

    handles: list[Any] = []
    owner = nx.draw_networkx_nodes(graph, pos, nodelist=[ego], node_shape="*", node_size=600,
                                   node_color=OKABE_ITO["black"], ax=ax)
    owner.set_gid("engagemetrics:node:owner")
    handles.append(Line2D([], [], marker="*", linestyle="", color=OKABE_ITO["black"],
                          markersize=14, label="owner"))
    for kind, (label, marker, colour) in _NODE_KINDS.items():
        nodes = ring.loc[ring["kind"] == kind, "account"].tolist()
        if not nodes:
            continue
        drawn = nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_shape=marker,
                                       node_size=120, node_color=OKABE_ITO[colour],
                                       edgecolors="white", linewidths=0.5, ax=ax)
        drawn.set_gid(f"engagemetrics:node:{kind}")
        drawn.set_zorder(3)
        handles.append(Line2D([], [], marker=marker, linestyle="", color=OKABE_ITO[colour],
                              markersize=9, label=f"{label} ({len(nodes)})"))
    follow_edges: dict[str, tuple[Any, str]] = {
        "mutual": ("solid", "mutual follow"),
        "following": ("dashed", "I follow"),
        "follower": ("dotted", "follows me"),
    }
    for kind, (style, label) in follow_edges.items():
        nodes = ring.loc[ring["kind"] == kind, "account"].tolist()
        if not nodes:
            continue
        colour = OKABE_ITO[_NODE_KINDS[kind][2]]
        lines = nx.draw_networkx_edges(graph, pos, edgelist=[(ego, n) for n in nodes],
                                       style=style, width=1.0, edge_color=colour, alpha=0.8,
                                       arrows=False, ax=ax)
        lines.set_gid(f"engagemetrics:edges:{kind}")
        handles.append(Line2D([], [], linestyle=style, color=colour, linewidth=1.0,
                              label=f"edge: {label}"))
    engaged = ring[ring["interactions"] > 0]
    if len(engaged):
        most = int(engaged["interactions"].max())
        widths = (0.5 + 4.5 * engaged["interactions"].to_numpy(dtype=float) / most).tolist()
        arcs = nx.draw_networkx_edges(
            graph, pos, edgelist=[(ego, n) for n in engaged["account"]], width=widths,
            edge_color=OKABE_ITO["vermillion"], alpha=0.6, arrows=True, arrowstyle="-",
            connectionstyle="arc3,rad=0.2", ax=ax,
        )
        for arc in arcs:
            arc.set_gid("engagemetrics:edges:interactions")
        handles.append(Line2D([], [], color=OKABE_ITO["vermillion"], alpha=0.6, linewidth=3,
                              label=f"edge: interactions (width: count, max {most:,})"))

    names = _handles(archive)
    ax.text(0, -0.1, names.get(ego, ego), ha="center", va="top", fontweight="bold",
            fontsize="small", zorder=4)
    for account in engaged.head(_TOP_LABELS)["account"]:
        px, py = pos[account]
        ax.text(px * 1.12, py * 1.12, names.get(account, account), fontsize="x-small",
                ha="left" if px >= 0 else "right", va="center", zorder=4)
    if len(ring) == 0:
        notes.append("no counterparts: the archive holds no follows or interactions of its owner")
    total = len(ids)
    shown = f"top {len(ring)} of {total:,}" if len(ring) < total else f"all {total:,}"
    ax.set_title(f"Ego network of {names.get(ego, ego)}: {shown} counterparts")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small",
              title="by interactions, then follows" if len(ring) < total else None,
              title_fontsize="small", frameon=False)
    ax.set_aspect("equal")
    ax.margins(0.15)
    ax.set_axis_off()
    _note(ax, notes, below_label=False)
    return ax


def _handles(archive: Archive) -> dict[str, str]:
    """``@handle`` of each account with a handle."""
    accounts = archive.accounts
    known = accounts[accounts["handle"].notna()]
    return {str(a): f"@{h}" for a, h in zip(known["account_id"], known["handle"], strict=True)}


# --------------------------------------------------------------------------- 6. heatmap
def plot_activity_heatmap(posts: Any, *, ax: Any = None) -> Axes:
    """When posts are made: a heatmap of counts by hour of day (UTC) and weekday.

    Parameters
    ----------
    posts : pandas.DataFrame or engagemetrics.Archive
        A posts table (the ``created_at`` column, UTC, and ``visibility`` when present),
        or an Archive: its owner's posts (every post of a dataset without an owner).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure's axes by default.

    Returns
    -------
    matplotlib.axes.Axes
        An image of 7 rows (Monday to Sunday) by 24 columns (hours 0 to 23, UTC), each cell
        the number of posts, with a colour bar; all cells missing (grey) when the archive
        does not cover posts.

    Raises
    ------
    UnsupportedBackendError
        If ``posts`` is neither a DataFrame nor an Archive.
    MissingColumnsError
        If ``created_at`` is absent.
    TimestampParseError
        If ``created_at`` holds values that are not dates.
    InvalidArgumentError
        If ``ax`` is not an Axes.

    Notes
    -----
    Direct messages (``visibility == "direct"``) are left out: they are private. Hours and
    weekdays are UTC, the time zone of every table; a post without a time is not drawn,
    and a note counts them. The colour map is viridis, readable in grey and by colour-blind
    readers.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import engagemetrics as em
    >>> ax = em.plot.plot_activity_heatmap(em.datasets.demo())
    >>> ax.images[0].get_array().shape
    (7, 24)
    >>> ax.get_xlabel()
    'Hour of day (UTC)'
    >>> plt.close("all")
    """
    notes: list[str] = []
    who = ""
    if isinstance(posts, Archive):
        archive = posts
        table = archive.posts
        if archive.ego is not None:
            table = table[(table["author"] == archive.ego).to_numpy(dtype=bool, na_value=False)]
            names = _handles(archive)
            who = f" of {names.get(archive.ego, archive.ego)}"
        covered = archive.coverage.known("posts")
        if not covered:
            notes.append(f"posts unknown: {archive.coverage.reason('posts')}")
    else:
        table = _frame(posts, "posts", "pass a posts table (em.read_posts) or an em.Archive")
        covered = True
    _require(table, "posts", ["created_at"],
             "pass a posts table with a created_at column, or an em.Archive")
    when = table["created_at"]
    if when.dtype != TIMESTAMP_DTYPE:
        when = to_timestamp(when, column="created_at", table="posts")
    keep = np.ones(len(table), dtype=bool)
    if "visibility" in table.columns:
        keep &= ~(table["visibility"] == "direct").to_numpy(dtype=bool, na_value=False)
    when = when[keep]
    undated = int(when.isna().sum())
    if undated:
        notes.append(f"{undated:,} posts without a time are not drawn")
    when = when.dropna()
    counts = np.zeros((7, 24), dtype=np.float64)
    np.add.at(counts, (when.dt.day_of_week.to_numpy(), when.dt.hour.to_numpy()), 1.0)
    if not covered:
        counts[:] = np.nan
    ax = _axes(ax, (10.0, 4.0))
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"].with_extremes(bad=_UNKNOWN_FILL)
    image = ax.imshow(np.ma.masked_invalid(counts), aspect="auto", cmap=cmap,
                      interpolation="nearest", vmin=0)
    image.set_gid("engagemetrics:heatmap")
    bar = ax.figure.colorbar(image, ax=ax, pad=0.02)
    bar.set_label("Posts (count)")
    ax.set_xticks(np.arange(0, 24, 3), [f"{h:02d}:00" for h in range(0, 24, 3)])
    ax.set_yticks(np.arange(7), list(_WEEKDAYS))
    ax.set_xlabel("Hour of day (UTC)")
    ax.set_ylabel("Weekday (UTC)")
    n = int(np.nansum(counts)) if covered else None
    counted = "unknown" if n is None else f"{n:,}"
    ax.set_title(f"Posts{who} by hour and weekday (n = {counted})")
    notes.append("direct messages are left out")
    _note(ax, notes)
    return ax
