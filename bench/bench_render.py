"""How far the uat and backprop scenes render from the encoding floor, and how uat scales with steps.

Prints, asserts nothing::

    PYTHONPATH=. .venv/bin/python bench/bench_render.py            # best of 3, with the steps check
    PYTHONPATH=. .venv/bin/python bench/bench_render.py --quick    # one timed render of each, no steps check
    PYTHONPATH=. .venv/bin/python bench/bench_render.py --quick --quality 480p15

1. Render time of uat against an empty scene of the same length (the encoding floor:
   every frame drawn and encoded, see ``Empty``), and of backprop against its own
   empty scene, at 480p15 and 1080p60, and against a held empty frame ("still"): the ratio of
   the best times of renders interleaved in this process (other processes share the
   machine, so only ratios within one run mean anything). Each scene renders once,
   untimed, before the timed rounds; the run's first render of each is also shown
   against the floor ("first"): it builds every text, which later renders in the
   process copy, as the sections of an explainer and the chunks of a scene do.
2. Render seconds of the same-length uat video from a 500-step and a 100,000-step
   training run (trained beforehand, timed apart, replayed with ``trace=``), as a ratio.

Videos are real MP4s written with netreel's settings (``scenes.output.render.render_scene``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import netcore
from scenes.base import NetreelScene, SceneOptions, option
from scenes.output.render import render_scene
from scenes.story.backprop.scene import Backpropagation, BackpropOptions
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
    still: bool = option(False, "hold one frame (Manim's frozen wait) instead of drawing every frame")


class Empty(NetreelScene):
    """Nothing but the background for ``seconds``: what encoding alone costs.

    Every frame is drawn (the background, nothing on it) and encoded, as a scene's
    moving frames are: the encoding floor. With ``still``, one frame is drawn and held;
    netreel's encoder then converts it once for the whole video (scenes.output.encoder),
    so that floor is the price of a held picture, not of a video's worth of frames.
    """

    Options = EmptyOptions
    name = "empty"

    def construct(self) -> None:
        self.wait(self.options.seconds, frozen_frame=self.options.still)


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


def render(scene, options, quality: str, folder: Path) -> tuple[float, int]:
    """Seconds to render ``scene`` to an MP4 at ``quality``, and the frames it wrote."""
    width, height, fps = QUALITIES[quality]
    media = tempfile.mkdtemp(dir=folder)
    frames = 0

    def count(_, repeat: int) -> None:
        nonlocal frames
        frames += repeat

    seconds, rendered = timed(lambda: render_scene(
        scene, options, width=width, height=height, fps=fps, media_dir=media, video="mp4", sink=count,
    ))
    if rendered.movie is None or not rendered.movie.exists():
        raise RuntimeError(f"{scene.__name__} wrote no video")
    return seconds, frames


def fastest(cases: dict[str, tuple], quality: str, folder: Path, repeats: int) -> dict[str, list[float]]:
    """Render times per case ``name: (scene, options)``, interleaved, ``repeats`` rounds."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, (scene, options) in cases.items():
            times[name].append(render(scene, options, quality, folder)[0])
    return times


def floor_ratios(folder: Path, repeats: int, qualities: list[str]) -> None:
    """Part 1: uat and backprop against empty scenes of their lengths, per quality."""
    print(f"1. render time / an empty scene's of the same length (best of {repeats}; "
          "'first': the run's first render, which builds every text)")
    first = True
    for quality in qualities:
        fps = QUALITIES[quality][2]
        _, path = train(500, fps, folder)
        uat = (UniversalApproximation, UniversalApproximationOptions(trace=path, duration=DURATION))
        backprop = (Backpropagation, BackpropOptions())
        # One untimed render of each first; it tells backprop's length (whatever its beats add up to).
        warm_up = {name: render(*case, quality, folder) for name, case in (("uat", uat), ("backprop", backprop))}
        cold = {name: seconds for name, (seconds, _) in warm_up.items()} if first else {}
        first = False
        lengths = {"uat": LENGTH, "backprop": warm_up["backprop"][1] / fps}
        times = fastest({
            "uat": uat, "uat-empty": (Empty, EmptyOptions(seconds=lengths["uat"])),
            "uat-still": (Empty, EmptyOptions(seconds=lengths["uat"], still=True)),
            "backprop": backprop, "backprop-empty": (Empty, EmptyOptions(seconds=lengths["backprop"])),
        }, quality, folder, repeats)
        for name in ("uat", "backprop"):
            best, floor = min(times[name]), min(times[f"{name}-empty"])
            note = f"   first {cold[name] / floor:5.2f}x" if name in cold else ""
            if f"{name}-still" in times:
                note += f"   still {min(times[f'{name}-still']) / lengths[name]:5.3f} s/s ({best / min(times[f'{name}-still']):4.2f}x)"
            print(f"   {quality:>8} {name:>8} ({lengths[name]:5.1f} s of video): {best / lengths[name]:5.3f} s/s, "
                  f"empty {floor / lengths[name]:5.3f} s/s   ratio {best / floor:5.2f}x{note}")
    print()


def steps_ratio(folder: Path, repeats: int) -> None:
    """Part 2: the same-length uat video from 500 and 100,000 training steps."""
    print(f"2. uat render time vs training steps (480p15, best of {repeats})")
    cases, trained = {}, {}
    for steps in (500, 100_000):
        trained[steps], path = train(steps, 15, folder)
        cases[steps] = (UniversalApproximation, UniversalApproximationOptions(trace=path, duration=DURATION))
    renders = {steps: min(times) for steps, times in fastest(cases, "480p15", folder, repeats).items()}
    for steps in cases:
        print(f"   {steps:>7,} steps: training {trained[steps]:6.2f} s   render {renders[steps]:6.2f} s")
    print(f"   render ratio 100,000 / 500 steps: {renders[100_000] / renders[500]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="renders of each case; the fastest counts")
    parser.add_argument("--quick", action="store_true", help="one render of each case, no steps check")
    parser.add_argument("--quality", action="append", choices=list(QUALITIES),
                        help="only this quality (repeat for more); default: all")
    args = parser.parse_args()
    repeats = 1 if args.quick else max(1, args.repeats)
    with tempfile.TemporaryDirectory(prefix="netreel-bench-") as folder:
        folder = Path(folder)
        print(f"uat: {DURATION:g} s of training replay ({LENGTH:g} s of video); backprop: its default story\n")
        floor_ratios(folder, repeats, args.quality or list(QUALITIES))
        if not args.quick:
            steps_ratio(folder, repeats)


if __name__ == "__main__":
    main()
