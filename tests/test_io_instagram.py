"""Instagram / Threads follow-list reader, on synthetic exports that mirror FORMATS.md section 4."""

from __future__ import annotations

import json

import pandas as pd
import pandas.testing as pdt
import pytest

from _fixtures_social import (
    IG_DIR,
    ig_label_values,
    ig_record,
    instagram_2022_files,
    instagram_2024_files,
    instagram_2026_files,
    mojibake,
    write_container,
)
from engagemetrics import CorruptExportError, DataQualityWarning, InvalidArgumentError
from engagemetrics.io._container import ExportFiles
from engagemetrics.io.instagram import (
    can_read,
    read_instagram_export,
    repair_mojibake,
    username_of,
)

NEW_NAME = "instagram-me_user-2026-05-14-AbCdEfGh.zip"


def dropped(archive, source=None):
    led = archive.ledger[archive.ledger["action"] == "dropped"]
    if source is not None:
        led = led[led["source"] == source]
    return led


def test_2024_export(tmp_path):
    a = read_instagram_export(write_container(instagram_2024_files(), tmp_path / "x.zip", "zip"))
    assert (a.platform, a.ego) == ("instagram", "me_user")  # from personal_information.json
    assert a.exported_at is None  # this file name carries no date
    assert a.followers() == {"ann", "bob", "josé", "dan", "eve"}  # josé repaired
    assert a.following() == {"ann", "dan", "fay"}
    assert a.following() & a.followers() == {"ann", "dan"}
    assert len(a.follows) == 8  # 5 followers + 3 following
    times = a.follows.set_index(["source", "target"])["followed_at"]
    # followers: when they followed the ego; following: when the ego followed them
    assert times[("ann", "me_user")] == pd.Timestamp("2024-12-05 21:21:14", tz="UTC")
    assert times[("me_user", "ann")] == pd.Timestamp("2024-09-22 10:13:20", tz="UTC")
    names = dict(zip(a.accounts["account_id"], a.accounts["display_name"], strict=True))
    assert names["me_user"] == "Mé User"  # display name repaired too


def test_2024_ledger_reasons(tmp_path):
    a = read_instagram_export(write_container(instagram_2024_files(), tmp_path / "x.zip", "zip"))
    by_kind = dropped(a).groupby("record_kind")["count"].sum().to_dict()
    # hand count from instagram_2024_files' docstring
    assert by_kind == {
        "follower": 1,  # the record without any username in followers_2.json
        "close_friend": 2,
        "blocked": 1,
        "unfollowed": 3,
        "follow_request": 3,  # 1 sent + 2 received (label_values shape)
        "suggestion": 1,
        "restricted": 1,  # a bare object, not a list
        "favorite": 1,
        "file": 2,  # posts_1.json and a photo
    }
    flagged = a.ledger[a.ledger["action"] == "flagged"].set_index("reason")["count"]
    assert flagged["username repaired from double-encoded UTF-8"] == 1


def test_accounting_every_record_is_in_a_table_or_the_ledger(tmp_path):
    files = instagram_2024_files()
    a = read_instagram_export(write_container(files, tmp_path / "x.zip", "zip"))

    def n_records(name):  # independent count, from the JSON we wrote
        data = json.loads(files[name])
        if isinstance(data, dict):
            (inner,) = data.values()
            return len(inner) if isinstance(inner, list) else 1
        return len(data)

    follow_files = [IG_DIR + f for f in ("followers_1.json", "followers_2.json", "following.json")]
    in_follow_files = sum(n_records(f) for f in follow_files)
    follow_dropped = dropped(a)[dropped(a)["source"].str.startswith("followers_and_following/")]
    assert len(a.follows) + follow_dropped["count"].sum() == in_follow_files
    others = [f for f in files if f.startswith(IG_DIR) and f not in follow_files]
    led = dropped(a).set_index("source")["count"]
    for name in others:
        assert led[name.rsplit("/", 1)[-1]] == n_records(name), name


def test_newer_export_shapes_and_name(tmp_path):
    path = write_container(instagram_2026_files(), tmp_path / NEW_NAME, "zip")
    a = read_instagram_export(path)
    assert (a.platform, a.ego) == ("instagram", "me_user")  # ego from the zip's name
    assert a.exported_at == pd.Timestamp("2026-05-14", tz="UTC")
    assert a.followers() == {"ann"}  # followers_1.json was a bare object
    # bob: title + /_u/ href; cy: href only (query and fragment stripped); dee: label_values
    assert a.following() == {"bob", "cy", "dee"}
    times = a.follows.set_index("target")["followed_at"]
    assert times["dee"] == pd.Timestamp(1767225603, unit="s", tz="UTC")
    reasons = set(dropped(a)["reason"])
    assert "Threads follow list (read it with platform='threads')" in reasons


def test_threads_lists(tmp_path):
    path = write_container(instagram_2026_files(), tmp_path / NEW_NAME, "zip")
    t = read_instagram_export(path, platform="threads")
    assert (t.platform, t.ego) == ("threads", "me_user")
    assert t.followers() == {"tia", "uma"}  # uma only in a threads.net/@uma href
    assert t.following() == {"tia"}
    only = {k: v for k, v in instagram_2026_files().items() if "/threads/" in k}
    t2 = read_instagram_export(write_container(only, tmp_path / "t", "folder"), ego="me")
    assert t2.platform == "threads" and t2.followers() == {"tia", "uma"}


def test_old_layout_and_placeholder_ego(tmp_path):
    path = write_container(instagram_2022_files(), tmp_path / "old", "folder")
    with pytest.warns(DataQualityWarning, match="placeholder 'ego'"):
        a = read_instagram_export(path)
    assert a.ego == "ego"
    assert a.followers() == {"ann", "bob"} and a.following() == {"bob", "cat"}
    flagged = a.ledger[a.ledger["action"] == "flagged"]
    assert flagged["record_kind"].tolist() == ["ego"]
    b = read_instagram_export(path, ego="me")
    assert b.ego == "me" and b.followers() == {"ann", "bob"}
    assert dropped(b, "recently_unfollowed_accounts.json")["count"].sum() == 1


def test_username_lookup_order():
    both = {
        "title": "from_title",
        "string_list_data": [{"href": "https://www.instagram.com/h", "value": "from_value"}],
    }
    assert username_of(both) == "from_value"
    no_value = {
        "title": "from_title",
        "string_list_data": [{"href": "https://www.instagram.com/_u/from_href"}],
    }
    assert username_of(no_value) == "from_title"
    assert username_of(ig_record("zed", 1, shape="href")) == "zed"
    assert username_of(ig_label_values("pt_user", 1)) == "pt_user"
    assert username_of({"title": "", "string_list_data": []}) is None
    assert username_of("not a record") is None


def test_repair_mojibake_only_when_it_round_trips():
    assert repair_mojibake(mojibake("Zoë Ångström")) == "Zoë Ångström"
    assert repair_mojibake("Zoë") == "Zoë"  # genuine Latin-1 text is left alone
    assert repair_mojibake("日本") == "日本"  # beyond Latin-1: left alone


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ('[{"title": "", "string_list_data": [{"href": ', r"followers_1\.json.*not valid JSON"),
        ('"just text"', r"followers_1\.json.*list of relationship records"),
        ('{"a": [], "b": []}', r"followers_1\.json.*list of relationship records"),
        ("42", r"followers_1\.json"),
    ],
)
def test_corrupt_input_names_the_file(tmp_path, content, pattern):
    files = instagram_2024_files()
    files[IG_DIR + "followers_1.json"] = content
    with pytest.raises(CorruptExportError, match=pattern):
        read_instagram_export(write_container(files, tmp_path / "x.zip", "zip"))


def test_no_follow_lists_and_can_read(tmp_path):
    empty = write_container({"media/1.jpg": "x"}, tmp_path / "e", "folder")
    assert "followers_and_following" in can_read(ExportFiles(empty))
    with pytest.raises(CorruptExportError, match="no Instagram or Threads follow list"):
        read_instagram_export(empty)
    good = write_container(instagram_2024_files(), tmp_path / "g", "folder")
    assert can_read(ExportFiles(good)) is None
    with pytest.raises(InvalidArgumentError, match="platform"):
        read_instagram_export(good, platform="facebook")


def test_loaded_twice_identical(tmp_path):
    path = write_container(instagram_2024_files(), tmp_path / "x.zip", "zip")
    a, b = read_instagram_export(path), read_instagram_export(path)
    for name in ("follows", "posts", "interactions", "accounts", "ledger"):
        pdt.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_no_personal_data_read_from_personal_information(tmp_path):
    a = read_instagram_export(write_container(instagram_2024_files(), tmp_path / "x", "folder"))
    for frame in (a.follows, a.accounts, a.ledger):
        assert "me@example.com" not in frame.to_string()


def test_em_load_and_html_variant(tmp_path):
    import engagemetrics as em

    a = em.load(write_container(instagram_2024_files(), tmp_path / "x.zip", "zip"))
    assert (a.platform, a.ego, len(a.follows)) == ("instagram", "me_user", 8)
    html = {IG_DIR + "followers_1.html": "<html></html>", IG_DIR + "following.html": "<html/>"}
    path = write_container(html, tmp_path / "h", "folder")
    assert "JSON format" in can_read(ExportFiles(path))
    with pytest.raises(CorruptExportError, match="HTML variant"):
        read_instagram_export(path)


def test_export_in_several_zips(tmp_path):
    # A large download comes as several zips: the followers lists are spread over them,
    # and a file both parts hold (following.json) is read once.
    files = instagram_2024_files()
    one = {k: v for k, v in files.items() if not k.endswith("followers_2.json")}
    two = {k: v for k, v in files.items() if k.endswith(("followers_2.json", "following.json"))}
    assert len(two) == 2
    folder = tmp_path / "download"
    folder.mkdir()
    write_container(one, folder / "instagram-me_user-2024-12-05-AbCd-part1.zip", "zip")
    write_container(two, folder / "instagram-me_user-2024-12-05-AbCd-part2.zip", "zip")
    whole = read_instagram_export(write_container(files, tmp_path / "x.zip", "zip"))
    a = read_instagram_export(folder)
    assert a.followers() == whole.followers() and a.following() == whole.following()
    pdt.assert_frame_equal(a.follows, whole.follows)
    assert a.exported_at == pd.Timestamp("2024-12-05", tz="UTC")  # from the zips' names
    again = a.ledger[a.ledger["reason"].str.startswith("the same follow list again")]
    assert again["source"].tolist() == ["following.json"]


def test_downloads_of_two_dates_are_refused(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    for date in ("2024-12-05", "2025-08-01"):
        write_container(
            instagram_2024_files(), folder / f"instagram-me_user-{date}-AbCd.zip", "zip"
        )
    with pytest.raises(InvalidArgumentError, match="different accounts or dates"):
        read_instagram_export(folder)
