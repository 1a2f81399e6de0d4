"""Bluesky reader: an AT Protocol repository (``repo.car``) as the canonical tables."""

from __future__ import annotations

import io
import os
import posixpath
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO, Any

import numpy as np
import pandas as pd

from .. import schema
from ..archive import Archive
from ..exceptions import CorruptExportError, InvalidArgumentError
from ..ledger import Ledger
from ._car import CAR_HINT, BlockError, BlockStore, tid_to_timestamp, walk_mst
from ._container import ExportFiles, date_in_name, opened
from ._posts import PostRows

__all__ = ["can_read", "read_bluesky_repo", "tid_to_timestamp"]

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
LIKE = "app.bsky.feed.like"
FOLLOW = "app.bsky.graph.follow"
PROFILE = "app.bsky.actor.profile"

# Bluesky collections that exist but carry nothing these metrics use.
_NOT_USED_PREFIXES = ("app.bsky.", "chat.bsky.", "com.atproto.")

# Posts are packed into typed frames every _CHUNK rows while the tree is walked.
_CHUNK = 65_536

# Third-party export tools stamp the download time in the name (<handle>.20250310005405.car).
_FILENAME_STAMP_RE = re.compile(r"(?<!\d)(20\d{12})(?!\d)")


# --------------------------------------------------------------------------- detection
def can_read(files: ExportFiles) -> str | None:
    """Whether ``files`` hold a Bluesky repository export.

    Parameters
    ----------
    files : ExportFiles
        A folder, archive or single file.

    Returns
    -------
    str or None
        None when ``files`` can be read by :func:`read_bluesky_repo`; otherwise
        the reason why not (used by :func:`engagemetrics.load` in its error).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> _ = open(os.path.join(d, "notes.txt"), "w").write("hello")
    >>> can_read(ExportFiles(d))
    'no .car file (a Bluesky repository export is a CAR file, e.g. repo.car)'
    """
    cars = files.find("*.car")
    if not cars:
        return "no .car file (a Bluesky repository export is a CAR file, e.g. repo.car)"
    with files.open(cars[0]) as fh:
        head = fh.read(256)
    # A CARv1 header is a small DAG-CBOR map {"roots": [...], "version": 1}.
    if b"roots" not in head or b"version" not in head:
        return f"{cars[0]} does not start with a CARv1 header"
    return None


# --------------------------------------------------------------------------- helpers
def _authority(uri: Any) -> str | None:
    """The DID in ``at://<did>/<collection>/<rkey>``, or None."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    authority = uri[5:].split("/", 1)[0]
    return authority if authority.startswith("did:") else None


def _strong_ref_uri(ref: Any) -> str | None:
    if isinstance(ref, Mapping):
        uri = ref.get("uri")
        if isinstance(uri, str):
            return uri
    return None


def _quoted_uri(embed: Any) -> str | None:
    """URI of the record a post quotes, from ``embed.record`` or ``embed.record.record``."""
    if not isinstance(embed, Mapping):
        return None
    etype = embed.get("$type")
    if etype == "app.bsky.embed.record":
        return _strong_ref_uri(embed.get("record"))
    if etype == "app.bsky.embed.recordWithMedia":
        inner = embed.get("record")
        if isinstance(inner, Mapping):
            return _strong_ref_uri(inner.get("record"))
    return None


@contextmanager
def _open_car(path: Any) -> Iterator[tuple[IO[bytes], str, str, Ledger]]:
    """A seekable stream of the CAR, a label for messages, a name for the ledger, and a
    ledger holding what the container noted (the other files of a folder or zip).

    The export is opened through :class:`ExportFiles` like every other: a CAR on disk, a
    stored (uncompressed) zip member or a member of an uncompressed tar is read in
    place; a compressed member is copied to an anonymous temporary file first, deleted
    when the read ends (the block index needs random access; ``docs/importers.md``).
    """
    if isinstance(path, (bytes, bytearray)):
        # The caller already holds the bytes; BytesIO over bytes shares them (no copy).
        yield io.BytesIO(bytes(path)), "<bytes>", "repo.car", Ledger()
        return
    if not isinstance(path, (str, os.PathLike, ExportFiles)):
        raise InvalidArgumentError(
            f"read_bluesky_repo expects a path to a .car file (or a folder/zip holding one), "
            f"or the file's bytes; got {type(path).__name__}"
        )
    with opened(path) as files:
        cars = files.find("*.car")
        if not cars and files.kind == "file":
            cars = files.names()
        if not cars:
            raise CorruptExportError(f"{files.path} holds no .car file; {CAR_HINT}")
        if len(cars) > 1:
            raise InvalidArgumentError(
                f"{files.path} holds several CAR files ({', '.join(cars[:5])}); pass the one "
                "to read"
            )
        ledger = Ledger()
        files.note_into(ledger)
        files.count_unread(
            cars, posixpath.dirname(files.inner_name(cars[0])), ledger,
            "file other than the CAR (not read)",
        )
        with files.seekable(cars[0]) as fh:
            yield fh, files.label(cars[0]), posixpath.basename(cars[0]), ledger


# --------------------------------------------------------------------------- reader
def read_bluesky_repo(
    path: str | os.PathLike[str] | ExportFiles | bytes,
    *,
    handles: Mapping[str, str] | None = None,
) -> Archive:
    """Read a Bluesky repository export (a CAR file) into an :class:`~engagemetrics.Archive`.

    Parameters
    ----------
    path : str, path, ExportFiles or bytes
        The app's ``repo.car`` (Settings > Account > Export my data), any CAR from
        ``com.atproto.sync.getRepo``, a folder or zip holding one CAR, or its bytes.
        Repo versions 2 and 3 are read; partial CARs are read as far as they go.
    handles : mapping, optional
        Handle -> DID, to resolve 2022-era ``entities`` mentions that name a handle.
        Without it such mentions are counted in the ledger (a handle cannot be
        resolved offline, and identity is by DID).

    Returns
    -------
    Archive
        ``platform="bluesky"``, ``ego`` = the commit's ``did``. ``follows``: the ego
        follows ``subject`` (``followed_at`` = ``createdAt``). ``posts``: posts,
        replies (``reply``; ``thread`` when the parent's author is the ego), quotes
        (``embed`` ``app.bsky.embed.record`` or ``recordWithMedia``) and reposts,
        with ``post_id`` = the record's ``at://`` URI and parent/root ids and
        authors from the ``at://`` URIs. ``interactions``: derived from these,
        mentions and likes (``post_id`` of a like = the liked post's URI).
        ``accounts``: the ego (display name from the profile) and every DID seen,
        with the handle a mention facet showed for it (earlier handles in
        ``aliases``). ``exported_at``: the timestamp in a third-party file name
        (``<handle>.20250310005405.car``), else the time of the commit ``rev`` (the
        last write before the export).

    Raises
    ------
    CorruptExportError
        The file is not a CAR, is truncated, or its root block is not a repository
        commit; the message names the file.
    InvalidArgumentError
        ``path`` is neither a path nor bytes, or a folder holds several CAR files.

    Notes
    -----
    The MST is walked in key order (``l``, then each entry, then its ``t``), since
    a record's rkey and URI exist only in the tree. Accounting (the ledger):

    * a record or MST node absent from a partial CAR: dropped, counted;
    * ``createdAt`` is client-supplied: it is parsed as RFC 3339 with offsets; an
      unparseable value is replaced by the time in the record's TID key (flagged),
      or the record is dropped when the key is not a TID;
    * a mention facet whose UTF-8 byte range does not start with ``@``: kept,
      flagged (facet offsets are bytes, not characters);
    * a legacy ``entities`` mention naming a handle not in ``handles``: dropped;
    * a reply that also quotes a post is a ``reply`` (one parent per post): flagged;
    * blocks, lists, the profile without a display name and other ``app.bsky``
      records: "not used"; other namespaces: "unknown collection".

    Your followers are not in your repository (a follow lives in the follower's
    repo): add them with :func:`engagemetrics.add_followers`.

    References
    ----------
    AT Protocol repository spec, https://atproto.com/specs/repository ;
    ``docs/importers.md``.

    Examples
    --------
    >>> import hashlib, libipld
    >>> def cid(block):
    ...     return b"\\x01q\\x12 " + hashlib.sha256(block).digest()
    >>> def varint(n):
    ...     out = b""
    ...     while True:
    ...         out += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
    ...         n >>= 7
    ...         if not n:
    ...             return out
    >>> follow = libipld.encode_dag_cbor({"$type": "app.bsky.graph.follow",
    ...     "subject": "did:plc:bob", "createdAt": "2024-02-22T04:37:15-07:00"})
    >>> node = libipld.encode_dag_cbor({"l": None, "e": [{"p": 0,
    ...     "k": b"app.bsky.graph.follow/3kly627gj4k2v", "v": cid(follow), "t": None}]})
    >>> commit = libipld.encode_dag_cbor({"did": "did:plc:me", "version": 3,
    ...     "data": cid(node), "rev": "3kly627gj4k2v", "prev": None, "sig": b""})
    >>> header = libipld.encode_dag_cbor({"version": 1, "roots": [cid(commit)]})
    >>> car = varint(len(header)) + header + b"".join(
    ...     varint(len(cid(b)) + len(b)) + cid(b) + b for b in (commit, node, follow))
    >>> archive = read_bluesky_repo(car)
    >>> archive.ego, archive.follows["target"].tolist()
    ('did:plc:me', ['did:plc:bob'])
    >>> archive.follows["followed_at"].iloc[0]
    Timestamp('2024-02-22 11:37:15+0000', tz='UTC')
    """
    with _open_car(path) as (fh, label, origin, ledger):
        return _read_car(fh, label, origin, dict(handles or {}), ledger)


def _read_car(
    fh: IO[bytes], label: str, origin: str, handle_map: dict[str, str], ledger: Ledger
) -> Archive:
    blocks = BlockStore(fh, label)
    header = blocks.header
    roots = header.get("roots") or []
    if not roots:
        raise CorruptExportError(f"{label}: the CAR header names no root; {CAR_HINT}")
    commit = blocks.get(roots[0])
    if commit is None:
        raise CorruptExportError(
            f"{label}: the root block (the repository commit) is not in the file; the CAR is "
            "incomplete. Download the whole repository again (getRepo without 'since')"
        )
    if not isinstance(commit, Mapping) or "did" not in commit or "data" not in commit:
        found = sorted(commit)[:6] if isinstance(commit, Mapping) else type(commit).__name__
        raise CorruptExportError(
            f"{label}: the CAR's root is not a repository commit (expected a map with 'did' "
            f"and 'data', found {found!r}); this CAR holds blocks but not a repo export, "
            f"{CAR_HINT}"
        )
    ego = str(commit["did"])
    acc = _Accumulator(ego, origin, ledger, handle_map)
    missing_nodes = [0]
    try:
        for key, _cid, record in walk_mst(blocks, commit["data"], missing_nodes):
            acc.take(key, record)
    except BlockError:
        raise
    except CorruptExportError as exc:
        raise CorruptExportError(f"{label}: {exc}") from exc
    # The store remembers every block the walk fetched (the commit, tree nodes, records):
    # only the others are decoded again.
    _count_outside_tree(blocks, origin, ledger)
    ledger.add(
        origin,
        "MST node",
        "tree node missing from a partial CAR (the records under it are unknown)",
        missing_nodes[0],
    )
    exported_at = _exported_at(origin, commit)
    return acc.archive(exported_at)


def _count_outside_tree(blocks: BlockStore, origin: str, ledger: Ledger) -> None:
    """Count record blocks that the current tree does not reach.

    Older (v2) exports carry blocks of earlier commits: records deleted or replaced
    since. They are not part of the snapshot, but they are in the file, so they are
    counted rather than silently skipped. Each is decoded on its own, one at a time.
    """
    counts: dict[str, int] = {}
    for block in blocks.unreached():
        if not isinstance(block, Mapping):
            continue
        rtype = block.get("$type")
        if isinstance(rtype, str):
            counts[rtype] = counts.get(rtype, 0) + 1
    for rtype, count in sorted(counts.items()):
        ledger.add(
            origin,
            rtype,
            "record block not in the current tree (an earlier version or a deleted record)",
            count,
        )


def _exported_at(origin: str, commit: Mapping[str, Any]) -> pd.Timestamp | None:
    stamp = date_in_name(origin, _FILENAME_STAMP_RE, "%Y%m%d%H%M%S")
    if stamp is not None:
        return stamp
    rev = commit.get("rev")
    return tid_to_timestamp(rev) if isinstance(rev, str) else None


def _joined(chunks: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks as one frame (the only chunk itself when there is one)."""
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


class _Accumulator:
    """Collects rows per table while the MST is walked (one pass, no copies)."""

    def __init__(
        self, ego: str, origin: str, ledger: Ledger, handles: Mapping[str, str]
    ) -> None:
        self.ego = ego
        self.origin = origin
        self.ledger = ledger
        self.handles = handles
        # Follows and likes, like posts, are packed into typed frames every _CHUNK rows.
        self.follows: list[tuple[str, Any, str]] = []
        self.follow_chunks: list[pd.DataFrame] = []
        self.posts = PostRows()
        self.post_rkeys: list[str] = []  # the TID of each post: a second clock
        # Every _CHUNK posts, the lists become typed frames (Arrow strings), so that the
        # Python objects of at most one chunk are alive at a time (docs/importers.md).
        self.post_chunks: list[pd.DataFrame] = []
        self.mention_chunks: list[pd.DataFrame] = []
        self.times_from_keys = {"follow": 0, "post": 0, "like": 0}
        self.likes: list[tuple[str, Any, str, str]] = []
        self.like_chunks: list[pd.DataFrame] = []
        self.display_name: str | None = None
        self.seen_handles: dict[str, list[str]] = {}  # DID -> handles shown, latest last
        self.seen_dids: set[str] = set()

    # ---------------------------------------------------------------- records
    def take(self, key: str, record: Any) -> None:
        collection, _, rkey = key.partition("/")
        uri = f"at://{self.ego}/{key}"
        if record is None:
            self.ledger.add(self.origin, collection, "record block missing from a partial CAR", 1)
            return
        if not isinstance(record, Mapping):
            self.ledger.add(self.origin, collection, "record is not a map (damaged block)", 1)
            return
        if collection == FOLLOW:
            self._follow(record, rkey)
        elif collection == POST:
            self._post(record, uri, rkey)
        elif collection == REPOST:
            self._repost(record, uri, rkey)
        elif collection == LIKE:
            self._like(record, uri, rkey)
        elif collection == PROFILE and rkey == "self" and record.get("displayName"):
            self.display_name = str(record["displayName"])
        elif collection.startswith(_NOT_USED_PREFIXES):
            self.ledger.add(self.origin, collection, "not used", 1)
        else:
            self.ledger.add(self.origin, collection, "unknown collection", 1)

    def _follow(self, record: Mapping[str, Any], rkey: str) -> None:
        subject = record.get("subject")
        if not isinstance(subject, str) or not subject.startswith("did:"):
            self.ledger.add(self.origin, FOLLOW, "subject is not a DID", 1)
            return
        self.seen_dids.add(subject)
        self.follows.append((subject, record.get("createdAt"), rkey))
        if len(self.follows) >= _CHUNK:
            self._pack_follows()

    def _like(self, record: Mapping[str, Any], uri: str, rkey: str) -> None:
        subject_uri = _strong_ref_uri(record.get("subject"))
        target = _authority(subject_uri)
        if target is None:
            self.ledger.add(self.origin, LIKE, "subject is not an at://did URI", 1)
            return
        self.seen_dids.add(target)
        self.likes.append((target, record.get("createdAt"), rkey, str(subject_uri)))
        if len(self.likes) >= _CHUNK:
            self._pack_likes()

    def _repost(self, record: Mapping[str, Any], uri: str, rkey: str) -> None:
        subject_uri = _strong_ref_uri(record.get("subject"))
        target = _authority(subject_uri)
        if target is None:
            self.ledger.add(self.origin, REPOST, "subject is not an at://did URI", 1)
            return
        self.seen_dids.add(target)
        self.posts.add(
            uri,
            self.ego,
            record.get("createdAt"),
            "repost",
            parent_id=subject_uri,
            parent_author=target,
            visibility="public",  # every repo record is public
        )
        self.post_rkeys.append(rkey)
        if len(self.post_rkeys) >= _CHUNK:
            self._pack_posts()

    def _post(self, record: Mapping[str, Any], uri: str, rkey: str) -> None:
        reply = record.get("reply")
        quoted = _quoted_uri(record.get("embed"))
        parent_id = parent_author = root_id = root_author = None
        if isinstance(reply, Mapping):
            parent_id = _strong_ref_uri(reply.get("parent"))
            root_id = _strong_ref_uri(reply.get("root"))
            parent_author = _authority(parent_id)
            root_author = _authority(root_id)
            kind = "thread" if parent_author == self.ego else "reply"
            if parent_author is None:
                self.ledger.add(
                    self.origin,
                    POST,
                    "reply whose parent URI names no DID (kept as a reply, parent unknown)",
                    1,
                    action="flagged",
                )
            if quoted is not None:
                self.ledger.add(
                    self.origin,
                    POST,
                    "reply that also quotes a post (kept as the reply; the quote is not an "
                    "interaction)",
                    1,
                    action="flagged",
                )
        elif quoted is not None:
            kind = "quote"
            parent_id = quoted
            parent_author = _authority(quoted)
        else:
            kind = "post"
        for did in (parent_author, root_author):
            if did:
                self.seen_dids.add(did)
        text = record.get("text")
        text = text if isinstance(text, str) else None
        self.posts.add(
            uri,
            self.ego,
            record.get("createdAt"),
            kind,
            parent_id=parent_id,
            parent_author=parent_author,
            root_id=root_id,
            root_author=root_author,
            visibility="public",  # every repo record is public
            text=text,
        )
        self.post_rkeys.append(rkey)
        self._facet_mentions(record, uri, text)
        self._entity_mentions(record, uri)
        if len(self.post_rkeys) >= _CHUNK:
            self._pack_posts()

    def _pack_posts(self) -> None:
        """Build the posts (and their mentions) read since the last chunk; drop the lists."""
        created, used = self._parse_times(self.posts.created_at, self.post_rkeys, "post")
        self.times_from_keys["post"] += used
        self.post_chunks.append(self.posts.frame(created))
        self.mention_chunks.append(self.posts.mentions())
        self.posts.release()
        self.post_rkeys.clear()

    def _pack_follows(self) -> None:
        """Build the follows read since the last chunk (target, followed_at); drop the list."""
        rows, self.follows = self.follows, []
        self.follow_chunks.append(self._packed(rows, "follow", "followed_at", {}))

    def _pack_likes(self) -> None:
        """Build the likes read since the last chunk (target, created_at, post_id)."""
        rows, self.likes = self.likes, []
        self.like_chunks.append(self._packed(rows, "like", "created_at", {"post_id": 3}))

    def _packed(
        self, rows: list[Any], kind: str, time_column: str, ids: dict[str, int]
    ) -> pd.DataFrame:
        """Rows of (target, createdAt, rkey, ...) as a typed frame: ``target``, the time
        (the TID in the key where createdAt is not one, counted), and ``ids`` (column ->
        position in the row) as id columns."""
        created, used = self._parse_times([r[1] for r in rows], [r[2] for r in rows], kind)
        self.times_from_keys[kind] += used
        columns = {"target": 0, **ids}
        frame = pd.DataFrame(
            {c: pd.array([r[i] for r in rows], dtype=schema.ID_DTYPE) for c, i in columns.items()}
        )
        frame.insert(1, time_column, created.array)
        return frame

    def _facet_mentions(self, record: Mapping[str, Any], uri: str, text: str | None) -> None:
        facets = record.get("facets")
        if not isinstance(facets, list):
            return
        encoded = (text or "").encode("utf-8")
        for facet in facets:
            if not isinstance(facet, Mapping) or not isinstance(facet.get("features"), list):
                continue
            found_index = facet.get("index")
            index: Mapping[str, Any] = found_index if isinstance(found_index, Mapping) else {}
            start, end = index.get("byteStart"), index.get("byteEnd")
            for feature in facet["features"]:
                if not isinstance(feature, Mapping):
                    continue
                if feature.get("$type") != "app.bsky.richtext.facet#mention":
                    continue
                did = feature.get("did")
                if not isinstance(did, str) or not did.startswith("did:"):
                    self.ledger.add(self.origin, "mention", "mention facet without a DID", 1)
                    continue
                self.posts.mention(uri, did)
                self.seen_dids.add(did)
                span = (
                    encoded[start:end]
                    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end
                    else b""
                )
                if span.startswith(b"@"):
                    shown = span[1:].decode("utf-8", "replace").strip()
                    if shown:
                        shown_before = self.seen_handles.setdefault(did, [])
                        if shown in shown_before:
                            shown_before.remove(shown)
                        shown_before.append(shown)
                else:
                    self.ledger.add(
                        self.origin,
                        "mention",
                        "mention facet's UTF-8 byte range does not start with '@' (kept the "
                        "mention; offsets are bytes, not characters)",
                        1,
                        action="flagged",
                    )

    def _entity_mentions(self, record: Mapping[str, Any], uri: str) -> None:
        entities = record.get("entities")
        if not isinstance(entities, list):
            return
        for entity in entities:
            if not isinstance(entity, Mapping) or entity.get("type") != "mention":
                continue
            value = entity.get("value")
            did = value if isinstance(value, str) and value.startswith("did:") else None
            if did is None and isinstance(value, str):
                did = self.handles.get(value.lstrip("@"))
            if did is None:
                self.ledger.add(
                    self.origin,
                    "mention",
                    "legacy entities mention names a handle that cannot be resolved to a DID "
                    "(pass handles={handle: did})",
                    1,
                )
                continue
            self.posts.mention(uri, did)
            self.seen_dids.add(did)

    # ---------------------------------------------------------------- tables
    def _count_times_from_keys(self, kind: str, used: int) -> None:
        self.ledger.add(
            self.origin,
            kind,
            "createdAt missing or not a timestamp (used the time in the record key, a TID)",
            used,
            action="flagged",
        )

    def _parse_times(self, raw: list[Any], rkeys: list[str], kind: str) -> tuple[pd.Series, int]:
        """``createdAt`` parsed, the TID in the key where it is not a time; and how many
        times came from keys."""
        used = 0
        parsed = schema.to_timestamp(
            pd.Series([v if isinstance(v, str) else None for v in raw], dtype=object),
            column="createdAt",
            table=kind,
            errors="coerce",
        )
        bad = parsed.isna().to_numpy()
        if bad.any():
            fallback = [tid_to_timestamp(k) for k in pd.Series(rkeys)[bad]]
            values = parsed.astype(object).to_numpy().copy()
            positions = bad.nonzero()[0]
            used = sum(1 for t in fallback if t is not None)
            for pos, ts in zip(positions, fallback, strict=True):
                values[pos] = ts if ts is not None else pd.NaT
            parsed = pd.Series(pd.to_datetime(values, utc=True)).astype(schema.TIMESTAMP_DTYPE)
        return parsed, used

    def archive(self, exported_at: pd.Timestamp | None) -> Archive:
        ego = self.ego
        self._pack_follows()
        follows = _joined(self.follow_chunks)
        self.follow_chunks = []
        follows.insert(0, "source", pd.Series(ego, index=follows.index, dtype=schema.ID_DTYPE))
        self._count_times_from_keys("follow", self.times_from_keys["follow"])
        if len(self.post_rkeys) or not self.post_chunks:
            self._pack_posts()
        self._count_times_from_keys("post", self.times_from_keys["post"])
        chunks, self.post_chunks = self.post_chunks, []
        posts = schema.posts_table(_joined(chunks), errors="coerce", origin=self.origin)
        del chunks
        mentions, self.mention_chunks = _joined(self.mention_chunks), []
        self._pack_likes()
        likes = _joined(self.like_chunks)
        self.like_chunks = []
        self._count_times_from_keys("like", self.times_from_keys["like"])
        likes.insert(0, "actor", pd.Series(ego, index=likes.index, dtype=schema.ID_DTYPE))
        likes["visibility"] = pd.Categorical.from_codes(  # every repo record is public
            np.zeros(len(likes), dtype=np.int8), dtype=schema.VISIBILITY_DTYPE
        )
        no_time = likes["created_at"].isna()
        self.ledger.add(
            self.origin, "like", "createdAt not a timestamp and key not a TID", int(no_time.sum())
        )
        likes = schema.keep_rows(likes, ~no_time)
        follows = schema.follows_table(follows, origin=self.origin, errors="coerce")
        dids = [ego, *sorted(self.seen_dids - {ego})]
        shown = [self.seen_handles.get(d, []) for d in dids]
        accounts = pd.DataFrame(
            {
                "account_id": dids,
                "handle": [h[-1] if h else None for h in shown],
                "display_name": [self.display_name] + [None] * (len(dids) - 1),
                "aliases": [h[:-1] for h in shown],  # handles shown earlier
            }
        )
        return Archive(
            follows=follows,
            posts=posts,
            accounts=accounts,
            ego=ego,
            platform="bluesky",
            exported_at=exported_at,
            ledger=self.ledger.to_frame(),
            mentions=mentions,
            likes=likes,
            unknown={"followers": "a Bluesky repo has no follower list"},
        )
