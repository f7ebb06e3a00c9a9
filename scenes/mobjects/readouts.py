"""Readouts: numbers that tick every frame without building new mobjects."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from manim import RIGHT, Text, VectorizedPoint, VGroup, VMobject

from ..theme import MONO_FONT

__all__ = ["Readout"]


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
    glyphs : the one ``VMobject`` that draws it.

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
        self.glyphs = VMobject(stroke_width=0, fill_color=color, fill_opacity=1)
        super().__init__(self.anchor, self.glyphs, **kwargs)
        self.set_data(widest)

    def set_data(self, text: str) -> Readout:
        """Display ``text`` (characters from :attr:`ALPHABET`, at most as long as ``widest``)."""
        if len(text) > self.width_in_glyphs:
            raise ValueError(f"{text!r} is longer than the readout's {self.width_in_glyphs} glyphs")
        self.text = text
        start = self.anchor.get_center()
        outlines = [self.shapes[c] + start + i * self.advance for i, c in enumerate(text)]
        self.glyphs.set_points(np.concatenate(outlines) if outlines else np.zeros((0, 3)))
        return self


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
