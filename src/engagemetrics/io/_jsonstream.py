"""Incremental JSON decoding of large export files, one record at a time.

X archives hold their tweets in ``window.YTD.tweets.part0 = [ ... ]`` and a Mastodon outbox
its activities in ``{"orderedItems": [ ... ]}``; either can be a gigabyte. Decoding them with
``json.loads`` would hold the bytes, the text and every parsed record at once; this module
keeps about 1 MiB of text and one record.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from ..exceptions import CorruptExportError

__all__ = ["REPAIRED_SURROGATES", "JSONStream", "repair_surrogates"]

_CHUNK = 1 << 20  # characters read at a time
_MAX_RECORD_CHARS = 64 << 20  # a record longer than this is taken as damage
#: The ledger's reason for strings that held a lone surrogate (see :func:`repair_surrogates`).
REPAIRED_SURROGATES = (
    "text holding a lone UTF-16 surrogate (an escape such as \\ud800, which is no "
    "character): kept, with the escape written out as text"
)


def _has_surrogate_escape(text: str) -> bool:
    return "\\ud" in text or "\\uD" in text


def _fixed(s: str) -> str | None:
    """``s`` with each lone surrogate written as its escape, or None when it has none."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return s.encode("utf-8", "backslashreplace").decode("utf-8")
    return None


def repair_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` with every string's lone surrogates written out as text; and how many strings.

    JSON can escape a UTF-16 surrogate alone (``"\\ud800"``), which decodes to a Python
    string that no UTF-8 file or Arrow column can hold. Such a character becomes the six
    characters of its escape (``\\ud800``), so the record is kept and the tables can
    be built. Walks the value without recursion (a deep document cannot overflow).

    Examples
    --------
    >>> repair_surrogates({"a\\ud800": ["x\\udfffy", "ok", 1]})
    ({'a\\\\ud800': ['x\\\\udfffy', 'ok', 1]}, 2)
    """
    count = 0
    root = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        holder, key = stack.pop()
        item = holder[key]
        if isinstance(item, str):
            new = _fixed(item)
            if new is not None:
                holder[key] = new
                count += 1
        elif isinstance(item, list):
            stack.extend((item, i) for i in range(len(item)))
        elif isinstance(item, dict):
            for k in list(item):
                new_key = _fixed(k) if isinstance(k, str) else None
                if new_key is not None:
                    item[new_key] = item.pop(k)
                    count += 1
                    k = new_key
                stack.append((item, k))
    return root[0], count


def _line_col(text: str, pos: int, line_base: int, col_base: int) -> tuple[int, int]:
    newlines = text.count("\n", 0, pos)
    if newlines:
        return line_base + newlines, pos - text.rfind("\n", 0, pos)
    return line_base, col_base + pos


class JSONStream:
    """Decodes a large JSON document one element at a time, holding about 1 MiB of text.

    ``items()`` yields the elements of a top-level array (after an optional
    ``window.YTD.<type>.partN =`` prefix, as in X archives); ``members(key)`` yields the
    elements of the array under ``key`` of a top-level object (a Mastodon outbox's
    ``orderedItems``) and collects the object's other members, which are small, into
    ``self.header``. Damage raises :class:`CorruptExportError` with the line and column.
    """

    def __init__(self, handle: io.TextIOBase, label: str, *, expected: str) -> None:
        self._fh = handle
        self._label = label
        self._expected = expected
        self.header: dict[str, Any] = {}
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._line = 1  # line and column (1-based) of self._buf[0]
        self._col = 1
        self._decoder = json.JSONDecoder()
        #: How many strings held a lone surrogate, written out (:func:`repair_surrogates`).
        self.repaired = 0

    # -- buffer management
    def _more(self) -> bool:
        if self._eof:
            return False
        chunk = self._fh.read(_CHUNK)
        if not chunk:
            self._eof = True
            return False
        if self._pos:
            self._line, self._col = _line_col(self._buf, self._pos, self._line, self._col)
            self._buf = self._buf[self._pos :]
            self._pos = 0
        self._buf += chunk
        return True

    def _skip_ws(self) -> None:
        while True:
            n = len(self._buf)
            while self._pos < n and self._buf[self._pos] in " \t\r\n":
                self._pos += 1
            if self._pos < n or not self._more():
                return

    def _peek(self) -> str:
        self._skip_ws()
        return self._buf[self._pos] if self._pos < len(self._buf) else ""

    def _fail(self, what: str, pos: int | None = None) -> CorruptExportError:
        line, col = _line_col(self._buf, self._pos if pos is None else pos, self._line, self._col)
        return CorruptExportError(
            f"{self._label} is damaged: {what} at line {line} column {col}. {self._expected}"
        )

    # -- structure
    def _skip_prefix(self) -> None:
        """Consume ``window.YTD.x.partN =`` (text up to the first ``=``), if any."""
        while True:
            first = self._peek()
            if first in ("[", "{") or first == "":
                return  # bare JSON, or an empty file (reported by the caller)
            eq = self._buf.find("=", self._pos)
            if eq >= 0:
                self._pos = eq + 1
                return
            if len(self._buf) > 4096 or not self._more():
                raise self._fail("no '=' after the 'window.YTD...' prefix")

    def _value(self) -> Any:
        self._skip_ws()  # raw_decode does not skip leading whitespace
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except RecursionError:
                raise self._fail("nested deeper than a JSON decoder can follow") from None
            except json.JSONDecodeError as exc:
                # Incomplete (the buffer ends inside the record): read on, up to a bound
                # so that damage in a large file fails early instead of buffering the rest.
                if (
                    not self._eof
                    and len(self._buf) - self._pos < _MAX_RECORD_CHARS
                    and self._more()
                ):
                    continue
                raise self._fail(f"not JSON ({exc.msg})", exc.pos) from None
            if _has_surrogate_escape(self._buf[self._pos : end]):
                value, n = repair_surrogates(value)
                self.repaired += n
            self._pos = end
            return value

    def items(self) -> Iterator[Any]:
        self._skip_prefix()
        start = self._peek()
        if start == "":
            raise self._fail("the file is empty (no JSON array)")
        if start != "[":
            value = self._value()  # e.g. a single object: accept it as one record
            self._trailer()
            yield value
            return
        yield from self._array()
        self._trailer()

    def _array(self) -> Iterator[Any]:
        """The elements of the array that starts at the current ``[``, one at a time."""
        self._pos += 1
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self._value()
            sep = self._peek()
            self._pos += 1
            if sep == "]":
                return
            if sep != ",":
                raise self._fail(
                    f"expected ',' or ']' between records, found {sep or 'end of file'!r}",
                    self._pos - 1,
                )

    def _trailer(self) -> None:
        if self._peek() == ";":
            self._pos += 1
        rest = self._peek()
        if rest:
            raise self._fail(f"unexpected text {rest!r} after the JSON array")

    def members(self, key: str) -> Iterator[Any]:
        """Yield the elements of the array ``key`` of a top-level object, one at a time.

        The object's other members are decoded whole into ``self.header`` (before and
        after the array). A missing ``key`` yields nothing and leaves ``key`` out of
        ``self.header``.
        """
        if self._peek() != "{":
            raise self._fail("expected a JSON object")
        self._pos += 1
        if self._peek() == "}":
            self._pos += 1
            self._trailer()
            return
        while True:
            name = self._value()
            if not isinstance(name, str):
                raise self._fail("expected a member name")
            if self._peek() != ":":
                raise self._fail("expected ':' after a member name")
            self._pos += 1
            if name == key and self._peek() == "[":
                self.header[key] = True
                yield from self._array()
            else:
                self.header[name] = self._value()
            sep = self._peek()
            self._pos += 1
            if sep == "}":
                break
            if sep != ",":
                raise self._fail(
                    f"expected ',' or '}}' between members, found {sep or 'end of file'!r}",
                    self._pos - 1,
                )
        self._trailer()
