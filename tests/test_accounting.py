"""Nothing lost: every record of an export is in a table or in the ledger, file by file.

For every real sample and every generated export of every platform, the records of each
file are counted here, independently of the readers (json, gzip, csv and libipld on the
files themselves), and compared with the rows the tables hold from that file plus the rows
the ledger drops from it:

    records in the file == rows taken into the tables + records the ledger says it dropped

A file that holds no record a reader uses (media, X's field dictionary, the viewer) is one
record of kind "file". The ledger's "flagged" rows are records that are in a table.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import posixpath
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import libipld
import pytest

import engagemetrics as em

SAMPLE_X = "twitter/milahu-twitter-milahu104-2026-03-06"


# --------------------------------------------------------------------------- reading files
def members(path: Path) -> dict[str, bytes]:
    """Every file of an export (a folder, a zip, or a folder holding a zip) by its path."""
    out: dict[str, bytes] = {}
    paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in paths:
        if p.suffix == ".zip":
            with zipfile.ZipFile(p) as z:
                out.update({n: z.read(n) for n in z.namelist() if not n.endswith("/")})
        else:
            out[p.relative_to(path).as_posix() if path.is_dir() else p.name] = p.read_bytes()
    return out


def js_array(raw: bytes) -> list:
    """The array of an X data file, after ``window.YTD.<type>.part0 =``."""
    text = raw.decode("utf-8-sig")
    return json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))


def csv_rows(raw: bytes, header: bool) -> list[list[str]]:
    rows = [r for r in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) if any(c.strip() for c in r)]
    return rows[1:] if header else rows


OUTSIDE_TREE = "record block not in the current tree"


def dropped(archive: em.Archive, source: str, kinds: set[str] | None = None) -> int:
    led = archive.ledger
    rows = led[(led["action"] == "dropped") & (led["source"] == source)]
    rows = rows[~rows["reason"].str.startswith(OUTSIDE_TREE)]  # blocks of no record key
    if kinds is not None:
        rows = rows[rows["record_kind"].isin(kinds)]
    return int(rows["count"].sum())


class Books:
    """Per file: the records counted here, and the rows the archive accounts for."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, int, int, int]] = []

    def add(self, name: str, records: int, taken: int, dropped_: int) -> None:
        self.lines.append((name, records, taken, dropped_))

    def check(self) -> None:
        wrong = [line for line in self.lines if line[1] != line[2] + line[3]]
        assert wrong == [], "file, records, taken, dropped:\n" + "\n".join(map(str, wrong))
        assert self.lines


def other_files(archive: em.Archive, books: Books, names: list[str]) -> None:
    """Files that hold nothing a reader uses: one "file" record each, in the ledger by place."""
    places = Counter(n.split("/", 1)[0] + "/" if "/" in n else n for n in names)
    for place, n in places.items():
        books.add(place, n, 0, dropped(archive, place, {"file"}))


# --------------------------------------------------------------------------- X
def account_twitter(archive: em.Archive, files: dict[str, bytes]) -> Books:
    books, ego = Books(), archive.ego
    post_ids = set(archive.posts["post_id"])
    not_data = []
    for name, raw in files.items():
        base = posixpath.basename(name)
        if base == "manifest.js":
            continue  # the index of the others
        if not (base.endswith(".js") and raw.lstrip().startswith(b"window.YTD")):
            rel = name[5:] if name.startswith("data/") else name
            not_data.append(rel)
            continue
        items = js_array(raw)
        if base.startswith(("tweets", "tweet.js", "tweet-part", "community-tweet")):
            ids = {(i.get("tweet", i)).get("id_str") for i in items}
            books.add(base, len(items), len(ids & post_ids),
                      dropped(archive, base, {"tweet", "community tweet"}))
        elif base == "follower.js":
            taken = int((archive.follows["target"] == ego).sum())
            books.add(base, len(items), taken, dropped(archive, base, {"follower"}))
        elif base == "following.js":
            taken = int((archive.follows["source"] == ego).sum())
            books.add(base, len(items), taken, dropped(archive, base, {"following"}))
        elif base in ("account.js", "screen-name-change.js"):
            key = "account" if base == "account.js" else "screenNameChange"
            mine = sum(1 for i in items if i[key]["accountId"] == ego)
            kind = "account" if base == "account.js" else "screen name change"
            books.add(base, len(items), mine, dropped(archive, base, {kind}))
        else:  # read, not used: every record counted in the ledger (a mention is no record)
            led = archive.ledger
            kinds = set(led.loc[led["source"] == base, "record_kind"]) - {"mention", "file"}
            books.add(base, len(items), 0, dropped(archive, base, kinds))
    other_files(archive, books, not_data)
    return books


# --------------------------------------------------------------------------- Mastodon
# The lists a Mastodon export holds beside the follows, with the kind the ledger counts.
MASTODON_OTHER_CSVS = {
    "muted_accounts.csv": "mute",
    "blocked_accounts.csv": "block",
    "blocked_domains.csv": "domain block",
    "lists.csv": "list member",
    "bookmarks.csv": "bookmark",
}


def account_mastodon(archive: em.Archive, files: dict[str, bytes]) -> Books:
    books, ego = Books(), archive.ego
    rest = []
    for name, raw in files.items():
        base = posixpath.basename(name)
        if base == "outbox.json":
            items = json.loads(raw)["orderedItems"]
            books.add(base, len(items), len(archive.posts),
                      dropped(archive, base, {"activity", "post"}))
        elif base == "likes.json":
            items = json.loads(raw)["orderedItems"]
            taken = int((archive.interactions["kind"] == "like").sum())
            books.add(base, len(items), taken, dropped(archive, base, {"like"}))
        elif base == "bookmarks.json":
            items = json.loads(raw)["orderedItems"]
            books.add(base, len(items), 0, dropped(archive, base, {"bookmark"}))
        elif base == "actor.json":
            books.add(base, 1, int(ego in set(archive.accounts["account_id"])), 0)
        elif base == "following_accounts.csv":
            rows = csv_rows(raw, header=True)
            taken = int((archive.follows["source"] == ego).sum())
            books.add(base, len(rows), taken, dropped(archive, base, {"following"}))
        elif base == "follower_accounts.csv":
            rows = csv_rows(raw, header=True)
            taken = int((archive.follows["target"] == ego).sum())
            books.add(base, len(rows), taken, dropped(archive, base, {"follower"}))
        elif base in MASTODON_OTHER_CSVS:
            header = raw.split(b"\n", 1)[0].lower().startswith((b"account address", b"list title"))
            rows = csv_rows(raw, header=header)
            books.add(base, len(rows), 0, dropped(archive, base, {MASTODON_OTHER_CSVS[base]}))
        else:
            rest.append(name)
    other_files(archive, books, rest)
    return books


# --------------------------------------------------------------------------- Bluesky
def mst_records(blocks: dict, root: bytes) -> tuple[Counter, int, set]:
    """Records per collection under the tree (blocks present or not), missing nodes, CIDs seen."""
    counts: Counter = Counter()
    missing, seen, stack = 0, set(), [root]
    while stack:
        cid = stack.pop()
        if cid in seen:
            continue
        seen.add(cid)
        node = blocks.get(cid)
        if node is None:
            missing += 1
            continue
        if node.get("l"):
            stack.append(node["l"])
        key = b""
        for entry in node["e"]:
            key = key[: entry["p"]] + entry["k"]
            counts[key.decode().split("/", 1)[0]] += 1
            seen.add(entry["v"])
            if entry.get("t"):
                stack.append(entry["t"])
    return counts, missing, seen


def account_bluesky(archive: em.Archive, name: str, raw: bytes) -> Books:
    books, ego = Books(), archive.ego
    header, blocks = libipld.decode_car(raw)
    commit = blocks[header["roots"][0]]
    counts, missing, seen = mst_records(blocks, commit["data"])
    outside = Counter(
        b["$type"] for cid, b in blocks.items()
        if cid not in seen and cid != header["roots"][0] and isinstance(b, dict)
        and isinstance(b.get("$type"), str)
    )
    post, repost = "app.bsky.feed.post", "app.bsky.feed.repost"
    like, follow, profile = "app.bsky.feed.like", "app.bsky.graph.follow", "app.bsky.actor.profile"
    n_posts = counts.pop(post, 0) + counts.pop(repost, 0)
    books.add("posts and reposts", n_posts, len(archive.posts),
              dropped(archive, name, {post, repost, "post"}))
    books.add("follows", counts.pop(follow, 0), int((archive.follows["source"] == ego).sum()),
              dropped(archive, name, {follow, "follow"}))
    books.add("likes", counts.pop(like, 0), int((archive.interactions["kind"] == "like").sum()),
              dropped(archive, name, {like}))
    if profile in counts:
        shown = archive.accounts.set_index("account_id")["display_name"].get(ego)
        books.add(profile, counts.pop(profile), int(isinstance(shown, str)),
                  dropped(archive, name, {profile}))
    for collection, n in counts.items():
        books.add(collection, n, 0, dropped(archive, name, {collection}))
    books.add("MST nodes missing", missing, 0, dropped(archive, name, {"MST node"}))
    led = archive.ledger
    out = led[led["reason"].str.startswith(OUTSIDE_TREE)]
    assert out.groupby("record_kind")["count"].sum().to_dict() == dict(outside)
    return books


# --------------------------------------------------------------------------- the others
def instagram_records(raw: bytes) -> list:
    data = json.loads(raw)
    if isinstance(data, dict):
        (data,) = [v for k, v in data.items() if k.startswith("relationships_")]
    return data


def account_instagram(archive: em.Archive, files: dict[str, bytes]) -> Books:
    books, ego = Books(), archive.ego
    for name, raw in files.items():
        base = posixpath.basename(name)
        label = posixpath.relpath(name, posixpath.dirname(posixpath.dirname(name)))
        if base.startswith("followers_"):
            taken = int((archive.follows["target"] == ego).sum())
            books.add(base, len(instagram_records(raw)), taken,
                      dropped(archive, label, {"follower"}))
        elif base == "following.json":
            taken = int((archive.follows["source"] == ego).sum())
            books.add(base, len(instagram_records(raw)), taken,
                      dropped(archive, label, {"following"}))
        elif base == "personal_information.json":
            books.add(base, 1, int(ego in set(archive.accounts["account_id"])),
                      dropped(archive, base, {"profile"}))
        else:
            books.add(name, 1, 0, dropped(archive, name.split("/", 1)[0] + "/", {"file"}))
    return books


def account_linkedin(archive: em.Archive, files: dict[str, bytes]) -> Books:
    books, ego = Books(), archive.ego
    for name, raw in files.items():
        base = posixpath.basename(name)
        if base == "Connections.csv":
            rows = csv_rows(raw, header=False)
            # the current format opens with a "Notes:" preamble: the records follow the header
            header = next(i for i, r in enumerate(rows) if r[:2] == ["First Name", "Last Name"])
            rows = rows[header + 1 :]
            taken = int((archive.follows["source"] == ego).sum())
            books.add(base, len(rows), taken, dropped(archive, base, {"connection"}))
        elif base == "Profile.csv":
            shown = archive.accounts.set_index("account_id")["display_name"].get(ego)
            books.add(base, len(csv_rows(raw, header=True)), int(isinstance(shown, str)), 0)
        else:
            books.add(name, 1, 0, dropped(archive, name, {"file"}))
    return books


def account_research(archive: em.Archive, name: str, raw: bytes) -> Books:
    text = gzip.decompress(raw) if name.endswith(".gz") else raw
    lines = [x for x in text.splitlines() if x.strip() and not x.startswith(b"#")]
    books = Books()
    books.add(name, len(lines), len(archive.interactions),
              dropped(archive, posixpath.basename(name), {"interaction"}))
    return books


# --------------------------------------------------------------------------- the exports
@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("generated")
    out = {}
    for platform in em.datasets.EXPORT_PLATFORMS:
        path = em.datasets.demo_export(platform, root / platform)
        out[platform] = path.parent if platform == "mastodon" else path
    return out


@pytest.mark.parametrize("platform", em.datasets.EXPORT_PLATFORMS)
def test_every_generated_record_is_accounted_for(generated, platform):
    path = generated[platform]
    archive = em.load(path)
    files = members(path)
    if platform == "twitter":
        books = account_twitter(archive, files)
    elif platform == "mastodon":
        books = account_mastodon(archive, files)
    elif platform == "bluesky":
        books = account_bluesky(archive, path.name, path.read_bytes())
    elif platform == "instagram":
        books = account_instagram(archive, files)
    elif platform == "linkedin":
        books = account_linkedin(archive, files)
    else:
        books = account_research(archive, path.name, path.read_bytes())
    books.check()


def test_every_row_of_the_other_mastodon_lists_is_accounted_for(tmp_path):
    folder = tmp_path / "mastodon"
    em.datasets.demo_export("mastodon", folder)
    # the lists Mastodon exports beside the follows: each row is counted in the ledger
    (folder / "muted_accounts.csv").write_text(
        "Account address,Hide notifications\nann@h.example,true\nbob@h.example,false\n")
    (folder / "blocked_accounts.csv").write_text("cy@h.example\ndee@h.example\neve@x.example\n")
    (folder / "blocked_domains.csv").write_text("spam.example\n")
    (folder / "lists.csv").write_text("Friends,ann@h.example\nFriends,bob@h.example\n")
    (folder / "bookmarks.csv").write_text("https://h.example/@ann/1\n")
    archive = em.load(folder)
    books = account_mastodon(archive, members(folder))
    books.check()
    # 2 + 3 + 1 + 2 + 1 rows, each in the ledger under its file
    other = archive.ledger[archive.ledger["source"].isin(MASTODON_OTHER_CSVS)]
    assert int(other["count"].sum()) == 9


def test_every_record_of_the_real_x_archive_is_accounted_for(samples):
    path = samples / SAMPLE_X
    archive = em.load(path)
    account_twitter(archive, members(path)).check()


@pytest.mark.parametrize(
    "name",
    ["bnewbold.robocracy.org.20250310005405.car", "paul_staging.repo.car", "greenground.repo.car",
     "repo_slice.car", "msttest-06-reply.car"],
)
def test_every_record_of_the_real_bluesky_repos_is_accounted_for(samples, name):
    path = samples / "bluesky" / name
    account_bluesky(em.load(path), name, path.read_bytes()).check()


def test_every_line_of_the_real_activity_log_is_accounted_for(samples):
    path = samples / "snap-higgs-twitter" / "higgs-activity_time.txt.gz"
    account_research(em.load(path), path.name, path.read_bytes()).check()


def iter_lines(books: Books) -> Iterator[str]:  # pragma: no cover - a debugging aid
    for line in books.lines:
        yield "\t".join(map(str, line))
