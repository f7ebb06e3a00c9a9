"""Tiny scenes for the CLI tests (importable by spawned worker processes), and their checks."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from manim import LEFT, RIGHT, Dot, Square

from scenes.base import NetreelScene, SceneOptions, option
from scenes.output.render import render_frames


@dataclass
class TinyOptions(SceneOptions):
    count: int = option(2, "how many squares", low=1, high=5)
    speed: float = option(1.0, "seconds the dot takes to cross", low=0.2, high=60)
    color: str = option("text", "theme colour of the dot", choices=("text", "accent"))
    hold: bool = option(True, "wait at the end")
    interval: tuple[float, float] = option((-1.0, 1.0), "x range", low=-5, high=5)
    cases: tuple[tuple[float, float], ...] = option(((1.0, 1.0), (1.0, -1.0)), "weight pairs", low=-3, high=3)
    seed: int = option(0, "random seed", low=0)
    interrupt: bool = option(False, "raise KeyboardInterrupt halfway (tests only)")
    slow: bool = option(False, "take 20 ms more for every frame (signal tests: a render still going on)")

    def check(self) -> None:
        if self.interval[0] >= self.interval[1]:
            raise ValueError("--interval must have LOW < HIGH")


class TinyScene(NetreelScene):
    """A dot that crosses the frame (every frame differs), then a short wait."""

    Options = TinyOptions
    name = "tiny"
    description = "A dot crossing the frame (test scene)."

    def construct(self) -> None:
        o = self.options
        color = getattr(self.theme, o.color)
        squares = [Square(0.5, color=self.theme.neuron_color(i)).shift(1.5 * i * RIGHT) for i in range(o.count)]
        self.add(*squares)
        dot = Dot(4 * LEFT, radius=0.4, color=color)
        if o.slow:
            dot.add_updater(lambda mobject, dt: time.sleep(0.02))
        self.add(dot)
        self.play(dot.animate.move_to(4 * RIGHT), run_time=o.speed)
        if o.interrupt:
            raise KeyboardInterrupt
        if o.hold:
            self.wait(0.4)


class OtherScene(TinyScene):
    name = "other"
    description = "Another tiny scene."


def test_tiny_scene_renders_a_moving_dot():
    frames = render_frames(TinyScene, TinyOptions(speed=1.0), width=64, height=36, fps=10)
    assert frames.shape == (14, 36, 64, 4)
    assert not np.array_equal(frames[0], frames[9])
    assert np.array_equal(frames[-1], frames[-2])  # the wait repeats the last picture
