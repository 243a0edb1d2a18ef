"""The CLI only maps arguments to the API: tested by calling main() with the API mocked."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from lakipkit import cli
from lakipkit.errors import LakipError

DATA = Path(__file__).resolve().parents[1] / "data"


def test_summary_prints_json(capsys):
    assert cli.main(["summary", "--tahun", "2024", "--data", str(DATA)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["anggaran"]["penyerapan_persen"] == 36.38


def test_missing_year_is_one_line_error(capsys):
    assert cli.main(["summary", "--tahun", "2031", "--data", str(DATA)]) == 1
    err = capsys.readouterr().err.strip()
    assert "2031" in err and "tahun-baru" in err
    assert "Traceback" not in err


def test_path_like_satker_refused(capsys):
    assert (
        cli.main(["summary", "--tahun", "2024", "--satker", "../../etc", "--data", str(DATA)]) == 1
    )
    assert "bukan id satker yang sah" in capsys.readouterr().err


def test_several_satker_need_a_choice(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert cli.main(["summary", "--tahun", "2024", "--data", str(tmp_path)]) == 1
    assert "--satker" in capsys.readouterr().err


def test_build_maps_arguments(monkeypatch, capsys, tmp_path):
    calls = {}

    def fake_build(data, satker, tahun, output, **kw):
        calls.update(data=data, satker=satker, tahun=tahun, output=output, **kw)
        return SimpleNamespace(paths=[output / "x.html"], removed=[], cached=False)

    monkeypatch.setattr("lakipkit.build.build_report", fake_build)
    code = cli.main(
        [
            "build",
            "--tahun",
            "2024",
            "--data",
            str(DATA),
            "--format",
            "html",
            "--output",
            str(tmp_path),
            "--cap",
            "110",
        ]
    )
    assert code == 0
    assert calls["satker"] == "kpu-kota-bontang" and calls["tahun"] == 2024
    assert calls["formats"] == ("html",)
    assert calls["parameters"]["cap"] == "110"
    assert str(tmp_path / "x.html") in capsys.readouterr().out


def test_build_error_is_reported(monkeypatch, capsys, tmp_path):
    def failing(*a, **kw):
        raise LakipError("sel 12 gagal: ZeroDivisionError")

    monkeypatch.setattr("lakipkit.build.build_report", failing)
    assert (
        cli.main(["build", "--tahun", "2024", "--data", str(DATA), "--output", str(tmp_path)]) == 1
    )
    assert "sel 12 gagal" in capsys.readouterr().err


def test_unknown_skala_is_usage_error():
    with pytest.raises(SystemExit) as exc:
        cli.main(["summary", "--tahun", "2024", "--skala", "nope"])
    assert exc.value.code == 2


def test_periksa_warnings_pass_unless_ketat(capsys):
    assert cli.main(["periksa", "--tahun", "2024", "--data", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "0 galat" in out and "peringatan" in out
    assert cli.main(["periksa", "--tahun", "2024", "--data", str(DATA), "--ketat"]) == 1


def test_tahun_baru_creates_once(tmp_path, capsys):
    import shutil

    shutil.copytree(DATA / "kpu-kota-bontang", tmp_path / "kpu-kota-bontang")
    argv = ["tahun-baru", "--tahun", "2025", "--dari", "2024", "--data", str(tmp_path)]
    assert cli.main(argv) == 0
    assert (tmp_path / "kpu-kota-bontang" / "2025" / "indikator.csv").exists()
    assert cli.main(argv) == 1
    assert "sudah ada" in capsys.readouterr().err


def _fake_build(calls):
    def fake_build(data, satker, tahun, output, **kw):
        calls.update(data=data, satker=satker, tahun=tahun, output=output, **kw)
        return SimpleNamespace(paths=[output / "x.html"], removed=[], cached=False)

    return fake_build


@pytest.mark.parametrize(
    ("extra", "laporan", "triwulan"),
    [
        ([], "tahunan", None),
        (["--laporan", "triwulan", "--triwulan", "3"], "triwulan", 3),
        (["--triwulan", "2", "--laporan", "triwulan"], "triwulan", 2),
    ],
)
def test_build_maps_laporan_and_triwulan(monkeypatch, tmp_path, extra, laporan, triwulan):
    calls = {}
    monkeypatch.setattr("lakipkit.build.build_report", _fake_build(calls))
    argv = ["build", "--tahun", "2024", "--data", str(DATA), "--output", str(tmp_path), *extra]
    assert cli.main(argv) == 0
    assert calls["laporan"] == laporan and calls["triwulan"] == triwulan
    assert calls["progress"] is None  # stderr is not a terminal under pytest


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--laporan", "triwulan"], "laporan triwulan butuh nomor triwulan 1-4 (--triwulan)"),
        (["--laporan", "triwulan", "--triwulan", "5"], "triwulan 5 tidak sah"),
        (["--triwulan", "3"], "triwulan 3 hanya untuk laporan triwulan (--laporan triwulan)"),
    ],
)
def test_build_bad_quarter_is_one_line(capsys, tmp_path, extra, message):
    argv = ["build", "--tahun", "2024", "--data", str(DATA), "--output", str(tmp_path), *extra]
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("lakip: ") and message in captured.err
    assert captured.err.count("\n") == 1 and captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_build_unknown_laporan_is_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        cli.main(["build", "--tahun", "2024", "--laporan", "bulanan", "--output", str(tmp_path)])
    assert exc.value.code == 2


def test_progress_draws_each_step_on_a_terminal_only():
    from io import StringIO

    from rich.console import Console

    screen = StringIO()
    terminal = Console(file=screen, force_terminal=True, width=80)
    with cli.build_progress(terminal) as step:
        step("memeriksa data")
        step("ekspor HTML")
    drawn = screen.getvalue()
    assert "memeriksa data" in drawn and "ekspor HTML" in drawn and "✓" in drawn
    pipe = StringIO()
    with cli.build_progress(Console(file=pipe, force_terminal=False)) as step:
        assert step is None
    assert pipe.getvalue() == ""


def test_build_passes_a_progress_callback_on_a_terminal(monkeypatch, tmp_path):
    calls = {}
    monkeypatch.setattr("lakipkit.build.build_report", _fake_build(calls))
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats stderr as a terminal
    argv = ["build", "--tahun", "2024", "--data", str(DATA), "--output", str(tmp_path)]
    assert cli.main(argv) == 0
    assert callable(calls["progress"])


def test_build_pemeriksaan_flag_adds_the_appendix_parameter(monkeypatch, tmp_path):
    calls = {}

    def fake_build(data, satker, tahun, output, **kw):
        calls.update(kw)
        return SimpleNamespace(paths=[], removed=[], cached=False)

    monkeypatch.setattr("lakipkit.build.build_report", fake_build)
    argv = ["build", "--tahun", "2024", "--data", str(DATA), "--output", str(tmp_path)]
    assert cli.main(argv) == 0
    assert "lampiran_pemeriksaan" not in calls["parameters"]
    assert cli.main([*argv, "--pemeriksaan"]) == 0
    assert calls["parameters"]["lampiran_pemeriksaan"] is True
