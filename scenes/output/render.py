"""Render netreel scenes in-process (one Python process, no ``manim`` subprocess).

:func:`render_frames` returns the frames a scene draws as numpy arrays, which is
what tests need. :func:`render_scene` is what the command line uses: it writes a
video into a working folder, hands every frame to a sink (the GIF writer's
:class:`~scenes.output.frames.FrameStore`) and/or renders only the last frame.
Caching is always off: Manim's cache hashes mobjects, not the Trace behind an
updater, so it could replay a stale video.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import random
import signal
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

import numpy as np
from manim import Scene, config, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

from ..base import NetreelScene, SceneOptions
from ..text import Cue, scene_cues
from ..theme import Theme, get_theme
from .frames import FrameStore
from .gif import GifSettings, fit_gif, fit_note, write_gif
from .scene_import import import_scene, scene_ref
from .subtitles import alt_text
from .writers import write_png

__all__ = [
    "render_frames", "manim_settings", "render_scene", "Rendered", "FrameSink",
    "Job", "GifRequest", "JobResult", "JobFailed", "PastTheEnd", "write_requested_gif", "run_job", "run_jobs", "worker_pool", "stop_workers",
    "scene_path", "scene_to_pixel",
]

FrameSink = Callable[[np.ndarray, int], None]


def manim_settings(width: int, height: int, fps: float, media_dir: str | Path) -> dict[str, Any]:
    """The Manim config netreel renders with, for a frame of ``width`` x ``height`` pixels."""
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
        "video_encoder_options": {"preset": "veryfast"},
    }


class _FrameCollector(SceneFileWriter):
    """A file writer that also keeps every frame (RGBA, top row first)."""

    collected: list[np.ndarray]

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        frame = np.array(pixels, copy=True)
        self.collected.extend([frame] * repeat)
        super().write_frame(pixels, repeat=repeat)


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
    with tempfile.TemporaryDirectory(prefix="netreel-") as media_dir:
        settings = manim_settings(width, height, fps, media_dir)
        settings["write_to_movie"] = False
        with tempconfig(settings):
            collector = type("FrameCollector", (_FrameCollector,), {"collected": []})
            scene = _make_scene(scene_class, options, theme, collector)
            scene.render()
            if scene_out is not None:
                scene_out.append(scene)
            return np.stack(collector.collected)


class _SinkWriter(SceneFileWriter):
    """A file writer that also passes every frame to ``sink(frame, repeat)``."""

    sink: FrameSink

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        type(self).sink(pixels, repeat)
        super().write_frame(pixels, repeat=repeat)


def _make_scene(scene_class: type[Scene], options: SceneOptions | None, theme: str | Theme,
                writer: type[SceneFileWriter]) -> Scene:
    """A NetreelScene with its options and theme; any other Manim Scene on the theme's background.

    Call it inside ``tempconfig``, which takes the background colour back afterwards.
    """
    if issubclass(scene_class, NetreelScene):
        return scene_class(options, theme, renderer=CairoRenderer(file_writer_class=writer))
    config.background_color = get_theme(theme).background  # before the renderer's camera reads it
    return scene_class(renderer=CairoRenderer(file_writer_class=writer))


@dataclass
class Rendered:
    """What :func:`render_scene` made: the video (inside ``media_dir``), the last frame and the caption cues."""

    movie: Path | None
    last_frame: np.ndarray
    cues: list[Cue] = field(default_factory=list)


def render_scene(
    scene_class: type[Scene],
    options: SceneOptions | None = None,
    theme: str | Theme = "dark",
    *,
    width: int,
    height: int,
    fps: float,
    media_dir: str | Path,
    video: str | None = None,
    sink: FrameSink | None = None,
    still: bool = False,
    progress: bool = False,
) -> Rendered:
    """Render a scene in-process.

    Parameters
    ----------
    video : ``"mp4"`` or ``"webm"`` to encode a video into ``media_dir``; None for none.
    sink : called with each RGBA frame and how many times it repeats.
    still : render only the last frame (Manim skips the animations; fast).
    progress : show Manim's progress bar for each animation.
    """
    settings = manim_settings(width, height, fps, media_dir)
    settings["format"] = "png" if still else (video or "none")
    settings["progress_bar"] = "display" if progress else "none"
    writer = SceneFileWriter
    if sink is not None:
        writer = type("SinkWriter", (_SinkWriter,), {"sink": staticmethod(sink)})
    with tempconfig(settings):
        scene = _make_scene(scene_class, options, theme, writer)
        scene.render()
        movie = scene.renderer.file_writer.movie_file_path if video and not still else None
        return Rendered(movie, np.array(scene.renderer.get_frame(), copy=True), scene_cues(scene))


# ---------------------------------------------------------------- render jobs


@dataclass(frozen=True)
class GifRequest:
    """Encode the frames as a GIF with ``settings``, shrunk to ``max_bytes`` if given."""

    settings: GifSettings
    max_bytes: int | None = None


@dataclass(frozen=True)
class Job:
    """One scene to render and the files to make from it (picklable, for worker processes).

    ``scene`` is ``"module:Class"`` or ``"/path/to/file.py:Class"``; ``options`` are
    already validated (None for a plain Manim scene). ``captions=False`` hides the
    running caption (same timing); ``at`` picks the PNG still's moment in seconds
    (None: the last frame).
    """

    scene: str
    options: SceneOptions | None
    theme: str
    width: int
    height: int
    fps: float
    seed: int = 0
    video: str | None = None
    gif: GifRequest | None = None
    png: bool = False
    keep_frames: bool = False
    captions: bool = True
    at: float | None = None


@dataclass
class JobResult:
    """Files a job wrote into its working folder, and what it chose for the GIF."""

    movie: Path | None = None
    gif: Path | None = None
    gif_note: str = ""
    png: Path | None = None
    alt: Path | None = None
    frames: FrameStore | None = None


def write_requested_gif(frames: FrameStore, target: Path, request: GifRequest) -> str:
    """Write ``frames`` as the GIF ``request`` asks for; return what a size budget chose ("" without one)."""
    if request.max_bytes is None:
        write_gif(frames, target, request.settings)
        return ""
    chosen, _ = fit_gif(frames, target, request.settings, request.max_bytes)
    return fit_note(frames, request.settings, chosen, request.max_bytes)


def scene_path(scene_class: type[Scene]) -> str:
    """``"module:Class"`` (``"/path/to/file.py:Class"`` for a user's file) of a scene class, as :class:`Job` wants it."""
    return scene_ref(scene_class)


class PastTheEnd(ValueError):
    """A still asked for at a moment after the scene's end; the message gives its length."""


class _Enough(Exception):
    """Raised by :class:`_StillAt` to stop a render once it has its frame."""


class _StillAt:
    """A frame sink that keeps the frame on screen at ``seconds`` and stops the render there."""

    def __init__(self, seconds: float, fps: float) -> None:
        self.seconds, self.fps = seconds, fps
        self.index = int(seconds * fps + 1e-9)  # frame k shows the moment k / fps
        self.seen = 0
        self.frame: np.ndarray | None = None

    def __call__(self, frame: np.ndarray, repeat: int) -> None:
        if self.seen + repeat > self.index:
            self.frame = np.array(frame, copy=True)
            raise _Enough
        self.seen += repeat


def _still_at(job: Job, scene_class: type[Scene], theme: str | Theme, media_dir: Path) -> np.ndarray:
    """The frame of ``job``'s scene at ``job.at`` seconds; at exactly its end, its last picture.

    (The last video frame shows the final animation just before it ends; the last
    picture, the default still, shows it ended.)
    """
    still = _StillAt(job.at, job.fps)
    size = dict(width=job.width, height=job.height, fps=job.fps, media_dir=media_dir)
    try:
        render_scene(scene_class, job.options, theme, sink=still, **size)
    except _Enough:
        return still.frame
    length = still.seen / job.fps
    if job.at > length + 1e-9:
        raise PastTheEnd(f"--at {job.at:g} is past the end of the scene, which is {length:g} s long")
    return render_scene(scene_class, job.options, theme, still=True, **size).last_frame


def seed_randomness(seed: int) -> None:
    """Seed Python's and numpy's global generators, as every render of a job does first."""
    random.seed(seed)
    np.random.seed(seed)


def run_job(job: Job, workdir: str | Path, *, progress: bool = False) -> JobResult:
    """Render ``job`` in this process, writing its files into a new folder in ``workdir``."""
    seed_randomness(job.seed)
    folder = Path(tempfile.mkdtemp(prefix="job-", dir=workdir))
    scene_class = import_scene(job.scene)
    theme = job.theme if job.captions else replace(get_theme(job.theme), captions=False)
    if job.at is not None:
        still = write_png(_still_at(job, scene_class, theme, folder / "media"), folder / "still.png")
        return JobResult(png=still, alt=_write_alt(scene_class, [], True, folder))
    frames = FrameStore(job.fps) if job.gif or job.keep_frames else None
    rendered = render_scene(
        scene_class, job.options, theme,
        width=job.width, height=job.height, fps=job.fps, media_dir=folder / "media",
        video=job.video, sink=frames.add if frames is not None else None,
        still=job.png and not (job.video or frames), progress=progress,
    )
    result = JobResult(frames=frames if job.keep_frames else None)
    if job.video:
        if rendered.movie is None or not rendered.movie.exists():
            raise ValueError("the scene played no animation, so there is no video to write")
        result.movie = rendered.movie
    if job.png:
        result.png = write_png(rendered.last_frame, folder / "still.png")
    if job.gif:
        result.gif = folder / "clip.gif"
        result.gif_note = write_requested_gif(frames, result.gif, job.gif)
    if job.gif or job.png:
        result.alt = _write_alt(scene_class, rendered.cues, not job.gif, folder)
    return result


def _write_alt(scene_class: type[Scene], cues: Sequence[Cue], still: bool, folder: Path) -> Path:
    """The alt text of a GIF or still (the scene's description, then its captions) as ``alt.txt``."""
    description = getattr(scene_class, "description", "") or (scene_class.__doc__ or scene_class.__name__).strip()
    path = folder / "alt.txt"
    path.write_text(alt_text(description.splitlines()[0], cues, still=still) + "\n", encoding="utf-8")
    return path


class JobFailed(ValueError):
    """A ValueError raised in a worker process, carried back as its class name and message.

    (Some exceptions, e.g. ones with several constructor arguments, do not
    survive pickling between processes.)
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(kind, message)
        self.kind, self.message = kind, message

    def __str__(self) -> str:
        return self.message


def _run_in_worker(job: Job, workdir: str) -> JobResult:
    try:
        return run_job(job, workdir)
    except ValueError as error:
        raise JobFailed(type(error).__name__, str(error)) from None


#: Signals a terminal sends to every process of the group (Ctrl-C, a closed terminal):
#: the parent handles them once and stops its workers.
_LEFT_TO_PARENT = (signal.SIGINT, signal.SIGHUP)


def _ignore_interrupts() -> None:
    """A worker's signals: Ctrl-C and SIGHUP ignored; SIGTERM (:func:`stop_workers`) ends it cleanly."""
    for signum in _LEFT_TO_PARENT:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _LEFT_TO_PARENT)
    signal.signal(signal.SIGTERM, _leave_cleanly)


def _leave_cleanly(signum: int, frame: Any) -> None:
    # Leave as a normal exit rather than be killed, so the worker's own clean-up runs:
    # semaphores a library made here are released instead of reported as leaked.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(128 + signum)


class _QuietSpawnProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that starts life with Ctrl-C and SIGHUP blocked.

    Its interpreter takes a while to start and import before the pool's
    initializer can ignore them; blocked, they wait and are then ignored.
    """

    def start(self) -> None:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _LEFT_TO_PARENT)
        try:
            super().start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _QuietSpawnContext(multiprocessing.context.SpawnContext):
    Process = _QuietSpawnProcess


def worker_pool(count: int) -> ProcessPoolExecutor:
    """``count`` spawned worker processes that leave Ctrl-C and SIGHUP to this process.

    Stop them with :func:`stop_workers` (SIGTERM still ends them).
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _LEFT_TO_PARENT)
    try:
        # The helper that tracks the pool's semaphores starts now, so it too ignores them.
        resource_tracker.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return ProcessPoolExecutor(count, mp_context=_QuietSpawnContext(), initializer=_ignore_interrupts)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker of ``pool`` at once, running or not."""
    # No public way to stop running workers before Python 3.14.
    for process in list((pool._processes or {}).values()):
        process.terminate()


def run_jobs(
    jobs: Sequence[Job],
    workdir: str | Path,
    *,
    processes: int = 1,
    progress: bool = False,
    on_done: Callable[[int], None] | None = None,
) -> list[JobResult]:
    """Run ``jobs`` here in order, or in ``processes`` spawned worker processes.

    Results come back in the order of ``jobs``. ``progress`` shows Manim's bars
    (in-process runs only); ``on_done(index)`` is called as each job finishes.
    A failure or Ctrl-C stops every worker at once; a worker's ValueError
    comes back as :class:`JobFailed`.
    """
    results: list[JobResult] = []
    if processes <= 1 or len(jobs) <= 1:
        for index, job in enumerate(jobs):
            results.append(run_job(job, workdir, progress=progress))
            if on_done:
                on_done(index)
        return results
    pool = worker_pool(min(processes, len(jobs)))
    try:
        futures = {pool.submit(_run_in_worker, job, str(workdir)): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            future.result()
            if on_done:
                on_done(futures[future])
        return [future.result() for future in futures]
    except BaseException:
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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
