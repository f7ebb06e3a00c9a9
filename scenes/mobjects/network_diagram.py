"""A network drawn from a ``netcore.Network``: circles for neurons, lines for weights.

Edge colour is the weight's sign (``theme.positive`` / ``theme.negative``), edge
width grows with ``|weight|``, and a neuron's fill goes from ``neuron_off`` to
``neuron_on`` with its activation. :meth:`NetworkDiagram.set_data` restyles
the existing mobjects, so a training animation can call it every frame.
Like Manim's ``Graph``, the diagram keeps its parts in public mappings
(``diagram.neurons[layer, i]``, ``diagram.edges[layer, i, j]``) and looks them
up with ``diagram[key]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import cairo
import numpy as np
from manim import (
    DOWN,
    Circle,
    Dot,
    Line,
    ManimColor,
    VGroup,
    VMobject,
    interpolate_color,
)

from ..text import markup, number
from ..theme import Theme
from .self_drawn import SelfDrawnPath

__all__ = ["NetworkDiagram", "EdgeStrokes", "edge_width", "MIN_EDGE_WIDTH", "MAX_EDGE_WIDTH"]

MIN_EDGE_WIDTH = 0.75
MAX_EDGE_WIDTH = 7.0
#: |weight| at which an edge reaches ~76% of its widest (tanh(1)).
WEIGHT_SCALE = 2.0


def edge_width(weight: float | np.ndarray) -> float | np.ndarray:
    """Stroke width of an edge of ``weight``: grows with ``|weight|``, saturating (elementwise for arrays)."""
    width = MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * np.tanh(np.abs(weight) / WEIGHT_SCALE)
    return float(width) if np.ndim(width) == 0 else width


def _shown(size: int, max_neurons: int) -> list[int]:
    """Indices of the neurons drawn for a layer of ``size`` (first and last halves if collapsed)."""
    if size <= max_neurons:
        return list(range(size))
    head = (max_neurons + 1) // 2
    return list(range(head)) + list(range(size - (max_neurons - head), size))


class NetworkDiagram(VGroup):
    """Neurons and weighted edges of a feed-forward network.

    Parameters
    ----------
    network : a ``netcore.Network`` (reads ``layer_sizes`` and ``params``).
    theme : colours.
    width, height : box the diagram fits in, scene units.
    max_neurons : layers wider than this draw ``max_neurons`` circles (first and
        last halves) with a vertical ellipsis between them.
    neuron_radius : largest circle radius (shrunk to fit tall layers).
    color_hidden : outline hidden neuron ``i`` in ``theme.neuron_color(i)``.
    labels : name the neurons: ``x``/``x1..xn`` on the inputs, ``y`` on the outputs.
    direct : draw the edges with one mobject that strokes them straight into the frame
        (:class:`EdgeStrokes`: the same Cairo strokes, without Manim's work per mobject),
        for a diagram restyled every frame. The lines in ``edges`` keep their places and
        styles but are not drawn. Move such a diagram, but do not scale or rotate it.
    kwargs : passed on to ``VGroup``.

    Attributes
    ----------
    neurons : ``{(layer, i): Circle}`` of the drawn neurons (layer 0 is the inputs).
    edges : ``{(layer, i, j): Line}`` of the drawn weights ``W[layer][i, j]``.
    neuron_group : the circles as one ``VGroup``, drawn over the edges.
    edge_group : what draws the edges, one ``VGroup`` (all that :meth:`set_data` changes without
        activations): the lines, or with ``direct`` one :class:`EdgeStrokes`.
    shown : for each layer, the indices of its drawn neurons.
    ellipses, neuron_labels, edge_labels : groups drawn over the edges and neurons.

    Examples
    --------
    .. manim:: NetworkDiagramExample
        :save_last_frame:

        import numpy as np
        from manim import Indicate, Scene
        from netcore import Network
        from scenes.mobjects import NetworkDiagram
        from scenes.theme import THEMES

        class NetworkDiagramExample(Scene):
            def construct(self):
                network = Network([2, 3, 1], seed=1)
                diagram = NetworkDiagram(network, THEMES["dark"], labels=True)
                diagram.add_edge_label(1, 0, 0, "w<sub>11</sub>", value=True)
                self.add(diagram)
                forward = network.forward(np.array([[1.0, -0.5]]))
                diagram.set_data(network.params, forward.activations)
                self.play(Indicate(diagram[1, 2]), Indicate(diagram[0, 1, 2]))
    """

    def __init__(
        self,
        network,
        theme: Theme,
        *,
        width: float = 5.0,
        height: float = 4.0,
        max_neurons: int = 8,
        neuron_radius: float = 0.22,
        color_hidden: bool = False,
        labels: bool = False,
        direct: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if max_neurons < 2:
            raise ValueError(f"max_neurons must be at least 2, got {max_neurons}")
        self.theme = theme
        self.layer_sizes = [int(n) for n in network.layer_sizes]
        self.color_hidden = color_hidden
        self._off = ManimColor(theme.neuron_off)
        self._on = ManimColor(theme.neuron_on)
        self.shown = [_shown(n, max_neurons) for n in self.layer_sizes]
        slots = max(len(s) + (1 if len(s) < n else 0) for s, n in zip(self.shown, self.layer_sizes))
        # circles (not labels) fit inside width x height; tall layers get smaller circles
        self.radius = neuron_radius
        gap = (height - 2 * neuron_radius) / max(slots - 1, 1)
        if 0.38 * gap < neuron_radius:
            gap = height / (max(slots - 1, 1) + 0.76)
            self.radius = 0.38 * gap
        self.neurons: dict[tuple[int, int], Circle] = {}
        self.edges: dict[tuple[int, int, int], Line] = {}
        self.ellipses, self.neuron_labels, self.edge_labels = VGroup(), VGroup(), VGroup()
        self._values: list[tuple[tuple[int, int, int], VMobject]] = []

        xs = np.linspace(-width / 2 + self.radius, width / 2 - self.radius, len(self.layer_sizes))
        for layer, (x, shown, size) in enumerate(zip(xs, self.shown, self.layer_sizes)):
            self._place_layer(layer, x, shown, size, gap)
        for layer, (W, _) in enumerate(network.params):
            for i in self.shown[layer]:
                for j in self.shown[layer + 1]:
                    start, end = self.neurons[layer, i], self.neurons[layer + 1, j]
                    self.edges[layer, i, j] = Line(start.get_center(), end.get_center(), buff=self.radius)
        self._edge_index = [np.array(key) for key in zip(*self.edges)] if self.edges else []
        self._edge_rgbas = np.array([ManimColor(theme.negative).to_rgba(), ManimColor(theme.positive).to_rgba()])
        self.direct = direct
        if direct:
            self.edge_group = VGroup(EdgeStrokes([line.get_start_and_end() for line in self.edges.values()]))
            self._moved = np.zeros(3)
        else:
            self.edge_group = VGroup(*self.edges.values())
        # edges first, so the circles hide their ends
        self.neuron_group = VGroup(*self.neurons.values())
        self.add(self.edge_group, self.neuron_group,
                 self.ellipses, self.neuron_labels, self.edge_labels)
        if labels:
            self._label_ends()
        self.params = network.params
        self.set_data(network.params)

    def _place_layer(self, layer: int, x: float, shown: list[int], size: int, gap: float) -> None:
        collapsed = len(shown) < size
        slots = len(shown) + (1 if collapsed else 0)
        ys = (np.arange(slots)[::-1] - (slots - 1) / 2) * gap
        if collapsed:
            head = (len(shown) + 1) // 2
            dots = VGroup(*(Dot(radius=0.035, color=self.theme.muted) for _ in range(3)))
            dots.arrange(DOWN, buff=0.07).move_to([x, ys[head], 0])
            self.ellipses.add(dots)
            ys = np.delete(ys, head)
        last = len(self.layer_sizes) - 1
        for i, y in zip(shown, ys):
            stroke = self.theme.neuron_stroke
            if self.color_hidden and 0 < layer < last:
                stroke = self.theme.neuron_color(i)
            circle = Circle(radius=self.radius, stroke_color=stroke, stroke_width=3)
            circle.set_fill(self.theme.neuron_off, opacity=1).move_to([x, y, 0])
            self.neurons[layer, i] = circle

    def _label_ends(self) -> None:
        size = 20 if self.radius >= 0.18 else 16
        last = len(self.layer_sizes) - 1
        for layer, name, side in ((0, "x", -1), (last, "y", 1)):
            many = self.layer_sizes[layer] > 1
            for i in self.shown[layer]:
                text = f"{name}<sub>{i + 1}</sub>" if many else name
                tag = markup(text, self.theme.text, size)
                tag.next_to(self.neurons[layer, i], side * np.array([1.0, 0, 0]), buff=0.12)
                self.neuron_labels.add(tag)

    def __getitem__(self, key):
        """``diagram[layer, i]`` is a neuron, ``diagram[layer, i, j]`` an edge; other keys
        index the submobjects as in any ``VGroup``."""
        if isinstance(key, tuple):
            return self.neurons[key] if len(key) == 2 else self.edges[key]
        return super().__getitem__(key)

    def neuron(self, layer: int, i: int) -> Circle | None:
        """Circle of neuron ``i`` of ``layer`` (0 = inputs), or None if collapsed away."""
        return self.neurons.get((layer, i))

    def edge(self, layer: int, i: int, j: int) -> Line | None:
        """Line of weight ``W[layer][i, j]``, or None if an end is collapsed away."""
        return self.edges.get((layer, i, j))

    def add_edge_label(
        self,
        layer: int,
        i: int,
        j: int,
        text: str,
        *,
        value: bool = False,
        size: float = 22,
        side: int = 1,
        along: float = 0.5,
    ) -> VGroup:
        """Put a markup label (``"w<sub>11</sub>"``) by an edge; ``value`` adds `` = <weight>``.

        The value is a DecimalNumber that :meth:`set_data` keeps current.
        ``side`` (+1 above, -1 below the edge) and ``along`` (0 = start, 1 = end)
        place it. Returns the label group (already part of the diagram).
        """
        edge = self.edges[layer, i, j]
        tag = VGroup(markup(text, self.theme.text, size))
        if value:
            tag.add(markup("=", self.theme.text, size), number(0.0, self.theme.text, 1, size))
            tag.arrange(buff=0.12)
            tag[2].set_value(float(self.params[layer][0][i, j]))
            self._values.append(((layer, i, j), tag[2]))
        point = edge.point_from_proportion(along)
        direction = edge.get_unit_vector()
        normal = np.array([-direction[1], direction[0], 0.0]) * side
        reach = abs(normal[0]) * tag.width / 2 + abs(normal[1]) * tag.height / 2
        tag.move_to(point + normal * (reach + 0.16))  # clear of a thick edge, and of a value that grows wider
        self.edge_labels.add(tag)
        return tag

    def set_data(
        self,
        params: Sequence[tuple[np.ndarray, np.ndarray]],
        activations: Sequence[np.ndarray] | None = None,
    ) -> None:
        """Restyle edges from ``params`` (and fills from ``activations``) in place.

        ``activations[l]`` holds layer ``l``'s activations for one sample, shape
        ``(n_l,)`` or ``(1, n_l)``; values are clipped into [0, 1] for the fill.
        """
        self.params = params
        if self.edges:
            layers, rows, columns = self._edge_index
            weights = np.concatenate([W[rows[layers == k], columns[layers == k]] for k, (W, _) in enumerate(params)])
            colors = self._edge_rgbas[(weights >= 0).astype(int)]
            # What set_stroke(color, width, opacity=1) stores, written in place: one training
            # frame restyles every edge, and set_stroke's colour parsing is most of its cost.
            widths = edge_width(weights)
            for edge, width, rgba in zip(self.edges.values(), widths.tolist(), colors):
                edge.stroke_rgbas[:] = rgba
                edge.stroke_width = width
            if self.direct:
                strokes = self.edge_group[0]
                strokes.set_style(widths, colors)
                moved = strokes.moved()
                if np.any(moved != self._moved):  # the lines are not in the family: they follow here
                    for line in self.edges.values():
                        line.shift(moved - self._moved)
                    self._moved = moved
        for (layer, i, j), value in self._values:
            value.set_value(float(params[layer][0][i, j]))
        if activations is None:
            return
        for layer, values in enumerate(activations):
            values = np.asarray(values, dtype=float).reshape(-1)
            for i in self.shown[layer]:
                a = float(np.clip(values[i], 0.0, 1.0))
                self.neurons[layer, i].set_fill(interpolate_color(self._off, self._on, a), opacity=1)


class EdgeStrokes(SelfDrawnPath):
    """Straight edges stroked by Cairo, one stroke each, as Manim strokes a ``Line``.

    What Manim does for a line (colour, width, butt caps) without what it does around it
    for every mobject; drawn in the order given, so edges cross over one another as
    lines would, and faded with the mobject's stroke opacity. Move it, but do not
    scale or rotate it.

    Parameters
    ----------
    ends : ``(n, 2, 3)`` start and end of each edge, scene points.
    kwargs : passed on to ``VMobject``.
    """

    def __init__(self, ends, **kwargs) -> None:
        self.ends = np.asarray(ends, dtype=float).reshape(-1, 2, 3)
        self.widths = np.ones(len(self.ends))
        self.rgbas = np.ones((len(self.ends), 4))
        super().__init__(stroke_opacity=1, fill_opacity=0, **kwargs)
        flat = self.ends.reshape(-1, 3)
        self.set_box(flat.min(axis=0), flat.max(axis=0))
        self._built = self.points[0].copy()

    def moved(self) -> np.ndarray:
        """How far the edges have moved since they were built."""
        return self.points[0] - self._built

    def set_style(self, widths: np.ndarray, rgbas: np.ndarray) -> EdgeStrokes:
        """Stroke widths (Manim's units) and RGBA colours (0..1), one per edge."""
        self.widths = np.asarray(widths, dtype=float).reshape(len(self.ends))
        self.rgbas = np.asarray(rgbas, dtype=float).reshape(len(self.ends), 4)
        return self

    def draw(self, camera, ctx: cairo.Context, opacity: float = 1.0) -> None:
        """Stroke every edge, in order."""
        opacity *= float(self.get_stroke_opacity())
        if opacity <= 0:
            return
        ctx.new_path()
        ctx.set_line_cap(cairo.LINE_CAP_BUTT)
        ends = (self.ends[..., :2] + self.moved()[:2]).tolist()
        widths = (self.widths * camera.cairo_line_width_multiple).tolist()
        color = None
        for ((x0, y0), (x1, y1)), width, rgba in zip(ends, widths, self.rgbas.tolist()):
            if rgba != color:  # a new source costs Cairo a pattern: edges in a row often share one
                color = rgba
                ctx.set_source_rgba(rgba[2], rgba[1], rgba[0], rgba[3] * opacity)
            ctx.set_line_width(width)
            ctx.move_to(x0, y0)
            ctx.line_to(x1, y1)
            ctx.stroke()
