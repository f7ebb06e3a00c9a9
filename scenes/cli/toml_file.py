"""A TOML file the user names (a spec, a story): read only when it is safe to read.

It must be a regular file (never a FIFO, a device or /dev/zero behind a symlink)
of at most :data:`MAX_TOML_BYTES`, UTF-8 text (a UTF-8 byte-order mark is fine),
and nested at most :data:`MAX_DEPTH` tables and arrays deep. Anything else is one
error line, before the parser runs or in place of its traceback.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import NetreelError, one_line

__all__ = ["MAX_TOML_BYTES", "MAX_DEPTH", "read_toml"]

#: Largest TOML file read: 1 MiB.
MAX_TOML_BYTES = 2**20
#: Deepest nesting of tables and arrays.
MAX_DEPTH = 32


def read_toml(
    path: str | os.PathLike, what: str, *, explain: Callable[[str], str | None] | None = None
) -> dict[str, Any]:
    """The parsed TOML file ``path``; ``what`` (e.g. ``"spec 'a.toml'"``) starts every error.

    ``explain(text)`` may name the likely mistake in a text that is not TOML, in place
    of the parser's message (which names a line, not the cause).

    Raises
    ------
    NetreelError
        For a file that cannot be read, is not a regular file, is too large, is not
        UTF-8, is not TOML, or is nested too deeply.
    """
    data = _read_capped(Path(path), what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf16 = " (it looks like UTF-16: save it as UTF-8)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise NetreelError(
            f"{what} is not UTF-8 text: byte {data[error.start]:#04x} at offset {error.start}{utf16}"
        ) from None
    try:
        parsed = tomllib.loads(text.removeprefix("\ufeff"))
    except RecursionError:
        raise NetreelError(f"{what} is nested more than {MAX_DEPTH} tables or arrays deep") from None
    except tomllib.TOMLDecodeError as error:
        cause = explain(text) if explain else None
        raise NetreelError(f"{what} {cause}" if cause else f"{what} is not valid TOML: {one_line(error)}") from None
    except ValueError:  # tomllib leaves Python's own limit on integer digits (4300) unwrapped
        raise NetreelError(f"{what} holds a number too long to read") from None
    _check_depth(parsed, what)
    return parsed


def _read_capped(path: Path, what: str) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise NetreelError(f"cannot read {what}: {error.strerror or error}") from None
    except ValueError:
        raise NetreelError(f"cannot read {what}: the name contains a NUL byte") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NetreelError(f"cannot read {what}: {'it is a folder' if stat.S_ISDIR(mode) else 'not a regular file'}")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_TOML_BYTES + 1)
        except OSError as error:
            raise NetreelError(f"cannot read {what}: {error.strerror or error}") from None
    if len(data) > MAX_TOML_BYTES:
        raise NetreelError(f"{what} is larger than {MAX_TOML_BYTES // 2**20} MiB")
    return data


def _check_depth(data: Any, what: str) -> None:
    """Refuse tables nested deeper than :data:`MAX_DEPTH` (dotted keys nest without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= MAX_DEPTH:
                    raise NetreelError(f"{what} is nested more than {MAX_DEPTH} tables or arrays deep")
                stack.append((child, depth + 1))
