"""Backpropagation scene: the numbers it shows against finite differences, bad options, its diagram, one tiny render."""

import inspect
import math
import pickle
import re

import numpy as np
import pytest
from manim import ManimColor, config
from support import InFrame, examples, outside_frame, render_plain

import netcore
from netcore import Network, gradcheck, sigmoid
from scenes.mobjects.network_diagram import edge_width
from scenes.output.render import render_frames
from scenes.story.backprop import numbers as numbers_module
from scenes.story.backprop.diagram import BackpropDiagram
from scenes.story.backprop.numbers import (
    DECIMALS,
    LOSS_DECIMALS,
    shown,
)
from scenes.story.backprop.panel import INDENT, FormulaPanel
from scenes.story.backprop.scene import LAYOUTS, Backpropagation, BackpropOptions
from scenes.text import FRAME_MARGIN
from scenes.theme import get_theme


def numbers_for(layers=(1, 2, 1), weight=(0, 0, 0), **changes):
    options = BackpropOptions(layers=layers, weight=weight, **changes)
    if "input" not in changes:
        options.input = (0.5, -0.3)[: layers[0]]
    options.validate()
    return options.numbers()


def network_at(numbers, params) -> Network:
    net = Network(numbers.layer_sizes, seed=0)
    net.set_params(params)
    return net


def loss_of(numbers, params) -> float:
    return network_at(numbers, params).gradients(numbers.x[None], numbers.y[None]).loss


def central_differences(numbers, eps=1e-6):
    """dL/dW and dL/db of the shown network, by nudging each parameter of a copy both ways."""
    params = [(W.copy(), b.copy()) for W, b in zip(numbers.weights, numbers.biases)]
    grads = []
    for W, b in params:
        for p in (W, b):
            g = np.zeros_like(p)
            for i in np.ndindex(p.shape):
                saved = p[i]
                p[i] = saved + eps
                up = loss_of(numbers, params)
                p[i] = saved - eps
                down = loss_of(numbers, params)
                p[i] = saved
                g[i] = (up - down) / (2 * eps)
            grads.append(g)
    return grads[0::2], grads[1::2]


@pytest.mark.parametrize("layers, weight", [((1, 2, 1), (0, 0, 0)), ((2, 2, 1), (0, 1, 1)),
                                            ((1, 2, 2, 1), (0, 0, 1)), ((2, 2, 2, 1), (2, 1, 0))])
def test_shown_gradients_match_finite_differences(layers, weight):
    n = numbers_for(layers, weight)
    fd_W, fd_b = central_differences(n)
    for shown_W, fd in zip(n.grad_weights, fd_W):
        np.testing.assert_allclose(shown_W, fd, rtol=1e-6, atol=1e-9)
        assert [shown(v) for v in shown_W.ravel()] == [shown(v) for v in fd.ravel()]
    for delta, fd in zip(n.deltas, fd_b):  # a bias's gradient is its neuron's δ
        np.testing.assert_allclose(delta, fd, rtol=1e-6, atol=1e-9)
    assert gradcheck(network_at(n, n.params_at(0)), n.x[None], n.y[None]) < 1e-6
    assert n.loss == pytest.approx(float(np.sum((n.output - n.y) ** 2)))


@pytest.mark.parametrize("layers, weight", [((1, 2, 1), (0, 0, 0)), ((1, 2, 2, 1), (1, 1, 0)),
                                            ((2, 2, 1), (1, 1, 0))])
def test_chain_rule_factors_multiply_to_the_gradient(layers, weight):
    n = numbers_for(layers, weight)
    c = n.chain
    layer, i, j = weight
    assert c.product == pytest.approx(c.gradient, rel=1e-12)
    assert c.gradient == n.grad_weights[layer][i, j]
    assert c.input == n.activations[layer][i]
    z, h = n.zs[layer][j], 1e-6
    last = layer == len(n.weights) - 1
    slope = 1.0 if last else (sigmoid.f(z + h) - sigmoid.f(z - h)) / (2 * h)
    assert c.slope == pytest.approx(slope, rel=1e-6)
    # error · slope is the neuron's δ, which the scene shows on the diagram
    assert c.error * c.slope == pytest.approx(n.deltas[layer][j], rel=1e-12)
    # the product of the factors as shown rounds to the gradient as shown (within display rounding)
    rounded = math.prod(float(shown(v).replace("\u2212", "-")) for v in (c.error, c.slope, c.input))
    assert abs(rounded - c.gradient) < 4 * 10 ** -DECIMALS


def test_update_is_netcore_sgd_and_the_loss_falls():
    n = numbers_for()
    for W, dW, new in zip(n.weights, n.grad_weights, n.weights_at(1)):
        np.testing.assert_allclose(new, W - n.lr * dW, rtol=0, atol=1e-15)
    for b, db, new in zip(n.biases, n.grad_biases, n.frame_biases):
        np.testing.assert_allclose(new[1], b - n.lr * db, rtol=0, atol=1e-15)
    assert n.frame_loss[1] == loss_of(n, n.params_at(1))
    assert shown(n.frame_loss[1], LOSS_DECIMALS) == shown(loss_of(n, n.params_at(1)), LOSS_DECIMALS)
    assert n.frame_loss[1] < n.loss
    assert np.all(np.diff(n.frame_loss) < 0)
    assert n.frame_loss[-1] < n.loss / 100
    assert list(n.frame_steps) == list(range(BackpropOptions().steps + 2))
    last = network_at(n, n.params_at(-1)).forward(n.x[None])
    np.testing.assert_allclose(n.frame_activations[-1][-1], last.output[0])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"layers": (1, 3, 1)}, "--layers 1,3,1 does not fit"),
        ({"layers": (1, 2, 2, 2, 1)}, "choose 1,2,1 or 2,2,1"),
        ({"layers": (1, 2, 2)}, "does not fit the backprop layout"),
        ({"input": (math.nan,)}, "--input must be a finite number"),
        ({"input": (0.5, 0.5)}, "--input has 2 value(s) but --layers 1,2,1 has 1"),
        ({"target": (1.0, 2.0)}, "--target has 2 value(s)"),
        ({"lr": 0.0}, "--lr must be above 0"),
        ({"lr": -0.1}, "--lr must be above 0, got -0.1"),
        ({"lr": math.inf}, "--lr must be a finite number"),
        ({"weight": (1, 2, 0)}, "--weight 1,2,0 is not a weight"),
        ({"weight": (2, 0, 0)}, "--weight 2,0,0 is not a weight"),
        ({"lr": 2.0, "target": (5.0,)}, "--lr 2 overshoots for this example"),
    ],
)
def test_bad_options_fail_before_rendering(changes, message):
    with pytest.raises(ValueError) as error:
        Backpropagation(BackpropOptions(**changes))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_every_layout_named_in_the_help_validates():
    for layers in LAYOUTS:
        numbers_for(layers)
    assert "1,2,2,1" in BackpropOptions.__dataclass_fields__["layers"].metadata["help"]


def on_screen(value, decimals=DECIMALS) -> str:
    """What a ValueLabel shows: the digits its glyphs draw (tests/test_mobjects.py checks
    that a GlyphNumber draws its text as a DecimalNumber would)."""
    return shown(float(value.number.text.replace(",", "")), decimals)


def assert_diagram_shows(diagram, n, params):
    """Every label and edge of ``diagram`` shows the network with ``params``, run forward by netcore here."""
    forward = network_at(n, params).forward(n.x[None])
    for (layer, i, j), value in diagram.weight_values.items():
        w = params[layer][0][i, j]
        assert on_screen(value) == shown(w)
        edge = diagram.edge(layer, i, j)
        assert edge.get_stroke_width() == pytest.approx(edge_width(w))
        assert edge.get_stroke_color() == ManimColor(diagram.theme.positive if w >= 0 else diagram.theme.negative)
    for (layer, j), value in diagram.a_values.items():
        assert on_screen(value) == shown(forward.activations[layer][0, j])
    for (layer, j), value in diagram.z_values.items():
        assert on_screen(value) == shown(forward.zs[layer - 1][0, j])
    loss = float(np.sum((forward.output[0] - n.y) ** 2))
    assert on_screen(diagram.loss_value, LOSS_DECIMALS) == shown(loss, LOSS_DECIMALS)


@pytest.mark.parametrize("layers", LAYOUTS)
def test_diagram_starts_at_the_first_frame_and_set_data_shows_another(layers):
    n = numbers_for(layers)
    diagram = BackpropDiagram(n, get_theme("light"))
    assert_diagram_shows(diagram, n, n.params_at(0))
    for (layer, i, j), value in diagram.grad_values.items():
        assert on_screen(value) == shown(n.grad_weights[layer][i, j])
    for (layer, j), value in diagram.delta_values.items():
        assert on_screen(value) == shown(n.deltas[layer - 1][j])
    assert diagram.set_data(*diagram.frame(5)) is diagram
    assert_diagram_shows(diagram, n, n.params_at(5))


def test_diagram_set_data_leaves_what_it_is_not_given():
    n = numbers_for()
    diagram = BackpropDiagram(n, get_theme("dark"))
    frame = diagram.frame(len(n.frame_steps) - 1)
    diagram.set_data(activations=frame.activations, loss=frame.loss)
    assert on_screen(diagram.weight_values[0, 0, 0]) == shown(n.weights[0][0, 0])
    assert on_screen(diagram.z_values[1, 0]) == shown(n.zs[0][0])
    assert on_screen(diagram.a_values[1, 0]) == shown(n.frame_activations[1][-1, 0]) != shown(n.activations[1][0])


def test_tween_ticks_between_steps_or_jumps_from_step_to_step():
    n = numbers_for()
    diagram = BackpropDiagram(n, get_theme("dark"))
    smooth = diagram.tween(0, 1, values=False)
    smooth.interpolate_mobject(0.5)  # half way through the first SGD step
    for (layer, i, j), value in diagram.weight_values.items():
        halfway = (n.weights[layer][i, j] + n.weights_at(1)[layer][i, j]) / 2
        assert on_screen(value) == shown(halfway)
    assert on_screen(diagram.a_values[2, 0]) == shown(n.output[0])  # values=False: untouched
    steps = []
    last = len(n.frame_steps) - 1
    jumping = diagram.tween(1, last, on_step=steps.append)
    for alpha in np.linspace(0, 1, 25):
        jumping.interpolate_mobject(alpha)
    assert steps[0] == 1 and steps[-1] == last and all(isinstance(k, int) for k in steps)
    assert sorted(set(steps)) == list(range(1, last + 1))
    assert_diagram_shows(diagram, n, n.params_at(last))


def example_scene(obj):
    """The scene class of the ``.. manim::`` example in ``obj``'s docstring."""
    ((name, code),) = examples(inspect.getdoc(obj)).items()
    namespace = {}
    exec(compile(code, f"<{name}>", "exec"), namespace)  # our own docstring, not user text
    return namespace[name]


def test_diagram_example_renders_and_ends_on_the_first_step():
    scene = render_plain(example_scene(BackpropDiagram), width=160, height=90)
    assert scene.renderer.get_frame()[..., :3].std() > 5
    diagram = next(m for m in scene.get_mobject_family_members() if isinstance(m, BackpropDiagram))
    assert_diagram_shows(diagram, diagram.numbers, diagram.numbers.params_at(1))


def tokens(*lines: str) -> list[str]:
    """The numbers written in ``lines`` (with decimals, as :func:`shown` writes them), in order."""
    return re.findall(r"\u2212?\d+\.\d+", " ".join(lines))


CASES = [((1, 2, 1), (0, 0, 0)), ((2, 2, 1), (0, 1, 1)), ((1, 2, 2, 1), (0, 0, 1)), ((2, 2, 2, 1), (2, 1, 0))]


@pytest.mark.parametrize("layers, weight", CASES)
def test_formula_panels_write_netcore_numbers(layers, weight):
    """Every number in the formulas, against a forward pass and finite differences computed here."""
    n, theme = numbers_for(layers, weight), get_theme("dark")
    c, last = n.chain, len(layers) - 1
    params = n.params_at(0)
    forward = network_at(n, params).forward(n.x[None])
    a = [act[0] for act in forward.activations]
    fd_W, fd_b = central_differences(n)

    panel = FormulaPanel.forward_pass(n, theme)
    assert sorted(panel.worked) == sorted({c.layer + 1, last})
    for layer, rows in panel.worked.items():
        j = c.j if layer < last else 0
        z = forward.zs[layer - 1][0, j]
        expected = [v for pair in zip(params[layer - 1][0][:, j], a[layer - 1]) for v in pair] + [params[layer - 1][1][j], z]
        if layer < last:
            expected += [z, a[layer][j]]
        assert tokens(*(row.original_text for row in rows)) == [shown(v) for v in expected]

    out, y = a[-1][0], n.y[0]
    loss = float(np.sum((a[-1] - n.y) ** 2))
    assert tokens(*FormulaPanel.loss(n, theme).lines) == [shown(out), shown(y), shown(loss, LOSS_DECIMALS)]

    lines = FormulaPanel.backward_pass(n, theme).lines
    assert tokens(lines[2]) == [shown(out), shown(y), shown(fd_b[-1][0])]
    if c.layer + 1 < last:  # the chain rule's neuron is hidden: its δ = σ'(z) · Σ w · δ worked out
        error = params[c.layer + 1][0][c.j] @ fd_b[c.layer + 1]
        slope = a[c.layer + 1][c.j] * (1 - a[c.layer + 1][c.j])
        assert tokens(lines[4]) == [shown(slope), shown(error), shown(fd_b[c.layer][c.j])]
    else:
        assert len(lines) == 4

    lines = FormulaPanel.chain_rule(n, theme).lines
    gradient = fd_W[c.layer][c.i, c.j]
    assert tokens(lines[0])[-1] == shown(gradient) and f"<b>{shown(gradient)}</b>" in lines[0]
    assert tokens(lines[1]) == [shown(fd_b[c.layer][c.j]), shown(a[c.layer][c.i])]

    stepped = [(W - n.lr * gW, b - n.lr * gb) for (W, b), gW, gb in zip(params, fd_W, fd_b)]
    old = params[c.layer][0][c.i, c.j]
    lines = FormulaPanel.update(n, theme).lines
    assert tokens(lines[1]) == [shown(old), f"{n.lr:g}", shown(gradient), shown(stepped[c.layer][0][c.i, c.j])]
    assert tokens(lines[3]) == [shown(loss, LOSS_DECIMALS), shown(loss_of(n, stepped), LOSS_DECIMALS)]


def test_formula_panel_layout():
    theme = get_theme("light")
    wide = "w × a + " * 30
    panel = FormulaPanel(theme, "Heading", "z = 1.000", "      + 2.000 = 3.000", wide, corner=(-2, 1, 0), width=4)
    assert panel.lines == ["z = 1.000", "      + 2.000 = 3.000", wide]
    assert panel.get_corner([-1, 1, 0])[:2] == pytest.approx([-2, 1])
    assert panel[2].get_left()[0] == pytest.approx(panel[1].get_left()[0] + INDENT)  # carries on the line above
    assert panel[3].width == pytest.approx(4) and all(row.width <= 4 + 1e-9 for row in panel)
    assert all(a.get_bottom()[1] > b.get_top()[1] for a, b in zip(panel, panel[1:]))  # stacked downwards
    default = FormulaPanel(theme, "Heading", wide)  # right of the diagram, up to the frame's margin
    assert default.get_right()[0] == pytest.approx(config.frame_width / 2 - FRAME_MARGIN)


def test_formula_panel_example_renders():
    scene = render_plain(example_scene(FormulaPanel), width=160, height=90)
    assert scene.renderer.get_frame()[..., :3].std() > 5
    assert not outside_frame(scene)


@pytest.fixture
def trainings(monkeypatch):
    """Counts the calls to netcore's ``train`` made for the backprop numbers."""
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return netcore.train(*args, **kwargs)

    monkeypatch.setattr(numbers_module, "train", counting)
    return calls


def test_the_network_is_trained_once(trainings):
    """The options check trains (to catch divergence); the scene, here or in a worker, reuses it."""
    options = BackpropOptions(steps=3)
    options.validate()  # as the CLI does, before any job starts
    carried = pickle.loads(pickle.dumps(options))  # as a job takes them to a worker process
    scene = Backpropagation(carried)  # validates again
    assert scene.options.numbers() is carried.numbers()
    assert len(trainings) == 1
    carried.lr = 0.2
    assert carried.numbers().lr == 0.2
    assert len(trainings) == 2


class Probe(InFrame, Backpropagation):
    """The scene, kept after rendering, checking after every animation that everything is in frame."""

    last: "Probe | None" = None
    outside: list = []

    def construct(self):
        super().construct()
        type(self).last = self


def test_tiny_render_shows_netcore_numbers_in_frame(trainings):
    frames = render_frames(Probe, fps=5)
    assert len(trainings) == 1
    n_frames, height, width, _ = frames.shape
    assert (height, width) == (90, 160)
    assert 5 * 40 <= n_frames <= 5 * 90  # the scene runs about a minute
    spread = frames[..., :3].reshape(n_frames, -1).std(axis=1)
    assert (spread > 5).mean() > 0.95 and spread[-1] > 5
    assert not Probe.outside
    scene, n = Probe.last, Probe.last.numbers
    c = n.chain
    assert f"<b>{shown(c.gradient)}</b>" in " ".join(scene.panel_text)
    assert any(shown(n.frame_loss[1], LOSS_DECIMALS) in line for line in scene.panel_text)
    # after the loop, the diagram shows the last step's weights and loss, as netcore has them
    assert_diagram_shows(scene.diagram, n, n.params_at(-1))
