"""Issue 13, points 5-6: spec keys with a did-you-mean, spec-relative outputs, help that matches the checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import captured, files, run, workdir  # noqa: F401 (fixtures)
from test_hostile import known, refused  # noqa: F401 (fixture)

from scenes.cli.story_file import read_story

SPEC = "s.toml"
COMMON = "scene, theme, format, output, quality, size, fps, max_size, seed, captions, at, subtitles"
SUPERPOSITION = "cases, w11, w21, steps, activation, steepness, hold"


@pytest.mark.parametrize(
    "text, fragments",
    [
        ('scene = "superposition"\nthme = "light"',
         ["superposition has no parameter 'thme'", "did you mean 'theme'?", f"allowed: {COMMON}, {SUPERPOSITION})"]),
        ('thme = "light"\n[[scene]]\nscene = "superposition"',
         ["unknown top-level key 'thme'", "did you mean 'theme'?", f"allowed: {COMMON})"]),
        ('[[scene]]\nscene = "superposition"\nfromat = "gif"', ["scene 1", "'fromat'", "did you mean 'format'?"]),
        ('scene = "superposition"\nmax-sise = "1MB"', ["'max-sise'", "did you mean 'max_size'?"]),
        ('scene = "superposition"\noutptu = "x.gif"', ["did you mean 'output'?"]),
        ('scene = "superposition"\nw12 = 1', ["has no parameter 'w12'", "did you mean"]),
        ('[[scene]]\nscene = "uat"\n[[scene]]\nscene = "superposition"\nstepness = 5',
         ["scene 2", "did you mean 'steepness'?", SUPERPOSITION]),
        ('w11 = 1\n[[scene]]\nscene = "superposition"',
         ["unknown top-level key 'w11'", f"allowed: {COMMON}; a scene's parameters go in its [[scene]] table"]),
    ],
)
def test_a_mistyped_key_is_one_line_with_a_guess_over_every_allowed_key(known, workdir, captured, text, fragments):
    (workdir / SPEC).write_text(text + "\n")
    refused(run("render", "--spec", SPEC), *fragments)
    assert captured == [] and files(workdir) == [SPEC]


@pytest.mark.parametrize("text", [
    'scene = "superposition"\n[[scene]]\nscene = "uat"',
    'theme = "light"\nscene = "superposition"   # one scene\n\n[[ scene ]]  # and tables\nscene = "uat"',
])
def test_scene_line_and_scene_tables_together_are_named_as_such(known, workdir, captured, text):
    (workdir / SPEC).write_text(text + "\n")
    line = refused(run("render", "--spec", SPEC), "has both a top-level scene = and [[scene]] tables",
                   "give each its own [[scene]] table")
    assert "not valid TOML" not in line
    assert captured == [] and files(workdir) == [SPEC]


def test_other_toml_mistakes_keep_the_parsers_line(known, workdir, captured):
    (workdir / SPEC).write_text('[[scene]]\nscene = "uat"\nscene = "superposition"\n')
    refused(run("render", "--spec", SPEC), "not valid TOML", "line 3")


def test_outputs_are_relative_to_the_spec_folder(known, workdir, captured):
    (workdir / "specs").mkdir()
    (workdir / "specs" / SPEC).write_text(
        'theme = "light"\n[[scene]]\nscene = "tiny"\nformat = "png"\noutput = "figures/a.png"\n'
        f'[[scene]]\nscene = "tiny"\nformat = "gif"\noutput = "{workdir / "b.gif"}"\n'
        '[[scene]]\nscene = "tiny"\nformat = "mp4"\n'
    )
    result = run("render", "--spec", "specs/" + SPEC)
    assert result.exit_code == 0, result.output
    written = [name for name in files(workdir) if not name.endswith(".alt.txt")]
    # relative: beside the spec; absolute: as given; none: renders/ in the working folder, as on the command line
    assert written == ["b.gif", "renders/tiny.mp4", "specs/figures/a.png", "specs/s.toml"]


def test_two_entries_writing_one_file_through_different_paths_are_refused(known, workdir, captured):
    (workdir / "specs").mkdir()
    (workdir / "specs" / SPEC).write_text(
        f'format = "png"\n[[scene]]\nscene = "tiny"\noutput = "a.png"\n'
        f'[[scene]]\nscene = "tiny"\noutput = "{workdir / "specs" / "a.png"}"\n'
    )
    refused(run("render", "--spec", "specs/" + SPEC), "scene 2", "another scene also writes")
    assert captured == []


def test_two_entries_whose_alt_texts_would_be_one_file_are_refused(known, workdir, captured):
    (workdir / SPEC).write_text('[[scene]]\nscene = "tiny"\nformat = "png"\noutput = "x.png"\n'
                                '[[scene]]\nscene = "tiny"\nformat = "gif"\noutput = "x.gif"\n')
    refused(run("render", "--spec", SPEC), "scene 2", "another scene also writes 'x.alt.txt'")
    assert captured == []


def test_explainer_help_offers_only_the_formats_it_takes(known):
    explainer = run("explainer", "--help").output
    assert "[mp4|webm|gif]" in explainer and "png" not in explainer
    refused(run("explainer", "-f", "png"), "'png' is not one of 'mp4', 'webm', 'gif'")
    assert "[mp4|webm|gif|png]" in run("render", "tiny", "--help").output
    assert "png: the last frame" in run("render", "tiny", "--help").output


@pytest.mark.parametrize("scene", ["uat", "boundary", "backprop"])
@pytest.mark.parametrize("value", ["-1", "0"])
def test_a_learning_rate_is_refused_as_its_help_says(known, workdir, captured, scene, value):
    assert "above 0" in " ".join(run("render", scene, "--help").output.split())
    refused(run("render", scene, "--lr", value), f"--lr must be above 0, got {float(value)!r}")
    assert captured == [] and files(workdir) == []


def test_a_tiny_learning_rate_is_a_learning_rate(known, workdir, captured):
    assert run("render", "uat", "--lr", "1e-12", "--steps", "2").exit_code == 0
    assert captured[0].options.lr == 1e-12
    assert "above 0" in run("trace", "--help").output
    refused(run("trace", "--lr", "-1"), "--lr must be", "above 0")


def test_a_data_file_named_in_a_spec_or_story_is_taken_beside_it(known, workdir, captured):
    (workdir / "specs").mkdir()
    rows = [(x1, x2, int(x1 * x2 > 0)) for x1 in (-0.8, -0.3, 0.3, 0.8) for x2 in (-0.7, 0.2, 0.9)]
    (workdir / "specs" / "p.csv").write_text("x1,x2,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    (workdir / "specs" / SPEC).write_text('scene = "boundary"\ndata = "p.csv"\nformat = "png"\n')
    result = run("render", "--spec", "specs/" + SPEC)
    assert result.exit_code == 0, result.output
    assert captured[-1].options.data == str(Path("specs") / "p.csv")
    (workdir / "specs" / "story.toml").write_text('[[section]]\nscene = "boundary"\n[section.params]\ndata = "p.csv"\n'
                                                  'steps = 20\n')
    (section,) = read_story(Path("specs/story.toml")).sections
    assert section.options.data == str(Path("specs") / "p.csv")
    (workdir / "specs" / SPEC).write_text('scene = "boundary"\ndata = "xor"\nformat = "png"\n')  # a data set stays one
    assert run("render", "--spec", "specs/" + SPEC).exit_code == 0 and captured[-1].options.data == "xor"
