"""The Recorder: fills a :class:`~netcore.trace.Trace` frame by frame while training runs.

Training calls ``recorder.due(step)`` every step and ``recorder.record(grads)`` at the
steps of its schedule; arrays are allocated once for the scheduled frames, so memory
follows the number of frames, never the number of steps.
"""
from __future__ import annotations

import numpy as np

from .network import Gradients, Network
from .trace import Trace

__all__ = ["Recorder", "accuracy"]


def accuracy(output: np.ndarray, y: np.ndarray) -> float:
    """Fraction of examples whose every output is on the same side of 0.5 as its 0/1 target.

    An output of exactly 0.5 counts as class 1 (as a step neuron fires at its threshold).
    """
    return float(np.mean(np.all((output >= 0.5) == (y >= 0.5), axis=1)))


class Recorder:
    """Records ``network`` at the steps of ``schedule`` into preallocated arrays.

    Parameters
    ----------
    network
        The network being trained; its parameters are copied at every recorded step.
    schedule
        Increasing steps to record (see :func:`netcore.train.record_schedule`).
    grid
        Inputs ``(G,)`` where the output is recorded (empty unless 1 input, 1 output); a
        1-H-1 network's hidden contributions are recorded there too.
    y
        Training targets, used for the accuracy when ``classify`` is true (else NaN).
    """

    def __init__(self, network: Network, schedule: np.ndarray, grid: np.ndarray,
                 y: np.ndarray, classify: bool) -> None:
        self.network, self.schedule, self.grid, self.y = network, schedule, grid, y
        self.classify = classify
        F, G = len(schedule), len(grid)
        H = network.layer_sizes[1] if G and len(network.layer_sizes) == 3 else 0
        shapes = [W.shape for W, _ in network.params]
        self.weights = [np.empty((F, *s)) for s in shapes]
        self.biases = [np.empty((F, s[1])) for s in shapes]
        self.grad_weights = [np.empty((F, *s)) for s in shapes]
        self.grad_biases = [np.empty((F, s[1])) for s in shapes]
        self.loss, self.accuracy = np.empty(F), np.full(F, np.nan)
        self.outputs, self.contributions = np.empty((F, G)), np.empty((F, H, G))
        self.frame = 0

    def due(self, step: int) -> bool:
        """True if ``step`` is the next step of the schedule."""
        return self.frame < len(self.schedule) and step == self.schedule[self.frame]

    def record(self, grads: Gradients) -> None:
        """Store the network's state and ``grads`` (its backward pass now) as the next frame."""
        k, net = self.frame, self.network
        self.loss[k] = grads.loss
        if self.classify:
            self.accuracy[k] = accuracy(grads.forward.output, self.y)
        for l, ((W, b), gW, gb) in enumerate(zip(net.params, grads.dW, grads.db)):
            self.weights[l][k], self.biases[l][k] = W, b
            self.grad_weights[l][k], self.grad_biases[l][k] = gW, gb
        if len(self.grid):
            self.outputs[k] = net.predict(self.grid)[:, 0]
        if len(self.contributions[k]):
            self.contributions[k] = net.hidden_contributions(self.grid)
        self.frame += 1

    def trace(self, x: np.ndarray, target: np.ndarray, **meta: object) -> Trace:
        """The Trace of everything recorded, with training inputs ``x``, the target on the
        grid and the remaining metadata (``optimizer``, ``lr``, ``total_steps``, ...)."""
        net = self.network
        return Trace(
            steps=self.schedule, loss=self.loss, accuracy=self.accuracy, weights=self.weights,
            biases=self.biases, grad_weights=self.grad_weights, grad_biases=self.grad_biases,
            grid=self.grid, outputs=self.outputs, contributions=self.contributions, target=target,
            x_train=x, y_train=self.y, layer_sizes=net.layer_sizes, activation=net.activation.name,
            output_activation=net.output_activation.name, seed=net.seed, **meta,
        )
