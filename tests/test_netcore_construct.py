"""netcore.construct: hand-built step, superposition and bump networks."""
import numpy as np
import pytest

import netcore as nc

X = np.linspace(-3, 3, 601)


def test_step_neuron_exact_step():
    net = nc.step_neuron(0.25)
    assert net.layer_sizes == (1, 1)
    out = net.predict(np.array([-1.0, 0.2, 0.25, 0.3, 5.0]))[:, 0]
    assert np.array_equal(out, [0.0, 0.0, 1.0, 1.0, 1.0])
    (W, b), = net.params
    assert -b[0] / W[0, 0] == 0.25


def test_step_neuron_sigmoid_is_half_at_position_and_sharpens():
    soft, sharp = nc.step_neuron(-0.5, steepness=5), nc.step_neuron(-0.5, steepness=500)
    assert soft.predict(np.array([-0.5]))[0, 0] == pytest.approx(0.5)
    probe, ideal = np.array([-0.52, -0.48]), np.array([0.0, 1.0])
    sharp_error = np.abs(sharp.predict(probe)[:, 0] - ideal).max()
    assert sharp_error < np.abs(soft.predict(probe)[:, 0] - ideal).max()
    assert sharp_error < 1e-4


@pytest.mark.parametrize("w11, w21", [(1, 1), (1, -1), (-1, 1), (1.5, -0.5)])
def test_superposition_is_exact_weighted_sum(w11, w21):
    net = nc.superposition(w11, w21)
    g1, g2 = nc.step.f(1.0 * X + 1.0), nc.step.f(1.0 * X - 1.0)
    assert np.array_equal(net.predict(X)[:, 0], w11 * g1 + w21 * g2)


def test_superposition_with_custom_steps_and_bias():
    net = nc.superposition(2.0, -3.0, b1=0.4, b2=-1.2, w1=2.0, w2=3.0, output_bias=0.5)
    g1, g2 = nc.step.f(2.0 * X + 0.4), nc.step.f(3.0 * X - 1.2)
    assert np.array_equal(net.predict(X)[:, 0], 2.0 * g1 + -3.0 * g2 + 0.5)
    sig = nc.superposition(0.7, 0.2, activation="sigmoid")
    np.testing.assert_allclose(sig.predict(X)[:, 0], 0.7 * nc.sigmoid.f(X + 1) + 0.2 * nc.sigmoid.f(X - 1),
                               rtol=1e-15, atol=1e-15)


def test_superposition_story_levels():
    """Steps at s1 = -1 < s2 = 1: 0 left of s1, 1.5 between, 1.0 right of s2."""
    out = nc.superposition(1.5, -0.5).predict(X)[:, 0]
    assert np.all(out[X < -1] == 0.0)
    assert np.all(out[(X >= -1) & (X < 1)] == 1.5)
    assert np.all(out[X >= 1] == 1.0)


def test_superposition_contributions_are_the_two_terms():
    net = nc.superposition(1.5, -0.5)
    parts = net.hidden_contributions(X)
    assert np.array_equal(parts[0], 1.5 * nc.step.f(X + 1))
    assert np.array_equal(parts[1], -0.5 * nc.step.f(X - 1))


def _bump_error(n, f=lambda x: np.sin(2 * np.pi * x)):
    xs = np.linspace(0, 1, 20001)
    return np.abs(nc.bumps(f, n).predict(xs)[:, 0] - f(xs)).max()


def test_bump_error_falls_as_pairs_grow():
    errors = [_bump_error(n) for n in (5, 10, 20, 50)]
    assert all(a > b for a, b in zip(errors, errors[1:])), errors
    assert errors[-1] < 0.1


def test_bumps_structure_and_heights():
    f = nc.parse_target("x**2")
    net = nc.bumps(f, 4, interval=(-1.0, 1.0))
    assert net.layer_sizes == (1, 8, 1)
    (W1, b1), (W2, _) = net.params
    # Steepness 100 / bin width = 200; the outer steps sit 6 / 200 outside the interval.
    np.testing.assert_allclose(-b1 / W1[0], [-1.03, -0.5, -0.5, 0, 0, 0.5, 0.5, 1.03])
    mids = np.array([-0.75, -0.25, 0.25, 0.75])
    np.testing.assert_allclose(W2[:, 0], np.column_stack([mids**2, -mids**2]).ravel())
    # In the middle of each bin the output is that bin's bump height.
    np.testing.assert_allclose(net.predict(mids)[:, 0], mids**2, atol=1e-12)
    pairs = net.hidden_contributions(mids).reshape(4, 2, -1).sum(axis=1)
    np.testing.assert_allclose(pairs, np.diag(mids**2), atol=1e-12)


def test_bumps_accept_constant_function_and_validate():
    net = nc.bumps(lambda x: 2.0, 3)
    np.testing.assert_allclose(net.predict(np.array([0.5]))[0, 0], 2.0, atol=1e-12)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n must"):
            nc.bumps(np.sin, bad)
    with pytest.raises(ValueError, match="interval"):
        nc.bumps(np.sin, 3, interval=(1, 0))


def test_step_position_is_where_the_step_neuron_switches():
    assert nc.step_position(2.0, -3.0) == 1.5
    assert nc.step_position(-1.0, 1.0) == 1.0
    net = nc.step_neuron(nc.step_position(4.0, 2.0))
    assert net.predict(np.array([-0.51, -0.49]))[:, 0].tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="w = 0"):
        nc.step_position(0.0, 1.0)


def test_bumps_have_whole_bumps_at_the_ends():
    """A target that is far from 0 at the interval's ends is still traced there."""
    f = nc.parse_target("sin(2*x) + 1")
    errors = [nc.approximation_error(nc.bumps(f, n, (-1, 1)), f, (-1, 1)) for n in (5, 10, 20, 50)]
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 0.05
    net = nc.bumps(f, 50, (-1, 1))
    ends = net.predict(np.array([-1.0, 1.0]))[:, 0]
    np.testing.assert_allclose(ends, f(np.array([-0.98, 0.98])), atol=0.01)


def test_approximation_error_is_the_largest_gap():
    net = nc.step_neuron(0.0)
    assert nc.approximation_error(net, lambda x: np.zeros_like(x), (-1, 1)) == 1.0
    assert nc.approximation_error(net, lambda x: np.zeros_like(x), (-1, -0.5)) == 0.0
