"""Frames of any video file (MP4, WebM, MOV, ...) read with PyAV into a :class:`FrameStore`.

So a clip made elsewhere (plain Manim, a screen recorder) gets netreel's GIF
writer and its size budget: ``netreel gif clip.mp4 --max-size 1MB``.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from .frames import FrameStore

__all__ = ["VideoError", "read_video", "MAX_NOMINAL_FPS"]

#: A nominal rate above this is a fine timestamp grid, not a frame rate: use the average then.
MAX_NOMINAL_FPS = 60


class VideoError(ValueError):
    """A file that is not a readable video; the message says why."""


def read_video(path: str | Path, *, size: tuple[int, int] | None = None) -> FrameStore:
    """Decode the first video stream of ``path`` at its own frame rate.

    Each frame is held until the next one's timestamp, so a variable-rate video
    (a screen recording) keeps its timing. ``size`` is ``(width, height)`` to scale
    every frame to (area-averaged when it shrinks).

    Raises
    ------
    VideoError
        For a file PyAV cannot open, one without a video stream or without frames.
    """
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as error:
        raise VideoError(f"{str(path)!r} is not a video PyAV can read ({_reason(error)})") from None
    with container:
        if not container.streams.video:
            raise VideoError(f"{str(path)!r} has no video stream")
        stream = container.streams.video[0]
        store = FrameStore(_frame_rate(stream, path))
        width, height = size or (None, None)
        held: np.ndarray | None = None
        held_at = start = 0
        try:
            for number, frame in enumerate(container.decode(stream)):
                if held is None:
                    start = frame.time or 0.0
                at = number if frame.time is None else round((frame.time - start) * store.fps)
                if held is not None and at > held_at:
                    store.add(held, at - held_at)
                rgb = frame.to_ndarray(width=width, height=height, format="rgb24", interpolation="AREA")
                # Two frames in one slot (a denser stretch): the later one wins.
                held, held_at = rgb, max(at, held_at)
        except av.error.FFmpegError as error:
            raise VideoError(f"{str(path)!r} could not be decoded ({_reason(error)})") from None
        if held is None:
            raise VideoError(f"{str(path)!r} holds no video frames")
        store.add(held)
    return store


def _frame_rate(stream: av.video.stream.VideoStream, path: str | Path) -> float:
    """The stream's nominal rate (its timestamps' grid), or its average for a jittery recording."""
    nominal, average = (float(rate or 0) for rate in (stream.guessed_rate, stream.average_rate))
    rate = nominal if 0 < nominal <= MAX_NOMINAL_FPS else average
    if not rate > 0:
        raise VideoError(f"{str(path)!r} does not say its frame rate")
    return rate


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error).splitlines()[0]
