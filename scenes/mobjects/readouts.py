"""Readouts: numbers that tick every frame without building new mobjects.

:class:`Readout` writes digits in the monospaced font; :class:`GlyphNumber` looks
exactly like netreel's ``DecimalNumber`` (:func:`scenes.text.number`). Both draw one
path from glyph outlines built once per process.
"""

from __future__ import annotations

from functools import lru_cache

import cairo
import numpy as np
from manim import LEFT, RIGHT, Text, VectorizedPoint, VGroup, VMobject

from ..text import DIGIT_GAP, number_text
from ..theme import MONO_FONT
from .cairo_path import PathOps
from .self_drawn import SelfDrawnPath

__all__ = ["Readout", "GlyphLine", "GlyphNumber"]


class Readout(VGroup):
    """A line of digits drawn with pre-built monospaced glyphs.

    :meth:`set_data` re-points one path with the glyphs' outlines side by side, so ticking
    it every frame builds no mobject (``DecimalNumber.set_value`` rebuilds and deep-copies
    its digits: ~25 ms a call here, the largest cost of a training frame), and the camera
    draws one path instead of one per glyph.

    Parameters
    ----------
    color, size : glyph color and font size.
    widest : the longest text it will show (sets the number of slots and the layout width).
    kwargs : passed on to ``VGroup``.

    Attributes
    ----------
    text : the text shown.
    glyphs : the one :class:`GlyphLine` that draws it.

    Examples
    --------
    .. manim:: ReadoutExample

        from manim import Scene
        from scenes.mobjects import Readout, play_frames
        from scenes.theme import THEMES

        class ReadoutExample(Scene):
            def construct(self):
                step = Readout(THEMES["dark"].text, 48, "10,000")
                self.add(step)
                play_frames(self, 11, lambda k: step.set_data(f"{1000 * k:,}"), 2.0, mobject=step)
    """

    ALPHABET = "0123456789,.-"

    def __init__(self, color: str, size: float, widest: str, **kwargs) -> None:
        origin, self.advance, self.shapes = _alphabet(self.ALPHABET, size)
        self.anchor = VectorizedPoint(origin)
        self.width_in_glyphs = len(widest)
        self.glyphs = GlyphLine(_glyph_paths(self.ALPHABET, size), fill_color=color)
        super().__init__(self.anchor, self.glyphs, **kwargs)
        self.set_data(widest)

    def set_data(self, text: str) -> Readout:
        """Display ``text`` (characters from :attr:`ALPHABET`, at most as long as ``widest``)."""
        if len(text) > self.width_in_glyphs:
            raise ValueError(f"{text!r} is longer than the readout's {self.width_in_glyphs} glyphs")
        self.text = text
        start = self.anchor.get_location()  # its one point: get_center would bound it first
        self.glyphs.place(text, [self.shapes[c] for c in text], [start + i * self.advance for i in range(len(text))])
        return self


class GlyphLine(SelfDrawnPath):
    """Glyph outlines side by side, filled from Cairo paths traced once per glyph.

    Its points are the outlines :meth:`place` puts down, so it lays out, colours and
    animates like any ``VMobject``. While they stay where they were put (moved as a
    whole at most), :meth:`draw` appends each glyph's path at its place, where tracing
    the outlines would hand Cairo every curve again; anything else (an outline
    transformed) is traced from the points.

    Parameters
    ----------
    paths : each character's outline as a Cairo path, relative to its place.
    kwargs : passed on to ``VMobject`` (no stroke: glyphs are filled, in one colour).
    """

    def __init__(self, paths: dict[str, cairo.Path], **kwargs) -> None:
        self.paths = paths
        self._placed: tuple[np.ndarray, list[tuple[str, float, float]]] = (np.zeros((0, 3)), [])
        super().__init__(stroke_width=0, fill_opacity=1, **kwargs)

    def __deepcopy__(self, clone_from_id: dict) -> GlyphLine:
        """A copy sharing the glyphs' paths (built once per process; Cairo's paths do not copy)."""
        clone_from_id[id(self.paths)] = self.paths
        return super().__deepcopy__(clone_from_id)

    def place(self, text: str, outlines: list[np.ndarray], places: list[np.ndarray]) -> GlyphLine:
        """Put character ``text[i]``, whose outline relative to its place is ``outlines[i]``, at ``places[i]``."""
        self.set_points(np.concatenate([o + p for o, p in zip(outlines, places)]) if outlines else np.zeros((0, 3)))
        self._placed = (self.points.copy(), [(c, float(p[0]), float(p[1])) for c, p in zip(text, places)])
        return self

    def draw(self, camera, ctx: cairo.Context, opacity: float = 1.0) -> None:
        """Fill the glyphs as one path."""
        r, g, b, a = self.get_fill_rgbas()[0]
        if not len(self.points) or a * opacity <= 0:
            return
        ctx.new_path()
        placed, glyphs = self._placed
        shift = self.points[0] - placed[0] if len(placed) == len(self.points) else None
        if shift is not None and (np.array_equal(self.points, placed)  # where put: the common case, cheaper
                                  or np.allclose(self.points, placed + shift, rtol=0, atol=1e-9)):
            matrix = ctx.get_matrix()  # set back exactly: translating back would round it
            for character, x, y in glyphs:
                ctx.translate(x + shift[0], y + shift[1])
                ctx.append_path(self.paths[character])
                ctx.set_matrix(matrix)
        else:
            tolerance = ctx.get_tolerance() / abs(ctx.get_matrix()[0])
            PathOps(self.points[:, :2], [len(self.points) // 4], tolerance).trace(ctx, 0)
        ctx.set_source_rgba(b, g, r, a * opacity)
        ctx.fill()


@lru_cache(maxsize=None)
def _alphabet(alphabet: str, size: float) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Where a readout's first glyph sits, the step to the next, and each glyph's outline
    relative to its cell (the same for every cell in a mono font).

    Built once per font size: two Pango texts cost more than a readout's whole replay.
    Callers must not change the arrays.
    """
    glyphs = Text(alphabet, font=MONO_FONT, font_size=size)
    pair = Text("00", font=MONO_FONT, font_size=size)
    advance = (pair[1].get_center() - pair[0].get_center()) * RIGHT
    origin = glyphs[0].get_center()
    shapes = {c: g.points - origin - i * advance for i, (c, g) in enumerate(zip(alphabet, glyphs))}
    return origin, advance, shapes


@lru_cache(maxsize=None)
def _glyph_paths(alphabet: str, size: float) -> dict[str, cairo.Path]:
    """Each glyph of :func:`_alphabet` as a Cairo path in scene units, relative to its cell."""
    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 1, 1))
    paths = {}
    for character, shape in _alphabet(alphabet, size)[2].items():
        ctx.new_path()
        PathOps(shape[:, :2], [len(shape) // 4], 0.0).trace(ctx, 0)
        paths[character] = ctx.copy_path()
    return paths


class GlyphNumber(VMobject):
    """A number drawn like :func:`scenes.text.number` (a ``DecimalNumber``), as one path.

    ``DecimalNumber.set_value`` copies a cached ``Text`` per character and lays them out
    again (~15 ms); :meth:`set_value` places cached outlines by the same rules (glyphs
    side by side on one baseline, a minus sign at mid-digit height) in a few numpy
    operations, and the camera draws one path. Like ``DecimalNumber`` it keeps its left
    edge where it was.

    Parameters
    ----------
    value : the number shown first.
    color : fill colour.
    decimals : decimal places shown.
    size : font size.
    kwargs : passed on to ``VMobject``.

    Attributes
    ----------
    text : the characters shown, e.g. ``"-0.125"``.

    Examples
    --------
    >>> GlyphNumber(-0.12549, "#ffffff", 3).text
    '-0.125'
    """

    def __init__(self, value: float, color: str, decimals: int = 2, size: float = 24, **kwargs) -> None:
        super().__init__(stroke_width=0, fill_color=color, fill_opacity=1, **kwargs)
        self.decimals, self.size = decimals, float(size)
        self.text = ""
        self.set_value(value)

    def get_value(self) -> float:
        """The number shown (as given, before rounding)."""
        return self.value

    def set_value(self, value: float) -> GlyphNumber:
        """Show ``value``, its left edge staying put."""
        self.value = float(value)
        text = f"{self.value:,.{self.decimals}f}"
        if text.startswith("-") and round(self.value, self.decimals) == 0:
            text = text[1:]  # as DecimalNumber writes a negative that rounds to zero
        if text != self.text:
            left = self.get_left() if self.text else None
            self.text = text
            self.set_points(_number_layout(text, self.size))
            if left is not None:
                self.move_to(left, aligned_edge=LEFT)
        return self


def _box(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Manim bounds a VMobject by its anchors (every first and last point of a curve), not its handles.
    anchors = np.concatenate([points[0::4], points[3::4]])
    return anchors.min(axis=0), anchors.max(axis=0)


@lru_cache(maxsize=4096)
def _number_layout(text: str, size: float) -> np.ndarray:
    """Outline points of ``text`` laid out as ``DecimalNumber`` does, centred on the origin.

    Callers must not change the array (it is shared; ``set_points`` copies it).
    """
    glyphs = [_digit_glyph(c, size) for c in text]
    placed, previous = [], None
    for glyph in glyphs:
        low, high = _box(glyph)
        if previous is not None:  # next_to(previous, RIGHT, buff, aligned_edge=DOWN)
            prev_low, prev_high = _box(previous)
            glyph = glyph + [prev_high[0] + DIGIT_GAP * size - low[0], prev_low[1] - low[1], 0]
        placed.append(glyph)
        previous = glyph
    for i, c in enumerate(text):
        low, high = _box(placed[i])
        if c == "-" and i + 1 < len(text):  # top at the next digit's mid-height
            next_low, next_high = _box(placed[i + 1])
            placed[i] = placed[i] + [0, next_high[1] - high[1] - (next_high[1] - next_low[1]) / 2, 0]
        elif c == ",":
            placed[i] = placed[i] + [0, -(high[1] - low[1]) / 2, 0]
    points = np.concatenate(placed)
    low, high = _box(points)
    return points - (low + high) / 2


@lru_cache(maxsize=None)
def _digit_glyph(character: str, size: float) -> np.ndarray:
    """The outline of one character of a number at ``size``, as DecimalNumber scales its cached glyph."""
    glyph = _digit_text(character).copy()
    glyph.font_size = size
    return np.concatenate([part.points for part in glyph.family_members_with_points()])


@lru_cache(maxsize=None)
def _digit_text(character: str) -> Text:
    return number_text(character)
