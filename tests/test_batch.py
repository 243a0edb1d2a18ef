"""Batch builds (`lakip build --semua`): finding units, bytes in/out, skipping, the account.

The engine logic is tested with an in-process fake engine (milliseconds); one real batch of
three tiny units (two good, one with broken data) runs through the CLI and a local pool of
two warm workers; the byte-for-byte comparisons with `lakip build` are slow.
"""

import json
import shutil
from pathlib import Path

import pytest

from lakipkit import cli
from lakipkit.batch import (
    ACCOUNT,
    BatchOptions,
    Outcome,
    Unit,
    UnitResult,
    UnitTask,
    _first_completed,
    build_unit,
    find_units,
    first_error,
    read_unit,
    run_batch,
    windowed,
    write_account,
    write_unit,
)
from lakipkit.errors import DataValidationError, Finding, LakipError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY = FIXTURES / "data" / "contoh-satker"  # one year, 2023
MULTI = FIXTURES / "multi" / "contoh-sintetis"  # 2022-2024


def _data(root: Path, good=("satu", "dua"), bad=("rusak",)) -> Path:
    data = root / "data"
    for name in (*good, *bad):
        shutil.copytree(TINY, data / name)
    for name in bad:
        path = data / name / "2023" / "anggaran.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[1] = lines[1].rsplit(",", 1)[0] + ",abc"  # persen_terbit of row 2
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


class FakeEngine:
    """Runs a stand-in task in this process and records which units it was given."""

    workers = 1

    def __init__(self, fail=()):
        self.fail = set(fail)
        self.seen: list[Unit] = []

    def run(self, tasks):
        for task in tasks:
            self.seen.append(task.unit)
            if task.unit.satker in self.fail:
                yield UnitResult(task.unit, {}, 0.1, "data rusak")
                continue
            stem = f"laporan-{task.unit.satker}-{task.unit.tahun}"
            body = b"".join(task.files[name] for name in sorted(task.files))
            yield UnitResult(task.unit, {f"{stem}.html": body, "summary.json": b"{}"}, 0.2)

    def close(self):
        pass


def _two_units_and_catalogue(root: Path) -> Path:
    """Satker a (2022-2024), b (2023) and a shared folder without years (a catalogue)."""
    data = root / "data"
    shutil.copytree(MULTI, data / "a")
    shutil.copytree(TINY, data / "b")
    (data / "katalog").mkdir()
    (data / "katalog" / "indikator.csv").write_text("kode\nX\n", encoding="utf-8")
    return data


def test_find_units_lists_every_satker_year(tmp_path):
    data = _two_units_and_catalogue(tmp_path)
    assert find_units(data) == [
        Unit("a", 2022),
        Unit("a", 2023),
        Unit("a", 2024),
        Unit("b", 2023),
    ]
    assert find_units(data, 2023) == [Unit("a", 2023), Unit("b", 2023)]


def test_read_unit_takes_own_folder_earlier_years_and_shared_files(tmp_path):
    data = _two_units_and_catalogue(tmp_path)
    (data / "a" / ".git-ish").write_text("x", encoding="utf-8")
    files = read_unit(data, Unit("a", 2023))
    assert "katalog/indikator.csv" in files
    assert "a/satker.yaml" in files and "a/renstra.csv" in files
    assert any(name.startswith("a/2022/") for name in files)
    assert any(name.startswith("a/2023/") for name in files)
    assert not any(name.startswith(("a/2024/", "b/")) for name in files)
    assert "a/.git-ish" not in files
    assert files["a/satker.yaml"] == (MULTI / "satker.yaml").read_bytes()


def test_read_unit_carries_the_satker_yaml_of_every_unit_above(tmp_path):
    """The data check follows satker_induk up to the top: those files, not their years."""
    data = _two_units_and_catalogue(tmp_path)
    shutil.copytree(TINY, data / "c")
    for child, parent in (("b", "a"), ("c", "b")):
        with (data / child / "satker.yaml").open("a", encoding="utf-8") as handle:
            handle.write(f"satker_induk: {parent}\n")
    files = read_unit(data, Unit("c", 2023))
    assert {"a/satker.yaml", "b/satker.yaml", "c/satker.yaml"} <= set(files)
    assert not any(name.startswith(("a/20", "b/20", "a/renstra")) for name in files)
    # a loop or a missing parent stops the walk; the unit's own check reports it
    with (data / "a" / "satker.yaml").open("a", encoding="utf-8") as handle:
        handle.write("satker_induk: c\n")
    assert {n for n in read_unit(data, Unit("c", 2023)) if n.endswith("satker.yaml")} == {
        "a/satker.yaml",
        "b/satker.yaml",
        "c/satker.yaml",
    }
    assert {"a/satker.yaml", "c/satker.yaml"} <= set(read_unit(data, Unit("b", 2023)))


def test_cache_key_follows_content_and_options(tmp_path):
    """The batch asks lakipkit.cache for the key `lakip build` computes (one mechanism)."""
    data = _data(tmp_path, good=("satu",), bad=())
    unit, out = Unit("satu", 2023), tmp_path / "out"
    html = BatchOptions(formats=("html",))
    files = read_unit(data, unit)
    stem, base = html.cache_entry(data, out, unit, files)
    assert stem == "laporan-satu-2023" and base is not None
    assert html.cache_entry(data, out, unit, dict(reversed(list(files.items()))))[1] == base
    edited = {**files, "satu/satker.yaml": b"z"}
    assert html.cache_entry(data, out, unit, edited)[1] != base
    for other in (
        BatchOptions(formats=("html", "pdf"), pdf_engine="chromium"),
        BatchOptions(formats=("html",), parameters={"cap": 120}),
        BatchOptions(formats=("html",), laporan="triwulan", triwulan=3),
    ):
        assert other.cache_entry(data, out, unit, files)[1] != base
    assert BatchOptions(formats=("html",), pdf_engine="weasyprint").cache_entry(
        data, out, unit, files
    ) == (stem, base)  # no PDF made: the engine does not matter


def test_first_error_is_one_line():
    finding = Finding("error", "a.csv", 2, "pagu", "x", "rupiah", "bukan rupiah", "kode")
    other = Finding("error", "b.csv", 3, "target", "y", "angka", "bukan angka", "kode")
    error = DataValidationError([finding, other])
    assert first_error(error) == f"{finding} (dan 1 masalah lain)"
    assert first_error(LakipError("satu\ndua")) == "satu"
    assert first_error(ValueError("")) == "ValueError"


def test_batch_writes_skips_and_accounts(tmp_path):
    data = _data(tmp_path, good=("satu", "dua"), bad=())
    out = tmp_path / "out"
    engine = FakeEngine(fail={"dua"})
    outcomes = run_batch(data, out, engine, BatchOptions(formats=("html",)))
    assert [(o.satker, o.status, o.galat) for o in outcomes] == [
        ("dua", "gagal", "data rusak"),
        ("satu", "berhasil", None),
    ]
    folder = out / "satu" / "2023"
    assert sorted(p.name for p in folder.iterdir()) == [
        "laporan-satu-2023.html",
        "summary.json",
    ]  # what it was built from is recorded in the cache folder, not beside the report
    assert not list(out.rglob("*.partial"))
    # Second run: the built unit is skipped, the failed one is tried again.
    engine = FakeEngine()
    outcomes = run_batch(data, out, engine, BatchOptions(formats=("html",)))
    assert engine.seen == [Unit("dua", 2023)]
    assert [o.status for o in outcomes] == ["berhasil", "dilewati"]
    # A changed input, other options, a lost output or --paksa rebuild it.
    (data / "satu" / "2023" / "narasi" / "ikhtisar.md").write_text("baru\n", encoding="utf-8")
    engine = FakeEngine()
    run_batch(data, out, engine, BatchOptions(formats=("html",)))
    assert engine.seen == [Unit("satu", 2023)]
    engine = FakeEngine()
    run_batch(data, out, engine, BatchOptions(formats=("html", "pdf")))
    assert engine.seen == [Unit("dua", 2023), Unit("satu", 2023)]
    (out / "dua" / "2023" / "summary.json").unlink()
    engine = FakeEngine()
    run_batch(data, out, engine, BatchOptions(formats=("html", "pdf")))
    assert engine.seen == [Unit("dua", 2023)]
    engine = FakeEngine()
    run_batch(data, out, engine, BatchOptions(formats=("html", "pdf")), force=True)
    assert len(engine.seen) == 2


def test_failed_unit_keeps_previous_report(tmp_path):
    data = _data(tmp_path, good=("satu",), bad=())
    out = tmp_path / "out"
    run_batch(data, out, FakeEngine(), BatchOptions(formats=("html",)))
    html = out / "satu" / "2023" / "laporan-satu-2023.html"
    before = html.read_bytes()
    (data / "satu" / "satker.yaml").write_text("rusak: [\n", encoding="utf-8")
    outcomes = run_batch(data, out, FakeEngine(fail={"satu"}), BatchOptions(formats=("html",)))
    assert outcomes[0].status == "gagal"
    assert html.read_bytes() == before


def test_no_units_is_one_line_error(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(LakipError, match="tidak ada satker-tahun"):
        run_batch(tmp_path / "data", tmp_path / "out", FakeEngine())


def test_account_json(tmp_path):
    outcomes = [
        Outcome("a", 2024, "berhasil", 1.5),
        Outcome("b", 2024, "gagal", 0.2, "x.csv baris 2: salah"),
    ]
    path = write_account(tmp_path / ACCOUNT, outcomes)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["jumlah"] == 2 and document["gagal"] == 1 and document["dilewati"] == 0
    assert document["satker"][1] == {
        "satker": "b",
        "tahun": 2024,
        "status": "gagal",
        "detik": 0.2,
        "galat": "x.csv baris 2: salah",
    }


def test_build_unit_returns_first_error_without_raising(tmp_path):
    data = _data(tmp_path, good=(), bad=("rusak",))
    unit = Unit("rusak", 2023)
    task = UnitTask(unit, read_unit(data, unit), BatchOptions(), str(data), str(tmp_path / "o"))
    result = build_unit(task)
    assert not result.ok and result.files == {}
    assert "anggaran.csv baris 2, kolom 'persen_terbit'" in result.error
    assert str(data) in result.error  # the client's path, not the worker's temporary one


def test_cli_semua_refuses_satker(tmp_path, capsys):
    code = cli.main(["build", "--semua", "--satker", "x", "--data", str(tmp_path)])
    assert code == 1 and "--semua" in capsys.readouterr().err


def test_cli_build_without_tahun_or_semua(tmp_path, capsys):
    assert cli.main(["build", "--data", str(tmp_path)]) == 1
    assert "--tahun" in capsys.readouterr().err


@pytest.fixture(scope="module")
def real_batch(tmp_path_factory):
    """Two good tiny units and one broken, through `lakip build --semua` on 2 workers.

    "dua" is a child of "satu" (satker_induk): its task must carry its parent's satker.yaml.
    """
    root = tmp_path_factory.mktemp("batch")
    data = _data(root)
    with (data / "dua" / "satker.yaml").open("a", encoding="utf-8") as handle:
        handle.write("satker_induk: satu\n")
    out = root / "out"
    argv = ["build", "--semua", "--data", str(data), "--output", str(out), "--format", "html"]
    code = cli.main([*argv, "--pekerja", "2"])
    return data, out, argv, code


def test_real_batch_builds_good_units_and_reports_bad_one(real_batch, capsys):
    data, out, argv, code = real_batch
    assert code == 1
    account = json.loads((out / ACCOUNT).read_text(encoding="utf-8"))
    rows = {row["satker"]: row for row in account["satker"]}
    assert [rows[s]["status"] for s in ("dua", "rusak", "satu")] == [
        "berhasil",
        "gagal",
        "berhasil",
    ]
    assert "anggaran.csv baris 2, kolom 'persen_terbit'" in rows["rusak"]["galat"]
    for satker in ("satu", "dua"):
        folder = out / satker / "2023"
        html = (folder / f"laporan-{satker}-2023.html").read_text(encoding="utf-8")
        assert "<script" not in html and "Contoh" in html
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        assert summary["satker"] == satker
        notebook = (folder / f"laporan-{satker}-2023.ipynb").read_text(encoding="utf-8")
        assert "lakip-batch-" not in notebook and str(data) in notebook
    assert not (out / "rusak" / "2023").exists() or not any((out / "rusak" / "2023").iterdir())
    # Nothing changed: the good units are skipped; the bad one fails again, quickly.
    capsys.readouterr()
    assert cli.main([*argv, "--pekerja", "1"]) == 1
    account = json.loads((out / ACCOUNT).read_text(encoding="utf-8"))
    assert [row["status"] for row in account["satker"]] == ["dilewati", "gagal", "dilewati"]


@pytest.mark.slow
def test_batch_bytes_equal_lakip_build(real_batch, tmp_path, capsys):
    """A unit built in a batch has the bytes of `lakip build` into the same folder.

    Unchanged, `lakip build` reuses what the batch built (one cache); forced, it writes the
    same bytes.
    """
    data, out, _, _ = real_batch
    direct = tmp_path / "direct"
    shutil.copytree(out / "satu", direct / "satu")
    argv = ["build", "--data", str(data), "--satker", "satu", "--tahun", "2023"]
    argv += ["--output", str(out), "--format", "html"]
    capsys.readouterr()
    assert cli.main(argv) == 0
    assert "tidak ada perubahan sejak build terakhir" in capsys.readouterr().err
    assert cli.main([*argv, "--paksa"]) == 0
    for path in sorted((out / "satu" / "2023").glob("[!.]*")):
        assert path.read_bytes() == (direct / "satu" / "2023" / path.name).read_bytes(), path.name


def test_crashed_task_still_gives_a_row():
    """A task that raises (a worker killed, not a unit error) is a failed row; others go on."""
    from concurrent.futures import ThreadPoolExecutor

    def task_for(name):
        return UnitTask(Unit(name, 2024), {}, BatchOptions(), "/d", "/o")

    def run(task):
        if task.unit.satker == "mati":
            raise MemoryError("pekerja kehabisan memori")
        return UnitResult(task.unit, {}, 0.0)

    with ThreadPoolExecutor(2) as pool:
        results = list(
            windowed(
                [task_for(n) for n in ("a", "mati", "b")],
                lambda task: (pool.submit(run, task), task.unit),
                _first_completed,
                window=2,
            )
        )
    assert sorted((r.unit.satker, r.ok) for r in results) == [
        ("a", True),
        ("b", True),
        ("mati", False),
    ]
    assert next(r for r in results if not r.ok).error.startswith("pekerja gagal")


def _build_or_die(task):
    """Stand-in for build_unit in a pool worker: "mati" ends the worker's process."""
    import os

    if task.unit.satker == "mati":
        os._exit(9)
    return UnitResult(task.unit, {"x.html": os.getpid().to_bytes(4, "big")}, 0.0)


def test_local_pool_goes_on_after_a_worker_process_dies():
    """A dead worker breaks Python's pool: its unit fails, the next ones get a new pool."""
    from lakipkit.batch import LocalPool

    tasks = [
        UnitTask(Unit(n, 2024), {}, BatchOptions(), "/d", "/o") for n in ("a", "mati", "b", "c")
    ]
    pool = LocalPool(1, build=_build_or_die)
    try:
        results = {r.unit.satker: r for r in pool.run(iter(tasks))}
    finally:
        pool.close()
    assert sorted(results) == ["a", "b", "c", "mati"]
    assert results["mati"].error.startswith("pekerja gagal")
    assert results["a"].ok and results["c"].ok
    # "b" was in flight with "mati" (two per worker) or handed to the new pool: accounted for
    assert results["b"].ok or results["b"].error.startswith("pekerja gagal")
    assert results["c"].files != results["a"].files  # built by another process


def test_dask_engine_accounts_for_a_bad_unit(tmp_path):
    """The Dask path end to end on an in-process LocalCluster: a unit with broken data."""
    from lakipkit.dask_engine import DaskEngine

    data = _data(tmp_path, good=(), bad=("rusak",))
    engine = DaskEngine(workers=1, processes=False)
    try:
        outcomes = run_batch(data, tmp_path / "out", engine, BatchOptions(formats=("html",)))
    finally:
        engine.close()
    assert [(o.satker, o.status) for o in outcomes] == [("rusak", "gagal")]
    assert "anggaran.csv baris 2, kolom 'persen_terbit'" in outcomes[0].galat


@pytest.mark.slow
def test_dask_gives_the_bytes_of_the_local_pool(real_batch, tmp_path):
    """The same units on a LocalCluster (worker processes) write the pool's bytes."""
    data, out, argv, _ = real_batch
    pool = tmp_path / "pool"
    shutil.copytree(out, pool)
    code = cli.main([*argv, "--dask", "--pekerja", "1", "--paksa"])
    assert code == 1  # the broken unit still fails
    account = json.loads((out / ACCOUNT).read_text(encoding="utf-8"))
    assert [row["status"] for row in account["satker"]] == ["berhasil", "gagal", "berhasil"]
    for satker in ("satu", "dua"):
        built = sorted((out / satker / "2023").glob("[!.]*"))
        assert [p.name for p in built] == sorted(
            p.name for p in (pool / satker / "2023").glob("[!.]*")
        )
        for path in built:
            assert path.read_bytes() == (pool / satker / "2023" / path.name).read_bytes()


def test_write_unit_removes_only_its_own_stale_files(tmp_path):
    folder = tmp_path / "a" / "2024"
    folder.mkdir(parents=True)
    for name in ("laporan-a-2024.pdf", "laporan-a-2024.failed.ipynb", "triwulan-3-a-2024.pdf"):
        (folder / name).write_bytes(b"lama")
    files = {"laporan-a-2024.ipynb": b"{}", "laporan-a-2024.html": b"<p>", "summary.json": b"{}"}
    write_unit(tmp_path, UnitResult(Unit("a", 2024), files, 1.0), ("laporan-a-2024", "k"))
    assert sorted(p.name for p in folder.iterdir()) == [
        "laporan-a-2024.html",
        "laporan-a-2024.ipynb",
        "summary.json",
        "triwulan-3-a-2024.pdf",  # another report's file stays
    ]
    quarterly = {"triwulan-3-a-2024.ipynb": b"{}", "triwulan-3-a-2024.html": b"<p>"}
    write_unit(tmp_path, UnitResult(Unit("a", 2024), quarterly, 1.0))
    assert (folder / "laporan-a-2024.html").exists()
    assert not (folder / "triwulan-3-a-2024.pdf").exists()


@pytest.mark.slow
def test_worker_prints_every_unit_in_one_browser_with_the_bytes_of_a_fresh_one(
    tmp_path, monkeypatch
):
    """A warm worker keeps its chromium for the next unit (as it keeps its kernel); a failed
    unit stops it, so the next unit gets a clean one; the PDF is the one a build with its own
    chromium prints."""
    from lakipkit import batch, pdf
    from lakipkit.build import build_report

    if pdf.find_chromium() is None:
        pytest.skip("needs chromium")
    started = []
    real_init = pdf.Browser.__init__

    def counted(self, *args, **kwargs):
        started.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(pdf.Browser, "__init__", counted)
    data = _data(tmp_path, good=("satu", "dua"), bad=("rusak",))
    options = BatchOptions(formats=("html", "pdf"), pdf_engine="chromium")

    def build(name):
        unit = Unit(name, 2023)
        return build_unit(UnitTask(unit, read_unit(data, unit), options, str(data), str(tmp_path)))

    try:
        first, second = build("satu"), build("dua")
        assert first.ok and second.ok and len(started) == 1 and started[0].alive
        assert not build("rusak").ok and not started[0].alive  # dropped after a failure
        assert build("satu").ok and len(started) == 2
    finally:
        batch.close_kept()
    assert not any(browser.alive for browser in started)
    alone = build_report(
        data, "dua", 2023, tmp_path / "sendiri", ("html", "pdf"), pdf_engine="chromium"
    )
    assert len(started) == 3  # a build of its own starts its chromium (and stops it)
    assert second.files["laporan-dua-2023.pdf"] == alone.pdf.read_bytes()
