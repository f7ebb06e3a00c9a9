"""The neuron, part by part, then deciding: the weighted sum crosses the threshold and it fires.

Render with defaults::

    manim render -ql scenes/story/neuron_anatomy.py NeuronAnatomy
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import UP, FadeIn, Indicate, UpdateFromFunc, linear

from netcore import Network
from scenes.base import NetreelScene, SceneOptions, option
from scenes.mobjects.neuron_diagram import NeuronDiagram
from scenes.mobjects.replay import play_frames
from scenes.text import Caption

__all__ = ["NeuronAnatomy", "NeuronAnatomyOptions"]

#: Samples between two input sets while the inputs (and so the sum) tick.
TICK_SAMPLES = 40


@dataclass
class NeuronAnatomyOptions(SceneOptions):
    weights: tuple[float, ...] = option((0.6, 0.8), "the weights w1..wn, one per input (1 to 4)", low=-5, high=5)
    bias: float = option(-1.0, "the bias b (the weight w0 of a constant input 1)", low=-5, high=5)
    input_sets: tuple[tuple[float, ...], ...] = option(
        ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0)),
        "input sets fed one after another, each with one value per weight",
        low=-9, high=9,
    )
    hold: float = option(1.2, "seconds each caption stays up", low=0.1, high=10)

    def check(self) -> None:
        if not 1 <= len(self.weights) <= 4:
            raise ValueError(f"--weights needs 1 to 4 values, got {len(self.weights)}")
        if not self.input_sets:
            raise ValueError("--input-sets needs at least one input set")
        for inputs in self.input_sets:
            if len(inputs) != len(self.weights):
                raise ValueError(
                    f"--input-sets: every set needs {len(self.weights)} values (one per weight), got {inputs}"
                )


PART_CAPTIONS = {
    "inputs": "Meet the neuron. It takes in a few numbers: its inputs.",
    "weights": "Each input gets a weight: how much that input matters.",
    "bias": "The bias is just one more weight, w0, on an input that's always 1.",
    "sum": "Σ adds it all up: every input times its weight.",
    "activation": "The activation decides: a step fires 1 once the sum passes 0, else 0.",
    "output": "And out comes the decision: 1 means yes, 0 means no.",
}


class NeuronAnatomy(NetreelScene):
    """Build a neuron part by part, then feed it inputs until its output flips from 0 to 1."""

    Options = NeuronAnatomyOptions
    name = "neuron"
    description = "A neuron part by part: inputs, weights, bias (w0), the sum Σ, a step activation, the output."

    def construct(self) -> None:
        o, theme = self.options, self.theme
        neuron = Network([len(o.weights), 1], output_activation="step")
        neuron.set_params([(np.array(o.weights, dtype=float).reshape(-1, 1), np.array([o.bias]))])
        diagram = self.diagram = NeuronDiagram(o.weights, o.bias, theme, activation="step", height=min(4.2, 1.4 * len(o.weights) + 1.4))
        diagram.move_to(0.35 * UP)
        inputs, sums, outputs = _path(neuron, o.input_sets)
        diagram.set_data(inputs[0], sums[0], outputs[0])
        caption = Caption(theme)

        for name, part in diagram.parts():
            self.play(FadeIn(part, shift=0.15 * UP), caption.say(PART_CAPTIONS[name]), run_time=0.9)
            self.wait(o.hold)
        # from here on the diagram is one mobject of the scene, which play_frames redraws whole
        self.remove(*(part for _, part in diagram.parts()))
        self.add(diagram)

        self.play(caption.say(_verdict(o.input_sets[0], sums[0], outputs[0])))
        self.play(Indicate(diagram.output_node, color=theme.accent))
        self.wait(o.hold)

        def show(k: int) -> None:
            diagram.set_data(inputs[k], sums[k], outputs[k])

        for n in range(1, len(o.input_sets)):
            end = n * TICK_SAMPLES
            play_frames(self, TICK_SAMPLES + 1, show, 2.0, caption.say(f"Now try inputs {_pretty(o.input_sets[n])}..."),
                        mobject=diagram, start=end - TICK_SAMPLES, rate_func=linear)
            self.play(caption.say(_verdict(o.input_sets[n], sums[end], outputs[end])))
            if outputs[end] != outputs[end - TICK_SAMPLES]:
                # the fill keeps showing the output it flipped to; the outline flashes
                self.play(Indicate(diagram.output_node, color=theme.accent), UpdateFromFunc(diagram, lambda _: show(end)))
            self.wait(o.hold)
        self.play(caption.say("Weigh the inputs, add the bias, check the threshold: that's a neuron."))
        self.wait(o.hold)


def _path(neuron: Network, input_sets: tuple[tuple[float, ...], ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs sliding from each set to the next, with netcore's weighted sums and outputs."""
    sets = np.array(input_sets, dtype=float)
    t = np.linspace(0, 1, TICK_SAMPLES, endpoint=False)[:, None]
    steps = [a + t * (b - a) for a, b in zip(sets[:-1], sets[1:])]
    inputs = np.vstack([*steps, sets[-1:]])
    forward = neuron.forward(inputs)
    return inputs, forward.zs[-1][:, 0], forward.output[:, 0]


def _pretty(inputs: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{x:g}" for x in inputs) + ")"


def _verdict(inputs: tuple[float, ...], weighted_sum: float, output: float) -> str:
    side = "past the threshold, so it fires: 1" if output >= 0.5 else "below the threshold, so it stays quiet: 0"
    return f"Inputs {_pretty(inputs)}: the sum is {weighted_sum:+.2f}, {side}."
