"""Your own scene files: loading file.py:Class with one-line errors, and the example file rendered tiny."""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from manim import ManimColor

import netcore
from scenes.base import NetreelScene
from scenes.cli.errors import NetreelError
from scenes.cli.scene_file import load_scene_file
from scenes.mobjects import FunctionPlot, LossCurve
from scenes.output.render import render_frames, scene_to_pixel
from scenes.output.scene_import import import_scene, is_file_ref, scene_ref, split_ref
from scenes.theme import THEMES

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "learn_sine.py"

PLAIN = """
from manim import Scene, Square, Create

class Plain(Scene):
    def construct(self):
        self.play(Create(Square()))

def not_a_scene():
    pass
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "plain.py").write_text(PLAIN)
    return tmp_path


def load_error(ref: str, base: Path | None = None) -> str:
    with pytest.raises(NetreelError) as caught:
        load_scene_file(ref, base)
    message = caught.value.message
    assert "\n" not in message
    return message


def test_references():
    assert is_file_ref("a/b.py:Scene") and is_file_ref("b.PY") and is_file_ref("c:/x/b.py:S")
    assert not is_file_ref("scenes.story.superposition:Superposition") and not is_file_ref("uat")
    assert split_ref("a/b.py:Scene") == ("a/b.py", "Scene") and split_ref("b.py") == ("b.py", "")


def test_a_plain_manim_scene_loads_relative_to_a_base(folder):
    scene = load_scene_file("plain.py:Plain", folder)
    assert scene.__name__ == "Plain" and not issubclass(scene, NetreelScene)
    assert load_scene_file(f"{folder}/plain.py:Plain") is scene  # imported once per process
    assert import_scene(scene_ref(scene)) is scene
    assert scene_ref(scene) == f"{folder.resolve()}/plain.py:Plain"


def test_two_files_with_the_same_name_do_not_clash(tmp_path):
    for sub, side in (("a", 1), ("b", 2)):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "scene.py").write_text(PLAIN + f"\nSIDE = {side}\n")
    first = load_scene_file(f"{tmp_path}/a/scene.py:Plain")
    second = load_scene_file(f"{tmp_path}/b/scene.py:Plain")
    assert first is not second
    assert sys.modules[first.__module__].SIDE == 1 and sys.modules[second.__module__].SIDE == 2


@pytest.mark.parametrize("source, fragments", [
    ("import numpy\nx = 1\nundefined_name + 1\n", ["NameError: name 'undefined_name' is not defined", "bad.py:3)"]),
    ("def f(:\n    pass\n", ["SyntaxError", "bad.py:1)"]),
    ("import no_such_module_anywhere\n", ["ModuleNotFoundError: No module named 'no_such_module_anywhere'", "bad.py:1)"]),
    ("import sys\n\n\nsys.exit(3)\n", ["SystemExit: 3", "bad.py:4)"]),
    ("def helper():\n    raise ValueError('deep\\ninside')\n\nhelper()\n", ["ValueError: deep inside", "bad.py:2)"]),
])
def test_a_file_that_fails_to_import_names_its_error_and_line(tmp_path, source, fragments):
    (tmp_path / "bad.py").write_text(source)
    message = load_error(f"{tmp_path}/bad.py:Scene")
    assert message.startswith(f"cannot import '{tmp_path}/bad.py': ")
    for fragment in fragments:
        assert fragment in message
    # a failed import is forgotten, so the fixed file imports
    (tmp_path / "bad.py").write_text(PLAIN)
    assert load_scene_file(f"{tmp_path}/bad.py:Plain").__name__ == "Plain"


def test_missing_file_class_or_scene(folder):
    assert load_error("nope.py:Scene", folder) == f"scene file '{folder}/nope.py' does not exist"
    (folder / "dir.py").mkdir()
    assert "is a folder" in load_error("dir.py:Scene", folder)
    assert load_error("plain.py:Plian", folder) == (
        f"'{folder}/plain.py' has no class 'Plian' (did you mean 'Plain'? scenes in it: Plain)"
    )
    assert "not_a_scene is not a Manim Scene subclass (a function)" in load_error("plain.py:not_a_scene", folder)
    assert "Manim's own Scene" in load_error("plain.py:Scene", folder)
    assert "name the scene class too" in load_error("plain.py", folder)


def test_file_options_survive_a_trip_to_a_new_process():
    """A worker process rebuilds a file scene's options by importing the file again."""
    scene = load_scene_file(f"{EXAMPLE}:LearnSine")
    options = scene.Options(neurons=3, steps=77)
    data = pickle.dumps(options)
    code = (
        "import pickle, sys; o = pickle.loads(sys.stdin.buffer.read()); "
        "print(type(o).__name__, o.neurons, o.steps, type(o).__module__.startswith('netreel_file_'))"
    )
    done = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, check=True)
    assert done.stdout.decode().split() == ["LearnSineOptions", "3", "77", "True"]
    assert pickle.loads(data) == options


def test_the_example_learns_and_draws_its_trace():
    scene_class = load_scene_file(f"{EXAMPLE}:LearnSine")
    width, height, fps = 320, 180, 5
    options = scene_class.Options(neurons=4, steps=600, duration=1.0)
    out = []
    frames = render_frames(scene_class, options, width=width, height=height, fps=fps, scene_out=out)
    scene = out[0]
    trace, plot = scene.trace, scene.plot
    assert trace.loss[-1] < 0.1 * trace.loss[0]
    assert len(frames) == round((1.2 + 0.6 + 1.0 + 0.6 + 1.0) * fps)
    yellow = np.array(ManimColor(THEMES["dark"].output).to_rgb()) * 255

    def yellow_near(frame: np.ndarray, x: float, y: float) -> bool:
        column, row = (int(v) for v in scene_to_pixel(plot.c2p(x, y), width, height))
        patch = frame[row - 2:row + 3, column - 2:column + 3, :3].astype(float)
        return bool((np.linalg.norm(patch - yellow, axis=-1) < 60).any())

    # During the replay the diagram and loss chart (right) move with the Trace, frame by frame.
    replay = slice(round((1.2 + 0.6) * fps), round((1.2 + 0.6 + 1.0) * fps))
    right = frames[replay, : int(0.8 * height), int(0.65 * width):, :3].astype(int)
    assert all(np.abs(np.diff(right, axis=0)).reshape(len(right) - 1, -1).max(axis=1) > 60)
    # The last frame draws the trained output where the Trace says, not the untrained one.
    for x in (-0.6, 0.3, 0.7):
        final = float(np.interp(x, trace.grid, trace.outputs[-1]))
        first = float(np.interp(x, trace.grid, trace.outputs[0]))
        assert yellow_near(frames[-1], x, final)
        if abs(final - first) > 0.4:
            assert not yellow_near(frames[-1], x, first)


# ---------------------------------------------------------------- the pieces a new user meets


def test_tick_numbers_sit_outside_the_plot_by_default():
    """No curve inside the plot can run over a tick number (they are off its left and bottom edges)."""
    plot = FunctionPlot((-1, 1, 0.5), (-1.5, 1.5, 0.5), THEMES["dark"])
    left, bottom = plot.c2p(-1, -1.5)[:2]
    x_numbers, y_numbers = plot.tick_labels
    assert len(x_numbers) == 5 and len(y_numbers) == 7
    assert all(tag.get_top()[1] < bottom for tag in x_numbers)
    assert all(tag.get_right()[0] < left for tag in y_numbers)
    inside = FunctionPlot((-1, 1, 0.5), (-1.5, 1.5, 0.5), THEMES["dark"], labels_at_edges=False)
    assert any(tag.get_right()[0] > inside.c2p(-1, 0)[0] for tag in inside.tick_labels[1])


def test_curves_layer_by_role_whatever_the_order_they_came_in():
    theme = THEMES["dark"]
    xs = np.linspace(0, 1, 5)
    plot = FunctionPlot((0, 1), (0, 1), theme)
    target = plot.add_curve("target", xs, xs, theme.target, dashed=True)
    output = plot.add_curve("output", xs, xs, theme.output)
    part = plot.add_curve("neuron0", xs, xs, theme.neuron_color(0), role="part")
    extra = plot.add_curve("guess", xs, xs, theme.muted)
    order = [plot.submobjects.index(curve) for curve in (part, extra, output, target)]
    assert order == sorted(order) and plot.roles == {"target": "target", "output": "output", "neuron0": "part", "guess": "curve"}
    asked = FunctionPlot((0, 1), (0, 1), theme)
    under = asked.add_curve("target", xs, xs, theme.target, role="part")
    over = asked.add_curve("output", xs, xs, theme.output)
    assert asked.submobjects.index(under) < asked.submobjects.index(over)
    with pytest.raises(ValueError, match="role must be one of"):
        asked.add_curve("x", xs, xs, theme.text, role="front")


def test_loss_curve_for_a_trace_shows_every_loss_and_says_when_one_falls_outside():
    trace = netcore.fit_function("sine", neurons=3, steps=400, frames=21)
    chart = LossCurve.for_trace(trace, THEMES["dark"])
    low, high = chart.shown_range
    assert low <= trace.loss.min() and trace.loss.max() <= high and high / low <= 1e3 * trace.loss.max() / trace.loss.min()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart.set_data(trace.steps, trace.loss)
    assert chart.below.get_fill_opacity() == chart.above.get_fill_opacity() == 0
    narrow = LossCurve(THEMES["dark"], max_step=400, loss_range=(0.5, 1.0))
    with pytest.warns(UserWarning, match=r"lies outside the chart's range 0\.1 to 1 .*LossCurve.for_trace") as caught:
        narrow.set_data(trace.steps, trace.loss)
        narrow.set_data(trace.steps, trace.loss)
    assert len(caught) == 1  # once per chart
    assert narrow.below.get_fill_opacity() == 1 and narrow.below.get_top()[1] < narrow.dot.get_bottom()[1]
    narrow.set_data(trace.steps[:1], trace.loss[:1] * 0 + 0.5)
    assert narrow.below.get_fill_opacity() == 0


def test_a_plain_manim_scene_takes_no_parameters():
    from manim import Scene

    from scenes.cli.scene_file import options_for

    class Plain(Scene):
        pass

    with pytest.raises(NetreelError, match=r"Plain is a plain Manim scene: it takes no parameters \(got 'side'\)"):
        options_for(Plain, {"side": 2, "speed": 1}, None)
    assert options_for(Plain, {}, None) is None
