"""Controls for the exploration notebook (ipywidgets, the `lab` extra), and the logic behind them.

The choices a planner clicks through are computed here without any widget, so they are
tested without a browser: the years that exist (`pilihan_tahun`), programme -> kegiatan ->
indicator narrowing as `parameters.drill_down` does (`pilihan_program`, `pilihan_kegiatan`,
`pilihan_indikator`), and the what-if sentence for a typed realisasi, checked against the
indicator's satuan and with the cap of the settings (`hasil_coba`).

`panel` builds the widgets from them only when ipywidgets can be imported and a Jupyter
frontend started the kernel (jupyter_server sets `JPY_SESSION_NAME` for the kernel of an
open notebook); under papermill, `lakip build` or without the extra it returns a sentence and
the notebook runs on its plain parameters. ipywidgets is imported inside `panel` only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lakipkit import eksplorasi, parameters
from lakipkit.capaian import compute_capaian
from lakipkit.display import Html
from lakipkit.errors import LakipError
from lakipkit.loading import YearData, list_years
from lakipkit.narrative import paragraph
from lakipkit.settings import CapaianSettings, capaian_settings

#: A (label shown, value) pair of a dropdown.
Opsi = tuple[str, Any]

#: The kegiatan choice that means "the programme's own indicators" (no kegiatan).
TANPA_KEGIATAN = "(indikator program sendiri)"


def pilihan_tahun(data: Path, satker: str) -> list[int]:
    """Return the years that have a folder for the satker, oldest first."""
    return sorted(list_years(data, satker))


def pilihan_program(year: YearData) -> list[Opsi]:
    """Return the year's programmes as ("kode nama", kode), in the order of the data."""
    program = year.program
    return [(f"{k} {n}", str(k)) for k, n in zip(program["kode"], program["nama"], strict=True)]


def pilihan_kegiatan(year: YearData, program: str) -> list[Opsi]:
    """Return one programme's kegiatan as ("id nama", id), then its own indicators.

    The last choice (value None) is offered when the programme has indicators of its own
    or no kegiatan at all, as `parameters.drill_down` reads kegiatan None.
    """
    keg = year.kegiatan.loc[year.kegiatan["program"].eq(program)]
    opsi: list[Opsi] = [(f"{i} {n}", str(i)) for i, n in zip(keg["id"], keg["nama"], strict=True)]
    ind = year.indikator
    sendiri = (ind["program"].eq(program) & ind["kegiatan"].isna()).fillna(False).any()
    if sendiri or not opsi:
        opsi.append((TANPA_KEGIATAN, None))
    return opsi


def pilihan_indikator(year: YearData, program: str, kegiatan: str | None) -> list[Opsi]:
    """Return the kegiatan's indicators (the programme's for None) as ("id uraian", id)."""
    ids = parameters.indicator_scope(year, program, kegiatan)[0]
    uraian = year.indikator.set_index("id")["uraian"]
    return [(f"{i} {uraian[i]}", str(i)) for i in ids]


def hasil_coba(
    year: YearData, settings: CapaianSettings, indikator: str, realisasi: str | None
) -> Html:
    """Say what a typed realisasi gives for an indicator, or in one line why it is refused.

    The text is checked as `realisasi_coba` is (its satuan, its kind of value); empty means
    the target itself. The capaian follows `settings`, its cap included.
    """
    teks = (realisasi or "").strip() or None
    try:
        dicoba = parameters.what_if(year, indikator, teks)
    except LakipError as error:
        return paragraph(str(error))
    capaian = compute_capaian(year.indikator, settings)
    return eksplorasi.what_if(
        compute_capaian(dicoba, settings), capaian.loc[capaian["id"].eq(indikator)], settings
    )


#: ipywidgets' HTML widget lays its content out as one widget row (28px lines, small
#: type); the report pieces inside get the notebook's own text size and line height back.
_BUNGKUS = (
    '<div style="line-height:1.5;font-size:var(--jp-content-font-size1,14px);'
    'white-space:normal">{}</div>'
)

_PERTAMA = object()  # "the first choice" (None is a choice: the programme's own indicators)


def ada_frontend() -> bool:
    """Whether a Jupyter frontend (JupyterLab, Notebook) started this kernel."""
    return bool(os.environ.get("JPY_SESSION_NAME"))


def _html(obj: Any) -> str:
    show = getattr(obj, "_repr_html_", None)
    return show() if callable(show) else str(obj)


def panel(
    data: Path,
    satker: str,
    tahun: int,
    *,
    cap: float | None = None,
    skala: str | None = None,
    program: str | None = None,
    kegiatan: str | None = None,
    indikator: str | None = None,
    realisasi_coba: str | None = None,
    paksa: bool = False,
) -> Any:
    """Dropdowns tahun, program, kegiatan, indikator and a what-if box, with their result.

    Starts from the notebook's parameters; changing a dropdown narrows the next ones and
    redraws the drill-down tables and the what-if sentence below them. Returns the widget,
    or a sentence when there is no frontend or no ipywidgets (`paksa` builds it anyway,
    for tests).
    """
    try:
        import ipywidgets as w
    except ImportError:
        return paragraph(
            "Kontrol interaktif tersedia bila paket ipywidgets terpasang (ekstra lab)."
        )
    if not (paksa or ada_frontend()):
        return paragraph("Kontrol interaktif tampil saat notebook dibuka di JupyterLab.")

    lebar = w.Layout(width="60em")
    gaya = {"description_width": "8em"}
    tahun_w = w.Dropdown(description="Tahun", options=pilihan_tahun(data, satker), style=gaya)
    program_w = w.Dropdown(description="Program", layout=lebar, style=gaya)
    kegiatan_w = w.Dropdown(description="Kegiatan", layout=lebar, style=gaya)
    indikator_w = w.Dropdown(description="Indikator", layout=lebar, style=gaya)
    coba_w = w.Text(
        description="Realisasi coba",
        placeholder="kosong = sama dengan target; dengan satuan, mis. 13 kali",
        layout=lebar,
        style=gaya,
        continuous_update=False,
    )
    hasil_w = w.HTML()
    keadaan: dict[str, Any] = {"sibuk": False}

    def isi(dropdown: Any, opsi: list[Opsi], mau: Any) -> None:
        values = [v for _, v in opsi]
        dropdown.options = opsi
        dropdown.value = mau if mau in values else (values[0] if values else None)

    def muat_tahun() -> bool:
        try:
            year = parameters.load(data, satker, tahun_w.value, skala)
        except LakipError as error:
            hasil_w.value = _html(paragraph(str(error)))
            return False
        keadaan["year"] = year
        keadaan["settings"] = capaian_settings(year.laporan, cap=cap, skala=skala)
        return True

    def gambar() -> None:
        year, settings = keadaan["year"], keadaan["settings"]
        capaian = compute_capaian(year.indikator, settings)
        potong = [
            eksplorasi.per_kegiatan(capaian, year, program_w.value, settings),
            eksplorasi.of_kegiatan(capaian, program_w.value, kegiatan_w.value, settings),
        ]
        if indikator_w.value is not None:
            potong.append(hasil_coba(year, settings, indikator_w.value, coba_w.value))
        hasil_w.value = _BUNGKUS.format("".join(_html(p) for p in potong))

    def ubah(change: dict | None = None) -> None:
        """Narrow the dropdowns below the one changed, then redraw (one pass, no echoes)."""
        if keadaan["sibuk"]:
            return
        keadaan["sibuk"] = True
        try:
            asal = change["owner"] if change else tahun_w
            if asal is tahun_w and "awal" not in keadaan and not muat_tahun():
                return
            year = keadaan["year"]
            # a new year keeps the choices it has too; a new programme or kegiatan starts
            # the dropdowns below it at their first choice
            mau = keadaan.pop("awal", None) or (
                program_w.value,
                kegiatan_w.value if asal is tahun_w else _PERTAMA,
                indikator_w.value if asal is tahun_w else _PERTAMA,
            )
            if asal is tahun_w:
                isi(program_w, pilihan_program(year), mau[0])
            if asal in (tahun_w, program_w):
                isi(kegiatan_w, pilihan_kegiatan(year, program_w.value), mau[1])
            if asal in (tahun_w, program_w, kegiatan_w):
                opsi = pilihan_indikator(year, program_w.value, kegiatan_w.value)
                isi(indikator_w, opsi, mau[2])
            gambar()
        finally:
            keadaan["sibuk"] = False

    keadaan["sibuk"] = True
    tahun_w.value = int(tahun)
    coba_w.value = "" if realisasi_coba is None else str(realisasi_coba)
    keadaan["sibuk"] = False
    if muat_tahun():
        # start where the notebook's parameters point (drill_down: None = the first)
        keadaan["awal"] = parameters.drill_down(keadaan["year"], program, kegiatan, indikator)
    ubah()
    for widget in (tahun_w, program_w, kegiatan_w, indikator_w, coba_w):
        widget.observe(ubah, "value")
    return w.VBox([tahun_w, program_w, kegiatan_w, indikator_w, coba_w, hasil_w])
