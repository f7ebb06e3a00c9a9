"""Story files: sections, cards and parameters read and checked before anything renders."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scenes.cli.errors import NetreelError
from scenes.cli.story_file import default_story, default_story_text, read_story
from scenes.registry import find_scene, scenes

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "learn_sine.py"

TWO = """
title = "Mine"
subtitle = "a story"
[[section]]
scene = "superposition"
title = "Two neurons"
subtitle = "weights scale each step"
[section.params]
w11 = 2
w21 = -1.0
cases = [[1, 1]]

[[section]]
scene = "NeuronAnatomy"
"""


def story_file(folder: Path, text: str) -> Path:
    path = folder / "story.toml"
    path.write_text(text)
    return path


def story_error(path: Path, **kwargs) -> str:
    with pytest.raises(NetreelError) as caught:
        read_story(path, **kwargs)
    message = caught.value.message
    assert "\n" not in message and f"story '{path}'" in message
    return message


def test_sections_cards_and_params(tmp_path):
    story = read_story(story_file(tmp_path, TWO), seed=7)
    assert (story.title, story.subtitle) == ("Mine", "a story")
    first, second = story.sections
    assert first.scene is find_scene("superposition") and second.scene is find_scene("neuron")
    assert (first.title, first.subtitle, second.title, second.subtitle) == ("Two neurons", "weights scale each step", "", "")
    assert (first.options.w11, first.options.w21, first.options.cases) == (2.0, -1.0, ((1.0, 1.0),))
    assert isinstance(first.options.w11, float)
    assert second.options == find_scene("neuron").Options()
    assert first.name == "superposition"


def test_default_story_is_a_story_file_of_every_scene():
    story = default_story()
    assert [section.scene for section in story.sections] == list(scenes().values())
    assert story.title == "How neurons network" and all(section.title for section in story.sections)
    assert tomllib.loads(default_story_text())["section"][0] == {
        "scene": "neuron", "title": "The neuron", "subtitle": "weigh the inputs, add a bias, decide",
    }


def test_the_seed_reaches_scenes_that_have_one_and_a_section_may_set_its_own(tmp_path):
    story = default_story(seed=11)
    seeded = [section.options.seed for section in story.sections if hasattr(section.options, "seed")]
    assert seeded and set(seeded) == {11}
    path = story_file(tmp_path, '[[section]]\nscene = "uat"\n[section.params]\nseed = 4\nneurons = 3\n')
    assert read_story(path, seed=11).sections[0].options.seed == 4


@pytest.mark.parametrize("text, fragments", [
    ('[[section]]\nscene = "supperposition"', ["section 1: unknown scene 'supperposition'", "did you mean 'superposition'?"]),
    ('[[section]]\nscene = "neuron"\n[[section]]\nscene = "superposition"\n[section.params]\nw12 = 1',
     ["section 2: superposition has no parameter 'w12'", "did you mean", "allowed: cases, w11, w21"]),
    ('[[section]]\nscene = "superposition"\ntitel = "x"',
     ["section 1 (superposition): unknown key 'titel' (did you mean 'title'?"]),
    ('[[section]]\nscene = "superposition"\nw11 = 2', ["unknown key 'w11'", "go under [section.params]"]),
    ('titel = "x"\n[[section]]\nscene = "neuron"', ["unknown key 'titel' (did you mean 'title'?"]),
    ('[[section]]\nscene = "superposition"\n[section.params]\nw11 = 300', ["section 1 (superposition): w11 must be at most"]),
    ('[[section]]\nscene = "superposition"\n[section.params]\nw11 = "big"', ["section 1", "w11"]),
    ('[[section]]\nscene = "uat"\n[section.params]\nseed = -1', ["section 1", "seed"]),
    ('[[section]]\nscene = "uat"\n[section.params]\nsteps = 0', ["section 1 (uat): steps must be at least 1"]),
    ('[[section]]\nscene = "neuron"\nsubtitle = "only"', ["a subtitle needs a title"]),
    ('[[section]]\nscene = "neuron"\ntitle = 3', ["title must be a string"]),
    ('[[section]]\ntitle = "x"', ["section 1: needs scene"]),
    ('[[section]]\nscene = "neuron"\nparams = 3', ["params must be a table"]),
    ('title = "only a title"', ["needs [[section]] tables"]),
    ('[[section]\nscene = "neuron"', ["is not valid TOML"]),
])
def test_what_is_wrong_is_one_line_naming_the_section(tmp_path, text, fragments):
    message = story_error(story_file(tmp_path, text))
    for fragment in fragments:
        assert fragment in message


def test_python_scenes_need_allow_code(tmp_path):
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "mine.py").write_text(EXAMPLE.read_text())
    text = '[[section]]\nscene = "neuron"\n[[section]]\nscene = "own/mine.py:LearnSine"\ntitle = "Mine"\n[section.params]\nneurons = 2\n'
    path = story_file(tmp_path, text)
    message = story_error(path)
    assert "section 2: scene 'own/mine.py:LearnSine' is Python code" in message and "--allow-code" in message
    story = read_story(path, allow_code=True)
    assert story.sections[1].scene.__name__ == "LearnSine" and story.sections[1].options.neurons == 2
    assert story.sections[1].name == "learn-sine"
    bad = story_file(tmp_path, '[[section]]\nscene = "own/mine.py:LearnSine"\n[section.params]\nneuron = 2\n')
    assert "did you mean 'neurons'?" in story_error(bad, allow_code=True)
    missing = story_file(tmp_path, '[[section]]\nscene = "own/none.py:X"\n')
    assert "section 1 (own/none.py:X): scene file" in story_error(missing, allow_code=True)


def test_a_plain_manim_scene_takes_no_params(tmp_path):
    (tmp_path / "plain.py").write_text("from manim import Scene\nclass Plain(Scene):\n    pass\n")
    ok = read_story(story_file(tmp_path, '[[section]]\nscene = "plain.py:Plain"\n'), allow_code=True)
    assert ok.sections[0].options is None and ok.sections[0].name == "plain"
    path = story_file(tmp_path, '[[section]]\nscene = "plain.py:Plain"\n[section.params]\nx = 1\n')
    assert "plain Manim scene: it takes no params" in story_error(path, allow_code=True)


def test_unreadable_story(tmp_path):
    assert "cannot read story" in story_error(tmp_path / "none.toml")


def test_the_readme_story_is_valid(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("### Your own explainer: a story file", 1)[1]
    story_text = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "learn_sine.py").write_text(EXAMPLE.read_text())
    story = read_story(story_file(tmp_path, story_text), allow_code=True)
    assert [s.name for s in story.sections] == ["superposition", "learn-sine"]
    assert (story.sections[0].options.w11, story.sections[0].options.w21) == (2.0, -1.0)
