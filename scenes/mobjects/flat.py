"""Static text as one path: one mobject to draw, copy and fade instead of one per glyph.

A Manim ``Text`` is a group with one ``VMobject`` per glyph (a ``DecimalNumber`` one
``Text`` per character), and every frame that shows it, every fade that copies it,
walks them all. Text that never changes can be a single path with every glyph's
outline: the same points in the same colour, so it looks the same.
"""

from __future__ import annotations

import numpy as np
from manim import Axes, VMobject

__all__ = ["flatten", "flatten_ticks"]


def flatten(mobject: VMobject) -> VMobject:
    """One ``VMobject`` drawing every outline of ``mobject`` in its style.

    The parts with points must share one fill colour and opacity and one stroke
    (one Cairo fill paints them all). The result keeps ``text`` and
    ``original_text`` (what a reader sees) if ``mobject`` has them.

    Examples
    --------
    >>> from scenes.text import label
    >>> flatten(label("loss", "#ffffff")).text
    'loss'
    """
    parts = mobject.family_members_with_points()
    if not parts:
        raise ValueError("flatten needs a mobject with points")
    styles = {_style(part) for part in parts}
    if len(styles) > 1:
        raise ValueError(f"flatten needs one style for every part, got {len(styles)}")
    flat = VMobject()
    flat.set_points(np.concatenate([part.points for part in parts]))
    flat.match_style(parts[0])
    for name in ("text", "original_text"):
        if hasattr(mobject, name):
            setattr(flat, name, getattr(mobject, name))
    return flat


def flatten_ticks(axes: Axes) -> Axes:
    """Draw each axis's tick marks as one path (in place; the ``ticks`` groups keep it)."""
    for axis in axes.get_axes():
        ticks = getattr(axis, "ticks", None)  # absent on an axis built without ticks
        if ticks is not None and ticks.family_members_with_points():
            flat = flatten(ticks)
            ticks.remove(*ticks.submobjects)
            ticks.add(flat)
    return axes


def _style(part: VMobject) -> tuple:
    return (
        part.get_fill_color().to_hex(), round(float(part.get_fill_opacity()), 6),
        part.get_stroke_color().to_hex(), round(float(part.get_stroke_width()), 6),
        round(float(part.get_stroke_opacity()), 6),
    )
