"""Scene options validation (the one boundary every value crosses), targets, traces, and themes."""

import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from manim import config

import netcore as nc
from scenes.base import (
    MAX_TEXT,
    NetreelScene,
    SceneOptions,
    check_trace_file,
    flag_name,
    number_text,
    option,
    target_function,
)
from scenes.theme import THEMES, get_theme


@dataclass
class DemoOptions(SceneOptions):
    neurons: int = option(12, "hidden neurons", low=1, high=64)
    lr: float = option(0.05, "learning rate", low=1e-9)
    activation: str = option("sigmoid", "activation", choices=("sigmoid", "tanh"))
    cases: tuple[tuple[float, float], ...] = option(((1.0, 1.0),), "weight pairs", low=-5, high=5)
    draw: bool = option(True, "draw the curves")
    seed: int = option(0, "seed", low=0)
    interval: tuple[float, float] = option((-1.0, 1.0), "x range")
    title: str = option("", "a title")

    def check(self) -> None:
        if not self.cases:
            raise ValueError("--cases needs at least one pair")


def test_defaults_validate():
    DemoOptions().validate()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"neurons": 0}, "--neurons must be at least 1, got 0"),
        ({"neurons": 65}, "--neurons must be at most 64"),
        ({"neurons": 2.5}, "--neurons must be a whole number"),
        ({"neurons": True}, "--neurons must be a whole number"),
        ({"lr": float("nan")}, "--lr must be a finite number"),
        ({"lr": float("inf")}, "--lr must be a finite number"),
        ({"lr": "fast"}, "--lr must be a number"),
        ({"activation": "step"}, "--activation must be one of sigmoid, tanh"),
        ({"cases": ((1.0, 9.0),)}, "--cases must be at most 5"),
        ({"cases": ()}, "--cases needs at least one pair"),
        ({"neurons": int("9" * 400)}, "--neurons must be at most 64, got a 400-digit number"),
        ({"lr": -int("9" * 400)}, "--lr must be at least 1e-09, got a 400-digit number"),
        ({"seed": 2**70}, "--seed must lie between"),
        ({"draw": "no"}, "--draw must be on or off (true or false), got 'no'"),
        ({"draw": 5}, "--draw must be on or off"),
        ({"draw": 1}, "--draw must be on or off"),
        ({"draw": None}, "--draw must be on or off"),
        ({"cases": [[1.0, 1.0]]}, "--cases must be a list of groups of 2 numbers"),
        ({"cases": ((1.0, True),)}, "--cases must be a list of groups of 2 numbers"),
        ({"cases": ((1.0, 2.0, 3.0),)}, "--cases must be a list of groups of 2 numbers"),
        ({"cases": ((1.0, float("nan")),)}, "--cases must be a finite number"),
        ({"interval": (-1.0,)}, "--interval must be 2 numbers"),
        ({"interval": (0, 10**400)}, "--interval must lie between"),
        ({"title": 3}, "--title must be text"),
        ({"title": "a\0b"}, "without NUL bytes"),
        ({"title": "x" * (MAX_TEXT + 1)}, f"at most {MAX_TEXT} characters"),
        ({"activation": ["sigmoid"]}, "--activation must be text"),
    ],
)
def test_bad_values_name_the_flag(changes, message):
    with pytest.raises(ValueError) as error:
        DemoOptions(**changes).validate()
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_flag_name():
    assert flag_name("steps_per_frame") == "--steps-per-frame"


def test_themes():
    assert get_theme() is THEMES["dark"]
    assert get_theme("light").background == "#FFFFFF"
    assert get_theme(THEMES["light"]) is THEMES["light"]
    with pytest.raises(ValueError, match="dark, light"):
        get_theme("neon")
    for theme in THEMES.values():
        assert theme.neuron_color(0) == theme.neuron_color(len(theme.palette))
        assert theme.positive != theme.negative


def test_numbers_in_messages_stay_short():
    assert number_text(int("1" * 400)) == "a 400-digit number"
    assert number_text(2**63) == "9223372036854775808"
    assert len(number_text("x" * 5000)) <= 60


# ------------------------------------------------------------------ targets on the dense grid


def test_a_target_undefined_only_between_the_samples_is_refused_at_its_first_bad_x():
    text = "sqrt(abs(x-0.005)-0.001)"  # NaN on (0.004, 0.006): between the 64 training samples
    xs = np.linspace(-1, 1, nc.DEFAULT_SAMPLES)
    assert np.isfinite(nc.parse_target(text)(xs)).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning on the way
        with pytest.raises(nc.TargetError, match=r"--target: .* is not finite at x = 0.004\d*;"):
            target_function(text, (-1, 1))
        for bad, first in (("1/x", "0"), ("log(x)", "-1"), ("sqrt(x - 0.5)", "-1"), ("exp(exp(100*x))", "0.0")):
            with pytest.raises(nc.TargetError, match=f"at x = {first}"):
                target_function(bad, (-1, 1))
        target_function("sin(3*x)", (-1, 1))


def test_the_points_a_scene_draws_are_checked_too():
    narrow = "sqrt(abs(x-0.0078125)-0.00001)"  # NaN only very near 0.0078125
    target_function(narrow, (-1, 1))
    with pytest.raises(nc.TargetError, match="0.0078125"):
        target_function(narrow, (-1, 1), drawn=np.array([0.0078125]))


# ------------------------------------------------------------------ traces a scene replays


def test_check_trace_file_names_the_shape_a_scene_needs(tmp_path):
    fit = nc.fit_function("abs", neurons=3, steps=10, frames=4).save(tmp_path / "fit.npz")
    check_trace_file(str(fit), inputs=1, hidden_layers=1, outputs=1, plot=True)
    net = nc.Network([2, 4, 1], seed=0)
    points = np.random.default_rng(0).normal(size=(12, 2))
    wide = nc.train(net, points, points[:, :1] > 0, steps=5, lr=0.1, frames=3).save(tmp_path / "wide.npz")
    with pytest.raises(ValueError, match=r"--trace: .*wide.npz' holds a 2-4-1 network; this scene needs "
                                         r"1 input, 1 hidden layer, 1 output"):
        check_trace_file(str(wide), inputs=1, hidden_layers=1, outputs=1)
    with pytest.raises(ValueError, match="holds no target function on a grid"):
        check_trace_file(str(wide), inputs=2, plot=True)
    (tmp_path / "text.npz").write_text("not a zip")
    with pytest.raises(ValueError, match=r"^--data-file: .*is not a netreel trace"):
        check_trace_file(str(tmp_path / "text.npz"), "--data-file")


class Remembering(NetreelScene):
    Options = DemoOptions
    name = "remembering"


def test_a_scene_works_out_what_it_remembers_once_per_options_frame_rate_and_data(monkeypatch):
    calls = []

    def train():
        calls.append(1)
        return nc.fit_function("sin(3*x)", neurons=3, steps=20, frames=2)

    data = np.arange(6.0)
    first = Remembering(DemoOptions()).remembered(train, data)
    again = Remembering(DemoOptions()).remembered(train, data.copy())  # another scene, the same inputs
    assert again is first and len(calls) == 1
    with pytest.raises(ValueError, match="read-only"):
        first.weights[0][0] = 1.0  # shared: nobody may change it
    Remembering(DemoOptions(neurons=4)).remembered(train, data)
    Remembering(DemoOptions()).remembered(train, data + 1)  # a data file edited since
    monkeypatch.setattr(config, "frame_rate", config.frame_rate * 2)
    Remembering(DemoOptions()).remembered(train, data)
    assert len(calls) == 4
