"""Issue 9 regressions: each input that gave a traceback, a silent loss or a wrong output.

Every test here failed on main before the fix (tracebacks, -Infinity in summary.json, text
lost after `<style>`, symlinked secrets copied by tahun-baru, ...).
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from base64 import b64decode
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lakipkit import charts
from lakipkit.capaian import CapaianSettings, compute_capaian
from lakipkit.cli import main, terminal_text
from lakipkit.errors import DataValidationError, LakipError, ParseError
from lakipkit.formatting import bulatkan, format_persen
from lakipkit.loading import load_year
from lakipkit.narrative import MAX_SPAN, render_markdown
from lakipkit.parsing import parse_tanggal
from lakipkit.summary import build_summary, summary_json
from lakipkit.tahun_baru import start_year

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "data"
SATKER, TAHUN = "contoh-satker", 2023


@pytest.fixture
def data(tmp_path):
    """A writable copy of the small fixture unit."""
    shutil.copytree(FIXTURE, tmp_path / "data")
    return tmp_path / "data"


def _year_dir(data):
    return data / SATKER / str(TAHUN)


def _cli(*args, data):
    return main([*args, "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(data)])


def _one_line_error(capsys):
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("lakip: ")
    return err


# -- tracebacks that are now findings --------------------------------------------------------


def test_year_zero_date_is_a_finding_not_a_traceback(data, capsys):
    with pytest.raises(ParseError, match="tahun di luar 1-9999"):
        parse_tanggal("0000-01-01")
    path = _year_dir(data) / "jadwal_pemutakhiran.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\d{4}-\d{2}-\d{2}", "0000-01-01", text, count=1), encoding="utf-8")
    assert _cli("periksa", data=data) == 1
    out = capsys.readouterr().out
    assert "jadwal_pemutakhiran.csv" in out and "tahun di luar 1-9999" in out


@pytest.mark.parametrize("command", ["summary", "periksa", "build"])
@pytest.mark.parametrize("cap", ["50", "nan", "inf", "1e309"])
def test_bad_cap_is_one_line_in_every_command(data, capsys, command, cap):
    output = ["--output", str(data.parent / "keluaran")] if command == "build" else []
    assert _cli(command, "--cap", cap, *output, data=data) == 1
    err = _one_line_error(capsys)
    assert err.count("\n") == 1 and "--cap" in err


def test_yaml_nested_600_levels_is_a_finding(data):
    laporan = _year_dir(data) / "laporan.yaml"
    laporan.write_text(
        laporan.read_text(encoding="utf-8") + "x: " + "[" * 600 + "]" * 600 + "\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as caught:
        load_year(data, SATKER, TAHUN)
    assert any("bersarang lebih dari 50 tingkat" in f.message for f in caught.value.findings)


# -- tahun-baru: what it copies ---------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"a,b\n\xe9t\xe9,1\n"], ids=["kosong", "latin-1"])
def test_tahun_baru_with_an_odd_extra_csv_still_starts_the_year(data, capsys, content):
    (_year_dir(data) / "tambahan.csv").write_bytes(content)
    assert main(["tahun-baru", "--tahun", "2024", "--dari", "2023", "--data", str(data)]) == 0
    err = capsys.readouterr().err
    new = data / SATKER / "2024"
    if content:
        assert "tidak disalin: tambahan.csv (bukan teks UTF-8" in err
        assert not (new / "tambahan.csv").exists()
    else:
        assert (new / "tambahan.csv").read_bytes() == b""


def test_tahun_baru_never_follows_symlinks_nor_copies_other_files(data, tmp_path, capsys):
    secret = tmp_path / "rahasia"
    secret.write_text("kata sandi")
    secret.chmod(0o600)
    year = _year_dir(data)
    (year / "sandi.txt").symlink_to(secret)
    (year / "narasi" / "tautan.md").symlink_to(year / "narasi" / "kata_pengantar.md")
    (year / "catatan.docx").write_bytes(b"PK\x03\x04")
    (year / "lampiran").mkdir()
    (year / "lampiran" / "foto.jpg").write_bytes(b"\xff\xd8")
    written = start_year(data, SATKER, 2024, 2023)
    names = {p.relative_to(data / SATKER / "2024").as_posix() for p in written}
    assert not names & {"sandi.txt", "narasi/tautan.md", "catatan.docx", "lampiran/foto.jpg"}
    assert not any("kata sandi" in p.read_text(errors="replace") for p in written)
    shutil.rmtree(data / SATKER / "2024")
    assert main(["tahun-baru", "--tahun", "2024", "--dari", "2023", "--data", str(data)]) == 0
    err = capsys.readouterr().err
    assert "tidak disalin: sandi.txt (tautan simbolik, tidak diikuti)" in err
    assert "tidak disalin: catatan.docx" in err


# -- unreadable folders, as a user that file modes apply to -----------------------------------


CASES = [
    (SATKER, "periksa"),
    (f"{SATKER}/{TAHUN}", "periksa"),
    (f"{SATKER}/{TAHUN}", "summary"),
    (f"{SATKER}/{TAHUN}/narasi", "periksa"),
    (f"{SATKER}/{TAHUN}/narasi", "build"),  # was a report without narrative, exit 0
]
# Runs every case in one process (imports cost seconds on a loaded machine). A build stops at
# the data check, before its kernel would run: no kernel is started.
_RUN_CASES = """
import contextlib, io, json, sys
import lakipkit.build
from lakipkit.cli import main
lakipkit.build.WarmKernel = lambda **kwargs: contextlib.nullcontext()
results = []
for data, command in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    extra = ["--output", data + "-keluaran", "--format", "html"] if command == "build" else []
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = [command, "--tahun", "2023", "--satker", "contoh-satker", "--data", data]
            code = main(args + extra)
        except BaseException as error:  # what the test is about: report it, do not die
            import traceback
            code, _ = -1, traceback.print_exc(file=err)
    results.append([code, out.getvalue() + err.getvalue()])
print(json.dumps(results))
"""


def test_unreadable_folder_is_named_never_a_traceback_nor_silent():
    root = Path(tempfile.mkdtemp(prefix="lakip-uji-"))
    try:
        root.chmod(0o777)
        cases = []
        for n, (folder, command) in enumerate(CASES):
            shutil.copytree(FIXTURE, root / f"data{n}")
            (root / f"data{n}" / folder).chmod(0o000)
            cases.append([str(root / f"data{n}"), command])
        command = [sys.executable, "-c", _RUN_CASES, json.dumps(cases)]
        if os.geteuid() == 0:  # root ignores file modes: run as nobody
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        env = {**os.environ, "HOME": str(root), "MPLCONFIGDIR": str(root / ".mpl")}
        run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        assert run.returncode == 0, run.stderr
        for (folder, _), (data, _), (code, output) in zip(
            CASES, cases, json.loads(run.stdout), strict=True
        ):
            assert code == 1, output
            assert "Traceback" not in output
            assert str(Path(data) / folder) in output
            assert "tidak dapat dibaca" in output or "tidak dapat mengakses" in output
    finally:
        for folder in root.rglob("*"):
            if folder.is_dir() and not folder.is_symlink():
                folder.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


# -- charts: data text is text ----------------------------------------------------------------


def _svg(html):
    return b64decode(re.search(r"base64,([^\"]+)", html).group(1)).decode("utf-8")


@pytest.mark.parametrize("text", [r"$\frac{a}{b$", "harga $5 dan $10", "<&>\"'"])
def test_dollar_and_markup_in_chart_text_are_drawn_as_written(text):
    labels = pd.Series([text, "biasa"])
    fig = charts._barh(
        labels, pd.Series([50.0, np.nan]), ["#000", "#111"], text, 0.2, 80, missing="-"
    )
    svg = _svg(charts.figure_html(fig, text))
    drawn = "".join(ET.fromstring(svg).itertext())
    assert text in drawn


def test_dollar_in_organisation_names_builds_the_chart():
    org = pd.DataFrame(
        {
            "id": ["a", "b"],
            "induk": [pd.NA, "a"],
            "unit": [r"$\frac{a}{b$", "Sub"],
            "nama": ["$x$", "y"],
            "jabatan": ["Kepala", "Staf"],
            "nip": [pd.NA, pd.NA],
        }
    )
    assert "$x$" in "".join(ET.fromstring(_svg(charts.org_chart_html(org, "Struktur"))).itertext())


# -- numbers: bounded, strict JSON, one rounding ----------------------------------------------


def test_rentang_below_a_zero_lower_bound_is_zero_not_minus_infinity(data, capsys):
    row = {
        "id": "X-1",
        "program": "WA",
        "kegiatan": pd.NA,
        "sasaran": "S",
        "uraian": "u",
        "satuan": "%",
        "polaritas": "rentang",
        "rumus": pd.NA,
        "skala": pd.NA,
        "agregasi_triwulan": "terakhir",
        "target_teks": "0-5%",
        "target": 0.0,
        "target_atas": 5.0,
        "realisasi_teks": "-1%",
        "realisasi": -1.0,
    }
    hasil = compute_capaian(pd.DataFrame([row]))
    assert hasil["capaian"].iloc[0] == 0.0 and hasil["status"].iloc[0] == "tidak tercapai"
    below = compute_capaian(pd.DataFrame([{**row, "target": 2.0, "realisasi": -1.0}]))
    assert below["capaian"].iloc[0] == 0.0


def test_summary_json_is_strict(data):
    year = load_year(data, SATKER, TAHUN)
    text = summary_json(build_summary(year))
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in summary.json"))
    with pytest.raises(LakipError, match="tak hingga"):
        summary_json({"x": float("inf")})


@pytest.mark.parametrize(
    ("value", "shown"), [(0.125, "0,13%"), (2.675, "2,68%"), (99.995, "100,00%"), (-0.125, "")]
)
def test_summary_and_report_round_the_same_way(value, shown):
    assert format_persen(value).startswith(format_persen(bulatkan(value, 2))[:-2])
    if shown:
        assert format_persen(value) == shown == format_persen(bulatkan(value, 2))
    assert format_persen(bulatkan(value, 2)) == format_persen(value)


def test_summary_json_and_the_report_print_the_same_rounded_capaian(data):
    """Capaian 0,125 %: summary.json said 0.12 (Python's round) beside 0,13 % in the report."""
    from lakipkit import tables

    year_dir = _year_dir(data)
    for name, old, new in [
        ("indikator.csv", ",2 laporan,", ",800 laporan,"),
        ("realisasi.csv", "WA-02,2 laporan,", "WA-02,1 laporan,"),
    ]:
        text = (year_dir / name).read_text(encoding="utf-8")
        (year_dir / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    year = load_year(data, SATKER, TAHUN)
    capaian = compute_capaian(year.indikator)
    assert capaian.set_index("id").loc["WA-02", "capaian"] == 0.125
    (row,) = [r for r in build_summary(year)["indikator"]["baris"] if r["id"] == "WA-02"]
    assert row["capaian"] == 0.13
    table = tables.indicator_table(capaian, year.sasaran, year.program, year.kegiatan, "Uji")
    assert re.findall(r"0,1\d%", table._repr_html_()) == ["0,13%"]


# -- narrative: nothing lost in silence, layout bounded ---------------------------------------


@pytest.mark.parametrize(
    "markdown",
    [
        "awal\n\n<!-- catatan yang lupa ditutup\n\nsisa teks",
        "Tag <style> dipakai untuk gaya.\n\nsisa teks",
        "awal\n\n<style>\n\nsisa teks",
        "Isian <textarea> di formulir.\n\nsisa teks",
        "Judul ada di <title> halaman.\n\nsisa teks",
        "Jika a<b dan c>d maka\n\nsisa teks",
        "awal <xmp> dan <template>\n\nsisa teks",
    ],
)
def test_narrative_keeps_the_text_after_swallowing_markup(markdown):
    html = render_markdown(markdown)
    assert "sisa teks" in html
    text = re.sub(r"<[^>]+>", "", html)
    for word in re.findall(r"\w+", markdown):
        assert word in text, (word, html)


def test_closed_comments_scripts_and_styles_are_still_removed():
    html = render_markdown(
        "<!-- rahasia -->\n\n<script>alert(1)</script>\n\n<style>p{}</style>\n\nok"
    )
    assert html == "<p>ok</p>"


def test_layout_driving_attributes_are_bounded():
    html = render_markdown(
        '<table><tr><td colspan="1000000" rowspan="300000">a</td></tr></table>\n\n'
        '<ol start="99999999999999"><li>x</li></ol>'
    )
    assert f'colspan="{MAX_SPAN}"' in html and f'rowspan="{MAX_SPAN}"' in html
    assert 'start="9999"' in html


def _table(columns, html=False):
    if html:
        return "<table><tr>" + "<td>x</td>" * columns + "</tr></table>"
    header = "|" + "|".join(f"k{i}" for i in range(columns)) + "|"
    return f"{header}\n|{'|'.join('-' * columns)}|\n{header}"


@pytest.mark.parametrize("html", [False, True], ids=["markdown", "html"])
def test_a_narrative_table_wider_than_the_limit_is_a_finding(data, html):
    """Columns drive layout cost like colspan: 6 000 kept WeasyPrint busy for 46 s."""
    from lakipkit.loading import MAX_KOLOM_NARASI

    path = _year_dir(data) / "narasi" / "kata_pengantar.md"
    path.write_text(f"Pengantar.\n\n{_table(MAX_KOLOM_NARASI, html)}\n", encoding="utf-8")
    load_year(data, SATKER, TAHUN)  # at the limit: fine
    path.write_text(f"Pengantar.\n\n{_table(MAX_KOLOM_NARASI + 1, html)}\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_year(data, SATKER, TAHUN)
    (finding,) = caught.value.findings
    assert finding.kode == "table_too_wide" and finding.file == str(path)
    assert finding.row == 3 and f"{MAX_KOLOM_NARASI + 1} kolom" in finding.message


# -- the terminal -----------------------------------------------------------------------------


def test_terminal_text_shows_control_characters_as_escapes():
    assert terminal_text("a\x1b]0;judul\x07b\rc\u202ed\n\te\x9b") == (
        "a\\x1b]0;judul\\x07b\\x0dc\\u202ed\n\te\\x9b"
    )


@pytest.mark.parametrize("command", ["periksa", "build"])
def test_commands_do_not_echo_escape_sequences_from_data(data, capsys, monkeypatch, command):
    import lakipkit.build as build

    monkeypatch.setattr(build, "WarmKernel", lambda **kwargs: contextlib.nullcontext())
    path = _year_dir(data) / "indikator.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"97,5%"', '"\x1b]0;diretas\x07\x1b[2J97"', 1), encoding="utf-8")
    output = ["--output", str(data.parent / "keluaran"), "--format", "html"]
    assert _cli(command, *(output if command == "build" else []), data=data) == 1
    shown = "".join(capsys.readouterr())
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b]0;diretas\\x07" in shown


def test_settings_cap_inf_never_reaches_summary_json():
    with pytest.raises(ValueError):
        CapaianSettings(cap=float("inf"))


@pytest.mark.slow
def test_long_unbroken_token_keeps_every_column_on_the_pdf_page():
    import nbformat

    from lakipkit import tables
    from lakipkit.build import export_html, export_pdf

    year = load_year(FIXTURE, SATKER, TAHUN)
    indikator = year.indikator.copy()
    indikator.loc[indikator.index[0], "uraian"] = "X" * 110
    table = tables.indicator_table(
        compute_capaian(indikator), year.sasaran, year.program, year.kegiatan, "Uji"
    )
    cell = nbformat.v4.new_code_cell("")
    html = table._repr_html_() if hasattr(table, "_repr_html_") else str(table)
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# BAB I PENDAHULUAN"), cell]
    )
    pdf = export_pdf(export_html(nb, "uji"))
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right < width - 20  # inside the page with some margin left
    assert "Capaian" in boxes


# -- sizes the report cannot serve ------------------------------------------------------------


@pytest.mark.parametrize("name", ["indikator.csv", "anggaran.csv"])
def test_more_rows_than_a_report_serves_is_refused_with_a_clear_message(data, name):
    from lakipkit.loading import MAX_BARIS_LAPORAN

    most = MAX_BARIS_LAPORAN[name]
    path = _year_dir(data) / name
    lines = path.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    rows = [re.sub(r"^[^,]+", f"X-{n:05d}", first) for n in range(most + 1)]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_year(data, SATKER, TAHUN)
    (finding,) = [f for f in caught.value.findings if f.kode == "too_many_rows"]
    shown = f"{most:,}".replace(",", ".")
    assert finding.file.endswith(name) and f"melebihi batas {shown}" in finding.message


def test_any_csv_has_a_row_limit(data, monkeypatch):
    import lakipkit.loading as loading

    monkeypatch.setattr(loading, "MAX_ROWS", 1)
    with pytest.raises(DataValidationError) as caught:
        load_year(data, SATKER, TAHUN)
    assert any(f.kode == "too_many_rows" for f in caught.value.findings)
