"""A caption line is one path: it draws as its glyphs did, reads the same, and fades as one."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, FullScreenRectangle, Scene, VMobject
from support import render_plain

from scenes.text import FRAME_MARGIN, Caption, fit_width, label, two_lines
from scenes.theme import THEMES

LONG = "the network colours the plane by its output: where it crosses 0.5 is its boundary"


def glyph_line(caption: Caption, text: str):
    """The line as a Text of one mobject per glyph, laid out as Caption lays out its path."""
    line = label(text, caption.color, caption.size)
    if line.width > caption.max_width:
        line = label(two_lines(text), caption.color, caption.size)
    return fit_width(line, caption.max_width).to_edge(DOWN, buff=FRAME_MARGIN)


def frame_of(build, background: str, width=480, height=270) -> np.ndarray:
    class Still(Scene):
        def construct(self):
            self.add(FullScreenRectangle(fill_color=background, fill_opacity=1, stroke_width=0), build())

    return render_plain(Still, width=width, height=height).renderer.get_frame()[..., :3].astype(float)


@pytest.mark.parametrize("theme, text, opacity", [
    ("dark", LONG, 1.0), ("light", LONG, 1.0), ("dark", LONG, 0.4), ("light", "a short line", 0.7),
])
def test_a_caption_path_draws_within_a_few_levels_of_its_glyphs(theme, text, opacity):
    caption = Caption(THEMES[theme])
    background = THEMES[theme].background
    path = frame_of(lambda: caption.make(text).set_opacity(opacity), background)
    glyphs = frame_of(lambda: glyph_line(caption, text).set_opacity(opacity), background)
    ink = np.abs(glyphs - glyphs[0, 0]).max(axis=2) > 40
    assert ink.sum() > 150  # there is text to compare
    difference = np.abs(path - glyphs).max(axis=2)
    assert difference.max() <= 24 and difference.mean() < 0.05
    assert (difference > 8).sum() <= 0.01 * ink.sum()


def test_a_caption_line_is_one_mobject_that_reads_as_its_text():
    caption = Caption(THEMES["dark"])
    line = caption.make(LONG)
    assert type(line) is VMobject and not line.submobjects
    assert line.original_text == two_lines(LONG)
    animation = caption.say("a short line")
    assert animation.introducer and animation.mobject is caption.line and caption.line.original_text == "a short line"
    # Each make is a copy: moving one line leaves the next alone.
    line.shift(DOWN)
    assert np.allclose(caption.make(LONG).get_center(), glyph_line(caption, LONG).get_center(), atol=1e-6)


def test_a_text_is_built_apart_from_svgs_a_stopped_process_left(tmp_path, monkeypatch):
    # Manim reads any SVG it finds in its media folder; an empty one would be a parse error.
    from manim import tempconfig

    from scenes import text as text_module

    monkeypatch.setenv("NETREEL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(text_module, "_BUILT", {})
    media = tmp_path / "media"
    with tempconfig({"media_dir": str(media)}):
        built = text_module.label("left half-written", "#ffffff", 31)
        texts = media / "texts"
        texts.mkdir(parents=True, exist_ok=True)
        for svg in texts.glob("*.svg"):
            svg.write_bytes(b"")
        monkeypatch.setattr(text_module, "_BUILT", {})
        (tmp_path / "cache").rename(tmp_path / "gone")  # nothing kept: build it again
        again = text_module.label("left half-written", "#ffffff", 31)
    assert np.array_equal(np.concatenate([p.points for p in built.family_members_with_points()]),
                          np.concatenate([p.points for p in again.family_members_with_points()]))
