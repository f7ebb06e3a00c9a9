"""Axes with curves fed by numpy arrays, updated in place.

A curve is one ``VMobject`` whose points are reset from data in one numpy call
(:func:`corner_path`: what ``set_points_as_corners`` sets), so morphing a curve
every frame creates no new mobjects and never re-samples a Python function; the
axes' linear map is kept until they move, and :meth:`FunctionPlot.visible_paths`
cuts many curves at once. Tick labels and axis ticks are drawn as one path each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, Axes, DashedVMobject, VGroup, VMobject

from ..text import label, number_text
from ..theme import Theme
from .flat import flatten, flatten_ticks

__all__ = ["FunctionPlot", "ROLES", "nice_step", "nice_range", "merge_dashes", "corner_path"]

#: Curve roles, drawn bottom to top: a neuron's part, any other curve, the network's
#: output, and the dashed target over them all, so a perfect fit still shows the
#: target (grey dashes over yellow) instead of hiding it under the output.
ROLES = ("part", "curve", "output", "target")


class FunctionPlot(VGroup):
    """Axes (Text tick labels) plus named curves.

    Parameters
    ----------
    x_range, y_range : ``(min, max)`` or ``(min, max, tick_step)`` in data units.
    theme : colours of axes and labels.
    width, height : size of the axes in scene units.
    x_label, y_label : axis names ("" for none).
    tick_labels : number the ticks.
    tick_size : font size of the tick labels (axis names are a little bigger).
    labels_at_edges : put the tick numbers along the bottom and left edges of the
        plot (the default), so curves never run over them; False puts them on the
        axes, which may cross inside the plot.
    kwargs : passed on to ``VGroup``.

    Attributes
    ----------
    axes : the Manim ``Axes``.
    curves : ``{name: VMobject}``, in the order they were added (drawn in the order of
        their roles, see :meth:`add_curve`).
    tick_labels, x_label, y_label : the axes' text.

    Examples
    --------
    .. manim:: FunctionPlotExample
        :save_last_frame:

        import numpy as np
        from manim import Scene
        from netcore import step_neuron
        from scenes.mobjects import FunctionPlot
        from scenes.theme import THEMES

        class FunctionPlotExample(Scene):
            def construct(self):
                theme = THEMES["dark"]
                plot = FunctionPlot((-3, 3, 1), (-0.5, 1.5, 0.5), theme)
                xs = np.linspace(-3, 3, 121)
                plot.add_curve("step", xs, step_neuron(1.0, steepness=50).predict(xs)[:, 0],
                               theme.target, dashed=True)
                plot.add_curve("neuron", xs, step_neuron(1.0, steepness=1).predict(xs)[:, 0], theme.output)
                self.add(plot)
                plot.set_data("neuron", xs, step_neuron(1.0, steepness=4).predict(xs)[:, 0])
    """

    def __init__(
        self,
        x_range: Sequence[float],
        y_range: Sequence[float],
        theme: Theme,
        *,
        width: float = 6.0,
        height: float = 4.0,
        x_label: str = "x",
        y_label: str = "y",
        tick_labels: bool = True,
        tick_size: float = 20,
        labels_at_edges: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        self.x_range = _full_range(x_range)
        self.y_range = _full_range(y_range)
        self.axes = Axes(
            x_range=self.x_range,
            y_range=self.y_range,
            x_length=width,
            y_length=height,
            tips=False,
            axis_config={
                "color": theme.muted,
                "stroke_width": 2,
                "label_constructor": number_text,
                "font_size": tick_size,
                "include_numbers": False,
            },
            x_axis_config={"decimal_number_config": {"num_decimal_places": _decimals(self.x_range[2])}},
            y_axis_config={"decimal_number_config": {"num_decimal_places": _decimals(self.y_range[2])}},
        )
        flatten_ticks(self.axes)
        self.add(self.axes)
        self.tick_labels = VGroup()
        if tick_labels:
            crowded = not labels_at_edges
            self.axes.x_axis.add_numbers(_ticks(self.x_range, skip_zero=crowded and self._crosses(self.y_range)), excluding=[])
            self.axes.y_axis.add_numbers(_ticks(self.y_range, skip_zero=crowded and self._crosses(self.x_range)), excluding=[])
            x_numbers, y_numbers = self.axes.x_axis.numbers, self.axes.y_axis.numbers
            if labels_at_edges:
                left, bottom = self.axes.c2p(self.x_range[0], self.y_range[0])[:2]
                # far enough out that the corner's two labels (y's lowest, x's first) don't touch
                for tag in x_numbers:
                    tag.shift((bottom - 0.2 - tag.get_top()[1]) * UP)
                for tag in y_numbers:
                    tag.shift((left - 0.2 - tag.get_right()[0]) * RIGHT)
            for numbers in (x_numbers, y_numbers):
                numbers.set_color(theme.muted)
                flat = [flatten(number) for number in numbers]  # static: one path per label
                numbers.remove(*numbers.submobjects)
                numbers.add(*flat)
            self.tick_labels.add(x_numbers, y_numbers)
        self.x_label = self.y_label = None
        if x_label:
            self.x_label = flatten(label(x_label, theme.muted, tick_size + 4)).next_to(self.axes.x_axis.get_end(), RIGHT, buff=0.15)
            self.add(self.x_label)
        if y_label:
            self.y_label = flatten(label(y_label, theme.muted, tick_size + 4)).next_to(self.axes.y_axis.get_end(), UP, buff=0.15)
            self.add(self.y_label)
        self.curves: dict[str, VMobject] = {}
        self.roles: dict[str, str] = {}
        self._hidden_outside: set[str] = set()
        self._map: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @staticmethod
    def _crosses(bounds: Sequence[float]) -> bool:
        # A zero tick where the axes cross would sit on the other axis.
        return bounds[0] < 0 < bounds[1]

    def c2p(self, x: float, y: float) -> np.ndarray:
        """Scene point of the data point ``(x, y)``."""
        return self.axes.c2p(x, y)

    def points_for(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Scene points of the data ``(xs, ys)``, ``ys`` clipped into the visible y range."""
        xs = np.asarray(xs, dtype=float).ravel()
        ys = np.clip(np.asarray(ys, dtype=float).ravel(), self.y_range[0], self.y_range[1])
        if xs.shape != ys.shape or xs.size < 2:
            raise ValueError(f"a curve needs matching xs and ys of 2+ points, got {xs.shape} and {ys.shape}")
        return self._to_scene(xs, ys)

    def visible_path(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Bezier points of the parts of ``(xs, ys)`` inside the y range, cut where they leave it.

        For :meth:`VMobject.set_points`: the pieces become separate subpaths, so a curve
        that runs off the plot leaves a gap instead of a flat line along the border
        (which would read as data). Empty if nothing is visible.
        """
        xs = np.asarray(xs, dtype=float).ravel()
        ys = np.asarray(ys, dtype=float).ravel()
        if xs.shape != ys.shape or xs.size < 2:
            raise ValueError(f"a curve needs matching xs and ys of 2+ points, got {xs.shape} and {ys.shape}")
        return self.visible_paths(xs, ys[None])[0]

    def visible_paths(self, xs: np.ndarray, ys: np.ndarray) -> list[np.ndarray]:
        """:meth:`visible_path` of each row of ``ys`` (shape ``(curves, len(xs))``), in one numpy pass.

        A replay frame cuts all of its neurons' curves at once instead of one call per curve.
        """
        xs = np.asarray(xs, dtype=float).ravel()
        ys = np.asarray(ys, dtype=float)
        if ys.ndim != 2 or ys.shape[1] != xs.size or xs.size < 2:
            raise ValueError(f"visible_paths needs ys of shape (curves, {xs.size}) with 2+ points, got {ys.shape}")
        low, high = self.y_range[:2]
        if np.isfinite(ys).all() and ys.min() >= low and ys.max() <= high:
            # Nothing to cut (the usual frame): each row is the polyline through its points.
            points = self._to_scene(np.tile(xs, len(ys)), ys.ravel()).reshape(len(ys), -1, 3)
            return list(corner_path(points))
        x0, x1, y0, y1 = xs[:-1], xs[1:], ys[:, :-1], ys[:, 1:]
        dy = y1 - y0
        flat = dy == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            t_low, t_high = (low - y0) / dy, (high - y0) / dy
        enter = np.where(flat, 0.0, np.clip(np.minimum(t_low, t_high), 0.0, 1.0))
        leave = np.where(flat, 1.0, np.clip(np.maximum(t_low, t_high), 0.0, 1.0))
        shown = np.where(flat, (y0 >= low) & (y0 <= high), enter < leave)
        shown &= np.isfinite(y0) & np.isfinite(y1)
        t = np.stack([enter, leave], axis=-1)[shown]
        rows = np.broadcast_to(np.arange(len(ys))[:, None], shown.shape)[shown]
        starts = np.broadcast_to(x0, shown.shape)[shown]
        spans = np.broadcast_to(x1 - x0, shown.shape)[shown]
        cut_xs = starts[:, None] + t * spans[:, None]
        cut_ys = y0[shown][:, None] + t * dy[shown][:, None]
        ends = self._to_scene(cut_xs.ravel(), cut_ys.ravel()).reshape(-1, 2, 3)
        pieces = _segments(ends[:, 0], ends[:, 1])
        return np.split(pieces, 4 * np.cumsum(np.bincount(rows, minlength=len(ys)))[:-1])

    def _to_scene(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        # The axes are linear, so map through their origin and unit vectors: Axes.c2p on
        # a big array is ~100x slower (it goes point by point through each NumberLine).
        origin, units = self._linear_map()
        return origin + np.column_stack([xs, ys]) @ units

    def _linear_map(self) -> tuple[np.ndarray, np.ndarray]:
        """The axes' origin and unit vectors, recomputed only after the axes moved or scaled.

        Three ``Axes.c2p`` calls cost more than mapping a whole curve, and a replay maps
        every frame; the axis lines' end points say whether the map still holds.
        """
        x_axis, y_axis = self.axes.x_axis, self.axes.y_axis
        ends = np.concatenate([x_axis.points[[0, -1]], y_axis.points[[0, -1]]])
        if self._map is None or not np.array_equal(self._map[0], ends):
            origin = self.axes.c2p(0, 0)
            units = np.stack([self.axes.c2p(1, 0) - origin, self.axes.c2p(0, 1) - origin])
            self._map = (ends, origin, units)
        return self._map[1], self._map[2]

    def add_curve(
        self,
        name: str,
        xs: np.ndarray,
        ys: np.ndarray,
        color: str,
        *,
        stroke_width: float = 4,
        dashed: bool = False,
        hide_outside: bool = False,
        role: str | None = None,
    ) -> VMobject:
        """Add (and return) a curve through ``(xs, ys)``; replaces a curve of the same name.

        A dashed curve is a group of dashes; :meth:`set_data` re-cuts its dashes.
        ``hide_outside`` leaves gaps where the curve leaves the y range (see
        :meth:`visible_path`) instead of clipping it flat onto the border.
        ``role`` (one of :data:`ROLES`; default: the name if it is one, else
        ``"curve"``) sets its layer: above curves of its own and lower roles, below
        higher ones, whatever the order they were added in. To draw a target under
        the output, ask for it: ``role="part"``.
        """
        role = role or (name if name in ROLES else "curve")
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
        if name in self.curves:
            self.remove_curve(name)
        curve = VMobject(stroke_color=color, stroke_width=stroke_width)
        if hide_outside:
            self._hidden_outside.add(name)
            curve.set_points(self.visible_path(xs, ys))
        else:
            self._hidden_outside.discard(name)
            curve.set_points(corner_path(self.points_for(xs, ys)))
        if dashed:
            dashes = DashedVMobject(curve, num_dashes=_dash_count(curve))
            dashes.set_stroke(color, stroke_width)
            curve = dashes
        above = [self.curves[other] for other, r in self.roles.items() if ROLES.index(r) > ROLES.index(role)]
        self.curves[name], self.roles[name] = curve, role
        if above:
            self.insert(min(self.submobjects.index(other) for other in above), curve)
        else:
            self.add(curve)
        return curve

    def set_data(self, name: str, xs: np.ndarray, ys: np.ndarray) -> VMobject:
        """Move curve ``name`` onto new data, keeping the same mobject."""
        curve = self.curves[name]
        if name in self._hidden_outside:
            return curve.set_points(self.visible_path(xs, ys))
        points = self.points_for(xs, ys)
        if isinstance(curve, DashedVMobject):
            line = VMobject().set_points_as_corners(points)
            fresh = DashedVMobject(line, num_dashes=len(curve.submobjects))
            for dash, new in zip(curve.submobjects, fresh.submobjects):
                dash.set_points(new.points)
        else:
            curve.set_points(corner_path(points))
        return curve

    def curve(self, name: str) -> VMobject:
        """The curve called ``name``."""
        return self.curves[name]

    def remove_curve(self, name: str) -> VMobject:
        """Take curve ``name`` off the plot and return it."""
        curve = self.curves.pop(name)
        del self.roles[name]
        self._hidden_outside.discard(name)
        self.remove(curve)
        return curve

    def vertical_line(self, x: float, color: str, *, stroke_width: float = 2, dashed: bool = True) -> VMobject:
        """A line across the whole y range at ``x`` (not added to the plot)."""
        line = VMobject(stroke_color=color, stroke_width=stroke_width)
        line.set_points_as_corners([self.c2p(x, self.y_range[0]), self.c2p(x, self.y_range[1])])
        return DashedVMobject(line, num_dashes=12).set_stroke(color, stroke_width) if dashed else line

    def x_point(self, x: float) -> np.ndarray:
        """Scene point of ``x`` on the x axis (just below it, for labels)."""
        return self.axes.x_axis.n2p(x) + 0.05 * DOWN


def corner_path(corners: np.ndarray) -> np.ndarray:
    """Bezier points of the polyline through ``corners`` (shape ``(..., n, 3)``, ``n >= 2``).

    What ``VMobject.set_points_as_corners`` sets, in a few numpy operations: pass it to
    ``set_points``. Leading axes are separate polylines (a curve's every frame, say),
    made in the same few operations.
    """
    corners = np.asarray(corners, dtype=float)
    pieces = _segments(corners[..., :-1, :].reshape(-1, 3), corners[..., 1:, :].reshape(-1, 3))
    return pieces.reshape(*corners.shape[:-2], -1, 3)


# Where a straight cubic piece has its anchors and handles, as Manim's set_points_as_corners puts them.
_THIRDS = np.linspace(0, 1, 4)[:, None, None]


def _segments(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    # Straight cubic pieces from starts[k] to ends[k] (same arithmetic as Manim, so the same points).
    return ((1 - _THIRDS) * starts + _THIRDS * ends).transpose(1, 0, 2).reshape(-1, 3)


def _full_range(bounds: Sequence[float]) -> list[float]:
    if len(bounds) not in (2, 3):
        raise ValueError(f"a range is (min, max) or (min, max, step), got {tuple(bounds)}")
    low, high = float(bounds[0]), float(bounds[1])
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"a range needs finite min < max, got {tuple(bounds)}")
    step = float(bounds[2]) if len(bounds) == 3 else nice_step(high - low)
    return [low, high, step]


def nice_step(span: float) -> float:
    """A 1/2/5 x 10^k tick step giving about four to eight ticks."""
    raw = span / 5
    power = 10 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs(s - raw)))


def nice_range(low: float, high: float, pad: float) -> tuple[float, float, float]:
    """``(low, high, step)`` for axes showing ``[low, high]`` with ``pad`` x its span of room,
    widened to whole tick steps (a flat range still gets some height)."""
    span = max(high - low, 1e-3)
    pad *= span
    step = nice_step(span)
    return (float(np.floor((low - pad) / step) * step), float(np.ceil((high + pad) / step) * step), step)


def _decimals(step: float) -> int:
    """Fewest decimals that write every multiple of ``step`` exactly (at most 3)."""
    return next((d for d in range(3) if abs(round(step, d) - step) < 1e-9), 3)


def _ticks(bounds: Sequence[float], *, skip_zero: bool) -> list[float]:
    low, high, step = bounds
    ticks = np.arange(np.ceil(low / step) * step, high + step / 2, step)
    return [float(np.round(t, 6)) for t in ticks if not (skip_zero and abs(t) < step / 2)]


def _dash_count(curve: VMobject) -> int:
    # about five dashes per scene unit, whatever the curve's length
    start, end = curve.get_start(), curve.get_end()
    return max(8, int(5 * max(curve.width, np.linalg.norm(end - start))))


def merge_dashes(dashes: VMobject) -> VMobject:
    """Make a group of dashes one path of many pieces, drawn in one Cairo call instead of one per dash."""
    points = np.concatenate([dash.points for dash in dashes.submobjects])
    dashes.remove(*dashes.submobjects)
    return dashes.set_points(points)
