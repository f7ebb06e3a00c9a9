"""Optimizers that turn gradients into parameter updates.

Each ``step(params, dW, db)`` updates the ``(W, b)`` arrays **in place** (so a
:class:`~netcore.network.Network`'s ``params`` list can be passed directly) and returns
``params``.  ``update(theta, grad)`` does the same for all parameters held in one vector
(``Network.flat`` and ``Gradients.flat``), which is what training uses: a handful of
array operations per step instead of a handful per layer.  Momentum and Adam keep
state, so use one optimizer per network and stick to one of the two methods.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

__all__ = ["Optimizer", "SGD", "Momentum", "Adam", "OPTIMIZERS", "get_optimizer", "check_lr"]

Params = list[tuple[np.ndarray, np.ndarray]]


def check_lr(lr: float) -> float:
    """Return ``lr`` as a float, or raise ValueError unless it is finite and > 0."""
    try:
        value = float(lr)
    except (TypeError, ValueError):
        raise ValueError(f"learning rate must be a number, got {lr!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"learning rate must be finite and > 0, got {lr!r}")
    return value


class Optimizer:
    """Base class: subclasses implement ``_update(key, p, g)`` for the array named ``key``."""

    name = "optimizer"

    def __init__(self, lr: float) -> None:
        self.lr = check_lr(lr)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr!r})"

    def step(self, params: Params, dW: Sequence[np.ndarray], db: Sequence[np.ndarray]) -> Params:
        """Update every ``W`` and ``b`` in place from its gradient; return ``params``."""
        self._begin()
        for l, ((W, b), gW, gb) in enumerate(zip(params, dW, db)):
            self._update(2 * l, W, gW)
            self._update(2 * l + 1, b, gb)
        return params

    def update(self, theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Update the parameter vector ``theta`` in place from ``grad``; return ``theta``."""
        self._begin()
        self._update(-1, theta, grad)
        return theta

    def _begin(self) -> None:
        """Hook run once per step (Adam counts steps for its bias correction)."""

    def _update(self, key: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError


def _state(store: dict[int, np.ndarray], key: int, like: np.ndarray) -> np.ndarray:
    state = store.get(key)
    if state is None:
        state = store[key] = np.zeros_like(like)
    return state


class SGD(Optimizer):
    """Plain gradient descent: ``p -= lr * g``."""

    name = "sgd"

    def _update(self, key: int, p: np.ndarray, g: np.ndarray) -> None:
        p -= self.lr * g


class Momentum(Optimizer):
    """Gradient descent with heavy-ball momentum: ``v = beta*v + g; p -= lr * v``."""

    name = "momentum"

    def __init__(self, lr: float, beta: float = 0.9) -> None:
        super().__init__(lr)
        self.beta = float(beta)
        self._velocity: dict[int, np.ndarray] = {}

    def _update(self, key: int, p: np.ndarray, g: np.ndarray) -> None:
        v = _state(self._velocity, key, p)
        v *= self.beta
        v += g
        p -= self.lr * v


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias-corrected first and second moments."""

    name = "adam"

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.t = 0
        self._m: dict[int, np.ndarray] = {}
        self._v: dict[int, np.ndarray] = {}

    def _begin(self) -> None:
        self.t += 1
        # Folding both bias corrections into one scalar saves two array ops per update.
        self._lr_t = self.lr * math.sqrt(1.0 - self.beta2**self.t) / (1.0 - self.beta1**self.t)
        self._eps_t = self.eps * math.sqrt(1.0 - self.beta2**self.t)

    def _update(self, key: int, p: np.ndarray, g: np.ndarray) -> None:
        m, v = _state(self._m, key, p), _state(self._v, key, p)
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)
        p -= self._lr_t * m / (np.sqrt(v) + self._eps_t)


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Momentum, Adam)}


def get_optimizer(name: str, lr: float) -> Optimizer:
    """Return a fresh optimizer ``"sgd"``, ``"momentum"`` or ``"adam"`` with learning rate ``lr``.

    Raises
    ------
    ValueError
        If the name is unknown or ``lr`` is not finite and > 0.
    """
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](lr)

