"""What every netreel scene shares: a dataclass of options and a themed Scene.

A scene's parameters live in one place, a :class:`SceneOptions` subclass whose
fields are declared with :func:`option`. The CLI turns those fields into flags
(``--w11``, ``--neurons``...), specs fill them from TOML, and plain Manim
(``manim render -ql scenes/story/superposition.py Superposition``) uses the defaults.
Options are validated when the scene is built, so bad input fails before any
frame is drawn.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np
from manim import Scene

import netcore

from .theme import Theme, get_theme

__all__ = ["option", "SceneOptions", "NetreelScene", "flag_name", "target_function"]


def option(
    default: Any,
    help: str,
    *,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare a scene parameter: its default, a one-line help and its bounds.

    ``low``/``high`` bound numbers (inclusive) and every number inside a tuple;
    ``choices`` lists the allowed strings.
    """
    metadata = {"help": help, "low": low, "high": high, "choices": choices}
    return field(default=default, metadata=metadata)


def flag_name(name: str) -> str:
    """The command-line flag of an option field: ``steps_per_frame`` -> ``--steps-per-frame``."""
    return "--" + name.replace("_", "-")


def _numbers(value: Any) -> list[float]:
    if isinstance(value, (tuple, list)):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value]
    return []


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
            kind = hints[f.name]
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"{flag} must be a whole number, got {value!r}")
            if kind is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ValueError(f"{flag} must be a number, got {value!r}")
            for number in _numbers(value):
                if not math.isfinite(number):
                    raise ValueError(f"{flag} must be a finite number, got {number!r}")
                low, high = f.metadata.get("low"), f.metadata.get("high")
                if low is not None and number < low:
                    raise ValueError(f"{flag} must be at least {low}, got {number!r}")
                if high is not None and number > high:
                    raise ValueError(f"{flag} must be at most {high}, got {number!r}")
            choices = f.metadata.get("choices")
            if choices and value not in choices:
                raise ValueError(
                    f"{flag} must be one of {', '.join(choices)}; got {value!r}"
                )
        self.check()

    def check(self) -> None:
        """Checks that involve several fields; override in subclasses."""


def target_function(text: str) -> Callable[[np.ndarray], np.ndarray]:
    """``netcore.parse_target(text)``; its error (a ``TargetError``) names the ``--target`` flag."""
    try:
        return netcore.parse_target(text)
    except netcore.TargetError as error:
        raise netcore.TargetError(f"--target: {error}") from None


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
