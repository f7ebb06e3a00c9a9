"""The plane: heatmap, contour and point mobjects, and the boundary and regions scenes (tiny renders)."""

import numpy as np
import pytest
from manim import RIGHT, Group, ManimColor

from scenes.base import NetreelScene
from scenes.mobjects.contour import Contour, contour_lines
from scenes.mobjects.heatmap import Heatmap, class_colors
from scenes.mobjects.plane import PlaneView
from scenes.mobjects.points import ClassPoints
from scenes.output.render import render_frames, scene_to_pixel
from scenes.theme import THEMES

DARK = THEMES["dark"]


def rgb(color: str) -> np.ndarray:
    return np.array(ManimColor(color).to_rgb()) * 255


def pixel(frame: np.ndarray, point, width: int, height: int) -> np.ndarray:
    column, row = scene_to_pixel(point, width, height)
    return frame[int(row), int(column), :3].astype(float)


# ---------------------------------------------------------------- mobjects


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


def test_class_points_split_by_label_and_reject_bad_labels():
    dots = ClassPoints(np.array([[0, 0], [1, 1], [2, 0]]), np.array([0, 1, 1]), DARK, radius=0.1)
    assert [len(part.get_subpaths()) for part in dots.classes] == [1, 2]
    assert np.allclose(dots.classes[0].get_center(), 0, atol=1e-9)
    with pytest.raises(ValueError):
        dots.set_data(np.zeros((2, 2)), np.array([0, 2]))


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
