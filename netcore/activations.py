"""Activation functions, each bundled with its derivative.

A neuron computes ``a = g(z)`` of its weighted input ``z``; backpropagation needs
``g'(z)`` too, so each activation is a small frozen :class:`Activation` holding both.
All functions are vectorised and return float64 arrays of the same shape as ``z``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Activation", "step", "sigmoid", "tanh", "relu", "linear", "ACTIVATIONS", "get_activation"]

ArrayFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Activation:
    """A named activation ``f`` with its derivative ``df`` (both elementwise).

    ``df_a``, if given, is the same derivative written in terms of the activation
    ``a = f(z)``; backpropagation already holds ``a``, so this saves recomputing ``f``.
    """

    name: str
    f: ArrayFn
    df: ArrayFn
    df_a: ArrayFn | None = None

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.f(z)


def _step(z: np.ndarray) -> np.ndarray:
    # Convention: the neuron fires at the threshold itself (z == 0 gives 1), so a step
    # at x = s built as w*x + b with b = -w*s is "on" from s onwards.
    return (np.asarray(z) >= 0).astype(np.float64)


def _step_df(z: np.ndarray) -> np.ndarray:
    # Zero almost everywhere (undefined at 0): no gradient flows through a step, which is
    # why a network that learns uses a smooth activation (a steep sigmoid looks like a step).
    return np.zeros(np.shape(z))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # The tanh form never evaluates exp of a large positive number, so it neither
    # overflows nor warns for large |z|, and it is exactly 0.5 at z = 0.
    s = np.tanh(0.5 * np.asarray(z, dtype=np.float64))
    s *= 0.5
    s += 0.5
    return s


def _sigmoid_df_a(a: np.ndarray) -> np.ndarray:
    return a * (1.0 - a)


def _sigmoid_df(z: np.ndarray) -> np.ndarray:
    return _sigmoid_df_a(_sigmoid(z))


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(np.asarray(z, dtype=np.float64))


def _tanh_df_a(a: np.ndarray) -> np.ndarray:
    return 1.0 - a * a


def _tanh_df(z: np.ndarray) -> np.ndarray:
    return _tanh_df_a(_tanh(z))


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def _relu_df(z: np.ndarray) -> np.ndarray:
    # Takes the derivative at the kink z == 0 to be 0 (any value in [0, 1] is a subgradient).
    return (np.asarray(z) > 0).astype(np.float64)


def _linear(z: np.ndarray) -> np.ndarray:
    return np.asarray(z, dtype=np.float64)


def _linear_df(z: np.ndarray) -> np.ndarray:
    return np.ones(np.shape(z))


# For step, relu and linear the derivative's formula in z works unchanged on a = f(z).
step = Activation("step", _step, _step_df, _step_df)
sigmoid = Activation("sigmoid", _sigmoid, _sigmoid_df, _sigmoid_df_a)
tanh = Activation("tanh", _tanh, _tanh_df, _tanh_df_a)
relu = Activation("relu", _relu, _relu_df, _relu_df)
linear = Activation("linear", _linear, _linear_df, _linear_df)

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (step, sigmoid, tanh, relu, linear)}


def get_activation(activation: str | Activation) -> Activation:
    """Return the :class:`Activation` for a name such as ``"sigmoid"`` (or pass one through).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(f"unknown activation {activation!r}; known: {', '.join(ACTIVATIONS)}")
