"""The example scene in every public mobject's docstring runs and draws something.

Examples are written as Manim documents its mobjects (a ``.. manim:: Name``
directive over a self-contained scene); each is rendered tiny, caching off.
"""

import inspect
import textwrap

import numpy as np
import pytest
from manim import ManimColor, Mobject, config
from support import examples, render_plain

import scenes.mobjects
from scenes.text import Caption

#: Everything with a documented example: the public mobjects and helpers, and the caption.
DOCUMENTED = [getattr(scenes.mobjects, name) for name in scenes.mobjects.__all__] + [Caption]
#: Public pieces that need no example (numbers and styling helpers, not things on screen).
HELPERS = {"edge_width", "merge_dashes", "nice_range", "nice_step"}

ALL = {name: code for item in DOCUMENTED for name, code in examples(inspect.getdoc(item) or "").items()}


def last_frame(scene_class, width=96, height=54) -> np.ndarray:
    """The last frame of ``scene_class``, less the background colour."""
    frame = render_plain(scene_class, width=width, height=height).renderer.get_frame()
    return frame[..., :3].astype(float) - np.array(ManimColor(config.background_color).to_rgb()) * 255


def test_every_public_mobject_has_an_example():
    needed = {item.__name__ for item in DOCUMENTED if item.__name__ not in HELPERS}
    named = {item.__name__ for item in DOCUMENTED if examples(inspect.getdoc(item) or "")}
    assert needed - named == set()
    mobjects = [name for name in needed if isinstance(getattr(scenes.mobjects, name, None), type)
                and issubclass(getattr(scenes.mobjects, name), Mobject)]
    assert len(mobjects) >= 5  # NetworkDiagram, NeuronDiagram, FunctionPlot, LossCurve, Readout


def test_examples_are_found_in_the_manim_directive_layout():
    doc = """Intro.

    .. manim:: OneExample
        :save_last_frame:

        class OneExample(Scene):
            def construct(self):
                pass

    After.
    """
    assert examples(textwrap.dedent(doc)) == {
        "OneExample": "\nclass OneExample(Scene):\n    def construct(self):\n        pass\n"
    }


@pytest.mark.parametrize("name", sorted(ALL))
def test_example_renders_something(name):
    namespace: dict = {}
    exec(compile(ALL[name], f"<{name}>", "exec"), namespace)  # our own docstrings, not user text
    drawn = np.abs(last_frame(namespace[name])).sum(axis=2) > 30
    assert drawn.mean() > 0.005, f"{name} leaves the frame blank"
