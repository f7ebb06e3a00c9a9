"""The plane: heatmap, contour and point mobjects, and the boundary and regions scenes (tiny renders)."""

import inspect

import numpy as np
import pytest
from click.testing import CliRunner
from manim import DOWN, RIGHT, Circle, Dot, Group, ManimColor, Scene, VMobject, config
from support import examples, render_plain

import netcore
from scenes.base import NetreelScene
from scenes.cli import main
from scenes.mobjects.contour import Contour, contour_lines
from scenes.mobjects.heatmap import Heatmap, class_colors, set_data_each
from scenes.mobjects.network_diagram import NetworkDiagram
from scenes.mobjects.plane import PlaneView
from scenes.mobjects.points import dot_layer
from scenes.mobjects.self_drawn import PathBatch
from scenes.mobjects.table import NumberTable
from scenes.output.render import render_frames, scene_to_pixel
from scenes.story.decision_boundary import (
    SUCCESS_ACCURACY,
    DecisionBoundary,
    DecisionBoundaryOptions,
    verdict,
)
from scenes.story.region_construction import (
    INTERVAL,
    RegionConstruction,
    RegionConstructionOptions,
)
from scenes.text import label
from scenes.theme import THEMES

DARK = THEMES["dark"]


def rgb(color: str) -> np.ndarray:
    return np.array(ManimColor(color).to_rgb()) * 255


def pixel(frame: np.ndarray, point, width: int, height: int) -> np.ndarray:
    column, row = scene_to_pixel(point, width, height)
    return frame[int(row), int(column), :3].astype(float)


# ---------------------------------------------------------------- mobjects


@pytest.mark.parametrize("mobject", [PlaneView, NumberTable], ids=lambda m: m.__name__)
def test_docstring_example_renders_something(mobject):
    (name, code), = examples(inspect.getdoc(mobject)).items()
    namespace: dict = {}
    exec(compile(code, f"<{name}>", "exec"), namespace)  # our own docstring, not user text
    frame = render_plain(namespace[name]).renderer.get_frame()
    assert (np.abs(frame[..., :3].astype(float)).sum(axis=2) > 30).mean() > 0.005


def test_class_colors_run_from_class_0_through_the_background_to_class_1():
    colors = class_colors(np.array([0.0, 0.5, 1.0]), DARK) * 255
    assert np.allclose(colors, [rgb(DARK.negative), rgb(DARK.background), rgb(DARK.positive)], atol=0.5)
    half = class_colors(np.array([1.0]), DARK, strength=0.5)[0] * 255
    assert np.allclose(half, (rgb(DARK.background) + rgb(DARK.positive)) / 2, atol=0.5)


def test_contour_of_a_disc_is_one_closed_loop_on_its_circle():
    xs = np.linspace(-1, 1, 41)
    grid_x, grid_y = np.meshgrid(xs, xs)
    values = 0.8 - np.hypot(grid_x - 0.2, grid_y)  # above 0.5 inside radius 0.3 around (0.2, 0)
    (loop,) = contour_lines(values, 0.5)
    assert np.array_equal(loop[0], loop[-1])
    data = -1 + loop * (2 / 40)
    assert np.allclose(np.hypot(data[:, 0] - 0.2, data[:, 1]), 0.3, atol=2e-3)


def test_contour_of_a_half_plane_runs_border_to_border_and_saddles_stay_apart():
    xs = np.linspace(-1, 1, 21)
    grid_x, grid_y = np.meshgrid(xs, xs)
    (line,) = contour_lines(grid_x + 0.5, 0.5)  # x = 0, a vertical line
    assert np.allclose(line[:, 0], 10) and sorted(line[[0, -1], 1]) == [0, 20]
    lines = contour_lines(grid_x * grid_y, 0.0 + 1e-9)  # xor: two pieces meeting nowhere
    assert len(lines) >= 2
    assert contour_lines(np.zeros((5, 5)), 0.5) == []


def test_contour_mobject_maps_grid_to_box_and_clears_when_nothing_crosses():
    xs = np.linspace(0, 1, 11)
    values = np.tile(xs, (11, 1))  # 0.5 at the middle column
    line = Contour(DARK.text).set_data(values, [-2, -1, 0], [2, 1, 0])
    # samples sit at the centres of 11 x 11 cells: the line runs from the first row's to the last row's
    assert np.allclose(line.points[:, 0], 0.0) and np.allclose(line.points[[0, -1], 1], [-1 + 1 / 11, 1 - 1 / 11])
    line.set_data(np.zeros((3, 3)), [-2, -1, 0], [2, 1, 0])
    assert len(line.points) == 0


def test_contour_strokes_what_manim_strokes_for_its_polylines():
    xs = np.linspace(-1, 1, 30)
    grid_x, grid_y = np.meshgrid(xs, xs)
    # a loop round (0.4, 0) and a line down x = -0.6
    values = np.minimum(np.hypot(grid_x - 0.4, grid_y) / 0.3, (grid_x + 1) / 0.4)
    lines = contour_lines(values, 1.0)
    assert len(lines) == 2 and sum(np.array_equal(line[0], line[-1]) for line in lines) == 1
    contour = Contour(DARK.text).set_data(values, [-3, -1.6, 0], [0.2, 1.6, 0], level=1.0)
    polylines = [VMobject(stroke_color=DARK.text, stroke_width=4).set_points(contour.points)]
    manim, ours = _still(lambda: polylines), _still(lambda: [contour])
    assert manim.std() > 5
    largest, share = _differ(manim, ours)
    assert largest < 60 and share < 0.005


def test_dot_layer_covers_each_dot_with_its_colour_inside_an_outline():
    red, green, white = np.eye(3)[0], np.eye(3)[1], np.ones(3)
    alpha, color = dot_layer(np.array([[5.0, 5.0], [17.0, 5.0]]), np.array([red, green]), (11, 20), 3.0, 2.0, white)
    assert alpha[5, 5] == 1 and np.allclose(color[5, 5], red) and np.allclose(color[5, 17], green)
    assert alpha[5, 8] == 1 and np.allclose(color[5, 8], 0.5 * red + 0.5 * white)  # the fill's anti-aliased rim
    assert alpha[5, 9] == 1 and np.allclose(color[5, 9], white)  # 4 pixels out: the outline
    assert alpha[0, 0] == 0 and alpha[5, 11] == 0  # 6 pixels from both dots: past both rims
    assert np.all((alpha >= 0) & (alpha <= 1)) and np.all(color <= alpha[..., None] + 1e-12)
    with pytest.raises(ValueError):
        dot_layer(np.zeros((2, 2)), np.zeros((1, 3)), (4, 4), 1.0, 0.5, white)


def test_points_are_drawn_into_the_heatmap_and_stay_over_new_data():
    view = PlaneView(DARK, (-1, 1), (-1, 1), height=2.0, strength=1.0)
    view.set_points(np.array([[0.5, 0.5], [-0.5, -0.5]]), np.array([1, 0]), radius=0.1)
    view.set_data(np.full((4, 4), 0.5))  # the field fades to the background everywhere
    heat = view.heatmap
    for point, color in (([0.5, 0.5], DARK.positive), ([-0.5, -0.5], DARK.negative)):
        column, row = np.rint(heat.to_blocks(view.c2p(point))[0]).astype(int)
        assert np.allclose(heat.blocks[row, column, :3], rgb(color), atol=1)
    assert np.allclose(heat.blocks[0, 0, :3], rgb(DARK.background), atol=1)
    with pytest.raises(ValueError):
        view.set_points(np.zeros((2, 2)), np.array([0, 2]))



@pytest.mark.parametrize("overlay", [1.0, 0.4, 0.0])
def test_an_overlay_blends_over_the_field_as_its_coverage_says(overlay):
    heat = Heatmap(DARK, 1.0, 1.0, strength=1.0)
    rows, cols = heat.rows, heat.cols
    rng = np.random.default_rng(3)
    alpha = np.where(rng.random((rows, cols)) < 0.3, 1.0, rng.random((rows, cols)) * (rng.random((rows, cols)) < 0.3))
    color = rng.random((rows, cols, 3))
    heat.set_overlay(alpha, alpha[..., None] * color)
    heat.set_strength(1.0, overlay)
    grid = rng.random((7, 9))
    heat.set_data(grid)
    under = class_colors(heat.levels / 511, DARK)
    shown = overlay * alpha[..., None]
    expected = np.clip((under * (1 - shown) + shown * color) * 255 + 0.5, 0, 255).astype(np.uint8)
    assert np.abs(heat.blocks[..., :3].astype(int) - expected).max() <= 1
    assert (alpha == 1).sum() > 0.2 * alpha.size and ((alpha > 0) & (alpha < 1)).sum() > 0.1 * alpha.size

def _tiles_scene(grid):
    class Tiles(NetreelScene):
        name = "tiles-test"

        def construct(self):
            self.views = [PlaneView(self.theme, (-1, 1), (-1, 1), height=0.8, strength=1.0, labels=False,
                                    contour=False) for _ in range(4)]
            # Arranged this way, the blocks of the last three land exactly on pixel edges at
            # 1080p, where unsnapped rounding opened lines between them.
            Group(*self.views).arrange(RIGHT, buff=0.2).to_edge(RIGHT)
            for view in self.views:
                view.set_data(grid)
            self.add(*self.views)
            self.wait(0.5)

    return Tiles


@pytest.mark.parametrize("width, height", [(160, 90), (1920, 1080)])
def test_heatmap_draws_the_grid_where_the_plane_says_without_gaps(width, height):
    # Left half 1 (class 1 at full strength), right half 0.8 (paler).
    grid = np.tile(np.repeat([1.0, 0.8], 8), (16, 1))
    scenes = []
    frame = render_frames(_tiles_scene(grid), width=width, height=height, fps=2, scene_out=scenes)[-1]
    paler = class_colors(np.array([0.8]), DARK)[0] * 255
    for view in scenes[0].views:
        for x, color in ((-0.6, rgb(DARK.positive)), (0.6, paler)):
            for y in (-0.5, 0.0, 0.5):
                assert np.allclose(pixel(frame, view.c2p([x, y]), width, height), color, atol=3)
        # Inside the border no pixel is the background: no line opens between blocks.
        (left, bottom), (right, top) = (scene_to_pixel(view.c2p(p), width, height) for p in ([-1, -1], [1, 1]))
        inside = frame[int(top) + 2:int(bottom) - 2, int(left) + 2:int(right) - 2, :3].astype(float)
        assert (np.abs(inside - rgb(DARK.background)).max(axis=-1) > 60).all()


def test_heatmap_upsamples_bilinearly_and_checks_its_input():
    heat = Heatmap(DARK, 2.0, 1.0)
    ramp = np.tile(np.linspace(0, 1, 5), (3, 1))  # left to right 0 -> 1
    values = heat.upsample(ramp)
    assert values.shape == (heat.rows, heat.cols)
    # five samples at the centres of five cells: block centre u sits at sample u * 5 - 0.5
    across = (np.arange(heat.cols) + 0.5) / heat.cols
    assert np.allclose(values[0], np.clip(across * 5 - 0.5, 0, 4) / 4)
    rising = heat.upsample(np.tile(np.linspace(0, 1, 4)[:, None], (1, 3)))  # row 0, the bottom, is 0
    up = 1 - (np.arange(heat.rows) + 0.5) / heat.rows
    assert np.allclose(rising[:, 0], np.clip(up * 4 - 0.5, 0, 3) / 3)
    with pytest.raises(ValueError):
        heat.upsample(np.zeros(4))
    with pytest.raises(ValueError):
        heat.set_data(ramp, 1.0, 1.0)


@pytest.mark.parametrize("side", [0.7, 5.0], ids=["shrinking", "enlarging"])
def test_heatmaps_set_together_show_what_each_shows_set_alone(side):
    rng = np.random.default_rng(3)
    grids = rng.random((3, 80, 80)) * 4 - 2
    ranges = [(-1.0, 1.0), (0.0, 1.0), (-2.0, 2.0)]
    alone = [Heatmap(DARK, side, side, strength=1.0).set_data(grid, *ends) for grid, ends in zip(grids, ranges)]
    together = [Heatmap(DARK, side, side, strength=1.0) for _ in grids]
    set_data_each(together, grids, ranges)
    assert (together[0].rows < 80) == (side < 1)
    for one, other in zip(alone, together):
        assert np.array_equal(one.levels, other.levels) and np.array_equal(one.image, other.image)
    assert len({one.image.tobytes() for one in alone}) == 3
    mixed = [Heatmap(DARK, 0.7, 0.7), Heatmap(DARK, 1.4, 1.4)]  # two sizes: one at a time
    set_data_each(mixed, grids[:2], ranges[:2])
    assert np.array_equal(mixed[1].levels, Heatmap(DARK, 1.4, 1.4).set_data(grids[1], 0.0, 1.0).levels)
    with pytest.raises(ValueError):
        set_data_each(together, grids, [(1.0, 1.0)] * 3)


def _still(build, width=320, height=180) -> np.ndarray:
    """The RGB frame of a plain scene showing what ``build()`` returns."""
    class Still(Scene):
        def construct(self):
            self.add(*build())

    return render_plain(Still, width=width, height=height).renderer.get_frame()[..., :3].astype(float)


def _differ(first: np.ndarray, second: np.ndarray) -> tuple[float, float]:
    """The largest channel difference and the share of pixels off by more than 8 (anti-aliasing aside)."""
    off = np.abs(first - second).max(axis=-1)
    return off.max(), (off > 8).mean()


def test_direct_edges_draw_what_the_lines_draw_and_the_lines_follow_a_move():
    network = netcore.Network([2, 5, 3, 1], seed=2)
    diagrams = {}

    def diagram(direct):
        diagrams[direct] = NetworkDiagram(network, DARK, labels=True, direct=direct).shift(0.4 * RIGHT)
        diagrams[direct].set_data(network.params)
        return [diagrams[direct]]

    lines, strokes = _still(lambda: diagram(False)), _still(lambda: diagram(True))
    assert lines.std() > 10
    largest, share = _differ(lines, strokes)
    assert largest < 60 and share < 0.005
    assert np.allclose(diagrams[True].edge(1, 2, 0).get_start(), diagrams[False].edge(1, 2, 0).get_start())


def test_a_path_batch_draws_what_manim_draws_and_fades_every_member():
    def parts():
        polyline = VMobject(stroke_color=DARK.text, stroke_width=4).set_points_as_corners(
            [[-3, -1, 0], [-1, 1, 0], [1, -1.2, 0], [3, 0.5, 0]])
        return [Circle(radius=1, stroke_color=DARK.positive, stroke_width=6).set_fill(DARK.negative, opacity=1),
                polyline, Dot([2, 1, 0], color=DARK.accent), label("0.0407 step", DARK.text, 40).shift(2 * DOWN)]

    def faded(darkness):
        members = parts()
        for member in members:
            member.fade(darkness)
        return members

    def batch(opacity):
        drawn = PathBatch(parts())
        drawn.opacity = opacity
        return [drawn]

    manim, batched = _still(parts), _still(lambda: batch(1.0))
    assert manim.std() > 10
    largest, share = _differ(manim, batched)
    assert largest < 30 and share < 0.002
    largest, share = _differ(_still(lambda: faded(0.6)), _still(lambda: batch(0.4)))
    assert largest < 30 and share < 0.002
    assert _differ(manim, _still(lambda: batch(0.4)))[1] > 0.02  # a fade shows


# ---------------------------------------------------------------- boundary


def _boundary(theme="dark", width=480, height=270, **changes):
    scenes = []
    options = DecisionBoundaryOptions(duration=1.0, **changes)
    frames = render_frames(DecisionBoundary, options, theme, width=width, height=height, fps=2, scene_out=scenes)
    return frames, scenes[0]


def _ring_color(frame, centre, radius, width, height):
    """Median colour of the pixels in a ring around a dot: the heatmap beside it, not the dot."""
    column, row = scene_to_pixel(centre, width, height)
    rows, columns = np.mgrid[0:height, 0:width]
    distance = np.hypot(columns + 0.5 - column, rows + 0.5 - row)
    scale = width / config.frame_width
    ring = (distance > 1.6 * radius * scale) & (distance < 2.6 * radius * scale + 1)
    return np.median(frame[ring][:, :3].astype(float), axis=0)


def _colored_pixels(frame, mobject, color, width=480, height=270):
    """Pixels within 40 of ``color`` inside ``mobject``'s box."""
    (left, top), (right, bottom) = (scene_to_pixel(mobject.get_corner(c), width, height) for c in ([-1, 1, 0], [1, -1, 0]))
    box = frame[int(top):int(bottom) + 1, int(left):int(right) + 1, :3].astype(float)
    return int((np.linalg.norm(box - rgb(color), axis=-1) < 40).sum())


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_xor_learns_and_the_heatmap_shows_each_class_colour_around_its_points(theme):
    width, height = 480, 270
    frames, scene = _boundary(theme, width, height)
    trace = scene.trace
    assert trace.accuracy[-1] >= SUCCESS_ACCURACY and scene.succeeded
    colors = THEMES[theme]
    assert scene.accuracy_value.glyphs.get_fill_color().to_hex().upper() == colors.accent.upper()
    assert _colored_pixels(frames[-1], scene.accuracy_value, colors.accent) > 5
    assert _colored_pixels(frames[-1], scene.accuracy_value, colors.error) == 0
    assert "classified correctly" in scene.caption.line.original_text.replace("\n", " ")
    network = trace.network_at(-1)
    output = network.predict(trace.x_train)[:, 0]
    labels = trace.y_train[:, 0]
    blue, orange = rgb(colors.positive), rgb(colors.negative)
    checked = 0
    for label_value, mine, other in ((1, blue, orange), (0, orange, blue)):
        sure = np.nonzero((labels == label_value) & (np.abs(output - 0.5) > 0.4))[0][:5]
        assert len(sure) == 5
        for index in sure:
            color = _ring_color(frames[-1], scene.plane.c2p(trace.x_train[index]), scene.plane.dot_radius, width, height)
            # Nearer the point's own class colour than the other's, and far from the background.
            assert np.linalg.norm(color - mine) < np.linalg.norm(color - other)
            assert np.linalg.norm(color - rgb(colors.background)) > 60
            checked += 1
    assert checked == 10


class _RecordedBoundary(DecisionBoundary):
    """The boundary scene noting, at each replay step it shows, the number of the next video frame."""

    def construct(self):
        self.shown, self.written = [], 0
        writer = self.renderer.file_writer
        write = writer.write_frame

        def counting(pixels, *args, **kwargs):
            self.written += kwargs.get("repeat", 1)
            write(pixels, *args, **kwargs)

        writer.write_frame = counting
        super().construct()

    def _show(self, index):
        super()._show(index)
        self.shown.append((self.written, index))


def _field_error(frame, scene, index, width, height):
    """Colour distances between the frame and netcore's field at trace step ``index``.

    One per grid sample (every 7th) clear of the points and of the 0.5 line, for the
    plane; then one per sample for each first-layer thumbnail, inside its border.
    """
    values = netcore.plane_values(scene.trace.network_at(index), scene.x1, scene.x2)
    theme = scene.theme
    points = scene.plane.c2p(scene.trace.x_train)
    plane, tiles = [], []
    for j in range(3, len(scene.x2), 7):
        for i in range(3, len(scene.x1), 7):
            where = scene.plane.c2p(np.array([scene.x1[i], scene.x2[j]]))
            value = values.output[j, i]
            if abs(value - 0.5) > 0.15 and np.linalg.norm(points - where, axis=1).min() > 0.25:
                expected = class_colors(np.array([value]), theme, 0.6)[0] * 255
                plane.append(np.linalg.norm(pixel(frame, where, width, height) - expected))
            if 20 <= i <= 80 and 20 <= j <= 80:
                for neuron, tile in enumerate(scene.thumbnails):
                    low, high = (-1.0, 1.0) if scene.trace.activation == "tanh" else (0.0, 1.0)
                    level = (values.hidden[neuron][j, i] - low) / (high - low)
                    expected = class_colors(np.array([level]), theme, 1.0)[0] * 255
                    tiles.append(np.linalg.norm(pixel(frame, tile.c2p(np.array([scene.x1[i], scene.x2[j]])),
                                                      width, height) - expected))
    return np.array(plane), np.array(tiles)


def _line_values(frame, scene, index, width, height):
    """netcore's output at trace step ``index`` under each pixel of the plane in the 0.5 line's colour."""
    (left, top), (right, bottom) = (scene_to_pixel(scene.plane.c2p(np.array(p)), width, height)
                                    for p in ((scene.x1[0], scene.x2[-1]), (scene.x1[-1], scene.x2[0])))
    rows, columns = np.mgrid[int(top):int(bottom), int(left):int(right)]
    inside = frame[rows, columns, :3].astype(float)
    white = np.linalg.norm(inside - rgb(scene.theme.text), axis=-1) < 60
    scale = config.frame_height / height
    x = (columns[white] + 0.5) * scale - config.frame_height * width / height / 2
    y = config.frame_height / 2 - (rows[white] + 0.5) * scale
    (x1_low, x2_low), (x1_high, x2_high) = (scene.plane.c2p(np.array(p))[:2]
                                            for p in ((scene.x1[0], scene.x2[0]), (scene.x1[-1], scene.x2[-1])))
    i = np.rint((x - x1_low) / (x1_high - x1_low) * (len(scene.x1) - 1)).astype(int)
    j = np.rint((y - x2_low) / (x2_high - x2_low) * (len(scene.x2) - 1)).astype(int)
    output = netcore.plane_values(scene.trace.network_at(index), scene.x1, scene.x2).output
    return output[np.clip(j, 0, len(scene.x2) - 1), np.clip(i, 0, len(scene.x1) - 1)]


def test_every_replay_frame_shows_netcores_field_for_its_step():
    width, height = 480, 270
    scenes = []
    frames = render_frames(_RecordedBoundary, DecisionBoundaryOptions(duration=2.0), width=width, height=height,
                           fps=4, scene_out=scenes)
    scene = scenes[0]
    replay = [(frame, index) for frame, index in scene.shown if 0 < index < len(scene.trace) - 1]
    assert len(replay) >= 5
    for frame, index in replay[len(replay) // 2:len(replay) // 2 + 2]:  # two frames in the middle
        plane, tiles = _field_error(frames[frame], scene, index, width, height)
        assert len(plane) > 20 and len(tiles) > 8 * 10
        # Tight enough that the field of the step before (a frame late) fails on the plane.
        assert np.median(plane) < 3 and np.percentile(plane, 95) < 8
        assert np.median(tiles) < 6 and np.percentile(tiles, 95) < 30
        # The same pixels against the untrained network's field: far off.
        stale, stale_tiles = _field_error(frames[frame], scene, 0, width, height)
        assert np.median(stale) > 20 and np.median(stale_tiles) > 20
        # The 0.5 line is drawn, where netcore's output crosses 0.5.
        line = _line_values(frames[frame], scene, index, width, height)
        assert len(line) > 100 and np.percentile(np.abs(line - 0.5), 90) < 0.15
        # Each first-layer neuron's circle (painted from one raster during the replay) in its own colour,
        # as in the last frame, drawn without it.
        for neuron in range(len(scene.thumbnails)):
            circle, color = scene.diagram.neurons[1, neuron], scene.theme.neuron_color(neuron)
            drawn = _colored_pixels(frames[frame], circle, color, width, height)
            assert drawn >= 4 and abs(drawn - _colored_pixels(frames[-1], circle, color, width, height)) <= 2


def test_a_network_too_small_for_the_spiral_says_it_did_not_manage():
    frames, scene = _boundary(data="spiral", layers=(2, 2, 1), steps=150)
    accuracy = scene.trace.accuracy[-1]
    assert accuracy < SUCCESS_ACCURACY and not scene.succeeded
    theme = THEMES["dark"]
    color = scene.accuracy_value.glyphs.get_fill_color().to_hex().upper()
    assert color == theme.error.upper() and color != theme.accent.upper()
    # On screen: the accuracy's glyphs in the error colour, none in the success colour.
    assert _colored_pixels(frames[-1], scene.accuracy_value, theme.error) > 5
    assert _colored_pixels(frames[-1], scene.accuracy_value, theme.accent) == 0
    said = scene.caption.line.original_text.replace("\n", " ")
    assert "did not manage" in said and "--layers 2,16,16,1" in said and f"{accuracy:.0%}"[:-1] in said


def test_verdict_judges_from_the_accuracy_alone():
    assert verdict(0.95, (2, 8, 1))[0] and verdict(1.0, (2, 8, 1))[0]
    worked, said = verdict(0.949, (2, 8, 1))
    assert not worked and "--layers 2,16,16,1" in said
    assert "--layers 2,8,8,1" in verdict(0.6, (2, 2, 1))[1]
    assert "--layers" not in verdict(0.6, (2, 16, 16, 16, 16, 1))[1]
    assert "--layers 2,16,16,1" in verdict(0.6, (2, 3, 1), known=(2, 16, 16, 1))[1]
    assert "--layers 2,16,16,1" in verdict(0.6, (2, 8, 8, 1), known=(2, 8, 8, 1))[1]


def test_replays_a_saved_trace_and_rejects_a_one_dimensional_one(tmp_path):
    x, y = netcore.DATASETS["circle"](60, None, 1)
    path = tmp_path / "circle.npz"
    netcore.fit_points(x, y, layers=(2, 4, 1), activation="tanh", steps=100, lr=0.05, optimizer="adam",
                       seed=1, frames=5).save(path)
    scene = _boundary(width=96, height=54, trace=str(path))[1]
    assert scene.trace.layer_sizes == (2, 4, 1) and len(scene.thumbnails) == 4
    assert np.array_equal(scene.trace.x_train, x)
    flat = tmp_path / "sine.npz"
    netcore.fit_function("sine", neurons=3, steps=20, frames=3).save(flat)
    with pytest.raises(ValueError, match="--trace: .* needs 2 inputs"):
        DecisionBoundaryOptions(trace=str(flat)).validate()
    regression = tmp_path / "regression.npz"
    netcore.train(netcore.Network([2, 3, 1], seed=0), x, y, steps=5, frames=2).save(regression)
    with pytest.raises(ValueError, match="--trace: .* not a classification"):
        DecisionBoundaryOptions(trace=str(regression)).validate()
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="--trace: "):
        DecisionBoundaryOptions(trace=str(junk)).validate()


def test_the_same_seed_gives_the_same_frames():
    first = _boundary(width=96, height=54, steps=200, seed=3)[0]
    assert np.array_equal(first, _boundary(width=96, height=54, steps=200, seed=3)[0])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"layers": (3, 8, 1)}, "--layers 3,8,1: give 2 inputs"),
        ({"layers": (2, 8, 2)}, "--layers 2,8,2: give 2 inputs"),
        ({"layers": (2, 1)}, "--layers 2,1: give 2 inputs"),
        ({"layers": (2, 8, 8, 8, 8, 8, 1)}, "--layers 2,8,8,8,8,8,1: give"),
        ({"layers": (2, 17, 1)}, "--layers must be at most 16"),
        ({"data": "lines"}, "--data must be one of xor, circle"),
        ({"data": "/nonexistent/points.csv"}, "--data: '/nonexistent/points.csv' does not exist"),
        ({"noise": 2.0}, "--noise must be at most"),
        ({"noise": -0.5}, "--noise must be from 0"),
        ({"points": 2}, "--points must be at least"),
        ({"activation": "step"}, "--activation must be one of"),
        ({"steps": 0}, "--steps must be at least 1"),
        ({"lr": float("nan")}, "--lr must be a finite number"),
        ({"trace": "/nonexistent/fit.npz"}, "--trace: "),
        ({"points": 10_000, "steps": 1_000_000}, "over the limit"),
    ],
)
def test_bad_options_fail_before_rendering(changes, message):
    options = DecisionBoundaryOptions(**changes)
    with pytest.raises(ValueError, match=message) as error:
        options.validate()
    assert "\n" not in str(error.value)
    with pytest.raises(ValueError, match=message):
        render_frames(DecisionBoundary, options, width=32, height=18, fps=1)


def test_a_bad_csv_names_the_flag_and_the_line(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n0,0,0\n1,oops,1\n")
    with pytest.raises(ValueError, match="--data: .*line 3"):
        DecisionBoundaryOptions(data=str(path)).validate()


# ---------------------------------------------------------------- regions


def test_regions_table_holds_netcores_errors_and_they_fall():
    scenes = []
    frames = render_frames(RegionConstruction, width=96, height=54, fps=2, scene_out=scenes)
    assert frames[-1][..., :3].max() > 0
    scene, options = scenes[0], RegionConstructionOptions()
    shape = netcore.disc(options.radius)
    expected = []
    for n in options.counts:
        network = netcore.towers(shape, n, INTERVAL)
        expected.append((n, network.layer_sizes[2], netcore.coverage_error(network, shape, interval=INTERVAL)))
    assert scene.errors == expected
    errors = [error for _, _, error in expected]
    assert all(later < earlier for earlier, later in zip(errors, errors[1:]))
    shown = [[cell.original_text for cell in row] for row in scene.table.rows]
    assert shown == [[f"{n} x {n}", f"{towers}", f"{error:.1%}"] for n, towers, error in expected]


def test_regions_plateau_and_tower_labels_read_netcores_values():
    scenes = []
    render_frames(RegionConstruction, RegionConstructionOptions(counts=(3,)), width=96, height=54, fps=1,
                  scene_out=scenes)
    scene = scenes[0]
    assert [tag.original_text for tag in scene.plateau_labels] == ["2", "1", "1", "0"]
    assert [tag.original_text for tag in scene.tower_labels] == ["1", "0", "0", "0"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"x_band": (0.5, -0.5)}, "--x-band needs LOW,HIGH"),
        ({"y_band": (0.2, 0.2)}, "--y-band needs LOW,HIGH"),
        ({"x_band": (-2.0, 0.5)}, "--x-band must be at least -1"),
        ({"counts": ()}, "--counts needs 1 to 6"),
        ({"counts": (0,)}, "--counts must be at least 1"),
        ({"counts": (40,)}, "--counts must be at most 32"),
        ({"counts": (2,), "radius": 0.2}, "--counts 2: no cell centre"),
        ({"radius": 0.0}, "--radius must be at least"),
    ],
)
def test_regions_bad_options_fail_before_rendering(changes, message):
    with pytest.raises(ValueError, match=message):
        render_frames(RegionConstruction, RegionConstructionOptions(**changes), width=32, height=18, fps=1)


# ---------------------------------------------------------------- netreel trace --data


def _netreel(*args: str):
    return CliRunner().invoke(main, list(args))


def test_trace_data_saves_a_classification_the_boundary_scene_replays(tmp_path):
    path = tmp_path / "moons.npz"
    result = _netreel("trace", "--data", "moons", "--layers", "2,6,1", "--points", "80", "--noise", "0.1",
                      "--steps", "200", "--frames", "6", "--seed", "2", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert "final accuracy" in result.output
    trace = netcore.Trace.load(path)
    x, y = netcore.DATASETS["moons"](80, 0.1, 2)
    assert trace.layer_sizes == (2, 6, 1) and len(trace) == 6 and np.array_equal(trace.x_train, x)
    expected = netcore.fit_points(x, y, layers=(2, 6, 1), steps=200, seed=2, frames=6)
    assert np.array_equal(trace.accuracy, expected.accuracy) and np.array_equal(trace.loss, expected.loss)
    scene = _boundary(width=96, height=54, trace=str(path))[1]
    assert np.array_equal(scene.trace.weights[0], trace.weights[0])


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--data", "xor", "--layers", "2,8,2"), "--layers 2,8,2"),
        (("--data", "rings"), "--data must be one of"),
        (("--data", "xor", "--noise", "3"), "--noise must be at most"),
        (("--data", "xor", "--points", "1"), "--points must be at least"),
        (("--layers", "2,8,1"), "go with --data"),
        (("--data", "xor", "--target", "sine"), "go with --data"),
    ],
)
def test_trace_data_bad_flags_are_one_error_line_and_no_file(tmp_path, args, fragment):
    path = tmp_path / "t.npz"
    result = _netreel("trace", *args, "-o", str(path))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0]
    assert not path.exists()


def test_a_users_csv_is_classified_with_the_default_network(tmp_path):
    path = tmp_path / "points.csv"
    rows = [(x1, x2, "dog" if x1 * x2 > 0 else "cat") for x1 in (-0.8, -0.3, 0.3, 0.8) for x2 in (-0.7, 0.2, 0.9)]
    path.write_text("x1,x2,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    scene = _boundary(width=96, height=54, data=str(path), steps=300)[1]
    x, y = netcore.load_points(path)
    assert np.array_equal(scene.trace.x_train, x) and np.array_equal(scene.trace.y_train, y)
    assert scene.trace.layer_sizes == netcore.DEFAULT_LAYERS_2D
    assert "12 points from points.csv" == scene.data_label.original_text


def test_a_gif_of_the_boundary_scene_trains_once_for_its_survey_and_its_render(tmp_path, monkeypatch):
    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path / "cache"))  # no survey kept from another run
    fits = []
    fit = netcore.fit_points
    monkeypatch.setattr(netcore, "fit_points", lambda *args, **kwargs: fits.append(1) or fit(*args, **kwargs))
    out = tmp_path / "b.gif"
    result = _netreel("render", "boundary", "-f", "gif", "--size", "96x54", "--fps", "2", "--steps", "40",
                      "--duration", "1", "--points", "40", "--seed", "7", "-o", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and len(fits) == 1
