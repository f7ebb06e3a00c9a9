"""The explainer's story: a title card before each section, sections in story order.

``netreel explainer`` renders each title card and each section as its own clip
(in parallel processes with ``--jobs``); :func:`scenes.output.video.concat_videos`
joins the clips without re-encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..output.render import GifRequest, Job, scene_path
from ..registry import find_scene
from ..story.title_card import TitleCard, TitleCardOptions

__all__ = ["Section", "SECTIONS", "TITLE", "story_jobs"]


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
    Section("regions", "In two dimensions", "stripes cross into towers; towers cover any shape"),
    Section("boundary", "Learning a boundary", "a network bends its 0.5 line around two classes"),
    Section("backprop", "Backpropagation", "how each weight learns its share of the error"),
)


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
    jobs = [_card_job(TitleCardOptions(*TITLE), **settings)]
    for number, section in enumerate(SECTIONS, 1):
        scene = find_scene(section.name)
        card = TitleCardOptions(section.title, section.subtitle, number, len(SECTIONS))
        options = scene.Options()
        if seed is not None and "seed" in {f.name for f in fields(options)}:
            options.seed = seed
        options.validate()
        jobs.append(_card_job(card, **settings))
        jobs.append(Job(scene_path(scene), options, gif=gifs, **settings))
    return jobs
