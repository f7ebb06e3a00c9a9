"""The level line of values on a grid (marching squares), as one VMobject redrawn in place.

:func:`contour_lines` finds where a grid crosses a level, cell by cell with linear
interpolation along the cell edges, and chains the pieces into polylines (open ones
end on the grid's border, closed ones loop). :class:`Contour` draws them as the
subpaths of one mobject, so a boundary that moves every frame costs one path.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .function_plot import corner_path
from .self_drawn import CornerPath

__all__ = ["Contour", "contour_lines"]

# Cell edges by name: b(ottom), r(ight), t(op), l(eft). Corners are numbered
# bottom-left 1, bottom-right 2, top-right 4, top-left 8 (bit set: above the level).
_SEGMENTS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("l", "b"),), 2: (("b", "r"),), 3: (("l", "r"),), 4: (("r", "t"),),
    6: (("b", "t"),), 7: (("l", "t"),), 8: (("t", "l"),), 9: (("b", "t"),),
    11: (("r", "t"),), 12: (("l", "r"),), 13: (("b", "r"),), 14: (("l", "b"),),
}
# Saddles: two opposite corners above. The cell's centre (mean of its corners) decides
# whether the high corners join across the cell (centre above) or stay apart.
_SADDLES: dict[int, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {
    # case: (segments if the centre is above, segments if it is not)
    5: ((("b", "r"), ("t", "l")), (("l", "b"), ("r", "t"))),
    10: ((("l", "b"), ("r", "t")), (("b", "r"), ("t", "l"))),
}


def _crossings(values: np.ndarray, level: float, edges: np.ndarray) -> np.ndarray:
    """Where the level crosses each of the grid ``edges``, as grid coordinates ``(k, 2)``.

    Edge ids count the horizontal edges first, row by row (edge ``j * (cols - 1) + i``
    joins samples (j, i) and (j, i + 1)), then the vertical ones (``rows * (cols - 1) +
    j * cols + i`` joins (j, i) and (j + 1, i)).
    """
    rows, cols = values.shape
    horizontals = rows * (cols - 1)
    vertical = edges >= horizontals
    j, i = np.divmod(np.where(vertical, edges - horizontals, edges), np.where(vertical, cols, cols - 1))
    start = j * cols + i
    a, b = values.ravel()[start], values.ravel()[start + np.where(vertical, cols, 1)]
    with np.errstate(divide="ignore", invalid="ignore"):
        along = np.clip(np.nan_to_num((level - a) / (b - a), nan=0.5), 0.0, 1.0)
    return np.column_stack([i + np.where(vertical, 0.0, along), j + np.where(vertical, along, 0.0)])


def _segment_table() -> np.ndarray:
    """``table[case, centre_above]``: a cell's (up to two) segments as pairs of edge indices b, r, t, l (-1: none)."""
    table = np.full((16, 2, 2, 2), -1)
    index = {name: k for k, name in enumerate("brtl")}
    for case, segments in _SEGMENTS.items():
        for centre in (0, 1):
            table[case, centre, :len(segments)] = [[index[a], index[b]] for a, b in segments]
    for case, (joined, apart) in _SADDLES.items():
        for centre, segments in ((1, joined), (0, apart)):
            table[case, centre] = [[index[a], index[b]] for a, b in segments]
    return table


_TABLE = _segment_table()


def contour_lines(values: np.ndarray, level: float = 0.5) -> list[np.ndarray]:
    """Polylines where ``values`` (rows x cols, row 0 at the bottom) crosses ``level``.

    Each polyline is an ``(k, 2)`` array of grid coordinates ``(column, row)``; a
    closed loop repeats its first point at the end.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or min(values.shape) < 2:
        raise ValueError(f"a contour needs a 2-D grid of at least 2x2 values, got shape {values.shape}")
    rows, cols = values.shape
    above = values > level
    case = (above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8)
    # Only the cells the level crosses (a few hundred of ten thousand) are looked at.
    j, i = np.nonzero((case != 0) & (case != 15))
    if not len(j):
        return []
    corners = values[j, i] + values[j, i + 1] + values[j + 1, i + 1] + values[j + 1, i]
    kinds = _TABLE[case[j, i], (corners / 4 > level).astype(int)].reshape(-1, 2)
    # Every edge gets one id: horizontal edges first, then vertical ones; per cell b, r, t, l.
    bottom = j * (cols - 1) + i
    vertical = rows * (cols - 1) + j * cols + i
    ids = np.column_stack([bottom, vertical + 1, bottom + cols - 1, vertical])
    ids = np.repeat(ids, 2, axis=0)
    real = kinds[:, 0] >= 0
    links = np.take_along_axis(ids[real], kinds[real], axis=1)
    # Only the edges the segments touch get a crossing point.
    edges, links = np.unique(links, return_inverse=True)
    points = _crossings(values, level, edges)
    return [points[chain] for chain in _chain(links.reshape(-1, 2))]


def _chain(links: np.ndarray) -> list[list[int]]:
    """Join segments (pairs of edge ids) that share an edge into chains of edge ids.

    An edge belongs to at most two cells, so every id has at most two segments: chains
    start at ids with one segment (they end on the border), and what is left are loops.
    Segment ``s`` has ends ``2s`` and ``2s + 1``; ``partner`` is the other segment's end on
    the same edge, or -1.
    """
    ends = links.reshape(-1)
    order = np.argsort(ends, kind="stable")
    same = ends[order[1:]] == ends[order[:-1]]
    partner = np.full(len(ends), -1)
    partner[order[:-1][same]] = order[1:][same]
    partner[order[1:][same]] = order[:-1][same]
    ids, partner = ends.tolist(), partner.tolist()
    used = [False] * len(links)
    chains = []
    starts = [end for end in range(len(ends)) if partner[end] < 0] + list(range(0, len(ends), 2))
    for end in starts:
        if used[end // 2]:
            continue
        chain = [ids[end]]
        while end >= 0 and not used[end // 2]:
            used[end // 2] = True
            end ^= 1
            chain.append(ids[end])
            end = partner[end]
        chains.append(chain)
    return chains


class Contour(CornerPath):
    """The ``level`` line of a grid of values over a box, drawn as polylines.

    Marching squares gives straight pieces: a :class:`~scenes.mobjects.self_drawn.CornerPath`
    strokes them as lines, so a line that moves every frame costs its points and one stroke.

    Parameters
    ----------
    color, stroke_width : the line's stroke.

    Examples
    --------
    >>> line = Contour(theme.text)                                   # doctest: +SKIP
    >>> line.set_data(output_grid, *heatmap.box_corners(), level=0.5)  # doctest: +SKIP
    """

    def __init__(self, color: str, stroke_width: float = 4, **kwargs) -> None:
        super().__init__(stroke_color=color, stroke_width=stroke_width, fill_opacity=0, **kwargs)

    def set_data(
        self,
        values: np.ndarray,
        lower_left: Sequence[float],
        upper_right: Sequence[float],
        level: float = 0.5,
    ) -> Contour:
        """Redraw the line of ``values`` over the box between two corners.

        The box is cut into one cell per value, each value at its cell's centre (as
        ``netcore.plane_grid`` places them), row 0 at the bottom.
        """
        values = np.asarray(values, dtype=float)
        lines = contour_lines(values, level)
        if not lines:
            self.clear_points()
            return self
        lower_left, upper_right = np.asarray(lower_left, dtype=float), np.asarray(upper_right, dtype=float)
        scale = (upper_right[:2] - lower_left[:2]) / np.array(values.shape[::-1])
        self.set_points(np.concatenate([
            corner_path(np.column_stack([lower_left[:2] + (line + 0.5) * scale, np.zeros(len(line))])) for line in lines
        ]))
        return self
