"""A heatmap of values on a grid over the plane: one raster mobject, recoloured in place.

The field is an image the camera copies straight into the frame (a
:class:`~scenes.mobjects.self_drawn.SelfDrawn` mobject: opaque and only ever moved, so
drawing it is one slice copy). :meth:`Heatmap.set_data` upsamples a grid bilinearly to the
heatmap's blocks and colours them through a table, a few numpy operations per frame, so a
training replay can call it every frame.

Colours follow the plane's convention: values near ``low`` take ``theme.negative``
(class 0, orange), values near ``high`` take ``theme.positive`` (class 1, blue), and
the middle fades into the background.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from manim import Animation, ManimColor, UpdateFromAlphaFunc, config
from manim.camera.camera import Camera
from PIL import Image

from ..theme import Theme
from .self_drawn import SelfDrawn

__all__ = ["Heatmap", "set_data_each", "class_colors", "color_rgb", "block_pixels"]

#: Colour steps between the two class colours (through the background): finer than a
#: frame's 8-bit channels can show over the blend's range.
_LEVELS = 512
#: Frame height (pixels) up to which a heatmap block is one pixel; above it blocks grow,
#: so a heatmap holds about as many blocks at 1080p as at 540p (a smooth field loses
#: nothing, and the block count sets the cost of colouring it).
_FULL_RESOLUTION_LINES = 540
# The value each colour level stands for, 0..1 (a fade recolours the table every frame).
_LEVEL_VALUES = np.linspace(0.0, 1.0, _LEVELS)


def block_pixels() -> int:
    """Side, in pixels of the current render, of one heatmap block."""
    return max(1, round(config.pixel_height / _FULL_RESOLUTION_LINES))


@lru_cache(maxsize=64)
def color_rgb(color: str) -> np.ndarray:
    """A colour as RGB floats 0..1 (read-only: one array per colour, parsed once)."""
    rgb = np.array(ManimColor(color).to_rgb(), dtype=float)
    rgb.flags.writeable = False
    return rgb


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


def _rgba_words(rgb: np.ndarray) -> np.ndarray:
    """Opaque RGBA bytes of RGB floats 0..1 (``(..., 3)``), one ``uint32`` each (the frame's byte order)."""
    rgba = np.empty((*rgb.shape[:-1], 4), dtype=np.uint8)
    rgba[..., :3] = np.clip(rgb * 255.0 + 0.5, 0, 255)
    rgba[..., 3] = 255
    return rgba.view(np.uint32)[..., 0]


class Heatmap(SelfDrawn):
    """Values on a ``(rows, cols)`` grid over a ``width`` x ``height`` box, drawn block by block.

    The box is cut into as many equal cells as the grid has samples, each sample at
    its cell's centre (as ``netcore.plane_grid`` places them): row 0 is the bottom
    (the lowest ``x2``), column 0 the left. Size it when building it and
    then only move it (the camera copies its pixels 1:1; a scaled heatmap is drawn
    with the nearest pixels), and call :meth:`snap` (or :meth:`set_data`, which does)
    after moving it, so its blocks sit on whole pixels.

    Parameters
    ----------
    theme : colours (see :func:`class_colors`).
    width, height : box, scene units (rounded to whole blocks).
    strength : how strong the colours get at the extremes (1: the class colours).

    Attributes
    ----------
    blocks : ``(rows, cols, 4)`` ``uint8`` RGBA of the blocks, top row first.
    levels : ``(rows, cols)`` colour level of each block, 0 (class 0) to 511 (class 1).

    Examples
    --------
    >>> heat = Heatmap(theme, 5.0, 5.0).move_to(LEFT)            # doctest: +SKIP
    >>> heat.set_data(output_grid)                                # doctest: +SKIP
    """

    def __init__(self, theme: Theme, width: float, height: float, *, strength: float = 0.6, **kwargs) -> None:
        self.block = block_pixels()
        self.theme = theme
        self.strength = strength
        self.opacity = self.overlay_opacity = 1.0
        step = self.block * config.frame_width / config.pixel_width
        self.cols, self.rows = max(2, round(width / step)), max(2, round(height / step))
        self.box_width, self.box_height = self.cols * step, self.rows * step
        self.blocks = np.zeros((self.rows, self.cols, 4), dtype=np.uint8)
        self.image = self.blocks
        self._snapped: np.ndarray | None = None
        super().__init__(**kwargs)
        # Where each block's centre falls across the box: 0..1 left to right, bottom to top.
        self._across = (np.arange(self.cols) + 0.5) / self.cols
        self._up = 1.0 - (np.arange(self.rows) + 0.5) / self.rows
        self._weights: dict[tuple[int, int], tuple] = {}
        self.levels = np.full((self.rows, self.cols), _LEVELS // 2, dtype=np.intp)
        self._table: tuple[np.ndarray, np.ndarray] | None = None
        self._overlay: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._paint()

    def reset_points(self) -> Heatmap:
        """The four corners of the box (top left, top right, bottom left, bottom right), centred."""
        half = np.array([self.box_width / 2, self.box_height / 2, 0.0])
        self.points = half * np.array([[-1, 1, 0], [1, 1, 0], [-1, -1, 0], [1, -1, 0]])
        return self

    def get_pixel_array(self) -> np.ndarray:
        """The image as the camera copies it: ``(rows * block, cols * block, 4)`` ``uint8`` RGBA."""
        return self.image

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
        premultiplied = np.asarray(premultiplied, dtype=float).reshape(-1, 3)[covered]
        alpha = alpha[covered, None]
        # Blocks the overlay covers fully show its colour whatever lies under them: while
        # it shows in full, only the rest (the dots' rims) blend each frame.
        solid = alpha[:, 0] == 1.0
        self._overlay = (covered, alpha, premultiplied)
        self._solid = (covered[solid], _rgba_words(premultiplied[solid]), covered[~solid], alpha[~solid],
                       premultiplied[~solid])
        self._paint()
        return self

    def box_corners(self) -> tuple[np.ndarray, np.ndarray]:
        """Scene points of the box's bottom-left and top-right corners."""
        return self.points[2].copy(), self.points[1].copy()

    def upsample(self, grid: np.ndarray) -> np.ndarray:
        """``grid`` (rows x cols of samples, row 0 at the bottom) at each block, shape ``(rows, cols)``, top row first.

        A stack of grids (``(..., rows, cols)``) gives a stack of block arrays.
        """
        grid = np.asarray(grid, dtype=float)
        if grid.ndim < 2 or min(grid.shape[-2:]) < 2:
            raise ValueError(f"a heatmap needs a 2-D grid of at least 2x2 values, got shape {grid.shape}")
        if grid.shape[-2] <= self.rows and grid.shape[-1] <= self.cols:
            if grid.ndim == 2:
                return self._enlarge(grid)
            return np.stack([self._enlarge(g) for g in grid.reshape(-1, *grid.shape[-2:])]).reshape(
                *grid.shape[:-2], self.rows, self.cols)
        shape = grid.shape[-2:]
        if shape not in self._weights:
            self._weights[shape] = (_interpolation(self._up, shape[0]), _interpolation(self._across, shape[1]))
        (row, row_weight), (col, col_weight) = self._weights[shape]
        along = grid[..., col] * (1.0 - col_weight) + grid[..., col + 1] * col_weight
        return along[..., row, :] * (1.0 - row_weight)[:, None] + along[..., row + 1, :] * row_weight[:, None]

    def _enlarge(self, grid: np.ndarray) -> np.ndarray:
        """One grid enlarged: Pillow's bilinear filter samples just so (in float32), in C."""
        image = Image.fromarray(grid[::-1].astype(np.float32), mode="F")
        # np.asarray reads Pillow's buffer as it is (read-only); np.array copies it ~8x slower.
        return np.asarray(image.resize((self.cols, self.rows), Image.Resampling.BILINEAR))

    def set_data(self, grid: np.ndarray, low: float = 0.0, high: float = 1.0) -> Heatmap:
        """Show ``grid``: ``low`` in the class-0 colour, ``high`` in the class-1 colour."""
        self.levels = self._levels(grid, low, high)
        self._paint()
        return self

    def _levels(self, grids: np.ndarray, low, high) -> np.ndarray:
        """Colour levels of the blocks of ``grids`` (a grid or a stack), ``low`` to ``high`` (one, or one per grid)."""
        low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        if not np.all(high > low):
            raise ValueError(f"high must be above low, got {low} and {high}")
        # Interpolation is linear and stays between its samples: scaling and clipping the
        # samples to colour levels first works on far fewer values than the blocks after.
        levels = np.clip((np.asarray(grids, dtype=float) - low) * ((_LEVELS - 1) / (high - low)) + 0.5,
                         0, _LEVELS - 1)
        return self.upsample(levels).astype(np.intp)

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
            colors = class_colors(_LEVEL_VALUES, self.theme, self.strength * self.opacity)
            self._table = colors, _rgba_words(colors)
        colors, words = self._table
        levels = self.levels
        blocks = words[levels]
        if self._overlay is not None:
            shown = self.overlay_opacity
            if shown == 1.0:
                solid, solid_words, covered, alpha, premultiplied = self._solid
                blocks.reshape(-1)[solid] = solid_words
            else:
                covered, alpha, premultiplied = self._overlay
            under = colors[levels.reshape(-1)[covered]]
            blocks.reshape(-1)[covered] = _rgba_words(under * (1.0 - shown * alpha) + shown * premultiplied)
        self.blocks = blocks.view(np.uint8).reshape(self.rows, self.cols, 4)
        if self.block > 1:
            blocks = np.repeat(np.repeat(blocks, self.block, axis=0), self.block, axis=1)
        self.image = blocks.view(np.uint8).reshape(*blocks.shape, 4)

    def snap(self) -> Heatmap:
        """Move the box onto whole pixels (by under a pixel), so its blocks fall on the frame's pixels."""
        corner = self.points[0, :2]
        if self._snapped is not None and corner[0] == self._snapped[0] and corner[1] == self._snapped[1]:
            return self  # not moved since: already on whole pixels
        unit = config.frame_width / config.pixel_width
        corner = corner / unit + 0.5 * np.array([config.pixel_width, -config.pixel_height])
        offset = (np.round(corner) - corner) * unit
        if np.any(np.abs(offset) > 1e-9):
            self.points[:, :2] += offset
        self._snapped = self.points[0, :2].copy()
        return self

    def draw(self, camera: Camera, pixel_array: np.ndarray) -> None:
        """Copy the image into ``camera``'s ``pixel_array`` at the heatmap's place (clipped to the frame)."""
        scale = np.array([camera.pixel_width / camera.frame_width, -camera.pixel_height / camera.frame_height])
        middle = np.array([camera.pixel_width, camera.pixel_height]) / 2
        (left, top), (right, bottom) = np.rint(
            (self.points[[0, 3], :2] - np.asarray(camera.frame_center)[:2]) * scale + middle
        ).astype(int)
        image = self.image
        if (bottom - top, right - left) != image.shape[:2]:
            if right <= left or bottom <= top:
                return
            image = np.asarray(Image.fromarray(image).resize((right - left, bottom - top), Image.Resampling.NEAREST))
        rows = slice(max(top, 0), min(bottom, camera.pixel_height))
        columns = slice(max(left, 0), min(right, camera.pixel_width))
        if rows.start < rows.stop and columns.start < columns.stop:
            pixel_array[rows, columns] = image[rows.start - top:rows.stop - top, columns.start - left:columns.stop - left]



def set_data_each(heatmaps: Sequence[Heatmap], grids: np.ndarray, ranges: Sequence[tuple[float, float]]) -> None:
    """``heatmaps[k].set_data(grids[k], *ranges[k])`` for each heatmap, in one pass when they are one size.

    A row of thumbnails recoloured every frame then costs about what one of them does:
    numpy's work per call, not per value, is most of a small heatmap's.
    """
    if not heatmaps:
        return
    if len({(h.rows, h.cols) for h in heatmaps}) > 1:
        for heatmap, grid, (low, high) in zip(heatmaps, grids, ranges):
            heatmap.set_data(grid, low, high)
        return
    low, high = (np.asarray(ends, dtype=float).reshape(-1, 1, 1) for ends in zip(*ranges))
    for heatmap, levels in zip(heatmaps, heatmaps[0]._levels(grids, low, high)):
        heatmap.levels = levels
        heatmap._paint()
