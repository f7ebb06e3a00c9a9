"""Text helpers: Pango-only labels, ticking numbers and a bottom-of-frame caption.

No LaTeX exists here, so every glyph goes through Pango (``Text``/``MarkupText``)
in the theme's fonts. Numbers that change on screen are :class:`DecimalNumber`
built from ``Text`` digits, which Manim caches per glyph, so ticking them every
frame is cheap (building a new ``Text`` per frame is not).

A :class:`Caption` also keeps what it said and when, as :class:`Cue` records
(:func:`scene_cues`), so the same words become subtitles and alt text.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from weakref import WeakKeyDictionary

import manimpango
import numpy as np
from manim import (
    DOWN,
    Animation,
    AnimationGroup,
    DecimalNumber,
    MarkupText,
    Scene,
    Text,
    VMobject,
    Wait,
    config,
    tempconfig,
)

from .cache import load_entry, save_entry
from .theme import FONT, MONO_FONT, Theme

__all__ = [
    "number_text", "label", "markup", "number", "Caption", "Cue", "scene_cues", "two_lines",
    "FRAME_MARGIN", "fit_width", "DIGIT_GAP", "flatten",
]

#: Scene units kept free along every edge of the frame.
FRAME_MARGIN = 0.35

#: Gap between a number's glyphs per font unit: DejaVu's own spacing. Text crops each
#: glyph to its ink, so Manim's default (0.001) glued "1.5" into "15" at 480p.
DIGIT_GAP = 0.0024


def _light(text: Text) -> Text:
    """Drop what a Text keeps only while it is built (parsed SVG paths, an id lookup).

    Every animation copies its mobjects, and DecimalNumber copies a cached glyph per
    character at every ``set_value``; without these a copy is ~15x cheaper.
    """
    text.id_to_vgroup_dict = {}
    for part in text.get_family():
        if hasattr(part, "path_obj"):
            part.path_obj = None
    return text


def number_text(string: str, **kwargs) -> Text:
    """Digits for DecimalNumber and tick labels (their ``mob_class`` / ``label_constructor``).

    DecimalNumber caches glyphs by string alone, so every number shares one font.
    """
    return _light(Text(string, font=FONT, **kwargs))



def label(
    text: str, color: str, size: float = 24, *, mono: bool = False, weight: str = "NORMAL"
) -> Text:
    """A line of plain text in the theme font (``mono`` for the monospaced one)."""
    return _built(Text, text, font=MONO_FONT if mono else FONT, font_size=size, color=color, weight=weight)


def markup(text: str, color: str, size: float = 24) -> MarkupText:
    """Text with Pango markup, e.g. ``"w<sub>11</sub> · g<sub>1</sub>(x)"`` or ``"Σ"``."""
    return _built(MarkupText, text, font=FONT, font_size=size, color=color)


# Every text built in this process, by what it was built from.
_BUILT: dict[tuple, Text] = {}


def _built(kind: type[Text], text: str, **kwargs) -> Text:
    """A copy of ``kind(text, **kwargs)``, built once per process, and kept in netreel's cache.

    Parsing Pango's SVG costs ~3 ms a glyph, a copy ~30x less and loading a kept
    one ~100x less; the sections of an explainer, the pieces of a scene, the survey
    before them (each maybe in another process) and the next run all build the same texts.
    """
    # Pango lays a text out in a page of the frame's pixel size and wraps what does not fit
    # (a long caption wraps in a 96-pixel-wide test render): the size is part of the key.
    key = (kind.__name__, text, config.pixel_width, config.pixel_height,
           *sorted((name, str(value)) for name, value in kwargs.items()))
    if key not in _BUILT:
        name = hashlib.sha256(repr((_TEXT_CACHE_VERSION, key)).encode()).hexdigest() + ".pickle"
        kept = load_entry("texts", name, _unpickled(kind))
        if kept is None:
            kept = _light(_fresh(kind, text, **kwargs))
            save_entry("texts", name, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        _BUILT[key] = kept
    return _BUILT[key].copy()


def _fresh(kind: type[Text], text: str, **kwargs) -> Text:
    """``kind(text, **kwargs)`` built with a folder of its own for Pango's SVG.

    Manim keeps each text's SVG in its media folder and reads any file found there:
    one a stopped process left empty breaks that text for every later run. netreel
    keeps the built texts itself (:func:`_built`), so the SVG is thrown away.
    """
    with tempfile.TemporaryDirectory(prefix="netreel-text-") as folder, tempconfig({"media_dir": folder}):
        return kind(text, **kwargs)


def _text_cache_version() -> str:
    """What a kept text depends on besides its inputs: this module, Manim, Pango and Python."""
    return "/".join([hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16], version("manim"),
                     manimpango.__version__, manimpango.pango_version(), sys.version.split()[0]])


def _unpickled(kind: type[Text]) -> Callable[[bytes], Text]:
    def read(data: bytes) -> Text:
        # Only netreel writes this cache (under the user's own cache folder), never from user input.
        text = pickle.loads(data)
        if type(text) is not kind:
            raise TypeError(f"a kept text is a {type(text).__name__}, not a {kind.__name__}")
        return text

    return read


_TEXT_CACHE_VERSION = _text_cache_version()


def number(
    value: float, color: str, decimals: int = 2, size: float = 24, *, signed: bool = False
) -> DecimalNumber:
    """A number that can tick (``set_value``) without building new text each frame."""
    return DecimalNumber(
        value,
        num_decimal_places=decimals,
        include_sign=signed,
        mob_class=number_text,
        digit_buff_per_font_unit=DIGIT_GAP,
        font_size=size,
        color=color,
    )


def fit_width(mobject, max_width: float):
    """Shrink ``mobject`` (never enlarge it) so it is at most ``max_width`` wide."""
    if mobject.width > max_width:
        mobject.scale_to_fit_width(max_width)
    return mobject


def flatten(mobject: VMobject) -> VMobject:
    """One ``VMobject`` drawing every outline of ``mobject`` in its style.

    The parts with points must share one fill colour and opacity and one stroke
    (one Cairo fill paints them all). The result keeps ``text`` and
    ``original_text`` (what a reader sees) if ``mobject`` has them.

    Examples
    --------
    >>> from scenes.text import label
    >>> flatten(label("loss", "#ffffff")).text
    'loss'
    """
    parts = mobject.family_members_with_points()
    if not parts:
        raise ValueError("flatten needs a mobject with points")
    styles = {_style(part) for part in parts}
    if len(styles) > 1:
        raise ValueError(f"flatten needs one style for every part, got {len(styles)}")
    flat = VMobject()
    flat.set_points(np.concatenate([part.points for part in parts]))
    flat.match_style(parts[0])
    for name in ("text", "original_text"):
        if hasattr(mobject, name):
            setattr(flat, name, getattr(mobject, name))
    return flat


def _style(part: VMobject) -> tuple:
    return (
        part.get_fill_color().to_hex(), round(float(part.get_fill_opacity()), 6),
        part.get_stroke_color().to_hex(), round(float(part.get_stroke_width()), 6),
        round(float(part.get_stroke_opacity()), 6),
    )


@dataclass(frozen=True)
class Cue:
    """One caption line and when it is on screen, in seconds from the scene's start.

    ``start`` is the first frame showing the line, ``end`` the end of the last one
    (the frame after it); while one line fades into the next, the cue changes at
    the frame where the new line becomes the clearer of the two.
    """

    text: str
    start: float
    end: float


# Captions that have spoken in each scene (a scene may hold several).
_CAPTIONS: WeakKeyDictionary[Scene, list[Caption]] = WeakKeyDictionary()


def scene_cues(scene: Scene) -> list[Cue]:
    """Every caption cue of ``scene`` so far, in order; a line still showing ends now."""
    now = _frame_time(scene.renderer.time)
    cues = [cue for caption in _CAPTIONS.get(scene, []) for cue in caption.cues_until(now)]
    return sorted(cues, key=lambda cue: (cue.start, cue.end))


def _frame_time(seconds: float) -> float:
    """``seconds`` on the frame grid (the renderer adds up ``1/fps`` steps, with float error)."""
    return round(seconds * config.frame_rate) / config.frame_rate


class Caption:
    """The story's running caption, one line (or two) at the bottom of the frame.

    Not a mobject: :meth:`say` returns an animation that fades the previous line
    out and brings the new one in, so there is nothing to ``add`` first. When
    those animations play, the caption notes the scene time of each line
    (:attr:`cues`, :func:`scene_cues`).

    Examples
    --------
    .. manim:: CaptionExample

        from manim import Scene
        from scenes.text import Caption
        from scenes.theme import THEMES

        class CaptionExample(Scene):
            def construct(self):
                caption = Caption(THEMES["dark"])
                self.play(caption.say("A neuron weighs its inputs..."))
                self.play(caption.say("...adds them up, and fires past its threshold."))
    """

    def __init__(self, theme: Theme, *, size: float = 26, color: str | None = None) -> None:
        self.theme = theme
        self.size = size
        self.color = color or theme.text
        self.line: Text | None = None
        #: Lines said and gone, with their times.
        self.cues: list[Cue] = []
        self._showing: tuple[str, float] | None = None  # the line on screen since when

    @property
    def max_width(self) -> float:
        """Widest a caption may be: the frame less its margins."""
        return config.frame_width - 2 * FRAME_MARGIN - 0.5

    def make(self, text: str) -> VMobject:
        """Build (but do not show) a caption line: wrapped to two lines if long, placed at the bottom.

        The line is one path with every glyph's outline (``original_text`` says what it
        reads): a fade copies and blends one mobject instead of one per glyph.
        """
        line = _caption_line(text, self.color, self.size, self.max_width).copy()
        if not self.theme.captions:
            line.set_opacity(0)  # still said and faded, so the timing and cues stay the same
        return line.to_edge(DOWN, buff=FRAME_MARGIN)

    def say(self, text: str, run_time: float = 0.6) -> Animation:
        """Fade the current line out and ``text`` in."""
        new = self.make(text)
        old, self.line = self.line, new
        if old is None:
            return _CuedFade(new, True, caption=self, text=text, run_time=run_time)
        return _CuedCrossfade(_Fade(old, False), _Fade(new, True), caption=self, text=text, run_time=run_time)

    def clear(self, run_time: float = 0.4) -> Animation:
        """Fade the current line out (a short wait if there is none)."""
        old, self.line = self.line, None
        if old is None:
            return Wait(run_time)
        return _CuedFade(old, False, caption=self, text=None, run_time=run_time)

    def cues_until(self, now: float) -> list[Cue]:
        """:attr:`cues`, plus the line on screen as if it left at ``now``."""
        if self._showing is None:
            return list(self.cues)
        return [*self.cues, Cue(self._showing[0], self._showing[1], now)]

    def _change(self, scene: Scene, text: str | None, start: float, frames: int) -> None:
        """Note a fade that starts at ``start`` and draws ``frames`` frames."""
        _CAPTIONS.setdefault(scene, [])
        if self not in _CAPTIONS[scene]:
            _CAPTIONS[scene].append(self)
        frame = 1 / config.frame_rate
        if self._showing is None:
            # Frame 0 of a fade-in draws the line fully transparent.
            cut = start + frame
        else:
            # In a crossfade the new line is the clearer one from the middle on;
            # a fade-out alone shows the line until its last frame.
            cut = start + (math.ceil(frames / 2) if text is not None else frames) * frame
            self.cues.append(Cue(self._showing[0], self._showing[1], _frame_time(cut)))
        self._showing = (text, _frame_time(cut)) if text is not None else None


# Caption lines built in this process, as one path each, by what they were built from.
_LINES: dict[tuple, VMobject] = {}


def _caption_line(text: str, color: str, size: float, max_width: float) -> VMobject:
    """``text`` as one path (see :meth:`Caption.make`), wrapped and shrunk to ``max_width``, built once per process."""
    key = (text, color, size, max_width, config.pixel_width, config.pixel_height)
    if key not in _LINES:
        line = label(text, color, size)
        if line.width > max_width and " " in text:
            line = label(two_lines(text), color, size)
        fit_width(line, max_width)
        # A frame a few pixels wide can leave Pango nothing to draw: no outline to join.
        _LINES[key] = flatten(line) if line.family_members_with_points() else line
    return _LINES[key]


class _Cued:
    """Mixed into a caption's fade: tells the caption when in the scene the fade plays."""

    def __init__(self, *args, caption: Caption, text: str | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._caption, self._text = caption, text

    def _setup_scene(self, scene: Scene) -> None:
        super()._setup_scene(scene)
        renderer = scene.renderer
        # A skipped play (rendering only some animations) has already added its
        # duration to the renderer's clock; a drawn one adds each frame as it goes.
        start = renderer.time - (scene.duration if renderer.skip_animations else 0.0)
        frames = math.ceil(min(self.run_time, scene.duration) * config.frame_rate - 1e-9)
        self._caption._change(scene, self._text, _frame_time(start), frames)


class _Fade(Animation):
    """A line fading in (``appears``) or out, its opacities times its own; its points untouched.

    Manim's FadeIn and FadeOut set the points too, each frame, to the same values give or
    take rounding, so the camera would trace the line again instead of reusing its path.
    """

    def __init__(self, line: VMobject, appears: bool, **kwargs) -> None:
        self._appears = appears
        self._opacities = (line.get_fill_opacity(), line.get_stroke_opacity())
        super().__init__(line, introducer=appears, remover=not appears, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        level = self.rate_func(alpha) if self._appears else 1 - self.rate_func(alpha)
        fill, stroke = self._opacities
        self.mobject.set_fill(opacity=level * fill).set_stroke(opacity=level * stroke)


class _CuedFade(_Cued, _Fade):
    """The first line fading in, or the last fading out."""


class _CuedCrossfade(_Cued, AnimationGroup):
    """One line fading out while the next fades in."""


def two_lines(text: str) -> str:
    """Break ``text`` at the space nearest its middle."""
    middle = len(text) / 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]
