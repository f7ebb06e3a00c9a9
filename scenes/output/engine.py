"""Render jobs as pieces: ranges of a scene's animations, spread over workers, joined here.

A :class:`~scenes.output.render.Job` (a scene and the files to make of it) is
surveyed (its plays and their frames, :mod:`.chunks`; kept between runs,
:mod:`.survey_cache`), cut into pieces sized so that workers taking the costliest
first finish together, and each piece is rendered wherever a worker is: in
spawned processes here (:func:`run_chunked`) or on a Dask cluster
(:mod:`.cluster`). The pieces' clips are joined without re-encoding, their frames
into one :class:`~scenes.output.frames.FrameStore`, and the job's files are made
from them as one render would make them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import as_completed as _as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..text import Cue
from .chunks import (
    WHOLE,
    Chunk,
    Play,
    chunk_cost,
    frame_seconds,
    plan,
    render_chunk,
    survey,
)
from .frames import FrameStore
from .progress import FrameReporter
from .render import (
    Job,
    JobFailed,
    JobResult,
    render_scene,
    seed_randomness,
    stop_workers,
    worker_pool,
    write_requested_gif,
)
from .scene_import import import_scene
from .survey_cache import load_survey, save_survey, survey_key
from .video import concat_videos
from .writers import write_png

__all__ = [
    "Piece", "PieceResult", "Workers", "survey_job", "plan_pieces", "render_piece", "join_pieces",
    "run_pieces", "run_chunked",
]


@dataclass(frozen=True)
class Piece:
    """Animations ``chunk`` of ``jobs[job]``; ``cost`` is its estimated seconds."""

    job: int
    chunk: Chunk
    cost: float = 0.0


@dataclass
class PieceResult:
    """A rendered piece: its clip, its frames, and (last piece only) the last frame."""

    movie: Path | None = None
    frames: FrameStore | None = None
    last_frame: np.ndarray | None = None
    cues: list[Cue] = field(default_factory=list)


def _keeps_frames(job: Job) -> bool:
    return bool(job.gif or job.keep_frames)


def _still_only(job: Job) -> bool:
    return job.png and not (job.video or _keeps_frames(job))


def _survey_key(job: Job) -> str:
    return survey_key(import_scene(job.scene), job.options, job.theme, job.width, job.height, job.fps, job.seed)


def survey_job(job: Job) -> list[Play]:
    """:func:`~scenes.output.chunks.survey` of a job's scene, with the job's settings."""
    return survey(import_scene(job.scene), job.options, job.theme,
                  width=job.width, height=job.height, fps=job.fps, seed=job.seed)


def render_piece(job: Job, chunk: Chunk, workdir: str | Path, report: FrameReporter | None = None) -> PieceResult:
    """Render ``chunk`` of ``job`` in this process, its clip in a new folder inside ``workdir``.

    ``report`` counts the frames drawn (progress from a worker). The last frame
    comes back only from a job's last chunk, and only when the job makes a still of it.
    """
    folder = Path(tempfile.mkdtemp(prefix="piece-", dir=workdir))
    scene = import_scene(job.scene)
    if _still_only(job):
        # Only the last frame is wanted: Manim skips every animation.
        seed_randomness(job.seed)
        rendered = render_scene(scene, job.options, job.theme, width=job.width, height=job.height,
                                fps=job.fps, media_dir=folder, still=True)
        return PieceResult(last_frame=rendered.last_frame)
    frames = FrameStore(job.fps) if _keeps_frames(job) else None
    sinks = [sink for sink in (frames.add if frames is not None else None, report) if sink is not None]

    def sink(frame: np.ndarray, repeat: int) -> None:
        for each in sinks:
            each(frame, repeat)

    rendered = render_chunk(
        scene, job.options, job.theme, chunk, width=job.width, height=job.height, fps=job.fps,
        media_dir=folder, seed=job.seed, video=job.video, sink=sink if sinks else None,
    )
    if report is not None:
        report.flush()
    last = job.png and chunk.last is None
    return PieceResult(rendered.movie, frames, rendered.last_frame if last else None, rendered.cues)


def plan_pieces(jobs: Sequence[Job], surveys: Sequence[Sequence[Play] | None], workers: int) -> list[Piece]:
    """Every job's pieces, costliest first (the order to hand them out in).

    A job without a survey (a still) is one piece.
    """
    per_frame = [frame_seconds(job.width, job.height) for job in jobs]
    surveyed = [index for index, plays in enumerate(surveys) if plays]
    chunks = plan([surveys[i] for i in surveyed], workers, [per_frame[i] for i in surveyed])
    pieces = [Piece(index, WHOLE) for index, plays in enumerate(surveys) if not plays]
    for index, cut in zip(surveyed, chunks):
        pieces += [Piece(index, chunk, chunk_cost(surveys[index], chunk, per_frame[index])) for chunk in cut]
    return sorted(pieces, key=lambda piece: -piece.cost)


def join_pieces(job: Job, results: Sequence[PieceResult], folder: str | Path) -> JobResult:
    """The job's files from its pieces' results (in scene order), made inside ``folder``."""
    folder = Path(folder)
    result = JobResult()
    frames = None
    if _keeps_frames(job):
        frames = results[0].frames
        for piece in results[1:]:
            frames.extend(piece.frames)
    if job.video:
        movies = [piece.movie for piece in results]
        if any(movie is None or not movie.exists() for movie in movies):
            raise ValueError("the scene played no animation, so there is no video to write")
        result.movie = movies[0]
        if len(movies) > 1:
            result.movie = folder / f"joined.{job.video}"
            concat_videos(movies, result.movie)
    if job.png:
        result.png = write_png(results[-1].last_frame, folder / "still.png")
    if job.gif:
        result.gif = folder / "clip.gif"
        result.gif_note = write_requested_gif(frames, result.gif, job.gif)
    result.frames = frames if job.keep_frames else None
    return result


class Workers(Protocol):
    """Where pieces run: ``submit`` a call, learn when calls finish, cancel the rest."""

    count: int

    def submit(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Any:
        """Run ``fn(*args)`` on a worker; calls of higher ``priority`` start first where the workers can tell."""

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]: ...

    def result(self, future: Any) -> Any: ...


def run_pieces(
    jobs: Sequence[Job],
    workdir: str | Path,
    workers: Workers,
    *,
    survey_call: Callable[[Job], list[Play]] = survey_job,
    piece_call: Callable[..., PieceResult] | None = None,
    reporter: Callable[[int], FrameReporter] | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[JobResult]:
    """Survey (unless kept), plan, render every piece on ``workers`` and join each job's pieces.

    Results come back in the order of ``jobs``; ``on_done(index)`` is called as
    each job's last piece comes in. ``piece_call(job, chunk, workdir, report)``
    renders a piece on a worker (default :func:`render_piece`); ``reporter(index)``
    gives the frame counter of job ``index``'s pieces (progress), if any.
    """
    piece_call = piece_call or render_piece
    Path(workdir).mkdir(parents=True, exist_ok=True)
    surveys: list[list[Play] | None] = [None] * len(jobs)
    if workers.count > 1:
        keys = {index: _survey_key(job) for index, job in enumerate(jobs) if not _still_only(job)}
        for index, key in keys.items():
            surveys[index] = load_survey(key)
        missing = {workers.submit(survey_call, jobs[index]): index for index in keys if surveys[index] is None}
        for future in workers.as_completed(missing):
            index = missing[future]
            surveys[index] = workers.result(future)
            save_survey(keys[index], surveys[index])
    pieces = plan_pieces(jobs, surveys, workers.count)
    futures = {
        workers.submit(piece_call, jobs[piece.job], piece.chunk, str(workdir),
                       reporter(piece.job) if reporter else None, priority=len(pieces) - rank): piece
        for rank, piece in enumerate(pieces)
    }
    done: dict[Piece, PieceResult] = {}
    remaining = {index: sum(piece.job == index for piece in pieces) for index in range(len(jobs))}
    for future in workers.as_completed(futures):
        piece = futures[future]
        done[piece] = workers.result(future)
        remaining[piece.job] -= 1
        if remaining[piece.job] == 0 and on_done:
            on_done(piece.job)
    results = []
    for index, job in enumerate(jobs):
        ordered = sorted((piece for piece in pieces if piece.job == index), key=lambda piece: piece.chunk.first)
        folder = tempfile.mkdtemp(prefix="job-", dir=workdir)
        results.append(join_pieces(job, [done[piece] for piece in ordered], folder))
    return results


def _guarded(call: Callable[..., Any], *args: Any) -> Any:
    """``call(*args)`` in a worker process; a ValueError comes back as a picklable JobFailed."""
    try:
        return call(*args)
    except ValueError as error:
        raise JobFailed(type(error).__name__, str(error)) from None


class _Here:
    """Runs each call at once, in this process."""

    count = 1

    def submit(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def as_completed(self, futures: Iterable[Future]) -> Iterator[Future]:
        return iter(list(futures))

    def result(self, future: Future) -> Any:
        return future.result()


class _Processes:
    """Spawned worker processes that leave Ctrl-C to this process (:func:`~scenes.output.render.worker_pool`)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pool = worker_pool(count)

    def submit(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Future:
        # The pool starts calls in the order they come, which is already costliest first.
        return self.pool.submit(_guarded, fn, *args)

    def as_completed(self, futures: Iterable[Future]) -> Iterator[Future]:
        return _as_completed(futures)

    def result(self, future: Future) -> Any:
        return future.result()


def run_chunked(
    jobs: Sequence[Job],
    workdir: str | Path,
    *,
    processes: int = 1,
    reporter: Callable[[int], FrameReporter] | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[JobResult]:
    """Run ``jobs`` here (one process: each scene whole) or as pieces in ``processes`` worker processes.

    A failure or Ctrl-C stops every worker at once; a worker's ValueError comes
    back as :class:`~scenes.output.render.JobFailed`. ``reporter`` as in :func:`run_pieces`.
    """
    if processes <= 1:
        return run_pieces(jobs, workdir, _Here(), reporter=reporter, on_done=on_done)
    workers = _Processes(processes)
    try:
        return run_pieces(jobs, workdir, workers, reporter=reporter, on_done=on_done)
    except BaseException:
        stop_workers(workers.pool)
        raise
    finally:
        workers.pool.shutdown(wait=True, cancel_futures=True)
