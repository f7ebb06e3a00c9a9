"""The ``netreel`` command: list, render, explainer and trace.

Every problem with the input (an unknown scene or flag, a bad value, an
unreadable spec, an unwritable folder, a diverging training run) is one line
on stderr starting with ``Error:`` and exit code 2; it is found before
anything renders and no file is written. Files are written atomically and
reported with their size.

Scene flags come from the scene's options dataclass. Tuple options take one
quoted argument: numbers separated by commas (``--interval -1,1``), and for
tuples of tuples, groups separated by spaces (``--cases "1,1 1,-1 -1,1"``).
"""

from __future__ import annotations

import math
import re
import sys
import tempfile
import tomllib
import typing
from collections.abc import Callable, Sequence
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import click

from .base import NetreelScene, SceneOptions, flag_name
from .registry import UnknownScene, find_scene, scenes
from .render import GifRequest, Job, JobFailed, JobResult, run_jobs, scene_path
from .theme import THEMES
from .writers import GifSettings, format_size, parse_size, publish

__all__ = ["main", "TupleShape"]

#: ``--quality``: frame size and rate, as Manim's -ql/-qm/-qh/-qk.
QUALITIES: dict[str, tuple[int, int, int]] = {
    "l": (854, 480, 15),
    "m": (1280, 720, 30),
    "h": (1920, 1080, 60),
    "k": (3840, 2160, 60),
}
FORMATS = ("mp4", "webm", "gif", "png")
VIDEO_FORMATS = ("mp4", "webm")
DEFAULT_GIF_COLOURS = 128
MAX_FPS = 120
MAX_WIDTH, MAX_HEIGHT = 7680, 4320
MIN_SIDE = 16
COMMON_FLAGS = frozenset(
    {"quality", "format", "output", "theme", "seed", "fps", "size", "max_size", "quiet", "jobs", "spec"}
)


class NetreelError(click.ClickException):
    """A problem with what the user asked for: one line, exit code 2."""

    exit_code = 2


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# ------------------------------------------------------------ tuple options


@dataclass(frozen=True)
class TupleShape:
    """The shape of a tuple option, read from its type hint.

    ``count`` is the number of entries (None: any); ``group`` is None when
    entries are numbers, k when they are k-tuples, 0 for tuples of any length.
    """

    item: type
    count: int | None
    group: int | None = None

    @classmethod
    def from_hint(cls, hint: Any) -> TupleShape:
        args = typing.get_args(hint)
        if not args:
            raise TypeError(f"tuple option {hint!r} must say its item type")
        variable = len(args) == 2 and args[1] is Ellipsis
        first = args[0]
        if typing.get_origin(first) is tuple:
            inner = cls.from_hint(first)
            if inner.group is not None:
                raise TypeError(f"tuple option {hint!r} nests too deeply")
            return cls(inner.item, None if variable else len(args), inner.count or 0)
        if first not in (int, float):
            raise TypeError(f"tuple option {hint!r} must hold numbers")
        return cls(first, None if variable else len(args))

    def syntax(self) -> str:
        """How to write a value, for help texts: ``a,b`` or ``a,b c,d ...``."""
        letters = iter("abcdefghijklmnopqrstuvwxyz")

        def run(n: int | None) -> str:
            return ",".join(next(letters) for _ in range(n)) if n else f"{next(letters)},{next(letters)},..."

        if self.group is None:
            return run(self.count)
        groups = [run(self.group) for _ in range(self.count or 2)]
        return " ".join(groups) + (" ..." if self.count is None else "")

    def format(self, value: Sequence[Any]) -> str:
        """A value written the way :meth:`parse` reads it."""
        if self.group is None:
            return ",".join(_number_text(v) for v in value)
        return " ".join(",".join(_number_text(v) for v in group) for group in value)

    def parse(self, text: str) -> tuple[Any, ...]:
        """Read a value such as ``"-1,1"`` or ``"1,1 1,-1"``."""
        if self.group is None:
            parts = [p for p in re.split(r"[\s,]+", text.strip()) if p]
            return self.convert([self._number(p) for p in parts])
        groups = [g for g in re.split(r"[\s;]+", text.strip()) if g]
        return self.convert([[self._number(p) for p in g.split(",") if p] for g in groups])

    def convert(self, value: Any) -> tuple[Any, ...]:
        """Check and convert a list value (from TOML) or a parsed one."""
        if isinstance(value, str):
            return self.parse(value)
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected {self.syntax()}")
        if self.count is not None and len(value) != self.count:
            raise ValueError(f"expected {self.syntax()}; got {len(value)} entries")
        if self.group is None:
            return tuple(self._item(v) for v in value)
        out = []
        for group in value:
            if not isinstance(group, (list, tuple)) or (self.group and len(group) != self.group):
                raise ValueError(f"expected {self.syntax()}")
            out.append(tuple(self._item(v) for v in group))
        return tuple(out)

    def _number(self, text: str) -> int | float:
        try:
            return int(text) if self.item is int else float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number; expected {self.syntax()}") from None

    def _item(self, value: Any) -> int | float:
        if isinstance(value, str):
            return self._number(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{value!r} is not a number; expected {self.syntax()}")
        if self.item is int and value != int(value):
            raise ValueError(f"{value!r} is not a whole number")
        return self.item(value)


def _number_text(value: float) -> str:
    return f"{value:g}"


class _TupleParam(click.ParamType):
    name = "tuple"

    def __init__(self, shape: TupleShape) -> None:
        self.shape = shape

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        try:
            return self.shape.parse(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


# ------------------------------------------------------------ scene options


@dataclass(frozen=True)
class SceneField:
    """One scene option as the command line and spec files see it."""

    name: str
    kind: type
    default: Any
    help: str
    shape: TupleShape | None = None
    choices: tuple[str, ...] | None = None

    @property
    def flag(self) -> str:
        return flag_name(self.name)

    def default_text(self) -> str:
        if self.shape is not None:
            return f'"{self.shape.format(self.default)}"'
        if isinstance(self.default, bool):
            return "on" if self.default else "off"
        if isinstance(self.default, str):
            return self.default or "''"
        return _number_text(self.default) if isinstance(self.default, float) else str(self.default)

    def full_help(self) -> str:
        text = self.help
        if self.shape is not None:
            text += f" [{self.shape.syntax()}]"
        if self.choices:
            text += f" [{'|'.join(self.choices)}]"
        return text

    def convert(self, value: Any) -> Any:
        """A value from a spec file or a flag, as the options dataclass wants it."""
        if self.shape is not None:
            return self.shape.convert(value)
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value


def scene_fields(scene: type[NetreelScene]) -> list[SceneField]:
    """The options of ``scene``, except ``seed`` (the common ``--seed`` sets it)."""
    hints = typing.get_type_hints(scene.Options)
    out = []
    for f in fields(scene.Options):
        if f.name == "seed":
            continue
        if f.name in COMMON_FLAGS:
            raise TypeError(f"{scene.__name__} option {f.name!r} clashes with a common flag")
        kind = hints[f.name]
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        shape = TupleShape.from_hint(kind) if typing.get_origin(kind) is tuple else None
        choices = f.metadata.get("choices")
        out.append(SceneField(
            f.name, kind, default, f.metadata.get("help", ""), shape,
            tuple(choices) if choices else None,
        ))
    return out


def _click_option(item: SceneField) -> click.Option:
    help_text = item.full_help()
    if item.kind is bool:
        return click.Option(
            [f"{item.flag}/--no-{item.flag[2:]}", item.name], default=None,
            help=help_text, show_default=item.default_text(),
        )
    kinds: dict[type, click.ParamType] = {int: click.INT, float: click.FLOAT, str: click.STRING}
    param = _TupleParam(item.shape) if item.shape else kinds.get(item.kind, click.STRING)
    if item.choices:
        param = click.Choice(item.choices)
    return click.Option(
        [item.flag, item.name], type=param, default=None, help=help_text,
        show_default=item.default_text(), metavar=_metavar(item),
    )


def _metavar(item: SceneField) -> str:
    if item.shape is not None:
        return "LIST"
    if item.choices:
        return "[" + "|".join(item.choices) + "]"
    return {int: "INTEGER", float: "NUMBER", str: "TEXT"}.get(item.kind, "VALUE")


def build_options(
    scene: type[NetreelScene], values: dict[str, Any], seed: int | None
) -> SceneOptions:
    """Validated options of ``scene`` from user values (unset ones keep their defaults).

    Raises
    ------
    NetreelError
        For an unknown name or a bad value, naming the flag.
    """
    known = {item.name: item for item in scene_fields(scene)}
    given = {}
    for name, value in values.items():
        key = name.replace("-", "_")
        if key not in known:
            allowed = ", ".join(item.flag[2:] for item in known.values()) or "none"
            raise NetreelError(f"{scene.name} has no parameter {name!r} (allowed: {allowed})")
        try:
            given[key] = known[key].convert(value)
        except ValueError as error:
            raise NetreelError(f"{known[key].flag}: {error}") from None
    if seed is not None and "seed" in {f.name for f in fields(scene.Options)}:
        given["seed"] = seed
    try:
        options = scene.Options(**given)
        options.validate()
    except (ValueError, TypeError) as error:
        raise NetreelError(_one_line(error)) from None
    return options


# ------------------------------------------------------------ output settings


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
        return GifRequest(GifSettings(self.fps, 1.0, DEFAULT_GIF_COLOURS), self.max_bytes)


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


# ------------------------------------------------------------ running jobs


@dataclass
class Plan:
    """A job and where each of its files goes."""

    job: Job
    targets: dict[str, Path] = field(default_factory=dict)  # JobResult attribute -> file


def _job_for(scene: type[NetreelScene], options: SceneOptions, out: Output) -> Plan:
    job = Job(
        scene_path(scene), options, out.theme, out.width, out.height, out.fps,
        seed=out.seed if out.seed is not None else 0,
        video=out.format if out.format in VIDEO_FORMATS else None,
        gif=out.gif_request() if out.format == "gif" else None,
        png=out.format == "png",
    )
    kind = {"gif": "gif", "png": "png"}.get(out.format, "movie")
    return Plan(job, {kind: out.path})


def render_plans(
    plans: Sequence[Plan], *, processes: int, quiet: bool,
    finish: Callable[[list[JobResult], Path], list[tuple[Path, Path, str]]] | None = None,
) -> None:
    """Render every plan, then publish all files at once and report them.

    ``finish(results, workdir)`` may add files made from several results (the
    explainer's joined video) as ``(made, target, note)`` triples.
    """
    with tempfile.TemporaryDirectory(prefix="netreel-") as workdir:
        try:
            results = _run(plans, workdir, processes, quiet)
            made = [
                (getattr(result, kind), target, result.gif_note if kind == "gif" else "")
                for plan, result in zip(plans, results)
                for kind, target in plan.targets.items()
            ]
            if finish is not None:
                made += finish(results, Path(workdir))
        except ValueError as error:
            message = _explain(error)
            if message is None:
                raise
            raise NetreelError(message) from None
        for source, target, note in made:
            publish(source, target)
        if not quiet:
            for _, target, note in made:
                click.echo(f"{target}  {format_size(target.stat().st_size)}" + (f"  ({note})" if note else ""))


def _explain(error: ValueError) -> str | None:
    """One line for a user-caused error while rendering; None for anything else (a bug)."""
    kind = error.kind if isinstance(error, JobFailed) else type(error).__name__
    message = _one_line(error)
    if kind == "TrainingDiverged":
        hint = "" if "smaller learning rate" in message else "; try a smaller learning rate (--lr)"
        return message + hint
    if kind in ("GifTooLarge", "TargetError"):
        flag = "--max-size" if kind == "GifTooLarge" else "--target"
        return message if message.startswith("--") else f"{flag}: {message}"
    return None


def _run(plans: Sequence[Plan], workdir: str, processes: int, quiet: bool) -> list[JobResult]:
    jobs = [plan.job for plan in plans]
    if quiet or processes <= 1 or len(jobs) <= 1:
        return run_jobs(jobs, workdir, processes=processes, progress=not quiet)
    with click.progressbar(length=len(jobs), label=f"Rendering {len(jobs)} scenes", file=sys.stderr) as bar:
        return run_jobs(jobs, workdir, processes=processes, on_done=lambda _: bar.update(1))


# ------------------------------------------------------------ commands


class _Main(click.Group):
    """Turns every error into one ``Error:`` line (no usage block, no traceback)."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            click.echo(f"Error: {_one_line(error.format_message())}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Error: interrupted; no file was written", err=True)
            sys.exit(130)
        sys.exit(0)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Animations, computed by a small numpy network, of how neurons network to learn."""


@main.command("list")
def list_scenes() -> None:
    """Every scene with its description and parameters."""
    for name, scene in scenes().items():
        click.echo(f"{name} ({scene.__name__}): {scene.description}")
        for item in scene_fields(scene):
            click.echo(f"  {item.flag} {item.default_text()}")
            click.echo(click.wrap_text(item.full_help(), initial_indent=" " * 6, subsequent_indent=" " * 6))
        if "seed" in {f.name for f in fields(scene.Options)}:
            click.echo("  --seed N\n      random seed (the common option)")
        click.echo()
    click.echo(
        'Lists are one quoted argument: numbers separated by commas (--interval "-1,1"), '
        'groups of numbers separated by spaces (--cases "1,1 1,-1").\n'
        "Common options of every scene: netreel render SCENE --help."
    )


class _SceneGroup(click.Group):
    """``netreel render SCENE``: one subcommand per scene, built from its options."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(scenes())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        try:
            scene = find_scene(name)
        except UnknownScene as error:
            raise NetreelError(str(error)) from None
        return _scene_command(scene)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple:
        name = args[0]
        if name.startswith("-"):
            raise NetreelError(f"no such option: {name} (see 'netreel render --help')")
        command = self.get_command(ctx, name)
        return command.name, command, args[1:]


def _scene_command(scene: type[NetreelScene]) -> click.Command:
    items = scene_fields(scene)

    @common_options()
    @click.pass_context
    def command(ctx: click.Context, quality, format, output, theme, seed, fps, size, max_size, quiet, **values):
        out = resolve_output(
            stem=scene.name, quality=quality, format=format, output=output, theme=theme,
            seed=seed, fps=fps, size=size, max_size=max_size,
        )
        given = {name: value for name, value in values.items() if value is not None}
        options = build_options(scene, given, seed)
        check_writable(out.path)
        quiet = quiet or ctx.parent.params.get("quiet", False)
        render_plans([_job_for(scene, options, out)], processes=1, quiet=quiet)

    command = click.command(
        scene.name, help=f"{scene.description}\n\nScene: {scene.__name__}.",
        context_settings={"help_option_names": ["-h", "--help"]},
    )(command)
    command.params.extend(_click_option(item) for item in items)
    return command


@main.group(cls=_SceneGroup, invoke_without_command=True, subcommand_metavar="SCENE [OPTIONS]")
@click.option("--spec", type=click.Path(path_type=Path), help="Render the scenes of a TOML spec file.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="With --spec: scenes rendered in parallel processes.")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@click.pass_context
def render(ctx: click.Context, spec: Path | None, jobs: int, quiet: bool) -> None:
    """Render one scene (netreel render SCENE --help shows its options) or a --spec file."""
    if ctx.invoked_subcommand is not None:
        if spec is not None:
            raise NetreelError("give either a SCENE or --spec, not both")
        return
    if spec is None:
        raise NetreelError(f"give a scene to render ({', '.join(scenes())}) or --spec FILE")
    plans = read_spec(spec)
    render_plans(plans, processes=jobs, quiet=quiet)


# ------------------------------------------------------------ spec files

_SETTING_KEYS = ("quality", "format", "output", "theme", "seed", "fps", "size", "max_size")


def read_spec(path: Path) -> list[Plan]:
    """The plans of a TOML spec file: one scene, or several ``[[scene]]`` tables.

    Top-level settings (theme, quality, format, fps, size, seed, max_size) are
    defaults for every entry; an entry's other keys are the scene's parameters.
    """
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise NetreelError(f"cannot read spec {str(path)!r}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise NetreelError(f"spec {str(path)!r} is not valid TOML: {_one_line(error)}") from None
    entries = data.get("scene")
    defaults = {key: value for key, value in data.items() if key != "scene"}
    if isinstance(entries, str):
        entries, defaults = [{"scene": entries, **defaults}], {}
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise NetreelError(f"spec {str(path)!r} needs scene = \"NAME\" or [[scene]] tables with a scene key")
    unknown = set(defaults) - set(_SETTING_KEYS)
    if unknown:
        raise NetreelError(
            f"spec {str(path)!r}: unknown top-level key {sorted(unknown)[0]!r} "
            f"(allowed: scene, {', '.join(_SETTING_KEYS)})"
        )
    plans, seen = [], set()
    for number, entry in enumerate(entries, 1):
        where = f"spec {str(path)!r}, scene {number}"
        try:
            plan = _spec_plan({**defaults, **entry})
        except NetreelError as error:
            raise NetreelError(f"{where}: {error.message}") from None
        for target in plan.targets.values():
            if target.resolve() in seen:
                raise NetreelError(f"{where}: another scene also writes {str(target)!r}; give each an output")
            seen.add(target.resolve())
        plans.append(plan)
    return plans


def _spec_plan(entry: dict[str, Any]) -> Plan:
    name = entry.pop("scene", None)
    if not isinstance(name, str):
        raise NetreelError("needs a scene name (scene = \"uat\")")
    try:
        scene = find_scene(name)
    except UnknownScene as error:
        raise NetreelError(str(error)) from None
    settings = {key.replace("-", "_"): entry.pop(key) for key in list(entry) if key.replace("-", "_") in _SETTING_KEYS}
    for key, kind in (("fps", (int, float)), ("seed", int)):
        value = settings.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
            raise NetreelError(f"{key} must be a number; got {value!r}")
    for key in ("quality", "format", "output", "theme", "size", "max_size"):
        value = settings.get(key)
        if value is not None and not isinstance(value, str):
            raise NetreelError(f"{key} must be a string; got {value!r}")
    seed = settings.pop("seed", None)
    if seed is not None and not 0 <= seed < 2**32:
        raise NetreelError(f"seed must be between 0 and {2**32 - 1}; got {seed}")
    settings = {"quality": None, "format": None, "output": None, "theme": "dark", **settings}
    out = resolve_output(stem=scene.name, seed=seed, **settings)
    options = build_options(scene, entry, seed)
    check_writable(out.path)
    return _job_for(scene, options, out)


# ------------------------------------------------------------ explainer


@main.command()
@common_options(formats=("mp4", "webm", "gif"))
@click.option("--gifs", is_flag=True, help="Also write one GIF per section (without its title card).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Sections rendered in parallel processes.")
def explainer(quality, format, output, theme, seed, fps, size, max_size, quiet, gifs, jobs) -> None:
    """The whole story in one video, each section after a title card."""
    from .explainer import SECTIONS, concat_videos, story_jobs

    out = resolve_output(
        stem="explainer", quality=quality, format=format, output=output, theme=theme,
        seed=seed, fps=fps, size=size, max_size=max_size if not gifs else None,
        formats=("mp4", "webm", "gif"),
    )
    gif_out = None
    if gifs:
        gif_out = resolve_output(
            stem="explainer", quality=quality, format="gif", output=None, theme=theme,
            seed=seed, fps=out.fps, size=f"{out.width}x{out.height}", max_size=max_size,
        )
    elif max_size and out.format != "gif":
        raise NetreelError("--max-size applies to GIFs only (use --format gif or --gifs)")
    for section in SECTIONS:
        build_options(find_scene(section.name), {}, seed)
    check_writable(out.path)
    jobs_list = story_jobs(
        theme=out.theme, width=out.width, height=out.height, fps=out.fps, seed=seed,
        video=out.format if out.format in VIDEO_FORMATS else None,
        gifs=gif_out.gif_request() if gif_out else None,
        keep_frames=out.format == "gif",
    )
    plans = [Plan(job) for job in jobs_list]
    if gif_out:
        scene_plans = [plan for plan in plans if plan.job.gif is not None]
        for number, (plan, section) in enumerate(zip(scene_plans, SECTIONS), 1):
            plan.targets["gif"] = out.path.with_name(f"{out.path.stem}-{number}-{section.name}.gif")

    def finish(results: list[JobResult], workdir: Path) -> list[tuple[Path, Path, str]]:
        joined = workdir / f"explainer.{out.format}"
        if out.format == "gif":
            from .writers import FrameStore, fit_gif, write_gif

            frames = FrameStore(out.fps)
            for result in results:
                frames.extend(result.frames)
            request = out.gif_request()
            if request.max_bytes is None:
                write_gif(frames, joined, request.settings)
                return [(joined, out.path, "")]
            chosen, _ = fit_gif(frames, joined, request.settings, request.max_bytes)
            return [(joined, out.path, f"{chosen.describe(frames.shape)} to fit {format_size(request.max_bytes)}")]
        concat_videos([result.movie for result in results], joined)
        return [(joined, out.path, "")]

    render_plans(plans, processes=jobs, quiet=quiet, finish=finish)


# ------------------------------------------------------------ trace


def _netcore_defaults() -> dict[str, Any]:
    import netcore

    return {
        "target": netcore.DEFAULT_TARGET, "neurons": netcore.DEFAULT_NEURONS, "steps": netcore.DEFAULT_STEPS,
        "lr": netcore.DEFAULT_LR, "frames": netcore.DEFAULT_FRAMES,
    }


@main.command()
@click.option("--target", help="Function to learn: an expression in x (sin, exp, abs, pi, ...) or a preset "
              "(sine, bump, abs, sawtooth, wiggly, step).  [default: wiggly]")
@click.option("--neurons", type=click.IntRange(1, 1000), help="Hidden neurons.  [default: 12]")
@click.option("--activation", type=click.Choice(["sigmoid", "tanh", "relu"]), default="sigmoid",
              show_default=True, help="Hidden activation.")
@click.option("--steps", type=click.IntRange(1, 10_000_000), help="Training steps.  [default: 8000]")
@click.option("--lr", type=float, help="Learning rate, above 0.  [default: 0.05]")
@click.option("--optimizer", type=click.Choice(["adam", "momentum", "sgd"]), default="adam", show_default=True)
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True, help="Initial weights.")
@click.option("--frames", type=click.IntRange(2, 100_000), help="Training steps recorded.  [default: 120]")
@click.option("--interval", default="-1,1", show_default=True, help='x range trained on: "LOW,HIGH".')
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("renders/trace.npz"),
              show_default=True, help="Trace file (.npz).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def trace(target, neurons, activation, steps, lr, optimizer, seed, frames, interval, output, quiet) -> None:
    """Train a network on a function and save its Trace (replay: netreel render uat --trace FILE)."""
    import netcore

    settings = {**_netcore_defaults(), **{
        key: value for key, value in
        {"target": target, "neurons": neurons, "steps": steps, "lr": lr, "frames": frames}.items()
        if value is not None
    }}
    if not (math.isfinite(settings["lr"]) and settings["lr"] > 0):
        raise NetreelError(f"--lr must be a finite number above 0; got {settings['lr']:g}")
    if output.suffix != ".npz":
        raise NetreelError(f"--output must end with .npz; got {str(output)!r}")
    try:
        netcore.parse_target(settings["target"])
    except netcore.TargetError as error:
        raise NetreelError(f"--target: {_one_line(error)}") from None
    check_writable(output)
    try:
        result = netcore.fit_function(
            activation=activation, optimizer=optimizer, seed=seed, interval=_interval(interval), **settings
        )
    except ValueError as error:
        raise NetreelError(_explain(error) or _one_line(error)) from None
    result.save(output)
    if not quiet:
        click.echo(
            f"{output}  {format_size(output.stat().st_size)}  "
            f"({len(result)} frames over {settings['steps']} steps, final loss {float(result.loss[-1]):.3g})"
        )


def _interval(text: str) -> tuple[float, float]:
    try:
        low, high = TupleShape(float, 2).parse(text)
    except ValueError:
        raise NetreelError(f'--interval must be two numbers "LOW,HIGH", e.g. -1,1; got {text!r}') from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise NetreelError(f"--interval must have finite LOW < HIGH; got {text!r}")
    return low, high


if __name__ == "__main__":
    main()
