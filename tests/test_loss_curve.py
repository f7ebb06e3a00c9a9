"""LossCurve.set_data: a curve grown a step at a time is the curve drawn at once, point for point."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, LEFT

from scenes.mobjects.loss_curve import LossCurve
from scenes.theme import THEMES

THEME = THEMES["dark"]


def losses(n: int) -> np.ndarray:
    return 0.7 * np.exp(-np.linspace(0, 6, n)) + 1e-3 * (1 + np.sin(np.arange(n)))


def test_appended_curve_equals_the_curve_set_at_once():
    steps, loss = np.arange(60) * 50.0, losses(60)
    grown = LossCurve(THEME, max_step=3000, loss_range=(1e-3, 1.0))
    whole = LossCurve(THEME, max_step=3000, loss_range=(1e-3, 1.0))
    for n in range(1, 61):
        grown.set_data(steps[:n], loss[:n])
        whole._steps = np.zeros(0)  # forget what it showed: drawn from scratch
        whole.set_data(steps[:n], loss[:n])
        assert np.array_equal(grown.curve.points, whole.curve.points)
        assert np.array_equal(grown.dot.get_center(), whole.dot.get_center())
    # Manim's own map from data to points, and its own corners.
    reference = grown.axes.c2p(np.column_stack([steps, grown.loss_to_y(loss)]))
    expected = LossCurve(THEME, max_step=3000, loss_range=(1e-3, 1.0)).curve.set_points_as_corners(reference)
    np.testing.assert_allclose(grown.curve.points, expected.points, atol=1e-12)


def test_a_moved_chart_or_other_data_redraws_the_whole_curve():
    steps, loss = np.arange(20) * 10.0, losses(20)
    chart = LossCurve(THEME, max_step=200, loss_range=(1e-3, 1.0))
    chart.set_data(steps[:10], loss[:10])
    chart.shift(2 * LEFT + DOWN)
    chart.set_data(steps[:15], loss[:15])
    assert chart.curve.get_start()[1] == pytest.approx(chart.c2p(0, loss[0])[1])
    np.testing.assert_allclose(chart.dot.get_center(), chart.c2p(steps[14], loss[14]), atol=1e-12)
    changed = loss.copy()
    changed[3] = 0.5
    chart.set_data(steps[:16], changed[:16])  # not an extension: drawn anew
    np.testing.assert_allclose(chart.curve.points[3 * 4 + 3], chart.c2p(steps[4], changed[4]), atol=1e-12)
    np.testing.assert_allclose(chart.curve.points[2 * 4 + 3], chart.c2p(steps[3], 0.5), atol=1e-12)
    chart.set_data(steps[:5], loss[:5])  # shorter
    assert len(chart.curve.points) == 4 * 4
    chart.set_data(steps[:1], loss[:1])  # one point: a segment of no length
    assert len(chart.curve.points) == 4 and np.ptp(chart.curve.points, axis=0).max() < 1e-12


def test_an_appended_loss_outside_the_range_still_warns():
    chart = LossCurve(THEME, max_step=100, loss_range=(1e-2, 1.0))
    chart.set_data([0.0, 1.0], [0.5, 0.4])
    with pytest.warns(UserWarning, match="loss 0.001 at step 2 lies outside"):
        chart.set_data([0.0, 1.0, 2.0], [0.5, 0.4, 1e-3])
    assert chart.below.get_fill_opacity() == 1.0


def test_a_loss_of_zero_lies_on_a_log_charts_floor_without_a_warning(recwarn):
    chart = LossCurve(THEME, max_step=100, loss_range=(1e-2, 1.0))
    chart.set_data([0.0, 1.0, 2.0], [0.5, 0.1, 0.0])  # a perfect fit
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
    assert chart.dot.get_center()[1] == pytest.approx(chart.c2p(2.0, 1e-2)[1])  # on the floor, arrow below
    assert chart.below.get_fill_opacity() == 1.0
    with pytest.warns(UserWarning, match="loss 0 at step 0"):  # on a linear chart 0 is a value like any
        LossCurve(THEME, max_step=100, loss_range=(0.1, 1.0), log=False).set_data([0.0], [0.0])
