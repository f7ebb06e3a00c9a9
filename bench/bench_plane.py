"""What the boundary scene costs to render, against an empty scene of the same length.

Prints, asserts nothing::

    PYTHONPATH=. .venv/bin/python bench/bench_plane.py [--repeats N] [--quality 480p15]

The default fit (XOR, a 2-8-8-1 network) is trained beforehand, once per frame rate,
and replayed with ``trace=``, so only rendering is timed. Each quality renders a real
MP4 with netreel's settings, interleaved with an empty scene of the same length (the
encoding floor), best of ``--repeats``; the ratio is the scene's time over the empty
scene's. The run's first render builds every text (Pango), later ones find them built:
its ratio is printed too. Goal: under 3 at 480p15.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench_render import QUALITIES, REPEATS, Empty, EmptyOptions, fastest, render

import netcore
from scenes.story.decision_boundary import (
    INTRO_SECONDS,
    OUTRO_SECONDS,
    DecisionBoundary,
    DecisionBoundaryOptions,
    trace_frames,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=REPEATS, help="renders of each case; the fastest counts")
    parser.add_argument("--quality", action="append", choices=list(QUALITIES),
                        help="only this quality (repeat for more); default: all")
    args = parser.parse_args()
    repeats, qualities = max(1, args.repeats), args.quality or list(QUALITIES)
    defaults = DecisionBoundaryOptions()
    length = INTRO_SECONDS + defaults.duration + OUTRO_SECONDS
    print(f"boundary, defaults ({defaults.data}, layers {defaults.network_layers()}, {defaults.duration:g} s of replay, "
          f"{length:g} s of video); render seconds per second of video, best of {repeats}")
    with tempfile.TemporaryDirectory(prefix="netreel-bench-") as folder:
        folder = Path(folder)
        x, y = defaults.dataset()
        for quality in qualities:
            width, height, fps = QUALITIES[quality]
            path = folder / f"boundary-{fps}.npz"
            netcore.fit_points(
                x, y, layers=defaults.network_layers(), activation=defaults.activation, steps=defaults.steps,
                lr=defaults.lr, optimizer=defaults.optimizer, seed=defaults.seed,
                frames=trace_frames(defaults.duration, fps),
            ).save(path)
            boundary = (DecisionBoundary, DecisionBoundaryOptions(trace=str(path)))
            first = render(*boundary, quality, folder)[0] if quality == qualities[0] else None
            times = fastest({"boundary": boundary, "empty": (Empty, EmptyOptions(seconds=length))},
                            quality, folder, repeats)
            best, floor = min(times["boundary"]), min(times["empty"])
            note = f"   first {first / floor:5.2f}x" if first is not None else ""
            print(f"   {quality:>8} ({width}x{height}): boundary {best / length:5.2f} s/s   "
                  f"empty {floor / length:5.2f} s/s   ratio {best / floor:4.2f}x{note}")


if __name__ == "__main__":
    main()
