"""How well a fit traces its target: the share of the target's variance it explains."""

from __future__ import annotations

import numpy as np

__all__ = ["explained_variance", "GOOD_FIT"]

#: Explained variance from which a fit counts as tracing its target (the curves then
#: look alike: sin(3x) + 0.3 sin(9x) with 12 neurons explains 99.99%, sin(20x) with 2, 0%).
GOOD_FIT = 0.95


def explained_variance(outputs: np.ndarray, target: np.ndarray) -> float:
    """``1 - mean((outputs - target)**2) / var(target)`` over the points both are given on.

    1 for a perfect fit, 0 for a flat line at the target's mean, negative for worse.
    A constant target has no variance: the score is then 1 if the fit equals it, else
    ``-inf``.

    Examples
    --------
    >>> explained_variance(np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0]))
    1.0
    """
    outputs, target = np.asarray(outputs, float).ravel(), np.asarray(target, float).ravel()
    if outputs.shape != target.shape:
        raise ValueError(f"outputs {outputs.shape} and target {target.shape} differ in shape")
    error = float(np.mean((outputs - target) ** 2))
    variance = float(np.var(target))
    if variance == 0:
        return 1.0 if error == 0 else float("-inf")
    return 1.0 - error / variance
