"""The `lakip` command: maps arguments to the lakipkit API and errors to one-line messages."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from lakipkit.errors import LakipError
from lakipkit.skala import BAND_SCALES

if TYPE_CHECKING:
    from rich.console import Console

    from lakipkit.batch import Outcome, Unit


# C0/C1 controls (ESC starts sequences that retitle the terminal, move the cursor, hide text;
# CR overwrites a line) and bidi overrides (reorder what is shown). Newline and tab stay.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    r"""Show data text safely on a terminal: control characters as visible escapes (\x1b)."""
    return _UNSAFE.sub(
        lambda m: f"\\u{ord(m[0]):04x}" if ord(m[0]) > 0xFF else f"\\x{ord(m[0]):02x}", text
    )


def _resolve_satker(data_dir: Path, satker: str | None) -> str:
    """Use the given satker, or the only one under `data_dir` (the bundled unit)."""
    from lakipkit.folders import list_satker

    if satker:
        return satker
    found = list_satker(data_dir)
    if len(found) == 1:
        return found[0]
    if not found:
        raise LakipError(
            f"tidak ada satker di {data_dir}: buat folder data/<satker>/ (lihat data/README.md)"
        )
    raise LakipError(
        f"ada beberapa satker di {data_dir} ({', '.join(found)}): pilih dengan --satker"
    )


def _cmd_summary(args: argparse.Namespace) -> int:
    from lakipkit.loading import load_year
    from lakipkit.settings import capaian_settings
    from lakipkit.summary import build_summary, summary_json

    capaian_settings(None, cap=args.cap, skala=args.skala)  # a bad flag is told before loading
    satker = _resolve_satker(args.data, args.satker)
    year = load_year(args.data, satker, args.tahun)
    settings = capaian_settings(year.laporan, cap=args.cap, skala=args.skala)
    print(terminal_text(summary_json(build_summary(year, settings))))
    return 0


@contextmanager
def build_progress(console: Console) -> Iterator[Callable[[str], None] | None]:
    """Show each build step with a spinner and its time on a terminal; yield None otherwise.

    build_report calls the callback with a message before each step, so a new message ends
    the step before it. Off a terminal (a pipe, a log, a test) nothing is drawn.
    """
    if not console.is_terminal:
        yield None
        return
    from rich.markup import escape
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(finished_text="[green]✓"), TextColumn("{task.description}"))
    with Progress(*columns, TimeElapsedColumn(), console=console) as bar:

        def finish() -> None:
            for task in bar.tasks:
                bar.update(task.id, completed=1)

        def step(message: str) -> None:
            finish()
            bar.add_task(escape(terminal_text(message)), total=1)  # paths are not markup

        yield step
        finish()  # not reached on an error: the failed step keeps its spinner frame


@contextmanager
def batch_progress(
    console: Console, total: int, workers: int
) -> Iterator[Callable[[str, Unit, Outcome | None], None]]:
    """Show a batch: a bar over the units and the ones being built (oldest first).

    Tasks are handed to the engine in order, so the oldest units not yet finished are the
    ones the workers are on. Off a terminal, one line per finished unit instead.
    """
    running: dict[Unit, None] = {}
    done = [0]
    if not console.is_terminal:

        def line(event: str, unit: Unit, outcome: Outcome | None) -> None:
            if outcome is not None:
                done[0] += 1
                galat = f": {outcome.galat}" if outcome.galat else ""
                text = f"[{done[0]}/{total}] {unit} {outcome.status} ({outcome.detik:.1f} s){galat}"
                console.print(
                    terminal_text(text),
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )

        yield line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("", total=total)

        def step(event: str, unit: Unit, outcome: Outcome | None) -> None:
            if outcome is None:
                running[unit] = None
            else:
                running.pop(unit, None)
                bar.advance(task)
                if outcome.galat:
                    bar.console.print(
                        terminal_text(f"{unit} gagal: {outcome.galat}"),
                        markup=False,
                        highlight=False,
                    )
            names = ", ".join(str(u) for u in list(running)[:workers])
            bar.update(task, description=f"membangun {names}" if names else "")

        yield step


def _formats(text: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in text.split(",") if f.strip())


def _cmd_build(args: argparse.Namespace) -> int:
    from rich.console import Console

    from lakipkit.build import build_report

    if args.semua:
        return _cmd_build_semua(args)
    if args.tahun is None:
        raise LakipError("--tahun wajib (atau --semua untuk setiap satker dan tahun)")
    satker = _resolve_satker(args.data, args.satker)
    formats = _formats(args.format)
    parameters = _build_parameters(args)
    if args.laporan == "konsolidasi":
        parameters["semua_turunan"] = args.turunan
        parameters["pekerja"] = getattr(args, "pekerja", None) or os.cpu_count() or 1
    elif args.turunan:
        raise LakipError("--turunan hanya untuk --laporan konsolidasi")
    with build_progress(Console(stderr=True)) as progress:
        result = build_report(
            args.data,
            satker,
            args.tahun,
            args.output,
            formats=formats,
            parameters=parameters,
            progress=progress,
            laporan=args.laporan,
            triwulan=args.triwulan,
            paksa=args.paksa,
        )
    if result.cached:
        print(
            "lakip: tidak ada perubahan sejak build terakhir; berkas yang ada dipakai "
            "(--paksa untuk membangun ulang)",
            file=sys.stderr,
        )
    for path in result.paths:
        print(terminal_text(str(path)))
    for path in result.removed:
        print(
            terminal_text(f"lakip: dihapus {path} (format itu tidak dibangun ulang)"),
            file=sys.stderr,
        )
    return 0


def _build_parameters(args: argparse.Namespace) -> dict[str, object]:
    parameters: dict[str, object] = {"cap": args.cap, "skala": args.skala}
    if args.pemeriksaan:
        parameters["lampiran_pemeriksaan"] = True
    return parameters


def _cmd_build_semua(args: argparse.Namespace) -> int:
    from rich.console import Console

    from lakipkit.batch import (
        ACCOUNT,
        STATUS_FAILED,
        BatchOptions,
        account_table,
        find_units,
        make_engine,
        run_batch,
        write_account,
    )

    if args.satker:
        raise LakipError("--semua membangun setiap satker: jangan beri --satker")
    options = BatchOptions(
        formats=_formats(args.format),
        parameters=_build_parameters(args),
        laporan=args.laporan,
        triwulan=args.triwulan,
    )
    units = find_units(args.data, args.tahun)
    engine = make_engine(args.pekerja, args.dask)
    console = Console(stderr=True)
    try:
        with batch_progress(console, len(units), engine.workers) as progress:
            outcomes = run_batch(
                args.data,
                args.output,
                engine,
                options,
                units=units,
                force=args.paksa,
                progress=progress,
            )
    finally:
        engine.close()
    account = write_account(args.output / ACCOUNT, outcomes)
    Console().print(account_table(outcomes, clean=terminal_text))
    print(terminal_text(str(account)))
    return 1 if any(o.status == STATUS_FAILED for o in outcomes) else 0


def _cmd_situs(args: argparse.Namespace) -> int:
    from lakipkit.situs import write_site

    pages = write_site(args.output)
    print(terminal_text(f"{pages[0]} ({len(pages)} halaman)"))
    return 0


def _cmd_pratinjau(args: argparse.Namespace) -> int:
    from lakipkit.build import check_laporan
    from lakipkit.pratinjau import Preview

    satker = _resolve_satker(args.data, args.satker)
    check_laporan(args.laporan, args.triwulan)
    parameters: dict[str, object] = {"cap": args.cap, "skala": args.skala}
    try:
        preview = Preview(
            args.data,
            satker,
            args.tahun,
            parameters=parameters,
            laporan=args.laporan,
            triwulan=args.triwulan,
            port=args.port,
            progress=lambda message: print(f"lakip pratinjau: {message}", file=sys.stderr),
        )
    except OSError as error:
        raise LakipError(
            f"port {args.port} di 127.0.0.1 tidak dapat dipakai ({error.strerror}): "
            "pilih --port lain"
        ) from error
    preview.start()
    print(preview.url, flush=True)
    preview.serve_forever()
    return 0


def _cmd_periksa(args: argparse.Namespace) -> int:
    from lakipkit.audit import run_periksa
    from lakipkit.settings import capaian_settings

    capaian_settings(None, cap=args.cap, skala=args.skala)  # a bad flag is told before loading
    satker = _resolve_satker(args.data, args.satker)
    code, text = run_periksa(
        args.data, satker, args.tahun, ketat=args.ketat, cap=args.cap, skala=args.skala
    )
    print(terminal_text(text))
    return code


def _cmd_satker_baru(args: argparse.Namespace) -> int:
    from lakipkit.satker_baru import start_satker

    paths = start_satker(args.data, args.satker_id, args.tahun)
    print(f"satker {args.satker_id} dibuat: {len(paths)} file di {args.data / args.satker_id}")
    print(f"isi yang kosong (lihat {args.data / args.satker_id / str(args.tahun)}/README.md),")
    print(f"lalu: lakip periksa --satker {args.satker_id} --tahun {args.tahun}")
    return 0


def _cmd_tahun_baru(args: argparse.Namespace) -> int:
    from lakipkit.tahun_baru import source_files, start_year

    satker = _resolve_satker(args.data, args.satker)
    paths = start_year(args.data, satker, args.tahun, args.dari)
    folder = args.data / satker / str(args.tahun)
    print(
        terminal_text(f"tahun {args.tahun} dibuat dari {args.dari}: {len(paths)} file di {folder}")
    )
    for rel, reason in source_files(args.data / satker / str(args.dari))[1]:
        print(terminal_text(f"lakip: tidak disalin: {rel} ({reason})"), file=sys.stderr)
    return 0


def _cmd_xlsx(args: argparse.Namespace) -> int:
    from lakipkit.spreadsheet import write_workbook

    satker = _resolve_satker(args.data, args.satker)
    output = args.output or Path("output") / satker / str(args.tahun) / (
        f"data-{satker}-{args.tahun}.xlsx"
    )
    print(write_workbook(args.data, satker, args.tahun, output))
    return 0


def _cmd_impor(args: argparse.Namespace) -> int:
    from lakipkit.spreadsheet import changes_text, import_workbook

    satker = _resolve_satker(args.data, args.satker)
    result = import_workbook(args.data, satker, args.tahun, args.berkas, write=not args.coba)
    print("\n".join(changes_text(result, written=not args.coba)))
    return 0


def _cmd_contoh(args: argparse.Namespace) -> int:
    from lakipkit.contoh import generate_units, parse_tahun

    years = parse_tahun(args.tahun)
    units = generate_units(args.data, args.unit, years, provinsi=args.provinsi, benih=args.benih)
    print(f"{len(units)} satker rekaan x {len(years)} tahun ditulis di {args.data}")
    return 0


def _common(parser: argparse.ArgumentParser, tahun_wajib: bool = True) -> None:
    _where(parser, tahun_wajib)
    parser.add_argument(
        "--cap",
        help="batas atas capaian untuk sekali jalan, mis. 100 atau 120, atau 'tanpa'; "
        "bawaan: pengaturan.cap di laporan.yaml",
    )
    parser.add_argument(
        "--skala",
        choices=sorted(BAND_SCALES),
        help="skala predikat untuk sekali jalan (docs/formulas.md); bawaan: pengaturan di "
        "laporan.yaml",
    )


def _where(parser: argparse.ArgumentParser, tahun_wajib: bool = True) -> None:
    parser.add_argument("--tahun", type=int, required=tahun_wajib, help="tahun laporan, mis. 2024")
    parser.add_argument("--satker", help="id satker (folder di data/); bawaan: satu-satunya satker")
    parser.add_argument(
        "--data", type=Path, default=Path("data"), help="folder data (bawaan: data)"
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser (separate so tests and docs can inspect it)."""
    parser = argparse.ArgumentParser(prog="lakip", description="LAKIP dari data satker.")
    sub = parser.add_subparsers(dest="command", required=True)

    summary = sub.add_parser("summary", help="ringkasan JSON capaian dan anggaran")
    _common(summary)
    summary.set_defaults(func=_cmd_summary)

    periksa = sub.add_parser("periksa", help="periksa data: galat dan peringatan konsistensi")
    _common(periksa)
    periksa.add_argument(
        "--ketat", action="store_true", help="peringatan juga membuat gagal (exit 1)"
    )
    periksa.set_defaults(func=_cmd_periksa)

    baru = sub.add_parser(
        "tahun-baru", help="buat folder tahun baru dari struktur tahun sebelumnya"
    )
    baru.add_argument("--tahun", type=int, required=True, help="tahun baru, mis. 2025")
    baru.add_argument("--dari", type=int, required=True, help="tahun asal struktur, mis. 2024")
    baru.add_argument("--satker", help="id satker; bawaan: satu-satunya satker")
    baru.add_argument("--data", type=Path, default=Path("data"), help="folder data (bawaan: data)")
    baru.set_defaults(func=_cmd_tahun_baru)

    satker_baru = sub.add_parser(
        "satker-baru", help="mulai unit baru: file minimal dengan petunjuk (docs/memulai.md)"
    )
    satker_baru.add_argument("satker_id", help="id unit baru, mis. dinas-perpustakaan-x")
    satker_baru.add_argument("--tahun", type=int, required=True, help="tahun pertama, mis. 2025")
    satker_baru.add_argument(
        "--data", type=Path, default=Path("data"), help="folder data (bawaan: data)"
    )
    satker_baru.set_defaults(func=_cmd_satker_baru)

    xlsx = sub.add_parser("xlsx", help="tulis buku kerja Excel berisi semua data satu tahun")
    _where(xlsx)
    xlsx.add_argument("--output", type=Path, help="berkas .xlsx (bawaan: output/<satker>/<tahun>/)")
    xlsx.set_defaults(func=_cmd_xlsx)

    impor = sub.add_parser("impor", help="baca buku kerja Excel kembali ke file data")
    _where(impor)
    impor.add_argument("berkas", type=Path, help="buku kerja .xlsx dari `lakip xlsx`")
    impor.add_argument(
        "--coba", action="store_true", help="periksa dan tampilkan perubahan tanpa menulis"
    )
    impor.set_defaults(func=_cmd_impor)

    contoh = sub.add_parser(
        "contoh", help="tulis data satker rekaan (pusat, provinsi, kabupaten/kota) untuk uji"
    )
    contoh.add_argument("--unit", type=int, required=True, help="jumlah satker, mis. 550")
    contoh.add_argument("--tahun", required=True, help="tahun, mis. 2024 atau 2023-2024")
    contoh.add_argument(
        "--data", type=Path, required=True, help="folder tujuan (baru, kosong, atau rekaan lama)"
    )
    contoh.add_argument(
        "--provinsi", type=int, help="jumlah provinsi (bawaan: sekitar 1 per 14 kabupaten/kota)"
    )
    contoh.add_argument("--benih", type=int, default=0, help="benih acak (bawaan 0)")
    contoh.set_defaults(func=_cmd_contoh)

    build = sub.add_parser("build", help="jalankan notebook laporan dan ekspor HTML/PDF")
    _common(build, tahun_wajib=False)
    build.add_argument("--format", default="html,pdf", help="html,pdf,xlsx,docx (bawaan: html,pdf)")
    build.add_argument("--output", type=Path, default=Path("output"), help="folder keluaran")
    build.add_argument(
        "--laporan",
        default="tahunan",
        choices=("tahunan", "triwulan", "konsolidasi"),
        help="tahunan (LAKIP, bawaan), triwulan (pemantauan kinerja triwulan) atau konsolidasi "
        "(gabungan satker di bawah --satker)",
    )
    build.add_argument(
        "--turunan",
        action="store_true",
        help="laporan konsolidasi: himpun seluruh satker di bawahnya, bukan hanya anak langsung",
    )
    build.add_argument("--triwulan", type=int, help="triwulan 1-4, wajib untuk --laporan triwulan")
    build.add_argument(
        "--pemeriksaan",
        action="store_true",
        help="tambahkan Lampiran Pemeriksaan Data (temuan lakip periksa) ke laporan tahunan",
    )
    semua = build.add_argument_group("banyak satker (docs/skala.md)")
    semua.add_argument(
        "--semua",
        action="store_true",
        help="bangun setiap satker (dan tahun, kecuali --tahun) di --data, paralel",
    )
    semua.add_argument(
        "--pekerja", type=int, default=None, help="jumlah proses pekerja (bawaan: jumlah inti)"
    )
    semua.add_argument(
        "--dask",
        nargs="?",
        const="lokal",
        default=None,
        metavar="ALAMAT",
        help="jalankan di klaster Dask (mis. tcp://host:8786); tanpa alamat: LocalCluster",
    )
    semua.add_argument(
        "--paksa",
        action="store_true",
        help="bangun ulang walau masukan (data, notebook, paket, pengaturan) tetap",
    )
    build.set_defaults(func=_cmd_build)

    situs = sub.add_parser(
        "situs", help="tulis output/index.html: semua satker dan tahun, satu halaman per indikator"
    )
    situs.add_argument(
        "--output", type=Path, default=Path("output"), help="folder keluaran (bawaan: output)"
    )
    situs.set_defaults(func=_cmd_situs)

    pratinjau = sub.add_parser(
        "pratinjau", help="sajikan HTML laporan di 127.0.0.1, bangun ulang tiap ada perubahan"
    )
    _common(pratinjau)
    pratinjau.add_argument("--port", type=int, default=8000, help="port (bawaan 8000; 0: bebas)")
    pratinjau.add_argument("--laporan", default="tahunan", choices=("tahunan", "triwulan"))
    pratinjau.add_argument("--triwulan", type=int, help="triwulan 1-4 untuk --laporan triwulan")
    pratinjau.set_defaults(func=_cmd_pratinjau)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 data or build error, 2 usage)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except LakipError as exc:
        print(terminal_text(f"lakip: {exc}"), file=sys.stderr)
        return 1
    except OSError as exc:  # a file or folder the checks above did not foresee
        from lakipkit.outputs import os_error_reason

        where = f" {exc.filename}" if exc.filename else ""
        message = f"lakip: tidak dapat mengakses{where}: {os_error_reason(exc)}"
        print(terminal_text(message), file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        from lakipkit.outputs import BuildInterrupted

        code = exc.exit_code if isinstance(exc, BuildInterrupted) else 130
        print("lakip: dihentikan; keluaran sebelumnya tidak diubah", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
