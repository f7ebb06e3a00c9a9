"""Universal approximation, learned (uat) and constructed (bumps): tiny renders, caching off."""

from dataclasses import dataclass

import numpy as np
import pytest
from manim import LEFT, ORIGIN, ManimColor, Text

import netcore
from scenes.mobjects.network_diagram import edge_width
from scenes.mobjects.readouts import Readout
from scenes.output.render import render_frames, scene_to_pixel
from scenes.story.bump_construction import GRID_POINTS, BumpConstruction, BumpConstructionOptions
from scenes.story.universal_approximation import (
    INTRO_SECONDS,
    OUTRO_SECONDS,
    UniversalApproximation,
    UniversalApproximationOptions,
)
from scenes.theme import MONO_FONT, THEMES

FPS = 5
#: At 5 fps the intro is 10 frames and the outro 13 (2.0 s and 2.6 s).
INTRO_FRAMES, OUTRO_FRAMES = 10, 13


def test_intro_and_outro_lengths_are_what_the_frame_counts_assume():
    assert (INTRO_SECONDS * FPS, OUTRO_SECONDS * FPS) == pytest.approx((INTRO_FRAMES, OUTRO_FRAMES))
    assert OUTRO_SECONDS >= 1.5


WIDTH, HEIGHT = 640, 360


@dataclass
class Panel:
    """The side panel as one replay frame left it."""

    edges: dict  # (layer, i, j) -> (stroke colour, stroke width)
    loss_points: np.ndarray  # the loss chart's curve
    step: str
    loss: str
    step_glyphs: np.ndarray  # what the step counter draws
    output: np.ndarray  # the output curve's points
    shares: dict  # neuron j -> its share's curve points


class Recorded(UniversalApproximation):
    """The scene, noting its side panel at every frame of the training replay."""

    def construct(self):
        self.panels: list[Panel] = []
        super().construct()

    def play(self, *animations, **kwargs):
        self.replaying = self.renderer.time == pytest.approx(INTRO_SECONDS)  # the replay follows the intro
        super().play(*animations, **kwargs)

    def update_to_time(self, t):
        super().update_to_time(t)
        if self.replaying:
            edges = {key: (edge.get_stroke_color(), edge.get_stroke_width()) for key, edge in self.diagram.edges.items()}
            shares = {j: self.plot.curve(f"neuron{j}").points.copy() for j in self.drawn}
            self.panels.append(Panel(edges, self.loss_chart.curve.points.copy(),
                                     self.step_value.text, self.loss_value.text, self.step_value.glyphs.points.copy(),
                                     self.plot.curve("output").points.copy(), shares))


@pytest.fixture(scope="module")
def default_render():
    scenes = []
    frames = render_frames(Recorded, UniversalApproximationOptions(duration=2.0),
                           width=WIDTH, height=HEIGHT, fps=FPS, scene_out=scenes)
    return frames, scenes[0]


def test_final_output_lies_on_the_default_target(default_render):
    frames, scene = default_render
    assert len(frames) == INTRO_FRAMES + 2 * FPS + OUTRO_FRAMES
    trace, plot = scene.trace, scene.plot
    assert trace.target_text == netcore.PRESETS["wiggly"]
    yellow = np.array(ManimColor(THEMES["dark"].output).to_rgb()) * 255
    rgb = frames[-1][..., :3].astype(float)
    is_yellow = np.linalg.norm(rgb - yellow, axis=-1) < 40
    left, top = scene_to_pixel(plot.c2p(plot.x_range[0], plot.y_range[1]), WIDTH, HEIGHT)
    right, bottom = scene_to_pixel(plot.c2p(plot.x_range[1], plot.y_range[0]), WIDTH, HEIGHT)
    columns = np.arange(int(np.ceil(left)) + 1, int(right) - 1)
    found, offsets = [], []
    for column in columns:
        rows = np.nonzero(is_yellow[int(top):int(bottom) + 1, column])[0] + int(top)
        if rows.size == 0:
            continue  # a grey dash of the target covers the output here
        x = plot.x_range[0] + (column + 0.5 - left) / (right - left) * (plot.x_range[1] - plot.x_range[0])
        y = float(np.interp(x, trace.grid, trace.target))
        found.append(column)
        offsets.append(abs(rows.mean() + 0.5 - scene_to_pixel(plot.c2p(x, y), WIDTH, HEIGHT)[1]))
    # The output shows along the whole axis between the target's dashes (drawn on top,
    # they hide about half of a perfect fit) and sits on the target.
    assert len(found) > 0.35 * len(columns)
    assert np.diff(found).max() < 0.1 * len(columns)
    assert found[0] - columns[0] < 0.1 * len(columns) and columns[-1] - found[-1] < 0.1 * len(columns)
    assert max(offsets) < 3.0


def shown_index(trace: netcore.Trace, panel: Panel) -> int:
    """The trace frame whose step the panel's counter shows."""
    return [f"{int(step):,}" for step in trace.steps].index(panel.step)


def test_side_panel_follows_the_trace_during_the_replay(default_render):
    frames, scene = default_render
    trace, theme, chart = scene.trace, scene.theme, scene.loss_chart
    assert len(scene.panels) == 2 * FPS  # one per frame of the replay
    early, late = scene.panels[1], scene.panels[-1]
    indices = [shown_index(trace, panel) for panel in (early, late)]
    assert 0 < indices[0] < indices[1] <= len(trace) - 1
    for k, panel in zip(indices, (early, late)):
        for (layer, i, j), (color, width) in panel.edges.items():
            w = trace.weights[layer][k][i, j]
            assert color == ManimColor(theme.positive if w >= 0 else theme.negative)
            assert width == pytest.approx(edge_width(w))
        corners = np.vstack([panel.loss_points[::4], panel.loss_points[-1:]])
        expected = [chart.c2p(step, loss) for step, loss in zip(trace.steps[: k + 1], trace.loss[: k + 1])]
        np.testing.assert_allclose(corners, expected, atol=1e-9)
        assert panel.loss == scene.loss_format.format(trace.loss[k])
    assert early.edges != late.edges
    # ...and the frames show it: the diagram, the chart and the counters are redrawn
    first, last = frames[INTRO_FRAMES + 1], frames[INTRO_FRAMES + 2 * FPS - 1]
    for part in (scene.diagram, chart.curve, scene.step_value, scene.loss_value):
        (x0, y0), (x1, y1) = (scene_to_pixel(part.get_corner(c), WIDTH, HEIGHT) for c in ([-1, 1, 0], [1, -1, 0]))
        region = np.s_[int(y0):int(np.ceil(y1)) + 1, int(x0):int(np.ceil(x1)) + 1, :3]
        assert np.abs(first[region].astype(int) - last[region]).sum() > 0, f"{type(part).__name__} does not move"
    assert scene.step_value.text == f"{int(trace.steps[-1]):,}"  # the replay ends on the last frame


def to_data(plot, points: np.ndarray) -> np.ndarray:
    """Data coordinates of scene points on ``plot`` (its axes are linear)."""
    origin, x_unit, y_unit = plot.c2p(0, 0), plot.c2p(1, 0) - plot.c2p(0, 0), plot.c2p(0, 1) - plot.c2p(0, 0)
    return np.linalg.lstsq(np.stack([x_unit, y_unit], axis=1), (points - origin).T, rcond=None)[0].T


def test_replay_frames_show_netcores_numbers_for_their_step(default_render):
    """Nothing cached goes stale: at every replay frame the curves are the network of the
    step the counter shows, recomputed here from its weights, and the counter draws that step."""
    _, scene = default_render
    trace, plot = scene.trace, scene.plot
    low, high = plot.y_range[:2]
    assert len({panel.step for panel in scene.panels}) > 3
    for panel in scene.panels:
        k = shown_index(trace, panel)
        network = trace.network_at(k)
        (W1, b1), (W2, b2) = network.params
        hidden = 1 / (1 + np.exp(-(trace.grid[:, None] * W1[0] + b1)))
        output = (hidden @ W2 + b2)[:, 0]
        np.testing.assert_allclose(network.predict(trace.grid[:, None])[:, 0], output, atol=1e-9)
        anchors = np.vstack([panel.output[0::4], panel.output[-1:]])
        np.testing.assert_allclose(anchors, [plot.c2p(x, y) for x, y in zip(trace.grid, np.clip(output, low, high))],
                                   atol=1e-9)
        for j, points in panel.shares.items():
            x, y = to_data(plot, points[np.r_[0:len(points):4, 3:len(points):4]]).T
            share = W2[j, 0] * hidden[:, j]
            inside = (share >= low) & (share <= high)
            assert len(points) > 0 or not inside.any()
            np.testing.assert_allclose(y, np.interp(x, trace.grid, share), atol=1e-6)
            assert y.min() >= low - 1e-9 and y.max() <= high + 1e-9
        expected = Readout(scene.theme.text, 24, f"{int(trace.steps[-1]):,}").set_data(panel.step)
        expected.shift(scene.step_value.anchor.get_center() - expected.anchor.get_center())
        np.testing.assert_allclose(panel.step_glyphs, expected.glyphs.points, atol=1e-9)


def test_frame_count_follows_duration_not_steps():
    counts = [
        len(render_frames(UniversalApproximation, UniversalApproximationOptions(steps=steps, duration=2.0),
                          width=64, height=36, fps=FPS))
        for steps in (300, 3000)
    ]
    assert counts == [INTRO_FRAMES + 2 * FPS + OUTRO_FRAMES] * 2


def test_replays_a_saved_trace_without_contributions(tmp_path):
    path = tmp_path / "fit.npz"
    netcore.fit_function("sine", neurons=4, steps=200, frames=11).save(path)
    scenes = []
    options = UniversalApproximationOptions(trace=str(path), duration=2.0, contributions=False)
    frames = render_frames(UniversalApproximation, options, width=64, height=36, fps=FPS, scene_out=scenes)
    assert len(frames) == INTRO_FRAMES + 2 * FPS + OUTRO_FRAMES
    scene = scenes[0]
    assert scene.trace.layer_sizes == (1, 4, 1)
    assert not any(name.startswith("neuron") for name in scene.plot.curves)
    assert frames[-1][..., :3].max() > 0


def test_readout_shows_text_like_the_mono_font():
    readout = Readout(THEMES["dark"].text, 24, "100,000")
    reference = Text("4,000", font=MONO_FONT, font_size=24)
    readout.set_data("4,000").move_to(ORIGIN, LEFT)
    reference.move_to(ORIGIN, LEFT)
    np.testing.assert_allclose(readout.glyphs.points, np.concatenate([glyph.points for glyph in reference]), atol=1e-6)
    assert readout.text == "4,000"
    with pytest.raises(ValueError):
        readout.set_data("1,000,000")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"neurons": 0}, "--neurons must be at least 1"),
        ({"steps": -5}, "--steps must be at least 1"),
        ({"target": "sin(3*x"}, "--target: syntax error"),
        ({"target": "__import__('os')"}, "--target: "),
        ({"target": "log(x)"}, "not finite"),
        ({"lr": float("nan")}, "--lr must be a finite number"),
        ({"trace": "/nonexistent/fit.npz"}, "--trace: no such file"),
    ],
)
def test_bad_options_fail_before_rendering(changes, message):
    options = UniversalApproximationOptions(**changes)
    with pytest.raises(ValueError, match=message) as error:
        options.validate()
    assert "\n" not in str(error.value)
    with pytest.raises(ValueError, match=message):
        render_frames(UniversalApproximation, options, width=32, height=18, fps=1)


def test_unparseable_target_is_a_target_error():
    with pytest.raises(netcore.TargetError):
        UniversalApproximationOptions(target="x +* 2").validate()


# ---------------------------------------------------------------- bumps


def test_bumps_error_falls_as_bumps_are_added():
    scenes = []
    frames = render_frames(BumpConstruction, width=64, height=36, fps=FPS, scene_out=scenes)
    assert frames[-1][..., :3].max() > 0
    counts, errors = zip(*scenes[0].errors)
    assert counts == BumpConstructionOptions().counts
    assert all(later < earlier for earlier, later in zip(errors, errors[1:]))
    assert errors[-1] < 0.1
    # The table shows netcore's error for each count, computed here again.
    scene = scenes[0]
    f, interval = scene.f, scene.options.interval
    again = [netcore.approximation_error(netcore.bumps(f, n, interval), f, interval, GRID_POINTS) for n in counts]
    assert [[cell.original_text for cell in row] for row in scene.table.rows] == [
        [f"{n}", f"{error:.3f}"] for n, error in zip(counts, again)]



@pytest.mark.parametrize(
    "changes, message",
    [
        ({"counts": ()}, "--counts needs 1 to 8"),
        ({"counts": (1, 0)}, "--counts must be at least 1"),
        ({"interval": (1.0, -1.0)}, "--interval needs LOW,HIGH"),
        ({"target": "sqrt(x)"}, "not finite"),
        ({"target": "x.real"}, "--target: "),
        ({"steepness": -1.0}, "--steepness must be at least 0"),
    ],
)
def test_bumps_bad_options_fail_before_rendering(changes, message):
    with pytest.raises(ValueError, match=message):
        render_frames(BumpConstruction, BumpConstructionOptions(**changes), width=32, height=18, fps=1)
