"""Render a scene in-process (one Python process, no ``manim`` subprocess).

:func:`render_frames` returns the frames a scene draws as numpy arrays, which is
what tests need. :func:`render_scene` writes a video into a working folder, hands
every frame to a sink (the GIF writer's :class:`~scenes.output.frames.FrameStore`,
a progress counter) and/or renders only the last frame; given a
:class:`~scenes.output.chunks.Chunk` it renders only that range of the scene's
animations. :func:`survey` runs a scene without drawing to learn its plays, and
:func:`still_at` picks the frame at a moment. Caching is always off: Manim's cache
hashes mobjects, not the Trace behind an updater, so it could replay a stale video.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from manim import Scene, config, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

from ..base import NetreelScene, SceneOptions
from ..text import Cue, scene_cues
from ..theme import Theme, get_theme
from .chunks import WHOLE, Chunk, Play
from .encoder import StillOnceEncoder

__all__ = [
    "FrameSink", "QUEUED_FRAME_BYTES", "ENCODER_THREAD_BYTES", "manim_settings", "seed_randomness",
    "render_frames", "Rendered", "render_scene", "survey", "still_at", "PastTheEnd", "NothingToShow", "scene_to_pixel",
]

FrameSink = Callable[[np.ndarray, int], None]


def manim_settings(width: int, height: int, fps: float, media_dir: str | Path) -> dict[str, Any]:
    """The Manim config netreel renders with, for a frame of ``width`` x ``height`` pixels.

    Each play's clip is encoded on a thread of its own; Manim waits for it before the
    next play starts unless more may be in flight. Two let the next play draw while the
    last one's frames are encoded (backprop, 62 plays: 2.8x -> 2.2x an empty scene's
    time at 480p15); the frames waiting for their encoders are held within
    :data:`QUEUED_FRAME_BYTES`.

    x264 encodes successive frames on threads of their own (uat at 1080p60: 15% faster
    than PyAV's default, which splits each frame among the threads and waits for it;
    a still scene 26%), no more of them than hold :data:`ENCODER_THREAD_BYTES` of frames.
    """
    frame = 4 * int(width) * int(height)
    # x264's own choice is 1.5 threads a core this process may use
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    threads = max(1, min(3 * cores // 2, ENCODER_THREAD_BYTES * 2 // (3 * int(width) * int(height))))
    inflight = _INFLIGHT_ENCODERS if _INFLIGHT_ENCODERS * frame <= QUEUED_FRAME_BYTES else 1
    queued = max(1, min(_ENCODER_QUEUE, QUEUED_FRAME_BYTES // (inflight * frame)))
    return {
        "pixel_width": int(width),
        "pixel_height": int(height),
        "frame_width": config.frame_height * width / height,
        "frame_rate": fps,
        "media_dir": str(media_dir),
        "disable_caching": True,
        "notify_outdated_version": False,
        "progress_bar": "none",
        "verbosity": "ERROR",
        "video_encoder_options": {"preset": "veryfast", "thread_type": "frame", "threads": str(threads)},
        "max_inflight_encoders": inflight,
        "encoder_queue_size": queued,
    }


#: Bytes of RGBA frames a render may hold waiting for their encoders (1080p: 16 frames; 8K: 1).
QUEUED_FRAME_BYTES = 256 * 2**20
_INFLIGHT_ENCODERS = 2
#: Bytes of YUV frames an encoder's threads may hold, a frame each (8K: 10 threads).
ENCODER_THREAD_BYTES = 512 * 2**20
_ENCODER_QUEUE = 8  # Manim's own default, per encoder


def seed_randomness(seed: int) -> None:
    """Seed Python's and numpy's global generators, as every render of a job does first."""
    random.seed(seed)
    np.random.seed(seed)


class NothingToShow(ValueError):
    """A scene without a single play or wait, asked for a video or frames."""


class _Writer(SceneFileWriter):
    """Manim's file writer, each clip encoded by a :class:`StillOnceEncoder`."""

    def _create_segment_encoder(self, target: Path) -> StillOnceEncoder:
        return StillOnceEncoder(target=target, spec=self.video_encoder)


class _SinkWriter(_Writer):
    """A file writer that also passes every frame to ``sink(frame, repeat)``."""

    sink: FrameSink

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        type(self).sink(pixels, repeat)
        super().write_frame(pixels, repeat=repeat)


def _writer(sink: FrameSink | None) -> type[SceneFileWriter]:
    if sink is None:
        return _Writer
    return type("SinkWriter", (_SinkWriter,), {"sink": staticmethod(sink)})


class _ChunkRenderer(CairoRenderer):
    """A Cairo renderer for ranges of animations: skipping draws nothing and keeps the clock.

    Manim's draws the still part of each skipped play and one frame of it, which
    the video never shows (a chunk late in a long scene would pay for them all),
    and its clock moves by a skipped play's duration but by whole frames for a
    drawn one; here both move by whole frames, so everything timed by the clock
    (captions) is the same whichever plays a chunk skips. Nothing is skipped in
    a whole render, which is then Manim's own.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._frozen = False

    def play(self, scene: Any, *args: Any, **kwargs: Any) -> None:
        self._frozen = False
        super().play(scene, *args, **kwargs)
        if self.skip_animations:
            self.time += _frames(scene.duration, self._frozen) / config.frame_rate - scene.duration

    def freeze_current_frame(self, duration: float) -> None:
        self._frozen = True
        super().freeze_current_frame(duration)

    def update_frame(self, scene: Any, mobjects: Any = None, include_submobjects: bool = True,
                     ignore_skipping: bool = True, **kwargs: Any) -> None:
        if self.skip_animations:
            return
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    def scene_finished(self, scene: Any) -> None:
        self.skip_animations = False  # a still (or a scene without plays) draws its last picture now
        super().scene_finished(scene)


class _SurveyRenderer(_ChunkRenderer):
    """Skips every animation and notes, per play, its frames and the time spent on it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(skip_animations=True, **kwargs)
        self.plays: list[Play] = []
        self._clock = time.perf_counter()

    def play(self, scene: Any, *args: Any, **kwargs: Any) -> None:
        super().play(scene, *args, **kwargs)
        now = time.perf_counter()
        self.plays.append(Play(_frames(scene.duration, self._frozen), now - self._clock))
        self._clock = now


def _frames(duration: float, frozen: bool) -> int:
    """Frames Manim draws for a play of ``duration`` s (its own two formulas)."""
    step = 1 / config.frame_rate
    if frozen:  # CairoRenderer.freeze_current_frame
        return int(duration / step)
    return len(np.arange(0, duration, step))  # Scene.get_time_progression


def _make_scene(scene_class: type[Scene], options: SceneOptions | None, theme: str | Theme,
                renderer: Callable[[], CairoRenderer]) -> Scene:
    """A NetreelScene with its options and theme; any other Manim Scene on the theme's background.

    ``renderer`` makes the renderer (after the background is set: its camera reads
    it). Call this inside ``tempconfig``, which takes the background back afterwards.
    """
    if issubclass(scene_class, NetreelScene):
        return scene_class(options, theme, renderer=renderer())
    config.background_color = get_theme(theme).background
    return scene_class(renderer=renderer())


def render_frames(
    scene_class: type[Scene],
    options: SceneOptions | None = None,
    theme: str | Theme = "dark",
    *,
    width: int = 160,
    height: int = 90,
    fps: float = 5,
    scene_out: list[Scene] | None = None,
) -> np.ndarray:
    """Render a scene (a NetreelScene, or any Manim Scene on the theme's background) and return its frames.

    ``scene_out``, if given, receives the rendered scene (for tests that look at its mobjects).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_frames, height, width, 4)``, ``uint8`` RGBA.
    """
    collected: list[np.ndarray] = []

    def keep(frame: np.ndarray, repeat: int) -> None:
        collected.extend([np.array(frame, copy=True)] * repeat)

    with tempfile.TemporaryDirectory(prefix="netreel-") as media_dir:
        settings = manim_settings(width, height, fps, media_dir)
        settings["format"] = "none"
        with tempconfig(settings):
            scene = _make_scene(scene_class, options, theme, lambda: CairoRenderer(file_writer_class=_writer(keep)))
            scene.render()
            if scene_out is not None:
                scene_out.append(scene)
    return np.stack(collected)


@dataclass
class Rendered:
    """What :func:`render_scene` made: the clip (inside ``media_dir``), the last frame and the caption cues.

    The cues are every caption up to the end of the rendered range, on the whole scene's clock.
    """

    movie: Path | None
    last_frame: np.ndarray
    cues: list[Cue] = field(default_factory=list)


def render_scene(
    scene_class: type[Scene],
    options: SceneOptions | None = None,
    theme: str | Theme = "dark",
    chunk: Chunk = WHOLE,
    *,
    width: int,
    height: int,
    fps: float,
    media_dir: str | Path,
    video: str | None = None,
    sink: FrameSink | None = None,
    still: bool = False,
) -> Rendered:
    """Render a scene, or the range ``chunk`` of its animations, in-process.

    Parameters
    ----------
    chunk : the animations to render (others are skipped without drawing); the whole scene by default.
    video : ``"mp4"`` or ``"webm"`` to encode a clip into ``media_dir``; None for none.
    sink : called with each RGBA frame and how many times it repeats.
    still : render only the last picture (every animation skipped; fast).
    """
    settings = manim_settings(width, height, fps, media_dir)
    settings["format"] = "png" if still else (video or "none")
    settings.update(chunk.settings())
    with tempconfig(settings):
        scene = _make_scene(scene_class, options, theme, lambda: _ChunkRenderer(file_writer_class=_writer(sink)))
        try:
            scene.render()
        except RuntimeError as error:
            if still or scene.renderer.num_plays or "has no play calls" not in str(error):
                raise  # not Manim's refusal of a video of nothing: the scene's own error
        if not still and not scene.renderer.num_plays and (video or sink):
            raise NothingToShow(f"{scene_class.__name__} plays nothing and waits for nothing, so it has no frames "
                                "for a video or a GIF: add a self.play(...) or self.wait(), or render a still (-f png)")
        movie = scene.renderer.file_writer.movie_file_path if video and not still else None
        return Rendered(movie, np.array(scene.renderer.get_frame(), copy=True), scene_cues(scene))


def survey(
    scene_class: type[Scene],
    options: SceneOptions | None = None,
    theme: str | Theme = "dark",
    *,
    width: int,
    height: int,
    fps: float,
    seed: int = 0,
) -> list[Play]:
    """Run a scene with every animation skipped: its plays, their frames and skipping costs.

    Costs what the scene's ``construct`` costs without drawing (building text,
    training a network): a fraction of a render.
    """
    with tempfile.TemporaryDirectory(prefix="netreel-survey-") as media_dir:
        settings = manim_settings(width, height, fps, media_dir)
        settings["format"] = "none"
        with tempconfig(settings):
            seed_randomness(seed)
            scene = _make_scene(scene_class, options, theme, _SurveyRenderer)
            scene.render()
    return scene.renderer.plays


class PastTheEnd(ValueError):
    """A still asked for at a moment after the scene's end; the message gives its length."""


class _Enough(Exception):
    """Raised by :class:`_StillAt` to stop a render once it has its frame."""


class _StillAt:
    """A frame sink that keeps the frame on screen at ``seconds`` and stops the render there."""

    def __init__(self, seconds: float, fps: float) -> None:
        self.index = int(seconds * fps + 1e-9)  # frame k shows the moment k / fps
        self.seen = 0
        self.frame: np.ndarray | None = None

    def __call__(self, frame: np.ndarray, repeat: int) -> None:
        if self.seen + repeat > self.index:
            self.frame = np.array(frame, copy=True)
            raise _Enough
        self.seen += repeat


def still_at(
    scene_class: type[Scene],
    options: SceneOptions | None,
    theme: str | Theme,
    seconds: float,
    *,
    width: int,
    height: int,
    fps: float,
    media_dir: str | Path,
) -> Rendered:
    """The picture of a scene at ``seconds``; at exactly its end, its last picture.

    (The last video frame shows the final animation just before it ends; the last
    picture, the default still, shows it ended.) The cues are those until that moment.

    Raises
    ------
    PastTheEnd
        ``seconds`` is after the scene's end.
    """
    still = _StillAt(seconds, fps)
    size = dict(width=width, height=height, fps=fps, media_dir=media_dir)
    try:
        render_scene(scene_class, options, theme, sink=still, **size)
    except _Enough:
        return Rendered(None, still.frame, [])
    length = still.seen / fps
    if seconds > length + 1e-9:
        raise PastTheEnd(f"--at {seconds:g} is past the end of the scene, which is {length:g} s long")
    return render_scene(scene_class, options, theme, still=True, **size)


def scene_to_pixel(point: Sequence[float], width: int, height: int) -> tuple[float, float]:
    """``(column, row)`` of a scene point in a ``width`` x ``height`` frame rendered by netreel.

    The frame is ``config.frame_height`` units tall and as wide as the pixel aspect
    (see :func:`manim_settings`); row 0 is the top.
    """
    frame_height = config.frame_height
    frame_width = frame_height * width / height
    column = (point[0] + frame_width / 2) / frame_width * width
    row = (frame_height / 2 - point[1]) / frame_height * height
    return column, row
