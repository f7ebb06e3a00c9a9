"""The command line for your own scenes and stories: render file.py:Class, specs and stories with
--allow-code, --at, --no-captions and netreel gif; real tiny renders and every error as one line."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from scenes.cli import main
from scenes.cli.scene_file import load_scene_file
from scenes.cli.story_file import default_story_text
from scenes.output.gif import poster_start
from scenes.output.render import render_frames
from scenes.output.video_reader import read_video
from scenes.story import title_card

FPS = 5
SMALL = ("--size", "160x90", "--fps", str(FPS))

BOX = """
from dataclasses import dataclass

from manim import LEFT, RIGHT, UP, Dot, FadeIn, Square

from scenes.base import NetreelScene, SceneOptions, option
from scenes.text import Caption


@dataclass
class BoxOptions(SceneOptions):
    side: float = option(1.0, "side of the square", low=0.5, high=4)
    speed: float = option(1.0, "seconds the dot takes", low=0.2, high=3)


class Box(NetreelScene):
    Options = BoxOptions
    description = "A square, a caption and a moving dot."

    def construct(self):
        caption = Caption(self.theme)
        square = Square(self.options.side, color=self.theme.text, fill_color=self.theme.text, fill_opacity=1)
        self.play(FadeIn(square), caption.say("a square"), run_time=0.6)
        dot = Dot(3 * LEFT + 2 * UP, color=self.theme.accent)
        self.add(dot)
        self.play(dot.animate.move_to(3 * RIGHT + 2 * UP), run_time=self.options.speed)
"""

PLAIN = """
from manim import Create, Scene, Square


class Plain(Scene):
    def construct(self):
        self.play(Create(Square()), run_time=1.0)
"""

#: Frames of Box at 5 fps with its default speed: 0.6 s + 1.0 s.
BOX_FRAMES = 8


@pytest.fixture
def own(tmp_path, monkeypatch):
    """A folder with a NetreelScene file and a plain Manim scene file; the working folder."""
    (tmp_path / "scenes_here").mkdir()
    (tmp_path / "scenes_here" / "box.py").write_text(BOX)
    (tmp_path / "scenes_here" / "plain.py").write_text(PLAIN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def ok(*args: str):
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def assert_error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def video_frames(path: str | Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def png(path: str | Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(int)


# ------------------------------------------------------------------ render file.py:Class


def test_a_plain_manim_scene_renders_on_the_theme_background(own):
    ok("render", "scenes_here/plain.py:Plain", *SMALL, "-o", "plain.mp4")
    assert video_frames("plain.mp4") == FPS
    ok("render", "scenes_here/plain.py:Plain", *SMALL, "--theme", "light", "-o", "plain.png")
    assert (png("plain.png")[0, 0] == 255).all()  # white, as the light theme says
    assert_error(run("render", "scenes_here/plain.py:Plain", "--side", "2"), "No such option")
    assert_error(run("render", "scenes_here/plain.py:Plain", "--no-captions"), "No such option")


def test_a_scene_of_nothing_is_one_error_for_a_video_or_a_gif_and_a_still_as_a_png(own):
    (own / "scenes_here" / "empty.py").write_text("from manim import Scene, Square\n\n\nclass Empty(Scene):\n"
                                                 "    def construct(self):\n        self.add(Square())\n")
    for extra in (("-o", "e.mp4"), ("-o", "e.gif"), ("-o", "e.webm", "--jobs", "2")):
        assert_error(run("render", "scenes_here/empty.py:Empty", *SMALL, *extra), "Empty plays nothing",
                     "render a still (-f png)")
    assert not [name for name in files(own) if name.startswith("e.")]
    ok("render", "scenes_here/empty.py:Empty", *SMALL, "-o", "e.png")
    assert png("e.png").std() > 0  # the square
    (own / "scenes_here" / "boom.py").write_text("from manim import Scene\n\n\nclass Boom(Scene):\n"
                                                "    def construct(self):\n        raise RuntimeError('boom')\n")
    assert_error(run("render", "scenes_here/boom.py:Boom", *SMALL, "-o", "b.mp4"),  # its own error, not 'nothing'
                 "scene boom.py:Boom failed: RuntimeError: boom (boom.py:6)")


def test_a_netreel_scene_file_gets_its_own_flags(own):
    help_text = ok("render", "scenes_here/box.py:Box", "--help").output
    assert "--side NUMBER" in help_text and "side of the square" in help_text
    assert "--no-captions" in help_text and "--at SECONDS" in help_text and "--theme" in help_text
    widths = []
    for side in ("1", "2"):
        ok("render", "scenes_here/box.py:Box", *SMALL, "--side", side, "-o", f"side{side}.png")
        middle = png(f"side{side}.png")[45]
        widths.append(int((middle.min(axis=1) > 200).sum()))
    # 90 pixels show 8 units: a side of 1 is about 11 pixels, a side of 2 about 22
    assert widths[0] == pytest.approx(11.25, abs=2) and widths[1] == pytest.approx(22.5, abs=2)
    assert_error(run("render", "scenes_here/box.py:Box", "--side", "9"), "--side must be at most 4")
    assert files(own) == sorted([
        "scenes_here/box.py", "scenes_here/plain.py", "side1.alt.txt", "side1.png", "side2.alt.txt", "side2.png",
    ])


def test_file_errors_are_one_line_and_write_nothing(own):
    (own / "broken.py").write_text("import numpy\n\nraise RuntimeError('no luck')\n")
    (own / "notes.py").write_text("VALUE = 3\n")
    assert_error(run("render", "missing.py:Box"), "scene file 'missing.py' does not exist")
    assert_error(run("render", "scenes_here/box.py:Bx"), "has no class 'Bx'", "did you mean 'Box'?")
    assert_error(run("render", "notes.py:VALUE"), "VALUE is not a Manim Scene subclass (a int)")
    assert_error(run("render", "broken.py:Box"), "RuntimeError: no luck", "(broken.py:3)")
    assert_error(run("render", "scenes_here/box.py"), "name the scene class too")
    assert_error(run("render", "nope"), "unknown scene 'nope'", "file.py:ClassName")
    assert files(own) == sorted(["broken.py", "notes.py", "scenes_here/box.py", "scenes_here/plain.py"])


# ------------------------------------------------------------------ --at and --no-captions


def test_at_picks_the_moment_of_the_still(own):
    ok("render", "scenes_here/box.py:Box", *SMALL, "-o", "last.png")
    ok("render", "scenes_here/box.py:Box", *SMALL, "--at", "0.8", "-o", "early.png")
    frames = render_frames(load_scene_file("scenes_here/box.py:Box"), width=160, height=90, fps=FPS)
    assert len(frames) == BOX_FRAMES
    assert np.array_equal(png("early.png"), frames[4][..., :3])  # 0.8 s is frame 4
    assert not np.array_equal(png("early.png"), png("last.png"))
    # Exactly its length is the default: the last picture, the dot at the end of its move.
    ok("render", "scenes_here/box.py:Box", *SMALL, "--at", "1.6", "-o", "end.png")
    assert np.array_equal(png("end.png"), png("last.png"))
    dot_columns = np.nonzero(png("last.png")[17:30].max(axis=(0, 2)) > 100)[0]
    assert dot_columns.mean() == pytest.approx(80 + 3 * 90 / 8, abs=3)  # x = 3 units right of centre
    assert_error(run("render", "scenes_here/box.py:Box", *SMALL, "--at", "5", "-o", "late.png"),
                 "--at 5 is past the end of the scene, which is 1.6 s long")
    assert_error(run("render", "scenes_here/box.py:Box", "--at", "1", "-o", "a.mp4"), "--at", "--format png")
    assert_error(run("render", "scenes_here/box.py:Box", "-f", "png", "--at", "-1"), "--at must be between 0")
    assert not (own / "late.png").exists() and not (own / "a.mp4").exists()


def test_no_captions_leaves_the_caption_out_and_the_timing_alone(own):
    for name, extra in (("with", ()), ("without", ("--no-captions",))):
        ok("render", "scenes_here/box.py:Box", *SMALL, *extra, "-o", f"{name}.mp4")
        ok("render", "scenes_here/box.py:Box", *SMALL, *extra, "--at", "1", "-o", f"{name}.png")
    assert video_frames("with.mp4") == video_frames("without.mp4") == BOX_FRAMES
    caption_rows, above = slice(70, 90), slice(0, 68)
    with_caption, without = png("with.png"), png("without.png")
    assert (with_caption[caption_rows].max(axis=2) > 60).sum() > 20  # the caption's letters
    assert without[caption_rows].max() == 0  # nothing but the black background
    assert np.array_equal(with_caption[above], without[above])


# ------------------------------------------------------------------ specs


def test_a_spec_runs_a_python_scene_only_with_allow_code(own):
    (own / "specs").mkdir()
    spec = own / "specs" / "mine.toml"
    spec.write_text('scene = "../scenes_here/box.py:Box"\nformat = "png"\nsize = "160x90"\nfps = 5\n'
                    'output = "box.png"\nside = 2\n')
    message = assert_error(run("render", "--spec", str(spec)), "scene 1", "is Python code", "--allow-code")
    assert "box.py:Box" in message and not (own / "specs" / "box.png").exists()
    ok("render", "--spec", str(spec), "--allow-code")
    assert png("specs/box.png")[45].min(axis=1).tolist().count(0) < 160  # the square is there
    spec.write_text('scene = "../scenes_here/box.py:Box"\nsize = "160x90"\nfps = 5\ncaptions = false\nat = 1\n'
                    'output = "quiet.png"\n')
    ok("render", "--spec", str(spec), "--allow-code")
    assert png("specs/quiet.png")[70:].max() == 0 and png("specs/quiet.png")[:68].max() > 200  # no caption, the square
    spec.write_text('scene = "../scenes_here/box.py:Box"\ncaptions = "no"\n')
    assert_error(run("render", "--spec", str(spec), "--allow-code"), "captions must be true or false")
    spec.write_text('scene = "../scenes_here/plain.py:Plain"\ncaptions = false\n')
    assert_error(run("render", "--spec", str(spec), "--allow-code"), "a plain Manim scene has no running caption")
    spec.write_text('scene = "../scenes_here/box.py:Box"\nsidee = 2\n')
    assert_error(run("render", "--spec", str(spec), "--allow-code"), "Box has no parameter 'sidee'")
    spec.write_text('scene = "../scenes_here/plain.py:Plain"\nside = 2\n')
    assert_error(run("render", "--spec", str(spec), "--allow-code"), "plain Manim scene", "'side'")


# ------------------------------------------------------------------ explainer --story


def test_print_story_writes_the_default_story_file():
    result = ok("explainer", "--print-story")
    assert result.output == default_story_text().rstrip("\n") + "\n"


def test_a_story_is_checked_before_anything_renders(own):
    (own / "story.toml").write_text('[[section]]\nscene = "scenes_here/box.py:Box"\n')
    assert_error(run("explainer", "--story", "story.toml"), "section 1", "--allow-code")
    (own / "story.toml").write_text('[[section]]\nscene = "scenes_here/box.py:Box"\n[section.params]\nsid = 2\n')
    assert_error(run("explainer", "--story", "story.toml", "--allow-code"), "section 1", "did you mean 'side'?")
    assert_error(run("explainer", "--story", "none.toml"), "cannot read story")
    assert files(own) == sorted(["scenes_here/box.py", "scenes_here/plain.py", "story.toml"])


def test_a_story_of_two_sections_is_as_long_as_its_parts(own):
    (own / "story.toml").write_text(
        'title = "Mine"\n'
        '[[section]]\nscene = "scenes_here/box.py:Box"\ntitle = "A box"\n[section.params]\nspeed = 0.4\n'
        '[[section]]\nscene = "scenes_here/plain.py:Plain"\n'
    )
    ok("explainer", "--story", "story.toml", "--allow-code", *SMALL, "--gifs", "--jobs", "2", "--quiet")
    assert files(own / "renders") == [
        "story-1-box.alt.txt", "story-1-box.gif", "story-2-plain.alt.txt", "story-2-plain.gif",
        "story.chapters.txt", "story.mp4",
    ]
    ok("render", "scenes_here/box.py:Box", *SMALL, "--speed", "0.4", "-o", "box.mp4")
    ok("render", "scenes_here/plain.py:Plain", *SMALL, "-o", "plain.mp4")
    ok("render", f"{title_card.__file__}:TitleCard", *SMALL, "-o", "card.mp4")
    parts = 2 * video_frames("card.mp4") + video_frames("box.mp4") + video_frames("plain.mp4")
    assert video_frames("renders/story.mp4") == parts == 2 * 14 + 5 + 5


# ------------------------------------------------------------------ netreel gif


def test_gif_from_a_video_meets_max_size(own):
    ok("render", "scenes_here/box.py:Box", "--size", "320x180", "--fps", "10", "-o", "clip.webm")
    free = ok("gif", "clip.webm", "-o", "free.gif").output
    assert "free.gif" in free and "10 fps, 320x180, 128 colours, 1.6 s" in free
    budget = (own / "free.gif").stat().st_size * 2 // 3
    fitted = ok("gif", "clip.webm", "--max-size", str(budget)).output
    assert (own / "clip.gif").stat().st_size <= budget and "to fit" in fitted
    with Image.open("clip.gif") as image:
        assert image.info["loop"] == 0 and image.n_frames >= 2
        shown = sum(image.seek(i) or image.info["duration"] for i in range(image.n_frames))
    # the GIF opens on its poster frame, past the fade-in from the background
    assert shown == 1600 - 100 * poster_start(read_video(Path("clip.webm")))
    ok("gif", "clip.webm", "--fps", "5", "--size", "160x90", "-o", "small.gif")
    with Image.open("small.gif") as image:
        assert image.size == (160, 90)


def test_gif_errors(own):
    (own / "text.mp4").write_text("not a video")
    assert_error(run("gif", "none.mp4"), "video file 'none.mp4' does not exist")
    assert_error(run("gif", "scenes_here"), "video file 'scenes_here' is not a regular file")
    assert_error(run("gif", "text.mp4"), "is not a video PyAV can read")
    assert_error(run("gif", "text.mp4", "-o", "x.png"), "must end with .gif")
    assert_error(run("gif", "text.mp4", "--fps", "0"), "--fps must be more than 0")
    assert_error(run("gif", "text.mp4", "--fps", "1_0"), "--fps", "not a finite number")  # as render reads numbers
    assert_error(run("gif", "text.mp4", "--fps", "1" * 41), "--fps", "too many for a number")
    with av.open("wide.mp4", "w") as wide:  # wider than 8K: refused unless --size scales it
        stream = wide.add_stream("libx264", rate=5)
        stream.width, stream.height, stream.pix_fmt = 7696, 16, "yuv420p"
        picture = av.VideoFrame.from_ndarray(np.zeros((16, 7696, 3), np.uint8), format="rgb24")
        for packet in [*stream.encode(picture), *stream.encode()]:
            wide.mux(packet)
    assert_error(run("gif", "wide.mp4"), "has frames of 7696x16, larger than 7680x4320")
    ok("gif", "wide.mp4", "--size", "962x16", "-o", "narrow.gif")
    (own / "narrow.gif").unlink()
    assert_error(run("gif", "text.mp4", "--size", "3x3"), "--size must be between")
    assert_error(run("gif", "text.mp4", "--max-size", "lots"), "--max-size")
    ok("render", "scenes_here/plain.py:Plain", *SMALL, "-o", "clip.mp4")
    assert_error(run("gif", "clip.mp4", "--max-size", "100B"), "--max-size: even the smallest GIF")
    assert not list(own.glob("*.gif"))
    ok("gif", "clip.mp4", "-o", "clip.gif")
    before = (own / "clip.gif").read_bytes()
    assert_error(run("gif", "clip.gif"), "would replace its own input 'clip.gif'")  # its default output
    assert_error(run("gif", "clip.gif", "-o", "./././clip.gif"), "would replace its own input")
    assert (own / "clip.gif").read_bytes() == before


FAILING = '''from manim import FadeIn, Scene, Square, Wait


class Broken(Scene):
    def construct(self):
        self.play(FadeIn(Square()), run_time=0.4)
        self.play(Wait(0.4))
        if not self.renderer.skip_animations:
            self.missing_method()
        self.play(Wait(0.4))
'''


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_scene_file_that_fails_while_drawing_is_one_error_line_naming_its_line(tmp_path, tmp_path_factory,
                                                                                  monkeypatch, jobs):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    (tmp_path / "broken.py").write_text(FAILING)
    line = assert_error(run("render", "broken.py:Broken", "--size", "64x36", "--fps", "5", "-o", "b.mp4",
                            "--jobs", jobs))
    assert line == ("Error: scene broken.py:Broken failed: AttributeError: 'Broken' object has no attribute "
                    "'missing_method' (broken.py:9)")
    assert files(tmp_path) == ["broken.py"]


def test_a_still_past_the_end_of_a_scene_file_is_explained_as_for_any_scene(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.py").write_text(FAILING)
    assert_error(run("render", "broken.py:Broken", "--size", "64x36", "--fps", "5", "-f", "png", "--at", "1",
                     "-o", "b.png"), "Error: scene broken.py:Broken failed: AttributeError")
    (tmp_path / "fine.py").write_text("from manim import Scene, Wait\n\n\nclass Fine(Scene):\n"
                                      "    def construct(self):\n        self.play(Wait(0.4))\n")
    assert_error(run("render", "fine.py:Fine", "--size", "64x36", "--fps", "5", "-f", "png", "--at", "9",
                     "-o", "f.png"), "Error: --at 9 is past the end of the scene, which is 0.4 s long")
    assert files(tmp_path) == ["broken.py", "fine.py"]
