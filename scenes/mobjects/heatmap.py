"""A heatmap of values on a grid over the plane: one raster mobject, recoloured in place.

The field is drawn as a :class:`~manim.PMobject` with one point per pixel block of the
render, so the camera writes it straight into the frame with a few numpy operations
(no Cairo path per cell, and no PIL compositing: Manim 0.22's ``ImageMobject`` cannot
be drawn by its Cairo camera with Pillow 13). :meth:`Heatmap.set_data` upsamples a
grid bilinearly to those blocks and colours it, so a training replay can call it every
frame.

Colours follow the plane's convention: values near ``low`` take ``theme.negative``
(class 0, orange), values near ``high`` take ``theme.positive`` (class 1, blue), and
the middle fades into the background.
"""

from __future__ import annotations

import numpy as np
from manim import Animation, ManimColor, PMobject, UpdateFromAlphaFunc, config

from ..theme import Theme

__all__ = ["Heatmap", "class_colors", "color_rgb", "block_pixels"]

#: Colour steps between the two class colours (through the background): finer than a
#: frame's 8-bit channels can show over the blend's range.
_LEVELS = 512
#: Frame height (pixels) up to which a heatmap block is one pixel; above it blocks grow,
#: so the camera writes about as many blocks at 1080p as at 540p (a smooth field
#: loses nothing, and the point count sets the cost).
_FULL_RESOLUTION_LINES = 540


def block_pixels() -> int:
    """Side, in pixels of the current render, of one heatmap block."""
    return max(1, round(config.pixel_height / _FULL_RESOLUTION_LINES))


def color_rgb(color: str) -> np.ndarray:
    """A colour as RGB floats 0..1."""
    return np.array(ManimColor(color).to_rgb(), dtype=float)


def class_colors(values: np.ndarray, theme: Theme, strength: float = 1.0) -> np.ndarray:
    """RGB (``(..., 3)``, 0..1) of values in [0, 1]: 0 class-0 colour, 1 class-1 colour, 0.5 background.

    ``strength`` is how far the extremes go from the background towards the class colour.
    """
    background = color_rgb(theme.background)
    reach = (2.0 * np.clip(values, 0.0, 1.0) - 1.0)[..., None]
    toward = np.where(reach > 0, color_rgb(theme.positive) - background, color_rgb(theme.negative) - background)
    return background + strength * np.abs(reach) * toward


def _interpolation(fractions: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Left sample and weight of the right one at each fraction (0..1) across ``size`` cell-centred samples.

    Within half a cell of the edges the nearest sample holds (no extrapolation).
    """
    position = np.clip(fractions * size - 0.5, 0.0, size - 1.0)
    left = np.minimum(np.floor(position).astype(int), size - 2)
    return left, position - left


class Heatmap(PMobject):
    """Values on a ``(rows, cols)`` grid over a ``width`` x ``height`` box, drawn block by block.

    The box is cut into as many equal cells as the grid has samples, each sample at
    its cell's centre (as ``netcore.plane_grid`` places them): row 0 is the bottom
    (the lowest ``x2``), column 0 the left. Size it when building it and
    then only move it (scaling would open gaps between its blocks), and call
    :meth:`snap` (or :meth:`set_data`, which does) after moving it, so its blocks sit
    on whole pixels.

    Parameters
    ----------
    theme : colours (see :func:`class_colors`).
    width, height : box, scene units (rounded to whole blocks).
    strength : how strong the colours get at the extremes (1: the class colours).

    Examples
    --------
    >>> heat = Heatmap(theme, 5.0, 5.0).move_to(LEFT)            # doctest: +SKIP
    >>> heat.set_data(output_grid)                                # doctest: +SKIP
    """

    def __init__(self, theme: Theme, width: float, height: float, *, strength: float = 0.6, **kwargs) -> None:
        self.block = block_pixels()
        super().__init__(stroke_width=self.block, **kwargs)
        self.theme = theme
        self.strength = strength
        self.opacity = self.overlay_opacity = 1.0
        step = self.block * config.frame_width / config.pixel_width
        self.cols, self.rows = max(2, round(width / step)), max(2, round(height / step))
        # The camera paints each point's pixel and the block right of and below it,
        # so a point sits on the pixel centre at its block's top-left corner.
        xs = np.arange(self.cols) * step + 0.5 * step / self.block - self.cols * step / 2
        ys = self.rows * step / 2 - np.arange(self.rows) * step - 0.5 * step / self.block
        grid_x, grid_y = np.meshgrid(xs, ys)
        self.points = np.column_stack([grid_x.ravel(), grid_y.ravel(), np.zeros(grid_x.size)])
        self.box_width, self.box_height = self.cols * step, self.rows * step
        # Where each block's centre falls across the box: 0..1 left to right, bottom to top.
        self._across = (np.arange(self.cols) + 0.5) / self.cols
        self._up = 1.0 - (np.arange(self.rows) + 0.5) / self.rows
        self._weights: dict[tuple[int, int], tuple] = {}
        self.values = np.full((self.rows, self.cols), 0.5)
        self.rgbas = np.ones((len(self.points), 4))
        self._table = None
        self._overlay: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._paint()

    @property
    def step(self) -> float:
        """Side of one block, scene units."""
        return self.box_width / self.cols

    def to_blocks(self, points: np.ndarray) -> np.ndarray:
        """``(column, row)`` of scene points in blocks, row 0 at the top; block (c, r) is centred on (c, r)."""
        lower, upper = self.box_corners()
        points = np.asarray(points, dtype=float).reshape(-1, 3)
        return np.column_stack([points[:, 0] - lower[0], upper[1] - points[:, 1]]) / self.step - 0.5

    def set_overlay(self, alpha: np.ndarray, premultiplied: np.ndarray) -> Heatmap:
        """Lay an image (coverage ``(rows, cols)``, colour times coverage ``(rows, cols, 3)``) over the field.

        It stays on top of every later :meth:`set_data` (see :func:`~scenes.mobjects.points.dot_layer`).
        """
        alpha = np.asarray(alpha, dtype=float).reshape(-1)
        if alpha.size != self.rows * self.cols:
            raise ValueError(f"an overlay must be {self.rows} x {self.cols} blocks, got {alpha.size} values")
        covered = np.nonzero(alpha)[0]
        self._overlay = (covered, alpha[covered, None], np.asarray(premultiplied, dtype=float).reshape(-1, 3)[covered])
        self._paint()
        return self

    def box_corners(self) -> tuple[np.ndarray, np.ndarray]:
        """Scene points of the box's bottom-left and top-right corners."""
        step = self.box_width / self.cols
        top_left = self.points[0] + np.array([-0.5 * step / self.block, 0.5 * step / self.block, 0.0])
        return top_left + np.array([0.0, -self.box_height, 0.0]), top_left + np.array([self.box_width, 0.0, 0.0])

    def upsample(self, grid: np.ndarray) -> np.ndarray:
        """``grid`` (rows x cols of samples, row 0 at the bottom) at each block, shape ``(rows, cols)``, top row first."""
        grid = np.asarray(grid, dtype=float)
        if grid.ndim != 2 or min(grid.shape) < 2:
            raise ValueError(f"a heatmap needs a 2-D grid of at least 2x2 values, got shape {grid.shape}")
        if grid.shape not in self._weights:
            self._weights[grid.shape] = (
                _interpolation(self._up, grid.shape[0]), _interpolation(self._across, grid.shape[1]),
            )
        (row, row_weight), (col, col_weight) = self._weights[grid.shape]
        along = grid[:, col] * (1.0 - col_weight) + grid[:, col + 1] * col_weight
        return along[row] * (1.0 - row_weight)[:, None] + along[row + 1] * row_weight[:, None]

    def set_data(self, grid: np.ndarray, low: float = 0.0, high: float = 1.0) -> Heatmap:
        """Show ``grid``: ``low`` in the class-0 colour, ``high`` in the class-1 colour."""
        if not high > low:
            raise ValueError(f"high must be above low, got {low} and {high}")
        self.values = (self.upsample(grid) - low) / (high - low)
        self._paint()
        return self

    def set_strength(self, field: float, overlay: float | None = None) -> Heatmap:
        """Blend the field and its overlay (by default as much) towards the background (0: gone, 1: full)."""
        self.opacity = float(field)
        self.overlay_opacity = self.opacity if overlay is None else float(overlay)
        self._table = None
        self._paint()
        return self

    def appear(self, run_time: float = 1.0, *, field: bool = True, overlay: bool = True) -> Animation:
        """The field and/or the overlay fading in (Manim's fades would change the alpha, not the colour)."""
        start = (self.opacity, self.overlay_opacity)

        def fade(mobject: Heatmap, alpha: float) -> None:
            mobject.set_strength(alpha if field else start[0], alpha if overlay else start[1])

        return UpdateFromAlphaFunc(self, fade, run_time=run_time)

    def _paint(self) -> None:
        self.snap()
        if self._table is None:
            # Opaque, blended over the background here: the camera copies these values
            # into the frame as they are, without compositing.
            colors = class_colors(np.linspace(0.0, 1.0, _LEVELS), self.theme, self.strength * self.opacity)
            self._table = np.column_stack([colors, np.ones(_LEVELS)])
        levels = np.clip(self.values.reshape(-1) * (_LEVELS - 1) + 0.5, 0, _LEVELS - 1).astype(np.intp)
        np.take(self._table, levels, axis=0, out=self.rgbas)
        if self._overlay is not None:
            covered, alpha, premultiplied = self._overlay
            shown = self.overlay_opacity
            self.rgbas[covered, :3] = self.rgbas[covered, :3] * (1.0 - shown * alpha) + shown * premultiplied

    def snap(self) -> Heatmap:
        """Move the blocks onto pixel centres (by under a pixel), so rounding never opens or doubles a line of pixels."""
        unit = config.frame_width / config.pixel_width
        first = self.points[0, :2] / unit + 0.5 * np.array([config.pixel_width, -config.pixel_height])
        offset = (np.floor(first) + 0.5 - first) * unit
        if np.any(np.abs(offset) > 1e-9):
            self.points[:, :2] += offset
        return self
