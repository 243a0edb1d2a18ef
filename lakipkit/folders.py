"""The data folder's layout: which folders are satkers, which files one build reads.

No pandas here: `lakip build` names the satker and hashes its inputs (`lakipkit.cache`)
before it knows whether anything must be built; `lakipkit.loading` re-exports what it
used to define (`list_satker`, `satker_ancestors`, `outside_inputs`, `SATKER_ID`,
`KATALOG_DIR`), and the batch reads a unit's files with `unit_files`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from lakipkit.errors import MissingDataError

SATKER_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
#: Folder of data/ that holds the shared indicator catalogue, not a satker.
KATALOG_DIR = "katalog"
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def list_satker(data_dir: Path | str) -> list[str]:
    """Return the satker ids under ``data_dir`` (folders named like a satker id), sorted.

    ``katalog/`` holds the shared indicator catalogue, not a satker.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise MissingDataError(data_dir, "buat folder data dengan satu sub-folder per satker")
    return sorted(
        p.name
        for p in data_dir.iterdir()
        if p.is_dir() and SATKER_ID.fullmatch(p.name) and p.name != KATALOG_DIR
    )


def satker_ancestors(data_dir: Path | str, satker: str, profil: Path | None = None) -> list[str]:
    """List the units above `satker` through satker.yaml's `satker_induk`, nearest first.

    ``profil``: read the unit's own satker.yaml from there instead (a would-be version).

    Read leniently: it stops at a missing or unreadable satker.yaml or a loop, which the
    unit's own data check then reports from the same files. A copy of a unit's folder that is
    to be checked elsewhere (a batch task, `lakip impor`'s trial folder) takes these units'
    satker.yaml with it (`outside_inputs`).
    """
    root = Path(data_dir)
    found: list[str] = []
    path = profil or root / satker / "satker.yaml"
    while True:
        try:
            # libyaml's loader when built with it: ~50 ms less on every unchanged `lakip build`
            data = yaml.load(path.read_text("utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - safe
        except (OSError, ValueError, yaml.YAMLError):
            return found
        induk = data.get("satker_induk") if isinstance(data, dict) else None
        if not isinstance(induk, str) or not SATKER_ID.fullmatch(induk):
            return found
        path = root / induk / "satker.yaml"
        if induk == satker or induk in found or not path.is_file():
            return found
        found.append(induk)


def outside_inputs(data_dir: Path | str, satker: str, profil: Path | None = None) -> list[Path]:
    """List the files outside a satker's folder that its data check reads (relative).

    The shared catalogue (``katalog/``) and the satker.yaml of every unit above it (after
    ``profil``, a would-be satker.yaml of the unit, if given).
    """
    root = Path(data_dir)
    katalog = root / KATALOG_DIR
    shared = sorted(p for p in katalog.rglob("*") if p.is_file()) if katalog.is_dir() else []
    parents = satker_ancestors(root, satker, profil)
    above = [root / parent / "satker.yaml" for parent in parents]
    return [path.relative_to(root) for path in (*shared, *above)]


def unit_files(data_dir: Path | str, satker: str, tahun: int) -> list[Path]:
    """List the files a build of one satker-year may open, in a stable order.

    That is the satker's own folder without its later years (the annual report compares a
    year with the years before it, never after) and everything under `data_dir` that is not
    another satker's folder (shared files such as an indicator catalogue), plus the
    satker.yaml of each unit above it (`satker_induk`), which the data check follows. Hidden
    files and folders are left out.
    """
    root = Path(data_dir)
    files = [root / parent / "satker.yaml" for parent in satker_ancestors(root, satker)]
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name != satker and is_satker(entry):
            continue
        for path in _walk(entry):
            parts = path.relative_to(root).parts
            if parts[0] == satker and len(parts) > 2 and parts[1].isdigit():
                if int(parts[1]) > int(tahun):
                    continue
            files.append(path)
    return files


def is_satker(folder: Path) -> bool:
    """Tell a satker folder (a satker.yaml or a year folder) from a shared one."""
    return (folder / "satker.yaml").is_file() or any(
        child.is_dir() and child.name.isdigit() and len(child.name) == 4
        for child in folder.iterdir()
    )


def _walk(entry: Path) -> Iterator[Path]:
    """Every non-hidden file at or under `entry`, in a stable order."""
    if entry.is_file():
        yield entry
        return
    for path in sorted(entry.rglob("*")):
        relative = path.relative_to(entry)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            yield path
