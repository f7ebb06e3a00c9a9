"""The first three story scenes, rendered tiny (160x90, 5 fps, no cache).

Each scene is rendered once per module through a subclass that keeps the scene
object, so tests can map data (``scene.plot.c2p``) to pixels of its frames.
"""

import math

import numpy as np
import pytest
from manim import ManimColor

from netcore import Network
from scenes.output.render import render_frames, scene_to_pixel
from scenes.story.neuron_anatomy import NeuronAnatomy, NeuronAnatomyOptions
from scenes.story.neuron_as_function import (
    GRID,
    PROBE,
    NeuronAsFunction,
    NeuronAsFunctionOptions,
)
from scenes.story.superposition import Superposition, SuperpositionOptions
from scenes.theme import THEMES

WIDTH, HEIGHT = 160, 90


def rgb(hex_string: str) -> np.ndarray:
    return np.array(ManimColor(hex_string).to_rgb()) * 255


def render(scene_class, options=None, theme="dark"):
    """Frames of ``scene_class`` and the scene object that drew them."""
    kept = []

    class Kept(scene_class):
        def construct(self):
            super().construct()
            kept.append(self)

    frames = render_frames(Kept, options, theme, width=WIDTH, height=HEIGHT, fps=5)
    return frames, kept[0]


def rows_of(frame: np.ndarray, color: str, column: int, background: str) -> np.ndarray:
    """Rows of ``column`` (or its neighbours) showing ``colour`` blended over the background.

    A thin antialiased line is ``background + alpha * (colour - background)``: a
    pixel matches when alpha is clearly positive and little is left over.
    """
    pixels = frame[:, column - 1 : column + 2, :3].astype(float) - rgb(background)
    direction = rgb(color) - rgb(background)
    alpha = pixels @ direction / (direction @ direction)
    residual = np.linalg.norm(pixels - alpha[..., None] * direction, axis=2)
    match = (alpha > 0.25) & (residual < 0.3 * np.linalg.norm(direction) * np.maximum(alpha, 0) + 8)
    return np.nonzero(match.any(axis=1))[0]


def assert_curve_at(frame, scene, x: float, y: float, color: str) -> None:
    column, row = scene_to_pixel(scene.plot.c2p(x, y), WIDTH, HEIGHT)
    top = scene_to_pixel(scene.plot.c2p(x, scene.plot.y_range[1]), WIDTH, HEIGHT)[1]
    bottom = scene_to_pixel(scene.plot.c2p(x, scene.plot.y_range[0]), WIDTH, HEIGHT)[1]
    rows = rows_of(frame, color, int(round(column)), scene.theme.background)
    rows = rows[(rows >= top - 1) & (rows <= bottom + 1)]  # inside the plot, not the legend
    assert rows.size, f"no curve pixels at x={x}"
    assert np.abs(rows - row).min() <= 1.5, f"curve at x={x} is at rows {rows}, expected y={y} at row {row:.1f}"
    assert np.abs(rows - row).max() <= 3, f"curve at x={x} has stray pixels at rows {rows} (y={y} -> {row:.1f})"


def assert_not_blank(frames: np.ndarray, background: str) -> None:
    drawn = (np.abs(frames[..., :3].astype(float) - rgb(background)).sum(axis=3) > 30).mean(axis=(1, 2))
    assert (drawn > 0.005).mean() > 0.9, "most frames should show something"
    assert drawn[-1] > 0.02


def assert_background(frame: np.ndarray, theme_name: str) -> None:
    corner = frame[:3, :3, :3].reshape(-1, 3).astype(float)
    np.testing.assert_allclose(corner, np.broadcast_to(rgb(THEMES[theme_name].background), corner.shape), atol=1)


# ---------------------------------------------------------------- Superposition

QUICK_CASES = SuperpositionOptions(cases=((1.0, -1.0),), w11=1.5, w21=-0.5, hold=0.1)


@pytest.fixture(scope="module", params=["dark", "light"])
def superposition_render(request):
    return request.param, *render(Superposition, QUICK_CASES, request.param)


def test_superposition_output_matches_the_exercise(superposition_render):
    theme_name, frames, scene = superposition_render
    last = frames[-1]
    s1, s2 = scene.options.steps
    assert (s1, s2) == (-1.0, 1.0)
    color = scene.theme.output
    # probes between tick marks, so the axes' ticks do not blend into the line
    assert_curve_at(last, scene, -2.5, 0.0, color)
    assert_curve_at(last, scene, 0.5, 1.5, color)
    assert_curve_at(last, scene, 2.5, 1.0, color)
    # the flipped, halved neuron 2 shows as its contribution -0.5 right of its step
    assert_curve_at(last, scene, 2.5, -0.5, scene.theme.neuron_color(1))
    assert scene.diagram.edge(1, 1, 0).get_stroke_color() == ManimColor(scene.theme.negative)


def test_superposition_frames_and_background(superposition_render):
    theme_name, frames, _ = superposition_render
    assert frames.shape[1:] == (HEIGHT, WIDTH, 4)
    assert_not_blank(frames, THEMES[theme_name].background)
    assert_background(frames[-1], theme_name)


def test_superposition_diagram_moves_with_the_curves(superposition_render):
    """The w21 edge restyles frame by frame during the morph, not in one jump after it."""
    _, frames, scene = superposition_render
    edge = scene.diagram.edge(1, 1, 0)
    c0, r0 = scene_to_pixel(edge.get_corner([-1, 1, 0]), WIDTH, HEIGHT)
    c1, r1 = scene_to_pixel(edge.get_corner([1, -1, 0]), WIDTH, HEIGHT)
    region = frames[:, int(r0) : int(math.ceil(r1)) + 1, int(c0) : int(math.ceil(c1)) + 1, :3].astype(int)
    changed = np.nonzero(np.abs(np.diff(region, axis=0)).sum(axis=(1, 2, 3)))[0]
    fade_in = changed[changed < 5]
    during_morphs = changed[changed >= 5]
    assert fade_in.size and during_morphs.size >= 4, f"edge changed on frames {changed}"


# ---------------------------------------------------------------- NeuronAsFunction


@pytest.fixture(scope="module")
def function_render():
    return render(NeuronAsFunction, NeuronAsFunctionOptions(hold=0.1))


def test_neuron_as_function_ends_as_the_flipped_step(function_render):
    frames, scene = function_render
    assert_not_blank(frames, scene.theme.background)
    assert_background(frames[-1], "dark")
    step = -scene.b / scene.w  # the flip kept the step at -b/w = -1
    assert step == pytest.approx(-1.0)
    output = scene.theme.output
    assert_curve_at(frames[-1], scene, -2.0, 1.0, output)  # w < 0: on left of the step
    assert_curve_at(frames[-1], scene, 0.0, 0.0, output)
    assert scene.diagram.output_value.get_value() == pytest.approx(0.0, abs=0.01)
    assert scene.diagram.input_values[0].get_value() == pytest.approx(GRID[PROBE], abs=0.05)


# ---------------------------------------------------------------- NeuronAnatomy


def test_neuron_anatomy_fires_on_the_last_inputs():
    options = NeuronAnatomyOptions(hold=0.1)
    frames, scene = render(NeuronAnatomy, options, "light")
    assert_not_blank(frames, scene.theme.background)
    assert_background(frames[-1], "light")
    neuron = Network([2, 1], output_activation="step")
    neuron.set_params([(np.array(options.weights).reshape(-1, 1), np.array([options.bias]))])
    forward = neuron.forward(np.array([options.input_sets[-1]]))
    assert scene.diagram.sum_value.get_value() == pytest.approx(forward.zs[-1][0, 0])
    assert forward.output[0, 0] == 1.0
    column, row = scene_to_pixel(scene.diagram.output_node.get_center(), WIDTH, HEIGHT)
    centre = frames[-1][int(round(row)), int(round(column)), :3].astype(float)
    np.testing.assert_allclose(centre, rgb(scene.theme.neuron_on), atol=40)


# ---------------------------------------------------------------- bad options


@pytest.mark.parametrize(
    "scene_class, options, message",
    [
        (NeuronAsFunction, NeuronAsFunctionOptions(w=math.nan), "--w must be a finite number"),
        (NeuronAsFunction, NeuronAsFunctionOptions(w=0.0), "--w and --w-flip must not be 0"),
        (Superposition, SuperpositionOptions(w21=math.inf), "--w21 must be a finite number"),
        (Superposition, SuperpositionOptions(cases=((1.0, 2.0, 3.0),)), "--cases must be a list of groups of 2 numbers"),
        (Superposition, SuperpositionOptions(steps=(1.0, -1.0)), "--steps"),
        (NeuronAnatomy, NeuronAnatomyOptions(input_sets=((1.0,),)), "--input-sets"),
        (NeuronAnatomy, NeuronAnatomyOptions(weights=()), "--weights"),
    ],
)
def test_bad_options_fail_before_rendering(scene_class, options, message):
    with pytest.raises(ValueError, match=message):
        render_frames(scene_class, options, width=WIDTH, height=HEIGHT, fps=5)


def test_scenes_have_names_and_descriptions():
    for scene in (NeuronAnatomy, NeuronAsFunction, Superposition):
        assert scene.name and scene.description and "\n" not in scene.description
    assert [s.name for s in (NeuronAnatomy, NeuronAsFunction, Superposition)] == ["neuron", "function", "superposition"]
