"""Incremental JSON decoding (X data files, Mastodon outboxes) across buffer boundaries."""

from __future__ import annotations

import io
import json

import pytest

from engagemetrics.exceptions import CorruptExportError
from engagemetrics.io import _jsonstream
from engagemetrics.io._jsonstream import JSONStream


@pytest.fixture(autouse=True)
def tiny_buffer(monkeypatch):
    # Read 7 characters at a time so that every record straddles a buffer boundary.
    monkeypatch.setattr(_jsonstream, "_CHUNK", 7)


def _stream(text: str) -> JSONStream:
    return JSONStream(io.StringIO(text), "test.json", expected="Expected a test document.")


def test_members_streams_the_array_and_keeps_the_other_members():
    doc = {
        "@context": ["https://www.w3.org/ns/activitystreams", {"x": "y"}],
        "totalItems": 3,
        "orderedItems": [{"type": "Create", "n": i, "text": "é ,]}" * i} for i in range(3)],
        "after": "the array",
    }
    stream = _stream(json.dumps(doc, indent=1))
    items = list(stream.members("orderedItems"))
    assert items == doc["orderedItems"]
    assert stream.header == {"@context": doc["@context"], "totalItems": 3,
                             "orderedItems": True, "after": "the array"}


def test_members_of_an_object_without_the_key():
    stream = _stream('{"type": "OrderedCollection"}')
    assert list(stream.members("orderedItems")) == []
    assert "orderedItems" not in stream.header


def test_items_after_a_ytd_prefix():
    text = 'window.YTD.tweets.part0 = [ {"tweet": {"id": "1"}}, {"id": "2"} ];'
    assert list(_stream(text).items()) == [{"tweet": {"id": "1"}}, {"id": "2"}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"orderedItems": [{"a": 1}, {"b": ', "not JSON"),
        ('{"orderedItems": [{"a": 1} {"b": 2}]}', "expected ',' or ']'"),
        ("[1, 2]", "expected a JSON object"),
        ('{"a": 1 "b": 2}', "expected ',' or '}'"),
    ],
)
def test_damage_is_reported_with_its_position(text, message):
    with pytest.raises(CorruptExportError, match=f"test.json is damaged: {message}.* line 1"):
        list(_stream(text).members("orderedItems"))
