"""LinkedIn Connections.csv reader, on synthetic exports that mirror FORMATS.md section 5."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pandas.testing as pdt
import pytest

from _fixtures_social import (
    LINKEDIN_NOTES,
    linkedin_2018_csv,
    linkedin_current_csv,
    linkedin_zip_files,
    write_container,
)
from engagemetrics import CorruptExportError, InvalidArgumentError
from engagemetrics.io._container import ExportFiles
from engagemetrics.io.linkedin import can_read, normalise_profile_url, read_linkedin_export

ZIP_NAME = "Basic_LinkedInDataExport_12-08-2025.zip"
BOB = "https://www.linkedin.com/in/bob-sacheli"
CAROL = "https://www.linkedin.com/in/carol-xu"
DAN = "https://www.linkedin.com/in/dan-ode"
FAY = "https://www.linkedin.com/in/fay-lin-1234"


def reasons(archive, action):
    led = archive.ledger[archive.ledger["action"] == action]
    return led.groupby("reason")["count"].sum().to_dict()


def test_current_format_in_the_zip(tmp_path):
    a = read_linkedin_export(write_container(linkedin_zip_files(), tmp_path / ZIP_NAME, "zip"))
    assert (a.platform, a.ego) == ("linkedin", "ego")
    assert a.exported_at == pd.Timestamp("2025-12-08", tz="UTC")  # MM-DD-YYYY in the name
    contacts = {BOB, CAROL, DAN, "name:eve ray", FAY}  # row 5 (no URL, no name) dropped
    # mutual by definition: two edges per connection
    assert a.following() == contacts and a.followers() == contacts
    assert len(a.follows) == 10
    times = a.follows.set_index(["source", "target"])["followed_at"]
    assert times[("ego", BOB)] == pd.Timestamp("2025-12-07", tz="UTC")
    assert times[(BOB, "ego")] == pd.Timestamp("2025-12-07", tz="UTC")
    assert times[("ego", CAROL)] == pd.Timestamp("2024-01-15", tz="UTC")
    assert pd.isna(times[("ego", FAY)])  # empty Connected On: missing, not an error
    accounts = a.accounts.set_index("account_id")
    assert accounts.loc["ego", "display_name"] == "Ego Person"  # from Profile.csv
    assert accounts.loc[CAROL, "handle"] == "carol-xu"
    assert accounts.loc[CAROL, "display_name"] == "Carol Xu"
    assert reasons(a, "dropped") == {
        "neither profile URL nor name (deleted member?)": 1,
        "private messages: not used as interactions": 3,  # one has a two-line CONTENT
        "file other than Connections.csv (not read)": 1,  # Invitations.csv
    }
    assert reasons(a, "flagged") == {
        "no profile URL: id derived from the name (contacts with the same name share it)": 1
    }


def test_2018_format(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(linkedin_2018_csv())
    a = read_linkedin_export(path)
    assert a.exported_at is None
    assert a.following() == {"urn:li:member:111", "name:cid dee", "name:eli fox"}
    times = a.follows.loc[a.follows["source"] == "ego"].set_index("target")["followed_at"]
    assert times["urn:li:member:111"] == pd.Timestamp("2018-01-08 18:14", tz="UTC")
    assert pd.isna(times["name:eli fox"])
    assert reasons(a, "flagged") == {
        "no profile URL: id derived from the name (contacts with the same name share it)": 3,
        "Connected On not a date (kept, followed_at missing)": 1,
        "duplicate edge (metrics collapse it: multi='collapse')": 2,  # the namesakes, both ways
    }


def test_accounting_every_row_is_in_a_table_or_the_ledger(tmp_path):
    for text in (linkedin_current_csv(), linkedin_2018_csv()):
        path = tmp_path / "Connections.csv"
        path.write_text(text, newline="")
        a = read_linkedin_export(path)
        # independent count: non-blank CSV records after the header line
        rows = list(csv.reader(io.StringIO(text, newline="")))
        start = next(i for i, r in enumerate(rows) if r[:2] == ["First Name", "Last Name"])
        records = [r for r in rows[start + 1 :] if any(c.strip() for c in r)]
        led = a.ledger[(a.ledger["action"] == "dropped") & (a.ledger["source"] == path.name)]
        assert len(a.follows) // 2 + led["count"].sum() == len(records)


def test_no_email_company_or_position_in_any_table(tmp_path):
    a = read_linkedin_export(write_container(linkedin_zip_files(), tmp_path / ZIP_NAME, "zip"))
    b_path = tmp_path / "c2018.csv"
    b_path.write_text(linkedin_2018_csv())
    b = read_linkedin_export(b_path)
    for archive in (a, b):
        for frame in (archive.follows, archive.accounts, archive.ledger, archive.posts):
            text = frame.to_string()
            for private in ("@example.com", "Acme", "Principal Consultant", "Engineer"):
                assert private not in text


def test_preamble_found_not_skipped_by_count(tmp_path):
    text = linkedin_current_csv().replace(LINKEDIN_NOTES, LINKEDIN_NOTES + "\r\n\r\n")
    path = tmp_path / "Connections.csv"
    path.write_text(text, newline="")
    assert len(read_linkedin_export(path).follows) == 10


def test_folder_lone_file_and_ego(tmp_path):
    folder = write_container(linkedin_zip_files(), tmp_path / "export", "folder")
    a = read_linkedin_export(folder, ego="https://www.linkedin.com/in/ego-person")
    assert a.ego == "https://www.linkedin.com/in/ego-person"
    assert len(a.followers()) == 5
    renamed = tmp_path / "my_connections.csv"
    renamed.write_text(linkedin_current_csv(), newline="")
    assert can_read(ExportFiles(renamed)) is None
    assert len(read_linkedin_export(renamed).follows) == 10
    with pytest.raises(InvalidArgumentError, match="ego"):
        read_linkedin_export(folder, ego="")


def test_normalise_profile_url():
    assert normalise_profile_url("linkedin.com/in/Dan-Ode/") == DAN
    assert normalise_profile_url("https://www.linkedin.com/in/dan-ode?trk=people#x") == DAN
    assert normalise_profile_url("https://example.com/in/dan") is None
    assert normalise_profile_url("https://www.linkedin.com/") is None


def test_corrupt_and_foreign_input(tmp_path):
    bad = tmp_path / "Connections.csv"
    bad.write_text("Notes:\nsomething else entirely\n")
    with pytest.raises(CorruptExportError, match=r"Connections\.csv.*no header line"):
        read_linkedin_export(bad)
    other = write_container({"outbox.json": "{}"}, tmp_path / "o.zip", "zip")
    assert "Connections.csv" in can_read(ExportFiles(other))
    with pytest.raises(CorruptExportError, match="no Connections.csv"):
        read_linkedin_export(other)


def test_loaded_twice_identical(tmp_path):
    path = write_container(linkedin_zip_files(), tmp_path / ZIP_NAME, "zip")
    a, b = read_linkedin_export(path), read_linkedin_export(path)
    for name in ("follows", "posts", "interactions", "accounts", "ledger"):
        pdt.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_em_load(tmp_path):
    import engagemetrics as em

    a = em.load(write_container(linkedin_zip_files(), tmp_path / ZIP_NAME, "zip"))
    assert (a.platform, a.ego, len(a.follows)) == ("linkedin", "ego", 10)
    lone = tmp_path / "Connections.csv"
    lone.write_text(linkedin_2018_csv())
    assert em.load(lone, ego="me").following() == {
        "urn:li:member:111",
        "name:cid dee",
        "name:eli fox",
    }
