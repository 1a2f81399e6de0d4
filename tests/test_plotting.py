"""The plots of em.plot check what they drew: artists, their data, labels, notes.

Every expected value is computed here from the input with pandas (or written out by hand
with its arithmetic), never read back from the code under test. The whole module runs on
matplotlib's Agg backend, and every test closes its figures.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import types

os.environ["MPLBACKEND"] = "Agg"

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from matplotlib.colors import to_rgba

import engagemetrics as em
from engagemetrics.exceptions import (
    InvalidArgumentError,
    MissingColumnsError,
    NoEgoError,
    TimestampParseError,
    UnsupportedBackendError,
)

plot = em.plot


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def demo() -> em.Archive:
    return em.datasets.demo()


@pytest.fixture(scope="module")
def quarters(demo) -> pd.DataFrame:
    return em.ego_metrics(demo, freq="QE")


def _frozen(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    return frame.copy(deep=True), copy.deepcopy(frame.attrs)


def _unchanged(frame: pd.DataFrame, before: tuple[pd.DataFrame, dict]) -> None:
    pdt.assert_frame_equal(frame, before[0])
    assert frame.attrs == before[1]


def _by_gid(ax, gid: str) -> list:
    return [a for a in ax.findobj() if a.get_gid() == gid]


def _notes(ax) -> str:
    return " ".join(
        " ".join(t.get_text().split()) for t in ax.texts if t.get_gid() == "engagemetrics:note"
    )


def _demo_posts(demo) -> pd.DataFrame:
    """The owner's posts without direct messages, computed here with pandas."""
    p = demo.posts
    return p[(p["author"] == demo.ego) & (p["visibility"].astype(object) != "direct")]


# --------------------------------------------------------------------------- the module
def test_importing_the_module_imports_neither_matplotlib_nor_networkx():
    code = ("import sys, engagemetrics as em; em.plot.plot_quadrants; "
            "print(' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    loaded = set(out.stdout.split())
    assert "engagemetrics.plotting" in loaded
    assert not {"matplotlib", "matplotlib.pyplot", "networkx"} & loaded


def test_plot_is_the_plotting_module():
    import engagemetrics.plotting

    assert em.plot is engagemetrics.plotting
    assert {"plot", "plotting"} <= set(em.__all__)


def test_the_palette_is_okabe_ito():
    # Okabe & Ito (2008), as published: black, orange, sky blue, bluish green, yellow, blue,
    # vermillion, reddish purple
    assert list(plot.OKABE_ITO.values()) == [
        "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"
    ]


# --------------------------------------------------------------------------- 1. over time
def test_metrics_over_time_draws_each_rate_in_percent(quarters):
    before = _frozen(quarters)
    ax = plot.plot_metrics_over_time(quarters)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == [
        "follow-back rate", "reply share", "followee engagement"
    ]
    for line, column in zip(lines, ["follow_back_rate", "reply_share", "followee_engagement"],
                            strict=True):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(len(quarters)))
        # the frame's ratio in percent; NaN stays NaN (a gap), never 0
        np.testing.assert_array_equal(line.get_ydata(), quarters[column].to_numpy() * 100)
    # one marker per series: not colour alone
    assert len({line.get_marker() for line in lines}) == 3
    assert len({line.get_color() for line in lines}) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "follow-back rate", "reply share", "followee engagement"
    ]
    assert ax.get_title() == "Relationship rates per quarter"
    assert ax.get_ylabel() == "Rate (%)"
    assert ax.get_xlabel() == "Quarter (UTC calendar)"
    assert ax.get_ylim() == (0.0, 100.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(p) for p in quarters.index]
    _unchanged(quarters, before)


def test_metrics_over_time_says_why_a_rate_is_missing(quarters):
    ax = plot.plot_metrics_over_time(quarters)
    notes = _notes(ax)
    # the demo is an X-like export: follows carry no dates, so the past quarters' follow
    # counts are unknown (mutuals is the first input of mutuals / following)
    why = quarters.attrs["unknown"]["mutuals"]
    # the export is dated 2026-01-01: 2025Q4 holds the snapshot, the quarters before do not
    assert f"follow-back rate in 2025Q1–2025Q3 unknown: {why}" in notes
    # followee engagement is known in every quarter: no note about it
    assert "followee engagement" not in notes
    # a quarter without replies or broadcasts has a reply share of 0 / 0: undefined, not unknown
    quiet = quarters.copy()
    quiet.loc["2025Q2", ["replies", "broadcasts"]] = 0
    quiet.loc["2025Q2", "reply_share"] = np.nan
    assert "reply share in 2025Q2 undefined: no replies + broadcasts" in _notes(
        plot.plot_metrics_over_time(quiet)
    )


def test_metrics_over_time_of_an_interaction_log():
    # a research-style log: interactions only. Broadcasts are unknown, so is reply share
    log = pd.DataFrame({"actor": ["me", "me", "ann"], "target": ["ann", "bob", "me"],
                        "kind": ["reply", "repost", "reply"],
                        "created_at": ["2026-01-05", "2026-04-01", "2026-04-02"]})
    periods = em.ego_metrics(em.Archive(interactions=log, ego="me", exported_at="2026-05-01"),
                             freq="QE")
    ax = plot.plot_metrics_over_time(periods, ["reply_share"])
    assert np.isnan(ax.get_lines()[0].get_ydata()).all()
    assert _notes(ax) == "reply share in 2026Q1–2026Q2 unknown: no posts table was given"


def test_metrics_over_time_on_given_axes_with_chosen_columns():
    periods = pd.DataFrame(
        {"reciprocation_rate": [0.25, np.nan, 0.5, np.nan]},
        index=pd.period_range("2026-01", periods=4, freq="M", name="period"),
    )
    periods.attrs["unknown"] = {"reciprocation_rate": "no follower list"}
    fig, ax = plt.subplots()
    out = plot.plot_metrics_over_time(periods, "reciprocation_rate", ax=ax)
    assert out is ax and plt.get_fignums() == [fig.number]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [25.0, np.nan, 50.0, np.nan])
    assert ax.get_title() == "Relationship rates per month"
    assert ax.get_xlabel() == "Month (UTC calendar)"
    # no follow count in the frame: the column's own reason, months apart listed apart
    assert _notes(ax) == "reciprocation rate in 2026-02, 2026-04 unknown: no follower list"


def test_metrics_over_time_with_no_periods_says_so(quarters):
    ax = plot.plot_metrics_over_time(quarters.iloc[0:0])
    assert all(len(line.get_ydata()) == 0 for line in ax.get_lines())
    assert "no periods" in _notes(ax)


@pytest.mark.parametrize(
    ("make", "kwargs", "error", "words"),
    [
        (lambda q: q.to_dict(), {}, UnsupportedBackendError, "pandas DataFrame"),
        (lambda q: q.reset_index(), {}, InvalidArgumentError, "PeriodIndex"),
        (lambda q: q, {"columns": ["follow_ratio"]}, InvalidArgumentError, "rate columns"),
        (lambda q: q, {"columns": ["reply_share", "reply_share"]}, InvalidArgumentError,
         "distinct"),
        (lambda q: q, {"columns": []}, InvalidArgumentError, "columns is empty"),
        (lambda q: q.drop(columns="reply_share"), {}, MissingColumnsError, "reply_share"),
        (lambda q: q, {"ax": "left"}, InvalidArgumentError, "matplotlib Axes"),
    ],
)
def test_metrics_over_time_rejects_bad_input(quarters, make, kwargs, error, words):
    with pytest.raises(error, match=words):
        plot.plot_metrics_over_time(make(quarters), **kwargs)


# --------------------------------------------------------------------------- 2. replies
def test_replies_vs_broadcasts_bars_are_the_counts(demo, quarters):
    before = _frozen(quarters)
    ax = plot.plot_replies_vs_broadcasts(quarters)
    replies, broadcasts = ax.containers
    assert (replies.get_label(), broadcasts.get_label()) == ("replies", "broadcasts")
    # counted here from the post log: reply posts, and original + thread posts, per quarter
    posts = _demo_posts(demo)
    quarter = posts["created_at"].dt.tz_localize(None).dt.to_period("Q")
    kind = posts["kind"].astype(str)
    expected = pd.DataFrame({
        "replies": (kind == "reply").groupby(quarter).sum(),
        "broadcasts": kind.isin(["post", "thread"]).groupby(quarter).sum(),
    }).reindex(quarters.index, fill_value=0)
    assert [b.get_height() for b in replies] == expected["replies"].tolist()
    assert [b.get_height() for b in broadcasts] == expected["broadcasts"].tolist()
    n = len(quarters)
    np.testing.assert_allclose([b.get_x() + b.get_width() / 2 for b in replies],
                               np.arange(n) - 0.2)
    np.testing.assert_allclose([b.get_x() + b.get_width() / 2 for b in broadcasts],
                               np.arange(n) + 0.2)
    # a hatch besides the colour
    assert {b.get_hatch() for b in broadcasts} == {"//"}
    assert {b.get_hatch() or "" for b in replies} == {""}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["replies", "broadcasts"]
    assert ax.get_title() == "Replies and broadcasts per quarter"
    assert ax.get_ylabel() == "Posts (count)"
    assert ax.get_xlabel() == "Quarter (UTC calendar)"
    assert _notes(ax) == ""
    _unchanged(quarters, before)


def test_replies_vs_broadcasts_leaves_unknown_counts_out():
    log = pd.DataFrame({"actor": ["me", "me", "ann"], "target": ["ann", "bob", "me"],
                        "kind": ["reply", "repost", "reply"],
                        "created_at": ["2026-01-05", "2026-04-01", "2026-04-02"]})
    periods = em.ego_metrics(em.Archive(interactions=log, ego="me", exported_at="2026-05-01"),
                             freq="QE")
    fig, ax = plt.subplots()
    assert plot.plot_replies_vs_broadcasts(periods, ax=ax) is ax
    replies, broadcasts = ax.containers
    # me replied to ann in 2026Q1, nothing in 2026Q2: a measured 0 is a bar of height 0
    assert [b.get_height() for b in replies] == [1.0, 0.0]
    assert all(np.isnan(b.get_height()) for b in broadcasts)
    assert _notes(ax) == "broadcasts in 2026Q1–2026Q2 unknown: no posts table was given"


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda q: list(q["replies"]), UnsupportedBackendError),
        (lambda q: q.drop(columns="broadcasts"), MissingColumnsError),
        (lambda q: q.reset_index(drop=True), InvalidArgumentError),
    ],
)
def test_replies_vs_broadcasts_rejects_bad_input(quarters, make, error):
    with pytest.raises(error):
        plot.plot_replies_vs_broadcasts(make(quarters))


# --------------------------------------------------------------------------- 3. quadrants
def _summary() -> pd.DataFrame:
    """A stand-in of the quadrant summary: Int64 accounts, the reason where unknown."""
    return pd.DataFrame(
        {"accounts": pd.array([40, 85, 1, pd.NA], dtype="Int64"),
         "unknown": [None, None, None, "no follower list in a Bluesky repo"]},
        index=pd.Index(["engaged_mutuals", "silent_mutuals", "one_sided_outreach",
                        "unfollowed_engagers"], name="quadrant"),
    )


def test_quadrants_draws_four_cells_with_their_counts():
    summary = _summary()
    before = _frozen(summary)
    ax = plot.plot_quadrants(summary)
    assert len(ax.patches) == 4
    cells = {p.get_gid().rsplit(":", 1)[1]: p for p in ax.patches}
    # columns: do I engage them (no = left, yes = right); rows: mutual (no = bottom)
    corners = {name: (round(p.get_x()), round(p.get_y())) for name, p in cells.items()}
    assert corners == {"engaged_mutuals": (1, 1), "silent_mutuals": (0, 1),
                       "one_sided_outreach": (1, 0), "unfollowed_engagers": (0, 0)}
    okabe = plot.OKABE_ITO
    assert cells["engaged_mutuals"].get_facecolor() == to_rgba(okabe["bluish_green"], 0.45)
    assert cells["silent_mutuals"].get_facecolor() == to_rgba(okabe["sky_blue"], 0.45)
    assert cells["one_sided_outreach"].get_facecolor() == to_rgba(okabe["orange"], 0.45)
    # the unknown quadrant: grey and hatched, not a colour of the palette
    assert cells["unfollowed_engagers"].get_facecolor() == to_rgba("#DDDDDD")
    assert cells["unfollowed_engagers"].get_hatch() == "//"
    assert {cells[q].get_hatch() or "" for q in cells if q != "unfollowed_engagers"} == {""}
    texts = [" ".join(t.get_text().split()) for t in ax.texts]
    for line in ["Engaged mutuals", "Silent mutuals", "One-sided outreach",
                 "Unfollowed engagers", "40 accounts", "85 accounts", "1 account", "unknown",
                 # the reason, once, under the plot, with the quadrants it makes unknown
                 "Unfollowed engagers: unknown (no follower list in a Bluesky repo)"]:
        assert line in texts
    assert not any(t == "0 accounts" for t in texts)
    assert ax.get_title() == "Relationship quadrants (accounts)"
    assert ax.get_xlabel() == "Do I engage them? (replies, mentions, reposts, quotes)"
    assert ax.get_ylabel() == "Do we follow each other?"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["no", "yes"]
    _unchanged(summary, before)


def test_quadrants_takes_the_result_object_and_given_axes():
    summary = _summary().assign(accounts=pd.array([3, 0, 7, 12], dtype="Int64"))
    summary = summary.drop(columns="unknown")  # no unknown column: all known
    result = types.SimpleNamespace(summary=summary)
    fig, ax = plt.subplots()
    assert plot.plot_quadrants(result, ax=ax) is ax
    texts = [t.get_text() for t in ax.texts]
    # a measured 0 is shown as 0
    assert {"3 accounts", "0 accounts", "7 accounts", "12 accounts"} <= set(texts)
    assert not any(t.startswith("unknown") for t in texts)


def test_quadrants_unknown_without_a_reason():
    summary = _summary().assign(unknown=None)
    ax = plot.plot_quadrants(summary)
    assert "Unfollowed engagers: unknown (no reason given)" in [t.get_text() for t in ax.texts]


def test_quadrants_of_the_real_quadrant_summary():
    # em.quadrants' own summary (accounts, at_least, share, definition, unknown): the X-like
    # demo holds the owner's side only, so every quadrant is unknown; 'at least' shows the
    # engaged mutuals it can decide (the owner engaged them, and they follow each other)
    demo = em.datasets.demo()
    rel = em.relationships(demo, start="2025-10-01", end="2026-01-01")
    summary = em.quadrants(rel).summary
    engaged = (rel["follow_state"] == "mutual") & (rel["engagement_to"] > 0)
    ax = plot.plot_quadrants(summary)
    texts = [" ".join(t.get_text().split()) for t in ax.texts]
    assert texts.count("unknown") == 4
    assert f"at least {int(engaged.sum())}" in texts and int(engaged.sum()) > 0
    notes = [t for t in texts if t.startswith("Engaged mutuals, Silent mutuals")]
    assert len(notes) == 1 and "not in the data" in notes[0]
    # known counts with their shares
    both = summary.assign(accounts=pd.array([3, 0, 7, 12], dtype="Int64"), unknown=None,
                          share=[3 / 40, 0.0, 7 / 40, 12 / 40])
    texts = [t.get_text() for t in plot.plot_quadrants(both).texts]
    assert {"3 accounts", "0 accounts", "7.5% of its relationships",
            "30.0% of its relationships"} <= set(texts)
    plt.close("all")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ([40, 85, 1, 0], UnsupportedBackendError),
        (_summary().drop(columns="accounts"), MissingColumnsError),
        (_summary().drop(index="silent_mutuals"), InvalidArgumentError),
    ],
)
def test_quadrants_rejects_bad_input(data, error):
    with pytest.raises(error):
        plot.plot_quadrants(data)


# --------------------------------------------------------------------------- 4. funnel
def test_funnel_bars_and_rates(demo):
    row = em.ego_metrics(demo)
    before = _frozen(row)
    ax = plot.plot_follow_back_funnel(row)
    following, followers = demo.following(), demo.followers()
    mutuals = following & followers
    # widths from the archive's follow sets: 300 followed, 125 of them back; 600 followers
    assert [float(b.get_width()) for b in ax.patches] == [
        len(following), len(mutuals), len(followers), len(mutuals)
    ] == [300.0, 125.0, 600.0, 125.0]
    assert [b.get_hatch() or "" for b in ax.patches] == ["", "//", "", "//"]
    texts = [t.get_text() for t in ax.texts]
    # 125 / 300 = 0.41666 -> 41.7 %; 125 / 600 = 0.20833 -> 20.8 %
    assert texts == ["300", "125 (follow-back rate 41.7%)", "600",
                     "125 (reciprocation rate 20.8%)"]
    # top to bottom
    assert list(ax.get_yticks()) == [3, 2, 1, 0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "I follow", "… who follow me back", "Follow me", "… whom I follow back"
    ]
    assert [b.get_y() + b.get_height() / 2 for b in ax.patches] == [3, 2, 1, 0]
    assert ax.get_title() == f"Follow-back funnel ({demo.ego})"
    assert ax.get_xlabel() == "Accounts (count)"
    _unchanged(row, before)
    # a Series (one row of the frame) draws the same
    ax2 = plot.plot_follow_back_funnel(row.iloc[0])
    assert [t.get_text() for t in ax2.texts] == texts


def test_funnel_of_a_past_period_shows_unknown_with_the_reason(quarters):
    row = quarters.iloc[0]  # 2025Q1: follows carry no dates, the counts are unknown
    fig, ax = plt.subplots()
    assert plot.plot_follow_back_funnel(row, ax=ax) is ax
    assert all(np.isnan(b.get_width()) for b in ax.patches)  # no bar, never a 0
    assert [t.get_text() for t in ax.texts if t.get_gid() is None] == ["unknown"] * 4
    why = quarters.attrs["unknown"]
    notes = _notes(ax)
    assert f"following unknown: {why['following']}" in notes
    assert f"followers unknown: {why['followers']}" in notes
    assert f"mutuals unknown: {why['mutuals']}" in notes
    assert ax.get_title() == "Follow-back funnel (2025Q1)"
    assert list(ax.get_xticks()) == []


def test_funnel_computes_a_missing_rate_and_says_undefined():
    # no rate columns: computed from the counts. following 0: mutuals / following is
    # undefined; mutuals / followers = 0 / 4 = 0.0 %
    row = pd.Series({"following": 0, "followers": 4, "mutuals": 0,
                     "follow_basis": "lower bound"}, name="2026Q1")
    ax = plot.plot_follow_back_funnel(row)
    texts = [t.get_text() for t in ax.texts if t.get_gid() is None]
    assert texts == ["0", "0 (follow-back rate undefined: 0 following)", "4",
                     "0 (reciprocation rate 0.0%)"]
    assert "lower bounds" in _notes(ax)
    row2 = pd.Series({"following": 4, "followers": 8, "mutuals": 2})
    ax2 = plot.plot_follow_back_funnel(row2)
    # 2 / 4 = 50.0 %, 2 / 8 = 25.0 %
    assert [t.get_text() for t in ax2.texts][1::2] == [
        "2 (follow-back rate 50.0%)", "2 (reciprocation rate 25.0%)"
    ]


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda q: q, InvalidArgumentError),  # five rows
        (lambda q: q.iloc[0:0], InvalidArgumentError),
        (lambda q: q.iloc[-1].drop("mutuals"), MissingColumnsError),
        (lambda q: q.iloc[-1].to_dict(), UnsupportedBackendError),
    ],
)
def test_funnel_rejects_bad_input(quarters, make, error):
    with pytest.raises(error):
        plot.plot_follow_back_funnel(make(quarters))


# --------------------------------------------------------------------------- 5. network
def _small_archive(**kwargs) -> em.Archive:
    """me <-> ann (mutual), me -> bob, cat -> me; dan only interacts.

    Engaging interactions: me -> ann 3 replies; dan -> me 1 reply; me -> bob 1 mention.
    Left out: a like me -> cat, a direct message me -> cat, a self-reply of me.
    """
    follows = pd.DataFrame({"source": ["me", "ann", "me", "cat"],
                            "target": ["ann", "me", "bob", "me"]})
    interactions = pd.DataFrame({
        "actor": ["me", "me", "me", "dan", "me", "me", "me", "me"],
        "target": ["ann", "ann", "ann", "me", "bob", "cat", "cat", "me"],
        "kind": ["reply", "reply", "reply", "reply", "mention", "like", "reply", "reply"],
        "created_at": pd.date_range("2026-01-01", periods=8, freq="D", tz="UTC"),
        "visibility": ["public"] * 6 + ["direct", "public"],
    })
    accounts = pd.DataFrame({"account_id": ["me", "ann"], "handle": ["mine", "ann_h"],
                             "display_name": ["Me", "Ann"]})
    return em.Archive(follows=follows, interactions=interactions, accounts=accounts, ego="me",
                      **kwargs)


def _nodes(ax) -> dict[str, int]:
    return {kind: sum(len(c.get_offsets()) for c in _by_gid(ax, f"engagemetrics:node:{kind}"))
            for kind in ("owner", "mutual", "following", "follower", "other")}


def _arc_widths(ax) -> list[float]:
    return sorted(a.get_linewidth() for a in _by_gid(ax, "engagemetrics:edges:interactions"))


def test_ego_network_of_a_small_archive():
    archive = _small_archive()
    before = {name: getattr(archive, name).copy() for name in ("follows", "interactions")}
    ax = plot.plot_ego_network(archive)
    assert _nodes(ax) == {"owner": 1, "mutual": 1, "following": 1, "follower": 1, "other": 1}
    # widths 0.5 + 4.5 * n / max n: ann 3 -> 5.0; bob 1, dan 1 -> 0.5 + 4.5 / 3 = 2.0
    np.testing.assert_allclose(_arc_widths(ax), [2.0, 2.0, 5.0])
    for kind, style in (("mutual", "solid"), ("following", "dashed"), ("follower", "dotted")):
        (lines,) = _by_gid(ax, f"engagemetrics:edges:{kind}")
        assert len(lines.get_segments()) == 1
        # solid is no dash pattern; dashed and dotted each have one
        assert (lines.get_linestyle()[0][1] is None) == (style == "solid")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "owner", "mutual follow (1)", "I follow (1)", "follows me (1)",
        "no follow (interactions only) (1)", "edge: mutual follow", "edge: I follow",
        "edge: follows me", "edge: interactions (width: count, max 3)",
    ]
    assert ax.get_title() == "Ego network of @mine: all 4 counterparts"
    # the owner and the counterparts with interactions, by handle where there is one
    labels = {t.get_text() for t in ax.texts if t.get_gid() is None}
    assert labels == {"@mine", "@ann_h", "bob", "dan"}
    # only the received interactions are unknown (an account's own export)
    assert _notes(ax).startswith("interactions received unknown:")
    for name, table in before.items():
        pdt.assert_frame_equal(getattr(archive, name), table)


def test_ego_network_keeps_the_top_by_interactions_then_follows():
    fig, ax = plt.subplots()
    assert plot.plot_ego_network(_small_archive(), top=2, ax=ax) is ax
    # ann has 3 interactions; bob and dan 1 each, bob wins by a follow (dan has none)
    assert _nodes(ax) == {"owner": 1, "mutual": 1, "following": 1, "follower": 0, "other": 0}
    np.testing.assert_allclose(_arc_widths(ax), [2.0, 5.0])
    assert ax.get_title() == "Ego network of @mine: top 2 of 4 counterparts"
    assert ax.get_legend().get_title().get_text() == "by interactions, then follows"


def test_ego_network_without_followers_draws_no_follows_me_edge():
    archive = _small_archive(unknown={"followers": "a Bluesky repo holds no follower list"})
    ax = plot.plot_ego_network(archive)
    # ann is followed, and whether she follows back is unknown: no mutual, no follower;
    # cat, known only from the follower list, is not there; dan only interacts
    assert _nodes(ax) == {"owner": 1, "mutual": 0, "following": 2, "follower": 0, "other": 1}
    assert ax.get_title() == "Ego network of @mine: all 3 counterparts"
    assert _by_gid(ax, "engagemetrics:edges:follower") == []
    assert _by_gid(ax, "engagemetrics:edges:mutual") == []
    assert ("followers unknown: a Bluesky repo holds no follower list; no 'follows me' or "
            "mutual edges drawn") in _notes(ax)
    assert "edge: follows me" not in [t.get_text() for t in ax.get_legend().get_texts()]


def test_ego_network_of_the_demo_matches_a_pandas_ranking(demo):
    ax = plot.plot_ego_network(demo, top=50)
    ego = demo.ego
    it = demo.interactions
    keep = (it["kind"].astype(str).isin(["reply", "mention", "repost", "quote"])
            & (it["visibility"].astype(object) != "direct") & (it["actor"] != it["target"]))
    partners = pd.concat([it.loc[keep & (it["actor"] == ego), "target"],
                          it.loc[keep & (it["target"] == ego), "actor"]]).astype(str)
    counts = partners.value_counts()
    following, followers = demo.following(), demo.followers()
    everyone = sorted((following | followers | set(counts.index)) - {ego})
    table = pd.DataFrame({"account": everyone})
    table["n"] = table["account"].map(counts).fillna(0).astype(int)
    table["ties"] = (table["account"].isin(following).astype(int)
                     + table["account"].isin(followers).astype(int))
    top = table.sort_values(["n", "ties", "account"], ascending=[False, False, True]).head(50)
    mutual = top["account"].isin(following) & top["account"].isin(followers)
    only_following = top["account"].isin(following) & ~top["account"].isin(followers)
    assert _nodes(ax)["mutual"] == mutual.sum()
    assert _nodes(ax)["following"] == only_following.sum()
    assert sum(_nodes(ax).values()) == 51
    engaged = top[top["n"] > 0]["n"]
    np.testing.assert_allclose(_arc_widths(ax),
                               sorted(0.5 + 4.5 * engaged / engaged.max()))
    assert ax.get_title().endswith(f"top 50 of {len(everyone):,} counterparts")


def test_ego_network_of_an_owner_alone():
    ax = plot.plot_ego_network(em.Archive(follows=pd.DataFrame({"source": [], "target": []}),
                                          ego="me"))
    assert _nodes(ax)["owner"] == 1 and sum(_nodes(ax).values()) == 1
    assert "no counterparts" in _notes(ax)


@pytest.mark.parametrize(
    ("make", "kwargs", "error"),
    [
        (lambda: _small_archive().follows, {}, UnsupportedBackendError),
        (_small_archive, {"top": 0}, InvalidArgumentError),
        (_small_archive, {"top": "10"}, InvalidArgumentError),
        (_small_archive, {"top": True}, InvalidArgumentError),
        (lambda: em.Archive(follows=pd.DataFrame({"source": ["a"], "target": ["b"]})), {},
         NoEgoError),
    ],
)
def test_ego_network_rejects_bad_input(make, kwargs, error):
    with pytest.raises(error):
        plot.plot_ego_network(make(), **kwargs)


# --------------------------------------------------------------------------- 6. heatmap
def test_activity_heatmap_of_the_demo_counts_hours_by_weekday(demo):
    ax = plot.plot_activity_heatmap(demo)
    (image,) = ax.images
    posts = _demo_posts(demo)
    expected = pd.crosstab(posts["created_at"].dt.day_of_week, posts["created_at"].dt.hour)
    expected = expected.reindex(index=range(7), columns=range(24), fill_value=0)
    np.testing.assert_array_equal(image.get_array(), expected.to_numpy())
    assert image.colorbar.ax.get_ylabel() == "Posts (count)"
    assert ax.get_xlabel() == "Hour of day (UTC)"
    assert ax.get_ylabel() == "Weekday (UTC)"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
    ]
    n = len(posts)  # 1,990 of the 2,000 items: the 10 direct messages are left out
    assert n == 1990
    assert ax.get_title() == f"Posts of @{demo.accounts.set_index('account_id').loc[demo.ego, 'handle']} by hour and weekday (n = {n:,})"
    assert "direct messages are left out" in _notes(ax)


def test_activity_heatmap_of_a_hand_built_table():
    # Monday 2026-03-02 09:30 UTC twice (one given as 11:30+02:00), Sunday 2026-03-08 23:59,
    # and a direct message on Monday 09:00 that is not drawn
    posts = pd.DataFrame({
        "post_id": ["1", "2", "3", "4"], "author": "me",
        "created_at": ["2026-03-02T09:30:00Z", "2026-03-02T11:30:00+02:00",
                       "2026-03-08T23:59:00Z", "2026-03-02T09:00:00Z"],
        "kind": "post", "visibility": ["public", "public", "public", "direct"],
    })
    before = _frozen(posts)
    fig, ax = plt.subplots()
    assert plot.plot_activity_heatmap(posts, ax=ax) is ax
    expected = np.zeros((7, 24))
    expected[0, 9] = 2  # Monday 09:00-10:00
    expected[6, 23] = 1  # Sunday 23:00-24:00
    np.testing.assert_array_equal(ax.images[0].get_array(), expected)
    assert ax.get_title() == "Posts by hour and weekday (n = 3)"
    assert len(fig.axes) == 2  # the axes and its colour bar, in the given figure
    _unchanged(posts, before)


def test_activity_heatmap_of_an_archive_without_posts_is_unknown():
    archive = em.Archive(follows=pd.DataFrame({"source": ["me"], "target": ["ann"]}), ego="me")
    ax = plot.plot_activity_heatmap(archive)
    assert ax.images[0].get_array().mask.all()  # grey everywhere, not a 0
    assert "posts unknown: no posts table was given" in _notes(ax)
    assert ax.get_title().endswith("(n = unknown)")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (["2026-01-01"], UnsupportedBackendError),
        (pd.DataFrame({"when": ["2026-01-01"]}), MissingColumnsError),
        (pd.DataFrame({"created_at": ["not a date"]}), TimestampParseError),
    ],
)
def test_activity_heatmap_rejects_bad_input(data, error):
    with pytest.raises(error):
        plot.plot_activity_heatmap(data)


# --------------------------------------------------------------------------- every plot
def _calls(demo, quarters) -> dict:
    return {
        "plot_metrics_over_time": lambda ax: plot.plot_metrics_over_time(quarters, ax=ax),
        "plot_replies_vs_broadcasts": lambda ax: plot.plot_replies_vs_broadcasts(quarters,
                                                                                 ax=ax),
        "plot_quadrants": lambda ax: plot.plot_quadrants(_summary(), ax=ax),
        "plot_follow_back_funnel": lambda ax: plot.plot_follow_back_funnel(quarters.iloc[-1],
                                                                           ax=ax),
        "plot_ego_network": lambda ax: plot.plot_ego_network(_small_archive(), ax=ax),
        "plot_activity_heatmap": lambda ax: plot.plot_activity_heatmap(demo, ax=ax),
    }


def test_every_plot_draws_on_the_given_axes_or_one_new_figure(demo, quarters):
    calls = _calls(demo, quarters)
    assert set(calls) == {n for n in plot.__all__ if n.startswith("plot_")}
    for name, call in calls.items():
        fig, ax = plt.subplots()
        assert call(ax) is ax, name
        assert plt.get_fignums() == [fig.number], name
        assert ax.get_title(), name
        plt.close("all")
        new = call(None)
        assert plt.get_fignums() == [new.figure.number], name
        new.figure.savefig(_devnull(), format="png")  # renders: the notes' placement resolves
        plt.close("all")
        with pytest.raises(InvalidArgumentError, match="matplotlib Axes"):
            call(object())


def _devnull():
    import io

    return io.BytesIO()
