"""A small loss-vs-step chart, log scale by default, updated in place.

The log scale is drawn as a linear axis over ``log10(loss)`` with Text labels
such as ``10⁻³`` (Manim's own log axis labels need LaTeX). A loss outside the
chart's range is drawn on its edge and says so: a small arrowhead beyond the
dot while the latest loss is out of view, and a warning the first time.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, PI, RIGHT, UP, Axes, Dot, Text, Triangle, VGroup

from ..text import label
from ..theme import Theme
from .flat import flatten, flatten_ticks
from .function_plot import _ticks, corner_path, nice_step
from .self_drawn import CornerPath

__all__ = ["LossCurve", "loss_range"]

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
    axes, curve, dot : the Manim ``Axes``, the loss line (a :class:`~scenes.mobjects.self_drawn.CornerPath`) and
        its last point.
    below, above : arrowheads shown under (over) the dot while the latest loss
        lies below (above) the chart's range.
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
                chart = LossCurve.for_trace(trace, THEMES["dark"], width=6, height=3.5, font_size=24)
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
        flatten_ticks(self.axes)
        self.tick_labels = VGroup()
        for value in _ticks(y_range, skip_zero=False):
            if log:
                tag = _power_label(int(round(value + self.offset)), theme.muted, font_size)
            else:
                tag = label(f"{value + self.offset:g}", theme.muted, font_size)
            tag = flatten(tag).next_to(self.axes.y_axis.n2p(value), LEFT, buff=0.16)  # clear of the tick mark
            self.tick_labels.add(tag)
        for value, edge in ((0.0, LEFT), (float(max_step), RIGHT)):
            tag = flatten(label(f"{int(value):,}", theme.muted, font_size))
            tag.next_to(self.axes.x_axis.n2p(value), DOWN, buff=0.1).align_to(self.axes.x_axis.n2p(value), edge)
            self.tick_labels.add(tag)
        self.x_label = flatten(label("step", theme.muted, font_size)).next_to(self.axes.x_axis, DOWN, buff=0.1)
        self.y_label = flatten(label("loss", theme.muted, font_size)).next_to(self.axes.y_axis, UP, buff=0.22)
        self.curve = CornerPath(stroke_color=theme.error, stroke_width=3)
        self.dot = Dot(radius=0.05, color=theme.output)
        self.curve.set_points_as_corners([self.axes.c2p(0, y_range[1])] * 2)
        self.dot.move_to(self.axes.c2p(0, y_range[1]))
        self.below, self.above = (
            Triangle(fill_color=theme.output, fill_opacity=0, stroke_width=0).scale_to_fit_height(0.1).rotate(angle)
            for angle in (PI, 0)
        )
        self._warned = False
        # The data the curve shows, and where the axes were when it was drawn (see set_data).
        self._steps = self._losses = np.zeros(0)
        self._axes_at = b""
        self.add(self.axes, self.tick_labels, self.x_label, self.y_label, self.curve, self.dot, self.below, self.above)

    @classmethod
    def for_trace(cls, trace, theme: Theme, *, log: bool = True, **kwargs) -> LossCurve:
        """A chart for a ``netcore.Trace``: steps up to its last, losses from its smallest to its largest.

        ``kwargs`` (``width``, ``height``, ``font_size``, ...) go on to the constructor.
        """
        return cls(theme, max_step=max(1, int(trace.steps[-1])), loss_range=loss_range(trace.loss, log=log),
                   log=log, **kwargs)

    @property
    def shown_range(self) -> tuple[float, float]:
        """The lowest and highest loss the chart shows (whole decades on a log axis)."""
        low, high = self.offset + self.y_range[0], self.offset + self.y_range[1]
        return (10.0**low, 10.0**high) if self.log else (low, high)

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
        """Show losses up to now: redraw the curve in place, move the dot to the last point.

        Data that extends what the chart shows (a replay adding a step a frame) only
        appends the new segments, so a frame costs the same at the last step as at the
        first; anything else (or a moved chart) redraws the whole curve. Both draw the
        same points.

        A loss outside :attr:`shown_range` is drawn on the edge; while the latest one
        is, an arrowhead beyond the dot points to where it lies, and the first such
        loss a chart meets is also a warning (use :meth:`for_trace` for a range that fits).
        """
        steps = np.array(steps, dtype=float).ravel()
        losses = np.array(losses, dtype=float).ravel()
        if steps.shape != losses.shape or steps.size == 0:
            raise ValueError(f"steps and losses must match and be non-empty, got {steps.shape} and {losses.shape}")
        axes_at = self._axes_place()
        moved = axes_at != self._axes_at
        if moved:
            # The axes are linear: the origin plus a step and a loss direction give every point
            # (Manim's c2p costs ~0.1 ms a call).
            origin = self.axes.c2p(0.0, 0.0)
            self._map = origin, self.axes.c2p(1.0, 0.0) - origin, self.axes.c2p(0.0, 1.0) - origin
        kept = len(self._steps)
        if (not moved and 1 < kept <= len(steps) and len(self.curve.points) == 4 * (kept - 1)
                and np.array_equal(steps[:kept], self._steps)
                and np.array_equal(losses[:kept], self._losses, equal_nan=True)):
            new = slice(kept, None)
            if kept < len(steps):  # the segments from the last point shown to the new ones
                self.curve.append_points(corner_path(self._points(steps[kept - 1:], losses[kept - 1:])))
        else:
            new = slice(None)
            points = self._points(steps, losses)
            self.curve.set_points(corner_path(np.vstack([points, points]) if len(points) == 1 else points))
        self._steps, self._losses, self._axes_at = steps, losses, axes_at
        self.dot.move_to(self.curve.points[-1])
        low, high = self.shown_range
        # NaN is outside too; a loss of exactly 0 (a perfect fit) has no place on a log axis
        # and lies on its floor, as expected as any
        shown = (losses[new] >= low) & (losses[new] <= high)
        outside = ~(shown | ((losses[new] == 0) if self.log else False))
        if outside.any() and not self._warned:
            self._warned = True
            first = int(np.argmax(outside)) + (new.start or 0)
            warnings.warn(
                f"LossCurve: loss {losses[first]:.3g} at step {steps[first]:g} lies outside the chart's "
                f"range {low:g} to {high:g} and is drawn on its edge; LossCurve.for_trace(trace, theme) "
                "takes the range from the data",
                stacklevel=2,
            )
        last = losses[-1]
        for mark, beyond, side in ((self.below, last < low, DOWN), (self.above, last > high, UP)):
            if beyond != (mark.get_fill_opacity() > 0):  # set_fill parses colours: only on a change
                mark.set_fill(opacity=1.0 if beyond else 0.0)
            if beyond:
                mark.next_to(self.dot, side, buff=0.04)

    def _axes_place(self) -> bytes:
        """Where the axes are (their ends): the curve's points hold only while this stays."""
        x_axis, y_axis = self.axes.x_axis.points, self.axes.y_axis.points
        return np.concatenate([x_axis[0], x_axis[-1], y_axis[0], y_axis[-1]]).tobytes()

    def _points(self, steps: np.ndarray, losses: np.ndarray) -> np.ndarray:
        """Scene points ``(n, 3)`` of ``(step, loss)`` pairs, through the axes' map."""
        origin, along, up = self._map
        return origin + steps[:, None] * along + self.loss_to_y(losses)[:, None] * up


def loss_range(losses: np.ndarray, *, log: bool = True) -> tuple[float, float]:
    """``(lo, hi)`` for :class:`LossCurve` showing every finite loss (every positive one on a log axis).

    A log range spans at least a decade; with no usable loss it is ``(1e-3, 1)``.
    """
    losses = np.asarray(losses, dtype=float).ravel()
    usable = losses[np.isfinite(losses) & ((losses > 0) if log else True)]
    if usable.size == 0:
        return (1e-3, 1.0) if log else (0.0, 1.0)
    low, high = float(usable.min()), float(usable.max())
    if log:
        return low, max(high, low * 10)
    low = min(low, 0.0)
    return low, high if high > low else low + 1.0
