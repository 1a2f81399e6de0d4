"""Mutations of real and generated exports for the fuzz tests (tests/test_fuzz_importers.py).

An export is a dict ``{member name: bytes}``. A mutation changes it the way the internet, a
half-finished download or another tool does: bytes cut short, flipped, inserted or deleted;
a JSON, CSV, CBOR or text record with a wrong type, a missing or extra key, a huge number or
odd Unicode (mojibake, bidi marks, a BOM, NUL, lone surrogates as JSON escapes and as the
bytes UTF-8 forbids); an empty file; a file removed; the wrong file in the right place.

Profiles (hypothesis profiles; the environment variable ``HYPOTHESIS_PROFILE`` picks one):

* ``ci`` (the default): 20 to 25 examples per importer, derandomized, so that the suite
  is quick (well under a minute and a half on 2 shared cores) and gives the same result on
  every run;
* ``long``: 3,000 random examples per importer (``ENGAGEMETRICS_FUZZ_EXAMPLES`` sets
  another count), for a run by hand, about an hour on 2 cores::

      HYPOTHESIS_PROFILE=long python -m pytest -n 2 -p no:cacheprovider tests/test_fuzz_importers.py

Every example runs under a deadline (hypothesis's, measured when it ends) and a hard alarm
that stops an example that never ends.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import tarfile
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import libipld
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import engagemetrics as em
from engagemetrics.exceptions import EngagemetricsError

Files = dict[str, bytes]

# --------------------------------------------------------------------------- profiles
_COMMON = {
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                              HealthCheck.function_scoped_fixture],
    "deadline": timedelta(seconds=10),
    "print_blob": True,
}
settings.register_profile("ci", max_examples=30, derandomize=True, database=None, **_COMMON)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("ENGAGEMETRICS_FUZZ_EXAMPLES", "3000")),
    **_COMMON,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or os.environ.get("ENGAGEMETRICS_FUZZ") or "ci"
if PROFILE not in ("ci", "long"):
    raise ValueError(f"HYPOTHESIS_PROFILE must be 'ci' or 'long' for the fuzz tests, got {PROFILE!r}")
#: The settings of every fuzz test: ``@FUZZ`` (or ``scaled(n)``, n examples in CI).
FUZZ = settings.get_profile(PROFILE)
#: Seconds after which an example is stopped as hanging (the deadline is 10 s);
#: ``ENGAGEMETRICS_FUZZ_HARD_LIMIT`` sets another.
HARD_LIMIT = float(os.environ.get("ENGAGEMETRICS_FUZZ_HARD_LIMIT", "60"))


def scaled(examples: int) -> settings:
    """The fuzz settings with ``examples`` in CI (the long profile keeps its own count)."""
    if PROFILE == "long":
        return FUZZ
    return settings(FUZZ, max_examples=examples)


class Hung(Exception):
    """An example ran past :data:`HARD_LIMIT` seconds (not an engagemetrics error)."""


@contextlib.contextmanager
def time_bound(seconds: float = HARD_LIMIT) -> Iterator[None]:
    """Raise :class:`Hung` in the main thread if the block runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Hung(f"the example ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def only_our_errors(call: Callable[[], Any]) -> Any:
    """Run ``call``; an engagemetrics error is an answer, anything else escapes (a failure).

    Returns what ``call`` returned, or the engagemetrics error it raised.
    """
    with time_bound(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DataQualityWarning is an answer too
        try:
            return call()
        except EngagemetricsError as err:
            str(err)  # the message itself must not fail
            return err


# --------------------------------------------------------------------------- values
ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "Jos\u00c3\u00a9 M\u00c3\u00bcller",  # mojibake: UTF-8 read as Latin-1
        "\u202eevil\u202c",  # right-to-left override
        "\u200f\u200e",  # RTL and LTR marks
        "\ufeffbom",
        "nul\x00byte",
        "\ud800",  # a lone surrogate (only a JSON escape, or bytes UTF-8 forbids, can hold it)
        "a\udfffb",
        "\U0001f642" * 3,
        "e\u0301",  # a combining accent
        "@",
        "did:",
        "did:plc:",
        "at://did:plc:x/app.bsky.feed.post/3kabc",
        "https://h.example/users/x/statuses/1",
        "https://x.com/a/status/1",
        "RT @",
        "9" * 40,
        "-1",
        "1e999",
        "NaN",
        "\n\r\t",
        "<p>&amp;<br><!-- x -->",
    ]
) | st.text(max_size=8)
HUGE_NUMBERS = st.sampled_from(
    [0, -1, 2**31, 2**53 + 1, 2**63, 2**64, 10**30, -(10**30), 1e308, -1e308, 0.5]
)
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | HUGE_NUMBERS
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | ODD_TEXT
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ODD_TEXT, inner, max_size=3),
    max_leaves=5,
)
# What DAG-CBOR can hold: 64-bit integers, finite floats, UTF-8 text, bytes, links as bytes.
CBOR_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ODD_TEXT.filter(lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s))
    | st.binary(max_size=40)
)
CBOR_VALUES = st.recursive(
    CBOR_SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["$type", "e", "l", "k", "p", "v", "t", "uri", "did",
                                       "subject", "text", "x"]), inner, max_size=3),
    max_leaves=5,
)


# --------------------------------------------------------------------------- tree mutation
def _paths(tree: Any, limit: int = 4000) -> list[tuple[Any, ...]]:
    """Every path into a JSON-like tree (the root is ``()``), breadth first, up to ``limit``."""
    out: list[tuple[Any, ...]] = [()]
    queue: list[tuple[tuple[Any, ...], Any]] = [((), tree)]
    while queue and len(out) < limit:
        path, node = queue.pop(0)
        children = (
            node.items() if isinstance(node, dict)
            else enumerate(node) if isinstance(node, list) else ()
        )
        for key, child in children:
            out.append((*path, key))
            queue.append(((*path, key), child))
    return out


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def mutate_tree(data: st.DataObject, tree: Any, values: st.SearchStrategy[Any]) -> Any:
    """One structural change somewhere in ``tree``: a value replaced by one of another type,
    a key removed or added, an item repeated, a value wrapped in a list."""
    paths = _paths(tree)
    path = paths[data.draw(st.integers(0, len(paths) - 1), label="node")]
    op = data.draw(
        st.sampled_from(["replace", "delete", "add_key", "repeat", "wrap", "to_list"]), label="op"
    )
    if path == ():
        return data.draw(values) if op == "replace" else [tree] if op == "wrap" else tree
    parent, key = _get(tree, path[:-1]), path[-1]
    if op == "replace":
        parent[key] = data.draw(values, label="value")
    elif op == "delete":
        del parent[key]
    elif op == "add_key":
        node = parent[key]
        if isinstance(node, dict):
            node[data.draw(ODD_TEXT, label="key")] = data.draw(values, label="value")
        else:
            parent[key] = data.draw(values, label="value")
    elif op == "repeat" and isinstance(parent, list):
        parent.insert(key, parent[key])
    elif op == "wrap":
        parent[key] = [parent[key]]
    elif op == "to_list" and isinstance(parent[key], dict):
        parent[key] = list(parent[key].values())
    return tree


# --------------------------------------------------------------------------- formats
def split_js(raw: bytes) -> tuple[bytes, Any] | None:
    """``(prefix, value)`` of a JSON file or an X ``.js`` assignment; None if not JSON."""
    text = raw.decode("utf-8-sig", errors="strict") if raw else ""
    cut = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
    if cut < 0:
        return None
    try:
        return text[:cut].encode(), json.loads(text[cut:].strip().rstrip(";"))
    except (json.JSONDecodeError, RecursionError):
        return None


def dump_json(data: st.DataObject, prefix: bytes, value: Any) -> bytes:
    ascii_only = data.draw(st.booleans(), label="ensure_ascii")
    text = json.dumps(value, ensure_ascii=ascii_only, indent=data.draw(st.sampled_from([None, 2])))
    # without escapes, a lone surrogate becomes the bytes UTF-8 forbids (ED A0 80)
    return prefix + text.encode("utf-8", "surrogatepass")


def mutate_json(data: st.DataObject, raw: bytes) -> bytes | None:
    try:
        parsed = split_js(raw)
    except UnicodeDecodeError:
        return None
    if parsed is None:
        return None
    prefix, value = parsed
    return dump_json(data, prefix, mutate_tree(data, value, JSON_VALUES))


def mutate_csv(data: st.DataObject, raw: bytes) -> bytes | None:
    try:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        return None
    if not rows:
        return None
    r = data.draw(st.integers(0, len(rows) - 1), label="row")
    op = data.draw(st.sampled_from(["cell", "drop_cell", "add_cell", "drop_row", "repeat_row",
                                    "blank_row"]), label="csv op")
    row = rows[r]
    if op == "cell" and row:
        value = data.draw(ODD_TEXT | HUGE_NUMBERS.map(str), label="cell")
        row[data.draw(st.integers(0, len(row) - 1))] = value
    elif op == "drop_cell" and row:
        row.pop(data.draw(st.integers(0, len(row) - 1)))
    elif op == "add_cell":
        row.append(data.draw(ODD_TEXT, label="cell"))
    elif op == "drop_row":
        rows.pop(r)
    elif op == "repeat_row":
        rows.insert(r, list(row))
    elif op == "blank_row":
        rows.insert(r, [])
    out = io.StringIO()
    writer = csv.writer(out, quoting=data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def mutate_lines(data: st.DataObject, raw: bytes) -> bytes | None:
    """A whitespace-separated text record (a research log line) changed token by token."""
    lines = raw.split(b"\n")
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    tokens = lines[i].split(b" ")
    op = data.draw(st.sampled_from(["token", "drop", "add", "repeat", "comment", "tab"]), label="op")
    if op == "token" and tokens:
        value = data.draw(ODD_TEXT | HUGE_NUMBERS.map(str), label="token")
        tokens[data.draw(st.integers(0, len(tokens) - 1))] = value.encode("utf-8", "surrogatepass")
    elif op == "drop" and tokens:
        tokens.pop(data.draw(st.integers(0, len(tokens) - 1)))
    elif op == "add":
        tokens.append(data.draw(ODD_TEXT).encode("utf-8", "surrogatepass"))
    elif op == "repeat":
        lines.insert(i, lines[i])
    elif op == "comment":
        lines.insert(i, b"# " + data.draw(ODD_TEXT).encode("utf-8", "surrogatepass"))
    elif op == "tab":
        tokens = [b"\t".join(tokens)]
    lines[i] = b" ".join(tokens)
    return b"\n".join(lines)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def car_sections(raw: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]] | None:
    """The header and ``(CID, block)`` sections of a CAR, or None when it does not parse."""

    def varint(pos: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            byte = raw[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value, pos

    try:
        n, pos = varint(0)
        header = raw[pos : pos + n]
        pos += n
        sections = []
        while pos < len(raw):
            n, pos = varint(pos)
            section = raw[pos : pos + n]
            pos += n
            cid_len = 36 if section[:1] == b"\x01" else 34
            sections.append((section[:cid_len], section[cid_len:]))
        return header, sections
    except IndexError:
        return None


def write_car(header: bytes, sections: list[tuple[bytes, bytes]]) -> bytes:
    out = [_varint(len(header)), header]
    for cid, block in sections:
        out += [_varint(len(cid) + len(block)), cid, block]
    return b"".join(out)


def mutate_car(data: st.DataObject, raw: bytes) -> bytes | None:
    """One block of a CAR decoded, changed like a JSON tree, and encoded again under its CID
    (the reader does not hash blocks, so the tree still links to it)."""
    parsed = car_sections(raw)
    if parsed is None or not parsed[1]:
        return None
    header, sections = parsed
    which = data.draw(st.integers(-1, len(sections) - 1), label="block")
    block = header if which < 0 else sections[which][1]
    try:
        value = libipld.decode_dag_cbor(block)
        changed = libipld.encode_dag_cbor(mutate_tree(data, value, CBOR_VALUES))
    except (ValueError, TypeError, OverflowError, RecursionError):
        return None
    if which < 0:
        return write_car(changed, sections)
    sections[which] = (sections[which][0], changed)
    return write_car(header, sections)


def structural(name: str) -> Callable[[st.DataObject, bytes], bytes | None] | None:
    lower = name.lower()
    if lower.endswith((".json", ".js")):
        return mutate_json
    if lower.endswith(".csv"):
        return mutate_csv
    if lower.endswith(".car"):
        return mutate_car
    if lower.endswith((".txt", ".edgelist", ".edges", ".tsv")):
        return mutate_lines
    return None


# --------------------------------------------------------------------------- mutations
def mutate_bytes(data: st.DataObject, raw: bytes) -> bytes:
    op = data.draw(st.sampled_from(["truncate", "flip", "insert", "delete", "empty"]),
                   label="byte op")
    n = len(raw)
    if op == "empty" or n == 0:
        return b""
    if op == "truncate":
        return raw[: data.draw(st.integers(0, n - 1), label="keep")]
    if op == "flip":
        out = bytearray(raw)
        for _ in range(data.draw(st.integers(1, 4), label="flips")):
            pos = data.draw(st.integers(0, n - 1), label="at")
            out[pos] ^= data.draw(st.integers(1, 255), label="xor")
        return bytes(out)
    pos = data.draw(st.integers(0, n), label="at")
    if op == "insert":
        junk = data.draw(
            st.binary(min_size=1, max_size=16)
            | ODD_TEXT.map(lambda s: s.encode("utf-8", "surrogatepass"))
            | st.sampled_from([b"\xed\xa0\x80", b"\xc3\x28", b"\xef\xbb\xbf", b"\x00"]),
            label="junk",
        )
        return raw[:pos] + junk + raw[pos:]
    return raw[:pos] + raw[pos + data.draw(st.integers(1, 64), label="length") :]


def mutate(data: st.DataObject, files: Files, donors: list[Files] = ()) -> Files:
    """One to three mutations of ``files`` (a copy); ``donors`` give wrong files to put in."""
    files = dict(files)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        names = sorted(files)
        if not names:
            break
        name = data.draw(st.sampled_from(names), label="file")
        kind = data.draw(
            st.sampled_from(["structure", "structure", "bytes", "remove", "wrong file"]),
            label="kind",
        )
        if kind == "structure":
            change = structural(name)
            new = change(data, files[name]) if change is not None else None
            files[name] = new if new is not None else mutate_bytes(data, files[name])
        elif kind == "bytes":
            files[name] = mutate_bytes(data, files[name])
        elif kind == "remove":
            del files[name]
        else:
            pool = [body for other in [files, *donors] for body in other.values()]
            files[name] = data.draw(st.sampled_from(pool), label="wrong file")
    return files


# --------------------------------------------------------------------------- containers
def write(files: Files, dest: Path, kind: str) -> Path:
    """``files`` as a folder, a zip or a tar.gz at ``dest`` (a folder path or archive path)."""
    if kind == "folder":
        for name, body in files.items():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        dest.mkdir(parents=True, exist_ok=True)
        return dest
    if kind == "zip":
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
            for name, body in files.items():
                z.writestr(name, body)
        return dest
    with tarfile.open(dest, "w:gz") as t:
        for name, body in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            t.addfile(info, io.BytesIO(body))
    return dest


def read_members(path: Path) -> Files:
    """The members of a zip, or the files of a folder, as :data:`Files`."""
    if path.is_dir():
        return {
            p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*"))
            if p.is_file()
        }
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if not n.endswith("/")}


def small_account(platform: str, seed: int = 0) -> em.Archive:
    return em.datasets.generate_account(
        seed=seed, n_accounts=25, n_posts=20, start="2025-01-01", end="2025-03-01",
        platform=platform,
    )
