"""A real JupyterLab session, headless: open a notebook, optionally run it, save, screenshot.

Starts `jupyter lab` on 127.0.0.1 with a random token in a folder and Debian's chromium
headless with its DevTools port, then drives the page through the DevTools protocol (the
JupyterLab app is exposed as `window.jupyterapp`). Needs the `lab` extra and chromium.

    .venv/bin/python scripts/jupyterlab_sesi.py notebooks/eksplorasi.ipynb --jalankan \
        --gambar /tmp/eksplorasi.png

copies the notebooks and data/ to a temporary folder (the repository is not touched), opens
eksplorasi there, runs all cells, saves, writes a screenshot and says whether saving changed
the file's bytes. tests/test_notebook_files.py uses `Sesi` to check that opening and saving
an unedited notebook leaves it byte-identical.
"""

from __future__ import annotations

import argparse
import base64
import difflib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float) -> bytes:
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


class Sesi:
    """JupyterLab serving `root` and a headless chromium looking at it (a context manager)."""

    def __init__(self, root: Path, lebar: int = 1400, tinggi: int = 1000):
        self.root = Path(root)
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.size = (lebar, tinggi)
        self._procs: list[subprocess.Popen] = []
        self._tmp = Path(tempfile.mkdtemp(prefix="lab-sesi-"))
        self._ws = None
        self._id = 0

    # -- lifetime ---------------------------------------------------------------------------
    def __enter__(self) -> Sesi:
        jupyter = Path(sys.executable).with_name("jupyter")
        log = open(self._tmp / "lab.log", "wb")  # noqa: SIM115 (closed with the process)
        # lakipkit's server extension as the package installs it, even in an editable install
        # (which leaves data files out): its config folder joins Jupyter's config path
        config = self._tmp / "config" / "jupyter_server_config.d"
        config.mkdir(parents=True)
        shutil.copy(REPO / "jupyter-config" / "jupyter_server_config.d" / "lakipkit.json", config)
        # the planner's own JupyterLab settings stay out; no news prompt over the page
        settings = self._tmp / "lab-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
        self._procs.append(
            subprocess.Popen(
                [
                    str(jupyter),
                    "lab",
                    "--no-browser",
                    "--ip=127.0.0.1",
                    f"--port={self.port}",
                    f"--IdentityProvider.token={self.token}",
                    f"--ServerApp.root_dir={self.root}",
                    "--LabApp.expose_app_in_browser=True",
                    "--ServerApp.port_retries=0",
                    *(["--allow-root"] if os.geteuid() == 0 else []),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                env={
                    **os.environ,
                    "JUPYTER_RUNTIME_DIR": str(self._tmp / "runtime"),
                    "JUPYTER_CONFIG_PATH": str(config.parent),
                    "JUPYTERLAB_SETTINGS_DIR": str(self._tmp / "lab-settings"),
                    "JUPYTERLAB_WORKSPACES_DIR": str(self._tmp / "lab-workspaces"),
                },
            )
        )
        _wait_http(f"http://127.0.0.1:{self.port}/api/status?token={self.token}", 60)
        devtools = _free_port()
        self._procs.append(
            subprocess.Popen(
                [
                    "chromium",
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    f"--remote-debugging-port={devtools}",
                    f"--user-data-dir={self._tmp / 'chromium'}",
                    f"--window-size={self.size[0]},{self.size[1]}",
                    "about:blank",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        pages = json.loads(_wait_http(f"http://127.0.0.1:{devtools}/json/list", 30))
        import websocket  # websocket-client, a jupyter_server dependency

        page = next(p for p in pages if p["type"] == "page")
        self._ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120)
        return self

    def __exit__(self, *exc) -> None:
        if self._ws is not None:
            self._ws.close()
        for proc in reversed(self._procs):
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self._tmp, ignore_errors=True)

    @property
    def log(self) -> str:
        """What the JupyterLab server printed so far."""
        return (self._tmp / "lab.log").read_text(errors="replace")

    # -- DevTools protocol ------------------------------------------------------------------
    def _call(self, method: str, **params):
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == self._id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def js(self, expression: str):
        """Evaluate JavaScript in the page (promises awaited); return its JSON value."""
        result = self._call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def until(self, expression: str, timeout: float = 120, what: str = "") -> None:
        """Wait until a JavaScript expression is truthy."""
        end = time.monotonic() + timeout
        while not self.js(
            f"(() => {{ try {{ return !!({expression}); }} catch (e) {{ return false; }} }})()"
        ):
            if time.monotonic() > end:
                raise TimeoutError(what or expression)
            time.sleep(0.3)

    # -- JupyterLab -------------------------------------------------------------------------
    # the notebook panel (currentWidget follows focus, which a headless page does not have)
    NB = (
        "Array.from(window.jupyterapp.shell.widgets('main'))"
        ".find(w => w.context && w.context.path.endsWith('.ipynb'))"
    )

    def buka(self, notebook: str) -> None:
        """Open a notebook (path relative to root) and wait for its kernel to be idle."""
        self._call("Page.enable")
        self._call("Emulation.setFocusEmulationEnabled", enabled=True)
        url = f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?token={self.token}&reset"
        self._call("Page.navigate", url=url)
        self.until(
            f"{self.NB} && {self.NB}.context && {self.NB}.context.isReady", 120, "notebook opened"
        )
        self.until(f"{self.NB}.sessionContext.session.kernel.status === 'idle'", 120, "kernel idle")
        # the kernel's language_info reaches the model just after the kernel is idle
        self.until(f"{self.NB}.model.getMetadata('language_info')", 30, "language_info")
        time.sleep(1.0)

    def jalankan(self, timeout: float = 300) -> None:
        """Run all cells and wait until the kernel is idle again."""
        self.js(f"window.jupyterapp.shell.activateById({self.NB}.id)")
        self.js("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        time.sleep(1.0)
        self.until(
            f"{self.NB}.sessionContext.session.kernel.status === 'idle' && "
            f"!{self.NB}.content.widgets.some(c => c.model.type === 'code' && "
            "c.model.executionState === 'running')",
            timeout,
            "cells run",
        )
        time.sleep(2.0)

    def simpan(self) -> None:
        """Save through JupyterLab (what Ctrl+S does) and wait for the model to be clean."""
        self.js(f"window.jupyterapp.shell.activateById({self.NB}.id)")
        self.js("window.jupyterapp.commands.execute('docmanager:save')")
        self.until(f"!{self.NB}.context.model.dirty", 60, "saved")
        time.sleep(0.5)

    def kotor(self) -> bool:
        """Whether JupyterLab shows the notebook as modified."""
        return bool(self.js(f"{self.NB}.context.model.dirty"))

    def judul(self) -> list[int]:
        """Indexes of the notebook's Markdown cells that hold a heading."""
        return self.js(
            f"{self.NB}.content.widgets.map((c, i) => c.model.type === 'markdown' && "
            "c.model.sharedModel.getSource().trimStart().startsWith('#') ? i : -1)"
            ".filter(i => i >= 0)"
        )

    def gulir_ke(self, index: int) -> None:
        """Scroll so that cell `index` is at the top of the notebook panel."""
        self.js(f"{self.NB}.content.scrollToItem({index}, 'start')")
        time.sleep(1.0)

    def gambar(self, path: Path) -> None:
        """Screenshot of the page as PNG."""
        shot = self._call("Page.captureScreenshot", format="png")
        Path(path).write_bytes(base64.b64decode(shot["data"]))


def main() -> int:
    """Open a copy of a notebook in JupyterLab, optionally run it, screenshot and save it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="e.g. notebooks/eksplorasi.ipynb")
    parser.add_argument("--jalankan", action="store_true", help="run all cells")
    parser.add_argument("--gambar", type=Path, help="write a PNG screenshot here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "notebooks", root / "notebooks")
        shutil.copytree(REPO / "data", root / "data")
        name = Path(args.notebook).name
        pair = [root / "notebooks" / name, (root / "notebooks" / name).with_suffix(".py")]
        before = [p.read_bytes() for p in pair]
        with Sesi(root) as sesi:
            sesi.buka(f"notebooks/{name}")
            print(f"dibuka; ditandai berubah: {sesi.kotor()}")
            if args.jalankan:
                sesi.jalankan()
            if args.gambar:
                # one screenshot per heading: gambar-01.png, gambar-02.png, ...
                for n, index in enumerate(sesi.judul(), start=1):
                    sesi.gulir_ke(index)
                    path = args.gambar.with_name(f"{args.gambar.stem}-{n:02d}.png")
                    sesi.gambar(path)
                    print(f"gambar: {path}")
            sesi.simpan()
            for path, old in zip(pair, before, strict=True):
                new = path.read_bytes()
                print(f"{path.name} setelah disimpan: " + ("sama" if new == old else "BERBEDA"))
                if new != old:
                    sys.stdout.writelines(
                        difflib.unified_diff(
                            old.decode().splitlines(True), new.decode().splitlines(True)
                        )
                    )
            warned = [line for line in sesi.log.splitlines() if "encryption" in line.lower()]
            print("peringatan enkripsi: " + (warned[0] if warned else "tidak ada"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
