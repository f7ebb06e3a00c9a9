"""How the uat scene's render time scales: with training steps (it should not) and with video.

Prints, asserts nothing::

    PYTHONPATH=. .venv/bin/python bench/bench_render.py

1. Render seconds of the same-length uat video from a 500-step and a 100,000-step
   training run (trained beforehand, timed apart, replayed with ``trace=``), as a ratio.
2. Seconds of rendering per second of video at 480p15 and 1080p60, against an empty
   scene of the same length rendered here too (the encoding floor), as ratios.

Videos are real MP4s written with netreel's settings (``scenes.render.render_scene``).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import netcore
from scenes.base import NetreelScene, SceneOptions, option
from scenes.output.render import render_scene
from scenes.story.universal_approximation import (
    INTRO_SECONDS,
    OUTRO_SECONDS,
    UniversalApproximation,
    UniversalApproximationOptions,
    trace_frames,
)

DURATION = 8.0
#: Renders of each case; the fastest counts (other processes share this machine).
REPEATS = 3
LENGTH = INTRO_SECONDS + DURATION + OUTRO_SECONDS
QUALITIES = {"480p15": (854, 480, 15), "1080p60": (1920, 1080, 60)}


@dataclass
class EmptyOptions(SceneOptions):
    seconds: float = option(1.0, "length of the video", low=0.1)


class Empty(NetreelScene):
    """Nothing but the background for ``seconds``: what encoding alone costs."""

    Options = EmptyOptions
    name = "empty"

    def construct(self) -> None:
        self.wait(self.options.seconds)


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def train(steps: int, fps: float, folder: Path) -> tuple[float, str]:
    """Train the default fit with ``steps`` steps; return seconds taken and the saved trace."""
    path = folder / f"trace-{steps}-{fps:g}.npz"
    options = UniversalApproximationOptions()
    seconds, trace = timed(lambda: netcore.fit_function(
        options.target, neurons=options.neurons, steps=steps, lr=options.lr,
        frames=trace_frames(DURATION, fps),
    ))
    trace.save(path)
    return seconds, str(path)


def render(scene, options, quality: str, folder: Path) -> float:
    """Seconds to render ``scene`` to an MP4 at ``quality``."""
    width, height, fps = QUALITIES[quality]
    media = tempfile.mkdtemp(dir=folder)
    seconds, rendered = timed(lambda: render_scene(
        scene, options, width=width, height=height, fps=fps, media_dir=media, video="mp4",
    ))
    if rendered.movie is None or not rendered.movie.exists():
        raise RuntimeError(f"{scene.__name__} wrote no video")
    return seconds


def fastest(cases: dict[str, tuple], quality: str, folder: Path) -> dict[str, float]:
    """Best of :data:`REPEATS` render times per case ``name: (scene, options)``, interleaved."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(REPEATS):
        for name, (scene, options) in cases.items():
            times[name].append(render(scene, options, quality, folder))
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="netreel-bench-") as folder:
        folder = Path(folder)
        print(f"uat, {DURATION:g} s of training replay ({LENGTH:g} s of video)\n")

        print(f"1. render time vs training steps (480p15, best of {REPEATS})")
        cases, trained = {}, {}
        for steps in (500, 100_000):
            trained[steps], path = train(steps, 15, folder)
            cases[steps] = (UniversalApproximation, UniversalApproximationOptions(trace=path, duration=DURATION))
        renders = fastest(cases, "480p15", folder)
        for steps in cases:
            print(f"   {steps:>7,} steps: training {trained[steps]:6.2f} s   render {renders[steps]:6.2f} s")
        print(f"   render ratio 100,000 / 500 steps: {renders[100_000] / renders[500]:.2f}\n")

        print(f"2. render seconds per second of video, vs an empty scene of the same length (best of {REPEATS})")
        for quality, (_, _, fps) in QUALITIES.items():
            _, path = train(500, fps, folder)
            best = fastest({
                "uat": (UniversalApproximation, UniversalApproximationOptions(trace=path, duration=DURATION)),
                "empty": (Empty, EmptyOptions(seconds=LENGTH)),
            }, quality, folder)
            print(f"   {quality:>8}: uat {best['uat'] / LENGTH:5.2f} s/s   empty {best['empty'] / LENGTH:5.2f} s/s   "
                  f"ratio {best['uat'] / best['empty']:4.2f}")


if __name__ == "__main__":
    main()
