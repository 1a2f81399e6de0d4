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
from .metrics.change import compare, engagement_lift
from .metrics.ego import ego_metrics
from .metrics.graph import FollowGraph
from .metrics.reciprocity import dyad_census, not_whole_graph, reciprocity, reciprocity_rho
from .metrics.relationships import dormant, quadrants, relationships
from .metrics.twoway import two_way_metrics

__all__ = ["SCHEMA_VERSION", "Audit", "NumberSpec", "audit"]

#: Version of the JSON document :meth:`Audit.to_json` writes (docs/audit-schema.json).
SCHEMA_VERSION = "1.1"
DEFINITIONS = "docs/definitions.md"


@dataclass(frozen=True)
class NumberSpec:
    """One number of the audit: its column, label, kind and definition."""

    key: str
    label: str
    kind: str  # "count", "share" (shown in %), "ratio" or "hours"
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


TWO_WAY_NUMBERS = (
    NumberSpec("replies", "replies (dated)", "count", "relationship",
               "replies to other accounts in the period, with a time"),
    NumberSpec("replied_back", "replied back", "count", "relationship",
               "of those, answered by a reply of the recipient within 7 days"),
    NumberSpec("reply_back_rate", "reply-back rate", "share", "relationship",
               "replied back / replies: is the account answered?"),
    NumberSpec("reply_back_hours_median", "median hours to a reply back", "hours",
               "relationship", "among the replies answered"),
    NumberSpec("addressed", "addressed to it", "count", "relationship",
               "replies and mentions others addressed to the account in the period"),
    NumberSpec("answered", "answered", "count", "relationship",
               "of those, answered by a reply of the account within 7 days"),
    NumberSpec("answer_rate", "answer rate", "share", "relationship",
               "answered / addressed: does the account answer?"),
    NumberSpec("answer_hours_median", "median hours to answer", "hours", "relationship",
               "among the items answered"),
    NumberSpec("answer_hours_km_median", "median hours to answer (Kaplan-Meier)", "hours",
               "relationship", "the unanswered counted as waiting (censored); empty when "
               "fewer than half are answered within 7 days (not reached)"),
)
#: How many accounts a list shows in the text and HTML renderings (the DataFrames and the
#: JSON hold them all).
SHOWN = 20
#: The relationship lists: how many rows, and the quiet days that make a tie dormant.
TOP = 10
DORMANT_DAYS = 90
NO_PREVIOUS = "no previous export was given (previous=, or --previous OLDER_EXPORT)"
LIFT_ROWS = ("engaged", "not_engaged", "difference")
CHURN_COUNTS = ("start", "end", "new", "lost", "net_growth", "lost_unfollowed", "lost_gone",
                "lost_unknown")
CHURN_COLUMNS = ("start", "end", "new", "lost", "churn_rate", "retention", "net_growth",
                 "lost_unfollowed", "lost_gone", "lost_unknown", "unknown")
TIE_COLUMNS = ("handle", "follow_state", "tie_strength", "engagement_to", "engagement_from",
               "first_exchange", "last_exchange", "days_since_last")


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


def _format(value: Any, kind: str, *, signed: bool = False, missing: str = "unknown") -> str:
    """A number of ``kind`` as text; ``signed`` for a change (shares in points)."""
    value = _plain(value)
    if value is None:
        return missing
    sign = "+" if signed else ""
    if kind == "count":
        return f"{int(value):{sign},}"
    if kind == "share":
        return f"{100 * float(value):{sign}.1f}" + (" pts" if signed else "%")
    if kind == "hours":
        return f"{float(value):{sign}.1f} h"
    return f"{float(value):{sign}.3f}"


def _shown(value: Any, kind: str, reason: Any) -> str:
    """A number as shown: unknown with its reason, or undefined (a ratio of 0 / 0)."""
    text = _format(value, kind)
    if text != "unknown":
        return text
    return "undefined" if reason is None or reason is pd.NA else f"unknown ({reason})"


def _change(value: Any, kind: str) -> str:
    return _format(value, kind, signed=True, missing="")


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
    two_way : pandas.DataFrame
        The same columns for the two-way conversation numbers of the period audited
        (:func:`engagemetrics.two_way_metrics`): reply-back rate, answer rate, median
        latencies. One account's export usually holds its own side only: the numbers that
        need the other side are unknown, with the reason.
    churn : pandas.DataFrame
        :func:`engagemetrics.compare` of the previous export with this one: index ``side``
        (followers, following); Int64 ``start``, ``end``, ``new``, ``lost``, float
        ``churn_rate``, ``retention``, Int64 ``net_growth``, ``lost_unfollowed``,
        ``lost_gone``, ``lost_unknown`` (the lost accounts by what became of them), and
        ``unknown`` (the reason a side is unknown: always, without a previous export).
        ``attrs``: ``older_exported_at``, ``newer_exported_at``.
    churn_accounts : pandas.DataFrame
        The accounts that came or left, index ``account``: ``handle`` (where the accounts
        table has it), ``side``, ``change`` (new, lost), ``lost_as`` (unfollowed, gone,
        unknown). ``attrs["unknown"]``: the sides without rows because they are unknown.
    lift : pandas.DataFrame
        :func:`engagemetrics.engagement_lift`: rows ``engaged``, ``not_engaged`` (Int64
        ``accounts`` and ``followed``, float ``share``, ``ci_low``, ``ci_high``,
        ``definition``) and ``difference`` (the difference of the shares in ``share``, its
        interval in ``ci_low``, ``ci_high``); ``unknown``: the reason per row. From the
        previous export and this one; without a previous export, from this one alone over the
        period audited when its followers carry follow dates. ``attrs``: ``basis``,
        ``period``, ``confidence``, ``method``.
    quadrants : pandas.DataFrame
        :func:`engagemetrics.quadrants` of the period audited (its ``summary``: ``accounts``,
        ``at_least``, ``share``, ``definition``, ``unknown``). ``attrs``: ``period``,
        ``counterparts``.
    top_relationships : pandas.DataFrame
        The ten strongest ties (:func:`engagemetrics.relationships` over the whole export,
        ``tie_strength`` descending), index ``counterpart``: ``handle``, ``follow_state``,
        ``tie_strength``, ``engagement_to``, ``engagement_from`` (interactions each way),
        ``first_exchange``, ``last_exchange``, ``days_since_last``. ``attrs``: ``unknown``
        (column -> reason), ``basis``, ``as_of``.
    dormant : pandas.DataFrame
        The same columns for the ten strongest dormant ties (:func:`engagemetrics.dormant`:
        no exchange in the last 90 days), the ones worth re-engaging. ``attrs`` adds
        ``days`` and ``total`` (how many are dormant in all).
    periods : pandas.DataFrame
        :func:`engagemetrics.ego_metrics` per quarter (for the charts).
    ledger : pandas.DataFrame
        What the export held that is in no table, or kept under a convention, and why.
    dataset : dict of pandas.DataFrame
        For ``kind="dataset"``: ``size``, ``reciprocity``, ``degrees`` and ``top``.

    Examples
    --------
    >>> import engagemetrics as em
    >>> audit = em.audit(em.datasets.demo())
    >>> audit.kind, audit.follows.loc["followers", "value"]
    ('account', 600)
    >>> audit.to_markdown().splitlines()[0]
    '# engagemetrics audit: @oknist on twitter'
    """

    kind: str
    header: dict[str, Any]
    coverage: pd.DataFrame
    ledger: pd.DataFrame
    follows: pd.DataFrame = field(default_factory=pd.DataFrame)
    conversation: pd.DataFrame = field(default_factory=pd.DataFrame)
    two_way: pd.DataFrame = field(default_factory=pd.DataFrame)
    churn: pd.DataFrame = field(default_factory=pd.DataFrame)
    churn_accounts: pd.DataFrame = field(default_factory=pd.DataFrame)
    lift: pd.DataFrame = field(default_factory=pd.DataFrame)
    quadrants: pd.DataFrame = field(default_factory=pd.DataFrame)
    top_relationships: pd.DataFrame = field(default_factory=pd.DataFrame)
    dormant: pd.DataFrame = field(default_factory=pd.DataFrame)
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
            out["two_way"] = _records(self.two_way.drop(columns=["definition"]), "number")
            churn = self.churn.attrs
            out["churn"] = {
                "older_exported_at": _plain(churn.get("older_exported_at")),
                "newer_exported_at": _plain(churn.get("newer_exported_at")),
                "sides": _records(self.churn, "side"),
                "accounts": (None if self.churn["unknown"].notna().all()
                             else _records(self.churn_accounts, "account")),
                "unknown": {k: v for k, v in self.churn_accounts.attrs.get("unknown",
                                                                            {}).items()},
            }
            lift = self.lift.attrs
            out["lift"] = {
                "basis": lift.get("basis"),
                "period": (None if lift.get("period") is None
                           else [_plain(t) for t in lift["period"]]),
                "confidence": lift.get("confidence"),
                "method": lift.get("method"),
                "groups": _records(self.lift, "group"),
            }
            out["quadrants"] = {
                "period": self.quadrants.attrs.get("period"),
                "counterparts": _plain(self.quadrants.attrs.get("counterparts")),
                "quadrants": _records(self.quadrants, "quadrant"),
            }
            for name in ("top_relationships", "dormant"):
                frame = getattr(self, name)
                out[name] = {
                    "as_of": _plain(frame.attrs.get("as_of")),
                    "basis": frame.attrs.get("basis"),
                    "relationships": _records(frame, "counterpart"),
                    "unknown": dict(frame.attrs.get("unknown", {})),
                }
            out["dormant"].update(days=self.dormant.attrs.get("days"),
                                  total=_plain(self.dormant.attrs.get("total")))
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
            value = _shown(row["value"], row["kind"], row["unknown"])
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
            lines.append(f"two-way conversations in {h['period']} (change from "
                         f"{h['previous_period']}):")
            lines += self._number_lines(
                self.two_way, width=max(len(s.label) for s in TWO_WAY_NUMBERS))
            for section in _sections(self):
                lines += section.text()
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
                value = _shown(row["value"], row["kind"], row["unknown"])
                rows.append(f"| {row['label']} | {value} | {_change(row['change'], row['kind'])}"
                            f" | {row['definition']} |")
            return rows

        if self.kind == "account":
            out += ["## Follow graph, as of the export", ""] + table(self.follows) + [""]
            h = self.header
            out += [f"## Conversation in {h['period']} (change from {h['previous_period']})", ""]
            out += table(self.conversation) + [""]
            out += [f"## Two-way conversations in {h['period']} (change from "
                    f"{h['previous_period']})", ""]
            out += table(self.two_way) + [""]
            for section in _sections(self):
                out += section.markdown()
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
        An older export of the same account: the follow numbers are compared with it, and
        it gives the churn (:func:`engagemetrics.compare`) and the engagement lift
        (:func:`engagemetrics.engagement_lift`) between the two export dates. Without it
        they are unknown, with the reason (the lift is then measured from this export alone
        when its followers carry follow dates).
    demo : bool
        Label the report as the bundled demo account.

    Returns
    -------
    Audit
        The header, coverage, follow and conversation numbers, the two-way conversations
        of the period, churn and lift, the relationship quadrants of the period, the ten
        strongest and the ten strongest dormant ties, the periods and the ledger.

    Raises
    ------
    InvalidArgumentError
        ``period`` names no calendar period, or ``previous`` is another account's export.

    Notes
    -----
    The quadrants are those of the period audited; the strongest and dormant ties count
    every exchange of the export, as of its date (dormant: none in the last 90 days). Two
    exports that :func:`engagemetrics.compare` refuses (no export date, the same one, or
    the newer one given as previous) leave churn and lift unknown, with its message as the
    reason. Every number is defined in ``docs/definitions.md``.

    Examples
    --------
    >>> import engagemetrics as em
    >>> report = em.audit(em.datasets.demo(), demo=True)
    >>> report.header["period"], report.follows.loc["followers", "value"]
    ('2025Q4', 600)
    >>> report.conversation.loc["replies_received", "unknown"]
    "an account's export holds its own posts, not the replies and mentions others addressed to it"
    >>> report.churn.loc["followers", "unknown"]
    'no previous export was given (previous=, or --previous OLDER_EXPORT)'
    >>> len(report.top_relationships), report.dormant.attrs["total"]
    (10, 323)
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
    start, end = chosen.start_time, (chosen + 1).start_time
    names = _names(archive, previous)
    now2 = two_way_metrics(archive, start=start, end=end)
    then2 = two_way_metrics(archive, start=before.start_time, end=chosen.start_time)
    two_way = _two_way(now2, then2, archive.ego)
    churn, churn_accounts = _churn(archive, previous, names)
    lift = _lift(archive, previous, chosen)
    in_period = quadrants(relationships(archive, start=start, end=end))
    quads = in_period.summary.copy()
    quads.attrs = {"period": str(chosen), "counterparts": in_period.counterparts}
    every = relationships(archive)
    strongest = every[every["tie_strength"].notna()].sort_values(
        ["tie_strength", "last_exchange"], ascending=[False, False], na_position="last"
    )
    quiet = dormant(every, days=DORMANT_DAYS)
    top = _ties(strongest.head(TOP), names, every.attrs)
    rest = _ties(quiet.head(TOP), names, every.attrs)
    rest.attrs.update(days=DORMANT_DAYS, total=len(quiet))
    return Audit("account", header, coverage, archive.ledger, follows=follows,
                 conversation=conversation, two_way=two_way, churn=churn,
                 churn_accounts=churn_accounts, lift=lift, quadrants=quads,
                 top_relationships=top, dormant=rest, periods=periods, archive=archive,
                 snapshot=snapshot)


# The counts behind each two-way number: when they are known and the last is 0, the number is
# undefined (a ratio of 0 / 0, a median of nothing), not unknown.
_BEHIND = {
    "reply_back_rate": ("replied_back", "replies"),
    "reply_back_hours_median": ("replied_back",),
    "answer_rate": ("answered", "addressed"),
    "answer_hours_median": ("answered",),
    "answer_hours_km_median": ("answered", "addressed"),
}


def _owner_row(frame: pd.DataFrame, ego: Any) -> dict[str, Any]:
    if ego not in frame.index:
        return {}
    at = frame.index.get_loc(ego)
    return {c: frame[c].iloc[at] for c in frame.columns}


def _two_way(now: pd.DataFrame, then: pd.DataFrame, ego: Any) -> pd.DataFrame:
    """The owner's two-way numbers in the period, against the period before."""
    row, before = _owner_row(now, ego), _owner_row(then, ego)
    table = _numbers(TWO_WAY_NUMBERS, pd.Series(row, dtype=object),
                     pd.Series(before, dtype=object),
                     {**then.attrs.get("unknown", {}), **now.attrs.get("unknown", {})})
    for number, counts in _BEHIND.items():
        values = [row.get(c, pd.NA) for c in counts]
        known = not any(pd.isna(v) for v in values)
        # known counts with nothing to measure (no replies; or fewer than half answered for
        # the Kaplan-Meier median): undefined, so no reason
        if known and (values[-1] == 0 or number == "answer_hours_km_median"):
            table.loc[number, "unknown"] = None
    return table


def _names(*archives: Archive | None) -> pd.Series:
    """account id -> handle, from the accounts tables of the exports given (newest first)."""
    frames = [a.accounts[["account_id", "handle"]] for a in archives
              if a is not None and len(a.accounts)]
    if not frames:
        return pd.Series(dtype=object)
    table = pd.concat(frames, ignore_index=True).dropna(subset=["handle"])
    table = table.drop_duplicates("account_id")
    return pd.Series(table["handle"].astype(object).to_numpy(),
                     index=table["account_id"].astype(object).to_numpy(), dtype=object)


def _handles(ids: pd.Index, names: pd.Series) -> np.ndarray:
    found = names.reindex(ids.astype(object)).to_numpy(dtype=object)
    return np.array([None if pd.isna(h) else str(h) for h in found], dtype=object)


def _churn(archive: Archive, previous: Archive | None, names: pd.Series
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """em.compare(previous, archive) as the audit shows it: per side, and per account."""
    sides = pd.Index(["followers", "following"], name="side")
    accounts = pd.DataFrame({"handle": pd.Series(dtype=object),
                             "side": pd.Series(dtype=object),
                             "change": pd.Series(dtype=object),
                             "lost_as": pd.Series(dtype=object)},
                            index=pd.Index([], name="account", dtype=object))
    why: str | None = NO_PREVIOUS
    comparison = None
    if previous is not None:
        try:
            comparison = compare(previous, archive)
            why = None
        except InvalidArgumentError as exc:
            why = f"the two exports cannot be compared: {exc}"
    frame = pd.DataFrame(index=sides)
    for column in CHURN_COLUMNS[:-1]:
        frame[column] = (np.full(2, np.nan) if column in ("churn_rate", "retention")
                         else pd.array([pd.NA, pd.NA], dtype="Int64"))
    frame["unknown"] = pd.Series([why, why], index=sides, dtype=object)
    frame.attrs = {"older_exported_at": None if previous is None else previous.exported_at,
                   "newer_exported_at": archive.exported_at}
    if comparison is None:
        accounts.attrs["unknown"] = {"followers": why, "following": why}
        return frame, accounts
    summary, changes = comparison.summary, comparison.changes
    for column in summary.columns:
        frame[column] = summary[column]
    reasons = summary.attrs.get("unknown", {})
    frame["unknown"] = pd.Series([reasons.get(side) for side in sides], index=sides,
                                 dtype=object)
    for side in sides:
        if side in reasons:
            continue
        lost = changes[(changes["side"] == side).to_numpy()
                       & (changes["change"] == "lost").to_numpy()]
        counts = lost["lost_as"].value_counts()
        for kind in ("unfollowed", "gone", "unknown"):
            frame.loc[side, f"lost_{kind}"] = int(counts.get(kind, 0))
    index = pd.Index(changes.index.astype(object), name="account")
    accounts = pd.DataFrame({
        "handle": pd.Series(_handles(changes.index, names), index=index, dtype=object),
        "side": pd.Series(changes["side"].astype(object).to_numpy(), index=index,
                          dtype=object),
        "change": pd.Series(changes["change"].astype(object).to_numpy(), index=index,
                            dtype=object),
        "lost_as": pd.Series([None if pd.isna(v) else str(v) for v in changes["lost_as"]],
                             index=index, dtype=object),
    }, index=index)
    accounts.attrs["unknown"] = dict(changes.attrs.get("unknown", {}))
    return frame, accounts


def _lift(archive: Archive, previous: Archive | None, chosen: pd.Period) -> pd.DataFrame:
    """em.engagement_lift as the audit shows it: the two groups, then their difference."""
    lift = None
    why: str | None = None
    if previous is not None:
        try:
            lift = engagement_lift(previous, archive)
        except InvalidArgumentError as exc:
            why = f"the two exports cannot be compared: {exc}"
    else:
        # one export: the lift of the period audited, when its followers carry follow dates
        lift = engagement_lift(archive, start=chosen.start_time, end=(chosen + 1).start_time)
    frame = pd.DataFrame(
        {"accounts": pd.array([pd.NA] * 3, dtype="Int64"),
         "followed": pd.array([pd.NA] * 3, dtype="Int64"),
         "share": np.full(3, np.nan), "ci_low": np.full(3, np.nan),
         "ci_high": np.full(3, np.nan),
         "definition": pd.Series([None] * 3, dtype=object).to_numpy(),
         "unknown": pd.Series([why] * 3, dtype=object).to_numpy()},
        index=pd.Index(list(LIFT_ROWS), name="group"),
    )
    frame.attrs = {"basis": None, "period": None, "confidence": None, "method": None}
    if lift is None:
        return frame
    table = lift.table
    for column in ("accounts", "followed", "share", "ci_low", "ci_high", "definition"):
        frame.loc[["engaged", "not_engaged"], column] = table[column].to_numpy()
    frame["accounts"] = frame["accounts"].astype("Int64")
    frame["followed"] = frame["followed"].astype("Int64")
    frame.loc["difference", ["share", "ci_low", "ci_high"]] = [lift.difference, *lift.ci]
    frame.loc["difference", "definition"] = (
        f"share engaged - share not engaged, with its {lift.confidence:.0%} interval "
        f"({lift.method}); an association, not the effect of engaging"
    )
    reasons = table.attrs.get("unknown", {})
    group_why = reasons.get("accounts") or reasons.get("followed")
    difference_why = lift.unknown.get("difference")
    if previous is None and (group_why or difference_why):
        prefix = f"{NO_PREVIOUS}; from this export alone: "
        group_why = group_why and prefix + group_why
        difference_why = difference_why and prefix + difference_why
    frame["unknown"] = pd.Series([group_why, group_why, difference_why],
                                 dtype=object).to_numpy()
    frame.attrs = {"basis": lift.basis, "period": list(lift.period),
                   "confidence": lift.confidence, "method": lift.method}
    return frame


def _ties(rel: pd.DataFrame, names: pd.Series, attrs: Mapping[Any, Any]) -> pd.DataFrame:
    """Rows of a relationship table as the audit lists them, in the order given."""
    counterparts = pd.Index(rel.index.get_level_values("counterpart").astype(object),
                            name="counterpart")
    frame = pd.DataFrame({
        "handle": pd.Series(_handles(counterparts, names), index=counterparts, dtype=object),
        "follow_state": pd.Series(rel["follow_state"].astype(object).to_numpy(),
                                  index=counterparts, dtype=object),
        **{c: rel[c].to_numpy() for c in TIE_COLUMNS[2:]},
    }, index=counterparts)
    for column in ("engagement_to", "engagement_from"):
        frame[column] = rel[column].astype("Int64").array
    unknown = attrs.get("unknown", {})
    frame.attrs = {"unknown": {c: unknown[c] for c in TIE_COLUMNS if c in unknown},
                   "basis": attrs.get("basis"), "as_of": attrs.get("as_of")}
    return frame


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


# =========================================================================== sections
@dataclass(frozen=True)
class _Section:
    """A relationship section as the renderings show it: a table of text cells and notes."""

    title: str
    head: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()

    def text(self) -> list[str]:
        lines = [f"{self.title}:"]
        if self.rows:
            widths = [max(len(r[i]) for r in (self.head, *self.rows))
                      for i in range(len(self.head))]
            for r in (self.head, *self.rows):
                lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths,
                                                                         strict=True)).rstrip())
        lines += [f"  {note}" for note in self.notes]
        return lines

    def markdown(self) -> list[str]:
        out = [f"## {self.title}", ""]
        if self.rows:
            def cells(r: tuple[str, ...]) -> str:
                return "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |"
            out += [cells(self.head), "|" + "---|" * len(self.head)]
            out += [cells(r) for r in self.rows]
            out.append("")
        out += [f"- {note}" for note in self.notes]
        return [*out, ""] if self.notes else out

    def html(self) -> str:
        parts = [f"<h2>{html.escape(self.title)}</h2>"]
        if self.rows:
            head = "".join(f"<th>{html.escape(c)}</th>" for c in self.head)
            body = "".join(
                "<tr>" + "".join(
                    f'<td class="unknown">{html.escape(c)}</td>' if c.startswith("unknown")
                    else f"<td>{html.escape(c)}</td>" for c in r
                ) + "</tr>"
                for r in self.rows
            )
            parts.append(f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
                         f"<tbody>{body}</tbody></table></div>")
        parts += [
            f'<p class="{"unknown" if n.startswith("unknown") else "muted"}">'
            f"{html.escape(n)}</p>"
            for n in self.notes
        ]
        return "\n".join(parts)


def _cell(value: Any, kind: str, reason: Any) -> str:
    """A table cell: the value, "unknown" (its reason goes in a note) or "undefined"."""
    text = _format(value, kind)
    if text != "unknown":
        return text
    return "undefined" if reason is None or reason is pd.NA else "unknown"


def _who(account: Any, handle: Any) -> str:
    return f"@{handle}" if isinstance(handle, str) and handle else str(account)


def _date(value: Any) -> str:
    return "none" if value is None or pd.isna(value) else str(pd.Timestamp(value).date())


def _reasons(column: pd.Series) -> list[str]:
    return [f"unknown: {why}" for why in dict.fromkeys(w for w in column if isinstance(w, str))]


def _sections(report: Audit) -> list[_Section]:
    """The relationship sections of an account's audit, in the order of the report."""
    return [_churn_section(report), _lift_section(report), _quadrant_section(report),
            _tie_section(report, "top_relationships"), _tie_section(report, "dormant")]


def _churn_section(report: Audit) -> _Section:
    churn, accounts = report.churn, report.churn_accounts
    older, newer = churn.attrs.get("older_exported_at"), churn.attrs.get("newer_exported_at")
    title = "Churn since the previous export"
    if older is not None:
        title += f" ({_date(older)} to {_date(newer)})"
    if churn["unknown"].notna().all() and len(set(churn["unknown"])) == 1:
        return _Section(title, notes=(f"unknown ({churn['unknown'].iloc[0]})",))
    head = ("side", "start", "end", "new", "lost", "churn rate", "retention", "net growth",
            "lost: unfollowed", "gone", "unknown")
    rows = []
    for side, r in churn.iterrows():
        if r["unknown"] is not None:
            rows.append((str(side), *["unknown"] * (len(head) - 1)))
            continue
        rows.append((str(side), _format(r["start"], "count"), _format(r["end"], "count"),
                     _format(r["new"], "count"), _format(r["lost"], "count"),
                     _cell(r["churn_rate"], "share", None),
                     _cell(r["retention"], "share", None), _change(r["net_growth"], "count"),
                     _format(r["lost_unfollowed"], "count"), _format(r["lost_gone"], "count"),
                     _format(r["lost_unknown"], "count")))
    notes = [f"unknown: {side}: {why}" for side, why in churn["unknown"].items()
             if why is not None]
    for side in ("followers", "following"):
        if churn.loc[side, "unknown"] is not None:
            continue
        for change in ("new", "lost"):
            chosen = accounts[(accounts["side"] == side).to_numpy()
                              & (accounts["change"] == change).to_numpy()]
            if not len(chosen):
                continue
            shown = [_who(a, r["handle"]) + (f" ({r['lost_as']})" if change == "lost" else "")
                     for a, r in chosen.head(SHOWN).iterrows()]
            more = len(chosen) - len(shown)
            tail = f" and {more:,} more (all in the JSON)" if more > 0 else ""
            notes.append(f"{change} {side} ({len(chosen):,}): {', '.join(shown)}{tail}")
    notes.append("churn rate = lost / start; retention = (start - lost) / start. A lost account "
                 "is unfollowed (the newer export still shows it), gone (it shows it nowhere: "
                 "deleted, suspended, or never met again) or unknown (the newer export lacks "
                 "the part that would tell).")
    if "lost_as" in accounts.attrs.get("unknown", {}):
        notes.append(f"unknown: lost as: {accounts.attrs['unknown']['lost_as']}")
    return _Section(title, head, tuple(rows), tuple(notes))


def _lift_section(report: Audit) -> _Section:
    lift = report.lift
    title = "Engagement lift: do the accounts it engages follow it more?"
    if lift["share"].isna().all() and lift["accounts"].isna().all():
        return _Section(title, notes=tuple(f"unknown ({why})" for why in dict.fromkeys(
            w for w in lift["unknown"] if isinstance(w, str))) or ("unknown",))
    level = f"{lift.attrs['confidence']:.0%}"
    head = ("group", "accounts", "followed", "share", f"{level} interval")

    def interval(r: pd.Series) -> str:
        if pd.isna(r["ci_low"]):
            return "unknown" if r["unknown"] else "undefined"
        if r.name == "difference":
            return f"{100 * r['ci_low']:+.1f} to {100 * r['ci_high']:+.1f} pts"
        return f"{100 * r['ci_low']:.1f}% to {100 * r['ci_high']:.1f}%"

    rows = []
    for group, r in lift.iterrows():
        if group == "difference":
            share = (f"{100 * r['share']:+.1f} pts" if pd.notna(r["share"])
                     else ("unknown" if r["unknown"] else "undefined"))
            rows.append(("difference", "", "", share, interval(r)))
            continue
        rows.append((str(group).replace("_", " "), _cell(r["accounts"], "count", r["unknown"]),
                     _cell(r["followed"], "count", r["unknown"]),
                     _cell(r["share"], "share", r["unknown"]), interval(r)))
    start, end = lift.attrs["period"]
    notes = [f"{lift.attrs['basis']}, period {_date(start)} to {_date(end)}"]
    notes += [f"{str(g).replace('_', ' ')}: {d}" for g, d in lift["definition"].items()
              if isinstance(d, str)]
    notes += _reasons(lift["unknown"])
    return _Section(title, head, tuple(rows), tuple(notes))


def _quadrant_section(report: Audit) -> _Section:
    q = report.quadrants
    title = f"Relationship quadrants in {q.attrs.get('period')}"
    rows = []
    for name, r in q.iterrows():
        count = (_format(r["accounts"], "count") if pd.notna(r["accounts"])
                 else f"unknown (at least {int(r['at_least']):,})")
        share = "unknown" if pd.isna(r["accounts"]) else _cell(r["share"], "share", None)
        rows.append((str(name).replace("_", " "), count, share, str(r["definition"])))
    notes = [f"of {int(q.attrs.get('counterparts') or 0):,} counterparts (accounts it follows, "
             "that follow it, or with an interaction either way); a counterpart is in at most "
             "one quadrant", *_reasons(q["unknown"])]
    return _Section(title, ("quadrant", "accounts", "share", "definition"), tuple(rows),
                    tuple(notes))


def _tie_section(report: Audit, name: str) -> _Section:
    frame: pd.DataFrame = getattr(report, name)
    unknown = frame.attrs.get("unknown", {})
    if name == "dormant":
        days = frame.attrs.get("days")
        title = f"Dormant relationships worth re-engaging (no exchange in {days} days)"
        head = ("#", "account", "follow state", "past tie strength", "last exchange",
                "days since", "it engaged them", "they engaged it")
    else:
        title = "Strongest relationships (tie strength over the whole export)"
        head = ("#", "account", "follow state", "tie strength", "last exchange",
                "days since", "it engaged them", "they engaged it")
    rows = []
    for rank, (account, r) in enumerate(frame.iterrows(), start=1):
        rows.append((str(rank), _who(account, r["handle"]), str(r["follow_state"]),
                     _format(r["tie_strength"], "ratio"), _date(r["last_exchange"]),
                     "none" if pd.isna(r["days_since_last"]) else f"{r['days_since_last']:.0f}",
                     _cell(r["engagement_to"], "count", unknown.get("engagement_to")),
                     _cell(r["engagement_from"], "count", unknown.get("engagement_from"))))
    notes = []
    if not rows:
        notes.append("none")
    total = frame.attrs.get("total")
    if total is not None and total > len(frame):
        notes.append(f"and {total - len(frame):,} more dormant relationships (em.dormant)")
    notes.append(f"as of {_date(frame.attrs.get('as_of'))}; exchanges counted: "
                 f"{frame.attrs.get('basis')}")
    notes += [f"unknown: {c.replace('_', ' ')}: {why}" for c, why in unknown.items()
              if c in ("engagement_to", "engagement_from")]
    return _Section(title, head, tuple(rows), tuple(notes))


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
.scroll { overflow-x: auto; } .scroll table { min-width: 30rem; } .fit { overflow-x: auto; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
@media (max-width: 40rem) { body { font-size: 15px; padding: .5rem; }
  .definition { display: none; } dl.facts { grid-template-columns: 1fr; }
  th[scope=row] { width: auto; } td.num .unknown { min-width: 6rem; } }
@media print { body { max-width: none; } .charts { display: block; }
  figure { page-break-inside: avoid; } a { color: inherit; } }
"""


def _cell_value(row: pd.Series) -> str:
    value = _shown(row["value"], row["kind"], row["unknown"])
    if value.startswith("unknown"):
        return f'<span class="unknown">{html.escape(value)}</span>'
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
    return (f"<div class=\"fit\"><table><caption class=\"muted\">{html.escape(caption)}"
            "</caption><thead><tr><th>number</th><th>value</th><th>change</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


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
        parts.append(f"<h2>Two-way conversations in {html.escape(h['period'])}</h2>")
        parts.append(_numbers_html(report.two_way, f"change from {h['previous_period']}"))
        parts += [section.html() for section in _sections(report)]
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
        (f"Relationship quadrants in {report.header['period']}", "a two by two grid of "
         "engaged mutuals, silent mutuals, one-sided outreach and unfollowed engagers, with "
         "the accounts in each", lambda ax: plotting.plot_quadrants(report.quadrants, ax=ax)),
    ]
    out = []
    for title, alt, draw in wanted:
        size = (7.2, 6.4) if "quadrants" in title else (6.4, 4.2)
        figure = Figure(figsize=size, layout="constrained")
        draw(figure.subplots())
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        out.append((title, alt, base64.b64encode(buffer.getvalue()).decode("ascii")))
    return out
