"""A neuron with one input is a function: the graph of g(w·x + b), a step at x = -b/w.

Slide x to trace the graph, then move b (the step slides), flip w (the step turns
around) and finally swap in a sigmoid and steepen it until it becomes the step.
Every curve is ``Network.predict`` on a grid, updated in place.

Render with defaults::

    manim render -ql scenes/story/neuron_as_function.py NeuronAsFunction
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Dot,
    FadeIn,
    Transform,
    VGroup,
    linear,
)

from netcore import Network, step_position
from scenes.base import NetreelScene, SceneOptions, option
from scenes.mobjects.function_plot import FunctionPlot
from scenes.mobjects.neuron_diagram import NeuronDiagram
from scenes.mobjects.replay import play_frames
from scenes.text import Caption, label, number

__all__ = ["NeuronAsFunction", "NeuronAsFunctionOptions"]

X_RANGE = (-3.0, 3.0, 1.0)
GRID = np.linspace(X_RANGE[0], X_RANGE[1], 601)
#: The grid point the traced input stops at; the dot and the diagram keep showing it.
PROBE = 500
#: Frames of precomputed data per move (replayed by play_frames, whatever the fps).
SAMPLES = 48


@dataclass
class NeuronAsFunctionOptions(SceneOptions):
    activation: str = option("step", "the neuron's activation g", choices=("step", "sigmoid", "tanh"))
    w: float = option(1.0, "the input weight w (not 0)", low=-10, high=10)
    b: float = option(0.0, "the bias b", low=-10, high=10)
    b_moves: tuple[float, ...] = option((1.5, -1.0), "biases b slides to, in turn (the step moves to -b/w)", low=-10, high=10)
    w_flip: float = option(-1.0, "weight w turns to, flipping the step (not 0)", low=-10, high=10)
    steep: float = option(25.0, "how steep the sigmoid gets before it looks like the step", low=1.5, high=200)
    hold: float = option(1.0, "seconds each caption stays up", low=0.1, high=10)

    def check(self) -> None:
        if self.w == 0 or self.w_flip == 0:
            raise ValueError("--w and --w-flip must not be 0 (a neuron with w = 0 has no step)")


def _neuron(activation: str, w: float, b: float) -> Network:
    net = Network([1, 1], output_activation=activation)
    net.set_params([(np.array([[w]]), np.array([b]))])
    return net


def _keyframes(activation: str, ws: np.ndarray, bs: np.ndarray) -> dict:
    """netcore's curve (outputs and weighted sums on GRID) for each ``(w, b)`` in turn."""
    passes = [_neuron(activation, w, b).forward(GRID) for w, b in zip(ws, bs)]
    return {
        "w": np.asarray(ws, dtype=float), "b": np.asarray(bs, dtype=float),
        "curves": np.stack([f.output[:, 0] for f in passes]), "zs": np.stack([f.zs[-1][:, 0] for f in passes]),
    }


def _line(start: float, end: float) -> np.ndarray:
    return np.linspace(start, end, SAMPLES)


class NeuronAsFunction(NetreelScene):
    """One neuron seen as the graph of g(w·x + b): a step you can slide, flip and soften."""

    Options = NeuronAsFunctionOptions
    name = "function"
    description = "A neuron is a function: the step g(w·x + b) at x = -b/w slides with b, flips with w."

    #: name of the neuron's curve on :attr:`plot`
    CURVE = "neuron"

    def construct(self) -> None:
        o, theme = self.options, self.theme
        self.caption = Caption(theme)
        self.diagram = NeuronDiagram([o.w], o.b, theme, activation=o.activation, width=5.6, height=2.8,
                                     font_size=22, output_decimals=2)
        self.diagram.to_edge(LEFT, buff=0.5).shift(0.4 * UP)
        self.plot = FunctionPlot(X_RANGE, (-1.25, 1.25, 0.5), theme, width=5.6, height=4.2, y_label="g(w·x + b)",
                                  labels_at_edges=True)
        self.plot.to_edge(RIGHT, buff=0.6).shift(0.35 * UP)
        self.w, self.b, self.activation = o.w, o.b, o.activation

        self.play(FadeIn(self.diagram), FadeIn(self.plot), self.caption.say(
            "Give the neuron a single input x and watch its output as x slides."))
        self._trace()
        self.marker = self._step_marker()
        self.play(FadeIn(self.marker), self.caption.say("It's a function! A step that switches at x = -b/w."))
        self.wait(o.hold)
        for b in o.b_moves:
            self._move(b_to=b, say=f"Change the bias to b = {b:g} and the step slides to x = -b/w.")
        self._move(w_to=o.w_flip, say=f"A negative weight, w = {o.w_flip:g}, turns the step around.")
        self._steepen()

    # ------------------------------------------------------------ beats

    def _trace(self) -> None:
        """Slide x across the grid: the dot on the graph and the diagram's numbers move together."""
        net = _neuron(self.activation, self.w, self.b)
        forward = net.forward(GRID)
        zs, outs = forward.zs[-1][:, 0], forward.output[:, 0]
        self.plot.add_curve(self.CURVE, GRID[:2], outs[:2], self.theme.output)
        dot = Dot(self.plot.c2p(GRID[0], outs[0]), radius=0.08, color=self.theme.output)

        def follow(k: int) -> None:
            self.plot.set_data(self.CURVE, GRID[: k + 1], outs[: k + 1])
            dot.move_to(self.plot.c2p(GRID[k], outs[k]))
            self.diagram.set_data([GRID[k]], zs[k], outs[k])

        self.add(dot)
        play_frames(self, PROBE, follow, 4, mobject=self.diagram, start=1, rate_func=linear)
        self.dot = dot  # stays on the curve at x = GRID[PROBE] from here on

    def _step_marker(self) -> VGroup:
        """Dashed line at the step, x = -b/w, with its position ticking underneath."""
        line = self.plot.vertical_line(0.0, self.theme.accent)
        value = number(0.0, self.theme.accent, 2, 20)
        tag = VGroup(label("x = -b/w =", self.theme.accent, 20), value).arrange(RIGHT, buff=0.12)
        marker = VGroup(line, tag)

        def place(_) -> None:
            x = step_position(self.w, self.b)
            line.move_to(self.plot.c2p(x, 0.0))
            value.set_value(x)
            tag.next_to(self.plot.c2p(x, self.plot.y_range[0]), DOWN, buff=0.5)  # under the tick numbers

        place(None)
        marker.add_updater(place)
        return marker

    def _show(self, frames: dict, k: int) -> None:
        """Put frame ``k`` of ``frames`` on screen: curve, dot, weights and the diagram's numbers."""
        self.w, self.b = float(frames["w"][k]), float(frames["b"][k])
        out = frames["curves"][k]
        self.plot.set_data(self.CURVE, GRID, out)
        self.diagram.set_weights([self.w], self.b)
        self.diagram.set_data([GRID[PROBE]], frames["zs"][k, PROBE], out[PROBE])
        self.dot.move_to(self.plot.c2p(GRID[PROBE], out[PROBE]))

    def _play_frames(self, frames: dict, run_time: float = 2.0) -> None:
        # Redrawn from the diagram on (it is drawn before the curve), so w and b move with the curve.
        play_frames(self, len(frames["w"]), lambda k: self._show(frames, k), run_time, mobject=self.diagram)

    def _move(self, *, b_to: float | None = None, w_to: float | None = None, say: str) -> None:
        w_end = self.w if w_to is None else w_to
        b_end = self.b if b_to is None else b_to
        self.play(self.caption.say(say))
        self._play_frames(_keyframes(self.activation, _line(self.w, w_end), _line(self.b, b_end)))
        self.wait(self.options.hold)

    def _steepen(self) -> None:
        """Swap in a sigmoid and raise |w| (keeping the step's place) until it looks like the step."""
        o, theme = self.options, self.theme
        position = step_position(self.w, self.b)
        step_now = _neuron("step", self.w, self.b).predict(GRID)[:, 0]
        reference = self.plot.add_curve("step", GRID, step_now, theme.target, stroke_width=3, dashed=True)
        reference.set_z_index(-1)  # under the neuron's curve
        sign = float(np.sign(self.w))
        glyph, name = self.diagram.make_glyph("sigmoid")
        self.w, self.b, self.activation = sign, -sign * position, "sigmoid"
        soft = _keyframes("sigmoid", [self.w], [self.b])
        self.play(
            self.caption.say("Swap the step for a smooth sigmoid and the corner softens..."),
            Transform(self.diagram.glyph, glyph), Transform(self.diagram.activation_name, name),
            FadeIn(reference),
        )
        curve = self.plot.curve(self.CURVE)
        target = curve.copy().set_points_as_corners(self.plot.points_for(GRID, soft["curves"][0]))
        dot_target = self.plot.c2p(GRID[PROBE], soft["curves"][0, PROBE])
        self.play(Transform(curve, target), self.dot.animate.move_to(dot_target), run_time=1.2)
        self._show(soft, 0)
        self.wait(o.hold)
        # steeper and steeper, the step staying put: b = -w * position
        ws = sign * np.geomspace(1.0, o.steep, SAMPLES)
        self.play(self.caption.say(f"...but make w big (w = {ws[-1]:g}) and the sigmoid steepens into the step."))
        self._play_frames(_keyframes("sigmoid", ws, -ws * position), run_time=3.0)
        self.wait(2 * o.hold)
