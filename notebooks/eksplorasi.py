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

# %% [markdown]
# # Eksplorasi data kinerja satu satker
#
# Buka di JupyterLab (`.venv/bin/jupyter lab notebooks/eksplorasi.ipynb`), ubah parameter di
# sel berikut, lalu jalankan semua sel. Notebook ini hanya membaca `data/`; tidak ada yang
# ditulis. Untuk laporan resmi gunakan `lakip build`.

# %% tags=["parameters"]
# program, kegiatan, indikator: id yang ditelusuri (None = yang pertama di PK).
# realisasi_coba: nilai realisasi "bagaimana jika" untuk indikator itu, ditulis seperti di CSV.
# data_dir: None = folder data/ di folder kerja atau di atasnya (atau $LAKIP_DATA).
tahun = 2024
satker = "kpu-kota-bontang"
data_dir = None
triwulan = 4
cap = None
skala = None
program = None
kegiatan = None
indikator = None
realisasi_coba = None

# %%
# Parameter diperiksa dulu: kesalahan tampil sebagai satu kalimat, bukan traceback.
import pandas as pd

from lakipkit import parameters, tables, tren
from lakipkit import triwulan as tw
from lakipkit.capaian import compute_capaian, summarise_capaian
from lakipkit.settings import capaian_settings

year = settings = capaian = None  # sel yang gagal tidak menyisakan tahun sebelumnya
data = parameters.data_folder(data_dir)
triwulan = parameters.check_triwulan(triwulan)
year = parameters.load(data, satker, tahun, skala)
settings = capaian_settings(year.laporan, cap=cap, skala=skala)
program, kegiatan, indikator = parameters.drill_down(year, program, kegiatan, indikator)
dicoba = parameters.what_if(year, indikator, realisasi_coba)
capaian = compute_capaian(year.indikator, settings)
kolom = ["id", "uraian", "target_teks", "realisasi_teks", "capaian", "status", "predikat"]
pd.set_option("display.max_colwidth", 80)

# %% [markdown]
# ## 1. Indikator di bawah target atau tanpa data

# %%
capaian.loc[capaian["status"].ne("tercapai"), kolom]

# %% [markdown]
# ## 2. Indikator berisiko menurut realisasi triwulan (atau belum ada data triwulan)
# Laju: indikator `jumlah` dibandingkan dengan target × triwulan/4, indikator `terakhir` dan
# `rata-rata` dengan target tahunan (docs/tahunan.md).

# %%
sd = tw.capaian_to_date(year.indikator, year.realisasi_triwulan, triwulan, settings)
tw.at_risk(sd)[
    [
        "id",
        "uraian",
        "agregasi_triwulan",
        "target_teks",
        "realisasi_teks",
        "target_laju_teks",
        "capaian_laju",
        "berisiko",
    ]
]

# %% [markdown]
# ## 3. Telusuri: program → kegiatan → indikator

# %%
summarise_capaian(capaian, ["program"])

# %%
summarise_capaian(capaian[capaian["program"].eq(program)], ["kegiatan"])

# %%
capaian.loc[capaian["kegiatan"].eq(kegiatan), ["sasaran", *kolom]]

# %% [markdown]
# ## 4. Capaian dibanding penyerapan anggaran per kegiatan

# %%
tables.efficiency_frame(capaian, year.anggaran, year.kegiatan)[
    ["label", "kode", "capaian", "penyerapan", "efisiensi", "kategori"]
]

# %% [markdown]
# ## 5. Bagaimana jika: capaian dari realisasi lain
# Isi `indikator` dan `realisasi_coba` di sel parameter (mis. `"WA-04"` dan `"13 kali"`);
# capaian dihitung dengan aturan yang sama seperti laporan (compute_capaian).

# %%
compute_capaian(dicoba, settings)[kolom]

# %% [markdown]
# ## 6. Dibanding tahun-tahun sebelumnya
# Kosong bila hanya ada satu tahun di `data/<satker>/`.

# %%
tahun_tahun = tren.load_years(data, satker, tahun)
tren.compare_indikator(tahun_tahun, settings, tren.read_renstra(data, satker))

# %%
tren.indikator_changes(tahun_tahun)
