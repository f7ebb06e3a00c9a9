"""Chunks: a scene cut into ranges of its animations, rendered apart and joined.

Manim renders a range of a scene's animations (``from_animation_number`` /
``upto_animation_number``): it runs the whole ``construct``, skips the plays before
the range and stops after it. netreel's scenes are deterministic, so the clips of
consecutive ranges, joined, are the one-process render frame for frame, and several
processes (or machines) can share one long scene.

:func:`~scenes.output.render.survey` runs a scene once with every animation
skipped and notes each play's frames and what skipping up to it cost (a
:class:`Play`); :func:`split` cuts the plays into ranges of about equal cost and
:func:`plan` decides which scenes of a run are worth cutting and into how many;
:func:`~scenes.output.render.render_scene` renders one range. This module only
plans: it draws nothing.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

__all__ = ["Play", "Chunk", "WHOLE", "split", "plan", "chunk_cost", "frame_seconds"]


@dataclass(frozen=True)
class Play:
    """One ``play`` or ``wait`` of a scene, as :func:`~scenes.output.render.survey` saw it.

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


def frame_seconds(width: int, height: int) -> float:
    """Estimated CPU seconds to draw and encode one frame of ``width`` x ``height`` pixels.

    Measured on netreel's scenes (a render's CPU time less its survey's, per
    frame): a fixed part for the scene's per-frame Python work and a part that
    grows with the pixels. CPU, not wall time: with every worker busy, a
    worker's encoding thread costs as much as its drawing.
    """
    return _FRAME_FIXED + _FRAME_PER_MEGAPIXEL * width * height / 1e6


# uat, neuron, superposition, backprop, boundary: 8-11 ms a frame at 854x480, 20-24 ms at 1920x1080.
_FRAME_FIXED = 0.007
_FRAME_PER_MEGAPIXEL = 0.0075


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
    if workers <= 1 or not surveys:
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
