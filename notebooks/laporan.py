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
# Parameter laporan (papermill menggantinya; `lakip build` mengisi data_dir dan output_dir).
# data_dir: None = folder data/ di folder kerja atau di atasnya (atau $LAKIP_DATA); output_dir
# tidak dipakai di sini.
# cap, skala: None = seperti pengaturan di laporan.yaml; isi (mis. cap = 120 atau "tanpa",
# skala = "lima_tingkat") untuk mengganti pengaturan itu sekali jalan (docs/formulas.md).
# lampiran_pemeriksaan: True menambahkan lampiran temuan pemeriksaan data.
tahun = 2024
satker = "kpu-kota-bontang"
data_dir = None
output_dir = None
cap = None
skala = None
lampiran_pemeriksaan = False

# %%
# Semua angka, tabel dan teks berasal dari data/<satker>/<tahun>/; sel hanya memanggil lakipkit.
# Parameter diperiksa dulu: kesalahan tampil sebagai satu kalimat, bukan traceback.
from lakipkit import audit, bab3, charts, evaluasi, narrative, parameters, tables, tren
from lakipkit.anggaran import totals, totals_by_source
from lakipkit.capaian import compute_capaian
from lakipkit.display import Penomoran
from lakipkit.settings import capaian_settings, level_names

years = year = settings = capaian = None  # sel yang gagal tidak menyisakan tahun sebelumnya
data = parameters.data_folder(data_dir)
parameters.check_tahun(data, satker, tahun)
parameters.check_skala(skala)
# Tahun laporan dan sampai empat tahun sebelumnya (Bab III.A membandingkannya).
years = tren.load_years(data, satker, tahun)
year = years[-1]
renstra = tren.read_renstra(data, satker)
settings = capaian_settings(year.laporan, cap=cap, skala=skala)
capaian = compute_capaian(year.indikator, settings)
jumlah = totals(year.anggaran)
# Bab III: IKU, tahun-tahun sebelumnya, Renstra, standar nasional, penyebab, efisiensi.
evaluasi_bab3 = evaluasi.evaluasi(years, renstra, evaluasi.read_riwayat(data, satker), settings)
penandatangan = narrative.official(year.satker, year.laporan["penandatangan"]["peran"])
nama = year.satker["nama_singkat"]
# Tabel dan gambar bernomor per bab seperti di laporan jadi (Tabel 3.1, Gambar 3.1).
nomor = Penomoran()
# Baris anggaran terendah dinamai menurut tingkatnya di pohon kinerja (Kegiatan, Sub Kegiatan).
tingkat_baris = tables.line_level(
    tables.budget_lines(year.anggaran)["kode"], year.pohon, level_names(year.laporan)
)

# %%
narrative.cover_html(year.satker, tahun, year.laporan.get("judul"))

# %%
nomor.bab("KATA PENGANTAR")

# %%
nomor.tampilkan(
    narrative.signed_section_html(
        year.narasi.get("kata_pengantar", ""),
        penandatangan,
        year.laporan["tempat"],
        year.laporan["tanggal"],
    )
)

# %%
tables.contents_lists()

# %%
nomor.bab("IKHTISAR EKSEKUTIF")

# %%
nomor.tampilkan(
    narrative.render_narrative(
        year.narasi.get("ikhtisar", ""),
        {
            "tabel_terbit.csv#Ikhtisar": tables.indicator_table(
                capaian,
                year.sasaran,
                year.program,
                year.kegiatan,
                f"Perjanjian Kinerja Tahun {tahun}: Target, Realisasi dan Capaian",
                kind="ringkas",
                pohon=year.pohon,
                tingkat=level_names(year.laporan),
            )
        },
        year.satker,
    )
)
nomor.tampilkan(
    narrative.paragraph(
        narrative.describe_capaian(capaian, tahun)
        + " "
        + narrative.describe_anggaran(jumlah, tahun)
    )
)

# %%
nomor.bab("BAB I PENDAHULUAN")

# %% [markdown]
# ## A. Latar Belakang

# %%
narrative.render_narrative(year.narasi.get("bab1_latar_belakang", ""))

# %% [markdown]
# ## B. Maksud dan Tujuan

# %%
narrative.render_narrative(year.narasi.get("bab1_maksud_tujuan", ""))

# %% [markdown]
# ## C. Kedudukan, Tugas dan Fungsi

# %%
narrative.render_narrative(year.narasi.get("bab1_kedudukan", ""), {}, year.satker)

# %% [markdown]
# ## D. Landasan Hukum

# %%
narrative.legal_basis_html(year.satker)

# %% [markdown]
# ## E. Struktur Organisasi

# %%
nomor(
    narrative.render_narrative(
        year.narasi.get("bab1_struktur", ""),
        {
            "pegawai.csv#1.1": tables.staff_table(year.pegawai, "1.1", "Pegawai ASN"),
            "pegawai.csv#1.2": tables.staff_table(
                year.pegawai, "1.2", "Pegawai Pemerintah Non Pegawai Negeri"
            ),
            "organisasi.csv": charts.org_chart_html(year.organisasi, f"Struktur Organisasi {nama}"),
        },
        year.satker,
    )
)

# %% [markdown]
# ## F. Sistematika Penyajian

# %%
narrative.render_narrative(year.narasi.get("bab1_sistematika", ""))

# %%
nomor.bab("BAB II PERENCANAAN DAN PERJANJIAN KINERJA")

# %% [markdown]
# ## A. Rencana Strategis

# %%
nomor(
    narrative.render_narrative(
        year.narasi.get("bab2_renstra", ""),
        {
            "tabel_program_kegiatan_dipa": tables.program_table(
                year.program,
                year.anggaran,
                f"Program dan Kegiatan Tahun Anggaran {tahun}",
                year.pohon,
                level_names(year.laporan),
            )
        },
        year.satker,
    )
)

# %% [markdown]
# ## B. Rencana Kinerja Tahunan

# %%
nomor(
    narrative.render_narrative(
        year.narasi.get("bab2_rkt", ""),
        {
            "tabel_terbit.csv#2.2": tables.rkt_strategic_table(
                year.rkt_sasaran_strategis, f"Rencana Kinerja Tahunan {nama} {tahun}"
            )
        },
    )
)

# %% [markdown]
# ## C. Perjanjian Kinerja

# %%
nomor(
    narrative.render_narrative(
        year.narasi.get("bab2_pk", ""),
        {
            "indikator.csv": tables.indicator_table(
                year.indikator,
                year.sasaran,
                year.program,
                year.kegiatan,
                f"Perjanjian Kinerja Tahun {tahun}",
                kind="pk",
                pohon=year.pohon,
                tingkat=level_names(year.laporan),
            ),
            "pk_anggaran.csv": tables.pk_budget_table(
                year.pk_anggaran, f"Anggaran Program dalam Perjanjian Kinerja Tahun {tahun}"
            ),
        },
    )
)

# %%
nomor.bab("BAB III AKUNTABILITAS KINERJA")

# %% [markdown]
# ## A. Pengukuran Capaian Kinerja

# %%
nomor.tampilkan(
    narrative.render_narrative(
        year.narasi.get("bab3_pengukuran", ""),
        {"metode": narrative.method_html(year.indikator, settings)},
    )
)
nomor.tampilkan(
    tables.indicator_table(
        capaian,
        year.sasaran,
        year.program,
        year.kegiatan,
        "Indikator Kinerja, Target, Realisasi dan Capaian",
        kind="capaian",
        pohon=year.pohon,
        tingkat=level_names(year.laporan),
        desimal=settings.desimal,
    )
)
nomor.tampilkan(narrative.paragraph(narrative.describe_capaian(capaian, tahun)))
nomor.tampilkan(
    charts.capaian_figures_html(
        capaian,
        year.program,
        "Capaian Indikator Kinerja terhadap Target",
        year.pohon,
        level_names(year.laporan),
    )
)

# %%
# PermenPANRB 53/2014: IKU, tahun-tahun sebelumnya, target akhir Renstra, standar nasional;
# bagian tanpa data tidak dicetak, dan satu paragraf menyebut apa yang belum dapat disajikan.
nomor.tampilkan(
    bab3.iku_html(evaluasi_bab3, settings.desimal),
    bab3.tahun_lalu_html(evaluasi_bab3, tren.comparison_html(years, None, settings)),
    bab3.renstra_html(evaluasi_bab3),
    bab3.standar_html(evaluasi_bab3),
    bab3.keterbatasan_html(evaluasi_bab3),
)

# %% [markdown]
# ## B. Analisis Capaian Kinerja

# %%
nomor.tampilkan(
    narrative.analysis_html(
        capaian,
        year.sasaran,
        year.program,
        year.kegiatan,
        year.narasi,
        {
            "mitra.csv": tables.simple_table(
                year.tabel["mitra"], {"no": "No", "nama": "Instansi Mitra"}, "Mitra Kerja Sama"
            ),
            "dpt.csv": tables.simple_table(
                year.tabel["dpt"],
                {"jenis_kelamin": "Jenis Kelamin", "jumlah": "Jumlah Pemilih"},
                "Daftar Pemilih Tetap",
                total="jumlah",
            ),
            "produk_hukum.csv": tables.simple_table(
                year.tabel["produk_hukum"],
                {"no": "No", "produk_hukum": "Produk Hukum", "jumlah": "Jumlah"},
                "Produk Hukum",
                total="jumlah",
            ),
            "ppid.csv": tables.simple_table(
                year.tabel["ppid"],
                {
                    "no": "No",
                    "nomor_registrasi": "Nomor Registrasi",
                    "jenis_informasi": "Jenis Informasi",
                },
                "Jenis Pelayanan PPID",
            ),
        },
        year.satker,
        pohon=year.pohon,
        tingkat=level_names(year.laporan),
        anggaran=year.anggaran,
    )
)
nomor.tampilkan(
    bab3.penjelasan_html(evaluasi_bab3),
    bab3.pendukung_html(evaluasi_bab3, settings.desimal),
    narrative.render_narrative(year.narasi.get("bab3_kesimpulan", "")),
)

# %% [markdown]
# ## C. Akuntabilitas Keuangan

# %%
nomor.tampilkan(
    narrative.render_narrative(
        year.narasi.get("bab3_keuangan", ""),
        {
            "anggaran_terbit.csv": narrative.paragraph(
                narrative.describe_sources(totals_by_source(year.anggaran), jumlah, tahun)
            ),
            "anggaran.csv": tables.budget_table(
                year.anggaran, "Pagu, Realisasi dan Penyerapan Anggaran"
            ),
        },
    )
)
nomor.tampilkan(tables.source_table(year.anggaran, "Anggaran per Sumber Dana"))
nomor.tampilkan(
    charts.penyerapan_chart.html(
        f"Penyerapan Anggaran per {tingkat_baris}", tables.budget_lines(year.anggaran)
    )
)
nomor.tampilkan(bab3.efisiensi_html(evaluasi_bab3, tingkat_baris))

# %%
nomor.bab("BAB IV PENUTUP")

# %%
nomor.tampilkan(
    narrative.signed_section_html(
        year.narasi.get("bab4_penutup", ""),
        penandatangan,
        year.laporan["tempat"],
        year.laporan["tanggal"],
    )
)

# %%
nomor.bab("LAMPIRAN")

# %% [markdown]
# ## Perjanjian Kinerja

# %%
nomor.tampilkan(narrative.pk_statement_html(year.satker, year.laporan, tahun))
nomor.tampilkan(
    tables.indicator_table(
        year.indikator,
        year.sasaran,
        year.program,
        year.kegiatan,
        f"Perjanjian Kinerja Tahun {tahun} {year.satker['nama']}",
        kind="pk",
        pohon=year.pohon,
        tingkat=level_names(year.laporan),
    )
)
nomor.tampilkan(
    tables.pk_budget_table(year.pk_anggaran, f"Anggaran Perjanjian Kinerja Tahun {tahun}")
)
nomor.tampilkan(narrative.pk_signatures_html(year.satker, year.laporan))

# %% [markdown]
# ## Rencana Kinerja Tahunan

# %%
nomor.tampilkan(
    tables.rkt_program_table(
        year.rkt_program, year.program, f"Sasaran Program dan Kegiatan RKT {tahun}"
    )
)
nomor.tampilkan(tables.rkt_funding_table(year.rkt_pendanaan, f"Rencana Pendanaan RKT {tahun}"))

# %%
if lampiran_pemeriksaan:
    nomor.tampilkan(
        narrative.findings_html(
            audit.sort_findings(
                [*year.findings, *audit.audit_year(year, audit.AuditSettings(capaian=settings))]
            )
        )
    )
