"""Scene options validation and themes."""

from dataclasses import dataclass

import pytest

from scenes.base import SceneOptions, flag_name, option
from scenes.theme import THEMES, get_theme


@dataclass
class DemoOptions(SceneOptions):
    neurons: int = option(12, "hidden neurons", low=1, high=64)
    lr: float = option(0.05, "learning rate", low=1e-9)
    activation: str = option("sigmoid", "activation", choices=("sigmoid", "tanh"))
    cases: tuple[tuple[float, float], ...] = option(((1.0, 1.0),), "weight pairs", low=-5, high=5)

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
