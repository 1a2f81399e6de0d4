"""The documentation speaks to users: no private names, no internal briefs they cannot open."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEFS = re.compile(r"(METRICS|FORMATS|PERFORMANCE|STYLE)\.md|\.\./shared")


def _pages() -> list[Path]:
    """The documentation a user reads as text: the pages, the platform guides, the README."""
    return [
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "docs" / "platforms").glob("*.md")),
        ROOT / "README.md",
    ]


def _user_facing() -> list[Path]:
    return [
        *_pages(),
        *sorted((ROOT / "src" / "engagemetrics").rglob("*.py")),
        *sorted((ROOT / "notebooks").glob("*.ipynb")),
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


# --------------------------------------------------------------------------- names the docs use
EM_NAME = re.compile(r"(?<![\w.])em\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
FULL_NAME = re.compile(r"(?<![\w./-])(engagemetrics(?:\.[A-Za-z_]\w*)+)")
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*)")
# Lines that run another program, whose options are not ours.
FOREIGN = ("spark-submit", "pip install", "pytest", "sphinx")


def _resolves(dotted: str) -> bool:
    """Whether ``engagemetrics.a.b.c`` names a module or an attribute that exists."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def names_in(text: str) -> set[str]:
    """Every ``em.x.y`` and ``engagemetrics.x.y`` (role targets included) in a page."""
    names = {f"engagemetrics.{m}" for m in EM_NAME.findall(text)}
    names |= set(FULL_NAME.findall(text))
    return names


def options_in(text: str) -> set[str]:
    """Every ``--option`` of a page, outside the lines that run another program."""
    return {
        option
        for line in text.splitlines() if not any(f in line for f in FOREIGN)
        for option in OPTION.findall(line)
    }


def _cli_options() -> set[str]:
    import argparse

    from engagemetrics.cli import _parser

    parser = _parser()
    options = {o for a in parser._actions for o in a.option_strings}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options |= {o for a in sub._actions for o in a.option_strings}
    return options


def test_every_name_the_docs_mention_exists():
    missing = {
        str(path.relative_to(ROOT)): sorted(n for n in names_in(path.read_text(encoding="utf-8"))
                                            if not _resolves(n))
        for path in _pages()
    }
    assert {page: names for page, names in missing.items() if names} == {}


def test_every_command_line_option_the_docs_mention_exists():
    options = _cli_options()
    missing = {
        str(path.relative_to(ROOT)): sorted(options_in(path.read_text(encoding="utf-8")) - options)
        for path in _pages()
    }
    assert {page: names for page, names in missing.items() if names} == {}


def test_the_name_checks_catch_a_made_up_name():
    text = ("Call `em.account_metrcs(follows)` or {func}`~engagemetrics.io.load.lod`, then "
            "`engagemetrics audit x.zip --folowers f.csv`;\n`pip install --upgrade x` is not ours.")
    assert {n for n in names_in(text) if not _resolves(n)} == {
        "engagemetrics.account_metrcs", "engagemetrics.io.load.lod"}
    assert options_in(text) - _cli_options() == {"--folowers"}
    assert _resolves("engagemetrics.datasets.demo_export")
    assert _resolves("engagemetrics.Archive.resolve")
