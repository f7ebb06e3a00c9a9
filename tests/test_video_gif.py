"""Any video into a GIF: frames read with PyAV keep their timing, then netreel's GIF writer."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

from scenes.cli import main
from scenes.output.frames import FrameStore, GifTooLong
from scenes.output.video_reader import VideoError, read_video


def write_video(path: Path, times: list[float], *, codec: str = "libx264", rate: int = 10,
                width: int = 64, height: int = 48, noise: bool = False) -> Path:
    """A clip whose frame ``i`` is grey level ``40 * i`` (or noise), shown from ``times[i]`` seconds."""
    rng = np.random.default_rng(0)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 100)
        for i, t in enumerate(times):
            pixels = (rng.integers(0, 256, (height, width, 3)) if noise
                      else np.full((height, width, 3), 40 * i)).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts, frame.time_base = round(100 * t), Fraction(1, 100)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.mark.parametrize("name, codec", [("clip.mp4", "libx264"), ("clip.webm", "libvpx-vp9"), ("clip.mov", "libx264")])
def test_reads_every_frame_at_the_video_rate(tmp_path, name, codec):
    path = write_video(tmp_path / name, [i / 10 for i in range(6)], codec=codec)
    frames = read_video(path)
    assert (frames.fps, len(frames), frames.shape) == (10.0, 6, (48, 64))
    levels = [int(round(picture.mean())) for picture, _ in frames.pictures()]
    assert levels == pytest.approx([0, 40, 80, 120, 160, 200], abs=4)
    assert read_video(path, size=(32, 24)).shape == (24, 32)


def test_a_variable_rate_video_keeps_its_timing(tmp_path):
    frames = read_video(write_video(tmp_path / "vfr.mp4", [0, 0.1, 0.5, 0.6]))
    assert frames.fps == 10.0
    assert [count for _, count in frames.pictures()] == [1, 4, 1, 1]  # 0.1 s -> 0.5 s held for 4 frames
    assert frames.duration == pytest.approx(0.7)


def test_files_that_are_not_videos(tmp_path):
    (tmp_path / "text.mp4").write_text("not a video")
    with pytest.raises(VideoError, match="is not a video PyAV can read"):
        read_video(tmp_path / "text.mp4")
    with pytest.raises(VideoError, match="No such file"):
        read_video(tmp_path / "none.mp4")
    with av.open(str(tmp_path / "sound.wav"), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 800), np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)
    with pytest.raises(VideoError, match="has no video stream"):
        read_video(tmp_path / "sound.wav")


def test_a_lower_rate_keeps_the_frame_nearest_each_of_its_times(tmp_path):
    path = write_video(tmp_path / "clip.mp4", [i / 10 for i in range(6)])
    frames = read_video(path, fps=5)
    levels = [int(round(picture.mean())) for picture, _ in frames.pictures()]
    assert frames.fps == 5.0 and levels == pytest.approx([0, 80, 160], abs=4)
    assert frames.duration == pytest.approx(0.6)
    assert read_video(path, fps=30).fps == 10.0  # never above the video's own rate


def test_a_video_too_long_for_a_gif_is_refused_before_a_frame_is_decoded(tmp_path, monkeypatch):
    path = write_video(tmp_path / "clip.mp4", [i / 10 for i in range(6)])
    monkeypatch.setattr(FrameStore.__init__, "__defaults__", (64 * 48 * 5,))  # room for 5 frames of 64x48
    decoded = []
    monkeypatch.setattr(av.VideoFrame, "to_ndarray", lambda *args, **kwargs: decoded.append(1))
    with pytest.raises(GifTooLong, match=r"5 frames of 64x48, 0\.5 s at 10 fps; this clip is longer \(6 frames\)"):
        read_video(path)
    assert decoded == []
    result = CliRunner().invoke(main, ["gif", str(path), "-o", str(tmp_path / "clip.gif")])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error: ") and "longer" in lines[0]
    assert not (tmp_path / "clip.gif").exists()


def test_frames_larger_than_the_largest_are_refused_unless_scaled(tmp_path):
    path = write_video(tmp_path / "clip.mp4", [0, 0.1], width=64, height=48)
    with pytest.raises(VideoError, match="has frames of 64x48, larger than 32x32: give a smaller --size"):
        read_video(path, largest=(32, 32))
    assert read_video(path, size=(32, 24), largest=(32, 32)).shape == (24, 32)
