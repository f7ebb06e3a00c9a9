"""netcore.plane: a network over a grid on the plane, and the region and grid for points."""
import numpy as np
import pytest

import netcore as nc

X1 = np.linspace(-1.2, 0.9, 13)
X2 = np.array([-1.0, -0.3, 0.0, 0.4, 1.1])


@pytest.mark.parametrize("sizes, activation, output", [
    ([2, 8, 8, 1], "tanh", "sigmoid"), ([2, 3, 1], "relu", "sigmoid"), ([2, 16, 16, 1], "sigmoid", "linear"),
    ([2, 5, 4, 3, 2, 1], "tanh", "sigmoid"), ([2, 1], "tanh", "sigmoid"),
])
def test_output_equals_predict_on_the_same_points(sizes, activation, output):
    net = nc.Network(sizes, activation=activation, output_activation=output, seed=4)
    values = nc.plane_values(net, X1, X2)
    assert values.output.shape == (len(X2), len(X1))
    for k, b in enumerate(X2):
        for i, a in enumerate(X1):
            want = net.predict(np.array([[a, b]]))[0, 0]
            assert values.output[k, i] == pytest.approx(want, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_hidden_are_the_first_layer_activations(activation):
    net = nc.Network([2, 6, 4, 1], activation=activation, output_activation="sigmoid", seed=2)
    hidden = nc.plane_values(net, X1, X2).hidden
    assert hidden.shape == (6, len(X2), len(X1))
    (W, b), _, _ = net.params
    g = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    for j in range(6):
        want = g(W[0, j] * X1[None, :] + W[1, j] * X2[:, None] + b[j])
        np.testing.assert_allclose(hidden[j], want, rtol=1e-12, atol=1e-14)


def test_plane_forward_has_every_layer_of_forward():
    net = nc.Network([2, 5, 3, 1], activation="relu", output_activation="sigmoid", seed=8)
    plane = nc.plane_forward(net, X1, X2)
    grid = np.column_stack([np.tile(X1, len(X2)), np.repeat(X2, len(X1))])
    want = net.forward(grid)
    assert len(plane.zs) == 3 and len(plane.activations) == 4
    for got, ref in zip(plane.zs + plane.activations, want.zs + want.activations):
        assert got.shape == (ref.shape[1], len(X2), len(X1))
        np.testing.assert_allclose(got.reshape(ref.shape[1], -1), ref.T, rtol=1e-12, atol=1e-14)


def test_no_hidden_layer_means_no_hidden_values():
    assert nc.plane_values(nc.Network([2, 1], seed=0), X1, X2).hidden.shape == (0, len(X2), len(X1))


def test_a_trained_trace_frame_over_the_plane():
    x, y = nc.circle(60, 0.05, 0)
    trace = nc.fit_points(x, y, steps=30, frames=4)
    net = trace.network_at(2)
    values = nc.plane_values(net, X1, X2)
    grid = np.column_stack([np.tile(X1, len(X2)), np.repeat(X2, len(X1))])
    np.testing.assert_allclose(values.output.ravel(), net.predict(grid)[:, 0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(values.hidden.reshape(8, -1), net.forward(grid).activations[1].T,
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("sizes, x1, x2, match", [
    ([1, 4, 1], X1, X2, "2 inputs"), ([2, 4, 2], X1, X2, "2 inputs and 1 output"),
    ([2, 4, 1], X1.reshape(1, -1), X2, "1-D"),
])
def test_bad_arguments_raise(sizes, x1, x2, match):
    with pytest.raises(ValueError, match=match):
        nc.plane_values(nc.Network(sizes), x1, x2)


@pytest.mark.parametrize("name", sorted(nc.DATASETS))
def test_extent_of_every_data_set_is_about_the_unit_square(name):
    x, _ = nc.DATASETS[name](500, nc.DEFAULT_NOISE[name], 0)
    (low1, high1), (low2, high2) = nc.plane_extent(x)
    assert high1 - low1 == pytest.approx(high2 - low2)
    assert low1 <= min(-1, x[:, 0].min()) and high1 >= max(1, x[:, 0].max())
    assert low2 <= min(-1, x[:, 1].min()) and high2 >= max(1, x[:, 1].max())
    assert high1 - low1 < 2.8


def test_extent_of_far_away_points_is_a_square_around_them():
    x = np.array([[10.0, 100.0], [30.0, 110.0], [20.0, 105.0]])
    (low1, high1), (low2, high2) = nc.plane_extent(x)
    assert (low1, high1) == pytest.approx((9.0, 31.0)) and (low2, high2) == pytest.approx((94.0, 116.0))
    same = nc.plane_extent(np.zeros((4, 2)) + 5.0)
    assert same == ((4.45, 5.55), (4.45, 5.55))


def test_plane_grid_is_pixel_centres_with_square_pixels():
    x1, x2 = nc.plane_grid((-1.0, 1.0), (0.0, 0.5), points=40)
    assert len(x1) == 40 and len(x2) == 10
    np.testing.assert_allclose(x1[:2], [-0.975, -0.925])
    np.testing.assert_allclose(np.diff(x1), 0.05) and np.testing.assert_allclose(np.diff(x2), 0.05)
    assert x2[0] == pytest.approx(0.025) and x2[-1] == pytest.approx(0.475)
    x1, x2 = nc.plane_grid((-1, 1), (-1, 1))
    assert len(x1) == len(x2) == nc.PLANE_GRID


@pytest.mark.parametrize("call", [
    lambda: nc.plane_extent(np.zeros((3, 3))), lambda: nc.plane_extent(np.array([[0.0, np.nan]])),
    lambda: nc.plane_grid((1, 0), (0, 1)), lambda: nc.plane_grid((0, np.inf), (0, 1)),
    lambda: nc.plane_grid((0, 1), (0, 1), points=1), lambda: nc.plane_grid((0, 1), (0, 1), points=10**6),
])
def test_extent_and_grid_reject_bad_input(call):
    with pytest.raises(ValueError):
        call()
