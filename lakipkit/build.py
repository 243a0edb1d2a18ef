"""Build a report: run its notebook with papermill, export HTML and PDF, atomically.

Two reports: the annual LAKIP (`notebooks/laporan.ipynb`) and the quarterly monitoring
report (`notebooks/triwulan.ipynb`). One function, `build_report`, does the whole chain in
this process (one kernel for the notebook); the steps a user would otherwise chain by hand
(papermill CLI, `jupyter nbconvert`, a PDF tool) each start a new Python and pay the imports
again (see docs/report.md).

Outputs go to `<output_dir>/<satker>/<tahun>/` under temporary names first and are moved into
place only when every step succeeded, so a failed build leaves the previous report untouched;
one build per output folder at a time, interrupts and leftovers: `lakipkit.outputs`.
Everything written is reproducible: the same data gives byte-identical files.
"""

from __future__ import annotations

import os
import re
import sys
from base64 import b64encode
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from threading import Thread
from typing import Any

from lakipkit import cache as build_cache
from lakipkit.display import CHAPTER_HEADING as _CHAPTER
from lakipkit.display import SCREEN_CLASS, SCREEN_ONLY_CLASS, chapter_key, screen_style
from lakipkit.errors import BuildError, LakipError
from lakipkit.kernel import WarmKernel
from lakipkit.outputs import SignalGuard, Staging, locked, prepare_folder, remove_leftovers
from lakipkit.pdf import Browser, default_engine, pdf_renderer

FORMATS = ("html", "pdf")
#: Formats made on request only (`--format xlsx,docx`), from the same HTML page.
EXTRA_FORMATS = ("xlsx", "docx")
#: Every report file a build may leave (one not rebuilt is removed as stale).
OUTPUT_FORMATS = (*FORMATS, *EXTRA_FORMATS)
LAPORAN = ("tahunan", "triwulan", "konsolidasi")
TEMPLATE_DIR = Path(__file__).parent / "templates"
_NOTEBOOK_NAMES = {
    "tahunan": "laporan.ipynb",
    "triwulan": "triwulan.ipynb",
    "konsolidasi": "konsolidasi.ipynb",
}
_FIXED_PARAMETERS = ("tahun", "satker", "data_dir", "output_dir", "triwulan")
# Timing and path fields that papermill/nbclient write into the executed notebook.
_VOLATILE_NB_KEYS = ("start_time", "end_time", "duration", "input_path", "output_path")
_VOLATILE_CELL_KEYS = ("start_time", "end_time", "duration")


@dataclass(frozen=True)
class BuildResult:
    """Where one build wrote its files (None for a format that was not requested)."""

    output_dir: Path
    notebook: Path
    html: Path | None
    pdf: Path | None
    summary: Path | None
    removed: tuple[Path, ...] = ()  # outputs of formats not rebuilt, deleted as stale
    extra: tuple[Path, ...] = ()  # the .xlsx / .docx asked for
    cached: bool = False  # True: nothing changed since the last build, its files were reused

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file written, in a stable order."""
        main = (self.html, self.pdf, *self.extra, self.notebook, self.summary)
        return tuple(p for p in main if p)


def notebook_path(laporan: str = "tahunan") -> Path:
    """Locate a report notebook: the checkout's `notebooks/`, or the copy in the package.

    A checkout (or an editable install) runs the repository's notebooks, which are what is
    edited and reviewed; `pip install .` ships the same `.ipynb` files inside the package as
    `lakipkit/notebooks/` (pyproject.toml maps the folder), so `lakip build` works from any
    folder without a checkout.
    """
    name = _NOTEBOOK_NAMES[laporan]
    here = Path(__file__).resolve().parent
    for path in (here.parent / "notebooks" / name, here / "notebooks" / name):
        if path.is_file():
            return path
    raise LakipError(
        f"notebook laporan {name} tidak ditemukan di {here.parent / 'notebooks'} maupun "
        f"{here / 'notebooks'}: pasang ulang paket (pip install .)"
    )


def check_laporan(laporan: str, triwulan: int | None) -> int | None:
    """Validate the kind of report and its quarter; return the quarter (None for tahunan).

    The quarter belongs to the quarterly report only: given with the annual one it is refused
    rather than ignored, so `--triwulan 3` alone never silently builds the annual report.
    """
    if laporan not in LAPORAN:
        raise LakipError(
            f"jenis laporan tidak dikenal: {laporan!r} (pilihan: {', '.join(LAPORAN)})"
        )
    if laporan in ("tahunan", "konsolidasi"):
        if triwulan is not None:
            raise LakipError(
                f"triwulan {triwulan} hanya untuk laporan triwulan (--laporan triwulan)"
            )
        return None
    if triwulan is None:
        raise LakipError("laporan triwulan butuh nomor triwulan 1-4 (--triwulan)")
    from lakipkit.triwulan import check_triwulan

    try:
        return check_triwulan(triwulan)
    except ValueError as error:
        raise LakipError(str(error)) from error


def output_stem(
    satker: str, tahun: int, triwulan: int | None = None, laporan: str = "tahunan"
) -> str:
    """Name the report's files: `laporan-`, `triwulan-<n>-` or `konsolidasi-<satker>-<tahun>`.

    The quarterly and consolidated reports have their own stems, so they never overwrite
    the annual files that live in the same `<output_dir>/<satker>/<tahun>/` folder.
    """
    if laporan == "konsolidasi":
        return f"konsolidasi-{satker}-{tahun}"
    return f"triwulan-{triwulan}-{satker}-{tahun}" if triwulan else f"laporan-{satker}-{tahun}"


def skip_slow_format_checkers() -> None:
    """Keep jsonschema's optional IRI checker (rfc3987-syntax) from loading.

    nbformat imports jsonschema, whose format module imports rfc3987-syntax if it is installed
    (JupyterLab brings it via jupyter-events); that import builds a Lark grammar and costs
    ~1.1 s per process. Notebook validation never checks IRI formats, so the build marks the
    module as unavailable before nbformat is first imported. Does nothing if jsonschema is
    already loaded.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def build_report(
    data_dir: str | os.PathLike[str],
    satker: str,
    tahun: int,
    output_dir: str | os.PathLike[str],
    formats: Iterable[str] = FORMATS,
    parameters: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    laporan: str = "tahunan",
    triwulan: int | None = None,
    notebook: str | os.PathLike[str] | None = None,
    kernel: WarmKernel | None = None,
    pdf_engine: str | None = None,
    browser: Browser | None = None,
    paksa: bool = False,
) -> BuildResult:
    """Run a report notebook for one satker-year and export it.

    Parameters
    ----------
    data_dir
        The `data/` folder holding `<satker>/<tahun>/`.
    satker, tahun
        Which unit and year.
    output_dir
        Root of the outputs; files go to `<output_dir>/<satker>/<tahun>/`.
    formats
        Any of "html", "pdf", "xlsx" (the numbered tables, one sheet each), "docx" (Word).
        The executed notebook (and, for the annual report,
        summary.json) are always written.
    parameters
        Further notebook parameters (`cap`, `skala`; `lampiran_pemeriksaan` for the annual
        report).
    progress
        Called with a short Indonesian message before each step.
    laporan
        "tahunan" (the LAKIP, `laporan-<satker>-<tahun>.*` and summary.json) or "triwulan"
        (quarterly monitoring, `triwulan-<n>-<satker>-<tahun>.*`, no summary).
    triwulan
        The quarter 1-4; required for "triwulan", refused for "tahunan".
    notebook
        Another notebook with the same parameters (default: the one of `laporan`).
    kernel
        A `lakipkit.kernel.WarmKernel` to run the notebook in (kept alive for the next
        build); default: a new kernel, started while the data is checked, stopped after.
    pdf_engine
        "chromium" (default when installed) or "weasyprint" (`lakipkit.pdf`).
    browser
        A `lakipkit.pdf.Browser` to print the PDF in with chromium (kept alive for the next
        build, as a batch worker does); default: a new chromium, stopped after.
    paksa
        Build even if nothing changed since the last build (`lakipkit.cache`); without it,
        unchanged inputs return the last build's files with `cached=True`.

    Raises
    ------
    BuildError
        A cell failed (the message names the cell and the error; the executed notebook is kept
        as `*.failed.ipynb`), an export failed, or the arguments are wrong.
    DataValidationError
        The data (the year, its earlier years or renstra.csv for the comparison, the quarterly
        budget) has errors; raised before a kernel starts.

    """
    kuartal = check_laporan(laporan, triwulan)
    wanted = tuple(dict.fromkeys(formats))
    unknown = sorted(set(wanted) - set(OUTPUT_FORMATS))
    if unknown:
        choices = ", ".join(OUTPUT_FORMATS)
        raise LakipError(f"format tidak dikenal: {', '.join(unknown)} (pilihan: {choices})")
    say = progress or (lambda message: None)
    data_dir = Path(data_dir).expanduser().resolve()
    target = Path(output_dir).expanduser().resolve() / satker / str(tahun)
    stem = output_stem(satker, tahun, kuartal, laporan)
    params = report_parameters(data_dir, satker, tahun, target, parameters or {}, kuartal)
    source = Path(notebook) if notebook else notebook_path(laporan)
    engine = (pdf_engine or default_engine()) if "pdf" in wanted else None
    # Asked before pandas, papermill or nbconvert are imported: an unchanged build returns
    # in a fraction of a second (its flags were checked by the build that made the files).
    # Hashed before the build: data edited while it runs is never recorded as built.
    key = cache_key(data_dir, satker, tahun, source, params, wanted, laporan, engine)
    kept = None if paksa or key is None else build_cache.reusable(target, stem, key)
    if kept is not None:
        with suppress(OSError):
            (target / f"{stem}.failed.ipynb").unlink(missing_ok=True)
        say("tidak ada perubahan sejak build terakhir: berkas yang ada dipakai")
        return _result(target, kept, cached=True)
    skip_slow_format_checkers()
    from lakipkit.settings import capaian_settings

    capaian_settings(None, cap=params.get("cap"), skala=params.get("skala"))  # flags first
    # The folder is checked (and made) before anything starts; nothing is written in it
    # before the data is checked.
    prepare_folder(target)
    with ExitStack() as stack:
        # The kernel and the browser boot in their own processes while the data is checked.
        if kernel is None:
            # A kernel process of its own (not in-process: that would lose printed output in
            # the executed notebook kept for audit, see lakipkit.kernel); it boots and imports
            # while the data is checked.
            kernel = stack.enter_context(WarmKernel(cwd=source.parent))
        render_pdf = stack.enter_context(pdf_renderer(engine, browser)) if engine else None
        say(f"memeriksa data {data_dir / satker / str(tahun)}")
        # Data errors surface here as DataValidationError, before the notebook runs.
        year = _check_data(data_dir, satker, tahun, kuartal, laporan)
        settings = capaian_settings(year.laporan, cap=params.get("cap"), skala=params.get("skala"))
        with locked(target), SignalGuard() as guard:
            remove_leftovers(target)
            nama = f"triwulan {kuartal}" if kuartal else laporan.replace("tahunan", "laporan")
            staging = Staging(target, guard)
            try:
                say(f"menjalankan notebook {nama} ({satker} {tahun})")
                # Made while the kernel runs the notebook (this process only waits meanwhile).
                warm_up = Thread(target=_html_exporter, daemon=True)
                warm_up.start()
                try:
                    nb = _execute(kernel, source, params, target, stem)
                except BuildError:
                    guard.check()  # a cell "failed" because of Ctrl-C: an interruption
                    raise
                warm_up.join()
                guard.check()
                staging.write(f"{stem}.ipynb", _notebook_bytes(nb))
                html = ""
                if wanted:
                    say("ekspor HTML")
                    html = export_html(nb, title=report_title(year, kuartal))
                if "html" in wanted:
                    staging.write(f"{stem}.html", html.encode("utf-8"))
                if render_pdf is not None:
                    say("ekspor PDF")
                    pdf = export_pdf(html, render_pdf)
                    guard.check()  # WeasyPrint may swallow the interrupt and return a poorer PDF
                    staging.write(f"{stem}.pdf", pdf)
                for kind in (k for k in EXTRA_FORMATS if k in wanted):
                    say(f"ekspor {kind.upper()}")
                    extra = export_extra(kind, html, report_title(year, kuartal))
                    staging.write(f"{stem}.{kind}", extra)
                summary = None if kuartal or laporan != "tahunan" else _summary(year, settings)
                if summary is not None:
                    staging.write("summary.json", summary)
                guard.check()
            except BaseException as error:
                staging.discard()
                if isinstance(error, Exception) and not isinstance(error, LakipError):
                    raise BuildError(
                        target / f"{stem}.ipynb", None, type(error).__name__, str(error)
                    ) from error
                raise
            # A format not rebuilt would describe older data than the files beside it.
            stale = [f"{stem}.{kind}" for kind in OUTPUT_FORMATS if kind not in wanted]
            written, removed = staging.commit(stale=stale)
            with suppress(OSError):
                (target / f"{stem}.failed.ipynb").unlink(missing_ok=True)
            final = {name.rsplit(".", 1)[-1]: path for name, path in written.items()}
            if key is not None:
                # Every file is in place: a record that cannot be written (a read-only home)
                # only means the next build is not skipped, never a failed build.
                with suppress(OSError):
                    build_cache.record(target, stem, key, final)
    say(f"selesai: {target}")
    return _result(target, final, removed=tuple(removed))


def cache_key(
    data_dir: Path,
    satker: str,
    tahun: int,
    notebook: Path,
    params: Mapping[str, Any],
    formats: Sequence[str],
    laporan: str,
    pdf_engine: str | None,
    inputs: Mapping[str, bytes] | None = None,
) -> str | None:
    """Give the `lakipkit.cache` key of a build (`inputs`: the files, if already read).

    None for a consolidated report: it reads its children too, which the key does not cover,
    so it is always built. `lakip build` and the batch ask this one function, so either
    skips what the other built from the same inputs and settings.
    """
    if laporan == "konsolidasi":
        return None
    pdf_engine = (pdf_engine or default_engine()) if "pdf" in formats else None
    if inputs is None:
        inputs = build_cache.read_inputs(data_dir, satker, tahun)
    settings = {
        "parameters": dict(params),
        "formats": sorted(set(formats)),
        "laporan": laporan,
        "pdf": pdf_engine,
    }
    return build_cache.build_key(inputs, notebook, settings)


def _result(
    target: Path,
    files: Mapping[str, Path],
    cached: bool = False,
    removed: tuple[Path, ...] = (),
) -> BuildResult:
    return BuildResult(
        output_dir=target,
        notebook=files["ipynb"],
        html=files.get("html"),
        pdf=files.get("pdf"),
        summary=files.get("json"),
        removed=removed,
        cached=cached,
        extra=tuple(files[kind] for kind in EXTRA_FORMATS if kind in files),
    )


def report_title(year: Any, triwulan: int | None = None) -> str:
    """Give the page title: laporan.yaml's `judul`, or 'Pemantauan Kinerja Triwulan III ...'.

    A consolidated report (`konsolidasi.KonsolidasiCek`) carries its own `judul`.
    """
    if hasattr(year, "judul"):
        return str(year.judul)
    if triwulan is None:
        return str(year.laporan.get("judul") or f"LAKIP {year.satker_id} {year.tahun}")
    from lakipkit.triwulan import ROMAWI

    nama = year.satker.get("nama_singkat") or year.satker.get("nama") or year.satker_id
    return f"Pemantauan Kinerja Triwulan {ROMAWI[triwulan]} Tahun {year.tahun} | {nama}"


def _check_data(
    data_dir: Path, satker: str, tahun: int, triwulan: int | None, laporan: str = "tahunan"
) -> Any:
    """Load everything the notebook will read, so data errors come before the kernel.

    Annual: the year, the earlier years it is compared with, renstra.csv and riwayat.csv (an
    earlier year with errors fails the build: a comparison must not silently leave a year out).
    Quarterly: the year and anggaran_triwulan.csv. Returns the report's year.
    Consolidated: the parent, its children's list and the catalogue (a child with errors is
    left out of the report and named there, so it does not stop the build).
    """
    if laporan == "konsolidasi":
        from lakipkit.konsolidasi import check_konsolidasi

        return check_konsolidasi(data_dir, satker, tahun)
    if triwulan is None:
        from lakipkit.evaluasi import read_riwayat
        from lakipkit.tren import load_years, read_renstra

        read_renstra(data_dir, satker)
        read_riwayat(data_dir, satker)
        return load_years(data_dir, satker, tahun)[-1]
    from lakipkit.loading import load_year
    from lakipkit.triwulan import read_anggaran_triwulan

    read_anggaran_triwulan(data_dir, satker, tahun)
    return load_year(data_dir, satker, tahun)


def report_parameters(
    data_dir: Path,
    satker: str,
    tahun: int,
    target: Path,
    extra: Mapping[str, Any],
    triwulan: int | None = None,
) -> dict[str, Any]:
    """Assemble the notebook's parameters; `extra` cannot override the fixed ones."""
    clash = sorted(set(extra) & set(_FIXED_PARAMETERS))
    if clash:
        raise LakipError(f"parameter {', '.join(clash)} diberikan sebagai argumen build_report")
    return {
        "tahun": int(tahun),
        "satker": satker,
        **({"triwulan": triwulan} if triwulan else {}),
        "data_dir": str(data_dir),
        "output_dir": str(target),
        **extra,
    }


def _execute(
    kernel: WarmKernel, notebook: Path, params: dict[str, Any], target: Path, stem: str
) -> Any:
    """Execute the notebook in `kernel`; on a cell error keep it and raise BuildError."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    declared = set(papermill.inspect_notebook(str(notebook)))
    unknown = sorted(set(params) - declared)
    if unknown:
        raise LakipError(
            f"parameter tidak dikenal oleh {notebook.name}: {', '.join(unknown)} "
            f"(dikenal: {', '.join(sorted(declared))})"
        )
    running = target / f".{stem}.running.ipynb"
    try:
        kernel.share_data()  # the data just checked: the notebook need not read it again
        kernel.run(notebook, params, running)
    except PapermillExecutionError as error:
        failed = target / f"{stem}.failed.ipynb"
        kept = nbformat.read(str(running), as_version=4)
        failed.write_bytes(_notebook_bytes(normalise_notebook(kept)))
        raise BuildError(failed, error.cell_index, error.ename, error.evalue) from error
    except Exception as error:
        raise BuildError(notebook, None, type(error).__name__, str(error)) from error
    else:
        nb = nbformat.read(str(running), as_version=4)
    finally:
        with suppress(OSError):
            running.unlink(missing_ok=True)
    return normalise_notebook(nb)


def normalise_notebook(nb: Any) -> Any:
    """Remove what changes between runs of the same data: timings, temp paths, random ids."""
    meta = nb.metadata.get("papermill", {})
    for key in _VOLATILE_NB_KEYS:
        meta.pop(key, None)
    for index, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif cell.metadata.get("tags") == ["papermill-error-cell-tag"]:
            cell.id = f"papermill-error-{index}"
        cell.metadata.pop("execution", None)
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
    return nb


def _notebook_bytes(nb: Any) -> bytes:
    import nbformat

    return (nbformat.writes(nb) + "\n").encode("utf-8")


@cache
def _html_exporter() -> Any:
    """Make the nbconvert exporter once per process: no code, no prompts, own template."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    from lakipkit.narrative import render_markdown

    class LakipExporter(HTMLExporter):  # type: ignore[misc]
        """HTMLExporter without its closing BeautifulSoup pass over the whole page.

        That pass adds alt text to images without one and tabindex to JupyterLab cells: the
        lakip template writes `alt` on every image and has no JupyterLab cells, and
        `assemble_document` parses the page anyway (the pass cost ~15 % of the export).
        """

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(parent=self))
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                ),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = LakipExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name="lakip",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("lakip_markdown", lambda text: render_markdown(text, top_heading=1))
    exporter.register_filter(
        "lakip_base64", lambda svg: b64encode(svg.encode("utf-8")).decode("ascii")
    )
    return exporter


def export_html(nb: Any, title: str) -> str:
    """Export the executed notebook as one self-contained HTML page, chapters numbered."""
    body, _ = _html_exporter().from_notebook_node(nb, resources={"lakip": {"title": title}})
    return assemble_document(body)


def export_pdf(html: str, render: Callable[[str], bytes] | None = None) -> bytes:
    """Render the page as an A4 PDF with `render` (from `pdf.pdf_renderer`) or a new one."""
    if render is not None:
        return render(html)
    with pdf_renderer() as render_once:
        return bytes(render_once(html))


def export_extra(kind: str, html: str, title: str) -> bytes:
    """Make the report's tables workbook (xlsx) or Word document (docx) from its HTML page."""
    if kind == "xlsx":
        from lakipkit.export_xlsx import report_workbook

        return report_workbook(html, title)
    from lakipkit.export_docx import report_docx

    return report_docx(html, title)


def _summary(year: Any, settings: Any) -> bytes:
    """summary.json: the same strict JSON as `lakip summary`, with a final newline."""
    from lakipkit.summary import build_summary, summary_json

    return (summary_json(build_summary(year, settings)) + "\n").encode("utf-8")


# -- document assembly: chapters, numbering, lists of contents/tables/figures ----------------


def _slug(text: str) -> str:
    slug = re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")
    return slug or "bagian"


def assemble_document(html: str) -> str:
    """Group `<main>` into chapter sections, number tables/figures, fill the lists.

    - every top-level `h1` starts a `<section class="bab">`; sections before `BAB I` go into
      `<div class="depan">` (roman page numbers in print), the rest into `<div class="isi">`;
      content before the first `h1` is the cover (`<section class="sampul">`);
    - each `<span class="nomor" data-jenis="Tabel">` gets its label, numbered per chapter
      (`Tabel 3.1`; `Tabel 1` before Bab I; `Tabel L.1` in the Lampiran), and its table or
      figure an id (`tabel-3-1`);
    - the notebook-only `<style class="lakip-layar">` blocks and `.hanya-layar` notes go, the
      wrapper `<div class="lakip-layar">` and the cover's `div.sampul` are unwrapped;
    - headings get stable ids; `<nav data-daftar="isi|tabel|gambar">` is filled with links;
    - a page without chapters (the quarterly report) has no front matter: all its sections
      go into `<div class="isi">`; a page without a Daftar Isi loses the link to it.
    """
    from bs4 import BeautifulSoup

    # The notebook's stylesheet, once per output (~40 % of the page's bytes), goes before
    # parsing: the same result as removing it below, without reading it.
    soup = BeautifulSoup(html.replace(screen_style(), ""), "html.parser")
    main = soup.find("main")
    if main is None:
        raise LakipError("HTML laporan tidak memiliki <main> (templat lakip rusak?)")
    # What only the notebook screen needs: the scoped stylesheet, the cover's own wrapper.
    for element in main.find_all(["style", "p"], class_=[SCREEN_CLASS, SCREEN_ONLY_CLASS]):
        element.decompose()
    for wrapper in main.find_all("div", class_=[SCREEN_CLASS, "sampul"]):
        wrapper.unwrap()
    _drop_empty_headings(main)
    _renumber_chapters(main)
    _group_chapters(soup, main)

    used = {str(tag["id"]) for tag in soup.find_all(id=True)}
    counters: dict[tuple[str, str | None], int] = {}
    entries: dict[str, list[tuple[str, str, str]]] = {"isi": [], "tabel": [], "gambar": []}
    chapter: str | None = None
    for tag in main.find_all(["h1", "h2", "h3", "h4", "span"]):
        if tag.name == "span":
            if "nomor" not in tag.get_attribute_list("class"):
                continue
            jenis = str(tag.get("data-jenis", "Tabel"))
            count = counters[(jenis, chapter)] = counters.get((jenis, chapter), 0) + 1
            number = f"{chapter}.{count}" if chapter else str(count)
            tag.string = f"{jenis} {number}"
            holder = tag.find_parent(["table", "figure"]) or tag
            holder["id"] = _unique(f"{jenis.lower()}-{number.replace('.', '-').lower()}", used)
            caption = tag.find_parent(["caption", "figcaption"]) or tag
            title = caption.get_text(" ", strip=True)
            entries[jenis.lower() if jenis.lower() in entries else "tabel"].append(
                ("1", title, str(holder["id"]))
            )
            continue
        text = tag.get_text(" ", strip=True)
        if tag.name == "h1" and tag.parent is not None and tag.parent.name == "section":
            chapter = chapter_key(text)
        if not tag.get("id"):
            tag["id"] = _unique(_slug(text), used)
        if tag.name in ("h1", "h2") and "tanpa-daftar" not in tag.get_attribute_list("class"):
            entries["isi"].append((tag.name[1], text, str(tag["id"])))

    if soup.find(id="daftar-isi") is None:
        for link in soup.select('a[href="#daftar-isi"]'):
            (link.find_parent("p", class_="kembali") or link).decompose()
    # One pass for the front-matter ids: looking each entry up in the whole page was
    # quadratic (a third of the HTML export at 600 indicators).
    depan = {str(tag["id"]) for part in soup.select("div.depan") for tag in part.find_all(id=True)}
    for nav in soup.find_all("nav", attrs={"data-daftar": True}):
        nav.clear()
        listing = soup.new_tag("ol")
        for level, text, target in entries.get(str(nav["data-daftar"]), []):
            front = target in depan
            item = soup.new_tag("li", attrs={"class": f"tingkat-{level}"})
            link = soup.new_tag("a", href=f"#{target}", attrs={"class": "depan"} if front else {})
            link.string = text
            item.append(link)
            listing.append(item)
        nav.append(listing)
    return str(soup)


def _unique(candidate: str, used: set[str]) -> str:
    name, n = candidate, 1
    while name in used:
        n += 1
        name = f"{candidate}-{n}"
    used.add(name)
    return name


_HEADING = re.compile(r"^h([1-6])$")
_LETTERED = re.compile(r"^\s*([A-Z])\.\s")


def _drop_empty_headings(main: Any) -> None:
    """Remove headings with nothing under them, so absent data leaves no empty chapter.

    A heading is empty when the next element of `<main>` is another heading of the same or
    a higher level, or nothing; a chapter whose sections were all empty goes too. A kept
    chapter heading is marked `data-renumber` when a lettered section of it was removed,
    and `<main>` when a BAB chapter was removed, for `_renumber_chapters`.
    """
    elements = [child for child in main.children if getattr(child, "name", None)]
    kept: list[Any] = []
    section_dropped = False
    for element in reversed(elements):
        match = _HEADING.match(element.name)
        if match:
            level = int(match.group(1))
            following = kept[-1] if kept else None
            next_level = _HEADING.match(following.name) if following is not None else None
            text = element.get_text()
            if following is None or (next_level and int(next_level.group(1)) <= level):
                if level == 2 and _LETTERED.match(text):
                    section_dropped = True
                if level == 1:
                    section_dropped = False
                    if _CHAPTER.match(text):
                        main["data-renumber"] = "bab"
                element.decompose()
                continue
            if level == 1:
                if section_dropped:
                    element["data-renumber"] = "bagian"
                section_dropped = False
        kept.append(element)


_ROMAN_OUT = (("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))


def _int_to_roman(number: int) -> str:
    out = ""
    for numeral, value in _ROMAN_OUT:
        while number >= value:
            out, number = out + numeral, number - value
    return out


def _renumber_chapters(main: Any) -> None:
    """Close the gaps `_drop_empty_headings` left in chapter and section numbers.

    After a BAB without data is left out, the chapters after it move up (a unit without
    Bab I content starts at BAB I); after a lettered section is left out, the sections of
    its chapter are lettered A., B., ... again. Numbering with no gap is left alone.
    """
    renumber_bab = main.attrs.pop("data-renumber", None) == "bab"
    chapter, letter, relabel = 0, 0, False
    for tag in main.find_all(["h1", "h2"], recursive=False):
        text = tag.get_text()
        if tag.name == "h1":
            letter, relabel = 0, tag.attrs.pop("data-renumber", None) == "bagian"
            match = _CHAPTER.match(text)
            if match:
                chapter += 1
                if renumber_bab:
                    _replace_prefix(tag, match.group(1), _int_to_roman(chapter))
            continue
        match = _LETTERED.match(text)
        if match:
            letter += 1
            if relabel:
                _replace_prefix(tag, match.group(1) + ".", chr(ord("A") + letter - 1) + ".")


def _replace_prefix(tag: Any, old: str, new: str) -> None:
    """Replace the first occurrence of `old` in the heading's text."""
    if old == new:
        return
    node = tag.find(string=lambda t: old in t)
    if node is not None:
        node.replace_with(node.replace(old, new, 1))


def _back_link(soup: Any, section: Any) -> None:
    """End a chapter with a link back to the Daftar Isi (shown on phones only, by the CSS)."""
    if section.get("class") != ["bab"]:
        return
    back = soup.new_tag("p", attrs={"class": "kembali"})
    link = soup.new_tag("a", href="#daftar-isi")
    link.string = "Kembali ke Daftar Isi"
    back.append(link)
    section.append(back)


def _group_chapters(soup: Any, main: Any) -> None:
    """Wrap the flat cell outputs of `<main>` into cover, front-matter and chapter sections."""
    children = [
        child for child in main.contents if not (isinstance(child, str) and not child.strip())
    ]
    main.clear()
    cover = soup.new_tag("section", attrs={"class": "sampul"})
    depan = soup.new_tag("div", attrs={"class": "depan"})
    isi = soup.new_tag("div", attrs={"class": "isi"})
    current = cover
    for child in children:
        if getattr(child, "name", None) == "h1":
            key = chapter_key(child.get_text(" ", strip=True))
            _back_link(soup, current)
            current = soup.new_tag("section", attrs={"class": "bab"})
            (isi if key or isi.contents else depan).append(current)
        current.append(child)
    _back_link(soup, current)
    if not isi.contents:
        # No chapters (the quarterly report): nothing is front matter, pages count 1, 2, 3.
        isi.extend(depan.contents)
        depan.clear()
    for part in (cover, depan, isi):
        if part.contents:
            main.append(part)
