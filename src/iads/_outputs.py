"""Output paths: checked before any work (so that a bad ``--out`` fails in a second, not
after the whole simulation), and written atomically (to a temporary name in the same
folder, then moved into place), so that a failed write never leaves a truncated file
where a good one was, and the caller can say exactly which files were written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from iads.errors import InputError, OutputError

__all__ = ["IMAGE_SUFFIXES", "atomic_write", "check_out_dir", "check_out_file"]

#: File types the plots can be written as.
IMAGE_SUFFIXES = (".png", ".svg", ".pdf")


def _nearest_existing(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_out_dir(path: Path, option: str = "--out") -> Path:
    """Check that ``path`` is, or can be created as, a writable folder, by creating it and
    a probe file in it (folders created by the check are removed again); raise an
    :class:`InputError` naming ``option`` otherwise."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path}: is a file, not a folder (give a folder; it is "
                         "created if missing)")
    base = _nearest_existing(path)
    if not base.is_dir():
        raise InputError(f"{option} {path}: {base} is a file, so the folder cannot be created")
    created = [p for p in [path.absolute(), *path.absolute().parents] if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write there ({exc.strerror or exc})") from None
    finally:
        for p in created:  # deepest first
            try:
                p.rmdir()
            except OSError:
                break
    return path


def check_out_file(
    path: Path, option: str = "--out", suffixes: tuple[str, ...] = IMAGE_SUFFIXES
) -> Path:
    """Check that file ``path`` can be written: its folder exists and is writable, it is
    not a folder, and its suffix is one of ``suffixes``."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name such as "
                         f"{path / ('out' + suffixes[0])}")
    if suffixes and path.suffix.lower() not in suffixes:
        raise InputError(f"{option} {path}: the file type must be one of "
                         f"{', '.join(suffixes)}; got '{path.suffix or 'none'}'")
    parent = path.absolute().parent
    if not parent.is_dir():
        raise InputError(f"{option} {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{option} {path}: cannot write into {parent} (permission denied)")
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(f"{option} {path}: the file exists and is read-only")
    return path


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary name beside ``path`` (same suffix, so that
    writers choosing a format by suffix still work), then move it onto ``path``. An
    ``OSError`` becomes an :class:`OutputError`; the temporary file never stays."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(path, exc) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
