"""What every netreel scene shares: a dataclass of options and a themed Scene.

A scene's parameters live in one place, a :class:`SceneOptions` subclass whose
fields are declared with :func:`option`. The CLI turns those fields into flags
(``--w11``, ``--neurons``...), specs fill them from TOML, and plain Manim
(``manim render -ql scenes/story/superposition.py Superposition``) uses the defaults.
Options are validated when the scene is built, so bad input fails before any
frame is drawn.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import typing
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar

import numpy as np
from manim import Scene, config

import netcore

from .theme import Theme, get_theme

__all__ = [
    "option", "SceneOptions", "NetreelScene", "flag_name", "target_function", "check_trace_file",
    "number_text", "MAX_WHOLE", "MAX_TEXT", "TARGET_CHECK_POINTS", "MAX_TARGET",
]

#: Largest whole number an option takes (a signed 64-bit integer), whatever its own range.
MAX_WHOLE = 2**63 - 1
#: Longest text option, in characters.
MAX_TEXT = 4096
#: Evenly spaced points a target is checked at, besides the ones a scene draws and trains on.
TARGET_CHECK_POINTS = 4001
#: Largest value a target may take on its interval (beyond it, plots and error tables stop being readable).
MAX_TARGET = 1e6


def option(
    default: Any,
    help: str,
    *,
    low: float | None = None,
    high: float | None = None,
    above: float | None = None,
    choices: tuple[str, ...] | None = None,
    file: bool = False,
) -> Any:
    """Declare a scene parameter: its default, a one-line help and its bounds.

    ``low``/``high`` bound numbers (inclusive) and every number inside a tuple;
    ``above`` is an exclusive lower bound (a learning rate: any number above 0);
    ``choices`` lists the allowed strings; ``file`` marks a value that may name a file
    (a spec or story then looks for a relative one beside itself first).
    """
    metadata = {"help": help, "low": low, "high": high, "above": above, "choices": choices, "file": file}
    return field(default=default, metadata=metadata)


def flag_name(name: str) -> str:
    """The command-line flag of an option field: ``steps_per_frame`` -> ``--steps-per-frame``."""
    return "--" + name.replace("_", "-")


def _numbers(value: Any) -> list[float]:
    if isinstance(value, tuple):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    return []


def number_text(value: Any) -> str:
    """``repr`` of a value for an error message, with a huge whole number shortened to its length."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        digits = math.floor((abs(value).bit_length() - 1) * math.log10(2)) + 1  # a lower bound, or exact
        return f"a {digits + (abs(value) >= 10**digits)}-digit number"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` has exactly the type of an option hint (bool is not a number here)."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_conforms(item, args[0]) for item in value)
        return len(value) == len(args) and all(_conforms(item, a) for item, a in zip(value, args))
    if hint is bool:
        return isinstance(value, bool)
    if hint in (int, float):
        return isinstance(value, (int, float) if hint is float else int) and not isinstance(value, bool)
    return isinstance(value, hint) if isinstance(hint, type) else True


def _kind_text(hint: Any, plural: bool = False) -> str:
    """How an option hint reads in a message: ``"a number"``, ``"2 numbers"``, ``"a list of groups of 2 numbers"``."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"{'lists' if plural else 'a list'} of {_kind_text(args[0], plural=True)}"
        items = f"{len(args)} {_kind_text(args[0], plural=True)}"
        return f"groups of {items}" if plural else items
    names = {bool: ("on or off (true or false)", "true or false values"), int: ("a whole number", "whole numbers"),
             float: ("a number", "numbers"), str: ("text", "texts")}
    single, many = names.get(hint, (getattr(hint, "__name__", str(hint)),) * 2)
    return many if plural else single


@dataclass
class SceneOptions:
    """Base class of a scene's parameters; subclasses add fields with :func:`option`."""

    def validate(self) -> None:
        """Check every field against its declaration, then :meth:`check`.

        Raises
        ------
        ValueError
            One line naming the flag, the value and what is allowed.
        """
        hints = typing.get_type_hints(type(self))
        for f in fields(self):
            value = getattr(self, f.name)
            flag = flag_name(f.name)
            if not _conforms(value, hints[f.name]):
                raise ValueError(f"{flag} must be {_kind_text(hints[f.name])}, got {number_text(value)}")
            if isinstance(value, str) and (len(value) > MAX_TEXT or "\0" in value):
                raise ValueError(f"{flag} must be text of at most {MAX_TEXT} characters without NUL bytes")
            for number in _numbers(value):
                # Whole numbers compare exactly whatever their size; only floats can be NaN or infinite.
                if isinstance(number, float) and not math.isfinite(number):
                    raise ValueError(f"{flag} must be a finite number, got {number!r}")
                low, high = f.metadata.get("low"), f.metadata.get("high")
                if low is not None and number < low:
                    raise ValueError(f"{flag} must be at least {low}, got {number_text(number)}")
                above = f.metadata.get("above")
                if above is not None and not number > above:
                    raise ValueError(f"{flag} must be above {above:g}, got {number_text(number)}")
                if high is not None and number > high:
                    raise ValueError(f"{flag} must be at most {high}, got {number_text(number)}")
                if isinstance(number, int) and abs(number) > MAX_WHOLE:
                    raise ValueError(f"{flag} must lie between {-MAX_WHOLE} and {MAX_WHOLE}, got {number_text(number)}")
            choices = f.metadata.get("choices")
            if choices and value not in choices:
                raise ValueError(
                    f"{flag} must be one of {', '.join(choices)}; got {value!r}"
                )
        self.check()

    def check(self) -> None:
        """Checks that involve several fields; override in subclasses."""


def target_function(
    text: str, interval: tuple[float, float] | None = None, *, drawn: np.ndarray | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """``netcore.parse_target(text)``; its error (a ``TargetError``) names the ``--target`` flag.

    With ``interval``, the target must also be finite and within :data:`MAX_TARGET` on
    all of it: at the points netcore trains on (``netcore.DEFAULT_SAMPLES``) and
    records (``netcore.GRID_POINTS``), at :data:`TARGET_CHECK_POINTS` more, and at the
    points ``drawn`` by the scene, so a target undefined only between the samples is
    refused too. The error names the first bad x.
    """
    try:
        f = netcore.parse_target(text)
    except netcore.TargetError as error:
        raise netcore.TargetError(f"--target: {error}") from None
    if interval is not None:
        low, high = (float(v) for v in interval)
        xs = np.unique(np.concatenate([
            *(np.linspace(low, high, n) for n in (netcore.DEFAULT_SAMPLES, netcore.GRID_POINTS, TARGET_CHECK_POINTS)),
            np.ravel(drawn) if drawn is not None else np.empty(0),
        ]))
        with np.errstate(all="ignore"):  # the first bad x is the message; numpy's warnings would be noise
            ys = np.broadcast_to(np.asarray(f(xs), dtype=np.float64), xs.shape)
        bad = ~np.isfinite(ys)
        if bad.any():
            raise netcore.TargetError(
                f"--target: {text!r} is not finite at x = {xs[bad][0]:.6g}; "
                f"it must be defined everywhere on [{low:g}, {high:g}]"
            )
        large = np.abs(ys) > MAX_TARGET
        if large.any():
            raise netcore.TargetError(
                f"--target: {text!r} reaches {ys[large][0]:.3g} at x = {xs[large][0]:.6g}; "
                f"a target must stay within ±{MAX_TARGET:,.0f} (a pole, or too steep to draw)"
            )
    return f


#: The largest loss a replayed trace may hold: a loss chart spans decades of it, and 10x this overflows.
MAX_TRACE_LOSS = 1e300


def check_trace_file(
    path: str,
    flag: str = "--trace",
    *,
    inputs: int | None = None,
    outputs: int | None = None,
    hidden_layers: int | None = None,
    plot: bool = False,
) -> None:
    """Check a saved Trace a scene will replay: the whole file, then the network's shape.

    ``inputs``, ``outputs`` and ``hidden_layers`` are what the scene needs (None: any);
    ``plot`` asks for an output grid and a target function to draw.

    Raises
    ------
    ValueError
        One line naming ``flag``, the file and what is wrong or needed.
    """
    try:
        trace = netcore.Trace.load(path)
    except ValueError as error:
        raise ValueError(f"{flag}: {error}") from None
    sizes = trace.layer_sizes
    wanted = (inputs, hidden_layers, outputs)
    if any(want is not None and want != have for want, have in zip(wanted, (sizes[0], len(sizes) - 2, sizes[-1]))):
        need = ", ".join(
            f"{n} {word}{'s' if n != 1 else ''}"
            for n, word in zip(wanted, ("input", "hidden layer", "output")) if n is not None
        )
        raise ValueError(f"{flag}: {path!r} holds a {'-'.join(map(str, sizes))} network; this scene needs {need}")
    if plot and (trace.grid.size < 2 or not np.all(np.isfinite(trace.target)) or not np.all(np.diff(trace.grid) > 0)):
        raise ValueError(f"{flag}: {path!r} holds no target function on a grid to draw (make it with netreel trace)")
    if not np.all((trace.loss >= 0) & (trace.loss <= MAX_TRACE_LOSS)):
        raise ValueError(f"{flag}: {path!r} holds losses a training cannot have (below 0 or above "
                         f"{MAX_TRACE_LOSS:g}); make it with netreel trace")


class NetreelScene(Scene):
    """A Manim scene with netreel options and a theme.

    Subclasses set ``Options`` (their :class:`SceneOptions` subclass), ``name``
    (the short CLI name) and ``description`` (one line for ``netreel list``).

    Parameters
    ----------
    options : the scene's parameters; defaults when omitted. Validated here.
    theme : a theme name (``"dark"``, ``"light"``) or a :class:`Theme`.
    """

    Options: ClassVar[type[SceneOptions]] = SceneOptions
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def __init__(
        self,
        options: SceneOptions | None = None,
        theme: str | Theme = "dark",
        **kwargs: Any,
    ) -> None:
        self.options = options if options is not None else self.Options()
        if not isinstance(self.options, self.Options):
            raise TypeError(
                f"{type(self).__name__} takes {self.Options.__name__}, "
                f"not {type(self.options).__name__}"
            )
        self.options.validate()
        self.theme = get_theme(theme)
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.camera.background_color = self.theme.background

    def remembered(self, compute: Callable[[], T], *data: np.ndarray) -> T:
        """``compute()``, worked out once per process for this scene class, its options, the frame
        rate and ``data`` (what it reads from files, compared by content).

        For what a scene computes from nothing else (its training): a process may
        construct the same scene several times, a GIF's survey and then its render,
        a worker the pieces of a chunked render. The result is shared, its arrays
        made read-only.
        """
        contents = tuple(hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest() for array in data)
        key = (type(self).__module__, type(self).__qualname__, repr(self.options), float(config.frame_rate), contents)
        if key not in _REMEMBERED:
            _REMEMBERED[key] = _read_only(compute())
            if len(_REMEMBERED) > _REMEMBERED_ENTRIES:
                _REMEMBERED.popitem(last=False)
        _REMEMBERED.move_to_end(key)
        return _REMEMBERED[key]


T = TypeVar("T")
#: What :meth:`NetreelScene.remembered` keeps, the most recently used last (a few traces).
_REMEMBERED: OrderedDict[tuple, Any] = OrderedDict()
_REMEMBERED_ENTRIES = 4


def _read_only(value: T) -> T:
    """``value`` with every numpy array in it (in lists, tuples and dataclass fields) made read-only."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (list, tuple)):
        for item in value:
            _read_only(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            _read_only(getattr(value, item.name))
    return value
