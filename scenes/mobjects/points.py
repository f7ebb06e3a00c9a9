"""Labelled points drawn into a heatmap's raster: outlined, anti-aliased dots as one layer.

Points sit on top of a field that changes every frame, so as vector dots Manim would
redraw them with Cairo every frame (stroked, 200 dots cost more than the heatmap
itself). Their pixels never change, though: :func:`dot_layer` computes their coverage
and colour once, and :meth:`~scenes.mobjects.heatmap.Heatmap.set_overlay` lays the layer
over the field at every repaint for the price of one blend.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dot_layer"]


def dot_layer(
    centres: np.ndarray,
    colors: np.ndarray,
    shape: tuple[int, int],
    radius: float,
    outline: float,
    outline_color: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Dots with an outline as an image of ``shape`` (rows, cols), later dots over earlier ones.

    Parameters
    ----------
    centres : ``(n, 2)`` dot centres as ``(column, row)`` in pixels of the image, row 0 at
        the top; pixel ``(c, r)`` has its centre at ``(c, r)``.
    colors : ``(n, 3)`` RGB fill of each dot, 0..1.
    radius, outline : the fill's radius and the outline's width, in pixels.
    outline_color : RGB of the outline.

    Returns
    -------
    alpha, premultiplied : coverage ``(rows, cols)`` and colour times coverage ``(rows, cols, 3)``;
        laid over an image ``rgb`` as ``rgb * (1 - alpha) + premultiplied``.
    """
    centres = np.asarray(centres, dtype=float).reshape(-1, 2)
    colors = np.asarray(colors, dtype=float).reshape(-1, 3)
    if len(centres) != len(colors):
        raise ValueError(f"one colour per dot: {len(centres)} centres, {len(colors)} colours")
    rows, cols = shape
    alpha = np.zeros(shape)
    premultiplied = np.zeros((*shape, 3))
    reach = int(np.ceil(radius + outline + 1))
    offsets = np.arange(-reach, reach + 1)
    for (x, y), color in zip(centres, colors):
        ys = offsets + round(y)
        xs = offsets + round(x)
        ys, xs = ys[(ys >= 0) & (ys < rows)], xs[(xs >= 0) & (xs < cols)]
        if not len(ys) or not len(xs):
            continue
        distance = np.hypot(xs[None, :] - x, ys[:, None] - y)
        # Coverage of a pixel by a disc, anti-aliased over one pixel at its rim.
        outer = np.clip(radius + outline + 0.5 - distance, 0.0, 1.0)
        inner = np.clip(radius + 0.5 - distance, 0.0, 1.0)
        dot = (outer - inner)[..., None] * outline_color + inner[..., None] * color
        window = np.ix_(ys, xs)
        premultiplied[window] = dot + premultiplied[window] * (1.0 - outer)[..., None]
        alpha[window] = outer + alpha[window] * (1.0 - outer)
    return alpha, premultiplied
