"""The audit as an object, and its JSON against the documented schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import engagemetrics as em

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "docs" / "audit-schema.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def demo_audit() -> em.Audit:
    return em.audit(em.datasets.demo(), demo=True)


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_an_account_audit_follows_the_schema(demo_audit):
    document = json.loads(demo_audit.to_json())
    jsonschema.validate(document, SCHEMA)
    # the schema can fail: a count that is not a whole number, or a missing reason key
    bad = json.loads(demo_audit.to_json())
    bad["follows"][0]["value"] = 600.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)
    del document["follows"][0]["unknown"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)
    # and counts are written as JSON integers ("600", never "600.0")
    assert '"value": 600,' in demo_audit.to_json()


def test_a_dataset_summary_follows_the_schema(tmp_path):
    report = em.audit(em.load(em.datasets.demo_export("research", tmp_path)))
    assert report.kind == "dataset"
    jsonschema.validate(json.loads(report.to_json()), SCHEMA)


@pytest.mark.samples
def test_real_exports_follow_the_schema(samples):
    for path in (samples / "twitter/milahu-twitter-milahu104-2026-03-06",
                 samples / "bluesky/paul_staging.repo.car"):
        jsonschema.validate(json.loads(em.audit(em.load(path)).to_json()), SCHEMA)


def test_keys_are_stable(demo_audit):
    # the order and names of the numbers are part of the schema's promise
    document = json.loads(demo_audit.to_json())
    assert [row["number"] for row in document["follows"]] == [
        "followers", "following", "follow_ratio", "mutuals", "follow_back_rate",
        "reciprocation_rate", "reciprocity_dice",
    ]
    assert [row["number"] for row in document["conversation"]][:4] == [
        "posts", "broadcasts", "replies", "reply_share",
    ]


def test_direct_messages_never_appear(tmp_path):
    # a Mastodon export with direct messages: no DM's text, id or recipient in any rendering
    path = em.datasets.demo_export("mastodon", tmp_path)
    archive = em.load(path)
    direct = archive.posts[archive.posts["visibility"] == "direct"]
    assert len(direct)  # the generated export has some
    report = em.audit(archive)
    renderings = [repr(report), report.to_markdown(), report.to_json(), report.to_html()]
    for post in direct.itertuples():
        for text in renderings:
            assert str(post.post_id) not in text
            if isinstance(post.text, str) and len(post.text) > 12:
                assert post.text not in text
