"""The audit as an object, and its JSON against the documented schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

import engagemetrics as em

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "audit-schema.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def demo_audit() -> em.Audit:
    return em.audit(em.datasets.demo(), demo=True)


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_an_account_audit_follows_the_schema(demo_audit):
    document = json.loads(demo_audit.to_json())
    jsonschema.validate(document, SCHEMA)
    # the schema can fail: a count that is not a whole number, or a missing reason key
    bad = json.loads(demo_audit.to_json())
    bad["follows"][0]["value"] = 600.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)
    del document["follows"][0]["unknown"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)
    # and counts are written as JSON integers ("600", never "600.0")
    assert '"value": 600,' in demo_audit.to_json()


def test_a_dataset_summary_follows_the_schema(tmp_path):
    report = em.audit(em.load(em.datasets.demo_export("research", tmp_path)))
    assert report.kind == "dataset"
    jsonschema.validate(json.loads(report.to_json()), SCHEMA)


@pytest.mark.samples
def test_real_exports_follow_the_schema(samples):
    for path in (samples / "twitter/milahu-twitter-milahu104-2026-03-06",
                 samples / "bluesky/paul_staging.repo.car"):
        jsonschema.validate(json.loads(em.audit(em.load(path)).to_json()), SCHEMA)


def test_keys_are_stable(demo_audit):
    # the order and names of the numbers are part of the schema's promise
    document = json.loads(demo_audit.to_json())
    assert [row["number"] for row in document["follows"]] == [
        "followers", "following", "follow_ratio", "mutuals", "follow_back_rate",
        "reciprocation_rate", "reciprocity_dice",
    ]
    assert [row["number"] for row in document["conversation"]][:4] == [
        "posts", "broadcasts", "replies", "reply_share",
    ]


def test_direct_messages_never_appear(tmp_path):
    # a Mastodon export with direct messages: no DM's text, id or recipient in any rendering
    path = em.datasets.demo_export("mastodon", tmp_path)
    archive = em.load(path)
    direct = archive.posts[archive.posts["visibility"] == "direct"]
    assert len(direct)  # the generated export has some
    report = em.audit(archive)
    renderings = [repr(report), report.to_markdown(), report.to_json(), report.to_html()]
    for post in direct.itertuples():
        for text in renderings:
            assert str(post.post_id) not in text
            if isinstance(post.text, str) and len(post.text) > 12:
                assert post.text not in text


# =========================================================================== relationship content
def _ts(value: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz="UTC")


def hand_snapshots() -> tuple[em.Archive, em.Archive]:
    """Two exports of "me" (2026-01-01 and 2026-04-01); the newer one with what others
    addressed to it, so that both directions are known.

    Followers: older {ann, bob, dee, fay}, newer {ann, bob, cy, dee, gil}.
    Following: older {ann, bob, cy, ivy}, newer {ann, bob, cy}.
    The owner's interactions: reply to dee 2025-09-01; reply to ann 2026-02-01 10:00; reply
    to bob 2026-02-10; mention of ivy 2026-03-01; reply to cy 2026-03-05 06:00.
    Received: ann's reply 2026-02-01 12:00 (2 h after the owner's), cy's mention 2026-03-05.
    """
    older = em.Archive(
        follows=pd.DataFrame({"source": ["me", "ann", "me", "bob", "me", "dee", "fay", "me"],
                              "target": ["ann", "me", "bob", "me", "cy", "me", "me", "ivy"]}),
        interactions=pd.DataFrame({"actor": ["me"], "target": ["dee"], "kind": ["reply"],
                                   "created_at": ["2025-09-01"]}),
        accounts=pd.DataFrame({"account_id": ["fay"], "handle": ["fay_old"]}),
        ego="me", exported_at="2026-01-01")
    newer = em.Archive(
        follows=pd.DataFrame({"source": ["me", "ann", "me", "bob", "me", "cy", "dee", "gil"],
                              "target": ["ann", "me", "bob", "me", "cy", "me", "me", "me"]}),
        interactions=pd.DataFrame({
            "actor": ["me", "me", "me", "me", "me"],
            "target": ["dee", "ann", "bob", "ivy", "cy"],
            "kind": ["reply", "reply", "reply", "mention", "reply"],
            "created_at": ["2025-09-01", "2026-02-01 10:00", "2026-02-10", "2026-03-01",
                           "2026-03-05 06:00"]}),
        accounts=pd.DataFrame({"account_id": ["ann", "gil"], "handle": ["annie", "gil_h"]}),
        ego="me", exported_at="2026-04-01",
    ).with_interactions(pd.DataFrame({
        "actor": ["ann", "cy"], "target": ["me", "me"], "kind": ["reply", "mention"],
        "created_at": ["2026-02-01 12:00", "2026-03-05"]}))
    return older, newer


@pytest.fixture(scope="module")
def hand_audit() -> em.Audit:
    older, newer = hand_snapshots()
    return em.audit(newer, previous=older)


def test_two_way_numbers_by_hand(hand_audit):
    t = hand_audit.two_way
    assert hand_audit.header["period"] == "2026Q1"  # the last whole quarter before 2026-04-01
    # 2026Q1: replies to ann (02-01 10:00), bob (02-10), cy (03-05 06:00) = 3; ann replied
    # back 2 h later, bob and cy did not: 1 / 3, median 2.0 h.
    assert t.loc["replies", "value"] == 3 and t.loc["replied_back", "value"] == 1
    assert t.loc["reply_back_rate", "value"] == pytest.approx(1 / 3)
    assert t.loc["reply_back_hours_median", "value"] == pytest.approx(2.0)
    # addressed: ann's reply and cy's mention = 2; the owner answered cy 6 h later, not ann:
    # 1 / 2, median 6.0 h. Kaplan-Meier: ann's item censored at 7 days, cy's an event at 6 h:
    # S(6 h) = 1 - 1/2 = 0.5 <= 0.5, so the median is 6.0 h.
    assert (t.loc["addressed", "value"], t.loc["answered", "value"]) == (2, 1)
    assert t.loc["answer_rate", "value"] == pytest.approx(0.5)
    assert t.loc["answer_hours_median", "value"] == pytest.approx(6.0)
    assert t.loc["answer_hours_km_median", "value"] == pytest.approx(6.0)
    # 2025Q4 holds nothing: 0 replies (a measured 0), the rate undefined (not unknown)
    assert t.loc["replies", "previous"] == 0 and t.loc["replies", "change"] == 3
    assert t.loc["reply_back_rate", "previous"] is None
    assert t["unknown"].isna().all()


def test_churn_by_hand(hand_audit):
    c = hand_audit.churn
    # followers: start 4 {ann, bob, dee, fay}, end 5, new {cy, gil}, lost {fay}: churn 1/4,
    # retention 3/4, net +1; fay is in no part of the newer export: gone.
    assert c.loc["followers", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        4, 5, 2, 1, 1]
    assert c.loc["followers", ["lost_unfollowed", "lost_gone", "lost_unknown"]].tolist() == [
        0, 1, 0]
    assert c.loc["followers", "churn_rate"] == pytest.approx(0.25)
    assert c.loc["followers", "retention"] == pytest.approx(0.75)
    # following: start 4 {ann, bob, cy, ivy}, end 3, lost {ivy}, mentioned on 2026-03-01,
    # after the older export: unfollowed; net -1
    assert c.loc["following", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        4, 3, 0, 1, -1]
    assert c.loc["following", "lost_unfollowed"] == 1
    assert c["unknown"].isna().all()
    a = hand_audit.churn_accounts
    assert a.index.tolist() == ["cy", "fay", "gil", "ivy"]
    # handles from either export's accounts table (fay's from the older one)
    assert a["handle"].tolist() == [None, "fay_old", "gil_h", None]
    assert a["lost_as"].tolist() == [None, "gone", None, "unfollowed"]
    text = repr(hand_audit)
    assert "new followers (2): cy, @gil_h" in text
    assert "lost followers (1): @fay_old (gone)" in text
    assert "lost following (1): ivy (unfollowed)" in text


def test_lift_by_hand(hand_audit):
    from engagemetrics.metrics.change import newcombe_interval

    lift = hand_audit.lift
    # universe: accounts either export shows, not following at 2026-01-01 {ann, bob, dee,
    # fay}: {cy, gil, ivy}. Engaged in [2026-01-01, 2026-04-01): cy (reply), ivy (mention);
    # of them cy follows at the end: 1 / 2. Not engaged: gil, who follows: 1 / 1.
    assert lift.loc["engaged", ["accounts", "followed"]].tolist() == [2, 1]
    assert lift.loc["not_engaged", ["accounts", "followed"]].tolist() == [1, 1]
    assert lift.loc["engaged", "share"] == pytest.approx(0.5)
    assert lift.loc["difference", "share"] == pytest.approx(0.5 - 1.0)
    low, high = newcombe_interval(1, 2, 1, 1)
    assert lift.loc["difference", ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high])
    assert lift.attrs["basis"] == "snapshots"
    assert "did not follow the owner in the older export" in lift.loc["engaged", "definition"]
    assert lift["unknown"].isna().all()
    assert "-50.0 pts" in repr(hand_audit)


def test_quadrants_top_and_dormant_by_hand(hand_audit):
    q = hand_audit.quadrants
    # 2026Q1, six counterparts {ann, bob, cy, dee, gil, ivy}: ann, bob, cy are mutual with
    # an exchange (engaged mutuals); ivy was mentioned, never engaged the owner and does not
    # follow it (one-sided outreach); dee and gil follow it without an exchange in the
    # quarter (no quadrant).
    assert q["accounts"].tolist() == [3, 0, 1, 0]
    assert q["share"].tolist() == pytest.approx([3 / 6, 0, 1 / 6, 0])
    assert q.attrs == {"period": "2026Q1", "counterparts": 6}
    top = hand_audit.top_relationships
    # tie strength, as of 2026-04-01, every component known (weights .30 .20 .15 .15 .10
    # .10): cy: frequency 2/12 = .1667, recency .5 ** (26.75/90) = .8139, duration
    # 0.25/365, balance 1, kinds 2/4, mutual 1:
    # .3*.1667 + .2*.8139 + .15*.000685 + .15 + .1*.5 + .1 = .5129; ann: .3*.1667 +
    # .2*(.5 ** (58.5/90) = .6373) + ~0 + .15 + .1*.25 + .1 = .4525; bob (one reply, none
    # back: balance 0, 50 days): .3/11 + .2*.6804 + .025 + .1 = .2884; ivy (31 days, not
    # mutual): .3/11 + .2*.7877 + .025 = .2098; dee (212 days): .3/11 + .2*.1953 + .025 =
    # .0914; gil: nothing, 0.
    assert top.index.tolist() == ["cy", "ann", "bob", "ivy", "dee", "gil"]
    assert top["tie_strength"].tolist() == pytest.approx(
        [0.5129, 0.4525, 0.2884, 0.2098, 0.0914, 0.0], abs=1e-3)
    assert top.loc["cy", ["engagement_to", "engagement_from"]].tolist() == [1, 1]
    assert top.loc["ann", "handle"] == "annie" and top.loc["ann", "follow_state"] == "mutual"
    assert top.loc["cy", "last_exchange"] == _ts("2026-03-05 06:00")
    # dormant: dee only (212 days > 90; the others 26.75 to 58.5)
    d = hand_audit.dormant
    assert d.index.tolist() == ["dee"] and d.attrs["total"] == 1
    assert d.loc["dee", "days_since_last"] == pytest.approx(212)


def test_relationship_sections_in_every_rendering_and_the_schema(hand_audit):
    document = json.loads(hand_audit.to_json())
    jsonschema.validate(document, SCHEMA)
    assert document["schema_version"] == em.report.SCHEMA_VERSION
    sides = {row["side"]: row for row in document["churn"]["sides"]}
    assert sides["followers"]["new"] == 2 and '"lost_gone": 1,' in hand_audit.to_json()
    assert [r["account"] for r in document["churn"]["accounts"]] == ["cy", "fay", "gil", "ivy"]
    assert [g["group"] for g in document["lift"]["groups"]] == [
        "engaged", "not_engaged", "difference"]
    assert document["quadrants"]["counterparts"] == 6
    assert document["top_relationships"]["relationships"][0]["counterpart"] == "cy"
    assert document["dormant"]["total"] == 1
    kinds = {row["number"]: row["kind"] for row in document["two_way"]}
    assert kinds["answer_hours_median"] == "hours" and kinds["answered"] == "count"
    text, markdown, page = repr(hand_audit), hand_audit.to_markdown(), hand_audit.to_html()
    for title in ("Churn since the previous export (2026-01-01 to 2026-04-01)",
                  "Engagement lift", "Relationship quadrants in 2026Q1",
                  "Strongest relationships", "Dormant relationships worth re-engaging"):
        assert title in text and f"## {title}" in markdown and title in page
    assert "answer rate                            50.0%" in text
    assert "| reply-back rate | 33.3% |" in markdown
    # a bad document fails: a count as a float, an unknown quadrant
    bad = json.loads(hand_audit.to_json())
    bad["churn"]["sides"][0]["new"] = 2.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)
    bad = json.loads(hand_audit.to_json())
    bad["quadrants"]["quadrants"][0]["quadrant"] = "friends"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_without_a_previous_export_churn_and_lift_are_unknown_not_zero():
    _, newer = hand_snapshots()
    report = em.audit(newer)
    assert report.churn[["start", "new", "lost"]].isna().all().all()
    assert report.churn["unknown"].str.startswith("no previous export was given").all()
    assert report.lift[["accounts", "followed", "share"]].isna().all().all()
    # one export gives the lift when its followers carry dates; these do not
    why = report.lift.loc["engaged", "unknown"]
    assert why.startswith("no previous export was given") and "follow date" in why
    document = json.loads(report.to_json())
    jsonschema.validate(document, SCHEMA)
    assert document["churn"]["accounts"] is None
    assert all(row["new"] is None for row in document["churn"]["sides"])
    assert "unknown (no previous export was given" in repr(report)


def test_demo_relationship_sections_against_independent_counts(demo_audit):
    demo = em.datasets.demo()
    ego, acts = demo.ego, demo.interactions
    public = (acts["visibility"].astype(object) != "direct").to_numpy() & (
        acts["target"] != ego).to_numpy()
    mine = acts[public & (acts["actor"] == ego).to_numpy()
                & acts["kind"].isin(["reply", "mention", "repost", "quote"]).to_numpy()]
    q4 = mine[(mine["created_at"] >= _ts("2025-10-01")) & (mine["created_at"] < _ts("2026-01-01"))]
    # two-way: the owner's replies in 2025Q4 are known, the rest needs the other side
    t = demo_audit.two_way
    assert t.loc["replies", "value"] == int((q4["kind"] == "reply").sum())
    for number in ("replied_back", "reply_back_rate", "answer_rate", "answer_hours_median"):
        assert t.loc[number, "value"] is None
        assert "others addressed to it" in t.loc[number, "unknown"]
    # quadrants: unknown, at least the mutuals the owner engaged in 2025Q4
    mutuals = demo.followers() & demo.following()
    q = demo_audit.quadrants
    assert q["accounts"].isna().all()
    assert q.loc["engaged_mutuals", "at_least"] == len(set(q4["target"]) & mutuals)
    # top 10 by tie strength, strongest first, the other side unknown
    top = demo_audit.top_relationships
    assert len(top) == 10 and top["tie_strength"].is_monotonic_decreasing
    assert top["engagement_from"].isna().all()
    assert "engagement_from" in top.attrs["unknown"]
    # dormant: the last engagement (any time) more than 90 days before the export
    last = mine.groupby("target")["created_at"].max()
    quiet = set(last.index[last < _ts("2026-01-01") - pd.Timedelta(days=90)])
    d = demo_audit.dormant
    assert d.attrs["total"] == len(quiet) and set(d.index) <= quiet and len(d) == 10
    assert (d["days_since_last"] > 90).all()
    assert f"and {len(quiet) - 10} more dormant relationships" in repr(demo_audit)
    # churn and lift: no previous export, one export without follow dates
    assert demo_audit.churn["new"].isna().all() and demo_audit.lift["share"].isna().all()


def demo_snapshots() -> tuple[em.Archive, em.Archive]:
    """The demo as of its export (2026-01-01), and an older snapshot made from it here: on
    2025-10-01 the 25 lowest-id followers did not follow yet, and it also followed the 5
    lowest-id accounts of its neighbourhood it does not follow now (unfollowed since)."""
    demo = em.datasets.demo()
    f = demo.follows
    joined = sorted(demo.followers())[:25]
    known = set(f["source"]) | set(f["target"])
    dropped = sorted(known - demo.following() - {demo.ego})[:5]
    older_follows = pd.concat([
        f[~(f["source"].isin(joined) & (f["target"] == demo.ego))],
        em.schema.follows_table(pd.DataFrame({"source": demo.ego, "target": dropped})),
    ], ignore_index=True)
    return demo.replace(follows=older_follows, exported_at="2025-10-01"), demo


def test_demo_snapshots_churn_and_lift():
    older, newer = demo_snapshots()
    report = em.audit(newer, previous=older, demo=True)
    c = report.churn
    # followers: 575 -> 600, the 25 new; none lost. Following: 305 -> 300, 5 lost, each
    # still in the newer follow table: unfollowed.
    assert c.loc["followers", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        575, 600, 25, 0, 25]
    assert c.loc["following", ["start", "end", "new", "lost", "net_growth"]].tolist() == [
        305, 300, 0, 5, -5]
    assert c.loc["following", "lost_unfollowed"] == 5
    assert c.loc["following", "churn_rate"] == pytest.approx(5 / 305)
    lost = report.churn_accounts[report.churn_accounts["change"] == "lost"]
    assert len(lost) == 5 and lost["handle"].notna().all()
    # lift, counted with pandas and sets: the universe is every account either export shows
    # (follows, public interactions) but the owner and the older followers; engaged: the
    # owner engaged them in [2025-10-01, 2026-01-01); followed: a follower at the end
    ego = newer.ego
    seen = set()
    for a in (older, newer):
        seen |= set(a.follows["source"]) | set(a.follows["target"])
        acts = a.interactions[a.interactions["visibility"].astype(object) != "direct"]
        seen |= set(acts["actor"]) | set(acts["target"])
    old_followers = set(older.follows.loc[older.follows["target"] == ego, "source"])
    universe = seen - {ego} - old_followers
    acts = newer.interactions
    window = ((acts["actor"] == ego) & (acts["target"] != ego)
              & acts["kind"].isin(["reply", "mention", "repost", "quote"])
              & (acts["visibility"].astype(object) != "direct")
              & (acts["created_at"] >= _ts("2025-10-01")) & (acts["created_at"] < _ts("2026-01-01")))
    engaged = universe & set(acts.loc[window.fillna(False), "target"])
    followed = newer.followers()
    lift = report.lift
    assert lift.loc["engaged", ["accounts", "followed"]].tolist() == [
        len(engaged), len(engaged & followed)]
    assert lift.loc["not_engaged", ["accounts", "followed"]].tolist() == [
        len(universe - engaged), len((universe - engaged) & followed)]
    assert len(engaged & followed) + len((universe - engaged) & followed) == 25
    jsonschema.validate(json.loads(report.to_json()), SCHEMA)
    text = repr(report)
    assert "new followers (25): " in text and "and 5 more (all in the JSON)" in text


def test_direct_messages_never_appear_in_the_relationship_sections():
    # "zed" appears only in direct messages, in both exports: no section may name it, nor
    # show the messages' text or ids
    older, newer = hand_snapshots()
    secret = "meet me at the usual place, zed"

    def with_dms(archive: em.Archive, when: str) -> em.Archive:
        dms = pd.DataFrame({"post_id": ["dm1", "dm2"], "author": "me",
                            "created_at": [when, when], "kind": "reply",
                            "parent_id": ["zp1", "zp2"], "parent_author": "zed",
                            "visibility": "direct", "text": secret})
        accounts = pd.concat([archive.accounts, pd.DataFrame(
            {"account_id": ["zed"], "handle": ["zed_handle"]})], ignore_index=True)
        acts = pd.concat([archive.interactions, em.schema.interactions_table(pd.DataFrame(
            {"actor": "me", "target": "zed", "kind": "reply", "created_at": [when, when],
             "post_id": ["dm1", "dm2"], "visibility": "direct"}))], ignore_index=True)
        return archive.replace(posts=dms, interactions=acts,
                               accounts=em.schema.accounts_table(accounts))

    older = with_dms(older, "2025-12-01")
    newer = with_dms(newer, "2026-03-02")
    assert (newer.interactions["target"] == "zed").any()  # the DMs are in the tables
    report = em.audit(newer, previous=older)
    # the charts' base64 bytes may spell anything: the page is read without them
    page = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", report.to_html())
    for text in (repr(report), report.to_markdown(), report.to_json(), page):
        for needle in ("zed", "dm1", "dm2", "zp1", secret):
            assert needle not in text
    # and the counts are those of the archive without them
    assert report.two_way.loc["replies", "value"] == 3
    assert report.lift.loc["engaged", "accounts"] == 2
