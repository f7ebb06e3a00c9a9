"""The frames of a clip kept for a GIF, and how they are resampled and mapped to one palette.

A rendered clip is kept in a :class:`FrameStore` (only the changed rectangle of
each frame, compressed; identical frames merged), so a long clip costs little
memory and can be re-encoded at a lower frame rate, size or palette when a GIF
must fit a size budget. The GIF file itself is written by :mod:`scenes.output.gif`
(imageio, then gifsicle) from a store, the shared palette and the schedule here.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

__all__ = ["FrameStore", "GifSettings", "GifTooLarge", "GifTooLong", "MAX_GIF_FPS", "MAX_GIF_PIXELS"]


#: GIF delays are whole hundredths of a second and browsers slow down delays
#: under 2/100 s, so GIFs play at most 50 frames per second.
MAX_GIF_FPS = 50
#: Most pixels a clip kept for a GIF may hold, frames x width x height (encoding time and
#: memory follow it): 2,000 megapixels, e.g. 4,878 frames (5 min at 15 fps) of 854x480.
MAX_GIF_PIXELS = 2 * 10**9
_PALETTE_SAMPLES = 24
_SAMPLE_WIDTH = 320


class GifTooLarge(ValueError):
    """Even the smallest GIF setting is larger than the size budget."""


class GifTooLong(ValueError):
    """A clip with more frames x pixels than a GIF may hold (:data:`MAX_GIF_PIXELS`)."""


# --------------------------------------------------------------------- frames


@dataclass
class _Entry:
    box: tuple[int, int, int, int]  # top, left, bottom, right of the changed patch
    data: bytes  # zlib-compressed RGB patch
    count: int  # consecutive source frames showing this picture


class FrameStore:
    """The frames of a clip at ``fps``, stored as compressed changed rectangles.

    Use it as a Manim frame sink: ``store.add(rgba, repeat)``. It holds at most
    ``max_pixels`` (frames x width x height) and refuses more with :class:`GifTooLong`,
    as the frame that crosses the limit arrives.
    """

    def __init__(self, fps: float, max_pixels: int = MAX_GIF_PIXELS) -> None:
        if not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be positive, got {fps!r}")
        self.fps = float(fps)
        self.max_pixels = max_pixels
        self._entries: list[_Entry] = []
        self._last: np.ndarray | None = None

    def __len__(self) -> int:
        return sum(entry.count for entry in self._entries)

    @property
    def duration(self) -> float:
        """Length of the clip in seconds."""
        return len(self) / self.fps

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)`` of the frames."""
        if self._last is None:
            raise ValueError("no frames stored")
        return self._last.shape[:2]

    def add(self, frame: np.ndarray, repeat: int = 1) -> None:
        """Append ``frame`` (``(h, w, 3|4) uint8``) shown for ``repeat`` frames."""
        rgb = np.array(frame[..., :3], dtype=np.uint8)  # a copy: callers reuse buffers
        if self._last is not None and rgb.shape != self._last.shape:
            raise ValueError(f"frame shape {rgb.shape} differs from {self._last.shape}")
        self.check_room(len(self) + repeat, rgb.shape[:2])
        box = (0, 0, *rgb.shape[:2]) if self._last is None else _changed_box(self._last, rgb)
        if box is None:
            self._entries[-1].count += repeat
            return
        top, left, bottom, right = box
        patch = np.ascontiguousarray(rgb[top:bottom, left:right])
        self._entries.append(_Entry(box, zlib.compress(patch.tobytes(), 1), repeat))
        self._last = rgb

    def check_room(self, frames: int, shape: tuple[int, int]) -> None:
        """Refuse (:class:`GifTooLong`) ``frames`` frames of ``shape`` ``(height, width)``: more than it holds."""
        height, width = shape
        if frames * height * width <= self.max_pixels:
            return
        most = self.max_pixels // (height * width)
        raise GifTooLong(
            f"a GIF may hold at most {self.max_pixels / 1e6:,.6g} megapixels of frames (frames x width x "
            f"height): {most:,} frames of {width}x{height}, {most / self.fps:,.1f} s at {_fps_text(self.fps)} fps; "
            f"this clip is longer ({frames:,} frames): lower --fps or --size"
        )

    def extend(self, other: FrameStore) -> None:
        """Append another clip of the same frame size and rate (sections of a story)."""
        if other.fps != self.fps:
            raise ValueError("clips of different frame rates cannot be joined")
        for frame, count in other.pictures():
            self.add(frame, count)

    def pictures(self) -> Iterator[tuple[np.ndarray, int]]:
        """Yield ``(rgb_frame, count)``: each distinct picture and how many frames it lasts.

        Every picture is an array of its own, read-only and never changed afterwards,
        so a caller may keep several (the GIF palette samples frames from the whole clip).
        """
        canvas: np.ndarray | None = None
        for entry in self._entries:
            top, left, bottom, right = entry.box
            patch = np.frombuffer(zlib.decompress(entry.data), np.uint8)
            patch = patch.reshape(bottom - top, right - left, 3)
            canvas = patch.copy() if canvas is None else canvas.copy()
            canvas[top:bottom, left:right] = patch
            canvas.flags.writeable = False
            yield canvas, entry.count


def _changed_box(
    previous: np.ndarray, current: np.ndarray
) -> tuple[int, int, int, int] | None:
    """Bounding box ``(top, left, bottom, right)`` of the pixels that differ, or None."""
    changed = np.any(previous != current, axis=-1)
    rows = np.flatnonzero(changed.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(changed.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


# --------------------------------------------------------------------- GIF


@dataclass(frozen=True)
class GifSettings:
    """How a GIF is encoded: frame rate, scale of the rendered size, palette size."""

    fps: float
    scale: float = 1.0
    colors: int = 128

    def describe(self, shape: tuple[int, int]) -> str:
        height, width = _scaled(shape, self.scale)
        return f"{_fps_text(self.fps)} fps, {width}x{height}, {self.colors} colours"


def _fps_text(fps: float) -> str:
    return f"{fps:g}" if fps == int(fps) else f"{fps:.1f}"


def _scaled(shape: tuple[int, int], scale: float) -> tuple[int, int]:
    return max(1, round(shape[0] * scale)), max(1, round(shape[1] * scale))


def _schedule(n_frames: int, source_fps: float, fps: float) -> tuple[list[int], list[int]]:
    """Which source frame each GIF frame shows, and its delay in 1/100 s.

    Frame ``k`` starts at ``k / fps``; delays are differences of start times
    rounded to 1/100 s, so they add up to the clip's real length.
    """
    slots = max(1, math.ceil(n_frames * fps / source_fps - 1e-9))
    starts = [round(100 * k / fps) for k in range(slots)] + [round(100 * n_frames / source_fps)]
    sources = [min(n_frames - 1, int(k * source_fps / fps + 1e-9)) for k in range(slots)]
    delays = [b - a for a, b in zip(starts, starts[1:])]
    if len(delays) > 1 and delays[-1] < 2:
        # A sliver at the end (the clip is not a whole number of GIF frames):
        # fold it into the previous frame rather than write a delay browsers ignore.
        delays[-2] += delays.pop()
        sources.pop()
    return sources, delays


def _gif_frames(store: FrameStore, settings: GifSettings, first: int = 0) -> Iterator[tuple[np.ndarray, int]]:
    """The clip from frame ``first`` on, resampled to ``settings``: ``(rgb_frame, delay_cs)`` pairs."""
    fps = min(settings.fps, store.fps, MAX_GIF_FPS)
    sources, delays = _schedule(len(store) - first, store.fps, fps)
    size = _scaled(store.shape, settings.scale)[::-1]
    pictures = store.pictures()
    picture, count = next(pictures)
    first_index, resized = 0, None
    for source, delay in zip(sources, delays):
        while first + source >= first_index + count:
            first_index += count
            picture, count = next(pictures)
            resized = None
        if resized is None:
            resized = picture if settings.scale == 1 else np.asarray(
                Image.fromarray(picture).resize(size, Image.Resampling.LANCZOS)
            )
        yield resized, delay


def _palette(store: FrameStore, settings: GifSettings, first: int = 0) -> np.ndarray:
    """A shared palette of at most ``colours - 1`` colours (one index stays transparent)."""
    fps = min(settings.fps, store.fps, MAX_GIF_FPS)
    n_frames = len(_schedule(len(store) - first, store.fps, fps)[0])
    picks = set(np.linspace(0, n_frames - 1, min(_PALETTE_SAMPLES, n_frames)).astype(int).tolist())
    frames = [frame for i, (frame, _) in enumerate(_gif_frames(store, settings, first)) if i in picks]
    # The palette needs the colours, not the detail: sample a reduced copy.
    step = max(1, frames[0].shape[1] // _SAMPLE_WIDTH)
    pixels = np.concatenate([frame[::step, ::step].reshape(-1, 3) for frame in frames])
    codes, counts = np.unique(_pack(pixels), return_counts=True)
    wanted = settings.colors - 1
    if len(codes) <= wanted:
        return _unpack(codes)
    # Flat colours (background, fills, text) get exact entries; median cut
    # shares the rest. It weighs colours by pixel count, which would spend the
    # palette on the background's neighbours and band thin anti-aliased
    # curves, so weigh by the square root of the count instead.
    order = np.argsort(-counts)
    flat = order[: wanted // 4][counts[order[: wanted // 4]] >= 0.002 * len(pixels)]
    rest = np.setdiff1d(np.arange(len(codes)), flat)
    weighted = np.repeat(_unpack(codes[rest]), np.ceil(np.sqrt(counts[rest])).astype(int), axis=0)
    quantized = Image.fromarray(weighted[None]).quantize(
        colors=wanted - len(flat), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    used = int(np.asarray(quantized).max()) + 1
    shared = np.asarray(quantized.getpalette(), np.uint8).reshape(-1, 3)[:used]
    return np.concatenate([_unpack(codes[flat]), shared])


class _NearestColour:
    """Map RGB pixels to their nearest palette index, exactly (Pillow's mapping is approximate).

    Answers are cached for every 24-bit colour met, so each distinct colour is
    searched once per GIF.
    """

    def __init__(self, palette: np.ndarray) -> None:
        self.palette = palette.astype(np.int32)
        self.cache = np.full(2**24, 255, np.uint8)  # 255: not looked up yet (never a colour index)

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        codes = _pack(rgb)
        indices = self.cache[codes]
        missing = indices == 255
        if missing.any():
            new = np.unique(codes[missing])
            distance = ((_unpack(new).astype(np.int32)[:, None, :] - self.palette[None]) ** 2).sum(axis=-1)
            self.cache[new] = np.argmin(distance, axis=1)
            indices = self.cache[codes]
        return indices


def _pack(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.uint32)
    return rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]


def _unpack(codes: np.ndarray) -> np.ndarray:
    return np.stack([codes >> 16, codes >> 8 & 255, codes & 255], axis=-1).astype(np.uint8)


def _ladder(store: FrameStore, settings: GifSettings) -> list[GifSettings]:
    """Ever smaller settings: lower fps first, then resolution, then colours."""
    fps0 = min(settings.fps, store.fps, MAX_GIF_FPS)
    rates = [fps0] + [f for f in (30, 25, 20, 15, 12, 10, 8, 6, 5) if f < fps0]
    height, width = store.shape
    scales = [settings.scale * s for s in (1, 0.75, 0.5, 0.375, 0.25)
              if min(height, width) * settings.scale * s >= 32 or s == 1]
    palettes = [settings.colors] + [c for c in (64, 32, 16, 8) if c < settings.colors]
    steps = [replace(settings, fps=rate) for rate in rates]
    steps += [replace(steps[-1], scale=scale) for scale in scales[1:]]
    steps += [replace(steps[-1], colors=colors) for colors in palettes[1:]]
    return steps
