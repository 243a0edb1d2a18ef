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
# Parameter laporan konsolidasi (papermill menggantinya; `lakip build --laporan konsolidasi`
# mengisi data_dir dan output_dir). satker: satker induk; semua_turunan: True menghimpun
# seluruh satker di bawahnya (bukan hanya anak langsung). cap, skala: seperti laporan tahunan;
# None = pengaturan laporan.yaml satker induk. pekerja: proses pemuat data satker anak.
tahun = 2024
satker = "rekaan-prov-01"
data_dir = "../data"
output_dir = "../output"
cap = None
skala = None
semua_turunan = False
pekerja = 1

# %%
# Aturan penggabungan: docs/konsolidasi.md. Sel hanya memanggil lakipkit.
from html import escape
from pathlib import Path

from IPython.display import HTML, display

from lakipkit import konsolidasi as ko
from lakipkit import konsolidasi_tabel as kt
from lakipkit import narrative

data = Path(data_dir).expanduser().resolve()
settings = ko.capaian_settings_for(data, satker, tahun, cap=cap, skala=skala)
k = ko.load_konsolidasi(data, satker, tahun, settings, semua=semua_turunan, pekerja=pekerja)
gabungan = ko.gabung(k, settings)
per_indikator = ko.peringkat_indikator(k)
peringkat = ko.peringkat_satker(k)
anggaran, jumlah = ko.anggaran_anak(k)
nama = k.profil["nama"]
nama_anak = k.satker.set_index("id")["nama_singkat"]
judul = f"Laporan Konsolidasi Kinerja Tahun {tahun}"

# %%
display(HTML(f'<h1>{escape(judul)}<span class="sub">{escape(nama)}</span></h1>'))
display(HTML(narrative.paragraph(f"{judul} | {k.profil['nama_singkat']}", "judul-berjalan")))
display(HTML(narrative.paragraph(kt.ringkasan(k, gabungan, nama))))
display(HTML(kt.left_out_table(k, f"Satker yang Belum Disertakan Tahun {tahun}")))

# %% [markdown]
# ## A. Capaian Gabungan per Indikator Kinerja Bersama

# %%
display(HTML(kt.gabungan_table(gabungan, f"Capaian Gabungan Indikator Kinerja Tahun {tahun}")))

# %% [markdown]
# ## B. Sebaran Capaian Satker

# %%
display(HTML(kt.sebaran_table(gabungan, f"Sebaran Capaian Satker per Indikator Tahun {tahun}")))
display(HTML(kt.sebaran_figure(k, f"Sebaran Capaian Satker per Indikator Tahun {tahun}")))

# %% [markdown]
# ## C. Peringkat Satker

# %%
display(HTML(kt.peringkat_table(peringkat, f"Peringkat Satker Menurut Rata-rata Capaian {tahun}")))

# %% [markdown]
# ## D. Capaian Setiap Satker per Indikator

# %%
display(HTML(kt.indikator_sections(per_indikator, gabungan, nama_anak)))

# %% [markdown]
# ## E. Anggaran Satker

# %%
display(HTML(narrative.paragraph(kt.anggaran_teks(jumlah, tahun))))
display(HTML(kt.anggaran_table(anggaran, jumlah, f"Pagu, Realisasi dan Penyerapan Satker {tahun}")))
display(HTML(kt.anggaran_figure(anggaran, f"Penyerapan Anggaran per Satker Tahun {tahun}")))
