"""Time the vectorised calculations on synthetic data, against a row-wise DataFrame.apply.

    .venv/bin/python benchmarks/bench_calculations.py [--rows 1000000] [--lines 100000]
        [--apply-sample 100000] [--seed 0]

Indicators: a mix of positif, negatif (sakip and rasio, incl. realisasi 0 and target 0),
rentang, kualitatif (both scales) and ~10 % missing realisasi. Budget: a 3-level tree
(programme > kegiatan > lines) with ~5 % unreported realisasi and ~1 % parents that
disagree with their children. The row-wise reference runs on a random sample of
``--apply-sample`` rows (0 = all rows); its time is scaled up to the full row count and
both results are compared on that sample.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from lakipkit.anggaran import compute_penyerapan, rollup, totals_by_source
from lakipkit.capaian import CapaianSettings, compute_capaian, summarise_capaian
from lakipkit.parsing import SKALA


def synthetic_indikator(n: int, rng: np.random.Generator) -> pd.DataFrame:
    polaritas = rng.choice(
        ["positif", "negatif", "rentang", "kualitatif"], size=n, p=[0.6, 0.15, 0.1, 0.15]
    )
    rumus = np.where(polaritas == "negatif", rng.choice(["sakip", "rasio"], size=n), None)
    skala = np.where(polaritas == "kualitatif", rng.choice(list(SKALA), size=n), None)
    target = rng.integers(0, 101, size=n).astype(float)
    target[(polaritas == "positif") & (target == 0)] = 1.0
    target_atas = np.where(polaritas == "rentang", target + rng.integers(0, 20, size=n), np.nan)
    realisasi = np.round(target * rng.uniform(0.0, 1.5, size=n), 1)
    realisasi[rng.random(n) < 0.03] = 0.0
    grades = {s: np.array(g) for s, g in SKALA.items()}
    target_teks = np.where(
        skala == "opini_bpk",
        rng.choice(grades["opini_bpk"], size=n),
        np.where(skala == "predikat_sakip", rng.choice(grades["predikat_sakip"], size=n), None),
    )
    realisasi_teks = np.where(
        skala == "opini_bpk",
        rng.choice(grades["opini_bpk"], size=n),
        np.where(skala == "predikat_sakip", rng.choice(grades["predikat_sakip"], size=n), None),
    )
    kualitatif = polaritas == "kualitatif"
    target[kualitatif] = np.nan
    realisasi[kualitatif] = np.nan
    missing = rng.random(n) < 0.1
    realisasi[missing] = np.nan
    realisasi_teks[missing] = None
    frame = pd.DataFrame(
        {
            "id": np.char.add("IND-", np.arange(n).astype(str)),
            "sasaran": np.char.add("S-", (np.arange(n) // 4).astype(str)),
            "polaritas": polaritas,
            "rumus": rumus,
            "skala": skala,
            "target_teks": np.where(kualitatif, target_teks, target.astype(str)),
            "target": target,
            "target_atas": target_atas,
            "realisasi_teks": np.where(kualitatif, realisasi_teks, None),
            "realisasi": realisasi,
        }
    )
    numeric = ~kualitatif & ~missing
    frame.loc[numeric, "realisasi_teks"] = frame.loc[numeric, "realisasi"].astype(str)
    return frame


def synthetic_anggaran(n: int, rng: np.random.Generator) -> pd.DataFrame:
    n_program = max(n // 1000, 1)
    n_kegiatan = max(n // 10, 1) - n_program
    n_baris = n - n_program - n_kegiatan
    program = np.char.add("P", np.arange(n_program).astype(str))
    kegiatan = np.char.add("K", np.arange(n_kegiatan).astype(str))
    baris = np.char.add("B", np.arange(n_baris).astype(str))
    kegiatan_induk = program[rng.integers(0, n_program, size=n_kegiatan)]
    baris_induk = kegiatan[rng.integers(0, n_kegiatan, size=n_baris)]
    pagu = rng.integers(1_000_000, 5_000_000_000, size=n_baris)
    realisasi = pd.array((pagu * rng.uniform(0.5, 1.0, size=n_baris)).astype("int64"), "Int64")
    realisasi[rng.random(n_baris) < 0.05] = pd.NA
    leaves = pd.DataFrame(
        {"kode": baris, "induk": baris_induk, "pagu": pagu, "realisasi": realisasi}
    ).assign(sumber_dana=rng.choice(["APBN", "APBD"], size=n_baris, p=[0.8, 0.2]))
    mid = _stated_parents(leaves, kegiatan, kegiatan_induk, rng)
    top = _stated_parents(mid, program, np.full(n_program, None), rng)
    frame = pd.concat([top, mid, leaves], ignore_index=True)
    return frame.assign(
        induk=frame["induk"].astype("str"),
        uraian="baris " + frame["kode"],
        pagu=frame["pagu"].astype("int64"),
        realisasi=frame["realisasi"].astype("Int64"),
        persen_terbit=np.nan,
    )


def _stated_parents(children, kode, induk, rng) -> pd.DataFrame:
    """Parents stating their children's sums, ~1 % of them off by 1 000 rupiah."""
    sums = children.groupby("induk")[["pagu", "realisasi"]].sum()
    parents = pd.DataFrame({"kode": kode, "induk": induk}).join(sums, on="kode")
    parents = parents.fillna({"pagu": 0, "realisasi": 0}).astype({"pagu": "int64"})
    off = rng.random(len(parents)) < 0.01
    parents.loc[off, "pagu"] += 1_000
    return parents.assign(sumber_dana="APBN")


def capaian_baris(row: pd.Series) -> float:
    """Reference: the documented rules written row by row (docs/formulas.md)."""
    t, r = row["target"], row["realisasi"]
    if row["polaritas"] == "kualitatif":
        if pd.isna(row["realisasi_teks"]):
            return np.nan
        grades = SKALA[row["skala"]]
        posisi_r = len(grades) - grades.index(row["realisasi_teks"].strip().upper())
        return posisi_r / (len(grades) - grades.index(row["target_teks"].strip().upper())) * 100
    if pd.isna(r):
        return np.nan
    if row["polaritas"] == "positif":
        return r / t * 100
    if row["polaritas"] == "negatif":
        if t == 0:
            return 100.0 if r <= 0 else 0.0
        if row["rumus"] == "rasio":
            return 200.0 if r == 0 else t / r * 100
        return max((2 * t - r) / t * 100, 0.0)
    a, b = t, row["target_atas"]
    return r / a * 100 if r < a else (b / r * 100 if r > b else 100.0)


def best_of(repeat: int, func):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--apply-sample", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    settings = CapaianSettings(cap=120)

    indikator = synthetic_indikator(args.rows, rng)
    anggaran = synthetic_anggaran(args.lines, rng)
    t_capaian, hasil = best_of(3, lambda: compute_capaian(indikator, settings))
    t_summary, ringkasan = best_of(3, lambda: summarise_capaian(hasil, by=["sasaran"]))

    sample = args.apply_sample or args.rows
    idx = rng.choice(args.rows, size=min(sample, args.rows), replace=False)
    start = time.perf_counter()
    reference = indikator.iloc[idx].apply(capaian_baris, axis=1)
    t_apply = (time.perf_counter() - start) * args.rows / len(idx)
    np.testing.assert_allclose(hasil["capaian"].to_numpy()[idx], reference.to_numpy(dtype=float))
    assert (hasil["status"].iloc[idx].eq("belum ada data") == reference.isna()).all()

    t_penyerapan, _ = best_of(3, lambda: compute_penyerapan(anggaran))
    t_rollup, (_, selisih) = best_of(3, lambda: rollup(anggaran))
    t_source, per_source = best_of(3, lambda: totals_by_source(anggaran))

    scope = "on the full frame" if len(idx) == args.rows else f"on {len(idx):,} rows, scaled"
    print(f"indicators: {args.rows:,} rows ({hasil['status'].value_counts().to_dict()})")
    print(f"  compute_capaian      {t_capaian:8.3f} s")
    print(f"  summarise_capaian    {t_summary:8.3f} s  ({len(ringkasan):,} sasaran)")
    print(f"  vectorised total     {t_capaian + t_summary:8.3f} s")
    print(f"  row-wise apply       {t_apply:8.3f} s  ({scope}; same capaian and status)")
    print(f"  apply / vectorised   {t_apply / t_capaian:8.0f} x  (compute_capaian only)")
    print(f"budget: {len(anggaran):,} lines, 3 levels")
    print(f"  compute_penyerapan   {t_penyerapan:8.3f} s")
    print(f"  rollup               {t_rollup:8.3f} s  ({len(selisih):,} discrepancies)")
    print(f"  totals_by_source     {t_source:8.3f} s  ({len(per_source)} sumber dana)")
    print(f"  budget total         {t_penyerapan + t_rollup + t_source:8.3f} s")


if __name__ == "__main__":
    main()
