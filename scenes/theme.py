"""Colour themes: every colour a scene draws with comes from a :class:`Theme`.

``dark`` (the default, black background) is for videos; ``light`` (white
background) is for blog posts. Scenes never hard-code a colour.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Theme", "THEMES", "get_theme", "FONT", "MONO_FONT"]

FONT = "DejaVu Sans"
MONO_FONT = "DejaVu Sans Mono"


@dataclass(frozen=True)
class Theme:
    """The colours of one look.

    Attributes
    ----------
    name : theme name, as given on the command line.
    background : frame background.
    text, muted : main text; secondary text, axes, ticks and captions.
    positive, negative : edges of positive (blue) and negative (orange) weights.
    target : the target function, drawn grey and dashed.
    output : the network's output curve (bright yellow on dark, deep gold on light).
    neuron_stroke, neuron_off, neuron_on : a neuron's outline and its fill at
        activation 0 and 1 (fills in between are interpolated).
    accent : highlights (the weight under study, a firing neuron).
    error : the backward pass (deltas, gradients).
    palette : one colour per hidden neuron, reused cyclically.
    captions : draw the running caption; False (``--no-captions``) keeps its timing
        and cues but leaves it invisible, for stills and dubbed videos.
    """

    name: str
    background: str
    text: str
    muted: str
    positive: str
    negative: str
    target: str
    output: str
    neuron_stroke: str
    neuron_off: str
    neuron_on: str
    accent: str
    error: str
    palette: tuple[str, ...]
    captions: bool = True

    def neuron_color(self, index: int) -> str:
        """Colour of hidden neuron ``index`` (cycles through the palette)."""
        return self.palette[index % len(self.palette)]


THEMES: dict[str, Theme] = {
    "dark": Theme(
        name="dark",
        background="#000000",
        text="#F2F2F2",
        muted="#9A9A9A",
        positive="#3B8EEA",
        negative="#F28C28",
        target="#8C8C8C",
        output="#FFE83D",
        neuron_stroke="#D8D8D8",
        neuron_off="#1C1C1C",
        neuron_on="#F2F2F2",
        accent="#5CD65C",
        error="#FF5C8A",
        palette=(
            "#4FC3F7", "#F06292", "#AED581", "#FFB74D", "#BA68C8", "#4DB6AC",
            "#E57373", "#9575CD", "#DCE775", "#64B5F6", "#FF8A65", "#81C784",
        ),
    ),
    "light": Theme(
        name="light",
        background="#FFFFFF",
        text="#1A1A1A",
        muted="#6B6B6B",
        positive="#1F6FD1",
        negative="#D06400",
        target="#8A8A8A",
        output="#B8860B",
        neuron_stroke="#333333",
        neuron_off="#FFFFFF",
        neuron_on="#2A2A2A",
        accent="#238636",
        error="#D81B60",
        palette=(
            "#0288D1", "#C2185B", "#689F38", "#EF6C00", "#7B1FA2", "#00897B",
            "#D32F2F", "#512DA8", "#827717", "#1976D2", "#E64A19", "#388E3C",
        ),
    ),
}


def get_theme(theme: str | Theme = "dark") -> Theme:
    """Return a theme by name (or pass a :class:`Theme` through).

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    """
    if isinstance(theme, Theme):
        return theme
    try:
        return THEMES[theme]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown theme {theme!r} (choose from: {', '.join(THEMES)})"
        ) from None
