"""What surrounds the frames: caption cues, subtitles (.srt/.vtt), alt text, chapters."""

from __future__ import annotations

import re

import av
import numpy as np
import pytest
from manim import tempconfig

from scenes.base import NetreelScene
from scenes.output.render import render_frames, render_scene
from scenes.output.subtitles import (
    alt_text,
    shift_cues,
    srt_text,
    vtt_text,
    write_srt,
    write_vtt,
)
from scenes.output.video import Chapter, chapters_text, concat_videos
from scenes.story.title_card import TitleCard, TitleCardOptions
from scenes.text import Caption, Cue, scene_cues

FPS = 10


class TwoCaptions(NetreelScene):
    """Nothing but a caption that says two lines and clears."""

    name = "two-captions"
    description = "Two captions, one after the other"

    def construct(self) -> None:
        caption = Caption(self.theme)
        self.wait(0.4)
        self.play(caption.say("The first line"))
        self.wait(0.8)  # waits of whole frames: Manim truncates int(0.6 * 10) = 5 frames when it draws
        self.play(caption.say("A second line, which is longer", run_time=0.8))
        self.wait(0.5)
        self.play(caption.clear())
        self.wait(0.4)


class NeverCleared(NetreelScene):
    name = "never-cleared"
    description = "A caption left on screen"

    def construct(self) -> None:
        caption = Caption(self.theme)
        self.play(caption.say("Still here"))
        self.wait(0.5)


def render(scene_class=TwoCaptions, **config):
    scenes: list[NetreelScene] = []
    with tempconfig(config):
        frames = render_frames(scene_class, width=160, height=90, fps=FPS, scene_out=scenes)
    return frames, scene_cues(scenes[0])


@pytest.fixture(scope="module")
def rendered():
    return render()


def ink(frames: np.ndarray) -> np.ndarray:
    """Per frame: is anything but the (black) background drawn?"""
    return frames[..., :3].max(axis=(1, 2, 3)) > 0


# ---------------------------------------------------------------- cues


def test_cues_name_each_line_in_order(rendered):
    _, cues = rendered
    assert [cue.text for cue in cues] == ["The first line", "A second line, which is longer"]
    assert cues[0].end == pytest.approx(cues[1].start)  # one line hands over to the next


def test_cues_cover_exactly_the_frames_that_show_a_caption(rendered):
    frames, cues = rendered
    times = np.arange(len(frames)) / FPS
    covered = np.zeros(len(frames), bool)
    for cue in cues:
        covered |= (times >= cue.start - 1e-9) & (times < cue.end - 1e-9)
    np.testing.assert_array_equal(covered, ink(frames))


def test_cues_lie_inside_the_video_on_its_frames(rendered):
    frames, cues = rendered
    duration = len(frames) / FPS
    for cue in cues:
        assert 0 <= cue.start < cue.end <= duration
        for moment in (cue.start, cue.end):
            assert moment * FPS == pytest.approx(round(moment * FPS))


def test_each_cue_holds_the_frames_where_its_line_is_the_clearer(rendered):
    frames, cues = rendered
    first, second = cues
    steady_first = frames[round(first.end * FPS) - 1 - 4]  # inside the hold after the first fade-in
    steady_second = frames[round(second.end * FPS) - 1 - 4]
    assert not np.array_equal(steady_first, steady_second)
    for index in range(round(first.start * FPS), round(second.end * FPS) - 4):
        frame = frames[index].astype(int)
        to_first, to_second = np.abs(frame - steady_first).sum(), np.abs(frame - steady_second).sum()
        if abs(to_first - to_second) <= 0.01 * (to_first + to_second):
            continue  # the crossfade's middle frame: both lines at half strength, neither is clearer
        assert (to_first < to_second) == (index < round(first.end * FPS)), index


def test_a_line_never_cleared_lasts_to_the_end_of_the_scene():
    frames, cues = render(NeverCleared)
    assert [cue.text for cue in cues] == ["Still here"]
    assert cues[0].end == pytest.approx(len(frames) / FPS)


def test_skipped_animations_keep_the_cue_times():
    """Rendering only some animations (a chunk of the scene) gives the same cues."""
    _, whole = render()
    _, chunk = render(from_animation_number=3)
    assert chunk == whole


# ---------------------------------------------------------------- subtitle files

SRT_BLOCK = re.compile(
    r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)\n((?:.+\n?)+)"
)
VTT_BLOCK = re.compile(
    r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)\n((?:.+\n?)+)"
)


def seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_srt(text: str) -> list[Cue]:
    blocks = text.strip().split("\n\n")
    cues = []
    for number, block in enumerate(blocks, 1):
        match = SRT_BLOCK.fullmatch(block + "\n")
        assert match, block
        assert int(match.group(1)) == number
        lines = match.group(10).strip()
        cues.append(Cue(" ".join(lines.split("\n")), seconds(*match.group(2, 3, 4, 5)), seconds(*match.group(6, 7, 8, 9))))
    return cues


def parse_vtt(text: str) -> list[Cue]:
    header, *blocks = text.strip().split("\n\n")
    assert header == "WEBVTT"
    cues = []
    for block in blocks:
        match = VTT_BLOCK.fullmatch(block + "\n")
        assert match, block
        lines = match.group(9).strip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append(Cue(" ".join(lines.split("\n")), seconds(*match.group(1, 2, 3, 4)), seconds(*match.group(5, 6, 7, 8))))
    return cues


def assert_same_cues(parsed: list[Cue], cues: list[Cue]) -> None:
    assert [cue.text for cue in parsed] == [cue.text for cue in cues]
    for got, want in zip(parsed, cues):
        assert got.start == pytest.approx(want.start, abs=5e-4)
        assert got.end == pytest.approx(want.end, abs=5e-4)


def test_srt_and_vtt_parse_back_to_the_rendered_cues(rendered, tmp_path):
    frames, cues = rendered
    srt, vtt = write_srt(cues, tmp_path / "clip.srt"), write_vtt(cues, tmp_path / "clip.vtt")
    for parsed in (parse_srt(srt.read_text(encoding="utf-8")), parse_vtt(vtt.read_text(encoding="utf-8"))):
        assert_same_cues(parsed, cues)
        assert all(0 <= cue.start < cue.end <= len(frames) / FPS for cue in parsed)


def test_subtitles_break_long_lines_escape_vtt_and_count_hours():
    long = "a caption that is far too long for one line of subtitles <b> & -->"
    cues = [Cue(long, 3725.5, 3727.25), Cue("empty", 1.0, 1.0)]
    srt, vtt = srt_text(cues), vtt_text(cues)
    assert "01:02:05,500 --> 01:02:07,250" in srt and "01:02:05.500 --> 01:02:07.250" in vtt
    assert len(parse_srt(srt)) == 1 and "empty" not in srt  # a zero-length cue is dropped
    assert all(len(line) <= 42 for line in srt.splitlines()[2:])
    assert "<b>" not in vtt and "-->" not in vtt.splitlines()[-1]
    assert_same_cues(parse_vtt(vtt), cues[:1])


def test_shifted_cues_move_by_the_offset():
    moved = shift_cues([Cue("x", 1.0, 2.0)], 10.5)
    assert moved == [Cue("x", 11.5, 12.5)]


# ---------------------------------------------------------------- alt text


def test_alt_text_names_the_scene_then_its_captions_in_order(rendered):
    _, cues = rendered
    text = alt_text(TwoCaptions.description, cues)
    assert text.startswith("Animation: Two captions, one after the other.")
    assert text.index("The first line.") < text.index("A second line, which is longer.")
    assert "\n" not in text


def test_alt_text_of_a_still_names_only_the_caption_it_shows():
    cues = [Cue("First.", 0.0, 1.0), Cue("Last words", 1.0, 4.0), Cue("Corner note", 2.0, 4.0)]
    assert alt_text("A neuron", cues, still=True) == "Still: A neuron. The caption reads: Last words. Corner note."


def test_alt_text_without_captions_is_the_description():
    assert alt_text("A still of a neuron.", []) == "Animation: A still of a neuron."


# ---------------------------------------------------------------- joined video and chapters


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Three short title-card clips (mp4 and webm) of 1.2 s, 1.6 s and 1.2 s."""
    folder = tmp_path_factory.mktemp("clips")
    made = {"mp4": [], "webm": []}
    for video in made:
        for number, hold in enumerate((0.1, 0.3, 0.1), 1):
            options = TitleCardOptions(f"Card {number}", "", hold=hold)
            rendered = render_scene(TitleCard, options, width=96, height=54, fps=FPS,
                                    media_dir=folder / f"{video}{number}", video=video)
            made[video].append(rendered.movie)
    return made


def frame_times(path) -> list[float]:
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        return [float(frame.pts * stream.time_base) for frame in video.decode(stream)]


@pytest.mark.parametrize("video", ["mp4", "webm"])
def test_joined_video_lists_one_chapter_per_titled_clip(clips, tmp_path, video):
    paths = clips[video]
    target = tmp_path / f"joined.{video}"
    made = concat_videos(paths, target, chapters=["Opening", None, "Closing"])
    lengths = [len(frame_times(path)) / FPS for path in paths]
    assert [chapter.title for chapter in made] == ["Opening", "Closing"]
    assert made[0].start == 0 and made[0].end == pytest.approx(lengths[0] + lengths[1])
    assert made[1].start == made[0].end and made[1].end == pytest.approx(sum(lengths))
    with av.open(str(target)) as joined:
        listed = joined.chapters()
    assert [chapter["metadata"]["title"] for chapter in listed] == ["Opening", "Closing"]
    for chapter, want in zip(listed, made):
        assert float(chapter["start"] * chapter["time_base"]) == pytest.approx(want.start, abs=1e-3)
        assert float(chapter["end"] * chapter["time_base"]) == pytest.approx(want.end, abs=1e-3)
    times = frame_times(target)
    assert len(times) == sum(len(frame_times(path)) for path in paths)
    np.testing.assert_allclose(np.diff(times), 1 / FPS, atol=2e-3)  # one clip right after another


def test_a_join_without_chapters_has_none(clips, tmp_path):
    assert concat_videos(clips["mp4"][:2], tmp_path / "plain.mp4") == []
    with av.open(str(tmp_path / "plain.mp4")) as joined:
        assert joined.chapters() == []


def test_chapter_titles_must_match_the_clips(clips, tmp_path):
    with pytest.raises(ValueError, match="2 chapter titles for 3 clips"):
        concat_videos(clips["mp4"], tmp_path / "x.mp4", chapters=["a", "b"])
    with pytest.raises(ValueError, match="first clip"):
        concat_videos(clips["mp4"], tmp_path / "x.mp4", chapters=[None, "b", "c"])


def test_chapters_text_reads_as_a_video_description():
    chapters = [Chapter("Intro", 0.0, 34.6), Chapter("Bumps", 34.6, 3725.2), Chapter("End", 3725.2, 3800.0)]
    assert chapters_text(chapters) == "0:00 Intro\n0:34 Bumps\n1:02:05 End\n"


# ---------------------------------------------------------------- --subtitles on the command line


def video_frames(path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_render_subtitles_write_the_scene_cues_beside_the_video(tmp_path, monkeypatch, jobs):
    from click.testing import CliRunner

    from scenes.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path / "cache"))
    here = __file__
    result = CliRunner().invoke(main, ["render", f"{here}:TwoCaptions", "--size", "160x90", "--fps", str(FPS),
                                       "-o", "two.mp4", "--subtitles", "--no-captions", "--jobs", jobs])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["two.mp4", "two.srt", "two.vtt"]
    frames, cues = render()
    assert [cue.text for cue in cues] == ["The first line", "A second line, which is longer"]
    for parsed in (parse_srt((tmp_path / "two.srt").read_text(encoding="utf-8")),
                   parse_vtt((tmp_path / "two.vtt").read_text(encoding="utf-8"))):
        assert_same_cues(parsed, cues)
        assert parsed[-1].end <= video_frames(tmp_path / "two.mp4") / FPS


#: Seconds of a title card.
CARD = 2.8

STORY = '''title = "Captions"
[[section]]
scene = "{file}:TwoCaptions"
title = "One"
[[section]]
scene = "{file}:NeverCleared"
'''


@pytest.mark.slow
def test_explainer_subtitles_follow_each_clip_in_the_joined_video(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from scenes.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "story.toml").write_text(STORY.format(file=__file__), encoding="utf-8")
    result = CliRunner().invoke(main, ["explainer", "--story", "story.toml", "--allow-code", "--size", "160x90",
                                       "--fps", str(FPS), "-o", "story.mp4", "--subtitles", "--quiet"])
    assert result.exit_code == 0, result.output
    blocks = parse_srt((tmp_path / "story.srt").read_text(encoding="utf-8"))
    assert [cue.text for cue in blocks] == ["The first line", "A second line, which is longer", "Still here"]
    # Two title cards (the story's, the first section's) play before TwoCaptions, then NeverCleared.
    two_frames, two_cues = render()
    _, never_cues = render(NeverCleared)
    starts = [2 * CARD + cue.start for cue in two_cues] + [2 * CARD + len(two_frames) / FPS + never_cues[0].start]
    assert [cue.start for cue in blocks] == pytest.approx(starts, abs=1e-3)
    total = video_frames(tmp_path / "story.mp4") / FPS
    assert total == pytest.approx(2 * CARD + len(two_frames) / FPS + never_cues[0].end, abs=1e-3)
    assert blocks[-1].end == pytest.approx(total, abs=1e-3)  # never cleared: lasts to the end of the video
