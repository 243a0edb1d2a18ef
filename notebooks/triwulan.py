# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Parameter laporan triwulan (papermill menggantinya; `lakip build` mengisi data_dir dan
# output_dir, yang tidak dipakai di sini). triwulan: 1-4, realisasi dihitung s.d. akhir
# triwulan itu. cap dan skala seperti notebook laporan tahunan.
tahun = 2024
satker = "kpu-kota-bontang"
triwulan = 4
data_dir = "../data"
output_dir = "../output"
cap = None
skala = None

# %%
# Aturan penggabungan triwulan dan laju: docs/tahunan.md. Sel hanya memanggil lakipkit.
from html import escape
from pathlib import Path

from IPython.display import HTML, display

from lakipkit import charts, narrative
from lakipkit import triwulan as tw
from lakipkit.loading import load_year
from lakipkit.settings import capaian_settings

data = Path(data_dir).expanduser().resolve()
year = load_year(data, satker, tahun)
settings = capaian_settings(year.laporan, cap=cap, skala=skala)
capaian = tw.capaian_to_date(year.indikator, year.realisasi_triwulan, triwulan, settings)
rencana = tw.read_anggaran_triwulan(data, satker, tahun)
romawi = tw.ROMAWI[triwulan]
judul = f"Pemantauan Kinerja Triwulan {romawi} Tahun {tahun}"

# %%
display(HTML(f'<h1>{judul}<span class="sub">{escape(year.satker["nama"])}</span></h1>'))
display(HTML(narrative.paragraph(f"{judul} | {year.satker['nama_singkat']}", "judul-berjalan")))
display(HTML(narrative.paragraph(tw.describe_triwulan(capaian, triwulan, tahun))))

# %% [markdown]
# ## A. Capaian Kinerja sampai dengan Triwulan Ini

# %%
display(
    HTML(
        tw.capaian_table(capaian, triwulan, f"Capaian Kinerja s.d. Triwulan {romawi} Tahun {tahun}")
    )
)
display(
    HTML(
        charts.figure_html(
            charts.capaian_chart(capaian), f"Capaian s.d. Triwulan {romawi} terhadap Target Tahunan"
        )
    )
)

# %% [markdown]
# ## B. Indikator Berisiko Tidak Mencapai Target

# %%
display(
    HTML(
        tw.capaian_table(
            capaian[capaian["berisiko"].fillna(False)],
            triwulan,
            f"Indikator Berisiko s.d. Triwulan {romawi} Tahun {tahun}",
        )
        if capaian["berisiko"].any()
        else narrative.paragraph(f"Tidak ada indikator berisiko s.d. Triwulan {romawi}.")
    )
)

# %% [markdown]
# ## C. Realisasi Anggaran sampai dengan Triwulan Ini

# %%
display(
    HTML(
        tw.anggaran_table(
            tw.penyerapan_to_date(year.anggaran, rencana, triwulan),
            triwulan,
            f"Rencana dan Realisasi Anggaran s.d. Triwulan {romawi} Tahun {tahun}",
        )
        if len(rencana)
        else narrative.paragraph(
            f"Tidak ada data anggaran triwulan (anggaran_triwulan.csv) untuk tahun {tahun}."
        )
    )
)
