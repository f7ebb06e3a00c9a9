"""Chunks: a scene cut into ranges of its animations, rendered apart and joined.

Manim renders a range of a scene's animations (``from_animation_number`` /
``upto_animation_number``): it runs the whole ``construct``, skips the plays before
the range and stops after it. netreel's scenes are deterministic, so the clips of
consecutive ranges, joined, are the one-process render frame for frame, and several
processes (or machines) can share one long scene.

:func:`survey` runs a scene once with every animation skipped and notes each play's
frames and what skipping up to it cost; :func:`split` cuts the plays into ranges of
about equal cost, :func:`plan` decides which scenes of a run are worth cutting and
into how many; :func:`render_chunk` renders one range.
"""

from __future__ import annotations

import heapq
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
from manim import config, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

from ..base import NetreelScene, SceneOptions
from ..text import Cue, scene_cues
from ..theme import Theme
from .render import FrameSink, _SinkWriter, manim_settings, seed_randomness

__all__ = [
    "Play", "Chunk", "WHOLE", "ChunkRender", "survey", "split", "plan", "chunk_cost", "frame_seconds",
    "render_chunk",
]


@dataclass(frozen=True)
class Play:
    """One ``play`` or ``wait`` of a scene, as :func:`survey` saw it.

    ``frames`` it draws; ``seconds`` the survey spent from the previous play to the
    end of this one skipped (the scene's own code between them included): what a
    chunk that starts later pays to get past it.
    """

    frames: int
    seconds: float


@dataclass(frozen=True)
class Chunk:
    """Animations ``first`` to ``last`` (inclusive) of a scene; ``last`` None runs to the end."""

    first: int
    last: int | None

    def settings(self) -> dict[str, int]:
        """The Manim config that renders this range."""
        return {"from_animation_number": self.first,
                "upto_animation_number": -1 if self.last is None else self.last}


#: The whole scene as one chunk.
WHOLE = Chunk(0, None)


class _ChunkRenderer(CairoRenderer):
    """A Cairo renderer for ranges of animations: skipping draws nothing and keeps the clock.

    Manim's draws the still part of each skipped play and one frame of it, which
    the video never shows (a chunk late in a long scene would pay for them all),
    and its clock moves by a skipped play's duration but by whole frames for a
    drawn one; here both move by whole frames, so everything timed by the clock
    (captions) is the same whichever plays a chunk skips.
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


def survey(
    scene_class: type[NetreelScene],
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
            renderer = _SurveyRenderer()
            scene_class(options, theme, renderer=renderer).render()
    return renderer.plays


def frame_seconds(width: int, height: int) -> float:
    """Estimated seconds to draw and encode one frame of ``width`` x ``height`` pixels.

    Measured on netreel's scenes (bench/bench_chunks.py): a fixed part for the
    scene's per-frame Python work and a part that grows with the pixels.
    """
    return _FRAME_FIXED + _FRAME_PER_MEGAPIXEL * width * height / 1e6


_FRAME_FIXED = 0.012
_FRAME_PER_MEGAPIXEL = 0.035


def split(plays: Sequence[Play], parts: int, frame_seconds: float) -> list[Chunk]:
    """Cut ``plays`` into at most ``parts`` consecutive chunks whose largest cost is least.

    Every play is in exactly one chunk and every chunk draws a frame; the last
    chunk runs to the scene's end. ``frame_seconds`` is the estimated cost of
    drawing and encoding one frame.
    """
    n = len(plays)
    parts = max(1, min(parts, n))
    if sum(play.frames for play in plays) == 0:
        return [WHOLE]
    skip = [0.0, *accumulate(play.seconds for play in plays)]
    frames = [0, *accumulate(play.frames for play in plays)]

    def cost(first: int, end: int) -> float:  # plays first..end-1
        if frames[end] == frames[first]:
            return float("inf")  # a chunk without frames would make no clip
        return skip[end] + frame_seconds * (frames[end] - frames[first])

    # best[k][end]: least largest cost of plays 0..end-1 in k chunks; cut[k][end]: its last chunk's start.
    best = [[0.0] + [float("inf")] * n]
    cut: list[list[int]] = [[0] * (n + 1)]
    for k in range(1, parts + 1):
        row, starts = [float("inf")] * (n + 1), [0] * (n + 1)
        for end in range(k, n + 1):
            for first in range(k - 1, end):
                value = max(best[k - 1][first], cost(first, end))
                if value < row[end]:
                    row[end], starts[end] = value, first
        best.append(row)
        cut.append(starts)
    k = min(range(1, parts + 1), key=lambda k: (round(best[k][n], 9), k))
    bounds, end = [], n
    for level in range(k, 0, -1):
        first = cut[level][end]
        bounds.append((first, end - 1))
        end = first
    chunks = [Chunk(first, last) for first, last in reversed(bounds)]
    chunks[-1] = Chunk(chunks[-1].first, None)
    return chunks


def plan(surveys: Sequence[Sequence[Play]], workers: int, frame_seconds: Sequence[float]) -> list[list[Chunk]]:
    """Chunks of each surveyed scene for ``workers`` that take the costliest piece first.

    Starts from whole scenes and cuts the scene holding the costliest piece into
    one more chunk while that shortens the estimated run (the costliest-first
    schedule of every piece); a cut makes the later piece run through the plays
    before it, so cutting stops once that costs more than it evens out.
    ``frame_seconds[i]`` is the estimated cost of one frame of scene ``i``.
    """
    parts = [1] * len(surveys)
    chunks: list[list[Chunk]] = [[WHOLE] for _ in surveys]
    costs = [[chunk_cost(plays, WHOLE, f)] for plays, f in zip(surveys, frame_seconds)]
    if workers <= 1:
        return chunks
    span = _makespan(costs, workers)
    while True:
        job = max(range(len(surveys)), key=lambda i: max(costs[i], default=0.0))
        if parts[job] >= len(surveys[job]):
            return chunks
        parts[job] += 1
        cut = split(surveys[job], parts[job], frame_seconds[job])
        cut_costs = [chunk_cost(surveys[job], chunk, frame_seconds[job]) for chunk in cut]
        shorter = _makespan([*costs[:job], cut_costs, *costs[job + 1:]], workers)
        if shorter > span * (1 - _WORTH_CUTTING):
            return chunks
        chunks[job], costs[job], span = cut, cut_costs, shorter


#: A cut must shorten the estimated run by this fraction to be made.
_WORTH_CUTTING = 0.02


def _makespan(costs: Sequence[Sequence[float]], workers: int) -> float:
    """How long ``workers`` take over pieces of ``costs``, each taking the costliest left when free."""
    loads = [0.0] * workers
    for cost in sorted((cost for job in costs for cost in job), reverse=True):
        heapq.heapreplace(loads, loads[0] + cost)
    return max(loads)


def chunk_cost(plays: Sequence[Play], chunk: Chunk, frame_seconds: float) -> float:
    """Estimated seconds to render ``chunk``: run through every play up to its last, draw its own."""
    end = len(plays) if chunk.last is None else chunk.last + 1
    return sum(play.seconds for play in plays[:end]) + frame_seconds * sum(
        play.frames for play in plays[chunk.first:end])


@dataclass
class ChunkRender:
    """What :func:`render_chunk` made: the clip (inside ``media_dir``), its last frame and the captions so far."""

    movie: Path | None
    last_frame: np.ndarray
    cues: list[Cue]


def render_chunk(
    scene_class: type[NetreelScene],
    options: SceneOptions | None = None,
    theme: str | Theme = "dark",
    chunk: Chunk = WHOLE,
    *,
    width: int,
    height: int,
    fps: float,
    media_dir: str | Path,
    seed: int = 0,
    video: str | None = None,
    sink: FrameSink | None = None,
) -> ChunkRender:
    """Render the animations of ``chunk`` in this process.

    Parameters
    ----------
    video : ``"mp4"`` or ``"webm"`` to encode the chunk's clip into ``media_dir``; None for none.
    sink : called with each RGBA frame of the chunk and how many times it repeats.
    """
    settings = manim_settings(width, height, fps, media_dir)
    settings["format"] = video or "none"
    settings.update(chunk.settings())
    writer = SceneFileWriter if sink is None else type("SinkWriter", (_SinkWriter,), {"sink": staticmethod(sink)})
    with tempconfig(settings):
        seed_randomness(seed)
        scene = scene_class(options, theme, renderer=_ChunkRenderer(file_writer_class=writer))
        scene.render()
        movie = scene.renderer.file_writer.movie_file_path if video else None
        return ChunkRender(movie, np.array(scene.renderer.get_frame(), copy=True), scene_cues(scene))
