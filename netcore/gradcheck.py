"""Check backpropagation against central finite differences."""
from __future__ import annotations

import numpy as np

from .losses import Loss, get_loss
from .network import Network

__all__ = ["gradcheck", "GRADCHECK_FLOOR"]

#: Denominator floor of the relative error: a central difference of a loss ~1 carries
#: round-off near 1e-10, so gradients far below this are compared absolutely instead.
GRADCHECK_FLOOR = 1e-4


def gradcheck(network: Network, x: np.ndarray, y: np.ndarray, loss: str | Loss = "mse",
              eps: float = 1e-5) -> float:
    """Largest relative error between backprop and finite-difference gradients.

    Every weight and bias ``p`` is nudged by ``±eps`` to get
    ``n = (L(p + eps) - L(p - eps)) / (2 eps)``, compared with the analytic ``a`` as
    ``|a - n| / max(|a| + |n|, GRADCHECK_FLOOR)``.  The network is left unchanged.
    The default ``eps`` balances truncation error (~eps**2) against round-off
    (~1e-16 / eps); at 1e-6 round-off alone can reach 1e-6 relative.

    Returns
    -------
    float
        The maximum over all parameters (about 1e-8 or less when backprop is right).
    """
    loss = get_loss(loss)
    grads = network.gradients(x, y, loss)
    probe = network.copy()
    worst = 0.0
    for l, (W, b) in enumerate(probe.params):
        for p, analytic in ((W, grads.dW[l]), (b, grads.db[l])):
            for i in np.ndindex(p.shape):
                saved = p[i]
                p[i] = saved + eps
                up = probe.gradients(x, y, loss).loss
                p[i] = saved - eps
                down = probe.gradients(x, y, loss).loss
                p[i] = saved
                numeric = (up - down) / (2 * eps)
                a = analytic[i]
                worst = max(worst, abs(a - numeric) / max(abs(a) + abs(numeric), GRADCHECK_FLOOR))
    return worst
