"""Learning in two dimensions: a network bends its 0.5 boundary around two classes of points.

The network trains once (``netcore.fit_points``) or a saved Trace is loaded; then ONE
``play`` replays the Trace. Each video frame evaluates the network of one trace frame
on a grid over the plane (``netcore.plane_values``) and restyles what already exists:
the heatmap of the output (one raster mobject), its 0.5 line, one thumbnail per
first-layer neuron (its own half-plane), the network diagram, the loss chart and the
step, loss and accuracy readouts.

Beats (fixed lengths, so frame counts are exact):

1. intro — the points, the panels and the untrained network's field appear;
2. training — ``duration`` seconds of replay;
3. outro — what happened, judged from the final accuracy: a success in the accent
   colour, or, below :data:`SUCCESS_ACCURACY`, plainly a failure with what to try.

Render with defaults::

    manim render -ql scenes/story/decision_boundary.py DecisionBoundary
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Group, UpdateFromAlphaFunc, VGroup, config, linear

import netcore
from netcore.limits import check_training_work
from scenes.base import NetreelScene, SceneOptions, check_trace_file, option
from scenes.mobjects.flat import flatten
from scenes.mobjects.heatmap import set_data_each
from scenes.mobjects.loss_curve import LossCurve
from scenes.mobjects.network_diagram import NetworkDiagram
from scenes.mobjects.plane import PlaneView
from scenes.mobjects.readouts import Readout
from scenes.mobjects.replay import play_frames
from scenes.mobjects.self_drawn import Layer, PathBatch
from scenes.text import FRAME_MARGIN, Caption, fit_width, label

__all__ = [
    "DecisionBoundary", "DecisionBoundaryOptions", "SUCCESS_ACCURACY", "MAX_THUMBNAILS",
    "INTRO_SECONDS", "OUTRO_SECONDS", "verdict", "trace_frames",
]

_APPEAR_SECONDS = 1.4   # points and panels appear
_START_SECONDS = 0.8    # the untrained network's field fades in
_CAPTION_SECONDS = 0.6  # the closing caption
_HOLD_SECONDS = 2.6     # the final boundary holds
#: Seconds before the training replay.
INTRO_SECONDS = _APPEAR_SECONDS + _START_SECONDS
#: Seconds after it.
OUTRO_SECONDS = _CAPTION_SECONDS + _HOLD_SECONDS
#: Training accuracy below which the scene says the network did not manage.
SUCCESS_ACCURACY = 0.95
#: First-layer neurons that get a thumbnail (the first ones).
MAX_THUMBNAILS = 8
#: Most trace frames recorded for one replay (one per video frame up to a minute at 20 fps).
MAX_TRACE_FRAMES = 1200
_HIDDEN_LAYERS = (1, 4)
_MAX_WIDTH = 16

_INTRO = "the network colours the plane by its output: where it crosses 0.5 is its boundary"


def _layers_text(layers: tuple[int, ...]) -> str:
    return ",".join(str(n) for n in layers)


@dataclass
class DecisionBoundaryOptions(SceneOptions):
    data: str = option("xor", "points to classify: a data set (xor, circle, moons, spiral, blobs) or a CSV file "
                              "(x1, x2, label)", file=True)
    layers: tuple[int, ...] = option(
        (), "layer sizes: 2 inputs, 1 to 4 hidden layers of 1-16 neurons, 1 output; empty: the data set's own ("
            + ", ".join(f"{name} {_layers_text(sizes)}" for name, sizes in netcore.DATASET_LAYERS.items())
            + f", a CSV file {_layers_text(netcore.DEFAULT_LAYERS_2D)})",
        low=1, high=_MAX_WIDTH,
    )
    activation: str = option("tanh", "hidden activation", choices=("tanh", "relu", "sigmoid"))
    steps: int = option(netcore.DEFAULT_STEPS_2D, "training steps", low=1, high=1_000_000)
    lr: float = option(netcore.DEFAULT_LR_2D, "learning rate, above 0", above=0, high=10.0)
    optimizer: str = option("adam", "optimizer", choices=("adam", "momentum", "sgd"))
    points: int = option(netcore.DEFAULT_POINTS, "points in the data set (not for a CSV file)",
                         low=netcore.MIN_POINTS, high=netcore.MAX_POINTS)
    noise: float = option(-1.0, "noise of the data set, 0 to 1 (not for a CSV file); -1: the data set's own ("
                                + ", ".join(f"{k} {v:g}" for k, v in netcore.DEFAULT_NOISE.items()) + ")",
                          low=-1.0, high=netcore.MAX_NOISE)
    duration: float = option(14.0, "seconds of the training replay", low=1.0, high=120.0)
    trace: str = option("", "replay this saved Trace (.npz from `netreel trace --data ...`) instead of training; "
                            "the data and training options are then ignored", file=True)
    seed: int = option(0, "seed of the data set and the initial weights", low=0, high=2**32 - 1)

    def check(self) -> None:
        layers = self.network_layers()
        hidden = len(layers) - 2
        if not (_HIDDEN_LAYERS[0] <= hidden <= _HIDDEN_LAYERS[1]) or layers[0] != 2 or layers[-1] != 1:
            raise ValueError(
                f"--layers {_layers_text(layers)}: give 2 inputs, 1 to 4 hidden layers of 1-{_MAX_WIDTH} neurons "
                "and 1 output, e.g. 2,8,8,1"
            )
        if not (self.noise == -1 or self.noise >= 0):
            raise ValueError(f"--noise must be from 0 to {netcore.MAX_NOISE:g}, or -1 for the data set's own; "
                             f"got {self.noise!r}")
        if self.trace:
            self.saved_trace()
        else:
            check_training_work(layers, len(self.dataset()[0]), self.steps)

    def saved_trace(self) -> netcore.Trace:
        """The Trace of ``--trace``, checked to be a classification of points in the plane."""
        check_trace_file(self.trace, inputs=2, outputs=1)
        trace = netcore.Trace.load(self.trace)
        labels = np.asarray(trace.y_train)
        if (len(trace.layer_sizes) < 3 or np.isnan(trace.accuracy).any() or not len(trace.x_train)
                or not np.all((labels == 0) | (labels == 1))):
            raise ValueError(f"--trace: {self.trace!r} is not a classification of points in the plane "
                             "(make one with netreel trace --data ...)")
        return trace

    def network_layers(self) -> tuple[int, ...]:
        """``--layers``, or when it is empty the data set's own."""
        return tuple(self.layers) or netcore.DATASET_LAYERS.get(self.data, netcore.DEFAULT_LAYERS_2D)

    def dataset(self) -> tuple[np.ndarray, np.ndarray]:
        """The points ``(n, 2)`` and labels ``(n, 1)``: a netcore data set or the user's CSV."""
        if self.data in netcore.DATASETS:
            return netcore.DATASETS[self.data](self.points, None if self.noise == -1 else self.noise, self.seed)
        if not self.data.lower().endswith(".csv"):
            raise ValueError(
                f"--data must be one of {', '.join(netcore.DATASETS)} or a .csv file, got {self.data!r}"
            )
        if not Path(self.data).is_file():
            what = "is not a regular file" if Path(self.data).exists() else "does not exist"
            raise ValueError(f"--data: {self.data!r} {what}")
        try:
            return netcore.load_points(self.data)
        except netcore.PointsError as error:
            raise ValueError(f"--data: {error}") from None


def trace_frames(duration: float, fps: float) -> int:
    """Trace frames to record for a replay of ``duration`` s at ``fps``: one per video frame."""
    return int(min(max(round(duration * fps) + 1, 2), MAX_TRACE_FRAMES))


def verdict(accuracy: float, layers: tuple[int, ...], known: tuple[int, ...] = ()) -> tuple[bool, str]:
    """Whether the fit worked (accuracy at least :data:`SUCCESS_ACCURACY`) and the closing caption.

    A failure suggests a bigger network: ``known`` (the data set's own) if it has more
    neurons than ``layers``, else each hidden layer doubled (8 to 16), with a second one.
    """
    share = f"{accuracy:.1%}".replace(".0%", "%")
    if accuracy >= SUCCESS_ACCURACY:
        return True, f"{share} of the points classified correctly: the boundary bends around each class"
    hidden = [min(_MAX_WIDTH, max(8, 2 * n)) for n in layers[1:-1]]
    if len(hidden) < 2 or hidden == list(layers[1:-1]):
        hidden.append(hidden[-1])
    if sum(known[1:-1]) > sum(layers[1:-1]):
        hidden = list(known[1:-1])
    if len(hidden) > _HIDDEN_LAYERS[1]:
        advice = "try more --steps or another --lr"
    else:
        advice = f"try more neurons (--layers {_layers_text((2, *hidden, 1))}) or more --steps"
    return False, f"it did not manage: only {share} right. Too few neurons or steps for this shape; {advice}"


class DecisionBoundary(NetreelScene):
    """A network learns to separate two classes; its boundary and neurons shown live."""

    Options = DecisionBoundaryOptions
    name = "boundary"
    description = "Learning in two dimensions: a network bends its decision boundary around two classes."

    def construct(self) -> None:
        self.trace = self._load_trace()
        self.network = self.trace.network_at(0)
        self._build()
        self._intro()
        self._train()
        self._outro()

    # ------------------------------------------------------------ data

    def _load_trace(self) -> netcore.Trace:
        o = self.options
        if o.trace:
            return o.saved_trace()
        x, y = o.dataset()
        return self.remembered(lambda: netcore.fit_points(
            x, y, layers=o.network_layers(), activation=o.activation, steps=o.steps, lr=o.lr,
            optimizer=o.optimizer, seed=o.seed, frames=trace_frames(o.duration, config.frame_rate),
        ), x, y)

    def _fields(self, index: int) -> netcore.PlaneValues:
        """The output and first-layer activations over the plane at trace frame ``index``."""
        self.network.set_params([(W[index], b[index]) for W, b in zip(self.trace.weights, self.trace.biases)])
        return netcore.plane_values(self.network, self.x1, self.x2)

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        trace, theme = self.trace, self.theme
        top = config.frame_height / 2 - FRAME_MARGIN
        right = config.frame_width / 2 - FRAME_MARGIN
        left = -right
        self.caption = Caption(theme)
        (low1, high1), (low2, high2) = netcore.plane_extent(trace.x_train)
        self.x1, self.x2 = netcore.plane_grid((low1, high1), (low2, high2))

        self.plane = PlaneView(theme, (low1, high1), (low2, high2), height=5.5)
        self.plane.next_to([left, top - 0.45, 0], DOWN + RIGHT, buff=0).shift(0.35 * RIGHT)
        self.plane.set_points(trace.x_train, trace.y_train)
        # Static text as one path each (scenes.mobjects.flat): the panels fade in through one
        # PathBatch, which then draws a path per label instead of one per glyph.
        self.data_label = flatten(label(self._data_text(), theme.muted, 20))
        self.data_label.next_to(self.plane.border, UP, buff=0.15).align_to(self.plane.border, LEFT)

        self.column = (self.plane.border.get_right()[0] + 0.4, right)
        column = sum(self.column) / 2
        self.diagram = NetworkDiagram(self.network, theme, width=4.0, height=2.2, max_neurons=8,
                                      color_hidden=True, labels=True, direct=True)
        self.diagram.move_to([column, top - 1.6, 0])
        self.network_label = flatten(label(self._network_text(), theme.muted, 20)).next_to(self.diagram, UP, buff=0.2)

        shown = list(range(min(trace.layer_sizes[1], MAX_THUMBNAILS)))
        self.thumbnails = [
            PlaneView(theme, (low1, high1), (low2, high2), height=0.7, strength=1.0, labels=False, contour=False,
                      border_color=theme.neuron_color(j), border_width=3)
            for j in shown
        ]
        self.thumbnail_row = Group(*self.thumbnails).arrange(RIGHT, buff=0.14)
        self.thumbnail_row.next_to(self.diagram, DOWN, buff=0.55).set_x(column)
        more = trace.layer_sizes[1] - len(shown)
        self.thumbnail_label = fit_width(flatten(label(
            (f"{len(shown)} of the {trace.layer_sizes[1]} first-layer" if more else "first-layer")
            + " neurons: each splits the plane in two",
            theme.muted, 18,
        )), self.column[1] - self.column[0]).next_to(self.thumbnail_row, UP, buff=0.12)

        self._build_readouts()

    def _build_readouts(self) -> None:
        trace, theme = self.trace, self.theme
        self.step_value = Readout(theme.text, 24, f"{int(trace.steps[-1]):,}")
        self.loss_value = Readout(theme.text, 24, f"{float(trace.loss.max()):.4f}")
        self.accuracy_value = Readout(theme.text, 24, "100.0")
        self.percent = flatten(label("%", theme.text, 24))
        self.counter_labels = VGroup(*(flatten(label(name, theme.muted, 22)) for name in ("step", "loss", "accuracy")))
        self.counter_labels.arrange(DOWN, aligned_edge=RIGHT, buff=0.22)
        self.counter_labels.next_to(self.thumbnail_row, DOWN, buff=0.45)
        self.counter_labels.set_x(self.column[0] + 0.2 + self.counter_labels.width / 2)
        for name, value in zip(self.counter_labels, (self.step_value, self.loss_value, self.accuracy_value)):
            value.next_to(name, RIGHT, buff=0.2).align_to(name, DOWN)
        # Accuracy right-aligned before a fixed "%": its readout is moved, not its sign.
        self.accuracy_right = self.accuracy_value.get_right()[0]
        self.percent.next_to(self.accuracy_value, RIGHT, buff=0.03).align_to(self.accuracy_value, DOWN)

        self.loss_chart = LossCurve.for_trace(trace, theme, width=2.4, height=1.2, font_size=16)
        self.loss_chart.align_to(self.counter_labels, UP).set_x(self.column[1] - 0.15 - self.loss_chart.width / 2)
        self._show(0)

    def _data_text(self) -> str:
        o = self.options
        n = len(self.trace.x_train)
        if o.trace:
            return f"{n} points from {Path(o.trace).name}"
        if o.data in netcore.DATASETS:
            noise = netcore.DEFAULT_NOISE[o.data] if o.noise == -1 else o.noise
            return f"{o.data} · {n} points · noise {noise:g}"
        return f"{n} points from {Path(o.data).name}"

    def _network_text(self) -> str:
        t = self.trace
        return f"{'-'.join(map(str, t.layer_sizes))} · {t.activation} · {t.optimizer}"

    # ------------------------------------------------------------ frames

    def _show(self, index: int) -> None:
        trace = self.trace
        values = self._fields(index)
        self.plane.set_data(values.output)
        hidden = values.hidden[:len(self.thumbnails)]
        set_data_each([tile.heatmap for tile in self.thumbnails], hidden,
                      [_thumbnail_range(trace.activation, field) for field in hidden])
        self.diagram.set_data(self.network.params)
        self.loss_chart.set_data(trace.steps[: index + 1], trace.loss[: index + 1])
        self.step_value.set_data(f"{int(trace.steps[index]):,}")
        self.loss_value.set_data(f"{float(trace.loss[index]):.4f}")
        self._set_accuracy(float(trace.accuracy[index]))

    def _set_accuracy(self, accuracy: float) -> None:
        text = f"{100 * accuracy:.1f}"
        if text == self.accuracy_value.text:  # most steps: nothing to redo
            return
        self.accuracy_value.set_data(text)
        self.accuracy_value.shift((self.accuracy_right - self.accuracy_value.get_right()[0]) * RIGHT)

    def _changing(self) -> tuple[list, list]:
        """What changes during training: the heatmaps and the edges, and the vector mobjects
        (with the diagram's circles, drawn over its edges), bottom to top."""
        heatmaps = [self.plane.heatmap, *(tile.heatmap for tile in self.thumbnails)]
        vectors = [self.plane.contour, self.diagram.neuron_group, self.step_value, self.loss_value,
                   self.accuracy_value, self.loss_chart.curve, self.loss_chart.dot]
        return [*heatmaps, self.diagram.edge_group], vectors

    # ------------------------------------------------------------ beats

    def _intro(self) -> None:
        heatmaps = [self.plane.heatmap, *(tile.heatmap for tile in self.thumbnails)]
        for heatmap in heatmaps:
            heatmap.set_strength(0.0)
        # The points (drawn into the plane's heatmap) come with the panels, the field after them.
        panels = Group(
            self.plane.border, self.plane.axis_labels, self.data_label, self.network_label, self.diagram,
            self.thumbnail_label, *(tile.border for tile in self.thumbnails), self.counter_labels,
            self.step_value, self.loss_value, self.accuracy_value, self.percent, self.loss_chart,
        )
        self.add(*heatmaps, self.plane.contour)
        self.plane.contour.set_stroke(opacity=0)
        # The panels fade in drawn by one PathBatch (as Manim's FadeIn would draw them, for less).
        fading = PathBatch([panels])
        fading.opacity = 0.0
        self.add(fading)
        self.play(UpdateFromAlphaFunc(fading, lambda batch, alpha: setattr(batch, "opacity", alpha)),
                  self.plane.heatmap.appear(field=False), self.caption.say(_INTRO), run_time=_APPEAR_SECONDS)
        self.remove(fading)
        self.add(panels)
        # Manim redraws what changes and everything drawn after it: what changes goes last
        # (nothing overlaps it but the borders' inner halves, covered as during training).
        self.bring_to_front(*heatmaps, self.plane.contour)
        self.play(*(heatmap.appear(overlay=False) for heatmap in heatmaps),
                  self.plane.contour.animate.set_stroke(opacity=1), run_time=_START_SECONDS)

    def _train(self) -> None:
        # Manim redraws the first changing mobject and all drawn after it, every frame:
        # they go last, the vector ones drawn by one PathBatch (as Manim would, for less).
        drawn, vectors = self._changing()
        # The circles keep their colours over edges restyled every frame: one raster, painted each frame.
        circles = Layer([self.diagram.neuron_group])
        batch = PathBatch([circles if part is self.diagram.neuron_group else part for part in vectors])
        self.remove(*vectors)
        self.bring_to_front(*drawn, batch)
        play_frames(self, len(self.trace), self._show, self.options.duration, mobject=drawn[0], rate_func=linear)
        self.remove(batch)
        self.add(*vectors)

    def _outro(self) -> None:
        accuracy = float(self.trace.accuracy[-1])
        known = netcore.DATASET_LAYERS.get("" if self.options.trace else self.options.data, ())
        self.succeeded, text = verdict(accuracy, self.trace.layer_sizes, known)
        color = self.theme.accent if self.succeeded else self.theme.error
        self.bring_to_front(self.caption.line, self.accuracy_value, self.percent)
        self.play(
            self.caption.say(text),
            self.accuracy_value.animate.set_color(color), self.percent.animate.set_color(color),
            run_time=_CAPTION_SECONDS,
        )
        self.wait(_HOLD_SECONDS)


# ---------------------------------------------------------------- helpers


def _thumbnail_range(activation: str, values: np.ndarray) -> tuple[float, float]:
    """Values a first-layer neuron's thumbnail spans from its class-0 to its class-1 colour.

    tanh and sigmoid have fixed ranges, so the colours meet on the neuron's switching
    line; a ReLU is 0 on its off side, so it spans plus and minus its largest value on
    the grid and its off side stays uncoloured.
    """
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    reach = max(float(np.max(values)), 1e-9)
    return -reach, reach
