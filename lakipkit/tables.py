"""Report tables as HTML: numbered captions, grouped rows, Indonesian number formats.

A table is a frame of display strings plus a list of `Column`s. Rows whose `kelompok` column
is filled become heading rows spanning the table (a programme "A. PROGRAM ...", a kegiatan
"a. ..."). Captions carry an empty `<span class="nomor">`; `lakipkit.build` numbers them per
chapter when the document is assembled, so the notebook never types a table number.

The report's tables are pure functions of their arguments' values and are kept per those
values (`remembered`): the preview's rebuild after an edit renders again only the tables
whose data changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial, reduce
from html import escape
from operator import add
from typing import ParamSpec, TypeVar, cast

import numpy as np
import pandas as pd

from lakipkit.anggaran import (
    Jumlah,
    compute_penyerapan,
    totals,
    totals_by_source,
)
from lakipkit.capaian import STATUS_BELUM_ADA_DATA
from lakipkit.display import SCREEN_ONLY_CLASS, Html, ReportTable
from lakipkit.errors import Finding
from lakipkit.formatting import (
    daftar,
    format_angka,
    format_nilai,
    format_persen,
    format_rupiah,
    format_tanggal,
)
from lakipkit.memo import remembered_calls
from lakipkit.pohon import code_levels, headings, tree_of, tree_order, with_level_name
from lakipkit.settings import level_names

GROUP = "kelompok"
GROUP_LEVEL = "tingkat"
#: The row-number column of a data file's small table (mitra.csv, produk_hukum.csv, ...).
NOMOR = "no"
ROW_CLASS = "kelas_baris"
SMALL_ROWS = 12
#: Printed where a value is not set yet: a target, a pagu or a date of a year just started.
BELUM_DITETAPKAN = "belum ditetapkan"
BELUM_DILAPORKAN = "belum dilaporkan"
#: Cell class of a capaian that may print two values ("100,00% (109,72%)"): it may break
#: between them, so a cap does not widen the column and squeeze the Sasaran column.
CAPAIAN_GANDA = "dua-nilai"
#: What a PK table (`kind="pk"`) reads of an indicator frame: no realisasi, no capaian.
_PK_COLUMNS = ("sasaran", "uraian", "target_teks", "simpul", "program", "kegiatan")
P = ParamSpec("P")
H = TypeVar("H", bound=Html)


def remembered(kept: int) -> Callable[[Callable[P, H]], Callable[P, H]]:
    """Keep a pure `render`'s last `kept` results per its arguments' values.

    `memo.remembered_calls`; each call hands out its own copy (a caller may change a
    table's `frame`). `kept`: a report's calls of it, so that a long-lived kernel (the
    preview, a batch worker) holds a few reports' tables, not more.
    """
    return partial(remembered_calls, fresh=_own_copy, kept=kept)


def _own_copy(piece: H) -> H:
    if isinstance(piece, ReportTable):
        return cast(H, ReportTable(piece.html, piece.caption, piece.frame.copy()))
    return piece  # HTML alone is an immutable str


@dataclass(frozen=True)
class Column:
    """One displayed column of a table.

    `align` is a cell class (`angka` right-aligns numbers, `tengah` centres); `width` a CSS
    width; `class_key` names a frame column holding an extra class per row (e.g. a status).
    """

    key: str
    label: str
    align: str = ""
    width: str = ""
    class_key: str = ""


def caption_html(title: str, jenis: str = "Tabel") -> str:
    """Write the caption text after its number placeholder (filled in by the build)."""
    return f'<span class="nomor" data-jenis="{escape(jenis)}"></span> {escape(title)}'


def contents_placeholder(kind: str, title: str) -> Html:
    """Write a chapter heading and the list the build fills (`isi`, `tabel`, `gambar`)."""
    anchor = f"daftar-{kind}"
    return Html(
        f'<h1 id="{anchor}">{escape(title)}</h1>\n<nav class="daftar" data-daftar="{kind}"></nav>'
    )


def contents_lists() -> Html:
    """Daftar Isi, Daftar Tabel and Daftar Gambar: headings and the lists the build fills.

    In a notebook the empty lists are hidden and one note says when they are made.
    """
    return Html(
        "\n".join(
            contents_placeholder(kind, title)
            for kind, title in (
                ("isi", "DAFTAR ISI"),
                ("tabel", "DAFTAR TABEL"),
                ("gambar", "DAFTAR GAMBAR"),
            )
        )
        + f'\n<p class="{SCREEN_ONLY_CLASS} catatan">Daftar Isi, Daftar Tabel dan Daftar Gambar '
        "disusun saat laporan dibangun (lakip build).</p>"
    )


def render_table(
    body: pd.DataFrame,
    columns: Sequence[Column],
    title: str,
    notes: str = "",
    values: pd.DataFrame | None = None,
) -> ReportTable:
    """Render one table; every cell is escaped, heading rows span all columns.

    `body` holds display strings under each column's key; optional columns: `kelompok`
    (text of a heading row), `tingkat` (1 for `kelompok`, 2 for `subkelompok` rows) and
    `kelas_baris` (extra class of a data row, e.g. `jumlah`). `values` holds, for the data
    rows in order (not heading or `jumlah` rows), the real values of the columns it names
    (numbers as numbers); they replace the display strings in the table's `frame`.
    """
    span = len(columns)
    text = body.reindex(columns=[c.key for c in columns]).astype("string").fillna("")
    cells = [_td(body, c) + text[c.key].map(escape) + "</td>" for c in columns]
    data_rows = reduce(add, cells) if cells else pd.Series("", index=body.index)
    row_class = body.get(ROW_CLASS, pd.Series("", index=body.index)).astype("string").fillna("")
    data_rows = (
        np.where(row_class != "", '<tr class="' + row_class + '">', "<tr>") + data_rows + "</tr>"
    )
    group = body.get(GROUP, pd.Series(pd.NA, index=body.index)).astype("string")
    level = body.get(GROUP_LEVEL, pd.Series(1, index=body.index)).fillna(1).astype(int)
    group_class = np.where(level > 1, "subkelompok", "kelompok")
    group_rows = (
        '<tr class="'
        + group_class
        + f'"><th colspan="{span}" scope="rowgroup">'
        + group.fillna("").map(escape)
        + "</th></tr>"
    )
    rows = np.where(group.notna(), group_rows, data_rows)
    widths = "".join(
        f'<col style="width:{escape(c.width)}">' if c.width else "<col>" for c in columns
    )
    head = "".join(f'<th scope="col"{_class(c.align)}>{escape(c.label)}</th>' for c in columns)
    note = f'<p class="catatan">{escape(notes)}</p>' if notes else ""
    # A short table moves to the next page whole instead of leaving a row or two behind.
    size = " kecil" if len(body) <= SMALL_ROWS else ""
    html = (
        f'<div class="tabel-wrap{size}"><table class="tabel">'
        f'<caption><span class="judul-tabel">{caption_html(title)}</span></caption>'
        f"<colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}</div>"
    )
    return ReportTable(html, title, table_frame(body, columns, values))


def table_frame(
    body: pd.DataFrame, columns: Sequence[Column], values: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return the data rows of a table under their printed headers, real values where given."""
    data = pd.Series(True, index=body.index)
    if GROUP in body:
        data &= body[GROUP].isna()
    if ROW_CLASS in body:
        data &= body[ROW_CLASS].astype("string").fillna("").ne("jumlah")
    rows = body.loc[data].reindex(columns=[c.key for c in columns]).reset_index(drop=True)
    if values is not None:
        for key in rows.columns.intersection(values.columns):
            rows[key] = values[key].array
    return rows.rename(columns={c.key: c.label for c in columns})


def _class(align: str) -> str:
    return f' class="{align}"' if align else ""


def _td(body: pd.DataFrame, column: Column) -> np.ndarray | str:
    """Open each row's `<td>` with the column's alignment plus the row's class, if any."""
    if not column.class_key:
        return f"<td{_class(column.align)}>"
    classes = (column.align + " " + body[column.class_key].astype("string").fillna("")).str.strip()
    return np.where(classes != "", '<td class="' + classes.map(escape) + '">', "<td>")


# -- report tables ----------------------------------------------------------------------------


def _with_headers(
    body: pd.DataFrame, headers: Sequence[tuple[pd.Series, pd.Series, int]]
) -> pd.DataFrame:
    """Insert heading rows: for each (mask, labels, level), a row before every masked row.

    Heading rows of a lower level come first (programme before kegiatan); body order is kept.
    """
    position = pd.Series(np.arange(len(body), dtype=float), index=body.index)
    parts = [body.assign(_urut=position.to_numpy())]
    for offset, (mask, labels, level) in enumerate(headers):
        mask = mask.fillna(False).astype(bool)
        parts.append(
            pd.DataFrame(
                {
                    GROUP: labels[mask].astype("string").to_numpy(),
                    GROUP_LEVEL: level,
                    "_urut": position[mask].to_numpy() - 0.5 + offset * 0.01,
                }
            )
        )
    merged = pd.concat(parts, ignore_index=True)
    return merged.sort_values("_urut", kind="stable").drop(columns="_urut").reset_index(drop=True)


def _changes(values: pd.Series) -> pd.Series:
    """Flag the first row and each row whose value differs from the previous one (NA too)."""
    filled = values.astype("string").fillna("\0")
    return filled.ne(filled.shift()).fillna(True).astype(bool)


def _status_class(status: pd.Series) -> pd.Series:
    return "status-" + status.astype("string").str.replace(" ", "-", regex=False)


def indicator_table(
    capaian: pd.DataFrame,
    sasaran: pd.DataFrame,
    program: pd.DataFrame,
    kegiatan: pd.DataFrame,
    title: str,
    kind: str = "capaian",
    desimal: int = 2,
    groups: bool = True,
    pohon: pd.DataFrame | None = None,
    tingkat: Mapping[str, str] | None = None,
) -> ReportTable:
    """Render PK indicators grouped by the performance tree ("A. PROGRAM ...", "a. ...").

    `capaian` is `compute_capaian`'s frame (or `YearData.indikator` for `kind="pk"`), in PK
    order. `kind`: "pk" (target only), "ringkas" (target, realisasi, capaian: the Ikhtisar)
    or "capaian" (Tabel 3.1: also status and predikat). The capaian printed is
    `capaian_dicetak` (the unit's setting, `lakipkit.settings`), with the uncapped value in
    brackets where a cap changed it; `desimal` is the setting's rounding. A target not set
    yet prints "belum ditetapkan", a missing realisasi "belum ada data". Sasaran number and
    text are printed on their first indicator only;
    `groups=False` leaves out the heading rows (a kegiatan's own table). Headings follow
    `pohon` (`YearData.pohon`, any depth; built from `program` and `kegiatan` when None): one
    per level of each indicator's node, none for an indicator that hangs under no node; in
    a tree deeper than two levels they open with the level's name from `tingkat`
    (`settings.level_names`: "Sub Kegiatan 2.23.02.2.01.0003 ...").
    """
    if kind == "pk":  # only what it prints: an edited realisasi leaves it kept (`remembered`)
        capaian = capaian[[c for c in _PK_COLUMNS if c in capaian]]
    return _indicator_table(
        capaian, sasaran, program, kegiatan, title, kind, desimal, groups, pohon, tingkat
    )


@remembered(kept=256)  # Bab III.B: a table per node of the tree
def _indicator_table(
    capaian: pd.DataFrame,
    sasaran: pd.DataFrame,
    program: pd.DataFrame,
    kegiatan: pd.DataFrame,
    title: str,
    kind: str,
    desimal: int,
    groups: bool,
    pohon: pd.DataFrame | None,
    tingkat: Mapping[str, str] | None,
) -> ReportTable:
    """`indicator_table`'s work."""
    info = sasaran.set_index("id")
    simpul, tree = tree_of(capaian, program, kegiatan, pohon)
    if groups:  # under its node in tree order (file order within a node)
        capaian = capaian.iloc[tree_order(simpul, tree).argsort(kind="stable")]
        simpul = simpul.loc[capaian.index]
    first = _changes(capaian["sasaran"]) | _changes(simpul)
    nomor = capaian["sasaran"].map(info["no"]).astype("Int64").astype("string")
    body = pd.DataFrame(
        {
            "no": nomor.where(first, "") + ".",
            "sasaran": capaian["sasaran"].map(info["uraian"]).where(first, ""),
            "indikator": capaian["uraian"],
            "target": capaian["target_teks"].map(partial(format_nilai, kosong=BELUM_DITETAPKAN)),
        },
        index=capaian.index,
    )
    body["no"] = body["no"].where(first, "")
    full = kind == "capaian"
    columns = [
        Column("no", "No", "tengah", "4%" if full else "5%"),
        Column("sasaran", "Sasaran", width="19%" if full else "24%"),
        Column("indikator", "Indikator Kinerja", width="24%" if full else "31%"),
        Column("target", "Target", "tengah", "9%" if full else "10%"),
    ]
    if kind != "pk":
        body["realisasi"] = capaian["realisasi_teks"].map(
            partial(format_nilai, kosong=STATUS_BELUM_ADA_DATA)
        )
        body["capaian"] = capaian_text(capaian, desimal)
        body["kelas"] = _status_class(capaian["status"])
        columns += [
            Column("realisasi", "Realisasi", "tengah", "9%" if full else "10%"),
            Column(
                "capaian", "Capaian", f"angka {CAPAIAN_GANDA}", "9%" if full else "10%", "kelas"
            ),
        ]
    if full:
        body["status"] = capaian["status"]
        body["predikat"] = capaian["predikat"].where(capaian["capaian"].notna(), "–")
        columns += [
            Column("status", "Status", "tengah", "9%", class_key="kelas"),
            Column("predikat", "Predikat", "tengah", "11%"),
        ]
    values = pd.DataFrame(
        {
            "no": capaian["sasaran"].map(info["no"]),
            "sasaran": capaian["sasaran"].map(info["uraian"]),
            "capaian": capaian.get("capaian_dicetak", capaian.get("capaian")),
        }
    )
    if not groups:
        return render_table(body, columns, title, values=values)
    heads = headings(simpul, tree, tingkat)
    return render_table(_with_headers(body, heads), columns, title, values=values)


def capaian_text(capaian: pd.DataFrame, desimal: int = 2) -> pd.Series:
    """Format the printed capaian ('100,00%'), the uncapped one in brackets if a cap cut it.

    `capaian` is `compute_capaian`'s frame; a missing capaian prints the formatting default.
    """
    dicetak = capaian.get("capaian_dicetak", capaian["capaian"])
    teks = dicetak.map(lambda v: format_persen(v, desimal))
    berbeda = dicetak.notna() & capaian["capaian"].notna() & dicetak.ne(capaian["capaian"])
    asli = capaian["capaian"].map(lambda v: format_persen(v, desimal))
    return teks.where(~berbeda, teks + " (" + asli + ")")


def _rupiah(values: pd.Series, kosong: str = BELUM_DITETAPKAN) -> pd.Series:
    """Format rupiah amounts; a missing one (a pagu not filled in) prints ``kosong``."""
    return values.map(lambda v: format_rupiah(v, kosong=kosong))


_TANPA_PAGU = f"baris bertanda \u201c{BELUM_DITETAPKAN}\u201d belum memiliki pagu."


def _jumlah_pagu(pagu: pd.Series) -> tuple[str, str]:
    """Total of the stated pagu, and a note when some are not filled in (never 'Rp 0')."""
    some = pagu.isna().any() and pagu.notna().any()
    note = f"Jumlah hanya mencakup baris yang pagunya sudah diisi; {_TANPA_PAGU}" if some else ""
    return format_rupiah(pagu.sum(min_count=1), kosong=BELUM_DITETAPKAN), note


def _budget_notes(total: Jumlah) -> str:
    """Say which part of the JUMLAH row the stated figures cover."""
    notes = []  # only a partial total needs one: the cells already say what is missing
    if not total.pagu_lengkap and total.pagu is not None:
        notes.append(
            "Pagu JUMLAH hanya mencakup baris yang pagunya sudah diisi, dan penyerapannya "
            f"belum dihitung; {_TANPA_PAGU}"
        )
    if not total.realisasi_lengkap and total.realisasi is not None:
        notes.append(
            "Realisasi dan penyerapan JUMLAH hanya mencakup baris yang melaporkan realisasi; "
            f"baris bertanda \u201c{BELUM_DILAPORKAN}\u201d tidak memiliki data realisasi."
        )
    return " ".join(notes)


def _total_cells(total: Jumlah) -> list[str]:
    """Pagu, realisasi and penyerapan of a JUMLAH row."""
    return [
        format_rupiah(total.pagu, kosong=BELUM_DITETAPKAN),
        format_rupiah(total.realisasi, kosong=BELUM_DILAPORKAN),
        format_persen(total.penyerapan),
    ]


@remembered(kept=8)
def budget_table(anggaran: pd.DataFrame, title: str) -> ReportTable:
    """Render pagu, realisasi and penyerapan per budget line (LAKIP Tabel 3.13), totalled.

    `anggaran` is `YearData.anggaran`; top-level lines (programmes) are printed bold, their
    kegiatan below them in file order. A realisasi that was not reported shows as
    "belum dilaporkan", a pagu not filled in as "belum ditetapkan", and the total then says
    which part it covers.
    """
    lines = compute_penyerapan(anggaran)
    total = totals(anggaran)
    top = lines["induk"].isna()
    body = pd.DataFrame(
        {
            "no": pd.Series(np.arange(1, len(lines) + 1), index=lines.index).astype("string"),
            "kode": lines["kode"],
            "uraian": lines["uraian"],
            "sumber_dana": lines["sumber_dana"],
            "pagu": _rupiah(lines["pagu"]),
            "realisasi": _rupiah(lines["realisasi"], kosong=BELUM_DILAPORKAN),
            "penyerapan": lines["penyerapan"].map(format_persen),
            ROW_CLASS: np.where(top, "induk", ""),
        }
    )
    pagu, realisasi, penyerapan = _total_cells(total)
    total_row = pd.DataFrame(
        {
            "uraian": ["JUMLAH"],
            "pagu": [pagu],
            "realisasi": [realisasi],
            "penyerapan": [penyerapan],
            ROW_CLASS: ["jumlah"],
        }
    )
    notes = _budget_notes(total)
    columns = [
        Column("no", "No", "tengah", "5%"),
        Column("kode", "Kode", "tengah", "10%"),
        Column("uraian", "Program/Kegiatan", width="35%"),
        Column("sumber_dana", "Sumber Dana", "tengah", "9%"),
        Column("pagu", "Pagu (Rp)", "angka", "15%"),
        Column("realisasi", "Realisasi (Rp)", "angka", "15%"),
        Column("penyerapan", "Penyerapan", "angka", "11%"),
    ]
    values = lines[["pagu", "realisasi", "penyerapan"]]
    return render_table(
        pd.concat([body, total_row], ignore_index=True), columns, title, notes, values
    )


@remembered(kept=8)
def source_table(anggaran: pd.DataFrame, title: str) -> ReportTable:
    """Render pagu, realisasi and penyerapan per sumber dana (APBN, APBD), totalled."""
    per_source = totals_by_source(anggaran)
    total = totals(anggaran)
    body = pd.DataFrame(
        {
            "sumber": per_source.index.astype("string"),
            "pagu": _rupiah(per_source["pagu"]).to_numpy(),
            "realisasi": _rupiah(per_source["realisasi"], kosong=BELUM_DILAPORKAN).to_numpy(),
            "penyerapan": per_source["penyerapan"].map(format_persen).to_numpy(),
        }
    )
    body.loc[len(body)] = ["JUMLAH", *_total_cells(total)]
    body[ROW_CLASS] = [""] * (len(body) - 1) + ["jumlah"]
    columns = [
        Column("sumber", "Sumber Dana"),
        Column("pagu", "Pagu (Rp)", "angka"),
        Column("realisasi", "Realisasi (Rp)", "angka"),
        Column("penyerapan", "Penyerapan", "angka"),
    ]
    values = per_source[["pagu", "realisasi", "penyerapan"]]
    return render_table(body, columns, title, _budget_notes(total), values)


def kegiatan_links(kegiatan: pd.DataFrame) -> pd.DataFrame:
    """List one (kegiatan, kode) row per budget code a PK kegiatan spends (kegiatan.csv).

    Each row keeps the index of its kegiatan.csv row (repeated for several codes), so a
    problem found in a link names the line of kegiatan.csv.
    """
    codes = kegiatan["kode_anggaran"].astype("string").str.split(";")
    pairs = pd.DataFrame({"kegiatan": kegiatan["id"], "kode": codes}).explode("kode")
    pairs["kode"] = pairs["kode"].astype("string").str.strip()
    return pairs.loc[pairs["kode"].fillna("") != ""]


@remembered(kept=8)
def staff_table(pegawai: pd.DataFrame, tabel: str, title: str) -> Html:
    """Render one staff table of pegawai.csv (`tabel` "1.1" ASN, "1.2" non PNS), totalled.

    No rows for `tabel`: no table. Where some counts are not stated, the total says
    "paling sedikit" and a note names the jabatan without a count; where none is, no total.
    """
    rows = pegawai.loc[pegawai["tabel"] == tabel]
    if rows.empty:
        return Html("")
    body = pd.DataFrame(
        {
            "no": rows["no"].astype("string") + ".",
            "jabatan": rows["jabatan"],
            "jumlah": rows["jumlah"].map(lambda v: format_angka(v, kosong="–")),
            "status": rows["status"],
        }
    )
    missing = rows.loc[rows["jumlah"].isna(), "jabatan"].astype(str).tolist()
    notes = ""
    if len(missing) < len(rows):
        total = format_angka(rows["jumlah"].sum())
        body.loc["jumlah"] = ["", "Jumlah", f"paling sedikit {total}" if missing else total, ""]
    if missing:
        notes = (
            f"Jumlah orang pada jabatan {daftar(missing)} tidak tercantum dalam dokumen sumber"
            + (
                "; jumlah di atas hanya menghitung jabatan yang jumlahnya tercantum."
                if len(missing) < len(rows)
                else "."
            )
        )
    body[ROW_CLASS] = [""] * len(rows) + ["jumlah"] * (len(body) - len(rows))
    columns = [
        Column("no", "No", "tengah", "8%"),
        Column("jabatan", "Jabatan"),
        Column("jumlah", "Jumlah (orang)", "angka", "18%"),
        Column("status", "Status", "tengah", "20%"),
    ]
    return render_table(body, columns, title, notes, rows[["jumlah"]])


def line_level(
    kode: pd.Series, pohon: pd.DataFrame | None, tingkat: Mapping[str, str] | None = None
) -> str:
    """Name the tree level of the budget lines ``kode`` ("Sub Kegiatan"), "Kegiatan" if unsaid.

    A line's level is that of the tree node whose ``kode_anggaran`` names it; names come
    from ``tingkat`` (`settings.level_names`). Lines at several levels: their names, top
    first, joined by "/".
    """
    if pohon is None or pohon.empty:
        return "Kegiatan"
    names = {**level_names(None), **(tingkat or {})}
    found = set(kode.map(code_levels(pohon)).dropna())
    if not found:
        return "Kegiatan"
    order = list(names)
    found_sorted = sorted(found, key=lambda t: order.index(t) if t in order else len(order))
    return "/".join(names.get(t, str(t).replace("_", " ").title()) for t in found_sorted)


@remembered(kept=8)
def program_table(
    program: pd.DataFrame,
    anggaran: pd.DataFrame,
    title: str,
    pohon: pd.DataFrame | None = None,
    tingkat: Mapping[str, str] | None = None,
) -> Html:
    """Render the programmes and the budget kegiatan under each, with pagu (LAKIP Tabel 2.1).

    Rows are the lowest budget lines of anggaran.csv (the DIPA kegiatan, a Pemda's sub
    kegiatan), with their codes and sumber dana, headed by each line above them (the
    programme as the PK names it, then a kegiatan, ...), each opening with its tree level's
    name where ``pohon`` tells it (`pohon.code_levels`: "Kegiatan Pengelolaan ..."). The line
    column is named by the rows' level in ``pohon`` (`line_level`: "Sub Kegiatan"),
    "Kegiatan" where the tree does not say. No budget lines: no table. The PK kegiatan, most
    without a budget code, are in Tabel 2.3.
    """
    if anggaran.empty:
        return Html("")
    has_children = anggaran["kode"].isin(anggaran["induk"].dropna())
    lines = anggaran.loc[anggaran["induk"].notna() & ~has_children]
    if lines.empty:
        lines = anggaran
    parents = anggaran.set_index("kode")
    # Only programmes with their own budget code name a budget line (a tree built from
    # pohon.csv may leave kode_anggaran empty on every programme).
    programs = (
        program.dropna(subset=["kode_anggaran"])
        .drop_duplicates("kode_anggaran")
        .set_index("kode_anggaran")
    )
    induk = dict(zip(anggaran["kode"], anggaran["induk"], strict=True))
    level = (
        code_levels(pohon).map({**level_names(None), **(tingkat or {})})
        if pohon is not None and len(pohon)
        else pd.Series(dtype="string")
    )
    chains = []  # the lines above each row, top first
    for kode in lines["kode"]:
        chain: list[str] = []
        above = induk.get(kode)
        while isinstance(above, str) and above in induk and above not in chain:
            chain.insert(0, above)
            above = induk[above]
        chains.append(chain)
    heads: list[tuple[pd.Series, pd.Series, int]] = []
    for depth in range(max(map(len, chains), default=0)):
        kode = pd.Series([c[depth] if len(c) > depth else pd.NA for c in chains], index=lines.index)
        kode = kode.astype("string")
        name = kode.map(programs["nama"]).astype("string").fillna(kode.map(parents["uraian"]))
        name = with_level_name(name, name, kode.map(level).astype("string"))
        huruf = kode.map(programs["huruf"]).astype("string")
        label = (
            (huruf + ". ").fillna("")
            + name.astype("string")
            + " ("
            + kode
            + ", pagu "
            + _rupiah(kode.map(parents["pagu"]))
            + ")"
        )
        changed = _changes(kode) | (heads[-1][0] if heads else False)
        heads.append((changed & kode.notna(), label, depth + 1))
    body = pd.DataFrame(
        {
            "kode": lines["kode"],
            "uraian": lines["uraian"],
            "sumber_dana": lines["sumber_dana"],
            "pagu": _rupiah(lines["pagu"]),
        }
    )
    body = _with_headers(body, heads)
    columns = [
        Column("kode", "Kode", "tengah", "10%"),
        Column("uraian", line_level(lines["kode"], pohon, tingkat)),
        Column("sumber_dana", "Sumber Dana", "tengah", "12%"),
        Column("pagu", "Pagu (Rp)", "angka", "20%"),
    ]
    return render_table(body, columns, title, values=lines[["pagu"]])


@remembered(kept=8)
def pk_budget_table(pk_anggaran: pd.DataFrame, title: str) -> Html:
    """Render the programme budgets signed in the PK, with their total (of those filled in)."""
    if pk_anggaran.empty:
        return Html("")
    body = pd.DataFrame(
        {
            "no": pd.Series(np.arange(1, len(pk_anggaran) + 1), index=pk_anggaran.index).astype(
                "string"
            )
            + ".",
            "uraian": pk_anggaran["uraian"],
            "pagu": _rupiah(pk_anggaran["pagu"]),
        }
    )
    jumlah, notes = _jumlah_pagu(pk_anggaran["pagu"])
    body.loc["jumlah"] = ["", "Jumlah", jumlah]
    body[ROW_CLASS] = [""] * len(pk_anggaran) + ["jumlah"]
    columns = [
        Column("no", "No", "tengah", "8%"),
        Column("uraian", "Program"),
        Column("pagu", "Anggaran (Rp)", "angka", "25%"),
    ]
    return render_table(body, columns, title, notes, pk_anggaran[["pagu"]])


@remembered(kept=8)
def rkt_strategic_table(rkt: pd.DataFrame, title: str) -> Html:
    """Render the RKT sasaran strategis grouped by tujuan (RKT Tabel 2.1)."""
    if rkt.empty:
        return Html("")
    first = _changes(rkt["sasaran"])
    body = pd.DataFrame(
        {
            "sasaran": rkt["sasaran"].where(first, ""),
            "indikator": rkt["uraian"],
            "target": rkt["target_teks"].map(partial(format_nilai, kosong=BELUM_DITETAPKAN)),
        }
    )
    body = _with_headers(body, [(_changes(rkt["tujuan"]), "Tujuan: " + rkt["tujuan"], 1)])
    columns = [
        Column("sasaran", "Sasaran Strategis", width="38%"),
        Column("indikator", "Indikator Kinerja"),
        Column("target", "Target", "tengah", "12%"),
    ]
    return render_table(body, columns, title, values=rkt[["sasaran"]])


@remembered(kept=8)
def rkt_program_table(rkt: pd.DataFrame, program: pd.DataFrame, title: str) -> Html:
    """Render the RKT programme/kegiatan indicators (RKT Tabel 2.2), headings as printed."""
    if rkt.empty:
        return Html("")
    first = _changes(rkt["sasaran"]) | _changes(rkt["kegiatan"])
    body = pd.DataFrame(
        {
            "sasaran": rkt["sasaran"].where(first, ""),
            "indikator": rkt["uraian"],
            "target": rkt["target_teks"].map(partial(format_nilai, kosong=BELUM_DITETAPKAN)),
        }
    )
    programs = program.set_index("kode")
    program_label = (
        rkt["program"].map(programs["huruf"])
        + ". "
        + rkt["program"].map(programs["nama"]).str.upper()
    )
    body = _with_headers(
        body,
        [
            (_changes(rkt["program"]), program_label, 1),
            (_changes(rkt["kegiatan"]) & rkt["kegiatan"].notna(), rkt["kegiatan"], 2),
        ],
    )
    columns = [
        Column("sasaran", "Sasaran Program/Kegiatan", width="38%"),
        Column("indikator", "Indikator Kinerja"),
        Column("target", "Target", "tengah", "12%"),
    ]
    return render_table(body, columns, title, values=rkt[["sasaran"]])


@remembered(kept=8)
def rkt_funding_table(rkt_pendanaan: pd.DataFrame, title: str) -> Html:
    """Render the RKT's planned funding (RKT Tabel 2.3.1); top-level lines bold, totalled.

    The total adds the programmes: the top-level lines with a budget code whose pagu is
    filled in. A top-level line without a code (e.g. "Data dan Informasi" in the 2024 RKT,
    whose printed total leaves it out) is listed but not added, and a note says so. When
    no top-level line has a code, all of them are added. No rows: no table.
    """
    if rkt_pendanaan.empty:
        return Html("")
    top = rkt_pendanaan["induk"].isna()
    coded = top & rkt_pendanaan["kode"].notna()
    counted = coded if coded.any() else top
    body = pd.DataFrame(
        {
            "no": rkt_pendanaan["no"].astype("string") + ".",
            "kode": rkt_pendanaan["kode"].fillna("–"),
            "uraian": rkt_pendanaan["uraian"],
            "pagu": _rupiah(rkt_pendanaan["pagu"]),
            ROW_CLASS: np.where(top, "induk", ""),
        }
    )
    jumlah, note = _jumlah_pagu(rkt_pendanaan.loc[counted, "pagu"])
    left_out = rkt_pendanaan.loc[top & ~counted, "uraian"].astype(str).tolist()
    notes = [note] if note else []
    if left_out:
        notes.insert(
            0,
            "Jumlah adalah pagu seluruh program; "
            + daftar([f"\u201c{name}\u201d" for name in left_out])
            + (" tidak memiliki kode program dan tidak termasuk dalam jumlah."),
        )
    body.loc["jumlah"] = ["", "", "Jumlah", jumlah, "jumlah"]
    columns = [
        Column("no", "No", "tengah", "7%"),
        Column("kode", "Kode", "tengah", "13%"),
        Column("uraian", "Uraian"),
        Column("pagu", "Pagu (Rp)", "angka", "22%"),
    ]
    return render_table(body, columns, title, " ".join(notes), rkt_pendanaan[["pagu"]])


@remembered(kept=8)
def simple_table(
    frame: pd.DataFrame, labels: dict[str, str], title: str, total: str | None = None
) -> ReportTable:
    """Render the columns in `labels` (key -> header) as a small table, numbers formatted.

    A `no` column is the row number, printed as in the other tables: "1.", centred, narrow.
    `total` names an integer column to sum in a final "Jumlah" row, labelled in the first
    column that is not `no`. A frame without rows (a year just started) gives one row
    saying "belum ada data", not a total of 0.
    """
    if frame.empty:
        empty = pd.DataFrame({key: [""] for key in labels}).assign(
            **{next(iter(labels)): STATUS_BELUM_ADA_DATA}
        )
        columns = [Column(key, label) for key, label in labels.items()]
        html = render_table(empty, columns, title).html
        return ReportTable(html, title, table_frame(frame, columns))
    body = pd.DataFrame(index=frame.index)
    columns = []
    for key, label in labels.items():
        values = frame[key]
        numeric = pd.api.types.is_integer_dtype(values)
        dates = pd.api.types.is_datetime64_any_dtype(values)
        if key == NOMOR:
            body[key] = values.astype("string") + "."
            columns.append(Column(key, label, "tengah", "8%"))
            continue
        if numeric:
            body[key] = values.map(lambda v: format_angka(v))
        elif dates:
            body[key] = values.dt.date.map(format_tanggal)
        else:
            body[key] = values.astype("string")
        columns.append(Column(key, label, "angka" if numeric else ""))
    if total is not None:
        row = {key: "" for key in labels}
        row[next((key for key in labels if key != NOMOR), NOMOR)] = "Jumlah"
        row[total] = format_angka(frame[total].sum())
        body = pd.concat(
            [body, pd.DataFrame([row]).assign(**{ROW_CLASS: "jumlah"})], ignore_index=True
        )
    return render_table(body, columns, title, values=frame[list(labels)])


def budget_lines(anggaran: pd.DataFrame) -> pd.DataFrame:
    """Return the lowest-level budget lines (DIPA kegiatan) with `label` and `penyerapan`."""
    lines = compute_penyerapan(anggaran)
    leaves = lines.loc[~lines["kode"].isin(lines["induk"].dropna())]
    return leaves.assign(label=leaves["kode"] + " " + leaves["uraian"]).reset_index(drop=True)


def findings_table(findings: Sequence[Finding], title: str) -> ReportTable:
    """Render data findings (loader warnings, audit results): file, place, what was found."""
    body = pd.DataFrame(
        {
            "no": [f"{i}." for i in range(1, len(findings) + 1)],
            "berkas": [f.file for f in findings],
            "lokasi": [f.location() for f in findings],
            "temuan": [f.describe() for f in findings],
        }
    )
    columns = [
        Column("no", "No", "tengah", "6%"),
        Column("berkas", "Berkas", width="26%"),
        Column("lokasi", "Lokasi", width="18%"),
        Column("temuan", "Temuan"),
    ]
    return render_table(body, columns, title)
