"""Readouts: numbers that tick every frame without building new mobjects."""

from __future__ import annotations

from manim import RIGHT, Text, VectorizedPoint, VGroup, VMobject

from ..theme import MONO_FONT

__all__ = ["Readout"]


class Readout(VGroup):
    """A line of digits drawn with pre-built monospaced glyphs.

    :meth:`set_data` re-points a fixed row of glyph slots, so ticking it every frame builds
    no mobject (``DecimalNumber.set_value`` rebuilds and deep-copies its digits: ~25 ms
    a call here, the largest cost of a training frame).

    Parameters
    ----------
    color, size : glyph color and font size.
    widest : the longest text it will show (sets the number of slots and the layout width).
    kwargs : passed on to ``VGroup``.

    Attributes
    ----------
    text : the text shown.

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
        glyphs = Text(self.ALPHABET, font=MONO_FONT, font_size=size)
        pair = Text("00", font=MONO_FONT, font_size=size)
        self.advance = (pair[1].get_center() - pair[0].get_center()) * RIGHT
        origin = glyphs[0].get_center()
        # Each glyph's outline relative to its cell, the same for every slot in a mono font.
        self.shapes = {c: g.points - origin - i * self.advance for i, (c, g) in enumerate(zip(self.ALPHABET, glyphs))}
        self.anchor = VectorizedPoint(origin)
        self.slots = [VMobject(stroke_width=0, fill_color=color, fill_opacity=1) for _ in widest]
        super().__init__(self.anchor, *self.slots, **kwargs)
        self.set_data(widest)

    def set_data(self, text: str) -> Readout:
        """Display ``text`` (characters from :attr:`ALPHABET`, at most as long as ``widest``)."""
        if len(text) > len(self.slots):
            raise ValueError(f"{text!r} is longer than the readout's {len(self.slots)} slots")
        self.text = text
        start = self.anchor.get_center()
        for i, slot in enumerate(self.slots):
            if i < len(text):
                slot.set_points(self.shapes[text[i]] + start + i * self.advance)
            else:
                slot.clear_points()
        return self
