"""Every registered scene, with its defaults: everything stays inside the frame, and the
same seed gives the same frames."""

import numpy as np
import pytest
from manim import VMobject, config

from scenes.output.render import render_frames
from scenes.registry import scenes
from scenes.story.title_card import TitleCard
from scenes.story.universal_approximation import (
    UniversalApproximation,
    UniversalApproximationOptions,
)
from scenes.text import FRAME_MARGIN


class InFrame:
    """Mixed into a scene: after every animation, note any part that leaves the frame's margin."""

    outside: list[str]

    def play(self, *animations, **kwargs):
        super().play(*animations, **kwargs)
        # Half a margin of slack: the margin is where layouts aim, the frame edge is the limit.
        w = config.frame_width / 2 - FRAME_MARGIN / 2
        h = config.frame_height / 2 - FRAME_MARGIN / 2
        for mobject in self.mobjects:
            # VMobjects only: a ValueTracker keeps its value as an off-screen point
            for part in mobject.family_members_with_points():
                if not isinstance(part, VMobject):
                    continue
                (x0, y0, _), (x1, y1, _) = part.get_corner([-1, -1, 0]), part.get_corner([1, 1, 0])
                if x0 < -w or x1 > w or y0 < -h or y1 > h:
                    self.outside.append(f"{type(part).__name__} at x {x0:.2f}..{x1:.2f}, y {y0:.2f}..{y1:.2f}")


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
