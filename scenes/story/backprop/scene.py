"""Section 5: backpropagation, one step at a time, with the network's real numbers.

A small network, drawn large, takes one training example through a full
step: the forward pass (z and a on every neuron), the loss, the backward pass
(δ on every neuron), the chain rule written out for one hidden weight, every
weight's gradient, the SGD update and the lower loss; then a few more steps,
faster, with a loss curve. Every number comes from
:func:`~scenes.story.backprop.numbers.backprop_numbers` (netcore), computed once
when the options are checked. The numbers go on a
:class:`~scenes.story.backprop.diagram.BackpropDiagram` and the formulas on a
:class:`~scenes.story.backprop.panel.FormulaPanel`, so this module is the story's
beats::

    manim render -ql scenes/story/backprop/scene.py Backpropagation
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
from manim import DOWN, RIGHT, Animation, FadeIn, FadeOut, LaggedStart, Mobject, VGroup

from netcore import TrainingDiverged
from scenes.base import NetreelScene, SceneOptions, option
from scenes.mobjects.loss_curve import LossCurve
from scenes.story.backprop.diagram import BackpropDiagram, ValueLabel, indicate
from scenes.story.backprop.numbers import (
    LOSS_DECIMALS,
    BackpropNumbers,
    backprop_numbers,
    shown,
)
from scenes.story.backprop.panel import FormulaPanel
from scenes.text import Caption

__all__ = ["Backpropagation", "BackpropOptions", "LAYOUTS"]

#: The network shapes the layout has room for: 1-2 inputs, one or two hidden layers of 2, one output.
LAYOUTS: tuple[tuple[int, ...], ...] = ((1, 2, 1), (2, 2, 1), (1, 2, 2, 1), (2, 2, 2, 1))
_LAYOUT_TEXT = " or ".join(",".join(map(str, sizes)) for sizes in LAYOUTS)

# Layout, scene units: the network on the left (neuron centres inside NET_SPAN), the maths
# on the right (the FormulaPanel's default corner).
RADIUS = {3: 0.42, 4: 0.36}  # by number of layers: deeper networks get closer layers
NET_CENTRE = np.array([-3.15, 0.3, 0.0])
NET_SPAN = (5.3, 4.2)


@dataclass
class BackpropOptions(SceneOptions):
    layers: tuple[int, ...] = option((1, 2, 1), f"layer sizes, one of {_LAYOUT_TEXT}", low=1)
    input: tuple[float, ...] = option((0.5,), "the training input x, one value per input neuron", low=-5, high=5)
    target: tuple[float, ...] = option((1.5,), "the target output y (one value)", low=-5, high=5)
    lr: float = option(0.1, "SGD learning rate η, above 0", above=0, high=2)
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


class Backpropagation(NetreelScene):
    """One SGD step explained number by number, then the loop running faster.

    After rendering, ``numbers`` holds what was shown (netcore's values),
    ``diagram`` the network with its ticking labels and ``panel_text`` every
    formula line written.
    """

    Options = BackpropOptions
    name = "backprop"
    description = "Backpropagation with the network's real numbers: forward, loss, backward, chain rule, update."

    def setup(self) -> None:
        super().setup()
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

    def construct(self) -> None:
        self.intro()
        self.forward_pass()
        self.loss_beat()
        self.backward_pass()
        self.chain_rule()
        self.all_gradients()
        self.update()
        self.loop()

    # ------------------------------------------------------------ the panel and the caption

    def _reveal(self, *rows: Mobject, run_time: float = 0.8) -> Animation:
        """Bring ``rows`` onto the panel."""
        self.on_panel.extend(rows)
        return LaggedStart(*(FadeIn(r, shift=0.15 * RIGHT) for r in rows), lag_ratio=0.3, run_time=run_time)

    def _new_panel(self, panel: FormulaPanel, *rows: Mobject) -> None:
        """Clear the panel and reveal ``rows`` of ``panel`` (all of them if none are given)."""
        self.panel_text.extend(panel.lines)
        old, self.on_panel = self.on_panel, []
        self._on_top(*old)
        self.play(*(FadeOut(r) for r in old), self._reveal(*(rows or panel)))

    def _say(self, text: str) -> None:
        self._on_top(self.caption.line)
        self.play(self.caption.say(text))

    def _on_top(self, *mobjects: Mobject | None) -> None:
        """Draw ``mobjects`` last: Manim redraws, every frame of a play, everything drawn after
        the first thing the play changes. The caption and the panel overlap nothing else,
        so the change leaves the picture as it was and the rest of it a still."""
        shown = [m for m in mobjects if m is not None and m in self.mobjects]
        if shown:
            self.bring_to_front(*shown)

    # ------------------------------------------------------------------ beats

    def intro(self) -> None:
        d = self.diagram
        self._say("backprop: how a network tweaks its own weights")
        self.play(
            FadeIn(d), FadeIn(VGroup(*d.weight_values.values())),
            FadeIn(d.of_layer(d.a_values, 0)), FadeIn(d.tags), FadeIn(d.target_value),
            run_time=1.2,
        )
        self._new_panel(FormulaPanel.intro(self.numbers, self.theme))
        self.wait(2.0)

    def forward_pass(self) -> None:
        t, c, d = self.theme, self.numbers.chain, self.diagram
        panel = FormulaPanel.forward_pass(self.numbers, t)
        self._say("forward pass: weigh the inputs (z), then squash them (a)")
        self._new_panel(panel, *panel[:3])
        for layer in range(1, self.last + 1):
            self.play(*d.flash(t.accent, layer - 1), run_time=1.0)
            anims = [FadeIn(d.of_layer(d.z_values, layer)), FadeIn(d.of_layer(d.a_values, layer))]
            worked = layer in panel.worked
            if worked:
                anims.append(self._reveal(*panel.worked[layer]))
            self.play(*anims)
            if worked:
                self.play(indicate(d.neuron_with_value(layer, c.j if layer < self.last else 0), t.accent))
            self.wait(1.0 if worked else 0.4)
        self.wait(1.5)

    def loss_beat(self) -> None:
        t, d = self.theme, self.diagram
        self._say("how wrong is it? the loss squares the gap to the target")
        self._new_panel(FormulaPanel.loss(self.numbers, t))
        self.play(indicate(d.a_values[self.last, 0], t.output), indicate(d.target_value, t.target))
        self.play(FadeIn(d.loss_value, shift=0.1 * DOWN))
        self.wait(2.0)

    def backward_pass(self) -> None:
        t, c, d = self.theme, self.numbers.chain, self.diagram
        panel = FormulaPanel.backward_pass(self.numbers, t)
        self._say("backward pass: the blame (δ) flows back, layer by layer")
        self._new_panel(panel, *panel[:2])
        self.play(FadeIn(d.of_layer(d.delta_values, self.last)), self._reveal(panel[2], panel[3]))
        self.wait(1.0)
        for layer in range(self.last - 1, 0, -1):
            self.play(*d.flash(t.error, layer, backwards=True), run_time=1.0)
            anims = [FadeIn(d.of_layer(d.delta_values, layer))]
            if layer == self.last - 1:
                anims.append(self._reveal(panel[4]))  # the hidden δ's formula
            if layer == c.layer + 1:  # the chain rule's neuron is hidden: its δ worked out
                anims += [self._reveal(panel[5]), indicate(d.neuron_with_value(layer, c.j), t.accent)]
            self.play(*anims)
            self.wait(1.0)
        self.wait(1.5)

    def chain_rule(self) -> None:
        t, c, d = self.theme, self.numbers.chain, self.diagram
        panel = FormulaPanel.chain_rule(self.numbers, t)
        self._say("the chain rule: multiply the blame along one weight's path")
        self._new_panel(panel, panel[0], *panel.fractions, *panel.operators)
        self.play(
            d.edge(c.layer, c.i, c.j).animate.set_stroke(t.accent, width=9),
            d.weight_values[c.layer, c.i, c.j].number.animate.set_color(t.accent),
        )
        hidden = c.layer + 1 < self.last
        sources = [  # where each factor of the chain rule is read on the diagram
            d.of_layer(d.delta_values, c.layer + 2) if hidden else VGroup(d.a_values[self.last, 0], d.target_value),
            VGroup(d.neuron_with_value(c.layer + 1, c.j), d.z_values[c.layer + 1, c.j]),
            d.a_values[c.layer, c.i],
        ]
        for value, where in zip(panel.factors, sources):
            self.play(self._reveal(value), indicate(where, t.accent), run_time=1.0)
            self.wait(0.8)
        self.play(self._reveal(panel[2]))
        self.wait(1.2)
        self.play(self._reveal(panel[3], panel[4]), indicate(d.delta_values[c.layer + 1, c.j], t.accent))
        self.wait(2.5)

    def all_gradients(self) -> None:
        d = self.diagram
        self._say("every weight gets its gradient the same way: input × δ")
        self._new_panel(FormulaPanel.gradients(self.theme))
        self.play(
            *(FadeOut(v) for v in d.weight_values.values()),
            *(FadeIn(v) for v in d.grad_values.values()),
            run_time=1.2,
        )
        self.wait(3.0)

    def update(self) -> None:
        n, t, c, d = self.numbers, self.theme, self.numbers.chain, self.diagram
        panel = FormulaPanel.update(n, t)
        self._say("the network tweaks its own weights: a small step downhill")
        self._new_panel(panel, *panel[:4])
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
        before, after = shown(n.loss, LOSS_DECIMALS), shown(n.frame_loss[1], LOSS_DECIMALS)
        if n.frame_loss[1] < n.loss:
            self._say(f"the loss fell from {before} to {after}")
        else:
            self._say("that step was too big: the loss went up (a smaller η would help)")
        self.wait(2.0)

    def loop(self) -> None:
        n, t = self.numbers, self.theme
        frames = len(n.frame_steps)
        hi = float(n.frame_loss.max())
        lo = max(min(float(n.frame_loss.min()), hi / 10), hi * 1e-6)
        curve = LossCurve(t, max_step=int(n.frame_steps[-1]), loss_range=(lo, hi), width=4.6, height=2.2)
        step = ValueLabel(1, t.text, t, prefix="step", decimals=0, size=24, patch=False)
        panel = FormulaPanel(t, "7 · Again, and again", step, curve)
        curve.shift(0.45 * RIGHT)  # room for its tick labels
        curve.set_data(n.frame_steps[:2], n.frame_loss[:2])
        self._say("again and again: forward, backward, update")
        self._new_panel(panel)

        def readout(k: int) -> None:
            step.set_data(n.frame_steps[k])
            curve.set_data(n.frame_steps[: k + 1], n.frame_loss[: k + 1])

        tween = self.diagram.tween(1, frames - 1, on_step=readout, followers=(step, curve))
        self.play(tween, run_time=float(np.clip(0.45 * frames, 3.0, 10.0)))
        self.wait(1.0)
        self._say("that's backprop: every weight keeps stepping downhill")
        self.wait(2.5)
