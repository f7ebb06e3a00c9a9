"""Section 5: backpropagation, one step at a time, with the network's real numbers.

A small network, drawn large, takes one training example through a full
step: the forward pass (z and a on every neuron), the loss, the backward pass
(δ on every neuron), the chain rule written out for one hidden weight, every
weight's gradient, the SGD update and the lower loss; then a few more steps,
faster, with a loss curve. Every number comes from
:func:`scenes.backprop_numbers.backprop_numbers` (netcore) and is written with
its :func:`~scenes.backprop_numbers.shown` rounding::

    manim render -ql scenes/story/backprop/scene.py Backpropagation
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UL,
    UP,
    Animation,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    Mobject,
    VGroup,
    config,
)

from netcore import TrainingDiverged
from scenes.base import NetreelScene, SceneOptions, option
from scenes.mobjects.loss_curve import LossCurve
from scenes.story.backprop.diagram import BackpropDiagram, ValueLabel, indicate
from scenes.story.backprop.numbers import (
    DECIMALS,
    LOSS_DECIMALS,
    BackpropNumbers,
    backprop_numbers,
    input_name,
    shown,
)
from scenes.text import FRAME_MARGIN, Caption, fit_width, label, markup

__all__ = ["Backpropagation", "BackpropOptions", "LAYOUTS"]

#: The network shapes the layout has room for: 1-2 inputs, one or two hidden layers of 2, one output.
LAYOUTS: tuple[tuple[int, ...], ...] = ((1, 2, 1), (2, 2, 1), (1, 2, 2, 1), (2, 2, 2, 1))
_LAYOUT_TEXT = " or ".join(",".join(map(str, sizes)) for sizes in LAYOUTS)

# Layout, scene units: the network on the left (neuron centres inside NET_SPAN), the maths on the right.
RADIUS = {3: 0.42, 4: 0.36}  # by number of layers: deeper networks get closer layers
NET_CENTRE = np.array([-3.15, 0.3, 0.0])
NET_SPAN = (5.3, 4.2)
PANEL_LEFT = 0.85
PANEL_TOP = 3.45
PANEL_SIZE = 22


@dataclass
class BackpropOptions(SceneOptions):
    layers: tuple[int, ...] = option((1, 2, 1), f"layer sizes, one of {_LAYOUT_TEXT}", low=1)
    input: tuple[float, ...] = option((0.5,), "the training input x, one value per input neuron", low=-5, high=5)
    target: tuple[float, ...] = option((1.5,), "the target output y (one value)", low=-5, high=5)
    lr: float = option(0.1, "SGD learning rate η, greater than 0", low=0, high=2)
    steps: int = option(12, "quick SGD steps shown after the one explained in full", low=1, high=60)
    seed: int = option(0, "seed of the random initial weights", low=0, high=2**31 - 1)
    weight: tuple[int, int, int] = option(
        (0, 0, 0),
        "the weight whose chain rule is written out: layer (0 = from the inputs), from neuron, to neuron; from 0",
        low=0,
    )

    def check(self) -> None:
        sizes = tuple(self.layers)
        text = ",".join(f"{n:g}" for n in sizes)
        if sizes not in LAYOUTS or not all(isinstance(n, int) for n in sizes):
            raise ValueError(f"--layers {text} does not fit the backprop layout; choose {_LAYOUT_TEXT}")
        for flag, values, size in (("--input", self.input, sizes[0]), ("--target", self.target, sizes[-1])):
            if len(values) != size:
                raise ValueError(f"{flag} has {len(values)} value(s) but --layers {text} has {size} neuron(s) there")
        if self.lr <= 0:
            raise ValueError(f"--lr must be greater than 0, got {self.lr!r}")
        layer, i, j = self.weight
        if layer >= len(sizes) - 1 or i >= sizes[layer] or j >= sizes[layer + 1]:
            raise ValueError(
                f"--weight {layer},{i},{j} is not a weight of --layers {text}: "
                f"layer 0-{len(sizes) - 2}, then the from and to neuron of that layer, counting from 0"
            )
        try:
            losses = self.numbers().frame_loss
        except TrainingDiverged as error:
            raise ValueError(f"--lr {self.lr:g}: {error}") from None
        # The story is a loss that falls; a step so big it overshoots would also overflow the layout.
        if not (losses[-1] < losses[0] and losses.max() <= 4 * losses[0]):
            raise ValueError(
                f"--lr {self.lr:g} overshoots for this example: the loss goes from {losses[0]:.3g} "
                f"to as high as {losses.max():.3g} and ends at {losses[-1]:.3g} after {len(losses) - 1} steps; "
                "try a smaller --lr"
            )

    # Not a dataclass field (no annotation), so no flag: (option values, their numbers).
    # It travels with the options when they are pickled to a worker process.
    _computed = None

    def numbers(self) -> BackpropNumbers:
        """Everything the scene shows, computed by netcore once per set of option values.

        :meth:`check` trains the network to catch divergence before anything renders;
        the scene then reuses those numbers instead of training again.
        """
        key = astuple(self)
        if self._computed is None or self._computed[0] != key:
            numbers = backprop_numbers(self.layers, self.input, self.target, self.lr, self.steps, self.seed, self.weight)
            self._computed = (key, numbers)
        return self._computed[1]


def _factor(value: float, decimals: int = DECIMALS) -> str:
    """A number as a factor in a product: negatives in brackets."""
    text = shown(value, decimals)
    return f"({text})" if text.startswith("\u2212") else text


def _weighted_sum(name: str, weights: np.ndarray, inputs: np.ndarray, bias: float, total: float) -> list[str]:
    """``name = w1 × a1 + w2 × a2`` then ``+ b = total``, with the real numbers, as two lines."""
    terms = " + ".join(f"{_factor(w)} × {_factor(a)}" for w, a in zip(weights, inputs))
    return [f"{name} = {terms}", f"      + {_factor(bias)} = {shown(total)}"]


def _fraction(top: str, bottom: str, color: str, size: float) -> VGroup:
    """∂top over ∂bottom, stacked, with a rule between."""
    num, den = markup(top, color, size), markup(bottom, color, size)
    half = (max(num.width, den.width) + 0.1) / 2
    rule = Line(half * LEFT, half * RIGHT, stroke_width=2, color=color)
    return VGroup(num, rule, den).arrange(DOWN, buff=0.08)


def _continues(row: Mobject) -> bool:
    """Whether a panel row carries on the line above ("+ b = z", "= ..."), so steps in."""
    return getattr(row, "original_text", "").lstrip().startswith(("+", "="))


class Backpropagation(NetreelScene):
    """One SGD step explained number by number, then the loop running faster.

    After rendering, ``numbers`` holds what was shown (netcore's values),
    ``panel_text`` every formula line written, and the ``*_values`` dicts the
    ticking numbers on the diagram.
    """

    Options = BackpropOptions
    name = "backprop"
    description = "Backpropagation with the network's real numbers: forward, loss, backward, chain rule, update."

    def construct(self) -> None:
        self.numbers = self.options.numbers()
        self.caption = Caption(self.theme)
        self.panel_text: list[str] = []
        self.on_panel: list[Mobject] = []
        radius = RADIUS[len(self.numbers.layer_sizes)]
        self.diagram = BackpropDiagram(
            self.numbers, self.theme, center=NET_CENTRE,
            width=NET_SPAN[0] + 2 * radius, height=NET_SPAN[1] + 2 * radius, neuron_radius=radius,
        )
        self.last = self.diagram.last
        self.intro()
        self.forward_pass()
        self.loss_beat()
        self.backward_pass()
        self.chain_rule()
        self.all_gradients()
        self.update()
        self.loop()

    # ------------------------------------------------------------ the panel

    def _panel(self, heading: str, *lines: str) -> VGroup:
        """The right-hand panel, placed but not shown: a heading, then one markup line each."""
        self.panel_text.extend(lines)
        t = self.theme
        rows = [label(heading, t.accent, 28, weight="BOLD")] + [markup(line, t.text, PANEL_SIZE) for line in lines]
        return self._place(VGroup(*rows))

    def _place(self, rows: VGroup) -> VGroup:
        """Stack ``rows`` at the panel's top left, shrinking any row wider than the panel."""
        width = config.frame_width / 2 - FRAME_MARGIN - PANEL_LEFT
        indents = [0.4 if _continues(row) else 0.0 for row in rows]
        for row, indent in zip(rows, indents):
            fit_width(row, width - indent)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        rows.move_to([PANEL_LEFT, PANEL_TOP, 0], aligned_edge=UL)
        for row, indent in zip(rows, indents):
            row.shift(indent * RIGHT)
        return rows

    def _reveal(self, *rows: Mobject, run_time: float = 0.8) -> Animation:
        """Bring ``rows`` onto the panel."""
        self.on_panel.extend(rows)
        return LaggedStart(*(FadeIn(r, shift=0.15 * RIGHT) for r in rows), lag_ratio=0.3, run_time=run_time)

    def _new_panel(self, *rows: Mobject) -> None:
        """Clear the panel and reveal ``rows``."""
        old, self.on_panel = self.on_panel, []
        self.play(*(FadeOut(r) for r in old), self._reveal(*rows))

    def _say(self, text: str) -> None:
        self.play(self.caption.say(text))

    # ------------------------------------------------------------------ beats

    def intro(self) -> None:
        n, d = self.numbers, self.diagram
        panel = self._panel(
            "One example, one network",
            f"input x = {', '.join(shown(v) for v in n.x)}    target y = {shown(n.y[0])}",
            "weights: random to start",
            "hidden neurons: σ (sigmoid)    output: linear",
        )
        self._say("backprop: how a network tweaks its own weights")
        self.play(
            FadeIn(self.diagram), FadeIn(VGroup(*d.weight_values.values())),
            FadeIn(d.of_layer(d.a_values, 0)), FadeIn(d.tags), FadeIn(d.target_value),
            run_time=1.2,
        )
        self._new_panel(*panel)
        self.wait(2.0)

    def forward_pass(self) -> None:
        n, t, c, d = self.numbers, self.theme, self.numbers.chain, self.diagram
        worked: dict[int, list[str]] = {}  # layer -> its worked lines
        for layer, j in dict.fromkeys(((c.layer + 1, c.j), (self.last, 0))):
            z, a = n.zs[layer - 1][j], n.activations[layer][j]
            name = "z" if layer < self.last else "ŷ = z"
            worked[layer] = _weighted_sum(name, n.weights[layer - 1][:, j], n.activations[layer - 1], n.biases[layer - 1][j], z)
            if layer < self.last:
                worked[layer].append(f"a = σ({shown(z)}) = {shown(a)}")
        panel = self._panel(
            "1 · Forward pass",
            "z = Σ w · a + b    <span size='small'>weigh, then add the bias</span>",
            "a = σ(z)    <span size='small'>squash: the activation</span>",
            *(line for lines in worked.values() for line in lines),
        )
        self._say("forward pass: weigh the inputs (z), then squash them (a)")
        self._new_panel(*panel[:3])
        rows = iter(panel[3:])
        for layer in range(1, self.last + 1):
            self.play(*d.flash(t.accent, layer - 1), run_time=1.0)
            anims = [FadeIn(d.of_layer(d.z_values, layer)), FadeIn(d.of_layer(d.a_values, layer))]
            if layer in worked:
                anims.append(self._reveal(*(next(rows) for _ in worked[layer])))
            self.play(*anims)
            if layer in worked:
                self.play(indicate(d.neuron_with_value(layer, c.j if layer < self.last else 0), t.accent))
            self.wait(1.0 if layer in worked else 0.4)
        self.wait(1.5)

    def loss_beat(self) -> None:
        n, t, d = self.numbers, self.theme, self.diagram
        panel = self._panel(
            "2 · Loss",
            "L = (ŷ − y)<sup>2</sup>    <span size='small'>how far off, squared</span>",
            f"   = ({shown(n.output[0])} − {shown(n.y[0])})<sup>2</sup>",
            f"   = {shown(n.loss, LOSS_DECIMALS)}",
        )
        self._say("how wrong is it? the loss squares the gap to the target")
        self._new_panel(*panel)
        self.play(indicate(d.a_values[self.last, 0], t.output), indicate(d.target_value, t.target))
        self.play(FadeIn(d.loss_value, shift=0.1 * DOWN))
        self.wait(2.0)

    def backward_pass(self) -> None:
        n, t, c, d = self.numbers, self.theme, self.numbers.chain, self.diagram
        hidden = c.layer + 1 < self.last
        worked = [f"this neuron:  δ = {_factor(c.slope)} × {_factor(c.error)} = {shown(n.deltas[c.layer][c.j])}"]
        panel = self._panel(
            "3 · Backward pass",
            "δ = ∂L/∂z    <span size='small'>how much z moves the loss</span>",
            "output:  δ = 2(ŷ − y)",
            f"= 2 × ({shown(n.output[0])} − {shown(n.y[0])}) = {shown(n.deltas[-1][0])}",
            "hidden:  δ = σ′(z) · Σ w · δ",
            *(worked if hidden else []),
        )
        self._say("backward pass: the blame (δ) flows back, layer by layer")
        self._new_panel(*panel[:2])
        self.play(FadeIn(d.of_layer(d.delta_values, self.last)), self._reveal(panel[2], panel[3]))
        self.wait(1.0)
        for layer in range(self.last - 1, 0, -1):
            self.play(*d.flash(t.error, layer, backwards=True), run_time=1.0)
            anims = [FadeIn(d.of_layer(d.delta_values, layer))]
            if layer == self.last - 1:
                anims.append(self._reveal(panel[4]))
            if hidden and layer == c.layer + 1:
                anims += [self._reveal(panel[5]), indicate(d.neuron_with_value(layer, c.j), t.accent)]
            self.play(*anims)
            self.wait(1.0)
        self.wait(1.5)

    def chain_rule(self) -> None:
        n, t, c, d = self.numbers, self.theme, self.numbers.chain, self.diagram
        hidden = c.layer + 1 < self.last
        a = "a" if hidden else "ŷ"
        source = input_name(n.layer_sizes, c.i) if c.layer == 0 else "a"
        factors = [
            ("∂L", f"∂{a}", c.error, "Σ w · δ\nfrom the right" if hidden else "2(ŷ − y)"),
            (f"∂{a}", "∂z", c.slope, "σ′(z)\n= a(1 − a)" if hidden else "linear\noutput: 1"),
            ("∂z", "∂w", c.input, f"the input\n{source}"),
        ]
        fractions = [_fraction("∂L", "∂w", t.accent, 28)]
        values = []
        for top, bottom, value, note in factors:
            fractions.append(_fraction(top, bottom, t.text, 28))
            notes = [markup(line, t.muted, 17) for line in note.split("\n")]
            values.append(VGroup(markup(shown(value), t.accent, 26), *notes).arrange(DOWN, buff=0.08))
        columns = [VGroup(fractions[0])] + [VGroup(f, v).arrange(DOWN, buff=0.2) for f, v in zip(fractions[1:], values)]
        operators = [markup(op, t.text, 28) for op in ("=", "·", "·")]
        equation = VGroup(*(m for pair in zip(columns, operators + [VGroup()]) for m in pair))
        equation.arrange(RIGHT, buff=0.18, aligned_edge=UP)  # fits the panel unshrunk, so the notes stay legible
        for op in operators:
            op.set_y(fractions[0][1].get_y())
        lines = [
            f"∂L/∂w = {' × '.join(_factor(v) for *_, v, _ in factors)} = <b>{shown(c.gradient)}</b>",
            f"= δ × input = {_factor(n.deltas[c.layer][c.j])} × {_factor(c.input)}",
            "<span size='small'>(with the δ backprop found)</span>",
        ]
        self.panel_text.extend(lines)
        rows = VGroup(
            label("4 · Chain rule, one weight", t.accent, 28, weight="BOLD"),
            equation,
            markup(lines[0], t.text, PANEL_SIZE),
            markup(lines[1], t.muted, 22),
            markup(lines[2], t.muted, 22),
        )
        self._place(rows)
        self._say("the chain rule: multiply the blame along one weight's path")
        edge = d.edge(c.layer, c.i, c.j)
        self._new_panel(rows[0], *fractions, *operators)
        self.play(
            edge.animate.set_stroke(t.accent, width=9),
            d.weight_values[c.layer, c.i, c.j].number.animate.set_color(t.accent),
        )
        sources = [
            d.of_layer(d.delta_values, c.layer + 2) if hidden else VGroup(d.a_values[self.last, 0], d.target_value),
            VGroup(d.neuron_with_value(c.layer + 1, c.j), d.z_values[c.layer + 1, c.j]),
            d.a_values[c.layer, c.i],
        ]
        for value, where in zip(values, sources):
            self.play(self._reveal(value), indicate(where, t.accent), run_time=1.0)
            self.wait(0.8)
        self.play(self._reveal(rows[2]))
        self.wait(1.2)
        self.play(self._reveal(rows[3], rows[4]), indicate(d.delta_values[c.layer + 1, c.j], t.accent))
        self.wait(2.5)

    def all_gradients(self) -> None:
        d = self.diagram
        panel = self._panel(
            "5 · Every weight's gradient",
            "∂L/∂w = input × δ",
            "<span size='small'>a at its left end × δ at its right end</span>",
            "∂L/∂b = δ",
            "<span size='small'>a bias is a weight on a constant input 1</span>",
        )
        self._say("every weight gets its gradient the same way: input × δ")
        self._new_panel(*panel)
        self.play(
            *(FadeOut(v) for v in d.weight_values.values()),
            *(FadeIn(v) for v in d.grad_values.values()),
            run_time=1.2,
        )
        self.wait(3.0)

    def update(self) -> None:
        n, t, c, d = self.numbers, self.theme, self.numbers.chain, self.diagram
        lr = f"{n.lr:g}"
        old, new = n.weights[c.layer][c.i, c.j], n.weights_at(1)[c.layer][c.i, c.j]
        loss_after = n.frame_loss[1]
        panel = self._panel(
            "6 · Update",
            f"w ← w − η · ∂L/∂w    η = {lr}",
            f"{shown(old)} − {lr} × {_factor(c.gradient)} = {shown(new)}",
            "b ← b − η · δ    <span size='small'>biases too</span>",
            f"loss:  {shown(n.loss, LOSS_DECIMALS)}  →  <b>{shown(loss_after, LOSS_DECIMALS)}</b>",
        )
        self._say("the network tweaks its own weights: a small step downhill")
        self._new_panel(*panel[:4])
        self.play(
            *(FadeOut(v) for v in d.grad_values.values()),
            *(FadeIn(v) for v in d.weight_values.values()),
            FadeOut(VGroup(*d.delta_values.values())),
        )
        self.play(d.tween(0, 1, values=False), run_time=2.0)
        d.weight_values[c.layer, c.i, c.j].paint()
        self.wait(0.8)
        self._say("then run it forward again")
        self.play(*d.flash(t.accent, *range(self.last)), run_time=1.0)
        self.play(d.tween(0, 1, weights=False), run_time=1.5)
        self.play(self._reveal(panel[4]))
        if loss_after < n.loss:
            say = f"the loss fell from {shown(n.loss, LOSS_DECIMALS)} to {shown(loss_after, LOSS_DECIMALS)}"
        else:
            say = "that step was too big: the loss went up (a smaller η would help)"
        self._say(say)
        self.wait(2.0)

    def loop(self) -> None:
        n, t = self.numbers, self.theme
        frames = len(n.frame_steps)
        hi = float(n.frame_loss.max())
        lo = max(min(float(n.frame_loss.min()), hi / 10), hi * 1e-6)
        curve = LossCurve(t, max_step=int(n.frame_steps[-1]), loss_range=(lo, hi), width=4.6, height=2.2)
        step = ValueLabel(1, t.text, t, prefix="step", decimals=0, size=24, patch=False)
        rows = self._place(VGroup(label("7 · Again, and again", t.accent, 28, weight="BOLD"), step, curve))
        curve.shift(0.45 * RIGHT)  # room for its tick labels
        curve.set_data(n.frame_steps[:2], n.frame_loss[:2])
        self._say("again and again: forward, backward, update")
        self._new_panel(*rows)

        def readout(k: int) -> None:
            step.set_data(n.frame_steps[k])
            curve.set_data(n.frame_steps[: k + 1], n.frame_loss[: k + 1])

        tween = self.diagram.tween(1, frames - 1, on_step=readout, followers=(step, curve))
        self.play(tween, run_time=float(np.clip(0.45 * frames, 3.0, 10.0)))
        self.wait(1.0)
        self._say("that's backprop: every weight keeps stepping downhill")
        self.wait(2.5)
