"""Synthetic demo accounts and their real-format exports (X zip, Bluesky CAR, ...).

:func:`demo` is the library's demo account; :func:`generate_account` makes others
(sizes, dates, platform-shaped ids). :func:`write_export` writes any archive as a
platform's real export, and :func:`demo_export` writes the demo account that way, so
that :func:`engagemetrics.load` can be shown on a real file layout.
"""

from __future__ import annotations

from ._generate import PLATFORMS, demo, demo_previous, generate_account
from ._writers import (
    EXPORT_PLATFORMS,
    demo_export,
    write_activity_log,
    write_bluesky_repo,
    write_export,
    write_instagram_export,
    write_linkedin_export,
    write_mastodon_archive,
    write_twitter_archive,
)

__all__ = [
    "EXPORT_PLATFORMS",
    "PLATFORMS",
    "demo",
    "demo_export",
    "demo_previous",
    "generate_account",
    "write_activity_log",
    "write_bluesky_repo",
    "write_export",
    "write_instagram_export",
    "write_linkedin_export",
    "write_mastodon_archive",
    "write_twitter_archive",
]
