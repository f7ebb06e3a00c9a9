"""How fast the explainer renders, and how small netreel's GIFs are (prints, asserts nothing).

    PYTHONPATH=. .venv/bin/python bench/bench_explainer.py            # GIF, 480p15, 1080p60 (two sections)
    PYTHONPATH=. .venv/bin/python bench/bench_explainer.py --full     # 1080p60: the whole explainer
    PYTHONPATH=. .venv/bin/python bench/bench_explainer.py --no-hd    # skip 1080p60
    PYTHONPATH=. .venv/bin/python bench/bench_explainer.py --gif-only # only the GIF comparison
    PYTHONPATH=. .venv/bin/python bench/bench_explainer.py --hd-only --full --jobs 2   # the 1080p60 goal alone

Reports wall seconds per second of video for the default explainer (title
cards + every section, joined without re-encoding) with ``--jobs 1`` and
``--jobs 2`` and the speed-up between them (every scene surveyed first and
the surveys kept, as a user's second render finds them), and the size of
netreel's GIF of one scene against Manim's own ``format="gif"`` of the same
clip, as a ratio, with how far netreel's decoded frames are from the rendered ones.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import av
import numpy as np
from bench_chunks import explainer
from manim import tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from PIL import Image, ImageSequence

from scenes.cli.settings import QUALITIES
from scenes.cli.story import story_jobs
from scenes.output.engine import kept_survey
from scenes.output.frames import FrameStore, _gif_frames
from scenes.output.gif import GifSettings, poster_start, write_gif
from scenes.output.jobs import still_only
from scenes.output.render import manim_settings, render_scene
from scenes.output.workers import Processes
from scenes.output.writers import format_size
from scenes.registry import find_scene


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration) / av.time_base


def bench_explainer(quality: str, sections: int | None, processes: tuple[int, ...] = (1, 2)) -> None:
    width, height, fps = QUALITIES[quality]
    jobs = story_jobs(theme="dark", width=width, height=height, fps=fps)
    if sections is not None:
        jobs = jobs[: 1 + 2 * sections]
    label = f"{height}p{fps}" + (f", first {sections} sections" if sections else ", all sections")
    # The surveys kept, as a user's second render finds them; made in another process,
    # so this one starts with no text built, as a new command does.
    with Processes(1) as worker:
        for job in jobs:
            if not still_only(job):
                worker.result(worker.submit(kept_survey, job))
    walls = {}
    for count in processes:
        walls[count], busy, length = explainer(quality, count, jobs)
        print(f"explainer {label}, --jobs {count}: {walls[count]:.1f} s wall for {length:.1f} s of video"
              f" = {walls[count] / length:.3f} s per video second; {busy:.1f} CPU seconds,"
              f" {busy / walls[count]:.2f} of {os.cpu_count()} cores busy", flush=True)
    if len(walls) == 2:
        print(f"   --jobs 2 is {walls[1] / walls[2]:.2f}x the speed of --jobs 1", flush=True)


def bench_gif(scene_name: str) -> None:
    scene = find_scene(scene_name)
    width, height, fps = QUALITIES["l"]
    with tempfile.TemporaryDirectory() as work:
        settings = manim_settings(width, height, fps, work)
        settings["format"] = "gif"
        start = time.perf_counter()
        with tempconfig(settings):
            manim_scene = scene(renderer=CairoRenderer())
            manim_scene.render()
            manim_gif = manim_scene.renderer.file_writer.gif_file_path
        manim_time = time.perf_counter() - start
        start = time.perf_counter()
        frames = FrameStore(fps)
        render_scene(scene, width=width, height=height, fps=fps, media_dir=Path(work) / "ours", sink=frames.add)
        ours = Path(work) / "ours.gif"
        rendered = time.perf_counter()
        write_gif(frames, ours, GifSettings(fps))
        done = time.perf_counter()
        manim_size, our_size = os.path.getsize(manim_gif), os.path.getsize(ours)
        print(f"GIF of {scene_name} at 480p15 ({frames.duration:.1f} s): netreel {format_size(our_size)}"
              f" vs Manim {format_size(manim_size)} = {our_size / manim_size:.2f}x the size;"
              f" time {done - start:.1f} s ({done - rendered:.1f} s encoding) vs Manim {manim_time:.1f} s;"
              f" mean colour error {colour_error(frames, ours):.2f} of 255", flush=True)


def colour_error(frames: FrameStore, path: Path) -> float:
    """Mean absolute difference between each rendered frame and the GIF's frame at its moment."""
    with Image.open(path) as image:
        decoded = [(np.asarray(frame.convert("RGB"), np.int16), frame.info["duration"])
                   for frame in ImageSequence.Iterator(image)]
    ends = np.cumsum([duration for _, duration in decoded])
    shown = (int(np.searchsorted(ends, 10 * round(100 * k / frames.fps), side="right")) for k in range(len(frames)))
    rendered = _gif_frames(frames, GifSettings(frames.fps), poster_start(frames))
    return float(np.mean([np.abs(decoded[index][0] - frame).mean() for index, (frame, _) in zip(shown, rendered)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="1080p60: the whole explainer, not two sections")
    parser.add_argument("--no-hd", action="store_true", help="skip the 1080p60 run")
    parser.add_argument("--gif-scene", default="superposition", help="scene for the GIF comparison")
    parser.add_argument("--gif-only", action="store_true", help="only the GIF comparison")
    parser.add_argument("--hd-only", action="store_true", help="only the 1080p60 run")
    parser.add_argument("--jobs", type=int, choices=(1, 2), action="append", help="only this --jobs (default: 1 and 2)")
    args = parser.parse_args()
    processes = tuple(sorted(set(args.jobs or (1, 2))))
    if not args.hd_only:
        bench_gif(args.gif_scene)
    if args.gif_only:
        return
    with tempfile.TemporaryDirectory(prefix="netreel-bench-cache-") as cache:
        os.environ["NETREEL_CACHE_DIR"] = cache
        if not args.hd_only:
            bench_explainer("l", None, processes)
        if not args.no_hd:
            bench_explainer("h", None if args.full else 2, processes)

if __name__ == "__main__":
    main()
