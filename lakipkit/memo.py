"""Remember what was computed from data files, keyed by the files' content.

Loading and checking a satker-year (~1 s) is the largest part of running the report
notebook. A build checks the data before the notebook runs, and the notebook loads it again
in its kernel; a preview rebuilds after every edit. `ContentMemo` keeps results per content
of the files they were read from (a BLAKE2 hash of every file's path and bytes: no
timestamps, so an edit within the same clock tick is still seen), returns deep copies (a
caller may change a frame without changing the next caller's), and can be handed to another
process (`export` / `seed`): the build passes the data it checked to the notebook's kernel.

`remembered_calls` does the same for a pure function of frames and plain values, keyed by a
hash of its arguments' values (`value_key`): the preview's rebuild after an edit renders again
only the tables (`tables.remembered`) whose rows changed.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import pickle
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")
_LIMIT = 512  # entries kept: tables and years of a few satker-years, oldest dropped first
_HASHED_BYTES = 5_000_000  # larger files are keyed by size and mtime, not read


def content_key(paths: Iterable[Path]) -> bytes:
    """Hash the names and bytes of these files (folders: every file below, sorted)."""
    digest = hashlib.blake2b(digest_size=20)
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(os.fsencode(file) + b"\0")
            try:
                stat = file.stat()
                if stat.st_size > _HASHED_BYTES:
                    # Never read a huge file just to key it (the loader refuses it anyway).
                    digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
                else:
                    with open(file, "rb") as handle:
                        digest.update(handle.read())
            except OSError:
                digest.update(b"\1absent")
            digest.update(b"\0")
    return digest.digest()


class ContentMemo:
    """Results keyed by (name, content of their input files)."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[bytes, Any]] = {}

    def recall(self, name: Hashable, inputs: Iterable[Path], compute: Callable[[], T]) -> T:
        """Return `compute()`, or a copy of its remembered result for the same file content.

        An exception from `compute` is raised and nothing is remembered.
        """
        key = content_key(inputs)
        hit = self._entries.get(name)
        if hit is not None and hit[0] == key:
            return copy.deepcopy(hit[1])  # type: ignore[no-any-return]
        value = compute()
        self._entries.pop(name, None)
        self._entries[name] = (key, copy.deepcopy(value))
        while len(self._entries) > _LIMIT:
            self._entries.pop(next(iter(self._entries)))
        return value

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()

    def export(self) -> bytes:
        """Every entry, pickled, for `seed` in another process of the same code."""
        return pickle.dumps(self._entries, protocol=pickle.HIGHEST_PROTOCOL)

    def seed(self, exported: bytes) -> None:
        """Add the entries of another process's `export` (trusted: our own temp file)."""
        self._entries.update(pickle.loads(exported))  # noqa: S301


def plain(value: Any) -> Any:
    """Turn frames into plain values (pickles of equal frames may differ in their layout).

    Types are kept (1 and "1", None and NaN stay apart), and so are names, dtypes and index.
    """
    import numpy as np  # here: a cached build (`lakipkit.cache`) never imports pandas
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        columns = [(name, str(column.dtype), column.tolist()) for name, column in value.items()]
        return ("DataFrame", plain(value.index), columns)
    if isinstance(value, pd.Series):
        return ("Series", value.name, str(value.dtype), plain(value.index), value.tolist())
    if isinstance(value, pd.Index):
        return ("Index", value.names, str(value.dtype), value.tolist())
    if isinstance(value, np.ndarray):
        return ("ndarray", str(value.dtype), value.tolist())
    if isinstance(value, list | tuple):
        return (type(value).__name__, [plain(item) for item in value])
    if isinstance(value, dict):
        return ("dict", [(key, plain(item)) for key, item in value.items()])
    return value


def value_key(value: Any) -> bytes | None:
    """Hash the value (`plain`): None when it cannot be pickled, so the caller keeps nothing."""
    try:
        pickled = pickle.dumps(plain(value), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.blake2b(pickled, digest_size=20).digest()


def remembered_calls(
    function: Callable[P, T], fresh: Callable[[T], T], kept: int = 128
) -> Callable[P, T]:
    """Wrap `function` so its results are kept for the last `kept` argument values (`value_key`).

    For a pure function only (what it returns depends on its arguments' values alone).
    Every call returns `fresh(result)`, a copy a caller may change.
    """
    results: OrderedDict[bytes, T] = OrderedDict()

    @functools.wraps(function)
    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        key = value_key((function.__qualname__, args, kwargs))
        if key is None:
            return function(*args, **kwargs)
        if key in results:
            results.move_to_end(key)
        else:
            results[key] = function(*args, **kwargs)
            while len(results) > kept:
                results.popitem(last=False)
        return fresh(results[key])

    return call


#: Satker-years loaded by `loading.load_year` and renstra tables by `tren.read_renstra`.
DATA = ContentMemo()
