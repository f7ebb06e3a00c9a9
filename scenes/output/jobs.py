"""Render jobs: a scene and the files to make of it, rendered as pieces and joined.

A :class:`Job` is picklable, so a worker process (or a machine of a cluster)
can render it. :func:`render_piece` renders one range of a job's animations (a
:class:`~scenes.output.chunks.Chunk`, the whole scene by default) wherever it
runs; :func:`join_pieces` makes the job's files from its pieces, in scene
order, exactly as one render would make them: the clips joined without
re-encoding, the frames into one :class:`~scenes.output.frames.FrameStore` for
the GIF, the last picture as the still, the captions as cues and alt text.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from manim import Scene

from ..base import SceneOptions
from ..text import Cue
from ..theme import get_theme
from .chunks import Chunk
from .frames import FrameStore
from .gif import GifSettings, fit_gif, fit_note, write_gif
from .progress import FrameReporter
from .render import render_scene, seed_randomness, still_at
from .scene_import import import_scene, is_file_ref, scene_ref, split_ref
from .subtitles import alt_text, write_srt, write_vtt
from .video import concat_videos
from .writers import write_png

__all__ = [
    "GifRequest", "Job", "JobResult", "JobFailed", "PieceResult", "scene_path", "write_requested_gif",
    "render_piece", "join_pieces", "keeps_frames", "still_only", "SceneCodeFailed", "scene_code",
]


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
    running caption (same timing, same cues); ``at`` picks the PNG still's moment
    in seconds (None: the last picture); ``subtitles`` writes the captions as
    SubRip and WebVTT files.
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
    subtitles: bool = False


@dataclass
class JobResult:
    """Files a job wrote into its working folder, what it chose for the GIF, and its caption cues."""

    movie: Path | None = None
    gif: Path | None = None
    gif_note: str = ""
    png: Path | None = None
    alt: Path | None = None
    srt: Path | None = None
    vtt: Path | None = None
    frames: FrameStore | None = None
    cues: list[Cue] = field(default_factory=list)


@dataclass
class PieceResult:
    """A rendered piece: its clip, its frames, the last picture (last piece, for a still) and the cues so far."""

    movie: Path | None = None
    frames: FrameStore | None = None
    last_frame: np.ndarray | None = None
    cues: list[Cue] = field(default_factory=list)


class JobFailed(ValueError):
    """A ValueError raised in a worker, carried back as its class name and message.

    (Some exceptions, e.g. ones with several constructor arguments, do not
    survive pickling between processes.)
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(kind, message)
        self.kind, self.message = kind, message

    def __str__(self) -> str:
        return self.message


def scene_path(scene_class: type[Scene]) -> str:
    """``"module:Class"`` (``"/path/to/file.py:Class"`` for a user's file) of a scene class, as :class:`Job` wants it."""
    return scene_ref(scene_class)


def keeps_frames(job: Job) -> bool:
    """Whether ``job`` needs every frame (a GIF, or frames for the caller)."""
    return bool(job.gif or job.keep_frames)


def still_only(job: Job) -> bool:
    """Whether ``job`` makes only a still, which is rendered in one piece."""
    return job.at is not None or (job.png and not (job.video or keeps_frames(job)))


def write_requested_gif(frames: FrameStore, target: Path, request: GifRequest) -> str:
    """Write ``frames`` as the GIF ``request`` asks for; return what a size budget chose ("" without one)."""
    if request.max_bytes is None:
        write_gif(frames, target, request.settings)
        return ""
    chosen, _ = fit_gif(frames, target, request.settings, request.max_bytes)
    return fit_note(frames, request.settings, chosen, request.max_bytes)


class SceneCodeFailed(ValueError):
    """A user's scene (``file.py:Class``) raised an error: the message names it, the error and its line."""


@contextmanager
def scene_code(job: Job) -> Iterator[None]:
    """Run a job's scene; an error raised by a user's scene file becomes :class:`SceneCodeFailed`.

    (Netreel's own scenes, and netreel around a user's scene, raise only the
    errors the command explains; anything else from them is a bug, and is left as it is.)
    """
    try:
        yield
    except Exception as error:
        if not is_file_ref(job.scene):
            raise
        path, name = split_ref(job.scene)
        lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
                 if Path(frame.filename).resolve() == Path(path).resolve()]
        if not lines:  # raised by netreel around the scene (e.g. --at past its end): explained as usual
            raise
        raise SceneCodeFailed(f"scene {Path(path).name}:{name} failed: {type(error).__name__}: {error} "
                              f"({Path(path).name}:{lines[-1]})") from None


def render_piece(job: Job, chunk: Chunk, workdir: str | Path, report: FrameReporter | None = None) -> PieceResult:
    """Render ``chunk`` of ``job`` in this process, its clip in a new folder inside ``workdir``.

    ``report`` counts the frames drawn (progress). The last picture comes
    back only from a job's last chunk, and only when the job makes a still.
    """
    with scene_code(job):
        return _render_piece(job, chunk, workdir, report)


def _render_piece(job: Job, chunk: Chunk, workdir: str | Path, report: FrameReporter | None) -> PieceResult:
    if report is not None:
        report.start()
    seed_randomness(job.seed)
    scene = import_scene(job.scene)
    theme = job.theme if job.captions else replace(get_theme(job.theme), captions=False)
    size = dict(width=job.width, height=job.height, fps=job.fps,
                media_dir=tempfile.mkdtemp(prefix="piece-", dir=workdir))
    if job.at is not None:
        rendered = still_at(scene, job.options, theme, job.at, **size)
        return PieceResult(last_frame=rendered.last_frame, cues=rendered.cues)
    if still_only(job):
        rendered = render_scene(scene, job.options, theme, still=True, **size)
        return PieceResult(last_frame=rendered.last_frame, cues=rendered.cues)
    frames = FrameStore(job.fps) if keeps_frames(job) else None
    sinks = [sink for sink in (frames.add if frames is not None else None, report) if sink is not None]

    def sink(frame: np.ndarray, repeat: int) -> None:
        for each in sinks:
            each(frame, repeat)

    rendered = render_scene(scene, job.options, theme, chunk, video=job.video, sink=sink if sinks else None, **size)
    if report is not None:
        report.flush()
    last = rendered.last_frame if job.png and chunk.last is None else None
    return PieceResult(rendered.movie, frames, last, rendered.cues)


def join_pieces(job: Job, results: Sequence[PieceResult], folder: str | Path) -> JobResult:
    """The job's files from its pieces' results (in scene order), made inside ``folder``."""
    folder = Path(folder)
    result = JobResult(cues=list(results[-1].cues))  # the last piece ran through every caption
    frames = None
    if keeps_frames(job):
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
    if job.gif or job.png:
        result.alt = _write_alt(import_scene(job.scene), result.cues, not job.gif, folder)
    if job.subtitles:
        result.srt = write_srt(result.cues, folder / "subtitles.srt")
        result.vtt = write_vtt(result.cues, folder / "subtitles.vtt")
    result.frames = frames if job.keep_frames else None
    return result


def _write_alt(scene_class: type[Scene], cues: Sequence[Cue], still: bool, folder: Path) -> Path:
    """The alt text of a GIF or still (the scene's description, then its captions) as ``alt.txt``."""
    description = getattr(scene_class, "description", "") or (scene_class.__doc__ or scene_class.__name__).strip()
    path = folder / "alt.txt"
    path.write_text(alt_text(description.splitlines()[0], cues, still=still) + "\n", encoding="utf-8")
    return path
