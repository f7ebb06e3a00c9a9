"""The ``netreel`` command: list, render, explainer, trace and gif.

Every problem with the input (an unknown scene or flag, a bad value, an
unreadable spec, an unwritable folder, a diverging training run) is one line
on stderr starting with ``Error:`` and exit code 2; it is found before
anything renders and no file is written. A system failure while writing (a
full disk) is one such line with exit code 1; Ctrl-C, SIGTERM and SIGHUP
stop a run with exit code 128 + the signal, leaving no file behind. All files
of a run are published together at its end and reported with their size.
"""

from __future__ import annotations

import math
import signal
import sys
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import click
import numpy as np
from manim import Scene

from netcore.limits import check_trace_bytes, check_training_work

from ..base import NetreelScene, target_function
from ..output.frames import FrameStore
from ..output.jobs import JobResult, write_requested_gif
from ..output.subtitles import alt_text, joined_cues, write_srt, write_text, write_vtt
from ..output.video import chapters_text, clip_durations, concat_videos
from ..registry import UnknownScene, find_scene, scenes
from . import signals
from .console import say, settle_stdout
from .errors import NetreelError, one_line, os_error_text
from .options import Number, TupleShape, build_options, click_option, scene_fields
from .plans import Plan, alt_text_path, explain, plan_for, publish_files, render_plans
from .run_flags import run_options, subtitles_option
from .scene_file import is_file_ref, load_scene_file, options_for, scene_stem
from .settings import VIDEO_FORMATS, check_writable, common_options, resolve_output
from .spec import read_spec
from .story import story_clips
from .story_file import default_story, default_story_text, read_story
from .video_to_gif import gif

__all__ = ["main"]


#: Bounds of ``netreel trace --interval``: wider ranges overflow the grids, and sigmoids saturate.
INTERVAL_LIMIT = 1000.0


class _Main(click.Group):
    """Runs a command under :mod:`.signals` and turns every error into one ``Error:`` line.

    Called without ``args`` it is the ``netreel`` process itself (tests pass
    ``args``): signals are then ignored once the run is over, and a stdout that
    cannot be written is settled before Python's exit would complain about it.
    """

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        process = args is None
        with signals.handling(process=process):
            try:
                with self.make_context(prog_name or "netreel", sys.argv[1:] if process else list(args),
                                       **extra) as ctx:
                    self.invoke(ctx)
                code = 0
            except BaseException as error:  # every ending, Ctrl-C included, is reported by _exit_code
                code = _exit_code(error)
        if process:
            settle_stdout()
        sys.exit(code)


def _exit_code(error: BaseException) -> int:
    """Report how a run ended (one line on stderr) and return its exit code; re-raise a bug."""
    signum = signals.received()
    if signum is None and isinstance(error, (KeyboardInterrupt, click.Abort)):
        signum = signal.SIGINT
    if signum is not None:
        _error_line(f"interrupted ({signals.name(signum)}); no file was written")
        return 128 + signum
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code
    if isinstance(error, getattr(click.exceptions, "NoArgsIsHelpError", ())):
        click.echo(error.format_message(), err=True)  # no arguments at all: the help, as it is
        return error.exit_code
    if isinstance(error, click.ClickException):
        _error_line(error.format_message())
        return error.exit_code
    if isinstance(error, OSError):
        _error_line(os_error_text(error))
        return 1
    raise error


#: Longest error line: one that quotes a huge value keeps its start and its end.
MAX_ERROR_CHARS = 2000


def _error_line(message: str) -> None:
    line = one_line(message)
    if len(line) > MAX_ERROR_CHARS:
        line = f"{line[:MAX_ERROR_CHARS - 500]} [... {len(line) - MAX_ERROR_CHARS + 20:,} characters ...] {line[-480:]}"
    try:
        click.echo(f"Error: {line}", err=True)
    except OSError:
        pass  # no stderr to say it on; the exit code still does


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="netreel", message="netreel %(version)s")
def main() -> None:
    """Animations, computed by a small numpy network, of how neurons network to learn."""


@main.command("list")
def list_scenes() -> None:
    """Every scene with its description and parameters."""
    for name, scene in scenes().items():
        say(f"{name} ({scene.__name__}): {scene.description}")
        for item in scene_fields(scene):
            if item.kind is bool:  # a switch: --name / --no-name, shown with its default
                say(f"  {item.flag} / --no-{item.flag[2:]}  (default: {item.default_text()})")
            else:
                say(f"  {item.flag} {item.default_text()}")
            say(click.wrap_text(item.full_help(), initial_indent=" " * 6, subsequent_indent=" " * 6))
        if "seed" in {f.name for f in fields(scene.Options)}:
            say("  --seed N\n      random seed (the common option)")
        say()
    say(
        'Lists are one quoted argument: numbers separated by commas (--interval "-1,1"), '
        'groups of numbers separated by spaces (--cases "1,1 1,-1").\n'
        "Common options of every scene: netreel render SCENE --help.\n"
        "Your own scenes: netreel render path/to/file.py:ClassName (see examples/learn_sine.py)."
    )


class _SceneGroup(click.Group):
    """``netreel render SCENE``: one subcommand per scene, built from its options.

    ``SCENE`` may also be ``path/to/file.py:ClassName``, any Manim Scene in the user's
    file, imported only then.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(scenes())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if is_file_ref(name):
            return _scene_command(load_scene_file(name), name)
        try:
            scene = find_scene(name)
        except UnknownScene as error:
            raise NetreelError(f"{error} or path/to/file.py:ClassName") from None
        return _scene_command(scene, scene.name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple:
        name = args[0]
        if name.startswith("-"):
            raise NetreelError(f"no such option: {name} (see 'netreel render --help')")
        command = self.get_command(ctx, name)
        return command.name, command, args[1:]


def _scene_command(scene: type[Scene], name: str) -> click.Command:
    """The command of one scene: the common options, plus a NetreelScene's own flags and --no-captions."""
    own = issubclass(scene, NetreelScene)

    @common_options(captions=own, at=True)
    @subtitles_option
    @run_options("The scene's parts rendered in parallel processes.")
    @click.pass_context
    def command(ctx: click.Context, quality, format, output, theme, seed, fps, size, max_size, quiet, at,
                subtitles, jobs, scheduler, no_captions=False, **values):
        out = resolve_output(
            stem=scene_stem(scene), quality=quality, format=format, output=output, theme=theme,
            seed=seed, fps=fps, size=size, max_size=max_size, captions=not no_captions, at=at,
        )
        given = {name: value for name, value in values.items() if value is not None}
        options = options_for(scene, given, seed)
        group = ctx.parent.params
        render_plans([plan_for(scene, options, out, subtitles=subtitles)],
                     processes=jobs if jobs is not None else group.get("jobs") or 1,
                     scheduler=scheduler or group.get("scheduler"), quiet=quiet or group.get("quiet", False))

    about = getattr(scene, "description", "") or (scene.__doc__ or "").strip().split("\n")[0]
    kind = "" if own else " (a plain Manim scene: the theme gives its background; it has no flags of its own)"
    command = click.command(
        name, help=f"{about}\n\nScene: {scene.__name__}{kind}.",
        context_settings={"help_option_names": ["-h", "--help"]},
    )(command)
    if own:
        command.params.extend(click_option(item) for item in scene_fields(scene))
    return command


@main.group(cls=_SceneGroup, invoke_without_command=True, subcommand_metavar="SCENE [OPTIONS]")
@click.option("--spec", type=click.Path(path_type=Path),
              help="Render the scenes of a TOML spec file (a relative output is relative to its folder).")
@run_options("With --spec: the scenes and their parts rendered in parallel processes (a SCENE takes -j too).")
@click.option("--allow-code", is_flag=True,
              help="With --spec: run the Python scene files it names (scene = \"file.py:Class\").")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@click.pass_context
def render(ctx: click.Context, spec: Path | None, jobs: int | None, scheduler: str | None, allow_code: bool,
           quiet: bool) -> None:
    """Render one scene (netreel render SCENE --help shows its options) or a --spec file.

    SCENE is a built-in scene (netreel list) or path/to/file.py:ClassName, any Manim Scene of your own.
    """
    if ctx.invoked_subcommand is not None:
        if spec is not None:
            raise NetreelError("give either a SCENE or --spec, not both")
        return
    if spec is None:
        raise NetreelError(f"give a scene to render ({', '.join(scenes())}, or file.py:Class) or --spec FILE")
    plans = read_spec(spec, allow_code=allow_code)
    render_plans(plans, processes=jobs or 1, scheduler=scheduler, quiet=quiet)


@main.command()
@common_options(formats=("mp4", "webm", "gif"), captions=True)
@click.option("--gifs", is_flag=True, help="Also write one GIF per section (without its title card).")
@subtitles_option
@run_options("The clips and their parts rendered in parallel processes.")
@click.option("--story", "story_file", type=click.Path(path_type=Path),
              help="Tell your own story: a TOML story file (start from --print-story).")
@click.option("--print-story", is_flag=True, help="Write the default story file to stdout and stop.")
@click.option("--allow-code", is_flag=True, help="With --story: run the Python scene files it names.")
def explainer(quality, format, output, theme, seed, fps, size, max_size, quiet, no_captions, gifs, subtitles, jobs,
              scheduler, story_file, print_story, allow_code) -> None:
    """The whole story in one video, each section after a title card (--story: your own story)."""
    if print_story:
        say(default_story_text().rstrip("\n"))
        return
    story = read_story(story_file, allow_code=allow_code, seed=seed) if story_file else default_story(seed)
    stem = story_file.stem if story_file else "explainer"
    settings = dict(stem=stem, quality=quality, format=format, output=output, theme=theme, seed=seed, fps=fps,
                    size=size, formats=("mp4", "webm", "gif"), captions=not no_captions)
    out = resolve_output(**settings)
    if out.format == "gif" or not gifs:  # with --gifs and a video, --max-size is the section GIFs' alone
        out = resolve_output(**settings, max_size=max_size)
    gif_out = None
    if gifs:
        gif_out = resolve_output(
            stem=stem, quality=quality, format="gif", output=None, theme=theme,
            seed=seed, fps=out.fps, size=f"{out.width}x{out.height}", max_size=max_size,
        )
    elif max_size and out.format != "gif":
        raise NetreelError("--max-size applies to GIFs only (use --format gif or --gifs)")
    if subtitles and out.format not in VIDEO_FORMATS:
        raise NetreelError(f"--subtitles goes with a video (mp4 or webm), not {out.format}")
    clips = story_clips(
        story, theme=out.theme, width=out.width, height=out.height, fps=out.fps, seed=seed,
        video=out.format if out.format in VIDEO_FORMATS else None,
        gifs=gif_out.gif_request() if gif_out else None,
        keep_frames=out.format == "gif", captions=out.captions,
    )
    plans = [Plan(job, entry=section.entry if section else None) for job, section in clips]
    if gif_out:
        sections = [(plan, section) for plan, (_, section) in zip(plans, clips) if section is not None]
        for number, (plan, section) in enumerate(sections, 1):
            plan.targets["gif"] = out.path.with_name(f"{out.path.stem}-{number}-{section.name}.gif")
    check_writable(out.path)

    def finish(results: list[JobResult], workdir: Path) -> list[tuple[Path, Path, str]]:
        joined = workdir / f"{stem}.{out.format}"
        if out.format == "gif":
            cues = joined_cues([result.cues for result in results], [result.frames.duration for result in results])
            frames = FrameStore(out.fps)
            for result in results:
                frames.extend(result.frames)
            alt = write_text(alt_text(story.title or stem, cues) + "\n", workdir / f"{stem}.alt.txt")
            return [(joined, out.path, write_requested_gif(frames, joined, out.gif_request())),
                    (alt, alt_text_path(out.path), "alt text")]
        # one chapter per title card: the opening and each section's card; a story that opens
        # on a section without one opens on a chapter named after its scene
        titles = [plan.job.options.title if plan.job.scene.endswith(":TitleCard") else None for plan in plans]
        if titles[0] is None:
            titles[0] = story.sections[0].name
        movies = [result.movie for result in results]
        chapters = concat_videos(movies, joined, chapters=titles)
        listed = workdir / f"{stem}.chapters.txt"
        listed.write_text(chapters_text(chapters), encoding="utf-8")
        made = [(joined, out.path, ""), (listed, out.path.with_suffix(".chapters.txt"), f"{len(chapters)} chapters")]
        if subtitles:
            cues = joined_cues([result.cues for result in results], clip_durations(movies))
            for write, suffix in ((write_srt, ".srt"), (write_vtt, ".vtt")):
                made.append((write(cues, workdir / f"{stem}{suffix}"), out.path.with_suffix(suffix),
                             f"{len(cues)} subtitles"))
        return made

    render_plans(plans, processes=jobs or 1, scheduler=scheduler, quiet=quiet, finish=finish)


def _netcore_defaults() -> dict[str, Any]:
    import netcore

    return {
        "target": netcore.DEFAULT_TARGET, "neurons": netcore.DEFAULT_NEURONS, "steps": netcore.DEFAULT_STEPS,
        "lr": netcore.DEFAULT_LR, "frames": netcore.DEFAULT_FRAMES,
    }


@main.command()
@click.option("--target", help="Function to learn: an expression in x (sin, exp, abs, pi, ...) or a preset "
              "(sine, bump, abs, sawtooth, wiggly, step).  [default: wiggly]")
@click.option("--neurons", type=Number(int, 1, 1000), help="Hidden neurons.  [default: 12]")
@click.option("--activation", type=click.Choice(["sigmoid", "tanh", "relu"]),
              help="Hidden activation.  [default: sigmoid; with --data: tanh]")
@click.option("--steps", type=Number(int, 1, 10_000_000), help="Training steps.  [default: 8000]")
@click.option("--lr", type=Number(float), help="Learning rate, above 0.  [default: 0.05]")
@click.option("--optimizer", type=click.Choice(["adam", "momentum", "sgd"]), default="adam", show_default=True)
@click.option("--seed", type=Number(int, 0, 2**32 - 1), default=0, show_default=True, help="Initial weights.")
@click.option("--frames", type=Number(int, 2, 100_000), help="Training steps recorded.  [default: 120]")
@click.option("--interval", default="-1,1", show_default=True,
              help=f'x range trained on: "LOW,HIGH", within -{INTERVAL_LIMIT:g} and {INTERVAL_LIMIT:g}.')
@click.option("--data", help="Classify points instead (replay: netreel render boundary --trace FILE): a data set "
              "(xor, circle, moons, spiral, blobs) or a CSV file of x1,x2,label.")
@click.option("--layers", help='With --data: layer sizes, e.g. "2,8,8,1".  [default: the data set\'s own]')
@click.option("--points", type=Number(int), help="With --data: points in the data set.  [default: 200]")
@click.option("--noise", type=Number(float), help="With --data: noise of the data set.  [default: the data set's own]")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("renders/trace.npz"),
              show_default=True, help="Trace file (.npz).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def trace(target, neurons, activation, steps, lr, optimizer, seed, frames, interval, data, layers, points, noise,
          output, quiet) -> None:
    """Train a network on a function, or on points with --data, and save its Trace (replay: netreel render uat
    --trace FILE, or boundary)."""
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
    if data is not None or any(value is not None for value in (layers, points, noise)):
        if data is None or target is not None or neurons is not None:
            raise NetreelError("--layers, --points and --noise go with --data; --target and --neurons without it")
        given = dict(data=data, layers=layers, points=points, noise=noise, activation=activation, steps=steps, lr=lr,
                     optimizer=optimizer)
        return _trace_points(given, seed, frames or netcore.DEFAULT_FRAMES, output, quiet)
    activation = activation or "sigmoid"
    low_high = _interval(interval)
    layers = [1, settings["neurons"], 1]
    try:
        target_function(settings["target"], low_high)
    except ValueError as error:
        raise NetreelError(one_line(error)) from None
    _train_and_publish(
        lambda: netcore.fit_function(activation=activation, optimizer=optimizer, seed=seed, interval=low_high,
                                     **settings),
        layers, netcore.DEFAULT_SAMPLES, settings["steps"], settings["frames"], netcore.GRID_POINTS, output, quiet,
        lambda result: f"final loss {float(result.loss[-1]):.3g}",
    )


def _trace_points(given: dict[str, Any], seed: int, frames: int, output: Path, quiet: bool) -> None:
    """``trace --data``: the boundary scene's options check the flags, then netcore classifies the points."""
    import netcore

    options = build_options(find_scene("boundary"), {k: v for k, v in given.items() if v is not None}, seed)
    x, y = options.dataset()
    layers = options.network_layers()
    _train_and_publish(
        lambda: netcore.fit_points(x, y, layers=layers, activation=options.activation, steps=options.steps,
                                   lr=options.lr, optimizer=options.optimizer, seed=options.seed, frames=frames),
        layers, len(x), options.steps, frames, 0, output, quiet,
        lambda result: f"final accuracy {float(result.accuracy[-1]):.1%}",
    )


def _train_and_publish(
    fit: Callable[[], Any], layers: list[int], samples: int, steps: int, frames: int, grid_points: int,
    output: Path, quiet: bool, summary: Callable[[Any], str],
) -> None:
    """Refuse a run over the limits, check the output, train (``fit()``), then publish the Trace.

    It is saved in a temporary folder and published as every other file is; ``summary(trace)``
    ends the line that reports it.
    """
    try:
        check_training_work(layers, samples, steps)
        check_trace_bytes(layers, min(frames, steps + 1), grid_points, samples)
    except ValueError as error:
        raise NetreelError(one_line(error)) from None
    check_writable(output)
    try:
        with np.errstate(all="ignore"):  # a diverging run is reported as such; numpy's warnings are noise
            result = fit()
    except ValueError as error:
        raise NetreelError(explain(error) or one_line(error)) from None
    with tempfile.TemporaryDirectory(prefix="netreel-") as workdir:
        note = f"{len(result)} frames over {steps} steps, {summary(result)}"
        publish_files([(result.save(Path(workdir) / "trace.npz"), output, note)], quiet=quiet)


def _interval(text: str) -> tuple[float, float]:
    try:
        low, high = TupleShape(float, 2).parse(text)
    except ValueError:
        raise NetreelError(f'--interval must be two numbers "LOW,HIGH", e.g. -1,1; got {text!r}') from None
    if not (-INTERVAL_LIMIT <= low < high <= INTERVAL_LIMIT):
        raise NetreelError(
            f"--interval must have LOW < HIGH, both within -{INTERVAL_LIMIT:g} and {INTERVAL_LIMIT:g}; got {text!r}"
        )
    return low, high


main.add_command(gif)


if __name__ == "__main__":
    main()
