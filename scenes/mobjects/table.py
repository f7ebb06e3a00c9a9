"""A small table that fills row by row: column headers, then one row per step of a scene.

Rows are built when their numbers are known (:meth:`NumberTable.show_row`) and faded in
by the scene; :meth:`NumberTable.settle` greys a row that is no longer the current one.
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import RIGHT, Animation, VGroup

from ..text import label
from ..theme import Theme

__all__ = ["NumberTable"]


class NumberTable(VGroup):
    """Muted column headers and ``rows`` rows of right-aligned cells below them.

    Parameters
    ----------
    theme : headers in ``theme.muted``; the newest row in ``theme.text`` and its last
        cell in ``theme.output``.
    headers : one title per column.
    rows : rows the table will hold.
    size : font size.

    Attributes
    ----------
    header : the titles; ``rows`` one (initially empty) VGroup per row.

    Examples
    --------
    .. manim:: NumberTableExample
        :save_last_frame:

        from manim import FadeIn, Scene
        from scenes.mobjects.table import NumberTable
        from scenes.theme import THEMES

        class NumberTableExample(Scene):
            def construct(self):
                table = NumberTable(THEMES["dark"], ("n", "error"), 2)
                table.show_row(0, ("4", "0.120"))
                table.show_row(1, ("8", "0.031"))
                self.play(FadeIn(table.header), FadeIn(table.rows[0]))
                self.play(FadeIn(table.rows[1]), table.settle(0))
    """

    def __init__(self, theme: Theme, headers: Sequence[str], rows: int, *, size: float = 22, **kwargs) -> None:
        super().__init__(**kwargs)
        self.theme, self.size = theme, size
        # One line of text, so the titles share a baseline; then one group of glyphs per title.
        line, start = label("    ".join(headers), theme.muted, size), 0
        self.header = VGroup()
        for text in headers:
            count = len(text.replace(" ", ""))
            self.header.add(VGroup(*line[start:start + count]))
            start += count
        self.rows = VGroup(*(VGroup() for _ in range(rows)))
        self.row_height = 0.42
        self.add(self.header, self.rows)

    def show_row(self, i: int, cells: Sequence[str]) -> VGroup:
        """Fill row ``i`` with ``cells`` (text), each right-aligned under its header; returns the row."""
        if len(cells) != len(self.header):
            raise ValueError(f"the table has {len(self.header)} columns, got {len(cells)} cells")
        y = self.header.get_y() - (i + 1) * self.row_height
        colors = [self.theme.text] * (len(cells) - 1) + [self.theme.output]
        for text, title, color in zip(cells, self.header, colors):
            cell = label(text, color, self.size).set_y(y).align_to(title, RIGHT)
            self.rows[i].add(cell)
        return self.rows[i]

    def settle(self, i: int) -> Animation:
        """Animation greying out row ``i`` (no longer the current one)."""
        return self.rows[i].animate.set_color(self.theme.muted)
