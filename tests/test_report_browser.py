"""The HTML report in a real headless browser (Debian's chromium, installed by .ci/run).

A probe script added to a copy of the page records what a reader would see go wrong: script
errors, console errors, images that do not decode, a page wider than a phone's screen. The
screenshots are kept beside the page (they show the charts).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import engagemetrics as em

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]
PROBE = """<script>
window.__errors = [];
window.addEventListener("error", e => __errors.push(String(e.message || (e.target && e.target.src))), true);
const __error = console.error;
console.error = (...a) => { __errors.push(a.join(" ")); __error(...a); };
window.addEventListener("load", () => {
  const images = [...document.images];
  const b = document.body;
  b.setAttribute("data-images", images.length);
  b.setAttribute("data-broken", images.filter(i => !(i.complete && i.naturalWidth > 0)).length);
  b.setAttribute("data-overflow", document.documentElement.scrollWidth > window.innerWidth);
  b.setAttribute("data-errors", JSON.stringify(__errors));
});
</script>"""


def _browser() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    return CHROMIUM


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_browser(), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    path = folder / "report.html"
    em.audit(em.datasets.demo(), demo=True).to_html(path)
    return path


@pytest.mark.parametrize("width", [1200, 390], ids=["desktop", "phone"])
def test_the_page_renders_without_errors_and_shows_its_charts(page, width, tmp_path):
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1),
                      encoding="utf-8")
    dom = _run([f"--window-size={width},2000", "--virtual-time-budget=5000", "--dump-dom",
                probed.as_uri()], tmp_path / "profile").stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body, dom[:500]
    attributes = dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(1)))
    assert int(attributes["images"]) == 6  # the six charts, the quadrants among them
    assert attributes["broken"] == "0"
    assert json.loads(attributes["errors"].replace("&quot;", '"')) == []
    assert attributes["overflow"] == "false", f"the page is wider than {width}px"
    # a screenshot kept beside the page: it shows the charts (many colours, not a blank page)
    shot = page.parent / f"report-{width}.png"
    _run([f"--window-size={width},2400", f"--screenshot={shot}", page.as_uri()],
         tmp_path / "profile2")
    assert shot.exists() and shot.stat().st_size > 50_000
    from matplotlib import image

    pixels = image.imread(shot)
    colours = {tuple(p) for p in (pixels[::7, ::7, :3] * 255).astype(int).reshape(-1, 3)}
    assert len(colours) > 200
