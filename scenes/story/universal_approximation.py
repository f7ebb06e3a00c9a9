"""Section 4, learned: gradient descent bends a one-hidden-layer network onto a target.

The network trains once (``netcore.fit_function``) or a saved Trace is loaded, then the
Trace is replayed by ONE ``play`` (:func:`~scenes.mobjects.replay.play_frames`): each
video frame picks a trace frame and restyles mobjects that already exist (curves, edges,
loss chart, counters). So the render cost follows the video's length, never the number
of training steps, and the Trace is recorded with about one frame per video frame.

Beats (fixed lengths, so frame counts are exact; see :data:`INTRO_SECONDS`):

1. intro — axes, the target (grey, dashed), the network and the loss chart appear, then
   the untrained network's output and its neurons' contributions;
2. training — ``duration`` seconds of replay;
3. outro — the closing caption, then a hold on the fit with the final loss. The fit is
   judged (netcore's explained variance on the grid against :data:`netcore.GOOD_FIT`):
   only a good one gets the success colour and the "enough neurons" claim; otherwise the
   caption says it missed and what to try.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UpdateFromAlphaFunc,
    VGroup,
    config,
    linear,
)

import netcore
from netcore.limits import check_training_work
from scenes.base import (
    NetreelScene,
    SceneOptions,
    check_trace_file,
    option,
    target_function,
)
from scenes.mobjects.function_plot import (
    FunctionPlot,
    corner_path,
    merge_dashes,
    nice_range,
    nice_step,
)
from scenes.mobjects.flat import flatten
from scenes.mobjects.legend import curve_legend
from scenes.mobjects.loss_curve import LossCurve
from scenes.mobjects.network_diagram import NetworkDiagram
from scenes.mobjects.readouts import Readout
from scenes.mobjects.replay import play_frames
from scenes.mobjects.self_drawn import Layer, PathBatch
from scenes.text import FRAME_MARGIN, Caption, label

__all__ = [
    "UniversalApproximation", "UniversalApproximationOptions",
    "INTRO_SECONDS", "OUTRO_SECONDS", "MAX_TRACE_FRAMES", "trace_frames",
]

_APPEAR_SECONDS = 1.4   # panels and target appear
_START_SECONDS = 0.6    # the untrained output and contributions are drawn
_CAPTION_SECONDS = 0.6  # the closing caption fades in
_HOLD_SECONDS = 2.0     # the fit holds, with the final loss
#: Seconds before the training replay (2.0).
INTRO_SECONDS = _APPEAR_SECONDS + _START_SECONDS
#: Seconds after it (2.6).
OUTRO_SECONDS = _CAPTION_SECONDS + _HOLD_SECONDS
#: Most trace frames recorded for one replay (a minute at 20 fps; more adds nothing visible).
MAX_TRACE_FRAMES = 1200
#: Hidden neurons drawn (diagram circles and contribution curves); wider layers collapse.
MAX_DRAWN_NEURONS = 12

_INTRO = "start from random weights and let gradient descent nudge them, step by step"
_OUTRO = "one hidden layer with enough neurons can trace any continuous function"


@dataclass
class UniversalApproximationOptions(SceneOptions):
    target: str = option(
        netcore.DEFAULT_TARGET,
        "function to learn: an expression in x, or a preset (" + ", ".join(netcore.PRESETS) + ")",
    )
    neurons: int = option(12, "hidden neurons", low=1, high=256)
    activation: str = option("sigmoid", "hidden activation", choices=("sigmoid", "tanh", "relu"))
    interval: tuple[float, float] = option((-1.0, 1.0), "x range trained on and drawn, LOW,HIGH", low=-100, high=100)
    steps: int = option(netcore.DEFAULT_STEPS, "training steps", low=1, high=1_000_000)
    lr: float = option(netcore.DEFAULT_LR, "learning rate, above 0", above=0, high=10.0)
    optimizer: str = option("adam", "optimizer", choices=("adam", "momentum", "sgd"))
    seed: int = option(0, "seed of the initial weights", low=0, high=2**32 - 1)
    duration: float = option(8.0, "seconds of the training replay", low=1.0, high=120.0)
    contributions: bool = option(True, "draw each hidden neuron's scaled output")
    trace: str = option("", "replay this saved Trace (.npz from `netreel trace`) instead of training; "
                            "the training options are then ignored", file=True)

    def check(self) -> None:
        if self.trace:
            check_trace_file(self.trace, inputs=1, hidden_layers=1, outputs=1, plot=True)
            return
        if len(self.interval) != 2 or not self.interval[0] < self.interval[1]:
            raise ValueError(f"--interval needs LOW,HIGH with LOW < HIGH, got {self.interval}")
        target_function(self.target, self.interval)
        check_training_work([1, self.neurons, 1], netcore.DEFAULT_SAMPLES, self.steps)


def trace_frames(duration: float, fps: float) -> int:
    """Trace frames to record for a replay of ``duration`` s at ``fps``: one per video frame."""
    return int(min(max(round(duration * fps) + 1, 2), MAX_TRACE_FRAMES))


class UniversalApproximation(NetreelScene):
    """A network learns the target; its neurons' contributions add up to the fit."""

    Options = UniversalApproximationOptions
    name = "uat"
    description = "Universal approximation, learned: gradient descent fits a one-hidden-layer network."

    def construct(self) -> None:
        self.trace = self._load_trace()
        self._build()
        self._intro()
        self._train()
        self._outro()

    # ------------------------------------------------------------ data

    def _load_trace(self) -> netcore.Trace:
        o = self.options
        if o.trace:
            trace = netcore.Trace.load(o.trace)
            if len(trace.layer_sizes) != 3 or trace.grid.size < 2:
                raise ValueError(f"--trace: {o.trace!r} is not a 1-input, 1-hidden-layer, 1-output fit")
            if not np.all(np.isfinite(trace.target)):
                raise ValueError(f"--trace: {o.trace!r} holds no target function to draw")
            return trace
        return self.remembered(lambda: netcore.fit_function(
            o.target, neurons=o.neurons, activation=o.activation, steps=o.steps, lr=o.lr,
            optimizer=o.optimizer, seed=o.seed, frames=trace_frames(o.duration, config.frame_rate),
            interval=tuple(o.interval),
        ))

    def _params(self, index: int) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(W[index], b[index]) for W, b in zip(self.trace.weights, self.trace.biases)]

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        trace, theme = self.trace, self.theme
        top = config.frame_height / 2 - FRAME_MARGIN
        right = config.frame_width / 2 - FRAME_MARGIN
        self.caption = Caption(theme)

        x_range = (float(trace.grid[0]), float(trace.grid[-1]))
        self.plot = FunctionPlot(
            (*x_range, nice_step(x_range[1] - x_range[0])), _y_range(trace), theme,
            width=7.4, height=4.9, y_label="", labels_at_edges=True,
        )
        self.plot.to_corner(LEFT + UP, buff=FRAME_MARGIN).shift(0.55 * DOWN + 0.2 * RIGHT)
        self.diagram = NetworkDiagram(
            trace.network_at(0), theme, width=3.0, height=2.8,
            max_neurons=MAX_DRAWN_NEURONS, color_hidden=True, labels=True, direct=True,
        )
        # Only neurons the diagram draws get a curve, so every curve has its circle.
        self.drawn = self.diagram.shown[1] if self.options.contributions else []
        for j in self.drawn:
            curve = self.plot.add_curve(f"neuron{j}", trace.grid, trace.contributions[0, j],
                                        theme.neuron_color(j), stroke_width=2, hide_outside=True)
            curve.set_stroke(opacity=0.75)
        self.plot.add_curve("output", trace.grid, trace.outputs[0], theme.output, stroke_width=5)
        # On top of the output, so a good fit reads as grey dashes over yellow.
        merge_dashes(self.plot.add_curve("target", trace.grid, trace.target, theme.target, stroke_width=4, dashed=True))
        self.legend = curve_legend(theme, "each neuron's share" if self.options.contributions else "")
        self.legend.next_to(self.plot, UP, buff=0.2).align_to(self.plot.axes, LEFT)

        self.diagram.move_to([right - 2.3, top - 1.85, 0])  # its name line stays inside the margin
        self.network_label = flatten(label(_describe(trace), theme.muted, 20)).next_to(self.diagram, UP, buff=0.15)

        self.step_value = Readout(theme.text, 24, f"{int(trace.steps[-1]):,}")
        self.loss_format = f"{{:.{_loss_decimals(trace.loss)}f}}"
        self.loss_value = Readout(theme.text, 24, self.loss_format.format(float(trace.loss.max())))
        self.step_value.set_data("0")
        self.loss_value.set_data(self.loss_format.format(float(trace.loss[0])))
        # Two rows, labels right-aligned and values left-aligned, so a value can grow
        # to the right without pushing anything.
        self.counter_labels = VGroup(*(flatten(label(name, theme.muted, 22)) for name in ("step", "loss")))
        self.counter_labels.arrange(DOWN, aligned_edge=RIGHT, buff=0.2)
        self.counter_labels.next_to(self.diagram, DOWN, buff=0.35).align_to(self.diagram, LEFT).shift(0.3 * RIGHT)
        for name, value in zip(self.counter_labels, (self.step_value, self.loss_value)):
            value.next_to(name, RIGHT, buff=0.2).align_to(name, DOWN)

        self.loss_chart = LossCurve.for_trace(trace, theme, width=3.3, height=1.3, font_size=16)
        self.loss_chart.next_to(self.counter_labels, DOWN, buff=0.3).set_x(self.diagram.get_x() + 0.2)
        self.loss_chart.set_data(trace.steps[:1], trace.loss[:1])

    def _live(self) -> list:
        """Mobjects that change during training, bottom to top."""
        curves = [self.plot.curve(f"neuron{j}") for j in self.drawn]
        curves += [self.plot.curve("output"), self.plot.curve("target")]
        # The diagram's edges (one self-stroking mobject) and the circles over them; its labels stay still.
        return [*curves, self.diagram.edge_group, self.diagram.neuron_group, self.step_value, self.loss_value,
                self.loss_chart.curve, self.loss_chart.dot]

    # ------------------------------------------------------------ beats

    def _intro(self) -> None:
        panels = VGroup(self.plot.axes, self.plot.tick_labels, self.plot.x_label, self.legend,
                        self.network_label, self.diagram, self.counter_labels,
                        self.step_value, self.loss_value, self.loss_chart)
        # The panels fade in as one picture, drawn once and painted at an opacity rising
        # along FadeIn's smooth curve: no work per part per frame.
        fading = Layer([panels])
        fading.opacity = 0.0
        target = [self.plot.curve("target")]
        drawing, draw = _created(target)
        self.add(fading, drawing)
        self.play(
            UpdateFromAlphaFunc(fading, lambda layer, alpha: setattr(layer, "opacity", alpha)),
            draw, self.caption.say(_INTRO),
            run_time=_APPEAR_SECONDS,
        )
        self.remove(fading, drawing)
        self.add(panels)
        self.add(*target, self.caption.line)  # over the axes, as they were drawn
        curves = [self.plot.curve(f"neuron{j}") for j in self.drawn] + [self.plot.curve("output")]
        drawing, draw = _created(curves)
        self.add(drawing)
        self.play(draw, run_time=_START_SECONDS)
        self.remove(drawing)
        self.add(*curves)

    def _train(self) -> None:
        # play_frames redraws its mobject and everything drawn after it and paints the
        # rest once, so the live mobjects go last, drawn by one PathBatch (the same Cairo
        # paths as Manim's camera, without its work per mobject): axes, labels and caption
        # are drawn once. Frames are recorded denser early, so equal video time per frame
        # lingers on the fast first steps and speeds through the slow tail.
        self._screen_points()
        live = self._live()
        # The circles stay as they are, over edges that change: one raster, painted each frame.
        circles = Layer([self.diagram.neuron_group])
        batch = PathBatch([circles if part is self.diagram.neuron_group else part for part in live])
        self.remove(*live)
        self.add(batch)
        play_frames(self, len(self.trace), self._show, self.options.duration, mobject=batch, rate_func=linear)
        self.remove(batch)
        self.add(*live)

    def _screen_points(self) -> None:
        """The output's curve points at every trace frame, mapped and made once (a few numpy calls)."""
        trace, plot = self.trace, self.plot
        frames, size = trace.outputs.shape
        self.output_paths = corner_path(
            plot.points_for(np.tile(trace.grid, frames), trace.outputs).reshape(frames, size, 3))

    def _show(self, index: int) -> None:
        trace, plot = self.trace, self.plot
        plot.curve("output").set_points(self.output_paths[index])
        if self.drawn:
            # cut where a share leaves the plot (see FunctionPlot.visible_path), all shares in one pass
            paths = plot.visible_paths(trace.grid, trace.contributions[index, self.drawn])
            for j, path in zip(self.drawn, paths):
                plot.curve(f"neuron{j}").set_points(path)
        self.diagram.set_data(self._params(index))
        self.loss_chart.set_data(trace.steps[: index + 1], trace.loss[: index + 1])
        self.step_value.set_data(f"{int(trace.steps[index]):,}")
        self.loss_value.set_data(self.loss_format.format(float(trace.loss[index])))

    def _outro(self) -> None:
        # Honest: the success colour and the closing claim only for a fit that traces its target.
        self.fit_score = netcore.explained_variance(self.trace.outputs[-1], self.trace.target)
        self.succeeded = self.fit_score >= netcore.GOOD_FIT
        # Manim redraws every frame whatever lies above the first thing a play changes; the
        # caption and the loss overlap nothing, so on top they leave the fit a still.
        self.bring_to_front(self.caption.line, self.loss_value)
        self.play(
            self.caption.say(_OUTRO if self.succeeded else _missed(self.fit_score, self.trace)),
            self.loss_value.animate.set_color(self.theme.accent if self.succeeded else self.theme.error),
            run_time=_CAPTION_SECONDS,
        )
        self.wait(_HOLD_SECONDS)


# ---------------------------------------------------------------- helpers


def _created(curves: list) -> tuple[PathBatch, UpdateFromAlphaFunc]:
    """``Create`` of each of ``curves`` (same smooth timing, same partial points), drawn by one
    PathBatch instead of Manim's work per curve per frame: add the batch, play the animation,
    then put the curves in its place."""
    batch = PathBatch(curves)
    whole = [curve.copy() for curve in curves]

    def grow(_, alpha: float) -> None:
        for curve, full in zip(curves, whole):
            curve.pointwise_become_partial(full, 0, alpha)

    return batch, UpdateFromAlphaFunc(batch, grow)


def _y_range(trace: netcore.Trace) -> tuple[float, float, float]:
    """Visible y range: target, final fit and (within reason) contributions, on a tick step.

    Contributions can be much larger than the target (neurons that cancel out); they
    widen the range by at most half the target's span each way and are cut off beyond.
    """
    fit = np.concatenate([trace.target[np.isfinite(trace.target)], trace.outputs[-1]])
    low, high = float(fit.min()), float(fit.max())
    reach = 0.5 * max(high - low, 1e-3)
    if trace.contributions.size:
        shares = trace.contributions[-1]
        low = max(min(low, float(shares.min())), low - reach)
        high = min(max(high, float(shares.max())), high + reach)
    return nice_range(low, high, 0.05)


def _loss_decimals(losses: np.ndarray) -> int:
    """Decimals that show the smallest loss with two significant digits (3 to 6)."""
    smallest = float(np.min(losses[losses > 0])) if np.any(losses > 0) else 1.0
    return int(np.clip(1 - np.floor(np.log10(smallest)), 3, 6))


def _missed(score: float, trace: netcore.Trace) -> str:
    """The closing caption of a fit that does not trace its target: what happened, what to try."""
    more = min(2 * trace.layer_sizes[1], 256)
    return (f"Not there: the fit explains only {max(score, 0.0):.0%} of the target. "
            f"Try more neurons (--neurons {more}), more --steps or another --lr.")


def _describe(trace: netcore.Trace) -> str:
    hidden = trace.layer_sizes[1]
    return f"{hidden} {trace.activation} neuron{'s' * (hidden != 1)} · {trace.optimizer}"
