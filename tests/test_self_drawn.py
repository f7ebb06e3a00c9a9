"""PathBatch and its Cairo path operations: simplified straight runs, real curves kept, Manim's pixels."""

import inspect

import cairo
import numpy as np
import pytest
from manim import DOWN, RIGHT, UP, Circle, FadeIn, Scene, Square, VMobject
from manim.camera.camera import Camera
from support import examples, render_plain

from scenes.mobjects import self_drawn
from scenes.mobjects.cairo_path import PathOps, dropped_vertices, straight_curves
from scenes.mobjects.function_plot import corner_path
from scenes.mobjects.readouts import Readout
from scenes.mobjects.self_drawn import CornerPath, Layer, PathBatch
from scenes.output.render import render_frames
from scenes.text import label
from scenes.theme import THEMES

DARK = THEMES["dark"]


def _curves(corners) -> np.ndarray:
    """Bezier points (2-D) of the polyline through ``corners``, as set_points_as_corners makes them."""
    corners = np.column_stack([np.asarray(corners, dtype=float), np.zeros(len(corners))])
    return corner_path(corners)[:, :2]


def _recorded(ops: PathOps, member: int = 0) -> list[tuple[int, tuple[float, ...]]]:
    """The path ``ops`` traces for ``member``, as Cairo holds it (operation type, points)."""
    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 4, 4))
    ctx.scale(2.0**12, 2.0**12)  # Cairo keeps points in 1/256 device pixels: fine enough here
    ops.trace(ctx, member)
    return list(ctx.copy_path())


def _distances(points: np.ndarray, polyline: np.ndarray) -> np.ndarray:
    """Distance of each point to the nearest segment of ``polyline``."""
    a, b = polyline[:-1], polyline[1:]
    d = b - a
    t = np.clip(((points[:, None] - a) * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-300), 0, 1)
    return np.linalg.norm(points[:, None] - a - t[..., None] * d, axis=-1).min(axis=1)


def test_a_straight_run_is_one_line_and_a_bend_keeps_its_corner():
    xs = np.linspace(-3, 3, 257)
    straight = _curves(np.column_stack([xs, 0.5 * xs]))
    bent = _curves(np.column_stack([xs, np.abs(xs)]))  # a V: the corner at x = 0 is a vertex
    ops = PathOps(np.concatenate([straight, bent]), [256, 256], 1e-3)
    assert ops.operations == 2 + 3  # move and one line; move and two lines
    assert [kind for kind, _ in _recorded(ops, 0)] == [cairo.PATH_MOVE_TO, cairo.PATH_LINE_TO]
    assert [point for _, point in _recorded(ops, 1)] == [(-3.0, 3.0), (0.0, 0.0), (3.0, 3.0)]
    # Without simplification every straight piece of a wave is still a line, none a curve.
    wave = PathOps(_curves(np.column_stack([xs, np.sin(xs)])), [256], 0.0)
    kinds = [kind for kind, _ in _recorded(wave)]
    assert wave.operations == 257 and cairo.PATH_CURVE_TO not in kinds


def test_simplified_lines_stay_within_the_tolerance_of_every_vertex():
    rng = np.random.default_rng(3)
    xs = np.linspace(-4, 4, 600)
    ys = np.sin(2 * xs) + np.where(xs > 1, 0, 1e-4 * rng.standard_normal(xs.size))  # wiggles, then a smooth arc
    corners = np.column_stack([xs, ys])
    points = _curves(corners)
    tolerance = 2e-3
    ops = PathOps(points, [len(xs) - 1], tolerance)
    drawn = np.array([point for _, point in _recorded(ops)])
    assert len(drawn) < len(xs) / 3  # far fewer vertices...
    assert _distances(corners, drawn).max() <= tolerance * (1 + 1e-9)  # ...none further than the tolerance
    curves = points.reshape(-1, 4, 2)
    split = np.zeros(len(curves), dtype=bool)
    split[0] = True
    dropped = dropped_vertices(curves[:, 0], curves[:, 3], straight_curves(curves, 1e-9), split, tolerance)
    assert not dropped[-1] and dropped.sum() == len(xs) - len(drawn)


def test_real_curves_subpaths_and_closing_follow_manim():
    circle = Circle(radius=1.0)
    square = VMobject().set_points_as_corners([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 0]])
    square.append_points(corner_path(np.array([[3, 0, 0], [4, 0, 0]])))  # a second, open subpath
    points = np.concatenate([circle.points[:, :2], square.points[:, :2]])
    ops = PathOps(points, [len(circle.points) // 4, len(square.points) // 4], 1e-3)
    kinds = [kind for kind, _ in _recorded(ops, 0)]
    # Cairo follows a close with a move to the subpath's start.
    assert kinds.count(cairo.PATH_CURVE_TO) == len(circle.points) // 4 and kinds[-2:] == [cairo.PATH_CLOSE_PATH,
                                                                                          cairo.PATH_MOVE_TO]
    # The square's corners, its close (Cairo drops the last line, which the close draws), then the open line.
    assert ops.operations == (1 + 8 + 1) + (1 + 4 + 1 + 1 + 1) and _recorded(ops, 1) == [
        (cairo.PATH_MOVE_TO, (0.0, 0.0)), (cairo.PATH_LINE_TO, (1.0, 0.0)), (cairo.PATH_LINE_TO, (1.0, 1.0)),
        (cairo.PATH_LINE_TO, (0.0, 1.0)), (cairo.PATH_CLOSE_PATH, ()), (cairo.PATH_MOVE_TO, (3.0, 0.0)),
        (cairo.PATH_LINE_TO, (4.0, 0.0))]


def _still(build, width=320, height=180) -> np.ndarray:
    class Still(Scene):
        def construct(self):
            self.add(*build())

    return render_plain(Still, width=width, height=height).renderer.get_frame()[..., :3].astype(float)


def _parts():
    xs = np.linspace(-6, 6, 400)
    wave = VMobject(stroke_color=DARK.output, stroke_width=5).set_points_as_corners(
        np.column_stack([xs, 1.5 * np.tanh(3 * xs) + 0.02 * xs, np.zeros_like(xs)]))
    share = VMobject(stroke_color=DARK.neuron_color(2), stroke_width=2).set_points_as_corners(
        np.column_stack([xs, np.sin(xs) - 1, np.zeros_like(xs)]))
    share.set_stroke(opacity=0.75)
    return [wave, share, Circle(radius=0.8, stroke_color=DARK.positive, stroke_width=3).set_fill(DARK.negative, 1),
            label("0.0407 step", DARK.text, 40).shift(2.5 * DOWN)]


@pytest.mark.parametrize("size", [(320, 180), (1280, 720)])
def test_a_simplified_batch_draws_within_a_few_levels_of_manim(size):
    manim, batched = _still(_parts, *size), _still(lambda: [PathBatch(_parts())], *size)
    assert manim.std() > 10
    off = np.abs(manim - batched).max(axis=-1)
    assert off.mean() < 0.2 and (off > 8).mean() < 0.002 and off.max() < 40


def test_a_batch_drawn_again_follows_its_members():
    parts = _parts()
    batch = PathBatch(parts)

    class Twice(Scene):
        def construct(self):
            batch.add_updater(lambda mobject, dt: mobject)  # redrawn every frame
            self.add(batch)
            self.wait(0.5)  # the same points, frame after frame: kept operations and paths
            parts[0].shift(0.5 * DOWN)
            parts[2].set_fill(DARK.positive)
            self.wait(0.5)

    frame = render_plain(Twice, width=320, height=180).renderer.get_frame()[..., :3].astype(float)
    moved = _parts()
    moved[0].shift(0.5 * DOWN)
    moved[2].set_fill(DARK.positive)
    assert np.abs(frame - _still(lambda: moved)).max(axis=-1).mean() < 0.2
    assert np.abs(frame - _still(_parts)).max(axis=-1).mean() > 1
    assert batch.copy()._ops is None and batch._ops is not None  # Cairo's paths stay with the batch that drew them


def test_mobjects_drawn_again_unchanged_reuse_their_path_and_match_manim(monkeypatch):
    class Moving(Scene):
        def construct(self):
            words, square = label("reuse", DARK.text, 48), Square(1.0, color=DARK.accent).shift(3 * DOWN)
            self.play(FadeIn(words), square.animate.shift(2 * DOWN), run_time=1)  # same points, then new ones
            self.play(words.animate.set_color(DARK.negative), run_time=0.5)

    def frames():
        return np.stack(render_frames(Moving, width=160, height=90, fps=10))

    cached = frames()
    assert len(self_drawn._TRACED) > 0
    monkeypatch.setattr(Camera, "display_vectorized", self_drawn._manim_display_vectorized)
    manim = frames()
    assert manim.std() > 5 and np.array_equal(cached, manim)


def _circles():
    return [Circle(radius=0.7, stroke_color=DARK.neuron_color(k), stroke_width=3).set_fill(DARK.neuron_off, 1)
            .shift((k - 1) * 0.9 * RIGHT) for k in range(3)]


def test_a_layer_paints_what_its_members_draw_and_follows_their_changes():
    below = VMobject(stroke_color=DARK.positive, stroke_width=6).set_points_as_corners([[-3, -1, 0], [3, 1, 0]])
    circles = _circles()
    layer = Layer(circles)

    class Painted(Scene):
        def construct(self):
            layer.add_updater(lambda mobject, dt: mobject)  # painted every frame
            self.add(below, layer)
            self.wait(0.5)
            circles[1].set_fill(DARK.negative)
            circles[2].shift(0.5 * DOWN)
            self.wait(0.5)

    painted = render_plain(Painted, width=320, height=180).renderer.get_frame()[..., :3].astype(float)
    changed = _circles()
    changed[1].set_fill(DARK.negative)
    changed[2].shift(0.5 * DOWN)
    manim = _still(lambda: [below.copy(), *changed])
    assert manim.std() > 10 and np.abs(painted - manim).max() <= 3
    assert np.abs(painted - _still(lambda: [below.copy(), *_circles()])).max() > 100


def test_a_fading_layer_paints_its_one_raster_at_the_opacity():
    circles = _circles()
    full = _still(lambda: [Layer(circles)])
    layer = Layer(circles)
    layer.opacity = 0.5
    half = _still(lambda: [layer])
    raster = layer._raster
    layer.opacity = 0.25
    quarter = _still(lambda: [layer])
    background = _still(lambda: [])
    assert full.std() > 5
    # each pixel the background's blended with the whole picture's (Cairo rounds to a level)
    assert np.abs(half - (background + 0.5 * (full - background))).max() <= 1
    assert np.abs(quarter - (background + 0.25 * (full - background))).max() <= 1
    assert layer._raster is raster  # a new opacity is a new paint, not a new raster


def test_a_readout_fills_its_cached_glyphs_where_manim_fills_its_outline_moved_or_transformed():
    def readout(change):
        digits = Readout(DARK.text, 60, "-12,345.0").set_data("-1,042.5").move_to(0.3 * RIGHT)
        change(digits)
        return digits

    def outline(change):  # the same points, drawn by Manim
        return VMobject(stroke_width=0, fill_color=DARK.text, fill_opacity=1).set_points(readout(change).glyphs.points)

    for change in (lambda d: d, lambda d: d.shift(1.3 * DOWN + 0.1 * RIGHT), lambda d: d.scale(1.4).rotate(0.3)):
        glyphs, manim = _still(lambda: [readout(change)]), _still(lambda: [outline(change)])
        assert manim.std() > 10
        off = np.abs(glyphs - manim).max(axis=-1)
        assert off.mean() < 0.2 and (off > 8).mean() < 0.002
    drawn = readout(lambda d: d)
    assert drawn.glyphs.copy().paths is drawn.glyphs.paths  # one set of Cairo paths per process


def test_a_corner_path_strokes_what_manim_strokes_for_the_same_points():
    xs = np.linspace(-5, 5, 80)
    wave = np.column_stack([xs, np.sin(2 * xs), 0 * xs])
    square = [[-1, -2.5, 0], [1, -2.5, 0], [1, -1.5, 0], [-1, -1.5, 0], [-1, -2.5, 0]]

    def shapes(kind):
        line = kind(stroke_color=DARK.output, stroke_width=6).set_points_as_corners(wave)
        line.append_points(VMobject().set_points_as_corners(square).points)  # a second subpath, closed
        curved = kind(stroke_color=DARK.accent, stroke_width=4).set_points(Circle(radius=0.8).shift(2 * UP).points)
        return [line, curved]

    manim, ours = _still(lambda: shapes(VMobject)), _still(lambda: shapes(CornerPath))
    assert manim.std() > 10
    off = np.abs(manim - ours).max(axis=-1)
    assert off.mean() < 0.2 and (off > 8).mean() < 0.002
    faded = PathBatch(shapes(CornerPath))
    faded.opacity = 0.0
    assert _still(lambda: [faded]).std() == 0
    (name, code), = examples(inspect.getdoc(CornerPath)).items()
    namespace: dict = {}
    exec(compile(code, f"<{name}>", "exec"), namespace)  # our own docstring, not user text
    assert render_plain(namespace[name]).renderer.get_frame()[..., :3].std() > 5


def test_a_batch_whose_members_move_together_keeps_its_operations_and_draws_them_moved():
    parts = _parts()
    batch = PathBatch(parts)
    made = []

    class Moving(Scene):
        def construct(self):
            self.add(batch)
            self.wait(0.2)
            made.append(batch._ops[2])
            for part in parts:
                part.shift(0.7 * DOWN + 0.3 * RIGHT)
            batch.add_updater(lambda mobject, dt: mobject)  # redrawn
            self.wait(0.2)

    frame = render_plain(Moving, width=320, height=180).renderer.get_frame()[..., :3].astype(float)
    assert batch._ops[2] is made[0]  # the same operations, moved
    moved = [part.shift(0.7 * DOWN + 0.3 * RIGHT) for part in _parts()]
    off = np.abs(frame - _still(lambda: moved)).max(axis=-1)
    assert off.mean() < 0.2 and (off > 8).mean() < 0.002
    assert np.abs(frame - _still(_parts)).max(axis=-1).mean() > 1
