"""Shared mobjects: diagrams, plots, loss curve and text helpers."""

import warnings

import numpy as np
import pytest
from manim import (
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    DashedVMobject,
    Dot,
    ManimColor,
    Scene,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
    config,
    linear,
    smooth,
    tempconfig,
)
from support import render_plain

from netcore import Network, superposition
from scenes.mobjects import curve_legend
from scenes.mobjects.function_plot import FunctionPlot, corner_path
from scenes.mobjects.loss_curve import LossCurve
from scenes.mobjects.network_diagram import NetworkDiagram, edge_width
from scenes.mobjects.neuron_diagram import NeuronDiagram
from scenes.mobjects.flat import flatten
from scenes.mobjects.readouts import GlyphNumber, Readout
from scenes.mobjects.replay import play_frames, sweep
from scenes.text import FRAME_MARGIN, Caption, label, number
from scenes.theme import THEMES

THEME = THEMES["dark"]


def color(hex_string: str) -> ManimColor:
    return ManimColor(hex_string)


def family_ids(mobject) -> list[int]:
    return [id(m) for m in mobject.get_family()]


# ---------------------------------------------------------------- NetworkDiagram


def test_edges_colored_by_sign_and_widened_by_magnitude():
    net = superposition(1.5, -0.5)
    diagram = NetworkDiagram(net, THEME)
    W_out = net.params[1][0]
    assert diagram.edge(1, 0, 0).get_stroke_color() == color(THEME.positive)
    assert diagram.edge(1, 1, 0).get_stroke_color() == color(THEME.negative)
    assert diagram.edge(1, 0, 0).get_stroke_width() == pytest.approx(edge_width(W_out[0, 0]))
    assert diagram.edge(1, 0, 0).get_stroke_width() > diagram.edge(1, 1, 0).get_stroke_width()
    widths = [edge_width(w) for w in (0.0, 0.1, 0.5, 1.0, 3.0, -10.0)]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert edge_width(-2.0) == edge_width(2.0)


def test_every_edge_matches_its_weight():
    net = Network([3, 5, 2], seed=3)
    diagram = NetworkDiagram(net, THEME)
    for layer, (W, _) in enumerate(net.params):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                edge = diagram.edge(layer, i, j)
                expected = THEME.positive if W[i, j] >= 0 else THEME.negative
                assert edge.get_stroke_color() == color(expected)
                assert edge.get_stroke_width() == pytest.approx(edge_width(W[i, j]))
                # an edge runs from its input neuron to its output neuron
                assert edge.get_start()[0] > diagram.neuron(layer, i).get_center()[0]
                assert edge.get_end()[0] < diagram.neuron(layer + 1, j).get_center()[0]


def test_set_data_restyles_in_place():
    net = superposition(1.0, 1.0)
    diagram = NetworkDiagram(net, THEME)
    tag = diagram.add_edge_label(1, 1, 0, "w<sub>21</sub>", value=True)
    before = family_ids(diagram)
    flipped = superposition(1.0, -2.0)
    activations = [np.array([0.0]), np.array([[0.0, 1.0]]), np.array([0.25])]
    diagram.set_data(flipped.params, activations)
    edge = diagram.edge(1, 1, 0)
    assert id(edge) in before and id(diagram.neuron(1, 1)) in before
    assert edge.get_stroke_color() == color(THEME.negative)
    assert edge.get_stroke_width() == pytest.approx(edge_width(-2.0))
    assert diagram.neuron(1, 0).get_fill_color() == color(THEME.neuron_off)
    assert diagram.neuron(1, 1).get_fill_color() == color(THEME.neuron_on)
    assert tag[2].get_value() == pytest.approx(-2.0)
    # the circles and lines are the very same objects, none added or dropped
    assert {id(m) for m in [*diagram.edges.values(), *diagram.neurons.values()]} <= set(before)
    assert len(diagram.edges) == 4 and len(diagram.neurons) == 4


def test_parts_are_one_public_mapping_with_getitem():
    net = Network([2, 3, 1], seed=0)
    diagram = NetworkDiagram(net, THEME)
    assert sorted(diagram.neurons) == [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 0)]
    assert sorted(diagram.edges) == [(0, i, j) for i in range(2) for j in range(3)] + [(1, j, 0) for j in range(3)]
    assert diagram[1, 2] is diagram.neurons[1, 2] is diagram.neuron(1, 2)
    assert diagram[0, 1, 2] is diagram.edges[0, 1, 2] is diagram.edge(0, 1, 2)
    family = diagram.get_family()
    assert all(part in family for part in [*diagram.neurons.values(), *diagram.edges.values()])
    # integer keys still index the submobjects, as in any VGroup
    assert diagram[0] is diagram.submobjects[0]
    with pytest.raises(KeyError):
        diagram[1, 3]


def test_wide_layer_collapses_with_ellipsis():
    net = Network([1, 20, 1])
    diagram = NetworkDiagram(net, THEME, max_neurons=6)
    drawn = [i for i in range(20) if diagram.neuron(1, i) is not None]
    assert drawn == [0, 1, 2, 17, 18, 19]
    assert len(diagram.neurons) == 1 + 6 + 1
    assert len(diagram.ellipses) == 1 and len(diagram.ellipses[0]) == 3
    assert len(diagram.edges) == 6 + 6
    assert diagram.edge(0, 0, 10) is None and diagram.edge(1, 10, 0) is None
    ellipsis_y = diagram.ellipses[0].get_center()[1]
    assert diagram.neuron(1, 2).get_center()[1] > ellipsis_y > diagram.neuron(1, 17).get_center()[1]
    assert diagram.height <= 4.0 + 1e-6 and diagram.width <= 5.0 + 1e-6


def test_hidden_neurons_take_palette_colors_and_labels_name_the_ends():
    diagram = NetworkDiagram(Network([2, 3, 1]), THEME, color_hidden=True, labels=True)
    for i in range(3):
        assert diagram.neuron(1, i).get_stroke_color() == color(THEME.neuron_color(i))
    assert diagram.neuron(0, 0).get_stroke_color() == color(THEME.neuron_stroke)
    assert len(diagram.neuron_labels) == 3  # x1, x2, y
    assert diagram.neuron_labels[0].get_center()[0] < diagram.neuron(0, 0).get_center()[0]


# ---------------------------------------------------------------- FunctionPlot


def test_set_data_keeps_the_mobject_and_maps_to_axes():
    plot = FunctionPlot((-2, 2, 1), (-0.5, 1.5, 0.5), THEME).shift([1.0, -0.5, 0])
    xs = np.linspace(-2, 2, 41)
    curve = plot.add_curve("out", xs, np.zeros_like(xs), THEME.output)
    ys = np.sin(xs)
    assert plot.set_data("out", xs, ys) is curve is plot.curve("out")
    corners = curve.points[::4]  # set_points_as_corners: 4 points per segment
    expected = plot.axes.c2p(np.column_stack([xs, np.clip(ys, -0.5, 1.5)]))
    np.testing.assert_allclose(corners, expected[:-1], atol=1e-9)
    np.testing.assert_allclose(curve.get_end(), expected[-1], atol=1e-9)
    assert curve.get_stroke_color() == color(THEME.output)


def test_curve_values_are_clipped_into_view():
    plot = FunctionPlot((0, 1), (0, 1), THEME)
    curve = plot.add_curve("c", [0, 0.5, 1], [-5, 0.5, 9], THEME.output)
    bottom, top = plot.c2p(0, 0)[1], plot.c2p(0, 1)[1]
    assert curve.points[:, 1].min() == pytest.approx(bottom)
    assert curve.points[:, 1].max() == pytest.approx(top)


def test_c2p_round_trips():
    plot = FunctionPlot((-3, 3, 1), (-2, 2, 1), THEME, width=5, height=3).to_corner([1, 1, 0])
    for x, y in [(-3, -2), (0, 0), (1.25, -0.75), (3, 2)]:
        np.testing.assert_allclose(plot.axes.p2c(plot.c2p(x, y)), [x, y], atol=1e-9)
    assert plot.c2p(3, 0)[0] - plot.c2p(-3, 0)[0] == pytest.approx(5)
    assert plot.c2p(0, 2)[1] - plot.c2p(0, -2)[1] == pytest.approx(3)


def test_dashed_curve_and_removal():
    plot = FunctionPlot((0, 1), (0, 1), THEME)
    xs = np.linspace(0, 1, 20)
    dashed = plot.add_curve("t", xs, xs, THEME.target, dashed=True)
    assert isinstance(dashed, DashedVMobject) and len(dashed) >= 8
    dashes = len(dashed)
    assert plot.set_data("t", xs, 1 - xs) is dashed and len(dashed) == dashes
    assert dashed[0].get_start()[1] == pytest.approx(plot.c2p(0, 1)[1])
    plot.remove_curve("t")
    assert "t" not in plot.curves and dashed not in plot.submobjects


def test_corner_paths_are_manims_corners_one_polyline_or_many():
    rng = np.random.default_rng(3)
    corners = rng.normal(size=(5, 7, 3))
    paths = corner_path(corners)
    assert paths.shape == (5, 24, 3)
    for path, row in zip(paths, corners):
        assert np.array_equal(path, corner_path(row))
        assert np.array_equal(path, VMobject().set_points_as_corners(row).points)


def test_visible_paths_cut_where_curves_leave_and_draw_whole_rows_that_stay():
    plot = FunctionPlot((-2, 2, 1), (-1, 1, 0.5), THEME)
    xs = np.linspace(-2, 2, 9)
    inside = np.stack([0.5 * np.sin(xs), 0.9 * np.cos(xs)])
    whole = plot.visible_paths(xs, inside)  # nothing leaves: the polylines through the points
    for path, ys in zip(whole, inside):
        np.testing.assert_allclose(path, corner_path(plot.points_for(xs, ys)), atol=1e-12)
    leaving = np.vstack([inside, 3 * xs])  # the last row leaves the y range: every row is cut
    cut = plot.visible_paths(xs, leaving)
    for path, expected in zip(cut, whole):
        np.testing.assert_allclose(path, expected, atol=1e-12)
    # 3x is inside for x in [-1/3, 1/3]: two pieces (through x = 0), cut at -1/3 and 1/3
    assert len(cut[2]) == 2 * 4
    np.testing.assert_allclose(cut[2][[0, -1]], [plot.c2p(-1 / 3, -1), plot.c2p(1 / 3, 1)], atol=1e-12)


def test_bad_ranges_and_data_raise():
    with pytest.raises(ValueError):
        FunctionPlot((1, 1), (0, 1), THEME)
    plot = FunctionPlot((0, 1), (0, 1), THEME)
    with pytest.raises(ValueError):
        plot.add_curve("c", [0, 1, 2], [0, 1], THEME.output)


# ---------------------------------------------------------------- LossCurve


def test_loss_curve_spans_decades():
    curve = LossCurve(THEME, max_step=1000, loss_range=(3e-5, 2.0))
    bottom, top = curve.c2p(0, 1e-5)[1], curve.c2p(0, 10.0)[1]
    assert top - bottom == pytest.approx(2.2)
    # each decade takes the same height
    decade = curve.c2p(0, 1e-2)[1] - curve.c2p(0, 1e-3)[1]
    assert curve.c2p(0, 1.0)[1] - curve.c2p(0, 0.1)[1] == pytest.approx(decade)
    steps = np.array([0, 10, 100, 1000])
    losses = np.array([2.0, 0.3, 1e-3, 0.0])  # 0 is clipped to the bottom, not -inf
    ids = family_ids(curve)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a loss of 0 is a perfect fit: on the floor, said nothing of
        curve.set_data(steps, losses)
    assert family_ids(curve) == ids
    np.testing.assert_allclose(curve.dot.get_center(), curve.c2p(1000, 1e-5), atol=1e-9)
    assert np.isfinite(curve.curve.points).all()
    assert curve.curve.get_start()[1] == pytest.approx(curve.c2p(0, 2.0)[1])
    labels = [t.text for t in curve.tick_labels]
    assert "10⁻⁵" in labels and "10" in labels


def test_linear_loss_curve_and_bad_range():
    curve = LossCurve(THEME, max_step=10, loss_range=(0.0, 1.0), log=False)
    assert curve.c2p(0, 1.0)[1] - curve.c2p(0, 0.0)[1] == pytest.approx(2.2)
    with pytest.raises(ValueError):
        LossCurve(THEME, max_step=10, loss_range=(0.0, 1.0))
    with pytest.raises(ValueError):
        LossCurve(THEME, max_step=0)


# ---------------------------------------------------------------- NeuronDiagram


def test_neuron_diagram_parts_and_values():
    neuron = NeuronDiagram([0.5, -1.0], -0.25, THEME)
    names = [name for name, _ in neuron.parts()]
    assert names == ["inputs", "weights", "bias", "sum", "activation", "output"]
    assert [v.get_value() for v in neuron.weight_values] == [-0.25, 0.5, -1.0]
    neuron.set_data([1.0, 0.0], 0.25, 1.0)
    assert [v.get_value() for v in neuron.input_values] == [1.0, 0.0]
    assert neuron.sum_value.get_value() == 0.25
    assert neuron.output_node.get_fill_color() == color(THEME.neuron_on)
    neuron.set_data([0.0, 1.0], -1.25, 0.0)
    assert neuron.output_node.get_fill_color() == color(THEME.neuron_off)
    bias_text = "".join(t.text for t in neuron.bias.get_family() if hasattr(t, "text"))
    assert "b" in bias_text and "w" in bias_text
    with pytest.raises(ValueError):
        NeuronDiagram([], 0.0, THEME)


# ---------------------------------------------------------------- every mobject


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: NetworkDiagram(Network([1, 2, 1]), THEME, **kw),
        lambda **kw: NeuronDiagram([1.0], 0.0, THEME, **kw),
        lambda **kw: FunctionPlot((0, 1), (0, 1), THEME, **kw),
        lambda **kw: LossCurve(THEME, max_step=10, **kw),
        lambda **kw: Readout(THEME.text, 24, "1,000", **kw),
        lambda **kw: curve_legend(THEME, **kw),
    ],
    ids=["NetworkDiagram", "NeuronDiagram", "FunctionPlot", "LossCurve", "Readout", "curve_legend"],
)
def test_keyword_arguments_reach_the_vgroup(make):
    mobject = make(z_index=3, name="piece")
    assert (mobject.z_index, mobject.name) == (3, "piece")


# ---------------------------------------------------------------- play_frames


def replayed(replay, fps: float) -> list:
    """Every value ``replay(scene, show)`` passes to ``show``, in order."""
    seen: list = []

    class Replay(Scene):
        def construct(self):
            replay(self, seen.append)

    render_plain(Replay, width=32, height=18, fps=fps)
    return seen


def distinct(values: list) -> list:
    """``values`` without repeats in a row."""
    return [v for n, v in enumerate(values) if n == 0 or v != values[n - 1]]


def tracked(start: float, end: float, run_time: float, rate_func, fps: float, *, whole: bool) -> list:
    """What an updater read off a ValueTracker animated from ``start`` to ``end`` (rounded if ``whole``)."""
    def replay(scene, show):
        tracker = ValueTracker(start)
        value = (lambda: int(round(tracker.get_value()))) if whole else tracker.get_value
        scene.add(Dot().add_updater(lambda _: show(value())))
        scene.play(tracker.animate.set_value(end), run_time=run_time, rate_func=rate_func)

    return distinct(replayed(replay, fps))


@pytest.mark.parametrize(
    "start, count, run_time, rate_func, fps",
    [(1, 500, 4.0, linear, 4), (40, 41, 2.0, linear, 8), (0, 48, 3.0, smooth, 7), (0, 40, 2.0, smooth, 15)],
)
def test_play_frames_shows_each_frame_a_value_tracker_would(start, count, run_time, rate_func, fps):
    def replay(scene, show):
        play_frames(scene, count, show, run_time, mobject=Dot(), start=start, rate_func=rate_func)

    shown = replayed(replay, fps)
    assert shown == distinct(shown)  # never the same frame twice in a row
    assert shown == tracked(start, start + count - 1, run_time, rate_func, fps, whole=True)
    assert shown[0] == start and shown[-1] == start + count - 1
    assert len(shown) > 0.6 * run_time * fps


def test_sweep_passes_the_value_a_value_tracker_would():
    def replay(scene, show):
        sweep(scene, np.log(6.0), np.log(120.0), show, 2.0, mobject=Dot())

    assert distinct(replayed(replay, 5)) == tracked(np.log(6.0), np.log(120.0), 2.0, smooth, 5, whole=False)


def test_play_frames_plays_alongside_other_animations_and_needs_a_frame():
    caption = Caption(THEME)

    def replay(scene, show):
        play_frames(scene, 3, show, 1.0, caption.say("beside the replay"), mobject=Dot())

    assert replayed(replay, 5) == [0, 1, 2]
    assert caption.line is not None and caption.line.get_fill_opacity() == pytest.approx(1)
    with pytest.raises(ValueError, match="at least one frame"):
        play_frames(Scene(), 0, print, 1.0, mobject=Dot())


# ---------------------------------------------------------------- text


def test_numbers_are_text_glyphs_and_tick():
    value = number(1.5, THEME.text, decimals=1, signed=True)
    assert all(isinstance(glyph, Text) for glyph in value)
    value.set_value(-0.25)
    assert value.get_value() == -0.25
    assert label("hi", THEME.muted).get_color() == color(THEME.muted)


def test_caption_fits_and_swaps_lines():
    caption = Caption(THEME)
    first = caption.say("a neuron adds up its weighted inputs")
    assert first.introducer and first.mobject is caption.line
    old = caption.line
    long = " ".join(["words"] * 40)
    second = caption.say(long)
    assert isinstance(second, AnimationGroup) and caption.line is not old
    line = caption.line
    assert line.width <= config.frame_width - 2 * FRAME_MARGIN
    assert line.get_bottom()[1] >= -config.frame_height / 2 + FRAME_MARGIN - 1e-6
    assert "\n" in line.original_text


def test_a_caption_fades_by_opacity_alone_its_points_untouched():
    caption = Caption(THEME)
    caption.say("a neuron adds up its weighted inputs")
    old = caption.line
    fade = caption.say("and a step decides")
    new, points = caption.line, (old.points.copy(), caption.line.points.copy())
    fade.begin()
    fade.interpolate(0.5)  # halfway along the smooth curve: both lines at half strength
    assert old.get_fill_opacity() == pytest.approx(0.5) and new.get_fill_opacity() == pytest.approx(0.5)
    fade.interpolate(0.25)
    assert new.get_fill_opacity() == pytest.approx(smooth(0.25)) and old.get_fill_opacity() == pytest.approx(
        1 - smooth(0.25))
    assert np.array_equal(old.points, points[0]) and np.array_equal(new.points, points[1])


# ---------------------------------------------------------------- cached glyphs


def number_points(mobject) -> np.ndarray:
    return np.concatenate([part.points for part in mobject.family_members_with_points()])


@pytest.mark.parametrize("first, then, decimals, size", [
    (-0.12549, 0.3891, 3, 19), (1.5, -4.65, 2, 24), (12345.678, -38271.6, 1, 22), (-0.0001, 0.0, 2, 20),
])
def test_glyph_number_draws_what_a_decimal_number_draws(first, then, decimals, size):
    reference, glyphs = number(first, THEME.text, decimals, size), GlyphNumber(first, THEME.text, decimals, size)
    for value in (first, then):
        reference.set_value(value)
        glyphs.set_value(value)
        assert glyphs.text == reference._get_num_string(value)
        glyphs.move_to(reference, aligned_edge=LEFT)
        np.testing.assert_allclose(glyphs.points, number_points(reference), atol=1e-9)
        assert glyphs.get_value() == value


def test_glyph_number_keeps_its_left_edge_and_style():
    value = GlyphNumber(1.25, THEME.positive, 2, 24).shift(2 * RIGHT + UP)
    left = value.get_left()
    value.set_color(THEME.negative).set_value(-10.5)
    np.testing.assert_allclose(value.get_left(), left, atol=1e-9)
    assert value.get_fill_color() == color(THEME.negative) and value.text == "-10.50"


def test_flatten_draws_the_same_outlines_as_one_path():
    text = label("loss 10", THEME.muted, 22).shift(LEFT)
    flat = flatten(text)
    assert flat.submobjects == [] and flat.text == text.text and flat.original_text == "loss 10"
    np.testing.assert_allclose(flat.points, number_points(text))
    np.testing.assert_allclose(flat.get_center(), text.get_center())
    assert flat.get_fill_color() == color(THEME.muted) and flat.get_stroke_width() == 0
    with pytest.raises(ValueError, match="one style"):
        flatten(VGroup(label("a", THEME.muted), label("b", THEME.text)))


def test_texts_are_built_once_and_handed_out_as_copies():
    first, second = label("once", THEME.text, 23), label("once", THEME.text, 23)
    assert first is not second
    np.testing.assert_array_equal(number_points(first), number_points(second))
    first.shift(UP).set_color(THEME.error)
    assert second.get_fill_color() == color(THEME.text)
    assert np.abs(label("once", THEME.text, 23).get_center() - second.get_center()).max() < 1e-12
    assert label("once", THEME.text, 24).height > second.height  # another size is another text


def test_text_copies_follow_the_frame_size_pango_lays_them_out_in(tmp_path, monkeypatch):
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path / "cache"))  # no texts kept by other runs
    # Pango wraps a line wider than the frame's pixel width: a copy kept from a tiny
    # render must not turn up, wrapped, in a bigger one. (Each size in its own media
    # folder, as renders are: Manim's SVG files are named without the size.)
    heights = []
    for k, (width, height) in enumerate(((96, 54), (854, 480), (96, 54))):
        with tempconfig({"pixel_width": width, "pixel_height": height, "media_dir": str(tmp_path / str(k))}):
            heights.append(label("a caption long enough to wrap in a tiny frame", THEME.text, 26).height)
    assert heights[0] == heights[2] > 1.5 * heights[1]
