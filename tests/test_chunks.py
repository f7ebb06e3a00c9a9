"""Chunks: a scene rendered as ranges of its animations, joined, is the one-process render."""

import io
import multiprocessing
import re
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from manim import FadeIn, Square, Wait
from support import decoded

from scenes.base import NetreelScene
from scenes.output.chunks import WHOLE, Chunk, Play, chunk_cost, plan, split
from scenes.output.engine import run_jobs
from scenes.output.jobs import Job, JobFailed, scene_path
from scenes.output.progress import Progress
from scenes.output.render import render_frames, render_scene, survey
from scenes.output.video import concat_videos
from scenes.output.workers import Processes
from scenes.registry import scenes
from scenes.story.superposition import Superposition
from scenes.story.title_card import TitleCard, TitleCardOptions
from scenes.text import scene_cues

SIZE = dict(width=96, height=54, fps=3)

plays_lists = st.lists(
    st.builds(Play, st.integers(0, 60), st.floats(0, 2, allow_nan=False)), min_size=1, max_size=30
)


def covered(chunks, n):
    """Each play index, as many times as the chunks render it."""
    return [i for chunk in chunks for i in range(chunk.first, n if chunk.last is None else chunk.last + 1)]


@given(plays_lists, st.integers(1, 8), st.floats(0, 0.1))
def test_chunks_cover_every_animation_exactly_once(plays, parts, per_frame):
    chunks = split(plays, parts, per_frame)
    assert covered(chunks, len(plays)) == list(range(len(plays)))
    assert 1 <= len(chunks) <= parts
    assert chunks[-1].last is None and all(chunk.last is not None for chunk in chunks[:-1])
    if len(chunks) > 1:  # each chunk makes a clip
        assert all(sum(plays[i].frames for i in covered([chunk], len(plays))) > 0 for chunk in chunks)


@given(st.lists(plays_lists, min_size=1, max_size=5), st.integers(1, 4))
def test_a_plan_covers_every_animation_of_every_scene_once(surveys, workers):
    for plays, chunks in zip(surveys, plan(surveys, workers, [0.03] * len(surveys))):
        assert covered(chunks, len(plays)) == list(range(len(plays)))


def test_equal_plays_split_in_halves_and_skipping_makes_later_chunks_shorter():
    assert split([Play(10, 0.0)] * 8, 2, 1.0) == [Chunk(0, 3), Chunk(4, None)]
    # Getting past the first plays costs the second chunk: it gets fewer plays to draw.
    plays = [Play(10, 8.0)] * 8
    first, second = split(plays, 2, 1.0)
    assert (first, second) == (Chunk(0, 4), Chunk(5, None))
    assert [chunk_cost(plays, chunk, 1.0) for chunk in (first, second)] == [90, 94]


def test_plan_cuts_the_long_scene_and_keeps_short_ones_whole():
    long, short = [Play(100, 0.1)] * 10, [Play(10, 0.1)] * 3
    chunks = plan([long, short, short], 2, [0.03] * 3)
    assert len(chunks[0]) == 2 and chunks[1] == chunks[2] == [WHOLE]
    assert plan([long, short], 1, [0.03] * 2) == [[WHOLE], [WHOLE]]
    # When skipping to a cut costs more than drawing what follows, cutting never pays.
    assert plan([[Play(1, 5.0)] * 4, [Play(1, 5.0)] * 4], 2, [0.001] * 2) == [[WHOLE], [WHOLE]]


def test_a_survey_counts_the_frames_a_render_draws():
    plays = survey(TitleCard, **SIZE)
    assert [play.frames for play in plays] and all(play.seconds >= 0 for play in plays)
    assert sum(play.frames for play in plays) == len(render_frames(TitleCard, **SIZE))


def chunked_frames(scene_class, chunks, tmp_path):
    frames, cues = [], []
    for number, chunk in enumerate(chunks):
        rendered = render_scene(scene_class, chunk=chunk, media_dir=tmp_path / str(number),
                                sink=lambda frame, repeat: frames.extend([np.array(frame)] * repeat), **SIZE)
        cues = rendered.cues
    return np.stack(frames), cues


def thirds(n):
    cuts = sorted({max(1, n // 3), max(1, 2 * n // 3)} - {n})
    starts = [0, *cuts]
    return [Chunk(a, b - 1) for a, b in zip(starts, cuts)] + [Chunk(starts[-1], None)]


FAST = {"TitleCard"}


@pytest.mark.parametrize("scene_class", [
    pytest.param(s, marks=() if s.__name__ in FAST else pytest.mark.slow)
    for s in [*scenes().values(), TitleCard]
], ids=lambda s: s.__name__)
def test_a_scene_rendered_in_three_chunks_is_the_one_process_render(scene_class, tmp_path):
    one = []
    reference = render_frames(scene_class, **SIZE, scene_out=one)
    chunks = thirds(one[0].renderer.num_plays)
    assert len(chunks) == min(3, one[0].renderer.num_plays)
    frames, cues = chunked_frames(scene_class, chunks, tmp_path)
    assert frames.shape == reference.shape
    assert np.array_equal(frames, reference)
    # The last chunk ran through every play before it: it knows every caption, at the same times.
    assert cues == scene_cues(one[0])


def test_chunk_clips_join_without_re_encoding_into_the_whole_clip(tmp_path):
    options = TitleCardOptions("Chunks", "joined")
    kwargs = dict(width=96, height=54, fps=5)
    whole = render_scene(TitleCard, options, media_dir=tmp_path / "whole", video="mp4", **kwargs)
    parts = [render_scene(TitleCard, options, chunk=chunk, media_dir=tmp_path / str(i), video="mp4", **kwargs)
             for i, chunk in enumerate([Chunk(0, 0), Chunk(1, None)])]
    concat_videos([part.movie for part in parts], tmp_path / "joined.mp4")
    joined, reference = decoded(tmp_path / "joined.mp4"), decoded(whole.movie)
    assert len(joined) == len(reference) == sum(len(decoded(part.movie)) for part in parts)
    # Each piece starts on a key frame of its own, so the pictures match to within x264's loss.
    assert max(np.abs(a.astype(int) - b).mean() for a, b in zip(joined, reference)) < 3


class Fails(NetreelScene):
    """Draws two animations, then fails while drawing the third (never while it is skipped)."""

    name = "fails-late"

    def construct(self):
        self.play(FadeIn(Square()), run_time=1)
        self.play(Wait(1))
        if not self.renderer.skip_animations:
            raise ValueError("the third play cannot be drawn")
        self.play(Wait(1))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path / "cache"))


def jobs_of(*scene_classes, **files):
    return [Job(scene_path(scene), None, "dark", 96, 54, 3, **files) for scene in scene_classes]


def in_two_processes(jobs, tmp_path, **kwargs):
    with Processes(2) as workers:
        return run_jobs(jobs, tmp_path, workers=workers, **kwargs)


@pytest.mark.slow
def test_pieces_in_two_processes_give_the_same_files_as_one_process(tmp_path, cache):
    jobs = jobs_of(Superposition, TitleCard, video="mp4", png=True, keep_frames=True, subtitles=True)
    start = time.perf_counter()
    chunked = in_two_processes(jobs, tmp_path)
    assert time.perf_counter() - start < 120
    whole = run_jobs(jobs, tmp_path)
    for ours, reference in zip(chunked, whole):
        assert len(ours.frames) == len(reference.frames)
        assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(ours.frames.pictures(), reference.frames.pictures()))
        assert len(decoded(ours.movie)) == len(reference.frames)
        assert ours.png.read_bytes() == reference.png.read_bytes()
        assert ours.cues == reference.cues and ours.srt.read_text() == reference.srt.read_text()
    assert len(whole[0].cues) >= 5, "Superposition's captions are its cues"
    assert list((tmp_path / "cache" / "surveys").glob("*.json")), "the surveys are kept for the next run"


def test_a_chunk_that_fails_fails_the_run_and_stops_the_workers(tmp_path, cache):
    with pytest.raises(JobFailed, match="third play"):
        in_two_processes(jobs_of(Fails, Fails, video="mp4"), tmp_path)
    assert multiprocessing.active_children() == []


def test_a_failure_says_which_job_failed(tmp_path, cache):
    with pytest.raises(ValueError, match="third play") as failure:
        run_jobs(jobs_of(TitleCard, Fails, video="mp4"), tmp_path)
    assert failure.value.job == 1  # the caller names the spec or story entry of job 1


def test_ctrl_c_with_pieces_in_flight_stops_every_worker(tmp_path, cache):
    def interrupt(_index):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        in_two_processes(jobs_of(TitleCard, TitleCard, TitleCard, video="mp4"), tmp_path, on_done=interrupt)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("processes", [1, 2])
def test_every_frame_drawn_reaches_the_progress_display(tmp_path, cache, processes):
    jobs = jobs_of(TitleCard, TitleCard, keep_frames=True)
    log = io.StringIO()
    with Progress(["one", "two"], fps=3, stream=log, terminal=False) as progress:
        if processes == 1:
            results = run_jobs(jobs, tmp_path, progress=progress)
        else:
            results = in_two_processes(jobs, tmp_path, progress=progress)
    frames = [len(result.frames) for result in results]
    assert [clip.drawn for clip in progress.clips] == frames
    lines = [re.fullmatch(r"\[(\d)/2\] (\w+): (\d+) frames in \d+\.\d s", line) for line in log.getvalue().splitlines()]
    assert all(lines) and [int(line[1]) for line in lines] == [1, 2]
    assert {(line[2], int(line[3])) for line in lines} == {("one", frames[0]), ("two", frames[1])}
