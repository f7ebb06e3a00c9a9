"""Output files: atomic writes and publishing all of a run's files together, PNG stills, size strings."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ["atomic_path", "publish", "publish_all", "write_png", "parse_size", "format_size"]


# --------------------------------------------------------------------- atomic


#: Longest suffix a temporary name keeps (writers pick their format from it).
_MAX_SUFFIX = 16


def _temporary_beside(target: Path) -> Path:
    """A new empty file in ``target``'s folder with a short name of its own, whatever ``target``'s length."""
    suffix = target.suffix if len(target.suffix) <= _MAX_SUFFIX else ""
    handle, name = tempfile.mkstemp(prefix=".netreel-", suffix=f".tmp{suffix}", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
    return temporary


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    The temporary name keeps the suffix (writers pick their format from it).
    On any exception, Ctrl-C included, the temporary file is removed and an
    older ``target`` is left untouched.
    """
    target = Path(target)
    temporary = _temporary_beside(target)
    try:
        yield temporary
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(source: str | Path, target: str | Path) -> Path:
    """Copy a finished file (e.g. from a temporary folder) atomically to ``target``."""
    publish_all([(Path(source), Path(target))])
    return Path(target)


def publish_all(files: Sequence[tuple[Path, Path]]) -> None:
    """Copy each finished ``(source, target)`` to its target: all of them, or none.

    Every file is first copied beside its target under a temporary name (making
    missing folders); only when every copy is complete are they renamed over
    their targets. Any failure (a full disk, a read-only folder, Ctrl-C) removes
    the copies and the folders made, and puts back each target already replaced
    (its older file is kept as a hard link until the end), so the targets stay as they were.
    """
    folders: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    renamed: list[tuple[Path, Path | None, bool]] = []  # target, its older file kept aside, whether it had one
    target = Path()
    try:
        for source, target in files:
            target = Path(target)
            _make_folders(target.parent, folders)
            staged.append((_temporary_beside(target), target))
            shutil.copyfile(source, staged[-1][0])
        for temporary, target in staged:
            existed = target.exists()
            renamed.append((target, _keep_aside(target) if existed else None, existed))
            os.replace(temporary, target)
    except OSError as error:
        _undo(folders, staged, renamed)
        # Name the file asked for, not its temporary name.
        raise OSError(error.errno, error.strerror or str(error), str(target)) from None
    except BaseException:
        _undo(folders, staged, renamed)
        raise
    for _, older, _ in renamed:
        if older is not None:
            older.unlink(missing_ok=True)


def _undo(
    folders: list[Path], staged: list[tuple[Path, Path]], renamed: list[tuple[Path, Path | None, bool]]
) -> None:
    """Put back what :func:`publish_all` changed; each step on its own, so one failure stops none."""
    steps = []
    for target, older, existed in reversed(renamed):
        if older is not None:
            steps.append(lambda older=older, target=target: _put_back(older, target))
        elif not existed:
            steps.append(lambda target=target: target.unlink(missing_ok=True))
    steps += [lambda temporary=temporary: temporary.unlink(missing_ok=True) for temporary, _ in staged]
    steps += [folder.rmdir for folder in reversed(folders)]
    for step in steps:
        with suppress(OSError):
            step()


def _put_back(older: Path, target: Path) -> None:
    os.replace(older, target)
    # A rename between two links to one file does nothing: the target was never replaced.
    older.unlink(missing_ok=True)


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Make ``folder`` and its missing parents, adding each one made to ``made`` (outermost first)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _keep_aside(target: Path) -> Path | None:
    """A hard link to ``target`` under a temporary name (to put it back), or None if links fail here."""
    aside = target.with_name(f".netreel-old-{secrets.token_hex(6)}")
    try:
        os.link(target, aside)
    except OSError:
        return None
    return aside


def write_png(frame: np.ndarray, target: str | Path) -> Path:
    """Write one RGB(A) frame as an opaque PNG, atomically."""
    with atomic_path(target) as temporary:
        Image.fromarray(np.ascontiguousarray(frame[..., :3])).save(temporary, format="PNG")
    return Path(target)


# --------------------------------------------------------------------- sizes

_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}


def parse_size(text: str) -> int:
    """Bytes in a size such as ``2MB``, ``500 KB``, ``1.5MiB`` or ``800000``.

    Raises
    ------
    ValueError
        For anything else, zero or negative sizes included.
    """
    match = re.fullmatch(r"\s*([0-9]{0,12}\.?[0-9]{1,12})\s*([A-Za-z]{0,3})\s*", str(text)[:64])
    unit = match.group(2).upper() if match else ""
    if not match or unit not in _UNITS or len(str(text)) > 64:
        shown = repr(text) if len(str(text)) <= 40 else repr(str(text)[:30] + "...")
        raise ValueError(f"{shown} is not a size (use e.g. 2MB, 500KB, 1.5MiB)")
    size = int(float(match.group(1)) * _UNITS[unit])
    if size <= 0:
        raise ValueError(f"{text!r} must be larger than zero")
    return size


def format_size(size: int) -> str:
    """A byte count for people: ``1.23 MB``, ``456.0 KB``, ``789 B``."""
    if size >= 10**6:
        return f"{size / 10**6:.2f} MB"
    if size >= 10**3:
        return f"{size / 10**3:.1f} KB"
    return f"{size} B"
