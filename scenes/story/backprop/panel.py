"""The maths beside the backprop diagram: a heading and rows of formulas with the real numbers.

A :class:`FormulaPanel` stacks its rows from the panel's top-left corner, shrinks
any row wider than the panel and steps in the rows that carry on the line above
(``+ b = z``, ``= ...``). Its class methods write each beat's formulas from a
:class:`~scenes.story.backprop.numbers.BackpropNumbers`, every number with
:func:`~scenes.story.backprop.numbers.shown`, so tests can read them back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, Line, MarkupText, Mobject, VGroup, config

from scenes.mobjects.flat import flatten
from scenes.story.backprop.numbers import (
    DECIMALS,
    LOSS_DECIMALS,
    BackpropNumbers,
    input_name,
    shown,
)
from scenes.text import FRAME_MARGIN, fit_width, label, markup
from scenes.theme import Theme

__all__ = ["FormulaPanel", "factor", "weighted_sum", "fraction", "PANEL_LEFT", "PANEL_TOP", "PANEL_SIZE"]

#: The panel's top-left corner, scene units: right of the network, below the frame's top.
PANEL_LEFT = 0.85
PANEL_TOP = 3.45
#: Font sizes of the rows and of the heading.
PANEL_SIZE = 22
HEADING_SIZE = 28
#: How far a row that carries on the line above steps in.
INDENT = 0.4


def factor(value: float, decimals: int = DECIMALS) -> str:
    """A number as a factor in a product: negatives in brackets."""
    text = shown(value, decimals)
    return f"({text})" if text.startswith("\u2212") else text


def weighted_sum(name: str, weights: np.ndarray, inputs: np.ndarray, bias: float, total: float) -> list[str]:
    """``name = w1 × a1 + w2 × a2`` then ``+ b = total``, with the real numbers, as two lines."""
    terms = " + ".join(f"{factor(w)} × {factor(a)}" for w, a in zip(weights, inputs))
    return [f"{name} = {terms}", f"      + {factor(bias)} = {shown(total)}"]


def fraction(top: str, bottom: str, color: str, size: float) -> VGroup:
    """∂top over ∂bottom, stacked, with a rule between."""
    num, den = markup(top, color, size), markup(bottom, color, size)
    half = (max(num.width, den.width) + 0.1) / 2
    rule = Line(half * LEFT, half * RIGHT, stroke_width=2, color=color)
    return VGroup(num, rule, den).arrange(DOWN, buff=0.08)


def _continues(row: Mobject) -> bool:
    """Whether a row carries on the line above ("+ b = z", "= ..."), so steps in."""
    return getattr(row, "original_text", "").lstrip().startswith(("+", "="))


class FormulaPanel(VGroup):
    """A bold heading, then rows of formulas, stacked from the panel's top-left corner.

    The rows are the panel's submobjects, ``panel[0]`` the heading; a story
    reveals them one by one. The class methods build each beat's panel of the
    backprop story from its numbers.

    Parameters
    ----------
    theme : colours (heading ``accent``, rows ``text``).
    heading : the panel's title.
    *rows : Pango markup, one line each, or ready mobjects (a chart, an equation).
    corner : where the panel's top-left corner goes.
    width : widest row; wider ones shrink. Default: from ``corner`` to the frame's right margin.
    **kwargs : passed on to ``VGroup``.

    Attributes
    ----------
    lines : the markup of every text row, in order (what a reader sees).

    Examples
    --------
    .. manim:: FormulaPanelExample

        from manim import FadeIn, LaggedStart, Scene
        from scenes.story.backprop.numbers import backprop_numbers
        from scenes.story.backprop.panel import FormulaPanel
        from scenes.theme import THEMES

        class FormulaPanelExample(Scene):
            def construct(self):
                numbers = backprop_numbers((1, 2, 1), [0.5], [1.5], lr=0.1, steps=1, seed=0)
                panel = FormulaPanel.chain_rule(numbers, THEMES["dark"], corner=(-3, 2, 0))
                self.play(LaggedStart(*(FadeIn(row) for row in panel), lag_ratio=0.3))
    """

    def __init__(
        self,
        theme: Theme,
        heading: str,
        *rows: str | Mobject,
        corner: Sequence[float] = (PANEL_LEFT, PANEL_TOP, 0),
        width: float | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        rows = [markup(row, theme.text, PANEL_SIZE) if isinstance(row, str) else row for row in rows]
        self.lines = [row.original_text for row in rows if isinstance(row, MarkupText)]
        # Text rows are drawn as one path each (they never change): far fewer mobjects to fade.
        self.add(flatten(label(heading, theme.accent, HEADING_SIZE, weight="BOLD")))
        self.add(*(flatten(row) if isinstance(row, MarkupText) else row for row in rows))
        if width is None:
            width = config.frame_width / 2 - FRAME_MARGIN - corner[0]
        indents = [INDENT if _continues(row) else 0.0 for row in self]
        for row, indent in zip(self, indents):
            fit_width(row, width - indent)
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        self.move_to(list(corner), aligned_edge=UL)
        for row, indent in zip(self, indents):
            row.shift(indent * RIGHT)

    # ------------------------------------------------------------ the backprop story's panels

    @classmethod
    def intro(cls, n: BackpropNumbers, theme: Theme, **kwargs) -> FormulaPanel:
        """The example and the network: input, target, random weights, activations."""
        return cls(
            theme,
            "One example, one network",
            f"input x = {', '.join(shown(v) for v in n.x)}    target y = {shown(n.y[0])}",
            "weights: random to start",
            "hidden neurons: σ (sigmoid)    output: linear",
            **kwargs,
        )

    @classmethod
    def forward_pass(cls, n: BackpropNumbers, theme: Theme, **kwargs) -> FormulaPanel:
        """z = Σ w · a + b and a = σ(z), then worked out for the chain rule's neuron and the output.

        ``panel.worked`` maps each worked-out layer to its rows (after the first three).
        """
        c, last = n.chain, len(n.layer_sizes) - 1
        worked: dict[int, list[str]] = {}
        for layer, j in dict.fromkeys(((c.layer + 1, c.j), (last, 0))):
            z, a = n.zs[layer - 1][j], n.activations[layer][j]
            name = "z" if layer < last else "ŷ = z"
            worked[layer] = weighted_sum(name, n.weights[layer - 1][:, j], n.activations[layer - 1], n.biases[layer - 1][j], z)
            if layer < last:
                worked[layer].append(f"a = σ({shown(z)}) = {shown(a)}")
        panel = cls(
            theme,
            "1 · Forward pass",
            "z = Σ w · a + b    <span size='small'>weigh, then add the bias</span>",
            "a = σ(z)    <span size='small'>squash: the activation</span>",
            *(line for lines in worked.values() for line in lines),
            **kwargs,
        )
        rows = iter(panel[3:])
        panel.worked = {layer: [next(rows) for _ in lines] for layer, lines in worked.items()}
        return panel

    @classmethod
    def loss(cls, n: BackpropNumbers, theme: Theme, **kwargs) -> FormulaPanel:
        """The squared error, with the output and the target."""
        return cls(
            theme,
            "2 · Loss",
            "L = (ŷ − y)<sup>2</sup>    <span size='small'>how far off, squared</span>",
            f"   = ({shown(n.output[0])} − {shown(n.y[0])})<sup>2</sup>",
            f"   = {shown(n.loss, LOSS_DECIMALS)}",
            **kwargs,
        )

    @classmethod
    def backward_pass(cls, n: BackpropNumbers, theme: Theme, **kwargs) -> FormulaPanel:
        """δ = ∂L/∂z: at the output (rows 2-3), at a hidden neuron (row 4), and worked out
        for the chain rule's neuron when it is hidden (row 5)."""
        c = n.chain
        hidden = c.layer + 2 < len(n.layer_sizes)
        worked = f"this neuron:  δ = {factor(c.slope)} × {factor(c.error)} = {shown(n.deltas[c.layer][c.j])}"
        return cls(
            theme,
            "3 · Backward pass",
            "δ = ∂L/∂z    <span size='small'>how much z moves the loss</span>",
            "output:  δ = 2(ŷ − y)",
            f"= 2 × ({shown(n.output[0])} − {shown(n.y[0])}) = {shown(n.deltas[-1][0])}",
            "hidden:  δ = σ′(z) · Σ w · δ",
            *([worked] if hidden else []),
            **kwargs,
        )

    @classmethod
    def chain_rule(cls, n: BackpropNumbers, theme: Theme, **kwargs) -> FormulaPanel:
        """∂L/∂w = ∂L/∂a · ∂a/∂z · ∂z/∂w for the chosen weight, each factor's value and where it comes from.

        Row 1 is the equation: ``panel.fractions`` (∂L/∂w first), ``panel.operators``
        and ``panel.factors`` (each factor's value with its note) are its parts.
        Rows 2-4 multiply it out and tie it to δ.
        """
        t, c = theme, n.chain
        hidden = c.layer + 2 < len(n.layer_sizes)
        a = "a" if hidden else "ŷ"
        source = input_name(n.layer_sizes, c.i) if c.layer == 0 else "a"
        factors = [
            ("∂L", f"∂{a}", c.error, "Σ w · δ\nfrom the right" if hidden else "2(ŷ − y)"),
            (f"∂{a}", "∂z", c.slope, "σ′(z)\n= a(1 − a)" if hidden else "linear\noutput: 1"),
            ("∂z", "∂w", c.input, f"the input\n{source}"),
        ]
        fractions = [fraction("∂L", "∂w", t.accent, 28)]
        values = []
        for top, bottom, value, note in factors:
            fractions.append(fraction(top, bottom, t.text, 28))
            notes = [markup(line, t.muted, 17) for line in note.split("\n")]
            values.append(VGroup(markup(shown(value), t.accent, 26), *notes).arrange(DOWN, buff=0.08))
        columns = [VGroup(fractions[0])] + [VGroup(f, v).arrange(DOWN, buff=0.2) for f, v in zip(fractions[1:], values)]
        operators = [markup(op, t.text, 28) for op in ("=", "·", "·")]
        equation = VGroup(*(m for pair in zip(columns, operators + [VGroup()]) for m in pair))
        equation.arrange(RIGHT, buff=0.18, aligned_edge=UP)  # fits the panel unshrunk, so the notes stay legible
        for op in operators:
            op.set_y(fractions[0][1].get_y())
        panel = cls(
            theme,
            "4 · Chain rule, one weight",
            equation,
            f"∂L/∂w = {' × '.join(factor(v) for *_, v, _ in factors)} = <b>{shown(c.gradient)}</b>",
            markup(f"= δ × input = {factor(n.deltas[c.layer][c.j])} × {factor(c.input)}", t.muted, PANEL_SIZE),
            markup("<span size='small'>(with the δ backprop found)</span>", t.muted, PANEL_SIZE),
            **kwargs,
        )
        panel.fractions, panel.operators, panel.factors = fractions, operators, values
        return panel

    @classmethod
    def gradients(cls, theme: Theme, **kwargs) -> FormulaPanel:
        """Every weight's and bias's gradient, in words."""
        return cls(
            theme,
            "5 · Every weight's gradient",
            "∂L/∂w = input × δ",
            "<span size='small'>a at its left end × δ at its right end</span>",
            "∂L/∂b = δ",
            "<span size='small'>a bias is a weight on a constant input 1</span>",
            **kwargs,
        )

    @classmethod
    def update(cls, n: BackpropNumbers, theme: Theme, **kwargs) -> FormulaPanel:
        """The SGD step for the chain rule's weight, the biases, and the loss before and after (row 4)."""
        c, lr = n.chain, f"{n.lr:g}"
        old, new = n.weights[c.layer][c.i, c.j], n.weights_at(1)[c.layer][c.i, c.j]
        return cls(
            theme,
            "6 · Update",
            f"w ← w − η · ∂L/∂w    η = {lr}",
            f"{shown(old)} − {lr} × {factor(c.gradient)} = {shown(new)}",
            "b ← b − η · δ    <span size='small'>biases too</span>",
            f"loss:  {shown(n.loss, LOSS_DECIMALS)}  →  <b>{shown(n.frame_loss[1], LOSS_DECIMALS)}</b>",
            **kwargs,
        )
