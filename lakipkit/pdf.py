"""The report page as an A4 PDF: headless chromium (fast) or WeasyPrint (fallback).

Why chromium: WeasyPrint lays out the 65-page 2024 report in ~5.6 s on a quiet 2-core
machine; chromium prints the same page in under a second once it runs (docs/report.md has
the figures). Chromium has no `target-counter()`, `leader()`, `string()` or page-counter
reset, so this module supplies them:

- the page is printed twice from one long-lived browser driven over the DevTools protocol
  on a pipe (`--remote-debugging-pipe`: no port, no websocket, no extra package). The first
  print has blank page numbers in Daftar Isi/Tabel/Gambar, in a fixed-width slot; the pages
  of the linked headings, tables and figures are read from the PDF's named destinations
  (pypdf); the second print fills them in. The slot has a fixed width, so filling it moves
  nothing; the positions are checked and a third print is made if they still moved;
- roman numbers in the front matter and arabic from Bab I on come from two `@counter-style`
  rules (`system: fixed`) whose first value is the physical page where the part starts;
- the running head is the page's `.judul-berjalan` text as a literal in `@top-center`;
- the leader is a dotted border in a flex row.

The PDF's creation and modification dates are the only bytes that change between two prints
of the same page; they are set to a fixed date (same length, so the cross-reference table
stays valid) and two builds of the same data stay byte-identical.
"""

from __future__ import annotations

import base64
import html as html_lib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

from lakipkit.errors import LakipError

ENGINES = ("chromium", "weasyprint")
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
    # Nothing may be fetched: a dead proxy for any network request the page could make.
    "--proxy-server=127.0.0.1:9",
    "--remote-debugging-pipe",
)
_TIMEOUT = 120.0
_FIXED_DATE = b"D:20000101000000+00'00'"
_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9]{14}[^)]{0,8}\)")
_RUNNING_HEAD = re.compile(r'class="judul-berjalan"[^>]*>(.*?)</', re.DOTALL)
_NAV_LINK = re.compile(r'<a (?:class="depan" )?href="#([^"]+)"')
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def _high_fd(fd: int) -> int:
    import fcntl

    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


def find_chromium() -> str | None:
    """Path of a chromium to print with: `$LAKIP_CHROMIUM`, else the first on PATH, else None."""
    configured = os.environ.get("LAKIP_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def default_engine() -> str:
    """Choose chromium when one is installed, WeasyPrint otherwise."""
    return "chromium" if find_chromium() else "weasyprint"


class Browser:
    """One headless chromium, driven over the DevTools protocol on a pipe.

    Starting it returns at once (the browser boots while the caller does other work); the
    first call waits for it. Use as a context manager, or call `close()`.
    """

    def __init__(self, executable: str | None = None) -> None:
        path = executable or find_chromium()
        if not path:
            raise LakipError("chromium tidak ditemukan (pasang paket chromium, lihat apt.txt)")
        self.profile = tempfile.mkdtemp(prefix="lakip-chromium-")
        to_browser, self._write_fd = os.pipe()
        self._read_fd, from_browser = os.pipe()
        # Above fd 4, so that the redirections below cannot overwrite one another.
        to_browser, from_browser = (_high_fd(fd) for fd in (to_browser, from_browser))
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        command = (
            f'exec "$0" "$@" 3<&{to_browser} 4>&{from_browser} {to_browser}<&- {from_browser}>&-'
        )
        self.process = subprocess.Popen(
            ["bash", "-c", command, path, *_FLAGS, f"--user-data-dir={self.profile}"],
            pass_fds=(to_browser, from_browser),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._session: str | None = None

    def __enter__(self) -> Browser:
        return self

    @property
    def alive(self) -> bool:
        """Whether the browser process still runs (a crashed one is replaced by its keeper)."""
        return self.process.poll() is None

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the browser (its whole process group) and remove its temporary profile."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for fd in (self._write_fd, self._read_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def _send(self, method: str, session: str | None = None, **params: Any) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._write_fd, data) :]
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._read_fd], [], [], max(left, 0))
            if not ready:
                raise LakipError("chromium tidak menjawab dalam batas waktu (ekspor PDF)")
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                raise LakipError("chromium berhenti saat ekspor PDF")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result (events are kept for `wait_for`)."""
        number = self._send(method, session, **params)
        deadline = time.monotonic() + _TIMEOUT
        while True:
            message = self._receive(deadline)
            if message.get("id") == number:
                if "error" in message:
                    raise LakipError(f"chromium: {method}: {message['error'].get('message')}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self._events.append(message)

    def wait_for(self, event: str) -> dict[str, Any]:
        """Wait for the next DevTools event of that name."""
        deadline = time.monotonic() + _TIMEOUT
        while True:
            for index, message in enumerate(self._events):
                if message["method"] == event:
                    return self._events.pop(index)
            message = self._receive(deadline)
            if "method" in message:
                self._events.append(message)

    def _tab(self) -> str:
        if self._session is None:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
                "sessionId"
            ]
            self.call("Page.enable", self._session)
            self.call("Emulation.setScriptExecutionDisabled", self._session, value=True)
        return self._session

    def print_page(self, page: str) -> bytes:
        """Load one HTML document (a string) and print it as the browser's raw PDF."""
        session = self._tab()
        with tempfile.TemporaryDirectory(prefix="lakip-print-") as folder:
            source = Path(folder) / "laporan.html"
            source.write_text(page, encoding="utf-8")
            self._events.clear()
            self.call("Page.navigate", session, url=source.as_uri())
            self.wait_for("Page.loadEventFired")
            result = self.call(
                "Page.printToPDF",
                session,
                preferCSSPageSize=True,
                printBackground=True,
                generateDocumentOutline=True,
                generateTaggedPDF=False,
            )
        return base64.b64decode(result["data"])


def _roman(number: int) -> str:
    out = []
    for value, numeral in _ROMAN:
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _links(page: str) -> list[tuple[str, bool]]:
    """List the Daftar Isi/Tabel/Gambar links in order: (target id, in the front matter?)."""
    found = []
    for nav in re.finditer(r'<nav class="daftar"[^>]*>(.*?)</nav>', page, re.DOTALL):
        for link in _NAV_LINK.finditer(nav.group(1)):
            found.append((html_lib.unescape(link.group(1)), 'class="depan"' in link.group(0)))
    return list(dict.fromkeys(found))


def _page_style(page: str, numbers: Mapping[str, str], starts: tuple[int, int] | None) -> str:
    """Write the print stylesheet chromium needs in place of WeasyPrint's features."""
    head = _RUNNING_HEAD.search(page)
    title = html_lib.unescape(re.sub(r"<[^>]+>", "", head.group(1))) if head else ""
    rules = [
        "@page { @top-center { content: "
        + _css_string(" ".join(title.split()))
        + '; font-family: "Liberation Sans", Arial, sans-serif; font-size: 8pt; color: #555; } }',
        "@page sampul { @top-center { content: none; } @bottom-center { content: none; } }",
        "@media print {",
        "  .judul-berjalan { display: none; }",
        "  nav.daftar a { display: flex; align-items: last baseline; }",
        '  nav.daftar a::before { content: ""; order: 1; flex: 1 1 auto; min-width: 1.5em;'
        " margin: 0 .3em; border-bottom: 1px dotted #444; }",
        '  nav.daftar a::after, div.depan nav.daftar a.depan::after { content: "";'
        " order: 2; flex: 0 0 2.6em; text-align: right; }",
    ]
    for target, number in numbers.items():
        selector = f'nav.daftar a[href="#{target}"]::after'
        rules.append(f"  div.depan {selector}, {selector} {{ content: {_css_string(number)}; }}")
    rules.append("}")
    if starts is not None:
        front, main = starts
        if front < main:
            symbols = " ".join(_css_string(_roman(n)) for n in range(1, main - front + 1))
            rules.append(
                f"@counter-style lakip-depan {{ system: fixed {front}; symbols: {symbols}; }}"
            )
            rules.append("@page depan { @bottom-center { content: counter(page, lakip-depan); } }")
        symbols = " ".join(_css_string(str(n)) for n in range(1, 1000))
        rules.append(f"@counter-style lakip-isi {{ system: fixed {main}; symbols: {symbols}; }}")
        rules.append("@page isi { @bottom-center { content: counter(page, lakip-isi); } }")
    return "<style>\n" + "\n".join(rules) + "\n</style>\n"


def _with_style(page: str, style: str) -> str:
    at = page.find("</head>")
    if at < 0:
        raise LakipError("HTML laporan tidak memiliki </head> (templat lakip rusak?)")
    return page[:at] + style + page[at:]


def _anchor_pages(pdf: bytes) -> dict[str, int]:
    """Physical page (1-based) of every named destination in a chromium PDF."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    pages = {}
    for name, destination in reader.named_destinations.items():
        number = reader.get_destination_page_number(destination)
        if number is not None and number >= 0:
            pages[name.lstrip("/")] = number + 1
    return pages


def _fill(
    links: list[tuple[str, bool]], pages: Mapping[str, int]
) -> tuple[dict[str, str], tuple[int, int] | None]:
    """Label the listed targets' pages; say where the front matter and Bab I start."""
    placed = [(target, front, pages[target]) for target, front in links if target in pages]
    if not placed:
        return {}, None
    front_pages = [page for _, front, page in placed if front]
    main_pages = [page for _, front, page in placed if not front]
    main = min(main_pages) if main_pages else max(front_pages) + 1
    front = min(front_pages) if front_pages else main
    numbers = {
        target: _roman(page - front + 1) if is_front else str(page - main + 1)
        for target, is_front, page in placed
    }
    return numbers, (front, main)


def normalise_pdf(pdf: bytes) -> bytes:
    """Set chromium's creation/modification dates to a fixed date, keeping every offset."""

    def fixed(match: re.Match[bytes]) -> bytes:
        original = match.group(0)
        replaced = b"/" + match.group(1) + b" (" + _FIXED_DATE + b")"
        if len(replaced) > len(original):
            return original
        return replaced.ljust(len(original))

    return _DATE.sub(fixed, pdf)


def chromium_pdf(page: str, browser: Browser) -> bytes:
    """Print the report page with page numbers in its lists (two prints, see module doc)."""
    links = _links(page)
    numbers: dict[str, str] = {}
    starts: tuple[int, int] | None = None
    pdf = b""
    for _ in range(3):
        pdf = browser.print_page(_with_style(page, _page_style(page, numbers, starts)))
        if not links:
            break
        found, where = _fill(links, _anchor_pages(pdf))
        if found == numbers and where == starts:
            break
        numbers, starts = found, where
    else:
        raise LakipError("nomor halaman daftar isi tidak stabil setelah tiga kali cetak (PDF)")
    return normalise_pdf(pdf)


def weasyprint_pdf(page: str) -> bytes:
    """Render the page with WeasyPrint; fetching anything but `data:` fails."""
    import weasyprint

    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=page, url_fetcher=fetcher).render()
    return bytes(document.write_pdf(pdf_identifier=b"lakipkit"))


@contextmanager
def pdf_renderer(engine: str | None = None, browser: Browser | None = None) -> Iterator[Any]:
    """Yield a function page -> PDF bytes.

    With chromium: in `browser` when given (a batch worker's, kept for its next unit), else
    in a chromium started now (it boots in the background) and stopped afterwards.
    """
    chosen = engine or default_engine()
    if chosen not in ENGINES:
        raise LakipError(f"mesin PDF tidak dikenal: {chosen!r} (pilihan: {', '.join(ENGINES)})")
    if chosen == "weasyprint":
        yield weasyprint_pdf
        return
    if browser is not None:
        yield lambda page: chromium_pdf(page, browser)
        return
    with Browser() as started:
        yield lambda page: chromium_pdf(page, started)
