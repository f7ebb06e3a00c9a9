"""Section 4, constructed: steep neurons make steps, pairs of steps make bumps, bumps trace f.

Every curve comes from a netcore network evaluated on a grid: ``step_neuron`` for the
step, ``superposition`` for the bump (its two hidden contributions and their sum), and
``bumps(f, n)`` for the towers. The towers are the output of ``bumps(f, n)`` cut at its
bin edges, one colour per bump; the maximum error over the interval is listed for each n.

Render with defaults::

    manim render -ql scenes/story/bump_construction.py BumpConstruction
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    FadeTransform,
    ReplacementTransform,
    VGroup,
    VMobject,
    config,
)

import netcore
from scenes.base import NetreelScene, SceneOptions, option, target_function
from scenes.mobjects.function_plot import (
    FunctionPlot,
    merge_dashes,
    nice_range,
    nice_step,
)
from scenes.mobjects.legend import curve_legend
from scenes.mobjects.network_diagram import NetworkDiagram
from scenes.mobjects.replay import sweep
from scenes.mobjects.table import NumberTable
from scenes.text import FRAME_MARGIN, Caption, label

__all__ = ["BumpConstruction", "BumpConstructionOptions", "GRID_POINTS"]

#: Points each curve is sampled at: enough for the steep edges of 128 bumps.
GRID_POINTS = 1601
#: Most numbers of bumps in one run (rows of the error table).
MAX_COUNTS = 8
#: Input weight the step beat ends at, per unit of interval width.
_STEP_SHARPNESS = 120.0

_STEP = "one neuron with a steep weight is a step: off on the left, on on the right"
_BUMP = "a second step, flipped by a negative weight, ends the first: a bump"
_TOWERS = "one bump per slice, as tall as f there: side by side they trace f"
_END = "more neurons, thinner towers, smaller error: any continuous f, as close as we like"


@dataclass
class BumpConstructionOptions(SceneOptions):
    target: str = option(
        "sine", "function to trace: an expression in x, or a preset (" + ", ".join(netcore.PRESETS) + ")",
    )
    counts: tuple[int, ...] = option((1, 2, 4, 8, 16, 32), "numbers of bumps, shown in turn", low=1, high=128)
    interval: tuple[float, float] = option((-1.0, 1.0), "x range the bumps cover, LOW,HIGH", low=-100, high=100)
    steepness: float = option(
        0.0, "input weight of every hidden neuron (0: steep enough for the bump width)", low=0, high=1e5,
    )

    def check(self) -> None:
        if not 1 <= len(self.counts) <= MAX_COUNTS:
            raise ValueError(f"--counts needs 1 to {MAX_COUNTS} numbers of bumps, got {len(self.counts)}")
        if len(self.interval) != 2 or not self.interval[0] < self.interval[1]:
            raise ValueError(f"--interval needs LOW,HIGH with LOW < HIGH, got {self.interval}")
        # Checked where the curves are drawn and at each bin's midpoint, where netcore.bumps samples f.
        edges = [np.linspace(*self.interval, n + 1) for n in self.counts]
        drawn = np.concatenate([grid(self.interval), *((e[:-1] + e[1:]) / 2 for e in edges)])
        target_function(self.target, self.interval, drawn=drawn)


def grid(interval: tuple[float, float]) -> np.ndarray:
    """The x values every curve is sampled at."""
    return np.linspace(float(interval[0]), float(interval[1]), GRID_POINTS)


class BumpConstruction(NetreelScene):
    """A step, a bump, then towers of bumps that trace f ever more closely."""

    Options = BumpConstructionOptions
    name = "bumps"
    description = "Universal approximation, constructed: pairs of steep neurons make bumps that trace f."

    def construct(self) -> None:
        o = self.options
        self.f = target_function(o.target)
        self.xs = grid(o.interval)
        self._build()
        self._step()
        self._bump()
        self._towers()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        theme = self.theme
        low, high = self.options.interval
        self.caption = Caption(theme)
        self.plot = FunctionPlot((low, high, nice_step(high - low)), _y_range(self.f(self.xs)), theme,
                                 width=7.4, height=4.9, y_label="", labels_at_edges=True)
        self.plot.to_corner(LEFT + UP, buff=FRAME_MARGIN).shift(0.55 * DOWN + 0.2 * RIGHT)
        self.legend = curve_legend(theme, "one bump each")
        self.legend.next_to(self.plot, UP, buff=0.2).align_to(self.plot.axes, LEFT)
        top = config.frame_height / 2 - FRAME_MARGIN
        right = config.frame_width / 2 - FRAME_MARGIN
        # Centre of the right-hand column: the network, and below it the error table.
        self.column = np.array([right - 2.3, top - 1.65, 0.0])  # its name line stays inside the margin

    def _diagram(self, network: netcore.Network, text: str, **kwargs) -> VGroup:
        """The network and a muted line naming it, placed at the top of the right column."""
        diagram = NetworkDiagram(network, self.theme, width=3.0, height=2.4, max_neurons=8, labels=True, **kwargs)
        diagram.move_to(self.column)
        tag = label(text, self.theme.muted, 20).next_to(diagram, UP, buff=0.15)
        group = VGroup(tag, diagram)
        group.diagram = diagram
        return group

    def _curve(self, ys: np.ndarray, color: str, width: float = 5) -> VMobject:
        curve = VMobject(stroke_color=color, stroke_width=width)
        return curve.set_points_as_corners(self.plot.points_for(self.xs, ys))

    # ------------------------------------------------------------ beats

    def _step_positions(self) -> tuple[float, float]:
        low, high = self.options.interval
        # Right of the middle, so the curves clear the y axis tick labels at x = 0 (if 0 is inside).
        return low + 0.55 * (high - low), low + 0.85 * (high - low)

    def _step_weight(self) -> float:
        low, high = self.options.interval
        return self.options.steepness or _STEP_SHARPNESS / (high - low)

    def _step(self) -> None:
        """One neuron; its weight grows until the sigmoid is a step."""
        theme, left = self.theme, self._step_positions()[0]
        end = self._step_weight()
        start = end / 20
        neuron = netcore.step_neuron(left, steepness=start)
        self.network = self._diagram(neuron, "one neuron")
        self.network.diagram.add_edge_label(0, 0, 0, "w", value=True, side=-1)
        self.step_curve = self._curve(neuron.predict(self.xs)[:, 0], theme.output)
        self.play(
            FadeIn(VGroup(self.plot.axes, self.plot.tick_labels, self.plot.x_label, self.network)),
            Create(self.step_curve), self.caption.say(_STEP), run_time=1.2,
        )

        def sharpen(log_weight: float) -> None:
            net = netcore.step_neuron(left, steepness=float(np.exp(log_weight)))
            self.step_curve.set_points_as_corners(self.plot.points_for(self.xs, net.predict(self.xs)[:, 0]))
            self.network.diagram.set_data(net.params)

        # In log(weight), so the weight grows by the same factor each second. Redrawn
        # from the diagram on (it is drawn before the curve), so the weight moves with the curve.
        sweep(self, np.log(start), np.log(end), sharpen, 2.0, mobject=self.network.diagram)
        self.wait(0.6)

    def _bump(self) -> None:
        """A second, flipped step: the two contributions and their sum, a bump."""
        theme, (left, right) = self.theme, self._step_positions()
        k = self._step_weight()
        net = netcore.superposition(1.0, -1.0, b1=-k * left, b2=-k * right, w1=k, w2=k, activation="sigmoid")
        shares = net.hidden_contributions(self.xs)
        parts = [self._curve(shares[j], theme.neuron_color(j), 3) for j in range(2)]
        network = self._diagram(net, "two neurons", color_hidden=True)
        self.play(
            FadeTransform(self.network, network), ReplacementTransform(self.step_curve, parts[0]),
            Create(parts[1]), self.caption.say(_BUMP), run_time=1.2,
        )
        self.network = network
        self.bump = self._curve(net.predict(self.xs)[:, 0], theme.output)
        self.play(ReplacementTransform(VGroup(*(p.copy() for p in parts)), self.bump), run_time=1.0)
        self.wait(1.0)
        self.parts = VGroup(*parts)

    def _towers(self) -> None:
        """Bumps for each n: towers, the output, the target and a growing error table."""
        theme, counts = self.theme, self.options.counts
        target = merge_dashes(
            self.plot.add_curve("target", self.xs, self.f(self.xs), theme.target, stroke_width=4, dashed=True)
        )
        #: (n, max error) for each n shown, in order.
        self.errors: list[tuple[int, float]] = []
        self.table = table = NumberTable(theme, ("bumps", "max error"), len(counts))
        table.next_to(self.network, DOWN, buff=0.45).set_x(self.column[0])
        towers, output, network, error = self._bumps(counts[0])
        table.show_row(0, (f"{counts[0]}", f"{error:.3f}"))
        self.errors.append((counts[0], error))
        self.play(
            FadeOut(self.parts), FadeOut(self.bump), FadeIn(self.legend), FadeIn(towers), Create(output),
            Create(target), FadeTransform(self.network, network), FadeIn(table.header), FadeIn(table.rows[0]),
            self.caption.say(_TOWERS), run_time=1.5,
        )
        self.wait(0.8)
        for i, n in enumerate(counts[1:], 1):
            new_towers, new_output, new_network, error = self._bumps(n)
            table.show_row(i, (f"{n}", f"{error:.3f}"))
            self.errors.append((n, error))
            self.play(
                FadeOut(towers), FadeIn(new_towers), ReplacementTransform(output, new_output),
                FadeTransform(network, new_network), FadeIn(table.rows[i]), table.settle(i - 1),
                run_time=1.0,
            )
            # The target stays above the towers and the output.
            self.bring_to_front(target)
            towers, output, network = new_towers, new_output, new_network
            self.wait(0.6)
        self.play(self.caption.say(_END), run_time=0.6)
        self.wait(2.0)

    def _bumps(self, n: int) -> tuple[VGroup, VMobject, VGroup, float]:
        """Towers, output curve, diagram and max error of ``bumps(f, n)``."""
        o, theme = self.options, self.theme
        net = netcore.bumps(self.f, n, o.interval, o.steepness or None)
        ys = net.predict(self.xs)[:, 0]
        edges = np.linspace(o.interval[0], o.interval[1], n + 1)
        towers = VGroup(*(
            self._tower(ys, edges[k], edges[k + 1], theme.neuron_color(k)) for k in range(n)
        ))
        neurons = f"{2 * n} neurons · {n} bump{'s' * (n != 1)}"
        return towers, self._curve(ys, theme.output), self._diagram(net, neurons), netcore.approximation_error(net, self.f, self.options.interval, GRID_POINTS)

    def _tower(self, ys: np.ndarray, left: float, right: float, color: str) -> VMobject:
        """The area between the x axis and the output over one bin."""
        inside = (self.xs >= left) & (self.xs <= right)
        top = self.plot.points_for(self.xs[inside], ys[inside]) if inside.sum() >= 2 else np.empty((0, 3))
        corners = np.vstack([[self.plot.c2p(left, 0)], top, [self.plot.c2p(right, 0)]])
        tower = VMobject(stroke_width=0).set_points_as_corners(np.vstack([corners, corners[:1]]))
        return tower.set_fill(color, opacity=0.35)


def _y_range(values: np.ndarray) -> tuple[float, float, float]:
    """Visible y range: f, the step's 0 to 1, and a little room, on a tick step."""
    low, high = min(float(values.min()), 0.0), max(float(values.max()), 1.0)
    return nice_range(low, high, 0.08)
