"""Many ``VMobject``\\s' cubic Bezier points as Cairo path operations, built in numpy.

Manim's camera hands Cairo every curve with ``curve_to``, one Python call each. A
replayed plot is hundreds of straight pieces per curve (``set_points_as_corners``:
handles at the thirds of each chord), which Cairo draws the same as lines. Here a
straight piece becomes a ``line_to``, and a run of straight pieces that stays within
Cairo's own flattening tolerance of one chord becomes one ``line_to``, so the picture
moves by no more than Cairo already approximates curves; real curves stay curves.
"""

from __future__ import annotations

from collections import deque
from itertools import starmap

import cairo
import numpy as np

__all__ = ["PathOps", "straight_curves", "dropped_vertices", "close_2d"]

# Operation codes, in the order of PathOps' per-curve slots: a subpath may start, the
# curve is drawn (as a line or as a curve) or dropped, and the subpath may close.
_MOVE, _LINE, _CURVE, _CLOSE = range(4)


def close_2d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows of ``a`` and ``b`` (shape ``(n, 2)``) equal as Manim judges points in 2-D
    (``np.isclose`` against ``b``, with a ``VMobject``'s tolerance for point equality)."""
    near = np.abs(a - b) <= 1e-6 + 1e-5 * np.abs(b)
    return near[:, 0] & near[:, 1]


# Rows: a curve's 8 coordinates (x0, y0, ..., x3, y3); columns: 3 times each handle's offset (x, y)
# from its third of the chord.
_OFF_THIRDS = np.zeros((8, 4))
for _column, (_handle, _near, _far) in enumerate([(2, 0, 6), (3, 1, 7), (4, 6, 0), (5, 7, 1)]):
    _OFF_THIRDS[[_handle, _near, _far], _column] = 3, -2, -1


def straight_curves(curves: np.ndarray, tolerance: float) -> np.ndarray:
    """Which cubic curves (shape ``(n, 4, 2)``) are straight pieces drawn as Manim's corners are:
    handles within ``tolerance`` of the thirds of the chord, so the curve is the chord itself."""
    off = curves.reshape(-1, 8) @ _OFF_THIRDS  # one product for all four offsets, times 3
    return np.einsum("ij,ij->i", off, off) <= 9 * tolerance * tolerance


def dropped_vertices(starts: np.ndarray, ends: np.ndarray, straight: np.ndarray, split: np.ndarray,
                     tolerance: float) -> np.ndarray:
    """Which curve ends a polyline need not visit: each lies within ``tolerance`` of a chord drawn instead.

    ``starts``/``ends`` (shape ``(n, 2)``) are the curves' end points; ``straight`` marks
    straight curves, ``split`` the curves that start a subpath (or a member). Dyadic
    blocks of ``2, 4, 8, ...`` straight curves in a row, counted from their subpath's
    start (so a path simplifies alike wherever it lies in a batch), none but the first
    starting a subpath, are collapsible when every vertex inside lies within ``tolerance`` of the
    chord from the block's start to its end (and between them); every vertex inside a
    collapsible block is dropped. Dyadic blocks nest or are disjoint, so the largest
    collapsible ones keep their ends and draw their chords: nothing drawn moves further
    than ``tolerance`` from the curves given. A block is tried only if both its halves
    collapsed, which keeps the work near the number of curves.
    """
    n = len(starts)
    dropped = np.zeros(n, dtype=bool)
    joined = straight & ~split
    (sx, sy), (ex, ey) = np.ascontiguousarray(starts.T), np.ascontiguousarray(ends.T)
    steps = np.arange(n)
    # each curve's place in its subpath
    place = steps - np.maximum.accumulate(np.where(split, steps, 0))
    firsts = steps[:-1][place[:-1] % 2 == 0]
    blocks = firsts[straight[firsts] & joined[firsts + 1]]
    limit = tolerance * tolerance
    size = 2
    while len(blocks):
        inner = blocks[:, None] + steps[:size - 1]  # the vertices inside: ends of all curves but the last
        ax, ay = sx[blocks, None], sy[blocks, None]
        cx, cy = ex[blocks + size - 1, None] - ax, ey[blocks + size - 1, None] - ay
        px, py = ex[inner] - ax, ey[inner] - ay
        length = cx * cx + cy * cy
        cross, dot = px * cy - py * cx, px * cx + py * cy
        near = (cross * cross <= limit * length) & (dot >= 0) & (dot <= length)
        collapsed = blocks[near.all(axis=1) & (length[:, 0] > 0)]
        dropped[(collapsed[:, None] + steps[:size - 1]).ravel()] = True
        # Next: blocks twice as long, both halves collapsed, the second joined to the first.
        halves = np.zeros(n + 1, dtype=bool)
        halves[collapsed] = True
        half, size = size, 2 * size
        parents = collapsed[(place[collapsed] % size == 0) & (collapsed + size <= n)]
        blocks = parents[halves[parents + half] & joined[parents + half]]
    return dropped


class PathOps:
    """The Cairo operations that trace each member's curves, as Manim's camera would.

    Manim's subpaths (a new one wherever a curve does not start at the previous one's
    end, closed when it ends where it started), with straight pieces as lines and
    straight runs simplified to within ``tolerance`` (see :func:`dropped_vertices`).

    Parameters
    ----------
    points : ``(4 * curves, 2)`` every member's curve points in a row (anchor, handle,
        handle, anchor per curve).
    counts : curves of each member, in order.
    tolerance : how far, in the points' units, a simplified line may stray (0 keeps
        every vertex, still drawing straight pieces as lines).
    """

    def __init__(self, points: np.ndarray, counts: list[int], tolerance: float) -> None:
        curves = np.asarray(points, dtype=float).reshape(-1, 4, 2)
        n = len(curves)
        starts, ends = curves[:, 0], curves[:, 3]
        first = np.zeros(n, dtype=bool)
        first[np.cumsum([0, *counts[:-1]]).astype(int)] = True
        split = first.copy()
        split[1:] |= ~close_2d(ends[:-1], starts[1:])
        # The last curve of each subpath, and whether its subpath closes.
        last = np.zeros(n, dtype=bool)
        last[:-1], last[-1] = split[1:], True
        subpath_starts = np.flatnonzero(split)
        closes = np.zeros(n, dtype=bool)
        closes[last] = close_2d(starts[subpath_starts], ends[last])
        straight = straight_curves(curves, 1e-3 * tolerance if tolerance > 0 else 1e-9)
        dropped = np.zeros(n, dtype=bool)
        if tolerance > 0:
            dropped = dropped_vertices(starts, ends, straight, split, tolerance)
        drawn = np.where(straight, np.where(dropped, -1, _LINE), _CURVE)
        # Three slots per curve: move to its start, draw it, close its subpath (-1: none).
        codes = np.stack([np.where(split, _MOVE, -1), drawn, np.where(closes, _CLOSE, -1)], axis=1).ravel()
        kept = codes >= 0
        codes = codes[kept]
        curve_of = np.repeat(np.arange(n), 3)[kept]
        # Runs of one operation, each run's rows a slice of that operation's list. A member
        # starts with a move and never ends with one, so no run spans two members.
        change = np.flatnonzero(np.diff(codes) != 0) + 1
        run_starts = np.concatenate([[0], change]).astype(int)
        lengths = np.diff(np.concatenate([run_starts, [len(codes)]]))
        rank = np.zeros(len(codes), dtype=int)
        for code in (_MOVE, _LINE, _CURVE):
            mine = codes == code
            rank[mine] = np.arange(mine.sum())
        low = rank[run_starts]
        self.runs = np.stack([codes[run_starts], low, low + lengths], axis=1).tolist()
        member_ops = np.searchsorted(curve_of, np.cumsum([0, *counts]))
        self.member_runs = np.searchsorted(run_starts, member_ops).tolist()
        self.rows = {
            _MOVE: starts[split].tolist(),
            _LINE: ends[drawn == _LINE].tolist(),
            _CURVE: curves[drawn == _CURVE, 1:].reshape(-1, 6).tolist(),
        }
        self.operations = len(codes)
        self._kept: dict[int, cairo.Path] = {}

    def trace(self, ctx: cairo.Context, member: int, keep: bool = False) -> None:
        """Append member ``member``'s subpaths to ``ctx``'s (empty) path.

        ``keep`` keeps Cairo's copy of the path, which later calls append in one go (for
        members drawn again unchanged, through the same matrix).
        """
        kept = self._kept.get(member)
        if kept is not None:
            ctx.append_path(kept)
            return
        calls = (ctx.move_to, ctx.line_to, ctx.curve_to)
        for code, low, high in self.runs[self.member_runs[member]:self.member_runs[member + 1]]:
            if code == _CLOSE:
                ctx.close_path()
            else:  # one C loop of calls per run
                deque(starmap(calls[code], self.rows[code][low:high]), maxlen=0)
        if keep:
            self._kept[member] = ctx.copy_path()
