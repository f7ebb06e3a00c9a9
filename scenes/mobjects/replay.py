"""Replay precomputed frames (a Trace, a sweep of weights) in one ``play``.

A scene computes its data up front, one entry per frame, and :func:`play_frames`
puts frame after frame on screen through a ``show(index)`` callback that restyles
existing mobjects. One ``play`` for the whole replay keeps the render cost to the
video's length: no new mobjects, no animation per data frame.
"""

from __future__ import annotations

from collections.abc import Callable

from manim import Animation, Mobject, Scene, UpdateFromAlphaFunc
from manim.utils.bezier import interpolate

__all__ = ["play_frames", "sweep"]


def play_frames(
    scene: Scene,
    count: int,
    show: Callable[[int], object],
    run_time: float,
    *animations: Animation,
    mobject: Mobject,
    start: int = 0,
    **kwargs,
) -> None:
    """Play frames ``start`` to ``start + count - 1`` of ``show`` over ``run_time`` seconds.

    Each video frame calls ``show(index)`` with the frame due at that moment (the
    rate function decides how fast the index moves), skipping repeats; the last
    call is always ``show(start + count - 1)``.

    Parameters
    ----------
    scene : the scene that plays.
    count : number of frames to replay (at least 1).
    show : puts frame ``index`` on screen by restyling mobjects in place.
    run_time : seconds of the replay.
    animations : played alongside (a caption, say).
    mobject : the first mobject ``show`` changes, in the scene's drawing order:
        Manim redraws it and everything drawn after it every frame, and paints
        everything before it once, as a still.
    start : index of the first frame.
    kwargs : passed on to ``scene.play`` (``rate_func``, ...).

    Examples
    --------
    .. manim:: PlayFramesExample

        import numpy as np
        from manim import Scene, linear
        from netcore import step_neuron
        from scenes.mobjects import FunctionPlot, play_frames
        from scenes.theme import THEMES

        class PlayFramesExample(Scene):
            def construct(self):
                theme = THEMES["dark"]
                plot = FunctionPlot((-3, 3, 1), (-0.5, 1.5, 0.5), theme)
                xs = np.linspace(-3, 3, 121)
                frames = [step_neuron(x, steepness=4).predict(xs)[:, 0] for x in np.linspace(-2, 2, 25)]
                plot.add_curve("neuron", xs, frames[0], theme.output)
                self.add(plot)
                play_frames(self, len(frames), lambda k: plot.set_data("neuron", xs, frames[k]), 2.0,
                            mobject=plot, rate_func=linear)
    """
    if count < 1:
        raise ValueError(f"play_frames needs at least one frame, got {count}")
    shown = None

    def show_nearest(position: float) -> None:
        nonlocal shown
        index = int(round(position))
        if index != shown:
            shown = index
            show(index)

    sweep(scene, start, start + count - 1, show_nearest, run_time, *animations, mobject=mobject, **kwargs)


def sweep(
    scene: Scene,
    start: float,
    end: float,
    show: Callable[[float], object],
    run_time: float,
    *animations: Animation,
    mobject: Mobject,
    **kwargs,
) -> None:
    """Play ``show(position)`` with ``position`` moving from ``start`` to ``end``.

    The continuous form of :func:`play_frames` (same parameters), for a parameter
    computed on the fly rather than precomputed frames: every video frame calls
    ``show`` with ``start + rate_func(t / run_time) * (end - start)``.

    Examples
    --------
    .. manim:: SweepExample

        from manim import Scene
        from netcore import step_neuron
        from scenes.mobjects import NetworkDiagram, sweep
        from scenes.theme import THEMES

        class SweepExample(Scene):
            def construct(self):
                diagram = NetworkDiagram(step_neuron(0.0, steepness=0.5), THEMES["dark"], labels=True)
                diagram.add_edge_label(0, 0, 0, "w", value=True)
                self.add(diagram)
                sweep(self, 0.5, 6.0, lambda w: diagram.set_data(step_neuron(0.0, steepness=w).params), 2.0,
                      mobject=diagram)
    """
    def update(_: Mobject, alpha: float) -> None:
        # The arithmetic of a ValueTracker animated from start to end, so a replay
        # shows the very frames it did when scenes drove one.
        show(interpolate(start, end, alpha))

    scene.play(UpdateFromAlphaFunc(mobject, update), *animations, run_time=run_time, **kwargs)
