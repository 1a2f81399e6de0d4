"""Privacy: em.pseudonymize (keyed hashes, no text, every metric unchanged) and direct messages.

The expected pseudonyms are computed here with hmac and hashlib from the formula that
docs/privacy.md documents, not with the library's helper.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import zipfile

import pandas as pd
import pandas.testing as pdt
import pytest

import engagemetrics as em

SALT = "a long random secret, e.g. secrets.token_hex(16)"
SAMPLE_X = "twitter/milahu-twitter-milahu104-2026-03-06"
LETTER = {"account": "u", "post": "p", "name": "n"}


def hashed(value: object, kind: str = "account", salt: str = SALT) -> object:
    """docs/privacy.md: letter + hex(HMAC-SHA256(salt, kind + ':' + value))[:16]."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    digest = hmac.new(salt.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return LETTER[kind] + digest[:16]


def as_list(column: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in column.astype(object)]


# --------------------------------------------------------------------------- archives
@pytest.fixture(scope="module")
def demo() -> em.Archive:
    return em.datasets.demo()


@pytest.fixture(scope="module")
def mastodon(tmp_path_factory) -> em.Archive:
    folder = tmp_path_factory.mktemp("mastodon")
    em.datasets.demo_export("mastodon", folder)
    return em.load(folder)  # the zip and its two CSVs: follows, posts with DMs, likes


@pytest.fixture(scope="module")
def x_sample(samples) -> em.Archive:
    return em.load(samples / SAMPLE_X)


@pytest.fixture(scope="module")
def bluesky_sample(samples) -> em.Archive:
    return em.load(samples / "bluesky" / "paul_staging.repo.car")


ARCHIVES = ["demo", "mastodon", "x_sample", "bluesky_sample"]


@pytest.fixture(params=ARCHIVES)
def pair(request) -> tuple[em.Archive, em.Archive]:
    archive = request.getfixturevalue(request.param)
    return archive, em.pseudonymize(archive, SALT)


# --------------------------------------------------------------------------- the ids
def test_every_id_and_handle_is_replaced_consistently(pair):
    a, p = pair
    assert p.ego == hashed(a.ego)
    assert p.platform == a.platform and p.exported_at == a.exported_at
    columns = {
        "follows": {"source": "account", "target": "account"},
        "posts": {"post_id": "post", "author": "account", "parent_id": "post",
                  "parent_author": "account", "root_id": "post", "root_author": "account"},
        "interactions": {"actor": "account", "target": "account", "post_id": "post"},
        "accounts": {"account_id": "account", "handle": "account", "display_name": "name"},
    }
    for table, kinds in columns.items():
        before, after = getattr(a, table), getattr(p, table)
        assert len(before) == len(after), table
        for column, kind in kinds.items():
            want = [hashed(v, kind) for v in as_list(before[column])]
            assert as_list(after[column]) == want, (table, column)
    aliases_before = a.accounts["aliases"].tolist()
    aliases_after = p.accounts["aliases"].tolist()
    assert [list(x) for x in aliases_after] == [[hashed(v) for v in x] for x in aliases_before]
    # what is not a name is kept as it was
    for table, keep in {"follows": ["followed_at"],
                        "posts": ["created_at", "kind", "visibility"],
                        "interactions": ["kind", "created_at", "visibility", "is_self"]}.items():
        pdt.assert_frame_equal(getattr(p, table)[keep], getattr(a, table)[keep], obj=table)
    assert p.coverage.unknown.keys() == a.coverage.unknown.keys()
    assert p.ledger["count"].sum() == a.ledger["count"].sum()


def test_no_name_and_no_text_is_left(pair):
    a, p = pair
    assert "text" not in p.posts.columns
    names: set[str] = set()
    for table, cols in {"follows": ["source", "target"],
                        "posts": ["post_id", "author", "parent_id", "parent_author"],
                        "interactions": ["actor", "target", "post_id"],
                        "accounts": ["account_id", "handle", "display_name"]}.items():
        for col in cols:
            names.update(str(v) for v in getattr(a, table)[col].dropna().unique())
    names.update(str(v) for aliases in a.accounts["aliases"] for v in aliases)
    texts = set()
    if "text" in a.posts.columns:
        texts = {t for t in a.posts["text"].dropna() if len(t) >= 20}
    # everything the pseudonymized archive holds, as text
    parts = [repr(p), p._repr_html_()]
    for table in ("follows", "posts", "interactions", "accounts", "ledger"):
        parts.append(getattr(p, table).to_csv())
    parts.append(p.coverage.to_frame().to_csv())
    blob = "\n".join(parts)
    leaked = sorted(n for n in names if len(n) >= 6 and n in blob)
    assert leaked == []
    assert [t for t in texts if t in blob] == []


# --------------------------------------------------------------------------- the metrics
def _renamed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its ids hashed, in the index's own dtype (object on pandas 2.2 would
    be a different index from our string ids), sorted."""
    out = frame.copy()
    out.index = pd.Index([hashed(v) for v in frame.index], dtype=frame.index.dtype,
                         name=frame.index.name)
    return out.sort_index()


def test_every_metric_is_unchanged(pair):
    a, p = pair
    before, after = em.account_metrics(a), em.account_metrics(p)
    pdt.assert_frame_equal(after.sort_index(), _renamed(before), check_exact=False, rtol=1e-12)
    assert after.attrs.get("unknown") == before.attrs.get("unknown")
    assert em.reciprocity(p.follows) == pytest.approx(em.reciprocity(a.follows), nan_ok=True)
    assert em.reciprocity(p.follows, unit="pairs") == pytest.approx(
        em.reciprocity(a.follows, unit="pairs"), nan_ok=True
    )
    if a.ego is not None:
        ego_before, ego_after = em.ego_metrics(a), em.ego_metrics(p)
        pdt.assert_frame_equal(ego_after, _renamed(ego_before), check_exact=False, rtol=1e-12)
        assert ego_after.attrs.get("unknown") == ego_before.attrs.get("unknown")
        by_quarter_before = em.ego_metrics(a, freq="QE")
        by_quarter_after = em.ego_metrics(p, freq="QE")
        pdt.assert_frame_equal(by_quarter_after, by_quarter_before, check_exact=False, rtol=1e-12)


def _renamed_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (indexed by account and counterpart) with both ids hashed, sorted."""
    out = frame.copy()
    out.index = pd.MultiIndex.from_arrays(
        [pd.array([hashed(v) for v in frame.index.get_level_values(i)],
                  dtype=frame.index.levels[i].dtype) for i in range(2)],
        names=frame.index.names,
    )
    return out.sort_index()


def test_relationships_two_way_and_dyads_are_unchanged(pair):
    a, p = pair
    # the dyad census: counts of pairs, blind to names
    assert em.dyad_census(p.follows) == em.dyad_census(a.follows)
    # two-way conversations, one row per account
    two_before, two_after = em.two_way_metrics(a), em.two_way_metrics(p)
    pdt.assert_frame_equal(two_after.sort_index(), _renamed(two_before), check_exact=False,
                           rtol=1e-12)
    assert two_after.attrs.get("unknown") == two_before.attrs.get("unknown")
    if a.ego is None:
        return
    # the owner's relationships, one row per (account, counterpart)
    rel_before, rel_after = em.relationships(a), em.relationships(p)
    assert len(rel_before) > 0
    pdt.assert_frame_equal(rel_after.sort_index(), _renamed_pairs(rel_before),
                           check_exact=False, rtol=1e-12)
    assert rel_after.attrs.get("unknown") == rel_before.attrs.get("unknown")


# --------------------------------------------------------------------------- across archives
def test_two_archives_with_one_salt_still_meet():
    alice = em.Archive(
        follows=pd.DataFrame({"source": ["alice", "bob", "alice"], "target": ["bob", "alice", "cy"]}),
        posts=pd.DataFrame({"post_id": ["a1"], "author": ["alice"], "created_at": ["2026-01-02"],
                            "kind": ["reply"], "parent_id": ["b1"], "parent_author": ["bob"]}),
        ego="alice",
    )
    bob = em.Archive(
        follows=pd.DataFrame({"source": ["alice", "bob"], "target": ["bob", "alice"]}),
        posts=pd.DataFrame({"post_id": ["b1", "b2"], "author": ["bob", "bob"],
                            "created_at": ["2026-01-01", "2026-01-03"], "kind": ["post", "reply"],
                            "parent_id": [None, "a1"], "parent_author": [None, "alice"]}),
        ego="bob",
    )
    one, two = em.pseudonymize(alice, SALT), em.pseudonymize(bob, SALT)
    assert set(one.follows["source"]) & set(two.follows["source"]) == {hashed("alice"), hashed("bob")}
    merged_then = em.pseudonymize(em.merge(alice, bob), SALT)
    then_merged = em.merge(one, two)
    for table in ("follows", "posts", "interactions"):
        pdt.assert_frame_equal(getattr(then_merged, table), getattr(merged_then, table), obj=table)
    assert then_merged.coverage.owners == merged_then.coverage.owners == {hashed("alice"),
                                                                          hashed("bob")}
    pdt.assert_frame_equal(em.ego_metrics(then_merged), em.ego_metrics(merged_then))
    # another salt, other pseudonyms
    other = em.pseudonymize(alice, SALT + "!")
    assert set(other.follows["source"]).isdisjoint(set(one.follows["source"]))


def test_bad_salt_and_bad_input():
    archive = em.Archive(follows=pd.DataFrame({"source": ["a"], "target": ["b"]}))
    for salt in ("", b"", None, 42):
        with pytest.raises(em.InvalidArgumentError, match="salt"):
            em.pseudonymize(archive, salt)  # type: ignore[arg-type]
    with pytest.raises(em.UnsupportedBackendError, match="Archive"):
        em.pseudonymize(archive.follows, SALT)  # type: ignore[arg-type]
    assert em.pseudonymize(archive, SALT.encode()).follows.equals(
        em.pseudonymize(archive, SALT).follows
    )


# --------------------------------------------------------------------------- sentences
def test_names_in_the_ledger_and_coverage_are_replaced(tmp_path):
    # an X archive published without account.js: the ledger names the inferred owner's id
    data = tmp_path / "x" / "data"
    data.mkdir(parents=True)
    tweets = [
        {"tweet": {"id_str": "101", "created_at": "Fri Mar 06 13:02:05 +0000 2026",
                   "full_text": "first", "entities": {}}},
        {"tweet": {"id_str": "102", "created_at": "Fri Mar 06 13:03:05 +0000 2026",
                   "full_text": "more", "in_reply_to_status_id_str": "101",
                   "in_reply_to_user_id_str": "4242424242", "entities": {}}},
    ]
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(tweets))
    x = em.load(tmp_path / "x")
    assert x.ego == "4242424242" and x.ledger["reason"].str.contains("4242424242").any()
    px = em.pseudonymize(x, SALT)
    assert not px.ledger["reason"].str.contains("4242424242").any()
    assert px.ledger["reason"].str.contains(hashed("4242424242")).any()
    # an Instagram download named after its owner, with a timestamp that is not a number
    followers = [{"title": "", "string_list_data": [
        {"href": "https://www.instagram.com/ann", "value": "ann", "timestamp": "soon"}]}]
    path = tmp_path / "instagram-secretowner-2026-01-01-ff2e005e.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("connections/followers_and_following/followers_1.json", json.dumps(followers))
    ig = em.load(path)
    assert ig.ego == "secretowner" and ig.ledger["source"].str.contains("secretowner").any()
    pig = em.pseudonymize(ig, SALT)
    assert not pig.ledger["source"].str.contains("secretowner").any()
    # a Mastodon archive whose coverage names a path on the reader's disk
    folder = tmp_path / "home" / "alice-smith"
    em.datasets.demo_export("mastodon", folder)
    (folder / "follower_accounts.csv").unlink()
    zip_path = next(folder.glob("archive-*.zip"))
    m = em.load(zip_path)
    assert "alice-smith" in m.coverage.reason("following")
    reason = em.pseudonymize(m, SALT).coverage.reason("following")
    assert "alice-smith" not in reason and "<path>/following_accounts.csv" in reason


# --------------------------------------------------------------------------- direct messages
SECRET = "the-secret-words-of-a-direct-message"
DM_ONLY = "https://dm.example/users/only-ever-in-a-dm"


def _with_direct_messages(archive: em.Archive) -> em.Archive:
    """``archive`` plus direct messages (with text) to an account it meets nowhere else."""
    ego = archive.require_ego()
    when = archive.posts["created_at"].max()
    dms = pd.DataFrame({
        "post_id": [f"direct-message-post-{i}" for i in range(5)],
        "author": [ego] * 5,
        "created_at": [when] * 5,
        "kind": ["reply"] * 5,
        "parent_id": [f"dm-parent{i}" for i in range(5)],
        "parent_author": [DM_ONLY] * 5,
        "visibility": ["direct"] * 5,
        "text": [f"{SECRET} {i}" for i in range(5)],
    })
    posts = pd.concat([archive.posts.astype({"text": "object"}), dms], ignore_index=True)
    return archive.replace(posts=posts)


def test_direct_messages_are_excluded_from_metrics(mastodon):
    with_dms = _with_direct_messages(mastodon)
    base, more = em.ego_metrics(mastodon), em.ego_metrics(with_dms)
    pdt.assert_frame_equal(more, base)  # the default: include_direct=False
    counted = em.ego_metrics(with_dms, include_direct=True)
    # with them: 5 more replies, and one more account replied to (the DM-only one)
    assert counted["replies"].iloc[0] == em.ego_metrics(mastodon, include_direct=True)[
        "replies"].iloc[0] + 5
    # every account's numbers are those without the DMs; the account met only in them has a
    # row (it is in the posts table) with no number at all
    accounts = em.account_metrics(with_dms)
    assert accounts.loc[DM_ONLY].isna().all()
    pdt.assert_frame_equal(accounts.drop(index=DM_ONLY), em.account_metrics(mastodon))


def test_direct_messages_are_never_rendered(mastodon):
    report = em.audit(_with_direct_messages(mastodon))
    for text in (repr(report), report.to_markdown(), report.to_json(), report.to_html()):
        assert SECRET not in text
        assert DM_ONLY not in text and "direct-message-post-" not in text


def test_readers_never_keep_the_text_of_a_direct_message(tmp_path, mastodon):
    # Mastodon: the outbox holds the DMs' content; the archive holds none of it
    path = em.datasets.demo_export("mastodon", tmp_path / "m")
    with zipfile.ZipFile(path) as z:
        outbox = json.loads(z.read("outbox.json"))
    contents = [
        item["object"]["content"] for item in outbox["orderedItems"]
        if item["type"] == "Create" and not {*item["object"].get("to", []),
                                             *item["object"].get("cc", [])} & {
            "https://www.w3.org/ns/activitystreams#Public"}
        and not any(str(t).endswith("/followers") for t in item["object"].get("to", []))
    ]
    assert contents  # the generated export has direct messages, with text
    direct = mastodon.posts[mastodon.posts["visibility"] == "direct"]
    assert len(direct) == len(contents) and direct["text"].isna().all()
    kept = "\n".join(mastodon.posts["text"].dropna())
    words = [em.io.mastodon.html_to_text(c) for c in contents]
    assert [w for w in words if w and len(w) > 15 and w in kept] == []
    # X: direct-messages.js is counted, and none of its text is kept
    x_path = em.datasets.demo_export("twitter", tmp_path / "x")
    with zipfile.ZipFile(x_path) as z:
        raw = z.read("data/direct-messages.js").decode()
    messages = json.loads(raw.split("=", 1)[1])
    dm_texts = [m["messageCreate"]["text"] for c in messages
                for m in c["dmConversation"]["messages"] if "messageCreate" in m]
    assert dm_texts
    x = em.load(x_path)
    x_kept = "\n".join(x.posts["text"].dropna())
    assert [t for t in dm_texts if len(t) > 15 and t in x_kept] == []
    row = x.ledger[x.ledger["source"] == "direct-messages.js"]
    assert row["count"].tolist() == [len(messages)]


def test_pseudonymize_keeps_direct_messages_private(mastodon):
    p = em.pseudonymize(_with_direct_messages(mastodon), SALT)
    assert "text" not in p.posts.columns
    assert hashed(DM_ONLY) in set(p.posts["parent_author"])
    pdt.assert_frame_equal(em.ego_metrics(p), _renamed(em.ego_metrics(mastodon)),
                           check_exact=False, rtol=1e-12)
