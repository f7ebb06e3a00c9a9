"""The whole story: a title card before each section, sections in story order.

``netreel explainer`` renders each title card and each section as its own clip
(in parallel processes with ``--jobs``) and joins the clips with PyAV without
re-encoding, the way Manim joins a scene's partial movies. The title card is a
scene of its own, so plain Manim renders it too::

    manim render -ql scenes/explainer.py TitleCard
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import av
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Line, Text, VGroup, config

from scenes.base import NetreelScene, SceneOptions, option
from scenes.registry import find_scene
from scenes.render import GifRequest, Job, scene_path
from scenes.theme import FONT

__all__ = ["Section", "SECTIONS", "TITLE", "TitleCard", "TitleCardOptions", "story_jobs", "concat_videos"]


@dataclass(frozen=True)
class Section:
    """One part of the story: the scene's short name and its title card's lines."""

    name: str
    title: str
    subtitle: str


#: The opening card's lines.
TITLE = ("How neurons network", "to learn (almost) anything")

#: The story, in order; every registered scene appears once.
SECTIONS: tuple[Section, ...] = (
    Section("neuron", "The neuron", "weigh the inputs, add a bias, decide"),
    Section("function", "A neuron is a function", "its graph is a step we can slide and stretch"),
    Section("superposition", "Two neurons, one network", "weights scale each step; the output adds them"),
    Section("bumps", "Bumps build anything", "two steep neurons make a bump; bumps draw curves"),
    Section("uat", "Learning the bumps", "gradient descent finds the weights by itself"),
    Section("backprop", "Backpropagation", "how each weight learns its share of the error"),
)


@dataclass
class TitleCardOptions(SceneOptions):
    title: str = option(TITLE[0], "the card's title")
    subtitle: str = option(TITLE[1], "a smaller line under the title")
    number: int = option(0, "section number above the title (0: none)", low=0, high=99)
    hold: float = option(1.5, "seconds the card stays fully shown", low=0.1, high=10)


class TitleCard(NetreelScene):
    """A short card: section number, title, a rule and a subtitle, faded in and out."""

    Options = TitleCardOptions
    name = "title"
    description = "A title card (the explainer puts one before each section)."

    def construct(self) -> None:
        o, theme = self.options, self.theme
        title = Text(o.title, font=FONT, font_size=54, color=theme.text, weight="BOLD")
        half = min(title.width, 4.0) / 2
        rule = Line(half * LEFT, half * RIGHT, color=theme.accent, stroke_width=4)
        parts = [title, rule]
        if o.subtitle:
            parts.append(Text(o.subtitle, font=FONT, font_size=30, color=theme.muted))
        if o.number:
            parts.insert(0, Text(f"{o.number} / {len(SECTIONS)}", font=FONT, font_size=26, color=theme.accent))
        widest = config.frame_width - 2 * 1.0  # keep a margin of one unit on each side
        for part in parts:
            if part.width > widest:
                part.scale_to_fit_width(widest)
        card = VGroup(*parts).arrange(DOWN, buff=0.35).move_to([0, 0, 0])
        self.play(FadeIn(card, shift=0.3 * UP), run_time=0.8)
        self.wait(o.hold)
        self.play(FadeOut(card), run_time=0.5)


def _card_job(options: TitleCardOptions, **settings) -> Job:
    return Job(scene_path(TitleCard), options, **settings)


def story_jobs(
    *,
    theme: str,
    width: int,
    height: int,
    fps: float,
    seed: int | None = None,
    video: str | None = "mp4",
    gifs: GifRequest | None = None,
    keep_frames: bool = False,
) -> list[Job]:
    """The explainer's clips in order: the opening card, then each section's card and scene.

    ``gifs`` asks for a GIF of each section's scene; ``keep_frames`` returns
    every clip's frames (for a GIF of the whole story).
    """
    settings = dict(
        theme=theme, width=width, height=height, fps=fps, seed=seed or 0,
        video=video, keep_frames=keep_frames,
    )
    jobs = [_card_job(TitleCardOptions(), **settings)]
    for number, section in enumerate(SECTIONS, 1):
        scene = find_scene(section.name)
        card = TitleCardOptions(section.title, section.subtitle, number)
        options = scene.Options()
        if seed is not None and "seed" in {f.name for f in fields(options)}:
            options.seed = seed
        options.validate()
        jobs.append(_card_job(card, **settings))
        jobs.append(Job(scene_path(scene), options, gif=gifs, **settings))
    return jobs


def concat_videos(paths: Sequence[Path], target: Path) -> None:
    """Join videos of the same codec, size and rate into ``target`` without re-encoding."""
    manifest = io.BytesIO(
        "".join(f"file 'file:{Path(path).resolve().as_posix()}'\n" for path in paths).encode()
    )
    with av.open(manifest, format="concat", options={"safe": "0"}) as source, av.open(
        str(target), mode="w"
    ) as joined:
        stream = source.streams.video[0]
        out_stream = joined.add_stream_from_template(template=stream)
        for packet in source.demux(stream):
            if packet.dts is None:  # the demuxer's flushing packets
                continue
            packet.dts = None  # timestamps restart in each file; let libav order them
            packet.stream = out_stream
            joined.mux(packet)
