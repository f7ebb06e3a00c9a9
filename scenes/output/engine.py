"""Render jobs as pieces: ranges of a scene's animations, spread over workers, joined here.

Every run goes through :func:`run_jobs`. With one worker (:class:`~.workers.Here`)
each job is one piece, its whole scene. With more (:class:`~.workers.Processes`,
or a Dask cluster, :mod:`.cluster`) each job is surveyed (its plays and their
frames, :func:`~scenes.output.render.survey`; kept between runs,
:mod:`.survey_cache`) and cut into pieces sized so that workers taking the
costliest first finish together (:mod:`.chunks`). The pieces' clips are joined
without re-encoding, their frames into one FrameStore, and the job's files are
made from them as one render would make them (:func:`~.jobs.join_pieces`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from .chunks import WHOLE, Chunk, Play, chunk_cost, frame_seconds, plan
from .jobs import (
    Job,
    JobResult,
    PieceResult,
    join_pieces,
    render_piece,
    scene_code,
    still_only,
)
from .progress import FrameReporter, Progress
from .render import survey
from .scene_import import import_scene
from .survey_cache import load_survey, save_survey, survey_key
from .workers import Here, Workers

__all__ = ["Piece", "survey_job", "kept_survey", "plan_pieces", "run_jobs"]


@dataclass(frozen=True)
class Piece:
    """Animations ``chunk`` of ``jobs[job]``; ``cost`` is its estimated seconds."""

    job: int
    chunk: Chunk
    cost: float = 0.0


def survey_job(job: Job) -> list[Play]:
    """:func:`~scenes.output.render.survey` of a job's scene, with the job's settings."""
    with scene_code(job):
        return survey(import_scene(job.scene), job.options, job.theme,
                      width=job.width, height=job.height, fps=job.fps, seed=job.seed)


def kept_survey(job: Job) -> list[Play]:
    """:func:`survey_job`, kept in the cache: made once, by whoever needs it first."""
    key = _survey_key(job)
    plays = load_survey(key)
    if plays is None:
        plays = survey_job(job)
        save_survey(key, plays)
    return plays


def _survey_key(job: Job) -> str:
    return survey_key(import_scene(job.scene), job.options, job.theme, job.width, job.height, job.fps, job.seed)


def _surveys(jobs: Sequence[Job], workers: Workers) -> list[list[Play] | None]:
    """Each job's survey (kept from an earlier run, else made on the workers); None for a still."""
    surveys: list[list[Play] | None] = [None] * len(jobs)
    keys = {index: _survey_key(job) for index, job in enumerate(jobs) if not still_only(job)}
    for index, key in keys.items():
        surveys[index] = load_survey(key)
    missing = {workers.submit(survey_job, jobs[index]): index for index in keys if surveys[index] is None}
    for future in workers.as_completed(missing):
        index = missing[future]
        surveys[index] = workers.result(future)
        save_survey(keys[index], surveys[index])
    return surveys


def plan_pieces(jobs: Sequence[Job], surveys: Sequence[Sequence[Play] | None], workers: int) -> list[Piece]:
    """Every job's pieces, costliest first (the order to hand them out in).

    A job without a survey (a still, or a run on one worker) is one piece.
    """
    per_frame = [frame_seconds(job.width, job.height) for job in jobs]
    surveyed = [index for index, plays in enumerate(surveys) if plays]
    chunks = plan([surveys[i] for i in surveyed], workers, [per_frame[i] for i in surveyed])
    pieces = [Piece(index, WHOLE) for index, plays in enumerate(surveys) if not plays]
    for index, cut in zip(surveyed, chunks):
        pieces += [Piece(index, chunk, chunk_cost(surveys[index], chunk, per_frame[index])) for chunk in cut]
    return sorted(pieces, key=lambda piece: -piece.cost)


def run_jobs(
    jobs: Sequence[Job],
    workdir: str | Path,
    *,
    workers: Workers | None = None,
    piece_call: Callable[..., PieceResult] = render_piece,
    progress: Progress | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[JobResult]:
    """Render ``jobs`` on ``workers`` (here, each scene whole, by default); results in the order of ``jobs``.

    ``piece_call(job, chunk, workdir, report)`` renders a piece on a worker;
    ``progress`` is told the frames drawn (where the workers can report them) and
    each job finished; ``on_done(index)`` is called as each job's last piece comes
    in. A failure or Ctrl-C stops every worker at once; a worker's ValueError
    comes back as :class:`~scenes.output.jobs.JobFailed`.
    """
    workers = workers or Here()
    Path(workdir).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        queue = workers.progress_queue() if progress is not None else None
        if queue is not None:
            stack.enter_context(progress.listen(queue))
        try:
            return _run_pieces(jobs, workdir, workers, piece_call, progress, queue, on_done)
        except BaseException:
            workers.stop()
            raise


def _run_pieces(jobs: Sequence[Job], workdir: str | Path, workers: Workers, piece_call: Callable[..., PieceResult],
                progress: Progress | None, queue: object, on_done: Callable[[int], None] | None) -> list[JobResult]:
    surveys = _surveys(jobs, workers) if workers.count > 1 else [None] * len(jobs)
    if progress is not None:
        for index, plays in enumerate(surveys):
            if plays:
                progress.expect(index, sum(play.frames for play in plays))
    pieces = plan_pieces(jobs, surveys, workers.count)
    futures = {
        workers.submit(piece_call, jobs[piece.job], piece.chunk, str(workdir),
                       FrameReporter(queue, piece.job) if queue is not None else None,
                       priority=len(pieces) - rank): piece
        for rank, piece in enumerate(pieces)
    }
    done: dict[Piece, PieceResult] = {}
    remaining = {index: sum(piece.job == index for piece in pieces) for index in range(len(jobs))}
    results: list[JobResult | None] = [None] * len(jobs)
    for future in workers.as_completed(futures):
        piece = futures[future]
        index = piece.job
        with _blamed_on(index):
            done[piece] = workers.result(future)
            remaining[index] -= 1
            if remaining[index]:
                continue
            ordered = sorted((p for p in pieces if p.job == index), key=lambda p: p.chunk.first)
            folder = tempfile.mkdtemp(prefix="job-", dir=workdir)
            results[index] = join_pieces(jobs[index], [done.pop(p) for p in ordered], folder)
        if queue is not None:
            queue.put((index, None))  # after the frames its pieces reported
        elif progress is not None:
            progress.finished(index)
        if on_done:
            on_done(index)
    return results


@contextmanager
def _blamed_on(job: int) -> Iterator[None]:
    """Inside, a ValueError says which job it belongs to (``error.job``), for the caller to name its source."""
    try:
        yield
    except ValueError as error:
        error.job = job
        raise
