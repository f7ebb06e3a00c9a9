"""Each clip's encoder: a repeated frame is converted once, and the clip is the one Manim writes."""

from __future__ import annotations

import os
from fractions import Fraction
from types import SimpleNamespace

import av
import numpy as np
import pytest
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder
from support import decoded

from scenes.output import encoder
from scenes.output.encoder import StillOnceEncoder
from scenes.output.render import ENCODER_THREAD_BYTES, manim_settings

WIDTH, HEIGHT = 96, 54
#: (seed, repeat): a still shown five times between pictures shown once or thrice
SHOWN = [(1, 1), (2, 5), (3, 1), (4, 3)]


def _frame(seed: int, width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    return pixels


def _spec(container: str, codec: str, pixel_format: str, options: dict, width: int = WIDTH,
          height: int = HEIGHT) -> VideoEncoderSpec:
    return VideoEncoderSpec(container_format=container, codec=codec, pixel_format=pixel_format, width=width,
                            height=height, frame_rate=Fraction(15), options=tuple(sorted(options.items())))


def _write(kind: type[VideoSegmentEncoder], spec: VideoEncoderSpec, target) -> bytes:
    clip = kind(target=target, spec=spec)
    for seed, repeat in SHOWN:
        clip.write_frame(_frame(seed, spec.width, spec.height), repeat=repeat)
    clip.finish()
    return target.read_bytes()


NETREELS = manim_settings(WIDTH, HEIGHT, 15, "/tmp")["video_encoder_options"]


#: Two encodes of the same frames by the same encoder differ now and then here (about 1 in
#: 40 processes, x264 on one thread or several; in some processes every try): tries until
#: ours and Manim's agree, else compares their pictures within x264's loss.
TRIES = 4


@pytest.mark.parametrize("container, codec, width, height", [
    ("mp4", "libx264", WIDTH, HEIGHT), ("mp4", "libx264", 854, 480), ("webm", "libvpx-vp9", WIDTH, HEIGHT)])
def test_a_clip_is_the_very_one_manims_encoder_writes(tmp_path, container, codec, width, height):
    # 854 pixels: rows of RGBA not on a 64-byte boundary, read where they lie
    spec = _spec(container, codec, "yuv420p", NETREELS, width, height)
    ours, manims = tmp_path / f"ours.{container}", tmp_path / f"manims.{container}"
    for _ in range(TRIES):
        same_bytes = _write(StillOnceEncoder, spec, ours) == _write(VideoSegmentEncoder, spec, manims)
        frames = decoded(ours)
        same_frames = all(np.array_equal(a, b) for a, b in zip(frames, decoded(manims)))
        # Matroska gives each file an id of its own, so WebM clips are compared by their frames
        if same_frames and (same_bytes or container == "webm"):
            break
    else:
        # A process where x264 keeps encoding differently (see TRIES): the pictures must still be
        # Manim's within x264's loss, as a wrong conversion (channels, matrix, rows) never is.
        worst = max(np.abs(a.astype(int) - b).max() for a, b in zip(frames, decoded(manims)))
        assert worst <= 12, f"our clip differs from Manim's by up to {worst} levels in {TRIES} tries"
    assert len(frames) == sum(repeat for _, repeat in SHOWN)
    # the still's five frames show it, not the pictures around it
    assert not np.array_equal(frames[1], frames[0]) and not np.array_equal(frames[5], frames[6])


def test_a_repeated_frame_is_converted_once(tmp_path, monkeypatch):
    conversions = []

    def from_numpy_buffer(pixels, format):
        conversions.append(format)
        return av.VideoFrame.from_numpy_buffer(pixels, format=format)

    monkeypatch.setattr(encoder, "av", SimpleNamespace(VideoFrame=SimpleNamespace(from_numpy_buffer=from_numpy_buffer)))
    _write(StillOnceEncoder, _spec("mp4", "libx264", "yuv420p", NETREELS), tmp_path / "clip.mp4")
    assert conversions == ["rgba"] * len(SHOWN)


def test_renders_encode_their_clips_with_it(tmp_path, monkeypatch):
    from scenes.output.render import render_scene
    from scenes.story.neuron_anatomy import NeuronAnatomy

    written = []
    manims = StillOnceEncoder.write_frame
    monkeypatch.setattr(StillOnceEncoder, "write_frame",
                        lambda self, pixels, repeat=1: (written.append(repeat), manims(self, pixels, repeat=repeat)))
    render_scene(NeuronAnatomy, None, width=WIDTH, height=HEIGHT, fps=2, media_dir=tmp_path, video="mp4")
    assert written and max(written) > 1  # the scene's holds reach it as repeats


@pytest.mark.parametrize("width, height", [(854, 480), (1920, 1080), (3840, 2160), (7680, 4320)])
def test_x264_threads_work_on_successive_frames_within_a_memory_budget(width, height):
    options = manim_settings(width, height, 60, "/tmp")["video_encoder_options"]
    assert options["thread_type"] == "frame"
    threads = int(options["threads"])
    assert 1 <= threads <= max(1, 3 * len(os.sched_getaffinity(0)) // 2)
    assert threads * 1.5 * width * height <= ENCODER_THREAD_BYTES
