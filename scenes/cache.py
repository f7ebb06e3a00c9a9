"""netreel's cache: what is slow to make and the same every time it is made.

Entries are files under ``$NETREEL_CACHE_DIR``, else ``$XDG_CACHE_HOME/netreel``,
else ``~/.cache/netreel``, one folder per kind (``surveys``, ``texts``). An entry is
written atomically; one that cannot be read, or a cache that cannot be written,
is skipped silently: the cache only ever saves time, it never changes a frame.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ["cache_dir", "load_entry", "save_entry"]

T = TypeVar("T")


def cache_dir(kind: str) -> Path:
    """The folder of one kind of entry."""
    base = os.environ.get("NETREEL_CACHE_DIR")
    if not base:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "netreel"
    return Path(base) / kind


def load_entry(kind: str, name: str, read: Callable[[bytes], T]) -> T | None:
    """``read(the entry's bytes)``, or None when there is no such entry or it cannot be read."""
    try:
        return read((cache_dir(kind) / name).read_bytes())
    except Exception:  # a missing, truncated or outdated entry is made again
        return None


def save_entry(kind: str, name: str, data: bytes) -> None:
    """Keep ``data`` as entry ``name`` (atomically: readers see the old entry or the whole new one)."""
    try:
        folder = cache_dir(kind)
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, folder / name)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
