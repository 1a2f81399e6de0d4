"""The documentation speaks to users: no private names, no internal briefs they cannot open."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEFS = re.compile(r"(METRICS|FORMATS|PERFORMANCE|STYLE)\.md|\.\./shared")


def _user_facing() -> list[Path]:
    return [
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "src" / "engagemetrics").rglob("*.py")),
        *sorted((ROOT / "notebooks").glob("*.ipynb")),
        ROOT / "README.md",
    ]


def test_the_api_reference_names_no_private_module_or_function():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    private = re.findall(r"engagemetrics(?:\.\w+)*\._\w+", text)
    assert private == []


def test_nothing_a_user_reads_cites_the_internal_briefs():
    cited = {
        str(path.relative_to(ROOT)): sorted(set(BRIEFS.findall(path.read_text(encoding="utf-8"))))
        for path in _user_facing()
        if BRIEFS.search(path.read_text(encoding="utf-8"))
    }
    assert cited == {}


def test_the_documented_exit_codes_are_the_commands():
    from engagemetrics.cli import EXIT_CODES

    text = (ROOT / "docs" / "quickstart.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+) \| (.+) \|$", text, flags=re.MULTILINE))
    assert {int(k): v.replace("`", "") for k, v in rows.items()} == EXIT_CODES
