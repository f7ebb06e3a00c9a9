"""Two classes of points in the plane: five generated data sets and a user's CSV file.

Every generator is ``(n, noise, seed) -> (x, y)`` with ``x`` of shape ``(n, 2)`` and
``y`` of shape ``(n, 1)``, both float64, labels 0.0/1.0 alternating (so the classes are
balanced: ``n // 2`` of class 1 and the rest class 0).  Points lie roughly inside
``[-1, 1]^2`` (noise may carry a few just past the edge), so one plot range fits them all.
``noise`` is the standard deviation of Gaussian jitter added to each coordinate (for
``blobs``, the spread of each blob), in the plane's units.

``load_points(path)`` reads a CSV file with columns ``x1, x2, label``:

- a header line is optional (the first line is one when neither x1 nor x2 is a number);
  blank lines are skipped; fields are separated by commas and may be quoted;
- labels are two distinct values.  If both are numbers they map in numeric order, the
  smaller to class 0 (so 0/1 stay 0/1 and -1/1 become 0/1); otherwise the two names map
  in sorted (code-point) order, e.g. ``cat`` -> 0, ``dog`` -> 1;
- between ``MIN_POINTS`` and ``MAX_POINTS`` rows, finite coordinates of magnitude at most
  ``MAX_COORDINATE``, a regular UTF-8 file (a BOM is allowed) of at most ``MAX_CSV_BYTES``.

Anything else raises :class:`PointsError` with one line that names the file and, where
the problem is on a line, that line's number.
"""
from __future__ import annotations

import csv
import math
import os
import stat
from typing import Callable

import numpy as np

__all__ = [
    "PointsError", "xor", "circle", "moons", "spiral", "blobs", "DATASETS", "load_points",
    "DEFAULT_POINTS", "DEFAULT_NOISE", "MIN_POINTS", "MAX_POINTS", "MAX_NOISE", "MAX_CSV_BYTES",
    "MAX_COORDINATE",
]

DEFAULT_POINTS = 200
MIN_POINTS = 4
MAX_POINTS = 10_000
MAX_NOISE = 1.0
MAX_CSV_BYTES = 1_000_000
#: Coordinates beyond this are surely a unit mistake; they would also saturate every neuron.
MAX_COORDINATE = 1e6

Points = tuple[np.ndarray, np.ndarray]


class PointsError(ValueError):
    """A data set's points could not be read; ``line`` is the 1-based line (or None)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(message)

    def __reduce__(self) -> tuple:
        return type(self), (self.args[0], self.line)


def _check(n: int, noise: float, seed: int) -> tuple[int, float, int]:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not MIN_POINTS <= n <= MAX_POINTS:
        raise ValueError(f"n must be an int from {MIN_POINTS} to {MAX_POINTS:,}, got {n!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"noise must be a number, got {noise!r}") from None
    if not 0.0 <= noise <= MAX_NOISE:  # also false for NaN
        raise ValueError(f"noise must be from 0 to {MAX_NOISE:g}, got {noise!r}")
    return int(n), noise, int(seed)


def _points(shape: Callable[[np.ndarray, np.random.Generator], np.ndarray]):
    """A data set from ``shape(labels, rng) -> (n, 2)`` noise-free points for those labels."""

    def generate(n: int = DEFAULT_POINTS, noise: float | None = None, seed: int = 0) -> Points:
        n, noise, seed = _check(n, DEFAULT_NOISE[generate.__name__] if noise is None else noise, seed)
        rng = np.random.default_rng(seed)
        labels = (np.arange(n) % 2).astype(np.float64)
        x = shape(labels, rng, noise)
        return x, labels.reshape(-1, 1)

    generate.__name__ = shape.__name__
    generate.__qualname__ = shape.__name__
    generate.__doc__ = shape.__doc__ + """

    Parameters
    ----------
    n
        Number of points (``MIN_POINTS`` to ``MAX_POINTS``), half of each class.
    noise
        Standard deviation of the jitter (0 to ``MAX_NOISE``); ``DEFAULT_NOISE`` if None.
    seed
        Seed of ``np.random.default_rng``: the same seed gives the same points.

    Returns
    -------
    x, y
        Points ``(n, 2)`` and labels ``(n, 1)`` (0.0 or 1.0), float64.
    """
    return generate


def _jitter(x: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    return x + rng.normal(0.0, noise, size=x.shape) if noise else x


@_points
def xor(labels: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Four squares: class 1 where x1 and x2 have the same sign, class 0 where they differ."""
    # Keeping 0.15 clear of the axes leaves a gap that a little noise does not close.
    size = rng.uniform(0.15, 0.9, size=(len(labels), 2))
    sign1 = rng.choice([-1.0, 1.0], size=len(labels))
    sign2 = np.where(labels == 1, sign1, -sign1)
    return _jitter(size * np.column_stack([sign1, sign2]), rng, noise)


@_points
def circle(labels: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Class 1 inside a disc of radius 0.45, class 0 on a ring from radius 0.65 to 0.9."""
    # sqrt of a uniform draw spreads points evenly over the disc's area.
    inner = 0.45 * np.sqrt(rng.uniform(0.0, 1.0, len(labels)))
    outer = np.sqrt(rng.uniform(0.65**2, 0.9**2, len(labels)))
    radius = np.where(labels == 1, inner, outer)
    angle = rng.uniform(0.0, 2 * np.pi, len(labels))
    return _jitter(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), rng, noise)


@_points
def moons(labels: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Two interleaved half circles: class 0 arches up on the left, class 1 down on the right."""
    t = rng.uniform(0.0, np.pi, len(labels))
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    x = np.where(labels[:, None] == 1, lower, upper)
    # The moons span [-1, 2] x [-0.5, 1]: centre and scale them into the square.
    return _jitter(0.6 * (x - [0.5, 0.25]), rng, noise)


@_points
def spiral(labels: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Two arms winding 1.75 turns out from the centre, class 1 half a turn after class 0."""
    u = rng.uniform(0.0, 1.0, len(labels))
    # sqrt spaces points evenly along the arm (its length grows with the radius).
    s = np.sqrt(u)
    radius = 0.1 + 0.8 * s
    angle = 3.5 * np.pi * s + np.pi * labels
    return _jitter(radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]), rng, noise)


@_points
def blobs(labels: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Two round clouds, class 0 around (-0.45, -0.45) and class 1 around (0.45, 0.45)."""
    centre = np.where(labels[:, None] == 1, 0.45, -0.45)
    return _jitter(np.broadcast_to(centre, (len(labels), 2)), rng, noise)


DATASETS: dict[str, Callable[..., Points]] = {f.__name__: f for f in (xor, circle, moons, spiral, blobs)}
#: Noise per data set when none is given: enough to look natural, little enough that the
#: classes stay separable (the default networks reach the tested accuracy on them).
DEFAULT_NOISE: dict[str, float] = {"xor": 0.05, "circle": 0.05, "moons": 0.05, "spiral": 0.02, "blobs": 0.2}


def load_points(path: str | os.PathLike) -> Points:
    """Read two classes of points from a CSV file (format in the module docstring).

    Returns
    -------
    x, y
        Points ``(n, 2)`` and labels ``(n, 1)`` (0.0 or 1.0), float64.

    Raises
    ------
    PointsError
        With one line naming the file and, where it applies, the line.
    """
    name = os.fspath(path)
    rows: list[tuple[int, float, float, str]] = []
    header_possible = True
    for number, line in enumerate(_read_text(name).split("\n"), start=1):
        if not line.strip():
            continue
        fields = _fields(name, number, line)
        if header_possible and _number(fields[0]) is None and _number(fields[1]) is None:
            header_possible = False
            continue
        header_possible = False
        if len(rows) == MAX_POINTS:
            raise PointsError(f"{name}, line {number}: more than {MAX_POINTS:,} rows of points", number)
        rows.append((number, _coordinate(name, number, "x1", fields[0]),
                     _coordinate(name, number, "x2", fields[1]), fields[2]))
    if len(rows) < MIN_POINTS:
        where, last = (f", line {rows[-1][0]}", rows[-1][0]) if rows else ("", None)
        raise PointsError(f"{name}{where}: the file ends after {len(rows)} row(s) of points; "
                          f"at least {MIN_POINTS} are needed", last)
    x = np.array([(x1, x2) for _, x1, x2, _ in rows], dtype=np.float64)
    return x, _classes(name, [(number, label) for number, _, _, label in rows]).reshape(-1, 1)


def _read_text(name: str) -> str:
    """The file's text: a regular file under the size cap, decoded as UTF-8."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, ValueError) as error:
        raise PointsError(f"{name}: cannot open ({getattr(error, 'strerror', None) or error})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PointsError(f"{name}: not a regular file")
        data = os.read(fd, MAX_CSV_BYTES + 1)
        # os.read may return less than asked for; read on until the cap or the end.
        while 0 < len(data) <= MAX_CSV_BYTES and (more := os.read(fd, MAX_CSV_BYTES + 1 - len(data))):
            data += more
    except OSError as error:
        raise PointsError(f"{name}: cannot read ({error.strerror or error})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_CSV_BYTES:
        raise PointsError(f"{name}: larger than the {MAX_CSV_BYTES:,}-byte limit for a points file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PointsError(f"{name}, line {line}: not UTF-8 text (byte {data[error.start]:#04x})", line) from None


def _fields(name: str, number: int, line: str) -> list[str]:
    """The three stripped fields of one CSV line."""
    try:
        fields = [field.strip() for field in next(csv.reader([line]))]
    except csv.Error as error:
        raise PointsError(f"{name}, line {number}: not valid CSV ({error})", number) from None
    if len(fields) != 3:
        raise PointsError(f"{name}, line {number}: expected 3 columns (x1, x2, label), got {len(fields)}",
                          number)
    return fields


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _coordinate(name: str, number: int, column: str, text: str) -> float:
    value = _number(text)
    if value is None:
        raise PointsError(f"{name}, line {number}: {column} {_shown(text)} is not a number", number)
    if not math.isfinite(value):
        raise PointsError(f"{name}, line {number}: {column} {_shown(text)} is not finite", number)
    if abs(value) > MAX_COORDINATE:
        raise PointsError(f"{name}, line {number}: {column} {_shown(text)} is larger than "
                          f"{MAX_COORDINATE:g} in size", number)
    return value


def _classes(name: str, labels: list[tuple[int, str]]) -> np.ndarray:
    """Map the two distinct labels to 0.0 and 1.0 (numbers in numeric order, names sorted)."""
    numeric = [_number(label) for _, label in labels]
    if all(v is not None and math.isfinite(v) for v in numeric):
        keys: list[object] = numeric
    else:
        keys = [label for _, label in labels]
    seen: dict[object, str] = {}
    for (number, label), key in zip(labels, keys):
        if not label:
            raise PointsError(f"{name}, line {number}: the label is empty", number)
        if key not in seen:
            if len(seen) == 2:
                first, second = seen.values()
                raise PointsError(f"{name}, line {number}: a third label {_shown(label)} after "
                                  f"{_shown(first)} and {_shown(second)}; two classes are needed", number)
            seen[key] = label
    if len(seen) < 2:
        first, last = labels[0][0], labels[-1][0]
        raise PointsError(f"{name}, lines {first}-{last}: every label is {_shown(labels[0][1])}; "
                          "two classes are needed", last)
    low = min(seen)
    return np.array([0.0 if key == low else 1.0 for key in keys])


def _shown(text: str) -> str:
    """``text`` quoted for a one-line message, cut short and with control characters escaped."""
    return repr(text[:40] + ("..." if len(text) > 40 else ""))
