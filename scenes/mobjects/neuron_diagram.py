"""One neuron, part by part: inputs, weights, the bias as w0, the sum Σ, the activation, the output.

Drawn left to right as in the blog's sketch. The bias is the weight ``w0`` of a
constant input ``1``, so the neuron "fires" when the weighted sum crosses 0.
Every value on it is a :class:`DecimalNumber` the scene sets from netcore.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Arrow,
    Circle,
    Line,
    ManimColor,
    RoundedRectangle,
    Text,
    VGroup,
    VMobject,
    interpolate_color,
)

from netcore import get_activation

from ..text import label, markup, number
from ..theme import Theme
from .network_diagram import edge_width

__all__ = ["NeuronDiagram"]


class NeuronDiagram(VGroup):
    """A single neuron with its parts as separate groups (to build it up one by one).

    Parameters
    ----------
    weights : ``w1..wn``, one per input.
    bias : ``b`` (drawn as ``w0`` on a constant input 1).
    theme : colours.
    activation : netcore activation name; its graph is the activation glyph.
    width, height : box the diagram fits in, scene units.
    font_size : size of names and values.
    output_decimals : decimals of the output readout (default: 0 for a step, else 2).
    kwargs : passed on to ``VGroup``.

    Attributes
    ----------
    inputs, weights, bias, sum, activation, output : the parts, in reading order
        (``parts()`` lists them).
    input_values, weight_values, sum_value, output_value : the DecimalNumbers.
    input_nodes, sum_node, output_node : circles (the output's fill shows its value).
    edges : the weight lines, bias first.
    glyph, activation_name : the activation's graph and name (see :meth:`make_glyph`).

    Examples
    --------
    .. manim:: NeuronDiagramExample
        :save_last_frame:

        import numpy as np
        from manim import FadeIn, Scene
        from netcore import Network
        from scenes.mobjects import NeuronDiagram
        from scenes.theme import THEMES

        class NeuronDiagramExample(Scene):
            def construct(self):
                weights, bias = [0.6, 0.8], -1.0
                neuron = Network([2, 1], output_activation="step")
                neuron.set_params([(np.array(weights).reshape(-1, 1), np.array([bias]))])
                diagram = NeuronDiagram(weights, bias, THEMES["dark"])
                forward = neuron.forward(np.array([[1.0, 1.0]]))
                diagram.set_data([1.0, 1.0], forward.zs[-1][0, 0], forward.output[0, 0])
                for _, part in diagram.parts():
                    self.play(FadeIn(part), run_time=0.5)
    """

    def __init__(
        self,
        weights: Sequence[float],
        bias: float,
        theme: Theme,
        *,
        activation: str = "step",
        width: float = 8.0,
        height: float = 3.6,
        font_size: float = 24,
        output_decimals: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        weights = [float(w) for w in weights]
        if not weights:
            raise ValueError("a neuron needs at least one input")
        self.theme = theme
        self._off, self._on = ManimColor(theme.neuron_off), ManimColor(theme.neuron_on)
        size, small = font_size, font_size * 0.85
        rows = len(weights) + 1
        radius = min(0.32, 0.3 * height / max(rows - 1, 1))
        ys = np.linspace(height / 2, -height / 2, rows) if rows > 1 else np.zeros(1)
        x_in, x_sum = -width / 2 + 0.7, -width / 2 + 0.55 * width
        x_act, x_out = x_sum + 0.17 * width, width / 2 - radius - 0.05

        def node(x: float, y: float, r: float = radius) -> Circle:
            circle = Circle(radius=r, stroke_color=theme.neuron_stroke, stroke_width=3)
            return circle.set_fill(theme.neuron_off, opacity=1).move_to([x, y, 0])

        self.sum_node = node(x_sum, 0, radius * 1.25)
        sigma = markup("Σ", theme.text, size * 1.2).move_to(self.sum_node)
        self.sum_value = number(0.0, theme.text, 2, small, signed=True)
        sum_name = markup("Σ =", theme.muted, small)
        sum_readout = VGroup(sum_name, self.sum_value).arrange(RIGHT, buff=0.1)
        sum_readout.next_to(self.sum_node, DOWN, buff=0.2)
        self.sum = VGroup(self.sum_node, sigma, sum_readout)

        # input 0 is the constant 1 that carries the bias
        self.input_nodes = VGroup(*(node(x_in, y) for y in ys))
        self.input_values = VGroup(*(number(0.0, theme.text, 1, small) for _ in weights))
        one = label("1", theme.text, small).move_to(self.input_nodes[0])
        names = VGroup(*(
            markup(f"x<sub>{i}</sub>", theme.text, small).next_to(self.input_nodes[i], LEFT, buff=0.12)
            for i in range(1, rows)
        ))
        for value, circle in zip(self.input_values, self.input_nodes[1:]):
            value.move_to(circle)
        self.inputs = VGroup(*self.input_nodes[1:], names, self.input_values)

        all_weights = [float(bias)] + weights
        self.edges = edges = [Line(circle, self.sum_node) for circle in self.input_nodes]  # boundary to boundary
        self.weight_values = VGroup()
        tags = []
        for i, (edge, w) in enumerate(zip(edges, all_weights)):
            name = "b = w<sub>0</sub> =" if i == 0 else f"w<sub>{i}</sub> ="
            value = number(w, theme.text, 2, small)
            tag = VGroup(markup(name, theme.text, small), value).arrange(RIGHT, buff=0.1)
            # Just past the input, on the side the edge slopes away from: above a
            # falling edge, below a rising one, so the tag never sits on its own line.
            point = edge.point_from_proportion(0.1)
            if edge.get_unit_vector()[1] > 1e-6:
                tag.move_to(point + 0.1 * DOWN, aligned_edge=UL)
            else:
                tag.move_to(point + 0.1 * UP, aligned_edge=DL)
            self.weight_values.add(value)
            tags.append(tag)
        self.bias = VGroup(self.input_nodes[0], one, edges[0], tags[0])
        self.weights = VGroup(*edges[1:], *tags[1:])

        self.set_weights(weights, bias)

        box = self._box = RoundedRectangle(corner_radius=0.12, width=1.0, height=0.8, stroke_color=theme.neuron_stroke, stroke_width=3)
        box.set_fill(theme.neuron_off, opacity=1).move_to([x_act, 0, 0])
        self._name_size = small * 0.85
        self.glyph, self.activation_name = self.make_glyph(activation)
        into_act = Arrow(self.sum_node.get_right(), box.get_left(), buff=0.05, stroke_width=3,
                         color=theme.neuron_stroke, max_tip_length_to_length_ratio=0.2)
        self.activation = VGroup(into_act, box, self.glyph, self.activation_name)

        self.output_node = node(x_out, 0)
        if output_decimals is None:
            output_decimals = 0 if get_activation(activation).name == "step" else 2
        self.output_value = number(0.0, theme.text, output_decimals, size)
        self.output_value.next_to(self.output_node, DOWN, buff=0.2)
        out_name = label("output", theme.muted, small * 0.85).next_to(self.output_node, UP, buff=0.15)
        into_out = Arrow(box.get_right(), self.output_node.get_left(), buff=0.05, stroke_width=3,
                         color=theme.neuron_stroke, max_tip_length_to_length_ratio=0.2)
        self.output = VGroup(into_out, self.output_node, out_name, self.output_value)

        # edges first so the nodes hide their ends
        self.add(self.weights, self.bias, self.inputs, self.sum, self.activation, self.output)

    def parts(self) -> list[tuple[str, VGroup]]:
        """``(name, group)`` of each part in the order the story introduces them."""
        return [
            ("inputs", self.inputs), ("weights", self.weights), ("bias", self.bias),
            ("sum", self.sum), ("activation", self.activation), ("output", self.output),
        ]

    def make_glyph(self, activation: str) -> tuple[VMobject, Text]:
        """A new glyph and name for ``activation``, placed in the activation box (not added).

        Swap them in with ``Transform(diagram.glyph, new_glyph)`` (and the same for the name).
        """
        box = self._box
        glyph = _activation_glyph(activation, self.theme.accent, box.width * 0.7, box.height * 0.6).move_to(box)
        name = label(get_activation(activation).name, self.theme.muted, self._name_size)
        return glyph, name.next_to(box, UP, buff=0.15)

    def set_weights(self, weights: Sequence[float], bias: float) -> None:
        """Restyle the edges (colour by sign, width by size) and tick the weight readouts."""
        for edge, value, w in zip(self.edges, self.weight_values, [float(bias), *map(float, weights)]):
            edge.set_stroke(self.theme.positive if w >= 0 else self.theme.negative, edge_width(w))
            value.set_value(w)

    def set_data(self, inputs: Sequence[float], weighted_sum: float, output: float) -> None:
        """Show an input set, its weighted sum and the output (fill goes off -> on with it)."""
        for value, x in zip(self.input_values, inputs):
            value.set_value(float(x))
        self.sum_value.set_value(float(weighted_sum))
        self.output_value.set_value(float(output))
        self.output_node.set_fill(interpolate_color(self._off, self._on, float(np.clip(output, 0, 1))), opacity=1)


def _activation_glyph(name: str, color: str, width: float, height: float) -> VMobject:
    """The activation's graph on z in [-4, 4], drawn ``width`` x ``height``."""
    z = np.linspace(-4, 4, 81)
    a = np.asarray(get_activation(name).f(z), dtype=float)
    span = np.ptp(a) or 1.0
    points = np.column_stack([z / 8 * width, (a - a.min()) / span * height - height / 2, np.zeros_like(z)])
    return VMobject(stroke_color=color, stroke_width=3).set_points_as_corners(points)
