"""netcore.classify: two classes of points learned with a sigmoid output and cross-entropy."""
import time

import numpy as np
import pytest

import netcore as nc


def test_defaults_classify_every_data_set_for_seeds_0_to_4():
    """The boundary scene's defaults: >= 98% on xor, circle and moons, >= 95% on the spiral."""
    start = time.perf_counter()
    worst = {}
    for name in ("xor", "circle", "moons", "spiral"):
        for seed in range(5):
            x, y = nc.DATASETS[name](nc.DEFAULT_POINTS, nc.DEFAULT_NOISE[name], seed)
            trace = nc.fit_points(x, y, layers=nc.DATASET_LAYERS[name], seed=seed, frames=2)
            worst[name] = min(worst.get(name, 1.0), trace.final_accuracy)
    assert all(worst[name] >= 0.98 for name in ("xor", "circle", "moons")), worst
    assert worst["spiral"] >= 0.95, worst
    assert time.perf_counter() - start < 30


def test_trace_of_a_classification():
    x, y = nc.moons(80, 0.05, 1)
    trace = nc.fit_points(x, y, steps=200, frames=12, seed=3)
    assert trace.layer_sizes == nc.DEFAULT_LAYERS_2D and trace.activation == "tanh"
    assert trace.output_activation == "sigmoid" and trace.loss_name == "binary_cross_entropy"
    assert trace.total_steps == 200 and trace.lr == nc.DEFAULT_LR_2D and trace.optimizer == "adam"
    assert trace.accuracy.shape == (12,) and trace.grid.shape == (0,)
    np.testing.assert_array_equal(trace.x_train, x)
    np.testing.assert_array_equal(trace.y_train, y)
    for i in (0, 5, -1):
        p = trace.network_at(i).predict(x)[:, 0]
        # An independent count of the points on the right side of 0.5, and the loss by hand.
        right = np.count_nonzero(np.where(y[:, 0] == 1, p >= 0.5, p < 0.5))
        assert trace.accuracy[i] == right / len(x)
        bce = -np.mean(y[:, 0] * np.log(p) + (1 - y[:, 0]) * np.log(1 - p))
        assert trace.loss[i] == pytest.approx(bce, rel=1e-12)
    assert trace.loss[-1] < trace.loss[0] and trace.accuracy[-1] > trace.accuracy[0]


def test_same_seed_same_trace_and_labels_may_be_flat():
    x, y = nc.xor(40, 0.05, 0)
    a = nc.fit_points(x, y, steps=50, frames=5, seed=1)
    assert a.equals(nc.fit_points(x, y[:, 0], steps=50, frames=5, seed=1))
    assert not a.equals(nc.fit_points(x, y, steps=50, frames=5, seed=2))


@pytest.mark.parametrize("sizes, activation", [([2, 5, 4, 1], "tanh"), ([2, 6, 1], "sigmoid"), ([2, 3, 3, 3, 1], "tanh")])
def test_cross_entropy_gradients_of_a_sigmoid_output_match_finite_differences(sizes, activation):
    x, y = nc.circle(12, 0.1, 2)
    net = nc.Network(sizes, activation=activation, output_activation="sigmoid", seed=6)
    assert nc.gradcheck(net, x, y, loss="binary_cross_entropy") < 1e-6


@pytest.mark.parametrize("kwargs, match", [
    ({"layers": (1, 4, 1)}, "2 inputs"), ({"layers": (2, 4, 2)}, "1 output"), ({"layers": (2, 0, 1)}, "positive"),
    ({"y": np.full((8, 1), 0.5)}, "0 or 1"), ({"y": np.array([[0.0], [1.0], [2.0]] * 2 + [[0.0]] * 2)}, "0 or 1"),
    ({"steps": 0}, "steps"), ({"lr": -1.0}, "learning rate"), ({"activation": "softmax"}, "activation"),
    ({"x": np.zeros((8, 3))}, "do not fit"),
])
def test_bad_arguments_raise(kwargs, match):
    options = {"x": np.zeros((8, 2)), "y": np.arange(8).reshape(-1, 1) % 2, "steps": 5}
    options.update(kwargs)
    with pytest.raises(ValueError, match=match):
        nc.fit_points(**options)
