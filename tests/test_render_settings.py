"""The Manim settings netreel renders with: encoders overlap the next play, within a memory budget."""

from __future__ import annotations

import pytest

from scenes.output.render import QUEUED_FRAME_BYTES, manim_settings


@pytest.mark.parametrize("width, height", [(854, 480), (1920, 1080), (3840, 2160), (7680, 4320)])
def test_frames_waiting_for_encoders_stay_within_the_budget(width, height):
    settings = manim_settings(width, height, 60, "/tmp")
    held = settings["max_inflight_encoders"] * settings["encoder_queue_size"] * 4 * width * height
    assert held <= QUEUED_FRAME_BYTES
    assert settings["encoder_queue_size"] >= 1


@pytest.mark.parametrize("width, height", [(854, 480), (1920, 1080), (3840, 2160)])
def test_the_next_play_draws_while_the_last_one_encodes(width, height):
    assert manim_settings(width, height, 15, "/tmp")["max_inflight_encoders"] == 2
