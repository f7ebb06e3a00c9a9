"""The netreel command: list, render, spec files, explainer, trace, and every error path."""

from __future__ import annotations

import os
import re
from pathlib import Path

import av
import numpy as np
import pytest
import test_cli_support
from click.testing import CliRunner
from PIL import Image, ImageSequence
from test_cli_support import OtherScene, TinyScene

import scenes.cli.options as cli_options
import scenes.cli.plans as cli_plans
import scenes.registry as registry
from scenes.cli import gif_length, main
from scenes.cli.options import TupleShape
from scenes.cli.story_file import default_story
from scenes.output.jobs import JobFailed, JobResult

STORY = ("neuron", "function", "superposition", "bumps", "uat", "regions", "boundary", "backprop")


@pytest.fixture
def tiny(monkeypatch):
    """Only the tiny test scenes are registered."""
    monkeypatch.setattr(registry, "_loaded", {"tiny": TinyScene, "other": OtherScene})


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def captured(monkeypatch):
    """Replace rendering: record the jobs, write small placeholder files."""
    seen = []

    def fake_run_jobs(jobs, workdir, **kwargs):
        seen.extend(jobs)
        results = []
        for number, job in enumerate(jobs):
            path = Path(workdir) / f"fake{number}"
            path.write_bytes(b"x" * 10)
            results.append(JobResult(movie=path, gif=path, png=path, srt=path, vtt=path))
        return results

    monkeypatch.setattr(cli_plans, "run_jobs", fake_run_jobs)
    return seen


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def assert_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# ------------------------------------------------------------------ registry


def test_registry_lists_the_six_scenes_in_story_order():
    assert tuple(registry.scenes()) == STORY
    for name, scene in registry.scenes().items():
        assert registry.find_scene(name.upper()) is scene
        assert registry.find_scene(scene.__name__.lower()) is scene
        assert scene.description
        scene.Options().validate()
        for item in cli_options.scene_fields(scene):  # no clash with common flags; defaults round-trip
            if item.shape is not None:
                assert item.shape.parse(item.shape.format(item.default)) == tuple(item.default)
    with pytest.raises(registry.UnknownScene, match="known: neuron, function"):
        registry.find_scene("nope")


def test_explainer_tells_every_scene_once_in_order():
    from scenes.cli.story_file import default_story

    assert tuple(section.name for section in default_story().sections) == STORY


# ------------------------------------------------------------------ list


def test_list(tiny):
    result = run("list")
    assert result.exit_code == 0
    assert "tiny (TinyScene): A dot crossing the frame" in result.output
    assert '--cases "1,1 1,-1"' in result.output and "[a,b c,d ...]" in result.output
    assert '--interval "-1,1"' in result.output
    assert "--count 2" in result.output and "--hold / --no-hold  (default: on)" in result.output
    assert "[text|accent]" in result.output and "--seed N" in result.output


# ------------------------------------------------------------------ tuple syntax


def test_tuple_shapes():
    pairs = TupleShape.from_hint(tuple[tuple[float, float], ...])
    assert pairs.parse("1,1 1,-1; -0.5,2") == ((1.0, 1.0), (1.0, -1.0), (-0.5, 2.0))
    assert pairs.convert([[1, 2]]) == ((1.0, 2.0),)
    assert pairs.format(((1.5, -0.5),)) == "1.5,-0.5"
    two = TupleShape.from_hint(tuple[float, float])
    assert two.parse("-1, 1") == (-1.0, 1.0) and two.syntax() == "a,b"
    ints = TupleShape.from_hint(tuple[int, ...])
    assert ints.parse("1,2,4") == (1, 2, 4)
    for shape, bad in ((two, "1,2,3"), (two, "x,1"), (pairs, "1,2,3"), (ints, "1.5"), (ints, [True])):
        with pytest.raises(ValueError):
            shape.convert(bad)


# ------------------------------------------------------------------ render: options reach the scene


def test_render_passes_options_and_settings(tiny, workdir, captured):
    result = run("render", "TINY", "--count", "3", "--speed", "0.5", "--color", "accent", "--no-hold",
                 "--interval", "-2,3", "--cases", "1,1 -1,0.5", "--seed", "7", "--theme", "light", "-q", "l")
    assert result.exit_code == 0, result.output
    (job,) = captured
    options = job.options
    assert (options.count, options.speed, options.color, options.hold) == (3, 0.5, "accent", False)
    assert options.interval == (-2.0, 3.0) and options.cases == ((1.0, 1.0), (-1.0, 0.5))
    assert options.seed == 7 and job.seed == 7
    assert (job.width, job.height, job.fps, job.theme, job.video) == (854, 480, 15, "light", "mp4")
    assert result.stdout.strip() == "renders/tiny.mp4  10 B"
    assert files(workdir) == ["renders/tiny.mp4"]


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], (1280, 720, 30, "mp4", "renders/tiny.mp4")),
        (["-q", "h"], (1920, 1080, 60, "mp4", "renders/tiny.mp4")),
        (["-q", "k", "-f", "webm"], (3840, 2160, 60, "webm", "renders/tiny.webm")),
        (["-f", "gif"], (854, 480, 15, "gif", "renders/tiny.gif")),
        (["-o", "out/clip.gif", "--fps", "12", "--size", "320x180"], (320, 180, 12, "gif", "out/clip.gif")),
        (["-f", "png", "--size", "101x57"], (101, 57, 30, "png", "renders/tiny.png")),
        (["TinyScene"], (1280, 720, 30, "mp4", "renders/tiny.mp4")),
    ],
)
def test_render_settings(tiny, workdir, captured, args, expected):
    name = [] if args[:1] == ["TinyScene"] else ["tiny"]
    result = run("render", *name, *args)
    assert result.exit_code == 0, result.output
    (job,) = captured
    width, height, fps, format, path = expected
    assert (job.width, job.height, job.fps) == (width, height, fps)
    assert job.video == (format if format in ("mp4", "webm") else None)
    assert bool(job.gif) == (format == "gif") and job.png == (format == "png")
    assert files(workdir) == [path]


def test_quiet_prints_nothing(tiny, workdir, captured):
    result = run("render", "tiny", "--quiet")
    assert result.exit_code == 0 and result.output == ""


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["render", "nope"], ["unknown scene 'nope'", "known: tiny, other"]),
        (["render", "tiny", "--bogus", "1"], ["--bogus"]),
        (["render", "tiny", "--count", "x"], ["--count", "'x' is not a whole number"]),
        (["render", "tiny", "--count", "0"], ["--count must be at least 1, got 0"]),
        (["render", "tiny", "--count", "9"], ["--count must be at most 5"]),
        (["render", "tiny", "--speed", "nan"], ["--speed", "'nan' is not a finite number"]),
        (["render", "tiny", "--speed", "inf"], ["--speed", "'inf' is not a finite number"]),
        (["render", "tiny", "--color", "red"], ["--color"]),
        (["render", "tiny", "--interval", "1,2,3"], ["--interval", "a,b"]),
        (["render", "tiny", "--interval", "2,1"], ["--interval must have LOW < HIGH"]),
        (["render", "tiny", "--cases", "1,2,3"], ["--cases"]),
        (["render", "tiny", "--cases", "1,9"], ["--cases must be at most 3"]),
        (["render", "tiny", "--size", "0x10"], ["--size must be between"]),
        (["render", "tiny", "--size", "-5x10"], ["--size must be WIDTHxHEIGHT"]),
        (["render", "tiny", "--size", "big"], ["--size must be WIDTHxHEIGHT"]),
        (["render", "tiny", "--size", "101x57"], ["even width and height for mp4"]),
        (["render", "tiny", "--fps", "0"], ["--fps must be between 1 and 120; got 0"]),
        (["render", "tiny", "--fps", "0.01"], ["--fps must be between 1 and 120"]),
        (["render", "tiny", "--fps", "-3"], ["--fps must be between 1 and 120"]),
        (["render", "tiny", "--fps", "nan"], ["--fps", "'nan' is not a finite number"]),
        (["render", "tiny", "-q", "x"], ["--quality"]),
        (["render", "tiny", "-f", "avi"], ["--format"]),
        (["render", "tiny", "-o", "x.avi"], ["must end with .mp4"]),
        (["render", "tiny", "-f", "gif", "-o", "x.mp4"], ["must end with .gif"]),
        (["render", "tiny", "--max-size", "2MB"], ["--max-size applies to GIFs only"]),
        (["render", "tiny", "-f", "gif", "--max-size", "lots"], ["--max-size", "not a size"]),
        (["render", "tiny", "-f", "gif", "--max-size", "0MB"], ["--max-size"]),
        (["render", "tiny", "--seed", "-1"], ["--seed"]),
        (["render", "tiny", "--theme", "neon"], ["--theme"]),
        (["render"], ["give a scene to render (tiny, other, or file.py:Class) or --spec FILE"]),
        (["render", "--spec", "s.toml", "tiny"], ["not both"]),
        (["nope"], ["nope"]),
    ],
)
def test_bad_input_is_one_line_exit_2_no_file(tiny, workdir, captured, args, fragments):
    assert_error(run(*args), *fragments)
    assert captured == [] and files(workdir) == []


def test_unwritable_output(tiny, workdir, captured):
    (workdir / "afile").write_text("")
    assert_error(run("render", "tiny", "-o", "afile/x.mp4"), "cannot write", "afile")
    (workdir / "adir.mp4").mkdir()
    assert_error(run("render", "tiny", "-o", "adir.mp4"), "is a folder")
    assert captured == []


@pytest.mark.parametrize(
    "error, fragments",
    [
        (JobFailed("TrainingDiverged", "training diverged at step 3 with learning rate 5: loss inf"),
         ["training diverged", "smaller learning rate"]),
        (JobFailed("TargetError", "unknown function 'os'"), ["--target: unknown function"]),
        (JobFailed("GifTooLarge", "even the smallest GIF is 9 KB, over the 1 KB limit"), ["--max-size: even"]),
    ],
)
def test_errors_while_rendering_are_one_line(tiny, workdir, monkeypatch, error, fragments):
    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(cli_plans, "run_jobs", failing)
    assert_error(run("render", "tiny"), *fragments)


def test_training_diverged_from_netcore_itself(tiny, workdir, monkeypatch):
    import netcore

    def failing(*args, **kwargs):
        raise netcore.TrainingDiverged(12, 50.0, float("inf"))

    monkeypatch.setattr(cli_plans, "run_jobs", failing)
    assert_error(run("render", "tiny"), "diverged", "learning rate")


# ------------------------------------------------------------------ spec files


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_spec_single_and_many(tiny, workdir, captured):
    write(workdir / "one.toml", 'scene = "tiny"\ntheme = "light"\nquality = "l"\nformat = "gif"\n'
          'output = "out/one.gif"\ncount = 4\ncases = [[1, 2], [0.5, -1]]\ninterval = "-2,2"\n')
    result = run("render", "--spec", "one.toml")
    assert result.exit_code == 0, result.output
    (job,) = captured
    assert job.options.count == 4 and job.options.cases == ((1.0, 2.0), (0.5, -1.0))
    assert job.options.interval == (-2.0, 2.0) and job.theme == "light" and job.gif
    write(workdir / "many.toml", 'theme = "light"\nsize = "160x90"\n\n[[scene]]\nscene = "tiny"\nspeed = 2\n\n'
          '[[scene]]\nscene = "Other"\nformat = "png"\ntheme = "dark"\nseed = 3\n')
    captured.clear()
    result = run("render", "--spec", "many.toml", "--jobs", "2")
    assert result.exit_code == 0, result.output
    first, second = captured
    assert first.options.speed == 2.0 and first.theme == "light" and (first.width, first.height) == (160, 90)
    assert second.png and second.theme == "dark" and second.options.seed == 3
    assert {"renders/tiny.mp4", "renders/other.png", "out/one.gif"} <= set(files(workdir))


@pytest.mark.parametrize(
    "text, fragments",
    [
        ("scene = [", ["not valid TOML"]),
        ("colour = 1", ["needs scene"]),
        ('scene = "nope"', ["scene 1", "unknown scene 'nope'"]),
        ('scene = "tiny"\nwobble = 1', ["has no parameter 'wobble'"]),
        ('scene = "tiny"\ncount = 0', ["scene 1 (tiny): count must be at least 1"]),
        ('scene = "tiny"\ncases = [[1, 2, 3]]', ["cases: expected"]),
        ('scene = "tiny"\nfps = "fast"', ["fps must be a number"]),
        ('scene = "tiny"\nsize = "0x0"', ["size must be between"]),
        ('bogus = 1\n[[scene]]\nscene = "tiny"', ["unknown top-level key 'bogus'"]),
        ('[[scene]]\nscene = "tiny"\n[[scene]]\nscene = "tiny"', ["scene 2", "also writes"]),
        ('[[scene]]\nscene = "tiny"\n[[scene]]\nscene = "other"\ncount = 99',
         ["scene 2 (other): count must be at most 5"]),
    ],
)
def test_bad_specs(tiny, workdir, captured, text, fragments):
    write(workdir / "bad.toml", text)
    assert_error(run("render", "--spec", "bad.toml"), *fragments)
    assert captured == [] and files(workdir) == ["bad.toml"]


def test_unreadable_spec(tiny, workdir, captured):
    assert_error(run("render", "--spec", "missing.toml"), "cannot read spec 'missing.toml'")
    (workdir / "folder.toml").mkdir()
    assert_error(run("render", "--spec", "folder.toml"), "cannot read spec")


def test_spec_subtitles_go_beside_each_video_and_only_a_video(tiny, workdir, captured):
    write(workdir / "s.toml", 'subtitles = true\n[[scene]]\nscene = "tiny"\noutput = "a.mp4"\n'
                              '[[scene]]\nscene = "other"\nsubtitles = false\noutput = "b.webm"\n')
    result = run("render", "--spec", "s.toml")
    assert result.exit_code == 0, result.output
    assert [job.subtitles for job in captured] == [True, False]
    assert files(workdir) == ["a.mp4", "a.srt", "a.vtt", "b.webm", "s.toml"]
    write(workdir / "g.toml", 'scene = "tiny"\nformat = "gif"\nsubtitles = true\n')
    assert_error(run("render", "--spec", "g.toml"), "subtitles goes with a video (mp4 or webm), not gif")
    write(workdir / "y.toml", 'scene = "tiny"\nsubtitles = "yes"\n')
    assert_error(run("render", "--spec", "y.toml"), "subtitles must be true or false")


@pytest.mark.parametrize("address", ["nope", "tcp://host", "tcp://host:0", "tcp://host:70000", "file:///etc/x:1",
                                     "tcp://" + "h" * 300 + ":1", "host:1; rm -rf /"])
def test_a_scheduler_that_is_no_address_is_refused_before_anything_renders(tiny, workdir, captured, address):
    assert_error(run("render", "tiny", "--scheduler", address), "--scheduler", "tcp://HOST:PORT")
    assert_error(run("render", "--spec", str(write(workdir / "s.toml", 'scene = "tiny"\n')), "--scheduler", address),
                 "--scheduler")
    assert captured == [] and files(workdir) == ["s.toml"]


def test_example_specs_are_valid(workdir, captured):
    examples = sorted((Path(__file__).parent.parent / "examples").glob("*.toml"))
    assert len(examples) >= 2
    for example in examples:
        copy = workdir / example.name  # its outputs are relative to it: written here, not into examples/
        copy.write_bytes(example.read_bytes())
        result = run("render", "--spec", str(copy))
        assert result.exit_code == 0, (example, result.output)
    assert (workdir / "renders").is_dir()


# ------------------------------------------------------------------ explainer


@pytest.fixture
def tiny_story(monkeypatch):
    """Register a tiny scene under each story name (importable by worker processes)."""
    loaded = {}
    for name in STORY:
        scene = type(f"Tiny_{name}", (TinyScene,), {"name": name, "__module__": "test_cli_support"})
        monkeypatch.setattr(test_cli_support, scene.__name__, scene, raising=False)
        loaded[name] = scene
    monkeypatch.setattr(registry, "_loaded", loaded)


def test_explainer_plan(tiny_story, workdir, captured, monkeypatch):
    joined = []
    def concat(paths, target, chapters):
        joined.extend(paths)
        target.write_bytes(b"v")
        return []

    monkeypatch.setattr("scenes.cli.commands.concat_videos", concat)
    result = run("explainer", "--gifs", "-q", "l", "--seed", "5")
    assert result.exit_code == 0, result.output
    scenes_ = [job.scene.split(":")[1] for job in captured]
    assert scenes_[0] == "TitleCard" and scenes_[1::2] == ["TitleCard"] * len(STORY)
    assert scenes_[2::2] == [f"Tiny_{name}" for name in STORY]
    assert [job.options.number for job in captured[1::2]] == list(range(1, len(STORY) + 1))
    assert all(job.options.seed == 5 for job in captured[2::2])
    assert len(joined) == 2 * len(STORY) + 1
    assert files(workdir) == sorted(
        ["renders/explainer.chapters.txt", "renders/explainer.mp4"]
        + [f"renders/explainer-{i}-{name}.gif" for i, name in enumerate(STORY, 1)]
    )


def test_explainer_errors(tiny_story, workdir, captured):
    assert_error(run("explainer", "-f", "png"), "--format")
    assert_error(run("explainer", "--max-size", "1MB"), "--max-size applies to GIFs only")
    assert captured == []


# ------------------------------------------------------------------ trace


def test_trace_saves_a_loadable_trace(workdir):
    import netcore

    result = run("trace", "--target", "abs(x)", "--neurons", "3", "--steps", "50", "--frames", "10",
                 "--interval", "-2,2", "-o", "t.npz")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("t.npz  ")
    trace = netcore.Trace.load("t.npz")
    assert len(trace) == 10 and trace.grid[0] == -2 and trace.grid[-1] == 2
    assert files(workdir) == ["t.npz"]


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--target", "__import__('os')"], ["--target", "__import__"]),
        (["--target", "sin(x"], ["--target"]),
        (["--lr", "nan"], ["--lr", "'nan' is not a finite number"]),
        (["--lr", "-1"], ["--lr must be a finite number above 0"]),
        (["--neurons", "0"], ["--neurons"]),
        (["--interval", "1,0"], ["--interval must have LOW < HIGH"]),
        (["--interval", "a,b"], ["--interval must be two numbers"]),
        (["-o", "t.txt"], ["must end with .npz"]),
        (["--optimizer", "sgd", "--lr", "1000", "--steps", "200"], ["diverged", "smaller learning rate"]),
    ],
)
def test_trace_errors(workdir, args, fragments):
    assert_error(run("trace", *args), *fragments)
    assert files(workdir) == []


# ------------------------------------------------------------------ real renders (tiny sizes)

SMALL = ["--size", "64x36", "--fps", "10"]


@pytest.mark.slow
def test_real_mp4_webm_png_gif(tiny, workdir):
    result = run("render", "tiny", *SMALL, "--speed", "1")
    assert result.exit_code == 0, result.output
    with av.open("renders/tiny.mp4") as container:
        stream = container.streams.video[0]
        frames = list(container.decode(video=0))
        assert (stream.width, stream.height) == (64, 36) and len(frames) == 14

    assert run("render", "tiny", *SMALL, "-f", "webm", "--quiet").exit_code == 0
    with av.open("renders/tiny.webm") as container:
        assert container.streams.video[0].codec_context.name in ("vp9", "libvpx-vp9")

    assert run("render", "tiny", "--size", "96x54", "-f", "png", "--theme", "light").exit_code == 0
    with Image.open("renders/tiny.png") as image:
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.shape == (54, 96, 3)
    assert (pixels == 255).all(axis=-1).mean() > 0.5 and (pixels < 200).any()  # light background, drawn content

    assert run("render", "tiny", *SMALL, "-f", "gif", "--no-hold").exit_code == 0
    with Image.open("renders/tiny.gif") as image:
        assert image.info["loop"] == 0
        durations = [frame.info["duration"] for frame in ImageSequence.Iterator(image)]
    assert len(durations) == 10 and sum(durations) == 1000  # the dot moves every frame


def test_progress_is_one_line_per_finished_clip_in_a_log_and_nothing_when_quiet(tiny, workdir):
    spec = 'size = "64x36"\nfps = 10\n[[scene]]\nscene = "tiny"\n[[scene]]\nscene = "other"\nformat = "gif"\n'
    write(workdir / "two.toml", spec)
    result = run("render", "--spec", "two.toml")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert [re.sub(r"in \d+\.\d s$", "in T s", line) for line in lines] == [
        "[1/2] tiny: 14 frames in T s", "[2/2] other: 14 frames in T s",
    ], result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == [
        "renders/tiny.mp4", "renders/other.gif", "renders/other.alt.txt",
    ]
    quiet = run("render", "--spec", "two.toml", "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""


@pytest.mark.slow
def test_real_gif_fits_max_size(tiny, workdir):
    result = run("render", "tiny", "--size", "320x180", "--fps", "20", "-f", "gif", "--max-size", "3KB")
    assert result.exit_code == 0, result.output
    assert "to fit 3.0 KB" in result.stdout
    assert os.path.getsize("renders/tiny.gif") <= 3_000
    result = run("render", "tiny", "--size", "320x180", "--fps", "20", "-f", "gif", "--max-size", "1MB", "-o", "a.gif")
    assert result.exit_code == 0 and "to fit" not in result.stdout  # nothing shrunk, nothing said
    result = run("render", "tiny", "--size", "320x180", "-f", "gif", "--max-size", "100B", "-o", "x.gif", "--quiet")
    assert_error(result, "--max-size: even the smallest GIF")
    assert not Path("x.gif").exists()


@pytest.mark.slow
def test_interrupted_render_leaves_old_file_alone(tiny, workdir):
    assert run("render", "tiny", *SMALL, "--quiet").exit_code == 0
    old = Path("renders/tiny.mp4").read_bytes()
    result = run("render", "tiny", *SMALL, "--interrupt", "--speed", "2")
    assert result.exit_code == 130 and "interrupted" in result.stderr
    assert Path("renders/tiny.mp4").read_bytes() == old
    assert files(workdir) == ["renders/tiny.mp4"]


@pytest.mark.slow
def test_real_spec_in_parallel_processes(tiny, workdir):
    write(workdir / "two.toml", 'size = "64x36"\nfps = 5\n[[scene]]\nscene = "tiny"\nformat = "gif"\n'
          '[[scene]]\nscene = "other"\nformat = "png"\n')
    result = run("render", "--spec", "two.toml", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert files(workdir) == [
        "renders/other.alt.txt", "renders/other.png", "renders/tiny.alt.txt", "renders/tiny.gif", "two.toml",
    ]


@pytest.mark.slow
def test_real_explainer(tiny_story, workdir):
    result = run("explainer", *SMALL, "--gifs", "--quiet")
    assert result.exit_code == 0, result.output
    with av.open("renders/explainer.mp4") as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == (len(STORY) + 1) * 28 + len(STORY) * 14  # a 2.8 s title card before each 1.4 s scene, and one first
    with av.open("renders/explainer.mp4") as container:
        chapters = container.chapters()
    story = default_story()
    cards = [story.title] + [section.title for section in story.sections]
    assert [chapter["metadata"]["title"] for chapter in chapters] == cards
    lines = open("renders/explainer.chapters.txt", encoding="utf-8").read().splitlines()
    assert lines[0] == f"0:00 {cards[0]}" and lines[1] == f"0:02 {cards[1]}" and len(lines) == len(cards)
    with Image.open("renders/explainer-3-superposition.gif") as image:
        assert sum(frame.info["duration"] for frame in ImageSequence.Iterator(image)) == 1400


@pytest.mark.slow
def test_explainer_gif_with_section_gifs_keeps_its_budget_and_gets_alt_text(tiny_story, workdir):
    result = run("explainer", "--size", "96x54", "--fps", "5", "-f", "gif", "--gifs", "--max-size", "40KB",
                 "-o", "ex.gif")
    assert result.exit_code == 0, result.output
    assert 0 < os.path.getsize("ex.gif") <= 40_000 and "ex.gif" in result.stdout
    assert all(os.path.getsize(f"ex-{i}-{name}.gif") <= 40_000 for i, name in enumerate(STORY, 1))
    alt = Path("ex.alt.txt").read_text(encoding="utf-8")
    assert alt.startswith(f"Animation: {default_story().title}.")


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    result = run("--version")
    assert result.exit_code == 0 and result.output == f"netreel {version('netreel')}\n"


@pytest.mark.slow
def test_every_gif_and_still_gets_its_alt_text(tiny, workdir):
    assert run("render", "tiny", *SMALL, "-f", "gif", "--quiet").exit_code == 0
    assert run("render", "tiny", *SMALL, "-o", "still.png", "--quiet").exit_code == 0
    assert run("render", "tiny", *SMALL, "-o", "at.png", "--at", "0.5", "--quiet").exit_code == 0
    assert run("render", "tiny", *SMALL, "-o", "clip.mp4", "--quiet").exit_code == 0
    assert files(workdir) == ["at.alt.txt", "at.png", "clip.mp4", "renders/tiny.alt.txt", "renders/tiny.gif",
                              "still.alt.txt", "still.png"]
    assert open("renders/tiny.alt.txt").read() == "Animation: A dot crossing the frame (test scene).\n"
    assert open("still.alt.txt").read().startswith("Still: A dot crossing the frame")


# ------------------------------------------------------------------ errors while rendering a file's entry


def _failing_job(index: int, error: ValueError):
    def failing(*args, **kwargs):
        error.job = index  # as the engine says which job failed
        raise error

    return failing


def test_an_error_while_rendering_a_spec_entry_names_the_entry_and_its_keys(tiny, workdir, monkeypatch):
    write(workdir / "two.toml", '[[scene]]\nscene = "tiny"\n\n[[scene]]\nscene = "other"\nformat = "gif"\n')
    monkeypatch.setattr(cli_plans, "run_jobs", _failing_job(1, JobFailed("GifTooLarge", "even the smallest GIF is "
                                                                          "9 KB, over the 1 KB limit")))
    result = run("render", "--spec", "two.toml")
    assert_error(result, "spec 'two.toml', scene 2 (other): max_size: even the smallest GIF")
    assert "--max-size" not in result.stderr and not (workdir / "renders").exists()
    monkeypatch.setattr(cli_plans, "run_jobs", _failing_job(0, JobFailed("TrainingDiverged", "training diverged at "
                                                                          "step 3 with learning rate 5: loss inf")))
    assert_error(run("render", "--spec", "two.toml"), "spec 'two.toml', scene 1 (tiny): training diverged")


def test_an_error_while_rendering_a_story_section_names_the_section(tiny_story, workdir, monkeypatch):
    write(workdir / "mine.toml", 'title = "Mine"\n\n[[section]]\nscene = "neuron"\ntitle = "One"\n\n'
          '[[section]]\nscene = "uat"\n[section.params]\ncount = 3\n')
    # clips: the opening card, section 1's card, section 1, section 2
    monkeypatch.setattr(cli_plans, "run_jobs", _failing_job(3, JobFailed("TargetError", "--count is odd here")))
    assert_error(run("explainer", "--story", "mine.toml"), "story 'mine.toml', section 2 (uat): count is odd here")
    monkeypatch.setattr(cli_plans, "run_jobs", _failing_job(1, JobFailed("TrainingDiverged", "it diverged")))
    result = run("explainer", "--story", "mine.toml")  # a card is no section: the message stands alone
    assert_error(result, "Error: it diverged; try a smaller learning rate (--lr)")


def test_a_gif_too_long_in_a_spec_names_its_entry_and_keys(tiny, workdir, monkeypatch):
    monkeypatch.setattr(gif_length, "MAX_GIF_PIXELS", 100)
    write(workdir / "two.toml", '[[scene]]\nscene = "tiny"\nformat = "png"\n\n'
          '[[scene]]\nscene = "tiny"\nformat = "gif"\noutput = "t.gif"\nsize = "96x54"\nfps = 3\n')
    result = run("render", "--spec", "two.toml")
    assert_error(result, "spec 'two.toml', scene 2: the GIF of tiny would be", "lower fps or size")
    assert not (workdir / "t.gif").exists()


def test_a_story_that_opens_on_a_section_without_a_card_opens_on_its_scenes_chapter(tiny_story, workdir):
    write(workdir / "plain.toml", '[[section]]\nscene = "neuron"\n\n[[section]]\nscene = "uat"\ntitle = "Learned"\n')
    result = run("explainer", "--story", "plain.toml", "--size", "96x54", "--fps", "2", "-o", "out.mp4")
    assert result.exit_code == 0, result.output
    chapters = Path("out.chapters.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 1)[1] for line in chapters] == ["neuron", "Learned"]
    assert chapters[0].startswith("0:00")
