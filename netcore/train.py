"""Full-batch training that records a :class:`~netcore.trace.Trace`.

Only the steps chosen by :func:`record_schedule` are recorded, so memory grows with the
number of frames, never with the number of steps.  Frame ``k`` holds the state after
``k`` optimizer updates (step 0 is the initial network).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .losses import binary_cross_entropy, get_loss
from .network import Network
from .optim import get_optimizer
from .recorder import Recorder
from .targets import PRESETS, TargetError, parse_target
from .trace import Trace

__all__ = [
    "TrainingDiverged", "record_schedule", "train", "fit_function",
    "DEFAULT_STEPS", "DEFAULT_LR", "DEFAULT_FRAMES", "DEFAULT_SAMPLES", "DEFAULT_NEURONS",
    "DEFAULT_TARGET", "GRID_POINTS",
]

#: Adam steps and learning rate (on DEFAULT_SAMPLES points) with which a 1-16-1 sigmoid
#: network fits sin(3x) on [-1, 1] to an MSE near 1e-6, and a 1-12-1 one the "wiggly"
#: preset below 1e-3 for each of seeds 0-11 (about 1e-5 for seed 0); both are tested.
DEFAULT_STEPS = 8000
DEFAULT_LR = 0.05
DEFAULT_FRAMES = 120
DEFAULT_SAMPLES = 64
DEFAULT_NEURONS = 12
DEFAULT_TARGET = "wiggly"
GRID_POINTS = 200


class TrainingDiverged(ValueError):
    """The loss became NaN or infinite; ``step`` and ``lr`` say where and with what."""

    def __init__(self, step: int, lr: float, loss: float) -> None:
        self.step, self.lr, self.loss = step, lr, loss
        super().__init__(f"training diverged at step {step} with learning rate {lr:g}: "
                         f"the loss became {loss}; try a smaller learning rate")

    def __reduce__(self) -> tuple:
        # Rebuild from the fields, so the error survives the trip back from a worker process.
        return type(self), (self.step, self.lr, self.loss)


def _positive_int(value: object, name: str) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def record_schedule(steps: int, frames: int) -> np.ndarray:
    """Steps to record: ``min(frames, steps + 1)`` distinct ints from 0 to ``steps``.

    A blend of geometric spacing (weight 3/4) and linear spacing (1/4): early steps, where
    the loss falls fastest, get most frames while late ones still get some.  Rounding
    collisions are pushed apart.
    """
    steps = _positive_int(steps, "steps")
    if not isinstance(frames, (int, np.integer)) or isinstance(frames, bool) or frames < 2:
        raise ValueError(f"frames must be an int >= 2, got {frames!r}")
    count = min(int(frames), steps + 1)
    u = np.linspace(0.0, 1.0, count)
    wanted = np.rint(0.75 * np.expm1(u * math.log1p(steps)) + 0.25 * u * steps).astype(np.int64)
    index = np.arange(count)
    # Make each entry at least one above the previous, then at most one below the next
    # (ending at `steps`); since count <= steps + 1 both fit and the ends stay 0 and steps.
    wanted = np.maximum.accumulate(wanted - index) + index
    wanted[-1] = steps
    return np.minimum.accumulate((wanted - index)[::-1])[::-1] + index


def _as_2d(a: np.ndarray, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2 or len(a) == 0:
        raise ValueError(f"{name} must have shape (n,) or (n, k) with n >= 1, got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (it contains NaN or inf)")
    return a


def _training_data(network: Network, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``x``, ``y`` as finite float64 ``(n, n_in)`` and ``(n, n_out)``, or ValueError."""
    x, y = _as_2d(x, "x"), _as_2d(y, "y")
    n_in, n_out = network.layer_sizes[0], network.layer_sizes[-1]
    if x.shape[1] != n_in or y.shape[1] != n_out or len(x) != len(y):
        raise ValueError(f"x {x.shape} and y {y.shape} do not fit layer sizes "
                         f"{list(network.layer_sizes)} (want (n, {n_in}) and (n, {n_out}))")
    return x, y


def _plot_grid(network: Network, x: np.ndarray, grid: np.ndarray | None) -> np.ndarray:
    """Where a 1-input, 1-output network's output is recorded (empty for any other)."""
    if network.layer_sizes[0] != 1 or network.layer_sizes[-1] != 1:
        return np.empty(0)
    if grid is None:
        return np.linspace(x.min(), x.max(), GRID_POINTS)
    return np.asarray(grid, dtype=np.float64).ravel()


def _on_grid(target: Callable[[np.ndarray], np.ndarray] | None, grid: np.ndarray) -> np.ndarray:
    """The target's values on the grid (NaN where there is no target)."""
    if target is None:
        return np.full(grid.shape, np.nan)
    return np.broadcast_to(np.asarray(target(grid), dtype=np.float64), grid.shape).copy()


def train(
    network: Network,
    x: np.ndarray,
    y: np.ndarray,
    steps: int = DEFAULT_STEPS,
    lr: float = DEFAULT_LR,
    optimizer: str = "adam",
    frames: int = DEFAULT_FRAMES,
    loss: str = "mse",
    grid: np.ndarray | None = None,
    target: Callable[[np.ndarray], np.ndarray] | None = None,
    target_text: str = "",
) -> Trace:
    """Train ``network`` in place on ``(x, y)`` with full-batch updates; return the Trace.

    Parameters
    ----------
    network
        Trained in place.
    x, y
        Inputs ``(n, n_in)`` and targets ``(n, n_out)``; 1-D arrays mean one column.
    steps, lr, optimizer, loss
        Number of updates, learning rate, ``"adam"``/``"momentum"``/``"sgd"``, loss name.
        With ``"binary_cross_entropy"`` the targets are classes 0/1 and the Trace records
        the training accuracy at every frame (else NaN).
    frames
        Frames to record (at most ``steps + 1``), spaced by :func:`record_schedule`.
    grid
        Inputs where outputs and contributions are recorded (1-input, 1-output networks);
        defaults to ``GRID_POINTS`` points spanning ``x``.
    target, target_text
        Optional true function (evaluated on the grid) and its text, kept in the Trace.

    Raises
    ------
    ValueError
        For bad steps, frames, learning rate or shapes.
    TrainingDiverged
        If the loss becomes NaN or infinite.
    """
    steps = _positive_int(steps, "steps")
    schedule = record_schedule(steps, frames)
    opt = get_optimizer(optimizer, lr)
    loss_fn = get_loss(loss)
    x, y = _training_data(network, x, y)
    grid = _plot_grid(network, x, grid)
    recorder = Recorder(network, schedule, grid, y, classify=loss_fn is binary_cross_entropy)

    # A diverging run is reported by TrainingDiverged; numpy's overflow warnings on the
    # way there would only be noise.
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            grads = network.backprop(x, y, loss_fn)
            if not math.isfinite(grads.loss):
                raise TrainingDiverged(step, opt.lr, grads.loss)
            if recorder.due(step):
                recorder.record(grads)
            if step < steps:
                opt.update(network.flat, grads.flat)

    return recorder.trace(x, _on_grid(target, grid), optimizer=opt.name, lr=opt.lr, total_steps=steps,
                          target_text=target_text, loss_name=loss_fn.name)


def fit_function(
    target: str = DEFAULT_TARGET,
    neurons: int = DEFAULT_NEURONS,
    activation: str = "sigmoid",
    steps: int = DEFAULT_STEPS,
    lr: float = DEFAULT_LR,
    optimizer: str = "adam",
    seed: int | None = 0,
    frames: int = DEFAULT_FRAMES,
    interval: tuple[float, float] = (-1.0, 1.0),
    samples: int = DEFAULT_SAMPLES,
) -> Trace:
    """Train a ``[1, neurons, 1]`` network on a target expression or preset name.

    ``samples`` evenly spaced points over ``interval`` are the training set; the Trace
    keeps the resolved expression as ``target_text`` and the target on the grid.

    Raises
    ------
    TargetError
        If the expression is invalid or not finite at some training point.
    ValueError, TrainingDiverged
        As :func:`train`.
    """
    f = parse_target(target)
    text = PRESETS.get(target.strip(), target.strip())
    low, high = (float(v) for v in interval)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"interval must be finite with low < high, got {interval!r}")
    samples = _positive_int(samples, "samples")
    x = np.linspace(low, high, samples)
    y = f(x)
    bad = ~np.isfinite(y)
    if bad.any():
        raise TargetError(f"target {text!r} is not finite at x = {x[bad][0]:g} "
                          f"in the interval [{low:g}, {high:g}]")
    network = Network([1, _positive_int(neurons, "neurons"), 1], activation=activation, seed=seed)
    return train(network, x, y, steps=steps, lr=lr, optimizer=optimizer, frames=frames,
                 grid=np.linspace(low, high, GRID_POINTS), target=f, target_text=text)
