"""A GIF too long to hold is refused before anything renders: its frames counted by a survey first."""

from __future__ import annotations

import tempfile

import pytest
from test_cli import captured, files, run, workdir  # noqa: F401 (fixtures)
from test_cli_support import TinyScene
from test_hostile import known, refused  # noqa: F401 (fixture)

from scenes.cli.gif_length import frame_count
from scenes.output.frames import FrameStore
from scenes.output.gif import GifSettings
from scenes.output import engine
from scenes.output.jobs import GifRequest, Job, scene_path
from scenes.output.render import render_scene

# The tiny scene draws 168 frames at 120 fps: 5,574 megapixels at 7680x4320, 1,393 at 3840x2160.
HUGE = ["-f", "gif", "--size", "7680x4320", "--fps", "120"]
LARGE = ["-f", "gif", "--size", "3840x2160", "--fps", "120"]


@pytest.fixture(autouse=True)
def cache(tmp_path_factory, monkeypatch):
    """A cache of this test's own, outside the working folder (whose files are compared)."""
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def gif_job(width: int, height: int, fps: float) -> Job:
    return Job(scene_path(TinyScene), TinyScene.Options(), "dark", width, height, fps,
               gif=GifRequest(GifSettings(fps, 1.0, 128)))


def test_a_gif_too_long_is_refused_before_anything_renders(known, workdir, captured):
    refused(run("render", "tiny", *HUGE), "the GIF of tiny would be 168 frames of 7680x4320, 5,574 megapixels",
            "at most 2,000", "60 frames, 0.5 s at 120 fps", "lower --fps or --size")
    assert captured == [] and files(workdir) == []  # nothing rendered, nothing written


def test_a_gif_that_fits_renders(known, workdir, captured):
    assert run("render", "tiny", *LARGE, "--quiet").exit_code == 0
    assert len(captured) == 1


def test_a_spec_with_a_gif_too_long_renders_none_of_its_scenes(known, workdir, captured):
    (workdir / "s.toml").write_text('[[scene]]\nscene = "tiny"\noutput = "a.mp4"\n'
                                    '[[scene]]\nscene = "tiny"\noutput = "b.gif"\nsize = "7680x4320"\nfps = 120\n')
    refused(run("render", "--spec", "s.toml"), "the GIF of tiny would be 168 frames")
    assert captured == [] and files(workdir) == ["s.toml"]


def test_the_explainers_gif_counts_its_clips_together(known, workdir, captured):
    # each clip alone would fit (1,393 megapixels); joined they do not
    (workdir / "story.toml").write_text('[[section]]\nscene = "tiny"\n[[section]]\nscene = "tiny"\n')
    refused(run("explainer", "--story", "story.toml", *LARGE),
            "the GIF of the 2 clips joined would be 336 frames of 3840x2160", "241 frames, 2.0 s at 120 fps")
    assert captured == [] and files(workdir) == ["story.toml"]


def test_the_count_is_the_frames_a_render_keeps():
    store = FrameStore(5)
    with tempfile.TemporaryDirectory() as media_dir:
        render_scene(TinyScene, TinyScene.Options(), width=96, height=54, fps=5, media_dir=media_dir, sink=store.add)
    assert frame_count(gif_job(7680, 4320, 5)) == len(store) == 7


def test_a_scene_is_surveyed_once(monkeypatch):
    assert frame_count(gif_job(1920, 1080, 60)) == 84

    def surveyed_again(job):
        raise AssertionError("surveyed again: the kept survey was not used")

    monkeypatch.setattr(engine, "survey_job", surveyed_again)
    assert frame_count(gif_job(1920, 1080, 60)) == 84


def test_the_count_is_the_survey_a_run_with_jobs_plans_with(monkeypatch):
    job = gif_job(160, 90, 5)
    frame_count(job)

    def surveyed_again(job):
        raise AssertionError("surveyed again: the check's survey was not kept at the job's own size")

    monkeypatch.setattr(engine, "survey_job", surveyed_again)
    assert sum(play.frames for play in engine.kept_survey(job)) == 7
