"""Your own scene from netreel's pieces: a small network learns sin(πx), replayed from its Trace.

netcore trains the network and records a Trace; the scene only reads it. One
``play`` replays the whole Trace: the network diagram, the output curve, the loss
curve and the step counter move together, frame by frame.

Render it through netreel (theme, sizes, GIF budget, stills, specs)::

    netreel render examples/learn_sine.py:LearnSine -q l
    netreel render examples/learn_sine.py:LearnSine --neurons 3 -f gif --max-size 1MB
    netreel render examples/learn_sine.py:LearnSine --help      # its own flags

or with plain Manim and the defaults::

    manim render -ql examples/learn_sine.py LearnSine
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, VGroup, config, linear

import netcore as nc
from scenes.base import NetreelScene, SceneOptions, option
from scenes.mobjects import FunctionPlot, LossCurve, NetworkDiagram, Readout, curve_legend, play_frames
from scenes.text import FRAME_MARGIN, Caption, label


@dataclass
class LearnSineOptions(SceneOptions):
    neurons: int = option(6, "hidden tanh neurons", low=1, high=12)
    steps: int = option(1500, "training steps (Adam)", low=10, high=100_000)
    lr: float = option(0.05, "learning rate", low=1e-4, high=1.0)
    duration: float = option(4.0, "seconds of the training replay", low=0.5, high=60)
    seed: int = option(0, "seed of the initial weights", low=0, high=2**32 - 1)


class LearnSine(NetreelScene):
    """Gradient descent fits sin(πx) with one hidden layer."""

    Options = LearnSineOptions
    name = "learn-sine"
    description = "A network learns sin(πx): diagram, fit and loss replayed from a Trace."

    def construct(self) -> None:
        o, theme = self.options, self.theme
        # 1. The numbers: netcore trains and records one Trace frame per video frame.
        x = np.linspace(-1, 1, 48)
        network = nc.Network([1, o.neurons, 1], activation="tanh", seed=o.seed)
        self.trace = trace = nc.train(
            network, x, np.sin(np.pi * x), steps=o.steps, lr=o.lr,
            frames=min(o.steps + 1, int(o.duration * config.frame_rate) + 1),
            target=lambda g: np.sin(np.pi * g), target_text="sin(pi*x)",
        )

        # 2. The pieces, built once from the first frame.
        caption = Caption(theme)
        self.plot = plot = FunctionPlot((-1, 1, 0.5), (-1.5, 1.5, 0.5), theme, width=6.4, height=4.2, y_label="")
        plot.add_curve("target", trace.grid, trace.target, theme.target, dashed=True)
        plot.add_curve("output", trace.grid, trace.outputs[0], theme.output, stroke_width=5)
        plot.to_edge(LEFT, buff=FRAME_MARGIN + 0.2).shift(0.3 * UP)
        legend = curve_legend(theme).next_to(plot, UP, buff=0.15).align_to(plot.axes, LEFT)
        diagram = NetworkDiagram(trace.network_at(0), theme, width=3.0, height=2.2, labels=True)
        diagram.to_corner(UP + RIGHT, buff=FRAME_MARGIN + 0.2)
        losses = LossCurve.for_trace(trace, theme, width=3.2, height=1.4)  # its range from the losses
        losses.next_to(diagram, DOWN, buff=0.45).align_to(diagram, RIGHT)
        step_name = label("step", theme.muted, 22)
        step_value = Readout(theme.text, 22, f"{o.steps:,}")  # laid out at its widest
        counter = VGroup(step_name, step_value).arrange(RIGHT, buff=0.2, aligned_edge=DOWN)
        counter.next_to(losses, DOWN, buff=0.25).align_to(losses, RIGHT)

        def show(i: int) -> None:
            plot.set_data("output", trace.grid, trace.outputs[i])
            diagram.set_data(trace.network_at(i).params)
            losses.set_data(trace.steps[: i + 1], trace.loss[: i + 1])
            step_value.set_data(f"{int(trace.steps[i]):,}")

        show(0)
        # The plot draws its curves by role: the dashed target over the output.
        self.play(
            FadeIn(VGroup(legend, diagram, losses, counter)), Create(plot),
            caption.say("random weights: the output is nowhere near sin(πx)"),
            run_time=1.2,
        )

        # 3. One play replays the whole Trace, one Trace frame per video frame. Manim
        # redraws every frame from `mobject` (the first piece that changes) onwards.
        self.play(caption.say("gradient descent nudges every weight a little, step by step"))
        play_frames(self, len(trace), show, o.duration, mobject=diagram, rate_func=linear)

        verdict = "the fit worked" if trace.final_loss < 1e-2 else "not there yet: more steps or neurons"
        self.play(caption.say(f"loss {trace.final_loss:.2g}: {verdict}"), run_time=0.6)
        self.wait(1.0)
