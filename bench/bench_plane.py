"""What the boundary scene costs to render, against an empty scene of the same length.

Prints, asserts nothing::

    PYTHONPATH=. .venv/bin/python bench/bench_plane.py

The default fit (XOR, a 2-8-8-1 network) is trained beforehand, once per frame rate,
and replayed with ``trace=``, so only rendering is timed. Each quality renders a real
MP4 with netreel's settings, best of ``bench_render.REPEATS``; the ratio is the scene's
render time over the empty scene's (the encoding floor). Goal: under 3 at 480p15.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench_render import QUALITIES, REPEATS, Empty, EmptyOptions, fastest

import netcore
from scenes.story.decision_boundary import (
    INTRO_SECONDS,
    OUTRO_SECONDS,
    DecisionBoundary,
    DecisionBoundaryOptions,
    trace_frames,
)


def main() -> None:
    defaults = DecisionBoundaryOptions()
    length = INTRO_SECONDS + defaults.duration + OUTRO_SECONDS
    print(f"boundary, defaults ({defaults.data}, layers {defaults.network_layers()}, {defaults.duration:g} s of replay, "
          f"{length:g} s of video); render seconds per second of video, best of {REPEATS}")
    with tempfile.TemporaryDirectory(prefix="netreel-bench-") as folder:
        folder = Path(folder)
        x, y = defaults.dataset()
        for quality, (width, height, fps) in QUALITIES.items():
            path = folder / f"boundary-{fps}.npz"
            netcore.fit_points(
                x, y, layers=defaults.network_layers(), activation=defaults.activation, steps=defaults.steps,
                lr=defaults.lr, optimizer=defaults.optimizer, seed=defaults.seed,
                frames=trace_frames(defaults.duration, fps),
            ).save(path)
            best = fastest({
                "boundary": (DecisionBoundary, DecisionBoundaryOptions(trace=str(path))),
                "empty": (Empty, EmptyOptions(seconds=length)),
            }, quality, folder)
            print(f"   {quality:>8} ({width}x{height}): boundary {best['boundary'] / length:5.2f} s/s   "
                  f"empty {best['empty'] / length:5.2f} s/s   ratio {best['boundary'] / best['empty']:4.2f}")


if __name__ == "__main__":
    main()
