"""``netreel gif INPUT``: any video (MP4, WebM, MOV) as a looping GIF by netreel's writer."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import click

from ..output.frames import MAX_GIF_FPS, GifTooLarge, GifTooLong
from ..output.gif import GifSettings
from ..output.jobs import GifRequest, write_requested_gif
from ..output.video_reader import VideoError, read_video
from ..output.writers import parse_size
from .errors import NetreelError
from .options import Number
from .plans import publish_files
from .settings import DEFAULT_GIF_COLORS, MAX_HEIGHT, MAX_WIDTH, check_writable, parse_frame_size

__all__ = ["gif"]


@click.command()
@click.argument("source", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The GIF.  [default: INPUT with .gif]")
@click.option("--max-size", metavar="SIZE", help="Shrink fps, then size, then colours to fit, e.g. 1MB.")
@click.option("--fps", type=Number(float), help="GIF frame rate (at most the video's and 50).  [default: the video's]")
@click.option("--size", metavar="WxH", help="Scale every frame to this size, e.g. 480x270.")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def gif(source: Path, output: Path | None, max_size: str | None, fps: float | None, size: str | None,
        quiet: bool) -> None:
    """Turn a video into a GIF that loops forever, keeps its timing and fits --max-size."""
    target = output or source.with_suffix(".gif")
    if target.suffix.lower() != ".gif":
        raise NetreelError(f"--output {str(target)!r} must end with .gif")
    if not source.is_file():
        what = "is not a regular file (a folder, a device or a pipe)" if source.exists() else "does not exist"
        raise NetreelError(f"video file {str(source)!r} {what}")
    if target.exists() and os.path.samefile(source, target):
        raise NetreelError(f"the GIF would replace its own input {str(source)!r}: name another file with -o")
    if fps is not None and not (math.isfinite(fps) and 0 < fps <= MAX_GIF_FPS):
        raise NetreelError(f"--fps must be more than 0 and at most {MAX_GIF_FPS}; got {fps:g}")
    frame_size = parse_frame_size(size) if size is not None else None
    try:
        max_bytes = parse_size(max_size) if max_size is not None else None
    except ValueError as error:
        raise NetreelError(f"--max-size: {error}") from None
    check_writable(target)
    try:
        frames = read_video(source, size=frame_size, fps=min(fps or MAX_GIF_FPS, MAX_GIF_FPS),
                            largest=(MAX_WIDTH, MAX_HEIGHT))
    except VideoError as error:
        raise NetreelError(str(error)) from None
    except GifTooLong as error:
        raise NetreelError(f"{str(source)!r}: {error}") from None
    settings = GifSettings(frames.fps, 1.0, DEFAULT_GIF_COLORS)
    with tempfile.TemporaryDirectory(prefix="netreel-") as workdir:
        made = Path(workdir) / "clip.gif"
        try:
            note = write_requested_gif(frames, made, GifRequest(settings, max_bytes))
        except GifTooLarge as error:
            raise NetreelError(f"--max-size: {error}") from None
        note = note or settings.describe(frames.shape)
        publish_files([(made, target, f"{note}, {frames.duration:.1f} s")], quiet=quiet)
