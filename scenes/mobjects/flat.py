"""Static text as one path: one mobject to draw, copy and fade instead of one per glyph.

A Manim ``Text`` is a group with one ``VMobject`` per glyph (a ``DecimalNumber`` one
``Text`` per character), and every frame that shows it, every fade that copies it,
walks them all. Text that never changes can be a single path with every glyph's
outline: the same points in the same colour, so it looks the same. :func:`flatten` lives in
:mod:`scenes.text` (captions are flattened there, below the mobjects) and is re-exported here.
"""

from __future__ import annotations

from manim import Axes

from ..text import flatten

__all__ = ["flatten", "flatten_ticks"]


def flatten_ticks(axes: Axes) -> Axes:
    """Draw each axis's tick marks as one path (in place; the ``ticks`` groups keep it)."""
    for axis in axes.get_axes():
        ticks = getattr(axis, "ticks", None)  # absent on an axis built without ticks
        if ticks is not None and ticks.family_members_with_points():
            flat = flatten(ticks)
            ticks.remove(*ticks.submobjects)
            ticks.add(flat)
    return axes
