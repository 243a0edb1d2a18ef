"""The performance tree (pohon kinerja): tujuan -> sasaran strategis -> program -> kegiatan ...

A unit writes its tree in ``pohon.csv`` (one row per node: id, induk, tingkat, nomor, nama,
kode_anggaran), as deep as it uses and with any level left out; the level names come from
``pengaturan.tingkat`` in laporan.yaml (``lakipkit.settings``). The older pair
``program.csv`` + ``kegiatan.csv`` is the same tree with two levels and is read into the same
frame (`from_program_kegiatan`), so everything downstream sees one shape.

Sasaran and indicators hang under any node (``induk``); an indicator under a sasaran
strategis node is an IKU. Budget lines attach to any node through ``kode_anggaran``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: Columns of ``YearData.pohon``, in tree order (each node before its children).
POHON_COLUMNS = ["id", "induk", "tingkat", "nomor", "nama", "kode_anggaran", "kedalaman"]
#: Levels whose indicators are the unit's strategic (IKU) level.
TINGKAT_STRATEGIS = ("tujuan", "sasaran_strategis")


def from_program_kegiatan(program: pd.DataFrame, kegiatan: pd.DataFrame) -> pd.DataFrame:
    """Read program.csv + kegiatan.csv as a two-level tree (programmes, their kegiatan)."""
    nodes = pd.concat(
        [
            pd.DataFrame(
                {
                    "id": program["kode"],
                    "induk": pd.Series(pd.NA, index=program.index, dtype="string"),
                    "tingkat": "program",
                    "nomor": program["huruf"] + ".",
                    "nama": program["nama"],
                    "kode_anggaran": program["kode_anggaran"],
                }
            ),
            pd.DataFrame(
                {
                    "id": kegiatan["id"],
                    "induk": kegiatan["program"],
                    "tingkat": "kegiatan",
                    "nomor": kegiatan["huruf"] + ".",
                    "nama": kegiatan["nama"],
                    "kode_anggaran": kegiatan["kode_anggaran"],
                }
            ),
        ],
        ignore_index=True,
    )
    return ordered(nodes.astype("string"))


def ordered(nodes: pd.DataFrame) -> pd.DataFrame:
    """Put each node before its children (siblings in file order) and add ``kedalaman``.

    A node whose parent is unknown (or on a cycle; the loader reports both) is kept at the
    top so nothing is lost.
    """
    ids = nodes["id"].astype(object).tolist()
    parents = nodes["induk"].astype(object).where(nodes["induk"].isin(ids)).tolist()
    children: dict[object, list[int]] = {}
    for position, parent in enumerate(parents):
        children.setdefault(None if pd.isna(parent) else parent, []).append(position)
    order: list[tuple[int, int]] = []
    seen: set[int] = set()
    stack = [(position, 0) for position in reversed(children.get(None, []))]
    while stack or len(seen) < len(ids):
        if not stack:  # a cycle: start it at its first row
            stack = [(min(set(range(len(ids))) - seen), 0)]
        position, depth = stack.pop()
        if position in seen:
            continue
        seen.add(position)
        order.append((position, depth))
        kids = children.get(ids[position], [])
        stack += [(kid, depth + 1) for kid in reversed(kids)]
    rows = [position for position, _ in order]
    result = nodes.iloc[rows].assign(kedalaman=[depth for _, depth in order])
    return result[POHON_COLUMNS].reset_index(drop=True).astype({"kedalaman": "int64"})


def paths(pohon: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Map each node id to the ids from the top of the tree down to it."""
    parent = dict(zip(pohon["id"], pohon["induk"], strict=True))
    found: dict[str, tuple[str, ...]] = {}
    for node in pohon["id"]:
        chain: list[str] = []
        current: object = node
        while isinstance(current, str) and current in parent and current not in chain:
            chain.append(current)
            current = parent[current]
        found[node] = tuple(reversed(chain))
    return found


def ancestor_at(simpul: pd.Series, pohon: pd.DataFrame, tingkat: str) -> pd.Series:
    """Find the node at level ``tingkat`` on each row's path (itself included), or NA."""
    level = dict(zip(pohon["id"], pohon["tingkat"], strict=True))
    jalur = paths(pohon)
    found = [
        next((n for n in jalur.get(s, ()) if level[n] == tingkat), pd.NA)
        if isinstance(s, str)
        else pd.NA
        for s in simpul
    ]
    return pd.Series(found, index=simpul.index, dtype="string")


def labels(pohon: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.Series:
    """Label each node as printed: 'A. Program Dukungan Manajemen', '2.23.02 Program ...'.

    With ``names`` (``settings.level_names``) each label opens with its level's name
    ('Sub Kegiatan 2.23.02.2.01.0003 ...') unless the node's name already does.
    """
    nomor = pohon["nomor"].astype("string").fillna("")
    text = (nomor + " " + pohon["nama"]).str.strip()
    if names:
        level = pohon["tingkat"].map(dict(names)).astype("string")
        text = with_level_name(text, pohon["nama"], level)
    return pd.Series(text.to_numpy(), index=pohon["id"].to_numpy(), dtype="string")


def with_level_name(text: pd.Series, nama: pd.Series, level: pd.Series) -> pd.Series:
    """Open each ``text`` with its ``level`` name, unless ``nama`` already says it.

    So a reader tells a kegiatan from its sub kegiatan without printing "Program Program ...".
    """
    said = [
        isinstance(lv, str) and str(n).lower().startswith(lv.lower())
        for lv, n in zip(level, nama, strict=True)
    ]
    keep = level.isna().to_numpy() | np.array(said, dtype=bool)
    return text.where(pd.Series(keep, index=text.index), level + " " + text)


def tree_order(simpul: pd.Series, pohon: pd.DataFrame) -> np.ndarray:
    """Position of each row's node in tree order; rows under no node come first (-1)."""
    position = pd.Series(np.arange(len(pohon)), index=pohon["id"].to_numpy())
    return simpul.map(position).fillna(-1).to_numpy(dtype=float)


def headings(
    simpul: pd.Series, pohon: pd.DataFrame, tingkat: Mapping[str, str] | None = None
) -> list[tuple[pd.Series, pd.Series, int]]:
    """Heading rows for rows hanging under tree nodes: one per level on their path.

    Returns (mask, label, level) triples for ``tables._with_headers``: a heading row goes
    before each row whose node at that depth differs from the row before. Rows with no node
    get no heading (nothing is invented); the top level is printed in capitals. In a tree of
    more than two levels (where capitals and numbering no longer tell the levels apart) each
    heading opens with its level's name from ``tingkat`` (`labels`).
    """
    jalur = paths(pohon)
    per_row = [jalur.get(s, ()) if isinstance(s, str) else () for s in simpul]
    depth = max((len(p) for p in per_row), default=0)
    names = labels(pohon, tingkat if depth > 2 else None)
    found: list[tuple[pd.Series, pd.Series, int]] = []
    above = pd.Series(False, index=simpul.index)
    for d in range(depth):
        node = pd.Series(
            [p[d] if len(p) > d else pd.NA for p in per_row], index=simpul.index, dtype="string"
        )
        filled = node.fillna("\0")
        changed = filled.ne(filled.shift()).fillna(True).astype(bool) | above
        label = node.map(names).astype("string")
        found.append((changed & node.notna(), label.str.upper() if d == 0 else label, d + 1))
        above = changed
    return found


def tree_of(
    capaian: pd.DataFrame, program: pd.DataFrame, kegiatan: pd.DataFrame, pohon: pd.DataFrame | None
) -> tuple[pd.Series, pd.DataFrame]:
    """Return each row's node and the tree, for a frame that may predate ``simpul``."""
    tree = pohon if pohon is not None else from_program_kegiatan(program, kegiatan)
    if "simpul" in capaian:
        return capaian["simpul"].astype("string"), tree
    simpul = capaian["kegiatan"].astype("string").fillna(capaian["program"].astype("string"))
    return simpul, tree


def codes(pohon: pd.DataFrame) -> pd.DataFrame:
    """List one (node, kode) row per budget code written on a node, keeping its file row."""
    split = pohon["kode_anggaran"].astype("string").str.split(";")
    pairs = pd.DataFrame({"simpul": pohon["id"], "kode": split}).explode("kode")
    pairs["kode"] = pairs["kode"].astype("string").str.strip()
    return pairs.loc[pairs["kode"].fillna("") != ""]


def code_levels(pohon: pd.DataFrame) -> pd.Series:
    """Tree level (``tingkat``) of each budget code, indexed by the code.

    A code's node is the one whose ``kode_anggaran`` names it, else the one numbered with it
    (a Pemda's tree numbers programmes and kegiatan by their kode rekening and writes codes
    only on the sub kegiatan).
    """
    level = dict(zip(pohon["id"], pohon["tingkat"], strict=True))
    pairs = codes(pohon).drop_duplicates("kode")
    named = pd.Series(pairs["simpul"].map(level).to_numpy(), index=pairs["kode"].to_numpy())
    nomor = pohon["nomor"].astype("string").str.strip()
    numbered = pd.Series(pohon["tingkat"].to_numpy(), index=nomor.to_numpy())
    numbered = numbered[nomor.notna().to_numpy() & ~numbered.index.duplicated()]
    return pd.concat([named, numbered[~numbered.index.isin(named.index)]])


def with_descendant_codes(pohon: pd.DataFrame, ids: Sequence[str]) -> pd.Series:
    """Join the budget codes of each node in ``ids`` and of every node below it with ';'."""
    jalur = paths(pohon)
    own = codes(pohon).groupby("simpul", sort=False)["kode"].agg(list)
    joined = {
        node: ";".join(
            dict.fromkeys(
                code for other, path in jalur.items() if node in path for code in own.get(other, [])
            )
        )
        for node in ids
    }
    return pd.Series(joined, dtype="string").reindex(list(ids)).replace("", pd.NA)
