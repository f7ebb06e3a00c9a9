"""Every number the backpropagation scene shows, taken from netcore in one place.

No Manim here: :func:`backprop_numbers` runs netcore (one forward and backward
pass, then SGD training with a frame per step) and returns a plain
:class:`BackpropNumbers`, which the scene draws and the tests check against
finite differences. :func:`shown` is the one rounding rule for every number
on screen, so tests compare exactly what a reader sees; :func:`input_name` names
the inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from netcore import Gradients, Network, train

__all__ = [
    "ChainRule", "BackpropNumbers", "backprop_numbers", "shown", "input_name", "DECIMALS", "LOSS_DECIMALS",
    "HIDDEN_ACTIVATION", "OUTPUT_ACTIVATION", "LOSS",
]

#: Decimal places of weights, activations, deltas and gradients on screen.
DECIMALS = 3
#: Decimal places of the loss (it gets small quickly).
LOSS_DECIMALS = 4
HIDDEN_ACTIVATION = "sigmoid"
OUTPUT_ACTIVATION = "linear"
LOSS = "mse"


def shown(value: float, decimals: int = DECIMALS) -> str:
    """``value`` as the scene writes it: fixed decimals, a true minus sign, no ``-0.000``."""
    text = f"{float(value):.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def input_name(layer_sizes: Sequence[int], i: int) -> str:
    """Input ``i``'s name as the scene writes it (Pango markup): ``x`` alone, else ``x<sub>1</sub>``, ``x<sub>2</sub>``."""
    return "x" if layer_sizes[0] == 1 else f"x<sub>{i + 1}</sub>"


@dataclass(frozen=True)
class ChainRule:
    """The chain rule for weight ``W[layer][i, j]``: dL/dw = dL/da · da/dz · dz/dw.

    ``error`` is dL/da of neuron ``j`` (the blame arriving from the right),
    ``slope`` is da/dz, the activation's ``df`` at that neuron's ``z``, and
    ``input`` is dz/dw, the activation ``a`` feeding the weight. ``gradient`` is
    netcore's ``dW[layer][i, j]``; their product equals it.
    """

    layer: int
    i: int
    j: int
    error: float
    slope: float
    input: float
    gradient: float

    @property
    def product(self) -> float:
        """dL/da · da/dz · dz/dw."""
        return self.error * self.slope * self.input


@dataclass(frozen=True)
class BackpropNumbers:
    """One training example through one network: before, during and after SGD steps.

    Per-layer lists follow netcore: ``weights[l]`` is ``(n_in, n_out)``;
    ``zs[l]``, ``deltas[l]``, ``biases[l]`` are ``(n_out,)`` for layer ``l``'s
    outputs; ``activations[0]`` is the input and ``activations[-1]`` the output.
    The ``frame_*`` lists hold the same per step, with a leading axis ``F``:
    frame 0 is the start, frame 1 follows the step the scene explains, the
    rest are the fast loop.
    """

    layer_sizes: tuple[int, ...]
    x: np.ndarray
    y: np.ndarray
    lr: float
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    zs: list[np.ndarray]
    activations: list[np.ndarray]
    deltas: list[np.ndarray]
    grad_weights: list[np.ndarray]
    grad_biases: list[np.ndarray]
    loss: float
    chain: ChainRule
    frame_steps: np.ndarray
    frame_loss: np.ndarray
    frame_weights: list[np.ndarray]
    frame_biases: list[np.ndarray]
    frame_zs: list[np.ndarray]
    frame_activations: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        """The network's output before the update, ``(n_out,)``."""
        return self.activations[-1]

    def weights_at(self, frame: int) -> list[np.ndarray]:
        """Every layer's weights at ``frame``."""
        return [W[frame] for W in self.frame_weights]

    def params_at(self, frame: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(W, b)`` per layer at ``frame``, as netcore's ``Network.params``."""
        return [(W[frame], b[frame]) for W, b in zip(self.frame_weights, self.frame_biases)]


def backprop_numbers(
    layer_sizes: Sequence[int],
    x: Sequence[float],
    y: Sequence[float],
    lr: float,
    steps: int,
    seed: int,
    weight: tuple[int, int, int] = (0, 0, 0),
) -> BackpropNumbers:
    """Run netcore on one example and collect every number the scene shows.

    Parameters
    ----------
    layer_sizes, seed : the network (sigmoid hidden layers, linear output).
    x, y : the training example (one value per input / output neuron).
    lr : SGD learning rate.
    steps : SGD steps after the first (the scene's fast loop).
    weight : ``(layer, i, j)`` of the weight whose chain rule is written out.

    Raises
    ------
    netcore.TrainingDiverged
        If the loss overflows during the steps.
    """
    network = Network(layer_sizes, HIDDEN_ACTIVATION, OUTPUT_ACTIVATION, seed=seed)
    xs = np.asarray(x, dtype=float).reshape(1, -1)
    ys = np.asarray(y, dtype=float).reshape(1, -1)
    grads = network.gradients(xs, ys, LOSS)
    total = steps + 1
    trace = train(network.copy(), xs, ys, steps=total, lr=lr, optimizer="sgd", frames=total + 1, loss=LOSS)
    if not np.array_equal(trace.steps, np.arange(total + 1)):
        raise RuntimeError(f"expected a frame at every step, got steps {trace.steps.tolist()}")
    passes = [trace.network_at(f).forward(xs) for f in range(len(trace))]
    return BackpropNumbers(
        layer_sizes=tuple(network.layer_sizes),
        x=xs[0],
        y=ys[0],
        lr=float(lr),
        weights=[W.copy() for W, _ in network.params],
        biases=[b.copy() for _, b in network.params],
        zs=[z[0] for z in grads.forward.zs],
        activations=[a[0] for a in grads.forward.activations],
        deltas=[d[0] for d in grads.deltas],
        grad_weights=list(grads.dW),
        grad_biases=list(grads.db),
        loss=float(grads.loss),
        chain=_chain_rule(network, grads, weight),
        frame_steps=trace.steps,
        frame_loss=trace.loss,
        frame_weights=list(trace.weights),
        frame_biases=list(trace.biases),
        frame_zs=[np.stack([p.zs[l][0] for p in passes]) for l in range(len(network.params))],
        frame_activations=[
            np.stack([p.activations[l][0] for p in passes]) for l in range(len(network.layer_sizes))
        ],
    )


def _chain_rule(
    network: Network, grads: Gradients, weight: tuple[int, int, int]
) -> ChainRule:
    """The factors of dL/dw for ``weight``, from netcore's stored forward and backward pass."""
    layer, i, j = weight
    fwd = grads.forward
    last = layer + 1 == len(network.params)
    slope = (network.output_activation if last else network.activation).df(fwd.zs[layer][:, j])[0]
    error = float(grads.activation_grads[layer][0, j])
    return ChainRule(
        layer=layer, i=i, j=j,
        error=error,
        slope=float(slope),
        input=float(fwd.activations[layer][0, i]),
        gradient=float(grads.dW[layer][i, j]),
    )
