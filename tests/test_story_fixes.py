"""Story fixes of issue 13: honest endings (success colour and claim only for a good fit), and
Superposition's "Your turn" showing the weights its caption names."""

from __future__ import annotations

import numpy as np
import pytest

import netcore
from scenes.output.render import render_frames
from scenes.story.superposition import Superposition, SuperpositionOptions
from scenes.story.universal_approximation import (
    UniversalApproximation,
    UniversalApproximationOptions,
)
from scenes.text import scene_cues


def test_explained_variance_against_sums_of_squares():
    rng = np.random.default_rng(3)
    target = rng.normal(size=50)
    outputs = target + 0.3 * rng.normal(size=50)
    residual = sum((o - t) ** 2 for o, t in zip(outputs, target))
    total = sum((t - target.mean()) ** 2 for t in target)
    assert netcore.explained_variance(outputs, target) == pytest.approx(1 - residual / total, rel=1e-12)
    assert netcore.explained_variance(np.full(50, target.mean()), target) == pytest.approx(0.0, abs=1e-12)


def test_explained_variance_of_a_constant_target_and_bad_shapes():
    assert netcore.explained_variance([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert netcore.explained_variance([2.0, 2.1], [2.0, 2.0]) == float("-inf")
    with pytest.raises(ValueError, match="differ in shape"):
        netcore.explained_variance([1.0, 2.0], [1.0, 2.0, 3.0])


def render_uat(**options):
    scenes = []
    render_frames(UniversalApproximation, UniversalApproximationOptions(duration=1.0, **options),
                  width=64, height=36, fps=2, scene_out=scenes)
    return scenes[0]


def loss_color(scene) -> str:
    return scene.loss_value.get_color().to_hex().lower()


def test_a_fit_that_cannot_work_says_so_and_what_to_try():
    """sin(20x) has ten wiggles; two sigmoid neurons can draw at most two steps."""
    scene = render_uat(target="sin(20*x)", neurons=2, steps=2000)
    score = netcore.explained_variance(scene.trace.outputs[-1], scene.trace.target)
    assert score < netcore.GOOD_FIT and not scene.succeeded
    closing = scene_cues(scene)[-1].text
    assert closing.startswith("Not there") and f"{max(score, 0):.0%}" in closing
    assert "--neurons 4" in closing and "--steps" in closing and "--lr" in closing
    assert "enough neurons" not in closing
    assert loss_color(scene) == scene.theme.error.lower() != scene.theme.accent.lower()


def test_the_default_fit_succeeds_and_claims_it():
    scene = render_uat()
    assert scene.succeeded and scene.fit_score >= netcore.GOOD_FIT
    assert "enough neurons can trace any continuous function" in scene_cues(scene)[-1].text
    assert loss_color(scene) == scene.theme.accent.lower()


def test_your_turn_shows_the_exercise_weights_while_the_caption_names_them(monkeypatch):
    shown = []  # (scene time after each play, the diagram's (w11, w21))
    play = Superposition.play

    def recording(self, *animations, **kwargs):
        play(self, *animations, **kwargs)
        shown.append((self.renderer.time, tuple(self.diagram.params[1][0][:, 0])))

    monkeypatch.setattr(Superposition, "play", recording)
    scenes = []
    options = SuperpositionOptions(cases=((1.0, 1.0), (-1.0, 1.0)), w11=1.5, w21=-0.5, hold=0.5)
    render_frames(Superposition, options, width=64, height=36, fps=4, scene_out=scenes)
    turn = next(cue for cue in scene_cues(scenes[0]) if cue.text.startswith("Your turn"))
    assert "w11 = 1.5, w21 = -0.5" in turn.text
    during = [weights for time, weights in shown if turn.start < time <= turn.end + 1e-9]
    assert during and all(weights == pytest.approx((1.5, -0.5)) for weights in during)


def test_no_cases_shows_only_the_exercise():
    scenes = []
    render_frames(Superposition, SuperpositionOptions(cases=()), width=64, height=36, fps=2, scene_out=scenes)
    said = [cue.text for cue in scene_cues(scenes[0])]
    assert any("w11 = 1.5, w21 = -0.5" in text for text in said)
    assert not any(text.startswith(("w11 = 1, ", "w11 = -1, ")) for text in said)


def test_the_sawtooth_preset_jumps_inside_the_interval_not_at_its_edge():
    x = np.linspace(-1, 1, 4001)
    y = netcore.parse_target("sawtooth")(x)
    jumps = x[1:][np.abs(np.diff(y)) > 0.5]
    np.testing.assert_allclose(jumps, [-0.5, 0.5], atol=1e-3)
    assert np.all(np.abs(np.diff(y[:50])) < 0.01) and np.all(np.abs(np.diff(y[-50:])) < 0.01)


def test_uat_trains_and_draws_on_its_interval():
    scene = render_uat(target="abs", neurons=4, steps=300, interval=(0.0, 3.0))
    assert scene.trace.grid[0] == pytest.approx(0.0) and scene.trace.grid[-1] == pytest.approx(3.0)
    assert scene.trace.x_train.min() >= 0.0 and scene.trace.x_train.max() <= 3.0
    np.testing.assert_allclose(scene.trace.target, np.abs(scene.trace.grid))


def test_uat_refuses_an_empty_interval():
    with pytest.raises(ValueError, match="--interval needs LOW,HIGH with LOW < HIGH"):
        UniversalApproximationOptions(interval=(1.0, 1.0)).validate()


def test_the_legend_draws_the_neuron_shares_solid_as_they_are():
    from scenes.mobjects.legend import curve_legend
    from scenes.theme import THEMES

    swatch = curve_legend(THEMES["dark"], "each neuron's share")[2][0]
    ends = [(line.get_start()[0], line.get_end()[0]) for line in swatch]
    assert len(ends) == 3 and all(a[1] == pytest.approx(b[0]) for a, b in zip(ends, ends[1:]))
