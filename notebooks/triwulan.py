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

# %% tags=["parameters"]
# Parameter laporan triwulan (papermill menggantinya; `lakip build` mengisi data_dir dan
# output_dir, yang tidak dipakai di sini). triwulan: 1-4, realisasi dihitung s.d. akhir
# triwulan itu. data_dir: None = folder data/ di folder kerja atau di atasnya (atau
# $LAKIP_DATA). cap dan skala seperti notebook laporan tahunan.
tahun = 2024
satker = "kpu-kota-bontang"
triwulan = 4
data_dir = None
output_dir = None
cap = None
skala = None

# %%
# Aturan penggabungan triwulan dan laju: docs/tahunan.md. Sel hanya memanggil lakipkit.
# Parameter diperiksa dulu: kesalahan tampil sebagai satu kalimat, bukan traceback.
from lakipkit import charts, narrative, parameters
from lakipkit import triwulan as tw
from lakipkit.display import Penomoran
from lakipkit.settings import capaian_settings

year = settings = capaian = None  # sel yang gagal tidak menyisakan tahun sebelumnya
data = parameters.data_folder(data_dir)
triwulan = parameters.check_triwulan(triwulan)
year = parameters.load(data, satker, tahun, skala)
settings = capaian_settings(year.laporan, cap=cap, skala=skala)
capaian = tw.capaian_to_date(year.indikator, year.realisasi_triwulan, triwulan, settings)
berisiko = tw.at_risk(capaian)
rencana = tw.read_anggaran_triwulan(data, satker, tahun)
romawi = tw.ROMAWI[triwulan]
nomor = Penomoran()  # Tabel 1, 2, ... dan Gambar 1, ... seperti di laporan jadi

# %%
nomor.tampilkan(
    tw.heading_html(year.satker, triwulan, tahun),
    narrative.paragraph(tw.describe_triwulan(capaian, triwulan, tahun)),
)

# %% [markdown]
# ## A. Capaian Kinerja sampai dengan Triwulan Ini

# %%
nomor.tampilkan(
    tw.capaian_table(capaian, triwulan, f"Capaian Kinerja s.d. Triwulan {romawi} Tahun {tahun}"),
    charts.capaian_chart.html(f"Capaian s.d. Triwulan {romawi} terhadap Target Tahunan", capaian),
)

# %% [markdown]
# ## B. Indikator Berisiko Tidak Mencapai Target

# %%
nomor(
    tw.capaian_table(berisiko, triwulan, f"Indikator Berisiko s.d. Triwulan {romawi} Tahun {tahun}")
    if len(berisiko)
    else narrative.paragraph(f"Tidak ada indikator berisiko s.d. Triwulan {romawi}.")
)

# %% [markdown]
# ## C. Realisasi Anggaran sampai dengan Triwulan Ini

# %%
nomor(
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
