"""The legend of a fit: which curve is the target, the network and its neurons."""

from __future__ import annotations

from functools import partial

from manim import ORIGIN, RIGHT, DashedLine, Line, VGroup

from ..text import label
from ..theme import Theme
from .flat import flatten

__all__ = ["curve_legend"]


def curve_legend(theme: Theme, shares: str = "", **kwargs) -> VGroup:
    """Keys for a fit: target (dashed), network output and, if ``shares`` names them, the neurons' parts.

    ``kwargs`` are passed on to the ``VGroup`` of the keys.

    Examples
    --------
    .. manim:: CurveLegendExample
        :save_last_frame:

        from manim import Scene
        from scenes.mobjects import curve_legend
        from scenes.theme import THEMES

        class CurveLegendExample(Scene):
            def construct(self):
                self.add(curve_legend(THEMES["dark"], "each neuron's share"))
    """
    def key(color: str, text: str, *, dashed: bool = False, width: float = 4) -> VGroup:
        kind = partial(DashedLine, dash_length=0.1) if dashed else Line
        line = kind(ORIGIN, 0.5 * RIGHT, stroke_color=color, stroke_width=width)
        return VGroup(line, flatten(label(text, theme.muted, 20))).arrange(RIGHT, buff=0.12)

    keys = [key(theme.target, "target", dashed=True), key(theme.output, "network output", width=5)]
    if shares:
        # Three colours end to end, no gaps: the shares are drawn solid, so is their key.
        swatch = VGroup(*(Line(ORIGIN, 0.16 * RIGHT, stroke_width=3, stroke_color=theme.neuron_color(j))
                          for j in range(3)))
        swatch.arrange(RIGHT, buff=0)
        keys.append(VGroup(swatch, flatten(label(shares, theme.muted, 20))).arrange(RIGHT, buff=0.12))
    return VGroup(*keys, **kwargs).arrange(RIGHT, buff=0.45)
