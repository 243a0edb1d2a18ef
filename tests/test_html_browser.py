"""The HTML report in a real browser (Debian's chromium, headless, network off).

The page is opened from file:// with a dead proxy and a fresh profile; Chrome's net log then
shows every request. Chromium's own background requests (update checks, time sync) have no
page origin ("not an origin"); anything the page asks for has the page's (opaque) origin.
"""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from lakipkit.build import build_report

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed (setup.sh installs it from apt.txt)",
    ),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
]


def _chromium(url: str, work: Path, *extra: str) -> tuple[str, list[str]]:
    """Run chromium once on `url`; return stdout and the URLs the page itself requested."""
    work.mkdir(parents=True, exist_ok=True)
    netlog = work / "net.json"
    done = subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={netlog}",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return done.stdout, _page_requests(netlog)


def _page_requests(netlog: Path) -> list[str]:
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start
        and "url" in event.get("params", {})
        and event["params"].get("initiator") != "not an origin"
    ]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    return build_report(REPO / "data", "kpu-kota-bontang", 2024, out, formats=("html",)).html


def test_the_request_detector_sees_what_a_page_loads(tmp_path):
    page = tmp_path / "umpan.html"
    page.write_text(
        '<html><body><h1 id="a">x</h1><img src="http://example.test/x.png">'
        '<link rel="stylesheet" href="https://cdn.example.test/a.css"></body></html>',
        encoding="utf-8",
    )
    _, requests = _chromium(page.as_uri(), tmp_path / "run", "--dump-dom")
    assert sorted(requests) == ["http://example.test/x.png", "https://cdn.example.test/a.css"]


def test_report_renders_links_land_on_headings_and_nothing_is_requested(report, tmp_path):
    dom, requests = _chromium(report.as_uri(), tmp_path / "run", "--dump-dom")
    assert requests == []
    soup = BeautifulSoup(dom, "html.parser")
    chapters = [h.get_text(" ", strip=True) for h in soup.select("main section.bab > h1")]
    assert chapters[0] == "KATA PENGANTAR" and chapters[-1] == "LAMPIRAN"
    assert "BAB III AKUNTABILITAS KINERJA" in chapters
    links = soup.select('nav.daftar a[href^="#"]')
    assert len(links) > 40
    for link in links:
        target = soup.find(id=link["href"][1:])
        assert target is not None, link["href"]
        assert target.name in ("h1", "h2", "table", "figure"), (link["href"], target.name)
        shown = target.caption or target.figcaption or target
        assert shown.get_text(" ", strip=True) == link.get_text(" ", strip=True)
    assert soup.find(id="daftar-isi").name == "h1"  # the floating "Daftar Isi" link's target


@pytest.mark.parametrize("size", ["1280,2000", "390,1600"])
def test_report_screenshot_on_desktop_and_phone_is_not_blank(report, tmp_path, size):
    shot = tmp_path / "layar.png"
    _, requests = _chromium(
        report.as_uri(), tmp_path / "run", f"--screenshot={shot}", f"--window-size={size}"
    )
    assert requests == []
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape[::-1] == tuple(int(v) for v in size.split(","))
    assert pixels.std() > 10, "the page rendered as a blank screen"
    assert (pixels < 100).mean() > 0.005, "almost no dark (text) pixels"
