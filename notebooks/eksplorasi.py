# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: language_info,-language_info.version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   language_info:
#     codemirror_mode:
#       name: ipython
#       version: 3
#     file_extension: .py
#     mimetype: text/x-python
#     name: python
#     nbconvert_exporter: python
#     pygments_lexer: ipython3
# ---

# %% [markdown]
# # Eksplorasi data kinerja satu satker
#
# Buka di JupyterLab (`.venv/bin/jupyter lab notebooks/eksplorasi.ipynb`), ubah parameter di
# sel berikut, lalu jalankan semua sel. Notebook ini hanya membaca `data/`; tidak ada yang
# ditulis. Untuk laporan resmi gunakan `lakip build`. Setiap tabel menyimpan datanya di
# `.frame` (mis. `eksplorasi.below_target(capaian, settings).frame`) untuk disaring atau
# disalin ke lembar kerja.

# %% tags=["parameters"]
# program, kegiatan, indikator: id yang ditelusuri (None = yang pertama di PK).
# realisasi_coba: nilai realisasi "bagaimana jika" untuk indikator itu, ditulis seperti di CSV
# dengan satuan indikator (mis. "13 kali"); None = realisasi sama dengan target.
# data_dir: None = folder data/ di folder kerja atau di atasnya (atau $LAKIP_DATA).
# cap, skala: None = seperti pengaturan di laporan.yaml.
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
from IPython.display import display

from lakipkit import eksplorasi, kontrol, parameters, tren
from lakipkit import triwulan as tw
from lakipkit.capaian import compute_capaian
from lakipkit.settings import capaian_settings

year = settings = capaian = None  # sel yang gagal tidak menyisakan tahun sebelumnya
data = parameters.data_folder(data_dir)
triwulan = parameters.check_triwulan(triwulan)
year = parameters.load(data, satker, tahun, skala)
settings = capaian_settings(year.laporan, cap=cap, skala=skala)
program, kegiatan, indikator = parameters.drill_down(year, program, kegiatan, indikator)
dicoba = parameters.what_if(year, indikator, realisasi_coba)
capaian = compute_capaian(year.indikator, settings)
display(year)

# %% [markdown]
# ## 1. Indikator di bawah target atau tanpa data

# %%
eksplorasi.below_target(capaian, settings)

# %% [markdown]
# ## 2. Indikator berisiko menurut realisasi triwulan
# Aturan yang sama dengan laporan triwulan: indikator `jumlah` dibandingkan dengan target ×
# triwulan/4, indikator `terakhir` dan `rata-rata` dengan target tahunan (docs/tahunan.md).

# %%
sd = tw.capaian_to_date(year.indikator, year.realisasi_triwulan, triwulan, settings)
eksplorasi.at_risk(sd, triwulan, tahun)

# %% [markdown]
# ## 3. Telusuri: program → kegiatan → indikator
# Ganti `program`, `kegiatan` atau `indikator` di sel parameter untuk menelusuri yang lain.

# %%
display(
    eksplorasi.per_program(capaian, year, settings),
    eksplorasi.per_kegiatan(capaian, year, program, settings),
    eksplorasi.of_kegiatan(capaian, program, kegiatan, settings),
)

# %% [markdown]
# ### Telusuri dengan kontrol
# Di JupyterLab dengan ekstra `lab` (ipywidgets), pilih tahun, program, kegiatan dan
# indikator di sini, dan ketik realisasi coba (dengan satuan indikator); tabel dan kalimat di
# bawahnya mengikuti tanpa mengubah sel parameter.

# %%
kontrol.panel(
    data,
    satker,
    tahun,
    cap=cap,
    skala=skala,
    program=program,
    kegiatan=kegiatan,
    indikator=indikator,
    realisasi_coba=realisasi_coba,
)

# %% [markdown]
# ## 4. Capaian dibanding penyerapan anggaran per baris anggaran
# Angka yang sama dengan tabel efisiensi Bab III laporan (`lakip build`): setiap baris
# anggaran yang membiayai indikator, baris program lebih dulu.

# %%
display(eksplorasi.efisiensi(capaian, year), eksplorasi.unlinked_lines(capaian, year))

# %% [markdown]
# ### Baris anggaran yang menyerap anggaran tanpa hasil penuh

# %%
eksplorasi.spending_without_result(capaian, year, settings)

# %% [markdown]
# ## 5. Bagaimana jika: capaian dari realisasi lain
# Isi `indikator` dan `realisasi_coba` di sel parameter (mis. `"WA-04"` dan `"13 kali"`);
# capaian dihitung dengan aturan yang sama seperti laporan, termasuk batas capaian (`cap`).

# %%
eksplorasi.what_if(
    compute_capaian(dicoba, settings),
    capaian.loc[capaian["id"].eq(indikator)],
    settings,
)

# %% [markdown]
# ## 6. Dibanding tahun sebelumnya

# %%
tahun_tahun = tren.load_years(data, satker, tahun)
display(
    eksplorasi.movers(tahun_tahun, settings),
    eksplorasi.indicator_changes(tahun_tahun),
)
