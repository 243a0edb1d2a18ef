"""Output safety: lock, all-or-nothing files, interrupts, leftovers, stale formats, bad folders."""

import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

import lakipkit.build as build
from lakipkit.cli import main
from lakipkit.errors import LakipError
from lakipkit.outputs import (
    BuildInterrupted,
    SignalGuard,
    Staging,
    locked,
    prepare_folder,
    remove_leftovers,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURE_DATA = REPO / "tests" / "fixtures" / "data"
SATKER, TAHUN = "contoh-satker", 2023
STEM = f"laporan-{SATKER}-{TAHUN}"
PYTHON = sys.executable


@pytest.fixture
def stub_notebook(monkeypatch):
    """Skip the kernel: the build exports a one-chapter notebook (the output logic is tested)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# BAB I PENDAHULUAN")])
    monkeypatch.setattr(build, "_execute", lambda *args, **kwargs: nb)
    return nb


def _build(out, **kwargs):
    return build.build_report(FIXTURE_DATA, SATKER, TAHUN, out, **kwargs)


def _hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _as_nobody(args, home):
    """Run a command as an unprivileged user (root ignores file modes), HOME in `home`."""
    if os.geteuid() == 0:
        args = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *args]
    env = {**os.environ, "HOME": str(home), "MPLCONFIGDIR": str(home / ".mpl")}
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=home, env=env)


@pytest.fixture
def shared_tmp():
    """A temporary folder other users can enter (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="lakip-uji-"))
    folder.chmod(0o777)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


# -- the lock -------------------------------------------------------------------------------


def test_second_holder_of_the_lock_is_refused_with_a_message(tmp_path):
    with locked(tmp_path):
        with pytest.raises(LakipError, match="build lain sedang menulis ke"):
            with locked(tmp_path):
                pass
    with locked(tmp_path):  # released: taken again
        pass
    assert list(tmp_path.iterdir()) == []  # no lock file left behind


def test_lock_can_be_waited_for(tmp_path):
    holder = subprocess.Popen(
        [
            PYTHON,
            "-c",
            "import sys, time; from pathlib import Path; from lakipkit.outputs import locked\n"
            "with locked(Path(sys.argv[1])):\n    print('ok', flush=True); time.sleep(1.0)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ok"
    with pytest.raises(LakipError):
        with locked(tmp_path):
            pass
    start = time.monotonic()
    with locked(tmp_path, wait=20):
        waited = time.monotonic() - start
    assert 0 < waited < 20
    holder.wait()


def test_build_into_a_folder_another_build_holds_is_refused(tmp_path, stub_notebook):
    target = tmp_path / SATKER / str(TAHUN)
    target.mkdir(parents=True)
    (target / f"{STEM}.html").write_text("lama")
    with locked(target):
        with pytest.raises(LakipError, match="build lain sedang menulis"):
            _build(tmp_path, formats=("html",))
    assert (target / f"{STEM}.html").read_text() == "lama"
    assert _hidden(target) == []


def test_cli_second_build_exits_1_with_one_line(tmp_path, stub_notebook, capsys):
    target = tmp_path / SATKER / str(TAHUN)
    target.mkdir(parents=True)
    args = ["build", "--tahun", str(TAHUN), "--data", str(FIXTURE_DATA), "--output", str(tmp_path)]
    with locked(target):
        assert main([*args, "--satker", SATKER, "--format", "html"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "build lain sedang menulis" in err


# -- staging, commit, leftovers, stale formats ----------------------------------------------


def test_failed_write_leaves_no_partial_and_names_the_full_disk(tmp_path, monkeypatch):
    staging = Staging(tmp_path)
    staging.write("a.html", b"<p>a</p>")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(LakipError, match=r"b\.pdf: disk penuh"):
        staging.write("b.pdf", b"%PDF")
    staging.discard()
    assert list(tmp_path.iterdir()) == []


def test_full_disk_during_a_build_keeps_the_previous_report(tmp_path, stub_notebook, monkeypatch):
    first = _build(tmp_path, formats=("html",))
    before = {p: p.read_bytes() for p in first.paths}
    real = build.export_html
    monkeypatch.setattr(build, "export_html", lambda nb, title: real(nb, title) + "<!-- baru -->")
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "")))
    with pytest.raises(LakipError, match="disk penuh"):
        _build(tmp_path, formats=("html",), paksa=True)
    assert {p: p.read_bytes() for p in first.paths} == before
    assert _hidden(first.output_dir) == []


def test_leftovers_of_a_killed_build_are_removed_at_the_next_start(tmp_path, stub_notebook):
    target = tmp_path / SATKER / str(TAHUN)
    target.mkdir(parents=True)
    for name in (f".{STEM}.pdf.partial", f".{STEM}.running.ipynb", ".summary.json.partial"):
        (target / name).write_bytes(b"sisa")
    (target / ".catatan-pengguna").write_text("bukan milik build")
    _build(tmp_path, formats=("html",))
    assert _hidden(target) == [".catatan-pengguna"]
    assert remove_leftovers(target) == []


def test_format_not_rebuilt_is_removed_and_said(tmp_path, stub_notebook, capsys):
    target = tmp_path / SATKER / str(TAHUN)
    target.mkdir(parents=True)
    old_pdf = target / f"{STEM}.pdf"
    old_pdf.write_bytes(b"%PDF lama")
    quarterly = target / f"triwulan-2-{SATKER}-{TAHUN}.pdf"
    quarterly.write_bytes(b"%PDF triwulan")
    args = ["build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(FIXTURE_DATA)]
    assert main([*args, "--output", str(tmp_path), "--format", "html"]) == 0
    assert not old_pdf.exists() and quarterly.exists()  # another report's files are not touched
    err = capsys.readouterr().err
    assert f"dihapus {old_pdf}" in err


def test_commit_moves_everything_and_reports_stale(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"old")
    staging = Staging(tmp_path)
    staging.write("x.html", b"new")
    final, removed = staging.commit(stale=["x.pdf", "x.html"])
    assert final == {"x.html": tmp_path / "x.html"} and removed == [tmp_path / "x.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.html"]


# -- interrupts -----------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_becomes_build_interrupted_with_the_shell_exit_code(signum):
    with pytest.raises(BuildInterrupted) as caught:
        with SignalGuard():
            os.kill(os.getpid(), signum)
            time.sleep(5)
    assert caught.value.exit_code == 128 + signum
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers restored


def test_swallowed_interrupt_is_still_seen_after_the_step():
    with pytest.raises(BuildInterrupted):
        with SignalGuard() as guard:
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)
            except KeyboardInterrupt:
                pass  # what a library callback may do
            guard.check()


def test_interrupt_during_pdf_keeps_the_previous_report(tmp_path, stub_notebook, monkeypatch):
    first = _build(tmp_path, formats=("html", "pdf"))
    before = {p: p.read_bytes() for p in first.paths}

    def interrupted_pdf(html, *renderer):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except KeyboardInterrupt:
            pass  # WeasyPrint swallowing it and returning a PDF without its images
        return b"%PDF tanpa gambar"

    monkeypatch.setattr(build, "export_pdf", interrupted_pdf)
    monkeypatch.setattr(build, "export_html", lambda nb, title: "<main>baru</main>")
    with pytest.raises(BuildInterrupted):
        _build(tmp_path, formats=("html", "pdf"), paksa=True)
    assert {p: p.read_bytes() for p in first.paths} == before
    assert _hidden(first.output_dir) == []


def test_signals_during_the_commit_wait_until_every_file_is_in_place(tmp_path):
    with SignalGuard() as guard:
        staging = Staging(tmp_path, guard)
        for name in ("a", "b", "c"):
            staging.write(name, name.encode())
        real_replace = os.replace
        calls = []

        def replace_and_signal(src, dst):
            real_replace(src, dst)
            calls.append(dst)
            if len(calls) == 1:
                os.kill(os.getpid(), signal.SIGTERM)

        os.replace = replace_and_signal
        try:
            staging.commit()
        finally:
            os.replace = real_replace
        assert guard.received == signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "c"]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_lakip_build_interrupted_mid_notebook_exits_non_zero_and_changes_nothing(tmp_path, signum):
    """The signal reaches `lakip build` while its kernel is running a cell.

    The report notebook, with one cell added after its parameters that marks it has started
    and then waits, stands in for a long notebook: polling for an output file instead would
    race a build that runs the whole notebook in a few seconds.
    """
    out = tmp_path / "out"
    target = out / SATKER / str(TAHUN)
    target.mkdir(parents=True)
    (target / f"{STEM}.html").write_text("laporan lama")
    started = tmp_path / "notebook-berjalan"
    slow = nbformat.read(build.notebook_path(), as_version=4)
    waiting = f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(300)"
    after = next(i for i, c in enumerate(slow.cells) if "parameters" in c.metadata.get("tags", []))
    slow.cells.insert(after + 1, nbformat.v4.new_code_cell(waiting))
    notebook = tmp_path / "notebooks" / "laporan.ipynb"
    notebook.parent.mkdir()
    nbformat.write(slow, str(notebook))
    cli = (
        "import sys, pathlib; import lakipkit.build as b; "
        f"b.notebook_path = lambda laporan='tahunan': pathlib.Path({str(notebook)!r}); "
        "from lakipkit.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    args = ["build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(FIXTURE_DATA)]
    process = subprocess.Popen(
        [PYTHON, "-c", cli, *args, "--output", str(out), "--format", "html"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    while not started.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), f"the notebook never started: {process.poll()=}"
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, err
    assert "Traceback" not in err and "dihentikan" in err
    assert (target / f"{STEM}.html").read_text() == "laporan lama"
    assert sorted(p.name for p in target.iterdir()) == [f"{STEM}.html"]


# -- the output folder itself ---------------------------------------------------------------


def test_output_that_is_a_file_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "keluaran"
    blocker.write_text("bukan folder")
    args = ["build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(FIXTURE_DATA)]
    assert main([*args, "--output", str(blocker), "--format", "html"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "adalah file, bukan folder" in err
    assert blocker.read_text() == "bukan folder"


def test_read_only_output_folder_is_a_one_line_error(shared_tmp):
    out = shared_tmp / "hanya-baca"
    (out / SATKER / str(TAHUN)).mkdir(parents=True)
    for folder in (out, out / SATKER, out / SATKER / str(TAHUN)):
        folder.chmod(0o555)
    run = _as_nobody(
        [PYTHON, "-c", "import sys; from lakipkit.cli import main; sys.exit(main(sys.argv[1:]))"]
        + ["build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(FIXTURE_DATA)]
        + ["--output", str(out), "--format", "html"],
        shared_tmp,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "izin ditolak" in run.stderr
    assert run.stderr.count("\n") == 1


def test_prepare_folder_creates_parents(tmp_path):
    assert prepare_folder(tmp_path / "a" / "b").is_dir()


# -- every command that writes: never exit 0 after writing less than asked -------------------
# A full disk or a refused write hits each command part-way through its files; each must exit
# 1 with one line that says why, and leave what was there before (no half-written year,
# unit, workbook or site, no temporary files).


def _failing_from(n, error):
    """A stand-in for a write call that works `n - 1` times, then fails with `error`."""

    def patch(real):
        calls = [0]

        def write(*args, **kwargs):
            calls[0] += 1
            if calls[0] >= n:
                raise OSError(error, os.strerror(error))
            return real(*args, **kwargs)

        return write

    return patch


def _tree(folder):
    """Every file under `folder` with its bytes, hidden ones included."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class _OneUnitEngine:
    """A batch engine that 'builds' each unit in this process (the client writes its files)."""

    workers = 1

    def run(self, tasks):
        from lakipkit.batch import UnitResult

        for task in tasks:
            stem = f"laporan-{task.unit.satker}-{task.unit.tahun}"
            yield UnitResult(
                task.unit, {f"{stem}.html": b"<main>x</main>", "summary.json": b"{}"}, 0.1
            )

    def close(self):
        pass


def _writing_commands(tmp_path, monkeypatch, error):
    """(command line, folder it writes into) for each command that writes, its writes failing."""
    import zipfile

    import openpyxl

    import lakipkit.batch as batch
    from lakipkit.spreadsheet import write_workbook

    data = tmp_path / "data"
    subprocess.run(["cp", "-r", str(FIXTURE_DATA), str(data)], check=True)
    out = tmp_path / "out"
    where = ["--data", str(data)]
    one = ["--tahun", str(TAHUN), "--satker", SATKER, *where]
    book = write_workbook(data, SATKER, TAHUN, tmp_path / "buku.xlsx")
    edited = tmp_path / "diubah.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["program"]["D3"] = "Program Baru"
    wb.save(edited)
    _build(out, formats=("html",))  # a report for the site; earlier files a build must keep
    fail = _failing_from(1, error)
    fail_second = _failing_from(2, error)
    return {
        "build": (
            ["build", *one, "--output", str(out), "--format", "html", "--paksa"],
            out,
            lambda: monkeypatch.setattr(os, "fsync", fail(os.fsync)),
        ),
        "build --semua": (
            ["build", "--semua", *where, "--output", str(out), "--format", "html", "--paksa"],
            out / SATKER,
            lambda: (
                monkeypatch.setattr(batch, "make_engine", lambda *a: _OneUnitEngine()),
                monkeypatch.setattr(os, "fsync", fail(os.fsync)),
            ),
        ),
        "situs": (
            ["situs", "--output", str(out)],
            out,
            lambda: monkeypatch.setattr(os, "fsync", fail(os.fsync)),
        ),
        "tahun-baru": (
            ["tahun-baru", "--tahun", str(TAHUN + 1), "--dari", str(TAHUN), *where],
            data,
            lambda: monkeypatch.setattr(Path, "write_text", fail_second(Path.write_text)),
        ),
        "satker-baru": (
            ["satker-baru", "dinas-x", "--tahun", "2025", *where],
            data,
            lambda: monkeypatch.setattr(Path, "write_text", fail_second(Path.write_text)),
        ),
        "contoh": (
            ["contoh", "--unit", "3", "--tahun", "2024", "--data", str(tmp_path / "rekaan")],
            tmp_path,
            lambda: monkeypatch.setattr(Path, "write_text", fail_second(Path.write_text)),
        ),
        "xlsx": (
            ["xlsx", *one, "--output", str(out / "data.xlsx")],
            out,
            lambda: monkeypatch.setattr(
                zipfile.ZipFile, "write", fail_second(zipfile.ZipFile.write)
            ),
        ),
        "impor": (
            ["impor", *one, str(edited)],
            data,
            lambda: monkeypatch.setattr(os, "fsync", fail(os.fsync)),
        ),
    }


COMMANDS = [
    "build",
    "build --semua",
    "situs",
    "tahun-baru",
    "satker-baru",
    "contoh",
    "xlsx",
    "impor",
]


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES], ids=["disk-penuh", "izin"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_write_failing_midway_exits_1_and_changes_nothing(
    tmp_path, monkeypatch, capsys, stub_notebook, command, error
):
    args, folder, break_writes = _writing_commands(tmp_path, monkeypatch, error)[command]
    before = _tree(folder)
    capsys.readouterr()
    break_writes()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    reason = {errno.ENOSPC: "disk penuh", errno.EACCES: "izin ditolak"}[error]
    assert reason in err, err
    if command != "build --semua":  # the batch tells each failed unit, then exits 1
        assert err.count("\n") == 1, err
        assert _tree(folder) == before
    else:
        unit = folder / str(TAHUN)
        assert _tree(unit) == {
            k[len(f"{TAHUN}/") :]: v for k, v in before.items() if k.startswith(f"{TAHUN}/")
        }


def test_an_output_that_cannot_be_replaced_midway_exits_1(tmp_path, stub_notebook, capsys):
    """The commit itself fails after moving some files: the build must not say it succeeded."""
    target = tmp_path / SATKER / str(TAHUN)
    target.mkdir(parents=True)
    (target / f"{STEM}.html").mkdir()  # in the way of the HTML: os.replace refuses
    args = ["build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(FIXTURE_DATA)]
    assert main([*args, "--output", str(tmp_path), "--format", "html"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(target) in err
    assert _hidden(target) == []


def test_an_unwritable_build_record_does_not_fail_a_complete_build(
    tmp_path, stub_notebook, monkeypatch, capsys
):
    """The record only lets the next build be skipped; every requested file is in place."""
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    out = tmp_path / "out"
    args = ["build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(FIXTURE_DATA)]
    assert main([*args, "--output", str(out), "--format", "html"]) == 0
    assert (out / SATKER / str(TAHUN) / f"{STEM}.html").is_file()
