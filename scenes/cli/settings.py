"""Output settings every rendering command shares: quality, size, rate, format, theme, path."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from ..base import number_text
from ..output.gif import GifSettings
from ..output.jobs import GifRequest
from ..output.writers import parse_size
from ..theme import THEMES
from .errors import NetreelError, os_error_text
from .options import Number

__all__ = [
    "QUALITIES", "FORMATS", "VIDEO_FORMATS", "MIN_FPS", "MAX_FPS", "Output", "parse_frame_size",
    "resolve_output", "check_writable", "common_options",
]


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
#: Frame rates: below one frame a second a video encoder (and a GIF's timing) has nothing to work with.
MIN_FPS, MAX_FPS = 1, 120
#: Longest file name (one path component) and whole path, in bytes, as Linux allows.
NAME_MAX, PATH_MAX = 255, 4096
MAX_WIDTH, MAX_HEIGHT = 7680, 4320
MIN_SIDE = 16
#: Latest moment ``--at`` may ask for, in seconds (an hour).
MAX_AT = 3600


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
    captions: bool = True
    at: float | None = None

    def gif_request(self) -> GifRequest:
        return GifRequest(GifSettings(self.fps, 1.0, DEFAULT_GIF_COLORS), self.max_bytes)


def parse_frame_size(text: str) -> tuple[int, int]:
    """``(width, height)`` from ``"854x480"``, each side within the allowed range.

    Raises
    ------
    NetreelError
        Naming ``--size`` and what is allowed.
    """
    match = re.fullmatch(r"\s*([0-9]{1,6})\s*[xX×]\s*([0-9]{1,6})\s*", text)
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
    captions: bool = True,
    at: float | None = None,
) -> Output:
    """Check the common options and settle the defaults.

    The format comes from ``--format``, else the output's extension, else mp4;
    the quality defaults to ``m`` (``l`` for GIFs). ``at`` (seconds) is for a PNG only.
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
        width, height = parse_frame_size(size)
    if format in VIDEO_FORMATS and (width % 2 or height % 2):
        raise NetreelError(f"--size must have an even width and height for {format}; got {width}x{height}")
    if fps is not None:
        if not MIN_FPS <= fps <= MAX_FPS:
            raise NetreelError(f"--fps must be between {MIN_FPS} and {MAX_FPS}; got {number_text(fps)}")
        rate = fps
    max_bytes = None
    if max_size is not None:
        if format != "gif":
            raise NetreelError("--max-size applies to GIFs only (use --format gif)")
        try:
            max_bytes = parse_size(max_size)
        except ValueError as error:
            raise NetreelError(f"--max-size: {error}") from None
    if at is not None and format != "png":
        raise NetreelError("--at picks a still's moment: use it with --format png")
    if at is not None and not 0 <= at <= MAX_AT:
        raise NetreelError(f"--at must be between 0 and {MAX_AT} seconds; got {number_text(at)}")
    path = Path(output) if output else Path("renders") / f"{stem}.{format}"
    return Output(width, height, rate, format, theme, path, seed, max_bytes, captions, at)


def check_writable(path: Path) -> None:
    """Make sure ``path`` can be published later, leaving nothing written and no folder made.

    Refuses a NUL byte, a name or path longer than Linux allows, a folder or a
    mount point in the way, a part of the folder that is a file, and a folder that
    cannot be written (read-only, no permission, or one such as ``/proc`` or ``/sys``
    that refuses new files whatever its permission bits say).

    Raises
    ------
    NetreelError
        One line naming the output and the problem.
    """
    text = os.fspath(path)
    shown = repr(text if len(text) <= 80 else text[:60] + "..." + text[-16:])
    if "\0" in text:
        raise NetreelError(f"output {shown} contains a NUL byte")
    if len(os.fsencode(text)) >= PATH_MAX:
        raise NetreelError(f"output {shown} is longer than {PATH_MAX - 1} bytes")
    long = [part for part in Path(text).parts if len(os.fsencode(part)) > NAME_MAX]
    if long:
        raise NetreelError(f"output {shown}: the name {long[0][:40]!r}... is longer than {NAME_MAX} bytes")
    try:
        if path.is_dir():
            raise NetreelError(f"output {shown} is a folder; give a file name")
        if path.exists() and not path.is_file():
            raise NetreelError(f"output {shown} is not a regular file")
        if _is_mount_point(path):
            raise NetreelError(f"output {shown} is a mount point; give another file name")
        folder = path.parent
        if ".." in folder.parts and not os.path.lexists(folder):
            raise NetreelError(f"cannot write {shown}: its folder {str(folder)!r} goes up ('..') from a folder "
                               "that does not exist")
        while not os.path.lexists(folder):
            folder = folder.parent
        if not folder.is_dir():
            raise NetreelError(f"cannot write {shown}: a part of its folder is a file")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise NetreelError(f"cannot write to folder {str(folder)!r}: read-only or no permission")
        _try_a_file_in(folder)
    except OSError as error:
        raise NetreelError(f"cannot write {shown}: {os_error_text(error)}") from None


def _try_a_file_in(folder: Path) -> None:
    """Make and remove an empty file in ``folder``, as publishing will.

    Permission bits say nothing for root, and ``/proc`` or ``/sys`` refuse a new
    file whatever they say: only trying tells, before anything renders.
    """
    try:
        handle, name = tempfile.mkstemp(prefix=".netreel-probe-", dir=folder)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise NetreelError(f"cannot write to folder {str(folder)!r}: it takes no new file ({reason})") from None
    os.close(handle)
    os.unlink(name)


def _is_mount_point(path: Path) -> bool:
    """Whether something is mounted at ``path`` (a file bind-mounted there included)."""
    if not path.exists():
        return False
    if os.path.ismount(path):
        return True
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            points = {_unescape(line.split()[4]) for line in handle if len(line.split()) > 4}
    except OSError:
        return False
    return os.path.realpath(path) in points


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash as three octal digits.
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match.group(1), 8)), field)


def common_options(formats: Sequence[str] = FORMATS, *, captions: bool = False, at: bool = False) -> Callable:
    """The options every rendering command shares; ``captions`` adds ``--no-captions``, ``at`` adds ``--at``."""
    options = [
        click.option("-q", "--quality", type=click.Choice(list(QUALITIES), case_sensitive=False),
                     help="l=480p15, m=720p30, h=1080p60, k=2160p60.  [default: m; l for gif]"),
        click.option("-f", "--format", "format", type=click.Choice(list(formats), case_sensitive=False),
                     help=f"Output format{' (png: the last frame)' if 'png' in formats else ''}."
                          f"  [default: from -o, else {formats[0]}]"),
        click.option("-o", "--output", type=click.Path(dir_okay=True, path_type=Path),
                     help="Output file.  [default: renders/<name>.<format>]"),
        click.option("--theme", type=click.Choice(list(THEMES)), default="dark", show_default=True,
                     help="Colour theme."),
        click.option("--seed", type=Number(int, 0, 2**32 - 1),
                     help="Seed for the scene's seed option and for numpy/random."),
        click.option("--fps", type=Number(float), help=f"Frame rate, {MIN_FPS} to {MAX_FPS} (overrides --quality)."),
        click.option("--size", metavar="WxH", help="Frame size, e.g. 854x480 (overrides --quality)."),
        click.option("--max-size", metavar="SIZE",
                     help="GIF only: shrink fps, then size, then colours to fit, e.g. 2MB."),
        click.option("--quiet", is_flag=True, help="Print nothing but errors."),
    ]
    if captions:
        options.append(click.option("--no-captions", is_flag=True,
                                    help="Leave the running caption out (the timing stays the same)."))
    if at:
        options.append(click.option("--at", type=Number(float), metavar="SECONDS",
                                    help="With -f png: the moment of the still.  [default: the last frame]"))

    def decorate(function: Callable) -> Callable:
        for add in reversed(options):
            function = add(function)
        return function

    return decorate
