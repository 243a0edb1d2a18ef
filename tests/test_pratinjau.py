"""`lakip pratinjau`: served on loopback, rebuilt on an edit, errors shown, stopped cleanly."""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lakipkit.pratinjau import Preview, _with_reload, error_page, snapshot

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "data"
SATKER, TAHUN = "contoh-satker", 2023
WAIT = 240  # seconds: bounded waits, generous for a loaded 2-core machine


def test_reload_script_is_in_the_served_copy_only():
    page = "<html><body><p>isi</p></body></html>"
    served = _with_reload(page, 7)
    assert "<script>" in served and "var versi = 7;" in served and "/versi?setelah=" in served
    assert served.index("<script>") > served.index("<p>isi</p>")
    assert "<script" not in page


def test_error_page_escapes_the_message():
    page = error_page("Data belum benar", "x", "indikator.csv\n  baris 2, kolom 'target': <b>")
    assert "&lt;b&gt;" in page and "<b>" not in page and "baris 2" in page


def test_snapshot_sees_edits_new_and_removed_files(tmp_path):
    (tmp_path / "a.csv").write_text("1")
    (tmp_path / "skip.txt").write_text("1")
    folders = {tmp_path: (".csv",)}
    first = snapshot(folders)
    assert list(first) == [tmp_path / "a.csv"]
    (tmp_path / "a.csv").write_text("12")
    assert snapshot(folders) != first
    (tmp_path / "b.csv").write_text("")
    assert tmp_path / "b.csv" in snapshot(folders)


def _get(url, timeout=WAIT):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def _newer(url, seen):
    """Wait (long polls, bounded by WAIT) for a page version newer than `seen`; return it."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        version = int(_get(f"{url}versi?setelah={seen}"))
        if version > seen:
            return version
    raise AssertionError(f"no page newer than version {seen} within {WAIT} s")


def _until(condition, what):
    """Wait for `condition()` to hold (bounded by WAIT), polling; fail naming `what`."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"still not {what} after {WAIT} s"
        time.sleep(0.1)


def _alive(pid):
    """Tell whether a process runs (a zombie nobody reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_preview_serves_rebuilds_on_edit_shows_bad_data_and_stops(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / SATKER, data / SATKER)
    kata = data / SATKER / str(TAHUN) / "narasi" / "kata_pengantar.md"
    indikator = data / SATKER / str(TAHUN) / "indikator.csv"
    preview = Preview(data, SATKER, TAHUN, port=0)
    assert preview.url.startswith("http://127.0.0.1:")
    preview.start()
    try:
        page = _get(preview.url)
        assert "KATA PENGANTAR" in page and "var versi = 1;" in page
        assert _get(preview.url + "versi") == "1"
        assert not list((tmp_path).glob("**/*.html"))  # nothing written next to the data

        _edit(kata, "\n", "\nKalimat pratinjau baru.\n")
        assert _newer(preview.url, 1) == 2  # what the page's script waits for
        page = _get(preview.url)
        assert "Kalimat pratinjau baru." in page and "var versi = 2;" in page

        _edit(indikator, '"97,5%"', "banyak")
        assert _newer(preview.url, 2) == 3
        page = _get(preview.url)
        assert not preview.ok and "Data belum benar" in page
        assert "indikator.csv" in page and "baris 2, kolom &#x27;target&#x27;" in page
        assert "KATA PENGANTAR" not in page and "var versi = 3;" in page  # still reloads

        _edit(indikator, "banyak", '"97,5%"')
        assert _newer(preview.url, 3) == 4
        assert preview.ok and "Kalimat pratinjau baru." in _get(preview.url)
    finally:
        preview.stop()
    with pytest.raises(urllib.error.URLError):
        _get(preview.url, timeout=5)
    assert preview._worker is None


def _ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.slow
@pytest.mark.parametrize("started_ignoring", [False, True], ids=["plain", "sigint-ignored"])
def test_lakip_pratinjau_prints_its_address_and_stops_on_ctrl_c(tmp_path, started_ignoring):
    """Also when started with SIGINT ignored (inherited from a parent that ignores it, as a
    Jupyter kernel does): Ctrl-C still stops it."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / SATKER, data / SATKER)
    command = [sys.executable, "-m", "lakipkit.cli", "pratinjau", "--tahun", str(TAHUN)]
    command += ["--data", str(data), "--port", "0"]
    # PYTHONFAULTHANDLER: should it ever hang, SIGABRT prints every thread's stack to stderr.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        preexec_fn=_ignore_sigint if started_ignoring else None,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert "KATA PENGANTAR" in _get(url)
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert children
        process.send_signal(signal.SIGINT)
        try:  # communicate, not wait: a full stderr pipe must not look like a hang
            _, err = process.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            _, err = process.communicate(timeout=60)
            pytest.fail(f"lakip pratinjau did not stop on Ctrl-C:\n{err[-20000:]}")
        assert process.returncode == 0, err
        assert "berhenti" in err and err.count("siap (") == 1, err
    finally:
        if process.poll() is None:
            process.kill()
    _until(lambda: not any(_alive(int(pid)) for pid in children), "every child gone")
    with pytest.raises(urllib.error.URLError):
        _get(url, timeout=5)
    assert os.path.isdir(data)


def _start_cli(data, tmp_path):
    command = [sys.executable, "-m", "lakipkit.cli", "pratinjau", "--tahun", str(TAHUN)]
    command += ["--data", str(data), "--port", "0"]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp_path
    )


@pytest.mark.slow
def test_the_worker_and_its_kernel_stop_when_the_server_is_killed(tmp_path):
    """kill -9 of the server (no Ctrl-C, no cleanup): its worker notices and exits."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / SATKER, data / SATKER)
    process = _start_cli(data, tmp_path)
    try:
        assert process.stdout.readline().startswith("http://127.0.0.1:")
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert children  # the worker (and multiprocessing's resource tracker)
        process.kill()
        process.wait(timeout=60)
        _until(lambda: not any(_alive(int(pid)) for pid in children), "every child gone")
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.slow
def test_the_served_page_is_the_built_html(tmp_path, monkeypatch):
    """The preview shows what `lakip build --format html` writes, plus its reload script;
    after edits too (what its warm worker kept from the last build is never stale)."""
    from lakipkit.build import build_report
    from lakipkit.pratinjau import _RELOAD

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / SATKER, data / SATKER)
    folder = data / SATKER / str(TAHUN)
    built = build_report(data, SATKER, TAHUN, tmp_path / "out", formats=("html",))
    preview = Preview(data, SATKER, TAHUN, port=0)
    preview.start()
    try:
        served = _get(preview.url)
        # a capaian (tables, chart, sentences) and a budget realisasi (Bab III.C), one by one
        _edit(folder / "realisasi.csv", 'WA-01,"98,0%"', 'WA-01,"60,0%"')
        assert _newer(preview.url, 1) == 2
        _edit(folder / "anggaran.csv", "300.000.000,280.000.000", "300.000.000,250.000.000")
        assert _newer(preview.url, 2) == 3
        edited = _get(preview.url)
    finally:
        preview.stop()
    assert served.replace(_RELOAD % 1, "") == built.html.read_text(encoding="utf-8")
    again = build_report(data, SATKER, TAHUN, tmp_path / "again", formats=("html",))
    assert edited.replace(_RELOAD % 3, "") == again.html.read_text(encoding="utf-8")
    assert edited.replace(_RELOAD % 3, "") != served.replace(_RELOAD % 1, "")
