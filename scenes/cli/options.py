"""Scene flags from a scene's options dataclass, and spec values checked against it.

Tuple options take one quoted argument: numbers separated by commas
(``--interval -1,1``), and for tuples of tuples, groups separated by spaces
(``--cases "1,1 1,-1 -1,1"``).

Every number typed by the user goes through :func:`parse_number`: at most
:data:`MAX_NUMBER_CHARS` characters, finite. The values then meet the options
dataclass in :meth:`scenes.base.SceneOptions.validate`, which checks their types
and ranges.
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any

import click

from ..base import MAX_WHOLE, NetreelScene, SceneOptions, flag_name, number_text
from .errors import NetreelError, one_line

__all__ = [
    "COMMON_FLAGS", "MAX_NUMBER_CHARS", "parse_number", "Number", "TupleShape", "SceneField",
    "scene_fields", "click_option", "build_options",
]

#: Longest number text accepted (a 64-bit integer needs 20 characters).
MAX_NUMBER_CHARS = 40
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


#: Flags every rendering command has; a scene option may not take one of these names.
COMMON_FLAGS = frozenset(
    {"quality", "format", "output", "theme", "seed", "fps", "size", "max_size", "quiet", "jobs", "spec",
     "at", "no_captions", "allow_code", "story", "print_story"}
)


def parse_number(text: str, kind: type = float) -> int | float:
    """A whole number (``kind`` int) or a finite decimal number from user text.

    Raises
    ------
    ValueError
        For anything else: over :data:`MAX_NUMBER_CHARS` characters, NaN and infinity included.
    """
    text = str(text).strip()
    what = "a whole number" if kind is int else "a finite number"
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"{len(text):,} characters are too many for a number (at most {MAX_NUMBER_CHARS})")
    if not (_WHOLE if kind is int else _DECIMAL).fullmatch(text):
        raise ValueError(f"{text!r} is not {what}")
    value = int(text) if kind is int else float(text)
    if kind is float and not math.isfinite(value):
        raise ValueError(f"{text!r} is too large; expected a finite number")
    return value


def _from_spec(value: Any, kind: type) -> int | float:
    """A number from a spec file (TOML ints are unbounded, floats may be inf or nan)."""
    if isinstance(value, str):
        return parse_number(value, kind)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{number_text(value)} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    if kind is int and value != int(value):
        raise ValueError(f"{value!r} is not a whole number")
    if kind is float and isinstance(value, int) and abs(value) > MAX_WHOLE:
        return value  # too large for a float: validate() refuses it, naming the option's range
    return kind(value)


class Number(click.ParamType):
    """A flag's number, read by :func:`parse_number` and kept within ``low`` .. ``high``."""

    def __init__(self, kind: type = float, low: float | None = None, high: float | None = None) -> None:
        self.kind, self.low, self.high = kind, low, high
        self.name = "integer" if kind is int else "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        try:
            number = parse_number(value, self.kind)
        except ValueError as error:
            self.fail(str(error), param, ctx)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            self.fail(f"{number_text(number)} is not in the range {self._range()}", param, ctx)
        return number

    def _range(self) -> str:
        return f"{self.low if self.low is not None else '-inf'} to {self.high if self.high is not None else 'inf'}"


@dataclass(frozen=True)
class TupleShape:
    """The shape of a tuple option, read from its type hint.

    ``count`` is the number of entries (None: any); ``group`` is None when
    entries are numbers, k when they are k-tuples, 0 for tuples of any length.
    """

    item: type
    count: int | None
    group: int | None = None

    @classmethod
    def from_hint(cls, hint: Any) -> TupleShape:
        args = typing.get_args(hint)
        if not args:
            raise TypeError(f"tuple option {hint!r} must say its item type")
        variable = len(args) == 2 and args[1] is Ellipsis
        first = args[0]
        if typing.get_origin(first) is tuple:
            inner = cls.from_hint(first)
            if inner.group is not None:
                raise TypeError(f"tuple option {hint!r} nests too deeply")
            return cls(inner.item, None if variable else len(args), inner.count or 0)
        if first not in (int, float):
            raise TypeError(f"tuple option {hint!r} must hold numbers")
        return cls(first, None if variable else len(args))

    def syntax(self) -> str:
        """How to write a value, for help texts: ``a,b`` or ``a,b c,d ...``."""
        letters = iter("abcdefghijklmnopqrstuvwxyz")

        def run(n: int | None) -> str:
            return ",".join(next(letters) for _ in range(n)) if n else f"{next(letters)},{next(letters)},..."

        if self.group is None:
            return run(self.count)
        groups = [run(self.group) for _ in range(self.count or 2)]
        return " ".join(groups) + (" ..." if self.count is None else "")

    def format(self, value: Sequence[Any]) -> str:
        """A value written the way :meth:`parse` reads it."""
        if self.group is None:
            return ",".join(_number_text(v) for v in value)
        return " ".join(",".join(_number_text(v) for v in group) for group in value)

    def parse(self, text: str) -> tuple[Any, ...]:
        """Read a value such as ``"-1,1"`` or ``"1,1 1,-1"``; an empty value between commas is refused."""
        if re.search(r"(^|,)\s*,|,\s*$", text.strip()):
            raise ValueError(f"{text!r} has an empty value between commas; expected {self.syntax()}")
        if self.group is None:
            parts = [p for p in re.split(r"[\s,]+", text.strip()) if p]
            return self.convert([self._item(p) for p in parts])
        groups = [g for g in re.split(r"[\s;]+", text.strip()) if g]
        return self.convert([[self._item(p) for p in g.split(",") if p] for g in groups])

    def convert(self, value: Any) -> tuple[Any, ...]:
        """Check and convert a list value (from TOML) or a parsed one."""
        if isinstance(value, str):
            return self.parse(value)
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected {self.syntax()}")
        if self.count is not None and len(value) != self.count:
            raise ValueError(f"expected {self.syntax()}; got {len(value)} entries")
        if self.group is None:
            return tuple(self._item(v) for v in value)
        out = []
        for group in value:
            if not isinstance(group, (list, tuple)) or (self.group and len(group) != self.group):
                raise ValueError(f"expected {self.syntax()}")
            out.append(tuple(self._item(v) for v in group))
        return tuple(out)

    def _item(self, value: Any) -> int | float:
        try:
            return _from_spec(value, self.item)
        except ValueError as error:
            raise ValueError(f"{error}; expected {self.syntax()}") from None


def _number_text(value: float) -> str:
    return f"{value:g}"


class _TupleParam(click.ParamType):
    name = "tuple"

    def __init__(self, shape: TupleShape) -> None:
        self.shape = shape

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        try:
            return self.shape.parse(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


@dataclass(frozen=True)
class SceneField:
    """One scene option as the command line and spec files see it."""

    name: str
    kind: type
    default: Any
    help: str
    shape: TupleShape | None = None
    choices: tuple[str, ...] | None = None

    @property
    def flag(self) -> str:
        return flag_name(self.name)

    def default_text(self) -> str:
        if self.shape is not None:
            return f'"{self.shape.format(self.default)}"'
        if isinstance(self.default, bool):
            return "on" if self.default else "off"
        if isinstance(self.default, str):
            return self.default or "''"
        return _number_text(self.default) if isinstance(self.default, float) else str(self.default)

    def full_help(self) -> str:
        text = self.help
        if self.shape is not None:
            text += f" [{self.shape.syntax()}]"
        if self.choices:
            text += f" [{'|'.join(self.choices)}]"
        return text

    def convert(self, value: Any) -> Any:
        """A value from a spec file or a flag, as the options dataclass wants it.

        Numbers are read as :func:`parse_number` reads flags; any other type is left
        for :meth:`scenes.base.SceneOptions.validate` to refuse (a bool option takes
        only true or false, never "no" or 5).
        """
        if self.shape is not None:
            return self.shape.convert(value)
        if self.kind in (int, float) and isinstance(value, (int, float)) and not isinstance(value, bool):
            return _from_spec(value, self.kind)
        return value


def scene_fields(scene: type[NetreelScene]) -> list[SceneField]:
    """The options of ``scene``, except ``seed`` (the common ``--seed`` sets it)."""
    hints = typing.get_type_hints(scene.Options)
    out = []
    for f in fields(scene.Options):
        if f.name == "seed":
            continue
        if f.name in COMMON_FLAGS:
            raise TypeError(f"{scene.__name__} option {f.name!r} clashes with a common flag")
        kind = hints[f.name]
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        shape = TupleShape.from_hint(kind) if typing.get_origin(kind) is tuple else None
        choices = f.metadata.get("choices")
        out.append(SceneField(
            f.name, kind, default, f.metadata.get("help", ""), shape,
            tuple(choices) if choices else None,
        ))
    return out


def click_option(item: SceneField) -> click.Option:
    help_text = item.full_help()
    if item.kind is bool:
        return click.Option(
            [f"{item.flag}/--no-{item.flag[2:]}", item.name], default=None,
            help=help_text, show_default=item.default_text(),
        )
    kinds: dict[type, click.ParamType] = {int: Number(int), float: Number(float), str: click.STRING}
    param = _TupleParam(item.shape) if item.shape else kinds.get(item.kind, click.STRING)
    if item.choices:
        param = click.Choice(item.choices)
    return click.Option(
        [item.flag, item.name], type=param, default=None, help=help_text,
        show_default=item.default_text(), metavar=_metavar(item),
    )


def _metavar(item: SceneField) -> str:
    if item.shape is not None:
        return "LIST"
    if item.choices:
        return "[" + "|".join(item.choices) + "]"
    return {int: "INTEGER", float: "NUMBER", str: "TEXT"}.get(item.kind, "VALUE")


def build_options(
    scene: type[NetreelScene], values: dict[str, Any], seed: int | None
) -> SceneOptions:
    """Validated options of ``scene`` from user values (unset ones keep their defaults).

    Raises
    ------
    NetreelError
        For an unknown name or a bad value, naming the flag (a spec or story
        names the key instead: :func:`~scenes.cli.errors.keys_not_flags`).
    """
    known = {item.name: item for item in scene_fields(scene)}
    given = {}
    for name, value in values.items():
        key = name.replace("-", "_")
        if key not in known:
            allowed = ", ".join(item.flag[2:] for item in known.values()) or "none"
            raise NetreelError(f"{scene.name or scene.__name__} has no parameter {name!r} (allowed: {allowed})")
        try:
            given[key] = known[key].convert(value)
        except ValueError as error:
            raise NetreelError(f"{known[key].flag}: {error}") from None
    if seed is not None and "seed" in {f.name for f in fields(scene.Options)}:
        given["seed"] = seed
    try:
        options = scene.Options(**given)
        options.validate()
    except (ValueError, TypeError) as error:
        raise NetreelError(one_line(error)) from None
    return options
