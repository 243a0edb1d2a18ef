"""Output safety of a build: one writer per folder, all-or-nothing files, no leftovers.

Why a module of its own: the build chain (notebook, HTML, PDF) changes for speed, while the
promises about the output folder must not. Those promises are:

- **one build per output folder at a time**: `locked` takes an exclusive `flock` on the folder
  itself (no lock file to leave behind; the kernel drops it when the process dies, even on
  kill -9). A second build is refused with a message, or waits if asked to;
- **all or nothing**: every file is written under a hidden `.<name>.partial` name and fsynced
  (`Staging.write`); only when every requested file is there are they moved into place with
  `os.replace` (`Staging.commit`), each rename atomic. An error, Ctrl-C (SIGINT) or SIGTERM
  before the commit removes the temporary files and leaves the previous report whole; the
  signals are held back during the commit, so a set of files is never half replaced by them;
- **no leftovers**: what a kill -9 or a full disk left (`.*.partial`, `.*.running.ipynb`) is
  removed at the start of the next build of that folder (`remove_leftovers`, under the lock);
- **no stale files**: outputs of a format not rebuilt this time are removed at the commit, so
  the folder never holds an HTML and a PDF of different data (`Staging.commit(stale=...)`);
- **the folder is checked first**: an `--output` that is a file, or a folder that cannot be
  written, is a one-line error before any work (`prepare_folder`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

from lakipkit.errors import LakipError

PARTIAL_SUFFIX = ".partial"
# Hidden names a build writes into the output folder before moving them into place.
LEFTOVER_PATTERNS = (".*.partial", ".*.running.ipynb")
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class BuildInterrupted(KeyboardInterrupt):
    """A build stopped by SIGINT or SIGTERM; nothing was moved into place."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for Ctrl-C, 143 for TERM)."""
        return 128 + self.signum


_REASONS = {
    errno.ENOSPC: "disk penuh",
    errno.EDQUOT: "kuota disk habis",
    errno.EACCES: "izin ditolak",
    errno.EPERM: "izin ditolak",
    errno.EROFS: "sistem berkas hanya-baca",
    errno.ENOTDIR: "bagian jalurnya adalah file, bukan folder",
    errno.EEXIST: "sudah ada sebagai file, bukan folder",
}


def os_error_reason(error: OSError) -> str:
    """Say why a file operation failed in Indonesian where the cause is common (no errno jargon)."""
    return _REASONS.get(error.errno or 0, error.strerror or str(error) or type(error).__name__)


def describe_os_error(error: OSError, path: Path) -> str:
    """Say in one Indonesian line why writing to `path` failed."""
    return f"tidak bisa menulis keluaran di {path}: {os_error_reason(error)}"


def prepare_folder(folder: Path) -> Path:
    """Create the output folder (and parents); refuse a file in the way or no write access."""
    for part in (folder, *folder.parents):
        if part.exists() and not part.is_dir():
            raise LakipError(f"folder keluaran {folder}: {part} adalah file, bukan folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LakipError(describe_os_error(error, folder)) from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LakipError(describe_os_error(OSError(errno.EACCES, "izin ditolak"), folder))
    return folder


@contextmanager
def locked(folder: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the exclusive build lock of `folder`; refuse (or wait up to `wait` s) if taken.

    The lock is an `flock` on the folder's own file descriptor: it needs no file of its own
    and the kernel releases it when the holder exits, however it exits.
    """
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LakipError(
                        f"build lain sedang menulis ke {folder}; tunggu sampai selesai lalu "
                        "ulangi (satu build per folder keluaran)"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files an earlier build left (kill -9, full disk); return them.

    Call only while holding `locked(folder)`: then no other build is writing them.
    """
    removed = []
    for pattern in LEFTOVER_PATTERNS:
        for path in sorted(folder.glob(pattern)):
            with suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


class Staging:
    """Files of one build, written under temporary names and moved into place together."""

    def __init__(self, folder: Path, guard: SignalGuard | None = None) -> None:
        self.folder = folder
        self.guard = guard
        self._staged: dict[str, Path] = {}

    def write(self, name: str, content: bytes) -> Path:
        """Write `content` as `.<name>.partial` beside its final place, flushed to disk."""
        path = self.folder / f".{name}{PARTIAL_SUFFIX}"
        self._staged[name] = path
        try:
            with open(path, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise LakipError(describe_os_error(error, self.folder / name)) from error
        return path

    def discard(self) -> None:
        """Remove every staged file; never fails (it runs while another error is raised)."""
        for path in self._staged.values():
            with suppress(OSError):
                path.unlink()
        self._staged.clear()

    def commit(self, stale: Iterable[str] = ()) -> tuple[dict[str, Path], list[Path]]:
        """Move every staged file into place and remove the `stale` names; signals held back.

        Returns the final paths by name and the stale files removed. Checks every file
        arrived, so a build never reports success with less than it wrote.
        """
        final: dict[str, Path] = {}
        removed: list[Path] = []
        with _signals_held(self.guard):
            try:
                for name, path in self._staged.items():
                    final[name] = self.folder / name
                    os.replace(path, final[name])
                for name in stale:
                    old = self.folder / name
                    if name not in final and old.exists():
                        old.unlink()
                        removed.append(old)
            except OSError as error:
                self.discard()
                raise LakipError(describe_os_error(error, self.folder)) from error
        self._staged.clear()
        missing = [p.name for p in final.values() if not p.is_file()]
        if missing:
            raise LakipError(f"keluaran tidak tertulis di {self.folder}: {', '.join(missing)}")
        return final, removed


class SignalGuard:
    """Turn SIGINT and SIGTERM into `BuildInterrupted` while a build runs, and remember them.

    Remembering matters because a library may swallow the exception raised in its callback
    (WeasyPrint catches errors while it fetches images): `check()` after each step raises again
    if a signal arrived, so an interrupted step never yields a file that is then committed.
    Only the main thread may install handlers; elsewhere the guard does nothing.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self.holding = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for signum in _SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = signum
        if not self.holding:
            raise BuildInterrupted(signum)

    def check(self) -> None:
        """Raise `BuildInterrupted` if a signal arrived, even if its exception was swallowed."""
        if self.received is not None:
            raise BuildInterrupted(self.received)


@contextmanager
def _signals_held(guard: SignalGuard | None) -> Iterator[None]:
    """Let the guard only note signals (not raise) while files are moved into place."""
    if guard is None:
        yield
        return
    guard.check()
    guard.holding = True
    try:
        yield
    finally:
        guard.holding = False
