"""The audit: one account's relationships, or a dataset's summary, as a report.

:func:`audit` gathers the numbers; :class:`Audit` holds them as DataFrames and writes them as
text (``repr``), Markdown, JSON (a documented schema, :data:`SCHEMA_VERSION`) and a
self-contained HTML page. Every number comes from the metrics, and a number the export does
not hold is shown as unknown, with the reason, never as 0. Direct messages never appear.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .archive import Archive
from .exceptions import InvalidArgumentError
from .metrics.accounts import account_metrics
from .metrics.ego import ego_metrics
from .metrics.graph import FollowGraph
from .metrics.reciprocity import dyad_census, not_whole_graph, reciprocity, reciprocity_rho

__all__ = ["SCHEMA_VERSION", "Audit", "NumberSpec", "audit"]

#: Version of the JSON document :meth:`Audit.to_json` writes (docs/audit-schema.json).
SCHEMA_VERSION = "1.0"
DEFINITIONS = "docs/definitions.md"


@dataclass(frozen=True)
class NumberSpec:
    """One number of the audit: its column, label, kind and definition."""

    key: str
    label: str
    kind: str  # "count", "share" (shown in %) or "ratio"
    group: str  # "vanity" or "relationship"
    definition: str


FOLLOW_NUMBERS = (
    NumberSpec("followers", "followers", "count", "vanity", "accounts that follow the account"),
    NumberSpec("following", "following", "count", "vanity", "accounts it follows"),
    NumberSpec("follow_ratio", "follower/following ratio", "ratio", "vanity",
               "followers / following: the vanity number, read it beside the rates below"),
    NumberSpec("mutuals", "mutuals", "count", "relationship",
               "accounts that follow it and that it follows"),
    NumberSpec("follow_back_rate", "follow-back rate", "share", "relationship",
               "mutuals / following: of the accounts it follows, the share that follow back"),
    NumberSpec("reciprocation_rate", "reciprocation rate", "share", "relationship",
               "mutuals / followers: of its followers, the share it follows back"),
    NumberSpec("reciprocity_dice", "node reciprocity (Dice)", "ratio", "relationship",
               "2 mutuals / (followers + following)"),
)
CONVERSATION_NUMBERS = (
    NumberSpec("posts", "posts", "count", "vanity", "items authored (direct messages excluded)"),
    NumberSpec("broadcasts", "broadcasts", "count", "vanity",
               "original posts and thread continuations: talking to the audience"),
    NumberSpec("replies", "replies", "count", "relationship", "replies to other accounts"),
    NumberSpec("reply_share", "reply share", "share", "relationship",
               "replies / (replies + broadcasts)"),
    NumberSpec("outreach_breadth", "outreach breadth", "count", "relationship",
               "distinct accounts replied to"),
    NumberSpec("interlocutors", "interlocutors", "count", "relationship",
               "distinct accounts replied to or mentioned"),
    NumberSpec("followee_engagement", "followee engagement", "share", "relationship",
               "share of the accounts it follows that it replied to, mentioned, reposted or "
               "quoted"),
    NumberSpec("amplified", "amplification of others", "count", "relationship",
               "reposts and quotes of other accounts' posts"),
    NumberSpec("amplified_accounts", "accounts amplified", "count", "relationship",
               "distinct accounts reposted or quoted"),
    NumberSpec("replies_received", "replies received", "count", "relationship",
               "replies others addressed to the account"),
    NumberSpec("mentions_received", "mentions received", "count", "relationship",
               "mentions of the account by others"),
)


def _plain(value: Any) -> Any:
    """A JSON-ready value: None for missing, int for integers, float for the rest."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    return value


def _records(frame: pd.DataFrame, index: str | None = None) -> list[dict[str, Any]]:
    table = frame.reset_index() if index is not None else frame
    return [{str(k): _plain(v) for k, v in row.items()} for row in table.to_dict("records")]


def _format(value: Any, kind: str) -> str:
    value = _plain(value)
    if value is None:
        return "unknown"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "share":
        return f"{100 * float(value):.1f}%"
    return f"{float(value):.3f}"


def _change(value: Any, kind: str) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if kind == "count":
        return f"{int(value):+,}"
    if kind == "share":
        return f"{100 * float(value):+.1f} pts"
    return f"{float(value):+.3f}"


@dataclass
class Audit:
    """An audit: the numbers of one account (``kind="account"``) or one dataset.

    Attributes
    ----------
    kind : {"account", "dataset"}
    header : dict
        Who and what: platform, account id and handle, export date, the span of the post
        log, the period audited and the period it is compared with, whether the data is the
        bundled demo.
    coverage : pandas.DataFrame
        What the export holds: one row per part, ``known`` and the ``reason`` when not.
    follows : pandas.DataFrame
        The follow graph as of the export (``kind="account"``): one row per number
        (index ``number``), columns ``label``, ``group`` (vanity or relationship),
        ``kind``, ``value``, ``previous`` (from the previous export, when given),
        ``change``, ``unknown`` (the reason, when the value is unknown), ``definition``.
    conversation : pandas.DataFrame
        The same columns for the conversation numbers of the period audited, ``previous``
        being the period before it.
    periods : pandas.DataFrame
        :func:`engagemetrics.ego_metrics` per quarter (for the charts).
    ledger : pandas.DataFrame
        What the export held that is in no table, or kept under a convention, and why.
    dataset : dict of pandas.DataFrame
        For ``kind="dataset"``: ``size``, ``reciprocity``, ``degrees`` and ``top``.
    """

    kind: str
    header: dict[str, Any]
    coverage: pd.DataFrame
    ledger: pd.DataFrame
    follows: pd.DataFrame = field(default_factory=pd.DataFrame)
    conversation: pd.DataFrame = field(default_factory=pd.DataFrame)
    periods: pd.DataFrame = field(default_factory=pd.DataFrame)
    dataset: dict[str, pd.DataFrame] = field(default_factory=dict)
    # What the charts of the HTML page are drawn from (not part of the JSON).
    archive: Archive | None = field(default=None, repr=False)
    snapshot: pd.DataFrame | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """The audit as JSON-ready Python objects (the schema of :meth:`to_json`)."""
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "definitions": DEFINITIONS,
            "header": {k: _plain(v) for k, v in self.header.items()},
            "coverage": _records(self.coverage, "part"),
            "ledger": _records(self.ledger),
        }
        if self.kind == "account":
            out["follows"] = _records(self.follows.drop(columns=["definition"]), "number")
            out["conversation"] = _records(
                self.conversation.drop(columns=["definition"]), "number"
            )
            periods = self.periods.copy()
            periods.index = periods.index.astype(str)
            out["periods"] = _records(periods, "period")
        else:
            out["dataset"] = {
                name: _records(frame, str(frame.index.name or "row"))
                for name, frame in self.dataset.items()
            }
        return out

    def to_json(self, *, indent: int | None = 2) -> str:
        """The audit as strict JSON (no NaN: a missing number is ``null``)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    # ------------------------------------------------------------------ text
    def _title(self) -> str:
        h = self.header
        if self.kind == "dataset":
            return f"engagemetrics dataset summary: {h['platform']} ({h['source']})"
        who = f"@{h['handle']}" if h.get("handle") else h["account"]
        demo = " [the bundled demo account, synthetic]" if h.get("demo") else ""
        return f"engagemetrics audit: {who} on {h['platform']}{demo}"

    def _facts(self) -> list[tuple[str, str]]:
        h = self.header
        facts = []
        if self.kind == "account":
            facts.append(("account id", str(h["account"])))
        facts.append(("export date", str(h.get("exported_at") or "unknown")))
        span = h.get("log_span")
        facts.append(("post log", f"{span[0]} to {span[1]}" if span else "empty or unknown"))
        if self.kind == "account":
            facts.append(("period audited", f"{h['period']} (compared with {h['previous_period']})"))
        unknown = self.coverage[~self.coverage["known"].astype(bool)]
        held = ", ".join(self.coverage.index[self.coverage["known"].astype(bool)])
        facts.append(("the export holds", held or "nothing"))
        for part, row in unknown.iterrows():
            facts.append((f"unknown: {part}", str(row["reason"])))
        return facts

    def _number_lines(self, table: pd.DataFrame, *, width: int) -> list[str]:
        lines = []
        for _, row in table.iterrows():
            value = _format(row["value"], row["kind"])
            if value == "unknown":
                value = f"unknown ({row['unknown']})"
            change = _change(row["change"], row["kind"])
            previous = "" if change == "" else f"  ({change})"
            lines.append(f"  {row['label']:<{width}}  {value}{previous}")
        return lines

    def __repr__(self) -> str:
        lines = [self._title()]
        lines += [f"  {k}: {v}" for k, v in self._facts()]
        if self.kind == "account":
            width = max(len(s.label) for s in (*FOLLOW_NUMBERS, *CONVERSATION_NUMBERS))
            lines.append("follow graph, as of the export:")
            lines += self._number_lines(self.follows, width=width)
            h = self.header
            lines.append(f"conversation in {h['period']} (change from {h['previous_period']}):")
            lines += self._number_lines(self.conversation, width=width)
        else:
            for name, frame in self.dataset.items():
                lines.append(f"{name}:")
                lines += ["  " + line for line in frame.to_string().splitlines()]
        if len(self.ledger):
            lines.append("data-quality ledger (records not taken, or kept under a convention):")
            for rec in self.ledger.to_dict("records"):
                lines.append(f"  {rec['count']:>8,}  {rec['action']:<7}  {rec['record_kind']}: "
                             f"{rec['reason']} [{rec['source']}]")
        lines.append(f"definitions of every number: {DEFINITIONS}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ Markdown
    def to_markdown(self) -> str:
        """The audit as a Markdown document."""
        out = [f"# {self._title()}", ""]
        out += [f"- **{k}**: {v}" for k, v in self._facts()]
        out.append("")

        def table(frame: pd.DataFrame) -> list[str]:
            rows = ["| number | value | change | definition |", "|---|---|---|---|"]
            for _, row in frame.iterrows():
                value = _format(row["value"], row["kind"])
                if value == "unknown":
                    value = f"unknown ({row['unknown']})"
                rows.append(f"| {row['label']} | {value} | {_change(row['change'], row['kind'])}"
                            f" | {row['definition']} |")
            return rows

        if self.kind == "account":
            out += ["## Follow graph, as of the export", ""] + table(self.follows) + [""]
            h = self.header
            out += [f"## Conversation in {h['period']} (change from {h['previous_period']})", ""]
            out += table(self.conversation) + [""]
        else:
            for name, frame in self.dataset.items():
                out += [f"## {name}", "", *_markdown_table(frame), ""]
        if len(self.ledger):
            out += ["## Data-quality ledger", "", "| count | action | record | reason | source |",
                    "|---|---|---|---|---|"]
            out += [f"| {r['count']:,} | {r['action']} | {r['record_kind']} | {r['reason']} | "
                    f"{r['source']} |" for r in self.ledger.to_dict("records")]
            out.append("")
        out.append(f"Every number is defined in `{DEFINITIONS}`.")
        return "\n".join(out) + "\n"

    # ------------------------------------------------------------------ HTML
    def to_html(self, path: str | os.PathLike[str] | None = None) -> str:
        """The audit as one self-contained HTML page (charts embedded, no external file).

        Readable offline, printable, and usable at a phone's width. With ``path``, the page
        is also written there (UTF-8).
        """
        page = _page(self)
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        return _body(self)


def _markdown_table(frame: pd.DataFrame) -> list[str]:
    table = frame.reset_index()
    head = "| " + " | ".join(str(c) for c in table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    rows = [
        "| " + " | ".join("" if _plain(v) is None else str(_plain(v)) for v in row) + " |"
        for row in table.itertuples(index=False)
    ]
    return [head, rule, *rows]


# =========================================================================== building
def _period(label: Any, archive: Archive) -> pd.Period:
    """The period to audit: the one named, or the last whole quarter before the export."""
    if label is not None:
        try:
            return pd.Period(label) if not isinstance(label, pd.Period) else label
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(
                f"period must name a calendar period such as '2026Q3', '2026-03' or '2026', "
                f"got {label!r}"
            ) from exc
    at = archive.exported_at
    if at is None:
        span = archive.coverage.log_span
        at = span[1] if span else pd.Timestamp.now(tz="UTC")
    return pd.Timestamp(at).tz_convert(None).to_period("Q") - 1


def _numbers(specs: tuple[NumberSpec, ...], row: pd.Series, previous: pd.Series | None,
             unknown: Mapping[str, str]) -> pd.DataFrame:
    records = []
    for spec in specs:
        value = row.get(spec.key, pd.NA)
        before = pd.NA if previous is None else previous.get(spec.key, pd.NA)
        both = not (pd.isna(value) or pd.isna(before))
        records.append({
            "number": spec.key,
            "label": spec.label,
            "group": spec.group,
            "kind": spec.kind,
            "value": _plain(value),
            "previous": _plain(before),
            "change": _plain(value - before) if both else None,
            "unknown": unknown.get(spec.key) if pd.isna(value) else None,
            "definition": spec.definition,
        })
    # object columns: a count stays an int beside a missing value (never 600.0)
    return pd.DataFrame({k: pd.Series([r[k] for r in records], dtype=object)
                         for k in records[0]}).set_index("number")


def _handle(archive: Archive) -> str | None:
    accounts = archive.accounts
    match = accounts.loc[accounts["account_id"] == archive.ego, "handle"]
    if len(match) and pd.notna(match.iloc[0]):
        return str(match.iloc[0])
    return None


def audit(archive: Archive, *, period: Any = None, previous: Archive | None = None,
          demo: bool = False) -> Audit:
    """Audit an account's export (or summarise a dataset): the numbers of a report.

    Parameters
    ----------
    archive : Archive
        An account's export (with an owner), or a whole-platform dataset (no owner: the
        audit is then a dataset summary: its size, reciprocity, degree distribution and top
        accounts).
    period : str or pandas.Period, optional
        The period whose conversation numbers are audited, e.g. ``"2026Q3"`` (a month
        ``"2026-03"`` or a year ``"2026"`` works too); each number is compared with the
        period before it. Default: the last whole quarter before the export date.
    previous : Archive, optional
        An older export of the same account: the follow numbers are compared with it.
    demo : bool
        Label the report as the bundled demo account.

    Returns
    -------
    Audit

    Raises
    ------
    InvalidArgumentError
        ``period`` names no calendar period, or ``previous`` is another account's export.

    Examples
    --------
    >>> import engagemetrics as em
    >>> report = em.audit(em.datasets.demo(), demo=True)
    >>> report.header["period"], report.follows.loc["followers", "value"]
    ('2025Q4', 600)
    >>> report.conversation.loc["replies_received", "unknown"]
    "an account's export holds its own posts, not the replies and mentions others addressed to it"
    """
    if not isinstance(archive, Archive):
        raise InvalidArgumentError(
            f"audit() takes an em.Archive (em.load(path) makes one), got {type(archive).__name__}"
        )
    coverage = archive.coverage.to_frame()
    span = archive.coverage.log_span
    header: dict[str, Any] = {
        "platform": archive.platform,
        "exported_at": archive.exported_at,
        "log_span": None if span is None else [t.isoformat() for t in span],
        "demo": bool(demo),
    }
    if archive.ego is None:
        header["source"] = "a whole-platform dataset"
        return Audit("dataset", header, coverage, archive.ledger,
                     dataset=_dataset(archive), archive=archive)
    if previous is not None and previous.ego != archive.ego:
        raise InvalidArgumentError(
            f"previous= must be an older export of the same account ({archive.ego}), got "
            f"{previous.ego}'s"
        )
    chosen = _period(period, archive)
    before = chosen - 1
    header.update(account=archive.ego, handle=_handle(archive), period=str(chosen),
                  previous_period=str(before))
    snapshot = ego_metrics(archive)
    older = None if previous is None else ego_metrics(previous)
    follows = _numbers(FOLLOW_NUMBERS, snapshot.iloc[0],
                       None if older is None else older.iloc[0], snapshot.attrs["unknown"])
    now = ego_metrics(archive, start=chosen.start_time, end=(chosen + 1).start_time)
    then = ego_metrics(archive, start=before.start_time, end=(before + 1).start_time)
    conversation = _numbers(CONVERSATION_NUMBERS, now.iloc[0], then.iloc[0],
                            {**then.attrs["unknown"], **now.attrs["unknown"]})
    periods = ego_metrics(archive, freq="QE")
    return Audit("account", header, coverage, archive.ledger, follows=follows,
                 conversation=conversation, periods=periods, archive=archive, snapshot=snapshot)


def _dataset(archive: Archive) -> dict[str, pd.DataFrame]:
    """The summary of a whole-platform dataset."""
    size = pd.DataFrame(
        {"rows": [len(archive.follows), len(archive.interactions), len(archive.posts)]},
        index=pd.Index(["follow edges", "interactions", "posts"], name="table"),
    )
    metrics = account_metrics(archive)
    size.loc["accounts", "rows"] = len(metrics)
    graph = FollowGraph(archive)
    why = not_whole_graph(graph)
    if why is None and graph.n_edges:
        census = dyad_census(graph)
        values = {"reciprocity (arcs)": reciprocity(graph),
                  "reciprocity (pairs)": reciprocity(graph, unit="pairs"),
                  "reciprocity rho": reciprocity_rho(graph),
                  "mutual pairs": census.mutual, "asymmetric pairs": census.asymmetric}
        recip = pd.DataFrame({"value": values, "unknown": None})
    else:
        reason = why or "the dataset holds no follow edges"
        recip = pd.DataFrame({"value": dict.fromkeys(["reciprocity (arcs)",
                                                      "reciprocity (pairs)"]),
                              "unknown": reason})
    recip.index.name = "measure"
    columns = [c for c in ("followers", "following", "mutuals", "replies", "reposts",
                           "replies_received", "mentions_received", "reposts_received")
               if c in metrics.columns and metrics[c].notna().any()]
    quantiles = [0.5, 0.9, 0.99, 1.0]
    degrees = pd.DataFrame(
        {c: [metrics[c].astype("float64").quantile(q) for q in quantiles] for c in columns},
        index=pd.Index(["median", "90th percentile", "99th percentile", "maximum"],
                       name="statistic"),
    )
    top = pd.DataFrame({
        c: metrics[c].astype("float64").nlargest(10).index.astype(str).tolist()
        + [None] * (10 - min(10, len(metrics)))
        for c in columns
    }, index=pd.RangeIndex(1, 11, name="rank"))
    return {"size": size, "reciprocity": recip, "degrees": degrees, "top": top}


# =========================================================================== HTML
_CSS = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5f5f5f; --line: #d9d9d9;
        --unknown: #8a6d00; --up: #006b3c; --down: #a4000f; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       margin: 0 auto; padding: 1rem; max-width: 60rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; } h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.num .unknown { white-space: normal; display: block; text-align: left; min-width: 10rem; }
th[scope=row] { width: 45%; }
.unknown { color: var(--unknown); } .up { color: var(--up); } .down { color: var(--down); }
.muted, .definition { color: var(--muted); font-size: .9rem; }
.demo { background: #fff3c4; padding: .25rem .5rem; border-radius: .25rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
@media (max-width: 40rem) { body { font-size: 15px; padding: .5rem; }
  .definition { display: none; } dl.facts { grid-template-columns: 1fr; } }
@media print { body { max-width: none; } .charts { display: block; }
  figure { page-break-inside: avoid; } a { color: inherit; } }
"""


def _cell_value(row: pd.Series) -> str:
    value = _format(row["value"], row["kind"])
    if value == "unknown":
        return f'<span class="unknown">unknown ({html.escape(str(row["unknown"]))})</span>'
    return html.escape(value)


def _cell_change(row: pd.Series) -> str:
    text = _change(row["change"], row["kind"])
    if not text:
        return ""
    trend = "up" if not text.startswith("-") else "down"
    return f'<span class="{trend}">{html.escape(text)}</span>'


def _numbers_html(frame: pd.DataFrame, caption: str) -> str:
    rows = "".join(
        f"<tr><th scope=\"row\">{html.escape(str(row['label']))}"
        f"<div class=\"definition\">{html.escape(str(row['definition']))}</div></th>"
        f"<td class=\"num\">{_cell_value(row)}</td><td class=\"num\">{_cell_change(row)}</td>"
        "</tr>"
        for _, row in frame.iterrows()
    )
    return (f"<table><caption class=\"muted\">{html.escape(caption)}</caption>"
            "<thead><tr><th>number</th><th>value</th><th>change</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _frame_html(frame: pd.DataFrame) -> str:
    plain = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
    table = frame if plain else frame.reset_index()
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(
            f"<td>{'' if _plain(v) is None else html.escape(str(_plain(v)))}</td>" for v in row
        ) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _body(report: Audit) -> str:
    parts = [f"<h1>{html.escape(report._title())}</h1>"]
    if report.header.get("demo"):
        parts.append('<p class="demo">This is the bundled demo account: synthetic data made by '
                     "engagemetrics' own generator.</p>")
    facts = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>"
                    for k, v in report._facts())
    parts.append(f'<dl class="facts">{facts}</dl>')
    charts = _charts(report)
    if charts:
        figures = "".join(
            f'<figure><img src="data:image/png;base64,{png}" alt="{html.escape(alt)}">'
            f"<figcaption class=\"muted\">{html.escape(title)}</figcaption></figure>"
            for title, alt, png in charts
        )
        parts.append(f'<h2>Charts</h2><div class="charts">{figures}</div>')
    if report.kind == "account":
        h = report.header
        parts.append("<h2>Follow graph, as of the export</h2>")
        parts.append(_numbers_html(report.follows, "vanity numbers beside relationship numbers"))
        parts.append(f"<h2>Conversation in {html.escape(h['period'])}</h2>")
        parts.append(_numbers_html(report.conversation,
                                   f"change from {h['previous_period']}"))
    else:
        for name, frame in report.dataset.items():
            parts.append(f"<h2>{html.escape(name)}</h2>{_frame_html(frame)}")
    if len(report.ledger):
        parts.append("<h2>Data-quality ledger</h2>")
        parts.append('<p class="muted">What the export held that is in no table, or kept under '
                     "a convention, and why.</p>")
        parts.append(_frame_html(report.ledger))
    parts.append(f'<p class="muted">Every number is defined in <code>{DEFINITIONS}</code> of '
                 "engagemetrics' documentation.</p>")
    return "\n".join(parts)


def _page(report: Audit) -> str:
    title = html.escape(report._title())
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{title}</title><style>{_CSS}</style></head>"
        f"<body>{_body(report)}</body></html>\n"
    )


def _charts(report: Audit) -> list[tuple[str, str, str]]:
    """The charts of the page: (caption, alt text, base64 PNG), drawn without pyplot."""
    if report.archive is None or report.kind != "account":
        return []
    import base64
    import io

    from matplotlib.figure import Figure

    from . import plotting

    archive = report.archive
    wanted: list[tuple[str, str, Any]] = [
        ("Rates per quarter", "line chart of the follow-back rate, reply share and followee "
         "engagement per quarter", lambda ax: plotting.plot_metrics_over_time(report.periods,
                                                                               ax=ax)),
        ("Replies and broadcasts per quarter", "bar chart of replies against broadcasts per "
         "quarter", lambda ax: plotting.plot_replies_vs_broadcasts(report.periods, ax=ax)),
        ("Follow-back funnel", "bars of following, followed back, followers and followed back",
         lambda ax: plotting.plot_follow_back_funnel(report.snapshot, ax=ax)),
        ("When the account posts", "heatmap of posts by hour of day and weekday, UTC",
         lambda ax: plotting.plot_activity_heatmap(archive, ax=ax)),
        ("Ego network", "the account and its most active counterparts: mutual follows and "
         "interaction ties", lambda ax: plotting.plot_ego_network(archive, top=40, ax=ax)),
    ]
    out = []
    for title, alt, draw in wanted:
        figure = Figure(figsize=(6.4, 4.2), layout="constrained")
        draw(figure.subplots())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        out.append((title, alt, base64.b64encode(buffer.getvalue()).decode("ascii")))
    return out
