"""Shared fixtures. The licensed real exports live in ../shared/samples beside the clone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ENGAGEMETRICS_SHARED", ROOT.parent / "shared"))
SAMPLES = SHARED / "samples"


@pytest.fixture(scope="session")
def samples() -> Path:
    """Path of ../shared/samples; the test is skipped when it is absent (a user's clone)."""
    if not SAMPLES.is_dir():
        pytest.skip(f"the licensed sample exports are not here ({SAMPLES} is absent)")
    return SAMPLES
