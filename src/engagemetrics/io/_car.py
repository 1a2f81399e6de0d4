"""CAR files and the Merkle search tree of an AT Protocol repository, decoded block by block.

A Bluesky export (``repo.car``) is a CARv1 file: a header naming the root (the repository
commit), then ``varint(length) | CID | block`` sections. The records hang off a Merkle
search tree (MST) whose keys are ``<collection>/<rkey>``. :class:`BlockStore` indexes the
blocks by CID in one sequential pass and decodes a block (DAG-CBOR, with ``libipld``) only
when the tree walk asks for it, so memory holds the index, never the whole file.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator, Mapping
from typing import IO, Any

import numpy as np
import pandas as pd

from ..exceptions import CorruptExportError

__all__ = ["CAR_HINT", "BlockError", "BlockStore", "tid_to_timestamp", "walk_mst"]

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID_RE = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")

CAR_HINT = (
    "expected a CAR file from Bluesky's Settings > Account > Export my data, or from "
    "com.atproto.sync.getRepo"
)


def tid_to_timestamp(tid: str) -> pd.Timestamp | None:
    """The time encoded in an AT Protocol TID (a record key or a commit ``rev``).

    A TID is 13 base32-sortable characters holding 64 bits: 53 bits of
    microseconds since the Unix epoch, then 10 bits of clock id.

    Examples
    --------
    >>> tid_to_timestamp("3ljlyqit2uk2l")
    Timestamp('2025-03-05 03:06:28.274000+0000', tz='UTC')
    >>> tid_to_timestamp("self") is None
    True
    """
    if not isinstance(tid, str) or not _TID_RE.match(tid):
        return None
    value = 0
    for char in tid:
        value = (value << 5) | _TID_ALPHABET.index(char)
    return pd.Timestamp(value >> 10, unit="us", tz="UTC")


def walk_mst(
    blocks: BlockStore, root: bytes, missing_nodes: list[int]
) -> Iterator[tuple[str, bytes, Any]]:
    """Yield ``(key, record CID, record or None)`` in key order; count missing nodes.

    Iterative (an explicit stack) so that a deep tree cannot hit the recursion limit.
    The store remembers the tree nodes visited (:meth:`BlockStore.first_visit`).
    """
    # Stack items: ("node", cid) to expand, or ("entry", key, cid) to yield.
    stack: list[tuple[Any, ...]] = [("node", root)]
    while stack:
        item = stack.pop()
        if item[0] == "entry":
            yield item[1], item[2], blocks.get(item[2])
            continue
        cid = item[1]
        if not blocks.first_visit(cid):  # a malformed tree that links back to itself
            continue
        node = blocks.get(cid)
        if node is None:
            missing_nodes[0] += 1
            continue
        if not isinstance(node, Mapping) or not isinstance(node.get("e"), list):
            raise CorruptExportError(
                "a block linked as an MST node is not one (expected {'l': ..., 'e': [...]}); "
                "the CAR file is damaged"
            )
        ordered: list[tuple[Any, ...]] = []
        if node.get("l"):
            ordered.append(("node", node["l"]))
        key = b""
        try:
            for entry in node["e"]:
                key = key[: entry["p"]] + entry["k"]
                ordered.append(("entry", key.decode("utf-8", "replace"), entry["v"]))
                if entry.get("t"):
                    ordered.append(("node", entry["t"]))
        except (KeyError, TypeError, AttributeError) as exc:
            raise CorruptExportError(
                f"an MST entry lacks its prefix length, key or value ({exc!r}); the CAR "
                "file is damaged"
            ) from exc
        stack.extend(reversed(ordered))


class BlockError(CorruptExportError):
    """A block-level fault whose message already names the file."""


def _read_varint(fh: IO[bytes], label: str) -> int | None:
    """An unsigned LEB128 varint from ``fh``; None at a clean end of file."""
    value = shift = 0
    for position in range(10):
        byte = fh.read(1)
        if not byte:
            if position == 0:
                return None
            raise BlockError(f"{label}: the CAR file ends inside a length prefix (truncated)")
        value |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return value
        shift += 7
    raise BlockError(f"{label}: a CAR length prefix is longer than 10 bytes (damaged file)")


def _cid_length(section: bytes) -> int:
    """Length of the CID at the start of a CAR section (CIDv0 or CIDv1)."""
    if section[:2] == b"\x12\x20":  # CIDv0: a bare sha2-256 multihash
        return 34
    position = 0
    fields = []
    for _ in range(4):  # version, codec, multihash code, digest length
        value = shift = 0
        while True:
            byte = section[position]  # IndexError when the section is too short
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        fields.append(value)
    if fields[0] != 1:
        raise ValueError(f"CID version {fields[0]} (expected 0 or 1)")
    length = position + fields[3]
    if length > len(section):
        raise ValueError("CID digest longer than its section")
    return length


class BlockStore:
    """The blocks of a CARv1 file, indexed by CID and decoded one at a time on demand.

    The first pass reads the file sequentially and keeps, per block, 21 bytes in numpy
    arrays: the last 8 bytes of its CID (the end of the digest) as a sort key, where its
    bytes lie, and the length of its CID. A lookup finds the candidates with the same
    key (``searchsorted``), reads each one's section (seek + read) and keeps the one
    whose CID matches in full, so a collision of the 8-byte keys costs a read, never a
    wrong block. Memory holds these arrays and the tables being built, never the file,
    the CIDs as Python objects, nor all decoded blocks. The store also remembers which
    blocks were fetched (:meth:`get`), for :meth:`unreached`.
    """

    def __init__(self, fh: IO[bytes], label: str) -> None:
        import libipld

        self._fh = fh
        self._label = label
        self._decode_block = libipld.decode_dag_cbor
        self.header = self._read_header()
        keys = array("q")
        packed = array("Q")
        cid_lengths = array("B")
        offset = fh.tell()
        while True:
            section_length = _read_varint(fh, label)
            if section_length is None:
                break
            if section_length == 0:
                raise BlockError(f"{label}: a CAR block has length 0 (damaged file)")
            offset = fh.tell()
            section = fh.read(section_length)
            if len(section) < section_length:
                raise BlockError(
                    f"{label}: the CAR file ends inside a block (truncated: {len(section)} of "
                    f"{section_length} bytes); {CAR_HINT}. If the download was "
                    "interrupted, download it again"
                )
            try:
                cid_length = _cid_length(section)
            except (IndexError, ValueError) as exc:
                raise BlockError(
                    f"{label}: a CAR block does not start with a readable CID ({exc}); the "
                    "file is damaged"
                ) from exc
            if cid_length > 255:
                raise BlockError(f"{label}: a CAR block's CID is longer than 255 bytes (damaged file)")
            block_length = section_length - cid_length
            if block_length >= 1 << 32:
                raise BlockError(f"{label}: a CAR block is larger than 4 GiB (damaged file)")
            keys.append(_key(section[:cid_length]))
            packed.append(((offset + cid_length) << 32) | block_length)
            cid_lengths.append(cid_length)
        # A stable sort keeps blocks of equal keys in file order: the last one is the
        # latest, and the latest wins, as in libipld.decode_car, when a CID repeats.
        order = np.argsort(np.frombuffer(keys, dtype=np.int64), kind="stable")
        self._keys = np.frombuffer(keys, dtype=np.int64)[order]
        del keys
        self._packed = np.frombuffer(packed, dtype=np.uint64)[order]
        del packed
        self._cid_lengths = np.frombuffer(cid_lengths, dtype=np.uint8)[order]
        del cid_lengths
        self._file_order = np.argsort(order).astype(np.int64)  # position -> rank in file
        del order
        self._reached = np.zeros(len(self._keys), dtype=bool)
        self._shadowed = np.zeros(len(self._keys), dtype=bool)  # an earlier copy of a CID
        self._visited = np.zeros(len(self._keys), dtype=bool)  # MST nodes expanded
        self._visited_missing: set[bytes] = set()
        # Runs of equal keys are rare (a repeated CID, or two CIDs sharing a key); within a
        # run, a copy is shadowed when the same CID comes again later in the file. One read
        # per member and a set per run: linear even in a file that repeats one block
        # a million times.
        same = self._keys[1:] == self._keys[:-1]
        starts = np.flatnonzero(same & ~np.concatenate(([False], same[:-1])))
        for start in starts.tolist():
            end = start + 1
            while end + 1 < len(self._keys) and self._keys[end + 1] == self._keys[start]:
                end += 1
            later: set[bytes] = set()
            for position in range(end, start - 1, -1):  # file order within a run: stable
                cid = self._cid_at(position)
                if cid in later:
                    self._shadowed[position] = True
                later.add(cid)

    def _read_header(self) -> dict[str, Any]:
        header_length = _read_varint(self._fh, self._label)
        if not header_length:
            raise BlockError(
                f"{self._label} is not a readable CAR file (empty, or no header); {CAR_HINT}"
            )
        raw = self._fh.read(header_length)
        try:
            if len(raw) < header_length:
                raise ValueError("the header is cut short")
            header = self._decode_block(raw)
            if not isinstance(header, dict):
                raise ValueError(f"the header is a {type(header).__name__}, not a map")
        except (ValueError, TypeError, OverflowError) as exc:
            raise BlockError(
                f"{self._label} is not a readable CAR file ({exc}); {CAR_HINT}. If the "
                "download was interrupted, download it again"
            ) from exc
        return header

    def _cid_at(self, position: int) -> bytes:
        packed = int(self._packed[position])
        cid_length = int(self._cid_lengths[position])
        self._fh.seek((packed >> 32) - cid_length)
        return self._fh.read(cid_length)

    def _find(self, cid: Any) -> tuple[int, bytes]:
        """The position of ``cid`` in the sorted arrays (its latest copy) and its block's
        bytes, or ``(-1, b"")``: one seek and read per candidate (almost always one)."""
        if not isinstance(cid, bytes) or not cid:
            return -1, b""  # a damaged "link" (not bytes) names no block
        key = _key(cid)
        keys = self._keys
        position = int(keys.searchsorted(key, side="right")) - 1
        while position >= 0 and keys[position] == key:
            packed = int(self._packed[position])
            cid_length = int(self._cid_lengths[position])
            if cid_length == len(cid):
                self._fh.seek((packed >> 32) - cid_length)
                section = self._fh.read(cid_length + (packed & 0xFFFFFFFF))
                if section[:cid_length] == cid:
                    return position, section[cid_length:]
            position -= 1
        return -1, b""

    def _decode(self, raw: bytes) -> Any:
        try:
            return self._decode_block(raw)
        except (ValueError, TypeError, OverflowError) as exc:
            raise BlockError(
                f"{self._label}: a block is not readable DAG-CBOR ({exc}); the CAR file is "
                "damaged. If the download was interrupted, download it again"
            ) from exc

    def _decode_at(self, position: int) -> Any:
        packed = int(self._packed[position])
        self._fh.seek(packed >> 32)
        return self._decode(self._fh.read(packed & 0xFFFFFFFF))

    def __len__(self) -> int:
        return int(len(self._keys) - self._shadowed.sum())

    def __contains__(self, cid: object) -> bool:
        return self._find(cid)[0] >= 0

    def first_visit(self, cid: Any) -> bool:
        """Whether the MST node ``cid`` is met for the first time (then mark it seen)."""
        position = self._find(cid)[0]
        if position < 0:
            try:
                if cid in self._visited_missing:
                    return False
                self._visited_missing.add(cid)
            except TypeError:  # an unhashable "link" in a damaged node
                pass
            return True
        if self._visited[position]:
            return False
        self._visited[position] = True
        return True

    def get(self, cid: Any) -> Any:
        """The decoded block ``cid``, or None when the CAR does not hold it."""
        position, raw = self._find(cid)
        if position < 0:
            return None
        self._reached[position] = True
        return self._decode(raw)

    def unreached(self) -> Iterator[Any]:
        """Every block that :meth:`get` never returned, decoded one at a time, in file order."""
        left = np.flatnonzero(~self._reached & ~self._shadowed)
        for position in left[np.argsort(self._file_order[left])].tolist():
            yield self._decode_at(position)


def _key(cid: bytes) -> int:
    """The sort key of a CID: its last 8 bytes (the end of the digest) as an integer."""
    return int.from_bytes(cid[-8:], "little", signed=True)
