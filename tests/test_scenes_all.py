"""Every registered scene, with its defaults: everything stays inside the frame, and the
same seed gives the same frames."""

import numpy as np
import pytest
from support import InFrame

from scenes.output.render import render_frames
from scenes.registry import scenes
from scenes.story.title_card import TitleCard
from scenes.story.universal_approximation import (
    UniversalApproximation,
    UniversalApproximationOptions,
)


@pytest.mark.parametrize("scene_class", [*scenes().values(), TitleCard], ids=lambda s: s.__name__)
def test_everything_stays_inside_the_frame(scene_class):
    probe = type(f"InFrame{scene_class.__name__}", (InFrame, scene_class), {"outside": []})
    frames = render_frames(probe, width=96, height=54, fps=2)
    assert frames[..., :3].std(axis=(1, 2, 3)).max() > 5, "the scene never shows anything"
    assert probe.outside == []


def test_same_seed_same_frames_other_seed_other_frames():
    def frames(seed):
        options = UniversalApproximationOptions(steps=300, duration=1.0, seed=seed)
        return render_frames(UniversalApproximation, options, width=96, height=54, fps=4)

    first = frames(3)
    assert np.array_equal(first, frames(3))
    assert not np.array_equal(first, frames(4))
