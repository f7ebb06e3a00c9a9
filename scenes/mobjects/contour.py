"""The level line of values on a grid (marching squares), as one VMobject redrawn in place.

:func:`contour_lines` finds where a grid crosses a level, cell by cell with linear
interpolation along the cell edges, and chains the pieces into polylines (open ones
end on the grid's border, closed ones loop). :class:`Contour` draws them as the
subpaths of one ``VMobject``, so a boundary that moves every frame costs one mobject.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import VMobject

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


def _crossings(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Where the level crosses each horizontal and each vertical grid edge, as grid coordinates.

    Returns ``(horizontal, vertical)``: ``horizontal[j, i]`` is the (x, y) point on the
    edge from sample (j, i) to (j, i + 1); ``vertical[j, i]`` on the edge from (j, i)
    to (j + 1, i). Edges the level does not cross hold meaningless points.
    """
    rows, cols = values.shape

    def fraction(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip(np.nan_to_num((level - a) / (b - a), nan=0.5), 0.0, 1.0)

    j, i = np.mgrid[0:rows, 0:cols - 1]
    horizontal = np.stack([i + fraction(values[:, :-1], values[:, 1:]), j], axis=-1)
    j, i = np.mgrid[0:rows - 1, 0:cols]
    vertical = np.stack([i, j + fraction(values[:-1, :], values[1:, :])], axis=-1)
    return horizontal, vertical


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
    horizontal, vertical = _crossings(values, level)
    # Every edge gets one id: horizontal edges first, then vertical ones.
    vertical_start = rows * (cols - 1)
    edge_ids = {
        "b": lambda j, i: j * (cols - 1) + i,
        "t": lambda j, i: (j + 1) * (cols - 1) + i,
        "l": lambda j, i: vertical_start + j * cols + i,
        "r": lambda j, i: vertical_start + j * cols + i + 1,
    }
    centre_above = (values[:-1, :-1] + values[:-1, 1:] + values[1:, 1:] + values[1:, :-1]) / 4 > level
    pairs = []
    for kind, segments in _SEGMENTS.items():
        j, i = np.nonzero(case == kind)
        pairs += [np.column_stack([edge_ids[a](j, i), edge_ids[b](j, i)]) for a, b in segments]
    for kind, (joined, apart) in _SADDLES.items():
        for segments, where in ((joined, centre_above), (apart, ~centre_above)):
            j, i = np.nonzero((case == kind) & where)
            pairs += [np.column_stack([edge_ids[a](j, i), edge_ids[b](j, i)]) for a, b in segments]
    links = np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=int)
    points = np.concatenate([horizontal.reshape(-1, 2), vertical.reshape(-1, 2)])
    return [points[chain] for chain in _chain(links)]


def _chain(links: np.ndarray) -> list[list[int]]:
    """Join segments (pairs of edge ids) that share an edge into chains of edge ids.

    An edge belongs to at most two cells, so every id has at most two segments: chains
    start at ids with one segment (they end on the border), and what is left are loops.
    """
    touching: dict[int, list[int]] = {}
    for index, (a, b) in enumerate(links.tolist()):
        touching.setdefault(a, []).append(index)
        touching.setdefault(b, []).append(index)
    used = np.zeros(len(links), dtype=bool)
    ends = [edge for edge, segments in touching.items() if len(segments) == 1]
    chains = []
    for start in ends + list(touching):
        if all(used[s] for s in touching[start]):
            continue
        chain, edge = [start], start
        while True:
            free = [s for s in touching[edge] if not used[s]]
            if not free:
                break
            used[free[0]] = True
            a, b = links[free[0]]
            edge = int(b if a == edge else a)
            chain.append(edge)
        chains.append(chain)
    return chains


class Contour(VMobject):
    """The ``level`` line of a grid of values over a box, drawn as polylines.

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
        curves = []
        for line in lines:
            corners = np.column_stack([lower_left[:2] + (line + 0.5) * scale, np.zeros(len(line))])
            # One straight cubic per piece: anchors at the corners, handles a third along.
            start, end = corners[:-1], corners[1:]
            curves.append(np.stack([start, start + (end - start) / 3, start + 2 * (end - start) / 3, end], axis=1))
        self.set_points(np.concatenate(curves).reshape(-1, 3))
        return self
