"""Output settings every rendering command shares: quality, size, rate, format, theme, path."""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from ..output.render import GifRequest
from ..output.writers import GifSettings, parse_size
from ..theme import THEMES
from .errors import NetreelError

__all__ = ["QUALITIES", "FORMATS", "VIDEO_FORMATS", "Output", "resolve_output", "check_writable", "common_options"]


#: ``--quality``: frame size and rate, as Manim's -ql/-qm/-qh/-qk.
QUALITIES: dict[str, tuple[int, int, int]] = {
    "l": (854, 480, 15),
    "m": (1280, 720, 30),
    "h": (1920, 1080, 60),
    "k": (3840, 2160, 60),
}
FORMATS = ("mp4", "webm", "gif", "png")
VIDEO_FORMATS = ("mp4", "webm")
DEFAULT_GIF_COLORS = 128
MAX_FPS = 120
MAX_WIDTH, MAX_HEIGHT = 7680, 4320
MIN_SIDE = 16


@dataclass(frozen=True)
class Output:
    """Where and how to write: frame size and rate, format, theme, path."""

    width: int
    height: int
    fps: float
    format: str
    theme: str
    path: Path
    seed: int | None = None
    max_bytes: int | None = None

    def gif_request(self) -> GifRequest:
        return GifRequest(GifSettings(self.fps, 1.0, DEFAULT_GIF_COLORS), self.max_bytes)


def _parse_frame_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not match:
        raise NetreelError(f"--size must be WIDTHxHEIGHT, e.g. 854x480; got {text!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if not (MIN_SIDE <= width <= MAX_WIDTH and MIN_SIDE <= height <= MAX_HEIGHT):
        raise NetreelError(
            f"--size must be between {MIN_SIDE}x{MIN_SIDE} and {MAX_WIDTH}x{MAX_HEIGHT}; got {text!r}"
        )
    return width, height


def resolve_output(
    *,
    stem: str,
    quality: str | None,
    format: str | None,
    output: str | Path | None,
    theme: str = "dark",
    seed: int | None = None,
    fps: float | None = None,
    size: str | None = None,
    max_size: str | None = None,
    formats: Sequence[str] = FORMATS,
) -> Output:
    """Check the common options and settle the defaults.

    The format comes from ``--format``, else the output's extension, else mp4;
    the quality defaults to ``m`` (``l`` for GIFs).
    """
    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    if format is None:
        format = suffix if suffix in formats else formats[0]
    format = format.lower()
    if format not in formats:
        raise NetreelError(f"--format must be one of {', '.join(formats)}; got {format!r}")
    if output and suffix != format:
        raise NetreelError(f"--output {str(output)!r} must end with .{format} for --format {format}")
    if theme not in THEMES:
        raise NetreelError(f"--theme must be one of {', '.join(THEMES)}; got {theme!r}")
    quality = (quality or ("l" if format == "gif" else "m")).lower()
    if quality not in QUALITIES:
        raise NetreelError(f"--quality must be one of {', '.join(QUALITIES)}; got {quality!r}")
    width, height, rate = QUALITIES[quality]
    if size is not None:
        width, height = _parse_frame_size(size)
    if format in VIDEO_FORMATS and (width % 2 or height % 2):
        raise NetreelError(f"--size must have an even width and height for {format}; got {width}x{height}")
    if fps is not None:
        if not (math.isfinite(fps) and 0 < fps <= MAX_FPS):
            raise NetreelError(f"--fps must be more than 0 and at most {MAX_FPS}; got {fps:g}")
        rate = fps
    max_bytes = None
    if max_size is not None:
        if format != "gif":
            raise NetreelError("--max-size applies to GIFs only (use --format gif)")
        try:
            max_bytes = parse_size(max_size)
        except ValueError as error:
            raise NetreelError(f"--max-size: {error}") from None
    path = Path(output) if output else Path("renders") / f"{stem}.{format}"
    return Output(width, height, rate, format, theme, path, seed, max_bytes)


def check_writable(path: Path) -> None:
    """Make sure ``path`` can be written (creating its folder); raise NetreelError if not."""
    if path.is_dir():
        raise NetreelError(f"output {str(path)!r} is a folder; give a file name")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".netreel-check-"):
            pass
    except (FileExistsError, NotADirectoryError):
        raise NetreelError(f"cannot write {str(path)!r}: a part of its folder is a file") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise NetreelError(f"cannot write to folder {str(folder)!r}: {reason}") from None


def common_options(formats: Sequence[str] = FORMATS) -> Callable:
    """The options every rendering command shares."""
    options = [
        click.option("-q", "--quality", type=click.Choice(list(QUALITIES), case_sensitive=False),
                     help="l=480p15, m=720p30, h=1080p60, k=2160p60.  [default: m; l for gif]"),
        click.option("-f", "--format", "format", type=click.Choice(list(formats), case_sensitive=False),
                     help=f"Output format (png: the last frame).  [default: from -o, else {formats[0]}]"),
        click.option("-o", "--output", type=click.Path(dir_okay=True, path_type=Path),
                     help="Output file.  [default: renders/<name>.<format>]"),
        click.option("--theme", type=click.Choice(list(THEMES)), default="dark", show_default=True,
                     help="Colour theme."),
        click.option("--seed", type=click.IntRange(0, 2**32 - 1),
                     help="Seed for the scene's seed option and for numpy/random."),
        click.option("--fps", type=float, help="Frame rate (overrides --quality)."),
        click.option("--size", metavar="WxH", help="Frame size, e.g. 854x480 (overrides --quality)."),
        click.option("--max-size", metavar="SIZE",
                     help="GIF only: shrink fps, then size, then colours to fit, e.g. 2MB."),
        click.option("--quiet", is_flag=True, help="Print nothing but errors."),
    ]

    def decorate(function: Callable) -> Callable:
        for add in reversed(options):
            function = add(function)
        return function

    return decorate
