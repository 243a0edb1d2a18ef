"""Results remembered per file content (lakipkit.memo) and the loader using it."""

import pathlib
import shutil
from pathlib import Path

import pytest

from lakipkit.errors import DataValidationError
from lakipkit.loading import load_year
from lakipkit.memo import DATA, ContentMemo, content_key

FIXTURES = Path(__file__).parent / "fixtures"


def test_key_follows_content_not_time(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    first = content_key([tmp_path])
    (tmp_path / "a.csv").write_text("x\n1\n")  # rewritten, same bytes
    assert content_key([tmp_path]) == first
    (tmp_path / "a.csv").write_text("x\n2\n")  # same size, same clock tick possibly
    assert content_key([tmp_path]) != first
    (tmp_path / "b.csv").write_text("")
    assert content_key([tmp_path]) != first


def test_recall_computes_once_per_content_and_hands_out_copies(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("1")
    memo, calls = ContentMemo(), []

    def compute():
        calls.append(1)
        return {"rows": [int(source.read_text())]}

    first = memo.recall("a", [source], compute)
    first["rows"].append(99)  # a caller's change stays its own
    assert memo.recall("a", [source], compute) == {"rows": [1]} and len(calls) == 1
    source.write_text("2")
    assert memo.recall("a", [source], compute) == {"rows": [2]} and len(calls) == 2


def test_failures_are_not_remembered(tmp_path):
    memo = ContentMemo()
    with pytest.raises(ValueError):
        memo.recall("a", [tmp_path], lambda: (_ for _ in ()).throw(ValueError("bad")))
    assert memo.recall("a", [tmp_path], lambda: 3) == 3


def test_export_and_seed_carry_entries_to_another_memo(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("1")
    one, other = ContentMemo(), ContentMemo()
    one.recall("a", [source], lambda: [1])
    other.seed(one.export())
    assert other.recall("a", [source], lambda: pytest.fail("recomputed")) == [1]


def test_load_year_reads_again_only_after_an_edit(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "data" / "contoh-satker", data / "contoh-satker")
    DATA.clear()
    first = load_year(data, "contoh-satker", 2023)
    reads = []
    original = pathlib.Path.read_bytes
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda p: reads.append(p) or original(p))
    again = load_year(data, "contoh-satker", 2023)
    assert reads == [] and again.indikator.equals(first.indikator)
    indikator = data / "contoh-satker" / "2023" / "indikator.csv"
    indikator.write_text(indikator.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load_year(data, "contoh-satker", 2023)
    assert reads  # the edited year was read again
    # Of the tables and YAML files only the edited one is read again (narratives are text).
    assert {p.name for p in reads if p.suffix != ".md"} == {"indikator.csv"}
    laporan = data / "contoh-satker" / "2023" / "laporan.yaml"
    laporan.write_text(laporan.read_text(encoding="utf-8") + "\nkunci_asing: 1\n")
    reads.clear()
    with pytest.raises(DataValidationError):
        load_year(data, "contoh-satker", 2023)  # an error in the edited YAML is still seen
    assert {p.name for p in reads if p.suffix != ".md"} == {"laporan.yaml"}


def test_remembered_calls_run_once_per_argument_values_and_hand_out_copies():
    import pandas as pd

    from lakipkit.memo import remembered_calls

    calls = []

    def total(frame, label="jumlah"):
        calls.append(label)
        return {label: frame["x"].sum(), "frame": frame.copy()}

    def fresh(result):
        return {**result, "frame": result["frame"].copy()}

    remembered = remembered_calls(total, fresh, kept=2)
    frame = pd.DataFrame({"x": [1, 2]})
    first = remembered(frame)
    first["frame"].loc[0, "x"] = 99  # a caller's change reaches no later caller
    again = remembered(frame.copy())
    assert again["jumlah"] == 3 and again["frame"]["x"].tolist() == [1, 2]
    assert calls == ["jumlah"]
    # Another value, a value of another type, another keyword: computed again.
    assert remembered(frame.assign(x=[1, 3]))["jumlah"] == 4
    assert remembered(frame.astype(float))["jumlah"] == 3.0
    assert remembered(frame, label="total")["total"] == 3
    assert len(calls) == 4
    # Only the last `kept` argument values are kept.
    remembered(frame)
    assert len(calls) == 5


def test_kept_data_checks_see_every_edit_and_its_undoing(tmp_path):
    """The cross-file checks kept per argument values find a new error at once, and forget
    it once the file is right again (nothing stale either way)."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "data" / "contoh-satker", data / "contoh-satker")
    folder = data / "contoh-satker" / "2023"
    load_year(data, "contoh-satker", 2023)
    for name, old, new, code in (
        ("indikator.csv", '"97,5%",positif,,,', '"97,5%",positif,,opini_bpk,', "inconsistent"),
        ("realisasi.csv", 'WA-01,"98,0%"', "WA-01,WTP", "value_kind"),
        ("anggaran.csv", "1001,001.01.WA,", "1001,001.09.WA,", "unknown_reference"),  # induk
    ):
        path = folder / name
        right = path.read_text(encoding="utf-8")
        assert old in right
        path.write_text(right.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DataValidationError) as raised:
            load_year(data, "contoh-satker", 2023)
        assert {(f.file.rsplit("/", 1)[-1], f.kode) for f in raised.value.findings} == {
            (name, code)
        }
        path.write_text(right, encoding="utf-8")
        load_year(data, "contoh-satker", 2023)  # no error kept
