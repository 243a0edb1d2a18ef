"""Skip a build whose inputs did not change: the last outputs are reused as they are.

The one skip-if-unchanged mechanism of lakipkit: `lakip build` and the batch
(`lakip build --semua`, `lakipkit.batch`) both use it, so a unit built either way is
skipped by the other while nothing changed.

A build's inputs are the files it may open (`read_inputs`: the satker's own files, its year
folders up to the report year, the shared files under the data folder such as a catalogue;
`lakipkit.folders.unit_files`), the notebook, the package (its version, code and templates),
the settings (notebook parameters, report kind and quarter, formats, PDF engine) and the
Python version. `build_key` hashes them all (file contents, not timestamps); after a
successful build `record` writes the key and a hash of every output to the user's cache
folder (`$XDG_CACHE_HOME/lakipkit/build/`, one small JSON per output folder and report: the
output folder itself holds only the report). The next build with the same key reuses the
outputs if they are still there unchanged; a changed or missing output, or `paksa`
(`--paksa`), rebuilds. This module imports no pandas, papermill or nbconvert: an unchanged
`lakip build` answers in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lakipkit.memo import content_key

PACKAGE_DIR = Path(__file__).resolve().parent
_PACKAGE_SUFFIXES = {".py", ".j2", ".css", ".json"}
_VERSION = 1  # of the record's format


def _package_files(package_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in package_dir.rglob("*")
        if path.suffix in _PACKAGE_SUFFIXES and "__pycache__" not in path.parts
    )


def read_inputs(data_dir: Path, satker: str, tahun: int) -> dict[str, bytes]:
    """Read the files one satker-year's build may open: {posix path under data_dir: bytes}."""
    from lakipkit.folders import unit_files

    root = Path(data_dir)
    if not (root / satker).is_dir():
        return {}  # the build itself says what is missing
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in unit_files(root, satker, tahun)
    }


def build_key(
    inputs: Mapping[str, bytes],
    notebook: Path,
    settings: Mapping[str, Any],
    package_dir: Path = PACKAGE_DIR,
) -> str:
    """Hash everything a build's outputs depend on (see the module docstring)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("lakipkit")
    except PackageNotFoundError:
        package_version = "?"
    digest = hashlib.blake2b(digest_size=20)
    for name in sorted(inputs):
        digest.update(os.fsencode(name) + b"\0")
        digest.update(hashlib.blake2b(inputs[name], digest_size=20).digest())
    digest.update(content_key([Path(notebook)]))
    digest.update(_package_key(Path(package_dir)))
    described = {
        "settings": dict(settings),
        "lakipkit": package_version,
        "python": platform.python_version(),
    }
    digest.update(json.dumps(described, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()


_PACKAGE_KEYS: dict[tuple[Any, ...], bytes] = {}


def _package_key(package_dir: Path) -> bytes:
    """Hash the package's files, once per process while none changed (a batch asks per unit)."""
    files = _package_files(package_dir)
    stamps = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    key = _PACKAGE_KEYS.get(stamps)
    if key is None:
        key = _PACKAGE_KEYS[stamps] = content_key(files)
    return key


def _record_path(target: Path, stem: str) -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = hashlib.blake2b(os.fsencode(target / stem), digest_size=16).hexdigest()
    return root / "lakipkit" / "build" / f"{name}.json"


def _hash(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()


def reusable(target: Path, stem: str, key: str) -> dict[str, Path] | None:
    """Return the last build's outputs if it had this key and they are unchanged."""
    try:
        record = json.loads(_record_path(target, stem).read_text(encoding="utf-8"))
        if record.get("versi") != _VERSION or record.get("kunci") != key:
            return None
        outputs = {kind: target / name for kind, (name, _) in record["berkas"].items()}
        if all(_hash(outputs[kind]) == digest for kind, (_, digest) in record["berkas"].items()):
            return outputs
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def record(target: Path, stem: str, key: str, outputs: Mapping[str, Path]) -> None:
    """Remember this build's key and outputs (written atomically, after the outputs)."""
    files = {kind: [path.name, _hash(path)] for kind, path in outputs.items()}
    record = {"versi": _VERSION, "kunci": key, "folder": str(target), "berkas": files}
    text = json.dumps(record, indent=1) + "\n"
    path = _record_path(target, stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    _prune(path.parent)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _prune(folder: Path, keep: int = 200) -> None:
    """Drop records of output folders that are gone (batch builds use temporary ones)."""
    records = list(folder.glob("*.json"))
    if len(records) <= keep:
        return
    for path in records:
        try:
            gone = not Path(json.loads(path.read_text(encoding="utf-8"))["folder"]).is_dir()
        except (OSError, ValueError, KeyError, TypeError):
            gone = True
        if gone:
            path.unlink(missing_ok=True)
