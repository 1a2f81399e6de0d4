"""Several exports as one archive (em.merge), and what others addressed to the owner."""

from __future__ import annotations

import pandas as pd
import pytest

import engagemetrics as em


def _export(owner: str, follows: list[tuple[str, str]], posts: list[tuple]) -> em.Archive:
    frame = pd.DataFrame(posts, columns=["post_id", "author", "created_at", "kind",
                                         "parent_author"])
    return em.Archive(follows=pd.DataFrame(follows, columns=["source", "target"]),
                      posts=frame, ego=owner, platform="bluesky")


def alice() -> em.Archive:
    # alice follows bob and cat; bob and dan follow her; she replies to bob twice, posts once
    return _export("alice", [("alice", "bob"), ("alice", "cat"), ("bob", "alice"),
                             ("dan", "alice")],
                   [("a1", "alice", "2026-01-01", "post", None),
                    ("a2", "alice", "2026-01-02", "reply", "bob"),
                    ("a3", "alice", "2026-01-05", "reply", "bob")])


def bob() -> em.Archive:
    # bob's side: he follows alice (held by both exports), alice follows him
    return _export("bob", [("bob", "alice"), ("alice", "bob")],
                   [("b1", "bob", "2026-01-03", "reply", "alice")])


def test_merge_keeps_what_both_exports_hold_once():
    both = em.merge(alice(), bob())
    assert both.ego == "alice" and both.coverage.owners == {"alice", "bob"}
    # bob -> alice and alice -> bob are in both exports: 4 distinct edges of alice's + none new
    assert len(both.follows) == 4
    assert len(both.posts) == 4
    # interactions derived from the merged posts: alice -> bob twice, bob -> alice once
    kinds = both.interactions.groupby(["actor", "target"]).size().to_dict()
    assert kinds == {("alice", "bob"): 2, ("bob", "alice"): 1}


def test_per_account_rows_of_every_owner_are_known():
    m = em.account_metrics(em.merge(alice(), bob()))
    assert m.loc["alice", "replies"] == 2 and m.loc["bob", "replies"] == 1
    assert m.loc["alice", "followers"] == 2  # bob, dan
    # cat and dan are seen only through the owners: unknown throughout
    assert m.loc[["cat", "dan"]].isna().all(axis=None)


def test_a_part_is_known_only_if_every_export_holds_it():
    lacking = alice().replace(unknown={"followers": "a Bluesky repo has no follower list"})
    both = em.merge(lacking, bob())
    assert both.coverage.reason("followers") == (
        "a Bluesky repo has no follower list (the export of alice)"
    )


def test_merge_refuses_what_it_cannot_join():
    with pytest.raises(em.InvalidArgumentError, match="two archives"):
        em.merge(alice())
    with pytest.raises(em.InvalidArgumentError, match="one platform"):
        em.merge(alice(), bob().replace(platform="mastodon"))
    with pytest.raises(em.InvalidArgumentError, match="compare"):
        em.merge(alice(), alice())
    with pytest.raises(em.InvalidArgumentError, match="ego"):
        em.merge(alice(), em.Archive())


def test_interactions_received_become_known():
    a = alice()
    assert pd.isna(em.ego_metrics(a)["replies_received"].iloc[0])
    received = pd.DataFrame({
        "actor": ["bob", "cat", "bob", "alice"],
        "target": ["alice", "alice", "cat", "alice"],
        "kind": ["reply", "mention", "reply", "mention"],
        "created_at": ["2026-01-03", "2026-01-04", "2026-01-04", "2026-01-05"],
    })
    b = a.with_interactions(received)
    row = em.ego_metrics(b).iloc[0]
    # addressed to alice by others: bob's reply and cat's mention
    assert (row["replies_received"], row["mentions_received"]) == (1, 1)
    ledger = b.ledger.set_index("reason")
    # bob -> cat is not addressed to her; alice -> alice is herself
    assert ledger.loc["not addressed to the owner by another account (not added)",
                      "count"] == 2


def test_interactions_received_twice_are_added_once():
    received = pd.DataFrame({
        "actor": ["bob", "cat"], "target": ["alice", "alice"], "kind": ["reply", "mention"],
        "created_at": ["2026-01-03", "2026-01-04"],
    })
    once = alice().with_interactions(received)
    # the same dump again, plus one new mention from dan: only dan's row is new
    again = pd.concat([received, pd.DataFrame({
        "actor": ["dan"], "target": ["alice"], "kind": ["mention"],
        "created_at": ["2026-01-05"]})], ignore_index=True)
    twice = once.with_interactions(again)
    assert len(twice.interactions) == len(once.interactions) + 1
    row = em.ego_metrics(twice).iloc[0]
    assert (row["replies_received"], row["mentions_received"]) == (1, 2)
    ledger = twice.ledger.set_index("reason")
    assert ledger.loc["already in the archive (not added again)", "count"] == 2
