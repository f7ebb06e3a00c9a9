"""A title card: the opening of a story and the card before each of its sections.

The card is a scene of its own, so plain Manim renders it too::

    manim render -ql scenes/story/title_card.py TitleCard
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Line, VGroup, config

# Absolute imports: plain Manim loads a story module as a file, outside the package.
from scenes.base import NetreelScene, SceneOptions, option
from scenes.text import label

__all__ = ["TitleCard", "TitleCardOptions"]


@dataclass
class TitleCardOptions(SceneOptions):
    title: str = option("How neurons network", "the card's title")
    subtitle: str = option("to learn (almost) anything", "a smaller line under the title")
    number: int = option(0, "section number above the title (0: none)", low=0, high=99)
    total: int = option(0, "sections in all, shown after the number (0: the number alone)", low=0, high=99)
    hold: float = option(1.5, "seconds the card stays fully shown", low=0.1, high=10)


class TitleCard(NetreelScene):
    """A short card: section number, title, a rule and a subtitle, faded in and out."""

    Options = TitleCardOptions
    name = "title"
    description = "A title card (the explainer puts one before each section)."

    def construct(self) -> None:
        o, theme = self.options, self.theme
        title = label(o.title, theme.text, 54, weight="BOLD")
        half = min(title.width, 4.0) / 2
        rule = Line(half * LEFT, half * RIGHT, color=theme.accent, stroke_width=4)
        parts = [title, rule]
        if o.subtitle:
            parts.append(label(o.subtitle, theme.muted, 30))
        if o.number:
            counter = f"{o.number} / {o.total}" if o.total else str(o.number)
            parts.insert(0, label(counter, theme.accent, 26))
        widest = config.frame_width - 2 * 1.0  # keep a margin of one unit on each side
        for part in parts:
            if part.width > widest:
                part.scale_to_fit_width(widest)
        card = VGroup(*parts).arrange(DOWN, buff=0.35).move_to([0, 0, 0])
        self.play(FadeIn(card, shift=0.3 * UP), run_time=0.8)
        self.wait(o.hold)
        self.play(FadeOut(card), run_time=0.5)
