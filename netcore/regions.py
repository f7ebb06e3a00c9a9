"""Hand-built networks on the plane: stripes, towers and shapes covered by towers.

The 2-D counterpart of :func:`netcore.construct.bumps`.  A steep sigmoid neuron of one
input coordinate is a step across the plane; two of them, one subtracted, make a
**stripe** (1 inside a band of x1 or of x2, 0 outside).  An x1-stripe plus an x2-stripe
is a plateau: 2 where they cross, 1 along either stripe alone, 0 elsewhere.  An output
neuron with bias ``-TOWER_THRESHOLD`` (1.5) and a step activation keeps only the
crossing: a **tower**, 1 inside a rectangle and 0 outside.  Towers over the cells of a
grid, one per cell whose centre lies in a shape, together cover that shape.

A neuron ``g(w1*x1 + w2*x2 + b)`` with ``w2 = 0`` switches where ``x1 = -b / w1``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .network import Network
from .plane import plane_grid, plane_values

__all__ = ["stripe", "tower", "towers", "disc", "coverage_error", "REGION_SHARPNESS", "TOWER_THRESHOLD",
           "TOWER_STEEPNESS", "TOWER_OVERLAP"]

Shape = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: Default steepness of an edge neuron is ``REGION_SHARPNESS / width`` of its band (as
#: for bumps): a sigmoid is within 1% of 0 or 1 within 5% of the width from the edge.
REGION_SHARPNESS = 100.0
#: A tower's output neuron fires where the two stripes sum to more than this: only where
#: both are on (2), not along one alone (1).
TOWER_THRESHOLD = 1.5
#: Weight scale of the tower neurons in :func:`towers`, which share one activation with
#: the edge neurons (sigmoid): sigmoid(25) and sigmoid(-25) are 0 and 1 within 2e-11.
TOWER_STEEPNESS = 50.0
#: How far (in units of ``1 / sharpness``) each of :func:`towers`' stripes reaches past
#: its cell: there the stripe is still above sigmoid(3) = 0.95, so neighbours overlap.
TOWER_OVERLAP = 3.0


def _band(band: tuple[float, float], name: str) -> tuple[float, float]:
    low, high = (float(v) for v in band)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be finite with low < high, got {band!r}")
    return low, high


def _steepness(sharpness: float | None, width: float) -> float:
    k = REGION_SHARPNESS / width if sharpness is None else float(sharpness)
    if not (np.isfinite(k) and k > 0):
        raise ValueError(f"sharpness must be finite and > 0, got {sharpness!r}")
    return k


def _edges(axis: int, positions: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """Input weights ``(2, m)`` and biases ``(m,)`` of neurons stepping up at ``positions``
    along input ``axis`` (0 for x1, 1 for x2)."""
    W = np.zeros((2, len(positions)))
    W[axis] = k
    return W, -k * np.asarray(positions, dtype=np.float64)


def stripe(axis: int, low: float, high: float, sharpness: float | None = None) -> Network:
    """A band of x1 (``axis=0``) or x2 (``axis=1``): a ``[2, 2, 1]`` network.

    Hidden neuron 0 steps up at ``low``, neuron 1 at ``high``; the linear output is their
    difference, 1 inside ``low < x < high`` and 0 outside.  ``sharpness`` is the neurons'
    weight (default ``REGION_SHARPNESS / (high - low)``).
    """
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 (x1) or 1 (x2), got {axis!r}")
    low, high = _band((low, high), "the band")
    W, b = _edges(axis, np.array([low, high]), _steepness(sharpness, high - low))
    net = Network([2, 2, 1], activation="sigmoid", output_activation="linear")
    net.set_params([(W, b), (np.array([[1.0], [-1.0]]), np.zeros(1))])
    return net


def tower(x_band: tuple[float, float], y_band: tuple[float, float], sharpness: float | None = None) -> Network:
    """1 inside the rectangle ``x_band × y_band``, 0 outside: a ``[2, 4, 1]`` network.

    Hidden neurons 0-1 are the x1-stripe's edges and 2-3 the x2-stripe's (as
    :func:`stripe`); the output neuron adds the two stripes (weights +1, -1, +1, -1), so
    its weighted input plus ``TOWER_THRESHOLD`` is the plateau, and its step activation
    with bias ``-TOWER_THRESHOLD`` keeps where both stripes are on.
    """
    (x_low, x_high), (y_low, y_high) = _band(x_band, "x_band"), _band(y_band, "y_band")
    Wx, bx = _edges(0, np.array([x_low, x_high]), _steepness(sharpness, x_high - x_low))
    Wy, by = _edges(1, np.array([y_low, y_high]), _steepness(sharpness, y_high - y_low))
    net = Network([2, 4, 1], activation="sigmoid", output_activation="step")
    net.set_params([
        (np.hstack([Wx, Wy]), np.concatenate([bx, by])),
        (np.array([[1.0], [-1.0], [1.0], [-1.0]]), np.array([-TOWER_THRESHOLD])),
    ])
    return net


def disc(radius: float = 0.75, centre: tuple[float, float] = (0.0, 0.0)) -> Shape:
    """The shape ``inside(x1, x2)``: True within ``radius`` of ``centre`` (vectorised)."""
    radius, (c1, c2) = float(radius), (float(v) for v in centre)
    if not (np.isfinite(radius) and radius > 0 and np.isfinite(c1) and np.isfinite(c2)):
        raise ValueError(f"a disc needs a finite radius > 0 and a finite centre, got {radius!r}, {centre!r}")

    def inside(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
        return (np.asarray(x1) - c1) ** 2 + (np.asarray(x2) - c2) ** 2 <= radius**2

    return inside


def towers(
    shape: Shape | np.ndarray,
    n: int,
    interval: tuple[float, float] = (-1.0, 1.0),
    sharpness: float | None = None,
) -> Network:
    """Cover a shape with towers on an ``n × n`` grid of cells: a ``[2, 4n, m, 1]`` network.

    Layer 1 holds a stripe's two edge neurons per column of cells (x1), then per row (x2);
    layer 2 one tower neuron per covered cell (row by row, x2 rising, then x1), which adds
    its column's and its row's stripe and fires above ``TOWER_THRESHOLD`` (a sigmoid
    scaled by ``TOWER_STEEPNESS``: both hidden layers share one activation).  The output
    neuron is a step that fires where at least one tower stands.  Each stripe reaches
    ``TOWER_OVERLAP / sharpness`` past its cell, so neighbouring towers overlap: where
    four cells meet, towers that only touched would all be half on and leave a hole.

    Parameters
    ----------
    shape
        ``inside(x1, x2) -> bool array``: a cell is covered if its centre is inside; or a
        boolean mask ``(n, n)`` of the covered cells, ``mask[k, i]`` for the cell in row
        ``k`` of x2 and column ``i`` of x1.
    n
        Cells per side (1 to 256).
    interval
        ``(low, high)`` of both x1 and x2.
    sharpness
        Weight of every edge neuron; defaults to ``REGION_SHARPNESS / cell width``.

    Raises
    ------
    ValueError
        For bad arguments, or if the shape covers no cell.
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not 1 <= n <= 256:
        raise ValueError(f"n must be an int from 1 to 256, got {n!r}")
    low, high = _band(interval, "interval")
    edges = np.linspace(low, high, n + 1)
    if callable(shape):
        centres = (edges[:-1] + edges[1:]) / 2
        covered = np.broadcast_to(np.asarray(shape(centres[None, :], centres[:, None]), dtype=bool), (n, n))
    else:
        covered = np.asarray(shape)
        if covered.dtype != bool or covered.shape != (n, n):
            raise ValueError(f"a mask must be a bool array of shape ({n}, {n}), got {covered.dtype} {covered.shape}")
    rows, columns = np.nonzero(covered)
    if len(rows) == 0:
        raise ValueError(f"the shape covers no cell of the {n} x {n} grid")
    k = _steepness(sharpness, (high - low) / n)
    # Per cell: up at its low edge, down at its high edge, each moved out by the overlap.
    steps = np.column_stack([edges[:-1] - TOWER_OVERLAP / k, edges[1:] + TOWER_OVERLAP / k]).ravel()
    Wx, bx = _edges(0, steps, k)
    Wy, by = _edges(1, steps, k)
    W2, t = np.zeros((4 * n, len(rows))), np.arange(len(rows))
    W2[2 * columns, t], W2[2 * columns + 1, t] = 1.0, -1.0
    W2[2 * n + 2 * rows, t], W2[2 * n + 2 * rows + 1, t] = 1.0, -1.0
    net = Network([2, 4 * n, len(rows), 1], activation="sigmoid", output_activation="step")
    net.set_params([
        (np.hstack([Wx, Wy]), np.concatenate([bx, by])),
        (TOWER_STEEPNESS * W2, np.full(len(rows), -TOWER_STEEPNESS * TOWER_THRESHOLD)),
        # A point inside overlapping towers sums to 2 or 4; it still counts once.
        (np.ones((len(rows), 1)), np.array([-0.5])),
    ])
    return net


def coverage_error(
    network: Network,
    shape: Shape,
    grid: int = 201,
    interval: tuple[float, float] = (-1.0, 1.0),
) -> float:
    """Mean ``|network - shape|`` over a ``grid × grid`` grid of pixel centres of the square.

    With ``shape`` read as 1 inside and 0 outside; for a network whose output is 0 or 1
    this is the fraction of the square's area where the two disagree.
    """
    low, high = _band(interval, "interval")
    x1, x2 = plane_grid((low, high), (low, high), points=grid)
    inside = np.asarray(shape(x1[None, :], x2[:, None]), dtype=np.float64)
    return float(np.mean(np.abs(plane_values(network, x1, x2).output - inside)))
