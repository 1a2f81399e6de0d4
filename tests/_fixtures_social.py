"""Synthetic Mastodon, Instagram/Threads and LinkedIn exports, written to a tmp folder.

Real exports of these platforms exist publicly only as other people's personal
data, so these builders mirror ``../shared/FORMATS.md`` (sections 2, 4 and 5) field
by field, quirks included. Every account, name and address here is invented;
e-mail addresses use the reserved ``example.com`` domain.
"""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS_CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "ostatus": "http://ostatus.org#",
        "atomUri": "ostatus:atomUri",
        "sensitive": "as:sensitive",
        "toot": "http://joinmastodon.org/ns#",
        "Hashtag": "as:Hashtag",
    },
]


# ============================================================================ containers
def write_container(files: dict[str, str | bytes], dest: Path, kind: str) -> Path:
    """Write ``files`` (member name -> content) as a folder, ``.zip`` or ``.tar.gz``.

    ``dest`` is the folder path, or the archive path (its suffix must match ``kind``).
    """

    def data(value: str | bytes) -> bytes:
        return value.encode("utf-8") if isinstance(value, str) else value

    if kind == "folder":
        for name, value in files.items():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data(value))
    elif kind == "zip":
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
            for name, value in files.items():
                z.writestr(name, data(value))
    elif kind == "tar.gz":
        with tarfile.open(dest, "w:gz") as t:
            for name, value in files.items():
                raw = data(value)
                info = tarfile.TarInfo(name)
                info.size = len(raw)
                t.addfile(info, io.BytesIO(raw))
    else:  # pragma: no cover - a typo in a test
        raise ValueError(kind)
    return dest


# ============================================================================ Mastodon
# The ego and the other accounts, per variant. 2026 servers use numeric actor URIs
# (https://mastodon.social/ap/users/<id>); earlier ones /users/<name>.
MASTODON_EGO = {
    "2022": "https://example.social/users/alice",
    "2024": "https://example.social/users/alice",
    "2026": "https://mastodon.social/ap/users/116840387061670746",
}
MASTODON_HOST = {"2022": "example.social", "2024": "example.social", "2026": "mastodon.social"}
MASTODON_BOB = {
    "2022": "https://mastodon.social/users/bob",
    "2024": "https://mastodon.social/users/bob",
    "2026": "https://mastodon.social/ap/users/116800000000000001",  # local to the ego in 2026
}
MASTODON_HAL = {  # an account on the ego's own server: its Mention name has no domain
    "2022": "https://example.social/users/hal",
    "2024": "https://example.social/users/hal",
    "2026": "https://mastodon.social/ap/users/116800000000000008",
}
CAROL = "https://other.example/users/carol"
DAVE = "https://misskey.io/users/9dave"  # Misskey: actor URIs carry no name pattern
ERIN = "https://pleroma.example/users/erin"
MISSKEY_NOTE = "https://misskey.io/notes/9abcdefghi"
PLEROMA_OBJECT = "https://pleroma.example/objects/0b9c7a3e-1111-4222-8333-944455556666"


def _mention(href: str, variant: str) -> dict[str, str]:
    """A Mention tag as Mastodon writes it: ``@user`` for local, ``@user@domain`` else."""
    names = {
        MASTODON_BOB[variant]: "bob@mastodon.social",
        MASTODON_HAL[variant]: f"hal@{MASTODON_HOST[variant]}",
        CAROL: "carol@other.example",
        DAVE: "dave@misskey.io",
        ERIN: "erin@pleroma.example",
    }
    acct = names[href]
    user, domain = acct.split("@")
    local = domain == MASTODON_HOST[variant]
    return {"type": "Mention", "href": href, "name": f"@{user}" if local else f"@{acct}"}


class _Outbox:
    """Builds outbox items for one variant, numbering statuses from a snowflake base."""

    def __init__(self, variant: str) -> None:
        self.variant = variant
        self.ego = MASTODON_EGO[variant]
        self.followers = self.ego + "/followers"
        self.items: list[dict[str, Any]] = []
        self.serial = 109485923567588000

    def status_uri(self) -> str:
        self.serial += 1
        return f"{self.ego}/statuses/{self.serial}"

    def _wrap(self, activity: dict[str, Any]) -> dict[str, Any]:
        if self.variant == "2022":  # pre-4.1: per-item @context and LD signatures
            activity = {"@context": AS_CONTEXT, **activity}
            activity["signature"] = {
                "type": "RsaSignature2017",
                "creator": self.ego + "#main-key",
                "created": activity["published"],
                "signatureValue": "ZmFrZS1zaWduYXR1cmU=",
            }
        self.items.append(activity)
        return activity

    def note(
        self,
        published: str,
        content: str,
        to: list[str],
        cc: list[str],
        *,
        in_reply_to: str | None = None,
        mentions: tuple[str, ...] = (),
        obj_type: str = "Note",
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        uri = self.status_uri()
        status_id = uri.rsplit("/", 1)[-1]
        tags: list[dict[str, Any]] = [_mention(m, self.variant) for m in mentions]
        tags.append(
            {"type": "Hashtag", "href": "https://example.social/tags/fedi", "name": "#fedi"}
        )
        obj: dict[str, Any] = {
            "id": uri,
            "type": obj_type,
            "summary": None,
            "inReplyTo": in_reply_to,
            "published": published,
            "url": f"https://{MASTODON_HOST[self.variant]}/@alice/{status_id}",
            "attributedTo": self.ego,
            "to": to,
            "cc": cc,
            "sensitive": False,
            "atomUri": uri,
            "inReplyToAtomUri": in_reply_to,
            "conversation": f"tag:{MASTODON_HOST[self.variant]},2022-12-09:objectId={status_id}"
            ":objectType=Conversation",
            "content": content,
            "contentMap": {"en": content},
            "attachment": [],
            "tag": tags,
            "replies": {
                "id": uri + "/replies",
                "type": "Collection",
                "first": {
                    "type": "CollectionPage",
                    "next": uri + "/replies?page=true",
                    "partOf": uri + "/replies",
                    "items": [],
                },
            },
        }
        if self.variant == "2026":  # context, embedded likes/shares, interaction policy
            ctx = f"https://mastodon.social/contexts/116840387061670746-{status_id}"
            obj["conversation"] = ctx
            obj["context"] = ctx
            obj["likes"] = {"id": uri + "/likes", "type": "Collection", "totalItems": 3}
            obj["shares"] = {"id": uri + "/shares", "type": "Collection", "totalItems": 1}
            obj["interactionPolicy"] = {"canQuote": {"automaticApproval": [PUBLIC]}}
        if obj_type == "Question":
            obj["endTime"] = "2023-01-01T00:00:00Z"
            obj["oneOf"] = [
                {"type": "Note", "name": "yes", "replies": {"type": "Collection", "totalItems": 2}}
            ]
        obj.update(extra or {})
        self._wrap(
            {
                "id": uri + "/activity",
                "type": "Create",
                "actor": self.ego,
                "published": published,
                "to": to,
                "cc": cc,
                "object": obj,
            }
        )
        return obj

    def announce(self, published: str, boosted: str, cc: list[str]) -> dict[str, Any]:
        uri = self.status_uri()
        return self._wrap(
            {
                "id": uri + "/activity",
                "type": "Announce",
                "actor": self.ego,
                "published": published,
                "to": [PUBLIC],
                "cc": cc,
                "object": boosted,
            }
        )


def mastodon_outbox_items(variant: str) -> list[dict[str, Any]]:
    """The outbox items of one variant (``"2022"``, ``"2024"``, ``"2026"``), oldest first.

    Every variant has the 14 items below; 2026 adds 3 quote items (15-17).

    ==  =========================================================================
    1   public post mentioning carol (plus a Hashtag tag)
    2   followers-only reply to bob's status, mentions bob
    3   public self-thread: inReplyTo item 1 (the ego's own status)
    4   public reply to a Misskey note, mentions dave and carol (both also in cc): dave,
        the one addressed actor on the note's server (misskey.io)
    5   unlisted reply to a Pleroma object, mentions only erin: erin by lone mention
    6   public reply to carol's status, mentions bob and carol: carol owns the URI
    7   direct message to bob (to = [bob]), mentions bob
    8   unlisted post mentioning local hal (Mention name "@hal")
    9   public poll (Question)
    10  Announce of bob's status, bob in cc
    11  Announce of a Misskey note, dave in cc: dave by lone cc actor
    12  Create of an Article: object type not used
    13  Delete activity: activity type not used
    14  Announce of a Pleroma object, only the followers collection in cc: unresolved
    15  (2026) quote of bob's status (quote + _misskey_quote + quoteUri), no mention
    16  (2026) revoked quote (Tombstone)
    17  (2026) reply to carol that also quotes bob's status, mentions carol
    ==  =========================================================================
    """
    ob = _Outbox(variant)
    bob, hal, ego = MASTODON_BOB[variant], MASTODON_HAL[variant], ob.ego
    bob_status = bob + "/statuses/109485912099807950"
    carol_status = CAROL + "/statuses/109400000000000001"
    first = ob.note(
        "2022-12-01T10:00:00Z",
        '<p>Hello <span class="h-card" translate="no"><a href="https://other.example/'
        '@carol" class="u-url mention">@<span>carol</span></a></span> &amp; '
        '<a href="https://example.social/tags/fedi" class="mention hashtag" rel="tag">'
        "#<span>fedi</span></a></p>",
        [PUBLIC],
        [ob.followers, CAROL],
        mentions=(CAROL,),
    )
    ob.note(
        "2022-12-09T21:50:13Z",
        '<p><span class="h-card" translate="no"><a href="https://mastodon.social/@bob" '
        'class="u-url mention">@<span>bob</span></a></span> IANAL, but yeah, just use a '
        "lawyer.</p>",
        [ob.followers],
        [bob],
        in_reply_to=bob_status,
        mentions=(bob,),
    )
    ob.note(
        "2022-12-10T08:00:00Z",
        "<p>2/ and more</p>",
        [PUBLIC],
        [ob.followers],
        in_reply_to=first["id"],
    )
    ob.note(
        "2022-12-11T08:00:00Z",
        "<p>to misskey</p>",
        [PUBLIC],
        [ob.followers, DAVE, CAROL],
        in_reply_to=MISSKEY_NOTE,
        mentions=(DAVE, CAROL),
    )
    ob.note(
        "2022-12-12T08:00:00Z",
        "<p>to pleroma</p>",
        [ob.followers],
        [PUBLIC, ERIN],
        in_reply_to=PLEROMA_OBJECT,
        mentions=(ERIN,),
    )
    ob.note(
        "2022-12-13T08:00:00Z",
        "<p>both of you</p>",
        [PUBLIC],
        [ob.followers, bob, CAROL],
        in_reply_to=carol_status,
        mentions=(bob, CAROL),
    )
    ob.note("2022-12-14T08:00:00Z", "<p>a private word with bob</p>", [bob], [], mentions=(bob,))
    ob.note(
        "2022-12-15T08:00:00Z",
        "<p>quiet <br>post for hal</p>",
        [ob.followers],
        [PUBLIC],
        mentions=(hal,),
    )
    ob.note("2022-12-16T08:00:00Z", "<p>Poll?</p>", [PUBLIC], [ob.followers], obj_type="Question")
    ob.announce("2022-12-17T08:00:00Z", bob_status, [bob, ob.followers])
    ob.announce("2022-12-18T08:00:00Z", MISSKEY_NOTE, [DAVE, ob.followers])
    ob.note(
        "2022-12-19T08:00:00Z", "<p>long read</p>", [PUBLIC], [ob.followers], obj_type="Article"
    )
    ob.items.append(
        {
            "id": ego + "#delete-1",
            "type": "Delete",
            "actor": ego,
            "published": "2022-12-20T08:00:00Z",
            "to": [PUBLIC],
            "object": {"id": ego + "/statuses/1", "type": "Tombstone"},
        }
    )
    ob.announce("2022-12-21T08:00:00Z", PLEROMA_OBJECT, [ob.followers])
    if variant == "2026":
        quote = {
            "quote": bob_status,
            "_misskey_quote": bob_status,
            "quoteUri": bob_status,
            "quoteAuthorization": bob_status + "/quote_authorizations/1",
        }
        ob.note("2026-06-01T08:00:00Z", "<p>this!</p>", [PUBLIC], [ob.followers], extra=quote)
        ob.note(
            "2026-06-02T08:00:00Z",
            "<p>was a quote</p>",
            [PUBLIC],
            [ob.followers],
            extra={"quote": {"type": "Tombstone"}},
        )
        ob.note(
            "2026-06-03T08:00:00Z",
            "<p>reply and quote</p>",
            [PUBLIC],
            [ob.followers, CAROL],
            in_reply_to=carol_status,
            mentions=(CAROL,),
            extra=quote,
        )
    return ob.items


def mastodon_likes(variant: str) -> list[str]:
    """likes.json items: 2 resolvable (bob, carol), 2 not (Misskey, Pleroma); 2026 adds a
    numeric-URI status of bob (resolvable)."""
    likes = [
        MASTODON_BOB[variant] + "/statuses/100532741303956178",
        CAROL + "/statuses/100532741303956179",
        MISSKEY_NOTE,
        PLEROMA_OBJECT,
    ]
    if variant == "2026":
        likes.append(MASTODON_BOB[variant] + "/statuses/116840400000000001")
    return likes


def mastodon_archive_files(variant: str, *, csvs: bool = True) -> dict[str, str]:
    """Every member of a synthetic archive of ``variant``.

    CSV exports (placed beside the archive's files when ``csvs``):

    * following (3 rows): bob (mentioned: maps to his URI), carol (mentioned),
      frank@far.example (never mentioned: stays an acct id). 2024: the 4-column
      header; 2022: the 2-column header; 2026: no header.
    * followers (2024 and 2026 only, header ``Account address``, 3 rows): bob, hal
      (mapped through the local Mention ``@hal``), gina@x.example (acct id).
    """
    ego = MASTODON_EGO[variant]
    items = mastodon_outbox_items(variant)
    outbox: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": "outbox.json",
        "type": "OrderedCollection",
        # totalItems is statuses_count, not len(orderedItems): deliberately different
        "totalItems": len(items) + 9,
        "orderedItems": items,
    }
    actor = {
        "@context": AS_CONTEXT,
        "id": ego,
        "type": "Person",
        "following": ego + "/following",
        "followers": ego + "/followers",
        "inbox": ego + "/inbox",
        "outbox": "outbox.json",
        "likes": "likes.json",
        "bookmarks": "bookmarks.json",
        "featured": ego + "/collections/featured",
        "preferredUsername": "alice",
        "name": "Alice Example",
        "summary": "<p>bio</p>",
        "url": f"https://{MASTODON_HOST[variant]}/@alice",
        "manuallyApprovesFollowers": False,
        "published": "2022-11-07T00:00:00Z",
        "publicKey": {"id": ego + "#main-key", "owner": ego, "publicKeyPem": "-----BEGIN..."},
        "icon": {"type": "Image", "mediaType": "image/png", "url": "avatar.png"},
    }
    likes: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "likes.json",
        "type": "OrderedCollection",
        "orderedItems": mastodon_likes(variant),
    }
    bookmarks: dict[str, Any] = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "bookmarks.json",
        "type": "OrderedCollection",
        "orderedItems": [CAROL + "/statuses/1", MISSKEY_NOTE],
    }
    if variant == "2022":  # pre-4.1 collections carry totalItems
        likes["totalItems"] = len(likes["orderedItems"])
        bookmarks["totalItems"] = 2
    files: dict[str, str] = {
        "outbox.json": json.dumps(outbox),
        "actor.json": json.dumps(actor),
        "likes.json": json.dumps(likes),
        "bookmarks.json": json.dumps(bookmarks),
        "avatar.png": "\x89PNG fake",
        "media_attachments/files/109/485/923/567/588/068/original/0a1b2c.png": "fake image",
    }
    if csvs:
        files["following_accounts.csv"] = mastodon_following_csv(variant)
        if variant != "2022":
            files["follower_accounts.csv"] = mastodon_followers_csv()
    return files


def mastodon_following_csv(variant: str) -> str:
    rows = ["bob@mastodon.social", "carol@other.example", "frank@far.example"]
    if variant == "2024":
        return (
            "Account address,Show boosts,Notify on new posts,Languages\n"
            'bob@mastodon.social,true,false,"en,de"\n'
            "carol@other.example,false,false,\n"
            "frank@far.example,true,true,\n"
        )
    if variant == "2022":
        return "Account address,Show boosts\n" + "".join(f"{r},true\n" for r in rows)
    return "".join(f"{r}\n" for r in rows)


def mastodon_followers_csv() -> str:
    # hal lives on the ego's server in 2024 (example.social): the acct maps to his URI
    # through the local Mention "@hal". In 2026 the ego's server is mastodon.social, so
    # this acct matches no revealed URI and stays an acct id.
    return "Account address\nbob@mastodon.social\nhal@example.social\ngina@x.example\n"


# ---------------------------------------------------------------- a split export (issue 8)
SPLIT_EGO = "https://example.social/users/alice"
SPLIT_BOB = "https://mastodon.social/users/bob"
SPLIT_CAROL = "https://mastodon.social/users/carol"
SPLIT_NAME = "archive-20241201123456-0123456789abcdef0123456789abcdef.zip"


def mastodon_split_files() -> tuple[dict[str, str], dict[str, str]]:
    """(members of the archive zip, the CSV exports beside it), in the real layout.

    The archive: alice replies to bob (Mention tag: the pair bob <-> bob@mastodon.social),
    boosts carol (no Mention: carol appears only as ``https://mastodon.social/users/carol``
    in ``cc`` and in the boosted status URI), and posts once. Beside it,
    ``following_accounts.csv`` (4-column header, newest first) names bob and carol by acct,
    carol in capitals as people type it, and dan@far.example, who never appears in the
    archive; and the other CSV exports: 2 mutes (header), 3 blocks, 2 list members, 1
    domain block, 2 bookmarks (no header).
    """
    ob = _Outbox("2024")
    bob_status = SPLIT_BOB + "/statuses/109485912099807950"
    carol_status = SPLIT_CAROL + "/statuses/109400000000000002"
    ob.note(
        "2024-11-01T10:00:00Z",
        "<p>@bob yes</p>",
        [PUBLIC],
        [ob.followers, SPLIT_BOB],
        in_reply_to=bob_status,
        mentions=(SPLIT_BOB,),
    )
    ob.announce("2024-11-02T10:00:00Z", carol_status, [SPLIT_CAROL, ob.followers])
    ob.note("2024-11-03T10:00:00Z", "<p>hello</p>", [PUBLIC], [ob.followers])
    outbox = {
        "@context": AS_CONTEXT,
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": 3,
        "orderedItems": ob.items,
    }
    actor = {
        "@context": AS_CONTEXT,
        "id": SPLIT_EGO,
        "type": "Person",
        "preferredUsername": "alice",
        "name": "Alice Example",
        "url": "https://example.social/@alice",
        "followers": SPLIT_EGO + "/followers",
        "following": SPLIT_EGO + "/following",
        "outbox": "outbox.json",
    }
    archive = {
        "outbox.json": json.dumps(outbox),
        "actor.json": json.dumps(actor),
        "likes.json": json.dumps({"type": "OrderedCollection", "orderedItems": []}),
        "bookmarks.json": json.dumps({"type": "OrderedCollection", "orderedItems": []}),
    }
    csvs = {
        "following_accounts.csv": (
            "Account address,Show boosts,Notify on new posts,Languages\n"
            "dan@far.example,true,false,\n"
            "CAROL@Mastodon.Social,true,false,\n"
            'bob@mastodon.social,true,false,"en,de"\n'
        ),
        "muted_accounts.csv": "Account address,Hide notifications\nm1@x.example,true\n"
        "m2@x.example,false\n",
        "blocked_accounts.csv": "b1@x.example\nb2@x.example\nb3@y.example\n",
        "lists.csv": "Friends,bob@mastodon.social\nFriends,dan@far.example\n",
        "blocked_domains.csv": "spam.example\n",
        "bookmarks.csv": f"{carol_status}\n{bob_status}\n",
    }
    return archive, csvs


def mastodon_archive_name(variant: str) -> str:
    stamp = {"2022": "20221222000000", "2024": "20241201123456", "2026": "20260610090000"}
    return f"archive-{stamp[variant]}-0123456789abcdef0123456789abcdef"


# ============================================================================ Instagram
def ig_record(username: str, timestamp: int, *, shape: str = "value") -> dict[str, Any]:
    """One relationship record.

    ``shape``: ``"value"`` (2024-12 / 2025-08: ``title`` empty, ``value`` set, plain href),
    ``"title"`` (newer: ``title`` = username, ``/_u/`` href, no ``value``),
    ``"href"`` (neither value nor title: the username is only in the href, with a
    query and fragment), ``"bare"`` (``string_list_data`` a bare object, not a list).
    """
    if shape == "value":
        return {
            "title": "",
            "media_list_data": [],
            "string_list_data": [
                {
                    "href": f"https://www.instagram.com/{username}",
                    "value": username,
                    "timestamp": timestamp,
                }
            ],
        }
    if shape == "title":
        return {
            "title": username,
            "string_list_data": [
                {"href": f"https://www.instagram.com/_u/{username}", "timestamp": timestamp}
            ],
        }
    if shape == "href":
        return {
            "title": "",
            "string_list_data": [
                {
                    "href": f"https://www.instagram.com/_u/{username}?igsh=abc123#frag",
                    "timestamp": timestamp,
                }
            ],
        }
    if shape == "bare":
        return {
            "title": "",
            "media_list_data": [],
            "string_list_data": {
                "href": f"https://www.instagram.com/{username}",
                "value": username,
                "timestamp": timestamp,
            },
        }
    raise ValueError(shape)  # pragma: no cover


def ig_label_values(username: str, timestamp: int) -> dict[str, Any]:
    """The localized shape some files switch to (Portuguese labels here)."""
    return {
        "timestamp": timestamp,
        "fbid": "17841400000000000",
        "label_values": [
            {"label": "Nome de usuário", "value": username},
            {"label": "Nome", "value": "Nome Completo"},
        ],
    }


def mojibake(text: str) -> str:
    """Meta's double encoding: UTF-8 bytes read as Latin-1."""
    return text.encode("utf-8").decode("latin-1")


IG_DIR = "connections/followers_and_following/"


def instagram_2024_files() -> dict[str, str]:
    """A 2024-12-style export: ``connections/followers_and_following/``, personal info.

    * followers_1.json: ann, bob, josé (value written as mojibake) = 3 records
    * followers_2.json: dan, eve, and one record without any username = 3 records
    * following.json (value shape): ann, dan, fay = 3 records
    * other relationship files: close_friends 2, blocked_profiles 1 (title shape),
      recently_unfollowed_profiles 3, pending_follow_requests 1,
      follow_requests_you've_received 2 (label_values array), removed_suggestions 1,
      restricted_profiles 1 (bare object), profiles_you've_favorited 1 = 12 records
    * other export files: 2 (a posts JSON and a photo)
    * ego: personal_information/personal_information/personal_information.json:
      ``me_user``, display name "Mé User" (written as mojibake)
    """
    t = 1733433674  # 2024-12-05 21:21:14 UTC
    wrap = json.dumps
    return {
        IG_DIR + "followers_1.json": wrap(
            [ig_record("ann", t), ig_record("bob", t + 60), ig_record(mojibake("josé"), t + 120)]
        ),
        IG_DIR + "followers_2.json": wrap(
            [
                ig_record("dan", t + 180),
                ig_record("eve", t + 240),
                {"title": "", "media_list_data": [], "string_list_data": []},
            ]
        ),
        IG_DIR + "following.json": wrap(
            {
                "relationships_following": [
                    ig_record("ann", 1727000000),
                    ig_record("dan", 1727000060),
                    ig_record("fay", 1727000120),
                ]
            }
        ),
        IG_DIR + "close_friends.json": wrap(
            {"relationships_close_friends": [ig_record("ann", t), ig_record("dan", t)]}
        ),
        IG_DIR + "blocked_profiles.json": wrap(
            {"relationships_blocked_users": [ig_record("troll", t, shape="title")]}
        ),
        IG_DIR + "recently_unfollowed_profiles.json": wrap(
            {
                "relationships_unfollowed_users": [
                    ig_record("gus", t),
                    ig_record("hil", t),
                    ig_record("ivy", t),
                ]
            }
        ),
        IG_DIR + "pending_follow_requests.json": wrap(
            {"relationships_follow_requests_sent": [ig_record("jon", t)]}
        ),
        IG_DIR + "follow_requests_you've_received.json": wrap(
            [ig_label_values("kim", t), ig_label_values("lee", t)]
        ),
        IG_DIR + "removed_suggestions.json": wrap(
            {"relationships_dismissed_suggested_users": [ig_record("max", t)]}
        ),
        IG_DIR + "restricted_profiles.json": wrap(
            {"relationships_restricted_users": ig_record("ned", t)}
        ),
        IG_DIR + "profiles_you've_favorited.json": wrap(
            {"relationships_feed_favorites": [ig_record("ann", t)]}
        ),
        "personal_information/personal_information/personal_information.json": wrap(
            {
                "profile_user": [
                    {
                        "media_map_data": {"Profile Photo": {"uri": "media/p.jpg"}},
                        "string_map_data": {
                            "Email": {"href": "", "value": "me@example.com", "timestamp": 0},
                            "Username": {"href": "", "value": "me_user", "timestamp": 0},
                            "Name": {"href": "", "value": mojibake("Mé User"), "timestamp": 0},
                        },
                    }
                ]
            }
        ),
        "your_instagram_activity/media/posts_1.json": wrap([{"media": []}]),
        "media/posts/202412/1.jpg": "fake image",
    }


def instagram_2026_files() -> dict[str, str]:
    """A newer export (no personal info; ego from the zip name) with Threads lists.

    * followers_1.json: a bare object (one follower, ann) instead of a one-item list
    * following.json (newer shape): bob (title + /_u/ href), cy (href only, with query
      and fragment), dee (localized label_values) = 3 records
    * Threads: your_instagram_activity/threads/followers.json 2 records (tia, uma;
      threads.net/@ hrefs, value only in the href for uma), following.json 1 (tia),
      threads_and_replies.json (not a follow list)
    """
    t = 1767225600  # 2026-01-01 00:00:00 UTC
    wrap = json.dumps
    threads = "your_instagram_activity/threads/"
    return {
        IG_DIR + "followers_1.json": wrap(ig_record("ann", t, shape="bare")),
        IG_DIR + "following.json": wrap(
            {
                "relationships_following": [
                    ig_record("bob", t + 1, shape="title"),
                    ig_record("cy", t + 2, shape="href"),
                    ig_label_values("dee", t + 3),
                ]
            }
        ),
        threads + "followers.json": wrap(
            {
                "text_post_app_text_post_app_followers": [
                    {
                        "title": "",
                        "media_list_data": [],
                        "string_list_data": [
                            {"href": "https://www.threads.net/@tia", "value": "tia", "timestamp": t}
                        ],
                    },
                    {
                        "title": "",
                        "media_list_data": [],
                        "string_list_data": [
                            {"href": "https://www.threads.net/@uma", "timestamp": t + 5}
                        ],
                    },
                ]
            }
        ),
        threads + "following.json": wrap(
            {
                "text_post_app_text_post_app_following": [
                    {
                        "title": "",
                        "media_list_data": [],
                        "string_list_data": [
                            {"href": "https://www.threads.net/@tia", "value": "tia", "timestamp": t}
                        ],
                    }
                ]
            }
        ),
        threads + "threads_and_replies.json": wrap({"text_post_app_text_posts": []}),
    }


def instagram_2022_files() -> dict[str, str]:
    """An older (<= 2022) export: ``followers_and_following/`` at the top, wrapped lists.

    followers.json {"relationships_followers": [ann, bob]}, following.json
    {"relationships_following": [bob, cat]}, recently_unfollowed_accounts.json 1 record.
    """
    t = 1640995200  # 2022-01-01
    wrap = json.dumps
    return {
        "followers_and_following/followers.json": wrap(
            {"relationships_followers": [ig_record("ann", t), ig_record("bob", t)]}
        ),
        "followers_and_following/following.json": wrap(
            {"relationships_following": [ig_record("bob", t), ig_record("cat", t)]}
        ),
        "followers_and_following/recently_unfollowed_accounts.json": wrap(
            {"relationships_unfollowed_users": [ig_record("old", t)]}
        ),
    }


# ============================================================================ LinkedIn
LINKEDIN_NOTES = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\r\n'
    "\r\n"
)


def linkedin_current_csv() -> str:
    """Current format, CRLF. 6 data lines, 1 blank line:

    1 Bob Sacheli: plain URL, empty e-mail, 07 Dec 2025
    2 Carol Xu: http://uk.linkedin.com/in/Carol-Xu/ (normalised), quoted "Acme, Inc."
    3 Dan Ode: fake example.com e-mail, URL with a query
    4 Eve Ray: empty URL -> id from the name
    5 (deleted member): every field empty but the date -> dropped
    6 Fay Lin: Connected On empty -> followed_at missing (not flagged)
    """
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    rows = [
        "Bob,Sacheli,https://www.linkedin.com/in/bob-sacheli,,eBusiness Solutions,"
        "Principal Consultant,07 Dec 2025",
        'Carol,Xu,http://uk.linkedin.com/in/Carol-Xu/,,"Acme, Inc.","Head of ""Growth""",'
        "15 Jan 2024",
        "Dan,Ode,https://www.linkedin.com/in/dan-ode?trk=people,dan.ode@example.com,,,01 Feb 2023",
        "Eve,Ray,,,Self-employed,,28 Feb 2022",
        ",,,,,,03 Mar 2021",
        "Fay,Lin,https://www.linkedin.com/in/fay-lin-1234,,,,",
        "",
    ]
    return LINKEDIN_NOTES + header + "\r\n".join(rows) + "\r\n"


def linkedin_2018_csv() -> str:
    """2018 format: no preamble, no URL column. 4 data lines:

    1 Ann Bee, urn:li:member:111 in the e-mail column -> that id
    2 Cid Dee, fake example.com e-mail -> id from the name
    3 Cid Dee again (a namesake) -> same id: a duplicate edge, flagged
    4 Eli Fox, date not parseable -> followed_at missing, flagged
    """
    return (
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        'Ann,Bee,urn:li:member:111,"Foo, Bar & Co",Engineer,"1/8/18, 6:14 PM"\n'
        'Cid,Dee,cid.dee@example.com,,,"12/31/17, 11:59 AM"\n'
        'Cid,Dee,,,,"2/1/18, 9:00 AM"\n'
        "Eli,Fox,,,,yesterday\n"
    )


def linkedin_zip_files() -> dict[str, str]:
    """The Basic export: Connections.csv (current), Profile.csv, messages.csv (3
    messages, one multi-line), Invitations.csv (not used)."""
    return {
        "Connections.csv": linkedin_current_csv(),
        "Profile.csv": "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,"
        "Industry,Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        "Ego,Person,,,,Builder,,Software,,Somewhere,,,\n",
        "messages.csv": "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,"
        "RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER\n"
        "c1,,Bob Sacheli,https://www.linkedin.com/in/bob-sacheli,Ego Person,"
        "https://www.linkedin.com/in/ego-person,2025-03-04 10:00:00 UTC,,hi,INBOX\n"
        "c1,,Ego Person,https://www.linkedin.com/in/ego-person,Bob Sacheli,"
        'https://www.linkedin.com/in/bob-sacheli,2025-03-04 11:00:00 UTC,,"two\nlines",INBOX\n'
        "c2,,Dan Ode,https://www.linkedin.com/in/dan-ode,Ego Person,"
        "https://www.linkedin.com/in/ego-person,2025-03-05 10:00:00 UTC,,yo,INBOX\n",
        "Invitations.csv": "From,To,Sent At,Message,Direction\n",
    }
