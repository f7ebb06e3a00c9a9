"""Safe target expressions such as ``sin(3*x) + 0.5*x**2``, and named presets.

The text is parsed with :func:`ast.parse` and walked node by node into a tree of small
closures; nothing is ever passed to ``eval``, ``exec`` or ``compile``.  Allowed:

- numbers (int or float literals), the variable ``x``, the constants ``pi`` and ``e``;
- unary ``+ -``; binary ``+ - * / ** %``; comparisons ``< <= > >= == !=`` (giving 0.0/1.0);
- calls by bare name, positional arguments only, of: {functions}.

Anything else raises :class:`TargetError` naming the offending piece.  A constant
exponent above ``MAX_EXPONENT`` in magnitude is rejected before anything is computed
(all arithmetic is float64, so other overflows just give ``inf``), and so is text longer
than ``MAX_LENGTH`` characters or nested deeper than ``MAX_DEPTH``.
"""
from __future__ import annotations

import ast
import math
import operator
from typing import Callable

import numpy as np

__all__ = ["TargetError", "PRESETS", "FUNCTIONS", "MAX_LENGTH", "MAX_EXPONENT", "MAX_DEPTH", "parse_target"]

MAX_LENGTH = 500
MAX_EXPONENT = 100
MAX_DEPTH = 100

Fn = Callable[[np.ndarray], np.ndarray]

#: Named presets, chosen to suit the default interval [-1, 1].
PRESETS: dict[str, str] = {
    "sine": "sin(pi*x)",
    "bump": "exp(-10*x**2)",
    "abs": "abs(x)",
    "sawtooth": "2*((x + 0.5) % 1) - 1",  # its jumps at x = -0.5 and 0.5, inside [-1, 1], not at an edge
    "wiggly": "sin(3*x) + 0.3*sin(9*x)",
    "step": "where(x > 0, 1, 0)",
}

#: Allowed functions: name -> (numpy implementation, number of positional arguments).
FUNCTIONS: dict[str, tuple[Callable[..., np.ndarray], int]] = {
    **{name: (getattr(np, name), 1) for name in (
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
        "exp", "log", "log2", "log10", "sqrt", "abs", "sign", "floor", "ceil")},
    "minimum": (np.minimum, 2),
    "maximum": (np.maximum, 2),
    "heaviside": (np.heaviside, 2),
    "where": (lambda c, a, b: np.where(c != 0, a, b), 3),
    "clip": (np.clip, 3),
}

__doc__ = __doc__.format(functions=", ".join(FUNCTIONS))

_CONSTANTS = {"pi": math.pi, "e": math.e}

_BINARY = {
    ast.Add: ("+", np.add), ast.Sub: ("-", np.subtract), ast.Mult: ("*", np.multiply),
    ast.Div: ("/", np.true_divide), ast.Pow: ("**", np.power), ast.Mod: ("%", np.mod),
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_COMPARE = {
    ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater,
    ast.GtE: np.greater_equal, ast.Eq: np.equal, ast.NotEq: np.not_equal,
}
# Friendly names for rejected syntax; anything unlisted falls back to its class name.
_FORBIDDEN = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension", ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression", ast.JoinedStr: "f-string",
    ast.NamedExpr: "assignment ':='", ast.BoolOp: "and/or", ast.IfExp: "if/else",
    ast.List: "list", ast.Tuple: "tuple", ast.Set: "set", ast.Dict: "dict",
    ast.Starred: "starred argument", ast.Await: "await", ast.Slice: "slice",
}


class TargetError(ValueError):
    """A target expression that is empty, malformed, or uses something not allowed."""


def _allowed_names() -> str:
    return ", ".join(["x", *_CONSTANTS, *FUNCTIONS])


def _snippet(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _depth(tree: ast.AST) -> int:
    # Iterative, so that measuring a pathological tree cannot itself overflow the stack.
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _has_x(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "x" for n in ast.walk(node))


def _compile(node: ast.AST) -> Fn:
    """Validate ``node`` and return a function of ``x`` computing it (recursively)."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "complex number" if isinstance(value, complex) else type(value).__name__
            raise TargetError(f"{kind} {_snippet(node)} is not allowed in a target expression")
        try:
            number = np.float64(value)
        except OverflowError:
            raise TargetError(f"number {_snippet(node)} is too large") from None
        return lambda x: number
    if isinstance(node, ast.Name):
        if node.id == "x":
            return lambda x: x
        if node.id in _CONSTANTS:
            number = np.float64(_CONSTANTS[node.id])
            return lambda x: number
        if node.id in FUNCTIONS:
            raise TargetError(f"function '{node.id}' must be called, e.g. {node.id}(x)")
        raise TargetError(f"unknown name '{node.id}' in target expression (allowed: {_allowed_names()})")
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        op, operand = _UNARY[type(node.op)], _compile(node.operand)
        return lambda x: op(operand(x))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _, op = _BINARY[type(node.op)]
        left, right = _compile(node.left), _compile(node.right)
        if isinstance(node.op, ast.Pow) and not _has_x(node.right):
            exponent = _evaluate(right, np.float64(0.0))
            if not abs(exponent) <= MAX_EXPONENT:
                raise TargetError(f"exponent {_snippet(node.right)} too large (max {MAX_EXPONENT})")
        return lambda x: op(left(x), right(x))
    if isinstance(node, ast.Compare) and all(type(o) in _COMPARE for o in node.ops):
        return _compile_compare(node)
    if isinstance(node, ast.Call):
        return _compile_call(node)
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare)):
        raise TargetError(f"operator in '{_snippet(node)}' is not allowed "
                          "(allowed: + - * / ** % and comparisons)")
    what = _FORBIDDEN.get(type(node), type(node).__name__)
    piece = f"'.{node.attr}'" if isinstance(node, ast.Attribute) else f"'{_snippet(node)}'"
    raise TargetError(f"{what} {piece} is not allowed in a target expression")


def _compile_compare(node: ast.Compare) -> Fn:
    # A chain a < b < c means (a < b) and (b < c), as in Python.
    operands = [_compile(n) for n in (node.left, *node.comparators)]
    ops = [_COMPARE[type(o)] for o in node.ops]

    def compare(x: np.ndarray) -> np.ndarray:
        values = [f(x) for f in operands]
        result = np.asarray(True)
        for op, a, b in zip(ops, values, values[1:]):
            result = result & op(a, b)
        return result.astype(np.float64)

    return compare


def _compile_call(node: ast.Call) -> Fn:
    if not isinstance(node.func, ast.Name):
        raise TargetError(f"call of '{_snippet(node.func)}' is not allowed; "
                          "call functions by bare name, e.g. sin(x)")
    name = node.func.id
    if name not in FUNCTIONS:
        raise TargetError(f"unknown function '{name}' in target expression (allowed: {', '.join(FUNCTIONS)})")
    if node.keywords:
        raise TargetError(f"keyword arguments are not allowed in '{_snippet(node)}'")
    func, arity = FUNCTIONS[name]
    if len(node.args) != arity:
        raise TargetError(f"{name}() takes {arity} argument{'s' * (arity > 1)}, "
                          f"got {len(node.args)} in '{_snippet(node)}'")
    args = [_compile(a) for a in node.args]
    return lambda x: func(*(a(x) for a in args))


def _evaluate(fn: Fn, x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return fn(x)


def parse_target(text: str) -> Callable[[np.ndarray], np.ndarray]:
    """Parse a target expression in ``x`` (or a :data:`PRESETS` name) into a function.

    The returned function takes an array-like ``x`` and returns a float64 array of the
    same shape (constants are broadcast).  It never raises on float input; out-of-domain
    values (``log(-1)``, ``1/0``) come back as NaN or inf.

    Raises
    ------
    TargetError
        If the text is empty, too long, not valid syntax, or uses anything not allowed.

    Examples
    --------
    >>> f = parse_target("sin(pi*x) + 1")
    >>> f(np.array([0.0, 0.5])).tolist()
    [1.0, 2.0]
    """
    if not isinstance(text, str):
        raise TargetError(f"target expression must be text, got {type(text).__name__}")
    source = PRESETS.get(text.strip(), text)
    if len(source) > MAX_LENGTH:
        raise TargetError(f"target expression too long ({len(source)} characters, max {MAX_LENGTH})")
    if not source.strip():
        raise TargetError("empty target expression")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        where = f" at column {error.offset}" if error.offset else ""
        raise TargetError(f"syntax error{where} in target expression: {error.msg}") from None
    except (ValueError, RecursionError, MemoryError):
        raise TargetError("target expression could not be parsed "
                          "(too deeply nested or invalid characters)") from None
    # Bounding the depth keeps both compiling and every later call far from the recursion limit.
    if _depth(tree.body) > MAX_DEPTH:
        raise TargetError(f"target expression is nested too deeply (max depth {MAX_DEPTH})")
    body = _compile(tree.body)

    def target(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        return np.broadcast_to(np.asarray(_evaluate(body, x), dtype=np.float64), x.shape).copy()

    return target
