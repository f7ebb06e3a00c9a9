"""A GIF too long to hold, refused before anything renders: its frames counted by a survey.

A GIF's frames are kept in a :class:`~scenes.output.frames.FrameStore`, which holds
at most :data:`~scenes.output.frames.MAX_GIF_PIXELS` (frames x width x height) and
would refuse more only as the frames arrive, perhaps minutes into a render. A
scene's frame count depends on its plays and the frame rate, not on the frame
size, so a survey (:func:`~scenes.output.engine.survey_job`, which runs the scene
without drawing) counts them first. Surveys are kept in netreel's cache, so a
scene surveyed once costs nothing the next time; at the job's own size the
survey is the one ``--jobs`` plans with, and the texts it builds (kept too) are
the render's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..output.engine import kept_survey
from ..output.frames import MAX_GIF_PIXELS
from ..output.jobs import Job, keeps_frames, still_only
from ..output.scene_import import import_scene
from .errors import NetreelError

__all__ = ["LARGEST_SURVEYED", "check_gif_lengths", "frame_count"]

#: Frame height above which a job is surveyed at this height (the width follows the
#: job's shape): the count is the same, and a survey's camera holds a whole frame.
LARGEST_SURVEYED = 1080


def check_gif_lengths(jobs: Sequence[Job]) -> None:
    """Refuse a GIF of more than :data:`MAX_GIF_PIXELS` before anything renders.

    Each job with a GIF is counted on its own; the frames kept for the caller
    (``keep_frames``: the explainer's GIF of the whole story) are counted together.

    Raises
    ------
    NetreelError
        One line: the GIF, its frames and size, and the most frames that fit; a single
        job's GIF says which job (``error.job``, its index in ``jobs``).
    """
    kept = [job for job in jobs if keeps_frames(job) and not still_only(job)]
    counts = {id(job): frame_count(job) for job in kept}
    for index, job in enumerate(jobs):
        if job.gif is not None and id(job) in counts:
            try:
                _refuse_over_limit(counts[id(job)], job, f"the GIF of {_name(job)}")
            except NetreelError as error:
                error.job = index  # its caller names the spec entry
                raise
    joined = [job for job in kept if job.keep_frames]
    if joined:
        what = f"the GIF of the {len(joined)} clips joined" if len(joined) > 1 else f"the GIF of {_name(joined[0])}"
        _refuse_over_limit(sum(counts[id(job)] for job in joined), joined[0], what)


def frame_count(job: Job) -> int:
    """Frames ``job``'s scene draws at its frame rate: its survey (kept in the cache)."""
    if job.height > LARGEST_SURVEYED:
        scale = LARGEST_SURVEYED / job.height
        job = replace(job, width=max(1, round(job.width * scale)), height=LARGEST_SURVEYED)
    return sum(play.frames for play in kept_survey(job))


def _refuse_over_limit(frames: int, job: Job, what: str) -> None:
    area = job.width * job.height
    if frames * area <= MAX_GIF_PIXELS:
        return
    most = MAX_GIF_PIXELS // area
    raise NetreelError(
        f"{what} would be {frames:,} frames of {job.width}x{job.height}, {frames * area / 1e6:,.0f} megapixels; "
        f"a GIF may hold at most {MAX_GIF_PIXELS / 1e6:,.0f} (frames x width x height): {most:,} frames, "
        f"{most / job.fps:,.1f} s at {job.fps:g} fps; lower --fps or --size, or write a video"
    )


def _name(job: Job) -> str:
    scene = import_scene(job.scene)
    return getattr(scene, "name", "") or scene.__name__
