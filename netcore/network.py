"""A fully connected feed-forward network with backpropagation, in plain numpy.

Shapes, for a batch of ``n`` examples and layer ``l`` mapping ``n_in -> n_out`` neurons::

    W[l]  (n_in, n_out)      b[l]  (n_out,)
    z[l] = a[l] @ W[l] + b[l]             (n, n_out)   weighted inputs
    a[l+1] = g(z[l])                      (n, n_out)   activations, a[0] = x

Hidden layers use ``activation``; the last layer uses ``output_activation``.  The loss
is averaged over the ``n`` examples (see :mod:`netcore.losses`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .activations import Activation, get_activation
from .losses import Loss, get_loss

__all__ = ["Network", "Forward", "Gradients"]

Params = list[tuple[np.ndarray, np.ndarray]]


@dataclass
class Forward:
    """Everything a forward pass computes.

    ``zs[l]`` is layer ``l``'s weighted input, shape ``(n, n_out)``; ``activations[0]``
    is the input ``(n, n_in)`` and ``activations[l + 1] = g(zs[l])``.
    """

    zs: list[np.ndarray]
    activations: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        """The network's output, shape ``(n, n_out)``."""
        return self.activations[-1]


@dataclass
class Gradients:
    """Gradients of the loss and the per-neuron error terms of one backward pass.

    ``dW[l]``, ``db[l]`` have the shapes of ``W[l]``, ``b[l]``; ``deltas[l]`` is
    dL/dz for every example and neuron of layer ``l``, shape ``(n, n_out)``, and
    ``activation_grads[l]`` is dL/da for the same neurons (the error arriving from the
    layer above, before the activation's slope), so ``deltas[l] = activation_grads[l] * g'(z)``.  ``flat``
    holds all of ``dW`` and ``db`` (they are views into it), laid out like
    :attr:`Network.flat`.
    """

    dW: list[np.ndarray]
    db: list[np.ndarray]
    deltas: list[np.ndarray]
    activation_grads: list[np.ndarray]
    loss: float
    forward: Forward
    flat: np.ndarray


def _check_sizes(layer_sizes: Sequence[int]) -> tuple[int, ...]:
    try:
        sizes = list(layer_sizes)
    except TypeError:
        raise ValueError(f"layer_sizes must be a list of positive ints, got {layer_sizes!r}") from None
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs at least 2 layers (inputs and outputs), got {sizes!r}")
    for size in sizes:
        # bool is an int subclass, but [1, True, 1] is surely a mistake.
        if not isinstance(size, (int, np.integer)) or isinstance(size, (bool, np.bool_)) or size < 1:
            raise ValueError(f"layer sizes must be positive ints, got {size!r} in {sizes!r}")
    return tuple(int(size) for size in sizes)


def _derivative(g: Activation, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """g'(z), computed from ``a = g(z)`` when ``g`` allows (cheaper)."""
    return g.df_a(a) if g.df_a is not None else g.df(z)


class Network:
    """A feed-forward network: ``Network([1, 16, 1], activation="sigmoid")``.

    Parameters
    ----------
    layer_sizes
        Neurons per layer, inputs first, e.g. ``[1, 16, 1]``.
    activation
        Hidden-layer activation name or :class:`~netcore.activations.Activation`.
    output_activation
        Output-layer activation (``"linear"`` for regression).
    seed
        Seed of ``np.random.default_rng`` that draws the initial weights.

    Attributes
    ----------
    params : list of (W, b)
        ``W`` of shape ``(n_in, n_out)``, ``b`` of shape ``(n_out,)``, float64.  They are
        views into ``flat``: update them in place or with :meth:`set_params`.
    flat : np.ndarray
        All parameters in one vector, layer by layer (``W`` row-major, then ``b``).
    layer_sizes, activation, output_activation, seed
        As given (sizes as a tuple, activations as :class:`Activation` objects).
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str | Activation = "sigmoid",
        output_activation: str | Activation = "linear",
        seed: int | None = 0,
    ) -> None:
        self.layer_sizes = _check_sizes(layer_sizes)
        self.activation = get_activation(activation)
        self.output_activation = get_activation(output_activation)
        self.seed = seed
        shapes = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))
        # Every parameter lives in the one vector `flat` and `params` holds (W, b) views
        # into it, so an optimizer can update the whole network in a few array operations.
        self._layout, start = [], 0
        for n_in, n_out in shapes:
            w_end = start + n_in * n_out
            self._layout.append((slice(start, w_end), (n_in, n_out), slice(w_end, w_end + n_out)))
            start = w_end + n_out
        self.flat = np.empty(start)
        self.params: Params = self._views(self.flat)
        rng = np.random.default_rng(seed)
        # Glorot-uniform weights keep early activations away from saturation; small
        # random biases spread the neurons' thresholds so they do not all start alike.
        for (n_in, n_out), (W, b) in zip(shapes, self.params):
            limit = np.sqrt(6.0 / (n_in + n_out))
            W[...] = rng.uniform(-limit, limit, size=(n_in, n_out))
            b[...] = rng.uniform(-1.0, 1.0, size=n_out)

    def _views(self, buffer: np.ndarray) -> Params:
        """Split a vector laid out like ``flat`` into per-layer ``(W, b)`` views."""
        return [(buffer[w].reshape(shape), buffer[b]) for w, shape, b in self._layout]

    def __repr__(self) -> str:
        return (f"Network({list(self.layer_sizes)}, activation={self.activation.name!r}, "
                f"output_activation={self.output_activation.name!r}, seed={self.seed!r})")

    def copy(self) -> Network:
        """Return an independent copy (same sizes, activations, seed and parameters)."""
        clone = Network(self.layer_sizes, self.activation, self.output_activation, self.seed)
        clone.set_params(self.params)
        return clone

    def set_params(self, params: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        """Copy ``params`` (a list of ``(W, b)``) into this network's parameters.

        Raises
        ------
        ValueError
            If the number of layers or any shape differs from this network's.
        """
        params = list(params)
        if len(params) != len(self.params):
            raise ValueError(f"expected {len(self.params)} (W, b) pairs, got {len(params)}")
        arrays = [(np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)) for W, b in params]
        for l, ((W, b), (W_old, b_old)) in enumerate(zip(arrays, self.params)):
            if W.shape != W_old.shape or b.shape != b_old.shape:
                raise ValueError(f"layer {l}: expected W {W_old.shape} and b {b_old.shape}, "
                                 f"got W {W.shape} and b {b.shape}")
        for (W, b), (W_old, b_old) in zip(arrays, self.params):
            W_old[...], b_old[...] = W, b

    def _as_batch(self, a: np.ndarray, width: int, what: str) -> np.ndarray:
        a = np.asarray(a, dtype=np.float64)
        if a.ndim == 1 and width == 1:
            a = a.reshape(-1, 1)
        if a.ndim != 2 or a.shape[1] != width:
            raise ValueError(f"{what} must have shape (n, {width}), got {a.shape}")
        return a

    def _forward(self, x: np.ndarray) -> Forward:
        zs, activations = [], [x]
        gs = [self.activation] * (len(self.params) - 1) + [self.output_activation]
        for (W, b), g in zip(self.params, gs):
            z = activations[-1] @ W
            z += b
            zs.append(z)
            activations.append(g.f(z))
        return Forward(zs, activations)

    def backprop(self, x: np.ndarray, y: np.ndarray, loss: Loss) -> Gradients:
        """Backpropagate ``loss`` for a batch, trusting the caller's shapes (no checks).

        The unchecked core of :meth:`gradients`, for loops that run it thousands of times
        on data they validated once (training).  ``x`` must be a float64 array
        ``(n, n_in)``, ``y`` ``(n, n_out)`` and ``loss`` a :class:`~netcore.losses.Loss`;
        anything else gives wrong numbers or numpy's errors, not ours.

        Returns
        -------
        Gradients
            As :meth:`gradients`.
        """
        fwd = self._forward(x)
        flat = np.empty_like(self.flat)
        grads = self._views(flat)
        errors, deltas = [], []
        error = loss.grad(fwd.output, y)
        for l in range(len(self.params) - 1, -1, -1):
            g = self.output_activation if l == len(self.params) - 1 else self.activation
            delta = error * _derivative(g, fwd.zs[l], fwd.activations[l + 1])
            errors.append(error)
            deltas.append(delta)
            np.matmul(fwd.activations[l].T, delta, out=grads[l][0])
            np.add.reduce(delta, axis=0, out=grads[l][1])
            if l:
                error = delta @ self.params[l][0].T
        return Gradients([dW for dW, _ in grads], [db for _, db in grads], deltas[::-1],
                         errors[::-1], loss.value(fwd.output, y), fwd, flat)

    def forward(self, x: np.ndarray) -> Forward:
        """Run the network on ``x`` of shape ``(n, n_in)`` (or ``(n,)`` when ``n_in == 1``)."""
        return self._forward(self._as_batch(x, self.layer_sizes[0], "x"))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the output, shape ``(n, n_out)``."""
        return self.forward(x).output

    def gradients(self, x: np.ndarray, y: np.ndarray, loss: str | Loss = "mse") -> Gradients:
        """Backpropagate the loss of predicting ``y`` (``(n, n_out)``) from ``x``.

        Returns
        -------
        Gradients
            ``dW``, ``db`` per layer, the deltas dL/dz, the loss and the forward pass.
        """
        x = self._as_batch(x, self.layer_sizes[0], "x")
        y = self._as_batch(y, self.layer_sizes[-1], "y")
        if len(x) != len(y):
            raise ValueError(f"x and y must have the same number of examples, got {len(x)} and {len(y)}")
        return self.backprop(x, y, get_loss(loss))

    def hidden_contributions(self, x: np.ndarray) -> np.ndarray:
        """Each hidden neuron's share of the output neuron's weighted input.

        For a network with one hidden layer and one output, row ``j`` is
        ``W_out[j, 0] * a_hidden[:, j]``; the rows plus the output bias sum to the output
        neuron's ``z`` (the superposition the videos draw).

        Returns
        -------
        np.ndarray
            Shape ``(n_hidden, n)``.

        Raises
        ------
        ValueError
            If the network does not have exactly one hidden layer and one output.
        """
        if len(self.layer_sizes) != 3 or self.layer_sizes[-1] != 1:
            raise ValueError("hidden_contributions needs exactly one hidden layer and one output, "
                             f"got layer sizes {list(self.layer_sizes)}")
        hidden = self.forward(x).activations[1]
        return (hidden * self.params[1][0][:, 0]).T
