"""Chunked rendering against whole scenes, as ratios measured in one run (prints, asserts nothing).

    PYTHONPATH=. .venv/bin/python bench/bench_chunks.py              # 480p15 explainer, then UAT vs empty
    PYTHONPATH=. .venv/bin/python bench/bench_chunks.py --hd         # also the 1080p60 explainer in 2 processes
    PYTHONPATH=. .venv/bin/python bench/bench_chunks.py --surveys    # also each scene's survey vs its render

1. The default explainer (title cards and sections, clips joined without
   re-encoding): one process (whole scenes), and two processes sharing pieces
   (cold, then with the surveys kept from the cold run), as wall
   seconds per second of video and as speed-ups over one process, with the CPU
   seconds spent (the cost of surveys and of skipping to a piece's start).
2. The uat scene against an empty scene of the same length at 480p15.
3. ``--surveys``: what surveying each scene costs against rendering it.

The machine may be shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import av
from bench_render import LENGTH, Empty, EmptyOptions

from scenes.cli.settings import QUALITIES
from scenes.cli.story import story_jobs
from scenes.output.engine import run_jobs
from scenes.output.render import render_scene, survey
from scenes.output.video import concat_videos
from scenes.output.workers import Processes
from scenes.registry import scenes
from scenes.story.title_card import TitleCard
from scenes.story.universal_approximation import UniversalApproximation


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration) / av.time_base


def load() -> str:
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


def cpu_seconds() -> float:
    """CPU seconds the machine has been busy (every process's, so run it on a quiet machine).

    Workers are forked by a fork server, so they are not this process's children and
    ``getrusage`` would never count them.
    """
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def run(jobs, work: str, processes: int):
    """The jobs' results, as ``netreel explainer --jobs PROCESSES`` renders them."""
    if processes <= 1:
        return run_jobs(jobs, work)
    with Processes(processes) as workers:
        return run_jobs(jobs, work, workers=workers)


def explainer(quality: str, processes: int, jobs=None) -> tuple[float, float, float]:
    """Wall and busy CPU seconds to render and join the explainer (or ``jobs``), and the video's length."""
    width, height, fps = QUALITIES[quality]
    jobs = jobs or story_jobs(theme="dark", width=width, height=height, fps=fps)
    with tempfile.TemporaryDirectory(prefix="netreel-bench-") as work:
        start, cpu = time.perf_counter(), cpu_seconds()
        results = run(jobs, work, processes)
        joined = Path(work) / "explainer.mp4"
        concat_videos([result.movie for result in results], joined)
        return time.perf_counter() - start, cpu_seconds() - cpu, video_seconds(joined)


def bench_explainer(quality: str, hd: bool) -> None:
    label = {"l": "480p15", "h": "1080p60"}[quality]
    print(f"1. explainer {label}: wall seconds per second of video ({load()})")
    cases = [("--jobs 1", 1), ("--jobs 2 (cold: surveys)", 2), ("--jobs 2 (surveys kept)", 2)]
    if hd:
        cases = cases[1:]
    base = None
    for name, processes in cases:
        wall, cpu, length = explainer(quality, processes)
        base = base or (wall, cpu)
        print(f"   {name:38s} {wall:6.1f} s for {length:5.1f} s = {wall / length:5.2f} s/s   "
              f"speed-up {base[0] / wall:4.2f}x   CPU {cpu:6.1f} s ({cpu / base[1]:4.2f}x)", flush=True)


def bench_uat() -> None:
    width, height, fps = QUALITIES["l"]
    times = {}
    with tempfile.TemporaryDirectory(prefix="netreel-bench-") as work:
        for name, scene, options in (("uat", UniversalApproximation, None),
                                     ("empty", Empty, EmptyOptions(seconds=LENGTH))):
            start = time.perf_counter()
            render_scene(scene, options, width=width, height=height, fps=fps, media_dir=Path(work) / name, video="mp4")
            times[name] = time.perf_counter() - start
    print(f"2. uat vs an empty scene of {LENGTH:g} s at 480p15 ({load()}): {times['uat']:.1f} s vs "
          f"{times['empty']:.1f} s = {times['uat'] / times['empty']:.2f}x", flush=True)


def bench_surveys(quality: str) -> None:
    width, height, fps = QUALITIES[quality]
    print(f"3. survey vs render per scene ({load()})")
    for scene in [TitleCard, *scenes().values()]:
        start = time.perf_counter()
        plays = survey(scene, width=width, height=height, fps=fps)
        surveyed = time.perf_counter() - start
        with tempfile.TemporaryDirectory(prefix="netreel-bench-") as work:
            start = time.perf_counter()
            render_scene(scene, width=width, height=height, fps=fps, media_dir=work, video="mp4")
            rendered = time.perf_counter() - start
        frames = sum(play.frames for play in plays)
        print(f"   {scene.__name__:24s} {len(plays):3d} plays {frames:5d} frames   survey {surveyed:5.1f} s   "
              f"render {rendered:6.1f} s   {surveyed / rendered:4.2f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hd", action="store_true", help="also the 1080p60 explainer in 2 processes")
    parser.add_argument("--hd-only", action="store_true", help="only the 1080p60 explainer in 2 processes")
    parser.add_argument("--surveys", action="store_true", help="also each scene's survey against its render")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="netreel-bench-cache-") as cache:
        os.environ["NETREEL_CACHE_DIR"] = cache  # the cold run starts from an empty cache
        if not args.hd_only:
            bench_explainer("l", hd=False)
        if args.hd or args.hd_only:
            bench_explainer("h", hd=True)
    if not args.hd_only:
        bench_uat()
    if args.surveys:
        bench_surveys("l")
    print(f"done ({load()})")


if __name__ == "__main__":
    main()
