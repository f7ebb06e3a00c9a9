"""Frames of any video file (MP4, WebM, MOV, ...) read with PyAV into a :class:`FrameStore`.

So a clip made elsewhere (plain Manim, a screen recorder) gets netreel's GIF
writer and its size budget: ``netreel gif clip.mp4 --max-size 1MB``.
"""

from __future__ import annotations

import math
from pathlib import Path

import av
import numpy as np

from .frames import FrameStore

__all__ = ["VideoError", "read_video", "MAX_NOMINAL_FPS"]

#: A nominal rate above this is a fine timestamp grid, not a frame rate: use the average then.
MAX_NOMINAL_FPS = 60


class VideoError(ValueError):
    """A file that is not a readable video; the message says why."""


def read_video(path: str | Path, *, size: tuple[int, int] | None = None, fps: float | None = None,
               largest: tuple[int, int] | None = None) -> FrameStore:
    """Decode the first video stream of ``path`` at its own frame rate, or at ``fps`` if that is lower.

    Each frame is held until the next one's timestamp, so a variable-rate video
    (a screen recording) keeps its timing; where several frames fall on one frame of
    the result (a denser stretch, a lower ``fps``), the one nearest its time is kept.
    ``size`` is ``(width, height)`` to scale every frame to (area-averaged when it
    shrinks). A video that says its length is refused before a frame is decoded when
    its frames would not fit a GIF (:meth:`FrameStore.check_room`), and without ``size``
    one whose frames are larger than ``largest`` ``(width, height)``.

    Raises
    ------
    VideoError
        For a file PyAV cannot open, one without a video stream or without frames, or
        frames larger than ``largest``.
    GifTooLong
        For more frames than a GIF may hold.
    """
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, UnicodeDecodeError) as error:
        raise VideoError(f"{str(path)!r} is not a video PyAV can read ({_reason(error)})") from None
    with container:
        if not container.streams.video:
            raise VideoError(f"{str(path)!r} has no video stream")
        stream = container.streams.video[0]
        rate = _frame_rate(stream, path)
        store = FrameStore(min(rate, fps) if fps else rate)
        width, height = size or (stream.codec_context.width, stream.codec_context.height)
        if largest is not None and (width > largest[0] or height > largest[1]):
            raise VideoError(f"{str(path)!r} has frames of {width}x{height}, larger than {largest[0]}x{largest[1]}: "
                             "give a smaller --size")
        seconds = _length(container, stream)
        if seconds and width and height:
            store.check_room(math.ceil(seconds * store.fps), (height, width))
        scaled = size or (None, None)
        held: np.ndarray | None = None
        held_at, held_off, start = 0, 0.0, 0.0
        try:
            for number, frame in enumerate(container.decode(stream)):
                if number == 0:
                    start = frame.time or 0.0
                exact = number * store.fps / rate if frame.time is None else (frame.time - start) * store.fps
                at = round(exact)
                if held is not None and at > held_at:
                    store.add(held, at - held_at)
                    held = None
                slot = at if held is None else held_at  # a frame stamped earlier joins the held one's
                if held is None or abs(exact - slot) < held_off:
                    rgb = frame.to_ndarray(width=scaled[0], height=scaled[1], format="rgb24", interpolation="AREA")
                    held, held_at, held_off = rgb, slot, abs(exact - slot)
        except av.error.FFmpegError as error:
            raise VideoError(f"{str(path)!r} could not be decoded ({_reason(error)})") from None
        if held is None:
            raise VideoError(f"{str(path)!r} holds no video frames")
        store.add(held)
    return store


def _length(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float | None:
    """Seconds the stream (else the container) says it lasts, or None if neither says."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return container.duration / av.time_base if container.duration else None


def _frame_rate(stream: av.video.stream.VideoStream, path: str | Path) -> float:
    """The stream's nominal rate (its timestamps' grid), or its average for a jittery recording."""
    nominal, average = (float(rate or 0) for rate in (stream.guessed_rate, stream.average_rate))
    rate = nominal if 0 < nominal <= MAX_NOMINAL_FPS else average
    if not rate > 0:
        raise VideoError(f"{str(path)!r} does not say its frame rate")
    return rate


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error).splitlines()[0]
