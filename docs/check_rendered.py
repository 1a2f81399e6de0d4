"""Check the built documentation as a reader meets it.

    python docs/check_rendered.py docs/_build/html

1. Every internal link and resource of every page resolves: each ``href`` and ``src`` that is not
   an external URL names a file of the build, and its ``#anchor`` an id on the target page.
2. The notebook pages show their plots: each is opened in headless chromium, and every image in
   its cell outputs has loaded (``naturalWidth > 0``); a notebook that draws a plot shows at least
   one, and every PNG it shows is a non-empty PNG file.

Exits 0 when all is well, else 1 with one line per problem. .ci/run calls it after the Sphinx
build; tests/test_check_rendered.py checks that it catches what it is meant to catch.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "tel:", "ftp:")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--allow-file-access-from-files"]
# Recorded on the page once it has loaded: the output images, and those that did not decode.
PROBE = """<script>
window.addEventListener("load", () => {
  const images = [...document.querySelectorAll(".cell_output img, .output img")];
  const b = document.body;
  b.setAttribute("data-plots", images.length);
  b.setAttribute("data-broken", JSON.stringify(
    images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute("src"))));
});
</script>"""
PNG = b"\x89PNG\r\n\x1a\n"


class _Page(HTMLParser):
    """The ids of a page, and the links and resources it refers to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(str(values[key]))
        for key in ("href", "src"):
            value = values.get(key)
            if value is not None and not (tag == "link" and values.get("rel") in (
                    "preconnect", "dns-prefetch")):
                self.refs.append((key, value))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def broken_links(root: Path) -> list[str]:
    """Every internal href/src of the pages under ``root`` that names no file or no anchor."""
    root = root.resolve()
    # _static holds the theme's files (templates among them), not pages of the documentation.
    pages = {path: _parse(path) for path in sorted(root.rglob("*.html"))
             if "_static" not in path.relative_to(root).parts}
    problems = []
    for path, page in pages.items():
        for attribute, value in page.refs:
            value = value.strip()
            if not value or value.lower().startswith(EXTERNAL) or value.startswith("//"):
                continue
            parts = urlsplit(value)
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(root)}: {attribute}={value!r}"
            if not target.is_relative_to(root):
                problems.append(f"{where} points outside the build")
            elif not target.is_file():
                problems.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{where}: no anchor #{parts.fragment} on that page")
    return problems


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _draws_a_plot(page: Path, source: Path) -> bool:
    """Whether the notebook behind ``page`` calls a plot (em.plot, plot_*, matplotlib)."""
    notebook = source / page.relative_to(page.parents[1]).with_suffix(".ipynb")
    if not notebook.is_file():
        return False
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return re.search(r"\bplot(?:_\w+)?\(|\bplt\.|\.plot\b", code) is not None


def missing_plots(root: Path, notebooks: Path, browser: str) -> list[str]:
    """Problems with the plots of the notebook pages under ``root/_notebooks``."""
    problems = []
    pages = sorted((root / "_notebooks").glob("*.html"))
    if not pages:
        return [f"{root}/_notebooks holds no notebook page"]
    for page in pages:
        name = page.relative_to(root)
        probed = page.with_name(f".probed-{page.name}")  # beside the page: relative srcs hold
        html = page.read_text(encoding="utf-8")
        probed.write_text(html.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
        try:
            with tempfile.TemporaryDirectory() as profile:
                dom = subprocess.run(
                    [browser, *FLAGS, f"--user-data-dir={profile}", "--window-size=1200,2000",
                     "--virtual-time-budget=10000", "--dump-dom", probed.as_uri()],
                    capture_output=True, text=True, timeout=180, check=False).stdout
        finally:
            probed.unlink()
        body = re.search(r"<body([^>]*)>", dom)
        if not body or "data-plots" not in body.group(1):
            problems.append(f"{name}: the page did not load in chromium")
            continue
        attributes = dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(1)))
        plots = int(attributes["plots"])
        broken = json.loads(attributes["broken"].replace("&quot;", '"'))
        if broken:
            problems.append(f"{name}: images that did not load: {broken}")
        if plots == 0 and _draws_a_plot(page, notebooks):
            problems.append(f"{name}: the notebook draws a plot, the page shows none")
        for _, src in _parse(page).refs:
            if src.lower().endswith(".png") and not src.lower().startswith(EXTERNAL):
                png = (page.parent / unquote(urlsplit(src).path)).resolve()
                if png.is_file() and not (png.stat().st_size > len(PNG)
                                          and png.read_bytes()[:8] == PNG):
                    problems.append(f"{name}: {src} is not a PNG image")
        print(f"{name}: {plots} plot image(s) shown", file=sys.stderr)
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python docs/check_rendered.py BUILD_HTML_FOLDER", file=sys.stderr)
        return 2
    root = Path(argv[0]).resolve()  # chromium needs file:// URIs, which need absolute paths
    if not (root / "index.html").is_file():
        print(f"{root}: not a Sphinx HTML build (no index.html)", file=sys.stderr)
        return 1
    problems = broken_links(root)
    browser = _chromium()
    if browser is None:
        problems.append("chromium is not installed: the notebook pages cannot be opened")
    else:
        problems += missing_plots(root, Path(__file__).resolve().parent / "_notebooks", browser)
    for problem in problems:
        print(problem, file=sys.stderr)
    pages = len([p for p in root.rglob("*.html") if "_static" not in p.relative_to(root).parts])
    print(f"{pages} pages checked: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
