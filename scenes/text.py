"""Text helpers: Pango-only labels, ticking numbers and a bottom-of-frame caption.

No LaTeX exists here, so every glyph goes through Pango (``Text``/``MarkupText``)
in the theme's fonts. Numbers that change on screen are :class:`DecimalNumber`
built from ``Text`` digits, which Manim caches per glyph, so ticking them every
frame is cheap (building a new ``Text`` per frame is not).
"""

from __future__ import annotations

from manim import (
    DOWN,
    Animation,
    AnimationGroup,
    DecimalNumber,
    FadeIn,
    FadeOut,
    MarkupText,
    Text,
    Wait,
    config,
)

from .theme import FONT, MONO_FONT, Theme

__all__ = ["number_text", "label", "markup", "number", "Caption", "FRAME_MARGIN", "fit_width"]

#: Scene units kept free along every edge of the frame.
FRAME_MARGIN = 0.35

#: Gap between a number's glyphs per font unit: DejaVu's own spacing. Text crops each
#: glyph to its ink, so Manim's default (0.001) glued "1.5" into "15" at 480p.
_DIGIT_GAP = 0.0024


def _light(text: Text) -> Text:
    """Drop what a Text keeps only while it is built (parsed SVG paths, an id lookup).

    Every animation copies its mobjects, and DecimalNumber copies a cached glyph per
    character at every ``set_value``; without these a copy is ~15x cheaper.
    """
    text.id_to_vgroup_dict = {}
    for part in text.get_family():
        if hasattr(part, "path_obj"):
            part.path_obj = None
    return text


def number_text(string: str, **kwargs) -> Text:
    """Digits for DecimalNumber and tick labels (their ``mob_class`` / ``label_constructor``).

    DecimalNumber caches glyphs by string alone, so every number shares one font.
    """
    return _light(Text(string, font=FONT, **kwargs))



def label(
    text: str, color: str, size: float = 24, *, mono: bool = False, weight: str = "NORMAL"
) -> Text:
    """A line of plain text in the theme font (``mono`` for the monospaced one)."""
    return _light(Text(text, font=MONO_FONT if mono else FONT, font_size=size, color=color, weight=weight))


def markup(text: str, color: str, size: float = 24) -> MarkupText:
    """Text with Pango markup, e.g. ``"w<sub>11</sub> · g<sub>1</sub>(x)"`` or ``"Σ"``."""
    return _light(MarkupText(text, font=FONT, font_size=size, color=color))


def number(
    value: float, color: str, decimals: int = 2, size: float = 24, *, signed: bool = False
) -> DecimalNumber:
    """A number that can tick (``set_value``) without building new text each frame."""
    return DecimalNumber(
        value,
        num_decimal_places=decimals,
        include_sign=signed,
        mob_class=number_text,
        digit_buff_per_font_unit=_DIGIT_GAP,
        font_size=size,
        color=color,
    )


def fit_width(mobject, max_width: float):
    """Shrink ``mobject`` (never enlarge it) so it is at most ``max_width`` wide."""
    if mobject.width > max_width:
        mobject.scale_to_fit_width(max_width)
    return mobject


class Caption:
    """The story's running caption, one line (or two) at the bottom of the frame.

    Not a mobject: :meth:`say` returns an animation that fades the previous line
    out and brings the new one in, so there is nothing to ``add`` first.

    Examples
    --------
    >>> caption = Caption(theme)                     # doctest: +SKIP
    >>> self.play(caption.say("a neuron weighs its inputs"))  # doctest: +SKIP
    """

    def __init__(self, theme: Theme, *, size: float = 26, color: str | None = None) -> None:
        self.theme = theme
        self.size = size
        self.color = color or theme.text
        self.line: Text | None = None

    @property
    def max_width(self) -> float:
        """Widest a caption may be: the frame less its margins."""
        return config.frame_width - 2 * FRAME_MARGIN - 0.5

    def make(self, text: str) -> Text:
        """Build (but do not show) a caption line: wrapped to two lines if long, placed at the bottom."""
        line = label(text, self.color, self.size)
        if line.width > self.max_width and " " in text:
            line = label(_two_lines(text), self.color, self.size)
        fit_width(line, self.max_width)
        return line.to_edge(DOWN, buff=FRAME_MARGIN)

    def say(self, text: str, run_time: float = 0.6) -> Animation:
        """Fade the current line out and ``text`` in."""
        new = self.make(text)
        old, self.line = self.line, new
        if old is None:
            return FadeIn(new, run_time=run_time)
        return AnimationGroup(FadeOut(old), FadeIn(new), run_time=run_time)

    def clear(self, run_time: float = 0.4) -> Animation:
        """Fade the current line out (a short wait if there is none)."""
        old, self.line = self.line, None
        return FadeOut(old, run_time=run_time) if old is not None else Wait(run_time)


def _two_lines(text: str) -> str:
    """Break ``text`` at the space nearest its middle."""
    middle = len(text) / 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]
