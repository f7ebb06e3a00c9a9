"""netcore.regions: stripes, towers and a disc covered by towers, built by hand."""
import numpy as np
import pytest

import netcore as nc

X_BAND, Y_BAND = (-0.5, 0.2), (0.1, 0.8)


def _inside(band, v, margin):
    return band[0] + margin < v < band[1] - margin


def _outside(band, v, margin):
    return v < band[0] - margin or v > band[1] + margin


@pytest.mark.parametrize("axis", [0, 1])
def test_stripe_is_one_inside_its_band_and_zero_outside(axis):
    net = nc.stripe(axis, -0.3, 0.5)
    rng = np.random.default_rng(0)
    points = rng.uniform(-1, 1, size=(400, 2))
    out = net.predict(points)[:, 0]
    v = points[:, axis]
    # 5% of the band's width from an edge, a default-sharpness edge is within 1% of its plateau.
    inside = np.array([_inside((-0.3, 0.5), a, 0.04) for a in v])
    outside = np.array([_outside((-0.3, 0.5), a, 0.04) for a in v])
    assert np.all(np.abs(out[inside] - 1) < 0.01) and np.all(np.abs(out[outside]) < 0.01)
    edges = np.zeros((2, 2))
    edges[:, axis] = [-0.3, 0.5]
    np.testing.assert_allclose(net.predict(edges)[:, 0], 0.5, atol=1e-12)
    # The other coordinate does not matter.
    (W, b), _ = net.params
    assert np.all(W[1 - axis] == 0) and W[axis, 0] == pytest.approx(100 / 0.8)


def test_stripe_sharpness_is_the_neurons_weight():
    net = nc.stripe(0, 0.0, 1.0, sharpness=7.0)
    (W, b), (W2, b2) = net.params
    np.testing.assert_array_equal(W, [[7.0, 7.0], [0.0, 0.0]])
    np.testing.assert_array_equal(b, [0.0, -7.0])
    x = np.array([[0.3, 0.0]])
    assert net.predict(x)[0, 0] == pytest.approx(1 / (1 + np.exp(-2.1)) - 1 / (1 + np.exp(4.9)), rel=1e-12)


def test_tower_is_one_inside_the_rectangle_and_zero_outside():
    net = nc.tower(X_BAND, Y_BAND)
    rng = np.random.default_rng(1)
    points = rng.uniform(-1, 1, size=(2000, 2))
    out = net.predict(points)[:, 0]
    assert set(np.unique(out)) <= {0.0, 1.0}
    for (a, b), value in zip(points, out):
        if _inside(X_BAND, a, 0.02) and _inside(Y_BAND, b, 0.02):
            assert value == 1.0
        elif _outside(X_BAND, a, 0.02) or _outside(Y_BAND, b, 0.02):
            assert value == 0.0
    probes = np.array([[-0.15, 0.45], [-0.49, 0.11], [0.19, 0.79], [0.21, 0.45], [-0.15, 0.09], [0.9, -0.9]])
    np.testing.assert_array_equal(net.predict(probes)[:, 0], [1, 1, 1, 0, 0, 0])


def test_tower_plateau_is_the_sum_of_two_stripes():
    net = nc.tower(X_BAND, Y_BAND)
    x1, x2 = np.linspace(-1, 1, 41), np.linspace(-1, 1, 37)
    plateau = nc.plane_forward(net, x1, x2).zs[-1][0] + nc.TOWER_THRESHOLD
    stripes = (nc.plane_values(nc.stripe(0, *X_BAND), x1, x2).output
               + nc.plane_values(nc.stripe(1, *Y_BAND), x1, x2).output)
    np.testing.assert_allclose(plateau, stripes, atol=1e-12)
    centre = nc.plane_forward(net, [-0.15], [0.45]).zs[-1][0, 0, 0] + nc.TOWER_THRESHOLD
    arm = nc.plane_forward(net, [-0.15], [-0.6]).zs[-1][0, 0, 0] + nc.TOWER_THRESHOLD
    assert centre == pytest.approx(2.0, abs=1e-6) and arm == pytest.approx(1.0, abs=1e-6)


def test_coverage_error_falls_as_towers_are_added_to_a_disc():
    shape = nc.disc(0.75)
    errors = [nc.coverage_error(nc.towers(shape, n), shape) for n in (2, 4, 8, 16)]
    assert all(a > b for a, b in zip(errors, errors[1:])), errors
    assert errors[-1] < 0.04
    # n = 2 covers the whole square (every cell centre is within 0.75): the error is the
    # area outside the disc.
    assert errors[0] == pytest.approx(1 - np.pi * 0.75**2 / 4, abs=0.01)


def test_towers_output_at_cell_centres_and_mask_input():
    shape = nc.disc(0.6, centre=(0.1, -0.2))
    n = 6
    centres = np.linspace(-1, 1, n + 1)[:-1] + 1 / n
    mask = shape(centres[None, :], centres[:, None])
    net = nc.towers(shape, n)
    assert net.layer_sizes == (2, 4 * n, int(mask.sum()), 1)
    np.testing.assert_array_equal(nc.plane_values(net, centres, centres).output, mask)
    same = nc.towers(mask, n)
    np.testing.assert_array_equal(same.flat, net.flat)


@pytest.mark.parametrize("n", [3, 4, 8])
def test_towers_cover_their_cells_without_holes_where_cells_meet(n):
    """1 on every point of the covered cells (also where four meet), 0 a little away."""
    shape = nc.disc(0.8)
    net = nc.towers(shape, n)
    g = np.linspace(-1, 1, 401)
    out = nc.plane_values(net, g, g).output
    edges = np.linspace(-1, 1, n + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    mask = shape(centres[None, :], centres[:, None])
    cell = np.clip(np.searchsorted(edges, g, side="right") - 1, 0, n - 1)
    inside = mask[np.ix_(cell, cell)]
    assert out[inside].min() == 1.0
    # Farther than a tenth of a cell from every covered cell, nothing stands.
    reach = 0.1 * 2 / n
    near = np.zeros_like(inside)
    for k, i in zip(*np.nonzero(mask)):
        near |= ((g[None, :] > edges[i] - reach) & (g[None, :] < edges[i + 1] + reach)
                 & (g[:, None] > edges[k] - reach) & (g[:, None] < edges[k + 1] + reach))
    assert out[~near].max() == 0.0


def test_coverage_error_against_an_independent_area():
    net = nc.tower((-0.5, 0.5), (-0.5, 0.5))
    square = lambda a, b: (np.abs(a) < 0.5) & (np.abs(b) < 0.5)  # noqa: E731
    # Only the corners, where two half-on stripes meet, are rounded off: 12 of 40,000 pixels.
    assert nc.coverage_error(net, square, grid=200) == pytest.approx(12 / 40_000, abs=1e-12)
    nothing = lambda a, b: np.zeros(np.broadcast(a, b).shape, dtype=bool)  # noqa: E731
    assert nc.coverage_error(net, nothing, grid=200) == pytest.approx((10_000 - 12) / 40_000, abs=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: nc.stripe(2, 0, 1), "axis"), (lambda: nc.stripe(0, 1, 0), "low < high"),
    (lambda: nc.stripe(0, 0, 1, sharpness=-1), "sharpness"), (lambda: nc.tower((0, np.nan), (0, 1)), "x_band"),
    (lambda: nc.towers(nc.disc(0.1, (5, 5)), 4), "covers no cell"), (lambda: nc.towers(nc.disc(), 0), "n must"),
    (lambda: nc.towers(np.ones((3, 3), dtype=bool), 4), "mask"), (lambda: nc.towers(np.ones((4, 4)), 4), "mask"),
    (lambda: nc.disc(-1), "radius"),
])
def test_bad_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
