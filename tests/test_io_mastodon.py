"""Mastodon account archive reader, on synthetic archives that mirror FORMATS.md section 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from _fixtures_social import (
    CAROL,
    DAVE,
    ERIN,
    MASTODON_BOB,
    MASTODON_EGO,
    MASTODON_HAL,
    mastodon_archive_files,
    mastodon_archive_name,
    mastodon_followers_csv,
    mastodon_following_csv,
    write_container,
)
from engagemetrics import CorruptExportError
from engagemetrics.io._container import ExportFiles
from engagemetrics.io.mastodon import can_read, html_to_text, read_mastodon_archive

SUFFIX = {"zip": ".zip", "tar.gz": ".tar.gz", "folder": ""}


def build(tmp_path: Path, variant: str, kind: str, **kwargs) -> Path:
    dest = tmp_path / (mastodon_archive_name(variant) + SUFFIX[kind])
    return write_container(mastodon_archive_files(variant, **kwargs), dest, kind)


def counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.astype(object).value_counts().items() if v}


# Expected values, by hand from the item table in mastodon_outbox_items' docstring:
# items 1-11 and 14 are posts (12), items 12 (Article) and 13 (Delete) are dropped.
# kinds: post 1,7,8,9; reply 2,4,5,6; thread 3; repost 10,11,14.
# visibility: public 1,3,4,6,9,10,11,14; followers 2; unlisted 5,8; direct 7.
# interactions: replies 2(bob) 3(self) 4(dave) 5(erin) 6(carol) = 5; reposts 10(bob)
# 11(dave) = 2; mentions 1 carol, 4 carol, 6 bob, 7 bob, 8 hal = 5 (2's bob, 4's dave,
# 5's erin and 6's carol are the parent author, not extra mentions); likes bob + carol
# (Misskey/Pleroma unresolved) = 2.
BASE_KINDS = {"post": 4, "reply": 4, "thread": 1, "repost": 3}
BASE_VISIBILITY = {"public": 8, "followers": 1, "unlisted": 2, "direct": 1}
BASE_INTERACTIONS = {"reply": 5, "repost": 2, "mention": 5, "like": 2}


@pytest.mark.parametrize(
    ("variant", "kind"), [("2022", "tar.gz"), ("2024", "zip"), ("2026", "folder")]
)
def test_counts_per_variant_and_container(tmp_path, variant, kind):
    a = read_mastodon_archive(build(tmp_path, variant, kind))
    assert a.platform == "mastodon"
    assert a.ego == MASTODON_EGO[variant]
    kinds, visibility, inter = dict(BASE_KINDS), dict(BASE_VISIBILITY), dict(BASE_INTERACTIONS)
    if variant == "2026":
        # items 15-17: quote of bob (public), revoked quote (public), reply+quote to carol
        kinds.update(quote=2, reply=5)
        visibility["public"] += 3
        inter.update(quote=1, reply=6, like=3)  # + the numeric-URI like of bob
    assert counts(a.posts["kind"]) == kinds
    assert counts(a.posts["visibility"]) == visibility
    assert counts(a.interactions["kind"]) == inter
    assert int(a.interactions["is_self"].sum()) == 1  # the self-thread, item 3
    # exported_at comes from the archive's name archive-YYYYMMDDHHMMSS-<hex>
    stamp = {
        "2022": "2022-12-22 00:00:00",
        "2024": "2024-12-01 12:34:56",
        "2026": "2026-06-10 09:00:00",
    }[variant]
    assert a.exported_at == pd.Timestamp(stamp, tz="UTC")


def test_reply_targets_resolved_in_formats_order(tmp_path):
    a = read_mastodon_archive(build(tmp_path, "2024", "zip"))
    replies = a.posts[a.posts["kind"].isin(["reply", "thread"])].reset_index(drop=True)
    ego, bob = MASTODON_EGO["2024"], MASTODON_BOB["2024"]
    # items 2, 3, 4, 5, 6 in order: bob (mention + pattern), self, dave (the Misskey note's
    # Mention tag and cc name dave and carol; dave is the one on the note's server),
    # erin (lone mention), carol (owns the URI)
    assert replies["parent_author"].tolist() == [bob, ego, DAVE, ERIN, CAROL]
    assert replies["kind"].tolist() == ["reply", "thread", "reply", "reply", "reply"]
    assert not a.ledger["reason"].str.startswith("reply whose parent").any()
    boosts = a.posts[a.posts["kind"] == "repost"]
    assert boosts["parent_author"].tolist()[:2] == [bob, DAVE]
    assert pd.isna(boosts["parent_author"].iloc[2])


def _one_reply_outbox(tmp_path, *, tags, cc):
    me = "https://example.social/users/alice"
    note = {
        "id": me + "/statuses/1",
        "type": "Note",
        "attributedTo": me,
        "published": "2026-01-02T03:04:05Z",
        "content": "<p>hi</p>",
        "inReplyTo": "https://misskey.io/notes/9abcdefghi",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": cc,
        "tag": tags,
    }
    activity = {"id": note["id"] + "/activity", "type": "Create", "actor": me,
                "published": note["published"], "to": note["to"], "cc": cc, "object": note}
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "outbox.json").write_text(
        json.dumps({"type": "OrderedCollection", "orderedItems": [activity]})
    )
    (folder / "actor.json").write_text(
        json.dumps({"type": "Person", "id": me, "preferredUsername": "alice"})
    )
    return read_mastodon_archive(folder)


def test_reply_whose_tag_names_the_parent_author_is_resolved(tmp_path):
    xyz = "https://misskey.io/users/9xyz"
    followers = "https://example.social/users/alice/followers"
    tag = {"type": "Mention", "href": xyz, "name": "@xyz@misskey.io"}
    a = _one_reply_outbox(tmp_path, tags=[tag], cc=[followers, xyz])
    assert a.posts[["kind", "parent_author"]].values.tolist() == [["reply", xyz]]
    assert a.interactions[["target", "kind"]].values.tolist() == [[xyz, "reply"]]
    assert a.ledger[a.ledger["action"] == "flagged"].empty
    # the tag's pair is recorded: the acct meets the URI
    assert a.resolve("xyz@misskey.io").tolist() == [xyz]


def test_reply_without_a_tag_stays_flagged(tmp_path):
    followers = "https://example.social/users/alice/followers"
    a = _one_reply_outbox(tmp_path, tags=[], cc=[followers])
    assert a.posts["kind"].tolist() == ["reply"] and a.posts["parent_author"].isna().all()
    assert len(a.interactions) == 0
    flagged = a.ledger[a.ledger["action"] == "flagged"]
    assert flagged["reason"].str.startswith("reply whose parent author is not revealed").tolist() == [
        True
    ]


def test_2026_numeric_uris_and_quotes(tmp_path):
    a = read_mastodon_archive(build(tmp_path, "2026", "folder"))
    bob = MASTODON_BOB["2026"]
    quotes = a.posts[a.posts["kind"] == "quote"].reset_index(drop=True)
    assert quotes["parent_author"].iloc[0] == bob  # from the numeric URI pattern
    assert quotes["parent_id"].iloc[0] == bob + "/statuses/109485912099807950"
    assert pd.isna(quotes["parent_author"].iloc[1])  # Tombstone: revoked
    last = a.posts.iloc[-1]
    assert (last["kind"], last["parent_author"]) == ("reply", CAROL)
    # likes: bob's two statuses (one numeric), carol's one
    likes = a.interactions[a.interactions["kind"] == "like"]
    assert sorted(likes["target"].tolist()) == sorted([bob, bob, CAROL])


def test_direct_messages_kept_without_text(tmp_path):
    a = read_mastodon_archive(build(tmp_path, "2024", "zip"))
    direct = a.posts[a.posts["visibility"] == "direct"]
    assert len(direct) == 1 and direct["text"].isna().all()
    for frame in (a.posts, a.interactions, a.accounts, a.ledger):
        text = frame.to_string()
        assert "a private word" not in text
    # its mention of bob is kept, marked direct, for metrics to exclude by default
    direct_inter = a.interactions[a.interactions["visibility"] == "direct"]
    assert direct_inter[["target", "kind"]].values.tolist() == [[MASTODON_BOB["2024"], "mention"]]


def test_identity_mapping_and_reciprocity(tmp_path):
    a = read_mastodon_archive(build(tmp_path, "2024", "zip"))
    bob, hal = MASTODON_BOB["2024"], MASTODON_HAL["2024"]
    # following: bob and carol were mentioned (acct -> URI revealed), frank never was
    assert a.following() == {bob, CAROL, "frank@far.example"}
    # followers: hal maps through the local Mention "@hal" (no domain in the tag)
    assert a.followers() == {bob, hal, "gina@x.example"}
    assert a.following() & a.followers() == {bob}
    handles = dict(zip(a.accounts["account_id"], a.accounts["handle"], strict=True))
    assert handles[MASTODON_EGO["2024"]] == "alice@example.social"
    assert handles[hal] == "hal@example.social"
    assert handles["frank@far.example"] == "frank@far.example"
    assert handles[DAVE] == "dave@misskey.io"


def test_2026_local_mentions_map_to_numeric_uris(tmp_path):
    a = read_mastodon_archive(build(tmp_path, "2026", "folder"))
    bob = MASTODON_BOB["2026"]
    # bob is local in 2026 (Mention "@bob"): bob@mastodon.social -> numeric URI.
    # hal@example.social is not the 2026 hal (hal@mastodon.social): stays an acct.
    assert a.followers() == {bob, "hal@example.social", "gina@x.example"}
    assert a.following() & a.followers() == {bob}


def test_csv_paths_and_header_variants(tmp_path):
    archive = build(tmp_path, "2022", "tar.gz", csvs=False)
    assert len(read_mastodon_archive(archive).follows) == 0
    following = tmp_path / "following_accounts.csv"
    followers = tmp_path / "followers.csv"
    for variant in ("2022", "2024", "2026"):  # 2-column, 4-column, no header
        following.write_text(mastodon_following_csv(variant))
        a = read_mastodon_archive(archive, following=following)
        assert a.following() == {MASTODON_BOB["2022"], CAROL, "frank@far.example"}
    followers.write_text(mastodon_followers_csv())
    a = read_mastodon_archive(archive, following=following, followers=followers)
    assert len(a.follows) == 6  # 3 following + 3 followers rows
    assert a.followers() == {MASTODON_BOB["2022"], MASTODON_HAL["2022"], "gina@x.example"}


def test_accounting_every_record_is_in_a_table_or_the_ledger(tmp_path):
    for variant, kind in (("2022", "tar.gz"), ("2024", "zip"), ("2026", "folder")):
        files = mastodon_archive_files(variant)
        (tmp_path / variant).mkdir()
        a = read_mastodon_archive(build(tmp_path / variant, variant, kind))
        # independent counts, straight from the JSON we wrote
        n_items = len(json.loads(files["outbox.json"])["orderedItems"])
        n_likes = len(json.loads(files["likes.json"])["orderedItems"])
        n_bookmarks = len(json.loads(files["bookmarks.json"])["orderedItems"])
        n_csv = sum(
            1
            for name in ("following_accounts.csv", "follower_accounts.csv")
            for line in files.get(name, "").splitlines()
            if line and not line.startswith("Account address")
        )
        led = a.ledger[a.ledger["action"] == "dropped"].groupby("source")["count"].sum()
        assert len(a.posts) + led.get("outbox.json", 0) == n_items
        taken_likes = int((a.interactions["kind"] == "like").sum())
        assert taken_likes + led.get("likes.json", 0) == n_likes
        assert led.get("bookmarks.json", 0) == n_bookmarks
        assert len(a.follows) == n_csv
        # avatar.png and one media attachment: files, not records, but counted too
        other = a.ledger[a.ledger["reason"] == "media or other file (not read)"]
        assert other["count"].sum() == 2


def test_totalitems_is_not_trusted(tmp_path):
    a = read_mastodon_archive(build(tmp_path, "2024", "zip"))
    outbox = json.loads(mastodon_archive_files("2024")["outbox.json"])
    assert outbox["totalItems"] != len(outbox["orderedItems"])
    assert len(a.posts) == 12  # from the items, not from totalItems (23)


def test_loaded_twice_identical(tmp_path):
    path = build(tmp_path, "2026", "folder")
    a, b = read_mastodon_archive(path), read_mastodon_archive(path)
    for name in ("follows", "posts", "interactions", "accounts", "ledger"):
        pdt.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_zip_wrapped_in_a_top_folder_and_lone_outbox(tmp_path):
    files = {f"export/{k}": v for k, v in mastodon_archive_files("2024").items()}
    a = read_mastodon_archive(write_container(files, tmp_path / "wrapped.zip", "zip"))
    assert len(a.posts) == 12 and a.exported_at is None  # no date in this name
    lone = tmp_path / "outbox.json"
    lone.write_text(mastodon_archive_files("2024")["outbox.json"])
    b = read_mastodon_archive(lone)
    assert b.ego == MASTODON_EGO["2024"]  # from the activities' actor
    assert len(b.posts) == 12
    assert "actor.json missing or without id: ego taken from the outbox" in set(b.ledger["reason"])


@pytest.mark.parametrize(
    ("member", "content", "pattern"),
    [
        ("outbox.json", '{"orderedItems": [{"type": "Create", ', r"outbox\.json.*damaged: not JSON.*line 1 column"),
        ("outbox.json", "[1, 2, 3]", r"outbox\.json.*orderedItems"),
        ("outbox.json", '{"type": "OrderedCollection"}', r"outbox\.json.*orderedItems"),
        ("likes.json", '{"orderedItems": ["https://x', r"likes\.json.*not valid JSON"),
        ("actor.json", '"just a string"', r"actor\.json.*JSON object"),
    ],
)
def test_corrupt_input_names_the_file(tmp_path, member, content, pattern):
    files = mastodon_archive_files("2024")
    files[member] = content
    path = write_container(files, tmp_path / "a.zip", "zip")
    with pytest.raises(CorruptExportError, match=pattern):
        read_mastodon_archive(path)


def test_can_read(tmp_path):
    path = build(tmp_path, "2024", "zip")
    assert can_read(ExportFiles(path)) is None
    other = tmp_path / "other"
    other.mkdir()
    (other / "Connections.csv").write_text("First Name\n")
    reason = can_read(ExportFiles(other))
    assert isinstance(reason, str) and "outbox.json" in reason


def test_html_to_text():
    assert html_to_text("<p>a &lt;b&gt; &#39;c&#39;</p><p>d</p>") == "a <b> 'c'\n\nd"
    link = (
        '<a href="https://e.example/x"><span class="invisible">https://</span>'
        '<span class="ellipsis">e.example/</span><span class="invisible">x</span></a>'
    )
    assert html_to_text(link) == "https://e.example/x"
    assert html_to_text(None) is None


def test_no_personal_mapping_guessed(tmp_path):
    """An acct never revealed by the archive is never turned into a guessed URI."""
    a = read_mastodon_archive(build(tmp_path, "2024", "zip"))
    ids = set(a.follows["source"]) | set(a.follows["target"])
    assert not any(re.search(r"/users/(frank|gina)$", i) for i in ids)


def test_em_load_recognises_each_variant(tmp_path):
    import engagemetrics as em

    for variant, kind in (("2022", "tar.gz"), ("2024", "zip"), ("2026", "folder")):
        (tmp_path / variant).mkdir()
        a = em.load(build(tmp_path / variant, variant, kind))
        assert (a.platform, a.ego) == ("mastodon", MASTODON_EGO[variant])
        # the CSVs inside the archive/folder are found: 3 following (+ 3 followers)
        assert len(a.follows) == (3 if variant == "2022" else 6)
