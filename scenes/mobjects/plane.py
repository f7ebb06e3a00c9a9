"""A window on the input plane (x1, x2): a heatmap, its frame, the 0.5 line and the axis names.

:class:`PlaneView` maps data coordinates to scene points (:meth:`PlaneView.c2p`), so
the points, the heatmap and the contour of one scene always agree about where a
data point is. Small ones without labels serve as thumbnails (one neuron's field).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, Group, Rectangle

from ..text import markup
from ..theme import Theme
from .contour import Contour
from .flat import flatten
from .heatmap import Heatmap, color_rgb
from .points import dot_layer

__all__ = ["PlaneView"]


class PlaneView(Group):
    """The box ``x1_range`` x ``x2_range`` of the plane, ``height`` scene units tall, at equal scale.

    Parameters
    ----------
    theme : colours.
    x1_range, x2_range : ``(low, high)`` data extent; a grid given to :meth:`set_data`
        has its samples at the centres of equal cells of this box (``netcore.plane_grid``).
    height : scene units (the width follows from the ranges).
    strength : heatmap colour strength (see :class:`~scenes.mobjects.heatmap.Heatmap`).
    border_color : frame colour (default ``theme.muted``).
    labels : name the axes x1 (below) and x2 (left).
    contour : draw the level line of the data given to :meth:`set_data`.

    Attributes
    ----------
    heatmap, border, contour, axis_labels : the parts (``contour`` is None without one).

    Examples
    --------
    .. manim:: PlaneViewExample
        :save_last_frame:

        import netcore
        from manim import Scene
        from scenes.mobjects.plane import PlaneView
        from scenes.theme import THEMES

        class PlaneViewExample(Scene):
            def construct(self):
                x, y = netcore.DATASETS["circle"](100, None, 0)
                trace = netcore.fit_points(x, y, layers=(2, 6, 1), steps=300, frames=2)
                extent = netcore.plane_extent(x)
                view = PlaneView(THEMES["dark"], *extent, height=6)
                view.set_points(x, y)
                view.set_data(netcore.plane_values(trace.network_at(-1), *netcore.plane_grid(*extent)).output)
                self.add(view)
    """

    def __init__(
        self,
        theme: Theme,
        x1_range: Sequence[float],
        x2_range: Sequence[float],
        *,
        height: float = 5.0,
        strength: float = 0.6,
        border_color: str | None = None,
        border_width: float = 2,
        labels: bool = True,
        contour: bool = True,
        **kwargs,
    ) -> None:
        self.theme = theme
        self.x1_range = tuple(float(v) for v in x1_range)
        self.x2_range = tuple(float(v) for v in x2_range)
        spans = self.x1_range[1] - self.x1_range[0], self.x2_range[1] - self.x2_range[0]
        if not (spans[0] > 0 and spans[1] > 0):
            raise ValueError(f"ranges must run from low to high, got {x1_range} and {x2_range}")
        self.heatmap = Heatmap(theme, height * spans[0] / spans[1], height, strength=strength)
        lower, upper = self.heatmap.box_corners()
        self.border = Rectangle(
            width=upper[0] - lower[0], height=upper[1] - lower[1],
            stroke_color=border_color or theme.muted, stroke_width=border_width,
        ).move_to((lower + upper) / 2)
        parts = [self.heatmap, self.border]
        self.contour = Contour(theme.text) if contour else None
        if self.contour is not None:
            parts.append(self.contour)
        self.axis_labels = Group()
        if labels:
            # One path each (scenes.mobjects.flat): drawn and faded as one mobject, not per glyph.
            x1, x2 = (flatten(markup(f"x<sub>{n}</sub>", theme.muted, 22)) for n in (1, 2))
            self.axis_labels.add(x1.next_to(self.border, DOWN, buff=0.12), x2.next_to(self.border, LEFT, buff=0.12))
            parts.append(self.axis_labels)
        super().__init__(*parts, **kwargs)

    def c2p(self, points: np.ndarray) -> np.ndarray:
        """Scene points ``(n, 3)`` of data points ``(n, 2)`` (or one point ``(2,)`` -> ``(3,)``)."""
        points = np.asarray(points, dtype=float)
        lower, upper = self.heatmap.box_corners()
        low = np.array([self.x1_range[0], self.x2_range[0]])
        high = np.array([self.x1_range[1], self.x2_range[1]])
        xy = lower[:2] + (points - low) / (high - low) * (upper[:2] - lower[:2])
        return np.concatenate([xy, np.zeros((*xy.shape[:-1], 1))], axis=-1)

    def set_points(self, points: np.ndarray, labels: np.ndarray, radius: float = 0.06, outline: float = 0.02) -> PlaneView:
        """Draw labelled points (class 0 ``theme.negative``, class 1 ``theme.positive``) into the heatmap.

        ``points`` ``(n, 2)`` in data coordinates, ``labels`` 0 or 1; ``radius`` and the
        outline (in the background colour) in scene units.
        """
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != len(points) or not np.all((labels == 0) | (labels == 1)):
            raise ValueError("labels must be one 0 or 1 per point")
        self.dot_radius = radius
        heat = self.heatmap
        palette = np.array([color_rgb(self.theme.negative), color_rgb(self.theme.positive)])
        heat.set_overlay(*dot_layer(
            heat.to_blocks(self.c2p(points)), palette[labels.astype(int)], (heat.rows, heat.cols),
            radius / heat.step, outline / heat.step, color_rgb(self.theme.background),
        ))
        return self

    def set_data(self, grid: np.ndarray, low: float = 0.0, high: float = 1.0, level: float | None = None) -> PlaneView:
        """Show ``grid`` (row 0 at ``x2`` low) as the heatmap and its ``level`` line (default: the middle)."""
        self.heatmap.set_data(grid, low, high)
        if self.contour is not None:
            self.contour.set_data(grid, *self.heatmap.box_corners(), level=(low + high) / 2 if level is None else level)
        return self
