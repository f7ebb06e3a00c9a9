"""Two dimensions, constructed: steep neurons make stripes, stripes make towers, towers cover a disc.

The 2-D counterpart of ``bumps``; every field is a netcore network evaluated over the
plane (``netcore.plane_values`` / ``plane_forward``):

1. ``stripe(0, ...)``: two steep neurons in x1, one subtracted from the other, are 1 on a
   band of x1 and 0 elsewhere (each neuron's own half-plane in a thumbnail);
2. ``stripe(1, ...)``: the same across x2;
3. ``tower(...)``: its output neuron adds the four, a plateau (its weighted input plus
   the threshold, ``TOWER_THRESHOLD``): 2 where the stripes cross, 1 on one, 0 elsewhere;
4. the same network's step output with bias ``-TOWER_THRESHOLD`` keeps only the crossing:
   a tower;
5. ``towers(disc, n)`` for each n: towers over the cells of an n x n grid cover a disc,
   and ``coverage_error`` (the share of the square where they disagree) falls with n.

Render with defaults::

    manim render -ql scenes/story/region_construction.py RegionConstruction
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Circle,
    DashedVMobject,
    FadeIn,
    FadeOut,
    FadeTransform,
    Group,
    UpdateFromAlphaFunc,
    VGroup,
    config,
)

import netcore
from scenes.base import NetreelScene, SceneOptions, option
from scenes.mobjects.network_diagram import NetworkDiagram
from scenes.mobjects.plane import PlaneView
from scenes.mobjects.table import NumberTable
from scenes.text import FRAME_MARGIN, Caption, label

__all__ = ["RegionConstruction", "RegionConstructionOptions", "INTERVAL"]

#: The square of the plane every network is drawn and measured on.
INTERVAL = (-1.0, 1.0)
#: Most numbers of towers in one run (rows of the error table).
MAX_COUNTS = 6

_STRIPE_X = "two steep neurons in x1, one subtracted from the other: 1 on a stripe of x1, 0 elsewhere"
_STRIPE_Y = "two more in x2 make a stripe the other way"
_PLATEAU = "added up, the four make a plateau: 2 where the stripes cross, 1 on one stripe, 0 elsewhere"
_TOWER = "an output neuron with bias −1.5 and a step keeps only the crossing: a tower"
_TOWERS = "one tower per cell of a grid whose centre is in the disc: together they cover it"
_END = "more, smaller towers trace the disc ever closer: two layers can carve any shape"


@dataclass
class RegionConstructionOptions(SceneOptions):
    x_band: tuple[float, float] = option((-0.35, 0.45), "the x1 stripe, LOW,HIGH inside -1,1", low=-1, high=1)
    y_band: tuple[float, float] = option((-0.55, 0.25), "the x2 stripe, LOW,HIGH inside -1,1", low=-1, high=1)
    counts: tuple[int, ...] = option((3, 6, 12, 24), "cells per side of the grid of towers, shown in turn",
                                     low=1, high=32)
    radius: float = option(0.75, "radius of the disc the towers cover", low=0.1, high=1.0)

    def check(self) -> None:
        for flag, band in (("--x-band", self.x_band), ("--y-band", self.y_band)):
            if len(band) != 2 or not band[0] < band[1]:
                raise ValueError(f"{flag} needs LOW,HIGH with LOW < HIGH, got {band}")
        if not 1 <= len(self.counts) <= MAX_COUNTS:
            raise ValueError(f"--counts needs 1 to {MAX_COUNTS} grid sizes, got {len(self.counts)}")
        inside = netcore.disc(self.radius)
        for n in self.counts:
            centres = np.linspace(*INTERVAL, 2 * n + 1)[1::2]
            if not inside(centres[None, :], centres[:, None]).any():
                raise ValueError(f"--counts {n}: no cell centre of a {n} x {n} grid lies in a disc of "
                                 f"--radius {self.radius:g}; use more cells or a larger radius")


class RegionConstruction(NetreelScene):
    """Stripes, a plateau, a tower, then towers covering a disc ever more closely."""

    Options = RegionConstructionOptions
    name = "regions"
    description = "Two dimensions, constructed: steep neurons make stripes, stripes make towers, towers cover a disc."

    def construct(self) -> None:
        self.x1, self.x2 = netcore.plane_grid(INTERVAL, INTERVAL)
        self._build()
        self._stripes()
        self._plateau_and_tower()
        self._towers()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        theme = self.theme
        top = config.frame_height / 2 - FRAME_MARGIN
        right = config.frame_width / 2 - FRAME_MARGIN
        self.caption = Caption(theme)
        self.plane = PlaneView(theme, INTERVAL, INTERVAL, height=5.6, strength=0.85, contour=False)
        self.plane.next_to([-right, top - 0.1, 0], DOWN + RIGHT, buff=0).shift(0.4 * RIGHT)
        self.column = np.array([(self.plane.border.get_right()[0] + 0.4 + right) / 2, top - 1.6, 0.0])
        self.values = VGroup()
        self.network: VGroup | None = None
        self.tiles = Group()
        # What the plane shows, as the heatmap reads it: 0.5 is a value of 0 (the background).
        self.shown = np.full((len(self.x2), len(self.x1)), 0.5)

    def _diagram(self, network: netcore.Network, text: str) -> VGroup:
        """The network and a muted line naming it, at the top of the right column."""
        diagram = NetworkDiagram(network, self.theme, width=3.6, height=2.2, max_neurons=8, color_hidden=True,
                                 labels=True)
        group = VGroup(label(text, self.theme.muted, 20).next_to(diagram, UP, buff=0.2), diagram)
        group.next_to([self.column[0], config.frame_height / 2 - FRAME_MARGIN, 0], DOWN, buff=0)
        group.diagram = diagram
        return group

    def _tiles(self, hidden: np.ndarray) -> Group:
        """One thumbnail per hidden neuron: its own half-plane, under the diagram."""
        tiles = [PlaneView(self.theme, INTERVAL, INTERVAL, height=0.8, strength=1.0, labels=False, contour=False,
                           border_color=self.theme.neuron_color(j), border_width=3) for j in range(len(hidden))]
        if not tiles:
            return Group()
        row = Group(*tiles).arrange(RIGHT, buff=0.18).next_to(self.network, DOWN, buff=0.35).set_x(self.column[0])
        for tile, values in zip(tiles, hidden):
            tile.set_data(values, -1.0, 1.0)
        return row

    def _value_labels(self, network: netcore.Network, where: list[tuple[float, float]], plateau: bool = False) -> VGroup:
        """The network's output (or, with ``plateau``, its output neuron's weighted input plus
        the threshold) written at data points, computed by netcore."""
        tags = VGroup()
        for x, y in where:
            forward = netcore.plane_forward(network, np.array([x]), np.array([y]))
            value = forward.zs[-1][0, 0, 0] + netcore.TOWER_THRESHOLD if plateau else forward.activations[-1][0, 0, 0]
            tag = label(f"{value:.0f}", self.theme.text, 26, weight="BOLD")
            tags.add(tag.move_to(self.plane.c2p(np.array([x, y]))))
        return tags

    # ------------------------------------------------------------ beats

    def _field(self, grid: np.ndarray, high: float, run_time: float = 1.0) -> UpdateFromAlphaFunc:
        """The plane's heatmap blending from what it shows to ``grid`` (0 the background, ``high`` full blue)."""
        start, end = self.shown, (np.asarray(grid) / high + 1.0) / 2
        self.shown = end

        def blend(heatmap, alpha: float) -> None:
            heatmap.set_data((1 - alpha) * start + alpha * end)

        return UpdateFromAlphaFunc(self.plane.heatmap, blend, run_time=run_time)

    def _show_network(self, network: netcore.Network, text: str, hidden: np.ndarray, caption: str, *extra) -> None:
        new = self._diagram(network, text)
        old_network, old_tiles = self.network, self.tiles
        self.network = new
        self.tiles = self._tiles(hidden)
        swap = [FadeIn(new)] if old_network is None else [FadeTransform(old_network, new)]
        self.play(*swap, FadeOut(old_tiles), *(tile.heatmap.appear() for tile in self.tiles),
                  FadeIn(Group(*(tile.border for tile in self.tiles))), self.caption.say(caption), *extra,
                  run_time=1.2)

    def _stripes(self) -> None:
        o = self.options
        low, high = o.x_band
        stripe = netcore.stripe(0, low, high)
        values = netcore.plane_values(stripe, self.x1, self.x2)
        self.add(self.plane.heatmap.set_data(self.shown))
        self.play(FadeIn(Group(self.plane.border, self.plane.axis_labels)), run_time=0.6)
        self._show_network(stripe, "a stripe of x1 · 2 neurons", values.hidden, _STRIPE_X,
                           self._field(values.output, 1.0))
        self.values = self._value_labels(stripe, [((low + high) / 2, 0.8), (_outside(o.x_band), 0.8)])
        self.play(FadeIn(self.values), run_time=0.5)
        self.wait(1.6)

        low, high = o.y_band
        stripe = netcore.stripe(1, low, high)
        values = netcore.plane_values(stripe, self.x1, self.x2)
        labels = self._value_labels(stripe, [(0.8, (low + high) / 2), (0.8, _outside(o.y_band))])
        self._show_network(stripe, "a stripe of x2 · 2 neurons", values.hidden, _STRIPE_Y,
                           self._field(values.output, 1.0), FadeOut(self.values), FadeIn(labels))
        self.values = labels
        self.wait(1.4)

    def _plateau_and_tower(self) -> None:
        o = self.options
        tower = netcore.tower(o.x_band, o.y_band)
        forward = netcore.plane_forward(tower, self.x1, self.x2)
        # The plateau is the output neuron's weighted input before its bias and step.
        plateau = forward.zs[-1][0] + netcore.TOWER_THRESHOLD
        cross = (sum(o.x_band) / 2, sum(o.y_band) / 2)
        spots = [cross, (cross[0], _outside(o.y_band)), (_outside(o.x_band), cross[1]),
                 (_outside(o.x_band), _outside(o.y_band))]
        labels = self.plateau_labels = self._value_labels(tower, spots, plateau=True)
        self._show_network(tower, "stripes added: 4 neurons · a step output", forward.activations[1], _PLATEAU,
                           self._field(plateau, 2.0), FadeOut(self.values), FadeIn(labels))
        self.values = labels
        self.wait(1.6)
        labels = self.tower_labels = self._value_labels(tower, spots)
        self.play(self._field(forward.activations[-1][0], 1.0), FadeOut(self.values), FadeIn(labels),
                  self.caption.say(_TOWER), run_time=1.2)
        self.values = labels
        self.wait(1.6)

    def _towers(self) -> None:
        o, theme = self.options, self.theme
        shape = netcore.disc(o.radius)
        scale = self.plane.heatmap.box_width / (INTERVAL[1] - INTERVAL[0])
        outline = DashedVMobject(Circle(radius=o.radius * scale, stroke_color=theme.target, stroke_width=4),
                                 num_dashes=48)
        outline.move_to(self.plane.c2p(np.array([0.0, 0.0])))
        self.table = NumberTable(theme, ("grid", "towers", "wrong area"), len(o.counts))
        self.table.next_to(self.column + 1.7 * DOWN, DOWN, buff=0)
        self.errors: list[tuple[int, int, float]] = []
        for i, n in enumerate(o.counts):
            network = netcore.towers(shape, n, INTERVAL)
            error = netcore.coverage_error(network, shape, interval=INTERVAL)
            covered = network.layer_sizes[2]
            self.errors.append((n, covered, error))
            self.table.show_row(i, (f"{n} x {n}", f"{covered}", f"{error:.1%}"))
            values = netcore.plane_values(network, self.x1, self.x2)
            text = f"{n} x {n} cells · {covered} tower{'s' * (covered != 1)}"
            if i == 0:
                self._show_network(network, text, values.hidden[:0], _TOWERS, self._field(values.output, 1.0),
                                   FadeOut(self.values), FadeIn(outline), FadeIn(self.table.header),
                                   FadeIn(self.table.rows[0]))
            else:
                new = self._diagram(network, text)
                self.play(FadeTransform(self.network, new), self._field(values.output, 1.0),
                          FadeIn(self.table.rows[i]), self.table.settle(i - 1), run_time=1.0)
                self.network = new
            self.bring_to_front(outline)
            self.wait(0.7)
        self.play(self.caption.say(_END), run_time=0.6)
        self.wait(2.0)


def _outside(band: tuple[float, float]) -> float:
    """A coordinate in the square off the band: in the wider of the two margins, halfway."""
    low, high = band
    return (INTERVAL[0] + low) / 2 if low - INTERVAL[0] > INTERVAL[1] - high else (high + INTERVAL[1]) / 2
