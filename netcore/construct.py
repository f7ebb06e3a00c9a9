"""Hand-built networks: the constructive side of universal approximation.

- :func:`step_neuron`: one neuron whose output steps from 0 to 1 at ``x = position``.
- :func:`superposition`: two step neurons added by a linear output neuron.
- :func:`bumps`: ``n`` pairs of steep sigmoid neurons, each pair a rectangular bump, that
  together approximate any continuous ``f`` on an interval.

A neuron ``g(w*x + b)`` switches where ``w*x + b = 0``, that is at ``x = -b / w``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .activations import Activation
from .network import Network

__all__ = ["approximation_error", "step_position", "step_neuron", "superposition", "bumps", "BUMP_SHARPNESS"]

#: Default bump steepness is ``BUMP_SHARPNESS / bin_width``: a sigmoid is within 1% of
#: 0 or 1 once ``|w (x - edge)| > 4.6``, i.e. within 5% of a bin's width from its edge.
BUMP_SHARPNESS = 100.0
#: ``w (x - edge)`` past which a sigmoid is within 0.25% of its plateau (sigmoid(6) = 0.9975).
_PLATEAU = 6.0


def approximation_error(
    network: Network,
    f: Callable[[np.ndarray], np.ndarray],
    interval: tuple[float, float],
    points: int = 1001,
) -> float:
    """Largest ``|network(x) - f(x)|`` over ``points`` evenly spaced x in ``interval``."""
    xs = np.linspace(float(interval[0]), float(interval[1]), points)
    return float(np.max(np.abs(network.predict(xs)[:, 0] - f(xs))))


def step_position(w: float, b: float) -> float:
    """Where a neuron ``g(w*x + b)`` with one input switches: ``w*x + b = 0``, so ``x = -b/w``.

    Raises
    ------
    ValueError
        If ``w`` is 0: the neuron is then a constant and never switches.
    """
    if w == 0:
        raise ValueError("a neuron with weight w = 0 is constant: it has no step")
    return -float(b) / float(w)


def step_neuron(position: float = 0.0, steepness: float | None = None) -> Network:
    """A ``[1, 1]`` network (one neuron) whose output steps from 0 to 1 at ``position``.

    With ``steepness=None`` the neuron uses the true step activation (``w = 1``), which
    fires 1 for ``x >= position``; otherwise a sigmoid with weight ``w = steepness``
    (steeper means a sharper step, always 0.5 at ``position``).
    """
    w = 1.0 if steepness is None else float(steepness)
    net = Network([1, 1], output_activation="step" if steepness is None else "sigmoid")
    net.set_params([(np.array([[w]]), np.array([-w * float(position)]))])
    return net


def superposition(
    w11: float,
    w21: float,
    b1: float = 1.0,
    b2: float = -1.0,
    w1: float = 1.0,
    w2: float = 1.0,
    activation: str | Activation = "step",
    output_bias: float = 0.0,
) -> Network:
    """Two hidden neurons summed by a linear output neuron: a ``[1, 2, 1]`` network.

    The output is exactly ``w11*g(w1*x + b1) + w21*g(w2*x + b2) + output_bias``.  With the
    defaults the two steps sit at ``x = -b1/w1 = -1`` and ``x = -b2/w2 = 1``, so e.g.
    ``superposition(1.5, -0.5)`` is 0 left of -1, 1.5 in between and 1.0 right of 1.

    Parameters
    ----------
    w11, w21
        Output weights from hidden neuron 1 and 2 to the output neuron.
    b1, b2, w1, w2
        Hidden biases and input weights.
    activation
        Hidden activation (``"step"`` by default; ``"sigmoid"`` for soft steps).
    output_bias
        Bias of the (linear) output neuron.
    """
    net = Network([1, 2, 1], activation=activation, output_activation="linear")
    net.set_params([
        (np.array([[w1, w2]], dtype=np.float64), np.array([b1, b2], dtype=np.float64)),
        (np.array([[w11], [w21]], dtype=np.float64), np.array([output_bias], dtype=np.float64)),
    ])
    return net


def bumps(
    f: Callable[[np.ndarray], np.ndarray],
    n: int,
    interval: tuple[float, float] = (0.0, 1.0),
    steepness: float | None = None,
) -> Network:
    """Approximate ``f`` on ``interval`` by ``n`` rectangular bumps: a ``[1, 2n, 1]`` network.

    The interval is cut into ``n`` equal bins.  Pair ``i`` (hidden neurons ``2i`` and
    ``2i+1``) steps up at the bin's left edge and down at its right edge, both with output
    weight ``±f(midpoint_i)``, so it adds a bump of that height over bin ``i``.  Between
    bins the down-step of one bump and the up-step of the next hand over smoothly.  The
    outermost two steps sit just outside the interval (where a sigmoid is within 0.25% of
    its plateau), so the ends get whole bumps rather than half ones.

    Parameters
    ----------
    f
        Vectorised function of a float64 array (e.g. from :func:`netcore.parse_target`).
    n
        Number of bumps (>= 1).
    interval
        ``(low, high)`` with ``low < high``.
    steepness
        Weight of every hidden neuron; defaults to ``BUMP_SHARPNESS / bin_width``.
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    low, high = (float(v) for v in interval)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"interval must be finite with low < high, got {interval!r}")
    edges = np.linspace(low, high, n + 1)
    k = BUMP_SHARPNESS * n / (high - low) if steepness is None else float(steepness)
    heights = np.broadcast_to(np.asarray(f(0.5 * (edges[:-1] + edges[1:])), dtype=np.float64), (n,))
    # Interleave per pair: (up at left edge, down at right edge).
    thresholds = np.column_stack([edges[:-1], edges[1:]]).ravel()
    thresholds[[0, -1]] += np.array([-1.0, 1.0]) * _PLATEAU / k
    out = np.column_stack([heights, -heights]).ravel()
    net = Network([1, 2 * n, 1], activation="sigmoid", output_activation="linear")
    net.set_params([
        (np.full((1, 2 * n), k), -k * thresholds),
        (out.reshape(-1, 1), np.zeros(1)),
    ])
    return net
