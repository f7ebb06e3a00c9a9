"""netcore: activations, losses, the network's forward/backward pass, optimizers."""
import numpy as np
import pytest

import netcore as nc

RNG = np.random.default_rng(1234)
SHAPES = [[1, 3, 1], [2, 4, 3, 1], [3, 5, 2], [1, 6, 6, 2]]


def _data(sizes, n=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, sizes[0])), rng.normal(size=(n, sizes[-1]))


def _relu_safe_data(net, n=7, seed=0, margin=1e-3):
    """Inputs whose pre-activations all stay at least `margin` away from relu's kink."""
    candidates = np.random.default_rng(seed).normal(size=(500, net.layer_sizes[0]))
    safe = np.all([np.abs(z).min(axis=1) > margin for z in net.forward(candidates).zs[:-1]], axis=0)
    assert safe.sum() >= n, "no kink-free inputs found"
    return candidates[safe][:n]


# ---------------------------------------------------------------- activations

@pytest.mark.parametrize("act", [nc.sigmoid, nc.tanh, nc.relu, nc.linear])
def test_activation_derivative_matches_finite_difference(act):
    z = np.array([-3.0, -0.7, -0.2, 0.3, 1.1, 4.0])
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.df(z), numeric, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(act.df_a(act.f(z)), act.df(z), rtol=1e-12, atol=1e-15)


def test_step_fires_at_zero_and_has_zero_derivative():
    z = np.array([-1.0, -1e-300, 0.0, 1e-300, 2.0])
    assert np.array_equal(nc.step.f(z), [0.0, 0.0, 1.0, 1.0, 1.0])
    assert np.array_equal(nc.step.df(z), np.zeros(5))


def test_sigmoid_is_stable_and_exact_at_extremes():
    z = np.array([-1e6, -800.0, 0.0, 800.0, 1e6])
    with np.errstate(all="raise"):
        s = nc.sigmoid.f(z)
    assert np.array_equal(s, [0.0, 0.0, 0.5, 1.0, 1.0])
    assert np.all(np.isfinite(nc.sigmoid.df(z)))
    np.testing.assert_allclose(nc.sigmoid.f(np.array([1.0])), 1 / (1 + np.exp(-1.0)), rtol=1e-15)


def test_get_activation():
    assert nc.get_activation("tanh") is nc.tanh
    assert nc.get_activation(nc.relu) is nc.relu
    with pytest.raises(ValueError, match="sigmoid"):
        nc.get_activation("softmax")


def test_get_loss_and_optimizer_reject_unknown_names():
    assert nc.get_loss("mse") is nc.mse
    with pytest.raises(ValueError, match="mse"):
        nc.get_loss("hinge")
    with pytest.raises(ValueError, match="adam"):
        nc.get_optimizer("rmsprop", 0.1)


# ---------------------------------------------------------------- losses

def test_mse_value_and_gradient():
    a, y = np.array([[1.0], [2.0], [4.0]]), np.array([[0.0], [2.0], [1.0]])
    assert nc.mse.value(a, y) == pytest.approx((1 + 0 + 9) / 3)
    np.testing.assert_allclose(nc.mse.grad(a, y), 2 * (a - y) / 3)


def test_binary_cross_entropy_is_finite_when_saturated():
    a, y = np.array([[0.0], [1.0], [0.3]]), np.array([[1.0], [0.0], [1.0]])
    assert np.isfinite(nc.binary_cross_entropy.value(a, y))
    assert np.all(np.isfinite(nc.binary_cross_entropy.grad(a, y)))
    p, t = np.array([[0.3]]), np.array([[1.0]])
    assert nc.binary_cross_entropy.value(p, t) == pytest.approx(-np.log(0.3))


# ---------------------------------------------------------------- gradients

@pytest.mark.parametrize("sizes", SHAPES)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_gradients_match_finite_differences_mse(sizes, activation):
    net = nc.Network(sizes, activation=activation, seed=3)
    x, y = _data(sizes, seed=5)
    if activation == "relu":
        x = _relu_safe_data(net)
    assert nc.gradcheck(net, x, y) < 1e-6


@pytest.mark.parametrize("sizes", SHAPES)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_gradients_match_finite_differences_bce(sizes, activation):
    net = nc.Network(sizes, activation=activation, output_activation="sigmoid", seed=4)
    x, _ = _data(sizes, seed=6)
    if activation == "relu":
        x = _relu_safe_data(net, seed=6)
    y = (np.random.default_rng(7).random((len(x), sizes[-1])) > 0.5).astype(float)
    assert nc.gradcheck(net, x, y, loss="binary_cross_entropy") < 1e-6


def test_gradcheck_catches_a_wrong_derivative():
    wrong = nc.Activation("sigmoid", nc.sigmoid.f, lambda z: 1.1 * nc.sigmoid.df(z))
    net = nc.Network([2, 4, 1], activation=wrong, seed=0)
    x, y = _data([2, 4, 1])
    assert nc.gradcheck(net, x, y) > 1e-3


def test_gradcheck_leaves_network_unchanged():
    net = nc.Network([2, 3, 1], seed=2)
    before = net.flat.copy()
    nc.gradcheck(net, *_data([2, 3, 1]))
    assert np.array_equal(net.flat, before)


def _central_differences(loss_of, array, h=1e-6):
    """d loss_of(array) / d array, one entry nudged at a time."""
    numeric = np.empty_like(array)
    for idx in np.ndindex(array.shape):
        up, down = array.copy(), array.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (loss_of(up) - loss_of(down)) / (2 * h)
    return numeric


def _deep_net_and_loss_from_layer():
    """A tanh network, its gradients, its activations per layer, and the loss as a
    function of layer ``l``'s activations (the forward pass finished by hand)."""
    net = nc.Network([2, 4, 3, 1], activation="tanh", seed=8)
    x, y = _data([2, 4, 3, 1], n=5)
    gs = [net.activation] * 2 + [net.output_activation]

    def loss_from(layer, a):
        for (W, b), g in zip(net.params[layer + 1:], gs[layer + 1:]):
            a = g.f(a @ W + b)
        return nc.mse.value(a, y)

    return net.gradients(x, y), gs, loss_from


def test_deltas_are_dloss_dz():
    """Nudge one example's z in each layer, finish the forward pass by hand, compare."""
    grads, gs, loss_from = _deep_net_and_loss_from_layer()
    for layer, z in enumerate(grads.forward.zs):
        numeric = _central_differences(lambda z_: loss_from(layer, gs[layer].f(z_)), z)
        np.testing.assert_allclose(grads.deltas[layer], numeric, rtol=1e-6, atol=1e-10)


def test_activation_grads_are_dloss_da():
    """Nudge one example's activations in each layer, finish the forward pass, compare."""
    grads, gs, loss_from = _deep_net_and_loss_from_layer()
    for layer, a in enumerate(grads.forward.activations[1:]):
        numeric = _central_differences(lambda a_: loss_from(layer, a_), a)
        np.testing.assert_allclose(grads.activation_grads[layer], numeric, rtol=1e-6, atol=1e-10)
        slope = gs[layer].df(grads.forward.zs[layer])
        np.testing.assert_allclose(grads.deltas[layer], grads.activation_grads[layer] * slope)


def test_backprop_gradients_against_a_reference_formula():
    """A one-hidden-layer network's gradients written out in full."""
    net = nc.Network([1, 3, 1], activation="sigmoid", seed=1)
    x, y = _data([1, 3, 1], n=6)
    (W1, b1), (W2, b2) = net.params
    h = 1 / (1 + np.exp(-(x @ W1 + b1)))
    out = h @ W2 + b2
    d_out = 2 * (out - y) / len(x)
    d_h = (d_out @ W2.T) * h * (1 - h)
    g = net.gradients(x, y)
    for got, want in zip(g.dW + g.db, [x.T @ d_h, h.T @ d_out, d_h.sum(0), d_out.sum(0)]):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert g.loss == pytest.approx(np.mean((out - y) ** 2), rel=1e-12)


def test_public_backprop_is_gradients_without_the_checks():
    net = nc.Network([2, 4, 3, 1], activation="tanh", output_activation="sigmoid", seed=5)
    x, y = _data([2, 4, 3, 1], n=9)
    y = (y > 0).astype(float)
    fast = net.backprop(x, y, nc.binary_cross_entropy)
    checked = net.gradients(x, y, "binary_cross_entropy")
    assert np.array_equal(fast.flat, checked.flat) and fast.loss == checked.loss
    assert all(np.array_equal(p, q) for p, q in zip(fast.deltas, checked.deltas))


# ---------------------------------------------------------------- network

def test_forward_and_gradient_shapes():
    net = nc.Network([3, 5, 4, 2], seed=0)
    x, y = _data([3, 5, 4, 2], n=9)
    fwd = net.forward(x)
    assert [z.shape for z in fwd.zs] == [(9, 5), (9, 4), (9, 2)]
    assert [a.shape for a in fwd.activations] == [(9, 3), (9, 5), (9, 4), (9, 2)]
    assert fwd.activations[0] is not None and np.array_equal(fwd.activations[0], x)
    assert fwd.output.shape == (9, 2) and np.array_equal(net.predict(x), fwd.output)
    g = net.gradients(x, y)
    assert [w.shape for w in g.dW] == [W.shape for W, _ in net.params]
    assert [b.shape for b in g.db] == [b.shape for _, b in net.params]
    assert [d.shape for d in g.deltas] == [(9, 5), (9, 4), (9, 2)]
    assert isinstance(g.loss, float)
    for W, b in net.params:
        assert W.dtype == np.float64 and b.dtype == np.float64


def test_params_layout():
    net = nc.Network([1, 16, 1])
    assert [(W.shape, b.shape) for W, b in net.params] == [((1, 16), (16,)), ((16, 1), (1,))]
    assert net.layer_sizes == (1, 16, 1)
    assert net.activation is nc.sigmoid and net.output_activation is nc.linear


def test_one_dimensional_input_is_a_column():
    net = nc.Network([1, 4, 1], seed=0)
    xs = np.linspace(-1, 1, 5)
    assert np.array_equal(net.predict(xs), net.predict(xs[:, None]))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        nc.Network([2, 1]).predict(xs)


@pytest.mark.parametrize("sizes", [[1], [], [0, 1], [1, -1], [1, 2.5, 1], [1, True, 1], [1, "3", 1],
                                   [1, None, 1], 5, "12", [1, 0]])
def test_bad_layer_sizes_raise(sizes):
    with pytest.raises(ValueError, match="layer"):
        nc.Network(sizes)


def test_same_seed_same_params_different_seed_different():
    a, b, c = nc.Network([2, 8, 1], seed=7), nc.Network([2, 8, 1], seed=7), nc.Network([2, 8, 1], seed=8)
    assert all(np.array_equal(p, q) for (p, _), (q, _) in zip(a.params, b.params))
    assert all(np.array_equal(p, q) for (_, p), (_, q) in zip(a.params, b.params))
    assert not np.array_equal(a.params[0][0], c.params[0][0])


def test_copy_is_independent_and_set_params_validates():
    net = nc.Network([1, 3, 1], seed=0)
    clone = net.copy()
    clone.params[0][0][0, 0] += 1.0
    assert clone.params[0][0][0, 0] != net.params[0][0][0, 0]
    with pytest.raises(ValueError, match="layer 0"):
        net.set_params([(np.zeros((2, 3)), np.zeros(3)), (np.zeros((3, 1)), np.zeros(1))])
    with pytest.raises(ValueError, match="pairs"):
        net.set_params([(np.zeros((1, 3)), np.zeros(3))])
    net.set_params([(np.ones((1, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))])
    assert net.predict(np.array([0.0]))[0, 0] == pytest.approx(1.5)


def test_hidden_contributions_sum_to_output_preactivation():
    net = nc.Network([1, 7, 1], activation="tanh", output_activation="sigmoid", seed=3)
    x = np.linspace(-2, 2, 50)
    parts = net.hidden_contributions(x)
    assert parts.shape == (7, 50)
    np.testing.assert_allclose(parts.sum(axis=0) + net.params[1][1][0], net.forward(x).zs[-1][:, 0],
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("sizes", [[1, 3, 3, 1], [1, 3, 2], [1, 1]])
def test_hidden_contributions_rejects_other_shapes(sizes):
    with pytest.raises(ValueError, match="one hidden layer"):
        nc.Network(sizes).hidden_contributions(np.zeros(3))


# ---------------------------------------------------------------- optimizers

@pytest.mark.parametrize("lr", [0, -1, float("nan"), float("inf"), "fast", None])
def test_learning_rate_must_be_finite_positive(lr):
    for name in ("sgd", "momentum", "adam"):
        with pytest.raises(ValueError, match="learning rate"):
            nc.get_optimizer(name, lr)


def test_sgd_step_in_place():
    W, b = np.array([[1.0, 2.0]]), np.array([0.5])
    params = [(W, b)]
    out = nc.SGD(0.1).step(params, [np.array([[1.0, -1.0]])], [np.array([2.0])])
    assert out is params and np.allclose(W, [[0.9, 2.1]]) and np.allclose(b, [0.3])


def test_momentum_accumulates_velocity():
    p = np.array([0.0])
    opt = nc.Momentum(1.0, beta=0.5)
    opt.update(p, np.array([1.0]))
    opt.update(p, np.array([1.0]))
    assert p[0] == pytest.approx(-(1.0 + 1.5))


def test_adam_matches_textbook_formula():
    rng = np.random.default_rng(0)
    p, ref = rng.normal(size=5), None
    ref = p.copy()
    m = v = np.zeros(5)
    opt = nc.Adam(0.01)
    for t in range(1, 6):
        g = rng.normal(size=5)
        opt.update(p, g)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        ref -= 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    np.testing.assert_allclose(p, ref, rtol=1e-12)


def test_step_and_update_agree_for_network_params():
    net_a, net_b = nc.Network([2, 3, 1], seed=0), nc.Network([2, 3, 1], seed=0)
    x, y = _data([2, 3, 1])
    opt_a, opt_b = nc.Adam(0.05), nc.Adam(0.05)
    for _ in range(3):
        g = net_a.gradients(x, y)
        opt_a.step(net_a.params, g.dW, g.db)
        opt_b.update(net_b.flat, net_b.gradients(x, y).flat)
    np.testing.assert_allclose(net_a.flat, net_b.flat, rtol=1e-14)


# ---------------------------------------------------------------- package hygiene

def test_netcore_never_imports_manim_or_click():
    import subprocess
    import sys

    code = "import sys, netcore; print(sorted(m for m in sys.modules if m.split('.')[0] in ('manim', 'click')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_module_declares_all_and_package_reexports_it():
    import importlib

    for name in ("activations", "losses", "network", "optim", "targets", "trace", "train", "construct",
                 "gradcheck", "recorder", "datasets", "plane", "classify", "regions"):
        module = importlib.import_module(f"netcore.{name}")
        for public in module.__all__:
            assert getattr(nc, public) is getattr(module, public), public
    assert all(hasattr(nc, public) for public in nc.__all__)
