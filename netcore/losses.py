"""Losses: a value and its gradient with respect to the network's output activations.

Both take ``a`` (network output) and ``y`` (targets) of shape ``(n, n_out)`` and average
over the ``n`` examples, so the loss scale (and a good learning rate) does not depend on
how many points the function is sampled at.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Loss", "mse", "binary_cross_entropy", "LOSSES", "get_loss"]

# Keeps log() finite when a sigmoid output saturates at exactly 0 or 1.
_CLIP = 1e-12


@dataclass(frozen=True)
class Loss:
    """A named loss: ``value(a, y) -> float`` and ``grad(a, y) -> dL/da`` (shape of ``a``)."""

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _mse(a: np.ndarray, y: np.ndarray) -> float:
    # Sum over outputs, mean over examples: for one output this is the usual mean squared error.
    r = a - y
    return float(np.vdot(r, r)) / a.shape[0]


def _mse_grad(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (2.0 / a.shape[0]) * (a - y)


def _bce(a: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(a, _CLIP, 1.0 - _CLIP)
    return float(-np.sum(y * np.log(p) + (1.0 - y) * np.log1p(-p))) / a.shape[0]


def _bce_grad(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.clip(a, _CLIP, 1.0 - _CLIP)
    return (p - y) / (p * (1.0 - p) * a.shape[0])


mse = Loss("mse", _mse, _mse_grad)
binary_cross_entropy = Loss("binary_cross_entropy", _bce, _bce_grad)

LOSSES: dict[str, Loss] = {loss.name: loss for loss in (mse, binary_cross_entropy)}


def get_loss(loss: str | Loss) -> Loss:
    """Return the :class:`Loss` named ``"mse"`` or ``"binary_cross_entropy"`` (or pass one through).

    Raises
    ------
    ValueError
        If the name is unknown.
    """
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]
    raise ValueError(f"unknown loss {loss!r}; known: {', '.join(LOSSES)}")
