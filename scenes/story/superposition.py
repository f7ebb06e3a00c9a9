"""Two step neurons feed an output neuron: the output is w11·g1 + w21·g2.

The diagram (left) and the graphs (right) follow the blog's cases in order:
(1, 1) adds the steps, (1, -1) flips neuron 2, (-1, 1) flips neuron 1, and the
last case is an exercise ("try drawing it yourself...") before its answer.
Every curve is ``netcore.superposition(...)`` evaluated on a grid.

Render with defaults::

    manim render -ql scenes/story/superposition.py Superposition
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    FadeIn,
    FadeTransform,
    VGroup,
    Write,
)

from netcore import superposition
from scenes.base import NetreelScene, SceneOptions, option
from scenes.mobjects.function_plot import FunctionPlot
from scenes.mobjects.network_diagram import NetworkDiagram
from scenes.mobjects.replay import play_frames
from scenes.text import Caption, fit_width, markup

__all__ = ["Superposition", "SuperpositionOptions"]

X_RANGE = (-3.0, 3.0, 1.0)
GRID = np.linspace(X_RANGE[0], X_RANGE[1], 601)
#: Frames of precomputed data per change of weights.
SAMPLES = 40


@dataclass
class SuperpositionOptions(SceneOptions):
    cases: tuple[tuple[float, float], ...] = option(
        ((1.0, 1.0), (1.0, -1.0), (-1.0, 1.0)),
        '(w11, w21) pairs shown in turn, before the exercise; --cases "" shows only the exercise',
        low=-3, high=3,
    )
    w11: float = option(1.5, "the exercise's w11: the weight from neuron 1 to the output", low=-3, high=3)
    w21: float = option(-0.5, "the exercise's w21: the weight from neuron 2 to the output", low=-3, high=3)
    steps: tuple[float, float] = option((-1.0, 1.0), "where neuron 1 and neuron 2 step up (x positions)", low=-2.5, high=2.5)
    activation: str = option("step", "the hidden neurons' activation", choices=("step", "sigmoid"))
    steepness: float = option(12.0, "input weight of each hidden neuron (how sharp a sigmoid's step is)", low=0.5, high=100)
    hold: float = option(1.2, "seconds each caption stays up", low=0.1, high=10)

    @property
    def sequence(self) -> tuple[tuple[float, float], ...]:
        """Every (w11, w21) the scene shows, in order: the cases, then the exercise."""
        return (*self.cases, (self.w11, self.w21))

    def check(self) -> None:
        if any(len(case) != 2 for case in self.cases):
            raise ValueError("--cases: every case is a pair (w11, w21)")
        if len(self.steps) != 2 or self.steps[0] >= self.steps[1]:
            raise ValueError(f"--steps needs two positions, left one first, got {self.steps}")


class Superposition(NetreelScene):
    """Two step neurons and an output neuron: the output adds the steps, scaled by w11 and w21."""

    Options = SuperpositionOptions
    name = "superposition"
    description = "Two step neurons, one network: the output is w11·g1 + w21·g2 (the blog's cases and exercise)."

    #: names of the curves on :attr:`plot`
    OUTPUT_CURVE = "output"
    HIDDEN_CURVES = ("g1", "g2")

    def network(self, w11: float, w21: float):
        """The [1, 2, 1] network of this scene for output weights ``(w11, w21)``."""
        o = self.options
        w = 1.0 if o.activation == "step" else o.steepness
        return superposition(w11, w21, b1=-w * o.steps[0], b2=-w * o.steps[1], w1=w, w2=w, activation=o.activation)

    def construct(self) -> None:
        o, theme = self.options, self.theme
        caption = Caption(theme)
        first = o.sequence[0]
        net = self.network(*first)
        self.diagram = NetworkDiagram(net, theme, width=4.2, height=3.0, neuron_radius=0.3, color_hidden=True, labels=True)
        self.diagram.to_edge(LEFT, buff=0.9).shift(0.3 * UP)
        self.diagram.add_edge_label(1, 0, 0, "w<sub>11</sub>", value=True, side=1, along=0.45)
        self.diagram.add_edge_label(1, 1, 0, "w<sub>21</sub>", value=True, side=-1, along=0.45)
        names = VGroup(*(
            markup(f"g<sub>{j + 1}</sub>", theme.neuron_color(j), 22).next_to(self.diagram.neuron(1, j), UP if j == 0 else DOWN, buff=0.1)
            for j in range(2)
        ))
        self.plot = FunctionPlot(X_RANGE, (-1.5, 2.5, 1.0), theme, width=6.0, height=4.4, y_label="", labels_at_edges=True)
        self.plot.to_edge(RIGHT, buff=0.6).shift(0.35 * UP)
        legend, scaled = self._legend(), self._legend(scaled=True)

        self.play(FadeIn(self.diagram), FadeIn(names), FadeIn(self.plot),
                  caption.say("Two step neurons, g1 and g2, feed one output neuron."))
        self.wait(o.hold)
        hidden = net.forward(GRID).activations[1]
        for j, name in enumerate(self.HIDDEN_CURVES):
            curve = self.plot.add_curve(name, GRID, hidden[:, j], theme.neuron_color(j), stroke_width=3)
            self.play(FadeIn(curve), FadeIn(legend[j]),
                      caption.say(f"Neuron {j + 1} on its own: a step at x = {o.steps[j]:g}."))
            self.wait(o.hold)
        self.play(caption.say("The output neuron adds them up, each scaled by its weight: w11·g1 + w21·g2."))
        self.wait(o.hold)

        frames = self._frames([first, first])
        self._show(frames, 0)
        out = self.plot.add_curve(self.OUTPUT_CURVE, GRID, frames["output"][0], theme.output, stroke_width=5)
        self.play(Write(out), *(FadeTransform(a, b) for a, b in zip(legend, scaled[:2])), FadeIn(scaled[2]),
                  caption.say(_describe(*first)))
        self.wait(o.hold)
        for n, case in enumerate(o.sequence[1:], start=1):
            frames = self._frames([o.sequence[n - 1], case])
            if n == len(o.sequence) - 1:
                # The diagram moves to the weights the caption names; only the curves wait for the answer.
                play_frames(self, SAMPLES, lambda k: self.diagram.set_data(frames["params"][k]), 2.0,
                            caption.say(f"Your turn: try drawing it yourself for w11 = {case[0]:g}, w21 = {case[1]:g}..."),
                            mobject=self.diagram)
                self.wait(2 * o.hold)
                frames["params"] = frames["params"][-1:] * SAMPLES
                self._morph(frames)
                self.play(caption.say(self._answer(frames["output"][-1])))
            else:
                self._morph(frames, caption.say(_describe(*case)))
            self.wait(o.hold)
        self.play(caption.say("Tweak the weights and the network draws a different graph."))
        self.wait(o.hold)

    # ------------------------------------------------------------ helpers

    def _legend(self, *, scaled: bool = False) -> VGroup:
        """What the curves are: g1, g2; once scaled, w11·g1, w21·g2 and their sum, the output."""
        theme = self.theme
        names = ["g<sub>1</sub>", "g<sub>2</sub>"]
        if scaled:
            names = ["w<sub>11</sub>·g<sub>1</sub>", "w<sub>21</sub>·g<sub>2</sub>",
                     "output = w<sub>11</sub>·g<sub>1</sub> + w<sub>21</sub>·g<sub>2</sub>"]
        colors = [theme.neuron_color(0), theme.neuron_color(1), theme.output]
        rows = VGroup(*(markup(n, c, 22) for n, c in zip(names, colors))).arrange(RIGHT, buff=0.4)
        return fit_width(rows, self.plot.axes.width + 0.6).next_to(self.plot.axes, UP, buff=0.25)

    def _answer(self, output: np.ndarray) -> str:
        """The exercise's answer read off netcore's output: its level left of, between and right of the steps."""
        s1, s2 = self.options.steps
        probes = [(X_RANGE[0] + s1) / 2, (s1 + s2) / 2, (s2 + X_RANGE[1]) / 2]
        levels = [output[np.abs(GRID - x).argmin()] for x in probes]
        return "Here's the answer: {:g}, then {:g}, then {:g}. Did your drawing match?".format(*np.round(levels, 2))

    def _frames(self, path: list[tuple[float, float]]) -> dict:
        """netcore's outputs, hidden contributions and weights as (w11, w21) moves along ``path``."""
        (a11, a21), (b11, b21) = path
        t = np.linspace(0, 1, SAMPLES)
        nets = [self.network(a11 + s * (b11 - a11), a21 + s * (b21 - a21)) for s in t]
        return {
            "output": np.stack([net.predict(GRID)[:, 0] for net in nets]),
            "contributions": np.stack([net.hidden_contributions(GRID) for net in nets]),
            "params": [net.params for net in nets],
        }

    def _show(self, frames: dict, k: int) -> None:
        self.diagram.set_data(frames["params"][k])
        if self.OUTPUT_CURVE in self.plot.curves:
            self.plot.set_data(self.OUTPUT_CURVE, GRID, frames["output"][k])
        for j, name in enumerate(self.HIDDEN_CURVES):
            # the thin curves show each neuron's share, w·g, as it scales and flips
            self.plot.set_data(name, GRID, frames["contributions"][k, j])

    def _morph(self, frames: dict, *also) -> None:
        # Redrawn from the diagram on (it is drawn before the plot), so its weights move with the curves.
        play_frames(self, SAMPLES, lambda k: self._show(frames, k), 2.0, *also, mobject=self.diagram)


def _describe(w11: float, w21: float) -> str:
    """A friendly one-liner for a case (what the signs of the weights do)."""
    case = f"w11 = {w11:g}, w21 = {w21:g}: "
    if w11 > 0 and w21 > 0:
        what = "the two steps simply add up" if w11 == w21 == 1 else "both steps add up, scaled"
    elif w11 > 0 > w21:
        what = "the negative w21 flips neuron 2's step upside down"
    elif w21 > 0 > w11:
        what = "now the negative w11 flips neuron 1's step instead"
    elif w11 < 0 and w21 < 0:
        what = "both steps flip upside down"
    else:
        what = "a zero weight silences its neuron"
    return case + what + "."
