"""netcore.train and netcore.trace: learning, recording, saving."""
import hashlib
import os
import time
from dataclasses import fields

import numpy as np
import pytest

import netcore as nc

X = np.linspace(-1, 1, 32)


def _small_trace(**kwargs):
    net = nc.Network([1, 4, 1], seed=1)
    options = dict(steps=300, lr=0.05, frames=20, target=lambda x: np.sin(3 * x), target_text="sin(3*x)")
    options.update(kwargs)
    return nc.train(net, X, np.sin(3 * X), **options)


# ---------------------------------------------------------------- record_schedule

@pytest.mark.parametrize("steps, frames", [(1, 2), (5, 3), (10, 120), (100, 11), (8000, 120), (100_000, 120),
                                           (119, 120), (120, 120), (1000, 999)])
def test_record_schedule_properties(steps, frames):
    s = nc.record_schedule(steps, frames)
    assert s.dtype.kind == "i"
    assert len(s) == min(frames, steps + 1)
    assert s[0] == 0 and s[-1] == steps
    assert np.all(np.diff(s) > 0)


@pytest.mark.parametrize("steps", [500, 8000, 100_000])
def test_record_schedule_is_denser_early(steps):
    s = nc.record_schedule(steps, 120)
    assert s[59] < steps / 2
    gaps = np.diff(s)
    assert gaps[:10].mean() < gaps[-10:].mean()


@pytest.mark.parametrize("steps, frames", [(0, 10), (-1, 10), (2.5, 10), (True, 10), (10, 1), (10, 0)])
def test_record_schedule_rejects_bad_input(steps, frames):
    with pytest.raises(ValueError):
        nc.record_schedule(steps, frames)


# ---------------------------------------------------------------- train

def test_default_settings_learn_sin3x():
    net = nc.Network([1, 16, 1], activation="sigmoid", seed=0)
    x = np.linspace(-1, 1, nc.DEFAULT_SAMPLES)
    trace = nc.train(net, x, np.sin(3 * x))
    assert trace.total_steps == nc.DEFAULT_STEPS and trace.lr == nc.DEFAULT_LR
    assert trace.final_loss < 1e-3
    assert trace.final_loss == pytest.approx(np.mean((net.predict(x)[:, 0] - np.sin(3 * x)) ** 2))


def test_fit_function_default_is_well_fit():
    trace = nc.fit_function()
    assert trace.target_text == nc.PRESETS[nc.DEFAULT_TARGET]
    assert trace.layer_sizes == (1, nc.DEFAULT_NEURONS, 1)
    assert trace.final_loss < 1e-3
    np.testing.assert_allclose(trace.target, nc.parse_target(nc.DEFAULT_TARGET)(trace.grid))
    assert np.abs(trace.outputs[-1] - trace.target).max() < 0.1


def test_fit_function_options_and_errors():
    trace = nc.fit_function("abs(x)", neurons=3, steps=50, frames=10, interval=(0, 2), samples=9, seed=2)
    assert trace.grid[0] == 0 and trace.grid[-1] == 2 and len(trace) == 10
    assert trace.x_train.shape == (9, 1) and trace.target_text == "abs(x)"
    with pytest.raises(nc.TargetError, match="not finite"):
        nc.fit_function("log(x)", steps=5)
    with pytest.raises(nc.TargetError):
        nc.fit_function("__import__('os')", steps=5)
    with pytest.raises(ValueError, match="interval"):
        nc.fit_function("x", steps=5, interval=(1, 1))


def test_trace_contents_match_the_network():
    trace = _small_trace()
    F, G = 20, nc.GRID_POINTS
    assert len(trace) == F and trace.steps.shape == (F,) and trace.loss.shape == (F,)
    assert [w.shape for w in trace.weights] == [(F, 1, 4), (F, 4, 1)]
    assert [b.shape for b in trace.biases] == [(F, 4), (F, 1)]
    assert [w.shape for w in trace.grad_weights] == [(F, 1, 4), (F, 4, 1)]
    assert trace.outputs.shape == (F, G) and trace.contributions.shape == (F, 4, G)
    assert trace.grid.shape == (G,) and trace.grid[0] == -1 and trace.grid[-1] == 1
    np.testing.assert_allclose(trace.target, np.sin(3 * trace.grid))
    for i in (0, 7, -1):
        net = trace.network_at(i)
        np.testing.assert_array_equal(trace.outputs[i], net.predict(trace.grid)[:, 0])
        np.testing.assert_array_equal(trace.contributions[i], net.hidden_contributions(trace.grid))
        g = net.gradients(trace.x_train, trace.y_train)
        assert trace.loss[i] == g.loss
        np.testing.assert_array_equal(trace.grad_weights[0][i], g.dW[0])
        np.testing.assert_array_equal(trace.grad_biases[1][i], g.db[1])


def test_step_k_is_the_state_after_k_updates():
    trace = _small_trace(optimizer="sgd", steps=5, frames=6)
    net = nc.Network([1, 4, 1], seed=1)
    assert list(trace.steps) == [0, 1, 2, 3, 4, 5]
    opt = nc.SGD(0.05)
    for k in range(6):
        np.testing.assert_array_equal(trace.weights[1][k], net.params[1][0])
        g = net.gradients(X, np.sin(3 * X))
        opt.step(net.params, g.dW, g.db)


def test_training_trains_in_place_and_lowers_loss():
    net = nc.Network([1, 4, 1], seed=1)
    trace = nc.train(net, X, np.sin(3 * X), steps=300, lr=0.05, frames=20)
    assert trace.loss[-1] < trace.loss[0] / 5
    np.testing.assert_array_equal(net.flat, trace.network_at(-1).flat)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_lowers_loss(optimizer):
    trace = _small_trace(optimizer=optimizer, lr=0.05 if optimizer == "adam" else 0.1)
    assert trace.optimizer == optimizer
    assert trace.loss[-1] < trace.loss[0]


def test_same_seed_same_trace():
    a, b = _small_trace(), _small_trace()
    assert a.equals(b)
    for f in fields(a):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        for p, q in zip(va, vb) if isinstance(va, list) else [(va, vb)]:
            assert np.array_equal(p, q, equal_nan=np.asarray(p).dtype.kind == "f"), f.name
    c = nc.train(nc.Network([1, 4, 1], seed=2), X, np.sin(3 * X), steps=300, lr=0.05, frames=20)
    assert not a.equals(c)


def test_small_trace_numbers_are_pinned():
    """The bits of a small Adam run, recorded before the recorder refactor (issue 9): any
    change to the training arithmetic or what is recorded shows here."""
    trace = _small_trace()
    assert [v.hex() for v in trace.loss[[0, 10, -1]]] == [
        "0x1.ce3bf7e47dc56p-1", "0x1.0a2215fb80b92p-3", "0x1.78dbbf8df9a42p-6"]
    assert float(trace.weights[1][-1][2, 0]).hex() == "-0x1.daf55341bbb1bp-1"
    arrays = trace.to_arrays()
    del arrays["accuracy"]  # added later; NaN for this regression trace
    digest = hashlib.sha256()
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(arrays[key]).tobytes())
    assert digest.hexdigest() == "0d453e4811b5b2a23112cbc131ced76ea1ebfebf49bebc52e9a043560a198159"
    assert np.isnan(trace.accuracy).all() and trace.accuracy.shape == (20,)


def test_classification_trace_records_accuracy_counted_independently():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(50, 2))
    y = (x[:, :1] ** 2 + x[:, 1:] ** 2 < 0.5).astype(float)
    net = nc.Network([2, 5, 1], activation="tanh", output_activation="sigmoid", seed=0)
    trace = nc.train(net, x, y, steps=200, lr=0.05, frames=8, loss="binary_cross_entropy")
    for i in range(len(trace)):
        output = trace.network_at(i).predict(x)[:, 0]
        right = sum((p >= 0.5) == (t == 1) for p, t in zip(output, y[:, 0]))
        assert trace.accuracy[i] == right / 50
    assert trace.accuracy[-1] > trace.accuracy[0]


def test_accuracy_counts_every_output_and_half_as_class_one():
    y = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    assert nc.accuracy(np.array([[0.2, 0.5], [0.9, 0.4], [0.1, 0.3]]), y) == 2 / 3


def test_huge_learning_rate_diverges_with_clear_message():
    with pytest.raises(nc.TrainingDiverged) as info:
        nc.train(nc.Network([1, 8, 1], seed=0), X, np.sin(3 * X), steps=1000, lr=1e6, optimizer="sgd")
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert f"step {info.value.step}" in message and "1e+06" in message and "smaller" in message
    assert 0 < info.value.step <= 1000


@pytest.mark.parametrize("steps", [0, -1, 2.5, float("nan"), float("inf"), None, True])
def test_bad_steps_raise(steps):
    with pytest.raises(ValueError, match="steps"):
        nc.train(nc.Network([1, 2, 1]), X, X, steps=steps)


@pytest.mark.parametrize("lr", [0, -1, float("nan"), float("inf")])
def test_bad_learning_rate_raises(lr):
    with pytest.raises(ValueError, match="learning rate"):
        nc.train(nc.Network([1, 2, 1]), X, X, steps=10, lr=lr)


@pytest.mark.parametrize("x, y, match", [
    (X, X[:-1], "do not fit"),
    (np.zeros((4, 2)), np.zeros(4), "do not fit"),
    (np.array([0.0, np.nan]), np.zeros(2), "finite"),
    (np.zeros(2), np.array([np.inf, 0.0]), "finite"),
    (np.zeros(0), np.zeros(0), "shape"),
])
def test_bad_data_raises(x, y, match):
    with pytest.raises(ValueError, match=match):
        nc.train(nc.Network([1, 2, 1]), x, y, steps=10)


def test_bad_frames_raise():
    with pytest.raises(ValueError, match="frames"):
        nc.train(nc.Network([1, 2, 1]), X, X, steps=10, frames=1)


def test_multi_input_network_trains_with_cross_entropy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(float)
    net = nc.Network([2, 6, 1], activation="tanh", output_activation="sigmoid", seed=0)
    trace = nc.train(net, x, y, steps=400, lr=0.05, frames=10, loss="binary_cross_entropy")
    assert trace.loss[-1] < trace.loss[0]
    assert trace.grid.shape == (0,) and trace.outputs.shape == (10, 0)
    assert trace.contributions.shape == (10, 0, 0) and trace.loss_name == "binary_cross_entropy"
    assert np.all(np.isnan(trace.target))


def test_hundred_thousand_steps_keep_120_frames():
    start = time.perf_counter()
    x = np.linspace(-1, 1, 8)
    trace = nc.train(nc.Network([1, 2, 1], seed=0), x, x**2, steps=100_000, lr=0.01, frames=120)
    elapsed = time.perf_counter() - start
    assert len(trace) == 120 and trace.weights[0].shape == (120, 1, 2) and trace.outputs.shape[0] == 120
    assert trace.steps[-1] == 100_000 == trace.total_steps
    assert elapsed < 30, f"100k steps took {elapsed:.1f}s"


# ---------------------------------------------------------------- Trace save / load

def test_trace_round_trips(tmp_path):
    trace = _small_trace()
    path = trace.save(tmp_path / "run.npz")
    assert path == tmp_path / "run.npz"
    loaded = nc.Trace.load(path)
    assert loaded.equals(trace)
    for f in fields(trace):
        va, vb = getattr(trace, f.name), getattr(loaded, f.name)
        if isinstance(va, list):
            assert len(va) == len(vb), f.name
            assert all(np.array_equal(p, q) and p.dtype == q.dtype for p, q in zip(va, vb)), f.name
        elif isinstance(va, np.ndarray):
            assert np.array_equal(va, vb, equal_nan=True) and va.dtype == vb.dtype, f.name
        else:
            assert va == vb and type(va) is type(vb), f.name
    assert loaded.network_at(-1).flat.tolist() == trace.network_at(-1).flat.tolist()


def test_trace_keys_are_documented_and_flat(tmp_path):
    trace = _small_trace()
    trace.save(tmp_path / "t.npz")
    with np.load(tmp_path / "t.npz", allow_pickle=False) as data:
        keys = set(data.files)
    expected = {"steps", "loss", "accuracy", "grid", "outputs", "contributions", "target", "x_train", "y_train", "meta",
                "W0", "W1", "b0", "b1", "grad_W0", "grad_W1", "grad_b0", "grad_b1"}
    assert keys == expected
    for key in expected:
        assert f"``{key.rstrip('01')}" in nc.trace.__doc__ or key in nc.trace.__doc__


def test_nan_target_round_trips(tmp_path):
    trace = _small_trace(target=None, target_text="")
    assert np.all(np.isnan(trace.target))
    assert nc.Trace.load(trace.save(tmp_path / "t.npz")).equals(trace)


def test_save_keeps_exact_name_and_leaves_no_temp_file(tmp_path):
    trace = _small_trace()
    for name in ("run", "run.trace", "run.npz.bak"):
        trace.save(tmp_path / name)
        assert nc.Trace.load(tmp_path / name).equals(trace)
    trace.save(str(tmp_path / "again"))
    assert sorted(os.listdir(tmp_path)) == ["again", "run", "run.npz.bak", "run.trace"]


def test_save_replaces_atomically_and_cleans_up_on_failure(tmp_path, monkeypatch):
    trace = _small_trace()
    target = tmp_path / "t.npz"
    target.write_bytes(b"previous")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", broken)
    with pytest.raises(OSError, match="disk full"):
        trace.save(target)
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["t.npz"]


def test_trace_saved_without_accuracy_loads_as_nan(tmp_path):
    trace = _small_trace()
    arrays = trace.to_arrays()
    del arrays["accuracy"]
    np.savez_compressed(tmp_path / "old.npz", **arrays)
    loaded = nc.Trace.load(tmp_path / "old.npz")
    assert loaded.accuracy.shape == (len(trace),) and np.isnan(loaded.accuracy).all()
    assert loaded.equals(trace)


def test_accuracy_round_trips(tmp_path):
    trace = _small_trace()
    trace.accuracy = np.linspace(0.5, 1.0, len(trace))
    loaded = nc.Trace.load(trace.save(tmp_path / "t.npz"))
    np.testing.assert_array_equal(loaded.accuracy, trace.accuracy)
    assert loaded.final_accuracy == 1.0


def test_load_rejects_other_files(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not a netreel trace"):
        nc.Trace.load(tmp_path / "other.npz")


def test_training_diverged_survives_pickling():
    import pickle

    error = pickle.loads(pickle.dumps(nc.TrainingDiverged(37, 50.0, float("inf"))))
    assert (error.step, error.lr) == (37, 50.0)
    assert "step 37" in str(error) and "learning rate 50" in str(error)
