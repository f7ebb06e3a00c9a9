"""Plans: jobs to render and where each of their files goes; rendering them all, then publishing together."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from manim import Scene

from ..base import SceneOptions
from ..output.engine import run_jobs
from ..output.jobs import Job, JobFailed, JobResult, scene_path, still_only
from ..output.progress import Progress
from ..output.scene_import import import_scene
from ..output.workers import Processes
from ..output.writers import format_size, publish_all
from . import signals
from .console import say
from .errors import FileEntry, NetreelError, RunFailed, one_line, os_error_text
from .gif_length import check_gif_lengths
from .settings import VIDEO_FORMATS, Output, check_writable

__all__ = ["Plan", "plan_for", "render_plans", "publish_files", "explain", "alt_text_path", "files_written"]


@dataclass
class Plan:
    """A job, where each of its files goes, and the spec or story entry it renders (if any)."""

    job: Job
    targets: dict[str, Path] = field(default_factory=dict)  # JobResult attribute -> file
    entry: FileEntry | None = None


def plan_for(scene: type[Scene], options: SceneOptions | None, out: Output, *, subtitles: bool = False) -> Plan:
    """The plan of one scene to ``out``; ``subtitles`` adds ``NAME.srt`` and ``NAME.vtt`` beside a video."""
    video = out.format if out.format in VIDEO_FORMATS else None
    if subtitles and video is None:
        raise NetreelError(f"--subtitles goes with a video (mp4 or webm), not {out.format}")
    job = Job(
        scene_path(scene), options, out.theme, out.width, out.height, out.fps,
        seed=out.seed if out.seed is not None else 0, video=video,
        gif=out.gif_request() if out.format == "gif" else None,
        png=out.format == "png", captions=out.captions, at=out.at, subtitles=subtitles,
    )
    kind = {"gif": "gif", "png": "png"}.get(out.format, "movie")
    targets = {kind: out.path}
    if subtitles:
        targets.update(srt=out.path.with_suffix(".srt"), vtt=out.path.with_suffix(".vtt"))
    return Plan(job, targets)


def render_plans(
    plans: Sequence[Plan], *, processes: int, quiet: bool, scheduler: str | None = None,
    finish: Callable[[list[JobResult], Path], list[tuple[Path, Path, str]]] | None = None,
) -> None:
    """Render every plan, then publish all files at once and report them.

    ``processes`` worker processes here, or the Dask cluster at ``scheduler``,
    share the scenes' pieces. ``finish(results, workdir)`` may add files made
    from several results (the explainer's joined video) as ``(made, target,
    note)`` triples. Every plan's target is checked writable first, before
    anything renders.
    """
    for plan in plans:
        for target in plan.targets.values():
            check_writable(target)
    with tempfile.TemporaryDirectory(prefix="netreel-") as workdir:
        try:
            check_gif_lengths([plan.job for plan in plans])
            results = _run(plans, workdir, processes, scheduler, quiet)
            made = [
                (getattr(result, kind), target, _note(kind, result))
                for plan, result in zip(plans, results)
                for kind, target in plan.targets.items()
            ]
            # every GIF and still gets its alt text beside it, for a post's alt attribute
            made += {
                alt_text_path(target): (result.alt, alt_text_path(target), "alt text")
                for plan, result in zip(plans, results)
                for kind, target in plan.targets.items()
                if kind in ("gif", "png") and result.alt is not None
            }.values()
            if finish is not None:
                made += finish(results, Path(workdir))
        except NetreelError as error:
            raise type(error)(_in_entry(plans, error, error.message)) from None
        except ValueError as error:
            message = explain(error)
            if message is None:
                raise
            raise NetreelError(_in_entry(plans, error, message)) from None
        publish_files(made, quiet=quiet)


def _in_entry(plans: Sequence[Plan], error: Exception, message: str) -> str:
    """``message`` naming the spec or story entry whose job raised ``error`` (``error.job``), if one did."""
    index = getattr(error, "job", None)
    entry = plans[index].entry if index is not None else None
    return entry.explain(message) if entry is not None else message


def alt_text_path(target: Path) -> Path:
    """Where a GIF's or a still's alt text goes: beside it, ``NAME.alt.txt``."""
    return target.with_suffix(".alt.txt")


def files_written(plan: Plan) -> list[Path]:
    """Every file ``plan`` writes: its targets, and beside each GIF and still its alt text."""
    alt = [alt_text_path(target) for kind, target in plan.targets.items() if kind in ("gif", "png")]
    return [*plan.targets.values(), *alt]


def _note(kind: str, result: JobResult) -> str:
    """What is said beside a published file: what a GIF's budget chose, how many subtitles."""
    if kind == "gif":
        return result.gif_note
    return f"{len(result.cues)} subtitles" if kind in ("srt", "vtt") else ""


def publish_files(made: Sequence[tuple[Path, Path, str]], *, quiet: bool) -> None:
    """Publish every ``(made, target, note)`` file together, then print each target with its size.

    Signals wait until the files are published, and no longer stop the run after that.

    Raises
    ------
    RunFailed
        When a file cannot be written (a full disk, a read-only folder); no target is changed then.
    """
    try:
        with signals.blocked():
            signals.check()
            publish_all([(source, target) for source, target, _ in made])
            signals.mark_done()
    except OSError as error:
        raise RunFailed(f"cannot write the output: {os_error_text(error)}; no file was changed") from None
    if not quiet:
        for _, target, note in made:
            say(f"{target}  {format_size(target.stat().st_size)}" + (f"  ({note})" if note else ""))


def explain(error: ValueError) -> str | None:
    """One line for a user-caused error while rendering; None for anything else (a bug)."""
    kind = error.kind if isinstance(error, JobFailed) else type(error).__name__
    message = one_line(error)
    if kind == "TrainingDiverged":
        hint = "" if "smaller learning rate" in message else "; try a smaller learning rate (--lr)"
        return message + hint
    if kind in ("GifTooLarge", "TargetError"):
        flag = "--max-size" if kind == "GifTooLarge" else "--target"
        return message if message.startswith("--") else f"{flag}: {message}"
    if kind in ("GifTooLong", "LimitError", "TraceFileError", "PastTheEnd", "NothingToShow", "ClusterError",
                "SceneCodeFailed"):
        return message
    return None


def _label(job: Job) -> str:
    """What the progress display calls a job's clip: the scene's name, a card's title."""
    scene = import_scene(job.scene)
    title = getattr(job.options, "title", None) if scene.__name__ == "TitleCard" else None
    return f"card {title!r}" if title else getattr(scene, "name", "") or scene.__name__


def _run(plans: Sequence[Plan], workdir: str, processes: int, scheduler: str | None, quiet: bool) -> list[JobResult]:
    jobs = [plan.job for plan in plans]
    with Progress([_label(job) for job in jobs], fps=jobs[0].fps, kinds=[job.scene for job in jobs],
                  quiet=quiet) as progress:
        if scheduler is not None:
            return _run_on_cluster(jobs, workdir, scheduler, progress)
        if processes <= 1 or all(still_only(job) for job in jobs):
            return run_jobs(jobs, workdir, progress=progress)
        with Processes(processes) as workers:
            return run_jobs(jobs, workdir, workers=workers, progress=progress)


def _run_on_cluster(jobs: Sequence[Job], workdir: str, scheduler: str, progress: Progress) -> list[JobResult]:
    # Dask is imported only by a run on a cluster.
    try:
        from ..output import cluster
    except ImportError:
        raise NetreelError("--scheduler needs Dask: pip install 'netreel[dask]'") from None
    client = cluster.connect(scheduler)
    try:
        return cluster.run_on_cluster(jobs, workdir, client, progress=progress)
    finally:
        client.close()
