"""Builders of synthetic X/Twitter archives in tmp dirs, mirroring FORMATS.md section 1.

Everything here is invented (ids, handles, texts); the shapes follow the real archive:
every number is a JSON string, records are wrapped (``{"tweet": {...}}``) unless asked
otherwise, and files are ``window.YTD.<type>.part<N> = [...]`` in the 2026 or the
2020-2023 pretty-print style.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EGO = "1964312974236991001"
EGO_HANDLE = "egonow"


def x_time(year: int, month: int, day: int, hh: int = 12, mm: int = 0, ss: int = 0) -> str:
    """X's ``created_at`` text, written by hand (English names, no locale)."""
    import calendar

    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    wd = days[calendar.weekday(year, month, day)]
    return f"{wd} {months[month - 1]} {day:02d} {hh:02d}:{mm:02d}:{ss:02d} +0000 {year}"


def mention(user_id: str, handle: str, start: int, name: str | None = None) -> dict[str, Any]:
    return {
        "name": name or handle.title(),
        "screen_name": handle,
        "indices": [str(start), str(start + 1 + len(handle))],
        "id_str": user_id,
        "id": user_id,
    }


def tweet(
    tweet_id: str,
    created_at: str,
    text: str,
    *,
    mentions: list[dict[str, Any]] | None = None,
    urls: list[str] | None = None,
    reply_to_status: str | None = None,
    reply_to_user: str | None = None,
    reply_to_handle: str | None = None,
    media_source: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A tweet object in the shape of a 2026 archive (keys absent rather than null)."""
    entities: dict[str, Any] = {
        "hashtags": [],
        "symbols": [],
        "user_mentions": mentions or [],
        "urls": [
            {
                "url": "https://t.co/x",
                "expanded_url": u,
                "display_url": u[8:30],
                "indices": ["0", "1"],
            }
            for u in urls or []
        ],
    }
    if media_source is not None:
        entities["media"] = [
            {
                "expanded_url": f"https://x.com/someone/status/{media_source[0]}/photo/1",
                "source_status_id_str": media_source[0],
                "source_status_id": media_source[0],
                "source_user_id_str": media_source[1],
                "source_user_id": media_source[1],
                "id_str": "1111",
                "type": "photo",
                "indices": ["0", "1"],
            }
        ]
    out: dict[str, Any] = {
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": entities,
        "display_text_range": ["0", str(len(text))],
        "favorite_count": "0",
        "retweet_count": "0",
        "id_str": tweet_id,
        "id": tweet_id,
        "truncated": False,
        "favorited": False,
        "created_at": created_at,
        "full_text": text,
        "lang": "en",
    }
    if reply_to_status is not None:
        out["in_reply_to_status_id_str"] = reply_to_status
        out["in_reply_to_status_id"] = reply_to_status
    if reply_to_user is not None:
        out["in_reply_to_user_id_str"] = reply_to_user
        out["in_reply_to_user_id"] = reply_to_user
    if reply_to_handle is not None:
        out["in_reply_to_screen_name"] = reply_to_handle
    return out


def _dump_2020(value: Any, indent: int = 0) -> str:
    """2020-2023 style: objects over lines, arrays inline (``[ "0", "13" ]``)."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{ }"
        inner = ",\n".join(
            f"{pad}{json.dumps(k)} : {_dump_2020(v, indent + 1)}" for k, v in value.items()
        )
        return "{\n" + inner + "\n" + "  " * indent + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(_dump_2020(v, indent) for v in value) + " ]"
    return json.dumps(value, ensure_ascii=False)


def write_js(path: Path, global_name: str, records: list[Any], *, style: str = "2026") -> Path:
    """Write ``window.<global_name> = [...]`` in the 2026 or 2020 pretty-print style."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if style == "2026":
        body = json.dumps(records, indent=2, separators=(",", " : "), ensure_ascii=False)
    else:
        body = _dump_2020(records) if records else "[ ]"
    path.write_text(f"window.{global_name} = {body}", encoding="utf-8")
    return path


def write_manifest(data: Path, files: dict[str, list[tuple[str, int]]], *, ego: str = EGO) -> None:
    """``manifest.js`` listing ``{dataType: [(file name, count), ...]}``."""
    types = {
        dtype: {
            "files": [
                {
                    "fileName": f"data/{name}",
                    "globalName": f"YTD.{name.split('.')[0].replace('-', '_')}.part{i}",
                    "count": str(count),
                }
                for i, (name, count) in enumerate(entries)
            ]
        }
        for dtype, entries in files.items()
    }
    config = {
        "userInfo": {"accountId": ego, "userName": EGO_HANDLE, "displayName": "Ego Now"},
        "archiveInfo": {
            "sizeBytes": "1000",
            "generationDate": "2026-03-06T13:15:31.187Z",
            "isPartialArchive": False,
            "maxPartSizeBytes": "53687091200",
        },
        "dataTypes": types,
    }
    (data / "manifest.js").write_text(
        "window.__THAR_CONFIG = " + json.dumps(config, indent=2, separators=(",", " : ")),
        encoding="utf-8",
    )


def write_account(data: Path, *, ego: str = EGO, old_handle: str | None = "egobefore") -> None:
    write_js(
        data / "account.js",
        "YTD.account.part0",
        [
            {
                "account": {
                    "email": "nobody@example.invalid",
                    "username": EGO_HANDLE,
                    "accountId": ego,
                    "createdAt": "2020-01-01T00:00:00.000Z",
                    "accountDisplayName": "Ego Now",
                }
            }
        ],
    )
    if old_handle:
        write_js(
            data / "screen-name-change.js",
            "YTD.screen_name_change.part0",
            [
                {
                    "screenNameChange": {
                        "accountId": ego,
                        "screenNameChange": {
                            "changedAt": "2021-01-01T00:00:00.000Z",
                            "changedFrom": old_handle,
                            "changedTo": EGO_HANDLE,
                        },
                    }
                }
            ],
        )


def follow_records(kind: str, ids: list[str | None], *, link_only: list[str] = ()) -> list[Any]:
    """follower/following records; ``None`` is a row with neither accountId nor userLink id."""
    out: list[Any] = []
    for account in ids:
        if account is None:
            out.append({kind: {"userLink": "https://twitter.com/intent/user?screen_name=gone"}})
        else:
            out.append(
                {
                    kind: {
                        "accountId": account,
                        "userLink": f"https://twitter.com/intent/user?user_id={account}",
                    }
                }
            )
    for account in link_only:
        out.append({kind: {"userLink": f"https://twitter.com/intent/user?user_id={account}"}})
    return out
