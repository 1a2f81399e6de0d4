"""Synthetic demo accounts and their real-format exports (X zip, Bluesky CAR, ...)."""

from __future__ import annotations

from ._generate import PLATFORMS, demo, generate_account

__all__ = ["PLATFORMS", "demo", "generate_account"]
