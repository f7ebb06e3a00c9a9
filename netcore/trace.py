"""A recording of training, frame by frame, that scenes replay and tools can read.

``F`` frames (recorded steps), ``G`` grid points, ``n`` training examples, layer ``l``
of shape ``n_in -> n_out``.  A Trace saves to one ``.npz`` file (``np.savez_compressed``,
readable with ``np.load(path, allow_pickle=False)``) with these flat keys:

=================  =====================  ==============================================
key                shape                  meaning
=================  =====================  ==============================================
``steps``          (F,) int64             optimizer updates done before each frame
``loss``           (F,) float64           training loss at each frame
``accuracy``       (F,) float64           fraction of training points on the right side
                                          of 0.5 (classification); NaN for regression.
                                          Optional: traces saved without it load as NaN
``W{l}``           (F, n_in, n_out)       weights of layer ``l`` (``W0``, ``W1``, ...)
``b{l}``           (F, n_out)             biases of layer ``l``
``grad_W{l}``      (F, n_in, n_out)       dL/dW of layer ``l`` at that frame
``grad_b{l}``      (F, n_out)             dL/db of layer ``l`` at that frame
``grid``           (G,)                   evaluation inputs (G = 0 unless 1 input, 1 output)
``outputs``        (F, G)                 network output on the grid
``contributions``  (F, H, G)              hidden neuron j's ``W_out[j, 0] * a_j`` on the
                                          grid; H = hidden neurons for a 1-H-1 network,
                                          else 0.  Their sum + output bias = output ``z``
``target``         (G,)                   target function on the grid (NaN if unknown)
``x_train``        (n, n_in)              training inputs
``y_train``        (n, n_out)             training targets
``meta``           0-d str                JSON object: ``format`` ("netreel-trace"),
                                          ``version`` (1), ``layer_sizes``, ``activation``,
                                          ``output_activation``, ``optimizer``, ``lr``,
                                          ``seed``, ``total_steps``, ``target_text``,
                                          ``loss_name``
=================  =====================  ==============================================
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from .network import Network
from .trace_check import read_trace_arrays

__all__ = ["Trace", "TRACE_FORMAT", "TRACE_VERSION"]

TRACE_FORMAT = "netreel-trace"
TRACE_VERSION = 1

_ARRAYS = ("steps", "loss", "grid", "outputs", "contributions", "target", "x_train", "y_train")
_LAYERED = {"W": "weights", "b": "biases", "grad_W": "grad_weights", "grad_b": "grad_biases"}
#: Arrays added after version 1 was published; a trace saved without one loads as NaN.
_OPTIONAL = ("accuracy",)
_META = ("layer_sizes", "activation", "output_activation", "optimizer", "lr", "seed",
         "total_steps", "target_text", "loss_name")


@dataclass(eq=False)
class Trace:
    """Training recorded at ``F`` frames; see the module docstring for every field's shape.

    ``grid``, ``outputs`` and ``target`` are filled only for a network with 1 input and
    1 output (``contributions`` only for a 1-H-1 one); for any other, such as a 2-input
    classifier, they are empty (``G = 0``). Draw those from the weights instead:
    ``plane_values(trace.network_at(i), x1, x2)`` gives the output over the plane.
    """

    steps: np.ndarray
    loss: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    grad_weights: list[np.ndarray]
    grad_biases: list[np.ndarray]
    grid: np.ndarray
    outputs: np.ndarray
    contributions: np.ndarray
    target: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    layer_sizes: tuple[int, ...]
    activation: str
    output_activation: str
    optimizer: str
    lr: float
    seed: int | None
    total_steps: int
    target_text: str = ""
    loss_name: str = "mse"
    accuracy: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.accuracy is None:
            self.accuracy = np.full(len(self.steps), np.nan)

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def final_loss(self) -> float:
        """Loss at the last frame."""
        return float(self.loss[-1])

    @property
    def final_accuracy(self) -> float:
        """Accuracy at the last frame (NaN for regression)."""
        return float(self.accuracy[-1])

    def network_at(self, i: int) -> Network:
        """Rebuild the network as it was at frame ``i`` (negative ``i`` counts from the end)."""
        net = Network(self.layer_sizes, self.activation, self.output_activation, self.seed)
        net.set_params([(W[i], b[i]) for W, b in zip(self.weights, self.biases)])
        return net

    def equals(self, other: Trace) -> bool:
        """True if every array (NaN equal to NaN) and every metadata field is identical."""
        if not isinstance(other, Trace):
            return False
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if f.name in _META:
                if a != b:
                    return False
            elif isinstance(a, list):
                if len(a) != len(b) or not all(_same(p, q) for p, q in zip(a, b)):
                    return False
            elif not _same(a, b):
                return False
        return True

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The flat ``{key: array}`` mapping that :meth:`save` writes."""
        arrays = {name: getattr(self, name) for name in _ARRAYS + _OPTIONAL}
        for prefix, attr in _LAYERED.items():
            arrays.update({f"{prefix}{l}": a for l, a in enumerate(getattr(self, attr))})
        meta = {"format": TRACE_FORMAT, "version": TRACE_VERSION}
        meta.update({name: getattr(self, name) for name in _META})
        meta["layer_sizes"] = list(self.layer_sizes)
        arrays["meta"] = np.array(json.dumps(meta))
        return arrays

    def save(self, path: str | os.PathLike) -> Path:
        """Write the trace to exactly ``path`` (no ``.npz`` is appended); return the path.

        The data goes to a temporary file in the same folder that is renamed over
        ``path`` only once complete, so ``path`` never holds a half-written file.
        """
        path = Path(path)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            # Writing through a file object stops numpy from appending ".npz" to the name.
            with open(temporary, "xb") as handle:
                np.savez_compressed(handle, **self.to_arrays())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Trace:
        """Read a trace written by :meth:`save` (no pickle involved).

        Every array is checked before it is read (see :mod:`netcore.trace_check`).

        Raises
        ------
        ValueError
            A ``TraceFileError`` if the file is not a well-formed netreel trace, a
            ``LimitError`` if it is larger than the Trace memory limit.
        """
        with read_trace_arrays(path) as data:
            try:
                meta = json.loads(str(data["meta"][()]))
                if meta.get("format") != TRACE_FORMAT:
                    raise ValueError(f"{path}: not a netreel trace")
                layers = len(meta["layer_sizes"]) - 1
                values = {name: data[name] for name in _ARRAYS}
                values.update({name: data[name] for name in _OPTIONAL if name in data.files})
                for prefix, attr in _LAYERED.items():
                    values[attr] = [data[f"{prefix}{l}"] for l in range(layers)]
                values.update({name: meta[name] for name in _META})
            except KeyError as error:
                raise ValueError(f"{path}: not a netreel trace (missing {error})") from None
        values["layer_sizes"] = tuple(values["layer_sizes"])
        return cls(**values)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
