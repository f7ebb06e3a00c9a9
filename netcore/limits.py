"""Resource limits on products of sizes, estimated before any work starts.

Each flag has its own range, but what costs memory or time is a product: a Trace
holds frames x parameters (and frames x hidden neurons x grid points), and training
costs steps x samples x parameters.  These functions estimate the product from the
sizes alone and refuse, with a :class:`LimitError` that names the limit and how to
get under it, before anything is allocated or trained.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "LimitError", "MAX_TRACE_BYTES", "MAX_TRAINING_WORK", "STEP_OVERHEAD",
    "trace_bytes", "check_trace_bytes", "training_work", "check_training_work", "parameters",
]

#: Largest Trace held in memory (saved, loaded or recorded while training): 512 MiB.
MAX_TRACE_BYTES = 512 * 2**20
#: Largest training run, in multiply-adds: steps x (samples x parameters + STEP_OVERHEAD).
#: About 90 s on one core of the development machine (3.7 ns per sample-parameter).
MAX_TRAINING_WORK = 25 * 10**9
#: The fixed cost of one step (optimizer, bookkeeping), counted as sample-parameters.
STEP_OVERHEAD = 10_000


class LimitError(ValueError):
    """A run whose estimated memory or work is over a limit; the message says how to get under it."""


def parameters(layer_sizes: Sequence[int]) -> int:
    """Weights and biases of a network with ``layer_sizes``."""
    return sum((a + 1) * b for a, b in zip(layer_sizes, layer_sizes[1:]))


def trace_bytes(layer_sizes: Sequence[int], frames: int, grid_points: int, samples: int = 0) -> int:
    """Bytes of a Trace: ``frames`` recorded, the output (and a 1-H-1 network's
    contributions) on ``grid_points``, and ``samples`` training examples.
    """
    sizes = [int(n) for n in layer_sizes]
    hidden = sizes[1] if grid_points and len(sizes) == 3 else 0
    per_frame = 2 * parameters(sizes) + 3 + grid_points * (1 + hidden)  # params and grads; step, loss, accuracy
    fixed = 2 * grid_points + samples * (sizes[0] + sizes[-1])  # grid, target; x_train, y_train
    return 8 * (frames * per_frame + fixed)


def check_trace_bytes(layer_sizes: Sequence[int], frames: int, grid_points: int, samples: int = 0) -> None:
    """Refuse a Trace over :data:`MAX_TRACE_BYTES`, saying how many frames would fit.

    Raises
    ------
    LimitError
        Naming the estimate, the limit and the most frames that fit.
    """
    size = trace_bytes(layer_sizes, frames, grid_points, samples)
    if size <= MAX_TRACE_BYTES:
        return
    per_frame = trace_bytes(layer_sizes, 1, grid_points) - trace_bytes(layer_sizes, 0, grid_points)
    fit = max(0, (MAX_TRACE_BYTES - trace_bytes(layer_sizes, 0, grid_points, samples)) // per_frame)
    advice = f"record at most {fit:,} frames or use fewer neurons" if fit >= 2 else "use fewer neurons"
    raise LimitError(
        f"a trace of {frames:,} frames of a {'-'.join(map(str, layer_sizes))} network needs "
        f"{_mib(size)}, over the limit of {_mib(MAX_TRACE_BYTES)}; {advice}"
    )


def training_work(layer_sizes: Sequence[int], samples: int, steps: int) -> int:
    """Multiply-adds of ``steps`` full-batch steps on ``samples`` examples (see :data:`STEP_OVERHEAD`)."""
    return int(steps) * (int(samples) * parameters(layer_sizes) + STEP_OVERHEAD)


def check_training_work(layer_sizes: Sequence[int], samples: int, steps: int) -> None:
    """Refuse training over :data:`MAX_TRAINING_WORK`, saying how many steps would fit.

    Raises
    ------
    LimitError
        Naming the estimate, the limit and the most steps that fit.
    """
    work = training_work(layer_sizes, samples, steps)
    if work <= MAX_TRAINING_WORK:
        return
    fit = MAX_TRAINING_WORK // training_work(layer_sizes, samples, 1)
    raise LimitError(
        f"{steps:,} steps of a {'-'.join(map(str, layer_sizes))} network on {samples:,} samples are "
        f"{_amount(work)} multiply-adds, over the limit of {_amount(MAX_TRAINING_WORK)}; "
        f"use at most {fit:,} steps or fewer neurons"
    )


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB" if size < 2**30 else f"{size / 2**30:,.1f} GiB"


def _amount(n: int) -> str:
    exponent = int(math.log10(n)) if n > 0 else 0
    return f"{n / 10**exponent:.1f}e{exponent}"
