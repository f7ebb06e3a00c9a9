"""A small loss-vs-step chart, log scale by default, updated in place.

The log scale is drawn as a linear axis over ``log10(loss)`` with Text labels
such as ``10⁻³`` (Manim's own log axis labels need LaTeX).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Axes, Dot, Text, VGroup, VMobject

from ..text import label
from ..theme import Theme
from .function_plot import _ticks, nice_step

__all__ = ["LossCurve"]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_EXPONENT_SCALE = 1.4


def _power_of_ten(exponent: int) -> str:
    return "1" if exponent == 0 else "10" if exponent == 1 else "10" + str(exponent).translate(_SUPERSCRIPT)


def _power_label(exponent: int, color: str, size: float) -> Text:
    """``10⁻³`` as one Text, its exponent enlarged: DejaVu's superscripts are too small to read at 480p."""
    tag = label(_power_of_ten(exponent), color, size)
    if len(tag) > 2:
        exponent_glyphs = VGroup(*tag[2:])
        exponent_glyphs.scale(_EXPONENT_SCALE, about_edge=DOWN + LEFT)
        exponent_glyphs.next_to(tag[1], RIGHT, buff=0.03).align_to(tag[1], UP).shift(0.06 * size / 16 * UP)
    return tag


class LossCurve(VGroup):
    """Step vs. loss axes with one curve and a dot on its latest point.

    Parameters
    ----------
    theme : colours (axes muted, curve ``theme.error``, dot ``theme.output``).
    max_step : last training step on the x axis.
    loss_range : ``(lo, hi)`` losses to show, ``0 < lo < hi``; with ``log`` the
        axis widens to whole decades around them.
    width, height : axes size, scene units.
    log : log-scale y axis.
    font_size : size of the tick labels and axis names.
    kwargs : passed on to ``VGroup``.

    Attributes
    ----------
    axes, curve, dot : the Manim ``Axes``, the loss line and its last point.
    tick_labels, x_label, y_label : the axes' text.

    Examples
    --------
    .. manim:: LossCurveExample
        :save_last_frame:

        from manim import Scene
        from netcore import fit_function
        from scenes.mobjects import LossCurve
        from scenes.theme import THEMES

        class LossCurveExample(Scene):
            def construct(self):
                trace = fit_function("sine", neurons=4, steps=300, frames=31)
                chart = LossCurve(THEMES["dark"], max_step=int(trace.steps[-1]), width=6, height=3.5,
                                  loss_range=(trace.loss.min(), trace.loss.max()), font_size=24)
                chart.set_data(trace.steps, trace.loss)
                self.add(chart)
    """

    def __init__(
        self,
        theme: Theme,
        *,
        max_step: int,
        loss_range: Sequence[float] = (1e-3, 1.0),
        width: float = 3.5,
        height: float = 2.2,
        log: bool = True,
        font_size: float = 16,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        lo, hi = (float(v) for v in loss_range)
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 <= lo < hi) or (log and lo <= 0):
            raise ValueError(f"loss_range must be finite with 0 <{'' if log else '='} lo < hi, got {tuple(loss_range)}")
        if max_step < 1:
            raise ValueError(f"max_step must be at least 1, got {max_step}")
        self.theme = theme
        self.log = log
        # The axis runs from 0 (so the step axis sits at its bottom) to the span of
        # the data coordinate: log10(loss) on a log axis, loss itself otherwise.
        if log:
            self.offset = float(np.floor(np.log10(lo)))
            span = max(1.0, float(np.ceil(np.log10(hi))) - self.offset)
            y_range = [0.0, span, float(max(1, int(np.ceil(span / 4))))]  # at most ~5 labels
        else:
            self.offset = lo
            y_range = [0.0, hi - lo, nice_step(hi - lo)]
        self.y_range = y_range
        x_range = [0.0, float(max_step), nice_step(max_step)]
        self.axes = Axes(
            x_range=x_range, y_range=y_range, x_length=width, y_length=height, tips=False,
            axis_config={"color": theme.muted, "stroke_width": 2, "include_numbers": False},
        )
        self.tick_labels = VGroup()
        for value in _ticks(y_range, skip_zero=False):
            if log:
                tag = _power_label(int(round(value + self.offset)), theme.muted, font_size)
            else:
                tag = label(f"{value + self.offset:g}", theme.muted, font_size)
            tag.next_to(self.axes.y_axis.n2p(value), LEFT, buff=0.16)  # clear of the tick mark
            self.tick_labels.add(tag)
        for value, edge in ((0.0, LEFT), (float(max_step), RIGHT)):
            tag = label(f"{int(value):,}", theme.muted, font_size)
            tag.next_to(self.axes.x_axis.n2p(value), DOWN, buff=0.1).align_to(self.axes.x_axis.n2p(value), edge)
            self.tick_labels.add(tag)
        self.x_label = label("step", theme.muted, font_size).next_to(self.axes.x_axis, DOWN, buff=0.1)
        self.y_label = label("loss", theme.muted, font_size).next_to(self.axes.y_axis, UP, buff=0.22)
        self.curve = VMobject(stroke_color=theme.error, stroke_width=3)
        self.dot = Dot(radius=0.05, color=theme.output)
        self.curve.set_points_as_corners([self.axes.c2p(0, y_range[1])] * 2)
        self.dot.move_to(self.axes.c2p(0, y_range[1]))
        self.add(self.axes, self.tick_labels, self.x_label, self.y_label, self.curve, self.dot)

    def loss_to_y(self, losses: np.ndarray) -> np.ndarray:
        """Axis coordinate of each loss (``log10`` on a log axis), clipped into view."""
        losses = np.asarray(losses, dtype=float)
        if self.log:
            losses = np.log10(np.maximum(losses, 10.0 ** self.offset))
        return np.clip(losses - self.offset, self.y_range[0], self.y_range[1])

    def c2p(self, step: float, loss: float) -> np.ndarray:
        """Scene point of ``(step, loss)``."""
        return self.axes.c2p(step, float(self.loss_to_y(loss)))

    def set_data(self, steps: np.ndarray, losses: np.ndarray) -> None:
        """Show losses up to now: redraw the curve in place, move the dot to the last point."""
        steps = np.asarray(steps, dtype=float).ravel()
        ys = self.loss_to_y(np.asarray(losses, dtype=float).ravel())
        if steps.shape != ys.shape or steps.size == 0:
            raise ValueError(f"steps and losses must match and be non-empty, got {steps.shape} and {ys.shape}")
        points = np.reshape(self.axes.c2p(np.column_stack([steps, ys])), (-1, 3))  # one point comes back flat
        if len(points) == 1:
            points = np.vstack([points, points])
        self.curve.set_points_as_corners(points)
        self.dot.move_to(points[-1])
