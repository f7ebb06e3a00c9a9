"""GIFs through the libraries made for them: imageio (Pillow) writes, gifsicle optimises.

The frames come from a :class:`~scenes.output.frames.FrameStore`. They are
resampled to the GIF's rate with delays that add up to the clip's true length (a picture
held over :data:`LONGEST_DELAY`, 655 s, waits that long), mapped to one palette shared
by every frame (sampled across the clip) without dithering, a pixel redrawn only when
its colour really changes (:data:`SLACK`), identical frames merged into one longer
delay, written by imageio's Pillow plugin, then ``gifsicle -O3`` makes unchanged
pixels transparent and recompresses; ``--lossy`` is one of :func:`fit_gif`'s steps
toward a size budget. GIFs loop forever and never open on a blank frame: the
opening fade-in from the background is left out (:func:`poster_start`).

``gifsicle`` is a system package (the Makefile installs it); :func:`require_gifsicle`
says how to get it when it is missing.
"""

from __future__ import annotations

import bisect
import io
import math
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import imageio.v3 as iio
import numpy as np

from . import frames
from .frames import MAX_GIF_FPS, FrameStore, GifTooLarge
from .writers import atomic_path, format_size

__all__ = [
    "GifSettings", "GifsicleMissing", "require_gifsicle", "poster_start",
    "encode_gif", "write_gif", "fit_gif", "fit_note", "LOSSY_STEPS", "SLACK", "EDGE_SLACK", "EDGE_CONTRAST",
    "LONGEST_DELAY",
]

#: How far into a clip the opening fade-in is looked for.
_POSTER_SECONDS = 3.0
#: gifsicle's --lossy in fit_gif's steps: mild first (hardly visible on flat art), strong last.
LOSSY_STEPS = (30, 80)
#: A pixel is drawn again only when its best colour is more than SLACK levels (of 255, in any
#: channel) closer to the frame than the colour it shows; EDGE_SLACK while it moves by a sharp
#: edge (EDGE_CONTRAST levels within 3x3 pixels), where the eye does not see it. Anti-aliasing
#: that shimmers as lines and text are redrawn then costs nothing: a third of a GIF's bytes.
SLACK, EDGE_SLACK, EDGE_CONTRAST = 3, 16, 32


class GifsicleMissing(ValueError):
    """The ``gifsicle`` program (a system package) is not installed."""


def require_gifsicle() -> str:
    """Path of the ``gifsicle`` program.

    Raises
    ------
    GifsicleMissing
        Naming the package to install.
    """
    path = shutil.which("gifsicle")
    if path is None:
        raise GifsicleMissing(
            "GIFs need the gifsicle program: install it with 'sudo apt-get install gifsicle' "
            "(make install does it)"
        )
    return path


@dataclass(frozen=True)
class GifSettings(frames.GifSettings):
    """Frame rate, scale, palette size and gifsicle's ``--lossy`` (0: lossless)."""

    lossy: int = 0

    def describe(self, shape: tuple[int, int]) -> str:
        return super().describe(shape) + (f", lossy {self.lossy}" if self.lossy else "")


# --------------------------------------------------------------------- poster frame


def _coarse(frame: np.ndarray) -> np.ndarray:
    """Every n-th pixel of ``frame``, about 320 across at most: enough to see its colours."""
    step = max(1, frame.shape[1] // 320)
    return frame[::step, ::step]


def _contrast(frame: np.ndarray, background: np.ndarray) -> int:
    """The largest difference of any (coarse) pixel from ``background``."""
    return int(np.abs(_coarse(frame).astype(np.int16) - background).max())


def _most_common(frame: np.ndarray) -> np.ndarray:
    codes, counts = np.unique(frames._pack(_coarse(frame)), return_counts=True)
    return frames._unpack(codes[np.argmax(counts)])


def poster_start(store: FrameStore) -> int:
    """The first frame a GIF of ``store`` shows: past the opening fade-in from the background.

    A clip that opens on one flat colour which stays its most common colour (the
    background) starts at the first frame with at least half the contrast its
    first seconds reach, so previews and the start of each loop show the scene,
    not a blank frame or a faint ghost of it.
    """
    pictures = store.pictures()
    first, count = next(pictures)
    background = first[0, 0].astype(np.int16)
    if _contrast(first, background) > 0:
        return 0
    starts, contrasts, index, last = [], [], count, first
    for picture, count in pictures:
        if index >= _POSTER_SECONDS * store.fps:
            break
        starts.append(index)
        contrasts.append(_contrast(picture, background))
        index += count
        last = picture
    if not contrasts or max(contrasts) == 0 or not np.array_equal(_most_common(last), background):
        return 0  # nothing ever shows, or the flat first frame is a picture of its own
    return next(start for start, c in zip(starts, contrasts) if 2 * c >= max(contrasts))


# --------------------------------------------------------------------- encoding


def _edges(frame: np.ndarray) -> np.ndarray:
    """Where ``frame`` is by a sharp edge: its 3x3 neighbourhood spans :data:`EDGE_CONTRAST` levels or more."""
    brightest = np.maximum(np.maximum(frame[..., 0], frame[..., 1]), frame[..., 2])  # faster than max(axis=-1)
    padded = np.pad(brightest.astype(np.uint8), 1, mode="edge")
    spans = []
    for pick in (np.maximum, np.minimum):  # over 3 rows, then 3 columns
        rows = pick(pick(padded[:-2], padded[1:-1]), padded[2:])
        spans.append(pick(pick(rows[:, :-2], rows[:, 1:-1]), rows[:, 2:]))
    return spans[0] - spans[1] >= EDGE_CONTRAST


def _steady(
    indices: np.ndarray, frame: np.ndarray, previous: np.ndarray, shown: np.ndarray, palette: np.ndarray,
    background: int,
) -> np.ndarray:
    """``indices`` (``frame`` mapped to ``palette``), except where the picture ``shown`` may stay.

    ``frame``, ``previous`` (the frame before) and ``palette`` are int16 RGB. A pixel keeps
    its shown colour while that is within :data:`SLACK` levels of its best colour, within
    :data:`EDGE_SLACK` while it moves by a sharp edge, and never when it rests on the
    ``background`` colour (so a faded-out caption leaves no ghost).
    """
    changed = indices != shown
    if not changed.any():
        return indices
    pixels = frame[changed]
    old, best = shown[changed], indices[changed]
    moving = np.any(pixels != previous[changed], axis=-1)
    slack = np.where(moving & _edges(frame)[changed], EDGE_SLACK, np.where(~moving & (best == background), 0, SLACK))
    shown_error = np.abs(palette[old] - pixels).max(axis=-1)
    best_error = np.abs(palette[best] - pixels).max(axis=-1)
    steady = indices.copy()
    steady[changed] = np.where(shown_error <= best_error + slack, old, best)
    return steady


def encode_gif(store: FrameStore, settings: GifSettings) -> bytes:
    """Encode ``store`` as a GIF that loops forever; return the file's bytes.

    Raises
    ------
    GifsicleMissing
        When the ``gifsicle`` program is not installed.
    """
    if not 2 <= settings.colors <= 256:
        raise ValueError(f"colours must be between 2 and 256, got {settings.colors}")
    gifsicle = require_gifsicle()
    first = poster_start(store)
    colors = frames._palette(store, settings, first)
    nearest = frames._NearestColour(colors)
    levels = colors.astype(np.int16)
    table = np.zeros((2 ** max(1, math.ceil(math.log2(len(colors)))), 3), np.uint8)
    table[: len(colors)] = colors
    # Identical frames (once mapped to the palette and steadied) become one longer delay.
    images: list[np.ndarray] = []
    delays: list[int] = []
    previous = background = None
    for frame, delay in frames._gif_frames(store, settings, first):
        indices, pixels = nearest(frame), frame.astype(np.int16)
        if images:
            indices = _steady(indices, pixels, previous, images[-1], levels, background)
        else:
            background = int(np.bincount(indices.ravel()).argmax())  # the most common colour
        previous = pixels
        if images and np.array_equal(indices, images[-1]):
            delays[-1] += delay
            continue
        images.append(indices)
        delays.append(delay)
    written = io.BytesIO()
    # One frame at a time (a list would be stacked into one more copy of the clip);
    # Pillow saves them all when the file closes, with the options of the last write
    # (one frame's duration as a number, not a list). A picture held past the longest
    # delay waits that long: Pillow would merge it shown again into one frame.
    durations = [10 * min(delay, LONGEST_DELAY) for delay in delays]
    with iio.imopen(written, "w", plugin="pillow", extension=".gif") as gif:
        for image in images[:-1]:
            gif.write(image, mode="P", is_batch=False)
        gif.write(
            images[-1], mode="P", is_batch=False, palette=table.tobytes(), loop=0,
            duration=durations if len(durations) > 1 else durations[0], disposal=1, optimize=False,
        )
    return _gifsicle(gifsicle, written.getvalue(), settings.lossy)


#: The longest delay a GIF frame can have: 16 bits of hundredths of a second (655.35 s).
LONGEST_DELAY = 2**16 - 1


def _gifsicle(program: str, data: bytes, lossy: int) -> bytes:
    """``data`` optimised by gifsicle: -O3, and ``--lossy`` if asked."""
    command = [program, "-O3", "--no-warnings"] + ([f"--lossy={lossy}"] if lossy else [])
    done = subprocess.run(command, input=data, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"gifsicle failed: {reason[0] if reason else done.returncode}")
    return done.stdout


def write_gif(store: FrameStore, target: str | Path, settings: GifSettings) -> int:
    """Write ``store`` as a looping GIF at ``target``, atomically; return its size in bytes."""
    return _write_bytes(encode_gif(store, settings), target)


def _write_bytes(data: bytes, target: str | Path) -> int:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
    return len(data)


# --------------------------------------------------------------------- size budgets


def _ladder(store: FrameStore, settings: GifSettings) -> list[GifSettings]:
    """Ever smaller settings: mild lossy, then lower fps, resolution, colours, then strong lossy."""
    mild = replace(settings, lossy=max(settings.lossy, LOSSY_STEPS[0]))
    steps = [replace(settings, fps=min(settings.fps, store.fps, MAX_GIF_FPS)), *frames._ladder(store, mild)]
    return steps + [replace(steps[-1], lossy=lossy) for lossy in LOSSY_STEPS[1:] if lossy > steps[-1].lossy]


def fit_gif(
    store: FrameStore, target: str | Path, settings: GifSettings, max_bytes: int
) -> tuple[GifSettings, int]:
    """Write the best GIF of at most ``max_bytes``; return the settings used and its size.

    Finds the first step of the ladder (mild lossy, fps, resolution, colours,
    strong lossy) that fits by bisection, since each step makes a smaller file;
    the first step alone when it fits (a budget with room to spare: one encoding).

    Raises
    ------
    GifTooLarge
        When even the smallest setting is too large; nothing is written then.
    """
    steps = _ladder(store, settings)
    encoded: dict[int, bytes] = {}

    def fits(i: int) -> bool:
        if i not in encoded:
            encoded[i] = encode_gif(store, steps[i])
        return len(encoded[i]) <= max_bytes

    if fits(0):
        return steps[0], _write_bytes(encoded[0], target)
    if not fits(len(steps) - 1):
        raise GifTooLarge(
            f"even the smallest GIF ({steps[-1].describe(store.shape)}) is "
            f"{format_size(len(encoded[len(steps) - 1]))}, over the {format_size(max_bytes)} limit"
        )
    best = bisect.bisect_left(range(len(steps)), True, key=fits)
    return steps[best], _write_bytes(encoded[best], target)


def fit_note(store: FrameStore, requested: GifSettings, chosen: GifSettings, max_bytes: int) -> str:
    """What :func:`fit_gif` chose to meet ``max_bytes``; empty when it did not need to shrink anything."""
    if chosen == _ladder(store, requested)[0]:
        return ""
    return f"{chosen.describe(store.shape)} to fit {format_size(max_bytes)}"
