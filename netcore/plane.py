"""A 2-input network evaluated over a grid on the plane, fast enough for every video frame.

``plane_values(network, x1, x2)`` returns the network's output at every grid point
``(x1[i], x2[k])`` as an image-like array ``output[k, i]`` (rows follow ``x2``, columns
``x1``), and the activation of every first-layer neuron on the same grid, which is the
half-plane that neuron carves; ``plane_forward`` gives every layer's ``z`` and activation.  ``plane_extent`` and ``plane_grid`` choose the region and
the grid for a set of points.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .network import Network

__all__ = ["PlaneValues", "PlaneForward", "plane_values", "plane_forward", "plane_extent", "plane_grid", "PLANE_GRID"]

#: Grid points along the wider side of the plane: an image the scene scales up smoothly.
PLANE_GRID = 100


class PlaneValues(NamedTuple):
    """A network over a grid: ``output`` ``(G2, G1)`` and ``hidden`` ``(H, G2, G1)``.

    ``hidden[j]`` is neuron ``j`` of the first layer after the input (the first hidden
    layer; empty, ``H = 0``, for a network without hidden layers).
    """

    output: np.ndarray
    hidden: np.ndarray


class PlaneForward(NamedTuple):
    """Every layer over a grid: ``zs[l]`` and ``activations[l + 1]`` of shape ``(n_out, G2, G1)``."""

    zs: list[np.ndarray]
    activations: list[np.ndarray]


def plane_forward(network: Network, x1: np.ndarray, x2: np.ndarray) -> PlaneForward:
    """Every layer of a 2-input network on the grid ``x1 × x2``: ``zs`` and ``activations``.

    ``zs[l]`` is layer ``l``'s weighted input and ``activations[l + 1] = g(zs[l])``, each of
    shape ``(n_out, G2, G1)``; ``activations[0]`` holds the inputs ``(2, G2, G1)``.  The
    points run along the columns so that every layer is one matrix product and nothing
    is transposed.  The numbers are ``network.forward``'s on the same points up to the
    last bit of rounding (the products are summed in another order).

    Raises
    ------
    ValueError
        If the network does not have 2 inputs or ``x1``/``x2`` are not 1-D.
    """
    if network.layer_sizes[0] != 2:
        raise ValueError(f"the plane needs a network with 2 inputs, got layer sizes {list(network.layer_sizes)}")
    x1, x2 = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"x1 and x2 must be 1-D, got shapes {x1.shape} and {x2.shape}")
    shape = (len(x2), len(x1))
    a = np.empty((2, x2.size * x1.size))
    a[0].reshape(shape)[...] = x1
    a[1].reshape(shape)[...] = x2[:, None]
    zs, activations = [], [a.reshape(2, *shape)]
    last = len(network.params) - 1
    for l, (W, b) in enumerate(network.params):
        z = W.T @ a
        z += b[:, None]
        a = (network.output_activation if l == last else network.activation).f(z)
        zs.append(z.reshape(-1, *shape))
        activations.append(a.reshape(-1, *shape))
    return PlaneForward(zs, activations)


def plane_values(network: Network, x1: np.ndarray, x2: np.ndarray) -> PlaneValues:
    """A ``[2, ..., 1]`` network's output and first-layer activations on the grid ``x1 × x2``.

    Parameters
    ----------
    network
        A network with 2 inputs and 1 output.
    x1, x2
        1-D arrays of ``G1`` and ``G2`` coordinates.

    Returns
    -------
    PlaneValues
        ``output[k, i]`` is the output at ``(x1[i], x2[k])``; ``hidden[j, k, i]`` the
        activation of first-layer neuron ``j`` there.

    Raises
    ------
    ValueError
        If the network is not 2-in, 1-out or ``x1``/``x2`` are not 1-D.
    """
    if network.layer_sizes[0] != 2 or network.layer_sizes[-1] != 1:
        raise ValueError(f"plane_values needs a network with 2 inputs and 1 output, "
                         f"got layer sizes {list(network.layer_sizes)}")
    a = plane_forward(network, x1, x2).activations
    hidden = a[1] if len(a) > 2 else np.empty((0, *a[-1].shape[1:]))
    return PlaneValues(a[-1][0], hidden)


def plane_extent(x: np.ndarray, margin: float = 0.05) -> tuple[tuple[float, float], tuple[float, float]]:
    """A square region ``((low1, high1), (low2, high2))`` that shows every point of ``x``.

    The points' bounding box grows by ``margin`` times its larger side on each side; both
    axes get that larger side, so circles stay round.  Points that fit the unit square
    (every netcore data set) share the region ``[-1, 1]^2``, grown only as far as noise
    carries a point past it.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) == 0 or not np.isfinite(x).all():
        raise ValueError(f"x must be finite points of shape (n, 2), got shape {x.shape}")
    low, high = x.min(axis=0), x.max(axis=0)
    if np.all(low >= -1.5) and np.all(high <= 1.5):
        low, high = np.minimum(low, -1.0), np.maximum(high, 1.0)
    side = float(np.max(high - low)) or 1.0
    centre = (low + high) / 2
    half = side * (0.5 + margin)
    return (float(centre[0] - half), float(centre[0] + half)), (float(centre[1] - half), float(centre[1] + half))


def plane_grid(range1: tuple[float, float], range2: tuple[float, float],
               points: int = PLANE_GRID) -> tuple[np.ndarray, np.ndarray]:
    """Grid coordinates ``(x1, x2)`` at the centres of an image's pixels over the region.

    The wider side gets ``points`` pixels and the other side as many as keep them square,
    so an image of ``plane_values`` drawn over exactly ``range1 × range2`` lines up.
    """
    (low1, high1), (low2, high2) = (tuple(map(float, r)) for r in (range1, range2))
    if not all(np.isfinite([low1, high1, low2, high2])) or not (low1 < high1 and low2 < high2):
        raise ValueError(f"ranges must be finite with low < high, got {range1!r} and {range2!r}")
    if not isinstance(points, (int, np.integer)) or isinstance(points, bool) or not 2 <= points <= 4096:
        raise ValueError(f"points must be an int from 2 to 4096, got {points!r}")
    pixel = max(high1 - low1, high2 - low2) / points
    counts = [max(2, round((high - low) / pixel)) for low, high in ((low1, high1), (low2, high2))]
    return tuple(low + (np.arange(n) + 0.5) * (high - low) / n
                 for (low, high), n in zip(((low1, high1), (low2, high2)), counts))
