"""The backprop scene's network, with every number written on it.

:class:`BackpropDiagram` is a :class:`~scenes.mobjects.network_diagram.NetworkDiagram`
that also holds a :class:`ValueLabel` for each weight, gradient, z, a and δ, the
target and the loss, all read from a :class:`~scenes.story.backprop.numbers.BackpropNumbers`.
Its :meth:`~BackpropDiagram.tween` plays training frames, the values ticking
from one SGD step to the next. :func:`indicate` highlights values and neurons
without hiding the digits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Animation,
    AnimationGroup,
    Circle,
    Circumscribe,
    Indicate,
    Line,
    Mobject,
    Rectangle,
    ShowPassingFlash,
    UpdateFromAlphaFunc,
    VectorizedPoint,
    VGroup,
    linear,
)

from netcore import Network
from scenes.mobjects.flat import flatten
from scenes.mobjects.network_diagram import NetworkDiagram
from scenes.mobjects.readouts import GlyphNumber
from scenes.story.backprop.numbers import (
    DECIMALS,
    LOSS_DECIMALS,
    BackpropNumbers,
    input_name,
)
from scenes.text import markup
from scenes.theme import Theme

__all__ = ["BackpropDiagram", "ValueLabel", "Frame", "indicate", "VALUE_SIZE", "TAG_SIZE"]

#: Font size of the values on edges and beside neurons.
VALUE_SIZE = 19
#: Font size of a value inside a neuron of radius INSIDE_RADIUS ("−1.293" still clears
#: the circle at 480p); smaller circles get proportionally smaller digits.
INSIDE_SIZE = 17.5
INSIDE_RADIUS = 0.42
#: Font size of the names beside the network: x (or x1, x2) and ŷ.
TAG_SIZE = 22


class ValueLabel(VGroup):
    """A ticking number, optionally after a ``"z ="`` prefix, on a background patch.

    The patch hides the edges under the number, so values sitting on edges stay
    readable; it is sized for a wide value, so ticking never uncovers an edge.
    The number sits on the prefix's baseline.

    Parameters
    ----------
    value : the number shown first.
    color : colour of the prefix and the number.
    theme : its background colours the patch.
    prefix : markup before the number, e.g. ``"δ ="``.
    decimals : decimal places shown.
    size : font size.
    patch : draw the patch (opaque) or leave it invisible.
    signs : two colours: the number in the first when positive, the second when negative.
    **kwargs : passed on to ``VGroup``.
    """

    def __init__(
        self, value: float, color: str, theme: Theme, *, prefix: str = "",
        decimals: int = DECIMALS, size: float = VALUE_SIZE, patch: bool = True,
        signs: tuple[str, str] | None = None, **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.decimals, self.signs = decimals, signs
        # Drawn from cached glyphs, exactly as a DecimalNumber: ticking one is cheap.
        self.number = GlyphNumber(value, color, decimals, size)
        wide = GlyphNumber(-8.0, color, decimals, size)
        if prefix:
            # Pango sets the "0" on the prefix's baseline; the number takes its place
            # (its lower-left corner is all that is kept of it).
            line = markup(f"{prefix} 0", color, size)
            zero = line[-1]
            self.prefix, self.anchor = flatten(VGroup(*line[:-1])), VectorizedPoint(zero.get_corner(DOWN + LEFT))
            body = VGroup(self.prefix, wide.next_to(zero.get_left(), RIGHT, buff=0))
        else:
            self.prefix, self.anchor = VGroup(), VGroup()
            body = wide
        self.patch = Rectangle(width=body.width + 0.12, height=body.height + 0.1).move_to(body)
        self.patch.set_stroke(width=0).set_fill(theme.background, opacity=1 if patch else 0)
        self.add(self.patch, self.prefix, self.anchor, self.number)
        self._digits = ""
        self.set_data(value)

    def paint(self) -> ValueLabel:
        """Colour the number by its sign (with ``signs``)."""
        if self.signs:
            self.number.set_color(self.signs[int(self.number.get_value() < 0)])
        return self

    def set_data(self, value: float) -> ValueLabel:
        """Show ``value`` (glyphs are rebuilt only when the digits shown change)."""
        digits = f"{value:.{self.decimals}f}"
        if digits == self._digits:
            return self
        self._digits = digits
        self.number.set_value(value)
        self.paint()
        if len(self.anchor.points):
            self.number.next_to(self.anchor.get_corner(DOWN + LEFT), UP + RIGHT, buff=0)
        else:
            self.number.move_to(self.patch)
        return self


class Frame(NamedTuple):
    """The numbers of one training frame, laid out as :meth:`BackpropDiagram.set_data` takes them."""

    params: list[tuple[np.ndarray, np.ndarray]]
    activations: list[np.ndarray]
    zs: list[np.ndarray]
    loss: float


class BackpropDiagram(NetworkDiagram):
    """A network diagram with its numbers: weights on the edges, a in the neurons, z and δ beside them.

    The labels are separate mobjects, not part of the diagram's family, so a story
    can reveal them a layer at a time; they are placed when the diagram is built,
    so give its position as ``center`` rather than moving it afterwards.

    Parameters
    ----------
    numbers : what to show, from netcore; the diagram starts at frame 0.
    theme : colours.
    center : where the diagram's centre goes.
    width, height, neuron_radius : as for :class:`NetworkDiagram`.
    **kwargs : passed on to :class:`NetworkDiagram`.

    Attributes
    ----------
    weight_values, grad_values : ``(layer, i, j)`` -> the label on the edge of ``W[layer][i, j]``
        (both sit in the same spot: show one or the other).
    a_values : ``(layer, j)`` -> the activation inside neuron ``j`` of ``layer`` (0 = inputs).
    z_values, delta_values : ``(layer, j)`` -> z and δ beside the neurons of layers 1 and up.
    target_value, loss_value : below the output neuron.
    tags : the names x (or x1, x2) and ŷ beside the inputs and the output.

    Examples
    --------
    .. manim:: BackpropDiagramExample

        from manim import FadeIn, Scene, VGroup
        from scenes.story.backprop.diagram import BackpropDiagram
        from scenes.story.backprop.numbers import backprop_numbers
        from scenes.theme import THEMES

        class BackpropDiagramExample(Scene):
            def construct(self):
                numbers = backprop_numbers((1, 2, 1), [0.5], [1.5], lr=0.1, steps=2, seed=0)
                d = BackpropDiagram(numbers, THEMES["dark"])
                values = [*d.weight_values.values(), *d.a_values.values(), *d.z_values.values()]
                self.play(FadeIn(d), FadeIn(VGroup(*values, d.tags, d.loss_value)))
                self.play(d.tween(0, 1), run_time=2)  # the first SGD step, every number ticking
    """

    def __init__(
        self,
        numbers: BackpropNumbers,
        theme: Theme,
        *,
        center: Sequence[float] = ORIGIN,
        width: float = 6.0,
        height: float = 4.8,
        neuron_radius: float = INSIDE_RADIUS,
        **kwargs,
    ) -> None:
        network = Network(numbers.layer_sizes)
        network.set_params(numbers.params_at(0))
        # NetworkDiagram.__init__ ends with set_data(params), before the labels exist.
        self.weight_values: dict[tuple[int, int, int], ValueLabel] = {}
        super().__init__(network, theme, width=width, height=height, neuron_radius=neuron_radius, **kwargs)
        self.shift(np.asarray(center, dtype=float))
        self.numbers, self.last = numbers, len(numbers.layer_sizes) - 1
        self._label_edges()
        self._label_neurons(INSIDE_SIZE * neuron_radius / INSIDE_RADIUS)

    def _label_edges(self) -> None:
        n, t = self.numbers, self.theme
        self.grad_values: dict[tuple[int, int, int], ValueLabel] = {}
        for layer, W in enumerate(n.weights):
            for (i, j), w in np.ndenumerate(W):
                spot = self.edge(layer, i, j).point_from_proportion(self._along(layer, i, j))
                self.weight_values[layer, i, j] = ValueLabel(w, t.text, t, signs=(t.positive, t.negative)).move_to(spot)
                self.grad_values[layer, i, j] = ValueLabel(n.grad_weights[layer][i, j], t.error, t).move_to(spot)

    def _label_neurons(self, inside_size: float) -> None:
        """a inside every circle, z and δ beside the neurons after the inputs, the names, target and loss."""
        n, t = self.numbers, self.theme
        self.a_values: dict[tuple[int, int], ValueLabel] = {}
        self.z_values: dict[tuple[int, int], ValueLabel] = {}
        self.delta_values: dict[tuple[int, int], ValueLabel] = {}
        for layer, size in enumerate(n.layer_sizes):
            for j in range(size):
                circle = self.neuron(layer, j)
                inside = ValueLabel(n.activations[layer][j], t.text, t, patch=False, size=inside_size)
                self.a_values[layer, j] = inside.move_to(circle)
                if layer:
                    z = ValueLabel(n.zs[layer - 1][j], t.text, t, prefix="z =")
                    d = ValueLabel(n.deltas[layer - 1][j], t.error, t, prefix="δ =")
                    self._beside(circle, z, d, size, j)
                    self.z_values[layer, j], self.delta_values[layer, j] = z, d
        output = self.neuron(self.last, 0)
        self.tags = VGroup(markup("ŷ", t.output, TAG_SIZE).next_to(output, RIGHT, buff=0.12))
        for i in range(n.layer_sizes[0]):
            name = markup(input_name(n.layer_sizes, i), t.text, TAG_SIZE)
            self.tags.add(name.next_to(self.neuron(0, i), LEFT, buff=0.12))
        self.target_value = ValueLabel(n.y[0], t.target, t, prefix="target y =", patch=False)
        self.loss_value = ValueLabel(n.loss, t.error, t, prefix="loss L =", decimals=LOSS_DECIMALS, patch=False)
        below = VGroup(self.target_value, self.loss_value).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        below.next_to(self.delta_values[self.last, 0], DOWN, buff=0.12, aligned_edge=LEFT)

    @staticmethod
    def _beside(circle: Mobject, z: ValueLabel, delta: ValueLabel, size: int, j: int) -> None:
        """Put a neuron's z and δ where no edge runs.

        In a layer of two, edges leave the top neuron downwards and the bottom one
        upwards, so both values stack above (below) it. A lone neuron (the output)
        has edges only on its left, so its values start at its left edge and run right.
        """
        if size == 2:
            VGroup(z, delta).arrange(DOWN, buff=0.04).next_to(circle, UP if j == 0 else DOWN, buff=0.06)
        else:
            for value, side in ((z, UP), (delta, DOWN)):
                value.next_to(circle, side, buff=0.06).align_to(circle, LEFT).shift(0.15 * RIGHT)

    def _along(self, layer: int, i: int, j: int) -> float:
        """Where on its edge a weight's value sits: mid-edge, or near the start where edges cross."""
        sizes = self.layer_sizes
        crossing = sizes[layer] == 2 and sizes[layer + 1] == 2 and i != j
        return 0.28 if crossing else 0.5

    # ------------------------------------------------------------ look-ups

    def edges_of(self, layer: int) -> list[Line]:
        """The lines of ``W[layer]``, row by row."""
        sizes = self.layer_sizes
        return [self.edge(layer, i, j) for i in range(sizes[layer]) for j in range(sizes[layer + 1])]

    def neuron_with_value(self, layer: int, j: int) -> VGroup:
        """A neuron's circle with the value inside (animated together, so the value stays on top)."""
        return VGroup(self.neuron(layer, j), self.a_values[layer, j])

    @staticmethod
    def of_layer(values: dict[tuple[int, int], ValueLabel], layer: int) -> VGroup:
        """The labels in ``values`` (``a_values``, ``z_values``, ``delta_values``) of one layer's neurons."""
        return VGroup(*(v for (l, _), v in values.items() if l == layer))

    def flash(self, color: str, *layers: int, backwards: bool = False) -> list[Animation]:
        """A highlight travelling along every edge of ``layers`` (from the right if ``backwards``)."""
        flashes = []
        for edge in (edge for layer in layers for edge in self.edges_of(layer)):
            start, end = edge.get_start(), edge.get_end()
            path = Line(end, start) if backwards else Line(start, end)
            path.set_stroke(color, width=edge.get_stroke_width() + 5)
            flashes.append(ShowPassingFlash(path, time_width=0.6))
        return flashes

    # ------------------------------------------------------------ data

    def set_data(
        self,
        params: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
        activations: Sequence[np.ndarray] | None = None,
        zs: Sequence[np.ndarray] | None = None,
        loss: float | None = None,
    ) -> BackpropDiagram:
        """Show new numbers; each argument left as None leaves its labels as they are.

        ``params`` restyle the edges (as :meth:`NetworkDiagram.set_data`) and go on
        the weight labels. ``activations[l]`` (``(n_l,)``, layer 0 the input) are
        written inside the circles, which keep their fill so the digits stay
        legible; ``zs[l]`` are layer ``l + 1``'s weighted inputs; ``loss`` goes
        on the loss label. A :class:`Frame` unpacks into these arguments.
        """
        if params is not None:
            super().set_data(params)
            for (layer, i, j), value in self.weight_values.items():
                value.set_data(params[layer][0][i, j])
        if activations is not None:
            for (layer, j), value in self.a_values.items():
                value.set_data(activations[layer][j])
        if zs is not None:
            for (layer, j), value in self.z_values.items():
                value.set_data(zs[layer - 1][j])
        if loss is not None:
            self.loss_value.set_data(loss)
        return self

    def frame(self, position: float) -> Frame:
        """The numbers at training frame ``position``; between two frames (one SGD step), linearly between them."""
        n = self.numbers
        k = min(int(position), len(n.frame_steps) - 2)
        u = position - k

        def at(arrays: np.ndarray) -> np.ndarray:
            return arrays[k] if u == 0 else (1 - u) * arrays[k] + u * arrays[k + 1]

        return Frame(
            params=[(at(W), at(b)) for W, b in zip(n.frame_weights, n.frame_biases)],
            activations=[at(a) for a in n.frame_activations],
            zs=[at(z) for z in n.frame_zs],
            loss=at(n.frame_loss),
        )

    def tween(
        self, start: int, end: int, *, weights: bool = True, values: bool = True,
        on_step: Callable[[int], None] | None = None, followers: Sequence[Mobject] = (),
    ) -> Animation:
        """Training frames ``start`` to ``end`` as one animation (give it a ``run_time``).

        Between two frames the ``weights`` (edges and labels) and the neuron
        ``values`` (a, z and the loss) tick smoothly. With ``on_step`` it jumps
        from step to step instead, as SGD does, calling ``on_step(frame)`` so a
        readout keeps pace; ``followers`` are that readout's mobjects, which the
        animation redraws too.
        """

        def show(_: Mobject, alpha: float) -> None:
            position = start + (end - start) * alpha
            if on_step is not None:
                position = round(position)
            frame = self.frame(position)
            if weights:
                self.set_data(frame.params)
            if values:
                self.set_data(activations=frame.activations, zs=frame.zs, loss=frame.loss)
            if on_step is not None:
                on_step(position)

        moving = VGroup(self, *self.weight_values.values(), *self.a_values.values(),
                        *self.z_values.values(), self.loss_value, *followers)
        return UpdateFromAlphaFunc(moving, show, rate_func=linear)


def indicate(target: Mobject, color: str) -> Animation:
    """Highlight ``target``'s value labels (their digits pulse in ``color``) and circles (an outline runs round).

    Never recolours a label's background patch or a neuron's fill: a plain
    ``Indicate`` turns those into solid blocks that hide the numbers.
    """
    values: list[ValueLabel] = []
    circles: list[Circle] = []

    def walk(mobject: Mobject) -> None:
        if isinstance(mobject, ValueLabel):
            values.append(mobject)
        elif isinstance(mobject, Circle):
            circles.append(mobject)
        else:
            for part in mobject.submobjects:
                walk(part)

    walk(target)
    return AnimationGroup(
        *(Indicate(VGroup(v.prefix, v.number), color=color, scale_factor=1.1) for v in values),
        *(Circumscribe(c, Circle, color=color, buff=0.06) for c in circles),
    )
