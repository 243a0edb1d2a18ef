"""The build: document assembly (fast) and whole notebook runs (slow)."""

import re

import pytest
from bs4 import BeautifulSoup

from lakipkit.build import assemble_document, chapter_key
from lakipkit.tables import caption_html, contents_placeholder


def _page(*parts):
    return "<html><body><main>" + "".join(parts) + "</main></body></html>"


def _table(title):
    return f'<table class="tabel"><caption>{caption_html(title)}</caption></table>'


def _figure(title):
    return f'<figure class="gambar"><img src="data:,"><figcaption>{caption_html(title, "Gambar")}</figcaption></figure>'


DOC = _page(
    '<div class="logo">KPU</div>',
    "<h1>KATA PENGANTAR</h1><p>x</p>",
    contents_placeholder("isi", "DAFTAR ISI"),
    contents_placeholder("tabel", "DAFTAR TABEL"),
    contents_placeholder("gambar", "DAFTAR GAMBAR"),
    "<h1>IKHTISAR EKSEKUTIF</h1>",
    _table("Perjanjian Kinerja"),
    "<h1>BAB I PENDAHULUAN</h1><h2>A. Latar Belakang</h2>",
    _table("Pegawai ASN"),
    _table("Pegawai Non PNS"),
    "<h1>BAB III AKUNTABILITAS KINERJA</h1><h2>A. Pengukuran</h2>",
    _table("Indikator Kinerja"),
    _figure("Capaian per indikator"),
    "<h2>A. Pengukuran</h2>",
    "<h1>LAMPIRAN</h1>",
    _table("Perjanjian Kinerja Tahun 2024"),
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("BAB I PENDAHULUAN", "1"),
        ("BAB IV PENUTUP", "4"),
        ("bab ii  x", "2"),
        ("BAB IX", "9"),
        ("LAMPIRAN 1", "L"),
        ("KATA PENGANTAR", None),
        ("BABAK", None),
    ],
)
def test_chapter_key(text, key):
    assert chapter_key(text) == key


def test_tables_and_figures_are_numbered_per_chapter_with_ids():
    soup = BeautifulSoup(assemble_document(DOC), "html.parser")
    labels = [
        (s.find_parent(["table", "figure"])["id"], s.get_text()) for s in soup.select("span.nomor")
    ]
    assert labels == [
        ("tabel-1", "Tabel 1"),
        ("tabel-1-1", "Tabel 1.1"),
        ("tabel-1-2", "Tabel 1.2"),
        ("tabel-3-1", "Tabel 3.1"),
        ("gambar-3-1", "Gambar 3.1"),
        ("tabel-l-1", "Tabel L.1"),
    ]


def test_sections_split_cover_front_matter_and_chapters():
    soup = BeautifulSoup(assemble_document(DOC), "html.parser")
    main = soup.find("main")
    parts = [(tag.name, tag["class"][0]) for tag in main.find_all(recursive=False)]
    assert parts == [("section", "sampul"), ("div", "depan"), ("div", "isi")]
    assert main.find("section", class_="sampul").find(class_="logo")
    front = [s.h1.get_text() for s in main.find("div", class_="depan").find_all("section")]
    assert front == [
        "KATA PENGANTAR",
        "DAFTAR ISI",
        "DAFTAR TABEL",
        "DAFTAR GAMBAR",
        "IKHTISAR EKSEKUTIF",
    ]
    chapters = [s.h1.get_text() for s in main.find("div", class_="isi").find_all("section")]
    assert chapters == ["BAB I PENDAHULUAN", "BAB III AKUNTABILITAS KINERJA", "LAMPIRAN"]


def test_lists_link_to_existing_ids_in_document_order():
    soup = BeautifulSoup(assemble_document(DOC), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    assert len(ids) == len(soup.find_all(id=True)), "ids are unique"
    isi = soup.find("nav", attrs={"data-daftar": "isi"})
    entries = [(a.get_text(), a["href"]) for a in isi.find_all("a")]
    assert entries[0] == ("KATA PENGANTAR", "#kata-pengantar")
    assert ("A. Pengukuran", "#a-pengukuran") in entries and (
        "A. Pengukuran",
        "#a-pengukuran-2",
    ) in entries
    assert all(href[1:] in ids for _, href in entries)
    assert isi.find("a", href="#kata-pengantar")["class"] == ["depan"]
    assert not isi.find("a", href="#bab-i-pendahuluan").get("class")
    tabel = [a.get_text() for a in soup.find("nav", attrs={"data-daftar": "tabel"}).find_all("a")]
    assert tabel == [
        "Tabel 1 Perjanjian Kinerja",
        "Tabel 1.1 Pegawai ASN",
        "Tabel 1.2 Pegawai Non PNS",
        "Tabel 3.1 Indikator Kinerja",
        "Tabel L.1 Perjanjian Kinerja Tahun 2024",
    ]
    gambar = [a["href"] for a in soup.find("nav", attrs={"data-daftar": "gambar"}).find_all("a")]
    assert gambar == ["#gambar-3-1"]


def test_assembly_is_deterministic():
    assert assemble_document(DOC) == assemble_document(DOC)
    assert re.search(r"tabel-3-1", assemble_document(DOC))
