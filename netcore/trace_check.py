"""Reading a Trace file that may be anything: every check made before anything large is read.

A ``.npz`` from elsewhere may be a text file, a truncated or hostile zip, arrays of
Python objects (pickles), shapes that disagree with the network, NaNs, or a small file
that claims enormous arrays.  :func:`read_trace_arrays` looks at the file in this order
and stops at the first problem with a :class:`TraceFileError` naming it:

1. a regular file (never a FIFO or a device) no larger than the Trace memory limit;
2. a zip whose central directory holds at most :data:`MAX_MEMBERS` entries;
3. ``meta``: a short JSON string with the documented fields and sane values;
4. every array's header (dtype and shape, nothing else read): numbers only, shapes
   agreeing with ``layer_sizes`` and with each other, the whole Trace under
   :data:`~netcore.limits.MAX_TRACE_BYTES` (:func:`~netcore.limits.check_trace_bytes`);
5. the arrays themselves: finite (``target`` and ``accuracy`` may be NaN), steps
   increasing.
"""
from __future__ import annotations

import json
import math
import os
import stat
import struct
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import numpy as np

from .activations import ACTIVATIONS
from .limits import LimitError, MAX_TRACE_BYTES, check_trace_bytes
from .losses import LOSSES
from .optim import OPTIMIZERS

__all__ = ["TraceFileError", "TraceArrays", "read_trace_arrays", "MAX_MEMBERS", "MAX_LAYERS", "MAX_META_CHARS"]

#: Most entries in a trace zip (arrays of up to MAX_LAYERS layers, and room to spare).
MAX_MEMBERS = 1024
#: Most layers (weight matrices) a trace's network may have.
MAX_LAYERS = 64
#: Longest ``meta`` JSON text.
MAX_META_CHARS = 65_536
_MAX_DIRECTORY = 2**20
_EOCD = struct.Struct("<4s4H2LH")


class TraceFileError(ValueError):
    """A file that is not a readable netreel trace; the message names the file and the problem."""


class TraceArrays:
    """The checked arrays of a trace file, by key (``files`` lists the keys, as ``np.load`` does)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self._arrays = arrays
        self.files = list(arrays)

    def __getitem__(self, key: str) -> np.ndarray:
        return self._arrays[key]


@contextmanager
def read_trace_arrays(path: str | os.PathLike) -> Iterator[TraceArrays]:
    """Check the trace file ``path`` and yield its arrays (``meta`` included).

    Raises
    ------
    TraceFileError
        For anything but a well-formed trace, naming the problem.
    LimitError
        For a trace larger than the memory limit, saying how many frames would fit.
    """
    name = os.fspath(path)
    with _open_regular(name) as handle:
        _check_directory(handle, name)
        zip_file = _parse(name, lambda: zipfile.ZipFile(handle))
        with zip_file:
            yield TraceArrays(_Reader(zip_file, name).arrays())


@contextmanager
def _open_regular(name: str) -> Iterator[IO[bytes]]:
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise TraceFileError(f"no such file {name!r}") from None
    except (OSError, ValueError) as error:
        raise TraceFileError(f"cannot read trace {name!r}: {_reason(error)}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_TRACE_BYTES:
        os.close(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TraceFileError(f"trace {name!r} is not a regular file")
        raise TraceFileError(f"trace {name!r} is {info.st_size:,} bytes, over the limit of {MAX_TRACE_BYTES:,}")
    with os.fdopen(fd, "rb") as handle:
        yield handle


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error)


def _not_a_trace(name: str, why: str) -> TraceFileError:
    return TraceFileError(f"{name!r} is not a netreel trace ({why})")


def _parse(name: str, read: Any) -> Any:
    """Run a zip or npy parsing step; whatever a damaged file makes it raise becomes one TraceFileError."""
    try:
        return read()
    except Exception as error:  # a hostile file can make the zip and npy readers raise nearly anything
        raise _not_a_trace(name, f"damaged or not an .npz zip file: {_reason(error)[:120]}") from None


def _check_directory(handle: IO[bytes], name: str) -> None:
    """Refuse a zip whose central directory is too large before zipfile builds an object per entry."""
    size = handle.seek(0, os.SEEK_END)
    tail_size = min(size, _EOCD.size + 65_535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise _not_a_trace(name, "not an .npz zip file")
    entries, directory = _EOCD.unpack_from(tail, at)[4:6]
    if entries > MAX_MEMBERS or directory > _MAX_DIRECTORY:
        raise _not_a_trace(name, f"the zip lists more than {MAX_MEMBERS} entries")
    handle.seek(0)


class _Reader:
    """Reads one trace zip in the order of the module docstring."""

    def __init__(self, zip_file: zipfile.ZipFile, name: str) -> None:
        self.zip, self.name = zip_file, name
        self.members = {
            info.filename[:-4]: info for info in zip_file.infolist() if info.filename.endswith(".npy")
        }

    def arrays(self) -> dict[str, np.ndarray]:
        meta_text = self._meta_text()
        meta = _check_meta(self.name, meta_text)
        layer_sizes = meta["layer_sizes"]
        headers = {key: self._header(key) for key in self._keys(len(layer_sizes) - 1)}
        shapes = _expected_shapes(self.name, layer_sizes, headers)
        for key, (shape, _) in headers.items():
            if shape != shapes[key]:
                raise _not_a_trace(self.name, f"{key!r} has shape {shape}, expected {shapes[key]} "
                                              f"for a {'-'.join(map(str, layer_sizes))} network")
        arrays = {key: self._values(key, kind) for key, (_, kind) in headers.items()}
        _check_values(self.name, arrays, meta["total_steps"])
        arrays["meta"] = np.array(meta_text)
        return arrays

    def _keys(self, layers: int) -> list[str]:
        keys = ["steps", "loss", "grid", "outputs", "contributions", "target", "x_train", "y_train"]
        keys += [f"{prefix}{l}" for l in range(layers) for prefix in ("W", "b", "grad_W", "grad_b")]
        missing = [key for key in keys if key not in self.members]
        if missing:
            raise _not_a_trace(self.name, f"missing {missing[0]!r}")
        return keys + [key for key in ("accuracy",) if key in self.members]

    def _open(self, key: str) -> IO[bytes]:
        return _parse(self.name, lambda: self.zip.open(self.members[key]))

    def _header(self, key: str) -> tuple[tuple[int, ...], str]:
        with self._open(key) as member:
            shape, fortran, dtype = _parse(self.name, lambda: _read_header(member))
        if dtype.hasobject:
            raise _not_a_trace(self.name, f"{key!r} holds Python objects, which netreel never unpickles")
        kind = "U" if key == "meta" else ("iu" if key == "steps" else "fiu")
        if dtype.kind not in kind or dtype.fields is not None:
            raise _not_a_trace(self.name, f"{key!r} has dtype {dtype}, expected "
                                          + ("text" if kind == "U" else "numbers"))
        return tuple(int(n) for n in shape), dtype

    def _meta_text(self) -> str:
        if "meta" not in self.members:
            raise _not_a_trace(self.name, "missing 'meta'")
        shape, dtype = self._header("meta")
        if shape != () or dtype.itemsize > 4 * MAX_META_CHARS:
            raise _not_a_trace(self.name, f"'meta' must be one string of at most {MAX_META_CHARS:,} characters")
        return str(self._values("meta", dtype)[()])

    def _values(self, key: str, dtype: np.dtype) -> np.ndarray:
        with self._open(key) as member:
            array = _parse(self.name, lambda: np.lib.format.read_array(member, allow_pickle=False))
        if key == "meta":
            return array
        return np.ascontiguousarray(array, dtype=np.int64 if key == "steps" else np.float64)


def _read_header(member: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(member)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(member)
    raise ValueError(f"unsupported .npy version {version}")


def _check_meta(name: str, text: str) -> dict[str, Any]:
    """The parsed ``meta`` with every documented field of the right type and range."""
    try:
        meta = json.loads(text)
    except (ValueError, RecursionError):
        raise _not_a_trace(name, "'meta' is not JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != "netreel-trace":
        raise _not_a_trace(name, "'meta' does not say format = netreel-trace")
    if meta.get("version") != 1 or isinstance(meta.get("version"), bool):
        raise _not_a_trace(name, f"version {meta.get('version')!r}; this netreel reads version 1")

    def field(key: str, ok: Any, allowed: str) -> None:
        if key not in meta:
            raise _not_a_trace(name, f"'meta' has no {key!r}")
        if not ok(meta[key]):
            raise _not_a_trace(name, f"'meta' {key!r} is {_short(meta[key])}; expected {allowed}")

    field("layer_sizes", _layer_sizes, f"2 to {MAX_LAYERS + 1} whole numbers of at least 1")
    for key, known in (("activation", ACTIVATIONS), ("output_activation", ACTIVATIONS),
                       ("optimizer", OPTIMIZERS), ("loss_name", LOSSES)):
        field(key, lambda v, known=known: isinstance(v, str) and v in known, f"one of {', '.join(known)}")
    field("lr", lambda v: _number(v) and math.isfinite(v) and v > 0, "a finite number above 0")
    field("seed", lambda v: v is None or _whole(v, 0, 2**63 - 1), "none or a whole number from 0")
    field("total_steps", lambda v: _whole(v, 0, 2**63 - 1), "a whole number from 0")
    field("target_text", lambda v: isinstance(v, str), "text")
    return meta


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and (
        not isinstance(value, int) or abs(value) < 2**63
    )


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _layer_sizes(value: Any) -> bool:
    return (isinstance(value, list) and 2 <= len(value) <= MAX_LAYERS + 1
            and all(_whole(n, 1, 2**31 - 1) for n in value))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _expected_shapes(
    name: str, layer_sizes: list[int], headers: dict[str, tuple[tuple[int, ...], np.dtype]]
) -> dict[str, tuple[int, ...]]:
    """Every array's shape, from ``layer_sizes`` and the lengths of steps, grid and x_train.

    Checks the Trace's memory against the limit before any array is read.
    """
    def length(key: str, dims: int) -> int:
        shape = headers[key][0]
        if len(shape) != dims:
            raise _not_a_trace(name, f"{key!r} has {len(shape)} dimensions, expected {dims}")
        return shape[0]

    frames, points, samples = length("steps", 1), length("grid", 1), length("x_train", 2)
    if frames == 0:
        raise _not_a_trace(name, "it holds no frames")
    n_in, n_out = layer_sizes[0], layer_sizes[-1]
    if points and (n_in, n_out) != (1, 1):
        raise _not_a_trace(name, f"a grid of {points} points, but only a 1-input, 1-output network has one")
    try:
        check_trace_bytes(layer_sizes, frames, points, samples)
    except LimitError as error:
        raise LimitError(f"trace {name!r}: {error}") from None
    hidden = layer_sizes[1] if points and len(layer_sizes) == 3 else 0
    shapes = {
        "steps": (frames,), "loss": (frames,), "accuracy": (frames,), "grid": (points,),
        "outputs": (frames, points), "contributions": (frames, hidden, points), "target": (points,),
        "x_train": (samples, n_in), "y_train": (samples, n_out),
    }
    for l, (a, b) in enumerate(zip(layer_sizes, layer_sizes[1:])):
        shapes.update({f"W{l}": (frames, a, b), f"grad_W{l}": (frames, a, b),
                       f"b{l}": (frames, b), f"grad_b{l}": (frames, b)})
    return shapes


def _check_values(name: str, arrays: dict[str, np.ndarray], total_steps: int) -> None:
    """Finite numbers everywhere (NaN allowed in target and accuracy), increasing steps."""
    for key, array in arrays.items():
        allowed_nan = key in ("target", "accuracy")
        values = array[~np.isnan(array)] if allowed_nan else array
        if not np.all(np.isfinite(values)):
            raise _not_a_trace(name, f"{key!r} holds NaN or infinite values")
    steps = arrays["steps"]
    if steps[0] < 0 or np.any(np.diff(steps) <= 0) or steps[-1] > total_steps:
        raise _not_a_trace(name, f"'steps' must increase, from 0 up to at most total_steps = {total_steps}")
    accuracy = arrays.get("accuracy")
    if accuracy is not None and np.any((accuracy < 0) | (accuracy > 1)):
        raise _not_a_trace(name, "'accuracy' must lie between 0 and 1")
